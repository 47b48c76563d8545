%include "html/ui.h"
% /* Form components of the GOV.UK Frontend theme: error summary, inputs, choices, buttons. A field's
%  * hint and error are tied to its control with aria-describedby, choices sit in a fieldset whose
%  * legend is the question, and optional fields say so in their label, as GOV.UK asks. */
%
% static const char *const input_types[] = {
%     [UI_TEXT] = "text", [UI_EMAIL] = "email", [UI_PASSWORD] = "password",
%     [UI_NUMBER] = "text", [UI_DATE] = "date", [UI_TIME] = "time", [UI_TEL] = "tel",
%     [UI_URL] = "url", [UI_SEARCH] = "search",
% };
%
% static const char *input_type(enum ui_input_type t)
% {
%     return (size_t)t < sizeof(input_types) / sizeof(input_types[0]) ? input_types[t] : "text";
% }
%
% static const char *width_class(const char *width, const char *short_class,
%                                const char *medium_class)
% {
%     if (!width)
%         return "";
%     return strcmp(width, "short") == 0 ? short_class : medium_class;
% }
%
% /* " aria-describedby=..." naming the hint and the error shown above the control. */
% static void described_by(struct buf *b, const struct ui_field *f)
% {
%     if (!f->hint && !f->error)
%         return;
%     html_lit(b, " aria-describedby=\"");
%     if (f->hint) {
%         html_attr(b, f->name);
%         html_lit(b, "-hint");
%     }
%     if (f->error) {
%         if (f->hint)
%             html_lit(b, " ");
%         html_attr(b, f->name);
%         html_lit(b, "-error");
%     }
%     html_lit(b, "\"");
% }
%
% static bool shows_optional(const struct ui_field *f)
% {
%     return !f->required && f->type != UI_SEARCH;
% }

%% static void field_hint_and_error(struct buf *b, const struct ui_field *f)
% if (f->hint) {
<div id="{{ f->name }}-hint" class="govuk-hint">{{ f->hint }}</div>
% }
% if (f->error) {
<p id="{{ f->name }}-error" class="govuk-error-message"><span class="govuk-visually-hidden">Erreur :</span> {{ f->error }}</p>
% }

%% static void field_label(struct buf *b, const struct ui_field *f)
% if (shows_optional(f)) {
<label class="govuk-label" for="{{ f->name }}">{{ f->label }} (facultatif)</label>
% } else {
<label class="govuk-label" for="{{ f->name }}">{{ f->label }}</label>
% }
% field_hint_and_error(b, f);

%% static void group_begin(struct buf *b, const struct ui_field *f)
% if (f->error) {
<div class="govuk-form-group govuk-form-group--error">
% } else {
<div class="govuk-form-group">
% }

%% void ui_error_summary(struct buf *b, const struct ui_errors *e)
% if (e->n == 0) {
%     return;
% }
<div class="govuk-error-summary" data-module="govuk-error-summary">
<div role="alert">
<h2 class="govuk-error-summary__title">Il y a un problème</h2>
<div class="govuk-error-summary__body">
<ul class="govuk-list govuk-error-summary__list">
% for (size_t i = 0; i < e->n; i++) {
%     if (e->items[i].field) {
<li><a href="#{{ e->items[i].field }}">{{ e->items[i].message }}</a></li>
%     } else {
<li>{{ e->items[i].message }}</li>
%     }
% }
</ul>
</div>
</div>
</div>

%% void ui_input(struct buf *b, const struct ui_field *f)
% group_begin(b, f);
% field_label(b, f);
<input class="govuk-input{{ width_class(f->width_class, " govuk-input--width-10", " govuk-input--width-20") }}{{ f->error ? " govuk-input--error" : "" }}" id="{{ f->name }}" name="{{ f->name }}" type="{{ input_type(f->type) }}"
% if (f->type == UI_NUMBER) {
 inputmode="numeric"
% }
% if (f->type == UI_EMAIL || f->type == UI_PASSWORD || f->type == UI_URL) {
 spellcheck="false" autocapitalize="none"
% }
% if (f->value && f->type != UI_PASSWORD) {
 value="{{ f->value }}"
% }
% if (f->max_chars > 0) {
 maxlength="{{ f->max_chars }}"
% }
% if (f->autocomplete) {
 autocomplete="{{ f->autocomplete }}"
% }
% if (f->required) {
 aria-required="true"
% }
{% described_by(b, f); %}>
</div>

%% void ui_textarea(struct buf *b, const struct ui_field *f, int rows)
% group_begin(b, f);
% field_label(b, f);
<textarea class="govuk-textarea{{ f->error ? " govuk-textarea--error" : "" }}" id="{{ f->name }}" name="{{ f->name }}" rows="{{ rows > 0 ? rows : 5 }}"
% if (f->autocomplete) {
 autocomplete="{{ f->autocomplete }}"
% }
% if (f->required) {
 aria-required="true"
% }
{% described_by(b, f); %}>{{ f->value }}</textarea>
</div>

%% void ui_file(struct buf *b, const struct ui_field *f, const char *accept)
% group_begin(b, f);
% field_label(b, f);
<input class="govuk-file-upload{{ f->error ? " govuk-file-upload--error" : "" }}" id="{{ f->name }}" name="{{ f->name }}" type="file"
% if (accept) {
 accept="{{ accept }}"
% }
% if (f->required) {
 aria-required="true"
% }
{% described_by(b, f); %}>
</div>

%% void ui_select(struct buf *b, const struct ui_field *f, const struct ui_option *opts, size_t n)
% group_begin(b, f);
% field_label(b, f);
<select class="govuk-select{{ width_class(f->width_class, " govuk-!-width-one-quarter", " govuk-!-width-one-half") }}{{ f->error ? " govuk-select--error" : "" }}" id="{{ f->name }}" name="{{ f->name }}"
% if (f->autocomplete) {
 autocomplete="{{ f->autocomplete }}"
% }
% if (f->required) {
 aria-required="true"
% }
{% described_by(b, f); %}>
% for (size_t i = 0; i < n; i++) {
<option value="{{ opts[i].value }}"{% if (opts[i].selected) { %} selected{% } %}>{{ opts[i].label }}</option>
% }
</select>
</div>

%% void ui_choices(struct buf *b, const struct ui_field *f, const struct ui_option *opts, size_t n, bool multiple)
% const char *kind = multiple ? "checkboxes" : "radios";
% group_begin(b, f);
<fieldset class="govuk-fieldset"{% described_by(b, f); %}>
% if (shows_optional(f)) {
<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{{ f->label }} (facultatif)</legend>
% } else {
<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{{ f->label }}</legend>
% }
% field_hint_and_error(b, f);
<div class="govuk-{{ kind }}{{ n > 6 ? " govuk-" : "" }}{{ n > 6 ? kind : "" }}{{ n > 6 ? "--small" : "" }}" data-module="govuk-{{ kind }}">
% for (size_t i = 0; i < n; i++) {
%     /* The first control takes the field's id, so that the error summary's link reaches it. */
%     char suffix[24] = "";
%     if (i > 0) {
%         snprintf(suffix, sizeof(suffix), "-%zu", i + 1);
%     }
<div class="govuk-{{ kind }}__item">
<input class="govuk-{{ kind }}__input" id="{{ f->name }}{{ suffix }}" name="{{ f->name }}" type="{{ multiple ? "checkbox" : "radio" }}" value="{{ opts[i].value }}"{% if (opts[i].selected) { %} checked{% } %}>
<label class="govuk-label govuk-{{ kind }}__label" for="{{ f->name }}{{ suffix }}">{{ opts[i].label }}</label>
</div>
% }
</div>
</fieldset>
</div>

%% void ui_csrf(struct buf *b, const char *token)
<input type="hidden" name="_csrf" value="{{ token ? token : "" }}">

%% void ui_button(struct buf *b, const char *label, enum ui_button_kind kind)
<button type="submit" class="govuk-button{{ kind == UI_BUTTON_SECONDARY ? " govuk-button--secondary" : kind == UI_BUTTON_WARNING ? " govuk-button--warning" : "" }}" data-module="govuk-button">{{ label }}</button>

%% void ui_button_link(struct buf *b, const char *label, const char *href, enum ui_button_kind kind)
<a href="{{ href }}" role="button" draggable="false" class="govuk-button{{ kind == UI_BUTTON_SECONDARY ? " govuk-button--secondary" : kind == UI_BUTTON_WARNING ? " govuk-button--warning" : "" }}" data-module="govuk-button">{{ label }}</a>

%% void ui_form_begin(struct buf *b, const char *action, const char *method, const char *csrf_token, bool multipart)
% bool post = method && strcasecmp(method, "post") == 0;
<form action="{{ action }}" method="{{ post ? "post" : "get" }}"{% if (multipart) { %} enctype="multipart/form-data"{% } %} novalidate>
% if (post) {
%     ui_csrf(b, csrf_token);
% }

%% void ui_form_end(struct buf *b)
</form>
