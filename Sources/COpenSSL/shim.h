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

// PKCS#11 keys through OpenSSL's ENGINE API and libp11's `pkcs11` engine. The ENGINE API is
// deprecated in OpenSSL 3 (providers replace it) but it is what Debian's libengine-pkcs11-openssl
// offers; these wrappers keep the deprecation in one place.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include <openssl/engine.h>
#include <openssl/ui.h>

/// A functional reference to the engine `engine_id` (loaded through the dynamic engine from
/// OpenSSL's engines directory when it is not built in), with `module_path` (NULL: the engine's
/// default module) set before it is initialised; NULL when it cannot be loaded or initialised.
static inline ENGINE *bankgate_engine_open(const char *engine_id, const char *module_path) {
    ENGINE *engine = ENGINE_by_id(engine_id);
    if (engine == NULL) return NULL;
    if (module_path != NULL && ENGINE_ctrl_cmd_string(engine, "MODULE_PATH", module_path, 0) != 1) {
        ENGINE_free(engine);
        return NULL;
    }
    if (ENGINE_init(engine) != 1) {
        ENGINE_free(engine);
        return NULL;
    }
    // ENGINE_init took a functional reference; the structural one of ENGINE_by_id is not needed.
    ENGINE_free(engine);
    return engine;
}

/// Sets the engine's PIN (`PIN` control); 1 on success.
static inline int bankgate_engine_set_pin(ENGINE *engine, const char *pin) {
    return ENGINE_ctrl_cmd_string(engine, "PIN", pin, 0);
}

/// The answer of a UI method that never asks anyone: a server has no terminal to prompt on.
static inline int bankgate_ui_refuse(UI *ui, UI_STRING *text) { (void)ui; (void)text; return 0; }

/// A UI method that refuses every prompt, made once.
static inline UI_METHOD *bankgate_ui_no_prompt(void) {
    static UI_METHOD *method = NULL;
    if (method == NULL) {
        UI_METHOD *made = UI_create_method("bankgate-no-prompt");
        if (made == NULL) return NULL;
        UI_method_set_reader(made, bankgate_ui_refuse);
        method = made;
    }
    return method;
}

/// The private key `key_id` (a PKCS#11 URI) through `engine`, never prompting; NULL on failure.
static inline EVP_PKEY *bankgate_engine_load_private_key(ENGINE *engine, const char *key_id) {
    return ENGINE_load_private_key(engine, key_id, bankgate_ui_no_prompt(), NULL);
}
#pragma GCC diagnostic pop
