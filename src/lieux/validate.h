/*
 * validate: checks a row against the national standard v1.0.2 (standard.h), field by field, and
 * reports every problem with its field, the offending value and the rule, in French.
 *
 * The schema is the reference, not the npm library @gouvfr-anct/lieux-de-mediation-numerique:
 * where they disagree (docs: reference §2.4, tests/conformance/lieux.test.js), Relais follows the
 * schema. Errors reject the row; warnings do not (coordinates outside France, a phone number that
 * matches the pattern but not a real numbering plan, a typologie outside the data·inclusion list,
 * an e-mail or URL that does not look like one, the placeholder pivot 00000000000000).
 *
 * Rows are taken as UTF-8 (the readers of formats.c guarantee it). Checking a valid row allocates
 * nothing; each problem costs one message in the report's arena.
 *
 * Ownership: a report borrows its arena; problems (values and messages) live in it.
 */
#ifndef RELAIS_LIEUX_VALIDATE_H
#define RELAIS_LIEUX_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "lieux/lieu.h"

struct arena;

enum lieu_severity { LIEU_ERROR, LIEU_WARNING };

/* The rule a problem breaks; lieu_rule_name() gives its stable code for JSON and CSV reports. */
enum lieu_rule {
    LR_REQUIRED,       /* obligatoire: a required field is empty */
    LR_FORMAT,         /* format: the field's pattern (pivot, code_postal, code_insee, telephone) */
    LR_VALUE,          /* valeur_admise: a list item outside the vocabulary */
    LR_LIST,           /* liste: an empty item in a '|'-list */
    LR_MAX_LENGTH,     /* longueur_max */
    LR_NUMBER,         /* nombre: latitude or longitude is not a decimal number */
    LR_RANGE,          /* plage: latitude outside [-90, 90] or longitude outside [-180, 180] */
    LR_DATE,           /* date: not a real date written YYYY-MM-DD */
    LR_UNIQUE,         /* unique: the id is used by an earlier row of the same file */
    LR_COLUMNS,        /* colonnes: the record does not have the header's number of cells */
    LR_JSON,           /* json: a value that is neither text, number, boolean nor a list */
    LR_OUTSIDE_FRANCE, /* hors_france (warning) */
    LR_COORDINATES,    /* coordonnees_incompletes (warning): one of latitude, longitude alone */
    LR_PHONE_SUSPECT,  /* telephone_suspect (warning) */
    LR_EMAIL_SUSPECT,  /* courriel_suspect (warning) */
    LR_URL_SUSPECT,    /* url_suspecte (warning) */
    LR_TYPOLOGIE,      /* typologie_inconnue (warning) */
    LR_PIVOT_PLACEHOLDER, /* pivot_fictif (warning) */
    LR_LIST_EDGE, /* liste_debut (warning): a leading '|', which the schema's pattern admits */
    LR_CONVERTED, /* converti (note of formats.c): a value of an older format was translated */
    LR_DROPPED,   /* abandonne (note of formats.c): a value with no equivalent, kept as extra */
    LR_N_RULES
};

struct lieu_problem {
    int field; /* enum lieu_field, or -1 for the whole row or a non-standard column */
    enum lieu_severity severity;
    enum lieu_rule rule;
    const char *column;  /* the column as named in the file when field is -1; else NULL */
    const char *value;   /* the offending value or list item (arena); NULL for a missing value */
    const char *message; /* French sentence naming the field and the rule (arena) */
};

struct lieu_report {
    struct arena *arena;
    struct lieu_problem *items;
    size_t n, cap;
    size_t n_errors, n_warnings;
};

void lieu_report_init(struct lieu_report *r, struct arena *a);
/* Empties the report for the next row; what it held stays in the arena until released. */
void lieu_report_clear(struct lieu_report *r);
/* Adds a problem. value (len bytes, copied; NULL for none) is the offending text; the message is
 * printf-formatted French. column names a non-standard column when field is -1. */
void lieu_report_add(struct lieu_report *r, int field, const char *column,
                     enum lieu_severity severity, enum lieu_rule rule, const char *value,
                     size_t len, const char *fmt, ...) __attribute__((format(printf, 8, 9)));

/* Checks every field of the row; adds its problems to the report. 0 when the row has no error
 * (warnings allowed), ERR_INVALID otherwise. */
int lieu_validate(const struct lieu_row *row, struct lieu_report *report);
/* The same when the byte length of each value is known (0 for an empty one), as formats.c hands
 * them out in struct lieux_record: one strlen less per field on the import path. */
int lieu_validate_lengths(const struct lieu_row *row, const size_t len[LIEU_N_FIELDS],
                          struct lieu_report *report);

/* "obligatoire", "format", … (static). */
const char *lieu_rule_name(enum lieu_rule rule);

/* The schema's `unique` constraint on id across the rows of one file. Heap-owned: release it. */
struct lieu_unique {
    struct lieu_unique_slot *slots;
    size_t n, cap;
};
void lieu_unique_init(struct lieu_unique *u);
void lieu_unique_release(struct lieu_unique *u);
/* Records id as seen at line; when it was seen before, returns false and sets *first_line. */
bool lieu_unique_add(struct lieu_unique *u, const char *id, size_t line, size_t *first_line);

/* `relais lieux-valider FICHIER [--format v1|v0|france-services] [--json]`: reads the file with
 * formats.c, converts, validates and prints one verdict per row (French text, or JSON lines with
 * the converted row); exit status 0 when every row is valid, 1 when some row is not, 2 when the
 * file itself cannot be read. Wired into main.c by the lead. */
int lieux_validate_cli(int argc, char **argv);

#endif
