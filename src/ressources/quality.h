/*
 * quality: what tells a good resource from a poor one at a glance. The badge and the
 * recommendation score come from the reviews (reviews.h); the completeness score from what the
 * resource holds; and the resource page's quality panel gathers them with the reviews, the
 * « Enregistrer » form, the report link and, for its authors, what to fix (dead links, missing
 * fields, last verification).
 *
 * The badge rule. The reviews' mean is pulled toward the middle of the scale by two imaginary
 * reviews of 2.5 (a Bayesian mean, (sum + 2 × 2.5) / (n + 2)), so that one enthusiastic review
 * does not make a resource look better than twenty good ones:
 *   « Très recommandée »  at least 3 reviews and a weighted mean of 3.25 or more;
 *   « Recommandée »       at least 2 reviews and a weighted mean of 2.75 or more;
 *   no badge otherwise (too few reviews, or reviews that do not recommend it).
 * Three « Beaucoup » give 3.4 (très recommandée); two « Oui » give 2.75 (recommandée); one
 * « Beaucoup » alone gives no badge.
 *
 * The recommendation score, for the search index's « plus recommandées » sort and its quality
 * blending, is the weighted mean mapped to 0..1: (mean - 1) / 3. A resource without reviews
 * scores 0.5, the middle, like La Base's sort that puts unreviewed resources between the
 * recommended and the others.
 *
 * Strings returned are static or in the caller's arena.
 */
#ifndef RELAIS_RESSOURCES_QUALITY_H
#define RELAIS_RESSOURCES_QUALITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "http/http.h"
#include "ressources/reviews.h"

struct arena;
struct db;

#define QUALITY_PRIOR_REVIEWS 2
#define QUALITY_PRIOR_MEAN 2.5
#define QUALITY_TRES_MIN_REVIEWS 3
#define QUALITY_TRES_MIN_MEAN 3.25
#define QUALITY_RECO_MIN_REVIEWS 2
#define QUALITY_RECO_MIN_MEAN 2.75

enum quality_badge { QUALITY_BADGE_NONE, QUALITY_BADGE_RECOMMANDEE, QUALITY_BADGE_TRES };

/* The weighted mean of the reviews (QUALITY_PRIOR_MEAN when there is none). */
double quality_weighted_mean(const struct reviews_summary *s);
/* 0..1, 0.5 without reviews (see above). */
double quality_recommendation_score(const struct reviews_summary *s);
enum quality_badge quality_badge_of(const struct reviews_summary *s);
/* « Très recommandée », « Recommandée », or NULL for none. Static. */
const char *quality_badge_label(enum quality_badge b);

/* The badge of one resource from the database (QUALITY_BADGE_NONE when it has no review). */
int quality_badge_for(struct db *db, int64_t ressource_id, enum quality_badge *out);
/* The badge as a tag, for lists and the resource page; nothing when there is no badge. */
void quality_render_badge(struct buf *b, enum quality_badge badge);
/* The recommendation score of one resource (0.5 without reviews). */
int quality_score_for(struct db *db, int64_t ressource_id, double *out);

/* The characters (UTF-8 code points) of a text, for the length limits of the forms of
 * collections, reviews and reports; 0 for NULL. */
size_t quality_chars(const char *s);

/* --- completeness --- */

/* What the completeness score looks at. */
struct quality_facts {
    size_t titre_chars;
    size_t description_chars;
    size_t n_blocks; /* content blocks of any kind */
    size_t n_themes, n_types, n_publics, n_secteurs;
    bool licence; /* a licence other than « sans licence » */
    bool image;   /* an image block */
};

#define QUALITY_N_CRITERIA 8
#define QUALITY_MIN_TITRE_CHARS 10
#define QUALITY_MIN_DESCRIPTION_CHARS 100
#define QUALITY_MIN_BLOCKS 2

struct quality_criterion {
    const char
        *label; /* what is expected, in French: « Une description d'au moins 100 caractères » */
    int weight; /* points out of 100 */
    bool met;
};

/* The score out of 100 and each criterion (out[QUALITY_N_CRITERIA]), weights summing to 100. */
int quality_completeness(const struct quality_facts *f, struct quality_criterion *out);
/* The facts of a resource read with ressource_get (blocks and indexation included). */
struct ressource;
void quality_facts_of(const struct ressource *r, struct quality_facts *out);

/* --- the resource page --- */

/* The address of a resource's page (arena). */
const char *quality_ressource_path(struct arena *a, int64_t ressource_id);

/* The quality panel of a resource page: badge and reviews summary with the last reviews, the
 * review form (or why the viewer cannot review), « Enregistrer » into a collection, the report link
 * and, for those who may edit the resource, completeness with what is missing, the state of its
 * links and « Marquer comme vérifiée ». Call it from the resource page handler with the resource's
 * id once the viewer's access has been checked. */
int quality_render_resource_panel(struct buf *b, struct http_request *req, int64_t ressource_id);

/* The collections of a base, for its page: all of them for its members, the public ones for
 * others (nothing at all when a visitor would see none). */
int quality_render_base_collections(struct buf *b, struct http_request *req, int64_t base_id);

#endif
