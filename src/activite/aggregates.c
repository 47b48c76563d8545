#include "activite/aggregates.h"
#include "activite/cra.h"
#include "activite/vocab.h"
#include "core/err.h"
#include "core/log.h"
#include "db/db.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* The CRA as the counters see it, read from its rows (not from the caller's struct), so that a
 * counter always says what the raw rows say. */
static const char SQL_CRA[] =
    "SELECT c.type, c.departement, c.structure_id, c.mediateur_id, COALESCE(c.lieu_id, 0), c.date, "
    "c.duree, c.type_lieu, COALESCE(c.commune_code_insee, l.code_insee), c.materiel, c.autonomie, "
    "c.accompagnements_count, c.anon_total, c.anon_deja_accompagne, "
    "c.anon_genre_masculin, c.anon_genre_feminin, c.anon_genre_non_communique, "
    "c.anon_tranche_moins_de_douze, c.anon_tranche_douze_dix_huit, "
    "c.anon_tranche_dix_huit_vingt_quatre, c.anon_tranche_vingt_cinq_trente_neuf, "
    "c.anon_tranche_quarante_cinquante_neuf, c.anon_tranche_soixante_soixante_neuf, "
    "c.anon_tranche_soixante_dix_plus, c.anon_tranche_non_communique, "
    "c.anon_statut_scolarise, c.anon_statut_sans_emploi, c.anon_statut_en_emploi, "
    "c.anon_statut_retraite, c.anon_statut_non_communique "
    "FROM cra c LEFT JOIN lieux l ON l.id = c.lieu_id WHERE c.id = $1";
static const char SQL_THEMATIQUES[] = "SELECT thematique FROM cra_thematiques WHERE cra_id = $1";
static const char SQL_TAGS[] = "SELECT tag_id FROM cra_tags WHERE cra_id = $1";
static const char SQL_PEOPLE[] =
    "SELECT a.beneficiaire_id, a.premier_accompagnement, b.anonyme, b.genre, b.tranche_age, "
    "b.statut_social, b.commune_code_insee FROM accompagnements a "
    "JOIN beneficiaires b ON b.id = a.beneficiaire_id WHERE a.cra_id = $1 ORDER BY "
    "a.beneficiaire_id";

/* Eight pairs at a time, each for the three levels (platform, département, finest): the pairs of
 * a CRA in two or three statements instead of one each. $1 departement, $2 mois, $3 structure,
 * $4 médiateur, $5 lieu, then six values per pair (dim, valeur, activites, accompagnements,
 * minutes, participants); an unused slot has dim -1. */
#define STATS_BATCH 8
static const char SQL_STATS_ADD8[] =
    "INSERT INTO activite_stats (niveau, departement, mois, structure_id, mediateur_id, lieu_id, "
    "dim, valeur, activites, accompagnements, minutes, participants) "
    "SELECT lv.n, CASE WHEN lv.n = 0 THEN '' ELSE CAST($1 AS TEXT) END, CAST($2 AS INTEGER), "
    "CASE WHEN lv.n = 2 THEN CAST($3 AS BIGINT) ELSE 0 END, "
    "CASE WHEN lv.n = 2 THEN CAST($4 AS BIGINT) ELSE 0 END, "
    "CASE WHEN lv.n = 2 THEN CAST($5 AS BIGINT) ELSE 0 END, "
    "v.column1, v.column2, v.column3, v.column4, v.column5, v.column6 FROM (VALUES "
    "(CAST($6 AS INTEGER), CAST($7 AS TEXT), CAST($8 AS BIGINT), CAST($9 AS BIGINT), "
    "CAST($10 AS BIGINT), CAST($11 AS BIGINT)), "
    "(CAST($12 AS INTEGER), CAST($13 AS TEXT), CAST($14 AS BIGINT), CAST($15 AS BIGINT), "
    "CAST($16 AS BIGINT), CAST($17 AS BIGINT)), "
    "(CAST($18 AS INTEGER), CAST($19 AS TEXT), CAST($20 AS BIGINT), CAST($21 AS BIGINT), "
    "CAST($22 AS BIGINT), CAST($23 AS BIGINT)), "
    "(CAST($24 AS INTEGER), CAST($25 AS TEXT), CAST($26 AS BIGINT), CAST($27 AS BIGINT), "
    "CAST($28 AS BIGINT), CAST($29 AS BIGINT)), "
    "(CAST($30 AS INTEGER), CAST($31 AS TEXT), CAST($32 AS BIGINT), CAST($33 AS BIGINT), "
    "CAST($34 AS BIGINT), CAST($35 AS BIGINT)), "
    "(CAST($36 AS INTEGER), CAST($37 AS TEXT), CAST($38 AS BIGINT), CAST($39 AS BIGINT), "
    "CAST($40 AS BIGINT), CAST($41 AS BIGINT)), "
    "(CAST($42 AS INTEGER), CAST($43 AS TEXT), CAST($44 AS BIGINT), CAST($45 AS BIGINT), "
    "CAST($46 AS BIGINT), CAST($47 AS BIGINT)), "
    "(CAST($48 AS INTEGER), CAST($49 AS TEXT), CAST($50 AS BIGINT), CAST($51 AS BIGINT), "
    "CAST($52 AS BIGINT), CAST($53 AS BIGINT))"
    ") v CROSS JOIN (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2) lv WHERE v.column1 >= 0"
    " ON CONFLICT (niveau, departement, mois, structure_id, mediateur_id, lieu_id, dim, valeur) "
    "DO UPDATE SET activites = activite_stats.activites + excluded.activites, "
    "accompagnements = activite_stats.accompagnements + excluded.accompagnements, "
    "minutes = activite_stats.minutes + excluded.minutes, "
    "participants = activite_stats.participants + excluded.participants";
static const char SQL_JOURS_ADD[] =
    "INSERT INTO activite_stats_jours (niveau, departement, jour, structure_id, mediateur_id, "
    "lieu_id, activites, accompagnements, minutes, participants) VALUES "
    "(0, '', $1, 0, 0, 0, $2, $3, $4, $5), "
    "(1, $6, $1, 0, 0, 0, $2, $3, $4, $5), "
    "(2, $6, $1, $7, $8, $9, $2, $3, $4, $5) "
    "ON CONFLICT (niveau, departement, jour, structure_id, mediateur_id, lieu_id) "
    "DO UPDATE SET activites = activite_stats_jours.activites + excluded.activites, "
    "accompagnements = activite_stats_jours.accompagnements + excluded.accompagnements, "
    "minutes = activite_stats_jours.minutes + excluded.minutes, "
    "participants = activite_stats_jours.participants + excluded.participants";

#define PRESENCE_KEY                                                                               \
    "beneficiaire_id = $1 AND niveau = $2 AND departement = $3 AND structure_id = $4 AND "         \
    "mediateur_id = $5"
/* Every month of one person in every scope: a few rows (one per scope and month seen), read once
 * per person and CRA, so that the previous and next months come from memory. */
static const char SQL_PRESENCE_ALL[] =
    "SELECT niveau, departement, structure_id, mediateur_id, mois, accompagnements, anonyme FROM "
    "activite_stats_presences WHERE beneficiaire_id = $1";
static const char SQL_PRESENCE_INSERT[] =
    "INSERT INTO activite_stats_presences (beneficiaire_id, niveau, departement, structure_id, "
    "mediateur_id, mois, anonyme, accompagnements) VALUES ($1, $2, $3, $4, $5, $6, $7, 1)";
static const char SQL_PRESENCE_ADD[] =
    "UPDATE activite_stats_presences SET accompagnements = accompagnements + $7 WHERE " PRESENCE_KEY
    " AND mois = $6";
static const char SQL_PRESENCE_DELETE[] =
    "DELETE FROM activite_stats_presences WHERE " PRESENCE_KEY " AND mois = $6";
/* The same for the four scopes of one CRA at once ($2 mois, $3 departement, $4 structure, $5
 * médiateur): the common case, where the person's month is new (or stays) in every scope. */
static const char SQL_PRESENCE_INSERT4[] =
    "INSERT INTO activite_stats_presences (beneficiaire_id, niveau, departement, structure_id, "
    "mediateur_id, mois, anonyme, accompagnements) VALUES ($1, 0, '', 0, 0, $2, $6, 1), "
    "($1, 1, $3, 0, 0, $2, $6, 1), ($1, 2, $3, $4, 0, $2, $6, 1), ($1, 3, $3, $4, $5, $2, $6, 1)";
#define PRESENCE_SCOPES4                                                                           \
    "beneficiaire_id = $1 AND mois = $2 AND (niveau = 0 OR (niveau = 1 AND departement = $3) OR "  \
    "(niveau = 2 AND departement = $3 AND structure_id = $4) OR (niveau = 3 AND departement = $3 " \
    "AND structure_id = $4 AND mediateur_id = $5))"
static const char SQL_PRESENCE_ADD4[] = "UPDATE activite_stats_presences SET accompagnements = "
                                        "accompagnements + $6 WHERE " PRESENCE_SCOPES4;
static const char SQL_PRESENCE_DELETE4[] =
    "DELETE FROM activite_stats_presences WHERE " PRESENCE_SCOPES4;
#define PERSONNES_UPSERT                                                                           \
    " ON CONFLICT (niveau, departement, mois, structure_id, mediateur_id, mois_precedent, "        \
    "anonyme) DO UPDATE SET personnes = activite_stats_personnes.personnes + excluded.personnes"
static const char SQL_PERSONNES_ADD[] =
    "INSERT INTO activite_stats_personnes (niveau, departement, mois, structure_id, mediateur_id, "
    "mois_precedent, anonyme, personnes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)" PERSONNES_UPSERT;
/* One link per scope ($1 mois, $2 departement, $3 structure, $4 médiateur, $5 anonyme, $6 delta,
 * $7..$10 the previous month in each scope). */
static const char SQL_PERSONNES_ADD4[] =
    "INSERT INTO activite_stats_personnes (niveau, departement, mois, structure_id, mediateur_id, "
    "mois_precedent, anonyme, personnes) VALUES (0, '', $1, 0, 0, $7, $5, $6), "
    "(1, $2, $1, 0, 0, $8, $5, $6), (2, $2, $1, $3, 0, $9, $5, $6), (3, $2, $1, $3, $4, $10, $5, "
    "$6)" PERSONNES_UPSERT;

/*
 * The rebuild counts every CRA at once with INSERT ... SELECT ... GROUP BY, the finest rows first
 * (niveau 2), then the département and platform rows from them. It gives what the writes give
 * (the unit tests check it) in minutes for millions of CRAs, where replaying each CRA's ~30
 * statements would take hours.
 */
#define RB_MOIS "CAST(substr(c.date, 1, 4) || substr(c.date, 6, 2) AS INTEGER)"
#define RB_KEY RB_MOIS ", c.structure_id, c.mediateur_id, COALESCE(c.lieu_id, 0)"
#define RB_INTO                                                                                    \
    "INSERT INTO activite_stats (niveau, departement, mois, structure_id, mediateur_id, lieu_id, " \
    "dim, valeur, activites, accompagnements, minutes, participants) "
#define RB_SUMS                                                                                    \
    "COUNT(*), SUM(c.accompagnements_count), SUM(c.duree), "                                       \
    "SUM(CASE WHEN c.type = 'collectif' THEN c.accompagnements_count ELSE 0 END)"
#define RB_UPSERT                                                                                  \
    " ON CONFLICT (niveau, departement, mois, structure_id, mediateur_id, lieu_id, dim, valeur) "  \
    "DO UPDATE SET activites = activite_stats.activites + excluded.activites, "                    \
    "accompagnements = activite_stats.accompagnements + excluded.accompagnements, "                \
    "minutes = activite_stats.minutes + excluded.minutes, "                                        \
    "participants = activite_stats.participants + excluded.participants"
/* GROUP_BY_VALUE is ", VALUE", or "" for a constant value (PostgreSQL refuses to group by a
 * literal). */
#define RB_CRA_(DIM, VALUE, JOIN, GROUP_BY_VALUE)                                                  \
    RB_INTO "SELECT 2, c.departement, " RB_KEY ", " DIM ", " VALUE ", " RB_SUMS                    \
            " FROM cra c LEFT JOIN lieux l ON l.id = c.lieu_id " JOIN                              \
            " WHERE c.deleted_at IS NULL AND " VALUE                                               \
            " IS NOT NULL GROUP BY c.departement, " RB_KEY GROUP_BY_VALUE RB_UPSERT
#define RB_CRA(DIM, VALUE, JOIN) RB_CRA_(DIM, VALUE, JOIN, ", " VALUE)
#define RB_PEOPLE_(DIM, VALUE, COND, GROUP_BY_VALUE)                                               \
    RB_INTO "SELECT 2, c.departement, " RB_KEY ", " DIM ", " VALUE ", 0, COUNT(*), 0, 0"           \
            " FROM cra c JOIN accompagnements a ON a.cra_id = c.id JOIN beneficiaires b ON b.id "  \
            "= a.beneficiaire_id WHERE c.deleted_at IS NULL AND " COND                             \
            " GROUP BY c.departement, " RB_KEY GROUP_BY_VALUE RB_UPSERT
#define RB_PEOPLE(DIM, VALUE, COND) RB_PEOPLE_(DIM, VALUE, COND, ", " VALUE)
#define RB_ANON(DIM, VALUE, EXPR)                                                                  \
    RB_INTO "SELECT 2, c.departement, " RB_KEY ", " DIM ", " VALUE ", 0, SUM(" EXPR "), 0, 0"      \
            " FROM cra c WHERE c.deleted_at IS NULL AND c.anon_total > 0 GROUP BY "                \
            "c.departement, " RB_KEY " HAVING SUM(" EXPR ") <> 0" RB_UPSERT
#define RB_TRANCHES                                                                                \
    "(c.anon_tranche_moins_de_douze + c.anon_tranche_douze_dix_huit + "                            \
    "c.anon_tranche_dix_huit_vingt_quatre + c.anon_tranche_vingt_cinq_trente_neuf + "              \
    "c.anon_tranche_quarante_cinquante_neuf + c.anon_tranche_soixante_soixante_neuf + "            \
    "c.anon_tranche_soixante_dix_plus + c.anon_tranche_non_communique)"
#define RB_STATUTS                                                                                 \
    "(c.anon_statut_scolarise + c.anon_statut_sans_emploi + c.anon_statut_en_emploi + "            \
    "c.anon_statut_retraite + c.anon_statut_non_communique)"

static const char *const sql_rebuild_finest[] = {
    "DELETE FROM activite_stats",
    "DELETE FROM activite_stats_jours",
    "DELETE FROM activite_stats_presences",
    "DELETE FROM activite_stats_personnes",
    RB_CRA_("0", "''", "", ""),
    RB_CRA("1", "c.type", ""),
    RB_CRA("2", "c.type_lieu", ""),
    RB_CRA("3",
           "CASE WHEN c.duree < 30 THEN 'moins_30' WHEN c.duree < 60 THEN '30_60' WHEN c.duree < "
           "120 THEN '60_120' ELSE '120_plus' END",
           ""),
    RB_CRA("4", "t.thematique", "JOIN cra_thematiques t ON t.cra_id = c.id"),
    RB_CRA("6", "mm.m",
           "JOIN (SELECT 'ordinateur' AS m UNION ALL SELECT 'telephone' UNION ALL SELECT "
           "'tablette' UNION ALL SELECT 'autre' UNION ALL SELECT 'aucun') mm ON ('|' || c.materiel "
           "|| '|') LIKE ('%|' || mm.m || '|%')"),
    RB_CRA("7", "COALESCE(c.commune_code_insee, l.code_insee)", ""),
    RB_CRA("8", "CAST(c.lieu_id AS TEXT)", ""),
    RB_CRA("9", "CAST(g.tag_id AS TEXT)", "JOIN cra_tags g ON g.cra_id = c.id"),
    RB_CRA("10", "c.autonomie", ""),
    RB_PEOPLE("11", "COALESCE(b.genre, 'non_communique')", "1 = 1"),
    RB_PEOPLE("12", "COALESCE(b.tranche_age, 'non_communique')", "1 = 1"),
    RB_PEOPLE("13", "COALESCE(b.statut_social, 'non_communique')", "1 = 1"),
    RB_PEOPLE("14", "b.commune_code_insee", "b.commune_code_insee IS NOT NULL"),
    RB_PEOPLE_("15", "'nouveaux'", "a.premier_accompagnement = 1", ""),
    RB_ANON("11", "'masculin'", "c.anon_genre_masculin"),
    RB_ANON("11", "'feminin'", "c.anon_genre_feminin"),
    RB_ANON("11", "'non_communique'",
            "c.anon_total - c.anon_genre_masculin - c.anon_genre_feminin"),
    RB_ANON("12", "'moins_de_douze'", "c.anon_tranche_moins_de_douze"),
    RB_ANON("12", "'douze_dix_huit'", "c.anon_tranche_douze_dix_huit"),
    RB_ANON("12", "'dix_huit_vingt_quatre'", "c.anon_tranche_dix_huit_vingt_quatre"),
    RB_ANON("12", "'vingt_cinq_trente_neuf'", "c.anon_tranche_vingt_cinq_trente_neuf"),
    RB_ANON("12", "'quarante_cinquante_neuf'", "c.anon_tranche_quarante_cinquante_neuf"),
    RB_ANON("12", "'soixante_soixante_neuf'", "c.anon_tranche_soixante_soixante_neuf"),
    RB_ANON("12", "'soixante_dix_plus'", "c.anon_tranche_soixante_dix_plus"),
    RB_ANON("12", "'non_communique'",
            "c.anon_tranche_non_communique + c.anon_total - " RB_TRANCHES),
    RB_ANON("13", "'scolarise'", "c.anon_statut_scolarise"),
    RB_ANON("13", "'sans_emploi'", "c.anon_statut_sans_emploi"),
    RB_ANON("13", "'en_emploi'", "c.anon_statut_en_emploi"),
    RB_ANON("13", "'retraite'", "c.anon_statut_retraite"),
    RB_ANON("13", "'non_communique'", "c.anon_statut_non_communique + c.anon_total - " RB_STATUTS),
    RB_ANON("15", "'anonymes_collectifs'", "c.anon_total"),
    RB_ANON("15", "'nouveaux'", "c.anon_total - c.anon_deja_accompagne"),
};

/* The rollups of the finest rows, and the people. */
static const char *const sql_rebuild_rollups[] = {
    RB_INTO "SELECT 1, departement, mois, 0, 0, 0, dim, valeur, SUM(activites), "
            "SUM(accompagnements), SUM(minutes), SUM(participants) FROM activite_stats WHERE "
            "niveau = 2 GROUP BY departement, mois, dim, valeur",
    RB_INTO "SELECT 0, '', mois, 0, 0, 0, dim, valeur, SUM(activites), SUM(accompagnements), "
            "SUM(minutes), SUM(participants) FROM activite_stats WHERE niveau = 1 GROUP BY mois, "
            "dim, valeur",
    "INSERT INTO activite_stats_jours (niveau, departement, jour, structure_id, mediateur_id, "
    "lieu_id, activites, accompagnements, minutes, participants) SELECT 2, c.departement, "
    "CAST(substr(c.date, 1, 4) || substr(c.date, 6, 2) || substr(c.date, 9, 2) AS INTEGER), "
    "c.structure_id, c.mediateur_id, COALESCE(c.lieu_id, 0), " RB_SUMS
    " FROM cra c WHERE c.deleted_at IS NULL GROUP BY 2, 3, 4, 5, 6",
    "INSERT INTO activite_stats_jours (niveau, departement, jour, structure_id, mediateur_id, "
    "lieu_id, activites, accompagnements, minutes, participants) SELECT 1, departement, jour, 0, "
    "0, 0, SUM(activites), SUM(accompagnements), SUM(minutes), SUM(participants) FROM "
    "activite_stats_jours WHERE niveau = 2 GROUP BY departement, jour",
    "INSERT INTO activite_stats_jours (niveau, departement, jour, structure_id, mediateur_id, "
    "lieu_id, activites, accompagnements, minutes, participants) SELECT 0, '', jour, 0, 0, 0, "
    "SUM(activites), SUM(accompagnements), SUM(minutes), SUM(participants) FROM "
    "activite_stats_jours WHERE niveau = 1 GROUP BY jour",
    /* people: their months per médiateur, then the wider scopes from them */
    "INSERT INTO activite_stats_presences (beneficiaire_id, niveau, departement, structure_id, "
    "mediateur_id, mois, anonyme, accompagnements) SELECT a.beneficiaire_id, 3, c.departement, "
    "c.structure_id, c.mediateur_id, " RB_MOIS ", MAX(b.anonyme), COUNT(*) FROM cra c JOIN "
    "accompagnements a ON a.cra_id = c.id JOIN beneficiaires b ON b.id = a.beneficiaire_id WHERE "
    "c.deleted_at IS NULL GROUP BY a.beneficiaire_id, c.departement, c.structure_id, "
    "c.mediateur_id, " RB_MOIS,
    "INSERT INTO activite_stats_presences (beneficiaire_id, niveau, departement, structure_id, "
    "mediateur_id, mois, anonyme, accompagnements) SELECT beneficiaire_id, 2, departement, "
    "structure_id, 0, mois, MAX(anonyme), SUM(accompagnements) FROM activite_stats_presences "
    "WHERE niveau = 3 GROUP BY beneficiaire_id, departement, structure_id, mois",
    "INSERT INTO activite_stats_presences (beneficiaire_id, niveau, departement, structure_id, "
    "mediateur_id, mois, anonyme, accompagnements) SELECT beneficiaire_id, 1, departement, 0, 0, "
    "mois, MAX(anonyme), SUM(accompagnements) FROM activite_stats_presences WHERE niveau = 2 "
    "GROUP BY beneficiaire_id, departement, mois",
    "INSERT INTO activite_stats_presences (beneficiaire_id, niveau, departement, structure_id, "
    "mediateur_id, mois, anonyme, accompagnements) SELECT beneficiaire_id, 0, '', 0, 0, mois, "
    "MAX(anonyme), SUM(accompagnements) FROM activite_stats_presences WHERE niveau = 1 GROUP BY "
    "beneficiaire_id, mois",
    "INSERT INTO activite_stats_personnes (niveau, departement, mois, structure_id, mediateur_id, "
    "mois_precedent, anonyme, personnes) SELECT niveau, departement, mois, structure_id, "
    "mediateur_id, precedent, anonyme, COUNT(*) FROM (SELECT niveau, departement, mois, "
    "structure_id, mediateur_id, anonyme, COALESCE(LAG(mois) OVER (PARTITION BY beneficiaire_id, "
    "niveau, departement, structure_id, mediateur_id ORDER BY mois), 0) AS precedent FROM "
    "activite_stats_presences) x GROUP BY niveau, departement, mois, structure_id, mediateur_id, "
    "precedent, anonyme",
};

/* The administrative thématiques move from dimension THEMATIQUE to DEMARCHE, one value at a time
 * from vocab.h (no second list here). */
static const char SQL_REBUILD_DEMARCHE[] =
    "UPDATE activite_stats SET dim = 5 WHERE dim = 4 AND valeur = $1";
static const char SQL_REBUILD_COUNT[] = "SELECT COUNT(*) FROM cra WHERE deleted_at IS NULL";

static const char *const band_values[ACTIVITE_DUREE_COUNT] = {"moins_30", "30_60", "60_120",
                                                              "120_plus"};
static const char *const band_labels[ACTIVITE_DUREE_COUNT] = {"Moins de 30 min", "30 min à 1 h",
                                                              "1 h à 2 h", "2 h et plus"};

enum activite_duree_band activite_duree_band_of(int minutes)
{
    if (minutes < 30)
        return ACTIVITE_DUREE_MOINS_30;
    if (minutes < 60)
        return ACTIVITE_DUREE_30_60;
    if (minutes < 120)
        return ACTIVITE_DUREE_60_120;
    return ACTIVITE_DUREE_120_PLUS;
}

const char *activite_duree_band_value(enum activite_duree_band b)
{
    return (unsigned)b < ACTIVITE_DUREE_COUNT ? band_values[b] : "";
}

const char *activite_duree_band_label(enum activite_duree_band b)
{
    return (unsigned)b < ACTIVITE_DUREE_COUNT ? band_labels[b] : "";
}

/* The pairs one CRA adds, merged by (dim, valeur) before they are written. */
#define MAX_PAIRS 512
#define VALUE_BYTES 48

struct pair {
    int dim;
    char valeur[VALUE_BYTES];
    int64_t activites, accompagnements, minutes, participants;
};

struct pairs {
    struct pair items[MAX_PAIRS];
    size_t n;
    int err;
};

static void pair_add(struct pairs *ps, int dim, const char *valeur, int64_t activites,
                     int64_t accompagnements, int64_t minutes, int64_t participants)
{
    if (!valeur || !*valeur || (activites == 0 && accompagnements == 0 && participants == 0))
        return;
    if (dim == ACTIVITE_DIM_TOTAL)
        valeur = "";
    for (size_t i = 0; i < ps->n; i++) {
        struct pair *p = &ps->items[i];
        if (p->dim == dim && strcmp(p->valeur, valeur) == 0) {
            p->activites += activites;
            p->accompagnements += accompagnements;
            p->minutes += minutes;
            p->participants += participants;
            return;
        }
    }
    if (ps->n == MAX_PAIRS || strlen(valeur) >= VALUE_BYTES) {
        ps->err = ERR_TOO_BIG;
        return;
    }
    struct pair *p = &ps->items[ps->n++];
    p->dim = dim;
    snprintf(p->valeur, sizeof(p->valeur), "%s", valeur);
    p->activites = activites;
    p->accompagnements = accompagnements;
    p->minutes = minutes;
    p->participants = participants;
}

/* The CRA-level facts read by SQL_CRA, kept while the people are read. */
struct cra_row {
    char type[16], departement[8], date[11], type_lieu[16], commune[8], materiel[128],
        autonomie[32];
    int64_t structure_id, mediateur_id, lieu_id;
    int64_t duree, accompagnements, anon[18];
};

static void copy_col(struct db_stmt *st, int col, char *dst, size_t cap)
{
    snprintf(dst, cap, "%s", db_col_text(st, col));
}

static int read_cra(struct db *db, int64_t id, struct cra_row *r)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_CRA, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    rc = db_step_one(st);
    if (rc) {
        db_reset(st);
        return rc;
    }
    copy_col(st, 0, r->type, sizeof(r->type));
    copy_col(st, 1, r->departement, sizeof(r->departement));
    r->structure_id = db_col_int64(st, 2);
    r->mediateur_id = db_col_int64(st, 3);
    r->lieu_id = db_col_int64(st, 4);
    copy_col(st, 5, r->date, sizeof(r->date));
    r->duree = db_col_int64(st, 6);
    copy_col(st, 7, r->type_lieu, sizeof(r->type_lieu));
    copy_col(st, 8, r->commune, sizeof(r->commune));
    copy_col(st, 9, r->materiel, sizeof(r->materiel));
    copy_col(st, 10, r->autonomie, sizeof(r->autonomie));
    r->accompagnements = db_col_int64(st, 11);
    for (int i = 0; i < 18; i++)
        r->anon[i] = db_col_int64(st, 12 + i);
    db_reset(st);
    return strlen(r->date) == 10 ? 0 : ERR_INTERNAL;
}

static int64_t month_of(const char *date)
{
    return (int64_t)(date[0] - '0') * 100000 + (date[1] - '0') * 10000 + (date[2] - '0') * 1000 +
           (date[3] - '0') * 100 + (date[5] - '0') * 10 + (date[6] - '0');
}

static int64_t day_of(const char *date)
{
    return month_of(date) * 100 + (date[8] - '0') * 10 + (date[9] - '0');
}

/* The pairs of the CRA itself (not of its people). */
static void cra_pairs(struct pairs *ps, const struct cra_row *r, int sign)
{
    int64_t acc = sign * r->accompagnements, min = sign * r->duree;
    int64_t part = strcmp(r->type, "collectif") == 0 ? acc : 0;
    pair_add(ps, ACTIVITE_DIM_TOTAL, "-", sign, acc, min, part);
    pair_add(ps, ACTIVITE_DIM_TYPE, r->type, sign, acc, min, part);
    pair_add(ps, ACTIVITE_DIM_CANAL, r->type_lieu, sign, acc, min, part);
    pair_add(ps, ACTIVITE_DIM_DUREE,
             activite_duree_band_value(activite_duree_band_of((int)r->duree)), sign, acc, min,
             part);
    pair_add(ps, ACTIVITE_DIM_COMMUNE, r->commune, sign, acc, min, part);
    if (r->lieu_id) {
        char id[24];
        snprintf(id, sizeof(id), "%lld", (long long)r->lieu_id);
        pair_add(ps, ACTIVITE_DIM_LIEU, id, sign, acc, min, part);
    }
    pair_add(ps, ACTIVITE_DIM_AUTONOMIE, r->autonomie, sign, acc, min, part);
    /* materiel is '|'-joined La Coop values */
    const char *m = r->materiel;
    while (*m) {
        const char *bar = strchr(m, '|');
        size_t len = bar ? (size_t)(bar - m) : strlen(m);
        char v[VALUE_BYTES];
        if (len > 0 && len < sizeof(v)) {
            memcpy(v, m, len);
            v[len] = '\0';
            pair_add(ps, ACTIVITE_DIM_MATERIEL, v, sign, acc, min, part);
        }
        m += len + (bar ? 1 : 0);
    }
    /* Anonymous workshop participants: counted by the workshop's own breakdown; what the
     * breakdown leaves out is « non communiqué » (see cra.h). */
    const int64_t *an = r->anon;
    int64_t total = an[0];
    if (total > 0) {
        int64_t g = an[2] + an[3] + an[4];
        pair_add(ps, ACTIVITE_DIM_GENRE, "masculin", 0, sign * an[2], 0, 0);
        pair_add(ps, ACTIVITE_DIM_GENRE, "feminin", 0, sign * an[3], 0, 0);
        pair_add(ps, ACTIVITE_DIM_GENRE, "non_communique", 0, sign * (an[4] + total - g), 0, 0);
        int64_t t = 0;
        for (int i = 0; i < TRANCHE_AGE_COUNT; i++)
            t += an[5 + i];
        for (int i = 0; i < TRANCHE_AGE_COUNT; i++) {
            int64_t n = an[5 + i] + (i == TRANCHE_AGE_NON_COMMUNIQUE ? total - t : 0);
            pair_add(ps, ACTIVITE_DIM_TRANCHE_AGE, vocab_value(&vocab_tranche_age, i), 0, sign * n,
                     0, 0);
        }
        int64_t s = 0;
        for (int i = 0; i < STATUT_SOCIAL_COUNT; i++)
            s += an[13 + i];
        for (int i = 0; i < STATUT_SOCIAL_COUNT; i++) {
            int64_t n = an[13 + i] + (i == STATUT_SOCIAL_NON_COMMUNIQUE ? total - s : 0);
            pair_add(ps, ACTIVITE_DIM_STATUT, vocab_value(&vocab_statut_social, i), 0, sign * n, 0,
                     0);
        }
        pair_add(ps, ACTIVITE_DIM_BENEFICIAIRES, "anonymes_collectifs", 0, sign * total, 0, 0);
        pair_add(ps, ACTIVITE_DIM_BENEFICIAIRES, "nouveaux", 0, sign * (total - an[1]), 0, 0);
    }
}

struct scope {
    int niveau;
    const char *departement;
    int64_t structure_id, mediateur_id;
};

static int personnes_add(struct db *db, const struct scope *s, int64_t mois, int64_t prev,
                         int anonyme, int64_t delta)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_PERSONNES_ADD, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, s->niveau);
    db_bind_text(st, 2, s->departement);
    db_bind_int64(st, 3, mois);
    db_bind_int64(st, 4, s->structure_id);
    db_bind_int64(st, 5, s->mediateur_id);
    db_bind_int64(st, 6, prev);
    db_bind_int64(st, 7, anonyme);
    db_bind_int64(st, 8, delta);
    return db_exec_stmt(st);
}

static void bind_presence_key(struct db_stmt *st, int64_t benef, const struct scope *s,
                              int64_t mois)
{
    db_bind_int64(st, 1, benef);
    db_bind_int64(st, 2, s->niveau);
    db_bind_text(st, 3, s->departement);
    db_bind_int64(st, 4, s->structure_id);
    db_bind_int64(st, 5, s->mediateur_id);
    db_bind_int64(st, 6, mois);
}

#define N_SCOPES 4
#define MAX_MONTHS 1024 /* rows of one person: scopes x months (4 x 36 for three years) */

struct month_row {
    int niveau;
    char departement[8];
    int64_t structure_id, mediateur_id, mois, accompagnements;
    int anonyme;
};

/* What one scope sees of the person around mois. */
struct around {
    const struct month_row *cur; /* the month itself, or NULL */
    int64_t prev, next;          /* 0 when none */
    int next_anonyme;
};

static bool in_scope(const struct month_row *r, const struct scope *s)
{
    return r->niveau == s->niveau && strcmp(r->departement, s->departement) == 0 &&
           r->structure_id == s->structure_id && r->mediateur_id == s->mediateur_id;
}

static struct around around_of(const struct month_row *rows, size_t n, const struct scope *s,
                               int64_t mois)
{
    struct around w = {0};
    for (size_t i = 0; i < n; i++) {
        const struct month_row *r = &rows[i];
        if (!in_scope(r, s))
            continue;
        if (r->mois == mois)
            w.cur = r;
        else if (r->mois < mois && r->mois > w.prev)
            w.prev = r->mois;
        else if (r->mois > mois && (!w.next || r->mois < w.next)) {
            w.next = r->mois;
            w.next_anonyme = r->anonyme;
        }
    }
    return w;
}

enum presence_action { PRESENCE_INSERT, PRESENCE_ADD, PRESENCE_DELETE };

/* The links of the people counts when a month enters (delta +1) or leaves (-1): next → prev
 * becomes next → mois → prev, or back. The first link (mois → prev) is not written here when
 * batched. */
static int relink_next(struct db *db, const struct scope *s, int64_t mois, const struct around *w,
                       int delta)
{
    if (!w->next)
        return 0;
    int rc = personnes_add(db, s, w->next, w->prev, w->next_anonyme, -delta);
    return rc ? rc : personnes_add(db, s, w->next, mois, w->next_anonyme, delta);
}

static int presence_one(struct db *db, int64_t benef, const struct scope *s, int64_t mois,
                        int anonyme, int sign, enum presence_action act, const struct around *w)
{
    struct db_stmt *st;
    const char *sql = act == PRESENCE_INSERT   ? SQL_PRESENCE_INSERT
                      : act == PRESENCE_DELETE ? SQL_PRESENCE_DELETE
                                               : SQL_PRESENCE_ADD;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    bind_presence_key(st, benef, s, mois);
    if (act != PRESENCE_DELETE)
        db_bind_int64(st, 7, act == PRESENCE_INSERT ? anonyme : sign);
    if ((rc = db_exec_stmt(st)) || act == PRESENCE_ADD)
        return rc;
    int delta = act == PRESENCE_INSERT ? +1 : -1;
    int a = act == PRESENCE_INSERT ? anonyme : w->cur->anonyme;
    if ((rc = personnes_add(db, s, mois, w->prev, a, delta)))
        return rc;
    return relink_next(db, s, mois, w, delta);
}

/* The person's month in the four scopes of the CRA. */
static int presence_apply(struct db *db, int64_t benef, const struct scope *scopes, int64_t mois,
                          int anonyme, int sign)
{
    static _Thread_local struct month_row rows[MAX_MONTHS];
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_PRESENCE_ALL, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, benef);
    size_t n = 0;
    while ((rc = db_step(st)) == 1) {
        if (n == MAX_MONTHS) {
            rc = ERR_TOO_BIG;
            break;
        }
        struct month_row *r = &rows[n++];
        r->niveau = (int)db_col_int64(st, 0);
        copy_col(st, 1, r->departement, sizeof(r->departement));
        r->structure_id = db_col_int64(st, 2);
        r->mediateur_id = db_col_int64(st, 3);
        r->mois = db_col_int64(st, 4);
        r->accompagnements = db_col_int64(st, 5);
        r->anonyme = (int)db_col_int64(st, 6);
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    struct around w[N_SCOPES];
    enum presence_action act[N_SCOPES];
    bool same = true;
    for (int k = 0; k < N_SCOPES; k++) {
        w[k] = around_of(rows, n, &scopes[k], mois);
        if (!w[k].cur && sign < 0) {
            log_error("activite: aggregates: person %lld not counted in %lld", (long long)benef,
                      (long long)mois);
            return ERR_INTERNAL;
        }
        act[k] = !w[k].cur                                    ? PRESENCE_INSERT
                 : sign < 0 && w[k].cur->accompagnements == 1 ? PRESENCE_DELETE
                                                              : PRESENCE_ADD;
        same =
            same && act[k] == act[0] &&
            (act[k] == PRESENCE_ADD ||
             (!w[k].next && (act[k] == PRESENCE_INSERT || w[k].cur->anonyme == w[0].cur->anonyme)));
    }
    if (!same) {
        for (int k = 0; k < N_SCOPES; k++)
            if ((rc = presence_one(db, benef, &scopes[k], mois, anonyme, sign, act[k], &w[k])))
                return rc;
        return 0;
    }
    /* Every scope does the same thing, with no later month to relink: two statements. */
    const char *sql = act[0] == PRESENCE_INSERT   ? SQL_PRESENCE_INSERT4
                      : act[0] == PRESENCE_DELETE ? SQL_PRESENCE_DELETE4
                                                  : SQL_PRESENCE_ADD4;
    if ((rc = db_prepare(db, sql, &st)))
        return rc;
    db_bind_int64(st, 1, benef);
    db_bind_int64(st, 2, mois);
    db_bind_text(st, 3, scopes[3].departement);
    db_bind_int64(st, 4, scopes[3].structure_id);
    db_bind_int64(st, 5, scopes[3].mediateur_id);
    if (act[0] != PRESENCE_DELETE)
        db_bind_int64(st, 6, act[0] == PRESENCE_INSERT ? anonyme : sign);
    if ((rc = db_exec_stmt(st)) || act[0] == PRESENCE_ADD)
        return rc;
    if ((rc = db_prepare(db, SQL_PERSONNES_ADD4, &st)))
        return rc;
    db_bind_int64(st, 1, mois);
    db_bind_text(st, 2, scopes[3].departement);
    db_bind_int64(st, 3, scopes[3].structure_id);
    db_bind_int64(st, 4, scopes[3].mediateur_id);
    db_bind_int64(st, 5, act[0] == PRESENCE_INSERT ? anonyme : w[0].cur->anonyme);
    db_bind_int64(st, 6, act[0] == PRESENCE_INSERT ? +1 : -1);
    for (int k = 0; k < N_SCOPES; k++)
        db_bind_int64(st, 7 + k, w[k].prev);
    return db_exec_stmt(st);
}

/* The people of the CRA: their pairs, and their months in the four scopes. */
static int people_apply(struct db *db, int64_t cra_id, const struct cra_row *r, int sign,
                        struct pairs *ps)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_PEOPLE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, cra_id);
    /* Read every person first: the presence statements below run on the same connection. */
    struct person {
        int64_t id;
        int anonyme;
    } people[CRA_MAX_PARTICIPANTS + 1];
    size_t n = 0;
    while ((rc = db_step(st)) == 1) {
        if (n == sizeof(people) / sizeof(people[0])) {
            rc = ERR_TOO_BIG;
            break;
        }
        people[n].id = db_col_int64(st, 0);
        people[n].anonyme = (int)db_col_int64(st, 2);
        if (db_col_int64(st, 1))
            pair_add(ps, ACTIVITE_DIM_BENEFICIAIRES, "nouveaux", 0, sign, 0, 0);
        const char *g = db_col_is_null(st, 3) ? "non_communique" : db_col_text(st, 3);
        pair_add(ps, ACTIVITE_DIM_GENRE, g, 0, sign, 0, 0);
        const char *t = db_col_is_null(st, 4) ? "non_communique" : db_col_text(st, 4);
        pair_add(ps, ACTIVITE_DIM_TRANCHE_AGE, t, 0, sign, 0, 0);
        const char *s = db_col_is_null(st, 5) ? "non_communique" : db_col_text(st, 5);
        pair_add(ps, ACTIVITE_DIM_STATUT, s, 0, sign, 0, 0);
        if (!db_col_is_null(st, 6))
            pair_add(ps, ACTIVITE_DIM_COMMUNE_BENEFICIAIRE, db_col_text(st, 6), 0, sign, 0, 0);
        n++;
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    int64_t mois = month_of(r->date);
    const struct scope scopes[N_SCOPES] = {
        {0, "", 0, 0},
        {1, r->departement, 0, 0},
        {2, r->departement, r->structure_id, 0},
        {3, r->departement, r->structure_id, r->mediateur_id},
    };
    for (size_t i = 0; i < n; i++)
        if ((rc = presence_apply(db, people[i].id, scopes, mois, people[i].anonyme, sign)))
            return rc;
    return 0;
}

static int read_values(struct db *db, const char *sql, int64_t cra_id, struct pairs *ps,
                       const struct cra_row *r, int sign)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, cra_id);
    int64_t acc = sign * r->accompagnements, min = sign * r->duree;
    int64_t part = strcmp(r->type, "collectif") == 0 ? acc : 0;
    while ((rc = db_step(st)) == 1) {
        if (sql == SQL_TAGS) {
            pair_add(ps, ACTIVITE_DIM_TAG, db_col_text(st, 0), sign, acc, min, part);
        } else {
            const char *v = db_col_text(st, 0);
            int t = vocab_find(&vocab_thematique, v);
            int dim = t >= 0 && thematique_is_demarche((enum thematique)t)
                          ? ACTIVITE_DIM_DEMARCHE
                          : ACTIVITE_DIM_THEMATIQUE;
            pair_add(ps, dim, v, sign, acc, min, part);
        }
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

static int write_pairs(struct db *db, const struct cra_row *r, const struct pairs *ps)
{
    int64_t mois = month_of(r->date);
    for (size_t from = 0; from < ps->n; from += STATS_BATCH) {
        struct db_stmt *st;
        int rc = db_prepare(db, SQL_STATS_ADD8, &st);
        if (rc)
            return rc;
        db_bind_text(st, 1, r->departement);
        db_bind_int64(st, 2, mois);
        db_bind_int64(st, 3, r->structure_id);
        db_bind_int64(st, 4, r->mediateur_id);
        db_bind_int64(st, 5, r->lieu_id);
        for (size_t k = 0; k < STATS_BATCH; k++) {
            const struct pair *p = from + k < ps->n ? &ps->items[from + k] : NULL;
            int base = 6 + 6 * (int)k;
            db_bind_int64(st, base, p ? p->dim : -1);
            db_bind_text(st, base + 1, p ? p->valeur : "");
            db_bind_int64(st, base + 2, p ? p->activites : 0);
            db_bind_int64(st, base + 3, p ? p->accompagnements : 0);
            db_bind_int64(st, base + 4, p ? p->minutes : 0);
            db_bind_int64(st, base + 5, p ? p->participants : 0);
        }
        if ((rc = db_exec_stmt(st)))
            return rc;
    }
    const struct pair *total = &ps->items[0]; /* cra_pairs adds the total first */
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_JOURS_ADD, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, day_of(r->date));
    db_bind_int64(st, 2, total->activites);
    db_bind_int64(st, 3, total->accompagnements);
    db_bind_int64(st, 4, total->minutes);
    db_bind_int64(st, 5, total->participants);
    db_bind_text(st, 6, r->departement);
    db_bind_int64(st, 7, r->structure_id);
    db_bind_int64(st, 8, r->mediateur_id);
    db_bind_int64(st, 9, r->lieu_id);
    return db_exec_stmt(st);
}

static int apply_id(struct db *db, int64_t id, int sign)
{
    if (sign != 1 && sign != -1)
        return ERR_INTERNAL;
    struct cra_row r;
    int rc = read_cra(db, id, &r);
    if (rc)
        return rc;
    static _Thread_local struct pairs ps;
    ps.n = 0;
    ps.err = 0;
    cra_pairs(&ps, &r, sign);
    rc = read_values(db, SQL_THEMATIQUES, id, &ps, &r, sign);
    if (rc == 0)
        rc = read_values(db, SQL_TAGS, id, &ps, &r, sign);
    if (rc == 0)
        rc = people_apply(db, id, &r, sign, &ps);
    if (rc == 0)
        rc = ps.err;
    if (rc == 0)
        rc = write_pairs(db, &r, &ps);
    if (rc)
        log_error("activite: aggregates of CRA %lld (%+d): %s", (long long)id, sign, err_name(rc));
    return rc;
}

int activite_aggregates_apply(struct db *db, const struct cra *c, int sign)
{
    return apply_id(db, c->id, sign);
}

static int exec_sql(struct db *db, const char *sql, const char *text)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    if (text)
        db_bind_text(st, 1, text);
    return db_exec_stmt(st);
}

int activite_aggregates_rebuild(struct db *db, int64_t *count)
{
    int rc = db_begin(db);
    if (rc)
        return rc;
    for (size_t i = 0; rc == 0 && i < sizeof(sql_rebuild_finest) / sizeof(sql_rebuild_finest[0]);
         i++)
        rc = exec_sql(db, sql_rebuild_finest[i], NULL);
    for (int t = THEMATIQUE_FIRST_DEMARCHE; rc == 0 && t < THEMATIQUE_COUNT; t++)
        rc = exec_sql(db, SQL_REBUILD_DEMARCHE, vocab_value(&vocab_thematique, t));
    for (size_t i = 0; rc == 0 && i < sizeof(sql_rebuild_rollups) / sizeof(sql_rebuild_rollups[0]);
         i++)
        rc = exec_sql(db, sql_rebuild_rollups[i], NULL);
    int64_t done = 0;
    if (rc == 0) {
        struct db_stmt *st;
        rc = db_prepare(db, SQL_REBUILD_COUNT, &st);
        if (rc == 0 && (rc = db_step_one(st)) == 0)
            done = db_col_int64(st, 0);
        db_reset(st);
    }
    if (rc) {
        log_error("activite: aggregates rebuild: %s (%s)", err_name(rc), db_errmsg(db));
        db_rollback(db);
        return rc;
    }
    rc = db_commit(db);
    if (rc == 0 && count)
        *count = done;
    return rc;
}
