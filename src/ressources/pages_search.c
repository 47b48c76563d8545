/*
 * The search of resources: the page /ressources (a query box, filters with a count for every
 * value of the four vocabularies, the sorts, pages; a plain GET form that works without
 * JavaScript) and the API /api/v1/ressources. Both show only what the viewer may see.
 */
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "html/html.h"
#include "html/ui.h"
#include "ressources/access.h"
#include "ressources/exchange.h"
#include "ressources/pages.h"
#include "ressources/search_query.h"
#include "site/shell.h"

#include <jansson.h>
#include <string.h>

static void filter_fieldset(struct buf *b, struct arena *a, const struct rs_search *s,
                            enum vocab_kind k, const char *category, const char *id_prefix,
                            const char *legend)
{
    const struct vocab *v = ressources_vocab_get(k);
    struct ui_option *opts = arena_calloc(a, v->n, sizeof(*opts));
    size_t n = 0;
    for (size_t i = 0; i < v->n; i++) {
        const struct vocab_value *vv = &v->values[i];
        if (category && (!vv->category || strcmp(vv->category, category) != 0))
            continue;
        bool sel;
        unsigned count = rs_search_count(s, k, vv->value, &sel);
        opts[n++] =
            (struct ui_option){vv->value, arena_printf(a, "%s (%u)", vv->label, count), sel};
    }
    rs_checkboxes(b, v->column, id_prefix, legend, opts, n);
}

int rs_page_search(struct http_request *req, struct http_response *resp)
{
    struct arena *a = req->arena;
    int64_t page = rs_page_number(req);
    struct rs_search s;
    int rc = rs_search_run(req, (size_t)(page - 1) * RESSOURCES_PER_PAGE, RESSOURCES_PER_PAGE, &s);
    if (rc)
        return rc;
    struct buf b = rs_buf(req);
    ui_h1(&b, "Ressources");
    html_lit(&b, "<p class=\"govuk-body\">Fiches, guides, supports d'atelier partagés par les "
                 "médiateurs. <a class=\"govuk-link\" href=\"/bases\">Voir les bases</a>");
    if (auth_signed_in(auth_of(req)))
        html_lit(&b, " · <a class=\"govuk-link\" href=\"/ressources/nouvelle\">Créer une "
                     "ressource</a> · <a class=\"govuk-link\" href=\"/mes-ressources\">Mes "
                     "ressources</a>");
    html_lit(&b, "</p>");
    ui_form_begin(&b, "/ressources", "get", NULL, false);
    if (s.base_id) {
        struct base base;
        if (bases_can_see(rs_db(req), auth_of(req), s.base_id) &&
            base_get(rs_db(req), a, s.base_id, &base) == 0) {
            html_lit(&b, "<p class=\"govuk-body\">");
            html_text(&b, arena_printf(a, "Dans la base « %s ». ", base.nom));
            html_lit(&b, "<a class=\"govuk-link\" href=\"/ressources?q=");
            html_url_part(&b, s.q);
            html_lit(&b, "\">Chercher dans toutes les bases</a></p>");
        }
        html_lit(&b, "<input type=\"hidden\" name=\"base\" value=\"");
        html_int(&b, s.base_id);
        html_lit(&b, "\">");
    }
    html_lit(&b, "<div class=\"relais-rs-recherche\">");
    ui_input(&b, &(struct ui_field){.name = "q",
                                    .label = "Rechercher une ressource",
                                    .hint = "Des mots du titre, du sujet ou du contenu : les "
                                            "accents, les pluriels et une faute de frappe ne "
                                            "gênent pas.",
                                    .value = s.q,
                                    .type = UI_SEARCH,
                                    .max_chars = LIMIT_QUERY_CHARS});
    struct ui_option sorts[8];
    for (size_t i = 0; i < rs_n_sorts; i++)
        sorts[i] = (struct ui_option){rs_sorts[i].value, rs_sorts[i].label,
                                      strcmp(rs_sorts[i].value, s.tri) == 0};
    ui_select(&b, &(struct ui_field){.name = "tri", .label = "Trier par"}, sorts, rs_n_sorts);
    ui_button(&b, "Rechercher", UI_BUTTON_PRIMARY);
    html_lit(&b, "</div><div class=\"relais-rs-resultats\"><div class=\"relais-rs-filtres\">");
    ui_h2(&b, "Filtrer");
    html_lit(&b, "<p class=\"govuk-body-s\">Entre parenthèses : le nombre de ressources de la "
                 "recherche avec cette valeur.</p>");
    for (size_t c = 0; c < ressources_vocab_n_theme_categories; c++)
        filter_fieldset(&b, a, &s, VOCAB_THEME, ressources_vocab_theme_categories[c],
                        arena_printf(a, "theme-%zu", c + 1),
                        arena_printf(a, "Thématiques : %s", ressources_vocab_theme_categories[c]));
    filter_fieldset(&b, a, &s, VOCAB_TYPE, NULL, "type", "Types de ressource");
    filter_fieldset(&b, a, &s, VOCAB_PUBLIC, NULL, "public", "Publics");
    filter_fieldset(&b, a, &s, VOCAB_SECTEUR, NULL, "secteur", "Secteurs professionnels");
    ui_button(&b, "Appliquer les filtres", UI_BUTTON_SECONDARY);
    html_lit(&b, "</div><div class=\"relais-rs-liste\">");
    ui_h2(&b,
          s.result.total == 1 ? "1 ressource" : arena_printf(a, "%zu ressources", s.result.total));
    if (s.result.corrected)
        ui_p(&b, arena_printf(a, "Résultats pour « %s ».", s.result.corrected));
    struct ressource_row *rows = arena_calloc(a, s.result.n_hits + 1, sizeof(*rows));
    size_t n = 0;
    for (size_t i = 0; i < s.result.n_hits; i++) {
        struct ressource r;
        if (ressource_get(rs_db(req), a, s.result.hits[i].id, &r) != 0)
            continue; /* deleted since the snapshot */
        rows[n++] = (struct ressource_row){r.id,        r.titre,   r.description, r.base_nom,
                                           r.published, r.public_, r.demo,        r.updated_at};
    }
    bool narrowed = *s.q || s.base_id;
    for (int k = 0; k < VOCAB_N; k++)
        narrowed |= s.n_selected[k] > 0;
    if (n == 0 && s.result.total == 0 && narrowed)
        ui_p(&b, "Aucune ressource ne correspond à cette recherche : essayez d'autres mots ou "
                 "retirez un filtre.");
    else
        rs_render_rows(&b, rs_db(req), a, rows, n, &s.result);
    int64_t pages = (int64_t)((s.result.total + RESSOURCES_PER_PAGE - 1) / RESSOURCES_PER_PAGE);
    ui_pagination(&b, arena_printf(a, "/ressources?%s", rs_search_params(a, &s)), page, pages);
    html_lit(&b, "</div></div>");
    ui_form_end(&b);
    return shell_render(req, resp, &(struct shell_page){.title = "Ressources"}, buf_cstr(&b));
}

int rs_api_search(struct http_request *req, struct http_response *resp)
{
    struct arena *a = req->arena;
    int64_t limit = 20, offset = 0;
    const char *l = http_param(&req->query, "limite");
    const char *after = http_param(&req->query, "apres");
    if (l && (cstr_to_int64(l, &limit) || limit < 1 || limit > LIMIT_PAGE_SIZE))
        return http_fail(req, ERR_INVALID,
                         arena_printf(a, "limite : un entier entre 1 et %d.", LIMIT_PAGE_SIZE),
                         "limite");
    if (after && (cstr_to_int64(after, &offset) || offset < 0 || offset > 1000000))
        return http_fail(req, ERR_INVALID, "apres : le curseur rendu par la page précédente.",
                         "apres");
    struct rs_search s;
    int rc = rs_search_run(req, (size_t)offset, (size_t)limit, &s);
    if (rc)
        return rc;
    json_t *data = json_array();
    for (size_t i = 0; i < s.result.n_hits; i++) {
        struct ressource r;
        if (ressource_get(rs_db(req), a, s.result.hits[i].id, &r) != 0)
            continue;
        json_t *o = exchange_to_json(a, &r);
        json_object_set_new(o, "score", json_real(s.result.hits[i].score));
        json_array_append_new(data, o);
    }
    json_t *facets = json_object();
    for (int k = 0; k < VOCAB_N; k++) {
        const struct vocab *v = ressources_vocab_get((enum vocab_kind)k);
        json_t *counts = json_object();
        for (size_t i = 0; i < v->n; i++) {
            bool sel;
            json_object_set_new(
                counts, v->values[i].value,
                json_integer(rs_search_count(&s, (enum vocab_kind)k, v->values[i].value, &sel)));
        }
        json_object_set_new(facets, v->json_key, counts);
    }
    size_t next = (size_t)offset + s.result.n_hits;
    json_t *out = json_pack("{s:o, s:I, s:o}", "data", data, "total", (json_int_t)s.result.total,
                            "facettes", facets);
    json_object_set_new(out, "suivant",
                        next < s.result.total ? json_string(arena_printf(a, "%zu", next))
                                              : json_null());
    json_object_set_new(out, "requete_comprise",
                        s.result.corrected ? json_string(s.result.corrected) : json_null());
    http_json(resp, 200, out);
    return 0;
}
