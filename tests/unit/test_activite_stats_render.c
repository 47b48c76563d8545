/* Unit tests of what the statistics write: CSV cells protected against formula injection, and the
 * SVG of a bar chart (a golden fragment: accessible name, escaped labels, scaled bars). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "activite/charts.h"
#include "activite/export_stats.h"
#include "core/arena.h"
#include "core/buf.h"

#include <string.h>

static const char *cell(struct arena *a, const char *s)
{
    struct buf b;
    buf_init(&b, a, 4096);
    export_stats_csv_cell(&b, s);
    assert_int_equal(buf_finish(&b), 0);
    return buf_cstr(&b);
}

static void test_csv_cells(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    assert_string_equal(cell(&a, "Laval"), "Laval");
    assert_string_equal(cell(&a, ""), "");
    assert_string_equal(cell(&a, NULL), "");
    assert_string_equal(cell(&a, "=1+2"), "'=1+2");
    assert_string_equal(cell(&a, "+33 6"), "'+33 6");
    assert_string_equal(cell(&a, "-2"), "'-2");
    assert_string_equal(cell(&a, "@SUM(A1)"), "'@SUM(A1)");
    assert_string_equal(cell(&a, "\tx"), "'\tx");
    assert_string_equal(cell(&a, "\rx"), "\"'\rx\"");
    assert_string_equal(cell(&a, "a;b"), "\"a;b\"");
    assert_string_equal(cell(&a, "dit \"bonjour\""), "\"dit \"\"bonjour\"\"\"");
    assert_string_equal(cell(&a, "=HYPERLINK(\"x\";\"y\")"),
                        "\"'=HYPERLINK(\"\"x\"\";\"\"y\"\")\"");
    assert_string_equal(cell(&a, "ligne 1\nligne 2"), "\"ligne 1\nligne 2\"");
    assert_string_equal(cell(&a, "a=b"), "a=b");
    assert_true(export_stats_formula_risk("=x"));
    assert_false(export_stats_formula_risk("x="));
    assert_false(export_stats_formula_risk(NULL));
    assert_int_equal(export_stats_cra_n_columns, 31);
    assert_string_equal(export_stats_cra_columns[0], "ID CRA");
    assert_string_equal(export_stats_cra_columns[30], "Dernière modification le");
    arena_release(&a);
}

static void test_chart_bars_golden(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct buf b;
    buf_init(&b, &a, 64 * 1024);
    const struct chart_bar bars[] = {
        {"Lieu d’activité", 40, NULL},
        {"À distance <test>", 10, NULL},
        {"À domicile", 0, "moins de 5"},
    };
    chart_bars(&b, "canal", "Canaux", "Barres & chiffres", bars, 3);
    assert_int_equal(buf_finish(&b), 0);
    const char *svg = buf_cstr(&b);
    static const char golden[] =
        "<svg class=\"relais-chart\" role=\"img\" viewBox=\"0 0 730 98\" width=\"100%\" "
        "preserveAspectRatio=\"xMinYMin meet\" aria-labelledby=\"canal-titre canal-desc\" "
        "focusable=\"false\"><title id=\"canal-titre\">Canaux</title><desc id=\"canal-desc\">"
        "Barres &amp; chiffres</desc>"
        "<text x=\"252\" y=\"24\" text-anchor=\"end\" fill=\"#0b0c0c\" font-size=\"14\">Lieu "
        "d’activité</text><rect x=\"260\" y=\"8\" width=\"380\" height=\"22\" fill=\"#1d70b8\">"
        "</rect><text x=\"646\" y=\"24\" fill=\"#0b0c0c\" font-size=\"14\">40</text>"
        "<text x=\"252\" y=\"54\" text-anchor=\"end\" fill=\"#0b0c0c\" font-size=\"14\">À "
        "distance &lt;test&gt;</text><rect x=\"260\" y=\"38\" width=\"95\" height=\"22\" "
        "fill=\"#1d70b8\"></rect><text x=\"361\" y=\"54\" fill=\"#0b0c0c\" font-size=\"14\">10"
        "</text>"
        "<text x=\"252\" y=\"84\" text-anchor=\"end\" fill=\"#0b0c0c\" font-size=\"14\">À "
        "domicile</text><rect x=\"260\" y=\"68\" width=\"0\" height=\"22\" fill=\"#1d70b8\">"
        "</rect><text x=\"266\" y=\"84\" fill=\"#0b0c0c\" font-size=\"14\">moins de 5</text>"
        "</svg>";
    assert_string_equal(svg, golden);
    arena_release(&a);
}

static void test_chart_columns(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct buf b;
    buf_init(&b, &a, 64 * 1024);
    const struct chart_bar months[] = {{"janvier 2026", 3, NULL}, {"février 2026", 0, NULL}};
    chart_columns(&b, "serie-mois", "Par mois", "Histogramme", months, 2);
    assert_int_equal(buf_finish(&b), 0);
    const char *svg = buf_cstr(&b);
    assert_non_null(strstr(svg, "role=\"img\""));
    assert_non_null(strstr(svg, "<title>janvier 2026 : 3</title>"));
    assert_non_null(strstr(svg, "height=\"160\""));
    assert_non_null(strstr(svg, "<title>février 2026 : 0</title>"));
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_cells),
        cmocka_unit_test(test_chart_bars_golden),
        cmocka_unit_test(test_chart_columns),
    };
    return cmocka_run_group_tests_name("activite_stats_render", tests, NULL, NULL);
}
