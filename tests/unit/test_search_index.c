/* Unit tests of the search engine (search.h) on a handful of French resources whose right answers
 * are known: ranking and field weights, plurals and accents, typos, completion, synonyms, phrases,
 * facets and their counts, filters, sorts, pages, updates and removals, snapshots, bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "search/analyser.h"
#include "search/search.h"

#define FV(f, v) {f, v}

struct fixture_doc {
    int64_t id;
    const char *title, *tags, *description, *content;
    struct search_facet_value facets[4];
    size_t n_facets;
    int64_t created, views;
    double recommendation, quality;
};

static const struct fixture_doc docs[] = {
    {1, "Créer une adresse e-mail", "", "Atelier pour ouvrir un compte de messagerie",
     "Les étapes : choisir un fournisseur, le nom du compte, envoyer un premier message.",
     {FV("themes", "maitrise_des_outils_numeriques"), FV("types", "resource_pedagogique"),
      FV("_acces", "public")},
     3, 1000, 50, 3.5, 0.8},
    {2, "Reconnaître une arnaque en ligne", "escroquerie, sécurité",
     "Repérer le hameçonnage et les faux sites", "",
     {FV("themes", "risques_cyber_et_protection"), FV("types", "infographie"),
      FV("_acces", "public")},
     3, 2000, 10, 2.0, 0.5},
    {3, "Utiliser son smartphone", "", "Prise en main d'un téléphone portable Android",
     "Allumer, déverrouiller, installer une application.",
     {FV("themes", "maitrise_des_outils_numeriques"), FV("types", "video_webinaire"),
      FV("publics", "seniors_personnes_agees"), FV("_acces", "base:7")},
     4, 3000, 300, 3.0, 0.5},
    {4, "Les démarches administratives en ligne", "", "",
     "Se connecter avec France Connect, déclarer ses impôts, la CAF.",
     {FV("themes", "aides_aux_demarches_administratives"), FV("types", "methodologie"),
      FV("_acces", "public")},
     3, 4000, 40, 1.0, 0.5},
    {5, "Un mot de passe solide", "", "",
     "Un bon mot de passe est long. Évitez le même mot partout, et ne le passez à personne.",
     {FV("themes", "risques_cyber_et_protection"), FV("types", "resource_pedagogique"),
      FV("_acces", "public")},
     3, 5000, 20, 4.0, 0.5},
    {6, "Ordinateurs reconditionnés", "", "Choisir un ordinateur d'occasion", "",
     {FV("themes", "materiel_reconditionne"), FV("_acces", "public")},
     2, 6000, 5, 2.5, 0.5},
    {7, "Guide du numérique", "", "", "Vous pouvez écrire un courriel à la mairie.",
     {FV("themes", "maitrise_des_outils_numeriques"), FV("_acces", "public")},
     2, 7000, 1, 1.5, 0.5},
    {8, "Se protéger du hameçonnage", "", "", "Les messages piégés imitent votre banque.",
     {FV("themes", "risques_cyber_et_protection"), FV("types", "infographie"),
      FV("_acces", "public")},
     3, 8000, 100, 3.0, 0.5},
};
#define N_DOCS (sizeof(docs) / sizeof(docs[0]))

static void to_doc(const struct fixture_doc *f, struct search_doc *d)
{
    *d = (struct search_doc){
        .id = f->id,
        .fields = {str_from(f->title), str_from(f->tags), str_from(f->description),
                   str_from(f->content)},
        .facets = f->facets,
        .n_facets = f->n_facets,
        .created = f->created,
        .views = f->views,
        .recommendation = f->recommendation,
        .quality = f->quality,
    };
}

static struct search_engine *engine;

static int setup(void **state)
{
    (void)state;
    engine = search_engine_new(NULL);
    struct search_batch *b = search_batch_begin(engine);
    for (size_t i = 0; i < N_DOCS; i++) {
        struct search_doc d;
        to_doc(&docs[i], &d);
        if (search_batch_put(b, &d))
            return -1;
    }
    search_batch_commit(b);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    search_engine_free(engine);
    engine = NULL;
    return 0;
}

struct q {
    const char *text;
    enum search_sort sort;
    enum search_prefix prefix;
    const struct search_facet_value *filters;
    size_t n_filters;
    size_t offset, limit;
};

static struct search_result run(struct arena *a, struct q q)
{
    struct search_snapshot *s = search_acquire(engine);
    struct search_query sq = {.text = str_from(q.text),
                              .sort = q.sort,
                              .prefix = q.prefix,
                              .filters = q.filters,
                              .n_filters = q.n_filters,
                              .offset = q.offset,
                              .limit = q.limit};
    struct search_result r;
    assert_int_equal(search_query(s, &sq, a, &r), 0);
    search_release(s);
    return r;
}

/* The ids of a result, comma-separated: "8,2". */
static const char *ids(struct arena *a, const struct search_result *r)
{
    char *out = arena_alloc(a, r->n_hits * 21 + 1);
    size_t len = 0;
    out[0] = 0;
    for (size_t i = 0; i < r->n_hits; i++)
        len += (size_t)snprintf(out + len, 22, "%s%lld", i ? "," : "", (long long)r->hits[i].id);
    return out;
}

static int64_t first(struct arena *a, const char *text)
{
    struct search_result r = run(a, (struct q){.text = text});
    return r.n_hits ? r.hits[0].id : -1;
}

static uint32_t count_of(const struct search_result *r, const char *facet, const char *value)
{
    for (size_t i = 0; i < r->n_facets; i++)
        if (strcmp(r->facets[i].facet, facet) == 0 && strcmp(r->facets[i].value, value) == 0)
            return r->facets[i].count;
    return UINT32_MAX; /* not listed */
}

static void test_ranking_and_fields(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    assert_int_equal(first(&a, "adresse mail"), 1);
    assert_int_equal(first(&a, "Créer une adresse e-mail"), 1);
    /* In the title (8) before in the description (2). */
    struct search_result r = run(&a, (struct q){.text = "hameçonnage"});
    assert_string_equal(ids(&a, &r), "8,2");
    /* Plurals, no accents, capitals. */
    assert_int_equal(first(&a, "DEMARCHE ADMINISTRATIVE"), 4);
    assert_int_equal(first(&a, "ordinateur"), 6);
    assert_int_equal(first(&a, "reconditionne"), 6);
    /* Elisions in the query. */
    assert_int_equal(first(&a, "l'ordinateur d'occasion"), 6);
    /* A word no document has, with a known one: the known one still answers. */
    assert_int_equal(first(&a, "ordinateur zzzqqq"), 6);
    /* Only unknown words: nothing. */
    r = run(&a, (struct q){.text = "zzzqqq"});
    assert_int_equal(r.total, 0);
    arena_release(&a);
}

static void test_quality_blend(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct search_engine *e = search_engine_new(NULL);
    struct search_doc d = {.id = 1, .fields = {STR_LIT("Atelier tablette")}, .quality = 0.1};
    assert_int_equal(search_put(e, &d), 0);
    d.id = 2;
    d.quality = 0.9;
    assert_int_equal(search_put(e, &d), 0);
    struct search_snapshot *s = search_acquire(e);
    struct search_query q = {.text = STR_LIT("tablette")};
    struct search_result r;
    assert_int_equal(search_query(s, &q, &a, &r), 0);
    assert_int_equal(r.n_hits, 2);
    assert_int_equal(r.hits[0].id, 2);
    assert_true(r.hits[0].score > r.hits[1].score);
    search_release(s);
    search_engine_free(e);
    arena_release(&a);
}

/* Words side by side and words as typed come first among equal BM25F scores. */
static void test_rerank(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct search_engine *e = search_engine_new(NULL);
    struct search_doc d1 = {.id = 1, .fields = {STR_LIT("Fichiers : comment les compresser")}};
    struct search_doc d2 = {.id = 2, .fields = {STR_LIT("Comment compresser les fichiers")}};
    struct search_doc d3 = {.id = 3, .fields = {STR_LIT("Compression de documents")}};
    struct search_doc d4 = {.id = 4, .fields = {STR_LIT("Compresser des documents")}};
    assert_int_equal(search_put(e, &d1), 0);
    assert_int_equal(search_put(e, &d2), 0);
    assert_int_equal(search_put(e, &d3), 0);
    assert_int_equal(search_put(e, &d4), 0);
    struct search_snapshot *s = search_acquire(e);
    struct search_query q = {.text = STR_LIT("compresser fichiers")};
    struct search_result r;
    assert_int_equal(search_query(s, &q, &a, &r), 0);
    assert_string_equal(ids(&a, &r), "2,1");
    q.text = STR_LIT("compresser documents");
    assert_int_equal(search_query(s, &q, &a, &r), 0);
    assert_string_equal(ids(&a, &r), "4,3");
    search_release(s);
    /* Without the re-ranking the two pairs tie, and the older id comes first. */
    struct search_config cfg;
    search_config_default(&cfg);
    cfg.proximity_weight = cfg.exact_weight = 0;
    struct search_engine *e2 = search_engine_new(&cfg);
    assert_int_equal(search_put(e2, &d3), 0);
    assert_int_equal(search_put(e2, &d4), 0);
    s = search_acquire(e2);
    assert_int_equal(search_query(s, &q, &a, &r), 0);
    assert_string_equal(ids(&a, &r), "3,4");
    search_release(s);
    search_engine_free(e2);
    search_engine_free(e);
    arena_release(&a);
}

static void test_typos(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    /* One edit from 5 letters (a transposition here). */
    struct search_result r = run(&a, (struct q){.text = "escroqeurie"});
    assert_true(r.n_hits >= 1);
    assert_int_equal(r.hits[0].id, 2);
    assert_non_null(r.corrected);
    assert_string_equal(r.corrected, "escroquerie");
    assert_int_equal(first(&a, "smartphnoe"), 3);
    assert_int_equal(first(&a, "hameconage"), 8);
    /* Two edits from 9 letters. */
    assert_int_equal(first(&a, "ordinnateurr"), 6);
    /* Not under 5 letters, not two edits under 9. */
    r = run(&a, (struct q){.text = "mial", .prefix = SEARCH_PREFIX_NONE});
    assert_int_equal(r.total, 0);
    r = run(&a, (struct q){.text = "mriaie", .prefix = SEARCH_PREFIX_NONE});
    assert_int_equal(r.total, 0);
    /* A known word is not corrected. */
    r = run(&a, (struct q){.text = "mairie"});
    assert_null(r.corrected);
    assert_string_equal(ids(&a, &r), "7");
    arena_release(&a);
}

static void test_prefix_and_suggest(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    assert_int_equal(first(&a, "ordin"), 6);
    assert_int_equal(first(&a, "reconnaître une arn"), 2);
    assert_int_equal(first(&a, "smartp"), 3);
    struct search_result r = run(&a, (struct q){.text = "smartp", .prefix = SEARCH_PREFIX_NONE});
    assert_int_equal(r.total, 0);
    /* After a space the last word is complete. */
    r = run(&a, (struct q){.text = "smartp "});
    assert_int_equal(r.total, 0);

    struct search_snapshot *s = search_acquire(engine);
    struct search_suggestion *sg;
    size_t n;
    assert_int_equal(search_suggest(s, STR_LIT("utiliser son smart"), 5, &a, &sg, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(sg[0].word, "smartphone");
    assert_int_equal(sg[0].docs, 1);
    assert_int_equal(search_suggest(s, STR_LIT("les dém"), 5, &a, &sg, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(sg[0].word, "démarches"); /* as written, accents kept */
    assert_int_equal(search_suggest(s, STR_LIT("m"), 5, &a, &sg, &n), 0);
    assert_int_equal(n, 0);
    /* Most frequent first: "messagerie" (1 doc) after "message(s)" words. */
    assert_int_equal(search_suggest(s, STR_LIT("mes"), 5, &a, &sg, &n), 0);
    assert_true(n >= 2);
    for (size_t i = 1; i < n; i++)
        assert_true(sg[i - 1].docs >= sg[i].docs);
    search_release(s);
    arena_release(&a);
}

static void test_synonyms_and_phrases(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    /* courriel = mail = e-mail: the e-mail title first, the content mention after. */
    struct search_result r = run(&a, (struct q){.text = "courriel", .prefix = SEARCH_PREFIX_NONE});
    assert_string_equal(ids(&a, &r), "1,7");
    assert_int_equal(first(&a, "phishing"), 8);
    assert_int_equal(first(&a, "fraude"), 2);
    assert_int_equal(first(&a, "téléphone portable"), 3);
    assert_int_equal(first(&a, "smartphone"), 3);
    assert_int_equal(first(&a, "procédures administratives"), 4);
    /* A phrase: "mot de passe" together; "passe mot" is not that phrase. */
    r = run(&a, (struct q){.text = "\"mot de passe\""});
    assert_string_equal(ids(&a, &r), "5");
    r = run(&a, (struct q){.text = "\"passe mot\""});
    assert_int_equal(r.total, 0);
    /* "password" is a synonym of the phrase. */
    assert_int_equal(first(&a, "password"), 5);
    /* Unbalanced quotes just work. */
    r = run(&a, (struct q){.text = "\"mot de passe"});
    assert_string_equal(ids(&a, &r), "5");
    r = run(&a, (struct q){.text = "\"\"\""});
    assert_int_equal(r.total, N_DOCS);

    /* Highlights follow the analysis (stems, accents, case). */
    r = run(&a, (struct q){.text = "courriel", .prefix = SEARCH_PREFIX_NONE});
    struct search_span *sp;
    size_t n;
    const char *txt = "Mon COURRIEL, mes courriels et mon mail";
    assert_int_equal(search_highlight(&r, str_from(txt), &a, &sp, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(sp[0].start, 4);
    assert_int_equal(sp[0].end, 12);
    assert_int_equal(sp[2].start, strlen("Mon COURRIEL, mes courriels et mon "));

    /* An edited synonym list replaces the default one. */
    size_t bad;
    assert_int_equal(search_engine_set_synonyms(engine, STR_LIT("ordinateur = tablette = pc\n"),
                                                &bad),
                     0);
    assert_int_equal(first(&a, "tablette"), 6);
    r = run(&a, (struct q){.text = "phishing"});
    assert_int_equal(r.total, 0);
    assert_int_equal(search_engine_set_synonyms(engine, STR_LIT("seul\n"), &bad), ERR_INVALID);
    assert_int_equal(bad, 1);
    assert_int_equal(search_engine_set_synonyms(
                         engine, str_from(search_synonyms_default_text()), &bad),
                     0);
    assert_int_equal(first(&a, "phishing"), 8);
    arena_release(&a);
}

static const struct search_facet_value f_risques[] = {{"themes", "risques_cyber_et_protection"}};
static const struct search_facet_value f_two_themes[] = {
    {"themes", "risques_cyber_et_protection"}, {"themes", "materiel_reconditionne"}};
static const struct search_facet_value f_theme_type[] = {{"themes", "risques_cyber_et_protection"},
                                                         {"types", "infographie"}};
static const struct search_facet_value f_acces[] = {{"_acces", "public"}};
static const struct search_facet_value f_unknown[] = {{"themes", "n_existe_pas"}};

static void test_facets_and_filters(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    /* An empty query lists everything, with counts. */
    struct search_result r = run(&a, (struct q){.text = ""});
    assert_int_equal(r.total, N_DOCS);
    assert_int_equal(count_of(&r, "themes", "risques_cyber_et_protection"), 3);
    assert_int_equal(count_of(&r, "themes", "maitrise_des_outils_numeriques"), 3);
    assert_int_equal(count_of(&r, "types", "infographie"), 2);
    assert_int_equal(count_of(&r, "publics", "seniors_personnes_agees"), 1);
    assert_int_equal(count_of(&r, "_acces", "public"), UINT32_MAX); /* hidden facet */
    /* Listed by facet name, then value. */
    for (size_t i = 1; i < r.n_facets; i++) {
        int c = strcmp(r.facets[i - 1].facet, r.facets[i].facet);
        assert_true(c < 0 || (c == 0 && strcmp(r.facets[i - 1].value, r.facets[i].value) < 0));
    }

    /* One value: the other values of the facet keep the count they would give. */
    r = run(&a, (struct q){.filters = f_risques, .n_filters = 1, .sort = SEARCH_SORT_NEWEST});
    assert_string_equal(ids(&a, &r), "8,5,2");
    assert_int_equal(count_of(&r, "themes", "maitrise_des_outils_numeriques"), 3);
    assert_int_equal(count_of(&r, "types", "infographie"), 2);
    assert_int_equal(count_of(&r, "types", "resource_pedagogique"), 1);
    assert_int_equal(count_of(&r, "types", "video_webinaire"), 0);
    for (size_t i = 0; i < r.n_facets; i++)
        assert_int_equal(r.facets[i].selected,
                         strcmp(r.facets[i].value, "risques_cyber_et_protection") == 0);
    /* OR within a facet, AND across facets. */
    r = run(&a, (struct q){.filters = f_two_themes, .n_filters = 2, .sort = SEARCH_SORT_NEWEST});
    assert_string_equal(ids(&a, &r), "8,6,5,2");
    r = run(&a, (struct q){.filters = f_theme_type, .n_filters = 2, .sort = SEARCH_SORT_NEWEST});
    assert_string_equal(ids(&a, &r), "8,2");
    assert_int_equal(count_of(&r, "types", "resource_pedagogique"), 1);
    assert_int_equal(count_of(&r, "themes", "maitrise_des_outils_numeriques"), 0);
    /* Text and filter together; the hidden access facet filters. */
    r = run(&a, (struct q){.text = "hameçonnage", .filters = f_risques, .n_filters = 1});
    assert_string_equal(ids(&a, &r), "8,2");
    r = run(&a, (struct q){.text = "smartphone", .filters = f_acces, .n_filters = 1});
    assert_int_equal(r.total, 0);
    r = run(&a, (struct q){.filters = f_unknown, .n_filters = 1});
    assert_int_equal(r.total, 0);
    arena_release(&a);
}

static void test_sorts_and_pages(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct search_result r = run(&a, (struct q){.sort = SEARCH_SORT_NEWEST});
    assert_string_equal(ids(&a, &r), "8,7,6,5,4,3,2,1");
    r = run(&a, (struct q){.sort = SEARCH_SORT_VIEWS});
    assert_string_equal(ids(&a, &r), "3,8,1,4,5,2,6,7");
    r = run(&a, (struct q){.sort = SEARCH_SORT_RECOMMENDED});
    assert_string_equal(ids(&a, &r), "5,1,3,8,6,2,7,4");
    /* A–Z on folded titles: "Créer", "Guide", "Les démarches", "Ordinateurs", "Reconnaître",
     * "Se protéger", "Un mot", "Utiliser". */
    r = run(&a, (struct q){.sort = SEARCH_SORT_TITLE});
    assert_string_equal(ids(&a, &r), "1,7,4,6,2,8,5,3");
    /* Empty query by relevance: quality first (1 has 0.8), then newest. */
    r = run(&a, (struct q){.text = ""});
    assert_string_equal(ids(&a, &r), "1,8,7,6,5,4,3,2");
    /* Pages. */
    r = run(&a, (struct q){.sort = SEARCH_SORT_TITLE, .offset = 2, .limit = 3});
    assert_string_equal(ids(&a, &r), "4,6,2");
    assert_int_equal(r.total, N_DOCS);
    r = run(&a, (struct q){.sort = SEARCH_SORT_TITLE, .offset = 7, .limit = 3});
    assert_string_equal(ids(&a, &r), "3");
    r = run(&a, (struct q){.sort = SEARCH_SORT_TITLE, .offset = 100, .limit = 3});
    assert_int_equal(r.n_hits, 0);
    assert_int_equal(r.total, N_DOCS);
    r = run(&a, (struct q){.sort = SEARCH_SORT_NEWEST, .limit = 100000});
    assert_int_equal(r.n_hits, N_DOCS);
    /* The heap path (k small against n) and the sort path give the same order. */
    struct search_engine *e = search_engine_new(NULL);
    struct search_batch *b = search_batch_begin(e);
    for (int i = 0; i < 500; i++) {
        struct search_doc d = {.id = i, .fields = {STR_LIT("atelier")},
                               .created = (i * 7919) % 500, .views = i % 13};
        assert_int_equal(search_batch_put(b, &d), 0);
    }
    search_batch_commit(b);
    struct search_snapshot *s = search_acquire(e);
    struct search_query q = {.text = STR_LIT("atelier"), .sort = SEARCH_SORT_VIEWS, .limit = 10};
    struct search_result small, all;
    assert_int_equal(search_query(s, &q, &a, &small), 0);
    q.limit = 200;
    assert_int_equal(search_query(s, &q, &a, &all), 0);
    assert_int_equal(small.n_hits, 10);
    for (size_t i = 0; i < 10; i++)
        assert_int_equal(small.hits[i].id, all.hits[i].id);
    for (size_t i = 1; i < all.n_hits; i++)
        assert_true((all.hits[i - 1].id % 13) >= (all.hits[i].id % 13));
    search_release(s);
    search_engine_free(e);
    arena_release(&a);
}

static void test_update_remove_snapshot(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct search_snapshot *before = search_acquire(engine);
    struct search_doc d;
    to_doc(&docs[5], &d); /* 6, "Ordinateurs reconditionnés" */
    d.fields[SEARCH_FIELD_TITLE] = STR_LIT("Tablettes d'occasion");
    d.fields[SEARCH_FIELD_DESCRIPTION] = STR_LIT("");
    assert_int_equal(search_put(engine, &d), 0);
    struct search_result r = run(&a, (struct q){.text = "ordinateur"});
    assert_int_equal(r.total, 0);
    assert_int_equal(first(&a, "tablette"), 6);
    /* A snapshot taken before keeps answering as before. */
    struct search_query q = {.text = STR_LIT("ordinateur")};
    assert_int_equal(search_query(before, &q, &a, &r), 0);
    assert_int_equal(r.n_hits, 1);
    assert_int_equal(r.hits[0].id, 6);
    assert_true(search_contains(before, 1));
    search_release(before);

    assert_int_equal(search_remove(engine, 1), 0);
    assert_int_equal(search_remove(engine, 1), ERR_NOT_FOUND);
    assert_int_equal(search_remove(engine, 999), ERR_NOT_FOUND);
    struct search_snapshot *s = search_acquire(engine);
    assert_false(search_contains(s, 1));
    assert_int_equal(search_count(s), N_DOCS - 1);
    search_release(s);
    r = run(&a, (struct q){.text = "adresse"});
    assert_int_equal(r.total, 0);
    r = run(&a, (struct q){.text = ""});
    assert_int_equal(count_of(&r, "types", "resource_pedagogique"), 1);
    /* Put back: found again, same counts as at the start. */
    to_doc(&docs[0], &d);
    assert_int_equal(search_put(engine, &d), 0);
    assert_int_equal(first(&a, "adresse mail"), 1);
    r = run(&a, (struct q){.text = ""});
    assert_int_equal(r.total, N_DOCS);
    assert_int_equal(count_of(&r, "types", "resource_pedagogique"), 2);
    /* Back to the fixture for the other tests. */
    to_doc(&docs[5], &d);
    assert_int_equal(search_put(engine, &d), 0);
    arena_release(&a);
}

static void test_bad_input(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    /* A 10,000-character query with control characters: cut and cleaned, never an error. */
    char *q = malloc(10001);
    for (size_t i = 0; i < 10000; i++)
        q[i] = "ordinateur \x01\x7f\"\t"[i % 16];
    q[10000] = 0;
    struct search_result r = run(&a, (struct q){.text = q});
    assert_true(r.total <= N_DOCS);
    free(q);
    r = run(&a, (struct q){.text = "\xff\xfe\xc3"});
    assert_int_equal(r.total, N_DOCS); /* nothing readable: everything */
    r = run(&a, (struct q){.text = "le la les"});
    assert_int_equal(r.total, N_DOCS);

    /* Misuse and documents past the limits. */
    struct search_snapshot *s = search_acquire(engine);
    struct search_query sq = {.text = {NULL, 5}};
    assert_int_equal(search_query(s, &sq, &a, &r), ERR_INVALID);
    search_release(s);
    struct search_doc d = {.id = 99};
    d.fields[SEARCH_FIELD_CONTENT] = (struct str){"x", LIMIT_SEARCH_FIELD_BYTES + 1};
    assert_int_equal(search_put(engine, &d), ERR_TOO_BIG);
    struct search_facet_value bad[] = {{"themes", NULL}};
    struct search_doc d2 = {.id = 99, .facets = bad, .n_facets = 1};
    assert_int_equal(search_put(engine, &d2), ERR_INVALID);
    s = search_acquire(engine);
    assert_false(search_contains(s, 99));
    search_release(s);
    arena_release(&a);
}

/* Readers query while a writer adds and removes: every snapshot is whole (the count of "atelier"
 * matches is the count of documents), and nothing is freed under a reader. */
struct race {
    struct search_engine *e;
    atomic_bool stop;
    atomic_int bad;
};

static void *race_reader(void *p)
{
    struct race *r = p;
    while (!atomic_load(&r->stop)) {
        struct arena a = ARENA_INIT;
        struct search_snapshot *s = search_acquire(r->e);
        struct search_query q = {.text = STR_LIT("atelier"), .limit = 5};
        struct search_result res;
        if (search_query(s, &q, &a, &res) != 0 || res.total != search_count(s))
            atomic_fetch_add(&r->bad, 1);
        search_release(s);
        arena_release(&a);
    }
    search_thread_release();
    return NULL;
}

static void test_concurrent_readers(void **state)
{
    (void)state;
    struct race r = {.e = search_engine_new(NULL)};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, race_reader, &r), 0);
    for (int i = 0; i < 300; i++) {
        struct search_doc d = {.id = i % 50, .fields = {STR_LIT("Atelier numérique")}};
        if (i % 3 == 2)
            search_remove(r.e, i % 50);
        else
            assert_int_equal(search_put(r.e, &d), 0);
    }
    atomic_store(&r.stop, true);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(atomic_load(&r.bad), 0);
    search_engine_free(r.e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ranking_and_fields),
        cmocka_unit_test(test_quality_blend),
        cmocka_unit_test(test_rerank),
        cmocka_unit_test(test_typos),
        cmocka_unit_test(test_prefix_and_suggest),
        cmocka_unit_test(test_synonyms_and_phrases),
        cmocka_unit_test(test_facets_and_filters),
        cmocka_unit_test(test_sorts_and_pages),
        cmocka_unit_test(test_update_remove_snapshot),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_concurrent_readers),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    search_thread_release();
    return rc;
}
