/*
 * csvread: a streaming CSV reader on libcsv for the files people upload: bytes go in by pieces
 * (csvread_feed), each record comes out through a callback with the physical line where it starts,
 * so a large file never sits whole in memory.
 *
 * What it takes care of: a UTF-8 byte-order mark (dropped), UTF-16 and Latin-1/Windows-1252 files
 * (refused with a French message and the line: never converted behind the person's back), the
 * separator (`,` `;` or tab, detected on the first line unless imposed), mixed quoting, CRLF or LF,
 * quotes in the wrong place (strict parsing, the line is named), blank lines (skipped), and the
 * limits of core/limits.h: LIMIT_CSV_ROWS records and LIMIT_CSV_COLUMNS cells per record, checked
 * as the cells arrive (a 100,000-column line stops at the first cell over the limit), and a cap on
 * one cell, which also catches a quote that is never closed.
 *
 * The first record (the header) goes through the callback like any other, with line 1 (or the line
 * after leading blank lines); the caller gives it meaning (formats.c).
 *
 * Ownership: the reader owns its buffers (heap): csvread_release. Cells handed to the callback are
 * borrowed, NUL-terminated, valid until the callback returns.
 */
#ifndef RELAIS_LIEUX_CSVREAD_H
#define RELAIS_LIEUX_CSVREAD_H

#include <stdbool.h>
#include <stddef.h>

#include <csv.h>

/* Returns 0 to go on; any other value stops the reading and is returned by feed/finish. */
typedef int (*csvread_record_fn)(void *ctx, size_t line, char *const *cells, const size_t *lens,
                                 size_t n);

struct csvread_options {
    char separator;        /* 0: detect on the first line */
    size_t max_records;    /* header included; 0: LIMIT_CSV_ROWS + 1 */
    size_t max_columns;    /* 0: LIMIT_CSV_COLUMNS */
    size_t max_cell_bytes; /* 0: LIMIT_FIELD_VALUE_BYTES */
    bool careful;          /* every line through libcsv, none through the fast path (tests) */
};

struct csvread {
    struct csv_parser parser;
    struct csvread_options opt;
    csvread_record_fn fn;
    void *ctx;
    char separator; /* the one in use (known after the first line) */
    bool separator_detected;
    bool started;       /* the first line has been seen */
    size_t line;        /* physical lines handed to the parser so far */
    size_t record_line; /* where the record being parsed starts */
    size_t records;     /* records handed out (header included) */
    /* the line being assembled across feeds */
    char *pending;
    size_t pending_len, pending_cap;
    /* the unquoted text of a quoted cell (plain_line) */
    char *scratch;
    size_t scratch_len, scratch_cap;
    /* the cells of the record being parsed */
    char *cells;
    size_t cells_len, cells_cap;
    size_t *offsets, *lens;
    char **ptrs;
    size_t n_cells, n_cells_cap;
    /* the first error: sticky, later calls do nothing */
    int err;
    size_t err_line;
    char message[600];
};

void csvread_init(struct csvread *r, const struct csvread_options *opt, csvread_record_fn fn,
                  void *ctx);
void csvread_release(struct csvread *r);

/* Hands len more bytes to the reader. Returns 0, the callback's non-zero value, or ERR_INVALID /
 * ERR_TOO_BIG with csvread_error() set. */
int csvread_feed(struct csvread *r, const char *data, size_t len);
/* End of input: the last line without a newline, an unclosed quote. Same returns as feed. */
int csvread_finish(struct csvread *r);

/* The French message of the error (borrowed; "" when none) and its physical line (0: none). */
const char *csvread_error(const struct csvread *r, size_t *line);

/* Tells whether bytes are UTF-8 without a zero byte: the quick check of the common case (a false
 * answer says nothing about where the fault is; csvread_utf8_check does). */
bool csvread_text_valid(const char *p, size_t len);
/* Tells whether bytes are UTF-8; when not, *offset is the first bad byte. */
bool csvread_utf8_check(const char *p, size_t len, size_t *offset);

#endif
