/*
 * Benchmark of lieux/communes and lieux/couverture (run by bench/lieux/communes.sh from the
 * repository root): loading the communes table, autocompletion latency by kind of query, and the
 * coverage analysis of Charente (real lieux) and of the Pas-de-Calais (its ~890 communes against
 * 500 points). Prints one line per figure; "metric value unit" is easy to grep.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "lieux/communes.h"
#include "lieux/couverture.h"

#define COMMUNES_DIR "ref/data/communes"
#define LOADS 10
#define QUERIES_PER_KIND 5000
#define COVERAGE_RUNS 50

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static double percentile(double *v, size_t n, double p)
{
    qsort(v, n, sizeof(*v), cmp_double);
    size_t i = p > 0 ? (size_t)ceil(p * (double)n) - 1 : 0;
    return v[i < n ? i : n - 1];
}

/* A small deterministic generator, so that every run asks the same queries. */
static uint64_t rng = 0x9E3779B97F4A7C15u;
static uint32_t next_random(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

static const struct commune *random_current(const struct communes *c)
{
    for (;;) {
        const struct commune *m = communes_at(c, next_random() % communes_count(c));
        if (m->current && strlen(m->nom) >= 8 && m->n_codes_postaux)
            return m;
    }
}

enum kind { PREFIX3, PREFIX6, FULL_NAME, TYPO, POSTCODE, N_KINDS };
static const char *const kind_names[N_KINDS] = {"prefix3", "prefix6", "full_name", "typo",
                                                "postcode3"};

/* A query of the given kind, typed from a random commune's name (or postcode) into q. */
static void make_query(const struct communes *c, enum kind k, char *q, size_t cap)
{
    const struct commune *m = random_current(c);
    const char *name = m->nom;
    switch (k) {
    case PREFIX3:
        snprintf(q, cap, "%.3s", name);
        break;
    case PREFIX6:
        snprintf(q, cap, "%.6s", name);
        break;
    case FULL_NAME:
        snprintf(q, cap, "%s", name);
        break;
    case TYPO: {
        /* One ASCII letter dropped from a lowercase copy of the name, past its first letter. */
        snprintf(q, cap, "%s", m->nom_norm);
        size_t n = strlen(q), at = 1 + next_random() % (n - 2);
        memmove(q + at, q + at + 1, n - at);
        break;
    }
    case POSTCODE:
        snprintf(q, cap, "%.3s", m->codes_postaux[0]);
        break;
    default:
        q[0] = '\0';
    }
}

static void bench_load(void)
{
    double ms[LOADS];
    for (int i = 0; i < LOADS; i++) {
        struct communes *c;
        if (communes_load(COMMUNES_DIR, &c) != 0) {
            fprintf(stderr, "bench : chargement impossible\n");
            exit(1);
        }
        ms[i] = communes_load_ms(c);
        communes_free(c);
    }
    printf("load_ms_min %.1f ms\n", percentile(ms, LOADS, 0.0));
    printf("load_ms_median %.1f ms\n", percentile(ms, LOADS, 0.5));
}

static void bench_search(const struct communes *c)
{
    static double us[QUERIES_PER_KIND];
    struct communes_result r[10];
    char q[256];
    for (int k = 0; k < N_KINDS; k++) {
        size_t found = 0;
        for (int i = 0; i < QUERIES_PER_KIND; i++) {
            make_query(c, (enum kind)k, q, sizeof(q));
            double t0 = now_us();
            size_t n = communes_search(c, q, NULL, 10, r);
            us[i] = now_us() - t0;
            found += n > 0;
        }
        printf("search_%s_p50 %.1f us\n", kind_names[k], percentile(us, QUERIES_PER_KIND, 0.5));
        printf("search_%s_p99 %.1f us\n", kind_names[k], percentile(us, QUERIES_PER_KIND, 0.99));
        printf("search_%s_max %.1f us\n", kind_names[k], percentile(us, QUERIES_PER_KIND, 1.0));
        printf("search_%s_answered %.1f %%\n", kind_names[k], 100.0 * found / QUERIES_PER_KIND);
    }
    /* The cases of the issue, one by one. */
    static const char *const cases[] = {"st etienne",       "chateau gontier", "laval", "5300",
                                        "chateau gontiere", "mayene",          "sai"};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        double best = 1e9;
        for (int rep = 0; rep < 200; rep++) {
            double t0 = now_us();
            communes_search(c, cases[i], NULL, 10, r);
            double t = now_us() - t0;
            if (t < best)
                best = t;
        }
        size_t n = communes_search(c, cases[i], NULL, 10, r);
        printf("case \"%s\" %.1f us -> %s (%s)\n", cases[i], best, n ? r[0].commune->nom : "-",
               n ? r[0].commune->code_insee : "-");
    }
}

static void bench_coverage(const struct communes *c, const char *dep,
                           const struct couverture_point *pts, size_t n)
{
    double ms[COVERAGE_RUNS];
    struct couverture cv;
    for (int i = 0; i < COVERAGE_RUNS; i++) {
        struct arena a = ARENA_INIT;
        double t0 = now_us();
        if (couverture_departement(c, dep, pts, n, &a, &cv) != 0) {
            fprintf(stderr, "bench : couverture %s impossible\n", dep);
            exit(1);
        }
        ms[i] = (now_us() - t0) / 1e3;
        if (i == COVERAGE_RUNS - 1)
            printf("coverage_%s_size %zu communes x %zu points\n", dep, cv.n_communes, n);
        arena_release(&a);
    }
    printf("coverage_%s_median %.2f ms\n", dep, percentile(ms, COVERAGE_RUNS, 0.5));
}

int main(void)
{
    bench_load();
    struct communes *c;
    if (communes_load(COMMUNES_DIR, &c) != 0)
        return 1;
    bench_search(c);

    struct arena a = ARENA_INIT;
    struct couverture_lieux l;
    if (couverture_lieux_from_json("ref/data/lieux/charente-2023-v1.json", c, &a, &l) != 0)
        return 1;
    bench_coverage(c, "16", l.items, l.n);

    /* A large département against 500 points at random communes of it. */
    struct couverture_point pts[500];
    size_t n = 0;
    while (n < 500) {
        const struct commune *m = communes_at(c, next_random() % communes_count(c));
        if (m->current && m->has_centre && strcmp(m->departement, "62") == 0)
            pts[n++] = (struct couverture_point){m->centre.lat, m->centre.lon, next_random()};
    }
    bench_coverage(c, "62", pts, n);
    arena_release(&a);
    communes_free(c);
    return 0;
}
