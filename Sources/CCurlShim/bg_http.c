/* One HTTP request (or one FTP transfer) through libcurl, described by a plain struct (see CCurlShim.h).
 *
 * libcurl is loaded with dlopen on first use, not linked: with its two dozen dependencies (GnuTLS,
 * Kerberos, LDAP, SSH, …) it cost every start of the bankgate binary about 5 ms of CPU in the
 * dynamic loader, also for the commands that never speak HTTP (`statements parse`, `messages render`).
 * The daemon and the operator commands load it at their first request. */
#include "CCurlShim.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <unistd.h>

/* Response headers beyond this size abort the transfer (libcurl caps single lines itself). */
#define BG_HTTP_MAX_HEADER_BYTES ((size_t)1024 * 1024)

struct bg_http_session {
    CURL *easy;
};

/* A growable byte buffer with a hard limit. */
typedef struct bg_buffer {
    unsigned char *bytes;
    size_t length;
    size_t capacity;
    size_t limit;
} bg_buffer;

/* Everything the callbacks write to during one transfer. */
typedef struct bg_transfer {
    bg_buffer body;
    bg_buffer headers;
    int request_started;
    int response_started;
    int too_large;
    int body_to_fd; /* 1: the body goes to body_fd, not into `body` (0, the zeroed default: into `body`) */
    int body_fd;
} bg_transfer;

/* The libcurl functions bankgate uses, resolved from the library at first use. */
static struct {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *curl);
    void (*easy_reset)(CURL *curl);
    CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
    CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
    CURLcode (*easy_perform)(CURL *curl);
    const char *(*easy_strerror)(CURLcode code);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *string);
    void (*slist_free_all)(struct curl_slist *list);
} bg_curl;

static pthread_once_t bg_init_once = PTHREAD_ONCE_INIT;
static CURLcode bg_init_result = CURLE_FAILED_INIT;
static char bg_load_error[CURL_ERROR_SIZE];

/* Loads libcurl and resolves every function; on failure, says why in bg_load_error. */
static int bg_load_curl(void) {
    void *library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(bg_load_error, sizeof bg_load_error, "libcurl could not be loaded (%s); install libcurl4",
                 reason ? reason : "dlopen failed");
        return 0;
    }
#define BG_RESOLVE(field, symbol) \
    if ((*(void **)&bg_curl.field = dlsym(library, symbol)) == NULL) { \
        snprintf(bg_load_error, sizeof bg_load_error, "libcurl has no %s; it is too old", symbol); \
        return 0; \
    }
    BG_RESOLVE(global_init, "curl_global_init")
    BG_RESOLVE(easy_init, "curl_easy_init")
    BG_RESOLVE(easy_cleanup, "curl_easy_cleanup")
    BG_RESOLVE(easy_reset, "curl_easy_reset")
    BG_RESOLVE(easy_setopt, "curl_easy_setopt")
    BG_RESOLVE(easy_getinfo, "curl_easy_getinfo")
    BG_RESOLVE(easy_perform, "curl_easy_perform")
    BG_RESOLVE(easy_strerror, "curl_easy_strerror")
    BG_RESOLVE(slist_append, "curl_slist_append")
    BG_RESOLVE(slist_free_all, "curl_slist_free_all")
#undef BG_RESOLVE
    return 1;
}

static void bg_global_init_once(void) {
    if (!bg_load_curl()) {
        bg_init_result = CURLE_FAILED_INIT;
        return;
    }
    bg_init_result = bg_curl.global_init(CURL_GLOBAL_DEFAULT);
    if (bg_init_result != CURLE_OK)
        snprintf(bg_load_error, sizeof bg_load_error, "%s", bg_curl.easy_strerror(bg_init_result));
}

/* The message for a failed call: libcurl's own, or why libcurl could not be loaded. */
static const char *bg_strerror(CURLcode code) {
    if (bg_init_result != CURLE_OK) return bg_load_error;
    return bg_curl.easy_strerror(code);
}

int bg_http_global_init(void) {
    pthread_once(&bg_init_once, bg_global_init_once);
    return (int)bg_init_result;
}

/* Appends to a buffer; returns 0 when the limit would be exceeded or memory runs out. */
static int bg_buffer_append(bg_buffer *buffer, const void *data, size_t count) {
    if (count == 0) return 1;
    if (count > buffer->limit || buffer->length > buffer->limit - count) return 0;
    size_t needed = buffer->length + count;
    if (needed > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity : 16384;
        while (capacity < needed) capacity = capacity > (SIZE_MAX / 2) ? needed : capacity * 2;
        if (capacity > buffer->limit) capacity = buffer->limit;
        unsigned char *grown = realloc(buffer->bytes, capacity);
        if (grown == NULL) return 0;
        buffer->bytes = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->bytes + buffer->length, data, count);
    buffer->length = needed;
    return 1;
}

static size_t bg_write_body(char *data, size_t size, size_t count, void *user) {
    bg_transfer *transfer = user;
    size_t total = size * count;
    transfer->response_started = 1;
    if (transfer->body_to_fd) {
        size_t written = 0;
        while (written < total) {
            ssize_t done = write(transfer->body_fd, data + written, total - written);
            if (done < 0 && errno == EINTR) continue;
            if (done <= 0) return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
            written += (size_t)done;
        }
        return total;
    }
    if (!bg_buffer_append(&transfer->body, data, total)) {
        transfer->too_large = 1;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    return total;
}

static size_t bg_write_header(char *data, size_t size, size_t count, void *user) {
    bg_transfer *transfer = user;
    size_t total = size * count;
    transfer->response_started = 1;
    /* A new status line starts a new response (after 100 Continue): keep only the last one. */
    if (total >= 5 && memcmp(data, "HTTP/", 5) == 0) transfer->headers.length = 0;
    if (!bg_buffer_append(&transfer->headers, data, total)) {
        transfer->too_large = 1;
        return 0;
    }
    return total;
}

/* Called once the connection (and TLS) is ready, right before the request is sent. */
static int bg_prerequest(void *user, char *primary_ip, char *local_ip, int primary_port, int local_port) {
    (void)primary_ip; (void)local_ip; (void)primary_port; (void)local_port;
    ((bg_transfer *)user)->request_started = 1;
    return CURL_PREREQFUNC_OK;
}

bg_http_session *bg_http_session_create(void) {
    if (bg_http_global_init() != CURLE_OK) return NULL;
    bg_http_session *session = calloc(1, sizeof *session);
    if (session == NULL) return NULL;
    session->easy = bg_curl.easy_init();
    if (session->easy == NULL) {
        free(session);
        return NULL;
    }
    return session;
}

void bg_http_session_destroy(bg_http_session *session) {
    if (session == NULL) return;
    bg_curl.easy_cleanup(session->easy);
    free(session);
}

static int bg_has_header(const bg_http_request *request, const char *name) {
    size_t length = strlen(name);
    for (size_t i = 0; i < request->header_count; i++) {
        const char *line = request->headers[i];
        if (line != NULL && strncasecmp(line, name, length) == 0 && line[length] == ':') return 1;
    }
    return 0;
}

static void bg_set_method_and_body(CURL *easy, const bg_http_request *request) {
    const char *method = request->method ? request->method : "GET";
    if (request->has_body || strcmp(method, "POST") == 0) {
        const unsigned char *body = request->body ? request->body : (const unsigned char *)"";
        size_t length = request->has_body ? request->body_length : 0;
        bg_curl.easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)length);
        bg_curl.easy_setopt(easy, CURLOPT_POSTFIELDS, (const char *)body);
        if (strcmp(method, "POST") != 0) bg_curl.easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method);
    } else if (strcmp(method, "HEAD") == 0) {
        bg_curl.easy_setopt(easy, CURLOPT_NOBODY, 1L);
    } else {
        bg_curl.easy_setopt(easy, CURLOPT_HTTPGET, 1L);
        if (strcmp(method, "GET") != 0) bg_curl.easy_setopt(easy, CURLOPT_CUSTOMREQUEST, method);
    }
}

static void bg_set_tls(CURL *easy, const bg_http_request *request) {
    if (request->ca_file) bg_curl.easy_setopt(easy, CURLOPT_CAINFO, request->ca_file);
    if (request->ssl_engine) {
        bg_curl.easy_setopt(easy, CURLOPT_SSLENGINE, request->ssl_engine);
        bg_curl.easy_setopt(easy, CURLOPT_SSLENGINE_DEFAULT, 1L);
    }
    if (request->client_cert_file) bg_curl.easy_setopt(easy, CURLOPT_SSLCERT, request->client_cert_file);
    if (request->client_key_file) bg_curl.easy_setopt(easy, CURLOPT_SSLKEY, request->client_key_file);
    if (request->client_key_type) bg_curl.easy_setopt(easy, CURLOPT_SSLKEYTYPE, request->client_key_type);
    if (request->client_key_password) bg_curl.easy_setopt(easy, CURLOPT_KEYPASSWD, request->client_key_password);
    bg_curl.easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, request->verify_peer ? 1L : 0L);
    bg_curl.easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, request->verify_host ? 2L : 0L);
}

/* Sets every option; returns CURLE_OK or the error of an option we cannot do without. */
static CURLcode bg_configure(CURL *easy, const bg_http_request *request, bg_transfer *transfer,
                             struct curl_slist *headers, char *error_buffer) {
    bg_curl.easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
    bg_curl.easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    bg_curl.easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    bg_curl.easy_setopt(easy, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    bg_curl.easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    bg_curl.easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    bg_curl.easy_setopt(easy, CURLOPT_USERAGENT, "bankgate");
    CURLcode code = bg_curl.easy_setopt(easy, CURLOPT_URL, request->url ? request->url : "");
    if (code != CURLE_OK) return code;
    /* Without this callback we could not tell whether the request may have been sent. */
    code = bg_curl.easy_setopt(easy, CURLOPT_PREREQFUNCTION, bg_prerequest);
    if (code != CURLE_OK) return code;
    bg_curl.easy_setopt(easy, CURLOPT_PREREQDATA, transfer);
    bg_curl.easy_setopt(easy, CURLOPT_WRITEFUNCTION, bg_write_body);
    bg_curl.easy_setopt(easy, CURLOPT_WRITEDATA, transfer);
    bg_curl.easy_setopt(easy, CURLOPT_HEADERFUNCTION, bg_write_header);
    bg_curl.easy_setopt(easy, CURLOPT_HEADERDATA, transfer);
    if (request->connect_timeout_ms > 0)
        bg_curl.easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, request->connect_timeout_ms);
    if (request->total_timeout_ms > 0)
        bg_curl.easy_setopt(easy, CURLOPT_TIMEOUT_MS, request->total_timeout_ms);
    if (request->fresh_connection) {
        bg_curl.easy_setopt(easy, CURLOPT_FRESH_CONNECT, 1L);
        bg_curl.easy_setopt(easy, CURLOPT_FORBID_REUSE, 1L);
    }
    bg_set_method_and_body(easy, request);
    bg_set_tls(easy, request);
    bg_curl.easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    return CURLE_OK;
}

/* Builds the header list; adds "Expect:" to stop libcurl's 100-continue wait on large bodies. */
static struct curl_slist *bg_header_list(const bg_http_request *request, int *failed) {
    struct curl_slist *list = NULL;
    *failed = 0;
    for (size_t i = 0; i < request->header_count; i++) {
        if (request->headers[i] == NULL) continue;
        struct curl_slist *next = bg_curl.slist_append(list, request->headers[i]);
        if (next == NULL) { *failed = 1; return list; }
        list = next;
    }
    if (!bg_has_header(request, "Expect")) {
        struct curl_slist *next = bg_curl.slist_append(list, "Expect:");
        if (next == NULL) { *failed = 1; return list; }
        list = next;
    }
    return list;
}

static void bg_collect_info(CURL *easy, bg_http_response *response) {
    long status = 0, request_size = 0;
    curl_off_t connect_time = 0, uploaded = 0;
    bg_curl.easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    bg_curl.easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect_time);
    bg_curl.easy_getinfo(easy, CURLINFO_REQUEST_SIZE, &request_size);
    bg_curl.easy_getinfo(easy, CURLINFO_SIZE_UPLOAD_T, &uploaded);
    response->status = status;
    response->request_header_bytes = request_size;
    response->body_bytes_uploaded = (long long)uploaded;
    if (request_size > 0 || uploaded > 0) response->request_started = 1;
    response->connected = connect_time > 0 || response->request_started;
}

int bg_http_perform(bg_http_session *session, const bg_http_request *request,
                    bg_http_response *response) {
    memset(response, 0, sizeof *response);
    CURLcode code = (CURLcode)bg_http_global_init();
    CURL *easy = NULL;
    if (code == CURLE_OK) {
        easy = session ? session->easy : bg_curl.easy_init();
        if (easy == NULL) code = CURLE_FAILED_INIT;
    }
    if (code != CURLE_OK) {
        response->curl_code = (int)code;
        strncpy(response->error_message, bg_strerror(code), CURL_ERROR_SIZE - 1);
        return response->curl_code;
    }
    if (session) bg_curl.easy_reset(easy); /* clears options, keeps connections and caches */

    bg_transfer transfer;
    memset(&transfer, 0, sizeof transfer);
    transfer.body.limit = request->max_response_bytes ? request->max_response_bytes
                                                      : BG_HTTP_DEFAULT_MAX_RESPONSE_BYTES;
    transfer.headers.limit = BG_HTTP_MAX_HEADER_BYTES;
    transfer.body_to_fd = request->body_to_fd;
    transfer.body_fd = request->body_fd;

    int list_failed = 0;
    struct curl_slist *headers = bg_header_list(request, &list_failed);
    code = list_failed ? CURLE_OUT_OF_MEMORY
                       : bg_configure(easy, request, &transfer, headers, response->error_message);
    if (code == CURLE_OK) code = bg_curl.easy_perform(easy);
    bg_collect_info(easy, response);
    /* Drop every pointer into this call's stack and buffers before they go away. */
    if (session) bg_curl.easy_reset(easy); else bg_curl.easy_cleanup(easy);
    bg_curl.slist_free_all(headers);

    response->curl_code = (int)code;
    response->request_started |= transfer.request_started;
    response->connected |= transfer.request_started;
    response->response_started = transfer.response_started;
    response->response_too_large = transfer.too_large;
    response->body = transfer.body.bytes;
    response->body_length = transfer.body.length;
    response->header_block = (char *)transfer.headers.bytes;
    response->header_block_length = transfer.headers.length;
    if (code != CURLE_OK && response->error_message[0] == '\0')
        strncpy(response->error_message, bg_strerror(code), CURL_ERROR_SIZE - 1);
    return response->curl_code;
}

/* The bytes of an FTP upload, handed to libcurl piece by piece. */
typedef struct bg_upload {
    const unsigned char *bytes;
    size_t length;
    size_t offset;
} bg_upload;

static size_t bg_read_upload(char *buffer, size_t size, size_t count, void *user) {
    bg_upload *upload = user;
    size_t room = size * count;
    size_t left = upload->length - upload->offset;
    size_t n = left < room ? left : room;
    if (n > 0) memcpy(buffer, upload->bytes + upload->offset, n);
    upload->offset += n;
    return n;
}

int bg_ftp_perform(const bg_ftp_request *request, bg_http_response *response) {
    memset(response, 0, sizeof *response);
    CURLcode code = (CURLcode)bg_http_global_init();
    CURL *easy = NULL;
    if (code == CURLE_OK) {
        easy = bg_curl.easy_init();
        if (easy == NULL) code = CURLE_FAILED_INIT;
    }
    if (code != CURLE_OK) {
        response->curl_code = (int)code;
        strncpy(response->error_message, bg_strerror(code), CURL_ERROR_SIZE - 1);
        return response->curl_code;
    }
    bg_transfer transfer;
    memset(&transfer, 0, sizeof transfer);
    transfer.body.limit = request->max_download_bytes ? request->max_download_bytes
                                                      : BG_HTTP_DEFAULT_MAX_RESPONSE_BYTES;
    bg_upload upload = { request->upload, request->upload ? request->upload_length : 0, 0 };

    bg_curl.easy_setopt(easy, CURLOPT_ERRORBUFFER, response->error_message);
    bg_curl.easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    code = bg_curl.easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "ftp");
    if (code == CURLE_OK) code = bg_curl.easy_setopt(easy, CURLOPT_URL, request->url ? request->url : "");
    if (code == CURLE_OK) {
        if (request->user) bg_curl.easy_setopt(easy, CURLOPT_USERNAME, request->user);
        if (request->password) bg_curl.easy_setopt(easy, CURLOPT_PASSWORD, request->password);
        /* Passive: the client program opens no connection to us. EPSV first, PASV if refused; the
           address in a PASV reply is ignored for the control connection's (no redirection). */
        bg_curl.easy_setopt(easy, CURLOPT_FTP_USE_EPSV, 1L);
        bg_curl.easy_setopt(easy, CURLOPT_FTP_SKIP_PASV_IP, 1L);
        bg_curl.easy_setopt(easy, CURLOPT_FTP_FILEMETHOD, (long)CURLFTPMETHOD_SINGLECWD);
        if (request->connect_timeout_ms > 0)
            bg_curl.easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, request->connect_timeout_ms);
        if (request->total_timeout_ms > 0)
            bg_curl.easy_setopt(easy, CURLOPT_TIMEOUT_MS, request->total_timeout_ms);
        if (request->is_upload) {
            bg_curl.easy_setopt(easy, CURLOPT_UPLOAD, 1L);
            bg_curl.easy_setopt(easy, CURLOPT_READFUNCTION, bg_read_upload);
            bg_curl.easy_setopt(easy, CURLOPT_READDATA, &upload);
            bg_curl.easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)upload.length);
        } else {
            bg_curl.easy_setopt(easy, CURLOPT_WRITEFUNCTION, bg_write_body);
            bg_curl.easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
            /* Refused before the transfer when the server announces a larger file (SIZE, 150). */
            bg_curl.easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)transfer.body.limit);
        }
        code = bg_curl.easy_perform(easy);
    }
    long status = 0;
    curl_off_t connect_time = 0, uploaded = 0;
    bg_curl.easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
    bg_curl.easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connect_time);
    bg_curl.easy_getinfo(easy, CURLINFO_SIZE_UPLOAD_T, &uploaded);
    bg_curl.easy_cleanup(easy);

    response->curl_code = (int)code;
    response->status = status;
    response->body_bytes_uploaded = (long long)uploaded;
    response->connected = connect_time > 0 || status > 0;
    response->request_started = uploaded > 0;
    response->response_started = transfer.response_started;
    response->response_too_large = transfer.too_large || code == CURLE_FILESIZE_EXCEEDED;
    response->body = transfer.body.bytes;
    response->body_length = transfer.body.length;
    if (code != CURLE_OK && response->error_message[0] == '\0')
        strncpy(response->error_message, bg_strerror(code), CURL_ERROR_SIZE - 1);
    return response->curl_code;
}

void bg_http_response_release(bg_http_response *response) {
    if (response == NULL) return;
    free(response->body);
    free(response->header_block);
    response->body = NULL;
    response->body_length = 0;
    response->header_block = NULL;
    response->header_block_length = 0;
}
