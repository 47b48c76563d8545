/* The badge, the recommendation score and the completeness of resources (see quality.h). */
#include "ressources/quality.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "html/ui.h"
#include "ressources/store.h"

#include <string.h>

double quality_weighted_mean(const struct reviews_summary *s)
{
    double sum = 0;
    for (int i = 1; i <= 4; i++)
        sum += (double)i * (double)s->by_rating[i];
    return (sum + QUALITY_PRIOR_REVIEWS * QUALITY_PRIOR_MEAN) /
           ((double)s->n + QUALITY_PRIOR_REVIEWS);
}

double quality_recommendation_score(const struct reviews_summary *s)
{
    return (quality_weighted_mean(s) - 1.0) / 3.0;
}

enum quality_badge quality_badge_of(const struct reviews_summary *s)
{
    double mean = quality_weighted_mean(s);
    if (s->n >= QUALITY_TRES_MIN_REVIEWS && mean >= QUALITY_TRES_MIN_MEAN)
        return QUALITY_BADGE_TRES;
    if (s->n >= QUALITY_RECO_MIN_REVIEWS && mean >= QUALITY_RECO_MIN_MEAN)
        return QUALITY_BADGE_RECOMMANDEE;
    return QUALITY_BADGE_NONE;
}

const char *quality_badge_label(enum quality_badge b)
{
    switch (b) {
    case QUALITY_BADGE_TRES:
        return "Très recommandée";
    case QUALITY_BADGE_RECOMMANDEE:
        return "Recommandée";
    case QUALITY_BADGE_NONE:
        break;
    }
    return NULL;
}

int quality_badge_for(struct db *db, int64_t ressource_id, enum quality_badge *out)
{
    struct reviews_summary s;
    int rc = reviews_summary_get(db, ressource_id, &s);
    *out = rc ? QUALITY_BADGE_NONE : quality_badge_of(&s);
    return rc;
}

int quality_score_for(struct db *db, int64_t ressource_id, double *out)
{
    struct reviews_summary s;
    int rc = reviews_summary_get(db, ressource_id, &s);
    *out = rc ? 0.5 : quality_recommendation_score(&s);
    return rc;
}

void quality_render_badge(struct buf *b, enum quality_badge badge)
{
    const char *label = quality_badge_label(badge);
    if (label)
        ui_tag(b, label, badge == QUALITY_BADGE_TRES ? UI_TAG_GREEN : UI_TAG_BLUE);
}

size_t quality_chars(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

int quality_completeness(const struct quality_facts *f, struct quality_criterion *out)
{
    const struct quality_criterion c[QUALITY_N_CRITERIA] = {
        {"Un titre d'au moins 10 caractères", 10, f->titre_chars >= QUALITY_MIN_TITRE_CHARS},
        {"Une description d'au moins 100 caractères", 20,
         f->description_chars >= QUALITY_MIN_DESCRIPTION_CHARS},
        {"Au moins 2 blocs de contenu", 20, f->n_blocks >= QUALITY_MIN_BLOCKS},
        {"Au moins une thématique", 15, f->n_themes > 0},
        {"Au moins un type de ressource", 10, f->n_types > 0},
        {"Au moins un public", 10, f->n_publics > 0},
        {"Une licence (autre que « sans licence »)", 5, f->licence},
        {"Une image", 10, f->image},
    };
    int score = 0;
    for (size_t i = 0; i < QUALITY_N_CRITERIA; i++) {
        out[i] = c[i];
        if (c[i].met)
            score += c[i].weight;
    }
    return score;
}

void quality_facts_of(const struct ressource *r, struct quality_facts *out)
{
    memset(out, 0, sizeof(*out));
    out->titre_chars = quality_chars(r->titre);
    out->description_chars = quality_chars(r->description);
    out->n_blocks = r->n_blocks;
    for (size_t i = 0; i < r->n_blocks; i++)
        if (r->blocks[i].kind == BLOCK_IMAGE)
            out->image = true;
    out->n_themes = r->n_index[VOCAB_THEME];
    out->n_types = r->n_index[VOCAB_TYPE];
    out->n_publics = r->n_index[VOCAB_PUBLIC];
    out->n_secteurs = r->n_index[VOCAB_SECTEUR];
    out->licence = r->licence && strcmp(r->licence, "no_licence") != 0;
}

const char *quality_ressource_path(struct arena *a, int64_t ressource_id)
{
    return arena_printf(a, "/ressources/%lld", (long long)ressource_id);
}
