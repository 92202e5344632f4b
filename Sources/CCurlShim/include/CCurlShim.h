#ifndef CCURLSHIM_H
#define CCURLSHIM_H

/*
 * A non-variadic front to libcurl for Swift.
 *
 * curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call. Instead of one
 * wrapper per option, bg_http_perform runs one whole HTTP request described by a plain struct and
 * reports, besides the answer, the facts the caller needs to decide whether the request may have
 * reached the server (exactly-once delivery depends on that).
 */

#include <stddef.h>
#include <curl/curl.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Response bodies are capped at this many bytes unless the request says otherwise. */
#define BG_HTTP_DEFAULT_MAX_RESPONSE_BYTES ((size_t)64 * 1024 * 1024)

/* One HTTP request. Every pointer is borrowed for the duration of bg_http_perform only. */
typedef struct bg_http_request {
    const char *url;                 /* absolute http:// or https:// URL */
    const char *method;              /* "GET", "POST", "PUT", "DELETE", "HEAD", ... */
    const char *const *headers;      /* "Name: value" lines, without CRLF */
    size_t header_count;
    const unsigned char *body;       /* may be NULL when has_body is 0 */
    size_t body_length;
    int has_body;                    /* 1: send body/body_length (possibly empty) */
    long connect_timeout_ms;         /* name resolution + TCP + TLS handshake; 0 = libcurl default */
    long total_timeout_ms;           /* whole transfer; 0 = no limit */
    const char *ca_file;             /* PEM bundle of trusted CAs, or NULL for the system store */
    const char *client_cert_file;    /* client certificate, or NULL */
    const char *client_key_file;     /* client key (or engine key id), or NULL */
    const char *client_key_type;     /* "PEM", "DER" or "ENG"; NULL = PEM */
    const char *client_key_password; /* or NULL */
    const char *ssl_engine;          /* OpenSSL engine id for keys in an HSM (e.g. "pkcs11"), or NULL */
    int verify_peer;                 /* 1: check the server certificate chain */
    int verify_host;                 /* 1: check the server certificate names the host */
    size_t max_response_bytes;       /* 0 = BG_HTTP_DEFAULT_MAX_RESPONSE_BYTES */
    int fresh_connection;            /* 1: never reuse nor keep the connection (see below) */
    int body_to_fd;                  /* 1: write the response body to body_fd as it arrives (a download
                                        of any size, never held), not into memory */
    int body_fd;                     /* the open, writable descriptor when body_to_fd is 1 */
} bg_http_request;

/* What happened. Release with bg_http_response_release. */
typedef struct bg_http_response {
    int curl_code;                /* a CURLcode; CURLE_OK means a complete response arrived */
    long status;                  /* HTTP status of the last response, 0 if none */
    unsigned char *body;          /* malloc'd response body (NULL when empty) */
    size_t body_length;
    char *header_block;           /* malloc'd raw header lines of the final response, or NULL */
    size_t header_block_length;
    int connected;                /* a TCP connection to the server (or proxy) was established */
    int request_started;          /* the connection was ready and libcurl began to send the request:
                                     from here on any request byte may have reached the server */
    long request_header_bytes;    /* request header bytes written (CURLINFO_REQUEST_SIZE) */
    long long body_bytes_uploaded;/* request body bytes written (CURLINFO_SIZE_UPLOAD_T) */
    int response_started;         /* at least one response byte (header or body) arrived */
    int response_too_large;       /* the body exceeded max_response_bytes: transfer aborted */
    char error_message[CURL_ERROR_SIZE]; /* libcurl's detailed message, or its generic one */
} bg_http_response;

/* A reusable easy handle: keeps connections and the DNS cache between requests on one thread.
   Not thread-safe: use one session per thread. */
typedef struct bg_http_session bg_http_session;

/* Initialises libcurl once per process (thread-safe). Returns a CURLcode. bg_http_perform calls it. */
int bg_http_global_init(void);

/* Creates a session, or NULL when out of memory or when libcurl cannot be initialised. */
bg_http_session *bg_http_session_create(void);
void bg_http_session_destroy(bg_http_session *session);

/*
 * Performs one request, blocking the calling thread until it completes or times out.
 * session may be NULL (a temporary handle is used). Always fills *response, returns its curl_code.
 *
 * Connection reuse: when libcurl sends a request on a reused keep-alive connection that the server
 * has meanwhile closed, and nothing came back, libcurl silently sends the request again on a new
 * connection. For a non-idempotent request (a payment) set fresh_connection = 1 so that every
 * request goes out exactly once, on its own connection.
 */
int bg_http_perform(bg_http_session *session, const bg_http_request *request,
                    bg_http_response *response);

/* One FTP transfer to or from a bank's client, in passive mode (EPSV, then PASV): a download of
   the file at url into memory, or an upload (STOR) of upload/upload_length to it. Every pointer is
   borrowed for the duration of bg_ftp_perform only. */
typedef struct bg_ftp_request {
    const char *url;                 /* ftp://host:port/path/name */
    const char *user;                /* or NULL (anonymous) */
    const char *password;            /* or NULL; never copied into messages */
    const unsigned char *upload;     /* the bytes to store when is_upload is 1 (may be NULL when empty) */
    size_t upload_length;
    int is_upload;                   /* 1: STOR upload; 0: RETR into the response body */
    long connect_timeout_ms;         /* 0 = libcurl default */
    long total_timeout_ms;           /* whole transfer; 0 = no limit */
    size_t max_download_bytes;       /* 0 = BG_HTTP_DEFAULT_MAX_RESPONSE_BYTES; beyond: response_too_large */
} bg_ftp_request;

/*
 * Performs one FTP transfer on a connection of its own, blocking the calling thread. Fills
 * *response as bg_http_perform does: status is the last FTP reply code, body the downloaded file.
 * Returns its curl_code (CURLE_REMOTE_FILE_NOT_FOUND, CURLE_LOGIN_DENIED, CURLE_FILESIZE_EXCEEDED …).
 */
int bg_ftp_perform(const bg_ftp_request *request, bg_http_response *response);

/* Frees the buffers of a response filled by bg_http_perform. */
void bg_http_response_release(bg_http_response *response);

#ifdef __cplusplus
}
#endif

#endif /* CCURLSHIM_H */
