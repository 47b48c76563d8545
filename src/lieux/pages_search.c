/* The public search page GET /lieux, and GET /api/v1/communes for its autocompletion. */
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "core/url.h"
#include "html/html.h"
#include "html/ui.h"
#include "lieux/geo.h"
#include "lieux/lieux.h"
#include "lieux/pages_common.h"
#include "lieux/pages_handlers.h"
#include "lieux/pages_query.h"
#include "lieux/standard.h"
#include "site/shell.h"

#include <jansson.h>
#include <string.h>
#include <time.h>

#define RESULTS_PER_PAGE 20
#define AUTOCOMPLETE_MAX 10

/* The legend of each filter, in the order of the form. */
static const char *const dim_legends[SEARCH_N_DIMS] = {
    [SD_SERVICES] = "Services",
    [SD_PUBLICS] = "Publics spécifiquement adressés",
    [SD_PRISE_EN_CHARGE] = "Prise en charge spécifique",
    [SD_FRAIS] = "Frais à charge",
    [SD_MODALITES_ACCES] = "Modalités d'accès",
    [SD_MODALITES_ACCOMPAGNEMENT] = "Modalités d'accompagnement",
    [SD_DISPOSITIFS] = "Dispositifs et programmes nationaux",
    [SD_ITINERANCE] = "Itinérance",
    [SD_TYPOLOGIE] = "Type de structure",
};

static const int radii[] = {5, 10, 15, 20, 30, 50, 75, 100};
static const char *const weekdays[] = {"lundi",    "mardi",  "mercredi", "jeudi",
                                       "vendredi", "samedi", "dimanche"};

static bool is_selected(const struct lieux_params *p, int d, const char *value)
{
    for (size_t i = 0; i < p->n_selected[d]; i++)
        if (strcmp(p->selected[d][i], value) == 0)
            return true;
    return false;
}

static bool eq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* The filters of one dimension as checkboxes with their counts, folded in a <details> (open when
 * something is chosen, and services before any search). Typologie lists only the codes
 * present. */
static void dimension_filter(struct buf *b, struct arena *a, const struct lieux_params *p, int d,
                             const struct lieux_result *r)
{
    unsigned n_vocab;
    const char *const *vocab = lieu_vocab(search_dim_field((enum search_dim)d), &n_vocab);
    struct ui_option *opts = arena_calloc(a, n_vocab + 1, sizeof(*opts));
    size_t n = 0;
    for (unsigned v = 0; v < n_vocab && v < SEARCH_MAX_VALUES; v++) {
        bool sel = is_selected(p, d, vocab[v]);
        unsigned count = r ? r->facet[d][v] : 0;
        if (d == SD_TYPOLOGIE && !sel && count == 0)
            continue;
        const char *label = vocab[v];
        if (d == SD_TYPOLOGIE && lieux_typologie_label(vocab[v]))
            label = arena_printf(a, "%s (%s)", lieux_typologie_label(vocab[v]), vocab[v]);
        opts[n++] =
            (struct ui_option){vocab[v], r ? arena_printf(a, "%s (%u)", label, count) : label, sel};
    }
    if (n == 0)
        return;
    html_lit(b, "<details class=\"relais-filtre\"");
    if (p->n_selected[d] || (d == SD_SERVICES && !r))
        html_lit(b, " open");
    html_lit(b, "><summary class=\"relais-filtre__titre\">");
    html_text(b, dim_legends[d]);
    if (p->n_selected[d])
        html_text(b, arena_printf(a, " (%zu choisi%s)", p->n_selected[d],
                                  p->n_selected[d] > 1 ? "s" : ""));
    html_lit(b, "</summary>");
    ui_choices(b,
               &(struct ui_field){.name = lieux_dim_name((enum search_dim)d),
                                  .label = dim_legends[d],
                                  .type = UI_SEARCH},
               opts, n, true);
    html_lit(b, "</details>");
}

static void search_form(struct buf *b, struct http_request *req, const struct lieux_params *p,
                        const struct lieux_result *r, const struct ui_errors *errs)
{
    struct arena *a = req->arena;
    ui_error_summary(b, errs);
    html_lit(b, "<form class=\"relais-recherche__form\" action=\"/lieux\" method=\"get\" "
                "role=\"search\" aria-label=\"Rechercher un lieu\" novalidate>");
    html_lit(b, "<div class=\"relais-commune\" data-autocompletion=\"/api/v1/communes\">");
    ui_input(b, &(struct ui_field){.name = "commune",
                                   .label = "Commune ou code postal",
                                   .hint = "Par exemple : Laval, 53000 ou Château-Gontier.",
                                   .value = p->commune,
                                   .error = ui_errors_for(errs, "commune"),
                                   .type = UI_SEARCH,
                                   .autocomplete = "off"});
    if (p->place == LIEUX_PLACE_FOUND && p->where) {
        html_lit(b, "<input type=\"hidden\" name=\"code_insee\" value=\"");
        html_attr(b, p->where->code_insee);
        html_lit(b, "\">");
    }
    html_lit(b, "</div>");

    /* Distance or time. */
    struct ui_option rayon[sizeof(radii) / sizeof(radii[0])];
    int64_t chosen = LIEUX_RADIUS_DEFAULT;
    if (p->rayon && cstr_to_int64(p->rayon, &chosen))
        chosen = LIEUX_RADIUS_DEFAULT;
    for (size_t i = 0; i < sizeof(radii) / sizeof(radii[0]); i++)
        rayon[i] = (struct ui_option){arena_printf(a, "%d", radii[i]),
                                      arena_printf(a, "%d km", radii[i]), radii[i] == chosen};
    ui_select(b,
              &(struct ui_field){.name = "rayon",
                                 .label = "Distance maximale",
                                 .error = ui_errors_for(errs, "rayon"),
                                 .required = true,
                                 .width_class = "short"},
              rayon, sizeof(rayon) / sizeof(rayon[0]));
    struct ui_option duree[] = {
        {"", "Pas de limite", !p->duree},
        {"15", "15 min", eq(p->duree, "15")},
        {"30", "30 min", eq(p->duree, "30")},
        {"45", "45 min", eq(p->duree, "45")},
    };
    ui_select(b,
              &(struct ui_field){.name = "duree",
                                 .label = "Durée maximale en voiture",
                                 .hint = "Une estimation ; quand elle est choisie, elle "
                                         "remplace la distance.",
                                 .error = ui_errors_for(errs, "duree"),
                                 .type = UI_SEARCH,
                                 .width_class = "short"},
              duree, 4);
    /* A search by place alone needs no filter: the first button sends it (Enter does too). */
    ui_button(b, "Rechercher", UI_BUTTON_PRIMARY);

    /* When. */
    html_lit(b, "<details class=\"relais-filtre\"");
    if (p->quand)
        html_lit(b, " open");
    html_lit(b, "><summary class=\"relais-filtre__titre\">Horaires</summary>");
    struct ui_option quand[] = {
        {"", "Peu importe", !p->quand},
        {"maintenant",
         r && r->facet_open ? arena_printf(a, "Ouvert maintenant (%u)", r->facet_open)
                            : "Ouvert maintenant",
         eq(p->quand, "maintenant")},
        {"creneau", "Ouvert le jour et aux heures choisis ci-dessous", eq(p->quand, "creneau")},
    };
    ui_choices(b,
               &(struct ui_field){.name = "quand",
                                  .label = "Quand voulez-vous y aller ?",
                                  .error = ui_errors_for(errs, "quand"),
                                  .type = UI_SEARCH},
               quand, 3, false);
    struct ui_option jours[7];
    for (int i = 0; i < 7; i++)
        jours[i] = (struct ui_option){weekdays[i], weekdays[i], eq(p->jour, weekdays[i])};
    ui_select(b,
              &(struct ui_field){.name = "jour",
                                 .label = "Jour",
                                 .hint = "Le prochain, aujourd'hui compris.",
                                 .error = ui_errors_for(errs, "jour"),
                                 .type = UI_SEARCH,
                                 .width_class = "medium"},
              jours, 7);
    ui_input(b, &(struct ui_field){.name = "de",
                                   .label = "De",
                                   .value = p->de ? p->de : "",
                                   .error = ui_errors_for(errs, "de"),
                                   .type = UI_TIME,
                                   .width_class = "short"});
    ui_input(b, &(struct ui_field){.name = "a",
                                   .label = "À",
                                   .value = p->a ? p->a : "",
                                   .error = ui_errors_for(errs, "a"),
                                   .type = UI_TIME,
                                   .width_class = "short"});
    html_lit(b, "</details>");

    struct ui_option rdv[] = {
        {"1",
         r ? arena_printf(a, "Rendez-vous en ligne possible (%u)", r->facet_online_booking)
           : "Rendez-vous en ligne possible",
         p->prise_rdv},
    };
    ui_choices(
        b,
        &(struct ui_field){.name = "prise_rdv", .label = "Prise de rendez-vous", .type = UI_SEARCH},
        rdv, 1, true);
    for (int d = 0; d < SEARCH_N_DIMS; d++)
        dimension_filter(b, a, p, d, r);
    if (p->departement) {
        html_lit(b, "<input type=\"hidden\" name=\"departement\" value=\"");
        html_attr(b, p->departement);
        html_lit(b, "\">");
    }
    ui_button(b, "Appliquer les filtres", UI_BUTTON_SECONDARY);
    html_lit(b, "</form>");
    lieux_script(b);
}

/* The communes to choose from (several match) or the suggestions (none matched). */
static void place_choices(struct buf *b, struct http_request *req, const struct lieux_params *p)
{
    struct arena *a = req->arena;
    const char *rest = lieux_params_query(a, p, false);
    html_lit(b, "<div class=\"relais-choix\">");
    if (p->place == LIEUX_PLACE_CHOICE)
        ui_h2(b, "Vouliez-vous dire…");
    else if (p->n_choices)
        ui_h2(b, "Communes aux noms proches");
    if (p->n_choices) {
        html_lit(b, "<ul class=\"govuk-list\">");
        for (size_t i = 0; i < p->n_choices; i++) {
            const struct commune *m = p->choices[i].commune;
            const char *cp = p->choices[i].code_postal && *p->choices[i].code_postal
                                 ? p->choices[i].code_postal
                                 : (m->n_codes_postaux ? m->codes_postaux[0] : "");
            const char *dep = communes_departement_nom(lieux_communes(), m->departement);
            const char *href =
                arena_printf(a, "/lieux?commune=%s&code_insee=%s%s%s", url_encode(a, m->nom),
                             url_encode(a, m->code_insee), *rest ? "&" : "", rest);
            html_lit(b, "<li>");
            ui_link(b, arena_printf(a, "%s (%s)%s%s", m->nom, cp, dep ? " – " : "", dep ? dep : ""),
                    href);
            html_lit(b, "</li>");
        }
        html_lit(b, "</ul>");
    }
    html_lit(b, "</div>");
}

/* One result: name, address, distance and estimated time, open status, services. */
static void result_item(struct buf *b, struct arena *a, const struct lieux_params *p,
                        const struct lieux_hit *h, time_t now)
{
    const struct lieux_entry *e = h->e;
    html_lit(b, "<li class=\"relais-lieu\"><h3 class=\"govuk-heading-s relais-lieu__nom\">");
    ui_link(b, e->nom, arena_printf(a, "/lieux/%lld", (long long)e->id));
    html_lit(b, "</h3><p class=\"govuk-body relais-lieu__adresse\">");
    html_text(b, e->adresse);
    html_lit(b, "<br>");
    html_text(b, arena_printf(a, "%s %s", e->code_postal ? e->code_postal : "",
                              e->commune ? e->commune : ""));
    html_lit(b, "</p>");
    if (p->q.has_center && e->has_coords) {
        html_lit(b, "<p class=\"govuk-body-s relais-lieu__distance\">");
        html_text(b, arena_printf(a, "À %s%s, environ %s en voiture ", lieux_km_fr(a, h->km),
                                  e->coords_approx ? " (position "
                                                     "approximative)"
                                                   : "",
                                  lieux_minutes_fr(a, h->minutes)));
        html_lit(b, "<a class=\"govuk-link\" href=\"#estimation\">(estimation)</a></p>");
    }
    struct lieux_hours hours;
    lieux_hours_of_entry(a, e, now, &hours);
    html_lit(b, "<p class=\"relais-lieu__statut\">");
    lieux_status_tag(b, &hours);
    if (hours.next) {
        html_lit(b, " <span class=\"govuk-body-s\">");
        html_text(b, hours.next);
        html_lit(b, "</span>");
    }
    html_lit(b, "</p>");
    unsigned n_vocab;
    const char *const *vocab = lieu_vocab(LF_SERVICES, &n_vocab);
    if (e->dims[SD_SERVICES][0]) {
        html_lit(b, "<ul class=\"relais-tags\" aria-label=\"Services\">");
        for (unsigned v = 0; v < n_vocab && v < 64; v++)
            if (e->dims[SD_SERVICES][0] & ((uint64_t)1 << v)) {
                html_lit(b, "<li>");
                ui_tag(b, vocab[v], UI_TAG_BLUE);
                html_lit(b, "</li>");
            }
        html_lit(b, "</ul>");
    }
    html_lit(b, "</li>");
}

static const char *count_sentence(struct arena *a, const struct lieux_params *p, size_t total)
{
    const char *what = total == 0   ? "Aucun lieu"
                       : total == 1 ? "1 lieu"
                                    : arena_printf(a, "%zu lieux", total);
    if (!p->q.has_center)
        return arena_printf(a, "%s%s", what, total > 1 ? ", classés par nom" : "");
    if (p->q.max_minutes > 0)
        return arena_printf(a, "%s à environ %.0f min ou moins en voiture (estimation) de %s", what,
                            p->q.max_minutes, p->where_label);
    return arena_printf(a, "%s à moins de %.0f km de %s%s", what, p->q.radius_km, p->where_label,
                        total > 1 ? ", du plus proche au plus éloigné" : "");
}

static void results(struct buf *b, struct http_request *req, const struct lieux_params *p,
                    const struct lieux_result *r, int64_t page)
{
    struct arena *a = req->arena;
    html_lit(b, "<section class=\"relais-resultats\" aria-labelledby=\"resultats-titre\">"
                "<h2 class=\"govuk-heading-m\" id=\"resultats-titre\">Résultats</h2>"
                "<p class=\"govuk-body relais-resultats__compte\" role=\"status\" "
                "aria-live=\"polite\">");
    html_text(b, count_sentence(a, p, r->total));
    html_lit(b, "</p>");
    if (r->total == 0) {
        ui_p(b, p->q.has_center ? "Élargissez la distance, ou retirez un filtre."
                                : "Retirez un filtre, ou indiquez une commune.");
    }
    time_t now = time(NULL);
    if (r->n_hits) {
        html_lit(b, "<ol class=\"relais-resultats__liste\" start=\"");
        html_int(b, (page - 1) * RESULTS_PER_PAGE + 1);
        html_lit(b, "\">");
        for (size_t i = 0; i < r->n_hits; i++)
            result_item(b, a, p, &r->hits[i], now);
        html_lit(b, "</ol>");
    }
    int64_t pages = (int64_t)((r->total + RESULTS_PER_PAGE - 1) / RESULTS_PER_PAGE);
    ui_pagination(b, arena_printf(a, "/lieux?%s", lieux_params_query(a, p, true)), page, pages);
    if (p->q.has_center) {
        html_lit(b, "<details class=\"govuk-details relais-estimation\" id=\"estimation\">"
                    "<summary class=\"govuk-details__summary\"><span "
                    "class=\"govuk-details__summary-text\">Comment la durée est-elle "
                    "estimée ?</span></summary><div class=\"govuk-details__text\">");
        html_text(b, geo_travel_model_fr);
        html_lit(b, "</div></details>");
    }
    struct lieux_marker *m = arena_calloc(a, r->n_hits + 1, sizeof(*m));
    size_t n = 0;
    for (size_t i = 0; i < r->n_hits; i++) {
        const struct lieux_entry *e = r->hits[i].e;
        if (e->has_coords)
            m[n++] = (struct lieux_marker){
                e->id,
                e->nom,
                arena_printf(a, "%s, %s %s", e->adresse ? e->adresse : "",
                             e->code_postal ? e->code_postal : "", e->commune ? e->commune : ""),
                e->lat,
                e->lon,
                e->coords_approx};
    }
    lieux_map(b, req, "Carte des lieux de cette page (les mêmes que la liste)", m, n, NULL);
    html_lit(b, "</section>");
}

int lieux_page_search(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct lieux_params p;
    struct ui_errors errs = {0};
    int status = 200;
    int rc = lieux_params_read(req, &p);
    if (rc == ERR_INVALID) {
        const char *message, *field;
        http_failure(req, &message, &field);
        ui_errors_add(&errs, field ? field : "commune", message);
        status = 400;
    } else if (rc) {
        return rc;
    }
    int64_t page = 1;
    const char *page_text = http_param(&req->query, "page");
    if (status == 200 && page_text &&
        (cstr_to_int64(page_text, &page) || page < 1 || page > 100000)) {
        ui_errors_add(&errs, "page", "Page : un numéro de page, à partir de 1.");
        status = 400;
    }
    if (status == 200 && p.place == LIEUX_PLACE_UNKNOWN) {
        ui_errors_add(&errs, "commune",
                      arena_printf(req->arena,
                                   "Commune inconnue : « %s ». Vérifiez l'orthographe, ou "
                                   "choisissez une commune proposée.",
                                   p.commune));
        status = 400;
    }

    struct lieux_result r;
    bool searched = false;
    if (status == 200 && p.any && p.place != LIEUX_PLACE_CHOICE) {
        lieux_index_refresh(ctx->db, LIEUX_INDEX_MAX_AGE_S);
        struct lieux_index *idx = lieux_index_acquire();
        if (!idx)
            return http_fail(req, ERR_INTERNAL, "La recherche de lieux n'est pas prête.", NULL);
        p.q.offset = (size_t)(page - 1) * RESULTS_PER_PAGE;
        p.q.limit = RESULTS_PER_PAGE;
        rc = lieux_search(idx, &p.q, req->arena, &r);
        searched = rc == 0;
        /* Results borrow the index's strings: the page is built before it is released. */
        struct buf b = lieux_page_buf(req);
        ui_h1(&b, "Trouver un lieu d'aide au numérique");
        html_lit(&b, "<div class=\"relais-recherche\">");
        search_form(&b, req, &p, searched ? &r : NULL, &errs);
        if (searched)
            results(&b, req, &p, &r, page);
        html_lit(&b, "</div>");
        rc = rc ? rc
                : shell_render(req, resp, &(struct shell_page){.title = "Trouver un lieu"},
                               buf_cstr(&b));
        lieux_index_release(idx);
        return rc;
    }
    struct buf b = lieux_page_buf(req);
    ui_h1(&b, "Trouver un lieu d'aide au numérique");
    if (!p.any && status == 200)
        ui_p(&b, "Indiquez votre commune pour voir les lieux les plus proches qui aident avec "
                 "le numérique et les démarches en ligne : leurs horaires, leurs services, et "
                 "le temps pour s'y rendre.");
    html_lit(&b, "<div class=\"relais-recherche\">");
    search_form(&b, req, &p, NULL, &errs);
    if (p.place == LIEUX_PLACE_CHOICE || p.place == LIEUX_PLACE_UNKNOWN)
        place_choices(&b, req, &p);
    html_lit(&b, "</div>");
    return shell_render(req, resp,
                        &(struct shell_page){.title = "Trouver un lieu", .status = status},
                        buf_cstr(&b));
}

int lieux_api_communes(struct http_request *req, struct http_response *resp)
{
    const char *q = http_param(&req->query, "q");
    if (!q)
        return http_fail(req, ERR_INVALID,
                         "q : saisissez le début d'un nom de commune ou d'un "
                         "code postal.",
                         "q");
    if (strlen(q) > LIMIT_QUERY_CHARS)
        return http_fail(req, ERR_INVALID, "q : 500 caractères au plus.", "q");
    const struct communes *c = lieux_communes();
    struct communes_result r[AUTOCOMPLETE_MAX];
    size_t n = c ? communes_search(c, q, NULL, AUTOCOMPLETE_MAX, r) : 0;
    json_t *data = json_array();
    for (size_t i = 0; i < n; i++) {
        const struct commune *m = r[i].commune;
        const char *dep = communes_departement_nom(c, m->departement);
        json_array_append_new(
            data, json_pack("{s:s, s:s, s:s, s:s, s:s?}", "code_insee", m->code_insee, "nom",
                            m->nom, "code_postal", r[i].code_postal ? r[i].code_postal : "",
                            "departement", m->departement, "departement_nom", dep));
    }
    http_json(resp, 200, json_pack("{s:o}", "data", data));
    return 0;
}
