/*
 * Proximity + filters + "open now" over 100,000 lieux, in process. The lieux are the real v1 rows
 * of Charente and Nouvelle-Calédonie and the France Services list, copied with jittered coordinates
 * (up to ±0.5°) spread over metropolitan France, until 100,000; the queries start near random real
 * lieux with a random radius (5–100 km), zero to two services, a frais filter one time in four,
 * "open now" one time in three and a travel-time limit one time in five.
 *
 * Usage: search_bench DATABASE_URL [N] [QUERIES]
 */
#include "core/arena.h"
#include "core/crypto.h"
#include "db/db.h"
#include "lieux/formats.h"
#include "lieux/search.h"
#include "lieux/store.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct collect {
    struct arena *a;
    struct lieu_row *rows;
    size_t n, cap;
};

static int keep(void *ctx, const struct lieux_record *rec)
{
    struct collect *c = ctx;
    if (rec->notes->n_errors)
        return 0;
    c->rows = arena_push(c->a, c->rows, c->n, &c->cap, sizeof(*c->rows));
    lieu_row_copy(&c->rows[c->n++], rec->row, c->a);
    return 0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* CPU time of this thread: what a query costs, whatever else the machine is doing. */
static double cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: search_bench DATABASE_URL [N] [QUERIES]\n");
        return 2;
    }
    size_t target = argc > 2 ? (size_t)strtoul(argv[2], NULL, 10) : 100000;
    size_t queries = argc > 3 ? (size_t)strtoul(argv[3], NULL, 10) : 20000;
    crypto_init();
    srand(42);
    struct arena a = ARENA_INIT;
    struct collect c = {.a = &a};
    static const char *files[] = {"ref/data/lieux/charente-2023-v1.json",
                                  "ref/data/lieux/nouvelle-caledonie-2023-v1.json",
                                  "ref/data/lieux/france-services-liste-fs-20221201.csv"};
    for (size_t i = 0; i < 3; i++) {
        struct lieux_read_options ro = {0};
        struct lieux_read_result res;
        if (lieux_read_file(files[i], &ro, &a, keep, &c, &res)) {
            fprintf(stderr, "%s: %s\n", files[i], res.error ? res.error : "unreadable");
            return 1;
        }
    }
    struct db *db;
    if (db_open(argv[1], &db) || db_migrate(db))
        return 1;
    double t0 = now_ms();
    db_begin(db);
    for (size_t i = 0; i < target; i++) {
        struct arena ra = ARENA_INIT;
        struct lieu_row r = c.rows[i % c.n];
        char id[32], lat[32], lon[32];
        snprintf(id, sizeof(id), "bench-%zu", i);
        /* Metropolitan France, roughly, around the real lieux' own region for the first copy. */
        double la = 43.0 + (rand() / (double)RAND_MAX) * 8.0;
        double lo = -1.5 + (rand() / (double)RAND_MAX) * 8.5;
        snprintf(lat, sizeof(lat), "%.5f", la);
        snprintf(lon, sizeof(lon), "%.5f", lo);
        r.v[LF_ID] = id;
        r.v[LF_LATITUDE] = lat;
        r.v[LF_LONGITUDE] = lon;
        enum lieu_upsert_result ur;
        int64_t lid;
        if (lieu_store_upsert(db, &ra, &r, "bench", "00", false, 0, "bench", &ur, &lid)) {
            fprintf(stderr, "upsert failed at %zu\n", i);
            return 1;
        }
        arena_release(&ra);
    }
    db_commit(db);
    double t1 = now_ms();
    struct lieux_index *idx;
    if (lieux_index_build(db, &idx))
        return 1;
    double t2 = now_ms();
    printf("stored %zu lieux in %.0f ms; index built in %.0f ms (%zu lieux)\n", target, t1 - t0,
           t2 - t1, lieux_index_count(idx));

    double *ms = calloc(queries, sizeof(double));
    double *cpu = calloc(queries, sizeof(double));
    size_t total_hits = 0;
    time_t tt = time(NULL);
    struct tm local;
    localtime_r(&tt, &local);
    for (size_t i = 0; i < queries; i++) {
        static const double radii[] = {5, 10, 30, 50, 100};
        struct lieux_query q = {.has_center = true, .density = GEO_INTERMEDIATE, .limit = 20,
                                .at = local};
        q.center.lat = 43.5 + (rand() / (double)RAND_MAX) * 7.0;
        q.center.lon = -1.0 + (rand() / (double)RAND_MAX) * 7.5;
        q.radius_km = radii[rand() % 5];
        int ns = rand() % 3;
        for (int k = 0; k < ns; k++)
            lieux_query_select(&q, SD_SERVICES, (unsigned)(rand() % 9));
        if (rand() % 4 == 0)
            lieux_query_select(&q, SD_FRAIS, 0);
        if (rand() % 3 == 0)
            q.open = SEARCH_OPEN_AT;
        if (rand() % 5 == 0)
            q.max_minutes = 30;
        struct arena qa = ARENA_INIT;
        struct lieux_result r;
        double s = now_ms(), c0 = cpu_ms();
        lieux_search(idx, &q, &qa, &r);
        ms[i] = now_ms() - s;
        cpu[i] = cpu_ms() - c0;
        total_hits += r.total;
        arena_release(&qa);
    }
    qsort(ms, queries, sizeof(double), cmp_double);
    qsort(cpu, queries, sizeof(double), cmp_double);
    printf("%zu queries, wall time: p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", queries,
           ms[queries / 2], ms[queries * 99 / 100], ms[queries - 1]);
    printf("%zu queries, CPU time of the thread: p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", queries,
           cpu[queries / 2], cpu[queries * 99 / 100], cpu[queries - 1]);
    printf("mean %.1f matches per query\n", (double)total_hits / queries);
    free(ms);
    free(cpu);
    lieux_index_release(idx);
    db_close(db);
    arena_release(&a);
    return 0;
}
