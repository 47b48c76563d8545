/*
 * formats: reads the files people bring into rows of the standard v1.0.2 (struct lieu_row), one
 * callback per row with the physical line where the row starts. Streaming: bytes go in by pieces,
 * so neither a large CSV nor a large JSON array sits whole in memory.
 *
 * Formats (detected from the CSV header or the first JSON object's keys unless imposed):
 *  - v1: the standard, CSV (csvread.c) or JSON (an array of flat objects whose keys are the column
 *    names; numbers as JSON numbers or strings; arrays of scalars are joined with '|'). Leftovers
 * of the 2022 draft (courriel, accessibilite, labels_nationaux, labels_autres, publics_accueillis,
 *    conditions_acces) fill their v1 field when it is empty, with the draft-to-v1 mapping below.
 *  - v0: the 2022 draft (v0.1.x): ';' lists (and the ', ' of the CNFS file), old vocabularies,
 *    courriel, conditions_acces / conditions_access (sic), publics_accueillis, labels_nationaux,
 *    labels_autres, accessibilite, cle_ban. Mapping of reference §1.6: services 15 -> 9, frais,
 *    publics -> publics_specifiquement_adresses + prise_en_charge_specifique, labels ->
 *    dispositif_programmes_nationaux / formations_labels / autres_formations_labels (APTIC, French
 *    Tech, Point relais CAF… go to autres_formations_labels), modalites_accompagnement. A value
 *    with no v1 equivalent (Adultes, Handicaps psychiques) is dropped from the v1 field, kept in an
 *    extra column named after its source column (`publics_accueillis`, or `services_v0` when the
 *    source column has a v1 name) and reported as a note (LR_DROPPED). A national phone number is
 *    rewritten in the international form.
 *  - france-services: the ANCT list (id_fs, lib_fs, adresse, …, h_lundi … h_samedi). Each row
 *    becomes: id = id_fs (stable across the ANCT lists), source "France Services (ANCT)",
 *    typologie RFS (data·inclusion: Réseau France Services), dispositif "France Services", services
 *    "Aide aux démarches administratives|Accès internet et matériel informatique" and frais
 *    "Gratuit" and modalites_accompagnement "Accompagnement individuel" (all three from the France
 *    Services charter: help with procedures, free digital access point, individual support),
 *    itinerance Oui/Non -> Itinérant/Fixe, telephone in the international form when unambiguous
 *    (10 digits starting with 0; 0590/0690 -> +590, 0262/0692/0269/0639 -> +262 …), horaires from
 *    the six day cells (horaires_from_france_services; the cells stay as extra columns when they
 *    cannot be read), pivot 00000000000000 (the list has no SIRET; it is the national map's own
 *    placeholder, and validation warns about it), date_maj from the options or from a date
 *    YYYYMMDD in the file name. Other columns (insee_dep, commentaire, format_fs, groupe,
 *    labellisation) are kept as extra.
 *
 * Upsert key (source, id): v1 and v0 rows carry the producer's id; France Services rows use id_fs.
 *
 * File-level problems (encoding, separator for a strict v1 read, quoting, a missing required
 * column, a duplicate column, too many columns or rows, malformed JSON) stop the reading with a
 * French message and its line. Row-level ones (a record with the wrong number of cells, a nested
 * JSON value) are errors in the row's notes: the caller rejects that row and goes on.
 *
 * Ownership: rows handed to the callback, and their notes, are borrowed until it returns (copy what
 * must outlive it). The result's strings live in the arena given to lieux_read_*.
 */
#ifndef RELAIS_LIEUX_FORMATS_H
#define RELAIS_LIEUX_FORMATS_H

#include <stdbool.h>
#include <stddef.h>

#include "lieux/lieu.h"
#include "lieux/validate.h"

struct arena;

enum lieux_format {
    LIEUX_FORMAT_AUTO,
    LIEUX_FORMAT_V1,
    LIEUX_FORMAT_V0,
    LIEUX_FORMAT_FRANCE_SERVICES,
};

/* "v1", "v0", "france-services" ("auto" for AUTO); static. */
const char *lieux_format_name(enum lieux_format f);
/* The reverse; ERR_INVALID for an unknown name. */
int lieux_format_from_name(const char *name, enum lieux_format *out);

struct lieux_record {
    const struct lieu_row *row;
    size_t line;               /* physical line where the row starts (CSV record, JSON '{') */
    size_t index;              /* 1 for the first row after the header */
    struct lieu_report *notes; /* conversion notes and row-level read errors */
    const size_t *lens;        /* byte length of each row->v[f] (0 when NULL), for
                                  lieu_validate_lengths */
};

/* Returns 0 to go on; anything else stops the reading and is returned. */
typedef int (*lieux_row_fn)(void *ctx, const struct lieux_record *rec);

struct lieux_read_options {
    enum lieux_format format; /* AUTO: detect */
    bool strict_separator;    /* a v1 CSV with ';' is refused instead of read with a note */
    size_t max_rows;          /* 0: LIMIT_CSV_ROWS */
    const char *date_maj;     /* France Services: the list's date (YYYY-MM-DD), else the name's */
    const char *file_name;    /* for the date of a France Services list; may be NULL */
    bool careful;             /* read every JSON object and CSV line with the careful path only,
                                 never the fast one: the tests check that both give the same */
};

struct lieux_read_result {
    enum lieux_format format; /* as detected or imposed */
    bool json;
    char separator;    /* CSV */
    size_t rows;       /* rows handed to the callback */
    const char *error; /* French, when the reading stopped on a file-level problem */
    size_t error_line;
    const char **notes; /* file-level notes in French (separator, columns, conversions) */
    size_t n_notes;
};

struct lieux_reader; /* heap; lieux_reader_free */

struct lieux_reader *lieux_reader_new(const struct lieux_read_options *opt, struct arena *a,
                                      lieux_row_fn fn, void *ctx);
/* Same returns as csvread: 0, the callback's value, or ERR_INVALID / ERR_TOO_BIG (see result). */
int lieux_reader_feed(struct lieux_reader *r, const char *data, size_t len);
int lieux_reader_finish(struct lieux_reader *r, struct lieux_read_result *res);
void lieux_reader_free(struct lieux_reader *r);

/* The whole thing for a file (read by 1 MiB pieces) or bytes in memory. ERR_IO when the file
 * cannot be opened (res->error says so). */
int lieux_read_file(const char *path, const struct lieux_read_options *opt, struct arena *a,
                    lieux_row_fn fn, void *ctx, struct lieux_read_result *res);
int lieux_read_mem(const char *data, size_t len, const struct lieux_read_options *opt,
                   struct arena *a, lieux_row_fn fn, void *ctx, struct lieux_read_result *res);

/* The international form of a French national number ("04 50 56 87 49" -> "+33450568749",
 * "0590 12 34 56" -> "+590590123456"): false when s is not 10 digits starting with 0 (separators
 * space . - allowed). out holds at least 16 bytes. */
bool lieux_phone_international(const char *s, char out[16]);

/* A deep copy of a row (values and extras) into an arena, for a caller that keeps rows. */
void lieu_row_copy(struct lieu_row *dst, const struct lieu_row *src, struct arena *a);

#endif
