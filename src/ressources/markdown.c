/* Markdown of resources through cmark in safe mode (see markdown.h). */
#include "ressources/markdown.h"
#include "html/html.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

/* Parses md and empties the address of every link and image that the page rule refuses. cmark's
 * safe mode already does so for javascript:, vbscript:, file: and most data: addresses; this
 * makes the rule of the pages the only one. */
static cmark_node *parse_safe(const char *md)
{
    cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_SAFE);
    if (!doc)
        return NULL;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        if (ev != CMARK_EVENT_ENTER)
            continue;
        cmark_node_type t = cmark_node_get_type(n);
        if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE) {
            const char *url = cmark_node_get_url(n);
            if (url && *url && !html_url_is_safe(url))
                cmark_node_set_url(n, "");
        }
    }
    cmark_iter_free(it);
    return doc;
}

void ressources_markdown(struct buf *out, const char *md)
{
    cmark_node *doc = parse_safe(md ? md : "");
    if (!doc)
        return;
    char *html = cmark_render_html(doc, CMARK_OPT_SAFE);
    buf_adds(out, html);
    free(html);
    cmark_node_free(doc);
}

void ressources_markdown_text(struct buf *out, const char *md)
{
    cmark_node *doc = cmark_parse_document(md ? md : "", md ? strlen(md) : 0, CMARK_OPT_SAFE);
    if (!doc)
        return;
    cmark_iter *it = cmark_iter_new(doc);
    cmark_event_type ev;
    while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
        cmark_node *n = cmark_iter_get_node(it);
        cmark_node_type t = cmark_node_get_type(n);
        if (ev == CMARK_EVENT_ENTER &&
            (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE || t == CMARK_NODE_CODE_BLOCK)) {
            buf_adds(out, cmark_node_get_literal(n));
            buf_addch(out, ' ');
        } else if (ev == CMARK_EVENT_EXIT &&
                   (t == CMARK_NODE_PARAGRAPH || t == CMARK_NODE_HEADING)) {
            buf_addch(out, '\n');
        } else if (ev == CMARK_EVENT_ENTER &&
                   (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)) {
            buf_addch(out, ' ');
        }
    }
    cmark_iter_free(it);
    cmark_node_free(doc);
}
