/*
 * A département's page GET /departements/{code}: its published lieux counted by service and listed
 * by commune; and GET /departements/{code}/couverture, the coverage analysis (couverture.h) for its
 * coordinateurs: the share of the population living more than 15 and 30 estimated minutes from a
 * lieu offering each service, the communes concerned, and a map layer of them; and
 * GET /departements/{code}/guide.pdf, the printed guide (guide.h).
 */
#include "comptes/auth.h"
#include "comptes/comptes.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/str.h"
#include "core/url.h"
#include "html/html.h"
#include "html/ui.h"
#include "lieux/communes.h"
#include "lieux/couverture.h"
#include "lieux/guide.h"
#include "lieux/lieux.h"
#include "lieux/pages_common.h"
#include "lieux/pages_handlers.h"
#include "lieux/search.h"
#include "lieux/standard.h"
#include "site/shell.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define LIEUX_PER_PAGE 50
#define UNCOVERED_SHOWN 30

struct departement {
    const char *code, *nom, *title; /* "53", "Mayenne", "Mayenne (53)" */
};

static int load_departement(struct http_request *req, struct departement *d)
{
    d->code = http_path_param(req, "code");
    if (!d->code || !departement_valid(d->code))
        return http_fail(req, ERR_NOT_FOUND, "Ce département n'existe pas.", NULL);
    const struct communes *c = lieux_communes();
    d->nom = c ? communes_departement_nom(c, d->code) : NULL;
    d->title = d->nom ? arena_printf(req->arena, "%s (%s)", d->nom, d->code)
                      : arena_printf(req->arena, "Département %s", d->code);
    return 0;
}

/* A sort key without case or accents: "Château-Gontier" and "CHATEAU-GONTIER" sort together. */
static const char *fold(struct arena *a, const char *s)
{
    utf8proc_uint8_t *out = NULL;
    if (!s || utf8proc_map((const utf8proc_uint8_t *)s, 0, &out,
                           UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
                               UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK) < 0)
        return s ? s : "";
    const char *copy = arena_strdup(a, (const char *)out);
    free(out);
    return copy;
}

struct sorted_hit {
    const struct lieux_hit *hit;
    const char *commune_key, *nom_key;
};

static int by_commune_then_name(const void *pa, const void *pb)
{
    const struct sorted_hit *a = pa, *b = pb;
    int c = strcmp(a->commune_key, b->commune_key);
    if (c == 0)
        c = strcmp(a->nom_key, b->nom_key);
    return c ? c : (a->hit->e->id < b->hit->e->id ? -1 : a->hit->e->id > b->hit->e->id);
}

static void service_counts(struct buf *b, struct arena *a, const struct departement *d,
                           const struct lieux_result *r)
{
    ui_h2(b, "Lieux par service");
    unsigned n;
    const char *const *vocab = lieu_vocab(LF_SERVICES, &n);
    static const char *const head[] = {"Service", "Lieux"};
    struct ui_table t = {.caption =
                             arena_printf(a, "Nombre de lieux publiés par service, %s", d->title),
                         .head = head,
                         .n_cols = 2,
                         .numeric_last = true};
    ui_table_begin(b, &t);
    for (unsigned v = 0; v < n; v++)
        ui_table_row_link(
            b, &t,
            arena_printf(a, "/lieux?departement=%s&services=%s", url_encode(a, d->code),
                         url_encode(a, vocab[v])),
            (const char *[]){vocab[v], arena_printf(a, "%u", r->facet[SD_SERVICES][v])});
    ui_table_end(b);
}

static void lieux_list(struct buf *b, struct http_request *req, const struct departement *d,
                       const struct lieux_result *r, int64_t page)
{
    struct arena *a = req->arena;
    struct sorted_hit *sorted = arena_calloc(a, r->n_hits + 1, sizeof(*sorted));
    for (size_t i = 0; i < r->n_hits; i++)
        sorted[i] = (struct sorted_hit){&r->hits[i], fold(a, r->hits[i].e->commune),
                                        fold(a, r->hits[i].e->nom)};
    qsort(sorted, r->n_hits, sizeof(*sorted), by_commune_then_name);
    int64_t pages = ((int64_t)r->n_hits + LIEUX_PER_PAGE - 1) / LIEUX_PER_PAGE;
    if (page > pages)
        page = pages > 0 ? pages : 1;
    ui_h2(b, "Liste des lieux");
    if (r->n_hits == 0) {
        ui_p(b, "Aucun lieu publié dans ce département pour l'instant.");
        return;
    }
    static const char *const head[] = {"Lieu", "Commune", "Adresse"};
    struct ui_table t = {.caption = pages > 1
                                        ? arena_printf(a,
                                                       "Lieux de %s, par commune (page "
                                                       "%lld sur %lld)",
                                                       d->title, (long long)page, (long long)pages)
                                        : arena_printf(a, "Lieux de %s, par commune", d->title),
                         .head = head,
                         .n_cols = 3};
    ui_table_begin(b, &t);
    size_t from = (size_t)(page - 1) * LIEUX_PER_PAGE;
    for (size_t i = from; i < r->n_hits && i < from + LIEUX_PER_PAGE; i++) {
        const struct lieux_entry *e = sorted[i].hit->e;
        ui_table_row_link(
            b, &t, arena_printf(a, "/lieux/%lld", (long long)e->id),
            (const char *[]){e->nom, e->commune ? e->commune : "", e->adresse ? e->adresse : ""});
    }
    ui_table_end(b);
    ui_pagination(b, arena_printf(a, "/departements/%s", url_encode(a, d->code)), page, pages);
}

int lieux_page_departement(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct departement d;
    int rc = load_departement(req, &d);
    if (rc)
        return rc;
    int64_t page = 1;
    const char *p = http_param(&req->query, "page");
    if (p && (cstr_to_int64(p, &page) || page < 1))
        return http_fail(req, ERR_INVALID, "page : un numéro de page, à partir de 1.", "page");

    lieux_index_refresh(ctx->db, LIEUX_INDEX_MAX_AGE_S);
    struct lieux_index *idx = lieux_index_acquire();
    if (!idx)
        return http_fail(req, ERR_INTERNAL, "La liste des lieux n'est pas prête.", NULL);
    struct lieux_query q = {.departement = d.code};
    struct lieux_result r;
    rc = lieux_search(idx, &q, req->arena, &r);
    if (rc) {
        lieux_index_release(idx);
        return rc;
    }
    struct arena *a = req->arena;
    const struct auth *au = auth_of(req);
    struct buf b = lieux_page_buf(req);
    ui_h1(&b, arena_printf(a, "Lieux de médiation numérique – %s", d.title));
    ui_p(&b, r.total == 1 ? "1 lieu publié." : arena_printf(a, "%zu lieux publiés.", r.total));
    html_lit(&b, "<div class=\"relais-boutons\">");
    ui_button_link(&b, "Chercher près d'une commune",
                   arena_printf(a, "/lieux?departement=%s", url_encode(a, d.code)),
                   UI_BUTTON_PRIMARY);
    ui_button_link(&b, "Guide imprimable (PDF)",
                   arena_printf(a, "/departements/%s/guide.pdf", url_encode(a, d.code)),
                   UI_BUTTON_SECONDARY);
    if (auth_has(au, ROLE_COORDINATEUR | ROLE_ADMIN) && auth_in_departement(au, d.code))
        ui_button_link(&b, "Couverture du territoire",
                       arena_printf(a, "/departements/%s/couverture", url_encode(a, d.code)),
                       UI_BUTTON_SECONDARY);
    html_lit(&b, "</div>");
    html_lit(&b, "<p class=\"govuk-body\">Les données sont ouvertes (Licence Ouverte), au format "
                 "du standard des lieux de médiation numérique : ");
    ui_link(&b, "télécharger en CSV",
            arena_printf(a, "/api/v1/lieux/export?format=csv&departement=%s", url_encode(a, d.code)));
    html_lit(&b, ", ");
    ui_link(&b, "en JSON",
            arena_printf(a, "/api/v1/lieux/export?format=json&departement=%s",
                         url_encode(a, d.code)));
    html_lit(&b, ", ou ");
    ui_link(&b, "interroger l'API",
            arena_printf(a, "/api/v1/lieux?departement=%s&limite=200", url_encode(a, d.code)));
    html_lit(&b, ".</p>");
    service_counts(&b, a, &d, &r);
    lieux_list(&b, req, &d, &r, page);
    rc = shell_render(req, resp, &(struct shell_page){.title = d.title}, buf_cstr(&b));
    lieux_index_release(idx);
    return rc;
}

/* "12,5 %" */
static const char *percent_fr(struct arena *a, double share)
{
    char *s = arena_printf(a, "%.1f %%", share * 100.0);
    char *dot = strchr(s, '.');
    if (dot)
        *dot = ',';
    return s;
}

int lieux_page_couverture(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct arena *a = req->arena;
    struct departement d;
    int rc = load_departement(req, &d);
    if (rc)
        return rc;
    if (!auth_in_departement(auth_of(req), d.code))
        return http_fail(req, ERR_FORBIDDEN,
                         "Vous ne coordonnez pas ce département : sa couverture est réservée à "
                         "ses coordinateurs.",
                         NULL);
    int64_t category = COUVERTURE_ANY;
    const char *s = http_param(&req->query, "service");
    if (s && *s && (cstr_to_int64(s, &category) || category < 0 || category > COUVERTURE_ANY))
        return http_fail(req, ERR_INVALID, "service : choisissez un service de la liste.",
                         "service");
    const struct communes *c = lieux_communes();
    if (!c)
        return http_fail(req, ERR_INTERNAL, "La table des communes n'est pas chargée.", NULL);
    lieux_index_refresh(ctx->db, LIEUX_INDEX_MAX_AGE_S);
    struct lieux_index *idx = lieux_index_acquire();
    if (!idx)
        return http_fail(req, ERR_INTERNAL, "La liste des lieux n'est pas prête.", NULL);
    struct couverture_point *pts = NULL;
    size_t n_pts = couverture_points_from_index(a, idx, c, d.code, &pts);
    lieux_index_release(idx);
    struct couverture cv;
    rc = couverture_departement(c, d.code, pts, n_pts, a, &cv);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND, "Ce département n'a pas de communes connues.", NULL);
    if (rc)
        return rc;

    struct buf b = lieux_page_buf(req);
    ui_h1(&b, arena_printf(a, "Couverture du territoire – %s", d.title));
    ui_p(&b, arena_printf(a,
                          "%zu communes, %s habitants ; %zu lieux publiés dans le "
                          "département ou à moins de %.0f km de ses limites.",
                          cv.n_communes, lieux_count_fr(a, cv.population), cv.n_points,
                          COUVERTURE_MARGIN_KM));
    ui_p(&b, arena_printf(a,
                          "Les durées sont des estimations en voiture depuis le centre de "
                          "chaque commune. %s",
                          geo_travel_model_fr));

    static const char *const head[] = {"Service", "Lieux", "Habitants à plus de 15 min",
                                       "Habitants à plus de 30 min"};
    struct ui_table t = {.caption = "Part de la population éloignée d'un lieu, par service",
                         .head = head,
                         .n_cols = 4,
                         .numeric_last = true};
    ui_table_begin(&b, &t);
    for (int k = 0; k < COUVERTURE_N_CATEGORIES; k++) {
        const struct couverture_service *sv = &cv.services[k];
        ui_table_row_link(
            &b, &t,
            arena_printf(a, "/departements/%s/couverture?service=%d", url_encode(a, d.code), k),
            (const char *[]){couverture_category_label(k), arena_printf(a, "%zu", sv->n_points),
                             arena_printf(a, "%s (%s)", percent_fr(a, sv->share_over_near),
                                          lieux_count_fr(a, sv->population_over_near)),
                             arena_printf(a, "%s (%s)", percent_fr(a, sv->share_over_far),
                                          lieux_count_fr(a, sv->population_over_far))});
    }
    ui_table_end(&b);

    const struct couverture_service *sv = &cv.services[category];
    ui_h2(&b, arena_printf(a, "Communes à plus de 15 minutes : %s",
                           couverture_category_label(category)));
    if (sv->n_over_near == 0) {
        ui_p(&b, "Aucune : toute la population vit à moins de 15 minutes estimées d'un lieu.");
    } else {
        static const char *const chead[] = {"Commune", "Habitants", "Lieu le plus proche"};
        struct ui_table ct = {.caption = arena_printf(a,
                                                      "Communes les plus peuplées à plus de "
                                                      "15 minutes (%zu au total)",
                                                      sv->n_over_near),
                              .head = chead,
                              .n_cols = 3,
                              .numeric_last = false};
        ui_table_begin(&b, &ct);
        for (size_t i = 0; i < sv->n_over_near && i < UNCOVERED_SHOWN; i++) {
            const struct couverture_commune *cc = sv->over_near[i];
            double minutes = cc->minutes[category];
            ui_table_row(&b, &ct,
                         (const char *[]){cc->zone->nom, lieux_count_fr(a, cc->zone->population),
                                          isfinite(minutes)
                                              ? arena_printf(a, "environ %s (%s)",
                                                             lieux_minutes_fr(a, minutes),
                                                             lieux_km_fr(a, cc->km[category]))
                                              : "aucun lieu ne propose ce service"});
        }
        ui_table_end(&b);
    }
    json_t *layer = couverture_geojson(&cv, (int)category, COUVERTURE_NEAR_MINUTES);
    char *geojson = layer ? json_dumps(layer, JSON_COMPACT) : NULL;
    json_decref(layer);
    if (geojson) {
        lieux_map(&b, req, "Carte des communes à plus de 15 minutes (les mêmes que le tableau)",
                  NULL, 0, arena_strdup(a, geojson));
        free(geojson);
    }
    return shell_render(req, resp,
                        &(struct shell_page){.title = arena_printf(a, "Couverture – %s", d.title)},
                        buf_cstr(&b));
}

static int append_pdf(void *ctx, const unsigned char *data, size_t len)
{
    struct buf *b = ctx;
    buf_add(b, data, len);
    return buf_finish(b);
}

int lieux_page_guide(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct departement d;
    int rc = load_departement(req, &d);
    if (rc)
        return rc;
    struct guide_opts opts = {.departement = d.code, .departement_nom = d.nom};
    opts.font_dir = ctx->cfg ? ctx->cfg->font_dir : NULL;
    struct guide_stats stats;
    buf_reset(&resp->body);
    rc = guide_write(ctx->db, &opts, append_pdf, &resp->body, req->arena, &stats);
    if (rc == ERR_TOO_BIG || rc == ERR_IO)
        return http_fail(req, ERR_TOO_BIG,
                         "Le guide de ce département est trop grand pour être produit ici : "
                         "utilisez la commande « relais guide ».",
                         NULL);
    if (rc)
        return rc;
    resp->status = 200;
    resp->content_type = "application/pdf";
    http_resp_header(resp, "Content-Disposition",
                     arena_printf(req->arena, "inline; filename=\"guide-lieux-%s.pdf\"", d.code));
    return 0;
}
