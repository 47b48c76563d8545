/* Unit tests of the quality of resources: the badge rule and the recommendation score, the
 * completeness score, reviews (validation, one per person, replies, summary), collections (order,
 * favourites, share links, visibility of private resources), reports and their moderation queue,
 * the addresses found in text, and the stored findings of the link checker, on SQLite and (when
 * RELAIS_TEST_PG_URL is set) PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "comptes/auth.h"
#include "comptes/comptes.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/err.h"
#include "db/db.h"
#include "html/ui.h"
#include "ressources/access.h"
#include "ressources/collections.h"
#include "ressources/linkcheck.h"
#include "ressources/quality.h"
#include "ressources/reports.h"
#include "ressources/reviews.h"
#include "ressources/store.h"
#include "store_fixture.h"

#include <stdio.h>
#include <string.h>

/* --- pure rules --- */

static struct reviews_summary summary(int non, int moyen, int oui, int beaucoup)
{
    struct reviews_summary s = {0};
    s.by_rating[1] = non;
    s.by_rating[2] = moyen;
    s.by_rating[3] = oui;
    s.by_rating[4] = beaucoup;
    s.n = non + moyen + oui + beaucoup;
    return s;
}

static void test_badge_rule(void **state)
{
    (void)state;
    struct reviews_summary s = summary(0, 0, 0, 0);
    assert_int_equal(quality_badge_of(&s), QUALITY_BADGE_NONE);
    assert_true(quality_recommendation_score(&s) == 0.5);
    /* One enthusiastic review is not enough. */
    s = summary(0, 0, 0, 1);
    assert_int_equal(quality_badge_of(&s), QUALITY_BADGE_NONE);
    /* Two « Oui »: (6 + 5) / 4 = 2.75. */
    s = summary(0, 0, 2, 0);
    assert_int_equal(quality_badge_of(&s), QUALITY_BADGE_RECOMMANDEE);
    /* Two « Beaucoup » reach 3.25 but need a third review for the top badge. */
    s = summary(0, 0, 0, 2);
    assert_int_equal(quality_badge_of(&s), QUALITY_BADGE_RECOMMANDEE);
    s = summary(0, 0, 0, 3);
    assert_int_equal(quality_badge_of(&s), QUALITY_BADGE_TRES);
    assert_string_equal(quality_badge_label(QUALITY_BADGE_TRES), "Très recommandée");
    /* Many « Oui » stay « Recommandée ». */
    s = summary(0, 0, 20, 0);
    assert_int_equal(quality_badge_of(&s), QUALITY_BADGE_RECOMMANDEE);
    /* Mixed reviews: (2 + 3 + 3 + 5) / 5 = 2.6, no badge. */
    s = summary(0, 1, 2, 0);
    assert_int_equal(quality_badge_of(&s), QUALITY_BADGE_NONE);
    s = summary(5, 0, 0, 0);
    assert_int_equal(quality_badge_of(&s), QUALITY_BADGE_NONE);
    assert_null(quality_badge_label(QUALITY_BADGE_NONE));
    /* The score orders: all « Non » < none < all « Beaucoup ». */
    struct reviews_summary bad = summary(5, 0, 0, 0), none = summary(0, 0, 0, 0),
                           good = summary(0, 0, 0, 5);
    assert_true(quality_recommendation_score(&bad) < quality_recommendation_score(&none));
    assert_true(quality_recommendation_score(&none) < quality_recommendation_score(&good));
    assert_true(quality_recommendation_score(&good) <= 1.0);
    assert_true(quality_recommendation_score(&bad) >= 0.0);
}

static void test_completeness(void **state)
{
    (void)state;
    struct quality_criterion c[QUALITY_N_CRITERIA];
    struct quality_facts empty = {0};
    assert_int_equal(quality_completeness(&empty, c), 0);
    int total = 0;
    for (int i = 0; i < QUALITY_N_CRITERIA; i++) {
        total += c[i].weight;
        assert_false(c[i].met);
    }
    assert_int_equal(total, 100);
    struct quality_facts full = {.titre_chars = 30,
                                 .description_chars = 150,
                                 .n_blocks = 3,
                                 .n_themes = 1,
                                 .n_types = 1,
                                 .n_publics = 2,
                                 .licence = true,
                                 .image = true};
    assert_int_equal(quality_completeness(&full, c), 100);
    struct quality_facts most = full;
    most.description_chars = 99;
    most.image = false;
    assert_int_equal(quality_completeness(&most, c), 70);
    assert_false(c[1].met);
    assert_string_equal(c[1].label, "Une description d'au moins 100 caractères");
    assert_int_equal(quality_chars("éàü"), 3);
    assert_int_equal(quality_chars(NULL), 0);
}

static void test_extract_urls(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    const char **u;
    size_t n = linkcheck_extract_urls(
        &a,
        "Voir [le guide](https://exemple.fr/guide?x=1) et https://exemple.fr/faq. Aussi "
        "<http://ancien.fr/page>, xhttp://non.fr, « https://exemple.fr/guide?x=1 » et "
        "https:// rien.",
        &u, 10);
    assert_int_equal(n, 3);
    assert_string_equal(u[0], "https://exemple.fr/guide?x=1");
    assert_string_equal(u[1], "https://exemple.fr/faq");
    assert_string_equal(u[2], "http://ancien.fr/page");
    assert_int_equal(linkcheck_extract_urls(&a, NULL, &u, 10), 0);
    assert_int_equal(linkcheck_extract_urls(&a, "https://a.fr https://b.fr", &u, 1), 1);
    arena_release(&a);
}

static void test_review_validation(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct review r;
    struct ui_errors errs = {0};
    struct review_form f = {.recommandation = "", .a_jour = "peut-être", .facile_atelier = "oui"};
    assert_int_equal(reviews_validate(&a, &f, &r, &errs), ERR_INVALID);
    assert_non_null(ui_errors_for(&errs, "recommandation"));
    assert_non_null(ui_errors_for(&errs, "a_jour"));
    assert_null(ui_errors_for(&errs, "facile_atelier"));
    errs.n = 0;
    f = (struct review_form){.recommandation = "5"};
    assert_int_equal(reviews_validate(&a, &f, &r, &errs), ERR_INVALID);
    errs.n = 0;
    char *long_comment = arena_calloc(&a, 2100, 1);
    memset(long_comment, 'x', 2001);
    f = (struct review_form){.recommandation = "3", .commentaire = long_comment};
    assert_int_equal(reviews_validate(&a, &f, &r, &errs), ERR_INVALID);
    assert_non_null(ui_errors_for(&errs, "commentaire"));
    errs.n = 0;
    f = (struct review_form){
        .recommandation = "4", .a_jour = "non", .commentaire = "  Très bien  "};
    assert_int_equal(reviews_validate(&a, &f, &r, &errs), 0);
    assert_int_equal(r.recommandation, 4);
    assert_int_equal(r.a_jour, REVIEW_NON);
    assert_int_equal(r.facile_atelier, REVIEW_UNANSWERED);
    assert_string_equal(r.commentaire, "Très bien");
    assert_string_equal(reviews_rating_label(2), "Moyen");
    assert_null(reviews_rating_label(0));
    arena_release(&a);
}

/* --- stored --- */

struct fixture {
    struct store_fixture store;
    struct arena a;
    int64_t alice, bruno, chloe;
    int64_t base;      /* Alice administers it, Bruno is a member */
    int64_t pub, priv; /* a published public resource and a private draft, both Alice's */
    char tag[16];
};

static int64_t make_user(struct fixture *f, const char *who)
{
    struct ui_errors errs = {0};
    int64_t id = 0;
    const char *email = arena_printf(&f->a, "%s-%s@example.org", who, f->tag);
    if (user_create(f->store.db, &f->a, email, who, NULL, false, &errs, &id))
        return 0;
    return id;
}

static int64_t make_ressource(struct fixture *f, const char *titre, int64_t base,
                              struct ressource_block *blocks, size_t n_blocks, bool publish)
{
    struct ui_errors errs = {0};
    struct ressource r = {.titre = titre,
                          .description = "Une ressource de test.",
                          .licence = "etalab_2_0",
                          .base_id = base,
                          .created_by = f->alice,
                          .blocks = blocks,
                          .n_blocks = n_blocks};
    if (ressource_save(f->store.db, &f->a, &r, f->alice, &errs))
        return 0;
    if (publish && ressource_publish(f->store.db, r.id, true, f->alice))
        return 0;
    return r.id;
}

static int open_store(void **state, const char *url)
{
    struct fixture *f = calloc(1, sizeof(*f));
    arena_init(&f->a);
    snprintf(f->tag, sizeof(f->tag), "%.8s", crypto_sha256_hex(&f->a, crypto_random_token(&f->a)));
    if (store_fixture_open(&f->store, url, "ressources-qualite"))
        return -1;
    f->alice = make_user(f, "alice");
    f->bruno = make_user(f, "bruno");
    f->chloe = make_user(f, "chloe");
    struct ui_errors errs = {0};
    struct base b = {.nom = arena_printf(&f->a, "Base qualité %s", f->tag), .public_ = true};
    if (base_create(f->store.db, &f->a, &b, f->alice, &errs, &f->base) ||
        base_member_set(f->store.db, f->base, f->bruno, false))
        return -1;
    f->pub = make_ressource(f, arena_printf(&f->a, "Publique %s", f->tag), f->base, NULL, 0, true);
    f->priv = make_ressource(f, arena_printf(&f->a, "Brouillon %s", f->tag), 0, NULL, 0, false);
    if (!f->alice || !f->bruno || !f->chloe || !f->pub || !f->priv)
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
    arena_release(&f->a);
    free(f);
    return 0;
}

static struct auth who(int64_t id) { return (struct auth){.user_id = id, .name = "x"}; }

static void test_reviews_store(void **state)
{
    struct fixture *f = *state;
    struct db *db = f->store.db;
    struct review r = {.recommandation = 3,
                       .a_jour = REVIEW_OUI,
                       .facile_atelier = REVIEW_UNANSWERED,
                       .commentaire = "Utile"};
    assert_int_equal(reviews_save(db, f->pub, f->bruno, &r), 0);
    /* Saving again edits the one review of Bruno. */
    r.recommandation = 4;
    r.commentaire = NULL;
    assert_int_equal(reviews_save(db, f->pub, f->bruno, &r), 0);
    struct review mine;
    assert_int_equal(reviews_get_mine(db, &f->a, f->pub, f->bruno, &mine), 0);
    assert_int_equal(mine.recommandation, 4);
    assert_null(mine.commentaire);
    assert_int_equal(mine.a_jour, REVIEW_OUI);
    assert_int_equal(mine.facile_atelier, REVIEW_UNANSWERED);
    assert_string_equal(mine.user_name, "bruno");
    struct review c = {.recommandation = 2, .a_jour = REVIEW_NON, .facile_atelier = REVIEW_OUI};
    assert_int_equal(reviews_save(db, f->pub, f->chloe, &c), 0);
    assert_int_equal(reviews_get_mine(db, &f->a, f->pub, f->alice, &mine), ERR_NOT_FOUND);

    struct reviews_summary s;
    assert_int_equal(reviews_summary_get(db, f->pub, &s), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.by_rating[4], 1);
    assert_int_equal(s.by_rating[2], 1);
    assert_int_equal(s.a_jour_oui, 1);
    assert_int_equal(s.a_jour_non, 1);
    assert_int_equal(s.facile_oui, 1);
    assert_int_equal(s.facile_non, 0);
    double score;
    assert_int_equal(quality_score_for(db, f->pub, &score), 0);
    assert_true(score > 0.5); /* (4 + 2 + 5) / 4 = 2.75 → 0.583 */
    enum quality_badge badge;
    assert_int_equal(quality_badge_for(db, f->pub, &badge), 0);
    assert_int_equal(badge, QUALITY_BADGE_RECOMMANDEE);

    /* The authors reply; replying again replaces; an empty reply removes it. */
    assert_int_equal(reviews_get_mine(db, &f->a, f->pub, f->chloe, &mine), 0);
    assert_int_equal(reviews_reply(db, mine.id, "Merci, nous la mettons à jour.", f->alice), 0);
    struct review *list;
    size_t n;
    int64_t total;
    assert_int_equal(reviews_list(db, &f->a, f->pub, 0, 10, &list, &n, &total), 0);
    assert_int_equal(total, 2);
    assert_int_equal(n, 2);
    bool replied = false;
    for (size_t i = 0; i < n; i++)
        if (list[i].id == mine.id) {
            replied = list[i].reponse &&
                      strcmp(list[i].reponse, "Merci, nous la mettons à jour.") == 0 &&
                      strcmp(list[i].reponse_par_nom, "alice") == 0;
        }
    assert_true(replied);
    assert_int_equal(reviews_list(db, &f->a, f->pub, 1, 10, &list, &n, &total), 0);
    assert_int_equal(n, 1);
    assert_int_equal(reviews_reply(db, mine.id, "", f->alice), 0);
    assert_int_equal(reviews_get(db, &f->a, mine.id, &mine), 0);
    assert_null(mine.reponse);
    assert_int_equal(reviews_reply(db, 999999999, "x", f->alice), ERR_NOT_FOUND);

    assert_int_equal(reviews_delete(db, f->pub, f->chloe), 0);
    assert_int_equal(reviews_delete(db, f->pub, f->chloe), ERR_NOT_FOUND);
    assert_int_equal(reviews_summary_get(db, f->pub, &s), 0);
    assert_int_equal(s.n, 1);
    /* The check constraint holds even if validation were skipped. */
    struct review bad = {
        .recommandation = 7, .a_jour = REVIEW_UNANSWERED, .facile_atelier = REVIEW_UNANSWERED};
    assert_int_not_equal(reviews_save(db, f->pub, f->chloe, &bad), 0);
}

struct each_count {
    int64_t pub;
    int64_t n_for_pub;
    int calls;
};

static int count_each(int64_t rid, const struct reviews_summary *s, void *ctx)
{
    struct each_count *c = ctx;
    c->calls++;
    if (rid == c->pub)
        c->n_for_pub = s->n;
    return 0;
}

static void test_reviews_each(void **state)
{
    struct fixture *f = *state;
    struct review r = {
        .recommandation = 1, .a_jour = REVIEW_UNANSWERED, .facile_atelier = REVIEW_UNANSWERED};
    assert_int_equal(reviews_save(f->store.db, f->pub, f->chloe, &r), 0);
    struct each_count c = {.pub = f->pub};
    assert_int_equal(reviews_summaries_each(f->store.db, count_each, &c), 0);
    assert_true(c.calls >= 1);
    assert_true(c.n_for_pub >= 1);
}

static void test_collections_store(void **state)
{
    struct fixture *f = *state;
    struct db *db = f->store.db;
    struct ui_errors errs = {0};
    struct collection bad = {.owner_id = f->bruno, .created_by = f->bruno, .titre = "   "};
    assert_int_equal(collections_create(db, &f->a, &bad, &errs), ERR_INVALID);
    assert_non_null(ui_errors_for(&errs, "titre"));
    errs.n = 0;
    struct collection c = {.owner_id = f->bruno,
                           .created_by = f->bruno,
                           .titre = "  Ateliers du mardi ",
                           .description = "Pour les seniors"};
    assert_int_equal(collections_create(db, &f->a, &c, &errs), 0);
    struct collection got;
    assert_int_equal(collections_get(db, &f->a, c.id, &got), 0);
    assert_string_equal(got.titre, "Ateliers du mardi");
    assert_false(got.public_);
    assert_string_equal(got.owner_name, "bruno");

    /* Three resources, in the order added; then moved. */
    int64_t r3 =
        make_ressource(f, arena_printf(&f->a, "Troisième %s", f->tag), f->base, NULL, 0, true);
    assert_int_equal(collections_add(db, c.id, f->pub, f->bruno), 0);
    assert_int_equal(collections_add(db, c.id, f->priv, f->bruno), 0);
    assert_int_equal(collections_add(db, c.id, r3, f->bruno), 0);
    assert_int_equal(collections_add(db, c.id, r3, f->bruno), ERR_CONFLICT);
    struct auth alice = who(f->alice), bruno = who(f->bruno), chloe = who(f->chloe);
    struct collection_item *items;
    size_t n;
    int64_t total, hidden;
    assert_int_equal(collections_items(db, &f->a, &alice, c.id, 0, 10, &items, &n, &total, &hidden),
                     0);
    assert_int_equal(n, 3);
    assert_int_equal(items[0].ressource_id, f->pub);
    assert_int_equal(items[1].ressource_id, f->priv);
    assert_int_equal(items[2].ressource_id, r3);
    assert_int_equal(collections_move(db, c.id, r3, true), 0);
    assert_int_equal(collections_move(db, c.id, f->pub, true), 0); /* already first */
    assert_int_equal(collections_items(db, &f->a, &alice, c.id, 0, 10, &items, &n, &total, &hidden),
                     0);
    assert_int_equal(items[0].ressource_id, f->pub);
    assert_int_equal(items[1].ressource_id, r3);
    assert_int_equal(items[2].ressource_id, f->priv);
    assert_int_equal(collections_move(db, c.id, f->pub, false), 0);
    assert_int_equal(collections_items(db, &f->a, &alice, c.id, 0, 2, &items, &n, &total, &hidden),
                     0);
    assert_int_equal(items[0].ressource_id, r3);
    assert_int_equal(items[1].ressource_id, f->pub);
    assert_int_equal(n, 2);
    assert_int_equal(total, 3);
    /* Chloé does not see Alice's private draft: it is left out and counted as hidden. */
    assert_int_equal(collections_items(db, &f->a, &chloe, c.id, 0, 10, &items, &n, &total, &hidden),
                     0);
    assert_int_equal(n, 2);
    assert_int_equal(hidden, 1);
    int64_t saved = 0;
    assert_int_equal(collections_save_count(db, r3, &saved), 0);
    assert_int_equal(saved, 1);
    assert_int_equal(collections_remove(db, c.id, r3), 0);
    assert_int_equal(collections_save_count(db, r3, &saved), 0);
    assert_int_equal(saved, 0);
    assert_int_equal(collections_remove(db, c.id, r3), ERR_NOT_FOUND);

    /* Who may read and change it. */
    assert_true(collections_can_edit(db, &bruno, &got));
    assert_false(collections_can_edit(db, &chloe, &got));
    assert_false(collections_can_see(db, &chloe, &got));
    struct auth anon = who(0);
    assert_false(collections_can_see(db, &anon, &got));
    got.public_ = true;
    got.titre = "Ateliers du mardi";
    got.description = "";
    assert_int_equal(collections_update(db, &f->a, &got, &errs), 0);
    assert_int_equal(collections_get(db, &f->a, c.id, &got), 0);
    assert_true(collections_can_see(db, &anon, &got));

    /* Share links: unguessable, replaced, revoked. */
    const char *t1, *t2;
    assert_int_equal(collections_share(db, &f->a, c.id, &t1), 0);
    assert_true(strlen(t1) >= 43);
    assert_int_equal(collections_get_by_token(db, &f->a, t1, &got), 0);
    assert_int_equal(got.id, c.id);
    assert_int_equal(collections_share(db, &f->a, c.id, &t2), 0);
    assert_string_not_equal(t1, t2);
    assert_int_equal(collections_get_by_token(db, &f->a, t1, &got), ERR_NOT_FOUND);
    assert_int_equal(collections_unshare(db, c.id), 0);
    assert_int_equal(collections_get_by_token(db, &f->a, t2, &got), ERR_NOT_FOUND);
    assert_int_equal(collections_get_by_token(db, &f->a, "", &got), ERR_NOT_FOUND);

    /* « Favoris »: one per person, made once, never deleted. */
    int64_t fav1, fav2;
    assert_int_equal(collections_favoris(db, f->bruno, &fav1), 0);
    assert_int_equal(collections_favoris(db, f->bruno, &fav2), 0);
    assert_int_equal(fav1, fav2);
    assert_int_equal(collections_delete(db, fav1), ERR_FORBIDDEN);

    /* A base's collection: every member may change it; it is listed for them, favourites
     * first. */
    struct collection bc = {
        .base_id = f->base, .created_by = f->alice, .titre = "De la base", .public_ = true};
    assert_int_equal(collections_create(db, &f->a, &bc, &errs), 0);
    assert_int_equal(collections_get(db, &f->a, bc.id, &got), 0);
    assert_true(collections_can_edit(db, &bruno, &got));
    assert_false(collections_can_edit(db, &chloe, &got));
    struct collection *mine;
    bool *contains;
    assert_int_equal(
        collections_of_user(db, &f->a, f->bruno, f->pub, 0, 10, &mine, &contains, &n, &total), 0);
    assert_int_equal(total, 3);
    assert_true(mine[0].favoris);
    bool found_c = false;
    for (size_t i = 0; i < n; i++)
        if (mine[i].id == c.id) {
            found_c = true;
            assert_true(contains[i]);
            assert_int_equal(mine[i].n_items, 2);
        }
    assert_true(found_c);
    struct collection *of_base;
    assert_int_equal(collections_of_base(db, &f->a, f->base, false, &of_base, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(collections_delete(db, c.id), 0);
    assert_int_equal(collections_get(db, &f->a, c.id, &got), ERR_NOT_FOUND);
}

static void test_reports_store(void **state)
{
    struct fixture *f = *state;
    struct db *db = f->store.db;
    struct ui_errors errs = {0};
    int64_t id = 0;
    assert_int_equal(reports_create(db, &f->a, f->pub, f->chloe, "spam", "", &errs, &id),
                     ERR_INVALID);
    assert_non_null(ui_errors_for(&errs, "motif"));
    errs.n = 0;
    assert_int_equal(
        reports_create(db, &f->a, f->pub, f->chloe, "outdated", " Lien mort ", &errs, &id), 0);
    int64_t id2 = 0;
    assert_int_equal(reports_create(db, &f->a, f->pub, f->chloe, "errors", "", &errs, &id2),
                     ERR_CONFLICT);
    struct report r;
    assert_int_equal(reports_get(db, &f->a, id, &r), 0);
    assert_string_equal(r.commentaire, "Lien mort");
    assert_int_equal(r.statut, REPORT_OUVERT);
    assert_int_equal(r.base_id, f->base);
    int64_t open = 0;
    assert_int_equal(reports_open_count(db, f->pub, &open), 0);
    assert_int_equal(open, 1);

    /* Alice administers the resource's base: she moderates it; Bruno (a member) and Chloé do
     * not. */
    struct auth alice = who(f->alice), bruno = who(f->bruno), chloe = who(f->chloe);
    assert_true(reports_is_moderator(db, &alice));
    assert_false(reports_is_moderator(db, &bruno));
    assert_false(reports_is_moderator(db, &chloe));
    assert_true(reports_can_moderate(db, &alice, &r));
    assert_false(reports_can_moderate(db, &bruno, &r));
    struct auth admin = who(f->chloe);
    admin.roles = ROLE_ADMIN;
    assert_true(reports_can_moderate(db, &admin, &r));

    struct report *q;
    size_t n;
    int64_t total;
    assert_int_equal(reports_queue(db, &f->a, &alice, REPORT_OUVERT, 0, 10, &q, &n, &total), 0);
    assert_int_equal(total, 1);
    assert_int_equal(q[0].id, id);
    assert_int_equal(reports_queue(db, &f->a, &bruno, REPORT_OUVERT, 0, 10, &q, &n, &total), 0);
    assert_int_equal(total, 0);
    assert_int_equal(reports_queue(db, &f->a, &admin, REPORT_OUVERT, 0, 10, &q, &n, &total), 0);
    assert_true(total >= 1);

    /* A decision is taken once, and kept. */
    assert_int_equal(reports_decide(db, id, REPORT_RESOLU, f->alice, "Ressource mise à jour"), 0);
    assert_int_equal(reports_decide(db, id, REPORT_REJETE, f->alice, NULL), ERR_CONFLICT);
    assert_int_equal(reports_get(db, &f->a, id, &r), 0);
    assert_int_equal(r.statut, REPORT_RESOLU);
    assert_string_equal(r.traite_par_nom, "alice");
    assert_string_equal(r.note, "Ressource mise à jour");
    assert_true(r.traite_at > 0);
    assert_int_equal(reports_queue(db, &f->a, &alice, REPORT_RESOLU, 0, 10, &q, &n, &total), 0);
    assert_int_equal(total, 1);
    assert_int_equal(reports_queue(db, &f->a, &alice, REPORT_OUVERT, 0, 10, &q, &n, &total), 0);
    assert_int_equal(total, 0);
    /* Once decided, the same person may report the resource again. */
    assert_int_equal(reports_create(db, &f->a, f->pub, f->chloe, "errors", "", &errs, &id2), 0);
}

static void test_linkcheck_findings(void **state)
{
    struct fixture *f = *state;
    struct db *db = f->store.db;
    /* Private and loopback addresses are refused without any network: dead, with the reason. */
    struct ressource_block blocks[] = {
        {.kind = BLOCK_LIEN, .texte = "Le site", .url = "http://127.0.0.1:9/page"},
        {.kind = BLOCK_TEXTE,
         .texte = "Voir aussi https://10.0.0.1/guide et "
                  "http://127.0.0.1:9/page."},
    };
    int64_t rid = make_ressource(f, arena_printf(&f->a, "Liens %s", f->tag), 0, blocks, 2, true);
    assert_true(rid > 0);
    struct config cfg;
    memset(&cfg, 0, sizeof(cfg));
    struct linkcheck_opts o;
    linkcheck_opts_default(&o);
    o.host_delay_ms = 0;
    struct linkcheck_summary s;
    assert_int_equal(linkcheck_maintenance(db, &cfg, &o, &s), 0);
    assert_true(s.links >= 2);
    assert_true(s.dead >= 2);
    assert_int_equal(s.mails, 0);
    struct linkcheck_finding *fs;
    size_t n;
    assert_int_equal(linkcheck_findings_of(db, &f->a, rid, &fs, &n), 0);
    assert_int_equal(n, 2);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(fs[i].state, LINKCHECK_DEAD);
        assert_non_null(strstr(fs[i].error, "réseau privé"));
        assert_true(fs[i].checked_at > 0);
    }
    int64_t total;
    assert_int_equal(linkcheck_problems_of_author(db, &f->a, f->alice, 0, 10, &fs, &n, &total), 0);
    assert_true(total >= 2);
    assert_int_equal(linkcheck_problems_of_author(db, &f->a, f->chloe, 0, 10, &fs, &n, &total), 0);
    assert_int_equal(total, 0);

    /* The text block goes: its address is forgotten at the next run. */
    struct ressource r;
    assert_int_equal(ressource_get(db, &f->a, rid, &r), 0);
    r.n_blocks = 1;
    struct ui_errors errs = {0};
    assert_int_equal(ressource_save(db, &f->a, &r, f->alice, &errs), 0);
    assert_int_equal(linkcheck_maintenance(db, &cfg, &o, &s), 0);
    assert_int_equal(linkcheck_findings_of(db, &f->a, rid, &fs, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(fs[0].url, "http://127.0.0.1:9/page");
}

int main(void)
{
    crypto_init();
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_badge_rule),
        cmocka_unit_test(test_completeness),
        cmocka_unit_test(test_extract_urls),
        cmocka_unit_test(test_review_validation),
    };
    const struct CMUnitTest stored[] = {
        cmocka_unit_test(test_reviews_store),      cmocka_unit_test(test_reviews_each),
        cmocka_unit_test(test_collections_store),  cmocka_unit_test(test_reports_store),
        cmocka_unit_test(test_linkcheck_findings),
    };
    int failed = cmocka_run_group_tests_name("ressources-qualite", pure, NULL, NULL);
    failed += STORE_FIXTURE_RUN("ressources-qualite", stored, setup_sqlite, setup_pg, teardown);
    return failed;
}
