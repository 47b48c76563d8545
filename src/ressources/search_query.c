/* One search of resources from a request (see search_query.h). */
#include "ressources/search_query.h"
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "db/db.h"
#include "html/html.h"
#include "ressources/index.h"
#include "ressources/pages.h"

#include <string.h>

const struct rs_sort rs_sorts[] = {
    {"pertinence", "Pertinence", SEARCH_SORT_RELEVANCE},
    {"recentes", "Plus récentes", SEARCH_SORT_NEWEST},
    {"vues", "Plus vues", SEARCH_SORT_VIEWS},
    {"recommandees", "Plus recommandées", SEARCH_SORT_RECOMMENDED},
    {"az", "Titre de A à Z", SEARCH_SORT_TITLE},
};
const size_t rs_n_sorts = sizeof(rs_sorts) / sizeof(rs_sorts[0]);

static const char SQL_MY_BASES[] =
    "SELECT base_id FROM base_members WHERE user_id = $1 ORDER BY base_id LIMIT $2";

/* The first max characters of s (UTF-8), never cutting one in two (arena). */
static const char *cut_chars(struct arena *a, const char *s, size_t max)
{
    size_t chars = 0, i = 0;
    for (; s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80 && ++chars > max)
            break;
    return arena_strndup(a, s, i);
}

int rs_search_run(struct http_request *req, size_t offset, size_t limit, struct rs_search *s)
{
    struct arena *a = req->arena;
    memset(s, 0, sizeof(*s));
    const char *q = http_param(&req->query, "q");
    s->q = cut_chars(a, q ? q : "", LIMIT_QUERY_CHARS);
    s->tri = http_param(&req->query, "tri");
    enum search_sort sort = SEARCH_SORT_RELEVANCE;
    bool known = false;
    for (size_t i = 0; s->tri && i < rs_n_sorts; i++)
        if (strcmp(s->tri, rs_sorts[i].value) == 0) {
            sort = rs_sorts[i].sort;
            known = true;
        }
    if (!known)
        s->tri = "pertinence";

    struct search_facet_value *filters = arena_calloc(a, LIMIT_SEARCH_FILTERS, sizeof(*filters));
    size_t nf = 0;
    for (int k = 0; k < VOCAB_N; k++) {
        const struct vocab *v = ressources_vocab_get((enum vocab_kind)k);
        const char *vals[RS_MAX_FILTER_VALUES];
        size_t n = http_param_all(&req->query, v->column, vals, RS_MAX_FILTER_VALUES);
        for (size_t i = 0; i < n; i++) {
            const struct vocab_value *vv = ressources_vocab_find((enum vocab_kind)k, vals[i]);
            if (!vv || nf >= LIMIT_SEARCH_FILTERS / 2)
                continue;
            bool dup = false;
            for (size_t j = 0; j < s->n_selected[k]; j++)
                dup |= strcmp(s->selected[k][j], vv->value) == 0;
            if (dup)
                continue;
            s->selected[k][s->n_selected[k]++] = vv->value;
            filters[nf++] = (struct search_facet_value){v->json_key, vv->value};
        }
    }
    const char *base = http_param(&req->query, "base");
    int64_t base_id = 0;
    if (base && cstr_to_int64(base, &base_id) == 0 && base_id > 0) {
        s->base_id = base_id;
        filters[nf++] =
            (struct search_facet_value){"_base", arena_printf(a, "%lld", (long long)base_id)};
    }
    /* What the viewer may find: public resources, their own, their bases'. An admin sees all. */
    const struct auth *au = auth_of(req);
    if (!(au->roles & ROLE_ADMIN)) {
        filters[nf++] = (struct search_facet_value){"_acces", "public"};
        if (au->user_id > 0) {
            filters[nf++] = (struct search_facet_value){
                "_acces", arena_printf(a, "user:%lld", (long long)au->user_id)};
            struct db_stmt *st;
            int rc = db_prepare(rs_db(req), SQL_MY_BASES, &st);
            if (rc)
                return rc;
            db_bind_int64(st, 1, au->user_id);
            db_bind_int64(st, 2, (int64_t)(LIMIT_SEARCH_FILTERS - nf));
            while ((rc = db_step(st)) == 1 && nf < LIMIT_SEARCH_FILTERS)
                filters[nf++] = (struct search_facet_value){
                    "_acces", arena_printf(a, "base:%lld", (long long)db_col_int64(st, 0))};
            db_reset(st);
            if (rc < 0)
                return rc;
        }
    }
    s->query = (struct search_query){
        .text = str_from(s->q),
        .filters = filters,
        .n_filters = nf,
        .sort = sort,
        .prefix = SEARCH_PREFIX_LAST,
        .offset = offset,
        .limit = limit,
    };
    ressources_index_sync(rs_db(req), RESSOURCES_INDEX_MAX_AGE_S);
    struct search_engine *e = ressources_index();
    if (!e)
        return http_fail(req, ERR_INTERNAL, "La recherche n'est pas prête.", NULL);
    struct search_snapshot *snap = search_acquire(e);
    int rc = search_query(snap, &s->query, a, &s->result);
    search_release(snap);
    return rc;
}

unsigned rs_search_count(const struct rs_search *s, enum vocab_kind k, const char *value,
                         bool *selected)
{
    const char *facet = ressources_vocab_get(k)->json_key;
    *selected = false;
    for (size_t j = 0; j < s->n_selected[k]; j++)
        if (strcmp(s->selected[k][j], value) == 0)
            *selected = true;
    for (size_t i = 0; i < s->result.n_facets; i++) {
        const struct search_facet_count *c = &s->result.facets[i];
        if (strcmp(c->facet, facet) == 0 && strcmp(c->value, value) == 0)
            return c->count;
    }
    return 0;
}

const char *rs_search_params(struct arena *a, const struct rs_search *s)
{
    struct buf b;
    buf_init(&b, a, 16 * 1024);
    buf_adds(&b, "q=");
    html_url_part(&b, s->q);
    buf_adds(&b, "&tri=");
    html_url_part(&b, s->tri);
    if (s->base_id)
        buf_addf(&b, "&base=%lld", (long long)s->base_id);
    for (int k = 0; k < VOCAB_N; k++)
        for (size_t j = 0; j < s->n_selected[k]; j++) {
            buf_addf(&b, "&%s=", ressources_vocab_get((enum vocab_kind)k)->column);
            html_url_part(&b, s->selected[k][j]);
        }
    return buf_cstr(&b);
}
