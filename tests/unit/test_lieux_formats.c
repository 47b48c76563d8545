/* formats.c and csvread.c read the common JSON objects and CSV lines with a fast path and fall
 * back to the careful one for anything else. These tests read the real files, and many damaged
 * copies of them, both ways (lieux_read_options.careful), fed whole or in pieces, and check that
 * everything the caller sees is the same: rows, extras, notes, verdicts, messages, lines, errors.
 * Run from the top of the tree (they read ref/data). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "lieux/formats.h"
#include "lieux/validate.h"

#define DUMP_MAX (256u * 1024 * 1024)

static const char *const real_files[] = {
    "ref/data/lieux/charente-2023-v1.json",
    "ref/data/lieux/nouvelle-caledonie-2023-v1.json",
    "ref/data/lieux/lieux-cnfs-national-2022-07.json",
    "ref/data/lieux/france-services-liste-fs-20221201.csv",
    "ref/data/schema/exemple-valide-v1.csv",
    "ref/data/schema/exemple-valide-v0.1.1.csv",
};

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc(*len + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, *len, f), *len);
    fclose(f);
    return p;
}

static void dump_problems(struct buf *out, const struct lieu_report *r)
{
    for (size_t i = 0; i < r->n; i++) {
        const struct lieu_problem *p = &r->items[i];
        buf_addf(out, "  %s %d %s [%s] %s\n", lieu_rule_name(p->rule), p->field,
                 p->column ? p->column : "-", p->value ? p->value : "(null)", p->message);
    }
}

static int dump_row(void *ctx, const struct lieux_record *rec)
{
    struct buf *out = ctx;
    buf_addf(out, "row %zu line %zu\n", rec->index, rec->line);
    for (unsigned f = 0; f < LIEU_N_FIELDS; f++) {
        const char *v = rec->row->v[f];
        size_t len = v ? strlen(v) : 0;
        assert_int_equal(rec->lens[f], len);
        if (v)
            buf_addf(out, " %s=%s\n", lieu_field_names[f], v);
    }
    for (size_t i = 0; i < rec->row->n_extra; i++)
        buf_addf(out, " +%s=%s\n", rec->row->extra[i].name, rec->row->extra[i].value);
    dump_problems(out, rec->notes);
    struct arena a = ARENA_INIT;
    struct lieu_report r;
    lieu_report_init(&r, &a);
    buf_addf(out, " verdict %d\n", lieu_validate_lengths(rec->row, rec->lens, &r));
    dump_problems(out, &r);
    arena_release(&a);
    return 0;
}

/* Everything a reading shows, as text. piece: 0 for the whole input at once. */
static char *read_dump(const char *data, size_t len, bool careful, size_t piece,
                       const char *file_name)
{
    struct arena a = ARENA_INIT;
    struct buf out;
    buf_init(&out, NULL, DUMP_MAX);
    struct lieux_read_options o = {0};
    o.careful = careful;
    o.file_name = file_name;
    struct lieux_read_result res;
    int rc;
    if (!piece) {
        rc = lieux_read_mem(data, len, &o, &a, dump_row, &out, &res);
    } else {
        struct lieux_reader *r = lieux_reader_new(&o, &a, dump_row, &out);
        for (size_t at = 0; at < len; at += piece)
            if (lieux_reader_feed(r, data + at, len - at < piece ? len - at : piece) != 0)
                break;
        rc = lieux_reader_finish(r, &res);
        lieux_reader_free(r);
    }
    buf_addf(&out, "rc %d format %s json %d sep %d rows %zu error %s line %zu\n", rc,
             lieux_format_name(res.format), res.json, res.separator, res.rows,
             res.error ? res.error : "-", res.error_line);
    for (size_t i = 0; i < res.n_notes; i++)
        buf_addf(&out, "note %s\n", res.notes[i]);
    assert_int_equal(buf_finish(&out), 0);
    arena_release(&a);
    return buf_detach(&out, NULL);
}

static void same_both_ways(const char *data, size_t len, size_t piece, const char *file_name)
{
    char *careful = read_dump(data, len, true, 0, file_name);
    char *fast = read_dump(data, len, false, piece, file_name);
    if (strcmp(careful, fast) != 0) {
        size_t i = 0;
        while (careful[i] && careful[i] == fast[i])
            i++;
        size_t from = i > 300 ? i - 300 : 0;
        print_error("%s: the fast path differs at byte %zu\ncareful: %.600s\nfast:    %.600s\n",
                    file_name, i, careful + from, fast + from);
        fail();
    }
    free(careful);
    free(fast);
}

/* The real files give the same rows both ways, whole or in pieces of odd sizes (objects and lines
 * cut anywhere), and the fast path does read them (the dump is not empty of rows). */
static void test_real_files_same_both_ways(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof(real_files) / sizeof(real_files[0]); i++) {
        size_t len;
        char *data = slurp(real_files[i], &len);
        same_both_ways(data, len, 0, real_files[i]);
        same_both_ways(data, len, 4093, real_files[i]);
        if (len < 200000)
            same_both_ways(data, len, 61, real_files[i]);
        char *dump = read_dump(data, len, false, 0, real_files[i]);
        assert_non_null(strstr(dump, "row 1 line "));
        free(dump);
        free(data);
    }
}

static uint32_t next_random(uint32_t *seed)
{
    *seed = *seed * 1103515245u + 12345u;
    return *seed >> 8;
}

/* What the damage inserts: the bytes that change a reader's path (escapes, quotes, separators,
 * line ends, bad UTF-8, a zero byte, lists, objects, literals, numbers). */
static const char *const damages[] = {
    "\\",   "\"", "\\u00e9", "\\ud83d\\ude00", "\\n", "\r",  "\n",    ",",  ";",   "\t",
    "\xC3", "\xE9", "\xE2\x82", "[",      "]",  "{",   "}",  "null", "true", "1e5", "-0",
    "\"\"", " ", "|",  "\"a\",\"b\"", "[\"x\",\"y\"]", "\x01", "\\x", "01"};

/* Damaged copies of the real files (a few bytes inserted, replaced or removed at random places,
 * deterministic): both paths agree on every row and on every error, with its line. */
static void test_damaged_files_same_both_ways(void **state)
{
    (void)state;
    uint32_t seed = 20261126;
    const size_t keep = 60000; /* the start of each file is enough, and keeps the test quick */
    for (size_t i = 0; i < sizeof(real_files) / sizeof(real_files[0]); i++) {
        size_t len;
        char *data = slurp(real_files[i], &len);
        if (len > keep)
            len = keep;
        char *copy = malloc(len + 64 * 3);
        for (int round = 0; round < 60; round++) {
            memcpy(copy, data, len);
            size_t n = len;
            int edits = 1 + (int)(next_random(&seed) % 3);
            for (int e = 0; e < edits; e++) {
                size_t at = next_random(&seed) % n;
                const char *d = damages[next_random(&seed) % (sizeof(damages) / sizeof(*damages))];
                size_t dl = strlen(d);
                switch (next_random(&seed) % 3) {
                case 0: /* insert */
                    memmove(copy + at + dl, copy + at, n - at);
                    memcpy(copy + at, d, dl);
                    n += dl;
                    break;
                case 1: /* replace one byte */
                    copy[at] = d[0];
                    break;
                default: /* remove one byte */
                    memmove(copy + at, copy + at + 1, n - at - 1);
                    n--;
                    break;
                }
            }
            same_both_ways(copy, n, round % 2 ? 0 : 1 + next_random(&seed) % 5000, real_files[i]);
        }
        free(copy);
        free(data);
    }
}

/* Small cases at the edges of the fast paths. */
static void test_edges_same_both_ways(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "[{}]",
        "[{\"id\":\"a\",\"nom\":\"b\"},{}]",
        "[{\"id\":\"a\",\"latitude\":45.5,\"longitude\":-0.5,\"itinerance\":true,\"x\":false,"
        "\"y\":null}]",
        "[{\"id\":\"a\",\"services\":[\"Aide aux démarches administratives\",\"x\"]}]",
        "[{\"id\":\"a\\u00e9\",\"nom\":\"\\\"b\\\"\"}]",
        "[{\"id\":\"a\",\"nom\":{\"x\":1}}]",
        "[ { \"id\" : \"a\" , \"nom\" : \"b\" } ]",
        "[{\"id\":\"a\",\"nom\":\"b\"}",
        "[{\"id\":\"a\",\"nom\":01}]",
        "[{\"id\":\"a\",\"code_postal\":1.}]",
        "[{\"identifiant_tres_long_qui_ne_ressemble_a_rien_du_tout\":\"x\",\"id\":\"a\"}]",
        "[{\"\":\"x\",\"id\":\"a\"}]",
        "[{\"id_fs\":\"1\",\"lib_fs\":\"b\",\"adresse\":\"c\",\"code_postal\":\"16000\","
        "\"lib_com\":\"d\",\"h_lundi\":\"9h-12h\"}]",
        "id,nom,commune\r\na,b,c\r\n",
        "id,nom,commune\na,\"b \"\"x\"\" y\",c\n",
        "id,nom,commune\na,b\"x,c\n",
        "id,nom,commune\na,\"b\"x,c\n",
        "id,nom,commune\na,\"b\nsuite\",c\n",
        "id,nom,commune\na,b,c,\n",
        "id,nom,commune\n\n,\n   \na,b\rc,d\n",
        "id,nom,commune\na,\"b\",\"\"\n\"\",\"\",\"\"\n",
        "id;nom;commune\na;b;c\n",
        "id,nom,commune\na,b,c",
        "id,nom,commune\na,\"b",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
        for (size_t piece = 0; piece < 4; piece++)
            same_both_ways(texts[i], strlen(texts[i]), piece, texts[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_real_files_same_both_ways),
        cmocka_unit_test(test_damaged_files_same_both_ways),
        cmocka_unit_test(test_edges_same_both_ways),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
