/*
 * vocab: the enumerations of a CRA and of a beneficiary, as La Coop de la médiation numérique
 * defines them (reference/anchors.md, section 2). The value of each entry is La Coop's database
 * value and is the exchange identifier everywhere (database, API, CSV); the label is what the
 * interface shows. The enums below are indices into the tables, in La Coop's order; an optional
 * field that is not given holds the enum's *_AUCUN (-1) and is NULL in the database.
 *
 * VOCAB_VERSION names the state of La Coop's vocabularies these tables copy. Each CRA stores the
 * version it was written with; when La Coop changes a list, the tables change, VOCAB_VERSION
 * changes, and old rows still say what their values meant.
 *
 * Everything here is static and read-only.
 */
#ifndef RELAIS_ACTIVITE_VOCAB_H
#define RELAIS_ACTIVITE_VOCAB_H

#include <stdbool.h>
#include <stddef.h>

/* La Coop's vocabularies after its 2025-04-30 migrations (the 11 administrative thématiques
 * joined the common list), plus Relais's third CRA kind « demarche ». */
#define VOCAB_VERSION "lacoop-2025-04-30+relais-1"

struct vocab_entry {
    const char *value; /* La Coop's database value */
    const char *label; /* French label */
    const char *hint;  /* a short French explanation, or NULL */
};

struct vocab {
    const char *name; /* the field's name, e.g. "thematiques" */
    const struct vocab_entry *entries;
    int count;
};

enum cra_type { CRA_INDIVIDUEL, CRA_COLLECTIF, CRA_DEMARCHE, CRA_TYPE_COUNT };

enum type_lieu {
    TYPE_LIEU_LIEU_ACTIVITE,
    TYPE_LIEU_DOMICILE,
    TYPE_LIEU_A_DISTANCE,
    TYPE_LIEU_AUTRE,
    TYPE_LIEU_COUNT
};

/* The 19 mediation thématiques, then the 11 administrative ones (THEMATIQUE_FIRST_DEMARCHE...). */
enum thematique {
    THEMATIQUE_DIAGNOSTIC_NUMERIQUE,
    THEMATIQUE_PRENDRE_EN_MAIN_DU_MATERIEL,
    THEMATIQUE_MAINTENANCE_DE_MATERIEL,
    THEMATIQUE_GERE_SES_CONTENUS_NUMERIQUES,
    THEMATIQUE_NAVIGATION_SUR_INTERNET,
    THEMATIQUE_EMAIL,
    THEMATIQUE_BUREAUTIQUE,
    THEMATIQUE_RESEAUX_SOCIAUX,
    THEMATIQUE_SANTE,
    THEMATIQUE_BANQUE_ET_ACHATS_EN_LIGNE,
    THEMATIQUE_ENTREPRENEURIAT,
    THEMATIQUE_INSERTION_PROFESSIONNELLE,
    THEMATIQUE_SECURITE_NUMERIQUE,
    THEMATIQUE_PARENTALITE,
    THEMATIQUE_SCOLARITE_ET_NUMERIQUE,
    THEMATIQUE_CREER_AVEC_LE_NUMERIQUE,
    THEMATIQUE_CULTURE_NUMERIQUE,
    THEMATIQUE_INTELLIGENCE_ARTIFICIELLE,
    THEMATIQUE_AIDE_AUX_DEMARCHES_ADMINISTRATIVES,
    THEMATIQUE_PAPIERS_ELECTIONS_CITOYENNETE,
    THEMATIQUE_FAMILLE_SCOLARITE,
    THEMATIQUE_SOCIAL_SANTE,
    THEMATIQUE_TRAVAIL_FORMATION,
    THEMATIQUE_LOGEMENT,
    THEMATIQUE_TRANSPORTS_MOBILITE,
    THEMATIQUE_ARGENT_IMPOTS,
    THEMATIQUE_JUSTICE,
    THEMATIQUE_ETRANGERS_EUROPE,
    THEMATIQUE_LOISIRS_SPORTS_CULTURE,
    THEMATIQUE_ASSOCIATIONS,
    THEMATIQUE_COUNT
};
#define THEMATIQUE_FIRST_DEMARCHE THEMATIQUE_PAPIERS_ELECTIONS_CITOYENNETE

enum materiel {
    MATERIEL_ORDINATEUR,
    MATERIEL_TELEPHONE,
    MATERIEL_TABLETTE,
    MATERIEL_AUTRE,
    MATERIEL_AUCUN, /* « Pas de matériel »: a value of its own, not an absence */
    MATERIEL_COUNT
};

enum autonomie {
    AUTONOMIE_AUCUN = -1,
    AUTONOMIE_ENTIEREMENT_ACCOMPAGNE,
    AUTONOMIE_PARTIELLEMENT_AUTONOME,
    AUTONOMIE_AUTONOME,
    AUTONOMIE_COUNT
};

enum niveau_atelier {
    NIVEAU_ATELIER_AUCUN = -1,
    NIVEAU_ATELIER_DEBUTANT,
    NIVEAU_ATELIER_INTERMEDIAIRE,
    NIVEAU_ATELIER_AVANCE,
    NIVEAU_ATELIER_COUNT
};

enum structure_redirection {
    STRUCTURE_REDIRECTION_AUCUN = -1,
    STRUCTURE_REDIRECTION_ADMINISTRATION,
    STRUCTURE_REDIRECTION_MEDIATION_NUMERIQUE,
    STRUCTURE_REDIRECTION_OPERATEUR_OU_ORGANISME_EN_CHARGE,
    STRUCTURE_REDIRECTION_AIDE_SOCIALE,
    STRUCTURE_REDIRECTION_INSERTION_PROFESSIONNELLE,
    STRUCTURE_REDIRECTION_AIDE_AUX_DEMARCHES_ADMINISTRATIVES,
    STRUCTURE_REDIRECTION_AUTRE,
    STRUCTURE_REDIRECTION_COUNT
};

enum genre { GENRE_AUCUN = -1, GENRE_MASCULIN, GENRE_FEMININ, GENRE_NON_COMMUNIQUE, GENRE_COUNT };

enum tranche_age {
    TRANCHE_AGE_AUCUN = -1,
    TRANCHE_AGE_MOINS_DE_DOUZE,
    TRANCHE_AGE_DOUZE_DIX_HUIT,
    TRANCHE_AGE_DIX_HUIT_VINGT_QUATRE,
    TRANCHE_AGE_VINGT_CINQ_TRENTE_NEUF,
    TRANCHE_AGE_QUARANTE_CINQUANTE_NEUF,
    TRANCHE_AGE_SOIXANTE_SOIXANTE_NEUF,
    TRANCHE_AGE_SOIXANTE_DIX_PLUS,
    TRANCHE_AGE_NON_COMMUNIQUE,
    TRANCHE_AGE_COUNT
};

enum statut_social {
    STATUT_SOCIAL_AUCUN = -1,
    STATUT_SOCIAL_SCOLARISE,
    STATUT_SOCIAL_SANS_EMPLOI,
    STATUT_SOCIAL_EN_EMPLOI,
    STATUT_SOCIAL_RETRAITE,
    STATUT_SOCIAL_NON_COMMUNIQUE,
    STATUT_SOCIAL_COUNT
};

extern const struct vocab vocab_cra_type;
extern const struct vocab vocab_type_lieu;
extern const struct vocab vocab_thematique;
extern const struct vocab vocab_materiel;
extern const struct vocab vocab_autonomie;
extern const struct vocab vocab_niveau_atelier;
extern const struct vocab vocab_structure_redirection;
extern const struct vocab vocab_genre;
extern const struct vocab vocab_tranche_age;
extern const struct vocab vocab_statut_social;

/* The duration presets of the form, in minutes (La Coop's), and the longest duration allowed. */
extern const int vocab_duree_presets[6];
#define VOCAB_DUREE_MAX_MINUTES (12 * 60)

/* The index of value in v, or -1 when unknown (NULL and "" are unknown). */
int vocab_find(const struct vocab *v, const char *value);
/* The value / label of index i, or NULL when i is out of range (an absent optional field). */
const char *vocab_value(const struct vocab *v, int i);
const char *vocab_label(const struct vocab *v, int i);

/* One of the 11 administrative thématiques (« Papiers - Élections - Citoyenneté » ...). */
bool thematique_is_demarche(enum thematique t);

/* The tranche d'âge of a birth year in a given year (La Coop's derivation), or
 * TRANCHE_AGE_NON_COMMUNIQUE when the year is 0 or not plausible. */
enum tranche_age tranche_age_of_birth_year(int annee_naissance, int current_year);

#endif
