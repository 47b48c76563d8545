#include "lieux/search.h"
#include "core/alloc.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "db/db.h"
#include "lieux/horaires.h"
#include "lieux/standard.h"
#include "lieux/store.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

static const char SQL_VERSION_GET[] = "SELECT value FROM settings WHERE key = 'lieux_version'";
static const char SQL_VERSION_SET[] =
    "INSERT INTO settings (key, value) VALUES ('lieux_version', $1) "
    "ON CONFLICT (key) DO UPDATE SET value = $1";

/* Located entries are sorted by rows of SEARCH_ROW_DEG of latitude, then by longitude, so that a
 * search reads, row by row, only the longitudes of its box. */
#define SEARCH_ROW_DEG 0.25
#define SEARCH_ROWS 722 /* 180 / SEARCH_ROW_DEG, plus one row on each side */

static int lat_row(double lat)
{
    int r = (int)floor((lat + 90.0) / SEARCH_ROW_DEG);
    return r < 0 ? 0 : r >= SEARCH_ROWS - 1 ? SEARCH_ROWS - 2 : r;
}

struct lieux_index {
    atomic_int refs;
    uint32_t row_start[SEARCH_ROWS]; /* first located entry of each row; row_start[r+1] ends it */
    struct arena arena;
    struct lieux_entry *entries; /* with coordinates first, by latitude; then the others */
    size_t n, n_located;
    struct lieux_entry **by_id; /* sorted by id */
    /* Distinct opening-hours texts, parsed once: lieux often share the same value. */
    const char **hours_text; /* the calendar's number, then the text */
    const struct horaires **hours;
    const char **hours_fr;
    size_t n_hours, cap_hours;
    int32_t *hours_slots; /* open-addressing table of indexes into hours_text, during the build */
    size_t n_slots;
    /* Shared by every query: the open state of each distinct hours value at the last minute asked,
     * packed in one word ((minute key << 2) | state + 1) so that threads never see half an entry.
     * Queries at the same minute ("now") thus evaluate each value once for all. */
    _Atomic int64_t *hours_at;
    char version[64];
};

static const enum lieu_field dim_fields[SEARCH_N_DIMS] = {
    [SD_SERVICES] = LF_SERVICES,
    [SD_PUBLICS] = LF_PUBLICS_SPECIFIQUEMENT_ADRESSES,
    [SD_PRISE_EN_CHARGE] = LF_PRISE_EN_CHARGE_SPECIFIQUE,
    [SD_FRAIS] = LF_FRAIS_A_CHARGE,
    [SD_MODALITES_ACCES] = LF_MODALITES_ACCES,
    [SD_MODALITES_ACCOMPAGNEMENT] = LF_MODALITES_ACCOMPAGNEMENT,
    [SD_DISPOSITIFS] = LF_DISPOSITIF_PROGRAMMES_NATIONAUX,
    [SD_ITINERANCE] = LF_ITINERANCE,
    [SD_TYPOLOGIE] = LF_TYPOLOGIE,
};

enum lieu_field search_dim_field(enum search_dim d) { return dim_fields[d]; }

void lieux_query_select(struct lieux_query *q, enum search_dim d, unsigned v)
{
    if (v < 128)
        q->sel[d][v / 64] |= (uint64_t)1 << (v % 64);
}

static void facts_to_dims(const struct lieu_facts *f, uint64_t dims[SEARCH_N_DIMS][2])
{
    memset(dims, 0, sizeof(uint64_t) * SEARCH_N_DIMS * 2);
    dims[SD_SERVICES][0] = f->services;
    dims[SD_PUBLICS][0] = f->publics_specifiquement_adresses;
    dims[SD_PRISE_EN_CHARGE][0] = f->prise_en_charge_specifique;
    dims[SD_FRAIS][0] = f->frais_a_charge;
    dims[SD_MODALITES_ACCES][0] = f->modalites_acces;
    dims[SD_MODALITES_ACCOMPAGNEMENT][0] = f->modalites_accompagnement;
    dims[SD_DISPOSITIFS][0] = f->dispositif_programmes_nationaux;
    dims[SD_ITINERANCE][0] = f->itinerance;
    dims[SD_TYPOLOGIE][0] = f->typologie[0];
    dims[SD_TYPOLOGIE][1] = f->typologie[1];
}

struct build {
    struct lieux_index *idx;
    size_t cap;
};

static uint64_t text_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The index of the distinct hours value (text and holiday calendar), parsing and rendering it the
 * first time; -1 when it does not parse. */
static int32_t intern_hours(struct lieux_index *idx, const char *departement, const char *value)
{
    enum horaires_calendar cal = horaires_calendar_for_departement(departement);
    const char *text = arena_printf(&idx->arena, "%d%s", (int)cal, value);
    if (idx->n_hours * 2 >= idx->n_slots) {
        size_t n = idx->n_slots ? idx->n_slots * 2 : 1024;
        int32_t *slots = arena_alloc(&idx->arena, n * sizeof(*slots));
        for (size_t i = 0; i < n; i++)
            slots[i] = -1;
        for (size_t k = 0; k < idx->n_hours; k++) {
            size_t j = text_hash(idx->hours_text[k]) & (n - 1);
            while (slots[j] >= 0)
                j = (j + 1) & (n - 1);
            slots[j] = (int32_t)k;
        }
        idx->hours_slots = slots;
        idx->n_slots = n;
    }
    size_t j = text_hash(text) & (idx->n_slots - 1);
    for (; idx->hours_slots[j] >= 0; j = (j + 1) & (idx->n_slots - 1)) {
        int32_t k = idx->hours_slots[j];
        if (strcmp(idx->hours_text[k], text) == 0)
            return idx->hours[k] ? k : -1;
    }
    struct horaires *h = NULL;
    struct horaires_error herr;
    const char *fr = NULL;
    if (horaires_parse(&idx->arena, value, strlen(value), &h, &herr) == 0) {
        horaires_set_calendar(h, cal);
        struct buf b;
        buf_init(&b, &idx->arena, 4096);
        horaires_french(h, &b);
        fr = buf_finish(&b) == 0 && b.len ? buf_cstr(&b) : NULL;
    } else {
        h = NULL;
    }
    size_t cap = idx->cap_hours, cap_fr = idx->cap_hours;
    idx->hours_text = arena_push(&idx->arena, idx->hours_text, idx->n_hours, &cap,
                                 sizeof(*idx->hours_text));
    idx->hours_fr = arena_push(&idx->arena, idx->hours_fr, idx->n_hours, &cap_fr,
                               sizeof(*idx->hours_fr));
    idx->hours = arena_push(&idx->arena, idx->hours, idx->n_hours, &idx->cap_hours,
                            sizeof(*idx->hours));
    idx->hours_text[idx->n_hours] = text;
    idx->hours[idx->n_hours] = h;
    idx->hours_fr[idx->n_hours] = fr;
    idx->hours_slots[j] = (int32_t)idx->n_hours;
    return h ? (int32_t)idx->n_hours++ : (idx->n_hours++, -1);
}

static const char *keep(struct arena *a, const char *s) { return s ? arena_strdup(a, s) : NULL; }

static int add_record(const struct lieu_record *r, void *ctx)
{
    struct build *b = ctx;
    struct lieux_index *idx = b->idx;
    idx->entries = arena_push(&idx->arena, idx->entries, idx->n, &b->cap, sizeof(*idx->entries));
    struct lieux_entry *e = &idx->entries[idx->n++];
    memset(e, 0, sizeof(*e));
    e->id = r->id;
    e->nom = keep(&idx->arena, r->row.v[LF_NOM]);
    e->commune = keep(&idx->arena, r->row.v[LF_COMMUNE]);
    e->code_postal = keep(&idx->arena, r->row.v[LF_CODE_POSTAL]);
    e->adresse = keep(&idx->arena, r->row.v[LF_ADRESSE]);
    e->departement = keep(&idx->arena, r->departement);
    e->horaires_text = keep(&idx->arena, r->row.v[LF_HORAIRES]);
    /* Parsed once per distinct value, so that "open now" costs one evaluation per distinct
     * value and query, not a parse. */
    e->horaires_id = -1;
    if (e->horaires_text && *e->horaires_text) {
        e->horaires_id = intern_hours(idx, e->departement, e->horaires_text);
        if (e->horaires_id >= 0) {
            e->horaires = idx->hours[e->horaires_id];
            e->horaires_fr = idx->hours_fr[e->horaires_id];
        }
    }
    e->online_booking = r->row.v[LF_PRISE_RDV] && *r->row.v[LF_PRISE_RDV];
    e->has_coords = r->has_coords;
    e->coords_approx = r->coords_approx;
    e->lat = r->latitude;
    e->lon = r->longitude;
    struct lieu_facts f;
    lieu_facts_from_row(&r->row, &f);
    facts_to_dims(&f, e->dims);
    return 0;
}

static int by_located_row_lon(const void *pa, const void *pb)
{
    const struct lieux_entry *a = pa, *b = pb;
    if (a->has_coords != b->has_coords)
        return a->has_coords ? -1 : 1;
    if (a->has_coords) {
        int ra = lat_row(a->lat), rb = lat_row(b->lat);
        if (ra != rb)
            return ra < rb ? -1 : 1;
        if (a->lon != b->lon)
            return a->lon < b->lon ? -1 : 1;
    }
    return a->id < b->id ? -1 : a->id > b->id;
}

static int by_id(const void *pa, const void *pb)
{
    const struct lieux_entry *a = *(struct lieux_entry *const *)pa;
    const struct lieux_entry *b = *(struct lieux_entry *const *)pb;
    return a->id < b->id ? -1 : a->id > b->id;
}

static int read_version(struct db *db, char *out, size_t size)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_VERSION_GET, &st);
    if (rc)
        return rc;
    rc = db_step_one(st);
    snprintf(out, size, "%s", rc == 0 ? db_col_text(st, 0) : "");
    db_reset(st);
    return rc == ERR_NOT_FOUND ? 0 : rc;
}

int lieux_index_build(struct db *db, struct lieux_index **out)
{
    struct lieux_index *idx = xcalloc(1, sizeof(*idx));
    atomic_init(&idx->refs, 1);
    arena_init(&idx->arena);
    struct build b = {idx, 0};
    int rc = read_version(db, idx->version, sizeof(idx->version));
    if (rc == 0)
        rc = lieu_store_each(db, NULL, true, add_record, &b);
    if (rc) {
        lieux_index_release(idx);
        return rc;
    }
    idx->hours_at = arena_calloc(&idx->arena, idx->n_hours + 1, sizeof(*idx->hours_at));
    if (idx->n > 1) /* an empty base has no array at all, and qsort must not see NULL */
        qsort(idx->entries, idx->n, sizeof(*idx->entries), by_located_row_lon);
    while (idx->n_located < idx->n && idx->entries[idx->n_located].has_coords)
        idx->n_located++;
    size_t k = 0;
    for (int r = 0; r < SEARCH_ROWS; r++) {
        while (k < idx->n_located && lat_row(idx->entries[k].lat) < r)
            k++;
        idx->row_start[r] = (uint32_t)k;
    }
    idx->by_id = arena_calloc(&idx->arena, idx->n + 1, sizeof(*idx->by_id));
    for (size_t i = 0; i < idx->n; i++)
        idx->by_id[i] = &idx->entries[i];
    if (idx->n > 1)
        qsort(idx->by_id, idx->n, sizeof(*idx->by_id), by_id);
    *out = idx;
    return 0;
}

void lieux_index_release(struct lieux_index *idx)
{
    if (idx && atomic_fetch_sub(&idx->refs, 1) == 1) {
        arena_release(&idx->arena);
        free(idx);
    }
}

static pthread_mutex_t current_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lieux_index *current;
static time_t last_check;
static bool rebuilding;

struct lieux_index *lieux_index_acquire(void)
{
    pthread_mutex_lock(&current_lock);
    struct lieux_index *idx = current;
    if (idx)
        atomic_fetch_add(&idx->refs, 1);
    pthread_mutex_unlock(&current_lock);
    return idx;
}

int lieux_index_refresh(struct db *db, int max_age_s)
{
    time_t t = time(NULL);
    pthread_mutex_lock(&current_lock);
    bool due = !current || max_age_s == 0 || t - last_check >= max_age_s;
    /* One thread rebuilds; the others keep answering from the current index meanwhile. */
    if (!due || (rebuilding && current)) {
        pthread_mutex_unlock(&current_lock);
        return 0;
    }
    last_check = t;
    rebuilding = true;
    char have[64];
    snprintf(have, sizeof(have), "%s", current ? current->version : "\x01");
    pthread_mutex_unlock(&current_lock);

    char version[64];
    int rc = read_version(db, version, sizeof(version));
    struct lieux_index *fresh = NULL;
    if (rc == 0 && strcmp(version, have) != 0)
        rc = lieux_index_build(db, &fresh);
    pthread_mutex_lock(&current_lock);
    struct lieux_index *old = NULL;
    if (fresh) {
        old = current;
        current = fresh;
    }
    rebuilding = false;
    pthread_mutex_unlock(&current_lock);
    if (fresh)
        log_info("lieux: index built, %zu lieux", fresh->n);
    lieux_index_release(old);
    return rc;
}

int lieux_index_touch(struct db *db)
{
    struct arena a = ARENA_INIT;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_VERSION_SET, &st);
    if (rc == 0) {
        db_bind_text(st, 1, crypto_random_token(&a));
        rc = db_exec_stmt(st);
    }
    arena_release(&a);
    return rc;
}

size_t lieux_index_count(const struct lieux_index *idx) { return idx->n; }

const struct lieux_entry *lieux_index_get(const struct lieux_index *idx, int64_t id)
{
    size_t lo = 0, hi = idx->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (idx->by_id[mid]->id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (lo < idx->n && idx->by_id[lo]->id == id) ? idx->by_id[lo] : NULL;
}

/* The dimensions an entry fails, as a bit set (bit d: dimension d). */
static unsigned failing_dims(const struct lieux_entry *e, const struct lieux_query *q)
{
    unsigned fail = 0;
    for (int d = 0; d < SEARCH_N_DIMS; d++) {
        uint64_t s0 = q->sel[d][0], s1 = q->sel[d][1];
        if ((s0 | s1) && !((e->dims[d][0] & s0) | (e->dims[d][1] & s1)))
            fail |= 1u << d;
    }
    return fail;
}

static void count_facets(struct lieux_result *r, const struct lieux_entry *e, int only_dim)
{
    for (int d = 0; d < SEARCH_N_DIMS; d++) {
        if (only_dim >= 0 && d != only_dim)
            continue;
        for (int w = 0; w < 2; w++)
            for (uint64_t bits = e->dims[d][w]; bits; bits &= bits - 1) {
                unsigned v = (unsigned)(w * 64 + __builtin_ctzll(bits));
                if (v < SEARCH_MAX_VALUES)
                    r->facet[d][v]++;
            }
    }
}

/* Extra conditions that are not dimensions: bits above the dimensions in the fail set. */
#define FAIL_BOOKING (1u << SEARCH_N_DIMS)
#define FAIL_OPEN (1u << (SEARCH_N_DIMS + 1))

/* 1 open, 0 closed, -1 without usable hours, at the query's moment or in its window; memo holds
 * the answer per distinct hours value for this query (0: not computed yet, else answer + 2). */
static int entry_open(const struct lieux_index *idx, const struct lieux_entry *e,
                      const struct lieux_query *q, int8_t *memo)
{
    if (!e->horaires)
        return -1;
    if (q->open != SEARCH_OPEN_WINDOW) {
        int64_t key = ((((int64_t)q->at.tm_year * 12 + q->at.tm_mon) * 31 + q->at.tm_mday) * 24 +
                       q->at.tm_hour) * 60 + q->at.tm_min;
        _Atomic int64_t *slot = &idx->hours_at[e->horaires_id];
        int64_t v = atomic_load_explicit(slot, memory_order_relaxed);
        if (v >> 2 == key && (v & 3))
            return (int)(v & 3) - 1;
        bool open = horaires_is_open(e->horaires, &q->at);
        atomic_store_explicit(slot, (key << 2) | (open + 1), memory_order_relaxed);
        return open;
    }
    int8_t *m = &memo[e->horaires_id];
    if (*m == 0) {
        bool open = q->open == SEARCH_OPEN_WINDOW
                        ? horaires_open_in_window(e->horaires, &q->at, q->window_from,
                                                  q->window_to, HORAIRES_WINDOW_ANY)
                        : horaires_is_open(e->horaires, &q->at);
        *m = (int8_t)(open + 2);
    }
    return *m - 2;
}

static int hit_order(const void *pa, const void *pb)
{
    const struct lieux_hit *a = pa, *b = pb;
    if (a->km != b->km)
        return a->km < b->km ? -1 : 1;
    int c = strcmp(a->e->nom ? a->e->nom : "", b->e->nom ? b->e->nom : "");
    return c ? c : (a->e->id < b->e->id ? -1 : a->e->id > b->e->id);
}

static void swap_hits(struct lieux_hit *a, struct lieux_hit *b)
{
    struct lieux_hit t = *a;
    *a = *b;
    *b = t;
}

/* Moves the k first hits in hit_order into hits[0..k), in no particular order (quickselect with
 * a Lomuto partition around the middle element). */
static void select_first(struct lieux_hit *hits, size_t n, size_t k)
{
    size_t lo = 0, hi = n; /* the k-th smallest is in [lo, hi) */
    while (hi - lo > 1) {
        swap_hits(&hits[lo + (hi - lo) / 2], &hits[hi - 1]);
        size_t store = lo;
        for (size_t i = lo; i < hi - 1; i++)
            if (hit_order(&hits[i], &hits[hi - 1]) < 0)
                swap_hits(&hits[i], &hits[store++]);
        swap_hits(&hits[store], &hits[hi - 1]);
        /* hits[lo..store) < pivot = hits[store] <= hits(store..hi) */
        if (store + 1 == k || store == k)
            return;
        if (store > k)
            hi = store;
        else
            lo = store + 1;
    }
}

struct scan {
    const struct lieux_query *q;
    struct lieux_result *out;
    struct arena *a;
    struct lieux_hit *hits;
    size_t n, cap;
    int8_t *memo;
    bool spatial;
    double radius, kx, ky;
};

/* Tests one entry against the query: a hit, a facet count, or nothing. */
static void scan_entry(const struct lieux_index *idx, struct scan *s, const struct lieux_entry *e)
{
    const struct lieux_query *q = s->q;
    struct lieux_result *out = s->out;
    if (q->departement && (!e->departement || strcmp(e->departement, q->departement) != 0))
        return;
    double km = 0, minutes = 0;
    if (q->has_center && e->has_coords) {
        /* Within the 100 km of a search, the plane approximation around the centre is within
         * 0.5 % of the great-circle distance, and costs no trigonometry per lieu. */
        double dx = (e->lon - q->center.lon) * s->kx, dy = (e->lat - q->center.lat) * s->ky;
        km = sqrt(dx * dx + dy * dy);
        if (s->spatial && km > s->radius)
            return;
        /* The estimate is needed here only when it filters; else for the page shown. */
        if (q->max_minutes > 0) {
            minutes = geo_travel_minutes_km(km, q->density);
            if (minutes > q->max_minutes)
                return;
        }
    } else if (s->spatial) {
        return;
    }
    unsigned fail = failing_dims(e, q);
    if (q->online_booking && !e->online_booking)
        fail |= FAIL_BOOKING;
    /* Hours are evaluated for every candidate only when they filter. */
    int open = -1;
    if (q->open != SEARCH_OPEN_ANY) {
        open = entry_open(idx, e, q, s->memo);
        /* A lieu without usable hours cannot be said to be open: it fails the filter. */
        if (open != 1)
            fail |= FAIL_OPEN;
    }
    if (fail && (fail & (fail - 1)))
        return; /* fails two conditions: counts in no facet */
    if (fail == 0) {
        count_facets(out, e, -1);
        if (e->online_booking)
            out->facet_online_booking++;
        /* The "open" facet needs the status of every match, not of every candidate. */
        if (open < 0)
            open = entry_open(idx, e, q, s->memo);
        if (open == 1)
            out->facet_open++;
        s->hits = arena_push(s->a, s->hits, s->n, &s->cap, sizeof(*s->hits));
        s->hits[s->n++] = (struct lieux_hit){e, q->has_center && e->has_coords ? km : HUGE_VAL,
                                             minutes, open};
    } else if (fail & (FAIL_BOOKING | FAIL_OPEN)) {
        /* Fails only the booking or the opening condition, which it lacks: counted under neither
         * those facets nor a dimension's. */
    } else {
        count_facets(out, e, __builtin_ctz(fail));
    }
}

/* The first located entry of [begin, end) (sorted by longitude) at or east of lon. */
static size_t first_east_of(const struct lieux_index *idx, size_t begin, size_t end, double lon)
{
    while (begin < end) {
        size_t mid = begin + (end - begin) / 2;
        if (idx->entries[mid].lon < lon)
            begin = mid + 1;
        else
            end = mid;
    }
    return begin;
}

int lieux_search(const struct lieux_index *idx, const struct lieux_query *q, struct arena *a,
                 struct lieux_result *out)
{
    memset(out, 0, sizeof(*out));
    struct scan s = {.q = q, .out = out, .a = a};
    s.memo = arena_calloc(a, idx->n_hours + 1, 1);
    s.spatial = q->has_center && (q->radius_km > 0 || q->max_minutes > 0);
    s.radius = q->radius_km > 0 ? q->radius_km : 1000.0;
    s.kx = 111.195 * cos(q->center.lat * M_PI / 180.0);
    s.ky = 111.195;
    if (s.spatial) {
        /* The box around the circle, row by row, longitudes by binary search. */
        double dlat = s.radius / 111.0;
        double coslat = cos(q->center.lat * M_PI / 180.0);
        double dlon = coslat > 0.01 ? dlat / coslat : 360.0;
        int r0 = lat_row(q->center.lat - dlat), r1 = lat_row(q->center.lat + dlat);
        for (int r = r0; r <= r1; r++) {
            size_t end = idx->row_start[r + 1];
            size_t i = first_east_of(idx, idx->row_start[r], end, q->center.lon - dlon);
            for (; i < end && idx->entries[i].lon <= q->center.lon + dlon; i++)
                scan_entry(idx, &s, &idx->entries[i]);
        }
    } else {
        for (size_t i = 0; i < idx->n; i++)
            scan_entry(idx, &s, &idx->entries[i]);
    }
    struct lieux_hit *hits = s.hits;
    size_t n = s.n;
    /* Only the page asked for needs to be in order: its hits are selected first, then sorted. */
    size_t want = q->limit ? q->offset + q->limit : n;
    if (want < n)
        select_first(hits, n, want);
    else
        want = n;
    if (want > 1)
        qsort(hits, want, sizeof(*hits), hit_order);
    out->total = n;
    size_t from = q->offset < want ? q->offset : want;
    out->hits = hits ? hits + from : NULL;
    out->n_hits = want - from;
    for (size_t i = 0; i < out->n_hits; i++) {
        struct lieux_hit *h = &out->hits[i];
        if (q->has_center && h->e->has_coords) {
            /* The page shows the exact great-circle distance and its estimate. */
            h->km = geo_distance_km(q->center, (struct geo_point){h->e->lat, h->e->lon});
            h->minutes = geo_travel_minutes_km(h->km, q->density);
        }
    }
    return 0;
}
