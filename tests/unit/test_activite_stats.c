/* Unit tests of the statistics: the counters kept on each CRA write give the same figures as plain
 * GROUP BY queries on the CRAs, after creations, updates and deletions, for every scope; the raw
 * engine's filters agree with the breakdowns; the duration bands. On SQLite and (when
 * RELAIS_TEST_PG_URL is set) PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "activite/aggregates.h"
#include "activite/cra.h"
#include "activite/stats.h"
#include "activite/vocab.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "store_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N_CRAS 90

struct fixture {
    struct store_fixture store;
    bool private_db; /* SQLite: nobody else writes, so the platform's figures can be checked */
    char dep[16];
    int64_t structures[2], mediateurs[3], lieu, tags[2], people[6];
    int64_t cras[N_CRAS];
};

static const char SQL_STRUCTURE[] =
    "INSERT INTO structures (nom, departement, created_at, updated_at) VALUES ($1, $2, 0, 0) "
    "RETURNING id";
static const char SQL_USER[] =
    "INSERT INTO users (email, name, created_at) VALUES ($1, $2, 0) RETURNING id";
static const char SQL_LIEU[] =
    "INSERT INTO lieux (source_key, ext_id, structure_id, departement, nom, code_insee, "
    "created_at, updated_at) VALUES ('test-stats', $1, $2, $1, 'Médiathèque', '53130', 0, 0) "
    "RETURNING id";
static const char SQL_TAG[] =
    "INSERT INTO tags (scope, departement, nom, created_at) VALUES ('departement', $1, $2, 0) "
    "RETURNING id";
static const char SQL_PERSON[] =
    "INSERT INTO beneficiaires (mediateur_id, structure_id, departement, anonyme, prenom, nom, "
    "genre, tranche_age, statut_social, commune_code_insee, consent_at, created_at, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, 'Test', $6, $7, $8, $9, 1, 0, 0) RETURNING id";

static int64_t insert_id(struct db *db, const char *sql, const char *const *text, int n_text,
                         const int64_t *ints, int n_ints)
{
    struct db_stmt *st;
    assert_int_equal(db_prepare(db, sql, &st), 0);
    int idx = 1;
    for (int i = 0; i < n_text; i++)
        db_bind_text(st, idx++, text[i]);
    for (int i = 0; i < n_ints; i++)
        db_bind_int64(st, idx++, ints[i]);
    assert_int_equal(db_step_one(st), 0);
    int64_t id = db_col_int64(st, 0);
    db_reset(st);
    return id;
}

/* A small deterministic generator, so that a failure can be replayed. */
static uint32_t rnd_state;
static uint32_t rnd(uint32_t n)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return (rnd_state >> 16) % n;
}

static void make_cra(struct fixture *f, struct arena *a, struct cra *c, int i)
{
    cra_init(c);
    int m = (int)rnd(3);
    c->mediateur_id = f->mediateurs[m];
    c->structure_id = f->structures[m == 2 ? 1 : 0];
    c->departement = f->dep;
    /* Three months, from 2026-01 to 2026-03, and a few days in each. */
    snprintf(c->date, sizeof(c->date), "2026-0%u-%02u", 1 + rnd(3), 1 + rnd(28));
    static const int durees[] = {15, 30, 45, 60, 90, 120, 200};
    c->duree = durees[rnd(7)];
    int kind = (int)rnd(10);
    c->type = kind < 6 ? CRA_INDIVIDUEL : kind < 8 ? CRA_COLLECTIF : CRA_DEMARCHE;
    c->type_lieu = (enum type_lieu)rnd(TYPE_LIEU_COUNT);
    if (c->type_lieu == TYPE_LIEU_LIEU_ACTIVITE && m != 2) {
        c->lieu_id = f->lieu;
    } else {
        c->type_lieu = c->type_lieu == TYPE_LIEU_LIEU_ACTIVITE ? TYPE_LIEU_DOMICILE : c->type_lieu;
        c->commune_code_insee = rnd(2) ? "53130" : "53062";
        c->commune_nom = "Commune";
        c->commune_code_postal = "53000";
    }
    if (c->type == CRA_DEMARCHE) {
        c->thematiques[c->n_thematiques++] = THEMATIQUE_AIDE_AUX_DEMARCHES_ADMINISTRATIVES;
        c->thematiques[c->n_thematiques++] =
            (enum thematique)(THEMATIQUE_FIRST_DEMARCHE + (int)rnd(11));
    } else {
        c->thematiques[c->n_thematiques++] = (enum thematique)rnd(5);
        if (rnd(2))
            c->thematiques[c->n_thematiques++] = (enum thematique)(5 + rnd(10));
    }
    if (c->type != CRA_DEMARCHE || rnd(2)) {
        c->materiel[c->n_materiel++] = (enum materiel)rnd(2);
        if (rnd(3) == 0)
            c->materiel[c->n_materiel++] = MATERIEL_TABLETTE;
    }
    if (rnd(3) == 0)
        c->tags = &f->tags[rnd(2)], c->n_tags = 1;
    c->participants = arena_calloc(a, 4, sizeof(*c->participants));
    if (c->type == CRA_COLLECTIF) {
        c->titre_atelier = "Atelier";
        for (int k = 0; k < 2; k++)
            c->participants[c->n_participants++].beneficiaire_id = f->people[m * 2 + k];
        /* Someone another médiateur follows: the person's months differ between scopes. */
        if (rnd(3) == 0)
            c->participants[c->n_participants++].beneficiaire_id = f->people[((m + 1) % 3) * 2];
        if (rnd(2)) {
            c->anonymes.total = 5;
            c->anonymes.deja_accompagne = 2;
            c->anonymes.genre[GENRE_FEMININ] = 3;
            c->anonymes.tranche_age[TRANCHE_AGE_SOIXANTE_DIX_PLUS] = 1;
            c->anonymes.statut_social[STATUT_SOCIAL_RETRAITE] = 4;
        }
    } else {
        c->autonomie = (enum autonomie)rnd(AUTONOMIE_COUNT);
        if (rnd(2)) {
            c->participants[c->n_participants++].beneficiaire_id = f->people[m * 2 + rnd(2)];
        } else {
            c->nouveau.genre = (enum genre)rnd(GENRE_COUNT);
            c->nouveau.tranche_age = (enum tranche_age)rnd(TRANCHE_AGE_COUNT);
            c->nouveau.statut_social = (enum statut_social)rnd(STATUT_SOCIAL_COUNT);
            c->nouveau.commune_code_insee = rnd(2) ? "53130" : NULL;
        }
    }
    c->notes = i % 7 == 0 ? "=1+2" : NULL;
}

static int open_store(void **state, const char *url)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (store_fixture_open(&f->store, url, "activite-stats"))
        return -1;
    f->private_db = url == NULL;
    /* A département of its own, so that PostgreSQL runs never see each other's rows. */
    snprintf(f->dep, sizeof(f->dep), "t%d", (int)getpid());
    struct db *db = f->store.db;
    char buf[64];
    for (int i = 0; i < 2; i++) {
        snprintf(buf, sizeof(buf), "Structure %d", i);
        f->structures[i] = insert_id(db, SQL_STRUCTURE, (const char *[]){buf, f->dep}, 2, NULL, 0);
    }
    for (int i = 0; i < 3; i++) {
        char email[64];
        snprintf(email, sizeof(email), "m%d-%s@stats.test", i, f->dep);
        f->mediateurs[i] =
            insert_id(db, SQL_USER, (const char *[]){email, "Médiateur"}, 2, NULL, 0);
    }
    f->lieu =
        insert_id(db, SQL_LIEU, (const char *[]){f->dep}, 1, (int64_t[]){f->structures[0]}, 1);
    for (int i = 0; i < 2; i++) {
        snprintf(buf, sizeof(buf), "tag %d", i);
        f->tags[i] = insert_id(db, SQL_TAG, (const char *[]){f->dep, buf}, 2, NULL, 0);
    }
    static const char *const genres[] = {"feminin", "masculin", "non_communique"};
    for (int i = 0; i < 6; i++) {
        int m = i / 2;
        struct db_stmt *st;
        assert_int_equal(db_prepare(db, SQL_PERSON, &st), 0);
        db_bind_int64(st, 1, f->mediateurs[m]);
        db_bind_int64(st, 2, f->structures[m == 2 ? 1 : 0]);
        db_bind_text(st, 3, f->dep);
        db_bind_int64(st, 4, i == 5); /* one anonymous record followed over several CRAs */
        db_bind_text(st, 5, i == 5 ? NULL : "Prénom");
        db_bind_text(st, 6, genres[i % 3]);
        db_bind_text(st, 7, i % 2 ? "soixante_dix_plus" : NULL);
        db_bind_text(st, 8, "retraite");
        db_bind_text(st, 9, i % 2 ? "53130" : NULL);
        assert_int_equal(db_step_one(st), 0);
        f->people[i] = db_col_int64(st, 0);
        db_reset(st);
    }
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

static void assert_same(const struct activite_stats *x, const struct activite_stats *y,
                        const char *what)
{
    print_message("  compare %s: %lld activités, %lld accompagnements, %lld personnes\n", what,
                  (long long)x->activites, (long long)x->accompagnements,
                  (long long)x->beneficiaires);
    assert_int_equal(x->activites, y->activites);
    assert_int_equal(x->accompagnements, y->accompagnements);
    assert_int_equal(x->minutes, y->minutes);
    assert_int_equal(x->participants, y->participants);
    assert_int_equal(x->beneficiaires, y->beneficiaires);
    assert_int_equal(x->nouveaux, y->nouveaux);
    assert_int_equal(x->suivis, y->suivis);
    assert_int_equal(x->anonymes, y->anonymes);
    for (int d = 1; d < ACTIVITE_DIM_COUNT; d++) {
        if (x->dims[d].n != y->dims[d].n)
            print_message("  dimension %d: %zu values against %zu\n", d, x->dims[d].n,
                          y->dims[d].n);
        assert_int_equal(x->dims[d].n, y->dims[d].n);
        for (size_t i = 0; i < x->dims[d].n; i++) {
            const struct activite_stats_value *a = &x->dims[d].items[i], *b = &y->dims[d].items[i];
            assert_string_equal(a->valeur, b->valeur);
            assert_int_equal(a->activites, b->activites);
            assert_int_equal(a->accompagnements, b->accompagnements);
            assert_int_equal(a->minutes, b->minutes);
            assert_int_equal(a->participants, b->participants);
        }
    }
    assert_int_equal(x->n_mois, y->n_mois);
    for (size_t i = 0; i < x->n_mois; i++) {
        assert_int_equal(x->mois[i].periode, y->mois[i].periode);
        assert_int_equal(x->mois[i].activites, y->mois[i].activites);
        assert_int_equal(x->mois[i].accompagnements, y->mois[i].accompagnements);
    }
    assert_int_equal(x->n_jours, y->n_jours);
    for (size_t i = 0; i < x->n_jours; i++) {
        assert_int_equal(x->jours[i].activites, y->jours[i].activites);
        assert_int_equal(x->jours[i].accompagnements, y->jours[i].accompagnements);
    }
}

static void compare_scopes(struct fixture *f, struct arena *a)
{
    struct db *db = f->store.db;
    struct activite_stats_filter filters[] = {
        {.departement = f->dep, .du = "2026-01-01", .au = "2026-03-31"},
        {.departement = f->dep, .du = "2026-02-01", .au = "2026-03-31"},
        {.departement = f->dep, .du = "2026-03-01", .au = "2026-03-31"},
        {.structure_id = f->structures[0], .du = "2026-01-01", .au = "2026-03-31"},
        {.structure_id = f->structures[0], .du = "2026-02-01", .au = "2026-02-28"},
        {.mediateur_id = f->mediateurs[0], .du = "2026-01-01", .au = "2026-03-31"},
        {.mediateur_id = f->mediateurs[2], .du = "2026-02-01", .au = "2026-03-31"},
        {.mediateur_id = f->mediateurs[1],
         .structure_id = f->structures[0],
         .du = "2026-01-01",
         .au = "2026-02-28"},
        {.du = "2026-01-01", .au = "2026-03-31"}, /* the platform: private stores only */
    };
    size_t n = sizeof(filters) / sizeof(filters[0]) - (f->private_db ? 0 : 1);
    for (size_t i = 0; i < n; i++) {
        assert_true(activite_stats_aggregates_can(&filters[i], "2026-11-26"));
        struct activite_stats agg, raw;
        assert_int_equal(activite_stats_from_aggregates(db, a, &filters[i], &agg), 0);
        assert_int_equal(activite_stats_from_raw(db, a, &filters[i], &raw), 0);
        assert_false(agg.from_raw);
        assert_true(raw.from_raw);
        char what[32];
        snprintf(what, sizeof(what), "scope %zu", i);
        assert_same(&agg, &raw, what);
    }
}

/* The filters that only the raw engine answers agree with the breakdowns of the whole. */
static void check_raw_filters(struct fixture *f, struct arena *a)
{
    struct db *db = f->store.db;
    struct activite_stats_filter all = {
        .departement = f->dep, .du = "2026-01-01", .au = "2026-03-31"};
    struct activite_stats whole;
    assert_int_equal(activite_stats_from_raw(db, a, &all, &whole), 0);
    assert_true(whole.activites > 0);
    char lieu[24], tag[24];
    snprintf(lieu, sizeof(lieu), "%lld", (long long)f->lieu);
    snprintf(tag, sizeof(tag), "%lld", (long long)f->tags[0]);
    struct {
        struct activite_stats_filter filter;
        int dim;
        const char *valeur;
    } cases[] = {
        {{.type = "collectif"}, ACTIVITE_DIM_TYPE, "collectif"},
        {{.type = "individuel"}, ACTIVITE_DIM_TYPE, "individuel"},
        {{.commune = "53062"}, ACTIVITE_DIM_COMMUNE, "53062"},
        {{.commune = "53130"}, ACTIVITE_DIM_COMMUNE, "53130"},
        {{.thematique = "email"}, ACTIVITE_DIM_THEMATIQUE, "email"},
        {{.thematique = "diagnostic_numerique"}, ACTIVITE_DIM_THEMATIQUE, "diagnostic_numerique"},
        {{.tag_id = f->tags[0]}, ACTIVITE_DIM_TAG, tag},
        {{.lieu_id = f->lieu}, ACTIVITE_DIM_LIEU, lieu},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct activite_stats_filter flt = cases[i].filter;
        flt.departement = f->dep;
        memcpy(flt.du, all.du, sizeof(flt.du));
        memcpy(flt.au, all.au, sizeof(flt.au));
        assert_false(activite_stats_aggregates_can(&flt, "2026-11-26"));
        struct activite_stats s;
        assert_int_equal(activite_stats_compute(db, a, &flt, &s), 0);
        assert_true(s.from_raw);
        const struct activite_stats_value *v =
            activite_stats_find(&whole, cases[i].dim, cases[i].valeur);
        int64_t expected = v ? v->activites : 0;
        print_message("  filter %zu: %lld activités\n", i, (long long)s.activites);
        assert_int_equal(s.activites, expected);
        assert_int_equal(s.accompagnements, v ? v->accompagnements : 0);
        assert_int_equal(s.minutes, v ? v->minutes : 0);
    }
    /* A period that does not end a month is the raw engine's too. */
    struct activite_stats_filter mid = all;
    memcpy(mid.au, "2026-02-14", 11);
    assert_false(activite_stats_aggregates_can(&mid, "2026-11-26"));
    memcpy(mid.au, "2026-11-26", 11);
    assert_true(activite_stats_aggregates_can(&mid, "2026-11-26"));
    memcpy(mid.du, "2026-01-02", 11);
    assert_false(activite_stats_aggregates_can(&mid, "2026-11-26"));
    struct activite_stats bad;
    struct activite_stats_filter reversed = {
        .departement = f->dep, .du = "2026-03-01", .au = "2026-01-31"};
    assert_int_equal(activite_stats_compute(db, a, &reversed, &bad), ERR_INVALID);
    struct activite_stats_filter nonsense = {
        .departement = f->dep, .du = "2026-02-30", .au = "2026-03-31"};
    assert_int_equal(activite_stats_compute(db, a, &nonsense, &bad), ERR_INVALID);
}

static void test_counters_match_raw(void **state)
{
    struct fixture *f = *state;
    struct db *db = f->store.db;
    struct arena a = ARENA_INIT;
    rnd_state = 20261126u;
    for (int i = 0; i < N_CRAS; i++) {
        struct cra c;
        make_cra(f, &a, &c, i);
        assert_int_equal(cra_create(db, &a, &c, c.mediateur_id, 1000 + i), 0);
        f->cras[i] = c.id;
    }
    compare_scopes(f, &a);
    /* Updates: another month, other thématiques, another duration; then deletions. */
    for (int i = 0; i < N_CRAS; i += 7) {
        struct cra c;
        assert_int_equal(cra_get(db, &a, f->cras[i], false, &c), 0);
        c.date[6] = c.date[6] == '3' ? '1' : (char)(c.date[6] + 1);
        c.duree = c.duree == 15 ? 150 : 15;
        if (c.type != CRA_DEMARCHE) {
            c.thematiques[0] = THEMATIQUE_EMAIL;
            c.n_thematiques = 1;
        }
        assert_int_equal(cra_update(db, &a, &c, c.mediateur_id, 5000 + i), 0);
    }
    for (int i = 3; i < N_CRAS; i += 11)
        assert_int_equal(cra_delete(db, &a, f->cras[i], f->mediateurs[0], 6000 + i), 0);
    compare_scopes(f, &a);
    check_raw_filters(f, &a);
    /* A rebuild from the rows gives the counters kept on write. */
    struct activite_stats_filter dep = {
        .departement = f->dep, .du = "2026-01-01", .au = "2026-03-31"};
    struct activite_stats before, after;
    assert_int_equal(activite_stats_from_aggregates(db, &a, &dep, &before), 0);
    int64_t counted = 0;
    assert_int_equal(activite_aggregates_rebuild(db, &counted), 0);
    assert_true(counted >= N_CRAS - N_CRAS / 11 - 1);
    assert_int_equal(activite_stats_from_aggregates(db, &a, &dep, &after), 0);
    assert_same(&before, &after, "rebuild");
    compare_scopes(f, &a);
    arena_release(&a);
}

static void test_duree_bands(void **state)
{
    (void)state;
    assert_int_equal(activite_duree_band_of(1), ACTIVITE_DUREE_MOINS_30);
    assert_int_equal(activite_duree_band_of(29), ACTIVITE_DUREE_MOINS_30);
    assert_int_equal(activite_duree_band_of(30), ACTIVITE_DUREE_30_60);
    assert_int_equal(activite_duree_band_of(59), ACTIVITE_DUREE_30_60);
    assert_int_equal(activite_duree_band_of(60), ACTIVITE_DUREE_60_120);
    assert_int_equal(activite_duree_band_of(119), ACTIVITE_DUREE_60_120);
    assert_int_equal(activite_duree_band_of(120), ACTIVITE_DUREE_120_PLUS);
    assert_int_equal(activite_duree_band_of(720), ACTIVITE_DUREE_120_PLUS);
    assert_string_equal(activite_duree_band_label(ACTIVITE_DUREE_30_60), "30 min à 1 h");
    assert_string_equal(activite_duree_band_value(ACTIVITE_DUREE_120_PLUS), "120_plus");
}

static void test_masking(void **state)
{
    (void)state;
    assert_false(activite_stats_masked(0));
    for (int n = 1; n < ACTIVITE_STATS_MASK_BELOW; n++)
        assert_true(activite_stats_masked(n));
    assert_false(activite_stats_masked(ACTIVITE_STATS_MASK_BELOW));
    assert_false(activite_stats_masked(1000));
    assert_int_equal(ACTIVITE_STATS_MASK_BELOW, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_duree_bands),
        cmocka_unit_test(test_masking),
        cmocka_unit_test_setup_teardown(test_counters_match_raw, setup_sqlite, teardown),
    };
    const struct CMUnitTest pg_tests[] = {
        cmocka_unit_test_setup_teardown(test_counters_match_raw, setup_pg, teardown),
    };
    int failed = cmocka_run_group_tests_name("activite_stats", tests, NULL, NULL);
    if (getenv("RELAIS_TEST_PG_URL"))
        failed += cmocka_run_group_tests_name("activite_stats_pg", pg_tests, NULL, NULL);
    return failed;
}
