/*
 * http: the request and response types that every handler sees, and the server that produces them.
 *
 * The server (server.c) runs libmicrohttpd with a thread pool; for each request it creates an arena,
 * parses the request within the limits of core/limits.h (query string, cookies, urlencoded form,
 * multipart upload streamed to files in the data directory, JSON body), matches a route (router.h),
 * calls the application's guard and then the handler, and sends the response. Everything a handler
 * receives or allocates lives in req->arena and is freed when the response has been sent.
 *
 * The http layer knows nothing of accounts, pages or the database: the application plugs those in
 * through struct http_hooks (guard before the handler, error rendering, per-thread context).
 */
#ifndef RELAIS_HTTP_HTTP_H
#define RELAIS_HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/str.h"

enum http_method {
    HTTP_GET = 1 << 0,
    HTTP_HEAD = 1 << 1,
    HTTP_POST = 1 << 2,
    HTTP_PUT = 1 << 3,
    HTTP_PATCH = 1 << 4,
    HTTP_DELETE = 1 << 5,
    HTTP_OPTIONS = 1 << 6,
    HTTP_OTHER = 1 << 7,
};

const char *http_method_name(enum http_method m);

/* One name=value pair; both NUL-terminated, decoded, valid UTF-8, in the request arena. */
struct http_param {
    const char *name;
    const char *value;
};

struct http_params {
    struct http_param *items;
    size_t n;
};

/* The first value of name, or NULL. Borrowed from the request arena. */
const char *http_param(const struct http_params *ps, const char *name);
/* Every value of name (for checkboxes and repeated keys): fills up to max, returns the count. */
size_t http_param_all(const struct http_params *ps, const char *name, const char **out, size_t max);

/* One uploaded file of a multipart body, already streamed to disk (a temporary file in the data
 * directory that the server deletes when the request ends, unless the handler renamed it). */
struct http_upload {
    const char *field;
    const char *filename;     /* as sent by the browser, UTF-8 checked; may be "" */
    const char *content_type; /* as sent; not trusted */
    const char *path;         /* temporary file */
    size_t size;
};

struct route;

struct http_request {
    struct arena *arena;
    enum http_method method;
    const char *method_name; /* as received, e.g. "GET" */
    const char *path;        /* decoded path, without the query string */
    const char *request_id;  /* 16 hex characters, also in the access log and X-Request-Id */
    const char *remote_ip;
    const char *content_type; /* media type without parameters, lower case, or NULL */
    struct http_params query;
    struct http_params form;  /* urlencoded body, or the non-file fields of a multipart body */
    struct http_params path_params; /* from the route pattern, e.g. {id} */
    struct http_upload *uploads;
    size_t n_uploads;
    json_t *json;             /* a JSON body (object or array), or NULL; owned by the request */
    const char *body;         /* raw body for other media types (NUL-terminated), or NULL */
    size_t body_len;
    const struct route *route; /* the matched route */
    bool is_api;              /* the path starts with /api/ */
    bool https;               /* served over HTTPS (public base URL is https://) */

    /* Filled by the application's guard: who is asking (opaque to http). */
    void *auth;
    /* Filled by the hooks' thread_context: the worker thread's resources (its database). */
    void *ctx;

    void *internal; /* the server's state for this request */
};

/* A request header (case-insensitive name), or NULL. Borrowed for the request. */
const char *http_header(const struct http_request *req, const char *name);
/* A cookie's value, or NULL. */
const char *http_cookie(const struct http_request *req, const char *name);
/* A path parameter of the matched route, or NULL. */
const char *http_path_param(const struct http_request *req, const char *name);

/* A request made outside the server, for the unit tests of handlers: zeroed, with its arena,
 * method and path (copied), request id "0000000000000000" and remote_ip "127.0.0.1". The caller
 * fills what else the handler reads (query, form, json...). */
void http_request_init(struct http_request *req, struct arena *arena, enum http_method method,
                       const char *path);
/* Adds a header to a request made by http_request_init (read by http_header and http_cookie). */
void http_request_add_header(struct http_request *req, const char *name, const char *value);

struct http_header_line {
    const char *name, *value;
};

struct http_response {
    int status;
    const char *content_type; /* default "text/html; charset=utf-8" */
    struct buf body;          /* in the request arena, capped at LIMIT_PAGE_BYTES */
    struct http_header_line *headers;
    size_t n_headers, cap_headers;
    const char *file_path;    /* when set, the body is this file (static files) */
    uint64_t file_size;
    struct arena *arena;
};

/* An empty response (status 0, which the server sends as 200) whose memory is arena's. */
void http_response_init(struct http_response *resp, struct arena *arena);

/* Adds a header; name and value are copied into the response's arena. The name must be a token
 * (ASSERT); a value holding CR or LF is refused with an error log, never sent. */
void http_resp_header(struct http_response *resp, const char *name, const char *value);
/* The first value of a header already added (case-insensitive name), or NULL. Borrowed. */
const char *http_resp_get_header(const struct http_response *resp, const char *name);

struct http_cookie_opts {
    int64_t max_age;   /* seconds; 0 = session cookie; negative = delete */
    bool http_only;
    bool secure;
    const char *same_site; /* "Lax" by default, "Strict" */
    const char *path;      /* "/" by default */
};
/* Adds a Set-Cookie header. The value must be a cookie-safe token (checked with ASSERT). opts NULL:
 * a session cookie, HttpOnly, SameSite=Lax, Path=/. SameSite=None requires secure. */
void http_resp_cookie(struct http_response *resp, const char *name, const char *value,
                      const struct http_cookie_opts *opts);
/* 303 See Other to a local path (must start with '/'); 302 is never used. */
void http_redirect(struct http_response *resp, const char *location);
/* True when path is a local path that http_redirect accepts: it starts with '/', not with "//" or
 * "/\" (another site for browsers), and holds no control character. Check a "return to" address
 * taken from a request with it before redirecting. */
bool http_local_path_ok(const char *path);
/* Sets status, content type and body to the JSON value (which it takes and frees). */
void http_json(struct http_response *resp, int status, json_t *value);
/* Sets the JSON API error body {"error":{"code","message","field"}} and the status of err. */
void http_json_error(struct http_response *resp, int err, const char *message, const char *field);
/* A default French message for err ("La page demandée n'existe pas."). Static. */
const char *http_error_message(int err);

/* A handler fills resp and returns 0, or returns a negative enum err and leaves the rendering of the
 * error page to the hooks (message and field may be set with http_fail before returning). */
typedef int (*http_handler)(struct http_request *req, struct http_response *resp);

/* Records a French message (and the field it concerns) for the error page of a failing handler.
 * Returns err, so that a handler can write: return http_fail(req, ERR_INVALID, "…", "email"); */
int http_fail(struct http_request *req, int err, const char *message, const char *field);
/* What http_fail recorded (arena copies), or NULLs. */
void http_failure(const struct http_request *req, const char **message, const char **field);

struct http_hooks {
    /* Called once per worker thread, lazily, to create that thread's context (e.g. its database
     * connection); the result is put into req->ctx. NULL: no context. */
    void *(*thread_context)(void *app);
    /* Frees a context made by thread_context, when its worker thread ends. NULL: not freed. */
    void (*thread_context_free)(void *ctx, void *app);
    /* Runs once the response is built, whatever happened (errors and static files included), on
     * the worker thread: the place to release per-request state held in the thread's context. */
    void (*after)(struct http_request *req, void *app);
    /* Runs before the handler of a matched route: authentication, role check, CSRF check. Returns 0
     * to go on, or an error (then the handler is not called and render_error runs). May fill resp
     * (e.g. a redirect to the login page) and return 1 to send it as is. */
    int (*guard)(struct http_request *req, struct http_response *resp, void *app);
    /* Renders the error page or JSON error for err. message/field may be NULL (use a default). */
    void (*render_error)(struct http_request *req, struct http_response *resp, int err,
                         const char *message, const char *field, void *app);
    void *app;
};

/* Static files (served under /static/ from web_dir, before routing): rel is the decoded path after
 * "/static/". True when every segment is non-empty and starts with no '.' (no "..", no hidden file)
 * and there is no backslash. */
bool http_static_path_ok(const char *rel);
/* True for a fingerprinted name, cached for a year as immutable: a dot-separated segment of 8 or
 * more hex digits between the first name segment and the extension ("relais.3fa2b91c.css"). */
bool http_static_fingerprinted(const char *name);

struct router;

struct http_server_opts {
    const char *bind;        /* "127.0.0.1" */
    unsigned port;           /* 0: pick a free port (see http_server_port) */
    unsigned threads;        /* worker threads; 0 = number of cores */
    const char *web_dir;     /* static files served under /static/ */
    const char *upload_dir;  /* where multipart files are streamed */
    bool https;              /* the public base URL is https:// (Secure cookies, HSTS) */
    bool access_log;
};

struct http_server;

/* Starts listening; the server serves until http_server_stop. Caller frees with http_server_stop. */
int http_server_start(const struct http_server_opts *opts, const struct router *router,
                      const struct http_hooks *hooks, struct http_server **out);
unsigned http_server_port(const struct http_server *srv);
/* Stops accepting, finishes the requests in flight, frees the server. */
void http_server_stop(struct http_server *srv);

#endif
