/*
 * The demo's CRAs: for each demo médiateur, twelve months of invented activity (origine 'demo',
 * shown « démo »), drawn from a fixed seed so that every demo is the same: a few CRAs on most
 * working days, mostly individual, some procedures and workshops, the durations and thématiques a
 * médiateur of a France Services would record, people mostly over sixty, some seen again with a
 * rising autonomy. They go through the CRA store, so the statistics count them like any other.
 */
#include "activite/activite.h"
#include "activite/cra.h"
#include "core/arena.h"
#include "core/err.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char SQL_DEMO_MEDIATEURS[] =
    "SELECT u.id, m.structure_id, s.departement, s.nom FROM users u "
    "JOIN memberships m ON m.user_id = u.id JOIN structures s ON s.id = m.structure_id "
    "WHERE u.demo = 1 AND m.role = 'mediateur' ORDER BY u.id";
/* The demo structures are real France Services whose real place is in the lieux under the same
 * name; otherwise any lieu of the département. */
static const char SQL_LIEU_OF[] =
    "SELECT id FROM lieux WHERE departement = $1 ORDER BY CASE WHEN nom = $2 THEN 0 ELSE 1 END, "
    "CASE WHEN structure_id = $3 THEN 0 ELSE 1 END, id LIMIT 1";

struct rng {
    uint64_t s;
};

static uint32_t next(struct rng *r)
{
    /* xorshift64*: enough for invented data, the same on every machine. */
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return (uint32_t)((r->s * 2685821657736338717ULL) >> 32);
}

static int below(struct rng *r, int n) { return (int)(next(r) % (uint32_t)n); }

/* An index drawn with the given weights. */
static int weighted(struct rng *r, const int *w, int n)
{
    int total = 0;
    for (int i = 0; i < n; i++)
        total += w[i];
    int x = below(r, total);
    for (int i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

static const int duree_values[] = {15, 30, 45, 60, 90, 120, 20};
static const int duree_weights[] = {8, 30, 25, 22, 8, 4, 3};
/* Mediation thématiques, by how often a France Services médiateur meets them. */
static const enum thematique mediation[] = {THEMATIQUE_PRENDRE_EN_MAIN_DU_MATERIEL,
                                            THEMATIQUE_EMAIL,
                                            THEMATIQUE_NAVIGATION_SUR_INTERNET,
                                            THEMATIQUE_SECURITE_NUMERIQUE,
                                            THEMATIQUE_BANQUE_ET_ACHATS_EN_LIGNE,
                                            THEMATIQUE_SANTE,
                                            THEMATIQUE_GERE_SES_CONTENUS_NUMERIQUES,
                                            THEMATIQUE_BUREAUTIQUE,
                                            THEMATIQUE_RESEAUX_SOCIAUX,
                                            THEMATIQUE_INSERTION_PROFESSIONNELLE,
                                            THEMATIQUE_DIAGNOSTIC_NUMERIQUE,
                                            THEMATIQUE_INTELLIGENCE_ARTIFICIELLE};
static const int mediation_weights[] = {20, 18, 14, 12, 10, 9, 6, 5, 4, 4, 3, 2};
static const enum thematique demarches[] = {THEMATIQUE_SOCIAL_SANTE,
                                            THEMATIQUE_ARGENT_IMPOTS,
                                            THEMATIQUE_PAPIERS_ELECTIONS_CITOYENNETE,
                                            THEMATIQUE_TRAVAIL_FORMATION,
                                            THEMATIQUE_LOGEMENT,
                                            THEMATIQUE_TRANSPORTS_MOBILITE,
                                            THEMATIQUE_FAMILLE_SCOLARITE,
                                            THEMATIQUE_ETRANGERS_EUROPE};
static const int demarche_weights[] = {22, 20, 18, 12, 10, 8, 6, 4};
static const char *const precisions[] = {
    "Déclaration de revenus", "Demande de carte grise",        "Dossier de retraite",
    "Compte Ameli",           "Demande d’allocation logement", "Renouvellement de passeport"};
static const char *const ateliers[] = {
    "Premiers pas sur la tablette",     "Repérer les arnaques en ligne",      "Mon espace santé",
    "Envoyer des photos à ses proches", "Les démarches en ligne sans stress", "Découvrir l’IA"};
static const int genre_weights[] = {42, 55, 3};
static const int tranche_weights[] = {1, 3, 6, 14, 22, 26, 25, 3};
static const int statut_weights[] = {4, 14, 20, 57, 5};

struct known {
    int64_t id;
    enum autonomie autonomie;
};

static void day_of(int64_t t, char out[11])
{
    struct tm tm;
    time_t tt = (time_t)t;
    gmtime_r(&tt, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static int demo_of(struct db *db, struct arena *a, int64_t mediateur, int64_t structure,
                   const char *departement, int64_t lieu, int64_t now, struct rng *r, int *count)
{
    struct known seen[64];
    size_t n_seen = 0;
    for (int day = 365; day >= 1; day--) {
        int64_t t = now - (int64_t)day * 86400;
        time_t tt = (time_t)t;
        struct tm tm;
        gmtime_r(&tt, &tm);
        if (tm.tm_wday == 0 || tm.tm_wday == 6 || below(r, 10) == 0)
            continue; /* week-ends, and some days off */
        int per_day = 1 + below(r, 3);
        for (int k = 0; k < per_day; k++) {
            struct cra c;
            cra_init(&c);
            c.mediateur_id = mediateur;
            c.structure_id = structure;
            c.departement = departement;
            c.origine = CRA_ORIGINE_DEMO;
            day_of(t, c.date);
            int kind = below(r, 100);
            c.type = kind < 68 ? CRA_INDIVIDUEL : kind < 86 ? CRA_DEMARCHE : CRA_COLLECTIF;
            c.duree = duree_values[weighted(r, duree_weights, 7)];
            int canal = below(r, 100);
            c.type_lieu = canal < 78 && lieu ? TYPE_LIEU_LIEU_ACTIVITE
                          : canal < 88       ? TYPE_LIEU_A_DISTANCE
                          : canal < 96       ? TYPE_LIEU_DOMICILE
                                             : TYPE_LIEU_AUTRE;
            if (c.type_lieu == TYPE_LIEU_LIEU_ACTIVITE)
                c.lieu_id = lieu;
            if (c.type_lieu == TYPE_LIEU_DOMICILE || c.type_lieu == TYPE_LIEU_AUTRE) {
                /* Communes of Mayenne around the demo structures. */
                static const char *const insee[] = {"53130", "53147", "53062", "53003", "53096"};
                static const char *const nom[] = {"Laval", "Mayenne", "Château-Gontier-sur-Mayenne",
                                                  "Ambrières-les-Vallées", "Ernée"};
                int i = below(r, 5);
                c.commune_code_insee = insee[i];
                c.commune_nom = nom[i];
            }
            if (c.type == CRA_DEMARCHE) {
                c.thematiques[c.n_thematiques++] = demarches[weighted(r, demarche_weights, 8)];
                if (below(r, 2))
                    c.precisions_demarche = precisions[below(r, 6)];
            } else {
                int n = 1 + (below(r, 3) == 0);
                for (int i = 0; i < n; i++)
                    c.thematiques[c.n_thematiques++] =
                        mediation[weighted(r, mediation_weights, 12)];
            }
            c.materiel[c.n_materiel++] = below(r, 3) ? MATERIEL_TELEPHONE : MATERIEL_ORDINATEUR;
            struct cra_participant person = {0};
            if (c.type == CRA_COLLECTIF) {
                c.duree = below(r, 2) ? 90 : 120;
                c.titre_atelier = ateliers[below(r, 6)];
                c.niveau_atelier = (enum niveau_atelier)below(r, 2);
                int total = 3 + below(r, 8);
                c.anonymes.total = total;
                c.anonymes.deja_accompagne = below(r, total + 1);
                for (int i = 0; i < total; i++) {
                    c.anonymes.genre[weighted(r, genre_weights, GENRE_COUNT)]++;
                    c.anonymes.tranche_age[weighted(r, tranche_weights, TRANCHE_AGE_COUNT)]++;
                    c.anonymes.statut_social[weighted(r, statut_weights, STATUT_SOCIAL_COUNT)]++;
                }
            } else if (n_seen && below(r, 5) == 0) {
                /* Someone seen before comes back, a little more autonomous. */
                struct known *p = &seen[below(r, (int)n_seen)];
                person.beneficiaire_id = p->id;
                c.participants = &person;
                c.n_participants = 1;
                if (p->autonomie < AUTONOMIE_AUTONOME && below(r, 2))
                    p->autonomie = (enum autonomie)(p->autonomie + 1);
                c.autonomie = p->autonomie;
            } else {
                c.nouveau.genre = (enum genre)weighted(r, genre_weights, GENRE_COUNT);
                c.nouveau.tranche_age =
                    (enum tranche_age)weighted(r, tranche_weights, TRANCHE_AGE_COUNT);
                c.nouveau.statut_social =
                    (enum statut_social)weighted(r, statut_weights, STATUT_SOCIAL_COUNT);
                c.autonomie = (enum autonomie)below(r, AUTONOMIE_COUNT);
            }
            if (c.type != CRA_COLLECTIF && below(r, 8) == 0) {
                c.oriente = 1;
                c.structure_de_redirection =
                    c.type == CRA_DEMARCHE ? STRUCTURE_REDIRECTION_OPERATEUR_OU_ORGANISME_EN_CHARGE
                                           : STRUCTURE_REDIRECTION_AIDE_SOCIALE;
            }
            cra_normalise(&c);
            int rc = cra_insert(db, a, &c, mediateur, t + 3600 * (9 + k * 2));
            if (rc)
                return rc;
            if (c.type != CRA_COLLECTIF && !person.beneficiaire_id &&
                n_seen < sizeof(seen) / sizeof(seen[0]))
                seen[n_seen++] = (struct known){c.participants[0].beneficiaire_id, c.autonomie};
            (*count)++;
        }
    }
    return 0;
}

int activite_demo(struct db *db, struct arena *a, int64_t now, int *count)
{
    *count = 0;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_DEMO_MEDIATEURS, &st);
    if (rc)
        return rc;
    struct {
        int64_t user, structure;
        const char *departement, *nom;
    } who[16];
    size_t n = 0;
    while ((rc = db_step(st)) == 1 && n < 16) {
        who[n].user = db_col_int64(st, 0);
        who[n].structure = db_col_int64(st, 1);
        who[n].departement = db_col_dup(st, 2, a);
        who[n].nom = db_col_dup(st, 3, a);
        n++;
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    if ((rc = db_begin(db)))
        return rc;
    for (size_t i = 0; i < n && rc == 0; i++) {
        int64_t lieu = 0;
        if ((rc = db_prepare(db, SQL_LIEU_OF, &st)))
            break;
        db_bind_text(st, 1, who[i].departement);
        db_bind_text(st, 2, who[i].nom);
        db_bind_int64(st, 3, who[i].structure);
        rc = db_step_one(st);
        if (rc == 0)
            lieu = db_col_int64(st, 0);
        db_reset(st);
        if (rc && rc != ERR_NOT_FOUND)
            break;
        struct rng r = {0x9E3779B97F4A7C15ULL ^ (uint64_t)who[i].user};
        rc =
            demo_of(db, a, who[i].user, who[i].structure, who[i].departement, lieu, now, &r, count);
    }
    if (rc == 0)
        rc = db_commit(db);
    else
        db_rollback(db);
    return rc;
}
