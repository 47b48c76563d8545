/* Unit tests of orientation: the status machine and validation, then on SQLite and (when
 * RELAIS_TEST_PG_URL is set) PostgreSQL: creation with its log, status changes, signed links
 * (valid, altered, expired), time bounds with an injected "now", and the outbox's retries while
 * the SMTP server is down; the person's journey: a referral linked to a beneficiary record is read
 * back only by the structures that sent or received it, follows a merge, and is unlinked when the
 * record is erased or anonymised; the flows between kinds of structures of a territory and period.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "activite/beneficiaires.h"
#include "comptes/comptes.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/err.h"
#include "db/db.h"
#include "html/ui.h"
#include "orientation/flows.h"
#include "orientation/orientation.h"
#include "orientation/outbox.h"
#include "store_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DAY INT64_C(86400)
#define T0 INT64_C(1800000000) /* an arbitrary fixed "now" */

static void test_status_machine(void **state)
{
    (void)state;
    assert_true(orientation_transition_ok(OS_OUVERTE, OS_EN_COURS));
    assert_true(orientation_transition_ok(OS_OUVERTE, OS_ACCEPTEE));
    assert_true(orientation_transition_ok(OS_EN_COURS, OS_REFUSEE));
    assert_true(orientation_transition_ok(OS_EN_COURS, OS_EXPIREE));
    assert_false(orientation_transition_ok(OS_EN_COURS, OS_OUVERTE));
    assert_false(orientation_transition_ok(OS_EN_COURS, OS_EN_COURS));
    for (int s = OS_ACCEPTEE; s < OS_N; s++)
        for (int t = 0; t < OS_N; t++)
            assert_false(
                orientation_transition_ok((enum orientation_status)s, (enum orientation_status)t));
    assert_int_equal(orientation_status_parse("en_cours"), OS_EN_COURS);
    assert_int_equal(orientation_status_parse("validee"), -1);
    assert_string_equal(orientation_status_label(OS_REFUSEE), "Refusée");
    assert_string_equal(
        orientation_choice_label(orientation_refus, orientation_n_refus, "orientation-en-doublon"),
        "Orientation en doublon");
}

static const char *prefs[] = {"telephone"};
static const char *besoins[] = {"Aide aux démarches administratives"};

static struct orientation_input sample(int64_t from, int64_t to)
{
    return (struct orientation_input){
        .from_structure_id = from,
        .from_user_name = "Test",
        .to_structure_id = to,
        .destination_nom = "Destination",
        .personne = "M. D.",
        .contact = "06 12 34 56 78",
        .preferences = prefs,
        .n_preferences = 1,
        .besoins = besoins,
        .n_besoins = 1,
        .motif = "Une démarche en ligne.",
        .engagement = true,
    };
}

static void test_validation(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct ui_errors e = {0};
    struct orientation_input in = sample(1, 2);
    assert_int_equal(orientation_validate(&in, &a, &e), 0);

    in.engagement = false;
    assert_int_equal(orientation_validate(&in, &a, &e), ERR_INVALID);
    assert_non_null(ui_errors_for(&e, "engagement"));

    e = (struct ui_errors){0};
    in = sample(1, 1);
    assert_int_equal(orientation_validate(&in, &a, &e), ERR_INVALID);
    assert_non_null(strstr(ui_errors_for(&e, "destination"), "propre structure"));

    /* 600 characters pass, 601 do not: characters, not bytes (é is two bytes). */
    char motif[1300];
    size_t k = 0;
    for (int i = 0; i < 600; i++)
        motif[k++] = '\xc3', motif[k++] = '\xa9';
    motif[k] = '\0';
    e = (struct ui_errors){0};
    in = sample(1, 2);
    in.motif = motif;
    assert_int_equal(orientation_validate(&in, &a, &e), 0);
    motif[k++] = 'x';
    motif[k] = '\0';
    assert_int_equal(orientation_validate(&in, &a, &e), ERR_INVALID);
    assert_non_null(strstr(ui_errors_for(&e, "motif"), "601 saisis"));

    static const char *bad[] = {"Cuisine"};
    e = (struct ui_errors){0};
    in = sample(1, 2);
    in.besoins = bad;
    assert_int_equal(orientation_validate(&in, &a, &e), ERR_INVALID);
    assert_non_null(ui_errors_for(&e, "besoins"));

    /* Only the referent as a way to reach the person: no contact needed. */
    static const char *referent[] = {"referent"};
    e = (struct ui_errors){0};
    in = sample(1, 2);
    in.contact = NULL;
    assert_int_equal(orientation_validate(&in, &a, &e), ERR_INVALID);
    in.preferences = referent;
    e = (struct ui_errors){0};
    assert_int_equal(orientation_validate(&in, &a, &e), 0);
    arena_release(&a);
}

static void test_backoff(void **state)
{
    (void)state;
    assert_int_equal(outbox_backoff(0), 60);
    assert_int_equal(outbox_backoff(1), 120);
    assert_int_equal(outbox_backoff(3), 480);
    assert_int_equal(outbox_backoff(40), OUTBOX_MAX_DELAY_S);
}

struct fixture {
    struct store_fixture store;
    struct config cfg;
    char data_dir[96];
    int64_t from, to;
};

static int64_t new_structure(struct db *db, const char *nom)
{
    struct arena a = ARENA_INIT;
    struct structure s = {.nom = nom, .departement = "53"};
    struct ui_errors e = {0};
    int rc = structure_create(db, &a, &s, &e);
    arena_release(&a);
    return rc ? 0 : s.id;
}

static int open_store(void **state, const char *url)
{
    struct fixture *f = calloc(1, sizeof(*f));
    if (store_fixture_open(&f->store, url, "orientation"))
        return -1;
    config_init(&f->cfg);
    snprintf(f->data_dir, sizeof(f->data_dir), "/tmp/relais-test-orientation-data-%d",
             (int)getpid());
    mkdir(f->data_dir, 0700);
    char sub[128];
    snprintf(sub, sizeof(sub), "%s/orientations", f->data_dir);
    mkdir(sub, 0700);
    f->cfg.data_dir = f->data_dir;
    /* Nothing listens on port 1: every attempt fails at once. */
    f->cfg.smtp_url = "smtp://127.0.0.1:1";
    f->cfg.smtp_from = "relais@exemple.fr";
    f->from = new_structure(f->store.db, "Structure émettrice");
    f->to = new_structure(f->store.db, "Structure destinataire");
    if (!f->from || !f->to)
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
    char sub[128];
    snprintf(sub, sizeof(sub), "%s/orientations", f->data_dir);
    rmdir(sub);
    rmdir(f->data_dir);
    free(f);
    return 0;
}

static int64_t create(struct fixture *f, struct arena *a, int64_t now)
{
    struct orientation_input in = sample(f->from, f->to);
    struct ui_errors e = {0};
    int64_t id = 0;
    assert_int_equal(orientation_create(f->store.db, a, &in, "53", now, &e, &id), 0);
    return id;
}

static void test_create_and_status(void **state)
{
    struct fixture *f = *state;
    struct arena a = ARENA_INIT;
    int64_t id = create(f, &a, T0);
    struct orientation o;
    assert_int_equal(orientation_get(f->store.db, &a, id, &o), 0);
    assert_int_equal(o.status, OS_OUVERTE);
    assert_string_equal(o.personne, "M. D.");
    assert_string_equal(o.from_structure_nom, "Structure émettrice");

    const struct orientation_actor recv = {0, "Accueil", SIDE_RECEPTION};
    assert_int_equal(
        orientation_set_status(f->store.db, id, OS_EN_COURS, &recv, NULL, NULL, T0 + 10), 0);
    assert_int_equal(orientation_set_status(f->store.db, id, OS_REFUSEE, &recv, "complet",
                                            "Atelier complet.", T0 + 20),
                     0);
    assert_int_equal(
        orientation_set_status(f->store.db, id, OS_ACCEPTEE, &recv, NULL, NULL, T0 + 30),
        ERR_CONFLICT);
    assert_int_equal(orientation_get(f->store.db, &a, id, &o), 0);
    assert_int_equal(o.status, OS_REFUSEE);
    assert_string_equal(o.refus_motifs, "complet");
    assert_int_equal(o.answered_at, T0 + 10); /* the first answer counts */
    struct orientation_figures fig;
    assert_int_equal(orientation_stats(f->store.db, f->to, true, &fig), 0);
    assert_true(fig.total >= 1 && fig.refused >= 1 && fig.answered >= 1);
    assert_true(fig.answer_seconds >= 10);

    struct orientation_event *ev;
    size_t n;
    assert_int_equal(orientation_events(f->store.db, &a, id, &ev, &n), 0);
    assert_int_equal(n, 4); /* created, en_cours, refusee, the message */
    assert_null(ev[0].from_status);
    assert_string_equal(ev[0].to_status, "ouverte");
    assert_string_equal(ev[2].from_status, "en_cours");
    assert_string_equal(ev[2].to_status, "refusee");
    assert_string_equal(ev[2].actor, "Accueil");
    assert_int_equal(ev[2].at, T0 + 20);
    assert_false(ev[3].is_status);
    assert_string_equal(ev[3].body, "Atelier complet.");
    assert_int_equal(orientation_message(f->store.db, id, &recv, "   ", T0), ERR_INVALID);
    arena_release(&a);
}

static void test_links(void **state)
{
    struct fixture *f = *state;
    struct arena a = ARENA_INIT;
    int64_t id = create(f, &a, T0);
    const char *token;
    assert_int_equal(orientation_link_create(f->store.db, &a, id, T0, 8 * DAY, &token), 0);
    assert_int_equal(strlen(token), 43);
    int64_t got = 0;
    bool expired = true;
    assert_int_equal(orientation_link_lookup(f->store.db, &a, token, T0 + DAY, &got, &expired), 0);
    assert_int_equal(got, id);
    assert_false(expired);
    assert_int_equal(orientation_link_lookup(f->store.db, &a, token, T0 + 8 * DAY, &got, &expired),
                     0);
    assert_true(expired);
    /* One character changed, one missing: unknown. */
    char *altered = arena_strdup(&a, token);
    altered[10] = altered[10] == 'A' ? 'B' : 'A';
    assert_int_equal(orientation_link_lookup(f->store.db, &a, altered, T0, &got, &expired),
                     ERR_NOT_FOUND);
    assert_int_equal(
        orientation_link_lookup(f->store.db, &a, arena_strndup(&a, token, 42), T0, &got, &expired),
        ERR_NOT_FOUND);
    arena_release(&a);
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

static const char SQL_STATUS[] = "SELECT count(*) FROM orientations WHERE id = $1 AND status = "
                                 "'expiree'";
static const char SQL_PIECES_LEFT[] = "SELECT count(*) FROM orientation_pieces WHERE "
                                      "orientation_id = $1 AND deleted_at IS NULL";
static const char SQL_ANON[] = "SELECT count(*) FROM orientations WHERE id = $1 AND anonymised = 1 "
                               "AND personne = '' AND contact = '' AND motif = ''";
static const char SQL_REMINDED[] = "SELECT count(*) FROM orientations WHERE id = $1 AND "
                                   "last_reminder_at IS NOT NULL";

static void test_time_bounds(void **state)
{
    struct fixture *f = *state;
    struct arena a = ARENA_INIT;
    /* A creation time of its own, far in the future of any other test's rows. */
    int64_t t = T0 + 1000 * DAY;
    int64_t id = create(f, &a, t);
    char path[256];
    snprintf(path, sizeof(path), "%s/orientations/test-%lld.pdf", f->data_dir, (long long)id);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("%PDF-1.4\n", fp);
    fclose(fp);
    char stored[64];
    snprintf(stored, sizeof(stored), "test-%lld.pdf", (long long)id);
    assert_int_equal(
        orientation_piece_add(f->store.db, id, "piece.pdf", stored, "application/pdf", 9, t), 0);
    struct orientation_settings s;
    orientation_settings_read(&f->cfg, &s);
    assert_int_equal(s.rappel_s, 10 * DAY);
    assert_int_equal(s.expiration_s, 30 * DAY);
    struct orientation_maintenance_stats st;

    /* Day 9: nothing. Day 10: a reminder, once. */
    assert_int_equal(orientation_maintenance(f->store.db, &f->cfg, &s, t + 9 * DAY, &st), 0);
    assert_int_equal(count(f->store.db, SQL_REMINDED, id), 0);
    assert_int_equal(orientation_maintenance(f->store.db, &f->cfg, &s, t + 10 * DAY, &st), 0);
    assert_int_equal(count(f->store.db, SQL_REMINDED, id), 1);
    assert_true(st.reminded >= 1);
    assert_int_equal(orientation_maintenance(f->store.db, &f->cfg, &s, t + 11 * DAY, &st), 0);
    assert_int_equal(st.reminded, 0);

    /* Day 29: still open, its file there. Day 30: expired, file gone. */
    assert_int_equal(orientation_maintenance(f->store.db, &f->cfg, &s, t + 29 * DAY, &st), 0);
    assert_int_equal(count(f->store.db, SQL_STATUS, id), 0);
    assert_int_equal(access(path, F_OK), 0);
    assert_int_equal(orientation_maintenance(f->store.db, &f->cfg, &s, t + 30 * DAY, &st), 0);
    assert_int_equal(count(f->store.db, SQL_STATUS, id), 1);
    assert_int_equal(count(f->store.db, SQL_PIECES_LEFT, id), 0);
    assert_int_not_equal(access(path, F_OK), 0);

    /* A shorter anonymisation setting is read from the configuration. */
    f->cfg.orientation_anonymisation_jours = "100";
    orientation_settings_read(&f->cfg, &s);
    assert_int_equal(orientation_maintenance(f->store.db, &f->cfg, &s, t + 99 * DAY, &st), 0);
    assert_int_equal(count(f->store.db, SQL_ANON, id), 0);
    assert_int_equal(orientation_maintenance(f->store.db, &f->cfg, &s, t + 100 * DAY, &st), 0);
    assert_int_equal(count(f->store.db, SQL_ANON, id), 1);
    f->cfg.orientation_anonymisation_jours = "730";
    arena_release(&a);
}

static const char SQL_OUTBOX[] =
    "SELECT attempts, next_at, CASE WHEN sent_at IS NULL THEN 1 ELSE 0 END FROM mail_outbox "
    "WHERE to_addr = $1";

static void test_outbox_retry(void **state)
{
    struct fixture *f = *state;
    struct arena a = ARENA_INIT;
    const char *to = arena_printf(&a, "%s@exemple.fr", crypto_random_token(&a) + 30);
    int64_t t = T0 + 5000 * DAY;
    assert_int_equal(outbox_enqueue(f->store.db, to, "Sujet", "Corps", t), 0);
    struct outbox_stats st;
    assert_int_equal(outbox_send_due(f->store.db, &f->cfg, t, &st), 0);
    assert_true(st.failed >= 1);
    struct db_stmt *q;
    assert_int_equal(db_prepare(f->store.db, SQL_OUTBOX, &q), 0);
    db_bind_text(q, 1, to);
    assert_int_equal(db_step_one(q), 0);
    assert_int_equal(db_col_int64(q, 0), 1);
    assert_int_equal(db_col_int64(q, 1), t + 60);
    assert_int_equal(db_col_int64(q, 2), 1);
    db_reset(q);
    /* Not due again before its delay; the second failure doubles it. */
    assert_int_equal(outbox_send_due(f->store.db, &f->cfg, t + 59, &st), 0);
    assert_int_equal(outbox_send_due(f->store.db, &f->cfg, t + 60, &st), 0);
    assert_int_equal(db_prepare(f->store.db, SQL_OUTBOX, &q), 0);
    db_bind_text(q, 1, to);
    assert_int_equal(db_step_one(q), 0);
    assert_int_equal(db_col_int64(q, 0), 2);
    assert_int_equal(db_col_int64(q, 1), t + 60 + 120);
    db_reset(q);
    /* Without an SMTP server configured, a message waits and loses no attempt. */
    struct config none = f->cfg;
    none.smtp_url = NULL;
    assert_int_equal(outbox_send_due(f->store.db, &none, t + 1000, &st), 0);
    assert_int_equal(db_prepare(f->store.db, SQL_OUTBOX, &q), 0);
    db_bind_text(q, 1, to);
    assert_int_equal(db_step_one(q), 0);
    assert_int_equal(db_col_int64(q, 0), 2);
    assert_int_equal(db_col_int64(q, 2), 1);
    db_reset(q);
    arena_release(&a);
}

static const char SQL_USER[] =
    "INSERT INTO users (email, name, created_at) VALUES ($1, 'Médiatrice', $2) RETURNING id";
static const char SQL_MEMBER[] =
    "INSERT INTO memberships (user_id, structure_id, role, departement, created_at) VALUES ($1, "
    "$2, 'mediateur', '53', 0)";
static const char SQL_LINKED[] = "SELECT count(*) FROM orientations WHERE beneficiaire_id = $1";

/* A user (unique e-mail: the PostgreSQL test database outlives a run), member of structure when
 * it is not 0. */
static int64_t new_user(struct db *db, struct arena *a, int64_t structure)
{
    static int serial;
    struct db_stmt *st;
    assert_int_equal(db_prepare(db, SQL_USER, &st), 0);
    db_bind_text(st, 1,
                 arena_printf(a, "parcours-%d-%d-%lld@exemple.fr", (int)getpid(), ++serial,
                              (long long)structure));
    db_bind_int64(st, 2, T0);
    assert_int_equal(db_step_one(st), 0);
    int64_t id = db_col_int64(st, 0);
    db_reset(st);
    if (structure) {
        assert_int_equal(db_prepare(db, SQL_MEMBER, &st), 0);
        db_bind_int64(st, 1, id);
        db_bind_int64(st, 2, structure);
        assert_int_equal(db_exec_stmt(st), 0);
    }
    return id;
}

static int64_t new_person(struct fixture *f, struct arena *a, int64_t user, const char *nom)
{
    struct beneficiaire b = {.mediateur_id = user,
                             .structure_id = f->from,
                             .departement = "53",
                             .prenom = "Éloïse",
                             .nom = nom,
                             .genre = "feminin"};
    assert_int_equal(beneficiaire_create(f->store.db, a, &b, user, T0), 0);
    return b.id;
}

static int64_t linked(struct fixture *f, struct arena *a, int64_t person, int64_t now)
{
    struct orientation_input in = sample(f->from, f->to);
    in.beneficiaire_id = person;
    struct ui_errors e = {0};
    int64_t id = 0;
    assert_int_equal(orientation_create(f->store.db, a, &in, "53", now, &e, &id), 0);
    return id;
}

static void test_parcours(void **state)
{
    struct fixture *f = *state;
    struct arena a = ARENA_INIT;
    int64_t sender = new_user(f->store.db, &a, f->from);
    int64_t receiver = new_user(f->store.db, &a, f->to);
    int64_t stranger = new_user(f->store.db, &a, new_structure(f->store.db, "Tierce"));
    int64_t person = new_person(f, &a, sender, "Le Gall");
    int64_t first = linked(f, &a, person, T0 + 100);
    int64_t second = linked(f, &a, person, T0 + 50);
    create(f, &a, T0); /* not linked: never in the journey */

    struct orientation o;
    assert_int_equal(orientation_get(f->store.db, &a, first, &o), 0);
    assert_int_equal(o.beneficiaire_id, person);
    struct orientation *list;
    size_t n;
    assert_int_equal(orientation_of_beneficiaire(f->store.db, &a, person, sender, false, &list, &n),
                     0);
    assert_int_equal(n, 2);
    assert_int_equal(list[0].id, second); /* oldest first */
    assert_int_equal(list[1].id, first);
    assert_int_equal(
        orientation_of_beneficiaire(f->store.db, &a, person, receiver, false, &list, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(
        orientation_of_beneficiaire(f->store.db, &a, person, stranger, false, &list, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(orientation_of_beneficiaire(f->store.db, &a, person, 0, true, &list, &n), 0);
    assert_int_equal(n, 2);

    /* A merge brings the referrals to the record kept. */
    int64_t twin = new_person(f, &a, sender, "Le Gal");
    int64_t third = linked(f, &a, twin, T0 + 200);
    assert_int_equal(beneficiaire_merge(f->store.db, &a, person, twin, sender, T0 + 300), 0);
    assert_int_equal(orientation_get(f->store.db, &a, third, &o), 0);
    assert_int_equal(o.beneficiaire_id, person);
    assert_int_equal(count(f->store.db, SQL_LINKED, person), 3);

    /* Erasure on request unlinks them all; the referrals themselves stay. */
    assert_int_equal(beneficiaire_erase(f->store.db, &a, person, sender, T0 + 400), 0);
    assert_int_equal(count(f->store.db, SQL_LINKED, person), 0);
    assert_int_equal(orientation_get(f->store.db, &a, first, &o), 0);
    assert_int_equal(o.beneficiaire_id, 0);
    assert_int_equal(orientation_of_beneficiaire(f->store.db, &a, person, 0, true, &list, &n), 0);
    assert_int_equal(n, 0);

    /* Anonymisation after inactivity unlinks too. */
    int64_t idle = new_person(f, &a, sender, "Dormant");
    linked(f, &a, idle, T0 + 10);
    assert_int_equal(count(f->store.db, SQL_LINKED, idle), 1);
    int64_t anonymised = 0;
    assert_int_equal(
        beneficiaire_anonymise_inactive(f->store.db, &a, T0 + 800 * DAY, 24, &anonymised), 0);
    assert_true(anonymised >= 1);
    assert_int_equal(count(f->store.db, SQL_LINKED, idle), 0);
    arena_release(&a);
}

static const char SQL_LIEU[] =
    "INSERT INTO lieux (source_key, ext_id, structure_id, departement, nom, typologie, created_at, "
    "updated_at) VALUES ('test', $1, $2, '54', 'Lieu', $3, 0, 0) RETURNING id";

static int64_t new_lieu(struct db *db, struct arena *a, int64_t structure, const char *typologie)
{
    static int serial;
    struct db_stmt *st;
    assert_int_equal(db_prepare(db, SQL_LIEU, &st), 0);
    db_bind_text(st, 1, arena_printf(a, "flows-%d-%d", (int)getpid(), ++serial));
    if (structure)
        db_bind_int64(st, 2, structure);
    else
        db_bind_null(st, 2);
    db_bind_text(st, 3, typologie);
    assert_int_equal(db_step_one(st), 0);
    int64_t id = db_col_int64(st, 0);
    db_reset(st);
    return id;
}

/* A referral sent from département 54 at `at`, then moved to status `to` (OS_OUVERTE: left). */
static void flow(struct fixture *f, struct arena *a, int64_t from, int64_t to_structure,
                 int64_t lieu, int64_t at, enum orientation_status to)
{
    struct orientation_input in = sample(from, to_structure);
    in.lieu_id = lieu;
    if (!to_structure)
        in.to_email = "accueil@exemple.fr";
    struct ui_errors e = {0};
    int64_t id = 0;
    assert_int_equal(orientation_create(f->store.db, a, &in, "54", at, &e, &id), 0);
    const struct orientation_actor who = {0, "Accueil", SIDE_RECEPTION};
    if (to != OS_OUVERTE)
        assert_int_equal(orientation_set_status(f->store.db, id, to, &who, NULL, NULL, at + 1), 0);
}

static const struct orientation_flow *find_flow(const struct orientation_flow *v, size_t n,
                                                const char *from, const char *to)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].from_kind, from) == 0 && strcmp(v[i].to_kind, to) == 0)
            return &v[i];
    return NULL;
}

static void test_flows(void **state)
{
    struct fixture *f = *state;
    struct arena a = ARENA_INIT;
    int64_t from, to;
    /* Days in Paris time: winter UTC+1, summer UTC+2. */
    assert_int_equal(orientation_period("2026-01-15", "2026-01-15", &from, &to), 0);
    assert_int_equal(from, INT64_C(1768431600)); /* 2026-01-14T23:00:00Z */
    assert_int_equal(to - from, DAY);
    assert_int_equal(orientation_period("2026-07-01", "2026-07-31", &from, &to), 0);
    assert_int_equal(from, INT64_C(1782856800)); /* 2026-06-30T22:00:00Z */
    assert_int_equal(to - from, 31 * DAY);
    assert_int_equal(orientation_period("2026-13-01", "2026-07-31", &from, &to), ERR_INVALID);
    assert_int_equal(orientation_period("2026-07-01x", "2026-07-31", &from, &to), ERR_INVALID);

    int64_t asso = new_structure(f->store.db, "Association");
    int64_t ccas = new_structure(f->store.db, "CCAS");
    int64_t bare = new_structure(f->store.db, "Sans lieu");
    new_lieu(f->store.db, &a, asso, "ASSO|TIERS_LIEUX");
    new_lieu(f->store.db, &a, ccas, "");
    new_lieu(f->store.db, &a, ccas, "CCAS");
    int64_t fs = new_lieu(f->store.db, &a, 0, "FS");
    int64_t t = from + 10 * DAY;
    flow(f, &a, asso, ccas, 0, t, OS_ACCEPTEE);
    flow(f, &a, asso, ccas, 0, t, OS_REFUSEE);
    flow(f, &a, asso, ccas, 0, t, OS_OUVERTE);
    flow(f, &a, asso, 0, fs, t, OS_EXPIREE); /* a lieu without an account: its typologie */
    flow(f, &a, asso, 0, 0, t, OS_OUVERTE);  /* an address only: « sans compte » */
    flow(f, &a, bare, ccas, 0, t, OS_ACCEPTEE);
    flow(f, &a, asso, ccas, 0, to + 1, OS_ACCEPTEE);   /* after the period */
    flow(f, &a, asso, ccas, 0, from - 1, OS_ACCEPTEE); /* before it */

    struct orientation_flow *v;
    size_t n;
    assert_int_equal(orientation_flows(f->store.db, &a, "54", from, to, &v, &n), 0);
    assert_int_equal(n, 4);
    assert_string_equal(v[0].from_kind, "ASSO"); /* the biggest first */
    assert_string_equal(v[0].to_kind, "CCAS");
    assert_int_equal(v[0].total, 3);
    assert_int_equal(v[0].accepted, 1);
    assert_int_equal(v[0].refused, 1);
    assert_int_equal(v[0].expired, 0);
    const struct orientation_flow *x = find_flow(v, n, "ASSO", "FS");
    assert_non_null(x);
    assert_int_equal(x->total, 1);
    assert_int_equal(x->expired, 1);
    x = find_flow(v, n, "ASSO", ORIENTATION_KIND_EXTERNAL);
    assert_non_null(x);
    assert_int_equal(x->total, 1);
    x = find_flow(v, n, ORIENTATION_KIND_NONE, "CCAS");
    assert_non_null(x);
    assert_int_equal(x->accepted, 1);
    /* Another département sees none of them; the platform sees them too. */
    assert_int_equal(orientation_flows(f->store.db, &a, "55", from, to, &v, &n), 0);
    assert_int_equal(n, 0);
    assert_int_equal(orientation_flows(f->store.db, &a, NULL, from, to, &v, &n), 0);
    assert_true(n >= 4);
    assert_string_equal(orientation_kind_label(&a, "CCAS"),
                        "Centre communal d'action sociale (CCAS)");
    assert_string_equal(orientation_kind_label(&a, ORIENTATION_KIND_EXTERNAL), "Sans compte");
    arena_release(&a);
}

int main(void)
{
    crypto_init();
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_status_machine),
        cmocka_unit_test(test_validation),
        cmocka_unit_test(test_backoff),
    };
    const struct CMUnitTest stored[] = {
        cmocka_unit_test(test_create_and_status), cmocka_unit_test(test_links),
        cmocka_unit_test(test_time_bounds),       cmocka_unit_test(test_outbox_retry),
        cmocka_unit_test(test_parcours),          cmocka_unit_test(test_flows),
    };
    int failed = cmocka_run_group_tests_name("orientation", pure, NULL, NULL);
    failed += STORE_FIXTURE_RUN("orientation", stored, setup_sqlite, setup_pg, teardown);
    return failed;
}
