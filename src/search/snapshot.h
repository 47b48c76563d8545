/*
 * snapshot: the immutable index that queries read (internal to src/search). index.c builds one
 * from the writers' store and swaps it whole; query.c reads it. Every array lives in the
 * snapshot's arena; strings are borrowed from the engine's string arena, which outlives every
 * snapshot (search_engine_free() comes after the last search_release()).
 */
#ifndef RELAIS_SEARCH_SNAPSHOT_H
#define RELAIS_SEARCH_SNAPSHOT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "core/arena.h"
#include "search/analyser.h"
#include "search/search.h"

#define NONE UINT32_MAX

struct synonyms_ref {
    atomic_int refs;
    struct search_synonyms *syn;
};

struct snap_stem {
    const char *str;
    uint32_t off, df;
};

struct snap_surface {
    const char *str;
    const char *display;
    uint32_t stem, docs, len;
};

struct posting {
    uint32_t doc;
    uint8_t tf[SEARCH_N_FIELDS];
};

struct snap_doc {
    int64_t id, created, views;
    double recommendation;
    float quality;
    uint32_t title_rank;
    uint32_t words_off, facets_off, n_facets;
    uint32_t field_len[SEARCH_N_FIELDS];
    float norm[SEARCH_N_FIELDS]; /* field weight / BM25 length normalisation */
};

struct search_snapshot {
    atomic_int refs;
    struct arena arena;
    struct search_config cfg;
    struct synonyms_ref *synonyms;
    size_t n_docs;
    struct snap_doc *docs;
    uint32_t *words; /* surface word indices (s->surf), per document, fields one after the other */
    uint32_t *facets;
    size_t n_stems;
    struct snap_stem *stems;
    struct posting *postings;
    size_t n_surf;
    struct snap_surface *surf;
    size_t n_fv, n_facet_names;
    const char **facet_names;
    uint32_t *fv_facet;
    const char **fv_value;
    uint32_t *fv_order; /* by facet name, then value */
    uint32_t *fv_docs;  /* live documents with the value */
    /* Every facet name and value, packed ("name\0value\0" per value), so that a result copies
     * them into its arena with one memcpy. */
    char *fv_pack;
    size_t fv_pack_len;
    uint32_t *fv_pack_off; /* of the name of each value; its value follows the name's NUL */
    /* For an empty query without filters: every document in the order of each sort, built on first
     * use under order_lock (heap memory, freed with the snapshot). */
    pthread_mutex_t order_lock;
    uint32_t *_Atomic order[SEARCH_SORT_TITLE + 1];
    int64_t *id_keys;
    uint32_t *id_vals;
    size_t id_cap;
};

/* The document of an id, or NONE. */
uint32_t search_snapshot_doc(const struct search_snapshot *s, int64_t id);

/* Frees the calling thread's analyser (analyser.c) and query scratch arrays (query.c). */
void search_analyser_thread_release(void);
void search_query_thread_release(void);

#endif
