/*
 * The CSV reader. libcsv parses; this file cuts the input into physical lines before handing them
 * over, which gives three things libcsv lacks: the line where each record starts (read from the
 * parser's state before each line: a record starts on a line that begins outside any record), an
 * encoding check per line with the line's number, and separator detection on the first line.
 * A line that holds whole records of plain cells, as nearly every line of a real file does, is cut
 * into cells here instead (plain_line), and libcsv reads every other line: both give the same cells.
 */
#include "lieux/csvread.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* libcsv's parser state "no record begun" (ROW_NOT_BEGUN in libcsv.c; csv_init sets it to 0). */
#define LIBCSV_ROW_NOT_BEGUN 0

/* One physical line may not exceed this (a 100,000-column header is about 1 MB). */
#define MAX_LINE_BYTES (16 * 1024 * 1024)

static void fail(struct csvread *r, int err, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void fail(struct csvread *r, int err, size_t line, const char *fmt, ...)
{
    if (r->err)
        return;
    r->err = err;
    r->err_line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->message, sizeof(r->message), fmt, ap);
    va_end(ap);
}

/* Keeps spaces around unquoted cells: libcsv trims them by default, and values must stay exact. */
static int no_space(unsigned char c)
{
    (void)c;
    return 0;
}

void csvread_init(struct csvread *r, const struct csvread_options *opt, csvread_record_fn fn,
                  void *ctx)
{
    memset(r, 0, sizeof(*r));
    if (opt)
        r->opt = *opt;
    if (!r->opt.max_records)
        r->opt.max_records = LIMIT_CSV_ROWS + 1;
    if (!r->opt.max_columns)
        r->opt.max_columns = LIMIT_CSV_COLUMNS;
    if (!r->opt.max_cell_bytes)
        r->opt.max_cell_bytes = LIMIT_FIELD_VALUE_BYTES;
    r->fn = fn;
    r->ctx = ctx;
    if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
        fail(r, ERR_INTERNAL, 0, "le lecteur CSV n'a pas pu démarrer");
    csv_set_space_func(&r->parser, no_space);
}

void csvread_release(struct csvread *r)
{
    csv_free(&r->parser);
    free(r->pending);
    free(r->scratch);
    free(r->cells);
    free(r->offsets);
    free(r->lens);
    free(r->ptrs);
    r->pending = r->cells = r->scratch = NULL;
    r->offsets = r->lens = NULL;
    r->ptrs = NULL;
}

const char *csvread_error(const struct csvread *r, size_t *line)
{
    if (line)
        *line = r->err_line;
    return r->err ? r->message : "";
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

bool csvread_text_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    for (;;) {
        while (end - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            uint64_t stop = (w & HIGHS) | ((w - ONES) & ~w & HIGHS); /* high or zero bytes */
            if (stop) {
                p += __builtin_ctzll(stop) / 8;
                break;
            }
            p += 8;
        }
        while (p < end && *p < 0x80 && *p)
            p++;
        if (p >= end)
            return true;
        unsigned char c = *p;
        if (c >= 0xC2 && c <= 0xDF) {
            if (end - p < 2 || (p[1] & 0xC0) != 0x80)
                return false;
            p += 2;
            continue;
        }
        size_t k = c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (!k || (size_t)(end - p) < k || !utf8_valid((const char *)p, k))
            return false; /* a zero byte too */
        p += k;
    }
}

bool csvread_utf8_check(const char *p, size_t len, size_t *offset)
{
    if (utf8_valid(p, len))
        return true;
    /* Walk the characters to name the first bad byte (error path only). */
    const unsigned char *s = (const unsigned char *)p;
    size_t i = 0;
    while (i < len) {
        size_t n = s[i] < 0x80                    ? 1
                   : s[i] >= 0xC2 && s[i] <= 0xDF ? 2
                   : s[i] >= 0xE0 && s[i] <= 0xEF ? 3
                   : s[i] >= 0xF0 && s[i] <= 0xF4 ? 4
                                                  : 0;
        if (n == 0 || len - i < n || !utf8_valid(p + i, n))
            break;
        i += n;
    }
    *offset = i;
    return false;
}

/* libcsv callback: one cell. */
static void on_cell(void *cell, size_t len, void *data)
{
    struct csvread *r = data;
    if (r->err)
        return;
    if (r->n_cells >= r->opt.max_columns) {
        fail(r, ERR_TOO_BIG, r->record_line,
             "ligne %zu : plus de %zu colonnes ; un fichier de lieux en compte 32 (plus quelques "
             "colonnes propres au producteur) : vérifiez le séparateur et les guillemets",
             r->record_line, r->opt.max_columns);
        return;
    }
    if (r->n_cells == r->n_cells_cap) {
        r->n_cells_cap = r->n_cells_cap ? r->n_cells_cap * 2 : 64;
        r->offsets = xrealloc(r->offsets, r->n_cells_cap * sizeof(*r->offsets));
        r->lens = xrealloc(r->lens, r->n_cells_cap * sizeof(*r->lens));
        r->ptrs = xrealloc(r->ptrs, r->n_cells_cap * sizeof(*r->ptrs));
    }
    if (r->cells_len + len + 1 > r->cells_cap) {
        size_t cap = r->cells_cap ? r->cells_cap : 4096;
        while (cap < r->cells_len + len + 1)
            cap *= 2;
        r->cells = xrealloc(r->cells, cap);
        r->cells_cap = cap;
    }
    r->offsets[r->n_cells] = r->cells_len;
    r->lens[r->n_cells] = len;
    if (len)
        memcpy(r->cells + r->cells_len, cell, len);
    r->cells_len += len;
    r->cells[r->cells_len++] = '\0';
    r->n_cells++;
}

/* libcsv callback: end of a record. */
static void on_record(int term, void *data)
{
    (void)term;
    struct csvread *r = data;
    size_t n = r->n_cells;
    r->n_cells = 0;
    r->cells_len = 0;
    if (r->err)
        return;
    if (n == 0 || (n == 1 && r->lens[0] == 0))
        return; /* a blank line */
    if (r->records >= r->opt.max_records) {
        fail(r, ERR_TOO_BIG, r->record_line, "ligne %zu : le fichier dépasse %zu lignes",
             r->record_line, r->opt.max_records - 1);
        return;
    }
    r->records++;
    for (size_t i = 0; i < n; i++)
        r->ptrs[i] = r->cells + r->offsets[i];
    int rc = r->fn(r->ctx, r->record_line, r->ptrs, r->lens, n);
    if (rc && !r->err) {
        r->err = rc;
        r->err_line = r->record_line;
    }
}

static void plain_scratch(struct csvread *r, const char *p, size_t n)
{
    if (r->scratch_len + n > r->scratch_cap) {
        size_t cap = r->scratch_cap ? r->scratch_cap : 4096;
        while (cap < r->scratch_len + n)
            cap *= 2;
        r->scratch = xrealloc(r->scratch, cap);
        r->scratch_cap = cap;
    }
    if (n)
        memcpy(r->scratch + r->scratch_len, p, n);
    r->scratch_len += n;
}

/* The first byte at or after p that is a, b or c, or end. */
static inline const char *find3(const char *p, const char *end, char a, char b, char c)
{
#if defined(__SSE2__)
    const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, va), _mm_cmpeq_epi8(v, vb)),
                                   _mm_cmpeq_epi8(v, vc));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask)
            return p + __builtin_ctz(mask);
        p += 16;
    }
#endif
    while (p < end && *p != a && *p != b && *p != c)
        p++;
    return p;
}

/*
 * The fast path for a physical line that holds whole records' worth of cells, as nearly every line
 * of a real file does: it starts outside any record, ends with "\n" (or "\r\n"), has no other
 * carriage return, and each cell is either unquoted without any quote, or quoted from its first
 * byte to a closing quote followed by the separator or the end of the line (inner quotes doubled).
 * Such a line is cut into cells here, 16 bytes at a time, and handed to on_cell and on_record as
 * libcsv would. Anything else returns false before a cell is kept, and libcsv reads the line (and
 * names its fault): both paths give the same cells.
 */
static bool plain_line(struct csvread *r, const char *p, size_t len)
{
    if (!len || p[len - 1] != '\n')
        return false;
    const char *end = p + len - 1;
    if (end > p && end[-1] == '\r')
        end--;
    if (end == p)
        return true; /* a blank line: libcsv skips it */
    const char sep = r->separator;
    for (const char *c = p;;) {
        if (*c == '"') {
            const char *q = c + 1, *closing = find3(q, end, '"', '\r', '"');
            if (closing == end || *closing == '\r')
                goto slow;
            if (closing + 1 == end || closing[1] != '"') {
                /* the common quoted cell, without inner quotes: handed over where it lies */
                c = closing + 1;
                if (c < end && *c != sep)
                    goto slow;
                on_cell((void *)(uintptr_t)q, (size_t)(closing - q), r);
                goto next;
            }
            /* quoted: the text up to the closing quote, inner "" read as one " */
            size_t start = r->scratch_len = 0;
            for (;;) {
                const char *quote = memchr(q, '"', (size_t)(end - q));
                if (!quote)
                    goto slow;
                plain_scratch(r, q, (size_t)(quote - q));
                if (quote + 1 < end && quote[1] == '"') {
                    plain_scratch(r, "\"", 1);
                    q = quote + 2;
                    continue;
                }
                c = quote + 1;
                break;
            }
            if (memchr(r->scratch + start, '\r', r->scratch_len - start))
                goto slow;
            if (c < end && *c != sep)
                goto slow;
            on_cell(r->scratch + start, r->scratch_len - start, r);
        } else {
            const char *stop = find3(c, end, sep, '"', '\r');
            if (stop < end && *stop != sep)
                goto slow;
            on_cell((void *)(uintptr_t)c, (size_t)(stop - c), r);
            c = stop;
        }
    next:
        if (r->err)
            return true;
        if (c == end)
            break;
        c++; /* the separator; a line ending with it has an empty last cell */
        if (c == end) {
            on_cell((void *)(uintptr_t)c, 0, r);
            if (r->err)
                return true;
            break;
        }
    }
    on_record(0, r);
    return true;
slow:
    r->n_cells = 0;
    r->cells_len = 0;
    return false;
}

/* The separator of the header line: the most frequent of , ; and tab outside quotes. */
static char detect_separator(const char *p, size_t len)
{
    size_t comma = 0, semi = 0, tab = 0;
    bool quoted = false;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '"')
            quoted = !quoted;
        else if (!quoted)
            comma += p[i] == ',', semi += p[i] == ';', tab += p[i] == '\t';
    }
    if (semi > comma && semi >= tab)
        return ';';
    if (tab > comma && tab > semi)
        return '\t';
    return ',';
}

/* The first line: byte-order marks and the separator. Returns how many bytes to skip. */
static size_t first_line(struct csvread *r, const char *p, size_t len)
{
    size_t skip = 0;
    r->started = true;
    if (len >= 2 && (((unsigned char)p[0] == 0xFF && (unsigned char)p[1] == 0xFE) ||
                     ((unsigned char)p[0] == 0xFE && (unsigned char)p[1] == 0xFF))) {
        fail(r, ERR_INVALID, 1,
             "le fichier est en UTF-16 : enregistrez-le en UTF-8 (dans Excel : « CSV UTF-8 "
             "(délimité par des virgules) ») puis importez-le à nouveau");
        return 0;
    }
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        skip = 3;
    if (r->opt.separator) {
        r->separator = r->opt.separator;
    } else {
        r->separator = detect_separator(p + skip, len - skip);
        r->separator_detected = true;
    }
    csv_set_delim(&r->parser, (unsigned char)r->separator);
    return skip;
}

/* One physical line, its '\n' included (absent only at the end of input). */
static void feed_line(struct csvread *r, const char *p, size_t len)
{
    if (r->err)
        return;
    r->line++;
    if (!r->started) {
        size_t skip = first_line(r, p, len);
        if (r->err)
            return;
        p += skip;
        len -= skip;
    }
    size_t bad;
    bool clean = csvread_text_valid(p, len); /* the common case, checked at once */
    if (!clean && !csvread_utf8_check(p, len, &bad)) {
        fail(r, ERR_INVALID, r->line,
             "ligne %zu : le fichier n'est pas en UTF-8 (octet 0x%02X, caractère %zu de la "
             "ligne) ; il semble enregistré en Latin-1 ou Windows-1252. Enregistrez-le en UTF-8 "
             "(LibreOffice : « Enregistrer sous », jeu de caractères « Unicode (UTF-8) » ; Excel : "
             "« CSV UTF-8 (délimité par des virgules) ») puis importez-le à nouveau",
             r->line, (unsigned char)p[bad], bad + 1);
        return;
    }
    const char *nul = clean ? NULL : memchr(p, '\0', len);
    if (nul) {
        fail(r, ERR_INVALID, r->line,
             "ligne %zu : caractère nul (octet 0, caractère %zu de la ligne) : ce n'est pas un "
             "fichier texte CSV",
             r->line, (size_t)(nul - p) + 1);
        return;
    }
    if (r->parser.pstate == LIBCSV_ROW_NOT_BEGUN) {
        r->record_line = r->line;
        if (!r->opt.careful && plain_line(r, p, len))
            return;
    }
    if (csv_parse(&r->parser, p, len, on_cell, on_record, r) != len && !r->err) {
        if (csv_error(&r->parser) == CSV_EPARSE)
            fail(r, ERR_INVALID, r->line,
                 "ligne %zu : guillemets mal placés ; une cellule qui contient un guillemet, le "
                 "séparateur « %c » ou un retour à la ligne doit être entourée de guillemets, et "
                 "ses guillemets intérieurs doublés (\"\")",
                 r->line, r->separator);
        else
            fail(r, ERR_TOO_BIG, r->line, "ligne %zu : mémoire insuffisante pour lire la cellule",
                 r->line);
        return;
    }
    if (r->parser.entry_pos > r->opt.max_cell_bytes)
        fail(r, ERR_TOO_BIG, r->record_line,
             "ligne %zu : une cellule dépasse %zu octets ; un guillemet ouvert n'a sans doute "
             "jamais été fermé",
             r->record_line, r->opt.max_cell_bytes);
}

static void pending_add(struct csvread *r, const char *p, size_t len)
{
    if (r->pending_len + len > MAX_LINE_BYTES) {
        fail(r, ERR_TOO_BIG, r->line + 1, "ligne %zu : ligne de plus de %d Mo", r->line + 1,
             MAX_LINE_BYTES / (1024 * 1024));
        return;
    }
    if (r->pending_len + len > r->pending_cap) {
        size_t cap = r->pending_cap ? r->pending_cap : 4096;
        while (cap < r->pending_len + len)
            cap *= 2;
        r->pending = xrealloc(r->pending, cap);
        r->pending_cap = cap;
    }
    memcpy(r->pending + r->pending_len, p, len);
    r->pending_len += len;
}

int csvread_feed(struct csvread *r, const char *data, size_t len)
{
    while (len && !r->err) {
        const char *nl = memchr(data, '\n', len);
        if (!nl) {
            pending_add(r, data, len);
            break;
        }
        size_t n = (size_t)(nl - data) + 1;
        if (r->pending_len) {
            pending_add(r, data, n);
            if (!r->err)
                feed_line(r, r->pending, r->pending_len);
            r->pending_len = 0;
        } else {
            feed_line(r, data, n);
        }
        data += n;
        len -= n;
    }
    return r->err;
}

int csvread_finish(struct csvread *r)
{
    if (r->err)
        return r->err;
    if (r->pending_len) {
        feed_line(r, r->pending, r->pending_len);
        r->pending_len = 0;
    }
    if (r->err)
        return r->err;
    if (csv_fini(&r->parser, on_cell, on_record, r) != 0 && !r->err)
        fail(r, ERR_INVALID, r->record_line,
             "ligne %zu : un guillemet ouvert n'est jamais fermé avant la fin du fichier",
             r->record_line);
    return r->err;
}
