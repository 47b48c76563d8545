/*
 * search: the in-memory French full-text index shared by ressources (and, later, the site-wide
 * search bar). Documents have four weighted text fields (title > tags > description > content,
 * ranked with BM25F and blended with a quality score), named multi-valued facets, and sort keys.
 * Queries are analysed in French (analyser.h: folding, elision, stop words, Snowball stems,
 * synonyms), tolerate typos (one edit from 5 letters, two from 9), complete the last word as it is
 * typed, filter on facets (AND across facets, OR within one) and count every facet value over the
 * matching set. This module knows nothing of ressources or lieux: callers hand it ids and text.
 *
 * Threads and ownership. A struct search_engine owns everything: a copy of each document's
 * analysed text, facet values and sort keys (the caller's strings are not kept), and the current
 * snapshot. A snapshot is immutable; readers take one with search_acquire() (a reference count
 * under the engine's lock) and release it when done, so a query never waits for a write and never
 * sees half of one. Writers (search_put, search_remove, a batch) are serialised by a second lock,
 * build a new snapshot beside the current one and swap it whole under the first lock; the old one is
 * freed by whoever releases it last. Call them after the database write has committed. A write
 * builds the whole snapshot again from the analysed store (about 60 ms of CPU for 100,000
 * documents, see bench/README.md); load many documents with one batch. Release every snapshot
 * before search_engine_free().
 * Each thread analyses with its own analyser (its own Snowball stemmer), created on first use and
 * freed when the thread exits (search_thread_release() frees it earlier).
 *
 * Results (struct search_result) live in the caller's arena, strings included: the snapshot may
 * be released as soon as search_query() returns.
 *
 * Bad input never fails a query: a query is cut to LIMIT_SEARCH_QUERY_BYTES, control characters
 * and invalid UTF-8 become spaces, unbalanced quotes are closed at the end, and an empty query lists
 * every document (with facet counts). Errors are only for misuse (ERR_INVALID) and limits on
 * documents (ERR_TOO_BIG).
 */
#ifndef RELAIS_SEARCH_SEARCH_H
#define RELAIS_SEARCH_SEARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/str.h"

struct arena;

/* The text fields of a document, in decreasing weight. */
enum search_field {
    SEARCH_FIELD_TITLE,
    SEARCH_FIELD_TAGS, /* free tags, in one string (commas or spaces between them) */
    SEARCH_FIELD_DESCRIPTION,
    SEARCH_FIELD_CONTENT,
    SEARCH_N_FIELDS
};

/* One value of a named facet ("themes" = "parentalite"). A document repeats the pair for each
 * value of a multi-valued facet; a query lists the values it filters on. Facets whose name starts
 * with '_' filter but are left out of the counts (access lists such as "_acces" = "base:12"). */
struct search_facet_value {
    const char *facet;
    const char *value;
};

struct search_doc {
    int64_t id;
    struct str fields[SEARCH_N_FIELDS]; /* UTF-8; any field may be empty */
    const struct search_facet_value *facets;
    size_t n_facets;
    int64_t created;       /* Unix seconds: "newest" sort */
    int64_t views;         /* "most viewed" sort */
    double recommendation; /* "most recommended" sort, higher first */
    double quality;        /* 0..1 (reviews, completeness, freshness), blended into relevance */
};

enum search_sort {
    SEARCH_SORT_RELEVANCE, /* BM25F × quality; with an empty query: quality, then newest */
    SEARCH_SORT_NEWEST,
    SEARCH_SORT_VIEWS,
    SEARCH_SORT_RECOMMENDED,
    SEARCH_SORT_TITLE, /* A–Z on the folded title */
};

/* Whether the last word of the query also matches the words it starts (as-you-type). */
enum search_prefix { SEARCH_PREFIX_LAST, SEARCH_PREFIX_NONE };

struct search_query {
    struct str text; /* as typed; "quoted words" are a phrase */
    const struct search_facet_value *filters;
    size_t n_filters;
    enum search_sort sort;
    enum search_prefix prefix;
    size_t offset;
    size_t limit; /* 0: 20; at most LIMIT_PAGE_SIZE */
};

struct search_hit {
    int64_t id;
    double score; /* relevance (also when another sort ordered the page) */
};

struct search_facet_count {
    const char *facet, *value;
    uint32_t count; /* matches if this value were the only filter on its facet, others kept */
    bool selected;  /* the query filters on it */
};

struct search_result {
    struct search_hit *hits; /* the page: offset .. offset + limit of the matches */
    size_t n_hits;
    size_t total; /* every match */
    /* Every value of every facet known to the index (name, then value order), count 0 included. */
    struct search_facet_count *facets;
    size_t n_facets;
    /* The folded words the query matched (typed, corrected, completed or synonyms), for
     * search_highlight() and for "did you mean" lines. */
    const char **words;
    size_t n_words;
    /* The query as understood when a typed word was not in the index and was corrected, folded
     * ("telephone portable"); NULL otherwise. */
    const char *corrected;
};

/* Ranking parameters; search_config_default() gives the tuned values, that the bench reports. */
struct search_config {
    double field_weight[SEARCH_N_FIELDS];
    double k1;              /* BM25 saturation */
    double b;               /* length normalisation, every field */
    double quality_weight;  /* score × (1 + quality_weight × quality) */
    double typo_weight;     /* a corrected word counts this much of the typed one (one edit) */
    double prefix_weight;   /* a completed last word */
    double synonym_weight;  /* a synonym of a typed word */
    /* The best matches by relevance are ranked again on their text: × (1 + proximity_weight ×
     * the share of the query's neighbouring words found side by side, in order) × (1 +
     * exact_weight × the share of words found as typed, not only by their stem). */
    double proximity_weight;
    double exact_weight;
};

void search_config_default(struct search_config *cfg);

struct search_engine;
struct search_snapshot;

/* An empty engine with cfg (NULL: defaults) and the default synonym list. Caller frees. */
struct search_engine *search_engine_new(const struct search_config *cfg);
void search_engine_free(struct search_engine *e);

/* Replaces the synonym list (format in analyser.h: one group per line, "mail = courriel =
 * e-mail"); ERR_INVALID with the 1-based line of the first bad line in *bad_line. Takes effect for
 * the next snapshot taken. */
int search_engine_set_synonyms(struct search_engine *e, struct str text, size_t *bad_line);

/* Adds a document, or replaces the one with the same id; removes one (ERR_NOT_FOUND if absent).
 * Each publishes a new snapshot. ERR_TOO_BIG when a field passes LIMIT_SEARCH_FIELD_BYTES, a facet
 * name or value LIMIT_SEARCH_FACET_BYTES, or the document has more than LIMIT_SEARCH_DOC_FACETS
 * facet values; ERR_INVALID for a NULL or empty facet name or a NULL value. A refused document
 * leaves the index as it was. */
int search_put(struct search_engine *e, const struct search_doc *doc);
int search_remove(struct search_engine *e, int64_t id);

/* Many writes, one snapshot (the load at start-up, an import): begin, put/remove, commit. Other
 * writers wait until the commit; readers keep the previous snapshot until then. */
struct search_batch;
struct search_batch *search_batch_begin(struct search_engine *e);
int search_batch_put(struct search_batch *b, const struct search_doc *doc);
int search_batch_remove(struct search_batch *b, int64_t id);
/* Publishes and frees the batch. */
void search_batch_commit(struct search_batch *b);

/* The current snapshot, with a reference (never NULL); release it after use. */
struct search_snapshot *search_acquire(struct search_engine *e);
void search_release(struct search_snapshot *s);
size_t search_count(const struct search_snapshot *s); /* documents */
bool search_contains(const struct search_snapshot *s, int64_t id);

/* Runs a query; everything in *out is in the arena. Fails only on misuse (ERR_INVALID). */
int search_query(const struct search_snapshot *s, const struct search_query *q, struct arena *a,
                 struct search_result *out);

struct search_suggestion {
    const char *word; /* lower case, accents kept, as first seen in a document */
    uint32_t docs;    /* documents that contain it */
};

/* Completions of the last word of `text` (as-you-type), most frequent first, at most `limit`
 * (at most LIMIT_SEARCH_SUGGESTIONS). Fewer than 2 letters give none. In the arena. */
int search_suggest(const struct search_snapshot *s, struct str text, size_t limit,
                   struct arena *a, struct search_suggestion **out, size_t *n);

/* Byte ranges of `text` whose words match the result's words (same analysis), for <mark>. */
struct search_span {
    size_t start, end;
};
int search_highlight(const struct search_result *r, struct str text, struct arena *a,
                     struct search_span **out, size_t *n);

/* Frees this thread's analyser now (it is also freed when the thread exits). */
void search_thread_release(void);

#endif
