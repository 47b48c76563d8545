/*
 * html: the only ways bytes reach a page. html_text escapes for element content, html_attr for a
 * quoted attribute value, html_url for a URL attribute (href, src, action: only http, https, mailto,
 * tel and local paths pass; anything else becomes "#"). html_lit appends a string literal as is and
 * accepts nothing but a literal. Templates (*.tpl, compiled to C by tools/tplc at build time) call
 * these by context, so a page cannot forget to escape.
 *
 * Every function appends to a struct buf (core/buf.h) and follows its sticky error.
 */
#ifndef RELAIS_HTML_HTML_H
#define RELAIS_HTML_HTML_H

#include <stdint.h>

#include "core/buf.h"

void html_text(struct buf *b, const char *s); /* NULL appends nothing */
void html_attr(struct buf *b, const char *s);
void html_url(struct buf *b, const char *s);
void html_int(struct buf *b, int64_t v);
#define html_lit(b, lit) buf_add((b), "" lit, sizeof(lit) - 1)

/* Escaping into a NUL-terminated string, for tests and for the few places that need it. */
const char *html_escape(struct arena *a, const char *s);

#endif
