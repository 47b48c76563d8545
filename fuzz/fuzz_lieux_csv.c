/* libFuzzer target: a file of lieux (CSV or JSON, any format) read by formats.c, every row
 * validated and exported. Whatever the bytes: an error is ERR_INVALID or ERR_TOO_BIG with a
 * French message in valid UTF-8 and a line; every row holds valid UTF-8 values, lines never go
 * backwards, every problem has a valid message; a row exported in CSV reads back to the same
 * values; and the fast paths (plain JSON objects, plain CSV lines) hand out exactly what the
 * careful readers do, rows, notes and errors alike. */
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "lieux/export.h"
#include "lieux/formats.h"
#include "lieux/standard.h"
#include "lieux/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct state {
    size_t last_line;
    size_t rows;
};

static void check_text(const char *s) { ASSERT(s && utf8_valid(s, strlen(s))); }

static int to_buf(void *ctx, const char *p, size_t len)
{
    buf_add(ctx, p, len);
    return 0;
}

struct again {
    const struct lieu_row *want;
    size_t rows;
};

static int compare_row(void *ctx, const struct lieux_record *rec)
{
    struct again *g = ctx;
    g->rows++;
    for (unsigned f = 0; f < LIEU_N_FIELDS; f++) {
        const char *a = g->want->v[f], *b = rec->row->v[f];
        if ((!a || !*a) != (!b || !*b) || (a && *a && strcmp(a, b) != 0))
            log_error("round trip: %s « %s » became « %s »", lieu_field_names[f], a ? a : "",
                      b ? b : "");
        ASSERT((!a || !*a) == (!b || !*b));
        ASSERT(!a || !*a || strcmp(a, b) == 0);
    }
    return 0;
}

/* The row exported in CSV (its extras as columns when their names are distinct) and read back. */
static void round_trip(const struct lieu_row *row)
{
    const char *names[64];
    size_t n = row->n_extra < 64 ? row->n_extra : 64;
    for (size_t i = 0; i < n; i++) {
        names[i] = row->extra[i].name;
        for (size_t j = 0; j < i; j++)
            if (strcmp(names[i], names[j]) == 0)
                return;
    }
    struct arena a = ARENA_INIT;
    struct buf out;
    buf_init(&out, &a, 1 << 24);
    struct lieux_export e;
    ASSERT(lieux_export_begin(&e, LIEUX_EXPORT_CSV, to_buf, &out, names, n) == 0);
    ASSERT(lieux_export_row(&e, row) == 0);
    ASSERT(lieux_export_end(&e) == 0);
    struct again g = {row, 0};
    struct lieux_read_options o = {0};
    o.format = LIEUX_FORMAT_V1;
    struct lieux_read_result res;
    int rc = lieux_read_mem(out.p, out.len, &o, &a, compare_row, &g, &res);
    if (rc && !(rc == ERR_TOO_BIG && n + LIEU_N_FIELDS > 200))
        log_error("re-read: %d %s (line %zu)", rc, res.error ? res.error : "", res.error_line);
    /* a header with too many extra columns is refused: that is the limit, not a bug */
    ASSERT(rc == 0 ? g.rows == 1 : (rc == ERR_TOO_BIG && n + LIEU_N_FIELDS > 200));
    arena_release(&a);
}

static int on_row(void *ctx, const struct lieux_record *rec)
{
    struct state *s = ctx;
    ASSERT(rec->line >= s->last_line && rec->line >= 1);
    s->last_line = rec->line;
    s->rows++;
    ASSERT(rec->index == s->rows);
    for (unsigned f = 0; f < LIEU_N_FIELDS; f++) {
        ASSERT(rec->lens[f] == (rec->row->v[f] ? strlen(rec->row->v[f]) : 0));
        if (rec->row->v[f])
            check_text(rec->row->v[f]);
    }
    for (size_t i = 0; i < rec->row->n_extra; i++) {
        check_text(rec->row->extra[i].name);
        check_text(rec->row->extra[i].value);
    }
    struct arena a = ARENA_INIT;
    struct lieu_report r;
    lieu_report_init(&r, &a);
    int rc = lieu_validate(rec->row, &r);
    ASSERT(rc == 0 || rc == ERR_INVALID);
    ASSERT((rc == 0) == (r.n_errors == 0));
    for (size_t i = 0; i < r.n; i++)
        check_text(r.items[i].message);
    for (size_t i = 0; i < rec->notes->n; i++)
        check_text(rec->notes->items[i].message);
    struct lieu_facts facts;
    lieu_facts_from_row(rec->row, &facts);
    arena_release(&a);
    if (s->rows <= 4)
        round_trip(rec->row);
    return 0;
}

/* Everything a reading hands out, folded into one number: the fast paths of formats.c and
 * csvread.c must give exactly what the careful readers give. */
struct digest {
    uint64_t h;
    size_t rows;
};

static void fold(struct digest *d, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : "\x01"); *p; p++)
        d->h = (d->h ^ *p) * 0x100000001B3ull;
    d->h = (d->h ^ 0xFF) * 0x100000001B3ull;
}

static int digest_row(void *ctx, const struct lieux_record *rec)
{
    struct digest *d = ctx;
    d->rows++;
    d->h = (d->h ^ rec->line) * 0x100000001B3ull;
    for (unsigned f = 0; f < LIEU_N_FIELDS; f++)
        fold(d, rec->row->v[f]);
    for (size_t i = 0; i < rec->row->n_extra; i++) {
        fold(d, rec->row->extra[i].name);
        fold(d, rec->row->extra[i].value);
    }
    for (size_t i = 0; i < rec->notes->n; i++) {
        d->h = (d->h ^ (uint64_t)rec->notes->items[i].rule) * 0x100000001B3ull;
        fold(d, rec->notes->items[i].message);
    }
    return 0;
}

/* The same file read with the fast paths (in pieces) and with the careful readers (at once). */
static void same_both_ways(const struct lieux_read_options *opt, const char *data, size_t size,
                           size_t piece)
{
    struct arena a = ARENA_INIT;
    struct digest fast = {0xCBF29CE484222325ull, 0}, careful = fast;
    struct lieux_read_options o = *opt;
    struct lieux_read_result rf, rs;
    struct lieux_reader *r = lieux_reader_new(&o, &a, digest_row, &fast);
    for (size_t off = 0; off < size; off += piece)
        if (lieux_reader_feed(r, data + off, size - off < piece ? size - off : piece))
            break;
    int rc_fast = lieux_reader_finish(r, &rf);
    lieux_reader_free(r);
    o.careful = true;
    int rc_careful = lieux_read_mem(data, size, &o, &a, digest_row, &careful, &rs);
    ASSERT(rc_fast == rc_careful);
    ASSERT(fast.rows == careful.rows && fast.h == careful.h);
    ASSERT(rf.error_line == rs.error_line);
    ASSERT((!rf.error && !rs.error) || (rf.error && rs.error && strcmp(rf.error, rs.error) == 0));
    arena_release(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a = ARENA_INIT;
    struct state s = {0};
    struct lieux_read_result res;
    /* the first byte picks the format (as --format would), the rest is the file, fed in pieces */
    enum lieux_format formats[] = {LIEUX_FORMAT_AUTO, LIEUX_FORMAT_V1, LIEUX_FORMAT_V0,
                                   LIEUX_FORMAT_FRANCE_SERVICES};
    struct lieux_read_options o = {0};
    size_t piece = 4096;
    if (size > 0) {
        o.format = formats[data[0] & 3];
        piece = (size_t)(data[0] >> 2) + 1;
        data++;
        size--;
    }
    struct lieux_reader *r = lieux_reader_new(&o, &a, on_row, &s);
    for (size_t off = 0; off < size; off += piece)
        if (lieux_reader_feed(r, (const char *)data + off, size - off < piece ? size - off : piece))
            break;
    int rc = lieux_reader_finish(r, &res);
    lieux_reader_free(r);
    ASSERT(res.rows == s.rows);
    if (rc) {
        ASSERT(rc == ERR_INVALID || rc == ERR_TOO_BIG);
        check_text(res.error);
    }
    for (size_t i = 0; i < res.n_notes; i++)
        check_text(res.notes[i]);
    arena_release(&a);
    same_both_ways(&o, (const char *)data, size, piece);
    return 0;
}
