/* Opening hours benchmark, Relais side: reads one value per line, then parses the whole corpus
 * again and again for BENCH_SECONDS (1 s by default) and prints one line of figures:
 *   values parsed parsed_with_suggestion parses_per_s evaluations_per_s
 * An evaluation is a parse plus the state at one moment (the "open now" of a search).
 * Each value is parsed in a fresh arena, released after it, as a request would. */
#include "core/arena.h"
#include "lieux/horaires.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage : horaires_bench CORPUS\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 1;
    }
    char **values = NULL;
    size_t n = 0, cap = 0, len_cap = 0;
    char *line = NULL;
    ssize_t len;
    while ((len = getline(&line, &len_cap, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (n == cap) {
            cap = cap ? 2 * cap : 1024;
            values = realloc(values, cap * sizeof(*values));
            if (!values)
                abort();
        }
        values[n++] = strdup(line);
    }
    free(line);
    fclose(f);

    struct arena a = ARENA_INIT;
    size_t parsed = 0, suggested = 0;
    for (size_t i = 0; i < n; i++) {
        struct horaires *h;
        struct horaires_error err;
        if (horaires_parse(&a, values[i], strlen(values[i]), &h, &err) == 0)
            parsed++;
        else if (err.suggestion)
            suggested++;
        arena_release(&a);
    }

    const char *secs_env = getenv("BENCH_SECONDS");
    double secs = secs_env ? strtod(secs_env, NULL) : 1.0;
    struct tm moment = {.tm_year = 126, .tm_mon = 4, .tm_mday = 14, .tm_hour = 10, .tm_isdst = -1};
    double rates[2];
    for (int mode = 0; mode < 2; mode++) {
        size_t done = 0;
        unsigned open = 0;
        double t0 = now_s(), t1 = t0;
        while (t1 - t0 < secs) {
            for (size_t i = 0; i < n; i++) {
                struct horaires *h;
                struct horaires_error err;
                if (horaires_parse(&a, values[i], strlen(values[i]), &h, &err) == 0 && mode == 1)
                    open += horaires_is_open(h, &moment);
                arena_release(&a);
            }
            done += n;
            t1 = now_s();
        }
        rates[mode] = (double)done / (t1 - t0);
        if (mode == 1 && open == 0)
            fprintf(stderr, "horaires_bench : rien d'ouvert, suspect\n");
    }
    printf("%zu %zu %zu %.0f %.0f\n", n, parsed, suggested, rates[0], rates[1]);
    for (size_t i = 0; i < n; i++)
        free(values[i]);
    free(values);
    return 0;
}
