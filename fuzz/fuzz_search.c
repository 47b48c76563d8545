/* libFuzzer target: the search analyser and the query parser. The input is analysed as a text
 * (offsets, folding, limits), parsed as a synonym list, and run as a query, a completion and a
 * highlight against a small index built once. */
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/str.h"
#include "search/analyser.h"
#include "search/search.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct search_engine *engine;

static void build(void)
{
    static const struct search_facet_value fv[] = {{"themes", "parentalite"},
                                                   {"types", "article"}};
    static const char *const texts[] = {
        "Créer une adresse e-mail", "Reconnaître une arnaque : l'hameçonnage",
        "Utiliser son smartphone", "« Mot de passe » solide et démarches en ligne",
        "Ordinateurs reconditionnés", "Œuvres numériques d'aujourd'hui"};
    engine = search_engine_new(NULL);
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        struct search_doc d = {.id = (int64_t)i + 1,
                               .fields = {str_from(texts[i]), STR_LIT("tag"),
                                          STR_LIT("description du document"),
                                          str_from(texts[(i + 1) % 6])},
                               .facets = fv,
                               .n_facets = i % 3,
                               .created = (int64_t)i,
                               .quality = 0.5};
        ASSERT(search_put(engine, &d) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!engine)
        build();
    struct arena a = ARENA_INIT;
    struct str text = {(const char *)data, size};

    struct search_word *w;
    size_t n;
    search_analyse(text, LIMIT_SEARCH_QUERY_BYTES, LIMIT_SEARCH_QUERY_WORDS * 4, &a, &w, &n);
    ASSERT(n <= LIMIT_SEARCH_QUERY_WORDS * 4);
    for (size_t i = 0; i < n; i++) {
        ASSERT(w[i].folded_len > 0 && w[i].folded_len <= LIMIT_SEARCH_WORD_BYTES);
        ASSERT(strlen(w[i].folded) == w[i].folded_len);
        ASSERT(utf8_valid(w[i].folded, w[i].folded_len));
        ASSERT(w[i].start < w[i].end && w[i].end <= size && w[i].end <= LIMIT_SEARCH_QUERY_BYTES);
        ASSERT(i == 0 || w[i].start >= w[i - 1].end);
    }

    struct search_synonyms *syn;
    size_t bad = 0;
    int rc = search_synonyms_parse(search_analyser_for_thread(), text, &syn, &bad);
    ASSERT(rc == 0 || rc == ERR_INVALID || rc == ERR_TOO_BIG);
    if (rc == 0)
        search_synonyms_free(syn);
    else
        ASSERT(bad >= 1);

    struct search_snapshot *s = search_acquire(engine);
    struct search_query q = {.text = text, .limit = 3, .sort = (enum search_sort)(size % 5)};
    struct search_result r;
    ASSERT(search_query(s, &q, &a, &r) == 0);
    ASSERT(r.total <= search_count(s) && r.n_hits <= 3 && r.n_hits <= r.total);
    for (size_t i = 0; i < r.n_hits; i++)
        ASSERT(search_contains(s, r.hits[i].id));
    if (r.corrected)
        ASSERT(utf8_valid(r.corrected, strlen(r.corrected)));
    struct search_span *sp;
    size_t ns;
    ASSERT(search_highlight(&r, text, &a, &sp, &ns) == 0);
    for (size_t i = 0; i < ns; i++)
        ASSERT(sp[i].start < sp[i].end && sp[i].end <= size);
    struct search_suggestion *sg;
    ASSERT(search_suggest(s, text, 5, &a, &sg, &ns) == 0);
    ASSERT(ns <= 5);
    for (size_t i = 0; i < ns; i++)
        ASSERT(utf8_valid(sg[i].word, strlen(sg[i].word)));
    search_release(s);
    arena_release(&a);
    return 0;
}
