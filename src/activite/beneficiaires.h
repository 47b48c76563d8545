/*
 * beneficiaires: the people a médiateur accompanies, kept to the minimum. A record is anonymous by
 * default (the CRA flow creates one without a name); a named record (prénom, nom, birth year or age
 * band, genre, statut, commune, and optionally phone, e-mail and notes) exists only with the
 * person's consent, whose date and recording médiateur are stored.
 *
 * Who sees a named record: the médiateur who owns it, the médiateurs and administrators of its
 * structure, and the platform's admins (for rights requests). Coordinators never see names: they
 * read counts only (beneficiaire_can_see).
 *
 * What this module does to a record is traced in beneficiaires_history (creation, modification,
 * merge, export, erasure on request, anonymisation after inactivity), never with the name.
 *
 * Erasure and anonymisation keep the record and its accompaniments, so that the statistics stay
 * true: the name, birth year, contact, notes and consent go; genre, age band (derived from the
 * birth year first), statut and commune of residence stay, as on any anonymous record.
 *
 * Strings of a struct beneficiaire are arena memory of the call that filled it.
 */
#ifndef RELAIS_ACTIVITE_BENEFICIAIRES_H
#define RELAIS_ACTIVITE_BENEFICIAIRES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct auth;
struct communes;
struct db;
struct ui_errors;

struct beneficiaire {
    int64_t id;
    int64_t mediateur_id;
    int64_t structure_id;
    const char *departement;
    bool anonyme;
    const char *prenom, *nom;
    int64_t annee_naissance;                         /* 0: not given */
    const char *tranche_age, *genre, *statut_social; /* La Coop's values, or NULL */
    const char *commune_code_insee, *commune_code_postal, *commune_nom;
    const char *telephone, *email, *notes;
    int64_t consent_at, consent_by;
    int64_t fusion_vers_id; /* 0: not merged */
    bool demo;
    int64_t last_activity_at, created_at, updated_at, anonymised_at;
    /* Filled by beneficiaire_get and beneficiaire_list: */
    int64_t accompagnements;
    const char *mediateur_nom;
    const char *structure_nom;
    const char *consent_by_nom; /* who recorded the consent */
};

/* What the form sends, as typed. commune is a name, a postcode or an INSEE code; code_insee is
 * what the autocompletion chose (used only when its commune has the typed name). */
struct beneficiaire_input {
    const char *prenom, *nom, *annee_naissance, *tranche_age, *genre, *statut_social;
    const char *commune, *code_insee;
    const char *telephone, *email, *notes;
    const char *consentement; /* "1" when the consent box is checked */
};

/* The French text of what is stored, why, for how long and the person's rights, shown beside the
 * consent box and in the export. months: the inactivity period before anonymisation. */
const char *beneficiaire_consent_text(struct arena *a, int months);

/* The inactivity period before a named record is anonymised: RELAIS_ANONYMISE_MONTHS from the
 * configuration, else 24. */
#define BENEFICIAIRE_ANONYMISE_MONTHS_DEFAULT 24
#define BENEFICIAIRE_ANONYMISE_MONTHS_MAX 600
/* The period of a setting's text: a whole number of months from 1 to 600, else the default. */
int beneficiaire_months_setting(const char *text);

/* Checks a named record's input and fills the identity fields of out (arena strings); communes may
 * be NULL (then a commune is kept as typed only when it is a 5-character code). current_year
 * bounds the birth year. require_consent: creation (an edit keeps the consent already given).
 * ERR_INVALID with one French message per field in errs. */
int beneficiaire_validate(const struct beneficiaire_input *in, const struct communes *communes,
                          int current_year, bool require_consent, struct arena *a,
                          struct beneficiaire *out, struct ui_errors *errs);

/* The folded search key of a name: lower case, no accents, words separated by one space ("Éloïse
 * LE  Gall-Durand" → "eloise le gall durand"). Arena; "" for no name. */
const char *beneficiaire_fold(struct arena *a, const char *s);
/* True when two folded keys are equal or one edit apart (an insertion, a deletion, a substitution
 * or two neighbours swapped). */
bool beneficiaire_keys_close(const char *a, const char *b);

/* Who may read and change a record (see the top of this file). */
bool beneficiaire_can_see(const struct auth *au, const struct beneficiaire *b);

/* Creates a named record with its consent (given now, recorded by user_id); b->id is set.
 * mediateur_id, structure_id and departement must be set. */
int beneficiaire_create(struct db *db, struct arena *a, struct beneficiaire *b, int64_t user_id,
                        int64_t now);
/* Changes the identity fields of a named record. */
int beneficiaire_update(struct db *db, struct arena *a, const struct beneficiaire *b,
                        int64_t user_id, int64_t now);
/* ERR_NOT_FOUND when there is none. */
int beneficiaire_get(struct db *db, struct arena *a, int64_t id, struct beneficiaire *out);

/* A page of the named, unmerged records that user_id may see (every structure when all is true),
 * filtered by a name (folded, any part of "prénom nom"), sorted by name, and the total. */
int beneficiaire_list(struct db *db, struct arena *a, int64_t user_id, bool all, const char *query,
                      int64_t offset, int64_t limit, struct beneficiaire **out, size_t *n,
                      int64_t *total);

/* The named, unmerged records of the structure that look like the same person (close names in
 * either order, and the same birth year when both have one), except exclude_id. */
int beneficiaire_find_similar(struct db *db, struct arena *a, int64_t structure_id,
                              const char *prenom, const char *nom, int64_t annee_naissance,
                              int64_t exclude_id, struct beneficiaire **out, size_t *n);

/* Merges record from into record into (same structure): from's accompaniments move to into (one per
 * CRA), into keeps the earliest consent and fills its empty fields from from, from loses its named
 * fields and points to into (fusion_vers_id). Traced on both. ERR_INVALID when they are the same
 * record, one is anonymous or already merged, or their structures differ. Runs its own
 * transaction. */
int beneficiaire_merge(struct db *db, struct arena *a, int64_t into, int64_t from, int64_t user_id,
                       int64_t now);

/* Erases the person's named data on request (see the top of this file). Traced. */
int beneficiaire_erase(struct db *db, struct arena *a, int64_t id, int64_t user_id, int64_t now);

/* Anonymises the named records with no activity (no CRA dated, no change) in the months before now;
 * *count says how many. Running it again changes nothing more. */
int beneficiaire_anonymise_inactive(struct db *db, struct arena *a, int64_t now, int months,
                                    int64_t *count);

/* Writes an entry of the record's history (action: a value of beneficiaires_history.action). */
int beneficiaire_trace(struct db *db, int64_t id, const char *departement, int64_t user_id,
                       const char *action, const char *details, int64_t now);

/* The person's data as a JSON object: the record, its consent (with the text of months, the
 * inactivity period), its accompaniments and its history.
 * Caller owns the result (json_decref). */
int beneficiaire_export_json(struct db *db, struct arena *a, int64_t id, int months, json_t **out);

#endif
