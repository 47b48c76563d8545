/* The points of a coverage analysis from the search index of the stored lieux. */
#include "core/arena.h"
#include "lieux/communes.h"
#include "lieux/couverture.h"
#include "lieux/search.h"
#include "lieux/standard.h"

#include <math.h>
#include <string.h>

/* The located lieux of the index that may serve the département: those within a margin of the
 * box around its communes. */
size_t couverture_points_from_index(struct arena *a, const struct lieux_index *idx,
                                    const struct communes *c, const char *code,
                                    struct couverture_point **out)
{
    double lat_min = 90, lat_max = -90, lon_min = 180, lon_max = -180;
    for (size_t i = 0; i < communes_count(c); i++) {
        const struct commune *m = communes_at(c, i);
        if (!m->has_centre || strcmp(m->departement, code) != 0)
            continue;
        lat_min = fmin(lat_min, m->centre.lat), lat_max = fmax(lat_max, m->centre.lat);
        lon_min = fmin(lon_min, m->centre.lon), lon_max = fmax(lon_max, m->centre.lon);
    }
    double dlat = COUVERTURE_MARGIN_KM / 111.0;
    double dlon = dlat / fmax(0.2, cos((lat_min + lat_max) / 2 * M_PI / 180.0));
    struct lieux_query q = {0};
    struct lieux_result r;
    if (lieux_search(idx, &q, a, &r) != 0)
        return 0;
    /* Bit i of a point is service i of the standard's vocabulary, whatever the vocabulary's
     * order. */
    unsigned n_vocab;
    const char *const *vocab = lieu_vocab(LF_SERVICES, &n_vocab);
    uint32_t bit_of[64] = {0};
    for (unsigned v = 0; v < n_vocab && v < 64; v++)
        bit_of[v] = couverture_service_bit(vocab[v], strlen(vocab[v]));
    struct couverture_point *pts = arena_calloc(a, r.n_hits + 1, sizeof(*pts));
    size_t n = 0;
    for (size_t i = 0; i < r.n_hits; i++) {
        const struct lieux_entry *e = r.hits[i].e;
        if (!e->has_coords || e->lat < lat_min - dlat || e->lat > lat_max + dlat ||
            e->lon < lon_min - dlon || e->lon > lon_max + dlon)
            continue;
        uint32_t services = 0;
        for (unsigned v = 0; v < n_vocab && v < 64; v++)
            if (e->dims[SD_SERVICES][0] & ((uint64_t)1 << v))
                services |= bit_of[v];
        pts[n++] = (struct couverture_point){e->lat, e->lon, services};
    }
    *out = pts;
    return n;
}

