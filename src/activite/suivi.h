/*
 * suivi: a person's path to autonomy. The timeline of one beneficiary's accompaniments (date, kind,
 * thématiques, médiateur and structure) with the autonomy level recorded at each (La Coop's
 * entierement_accompagne « Avec guidage », partiellement_autonome, autonome), the progress from the
 * first level to the latest, and the count of people who became autonomous that the statistics
 * show.
 *
 * Deleted CRAs are left out everywhere. Strings are arena memory of the call.
 */
#ifndef RELAIS_ACTIVITE_SUIVI_H
#define RELAIS_ACTIVITE_SUIVI_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;

struct suivi_etape {
    int64_t cra_id;
    const char *date;        /* YYYY-MM-DD */
    const char *type;        /* individuel | collectif | demarche */
    const char *autonomie;   /* La Coop's value, or NULL (a workshop, or not recorded) */
    const char *thematiques; /* La Coop's values joined with '|' */
    int64_t duree;           /* minutes */
    const char *titre_atelier;
    const char *mediateur_nom;
    const char *structure_nom;
};

/* Every accompaniment of the beneficiary, oldest first. */
int suivi_parcours(struct db *db, struct arena *a, int64_t beneficiaire_id,
                   struct suivi_etape **out, size_t *n);

/* The autonomy levels 1 (avec guidage) to 3 (autonome), 0 for none. */
int suivi_niveau(const char *autonomie);

/* The first and the latest levels recorded among the steps (NULL when none was), and how many
 * levels were gained (negative: lost). */
struct suivi_progression {
    const char *premier, *dernier;
    int gain;
    size_t mesures; /* steps with a level */
};
void suivi_progression(const struct suivi_etape *steps, size_t n, struct suivi_progression *out);

/* What suivi_count_became_autonomous counts within. Empty strings and 0 mean "any". */
struct suivi_scope {
    const char *from, *to;   /* YYYY-MM-DD, inclusive */
    const char *departement; /* of the CRA */
    int64_t structure_id;    /* of the CRA */
    int64_t mediateur_id;    /* of the CRA */
};

/* People who became autonomous: up to the period's end, their latest level is « autonome »,
 * recorded in a CRA of the period and the scope after a lower level (Avec guidage or Autonome avec
 * guidage en cas de besoin) recorded earlier, on another day, and no lower level since. The work
 * grows with the scope (its CRAs in the period), never with the whole table. */
int suivi_count_became_autonomous(struct db *db, const struct suivi_scope *scope, int64_t *count);

/* For `relais demo`: one named person (consented, marked démo) of the médiateur with this e-mail,
 * followed over five visits in the months before now with a rising autonomy, and a few activities
 * of the coordinator with this e-mail. Invented data, marked démo. Does nothing (returns 0) when
 * one of the accounts is missing. Prints what it created. */
int suivi_demo(struct db *db, struct arena *a, const char *mediateur_email,
               const char *coordinateur_email, int64_t now);

#endif
