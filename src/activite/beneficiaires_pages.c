/*
 * The pages of beneficiaries for médiateurs: the list of the people followed by name (search by
 * name, pages of 50), creation with the person's consent and the duplicate warning, the record,
 * its edit, the merge of a duplicate, the download of the person's data (JSON, CSV) and the erasure
 * on request. Who sees a record: beneficiaires.h. Every change is traced in the record's history.
 */
#include "activite/beneficiaires.h"
#include "activite/export_stats.h"
#include "activite/suivi_pages.h"
#include "activite/vocab.h"
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
#include "lieux/lieux.h"
#include "lieux/pages_common.h"
#include "site/shell.h"

#include <string.h>
#include <time.h>

#define PER_PAGE 50

static struct buf page_buf(struct http_request *req)
{
    struct buf b;
    buf_init(&b, req->arena, LIMIT_PAGE_BYTES);
    return b;
}

static int months_setting(struct http_request *req)
{
    const struct ctx *ctx = req->ctx;
    return beneficiaire_months_setting(ctx && ctx->cfg ? ctx->cfg->anonymise_months : NULL);
}

static int current_year(void)
{
    struct tm tm;
    lieux_paris_time(time(NULL), &tm);
    return tm.tm_year + 1900;
}

static const char *full_name(struct arena *a, const struct beneficiaire *b)
{
    if (b->anonyme)
        return arena_printf(a, "Personne anonyme n° %lld", (long long)b->id);
    return arena_printf(a, "%s %s", b->prenom ? b->prenom : "", b->nom ? b->nom : "");
}

static const char *href(struct arena *a, int64_t id, const char *suffix)
{
    return arena_printf(a, "/beneficiaires/%lld%s", (long long)id, suffix ? suffix : "");
}

/* The record of the route's {id}, when the viewer may see it. */
static int load_visible(struct http_request *req, struct beneficiaire *b)
{
    const struct ctx *ctx = req->ctx;
    int64_t id;
    if (cstr_to_int64(http_path_param(req, "id"), &id) || id <= 0)
        return http_fail(req, ERR_NOT_FOUND, "Cette personne n'existe pas.", NULL);
    int rc = beneficiaire_get(ctx->db, req->arena, id, b);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND, "Cette personne n'existe pas.", NULL);
    if (rc)
        return rc;
    if (!beneficiaire_can_see(auth_of(req), b))
        return http_fail(req, ERR_FORBIDDEN,
                         "Cette personne est suivie par une autre structure : seuls les "
                         "médiateurs de sa structure voient sa fiche.",
                         NULL);
    return 0;
}

/* A named record that is not merged: what edit, merge and erase act on. */
static int load_named(struct http_request *req, struct beneficiaire *b)
{
    int rc = load_visible(req, b);
    if (rc)
        return rc;
    if (b->fusion_vers_id)
        return http_fail(req, ERR_NOT_FOUND,
                         arena_printf(req->arena,
                                      "Cette fiche a été fusionnée dans la fiche n° %lld.",
                                      (long long)b->fusion_vers_id),
                         NULL);
    if (b->anonyme)
        return http_fail(req, ERR_NOT_FOUND,
                         "Cette fiche est anonyme : elle ne porte aucune donnée nominative.", NULL);
    return 0;
}

static const char *label_of(const struct vocab *v, const char *value)
{
    const char *l = vocab_label(v, vocab_find(v, value));
    return l ? l : "Non renseigné";
}

/* ---------- the list ---------- */

int beneficiaires_page_list(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *au = auth_of(req);
    struct arena *a = req->arena;
    const char *q = http_param(&req->query, "q");
    if (q && strlen(q) > LIMIT_QUERY_CHARS)
        return http_fail(req, ERR_INVALID, "Recherche : 500 caractères au plus.", "q");
    int64_t page = 1;
    const char *p = http_param(&req->query, "page");
    if (p && (cstr_to_int64(p, &page) || page < 1 || page > 1000000))
        return http_fail(req, ERR_INVALID, "Page : un nombre entier à partir de 1.", "page");
    struct beneficiaire *list;
    size_t n;
    int64_t total;
    int rc =
        beneficiaire_list(ctx->db, a, au->user_id, auth_has(au, ROLE_ADMIN) && !au->n_memberships,
                          q, (page - 1) * PER_PAGE, PER_PAGE, &list, &n, &total);
    if (rc)
        return rc;
    struct buf b = page_buf(req);
    ui_h1(&b, "Bénéficiaires suivis");
    ui_p(&b, "Les personnes qui ont accepté un suivi nominatif, dans les structures dont vous "
             "êtes membre. Un accompagnement enregistré sans nom reste anonyme et ne figure pas "
             "ici.");
    ui_button_link(&b, "Ajouter une personne suivie", "/beneficiaires/nouveau",
                   UI_BUTTON_SECONDARY);
    ui_form_begin(&b, "/beneficiaires", "get", NULL, false);
    ui_input(&b, &(struct ui_field){.name = "q",
                                    .label = "Rechercher par nom ou prénom",
                                    .hint = "Les accents et les majuscules ne comptent pas.",
                                    .value = q,
                                    .type = UI_SEARCH,
                                    .autocomplete = "off",
                                    .width_class = "medium"});
    ui_button(&b, "Rechercher", UI_BUTTON_SECONDARY);
    ui_form_end(&b);
    if (total == 0) {
        ui_p(&b, q && *q ? "Aucune personne suivie ne porte ce nom."
                         : "Aucune personne suivie pour l'instant.");
    } else {
        static const char *const head[] = {"Nom", "Année ou tranche d'âge", "Commune", "Médiateur",
                                           "Accompagnements"};
        struct ui_table t = {.caption =
                                 arena_printf(a, "%lld personne%s suivie%s", (long long)total,
                                              total > 1 ? "s" : "", total > 1 ? "s" : ""),
                             .head = head,
                             .n_cols = 5,
                             .numeric_last = true};
        ui_table_begin(&b, &t);
        for (size_t i = 0; i < n; i++) {
            const struct beneficiaire *x = &list[i];
            const char *age = x->annee_naissance
                                  ? arena_printf(a, "%lld", (long long)x->annee_naissance)
                                  : label_of(&vocab_tranche_age, x->tranche_age);
            const char *cells[] = {
                arena_printf(a, "%s %s%s", x->nom, x->prenom, x->demo ? " (démo)" : ""), age,
                x->commune_nom ? x->commune_nom
                               : (x->commune_code_postal ? x->commune_code_postal : "—"),
                x->mediateur_nom, arena_printf(a, "%lld", (long long)x->accompagnements)};
            ui_table_row_link(&b, &t, href(a, x->id, NULL), cells);
        }
        ui_table_end(&b);
        struct buf base;
        buf_init(&base, a, 2048);
        buf_adds(&base, "/beneficiaires?");
        if (q && *q) {
            buf_adds(&base, "q=");
            html_url_part(&base, q);
            buf_adds(&base, "&");
        }
        ui_pagination(&b, buf_cstr(&base), page, (total + PER_PAGE - 1) / PER_PAGE);
    }
    return shell_render(req, resp, &(struct shell_page){.title = "Bénéficiaires suivis"},
                        buf_cstr(&b));
}

/* ---------- the form ---------- */

static void input_from_form(struct http_request *req, struct beneficiaire_input *in)
{
    const struct http_params *f = &req->form;
    *in = (struct beneficiaire_input){
        .prenom = http_param(f, "prenom"),
        .nom = http_param(f, "nom"),
        .annee_naissance = http_param(f, "annee_naissance"),
        .tranche_age = http_param(f, "tranche_age"),
        .genre = http_param(f, "genre"),
        .statut_social = http_param(f, "statut_social"),
        .commune = http_param(f, "commune"),
        .code_insee = http_param(f, "code_insee"),
        .telephone = http_param(f, "telephone"),
        .email = http_param(f, "email"),
        .notes = http_param(f, "notes"),
        .consentement = http_param(f, "consentement"),
    };
}

static void input_from_record(struct arena *a, const struct beneficiaire *b,
                              struct beneficiaire_input *in)
{
    *in = (struct beneficiaire_input){
        .prenom = b->prenom,
        .nom = b->nom,
        .annee_naissance =
            b->annee_naissance ? arena_printf(a, "%lld", (long long)b->annee_naissance) : NULL,
        .tranche_age = b->tranche_age,
        .genre = b->genre,
        .statut_social = b->statut_social,
        .commune = b->commune_nom ? b->commune_nom : b->commune_code_postal,
        .telephone = b->telephone,
        .email = b->email,
        .notes = b->notes,
    };
}

static void vocab_select(struct buf *b, struct arena *a, const struct vocab *v, const char *name,
                         const char *label, const char *hint, const char *value,
                         const struct ui_errors *errs)
{
    struct ui_option *opts = arena_calloc(a, (size_t)v->count + 1, sizeof(*opts));
    opts[0] = (struct ui_option){"", "Non renseigné", !value || !*value};
    for (int i = 0; i < v->count; i++)
        opts[i + 1] = (struct ui_option){v->entries[i].value, v->entries[i].label,
                                         value && strcmp(value, v->entries[i].value) == 0};
    ui_select(b,
              &(struct ui_field){
                  .name = name, .label = label, .hint = hint, .error = ui_errors_for(errs, name)},
              opts, (size_t)v->count + 1);
}

/* How many structures the viewer belongs to (a member may hold two roles in one). */
static size_t structure_count(const struct auth *au)
{
    size_t n = 0;
    for (size_t i = 0; i < au->n_memberships; i++) {
        bool seen = false;
        for (size_t k = 0; k < i; k++)
            seen |= au->memberships[k].structure_id == au->memberships[i].structure_id;
        n += !seen;
    }
    return n;
}

struct form_state {
    const struct beneficiaire *record; /* NULL: creation */
    const struct beneficiaire_input *in;
    const struct ui_errors *errs;
    const char *structure; /* creation: the structure chosen */
    const struct beneficiaire *similar;
    size_t n_similar;
};

static int render_form(struct http_request *req, struct http_response *resp,
                       const struct form_state *s, int status)
{
    struct arena *a = req->arena;
    const struct auth *au = auth_of(req);
    const struct ui_errors *errs = s->errs;
    const struct beneficiaire_input *in = s->in;
    struct buf b = page_buf(req);
    ui_h1(&b, s->record ? arena_printf(a, "Modifier la fiche de %s", full_name(a, s->record))
                        : "Ajouter une personne suivie");
    if (!s->record)
        ui_p(&b, "Une fiche nominative sert à suivre une personne d'une visite à l'autre. Sans "
                 "l'accord de la personne, enregistrez l'accompagnement sans nom : il restera "
                 "anonyme.");
    ui_error_summary(&b, errs);
    if (s->n_similar) {
        struct buf list;
        buf_init(&list, a, 16384);
        for (size_t i = 0; i < s->n_similar; i++) {
            const struct beneficiaire *x = &s->similar[i];
            buf_addf(&list, "%s%s %s%s (fiche n° %lld)", i ? " ; " : "", x->prenom, x->nom,
                     x->annee_naissance
                         ? arena_printf(a, ", née ou né en %lld", (long long)x->annee_naissance)
                         : "",
                     (long long)x->id);
        }
        ui_notice(&b, UI_NOTICE_WARNING, "Une personne semblable existe déjà",
                  arena_printf(a,
                               "%s. Ouvrez sa fiche plutôt que d'en créer une seconde ; si c'est "
                               "bien une autre personne, cochez la case en bas du formulaire.",
                               buf_cstr(&list)));
        for (size_t i = 0; i < s->n_similar; i++)
            ui_link(&b,
                    arena_printf(a, "Ouvrir la fiche n° %lld : %s %s", (long long)s->similar[i].id,
                                 s->similar[i].prenom, s->similar[i].nom),
                    href(a, s->similar[i].id, NULL));
    }
    ui_form_begin(&b, s->record ? href(a, s->record->id, "/modifier") : "/beneficiaires", "post",
                  au->csrf_token, false);
    if (!s->record) {
        size_t n = structure_count(au);
        if (n > 1) {
            struct ui_option *opts = arena_calloc(a, n, sizeof(*opts));
            size_t k = 0;
            for (size_t i = 0; i < au->n_memberships; i++) {
                const char *id =
                    arena_printf(a, "%lld", (long long)au->memberships[i].structure_id);
                bool seen = false;
                for (size_t j = 0; j < k; j++)
                    seen |= strcmp(opts[j].value, id) == 0;
                if (!seen)
                    opts[k++] = (struct ui_option){id, au->memberships[i].structure_nom,
                                                   s->structure && strcmp(s->structure, id) == 0};
            }
            ui_select(&b,
                      &(struct ui_field){.name = "structure",
                                         .label = "Structure qui suit la personne",
                                         .error = ui_errors_for(errs, "structure"),
                                         .required = true},
                      opts, k);
        } else if (n == 0) {
            ui_notice(&b, UI_NOTICE_WARNING, NULL,
                      "Vous n'êtes membre d'aucune structure : seuls les médiateurs d'une "
                      "structure créent des fiches.");
        }
    }
    ui_h2(&b, "Identité");
    ui_input(&b, &(struct ui_field){.name = "prenom",
                                    .label = "Prénom",
                                    .value = in->prenom,
                                    .error = ui_errors_for(errs, "prenom"),
                                    .required = true,
                                    .autocomplete = "off",
                                    .width_class = "medium"});
    ui_input(&b, &(struct ui_field){.name = "nom",
                                    .label = "Nom",
                                    .value = in->nom,
                                    .error = ui_errors_for(errs, "nom"),
                                    .required = true,
                                    .autocomplete = "off",
                                    .width_class = "medium"});
    ui_input(&b, &(struct ui_field){.name = "annee_naissance",
                                    .label = "Année de naissance",
                                    .hint = "4 chiffres, par exemple 1952. Sinon, choisissez une "
                                            "tranche d'âge.",
                                    .value = in->annee_naissance,
                                    .error = ui_errors_for(errs, "annee_naissance"),
                                    .type = UI_NUMBER,
                                    .width_class = "short"});
    vocab_select(&b, a, &vocab_tranche_age, "tranche_age", "Tranche d'âge",
                 "Déduite de l'année de naissance quand elle est donnée.", in->tranche_age, errs);
    {
        struct ui_option opts[GENRE_COUNT + 1];
        opts[0] = (struct ui_option){"", "Non renseigné", !in->genre || !*in->genre};
        for (int i = 0; i < vocab_genre.count; i++)
            opts[i + 1] = (struct ui_option){
                vocab_genre.entries[i].value, vocab_genre.entries[i].label,
                in->genre && strcmp(in->genre, vocab_genre.entries[i].value) == 0};
        ui_choices(&b,
                   &(struct ui_field){
                       .name = "genre", .label = "Genre", .error = ui_errors_for(errs, "genre")},
                   opts, (size_t)vocab_genre.count + 1, false);
    }
    vocab_select(&b, a, &vocab_statut_social, "statut_social", "Situation", NULL, in->statut_social,
                 errs);
    html_lit(&b, "<div class=\"relais-commune\" data-autocompletion=\"/api/v1/communes\">");
    ui_input(&b, &(struct ui_field){.name = "commune",
                                    .label = "Commune de résidence",
                                    .hint = "Le nom, le code postal ou le code INSEE, par exemple "
                                            "Laval ou 53000.",
                                    .value = in->commune,
                                    .error = ui_errors_for(errs, "commune"),
                                    .autocomplete = "off",
                                    .width_class = "medium"});
    html_lit(&b, "</div>");
    ui_h2(&b, "Contact et notes (facultatif)");
    ui_input(&b, &(struct ui_field){.name = "telephone",
                                    .label = "Téléphone",
                                    .value = in->telephone,
                                    .error = ui_errors_for(errs, "telephone"),
                                    .type = UI_TEL,
                                    .autocomplete = "off",
                                    .width_class = "medium"});
    ui_input(&b, &(struct ui_field){.name = "email",
                                    .label = "E-mail",
                                    .value = in->email,
                                    .error = ui_errors_for(errs, "email"),
                                    .type = UI_EMAIL,
                                    .autocomplete = "off"});
    ui_textarea(&b,
                &(struct ui_field){.name = "notes",
                                   .label = "Notes",
                                   .hint = "Seulement ce qui sert l'accompagnement ; jamais de "
                                           "données de santé, de revenus ou d'opinions.",
                                   .value = in->notes,
                                   .error = ui_errors_for(errs, "notes")},
                3);
    if (!s->record) {
        struct buf text;
        buf_init(&text, a, 8192);
        suivi_consent_html(&text, beneficiaire_consent_text(a, months_setting(req)));
        ui_h2(&b, "Consentement de la personne");
        html_safe(&b, html_safe_buf(&text));
        struct ui_option yes = {"1", "La personne a pris connaissance de ce texte et accepte",
                                in->consentement && strcmp(in->consentement, "1") == 0};
        ui_choices(&b,
                   &(struct ui_field){.name = "consentement",
                                      .label = "Accord de la personne",
                                      .hint = "Lisez-lui le texte ci-dessus. La date et votre nom "
                                              "sont enregistrés avec son accord.",
                                      .error = ui_errors_for(errs, "consentement"),
                                      .required = true},
                   &yes, 1, true);
        if (s->n_similar) {
            struct ui_option again = {"1", "Ce n'est pas la même personne : créer la fiche", false};
            ui_choices(
                &b, &(struct ui_field){.name = "doublon_confirme", .label = "Personne semblable"},
                &again, 1, true);
        }
    }
    ui_button(&b, s->record ? "Enregistrer" : "Créer la fiche", UI_BUTTON_PRIMARY);
    ui_form_end(&b);
    lieux_script(&b);
    return shell_render(req, resp,
                        &(struct shell_page){.title = s->record ? "Modifier une fiche"
                                                                : "Ajouter une personne suivie",
                                             .status = status},
                        buf_cstr(&b));
}

int beneficiaires_page_new(struct http_request *req, struct http_response *resp)
{
    struct beneficiaire_input in = {0};
    struct ui_errors errs = {0};
    struct form_state s = {.in = &in, .errs = &errs};
    return render_form(req, resp, &s, 200);
}

/* The structure of a new record: the one chosen among the viewer's, or their only one. */
static const struct auth_membership *chosen_structure(const struct auth *au, const char *value)
{
    int64_t id = 0;
    if (value && *value && cstr_to_int64(value, &id))
        return NULL;
    for (size_t i = 0; i < au->n_memberships; i++)
        if (!id || au->memberships[i].structure_id == id)
            return &au->memberships[i];
    return NULL;
}

int beneficiaires_page_create(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *au = auth_of(req);
    struct arena *a = req->arena;
    struct beneficiaire_input in;
    input_from_form(req, &in);
    struct ui_errors errs = {0};
    const char *structure = http_param(&req->form, "structure");
    const struct auth_membership *m = chosen_structure(au, structure);
    if (!m)
        ui_errors_add(&errs, "structure",
                      au->n_memberships
                          ? "Structure : choisissez l'une de vos structures."
                          : "Structure : vous n'êtes membre d'aucune structure ; seuls les "
                            "médiateurs d'une structure créent des fiches.");
    struct beneficiaire b = {0};
    beneficiaire_validate(&in, lieux_communes(), current_year(), true, a, &b, &errs);
    struct form_state s = {.in = &in, .errs = &errs, .structure = structure};
    if (errs.n)
        return render_form(req, resp, &s, 400);
    b.mediateur_id = au->user_id;
    b.structure_id = m->structure_id;
    b.departement = m->departement;
    const char *again = http_param(&req->form, "doublon_confirme");
    if (!again || strcmp(again, "1") != 0) {
        struct beneficiaire *similar;
        int rc = beneficiaire_find_similar(ctx->db, a, b.structure_id, b.prenom, b.nom,
                                           b.annee_naissance, 0, &similar, &s.n_similar);
        if (rc)
            return rc;
        s.similar = similar;
        if (s.n_similar)
            return render_form(req, resp, &s, 409);
    }
    int rc = db_begin(ctx->db);
    if (rc == 0)
        rc = beneficiaire_create(ctx->db, a, &b, au->user_id, (int64_t)time(NULL));
    if (rc == 0)
        rc = db_commit(ctx->db);
    if (rc) {
        db_rollback(ctx->db);
        return rc;
    }
    http_redirect(resp, arena_printf(a, "/beneficiaires/%lld?ok=cree", (long long)b.id));
    return 0;
}

int beneficiaires_page_edit_form(struct http_request *req, struct http_response *resp)
{
    struct beneficiaire rec;
    int rc = load_named(req, &rec);
    if (rc)
        return rc;
    struct beneficiaire_input in;
    input_from_record(req->arena, &rec, &in);
    struct ui_errors errs = {0};
    struct form_state s = {.record = &rec, .in = &in, .errs = &errs};
    return render_form(req, resp, &s, 200);
}

int beneficiaires_page_edit(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct arena *a = req->arena;
    struct beneficiaire rec;
    int rc = load_named(req, &rec);
    if (rc)
        return rc;
    struct beneficiaire_input in;
    input_from_form(req, &in);
    struct ui_errors errs = {0};
    struct beneficiaire b = rec;
    beneficiaire_validate(&in, lieux_communes(), current_year(), false, a, &b, &errs);
    if (errs.n) {
        struct form_state s = {.record = &rec, .in = &in, .errs = &errs};
        return render_form(req, resp, &s, 400);
    }
    b.id = rec.id;
    if ((rc = db_begin(ctx->db)) == 0 &&
        (rc = beneficiaire_update(ctx->db, a, &b, auth_of(req)->user_id, (int64_t)time(NULL))) == 0)
        rc = db_commit(ctx->db);
    if (rc) {
        db_rollback(ctx->db);
        return rc;
    }
    http_redirect(resp, arena_printf(a, "/beneficiaires/%lld?ok=modifie", (long long)rec.id));
    return 0;
}

/* ---------- the record ---------- */

static const char *action_label(const char *action)
{
    static const struct {
        const char *value, *label;
    } labels[] = {
        {"creation", "Fiche créée avec le consentement"},
        {"modification", "Fiche modifiée"},
        {"fusion", "Fusionnée dans une autre fiche"},
        {"fusion_recue", "Doublon fusionné dans cette fiche"},
        {"export", "Données téléchargées"},
        {"effacement", "Données effacées à la demande de la personne"},
        {"anonymisation", "Données effacées après la période d'inactivité"},
    };
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        if (strcmp(labels[i].value, action) == 0)
            return labels[i].label;
    return action;
}

static const char SQL_HISTORY[] =
    "SELECT h.at, h.action, h.details, u.name FROM beneficiaires_history h LEFT JOIN users u ON "
    "u.id = h.user_id WHERE h.beneficiaire_id = $1 ORDER BY h.at DESC, h.id DESC LIMIT 50";

int beneficiaires_page_show(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct arena *a = req->arena;
    struct beneficiaire x;
    int rc = load_visible(req, &x);
    if (rc)
        return rc;
    const char *ok = http_param(&req->query, "ok");
    const char *notice = NULL;
    if (ok && strcmp(ok, "cree") == 0)
        notice = "La fiche est créée, avec le consentement de la personne.";
    else if (ok && strcmp(ok, "modifie") == 0)
        notice = "Les modifications sont enregistrées.";
    else if (ok && strcmp(ok, "fusion") == 0)
        notice = "Le doublon est fusionné dans cette fiche.";
    else if (ok && strcmp(ok, "efface") == 0)
        notice = "Les données nominatives sont effacées ; les accompagnements restent, anonymes.";
    struct buf b = page_buf(req);
    const char *name = full_name(a, &x);
    ui_h1(&b, x.demo ? arena_printf(a, "%s (démo)", name) : name);
    if (x.fusion_vers_id) {
        ui_notice(&b, UI_NOTICE_INFO, NULL,
                  "Cette fiche était un doublon : ses accompagnements ont rejoint une autre "
                  "fiche.");
        ui_link(&b, arena_printf(a, "Voir la fiche n° %lld", (long long)x.fusion_vers_id),
                href(a, x.fusion_vers_id, NULL));
    } else if (x.anonyme) {
        ui_p(&b, x.anonymised_at
                     ? arena_printf(a,
                                    "Les données nominatives de cette personne ont été effacées "
                                    "le %s ; ses accompagnements restent, anonymes, dans les "
                                    "statistiques.",
                                    lieux_time_fr(a, (time_t)x.anonymised_at))
                     : "Personne accompagnée sans nom : aucune donnée nominative n'est "
                       "enregistrée.");
    }
    static const char *const head[] = {"Rubrique", "Valeur"};
    struct ui_table t = {.caption = "Fiche", .head = head, .n_cols = 2};
    ui_table_begin(&b, &t);
#define ROW(label, value)                                                                          \
    do {                                                                                           \
        const char *cells_[] = {label, (value) && *(value) ? (value) : "Non renseigné"};           \
        ui_table_row(&b, &t, cells_);                                                              \
    } while (0)
    if (!x.anonyme) {
        ROW("Prénom", x.prenom);
        ROW("Nom", x.nom);
        ROW("Année de naissance",
            x.annee_naissance ? arena_printf(a, "%lld", (long long)x.annee_naissance) : NULL);
    }
    ROW("Tranche d'âge", label_of(&vocab_tranche_age, x.tranche_age));
    ROW("Genre", label_of(&vocab_genre, x.genre));
    ROW("Situation", label_of(&vocab_statut_social, x.statut_social));
    ROW("Commune de résidence",
        x.commune_nom
            ? arena_printf(a, "%s%s%s%s", x.commune_nom, x.commune_code_insee ? " (INSEE " : "",
                           x.commune_code_insee ? x.commune_code_insee : "",
                           x.commune_code_insee ? ")" : "")
            : x.commune_code_postal);
    if (!x.anonyme) {
        ROW("Téléphone", x.telephone);
        ROW("E-mail", x.email);
        ROW("Notes", x.notes);
        ROW("Consentement",
            arena_printf(a, "recueilli le %s par %s", lieux_time_fr(a, (time_t)x.consent_at),
                         x.consent_by_nom ? x.consent_by_nom : "un compte supprimé"));
    }
    ROW("Structure", x.structure_nom);
    ROW("Médiateur", x.mediateur_nom);
    ROW("Accompagnements", arena_printf(a, "%lld", (long long)x.accompagnements));
#undef ROW
    ui_table_end(&b);

    ui_h2(&b, "Suivi");
    ui_link(&b, "Parcours vers l'autonomie", href(a, x.id, "/parcours"));
    /* The CRA form lists the médiateur's own named people: only the owner records one here. */
    if (!x.anonyme && !x.fusion_vers_id && auth_of(req)->user_id == x.mediateur_id)
        ui_link(&b, "Enregistrer un accompagnement pour cette personne",
                arena_printf(a, "/activites/nouvelle?beneficiaire=%lld", (long long)x.id));
    if (!x.anonyme && !x.fusion_vers_id) {
        ui_h2(&b, "Ses données");
        ui_p(&b, "La personne peut demander à tout moment ses données, leur correction ou leur "
                 "effacement.");
        ui_link(&b, "Modifier la fiche", href(a, x.id, "/modifier"));
        ui_link(&b, "Télécharger ses données (JSON)", href(a, x.id, "/donnees.json"));
        ui_link(&b, "Télécharger ses données (CSV, tableur)", href(a, x.id, "/donnees.csv"));
        ui_link(&b, "Fusionner un doublon dans cette fiche", href(a, x.id, "/fusionner"));
        ui_link(&b, "Effacer ses données", href(a, x.id, "/effacer"));
    }

    struct db_stmt *st;
    if ((rc = db_prepare(ctx->db, SQL_HISTORY, &st)))
        return rc;
    db_bind_int64(st, 1, x.id);
    static const char *const hhead[] = {"Date", "Action", "Détail", "Par"};
    struct ui_table h = {.caption = "Historique de la fiche", .head = hhead, .n_cols = 4};
    ui_table_begin(&b, &h);
    while ((rc = db_step(st)) == 1) {
        const char *cells[] = {lieux_time_fr(a, (time_t)db_col_int64(st, 0)),
                               action_label(db_col_text(st, 1)),
                               *db_col_text(st, 2) ? db_col_dup(st, 2, a) : "—",
                               *db_col_text(st, 3) ? db_col_dup(st, 3, a) : "Relais (automatique)"};
        ui_table_row(&b, &h, cells);
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    ui_table_end(&b);
    return shell_render(req, resp, &(struct shell_page){.title = name, .notice = notice},
                        buf_cstr(&b));
}

/* ---------- merge ---------- */

static int render_merge(struct http_request *req, struct http_response *resp,
                        const struct beneficiaire *x, const struct ui_errors *errs,
                        const char *value, int status)
{
    const struct ctx *ctx = req->ctx;
    struct arena *a = req->arena;
    struct beneficiaire *similar;
    size_t n;
    int rc = beneficiaire_find_similar(ctx->db, a, x->structure_id, x->prenom, x->nom,
                                       x->annee_naissance, x->id, &similar, &n);
    if (rc)
        return rc;
    struct buf b = page_buf(req);
    ui_h1(&b, arena_printf(a, "Fusionner un doublon dans la fiche de %s", full_name(a, x)));
    ui_p(&b, "La fiche choisie disparaît : ses accompagnements rejoignent celle-ci, qui garde "
             "le consentement le plus ancien et complète ses champs vides. La fusion est notée "
             "dans l'historique des deux fiches et ne peut pas être annulée.");
    ui_error_summary(&b, errs);
    ui_form_begin(&b, href(a, x->id, "/fusionner"), "post", auth_of(req)->csrf_token, false);
    if (n) {
        struct ui_option *opts = arena_calloc(a, n, sizeof(*opts));
        for (size_t i = 0; i < n; i++) {
            const char *id = arena_printf(a, "%lld", (long long)similar[i].id);
            opts[i] = (struct ui_option){
                id,
                arena_printf(a, "%s %s%s, fiche n° %lld, %lld accompagnement(s)", similar[i].prenom,
                             similar[i].nom,
                             similar[i].annee_naissance
                                 ? arena_printf(a, " (%lld)", (long long)similar[i].annee_naissance)
                                 : "",
                             (long long)similar[i].id, (long long)similar[i].accompagnements),
                value && strcmp(value, id) == 0};
        }
        ui_choices(&b,
                   &(struct ui_field){.name = "doublon",
                                      .label = "Personnes semblables",
                                      .hint = "Même nom à une faute près et même année de "
                                              "naissance, dans la même structure.",
                                      .error = ui_errors_for(errs, "doublon")},
                   opts, n, false);
    } else {
        ui_p(&b, "Aucune fiche semblable n'a été trouvée dans la structure.");
        ui_input(&b, &(struct ui_field){.name = "doublon",
                                        .label = "Numéro de la fiche à fusionner",
                                        .hint = "Le numéro affiché sur la fiche du doublon.",
                                        .value = value,
                                        .error = ui_errors_for(errs, "doublon"),
                                        .type = UI_NUMBER,
                                        .width_class = "short"});
    }
    ui_button(&b, "Fusionner", UI_BUTTON_WARNING);
    ui_form_end(&b);
    ui_link(&b, "Annuler et revenir à la fiche", href(a, x->id, NULL));
    return shell_render(req, resp,
                        &(struct shell_page){.title = "Fusionner un doublon", .status = status},
                        buf_cstr(&b));
}

int beneficiaires_page_merge_form(struct http_request *req, struct http_response *resp)
{
    struct beneficiaire x;
    int rc = load_named(req, &x);
    if (rc)
        return rc;
    struct ui_errors errs = {0};
    return render_merge(req, resp, &x, &errs, NULL, 200);
}

int beneficiaires_page_merge(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct arena *a = req->arena;
    struct beneficiaire x;
    int rc = load_named(req, &x);
    if (rc)
        return rc;
    const char *value = http_param(&req->form, "doublon");
    struct ui_errors errs = {0};
    int64_t other_id = 0;
    struct beneficiaire other;
    if (!value || cstr_to_int64(value, &other_id) || other_id <= 0)
        ui_errors_add(&errs, "doublon",
                      "Fiche à fusionner : choisissez une fiche ou saisissez "
                      "son numéro.");
    else if (other_id == x.id)
        ui_errors_add(&errs, "doublon",
                      "Fiche à fusionner : une fiche ne se fusionne pas avec "
                      "elle-même.");
    else if ((rc = beneficiaire_get(ctx->db, a, other_id, &other)) == ERR_NOT_FOUND ||
             (rc == 0 && !beneficiaire_can_see(auth_of(req), &other)))
        ui_errors_add(&errs, "doublon",
                      "Fiche à fusionner : aucune fiche de votre structure ne "
                      "porte ce numéro.");
    else if (rc)
        return rc;
    else if (other.anonyme || other.fusion_vers_id)
        ui_errors_add(&errs, "doublon",
                      "Fiche à fusionner : cette fiche est anonyme ou déjà "
                      "fusionnée.");
    else if (other.structure_id != x.structure_id)
        ui_errors_add(&errs, "doublon",
                      "Fiche à fusionner : elle appartient à une autre "
                      "structure ; seules deux fiches d'une même structure se "
                      "fusionnent.");
    if (errs.n)
        return render_merge(req, resp, &x, &errs, value, 400);
    rc = beneficiaire_merge(ctx->db, a, x.id, other_id, auth_of(req)->user_id, (int64_t)time(NULL));
    if (rc)
        return rc;
    http_redirect(resp, arena_printf(a, "/beneficiaires/%lld?ok=fusion", (long long)x.id));
    return 0;
}

/* ---------- erasure ---------- */

int beneficiaires_page_erase_form(struct http_request *req, struct http_response *resp)
{
    struct arena *a = req->arena;
    struct beneficiaire x;
    int rc = load_named(req, &x);
    if (rc)
        return rc;
    struct buf b = page_buf(req);
    ui_h1(&b, arena_printf(a, "Effacer les données de %s", full_name(a, &x)));
    ui_prose_begin(&b);
    html_lit(&b, "<p>À la demande de la personne, Relais efface :</p><ul><li>son prénom, son nom "
                 "et son année de naissance ;</li><li>son téléphone, son e-mail et les "
                 "notes ;</li><li>la trace de son consentement.</li></ul><p>Restent, sans nom, "
                 "pour les statistiques : ses accompagnements, sa tranche d'âge, son genre, sa "
                 "situation et sa commune. L'effacement est noté dans l'historique de la fiche. "
                 "Il ne peut pas être annulé.</p>");
    ui_prose_end(&b);
    ui_p(&b, "Pensez à lui remettre d'abord ses données si elle les demande :");
    ui_link(&b, "Télécharger ses données (JSON)", href(a, x.id, "/donnees.json"));
    ui_form_begin(&b, href(a, x.id, "/effacer"), "post", auth_of(req)->csrf_token, false);
    ui_button(&b, "Effacer définitivement", UI_BUTTON_WARNING);
    ui_form_end(&b);
    ui_link(&b, "Annuler et revenir à la fiche", href(a, x.id, NULL));
    return shell_render(req, resp, &(struct shell_page){.title = "Effacer les données"},
                        buf_cstr(&b));
}

int beneficiaires_page_erase(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct beneficiaire x;
    int rc = load_named(req, &x);
    if (rc)
        return rc;
    rc = beneficiaire_erase(ctx->db, req->arena, x.id, auth_of(req)->user_id, (int64_t)time(NULL));
    if (rc)
        return rc;
    http_redirect(resp, arena_printf(req->arena, "/beneficiaires/%lld?ok=efface", (long long)x.id));
    return 0;
}

/* ---------- export ---------- */

static int trace_export(struct http_request *req, const struct beneficiaire *x, const char *format)
{
    const struct ctx *ctx = req->ctx;
    return beneficiaire_trace(ctx->db, x->id, x->departement, auth_of(req)->user_id, "export",
                              arena_printf(req->arena, "format %s", format), (int64_t)time(NULL));
}

int beneficiaires_export_json(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct beneficiaire x;
    int rc = load_named(req, &x);
    if (rc)
        return rc;
    json_t *j;
    if ((rc = beneficiaire_export_json(ctx->db, req->arena, x.id, months_setting(req), &j)))
        return rc;
    if ((rc = trace_export(req, &x, "JSON"))) {
        json_decref(j);
        return rc;
    }
    http_json(resp, 200, j);
    http_resp_header(resp, "Content-Disposition",
                     arena_printf(req->arena, "attachment; filename=\"beneficiaire-%lld.json\"",
                                  (long long)x.id));
    http_resp_header(resp, "Cache-Control", "no-store");
    return 0;
}

/* Cells through the statistics export's writer: quoted when needed, formulas neutralised. */
static void csv_row(struct buf *b, const char *rubrique, const char *champ, const char *valeur)
{
    export_stats_csv_cell(b, rubrique);
    buf_addch(b, ';');
    export_stats_csv_cell(b, champ);
    buf_addch(b, ';');
    export_stats_csv_cell(b, valeur);
    buf_adds(b, "\r\n");
}

/* The JSON export flattened into rows "rubrique;champ;valeur", for a spreadsheet. */
int beneficiaires_export_csv(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct arena *a = req->arena;
    struct beneficiaire x;
    int rc = load_named(req, &x);
    if (rc)
        return rc;
    json_t *j;
    if ((rc = beneficiaire_export_json(ctx->db, a, x.id, months_setting(req), &j)))
        return rc;
    struct buf b;
    buf_init(&b, a, LIMIT_PAGE_BYTES);
    buf_adds(&b, "\xEF\xBB\xBF");
    csv_row(&b, "Rubrique", "Champ", "Valeur");
    const char *key;
    json_t *v;
    json_object_foreach(j, key, v)
    {
        if (json_is_array(v)) {
            size_t i;
            json_t *item;
            json_array_foreach(v, i, item)
            {
                const char *k2;
                json_t *v2;
                const char *rubrique = arena_printf(a, "%s %zu", key, i + 1);
                json_object_foreach(item, k2, v2)
                {
                    char *text = json_is_string(v2) ? NULL : json_dumps(v2, JSON_ENCODE_ANY);
                    csv_row(&b, rubrique, k2,
                            json_is_string(v2) ? json_string_value(v2)
                                               : (json_is_null(v2) ? "" : text));
                    free(text);
                }
            }
        } else {
            char *text = json_is_string(v) ? NULL : json_dumps(v, JSON_ENCODE_ANY);
            csv_row(&b, "fiche", key,
                    json_is_string(v) ? json_string_value(v) : (json_is_null(v) ? "" : text));
            free(text);
        }
    }
    json_decref(j);
    if ((rc = buf_finish(&b)))
        return rc;
    if ((rc = trace_export(req, &x, "CSV")))
        return rc;
    resp->status = 200;
    resp->content_type = "text/csv; charset=utf-8";
    buf_addstr(&resp->body, buf_str(&b));
    http_resp_header(
        resp, "Content-Disposition",
        arena_printf(a, "attachment; filename=\"beneficiaire-%lld.csv\"", (long long)x.id));
    http_resp_header(resp, "Cache-Control", "no-store");
    return 0;
}
