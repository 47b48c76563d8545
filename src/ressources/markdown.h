/*
 * ressources/markdown: the text blocks of resources, written in Markdown and rendered to HTML by
 * cmark (CommonMark) in safe mode: raw HTML is dropped, and every link and image address goes
 * through the same rule as the rest of the pages (html_url_is_safe: http, https, mailto, tel and
 * local paths), so a javascript:, vbscript: or data: address becomes an empty one.
 */
#ifndef RELAIS_RESSOURCES_MARKDOWN_H
#define RELAIS_RESSOURCES_MARKDOWN_H

#include "core/buf.h"

/* Appends the HTML of md (UTF-8; NULL is empty) to out. */
void ressources_markdown(struct buf *out, const char *md);

/* The plain text of md (no markup), for the search index and descriptions (arena, via out). */
void ressources_markdown_text(struct buf *out, const char *md);

#endif
