/*
 * « Animation du réseau »: the pages where a coordinator records, lists, changes and deletes their
 * activities (animation, événement, partenariat), with a summary of the year. The form shows the
 * fields of the chosen type only; the type is chosen first (a plain GET form, no JavaScript).
 */
#include "activite/coordination.h"
#include "activite/suivi_pages.h"
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "html/html.h"
#include "html/ui.h"
#include "lieux/pages_common.h"
#include "site/shell.h"

#include <string.h>
#include <time.h>

#define PER_PAGE 50
#define MAX_CHOICES 16

static struct buf page_buf(struct http_request *req)
{
    struct buf b;
    buf_init(&b, req->arena, LIMIT_PAGE_BYTES);
    return b;
}

static const char *today(struct arena *a)
{
    struct tm tm;
    lieux_paris_time(time(NULL), &tm);
    return arena_printf(a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static bool is_admin(const struct auth *au) { return auth_has(au, ROLE_ADMIN); }

/* The activity of the route's {id}, when the viewer recorded it (or is an admin). */
static int load_own(struct http_request *req, struct coordination *c)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *au = auth_of(req);
    int64_t id;
    if (cstr_to_int64(http_path_param(req, "id"), &id) || id <= 0)
        return http_fail(req, ERR_NOT_FOUND, "Cette activité n'existe pas.", NULL);
    int rc = coordination_get(ctx->db, req->arena, id, c);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND, "Cette activité n'existe pas.", NULL);
    if (rc)
        return rc;
    if (c->coordinateur_id != au->user_id && !is_admin(au))
        return http_fail(req, ERR_FORBIDDEN,
                         "Cette activité a été enregistrée par un autre coordinateur : lui seul "
                         "la modifie.",
                         NULL);
    return 0;
}

/* ---------- the form ---------- */

/* What the form holds: the input as typed, lists as arrays. */
struct form {
    struct coordination_input in;
};

static size_t form_list(struct http_request *req, const char *name, const char ***out)
{
    const char **values = arena_calloc(req->arena, MAX_CHOICES, sizeof(*values));
    size_t n = http_param_all(&req->form, name, values, MAX_CHOICES);
    *out = values;
    return n;
}

static void form_from_request(struct http_request *req, const char *type, struct form *f)
{
    const struct http_params *p = &req->form;
    const char **th, **org, **nat;
    size_t n_th = form_list(req, "thematiques_animation", &th);
    size_t n_org = form_list(req, "organisateurs", &org);
    size_t n_nat = form_list(req, "natures_partenariat", &nat);
    f->in = (struct coordination_input){
        .type = type,
        .date = http_param(p, "date"),
        .duree = http_param(p, "duree"),
        .nom = http_param(p, "nom"),
        .echelon_territorial = http_param(p, "echelon_territorial"),
        .departement = http_param(p, "departement"),
        .type_animation = http_param(p, "type_animation"),
        .type_animation_autre = http_param(p, "type_animation_autre"),
        .initiative = http_param(p, "initiative"),
        .thematiques_animation = th,
        .n_thematiques_animation = n_th,
        .thematique_animation_autre = http_param(p, "thematique_animation_autre"),
        .type_evenement = http_param(p, "type_evenement"),
        .type_evenement_autre = http_param(p, "type_evenement_autre"),
        .organisateurs = org,
        .n_organisateurs = n_org,
        .organisateur_autre = http_param(p, "organisateur_autre"),
        .natures_partenariat = nat,
        .n_natures_partenariat = n_nat,
        .nature_partenariat_autre = http_param(p, "nature_partenariat_autre"),
        .mediateurs = http_param(p, "mediateurs"),
        .structures = http_param(p, "structures"),
        .autres_acteurs = http_param(p, "autres_acteurs"),
        .participants = http_param(p, "participants"),
        .notes = http_param(p, "notes"),
    };
}

static const char *count_text(struct arena *a, int64_t v)
{
    return arena_printf(a, "%lld", (long long)v);
}

static void form_from_record(struct arena *a, const struct coordination *c, struct form *f)
{
    const char **th, **org, **nat;
    size_t n_th = lieux_split(a, c->thematiques_animation, &th);
    size_t n_org = lieux_split(a, c->organisateurs, &org);
    size_t n_nat = lieux_split(a, c->natures_partenariat, &nat);
    bool animation = strcmp(c->type, "animation") == 0;
    f->in = (struct coordination_input){
        .type = c->type,
        .date = c->date,
        .duree = c->duree ? count_text(a, c->duree) : NULL,
        .nom = c->nom,
        .echelon_territorial = c->echelon_territorial,
        .departement = c->departement,
        .type_animation = c->type_animation,
        .type_animation_autre = c->type_animation_autre,
        .initiative = c->initiative,
        .thematiques_animation = th,
        .n_thematiques_animation = n_th,
        .thematique_animation_autre = c->thematique_animation_autre,
        .type_evenement = c->type_evenement,
        .type_evenement_autre = c->type_evenement_autre,
        .organisateurs = org,
        .n_organisateurs = n_org,
        .organisateur_autre = c->organisateur_autre,
        .natures_partenariat = nat,
        .n_natures_partenariat = n_nat,
        .nature_partenariat_autre = c->nature_partenariat_autre,
        .mediateurs = animation ? count_text(a, c->mediateurs) : NULL,
        .structures = count_text(a, c->structures),
        .autres_acteurs = animation ? count_text(a, c->autres_acteurs) : NULL,
        .participants = count_text(a, c->participants),
        .notes = c->notes,
    };
}

static bool among(const char *const *values, size_t n, const char *v)
{
    for (size_t i = 0; i < n; i++)
        if (values[i] && strcmp(values[i], v) == 0)
            return true;
    return false;
}

static void choices(struct buf *b, struct arena *a, const struct coordination_vocab *v,
                    const char *name, const char *label, const char *const *selected,
                    size_t n_selected, bool multiple, const struct ui_errors *errs)
{
    struct ui_option *opts = arena_calloc(a, v->n, sizeof(*opts));
    for (size_t i = 0; i < v->n; i++)
        opts[i] = (struct ui_option){v->items[i].value, v->items[i].label,
                                     among(selected, n_selected, v->items[i].value)};
    ui_choices(b,
               &(struct ui_field){.name = name,
                                  .label = label,
                                  .hint = multiple ? "Cochez tout ce qui s'applique." : NULL,
                                  .error = ui_errors_for(errs, name),
                                  .required = true},
               opts, v->n, multiple);
}

static void one_choice(struct buf *b, struct arena *a, const struct coordination_vocab *v,
                       const char *name, const char *label, const char *value,
                       const struct ui_errors *errs)
{
    const char *sel[1] = {value};
    choices(b, a, v, name, label, sel, 1, false, errs);
}

static void text_field(struct buf *b, const char *name, const char *label, const char *hint,
                       const char *value, const struct ui_errors *errs, bool required,
                       enum ui_input_type type, const char *width)
{
    ui_input(b, &(struct ui_field){.name = name,
                                   .label = label,
                                   .hint = hint,
                                   .value = value,
                                   .error = ui_errors_for(errs, name),
                                   .required = required,
                                   .type = type,
                                   .width_class = width});
}

static void departement_field(struct buf *b, struct arena *a, const struct auth *au,
                              const char *value, const struct ui_errors *errs)
{
    if (au->n_departements == 1 && !is_admin(au)) {
        html_lit(b, "<input type=\"hidden\" name=\"departement\" value=\"");
        html_attr(b, au->departements[0]);
        html_lit(b, "\">");
        return;
    }
    if (au->n_departements == 0) {
        text_field(b, "departement", "Département", "Son code : 53, 2A, 974…", value, errs, true,
                   UI_TEXT, "short");
        return;
    }
    struct ui_option *opts = arena_calloc(a, au->n_departements, sizeof(*opts));
    for (size_t i = 0; i < au->n_departements; i++)
        opts[i] = (struct ui_option){au->departements[i], au->departements[i],
                                     value && strcmp(value, au->departements[i]) == 0};
    ui_select(b,
              &(struct ui_field){.name = "departement",
                                 .label = "Département",
                                 .error = ui_errors_for(errs, "departement"),
                                 .required = true},
              opts, au->n_departements);
}

static int render_form(struct http_request *req, struct http_response *resp,
                       const struct coordination *record, const struct form *f,
                       const struct ui_errors *errs, int status)
{
    struct arena *a = req->arena;
    const struct auth *au = auth_of(req);
    const struct coordination_input *in = &f->in;
    const char *type_label = coordination_label(&coordination_types, in->type);
    struct buf b = page_buf(req);
    ui_h1(&b, arena_printf(a, "%s : %s", record ? "Modifier une activité" : "Nouvelle activité",
                           type_label));
    ui_error_summary(&b, errs);
    ui_form_begin(
        &b,
        record ? arena_printf(a, "/coordination/activites/%lld/modifier", (long long)record->id)
               : "/coordination/activites",
        "post", au->csrf_token, false);
    html_lit(&b, "<input type=\"hidden\" name=\"type\" value=\"");
    html_attr(&b, in->type);
    html_lit(&b, "\">");
    departement_field(&b, a, au, in->departement, errs);
    text_field(&b, "date", "Date", "Au format AAAA-MM-JJ, par exemple 2026-03-14.", in->date, errs,
               true, UI_DATE, "medium");
    if (strcmp(in->type, "animation") == 0) {
        text_field(&b, "duree", "Durée en minutes", "Par exemple 90 pour une heure et demie.",
                   in->duree, errs, true, UI_NUMBER, "short");
        one_choice(&b, a, &coordination_types_animation, "type_animation", "Type d'animation",
                   in->type_animation, errs);
        text_field(&b, "type_animation_autre", "Précision si « Autre »", NULL,
                   in->type_animation_autre, errs, false, UI_TEXT, NULL);
        one_choice(&b, a, &coordination_initiatives, "initiative", "Initiative", in->initiative,
                   errs);
        choices(&b, a, &coordination_thematiques_animation, "thematiques_animation",
                "Thématiques de l'animation", in->thematiques_animation,
                in->n_thematiques_animation, true, errs);
        text_field(&b, "thematique_animation_autre", "Précision si « Autre »", NULL,
                   in->thematique_animation_autre, errs, false, UI_TEXT, NULL);
        ui_h2(&b, "Participants");
        text_field(&b, "mediateurs", "Médiateurs numériques", NULL, in->mediateurs, errs, false,
                   UI_NUMBER, "short");
        text_field(&b, "structures", "Structures représentées", NULL, in->structures, errs, false,
                   UI_NUMBER, "short");
        text_field(&b, "autres_acteurs", "Autres acteurs", "Élus, agents, partenaires…",
                   in->autres_acteurs, errs, false, UI_NUMBER, "short");
    } else if (strcmp(in->type, "evenement") == 0) {
        text_field(&b, "nom", "Nom de l'événement", NULL, in->nom, errs, true, UI_TEXT, NULL);
        text_field(&b, "duree", "Durée en minutes", "Par exemple 240 pour une demi-journée.",
                   in->duree, errs, true, UI_NUMBER, "short");
        one_choice(&b, a, &coordination_types_evenement, "type_evenement", "Type d'événement",
                   in->type_evenement, errs);
        text_field(&b, "type_evenement_autre", "Précision si « Autre »", NULL,
                   in->type_evenement_autre, errs, false, UI_TEXT, NULL);
        choices(&b, a, &coordination_organisateurs, "organisateurs", "Organisateurs",
                in->organisateurs, in->n_organisateurs, true, errs);
        text_field(&b, "organisateur_autre", "Précision si « Autre »", NULL, in->organisateur_autre,
                   errs, false, UI_TEXT, NULL);
        one_choice(&b, a, &coordination_echelons, "echelon_territorial", "Échelon territorial",
                   in->echelon_territorial, errs);
        text_field(&b, "participants", "Nombre de participants", NULL, in->participants, errs, true,
                   UI_NUMBER, "short");
    } else {
        text_field(&b, "nom", "Nom du partenariat", "Par exemple : convention avec la CAF.",
                   in->nom, errs, false, UI_TEXT, NULL);
        one_choice(&b, a, &coordination_echelons, "echelon_territorial", "Échelon territorial",
                   in->echelon_territorial, errs);
        choices(&b, a, &coordination_natures_partenariat, "natures_partenariat",
                "Nature du partenariat", in->natures_partenariat, in->n_natures_partenariat, true,
                errs);
        text_field(&b, "nature_partenariat_autre", "Précision si « Autre »", NULL,
                   in->nature_partenariat_autre, errs, false, UI_TEXT, NULL);
        text_field(&b, "structures", "Structures partenaires", "Leur nombre.", in->structures, errs,
                   true, UI_NUMBER, "short");
    }
    ui_textarea(&b,
                &(struct ui_field){.name = "notes",
                                   .label = "Notes",
                                   .value = in->notes,
                                   .error = ui_errors_for(errs, "notes")},
                3);
    ui_button(&b, "Enregistrer", UI_BUTTON_PRIMARY);
    ui_form_end(&b);
    ui_link(&b, "Annuler et revenir aux activités", "/coordination/activites");
    return shell_render(
        req, resp,
        &(struct shell_page){.title = record ? "Modifier une activité" : "Nouvelle activité",
                             .status = status},
        buf_cstr(&b));
}

/* Validation, plus the département: one the coordinator coordinates. */
static int check(struct http_request *req, const struct form *f, struct coordination *c,
                 struct ui_errors *errs)
{
    const struct auth *au = auth_of(req);
    coordination_validate(&f->in, today(req->arena), req->arena, c, errs);
    if (c->departement && !ui_errors_for(errs, "departement") && !is_admin(au) &&
        !auth_in_departement(au, c->departement))
        ui_errors_add(errs, "departement",
                      "Département : choisissez l'un des départements que "
                      "vous coordonnez.");
    return errs->n ? ERR_INVALID : 0;
}

int coordination_page_new(struct http_request *req, struct http_response *resp)
{
    struct arena *a = req->arena;
    const char *type = http_param(&req->query, "type");
    if (type && coordination_label(&coordination_types, type)) {
        struct form f = {.in = {.type = type, .date = today(a)}};
        const struct auth *au = auth_of(req);
        if (au->n_departements)
            f.in.departement = au->departements[0];
        struct ui_errors errs = {0};
        return render_form(req, resp, NULL, &f, &errs, 200);
    }
    struct buf b = page_buf(req);
    ui_h1(&b, "Nouvelle activité d'animation du réseau");
    struct ui_errors errs = {0};
    if (type)
        ui_errors_add(&errs, "type", "Type d'activité : choisissez l'une des trois.");
    ui_error_summary(&b, &errs);
    ui_form_begin(&b, "/coordination/activites/nouvelle", "get", NULL, false);
    struct ui_option opts[3] = {
        {"animation", "Animation : réunion, comité, groupe de travail, webinaire…", false},
        {"evenement", "Événement : Numérique en Commun[s] local, journée grand public…", false},
        {"partenariat", "Partenariat : convention, subvention, rendez-vous avec un élu…", false},
    };
    ui_choices(&b,
               &(struct ui_field){.name = "type",
                                  .label = "Type d'activité",
                                  .error = ui_errors_for(&errs, "type"),
                                  .required = true},
               opts, 3, false);
    ui_button(&b, "Continuer", UI_BUTTON_PRIMARY);
    ui_form_end(&b);
    return shell_render(
        req, resp, &(struct shell_page){.title = "Nouvelle activité", .status = type ? 400 : 200},
        buf_cstr(&b));
}

int coordination_page_create(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *au = auth_of(req);
    const char *type = http_param(&req->form, "type");
    if (!type || !coordination_label(&coordination_types, type))
        return http_fail(req, ERR_INVALID, "Type d'activité : animation, evenement ou partenariat.",
                         "type");
    struct form f;
    form_from_request(req, type, &f);
    struct coordination c;
    struct ui_errors errs = {0};
    if (check(req, &f, &c, &errs))
        return render_form(req, resp, NULL, &f, &errs, 400);
    c.coordinateur_id = au->user_id;
    int rc = coordination_insert(ctx->db, &c, (int64_t)time(NULL));
    if (rc)
        return rc;
    http_redirect(resp, "/coordination/activites?ok=cree");
    return 0;
}

int coordination_page_edit_form(struct http_request *req, struct http_response *resp)
{
    struct coordination c;
    int rc = load_own(req, &c);
    if (rc)
        return rc;
    struct form f;
    form_from_record(req->arena, &c, &f);
    struct ui_errors errs = {0};
    return render_form(req, resp, &c, &f, &errs, 200);
}

int coordination_page_edit(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct coordination old;
    int rc = load_own(req, &old);
    if (rc)
        return rc;
    struct form f;
    form_from_request(req, old.type, &f);
    struct coordination c;
    struct ui_errors errs = {0};
    if (check(req, &f, &c, &errs))
        return render_form(req, resp, &old, &f, &errs, 400);
    c.id = old.id;
    c.coordinateur_id = old.coordinateur_id;
    c.demo = old.demo;
    if ((rc = coordination_update(ctx->db, &c, (int64_t)time(NULL))))
        return rc;
    http_redirect(resp, "/coordination/activites?ok=modifie");
    return 0;
}

static const char *summary_of(struct arena *a, const struct coordination *c)
{
    if (c->nom && *c->nom)
        return c->nom;
    if (strcmp(c->type, "animation") == 0)
        return coordination_label(&coordination_types_animation, c->type_animation);
    if (strcmp(c->type, "partenariat") == 0) {
        const char **items;
        size_t n = lieux_split(a, c->natures_partenariat, &items);
        return n ? coordination_label(&coordination_natures_partenariat, items[0]) : "";
    }
    return coordination_label(&coordination_types_evenement, c->type_evenement);
}

int coordination_page_delete_form(struct http_request *req, struct http_response *resp)
{
    struct arena *a = req->arena;
    struct coordination c;
    int rc = load_own(req, &c);
    if (rc)
        return rc;
    struct buf b = page_buf(req);
    ui_h1(&b, "Supprimer cette activité ?");
    ui_p(&b, arena_printf(a, "%s du %s : %s. Elle ne sera plus comptée dans les statistiques.",
                          coordination_label(&coordination_types, c.type), lieux_date_fr(a, c.date),
                          summary_of(a, &c)));
    ui_form_begin(&b, arena_printf(a, "/coordination/activites/%lld/supprimer", (long long)c.id),
                  "post", auth_of(req)->csrf_token, false);
    ui_button(&b, "Supprimer", UI_BUTTON_WARNING);
    ui_form_end(&b);
    ui_link(&b, "Annuler et revenir aux activités", "/coordination/activites");
    return shell_render(req, resp, &(struct shell_page){.title = "Supprimer une activité"},
                        buf_cstr(&b));
}

int coordination_page_delete(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct coordination c;
    int rc = load_own(req, &c);
    if (rc)
        return rc;
    if ((rc = coordination_delete(ctx->db, c.id)))
        return rc;
    http_redirect(resp, "/coordination/activites?ok=supprime");
    return 0;
}

/* ---------- the list and its summary ---------- */

static const char *hours_fr(struct arena *a, int64_t minutes)
{
    return minutes ? lieux_minutes_fr(a, (double)minutes) : "0";
}

int coordination_page_list(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *au = auth_of(req);
    struct arena *a = req->arena;
    int64_t page = 1;
    const char *p = http_param(&req->query, "page");
    if (p && (cstr_to_int64(p, &page) || page < 1 || page > 1000000))
        return http_fail(req, ERR_INVALID, "Page : un nombre entier à partir de 1.", "page");
    int64_t who = is_admin(au) && !au->n_departements ? 0 : au->user_id;
    const char *day = today(a);
    const char *year_start = arena_printf(a, "%.4s-01-01", day);
    struct coordination_counts year, all;
    int rc = coordination_count(ctx->db, NULL, who, year_start, day, &year);
    if (rc == 0)
        rc = coordination_count(ctx->db, NULL, who, NULL, NULL, &all);
    struct coordination *list;
    size_t n;
    int64_t total;
    if (rc == 0)
        rc = coordination_list(ctx->db, a, who, (page - 1) * PER_PAGE, PER_PAGE, &list, &n, &total);
    if (rc)
        return rc;
    const char *ok = http_param(&req->query, "ok");
    const char *notice = !ok                           ? NULL
                         : strcmp(ok, "cree") == 0     ? "L'activité est enregistrée."
                         : strcmp(ok, "modifie") == 0  ? "Les modifications sont enregistrées."
                         : strcmp(ok, "supprime") == 0 ? "L'activité est supprimée."
                                                       : NULL;
    struct buf b = page_buf(req);
    ui_h1(&b, "Animation du réseau");
    ui_p(&b, who ? "Vos activités de coordination : les animations, les événements et les "
                   "partenariats qui font vivre le réseau des médiateurs."
                 : "Les activités de coordination de tous les coordinateurs.");
    ui_button_link(&b, "Enregistrer une activité", "/coordination/activites/nouvelle",
                   UI_BUTTON_PRIMARY);
    static const char *const shead[] = {"", "Depuis le 1er janvier", "Au total"};
    struct ui_table s = {.caption = "Synthèse", .head = shead, .n_cols = 3, .numeric_last = true};
    ui_table_begin(&b, &s);
#define SROW(label, x, y)                                                                          \
    do {                                                                                           \
        const char *cells_[] = {label, x, y};                                                      \
        ui_table_row(&b, &s, cells_);                                                              \
    } while (0)
    SROW("Animations", lieux_count_fr(a, (uint64_t)year.animations),
         lieux_count_fr(a, (uint64_t)all.animations));
    SROW("Événements", lieux_count_fr(a, (uint64_t)year.evenements),
         lieux_count_fr(a, (uint64_t)all.evenements));
    SROW("Partenariats", lieux_count_fr(a, (uint64_t)year.partenariats),
         lieux_count_fr(a, (uint64_t)all.partenariats));
    SROW("Participants (animations et événements)", lieux_count_fr(a, (uint64_t)year.participants),
         lieux_count_fr(a, (uint64_t)all.participants));
    SROW("Temps d'animation et d'événements", hours_fr(a, year.duree_minutes),
         hours_fr(a, all.duree_minutes));
#undef SROW
    ui_table_end(&b);
    if (total == 0) {
        ui_p(&b, "Aucune activité enregistrée pour l'instant.");
    } else {
        static const char *const head[] = {"Date", "Type", "Objet", "Participants"};
        struct ui_table t = {.caption = arena_printf(a, "Activités (%lld)", (long long)total),
                             .head = head,
                             .n_cols = 4,
                             .numeric_last = true};
        ui_table_begin(&b, &t);
        for (size_t i = 0; i < n; i++) {
            const struct coordination *c = &list[i];
            int64_t people = strcmp(c->type, "partenariat") == 0 ? c->structures : c->participants;
            const char *cells[] = {
                lieux_date_fr(a, c->date),
                arena_printf(a, "%s%s", coordination_label(&coordination_types, c->type),
                             c->demo ? " (démo)" : ""),
                summary_of(a, c),
                arena_printf(a, "%lld%s", (long long)people,
                             strcmp(c->type, "partenariat") == 0 ? " structure(s)" : "")};
            ui_table_row_link(
                &b, &t, arena_printf(a, "/coordination/activites/%lld/modifier", (long long)c->id),
                cells);
        }
        ui_table_end(&b);
        ui_pagination(&b, "/coordination/activites?", page, (total + PER_PAGE - 1) / PER_PAGE);
    }
    return shell_render(req, resp,
                        &(struct shell_page){.title = "Animation du réseau", .notice = notice},
                        buf_cstr(&b));
}
