/*
 * The path to autonomy: a beneficiary's accompaniments in date order, and the count of people who
 * became autonomous. The level of a step is the accompaniment's own (copied from its CRA), or the
 * CRA's when the copy is missing.
 */
#include "activite/suivi.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "db/db.h"

#include <string.h>

static const char SQL_PARCOURS[] =
    "SELECT c.id, c.date, c.type, coalesce(ac.autonomie, c.autonomie), c.duree, c.titre_atelier, "
    "u.name, s.nom FROM accompagnements ac JOIN cra c ON c.id = ac.cra_id JOIN users u ON u.id = "
    "c.mediateur_id JOIN structures s ON s.id = c.structure_id WHERE ac.beneficiaire_id = $1 AND "
    "c.deleted_at IS NULL ORDER BY c.date, c.id";
static const char SQL_PARCOURS_THEMATIQUES[] =
    "SELECT t.cra_id, t.thematique FROM cra_thematiques t JOIN accompagnements ac ON ac.cra_id = "
    "t.cra_id WHERE ac.beneficiaire_id = $1 ORDER BY t.cra_id, t.thematique";

int suivi_parcours(struct db *db, struct arena *a, int64_t beneficiaire_id,
                   struct suivi_etape **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_PARCOURS, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, beneficiaire_id);
    size_t cap = 0;
    while ((rc = db_step(st)) == 1) {
        struct suivi_etape e = {
            .cra_id = db_col_int64(st, 0),
            .date = db_col_dup(st, 1, a),
            .type = db_col_dup(st, 2, a),
            .autonomie = db_col_dup(st, 3, a),
            .duree = db_col_int64(st, 4),
            .titre_atelier = db_col_dup(st, 5, a),
            .mediateur_nom = db_col_dup(st, 6, a),
            .structure_nom = db_col_dup(st, 7, a),
            .thematiques = "",
        };
        *out = arena_push(a, *out, *n, &cap, sizeof(e));
        (*out)[(*n)++] = e;
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    if ((rc = db_prepare(db, SQL_PARCOURS_THEMATIQUES, &st)))
        return rc;
    db_bind_int64(st, 1, beneficiaire_id);
    while ((rc = db_step(st)) == 1) {
        int64_t cra = db_col_int64(st, 0);
        const char *t = db_col_text(st, 1);
        for (size_t i = 0; i < *n; i++) {
            struct suivi_etape *e = &(*out)[i];
            if (e->cra_id != cra)
                continue;
            e->thematiques =
                *e->thematiques ? arena_printf(a, "%s|%s", e->thematiques, t) : arena_strdup(a, t);
        }
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int suivi_niveau(const char *autonomie)
{
    if (!autonomie)
        return 0;
    if (strcmp(autonomie, "entierement_accompagne") == 0)
        return 1;
    if (strcmp(autonomie, "partiellement_autonome") == 0)
        return 2;
    if (strcmp(autonomie, "autonome") == 0)
        return 3;
    return 0;
}

void suivi_progression(const struct suivi_etape *steps, size_t n, struct suivi_progression *out)
{
    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < n; i++) {
        if (!suivi_niveau(steps[i].autonomie))
            continue;
        if (!out->premier)
            out->premier = steps[i].autonomie;
        out->dernier = steps[i].autonomie;
        out->mesures++;
    }
    if (out->premier)
        out->gain = suivi_niveau(out->dernier) - suivi_niveau(out->premier);
}

/* A person became autonomous when, among their CRAs up to the period's end, a level « autonome »
 * recorded in the period and the scope comes after the last lower level (the same day counts as
 * not after), and a lower level exists. The people looked at are those with an « autonome » CRA
 * in the period and the scope, found through the scope's index (cra_departement_date,
 * cra_structure_date, cra_mediateur_date): the work grows with the scope, never with the whole
 * table. Then each one's CRAs are read through accompagnements_beneficiaire. */
#define LEVEL(ac, c) "coalesce(" ac ".autonomie, " c ".autonomie)"
#define SCOPE(c)                                                                                   \
    "($3 = '' OR " c ".departement = $3) AND ($4 = 0 OR " c                                        \
    ".structure_id = $4) AND ($5 = 0 OR " c ".mediateur_id = $5)"
/* clang-format off */
#define BECAME_AUTONOMOUS(driver)                                                                  \
    "SELECT count(*) FROM ("                                                                       \
    "SELECT ac.beneficiaire_id, "                                                                  \
    "max(CASE WHEN " LEVEL("ac", "c") " IN ('entierement_accompagne', 'partiellement_autonome') "  \
    "THEN c.date END) AS dernier_bas, "                                                            \
    "max(CASE WHEN " LEVEL("ac", "c") " = 'autonome' AND c.date >= $1 AND " SCOPE("c") " "         \
    "THEN c.date END) AS autonome "                                                                \
    "FROM accompagnements ac JOIN cra c ON c.id = ac.cra_id "                                      \
    "WHERE ac.beneficiaire_id IN ("                                                                \
    "SELECT ac0.beneficiaire_id FROM cra c0 JOIN accompagnements ac0 ON ac0.cra_id = c0.id "       \
    "WHERE " driver " AND c0.date >= $1 AND c0.date <= $2 AND " SCOPE("c0") " "                    \
    "AND c0.deleted_at IS NULL AND " LEVEL("ac0", "c0") " = 'autonome') "                          \
    "AND c.deleted_at IS NULL AND c.date <= $2 "                                                   \
    "GROUP BY ac.beneficiaire_id) t "                                                              \
    "WHERE dernier_bas IS NOT NULL AND autonome > dernier_bas"
/* clang-format on */

/* One text per index that drives the scope. */
static const char SQL_AUTONOMOUS_MEDIATEUR[] = BECAME_AUTONOMOUS("c0.mediateur_id = $5");
static const char SQL_AUTONOMOUS_STRUCTURE[] = BECAME_AUTONOMOUS("c0.structure_id = $4");
static const char SQL_AUTONOMOUS_DEPARTEMENT[] = BECAME_AUTONOMOUS("c0.departement = $3");
static const char SQL_AUTONOMOUS_PLATFORM[] = BECAME_AUTONOMOUS("c0.date >= $1");

int suivi_count_became_autonomous(struct db *db, const struct suivi_scope *scope, int64_t *count)
{
    *count = 0;
    struct db_stmt *st;
    const char *dep = scope->departement ? scope->departement : "";
    const char *sql = scope->mediateur_id   ? SQL_AUTONOMOUS_MEDIATEUR
                      : scope->structure_id ? SQL_AUTONOMOUS_STRUCTURE
                      : *dep                ? SQL_AUTONOMOUS_DEPARTEMENT
                                            : SQL_AUTONOMOUS_PLATFORM;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, scope->from && *scope->from ? scope->from : "0000-00-00");
    db_bind_text(st, 2, scope->to && *scope->to ? scope->to : "9999-99-99");
    db_bind_text(st, 3, dep);
    db_bind_int64(st, 4, scope->structure_id);
    db_bind_int64(st, 5, scope->mediateur_id);
    rc = db_step_one(st);
    if (rc == 0)
        *count = db_col_int64(st, 0);
    db_reset(st);
    return rc;
}
