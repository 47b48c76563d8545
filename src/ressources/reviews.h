/*
 * reviews: what people think of a resource. A review answers one question, « Recommandez-vous
 * cette ressource ? », on La Base's four-point scale (1 Non, 2 Moyen, 3 Oui, 4 Beaucoup), plus two
 * optional criteria, « À jour » and « Facile à utiliser en atelier », and an optional comment.
 *
 * The two criteria are answered oui or non, not on the four-point scale: they are facts a reader
 * checks (is it up to date, did it work in a workshop), and the people who use La Base said that
 * rating works with two or three quick criteria, not a long form; one graded question and two
 * yes/no answers keep the form to three clicks.
 *
 * One review per person and resource: saving again edits it. Nobody reviews a resource they may
 * edit (its creator, contributors and the members of its base). The resource's editors and its
 * base's administrators may reply to a review, once (replying again edits the reply).
 *
 * Strings returned live in the caller's arena; validation messages go to struct ui_errors.
 */
#ifndef RELAIS_RESSOURCES_REVIEWS_H
#define RELAIS_RESSOURCES_REVIEWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;
struct ui_errors;

/* The answer to a criterion: not answered, non, oui. */
enum review_answer { REVIEW_UNANSWERED = -1, REVIEW_NON = 0, REVIEW_OUI = 1 };

struct review {
    int64_t id;
    int64_t ressource_id;
    int64_t user_id;
    const char *user_name;
    int recommandation; /* 1..4 */
    enum review_answer a_jour, facile_atelier;
    const char *commentaire; /* NULL when none */
    const char *reponse;     /* the authors' reply, or NULL */
    const char *reponse_par_nom;
    int64_t reponse_at;
    int64_t created_at, updated_at;
};

/* The French label of a recommandation value ("Non", "Moyen", "Oui", "Beaucoup"); NULL outside
 * 1..4. */
const char *reviews_rating_label(int recommandation);

/* What a review form sends, as typed: recommandation "1".."4", a_jour and facile_atelier "oui",
 * "non" or empty, commentaire free text. */
struct review_form {
    const char *recommandation, *a_jour, *facile_atelier, *commentaire;
};

/* Validates a form into a review (fields "recommandation", "a_jour", "facile_atelier",
 * "commentaire"); ERR_INVALID with errs filled. */
int reviews_validate(struct arena *a, const struct review_form *f, struct review *out,
                     struct ui_errors *errs);

/* Creates or replaces user_id's review of ressource_id (its recommandation, criteria and comment;
 * a reply stays). */
int reviews_save(struct db *db, int64_t ressource_id, int64_t user_id, const struct review *r);
int reviews_delete(struct db *db, int64_t ressource_id, int64_t user_id);
/* user_id's review of ressource_id, or ERR_NOT_FOUND. */
int reviews_get_mine(struct db *db, struct arena *a, int64_t ressource_id, int64_t user_id,
                     struct review *out);
int reviews_get(struct db *db, struct arena *a, int64_t id, struct review *out);
/* Sets (or replaces) the reply to review id; text NULL or empty removes it. */
int reviews_reply(struct db *db, int64_t id, const char *text, int64_t by);
/* The reviews of a resource, newest first, page by page; *total counts them all. */
int reviews_list(struct db *db, struct arena *a, int64_t ressource_id, int64_t offset,
                 int64_t limit, struct review **out, size_t *n, int64_t *total);

/* The counts behind the badge and the score (quality.h). */
struct reviews_summary {
    int64_t n;            /* reviews */
    int64_t by_rating[5]; /* [1..4]: reviews per recommandation; [0] unused */
    int64_t a_jour_oui, a_jour_non;
    int64_t facile_oui, facile_non;
};

int reviews_summary_get(struct db *db, int64_t ressource_id, struct reviews_summary *out);
/* Calls each(ressource_id, summary, ctx) for every resource that has reviews, in id order (for the
 * search index's « plus recommandées » and its quality blending). Stops at a non-zero return. */
int reviews_summaries_each(struct db *db,
                           int (*each)(int64_t ressource_id, const struct reviews_summary *s,
                                       void *ctx),
                           void *ctx);

#endif
