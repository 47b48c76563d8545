/* Unit tests of the CRA: reading it from text, the rules of the issue's « Bad input », and the
 * store (create, update with history, delete with a trace, list with cursor, last CRA, usage,
 * references) on SQLite and (when RELAIS_TEST_PG_URL is set) PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "activite/cra.h"
#include "core/arena.h"
#include "core/crypto.h"
#include "core/err.h"
#include "db/db.h"
#include "store_fixture.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW 1772366400LL /* 2026-03-01 12:00 UTC */
#define TODAY "2026-03-01"

/* A valid individual CRA at a distance. */
static void individual(struct cra *c)
{
    cra_init(c);
    c->type = CRA_INDIVIDUEL;
    snprintf(c->date, sizeof(c->date), "2026-02-27");
    c->duree = 30;
    c->type_lieu = TYPE_LIEU_A_DISTANCE;
    c->thematiques[c->n_thematiques++] = THEMATIQUE_EMAIL;
    c->autonomie = AUTONOMIE_PARTIELLEMENT_AUTONOME;
}

static void test_rules(void **state)
{
    (void)state;
    struct cra c;
    struct cra_errors e;
    individual(&c);
    assert_int_equal(cra_validate(&c, TODAY, &e), 0);

    const int bad_durations[] = {0, -15, 721};
    for (size_t i = 0; i < 3; i++) {
        individual(&c);
        c.duree = bad_durations[i];
        assert_int_equal(cra_validate(&c, TODAY, &e), ERR_INVALID);
        assert_non_null(strstr(cra_errors_for(&e, "duree"), "Durée"));
        assert_int_equal(e.n, 1);
    }
    individual(&c);
    c.duree = 720;
    assert_int_equal(cra_validate(&c, TODAY, &e), 0);

    individual(&c);
    snprintf(c.date, sizeof(c.date), "2026-03-02");
    assert_int_equal(cra_validate(&c, TODAY, &e), ERR_INVALID);
    assert_non_null(strstr(cra_errors_for(&e, "date"), "futur"));
    snprintf(c.date, sizeof(c.date), "2026-02-30");
    assert_int_equal(cra_validate(&c, TODAY, &e), ERR_INVALID);
    assert_non_null(cra_errors_for(&e, "date"));

    /* A precision without the procedure thématique. */
    individual(&c);
    c.precisions_demarche = "Carte grise";
    assert_int_equal(cra_validate(&c, TODAY, &e), ERR_INVALID);
    assert_non_null(strstr(cra_errors_for(&e, "precisions_demarche"), "Aide aux démarches"));
    c.thematiques[c.n_thematiques++] = THEMATIQUE_AIDE_AUX_DEMARCHES_ADMINISTRATIVES;
    assert_int_equal(cra_validate(&c, TODAY, &e), 0);

    /* A procedure needs one of the 11 administrative thématiques. */
    individual(&c);
    c.type = CRA_DEMARCHE;
    cra_normalise(&c);
    assert_int_equal(cra_validate(&c, TODAY, &e), ERR_INVALID);
    assert_non_null(strstr(cra_errors_for(&e, "thematiques"), "11"));
    c.thematiques[c.n_thematiques++] = THEMATIQUE_LOGEMENT;
    c.precisions_demarche = "Demande de logement social";
    cra_normalise(&c);
    assert_int_equal(cra_validate(&c, TODAY, &e), 0);

    /* A workshop without participants; counts that exceed the total. */
    individual(&c);
    c.type = CRA_COLLECTIF;
    cra_normalise(&c);
    assert_int_equal(cra_validate(&c, TODAY, &e), ERR_INVALID);
    assert_non_null(strstr(cra_errors_for(&e, "participants"), "au moins un participant"));
    c.anonymes.total = 3;
    c.anonymes.genre[GENRE_FEMININ] = 4;
    assert_int_equal(cra_validate(&c, TODAY, &e), ERR_INVALID);
    assert_non_null(cra_errors_for(&e, "anon_genre"));
    c.anonymes.genre[GENRE_FEMININ] = 2;
    assert_int_equal(cra_validate(&c, TODAY, &e), 0);
    assert_int_equal(c.autonomie, AUTONOMIE_AUCUN); /* dropped for a workshop */

    /* At home: the commune; at a lieu: the lieu. */
    individual(&c);
    c.type_lieu = TYPE_LIEU_DOMICILE;
    assert_int_equal(cra_validate(&c, TODAY, &e), ERR_INVALID);
    assert_non_null(cra_errors_for(&e, "commune"));
    c.type_lieu = TYPE_LIEU_LIEU_ACTIVITE;
    assert_int_equal(cra_validate(&c, TODAY, &e), ERR_INVALID);
    assert_non_null(cra_errors_for(&e, "lieu_id"));
}

static void test_from_input(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct cra c;
    struct cra_errors e;
    const char *them[] = {"email", "hors_liste"};
    struct cra_input in = {.type = "individuel",
                           .date = "2026-02-01",
                           .duree = "autre",
                           .duree_autre = "50",
                           .type_lieu = "domicile",
                           .commune = "53130",
                           .thematiques = them,
                           .n_thematiques = 2,
                           .oriente = "oui",
                           .nouveau_genre = "feminin",
                           .nouveau_tranche_age = "soixante_dix_plus"};
    cra_init(&c);
    assert_int_equal(cra_from_input(&in, NULL, &a, &c, &e), ERR_INVALID);
    assert_non_null(strstr(cra_errors_for(&e, "thematiques"), "« hors_liste »"));
    in.n_thematiques = 1;
    cra_init(&c);
    assert_int_equal(cra_from_input(&in, NULL, &a, &c, &e), 0);
    assert_int_equal(c.duree, 50);
    assert_int_equal(c.type_lieu, TYPE_LIEU_DOMICILE);
    assert_string_equal(c.commune_code_insee, "53130");
    assert_int_equal(c.oriente, 1);
    assert_int_equal(c.nouveau.genre, GENRE_FEMININ);
    assert_int_equal(c.nouveau.tranche_age, TRANCHE_AGE_SOIXANTE_DIX_PLUS);
    assert_int_equal(cra_validate(&c, TODAY, &e), 0);

    struct cra_input bad = {
        .type = "atelier", .duree = "trois", .materiel = them, .n_materiel = 1, .anon_total = "-2"};
    cra_init(&c);
    assert_int_equal(cra_from_input(&bad, NULL, &a, &c, &e), ERR_INVALID);
    assert_non_null(cra_errors_for(&e, "type"));
    assert_non_null(cra_errors_for(&e, "duree"));
    assert_non_null(cra_errors_for(&e, "materiel"));
    assert_non_null(cra_errors_for(&e, "anon_total"));
    arena_release(&a);
}

/* ---- store ---- */

struct fixture {
    struct store_fixture store;
    struct arena a;
    int64_t user, other_user, structure, other_structure;
};

static int64_t insert_returning(struct db *db, const char *sql, const char *t1, int64_t i2)
{
    struct db_stmt *st;
    assert_int_equal(db_prepare(db, sql, &st), 0);
    db_bind_text(st, 1, t1);
    db_bind_int64(st, 2, i2);
    assert_int_equal(db_step_one(st), 0);
    int64_t id = db_col_int64(st, 0);
    db_reset(st);
    return id;
}

static const char SQL_USER[] =
    "INSERT INTO users (email, name, created_at) VALUES ($1, 'Médiateur de test', $2) RETURNING id";
static const char SQL_STRUCTURE[] =
    "INSERT INTO structures (nom, departement, created_at, updated_at) VALUES ($1, '53', $2, $2) "
    "RETURNING id";
static const char SQL_LIEU[] =
    "INSERT INTO lieux (source_key, ext_id, departement, nom, structure_id, created_at, "
    "updated_at) VALUES ('test', $1, '53', 'Lieu de test', $2, 0, 0) RETURNING id";
static const char SQL_TAG[] =
    "INSERT INTO tags (scope, owner_user_id, structure_id, departement, nom, created_at) "
    "VALUES ($1, $2, $3, $4, 'Tag', 0) RETURNING id";
static const char SQL_NAMED[] =
    "INSERT INTO beneficiaires (mediateur_id, structure_id, departement, anonyme, prenom, nom, "
    "consent_at, consent_by, created_at, updated_at) VALUES ($1, $2, '53', 0, 'Ana', 'Test', 0, "
    "$1, 0, 0) RETURNING id";

static int open_store(void **state, const char *url)
{
    struct fixture *f = calloc(1, sizeof(*f));
    arena_init(&f->a);
    if (store_fixture_open(&f->store, url, "activite-cra"))
        return -1;
    const char *tok = crypto_random_token(&f->a);
    struct db *db = f->store.db;
    f->user = insert_returning(db, SQL_USER, arena_printf(&f->a, "cra-%s@example.org", tok), NOW);
    f->other_user =
        insert_returning(db, SQL_USER, arena_printf(&f->a, "cra2-%s@example.org", tok), NOW);
    f->structure = insert_returning(db, SQL_STRUCTURE, "Structure de test", NOW);
    f->other_structure = insert_returning(db, SQL_STRUCTURE, "Autre structure", NOW);
    *state = f;
    return 0;
}

static int setup_sqlite(void **state) { return open_store(state, NULL); }
static int setup_pg(void **state) { return open_store(state, getenv("RELAIS_TEST_PG_URL")); }

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_fixture_close(&f->store);
    arena_release(&f->a);
    free(f);
    return 0;
}

static void mine(struct fixture *f, struct cra *c)
{
    individual(c);
    c->mediateur_id = f->user;
    c->structure_id = f->structure;
    c->departement = "53";
}

static int64_t count(struct db *db, const char *sql, int64_t id)
{
    struct db_stmt *st;
    assert_int_equal(db_prepare(db, sql, &st), 0);
    db_bind_int64(st, 1, id);
    assert_int_equal(db_step_one(st), 0);
    int64_t n = db_col_int64(st, 0);
    db_reset(st);
    return n;
}

static const char SQL_HISTORY_COUNT[] = "SELECT COUNT(*) FROM cra_history WHERE cra_id = $1";
static const char SQL_ACC_COUNT[] = "SELECT COUNT(*) FROM accompagnements WHERE cra_id = $1";

static void test_create_get_update_delete(void **state)
{
    struct fixture *f = *state;
    struct db *db = f->store.db;
    struct cra c, got;
    mine(f, &c);
    c.nouveau.genre = GENRE_FEMININ;
    c.materiel[c.n_materiel++] = MATERIEL_TELEPHONE;
    c.materiel[c.n_materiel++] = MATERIEL_ORDINATEUR;
    c.notes = "Première visite";
    assert_int_equal(cra_create(db, &f->a, &c, f->user, NOW), 0);
    assert_true(c.id > 0);
    assert_int_equal(c.accompagnements_count, 1);
    assert_int_equal(c.n_participants, 1);

    assert_int_equal(cra_get(db, &f->a, c.id, false, &got), 0);
    assert_string_equal(got.date, "2026-02-27");
    assert_int_equal(got.duree, 30);
    assert_int_equal(got.type_lieu, TYPE_LIEU_A_DISTANCE);
    assert_int_equal(got.n_thematiques, 1);
    assert_int_equal(got.thematiques[0], THEMATIQUE_EMAIL);
    assert_int_equal(got.n_materiel, 2);
    assert_int_equal(got.materiel[0], MATERIEL_ORDINATEUR); /* vocabulary order */
    assert_int_equal(got.autonomie, AUTONOMIE_PARTIELLEMENT_AUTONOME);
    assert_string_equal(got.notes, "Première visite");
    assert_string_equal(got.vocab_version, VOCAB_VERSION);
    assert_int_equal(got.n_participants, 1);
    assert_true(got.participants[0].anonyme);
    assert_true(got.participants[0].premier_accompagnement);
    assert_int_equal(got.participants[0].genre, GENRE_FEMININ);
    int64_t person = got.participants[0].beneficiaire_id;

    /* Update: the same anonymous person, a history row with what changed. */
    got.duree = 45;
    got.nouveau.genre = GENRE_MASCULIN;
    got.n_participants = 0;
    assert_int_equal(cra_update(db, &f->a, &got, f->user, NOW + 60), 0);
    struct cra again;
    assert_int_equal(cra_get(db, &f->a, c.id, false, &again), 0);
    assert_int_equal(again.duree, 45);
    assert_int_equal(again.participants[0].beneficiaire_id, person);
    assert_int_equal(again.participants[0].genre, GENRE_MASCULIN);
    assert_true(again.participants[0].premier_accompagnement);
    assert_int_equal(again.created_at, NOW);
    assert_int_equal(again.updated_at, NOW + 60);
    assert_int_equal(count(db, SQL_HISTORY_COUNT, c.id), 2);

    /* Delete with a trace. */
    assert_int_equal(cra_delete(db, &f->a, c.id, f->other_user, NOW + 120), 0);
    assert_int_equal(cra_get(db, &f->a, c.id, false, &again), ERR_NOT_FOUND);
    assert_int_equal(cra_get(db, &f->a, c.id, true, &again), 0);
    assert_int_equal(again.deleted_at, NOW + 120);
    assert_int_equal(again.deleted_by, f->other_user);
    assert_int_equal(count(db, SQL_HISTORY_COUNT, c.id), 3);
    assert_int_equal(cra_delete(db, &f->a, c.id, f->user, NOW + 180), ERR_NOT_FOUND);
    again.duree = 60;
    assert_int_equal(cra_update(db, &f->a, &again, f->user, NOW + 180), ERR_NOT_FOUND);
}

static void test_collectif_and_refs(void **state)
{
    struct fixture *f = *state;
    struct db *db = f->store.db;
    int64_t ana;
    struct db_stmt *st;
    assert_int_equal(db_prepare(db, SQL_NAMED, &st), 0);
    db_bind_int64(st, 1, f->user);
    db_bind_int64(st, 2, f->structure);
    assert_int_equal(db_step_one(st), 0);
    ana = db_col_int64(st, 0);
    db_reset(st);
    assert_int_equal(db_prepare(db, SQL_NAMED, &st), 0);
    db_bind_int64(st, 1, f->other_user);
    db_bind_int64(st, 2, f->structure);
    assert_int_equal(db_step_one(st), 0);
    int64_t theirs = db_col_int64(st, 0);
    db_reset(st);

    struct cra c;
    mine(f, &c);
    c.type = CRA_COLLECTIF;
    c.titre_atelier = "Premiers pas sur la tablette";
    c.niveau_atelier = NIVEAU_ATELIER_DEBUTANT;
    c.anonymes.total = 6;
    c.anonymes.genre[GENRE_FEMININ] = 4;
    c.anonymes.tranche_age[TRANCHE_AGE_SOIXANTE_DIX_PLUS] = 5;
    struct cra_participant p[2] = {{.beneficiaire_id = ana}, {.beneficiaire_id = theirs}};
    c.participants = p;
    c.n_participants = 2;
    cra_normalise(&c);
    struct cra_errors e = {0};
    assert_int_equal(cra_validate(&c, TODAY, &e), 0);
    assert_int_equal(cra_check_refs(db, &c, &e), ERR_INVALID);
    assert_non_null(cra_errors_for(&e, "participants"));
    c.n_participants = 1;
    e.n = 0;
    assert_int_equal(cra_check_refs(db, &c, &e), 0);
    assert_int_equal(cra_create(db, &f->a, &c, f->user, NOW), 0);
    assert_int_equal(c.accompagnements_count, 7);
    assert_int_equal(count(db, SQL_ACC_COUNT, c.id), 1);
    struct cra got;
    assert_int_equal(cra_get(db, &f->a, c.id, false, &got), 0);
    assert_int_equal(got.anonymes.total, 6);
    assert_int_equal(got.anonymes.genre[GENRE_FEMININ], 4);
    assert_int_equal(got.anonymes.tranche_age[TRANCHE_AGE_SOIXANTE_DIX_PLUS], 5);
    assert_string_equal(got.titre_atelier, "Premiers pas sur la tablette");
    assert_int_equal(got.niveau_atelier, NIVEAU_ATELIER_DEBUTANT);
    assert_string_equal(got.participants[0].prenom, "Ana");
    assert_true(got.participants[0].premier_accompagnement);

    /* Ana's second CRA is not her first. */
    struct cra second;
    mine(f, &second);
    struct cra_participant one = {.beneficiaire_id = ana};
    second.participants = &one;
    second.n_participants = 1;
    assert_int_equal(cra_create(db, &f->a, &second, f->user, NOW + 10), 0);
    assert_int_equal(cra_get(db, &f->a, second.id, false, &got), 0);
    assert_false(got.participants[0].premier_accompagnement);

    /* A lieu of the structure, a lieu of another département; tags by scope. */
    int64_t lieu = 0;
    assert_int_equal(db_prepare(db, SQL_LIEU, &st), 0);
    db_bind_text(st, 1, crypto_random_token(&f->a));
    db_bind_int64(st, 2, f->structure);
    assert_int_equal(db_step_one(st), 0);
    lieu = db_col_int64(st, 0);
    db_reset(st);
    struct cra at;
    mine(f, &at);
    at.type_lieu = TYPE_LIEU_LIEU_ACTIVITE;
    at.lieu_id = lieu;
    e.n = 0;
    assert_int_equal(cra_check_refs(db, &at, &e), 0);
    at.departement = "72";
    at.structure_id = f->other_structure;
    assert_int_equal(cra_check_refs(db, &at, &e), ERR_INVALID);
    assert_non_null(cra_errors_for(&e, "lieu_id"));

    int64_t tags[3];
    const char *scopes[] = {"personnel", "structure", "departement"};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(db_prepare(db, SQL_TAG, &st), 0);
        db_bind_text(st, 1, scopes[i]);
        if (i == 0)
            db_bind_int64(st, 2, f->other_user);
        else
            db_bind_null(st, 2);
        if (i == 1)
            db_bind_int64(st, 3, f->structure);
        else
            db_bind_null(st, 3);
        db_bind_text(st, 4, "53");
        assert_int_equal(db_step_one(st), 0);
        tags[i] = db_col_int64(st, 0);
        db_reset(st);
    }
    struct cra tagged;
    mine(f, &tagged);
    tagged.tags = tags + 1;
    tagged.n_tags = 2;
    e.n = 0;
    assert_int_equal(cra_check_refs(db, &tagged, &e), 0);
    tagged.tags = tags;
    tagged.n_tags = 1; /* another médiateur's personal tag */
    assert_int_equal(cra_check_refs(db, &tagged, &e), ERR_INVALID);
    tagged.tags = tags + 1;
    tagged.n_tags = 2;
    assert_int_equal(cra_create(db, &f->a, &tagged, f->user, NOW + 20), 0);
    assert_int_equal(cra_get(db, &f->a, tagged.id, false, &got), 0);
    assert_int_equal(got.n_tags, 2);
}

static void test_list_last_usage(void **state)
{
    struct fixture *f = *state;
    struct db *db = f->store.db;
    /* Five CRAs of the other médiateur over five days, durations 30, 30, 30, 60, 90. */
    const int durees[] = {30, 30, 30, 60, 90};
    int64_t ids[5];
    for (int i = 0; i < 5; i++) {
        struct cra c;
        mine(f, &c);
        c.mediateur_id = f->other_user;
        static const char *const days[] = {"2026-02-10", "2026-02-11", "2026-02-12", "2026-02-13",
                                           "2026-02-14"};
        memcpy(c.date, days[i], sizeof(c.date));
        c.duree = durees[i];
        if (i == 2) {
            c.type = CRA_DEMARCHE;
            c.thematiques[c.n_thematiques++] = THEMATIQUE_ARGENT_IMPOTS;
        }
        assert_int_equal(cra_create(db, &f->a, &c, f->other_user, NOW + i), 0);
        ids[i] = c.id;
    }
    struct cra *rows;
    size_t n;
    bool more;
    struct cra_filter filt = {.mediateur_id = f->other_user, .type = -1, .limit = 2};
    assert_int_equal(cra_list(db, &f->a, &filt, &rows, &n, &more), 0);
    assert_int_equal(n, 2);
    assert_true(more);
    assert_int_equal(rows[0].id, ids[4]); /* newest date first */
    assert_int_equal(rows[1].id, ids[3]);
    filt.apres_id = rows[1].id;
    filt.apres_date = arena_strdup(&f->a, rows[1].date);
    assert_int_equal(cra_list(db, &f->a, &filt, &rows, &n, &more), 0);
    assert_int_equal(n, 2);
    assert_int_equal(rows[0].id, ids[2]);
    assert_int_equal(rows[0].type, CRA_DEMARCHE);
    assert_int_equal(rows[0].n_thematiques, 3); /* email, aide aux démarches (implied), argent */

    struct cra_filter by = {
        .mediateur_id = f->other_user, .type = -1, .by_created = true, .limit = 3};
    assert_int_equal(cra_list(db, &f->a, &by, &rows, &n, &more), 0);
    assert_int_equal(n, 3);
    assert_int_equal(rows[0].id, ids[0]);
    by.apres_id = rows[2].id;
    by.apres_created_at = rows[2].created_at;
    assert_int_equal(cra_list(db, &f->a, &by, &rows, &n, &more), 0);
    assert_int_equal(n, 2);
    assert_false(more);
    assert_int_equal(rows[1].id, ids[4]);

    struct cra_filter typed = {.mediateur_id = f->other_user,
                               .type = CRA_DEMARCHE,
                               .du = "2026-02-11",
                               .au = "2026-02-13",
                               .limit = 50};
    assert_int_equal(cra_list(db, &f->a, &typed, &rows, &n, &more), 0);
    assert_int_equal(n, 1);
    typed.type = -1;
    assert_int_equal(cra_list(db, &f->a, &typed, &rows, &n, &more), 0);
    assert_int_equal(n, 3);

    assert_int_equal(cra_delete(db, &f->a, ids[4], f->other_user, NOW + 100), 0);
    struct cra last;
    assert_int_equal(cra_last_of(db, &f->a, f->other_user, &last), 0);
    assert_int_equal(last.id, ids[3]);
    assert_int_equal(last.duree, 60);

    int counts[THEMATIQUE_COUNT];
    int d[10], dc[10];
    size_t nd;
    assert_int_equal(cra_usage_of(db, f->other_user, counts, d, dc, 10, &nd), 0);
    assert_int_equal(counts[THEMATIQUE_EMAIL], 4); /* the deleted one is not counted */
    assert_int_equal(counts[THEMATIQUE_ARGENT_IMPOTS], 1);
    assert_int_equal(nd, 2);
    assert_int_equal(d[0], 30);
    assert_int_equal(dc[0], 3);
}

/* The vocabularies are La Coop's, value for value: 30 thématiques (11 administrative), and each
 * enum indexes its table. */
static void test_vocab(void **state)
{
    (void)state;
    assert_int_equal(vocab_thematique.count, THEMATIQUE_COUNT);
    assert_int_equal(THEMATIQUE_COUNT, 30);
    int demarches = 0;
    for (int t = 0; t < THEMATIQUE_COUNT; t++)
        demarches += thematique_is_demarche((enum thematique)t);
    assert_int_equal(demarches, 11);
    assert_string_equal(
        vocab_value(&vocab_thematique, THEMATIQUE_AIDE_AUX_DEMARCHES_ADMINISTRATIVES),
        "aide_aux_demarches_administratives");
    assert_string_equal(vocab_value(&vocab_thematique, THEMATIQUE_ASSOCIATIONS), "associations");
    assert_int_equal(vocab_type_lieu.count, TYPE_LIEU_COUNT);
    assert_int_equal(vocab_materiel.count, MATERIEL_COUNT);
    assert_int_equal(vocab_autonomie.count, AUTONOMIE_COUNT);
    assert_int_equal(vocab_niveau_atelier.count, NIVEAU_ATELIER_COUNT);
    assert_int_equal(vocab_structure_redirection.count, STRUCTURE_REDIRECTION_COUNT);
    assert_int_equal(vocab_genre.count, GENRE_COUNT);
    assert_int_equal(vocab_tranche_age.count, TRANCHE_AGE_COUNT);
    assert_int_equal(vocab_statut_social.count, STATUT_SOCIAL_COUNT);
    assert_int_equal(vocab_find(&vocab_type_lieu, "a_distance"), TYPE_LIEU_A_DISTANCE);
    assert_int_equal(vocab_find(&vocab_type_lieu, "À distance"), -1); /* a label is not a value */
    assert_null(vocab_value(&vocab_autonomie, AUTONOMIE_AUCUN));
    assert_string_equal(vocab_label(&vocab_autonomie, AUTONOMIE_AUTONOME), "Autonome");
    assert_int_equal(tranche_age_of_birth_year(1950, 2026), TRANCHE_AGE_SOIXANTE_DIX_PLUS);
    assert_int_equal(tranche_age_of_birth_year(2008, 2026), TRANCHE_AGE_DIX_HUIT_VINGT_QUATRE);
    assert_int_equal(tranche_age_of_birth_year(2010, 2026), TRANCHE_AGE_DOUZE_DIX_HUIT);
    assert_int_equal(tranche_age_of_birth_year(0, 2026), TRANCHE_AGE_NON_COMMUNIQUE);
}

static void test_json(void **state)
{
    (void)state;
    struct cra c;
    individual(&c);
    c.oriente = 0;
    json_t *o = cra_to_json(&c);
    assert_string_equal(json_string_value(json_object_get(o, "type_lieu")), "a_distance");
    assert_string_equal(json_string_value(json_array_get(json_object_get(o, "thematiques"), 0)),
                        "email");
    assert_true(json_is_false(json_object_get(o, "oriente")));
    assert_true(json_is_null(json_object_get(o, "niveau_atelier")));
    json_decref(o);
}

int main(void)
{
    crypto_init();
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_from_input),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_vocab),
    };
    const struct CMUnitTest stored[] = {
        cmocka_unit_test(test_create_get_update_delete),
        cmocka_unit_test(test_collectif_and_refs),
        cmocka_unit_test(test_list_last_usage),
    };
    int failed = cmocka_run_group_tests_name("activite-cra", pure, NULL, NULL);
    failed += STORE_FIXTURE_RUN("activite-cra", stored, setup_sqlite, setup_pg, teardown);
    return failed;
}
