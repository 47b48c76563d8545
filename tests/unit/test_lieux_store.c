/* Unit tests of lieux storage: upsert idempotence and history, exact read-back, streaming,
 * publication, on SQLite and (when RELAIS_TEST_PG_URL is set) PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/crypto.h"
#include "core/err.h"
#include "db/db.h"
#include "lieux/store.h"
#include "store_fixture.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void test_departement_of(void **state)
{
    (void)state;
    char d[4];
    assert_true(lieu_departement_of("53130", "53000", d));
    assert_string_equal(d, "53");
    assert_true(lieu_departement_of(NULL, "53000", d));
    assert_string_equal(d, "53");
    assert_true(lieu_departement_of("2A004", NULL, d));
    assert_string_equal(d, "2A");
    assert_true(lieu_departement_of(NULL, "20000", d)); /* Ajaccio */
    assert_string_equal(d, "2A");
    assert_true(lieu_departement_of(NULL, "20200", d)); /* Bastia */
    assert_string_equal(d, "2B");
    assert_true(lieu_departement_of("97411", NULL, d));
    assert_string_equal(d, "974");
    assert_true(lieu_departement_of(NULL, "98800", d));
    assert_string_equal(d, "988");
    assert_false(lieu_departement_of("", "123", d));
}

static void test_format_coordinate(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    assert_string_equal(lieu_format_coordinate(&a, 45.6484), "45.6484");
    assert_string_equal(lieu_format_coordinate(&a, -0.8136), "-0.8136");
    assert_string_equal(lieu_format_coordinate(&a, 5.41423), "5.41423");
    assert_string_equal(lieu_format_coordinate(&a, 166.4572), "166.4572");
    arena_release(&a);
}

struct fixture {
    struct store_fixture store;
    char source[32]; /* unique per run, so that PostgreSQL runs do not see each other's rows */
};

static int open_store(void **state, const char *url)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct arena a = ARENA_INIT;
    snprintf(f->source, sizeof(f->source), "test-%s", crypto_random_token(&a) + 32);
    arena_release(&a);
    if (store_fixture_open(&f->store, url, "lieux"))
        return -1;
    *state = f;
    return 0;
}

static int setup_sqlite(void **state) { return open_store(state, NULL); }
static int setup_pg(void **state) { return open_store(state, getenv("RELAIS_TEST_PG_URL")); }

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_fixture_close(&f->store);
    free(f);
    return 0;
}

static struct lieu_row sample(void)
{
    struct lieu_row r = {0};
    r.v[LF_ID] = "lieu-1";
    r.v[LF_PIVOT] = "73282932000074";
    r.v[LF_NOM] = "Médiathèque de Gorron";
    r.v[LF_COMMUNE] = "Gorron";
    r.v[LF_CODE_POSTAL] = "53120";
    r.v[LF_CODE_INSEE] = "53107";
    r.v[LF_ADRESSE] = "Place de la Mairie";
    r.v[LF_LATITUDE] = "48.4115";
    r.v[LF_LONGITUDE] = "-0.8136";
    r.v[LF_HORAIRES] = "Mo-Fr 09:00-12:00,14:00-17:00";
    r.v[LF_DATE_MAJ] = "2024-04-02";
    r.v[LF_SERVICES] =
        "Aide aux démarches administratives|Maîtrise des outils numériques du quotidien";
    return r;
}

static void test_upsert_history_and_read_back(void **state)
{
    struct fixture *f = *state;
    struct arena a = ARENA_INIT;
    struct lieu_row r = sample();
    struct lieu_extra extra[] = {{"h_lundi", "09:00 - 12:00"}};
    r.extra = extra;
    r.n_extra = 1;
    enum lieu_upsert_result res;
    int64_t id, id2;
    assert_int_equal(
        lieu_store_upsert(f->store.db, &a, &r, f->source, "53", false, 0, "fichier.csv", &res, &id),
        0);
    assert_int_equal(res, LIEU_INSERTED);
    /* The same row again changes nothing and writes no history. */
    assert_int_equal(lieu_store_upsert(f->store.db, &a, &r, f->source, "53", false, 0,
                                       "fichier.csv", &res, &id2),
                     0);
    assert_int_equal(res, LIEU_UNCHANGED);
    assert_int_equal(id, id2);
    /* Coordinates written differently but equal are not a change. */
    r.v[LF_LATITUDE] = "48.41150";
    assert_int_equal(lieu_store_upsert(f->store.db, &a, &r, f->source, "53", false, 0,
                                       "fichier.csv", &res, &id2),
                     0);
    assert_int_equal(res, LIEU_UNCHANGED);
    /* One field changed: updated, history names it with before and after. */
    r.v[LF_HORAIRES] = "Mo-Fr 09:00-12:00";
    assert_int_equal(
        lieu_store_upsert(f->store.db, &a, &r, f->source, "53", false, 0, NULL, &res, &id2), 0);
    assert_int_equal(res, LIEU_UPDATED);
    struct lieu_change *h;
    size_t n;
    assert_int_equal(lieu_store_history(f->store.db, &a, id, 10, &h, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(h[0].action, "modification");
    assert_non_null(strstr(h[0].changes, "\"horaires\""));
    assert_null(strstr(h[0].changes, "\"nom\""));
    assert_string_equal(h[1].action, "import");
    assert_string_equal(h[1].origin, "fichier.csv");

    struct lieu_record rec;
    assert_int_equal(lieu_store_get(f->store.db, &a, id, &rec), 0);
    assert_string_equal(rec.row.v[LF_NOM], "Médiathèque de Gorron");
    assert_string_equal(rec.row.v[LF_LATITUDE], "48.4115");
    assert_string_equal(rec.row.v[LF_LONGITUDE], "-0.8136");
    assert_string_equal(rec.row.v[LF_SERVICES], r.v[LF_SERVICES]);
    assert_null(rec.row.v[LF_TELEPHONE]);
    assert_int_equal(rec.row.n_extra, 1);
    assert_string_equal(rec.row.extra[0].name, "h_lundi");
    assert_string_equal(rec.row.extra[0].value, "09:00 - 12:00");
    assert_true(rec.published);
    assert_true(rec.has_coords);
    assert_string_equal(rec.departement, "53");

    /* Another source with the same id is another lieu. */
    char other[40];
    snprintf(other, sizeof(other), "%s-b", f->source);
    assert_int_equal(
        lieu_store_upsert(f->store.db, &a, &r, other, "53", false, 0, "b.csv", &res, &id2), 0);
    assert_int_equal(res, LIEU_INSERTED);
    assert_true(id2 != id);

    assert_int_equal(lieu_store_set_published(f->store.db, id, false, 0), 0);
    assert_int_equal(lieu_store_verify(f->store.db, id, 0), 0);
    assert_int_equal(lieu_store_get(f->store.db, &a, id, &rec), 0);
    assert_false(rec.published);
    assert_true(rec.verified_at > 0);
    assert_int_equal(lieu_store_set_published(f->store.db, 999999999, true, 0), ERR_NOT_FOUND);
    arena_release(&a);
}

struct count {
    int all, dep72;
};

static int count_each(const struct lieu_record *r, void *ctx)
{
    struct count *c = ctx;
    c->all++;
    if (strcmp(r->departement, "72") == 0)
        c->dep72++;
    return 0;
}

static void test_stream_many(void **state)
{
    struct fixture *f = *state;
    struct arena a = ARENA_INIT;
    char src[48];
    snprintf(src, sizeof(src), "%s-many", f->source);
    assert_int_equal(db_begin(f->store.db), 0);
    for (int i = 0; i < 1203; i++) {
        struct lieu_row r = sample();
        char id[16];
        snprintf(id, sizeof(id), "m%d", i);
        r.v[LF_ID] = id;
        enum lieu_upsert_result res;
        int64_t lid;
        assert_int_equal(
            lieu_store_upsert(f->store.db, &a, &r, src, "72", false, 0, "x", &res, &lid), 0);
    }
    assert_int_equal(db_commit(f->store.db), 0);
    struct count c = {0};
    assert_int_equal(lieu_store_each(f->store.db, "72", false, count_each, &c), 0);
    assert_int_equal(c.dep72, c.all);
    assert_true(c.all >= 1203);
    arena_release(&a);
}

/* Reports of errors: stored with what was given, read back newest first, page by page, with
 * their count; each lieu has its own. */
static void test_signalements(void **state)
{
    struct fixture *f = *state;
    struct arena a = ARENA_INIT;
    char src[48];
    snprintf(src, sizeof(src), "%s-signal", f->source);
    struct lieu_row r = sample();
    enum lieu_upsert_result res;
    int64_t id, other;
    assert_int_equal(lieu_store_upsert(f->store.db, &a, &r, src, "53", false, 0, "x", &res, &id),
                     0);
    r.v[LF_ID] = "lieu-2";
    assert_int_equal(lieu_store_upsert(f->store.db, &a, &r, src, "53", false, 0, "x", &res, &other),
                     0);
    struct lieu_record rec;
    assert_int_equal(lieu_store_get(f->store.db, &a, id, &rec), 0);
    assert_int_equal(lieu_signalement_add(f->store.db, &rec, "Fermé le lundi", NULL, 0), 0);
    for (int i = 2; i <= 5; i++)
        assert_int_equal(lieu_signalement_add(f->store.db, &rec,
                                              arena_printf(&a, "Signalement %d", i),
                                              i == 5 ? "moi@exemple.fr" : NULL, 0),
                         0);
    struct lieu_signalement *s;
    size_t n;
    int64_t total;
    assert_int_equal(lieu_signalements(f->store.db, &a, id, 2, 0, &s, &n, &total), 0);
    assert_int_equal(total, 5);
    assert_int_equal(n, 2);
    assert_string_equal(s[0].message, "Signalement 5");
    assert_string_equal(s[0].courriel, "moi@exemple.fr");
    assert_int_equal(s[0].user_id, 0);
    assert_string_equal(s[1].message, "Signalement 4");
    assert_null(s[1].courriel);
    assert_int_equal(lieu_signalements(f->store.db, &a, id, 2, 4, &s, &n, &total), 0);
    assert_int_equal(n, 1);
    assert_string_equal(s[0].message, "Fermé le lundi");
    assert_true(s[0].at > 0);
    assert_int_equal(lieu_signalements(f->store.db, &a, other, 20, 0, &s, &n, &total), 0);
    assert_int_equal(total, 0);
    assert_int_equal(n, 0);
    arena_release(&a);
}

int main(void)
{
    crypto_init();
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_departement_of),
        cmocka_unit_test(test_format_coordinate),
    };
    const struct CMUnitTest stored[] = {
        cmocka_unit_test(test_upsert_history_and_read_back),
        cmocka_unit_test(test_stream_many),
        cmocka_unit_test(test_signalements),
    };
    int failed = cmocka_run_group_tests_name("lieux-store", pure, NULL, NULL);
    failed += STORE_FIXTURE_RUN("lieux-store", stored, setup_sqlite, setup_pg, teardown);
    return failed;
}
