/*
 * index: the engine of search.h. Writers keep each document's analysed words (as ids of interned
 * folded words) in a store guarded by the write lock; every commit builds an immutable snapshot
 * from the store (sorted dictionaries, postings with per-field counts, per-document word streams
 * for phrases, sort keys and facet values) and swaps it whole under the swap lock. Queries only
 * read a snapshot, with scratch arrays of their own thread.
 */
#include "search/search.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <utf8proc.h>

#include "core/alloc.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "search/analyser.h"
#include "search/snapshot.h"

void search_config_default(struct search_config *cfg)
{
    *cfg = (struct search_config){
        .field_weight = {[SEARCH_FIELD_TITLE] = 4.0,
                         [SEARCH_FIELD_TAGS] = 2.5,
                         [SEARCH_FIELD_DESCRIPTION] = 1.5,
                         [SEARCH_FIELD_CONTENT] = 1.0},
        .k1 = 1.2,
        .b = 0.75,
        .quality_weight = 0.3,
        .typo_weight = 0.6,
        .prefix_weight = 0.5,
        .synonym_weight = 0.9,
        .proximity_weight = 0.5,
        .exact_weight = 0.3,
    };
}

/* --- hashing --- */

static uint64_t hash_bytes(const char *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (uint8_t)p[i];
        h *= 1099511628211ULL;
    }
    return h ^ (h >> 29);
}

static uint64_t hash_id(int64_t id)
{
    uint64_t x = (uint64_t)id + 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/* Interned strings: id → bytes, bytes → id. The bytes live in the engine's string arena, which
 * only grows, so snapshots may borrow them for the engine's life. */
struct intern {
    const char **strs;
    uint32_t *lens;
    size_t n, cap;
    uint32_t *table; /* id + 1, 0 = empty */
    size_t tcap;
    uint32_t *order; /* ids 0 .. n_ordered sorted by their bytes, kept between snapshots */
    size_t n_ordered;
};

static uint32_t intern_find(const struct intern *in, const char *s, size_t len)
{
    if (!in->tcap)
        return NONE;
    size_t mask = in->tcap - 1;
    for (size_t i = hash_bytes(s, len) & mask;; i = (i + 1) & mask) {
        uint32_t v = in->table[i];
        if (!v)
            return NONE;
        if (in->lens[v - 1] == len && memcmp(in->strs[v - 1], s, len) == 0)
            return v - 1;
    }
}

static void intern_rehash(struct intern *in)
{
    size_t tcap = in->tcap ? in->tcap * 2 : 1024;
    free(in->table);
    in->table = xcalloc(tcap, sizeof(uint32_t));
    in->tcap = tcap;
    for (size_t id = 0; id < in->n; id++) {
        for (size_t i = hash_bytes(in->strs[id], in->lens[id]) & (tcap - 1);;
             i = (i + 1) & (tcap - 1)) {
            if (!in->table[i]) {
                in->table[i] = (uint32_t)id + 1;
                break;
            }
        }
    }
}

/* The id of s, added (copied into a) when new; *added says which. */
static uint32_t intern_add(struct intern *in, struct arena *a, const char *s, size_t len,
                           bool *added)
{
    uint32_t id = intern_find(in, s, len);
    *added = id == NONE;
    if (id != NONE)
        return id;
    if ((in->n + 1) * 2 > in->tcap)
        intern_rehash(in);
    if (in->n == in->cap) {
        in->cap = in->cap ? in->cap * 2 : 1024;
        in->strs = xrealloc(in->strs, in->cap * sizeof(*in->strs));
        in->lens = xrealloc(in->lens, in->cap * sizeof(*in->lens));
    }
    id = (uint32_t)in->n++;
    in->strs[id] = arena_strndup(a, s, len);
    in->lens[id] = (uint32_t)len;
    size_t mask = in->tcap - 1;
    for (size_t i = hash_bytes(s, len) & mask;; i = (i + 1) & mask) {
        if (!in->table[i]) {
            in->table[i] = id + 1;
            break;
        }
    }
    return id;
}

static int cmp_id_by_string(const void *x, const void *y, void *ctx)
{
    const char *const *strs = ctx;
    return strcmp(strs[*(const uint32_t *)x], strs[*(const uint32_t *)y]);
}

/* Every id in the order of its bytes. The order of the previous call is kept: only the ids added
 * since are sorted, then each is placed by a binary search, so a snapshot after one write does
 * not sort the whole dictionary again. */
static const uint32_t *intern_sorted(struct intern *in)
{
    size_t m = in->n_ordered, k = in->n - m;
    if (k == 0)
        return in->order;
    uint32_t *added = xmalloc(k * sizeof(uint32_t));
    for (size_t i = 0; i < k; i++)
        added[i] = (uint32_t)(m + i);
    if (k > 1)
        qsort_r(added, k, sizeof(uint32_t), cmp_id_by_string, (void *)in->strs);
    uint32_t *merged = xmalloc((in->n + 1) * sizeof(uint32_t));
    size_t from = 0, out = 0;
    for (size_t i = 0; i < k; i++) {
        const char *key = in->strs[added[i]];
        size_t lo = from, hi = m;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (strcmp(in->strs[in->order[mid]], key) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo > from)
            memcpy(merged + out, in->order + from, (lo - from) * sizeof(uint32_t));
        out += lo - from;
        merged[out++] = added[i];
        from = lo;
    }
    if (m > from)
        memcpy(merged + out, in->order + from, (m - from) * sizeof(uint32_t));
    free(added);
    free(in->order);
    in->order = merged;
    in->n_ordered = in->n;
    return in->order;
}

static void intern_release(struct intern *in)
{
    free(in->order);
    free(in->strs);
    free(in->lens);
    free(in->table);
}

/* --- the writers' store --- */

struct stored_doc {
    int64_t id;
    bool live;
    uint32_t *words; /* surface ids, the fields one after the other */
    uint32_t field_len[SEARCH_N_FIELDS];
    uint32_t *facets; /* facet value ids, distinct */
    uint32_t n_facets;
    int64_t created, views;
    double recommendation, quality;
    char *title_key; /* folded title, for A–Z */
    bool dirty;      /* changed since the last snapshot: out of the engine's title order */
};

struct search_engine {
    struct search_config cfg;
    pthread_mutex_t swap_lock; /* guards `current` */
    pthread_mutex_t write_lock; /* one writer at a time; guards everything below */
    struct search_snapshot *current;

    struct arena strings;
    struct intern surfaces;
    uint32_t *surf_stem;      /* surface id → stem id */
    const char **surf_display; /* surface id → word as first seen, lower case with accents */
    size_t surf_cap;
    struct intern stems;
    struct intern facet_names;
    struct intern fvs; /* "facet\x1fvalue" */
    uint32_t *fv_facet;
    const char **fv_value;
    size_t fv_cap;

    struct stored_doc *docs;
    size_t n_docs, cap_docs, n_live;
    uint32_t *title_order; /* slots of live, clean documents by title, then id */
    size_t n_title_order;
    uint32_t *dirty; /* slots changed since the last snapshot */
    size_t n_dirty, cap_dirty;
    int64_t *map_keys; /* id → slot in docs; a removed document keeps its slot for a later put */
    uint32_t *map_vals;
    size_t map_cap, map_n;

    struct synonyms_ref *synonyms;
};

/* --- documents in the store --- */

static uint32_t *map_slot(struct search_engine *e, int64_t id)
{
    if (!e->map_cap)
        return NULL;
    size_t mask = e->map_cap - 1;
    for (size_t i = hash_id(id) & mask;; i = (i + 1) & mask) {
        if (e->map_vals[i] == NONE)
            return NULL;
        if (e->map_keys[i] == id)
            return &e->map_vals[i];
    }
}

static void map_insert(struct search_engine *e, int64_t id, uint32_t slot)
{
    if ((e->map_n + 1) * 2 > e->map_cap) {
        size_t cap = e->map_cap ? e->map_cap * 2 : 1024;
        int64_t *keys = xmalloc(cap * sizeof(*keys));
        uint32_t *vals = xmalloc(cap * sizeof(*vals));
        memset(vals, 0xFF, cap * sizeof(*vals));
        for (size_t j = 0; j < e->map_cap; j++) {
            if (e->map_vals[j] == NONE)
                continue;
            size_t i = hash_id(e->map_keys[j]) & (cap - 1);
            while (vals[i] != NONE)
                i = (i + 1) & (cap - 1);
            keys[i] = e->map_keys[j];
            vals[i] = e->map_vals[j];
        }
        free(e->map_keys);
        free(e->map_vals);
        e->map_keys = keys;
        e->map_vals = vals;
        e->map_cap = cap;
    }
    size_t i = hash_id(id) & (e->map_cap - 1);
    while (e->map_vals[i] != NONE)
        i = (i + 1) & (e->map_cap - 1);
    e->map_keys[i] = id;
    e->map_vals[i] = slot;
    e->map_n++;
}

static void mark_dirty(struct search_engine *e, uint32_t slot)
{
    if (e->docs[slot].dirty)
        return;
    e->docs[slot].dirty = true;
    if (e->n_dirty == e->cap_dirty) {
        e->cap_dirty = e->cap_dirty ? e->cap_dirty * 2 : 64;
        e->dirty = xrealloc(e->dirty, e->cap_dirty * sizeof(uint32_t));
    }
    e->dirty[e->n_dirty++] = slot;
}

static void stored_doc_clear(struct stored_doc *d)
{
    free(d->words);
    free(d->facets);
    free(d->title_key);
    d->words = NULL;
    d->facets = NULL;
    d->title_key = NULL;
    d->n_facets = 0;
    d->live = false;
}

/* The word as it was written, lower case with its accents, for suggestions. */
static const char *display_form(struct search_engine *e, struct str src)
{
    utf8proc_uint8_t *low = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)src.p, (utf8proc_ssize_t)src.len,
                                      &low, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
    const char *out;
    if (n < 0)
        out = arena_strndup(&e->strings, src.p, src.len);
    else
        out = arena_strndup(&e->strings, (const char *)low, (size_t)n);
    free(low);
    return out;
}

static uint32_t surface_add(struct search_engine *e, const struct search_word *w, struct str text,
                            struct arena *tmp)
{
    bool added;
    uint32_t s = intern_add(&e->surfaces, &e->strings, w->folded, w->folded_len, &added);
    if (!added)
        return s;
    if (e->surfaces.n > e->surf_cap) {
        e->surf_cap = e->surfaces.cap;
        e->surf_stem = xrealloc(e->surf_stem, e->surf_cap * sizeof(*e->surf_stem));
        e->surf_display = xrealloc(e->surf_display, e->surf_cap * sizeof(*e->surf_display));
    }
    const char *stem =
        search_stem(search_analyser_for_thread(), w->folded, w->folded_len, tmp);
    e->surf_stem[s] = intern_add(&e->stems, &e->strings, stem, strlen(stem), &added);
    e->surf_display[s] = display_form(e, (struct str){text.p + w->start, w->end - w->start});
    return s;
}

static uint32_t facet_value_add(struct search_engine *e, const struct search_facet_value *fv,
                                struct arena *tmp)
{
    size_t nl = strlen(fv->facet), vl = strlen(fv->value);
    char *key = arena_alloc(tmp, nl + vl + 2);
    memcpy(key, fv->facet, nl);
    key[nl] = 0x1F;
    memcpy(key + nl + 1, fv->value, vl);
    bool added;
    uint32_t id = intern_add(&e->fvs, &e->strings, key, nl + vl + 1, &added);
    if (added) {
        if (e->fvs.n > e->fv_cap) {
            e->fv_cap = e->fvs.cap;
            e->fv_facet = xrealloc(e->fv_facet, e->fv_cap * sizeof(*e->fv_facet));
            e->fv_value = xrealloc(e->fv_value, e->fv_cap * sizeof(*e->fv_value));
        }
        e->fv_facet[id] = intern_add(&e->facet_names, &e->strings, fv->facet, nl, &added);
        e->fv_value[id] = e->fvs.strs[id] + nl + 1;
    }
    return id;
}

static int check_doc(const struct search_doc *doc)
{
    for (int f = 0; f < SEARCH_N_FIELDS; f++) {
        if (doc->fields[f].len && !doc->fields[f].p)
            return ERR_INVALID;
        if (doc->fields[f].len > LIMIT_SEARCH_FIELD_BYTES)
            return ERR_TOO_BIG;
    }
    if (doc->n_facets > LIMIT_SEARCH_DOC_FACETS)
        return ERR_TOO_BIG;
    if (doc->n_facets && !doc->facets)
        return ERR_INVALID;
    for (size_t i = 0; i < doc->n_facets; i++) {
        const struct search_facet_value *fv = &doc->facets[i];
        if (!fv->facet || !fv->value || !fv->facet[0])
            return ERR_INVALID;
        if (strlen(fv->facet) > LIMIT_SEARCH_FACET_BYTES ||
            strlen(fv->value) > LIMIT_SEARCH_FACET_BYTES)
            return ERR_TOO_BIG;
        if (strchr(fv->facet, 0x1F))
            return ERR_INVALID;
    }
    return 0;
}

static int store_put(struct search_engine *e, const struct search_doc *doc)
{
    int rc = check_doc(doc);
    if (rc)
        return rc;
    struct arena tmp = ARENA_INIT;
    struct stored_doc nd = {.id = doc->id, .live = true};
    uint32_t *words = NULL;
    size_t n_words = 0, cap_words = 0;
    for (int f = 0; f < SEARCH_N_FIELDS; f++) {
        struct search_word *w;
        size_t nw;
        search_analyse(doc->fields[f], LIMIT_SEARCH_FIELD_BYTES, LIMIT_SEARCH_FIELD_WORDS * 2,
                       &tmp, &w, &nw);
        uint32_t kept = 0;
        for (size_t i = 0; i < nw && kept < LIMIT_SEARCH_FIELD_WORDS; i++) {
            if (w[i].stop)
                continue;
            if (n_words == cap_words) {
                cap_words = cap_words ? cap_words * 2 : 64;
                words = xrealloc(words, cap_words * sizeof(*words));
            }
            words[n_words++] = surface_add(e, &w[i], doc->fields[f], &tmp);
            kept++;
        }
        nd.field_len[f] = kept;
    }
    nd.words = words;
    if (doc->n_facets) {
        nd.facets = xmalloc(doc->n_facets * sizeof(*nd.facets));
        for (size_t i = 0; i < doc->n_facets; i++) {
            uint32_t id = facet_value_add(e, &doc->facets[i], &tmp);
            bool dup = false;
            for (uint32_t j = 0; j < nd.n_facets && !dup; j++)
                dup = nd.facets[j] == id;
            if (!dup)
                nd.facets[nd.n_facets++] = id;
        }
    }
    nd.created = doc->created;
    nd.views = doc->views;
    nd.recommendation = doc->recommendation;
    nd.quality = doc->quality < 0 ? 0 : doc->quality > 1 ? 1 : doc->quality;
    if (isnan(nd.quality))
        nd.quality = 0;
    nd.title_key = xstrdup(search_fold(doc->fields[SEARCH_FIELD_TITLE], &tmp));
    arena_release(&tmp);

    uint32_t *slot = map_slot(e, doc->id);
    if (slot) {
        struct stored_doc *old = &e->docs[*slot];
        if (old->live)
            e->n_live--;
        bool was_dirty = old->dirty;
        stored_doc_clear(old);
        *old = nd;
        old->dirty = was_dirty;
        mark_dirty(e, *slot);
    } else {
        if (e->n_docs == e->cap_docs) {
            e->cap_docs = e->cap_docs ? e->cap_docs * 2 : 1024;
            e->docs = xrealloc(e->docs, e->cap_docs * sizeof(*e->docs));
        }
        e->docs[e->n_docs] = nd;
        map_insert(e, doc->id, (uint32_t)e->n_docs);
        e->n_docs++;
        mark_dirty(e, (uint32_t)(e->n_docs - 1));
    }
    e->n_live++;
    return 0;
}

static int store_remove(struct search_engine *e, int64_t id)
{
    uint32_t *slot = map_slot(e, id);
    if (!slot || !e->docs[*slot].live)
        return ERR_NOT_FOUND;
    bool was_dirty = e->docs[*slot].dirty;
    stored_doc_clear(&e->docs[*slot]);
    e->docs[*slot].dirty = was_dirty;
    mark_dirty(e, *slot);
    e->n_live--;
    return 0;
}

/* --- building a snapshot --- */

static int cmp_slot_title(const void *x, const void *y, void *ctx)
{
    const struct stored_doc *docs = ctx;
    const struct stored_doc *a = &docs[*(const uint32_t *)x], *b = &docs[*(const uint32_t *)y];
    int c = strcmp(a->title_key, b->title_key);
    if (c)
        return c;
    return a->id < b->id ? -1 : a->id > b->id;
}

/* The engine's title order brought up to date: the changed documents are taken out, sorted, and
 * placed back by binary search (the others keep their order from the previous snapshot). */
static void title_order_update(struct search_engine *e)
{
    size_t m = 0;
    for (size_t i = 0; i < e->n_title_order; i++)
        if (!e->docs[e->title_order[i]].dirty)
            e->title_order[m++] = e->title_order[i];
    size_t k = 0;
    for (size_t i = 0; i < e->n_dirty; i++)
        if (e->docs[e->dirty[i]].live)
            e->dirty[k++] = e->dirty[i];
    if (k > 1)
        qsort_r(e->dirty, k, sizeof(uint32_t), cmp_slot_title, e->docs);
    uint32_t *merged = xmalloc((m + k + 1) * sizeof(uint32_t));
    size_t from = 0, out = 0;
    for (size_t i = 0; i < k; i++) {
        size_t lo = from, hi = m;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (cmp_slot_title(&e->title_order[mid], &e->dirty[i], e->docs) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo > from)
            memcpy(merged + out, e->title_order + from, (lo - from) * sizeof(uint32_t));
        out += lo - from;
        merged[out++] = e->dirty[i];
        from = lo;
    }
    if (m > from)
        memcpy(merged + out, e->title_order + from, (m - from) * sizeof(uint32_t));
    out += m - from;
    free(e->title_order);
    e->title_order = merged;
    e->n_title_order = out;
    for (size_t i = 0; i < e->n_dirty; i++)
        e->docs[e->dirty[i]].dirty = false;
    e->n_dirty = 0;
}

static int cmp_fv_order(const void *x, const void *y, void *ctx)
{
    const struct search_snapshot *s = ctx;
    uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
    int c = strcmp(s->facet_names[s->fv_facet[a]], s->facet_names[s->fv_facet[b]]);
    return c ? c : strcmp(s->fv_value[a], s->fv_value[b]);
}

static struct search_snapshot *snapshot_build(struct search_engine *e)
{
    struct search_snapshot *s = xcalloc(1, sizeof(*s));
    atomic_init(&s->refs, 1);
    arena_init(&s->arena);
    pthread_mutex_init(&s->order_lock, NULL);
    struct arena *a = &s->arena;
    struct arena tmp = ARENA_INIT;
    s->cfg = e->cfg;
    s->synonyms = e->synonyms;
    atomic_fetch_add(&s->synonyms->refs, 1);

    size_t nd = e->n_live;
    s->n_docs = nd;
    s->docs = arena_calloc(a, nd + 1, sizeof(*s->docs));
    uint32_t *slot_of = arena_alloc(&tmp, (nd + 1) * sizeof(*slot_of));
    size_t total_words = 0, total_facets = 0;
    for (size_t i = 0, d = 0; i < e->n_docs; i++) {
        if (!e->docs[i].live)
            continue;
        slot_of[d++] = (uint32_t)i;
        for (int f = 0; f < SEARCH_N_FIELDS; f++)
            total_words += e->docs[i].field_len[f];
        total_facets += e->docs[i].n_facets;
    }

    /* Pass 1: documents per stem and per surface word. */
    size_t n_gsurf = e->surfaces.n, n_gstem = e->stems.n;
    uint32_t *surf_docs = arena_calloc(&tmp, n_gsurf + 1, sizeof(uint32_t));
    uint32_t *surf_last = arena_calloc(&tmp, n_gsurf + 1, sizeof(uint32_t));
    uint32_t *stem_df = arena_calloc(&tmp, n_gstem + 1, sizeof(uint32_t));
    uint32_t *stem_last = arena_calloc(&tmp, n_gstem + 1, sizeof(uint32_t));
    for (size_t d = 0; d < nd; d++) {
        const struct stored_doc *sd = &e->docs[slot_of[d]];
        size_t nw = 0;
        for (int f = 0; f < SEARCH_N_FIELDS; f++)
            nw += sd->field_len[f];
        for (size_t i = 0; i < nw; i++) {
            uint32_t w = sd->words[i], t = e->surf_stem[w];
            if (surf_last[w] != d + 1) {
                surf_last[w] = (uint32_t)d + 1;
                surf_docs[w]++;
            }
            if (stem_last[t] != d + 1) {
                stem_last[t] = (uint32_t)d + 1;
                stem_df[t]++;
            }
        }
    }

    /* Dictionaries of what the live documents use, sorted. */
    uint32_t *sorted = arena_alloc(&tmp, (n_gstem + n_gsurf + 1) * sizeof(uint32_t));
    const uint32_t *order = intern_sorted(&e->stems);
    size_t n = 0;
    for (size_t i = 0; i < n_gstem; i++)
        if (stem_df[order[i]])
            sorted[n++] = order[i];
    uint32_t *stem_map = arena_alloc(&tmp, (n_gstem + 1) * sizeof(uint32_t));
    s->n_stems = n;
    s->stems = arena_alloc(a, (n + 1) * sizeof(*s->stems));
    uint32_t off = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t t = sorted[i];
        stem_map[t] = (uint32_t)i;
        s->stems[i] = (struct snap_stem){e->stems.strs[t], off, stem_df[t]};
        off += stem_df[t];
    }
    s->postings = arena_alloc(a, ((size_t)off + 1) * sizeof(*s->postings));

    order = intern_sorted(&e->surfaces);
    n = 0;
    for (size_t i = 0; i < n_gsurf; i++)
        if (surf_docs[order[i]])
            sorted[n++] = order[i];
    s->n_surf = n;
    s->surf = arena_alloc(a, (n + 1) * sizeof(*s->surf));
    uint32_t *surf_map = arena_alloc(&tmp, (n_gsurf + 1) * sizeof(uint32_t));
    for (size_t i = 0; i < n; i++) {
        uint32_t w = sorted[i];
        surf_map[w] = (uint32_t)i;
        s->surf[i] = (struct snap_surface){e->surfaces.strs[w], e->surf_display[w],
                                           stem_map[e->surf_stem[w]], surf_docs[w],
                                           e->surfaces.lens[w]};
    }

    /* Pass 2: postings, word streams, sort keys, facets. */
    s->words = arena_alloc(a, (total_words + 1) * sizeof(uint32_t));
    s->facets = arena_alloc(a, (total_facets + 1) * sizeof(uint32_t));
    uint32_t *cursor = arena_alloc(&tmp, (s->n_stems + 1) * sizeof(uint32_t));
    for (size_t i = 0; i < s->n_stems; i++)
        cursor[i] = s->stems[i].off;
    uint32_t *pos = arena_alloc(&tmp, (s->n_stems + 1) * sizeof(uint32_t));
    memset(stem_last, 0, (n_gstem + 1) * sizeof(uint32_t));
    uint32_t *last = stem_last; /* reused, indexed by snapshot stem */
    double len_sum[SEARCH_N_FIELDS] = {0};
    size_t wo = 0, fo = 0;
    for (size_t d = 0; d < nd; d++) {
        const struct stored_doc *sd = &e->docs[slot_of[d]];
        struct snap_doc *dd = &s->docs[d];
        dd->id = sd->id;
        dd->created = sd->created;
        dd->views = sd->views;
        dd->recommendation = sd->recommendation;
        dd->quality = (float)sd->quality;
        dd->words_off = (uint32_t)wo;
        size_t i = 0;
        for (int f = 0; f < SEARCH_N_FIELDS; f++) {
            dd->field_len[f] = sd->field_len[f];
            len_sum[f] += sd->field_len[f];
            for (uint32_t k = 0; k < sd->field_len[f]; k++, i++) {
                uint32_t t = stem_map[e->surf_stem[sd->words[i]]];
                s->words[wo++] = surf_map[sd->words[i]];
                if (last[t] != d + 1) {
                    last[t] = (uint32_t)d + 1;
                    pos[t] = cursor[t]++;
                    s->postings[pos[t]] = (struct posting){.doc = (uint32_t)d};
                }
                uint8_t *tf = &s->postings[pos[t]].tf[f];
                if (*tf < UINT8_MAX)
                    (*tf)++;
            }
        }
        dd->facets_off = (uint32_t)fo;
        dd->n_facets = sd->n_facets;
        for (uint32_t k = 0; k < sd->n_facets; k++)
            s->facets[fo++] = sd->facets[k];
    }
    for (size_t d = 0; d < nd; d++) {
        struct snap_doc *dd = &s->docs[d];
        for (int f = 0; f < SEARCH_N_FIELDS; f++) {
            double avg = len_sum[f] / (double)nd;
            double norm = avg > 0 ? 1 - e->cfg.b + e->cfg.b * dd->field_len[f] / avg : 1;
            dd->norm[f] = (float)(e->cfg.field_weight[f] / norm);
        }
    }

    title_order_update(e);
    ASSERT(e->n_title_order == nd);
    uint32_t *doc_of_slot = arena_alloc(&tmp, (e->n_docs + 1) * sizeof(uint32_t));
    for (size_t d = 0; d < nd; d++)
        doc_of_slot[slot_of[d]] = (uint32_t)d;
    for (size_t r = 0; r < nd; r++)
        s->docs[doc_of_slot[e->title_order[r]]].title_rank = (uint32_t)r;

    /* Facet values: the engine's, which only grow, so documents' ids stay valid. */
    s->n_fv = e->fvs.n;
    s->n_facet_names = e->facet_names.n;
    s->facet_names = arena_alloc(a, (s->n_facet_names + 1) * sizeof(char *));
    if (s->n_facet_names)
        memcpy(s->facet_names, e->facet_names.strs, s->n_facet_names * sizeof(char *));
    s->fv_facet = arena_alloc(a, (s->n_fv + 1) * sizeof(uint32_t));
    s->fv_value = arena_alloc(a, (s->n_fv + 1) * sizeof(char *));
    s->fv_order = arena_alloc(a, (s->n_fv + 1) * sizeof(uint32_t));
    for (size_t i = 0; i < s->n_fv; i++) {
        s->fv_facet[i] = e->fv_facet[i];
        s->fv_value[i] = e->fv_value[i];
        s->fv_order[i] = (uint32_t)i;
    }
    qsort_r(s->fv_order, s->n_fv, sizeof(uint32_t), cmp_fv_order, s);
    s->fv_pack_off = arena_alloc(a, (s->n_fv + 1) * sizeof(uint32_t));
    for (size_t i = 0; i < s->n_fv; i++)
        s->fv_pack_len += strlen(s->facet_names[s->fv_facet[i]]) + strlen(s->fv_value[i]) + 2;
    s->fv_pack = arena_alloc(a, s->fv_pack_len + 1);
    for (size_t i = 0, at = 0; i < s->n_fv; i++) {
        size_t nl = strlen(s->facet_names[s->fv_facet[i]]) + 1, vl = strlen(s->fv_value[i]) + 1;
        s->fv_pack_off[i] = (uint32_t)at;
        memcpy(s->fv_pack + at, s->facet_names[s->fv_facet[i]], nl);
        memcpy(s->fv_pack + at + nl, s->fv_value[i], vl);
        at += nl + vl;
    }
    s->fv_docs = arena_calloc(a, s->n_fv + 1, sizeof(uint32_t));
    for (size_t i = 0; i < total_facets; i++)
        s->fv_docs[s->facets[i]]++;

    s->id_cap = 16;
    while (s->id_cap < nd * 2)
        s->id_cap *= 2;
    s->id_keys = arena_alloc(a, s->id_cap * sizeof(int64_t));
    s->id_vals = arena_alloc(a, s->id_cap * sizeof(uint32_t));
    memset(s->id_vals, 0xFF, s->id_cap * sizeof(uint32_t));
    for (size_t d = 0; d < nd; d++) {
        size_t i = hash_id(s->docs[d].id) & (s->id_cap - 1);
        while (s->id_vals[i] != NONE)
            i = (i + 1) & (s->id_cap - 1);
        s->id_keys[i] = s->docs[d].id;
        s->id_vals[i] = (uint32_t)d;
    }
    arena_release(&tmp);
    return s;
}

static void synonyms_unref(struct synonyms_ref *r)
{
    if (r && atomic_fetch_sub(&r->refs, 1) == 1) {
        search_synonyms_free(r->syn);
        free(r);
    }
}

void search_release(struct search_snapshot *s)
{
    if (!s || atomic_fetch_sub(&s->refs, 1) != 1)
        return;
    synonyms_unref(s->synonyms);
    for (size_t i = 0; i <= SEARCH_SORT_TITLE; i++)
        free(atomic_load(&s->order[i]));
    pthread_mutex_destroy(&s->order_lock);
    arena_release(&s->arena);
    free(s);
}

struct search_snapshot *search_acquire(struct search_engine *e)
{
    pthread_mutex_lock(&e->swap_lock);
    struct search_snapshot *s = e->current;
    atomic_fetch_add(&s->refs, 1);
    pthread_mutex_unlock(&e->swap_lock);
    return s;
}

static void publish(struct search_engine *e)
{
    struct search_snapshot *s = snapshot_build(e);
    pthread_mutex_lock(&e->swap_lock);
    struct search_snapshot *old = e->current;
    e->current = s;
    pthread_mutex_unlock(&e->swap_lock);
    search_release(old);
}

/* --- engine --- */

struct search_engine *search_engine_new(const struct search_config *cfg)
{
    struct search_engine *e = xcalloc(1, sizeof(*e));
    if (cfg)
        e->cfg = *cfg;
    else
        search_config_default(&e->cfg);
    pthread_mutex_init(&e->swap_lock, NULL);
    pthread_mutex_init(&e->write_lock, NULL);
    arena_init(&e->strings);
    e->synonyms = xcalloc(1, sizeof(*e->synonyms));
    atomic_init(&e->synonyms->refs, 1);
    size_t bad;
    int rc = search_synonyms_parse(search_analyser_for_thread(),
                                   str_from(search_synonyms_default_text()), &e->synonyms->syn,
                                   &bad);
    ASSERT(rc == 0);
    e->current = snapshot_build(e);
    return e;
}

void search_engine_free(struct search_engine *e)
{
    if (!e)
        return;
    search_release(e->current);
    for (size_t i = 0; i < e->n_docs; i++)
        stored_doc_clear(&e->docs[i]);
    free(e->docs);
    free(e->title_order);
    free(e->dirty);
    free(e->map_keys);
    free(e->map_vals);
    intern_release(&e->surfaces);
    intern_release(&e->stems);
    intern_release(&e->facet_names);
    intern_release(&e->fvs);
    free(e->surf_stem);
    free(e->surf_display);
    free(e->fv_facet);
    free(e->fv_value);
    synonyms_unref(e->synonyms);
    arena_release(&e->strings);
    pthread_mutex_destroy(&e->swap_lock);
    pthread_mutex_destroy(&e->write_lock);
    free(e);
}

int search_engine_set_synonyms(struct search_engine *e, struct str text, size_t *bad_line)
{
    struct search_synonyms *syn;
    int rc = search_synonyms_parse(search_analyser_for_thread(), text, &syn, bad_line);
    if (rc)
        return rc;
    struct synonyms_ref *r = xcalloc(1, sizeof(*r));
    atomic_init(&r->refs, 1);
    r->syn = syn;
    pthread_mutex_lock(&e->write_lock);
    synonyms_unref(e->synonyms);
    e->synonyms = r;
    publish(e);
    pthread_mutex_unlock(&e->write_lock);
    return 0;
}

struct search_batch {
    struct search_engine *e;
};

struct search_batch *search_batch_begin(struct search_engine *e)
{
    struct search_batch *b = xcalloc(1, sizeof(*b));
    b->e = e;
    pthread_mutex_lock(&e->write_lock);
    return b;
}

int search_batch_put(struct search_batch *b, const struct search_doc *doc)
{
    return store_put(b->e, doc);
}

int search_batch_remove(struct search_batch *b, int64_t id)
{
    return store_remove(b->e, id);
}

void search_batch_commit(struct search_batch *b)
{
    publish(b->e);
    pthread_mutex_unlock(&b->e->write_lock);
    free(b);
}

int search_put(struct search_engine *e, const struct search_doc *doc)
{
    struct search_batch *b = search_batch_begin(e);
    int rc = search_batch_put(b, doc);
    if (rc) {
        pthread_mutex_unlock(&e->write_lock);
        free(b);
        return rc;
    }
    search_batch_commit(b);
    return 0;
}

int search_remove(struct search_engine *e, int64_t id)
{
    struct search_batch *b = search_batch_begin(e);
    int rc = search_batch_remove(b, id);
    if (rc) {
        pthread_mutex_unlock(&e->write_lock);
        free(b);
        return rc;
    }
    search_batch_commit(b);
    return 0;
}

size_t search_count(const struct search_snapshot *s)
{
    return s->n_docs;
}

uint32_t search_snapshot_doc(const struct search_snapshot *s, int64_t id)
{
    size_t mask = s->id_cap - 1;
    for (size_t i = hash_id(id) & mask;; i = (i + 1) & mask) {
        if (s->id_vals[i] == NONE)
            return NONE;
        if (s->id_keys[i] == id)
            return s->id_vals[i];
    }
}

bool search_contains(const struct search_snapshot *s, int64_t id)
{
    return search_snapshot_doc(s, id) != NONE;
}

void search_thread_release(void)
{
    search_analyser_thread_release();
    search_query_thread_release();
}
