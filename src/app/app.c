#include "activite/activite.h"
#include "app/app.h"
#include "app/openapi.h"
#include "comptes/auth.h"
#include "comptes/handlers.h"
#include "core/alloc.h"
#include "core/config.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "db/db.h"
#include "http/router.h"
#include "lieux/lieux.h"
#include "orientation/handlers.h"
#include "ressources/ressources.h"
#include "ressources/quality_handlers.h"
#include "site/shell.h"
#include "site/site.h"

#include <jansson.h>

static struct buf content_buf(struct http_request *req)
{
    struct buf b;
    buf_init(&b, req->arena, LIMIT_PAGE_BYTES);
    return b;
}

static int page_home(struct http_request *req, struct http_response *resp)
{
    struct buf b = content_buf(req);
    site_home(&b);
    return shell_render(req, resp, &(struct shell_page){.title = "Accueil"},
                        buf_cstr(&b));
}

static int page_accessibility(struct http_request *req, struct http_response *resp)
{
    struct buf b = content_buf(req);
    site_accessibility(&b);
    return shell_render(req, resp, &(struct shell_page){.title = "Accessibilité"}, buf_cstr(&b));
}

static int page_privacy(struct http_request *req, struct http_response *resp)
{
    struct buf b = content_buf(req);
    site_privacy(&b);
    return shell_render(req, resp, &(struct shell_page){.title = "Données personnelles"},
                        buf_cstr(&b));
}

static int api_health(struct http_request *req, struct http_response *resp)
{
    static const char SQL_PING[] = "SELECT 1";
    const struct ctx *ctx = req->ctx;
    struct db_stmt *st;
    int rc = db_prepare(ctx->db, SQL_PING, &st);
    if (rc == 0) {
        rc = db_step(st);
        db_reset(st);
    }
    if (rc < 0)
        return http_fail(req, ERR_DB, "La base de données ne répond pas.", NULL);
    http_json(resp, 200, json_pack("{s:s, s:s}", "status", "ok", "version", RELAIS_VERSION));
    return 0;
}

static int api_openapi(struct http_request *req, struct http_response *resp)
{
    const struct route *self = req->route;
    (void)self;
    http_json(resp, 200, openapi_document(app_router_shared()));
    return 0;
}

static const struct route site_routes[] = {
    {HTTP_GET, "/", page_home, ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/accessibilite", page_accessibility, ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/donnees-personnelles", page_privacy, ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/api/v1/sante", api_health, ACCESS_API | ACCESS_PUBLIC,
     "État du service : répond quand le serveur et sa base de données fonctionnent."},
    {HTTP_GET, "/api/v1/openapi.json", api_openapi, ACCESS_API | ACCESS_PUBLIC,
     "Ce document OpenAPI 3, tenu à jour à partir de la table des routes."},
};

static struct router *shared_router;

struct router *app_router(void)
{
    struct router *r = router_new();
    for (size_t i = 0; i < sizeof(site_routes) / sizeof(site_routes[0]); i++)
        router_add(r, &site_routes[i]);
    comptes_add_routes(r);
    lieux_add_routes(r);
    activite_add_routes(r);
    orientation_add_routes(r);
    ressources_add_routes(r);
    ressources_qualite_add_routes(r);
    if (!shared_router)
        shared_router = r;
    return r;
}

const struct router *app_router_shared(void)
{
    ASSERT(shared_router);
    return shared_router;
}

static void *thread_context(void *app)
{
    const struct config *cfg = app;
    struct ctx *ctx = xcalloc(1, sizeof(*ctx));
    ctx->cfg = cfg;
    if (db_open(cfg->database_url, &ctx->db))
        log_error("worker: cannot open the database");
    return ctx;
}

static void thread_context_free(void *ctx_, void *app)
{
    (void)app;
    struct ctx *ctx = ctx_;
    if (ctx->db)
        db_close(ctx->db);
    free(ctx);
}

/* A statement left on a row would keep an old SQLite snapshot open for the next request. */
static void after(struct http_request *req, void *app)
{
    (void)app;
    struct ctx *ctx = req->ctx;
    if (ctx && ctx->db) {
        db_rollback(ctx->db);
        db_reset_all(ctx->db);
    }
}

static int guard(struct http_request *req, struct http_response *resp, void *app)
{
    const struct ctx *ctx = req->ctx;
    if (!ctx || !ctx->db)
        return http_fail(req, ERR_DB, "La base de données est indisponible.", NULL);
    return auth_guard(req, resp, app);
}

struct http_hooks app_hooks(const struct config *cfg)
{
    return (struct http_hooks){
        .thread_context = thread_context,
        .thread_context_free = thread_context_free,
        .after = after,
        .guard = guard,
        .render_error = shell_error,
        .app = (void *)cfg,
    };
}
