/*
 * site: the content of Relais's own pages (home, errors, accessibility, personal data). Each
 * function writes the content of <main> into b, below the h1 that ui_layout makes of the page
 * title. Nothing is allocated outside b's arena.
 */
#ifndef RELAIS_SITE_SITE_H
#define RELAIS_SITE_SITE_H

#include "core/buf.h"

void site_home(struct buf *b);
/* 400, 401, 403, 404, 405, 409, 413, 415, 429, 500 (and any other status, as 500). message: a French
 * sentence about this case, or NULL; it is shown as text. */
void site_error(struct buf *b, int status, const char *message);
void site_accessibility(struct buf *b);
void site_privacy(struct buf *b);

#endif
