/*
 * Reporting a resource (any signed-in person who can see it) and the moderation queue: the
 * reports the viewer moderates (all of them for a platform admin, their bases' for a base's
 * administrators), open ones first, with the form to resolve or dismiss each; decided ones with
 * their trace. Every decision is also written to the audit log.
 */
#include "comptes/auth.h"
#include "comptes/comptes.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/log.h"
#include "core/mail.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "db/db.h"
#include "html/html.h"
#include "html/ui.h"
#include "ressources/pages.h"
#include "ressources/quality.h"
#include "ressources/quality_handlers.h"
#include "ressources/reports.h"
#include "site/shell.h"

#include <string.h>

#define REPORTS_PER_PAGE 20

/* Sends one e-mail per address; without SMTP nothing is sent (the queue and the pages say it all
 * the same), and a failure is logged, never shown: the report or decision is already stored. */
static void notify(struct http_request *req, const char *const *to, size_t n, const char *subject,
                   const char *body)
{
    const struct ctx *ctx = req->ctx;
    for (size_t i = 0; i < n; i++) {
        int rc = mail_send(ctx->cfg, to[i], subject, body);
        if (rc && rc != ERR_UNSUPPORTED)
            log_warn("signalements: the e-mail to a moderator or reporter failed (%s)",
                     err_name(rc));
    }
}

static int render_form(struct http_request *req, struct http_response *resp,
                       const struct ressource *r, const char *motif, const char *commentaire,
                       const struct ui_errors *errs, int status)
{
    struct arena *a = req->arena;
    struct buf b = rs_buf(req);
    ui_h1(&b, arena_printf(a, "Signaler « %s »", r->titre));
    ui_error_summary(&b, errs);
    ui_p(&b, "Votre signalement est lu par les modérateurs de Relais et les administrateurs de la "
             "base de la ressource. Vos nom et adresse ne sont pas montrés aux auteurs.");
    ui_form_begin(&b, arena_printf(a, "/ressources/%lld/signaler", (long long)r->id), "post",
                  auth_of(req)->csrf_token, false);
    struct ui_option opts[REPORT_N_MOTIFS];
    for (size_t i = 0; i < REPORT_N_MOTIFS; i++)
        opts[i] = (struct ui_option){report_motif_values[i], report_motif_labels[i],
                                     motif && strcmp(motif, report_motif_values[i]) == 0};
    ui_choices(&b,
               &(struct ui_field){.name = "motif",
                                  .label = "Quel est le problème ?",
                                  .error = ui_errors_for(errs, "motif"),
                                  .required = true},
               opts, REPORT_N_MOTIFS, false);
    ui_textarea(&b,
                &(struct ui_field){.name = "commentaire",
                                   .label = "Précisez",
                                   .hint = "Par exemple : le lien vers la démarche a changé ; la "
                                           "ressource en double. 2 000 caractères au plus.",
                                   .value = commentaire,
                                   .error = ui_errors_for(errs, "commentaire")},
                4);
    ui_button(&b, "Envoyer le signalement", UI_BUTTON_PRIMARY);
    ui_form_end(&b);
    quality_link(&b, "Revenir à la ressource", quality_ressource_path(a, r->id));
    return shell_render(req, resp,
                        &(struct shell_page){.title = "Signaler une ressource",
                                             .status = status,
                                             .notice = quality_notice(req)},
                        buf_cstr(&b));
}

int reports_page_form(struct http_request *req, struct http_response *resp)
{
    struct ressource r;
    int rc = rs_load_ressource(req, false, &r);
    if (rc)
        return rc;
    return render_form(req, resp, &r, NULL, NULL, &(struct ui_errors){0}, 200);
}

int reports_page_create(struct http_request *req, struct http_response *resp)
{
    struct ressource r;
    int rc = rs_load_ressource(req, false, &r);
    if (rc)
        return rc;
    const char *motif = http_param(&req->form, "motif");
    const char *commentaire = http_param(&req->form, "commentaire");
    struct ui_errors errs = {0};
    int64_t id;
    rc = reports_create(rs_db(req), req->arena, r.id, auth_of(req)->user_id, motif, commentaire,
                        &errs, &id);
    if (rc == ERR_INVALID)
        return render_form(req, resp, &r, motif, commentaire, &errs, 400);
    if (rc == ERR_CONFLICT)
        return http_fail(req, ERR_CONFLICT,
                         "Vous avez déjà signalé cette ressource : les modérateurs n'ont pas "
                         "encore traité votre signalement.",
                         NULL);
    if (rc)
        return rc;
    struct report made;
    const char **to;
    size_t n_to;
    if (reports_get(rs_db(req), req->arena, id, &made) == 0 &&
        reports_moderator_emails(rs_db(req), req->arena, &made, &to, &n_to) == 0) {
        const struct ctx *ctx = req->ctx;
        notify(req, to, n_to, "Relais : une ressource a été signalée",
               arena_printf(req->arena,
                            "Bonjour,\n\nLa ressource « %s » a été signalée (%s).\n%s%s%s\n"
                            "La file de modération : %s\n",
                            made.ressource_titre, report_motif_label(made.motif),
                            *made.commentaire ? "Commentaire : " : "", made.commentaire,
                            *made.commentaire ? "\n" : "",
                            mail_link(ctx->cfg, req->arena, "/moderation", "")));
    }
    http_redirect(
        resp, arena_printf(req->arena, "/ressources/%lld/signaler?ok=signale", (long long)r.id));
    return 0;
}

static void report_item(struct buf *b, struct http_request *req, const struct report *s)
{
    struct arena *a = req->arena;
    struct buf body;
    buf_init(&body, a, 64 * 1024);
    html_lit(&body, "<p><a href=\"");
    html_url(&body, quality_ressource_path(a, s->ressource_id));
    html_lit(&body, "\">");
    html_text(&body, arena_printf(a, "Voir la ressource « %s »", s->ressource_titre));
    html_lit(&body, "</a></p>");
    ui_p(&body, arena_printf(a, "Signalé le %s par %s.", rs_date(a, s->created_at),
                             s->user_name ? s->user_name : "un compte supprimé"));
    if (s->commentaire && *s->commentaire)
        ui_p(&body, arena_printf(a, "Commentaire : %s", s->commentaire));
    if (s->statut != REPORT_OUVERT) {
        ui_p(&body, arena_printf(a, "%s le %s par %s.", report_statut_label(s->statut),
                                 rs_date(a, s->traite_at),
                                 s->traite_par_nom ? s->traite_par_nom : "un compte supprimé"));
        if (s->note)
            ui_p(&body, arena_printf(a, "Note : %s", s->note));
    } else {
        ui_form_begin(&body, arena_printf(a, "/moderation/%lld", (long long)s->id), "post",
                      auth_of(req)->csrf_token, false);
        const struct ui_option opts[] = {
            {"resolu", "Résolu : la ressource a été corrigée, retirée ou les auteurs prévenus",
             false},
            {"rejete", "Rejeté : le signalement n'est pas fondé", false},
        };
        /* Each report's fields get their own ids: several forms share the page. */
        ui_choices(&body,
                   &(struct ui_field){.name = arena_printf(a, "decision-%lld", (long long)s->id),
                                      .label = "Décision",
                                      .required = true},
                   opts, 2, false);
        ui_textarea(&body,
                    &(struct ui_field){.name = arena_printf(a, "note-%lld", (long long)s->id),
                                       .label = "Note gardée avec la décision"},
                    2);
        ui_button(&body, "Enregistrer la décision", UI_BUTTON_PRIMARY);
        ui_form_end(&body);
    }
    ui_card_at(b, 3,
               arena_printf(a, "%s : « %s »", report_motif_label(s->motif), s->ressource_titre),
               NULL, buf_cstr(&body));
}

int reports_page_queue(struct http_request *req, struct http_response *resp)
{
    struct arena *a = req->arena;
    struct db *db = rs_db(req);
    const struct auth *au = auth_of(req);
    if (!reports_is_moderator(db, au))
        return http_fail(req, ERR_FORBIDDEN,
                         "La modération est réservée aux administrateurs de la plateforme et aux "
                         "administrateurs de bases.",
                         NULL);
    const char *etat = http_param(&req->query, "etat");
    enum report_statut statut = etat && strcmp(etat, "resolu") == 0   ? REPORT_RESOLU
                                : etat && strcmp(etat, "rejete") == 0 ? REPORT_REJETE
                                                                      : REPORT_OUVERT;
    int64_t page = rs_page_number(req);
    struct report *list;
    size_t n;
    int64_t total;
    int rc = reports_queue(db, a, au, statut, (page - 1) * REPORTS_PER_PAGE, REPORTS_PER_PAGE,
                           &list, &n, &total);
    if (rc)
        return rc;
    struct buf b = rs_buf(req);
    ui_h1(&b, "Modération des ressources");
    ui_p(&b, auth_has(au, ROLE_ADMIN)
                 ? "Les signalements de toutes les ressources."
                 : "Les signalements des ressources des bases que vous administrez.");
    ui_prose_begin(&b);
    html_lit(&b, "<ul>");
    const enum report_statut tabs[] = {REPORT_OUVERT, REPORT_RESOLU, REPORT_REJETE};
    const char *const tab_labels[] = {"Signalements à traiter", "Résolus", "Rejetés"};
    for (size_t i = 0; i < 3; i++) {
        html_lit(&b, "<li>");
        if (tabs[i] == statut) {
            html_lit(&b, "<strong>");
            html_text(&b, tab_labels[i]);
            html_lit(&b, "</strong>");
        } else {
            html_lit(&b, "<a href=\"/moderation?etat=");
            html_url_part(&b, report_statut_value(tabs[i]));
            html_lit(&b, "\">");
            html_text(&b, tab_labels[i]);
            html_lit(&b, "</a>");
        }
        html_lit(&b, "</li>");
    }
    html_lit(&b, "</ul>");
    ui_prose_end(&b);
    ui_h2(&b, arena_printf(a, "%s : %lld",
                           tab_labels[statut == REPORT_OUVERT   ? 0
                                      : statut == REPORT_RESOLU ? 1
                                                                : 2],
                           (long long)total));
    if (total == 0)
        ui_p(&b, statut == REPORT_OUVERT ? "Aucun signalement à traiter." : "Aucun.");
    for (size_t i = 0; i < n; i++)
        report_item(&b, req, &list[i]);
    ui_pagination(&b, arena_printf(a, "/moderation?etat=%s", report_statut_value(statut)), page,
                  (total + REPORTS_PER_PAGE - 1) / REPORTS_PER_PAGE);
    return shell_render(req, resp,
                        &(struct shell_page){.title = "Modération", .notice = quality_notice(req)},
                        buf_cstr(&b));
}

int reports_page_decide(struct http_request *req, struct http_response *resp)
{
    struct arena *a = req->arena;
    struct db *db = rs_db(req);
    const struct auth *au = auth_of(req);
    struct report s;
    int64_t id = rs_path_id(req, "id");
    int rc = id ? reports_get(db, a, id, &s) : ERR_NOT_FOUND;
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND, "Ce signalement n'existe pas.", NULL);
    if (rc)
        return rc;
    if (!reports_can_moderate(db, au, &s))
        return http_fail(req, ERR_FORBIDDEN,
                         "Ce signalement concerne une ressource d'une base que vous "
                         "n'administrez pas.",
                         NULL);
    const char *decision = http_param(&req->form, arena_printf(a, "decision-%lld", (long long)id));
    if (!decision)
        decision = http_param(&req->form, "decision");
    enum report_statut statut;
    if (decision && strcmp(decision, "resolu") == 0)
        statut = REPORT_RESOLU;
    else if (decision && strcmp(decision, "rejete") == 0)
        statut = REPORT_REJETE;
    else
        return http_fail(req, ERR_INVALID, "Décision : choisissez « Résolu » ou « Rejeté ».",
                         "decision");
    const char *note = http_param(&req->form, arena_printf(a, "note-%lld", (long long)id));
    if (!note)
        note = http_param(&req->form, "note");
    note = str_dup(str_trim(str_from(note)), a);
    if (quality_chars(note) > LIMIT_REPORT_COMMENT_CHARS)
        return http_fail(req, ERR_INVALID, "Note : 2 000 caractères au plus.", "note");
    rc = reports_decide(db, s.id, statut, au->user_id, note);
    if (rc == ERR_CONFLICT)
        return http_fail(req, ERR_CONFLICT, "Ce signalement a déjà été traité.", NULL);
    if (rc)
        return rc;
    audit_record(db, au->user_id, NULL,
                 statut == REPORT_RESOLU ? "signalement_resolu" : "signalement_rejete",
                 arena_printf(a, "ressource:%lld", (long long)s.ressource_id),
                 arena_printf(a, "signalement %lld (%s)%s%s", (long long)s.id, s.motif,
                              *note ? " : " : "", note));
    const char *to;
    if (reports_reporter_email(db, a, &s, &to) == 0) {
        notify(req, &to, 1, "Relais : votre signalement a été traité",
               arena_printf(a,
                            "Bonjour,\n\nVotre signalement de la ressource « %s » (%s) a été "
                            "%s par les modérateurs.%s%s\n\nMerci de votre aide.\n",
                            s.ressource_titre, report_motif_label(s.motif),
                            statut == REPORT_RESOLU ? "traité : la ressource a été revue"
                                                    : "examiné et n'a pas été retenu",
                            *note ? "\n\nLeur note : " : "", note));
    }
    http_redirect(resp, "/moderation?ok=traite");
    return 0;
}
