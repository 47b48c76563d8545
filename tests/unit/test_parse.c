/* Unit tests of src/http/parse.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/err.h"
#include "core/limits.h"
#include "http/parse.h"

static struct arena arena;

static int setup(void **state)
{
    (void)state;
    arena_init(&arena);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_release(&arena);
    return 0;
}

static int form(const char *s, struct http_params *ps, struct http_parse_error *perr)
{
    return http_parse_urlencoded(&arena, s, strlen(s), &http_parse_limits_form, ps, perr);
}

/* ---- urlencoded ---- */

static void test_urlencoded_basic(void **state)
{
    (void)state;
    struct http_params ps;
    struct http_parse_error perr;
    assert_int_equal(
        form("nom=Caf%C3%A9+des+%C3%A9coles&&vide=&seul&x=1&x=2&=orphelin", &ps, &perr), 0);
    assert_int_equal(ps.n, 5);
    assert_string_equal(http_param(&ps, "nom"), "Café des écoles");
    assert_string_equal(http_param(&ps, "vide"), "");
    assert_string_equal(http_param(&ps, "seul"), "");
    assert_null(http_param(&ps, "absent"));
    const char *xs[4];
    assert_int_equal(http_param_all(&ps, "x", xs, 4), 2);
    assert_string_equal(xs[0], "1");
    assert_string_equal(xs[1], "2");
    assert_int_equal(http_param_all(&ps, "x", xs, 1), 1);
    /* An encoded '&' or '=' is data. */
    assert_int_equal(form("a%3Db=c%26d", &ps, &perr), 0);
    assert_string_equal(http_param(&ps, "a=b"), "c&d");
}

static void test_urlencoded_bad_escape(void **state)
{
    (void)state;
    struct http_params ps;
    struct http_parse_error perr = {0};
    assert_int_equal(form("ok=1&email=a%2", &ps, &perr), ERR_INVALID);
    assert_string_equal(perr.field, "email");
    assert_non_null(strstr(perr.message, "« email »"));
    assert_int_equal(form("email=a%g1", &ps, &perr), ERR_INVALID);
    assert_int_equal(form("em%zzail=1", &ps, &perr), ERR_INVALID);
    assert_null(perr.field);
}

static void test_urlencoded_bad_utf8(void **state)
{
    (void)state;
    struct http_params ps;
    struct http_parse_error perr = {0};
    assert_int_equal(form("commune=Lav%E9", &ps, &perr), ERR_INVALID); /* Latin-1 é */
    assert_string_equal(perr.field, "commune");
    assert_string_equal(perr.message, "Le champ « commune » n'est pas en UTF-8 valide.");
    /* Overlong encoding of '/' and a lone surrogate. */
    assert_int_equal(form("a=%C0%AF", &ps, &perr), ERR_INVALID);
    assert_int_equal(form("a=%ED%A0%80", &ps, &perr), ERR_INVALID);
    /* A name that is not UTF-8 is not quoted back. */
    assert_int_equal(form("%FF=1", &ps, &perr), ERR_INVALID);
    assert_null(perr.field);
    assert_non_null(strstr(perr.message, "n'est pas en UTF-8 valide"));
    /* NUL would truncate the C string silently. */
    assert_int_equal(form("a=x%00y", &ps, &perr), ERR_INVALID);
    assert_string_equal(perr.field, "a");
}

static void test_urlencoded_limits(void **state)
{
    (void)state;
    struct http_params ps;
    struct http_parse_error perr = {0};
    struct http_parse_limits lim = {
        .total_bytes = 100, .fields = 3, .name_bytes = 4, .value_bytes = 5};
    const char *s = "a=1&b=2&c=3";
    assert_int_equal(http_parse_urlencoded(&arena, s, strlen(s), &lim, &ps, &perr), 0);
    s = "a=1&b=2&c=3&d=4";
    assert_int_equal(http_parse_urlencoded(&arena, s, strlen(s), &lim, &ps, &perr), ERR_TOO_BIG);
    s = "a=123456";
    assert_int_equal(http_parse_urlencoded(&arena, s, strlen(s), &lim, &ps, &perr), ERR_TOO_BIG);
    assert_string_equal(perr.field, "a");
    /* The limit is on the decoded value: 5 escapes are 5 bytes. */
    s = "a=%41%42%43%44%45";
    assert_int_equal(http_parse_urlencoded(&arena, s, strlen(s), &lim, &ps, &perr), 0);
    s = "abcde=1";
    assert_int_equal(http_parse_urlencoded(&arena, s, strlen(s), &lim, &ps, &perr), ERR_TOO_BIG);
    char big[200];
    memset(big, 'a', sizeof(big));
    assert_int_equal(http_parse_urlencoded(&arena, big, sizeof(big), &lim, &ps, &perr),
                     ERR_TOO_BIG);
    /* The default limits are those of limits.h. */
    assert_int_equal(http_parse_limits_form.fields, LIMIT_FIELDS);
    assert_int_equal(http_parse_limits_form.total_bytes, LIMIT_BODY_BYTES);
    assert_int_equal(http_parse_limits_query.total_bytes, LIMIT_URL_BYTES);
}

/* ---- cookies, media types ---- */

static void test_cookies(void **state)
{
    (void)state;
    struct http_params ps;
    struct http_parse_error perr;
    const char *h = "session=abc.def; theme=\"sombre\";  malforme ; =x; vide=; lang=fr";
    assert_int_equal(
        http_parse_cookies(&arena, h, strlen(h), &http_parse_limits_cookies, &ps, &perr), 0);
    assert_int_equal(ps.n, 4);
    assert_string_equal(http_param(&ps, "session"), "abc.def");
    assert_string_equal(http_param(&ps, "theme"), "sombre");
    assert_string_equal(http_param(&ps, "vide"), "");
    assert_string_equal(http_param(&ps, "lang"), "fr");
    /* Not UTF-8, or a control character: that cookie is skipped, the others stay. */
    h = "a=\xff; b=x\x01y; c=ok";
    assert_int_equal(
        http_parse_cookies(&arena, h, strlen(h), &http_parse_limits_cookies, &ps, &perr), 0);
    assert_int_equal(ps.n, 1);
    assert_string_equal(http_param(&ps, "c"), "ok");
    struct http_parse_limits lim = http_parse_limits_cookies;
    lim.fields = 2;
    h = "a=1; b=2; c=3";
    assert_int_equal(http_parse_cookies(&arena, h, strlen(h), &lim, &ps, &perr), ERR_TOO_BIG);
}

static void test_media_type(void **state)
{
    (void)state;
    const char *ct = "Multipart/Form-Data ; charset=utf-8; Boundary=\"a b;c\"";
    assert_string_equal(http_media_type(&arena, ct), "multipart/form-data");
    assert_string_equal(http_media_type_param(&arena, ct, "boundary"), "a b;c");
    assert_string_equal(http_media_type_param(&arena, ct, "charset"), "utf-8");
    assert_null(http_media_type_param(&arena, ct, "absent"));
    assert_null(http_media_type(&arena, NULL));
    assert_null(http_media_type(&arena, " ; x=1"));
    assert_string_equal(http_media_type(&arena, "application/json"), "application/json");
}

/* ---- JSON ---- */

static int json(const char *s, json_t **out, struct http_parse_error *perr)
{
    return http_parse_json(&arena, s, strlen(s), &http_parse_limits_json, out, perr);
}

static void test_json_ok(void **state)
{
    (void)state;
    json_t *v;
    struct http_parse_error perr;
    assert_int_equal(json("{\"nom\": \"Médiathèque\", \"ids\": [1, 2]}", &v, &perr), 0);
    assert_string_equal(json_string_value(json_object_get(v, "nom")), "Médiathèque");
    json_decref(v);
    assert_int_equal(json("[]", &v, &perr), 0);
    assert_true(json_is_array(v));
    json_decref(v);
}

static void test_json_errors(void **state)
{
    (void)state;
    json_t *v = (json_t *)1;
    struct http_parse_error perr;
    assert_int_equal(json("{\"a\": 1,\n \"b\": }", &v, &perr), ERR_INVALID);
    assert_null(v);
    assert_non_null(strstr(perr.message, "JSON invalide à la ligne 2, colonne"));
    assert_int_equal(json("{\"a\": 1, \"a\": 2}", &v, &perr), ERR_INVALID);
    assert_non_null(strstr(perr.message, "deux fois"));
    assert_int_equal(json("\"texte\"", &v, &perr), ERR_INVALID);
    assert_non_null(strstr(perr.message, "objet ou un tableau"));
    assert_int_equal(json("42", &v, &perr), ERR_INVALID);
    assert_int_equal(json("", &v, &perr), ERR_INVALID);
    assert_int_equal(json("{\"a\": \"x\\u0000y\"}", &v, &perr), ERR_INVALID);
    assert_int_equal(json("{\"a\": 1} x", &v, &perr), ERR_INVALID);
    assert_int_equal(json("{\"a\": \"\xff\"}", &v, &perr), ERR_INVALID);
    assert_non_null(strstr(perr.message, "UTF-8"));
}

static void test_json_depth(void **state)
{
    (void)state;
    char s[2 * (LIMIT_JSON_DEPTH + 1) + 1];
    json_t *v;
    struct http_parse_error perr;
    /* LIMIT_JSON_DEPTH nested arrays pass, one more does not. */
    for (int depth = LIMIT_JSON_DEPTH; depth <= LIMIT_JSON_DEPTH + 1; depth++) {
        memset(s, '[', (size_t)depth);
        memset(s + depth, ']', (size_t)depth);
        s[2 * depth] = '\0';
        int rc = json(s, &v, &perr);
        if (depth == LIMIT_JSON_DEPTH) {
            assert_int_equal(rc, 0);
            json_decref(v);
        } else {
            assert_int_equal(rc, ERR_INVALID);
            assert_non_null(strstr(perr.message, "trop imbriqué"));
        }
    }
    struct http_parse_limits lim = http_parse_limits_json;
    lim.total_bytes = 4;
    assert_int_equal(http_parse_json(&arena, "[1,2]", 5, &lim, &v, &perr), ERR_TOO_BIG);
}

/* ---- multipart ---- */

#define BOUNDARY "----relaisB0undary"
#define CT "multipart/form-data; boundary=" BOUNDARY

struct files {
    struct buf content[8];
    const char *field[8], *filename[8], *type[8];
    size_t n;
    bool open;
    int fail_at_data; /* >0: the sink fails on this call of data */
    int data_calls;
};

static int sink_begin(void *ctx, const char *field, const char *filename, const char *type)
{
    struct files *f = ctx;
    assert_false(f->open);
    assert_true(f->n < 8);
    f->field[f->n] = field;
    f->filename[f->n] = filename;
    f->type[f->n] = type;
    buf_init(&f->content[f->n], &arena, 1 << 20);
    f->open = true;
    return 0;
}

static int sink_data(void *ctx, const char *p, size_t n)
{
    struct files *f = ctx;
    assert_true(f->open);
    assert_true(n > 0);
    if (++f->data_calls == f->fail_at_data)
        return ERR_IO;
    buf_add(&f->content[f->n], p, n);
    return 0;
}

static int sink_end(void *ctx)
{
    struct files *f = ctx;
    assert_true(f->open);
    f->open = false;
    f->n++;
    return 0;
}

/* Parses body fed in chunks of chunk bytes (0: all at once). */
static int multipart(const char *ct, const char *body, size_t len, size_t chunk,
                     const struct http_parse_limits *lim, struct files *files,
                     struct http_params *form, struct http_parse_error *perr)
{
    struct http_multipart_sink sink = {sink_begin, sink_data, sink_end, files};
    struct http_multipart *m;
    int rc =
        http_multipart_begin(&arena, ct, lim ? lim : &http_parse_limits_multipart, &sink, &m, perr);
    if (rc < 0)
        return rc;
    if (!chunk)
        chunk = len ? len : 1;
    for (size_t i = 0; i < len; i += chunk) {
        rc = http_multipart_feed(m, body + i, len - i < chunk ? len - i : chunk, perr);
        if (rc < 0)
            return rc;
    }
    return http_multipart_end(m, form, perr);
}

/* A body whose file holds bytes that look like the start of the delimiter. */
static const char tricky_body[] =
    "preamble to ignore\r\n"
    "--" BOUNDARY "\r\n"
    "Content-Disposition: form-data; name=\"nom\"\r\n"
    "\r\n"
    "Espace numérique\r\n"
    "--" BOUNDARY "\r\n"
    "content-disposition: form-data; name=\"piece\"; filename=\"liste des lieux.csv\"\r\n"
    "Content-Type: text/csv\r\n"
    "\r\n"
    "a;b\r\n\r\r\n--\r\n--"
    "----relaisB0undarX\r\n-" BOUNDARY "\r\r\n--"
    "----relaisB0undar\r\n"
    "--" BOUNDARY "  \r\n"
    "Content-Disposition: form-data; name=\"vide\"; filename=\"\"\r\n"
    "Content-Type: application/octet-stream\r\n"
    "\r\n"
    "\r\n"
    "--" BOUNDARY "\r\n"
    "Content-Disposition: form-data; name=\"note\"\r\n"
    "\r\n"
    "ligne 1\r\nligne 2\r\n"
    "--" BOUNDARY "--\r\n"
    "epilogue";

static const char tricky_file[] = "a;b\r\n\r\r\n--\r\n--"
                                  "----relaisB0undarX\r\n-" BOUNDARY "\r\r\n--"
                                  "----relaisB0undar";

static void test_multipart_chunked(void **state)
{
    (void)state;
    size_t len = sizeof(tricky_body) - 1;
    /* Every chunk size gives the same result: delimiters split anywhere across chunks. */
    for (size_t chunk = 0; chunk <= 64; chunk++) {
        struct files files = {0};
        struct http_params ps;
        struct http_parse_error perr = {0};
        int rc = multipart(CT, tricky_body, len, chunk, NULL, &files, &ps, &perr);
        if (rc != 0)
            fail_msg("chunk %zu: %s", chunk, perr.message);
        assert_int_equal(ps.n, 2);
        assert_string_equal(http_param(&ps, "nom"), "Espace numérique");
        assert_string_equal(http_param(&ps, "note"), "ligne 1\r\nligne 2");
        assert_int_equal(files.n, 1); /* the empty file input is skipped */
        assert_string_equal(files.field[0], "piece");
        assert_string_equal(files.filename[0], "liste des lieux.csv");
        assert_string_equal(files.type[0], "text/csv");
        assert_int_equal(files.content[0].len, sizeof(tricky_file) - 1);
        assert_memory_equal(files.content[0].p, tricky_file, sizeof(tricky_file) - 1);
    }
}

static void test_multipart_starts_with_boundary(void **state)
{
    (void)state;
    const char body[] =
        "--" BOUNDARY "\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--" BOUNDARY "--";
    struct files files = {0};
    struct http_params ps;
    struct http_parse_error perr;
    assert_int_equal(multipart(CT, body, sizeof(body) - 1, 0, NULL, &files, &ps, &perr), 0);
    assert_string_equal(http_param(&ps, "a"), "1");
}

static void test_multipart_malformed(void **state)
{
    (void)state;
    struct files files = {0};
    struct http_params ps;
    struct http_parse_error perr = {0};
    /* No boundary parameter. */
    assert_int_equal(multipart("multipart/form-data", "", 0, 0, NULL, &files, &ps, &perr),
                     ERR_INVALID);
    assert_non_null(strstr(perr.message, "boundary"));
    /* Truncated inside a field: the field is named. */
    const char trunc[] =
        "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nx@";
    assert_int_equal(multipart(CT, trunc, sizeof(trunc) - 1, 0, NULL, &files, &ps, &perr),
                     ERR_INVALID);
    assert_string_equal(perr.field, "email");
    /* A part without a name. */
    const char noname[] =
        "--" BOUNDARY "\r\nContent-Disposition: form-data\r\n\r\nx\r\n--" BOUNDARY "--";
    assert_int_equal(multipart(CT, noname, sizeof(noname) - 1, 0, NULL, &files, &ps, &perr),
                     ERR_INVALID);
    /* Garbage after a delimiter. */
    const char garbage[] = "--" BOUNDARY "zz\r\n";
    assert_int_equal(multipart(CT, garbage, sizeof(garbage) - 1, 0, NULL, &files, &ps, &perr),
                     ERR_INVALID);
    /* A field that is not UTF-8. */
    const char latin1[] =
        "--" BOUNDARY
        "\r\nContent-Disposition: form-data; name=\"ville\"\r\n\r\nLaval \xe9\r\n--" BOUNDARY "--";
    assert_int_equal(multipart(CT, latin1, sizeof(latin1) - 1, 0, NULL, &files, &ps, &perr),
                     ERR_INVALID);
    assert_string_equal(perr.field, "ville");
    assert_non_null(strstr(perr.message, "n'est pas en UTF-8 valide"));
}

static void test_multipart_limits(void **state)
{
    (void)state;
    struct http_params ps;
    struct http_parse_error perr = {0};
    struct http_parse_limits lim = http_parse_limits_multipart;
    lim.value_bytes = 4;
    lim.files = 1;
    const char longv[] =
        "--" BOUNDARY
        "\r\nContent-Disposition: form-data; name=\"code\"\r\n\r\n12345\r\n--" BOUNDARY "--";
    struct files files = {0};
    assert_int_equal(multipart(CT, longv, sizeof(longv) - 1, 0, &lim, &files, &ps, &perr),
                     ERR_TOO_BIG);
    assert_string_equal(perr.field, "code");
    const char two_files[] =
        "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"\r\n\r\n1\r\n"
        "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"g\"; filename=\"b\"\r\n\r\n2\r\n"
        "--" BOUNDARY "--";
    files = (struct files){0};
    assert_int_equal(multipart(CT, two_files, sizeof(two_files) - 1, 0, &lim, &files, &ps, &perr),
                     ERR_TOO_BIG);
    assert_int_equal(files.n, 1);
    lim = http_parse_limits_multipart;
    lim.total_bytes = 50;
    files = (struct files){0};
    assert_int_equal(multipart(CT, two_files, sizeof(two_files) - 1, 7, &lim, &files, &ps, &perr),
                     ERR_TOO_BIG);
}

/* When a body breaks two limits, the error does not depend on how it was cut into chunks. */
static void test_multipart_limit_order(void **state)
{
    (void)state;
    struct http_parse_limits lim = http_parse_limits_multipart;
    lim.value_bytes = 8;
    lim.form_bytes = 10;
    const char body[] =
        "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n123456\r\n"
        "--" BOUNDARY "\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\n123456789\r\n"
        "--" BOUNDARY "--";
    for (size_t chunk = 0; chunk <= 20; chunk++) {
        struct files files = {0};
        struct http_params ps;
        struct http_parse_error perr = {0};
        assert_int_equal(multipart(CT, body, sizeof(body) - 1, chunk, &lim, &files, &ps, &perr),
                         ERR_TOO_BIG);
        /* The form total (10) is passed at the 5th byte of b, before b's own limit (8). */
        assert_non_null(strstr(perr.message, "en tout"));
        assert_string_equal(perr.field, "b");
    }
    /* The size cap: a malformed start is reported, however the body is cut. */
    lim = http_parse_limits_multipart;
    lim.total_bytes = 30;
    const char bad[] = "--" BOUNDARY "zz and then a long tail of bytes";
    for (size_t chunk = 0; chunk <= 8; chunk++) {
        struct files files = {0};
        struct http_params ps;
        struct http_parse_error perr = {0};
        assert_int_equal(multipart(CT, bad, sizeof(bad) - 1, chunk, &lim, &files, &ps, &perr),
                         ERR_INVALID);
    }
}

static void test_multipart_sink_error(void **state)
{
    (void)state;
    struct files files = {.fail_at_data = 1};
    struct http_params ps;
    struct http_parse_error perr = {0};
    int rc = multipart(CT, tricky_body, sizeof(tricky_body) - 1, 0, NULL, &files, &ps, &perr);
    assert_int_equal(rc, ERR_IO);
    assert_string_equal(perr.field, "piece");
    assert_int_equal(files.n, 0); /* end was never called */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_urlencoded_basic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_urlencoded_bad_escape, setup, teardown),
        cmocka_unit_test_setup_teardown(test_urlencoded_bad_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_urlencoded_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cookies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_media_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_ok, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_depth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_chunked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_starts_with_boundary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_malformed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_limit_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_multipart_sink_error, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
