/*
 * export: writes rows in the exact standard v1.0.2, streamed: begin, one call per row, end. The
 * bytes go to a write callback by pieces of about 64 KiB; the whole output is never held.
 *
 * CSV: the header is the 32 column names in schema order, then the extra columns asked for (in the
 * order given), so that a re-export reproduces the columns an import kept. Every cell is quoted,
 * empty ones too (""), with inner quotes doubled: the official example (exemple-valide.csv) quotes
 * its cells, and a quoted cell is read the same by every tool whatever it holds (',' '|' ';' line
 * breaks). Lines end with LF like the official example (RFC 4180 readers accept it; libcsv,
 * frictionless, LibreOffice and Excel do). Lists keep their '|', dates their ISO form, numbers
 * their dot: values are written as the row holds them, the row being standard text already.
 *
 * JSON: an array of flat objects, one per line, keys in schema order then the row's extra columns;
 * empty fields are left out (as the npm library and the national map's files do); latitude and
 * longitude are JSON numbers (as written when the text is a JSON number, else the shortest
 * decimal that reads back the same; text that is not a number stays a string).
 *
 * Errors are sticky: after a failed write, later calls do nothing and return the error.
 * Ownership: the export borrows the extra column names until lieux_export_end; its buffer is heap
 * memory freed by lieux_export_end.
 */
#ifndef RELAIS_LIEUX_EXPORT_H
#define RELAIS_LIEUX_EXPORT_H

#include <stddef.h>
#include <stdio.h>

#include "core/buf.h"
#include "lieux/lieu.h"

/* Writes len bytes; returns 0 or an enum err. */
typedef int (*lieux_write_fn)(void *ctx, const char *p, size_t len);

/* A lieux_write_fn for a FILE * (ctx). */
int lieux_export_to_file(void *ctx, const char *p, size_t len);

enum lieux_export_format { LIEUX_EXPORT_CSV, LIEUX_EXPORT_JSON };

struct lieux_export {
    enum lieux_export_format format;
    lieux_write_fn write;
    void *ctx;
    const char *const *extra_columns;
    size_t n_extra;
    size_t rows;
    int err;
    struct buf out;
};

/* CSV extra columns: the names to write after the 32 (a row's extras with other names are not
 * written; pass the union of the names, e.g. gathered at import; a name of the standard is
 * ERR_INVALID). JSON writes every row's extras
 * and ignores the list. */
int lieux_export_begin(struct lieux_export *e, enum lieux_export_format format,
                       lieux_write_fn write, void *ctx, const char *const *extra_columns,
                       size_t n_extra);
int lieux_export_row(struct lieux_export *e, const struct lieu_row *row);
/* Closes the output (the JSON ']'), flushes and frees the buffer. Returns the sticky error. */
int lieux_export_end(struct lieux_export *e);

#endif
