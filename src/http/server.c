/*
 * server: the libmicrohttpd adapter. One struct conn_state per request, created by the URI log
 * callback (the first thing libmicrohttpd calls, with the raw URI: the query string is parsed by
 * parse.c, never by libmicrohttpd) and freed with its arena in the completion callback.
 *
 * A request goes through the access handler in three steps: the first call reads the headers,
 * validates the path and query, matches the route and chooses how to read the body; the following
 * calls feed the body to its parser (multipart file parts stream to temporary files); the last
 * call, with no data, runs the guard and the handler and queues the response. Queueing only on the
 * last call keeps connections alive (see RECIPES.md).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/alloc.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "http/http.h"
#include "http/parse.h"
#include "http/request_internal.h"
#include "http/router.h"

#define STATIC_PREFIX "/static/"

/* Sent with every response, static files and errors included. The pages use no inline script or
 * style, so the policy needs no 'unsafe-inline'. */
static const struct http_header_line security_headers[] = {
    {"Content-Security-Policy",
     "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; "
     "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
     "form-action 'self'; frame-ancestors 'none'"},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "strict-origin-when-cross-origin"},
    {"X-Frame-Options", "DENY"},
    {"Permissions-Policy", "geolocation=(self), camera=(), microphone=()"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
};

struct http_server {
    struct MHD_Daemon *daemon;
    const struct router *router;
    struct http_hooks hooks;
    char *web_dir; /* NULL: no static files */
    char *upload_dir;
    bool https, access_log;
    unsigned port;
    atomic_int in_flight;     /* requests between the URI callback and completion */
    pthread_key_t thread_key; /* frees the worker threads' contexts when they end */
};

enum body_kind {
    BODY_DISCARD,   /* an error is already known, or a static file: the body is dropped */
    BODY_FORM,      /* application/x-www-form-urlencoded */
    BODY_MULTIPART, /* multipart/form-data */
    BODY_JSON,      /* application/json, application/...+json */
    BODY_RAW,       /* any other type: req->body */
};

struct conn_state {
    struct http_request_internal in; /* req.internal points here */
    struct http_server *srv;
    struct arena arena;
    struct http_request req;
    struct http_response resp;
    char request_id[17];
    const char *raw_path;  /* as received, without the query string */
    const char *raw_query; /* after '?', or NULL */
    struct timespec start;
    bool started; /* the first call of the access handler has run */
    bool is_static;

    /* An error found before the handler runs (bad path or query, no route, body too big, bad
     * body): rendered by render_error instead of calling the handler. */
    int err;
    const char *err_message, *err_field;

    enum body_kind body_kind;
    bool text_body;         /* BODY_RAW of a text/ type: must be UTF-8 */
    struct buf body;        /* BODY_FORM, BODY_JSON, BODY_RAW */
    uint64_t received;      /* body bytes received */
    uint64_t discard_until; /* BODY_DISCARD: past this many bytes, the connection is dropped */
    struct http_multipart *multipart;

    /* Every temporary file made for the uploads, deleted at completion; the last one is being
     * written while upload_fd >= 0. req.n_uploads counts the complete ones. */
    struct http_upload *uploads;
    size_t n_upload_files, cap_uploads;
    int upload_fd;

    int response_fd; /* a file to send (static files, resp.file_path), or -1 */
    int status;
    uint64_t bytes_sent;
};

/* ---- per-thread resources ---- */

struct thread_context {
    void *ctx;
    const struct http_hooks *hooks;
};

static _Thread_local struct thread_context *thread_context;

static void thread_context_release(void *p)
{
    struct thread_context *tc = p;
    if (tc->hooks->thread_context_free)
        tc->hooks->thread_context_free(tc->ctx, tc->hooks->app);
    free(tc);
}

/* The worker thread's context, made on the thread's first request. A worker thread serves one
 * server only, so the thread-local pointer needs no key by server. */
static void *thread_context_get(struct http_server *srv)
{
    if (!srv->hooks.thread_context)
        return NULL;
    if (!thread_context) {
        struct thread_context *tc = xcalloc(1, sizeof(*tc));
        tc->hooks = &srv->hooks;
        tc->ctx = srv->hooks.thread_context(srv->hooks.app);
        thread_context = tc;
        pthread_setspecific(srv->thread_key, tc);
    }
    return thread_context->ctx;
}

/* Request ids only need to be unique in the logs, not secret: a per-thread xorshift64* seeded
 * from the kernel avoids a system call per request. */
static void request_id_make(char out[17])
{
    static _Thread_local uint64_t state;
    while (state == 0) {
        if (getrandom(&state, sizeof(state), 0) != sizeof(state))
            state = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&state;
    }
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    uint64_t v = state * 0x2545F4914F6CDD1DULL;
    snprintf(out, 17, "%016" PRIx64, v);
}

/* ---- libmicrohttpd callbacks: start and end of a request ---- */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *con)
{
    (void)con;
    struct http_server *srv = cls;
    struct conn_state *st = xcalloc(1, sizeof(*st));
    st->srv = srv;
    arena_init(&st->arena);
    clock_gettime(CLOCK_MONOTONIC, &st->start);
    request_id_make(st->request_id);
    st->upload_fd = -1;
    st->response_fd = -1;
    const char *q = strchr(uri, '?');
    st->raw_path =
        q ? arena_strndup(&st->arena, uri, (size_t)(q - uri)) : arena_strdup(&st->arena, uri);
    st->raw_query = q ? arena_strdup(&st->arena, q + 1) : NULL;
    atomic_fetch_add(&srv->in_flight, 1);
    return st;
}

/* The path for the access log: raw (percent-encoded, so personal data in it stays as sent), no
 * query string, no control character, bounded. */
static const char *log_path(struct conn_state *st)
{
    size_t n = strnlen(st->raw_path, 256);
    char *p = arena_strndup(&st->arena, st->raw_path, n);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f || p[i] == '"')
            p[i] = '?';
    return p;
}

static void on_completed(void *cls, struct MHD_Connection *con, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)con;
    struct http_server *srv = cls;
    struct conn_state *st = *con_cls;
    if (!st)
        return;
    if (srv->access_log && st->started) {
        struct timespec end;
        clock_gettime(CLOCK_MONOTONIC, &end);
        double ms = (double)(end.tv_sec - st->start.tv_sec) * 1e3 +
                    (double)(end.tv_nsec - st->start.tv_nsec) / 1e6;
        log_info("access %s %s %s \"%s\" %d %" PRIu64 " %.1fms%s", st->request_id,
                 st->req.remote_ip ? st->req.remote_ip : "-",
                 st->req.method_name ? st->req.method_name : "-", log_path(st), st->status,
                 st->bytes_sent, ms,
                 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (interrompue)");
    }
    if (st->upload_fd >= 0)
        close(st->upload_fd);
    if (st->response_fd >= 0)
        close(st->response_fd); /* made but never handed to libmicrohttpd */
    for (size_t i = 0; i < st->n_upload_files; i++)
        if (unlink(st->uploads[i].path) < 0 && errno != ENOENT)
            log_warn("http: removing the upload %s: %m", st->uploads[i].path);
    if (st->req.json)
        json_decref(st->req.json);
    arena_release(&st->arena);
    free(st);
    *con_cls = NULL;
    atomic_fetch_sub(&srv->in_flight, 1);
}

/* ---- uploads: the multipart sink ---- */

static int upload_begin(void *ctx, const char *field, const char *filename,
                        const char *content_type)
{
    struct conn_state *st = ctx;
    char *path = arena_printf(&st->arena, "%s/relais-upload-XXXXXX", st->srv->upload_dir);
    int fd = mkostemp(path, O_CLOEXEC);
    if (fd < 0) {
        log_error("http: cannot create an upload file in %s: %m", st->srv->upload_dir);
        return ERR_IO;
    }
    if (st->n_upload_files == st->cap_uploads) {
        size_t cap = st->cap_uploads ? st->cap_uploads * 2 : 4;
        st->uploads =
            arena_grow(&st->arena, st->uploads, st->n_upload_files, cap, sizeof(*st->uploads));
        st->cap_uploads = cap;
    }
    st->uploads[st->n_upload_files++] =
        (struct http_upload){field, filename, content_type, path, 0};
    st->upload_fd = fd;
    return 0;
}

static int upload_data(void *ctx, const char *p, size_t n)
{
    struct conn_state *st = ctx;
    struct http_upload *up = &st->uploads[st->n_upload_files - 1];
    while (n) {
        ssize_t w = write(st->upload_fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            log_error("http: writing the upload %s: %m", up->path);
            return ERR_IO;
        }
        p += w;
        n -= (size_t)w;
        up->size += (size_t)w;
    }
    return 0;
}

static int upload_end(void *ctx)
{
    struct conn_state *st = ctx;
    int rc = close(st->upload_fd);
    st->upload_fd = -1;
    if (rc < 0) {
        log_error("http: closing the upload %s: %m", st->uploads[st->n_upload_files - 1].path);
        return ERR_IO;
    }
    st->req.uploads = st->uploads;
    st->req.n_uploads = st->n_upload_files;
    return 0;
}

/* ---- the first call: headers ---- */

static void set_error(struct conn_state *st, int err, const char *message, const char *field)
{
    if (st->err)
        return; /* the first error is the one the person can act on */
    st->err = err;
    st->err_message = message;
    st->err_field = field;
    st->body_kind = BODY_DISCARD;
    st->discard_until = st->received + LIMIT_BODY_BYTES;
    if (st->upload_fd >= 0) {
        close(st->upload_fd);
        st->upload_fd = -1;
    }
}

static const char *remote_ip(struct conn_state *st, struct MHD_Connection *con)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(con, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char *ip = arena_alloc(&st->arena, INET6_ADDRSTRLEN);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;
    if (sa && sa->sa_family == AF_INET &&
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, ip,
                  INET6_ADDRSTRLEN))
        return ip;
    if (sa && sa->sa_family == AF_INET6 &&
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, ip,
                  INET6_ADDRSTRLEN))
        return ip;
    return "-";
}

/* Checks the path and the query string and matches the route. */
static void request_route(struct conn_state *st)
{
    struct http_request *req = &st->req;
    struct arena *a = &st->arena;
    if (st->raw_path[0] != '/') {
        set_error(st, ERR_INVALID, "L'adresse demandée est invalide.", NULL);
        return;
    }
    char *path;
    size_t len;
    if (http_percent_decode(a, st->raw_path, strlen(st->raw_path), false, &path, &len) < 0) {
        set_error(st, ERR_INVALID, "L'adresse demandée contient un encodage %XX invalide.", NULL);
        return;
    }
    if (!utf8_valid(path, len) || memchr(path, '\0', len)) {
        set_error(st, ERR_INVALID, "L'adresse demandée n'est pas en UTF-8 valide.", NULL);
        return;
    }
    req->path = path;
    req->is_api = strncmp(path, "/api/", 5) == 0;
    if (strncmp(path, STATIC_PREFIX, strlen(STATIC_PREFIX)) == 0) {
        st->is_static = true; /* served before routing, whatever the query string holds */
        return;
    }
    struct http_parse_error perr;
    int rc = st->raw_query ? http_parse_urlencoded(a, st->raw_query, strlen(st->raw_query),
                                                   &http_parse_limits_query, &req->query, &perr)
                           : 0;
    if (rc < 0) {
        set_error(st, rc, perr.message, perr.field);
        return;
    }
    int err;
    req->route =
        router_match(st->srv->router, req->method, st->raw_path, a, &req->path_params, &err);
    if (!req->route) {
        if (err == ERR_METHOD) {
            unsigned allowed = router_methods(st->srv->router, st->raw_path, a);
            struct buf b;
            buf_init(&b, a, 128);
            for (unsigned m = HTTP_GET; m < HTTP_OTHER; m <<= 1) {
                if (!(allowed & m))
                    continue;
                if (b.len)
                    buf_addlit(&b, ", ");
                buf_adds(&b, http_method_name((enum http_method)m));
            }
            http_resp_header(&st->resp, "Allow", buf_cstr(&b));
        }
        set_error(st, err, NULL, NULL);
        return;
    }
    rc = http_request_parse_cookies(req, &perr);
    if (rc < 0)
        set_error(st, rc, perr.message, perr.field);
}

/* Chooses the body parser by media type; returns its size cap. */
static uint64_t body_prepare(struct conn_state *st, const char *content_type)
{
    const char *type = st->req.content_type;
    if (st->err || st->is_static) {
        st->body_kind = BODY_DISCARD;
        st->discard_until = LIMIT_BODY_BYTES;
        return LIMIT_BODY_BYTES;
    }
    buf_init(&st->body, &st->arena, LIMIT_BODY_BYTES);
    if (type && strcmp(type, "application/x-www-form-urlencoded") == 0) {
        st->body_kind = BODY_FORM;
    } else if (type && strcmp(type, "multipart/form-data") == 0) {
        struct http_parse_error perr;
        struct http_multipart_sink sink = {upload_begin, upload_data, upload_end, st};
        st->body_kind = BODY_MULTIPART;
        if (http_multipart_begin(&st->arena, content_type, &http_parse_limits_multipart, &sink,
                                 &st->multipart, &perr) < 0)
            set_error(st, ERR_INVALID, perr.message, perr.field);
        return LIMIT_UPLOAD_BYTES;
    } else if (type && (strcmp(type, "application/json") == 0 ||
                        (strlen(type) > 5 && strcmp(type + strlen(type) - 5, "+json") == 0))) {
        st->body_kind = BODY_JSON;
    } else {
        st->body_kind = BODY_RAW;
        st->text_body = type && strncmp(type, "text/", 5) == 0;
    }
    return LIMIT_BODY_BYTES;
}

static const char *too_big_message(struct arena *a, uint64_t cap)
{
    return arena_printf(a, "Les données envoyées sont trop volumineuses (%" PRIu64 " Mo au plus).",
                        cap / (1024 * 1024));
}

static enum MHD_Result respond(struct conn_state *st, struct MHD_Connection *con);

/* The first call. Returns the result for libmicrohttpd: a response is queued at once only when the
 * body must not be read (too big, or the request already failed), which closes the connection. */
static enum MHD_Result request_begin(struct conn_state *st, struct MHD_Connection *con,
                                     const char *method)
{
    struct http_server *srv = st->srv;
    struct http_request *req = &st->req;
    struct arena *a = &st->arena;
    st->started = true;
    st->in.connection = con;
    req->arena = a;
    req->internal = &st->in;
    req->method_name = arena_strdup(a, method);
    req->method = http_method_parse(method);
    req->request_id = st->request_id;
    req->remote_ip = remote_ip(st, con);
    req->https = srv->https;
    req->path = "/";
    http_response_init(&st->resp, a);
    const char *content_type = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Type");
    req->content_type = http_media_type(a, content_type);
    request_route(st);
    uint64_t cap = body_prepare(st, content_type);

    const char *cl = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Content-Length");
    bool has_body = MHD_lookup_connection_value(con, MHD_HEADER_KIND, "Transfer-Encoding");
    int64_t length = 0;
    if (cl && cstr_to_int64(cl, &length) == 0 && length > 0) {
        has_body = true;
        if ((uint64_t)length > cap && !st->err)
            set_error(st, ERR_TOO_BIG, too_big_message(a, cap), NULL);
    }
    if (st->err && has_body) {
        /* A client still sending its body when the connection closes gets a reset and never reads
         * the answer: a body of reasonable announced size is read and dropped first. */
        if (length > 0 && (uint64_t)length <= LIMIT_DRAIN_BYTES) {
            st->discard_until = (uint64_t)length;
            return MHD_YES;
        }
        return respond(st, con);
    }
    return MHD_YES;
}

/* ---- the following calls: the body ---- */

/* Returns false to drop the connection (a body that goes on long after it was refused). */
static bool body_consume(struct conn_state *st, const char *p, size_t n)
{
    st->received += n;
    struct http_parse_error perr;
    switch (st->body_kind) {
    case BODY_DISCARD: return st->received <= st->discard_until;
    case BODY_MULTIPART: {
        int rc = http_multipart_feed(st->multipart, p, n, &perr);
        if (rc < 0)
            set_error(st, rc, perr.message, perr.field);
        return true;
    }
    case BODY_FORM:
    case BODY_JSON:
    case BODY_RAW:
        buf_add(&st->body, p, n);
        if (buf_finish(&st->body))
            set_error(st, ERR_TOO_BIG, too_big_message(&st->arena, st->body.max), NULL);
        return true;
    }
    return true;
}

/* The body is complete: parse what was buffered. */
static void body_finish(struct conn_state *st)
{
    struct http_request *req = &st->req;
    struct http_parse_error perr;
    int rc = 0;
    switch (st->body_kind) {
    case BODY_DISCARD: return;
    case BODY_MULTIPART: rc = http_multipart_end(st->multipart, &req->form, &perr); break;
    case BODY_FORM:
        rc = http_parse_urlencoded(&st->arena, st->body.p, st->body.len, &http_parse_limits_form,
                                   &req->form, &perr);
        break;
    case BODY_JSON:
        rc = http_parse_json(&st->arena, st->body.p, st->body.len, &http_parse_limits_json,
                             &req->json, &perr);
        break;
    case BODY_RAW:
        if (!st->received)
            return;
        if (st->text_body && !utf8_valid(st->body.p, st->body.len)) {
            rc = ERR_INVALID;
            perr = (struct http_parse_error){"Le corps de la requête n'est pas en UTF-8 valide.",
                                             NULL};
            break;
        }
        req->body = buf_cstr(&st->body);
        req->body_len = st->body.len;
        return;
    }
    if (rc < 0)
        set_error(st, rc, perr.message, perr.field);
}

/* ---- the last call: the handler and the response ---- */

static void default_render_error(struct http_request *req, struct http_response *resp, int err,
                                 const char *message, const char *field)
{
    if (req->is_api) {
        http_json_error(resp, err, message, field);
        return;
    }
    resp->status = err_http_status(err);
    resp->content_type = "text/plain; charset=utf-8";
    buf_adds(&resp->body, message ? message : http_error_message(err));
    buf_addch(&resp->body, '\n');
}

/* Replaces what the response holds by the error page of err (headers already added stay: an Allow,
 * a cookie set by the guard). */
static void render_error(struct conn_state *st, int err, const char *message, const char *field)
{
    struct http_response *resp = &st->resp;
    struct http_server *srv = st->srv;
    if (err_http_status(err) >= 500)
        log_error("http: %s %s %s: %s (%s)", st->request_id, st->req.method_name, log_path(st),
                  err_name(err), message ? message : "-");
    resp->status = 0;
    resp->content_type = NULL;
    resp->file_path = NULL;
    buf_reset(&resp->body);
    if (st->response_fd >= 0) {
        close(st->response_fd);
        st->response_fd = -1;
    }
    if (srv->hooks.render_error)
        srv->hooks.render_error(&st->req, resp, err, message, field, srv->hooks.app);
    else
        default_render_error(&st->req, resp, err, message, field);
    if (resp->status == 0)
        resp->status = err_http_status(err);
}

static const struct {
    const char *ext, *type;
} static_types[] = {
    {"css", "text/css; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"woff2", "font/woff2"},
    {"woff", "font/woff"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"webp", "image/webp"},
    {"ico", "image/x-icon"},
    {"json", "application/json; charset=utf-8"},
    {"map", "application/json; charset=utf-8"},
    {"txt", "text/plain; charset=utf-8"},
    {"pdf", "application/pdf"},
};

static const char *static_content_type(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (dot)
        for (size_t i = 0; i < sizeof(static_types) / sizeof(static_types[0]); i++)
            if (strcasecmp(dot + 1, static_types[i].ext) == 0)
                return static_types[i].type;
    return "application/octet-stream";
}

bool http_static_path_ok(const char *rel)
{
    if (!*rel || strchr(rel, '\\'))
        return false;
    /* Every segment non-empty and not starting with '.': no "..", no ".", no hidden file. */
    for (const char *seg = rel;;) {
        if (*seg == '/' || *seg == '\0' || *seg == '.')
            return false;
        const char *slash = strchr(seg, '/');
        if (!slash)
            return true;
        seg = slash + 1;
    }
}

bool http_static_fingerprinted(const char *name)
{
    const char *base = strrchr(name, '/');
    base = base ? base + 1 : name;
    const char *ext = strrchr(base, '.');
    const char *first_dot = strchr(base, '.');
    if (!ext || ext == first_dot)
        return false;
    /* Segments between the first and the last dot: is one of them 8 or more hex digits? */
    for (const char *seg = first_dot + 1; seg < ext;) {
        const char *end = strchr(seg, '.');
        size_t n = 0;
        while (seg + n < end && strchr("0123456789abcdefABCDEF", seg[n]))
            n++;
        if (seg + n == end && n >= 8)
            return true;
        seg = end + 1;
    }
    return false;
}

/* If-None-Match holds etag (weak comparison, as RFC 9110 asks for it), or "*". */
static bool etag_matches(const char *if_none_match, const char *etag)
{
    struct str list = str_from(if_none_match);
    size_t i = 0;
    while (i < list.len) {
        size_t end = i;
        while (end < list.len && list.p[end] != ',')
            end++;
        struct str tag = str_trim((struct str){list.p + i, end - i});
        if (str_starts_with(tag, "W/")) {
            tag.p += 2;
            tag.len -= 2;
        }
        if (str_eq_cstr(tag, "*") || str_eq_cstr(tag, etag))
            return true;
        i = end + 1;
    }
    return false;
}

/* Serves req->path from web_dir; returns 0 or an error for render_error. */
static int serve_static(struct conn_state *st)
{
    struct http_request *req = &st->req;
    struct http_response *resp = &st->resp;
    if (req->method != HTTP_GET && req->method != HTTP_HEAD) {
        http_resp_header(resp, "Allow", "GET, HEAD");
        return ERR_METHOD;
    }
    const char *rel = req->path + strlen(STATIC_PREFIX);
    if (!st->srv->web_dir || !http_static_path_ok(rel))
        return ERR_NOT_FOUND;
    const char *full = arena_printf(&st->arena, "%s/%s", st->srv->web_dir, rel);
    int fd = open(full, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ERR_NOT_FOUND;
    struct stat sb;
    if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
        close(fd);
        return ERR_NOT_FOUND;
    }
    const char *etag =
        arena_printf(&st->arena, "\"%" PRIx64 "-%" PRIx64 "\"", (uint64_t)sb.st_size,
                     (uint64_t)sb.st_mtim.tv_sec * 1000000000u + (uint64_t)sb.st_mtim.tv_nsec);
    http_resp_header(resp, "ETag", etag);
    http_resp_header(resp, "Cache-Control",
                     http_static_fingerprinted(rel) ? "public, max-age=31536000, immutable"
                                                    : "no-cache");
    const char *inm = http_header(req, "If-None-Match");
    if (inm && etag_matches(inm, etag)) {
        close(fd);
        resp->status = 304;
        return 0;
    }
    resp->status = 200;
    resp->content_type = static_content_type(rel);
    resp->file_path = full;
    resp->file_size = (uint64_t)sb.st_size;
    st->response_fd = fd;
    return 0;
}

/* Runs the guard and the handler of the matched route. */
static void dispatch(struct conn_state *st)
{
    struct http_server *srv = st->srv;
    struct http_request *req = &st->req;
    struct http_response *resp = &st->resp;
    req->ctx = thread_context_get(srv);
    if (st->is_static && !st->err) {
        int rc = serve_static(st);
        if (rc < 0)
            render_error(st, rc, NULL, NULL);
        return;
    }
    body_finish(st);
    if (st->err) {
        render_error(st, st->err, st->err_message, st->err_field);
        return;
    }
    int rc = 0;
    if (srv->hooks.guard)
        rc = srv->hooks.guard(req, resp, srv->hooks.app);
    if (rc == 0)
        rc = req->route->handler(req, resp);
    if (rc < 0) {
        const char *message, *field;
        http_failure(req, &message, &field);
        render_error(st, rc, message, field);
        return;
    }
    if (buf_finish(&resp->body)) {
        render_error(st, ERR_INTERNAL, "La page produite dépasse la taille maximale.", NULL);
        return;
    }
    if (resp->status == 0)
        resp->status = 200;
}

static void add_header(struct MHD_Response *r, const char *name, const char *value)
{
    if (MHD_add_response_header(r, name, value) != MHD_YES)
        log_error("http: libmicrohttpd refused the header %s", name);
}

static enum MHD_Result respond(struct conn_state *st, struct MHD_Connection *con)
{
    struct http_response *resp = &st->resp;
    dispatch(st);
    if (st->srv->hooks.after)
        st->srv->hooks.after(&st->req, st->srv->hooks.app);
    if (resp->file_path && st->response_fd < 0) {
        /* A handler's file (an export): opened here, sent by libmicrohttpd, which closes it. */
        st->response_fd = open(resp->file_path, O_RDONLY | O_CLOEXEC);
        struct stat sb;
        if (st->response_fd < 0 || fstat(st->response_fd, &sb) < 0) {
            log_error("http: cannot open %s: %m", resp->file_path);
            render_error(st, ERR_IO, NULL, NULL);
        } else {
            resp->file_size = (uint64_t)sb.st_size;
        }
    }
    struct MHD_Response *r;
    bool has_body = resp->status != 304 && resp->status != 204;
    if (st->response_fd >= 0 && has_body) {
        r = MHD_create_response_from_fd((size_t)resp->file_size, st->response_fd);
        st->response_fd = -1; /* libmicrohttpd's now */
        st->bytes_sent = resp->file_size;
    } else {
        /* The body lives in the arena, which outlives the response (freed at completion). */
        size_t len = has_body ? resp->body.len : 0;
        r = MHD_create_response_from_buffer(len, (void *)buf_cstr(&resp->body),
                                            MHD_RESPMEM_PERSISTENT);
        st->bytes_sent = len;
    }
    if (!r)
        return MHD_NO;
    if (st->req.method == HTTP_HEAD)
        st->bytes_sent = 0;
    for (size_t i = 0; i < resp->n_headers; i++)
        add_header(r, resp->headers[i].name, resp->headers[i].value);
    if (has_body)
        add_header(r, "Content-Type",
                   resp->content_type ? resp->content_type : "text/html; charset=utf-8");
    if (!http_resp_get_header(resp, "Cache-Control"))
        add_header(r, "Cache-Control", "no-store");
    add_header(r, "X-Request-Id", st->request_id);
    for (size_t i = 0; i < sizeof(security_headers) / sizeof(security_headers[0]); i++)
        add_header(r, security_headers[i].name, security_headers[i].value);
    if (st->srv->https)
        add_header(r, "Strict-Transport-Security", "max-age=63072000; includeSubDomains");
    st->status = resp->status;
    enum MHD_Result ok = MHD_queue_response(con, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *con, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)cls;
    (void)url; /* the raw URI from on_uri is used instead */
    (void)version;
    struct conn_state *st = *con_cls;
    if (!st)
        return MHD_NO;
    if (!st->started)
        return request_begin(st, con, method);
    if (*upload_data_size) {
        bool go_on = body_consume(st, upload_data, *upload_data_size);
        *upload_data_size = 0;
        return go_on ? MHD_YES : MHD_NO;
    }
    return respond(st, con);
}

/* libmicrohttpd would decode the path itself; the raw URI is parsed by us (on_uri). */
static size_t keep_escapes(void *cls, struct MHD_Connection *con, char *s)
{
    (void)cls;
    (void)con;
    return strlen(s);
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char line[512];
    vsnprintf(line, sizeof(line), fmt, ap);
    size_t n = strlen(line);
    while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    log_info("libmicrohttpd: %s", line); /* mostly clients that left early */
}

int http_server_start(const struct http_server_opts *opts, const struct router *router,
                      const struct http_hooks *hooks, struct http_server **out)
{
    *out = NULL;
    /* sendfile() on a socket the client closed raises SIGPIPE; the server must survive it. */
    signal(SIGPIPE, SIG_IGN);
    const char *bind = opts->bind ? opts->bind : "127.0.0.1";
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)opts->port)};
    struct sockaddr_in6 sin6 = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)opts->port)};
    const struct sockaddr *sa;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO | MHD_USE_ITC |
                     MHD_USE_ERROR_LOG;
    if (inet_pton(AF_INET, bind, &sin.sin_addr) == 1) {
        sa = (const struct sockaddr *)&sin;
    } else if (inet_pton(AF_INET6, bind, &sin6.sin6_addr) == 1) {
        sa = (const struct sockaddr *)&sin6;
        flags |= MHD_USE_IPv6;
    } else {
        log_error("http: cannot listen on %s: not an IP address", bind);
        return ERR_INVALID;
    }
    if (opts->port > 65535)
        return ERR_INVALID;
    unsigned threads = opts->threads;
    if (!threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)n : 1;
    }
    struct http_server *srv = xcalloc(1, sizeof(*srv));
    srv->router = router;
    if (hooks)
        srv->hooks = *hooks;
    srv->web_dir = opts->web_dir ? xstrdup(opts->web_dir) : NULL;
    srv->upload_dir = xstrdup(opts->upload_dir ? opts->upload_dir : "/tmp");
    srv->https = opts->https;
    srv->access_log = opts->access_log;
    atomic_init(&srv->in_flight, 0);
    if (pthread_key_create(&srv->thread_key, thread_context_release) != 0)
        log_fatal("http: pthread_key_create failed");
    srv->daemon = MHD_start_daemon(
        flags, (uint16_t)opts->port, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER,
        mhd_log, NULL, MHD_OPTION_SOCK_ADDR, sa, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LIMIT_CONNECTION_MEMORY,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)LIMIT_CONNECTION_TIMEOUT_S,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)LIMIT_CONNECTIONS,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)LIMIT_CONNECTIONS_PER_IP,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv, MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
        MHD_OPTION_UNESCAPE_CALLBACK, keep_escapes, NULL, MHD_OPTION_END);
    if (!srv->daemon) {
        log_error("http: cannot listen on %s port %u", bind, opts->port);
        pthread_key_delete(srv->thread_key);
        free(srv->web_dir);
        free(srv->upload_dir);
        free(srv);
        return ERR_IO;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = info ? info->port : opts->port;
    *out = srv;
    return 0;
}

unsigned http_server_port(const struct http_server *srv) { return srv->port; }

void http_server_stop(struct http_server *srv)
{
    if (!srv)
        return;
    /* Closing the listening socket at once makes new clients get a refusal (they can retry on
     * another process) instead of waiting in the kernel's queue of a server that will not accept. */
    MHD_socket listen_fd = MHD_quiesce_daemon(srv->daemon);
    if (listen_fd != MHD_INVALID_SOCKET)
        close(listen_fd);
    /* Idle keep-alive connections are not waited for: only requests being handled or sent. */
    for (int waited_ms = 0;
         atomic_load(&srv->in_flight) > 0 && waited_ms < LIMIT_SHUTDOWN_GRACE_S * 1000;
         waited_ms += 10) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(srv->daemon);
    pthread_key_delete(srv->thread_key);
    free(srv->web_dir);
    free(srv->upload_dir);
    free(srv);
}
