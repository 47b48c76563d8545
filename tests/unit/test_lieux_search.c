/* Unit tests of the lieux search index on the real Charente file: nearest first within a radius,
 * filters, facet counts, opening hours, travel-time limit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/crypto.h"
#include "db/db.h"
#include "lieux/import.h"
#include "lieux/search.h"
#include "lieux/standard.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static struct lieux_index *idx;
static struct db *db;
static char path[64];

static int setup(void **state)
{
    (void)state;
    snprintf(path, sizeof(path), "/tmp/relais-test-search-%d.db", (int)getpid());
    unlink(path);
    char url[96];
    snprintf(url, sizeof(url), "sqlite:%s", path);
    if (db_open(url, &db) || db_migrate(db))
        return -1;
    struct arena a = ARENA_INIT;
    struct lieux_import_options o = {.path = "ref/data/lieux/charente-2023-v1.json"};
    struct lieux_import_stats st;
    int rc = lieux_import(db, NULL, &o, &a, &st);
    arena_release(&a);
    if (rc || st.inserted != 188)
        return -1;
    return lieux_index_build(db, &idx);
}

static int teardown(void **state)
{
    (void)state;
    lieux_index_release(idx);
    db_close(db);
    unlink(path);
    return 0;
}

/* Angoulême, town hall. */
static const struct geo_point ANGOULEME = {45.6484, 0.1562};

static struct lieux_query near_angouleme(double km)
{
    struct lieux_query q = {.has_center = true,
                            .center = ANGOULEME,
                            .radius_km = km,
                            .density = GEO_INTERMEDIATE,
                            .limit = 1000};
    /* Tuesday 10:30 */
    q.at = (struct tm){.tm_year = 2026 - 1900,
                       .tm_mon = 10,
                       .tm_mday = 24,
                       .tm_hour = 10,
                       .tm_min = 30,
                       .tm_wday = 2,
                       .tm_isdst = -1};
    return q;
}

static void test_nearest_first_within_radius(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct lieux_query q = near_angouleme(10);
    struct lieux_result r;
    assert_int_equal(lieux_search(idx, &q, &a, &r), 0);
    assert_true(r.total > 5);
    assert_int_equal(r.n_hits, r.total);
    for (size_t i = 0; i < r.n_hits; i++) {
        assert_true(r.hits[i].km <= 10.0);
        if (i)
            assert_true(r.hits[i - 1].km <= r.hits[i].km);
        assert_true(r.hits[i].minutes > 0);
    }
    /* A wider radius finds at least as many, and the same first one. */
    struct lieux_query q2 = near_angouleme(50);
    struct lieux_result r2;
    assert_int_equal(lieux_search(idx, &q2, &a, &r2), 0);
    assert_true(r2.total > r.total);
    assert_int_equal(r2.hits[0].e->id, r.hits[0].e->id);
    /* Pagination gives the rest in order. */
    q2.offset = 3;
    q2.limit = 2;
    struct lieux_result r3;
    assert_int_equal(lieux_search(idx, &q2, &a, &r3), 0);
    assert_int_equal(r3.n_hits, 2);
    assert_int_equal(r3.total, r2.total);
    assert_int_equal(r3.hits[0].e->id, r2.hits[3].e->id);
    arena_release(&a);
}

static void test_filters_and_facets(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct lieux_query q = near_angouleme(100);
    struct lieux_result all;
    assert_int_equal(lieux_search(idx, &q, &a, &all), 0);
    unsigned n;
    lieu_vocab(LF_SERVICES, &n);
    assert_int_equal(n, 9);
    /* Each facet count equals the result of filtering on that value alone. */
    for (unsigned v = 0; v < n; v++) {
        struct lieux_query qv = q;
        lieux_query_select(&qv, SD_SERVICES, v);
        struct lieux_result rv;
        assert_int_equal(lieux_search(idx, &qv, &a, &rv), 0);
        assert_int_equal(rv.total, all.facet[SD_SERVICES][v]);
        assert_true(rv.total <= all.total);
        /* The facet of the filtered dimension ignores its own filter. */
        assert_int_equal(rv.facet[SD_SERVICES][v], all.facet[SD_SERVICES][v]);
    }
    /* Two values of one field: either; a value of another field too: both. */
    struct lieux_query q2 = q;
    lieux_query_select(&q2, SD_SERVICES, 0);
    lieux_query_select(&q2, SD_SERVICES, 1);
    struct lieux_result r2;
    assert_int_equal(lieux_search(idx, &q2, &a, &r2), 0);
    assert_true(r2.total >= all.facet[SD_SERVICES][0] && r2.total >= all.facet[SD_SERVICES][1]);
    lieux_query_select(&q2, SD_FRAIS, 0); /* Gratuit */
    struct lieux_result r3;
    assert_int_equal(lieux_search(idx, &q2, &a, &r3), 0);
    assert_true(r3.total <= r2.total);
    for (size_t i = 0; i < r3.n_hits; i++)
        assert_true(r3.hits[i].e->dims[SD_FRAIS][0] & 1);
    arena_release(&a);
}

static void test_opening_hours_and_travel_time(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct lieux_query q = near_angouleme(100);
    struct lieux_result all, open;
    assert_int_equal(lieux_search(idx, &q, &a, &all), 0);
    q.open = SEARCH_OPEN_AT;
    assert_int_equal(lieux_search(idx, &q, &a, &open), 0);
    assert_true(open.total > 0 && open.total < all.total);
    assert_int_equal(open.total, all.facet_open);
    for (size_t i = 0; i < open.n_hits; i++)
        assert_int_equal(open.hits[i].open, 1);
    /* Sunday 03:00: nothing open in Charente. */
    q.at.tm_mday = 29;
    q.at.tm_wday = 0;
    q.at.tm_hour = 3;
    struct lieux_result night;
    assert_int_equal(lieux_search(idx, &q, &a, &night), 0);
    assert_int_equal(night.total, 0);
    /* A 15-minute limit keeps fewer than the 100 km radius, all within 15 estimated minutes. */
    struct lieux_query qt = near_angouleme(100);
    qt.max_minutes = 15;
    struct lieux_result rt;
    assert_int_equal(lieux_search(idx, &qt, &a, &rt), 0);
    assert_true(rt.total > 0 && rt.total < all.total);
    for (size_t i = 0; i < rt.n_hits; i++)
        assert_true(rt.hits[i].minutes <= 15.0);
    /* By département, without a center: every lieu of 16, ordered by name. */
    struct lieux_query qd = {.departement = "16", .limit = 1000, .at = q.at};
    struct lieux_result rd;
    assert_int_equal(lieux_search(idx, &qd, &a, &rd), 0);
    assert_int_equal(rd.total, 188);
    for (size_t i = 1; i < rd.n_hits; i++)
        assert_true(strcmp(rd.hits[i - 1].e->nom, rd.hits[i].e->nom) <= 0);
    const struct lieux_entry *e = lieux_index_get(idx, rd.hits[7].e->id);
    assert_ptr_equal(e, rd.hits[7].e);
    assert_null(lieux_index_get(idx, 987654321));
    arena_release(&a);
}

int main(void)
{
    crypto_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nearest_first_within_radius),
        cmocka_unit_test(test_filters_and_facets),
        cmocka_unit_test(test_opening_hours_and_travel_time),
    };
    return cmocka_run_group_tests_name("lieux-search", tests, setup, teardown);
}
