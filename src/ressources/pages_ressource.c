/*
 * The page of a resource (its blocks, files with their PDF preview, indexation, licence, authors,
 * and the quality panel of quality.h), its publication, its change history, its contributors,
 * the download of its files, and « Mes ressources ».
 *
 * Files are served from the store with the type libmagic found, never the browser's: images and
 * PDF inline, anything else as an attachment, and the server's X-Content-Type-Options: nosniff
 * on every answer.
 */
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "html/html.h"
#include "html/ui.h"
#include "ressources/access.h"
#include "ressources/files.h"
#include "ressources/markdown.h"
#include "ressources/pages.h"
#include "ressources/quality.h"
#include "site/shell.h"

#include <jansson.h>
#include <string.h>

static const char *size_fr(struct arena *a, int64_t bytes)
{
    if (bytes < 1024 * 1024)
        return arena_printf(a, "%lld Ko", (long long)((bytes + 1023) / 1024));
    return arena_printf(a, "%.1f Mo", (double)bytes / (1024.0 * 1024.0));
}

static const char *file_href(struct arena *a, int64_t id, const char *sha)
{
    return arena_printf(a, "/ressources/%lld/fichiers/%s", (long long)id, sha);
}

static void render_blocks(struct buf *b, struct arena *a, const struct ressource *r)
{
    html_lit(b, "<div class=\"relais-ressource-contenu\">");
    ui_prose_begin(b);
    for (size_t i = 0; i < r->n_blocks; i++) {
        const struct ressource_block *k = &r->blocks[i];
        switch (k->kind) {
        case BLOCK_TITRE:
            html_lit(b, "<h2>");
            html_text(b, k->texte);
            html_lit(b, "</h2>");
            break;
        case BLOCK_TEXTE: {
            struct buf md;
            buf_init(&md, a, 4 * 1024 * 1024);
            ressources_markdown(&md, k->texte);
            html_safe(b, html_safe_buf(&md));
            break;
        }
        case BLOCK_LIEN:
            html_lit(b, "<p class=\"relais-bloc-lien\"><a href=\"");
            html_url(b, k->url);
            html_lit(b, "\" rel=\"noopener noreferrer\">");
            html_text(b, k->texte && *k->texte ? k->texte : k->url);
            html_lit(b, "</a><br><span class=\"relais-url\">");
            html_text(b, k->url);
            html_lit(b, "</span></p>");
            break;
        case BLOCK_IMAGE:
            html_lit(b, "<figure class=\"relais-bloc-image\"><img src=\"");
            html_url(b, file_href(a, r->id, k->sha256));
            html_lit(b, "\" alt=\"");
            html_attr(b, k->caption ? k->caption : "");
            html_lit(b, "\">");
            if (k->caption && *k->caption) {
                html_lit(b, "<figcaption>");
                html_text(b, k->caption);
                html_lit(b, "</figcaption>");
            }
            html_lit(b, "</figure>");
            break;
        case BLOCK_FICHIER: {
            const char *name = k->filename && *k->filename ? k->filename : "fichier";
            html_lit(b, "<div class=\"relais-bloc-fichier\">");
            if (k->preview_sha256) {
                html_lit(b, "<a href=\"");
                html_url(b, file_href(a, r->id, k->sha256));
                html_lit(b, "\"><img class=\"relais-apercu\" src=\"");
                html_url(b, file_href(a, r->id, k->preview_sha256));
                html_lit(b, "\" alt=\"");
                html_attr(b, arena_printf(a, "Première page de %s", name));
                html_lit(b, "\"></a>");
            }
            html_lit(b, "<p><a href=\"");
            html_url(b, file_href(a, r->id, k->sha256));
            html_lit(b, "\">");
            html_text(b, k->caption && *k->caption ? k->caption : name);
            html_lit(b, "</a> <span>");
            html_text(
                b, arena_printf(a, "(%s, %s)", ressource_file_label(k->mime), size_fr(a, k->size)));
            html_lit(b, "</span></p></div>");
            break;
        }
        case BLOCK_N:
            break;
        }
    }
    ui_prose_end(b);
    html_lit(b, "</div>");
}

static void render_indexation(struct buf *b, struct arena *a, const struct ressource *r)
{
    bool any = false;
    for (int k = 0; k < RESSOURCE_N_INDEX; k++)
        any |= r->n_index[k] > 0;
    if (!any)
        return;
    ui_h2(b, "Indexation");
    html_lit(b, "<dl class=\"govuk-summary-list\">");
    for (int k = 0; k < RESSOURCE_N_INDEX; k++) {
        if (!r->n_index[k])
            continue;
        const struct vocab *v = k < VOCAB_N ? ressources_vocab_get((enum vocab_kind)k) : NULL;
        html_lit(b,
                 "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">");
        html_text(b, v ? v->label : "Mots-clés");
        html_lit(b, "</dt><dd class=\"govuk-summary-list__value\">");
        for (size_t i = 0; i < r->n_index[k]; i++) {
            const struct vocab_value *vv =
                v ? ressources_vocab_find((enum vocab_kind)k, r->index[k][i]) : NULL;
            if (v) {
                html_lit(b, "<a class=\"govuk-link\" href=\"/ressources?");
                html_url_part(b, v->column);
                html_lit(b, "=");
                html_url_part(b, r->index[k][i]);
                html_lit(b, "\">");
            }
            html_text(b, vv ? vv->label : r->index[k][i]);
            if (v)
                html_lit(b, "</a>");
            if (i + 1 < r->n_index[k])
                html_lit(b, ", ");
        }
        html_lit(b, "</dd></div>");
    }
    html_lit(b, "</dl>");
    (void)a;
}

static void render_meta(struct buf *b, struct arena *a, const struct ressource *r)
{
    const struct licence *lic = ressources_vocab_licence(r->licence);
    html_lit(b, "<ul class=\"govuk-list relais-meta\">");
    if (r->base_nom) {
        html_lit(b, "<li>Base : <a class=\"govuk-link\" href=\"/bases/");
        html_int(b, r->base_id);
        html_lit(b, "\">");
        html_text(b, r->base_nom);
        html_lit(b, "</a></li>");
    }
    if (r->auteur) {
        html_lit(b, "<li>");
        html_text(b, arena_printf(a, "Créée par %s", r->auteur));
        html_lit(b, "</li>");
    }
    html_lit(b, "<li>");
    if (r->published_at)
        html_text(b, arena_printf(a, "Publiée le %s", rs_date(a, r->published_at)));
    else
        html_text(b, "Pas encore publiée");
    if (r->republished_at)
        html_text(b, arena_printf(a, ", republiée le %s", rs_date(a, r->republished_at)));
    html_text(b, arena_printf(a, " · mise à jour le %s", rs_date(a, r->updated_at)));
    html_lit(b, "</li><li>Licence : ");
    if (lic && lic->url) {
        html_lit(b, "<a class=\"govuk-link\" href=\"");
        html_url(b, lic->url);
        html_lit(b, "\">");
        html_text(b, lic->label);
        html_lit(b, "</a>");
    } else {
        html_text(b, lic ? lic->label : r->licence);
    }
    html_lit(b, "</li><li>");
    html_text(b, arena_printf(a, "%lld vue%s", (long long)r->views, r->views > 1 ? "s" : ""));
    html_lit(b, "</li></ul>");
}

static const char *done_notice(const struct http_request *req)
{
    const char *f = http_param(&req->query, "fait");
    if (!f)
        return NULL;
    if (!strcmp(f, "publiee"))
        return "La ressource est publiée.";
    if (!strcmp(f, "republiee"))
        return "La ressource est republiée.";
    if (!strcmp(f, "brouillon"))
        return "Le brouillon est enregistré : publiez-le quand il est prêt.";
    if (!strcmp(f, "enregistree"))
        return "Les modifications sont enregistrées.";
    if (!strcmp(f, "contributeur"))
        return "La liste des contributeurs est à jour.";
    return NULL;
}

int rs_page_ressource(struct http_request *req, struct http_response *resp)
{
    struct arena *a = req->arena;
    const struct auth *au = auth_of(req);
    struct ressource r;
    int rc = rs_load_ressource(req, false, &r);
    if (rc)
        return rc;
    struct db *db = rs_db(req);
    bool editor = ressources_can_edit(db, au, r.id);
    if (!editor && r.published)
        ressource_count_view(db, r.id);
    struct buf b = rs_buf(req);
    html_lit(&b, "<article class=\"relais-ressource-page\">");
    ui_h1(&b, r.titre);
    if (!r.published)
        ui_tag(&b, "Brouillon", UI_TAG_YELLOW);
    else if (!r.public_ || !r.base_public)
        ui_tag(&b, "Privée", UI_TAG_BLUE);
    if (r.demo)
        ui_tag(&b, "démo", UI_TAG_NEUTRAL);
    enum quality_badge badge;
    if (quality_badge_for(db, r.id, &badge) == 0)
        quality_render_badge(&b, badge);
    if (r.description && *r.description) {
        html_lit(&b, "<p class=\"govuk-body-l\">");
        html_text(&b, r.description);
        html_lit(&b, "</p>");
    }
    render_meta(&b, a, &r);
    if (editor) {
        ui_button_link(&b, "Modifier",
                       arena_printf(a, "/ressources/%lld/modifier", (long long)r.id),
                       UI_BUTTON_SECONDARY);
        if (!r.published) {
            ui_form_begin(&b, arena_printf(a, "/ressources/%lld/publication", (long long)r.id),
                          "post", au->csrf_token, false);
            html_lit(&b, "<input type=\"hidden\" name=\"visibilite\" value=\"");
            html_attr(&b, r.public_ ? "public" : "prive");
            html_lit(&b, "\">");
            ui_button(&b, "Publier", UI_BUTTON_PRIMARY);
            ui_form_end(&b);
        }
    }
    render_blocks(&b, a, &r);
    render_indexation(&b, a, &r);
    struct ressource_contributor *c;
    size_t nc = 0;
    ressource_contributors(db, a, r.id, &c, &nc);
    if (nc || editor) {
        ui_h2(&b, "Contributeurs");
        html_lit(&b, "<ul class=\"govuk-list\">");
        for (size_t i = 0; i < nc; i++) {
            html_lit(&b, "<li>");
            html_text(&b, c[i].name);
            if (editor) {
                ui_form_begin(&b,
                              arena_printf(a, "/ressources/%lld/contributeurs/%lld/retrait",
                                           (long long)r.id, (long long)c[i].user_id),
                              "post", au->csrf_token, false);
                ui_button(&b, arena_printf(a, "Retirer %s", c[i].name), UI_BUTTON_SECONDARY);
                ui_form_end(&b);
            }
            html_lit(&b, "</li>");
        }
        html_lit(&b, "</ul>");
        if (editor) {
            ui_form_begin(&b, arena_printf(a, "/ressources/%lld/contributeurs", (long long)r.id),
                          "post", au->csrf_token, false);
            ui_input(&b, &(struct ui_field){.name = "email",
                                            .label = "Ajouter un contributeur",
                                            .hint = "L'adresse e-mail de son compte Relais.",
                                            .type = UI_EMAIL,
                                            .autocomplete = "off"});
            ui_button(&b, "Ajouter", UI_BUTTON_SECONDARY);
            ui_form_end(&b);
        }
    }
    if ((rc = quality_render_resource_panel(&b, req, r.id)) != 0)
        return rc;
    html_lit(&b, "<p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/ressources/");
    html_int(&b, r.id);
    html_lit(&b, "/historique\">Historique des modifications</a></p>");
    html_lit(&b, "</article>");
    return shell_render(req, resp,
                        &(struct shell_page){.title = r.titre, .notice = done_notice(req)},
                        buf_cstr(&b));
}

int rs_page_publish(struct http_request *req, struct http_response *resp)
{
    struct ressource r;
    int rc = rs_load_ressource(req, true, &r);
    if (rc)
        return rc;
    const char *vis = http_param(&req->form, "visibilite");
    if (vis && strcmp(vis, "public") && strcmp(vis, "prive"))
        return http_fail(req, ERR_INVALID, "Visibilité : « public » ou « prive ».", "visibilite");
    bool public_ = vis ? strcmp(vis, "public") == 0 : r.public_;
    if ((rc = ressource_publish(rs_db(req), r.id, public_, auth_of(req)->user_id)) != 0)
        return rc;
    rs_after_write(req, r.id);
    http_redirect(resp, arena_printf(req->arena, "/ressources/%lld?fait=%s", (long long)r.id,
                                     r.published ? "republiee" : "publiee"));
    return 0;
}

static const char *action_label(const char *action)
{
    static const struct {
        const char *action, *label;
    } labels[] = {
        {"created", "Création"},
        {"imported", "Import"},
        {"published", "Publication"},
        {"republished", "Nouvelle publication"},
        {"title_and_description_edited", "Titre ou description modifiés"},
        {"content_edited", "Contenu modifié"},
        {"indexation_changed", "Indexation modifiée"},
        {"visibility_changed", "Visibilité modifiée"},
        {"licence_changed", "Licence modifiée"},
        {"base_changed", "Base changée"},
        {"contributor_added", "Contributeur ajouté"},
        {"contributor_removed", "Contributeur retiré"},
    };
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        if (strcmp(labels[i].action, action) == 0)
            return labels[i].label;
    return action;
}

/* « Titre modifié : « avant » → « après » » from the details the store keeps (arena). */
static const char *change_text(struct arena *a, const char *action, const char *details)
{
    static const struct {
        const char *field, *label;
    } fields[] = {{"titre", "titre"},
                  {"description", "description"},
                  {"licence", "licence"},
                  {"visibilite", "visibilité"}};
    json_t *o = details ? json_loads(details, 0, NULL) : NULL;
    struct buf b;
    buf_init(&b, a, 64 * 1024);
    buf_adds(&b, action_label(action));
    for (size_t i = 0; json_is_object(o) && i < sizeof(fields) / sizeof(fields[0]); i++) {
        json_t *v = json_object_get(o, fields[i].field);
        if (!json_is_array(v) || json_array_size(v) != 2)
            continue;
        const char *before = json_string_value(json_array_get(v, 0));
        const char *after = json_string_value(json_array_get(v, 1));
        buf_addf(&b, " ; %s : « %s » → « %s »", fields[i].label, before ? before : "",
                 after ? after : "");
    }
    json_decref(o);
    return buf_cstr(&b);
}

int rs_page_history(struct http_request *req, struct http_response *resp)
{
    struct arena *a = req->arena;
    struct ressource r;
    int rc = rs_load_ressource(req, false, &r);
    if (rc)
        return rc;
    struct ressource_history_entry *h;
    size_t n;
    if ((rc = ressource_history(rs_db(req), a, r.id, &h, &n)) != 0)
        return rc;
    struct buf b = rs_buf(req);
    ui_h1(&b, arena_printf(a, "Historique de « %s »", r.titre));
    static const char *const head[] = {"Date", "Qui", "Quoi"};
    struct ui_table t = {"Modifications, de la plus récente à la plus ancienne", head, 3, false};
    ui_table_begin(&b, &t);
    for (size_t i = 0; i < n; i++) {
        const char *cells[] = {rs_date(a, h[i].at), h[i].who ? h[i].who : "Import",
                               change_text(a, h[i].action, h[i].details)};
        ui_table_row(&b, &t, cells);
    }
    ui_table_end(&b);
    ui_link(&b, "Retour à la ressource", arena_printf(a, "/ressources/%lld", (long long)r.id));
    return shell_render(req, resp, &(struct shell_page){.title = "Historique"}, buf_cstr(&b));
}

int rs_page_contributor_add(struct http_request *req, struct http_response *resp)
{
    struct ressource r;
    int rc = rs_load_ressource(req, true, &r);
    if (rc)
        return rc;
    const char *email = http_param(&req->form, "email");
    if (!email || !strchr(email, '@'))
        return http_fail(req, ERR_INVALID,
                         "Ajouter un contributeur : saisissez une adresse "
                         "e-mail, avec un @.",
                         "email");
    rc = ressource_contributor_add(rs_db(req), req->arena, r.id,
                                   str_dup(str_trim(str_from(email)), req->arena),
                                   auth_of(req)->user_id);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_INVALID,
                         "Ajouter un contributeur : aucun compte actif n'a cette adresse.",
                         "email");
    if (rc == ERR_CONFLICT)
        return http_fail(req, ERR_CONFLICT, "Cette personne contribue déjà à la ressource.",
                         "email");
    if (rc)
        return rc;
    rs_after_write(req, r.id);
    http_redirect(resp,
                  arena_printf(req->arena, "/ressources/%lld?fait=contributeur", (long long)r.id));
    return 0;
}

int rs_page_contributor_remove(struct http_request *req, struct http_response *resp)
{
    struct ressource r;
    int rc = rs_load_ressource(req, true, &r);
    if (rc)
        return rc;
    rc = ressource_contributor_remove(rs_db(req), r.id, rs_path_id(req, "user"),
                                      auth_of(req)->user_id);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND, "Cette personne ne contribue pas à la ressource.",
                         NULL);
    if (rc)
        return rc;
    rs_after_write(req, r.id);
    http_redirect(resp,
                  arena_printf(req->arena, "/ressources/%lld?fait=contributeur", (long long)r.id));
    return 0;
}

int rs_page_file(struct http_request *req, struct http_response *resp)
{
    struct arena *a = req->arena;
    struct ressource r;
    int rc = rs_load_ressource(req, false, &r);
    if (rc)
        return rc;
    const char *sha = http_path_param(req, "sha");
    /* Only the files of this resource, found through its blocks: a hash alone opens nothing. */
    const struct ressource_block *k = NULL;
    bool preview = false;
    for (size_t i = 0; sha && i < r.n_blocks && !k; i++) {
        const struct ressource_block *bk = &r.blocks[i];
        if (bk->sha256 && strcmp(bk->sha256, sha) == 0)
            k = bk;
        else if (bk->preview_sha256 && strcmp(bk->preview_sha256, sha) == 0)
            k = bk, preview = true;
    }
    if (!k)
        return http_fail(req, ERR_NOT_FOUND, "Ce fichier n'appartient pas à cette ressource.",
                         NULL);
    const char *mime = preview ? "image/png" : k->mime;
    resp->status = 200;
    resp->content_type = mime;
    resp->file_path = ressource_file_path(a, rs_data_dir(req), sha);
    const char *name = k->filename && *k->filename ? k->filename : "fichier";
    /* The name goes in the RFC 5987 form only: no quote or line break can reach the header. */
    struct buf enc;
    buf_init(&enc, a, 4096);
    html_url_part(&enc, preview ? "apercu.png" : name);
    http_resp_header(resp, "Content-Disposition",
                     arena_printf(a, "%s; filename*=UTF-8''%s",
                                  preview || ressource_file_inline(mime) ? "inline" : "attachment",
                                  buf_cstr(&enc)));
    /* Immutable: the address names the content. */
    http_resp_header(resp, "Cache-Control",
                     r.published && r.public_ && r.base_public
                         ? "public, max-age=31536000, immutable"
                         : "private, max-age=3600");
    return 0;
}

int rs_page_mine(struct http_request *req, struct http_response *resp)
{
    struct arena *a = req->arena;
    int64_t page = rs_page_number(req);
    struct ressource_row *rows;
    size_t n;
    int64_t total;
    int rc =
        ressources_of_user(rs_db(req), a, auth_of(req)->user_id, (page - 1) * RESSOURCES_PER_PAGE,
                           RESSOURCES_PER_PAGE, &rows, &n, &total);
    if (rc)
        return rc;
    struct buf b = rs_buf(req);
    ui_h1(&b, "Mes ressources");
    ui_p(&b, "Les ressources que vous avez créées ou auxquelles vous contribuez, brouillons "
             "compris.");
    ui_button_link(&b, "Créer une ressource", "/ressources/nouvelle", UI_BUTTON_PRIMARY);
    rs_render_rows(&b, rs_db(req), a, rows, n, NULL);
    ui_pagination(&b, "/mes-ressources", page,
                  (total + RESSOURCES_PER_PAGE - 1) / RESSOURCES_PER_PAGE);
    return shell_render(req, resp, &(struct shell_page){.title = "Mes ressources"}, buf_cstr(&b));
}
