/* Unit tests of the follow-up of beneficiaries and of the coordinators' activities: folding and
 * likeness of names, validation, duplicate detection, merge, the path to autonomy and its count,
 * erasure, anonymisation after inactivity (with an injected "now"), and the coordination store, on
 * SQLite and (when RELAIS_TEST_PG_URL is set) PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "activite/aggregates.h"
#include "activite/beneficiaires.h"
#include "activite/coordination.h"
#include "activite/cra.h"
#include "activite/stats.h"
#include "activite/suivi.h"
#include "activite/vocab.h"
#include "core/arena.h"
#include "core/crypto.h"
#include "core/err.h"
#include "db/db.h"
#include "html/ui.h"
#include "store_fixture.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* 2026-03-01 12:00 UTC, and days around it. */
#define NOW 1772366400LL
#define DAY 86400LL

static void test_fold_and_likeness(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    assert_string_equal(beneficiaire_fold(&a, "Éloïse LE  Gall-Durand"), "eloise le gall durand");
    assert_string_equal(beneficiaire_fold(&a, "  N'Diaye  "), "n diaye");
    assert_string_equal(beneficiaire_fold(&a, "Straße"), "strasse");
    assert_string_equal(beneficiaire_fold(&a, "--"), "");
    assert_string_equal(beneficiaire_fold(&a, NULL), "");
    assert_true(beneficiaire_keys_close("jean dupont", "jean dupont"));
    assert_true(beneficiaire_keys_close("jean dupont", "jean dupond"));  /* substitution */
    assert_true(beneficiaire_keys_close("jean dupont", "jean duppont")); /* insertion */
    assert_true(beneficiaire_keys_close("jean dupont", "jean dupnt"));   /* deletion */
    assert_true(beneficiaire_keys_close("jean dupont", "jean dupnot"));  /* swap */
    assert_false(beneficiaire_keys_close("jean dupont", "jean dupuis"));
    assert_false(beneficiaire_keys_close("jean dupont", "jan dupond"));
    assert_false(beneficiaire_keys_close("ana", "anna ba"));
    arena_release(&a);
}

static void test_validate_named(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct beneficiaire b = {0};
    struct ui_errors errs = {0};
    struct beneficiaire_input in = {.prenom = " Éloïse ",
                                    .nom = "Le Gall",
                                    .annee_naissance = "1950",
                                    .genre = "feminin",
                                    .statut_social = "retraite",
                                    .commune = "53130",
                                    .email = "eloise@example.org",
                                    .consentement = "1"};
    assert_int_equal(beneficiaire_validate(&in, NULL, 2026, true, &a, &b, &errs), 0);
    assert_string_equal(b.prenom, "Éloïse");
    assert_int_equal(b.annee_naissance, 1950);
    assert_string_equal(b.tranche_age, "soixante_dix_plus"); /* derived from the year */
    assert_string_equal(b.commune_code_postal, "53130");

    /* No consent, a bad year, an unknown genre, a bad e-mail and phone: one message each. */
    struct beneficiaire_input bad = {.prenom = "Jean",
                                     .nom = "",
                                     .annee_naissance = "3000",
                                     .genre = "autre",
                                     .email = "pas-une-adresse",
                                     .telephone = "12",
                                     .commune = "Laval"};
    memset(&errs, 0, sizeof(errs));
    assert_int_equal(beneficiaire_validate(&bad, NULL, 2026, true, &a, &b, &errs), ERR_INVALID);
    assert_non_null(ui_errors_for(&errs, "nom"));
    assert_non_null(ui_errors_for(&errs, "annee_naissance"));
    assert_non_null(ui_errors_for(&errs, "genre"));
    assert_non_null(ui_errors_for(&errs, "email"));
    assert_non_null(ui_errors_for(&errs, "telephone"));
    assert_non_null(ui_errors_for(&errs, "commune"));
    assert_non_null(strstr(ui_errors_for(&errs, "consentement"), "Consentement"));
    assert_null(ui_errors_for(&errs, "prenom"));

    /* An age band that contradicts the birth year. */
    struct beneficiaire_input band = {.prenom = "A",
                                      .nom = "B",
                                      .annee_naissance = "2000",
                                      .tranche_age = "soixante_dix_plus",
                                      .consentement = "1"};
    memset(&errs, 0, sizeof(errs));
    assert_int_equal(beneficiaire_validate(&band, NULL, 2026, true, &a, &b, &errs), ERR_INVALID);
    assert_non_null(ui_errors_for(&errs, "tranche_age"));
    /* An edit needs no new consent. */
    struct beneficiaire_input edit = {.prenom = "A", .nom = "B"};
    memset(&errs, 0, sizeof(errs));
    assert_int_equal(beneficiaire_validate(&edit, NULL, 2026, false, &a, &b, &errs), 0);
    arena_release(&a);
}

static void test_coordination_validate(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct coordination c;
    struct ui_errors errs = {0};
    const char *themes[] = {"reseau", "autre"};
    struct coordination_input in = {.type = "animation",
                                    .date = "2026-02-10",
                                    .duree = "90",
                                    .departement = "53",
                                    .type_animation = "comite",
                                    .initiative = "initiative",
                                    .thematiques_animation = themes,
                                    .n_thematiques_animation = 2,
                                    .thematique_animation_autre = "Bilan annuel",
                                    .mediateurs = "12",
                                    .structures = "5",
                                    .autres_acteurs = "3"};
    assert_int_equal(coordination_validate(&in, "2026-03-01", &a, &c, &errs), 0);
    assert_string_equal(c.thematiques_animation, "reseau|autre");
    assert_int_equal(c.participants, 15);
    assert_null(c.nom);

    /* The future, no participant, "autre" without its precision, a count that is not a number. */
    struct coordination_input bad = in;
    bad.date = "2026-03-02";
    bad.mediateurs = "0";
    bad.autres_acteurs = "";
    bad.thematique_animation_autre = " ";
    bad.structures = "beaucoup";
    memset(&errs, 0, sizeof(errs));
    assert_int_equal(coordination_validate(&bad, "2026-03-01", &a, &c, &errs), ERR_INVALID);
    assert_non_null(strstr(ui_errors_for(&errs, "date"), "futur"));
    assert_non_null(ui_errors_for(&errs, "mediateurs"));
    assert_non_null(ui_errors_for(&errs, "thematique_animation_autre"));
    assert_non_null(ui_errors_for(&errs, "structures"));

    /* An événement needs a name, organisers, a scale and participants; a date must be real. */
    struct coordination_input ev = {.type = "evenement",
                                    .date = "2026-02-30",
                                    .duree = "240",
                                    .departement = "53",
                                    .type_evenement = "nec_local"};
    memset(&errs, 0, sizeof(errs));
    assert_int_equal(coordination_validate(&ev, "2026-03-01", &a, &c, &errs), ERR_INVALID);
    assert_non_null(ui_errors_for(&errs, "date"));
    assert_non_null(ui_errors_for(&errs, "nom"));
    assert_non_null(ui_errors_for(&errs, "organisateurs"));
    assert_non_null(ui_errors_for(&errs, "echelon_territorial"));
    assert_non_null(ui_errors_for(&errs, "participants"));
    assert_null(ui_errors_for(&errs, "duree"));

    struct coordination_input unknown = {.type = "fete", .date = "2026-02-01"};
    memset(&errs, 0, sizeof(errs));
    assert_int_equal(coordination_validate(&unknown, "2026-03-01", &a, &c, &errs), ERR_INVALID);
    assert_non_null(ui_errors_for(&errs, "type"));
    arena_release(&a);
}

/* ---------- on both stores ---------- */

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
    "INSERT INTO users (email, name, created_at) VALUES ($1, 'Médiatrice "
    "de test', $2) RETURNING id";
static const char SQL_STRUCTURE[] =
    "INSERT INTO structures (nom, departement, created_at, updated_at) VALUES ($1, '53', $2, $2) "
    "RETURNING id";

static int open_store(void **state, const char *url)
{
    struct fixture *f = calloc(1, sizeof(*f));
    arena_init(&f->a);
    if (store_fixture_open(&f->store, url, "activite-suivi"))
        return -1;
    const char *tok = crypto_random_token(&f->a);
    struct db *db = f->store.db;
    f->user = insert_returning(db, SQL_USER, arena_printf(&f->a, "suivi-%s@example.org", tok), NOW);
    f->other_user =
        insert_returning(db, SQL_USER, arena_printf(&f->a, "suivi2-%s@example.org", tok), NOW);
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

static int64_t named(struct fixture *f, int64_t structure, const char *prenom, const char *nom,
                     int64_t annee, int64_t at)
{
    struct beneficiaire b = {.mediateur_id = f->user,
                             .structure_id = structure,
                             .departement = "53",
                             .prenom = prenom,
                             .nom = nom,
                             .annee_naissance = annee,
                             .genre = "feminin"};
    assert_int_equal(beneficiaire_create(f->store.db, &f->a, &b, f->user, at), 0);
    return b.id;
}

/* A CRA of one person, through the CRA store (so that the statistics counters count it). */
static int64_t cra_for(struct fixture *f, int64_t beneficiaire, const char *date,
                       const char *autonomie, const char *thematique)
{
    struct cra c;
    cra_init(&c);
    c.type = CRA_INDIVIDUEL;
    c.mediateur_id = f->user;
    c.structure_id = f->structure;
    c.departement = "53";
    snprintf(c.date, sizeof(c.date), "%s", date);
    c.duree = 30;
    c.type_lieu = TYPE_LIEU_A_DISTANCE;
    c.thematiques[0] = (enum thematique)vocab_find(&vocab_thematique, thematique);
    c.n_thematiques = 1;
    c.autonomie = (enum autonomie)vocab_find(&vocab_autonomie, autonomie);
    struct cra_participant p = {.beneficiaire_id = beneficiaire};
    c.participants = &p;
    c.n_participants = 1;
    cra_normalise(&c);
    /* Recorded on the day it happened: that is the person's last activity. */
    struct tm tm = {0};
    assert_int_equal(sscanf(date, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday), 3);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_hour = 18;
    assert_int_equal(cra_create(f->store.db, &f->a, &c, f->user, (int64_t)timegm(&tm)), 0);
    return c.id;
}

/* The counters kept on write and the raw rows give the same figures for the structure. */
static void assert_counters_match(struct fixture *f)
{
    struct activite_stats_filter flt = {
        .structure_id = f->structure, .du = "2023-01-01", .au = "2026-03-31"};
    struct activite_stats kept, raw;
    assert_int_equal(activite_stats_from_aggregates(f->store.db, &f->a, &flt, &kept), 0);
    assert_int_equal(activite_stats_from_raw(f->store.db, &f->a, &flt, &raw), 0);
    assert_int_equal(kept.accompagnements, raw.accompagnements);
    assert_int_equal(kept.beneficiaires, raw.beneficiaires);
    assert_int_equal(kept.nouveaux, raw.nouveaux);
    assert_int_equal(kept.suivis, raw.suivis);
    assert_int_equal(kept.anonymes, raw.anonymes);
    static const enum activite_dim people[] = {ACTIVITE_DIM_GENRE, ACTIVITE_DIM_TRANCHE_AGE,
                                               ACTIVITE_DIM_STATUT, ACTIVITE_DIM_AUTONOMIE};
    for (size_t d = 0; d < sizeof(people) / sizeof(people[0]); d++) {
        const struct activite_stats_breakdown *x = &kept.dims[people[d]], *y = &raw.dims[people[d]];
        assert_int_equal(x->n, y->n);
        for (size_t i = 0; i < x->n; i++) {
            assert_string_equal(x->items[i].valeur, y->items[i].valeur);
            assert_int_equal(x->items[i].accompagnements, y->items[i].accompagnements);
        }
    }
}

static int64_t history_count(struct fixture *f, int64_t id, const char *action)
{
    static const char SQL[] =
        "SELECT count(*) FROM beneficiaires_history WHERE beneficiaire_id = $1 AND action = $2";
    struct db_stmt *st;
    assert_int_equal(db_prepare(f->store.db, SQL, &st), 0);
    db_bind_int64(st, 1, id);
    db_bind_text(st, 2, action);
    assert_int_equal(db_step_one(st), 0);
    int64_t n = db_col_int64(st, 0);
    db_reset(st);
    return n;
}

static void test_duplicates(void **state)
{
    struct fixture *f = *state;
    int64_t a = named(f, f->structure, "Éloïse", "Le Gall", 1950, NOW);
    named(f, f->structure, "Jean", "Martin", 1980, NOW);
    named(f, f->other_structure, "Eloise", "Le Gall", 1950, NOW);
    struct beneficiaire *found;
    size_t n;
    /* No accent, one typo, same year: found; the other structure's record is not. */
    assert_int_equal(beneficiaire_find_similar(f->store.db, &f->a, f->structure, "ELOISE", "Le Gal",
                                               1950, 0, &found, &n),
                     0);
    assert_int_equal(n, 1);
    assert_int_equal(found[0].id, a);
    /* Prénom and nom swapped, no year given: found. */
    assert_int_equal(beneficiaire_find_similar(f->store.db, &f->a, f->structure, "Le Gall",
                                               "Eloïse", 0, 0, &found, &n),
                     0);
    assert_int_equal(n, 1);
    /* Another birth year, or two typos: not the same person. */
    assert_int_equal(beneficiaire_find_similar(f->store.db, &f->a, f->structure, "Eloise",
                                               "Le Gall", 1951, 0, &found, &n),
                     0);
    assert_int_equal(n, 0);
    assert_int_equal(beneficiaire_find_similar(f->store.db, &f->a, f->structure, "Eloise",
                                               "La Gaul", 1950, 0, &found, &n),
                     0);
    assert_int_equal(n, 0);
    /* The record itself is left out when editing it. */
    assert_int_equal(beneficiaire_find_similar(f->store.db, &f->a, f->structure, "Éloïse",
                                               "Le Gall", 1950, a, &found, &n),
                     0);
    assert_int_equal(n, 0);
    /* The list finds her by a folded part of her name, and only where the user may look. */
    struct beneficiaire *list;
    int64_t total;
    assert_int_equal(
        beneficiaire_list(f->store.db, &f->a, f->user, false, "le gall", 0, 20, &list, &n, &total),
        0);
    assert_int_equal(total, 2); /* both are hers: she owns them */
    assert_int_equal(beneficiaire_list(f->store.db, &f->a, f->other_user, false, "le gall", 0, 20,
                                       &list, &n, &total),
                     0);
    assert_int_equal(total, 0);
}

static void test_merge(void **state)
{
    struct fixture *f = *state;
    int64_t a = named(f, f->structure, "Paul", "Durand", 1960, NOW - 10 * DAY);
    int64_t b = named(f, f->structure, "Paul", "Durant", 0, NOW - 40 * DAY);
    int64_t c1 = cra_for(f, a, "2026-02-20", "partiellement_autonome", "email");
    int64_t c2 = cra_for(f, b, "2026-01-05", "entierement_accompagne", "navigation_sur_internet");
    (void)c1;
    (void)c2;
    assert_int_equal(beneficiaire_merge(f->store.db, &f->a, a, a, f->user, NOW), ERR_INVALID);
    int64_t elsewhere = named(f, f->other_structure, "Paul", "Durand", 1960, NOW);
    assert_int_equal(beneficiaire_merge(f->store.db, &f->a, a, elsewhere, f->user, NOW),
                     ERR_INVALID);
    assert_int_equal(beneficiaire_merge(f->store.db, &f->a, a, b, f->user, NOW), 0);

    struct beneficiaire ra, rb;
    assert_int_equal(beneficiaire_get(f->store.db, &f->a, a, &ra), 0);
    assert_int_equal(beneficiaire_get(f->store.db, &f->a, b, &rb), 0);
    assert_int_equal(ra.accompagnements, 2);
    assert_int_equal(ra.consent_at, NOW - 40 * DAY); /* the earliest consent stands */
    assert_int_equal(ra.annee_naissance, 1960);
    assert_int_equal(rb.fusion_vers_id, a);
    assert_true(rb.anonyme);
    assert_null(rb.nom);
    assert_int_equal(rb.accompagnements, 0);
    assert_int_equal(history_count(f, a, "fusion_recue"), 1);
    assert_int_equal(history_count(f, b, "fusion"), 1);
    assert_counters_match(f);
    /* Merged once: a second merge of b is refused. */
    assert_int_equal(beneficiaire_merge(f->store.db, &f->a, a, b, f->user, NOW), ERR_INVALID);

    /* The path now starts with b's first visit. */
    struct suivi_etape *steps;
    size_t n;
    assert_int_equal(suivi_parcours(f->store.db, &f->a, a, &steps, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(steps[0].date, "2026-01-05");
    assert_string_equal(steps[0].thematiques, "navigation_sur_internet");
    struct suivi_progression p;
    suivi_progression(steps, n, &p);
    assert_string_equal(p.premier, "entierement_accompagne");
    assert_string_equal(p.dernier, "partiellement_autonome");
    assert_int_equal(p.gain, 1);
}

static void test_became_autonomous(void **state)
{
    struct fixture *f = *state;
    /* Rising to autonome in February: counted. */
    int64_t rise = named(f, f->structure, "Lucie", "Bernard", 1945, NOW);
    cra_for(f, rise, "2025-12-01", "entierement_accompagne", "email");
    cra_for(f, rise, "2026-01-10", "partiellement_autonome", "email");
    cra_for(f, rise, "2026-02-12", "autonome", "email");
    /* Autonome from the start: not counted (nothing lower before). */
    int64_t always = named(f, f->structure, "Marc", "Petit", 1970, NOW);
    cra_for(f, always, "2026-02-03", "autonome", "bureautique");
    /* Autonome then back to guidance: the latest level is not autonome. */
    int64_t back = named(f, f->structure, "Rose", "Morel", 1938, NOW);
    cra_for(f, back, "2026-01-03", "entierement_accompagne", "sante");
    cra_for(f, back, "2026-02-04", "autonome", "sante");
    cra_for(f, back, "2026-02-20", "entierement_accompagne", "sante");

    struct suivi_scope s = {.from = "2026-02-01", .to = "2026-02-28", .structure_id = f->structure};
    int64_t count;
    assert_int_equal(suivi_count_became_autonomous(f->store.db, &s, &count), 0);
    assert_int_equal(count, 1);
    /* January alone: Lucie's latest level by the end of January was not autonome. */
    s.from = "2026-01-01";
    s.to = "2026-01-31";
    assert_int_equal(suivi_count_became_autonomous(f->store.db, &s, &count), 0);
    assert_int_equal(count, 0);
    /* Another structure's scope sees nobody. */
    s = (struct suivi_scope){
        .from = "2026-02-01", .to = "2026-02-28", .structure_id = f->other_structure};
    assert_int_equal(suivi_count_became_autonomous(f->store.db, &s, &count), 0);
    assert_int_equal(count, 0);
    /* The département's and the platform's counts include Lucie (other tests' people may add to
     * them on a shared PostgreSQL). */
    s = (struct suivi_scope){.from = "2026-02-01", .to = "2026-02-28", .departement = "53"};
    assert_int_equal(suivi_count_became_autonomous(f->store.db, &s, &count), 0);
    assert_true(count >= 1);
    s = (struct suivi_scope){.from = "2026-02-01", .to = "2026-02-28"};
    assert_int_equal(suivi_count_became_autonomous(f->store.db, &s, &count), 0);
    assert_true(count >= 1);
    /* A lower level the same day as the autonome one: not counted. */
    int64_t same = named(f, f->structure, "Paule", "Jour", 1950, NOW);
    cra_for(f, same, "2026-02-15", "autonome", "email");
    cra_for(f, same, "2026-02-15", "partiellement_autonome", "email");
    s = (struct suivi_scope){
        .from = "2026-02-01", .to = "2026-02-28", .structure_id = f->structure};
    assert_int_equal(suivi_count_became_autonomous(f->store.db, &s, &count), 0);
    assert_int_equal(count, 1);
    /* Up to 2026-02-10, Rose had become autonome (the relapse came later). */
    s = (struct suivi_scope){
        .from = "2026-02-01", .to = "2026-02-10", .mediateur_id = f->user, .departement = "53"};
    assert_int_equal(suivi_count_became_autonomous(f->store.db, &s, &count), 0);
    assert_int_equal(count, 1);
}

static void test_erase(void **state)
{
    struct fixture *f = *state;
    int64_t id = named(f, f->structure, "Agnès", "Roux", 1990, NOW);
    cra_for(f, id, "2026-02-01", "autonome", "email");
    assert_int_equal(beneficiaire_erase(f->store.db, &f->a, id, f->user, NOW + DAY), 0);
    struct beneficiaire b;
    assert_int_equal(beneficiaire_get(f->store.db, &f->a, id, &b), 0);
    assert_true(b.anonyme);
    assert_null(b.prenom);
    assert_null(b.nom);
    assert_int_equal(b.annee_naissance, 0);
    assert_int_equal(b.consent_at, 0);
    assert_string_equal(b.tranche_age, "vingt_cinq_trente_neuf"); /* kept, from the year */
    assert_string_equal(b.genre, "feminin");
    assert_int_equal(b.accompagnements, 1); /* the CRA stays, anonymous */
    assert_int_equal(b.anonymised_at, NOW + DAY);
    assert_int_equal(history_count(f, id, "effacement"), 1);
    assert_counters_match(f);
    /* Erasing an anonymous record is refused. */
    assert_int_equal(beneficiaire_erase(f->store.db, &f->a, id, f->user, NOW), ERR_INVALID);
    /* The export of the erased record holds no name. */
    json_t *j;
    assert_int_equal(beneficiaire_export_json(f->store.db, &f->a, id, 24, &j), 0);
    assert_true(json_is_null(json_object_get(j, "nom")));
    assert_int_equal(json_array_size(json_object_get(j, "accompagnements")), 1);
    json_decref(j);
}

static void test_anonymise_inactive(void **state)
{
    struct fixture *f = *state;
    /* Consented two and a half years before NOW, last seen then. */
    int64_t old = named(f, f->structure, "Henri", "Vieux", 1940, NOW - 913 * DAY);
    cra_for(f, old, "2023-09-01", "autonome", "email");
    /* Created as long ago, but seen last month. */
    int64_t seen = named(f, f->structure, "Irène", "Active", 1941, NOW - 913 * DAY);
    cra_for(f, seen, "2026-02-01", "autonome", "email");
    /* Created recently, no CRA yet. */
    int64_t fresh = named(f, f->structure, "Jules", "Neuf", 1990, NOW - 30 * DAY);

    int64_t count;
    assert_int_equal(beneficiaire_anonymise_inactive(f->store.db, &f->a, NOW, 0, &count),
                     ERR_INVALID);
    assert_int_equal(beneficiaire_anonymise_inactive(f->store.db, &f->a, NOW, 24, &count), 0);
    assert_true(count >= 1);
    struct beneficiaire b;
    assert_int_equal(beneficiaire_get(f->store.db, &f->a, old, &b), 0);
    assert_true(b.anonyme);
    assert_null(b.nom);
    assert_int_equal(history_count(f, old, "anonymisation"), 1);
    assert_counters_match(f);
    assert_int_equal(beneficiaire_get(f->store.db, &f->a, seen, &b), 0);
    assert_false(b.anonyme);
    assert_int_equal(beneficiaire_get(f->store.db, &f->a, fresh, &b), 0);
    assert_false(b.anonyme);
    /* Idempotent. */
    assert_int_equal(beneficiaire_anonymise_inactive(f->store.db, &f->a, NOW, 24, &count), 0);
    assert_int_equal(count, 0);
    /* With a shorter period (1 month), the record seen last month is still inside it; the one
     * created 30 days ago with no CRA is not. */
    assert_int_equal(beneficiaire_anonymise_inactive(f->store.db, &f->a, NOW, 1, &count), 0);
    assert_int_equal(beneficiaire_get(f->store.db, &f->a, seen, &b), 0);
    assert_false(b.anonyme);
    assert_int_equal(beneficiaire_get(f->store.db, &f->a, fresh, &b), 0);
    assert_true(b.anonyme);
}

static void test_coordination_store(void **state)
{
    struct fixture *f = *state;
    struct db *db = f->store.db;
    struct coordination c = {.coordinateur_id = f->user,
                             .departement = "53",
                             .type = "animation",
                             .date = "2026-02-10",
                             .duree = 90,
                             .type_animation = "comite",
                             .initiative = "demande",
                             .thematiques_animation = "reseau",
                             .mediateurs = 10,
                             .structures = 4,
                             .participants = 10};
    assert_int_equal(coordination_insert(db, &c, NOW), 0);
    struct coordination p = {.coordinateur_id = f->user,
                             .departement = "53",
                             .type = "partenariat",
                             .date = "2026-01-15",
                             .echelon_territorial = "departemental",
                             .natures_partenariat = "subvention|rdv_elu",
                             .structures = 3};
    assert_int_equal(coordination_insert(db, &p, NOW), 0);
    struct coordination e = {.coordinateur_id = f->other_user,
                             .departement = "72",
                             .type = "evenement",
                             .date = "2026-02-11",
                             .duree = 240,
                             .nom = "Numérique en Commun[s] Sarthe",
                             .type_evenement = "nec_local",
                             .organisateurs = "hub",
                             .echelon_territorial = "departemental",
                             .participants = 120};
    assert_int_equal(coordination_insert(db, &e, NOW), 0);

    struct coordination got;
    assert_int_equal(coordination_get(db, &f->a, c.id, &got), 0);
    assert_string_equal(got.thematiques_animation, "reseau");
    assert_null(got.nom);
    got.duree = 120;
    got.notes = "Compte rendu envoyé";
    assert_int_equal(coordination_update(db, &got, NOW + 1), 0);
    assert_int_equal(coordination_get(db, &f->a, c.id, &got), 0);
    assert_int_equal(got.duree, 120);
    assert_int_equal(got.updated_at, NOW + 1);

    struct coordination *list;
    size_t n;
    int64_t total;
    assert_int_equal(coordination_list(db, &f->a, f->user, 0, 1, &list, &n, &total), 0);
    assert_int_equal(total, 2);
    assert_int_equal(n, 1);
    assert_int_equal(list[0].id, c.id); /* latest first */

    struct coordination_counts k;
    assert_int_equal(coordination_count(db, "53", f->user, "2026-02-01", "2026-02-28", &k), 0);
    assert_int_equal(k.animations, 1);
    assert_int_equal(k.partenariats, 0);
    assert_int_equal(k.participants, 10);
    assert_int_equal(k.duree_minutes, 120);
    assert_int_equal(coordination_count(db, NULL, f->user, NULL, NULL, &k), 0);
    assert_int_equal(k.partenariats, 1);
    assert_int_equal(k.structures, 7);
    assert_int_equal(coordination_count(db, "72", f->other_user, NULL, NULL, &k), 0);
    assert_int_equal(k.evenements, 1);
    assert_int_equal(k.participants, 120);

    assert_int_equal(coordination_delete(db, c.id), 0);
    assert_int_equal(coordination_get(db, &f->a, c.id, &got), ERR_NOT_FOUND);
    assert_int_equal(coordination_delete(db, c.id), ERR_NOT_FOUND);
}

int main(void)
{
    crypto_init();
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_fold_and_likeness),
        cmocka_unit_test(test_validate_named),
        cmocka_unit_test(test_coordination_validate),
    };
    const struct CMUnitTest stored[] = {
        cmocka_unit_test(test_duplicates),         cmocka_unit_test(test_merge),
        cmocka_unit_test(test_became_autonomous),  cmocka_unit_test(test_erase),
        cmocka_unit_test(test_anonymise_inactive), cmocka_unit_test(test_coordination_store),
    };
    int failed = cmocka_run_group_tests_name("activite-suivi", pure, NULL, NULL);
    failed += STORE_FIXTURE_RUN("activite-suivi", stored, setup_sqlite, setup_pg, teardown);
    return failed;
}
