/* Unit tests of the suggested indexation and of the JSON import and export of resources (rejects
 * with their index, idempotence on the external id, licences' usual spellings, bases found or
 * created, dry runs), on SQLite and (when RELAIS_TEST_PG_URL is set) PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/crypto.h"
#include "core/err.h"
#include "db/db.h"
#include "ressources/exchange.h"
#include "ressources/index.h"
#include "ressources/store.h"
#include "ressources/suggest.h"
#include "store_fixture.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static bool suggested(const struct suggestion *s, enum vocab_kind k, const char *value)
{
    for (size_t i = 0; i < s->n[k]; i++)
        if (strcmp(s->values[k][i], value) == 0)
            return true;
    return false;
}

static void test_suggest(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct ressource_block blocks[] = {
        {.kind = BLOCK_TEXTE, .texte = "Repérer une **escroquerie** par courriel, pas à pas."}};
    struct ressource r = {.titre = "Les arnaques expliquées aux aînés",
                          .description = "Une vidéo pour un atelier.",
                          .blocks = blocks,
                          .n_blocks = 1};
    struct suggestion s;
    ressources_suggest(&a, &r, &s);
    assert_true(suggested(&s, VOCAB_THEME, "risques_cyber_et_protection"));
    assert_true(suggested(&s, VOCAB_PUBLIC, "seniors_personnes_agees"));
    assert_true(suggested(&s, VOCAB_TYPE, "video_webinaire"));
    assert_false(suggested(&s, VOCAB_THEME, "jeux_videos"));
    /* A word that many labels share suggests nothing by itself. */
    struct ressource plain = {.titre = "Le numérique", .description = ""};
    ressources_suggest(&a, &plain, &s);
    for (int k = 0; k < VOCAB_N; k++)
        assert_int_equal(s.n[k], 0);
    arena_release(&a);
}

static void test_quality_blend(void **state)
{
    (void)state;
    struct ressource r = {.titre = "Un titre", .updated_at = 1700000000};
    const int64_t year = 365 * 24 * 3600;
    /* The reviews weigh 0.6, freshness 0.15: fresh for a year, half after two, none after three. */
    assert_float_equal(ressources_quality_blend(&r, 1, r.updated_at) -
                           ressources_quality_blend(&r, 0, r.updated_at),
                       0.6, 1e-6);
    assert_float_equal(ressources_quality_blend(&r, 0.5, r.updated_at + year / 2) -
                           ressources_quality_blend(&r, 0.5, r.updated_at + 2 * year),
                       0.075, 1e-6);
    assert_float_equal(ressources_quality_blend(&r, 0.5, r.updated_at + 3 * year) -
                           ressources_quality_blend(&r, 0.5, r.updated_at + 9 * year),
                       0, 1e-6);
    /* A verification counts as fresh as a change. */
    struct ressource verified = r;
    verified.last_verified_at = r.updated_at + 3 * year;
    assert_true(ressources_quality_blend(&verified, 0.5, r.updated_at + 3 * year) >
                ressources_quality_blend(&r, 0.5, r.updated_at + 3 * year));
    /* A complete resource ranks above a bare one with the same reviews. */
    const char *themes[] = {"parentalite"};
    struct ressource_block blocks[] = {{.kind = BLOCK_TITRE, .texte = "Étapes"},
                                       {.kind = BLOCK_TEXTE, .texte = "Un texte."}};
    struct ressource full = r;
    full.titre = "Un titre assez long pour compter";
    full.description = "Une description qui dit à qui sert la ressource, comment l'utiliser en "
                       "atelier et ce que les personnes y apprennent.";
    full.licence = "etalab_2_0";
    full.blocks = blocks;
    full.n_blocks = 2;
    full.index[VOCAB_THEME] = themes;
    full.n_index[VOCAB_THEME] = 1;
    assert_true(ressources_quality_blend(&full, 0.5, r.updated_at) >
                ressources_quality_blend(&r, 0.5, r.updated_at));
}

struct fixture {
    struct store_fixture store;
    char tag[16];
};

static int open_store(void **state, const char *url)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct arena a = ARENA_INIT;
    snprintf(f->tag, sizeof(f->tag), "%.8s", crypto_sha256_hex(&a, crypto_random_token(&a)));
    arena_release(&a);
    if (store_fixture_open(&f->store, url, "ressources-exchange"))
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

struct found {
    const char *ext;
    json_t *obj;
};

static int find_ext(json_t *obj, void *arg)
{
    struct found *fd = arg;
    json_t *id = json_object_get(obj, "id");
    if (!fd->obj && id && strcmp(json_string_value(id), fd->ext) == 0) {
        fd->obj = obj;
        return 0;
    }
    json_decref(obj);
    return 0;
}

static void test_import_export(void **state)
{
    struct fixture *f = *state;
    struct db *db = f->store.db;
    struct arena a = ARENA_INIT;
    char ext[32], base[64];
    snprintf(ext, sizeof(ext), "ext-%s", f->tag);
    snprintf(base, sizeof(base), "Base %s", f->tag);
    json_t *root = json_pack(
        "[{s:s, s:s, s:s, s:[s], s:[s], s:s, s:s}, {s:s}, {s:s, s:s, s:[s]}, {s:s, s:s}, s]", "id",
        ext, "title", "Créer une adresse e-mail", "content", "## Étapes\n\nChoisir.", "themes",
        "maitrise_des_outils_numeriques", "tags", "courriel", "licence", "CC BY-SA 4.0", "base",
        base,
        /* 1: no title */
        "description", "sans titre",
        /* 2: not a vocabulary value */
        "title", "x", "id", "autre", "beneficiaries", "martiens",
        /* 3: unknown licence */
        "title", "y", "licence", "copyleft",
        /* 4: not an object */
        "texte");
    assert_non_null(root);
    struct exchange_options o = {.dry_run = true};
    struct exchange_report rep;
    assert_int_equal(exchange_import(db, &a, root, &o, &rep), 0);
    assert_int_equal(rep.created, 1);
    assert_int_equal(rep.n_ids, 0); /* a dry run stores nothing */
    int64_t id;
    assert_int_equal(ressource_find_ext(db, ext, &id), ERR_NOT_FOUND);
    assert_int_equal(rep.n_rejects, 4);
    assert_int_equal(rep.rejects[0].index, 1);
    assert_non_null(strstr(rep.rejects[0].reason, "title est obligatoire"));
    assert_int_equal(rep.rejects[1].index, 2);
    assert_non_null(strstr(rep.rejects[1].reason, "beneficiaries : « martiens »"));
    assert_int_equal(rep.rejects[2].index, 3);
    assert_non_null(strstr(rep.rejects[2].reason, "licence : « copyleft »"));
    assert_int_equal(rep.rejects[3].index, 4);

    o.dry_run = false;
    assert_int_equal(exchange_import(db, &a, root, &o, &rep), 0);
    assert_int_equal(rep.created, 1);
    assert_int_equal(ressource_find_ext(db, ext, &id), 0);
    struct ressource r;
    assert_int_equal(ressource_get(db, &a, id, &r), 0);
    assert_string_equal(r.licence, "cc_by_sa_4_0");
    assert_string_equal(r.base_nom, base);
    assert_true(r.published && r.public_);
    assert_int_equal(r.n_blocks, 1);
    assert_int_equal(r.blocks[0].kind, BLOCK_TEXTE);
    /* Again: nothing changes, nothing is duplicated, the base is found by its name. */
    assert_int_equal(exchange_import(db, &a, root, &o, &rep), 0);
    assert_int_equal(rep.created, 0);
    assert_int_equal(rep.unchanged, 1);
    /* A changed title updates the same resource. */
    json_object_set_new(json_array_get(root, 0), "title", json_string("Créer son adresse e-mail"));
    assert_int_equal(exchange_import(db, &a, root, &o, &rep), 0);
    assert_int_equal(rep.updated, 1);
    int64_t id2;
    assert_int_equal(ressource_find_ext(db, ext, &id2), 0);
    assert_int_equal(id2, id);

    struct found fd = {ext, NULL};
    assert_int_equal(exchange_export_each(db, true, find_ext, &fd), 0);
    assert_non_null(fd.obj);
    assert_string_equal(json_string_value(json_object_get(fd.obj, "title")),
                        "Créer son adresse e-mail");
    assert_string_equal(json_string_value(json_object_get(fd.obj, "content")),
                        "## Étapes\n\nChoisir.");
    assert_string_equal(json_string_value(json_array_get(json_object_get(fd.obj, "themes"), 0)),
                        "maitrise_des_outils_numeriques");
    json_decref(fd.obj);
    json_t *not_array = json_object();
    assert_int_equal(exchange_import(db, &a, not_array, &o, &rep), ERR_INVALID);
    json_decref(not_array);
    json_decref(root);
    arena_release(&a);
}

int main(void)
{
    crypto_init();
    const struct CMUnitTest pure[] = {cmocka_unit_test(test_suggest),
                                      cmocka_unit_test(test_quality_blend)};
    const struct CMUnitTest stored[] = {cmocka_unit_test(test_import_export)};
    int failed = cmocka_run_group_tests_name("ressources-suggest", pure, NULL, NULL);
    failed += STORE_FIXTURE_RUN("ressources-exchange", stored, setup_sqlite, setup_pg, teardown);
    return failed;
}
