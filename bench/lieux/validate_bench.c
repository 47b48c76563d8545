/*
 * The C side of bench/lieux/validate.sh: reads each file into memory once, then parses, converts
 * and validates every row (formats.c + validate.c), nothing stored, as many times as needed to run
 * for about a second (at least --min-passes). Prints one tab-separated line per file:
 *   file  rows  valid  passes  seconds  rows_per_second
 * BENCH_CLOCK=cpu measures the process's CPU time instead of the wall clock: on a machine shared
 * with other work, the time the process waits for a core is then not counted.
 */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "lieux/formats.h"
#include "lieux/validate.h"

struct counts {
    size_t rows, valid;
    struct arena *report_arena;
};

static int on_row(void *ctx, const struct lieux_record *rec)
{
    struct counts *c = ctx;
    struct lieu_report r;
    lieu_report_init(&r, c->report_arena);
    c->rows++;
    c->valid += rec->notes->n_errors == 0 && lieu_validate_lengths(rec->row, rec->lens, &r) == 0;
    if (c->report_arena->total > 256 * 1024)
        arena_release(c->report_arena);
    return 0;
}

static clockid_t bench_clock = CLOCK_MONOTONIC;

static double now(void)
{
    struct timespec ts;
    clock_gettime(bench_clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    double min_seconds = 1.0;
    int first = 1;
    const char *clock_name = getenv("BENCH_CLOCK");
    if (clock_name && strcmp(clock_name, "cpu") == 0)
        bench_clock = CLOCK_PROCESS_CPUTIME_ID;
    if (argc > 2 && strcmp(argv[1], "--seconds") == 0) {
        min_seconds = strtod(argv[2], NULL);
        first = 3;
    }
    for (int i = first; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        if (!f) {
            fprintf(stderr, "validate_bench: cannot open %s\n", argv[i]);
            return 1;
        }
        fseek(f, 0, SEEK_END);
        size_t len = (size_t)ftell(f);
        fseek(f, 0, SEEK_SET);
        char *data = malloc(len);
        if (fread(data, 1, len, f) != len) {
            fprintf(stderr, "validate_bench: cannot read %s\n", argv[i]);
            return 1;
        }
        fclose(f);
        struct arena report_arena = ARENA_INIT;
        struct counts c = {0, 0, &report_arena};
        size_t passes = 0;
        double start = now(), elapsed;
        do {
            struct arena a = ARENA_INIT;
            struct lieux_read_options o = {0};
            o.file_name = argv[i];
            struct lieux_read_result res;
            if (lieux_read_mem(data, len, &o, &a, on_row, &c, &res) != 0) {
                fprintf(stderr, "validate_bench: %s: %s\n", argv[i], res.error);
                return 1;
            }
            arena_release(&a);
            passes++;
            elapsed = now() - start;
        } while (elapsed < min_seconds);
        printf("%s\t%zu\t%zu\t%zu\t%.3f\t%.0f\n", argv[i], c.rows / passes, c.valid / passes,
               passes, elapsed, (double)c.rows / elapsed);
        free(data);
    }
    return 0;
}
