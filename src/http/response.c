/* The builders of struct http_response: headers, cookies, redirects, JSON bodies and errors. */
#include <inttypes.h>
#include <string.h>

#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "http/http.h"

void http_response_init(struct http_response *resp, struct arena *arena)
{
    memset(resp, 0, sizeof(*resp));
    resp->arena = arena;
    buf_init(&resp->body, arena, LIMIT_PAGE_BYTES);
}

static bool is_token(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 0x20 || c >= 0x7f || strchr("()<>@,;:\\\"/[]?={}", c))
            return false;
    }
    return true;
}

void http_resp_header(struct http_response *resp, const char *name, const char *value)
{
    ASSERT(name && is_token(name));
    /* A value can carry request data (a file name in Content-Disposition): refusing it costs one
     * header, while an ASSERT would let a request stop the server. */
    for (const char *c = value; c && *c; c++) {
        if (*c == '\r' || *c == '\n') {
            log_error("http: header %s dropped: its value holds a line break", name);
            return;
        }
    }
    if (!value)
        return;
    if (resp->n_headers == resp->cap_headers) {
        size_t cap = resp->cap_headers ? resp->cap_headers * 2 : 8;
        resp->headers =
            arena_grow(resp->arena, resp->headers, resp->n_headers, cap, sizeof(*resp->headers));
        resp->cap_headers = cap;
    }
    resp->headers[resp->n_headers++] = (struct http_header_line){arena_strdup(resp->arena, name),
                                                                 arena_strdup(resp->arena, value)};
}

const char *http_resp_get_header(const struct http_response *resp, const char *name)
{
    for (size_t i = 0; i < resp->n_headers; i++)
        if (strcasecmp(resp->headers[i].name, name) == 0)
            return resp->headers[i].value;
    return NULL;
}

/* RFC 6265 cookie-octet: no controls, space, DQUOTE, comma, semicolon or backslash. */
static bool is_cookie_value(const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\')
            return false;
    }
    return true;
}

void http_resp_cookie(struct http_response *resp, const char *name, const char *value,
                      const struct http_cookie_opts *opts)
{
    static const struct http_cookie_opts defaults = {.http_only = true};
    if (!opts)
        opts = &defaults;
    const char *same_site = opts->same_site ? opts->same_site : "Lax";
    const char *path = opts->path ? opts->path : "/";
    ASSERT(is_token(name));
    ASSERT(value && is_cookie_value(value));
    ASSERT(path[0] == '/' && is_cookie_value(path));
    ASSERT(strcmp(same_site, "Lax") == 0 || strcmp(same_site, "Strict") == 0 ||
           (strcmp(same_site, "None") == 0 && opts->secure));
    struct buf b;
    buf_init(&b, resp->arena, LIMIT_HEADER_BYTES);
    buf_addf(&b, "%s=%s; Path=%s", name, value, path);
    if (opts->max_age > 0)
        buf_addf(&b, "; Max-Age=%" PRId64, opts->max_age);
    else if (opts->max_age < 0)
        buf_addlit(&b, "; Max-Age=0");
    if (opts->http_only)
        buf_addlit(&b, "; HttpOnly");
    if (opts->secure)
        buf_addlit(&b, "; Secure");
    buf_addf(&b, "; SameSite=%s", same_site);
    ASSERT(buf_finish(&b) == 0);
    http_resp_header(resp, "Set-Cookie", buf_cstr(&b));
}

bool http_local_path_ok(const char *path)
{
    /* "//host" and "/\host" are taken by browsers as another site. */
    if (!path || path[0] != '/' || path[1] == '/' || path[1] == '\\')
        return false;
    for (const char *c = path; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            return false;
    return true;
}

void http_redirect(struct http_response *resp, const char *location)
{
    ASSERT(http_local_path_ok(location));
    resp->status = 303;
    buf_reset(&resp->body);
    http_resp_header(resp, "Location", location);
}

static int dump_to_buf(const char *p, size_t n, void *data)
{
    struct buf *b = data;
    buf_add(b, p, n);
    return buf_finish(b) ? -1 : 0;
}

void http_json(struct http_response *resp, int status, json_t *value)
{
    ASSERT(value);
    buf_reset(&resp->body);
    /* A body over LIMIT_PAGE_BYTES leaves the buffer's sticky error, which the server turns into
     * a 500: a handler must page its answers. */
    /* 15 significant digits: every double reads back as itself within the precision of the data
     * (coordinates have at most 7 decimals), without the binary noise of 17 digits. */
    json_dump_callback(value, dump_to_buf, &resp->body, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(value);
    resp->status = status;
    resp->content_type = "application/json; charset=utf-8";
}

const char *http_error_message(int err)
{
    switch (err) {
    case ERR_INVALID: return "La demande est invalide.";
    case ERR_NOT_FOUND: return "La page demandée n'existe pas.";
    case ERR_TOO_BIG: return "Les données envoyées sont trop volumineuses.";
    case ERR_FORBIDDEN: return "Vous n'avez pas accès à cette page.";
    case ERR_UNAUTHORIZED: return "Vous devez vous connecter pour accéder à cette page.";
    case ERR_CONFLICT:
        return "Les données ont été modifiées entre-temps : rechargez la page et recommencez.";
    case ERR_UNSUPPORTED: return "Ce type de contenu n'est pas accepté.";
    case ERR_TOO_MANY: return "Trop de demandes : réessayez dans quelques minutes.";
    case ERR_METHOD: return "Cette méthode n'est pas acceptée pour cette adresse.";
    default: return "Une erreur interne est survenue : réessayez plus tard.";
    }
}

void http_json_error(struct http_response *resp, int err, const char *message, const char *field)
{
    json_t *detail = json_object();
    json_object_set_new(detail, "code", json_string(err_name(err)));
    json_t *msg = message ? json_string(message) : NULL;
    json_object_set_new(detail, "message", msg ? msg : json_string(http_error_message(err)));
    json_t *f = field ? json_string(field) : NULL; /* NULL as well when not UTF-8 */
    json_object_set_new(detail, "field", f ? f : json_null());
    json_t *body = json_object();
    json_object_set_new(body, "error", detail);
    http_json(resp, err_http_status(err), body);
}
