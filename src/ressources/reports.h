/*
 * reports: a signed-in person reports a resource (inappropriate, outdated, errors, duplicate: La
 * Base's ResourceReportReason values) with an optional comment; moderators work through the queue.
 *
 * Moderators are the platform's admins (every report) and the administrators of a base (the
 * reports on their base's resources). A moderator resolves a report (the resource was dealt with)
 * or dismisses it; the decision, who took it, when, and an optional note stay on the report and in
 * the audit log. A decided report cannot be decided again.
 *
 * Strings returned live in the caller's arena; validation messages go to struct ui_errors.
 */
#ifndef RELAIS_RESSOURCES_REPORTS_H
#define RELAIS_RESSOURCES_REPORTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct auth;
struct db;
struct ui_errors;

#define REPORT_N_MOTIFS 4
extern const char *const report_motif_values[REPORT_N_MOTIFS]; /* "inappropriate", ... */
extern const char *const report_motif_labels[REPORT_N_MOTIFS]; /* « Contenu inapproprié », ... */
/* The French label of a motif value, or NULL. */
const char *report_motif_label(const char *value);

enum report_statut { REPORT_OUVERT, REPORT_RESOLU, REPORT_REJETE };
const char *report_statut_value(enum report_statut s); /* "ouvert", "resolu", "rejete" */
const char *report_statut_label(enum report_statut s); /* « À traiter », « Résolu », « Rejeté » */

struct report {
    int64_t id;
    int64_t ressource_id;
    const char *ressource_titre;
    int64_t base_id; /* the resource's base, 0 when none */
    int64_t user_id;
    const char *user_name;
    const char *motif;
    const char *commentaire;
    enum report_statut statut;
    const char *traite_par_nom;
    int64_t traite_at;
    const char *note;
    int64_t created_at;
};

/* Validates (fields "motif", "commentaire") and records a report. ERR_CONFLICT when this person
 * already has an open report on this resource. */
int reports_create(struct db *db, struct arena *a, int64_t ressource_id, int64_t user_id,
                   const char *motif, const char *commentaire, struct ui_errors *errs, int64_t *id);
int reports_get(struct db *db, struct arena *a, int64_t id, struct report *out);

/* A platform admin, or an administrator of at least one base. */
bool reports_is_moderator(struct db *db, const struct auth *a);
/* Whether a may decide this report: a platform admin, or an administrator of its resource's base.
 */
bool reports_can_moderate(struct db *db, const struct auth *a, const struct report *r);

/* The reports a moderates, in a state (open: oldest first; decided: newest decision first), page
 * by page; *total counts them all. */
int reports_queue(struct db *db, struct arena *a, const struct auth *viewer,
                  enum report_statut statut, int64_t offset, int64_t limit, struct report **out,
                  size_t *n, int64_t *total);
/* Resolves or dismisses an open report as user by. ERR_CONFLICT when it was decided already. */
int reports_decide(struct db *db, int64_t id, enum report_statut statut, int64_t by,
                   const char *note);
/* Who is told by e-mail: the moderators of a report (its base's administrators, or the platform's
 * admins for a resource without a base) when it is made, and its author when it is decided. Active
 * accounts only; addresses in the arena. */
int reports_moderator_emails(struct db *db, struct arena *a, const struct report *r,
                             const char ***out, size_t *n);
int reports_reporter_email(struct db *db, struct arena *a, const struct report *r,
                           const char **out);

/* Open reports of one resource (for its authors' panel). */
int reports_open_count(struct db *db, int64_t ressource_id, int64_t *n);

#endif
