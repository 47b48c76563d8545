/*
 * aggregates: the counters behind every statistics page, kept exact on each CRA write, so that a
 * dashboard reads a few thousand counter rows instead of the CRAs themselves.
 *
 * Tables (migration 0007_activite_stats.sql):
 *
 * - activite_stats: one row per (niveau, département, month, structure, médiateur, lieu, dimension,
 *   value) with the CRAs (activites), the people accompanied (accompagnements), the minutes and the
 *   workshop participants. niveau 0 is the platform, 1 a département (ids 0), 2 the finest rows.
 *   The dimensions are enum activite_dim. CRA-level dimensions (type, canal, duration band,
 *   thématique, démarche, matériel, commune, lieu, tag, autonomie) count the CRA once per value;
 *   person-level dimensions (genre, tranche d'âge, statut, commune of residence) count people
 *   (accompagnements), identified participants from their record and anonymous participants from
 *   the workshop's counts; ACTIVITE_DIM_BENEFICIAIRES counts « nouveaux » (premier_accompagnement,
 *   plus anonymous participants not already accompanied) and the anonymous workshop participants.
 * - activite_stats_jours: the totals per day, for the daily series.
 * - activite_stats_presences and activite_stats_personnes: distinct people over any range of
 *   months as a sum. For each person and scope (niveau 0 platform, 1 département, 2 structure,
 *   3 médiateur) the months they were accompanied are kept; activite_stats_personnes counts people
 *   by (month, previous month accompanied in the same scope). The people accompanied in months
 *   A..B are the rows of A..B whose previous month is before A: each person is counted once, in
 *   the first month of the range where they appear.
 *
 * Arithmetic (the benchmark's shape, bench/activite: 10 million CRAs, 100 départements, 4,000
 * médiateurs, 36 months): one département is 40 médiateurs and about 2,800 CRAs a month. A CRA
 * touches about 20 (dimension, value) pairs; one département-month holds about 150 distinct pairs.
 * - Dashboard of a département over 12 months (niveau 1): 12 x 150 = about 1,800 counter rows,
 *   12 x 31 = 372 daily rows and at most 12 x 13 x 2 = 312 people rows, all read by the primary
 *   key's prefix (niveau, departement, mois): about 2,500 rows, instead of ~33,000 CRAs, their
 *   ~45,000 accompagnements, ~60,000 thématique rows and the people joined to them.
 * - The platform (niveau 0) reads the same number of rows.
 * - A structure, a médiateur or a lieu (niveau 2, by the partial indexes on structure_id and
 *   mediateur_id, or the département's prefix filtered on lieu_id): at most 40 médiateurs x 1.5
 *   lieux x 12 x 150 = 108,000 rows for a lieu filter over a whole département, usually 1,800 x the
 *   médiateurs concerned.
 * - A write: about 20 pairs x 1 upsert of 3 rows (niveaux 0, 1, 2), 1 daily upsert, and per
 *   person 4 scopes x (1 read + 1 write, plus 2 reads and 3 upserts when a month is new for them):
 *   about 30 statements for an individual CRA.
 *
 * What the counters cannot answer: filters that cut across dimensions (a type, a thématique, a
 * tag or a commune combined with the breakdowns) and a period that does not start and end on
 * whole months (today counts as the end of its month). stats.c answers those from the raw rows
 * (cra, cra_thematiques, cra_tags, accompagnements, beneficiaires) through their indexes
 * (cra_departement_date, cra_structure_date, cra_mediateur_date); bench/activite measures both.
 *
 * What the counters assume, and the callers guarantee:
 * - activite_aggregates_apply(db, c, +1) runs in the transaction that wrote CRA c->id, after its
 *   rows (cra, cra_thematiques, cra_tags, accompagnements) are written; (db, c, -1) runs before
 *   they change or the CRA is deleted. An update is -1 before the change, +1 after. Only c->id is
 *   read: everything else comes from the rows, so that the counters see what the raw rows say.
 * - A person's profile (genre, age, statut, commune, anonyme) and premier_accompagnement are
 *   counted as they are when the CRA is counted. A change of profile, a merge of two people or a
 *   change of another CRA's premier_accompagnement is counted by re-applying the CRAs concerned
 *   (-1 before, +1 after), or by activite_aggregates_rebuild.
 *
 * activite_aggregates_rebuild counts everything again with set-based INSERT ... SELECT ... GROUP BY
 * (window LAG for the people), for a bulk load or a repair; the unit tests check that it gives the
 * counters kept on write. Nothing here allocates: one call's pairs live in a thread-local buffer.
 */
#ifndef RELAIS_ACTIVITE_AGGREGATES_H
#define RELAIS_ACTIVITE_AGGREGATES_H

#include <stdint.h>

struct cra;
struct db;

/* The dimensions of activite_stats.dim (stored as integers: never renumber). */
enum activite_dim {
    ACTIVITE_DIM_TOTAL = 0,      /* valeur "" */
    ACTIVITE_DIM_TYPE = 1,       /* cra.type */
    ACTIVITE_DIM_CANAL = 2,      /* cra.type_lieu */
    ACTIVITE_DIM_DUREE = 3,      /* enum activite_duree_band value */
    ACTIVITE_DIM_THEMATIQUE = 4, /* the 19 mediation thématiques */
    ACTIVITE_DIM_DEMARCHE = 5,   /* the 11 administrative thématiques */
    ACTIVITE_DIM_MATERIEL = 6,
    ACTIVITE_DIM_COMMUNE = 7,      /* code INSEE of the activity (its lieu's when at a lieu) */
    ACTIVITE_DIM_LIEU = 8,         /* lieu id */
    ACTIVITE_DIM_TAG = 9,          /* tag id */
    ACTIVITE_DIM_AUTONOMIE = 10,   /* individual and procedure CRAs */
    ACTIVITE_DIM_GENRE = 11,       /* people */
    ACTIVITE_DIM_TRANCHE_AGE = 12, /* people */
    ACTIVITE_DIM_STATUT = 13,      /* people */
    ACTIVITE_DIM_COMMUNE_BENEFICIAIRE = 14, /* people with a known commune */
    ACTIVITE_DIM_BENEFICIAIRES = 15,        /* "nouveaux", "anonymes_collectifs" */
    ACTIVITE_DIM_COUNT
};

/* La Coop's duration bands of the statistics. */
enum activite_duree_band {
    ACTIVITE_DUREE_MOINS_30, /* « Moins de 30 min » */
    ACTIVITE_DUREE_30_60,    /* « 30 min à 1 h » */
    ACTIVITE_DUREE_60_120,   /* « 1 h à 2 h » */
    ACTIVITE_DUREE_120_PLUS, /* « 2 h et plus » */
    ACTIVITE_DUREE_COUNT
};

/* The band of a duration in minutes. */
enum activite_duree_band activite_duree_band_of(int minutes);
/* The stored value ("moins_30", ...) and the French label of a band. Static. */
const char *activite_duree_band_value(enum activite_duree_band b);
const char *activite_duree_band_label(enum activite_duree_band b);

/* Adds (sign +1) or removes (sign -1) CRA c->id to or from every counter; see above for when to
 * call it. Returns 0, ERR_NOT_FOUND when the CRA does not exist, or ERR_DB. */
int activite_aggregates_apply(struct db *db, const struct cra *c, int sign);

/* Empties the counters and counts every CRA not deleted again, in one transaction (for a bulk
 * load, a repair, or after a change of profile or a merge of people). *count receives the number
 * of CRAs counted (may be NULL). */
int activite_aggregates_rebuild(struct db *db, int64_t *count);

#endif
