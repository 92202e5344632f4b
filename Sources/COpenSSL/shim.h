#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/pkcs12.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/bn.h>
#include <openssl/x509v3.h>

// Macros and type-generic stack helpers Swift cannot import, as functions.

/// The bytes a memory BIO holds (`BIO_get_mem_data`); their length is returned.
static inline long bankgate_BIO_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }

/// Frees memory OpenSSL allocated for the caller (`OPENSSL_free`).
static inline void bankgate_OPENSSL_free(void *pointer) { OPENSSL_free(pointer); }

/// RFC 2253 names with UTF-8 left as it is (Chinese organisation names stay readable).
static inline unsigned long bankgate_name_flags(void) { return XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB; }

static inline int bankgate_sk_X509_num(const STACK_OF(X509) *stack) { return sk_X509_num(stack); }
static inline X509 *bankgate_sk_X509_value(const STACK_OF(X509) *stack, int index) { return sk_X509_value(stack, index); }
static inline void bankgate_sk_X509_pop_free(STACK_OF(X509) *stack) { sk_X509_pop_free(stack, X509_free); }

/// `MBSTRING_UTF8`: the type of the text handed to `X509_NAME_add_entry_by_txt`.
static inline int bankgate_MBSTRING_UTF8(void) { return MBSTRING_UTF8; }
