%include "html/ui.h"
% /* Content components of the GOV.UK Frontend theme: tables, cards, tags, notices, pagination,
%  * headings and running text. Cards and the prose wrapper are Relais's own (web/scss/relais.scss):
%  * GOV.UK Frontend has no card. */
%
% static const char *const tag_classes[] = {
%     [UI_TAG_NEUTRAL] = " govuk-tag--grey", [UI_TAG_GREEN] = " govuk-tag--green",
%     [UI_TAG_RED] = " govuk-tag--red", [UI_TAG_BLUE] = "", [UI_TAG_YELLOW] = " govuk-tag--yellow",
% };
%
% static const char *tag_class(enum ui_tag_colour c)
% {
%     return (size_t)c < sizeof(tag_classes) / sizeof(tag_classes[0]) ? tag_classes[c] : "";
% }
%
% static const char *cell_class(const struct ui_table *t, size_t col)
% {
%     return t->numeric_last && col + 1 == t->n_cols ? " govuk-table__cell--numeric" : "";
% }
%
% /* base_href with "page=N" added to its query string. */
% static void page_href(struct buf *b, const char *base_href, int64_t page)
% {
%     html_url(b, base_href);
%     if (strchr(base_href, '?'))
%         html_lit(b, "&amp;page=");
%     else
%         html_lit(b, "?page=");
%     html_int(b, page);
% }

%% void ui_table_begin(struct buf *b, const struct ui_table *t)
<div class="relais-table-scroll" role="region" aria-label="{{ t->caption ? t->caption : "Tableau" }}" tabindex="0">
<table class="govuk-table">
% if (t->caption) {
<caption class="govuk-table__caption govuk-table__caption--m">{{ t->caption }}</caption>
% }
<thead class="govuk-table__head">
<tr class="govuk-table__row">
% for (size_t i = 0; i < t->n_cols; i++) {
<th scope="col" class="govuk-table__header{{ t->numeric_last && i + 1 == t->n_cols ? " govuk-table__header--numeric" : "" }}">{{ t->head[i] }}</th>
% }
</tr>
</thead>
<tbody class="govuk-table__body">

%% void ui_table_row(struct buf *b, const struct ui_table *t, const char *const *cells)
<tr class="govuk-table__row">
% for (size_t i = 0; i < t->n_cols; i++) {
%     if (i == 0) {
<th scope="row" class="govuk-table__header">{{ cells[0] }}</th>
%     } else {
<td class="govuk-table__cell{{ cell_class(t, i) }}">{{ cells[i] }}</td>
%     }
% }
</tr>

%% void ui_table_row_link(struct buf *b, const struct ui_table *t, const char *href, const char *const *cells)
<tr class="govuk-table__row">
% for (size_t i = 0; i < t->n_cols; i++) {
%     if (i == 0) {
<th scope="row" class="govuk-table__header"><a class="govuk-link" href="{{ href }}">{{ cells[0] }}</a></th>
%     } else {
<td class="govuk-table__cell{{ cell_class(t, i) }}">{{ cells[i] }}</td>
%     }
% }
</tr>

%% void ui_table_end(struct buf *b)
</tbody>
</table>
</div>

%% void ui_cards_begin(struct buf *b)
<div class="relais-cards">

%% void ui_cards_end(struct buf *b)
</div>

%% void ui_card(struct buf *b, const char *heading, const char *href, const char *body_html)
% ui_card_at(b, 2, heading, href, body_html);

%% void ui_card_at(struct buf *b, int level, const char *heading, const char *href, const char *body_html)
% if (level < 2 || level > 4) {
%     level = 2;
% }
<div class="relais-card{{ href ? " relais-card--link" : "" }}">
{% buf_addf(b, "<h%d class=\"relais-card__heading\">", level); %}
% if (href) {
<a class="govuk-link relais-card__link" href="{{ href }}">{{ heading }}</a>
% } else {
{{ heading }}
% }
{% buf_addf(b, "</h%d>", level); %}
% if (body_html && body_html[0]) {
<div class="relais-card__body">{{{ html_safe_trusted(body_html) }}}</div>
% }
</div>

%% void ui_tag(struct buf *b, const char *label, enum ui_tag_colour colour)
<strong class="govuk-tag{{ tag_class(colour) }}">{{ label }}</strong>

%% void ui_notice(struct buf *b, enum ui_notice_kind kind, const char *heading, const char *text)
% if (kind == UI_NOTICE_WARNING) {
<div class="govuk-warning-text">
<span class="govuk-warning-text__icon" aria-hidden="true">!</span>
<strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Attention :</span>
%     if (heading) {
{{ heading }}<br>
%     }
{{ text }}</strong>
</div>
%     return;
% }
% /* The banner's title is labelled by id; the offset in the buffer keeps ids unique on a page. */
% size_t id = b->len;
% bool success = kind == UI_NOTICE_SUCCESS;
<div class="govuk-notification-banner{{ success ? " govuk-notification-banner--success" : "" }}" role="{{ success ? "alert" : "region" }}" aria-labelledby="notice-{{ id }}" data-module="govuk-notification-banner">
<div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="notice-{{ id }}">{{ success ? "C'est fait" : "Information" }}</h2></div>
<div class="govuk-notification-banner__content">
% if (heading) {
<p class="govuk-notification-banner__heading">{{ heading }}</p>
% }
% if (text) {
<p class="govuk-body">{{ text }}</p>
% }
</div>
</div>

%% void ui_pagination(struct buf *b, const char *base_href, int64_t page, int64_t pages)
% if (pages <= 1 || !base_href) {
%     return;
% }
% if (page < 1) {
%     page = 1;
% } else if (page > pages) {
%     page = pages;
% }
<nav class="govuk-pagination" aria-label="Pagination">
% if (page > 1) {
<div class="govuk-pagination__prev">
<a class="govuk-link govuk-pagination__link" href="{% page_href(b, base_href, page - 1); %}" rel="prev">
<svg class="govuk-pagination__icon govuk-pagination__icon--prev" xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13"><path d="m6.5938-0.0078125-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931-4.293-1.414-1.414z"></path></svg>
<span class="govuk-pagination__link-title">Page précédente</span></a>
</div>
% }
<ul class="govuk-pagination__list">
% bool gap = false;
% for (int64_t k = 1; k <= pages; k++) {
%     /* The first, the last, and the current page with its neighbours; "…" for the others. */
%     if (k != 1 && k != pages && (k < page - 1 || k > page + 1)) {
%         if (!gap) {
<li class="govuk-pagination__item govuk-pagination__item--ellipsis">&ctdot;</li>
%         }
%         gap = true;
%         continue;
%     }
%     gap = false;
%     if (k == page) {
<li class="govuk-pagination__item govuk-pagination__item--current"><a class="govuk-link govuk-pagination__link" href="{% page_href(b, base_href, k); %}" aria-label="Page {{ k }}" aria-current="page">{{ k }}</a></li>
%     } else {
<li class="govuk-pagination__item"><a class="govuk-link govuk-pagination__link" href="{% page_href(b, base_href, k); %}" aria-label="Page {{ k }}">{{ k }}</a></li>
%     }
% }
</ul>
% if (page < pages) {
<div class="govuk-pagination__next">
<a class="govuk-link govuk-pagination__link" href="{% page_href(b, base_href, page + 1); %}" rel="next">
<span class="govuk-pagination__link-title">Page suivante</span>
<svg class="govuk-pagination__icon govuk-pagination__icon--next" xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13"><path d="m8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062-6.7246-6.7266z"></path></svg></a>
</div>
% }
</nav>

%% void ui_h1(struct buf *b, const char *text)
<h1 class="govuk-heading-l">{{ text }}</h1>

%% void ui_h2(struct buf *b, const char *text)
<h2 class="govuk-heading-m">{{ text }}</h2>

%% void ui_p(struct buf *b, const char *text)
<p class="govuk-body">{{ text }}</p>

%% void ui_link(struct buf *b, const char *label, const char *href)
<a class="govuk-link" href="{{ href }}">{{ label }}</a>

%% void ui_prose_begin(struct buf *b)
<div class="relais-prose">

%% void ui_prose_end(struct buf *b)
</div>
