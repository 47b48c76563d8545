/*
 * shell: renders a whole page for a request, around content built by a domain handler: the
 * navigation that the viewer's roles open, the viewer's name and logout form, the demo banner and a
 * one-line notice. Errors go through shell_error, which renders HTML pages or JSON API errors.
 */
#ifndef RELAIS_SITE_SHELL_H
#define RELAIS_SITE_SHELL_H

#include <stdbool.h>

#include "http/http.h"

struct shell_page {
    const char *title;
    int status;         /* 200 when 0 */
    const char *notice; /* success message at the top, or NULL */
    bool wide;
};

/* Fills resp with the page; returns 0. */
int shell_render(struct http_request *req, struct http_response *resp, const struct shell_page *p,
                 const char *content_html);

/* The http render_error hook: the French error page, or the JSON error under /api/. */
void shell_error(struct http_request *req, struct http_response *resp, int err, const char *message,
                 const char *field, void *app);

#endif
