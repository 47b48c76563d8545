/*
 * coordination: the activities of a territory's coordinators (La Coop's ActiviteCoordination), so
 * that network work is counted too: an *animation* (a meeting, a committee, a webinar…), an
 * *événement* (a local Numérique en Commun[s], a public event…) or a *partenariat*. Each type has
 * its own fields and counts, with La Coop's enumerations as stored values.
 *
 * An activity belongs to the coordinator who recorded it and to one of their départements; only
 * they (and the platform's admins) read or change it. Strings of a struct coordination are arena
 * memory of the call that filled it; lists of values are stored '|'-joined.
 */
#ifndef RELAIS_ACTIVITE_COORDINATION_H
#define RELAIS_ACTIVITE_COORDINATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;
struct ui_errors;

/* One value of an enumeration and its French label. */
struct coordination_value {
    const char *value;
    const char *label;
};

struct coordination_vocab {
    const struct coordination_value *items;
    size_t n;
};

extern const struct coordination_vocab coordination_types, coordination_types_animation,
    coordination_initiatives, coordination_thematiques_animation, coordination_types_evenement,
    coordination_organisateurs, coordination_echelons, coordination_natures_partenariat;

/* The label of value in vocab, or NULL when it is not one of its values. */
const char *coordination_label(const struct coordination_vocab *vocab, const char *value);

struct coordination {
    int64_t id;
    int64_t coordinateur_id;
    const char *departement;
    const char *type; /* animation | evenement | partenariat */
    const char *date; /* YYYY-MM-DD */
    int64_t duree;    /* minutes; 0 for a partenariat */
    const char *nom;  /* evenement (required), partenariat (optional) */
    const char *echelon_territorial;
    const char *type_animation, *type_animation_autre, *initiative;
    const char *thematiques_animation, *thematique_animation_autre; /* '|'-list */
    const char *type_evenement, *type_evenement_autre;
    const char *organisateurs, *organisateur_autre;             /* '|'-list */
    const char *natures_partenariat, *nature_partenariat_autre; /* '|'-list */
    int64_t mediateurs, structures, autres_acteurs, participants;
    const char *notes;
    bool demo;
    int64_t created_at, updated_at;
};

/* What a form or a caller sends, as text: counts and the duration are parsed and checked here. */
struct coordination_input {
    const char *type, *date, *duree, *nom, *echelon_territorial, *departement;
    const char *type_animation, *type_animation_autre, *initiative;
    const char *const *thematiques_animation;
    size_t n_thematiques_animation;
    const char *thematique_animation_autre;
    const char *type_evenement, *type_evenement_autre;
    const char *const *organisateurs;
    size_t n_organisateurs;
    const char *organisateur_autre;
    const char *const *natures_partenariat;
    size_t n_natures_partenariat;
    const char *nature_partenariat_autre;
    const char *mediateurs, *structures, *autres_acteurs, *participants;
    const char *notes;
};

/* Checks in against the rules of its type and fills out (arena strings); today is YYYY-MM-DD (a
 * date after it is refused). Each problem is one French message on its field (the form's input
 * names: "date", "duree", "mediateurs", ...). ERR_INVALID when errs holds at least one. */
int coordination_validate(const struct coordination_input *in, const char *today, struct arena *a,
                          struct coordination *out, struct ui_errors *errs);

/* Stores a new activity (c->id is set) or changes an existing one (c->id, same coordinator). */
int coordination_insert(struct db *db, struct coordination *c, int64_t now);
int coordination_update(struct db *db, const struct coordination *c, int64_t now);
int coordination_delete(struct db *db, int64_t id);
/* ERR_NOT_FOUND when there is none. */
int coordination_get(struct db *db, struct arena *a, int64_t id, struct coordination *out);

/* A page of the activities of a coordinator (coordinateur_id 0: everyone's), latest first, and
 * their total. */
int coordination_list(struct db *db, struct arena *a, int64_t coordinateur_id, int64_t offset,
                      int64_t limit, struct coordination **out, size_t *n, int64_t *total);

/* What the coordinator summary and the statistics show. */
struct coordination_counts {
    int64_t animations, evenements, partenariats;
    int64_t duree_minutes; /* animations and événements */
    int64_t participants;  /* people counted at animations and événements */
    int64_t structures;    /* partner structures of partenariats and structures at animations */
};

/* Counts the activities dated within [from, to] (YYYY-MM-DD, inclusive; NULL for no bound) of a
 * département (NULL: every département) and of a coordinator (0: every coordinator). */
int coordination_count(struct db *db, const char *departement, int64_t coordinateur_id,
                       const char *from, const char *to, struct coordination_counts *out);

#endif
