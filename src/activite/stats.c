#include "activite/stats.h"
#include "activite/vocab.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * The counters' queries come in four shapes, one per scope, so that each reads by its own index
 * whatever plan the server keeps for the prepared statement: the platform (niveau 0), a département
 * (niveau 1), a structure and a médiateur (niveau 2 and their partial indexes). $1 and $2 are the
 * first and last month (or day), $3 the scope's key, $4 an optional structure.
 */
#define AGG_WHERE_0 "niveau = 0 AND departement = '' AND CAST($3 AS TEXT) = ''"
#define AGG_WHERE_1 "niveau = 1 AND departement = $3"
#define AGG_WHERE_2 "niveau = 2 AND structure_id = $3"
#define AGG_WHERE_3                                                                                \
    "niveau = 2 AND mediateur_id = $3 AND (CAST($4 AS BIGINT) = 0 OR structure_id = $4)"
#define AGG_SUMS "SUM(activites), SUM(accompagnements), SUM(minutes), SUM(participants)"

#define AGG_DIMS(W)                                                                                \
    "SELECT dim, valeur, " AGG_SUMS " FROM activite_stats WHERE " W                                \
    " AND mois BETWEEN $1 AND $2 AND dim > 0 GROUP BY dim, valeur"
#define AGG_TOTAL(W)                                                                               \
    "SELECT mois, " AGG_SUMS " FROM activite_stats WHERE " W                                       \
    " AND mois BETWEEN $1 AND $2 AND dim = 0 GROUP BY mois"
#define AGG_JOURS(W)                                                                               \
    "SELECT jour, " AGG_SUMS " FROM activite_stats_jours WHERE " W                                 \
    " AND jour BETWEEN $1 AND $2 GROUP BY jour"
/* People: niveau 2 is the structure, 3 the médiateur in activite_stats_personnes. */
#define AGG_PERSONNES(W)                                                                           \
    "SELECT anonyme, SUM(personnes) FROM activite_stats_personnes WHERE " W                        \
    " AND mois BETWEEN $1 AND $2 AND mois_precedent < $1 GROUP BY anonyme"
#define PERS_WHERE_2 "niveau = 2 AND structure_id = $3"
#define PERS_WHERE_3                                                                               \
    "niveau = 3 AND mediateur_id = $3 AND (CAST($4 AS BIGINT) = 0 OR structure_id = $4)"

static const char *const sql_agg_dims[4] = {AGG_DIMS(AGG_WHERE_0), AGG_DIMS(AGG_WHERE_1),
                                            AGG_DIMS(AGG_WHERE_2), AGG_DIMS(AGG_WHERE_3)};
static const char *const sql_agg_total[4] = {AGG_TOTAL(AGG_WHERE_0), AGG_TOTAL(AGG_WHERE_1),
                                             AGG_TOTAL(AGG_WHERE_2), AGG_TOTAL(AGG_WHERE_3)};
static const char *const sql_agg_jours[4] = {AGG_JOURS(AGG_WHERE_0), AGG_JOURS(AGG_WHERE_1),
                                             AGG_JOURS(AGG_WHERE_2), AGG_JOURS(AGG_WHERE_3)};
static const char *const sql_agg_personnes[4] = {
    AGG_PERSONNES(AGG_WHERE_0), AGG_PERSONNES(AGG_WHERE_1), AGG_PERSONNES(PERS_WHERE_2),
    AGG_PERSONNES(PERS_WHERE_3)};

/*
 * The raw queries: the same four shapes lead through the CRA indexes, then every filter narrows.
 * $1 $2 the dates, $3 the scope's key, $4 structure, $5 médiateur, $6 lieu, $7 type, $8 commune,
 * $9 thématique, $10 tag (0 or '' leave a filter open).
 */
#define RAW_LEAD_0 "CAST($3 AS TEXT) = ''"
#define RAW_LEAD_1 "c.departement = $3"
#define RAW_LEAD_2 "c.structure_id = $3"
#define RAW_LEAD_3 "c.mediateur_id = $3"
#define RAW_FROM " FROM cra c LEFT JOIN lieux l ON l.id = c.lieu_id "
#define RAW_WHERE(LEAD)                                                                            \
    " WHERE " LEAD " AND c.deleted_at IS NULL AND c.date BETWEEN $1 AND $2"                        \
    " AND (CAST($4 AS BIGINT) = 0 OR c.structure_id = $4)"                                         \
    " AND (CAST($5 AS BIGINT) = 0 OR c.mediateur_id = $5)"                                         \
    " AND (CAST($6 AS BIGINT) = 0 OR c.lieu_id = $6)"                                              \
    " AND (CAST($7 AS TEXT) = '' OR c.type = $7)"                                                  \
    " AND (CAST($8 AS TEXT) = '' OR COALESCE(c.commune_code_insee, l.code_insee) = $8)"            \
    " AND (CAST($9 AS TEXT) = '' OR EXISTS (SELECT 1 FROM cra_thematiques t9 WHERE t9.cra_id = "   \
    "c.id AND t9.thematique = $9))"                                                                \
    " AND (CAST($10 AS BIGINT) = 0 OR EXISTS (SELECT 1 FROM cra_tags g10 WHERE g10.cra_id = c.id " \
    "AND g10.tag_id = $10))"
#define RAW_SUMS                                                                                   \
    "COUNT(*), SUM(c.accompagnements_count), SUM(c.duree), "                                       \
    "SUM(CASE WHEN c.type = 'collectif' THEN c.accompagnements_count ELSE 0 END)"
#define RAW_DUREE_BAND                                                                             \
    "CASE WHEN c.duree < 30 THEN 'moins_30' WHEN c.duree < 60 THEN '30_60' WHEN c.duree < 120 "    \
    "THEN '60_120' ELSE '120_plus' END"
#define RAW_MATERIEL                                                                               \
    " JOIN (SELECT 'ordinateur' AS m UNION ALL SELECT 'telephone' UNION ALL SELECT 'tablette' "    \
    "UNION ALL SELECT 'autre' UNION ALL SELECT 'aucun') mm ON ('|' || c.materiel || '|') LIKE "    \
    "('%|' || mm.m || '|%') "

/* One query per dimension (its column is the first selected), then the series and the people. */
enum raw_query {
    RAW_TYPE,
    RAW_CANAL,
    RAW_DUREE,
    RAW_COMMUNE,
    RAW_LIEU,
    RAW_AUTONOMIE,
    RAW_THEMATIQUE,
    RAW_TAG,
    RAW_MATERIEL_Q,
    RAW_MOIS,
    RAW_JOURS,
    RAW_PEOPLE,
    RAW_ANON,
    RAW_DISTINCT,
    RAW_COUNT
};

#define RAW_SET(L)                                                                                 \
    {                                                                                              \
        "SELECT c.type, " RAW_SUMS RAW_FROM RAW_WHERE(L) " GROUP BY c.type",                       \
            "SELECT c.type_lieu, " RAW_SUMS RAW_FROM RAW_WHERE(L) " GROUP BY c.type_lieu",         \
            "SELECT " RAW_DUREE_BAND ", " RAW_SUMS RAW_FROM RAW_WHERE(L) " GROUP BY 1",            \
            "SELECT COALESCE(c.commune_code_insee, l.code_insee), " RAW_SUMS RAW_FROM RAW_WHERE(   \
                L) " GROUP BY 1",                                                                  \
            "SELECT CAST(c.lieu_id AS TEXT), " RAW_SUMS RAW_FROM RAW_WHERE(L) " GROUP BY 1",       \
            "SELECT c.autonomie, " RAW_SUMS RAW_FROM RAW_WHERE(L) " GROUP BY c.autonomie",         \
            "SELECT t.thematique, " RAW_SUMS RAW_FROM                                              \
            " JOIN cra_thematiques t ON t.cra_id = c.id " RAW_WHERE(L) " GROUP BY t.thematique",   \
            "SELECT CAST(g.tag_id AS TEXT), " RAW_SUMS RAW_FROM                                    \
            " JOIN cra_tags g ON g.cra_id = c.id " RAW_WHERE(L) " GROUP BY 1",                     \
            "SELECT mm.m, " RAW_SUMS RAW_FROM RAW_MATERIEL RAW_WHERE(L) " GROUP BY mm.m",          \
            "SELECT substr(c.date, 1, 7), " RAW_SUMS RAW_FROM RAW_WHERE(L) " GROUP BY 1",          \
            "SELECT c.date, " RAW_SUMS RAW_FROM RAW_WHERE(L) " GROUP BY c.date",                   \
            "SELECT COALESCE(b.genre, 'non_communique'), COALESCE(b.tranche_age, "                 \
            "'non_communique'), COALESCE(b.statut_social, 'non_communique'), "                     \
            "b.commune_code_insee, a.premier_accompagnement, COUNT(*)" RAW_FROM                    \
            " JOIN accompagnements a ON a.cra_id = c.id JOIN beneficiaires b ON b.id = "           \
            "a.beneficiaire_id " RAW_WHERE(L) " GROUP BY 1, 2, 3, 4, 5",                           \
            "SELECT SUM(c.anon_total), SUM(c.anon_deja_accompagne), SUM(c.anon_genre_masculin), "  \
            "SUM(c.anon_genre_feminin), SUM(c.anon_genre_non_communique), "                        \
            "SUM(c.anon_tranche_moins_de_douze), SUM(c.anon_tranche_douze_dix_huit), "             \
            "SUM(c.anon_tranche_dix_huit_vingt_quatre), "                                          \
            "SUM(c.anon_tranche_vingt_cinq_trente_neuf), "                                         \
            "SUM(c.anon_tranche_quarante_cinquante_neuf), "                                        \
            "SUM(c.anon_tranche_soixante_soixante_neuf), SUM(c.anon_tranche_soixante_dix_plus), "  \
            "SUM(c.anon_tranche_non_communique), SUM(c.anon_statut_scolarise), "                   \
            "SUM(c.anon_statut_sans_emploi), SUM(c.anon_statut_en_emploi), "                       \
            "SUM(c.anon_statut_retraite), SUM(c.anon_statut_non_communique)" RAW_FROM              \
            RAW_WHERE(L),                                                                          \
            "SELECT b.anonyme, COUNT(DISTINCT a.beneficiaire_id)" RAW_FROM                         \
            " JOIN accompagnements a ON a.cra_id = c.id JOIN beneficiaires b ON b.id = "           \
            "a.beneficiaire_id " RAW_WHERE(L) " GROUP BY b.anonyme",                               \
    }

static const char *const sql_raw[4][RAW_COUNT] = {RAW_SET(RAW_LEAD_0), RAW_SET(RAW_LEAD_1),
                                                  RAW_SET(RAW_LEAD_2), RAW_SET(RAW_LEAD_3)};

static const int raw_dim[RAW_COUNT] = {
    [RAW_TYPE] = ACTIVITE_DIM_TYPE,
    [RAW_CANAL] = ACTIVITE_DIM_CANAL,
    [RAW_DUREE] = ACTIVITE_DIM_DUREE,
    [RAW_COMMUNE] = ACTIVITE_DIM_COMMUNE,
    [RAW_LIEU] = ACTIVITE_DIM_LIEU,
    [RAW_AUTONOMIE] = ACTIVITE_DIM_AUTONOMIE,
    [RAW_THEMATIQUE] = -1,
    [RAW_TAG] = ACTIVITE_DIM_TAG,
    [RAW_MATERIEL_Q] = ACTIVITE_DIM_MATERIEL,
};

bool activite_stats_masked(int64_t n) { return n > 0 && n < ACTIVITE_STATS_MASK_BELOW; }

void activite_stats_today(char out[11])
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static bool parse_date(const char *s, struct tm *tm)
{
    memset(tm, 0, sizeof(*tm));
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    const char *end = strptime(s, "%Y-%m-%d", tm);
    if (!end || *end)
        return false;
    tm->tm_hour = 12;
    struct tm check = *tm;
    time_t t = timegm(&check);
    struct tm back;
    gmtime_r(&t, &back);
    return back.tm_mday == tm->tm_mday && back.tm_mon == tm->tm_mon;
}

static int64_t ymd(const struct tm *tm)
{
    return (int64_t)(tm->tm_year + 1900) * 10000 + (tm->tm_mon + 1) * 100 + tm->tm_mday;
}

static int period(const struct activite_stats_filter *f, struct tm *du, struct tm *au,
                  int64_t *days)
{
    if (!parse_date(f->du, du) || !parse_date(f->au, au))
        return ERR_INVALID;
    time_t a = timegm(du), b = timegm(au);
    if (b < a)
        return ERR_INVALID;
    *days = (int64_t)((b - a) / 86400) + 1;
    return *days > ACTIVITE_STATS_MAX_DAYS ? ERR_INVALID : 0;
}

bool activite_stats_valid_day(const char *s)
{
    struct tm tm;
    return parse_date(s, &tm);
}

bool activite_stats_period_ok(const struct activite_stats_filter *f)
{
    struct tm du, au;
    int64_t days;
    return period(f, &du, &au, &days) == 0;
}

bool activite_stats_aggregates_can(const struct activite_stats_filter *f, const char *today)
{
    if ((f->type && *f->type) || (f->commune && *f->commune) || (f->thematique && *f->thematique) ||
        f->tag_id || f->lieu_id)
        return false;
    struct tm du, au;
    int64_t days;
    if (period(f, &du, &au, &days))
        return false;
    if (du.tm_mday != 1)
        return false;
    if (strcmp(f->au, today) >= 0)
        return true;
    struct tm next = au;
    next.tm_mday += 1;
    timegm(&next);
    return next.tm_mday == 1;
}

/* The series: every month and day of the period, zeros included. */
static int series_init(struct arena *a, const struct activite_stats_filter *f,
                       struct activite_stats *out)
{
    struct tm du, au;
    int64_t days;
    int rc = period(f, &du, &au, &days);
    if (rc)
        return rc;
    out->jours = arena_calloc(a, (size_t)days, sizeof(*out->jours));
    size_t months = (size_t)((au.tm_year - du.tm_year) * 12 + au.tm_mon - du.tm_mon + 1);
    out->mois = arena_calloc(a, months, sizeof(*out->mois));
    struct tm d = du;
    for (int64_t i = 0; i < days; i++) {
        struct tm cur = d;
        cur.tm_mday += (int)i;
        timegm(&cur);
        out->jours[out->n_jours++].periode = ymd(&cur);
    }
    for (size_t i = 0; i < months; i++) {
        int m = du.tm_mon + (int)i;
        out->mois[out->n_mois++].periode =
            (int64_t)(du.tm_year + 1900 + m / 12) * 100 + (m % 12) + 1;
    }
    return 0;
}

static void series_add(struct activite_stats_point *pts, size_t n, int64_t periode,
                       int64_t activites, int64_t accompagnements)
{
    /* The points are in order: a binary search finds the period. */
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (pts[mid].periode < periode)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < n && pts[lo].periode == periode) {
        pts[lo].activites += activites;
        pts[lo].accompagnements += accompagnements;
    }
}

/* Breakdowns are collected in growable arrays, then sorted. */
struct collect {
    struct arena *a;
    size_t cap[ACTIVITE_DIM_COUNT];
};

static void value_add(struct collect *c, struct activite_stats *s, int dim, const char *valeur,
                      int64_t activites, int64_t accompagnements, int64_t minutes,
                      int64_t participants)
{
    if (dim <= 0 || dim >= ACTIVITE_DIM_COUNT || !valeur || !*valeur)
        return;
    struct activite_stats_breakdown *b = &s->dims[dim];
    for (size_t i = 0; i < b->n; i++)
        if (strcmp(b->items[i].valeur, valeur) == 0) {
            b->items[i].activites += activites;
            b->items[i].accompagnements += accompagnements;
            b->items[i].minutes += minutes;
            b->items[i].participants += participants;
            return;
        }
    b->items = arena_push(c->a, b->items, b->n, &c->cap[dim], sizeof(*b->items));
    b->items[b->n++] = (struct activite_stats_value){arena_strdup(c->a, valeur), activites,
                                                     accompagnements, minutes, participants};
}

static int compare_values(const void *pa, const void *pb)
{
    const struct activite_stats_value *a = pa, *b = pb;
    return strcmp(a->valeur, b->valeur);
}

static void finish(struct activite_stats *s)
{
    for (int d = 1; d < ACTIVITE_DIM_COUNT; d++)
        if (s->dims[d].n > 1)
            qsort(s->dims[d].items, s->dims[d].n, sizeof(*s->dims[d].items), compare_values);
    const struct activite_stats_value *anon =
        activite_stats_find(s, ACTIVITE_DIM_BENEFICIAIRES, "anonymes_collectifs");
    const struct activite_stats_value *nouveaux =
        activite_stats_find(s, ACTIVITE_DIM_BENEFICIAIRES, "nouveaux");
    s->anonymes += anon ? anon->accompagnements : 0;
    s->nouveaux = nouveaux ? nouveaux->accompagnements : 0;
    s->beneficiaires = s->suivis + s->anonymes;
}

const struct activite_stats_value *activite_stats_find(const struct activite_stats *s, int dim,
                                                       const char *valeur)
{
    if (dim <= 0 || dim >= ACTIVITE_DIM_COUNT)
        return NULL;
    for (size_t i = 0; i < s->dims[dim].n; i++)
        if (strcmp(s->dims[dim].items[i].valeur, valeur) == 0)
            return &s->dims[dim].items[i];
    return NULL;
}

/* Which of the four shapes leads, and its key. */
static int shape_of(const struct activite_stats_filter *f)
{
    if (f->mediateur_id)
        return 3;
    if (f->structure_id)
        return 2;
    if (f->departement && *f->departement)
        return 1;
    return 0;
}

static void bind_key(struct db_stmt *st, int shape, const struct activite_stats_filter *f)
{
    if (shape == 0)
        db_bind_text(st, 3, "");
    else if (shape == 1)
        db_bind_text(st, 3, f->departement);
    else
        db_bind_int64(st, 3, shape == 2 ? f->structure_id : f->mediateur_id);
}

/* Counters drop values whose counts are all zero; so does the raw engine. */
static void drop_zeros(struct activite_stats *s)
{
    for (int d = 1; d < ACTIVITE_DIM_COUNT; d++) {
        struct activite_stats_breakdown *b = &s->dims[d];
        size_t k = 0;
        for (size_t i = 0; i < b->n; i++)
            if (b->items[i].activites || b->items[i].accompagnements || b->items[i].participants)
                b->items[k++] = b->items[i];
        b->n = k;
    }
}

int activite_stats_from_aggregates(struct db *db, struct arena *a,
                                   const struct activite_stats_filter *f,
                                   struct activite_stats *out)
{
    memset(out, 0, sizeof(*out));
    int rc = series_init(a, f, out);
    if (rc)
        return rc;
    int shape = shape_of(f);
    int64_t mois_du = (int64_t)strtol(f->du, NULL, 10) * 100 + strtol(f->du + 5, NULL, 10);
    int64_t mois_au = (int64_t)strtol(f->au, NULL, 10) * 100 + strtol(f->au + 5, NULL, 10);
    int64_t jour_du = out->jours[0].periode, jour_au = out->jours[out->n_jours - 1].periode;
    struct collect c = {.a = a};
    const char *sqls[4] = {sql_agg_dims[shape], sql_agg_total[shape], sql_agg_jours[shape],
                           sql_agg_personnes[shape]};
    for (int q = 0; q < 4 && rc == 0; q++) {
        struct db_stmt *st;
        rc = db_prepare(db, sqls[q], &st);
        if (rc)
            break;
        db_bind_int64(st, 1, q == 2 ? jour_du : mois_du);
        db_bind_int64(st, 2, q == 2 ? jour_au : mois_au);
        bind_key(st, shape, f);
        if (shape == 3)
            db_bind_int64(st, 4, f->structure_id);
        while ((rc = db_step(st)) == 1) {
            if (q == 0) {
                value_add(&c, out, (int)db_col_int64(st, 0), db_col_text(st, 1),
                          db_col_int64(st, 2), db_col_int64(st, 3), db_col_int64(st, 4),
                          db_col_int64(st, 5));
            } else if (q == 1) {
                out->activites += db_col_int64(st, 1);
                out->accompagnements += db_col_int64(st, 2);
                out->minutes += db_col_int64(st, 3);
                out->participants += db_col_int64(st, 4);
                series_add(out->mois, out->n_mois, db_col_int64(st, 0), db_col_int64(st, 1),
                           db_col_int64(st, 2));
            } else if (q == 2) {
                series_add(out->jours, out->n_jours, db_col_int64(st, 0), db_col_int64(st, 1),
                           db_col_int64(st, 2));
            } else {
                if (db_col_int64(st, 0))
                    out->anonymes += db_col_int64(st, 1);
                else
                    out->suivis += db_col_int64(st, 1);
            }
        }
        db_reset(st);
        rc = rc < 0 ? rc : 0;
    }
    if (rc)
        return rc;
    drop_zeros(out);
    finish(out);
    return 0;
}

static void raw_bind(struct db_stmt *st, int shape, const struct activite_stats_filter *f)
{
    db_bind_text(st, 1, f->du);
    db_bind_text(st, 2, f->au);
    bind_key(st, shape, f);
    db_bind_int64(st, 4, f->structure_id);
    db_bind_int64(st, 5, f->mediateur_id);
    db_bind_int64(st, 6, f->lieu_id);
    db_bind_text(st, 7, f->type ? f->type : "");
    db_bind_text(st, 8, f->commune ? f->commune : "");
    db_bind_text(st, 9, f->thematique ? f->thematique : "");
    db_bind_int64(st, 10, f->tag_id);
}

/* The anonymous workshop participants, from the sums of their counts (the same rule as the
 * counters: what a breakdown leaves out is « non communiqué »). */
static void raw_anon(struct collect *c, struct activite_stats *s, const int64_t an[18])
{
    int64_t total = an[0];
    if (total <= 0)
        return;
    value_add(c, s, ACTIVITE_DIM_BENEFICIAIRES, "anonymes_collectifs", 0, total, 0, 0);
    value_add(c, s, ACTIVITE_DIM_BENEFICIAIRES, "nouveaux", 0, total - an[1], 0, 0);
    value_add(c, s, ACTIVITE_DIM_GENRE, "masculin", 0, an[2], 0, 0);
    value_add(c, s, ACTIVITE_DIM_GENRE, "feminin", 0, an[3], 0, 0);
    value_add(c, s, ACTIVITE_DIM_GENRE, "non_communique", 0, total - an[2] - an[3], 0, 0);
    int64_t t = 0, st = 0;
    for (int i = 0; i < TRANCHE_AGE_COUNT; i++)
        t += an[5 + i];
    for (int i = 0; i < STATUT_SOCIAL_COUNT; i++)
        st += an[13 + i];
    for (int i = 0; i < TRANCHE_AGE_COUNT; i++)
        value_add(c, s, ACTIVITE_DIM_TRANCHE_AGE, vocab_value(&vocab_tranche_age, i), 0,
                  an[5 + i] + (i == TRANCHE_AGE_NON_COMMUNIQUE ? total - t : 0), 0, 0);
    for (int i = 0; i < STATUT_SOCIAL_COUNT; i++)
        value_add(c, s, ACTIVITE_DIM_STATUT, vocab_value(&vocab_statut_social, i), 0,
                  an[13 + i] + (i == STATUT_SOCIAL_NON_COMMUNIQUE ? total - st : 0), 0, 0);
}

int activite_stats_from_raw(struct db *db, struct arena *a, const struct activite_stats_filter *f,
                            struct activite_stats *out)
{
    memset(out, 0, sizeof(*out));
    out->from_raw = true;
    int rc = series_init(a, f, out);
    if (rc)
        return rc;
    int shape = shape_of(f);
    struct collect c = {.a = a};
    for (int q = 0; q < RAW_COUNT && rc == 0; q++) {
        struct db_stmt *st;
        rc = db_prepare(db, sql_raw[shape][q], &st);
        if (rc)
            break;
        raw_bind(st, shape, f);
        while ((rc = db_step(st)) == 1) {
            const char *v = db_col_is_null(st, 0) ? NULL : db_col_text(st, 0);
            int cols = db_col_count(st);
            int64_t n1 = db_col_int64(st, 1), n2 = cols > 2 ? db_col_int64(st, 2) : 0,
                    n3 = cols > 3 ? db_col_int64(st, 3) : 0,
                    n4 = cols > 4 ? db_col_int64(st, 4) : 0;
            if (q == RAW_TYPE) {
                out->activites += n1;
                out->accompagnements += n2;
                out->minutes += n3;
                out->participants += n4;
                value_add(&c, out, ACTIVITE_DIM_TYPE, v, n1, n2, n3, n4);
            } else if (q == RAW_THEMATIQUE) {
                int t = vocab_find(&vocab_thematique, v);
                value_add(&c, out,
                          t >= 0 && thematique_is_demarche((enum thematique)t)
                              ? ACTIVITE_DIM_DEMARCHE
                              : ACTIVITE_DIM_THEMATIQUE,
                          v, n1, n2, n3, n4);
            } else if (q == RAW_MOIS) {
                int64_t p = v ? (int64_t)strtol(v, NULL, 10) * 100 + strtol(v + 5, NULL, 10) : 0;
                series_add(out->mois, out->n_mois, p, n1, n2);
            } else if (q == RAW_JOURS) {
                int64_t p = v ? (int64_t)strtol(v, NULL, 10) * 10000 +
                                    strtol(v + 5, NULL, 10) * 100 + strtol(v + 8, NULL, 10)
                              : 0;
                series_add(out->jours, out->n_jours, p, n1, n2);
            } else if (q == RAW_PEOPLE) {
                int64_t n = db_col_int64(st, 5);
                value_add(&c, out, ACTIVITE_DIM_GENRE, v, 0, n, 0, 0);
                value_add(&c, out, ACTIVITE_DIM_TRANCHE_AGE, db_col_text(st, 1), 0, n, 0, 0);
                value_add(&c, out, ACTIVITE_DIM_STATUT, db_col_text(st, 2), 0, n, 0, 0);
                if (!db_col_is_null(st, 3))
                    value_add(&c, out, ACTIVITE_DIM_COMMUNE_BENEFICIAIRE, db_col_text(st, 3), 0, n,
                              0, 0);
                if (db_col_int64(st, 4))
                    value_add(&c, out, ACTIVITE_DIM_BENEFICIAIRES, "nouveaux", 0, n, 0, 0);
            } else if (q == RAW_ANON) {
                int64_t an[18];
                for (int i = 0; i < 18; i++)
                    an[i] = db_col_int64(st, i);
                raw_anon(&c, out, an);
            } else if (q == RAW_DISTINCT) {
                if (db_col_int64(st, 0))
                    out->anonymes += n1;
                else
                    out->suivis += n1;
            } else {
                value_add(&c, out, raw_dim[q], v, n1, n2, n3, n4);
            }
        }
        db_reset(st);
        rc = rc < 0 ? rc : 0;
    }
    if (rc)
        return rc;
    drop_zeros(out);
    finish(out);
    return 0;
}

int activite_stats_compute(struct db *db, struct arena *a, const struct activite_stats_filter *f,
                           struct activite_stats *out)
{
    char today[11];
    activite_stats_today(today);
    if (activite_stats_aggregates_can(f, today))
        return activite_stats_from_aggregates(db, a, f, out);
    return activite_stats_from_raw(db, a, f, out);
}
