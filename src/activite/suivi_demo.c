/*
 * The demo of the follow-up: an invented person, named with her (invented) consent and marked démo,
 * accompanied five times with a rising autonomy, and a few invented activities of the coordinator.
 * The CRAs go through the CRA store, so that the statistics count them like any other.
 */
#include "activite/beneficiaires.h"
#include "activite/coordination.h"
#include "activite/cra.h"
#include "activite/suivi.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char SQL_MEMBER[] =
    "SELECT u.id, m.structure_id, m.departement FROM users u JOIN memberships m ON m.user_id = "
    "u.id WHERE u.email = $1 ORDER BY m.id LIMIT 1";
static const char SQL_COORDINATOR[] =
    "SELECT u.id, c.departement FROM users u JOIN coordinator_scopes c ON c.user_id = u.id WHERE "
    "u.email = $1 ORDER BY c.departement LIMIT 1";

static void day_of(int64_t t, char out[11])
{
    struct tm tm;
    time_t tt = (time_t)t;
    gmtime_r(&tt, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

struct visit {
    int days_ago;
    int duree;
    enum type_lieu lieu;
    enum autonomie autonomie;
    enum thematique thematiques[3];
    size_t n;
    const char *notes;
};

static const struct visit visits[] = {
    {150,
     60,
     TYPE_LIEU_DOMICILE,
     AUTONOMIE_ENTIEREMENT_ACCOMPAGNE,
     {THEMATIQUE_PRENDRE_EN_MAIN_DU_MATERIEL, THEMATIQUE_EMAIL},
     2,
     "Première visite : allumer la tablette, créer une adresse e-mail."},
    {120,
     45,
     TYPE_LIEU_DOMICILE,
     AUTONOMIE_ENTIEREMENT_ACCOMPAGNE,
     {THEMATIQUE_EMAIL, THEMATIQUE_NAVIGATION_SUR_INTERNET},
     2,
     NULL},
    {90,
     60,
     TYPE_LIEU_A_DISTANCE,
     AUTONOMIE_PARTIELLEMENT_AUTONOME,
     {THEMATIQUE_AIDE_AUX_DEMARCHES_ADMINISTRATIVES, THEMATIQUE_SOCIAL_SANTE},
     2,
     NULL},
    {45,
     45,
     TYPE_LIEU_DOMICILE,
     AUTONOMIE_PARTIELLEMENT_AUTONOME,
     {THEMATIQUE_BANQUE_ET_ACHATS_EN_LIGNE, THEMATIQUE_SECURITE_NUMERIQUE},
     2,
     NULL},
    {10,
     30,
     TYPE_LIEU_DOMICILE,
     AUTONOMIE_AUTONOME,
     {THEMATIQUE_SANTE},
     1,
     "Ouvre seule son espace santé et prend ses rendez-vous en ligne."},
};

static int demo_person(struct db *db, struct arena *a, int64_t mediateur, int64_t structure,
                       const char *departement, int64_t now)
{
    struct beneficiaire b = {.mediateur_id = mediateur,
                             .structure_id = structure,
                             .departement = departement,
                             .prenom = "Josiane",
                             .nom = "Exemple",
                             .annee_naissance = 1948,
                             .tranche_age = "soixante_dix_plus",
                             .genre = "feminin",
                             .statut_social = "retraite",
                             .commune_code_insee = "53130",
                             .commune_code_postal = "53000",
                             .commune_nom = "Laval",
                             .notes = "Personne inventée pour la démonstration.",
                             .demo = true};
    int rc = db_begin(db);
    if (rc == 0)
        rc = beneficiaire_create(db, a, &b, mediateur, now - 150 * 86400LL);
    if (rc == 0)
        rc = db_commit(db);
    if (rc) {
        db_rollback(db);
        return rc;
    }
    for (size_t i = 0; i < sizeof(visits) / sizeof(visits[0]) && rc == 0; i++) {
        const struct visit *v = &visits[i];
        struct cra c;
        cra_init(&c);
        c.type = CRA_INDIVIDUEL;
        c.mediateur_id = mediateur;
        c.structure_id = structure;
        c.departement = departement;
        day_of(now - v->days_ago * 86400LL, c.date);
        c.duree = v->duree;
        c.type_lieu = v->lieu;
        if (v->lieu == TYPE_LIEU_DOMICILE) {
            c.commune_code_insee = "53130";
            c.commune_code_postal = "53000";
            c.commune_nom = "Laval";
        }
        memcpy(c.thematiques, v->thematiques, v->n * sizeof(v->thematiques[0]));
        c.n_thematiques = v->n;
        c.materiel[0] = MATERIEL_TABLETTE;
        c.n_materiel = 1;
        c.autonomie = v->autonomie;
        c.notes = v->notes;
        c.origine = CRA_ORIGINE_DEMO;
        struct cra_participant p = {.beneficiaire_id = b.id};
        c.participants = &p;
        c.n_participants = 1;
        cra_normalise(&c);
        struct cra_errors errs = {0};
        char today[11];
        day_of(now, today);
        rc = cra_validate(&c, today, &errs);
        if (rc) {
            fprintf(stderr, "relais : démo du suivi : %s\n",
                    errs.n ? errs.items[0].message : "CRA refusé");
            break;
        }
        rc = cra_create(db, a, &c, mediateur, now - v->days_ago * 86400LL);
    }
    if (rc == 0)
        printf("démonstration du suivi : une personne suivie sur %zu visites (fiche n° %lld)\n",
               sizeof(visits) / sizeof(visits[0]), (long long)b.id);
    return rc;
}

static int demo_coordination(struct db *db, int64_t coordinateur, const char *departement,
                             int64_t now)
{
    char d1[11], d2[11], d3[11];
    day_of(now - 60 * 86400LL, d1);
    day_of(now - 35 * 86400LL, d2);
    day_of(now - 20 * 86400LL, d3);
    struct coordination list[] = {
        {.type = "animation",
         .date = d1,
         .duree = 120,
         .type_animation = "reunion_coordination",
         .initiative = "initiative",
         .thematiques_animation = "reseau|partage",
         .mediateurs = 14,
         .structures = 9,
         .autres_acteurs = 2,
         .participants = 16,
         .notes = "Réunion bimestrielle du réseau (démo)."},
        {.type = "evenement",
         .date = d2,
         .duree = 360,
         .nom = "Numérique en Commun[s] local (démo)",
         .type_evenement = "nec_local",
         .organisateurs = "ma_structure|departement",
         .echelon_territorial = "departemental",
         .participants = 85},
        {.type = "partenariat",
         .date = d3,
         .nom = "Convention avec la CAF (démo)",
         .echelon_territorial = "departemental",
         .natures_partenariat = "parcours_usager",
         .structures = 2},
    };
    int rc = 0;
    for (size_t i = 0; i < sizeof(list) / sizeof(list[0]) && rc == 0; i++) {
        list[i].coordinateur_id = coordinateur;
        list[i].departement = departement;
        list[i].demo = true;
        rc = coordination_insert(db, &list[i], now);
    }
    if (rc == 0)
        printf("démonstration de l'animation du réseau : %zu activités du coordinateur\n",
               sizeof(list) / sizeof(list[0]));
    return rc;
}

int suivi_demo(struct db *db, struct arena *a, const char *mediateur_email,
               const char *coordinateur_email, int64_t now)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_MEMBER, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, mediateur_email);
    rc = db_step_one(st);
    int64_t mediateur = 0, structure = 0;
    const char *departement = NULL;
    if (rc == 0) {
        mediateur = db_col_int64(st, 0);
        structure = db_col_int64(st, 1);
        departement = db_col_dup(st, 2, a);
    }
    db_reset(st);
    if (rc == 0)
        rc = demo_person(db, a, mediateur, structure, departement, now);
    else if (rc == ERR_NOT_FOUND)
        rc = 0;
    if (rc)
        return rc;
    if ((rc = db_prepare(db, SQL_COORDINATOR, &st)))
        return rc;
    db_bind_text(st, 1, coordinateur_email);
    rc = db_step_one(st);
    int64_t coordinateur = 0;
    const char *coord_dep = NULL;
    if (rc == 0) {
        coordinateur = db_col_int64(st, 0);
        coord_dep = db_col_dup(st, 1, a);
    }
    db_reset(st);
    if (rc == ERR_NOT_FOUND)
        return 0;
    if (rc)
        return rc;
    return demo_coordination(db, coordinateur, coord_dep, now);
}
