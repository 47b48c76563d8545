#include "lieux/couverture.h"

#include <math.h>
#include <sys/stat.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "lieux/communes.h"
#include "lieux/standard.h"

const char *couverture_category_label(int category)
{
    unsigned n;
    const char *const *services = lieu_vocab(LF_SERVICES, &n);
    return category >= 0 && (unsigned)category < n ? services[category]
                                                    : "Tous services confondus";
}

uint32_t couverture_service_bit(const char *label, size_t len)
{
    int i = lieu_value_index(LF_SERVICES, label, len);
    return i >= 0 && i < COUVERTURE_N_SERVICES ? 1u << i : 0;
}

/* Most populated first; among equals the farthest, then by code, so that the order is stable.
 * ctx points to the category. */
static int cmp_uncovered(const void *x, const void *y, void *ctx)
{
    int k = *(const int *)ctx;
    const struct couverture_commune *a = *(const struct couverture_commune *const *)x;
    const struct couverture_commune *b = *(const struct couverture_commune *const *)y;
    if (a->zone->population != b->zone->population)
        return a->zone->population > b->zone->population ? -1 : 1;
    if (a->minutes[k] != b->minutes[k])
        return a->minutes[k] > b->minutes[k] ? -1 : 1;
    return strcmp(a->zone->code_insee ? a->zone->code_insee : "",
                  b->zone->code_insee ? b->zone->code_insee : "");
}

/* The communes of cv beyond limit minutes for category k, sorted; arena. */
static const struct couverture_commune **beyond(const struct couverture *cv, int k, double limit,
                                                struct arena *a, size_t *n_out,
                                                uint64_t *population)
{
    const struct couverture_commune **list = arena_alloc(a, (cv->n_communes + 1) * sizeof(*list));
    size_t n = 0;
    *population = 0;
    for (size_t i = 0; i < cv->n_communes; i++)
        if (cv->communes[i].minutes[k] > limit) {
            list[n++] = &cv->communes[i];
            *population += cv->communes[i].zone->population;
        }
    qsort_r(list, n, sizeof(*list), cmp_uncovered, &k);
    *n_out = n;
    return list;
}

int couverture_compute(const struct couverture_zone *zones, size_t n_zones,
                       const struct couverture_point *points, size_t n_points, struct arena *a,
                       struct couverture *out)
{
    memset(out, 0, sizeof(*out));
    if (!n_zones)
        return ERR_INVALID;
    out->n_communes = n_zones;
    out->n_points = n_points;
    out->communes = arena_calloc(a, n_zones, sizeof(*out->communes));
    for (size_t p = 0; p < n_points; p++) {
        for (int k = 0; k < COUVERTURE_N_SERVICES; k++)
            if (points[p].services & (1u << k))
                out->services[k].n_points++;
        out->services[COUVERTURE_ANY].n_points++;
    }
    /* Brute force: a département has a few hundred communes and lieux, so the 10⁵ distances take
     * a few milliseconds; a spatial index would cost more code than it saves. Nearest by distance
     * is nearest by time, since the time grows with the distance from a given commune. */
    for (size_t z = 0; z < n_zones; z++) {
        struct couverture_commune *cc = &out->communes[z];
        cc->zone = &zones[z];
        for (int k = 0; k < COUVERTURE_N_CATEGORIES; k++)
            cc->km[k] = INFINITY;
        for (size_t p = 0; p < n_points; p++) {
            double d =
                geo_distance_km(zones[z].centre, (struct geo_point){points[p].lat, points[p].lon});
            /* Every lieu counts for "any service", even one that declares none (optional since
             * v1.0.1): it is still a place where someone can be helped. */
            if (d < cc->km[COUVERTURE_ANY])
                cc->km[COUVERTURE_ANY] = d;
            for (uint32_t bits = points[p].services & ((1u << COUVERTURE_N_SERVICES) - 1); bits;
                 bits &= bits - 1) {
                int k = __builtin_ctz(bits);
                if (d < cc->km[k])
                    cc->km[k] = d;
            }
        }
        for (int k = 0; k < COUVERTURE_N_CATEGORIES; k++)
            cc->minutes[k] =
                isinf(cc->km[k]) ? INFINITY : geo_travel_minutes_km(cc->km[k], zones[z].density);
        out->population += zones[z].population;
    }
    for (int k = 0; k < COUVERTURE_N_CATEGORIES; k++) {
        struct couverture_service *s = &out->services[k];
        s->over_near =
            beyond(out, k, COUVERTURE_NEAR_MINUTES, a, &s->n_over_near, &s->population_over_near);
        s->over_far =
            beyond(out, k, COUVERTURE_FAR_MINUTES, a, &s->n_over_far, &s->population_over_far);
        if (out->population) {
            s->share_over_near = (double)s->population_over_near / (double)out->population;
            s->share_over_far = (double)s->population_over_far / (double)out->population;
        }
    }
    return 0;
}

int couverture_departement(const struct communes *c, const char *departement,
                           const struct couverture_point *points, size_t n_points, struct arena *a,
                           struct couverture *out)
{
    memset(out, 0, sizeof(*out));
    if (!departement || !communes_departement_nom(c, departement))
        return ERR_NOT_FOUND;
    size_t n = 0, cap = 0, n_without = 0;
    uint64_t pop_without = 0;
    struct couverture_zone *zones = NULL;
    for (size_t i = 0; i < communes_count(c); i++) {
        const struct commune *m = communes_at(c, i);
        if (!communes_counts(m) || strcasecmp(m->departement, departement) != 0)
            continue;
        if (!m->has_centre) {
            n_without++;
            pop_without += m->population;
            continue;
        }
        zones = arena_push(a, zones, n, &cap, sizeof(*zones));
        zones[n++] = (struct couverture_zone){m->code_insee, m->nom, m->population, m->centre,
                                              m->density_class};
    }
    int rc = couverture_compute(zones, n, points, n_points, a, out);
    out->n_without_centre = n_without;
    out->population_without_centre = pop_without;
    return rc;
}

json_t *couverture_geojson(const struct couverture *cv, int category, double over_minutes)
{
    if (category < 0 || category >= COUVERTURE_N_CATEGORIES)
        return NULL;
    json_t *features = json_array();
    for (size_t i = 0; i < cv->n_communes; i++) {
        const struct couverture_commune *cc = &cv->communes[i];
        double minutes = cc->minutes[category];
        if (!(minutes > over_minutes))
            continue;
        json_t *props = json_pack("{s:s?, s:s?, s:I}", "code_insee", cc->zone->code_insee, "nom",
                                  cc->zone->nom, "population", (json_int_t)cc->zone->population);
        json_object_set_new(props, "minutes",
                            isinf(minutes) ? json_null()
                                           : json_integer((json_int_t)lround(minutes)));
        json_object_set_new(props, "km",
                            isinf(cc->km[category])
                                ? json_null()
                                : json_real(round(cc->km[category] * 10.0) / 10.0));
        json_array_append_new(features, json_pack("{s:s, s:{s:s, s:[f, f]}, s:o}", "type",
                                                  "Feature", "geometry", "type", "Point",
                                                  "coordinates", cc->zone->centre.lon,
                                                  cc->zone->centre.lat, "properties", props));
    }
    return json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", features);
}

static bool number_of(json_t *v, double *out)
{
    if (json_is_number(v)) {
        *out = json_number_value(v);
        return true;
    }
    if (json_is_string(v) && json_string_length(v) > 0 && json_string_length(v) < 64) {
        char *end;
        *out = strtod(json_string_value(v), &end);
        return *end == '\0';
    }
    return false;
}

static uint32_t services_of(json_t *v)
{
    const char *s = json_string_value(v);
    uint32_t bits = 0;
    while (s && *s) {
        const char *bar = strchr(s, '|');
        size_t len = bar ? (size_t)(bar - s) : strlen(s);
        bits |= couverture_service_bit(s, len);
        s = bar ? bar + 1 : s + len;
    }
    return bits;
}

int couverture_lieux_from_json(const char *path, const struct communes *c, struct arena *a,
                               struct couverture_lieux *out)
{
    memset(out, 0, sizeof(*out));
    struct stat st;
    if (stat(path, &st) != 0) {
        log_error("couverture : impossible de lire %s", path);
        return ERR_IO;
    }
    if (st.st_size > LIMIT_UPLOAD_BYTES) {
        log_error("couverture : %s dépasse %d Mo", path, LIMIT_UPLOAD_BYTES >> 20);
        return ERR_TOO_BIG;
    }
    json_error_t jerr;
    json_t *root = json_load_file(path, 0, &jerr);
    if (!root || !json_is_array(root)) {
        log_error("couverture : %s n'est pas un tableau JSON de lieux (ligne %d : %s)", path,
                  root ? 1 : jerr.line, root ? "un tableau est attendu" : jerr.text);
        json_decref(root);
        return ERR_INVALID;
    }
    size_t i;
    json_t *row;
    json_array_foreach(root, i, row)
    {
        if (!json_is_object(row))
            continue;
        struct couverture_point pt = {0, 0, services_of(json_object_get(row, "services"))};
        if (!number_of(json_object_get(row, "latitude"), &pt.lat) ||
            !number_of(json_object_get(row, "longitude"), &pt.lon)) {
            bool approximate;
            if (geo_locate_lieu(c, json_string_value(json_object_get(row, "code_insee")),
                                json_string_value(json_object_get(row, "code_postal")),
                                json_string_value(json_object_get(row, "commune")), &pt.lat,
                                &pt.lon, &approximate) != 0) {
                out->without_place++;
                continue;
            }
            out->located++;
        } else if (!geo_in_france(pt.lat, pt.lon)) {
            out->outside++;
            continue;
        }
        out->items = arena_push(a, out->items, out->n, &out->cap, sizeof(*out->items));
        out->items[out->n++] = pt;
    }
    json_decref(root);
    return 0;
}
