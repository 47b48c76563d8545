/*
 * The import page for coordinators: GET/POST /lieux/importer. The uploaded file (streamed to disk
 * by the http layer) goes through lieux_import; the page reports the counts, the file-level notes
 * and every problem with its line, field, value and rule, and offers the rejected rows as a CSV to
 * fix and bring back (GET /lieux/importer/rejets/{fichier}, kept an hour).
 */
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/limits.h"
#include "html/html.h"
#include "html/ui.h"
#include "lieux/import.h"
#include "lieux/lieux.h"
#include "lieux/pages_handlers.h"
#include "lieux/search.h"
#include "site/shell.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#define IMPORT_PROBLEMS_SHOWN 500

static const char *import_dir(struct http_request *req)
{
    const struct ctx *ctx = req->ctx;
    return arena_printf(req->arena, "%s/exports", ctx->cfg->data_dir);
}

/* The départements a coordinator may import into; NULL for an admin (anywhere). */
static void import_form(struct buf *b, struct http_request *req, const struct ui_errors *errs)
{
    const struct auth *a = auth_of(req);
    ui_error_summary(b, errs);
    ui_form_begin(b, "/lieux/importer", "post", a->csrf_token, true);
    ui_file(b,
            &(struct ui_field){.name = "fichier", .label = "Fichier des lieux",
                               .hint = "CSV ou JSON du standard des lieux de médiation numérique "
                                       "(v1), fichier du brouillon 2022, ou liste France Services. "
                                       "50 Mo au plus.",
                               .error = ui_errors_for(errs, "fichier"), .required = true},
            ".csv,.json,text/csv,application/json");
    const char *format = http_param(&req->form, "format");
    struct ui_option formats[] = {
        {"auto", "Reconnaître le format", !format || strcmp(format, "auto") == 0},
        {"v1", "Standard v1 (CSV ou JSON)", format && strcmp(format, "v1") == 0},
        {"v0", "Brouillon 2022 (v0.1)", format && strcmp(format, "v0") == 0},
        {"france-services", "Liste France Services",
         format && strcmp(format, "france-services") == 0},
    };
    ui_select(b, &(struct ui_field){.name = "format", .label = "Format"}, formats, 4);
    if (!auth_has(a, ROLE_ADMIN)) {
        const char *dep = http_param(&req->form, "departement");
        struct ui_option *deps = arena_calloc(req->arena, a->n_departements + 1, sizeof(*deps));
        for (size_t i = 0; i < a->n_departements; i++)
            deps[i] = (struct ui_option){a->departements[i], a->departements[i],
                                         dep && strcmp(dep, a->departements[i]) == 0};
        ui_select(b,
                  &(struct ui_field){.name = "departement", .label = "Département",
                                     .hint = "Seuls les lieux de ce département sont importés.",
                                     .error = ui_errors_for(errs, "departement")},
                  deps, a->n_departements);
    }
    const char *mode = http_param(&req->form, "mode");
    struct ui_option modes[] = {
        {"valides", "Enregistrer les lignes valides et me donner les lignes rejetées",
         !mode || strcmp(mode, "valides") == 0},
        {"tout", "Tout ou rien : ne rien enregistrer si une ligne est rejetée",
         mode && strcmp(mode, "tout") == 0},
        {"essai", "Essai : tout vérifier sans rien enregistrer",
         mode && strcmp(mode, "essai") == 0},
    };
    ui_choices(b, &(struct ui_field){.name = "mode", .label = "Que faire des lignes rejetées ?"},
               modes, 3, false);
    ui_button(b, "Importer", UI_BUTTON_PRIMARY);
    ui_form_end(b);
}

static int render(struct http_request *req, struct http_response *resp, const char *report_html,
                  const struct ui_errors *errs, int status, const char *notice)
{
    struct buf b;
    buf_init(&b, req->arena, LIMIT_PAGE_BYTES);
    ui_h1(&b, "Importer des lieux");
    if (report_html)
        buf_adds(&b, report_html);
    else
        ui_p(&b, "Chaque ligne est vérifiée selon le standard national. Un lieu déjà connu (même "
                 "source et même identifiant) est mis à jour, et son historique garde chaque "
                 "changement. Un lieu sans coordonnées est placé au centre de sa commune.");
    import_form(&b, req, errs);
    return shell_render(req, resp,
                        &(struct shell_page){.title = "Importer des lieux", .status = status,
                                             .notice = notice, .wide = true},
                        buf_cstr(&b));
}

int lieux_page_import_form(struct http_request *req, struct http_response *resp)
{
    struct ui_errors errs = {0};
    return render(req, resp, NULL, &errs, 200, NULL);
}

static void report(struct buf *b, struct arena *a, const struct lieux_import_options *o,
                   const struct lieux_import_stats *s, const char *rejects_href)
{
    ui_h2(b, "Résultat");
    static const char *const head[] = {"", "Nombre"};
    struct ui_table t = {.caption = "Bilan de l'import", .head = head, .n_cols = 2,
                         .numeric_last = true};
    ui_table_begin(b, &t);
    ui_table_row(b, &t, (const char *[]){"Lignes retenues", arena_printf(a, "%zu", s->read)});
    ui_table_row(b, &t, (const char *[]){"Nouveaux lieux", arena_printf(a, "%zu", s->inserted)});
    ui_table_row(b, &t, (const char *[]){"Lieux modifiés", arena_printf(a, "%zu", s->updated)});
    ui_table_row(b, &t, (const char *[]){"Lieux inchangés", arena_printf(a, "%zu", s->unchanged)});
    ui_table_row(b, &t, (const char *[]){"Lignes rejetées", arena_printf(a, "%zu", s->rejected)});
    ui_table_row(b, &t, (const char *[]){"Avertissements", arena_printf(a, "%zu", s->warnings)});
    ui_table_row(b, &t, (const char *[]){"Placés au centre de leur commune",
                                         arena_printf(a, "%zu", s->geocoded)});
    if (o->departement)
        ui_table_row(b, &t, (const char *[]){"Lignes d'autres départements, ignorées",
                                             arena_printf(a, "%zu", s->skipped)});
    ui_table_end(b);
    for (size_t i = 0; i < s->n_notes; i++)
        ui_p(b, s->notes[i]);
    if (rejects_href) {
        html_lit(b, "<p class=\"govuk-body\">");
        ui_link(b, "Télécharger les lignes rejetées (CSV)", rejects_href);
        html_lit(b, " : corrigez-les (colonnes « ligne » et « erreurs » en fin de ligne), puis "
                    "importez ce fichier.</p>");
    }
    if (!s->n_problems)
        return;
    ui_h2(b, "Problèmes, ligne par ligne");
    static const char *const phead[] = {"Ligne", "Identifiant", "Champ", "Valeur", "Règle",
                                        "Message"};
    struct ui_table pt = {.caption = "Lignes rejetées et avertissements", .head = phead,
                          .n_cols = 6};
    ui_table_begin(b, &pt);
    size_t shown = s->n_problems < IMPORT_PROBLEMS_SHOWN ? s->n_problems : IMPORT_PROBLEMS_SHOWN;
    for (size_t i = 0; i < shown; i++) {
        const struct lieux_import_problem *p = &s->problems[i];
        ui_table_row(b, &pt,
                     (const char *[]){arena_printf(a, "%zu", p->line), p->id ? p->id : "—",
                                      p->field ? p->field : "—", p->value ? p->value : "—",
                                      arena_printf(a, "%s%s", p->rejected ? "" : "avertissement : ",
                                                   p->rule),
                                      p->message});
    }
    ui_table_end(b);
    if (shown < s->n_problems)
        ui_p(b, arena_printf(a, "… et %zu autres problèmes : le fichier des lignes rejetées les "
                                "donne tous.",
                             s->n_problems - shown));
}

int lieux_page_import(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *au = auth_of(req);
    struct ui_errors errs = {0};
    const struct http_upload *up = NULL;
    for (size_t i = 0; i < req->n_uploads; i++)
        if (strcmp(req->uploads[i].field, "fichier") == 0)
            up = &req->uploads[i];
    if (!up || up->size == 0)
        ui_errors_add(&errs, "fichier", "Choisissez le fichier des lieux à importer.");
    struct lieux_import_options o = {.user_id = au->user_id};
    const char *format = http_param(&req->form, "format");
    if (lieux_format_from_name(format ? format : "auto", &o.format))
        ui_errors_add(&errs, "format", "Format : choisissez l'un des formats proposés.");
    const char *dep = http_param(&req->form, "departement");
    if (!auth_has(au, ROLE_ADMIN)) {
        if (!dep || !auth_in_departement(au, dep))
            ui_errors_add(&errs, "departement",
                          "Département : choisissez l'un des départements que vous coordonnez.");
        o.departement = dep;
    } else if (dep && *dep) {
        o.departement = dep;
    }
    const char *mode = http_param(&req->form, "mode");
    o.all_or_nothing = mode && strcmp(mode, "tout") == 0;
    o.dry_run = mode && strcmp(mode, "essai") == 0;
    if (errs.n)
        return render(req, resp, NULL, &errs, 400, NULL);

    const char *dir = import_dir(req);
    if ((mkdir(ctx->cfg->data_dir, 0750) < 0 && errno != EEXIST) ||
        (mkdir(dir, 0750) < 0 && errno != EEXIST))
        return http_fail(req, ERR_IO, "Le dossier des données n'est pas accessible.", NULL);
    lieux_exports_cleanup(dir);
    const char *name = arena_printf(req->arena, "lieux-rejets-%s.csv",
                                    crypto_random_token(req->arena));
    o.path = up->path;
    o.origin = up->filename && *up->filename ? up->filename : "envoi";
    o.source = NULL;
    o.rejects_path = arena_printf(req->arena, "%s/%s", dir, name);
    struct lieux_import_stats st;
    int rc = lieux_import(ctx->db, lieux_communes(), &o, req->arena, &st);
    if (st.error) {
        ui_errors_add(&errs, "fichier",
                      st.error_line ? arena_printf(req->arena, "Fichier : %s (ligne %zu)", st.error,
                                                   st.error_line)
                                    : arena_printf(req->arena, "Fichier : %s", st.error));
        return render(req, resp, NULL, &errs, 400, NULL);
    }
    if (rc)
        return rc;
    if (st.applied)
        lieux_index_refresh(ctx->db, 0);
    struct buf rep;
    buf_init(&rep, req->arena, LIMIT_PAGE_BYTES / 2);
    const char *href = st.rejected ? arena_printf(req->arena, "/lieux/importer/rejets/%s", name)
                                   : NULL;
    report(&rep, req->arena, &o, &st, href);
    const char *notice =
        st.applied ? arena_printf(req->arena, "Import enregistré : %zu nouveaux lieux, %zu modifiés.",
                                  st.inserted, st.updated)
        : o.dry_run ? "Essai terminé : rien n'a été enregistré."
                    : "Rien n'a été enregistré : des lignes sont rejetées (tout ou rien).";
    return render(req, resp, buf_cstr(&rep), &errs, 200, notice);
}

int lieux_page_import_rejects(struct http_request *req, struct http_response *resp)
{
    const char *name = http_path_param(req, "fichier");
    /* Only the names this page makes: lieux-rejets-<43 base64url characters>.csv */
    size_t n = name ? strlen(name) : 0;
    bool ok = n == 13 + 43 + 4 && strncmp(name, "lieux-rejets-", 13) == 0 &&
              strcmp(name + n - 4, ".csv") == 0;
    for (size_t i = 13; ok && i < n - 4; i++)
        ok = (name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
             (name[i] >= '0' && name[i] <= '9') || name[i] == '-' || name[i] == '_';
    const char *path = ok ? arena_printf(req->arena, "%s/%s", import_dir(req), name) : NULL;
    struct stat sb;
    if (!ok || stat(path, &sb) != 0)
        return http_fail(req, ERR_NOT_FOUND,
                         "Ce fichier de lignes rejetées n'existe plus : importez le fichier à "
                         "nouveau pour l'obtenir.",
                         NULL);
    resp->status = 200;
    resp->content_type = "text/csv; charset=utf-8";
    resp->file_path = path;
    http_resp_header(resp, "Content-Disposition", "attachment; filename=\"lignes-rejetees.csv\"");
    return 0;
}
