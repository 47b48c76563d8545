/*
 * import_cra: past CRAs from a CSV file in La Coop's export layout (the « Activités » sheet of
 * « Mes activités », saved as CSV): one row per person accompanied, the rows of one workshop
 * sharing its « ID CRA ». Columns are found by their header (La Coop's names; the apostrophe may
 * be ’ or '), values may be La Coop's labels or its database values, several values in a cell are
 * separated by line breaks (La Coop's habit), ';' or '|'. A workshop's rows become its anonymous
 * counts by genre, age band and statut; an individual row's person becomes an anonymous
 * beneficiary with that profile. Every CRA is checked by cra_validate and cra_check_refs.
 *
 * Each rejected CRA is reported with its line, the column, the value and the French rule. By
 * default the valid CRAs are stored and the others reported; all_or_nothing stores nothing when
 * one is rejected; dry_run checks everything and stores nothing.
 *
 * Memory: the report lives in the arena passed in.
 */
#ifndef RELAIS_ACTIVITE_IMPORT_CRA_H
#define RELAIS_ACTIVITE_IMPORT_CRA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct communes;
struct db;

struct cra_import_options {
    const char *path;
    int64_t mediateur_id;
    int64_t structure_id;
    const char *departement; /* the structure's */
    bool dry_run;
    bool all_or_nothing;
    int64_t now;
    const char *today; /* YYYY-MM-DD: no CRA after it */
};

struct cra_import_problem {
    size_t line;        /* the physical line of the CRA's first row */
    const char *column; /* the header of the column, or NULL for the whole row */
    const char *value;  /* as written, or NULL */
    const char *rule;   /* French */
};

struct cra_import_report {
    size_t rows;     /* data rows read */
    size_t cras;     /* CRAs found (a workshop counts once) */
    size_t stored;   /* CRAs written */
    size_t rejected; /* CRAs rejected */
    struct cra_import_problem *problems;
    size_t n_problems, cap_problems;
    const char *error; /* the file could not be read at all (French), or NULL */
    size_t error_line;
};

/* Reads and imports the file. 0 (even with rejected CRAs: see the report), or an error when the
 * file cannot be read (report->error set) or the database fails (nothing stored then). */
int cra_import_csv(struct db *db, const struct communes *communes,
                   const struct cra_import_options *o, struct arena *a,
                   struct cra_import_report *report);

/* `relais import activites FICHIER --structure ID --mediateur EMAIL [--dry-run]
 * [--all-or-nothing]`: exit status 0 all stored, 1 some rejected, 2 nothing could be done. */
int activite_import_cli(int argc, char **argv);

#endif
