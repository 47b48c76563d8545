/* The pages of referrals: the form, the lists, a referral's page with its answers and messages,
 * the signed link, the printable sheet, attachments and notifications. */
#include "activite/beneficiaires.h"
#include "comptes/auth.h"
#include "comptes/comptes.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/mail.h"
#include "core/str.h"
#include "core/url.h"
#include "db/db.h"
#include "html/html.h"
#include "html/ui.h"
#include "lieux/pages_common.h"
#include "lieux/search.h"
#include "lieux/standard.h"
#include "lieux/store.h"
#include "orientation/destination.h"
#include "orientation/handlers.h"
#include "orientation/orientation.h"
#include "orientation/outbox.h"
#include "site/shell.h"

#include <magic.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define PER_PAGE 30

static struct buf page_buf(struct http_request *req)
{
    struct buf b;
    buf_init(&b, req->arena, LIMIT_PAGE_BYTES);
    return b;
}

static const char *when_fr(struct arena *a, int64_t t)
{
    struct tm tm;
    lieux_paris_time((time_t)t, &tm);
    return arena_printf(a, "%s à %d h %02d", lieux_time_fr(a, (time_t)t), tm.tm_hour, tm.tm_min);
}

static enum ui_tag_colour status_colour(enum orientation_status s)
{
    switch (s) {
    case OS_ACCEPTEE:
        return UI_TAG_GREEN;
    case OS_REFUSEE:
        return UI_TAG_RED;
    case OS_EN_COURS:
        return UI_TAG_YELLOW;
    case OS_OUVERTE:
        return UI_TAG_BLUE;
    default:
        return UI_TAG_NEUTRAL;
    }
}

/* '|'-lists shown as "a, b" */
static const char *list_fr(struct arena *a, const char *list,
                           const struct orientation_choice *labels, size_t n_labels)
{
    const char **items;
    size_t n = lieux_split(a, list, &items);
    const char *out = "";
    for (size_t i = 0; i < n; i++) {
        const char *l = labels ? orientation_choice_label(labels, n_labels, items[i]) : NULL;
        out = arena_printf(a, "%s%s%s", out, i ? ", " : "", l ? l : items[i]);
    }
    return out;
}

/* --- the form --- */

/* What the form shows again: the values typed (from the form) or prefilled (from the query). */
struct form_values {
    const struct http_params *src;
};

static void checkbox_list(struct buf *b, struct http_request *req, const struct http_params *src,
                          const char *name, const char *legend, const char *hint,
                          const struct orientation_choice *list, size_t n, const char *const *vocab,
                          unsigned n_vocab, bool required, const struct ui_errors *errs)
{
    size_t total = list ? n : n_vocab;
    struct ui_option *opts = arena_calloc(req->arena, total + 1, sizeof(*opts));
    const char *sel[64];
    size_t n_sel = http_param_all(src, name, sel, 64);
    for (size_t i = 0; i < total; i++) {
        const char *v = list ? list[i].value : vocab[i];
        bool on = false;
        for (size_t k = 0; k < n_sel; k++)
            on = on || strcmp(sel[k], v) == 0;
        opts[i] = (struct ui_option){v, list ? list[i].label : vocab[i], on};
    }
    ui_choices(b,
               &(struct ui_field){.name = name,
                                  .label = legend,
                                  .hint = hint,
                                  .error = ui_errors_for(errs, name),
                                  .required = required},
               opts, total, true);
}

/* The optional « Personne suivie » select: the named records the sender may see, so that the
 * referral joins the person's journey. Shown only when there is at least one. */
#define SUIVIE_OPTIONS_MAX 300
static void suivie_select(struct buf *b, struct http_request *req, const struct http_params *src,
                          const struct ui_errors *errs)
{
    struct arena *a = req->arena;
    const struct auth *au = auth_of(req);
    struct beneficiaire *list;
    size_t n = 0;
    int64_t total = 0;
    const struct ctx *ctx = req->ctx;
    if (beneficiaire_list(ctx->db, a, au->user_id, false, NULL, 0, SUIVIE_OPTIONS_MAX, &list, &n,
                          &total) != 0 ||
        n == 0)
        return;
    const char *chosen = http_param(src, "beneficiaire");
    struct ui_option *opts = arena_calloc(a, n + 1, sizeof(*opts));
    opts[0] = (struct ui_option){"", "Aucune (orientation sans lien avec une fiche)", false};
    for (size_t i = 0; i < n; i++) {
        const char *v = arena_printf(a, "%lld", (long long)list[i].id);
        opts[i + 1] = (struct ui_option){
            v, arena_printf(a, "%s %s (%s)", list[i].prenom, list[i].nom, list[i].structure_nom),
            chosen && strcmp(chosen, v) == 0};
    }
    ui_select(
        b,
        &(struct ui_field){.name = "beneficiaire",
                           .label = "Personne suivie (facultatif)",
                           .hint = total > (int64_t)n
                                       ? arena_printf(a,
                                                      "Si elle a une fiche nominative "
                                                      "(avec son consentement), l'orientation "
                                                      "rejoint son parcours. Les %zu "
                                                      "premières fiches par ordre "
                                                      "alphabétique.",
                                                      n)
                                       : "Si elle a une fiche nominative (avec son "
                                         "consentement), l'orientation rejoint son parcours.",
                           .error = ui_errors_for(errs, "beneficiaire")},
        opts, n + 1);
}

static int render_form(struct http_request *req, struct http_response *resp,
                       const struct orientation_destination *d, const struct http_params *src,
                       const struct ui_errors *errs, int status)
{
    struct arena *a = req->arena;
    const struct auth *au = auth_of(req);
    struct buf b = page_buf(req);
    ui_h1(&b, "Orienter une personne");
    html_lit(&b, "<p class=\"govuk-body-l\">");
    html_text(&b, arena_printf(a, "Vers : %s", d->nom));
    html_lit(&b, "</p>");
    if (!d->has_members && d->email)
        ui_notice(&b, UI_NOTICE_INFO, NULL,
                  "Cette structure n'a pas de compte sur Relais : elle recevra l'orientation par "
                  "e-mail, avec un lien personnel pour répondre sans compte.");
    if (au->n_memberships == 0) {
        ui_p(&b, "Seuls les membres d'une structure peuvent envoyer une orientation.");
        return shell_render(req, resp, &(struct shell_page){.title = "Orienter une personne"},
                            buf_cstr(&b));
    }
    ui_error_summary(&b, errs);
    ui_form_begin(&b, "/orientations", "post", au->csrf_token, true);
    html_lit(&b, "<input type=\"hidden\" name=\"");
    html_text(&b, d->lieu_id ? "lieu" : "structure");
    html_lit(&b, "\" value=\"");
    html_int(&b, d->lieu_id ? d->lieu_id : d->structure_id);
    html_lit(&b, "\">");
    if (au->n_memberships > 1) {
        struct ui_option *opts = arena_calloc(a, au->n_memberships, sizeof(*opts));
        const char *depuis = http_param(src, "depuis");
        for (size_t i = 0; i < au->n_memberships; i++) {
            const char *v = arena_printf(a, "%lld", (long long)au->memberships[i].structure_id);
            opts[i] = (struct ui_option){v, au->memberships[i].structure_nom,
                                         depuis && strcmp(depuis, v) == 0};
        }
        ui_select(&b,
                  &(struct ui_field){.name = "depuis",
                                     .label = "Vous orientez au nom de",
                                     .error = ui_errors_for(errs, "depuis")},
                  opts, au->n_memberships);
    } else {
        html_lit(&b, "<p class=\"govuk-body\">");
        html_text(&b, arena_printf(a, "De : %s, %s", au->name, au->memberships[0].structure_nom));
        html_lit(&b, "</p>");
    }
    ui_h2(&b, "La personne");
    ui_p(&b, "Le moins possible : son prénom ou ses initiales, et une façon de la joindre. "
             "N'écrivez aucune donnée sensible (santé, situation judiciaire, opinions…).");
    ui_input(&b, &(struct ui_field){.name = "personne",
                                    .label = "Prénom ou initiales",
                                    .value = http_param(src, "personne"),
                                    .error = ui_errors_for(errs, "personne"),
                                    .required = true,
                                    .autocomplete = "off",
                                    .width_class = "medium"});
    suivie_select(&b, req, src, errs);
    ui_input(&b, &(struct ui_field){.name = "contact",
                                    .label = "Moyen de la joindre",
                                    .hint = "Un numéro de téléphone ou une adresse e-mail.",
                                    .value = http_param(src, "contact"),
                                    .error = ui_errors_for(errs, "contact"),
                                    .autocomplete = "off"});
    checkbox_list(&b, req, src, "preferences", "Comment préfère-t-elle être contactée ?", NULL,
                  orientation_preferences, orientation_n_preferences, NULL, 0, true, errs);
    ui_h2(&b, "Le besoin");
    unsigned n_vocab;
    const char *const *vocab = lieu_vocab(LF_SERVICES, &n_vocab);
    checkbox_list(&b, req, src, "besoins", "Services demandés", NULL, NULL, 0, vocab, n_vocab, true,
                  errs);
    ui_textarea(&b,
                &(struct ui_field){.name = "motif",
                                   .label = "Motif de l'orientation",
                                   .hint = "600 caractères au plus.",
                                   .value = http_param(src, "motif"),
                                   .error = ui_errors_for(errs, "motif"),
                                   .required = true},
                5);
    ui_textarea(&b,
                &(struct ui_field){.name = "disponibilites",
                                   .label = "Disponibilités",
                                   .hint = "Par exemple : le mardi matin, pas le mercredi.",
                                   .value = http_param(src, "disponibilites"),
                                   .error = ui_errors_for(errs, "disponibilites")},
                2);
    ui_h2(&b, "Pour la fiche remise à la personne");
    ui_input(&b, &(struct ui_field){.name = "interlocuteur",
                                    .label = "Qui demander sur place",
                                    .value = http_param(src, "interlocuteur"),
                                    .error = ui_errors_for(errs, "interlocuteur")});
    ui_textarea(&b,
                &(struct ui_field){.name = "a_apporter",
                                   .label = "Ce qu'il faut apporter",
                                   .value = http_param(src, "a_apporter"),
                                   .error = ui_errors_for(errs, "a_apporter")},
                3);
    ui_file(&b,
            &(struct ui_field){.name = "pieces",
                               .label = "Pièce jointe",
                               .hint = arena_printf(a,
                                                    "PDF, JPEG ou PNG, %d Mo au plus ; "
                                                    "supprimée en cas de refus ou "
                                                    "d'expiration.",
                                                    LIMIT_ORIENTATION_PIECE_BYTES / 1024 / 1024),
                               .error = ui_errors_for(errs, "pieces")},
            ".pdf,.jpg,.jpeg,.png");
    struct ui_option engagement[] = {
        {"1",
         "Je m'engage, en tant qu'accompagnateur, à informer la personne concernée du traitement "
         "de ses données personnelles dans le cadre de cette orientation.",
         http_param(src, "engagement") != NULL},
    };
    ui_choices(&b,
               &(struct ui_field){.name = "engagement",
                                  .label = "Protection des données",
                                  .error = ui_errors_for(errs, "engagement"),
                                  .required = true},
               engagement, 1, true);
    ui_button(&b, "Envoyer l'orientation", UI_BUTTON_PRIMARY);
    ui_form_end(&b);
    return shell_render(req, resp,
                        &(struct shell_page){.title = "Orienter une personne", .status = status},
                        buf_cstr(&b));
}

int orientation_page_new(struct http_request *req, struct http_response *resp)
{
    struct orientation_destination d;
    int rc = orientation_destination_read(req, http_param(&req->query, "lieu"),
                                          http_param(&req->query, "structure"), &d);
    if (rc)
        return rc;
    struct ui_errors errs = {0};
    if (!d.has_members && !d.email)
        ui_errors_add(&errs, "destination",
                      "Destination : ce lieu n'a ni compte sur Relais ni adresse e-mail ; "
                      "orientez la personne avec la fiche du lieu.");
    /* besoins=… prefilled from the orientation mode. */
    return render_form(req, resp, &d, &req->query, &errs, 200);
}

/* The type of an uploaded file, from its bytes (libmagic), never from its name. */
static const char *sniff(const char *path)
{
    magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
    if (!m)
        return NULL;
    const char *type = NULL;
    if (magic_load(m, NULL) == 0) {
        const char *t = magic_file(m, path);
        if (t && (strcmp(t, "application/pdf") == 0 || strcmp(t, "image/jpeg") == 0 ||
                  strcmp(t, "image/png") == 0))
            type = strcmp(t, "application/pdf") == 0 ? "application/pdf"
                   : strcmp(t, "image/png") == 0     ? "image/png"
                                                     : "image/jpeg";
    }
    magic_close(m);
    return type;
}

int orientation_page_create(struct http_request *req, struct http_response *resp)
{
    const struct http_params *f = &req->form;
    struct orientation_destination d;
    int rc =
        orientation_destination_read(req, http_param(f, "lieu"), http_param(f, "structure"), &d);
    if (rc)
        return rc;
    struct ui_errors errs = {0};
    int64_t from;
    const char *departement;
    rc = orientation_sender(req, http_param(f, "depuis"), &from, &departement);
    if (rc == ERR_INVALID) {
        const char *message, *field;
        http_failure(req, &message, &field);
        ui_errors_add(&errs, "depuis", message);
    } else if (rc) {
        return rc;
    }
    const struct http_upload **pieces =
        arena_calloc(req->arena, req->n_uploads + 1, sizeof(*pieces));
    const char **mimes = arena_calloc(req->arena, req->n_uploads + 1, sizeof(*mimes));
    size_t n_pieces = 0;
    for (size_t i = 0; i < req->n_uploads; i++) {
        const struct http_upload *u = &req->uploads[i];
        if (strcmp(u->field, "pieces") != 0 || u->size == 0)
            continue;
        if (n_pieces == LIMIT_ORIENTATION_PIECES) {
            ui_errors_add(
                &errs, "pieces",
                arena_printf(req->arena, "Pièces jointes : %d au plus.", LIMIT_ORIENTATION_PIECES));
            break;
        }
        if (u->size > LIMIT_ORIENTATION_PIECE_BYTES) {
            ui_errors_add(&errs, "pieces",
                          arena_printf(req->arena, "Pièce jointe « %s » : %d Mo au plus.",
                                       u->filename, LIMIT_ORIENTATION_PIECE_BYTES / 1024 / 1024));
            break;
        }
        const char *type = sniff(u->path);
        if (!type) {
            ui_errors_add(&errs, "pieces",
                          arena_printf(req->arena,
                                       "Pièce jointe « %s » : seuls les PDF, JPEG et PNG sont "
                                       "acceptés (le contenu du fichier n'en est pas un).",
                                       u->filename));
            break;
        }
        pieces[n_pieces] = u;
        mimes[n_pieces++] = type;
    }
    int64_t suivie = 0;
    orientation_suivie_read(req, http_param(f, "beneficiaire"), &errs, &suivie);
    const char *prefs[8], *besoins[64];
    size_t n_prefs = http_param_all(f, "preferences", prefs, 8);
    size_t n_besoins = http_param_all(f, "besoins", besoins, 64);
    const struct auth *au = auth_of(req);
    struct orientation_input in = {
        .from_structure_id = rc == 0 ? from : 0,
        .from_user_id = au->user_id,
        .from_user_name = au->name,
        .to_structure_id = d.structure_id,
        .to_email = d.has_members ? NULL : d.email,
        .lieu_id = d.lieu_id,
        .destination_nom = d.nom,
        .personne = http_param(f, "personne"),
        .contact = http_param(f, "contact"),
        .preferences = prefs,
        .n_preferences = n_prefs,
        .besoins = besoins,
        .n_besoins = n_besoins,
        .motif = http_param(f, "motif"),
        .disponibilites = http_param(f, "disponibilites"),
        .interlocuteur = http_param(f, "interlocuteur"),
        .a_apporter = http_param(f, "a_apporter"),
        .engagement = http_param(f, "engagement") && strcmp(http_param(f, "engagement"), "1") == 0,
        .beneficiaire_id = suivie,
    };
    /* A destination reached by neither an account nor an address cannot answer. */
    if (!d.has_members)
        in.to_structure_id = d.structure_id;
    if (!d.has_members && !d.email)
        in.to_structure_id = 0, in.to_email = NULL;
    int64_t id = 0;
    if (errs.n) {
        orientation_validate(&in, req->arena, &errs);
        rc = ERR_INVALID;
    } else {
        rc = orientation_send(req, &in, &d, departement, pieces, mimes, n_pieces, &errs, &id);
    }
    if (rc == ERR_INVALID) {
        if (n_pieces && !ui_errors_for(&errs, "pieces"))
            ui_errors_add(&errs, "pieces",
                          "Pièce jointe : choisissez-la de nouveau (un navigateur ne la garde "
                          "pas).");
        return render_form(req, resp, &d, f, &errs, 400);
    }
    if (rc)
        return rc;
    http_redirect(resp, arena_printf(req->arena, "/orientations/%lld?ok=envoyee", (long long)id));
    return 0;
}

/* --- lists --- */

static void list_table(struct buf *b, struct arena *a, const char *caption,
                       const struct orientation *list, size_t n, bool received)
{
    static const char *const head_sent[] = {"N°", "Envoyée le", "Vers", "Personne", "Statut"};
    static const char *const head_recv[] = {"N°", "Reçue le", "De", "Personne", "Statut"};
    struct ui_table t = {.caption = caption, .head = received ? head_recv : head_sent, .n_cols = 5};
    ui_table_begin(b, &t);
    for (size_t i = 0; i < n; i++) {
        const struct orientation *o = &list[i];
        const char *cells[] = {
            arena_printf(a, "%lld", (long long)o->id),
            lieux_time_fr(a, (time_t)o->created_at),
            received ? o->from_structure_nom : o->destination_nom,
            o->anonymised ? "(anonymisée)" : o->personne,
            arena_printf(a, "%s%s, le %s", orientation_status_label(o->status),
                         o->demo ? " (démo)" : "", lieux_time_fr(a, (time_t)o->updated_at)),
        };
        ui_table_row_link(b, &t, arena_printf(a, "/orientations/%lld", (long long)o->id), cells);
    }
    ui_table_end(b);
}

static int64_t page_of(struct http_request *req)
{
    int64_t page = 1;
    const char *p = http_param(&req->query, "page");
    if (p && (cstr_to_int64(p, &page) || page < 1 || page > 100000))
        page = 1;
    return page;
}

int orientation_page_mine(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *au = auth_of(req);
    struct arena *a = req->arena;
    struct buf b = page_buf(req);
    ui_h1(&b, "Mes orientations");
    ui_button_link(&b, "Orienter une personne", "/orienter", UI_BUTTON_PRIMARY);
    if (au->n_memberships == 0)
        ui_p(&b, "Vous n'êtes membre d'aucune structure : vous n'envoyez ni ne recevez "
                 "d'orientation.");
    int64_t page = page_of(req);
    int64_t seen = 0;
    for (size_t i = 0; i < au->n_memberships; i++) {
        const struct auth_membership *m = &au->memberships[i];
        if (i && m->structure_id == au->memberships[i - 1].structure_id)
            continue;
        struct orientation *list;
        size_t n;
        int64_t total = 0;
        int rc = orientation_list(ctx->db, a, m->structure_id, false, (page - 1) * PER_PAGE,
                                  PER_PAGE, &list, &n, &total);
        if (rc)
            return rc;
        ui_h2(&b, arena_printf(a, "Envoyées par %s", m->structure_nom));
        if (n == 0)
            ui_p(&b, "Aucune orientation envoyée.");
        else
            list_table(&b, a, "Orientations envoyées et leur statut", list, n, false);
        ui_pagination(&b, "/orientations", page, (total + PER_PAGE - 1) / PER_PAGE);
        ui_link(&b, arena_printf(a, "Orientations reçues par %s", m->structure_nom),
                arena_printf(a, "/structures/%lld/orientations", (long long)m->structure_id));
        seen += total;
    }
    (void)seen;
    const char *ok = http_param(&req->query, "ok");
    return shell_render(req, resp,
                        &(struct shell_page){.title = "Mes orientations",
                                             .notice = ok ? "Notifications lues." : NULL},
                        buf_cstr(&b));
}

/* The structure of the route's {id}, for its members (and platform administrators). */
static int load_own_structure(struct http_request *req, struct structure *s)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *au = auth_of(req);
    int64_t sid;
    if (cstr_to_int64(http_path_param(req, "id"), &sid) || sid <= 0 ||
        structure_get(ctx->db, req->arena, sid, s) != 0)
        return http_fail(req, ERR_NOT_FOUND, "Cette structure n'existe pas.", NULL);
    bool member = auth_has(au, ROLE_ADMIN);
    for (size_t i = 0; i < au->n_memberships; i++)
        member = member || au->memberships[i].structure_id == sid;
    if (!member)
        return http_fail(req, ERR_FORBIDDEN,
                         "Seuls les membres de cette structure voient ses orientations.", NULL);
    return 0;
}

static const char *average_fr(struct arena *a, const struct orientation_figures *f)
{
    if (!f->answered)
        return "—";
    int64_t s = f->answer_seconds / f->answered;
    if (s < 3600)
        return arena_printf(a, "%lld min", (long long)(s / 60));
    if (s < 2 * 86400)
        return arena_printf(a, "%lld h", (long long)(s / 3600));
    return arena_printf(a, "%lld jours", (long long)(s / 86400));
}

/* Sent and received side by side: how many, what became of them, how fast the destination
 * answers. */
static int figures_table(struct buf *b, struct http_request *req, int64_t sid)
{
    const struct ctx *ctx = req->ctx;
    struct arena *a = req->arena;
    struct orientation_figures f[2];
    int rc;
    for (int i = 0; i < 2; i++)
        if ((rc = orientation_stats(ctx->db, sid, i == 1, &f[i])))
            return rc;
    static const char *const head[] = {
        "",         "Total",    "En attente",         "Acceptées",
        "Refusées", "Expirées", "Taux d'acceptation", "Délai moyen de réponse"};
    struct ui_table t = {.caption = "Tableau de bord des orientations", .head = head, .n_cols = 8};
    ui_table_begin(b, &t);
    for (int i = 0; i < 2; i++) {
        int64_t closed = f[i].accepted + f[i].refused + f[i].expired;
        const char *cells[] = {
            i ? "Reçues" : "Envoyées",
            arena_printf(a, "%lld", (long long)f[i].total),
            arena_printf(a, "%lld", (long long)f[i].pending),
            arena_printf(a, "%lld", (long long)f[i].accepted),
            arena_printf(a, "%lld", (long long)f[i].refused),
            arena_printf(a, "%lld", (long long)f[i].expired),
            closed ? arena_printf(a, "%lld %%", (long long)(f[i].accepted * 100 / closed)) : "—",
            average_fr(a, &f[i]),
        };
        ui_table_row(b, &t, cells);
    }
    ui_table_end(b);
    ui_p(b, "Le taux d'acceptation compte les orientations closes (acceptées, refusées ou "
            "expirées).");
    return 0;
}

/* A CSV cell, quoted, with formulas neutralised for spreadsheets. */
static void csv_cell(struct buf *b, const char *v, bool last)
{
    buf_addch(b, '"');
    if (v && (*v == '=' || *v == '+' || *v == '-' || *v == '@' || *v == '\t' || *v == '\r'))
        buf_addch(b, '\'');
    for (const char *p = v ? v : ""; *p; p++) {
        if (*p == '"')
            buf_addch(b, '"');
        buf_addch(b, *p);
    }
    buf_addch(b, '"');
    buf_adds(b, last ? "\r\n" : ";");
}

#define EXPORT_COLUMNS 9

/* The rows of an export: text cells, in the arena. No personal data about the person. */
static int export_rows(struct http_request *req, int64_t sid, bool received,
                       const char *(**rows)[EXPORT_COLUMNS], size_t *n_rows)
{
    const struct ctx *ctx = req->ctx;
    struct arena *a = req->arena;
    size_t cap = 64;
    *rows = arena_calloc(a, cap, sizeof(**rows));
    *n_rows = 0;
    for (int64_t offset = 0;; offset += LIMIT_PAGE_SIZE) {
        struct orientation *list;
        size_t n;
        int64_t total;
        int rc =
            orientation_list(ctx->db, a, sid, received, offset, LIMIT_PAGE_SIZE, &list, &n, &total);
        if (rc)
            return rc;
        for (size_t i = 0; i < n; i++) {
            const struct orientation *o = &list[i];
            if (*n_rows == cap) {
                const char *(*bigger)[EXPORT_COLUMNS] = arena_calloc(a, cap * 2, sizeof(*bigger));
                memcpy(bigger, *rows, cap * sizeof(*bigger));
                *rows = bigger;
                cap *= 2;
            }
            char d1[32], d2[32] = "";
            struct tm tm;
            lieux_paris_time((time_t)o->created_at, &tm);
            strftime(d1, sizeof(d1), "%Y-%m-%d %H:%M", &tm);
            if (o->answered_at) {
                lieux_paris_time((time_t)o->answered_at, &tm);
                strftime(d2, sizeof(d2), "%Y-%m-%d %H:%M", &tm);
            }
            const char **r = (*rows)[(*n_rows)++];
            r[0] = arena_printf(a, "%lld", (long long)o->id);
            r[1] = arena_strdup(a, d1);
            r[2] = o->from_structure_nom;
            r[3] = o->destination_nom;
            r[4] = o->besoins;
            r[5] = orientation_status_value(o->status);
            r[6] = o->refus_motifs ? o->refus_motifs : "";
            r[7] = arena_strdup(a, d2);
            r[8] = o->demo ? "1" : "0";
        }
        if (n < LIMIT_PAGE_SIZE)
            return 0;
    }
}

static const char *const export_head[EXPORT_COLUMNS] = {
    "numero", "date_envoi",   "structure_emettrice",   "destination", "besoins",
    "statut", "motifs_refus", "date_premiere_reponse", "demo"};

/* The workbook is written to a temporary file of the data directory, read back, removed. */
static int export_xlsx(struct http_request *req, struct buf *b, const char *(*rows)[EXPORT_COLUMNS],
                       size_t n)
{
    const struct ctx *ctx = req->ctx;
    const char *path = arena_printf(req->arena, "%s/export-orientations-%s.xlsx",
                                    ctx->cfg->data_dir, crypto_random_token(req->arena));
    lxw_workbook *wb = workbook_new(path);
    if (!wb)
        return ERR_IO;
    lxw_worksheet *ws = workbook_add_worksheet(wb, "Orientations");
    for (int c = 0; c < EXPORT_COLUMNS; c++)
        worksheet_write_string(ws, 0, (lxw_col_t)c, export_head[c], NULL);
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < EXPORT_COLUMNS; c++)
            worksheet_write_string(ws, (lxw_row_t)(i + 1), (lxw_col_t)c, rows[i][c], NULL);
    int rc = workbook_close(wb) == LXW_NO_ERROR ? 0 : ERR_IO;
    FILE *f = rc ? NULL : fopen(path, "rb");
    if (!rc && !f)
        rc = ERR_IO;
    char chunk[16384];
    size_t got;
    while (f && (got = fread(chunk, 1, sizeof(chunk), f)) > 0)
        buf_add(b, chunk, got);
    if (f)
        fclose(f);
    unlink(path);
    return rc ? rc : buf_finish(b);
}

int orientation_page_export(struct http_request *req, struct http_response *resp)
{
    struct arena *a = req->arena;
    struct structure s;
    int rc = load_own_structure(req, &s);
    if (rc)
        return rc;
    const char *sens = http_param(&req->query, "sens");
    if (sens && strcmp(sens, "recues") != 0 && strcmp(sens, "envoyees") != 0)
        return http_fail(req, ERR_INVALID, "sens : « recues » ou « envoyees ».", "sens");
    bool received = !sens || strcmp(sens, "recues") == 0;
    size_t plen = strlen(req->path);
    bool xlsx = plen > 5 && strcmp(req->path + plen - 5, ".xlsx") == 0;
    const char *(*rows)[EXPORT_COLUMNS];
    size_t n;
    if ((rc = export_rows(req, s.id, received, &rows, &n)))
        return rc;
    struct buf *b = &resp->body;
    if (xlsx) {
        if ((rc = export_xlsx(req, b, rows, n)))
            return rc;
        resp->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    } else {
        /* UTF-8 with a BOM and ';' for Excel in French. */
        buf_adds(b, "\xEF\xBB\xBF");
        for (int c = 0; c < EXPORT_COLUMNS; c++)
            csv_cell(b, export_head[c], c == EXPORT_COLUMNS - 1);
        for (size_t i = 0; i < n; i++)
            for (int c = 0; c < EXPORT_COLUMNS; c++)
                csv_cell(b, rows[i][c], c == EXPORT_COLUMNS - 1);
        if ((rc = buf_finish(b)))
            return rc;
        resp->content_type = "text/csv; charset=utf-8";
    }
    resp->status = 200;
    http_resp_header(resp, "Content-Disposition",
                     arena_printf(a, "attachment; filename=\"orientations-%s-%lld.%s\"",
                                  received ? "recues" : "envoyees", (long long)s.id,
                                  xlsx ? "xlsx" : "csv"));
    return 0;
}

int orientation_page_inbox(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct arena *a = req->arena;
    struct structure s;
    int rc = load_own_structure(req, &s);
    if (rc)
        return rc;
    int64_t sid = s.id;
    int64_t page = page_of(req);
    struct orientation *list;
    size_t n;
    int64_t total = 0;
    rc =
        orientation_list(ctx->db, a, sid, true, (page - 1) * PER_PAGE, PER_PAGE, &list, &n, &total);
    if (rc)
        return rc;
    struct buf b = page_buf(req);
    ui_h1(&b, arena_printf(a, "Orientations reçues par %s", s.nom));
    if ((rc = figures_table(&b, req, sid)))
        return rc;
    html_lit(&b, "<p class=\"govuk-body\">");
    ui_link(
        &b, "Exporter les orientations reçues (CSV)",
        arena_printf(a, "/structures/%lld/orientations/export.csv?sens=recues", (long long)sid));
    html_lit(&b, " · ");
    ui_link(
        &b, "Exporter les orientations envoyées (CSV)",
        arena_printf(a, "/structures/%lld/orientations/export.csv?sens=envoyees", (long long)sid));
    html_lit(&b, " · ");
    ui_link(
        &b, "Les mêmes en tableur (XLSX) : reçues",
        arena_printf(a, "/structures/%lld/orientations/export.xlsx?sens=recues", (long long)sid));
    html_lit(&b, ", ");
    ui_link(
        &b, "envoyées",
        arena_printf(a, "/structures/%lld/orientations/export.xlsx?sens=envoyees", (long long)sid));
    html_lit(&b, "</p>");
    ui_h2(&b, "Reçues");
    if (n == 0)
        ui_p(&b, "Aucune orientation reçue.");
    else
        list_table(&b, a, "Orientations reçues, les plus récentes d'abord", list, n, true);
    ui_pagination(&b, arena_printf(a, "/structures/%lld/orientations", (long long)sid), page,
                  (total + PER_PAGE - 1) / PER_PAGE);
    return shell_render(req, resp, &(struct shell_page){.title = "Orientations reçues"},
                        buf_cstr(&b));
}

/* --- one referral --- */

static int load(struct http_request *req, struct orientation *o, unsigned *sides)
{
    const struct ctx *ctx = req->ctx;
    int64_t id;
    if (cstr_to_int64(http_path_param(req, "id"), &id) || id <= 0 ||
        orientation_get(ctx->db, req->arena, id, o) != 0)
        return http_fail(req, ERR_NOT_FOUND, "Cette orientation n'existe pas.", NULL);
    *sides = orientation_viewer_sides(auth_of(req), o);
    if (!*sides)
        return http_fail(req, ERR_FORBIDDEN,
                         "Cette orientation concerne d'autres structures : vous ne pouvez ni la "
                         "voir ni y répondre.",
                         NULL);
    return 0;
}

/* The page of a referral, for a member of one side (base = /orientations/ID) or for the holder
 * of a link (base = /orientations/lien/TOKEN). */
static int render_show(struct http_request *req, struct http_response *resp,
                       const struct orientation *o, unsigned sides, const char *base,
                       const struct ui_errors *errs, int status, const char *notice)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *au = auth_of(req);
    struct arena *a = req->arena;
    struct buf b = page_buf(req);
    ui_h1(&b, arena_printf(a, "Orientation n° %lld%s", (long long)o->id, o->demo ? " (démo)" : ""));
    html_lit(&b, "<p class=\"govuk-body\">");
    ui_tag(&b, orientation_status_label(o->status), status_colour(o->status));
    html_lit(&b, "</p>");
    ui_error_summary(&b, errs);
    html_lit(&b, "<dl class=\"govuk-summary-list\">");
    struct {
        const char *k, *v;
    } rows[] = {
        {"De", arena_printf(a, "%s%s%s", o->from_structure_nom, o->from_user_nom ? " — " : "",
                            o->from_user_nom ? o->from_user_nom : "")},
        {"Vers", o->destination_nom},
        {"Envoyée le", when_fr(a, o->created_at)},
        {"Personne", o->anonymised ? "(données anonymisées)" : o->personne},
        {"Moyen de la joindre", o->contact && *o->contact ? o->contact : "—"},
        {"Préférences de contact",
         list_fr(a, o->preferences, orientation_preferences, orientation_n_preferences)},
        {"Besoin", list_fr(a, o->besoins, NULL, 0)},
        {"Motif", o->anonymised ? "—" : o->motif},
        {"Disponibilités", o->disponibilites ? o->disponibilites : "—"},
        {"Qui demander", o->interlocuteur ? o->interlocuteur : "—"},
        {"À apporter", o->a_apporter ? o->a_apporter : "—"},
        {"Motifs du refus",
         o->refus_motifs ? list_fr(a, o->refus_motifs, orientation_refus, orientation_n_refus)
                         : NULL},
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        if (!rows[i].v)
            continue;
        html_lit(&b,
                 "<div class=\"govuk-summary-list__row\"><dt class=\"govuk-summary-list__key\">");
        html_text(&b, rows[i].k);
        html_lit(&b, "</dt><dd class=\"govuk-summary-list__value\">");
        html_text(&b, rows[i].v);
        html_lit(&b, "</dd></div>");
    }
    html_lit(&b, "</dl>");

    struct orientation_piece *pieces;
    size_t n_pieces;
    int rc = orientation_pieces(ctx->db, a, o->id, &pieces, &n_pieces);
    if (rc)
        return rc;
    if (n_pieces) {
        ui_h2(&b, "Pièces jointes");
        html_lit(&b, "<ul class=\"govuk-list\">");
        for (size_t i = 0; i < n_pieces; i++) {
            html_lit(&b, "<li>");
            if (pieces[i].deleted) {
                html_text(&b, arena_printf(a, "%s (supprimée)", pieces[i].nom));
            } else {
                ui_link(&b, pieces[i].nom,
                        arena_printf(a, "%s/pieces/%lld", base, (long long)pieces[i].id));
            }
            html_lit(&b, "</li>");
        }
        html_lit(&b, "</ul>");
    }
    /* The person's journey, for the members of either side (the page checks who sees what);
     * never through a signed link. */
    if (o->beneficiaire_id && au->user_id && strncmp(base, "/orientations/lien/", 19) != 0)
        ui_link(&b, "Parcours de la personne",
                arena_printf(a, "/beneficiaires/%lld/parcours", (long long)o->beneficiaire_id));
    if (sides & SIDE_BIT_ENVOI)
        ui_button_link(&b, "Fiche à remettre à la personne",
                       arena_printf(a, "/orientations/%lld/fiche", (long long)o->id),
                       UI_BUTTON_SECONDARY);

    ui_h2(&b, "Historique et messages");
    struct orientation_event *ev;
    size_t n_ev;
    if ((rc = orientation_events(ctx->db, a, o->id, &ev, &n_ev)))
        return rc;
    html_lit(&b, "<ol class=\"govuk-list relais-historique\">");
    for (size_t i = 0; i < n_ev; i++) {
        html_lit(&b, "<li><p class=\"govuk-body-s\">");
        html_text(&b, arena_printf(a, "%s — %s", when_fr(a, ev[i].at), ev[i].actor));
        html_lit(&b, "</p><p class=\"govuk-body\">");
        if (ev[i].is_status) {
            int from = orientation_status_parse(ev[i].from_status);
            int to = orientation_status_parse(ev[i].to_status);
            html_text(
                &b, from < 0 ? "Orientation envoyée."
                             : arena_printf(
                                   a, "Statut : %s → %s.",
                                   orientation_status_label((enum orientation_status)from),
                                   to < 0 ? "?"
                                          : orientation_status_label((enum orientation_status)to)));
        } else {
            html_text(&b, ev[i].body ? ev[i].body : "(message anonymisé)");
        }
        html_lit(&b, "</p></li>");
    }
    html_lit(&b, "</ol>");

    const char *action = arena_printf(
        a, "%s%s", base, strncmp(base, "/orientations/lien/", 19) == 0 ? "" : "/reponse");
    const struct http_params *src = &req->form;
    if ((sides & SIDE_BIT_RECEPTION) && !orientation_status_final(o->status) && !o->anonymised) {
        ui_h2(&b, "Répondre");
        ui_form_begin(&b, action, "post", au->csrf_token, false);
        struct ui_option decisions[3];
        size_t nd = 0;
        const char *dsel = http_param(src, "decision");
        if (o->status == OS_OUVERTE)
            decisions[nd++] = (struct ui_option){"en_cours", "Je l'étudie (en cours d'étude)",
                                                 dsel && strcmp(dsel, "en_cours") == 0};
        decisions[nd++] = (struct ui_option){"acceptee", "J'accepte l'orientation",
                                             dsel && strcmp(dsel, "acceptee") == 0};
        decisions[nd++] = (struct ui_option){"refusee", "Je refuse l'orientation",
                                             dsel && strcmp(dsel, "refusee") == 0};
        ui_choices(&b,
                   &(struct ui_field){.name = "decision",
                                      .label = "Décision",
                                      .error = ui_errors_for(errs, "decision")},
                   decisions, nd, false);
        checkbox_list(&b, req, src, "motifs", "Motifs du refus (en cas de refus)", NULL,
                      orientation_refus, orientation_n_refus, NULL, 0, false, errs);
        ui_textarea(&b,
                    &(struct ui_field){.name = "message",
                                       .label = "Message",
                                       .hint = "Lu par la structure qui oriente.",
                                       .value = http_param(src, "message"),
                                       .error = ui_errors_for(errs, "message")},
                    3);
        ui_button(&b, "Enregistrer la décision", UI_BUTTON_PRIMARY);
        ui_form_end(&b);
    }
    if (!o->anonymised) {
        ui_h2(&b, "Écrire un message");
        ui_form_begin(&b, action, "post", au->csrf_token, false);
        html_lit(&b, "<input type=\"hidden\" name=\"decision\" value=\"message\">");
        ui_textarea(&b,
                    &(struct ui_field){.name = "message",
                                       .label = "Message",
                                       .hint = (sides & SIDE_BIT_RECEPTION)
                                                   ? "Lu par la structure qui oriente."
                                                   : "Lu par la structure destinataire.",
                                       .error = ui_errors_for(errs, "message"),
                                       .required = true},
                    3);
        ui_button(&b, "Envoyer le message", UI_BUTTON_SECONDARY);
        ui_form_end(&b);
    }
    if ((sides & SIDE_BIT_ENVOI) && o->to_email && !orientation_status_final(o->status) &&
        strncmp(base, "/orientations/lien/", 19) != 0) {
        ui_h2(&b, "Lien de la structure destinataire");
        ui_p(&b, arena_printf(a,
                              "La structure destinataire n'a pas de compte : elle répond par un "
                              "lien personnel envoyé à %s. Vous pouvez lui en envoyer un "
                              "nouveau.",
                              o->to_email));
        ui_form_begin(&b, arena_printf(a, "/orientations/%lld/lien", (long long)o->id), "post",
                      au->csrf_token, false);
        ui_button(&b, "Renvoyer un lien", UI_BUTTON_SECONDARY);
        ui_form_end(&b);
    }
    return shell_render(
        req, resp,
        &(struct shell_page){.title = arena_printf(a, "Orientation n° %lld", (long long)o->id),
                             .status = status,
                             .notice = notice},
        buf_cstr(&b));
}

static const char *notice_of(struct http_request *req)
{
    const char *ok = http_param(&req->query, "ok");
    if (!ok)
        return NULL;
    if (strcmp(ok, "envoyee") == 0)
        return "L'orientation est envoyée : la structure destinataire est prévenue.";
    if (strcmp(ok, "reponse") == 0)
        return "C'est enregistré : l'autre structure est prévenue.";
    if (strcmp(ok, "lien") == 0)
        return "Un nouveau lien a été envoyé à la structure destinataire.";
    return NULL;
}

int orientation_page_show(struct http_request *req, struct http_response *resp)
{
    struct orientation o;
    unsigned sides;
    int rc = load(req, &o, &sides);
    if (rc)
        return rc;
    struct ui_errors errs = {0};
    return render_show(req, resp, &o, sides,
                       arena_printf(req->arena, "/orientations/%lld", (long long)o.id), &errs, 200,
                       notice_of(req));
}

static int answer_and_redirect(struct http_request *req, struct http_response *resp,
                               const struct orientation *o, unsigned sides, const char *base,
                               const struct orientation_actor *who)
{
    const struct http_params *f = &req->form;
    const char *motifs[16];
    size_t n = http_param_all(f, "motifs", motifs, 16);
    struct ui_errors errs = {0};
    int rc = orientation_answer(req, o, who, http_param(f, "decision"), motifs, n,
                                http_param(f, "message"), &errs);
    if (rc == ERR_INVALID && errs.n)
        return render_show(req, resp, o, sides, base, &errs, 400, NULL);
    if (rc == ERR_CONFLICT) {
        const char *message, *field;
        http_failure(req, &message, &field);
        ui_errors_add(&errs, "decision", message);
        return render_show(req, resp, o, sides, base, &errs, 409, NULL);
    }
    if (rc)
        return rc;
    http_redirect(resp, arena_printf(req->arena, "%s?ok=reponse", base));
    return 0;
}

int orientation_page_reponse(struct http_request *req, struct http_response *resp)
{
    struct orientation o;
    unsigned sides;
    int rc = load(req, &o, &sides);
    if (rc)
        return rc;
    const struct auth *au = auth_of(req);
    const char *decision = http_param(&req->form, "decision");
    bool is_message = decision && strcmp(decision, "message") == 0;
    /* A message goes from the viewer's side; a decision only from the receiving side. */
    enum orientation_side side =
        (sides & SIDE_BIT_RECEPTION) && (!is_message || !(sides & SIDE_BIT_ENVOI)) ? SIDE_RECEPTION
                                                                                   : SIDE_ENVOI;
    if (!is_message && !(sides & SIDE_BIT_RECEPTION))
        return http_fail(req, ERR_FORBIDDEN,
                         "Seule la structure destinataire peut accepter ou refuser cette "
                         "orientation.",
                         "decision");
    if (!is_message)
        side = SIDE_RECEPTION;
    const struct orientation_actor who = {au->user_id, au->name, side};
    return answer_and_redirect(req, resp, &o, sides,
                               arena_printf(req->arena, "/orientations/%lld", (long long)o.id),
                               &who);
}

int orientation_page_renew(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct orientation o;
    unsigned sides;
    int rc = load(req, &o, &sides);
    if (rc)
        return rc;
    if (!(sides & SIDE_BIT_ENVOI))
        return http_fail(req, ERR_FORBIDDEN,
                         "Seule la structure qui oriente peut renvoyer un lien.", NULL);
    if (!o.to_email || orientation_status_final(o.status))
        return http_fail(req, ERR_CONFLICT,
                         "Cette orientation n'attend pas de réponse par lien : rien à renvoyer.",
                         NULL);
    struct arena *a = req->arena;
    struct orientation_settings s;
    orientation_settings_read(ctx->cfg, &s);
    int64_t now = (int64_t)time(NULL);
    const char *token;
    if ((rc = db_begin(ctx->db)))
        return rc;
    rc = orientation_link_create(ctx->db, a, o.id, now, s.lien_s, &token);
    /* Never to the real address of a lieu from a demo referral (see orientation_send). */
    if (rc == 0 && o.demo && auth_of(req)->user_id)
        rc = notification_add(ctx->db, auth_of(req)->user_id,
                              "Démo : le nouveau lien de la structure destinataire.",
                              arena_printf(a, "/orientations/lien/%s", token), now);
    else if (rc == 0 && !o.demo)
        rc = outbox_enqueue(
            ctx->db, o.to_email, "Relais : un nouveau lien pour répondre à une orientation",
            arena_printf(a,
                         "Bonjour,\n\n%s vous a orienté une personne (orientation n° %lld). Voici "
                         "un nouveau lien personnel, valable %lld jours, pour la lire et y "
                         "répondre :\n%s\n\nRelais\n",
                         o.from_structure_nom, (long long)o.id, (long long)(s.lien_s / 86400),
                         mail_link(ctx->cfg, a, "/orientations/lien/", token)),
            now);
    rc = rc ? (db_rollback(ctx->db), rc) : db_commit(ctx->db);
    if (rc)
        return rc;
    orientation_flush_mail(req);
    http_redirect(resp, arena_printf(a, "/orientations/%lld?ok=lien", (long long)o.id));
    return 0;
}

/* --- the signed link --- */

static int load_link(struct http_request *req, struct http_response *resp, struct orientation *o,
                     bool *done)
{
    const struct ctx *ctx = req->ctx;
    *done = false;
    int64_t id;
    bool expired;
    int rc = orientation_link_lookup(ctx->db, req->arena, http_path_param(req, "token"),
                                     (int64_t)time(NULL), &id, &expired);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND,
                         "Ce lien n'est pas valide : il a pu être mal copié, ou remplacé. "
                         "Demandez un nouveau lien à la structure qui vous a orienté la "
                         "personne.",
                         NULL);
    if (rc)
        return rc;
    if ((rc = orientation_get(ctx->db, req->arena, id, o)))
        return rc;
    if (expired) {
        struct buf b = page_buf(req);
        ui_h1(&b, "Ce lien a expiré");
        ui_p(&b, arena_printf(req->arena,
                              "Pour des raisons de sécurité, un lien ne sert que quelques jours. "
                              "Demandez-en un nouveau à %s, qui vous a orienté la personne : il "
                              "peut le renvoyer depuis Relais.",
                              o->from_structure_nom));
        *done = true;
        return shell_render(req, resp, &(struct shell_page){.title = "Lien expiré", .status = 410},
                            buf_cstr(&b));
    }
    return 0;
}

int orientation_page_link(struct http_request *req, struct http_response *resp)
{
    struct orientation o;
    bool done;
    int rc = load_link(req, resp, &o, &done);
    if (rc || done)
        return rc;
    http_resp_header(resp, "Referrer-Policy", "no-referrer");
    struct ui_errors errs = {0};
    return render_show(
        req, resp, &o, SIDE_BIT_RECEPTION,
        arena_printf(req->arena, "/orientations/lien/%s", http_path_param(req, "token")), &errs,
        200, notice_of(req));
}

int orientation_page_link_reponse(struct http_request *req, struct http_response *resp)
{
    struct orientation o;
    bool done;
    int rc = load_link(req, resp, &o, &done);
    if (rc || done)
        return rc;
    const struct orientation_actor who = {
        0, arena_printf(req->arena, "%s (par lien)", o.destination_nom), SIDE_RECEPTION};
    return answer_and_redirect(
        req, resp, &o, SIDE_BIT_RECEPTION,
        arena_printf(req->arena, "/orientations/lien/%s", http_path_param(req, "token")), &who);
}

/* --- attachments --- */

static int serve_piece(struct http_request *req, struct http_response *resp,
                       const struct orientation *o)
{
    const struct ctx *ctx = req->ctx;
    int64_t pid;
    struct orientation_piece *p;
    size_t n;
    if (cstr_to_int64(http_path_param(req, "pid"), &pid))
        pid = 0;
    int rc = orientation_pieces(ctx->db, req->arena, o->id, &p, &n);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (p[i].id != pid || p[i].deleted)
            continue;
        const char *path =
            arena_printf(req->arena, "%s/%s",
                         orientation_pieces_dir(req->arena, ctx->cfg->data_dir), p[i].stored);
        struct stat st;
        if (stat(path, &st) < 0)
            break;
        /* Only the three sniffed types are ever stored; none of them runs in a browser, and the
         * download is forced whatever the browser thinks. */
        resp->status = 200;
        resp->content_type = p[i].mime;
        resp->file_path = path;
        resp->file_size = (uint64_t)st.st_size;
        http_resp_header(resp, "Content-Disposition",
                         arena_printf(req->arena, "attachment; filename=\"piece-%lld.%s\"",
                                      (long long)p[i].id,
                                      strcmp(p[i].mime, "application/pdf") == 0 ? "pdf"
                                      : strcmp(p[i].mime, "image/png") == 0     ? "png"
                                                                                : "jpg"));
        http_resp_header(resp, "Cache-Control", "private, no-store");
        return 0;
    }
    return http_fail(req, ERR_NOT_FOUND,
                     "Cette pièce jointe n'existe pas, ou elle a été supprimée (refus ou "
                     "expiration de l'orientation).",
                     NULL);
}

int orientation_page_piece(struct http_request *req, struct http_response *resp)
{
    struct orientation o;
    unsigned sides;
    int rc = load(req, &o, &sides);
    return rc ? rc : serve_piece(req, resp, &o);
}

int orientation_page_link_piece(struct http_request *req, struct http_response *resp)
{
    struct orientation o;
    bool done;
    int rc = load_link(req, resp, &o, &done);
    if (rc || done)
        return rc;
    return serve_piece(req, resp, &o);
}

/* --- the sheet --- */

#define PLAN_KM 2.0 /* half the width of the plan */
#define PLAN_PX 320

/* A small plan drawn by the server, printed with the sheet and needing no map tiles: the lieu at
 * the centre, the other lieux within PLAN_KM around it as landmarks (numbered, named below), a
 * scale bar and the north. */
static void plan_svg(struct buf *b, struct http_request *req, const struct lieu_record *rec)
{
    struct arena *a = req->arena;
    struct lieux_index *idx = lieux_index_acquire();
    struct lieux_query q = {.has_center = true,
                            .center = {rec->latitude, rec->longitude},
                            .density = GEO_INTERMEDIATE,
                            .radius_km = PLAN_KM,
                            .limit = 9};
    struct lieux_result r = {0};
    if (idx && lieux_search(idx, &q, a, &r) != 0)
        r.n_hits = 0;
    double km_lat = 111.2, km_lon = 111.2 * cos(rec->latitude * M_PI / 180.0);
    double scale = (PLAN_PX / 2.0) / PLAN_KM;
    html_lit(b, "<figure class=\"relais-plan\"><svg xmlns=\"http://www.w3.org/2000/svg\" "
                "viewBox=\"0 0 320 320\" width=\"320\" height=\"320\" role=\"img\" "
                "aria-labelledby=\"plan-titre\"><title id=\"plan-titre\">");
    html_text(b, arena_printf(a, "Plan : %s au centre, les autres lieux proches numérotés",
                              rec->row.v[LF_NOM]));
    html_lit(b, "</title><rect x=\"0.5\" y=\"0.5\" width=\"319\" height=\"319\" fill=\"#fff\" "
                "stroke=\"#505a5f\"/>");
    int k = 0;
    struct buf legend;
    buf_init(&legend, a, 64 * 1024);
    for (size_t i = 0; i < r.n_hits; i++) {
        const struct lieux_entry *e = r.hits[i].e;
        if (e->id == rec->id || !e->has_coords)
            continue;
        double x = 160 + (e->lon - rec->longitude) * km_lon * scale;
        double y = 160 - (e->lat - rec->latitude) * km_lat * scale;
        if (x < 10 || x > 310 || y < 10 || y > 310)
            continue;
        k++;
        buf_addf(b,
                 "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"9\" fill=\"#505a5f\"/><text x=\"%.0f\" "
                 "y=\"%.0f\" fill=\"#fff\" font-size=\"11\" text-anchor=\"middle\">%d</text>",
                 x, y, x, y + 4, k);
        html_lit(&legend, "<li>");
        html_text(&legend, arena_printf(a, "%d : %s", k, e->nom));
        html_lit(&legend, "</li>");
    }
    if (idx)
        lieux_index_release(idx);
    /* The destination, the scale (1 km) and the north. */
    buf_addf(b,
             "<circle cx=\"160\" cy=\"160\" r=\"12\" fill=\"#0b4f4a\" stroke=\"#fff\" "
             "stroke-width=\"3\"/><line x1=\"20\" y1=\"300\" x2=\"%.0f\" y2=\"300\" "
             "stroke=\"#0b0c0c\" stroke-width=\"3\"/><text x=\"20\" y=\"292\" "
             "font-size=\"12\">1 km</text><text x=\"300\" y=\"24\" font-size=\"14\" "
             "text-anchor=\"middle\">N</text><path d=\"M300 30 l-5 12 h10 z\"/>",
             20 + scale);
    html_lit(b, "</svg><figcaption class=\"govuk-body-s\">Le lieu est au centre (grand point).");
    if (k) {
        html_lit(b,
                 " Repères à moins de 2 km :</figcaption><ol class=\"govuk-list govuk-body-s\">");
        html_safe(b, html_safe_buf(&legend));
        html_lit(b, "</ol>");
    } else {
        html_lit(b, "</figcaption>");
    }
    html_lit(b, "</figure>");
}

int orientation_page_fiche(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct orientation o;
    unsigned sides;
    int rc = load(req, &o, &sides);
    if (rc)
        return rc;
    struct arena *a = req->arena;
    struct lieu_record rec;
    bool has_lieu = o.lieu_id && lieu_store_get(ctx->db, a, o.lieu_id, &rec) == 0;
    struct buf b = page_buf(req);
    html_lit(&b, "<article class=\"relais-orientation\">");
    html_lit(&b, "<p class=\"govuk-body relais-ecran-seulement\">");
    ui_link(&b, "Retour à l'orientation", arena_printf(a, "/orientations/%lld", (long long)o.id));
    html_lit(&b, " · Pour imprimer cette fiche : menu « Imprimer » de votre navigateur "
                 "(Ctrl + P).</p>");
    ui_h1(&b, "Fiche d'orientation");
    ui_p(&b, arena_printf(a, "Pour %s, orientée le %s par %s.",
                          o.anonymised ? "la personne" : o.personne,
                          lieux_time_fr(a, (time_t)o.created_at), o.from_structure_nom));
    ui_h2(&b, "Où aller");
    html_lit(&b, "<p class=\"govuk-body govuk-!-font-weight-bold\">");
    html_text(&b, o.destination_nom);
    html_lit(&b, "</p>");
    if (has_lieu) {
        const char *const *v = rec.row.v;
        html_lit(&b, "<p class=\"govuk-body relais-adresse\">");
        html_text(&b, v[LF_ADRESSE]);
        if (v[LF_COMPLEMENT_ADRESSE] && *v[LF_COMPLEMENT_ADRESSE]) {
            html_lit(&b, "<br>");
            html_text(&b, v[LF_COMPLEMENT_ADRESSE]);
        }
        html_lit(&b, "<br>");
        html_text(&b, arena_printf(a, "%s %s", v[LF_CODE_POSTAL] ? v[LF_CODE_POSTAL] : "",
                                   v[LF_COMMUNE] ? v[LF_COMMUNE] : ""));
        html_lit(&b, "</p>");
        if (v[LF_TELEPHONE] && *v[LF_TELEPHONE])
            ui_p(&b, arena_printf(a, "Téléphone : %s", v[LF_TELEPHONE]));
        if (rec.has_coords)
            plan_svg(&b, req, &rec);
        ui_h2(&b, "Quand");
        struct lieux_hours h;
        lieux_hours_read(a, v[LF_HORAIRES], rec.departement, time(NULL), &h);
        ui_p(&b, h.french ? h.french
                 : h.raw  ? h.raw
                          : "Horaires non renseignés : appelez avant de vous déplacer.");
    }
    if (o.disponibilites && *o.disponibilites)
        ui_p(&b, arena_printf(a, "Vos disponibilités : %s", o.disponibilites));
    ui_h2(&b, "Qui demander");
    ui_p(&b, o.interlocuteur && *o.interlocuteur
                 ? o.interlocuteur
                 : "Présentez cette fiche à l'accueil : vous êtes attendu(e).");
    ui_h2(&b, "Ce qu'il faut apporter");
    ui_p(&b, o.a_apporter && *o.a_apporter ? o.a_apporter
                                           : "Une pièce d'identité et les courriers reçus pour "
                                             "votre démarche.");
    ui_h2(&b, "Votre besoin");
    ui_p(&b, list_fr(a, o.besoins, NULL, 0));
    if (has_lieu && rec.has_coords) {
        struct lieux_marker m = {rec.id,       rec.row.v[LF_NOM], rec.row.v[LF_ADRESSE],
                                 rec.latitude, rec.longitude,     rec.coords_approx};
        lieux_map(&b, req, "Carte : où se trouve le lieu", &m, 1, NULL);
    }
    html_lit(&b, "</article>");
    return shell_render(req, resp,
                        &(struct shell_page){.title = arena_printf(a, "Fiche d'orientation n° %lld",
                                                                   (long long)o.id)},
                        buf_cstr(&b));
}

/* --- notifications --- */

int orientation_page_notifications(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *au = auth_of(req);
    struct arena *a = req->arena;
    struct notification *list;
    size_t n;
    int rc = notification_list(ctx->db, a, au->user_id, 100, &list, &n);
    if (rc)
        return rc;
    struct buf b = page_buf(req);
    ui_h1(&b, "Notifications");
    if (n == 0)
        ui_p(&b, "Aucune notification.");
    html_lit(&b, "<ul class=\"govuk-list\">");
    for (size_t i = 0; i < n; i++) {
        html_lit(&b, "<li>");
        if (!list[i].read)
            ui_tag(&b, "Nouveau", UI_TAG_BLUE);
        html_lit(&b, " ");
        ui_link(&b, list[i].text, list[i].href);
        html_lit(&b, " <span class=\"govuk-body-s\">");
        html_text(&b, when_fr(a, list[i].at));
        html_lit(&b, "</span></li>");
    }
    html_lit(&b, "</ul>");
    if (n) {
        ui_form_begin(&b, "/notifications/lues", "post", au->csrf_token, false);
        ui_button(&b, "Tout marquer comme lu", UI_BUTTON_SECONDARY);
        ui_form_end(&b);
    }
    return shell_render(req, resp, &(struct shell_page){.title = "Notifications"}, buf_cstr(&b));
}

int orientation_page_notifications_read(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    int rc = notification_mark_read(ctx->db, auth_of(req)->user_id, (int64_t)time(NULL));
    if (rc)
        return rc;
    http_redirect(resp, "/notifications");
    return 0;
}
