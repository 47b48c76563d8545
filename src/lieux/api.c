/*
 * The JSON API of lieux: GET /api/v1/lieux (the search of the public page, with the same
 * parameters, as JSON with facet counts) and GET /api/v1/lieux/{id} (a lieu with the 32 fields of
 * the standard v1 under their own names). Pages by cursor: « apres » is the « suivant » of the
 * previous page (the number of results already given, since results are ordered by distance).
 */
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "lieux/pages_common.h"
#include "lieux/pages_handlers.h"
#include "lieux/pages_query.h"
#include "lieux/search.h"
#include "lieux/standard.h"
#include "lieux/store.h"

#include <jansson.h>
#include <math.h>
#include <string.h>
#include <time.h>

#define API_DEFAULT_LIMIT 50

static json_t *str_or_null(const char *s) { return s && *s ? json_string(s) : json_null(); }

/* One decimal for kilometres, whole minutes. */
static json_t *rounded(double v, double unit)
{
    return isfinite(v) ? json_real(round(v / unit) * unit) : json_null();
}

static json_t *values_of(const struct lieux_entry *e, enum search_dim d)
{
    unsigned n;
    const char *const *vocab = lieu_vocab(search_dim_field(d), &n);
    json_t *list = json_array();
    for (unsigned v = 0; v < n && v < 128; v++)
        if (e->dims[d][v / 64] & ((uint64_t)1 << (v % 64)))
            json_array_append_new(list, json_string(vocab[v]));
    return list;
}

static json_t *hit_json(struct arena *a, const struct lieux_params *p, const struct lieux_hit *h,
                        time_t now)
{
    const struct lieux_entry *e = h->e;
    struct lieux_hours hours;
    lieux_hours_of_entry(a, e, now, &hours);
    bool located = p->q.has_center && e->has_coords;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(e->id));
    json_object_set_new(o, "nom", str_or_null(e->nom));
    json_object_set_new(o, "adresse", str_or_null(e->adresse));
    json_object_set_new(o, "code_postal", str_or_null(e->code_postal));
    json_object_set_new(o, "commune", str_or_null(e->commune));
    json_object_set_new(o, "departement", str_or_null(e->departement));
    json_object_set_new(o, "latitude", e->has_coords ? json_real(e->lat) : json_null());
    json_object_set_new(o, "longitude", e->has_coords ? json_real(e->lon) : json_null());
    json_object_set_new(o, "coordonnees_approximatives", json_boolean(e->coords_approx));
    json_object_set_new(o, "distance_km", located ? rounded(h->km, 0.1) : json_null());
    json_object_set_new(o, "duree_estimee_min", located ? rounded(h->minutes, 1) : json_null());
    json_object_set_new(o, "ouvert", hours.open < 0 ? json_null() : json_boolean(hours.open));
    json_object_set_new(o, "horaires", str_or_null(e->horaires_text));
    json_object_set_new(o, "horaires_fr", str_or_null(hours.french));
    json_object_set_new(o, "prise_rdv", json_boolean(e->online_booking));
    for (int d = 0; d < SEARCH_N_DIMS; d++)
        json_object_set_new(o, lieux_dim_name((enum search_dim)d),
                            values_of(e, (enum search_dim)d));
    json_object_set_new(o, "url", json_string(arena_printf(a, "/lieux/%lld", (long long)e->id)));
    return o;
}

static json_t *facets_json(const struct lieux_result *r)
{
    json_t *o = json_object();
    for (int d = 0; d < SEARCH_N_DIMS; d++) {
        unsigned n;
        const char *const *vocab = lieu_vocab(search_dim_field((enum search_dim)d), &n);
        json_t *counts = json_object();
        for (unsigned v = 0; v < n && v < SEARCH_MAX_VALUES; v++)
            if (r->facet[d][v])
                json_object_set_new(counts, vocab[v], json_integer(r->facet[d][v]));
        json_object_set_new(o, lieux_dim_name((enum search_dim)d), counts);
    }
    json_object_set_new(o, "prise_rdv", json_integer(r->facet_online_booking));
    json_object_set_new(o, "ouvert", json_integer(r->facet_open));
    return o;
}

/* The communes a name could mean, for the message of a 400. */
static const char *choices_text(struct arena *a, const struct lieux_params *p)
{
    struct buf b;
    buf_init(&b, a, 4096);
    for (size_t i = 0; i < p->n_choices && i < 5; i++) {
        const struct commune *m = p->choices[i].commune;
        buf_addf(&b, "%s%s (code_insee %s)", i ? ", " : "", m->nom, m->code_insee);
    }
    return buf_cstr(&b);
}

int lieux_api_list(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct arena *a = req->arena;
    struct lieux_params p;
    int rc = lieux_params_read(req, &p);
    if (rc)
        return rc;
    if (p.place == LIEUX_PLACE_CHOICE)
        return http_fail(req, ERR_INVALID,
                         arena_printf(a,
                                      "commune : plusieurs communes portent ce nom, précisez "
                                      "code_insee : %s.",
                                      choices_text(a, &p)),
                         "commune");
    if (p.place == LIEUX_PLACE_UNKNOWN)
        return http_fail(req, ERR_INVALID,
                         p.n_choices ? arena_printf(a,
                                                    "commune inconnue. Communes aux noms "
                                                    "proches : %s.",
                                                    choices_text(a, &p))
                                     : "commune inconnue.",
                         "commune");
    int64_t limit = API_DEFAULT_LIMIT, after = 0;
    const char *l = http_param(&req->query, "limite");
    if (l && (cstr_to_int64(l, &limit) || limit < 1 || limit > LIMIT_PAGE_SIZE))
        return http_fail(req, ERR_INVALID, "limite doit être un entier entre 1 et 200.", "limite");
    const char *c = http_param(&req->query, "apres");
    if (c && (cstr_to_int64(c, &after) || after < 0))
        return http_fail(req, ERR_INVALID,
                         "apres doit être le curseur « suivant » d'une page précédente.", "apres");

    lieux_index_refresh(ctx->db, LIEUX_INDEX_MAX_AGE_S);
    struct lieux_index *idx = lieux_index_acquire();
    if (!idx)
        return http_fail(req, ERR_INTERNAL, "La recherche de lieux n'est pas prête.", NULL);
    p.q.offset = (size_t)after;
    p.q.limit = (size_t)limit;
    struct lieux_result r;
    rc = lieux_search(idx, &p.q, a, &r);
    if (rc) {
        lieux_index_release(idx);
        return rc;
    }
    time_t now = time(NULL);
    json_t *data = json_array();
    for (size_t i = 0; i < r.n_hits; i++)
        json_array_append_new(data, hit_json(a, &p, &r.hits[i], now));
    size_t given = (size_t)after + r.n_hits;
    json_t *next = given < r.total ? json_string(arena_printf(a, "%zu", given)) : json_null();
    json_t *body = json_pack("{s:o, s:I, s:o, s:o}", "data", data, "total", (json_int_t)r.total,
                             "facettes", facets_json(&r), "suivant", next);
    lieux_index_release(idx);
    http_json(resp, 200, body);
    return 0;
}

/* "2024-04-02", Paris time. */
static const char *iso_date(struct arena *a, time_t t)
{
    struct tm tm;
    lieux_paris_time(t, &tm);
    return arena_printf(a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int lieux_api_get(struct http_request *req, struct http_response *resp)
{
    struct lieu_record rec;
    int rc = lieux_load(req, &rec);
    if (rc)
        return rc;
    json_t *o = json_object();
    for (int f = 0; f < LIEU_N_FIELDS; f++) {
        const char *name = lieu_field_names[f];
        if (f == LF_LATITUDE)
            json_object_set_new(o, name, rec.has_coords ? json_real(rec.latitude) : json_null());
        else if (f == LF_LONGITUDE)
            json_object_set_new(o, name, rec.has_coords ? json_real(rec.longitude) : json_null());
        else
            json_object_set_new(o, name, str_or_null(rec.row.v[f]));
    }
    json_object_set_new(
        o, "relais",
        json_pack("{s:I, s:s, s:o, s:b, s:b, s:o, s:s}", "id", (json_int_t)rec.id, "departement",
                  rec.departement, "structure",
                  rec.structure_id ? json_integer(rec.structure_id) : json_null(), "publie",
                  rec.published, "coordonnees_approximatives", rec.coords_approx, "verifie_le",
                  rec.verified_at ? json_string(iso_date(req->arena, (time_t)rec.verified_at))
                                  : json_null(),
                  "url", arena_printf(req->arena, "/lieux/%lld", (long long)rec.id)));
    http_json(resp, 200, o);
    return 0;
}
