/*
 * ressources/search_query: one search of resources, as the page (/ressources) and the API
 * (/api/v1/ressources) read it from the query string: q, one parameter per vocabulary (theme,
 * type, public, secteur; repeated for several values), tri (pertinence, recentes, vues,
 * recommandees, az), and the viewer, whose access decides which private resources count.
 * Bad input never fails: a long query is cut, an unknown filter value or sort is ignored.
 */
#ifndef RELAIS_RESSOURCES_SEARCH_QUERY_H
#define RELAIS_RESSOURCES_SEARCH_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"
#include "ressources/vocab.h"
#include "search/search.h"

#define RS_MAX_FILTER_VALUES 32

struct rs_search {
    const char *q;   /* as typed, cut to LIMIT_QUERY_CHARS characters */
    const char *tri; /* the sort's value */
    int64_t base_id; /* base=ID: within this base only, or 0 */
    const char *selected[VOCAB_N][RS_MAX_FILTER_VALUES];
    size_t n_selected[VOCAB_N];
    struct search_query query;
    struct search_result result;
};

/* The sorts: value, French label. */
struct rs_sort {
    const char *value, *label;
    enum search_sort sort;
};
extern const struct rs_sort rs_sorts[];
extern const size_t rs_n_sorts;

/* Reads the query string and runs the search for the viewer; offset/limit: the page. */
int rs_search_run(struct http_request *req, size_t offset, size_t limit, struct rs_search *s);
/* The count of one vocabulary value over the matches (0 when absent), and whether selected. */
unsigned rs_search_count(const struct rs_search *s, enum vocab_kind k, const char *value,
                         bool *selected);
/* The query string of this search without the page (values percent-encoded), for links. */
const char *rs_search_params(struct arena *a, const struct rs_search *s);

#endif
