/* The access guard: who is asking (session cookie or API token), CSRF, and the route's policy. */
#include "comptes/auth.h"
#include "comptes/comptes.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "core/url.h"
#include "http/router.h"

#include <string.h>

#define COOKIE_SESSION "relais_session"
#define COOKIE_ANON_CSRF "relais_csrf"

static const struct auth anonymous;

const struct auth *auth_of(const struct http_request *req)
{
    return req->auth ? (const struct auth *)req->auth : &anonymous;
}

bool auth_signed_in(const struct auth *a) { return a->user_id != 0; }

bool auth_has(const struct auth *a, unsigned roles) { return (a->roles & roles) != 0; }

bool auth_in_departement(const struct auth *a, const char *departement)
{
    if (a->roles & ROLE_ADMIN)
        return true;
    for (size_t i = 0; departement && i < a->n_departements; i++)
        if (strcmp(a->departements[i], departement) == 0)
            return true;
    return false;
}

static bool member_of(const struct auth *a, int64_t structure_id, unsigned roles)
{
    for (size_t i = 0; i < a->n_memberships; i++)
        if (a->memberships[i].structure_id == structure_id && (a->memberships[i].role & roles))
            return true;
    return false;
}

bool auth_is_member(const struct auth *a, int64_t structure_id)
{
    return member_of(a, structure_id, ROLE_MEDIATEUR | ROLE_ADMIN_STRUCTURE);
}

bool auth_can_manage_structure(const struct auth *a, int64_t structure_id, const char *departement)
{
    return auth_in_departement(a, departement) ||
           member_of(a, structure_id, ROLE_ADMIN_STRUCTURE);
}

bool auth_can_see_structure(const struct auth *a, int64_t structure_id, const char *departement)
{
    return auth_can_manage_structure(a, structure_id, departement) ||
           member_of(a, structure_id, ROLE_MEDIATEUR);
}

static bool unsafe_method(enum http_method m)
{
    return m == HTTP_POST || m == HTTP_PUT || m == HTTP_PATCH || m == HTTP_DELETE;
}

/* Reads "Bearer TOKEN" from the Authorization header; NULL when absent. */
static const char *bearer_token(const struct http_request *req)
{
    const char *h = http_header(req, "Authorization");
    if (!h || strncasecmp(h, "Bearer ", 7) != 0)
        return NULL;
    h += 7;
    while (*h == ' ')
        h++;
    return h;
}

static int load_session(struct http_request *req, struct ctx *ctx, struct auth *a)
{
    const char *cookie = http_cookie(req, COOKIE_SESSION);
    if (!cookie)
        return 0;
    struct session_user su;
    int rc = session_lookup(ctx->db, req->arena, cookie, &su);
    if (rc == ERR_NOT_FOUND)
        return 0;
    if (rc)
        return rc;
    a->user_id = su.user_id;
    a->name = su.name;
    a->email = su.email;
    a->session_hash = su.hash;
    if (su.is_admin)
        a->roles |= ROLE_ADMIN;
    if ((rc = auth_load_roles(ctx->db, req->arena, a)))
        return rc;
    a->csrf_token =
        crypto_hmac(req->arena, comptes_secret(), arena_printf(req->arena, "s:%s", su.hash));
    return 0;
}

/* An anonymous visitor's form token is bound to a random cookie of their own. */
static void anonymous_csrf(struct http_request *req, struct http_response *resp, struct auth *a,
                           struct ctx *ctx)
{
    const char *cookie = http_cookie(req, COOKIE_ANON_CSRF);
    bool fresh = !cookie || strlen(cookie) != 43;
    if (fresh) {
        if (req->is_api)
            return;
        cookie = crypto_random_token(req->arena);
        struct http_cookie_opts o = {.http_only = true, .secure = config_https(ctx->cfg)};
        http_resp_cookie(resp, COOKIE_ANON_CSRF, cookie, &o);
    }
    a->csrf_token = crypto_hmac(req->arena, comptes_secret(), arena_printf(req->arena, "a:%s", cookie));
}

static bool csrf_ok(const struct http_request *req, const struct auth *a)
{
    const char *sent = http_param(&req->form, "_csrf");
    if (!sent)
        sent = http_header(req, "X-CSRF-Token");
    if (!sent || !a->csrf_token)
        return false;
    size_t n = strlen(a->csrf_token);
    return strlen(sent) == n && str_secure_eq(sent, a->csrf_token, n);
}

/* Where to come back after signing in: the path of a GET with its query string, re-encoded from
 * the decoded parameters (so no raw byte of the request reaches the link). Still a local path:
 * the login page accepts nothing else (pages_auth.c). A query that would make the link longer
 * than a request line may be is left out. */
static const char *return_target(const struct http_request *req)
{
    if (req->query.n == 0)
        return req->path;
    struct arena *a = req->arena;
    struct buf b;
    buf_init(&b, a, LIMIT_URL_BYTES / 2);
    buf_adds(&b, req->path);
    for (size_t i = 0; i < req->query.n; i++) {
        buf_addch(&b, i ? '&' : '?');
        buf_adds(&b, url_encode(a, req->query.items[i].name));
        buf_addch(&b, '=');
        buf_adds(&b, url_encode(a, req->query.items[i].value));
    }
    return buf_finish(&b) ? req->path : buf_cstr(&b);
}

int auth_guard(struct http_request *req, struct http_response *resp, void *app)
{
    (void)app;
    struct ctx *ctx = req->ctx;
    struct auth *a = arena_calloc(req->arena, 1, sizeof(*a));
    req->auth = a;
    unsigned access = req->route ? req->route->access : ACCESS_PUBLIC;
    int rc;

    const char *bearer = (access & ACCESS_API) ? bearer_token(req) : NULL;
    if (bearer) {
        struct api_token t;
        rc = api_token_lookup(ctx->db, req->arena, bearer, &t);
        if (rc)
            return http_fail(req, rc, rc == ERR_UNAUTHORIZED ? "Jeton d'API inconnu ou révoqué."
                                                              : NULL, NULL);
        a->token_id = t.id;
        a->token_structure_id = t.structure_id;
        a->token_scopes = t.scopes;
        if ((access & (ACCESS_AUTH | 0xFF)) == 0)
            return 0;
        if (access & t.scopes & (ACCESS_TOKEN_READ | ACCESS_TOKEN_WRITE))
            return 0;
        return http_fail(req, ERR_FORBIDDEN,
                         "Ce jeton d'API n'a pas la portée nécessaire pour cette opération.", NULL);
    }

    if ((rc = load_session(req, ctx, a)))
        return rc;
    if (!auth_signed_in(a))
        anonymous_csrf(req, resp, a, ctx);

    /* Who may come is decided before the CSRF token is checked, so that an anonymous request to a
     * protected route is told to sign in (401 or the login page), not that its form expired. */
    bool needs_account = (access & (ACCESS_AUTH | 0xFF)) != 0;
    if (needs_account && !auth_signed_in(a)) {
        if (req->is_api)
            return http_fail(req, ERR_UNAUTHORIZED,
                             "Authentification requise : connectez-vous ou fournissez un jeton "
                             "d'API (Authorization: Bearer).",
                             NULL);
        const char *back = req->method == HTTP_GET ? return_target(req) : "/tableau-de-bord";
        http_redirect(resp, arena_printf(req->arena, "/connexion?retour=%s",
                                         url_encode(req->arena, back)));
        return 1;
    }
    if (unsafe_method(req->method) && !csrf_ok(req, a))
        return http_fail(req, ERR_FORBIDDEN,
                         "Le formulaire a expiré ou ne vient pas de Relais. Rechargez la page et "
                         "recommencez.",
                         "_csrf");
    if (!needs_account || (access & ACCESS_AUTH) || (a->roles & ROLE_ADMIN) ||
        (a->roles & access & 0xFF))
        return 0;
    return http_fail(req, ERR_FORBIDDEN, "Votre rôle ne donne pas accès à cette page.", NULL);
}
