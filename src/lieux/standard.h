/*
 * standard: the field table of the national standard "schéma des lieux de médiation numérique"
 * v1.0.2 (LaMednum/standard-mediation-num, schema.json) and its vocabularies, value for value.
 *
 * For each of the 32 fields (enum lieu_field, in column order): whether it is required, its kind
 * (what validate.c checks), its maximum length in characters (0: none) and, for enumerations, the
 * allowed values in the standard's order. Lookups are O(1): a column name gives its field, a list
 * item gives its index in the field's vocabulary (an open-addressed table built once at start-up).
 *
 * Deliberate departure from schema.json: formations_labels admits `Étapes numériques (La Poste)`
 * with its space. The v1.0.2 pattern spells it without the space (a typo in the commit that added
 * the value); the npm library and the data use the spaced label, and so does Relais.
 *
 * Everything here is static and read-only: nothing to free, safe from any thread.
 */
#ifndef RELAIS_LIEUX_STANDARD_H
#define RELAIS_LIEUX_STANDARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lieux/lieu.h"

#define LIEU_STANDARD_VERSION "1.0.2"

enum lieu_kind {
    LK_TEXT,          /* free text */
    LK_ID,            /* free text, unique in a file (the producer's local id) */
    LK_PIVOT,         /* SIRET, RNA or RIDET: ^[a-zA-Z0-9]{9,14}$ */
    LK_CODE_POSTAL,   /* ^\d{5}$ */
    LK_CODE_INSEE,    /* ^([013-9]\d|2[AB1-9])\d{3}$ */
    LK_NUMBER,        /* latitude, longitude: a decimal number with a dot (WGS84) */
    LK_CODE_LIST,     /* typologie: '|'-list of data·inclusion codes, not enforced by the schema */
    LK_PHONE,         /* one number, international form without spaces */
    LK_EMAIL_LIST,    /* '|'-list of e-mail addresses, no pattern in the schema */
    LK_URL_LIST,      /* '|'-list of URLs, no pattern in the schema */
    LK_URL,           /* one URL, no pattern in the schema */
    LK_OPENING_HOURS, /* OSM opening_hours text, no pattern in the schema */
    LK_DATE,          /* ISO 8601 date YYYY-MM-DD */
    LK_ENUM_LIST,     /* non-empty '|'-list of vocabulary values, duplicates allowed */
    LK_FREE_LIST,     /* '|'-list of free text */
};

struct lieu_field_def {
    enum lieu_field field;
    bool required;
    enum lieu_kind kind;
    unsigned max_chars;        /* maxLength of the schema in characters; 0 when none */
    const char *const *values; /* vocabulary of LK_ENUM_LIST and LK_CODE_LIST; NULL otherwise */
    unsigned n_values;
};

/* The table, indexed by enum lieu_field. */
extern const struct lieu_field_def lieu_fields[LIEU_N_FIELDS];

/* The field of a column name ("code_postal" -> LF_CODE_POSTAL), exact and case-sensitive; -1 when
 * the name is not one of the 32. */
int lieu_field_by_name(const char *name, size_t len);

/* The index of a list item in the vocabulary of an enumerated field (LK_ENUM_LIST or
 * LK_CODE_LIST), exact bytes; -1 when the item is not allowed or the field has no vocabulary. */
int lieu_value_index(enum lieu_field f, const char *item, size_t len);

/* The vocabulary of a field (n = 0 and NULL when it has none). Static. */
const char *const *lieu_vocab(enum lieu_field f, unsigned *n);

/* Reads an enumerated list ("A|B|A") into bits, and *unknown counts the items outside the
 * vocabulary (empty items included). NULL or "" gives 0. Sets only for fields with vocabularies
 * of up to 64 values: typologie uses lieu_facts_from_row. */
uint64_t lieu_list_bits(enum lieu_field f, const char *list, unsigned *unknown);

/* A strict decimal number as the schema's `number` type with the dot as decimal mark: optional
 * sign, digits with an optional fraction (".5" and "5." included), optional exponent; no spaces,
 * no comma, no NaN or infinity. Uses strtod, so the C locale must be in force (Relais never calls
 * setlocale). */
bool lieu_parse_number(const char *s, size_t len, double *out);

/* Fills the bit sets of every enumerated field and the coordinates (has_coordinates only when
 * both parse and lie within [-90, 90] and [-180, 180]). */
void lieu_facts_from_row(const struct lieu_row *row, struct lieu_facts *facts);

/* The set of an enumerated field other than typologie, from facts (0 for other fields). */
uint32_t lieu_facts_set(const struct lieu_facts *facts, enum lieu_field f);
bool lieu_facts_has_typologie(const struct lieu_facts *facts, unsigned index);

#endif
