#include "lieux/geo.h"

#include <math.h>
#include <stddef.h>

#include "core/err.h"
#include "lieux/communes.h"

#define EARTH_RADIUS_KM 6371.0088 /* mean radius (IUGG) */
#define DEG_TO_RAD (3.14159265358979323846 / 180.0)

double geo_distance_km(struct geo_point a, struct geo_point b)
{
    double dlat = (b.lat - a.lat) * DEG_TO_RAD, dlon = (b.lon - a.lon) * DEG_TO_RAD;
    double s1 = sin(dlat / 2), s2 = sin(dlon / 2);
    double h = s1 * s1 + cos(a.lat * DEG_TO_RAD) * cos(b.lat * DEG_TO_RAD) * s2 * s2;
    if (h > 1)
        h = 1;
    return 2 * EARTH_RADIUS_KM * asin(sqrt(h));
}

/*
 * The travel-time model. We have no road graph and do not want one: the question a coordinator asks
 * ("who lives more than half an hour away?") needs a consistent order of magnitude, not a route.
 *
 *  - ROAD_DETOUR 1.3: roads are longer than the straight line. Measured detour indices ("circuity")
 *    of road networks are 1.2 to 1.4 for trips of 5 to 50 km, and about 1.3 is the usual figure for
 *    France's dense network of roads; it is higher in mountains, which we accept as a known error.
 *  - Average door-to-door speeds by the density of the place the trip starts from (the person's
 *    commune, because that is where the trip is slow or fast): 25 km/h in a dense town (50 or
 *    30 km/h limits, lights, congestion: measured city-centre car speeds are 15 to 30 km/h),
 *    45 km/h in small towns and suburbs (a mix of streets and 80 km/h roads), 65 km/h in rural
 *    areas (80 km/h departmental roads slowed by villages and bends). Using one class for the
 *    whole trip overestimates long trips from a town, which matters little below 30 minutes.
 *  - FIXED_MINUTES 2: walking to the car, parking and finding the door; it also keeps a trip inside
 *    the same commune from rounding to zero.
 *
 * So 15 minutes reach about 4 km (straight line) from a dense centre, 7.5 km from a suburb, 11 km
 * from the countryside; 30 minutes reach 9, 16 and 23 km.
 */
#define ROAD_DETOUR 1.3
#define FIXED_MINUTES 2.0
static const double speed_kmh[GEO_N_DENSITIES] = {
    [GEO_DENSE] = 25.0,
    [GEO_INTERMEDIATE] = 45.0,
    [GEO_RURAL] = 65.0,
};

const char geo_travel_model_fr[] =
    "Estimation : distance à vol d'oiseau × 1,3 (les routes ne vont pas en ligne droite), "
    "parcourue à 25 km/h de moyenne en ville dense, 45 km/h en petite ville ou en périphérie et "
    "65 km/h à la campagne, selon la densité de population autour de la commune de départ, plus "
    "2 minutes pour partir et se garer. Ce n'est pas un itinéraire : le temps réel dépend de la "
    "route, de l'heure et du relief, et peut être très différent en montagne ou en transports en "
    "commun.";

double geo_travel_minutes_km(double straight_km, enum geo_density from_density)
{
    if ((unsigned)from_density >= GEO_N_DENSITIES)
        from_density = GEO_INTERMEDIATE;
    if (!(straight_km > 0))
        straight_km = 0;
    return FIXED_MINUTES + straight_km * ROAD_DETOUR / speed_kmh[from_density] * 60.0;
}

double geo_travel_minutes(struct geo_point from, struct geo_point to, enum geo_density from_density)
{
    return geo_travel_minutes_km(geo_distance_km(from, to), from_density);
}

/*
 * The thresholds apply to communes.c's proxy: the population within 5 km of a commune's centroid
 * divided by the disc's area. Smoothing over 78 km² gives lower figures than INSEE's 1 km grid (its
 * "dense" cells start at 1,500 inhabitants per km²), so the thresholds are chosen to give roughly
 * INSEE's split of the population in its density grid: about a third in dense towns, a third in
 * intermediate ones, a third rural. Measured on the 2024 populations: 36 % dense, 33 %
 * intermediate, 31 % rural.
 */
#define DENSE_FROM 1000.0
#define INTERMEDIATE_FROM 150.0

enum geo_density geo_density_class(double inhabitants_per_km2)
{
    if (inhabitants_per_km2 >= DENSE_FROM)
        return GEO_DENSE;
    if (inhabitants_per_km2 >= INTERMEDIATE_FROM)
        return GEO_INTERMEDIATE;
    return GEO_RURAL;
}

const char *geo_density_name_fr(enum geo_density d)
{
    switch (d) {
    case GEO_DENSE:
        return "dense";
    case GEO_INTERMEDIATE:
        return "intermédiaire";
    case GEO_RURAL:
        return "rural";
    default:
        return "inconnue";
    }
}

/* Boxes around each part of France, with a margin of a few kilometres; latitude then longitude. */
static const struct {
    double lat_min, lat_max, lon_min, lon_max;
} france_boxes[] = {
    {41.30, 51.15, -5.25, 9.60},        /* metropolitan France and Corsica */
    {15.80, 16.55, -61.85, -60.95},     /* Guadeloupe */
    {17.85, 18.15, -63.20, -62.75},     /* Saint-Martin and Saint-Barthélemy */
    {14.35, 14.90, -61.25, -60.75},     /* Martinique */
    {2.10, 5.85, -54.65, -51.55},       /* Guyane */
    {-21.42, -20.85, 55.20, 55.85},     /* La Réunion */
    {-13.05, -12.60, 44.95, 45.35},     /* Mayotte */
    {46.70, 47.15, -56.45, -56.10},     /* Saint-Pierre-et-Miquelon */
    {-14.40, -13.15, -178.25, -176.05}, /* Wallis-et-Futuna */
    {-27.70, -7.80, -154.80, -134.40},  /* Polynésie française */
    {-22.90, -19.50, 163.50, 168.20},   /* Nouvelle-Calédonie */
};

bool geo_in_france(double lat, double lon)
{
    for (size_t i = 0; i < sizeof(france_boxes) / sizeof(france_boxes[0]); i++)
        if (lat >= france_boxes[i].lat_min && lat <= france_boxes[i].lat_max &&
            lon >= france_boxes[i].lon_min && lon <= france_boxes[i].lon_max)
            return true;
    return false;
}

static bool is_blank(const char *s) { return !s || !*s; }

/* Among communes sharing a postcode, the one whose name matches; for a PLM city, its
 * arrondissement that has this postcode (more precise than the city's centroid). */
static const struct commune *pick_by_name(const struct communes *c, const struct commune **cands,
                                          size_t n, const char *name)
{
    const struct commune *best = NULL;
    if (!is_blank(name)) {
        struct communes_result r[COMMUNES_RESULTS_MAX];
        size_t nr = communes_search(c, name, NULL, COMMUNES_RESULTS_MAX, r);
        /* The best-ranked search answer that shares the postcode. */
        for (size_t i = 0; i < nr && !best; i++)
            for (size_t j = 0; j < n && !best; j++)
                if (r[i].commune == cands[j] && r[i].rank <= 5)
                    best = cands[j];
    }
    if (!best)
        best = cands[0]; /* the most populated */
    if (best->plm_city)
        for (size_t j = 0; j < n; j++)
            if (cands[j]->plm_parent >= 0 && communes_at(c, (size_t)cands[j]->plm_parent) == best)
                return cands[j];
    return best;
}

int geo_locate_lieu(const struct communes *c, const char *code_insee, const char *code_postal,
                    const char *commune_name, double *lat, double *lon, bool *approximate)
{
    const struct commune *m = NULL, *cands[32];
    size_t n = is_blank(code_postal) ? 0 : communes_by_postcode(c, code_postal, cands, 32);
    if (n > 32)
        n = 32;
    if (!is_blank(code_insee))
        m = communes_by_insee(c, code_insee);
    if (m && !m->has_centre)
        m = NULL;
    if (m && m->plm_city && n)
        m = pick_by_name(c, cands, n, m->nom);
    if (!m && n)
        m = pick_by_name(c, cands, n, commune_name);
    if (!m && !is_blank(commune_name)) {
        /* The name alone: only when exactly one current commune bears it. */
        struct communes_result r[2];
        size_t nr = communes_search(c, commune_name, NULL, 2, r);
        if (nr >= 1 && r[0].rank == 0 && (nr == 1 || r[1].rank > 0))
            m = r[0].commune;
    }
    if (!m || !m->has_centre)
        return ERR_NOT_FOUND;
    *lat = m->centre.lat;
    *lon = m->centre.lon;
    *approximate = true;
    return 0;
}
