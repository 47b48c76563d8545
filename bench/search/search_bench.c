/*
 * Search benchmark: Relais's in-memory index (src/search) against three peers on the same corpus
 * and the same queries, in one run:
 *   - PostgreSQL with La Base's method: unaccent + pg_trgm word_similarity over the title (× 6)
 *     and the description (× 3), kept above 3, sequential scan, as in searchResources.ts;
 *   - PostgreSQL full-text search: a `french` configuration with unaccent, weighted tsvector
 *     (title A, description B, content D) in a GIN index, websearch_to_tsquery, ts_rank;
 *   - SQLite FTS5 with unicode61 remove_diacritics 2, bm25 with the same field weights as Relais,
 *     the query's words ANDed (French stop words left out, as Relais does).
 * Every query returns the first 10 documents and the count of every facet value over the matches.
 *
 * Usage: search_bench CORPUS.tsv RELEVANCE.tsv PG_URL|- [QUERIES] [PG_QUERIES]
 * Prints the figures as Markdown on stdout; progress on stderr.
 */
#include "core/arena.h"
#include "core/str.h"
#include "search/analyser.h"
#include "search/search.h"

#include <libpq-fe.h>
#include <malloc.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TOP 10

struct doc {
    int64_t id;
    char *title, *description, *content, *facets;
    int64_t created, views;
};

static struct doc *docs;
static size_t n_docs;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of this thread: what a query costs whatever else the machine runs. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = 0;
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, "VmRSS:", 6) == 0)
            kb = strtol(line + 6, NULL, 10);
    if (f)
        fclose(f);
    return kb;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    if (fread(p, 1, (size_t)n, f) != (size_t)n) {
        perror(path);
        exit(1);
    }
    fclose(f);
    p[n] = 0;
    *len = (size_t)n;
    return p;
}

/* Splits s at c in place; returns the piece and moves *s past it. */
static char *cut(char **s, char c)
{
    char *p = *s, *e = strchr(p, c);
    if (e) {
        *e = 0;
        *s = e + 1;
    } else {
        *s = p + strlen(p);
    }
    return p;
}

static void load_corpus(const char *path)
{
    size_t len;
    char *buf = read_file(path, &len);
    size_t cap = 1024;
    docs = malloc(cap * sizeof(*docs));
    char *p = buf;
    while (*p) {
        char *line = cut(&p, '\n');
        if (!*line)
            continue;
        if (n_docs == cap)
            docs = realloc(docs, (cap *= 2) * sizeof(*docs));
        struct doc *d = &docs[n_docs++];
        d->id = strtoll(cut(&line, '\t'), NULL, 10);
        d->title = cut(&line, '\t');
        d->description = cut(&line, '\t');
        d->content = cut(&line, '\t');
        d->facets = cut(&line, '\t');
        d->created = strtoll(cut(&line, '\t'), NULL, 10);
        d->views = strtoll(cut(&line, '\t'), NULL, 10);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

struct lat {
    double p50, p99, max, mean;
    size_t n;
};

static struct lat percentiles(double *v, size_t n)
{
    struct lat l = {.n = n};
    if (!n)
        return l;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    qsort(v, n, sizeof(double), cmp_double);
    l.p50 = v[n / 2];
    l.p99 = v[(size_t)((double)(n - 1) * 0.99)];
    l.max = v[n - 1];
    l.mean = sum / (double)n;
    return l;
}

/* --- queries --- */

static unsigned long long rng = 42;
static unsigned rnd(void)
{
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)(rng >> 33);
}

/* 1–3 consecutive words of 4 bytes or more, letters only and no stop word, from a random
 * document's description: what a person types, and always something the corpus has. */
static char **make_queries(size_t n)
{
    char **q = malloc(n * sizeof(char *));
    size_t made = 0;
    while (made < n) {
        const struct doc *d = &docs[rnd() % n_docs];
        char *copy = strdup(d->description);
        char *words[64];
        size_t nw = 0;
        for (char *s = copy; *s && nw < 64;) {
            char *w = cut(&s, ' ');
            size_t l = strlen(w);
            while (l && strchr("()[],.;:!?«»\"'", w[l - 1]))
                w[--l] = 0;
            bool ok = l >= 4;
            for (size_t i = 0; ok && i < l; i++)
                ok = ((unsigned char)w[i] >= 0x80) || (w[i] >= 'a' && w[i] <= 'z') ||
                     (w[i] >= 'A' && w[i] <= 'Z');
            if (ok) {
                struct arena a = ARENA_INIT;
                struct search_word *sw;
                size_t nsw;
                search_analyse(str_from(w), l, 4, &a, &sw, &nsw);
                ok = nsw == 1 && !sw[0].stop;
                arena_release(&a);
            }
            if (ok)
                words[nw++] = w;
            else if (nw > 0 && nw < 3)
                nw = 0; /* keep runs of good words only */
        }
        size_t k = 1 + rnd() % 3;
        if (nw >= k) {
            size_t start = rnd() % (nw - k + 1);
            char out[512];
            size_t len = 0;
            for (size_t i = 0; i < k; i++)
                len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s", i ? " " : "",
                                        words[start + i]);
            q[made++] = strdup(out);
        }
        free(copy);
    }
    return q;
}

/* --- relevance judgments --- */

struct judged {
    char *category, *query;
    int *grade; /* per document index */
};

static struct judged *load_judgments(const char *path, size_t *n_out)
{
    size_t len;
    char *buf = read_file(path, &len);
    struct judged *j = NULL;
    size_t n = 0;
    char *p = buf;
    struct arena a = ARENA_INIT;
    /* Folded titles and descriptions, once. */
    const char **ft = malloc(n_docs * sizeof(char *)), **fd = malloc(n_docs * sizeof(char *));
    for (size_t i = 0; i < n_docs; i++) {
        ft[i] = search_fold(str_from(docs[i].title), &a);
        fd[i] = search_fold(str_from(docs[i].description), &a);
    }
    while (*p) {
        char *line = cut(&p, '\n');
        if (!*line || line[0] == '#')
            continue;
        j = realloc(j, (n + 1) * sizeof(*j));
        struct judged *x = &j[n++];
        x->category = cut(&line, '\t');
        x->query = cut(&line, '\t');
        x->grade = calloc(n_docs, sizeof(int));
        char *spec = line;
        while (*spec) {
            char *one = cut(&spec, ';');
            while (*one == ' ')
                one++;
            size_t l = strlen(one);
            while (l && one[l - 1] == ' ')
                one[--l] = 0;
            if (!l)
                continue;
            char pat[512];
            if (one[0] == '@') {
                char nom[300], desc[300];
                snprintf(nom, sizeof(nom), "%s — NOM", one + 1);
                snprintf(desc, sizeof(desc), "%s — DESCRIPTION", one + 1);
                size_t found = 0;
                for (size_t i = 0; i < n_docs; i++) {
                    if (strcmp(docs[i].title, nom) == 0) {
                        x->grade[i] = 3;
                        found++;
                    } else if (strcmp(docs[i].title, desc) == 0 && x->grade[i] < 1) {
                        x->grade[i] = 1;
                    }
                }
                if (!found)
                    fprintf(stderr, "relevance: no page %s\n", one + 1);
                continue;
            }
            int g = one[0] - '0';
            char kind = one[2], op = one[3];
            snprintf(pat, sizeof(pat), "%s", one + 4);
            const char *fp = search_fold(str_from(pat), &a);
            size_t found = 0;
            for (size_t i = 0; i < n_docs; i++) {
                const char *field = kind == 't' ? ft[i] : fd[i];
                bool m = op == '^' ? strncmp(field, fp, strlen(fp)) == 0 : strstr(field, fp) != NULL;
                if (m && x->grade[i] < g) {
                    x->grade[i] = g;
                    found++;
                }
            }
            if (!found)
                fprintf(stderr, "relevance: nothing for %s\n", one);
        }
    }
    *n_out = n;
    return j;
}

static double ndcg(const struct judged *j, const int64_t *ids, size_t n)
{
    /* Ideal: the best grades of the corpus, in order. */
    int best[TOP] = {0};
    for (size_t i = 0; i < n_docs; i++) {
        int g = j->grade[i];
        for (size_t k = 0; k < TOP; k++) {
            if (g > best[k]) {
                memmove(best + k + 1, best + k, (TOP - k - 1) * sizeof(int));
                best[k] = g;
                break;
            }
        }
    }
    double dcg = 0, idcg = 0;
    for (size_t k = 0; k < TOP; k++)
        idcg += (pow(2, best[k]) - 1) / log2((double)k + 2);
    for (size_t k = 0; k < n && k < TOP; k++) {
        int64_t id = ids[k];
        int g = id >= 1 && (size_t)id <= n_docs ? j->grade[id - 1] : 0; /* ids are 1..n */
        dcg += (pow(2, g) - 1) / log2((double)k + 2);
    }
    return idcg > 0 ? dcg / idcg : 0;
}

/* --- the systems --- */

struct system {
    const char *name;
    double load_s;
    double memory_mb;
    struct lat lat, cpu; /* wall clock; CPU time of the calling thread (in-process systems) */
    double *ndcg; /* per judged query */
};

/* Relais. */
static struct search_engine *engine;

static int relais_query(const char *text, enum search_prefix prefix, int64_t *ids)
{
    struct arena a = ARENA_INIT;
    struct search_snapshot *s = search_acquire(engine);
    struct search_query q = {.text = str_from(text), .limit = TOP, .prefix = prefix};
    struct search_result r;
    int n = -1;
    if (search_query(s, &q, &a, &r) == 0) {
        n = (int)r.n_hits;
        for (size_t i = 0; i < r.n_hits; i++)
            ids[i] = r.hits[i].id;
    }
    search_release(s);
    arena_release(&a);
    return n;
}

static void relais_load(struct system *sys)
{
    malloc_trim(0);
    long before = rss_kb();
    double t0 = now_ms();
    /* The default ranking; BENCH_CONFIG="k1 b quality typo prefix synonym proximity exact"
     * overrides it for tuning runs. */
    struct search_config cfg;
    search_config_default(&cfg);
    if (getenv("BENCH_CONFIG"))
        sscanf(getenv("BENCH_CONFIG"), "%lf %lf %lf %lf %lf %lf %lf %lf", &cfg.k1, &cfg.b,
               &cfg.quality_weight, &cfg.typo_weight, &cfg.prefix_weight, &cfg.synonym_weight,
               &cfg.proximity_weight, &cfg.exact_weight);
    engine = search_engine_new(&cfg);
    struct search_batch *b = search_batch_begin(engine);
    struct arena a = ARENA_INIT;
    for (size_t i = 0; i < n_docs; i++) {
        const struct doc *d = &docs[i];
        struct search_facet_value fv[64];
        size_t nf = 0;
        char *f = arena_strdup(&a, d->facets);
        while (*f && nf < 64) {
            char *pair = cut(&f, '|');
            char *eq = strchr(pair, '=');
            if (!eq)
                continue;
            *eq = 0;
            fv[nf++] = (struct search_facet_value){pair, eq + 1};
        }
        struct search_doc sd = {.id = d->id,
                                .fields = {str_from(d->title), STR_NULL,
                                           str_from(d->description), str_from(d->content)},
                                .facets = fv,
                                .n_facets = nf,
                                .created = d->created,
                                .views = d->views,
                                .quality = 0.5};
        if (search_batch_put(b, &sd)) {
            fprintf(stderr, "relais: document %lld refused\n", (long long)d->id);
            exit(1);
        }
        if (i % 1000 == 999)
            arena_release(&a);
    }
    search_batch_commit(b);
    sys->load_s = (now_ms() - t0) / 1e3;
    arena_release(&a);
    malloc_trim(0);
    sys->memory_mb = (double)(rss_kb() - before) / 1024.0;
}

/* SQLite FTS5. */
static sqlite3 *lite;
static sqlite3_stmt *lite_top, *lite_facets;

static void lite_exec(const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(lite, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "sqlite: %s\n", err);
        exit(1);
    }
}

static void lite_load(struct system *sys)
{
    sqlite3_open(":memory:", &lite);
    double t0 = now_ms();
    lite_exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
              "CREATE VIRTUAL TABLE fts USING fts5(title, description, content,"
              " tokenize = 'unicode61 remove_diacritics 2');"
              "CREATE TABLE docfacet(doc INTEGER NOT NULL, fv TEXT NOT NULL);"
              "BEGIN");
    sqlite3_stmt *ins, *insf;
    sqlite3_prepare_v2(lite, "INSERT INTO fts(rowid, title, description, content) VALUES (?,?,?,?)",
                       -1, &ins, NULL);
    sqlite3_prepare_v2(lite, "INSERT INTO docfacet(doc, fv) VALUES (?,?)", -1, &insf, NULL);
    for (size_t i = 0; i < n_docs; i++) {
        const struct doc *d = &docs[i];
        sqlite3_bind_int64(ins, 1, d->id);
        sqlite3_bind_text(ins, 2, d->title, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 3, d->description, -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 4, d->content, -1, SQLITE_STATIC);
        sqlite3_step(ins);
        sqlite3_reset(ins);
        char *f = strdup(d->facets), *s = f;
        while (*s) {
            char *pair = cut(&s, '|');
            sqlite3_bind_int64(insf, 1, d->id);
            sqlite3_bind_text(insf, 2, pair, -1, SQLITE_TRANSIENT);
            sqlite3_step(insf);
            sqlite3_reset(insf);
        }
        free(f);
    }
    sqlite3_finalize(ins);
    sqlite3_finalize(insf);
    lite_exec("CREATE INDEX docfacet_doc ON docfacet(doc); COMMIT;"
              "INSERT INTO fts(fts) VALUES('optimize')");
    sys->load_s = (now_ms() - t0) / 1e3;
    sys->memory_mb = (double)sqlite3_memory_used() / (1024.0 * 1024.0);
    sqlite3_prepare_v2(lite,
                       "SELECT rowid FROM fts WHERE fts MATCH ?1"
                       " ORDER BY bm25(fts, 4.0, 1.5, 1.0) LIMIT 10",
                       -1, &lite_top, NULL);
    sqlite3_prepare_v2(lite,
                       "SELECT f.fv, count(*) FROM fts JOIN docfacet f ON f.doc = fts.rowid"
                       " WHERE fts MATCH ?1 GROUP BY f.fv",
                       -1, &lite_facets, NULL);
}

/* The FTS5 query: each word of the text quoted, stop words left out, ANDed. */
static void fts5_match(const char *text, char *out, size_t cap)
{
    struct arena a = ARENA_INIT;
    struct search_word *w;
    size_t n;
    search_analyse(str_from(text), 1000, 64, &a, &w, &n);
    size_t len = 0;
    out[0] = 0;
    for (size_t i = 0; i < n; i++) {
        if (w[i].stop)
            continue;
        len += (size_t)snprintf(out + len, cap - len, "%s\"%.*s\"", len ? " " : "",
                                (int)(w[i].end - w[i].start), text + w[i].start);
        if (len >= cap)
            break;
    }
    arena_release(&a);
}

static int lite_query(const char *text, int64_t *ids)
{
    char match[2048];
    fts5_match(text, match, sizeof(match));
    if (!match[0])
        return 0;
    int n = 0;
    sqlite3_bind_text(lite_top, 1, match, -1, SQLITE_TRANSIENT);
    while (sqlite3_step(lite_top) == SQLITE_ROW && n < TOP)
        ids[n++] = sqlite3_column_int64(lite_top, 0);
    sqlite3_reset(lite_top);
    sqlite3_bind_text(lite_facets, 1, match, -1, SQLITE_TRANSIENT);
    long counted = 0;
    while (sqlite3_step(lite_facets) == SQLITE_ROW)
        counted += sqlite3_column_int(lite_facets, 1);
    sqlite3_reset(lite_facets);
    (void)counted;
    return n;
}

/* PostgreSQL. */
static PGconn *pg;

static void pg_exec(const char *sql)
{
    PGresult *r = PQexec(pg, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "postgres: %s\n%s\n", PQerrorMessage(pg), sql);
        exit(1);
    }
    PQclear(r);
}

static double pg_size_mb(const char *what)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT %s", what);
    PGresult *r = PQexec(pg, sql);
    double mb = PQresultStatus(r) == PGRES_TUPLES_OK ? strtod(PQgetvalue(r, 0, 0), NULL) / 1048576
                                                     : 0;
    PQclear(r);
    return mb;
}

static void copy_text(char *out, size_t *len, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == '\t' || *s == '\n' || *s == '\r') {
            out[(*len)++] = '\\';
            out[(*len)++] = *s == '\t' ? 't' : *s == '\n' ? 'n' : *s == '\r' ? 'r' : '\\';
        } else {
            out[(*len)++] = *s;
        }
    }
}

static void pg_load(struct system *trgm, struct system *fts)
{
    double t0 = now_ms();
    pg_exec("CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS pg_trgm;"
            "DROP TABLE IF EXISTS docs;"
            "DROP TEXT SEARCH CONFIGURATION IF EXISTS fr_unaccent;"
            "CREATE TEXT SEARCH CONFIGURATION fr_unaccent (COPY = french);"
            "ALTER TEXT SEARCH CONFIGURATION fr_unaccent ALTER MAPPING FOR hword, hword_part, word"
            " WITH unaccent, french_stem;"
            "CREATE TABLE docs(id bigint PRIMARY KEY, title text NOT NULL, description text NOT NULL,"
            " content text NOT NULL, facets text[] NOT NULL, created bigint, views bigint)");
    PGresult *r = PQexec(pg, "COPY docs(id, title, description, content, facets, created, views)"
                             " FROM STDIN");
    if (PQresultStatus(r) != PGRES_COPY_IN) {
        fprintf(stderr, "postgres copy: %s\n", PQerrorMessage(pg));
        exit(1);
    }
    PQclear(r);
    size_t cap = 1 << 20;
    char *line = malloc(cap * 3);
    for (size_t i = 0; i < n_docs; i++) {
        const struct doc *d = &docs[i];
        size_t len = (size_t)snprintf(line, 32, "%lld\t", (long long)d->id);
        copy_text(line, &len, d->title);
        line[len++] = '\t';
        copy_text(line, &len, d->description);
        line[len++] = '\t';
        copy_text(line, &len, d->content);
        line[len++] = '\t';
        line[len++] = '{';
        char *f = strdup(d->facets), *s = f;
        bool first = true;
        while (*s) {
            char *pair = cut(&s, '|');
            if (!first)
                line[len++] = ',';
            first = false;
            line[len++] = '"';
            for (const char *c = pair; *c; c++) {
                if (*c == '"' || *c == '\\') {
                    line[len++] = '\\';
                    line[len++] = '\\';
                }
                line[len++] = *c;
            }
            line[len++] = '"';
        }
        free(f);
        len += (size_t)snprintf(line + len, 64, "}\t%lld\t%lld\n", (long long)d->created,
                                (long long)d->views);
        PQputCopyData(pg, line, (int)len);
    }
    free(line);
    PQputCopyEnd(pg, NULL);
    r = PQgetResult(pg);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        fprintf(stderr, "postgres copy: %s\n", PQerrorMessage(pg));
        exit(1);
    }
    PQclear(r);
    pg_exec("ANALYZE docs");
    double copied = now_ms();
    /* La Base's method reads every row: its load is the table. */
    trgm->load_s = (copied - t0) / 1e3;
    trgm->memory_mb = pg_size_mb("pg_total_relation_size('docs')");
    pg_exec("ALTER TABLE docs ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
            " setweight(to_tsvector('fr_unaccent', title), 'A') ||"
            " setweight(to_tsvector('fr_unaccent', description), 'B') ||"
            " setweight(to_tsvector('fr_unaccent', content), 'D')) STORED;"
            "CREATE INDEX docs_tsv ON docs USING gin(tsv);"
            "CREATE INDEX docs_facets ON docs USING gin(facets); ANALYZE docs");
    fts->load_s = (now_ms() - t0) / 1e3;
    fts->memory_mb = pg_size_mb("pg_total_relation_size('docs')");
    const char *tail =
        " SELECT 0 AS k, id::text AS v, score::float8 AS n FROM"
        "  (SELECT id, score FROM m ORDER BY score DESC, id LIMIT 10) t"
        " UNION ALL SELECT 1, f, count(*) FROM m, unnest(m.facets) AS f GROUP BY f";
    char sql[2048];
    snprintf(sql, sizeof(sql),
             "WITH m AS MATERIALIZED (SELECT id, facets, score FROM (SELECT id, facets,"
             " word_similarity(lower(unaccent($1)), lower(unaccent(title))) * 6 +"
             " word_similarity(lower(unaccent($1)), lower(unaccent(description))) * 3 AS score"
             " FROM docs) s WHERE score > 3)%s",
             tail);
    PQclear(PQprepare(pg, "labase", sql, 1, NULL));
    snprintf(sql, sizeof(sql),
             "WITH m AS MATERIALIZED (SELECT id, facets, ts_rank(tsv, q) AS score"
             " FROM docs, websearch_to_tsquery('fr_unaccent', $1) q WHERE tsv @@ q)%s",
             tail);
    PQclear(PQprepare(pg, "fts", sql, 1, NULL));
}

static int pg_query(const char *stmt, const char *text, int64_t *ids)
{
    const char *params[1] = {text};
    PGresult *r = PQexecPrepared(pg, stmt, 1, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        fprintf(stderr, "postgres %s: %s\n", stmt, PQerrorMessage(pg));
        exit(1);
    }
    int n = 0;
    for (int i = 0; i < PQntuples(r); i++)
        if (PQgetvalue(r, i, 0)[0] == '0' && n < TOP)
            ids[n++] = strtoll(PQgetvalue(r, i, 1), NULL, 10);
    PQclear(r);
    return n;
}

enum which { RELAIS, RELAIS_PREFIX, FTS5, PG_LABASE, PG_FTS };

static int run_one(enum which w, const char *text, int64_t *ids)
{
    switch (w) {
    case RELAIS:
        return relais_query(text, SEARCH_PREFIX_NONE, ids);
    case RELAIS_PREFIX:
        return relais_query(text, SEARCH_PREFIX_LAST, ids);
    case FTS5:
        return lite_query(text, ids);
    case PG_LABASE:
        return pg_query("labase", text, ids);
    case PG_FTS:
        return pg_query("fts", text, ids);
    }
    return 0;
}

static struct lat time_queries(enum which w, char **qs, size_t n, double *cpu)
{
    double *v = malloc(n * sizeof(double));
    int64_t ids[TOP];
    /* One warm-up pass over a few queries (caches, prepared plans). */
    for (size_t i = 0; i < n && i < 20; i++)
        run_one(w, qs[i], ids);
    for (size_t i = 0; i < n; i++) {
        double t0 = now_ms(), c0 = cpu_ms();
        run_one(w, qs[i], ids);
        v[i] = now_ms() - t0;
        if (cpu)
            cpu[i] = cpu_ms() - c0;
        if (getenv("BENCH_SLOW") && v[i] > 1.0)
            fprintf(stderr, "slow %d: %.2f ms (cpu %.2f): %s\n", (int)w, v[i], cpu_ms() - c0, qs[i]);
    }
    struct lat l = percentiles(v, n);
    free(v);
    return l;
}

static void relevance(enum which w, struct system *sys, const struct judged *j, size_t nj)
{
    sys->ndcg = calloc(nj, sizeof(double));
    for (size_t i = 0; i < nj; i++) {
        int64_t ids[TOP];
        int n = run_one(w, j[i].query, ids);
        sys->ndcg[i] = ndcg(&j[i], ids, n > 0 ? (size_t)n : 0);
        const char *show = getenv("BENCH_SHOW");
        if (show && strcmp(show, j[i].query) == 0)
            for (int k = 0; k < n; k++)
                fprintf(stderr, "%d %d [%d] %s | %.80s\n", (int)w, k, j[i].grade[ids[k] - 1],
                        docs[ids[k] - 1].title, docs[ids[k] - 1].content);
    }
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: search_bench CORPUS.tsv RELEVANCE.tsv PG_URL|- [QUERIES] "
                        "[PG_QUERIES]\n");
        return 2;
    }
    size_t nq = argc > 4 ? strtoul(argv[4], NULL, 10) : 2000;
    size_t npg = argc > 5 ? strtoul(argv[5], NULL, 10) : 50;
    bool with_pg = strcmp(argv[3], "-") != 0;
    load_corpus(argv[1]);
    fprintf(stderr, "corpus: %zu documents\n", n_docs);
    size_t nj;
    struct judged *j = load_judgments(argv[2], &nj);
    char **qs = make_queries(nq);

    struct system sys[5] = {{.name = "Relais (src/search)"},
                            {.name = "Relais, last word as a prefix"},
                            {.name = "SQLite FTS5"},
                            {.name = "PostgreSQL, La Base's method (unaccent + pg_trgm)"},
                            {.name = "PostgreSQL full-text search (french + unaccent, GIN)"}};
    fprintf(stderr, "relais: loading\n");
    relais_load(&sys[RELAIS]);
    sys[RELAIS_PREFIX].load_s = sys[RELAIS].load_s;
    sys[RELAIS_PREFIX].memory_mb = sys[RELAIS].memory_mb;
    /* One document replaced after the load: a new snapshot is built whole. */
    double upd[5], upd_cpu[5];
    for (int i = 0; i < 5; i++) {
        const struct doc *d = &docs[rnd() % n_docs];
        struct search_doc sd = {.id = d->id,
                                .fields = {str_from(d->title), STR_NULL, STR_NULL,
                                           str_from(d->content)},
                                .quality = 0.5};
        double t0 = now_ms(), c0 = cpu_ms();
        search_put(engine, &sd);
        upd[i] = now_ms() - t0;
        upd_cpu[i] = cpu_ms() - c0;
    }
    struct lat upd_lat = percentiles(upd, 5), upd_cpu_lat = percentiles(upd_cpu, 5);
    if (getenv("BENCH_ONE")) {
        /* One query, many times: for a profiler. */
        int64_t ids[TOP];
        double c0 = cpu_ms();
        int reps = getenv("BENCH_REPS") ? (int)strtol(getenv("BENCH_REPS"), NULL, 10) : 200;
        for (int i = 0; i < reps; i++)
            run_one(RELAIS, getenv("BENCH_ONE"), ids);
        fprintf(stderr, "%s: %.3f ms CPU per query\n", getenv("BENCH_ONE"), (cpu_ms() - c0) / reps);
        return 0;
    }
    fprintf(stderr, "fts5: loading\n");
    lite_load(&sys[FTS5]);
    if (with_pg) {
        pg = PQconnectdb(argv[3]);
        if (PQstatus(pg) != CONNECTION_OK) {
            fprintf(stderr, "postgres: %s\n", PQerrorMessage(pg));
            return 1;
        }
        fprintf(stderr, "postgres: loading\n");
        pg_load(&sys[PG_LABASE], &sys[PG_FTS]);
    }

    enum which all[] = {RELAIS, RELAIS_PREFIX, FTS5, PG_LABASE, PG_FTS};
    size_t n_sys = with_pg ? 5 : 3;
    for (size_t k = 0; k < n_sys; k++) {
        enum which w = all[k];
        size_t n = w == PG_LABASE || w == PG_FTS ? npg : nq;
        fprintf(stderr, "%s: %zu queries\n", sys[w].name, n);
        double *cpu = malloc(n * sizeof(double));
        sys[w].lat = time_queries(w, qs, n, cpu);
        sys[w].cpu = percentiles(cpu, n);
        free(cpu);
        relevance(w, &sys[w], j, nj);
    }

    time_t t = time(NULL);
    char when[64];
    strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime(&t));
    printf("Search benchmark, %s: %zu documents, %zu generated queries of 1–3 words (%zu for the "
           "PostgreSQL methods), first %d results and every facet count per query.\n\n",
           when, n_docs, nq, npg, TOP);
    printf("| system | load (s) | memory (MB) | p50 (ms) | p99 (ms) | max (ms) | CPU p50 (ms) | "
           "CPU p99 (ms) | p50 ÷ Relais | p99 ÷ Relais |\n"
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (size_t k = 0; k < n_sys; k++) {
        const struct system *s = &sys[all[k]];
        bool remote = all[k] == PG_LABASE || all[k] == PG_FTS;
        char cpu50[32] = "(server)", cpu99[32] = "(server)";
        if (!remote) {
            snprintf(cpu50, sizeof(cpu50), "%.3f", s->cpu.p50);
            snprintf(cpu99, sizeof(cpu99), "%.3f", s->cpu.p99);
        }
        printf("| %s | %.2f | %.0f | %.3f | %.3f | %.2f | %s | %s | %.1f | %.1f |\n", s->name,
               s->load_s, s->memory_mb, s->lat.p50, s->lat.p99, s->lat.max, cpu50, cpu99,
               s->lat.p50 / sys[RELAIS].lat.p50, s->lat.p99 / sys[RELAIS].lat.p99);
    }
    printf("\nRelais, one document replaced after the load (a new snapshot built whole), 5 times: "
           "median %.0f ms (CPU %.0f ms), max %.0f ms (CPU %.0f ms).\n",
           upd_lat.p50, upd_cpu_lat.p50, upd_lat.max, upd_cpu_lat.max);

    /* nDCG@10 by category. */
    const char *cats[16];
    size_t nc = 0;
    for (size_t i = 0; i < nj; i++) {
        bool seen = false;
        for (size_t c = 0; c < nc; c++)
            seen |= strcmp(cats[c], j[i].category) == 0;
        if (!seen && nc < 16)
            cats[nc++] = j[i].category;
    }
    printf("\nnDCG@10 over %zu judged French queries:\n\n| system |", nj);
    for (size_t c = 0; c < nc; c++) {
        size_t cnt = 0;
        for (size_t i = 0; i < nj; i++)
            cnt += strcmp(j[i].category, cats[c]) == 0;
        printf(" %s (%zu) |", cats[c], cnt);
    }
    printf(" all |\n|---|");
    for (size_t c = 0; c <= nc; c++)
        printf("---:|");
    printf("\n");
    for (size_t k = 0; k < n_sys; k++) {
        const struct system *s = &sys[all[k]];
        printf("| %s |", s->name);
        double tot = 0;
        for (size_t c = 0; c < nc; c++) {
            double sum = 0;
            size_t cnt = 0;
            for (size_t i = 0; i < nj; i++)
                if (strcmp(j[i].category, cats[c]) == 0) {
                    sum += s->ndcg[i];
                    cnt++;
                }
            printf(" %.3f |", cnt ? sum / (double)cnt : 0);
        }
        for (size_t i = 0; i < nj; i++)
            tot += s->ndcg[i];
        printf(" **%.3f** |\n", tot / (double)nj);
    }
    if (getenv("BENCH_PER_QUERY")) {
        printf("\n| query |");
        for (size_t k = 0; k < n_sys; k++)
            printf(" %zu |", k);
        printf("\n");
        for (size_t i = 0; i < nj; i++) {
            printf("| %s |", j[i].query);
            for (size_t k = 0; k < n_sys; k++)
                printf(" %.2f |", sys[all[k]].ndcg[i]);
            printf("\n");
        }
    }
    search_engine_free(engine);
    search_thread_release();
    sqlite3_close(lite);
    if (pg)
        PQfinish(pg);
    return 0;
}
