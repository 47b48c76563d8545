/*
 * stats: the figures of a statistics dashboard (key figures, monthly and daily series, every
 * breakdown) for a scope (the platform, a département, a structure, a médiateur) and filters.
 *
 * Two engines give the same struct activite_stats:
 * - activite_stats_from_aggregates reads the counters of aggregates.h. It answers the scopes and a
 *   period of whole months (the end may be today): what the dashboards ask by default.
 * - activite_stats_from_raw runs plain GROUP BY queries on the CRAs (cra, cra_thematiques,
 *   cra_tags, accompagnements, beneficiaires), led by the index of the scope (cra_departement_date,
 *   cra_structure_date, cra_mediateur_date). It answers every filter: a type, a lieu, a commune, a
 *   thématique or a tag cut across the dimensions, which the counters do not cross.
 * activite_stats_compute picks the first when it can answer. The unit tests check that both give
 * the same figures on both stores; bench/activite measures both.
 *
 * Memory: everything in a struct activite_stats lives in the arena given.
 */
#ifndef RELAIS_ACTIVITE_STATS_H
#define RELAIS_ACTIVITE_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "activite/aggregates.h"

struct arena;
struct db;

/* Counts under this are shown as « moins de 5 » in shared and public views, so that nobody can be
 * singled out. */
#define ACTIVITE_STATS_MASK_BELOW 5

/* True when a count is shown masked in a shared view: 1 to ACTIVITE_STATS_MASK_BELOW - 1 (zero
 * singles nobody out). */
bool activite_stats_masked(int64_t n);

/* Every zero / NULL / "" member leaves its dimension open. du and au are YYYY-MM-DD, inclusive,
 * both required. */
struct activite_stats_filter {
    const char *departement;
    int64_t structure_id;
    int64_t mediateur_id;
    int64_t lieu_id;
    char du[11], au[11];
    const char *type;       /* cra.type value */
    const char *commune;    /* code INSEE */
    const char *thematique; /* La Coop value */
    int64_t tag_id;
};

struct activite_stats_value {
    const char *valeur;
    int64_t activites, accompagnements, minutes, participants;
};

struct activite_stats_breakdown {
    struct activite_stats_value *items;
    size_t n;
};

struct activite_stats_point {
    int64_t periode; /* YYYYMM or YYYYMMDD */
    int64_t activites, accompagnements;
};

struct activite_stats {
    int64_t activites, accompagnements, minutes, participants;
    int64_t beneficiaires, nouveaux, suivis, anonymes;
    /* dims[ACTIVITE_DIM_TOTAL] is empty (the totals above); the others are sorted by value. */
    struct activite_stats_breakdown dims[ACTIVITE_DIM_COUNT];
    struct activite_stats_point *mois, *jours; /* every month / day of the period, zeros included */
    size_t n_mois, n_jours;
    bool from_raw;
};

/* Today's date YYYY-MM-DD (UTC) into out[11]. */
void activite_stats_today(char out[11]);

/* True when the counters can answer f (see above); today is YYYY-MM-DD. */
bool activite_stats_aggregates_can(const struct activite_stats_filter *f, const char *today);

int activite_stats_from_aggregates(struct db *db, struct arena *a,
                                   const struct activite_stats_filter *f,
                                   struct activite_stats *out);
int activite_stats_from_raw(struct db *db, struct arena *a, const struct activite_stats_filter *f,
                            struct activite_stats *out);
/* One of the two, as said above. ERR_INVALID for a period that is not two dates with du <= au or
 * longer than ACTIVITE_STATS_MAX_DAYS. */
int activite_stats_compute(struct db *db, struct arena *a, const struct activite_stats_filter *f,
                           struct activite_stats *out);

/* A real day written YYYY-MM-DD. */
bool activite_stats_valid_day(const char *s);
/* du and au are real days, du <= au, at most ACTIVITE_STATS_MAX_DAYS apart. */
bool activite_stats_period_ok(const struct activite_stats_filter *f);

/* The longest period of one dashboard: the daily series stays readable and bounded. */
#define ACTIVITE_STATS_MAX_DAYS (5 * 366)

/* The value of a breakdown, or NULL. */
const struct activite_stats_value *activite_stats_find(const struct activite_stats *s, int dim,
                                                       const char *valeur);

#endif
