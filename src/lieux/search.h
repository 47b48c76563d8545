/*
 * search: the in-memory index of published lieux and the query behind the public search page and
 * /api/v1/lieux. Nearest first, within a radius (5–100 km) or an estimated travel time, with
 * filters on the standard's enumerations (any selected value within a field, every field at once),
 * online booking, and opening hours; facet counts per filter value (how many lieux each value would
 * give, the other filters kept).
 *
 * The index is built from the database and read-only afterwards; a new one replaces it whole
 * (lieux_index_refresh) after writes, so readers never lock each other. Results borrow the index's
 * strings: hold the index (acquire/release) while using them.
 */
#ifndef RELAIS_LIEUX_SEARCH_H
#define RELAIS_LIEUX_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lieux/geo.h"
#include "lieux/lieu.h"

struct arena;
struct db;
struct horaires;

/* The filterable dimensions, with the standard field each one reads. */
enum search_dim {
    SD_SERVICES,
    SD_PUBLICS,
    SD_PRISE_EN_CHARGE,
    SD_FRAIS,
    SD_MODALITES_ACCES,
    SD_MODALITES_ACCOMPAGNEMENT,
    SD_DISPOSITIFS,
    SD_ITINERANCE,
    SD_TYPOLOGIE,
    SEARCH_N_DIMS
};

#define SEARCH_MAX_VALUES 96 /* typologie has 92 values; the others fewer than 16 */

/* The standard field of a dimension. */
enum lieu_field search_dim_field(enum search_dim d);

struct lieux_entry {
    int64_t id;
    const char *nom, *commune, *code_postal, *departement, *adresse;
    const char *horaires_text;
    const struct horaires *horaires; /* NULL when empty or unparsable; its calendar is the one of
                                        the lieu's département */
    const char *horaires_fr;         /* its French rendering, or NULL */
    int32_t horaires_id;             /* index among the index's distinct hours, or -1 */
    bool has_coords, coords_approx, online_booking;
    double lat, lon;
    uint64_t dims[SEARCH_N_DIMS][2]; /* value bits per dimension */
};

enum search_open { SEARCH_OPEN_ANY, SEARCH_OPEN_AT, SEARCH_OPEN_WINDOW };

struct lieux_query {
    bool has_center;
    struct geo_point center;
    enum geo_density density;       /* of the person's commune, for travel times */
    double radius_km;               /* 0: no limit (then results are by name) */
    double max_minutes;             /* 0: no limit on the estimated time */
    uint64_t sel[SEARCH_N_DIMS][2]; /* selected values; none selected = no filter on that field */
    bool online_booking;
    enum search_open open;      /* a filter; the open status of hits is computed at `at` anyway */
    struct tm at;               /* local time (Europe/Paris): the moment for the open status and
                                   SEARCH_OPEN_AT, and the day of SEARCH_OPEN_WINDOW */
    int window_from, window_to; /* minutes since midnight, SEARCH_OPEN_WINDOW */
    const char *departement;    /* NULL: everywhere */
    size_t offset, limit;
};

struct lieux_hit {
    const struct lieux_entry *e;
    double km;      /* valid when the query has a center and the lieu coordinates */
    double minutes; /* estimated, same condition */
    int open;       /* 1 open, 0 closed, -1 unknown (no usable hours); at the query's time */
};

struct lieux_result {
    struct lieux_hit *hits; /* offset .. offset+limit of the matches */
    size_t n_hits;
    size_t total; /* every match */
    /* facet[d][v]: matches if value v of dimension d were the only filter on d */
    uint32_t facet[SEARCH_N_DIMS][SEARCH_MAX_VALUES];
    uint32_t facet_online_booking, facet_open;
};

struct lieux_index;

/* Builds an index of the published lieux from the database (caller releases it). */
int lieux_index_build(struct db *db, struct lieux_index **out);
/* The current process-wide index (with a reference: release it), or NULL before the first build. */
struct lieux_index *lieux_index_acquire(void);
void lieux_index_release(struct lieux_index *idx);
/* Rebuilds the process-wide index when the lieux changed in the database since the last build,
 * checking at most every max_age_s seconds (0: check now). Several processes serving one database
 * each see the others' writes within that delay. */
int lieux_index_refresh(struct db *db, int max_age_s);
/* Marks the lieux as changed in the database (after a committed write), so that every process
 * rebuilds its index. */
int lieux_index_touch(struct db *db);

size_t lieux_index_count(const struct lieux_index *idx);
const struct lieux_entry *lieux_index_get(const struct lieux_index *idx, int64_t id);

/* Runs the query; hits are in the arena. */
int lieux_search(const struct lieux_index *idx, const struct lieux_query *q, struct arena *a,
                 struct lieux_result *out);

/* Sets value bit v of dimension d in the query. */
void lieux_query_select(struct lieux_query *q, enum search_dim d, unsigned v);

#endif
