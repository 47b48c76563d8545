/*
 * The pages of collections: « Mes collections » (the collections one may change, and a form to
 * make one, personal or for a base one belongs to), a collection's page (its resources in order,
 * with move up / move down / take out for its owners, its share link), editing and deleting, the
 * share link's page, and « Enregistrer » a resource into a collection (« Favoris » by default).
 */
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/mail.h"
#include "core/str.h"
#include "db/db.h"
#include "html/html.h"
#include "html/ui.h"
#include "http/http.h"
#include "ressources/access.h"
#include "ressources/collections.h"
#include "ressources/collections.tpl.h"
#include "ressources/pages.h"
#include "ressources/quality.h"
#include "ressources/quality_handlers.h"
#include "site/shell.h"

#include <string.h>

#define COLLECTIONS_PER_PAGE 20
#define ITEMS_PER_PAGE 50

static const char *collection_path(struct arena *a, int64_t id)
{
    return arena_printf(a, "/collections/%lld", (long long)id);
}

/* The collection of the route's {id}: ERR_NOT_FOUND when the viewer may not read it (a private
 * collection's existence is not revealed); edit: ERR_FORBIDDEN when they may read it but not
 * change it. */
static int load_collection(struct http_request *req, bool edit, struct collection *c)
{
    struct db *db = rs_db(req);
    int64_t id = rs_path_id(req, "id");
    int rc = id ? collections_get(db, req->arena, id, c) : ERR_NOT_FOUND;
    if (rc == ERR_NOT_FOUND || (rc == 0 && !collections_can_see(db, auth_of(req), c)))
        return http_fail(req, ERR_NOT_FOUND, "Cette collection n'existe pas ou n'est pas visible.",
                         NULL);
    if (rc)
        return rc;
    if (edit && !collections_can_edit(db, auth_of(req), c))
        return http_fail(req, ERR_FORBIDDEN,
                         "Seuls les propriétaires de cette collection (sa personne, ou les "
                         "membres de sa base) peuvent la modifier.",
                         NULL);
    return 0;
}

/* What the creation and edit forms hold, as typed. */
struct form_values {
    const char *titre, *description, *visibilite, *base;
};

static void form_fields(struct buf *b, struct http_request *req, const struct form_values *v,
                        const struct ui_errors *errs, bool with_owner)
{
    ui_input(b, &(struct ui_field){.name = "titre",
                                   .label = "Titre",
                                   .value = v->titre,
                                   .error = ui_errors_for(errs, "titre"),
                                   .required = true});
    ui_textarea(b,
                &(struct ui_field){.name = "description",
                                   .label = "Description",
                                   .hint = "À quoi sert cette collection, pour qui.",
                                   .value = v->description,
                                   .error = ui_errors_for(errs, "description")},
                3);
    bool pub = v->visibilite && strcmp(v->visibilite, "public") == 0;
    const struct ui_option vis[] = {
        {"prive",
         "Privée : vous seul (ou les membres de la base) et les personnes à qui vous "
         "donnez le lien de partage",
         !pub},
        {"public", "Publique : tout le monde peut la lire", pub},
    };
    ui_choices(b,
               &(struct ui_field){.name = "visibilite",
                                  .label = "Visibilité",
                                  .required = true,
                                  .error = ui_errors_for(errs, "visibilite")},
               vis, 2, false);
    if (!with_owner)
        return;
    struct base *bases;
    size_t n = 0;
    int64_t total;
    if (base_list(rs_db(req), req->arena, auth_of(req)->user_id, true, 0, 100, &bases, &n,
                  &total) != 0 ||
        n == 0)
        return;
    struct ui_option *opts = arena_calloc(req->arena, n + 1, sizeof(*opts));
    opts[0] = (struct ui_option){"", "Moi (collection personnelle)", !v->base || !*v->base};
    for (size_t i = 0; i < n; i++) {
        const char *id = arena_printf(req->arena, "%lld", (long long)bases[i].id);
        opts[i + 1] =
            (struct ui_option){id, arena_printf(req->arena, "La base « %s »", bases[i].nom),
                               v->base && strcmp(v->base, id) == 0};
    }
    ui_select(b,
              &(struct ui_field){.name = "base",
                                 .label = "Propriétaire",
                                 .hint = "Une collection de base peut être modifiée par tous les "
                                         "membres de la base.",
                                 .error = ui_errors_for(errs, "base")},
              opts, n + 1);
}

static void collection_card(struct buf *b, struct arena *a, const struct collection *c)
{
    struct buf body;
    buf_init(&body, a, 8192);
    html_lit(&body, "<p>");
    html_text(&body, c->n_items == 1 ? "1 ressource"
                                     : arena_printf(a, "%lld ressources", (long long)c->n_items));
    html_lit(&body, " · ");
    html_text(&body, c->base_id ? arena_printf(a, "collection de la base « %s »", c->owner_name)
                                : "collection personnelle");
    html_lit(&body, "</p><p>");
    if (c->favoris)
        ui_tag(&body, "Favoris", UI_TAG_YELLOW);
    ui_tag(&body, c->public_ ? "Publique" : "Privée", c->public_ ? UI_TAG_GREEN : UI_TAG_NEUTRAL);
    html_lit(&body, "</p>");
    ui_card_at(b, 3, c->titre, collection_path(a, c->id), buf_cstr(&body));
}

static int render_mine(struct http_request *req, struct http_response *resp,
                       const struct form_values *v, const struct ui_errors *errs, int status)
{
    struct arena *a = req->arena;
    const struct auth *au = auth_of(req);
    struct buf b = rs_buf(req);
    int64_t page = rs_page_number(req);
    struct collection *list;
    size_t n;
    int64_t total;
    int rc = collections_of_user(rs_db(req), a, au->user_id, 0, (page - 1) * COLLECTIONS_PER_PAGE,
                                 COLLECTIONS_PER_PAGE, &list, NULL, &n, &total);
    if (rc)
        return rc;
    ui_h1(&b, "Mes collections");
    ui_error_summary(&b, errs);
    ui_p(&b, "Rassemblez les ressources qui vous servent, dans l'ordre de vos ateliers. Le bouton "
             "« Enregistrer » d'une ressource l'ajoute à vos Favoris ou à une autre collection.");
    if (total == 0) {
        ui_p(&b, "Vous n'avez pas encore de collection.");
    } else {
        ui_cards_begin(&b);
        for (size_t i = 0; i < n; i++)
            collection_card(&b, a, &list[i]);
        ui_cards_end(&b);
        ui_pagination(&b, "/collections", page,
                      (total + COLLECTIONS_PER_PAGE - 1) / COLLECTIONS_PER_PAGE);
    }
    ui_h2(&b, "Créer une collection");
    ui_form_begin(&b, "/collections", "post", au->csrf_token, false);
    form_fields(&b, req, v, errs, true);
    ui_button(&b, "Créer la collection", UI_BUTTON_PRIMARY);
    ui_form_end(&b);
    return shell_render(req, resp,
                        &(struct shell_page){.title = "Mes collections",
                                             .status = status,
                                             .notice = quality_notice(req)},
                        buf_cstr(&b));
}

int collections_page_mine(struct http_request *req, struct http_response *resp)
{
    struct form_values v = {0};
    struct ui_errors errs = {0};
    return render_mine(req, resp, &v, &errs, 200);
}

static struct form_values values_from_form(const struct http_request *req)
{
    return (struct form_values){
        http_param(&req->form, "titre"), http_param(&req->form, "description"),
        http_param(&req->form, "visibilite"), http_param(&req->form, "base")};
}

static void check_visibilite(const char *v, struct ui_errors *errs)
{
    if (v && *v && strcmp(v, "public") != 0 && strcmp(v, "prive") != 0)
        ui_errors_add(errs, "visibilite", "Visibilité : choisissez privée ou publique.");
}

int collections_page_create(struct http_request *req, struct http_response *resp)
{
    struct db *db = rs_db(req);
    const struct auth *au = auth_of(req);
    struct form_values v = values_from_form(req);
    struct ui_errors errs = {0};
    struct collection c = {.created_by = au->user_id,
                           .titre = v.titre,
                           .description = v.description,
                           .public_ = v.visibilite && strcmp(v.visibilite, "public") == 0};
    check_visibilite(v.visibilite, &errs);
    if (v.base && *v.base) {
        int64_t base = 0;
        if (cstr_to_int64(v.base, &base) || base <= 0 || !bases_is_member(db, au, base))
            ui_errors_add(&errs, "base",
                          "Propriétaire : choisissez vous-même ou une base dont vous êtes membre.");
        c.base_id = base;
    } else {
        c.owner_id = au->user_id;
    }
    if (collections_validate(req->arena, &c, &errs) || errs.n)
        return render_mine(req, resp, &v, &errs, 400);
    int rc = collections_create(db, req->arena, &c, &errs);
    if (rc == ERR_INVALID)
        return render_mine(req, resp, &v, &errs, 400);
    if (rc)
        return rc;
    http_redirect(resp, arena_printf(req->arena, "/collections/%lld?ok=creee", (long long)c.id));
    return 0;
}

static int render_collection(struct http_request *req, struct http_response *resp,
                             const struct collection *c, const char *self)
{
    struct arena *a = req->arena;
    struct db *db = rs_db(req);
    const struct auth *au = auth_of(req);
    bool editor = collections_can_edit(db, au, c);
    int64_t page = rs_page_number(req);
    struct collection_item *items;
    size_t n;
    int64_t total, hidden;
    int rc = collections_items(db, a, au, c->id, (page - 1) * ITEMS_PER_PAGE, ITEMS_PER_PAGE,
                               &items, &n, &total, &hidden);
    if (rc)
        return rc;
    struct buf b = rs_buf(req);
    ui_h1(&b, c->titre);
    html_lit(&b, "<p>");
    if (c->favoris)
        ui_tag(&b, "Favoris", UI_TAG_YELLOW);
    ui_tag(&b, c->public_ ? "Publique" : "Privée", c->public_ ? UI_TAG_GREEN : UI_TAG_NEUTRAL);
    html_lit(&b, "</p>");
    ui_p(&b, c->base_id ? arena_printf(a, "Collection de la base « %s ».", c->owner_name)
                        : arena_printf(a, "Collection de %s.", c->owner_name));
    if (c->description && *c->description)
        ui_p(&b, c->description);

    ui_h2(&b, total == 1 ? "1 ressource" : arena_printf(a, "%lld ressources", (long long)total));
    if (total == 0)
        ui_p(&b, editor ? "Cette collection est vide : ouvrez une ressource et choisissez "
                          "« Enregistrer » pour l'y ajouter."
                        : "Cette collection ne contient aucune ressource que vous pouvez voir.");
    const char *ordre = arena_printf(a, "/collections/%lld/ordre", (long long)c->id);
    const char *retirer = arena_printf(a, "/collections/%lld/retirer", (long long)c->id);
    if (n) {
        ui_prose_begin(&b);
        html_lit(&b, "<ol start=\"");
        html_int(&b, (page - 1) * ITEMS_PER_PAGE + 1);
        html_lit(&b, "\">");
        for (size_t i = 0; i < n; i++) {
            const struct collection_item *it = &items[i];
            html_lit(&b, "<li><p><a href=\"");
            html_url(&b, quality_ressource_path(a, it->ressource_id));
            html_lit(&b, "\">");
            html_text(&b, it->titre);
            html_lit(&b, "</a>");
            enum quality_badge badge;
            if (quality_badge_for(db, it->ressource_id, &badge) == 0 &&
                badge != QUALITY_BADGE_NONE) {
                html_lit(&b, " ");
                quality_render_badge(&b, badge);
            }
            html_lit(&b, "</p>");
            if (it->description && *it->description) {
                html_lit(&b, "<p>");
                html_text(&b, it->description);
                html_lit(&b, "</p>");
            }
            if (editor)
                collections_item_controls(&b, ordre, retirer, it->ressource_id, it->titre,
                                          au->csrf_token, page == 1 && i == 0,
                                          (page - 1) * ITEMS_PER_PAGE + (int64_t)i + 1 == total);
            html_lit(&b, "</li>");
        }
        html_lit(&b, "</ol>");
        ui_prose_end(&b);
    }
    ui_pagination(&b, self, page, (total + ITEMS_PER_PAGE - 1) / ITEMS_PER_PAGE);
    if (hidden)
        ui_p(&b, hidden == 1 ? "1 autre ressource de cette collection est privée : seules les "
                               "personnes qui ont accès à cette ressource la voient."
                             : arena_printf(a,
                                            "%lld autres ressources de cette collection sont "
                                            "privées : seules les personnes qui y ont accès les "
                                            "voient.",
                                            (long long)hidden));
    if (editor) {
        ui_h2(&b, "Gérer la collection");
        if (!c->favoris)
            quality_link(&b, "Modifier le titre, la description ou la visibilité",
                         arena_printf(a, "/collections/%lld/modifier", (long long)c->id));
        if (!c->public_) {
            ui_prose_begin(&b);
            html_lit(&b, "<h3>Lien de partage</h3>");
            ui_prose_end(&b);
            if (c->share_token) {
                const struct ctx *ctx = req->ctx;
                collections_share_link(
                    &b, mail_link(ctx->cfg, a, "/collections/partage/", c->share_token));
                ui_form_begin(
                    &b, arena_printf(a, "/collections/%lld/partage/revoquer", (long long)c->id),
                    "post", au->csrf_token, false);
                ui_button(&b, "Révoquer le lien", UI_BUTTON_WARNING);
                ui_form_end(&b);
            } else {
                ui_p(&b, "Cette collection est privée. Un lien de partage permet de la montrer "
                         "à des personnes précises, sans la rendre publique.");
            }
            ui_form_begin(&b, arena_printf(a, "/collections/%lld/partage", (long long)c->id),
                          "post", au->csrf_token, false);
            ui_button(&b,
                      c->share_token ? "Remplacer par un nouveau lien" : "Créer un lien de partage",
                      UI_BUTTON_SECONDARY);
            ui_form_end(&b);
        }
        if (!c->favoris) {
            ui_form_begin(&b, arena_printf(a, "/collections/%lld/supprimer", (long long)c->id),
                          "post", au->csrf_token, false);
            ui_button(&b, "Supprimer la collection", UI_BUTTON_WARNING);
            ui_form_end(&b);
        }
    }
    if (auth_signed_in(au))
        quality_link(&b, "Toutes mes collections", "/collections");
    return shell_render(req, resp,
                        &(struct shell_page){.title = c->titre, .notice = quality_notice(req)},
                        buf_cstr(&b));
}

int collections_page_view(struct http_request *req, struct http_response *resp)
{
    struct collection c;
    int rc = load_collection(req, false, &c);
    if (rc)
        return rc;
    return render_collection(req, resp, &c, collection_path(req->arena, c.id));
}

int collections_page_shared(struct http_request *req, struct http_response *resp)
{
    struct collection c;
    const char *token = http_path_param(req, "token");
    int rc = collections_get_by_token(rs_db(req), req->arena, token, &c);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND,
                         "Ce lien de partage n'existe pas ou a été révoqué par les propriétaires "
                         "de la collection.",
                         NULL);
    if (rc)
        return rc;
    /* The address of the page: the token is percent-encoded by ui_pagination's caller. */
    return render_collection(req, resp, &c,
                             arena_printf(req->arena, "/collections/partage/%s", c.share_token));
}

static int render_edit(struct http_request *req, struct http_response *resp,
                       const struct collection *c, const struct form_values *v,
                       const struct ui_errors *errs, int status)
{
    struct arena *a = req->arena;
    struct buf b = rs_buf(req);
    ui_h1(&b, arena_printf(a, "Modifier « %s »", c->titre));
    ui_error_summary(&b, errs);
    ui_form_begin(&b, arena_printf(a, "/collections/%lld/modifier", (long long)c->id), "post",
                  auth_of(req)->csrf_token, false);
    form_fields(&b, req, v, errs, false);
    ui_button(&b, "Enregistrer", UI_BUTTON_PRIMARY);
    ui_form_end(&b);
    quality_link(&b, "Revenir à la collection", collection_path(a, c->id));
    return shell_render(req, resp,
                        &(struct shell_page){.title = "Modifier une collection", .status = status},
                        buf_cstr(&b));
}

static int load_editable(struct http_request *req, struct collection *c)
{
    int rc = load_collection(req, true, c);
    if (rc == 0 && c->favoris)
        return http_fail(req, ERR_FORBIDDEN,
                         "La collection « Favoris » ne se renomme pas et ne "
                         "se supprime pas.",
                         NULL);
    return rc;
}

int collections_page_edit_form(struct http_request *req, struct http_response *resp)
{
    struct collection c;
    int rc = load_editable(req, &c);
    if (rc)
        return rc;
    struct form_values v = {c.titre, c.description, c.public_ ? "public" : "prive", NULL};
    struct ui_errors errs = {0};
    return render_edit(req, resp, &c, &v, &errs, 200);
}

int collections_page_edit(struct http_request *req, struct http_response *resp)
{
    struct collection c;
    int rc = load_editable(req, &c);
    if (rc)
        return rc;
    struct form_values v = values_from_form(req);
    struct ui_errors errs = {0};
    check_visibilite(v.visibilite, &errs);
    struct collection changed = c;
    changed.titre = v.titre;
    changed.description = v.description;
    changed.public_ = v.visibilite && strcmp(v.visibilite, "public") == 0;
    if (collections_validate(req->arena, &changed, &errs) || errs.n)
        return render_edit(req, resp, &c, &v, &errs, 400);
    if ((rc = collections_update(rs_db(req), req->arena, &changed, &errs)) == ERR_INVALID)
        return render_edit(req, resp, &c, &v, &errs, 400);
    if (rc)
        return rc;
    http_redirect(resp, arena_printf(req->arena, "/collections/%lld?ok=modifiee", (long long)c.id));
    return 0;
}

int collections_page_delete(struct http_request *req, struct http_response *resp)
{
    struct collection c;
    int rc = load_editable(req, &c);
    if (rc)
        return rc;
    if ((rc = collections_delete(rs_db(req), c.id)))
        return rc;
    http_redirect(resp, "/collections?ok=supprimee");
    return 0;
}

/* The resource a form names (field "ressource"): ERR_INVALID with a message when it is missing. */
static int form_ressource(struct http_request *req, int64_t *rid)
{
    *rid = quality_form_id(req, "ressource");
    if (!*rid)
        return http_fail(req, ERR_INVALID, "ressource : le numéro de la ressource manque.",
                         "ressource");
    return 0;
}

int collections_page_move(struct http_request *req, struct http_response *resp)
{
    struct collection c;
    int64_t rid;
    int rc = load_collection(req, true, &c);
    if (rc || (rc = form_ressource(req, &rid)))
        return rc;
    const char *sens = http_param(&req->form, "sens");
    if (!sens || (strcmp(sens, "haut") != 0 && strcmp(sens, "bas") != 0))
        return http_fail(req, ERR_INVALID, "sens : « haut » ou « bas ».", "sens");
    rc = collections_move(rs_db(req), c.id, rid, strcmp(sens, "haut") == 0);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND, "Cette ressource n'est pas dans la collection.", NULL);
    if (rc)
        return rc;
    http_redirect(resp, collection_path(req->arena, c.id));
    return 0;
}

int collections_page_remove(struct http_request *req, struct http_response *resp)
{
    struct collection c;
    int64_t rid;
    int rc = load_collection(req, true, &c);
    if (rc || (rc = form_ressource(req, &rid)))
        return rc;
    rc = collections_remove(rs_db(req), c.id, rid);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND, "Cette ressource n'est pas dans la collection.", NULL);
    if (rc)
        return rc;
    http_redirect(resp, arena_printf(req->arena, "/collections/%lld?ok=retiree", (long long)c.id));
    return 0;
}

int collections_page_share(struct http_request *req, struct http_response *resp)
{
    struct collection c;
    int rc = load_collection(req, true, &c);
    if (rc)
        return rc;
    if (c.public_)
        return http_fail(req, ERR_CONFLICT,
                         "Cette collection est publique : son adresse se partage telle quelle.",
                         NULL);
    const char *token;
    if ((rc = collections_share(rs_db(req), req->arena, c.id, &token)))
        return rc;
    http_redirect(resp, arena_printf(req->arena, "/collections/%lld?ok=partagee", (long long)c.id));
    return 0;
}

int collections_page_unshare(struct http_request *req, struct http_response *resp)
{
    struct collection c;
    int rc = load_collection(req, true, &c);
    if (rc)
        return rc;
    if ((rc = collections_unshare(rs_db(req), c.id)))
        return rc;
    http_redirect(resp, arena_printf(req->arena, "/collections/%lld?ok=revoquee", (long long)c.id));
    return 0;
}

/* The « Enregistrer » form of a resource, on its own page when what was typed must come back. */
static int render_save(struct http_request *req, struct http_response *resp,
                       const struct ressource *r, const struct ui_errors *errs, int status)
{
    struct buf b = rs_buf(req);
    ui_h1(&b, arena_printf(req->arena, "Enregistrer « %s »", r->titre));
    ui_error_summary(&b, errs);
    quality_render_save_form(&b, req, r->id, http_param(&req->form, "collection"),
                             http_param(&req->form, "titre"), errs);
    quality_link(&b, "Revenir à la ressource", quality_ressource_path(req->arena, r->id));
    return shell_render(
        req, resp, &(struct shell_page){.title = "Enregistrer une ressource", .status = status},
        buf_cstr(&b));
}

int collections_page_save(struct http_request *req, struct http_response *resp)
{
    struct db *db = rs_db(req);
    const struct auth *au = auth_of(req);
    struct ressource r;
    int rc = rs_load_ressource(req, false, &r);
    if (rc)
        return rc;
    const char *choice = http_param(&req->form, "collection");
    struct ui_errors errs = {0};
    int64_t cid = 0;
    if (!choice || !*choice || strcmp(choice, "favoris") == 0) {
        if ((rc = collections_favoris(db, au->user_id, &cid)))
            return rc;
    } else if (strcmp(choice, "nouvelle") == 0) {
        struct collection c = {.owner_id = au->user_id,
                               .created_by = au->user_id,
                               .titre = http_param(&req->form, "titre"),
                               .description = ""};
        rc = collections_create(db, req->arena, &c, &errs);
        if (rc == ERR_INVALID)
            return render_save(req, resp, &r, &errs, 400);
        if (rc)
            return rc;
        cid = c.id;
    } else {
        struct collection c;
        if (cstr_to_int64(choice, &cid) || cid <= 0 ||
            collections_get(db, req->arena, cid, &c) != 0 || !collections_can_edit(db, au, &c)) {
            ui_errors_add(&errs, "collection",
                          "Collection : choisissez l'une de vos collections, ou une nouvelle.");
            return render_save(req, resp, &r, &errs, 400);
        }
    }
    rc = collections_add(db, cid, r.id, au->user_id);
    if (rc == ERR_CONFLICT) {
        http_redirect(resp, arena_printf(req->arena, "/collections/%lld?ok=deja", (long long)cid));
        return 0;
    }
    if (rc == ERR_TOO_BIG)
        return http_fail(req, ERR_TOO_BIG,
                         "Cette collection est pleine : une collection tient 500 ressources au "
                         "plus.",
                         NULL);
    if (rc)
        return rc;
    http_redirect(resp, arena_printf(req->arena, "/collections/%lld?ok=ajoutee", (long long)cid));
    return 0;
}

int quality_render_base_collections(struct buf *b, struct http_request *req, int64_t base_id)
{
    struct arena *a = req->arena;
    struct db *db = rs_db(req);
    bool member = bases_is_member(db, auth_of(req), base_id);
    struct collection *list;
    size_t n;
    int rc = collections_of_base(db, a, base_id, member, &list, &n);
    if (rc)
        return rc;
    if (n == 0 && !member)
        return 0;
    ui_h2(b, "Collections de la base");
    if (n == 0)
        ui_p(b, "La base n'a pas encore de collection. Ses membres en créent une depuis « Mes "
                "collections », en choisissant la base comme propriétaire.");
    ui_cards_begin(b);
    for (size_t i = 0; i < n; i++)
        collection_card(b, a, &list[i]);
    ui_cards_end(b);
    return 0;
}
