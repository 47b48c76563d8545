/*
 * couverture: how far a département's population lives from the lieux that offer each service.
 *
 * For every commune of the département (its population placed at its centroid) and every service,
 * the estimated travel time by car (geo.h: an estimate, never a route) to the nearest point that
 * offers the service; then, per service and for "any service", the share of the population living
 * more than 15 and more than 30 minutes away, and the communes in that situation, most populated
 * first. It is the coordinator's view of where the territory's offer is missing.
 *
 * The points are taken as given: a person may cross a border, so the caller decides whether to pass
 * the lieux of neighbouring départements too (the answer can only improve with them). Trips start
 * from the commune, so the speed is the one of the commune's density class.
 *
 * Ownership: everything couverture_compute and couverture_departement produce lives in the arena
 * passed in (lifetime: arena); zone names are borrowed from the caller (from the communes table for
 * couverture_departement). couverture_geojson returns a new jansson reference (caller-frees with
 * json_decref).
 */
#ifndef RELAIS_LIEUX_COUVERTURE_H
#define RELAIS_LIEUX_COUVERTURE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lieux/geo.h"

struct arena;
struct communes;

/* The 9 services of the standard v1, in its order, as bits 0..8 of a point's services. */
#define COUVERTURE_N_SERVICES 9
/* Index of "any service" in the per-service arrays below. */
#define COUVERTURE_ANY COUVERTURE_N_SERVICES
#define COUVERTURE_N_CATEGORIES (COUVERTURE_N_SERVICES + 1)

/* The two thresholds of the report, in estimated minutes. */
#define COUVERTURE_NEAR_MINUTES 15.0
#define COUVERTURE_FAR_MINUTES 30.0

/* The standard's label of service i (0..8, from the vocabulary of standard.h), or "Tous services
 * confondus" for COUVERTURE_ANY. Static. */
const char *couverture_category_label(int category);
/* The bit of a service label of the standard (exact text), or 0 when it is not one. */
uint32_t couverture_service_bit(const char *label, size_t len);

/* A lieu, reduced to what coverage needs. */
struct couverture_point {
    double lat, lon;
    uint32_t services; /* bit i: service i of the standard's vocabulary */
};

/* A person may cross a département's border: lieux this far outside the box of its communes
 * count too. */
#define COUVERTURE_MARGIN_KM 60.0

/* The located lieux of a search index that may serve the département: those within COUVERTURE_MARGIN_KM of the
 * box around its communes, with their services as bits (couverture_lieux.c). Arena memory. */
struct lieux_index;
size_t couverture_points_from_index(struct arena *a, const struct lieux_index *idx,
                                    const struct communes *c, const char *code,
                                    struct couverture_point **out);

/* A place where people live: a commune, or anything with a population and a centroid. */
struct couverture_zone {
    const char *code_insee;
    const char *nom;
    uint32_t population;
    struct geo_point centre;
    enum geo_density density;
};

struct couverture_commune {
    const struct couverture_zone *zone;
    /* Per category: estimated minutes and straight-line km to the nearest point offering it;
     * INFINITY when no point offers it at all. */
    double minutes[COUVERTURE_N_CATEGORIES];
    double km[COUVERTURE_N_CATEGORIES];
};

struct couverture_service {
    size_t n_points; /* points offering it */
    uint64_t population_over_near, population_over_far;
    double share_over_near, share_over_far; /* of the population with a centroid, 0..1 */
    /* Communes more than 15 (resp. 30) minutes away, most populated first (then farthest). */
    const struct couverture_commune **over_near, **over_far;
    size_t n_over_near, n_over_far;
};

struct couverture {
    uint64_t population; /* of the zones used */
    size_t n_communes;
    struct couverture_commune *communes;
    size_t n_points;
    /* Communes of the département left out because they have no centroid. */
    size_t n_without_centre;
    uint64_t population_without_centre;
    struct couverture_service services[COUVERTURE_N_CATEGORIES];
};

/* The analysis over given zones and points. A département without any point is not an error: every
 * share is then 1. ERR_INVALID when there is no zone. */
int couverture_compute(const struct couverture_zone *zones, size_t n_zones,
                       const struct couverture_point *points, size_t n_points, struct arena *a,
                       struct couverture *out);

/* The same over the current communes of a département of the table (the arrondissements for Paris,
 * Lyon and Marseille, not the city twice). ERR_NOT_FOUND for an unknown département. */
int couverture_departement(const struct communes *c, const char *departement,
                           const struct couverture_point *points, size_t n_points, struct arena *a,
                           struct couverture *out);

/* A GeoJSON FeatureCollection of the communes more than over_minutes away from category (a
 * service index or COUVERTURE_ANY), as points with properties code_insee, nom, population,
 * minutes (rounded, null when no point offers the service) and km. NULL for a bad category. */
json_t *couverture_geojson(const struct couverture *cv, int category, double over_minutes);

/* The points of a JSON file in the standard v1 (an array of flat objects), until the lieux are
 * read from the store: latitude, longitude and services only; a lieu without coordinates is placed
 * at its commune's centroid (geo_locate_lieu), one with coordinates outside France is left out.
 * items lives in the arena. */
struct couverture_lieux {
    struct couverture_point *items;
    size_t n, cap;
    size_t located;       /* placed at their commune's centroid */
    size_t without_place; /* neither coordinates nor a known commune: left out */
    size_t outside;       /* coordinates outside France: left out */
};

/* ERR_IO (unreadable), ERR_TOO_BIG (over LIMIT_UPLOAD_BYTES) or ERR_INVALID (not a JSON array),
 * the reason logged in French. */
int couverture_lieux_from_json(const char *path, const struct communes *c, struct arena *a,
                               struct couverture_lieux *out);

/* `relais couverture`: the report of a département in French on standard output (couverture_cli.c).
 * argv[0] is "couverture". Returns the exit status. */
int couverture_cli(int argc, char **argv);

#endif
