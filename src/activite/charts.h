/*
 * charts: bar charts drawn by the server as inline SVG, so that a dashboard needs no script and
 * prints as it shows. Each chart is an image for assistive technologies (role="img", with a
 * <title> and a <desc> that says what it shows); the page puts the same figures in a table beside
 * it, which is the accessible reading.
 *
 * Everything is written into the caller's buf; labels are escaped here.
 */
#ifndef RELAIS_ACTIVITE_CHARTS_H
#define RELAIS_ACTIVITE_CHARTS_H

#include <stddef.h>
#include <stdint.h>

struct buf;

struct chart_bar {
    const char *label;
    int64_t value;
    const char *shown; /* the figure written beside the bar; NULL writes value (a masked count
                          passes « < 5 » and value 0) */
};

/* Horizontal bars, one per item, scaled to the largest value. id makes the title and desc ids
 * unique in the page ([a-z0-9-]). */
void chart_bars(struct buf *b, const char *id, const char *title, const char *desc,
                const struct chart_bar *bars, size_t n);
/* Vertical columns for a series (months, days), labels under every step-th column. */
void chart_columns(struct buf *b, const char *id, const char *title, const char *desc,
                   const struct chart_bar *bars, size_t n);

#endif
