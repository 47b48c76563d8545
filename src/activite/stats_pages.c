/*
 * The statistics dashboards: « Mes statistiques » of a médiateur (/statistiques), a structure's
 * (/structures/{id}/statistiques), a département's for its coordinateurs
 * (/departements/{code}/statistiques) and the platform's for admins (/admin/statistiques). Each
 * shows the key figures, the monthly and daily series and every breakdown, as SVG charts with
 * their data tables, filtered by a GET form that works without JavaScript; ?impression=1 is the
 * print view; ?format=csv|xlsx the exports (export_stats.c).
 *
 * Share links: a viewer creates a link to the dashboard as filtered (POST /statistiques/partages);
 * the token is shown once and only its SHA-256 is stored. /statistiques/partage/{token} shows the
 * dashboard to anyone, without the filter form, with counts under ACTIVITE_STATS_MASK_BELOW
 * masked; a revoked link answers 410. /statistiques/partages lists the viewer's links, each with
 * a revocation button.
 */
#include "activite/charts.h"
#include "activite/stats_http.h"
#include "activite/suivi.h"
#include "activite/vocab.h"
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "core/url.h"
#include "db/db.h"
#include "html/html.h"
#include "html/ui.h"
#include "http/parse.h"
#include "orientation/flows.h"
#include "site/shell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char SQL_MEDIATEURS_DEP[] =
    "SELECT DISTINCT u.id, u.name FROM memberships m JOIN users u ON u.id = m.user_id WHERE "
    "m.departement = $1 AND m.role = 'mediateur' ORDER BY u.name, u.id LIMIT 500";
static const char SQL_MEDIATEURS_STRUCTURE[] =
    "SELECT DISTINCT u.id, u.name FROM memberships m JOIN users u ON u.id = m.user_id WHERE "
    "m.structure_id = $1 AND m.role = 'mediateur' ORDER BY u.name, u.id LIMIT 500";
static const char SQL_TAGS_DEP[] =
    "SELECT id, nom FROM tags WHERE departement = $1 ORDER BY nom, id LIMIT 500";
static const char SQL_SHARE_INSERT[] =
    "INSERT INTO activite_partages (token_hash, created_by, departement, portee, portee_id, "
    "filtres, libelle, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
static const char SQL_SHARE_BY_TOKEN[] =
    "SELECT portee, portee_id, filtres, libelle, revoked_at FROM activite_partages WHERE "
    "token_hash = $1";
static const char SQL_SHARES_OF[] =
    "SELECT id, libelle, portee, portee_id, filtres, created_at, revoked_at FROM "
    "activite_partages WHERE created_by = $1 ORDER BY created_at DESC, id DESC LIMIT 200";
static const char SQL_SHARE_REVOKE[] =
    "UPDATE activite_partages SET revoked_at = $3 WHERE id = $1 AND (created_by = $2 OR $4 = 1) "
    "AND revoked_at IS NULL";

/* How a dashboard is shown. */
struct view {
    bool masked; /* share link: small counts masked, no names of people */
    bool print;
    bool public_link;
};

static struct buf page_buf(struct http_request *req)
{
    struct buf b;
    buf_init(&b, req->arena, LIMIT_PAGE_BYTES);
    return b;
}

static const char *count_text(struct arena *a, int64_t n, const struct view *v)
{
    if (v->masked && activite_stats_masked(n))
        return arena_printf(a, "moins de %d", ACTIVITE_STATS_MASK_BELOW);
    return arena_printf(a, "%lld", (long long)n);
}

static const char *percent(struct arena *a, int64_t part, int64_t whole)
{
    if (whole <= 0)
        return "0 %";
    return arena_printf(a, "%lld %%", (long long)((part * 100 + whole / 2) / whole));
}

/* A count and its share of whole; a masked count shows no share (it would give the count back). */
static const char *count_share(struct arena *a, int64_t n, int64_t whole, const struct view *v)
{
    if (v->masked && (activite_stats_masked(n) || activite_stats_masked(whole)))
        return count_text(a, n, v);
    return arena_printf(a, "%s (%s)", count_text(a, n, v), percent(a, n, whole));
}

static const char *const mois_fr[] = {"janvier",   "février", "mars",     "avril",
                                      "mai",       "juin",    "juillet",  "août",
                                      "septembre", "octobre", "novembre", "décembre"};

static const char *month_label(struct arena *a, int64_t yyyymm)
{
    int m = (int)(yyyymm % 100);
    return arena_printf(a, "%s %lld", m >= 1 && m <= 12 ? mois_fr[m - 1] : "?",
                        (long long)(yyyymm / 100));
}

static const char *day_label(struct arena *a, int64_t ymd)
{
    int m = (int)(ymd / 100 % 100);
    return arena_printf(a, "%d %s %lld", (int)(ymd % 100), m >= 1 && m <= 12 ? mois_fr[m - 1] : "?",
                        (long long)(ymd / 10000));
}

static const char *date_fr(struct arena *a, const char *iso)
{
    int64_t y, m, d;
    if (strlen(iso) != 10 || cstr_to_int64(arena_strndup(a, iso, 4), &y) ||
        cstr_to_int64(arena_strndup(a, iso + 5, 2), &m) ||
        cstr_to_int64(arena_strndup(a, iso + 8, 2), &d))
        return iso;
    return day_label(a, y * 10000 + m * 100 + d);
}

/* The breakdowns shown, in La Coop's order. People dimensions chart accompagnements. */
static const int shown_dims[] = {
    ACTIVITE_DIM_TYPE,     ACTIVITE_DIM_CANAL,
    ACTIVITE_DIM_DUREE,    ACTIVITE_DIM_THEMATIQUE,
    ACTIVITE_DIM_DEMARCHE, ACTIVITE_DIM_MATERIEL,
    ACTIVITE_DIM_TAG,      ACTIVITE_DIM_LIEU,
    ACTIVITE_DIM_COMMUNE,  ACTIVITE_DIM_AUTONOMIE,
    ACTIVITE_DIM_GENRE,    ACTIVITE_DIM_TRANCHE_AGE,
    ACTIVITE_DIM_STATUT,   ACTIVITE_DIM_COMMUNE_BENEFICIAIRE,
};

static bool people_dim(int dim)
{
    return dim == ACTIVITE_DIM_GENRE || dim == ACTIVITE_DIM_TRANCHE_AGE ||
           dim == ACTIVITE_DIM_STATUT || dim == ACTIVITE_DIM_COMMUNE_BENEFICIAIRE;
}

/* A vocabulary's order for enumerated values; the largest first for the others. */
static const struct vocab *dim_vocab(int dim)
{
    switch (dim) {
    case ACTIVITE_DIM_TYPE:
        return &vocab_cra_type;
    case ACTIVITE_DIM_CANAL:
        return &vocab_type_lieu;
    case ACTIVITE_DIM_THEMATIQUE:
    case ACTIVITE_DIM_DEMARCHE:
        return &vocab_thematique;
    case ACTIVITE_DIM_MATERIEL:
        return &vocab_materiel;
    case ACTIVITE_DIM_AUTONOMIE:
        return &vocab_autonomie;
    case ACTIVITE_DIM_GENRE:
        return &vocab_genre;
    case ACTIVITE_DIM_TRANCHE_AGE:
        return &vocab_tranche_age;
    case ACTIVITE_DIM_STATUT:
        return &vocab_statut_social;
    default:
        return NULL;
    }
}

static int sort_dim;
static int by_rank(const void *pa, const void *pb)
{
    const struct activite_stats_value *a = pa, *b = pb;
    const struct vocab *v = dim_vocab(sort_dim);
    if (v) {
        int x = vocab_find(v, a->valeur), y = vocab_find(v, b->valeur);
        return (x > y) - (x < y);
    }
    int64_t x = people_dim(sort_dim) ? a->accompagnements : a->activites;
    int64_t y = people_dim(sort_dim) ? b->accompagnements : b->activites;
    if (x != y)
        return x > y ? -1 : 1;
    return strcmp(a->valeur, b->valeur);
}

static void sort_values(struct activite_stats_value *items, size_t n, int dim)
{
    if (dim == ACTIVITE_DIM_DUREE) {
        /* the bands in their order */
        struct activite_stats_value tmp[ACTIVITE_DUREE_COUNT];
        size_t k = 0;
        for (int band = 0; band < ACTIVITE_DUREE_COUNT; band++)
            for (size_t i = 0; i < n; i++)
                if (k < ACTIVITE_DUREE_COUNT &&
                    strcmp(items[i].valeur,
                           activite_duree_band_value((enum activite_duree_band)band)) == 0)
                    tmp[k++] = items[i];
        if (k == n)
            memcpy(items, tmp, n * sizeof(*items));
        return;
    }
    sort_dim = dim;
    qsort(items, n, sizeof(*items), by_rank);
}

static void key_figures(struct buf *b, struct arena *a, const struct activite_stats *s,
                        int64_t autonomes, const struct view *v)
{
    ui_h2(b, "Chiffres clés");
    const struct activite_stats_value *ind =
        activite_stats_find(s, ACTIVITE_DIM_TYPE, "individuel");
    const struct activite_stats_value *col = activite_stats_find(s, ACTIVITE_DIM_TYPE, "collectif");
    const struct activite_stats_value *dem = activite_stats_find(s, ACTIVITE_DIM_TYPE, "demarche");
    int64_t n_ind = ind ? ind->activites : 0, n_col = col ? col->activites : 0,
            n_dem = dem ? dem->activites : 0;
    static const char *const head[] = {"Chiffre", "Valeur"};
    struct ui_table t = {
        .caption = "Chiffres clés de la période", .head = head, .n_cols = 2, .numeric_last = true};
    ui_table_begin(b, &t);
    const char *rows[][2] = {
        {"Activités", count_text(a, s->activites, v)},
        {"dont accompagnements individuels", count_share(a, n_ind, s->activites, v)},
        {"dont démarches administratives", count_share(a, n_dem, s->activites, v)},
        {"dont ateliers collectifs", count_share(a, n_col, s->activites, v)},
        {"Participants aux ateliers", count_text(a, s->participants, v)},
        {"Accompagnements", count_text(a, s->accompagnements, v)},
        {"Heures d’accompagnement", count_text(a, (s->minutes + 30) / 60, v)},
        {"Bénéficiaires", count_text(a, s->beneficiaires, v)},
        {"dont nouveaux", count_text(a, s->nouveaux, v)},
        {"dont suivis", count_text(a, s->suivis, v)},
        {"dont anonymes", count_text(a, s->anonymes, v)},
        {"Personnes devenues autonomes", count_text(a, autonomes, v)},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        ui_table_row(b, &t, rows[i]);
    ui_table_end(b);
}

static void series(struct buf *b, struct arena *a, const struct activite_stats *s,
                   const struct view *v)
{
    ui_h2(b, "Accompagnements par mois");
    struct chart_bar *bars = arena_calloc(a, s->n_mois + 1, sizeof(*bars));
    for (size_t i = 0; i < s->n_mois; i++) {
        bars[i].label = month_label(a, s->mois[i].periode);
        bars[i].value = s->mois[i].accompagnements;
        if (v->masked && activite_stats_masked(bars[i].value)) {
            bars[i].value = 0;
            bars[i].shown = count_text(a, s->mois[i].accompagnements, v);
        }
    }
    chart_columns(b, "serie-mois", "Accompagnements par mois",
                  "Histogramme du nombre d’accompagnements de chaque mois de la période ; les "
                  "chiffres sont dans le tableau qui suit.",
                  bars, s->n_mois);
    static const char *const head[] = {"Mois", "Activités", "Accompagnements"};
    struct ui_table t = {.caption = "Activités et accompagnements par mois",
                         .head = head,
                         .n_cols = 3,
                         .numeric_last = true};
    ui_table_begin(b, &t);
    for (size_t i = 0; i < s->n_mois; i++)
        ui_table_row(b, &t,
                     (const char *[]){bars[i].label, count_text(a, s->mois[i].activites, v),
                                      count_text(a, s->mois[i].accompagnements, v)});
    ui_table_end(b);

    ui_h2(b, "Accompagnements par jour");
    struct chart_bar *days = arena_calloc(a, s->n_jours + 1, sizeof(*days));
    for (size_t i = 0; i < s->n_jours; i++) {
        days[i].label = day_label(a, s->jours[i].periode);
        days[i].value = s->jours[i].accompagnements;
        if (v->masked && activite_stats_masked(days[i].value)) {
            days[i].value = 0;
            days[i].shown = count_text(a, s->jours[i].accompagnements, v);
        }
    }
    chart_columns(b, "serie-jours", "Accompagnements par jour",
                  "Histogramme du nombre d’accompagnements de chaque jour de la période ; les "
                  "chiffres sont dans le tableau « Données par jour ».",
                  days, s->n_jours);
    buf_adds(b, "<details><summary>Données par jour</summary>");
    static const char *const dhead[] = {"Jour", "Activités", "Accompagnements"};
    struct ui_table dt = {.caption = "Activités et accompagnements par jour (jours avec activité)",
                          .head = dhead,
                          .n_cols = 3,
                          .numeric_last = true};
    ui_table_begin(b, &dt);
    for (size_t i = 0; i < s->n_jours; i++)
        if (s->jours[i].activites || s->jours[i].accompagnements)
            ui_table_row(b, &dt,
                         (const char *[]){days[i].label, count_text(a, s->jours[i].activites, v),
                                          count_text(a, s->jours[i].accompagnements, v)});
    ui_table_end(b);
    buf_adds(b, "</details>");
}

static void breakdown(struct buf *b, struct http_request *req, const struct activite_stats *s,
                      int dim, const struct view *v)
{
    struct arena *a = req->arena;
    const struct activite_stats_breakdown *bd = &s->dims[dim];
    const char *title = stats_dim_title(dim);
    ui_h2(b, title);
    if (bd->n == 0) {
        ui_p(b, "Aucune donnée pour cette période et ces filtres.");
        return;
    }
    struct activite_stats_value *items = arena_calloc(a, bd->n, sizeof(*items));
    memcpy(items, bd->items, bd->n * sizeof(*items));
    sort_values(items, bd->n, dim);
    bool people = people_dim(dim);
    int64_t whole = 0;
    for (size_t i = 0; i < bd->n; i++)
        whole += people ? items[i].accompagnements : items[i].activites;
    struct chart_bar *bars = arena_calloc(a, bd->n, sizeof(*bars));
    for (size_t i = 0; i < bd->n; i++) {
        int64_t n = people ? items[i].accompagnements : items[i].activites;
        bars[i].label = stats_label(req, dim, items[i].valeur);
        bars[i].value = n;
        if (v->masked && activite_stats_masked(n)) {
            bars[i].value = 0;
            bars[i].shown = count_text(a, n, v);
        }
    }
    chart_bars(b, arena_printf(a, "repartition-%d", dim), title,
               arena_printf(a,
                            "Diagramme en barres du nombre %s par valeur ; les chiffres sont "
                            "dans le tableau qui suit.",
                            people ? "d’accompagnements" : "d’activités"),
               bars, bd->n);
    static const char *const head_cra[] = {"Valeur", "Activités", "Accompagnements", "Part"};
    static const char *const head_people[] = {"Valeur", "Accompagnements", "Part"};
    struct ui_table t = {.caption = title,
                         .head = people ? head_people : head_cra,
                         .n_cols = people ? 3 : 4,
                         .numeric_last = true};
    ui_table_begin(b, &t);
    for (size_t i = 0; i < bd->n; i++) {
        int64_t n = people ? items[i].accompagnements : items[i].activites;
        const char *share = v->masked && activite_stats_masked(n) ? "—" : percent(a, n, whole);
        if (people)
            ui_table_row(b, &t, (const char *[]){bars[i].label, count_text(a, n, v), share});
        else
            ui_table_row(b, &t,
                         (const char *[]){bars[i].label, count_text(a, items[i].activites, v),
                                          count_text(a, items[i].accompagnements, v), share});
    }
    ui_table_end(b);
}

static int64_t autonomes_of(struct http_request *req, const struct activite_stats_filter *f)
{
    const struct ctx *ctx = req->ctx;
    struct suivi_scope sc = {.from = f->du,
                             .to = f->au,
                             .departement = f->departement ? f->departement : "",
                             .structure_id = f->structure_id,
                             .mediateur_id = f->mediateur_id};
    int64_t n = 0;
    if (suivi_count_became_autonomous(ctx->db, &sc, &n))
        return 0;
    return n;
}

static void id_options(struct http_request *req, const char *sql, const char *text_key,
                       int64_t int_key, const char *selected, struct ui_option **out, size_t *n)
{
    const struct ctx *ctx = req->ctx;
    struct arena *a = req->arena;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    *out = arena_push(a, *out, *n, &cap, sizeof(**out));
    (*out)[(*n)++] = (struct ui_option){"", "Tous", !selected || !*selected};
    struct db_stmt *st;
    if (db_prepare(ctx->db, sql, &st))
        return;
    if (text_key)
        db_bind_text(st, 1, text_key);
    else
        db_bind_int64(st, 1, int_key);
    while (db_step(st) == 1) {
        const char *id = db_col_dup(st, 0, a);
        *out = arena_push(a, *out, *n, &cap, sizeof(**out));
        (*out)[(*n)++] =
            (struct ui_option){id, db_col_dup(st, 1, a), selected && strcmp(selected, id) == 0};
    }
    db_reset(st);
}

static void vocab_options(struct arena *a, const struct vocab *v, const char *selected,
                          struct ui_option **out, size_t *n)
{
    *out = arena_calloc(a, (size_t)v->count + 1, sizeof(**out));
    (*out)[0] = (struct ui_option){"", "Tous", !selected || !*selected};
    for (int i = 0; i < v->count; i++)
        (*out)[i + 1] = (struct ui_option){v->entries[i].value, v->entries[i].label,
                                           selected && strcmp(selected, v->entries[i].value) == 0};
    *n = (size_t)v->count + 1;
}

/* The GET form of the filters: what was typed comes back as typed. */
static void filters(struct buf *b, struct http_request *req, const struct stats_scope *scope,
                    const struct activite_stats *s, const struct ui_errors *errs)
{
    struct arena *a = req->arena;
    const struct http_params *q = &req->query;
    ui_h2(b, "Filtres");
    ui_form_begin(b, scope->path, "get", NULL, false);
    const char *du = http_param(q, "du"), *au = http_param(q, "au");
    ui_input(b, &(struct ui_field){.name = "du",
                                   .label = "Du",
                                   .hint = "Premier jour inclus",
                                   .value = du,
                                   .type = UI_DATE,
                                   .error = ui_errors_for(errs, "du"),
                                   .width_class = "medium"});
    ui_input(b, &(struct ui_field){.name = "au",
                                   .label = "Au",
                                   .hint = "Dernier jour inclus",
                                   .value = au,
                                   .type = UI_DATE,
                                   .error = ui_errors_for(errs, "au"),
                                   .width_class = "medium"});
    struct ui_option *o;
    size_t n;
    vocab_options(a, &vocab_cra_type, http_param(q, "type"), &o, &n);
    ui_select(b,
              &(struct ui_field){
                  .name = "type", .label = "Type d’activité", .error = ui_errors_for(errs, "type")},
              o, n);
    vocab_options(a, &vocab_thematique, http_param(q, "thematique"), &o, &n);
    ui_select(b,
              &(struct ui_field){.name = "thematique",
                                 .label = "Thématique",
                                 .error = ui_errors_for(errs, "thematique")},
              o, n);
    if (scope->portee == STATS_DEPARTEMENT || scope->portee == STATS_STRUCTURE) {
        if (scope->portee == STATS_DEPARTEMENT)
            id_options(req, SQL_MEDIATEURS_DEP, scope->departement, 0, http_param(q, "mediateur"),
                       &o, &n);
        else
            id_options(req, SQL_MEDIATEURS_STRUCTURE, NULL, scope->structure_id,
                       http_param(q, "mediateur"), &o, &n);
        ui_select(b,
                  &(struct ui_field){.name = "mediateur",
                                     .label = "Médiateur",
                                     .error = ui_errors_for(errs, "mediateur")},
                  o, n);
    }
    /* Lieux and communes: those of the period's activities. */
    const struct activite_stats_breakdown *lieux = s ? &s->dims[ACTIVITE_DIM_LIEU] : NULL;
    const char *lieu = http_param(q, "lieu");
    o = arena_calloc(a, (lieux ? lieux->n : 0) + 2, sizeof(*o));
    n = 0;
    o[n++] = (struct ui_option){"", "Tous", !lieu || !*lieu};
    for (size_t i = 0; lieux && i < lieux->n; i++)
        o[n++] = (struct ui_option){lieux->items[i].valeur,
                                    stats_label(req, ACTIVITE_DIM_LIEU, lieux->items[i].valeur),
                                    lieu && strcmp(lieu, lieux->items[i].valeur) == 0};
    if (lieu && *lieu && (!lieux || !activite_stats_find(s, ACTIVITE_DIM_LIEU, lieu)))
        o[n++] = (struct ui_option){lieu, stats_label(req, ACTIVITE_DIM_LIEU, lieu), true};
    ui_select(b,
              &(struct ui_field){
                  .name = "lieu", .label = "Lieu d’activité", .error = ui_errors_for(errs, "lieu")},
              o, n);
    ui_input(b, &(struct ui_field){.name = "commune",
                                   .label = "Commune (code INSEE)",
                                   .hint = "Par exemple 53130 pour Laval",
                                   .value = http_param(q, "commune"),
                                   .error = ui_errors_for(errs, "commune"),
                                   .width_class = "short"});
    if (scope->departement) {
        id_options(req, SQL_TAGS_DEP, scope->departement, 0, http_param(q, "tag"), &o, &n);
        ui_select(b,
                  &(struct ui_field){
                      .name = "tag", .label = "Étiquette", .error = ui_errors_for(errs, "tag")},
                  o, n);
    }
    ui_button(b, "Filtrer", UI_BUTTON_SECONDARY);
    ui_form_end(b);
}

static void dashboard(struct buf *b, struct http_request *req, const struct activite_stats *s,
                      const struct activite_stats_filter *f, const struct view *v)
{
    key_figures(b, req->arena, s, autonomes_of(req, f), v);
    series(b, req->arena, s, v);
    for (size_t i = 0; i < sizeof(shown_dims) / sizeof(shown_dims[0]); i++)
        breakdown(b, req, s, shown_dims[i], v);
}

static const char *period_text(struct arena *a, const struct activite_stats_filter *f)
{
    return arena_printf(a, "Du %s au %s", date_fr(a, f->du), date_fr(a, f->au));
}

static int render(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct arena *a = req->arena;
    struct stats_scope scope;
    int rc = stats_scope_of_request(req, &scope);
    if (rc)
        return rc;
    struct activite_stats_filter f;
    struct ui_errors errs = {0};
    stats_filter_read(req, &req->query, &scope, &f, &errs);
    const char *format = http_param(&req->query, "format");
    if (format && *format) {
        if (errs.n)
            return http_fail(req, ERR_INVALID, errs.items[0].message, errs.items[0].field);
        const char *liste = http_param(&req->query, "liste");
        return stats_export(req, resp, &scope, &f, format,
                            liste && strcmp(liste, "activites") == 0);
    }
    const char *imp = http_param(&req->query, "impression");
    struct view v = {.print = imp && strcmp(imp, "1") == 0};
    struct activite_stats s;
    bool have = false;
    if (errs.n == 0) {
        if ((rc = activite_stats_compute(ctx->db, a, &f, &s)))
            return rc;
        have = true;
    }
    struct buf b = page_buf(req);
    ui_h1(&b, scope.title);
    if (have)
        ui_p(&b, period_text(a, &f));
    ui_error_summary(&b, &errs);
    const char *query = stats_filter_query(a, &f);
    if (f.mediateur_id && scope.portee != STATS_MEDIATEUR)
        query = arena_printf(a, "%s&mediateur=%lld", query, (long long)f.mediateur_id);
    if (v.print) {
        ui_p(&b, "Version à imprimer : utilisez la commande « Imprimer » de votre navigateur.");
        ui_link(&b, "Revenir au tableau de bord", arena_printf(a, "%s?%s", scope.path, query));
    } else {
        filters(&b, req, &scope, have ? &s : NULL, &errs);
        if (have) {
            ui_prose_begin(&b);
            buf_adds(&b, "<ul>");
            static const char *const links[][2] = {
                {"Version à imprimer", "impression=1"},
                {"Télécharger les statistiques (tableur XLSX)", "format=xlsx"},
                {"Télécharger les statistiques (CSV)", "format=csv"},
                {"Télécharger la liste des activités (tableur XLSX)",
                 "format=xlsx&liste=activites"},
                {"Télécharger la liste des activités (CSV)", "format=csv&liste=activites"},
            };
            for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
                buf_adds(&b, "<li><a href=\"");
                html_url(&b, arena_printf(a, "%s?%s&%s", scope.path, query, links[i][1]));
                buf_adds(&b, "\">");
                html_text(&b, links[i][0]);
                buf_adds(&b, "</a></li>");
            }
            buf_adds(&b, "</ul>");
            ui_prose_end(&b);
        }
    }
    if (have) {
        if (s.from_raw)
            ui_notice(&b, UI_NOTICE_INFO, "Calcul détaillé",
                      "Ces filtres se croisent : les chiffres sont calculés sur chaque activité.");
        dashboard(&b, req, &s, &f, &v);
        /* The territory's referrals between kinds of structures (orientation/flows.h). */
        if ((scope.portee == STATS_DEPARTEMENT || scope.portee == STATS_PLATEFORME) &&
            (rc = orientation_flows_section(&b, ctx->db, a, scope.departement, f.du, f.au)))
            return rc;
    }
    if (have && !v.print) {
        ui_h2(&b, "Partager ce tableau de bord");
        ui_p(&b, "Un lien de partage montre ces statistiques, avec ces filtres, à toute personne "
                 "qui le reçoit, sans nom de personne ; les nombres inférieurs à 5 y sont "
                 "masqués. Vous pouvez le révoquer à tout moment.");
        ui_form_begin(&b, "/statistiques/partages", "post", auth_of(req)->csrf_token, false);
        buf_adds(&b, "<input type=\"hidden\" name=\"portee\" value=\"");
        html_attr(&b, stats_portee_value(scope.portee));
        buf_adds(&b, "\"><input type=\"hidden\" name=\"portee_id\" value=\"");
        html_attr(&b, scope.portee_id);
        buf_adds(&b, "\"><input type=\"hidden\" name=\"filtres\" value=\"");
        html_attr(&b, query);
        buf_adds(&b, "\">");
        ui_input(&b, &(struct ui_field){
                         .name = "libelle",
                         .label = "Nom du lien",
                         .hint = "Pour le retrouver dans la liste de vos liens",
                         .value = arena_printf(a, "%s, %s", scope.title, period_text(a, &f))});
        ui_button(&b, "Créer un lien de partage", UI_BUTTON_SECONDARY);
        ui_form_end(&b);
        ui_link(&b, "Mes liens de partage", "/statistiques/partages");
    }
    if (buf_finish(&b))
        return ERR_TOO_BIG;
    return shell_render(
        req, resp,
        &(struct shell_page){.title = scope.title, .status = errs.n ? 400 : 200, .wide = true},
        buf_cstr(&b));
}

int stats_page_mine(struct http_request *req, struct http_response *resp)
{
    const struct auth *a = auth_of(req);
    bool mediateur = false;
    for (size_t i = 0; i < a->n_memberships; i++)
        mediateur = mediateur || a->memberships[i].role == ROLE_MEDIATEUR;
    if (!mediateur) {
        /* Not a médiateur: the dashboards of the viewer's scope. */
        if (auth_has(a, ROLE_ADMIN)) {
            http_redirect(resp, "/admin/statistiques");
            return 0;
        }
        if (auth_has(a, ROLE_COORDINATEUR) && a->n_departements) {
            http_redirect(resp, arena_printf(req->arena, "/departements/%s/statistiques",
                                             url_encode(req->arena, a->departements[0])));
            return 0;
        }
        if (a->n_memberships) {
            http_redirect(resp, arena_printf(req->arena, "/structures/%lld/statistiques",
                                             (long long)a->memberships[0].structure_id));
            return 0;
        }
    }
    return render(req, resp);
}

int stats_page_structure(struct http_request *req, struct http_response *resp)
{
    return render(req, resp);
}

int stats_page_departement(struct http_request *req, struct http_response *resp)
{
    return render(req, resp);
}

int stats_page_plateforme(struct http_request *req, struct http_response *resp)
{
    return render(req, resp);
}

/* The query string of a share, read back as the request's own query. */
static int parse_query(struct arena *a, const char *qs, struct http_params *out)
{
    struct http_parse_error perr;
    memset(out, 0, sizeof(*out));
    return http_parse_urlencoded(a, qs, strlen(qs), &http_parse_limits_query, out, &perr);
}

int stats_page_partage_create(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *au = auth_of(req);
    struct arena *a = req->arena;
    const struct http_params *form = &req->form;
    enum stats_portee portee;
    if (stats_portee_parse(http_param(form, "portee"), &portee))
        return http_fail(req, ERR_INVALID,
                         "portee : mediateur, structure, departement ou plateforme.", "portee");
    struct stats_scope scope;
    const char *id = http_param(form, "portee_id");
    int rc = stats_scope_load(req, portee, id ? id : "", &scope);
    if (rc)
        return rc;
    /* The viewer must read this dashboard. */
    bool allowed = false;
    switch (portee) {
    case STATS_MEDIATEUR:
        allowed = scope.mediateur_id == au->user_id;
        break;
    case STATS_STRUCTURE:
        allowed = auth_can_see_structure(au, scope.structure_id, scope.departement);
        break;
    case STATS_DEPARTEMENT:
        allowed = auth_has(au, ROLE_ADMIN) || auth_in_departement(au, scope.departement);
        break;
    case STATS_PLATEFORME:
        allowed = auth_has(au, ROLE_ADMIN);
        break;
    }
    if (!allowed)
        return http_fail(req, ERR_FORBIDDEN, "Ces statistiques ne sont pas dans votre périmètre.",
                         NULL);
    const char *filtres = http_param(form, "filtres");
    struct http_params params;
    if (parse_query(a, filtres ? filtres : "", &params))
        return http_fail(req, ERR_INVALID, "filtres : les filtres d’un tableau de bord.",
                         "filtres");
    struct activite_stats_filter f;
    struct ui_errors errs = {0};
    stats_filter_read(req, &params, &scope, &f, &errs);
    if (errs.n)
        return http_fail(req, ERR_INVALID, errs.items[0].message, "filtres");
    const char *libelle = http_param(form, "libelle");
    if (!libelle || !*str_trim(str_from(libelle)).p || strlen(libelle) > 200)
        return http_fail(req, ERR_INVALID, "Nom du lien : de 1 à 200 caractères.", "libelle");
    /* What the link shows is kept as its canonical query: the médiateur filter stays within the
     * scope it was checked in. */
    const char *canonical = stats_filter_query(a, &f);
    if (f.mediateur_id && portee != STATS_MEDIATEUR)
        canonical = arena_printf(a, "%s&mediateur=%lld", canonical, (long long)f.mediateur_id);
    const char *token = crypto_random_token(a);
    struct db_stmt *st;
    if ((rc = db_prepare(ctx->db, SQL_SHARE_INSERT, &st)))
        return rc;
    db_bind_text(st, 1, crypto_sha256_hex(a, token));
    db_bind_int64(st, 2, au->user_id);
    db_bind_text(st, 3, scope.departement ? scope.departement : "");
    db_bind_text(st, 4, stats_portee_value(portee));
    db_bind_text(st, 5, scope.portee_id);
    db_bind_text(st, 6, canonical);
    db_bind_text(st, 7, libelle);
    db_bind_int64(st, 8, (int64_t)time(NULL));
    if ((rc = db_exec_stmt(st)))
        return rc;
    const char *path = arena_printf(a, "/statistiques/partage/%s", token);
    const char *base = ctx->cfg && ctx->cfg->base_url ? ctx->cfg->base_url : "";
    struct buf b = page_buf(req);
    ui_h1(&b, "Lien de partage créé");
    ui_p(&b, "Copiez ce lien maintenant : il n’est montré qu’une fois (seule son empreinte est "
             "conservée). Toute personne qui le reçoit voit ces statistiques, sans nom de "
             "personne et avec les petits nombres masqués, jusqu’à ce que vous le révoquiez.");
    ui_prose_begin(&b);
    buf_adds(&b, "<p><a id=\"lien-partage\" href=\"");
    html_url(&b, path);
    buf_adds(&b, "\">");
    html_text(&b, arena_printf(a, "%s%s", base, path));
    buf_adds(&b, "</a></p>");
    ui_prose_end(&b);
    ui_link(&b, "Mes liens de partage", "/statistiques/partages");
    return shell_render(req, resp,
                        &(struct shell_page){.title = "Lien de partage créé",
                                             .status = 201,
                                             .notice = "Le lien de partage est créé."},
                        buf_cstr(&b));
}

int stats_page_partages(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *au = auth_of(req);
    struct arena *a = req->arena;
    struct db_stmt *st;
    int rc = db_prepare(ctx->db, SQL_SHARES_OF, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, au->user_id);
    struct buf b = page_buf(req);
    ui_h1(&b, "Mes liens de partage de statistiques");
    static const char *const head[] = {"Nom", "Créé le", "État", "Action"};
    struct ui_table t = {
        .caption = "Liens de partage que vous avez créés", .head = head, .n_cols = 4};
    size_t n = 0;
    struct row {
        int64_t id;
        const char *libelle, *created, *state;
        bool revoked;
    } *rows = NULL;
    size_t cap = 0;
    while ((rc = db_step(st)) == 1) {
        rows = arena_push(a, rows, n, &cap, sizeof(*rows));
        time_t created = (time_t)db_col_int64(st, 5);
        struct tm tm;
        gmtime_r(&created, &tm);
        char day[11];
        strftime(day, sizeof(day), "%Y-%m-%d", &tm);
        bool revoked = !db_col_is_null(st, 6);
        rows[n++] = (struct row){db_col_int64(st, 0), db_col_dup(st, 1, a), date_fr(a, day),
                                 revoked ? "Révoqué" : "Actif", revoked};
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    if (n == 0) {
        ui_p(&b, "Vous n’avez créé aucun lien de partage. Chaque tableau de bord de statistiques "
                 "permet d’en créer un.");
    } else {
        ui_table_begin(&b, &t);
        for (size_t i = 0; i < n; i++) {
            struct buf form;
            buf_init(&form, a, 4096);
            if (!rows[i].revoked) {
                ui_form_begin(
                    &form,
                    arena_printf(a, "/statistiques/partages/%lld/revoquer", (long long)rows[i].id),
                    "post", au->csrf_token, false);
                ui_button(&form, arena_printf(a, "Révoquer « %s »", rows[i].libelle),
                          UI_BUTTON_WARNING);
                ui_form_end(&form);
            }
            /* ui_table_row escapes text: the action cell is written by hand */
            buf_adds(&b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">");
            html_text(&b, rows[i].libelle);
            buf_adds(&b, "</td><td class=\"govuk-table__cell\">");
            html_text(&b, rows[i].created);
            buf_adds(&b, "</td><td class=\"govuk-table__cell\">");
            html_text(&b, rows[i].state);
            buf_adds(&b, "</td><td class=\"govuk-table__cell\">");
            html_safe(&b, html_safe_buf(&form));
            buf_adds(&b, "</td></tr>");
        }
        ui_table_end(&b);
    }
    return shell_render(req, resp, &(struct shell_page){.title = "Mes liens de partage"},
                        buf_cstr(&b));
}

int stats_page_partage_revoke(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *au = auth_of(req);
    int64_t id;
    if (cstr_to_int64(http_path_param(req, "id"), &id) || id <= 0)
        return http_fail(req, ERR_NOT_FOUND, "Ce lien de partage n’existe pas.", NULL);
    struct db_stmt *st;
    int rc = db_prepare(ctx->db, SQL_SHARE_REVOKE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    db_bind_int64(st, 2, au->user_id);
    db_bind_int64(st, 3, (int64_t)time(NULL));
    db_bind_int64(st, 4, auth_has(au, ROLE_ADMIN) ? 1 : 0);
    if ((rc = db_exec_stmt(st)))
        return rc;
    if (db_changes(st) == 0)
        return http_fail(req, ERR_NOT_FOUND, "Ce lien de partage n’existe pas ou est déjà révoqué.",
                         NULL);
    http_redirect(resp, "/statistiques/partages");
    return 0;
}

int stats_page_public(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct arena *a = req->arena;
    const char *token = http_path_param(req, "token");
    if (!token || strlen(token) < 16 || strlen(token) > 128)
        return http_fail(req, ERR_NOT_FOUND, "Ce lien de partage n’existe pas.", NULL);
    struct db_stmt *st;
    int rc = db_prepare(ctx->db, SQL_SHARE_BY_TOKEN, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, crypto_sha256_hex(a, token));
    rc = db_step_one(st);
    const char *portee = NULL, *portee_id = NULL, *filtres = NULL, *libelle = NULL;
    bool revoked = false;
    if (rc == 0) {
        portee = db_col_dup(st, 0, a);
        portee_id = db_col_dup(st, 1, a);
        filtres = db_col_dup(st, 2, a);
        libelle = db_col_dup(st, 3, a);
        revoked = !db_col_is_null(st, 4);
    }
    db_reset(st);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND, "Ce lien de partage n’existe pas.", NULL);
    if (rc)
        return rc;
    if (revoked) {
        struct buf b = page_buf(req);
        ui_h1(&b, "Lien de partage révoqué");
        ui_p(&b, "La personne qui a partagé ces statistiques a révoqué ce lien.");
        return shell_render(req, resp,
                            &(struct shell_page){.title = "Lien de partage révoqué", .status = 410},
                            buf_cstr(&b));
    }
    enum stats_portee p;
    struct stats_scope scope;
    if (stats_portee_parse(portee, &p) || (rc = stats_scope_load(req, p, portee_id, &scope)))
        return http_fail(req, ERR_NOT_FOUND, "Ce lien de partage n’existe plus.", NULL);
    struct http_params params;
    struct activite_stats_filter f;
    struct ui_errors errs = {0};
    if (parse_query(a, filtres, &params) == 0)
        stats_filter_read(req, &params, &scope, &f, &errs);
    else
        ui_errors_add(&errs, "filtres", "filtres");
    if (errs.n)
        return http_fail(req, ERR_NOT_FOUND, "Ce lien de partage n’est plus valable.", NULL);
    struct activite_stats s;
    if ((rc = activite_stats_compute(ctx->db, a, &f, &s)))
        return rc;
    struct view v = {.masked = true, .public_link = true};
    struct buf b = page_buf(req);
    ui_h1(&b, libelle);
    ui_p(&b, period_text(a, &f));
    ui_notice(&b, UI_NOTICE_INFO, "Statistiques partagées",
              "Ces chiffres ne nomment personne ; les nombres inférieurs à 5 sont masqués.");
    dashboard(&b, req, &s, &f, &v);
    if (buf_finish(&b))
        return ERR_TOO_BIG;
    http_resp_header(resp, "X-Robots-Tag", "noindex");
    return shell_render(req, resp, &(struct shell_page){.title = libelle, .wide = true},
                        buf_cstr(&b));
}
