/* libFuzzer target: the opening-hours parser (lieux/horaires.c) and everything that reads its
 * result. Whatever the bytes: an error has a position within the value, a French message in valid
 * UTF-8 and, if any, a suggestion that parses; an accepted value normalises to a text that parses
 * again to the same text, renders in valid UTF-8 French and evaluates without fault. The same
 * bytes, cut at '|', are also six France Services cells, whose conversion must parse. */
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "lieux/horaires.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_accepted(struct arena *a, struct horaires *h)
{
    struct buf norm;
    buf_init(&norm, a, 16 * LIMIT_HORAIRES_BYTES);
    horaires_normalize(h, &norm);
    ASSERT(buf_finish(&norm) == 0);
    struct horaires *again;
    struct horaires_error err;
    int rc = horaires_parse(a, norm.p, norm.len, &again, &err);
    if (rc == 0) {
        struct buf norm2;
        buf_init(&norm2, a, 16 * LIMIT_HORAIRES_BYTES);
        horaires_normalize(again, &norm2);
        ASSERT(norm2.len == norm.len && memcmp(norm2.p, norm.p, norm.len) == 0);
    } else {
        /* Only a normalised text past the length limit may be refused. */
        ASSERT(rc == ERR_TOO_BIG);
    }
    struct buf fr;
    buf_init(&fr, a, 64 * LIMIT_HORAIRES_BYTES);
    horaires_french(h, &fr);
    ASSERT(buf_finish(&fr) == 0 && fr.len > 0 && utf8_valid(fr.p, fr.len));

    static const int moments[][5] = {
        {2026, 5, 14, 10, 0}, {2026, 7, 14, 23, 59}, {2026, 12, 31, 0, 0}, {2027, 1, 4, 3, 30}};
    for (size_t i = 0; i < sizeof(moments) / sizeof(moments[0]); i++) {
        struct tm t = {.tm_year = moments[i][0] - 1900,
                       .tm_mon = moments[i][1] - 1,
                       .tm_mday = moments[i][2],
                       .tm_hour = moments[i][3],
                       .tm_min = moments[i][4],
                       .tm_isdst = -1};
        enum horaires_state s = horaires_state_at(h, &t);
        ASSERT(s == HORAIRES_OPEN || s == HORAIRES_CLOSED || s == HORAIRES_UNKNOWN);
        ASSERT(horaires_is_open(h, &t) == (s == HORAIRES_OPEN));
        bool any = horaires_open_in_window(h, &t, 600, 900, HORAIRES_WINDOW_ANY);
        bool whole = horaires_open_in_window(h, &t, 600, 900, HORAIRES_WINDOW_WHOLE);
        ASSERT(any || !whole);
        if (i == 0) {
            struct tm when;
            enum horaires_state next;
            if (horaires_next_change(h, &t, &when, &next))
                ASSERT(next != s && when.tm_hour < 24 && when.tm_min < 60);
        }
    }
}

static void check_france_services(struct arena *a, const uint8_t *data, size_t size)
{
    const char *cells[6] = {"", "", "", "", "", ""};
    size_t start = 0, k = 0;
    for (size_t i = 0; i <= size && k < 6; i++) {
        if (i == size || data[i] == '|') {
            cells[k++] = arena_strndup(a, (const char *)data + start, i - start);
            start = i + 1;
        }
    }
    struct buf out;
    buf_init(&out, a, 64 * 1024);
    struct horaires_error err;
    int rc = horaires_from_france_services(a, cells, &out, &err);
    if (rc == 0 && out.len) {
        struct horaires *h;
        ASSERT(horaires_parse(a, out.p, out.len, &h, &err) == 0);
    } else if (rc) {
        ASSERT(rc == ERR_INVALID && err.message && utf8_valid(err.message, strlen(err.message)));
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a = ARENA_INIT;
    struct horaires *h;
    struct horaires_error err;
    int rc = horaires_parse(&a, (const char *)data, size, &h, &err);
    if (rc == 0) {
        check_accepted(&a, h);
    } else {
        ASSERT(rc == ERR_INVALID || rc == ERR_UNSUPPORTED || rc == ERR_TOO_BIG);
        ASSERT(err.message && utf8_valid(err.message, strlen(err.message)));
        ASSERT(err.pos <= size);
        if (err.suggestion) {
            struct horaires *s;
            struct horaires_error err2;
            ASSERT(utf8_valid(err.suggestion, strlen(err.suggestion)));
            ASSERT(horaires_parse(&a, err.suggestion, strlen(err.suggestion), &s, &err2) == 0);
        }
    }
    if (size < 512)
        check_france_services(&a, data, size);
    arena_release(&a);
    return 0;
}
