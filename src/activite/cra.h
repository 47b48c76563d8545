/*
 * cra: the compte rendu d'activité (CRA) of a médiateur, its validation and its store.
 *
 * A CRA is one of three kinds (enum cra_type): an individual accompaniment, a collective workshop,
 * or an administrative procedure with one person. Its enumerated fields hold indices into the
 * tables of activite/vocab.h (La Coop's values); an absent optional field holds the enum's *_AUCUN.
 *
 * The people: an individual or procedure CRA has exactly one participant (a beneficiary of the
 * médiateur, or, when none is chosen, an anonymous beneficiary created with the CRA from the
 * profile in struct cra.nouveau). A workshop has identified participants and/or anonymous counts
 * (struct cra_participants_anonymes, La Coop's participantsAnonymes). Each identified person gets a
 * row in accompagnements.
 *
 * Memory: every pointer in a struct cra is borrowed from the caller (to write) or lives in the
 * arena passed to the reading function. Writes run in one transaction each, leave a row in
 * cra_history, and never touch a deleted CRA.
 */
#ifndef RELAIS_ACTIVITE_CRA_H
#define RELAIS_ACTIVITE_CRA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "activite/vocab.h"

struct arena;
struct db;

#define CRA_MAX_PARTICIPANTS 200 /* identified participants of one workshop */
#define CRA_MAX_TAGS 20
#define CRA_MAX_ANONYMES 10000 /* anonymous participants of one workshop */
#define CRA_TEXT_MAX 2000      /* notes, précisions, titre: bytes */
#define CRA_MAX_ERRORS 24

enum cra_origine { CRA_ORIGINE_SAISIE, CRA_ORIGINE_API, CRA_ORIGINE_IMPORT, CRA_ORIGINE_DEMO };

/* La Coop's participantsAnonymes block. The total is the number of anonymous participants; each
 * breakdown, when given, sums to at most the total (the rest is « non communiqué »). */
struct cra_participants_anonymes {
    int total;
    int deja_accompagne;
    int genre[GENRE_COUNT];
    int tranche_age[TRANCHE_AGE_COUNT];
    int statut_social[STATUT_SOCIAL_COUNT];
};

/* One person accompanied. To write, only beneficiaire_id is read (0 for the anonymous person of an
 * individual CRA, created from cra.nouveau); reading fills the rest from beneficiaires. */
struct cra_participant {
    int64_t beneficiaire_id;
    bool premier_accompagnement; /* the person's first CRA */
    bool anonyme;
    const char *prenom, *nom; /* NULL for an anonymous person */
    enum genre genre;
    enum tranche_age tranche_age;
    enum statut_social statut_social;
    const char *commune_code_insee; /* NULL when unknown */
};

/* The profile of the anonymous person created with an individual or procedure CRA. */
struct cra_beneficiaire_nouveau {
    enum genre genre;
    enum tranche_age tranche_age;
    enum statut_social statut_social;
    const char *commune_code_insee, *commune_code_postal, *commune_nom; /* NULL when not given */
};

struct cra {
    int64_t id; /* 0 before creation */
    enum cra_type type;
    int64_t mediateur_id;
    int64_t structure_id; /* employing structure */
    int64_t lieu_id;      /* 0: none; required when type_lieu is TYPE_LIEU_LIEU_ACTIVITE */
    const char *departement;
    char date[11]; /* YYYY-MM-DD */
    int duree;     /* minutes */
    enum type_lieu type_lieu;
    const char *commune_code_insee, *commune_code_postal, *commune_nom; /* NULL when none */
    enum thematique thematiques[THEMATIQUE_COUNT];
    size_t n_thematiques;
    enum materiel materiel[MATERIEL_COUNT];
    size_t n_materiel;
    enum autonomie autonomie;
    int oriente; /* -1 not said, 0 no, 1 yes */
    enum structure_redirection structure_de_redirection;
    const char *precisions_demarche;
    const char *titre_atelier;
    enum niveau_atelier niveau_atelier;
    const char *notes;
    struct cra_participants_anonymes anonymes;
    struct cra_participant *participants;
    size_t n_participants;
    struct cra_beneficiaire_nouveau nouveau;
    int64_t *tags; /* tag ids */
    size_t n_tags;
    int accompagnements_count; /* computed by the store */
    const char *vocab_version; /* read; writes store VOCAB_VERSION */
    enum cra_origine origine;
    int64_t created_at, updated_at;
    int64_t deleted_at, deleted_by; /* 0: not deleted */
    /* Filled by cra_get and cra_list, for display: */
    const char *mediateur_nom;
    const char *lieu_nom;
};

/* A CRA with every optional field absent: type individuel, type_lieu lieu_activite, no thématique,
 * the new anonymous person's profile not given. */
void cra_init(struct cra *c);

/* Field errors: field is the form's field name ("duree", "thematiques", "participants", ...),
 * message a French sentence naming the field and the rule. Borrowed static text. */
struct cra_field_error {
    const char *field;
    const char *message;
};
struct cra_errors {
    struct cra_field_error items[CRA_MAX_ERRORS];
    size_t n;
};

/* Adds an error (ignored past CRA_MAX_ERRORS). */
void cra_errors_add(struct cra_errors *e, const char *field, const char *message);
/* The first message for a field, or NULL. */
const char *cra_errors_for(const struct cra_errors *e, const char *field);

/* A CRA as text, the way a form, a JSON body or a CSV row gives it: each member is the value typed
 * (NULL or "" when absent), lists are arrays of values. Values are La Coop's (vocab.h); duree is
 * minutes, or "autre" with duree_autre in minutes; oriente is "oui" or "non"; counts are decimal.
 */
struct cra_input {
    const char *type, *date, *duree, *duree_autre, *type_lieu, *lieu_id;
    const char *commune; /* an INSEE code, a postcode or a name */
    const char *autonomie, *oriente, *structure_de_redirection;
    const char *precisions_demarche, *titre_atelier, *niveau_atelier, *notes;
    const char *beneficiaire_id; /* individuel, demarche: a beneficiary of the médiateur, or "" */
    const char *const *thematiques;
    size_t n_thematiques;
    const char *const *materiel;
    size_t n_materiel;
    const char *const *participants; /* collectif: beneficiary ids */
    size_t n_participants;
    const char *const *tags; /* tag ids */
    size_t n_tags;
    const char *anon_total, *anon_deja_accompagne;
    const char *anon_genre[GENRE_COUNT];
    const char *anon_tranche_age[TRANCHE_AGE_COUNT];
    const char *anon_statut_social[STATUT_SOCIAL_COUNT];
    /* The profile of the anonymous person of an individual CRA. */
    const char *nouveau_genre, *nouveau_tranche_age, *nouveau_statut_social, *nouveau_commune;
};

struct communes;
/* Reads in into c (after cra_init), with a French error per field for a value that is not one
 * of the vocabulary, a number that is not one, a commune that cannot be found or that several
 * communes could be. communes resolves the communes (NULL: a commune must then be given as a
 * 5-character INSEE code); a name is looked for in c->departement first, when it is set. Strings
 * are copied into a. Then cra_normalise runs. Returns 0 or ERR_INVALID. */
int cra_from_input(const struct cra_input *in, const struct communes *communes, struct arena *a,
                   struct cra *c, struct cra_errors *errs);

/* Drops what does not belong to the CRA's kind (workshop fields of an individual CRA, autonomy
 * and orientation of a workshop, the anonymous person of a workshop), duplicates in lists, and
 * adds the implied thématique aide_aux_demarches_administratives to a CRA that has one of the 11
 * administrative ones (or is a demarche). A structure de redirection means oriented. */
void cra_normalise(struct cra *c);

/* Checks the rules of a CRA that need no database: duration 1..720 min, date a real day not after
 * today (YYYY-MM-DD), at least one thématique, a procedure with one of the 11 administrative
 * thématiques, précisions only with aide_aux_demarches_administratives, a workshop with at least
 * one participant, the anonymous counts consistent, the commune when at home or elsewhere, the lieu
 * when at a lieu, texts not longer than CRA_TEXT_MAX. Returns 0 or
 * ERR_INVALID with errs filled (errs is cleared first). */
int cra_validate(const struct cra *c, const char *today, struct cra_errors *errs);

/* Writes a valid CRA (the caller has run cra_validate and checked that the beneficiaries, the
 * lieu and the tags belong to the médiateur: see cra_check_refs). Sets c->id,
 * accompagnements_count, created_at/updated_at and, for an individual CRA without a beneficiary,
 * creates the anonymous one and sets participants[0] (c->participants must then have room for one:
 * the store allocates it in a when c->n_participants is 0). user_id goes to the history. */
int cra_create(struct db *db, struct arena *a, struct cra *c, int64_t user_id, int64_t now);
/* cra_create inside a transaction the caller holds (an all-or-nothing import). */
int cra_insert(struct db *db, struct arena *a, struct cra *c, int64_t user_id, int64_t now);
/* Replaces every field of CRA c->id (not deleted) by those of c. The médiateur, structure,
 * département and creation stay. ERR_NOT_FOUND when absent or deleted. */
int cra_update(struct db *db, struct arena *a, struct cra *c, int64_t user_id, int64_t now);
/* Marks CRA id deleted by user_id at now; its accompagnements and tags stay for the trace but no
 * read shows it. ERR_NOT_FOUND when absent or already deleted. */
int cra_delete(struct db *db, struct arena *a, int64_t id, int64_t user_id, int64_t now);

/* Reads CRA id with its thématiques, participants and tags. A deleted CRA is ERR_NOT_FOUND unless
 * with_deleted. */
int cra_get(struct db *db, struct arena *a, int64_t id, bool with_deleted, struct cra *out);

/* The beneficiaries, lieu and tags of c must be the médiateur's: beneficiaries owned by
 * c->mediateur_id and not merged away, the lieu of c->structure_id, tags personal to the
 * médiateur, of the structure or of its département. Adds a French error per bad reference and
 * returns ERR_INVALID, or 0. */
int cra_check_refs(struct db *db, const struct cra *c, struct cra_errors *errs);

/* Which CRAs to list: every non-zero / non-NULL member narrows. type -1: every kind. Dates are
 * YYYY-MM-DD, inclusive. The order is the cursor's: (created_at, id) ascending when by_created
 * (the API: rows added later come after the last page), else (date, id) descending (the pages). */
struct cra_filter {
    int64_t mediateur_id;
    int64_t structure_id;
    const char *departement;
    const char *du, *au;
    int type;
    bool by_created;
    /* Cursor: rows strictly after the row (apres_date or apres_created_at, apres_id) in the order
     * above; apres_id 0 = from the start. */
    int64_t apres_id;
    int64_t apres_created_at;
    const char *apres_date;
    size_t limit; /* 1..LIMIT_PAGE_SIZE */
};

/* Reads one page; *more is true when rows follow the last one returned. The CRAs carry their
 * thématiques but not participants nor tags (read one with cra_get). */
int cra_list(struct db *db, struct arena *a, const struct cra_filter *f, struct cra **out,
             size_t *n, bool *more);

/* The médiateur's most recent CRA (by created_at), to prefill « Dupliquer la dernière activité ».
 * ERR_NOT_FOUND when none. */
int cra_last_of(struct db *db, struct arena *a, int64_t mediateur_id, struct cra *out);

/* How often the médiateur used each thématique and each duration in their CRAs, to put the most
 * used first. counts_thematique has THEMATIQUE_COUNT entries; durees/duree_counts receive up to
 * max_durees distinct durations, most used first. */
int cra_usage_of(struct db *db, int64_t mediateur_id, int counts_thematique[THEMATIQUE_COUNT],
                 int *durees, int *duree_counts, size_t max_durees, size_t *n_durees);

/* What a médiateur may choose in the form: an id and its French label. */
struct cra_choice {
    int64_t id;
    const char *label;
};
/* The lieux of the structure, or, when it has none, of its département (by name, at most 300). */
int cra_lieux_choices(struct db *db, struct arena *a, int64_t structure_id, const char *departement,
                      struct cra_choice **out, size_t *n);
/* The médiateur's named beneficiaries, not merged nor anonymised, by name (« Nom Prénom (1950) »),
 * at most 1000. */
int cra_beneficiaires_choices(struct db *db, struct arena *a, int64_t mediateur_id,
                              struct cra_choice **out, size_t *n);
/* The tags the médiateur may put on a CRA: personal, of the structure, of the département; the
 * label says which (« Atelier seniors (personnel) »). */
int cra_tags_choices(struct db *db, struct arena *a, int64_t mediateur_id, int64_t structure_id,
                     const char *departement, struct cra_choice **out, size_t *n);
/* The médiateur's personal tag named nom (trimmed, 1 to 80 bytes): the existing one, or a new one.
 * ERR_INVALID for an empty or too long name. */
int cra_tag_personnel(struct db *db, int64_t mediateur_id, const char *departement, const char *nom,
                      int64_t now, int64_t *id);

/* The médiateur of structure_id whose e-mail is email (an active account): *user_id and the
 * structure's département (arena). ERR_NOT_FOUND when there is none. */
int cra_mediateur_of_structure(struct db *db, struct arena *a, const char *email,
                               int64_t structure_id, int64_t *user_id, const char **departement);

/* The CRA as a JSON object with La Coop's values (thématiques, materiel as arrays), for the API
 * and the history. Caller owns the reference. */
struct json_t;
struct json_t *cra_to_json(const struct cra *c);

/* Today's date in metropolitan France, YYYY-MM-DD, into out[11]. */
void cra_today(char out[11]);

#endif
