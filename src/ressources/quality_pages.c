/*
 * The quality panel of a resource page (quality.h), « Marquer comme vérifiée », the authors' page
 * of what to fix (/qualite: dead and redirected links, completeness of each resource), and the
 * helpers the pages of collections, reviews and reports share.
 */
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"
#include "html/html.h"
#include "html/ui.h"
#include "ressources/access.h"
#include "ressources/collections.h"
#include "ressources/linkcheck.h"
#include "ressources/pages.h"
#include "ressources/quality.h"
#include "ressources/quality_handlers.h"
#include "ressources/reports.h"
#include "ressources/reviews.h"
#include "site/shell.h"

#include <jansson.h>
#include <string.h>
#include <time.h>

#define PROBLEMS_PER_PAGE 20

static const char SQL_VERIFY[] = "UPDATE ressources SET last_verified_at = $2 WHERE id = $1";
static const char SQL_VERIFY_HISTORY[] =
    "INSERT INTO ressource_history (ressource_id, user_id, at, action, details) "
    "VALUES ($1, $2, $3, 'verified', NULL)";

void quality_link(struct buf *b, const char *label, const char *href)
{
    ui_prose_begin(b);
    html_lit(b, "<p><a href=\"");
    html_url(b, href);
    html_lit(b, "\">");
    html_text(b, label);
    html_lit(b, "</a></p>");
    ui_prose_end(b);
}

int64_t quality_form_id(const struct http_request *req, const char *name)
{
    const char *v = http_param(&req->form, name);
    int64_t id = 0;
    if (!v || cstr_to_int64(v, &id) || id <= 0)
        return 0;
    return id;
}

const char *quality_notice(const struct http_request *req)
{
    static const struct {
        const char *code, *text;
    } notices[] = {
        {"creee", "La collection a été créée."},
        {"modifiee", "La collection a été modifiée."},
        {"supprimee", "La collection a été supprimée."},
        {"retiree", "La ressource a été retirée de la collection."},
        {"ajoutee", "La ressource a été ajoutée à la collection."},
        {"deja", "Cette ressource était déjà dans la collection."},
        {"partagee", "Le lien de partage a été créé : l'ancien lien, s'il y en avait un, ne "
                     "fonctionne plus."},
        {"revoquee", "Le lien de partage a été révoqué."},
        {"avis", "Merci, votre avis a été enregistré."},
        {"avis-supprime", "Votre avis a été supprimé."},
        {"reponse", "La réponse a été enregistrée."},
        {"signale", "Merci, votre signalement a été transmis aux modérateurs."},
        {"traite", "La décision a été enregistrée."},
    };
    const char *ok = http_param(&req->query, "ok");
    for (size_t i = 0; ok && i < sizeof(notices) / sizeof(notices[0]); i++)
        if (strcmp(ok, notices[i].code) == 0)
            return notices[i].text;
    return NULL;
}

void quality_render_save_form(struct buf *b, struct http_request *req, int64_t ressource_id,
                              const char *selected, const char *titre, const struct ui_errors *errs)
{
    struct arena *a = req->arena;
    const struct auth *au = auth_of(req);
    struct collection *list = NULL;
    bool *contains = NULL;
    size_t n = 0;
    int64_t total = 0;
    if (collections_of_user(rs_db(req), a, au->user_id, ressource_id, 0, 100, &list, &contains, &n,
                            &total) != 0)
        n = 0;
    bool has_favoris = n && list[0].favoris;
    struct ui_option *opts = arena_calloc(a, n + 2, sizeof(*opts));
    size_t k = 0;
    const char *sel = selected ? selected : "";
    if (!has_favoris)
        opts[k++] = (struct ui_option){"favoris", "Favoris", !*sel || strcmp(sel, "favoris") == 0};
    for (size_t i = 0; i < n; i++) {
        const char *id = arena_printf(a, "%lld", (long long)list[i].id);
        opts[k++] = (struct ui_option){
            id,
            arena_printf(a, "%s%s%s", list[i].titre,
                         list[i].base_id ? arena_printf(a, " (base « %s »)", list[i].owner_name)
                                         : "",
                         contains[i] ? " — déjà enregistrée" : ""),
            strcmp(sel, id) == 0 || (!*sel && list[i].favoris)};
    }
    opts[k++] =
        (struct ui_option){"nouvelle", "Une nouvelle collection…", strcmp(sel, "nouvelle") == 0};
    ui_form_begin(b, arena_printf(a, "/ressources/%lld/enregistrer", (long long)ressource_id),
                  "post", au->csrf_token, false);
    ui_select(b,
              &(struct ui_field){.name = "collection",
                                 .label = "Enregistrer dans la collection",
                                 .required = true,
                                 .error = ui_errors_for(errs, "collection")},
              opts, k);
    ui_input(b, &(struct ui_field){.name = "titre",
                                   .label = "Titre de la nouvelle collection",
                                   .hint = "Seulement pour « Une nouvelle collection… ».",
                                   .value = titre,
                                   .error = ui_errors_for(errs, "titre")});
    ui_button(b, "Enregistrer", UI_BUTTON_SECONDARY);
    ui_form_end(b);
}

void quality_render_reviews_summary(struct buf *b, struct http_request *req, int64_t ressource_id)
{
    struct arena *a = req->arena;
    struct reviews_summary s;
    if (reviews_summary_get(rs_db(req), ressource_id, &s) != 0)
        return;
    enum quality_badge badge = quality_badge_of(&s);
    if (badge != QUALITY_BADGE_NONE) {
        html_lit(b, "<p>");
        quality_render_badge(b, badge);
        html_lit(b, "</p>");
    }
    if (s.n == 0) {
        ui_p(b, "Aucun avis pour l'instant.");
        return;
    }
    ui_p(b, arena_printf(a,
                         "%lld avis. Recommandez-vous cette ressource ? Beaucoup : %lld, oui : "
                         "%lld, moyen : %lld, non : %lld.",
                         (long long)s.n, (long long)s.by_rating[4], (long long)s.by_rating[3],
                         (long long)s.by_rating[2], (long long)s.by_rating[1]));
    if (s.a_jour_oui + s.a_jour_non)
        ui_p(b, arena_printf(a, "À jour : oui pour %lld sur %lld réponses.",
                             (long long)s.a_jour_oui, (long long)(s.a_jour_oui + s.a_jour_non)));
    if (s.facile_oui + s.facile_non)
        ui_p(b, arena_printf(a, "Facile à utiliser en atelier : oui pour %lld sur %lld réponses.",
                             (long long)s.facile_oui, (long long)(s.facile_oui + s.facile_non)));
}

/* The redirections of a finding, from its JSON chain: « 301 → https://…, 302 → … ». */
static const char *hops_text(struct arena *a, const char *chaine)
{
    if (!chaine)
        return NULL;
    json_t *arr = json_loads(chaine, 0, NULL);
    if (!json_is_array(arr)) {
        json_decref(arr);
        return NULL;
    }
    struct buf t;
    buf_init(&t, a, 16 * 1024);
    size_t i;
    json_t *hop;
    json_array_foreach(arr, i, hop)
    {
        const char *url = json_string_value(json_object_get(hop, "url"));
        json_int_t st = json_integer_value(json_object_get(hop, "statut"));
        buf_addf(&t, "%s%s (%lld)", i ? " → " : "", url ? url : "?", (long long)st);
    }
    json_decref(arr);
    return buf_finish(&t) ? NULL : buf_cstr(&t);
}

/* « ne répond plus (erreur HTTP 404), depuis le 2 avril 2026. » and the redirections followed. */
static const char *finding_state(struct arena *a, const struct linkcheck_finding *f)
{
    const char *state;
    if (f->state == LINKCHECK_OK)
        state = "fonctionne";
    else if (f->state == LINKCHECK_REDIRECTED)
        state = arena_printf(a, "redirigé pour de bon vers %s : remplacez l'adresse",
                             f->final_url ? f->final_url : "?");
    else if (f->status)
        state = arena_printf(a, "ne répond plus (erreur HTTP %ld)", f->status);
    else
        state = arena_printf(a, "ne répond plus (%s)", f->error ? f->error : "erreur");
    const char *hops = hops_text(a, f->chaine);
    return arena_printf(a, "%s, depuis le %s%s%s.", state, rs_date(a, f->depuis),
                        hops ? ". Redirections suivies : " : "", hops ? hops : "");
}

static const char *finding_text(struct arena *a, const struct linkcheck_finding *f)
{
    return arena_printf(a, "%s : %s", f->url, finding_state(a, f));
}

/* A heading under « Qualité de la ressource ». */
static void subheading(struct buf *b, const char *text)
{
    ui_prose_begin(b);
    html_lit(b, "<h3>");
    html_text(b, text);
    html_lit(b, "</h3>");
    ui_prose_end(b);
}

/* What the authors see: completeness, links, reports, last verification. */
static void authors_part(struct buf *b, struct http_request *req, const struct ressource *r)
{
    struct arena *a = req->arena;
    struct db *db = rs_db(req);
    ui_h2(b, "Qualité de la ressource");
    ui_p(b, "Cette partie n'est montrée qu'aux auteurs de la ressource.");

    struct quality_facts facts;
    quality_facts_of(r, &facts);
    struct quality_criterion c[QUALITY_N_CRITERIA];
    int score = quality_completeness(&facts, c);
    subheading(b, arena_printf(a, "Complétude : %d %%", score));
    if (score < 100) {
        ui_p(b, "Pour la compléter :");
        ui_prose_begin(b);
        html_lit(b, "<ul>");
        for (size_t i = 0; i < QUALITY_N_CRITERIA; i++)
            if (!c[i].met) {
                html_lit(b, "<li>");
                html_text(b, arena_printf(a, "%s (%d points)", c[i].label, c[i].weight));
                html_lit(b, "</li>");
            }
        html_lit(b, "</ul>");
        ui_prose_end(b);
    } else {
        ui_p(b, "Tout ce qui aide à trouver et à utiliser la ressource est renseigné.");
    }

    subheading(b, "Liens");
    struct linkcheck_finding *fs;
    size_t n = 0;
    if (linkcheck_findings_of(db, a, r->id, &fs, &n) != 0)
        n = 0;
    if (n == 0) {
        ui_p(b, "Les liens de cette ressource n'ont pas encore été vérifiés (la vérification "
                "passe chaque nuit).");
    } else {
        size_t bad = 0;
        for (size_t i = 0; i < n; i++)
            bad += fs[i].state != LINKCHECK_OK;
        ui_p(b, arena_printf(a, "%zu lien%s vérifié%s le %s ; %zu à corriger.", n, n > 1 ? "s" : "",
                             n > 1 ? "s" : "", rs_date(a, fs[0].checked_at), bad));
        if (bad) {
            ui_prose_begin(b);
            html_lit(b, "<ul>");
            for (size_t i = 0; i < n; i++)
                if (fs[i].state != LINKCHECK_OK) {
                    html_lit(b, "<li>");
                    ui_tag(b, fs[i].state == LINKCHECK_DEAD ? "Lien mort" : "Lien redirigé",
                           fs[i].state == LINKCHECK_DEAD ? UI_TAG_RED : UI_TAG_YELLOW);
                    html_lit(b, " ");
                    html_text(b, finding_text(a, &fs[i]));
                    html_lit(b, "</li>");
                }
            html_lit(b, "</ul>");
            ui_prose_end(b);
        }
    }

    int64_t open = 0;
    if (reports_open_count(db, r->id, &open) == 0 && open)
        ui_p(b, arena_printf(a, "%lld signalement%s en attente de modération.", (long long)open,
                             open > 1 ? "s" : ""));

    subheading(b, "Dernière vérification");
    ui_p(b, r->last_verified_at ? arena_printf(a, "Vérifiée par ses auteurs le %s.",
                                               rs_date(a, r->last_verified_at))
                                : "Ses auteurs ne l'ont pas encore marquée comme vérifiée.");
    ui_form_begin(b, arena_printf(a, "/ressources/%lld/verification", (long long)r->id), "post",
                  auth_of(req)->csrf_token, false);
    ui_button(b, "Marquer comme vérifiée aujourd'hui", UI_BUTTON_SECONDARY);
    ui_form_end(b);
    quality_link(b, "Tous les liens à corriger de mes ressources", "/qualite");
}

int quality_render_resource_panel(struct buf *b, struct http_request *req, int64_t ressource_id)
{
    struct arena *a = req->arena;
    struct db *db = rs_db(req);
    const struct auth *au = auth_of(req);
    struct ressource r;
    int rc = ressource_get(db, a, ressource_id, &r);
    if (rc)
        return rc;
    html_lit(b, "<section aria-labelledby=\"qualite-avis\">");
    html_lit(b, "<h2 class=\"govuk-heading-m\" id=\"qualite-avis\">Avis</h2>");
    quality_render_reviews_summary(b, req, r.id);
    struct review *last;
    size_t n = 0;
    int64_t total = 0;
    if (reviews_list(db, a, r.id, 0, 3, &last, &n, &total) == 0 && n) {
        ui_prose_begin(b);
        html_lit(b, "<ul>");
        for (size_t i = 0; i < n; i++) {
            html_lit(b, "<li>");
            html_text(b, arena_printf(a, "%s : %s%s%s", last[i].user_name,
                                      reviews_rating_label(last[i].recommandation),
                                      last[i].commentaire ? ". " : "",
                                      last[i].commentaire ? last[i].commentaire : ""));
            html_lit(b, "</li>");
        }
        html_lit(b, "</ul>");
        ui_prose_end(b);
    }
    const char *why;
    bool may = quality_may_review(req, &r, &why);
    quality_link(b,
                 may ? "Donner ou modifier mon avis"
                     : arena_printf(a, "Lire les avis (%lld)", (long long)total),
                 arena_printf(a, "/ressources/%lld/avis", (long long)r.id));
    int64_t saved = 0;
    if (collections_save_count(db, r.id, &saved) == 0 && saved)
        ui_p(b, saved == 1
                    ? "Enregistrée dans 1 collection."
                    : arena_printf(a, "Enregistrée dans %lld collections.", (long long)saved));
    if (r.last_verified_at)
        ui_p(b, arena_printf(a, "Contenu vérifié par ses auteurs le %s.",
                             rs_date(a, r.last_verified_at)));
    html_lit(b, "</section>");

    if (auth_signed_in(au)) {
        ui_h2(b, "Enregistrer");
        quality_render_save_form(b, req, r.id, NULL, NULL, &(struct ui_errors){0});
        quality_link(b, "Signaler un problème sur cette ressource",
                     arena_printf(a, "/ressources/%lld/signaler", (long long)r.id));
    } else {
        quality_link(b, "Connectez-vous pour enregistrer cette ressource ou donner votre avis",
                     arena_printf(a, "/connexion?retour=/ressources/%lld", (long long)r.id));
    }
    if (ressources_can_edit(db, au, r.id))
        authors_part(b, req, &r);
    return buf_finish(b);
}

int quality_page_verify(struct http_request *req, struct http_response *resp)
{
    struct db *db = rs_db(req);
    struct ressource r;
    int rc = rs_load_ressource(req, true, &r);
    if (rc)
        return rc;
    int64_t now = (int64_t)time(NULL);
    struct db_stmt *st;
    if ((rc = db_begin(db)))
        return rc;
    if ((rc = db_prepare(db, SQL_VERIFY, &st)) == 0) {
        db_bind_int64(st, 1, r.id);
        db_bind_int64(st, 2, now);
        rc = db_exec_stmt(st);
    }
    if (rc == 0 && (rc = db_prepare(db, SQL_VERIFY_HISTORY, &st)) == 0) {
        db_bind_int64(st, 1, r.id);
        db_bind_int64(st, 2, auth_of(req)->user_id);
        db_bind_int64(st, 3, now);
        rc = db_exec_stmt(st);
    }
    if (rc == 0)
        rc = db_commit(db);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    rs_after_write(req, r.id);
    http_redirect(resp, quality_ressource_path(req->arena, r.id));
    return 0;
}

int quality_page_author(struct http_request *req, struct http_response *resp)
{
    struct arena *a = req->arena;
    struct db *db = rs_db(req);
    const struct auth *au = auth_of(req);
    int64_t page = rs_page_number(req);
    struct linkcheck_finding *fs;
    size_t n;
    int64_t total;
    int rc = linkcheck_problems_of_author(db, a, au->user_id, (page - 1) * PROBLEMS_PER_PAGE,
                                          PROBLEMS_PER_PAGE, &fs, &n, &total);
    if (rc)
        return rc;
    struct buf b = rs_buf(req);
    ui_h1(&b, "Qualité de mes ressources");
    ui_p(&b, "Les liens des ressources sont vérifiés chaque nuit. Voici ceux des ressources que "
             "vous avez créées ou auxquelles vous contribuez qui ne mènent plus là où il faut.");
    ui_h2(&b, arena_printf(a, "Liens à corriger : %lld", (long long)total));
    if (total == 0) {
        ui_p(&b, "Aucun lien à corriger.");
    } else {
        static const char *const head[] = {"Ressource", "Lien", "État"};
        struct ui_table t = {.caption = "Liens morts et redirigés", .head = head, .n_cols = 3};
        ui_table_begin(&b, &t);
        for (size_t i = 0; i < n; i++) {
            const char *row[] = {fs[i].ressource_titre, fs[i].url, finding_state(a, &fs[i])};
            ui_table_row_link(&b, &t, quality_ressource_path(a, fs[i].ressource_id), row);
        }
        ui_table_end(&b);
        ui_pagination(&b, "/qualite", page, (total + PROBLEMS_PER_PAGE - 1) / PROBLEMS_PER_PAGE);
    }

    ui_h2(&b, "Complétude de mes dernières ressources");
    struct ressource_row *rows;
    size_t nr;
    int64_t tr;
    if ((rc = ressources_of_user(db, a, au->user_id, 0, 20, &rows, &nr, &tr)))
        return rc;
    if (nr == 0) {
        ui_p(&b, "Vous n'avez pas encore de ressource.");
    } else {
        static const char *const head[] = {"Ressource", "Complétude", "Vérifiée le"};
        struct ui_table t = {
            .caption = "Vos 20 ressources les plus récentes", .head = head, .n_cols = 3};
        ui_table_begin(&b, &t);
        for (size_t i = 0; i < nr; i++) {
            struct ressource r;
            if ((rc = ressource_get(db, a, rows[i].id, &r)))
                return rc;
            struct quality_facts facts;
            struct quality_criterion c[QUALITY_N_CRITERIA];
            quality_facts_of(&r, &facts);
            const char *row[] = {r.titre, arena_printf(a, "%d %%", quality_completeness(&facts, c)),
                                 r.last_verified_at ? rs_date(a, r.last_verified_at) : "jamais"};
            ui_table_row_link(&b, &t, quality_ressource_path(a, r.id), row);
        }
        ui_table_end(&b);
    }
    if (reports_is_moderator(db, au))
        quality_link(&b, "Les signalements à modérer", "/moderation");
    return shell_render(req, resp, &(struct shell_page){.title = "Qualité de mes ressources"},
                        buf_cstr(&b));
}
