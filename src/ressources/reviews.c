/* Reviews of resources in the database (see reviews.h). */
#include "ressources/reviews.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "db/db.h"
#include "html/ui.h"
#include "ressources/quality.h"

#include <string.h>
#include <time.h>

static const char SQL_SAVE[] =
    "INSERT INTO ressource_avis (ressource_id, user_id, recommandation, a_jour, facile_atelier, "
    "commentaire, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) "
    "ON CONFLICT (ressource_id, user_id) DO UPDATE SET recommandation = $3, a_jour = $4, "
    "facile_atelier = $5, commentaire = $6, updated_at = $7";
static const char SQL_DELETE[] =
    "DELETE FROM ressource_avis WHERE ressource_id = $1 AND user_id = $2";
#define REVIEW_COLUMNS                                                                             \
    "a.id, a.ressource_id, a.user_id, u.name, a.recommandation, a.a_jour, a.facile_atelier, "      \
    "a.commentaire, a.reponse, p.name, a.reponse_at, a.created_at, a.updated_at "                  \
    "FROM ressource_avis a JOIN users u ON u.id = a.user_id "                                      \
    "LEFT JOIN users p ON p.id = a.reponse_par "
static const char SQL_GET_MINE[] =
    "SELECT " REVIEW_COLUMNS "WHERE a.ressource_id = $1 AND a.user_id = $2";
static const char SQL_GET[] = "SELECT " REVIEW_COLUMNS "WHERE a.id = $1";
static const char SQL_LIST[] =
    "SELECT " REVIEW_COLUMNS "WHERE a.ressource_id = $1 ORDER BY a.updated_at DESC, a.id DESC "
    "LIMIT $2 OFFSET $3";
static const char SQL_COUNT[] = "SELECT count(*) FROM ressource_avis WHERE ressource_id = $1";
static const char SQL_REPLY[] =
    "UPDATE ressource_avis SET reponse = $2, reponse_par = $3, reponse_at = $4 WHERE id = $1";
#define SUMMARY_COLUMNS                                                                            \
    "count(*), "                                                                                   \
    "sum(CASE WHEN recommandation = 1 THEN 1 ELSE 0 END), "                                        \
    "sum(CASE WHEN recommandation = 2 THEN 1 ELSE 0 END), "                                        \
    "sum(CASE WHEN recommandation = 3 THEN 1 ELSE 0 END), "                                        \
    "sum(CASE WHEN recommandation = 4 THEN 1 ELSE 0 END), "                                        \
    "sum(CASE WHEN a_jour = 1 THEN 1 ELSE 0 END), sum(CASE WHEN a_jour = 0 THEN 1 ELSE 0 END), "   \
    "sum(CASE WHEN facile_atelier = 1 THEN 1 ELSE 0 END), "                                        \
    "sum(CASE WHEN facile_atelier = 0 THEN 1 ELSE 0 END) "
static const char SQL_SUMMARY[] =
    "SELECT " SUMMARY_COLUMNS "FROM ressource_avis WHERE ressource_id = $1";
static const char SQL_SUMMARIES[] =
    "SELECT ressource_id, " SUMMARY_COLUMNS "FROM ressource_avis GROUP BY ressource_id "
    "ORDER BY ressource_id";

static const char *const rating_labels[] = {NULL, "Non", "Moyen", "Oui", "Beaucoup"};

const char *reviews_rating_label(int recommandation)
{
    return recommandation >= 1 && recommandation <= 4 ? rating_labels[recommandation] : NULL;
}

/* "oui", "non", or empty / absent for not answered. */
static int parse_answer(const char *v, enum review_answer *out)
{
    if (!v || !*v)
        *out = REVIEW_UNANSWERED;
    else if (strcmp(v, "oui") == 0)
        *out = REVIEW_OUI;
    else if (strcmp(v, "non") == 0)
        *out = REVIEW_NON;
    else
        return ERR_INVALID;
    return 0;
}

int reviews_validate(struct arena *a, const struct review_form *f, struct review *out,
                     struct ui_errors *errs)
{
    memset(out, 0, sizeof(*out));
    const char *r = f->recommandation;
    if (!r || !*r)
        ui_errors_add(errs, "recommandation",
                      "Recommandez-vous cette ressource ? : choisissez une réponse (Non, Moyen, "
                      "Oui ou Beaucoup).");
    else if (strlen(r) != 1 || r[0] < '1' || r[0] > '4')
        ui_errors_add(errs, "recommandation",
                      "Recommandez-vous cette ressource ? : la réponse doit être Non, Moyen, Oui "
                      "ou Beaucoup.");
    else
        out->recommandation = r[0] - '0';
    if (parse_answer(f->a_jour, &out->a_jour))
        ui_errors_add(errs, "a_jour", "À jour : répondez oui, non, ou laissez sans réponse.");
    if (parse_answer(f->facile_atelier, &out->facile_atelier))
        ui_errors_add(errs, "facile_atelier",
                      "Facile à utiliser en atelier : répondez oui, non, ou laissez sans réponse.");
    struct str c = str_trim(str_from(f->commentaire));
    out->commentaire = c.len ? str_dup(c, a) : NULL;
    if (out->commentaire && quality_chars(out->commentaire) > LIMIT_REVIEW_COMMENT_CHARS)
        ui_errors_add(
            errs, "commentaire",
            arena_printf(a, "Commentaire : %d caractères au plus.", LIMIT_REVIEW_COMMENT_CHARS));
    return errs->n ? ERR_INVALID : 0;
}

static void bind_answer(struct db_stmt *st, int idx, enum review_answer v)
{
    if (v == REVIEW_UNANSWERED)
        db_bind_null(st, idx);
    else
        db_bind_int64(st, idx, v);
}

int reviews_save(struct db *db, int64_t ressource_id, int64_t user_id, const struct review *r)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_SAVE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, ressource_id);
    db_bind_int64(st, 2, user_id);
    db_bind_int64(st, 3, r->recommandation);
    bind_answer(st, 4, r->a_jour);
    bind_answer(st, 5, r->facile_atelier);
    db_bind_text(st, 6, r->commentaire);
    db_bind_int64(st, 7, (int64_t)time(NULL));
    return db_exec_stmt(st);
}

int reviews_delete(struct db *db, int64_t ressource_id, int64_t user_id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_DELETE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, ressource_id);
    db_bind_int64(st, 2, user_id);
    if ((rc = db_exec_stmt(st)))
        return rc;
    return db_changes(st) ? 0 : ERR_NOT_FOUND;
}

static enum review_answer col_answer(struct db_stmt *st, int col)
{
    return db_col_is_null(st, col) ? REVIEW_UNANSWERED
           : db_col_int64(st, col) ? REVIEW_OUI
                                   : REVIEW_NON;
}

static void read_review(struct db_stmt *st, struct arena *a, struct review *r)
{
    r->id = db_col_int64(st, 0);
    r->ressource_id = db_col_int64(st, 1);
    r->user_id = db_col_int64(st, 2);
    r->user_name = db_col_dup(st, 3, a);
    r->recommandation = (int)db_col_int64(st, 4);
    r->a_jour = col_answer(st, 5);
    r->facile_atelier = col_answer(st, 6);
    r->commentaire = db_col_dup(st, 7, a);
    r->reponse = db_col_dup(st, 8, a);
    r->reponse_par_nom = db_col_dup(st, 9, a);
    r->reponse_at = db_col_int64(st, 10);
    r->created_at = db_col_int64(st, 11);
    r->updated_at = db_col_int64(st, 12);
}

static int get_one(struct db_stmt *st, struct arena *a, struct review *out)
{
    int rc = db_step_one(st);
    if (rc == 0)
        read_review(st, a, out);
    db_reset(st);
    return rc;
}

int reviews_get_mine(struct db *db, struct arena *a, int64_t ressource_id, int64_t user_id,
                     struct review *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_GET_MINE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, ressource_id);
    db_bind_int64(st, 2, user_id);
    return get_one(st, a, out);
}

int reviews_get(struct db *db, struct arena *a, int64_t id, struct review *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_GET, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    return get_one(st, a, out);
}

int reviews_reply(struct db *db, int64_t id, const char *text, int64_t by)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_REPLY, &st);
    if (rc)
        return rc;
    bool empty = !text || !*text;
    db_bind_int64(st, 1, id);
    db_bind_text(st, 2, empty ? NULL : text);
    if (empty) {
        db_bind_null(st, 3);
        db_bind_null(st, 4);
    } else {
        db_bind_int64(st, 3, by);
        db_bind_int64(st, 4, (int64_t)time(NULL));
    }
    if ((rc = db_exec_stmt(st)))
        return rc;
    return db_changes(st) ? 0 : ERR_NOT_FOUND;
}

int reviews_list(struct db *db, struct arena *a, int64_t ressource_id, int64_t offset,
                 int64_t limit, struct review **out, size_t *n, int64_t *total)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_COUNT, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, ressource_id);
    if ((rc = db_step_one(st)) == 0)
        *total = db_col_int64(st, 0);
    db_reset(st);
    if (rc)
        return rc;
    if ((rc = db_prepare(db, SQL_LIST, &st)))
        return rc;
    db_bind_int64(st, 1, ressource_id);
    db_bind_int64(st, 2, limit);
    db_bind_int64(st, 3, offset);
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    while ((rc = db_step(st)) == 1) {
        *out = arena_push(a, *out, *n, &cap, sizeof(**out));
        read_review(st, a, &(*out)[(*n)++]);
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

static void read_summary(struct db_stmt *st, int col, struct reviews_summary *s)
{
    memset(s, 0, sizeof(*s));
    s->n = db_col_int64(st, col);
    for (int i = 1; i <= 4; i++)
        s->by_rating[i] = db_col_int64(st, col + i);
    s->a_jour_oui = db_col_int64(st, col + 5);
    s->a_jour_non = db_col_int64(st, col + 6);
    s->facile_oui = db_col_int64(st, col + 7);
    s->facile_non = db_col_int64(st, col + 8);
}

int reviews_summary_get(struct db *db, int64_t ressource_id, struct reviews_summary *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_SUMMARY, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, ressource_id);
    if ((rc = db_step_one(st)) == 0)
        read_summary(st, 0, out);
    db_reset(st);
    return rc;
}

int reviews_summaries_each(struct db *db,
                           int (*each)(int64_t ressource_id, const struct reviews_summary *s,
                                       void *ctx),
                           void *ctx)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_SUMMARIES, &st);
    if (rc)
        return rc;
    while ((rc = db_step(st)) == 1) {
        struct reviews_summary s;
        read_summary(st, 1, &s);
        if ((rc = each(db_col_int64(st, 0), &s, ctx)) != 0)
            break;
    }
    db_reset(st);
    return rc;
}
