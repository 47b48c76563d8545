/* Invented referrals for the demo, marked démo in the interface. */
#include "comptes/comptes.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"
#include "html/ui.h"
#include "orientation/orientation.h"

#define DAY 86400

static const char *const tel[] = {"telephone"};
static const char *const besoin_demarches[] = {"Aide aux démarches administratives"};
static const char *const besoin_outils[] = {"Maîtrise des outils numériques du quotidien"};

static int one(struct db *db, struct arena *a, int64_t from, int64_t to, int64_t user_id,
               const char *user_name, const char *personne, const char *const *besoins,
               const char *motif, int64_t at, int64_t *id)
{
    struct structure dest;
    int rc = structure_get(db, a, to, &dest);
    if (rc)
        return rc;
    struct orientation_input in = {
        .from_structure_id = from,
        .from_user_id = user_id,
        .from_user_name = user_name,
        .to_structure_id = to,
        .destination_nom = dest.nom,
        .personne = personne,
        .contact = "06 00 00 00 00 (démo)",
        .preferences = (const char **)tel,
        .n_preferences = 1,
        .besoins = (const char **)besoins,
        .n_besoins = 1,
        .motif = motif,
        .engagement = true,
        .demo = true,
    };
    struct ui_errors errs = {0};
    return orientation_create(db, a, &in, dest.departement, at, &errs, id);
}

int orientation_demo(struct db *db, struct arena *a, int64_t first, const char *sender_email,
                     int64_t now)
{
    struct user u;
    int rc = user_find_by_email(db, a, sender_email, &u);
    if (rc)
        return rc;
    int64_t id;
    const struct orientation_actor them = {0, "Accueil (démo)", SIDE_RECEPTION};
    const struct orientation_actor us = {u.id, u.name, SIDE_RECEPTION};
    if ((rc = one(db, a, first + 1, first, 0, "Conseiller (démo)", "Démo J.", besoin_outils,
                  "Démo : souhaite apprendre à se servir de sa nouvelle tablette pour échanger "
                  "avec ses petits-enfants.",
                  now - 2 * DAY, &id)))
        return rc;
    if ((rc = one(db, a, first + 2, first, 0, "Conseillère (démo)", "Démo R. T.", besoin_demarches,
                  "Démo : doit déclarer ses revenus en ligne pour la première fois, sans adresse "
                  "e-mail.",
                  now - 6 * DAY, &id)) ||
        (rc = orientation_set_status(db, id, OS_ACCEPTEE, &us, NULL,
                                     "Démo : rendez-vous proposé jeudi à 14 h.", now - 5 * DAY)))
        return rc;
    if ((rc = one(db, a, first, first + 1, u.id, u.name, "Démo M.", besoin_demarches,
                  "Démo : renouvellement de titre de séjour, besoin d'un accompagnement long.",
                  now - 12 * DAY, &id)) ||
        (rc = orientation_set_status(db, id, OS_REFUSEE, &them, "complet",
                                     "Démo : plus de créneau ce mois-ci, rappelez-nous en juin.",
                                     now - 10 * DAY)))
        return rc;
    return 0;
}

/* The demo's referrals sent by a médiateur go with the demo's followed person of their structure
 * (run after the activité demo made her), so that her journey shows a referral beside her visits. */
static const char SQL_DEMO_LINK[] =
    "UPDATE orientations SET beneficiaire_id = (SELECT MIN(b.id) FROM beneficiaires b "
    "WHERE b.demo = 1 AND b.anonyme = 0 AND b.structure_id = orientations.from_structure_id) "
    "WHERE demo = 1 AND from_user_id IS NOT NULL AND beneficiaire_id IS NULL";

int orientation_demo_link_person(struct db *db)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_DEMO_LINK, &st);
    if (rc)
        return rc;
    return db_exec_stmt(st);
}
