/*
 * test_tplc: the template compiler (tools/tplc), run as the build runs it. Each case writes a
 * template into a temporary directory, runs the tplc binary of the same build (../tools/tplc from
 * this test's binary) and reads what it produced: the escaping chosen for each context, the refusals
 * with file:line, and, when a C compiler and the sources are at hand (the tests run from the
 * project's root), that the generated code type-checks template expressions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/buf.h"

#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char tplc_path[4096];
static char dir[] = "/tmp/relais-tplc-XXXXXX";

struct run {
    int status;       /* tplc's exit status */
    struct buf err;   /* its standard error */
    struct buf c, h;  /* the generated files */
};

static void slurp(const char *path, struct buf *out)
{
    buf_init(out, NULL, 1 << 22);
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_add(out, chunk, n);
    fclose(f);
}

static void run_release(struct run *r)
{
    buf_release(&r->err);
    buf_release(&r->c);
    buf_release(&r->h);
}

static int shell(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int shell(const char *fmt, ...)
{
    struct buf cmd;
    buf_init(&cmd, NULL, 1 << 16);
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(&cmd, fmt, ap);
    va_end(ap);
    int rc = system(buf_cstr(&cmd));
    buf_release(&cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* Runs tplc on source, saved as DIR/name.tpl. */
static struct run compile_template(const char *name, const char *source)
{
    struct run r;
    struct buf path;
    buf_init(&path, NULL, 8192);
    buf_addf(&path, "%s/%s.tpl", dir, name);
    FILE *f = fopen(buf_cstr(&path), "wb");
    assert_non_null(f);
    fputs(source, f);
    fclose(f);
    char c_path[8192], h_path[8192], err_path[8192];
    snprintf(c_path, sizeof(c_path), "%s/%s.tpl.c", dir, name);
    snprintf(h_path, sizeof(h_path), "%s/%s.tpl.h", dir, name);
    snprintf(err_path, sizeof(err_path), "%s/%s.err", dir, name);
    unlink(c_path);
    unlink(h_path);
    r.status = shell("'%s' '%s' '%s' '%s' 2>'%s'", tplc_path, buf_cstr(&path), c_path, h_path,
                     err_path);
    slurp(err_path, &r.err);
    slurp(c_path, &r.c);
    slurp(h_path, &r.h);
    buf_release(&path);
    return r;
}

#define assert_contains(hay, needle)                                                               \
    do {                                                                                           \
        if (!strstr((hay), (needle)))                                                              \
            fail_msg("expected to find\n  %s\nin\n%s", (needle), (hay));                           \
    } while (0)

static int group_setup(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    shell("rm -rf '%s'", dir);
    return 0;
}

static void test_escaping_by_context(void **state)
{
    (void)state;
    struct run r = compile_template("contexts",
        "%include \"core/str.h\"\n"
        "%% void page(struct buf *out, const char *s, int n, struct html_safe m)\n"
        "<!DOCTYPE html>\n"
        "<p class=\"a {{ s }}\" title='{{ s }}'>{{ s }} {{ n }}</p>\n"
        "<a href=\"{{ s }}\">x</a><form action=\"/lieux/{{ s }}?n={{ n }}\"></form>\n"
        "<img src=\"{{ s }}\" alt=\"\">\n"
        "<textarea>{{ s }}</textarea><div>{{{ m }}}</div>\n"
        "% if (n) {\n"
        "<b>{{ n }}</b>\n"
        "% }\n"
        "<input{% if (n) { %} checked{% } %}>\n");
    assert_int_equal(r.status, 0);
    const char *c = buf_cstr(&r.c);
    /* In source order. */
    static const char *const expected[] = {
        "HTML_ATTR(out, (s));", "HTML_ATTR(out, (s));", "HTML_TEXT(out, (s));",
        "HTML_TEXT(out, (n));", "HTML_URL(out, (s));", "HTML_URL_PART(out, (s));",
        "HTML_URL_PART(out, (n));", "HTML_URL(out, (s));", "HTML_TEXT(out, (s));",
        "HTML_SAFE(out, (m));", "if (n) {", "HTML_TEXT(out, (n));", "}",
        " if (n) { ", "html_lit(out, \" checked\");", " } ",
    };
    const char *at = c;
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        const char *hit = strstr(at, expected[i]);
        if (!hit)
            fail_msg("expected %s after offset %zu in\n%s", expected[i], (size_t)(at - c), c);
        at = hit + strlen(expected[i]);
    }
    assert_contains(c, "#line 4 \"");
    assert_contains(c, "contexts.tpl\"");
    assert_contains(c, "html_lit(out, \"<!DOCTYPE html>\\n<p class=\\\"a \");");
    const char *h = buf_cstr(&r.h);
    assert_contains(h, "#include \"core/str.h\"");
    assert_contains(h, "void page(struct buf *out, const char *s, int n, struct html_safe m);");
    run_release(&r);
}

static void test_several_functions_and_static(void **state)
{
    (void)state;
    struct run r = compile_template("several",
        "%% static void part(struct buf *b)\n"
        "<i>x</i>\n"
        "\n"
        "%% void whole(struct buf *b)\n"
        "% part(b);\n");
    assert_int_equal(r.status, 0);
    assert_null(strstr(buf_cstr(&r.h), "part"));
    assert_contains(buf_cstr(&r.h), "void whole(struct buf *b);");
    assert_contains(buf_cstr(&r.c), "static void part(struct buf *b);");
    /* The blank line between the two functions belongs to neither. */
    assert_contains(buf_cstr(&r.c), "html_lit(b, \"<i>x</i>\\n\");");
    run_release(&r);
}

struct bad_case {
    const char *source;
    int line;
    const char *message;
};

static void test_refusals_name_file_and_line(void **state)
{
    (void)state;
    static const struct bad_case cases[] = {
        {"%% void f(struct buf *b, const char *s)\n<p>\n<script>var x = \"{{ s }}\";</script>\n", 3,
         "inside <script>"},
        {"%% void f(struct buf *b, const char *s)\n<style>\np { color: {{ s }} }\n</style>\n", 3,
         "inside <style>"},
        {"%% void f(struct buf *b, const char *s)\n<a href={{ s }}>x</a>\n", 2, "unquoted"},
        {"%% void f(struct buf *b, const char *s)\n<h{{ s }}>x</h1>\n", 2, "tag name"},
        {"%% void f(struct buf *b, const char *s)\n<p {{ s }}>x</p>\n", 2,
         "outside an attribute value"},
        {"%% void f(struct buf *b, const char *s)\n<a onclick=\"go('{{ s }}')\">x</a>\n", 2,
         "event-handler"},
        {"%% void f(struct buf *b, const char *s)\n<p style=\"width: {{ s }}\">x</p>\n", 2, "style"},
        {"%% void f(struct buf *b, const char *s)\n<!-- {{ s }} -->\n", 2, "comment"},
        {"%% void f(struct buf *b, struct html_safe m)\n<p title=\"{{{ m }}}\">x</p>\n", 2,
         "attribute value"},
        {"%% void f(struct buf *b, const char *s)\n<p>{{ s </p>\n", 2, "unterminated"},
        {"%% void f(struct buf *b, const char *s)\n<p>{{ }}</p>\n", 2, "empty expression"},
        {"%% void f(struct buf *b)\n<p class=\"x\n", 3, "ends inside a tag"},
        {"%% void f(int n)\n<p></p>\n", 1, "struct buf"},
        {"<p>hello</p>\n", 1, "before the first"},
        {"%% void f(struct buf *b)\n<p></p>\n%include \"x.h\"\n", 3, "before the first"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct run r = compile_template("bad", cases[i].source);
        char where[64];
        snprintf(where, sizeof(where), "bad.tpl:%d: error: ", cases[i].line);
        if (r.status != 1 || !strstr(buf_cstr(&r.err), where) ||
            !strstr(buf_cstr(&r.err), cases[i].message))
            fail_msg("case %zu: status %d, stderr:\n%s\nwanted %s ... %s", i, r.status,
                     buf_cstr(&r.err), where, cases[i].message);
        /* No half output is left behind for make to trust. */
        assert_int_equal(r.c.len, 0);
        run_release(&r);
    }
}

/* The generated C is checked by the C compiler: strings and integers pass, other types do not, and
 * {{{ }}} refuses a plain char *. Needs cc and the sources (the tests run from the root). */
static void test_generated_code_type_checks(void **state)
{
    (void)state;
    if (access("src/html/html.h", R_OK) != 0 || shell("command -v cc >/dev/null 2>&1") != 0)
        skip();
    struct {
        const char *name, *source;
        bool compiles;
    } cases[] = {
        {"good", "%% void f(struct buf *b, const char *s, long n, size_t z, struct buf *m)\n"
                 "<p title=\"{{ s }}\">{{ n }} {{ z }} {{{ m }}}</p>\n", true},
        {"double", "%% void f(struct buf *b, double d)\n<p>{{ d }}</p>\n", false},
        {"pointer", "%% void f(struct buf *b, const int *p)\n<p>{{ p }}</p>\n", false},
        {"rawchar", "%% void f(struct buf *b, const char *s)\n<p>{{{ s }}}</p>\n", false},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct run r = compile_template(cases[i].name, cases[i].source);
        assert_int_equal(r.status, 0);
        char err_path[8192];
        snprintf(err_path, sizeof(err_path), "%s/%s.cc", dir, cases[i].name);
        int rc = shell("cc -std=c17 -Wall -Werror -fsyntax-only -Isrc '%s/%s.tpl.c' 2>'%s'", dir,
                       cases[i].name, err_path);
        struct buf err;
        slurp(err_path, &err);
        if ((rc == 0) != cases[i].compiles)
            fail_msg("%s: cc exit %d:\n%s", cases[i].name, rc, buf_cstr(&err));
        if (!cases[i].compiles) {
            /* #line points the error into the template. */
            char where[256];
            snprintf(where, sizeof(where), "%s.tpl:2", cases[i].name);
            assert_contains(buf_cstr(&err), where);
        }
        buf_release(&err);
        run_release(&r);
    }
}

int main(int argc, char **argv)
{
    (void)argc;
    char self[4096];
    snprintf(self, sizeof(self), "%s", argv[0]);
    snprintf(tplc_path, sizeof(tplc_path), "%s/../tools/tplc", dirname(self));
    if (access(tplc_path, X_OK) != 0) {
        fprintf(stderr, "test_tplc: %s not found (build the tools first)\n", tplc_path);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escaping_by_context),
        cmocka_unit_test(test_several_functions_and_static),
        cmocka_unit_test(test_refusals_name_file_and_line),
        cmocka_unit_test(test_generated_code_type_checks),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
