/* Export of rows in the standard: CSV and JSON, streamed through a write callback. */
#include "lieux/export.h"

#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "lieux/standard.h"

#define FLUSH_BYTES (64 * 1024)
/* The buffer holds one row at most beyond FLUSH_BYTES: a row is capped by the upload limit. */
#define BUFFER_MAX (256 * 1024 * 1024)

int lieux_export_to_file(void *ctx, const char *p, size_t len)
{
    return fwrite(p, 1, len, (FILE *)ctx) == len ? 0 : ERR_IO;
}

static void flush(struct lieux_export *e, bool all)
{
    if (e->err)
        return;
    if (buf_finish(&e->out) != 0) {
        e->err = ERR_TOO_BIG;
        return;
    }
    if (e->out.len && (all || e->out.len >= FLUSH_BYTES)) {
        e->err = e->write(e->ctx, e->out.p, e->out.len);
        buf_reset(&e->out);
    }
}

static void csv_cell(struct buf *b, const char *s)
{
    buf_addch(b, '"');
    if (s) {
        const char *q;
        while ((q = strchr(s, '"'))) {
            buf_add(b, s, (size_t)(q - s) + 1);
            buf_addch(b, '"');
            s = q + 1;
        }
        buf_adds(b, s);
    }
    buf_addch(b, '"');
}

static void json_string(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    buf_addch(b, '"');
    const char *run = s;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        buf_add(b, run, (size_t)(s - run));
        run = s + 1;
        switch (c) {
        case '"':
            buf_addlit(b, "\\\"");
            break;
        case '\\':
            buf_addlit(b, "\\\\");
            break;
        case '\n':
            buf_addlit(b, "\\n");
            break;
        case '\r':
            buf_addlit(b, "\\r");
            break;
        case '\t':
            buf_addlit(b, "\\t");
            break;
        default: {
            char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            buf_add(b, u, sizeof(u));
        }
        }
    }
    buf_add(b, run, (size_t)(s - run));
    buf_addch(b, '"');
}

/* True when s is a number in JSON's own grammar, to be written as it is. */
static bool json_number_text(const char *s)
{
    const char *p = s;
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (*p >= '1' && *p <= '9')
        while (*p >= '0' && *p <= '9')
            p++;
    else
        return false;
    if (*p == '.') {
        p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!(*p >= '0' && *p <= '9'))
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    return *p == '\0';
}

static void json_number(struct buf *b, const char *s)
{
    double v;
    if (json_number_text(s)) {
        buf_adds(b, s);
    } else if (lieu_parse_number(s, strlen(s), &v)) {
        /* "+1.5", ".5", "5.": the shortest text that reads back as the same double */
        char t[40];
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(t, sizeof(t), "%.*g", prec, v);
            if (strtod(t, NULL) == v)
                break;
        }
        buf_adds(b, t);
    } else {
        json_string(b, s);
    }
}

int lieux_export_begin(struct lieux_export *e, enum lieux_export_format format,
                       lieux_write_fn write, void *ctx, const char *const *extra_columns,
                       size_t n_extra)
{
    memset(e, 0, sizeof(*e));
    e->format = format;
    e->write = write;
    e->ctx = ctx;
    e->extra_columns = extra_columns;
    e->n_extra = n_extra;
    buf_init(&e->out, NULL, BUFFER_MAX);
    if (format == LIEUX_EXPORT_JSON) {
        buf_addch(&e->out, '[');
        return 0;
    }
    for (unsigned f = 0; f < LIEU_N_FIELDS; f++) {
        if (f)
            buf_addch(&e->out, ',');
        csv_cell(&e->out, lieu_field_names[f]);
    }
    for (size_t i = 0; i < n_extra; i++) {
        buf_addch(&e->out, ',');
        csv_cell(&e->out, extra_columns[i]);
    }
    for (size_t i = 0; i < n_extra; i++)
        if (lieu_field_by_name(extra_columns[i], strlen(extra_columns[i])) >= 0)
            e->err = ERR_INVALID; /* a column of the standard cannot be an extra column too */
    buf_addch(&e->out, '\n');
    flush(e, false);
    return e->err;
}

static const char *extra_value(const struct lieu_row *row, const char *name)
{
    for (size_t i = 0; i < row->n_extra; i++)
        if (strcmp(row->extra[i].name, name) == 0)
            return row->extra[i].value;
    return NULL;
}

int lieux_export_row(struct lieux_export *e, const struct lieu_row *row)
{
    if (e->err)
        return e->err;
    struct buf *b = &e->out;
    if (e->format == LIEUX_EXPORT_CSV) {
        for (unsigned f = 0; f < LIEU_N_FIELDS; f++) {
            if (f)
                buf_addch(b, ',');
            csv_cell(b, row->v[f]);
        }
        for (size_t i = 0; i < e->n_extra; i++) {
            buf_addch(b, ',');
            csv_cell(b, extra_value(row, e->extra_columns[i]));
        }
        buf_addch(b, '\n');
    } else {
        buf_adds(b, e->rows ? ",\n{" : "\n{");
        bool first = true;
        for (unsigned f = 0; f < LIEU_N_FIELDS; f++) {
            const char *v = row->v[f];
            if (!v || !*v)
                continue;
            if (!first)
                buf_addch(b, ',');
            first = false;
            json_string(b, lieu_field_names[f]);
            buf_addch(b, ':');
            if (f == LF_LATITUDE || f == LF_LONGITUDE)
                json_number(b, v);
            else
                json_string(b, v);
        }
        for (size_t i = 0; i < row->n_extra; i++) {
            const struct lieu_extra *x = &row->extra[i];
            if (!x->value || !*x->value || lieu_field_by_name(x->name, strlen(x->name)) >= 0)
                continue;
            if (!first)
                buf_addch(b, ',');
            first = false;
            json_string(b, x->name);
            buf_addch(b, ':');
            json_string(b, x->value);
        }
        buf_addch(b, '}');
    }
    e->rows++;
    flush(e, false);
    return e->err;
}

int lieux_export_end(struct lieux_export *e)
{
    if (e->format == LIEUX_EXPORT_JSON && !e->err)
        buf_adds(&e->out, e->rows ? "\n]\n" : "]\n");
    flush(e, true);
    buf_release(&e->out);
    return e->err;
}
