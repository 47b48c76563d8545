/*
 * html: the only ways bytes reach a page. html_text escapes for element content, html_attr for a
 * quoted attribute value, html_url for a URL attribute (href, src, action: only http, https, mailto,
 * tel and local paths pass; anything else becomes "#"), html_url_part for a piece of a URL after
 * its start (a path segment or a query value, percent-encoded). html_lit appends a string literal
 * as is and accepts nothing but a literal. Templates (*.tpl, compiled to C by tools/tplc at build
 * time, see html/TEMPLATES.md) call these by context, so a page cannot forget to escape.
 *
 * Markup that is already built travels as a struct html_safe, a type of its own, so that a plain
 * char * can never be inserted unescaped by mistake: html_safe_buf() wraps a buffer that html
 * functions or templates filled, html_safe_trusted() is the one explicit door for markup that a
 * caller vouches for (the "_html" parameters of ui.h).
 *
 * Every function appends to a struct buf (core/buf.h) and follows its sticky error. Nothing here
 * allocates except html_escape (arena).
 */
#ifndef RELAIS_HTML_HTML_H
#define RELAIS_HTML_HTML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

void html_text(struct buf *b, const char *s); /* NULL appends nothing */
void html_attr(struct buf *b, const char *s);
void html_url(struct buf *b, const char *s);
void html_int(struct buf *b, int64_t v);
void html_uint(struct buf *b, uint64_t v);
void html_url_part(struct buf *b, const char *s); /* percent-encodes all but A-Z a-z 0-9 - . _ ~ */
#define html_lit(b, lit) buf_add((b), "" lit, sizeof(lit) - 1)

/* Markup already built and safe to insert as is. Borrowed: p lives as long as its owner. */
struct html_safe {
    const char *p;
    size_t len;
};
struct html_safe html_safe_buf(const struct buf *markup);
struct html_safe html_safe_trusted(const char *markup); /* NULL gives empty markup */
void html_safe(struct buf *b, struct html_safe markup);

/* True when html_url would keep s (a scheme we allow, or a local path that is not "//host"). */
bool html_url_is_safe(const char *s);

/*
 * Type-checked insertion, used by generated template code and usable by hand: strings and integers
 * pass, anything else (a struct, a float, a bool, a char) is a compile error. HTML_SAFE takes only
 * a struct html_safe or a struct buf *.
 */
#define HTML_VALUE_(b, x, string_fn)                                                               \
    _Generic((x),                                                                                  \
        char *: string_fn,                                                                         \
        const char *: string_fn,                                                                   \
        short: html_int,                                                                           \
        int: html_int,                                                                             \
        long: html_int,                                                                            \
        long long: html_int,                                                                       \
        unsigned short: html_uint,                                                                 \
        unsigned int: html_uint,                                                                   \
        unsigned long: html_uint,                                                                  \
        unsigned long long: html_uint)((b), (x))
#define HTML_TEXT(b, x) HTML_VALUE_(b, x, html_text)
#define HTML_ATTR(b, x) HTML_VALUE_(b, x, html_attr)
#define HTML_URL(b, x) HTML_VALUE_(b, x, html_url)
#define HTML_URL_PART(b, x) HTML_VALUE_(b, x, html_url_part)
#define HTML_SAFE(b, x)                                                                            \
    _Generic((x),                                                                                  \
        struct html_safe: html_safe,                                                               \
        struct buf *: html_safe_from_buf_,                                                         \
        const struct buf *: html_safe_from_buf_)((b), (x))
void html_safe_from_buf_(struct buf *b, const struct buf *markup);

/* Escaping into a NUL-terminated string, for tests and for the few places that need it. */
const char *html_escape(struct arena *a, const char *s);

#endif
