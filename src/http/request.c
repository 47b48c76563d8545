/* The accessors of struct http_request, and http_fail. */
#include <microhttpd.h>
#include <string.h>

#include "core/err.h"
#include "http/http.h"
#include "http/parse.h"
#include "http/request_internal.h"

const char *http_method_name(enum http_method m)
{
    switch (m) {
    case HTTP_GET: return "GET";
    case HTTP_HEAD: return "HEAD";
    case HTTP_POST: return "POST";
    case HTTP_PUT: return "PUT";
    case HTTP_PATCH: return "PATCH";
    case HTTP_DELETE: return "DELETE";
    case HTTP_OPTIONS: return "OPTIONS";
    case HTTP_OTHER: break;
    }
    return "OTHER";
}

enum http_method http_method_parse(const char *name)
{
    static const enum http_method all[] = {HTTP_GET,   HTTP_HEAD,   HTTP_POST,   HTTP_PUT,
                                           HTTP_PATCH, HTTP_DELETE, HTTP_OPTIONS};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (strcmp(name, http_method_name(all[i])) == 0)
            return all[i];
    return HTTP_OTHER;
}

const char *http_param(const struct http_params *ps, const char *name)
{
    for (size_t i = 0; i < ps->n; i++)
        if (strcmp(ps->items[i].name, name) == 0)
            return ps->items[i].value;
    return NULL;
}

size_t http_param_all(const struct http_params *ps, const char *name, const char **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < ps->n && n < max; i++)
        if (strcmp(ps->items[i].name, name) == 0)
            out[n++] = ps->items[i].value;
    return n;
}

const char *http_header(const struct http_request *req, const char *name)
{
    const struct http_request_internal *in = req->internal;
    if (!in)
        return NULL;
    if (in->connection)
        return MHD_lookup_connection_value(in->connection, MHD_HEADER_KIND, name);
    for (size_t i = 0; i < in->headers.n; i++)
        if (strcasecmp(in->headers.items[i].name, name) == 0)
            return in->headers.items[i].value;
    return NULL;
}

int http_request_parse_cookies(struct http_request *req, struct http_parse_error *perr)
{
    struct http_request_internal *in = req->internal;
    if (!in || in->cookies_parsed)
        return 0;
    in->cookies_parsed = true;
    const char *h = http_header(req, "Cookie");
    if (!h)
        return 0;
    return http_parse_cookies(req->arena, h, strlen(h), &http_parse_limits_cookies, &in->cookies,
                              perr);
}

const char *http_cookie(const struct http_request *req, const char *name)
{
    struct http_request_internal *in = req->internal;
    if (!in)
        return NULL;
    /* The server parses cookies before the guard runs; a request made by http_request_init is
     * parsed here, on first use. The request is logically const: only the cache changes. */
    if (!in->cookies_parsed && http_request_parse_cookies((struct http_request *)req, NULL) < 0)
        return NULL;
    return http_param(&in->cookies, name);
}

const char *http_path_param(const struct http_request *req, const char *name)
{
    return http_param(&req->path_params, name);
}

int http_fail(struct http_request *req, int err, const char *message, const char *field)
{
    struct http_request_internal *in = req->internal;
    if (in) {
        in->fail_message = message ? arena_strdup(req->arena, message) : NULL;
        in->fail_field = field ? arena_strdup(req->arena, field) : NULL;
    }
    return err;
}

void http_failure(const struct http_request *req, const char **message, const char **field)
{
    const struct http_request_internal *in = req->internal;
    *message = in ? in->fail_message : NULL;
    *field = in ? in->fail_field : NULL;
}

void http_request_init(struct http_request *req, struct arena *arena, enum http_method method,
                       const char *path)
{
    memset(req, 0, sizeof(*req));
    req->arena = arena;
    req->method = method;
    req->method_name = http_method_name(method);
    req->path = arena_strdup(arena, path);
    req->request_id = "0000000000000000";
    req->remote_ip = "127.0.0.1";
    req->is_api = strncmp(path, "/api/", 5) == 0;
    req->internal = arena_calloc(arena, 1, sizeof(struct http_request_internal));
}

void http_request_add_header(struct http_request *req, const char *name, const char *value)
{
    struct http_request_internal *in = req->internal;
    if (in->headers.n == in->headers_cap) {
        size_t cap = in->headers_cap ? in->headers_cap * 2 : 8;
        in->headers.items = arena_grow(req->arena, in->headers.items, in->headers.n, cap,
                                       sizeof(struct http_param));
        in->headers_cap = cap;
    }
    in->headers.items[in->headers.n++] =
        (struct http_param){arena_strdup(req->arena, name), arena_strdup(req->arena, value)};
    in->cookies_parsed = false;
}
