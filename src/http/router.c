#include "http/router.h"

#include <string.h>

#include "core/alloc.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "http/parse.h"

/*
 * The table is a flat list scanned in full for each request: a few hundred routes of a few segments
 * cost well under a microsecond, and a list keeps "the most specific pattern wins" obvious. Each
 * pattern is split into segments once, at router_add.
 */

enum seg_kind { SEG_REST, SEG_PARAM, SEG_LITERAL }; /* ordered: a higher kind is more specific */

struct seg {
    enum seg_kind kind;
    const char *text; /* literal text, or the parameter's name; owned by the router */
};

struct route_entry {
    struct route route;
    struct seg *segs;
    size_t n_segs;
};

struct router {
    struct route_entry **entries;
    size_t n, cap;
};

struct router *router_new(void) { return xcalloc(1, sizeof(struct router)); }

void router_free(struct router *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++) {
        struct route_entry *e = r->entries[i];
        for (size_t k = 0; k < e->n_segs; k++)
            free((char *)e->segs[k].text);
        free(e->segs);
        free(e);
    }
    free(r->entries);
    free(r);
}

void router_add(struct router *r, const struct route *route)
{
    const char *pat = route->pattern;
    ASSERT(pat && pat[0] == '/');
    ASSERT(route->handler && route->methods);
    struct route_entry *e = xcalloc(1, sizeof(*e));
    e->route = *route;
    size_t n_params = 0;
    /* "/" is the one pattern with no segment. */
    const char *p = pat + 1;
    while (pat[1] != '\0') {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        e->segs = xrealloc(e->segs, (e->n_segs + 1) * sizeof(*e->segs));
        struct seg *s = &e->segs[e->n_segs++];
        if (len >= 2 && p[0] == '{' && p[len - 1] == '}') {
            bool rest = len >= 3 && p[len - 2] == '*';
            size_t name_len = len - 2 - (rest ? 1 : 0);
            ASSERT(name_len > 0);
            s->kind = rest ? SEG_REST : SEG_PARAM;
            s->text = xstrndup(p + 1, name_len);
            ASSERT(!strpbrk(s->text, "{}*"));
            ASSERT(!rest || !slash); /* {rest*} only at the end */
            n_params++;
        } else {
            ASSERT(len > 0); /* no empty segment: "//" or a trailing '/' */
            ASSERT(!memchr(p, '{', len) && !memchr(p, '}', len));
            s->kind = SEG_LITERAL;
            s->text = xstrndup(p, len);
        }
        if (!slash)
            break;
        p = slash + 1;
    }
    ASSERT(n_params <= LIMIT_FIELDS);
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 32;
        r->entries = xrealloc(r->entries, r->cap * sizeof(*r->entries));
    }
    r->entries[r->n++] = e;
}

size_t router_count(const struct router *r) { return r->n; }

const struct route *router_at(const struct router *r, size_t i)
{
    ASSERT(i < r->n);
    return &r->entries[i]->route;
}

/* The decoded segments of a request path. */
struct path_segs {
    struct str *segs;
    size_t n;
};

/* Splits path at '/' and percent-decodes each segment, so that an encoded '/' (%2F) stays inside
 * its segment. ERR_INVALID for a bad escape, a NUL or invalid UTF-8. */
static int split_path(struct arena *a, const char *path, struct path_segs *out)
{
    out->n = 0;
    out->segs = NULL;
    if (path[0] != '/')
        return ERR_INVALID;
    if (path[1] == '\0')
        return 0;
    size_t n = 1;
    for (const char *c = path + 1; *c; c++)
        n += *c == '/';
    out->segs = arena_alloc(a, n * sizeof(*out->segs));
    const char *p = path + 1;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        char *d;
        size_t dlen;
        if (http_percent_decode(a, p, len, false, &d, &dlen) < 0 || memchr(d, '\0', dlen) ||
            !utf8_valid(d, dlen))
            return ERR_INVALID;
        out->segs[out->n++] = (struct str){d, dlen};
        if (!slash)
            break;
        p = slash + 1;
    }
    return 0;
}

/* True when e matches the path. Does not fill parameters: that is done for the winner only. */
static bool entry_matches(const struct route_entry *e, const struct path_segs *ps)
{
    for (size_t i = 0; i < e->n_segs; i++) {
        const struct seg *s = &e->segs[i];
        if (s->kind == SEG_REST)
            return true; /* zero or more remaining segments */
        if (i >= ps->n)
            return false;
        if (s->kind == SEG_PARAM) {
            if (ps->segs[i].len == 0)
                return false;
        } else if (!str_eq_cstr(ps->segs[i], s->text)) {
            return false;
        }
    }
    return e->n_segs == ps->n;
}

/* Positive when a is more specific than b: at the first segment where they differ in kind, a
 * literal beats a parameter, which beats a rest parameter; a longer pattern beats its prefix. */
static int specificity_cmp(const struct route_entry *a, const struct route_entry *b)
{
    size_t n = a->n_segs < b->n_segs ? a->n_segs : b->n_segs;
    for (size_t i = 0; i < n; i++)
        if (a->segs[i].kind != b->segs[i].kind)
            return (int)a->segs[i].kind - (int)b->segs[i].kind;
    return (a->n_segs > b->n_segs) - (a->n_segs < b->n_segs);
}

static bool method_allowed(unsigned methods, enum http_method m)
{
    if (methods & (unsigned)m)
        return true;
    return m == HTTP_HEAD && (methods & HTTP_GET);
}

static void fill_params(const struct route_entry *e, const struct path_segs *ps, struct arena *a,
                        struct http_params *params)
{
    params->n = 0;
    params->items = NULL;
    size_t n_params = 0;
    for (size_t i = 0; i < e->n_segs; i++)
        n_params += e->segs[i].kind != SEG_LITERAL;
    if (!n_params)
        return;
    params->items = arena_alloc(a, n_params * sizeof(*params->items));
    for (size_t i = 0; i < e->n_segs; i++) {
        const struct seg *s = &e->segs[i];
        if (s->kind == SEG_LITERAL)
            continue;
        const char *value;
        if (s->kind == SEG_PARAM) {
            value = ps->segs[i].p; /* NUL-terminated by http_percent_decode */
        } else {
            struct buf b;
            buf_init(&b, a, LIMIT_URL_BYTES);
            for (size_t k = i; k < ps->n; k++) {
                if (k > i)
                    buf_addch(&b, '/');
                buf_addstr(&b, ps->segs[k]);
            }
            value = b.p ? buf_cstr(&b) : "";
        }
        params->items[params->n++] = (struct http_param){s->text, value};
    }
}

const struct route *router_match(const struct router *r, enum http_method method, const char *path,
                                 struct arena *arena, struct http_params *params, int *err)
{
    params->n = 0;
    params->items = NULL;
    struct path_segs ps;
    if (split_path(arena, path, &ps) < 0) {
        *err = ERR_INVALID;
        return NULL;
    }
    const struct route_entry *best = NULL;
    bool path_known = false;
    for (size_t i = 0; i < r->n; i++) {
        const struct route_entry *e = r->entries[i];
        if (!entry_matches(e, &ps))
            continue;
        path_known = true;
        if (!method_allowed(e->route.methods, method))
            continue;
        if (!best || specificity_cmp(e, best) > 0)
            best = e;
    }
    if (!best) {
        *err = path_known ? ERR_METHOD : ERR_NOT_FOUND;
        return NULL;
    }
    fill_params(best, &ps, arena, params);
    *err = 0;
    return &best->route;
}

unsigned router_methods(const struct router *r, const char *path, struct arena *arena)
{
    struct path_segs ps;
    if (split_path(arena, path, &ps) < 0)
        return 0;
    unsigned methods = 0;
    for (size_t i = 0; i < r->n; i++)
        if (entry_matches(r->entries[i], &ps))
            methods |= r->entries[i]->route.methods;
    if (methods & HTTP_GET)
        methods |= HTTP_HEAD;
    return methods;
}
