/*
 * ui: the component layer. Pages call these functions and never write a theme's markup themselves,
 * so that another theme (a DSFR one for State deployments) can replace the default one without
 * touching a page. The default theme renders GOV.UK Frontend markup, styled in Relais's own colours.
 *
 * All strings passed in are plain text and are escaped here; "_html" fields take markup already built
 * with html.h functions or templates. Nothing here allocates outside the buf's arena.
 */
#ifndef RELAIS_HTML_UI_H
#define RELAIS_HTML_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

struct ui_nav_item {
    const char *label;
    const char *href;
    bool current;
};

/* What the layout needs to know about the person viewing the page. */
struct ui_viewer {
    const char *display_name; /* NULL: anonymous */
    const char *role_label;   /* e.g. "Coordinateur (53)" */
    const char *csrf_token;   /* for the logout form */
};

struct ui_page {
    const char *title;        /* the <title>; content_html brings its own h1 (ui_h1) */
    const char *lang;         /* "fr" by default */
    const struct ui_nav_item *nav;
    size_t n_nav;
    const struct ui_viewer *viewer;
    const char *notice;       /* a one-line success message shown at the top ("flash"), or NULL */
    bool demo;                /* shows the "démo" banner: data in this instance is invented */
    bool wide;                /* full-width main column */
    bool has_errors;          /* a form with errors: the <title> starts with "Erreur : " */
};

/* Writes the whole document: head, skip link, header with navigation, main (content_html), footer. */
void ui_layout(struct buf *out, const struct ui_page *page, const char *content_html);

/* One form error: the field name (id of the input) and the French message. */
struct ui_error {
    const char *field;
    const char *message;
};

struct ui_errors {
    struct ui_error items[32];
    size_t n;
};

void ui_errors_add(struct ui_errors *e, const char *field, const char *message);
/* The message for field, or NULL. */
const char *ui_errors_for(const struct ui_errors *e, const char *field);

/* The error summary at the top of a form (nothing when there is no error), linking to each field. */
void ui_error_summary(struct buf *b, const struct ui_errors *e);

enum ui_input_type { UI_TEXT, UI_EMAIL, UI_PASSWORD, UI_NUMBER, UI_DATE, UI_TIME, UI_TEL, UI_URL,
                     UI_SEARCH };

struct ui_field {
    const char *name;         /* also the id */
    const char *label;
    const char *hint;         /* or NULL */
    const char *value;        /* what was typed, kept when the form is shown again */
    const char *error;        /* or NULL */
    enum ui_input_type type;
    const char *autocomplete; /* or NULL */
    bool required;
    const char *width_class;  /* theme-neutral width: "short", "medium", or NULL (full) */
    int max_chars;            /* ui_input: the browser stops typing there (0: no limit) */
};

void ui_input(struct buf *b, const struct ui_field *f);
void ui_textarea(struct buf *b, const struct ui_field *f, int rows);

struct ui_option {
    const char *value;
    const char *label;
    bool selected;
};

void ui_select(struct buf *b, const struct ui_field *f, const struct ui_option *opts, size_t n);
/* A file input (the form must be multipart); accept lists the expected types (".csv,.json"). A
 * browser never shows a file again: f->value is not used. */
void ui_file(struct buf *b, const struct ui_field *f, const char *accept);
/* A fieldset of checkboxes (multiple) or radios (!multiple); legend is f->label. */
void ui_choices(struct buf *b, const struct ui_field *f, const struct ui_option *opts, size_t n,
                bool multiple);

/* The hidden CSRF input every state-changing form carries, named "_csrf". */
void ui_csrf(struct buf *b, const char *token);

enum ui_button_kind { UI_BUTTON_PRIMARY, UI_BUTTON_SECONDARY, UI_BUTTON_WARNING };
void ui_button(struct buf *b, const char *label, enum ui_button_kind kind);
/* A link styled as a button. */
void ui_button_link(struct buf *b, const char *label, const char *href, enum ui_button_kind kind);

/* Opens and closes a <form>; method "post" forms get the CSRF input. */
void ui_form_begin(struct buf *b, const char *action, const char *method, const char *csrf_token,
                   bool multipart);
void ui_form_end(struct buf *b);

/* Tables: caption, header cells, then rows of cells (plain text). */
struct ui_table {
    const char *caption;
    const char *const *head;
    size_t n_cols;
    bool numeric_last; /* right-align the last column (figures) */
};
void ui_table_begin(struct buf *b, const struct ui_table *t);
void ui_table_row(struct buf *b, const struct ui_table *t, const char *const *cells);
/* A row whose first cell is a link. */
void ui_table_row_link(struct buf *b, const struct ui_table *t, const char *href,
                       const char *const *cells);
void ui_table_end(struct buf *b);

/* A card: a heading (linked when href is set), and body markup. The heading is an h2; ui_card_at
 * chooses the level (2 to 4) for cards under a section heading. */
void ui_card(struct buf *b, const char *heading, const char *href, const char *body_html);
void ui_card_at(struct buf *b, int level, const char *heading, const char *href,
                const char *body_html);
/* Cards written between these two calls line up in a grid (one column on a phone). */
void ui_cards_begin(struct buf *b);
void ui_cards_end(struct buf *b);

enum ui_tag_colour { UI_TAG_NEUTRAL, UI_TAG_GREEN, UI_TAG_RED, UI_TAG_BLUE, UI_TAG_YELLOW };
void ui_tag(struct buf *b, const char *label, enum ui_tag_colour colour);

enum ui_notice_kind { UI_NOTICE_INFO, UI_NOTICE_SUCCESS, UI_NOTICE_WARNING };
void ui_notice(struct buf *b, enum ui_notice_kind kind, const char *heading, const char *text);

/* Pagination: links to base_href with "page=N" appended (base_href is a plain URL, with or without
 * a query string, its values already percent-encoded; it is HTML-escaped here). Nothing when
 * pages <= 1. */
void ui_pagination(struct buf *b, const char *base_href, int64_t page, int64_t pages);

/* Headings and paragraphs in the theme's typography. */
void ui_h1(struct buf *b, const char *text);
void ui_h2(struct buf *b, const char *text);
void ui_p(struct buf *b, const char *text);
void ui_link(struct buf *b, const char *label, const char *href);

/* Running text written as plain semantic HTML (h2, h3, p, ul, ol, a, strong) inside these two
 * calls is styled by the theme, so that content templates carry no theme class. */
void ui_prose_begin(struct buf *b);
void ui_prose_end(struct buf *b);

#endif
