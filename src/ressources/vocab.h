/*
 * ressources/vocab: La Base's indexation vocabularies, the exchange identifiers of resources
 * (reference/anchors.md, section 1, read from inclusion-numerique/la-base at f423629): the 29
 * themes in their 4 categories, the 9 resource types, the 10 beneficiaries (publics), the 4
 * professional sectors, and the 4 licences. The stored and exported value is the identifier; the
 * label is what a person reads. Static data, borrowed by everyone.
 *
 * When La Base changes a vocabulary, change it here, bump RESSOURCES_VOCAB_VERSION, and add a
 * migration that maps the old values.
 */
#ifndef RELAIS_RESSOURCES_VOCAB_H
#define RELAIS_RESSOURCES_VOCAB_H

#include <stddef.h>

#define RESSOURCES_VOCAB_VERSION "la-base-f423629"

enum vocab_kind { VOCAB_THEME, VOCAB_TYPE, VOCAB_PUBLIC, VOCAB_SECTEUR, VOCAB_N };

struct vocab_value {
    const char *value;
    const char *label;
    const char *category; /* themes only, NULL otherwise */
    /* Words that suggest this value when they appear in a resource's text, besides the label's
     * own words: space-separated, lower case, without accents. */
    const char *keywords;
};

struct vocab {
    enum vocab_kind kind;
    const char *column;   /* the value of ressource_indexation.vocab: "theme", "type"... */
    const char *json_key; /* the key of the import/export JSON: "themes", "resource_types"... */
    const char *label;    /* the French name of the vocabulary, for forms and filters */
    const struct vocab_value *values;
    size_t n;
};

const struct vocab *ressources_vocab_get(enum vocab_kind kind);
/* The entry of value in the vocabulary, or NULL when it is not one of its identifiers. */
const struct vocab_value *ressources_vocab_find(enum vocab_kind kind, const char *value);
/* The 4 theme categories, in La Base's order. */
extern const char *const ressources_vocab_theme_categories[];
extern const size_t ressources_vocab_n_theme_categories;

struct licence {
    const char *value, *label, *url;
};
extern const struct licence ressources_vocab_licences[];
extern const size_t ressources_vocab_n_licences;
const struct licence *ressources_vocab_licence(const char *value);

#endif
