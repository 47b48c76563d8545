/* What the pages of ressources share (see pages.h). */
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "db/db.h"
#include "html/html.h"
#include "html/ui.h"
#include "lieux/pages_common.h"
#include "ressources/access.h"
#include "ressources/index.h"
#include "ressources/pages.h"
#include "ressources/quality.h"
#include "search/search.h"

#include <string.h>

static const char SQL_ID_BY_SLUG[] = "SELECT id FROM ressources WHERE slug = $1";

struct db *rs_db(const struct http_request *req) { return ((const struct ctx *)req->ctx)->db; }

const char *rs_data_dir(const struct http_request *req)
{
    return ((const struct ctx *)req->ctx)->cfg->data_dir;
}

struct buf rs_buf(struct http_request *req)
{
    struct buf b;
    buf_init(&b, req->arena, LIMIT_PAGE_BYTES);
    return b;
}

int64_t rs_path_id(const struct http_request *req, const char *name)
{
    const char *p = http_path_param(req, name);
    int64_t id = 0;
    if (!p || cstr_to_int64(p, &id) || id <= 0)
        return 0;
    return id;
}

int64_t rs_page_number(const struct http_request *req)
{
    const char *p = http_param(&req->query, "page");
    int64_t n = 1;
    if (!p || cstr_to_int64(p, &n) || n < 1 || n > 100000)
        return 1;
    return n;
}

int rs_load_base(struct http_request *req, struct base *out)
{
    int64_t id = rs_path_id(req, "id");
    struct db *db = rs_db(req);
    if (!id || !bases_can_see(db, auth_of(req), id))
        return http_fail(req, ERR_NOT_FOUND, "Cette base n'existe pas ou n'est pas visible.", NULL);
    return base_get(db, req->arena, id, out);
}

int rs_load_ressource(struct http_request *req, bool edit, struct ressource *out)
{
    struct db *db = rs_db(req);
    const char *p = http_path_param(req, "id");
    int64_t id = 0;
    if (!p || cstr_to_int64(p, &id) || id <= 0) {
        struct db_stmt *st;
        int rc = db_prepare(db, SQL_ID_BY_SLUG, &st);
        if (rc)
            return rc;
        db_bind_text(st, 1, p ? p : "");
        rc = db_step_one(st);
        id = rc == 0 ? db_col_int64(st, 0) : 0;
        db_reset(st);
        if (rc && rc != ERR_NOT_FOUND)
            return rc;
    }
    const struct auth *a = auth_of(req);
    /* A resource the viewer may not see is answered like one that does not exist. */
    if (id <= 0 || !ressources_can_see(db, a, id))
        return http_fail(req, ERR_NOT_FOUND, "Cette ressource n'existe pas ou n'est pas visible.",
                         NULL);
    if (edit && !ressources_can_edit(db, a, id))
        return http_fail(req, ERR_FORBIDDEN,
                         "Seuls l'auteur, les contributeurs et les membres de la base de cette "
                         "ressource peuvent la modifier.",
                         NULL);
    return ressource_get(db, req->arena, id, out);
}

const char *rs_date(struct arena *a, int64_t t) { return lieux_time_fr(a, (time_t)t); }

/* text with the words the search matched in <mark>. */
static void marked_text(struct buf *b, struct arena *a, const struct search_result *marks,
                        const char *text)
{
    struct search_span *spans = NULL;
    size_t n = 0, at = 0, len = strlen(text);
    if (marks && search_highlight(marks, str_from(text), a, &spans, &n) != 0)
        n = 0;
    for (size_t i = 0; i < n; i++) {
        if (spans[i].start < at || spans[i].end > len || spans[i].start >= spans[i].end)
            continue;
        html_text(b, arena_strndup(a, text + at, spans[i].start - at));
        html_lit(b, "<mark>");
        html_text(b, arena_strndup(a, text + spans[i].start, spans[i].end - spans[i].start));
        html_lit(b, "</mark>");
        at = spans[i].end;
    }
    html_text(b, text + at);
}

void rs_render_rows(struct buf *b, struct db *db, struct arena *a, const struct ressource_row *rows,
                    size_t n, const struct search_result *marks)
{
    if (!n) {
        ui_p(b, "Aucune ressource pour l'instant.");
        return;
    }
    html_lit(b, "<ul class=\"relais-ressources\">");
    for (size_t i = 0; i < n; i++) {
        const struct ressource_row *r = &rows[i];
        html_lit(b, "<li class=\"relais-ressource\"><h3 class=\"govuk-heading-s\"><a "
                    "class=\"govuk-link\" href=\"/ressources/");
        html_int(b, r->id);
        html_lit(b, "\">");
        marked_text(b, a, marks, r->titre);
        html_lit(b, "</a></h3>");
        if (!r->published)
            ui_tag(b, "Brouillon", UI_TAG_YELLOW);
        else if (!r->public_)
            ui_tag(b, "Privée", UI_TAG_BLUE);
        if (r->demo)
            ui_tag(b, "démo", UI_TAG_NEUTRAL);
        enum quality_badge badge;
        if (r->published && quality_badge_for(db, r->id, &badge) == 0)
            quality_render_badge(b, badge);
        if (r->description && *r->description) {
            html_lit(b, "<p class=\"govuk-body\">");
            marked_text(b, a, marks, r->description);
            html_lit(b, "</p>");
        }
        html_lit(b, "<p class=\"govuk-body-s\">");
        if (r->base_nom) {
            html_lit(b, "Base : ");
            html_text(b, r->base_nom);
            html_lit(b, " · ");
        }
        html_lit(b, "Mise à jour le ");
        html_text(b, rs_date(a, r->updated_at));
        html_lit(b, "</p></li>");
    }
    html_lit(b, "</ul>");
}

void rs_after_write(struct http_request *req, int64_t ressource_id)
{
    ressources_index_refresh(rs_db(req), ressource_id);
}

void rs_checkboxes(struct buf *b, const char *name, const char *id_prefix, const char *legend,
                   const struct ui_option *opts, size_t n)
{
    html_lit(b, "<div class=\"govuk-form-group\"><fieldset class=\"govuk-fieldset\"><legend "
                "class=\"govuk-fieldset__legend govuk-fieldset__legend--s\">");
    html_text(b, legend);
    html_lit(b, "</legend><div class=\"govuk-checkboxes govuk-checkboxes--small\" "
                "data-module=\"govuk-checkboxes\">");
    for (size_t i = 0; i < n; i++) {
        html_lit(b,
                 "<div class=\"govuk-checkboxes__item\"><input class=\"govuk-checkboxes__input\" "
                 "type=\"checkbox\" id=\"");
        html_attr(b, id_prefix);
        html_lit(b, "-");
        html_uint(b, i + 1);
        html_lit(b, "\" name=\"");
        html_attr(b, name);
        html_lit(b, "\" value=\"");
        html_attr(b, opts[i].value);
        html_lit(b, "\"");
        if (opts[i].selected)
            html_lit(b, " checked");
        html_lit(b, "><label class=\"govuk-label govuk-checkboxes__label\" for=\"");
        html_attr(b, id_prefix);
        html_lit(b, "-");
        html_uint(b, i + 1);
        html_lit(b, "\">");
        html_text(b, opts[i].label);
        html_lit(b, "</label></div>");
    }
    html_lit(b, "</div></fieldset></div>");
}

void rs_action_button(struct buf *b, const char *value, const char *label, bool primary)
{
    if (primary)
        html_lit(b, "<button type=\"submit\" class=\"govuk-button\" data-module=\"govuk-button\" "
                    "name=\"action\" value=\"");
    else
        html_lit(b, "<button type=\"submit\" class=\"govuk-button govuk-button--secondary\" "
                    "data-module=\"govuk-button\" name=\"action\" value=\"");
    html_attr(b, value);
    html_lit(b, "\">");
    html_text(b, label);
    html_lit(b, "</button> ");
}
