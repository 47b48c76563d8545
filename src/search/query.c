/*
 * query: reading a snapshot (search.h). A query becomes clauses that must all match (a word, a
 * phrase, or a synonym group), each clause a list of weighted alternatives (the typed stem, its
 * synonyms, its corrections when the word is unknown, the completions of the last word). Postings
 * are scored with BM25F into per-thread scratch arrays; the rarest clause goes first and later
 * ones only visit its documents. Filters and facet counts are one pass over the matches; the page
 * is the top of a bounded heap.
 */
#include <math.h>
#include <pthread.h>

#include "core/alloc.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "search/snapshot.h"

/* --- per-thread scratch --- */

struct hit {
    uint32_t doc;
    float score;
};

struct scratch {
    size_t cap;
    uint32_t *stamp, *mask, *cstamp, *clist, *touched;
    float *score, *cval;
    struct hit *hits; /* the matches that pass the filters */
    uint32_t epoch, cepoch;
    uint8_t *mark; /* per stem: 1 + the place of its clause in the query, during a re-ranking */
    size_t mark_cap;
};

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static _Thread_local struct scratch *thread_scratch;

static void scratch_free(void *p)
{
    struct scratch *sc = p;
    if (!sc)
        return;
    free(sc->stamp);
    free(sc->mask);
    free(sc->cstamp);
    free(sc->clist);
    free(sc->touched);
    free(sc->score);
    free(sc->cval);
    free(sc->hits);
    free(sc->mark);
    free(sc);
}

static void scratch_key_create(void)
{
    ASSERT(pthread_key_create(&scratch_key, scratch_free) == 0);
}

void search_query_thread_release(void)
{
    if (!thread_scratch)
        return;
    pthread_setspecific(scratch_key, NULL);
    scratch_free(thread_scratch);
    thread_scratch = NULL;
}

static struct scratch *scratch_get(size_t n)
{
    struct scratch *sc = thread_scratch;
    if (!sc) {
        pthread_once(&scratch_once, scratch_key_create);
        sc = xcalloc(1, sizeof(*sc));
        thread_scratch = sc;
        pthread_setspecific(scratch_key, sc);
    }
    if (sc->cap < n + 1) {
        size_t cap = n + 1 + n / 4;
        free(sc->stamp);
        free(sc->cstamp);
        sc->stamp = xcalloc(cap, sizeof(uint32_t));
        sc->cstamp = xcalloc(cap, sizeof(uint32_t));
        sc->mask = xrealloc(sc->mask, cap * sizeof(uint32_t));
        sc->clist = xrealloc(sc->clist, cap * sizeof(uint32_t));
        sc->touched = xrealloc(sc->touched, cap * sizeof(uint32_t));
        sc->score = xrealloc(sc->score, cap * sizeof(float));
        sc->cval = xrealloc(sc->cval, cap * sizeof(float));
        sc->hits = xrealloc(sc->hits, cap * sizeof(*sc->hits));
        sc->cap = cap;
        sc->epoch = sc->cepoch = 0;
    }
    if (++sc->epoch == 0) {
        memset(sc->stamp, 0, sc->cap * sizeof(uint32_t));
        sc->epoch = 1;
    }
    return sc;
}

static void next_clause_epoch(struct scratch *sc)
{
    if (++sc->cepoch == 0) {
        memset(sc->cstamp, 0, sc->cap * sizeof(uint32_t));
        sc->cepoch = 1;
    }
}

/* --- dictionaries --- */

static uint32_t stem_find(const struct search_snapshot *s, const char *stem)
{
    size_t lo = 0, hi = s->n_stems;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(s->stems[mid].str, stem);
        if (c == 0)
            return (uint32_t)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NONE;
}

/* First surface word >= key. */
static size_t surf_lower_bound(const struct search_snapshot *s, const char *key)
{
    size_t lo = 0, hi = s->n_surf;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(s->surf[mid].str, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static bool surf_has_prefix(const struct snap_surface *w, const char *p, size_t n)
{
    return w->len >= n && memcmp(w->str, p, n) == 0;
}

struct typo_hit {
    uint32_t surf;
    uint32_t dist;
};

/* Surface words within k edits (optimal string alignment: insertion, deletion, substitution,
 * transposition of neighbours) of w. The sorted dictionary is walked as a trie: rows of the edit
 * matrix are kept per depth and reused for the prefix a word shares with the previous one, and a
 * prefix whose row is all above k is skipped with a binary search. Edits count bytes of the folded
 * words: French folds to ASCII, so a byte is a letter; in other scripts a letter may count twice. */
static size_t typo_search(const struct search_snapshot *s, const char *w, size_t m, uint32_t k,
                          struct typo_hit *out, size_t max)
{
    enum { W = LIMIT_SEARCH_WORD_BYTES + 1 };
    uint8_t rows[W][W];
    if (m >= W)
        return 0;
    for (size_t j = 0; j <= m; j++)
        rows[0][j] = (uint8_t)j;
    const char *prev = "";
    size_t valid = 0, found = 0, i = 0;
    while (i < s->n_surf) {
        const struct snap_surface *t = &s->surf[i];
        size_t tl = t->len < W - 1 ? t->len : W - 1;
        size_t l = 0;
        while (l < valid && l < tl && t->str[l] == prev[l])
            l++;
        size_t depth;
        bool dead = false;
        for (depth = l + 1; depth <= tl; depth++) {
            uint8_t *r = rows[depth];
            const uint8_t *p = rows[depth - 1];
            char c = t->str[depth - 1];
            r[0] = (uint8_t)depth;
            uint8_t mn = r[0];
            for (size_t j = 1; j <= m; j++) {
                uint8_t v = p[j] + 1;
                if (r[j - 1] + 1 < v)
                    v = r[j - 1] + 1;
                uint8_t sub = p[j - 1] + (c != w[j - 1]);
                if (sub < v)
                    v = sub;
                if (depth > 1 && j > 1 && c == w[j - 2] && t->str[depth - 2] == w[j - 1] &&
                    rows[depth - 2][j - 2] + 1 < v)
                    v = rows[depth - 2][j - 2] + 1;
                r[j] = v;
                if (v < mn)
                    mn = v;
            }
            if (mn > k) {
                dead = true;
                break;
            }
        }
        prev = t->str;
        if (dead) {
            size_t lo = i + 1, hi = s->n_surf;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (surf_has_prefix(&s->surf[mid], t->str, depth))
                    lo = mid + 1;
                else
                    hi = mid;
            }
            valid = depth - 1;
            i = lo;
            continue;
        }
        if (rows[tl][m] <= k && found < max)
            out[found++] = (struct typo_hit){(uint32_t)i, rows[tl][m]};
        valid = tl;
        i++;
    }
    return found;
}

/* --- the query plan --- */

struct alt {
    uint32_t *stems;
    uint32_t n;
    float weight;
};

struct clause {
    struct alt *alts;
    size_t n_alts, cap;
    double est;     /* postings to read */
    size_t place;   /* position in the query */
    uint32_t typed; /* the surface word typed, or NONE (a phrase, a synonym, an unknown word) */
};

struct qword {
    const char *folded;
    size_t len;
    uint32_t letters;
    const char *stem;  /* typed */
    uint32_t stem_idx; /* in the snapshot, or NONE */
    const char *eff;   /* the stem used for synonyms: typed, or the best correction's */
    int phrase;        /* phrase number, -1 outside quotes */
    bool prefix;       /* the last word, being typed */
    bool known;        /* the word or its stem is in the index */
    uint32_t surf;     /* the word in the index, or NONE */
    struct typo_hit *fix;
    size_t n_fix;
};

struct plan {
    struct arena *a;
    const struct search_snapshot *s;
    struct clause *clauses;
    size_t n, cap;
    const char **words;
    size_t n_words, cap_words;
    bool corrected;
    char *understood; /* the non-stop words, each typed or corrected, with spaces */
};

static void plan_word(struct plan *p, const char *w)
{
    for (size_t i = 0; i < p->n_words; i++)
        if (strcmp(p->words[i], w) == 0)
            return;
    p->words = arena_push(p->a, p->words, p->n_words, &p->cap_words, sizeof(*p->words));
    p->words[p->n_words++] = arena_strdup(p->a, w);
}

static struct clause *plan_clause(struct plan *p)
{
    p->clauses = arena_push(p->a, p->clauses, p->n, &p->cap, sizeof(*p->clauses));
    struct clause *c = &p->clauses[p->n++];
    *c = (struct clause){.place = p->n - 1, .typed = NONE};
    return c;
}

static void clause_alt(struct plan *p, struct clause *c, const uint32_t *stems, size_t n,
                       float weight)
{
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++)
        if (stems[i] == NONE)
            return;
    for (size_t i = 0; i < c->n_alts; i++) {
        struct alt *x = &c->alts[i];
        if (x->n == n && memcmp(x->stems, stems, n * sizeof(uint32_t)) == 0) {
            if (weight > x->weight)
                x->weight = weight;
            return;
        }
    }
    c->alts = arena_push(p->a, c->alts, c->n_alts, &c->cap, sizeof(*c->alts));
    struct alt *x = &c->alts[c->n_alts++];
    x->stems = arena_alloc(p->a, n * sizeof(uint32_t));
    memcpy(x->stems, stems, n * sizeof(uint32_t));
    x->n = (uint32_t)n;
    x->weight = weight;
    uint32_t rarest = UINT32_MAX;
    for (size_t i = 0; i < n; i++)
        if (p->s->stems[stems[i]].df < rarest)
            rarest = p->s->stems[stems[i]].df;
    c->est += rarest;
}

static int cmp_typo(const void *x, const void *y, void *ctx)
{
    const struct search_snapshot *s = ctx;
    const struct typo_hit *a = x, *b = y;
    if (a->dist != b->dist)
        return a->dist < b->dist ? -1 : 1;
    uint32_t da = s->surf[a->surf].docs, db = s->surf[b->surf].docs;
    return da > db ? -1 : da < db ? 1 : (a->surf < b->surf ? -1 : a->surf > b->surf);
}

/* Corrections of an unknown word: the closest distance found, most frequent first. */
static void correct_word(struct plan *p, struct qword *q)
{
    if (q->letters < 5)
        return;
    uint32_t k = q->letters >= 9 ? 2 : 1;
    struct typo_hit *hits = arena_alloc(p->a, 256 * sizeof(*hits));
    size_t n = typo_search(p->s, q->folded, q->len, k, hits, 256);
    if (!n)
        return;
    qsort_r(hits, n, sizeof(*hits), cmp_typo, (void *)p->s);
    size_t keep = 0;
    while (keep < n && keep < LIMIT_SEARCH_EXPANSIONS && hits[keep].dist == hits[0].dist)
        keep++;
    q->fix = hits;
    q->n_fix = keep;
    q->eff = p->s->stems[p->s->surf[hits[0].surf].stem].str;
    p->corrected = true;
}

static bool has_completion(const struct search_snapshot *s, const struct qword *q)
{
    size_t i = surf_lower_bound(s, q->folded);
    if (i < s->n_surf && s->surf[i].len == q->len && surf_has_prefix(&s->surf[i], q->folded, q->len))
        i++;
    return i < s->n_surf && surf_has_prefix(&s->surf[i], q->folded, q->len);
}

/* The completions of the last word: the most frequent words it starts. */
static void complete_word(struct plan *p, struct clause *c, const struct qword *q)
{
    const struct search_snapshot *s = p->s;
    struct typo_hit best[LIMIT_SEARCH_EXPANSIONS];
    size_t nb = 0;
    for (size_t i = surf_lower_bound(s, q->folded);
         i < s->n_surf && surf_has_prefix(&s->surf[i], q->folded, q->len); i++) {
        if (s->surf[i].len == q->len)
            continue;
        uint32_t docs = s->surf[i].docs;
        if (nb == LIMIT_SEARCH_EXPANSIONS && docs <= s->surf[best[nb - 1].surf].docs)
            continue;
        size_t j = nb < LIMIT_SEARCH_EXPANSIONS ? nb++ : nb - 1;
        while (j > 0 && s->surf[best[j - 1].surf].docs < docs) {
            best[j] = best[j - 1];
            j--;
        }
        best[j] = (struct typo_hit){(uint32_t)i, 0};
    }
    for (size_t i = 0; i < nb; i++) {
        clause_alt(p, c, &s->surf[best[i].surf].stem, 1, (float)s->cfg.prefix_weight);
        if (i < 5)
            plan_word(p, s->surf[best[i].surf].str);
    }
}

static uint32_t *stems_of(struct plan *p, const char *const *strs, size_t n)
{
    uint32_t *out = arena_alloc(p->a, (n + 1) * sizeof(uint32_t));
    for (size_t i = 0; i < n; i++)
        out[i] = stem_find(p->s, strs[i]);
    return out;
}

/* Every expression of synonym group g as an alternative of c; `typed` (of n_typed stems) is what
 * the person wrote and keeps its full weight. */
static void synonym_alts(struct plan *p, struct clause *c, const struct search_synonyms *syn,
                         size_t g, const char *const *typed, size_t n_typed)
{
    const char *const *stems, *const *words;
    size_t n;
    for (size_t i = 0; search_synonyms_group(syn, g, i, &stems, &n); i++) {
        bool same = n == n_typed;
        for (size_t j = 0; same && j < n; j++)
            same = strcmp(stems[j], typed[j]) == 0;
        size_t before = c->n_alts;
        clause_alt(p, c, stems_of(p, stems, n), n,
                   same ? 1.0f : (float)p->s->cfg.synonym_weight);
        if (c->n_alts > before && search_synonyms_words(syn, g, i, &words, &n))
            for (size_t j = 0; j < n; j++)
                plan_word(p, words[j]);
    }
}

static void plan_build(struct plan *p, const struct search_query *q)
{
    const struct search_snapshot *s = p->s;
    struct search_analyser *an = search_analyser_for_thread();
    struct search_word *w;
    size_t nw;
    size_t text_len = q->text.len < LIMIT_SEARCH_QUERY_BYTES ? q->text.len
                                                              : LIMIT_SEARCH_QUERY_BYTES;
    search_analyse(q->text, LIMIT_SEARCH_QUERY_BYTES, LIMIT_SEARCH_QUERY_WORDS * 4, p->a, &w, &nw);
    struct qword *qw = arena_calloc(p->a, LIMIT_SEARCH_QUERY_WORDS + 1, sizeof(*qw));
    size_t n = 0;
    bool in_quotes = false;
    int phrase = -1;
    for (size_t i = 0; i < nw; i++) {
        if (w[i].quote_before) {
            in_quotes = !in_quotes;
            if (in_quotes)
                phrase++;
        }
        if (w[i].stop || n == LIMIT_SEARCH_QUERY_WORDS)
            continue;
        struct qword *x = &qw[n++];
        x->folded = w[i].folded;
        x->len = w[i].folded_len;
        x->letters = w[i].letters;
        x->phrase = in_quotes ? phrase : -1;
        x->stem = search_stem(an, x->folded, x->len, p->a);
        x->stem_idx = stem_find(s, x->stem);
        x->eff = x->stem;
        size_t lb = surf_lower_bound(s, x->folded);
        bool surf_known = lb < s->n_surf && strcmp(s->surf[lb].str, x->folded) == 0;
        x->known = surf_known || x->stem_idx != NONE;
        x->surf = surf_known ? (uint32_t)lb : NONE;
        x->prefix = q->prefix == SEARCH_PREFIX_LAST && i == nw - 1 && w[i].end == text_len &&
                    x->phrase < 0 && x->letters >= 2;
    }
    size_t ulen = 0;
    p->understood = arena_alloc(p->a, n * (LIMIT_SEARCH_WORD_BYTES + 1) + 1);
    for (size_t i = 0; i < n; i++) {
        /* A word being typed is corrected only when it starts no word of the index. */
        if (!qw[i].known && (!qw[i].prefix || !has_completion(s, &qw[i])))
            correct_word(p, &qw[i]);
        const char *uw = qw[i].n_fix ? s->surf[qw[i].fix[0].surf].str : qw[i].folded;
        if (ulen)
            p->understood[ulen++] = ' ';
        memcpy(p->understood + ulen, uw, strlen(uw));
        ulen += strlen(uw);
    }
    p->understood[ulen] = 0;

    const struct search_synonyms *syn = s->synonyms->syn;
    const char **eff = arena_alloc(p->a, (n + 1) * sizeof(char *));
    for (size_t i = 0; i < n; i++)
        eff[i] = qw[i].eff;
    size_t i = 0;
    while (i < n) {
        struct clause *c = plan_clause(p);
        if (qw[i].phrase >= 0) {
            size_t j = i;
            uint32_t *st = arena_alloc(p->a, (n + 1) * sizeof(uint32_t));
            while (j < n && qw[j].phrase == qw[i].phrase) {
                st[j - i] = qw[j].stem_idx != NONE ? qw[j].stem_idx
                            : qw[j].n_fix         ? s->surf[qw[j].fix[0].surf].stem
                                                  : NONE;
                plan_word(p, qw[j].n_fix ? s->surf[qw[j].fix[0].surf].str : qw[j].folded);
                j++;
            }
            clause_alt(p, c, st, j - i, 1.0f);
            i = j;
            continue;
        }
        size_t stop = i;
        while (stop < n && qw[stop].phrase < 0)
            stop++;
        size_t g;
        size_t m = search_synonyms_match(syn, eff + i, stop - i, &g);
        if (m > 1) {
            for (size_t j = i; j < i + m; j++)
                plan_word(p, qw[j].folded);
            synonym_alts(p, c, syn, g, eff + i, m);
            i += m;
            continue;
        }
        struct qword *x = &qw[i];
        c->typed = x->surf;
        if (x->stem_idx != NONE) {
            clause_alt(p, c, &x->stem_idx, 1, 1.0f);
            plan_word(p, x->folded);
        }
        for (size_t k = 0; k < x->n_fix; k++) {
            const struct snap_surface *fs = &s->surf[x->fix[k].surf];
            float wgt = (float)(x->fix[k].dist == 1 ? s->cfg.typo_weight
                                                    : s->cfg.typo_weight * s->cfg.typo_weight);
            clause_alt(p, c, &fs->stem, 1, wgt);
            if (k < 3)
                plan_word(p, fs->str);
        }
        if (m == 1)
            synonym_alts(p, c, syn, g, eff + i, 1);
        if (x->prefix)
            complete_word(p, c, x);
        i++;
    }
}

/* --- scoring --- */

struct run {
    const struct search_snapshot *s;
    struct scratch *sc;
    size_t n_touched;
    float k1;
    double n_docs;
};

static double idf(double n_docs, double df)
{
    return log(1.0 + (n_docs - df + 0.5) / (df + 0.5));
}

static bool phrase_in_doc(const struct search_snapshot *s, uint32_t d, const struct alt *x)
{
    const struct snap_doc *dd = &s->docs[d];
    const uint32_t *wd = s->words + dd->words_off;
    size_t start = 0;
    for (int f = 0; f < SEARCH_N_FIELDS; f++) {
        size_t end = start + dd->field_len[f];
        for (size_t i = start; i + x->n <= end; i++) {
            size_t j = 0;
            while (j < x->n && s->surf[wd[i + j]].stem == x->stems[j])
                j++;
            if (j == x->n)
                return true;
        }
        start = end;
    }
    return false;
}

/* Scores one clause into the scratch arrays: bit `bit` in the mask of every document it matches.
 * With `need` set, only documents whose mask is exactly `need` are visited (the AND of the
 * clauses before). */
static void run_clause(struct run *r, const struct clause *c, uint32_t bit, bool restrict_,
                       uint32_t need)
{
    const struct search_snapshot *s = r->s;
    struct scratch *sc = r->sc;
    next_clause_epoch(sc);
    size_t nl = 0;
    for (size_t a = 0; a < c->n_alts; a++) {
        const struct alt *x = &c->alts[a];
        uint32_t rarest = x->stems[0];
        double w_idf = 0;
        for (uint32_t k = 0; k < x->n; k++) {
            const struct snap_stem *st = &s->stems[x->stems[k]];
            w_idf += idf(r->n_docs, st->df);
            if (st->df < s->stems[rarest].df)
                rarest = x->stems[k];
        }
        w_idf *= x->weight;
        const struct snap_stem *st = &s->stems[rarest];
        const struct posting *pp = s->postings + st->off, *pe = pp + st->df;
        for (; pp < pe; pp++) {
            uint32_t d = pp->doc;
            if (restrict_ && (sc->stamp[d] != sc->epoch || sc->mask[d] != need))
                continue;
            if (x->n > 1 && !phrase_in_doc(s, d, x))
                continue;
            const float *norm = s->docs[d].norm;
            float tfw = 0;
            for (int f = 0; f < SEARCH_N_FIELDS; f++)
                tfw += pp->tf[f] * norm[f];
            float v = (float)w_idf * tfw / (r->k1 + tfw);
            if (sc->cstamp[d] != sc->cepoch) {
                sc->cstamp[d] = sc->cepoch;
                sc->cval[d] = v;
                sc->clist[nl++] = d;
            } else if (v > sc->cval[d]) {
                sc->cval[d] = v;
            }
        }
    }
    for (size_t i = 0; i < nl; i++) {
        uint32_t d = sc->clist[i];
        if (sc->stamp[d] != sc->epoch) {
            sc->stamp[d] = sc->epoch;
            sc->score[d] = 0;
            sc->mask[d] = 0;
            sc->touched[r->n_touched++] = d;
        }
        sc->score[d] += sc->cval[d];
        sc->mask[d] |= bit;
    }
}

static int cmp_clause_est(const void *x, const void *y)
{
    const struct clause *a = x, *b = y;
    return a->est < b->est ? -1 : a->est > b->est;
}

/* --- ordering --- */

struct order {
    const struct search_snapshot *s;
    enum search_sort sort;
};

/* Negative when a comes before b. */
static int hit_cmp(const struct order *o, const struct hit *a, const struct hit *b)
{
    const struct snap_doc *x = &o->s->docs[a->doc], *y = &o->s->docs[b->doc];
#define DESC(u, v)                                                                                 \
    if ((u) != (v))                                                                                \
        return (u) > (v) ? -1 : 1;
    switch (o->sort) {
    case SEARCH_SORT_NEWEST:
        DESC(x->created, y->created);
        break;
    case SEARCH_SORT_VIEWS:
        DESC(x->views, y->views);
        break;
    case SEARCH_SORT_RECOMMENDED:
        DESC(x->recommendation, y->recommendation);
        DESC(x->views, y->views);
        break;
    case SEARCH_SORT_TITLE:
        return x->title_rank < y->title_rank ? -1 : x->title_rank > y->title_rank;
    case SEARCH_SORT_RELEVANCE:
        break;
    }
    DESC(a->score, b->score);
    DESC(x->quality, y->quality);
    DESC(x->created, y->created);
#undef DESC
    return x->id < y->id ? -1 : x->id > y->id;
}

static int hit_qsort_cmp(const void *a, const void *b, void *ctx)
{
    return hit_cmp(ctx, a, b);
}

/* The first k hits in order, in place at the start of h. A bounded max-heap keeps the k best
 * seen so far when k is small against n. */
static size_t top_k(struct hit *h, size_t n, size_t k, const struct order *o)
{
    if (k >= n || k >= n / 2) {
        qsort_r(h, n, sizeof(*h), hit_qsort_cmp, (void *)o);
        return k < n ? k : n;
    }
    /* h[0..k) is a heap whose root is the worst of the kept hits. */
    for (size_t i = 0; i < n; i++) {
        struct hit x = h[i];
        size_t j;
        if (i < k) {
            j = i;
            while (j > 0 && hit_cmp(o, &h[(j - 1) / 2], &x) < 0) {
                h[j] = h[(j - 1) / 2];
                j = (j - 1) / 2;
            }
            h[j] = x;
            continue;
        }
        if (hit_cmp(o, &x, &h[0]) >= 0)
            continue;
        j = 0;
        for (;;) {
            size_t l = 2 * j + 1, worst = j;
            const struct hit *wv = &x;
            if (l < k && hit_cmp(o, &h[l], wv) > 0) {
                worst = l;
                wv = &h[l];
            }
            if (l + 1 < k && hit_cmp(o, &h[l + 1], wv) > 0)
                worst = l + 1;
            if (worst == j)
                break;
            h[j] = h[worst];
            j = worst;
        }
        h[j] = x;
    }
    qsort_r(h, k, sizeof(*h), hit_qsort_cmp, (void *)o);
    return k;
}

/* The facet values of the result, in name then value order, with their counts. */
static void facet_list(const struct search_snapshot *s, const uint32_t *counts,
                       const uint64_t *fv_sel, bool impossible, struct arena *a,
                       struct search_result *out)
{
    out->facets = arena_alloc(a, (s->n_fv + 1) * sizeof(*out->facets));
    char *pack = arena_alloc(a, s->fv_pack_len + 1);
    memcpy(pack, s->fv_pack, s->fv_pack_len);
    for (size_t i = 0; i < s->n_fv; i++) {
        uint32_t v = s->fv_order[i];
        const char *name = pack + s->fv_pack_off[v];
        bool sel = fv_sel[v] != 0;
        if (name[0] == '_' || (!s->fv_docs[v] && !sel))
            continue;
        out->facets[out->n_facets++] = (struct search_facet_count){
            name, name + strlen(name) + 1, impossible ? 0 : counts[v], sel};
    }
}

/* Every document in the order of `sort` for an empty query (all scores 0), built once per
 * snapshot on first use. */
static const uint32_t *empty_order(const struct search_snapshot *cs, enum search_sort sort)
{
    struct search_snapshot *s = (struct search_snapshot *)cs; /* the lazy cache only */
    uint32_t *o = atomic_load(&s->order[sort]);
    if (o)
        return o;
    pthread_mutex_lock(&s->order_lock);
    o = atomic_load(&s->order[sort]);
    if (!o) {
        struct hit *h = xmalloc((s->n_docs + 1) * sizeof(*h));
        for (size_t d = 0; d < s->n_docs; d++)
            h[d] = (struct hit){(uint32_t)d, 0};
        struct order ord = {s, sort};
        if (s->n_docs > 1)
            qsort_r(h, s->n_docs, sizeof(*h), hit_qsort_cmp, &ord);
        o = xmalloc((s->n_docs + 1) * sizeof(*o));
        for (size_t i = 0; i < s->n_docs; i++)
            o[i] = h[i].doc;
        free(h);
        atomic_store(&s->order[sort], o);
    }
    pthread_mutex_unlock(&s->order_lock);
    return o;
}

/* Re-ranks the best matches on their text (search_config: proximity_weight, exact_weight): one
 * pass over each one's words, at most RERANK_WORDS of them, marking which query word each is. */
#define RERANK_DOCS 100
#define RERANK_WORDS 1000

static void rerank(const struct search_snapshot *s, struct scratch *sc, const struct plan *p,
                   size_t nc, struct hit *hits, size_t n)
{
    if (sc->mark_cap < s->n_stems + 1) {
        free(sc->mark);
        sc->mark_cap = s->n_stems + 1;
        sc->mark = xcalloc(sc->mark_cap, 1);
    }
    uint32_t typed[32];
    uint32_t typed_mask = 0;
    size_t places = p->n < 32 ? p->n : 32;
    for (size_t i = 0; i < nc; i++) {
        const struct clause *c = &p->clauses[i];
        if (c->place >= places)
            continue;
        typed[c->place] = c->typed;
        if (c->typed != NONE)
            typed_mask |= (uint32_t)1 << c->place;
        for (size_t k = 0; k < c->n_alts; k++)
            if (c->alts[k].n == 1)
                sc->mark[c->alts[k].stems[0]] = (uint8_t)(c->place + 1);
    }
    double pw = s->cfg.proximity_weight, ew = s->cfg.exact_weight;
    int n_typed = __builtin_popcount(typed_mask);
    for (size_t h = 0; h < n; h++) {
        const struct snap_doc *dd = &s->docs[hits[h].doc];
        const uint32_t *wd = s->words + dd->words_off;
        uint32_t pairs = 0, exact = 0;
        size_t start = 0, budget = RERANK_WORDS;
        for (int f = 0; f < SEARCH_N_FIELDS && budget; f++) {
            size_t len = dd->field_len[f] < budget ? dd->field_len[f] : budget;
            int prev = -1;
            for (size_t i = start; i < start + len; i++) {
                uint8_t m = sc->mark[s->surf[wd[i]].stem];
                if (!m) {
                    prev = -1;
                    continue;
                }
                int c = m - 1;
                if (prev >= 0 && c == prev + 1)
                    pairs |= (uint32_t)1 << prev;
                if (wd[i] == typed[c])
                    exact |= (uint32_t)1 << c;
                prev = c;
            }
            budget -= len;
            start += dd->field_len[f];
        }
        double prox = places > 1 ? (double)__builtin_popcount(pairs) / (double)(places - 1) : 0;
        double ex = n_typed ? (double)__builtin_popcount(exact & typed_mask) / n_typed : 0;
        hits[h].score = (float)(hits[h].score * (1 + pw * prox) * (1 + ew * ex));
    }
    for (size_t i = 0; i < nc; i++)
        for (size_t k = 0; k < p->clauses[i].n_alts; k++)
            if (p->clauses[i].alts[k].n == 1)
                sc->mark[p->clauses[i].alts[k].stems[0]] = 0;
}

/* --- the query --- */

int search_query(const struct search_snapshot *s, const struct search_query *q, struct arena *a,
                 struct search_result *out)
{
    *out = (struct search_result){0};
    if (!s || !q || !a || (q->text.len && !q->text.p) || (q->n_filters && !q->filters))
        return ERR_INVALID;
    size_t limit = q->limit ? q->limit : 20;
    if (limit > LIMIT_PAGE_SIZE)
        limit = LIMIT_PAGE_SIZE;

    struct plan p = {.a = a, .s = s};
    plan_build(&p, q);
    out->words = p.words;
    out->n_words = p.n_words;

    struct scratch *sc = scratch_get(s->n_docs);
    struct run r = {.s = s, .sc = sc, .k1 = (float)s->cfg.k1, .n_docs = (double)s->n_docs};
    /* Words the index does not know (no alternative) are left out, unless none is known. */
    size_t nc = 0;
    for (size_t i = 0; i < p.n; i++)
        if (p.clauses[i].n_alts)
            p.clauses[nc++] = p.clauses[i];
    bool any_words = p.n > 0;
    if (nc > 1)
        qsort(p.clauses, nc, sizeof(*p.clauses), cmp_clause_est);

    uint32_t *cand;
    size_t n_cand;
    uint32_t full = nc >= 32 ? UINT32_MAX : ((uint32_t)1 << nc) - 1;
    if (!any_words) {
        n_cand = s->n_docs;
        cand = NULL; /* every document */
    } else {
        uint32_t need = 0;
        for (size_t i = 0; i < nc && i < 32; i++) {
            run_clause(&r, &p.clauses[i], (uint32_t)1 << i, i > 0, need);
            need |= (uint32_t)1 << i;
        }
        n_cand = 0;
        cand = sc->touched;
        for (size_t i = 0; i < r.n_touched; i++)
            if (sc->mask[cand[i]] == full)
                cand[n_cand++] = cand[i];
        if (n_cand == 0 && nc >= 2) {
            /* No document has every word: rank those that have some, by how many. */
            sc = scratch_get(s->n_docs);
            r.n_touched = 0;
            for (size_t i = 0; i < nc && i < 32; i++)
                run_clause(&r, &p.clauses[i], (uint32_t)1 << i, false, 0);
            cand = sc->touched;
            n_cand = r.n_touched;
            for (size_t i = 0; i < n_cand; i++) {
                double frac = (double)__builtin_popcount(sc->mask[cand[i]]) / (double)nc;
                sc->score[cand[i]] *= (float)(frac * frac);
            }
        }
    }

    /* Filters: a group per filtered facet; a document passes a group with any of its values. */
    size_t n_groups = 0;
    uint64_t *fv_sel = arena_calloc(a, s->n_fv + 1, sizeof(uint64_t));
    int8_t *facet_group = arena_alloc(a, s->n_facet_names + 1);
    memset(facet_group, -1, s->n_facet_names + 1);
    uint64_t all_groups = 0;
    bool impossible = false;
    for (size_t i = 0; i < q->n_filters && i < LIMIT_SEARCH_FILTERS; i++) {
        const struct search_facet_value *f = &q->filters[i];
        if (!f->facet || !f->value)
            return ERR_INVALID;
        uint32_t fn = NONE;
        for (size_t k = 0; k < s->n_facet_names && fn == NONE; k++)
            if (strcmp(s->facet_names[k], f->facet) == 0)
                fn = (uint32_t)k;
        if (fn == NONE) {
            impossible = true; /* a facet no document has: nothing passes */
            continue;
        }
        if (facet_group[fn] < 0) {
            facet_group[fn] = (int8_t)n_groups++;
            all_groups |= (uint64_t)1 << facet_group[fn];
        }
        for (size_t v = 0; v < s->n_fv; v++)
            if (s->fv_facet[v] == fn && strcmp(s->fv_value[v], f->value) == 0)
                fv_sel[v] |= (uint64_t)1 << facet_group[fn];
    }

    size_t page_end = q->offset + limit;
    if (page_end < q->offset)
        page_end = SIZE_MAX;
    if (!any_words && q->n_filters == 0) {
        /* Everything, no filter: the counts and orders of the snapshot, no pass over it. */
        const uint32_t *order = empty_order(s, q->sort);
        size_t first = q->offset < s->n_docs ? q->offset : s->n_docs;
        size_t last = page_end < s->n_docs ? page_end : s->n_docs;
        out->total = s->n_docs;
        out->n_hits = last - first;
        out->hits = arena_alloc(a, (out->n_hits + 1) * sizeof(*out->hits));
        for (size_t i = 0; i < out->n_hits; i++)
            out->hits[i] = (struct search_hit){s->docs[order[first + i]].id, 0};
        facet_list(s, s->fv_docs, fv_sel, false, a, out);
        return 0;
    }

    uint32_t *counts = arena_calloc(a, s->n_fv + 1, sizeof(uint32_t));
    struct hit *hits = sc->hits; /* n_cand <= n_docs < sc->cap */
    size_t n_hits = 0;
    double qw = s->cfg.quality_weight;
    for (size_t i = 0; i < n_cand && !impossible; i++) {
        uint32_t d = cand ? cand[i] : (uint32_t)i;
        const struct snap_doc *dd = &s->docs[d];
        const uint32_t *fv = s->facets + dd->facets_off;
        uint64_t matched = 0;
        for (uint32_t k = 0; k < dd->n_facets; k++)
            matched |= fv_sel[fv[k]];
        uint64_t fail = all_groups & ~matched;
        if (fail == 0) {
            for (uint32_t k = 0; k < dd->n_facets; k++)
                counts[fv[k]]++;
            float sc_ = cand ? sc->score[d] : 0;
            hits[n_hits++] = (struct hit){d, (float)(sc_ * (1.0 + qw * dd->quality))};
        } else if ((fail & (fail - 1)) == 0) {
            /* Fails one group only: counts for that facet's values, as if its filter were
             * changed. */
            for (uint32_t k = 0; k < dd->n_facets; k++) {
                int8_t g = facet_group[s->fv_facet[fv[k]]];
                if (g >= 0 && ((uint64_t)1 << g) == fail)
                    counts[fv[k]]++;
            }
        }
    }

    struct order o = {s, q->sort};
    size_t kept;
    if (q->sort == SEARCH_SORT_RELEVANCE && nc > 0) {
        /* The best by BM25F, ranked again on their text, then the page. */
        kept = top_k(hits, n_hits, page_end > RERANK_DOCS ? page_end : RERANK_DOCS, &o);
        rerank(s, sc, &p, nc, hits, kept);
        if (kept > 1)
            qsort_r(hits, kept, sizeof(*hits), hit_qsort_cmp, &o);
        if (kept > page_end)
            kept = page_end;
    } else {
        kept = top_k(hits, n_hits, page_end, &o);
    }
    out->total = n_hits;
    size_t first = q->offset < kept ? q->offset : kept;
    out->n_hits = kept - first;
    out->hits = arena_alloc(a, (out->n_hits + 1) * sizeof(*out->hits));
    for (size_t i = 0; i < out->n_hits; i++)
        out->hits[i] = (struct search_hit){s->docs[hits[first + i].doc].id, hits[first + i].score};

    facet_list(s, counts, fv_sel, impossible, a, out);

    out->corrected = p.corrected ? p.understood : NULL;
    return 0;
}

/* --- suggestions and highlights --- */

int search_suggest(const struct search_snapshot *s, struct str text, size_t limit,
                   struct arena *a, struct search_suggestion **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!s || !a || (text.len && !text.p))
        return ERR_INVALID;
    if (limit == 0 || limit > LIMIT_SEARCH_SUGGESTIONS)
        limit = LIMIT_SEARCH_SUGGESTIONS;
    struct search_word *w;
    size_t nw;
    size_t text_len = text.len < LIMIT_SEARCH_QUERY_BYTES ? text.len : LIMIT_SEARCH_QUERY_BYTES;
    search_analyse(text, LIMIT_SEARCH_QUERY_BYTES, LIMIT_SEARCH_QUERY_WORDS * 4, a, &w, &nw);
    if (nw == 0 || w[nw - 1].end != text_len || w[nw - 1].letters < 2)
        return 0;
    const struct search_word *last = &w[nw - 1];
    struct search_suggestion *best = arena_alloc(a, (limit + 1) * sizeof(*best));
    size_t nb = 0;
    for (size_t i = surf_lower_bound(s, last->folded);
         i < s->n_surf && surf_has_prefix(&s->surf[i], last->folded, last->folded_len); i++) {
        const struct snap_surface *sw = &s->surf[i];
        if (nb == limit && sw->docs <= best[nb - 1].docs)
            continue;
        size_t j = nb < limit ? nb++ : nb - 1;
        while (j > 0 && best[j - 1].docs < sw->docs) {
            best[j] = best[j - 1];
            j--;
        }
        best[j] = (struct search_suggestion){sw->display, sw->docs};
    }
    for (size_t i = 0; i < nb; i++)
        best[i].word = arena_strdup(a, best[i].word);
    *out = best;
    *n = nb;
    return 0;
}

int search_highlight(const struct search_result *r, struct str text, struct arena *a,
                     struct search_span **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!r || !a || (text.len && !text.p))
        return ERR_INVALID;
    struct search_analyser *an = search_analyser_for_thread();
    const char **stems = arena_alloc(a, (r->n_words + 1) * sizeof(char *));
    for (size_t i = 0; i < r->n_words; i++)
        stems[i] = search_stem(an, r->words[i], strlen(r->words[i]), a);
    struct search_word *w;
    size_t nw;
    search_analyse(text, LIMIT_SEARCH_FIELD_BYTES, LIMIT_SEARCH_FIELD_WORDS, a, &w, &nw);
    struct search_span *spans = NULL;
    size_t ns = 0, cap = 0;
    for (size_t i = 0; i < nw; i++) {
        if (w[i].stop)
            continue;
        const char *st = search_stem(an, w[i].folded, w[i].folded_len, a);
        for (size_t k = 0; k < r->n_words; k++) {
            if (strcmp(st, stems[k]) == 0) {
                spans = arena_push(a, spans, ns, &cap, sizeof(*spans));
                spans[ns++] = (struct search_span){w[i].start, w[i].end};
                break;
            }
        }
    }
    *out = spans;
    *n = ns;
    return 0;
}
