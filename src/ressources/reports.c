/* Reports of resources and their moderation (see reports.h). */
#include "ressources/reports.h"
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "db/db.h"
#include "html/ui.h"
#include "ressources/access.h"
#include "ressources/quality.h"

#include <string.h>
#include <time.h>

const char *const report_motif_values[REPORT_N_MOTIFS] = {"inappropriate", "outdated", "errors",
                                                          "duplicate"};
const char *const report_motif_labels[REPORT_N_MOTIFS] = {
    "Contenu inapproprié", "Ressource obsolète", "Erreurs dans le contenu", "Doublon"};

static const char SQL_INSERT[] =
    "INSERT INTO ressource_signalements (ressource_id, user_id, motif, commentaire, created_at) "
    "VALUES ($1, $2, $3, $4, $5) RETURNING id";
#define REPORT_COLUMNS                                                                             \
    "s.id, s.ressource_id, r.titre, r.base_id, s.user_id, u.name, s.motif, s.commentaire, "        \
    "s.statut, t.name, s.traite_at, s.note, s.created_at FROM ressource_signalements s "           \
    "JOIN ressources r ON r.id = s.ressource_id LEFT JOIN users u ON u.id = s.user_id "            \
    "LEFT JOIN users t ON t.id = s.traite_par "
static const char SQL_GET[] = "SELECT " REPORT_COLUMNS "WHERE s.id = $1";
/* $1: 1 for a platform admin (every report), $2: the user whose bases' reports are shown. */
#define QUEUE_WHERE                                                                                \
    "WHERE s.statut = $3 AND ($1 = 1 OR r.base_id IN (SELECT m.base_id FROM base_members m "       \
    "WHERE m.user_id = $2 AND m.role = 'admin')) "
static const char SQL_QUEUE_COUNT[] = "SELECT count(*) FROM ressource_signalements s JOIN "
                                      "ressources r ON r.id = s.ressource_id " QUEUE_WHERE;
static const char SQL_QUEUE_OPEN[] =
    "SELECT " REPORT_COLUMNS QUEUE_WHERE "ORDER BY s.created_at, s.id LIMIT $4 OFFSET $5";
static const char SQL_QUEUE_DECIDED[] =
    "SELECT " REPORT_COLUMNS QUEUE_WHERE "ORDER BY s.traite_at DESC, s.id DESC LIMIT $4 OFFSET $5";
static const char SQL_BASE_ADMIN_ANY[] =
    "SELECT count(*) FROM base_members WHERE user_id = $1 AND role = 'admin'";
static const char SQL_DECIDE[] =
    "UPDATE ressource_signalements SET statut = $2, traite_par = $3, traite_at = $4, note = $5 "
    "WHERE id = $1 AND statut = 'ouvert'";
static const char SQL_OPEN_BY_USER[] =
    "SELECT count(*) FROM ressource_signalements WHERE ressource_id = $1 AND user_id = $2 "
    "AND statut = 'ouvert'";
static const char SQL_BASE_ADMIN_EMAILS[] =
    "SELECT u.email FROM base_members m JOIN users u ON u.id = m.user_id WHERE m.base_id = $1 "
    "AND m.role = 'admin' AND u.disabled = 0 ORDER BY u.id";
static const char SQL_ADMIN_EMAILS[] =
    "SELECT email FROM users WHERE is_admin = 1 AND disabled = 0 ORDER BY id";
static const char SQL_USER_EMAIL[] = "SELECT email FROM users WHERE id = $1 AND disabled = 0";
static const char SQL_OPEN_COUNT[] = "SELECT count(*) FROM ressource_signalements "
                                     "WHERE ressource_id = $1 AND statut = 'ouvert'";

const char *report_motif_label(const char *value)
{
    for (size_t i = 0; value && i < REPORT_N_MOTIFS; i++)
        if (strcmp(value, report_motif_values[i]) == 0)
            return report_motif_labels[i];
    return NULL;
}

const char *report_statut_value(enum report_statut s)
{
    return s == REPORT_RESOLU ? "resolu" : s == REPORT_REJETE ? "rejete" : "ouvert";
}

const char *report_statut_label(enum report_statut s)
{
    return s == REPORT_RESOLU ? "Résolu" : s == REPORT_REJETE ? "Rejeté" : "À traiter";
}

static enum report_statut statut_parse(const char *s)
{
    return strcmp(s, "resolu") == 0   ? REPORT_RESOLU
           : strcmp(s, "rejete") == 0 ? REPORT_REJETE
                                      : REPORT_OUVERT;
}

int reports_create(struct db *db, struct arena *a, int64_t ressource_id, int64_t user_id,
                   const char *motif, const char *commentaire, struct ui_errors *errs, int64_t *id)
{
    if (!motif || !*motif)
        ui_errors_add(errs, "motif", "Motif : choisissez la raison du signalement.");
    else if (!report_motif_label(motif))
        ui_errors_add(errs, "motif",
                      "Motif : contenu inapproprié, ressource obsolète, erreurs ou doublon.");
    struct str c = str_trim(str_from(commentaire));
    const char *text = str_dup(c, a);
    if (quality_chars(text) > LIMIT_REPORT_COMMENT_CHARS)
        ui_errors_add(
            errs, "commentaire",
            arena_printf(a, "Commentaire : %d caractères au plus.", LIMIT_REPORT_COMMENT_CHARS));
    if (errs->n)
        return ERR_INVALID;
    /* One open report per person and resource: a second one would only repeat the first. */
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_OPEN_BY_USER, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, ressource_id);
    db_bind_int64(st, 2, user_id);
    int64_t open = 0;
    if ((rc = db_step_one(st)) == 0)
        open = db_col_int64(st, 0);
    db_reset(st);
    if (rc)
        return rc;
    if (open)
        return ERR_CONFLICT;
    rc = db_prepare(db, SQL_INSERT, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, ressource_id);
    db_bind_int64(st, 2, user_id);
    db_bind_text(st, 3, motif);
    db_bind_text(st, 4, text);
    db_bind_int64(st, 5, (int64_t)time(NULL));
    if ((rc = db_step_one(st)) == 0)
        *id = db_col_int64(st, 0);
    db_reset(st);
    return rc;
}

static void read_report(struct db_stmt *st, struct arena *a, struct report *r)
{
    r->id = db_col_int64(st, 0);
    r->ressource_id = db_col_int64(st, 1);
    r->ressource_titre = db_col_dup(st, 2, a);
    r->base_id = db_col_int64(st, 3);
    r->user_id = db_col_int64(st, 4);
    r->user_name = db_col_dup(st, 5, a);
    r->motif = db_col_dup(st, 6, a);
    r->commentaire = db_col_dup(st, 7, a);
    r->statut = statut_parse(db_col_text(st, 8));
    r->traite_par_nom = db_col_dup(st, 9, a);
    r->traite_at = db_col_int64(st, 10);
    r->note = db_col_dup(st, 11, a);
    r->created_at = db_col_int64(st, 12);
}

int reports_get(struct db *db, struct arena *a, int64_t id, struct report *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_GET, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    if ((rc = db_step_one(st)) == 0)
        read_report(st, a, out);
    db_reset(st);
    return rc;
}

bool reports_is_moderator(struct db *db, const struct auth *a)
{
    if (auth_has(a, ROLE_ADMIN))
        return true;
    if (!auth_signed_in(a))
        return false;
    struct db_stmt *st;
    if (db_prepare(db, SQL_BASE_ADMIN_ANY, &st))
        return false;
    db_bind_int64(st, 1, a->user_id);
    bool yes = db_step_one(st) == 0 && db_col_int64(st, 0) > 0;
    db_reset(st);
    return yes;
}

bool reports_can_moderate(struct db *db, const struct auth *a, const struct report *r)
{
    if (auth_has(a, ROLE_ADMIN))
        return true;
    return r->base_id > 0 && bases_is_admin(db, a, r->base_id);
}

int reports_queue(struct db *db, struct arena *a, const struct auth *viewer,
                  enum report_statut statut, int64_t offset, int64_t limit, struct report **out,
                  size_t *n, int64_t *total)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_QUEUE_COUNT, &st);
    if (rc)
        return rc;
    int64_t admin = auth_has(viewer, ROLE_ADMIN) ? 1 : 0;
    db_bind_int64(st, 1, admin);
    db_bind_int64(st, 2, viewer->user_id);
    db_bind_text(st, 3, report_statut_value(statut));
    if ((rc = db_step_one(st)) == 0)
        *total = db_col_int64(st, 0);
    db_reset(st);
    if (rc)
        return rc;
    if ((rc = db_prepare(db, statut == REPORT_OUVERT ? SQL_QUEUE_OPEN : SQL_QUEUE_DECIDED, &st)))
        return rc;
    db_bind_int64(st, 1, admin);
    db_bind_int64(st, 2, viewer->user_id);
    db_bind_text(st, 3, report_statut_value(statut));
    db_bind_int64(st, 4, limit);
    db_bind_int64(st, 5, offset);
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    while ((rc = db_step(st)) == 1) {
        *out = arena_push(a, *out, *n, &cap, sizeof(**out));
        read_report(st, a, &(*out)[(*n)++]);
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int reports_decide(struct db *db, int64_t id, enum report_statut statut, int64_t by,
                   const char *note)
{
    if (statut == REPORT_OUVERT)
        return ERR_INVALID;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_DECIDE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    db_bind_text(st, 2, report_statut_value(statut));
    db_bind_int64(st, 3, by);
    db_bind_int64(st, 4, (int64_t)time(NULL));
    db_bind_text(st, 5, note && *note ? note : NULL);
    if ((rc = db_exec_stmt(st)))
        return rc;
    return db_changes(st) ? 0 : ERR_CONFLICT;
}

int reports_open_count(struct db *db, int64_t ressource_id, int64_t *n)
{
    return db_int64_by_id(db, SQL_OPEN_COUNT, ressource_id, n);
}

int reports_moderator_emails(struct db *db, struct arena *a, const struct report *r,
                             const char ***out, size_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, r->base_id ? SQL_BASE_ADMIN_EMAILS : SQL_ADMIN_EMAILS, &st);
    if (rc)
        return rc;
    if (r->base_id)
        db_bind_int64(st, 1, r->base_id);
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    while ((rc = db_step(st)) == 1) {
        *out = arena_push(a, *out, *n, &cap, sizeof(**out));
        (*out)[(*n)++] = db_col_dup(st, 0, a);
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int reports_reporter_email(struct db *db, struct arena *a, const struct report *r, const char **out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_USER_EMAIL, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, r->user_id);
    if ((rc = db_step_one(st)) == 0)
        *out = db_col_dup(st, 0, a);
    db_reset(st);
    return rc;
}
