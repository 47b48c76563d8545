#include "site/shell.h"
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/limits.h"
#include "html/ui.h"
#include "orientation/orientation.h"
#include "site/site.h"

#include <string.h>

/* Navigation entries and the roles that see them (0: everyone signed in; -1: anonymous only;
 * -2: everyone). A platform admin sees every entry with roles, except those marked NAV_OWN: they
 * are about the user's own work as a médiateur, which an admin does not have by being admin. */
#define NAV_OWN (1 << 16)

struct nav_entry {
    const char *label;
    const char *href;
    int roles;
};

static const struct nav_entry nav_entries[] = {
    {"Accueil", "/", -1},
    {"Trouver un lieu", "/lieux", -2},
    {"Enregistrer une activité", "/activites/nouvelle", ROLE_MEDIATEUR | NAV_OWN},
    {"Mes activités", "/activites", ROLE_MEDIATEUR | NAV_OWN},
    {"Ressources", "/ressources", -2},
    {"Tableau de bord", "/tableau-de-bord", 0},
    {"Orientations", "/orientations", ROLE_MEDIATEUR | ROLE_ADMIN_STRUCTURE},
    {"Notifications", "/notifications", 0},
    {"Structures", "/structures", ROLE_ADMIN_STRUCTURE | ROLE_COORDINATEUR | ROLE_ADMIN},
    {"Statistiques", "/statistiques", 0},
    {"Importer des lieux", "/lieux/importer", ROLE_COORDINATEUR},
    {"Bénéficiaires", "/beneficiaires", ROLE_MEDIATEUR | ROLE_ADMIN_STRUCTURE},
    {"Animation du réseau", "/coordination/activites", ROLE_COORDINATEUR},
    {"Utilisateurs", "/admin/utilisateurs", ROLE_ADMIN},
    {"Mes collections", "/collections", 0},
    {"Modération", "/moderation", ROLE_ADMIN},
    {"Mon compte", "/compte", 0},
};

static bool is_current(const char *path, const char *href)
{
    size_t n = strlen(href);
    if (strcmp(href, "/") == 0)
        return strcmp(path, "/") == 0;
    return strncmp(path, href, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

int shell_render(struct http_request *req, struct http_response *resp, const struct shell_page *p,
                 const char *content_html)
{
    const struct auth *a = auth_of(req);
    const struct ctx *ctx = req->ctx;
    size_t n_entries = sizeof(nav_entries) / sizeof(nav_entries[0]);
    struct ui_nav_item *nav = arena_calloc(req->arena, n_entries, sizeof(*nav));
    size_t n = 0;
    for (size_t i = 0; i < n_entries; i++) {
        const struct nav_entry *e = &nav_entries[i];
        bool show = e->roles == -2 ||
                    (auth_signed_in(a) ? (e->roles == 0 ||
                                          (e->roles > 0 &&
                                           auth_has(a, ((unsigned)e->roles & ~(unsigned)NAV_OWN) |
                                                       ((e->roles & NAV_OWN) ? 0u : ROLE_ADMIN))))
                                       : e->roles == -1);
        if (!show)
            continue;
        nav[n].label = e->label;
        /* The unread count of the in-app notifications, read at each page. */
        int64_t unread = 0;
        if (strcmp(e->href, "/notifications") == 0 && ctx && ctx->db &&
            notification_unread(ctx->db, a->user_id, &unread) == 0 && unread > 0)
            nav[n].label = arena_printf(req->arena, "Notifications (%lld)", (long long)unread);
        nav[n].href = e->href;
        nav[n].current = is_current(req->path, e->href);
        n++;
    }
    struct ui_viewer viewer = {0};
    if (auth_signed_in(a)) {
        viewer.display_name = a->name;
        viewer.role_label = auth_role_label(a, req->arena);
        viewer.csrf_token = a->csrf_token;
    }
    struct ui_page page = {
        .title = p->title,
        .lang = "fr",
        .nav = nav,
        .n_nav = n,
        .viewer = auth_signed_in(a) ? &viewer : NULL,
        .notice = p->notice,
        .demo = ctx && ctx->cfg && ctx->cfg->demo,
        .wide = p->wide,
        /* A page sent back because of what was typed says so first in its title. */
        .has_errors = p->status == 400 || p->status == 409 || p->status == 429,
    };
    resp->status = p->status ? p->status : 200;
    resp->content_type = "text/html; charset=utf-8";
    ui_layout(&resp->body, &page, content_html);
    return buf_finish(&resp->body);
}

void shell_error(struct http_request *req, struct http_response *resp, int err, const char *message,
                 const char *field, void *app)
{
    (void)app;
    int status = err_http_status(err);
    if (req->is_api) {
        if (err == ERR_UNAUTHORIZED)
            http_resp_header(resp, "WWW-Authenticate", "Bearer realm=\"relais\"");
        http_json_error(resp, err, message ? message : site_error_title(status), field);
        return;
    }
    struct buf content;
    buf_init(&content, req->arena, LIMIT_PAGE_BYTES);
    site_error(&content, status, message);
    buf_reset(&resp->body);
    struct shell_page p = {.title = site_error_title(status), .status = status};
    shell_render(req, resp, &p, buf_cstr(&content));
}
