/*
 * geo: distances on the globe, the estimated travel time by car, the coarse "is this in France"
 * check, and the geocoding of a lieu that has no coordinates from its commune.
 *
 * The travel time is an ESTIMATE from a straight-line distance, never a routed time: every page
 * that shows it must say so, and geo_travel_model_fr is the French paragraph that explains it. The
 * model and the reasons for its numbers are in geo.c.
 *
 * Nothing here allocates; geo_locate_lieu borrows the communes table (see communes.h).
 */
#ifndef RELAIS_LIEUX_GEO_H
#define RELAIS_LIEUX_GEO_H

#include <stdbool.h>

struct communes;

struct geo_point {
    double lat, lon; /* WGS84 degrees */
};

/* How built-up the area around a commune is, which sets the average speed of a trip from it.
 * communes.c computes a density proxy (inhabitants per km² within 5 km) and geo_density_class
 * turns it into one of these. */
enum geo_density {
    GEO_DENSE,        /* dense town centre: slow traffic, lights, parking */
    GEO_INTERMEDIATE, /* small towns and suburbs */
    GEO_RURAL,        /* villages and open country */
    GEO_N_DENSITIES
};

/* Great-circle (haversine) distance in kilometres. */
double geo_distance_km(struct geo_point a, struct geo_point b);

/* Estimated minutes by car for a straight-line distance, from an area of the given density. */
double geo_travel_minutes_km(double straight_km, enum geo_density from_density);
/* The same between two points; the density is the one of the place where the trip starts (the
 * person's commune). */
double geo_travel_minutes(struct geo_point from, struct geo_point to,
                          enum geo_density from_density);

/* The model in one French paragraph, for the pages that show an estimated time. Static. */
extern const char geo_travel_model_fr[];

/* The class of a density proxy in inhabitants per km² (see communes.c for how it is measured). */
enum geo_density geo_density_class(double inhabitants_per_km2);
/* "dense", "intermédiaire", "rural": static. */
const char *geo_density_name_fr(enum geo_density d);

/* True when the point falls in one of the boxes around metropolitan France (with Corsica) or an
 * overseas territory (DROM and COM). The boxes are generous: this catches swapped latitude and
 * longitude, zeros and typos, not a point a few kilometres off the coast. */
bool geo_in_france(double lat, double lon);

/* Coordinates for a lieu that has none, from its commune: the INSEE code first, else the postcode
 * (the name chooses among the communes that share it), else the name alone when exactly one
 * commune bears it. The answer is the commune's centroid, so *approximate is set to true; for
 * Paris, Lyon and Marseille the arrondissement of the postcode is used when there is one.
 * Any of the three strings may be NULL or empty. ERR_NOT_FOUND when no commune with coordinates
 * matches. */
int geo_locate_lieu(const struct communes *c, const char *code_insee, const char *code_postal,
                    const char *commune_name, double *lat, double *lon, bool *approximate);

#endif
