#include "activite/charts.h"
#include "core/buf.h"
#include "html/html.h"

#include <stdio.h>

#define BAR_HEIGHT 22
#define BAR_GAP 8
#define LABEL_WIDTH 260
#define BAR_WIDTH 380
#define FIGURE_WIDTH 90
#define COLUMNS_HEIGHT 180
#define COLUMNS_LABEL 36
#define BAR_FILL "#1d70b8"
#define TEXT_FILL "#0b0c0c"

static int64_t largest(const struct chart_bar *bars, size_t n)
{
    int64_t max = 0;
    for (size_t i = 0; i < n; i++)
        if (bars[i].value > max)
            max = bars[i].value;
    return max;
}

static void open_svg(struct buf *b, const char *id, const char *title, const char *desc, int w,
                     int h)
{
    buf_addf(b,
             "<svg class=\"relais-chart\" role=\"img\" viewBox=\"0 0 %d %d\" width=\"100%%\" "
             "preserveAspectRatio=\"xMinYMin meet\" aria-labelledby=\"",
             w, h);
    html_attr(b, id);
    buf_adds(b, "-titre ");
    html_attr(b, id);
    buf_adds(b, "-desc\" focusable=\"false\"><title id=\"");
    html_attr(b, id);
    buf_adds(b, "-titre\">");
    html_text(b, title);
    buf_adds(b, "</title><desc id=\"");
    html_attr(b, id);
    buf_adds(b, "-desc\">");
    html_text(b, desc);
    buf_adds(b, "</desc>");
}

static void figure(struct buf *b, const struct chart_bar *bar)
{
    if (bar->shown)
        html_text(b, bar->shown);
    else
        html_int(b, bar->value);
}

void chart_bars(struct buf *b, const char *id, const char *title, const char *desc,
                const struct chart_bar *bars, size_t n)
{
    int h = (int)n * (BAR_HEIGHT + BAR_GAP) + BAR_GAP;
    int w = LABEL_WIDTH + BAR_WIDTH + FIGURE_WIDTH;
    open_svg(b, id, title, desc, w, h);
    int64_t max = largest(bars, n);
    for (size_t i = 0; i < n; i++) {
        int y = BAR_GAP + (int)i * (BAR_HEIGHT + BAR_GAP);
        int len = max > 0 ? (int)(bars[i].value * BAR_WIDTH / max) : 0;
        if (bars[i].value > 0 && len < 2)
            len = 2;
        buf_addf(b,
                 "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" fill=\"" TEXT_FILL
                 "\" font-size=\"14\">",
                 LABEL_WIDTH - 8, y + BAR_HEIGHT - 6);
        html_text(b, bars[i].label);
        buf_addf(b,
                 "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"" BAR_FILL
                 "\"></rect><text x=\"%d\" y=\"%d\" fill=\"" TEXT_FILL "\" font-size=\"14\">",
                 LABEL_WIDTH, y, len, BAR_HEIGHT, LABEL_WIDTH + len + 6, y + BAR_HEIGHT - 6);
        figure(b, &bars[i]);
        buf_adds(b, "</text>");
    }
    buf_adds(b, "</svg>");
}

void chart_columns(struct buf *b, const char *id, const char *title, const char *desc,
                   const struct chart_bar *bars, size_t n)
{
    int step = n > 24 ? (int)((n + 11) / 12) : 1;
    int col = n > 60 ? 6 : n > 24 ? 12 : 40;
    int gap = n > 60 ? 1 : 4;
    int w = (int)n * (col + gap) + gap;
    int h = COLUMNS_HEIGHT + COLUMNS_LABEL;
    open_svg(b, id, title, desc, w < 200 ? 200 : w, h);
    int64_t max = largest(bars, n);
    for (size_t i = 0; i < n; i++) {
        int len = max > 0 ? (int)(bars[i].value * (COLUMNS_HEIGHT - 20) / max) : 0;
        if (bars[i].value > 0 && len < 2)
            len = 2;
        int x = gap + (int)i * (col + gap);
        buf_addf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"" BAR_FILL "\">", x,
                 COLUMNS_HEIGHT - len, col, len);
        buf_adds(b, "<title>");
        html_text(b, bars[i].label);
        buf_adds(b, " : ");
        figure(b, &bars[i]);
        buf_adds(b, "</title></rect>");
        if (i % (size_t)step == 0) {
            buf_addf(b, "<text x=\"%d\" y=\"%d\" fill=\"" TEXT_FILL "\" font-size=\"11\">", x,
                     COLUMNS_HEIGHT + 16);
            html_text(b, bars[i].label);
            buf_adds(b, "</text>");
        }
    }
    buf_adds(b, "</svg>");
}
