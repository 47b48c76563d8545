/*
 * site: the content of Relais's own pages (home, errors, accessibility, personal data). Each
 * function writes the content of <main> into b, its h1 included; the caller wraps it with
 * ui_layout. Nothing is allocated outside b's arena.
 */
#ifndef RELAIS_SITE_SITE_H
#define RELAIS_SITE_SITE_H

#include "core/buf.h"

void site_home(struct buf *b);
/* 400, 401, 403, 404, 405, 409, 413, 415, 429, 500 (and any other status, as 500). message: a French
 * sentence about this case, or NULL; it is shown as text. */
void site_error(struct buf *b, int status, const char *message);
/* The title of that page (its h1, and the <title> to give ui_layout), e.g. "Page introuvable".
 * Static. */
const char *site_error_title(int status);
void site_accessibility(struct buf *b);
void site_privacy(struct buf *b);

#endif
