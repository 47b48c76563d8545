/*
 * import: brings a file of lieux into the database. The file is read in pieces (formats.h), each
 * row is converted to the standard, validated (validate.h), placed from its commune when it has no
 * coordinates (geo.h, marked approximate), and upserted on (source, id) (store.h), all in ONE
 * transaction: either the valid rows go in (and the rejected ones are reported, with a CSV of them
 * to fix and bring back), or, with all_or_nothing or on a file-level problem, nothing goes in. A
 * dry run does everything and rolls back, so its counts are exact.
 *
 * Problems and strings returned live in the caller's arena.
 */
#ifndef RELAIS_LIEUX_IMPORT_H
#define RELAIS_LIEUX_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lieux/formats.h"

struct arena;
struct communes;
struct db;

struct lieux_import_options {
    const char *path;
    enum lieux_format format; /* LIEUX_FORMAT_AUTO: detect */
    bool dry_run;
    bool all_or_nothing;
    const char *source;       /* key of the upsert when rows have no `source`; default: the
                                 file's name */
    const char *origin;       /* shown in the history (default: the file's name) */
    const char *rejects_path; /* where to write the rejected rows as a CSV, or NULL */
    const char *date_maj;     /* for formats without dates (France Services) */
    const char *departement; /* rows known to be in another département (by their INSEE code or
                                postcode) are skipped and counted */
    int64_t user_id;          /* who imports (0: the command line) */
    /* Called every few thousand rows and at the end: rows read, bytes read, file size. */
    void (*progress)(void *ctx, size_t rows, uint64_t done, uint64_t total);
    void *progress_ctx;
};

/* One rejected row's problem (a row with three errors gives three problems), or a warning. */
struct lieux_import_problem {
    size_t line;
    bool rejected;     /* an error (row rejected) or a warning (row kept) */
    const char *id;    /* the row's id, or NULL */
    const char *field; /* the standard field or the column */
    const char *value;
    const char *rule;    /* lieu_rule_name */
    const char *message; /* French */
};

struct lieux_import_stats {
    enum lieux_format format;
    size_t read, rejected, inserted, updated, unchanged, geocoded, warnings;
    size_t skipped;    /* rows of other départements, with the departement option */
    bool applied;      /* the transaction was committed */
    const char *error; /* a file-level problem (French), or NULL */
    size_t error_line;
    const char **notes; /* file-level notes (French) */
    size_t n_notes;
    struct lieux_import_problem *problems;
    size_t n_problems;
};

/* 0 when the file could be read (rows may still have been rejected: see stats), ERR_INVALID or
 * ERR_TOO_BIG for a file-level problem (stats->error), ERR_IO, or a database error. */
int lieux_import(struct db *db, const struct communes *communes,
                 const struct lieux_import_options *opt, struct arena *a,
                 struct lieux_import_stats *stats);

/* `relais import lieux FICHIER [options]`. */
int lieux_import_cli(int argc, char **argv);
/* `relais export lieux --format csv|json [--departement NN] [-o FICHIER]`. */
int lieux_export_cli(int argc, char **argv);

#endif
