/* Unit tests of the ressources store and access rules: bases, members, invitations, join
 * requests, resources with blocks, indexation, publication and history, on SQLite and (when
 * RELAIS_TEST_PG_URL is set) PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "comptes/auth.h"
#include "comptes/comptes.h"
#include "core/arena.h"
#include "core/crypto.h"
#include "core/err.h"
#include "db/db.h"
#include "html/ui.h"
#include "ressources/access.h"
#include "ressources/store.h"
#include "store_fixture.h"

#include <stdio.h>
#include <string.h>

struct fixture {
    struct store_fixture store;
    struct arena a;
    int64_t alice, bruno, chloe;
    char tag[16];
};

static int64_t make_user(struct fixture *f, const char *who)
{
    struct ui_errors errs = {0};
    int64_t id = 0;
    const char *email = arena_printf(&f->a, "%s-%s@example.org", who, f->tag);
    assert_int_equal(user_create(f->store.db, &f->a, email, who, NULL, false, &errs, &id), 0);
    return id;
}

static int open_store(void **state, const char *url)
{
    struct fixture *f = calloc(1, sizeof(*f));
    arena_init(&f->a);
    snprintf(f->tag, sizeof(f->tag), "%.8s", crypto_sha256_hex(&f->a, crypto_random_token(&f->a)));
    if (store_fixture_open(&f->store, url, "ressources"))
        return -1;
    f->alice = make_user(f, "alice");
    f->bruno = make_user(f, "bruno");
    f->chloe = make_user(f, "chloe");
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

static struct auth who(int64_t id) { return (struct auth){.user_id = id, .name = "x"}; }

static void test_base_members_invitations_requests(void **state)
{
    struct fixture *f = *state;
    struct db *db = f->store.db;
    struct ui_errors errs = {0};
    struct base b = {
        .nom = "Atelier numérique de Laval", .description = "Nos fiches", .public_ = false};
    int64_t id = 0;
    /* A name is required; nothing is stored without it. */
    struct base bad = {.nom = "  "};
    assert_int_equal(base_create(db, &f->a, &bad, f->alice, &errs, &id), ERR_INVALID);
    assert_string_equal(errs.items[0].field, "nom");
    errs.n = 0;
    assert_int_equal(base_create(db, &f->a, &b, f->alice, &errs, &id), 0);
    struct auth alice = who(f->alice), bruno = who(f->bruno), anon = who(0);
    assert_true(bases_is_admin(db, &alice, id));
    assert_false(bases_is_member(db, &bruno, id));
    assert_false(bases_can_see(db, &bruno, id)); /* private */
    assert_false(bases_can_see(db, &anon, id));
    struct auth admin = who(f->chloe);
    admin.roles = ROLE_ADMIN;
    assert_true(bases_can_see(db, &admin, id));

    /* Invitation of an unknown address, then of Bruno, twice. */
    assert_int_equal(base_invite(db, &f->a, id, "personne@example.org", false, f->alice),
                     ERR_NOT_FOUND);
    const char *bmail = arena_printf(&f->a, "bruno-%s@example.org", f->tag);
    assert_int_equal(base_invite(db, &f->a, id, bmail, false, f->alice), 0);
    assert_int_equal(base_invite(db, &f->a, id, bmail, false, f->alice), ERR_CONFLICT);
    struct base_invitation *inv;
    size_t n;
    assert_int_equal(base_invitations(db, &f->a, f->bruno, 0, &inv, &n), 0);
    assert_int_equal(n, 1);
    int64_t base_of = 0;
    /* Only the invited person may answer. */
    assert_int_equal(base_invitation_decide(db, inv[0].id, f->chloe, true, &base_of),
                     ERR_NOT_FOUND);
    assert_int_equal(base_invitation_decide(db, inv[0].id, f->bruno, true, &base_of), 0);
    assert_int_equal(base_of, id);
    assert_true(bases_is_member(db, &bruno, id));
    assert_false(bases_is_admin(db, &bruno, id));

    /* Chloé asks to join; the administrator refuses, she asks again, it is accepted. */
    assert_int_equal(base_join_request(db, id, f->chloe, "Bonjour"), 0);
    assert_int_equal(base_join_request(db, id, f->chloe, "Bonjour"), ERR_CONFLICT);
    assert_true(base_join_pending(db, id, f->chloe));
    struct base_join_request *jr;
    assert_int_equal(base_join_requests(db, &f->a, id, &jr, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(jr[0].message, "Bonjour");
    assert_int_equal(base_join_decide(db, jr[0].id, id, f->alice, false), 0);
    assert_false(base_join_pending(db, id, f->chloe));
    assert_int_equal(base_join_request(db, id, f->chloe, ""), 0);
    assert_int_equal(base_join_requests(db, &f->a, id, &jr, &n), 0);
    assert_int_equal(base_join_decide(db, jr[0].id, id, f->alice, true), 0);
    assert_int_equal(base_join_request(db, id, f->chloe, ""), ERR_CONFLICT); /* a member now */

    /* The last administrator stays. */
    assert_int_equal(base_member_remove(db, id, f->alice), ERR_CONFLICT);
    assert_int_equal(base_member_set(db, id, f->alice, false), ERR_CONFLICT);
    assert_int_equal(base_member_set(db, id, f->bruno, true), 0);
    assert_int_equal(base_member_set(db, id, f->alice, false), 0);
    struct base_member *m;
    assert_int_equal(base_members(db, &f->a, id, &m, &n), 0);
    assert_int_equal(n, 3);
    struct base got;
    assert_int_equal(base_get(db, &f->a, id, &got), 0);
    assert_string_equal(got.nom, "Atelier numérique de Laval");
    assert_false(got.public_);
    assert_int_equal(got.n_members, 3);
    assert_non_null(strstr(got.slug, "atelier-numerique-de-laval-"));
}

static void test_ressource_lifecycle_and_access(void **state)
{
    struct fixture *f = *state;
    struct db *db = f->store.db;
    struct ui_errors errs = {0};
    struct base b = {.nom = "Base publique", .public_ = true};
    int64_t base_id;
    assert_int_equal(base_create(db, &f->a, &b, f->alice, &errs, &base_id), 0);

    const char *themes[] = {"risques_cyber_et_protection"};
    const char *tags[] = {"arnaques"};
    struct ressource_block blocks[] = {
        {.kind = BLOCK_TITRE, .texte = "Repérer un faux message"},
        {.kind = BLOCK_TEXTE, .texte = "Un **courriel** qui presse est suspect."},
        {.kind = BLOCK_LIEN, .url = "https://www.cybermalveillance.gouv.fr/", .texte = "Site"},
    };
    struct ressource r = {.base_id = base_id,
                          .created_by = f->alice,
                          .titre = "Déjouer le hameçonnage",
                          .description = "Atelier d'une heure",
                          .public_ = true,
                          .blocks = blocks,
                          .n_blocks = 3};
    r.index[VOCAB_THEME] = themes;
    r.n_index[VOCAB_THEME] = 1;
    r.index[RESSOURCE_TAGS] = tags;
    r.n_index[RESSOURCE_TAGS] = 1;

    /* Refused: an unknown vocabulary value, a javascript: link. Nothing is stored. */
    const char *bad_theme[] = {"cuisine"};
    struct ressource bad = r;
    bad.index[VOCAB_THEME] = bad_theme;
    assert_int_equal(ressource_save(db, &f->a, &bad, f->alice, &errs), ERR_INVALID);
    assert_string_equal(errs.items[0].field, "theme");
    errs.n = 0;
    struct ressource_block js[] = {{.kind = BLOCK_LIEN, .url = "javascript:alert(1)"}};
    bad = r;
    bad.blocks = js;
    bad.n_blocks = 1;
    assert_int_equal(ressource_save(db, &f->a, &bad, f->alice, &errs), ERR_INVALID);
    assert_string_equal(errs.items[0].field, "bloc-1-url");
    assert_int_equal(bad.id, 0);
    errs.n = 0;

    assert_int_equal(ressource_save(db, &f->a, &r, f->alice, &errs), 0);
    assert_true(r.id > 0);
    struct auth alice = who(f->alice), bruno = who(f->bruno), anon = who(0);
    /* A draft is seen by its author only. */
    assert_true(ressources_can_see(db, &alice, r.id));
    assert_true(ressources_can_edit(db, &alice, r.id));
    assert_false(ressources_can_see(db, &bruno, r.id));
    assert_false(ressources_can_see(db, &anon, r.id));
    assert_false(ressources_can_edit(db, &bruno, r.id));

    assert_int_equal(ressource_publish(db, r.id, true, f->alice), 0);
    assert_true(ressources_can_see(db, &anon, r.id));
    assert_false(ressources_can_edit(db, &bruno, r.id));
    assert_int_equal(ressource_publish(db, r.id, false, f->alice), 0); /* republished, private */
    assert_false(ressources_can_see(db, &anon, r.id));

    /* A contributor may edit. */
    assert_int_equal(ressource_contributor_add(db, &f->a, r.id,
                                               arena_printf(&f->a, "bruno-%s@example.org", f->tag),
                                               f->alice),
                     0);
    assert_true(ressources_can_edit(db, &bruno, r.id));

    /* Edit: a new title and one block less; the history tells both. */
    r.titre = "Déjouer le hameçonnage (phishing)";
    r.n_blocks = 2;
    r.public_ = false;
    assert_int_equal(ressource_save(db, &f->a, &r, f->bruno, &errs), 0);
    struct ressource got;
    assert_int_equal(ressource_get(db, &f->a, r.id, &got), 0);
    assert_string_equal(got.titre, "Déjouer le hameçonnage (phishing)");
    assert_true(got.published);
    assert_false(got.public_);
    assert_true(got.republished_at > 0);
    assert_string_equal(got.licence, "etalab_2_0");
    assert_int_equal(got.n_blocks, 2);
    assert_int_equal(got.blocks[0].kind, BLOCK_TITRE);
    assert_string_equal(got.blocks[1].texte, "Un **courriel** qui presse est suspect.");
    assert_int_equal(got.n_index[VOCAB_THEME], 1);
    assert_string_equal(got.index[VOCAB_THEME][0], "risques_cyber_et_protection");
    assert_string_equal(got.index[RESSOURCE_TAGS][0], "arnaques");
    assert_string_equal(got.base_nom, "Base publique");

    struct ressource_history_entry *h;
    size_t n;
    assert_int_equal(ressource_history(db, &f->a, r.id, &h, &n), 0);
    const char *want[] = {"created",
                          "published",
                          "republished",
                          "contributor_added",
                          "title_and_description_edited",
                          "content_edited"};
    for (size_t w = 0; w < sizeof(want) / sizeof(want[0]); w++) {
        bool found = false;
        for (size_t i = 0; i < n && !found; i++)
            found = strcmp(h[i].action, want[w]) == 0;
        assert_true(found);
    }
    struct ressource_row *rows;
    int64_t total;
    assert_int_equal(ressources_of_base(db, &f->a, base_id, false, 0, 20, &rows, &n, &total), 0);
    assert_int_equal(total, 0); /* private now */
    assert_int_equal(ressources_of_base(db, &f->a, base_id, true, 0, 20, &rows, &n, &total), 0);
    assert_int_equal(total, 1);
    assert_int_equal(ressources_of_user(db, &f->a, f->bruno, 0, 20, &rows, &n, &total), 0);
    assert_int_equal(total, 1);
}

static void test_slugify(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    assert_string_equal(ressources_slugify(&a, "Déjouer l'ÉCOLE : Œuvre ça !", 80),
                        "dejouer-l-ecole-ouvre-ca");
    assert_string_equal(ressources_slugify(&a, "!!!", 80), "sans-titre");
    arena_release(&a);
}

int main(void)
{
    crypto_init();
    const struct CMUnitTest pure[] = {cmocka_unit_test(test_slugify)};
    const struct CMUnitTest stored[] = {
        cmocka_unit_test(test_base_members_invitations_requests),
        cmocka_unit_test(test_ressource_lifecycle_and_access),
    };
    int failed = cmocka_run_group_tests_name("ressources-store", pure, NULL, NULL);
    failed += STORE_FIXTURE_RUN("ressources-store", stored, setup_sqlite, setup_pg, teardown);
    return failed;
}
