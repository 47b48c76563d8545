/*
 * « Signaler une erreur »: anyone, signed in or not, may tell the people who manage a lieu that
 * something on its page is wrong (hours that changed, a moved office, a closed place). The report
 * is stored for them and listed on the lieu's editing page; when an SMTP server is configured, the
 * administrators of the lieu's structure also get it by e-mail. A report is text only, of bounded
 * length, and one address may send LIMIT_SIGNALEMENTS_PER_IP of them per quarter of an hour: the
 * form is public, and must not become a way to flood a mailbox.
 */
#include "comptes/auth.h"
#include "comptes/comptes.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/mail.h"
#include "core/str.h"
#include "html/html.h"
#include "html/ui.h"
#include "lieux/lieu.h"
#include "lieux/pages_common.h"
#include "lieux/pages_handlers.h"
#include "lieux/store.h"
#include "site/shell.h"

#include <string.h>

#define STRINGIFY2(x) #x
#define STRINGIFY(x) STRINGIFY2(x)

struct report_form {
    const char *message, *courriel;
};

static const char *nom_of(const struct lieu_record *rec)
{
    return rec->row.v[LF_NOM] ? rec->row.v[LF_NOM] : "ce lieu";
}

static int render_report_form(struct http_request *req, struct http_response *resp,
                              const struct lieu_record *rec, const struct report_form *f,
                              const struct ui_errors *errs, int status)
{
    struct arena *a = req->arena;
    struct buf b = lieux_page_buf(req);
    ui_h1(&b, arena_printf(a, "Signaler une erreur sur « %s »", nom_of(rec)));
    ui_p(&b, "Une information de cette fiche est fausse ou manque (horaires, adresse, contact, "
             "services) ? Dites-le : votre message est transmis aux personnes qui gèrent ce lieu, "
             "qui pourront corriger la fiche.");
    ui_error_summary(&b, errs);
    ui_form_begin(&b, arena_printf(a, "/lieux/%lld/signaler", (long long)rec->id), "post",
                  auth_of(req)->csrf_token, false);
    ui_textarea(&b,
                &(struct ui_field){.name = "message",
                                   .label = "Qu'est-ce qui est faux ou manque ?",
                                   .hint = "Par exemple : « Le lieu est fermé le mercredi depuis "
                                           "septembre. » " STRINGIFY(
                                               LIMIT_SIGNALEMENT_CHARS) " caractères au plus.",
                                   .value = f->message,
                                   .error = ui_errors_for(errs, "message"),
                                   .required = true},
                5);
    ui_input(&b, &(struct ui_field){.name = "courriel",
                                    .label = "Votre adresse e-mail (facultatif)",
                                    .hint = "Pour qu'on puisse vous répondre. Seules les personnes "
                                            "qui gèrent ce lieu la verront.",
                                    .value = f->courriel,
                                    .error = ui_errors_for(errs, "courriel"),
                                    .type = UI_EMAIL,
                                    .autocomplete = "email"});
    ui_button(&b, "Envoyer le signalement", UI_BUTTON_PRIMARY);
    ui_form_end(&b);
    ui_link(&b, "Revenir à la fiche du lieu", arena_printf(a, "/lieux/%lld", (long long)rec->id));
    return shell_render(req, resp,
                        &(struct shell_page){.title = "Signaler une erreur", .status = status},
                        buf_cstr(&b));
}

int lieux_page_report_form(struct http_request *req, struct http_response *resp)
{
    struct lieu_record rec;
    int rc = lieux_load(req, &rec);
    if (rc)
        return rc;
    struct report_form f = {NULL, NULL};
    struct ui_errors errs = {0};
    return render_report_form(req, resp, &rec, &f, &errs, 200);
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static const char *trimmed(struct arena *a, const char *s)
{
    if (!s)
        return NULL;
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        n--;
    return n ? arena_strndup(a, s, n) : NULL;
}

/* The administrators of the lieu's structure, by e-mail; nothing without an SMTP server. */
static void mail_managers(struct http_request *req, const struct lieu_record *rec,
                          const char *message, const char *courriel)
{
    const struct ctx *ctx = req->ctx;
    if (!rec->structure_id || !ctx->cfg || !ctx->cfg->smtp_url)
        return;
    struct member *m;
    size_t n;
    if (structure_members(ctx->db, req->arena, rec->structure_id, &m, &n))
        return;
    const char *link = mail_link(ctx->cfg, req->arena, "/lieux/",
                                 arena_printf(req->arena, "%lld/modifier", (long long)rec->id));
    const char *body = arena_printf(
        req->arena,
        "Bonjour,\n\nQuelqu'un signale une erreur sur la fiche du lieu « %s » dans Relais :\n\n%s"
        "\n\n%s\n\nLe signalement est aussi listé sur la page de modification du lieu :\n%s\n",
        nom_of(rec), message,
        courriel ? arena_printf(req->arena, "Adresse laissée pour répondre : %s", courriel)
                 : "La personne n'a pas laissé d'adresse.",
        link);
    const char *subject = arena_printf(req->arena, "Relais : erreur signalée sur « %s »", nom_of(rec));
    for (size_t i = 0; i < n; i++)
        if (m[i].role == ROLE_ADMIN_STRUCTURE && !m[i].pending && m[i].email &&
            mail_send(ctx->cfg, m[i].email, subject, body) != 0)
            log_warn("lieu %lld: the report could not be sent to user %lld", (long long)rec->id,
                     (long long)m[i].user_id);
}

int lieux_page_report(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct arena *a = req->arena;
    struct lieu_record rec;
    int rc = lieux_load(req, &rec);
    if (rc)
        return rc;
    struct report_form f = {http_param(&req->form, "message"), http_param(&req->form, "courriel")};
    struct ui_errors errs = {0};
    const char *message = trimmed(a, f.message), *courriel = trimmed(a, f.courriel);
    if (!message)
        ui_errors_add(&errs, "message",
                      "Message : écrivez ce qui est faux ou manque sur la fiche (champ obligatoire).");
    else if (utf8_chars(message) > LIMIT_SIGNALEMENT_CHARS)
        ui_errors_add(&errs, "message",
                      arena_printf(a, "Message : %zu caractères, " STRINGIFY(
                                          LIMIT_SIGNALEMENT_CHARS) " au plus.",
                                   utf8_chars(message)));
    const char *address = courriel ? email_normalize(a, courriel) : NULL;
    if (courriel && !address)
        ui_errors_add(&errs, "courriel",
                      "Adresse e-mail : elle doit ressembler à nom@exemple.fr, ou rester vide.");
    if (errs.n)
        return render_report_form(req, resp, &rec, &f, &errs, 400);
    const char *ip = arena_printf(a, "signalement:ip:%s", req->remote_ip ? req->remote_ip : "?");
    rc = throttle_check(ctx->db, ip, LIMIT_SIGNALEMENTS_PER_IP);
    if (rc == ERR_TOO_MANY) {
        ui_errors_add(&errs, "message",
                      "Trop de signalements envoyés depuis votre connexion : réessayez dans un "
                      "quart d'heure.");
        return render_report_form(req, resp, &rec, &f, &errs, 429);
    }
    if (rc)
        return rc;
    throttle_record(ctx->db, ip);
    if ((rc = lieu_signalement_add(ctx->db, &rec, message, address, auth_of(req)->user_id)))
        return rc;
    mail_managers(req, &rec, message, address);
    http_redirect(resp, arena_printf(a, "/lieux/%lld?ok=signale", (long long)rec.id));
    return 0;
}

void lieux_reports_section(struct buf *b, struct http_request *req, const struct lieu_record *rec)
{
    const struct ctx *ctx = req->ctx;
    struct arena *a = req->arena;
    enum { PER_PAGE = 20 };
    int64_t page = 1, total;
    const char *p = http_param(&req->query, "page");
    if (p && (cstr_to_int64(p, &page) || page < 1))
        page = 1;
    struct lieu_signalement *s;
    size_t n;
    ui_h2(b, "Erreurs signalées");
    if (lieu_signalements(ctx->db, a, rec->id, PER_PAGE, (page - 1) * PER_PAGE, &s, &n, &total)) {
        ui_p(b, "Les signalements n'ont pas pu être lus.");
        return;
    }
    if (total == 0) {
        ui_p(b, "Personne n'a signalé d'erreur sur cette fiche.");
        return;
    }
    ui_p(b, arena_printf(a,
                         "%lld signalement%s, reçu%s depuis la fiche publique du lieu (« Signaler "
                         "une erreur »), du plus récent au plus ancien.",
                         (long long)total, total > 1 ? "s" : "", total > 1 ? "s" : ""));
    static const char *const head[] = {"Reçu le", "Message", "Adresse pour répondre"};
    struct ui_table t = {"Erreurs signalées sur cette fiche", head, 3, false};
    ui_table_begin(b, &t);
    for (size_t i = 0; i < n; i++) {
        const char *cells[] = {lieux_time_fr(a, (time_t)s[i].at), s[i].message,
                               s[i].courriel ? s[i].courriel : "(aucune)"};
        ui_table_row(b, &t, cells);
    }
    ui_table_end(b);
    ui_pagination(b, arena_printf(a, "/lieux/%lld/modifier", (long long)rec->id), page,
                  (total + PER_PAGE - 1) / PER_PAGE);
}
