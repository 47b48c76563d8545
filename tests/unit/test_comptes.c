/* Unit tests of the accounts model: passwords, identifiers, roles, sessions, links, throttling and
 * API tokens, on SQLite and (when RELAIS_TEST_PG_URL is set) PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "comptes/auth.h"
#include "comptes/comptes.h"
#include "comptes/password.h"
#include "core/arena.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/limits.h"
#include "db/db.h"
#include "html/ui.h"
#include "store_fixture.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void test_password_hash_and_rule(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    char *h;
    assert_int_equal(password_hash(&a, "une phrase de passe longue", &h), 0);
    assert_true(strncmp(h, "$argon2id$", 10) == 0);
    assert_true(password_verify(h, "une phrase de passe longue"));
    assert_false(password_verify(h, "une phrase de passe longuE"));
    assert_false(password_verify(NULL, "une phrase de passe longue"));
    assert_non_null(password_rule_violation("court"));
    assert_non_null(password_rule_violation(""));
    assert_null(password_rule_violation("douze carac."));
    /* 11 characters, 13 bytes: too short in characters */
    assert_non_null(password_rule_violation("ééabcdefghi"));
    assert_non_null(password_rule_violation("abcdefghijk\xff"));
    arena_release(&a);
}

static void test_identifiers(void **state)
{
    (void)state;
    assert_true(siret_valid("73282932000074")); /* a real SIRET with a valid key */
    assert_false(siret_valid("73282932000075"));
    assert_false(siret_valid("7328293200007"));
    assert_false(siret_valid("7328293200007a"));
    assert_true(siret_valid("35600000000048")); /* La Poste head office: Luhn holds */
    assert_true(siret_valid("35600000049837")); /* a La Poste office: digit sum multiple of 5 */
    assert_false(siret_valid("35600000049838"));
    assert_true(departement_valid("53"));
    assert_true(departement_valid("2A"));
    assert_true(departement_valid("974"));
    assert_false(departement_valid("20"));
    assert_false(departement_valid("00"));
    assert_false(departement_valid("96"));
    assert_false(departement_valid("977"));
    assert_false(departement_valid("5"));
    assert_false(departement_valid(NULL));
    struct arena a = ARENA_INIT;
    assert_string_equal(email_normalize(&a, "  Camille.Martin@Exemple.FR "),
                        "camille.martin@exemple.fr");
    assert_null(email_normalize(&a, "pas-une-adresse"));
    assert_null(email_normalize(&a, "a@b"));
    assert_null(email_normalize(&a, "a@@b.fr"));
    assert_null(email_normalize(&a, "a b@c.fr"));
    arena_release(&a);
    assert_int_equal(role_parse("coordinateur"), ROLE_COORDINATEUR);
    assert_int_equal(role_parse("chef"), 0);
    assert_string_equal(role_value(ROLE_ADMIN_STRUCTURE), "admin_structure");
}

static void test_access_describe(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    assert_string_equal(access_describe(ACCESS_PUBLIC, &a), "public");
    assert_string_equal(access_describe(ACCESS_AUTH, &a), "auth");
    assert_string_equal(access_describe(ACCESS_API | ACCESS_PUBLIC, &a), "api-public");
    assert_string_equal(access_describe(ROLE_COORDINATEUR, &a), "coordinateur,admin");
    arena_release(&a);
}

/* --- database-backed tests, run once per store --- */

static int open_store(void **state, const char *url)
{
    struct store_fixture *f = calloc(1, sizeof(*f));
    if (store_fixture_open(f, url, "comptes") || comptes_init(f->db))
        return -1;
    *state = f;
    return 0;
}

static int setup_sqlite(void **state) { return open_store(state, NULL); }

static int setup_pg(void **state) { return open_store(state, getenv("RELAIS_TEST_PG_URL")); }

static int teardown(void **state)
{
    struct store_fixture *f = *state;
    store_fixture_close(f);
    free(f);
    return 0;
}

/* A unique e-mail per run, so that PostgreSQL runs do not collide with earlier rows. */
static const char *unique_email(struct arena *a, const char *who)
{
    return arena_printf(a, "%s.%d.%s@exemple.fr", who, (int)getpid(), crypto_random_token(a) + 30);
}

static void test_users_roles_and_sessions(void **state)
{
    struct store_fixture *f = *state;
    struct arena a = ARENA_INIT;
    struct ui_errors errs = {0};
    struct structure s = {.nom = "  France services Gorron ",
                          .departement = "53",
                          .code_postal = "53120",
                          .commune = "Gorron"};
    assert_int_equal(structure_create(f->db, &a, &s, &errs), 0);
    assert_string_equal(s.nom, "France services Gorron");

    const char *email = unique_email(&a, "camille");
    int64_t uid;
    assert_int_equal(
        user_create(f->db, &a, email, "Camille", "une phrase de passe", false, &errs, &uid), 0);
    int64_t dup;
    assert_int_equal(user_create(f->db, &a, email, "Autre", NULL, false, &errs, &dup),
                     ERR_CONFLICT);
    assert_string_equal(errs.items[0].field, "email");

    assert_int_equal(user_add_membership(f->db, uid, s.id, ROLE_ADMIN_STRUCTURE), 0);
    assert_int_equal(user_add_membership(f->db, uid, s.id, ROLE_ADMIN_STRUCTURE),
                     0); /* idempotent */
    assert_int_equal(user_add_coordinator_scope(f->db, uid, "16"), 0);
    assert_int_equal(user_add_coordinator_scope(f->db, uid, "99"), ERR_INVALID);
    struct auth au = {.user_id = uid};
    assert_int_equal(auth_load_roles(f->db, &a, &au), 0);
    assert_int_equal(au.roles, ROLE_ADMIN_STRUCTURE | ROLE_COORDINATEUR);
    assert_int_equal(au.n_memberships, 1);
    assert_true(auth_can_manage_structure(&au, s.id, "53"));
    assert_true(auth_in_departement(&au, "16"));
    assert_false(auth_in_departement(&au, "53"));
    assert_false(auth_can_manage_structure(&au, s.id + 1000, "72"));

    char *token;
    struct session_user su;
    assert_int_equal(session_create(f->db, &a, uid, &token), 0);
    assert_int_equal(session_lookup(f->db, &a, token, &su), 0);
    assert_int_equal(su.user_id, uid);
    assert_string_equal(su.name, "Camille");
    assert_false(su.is_admin);
    assert_int_equal(session_lookup(f->db, &a, "x", &su), ERR_NOT_FOUND);
    assert_int_equal(user_set_disabled(f->db, uid, true), 0);
    assert_int_equal(session_lookup(f->db, &a, token, &su), ERR_NOT_FOUND);
    arena_release(&a);
}

static void test_links_and_throttle(void **state)
{
    struct store_fixture *f = *state;
    struct arena a = ARENA_INIT;
    struct ui_errors errs = {0};
    int64_t uid, found;
    assert_int_equal(user_create(f->db, &a, unique_email(&a, "dominique"), "Dominique", NULL, false,
                                 &errs, &uid),
                     0);
    char *token;
    assert_int_equal(link_create(f->db, &a, uid, LINK_INVITATION, &token), 0);
    assert_int_equal(link_lookup(f->db, &a, token, LINK_RESET, &found), ERR_NOT_FOUND);
    assert_int_equal(link_lookup(f->db, &a, token, LINK_INVITATION, &found), 0);
    assert_int_equal(found, uid);
    assert_int_equal(link_use(f->db, &a, token), 0);
    assert_int_equal(link_use(f->db, &a, token), ERR_NOT_FOUND);
    assert_int_equal(link_lookup(f->db, &a, token, LINK_INVITATION, &found), ERR_NOT_FOUND);

    const char *subject = arena_printf(&a, "compte:test-%s", crypto_random_token(&a));
    for (int i = 0; i < LIMIT_LOGIN_FAILURES_ACCOUNT; i++) {
        assert_int_equal(throttle_check(f->db, subject, LIMIT_LOGIN_FAILURES_ACCOUNT), 0);
        assert_int_equal(throttle_record(f->db, subject), 0);
    }
    assert_int_equal(throttle_check(f->db, subject, LIMIT_LOGIN_FAILURES_ACCOUNT), ERR_TOO_MANY);
    assert_int_equal(throttle_clear(f->db, subject), 0);
    assert_int_equal(throttle_check(f->db, subject, LIMIT_LOGIN_FAILURES_ACCOUNT), 0);
    arena_release(&a);
}

static void test_api_tokens(void **state)
{
    struct store_fixture *f = *state;
    struct arena a = ARENA_INIT;
    struct ui_errors errs = {0};
    struct structure s = {.nom = "Médiathèque", .departement = "16"};
    assert_int_equal(structure_create(f->db, &a, &s, &errs), 0);
    char *secret;
    int64_t id;
    assert_int_equal(
        api_token_create(f->db, &a, s.id, "agenda", ACCESS_TOKEN_READ, 0, &secret, &id), 0);
    assert_int_equal(strlen(secret), 47);
    struct api_token t;
    assert_int_equal(api_token_lookup(f->db, &a, secret, &t), 0);
    assert_int_equal(t.structure_id, s.id);
    assert_int_equal(t.scopes, ACCESS_TOKEN_READ);
    assert_int_equal(api_token_revoke(f->db, s.id + 1, id), ERR_NOT_FOUND); /* other structure */
    assert_int_equal(api_token_revoke(f->db, s.id, id), 0);
    assert_int_equal(api_token_lookup(f->db, &a, secret, &t), ERR_UNAUTHORIZED);
    /* An invalid structure is refused with a message per field. */
    struct structure bad = {.nom = "", .departement = "20", .siret = "123"};
    struct ui_errors e2 = {0};
    assert_int_equal(structure_create(f->db, &a, &bad, &e2), ERR_INVALID);
    assert_non_null(ui_errors_for(&e2, "nom"));
    assert_non_null(ui_errors_for(&e2, "departement"));
    assert_non_null(ui_errors_for(&e2, "siret"));
    arena_release(&a);
}

int main(void)
{
    crypto_init();
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_password_hash_and_rule),
        cmocka_unit_test(test_identifiers),
        cmocka_unit_test(test_access_describe),
    };
    const struct CMUnitTest stored[] = {
        cmocka_unit_test(test_users_roles_and_sessions),
        cmocka_unit_test(test_links_and_throttle),
        cmocka_unit_test(test_api_tokens),
    };
    int failed = cmocka_run_group_tests_name("comptes", pure, NULL, NULL);
    failed += STORE_FIXTURE_RUN("comptes", stored, setup_sqlite, setup_pg, teardown);
    return failed;
}
