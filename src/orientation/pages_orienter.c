/*
 * The orientation mode GET /orienter, in four steps as on the national map: the need (services),
 * accessibility (publics, specific support, fees), the place (commune and distance or travel
 * time), availability (a day and a time window). Each step is a GET form that carries the earlier
 * answers in hidden fields, so that the whole path lives in the address: it works without
 * JavaScript and with the browser's back and forward buttons. The last step runs the lieux search
 * (lieux/pages_query.h reads the same parameter names) and lists a few destinations.
 */
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "core/url.h"
#include "html/html.h"
#include "html/ui.h"
#include "lieux/communes.h"
#include "lieux/lieux.h"
#include "lieux/pages_common.h"
#include "lieux/pages_query.h"
#include "lieux/search.h"
#include "lieux/standard.h"
#include "orientation/handlers.h"
#include "site/shell.h"

#include <string.h>
#include <time.h>

#define STEPS 4
#define SHORT_LIST 10

static const char *const step_titles[STEPS + 1] = {
    NULL, "Le besoin", "L'accessibilité", "Le lieu", "La disponibilité",
};

/* The parameters each step asks for (the others travel as hidden fields). */
static bool belongs_to_step(const char *name, int step)
{
    switch (step) {
    case 1:
        return strcmp(name, lieux_dim_name(SD_SERVICES)) == 0;
    case 2:
        return strcmp(name, lieux_dim_name(SD_PUBLICS)) == 0 ||
               strcmp(name, lieux_dim_name(SD_PRISE_EN_CHARGE)) == 0 ||
               strcmp(name, lieux_dim_name(SD_FRAIS)) == 0;
    case 3:
        return strcmp(name, "commune") == 0 || strcmp(name, "code_insee") == 0 ||
               strcmp(name, "rayon") == 0 || strcmp(name, "duree") == 0;
    case 4:
        return strcmp(name, "quand") == 0 || strcmp(name, "jour") == 0 || strcmp(name, "de") == 0 ||
               strcmp(name, "a") == 0;
    default:
        return false;
    }
}

static bool known_param(const char *name)
{
    for (int s = 1; s <= STEPS; s++)
        if (belongs_to_step(name, s))
            return true;
    return false;
}

static void hidden_except(struct buf *b, const struct http_request *req, int step)
{
    for (size_t i = 0; i < req->query.n; i++) {
        const struct http_param *p = &req->query.items[i];
        if (!known_param(p->name) || belongs_to_step(p->name, step) || !*p->value)
            continue;
        html_lit(b, "<input type=\"hidden\" name=\"");
        html_attr(b, p->name);
        html_lit(b, "\" value=\"");
        html_attr(b, p->value);
        html_lit(b, "\">");
    }
}

/* The query string of every known answer, with etape=step (arena). */
static const char *href_step(struct http_request *req, int step)
{
    struct buf b;
    buf_init(&b, req->arena, LIMIT_URL_BYTES * 4);
    buf_addf(&b, "/orienter?etape=%d", step);
    for (size_t i = 0; i < req->query.n; i++) {
        const struct http_param *p = &req->query.items[i];
        if (!known_param(p->name) || !*p->value)
            continue;
        buf_addf(&b, "&%s=%s", url_encode(req->arena, p->name), url_encode(req->arena, p->value));
    }
    return buf_cstr(&b);
}

static bool chosen(const struct http_request *req, const char *name, const char *value)
{
    const char *all[SEARCH_MAX_VALUES];
    size_t n = http_param_all(&req->query, name, all, SEARCH_MAX_VALUES);
    for (size_t i = 0; i < n; i++)
        if (strcmp(all[i], value) == 0)
            return true;
    return false;
}

static void dimension_choices(struct buf *b, struct http_request *req, enum search_dim d,
                              const char *legend, bool required, const struct ui_errors *errs)
{
    unsigned n;
    const char *const *vocab = lieu_vocab(search_dim_field(d), &n);
    struct ui_option *opts = arena_calloc(req->arena, n + 1, sizeof(*opts));
    for (unsigned v = 0; v < n; v++)
        opts[v] = (struct ui_option){vocab[v], vocab[v], chosen(req, lieux_dim_name(d), vocab[v])};
    ui_choices(b,
               &(struct ui_field){.name = lieux_dim_name(d),
                                  .label = legend,
                                  .error = ui_errors_for(errs, lieux_dim_name(d)),
                                  .required = required},
               opts, n, true);
}

static const char *q(const struct http_request *req, const char *name)
{
    const char *v = http_param(&req->query, name);
    return v && *v ? v : NULL;
}

static bool eq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

static void step_fields(struct buf *b, struct http_request *req, int step,
                        const struct ui_errors *errs)
{
    struct arena *a = req->arena;
    if (step == 1) {
        dimension_choices(b, req, SD_SERVICES, "De quoi la personne a-t-elle besoin ?", true, errs);
    } else if (step == 2) {
        dimension_choices(b, req, SD_PUBLICS, "Publics spécifiquement adressés", false, errs);
        dimension_choices(b, req, SD_PRISE_EN_CHARGE, "Prise en charge spécifique", false, errs);
        dimension_choices(b, req, SD_FRAIS, "Frais à charge", false, errs);
    } else if (step == 3) {
        html_lit(b, "<div class=\"relais-commune\" data-autocompletion=\"/api/v1/communes\">");
        ui_input(b, &(struct ui_field){.name = "commune",
                                       .label = "Commune ou code postal de la personne",
                                       .hint = "Par exemple : Laval, 53000 ou Château-Gontier.",
                                       .value = q(req, "commune"),
                                       .error = ui_errors_for(errs, "commune"),
                                       .required = true,
                                       .autocomplete = "off"});
        html_lit(b, "</div>");
        static const int radii[] = {5, 10, 15, 20, 30, 50, 75, 100};
        struct ui_option rayon[8];
        const char *r = q(req, "rayon") ? q(req, "rayon") : "30";
        for (size_t i = 0; i < 8; i++)
            rayon[i] = (struct ui_option){arena_printf(a, "%d", radii[i]),
                                          arena_printf(a, "%d km", radii[i]),
                                          eq(arena_printf(a, "%d", radii[i]), r)};
        ui_select(b,
                  &(struct ui_field){.name = "rayon",
                                     .label = "Distance maximale",
                                     .error = ui_errors_for(errs, "rayon"),
                                     .width_class = "short"},
                  rayon, 8);
        struct ui_option duree[] = {
            {"", "Pas de limite", !q(req, "duree")},
            {"15", "15 min", eq(q(req, "duree"), "15")},
            {"30", "30 min", eq(q(req, "duree"), "30")},
            {"45", "45 min", eq(q(req, "duree"), "45")},
        };
        ui_select(b,
                  &(struct ui_field){.name = "duree",
                                     .label = "Ou durée maximale en voiture",
                                     .hint = "Une estimation ; choisie, elle remplace la "
                                             "distance.",
                                     .error = ui_errors_for(errs, "duree"),
                                     .width_class = "short"},
                  duree, 4);
    } else {
        struct ui_option quand[] = {
            {"", "Peu importe", !q(req, "quand")},
            {"creneau", "Un jour et des heures précis", eq(q(req, "quand"), "creneau")},
        };
        ui_choices(b,
                   &(struct ui_field){.name = "quand",
                                      .label = "Quand la personne peut-elle y aller ?",
                                      .error = ui_errors_for(errs, "quand"),
                                      .required = true},
                   quand, 2, false);
        static const char *const days[] = {"lundi",    "mardi",  "mercredi", "jeudi",
                                           "vendredi", "samedi", "dimanche"};
        struct ui_option jours[7];
        for (int i = 0; i < 7; i++)
            jours[i] = (struct ui_option){days[i], days[i], eq(q(req, "jour"), days[i])};
        ui_select(b,
                  &(struct ui_field){.name = "jour",
                                     .label = "Jour",
                                     .hint = "Le prochain, aujourd'hui compris.",
                                     .error = ui_errors_for(errs, "jour"),
                                     .width_class = "medium"},
                  jours, 7);
        ui_input(b, &(struct ui_field){.name = "de",
                                       .label = "De",
                                       .value = q(req, "de"),
                                       .error = ui_errors_for(errs, "de"),
                                       .type = UI_TIME,
                                       .width_class = "short"});
        ui_input(b, &(struct ui_field){.name = "a",
                                       .label = "À",
                                       .value = q(req, "a"),
                                       .error = ui_errors_for(errs, "a"),
                                       .type = UI_TIME,
                                       .width_class = "short"});
    }
}

static void steps_header(struct buf *b, struct http_request *req, int step)
{
    html_lit(b, "<ol class=\"govuk-list govuk-list--number relais-etapes\">");
    for (int s = 1; s <= STEPS; s++) {
        html_lit(b, "<li>");
        if (s == step) {
            html_lit(b, "<strong aria-current=\"step\">");
            html_text(b, step_titles[s]);
            html_lit(b, "</strong>");
        } else {
            ui_link(b, step_titles[s], href_step(req, s));
        }
        html_lit(b, "</li>");
    }
    html_lit(b, "</ol>");
}

static int render_step(struct http_request *req, struct http_response *resp, int step,
                       const struct ui_errors *errs, int status, const struct lieux_params *p)
{
    struct buf b;
    buf_init(&b, req->arena, LIMIT_PAGE_BYTES);
    ui_h1(&b, "Orienter une personne");
    html_lit(&b, "<p class=\"govuk-caption-m\">");
    html_text(&b, arena_printf(req->arena, "Étape %d sur %d : %s", step, STEPS, step_titles[step]));
    html_lit(&b, "</p>");
    steps_header(&b, req, step);
    ui_error_summary(&b, errs);
    ui_form_begin(&b, "/orienter", "get", NULL, false);
    html_lit(&b, "<input type=\"hidden\" name=\"etape\" value=\"");
    html_int(&b, step + 1);
    html_lit(&b, "\">");
    hidden_except(&b, req, step);
    step_fields(&b, req, step, errs);
    ui_button(&b, step == STEPS ? "Voir les lieux" : "Continuer", UI_BUTTON_PRIMARY);
    ui_form_end(&b);
    /* Several communes match what was typed: the person's one is chosen by a link. */
    if (step == 3 && p && p->place == LIEUX_PLACE_CHOICE) {
        ui_h2(&b, "Vouliez-vous dire…");
        html_lit(&b, "<ul class=\"govuk-list\">");
        for (size_t i = 0; i < p->n_choices; i++) {
            const struct commune *m = p->choices[i].commune;
            html_lit(&b, "<li>");
            ui_link(&b, arena_printf(req->arena, "%s (%s)", m->nom, m->departement),
                    arena_printf(req->arena, "%s&code_insee=%s", href_step(req, 4),
                                 url_encode(req->arena, m->code_insee)));
            html_lit(&b, "</li>");
        }
        html_lit(&b, "</ul>");
    }
    if (step > 1)
        ui_link(&b, "Étape précédente", href_step(req, step - 1));
    lieux_script(&b);
    return shell_render(req, resp,
                        &(struct shell_page){.title = "Orienter une personne", .status = status},
                        buf_cstr(&b));
}

/* The short list: the nearest matching lieux, each with its way to a referral. */
static void short_list(struct buf *b, struct http_request *req, const struct lieux_params *p,
                       const struct lieux_result *r)
{
    struct arena *a = req->arena;
    const char *besoins = "";
    for (size_t i = 0; i < p->n_selected[SD_SERVICES]; i++)
        besoins =
            arena_printf(a, "%s&besoins=%s", besoins, url_encode(a, p->selected[SD_SERVICES][i]));
    html_lit(b, "<p class=\"govuk-body\" role=\"status\">");
    html_text(b, r->total == 0 ? "Aucun lieu ne répond à tous ces critères."
                 : r->total == 1
                     ? "1 lieu répond à ces critères."
                     : arena_printf(a, "%zu lieux répondent à ces critères%s.", r->total,
                                    r->total > SHORT_LIST ? " ; voici les plus proches" : ""));
    html_lit(b, "</p>");
    if (r->total == 0)
        ui_p(b, "Élargissez la distance, ou retirez un critère d'accessibilité ou de "
                "disponibilité.");
    html_lit(b, "<ol class=\"relais-resultats__liste\">");
    time_t now = time(NULL);
    for (size_t i = 0; i < r->n_hits; i++) {
        const struct lieux_entry *e = r->hits[i].e;
        html_lit(b, "<li class=\"relais-lieu\"><h2 class=\"govuk-heading-s\">");
        ui_link(b, e->nom, arena_printf(a, "/lieux/%lld", (long long)e->id));
        html_lit(b, "</h2><p class=\"govuk-body\">");
        html_text(b,
                  arena_printf(a, "%s, %s %s", e->adresse ? e->adresse : "",
                               e->code_postal ? e->code_postal : "", e->commune ? e->commune : ""));
        if (p->q.has_center && e->has_coords)
            html_text(b, arena_printf(a, " — à %s, environ %s en voiture (estimation)",
                                      lieux_km_fr(a, r->hits[i].km),
                                      lieux_minutes_fr(a, r->hits[i].minutes)));
        html_lit(b, "</p>");
        struct lieux_hours h;
        lieux_hours_of_entry(a, e, now, &h);
        if (h.french) {
            html_lit(b, "<p class=\"govuk-body-s\">");
            html_text(b, h.french);
            html_lit(b, "</p>");
        }
        /* Only members of a structure send referrals; the others print the lieu's sheet. */
        if (auth_of(req)->n_memberships)
            ui_button_link(
                b, "Orienter vers ce lieu",
                arena_printf(a, "/orientations/nouvelle?lieu=%lld%s", (long long)e->id, besoins),
                UI_BUTTON_SECONDARY);
        else
            ui_button_link(b, "Fiche du lieu à imprimer",
                           arena_printf(a, "/lieux/%lld/fiche", (long long)e->id),
                           UI_BUTTON_SECONDARY);
        html_lit(b, "</li>");
    }
    html_lit(b, "</ol>");
}

int orientation_page_orienter(struct http_request *req, struct http_response *resp)
{
    int64_t step = 1;
    const char *etape = http_param(&req->query, "etape");
    if (etape && (cstr_to_int64(etape, &step) || step < 1 || step > STEPS + 1))
        return http_fail(req, ERR_INVALID, "Étape : un nombre de 1 à 5.", "etape");
    struct ui_errors errs = {0};
    if (step == 2 && !q(req, lieux_dim_name(SD_SERVICES))) {
        ui_errors_add(&errs, lieux_dim_name(SD_SERVICES),
                      "Besoin : cochez au moins un service dont la personne a besoin.");
        return render_step(req, resp, 1, &errs, 400, NULL);
    }
    if (step == 4 && !q(req, "commune") && !q(req, "code_insee")) {
        ui_errors_add(&errs, "commune", "Commune : indiquez où habite la personne.");
        return render_step(req, resp, 3, &errs, 400, NULL);
    }
    if (step <= STEPS && step != 4)
        return render_step(req, resp, (int)step, &errs, 200, NULL);

    /* Steps 4 and 5 need the place; 5 also the time window. Errors send back to their step. */
    struct lieux_params p;
    int rc = lieux_params_read(req, &p);
    if (rc == ERR_INVALID) {
        const char *message, *field;
        http_failure(req, &message, &field);
        ui_errors_add(&errs, field ? field : "commune", message);
        int back = 1;
        for (int s = 1; s <= STEPS; s++)
            if (field && belongs_to_step(field, s))
                back = s;
        return render_step(req, resp, back, &errs, 400, &p);
    }
    if (rc)
        return rc;
    if (p.place == LIEUX_PLACE_UNKNOWN) {
        ui_errors_add(&errs, "commune",
                      arena_printf(req->arena, "Commune inconnue : « %s ». Vérifiez l'orthographe.",
                                   p.commune ? p.commune : ""));
        return render_step(req, resp, 3, &errs, 400, &p);
    }
    if (p.place == LIEUX_PLACE_CHOICE)
        return render_step(req, resp, 3, &errs, 200, &p);
    if (step == 4)
        return render_step(req, resp, 4, &errs, 200, &p);

    const struct ctx *ctx = req->ctx;
    lieux_index_refresh(ctx->db, LIEUX_INDEX_MAX_AGE_S);
    struct lieux_index *idx = lieux_index_acquire();
    if (!idx)
        return http_fail(req, ERR_INTERNAL, "La recherche de lieux n'est pas prête.", NULL);
    p.q.offset = 0;
    p.q.limit = SHORT_LIST;
    struct lieux_result r;
    rc = lieux_search(idx, &p.q, req->arena, &r);
    struct buf b;
    buf_init(&b, req->arena, LIMIT_PAGE_BYTES);
    ui_h1(&b, "Orienter une personne : les lieux proposés");
    steps_header(&b, req, 5);
    if (rc == 0)
        short_list(&b, req, &p, &r);
    ui_link(&b, "Modifier la disponibilité", href_step(req, 4));
    /* Built before the index is released: the hits borrow its strings. */
    rc =
        rc ? rc
           : shell_render(req, resp, &(struct shell_page){.title = "Lieux proposés"}, buf_cstr(&b));
    lieux_index_release(idx);
    return rc;
}
