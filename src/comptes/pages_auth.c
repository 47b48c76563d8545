/* Pages of signing in and out, password reset, invitations, the dashboard and the account page. */
#include "comptes/auth.h"
#include "comptes/comptes.h"
#include "comptes/handlers.h"
#include "comptes/password.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/mail.h"
#include "core/str.h"
#include "db/db.h"
#include "html/html.h"
#include "html/ui.h"
#include "site/shell.h"

#include <string.h>

#define COOKIE_SESSION "relais_session"

static struct buf page_buf(struct http_request *req)
{
    struct buf b;
    buf_init(&b, req->arena, LIMIT_PAGE_BYTES);
    return b;
}

/* A local path to go back to after signing in, or the dashboard. Never another site. */
static const char *safe_return(const char *retour)
{
    if (!retour || retour[0] != '/' || retour[1] == '/' || retour[1] == '\\' ||
        strpbrk(retour, "\r\n"))
        return "/tableau-de-bord";
    return retour;
}

static void set_session_cookie(struct http_request *req, struct http_response *resp,
                               const char *token)
{
    const struct ctx *ctx = req->ctx;
    struct http_cookie_opts o = {.http_only = true, .secure = config_https(ctx->cfg),
                                 .max_age = token ? 0 : -1};
    http_resp_cookie(resp, COOKIE_SESSION, token ? token : "", &o);
}

/* Opens a new session for user_id, closing the one the request came with (rotation at sign-in). */
static int sign_in(struct http_request *req, struct http_response *resp, int64_t user_id)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *a = auth_of(req);
    if (a->session_hash)
        session_destroy(ctx->db, a->session_hash);
    char *token;
    int rc = session_create(ctx->db, req->arena, user_id, &token);
    if (rc)
        return rc;
    set_session_cookie(req, resp, token);
    user_touch_login(ctx->db, user_id);
    return 0;
}

static int render_login(struct http_request *req, struct http_response *resp,
                        const struct ui_errors *errs, const char *email, int status,
                        const char *notice)
{
    const struct auth *a = auth_of(req);
    struct buf b = page_buf(req);
    ui_h1(&b, "Se connecter");
    ui_error_summary(&b, errs);
    ui_form_begin(&b, "/connexion", "post", a->csrf_token, false);
    const char *retour = http_param(&req->form, "retour");
    if (!retour)
        retour = http_param(&req->query, "retour");
    html_lit(&b, "<input type=\"hidden\" name=\"retour\" value=\"");
    html_attr(&b, safe_return(retour));
    html_lit(&b, "\">");
    ui_input(&b, &(struct ui_field){.name = "email", .label = "Adresse e-mail", .value = email,
                                    .error = ui_errors_for(errs, "email"), .type = UI_EMAIL,
                                    .autocomplete = "username", .required = true});
    ui_input(&b, &(struct ui_field){.name = "password", .label = "Mot de passe",
                                    .error = ui_errors_for(errs, "password"),
                                    .type = UI_PASSWORD, .autocomplete = "current-password",
                                    .required = true});
    ui_button(&b, "Se connecter", UI_BUTTON_PRIMARY);
    ui_form_end(&b);
    ui_p(&b, "Vous avez oublié votre mot de passe ?");
    ui_link(&b, "Recevoir un lien pour le changer", "/mot-de-passe-oublie");
    return shell_render(req, resp, &(struct shell_page){.title = "Se connecter", .status = status,
                                                        .notice = notice},
                        buf_cstr(&b));
}

int page_login_form(struct http_request *req, struct http_response *resp)
{
    if (auth_signed_in(auth_of(req))) {
        http_redirect(resp, safe_return(http_param(&req->query, "retour")));
        return 0;
    }
    const char *ok = http_param(&req->query, "ok");
    const char *notice = NULL;
    if (ok && strcmp(ok, "mot-de-passe") == 0)
        notice = "Votre mot de passe a été changé. Connectez-vous avec le nouveau.";
    else if (ok && strcmp(ok, "deconnexion") == 0)
        notice = "Vous êtes déconnecté.";
    struct ui_errors errs = {0};
    return render_login(req, resp, &errs, NULL, 200, notice);
}

int page_login(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const char *email = http_param(&req->form, "email");
    const char *password = http_param(&req->form, "password");
    struct ui_errors errs = {0};
    if (!email || !*email)
        ui_errors_add(&errs, "email", "Saisissez votre adresse e-mail.");
    if (!password || !*password)
        ui_errors_add(&errs, "password", "Saisissez votre mot de passe.");
    if (errs.n)
        return render_login(req, resp, &errs, email, 400, NULL);

    const char *norm = email_normalize(req->arena, email);
    const char *acct = arena_printf(req->arena, "compte:%s", norm ? norm : email);
    const char *ip = arena_printf(req->arena, "ip:%s", req->remote_ip ? req->remote_ip : "?");
    int rc = throttle_check(ctx->db, acct, LIMIT_LOGIN_FAILURES_ACCOUNT);
    if (rc == 0)
        rc = throttle_check(ctx->db, ip, LIMIT_LOGIN_FAILURES_IP);
    if (rc == ERR_TOO_MANY) {
        ui_errors_add(&errs, "email",
                      "Trop de tentatives de connexion. Réessayez dans 15 minutes, ou changez "
                      "votre mot de passe avec le lien ci-dessous.");
        return render_login(req, resp, &errs, email, 429, NULL);
    }
    if (rc)
        return rc;

    struct user u = {0};
    rc = user_find_by_email(ctx->db, req->arena, email, &u);
    if (rc && rc != ERR_NOT_FOUND)
        return rc;
    bool ok = password_verify(rc == 0 ? u.password_hash : NULL, password) && !u.disabled;
    if (!ok) {
        throttle_record(ctx->db, acct);
        throttle_record(ctx->db, ip);
        ui_errors_add(&errs, "email", "L'adresse e-mail ou le mot de passe est incorrect.");
        return render_login(req, resp, &errs, email, 400, NULL);
    }
    throttle_clear(ctx->db, acct);
    if ((rc = sign_in(req, resp, u.id)))
        return rc;
    audit_record(ctx->db, u.id, NULL, "connexion", arena_printf(req->arena, "user:%lld",
                                                                 (long long)u.id), NULL);
    http_redirect(resp, safe_return(http_param(&req->form, "retour")));
    return 0;
}

int page_logout(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *a = auth_of(req);
    if (a->session_hash) {
        int rc = session_destroy(ctx->db, a->session_hash);
        if (rc)
            return rc;
    }
    set_session_cookie(req, resp, NULL);
    http_redirect(resp, "/connexion?ok=deconnexion");
    return 0;
}

static int render_forgot(struct http_request *req, struct http_response *resp,
                         const struct ui_errors *errs, const char *email, int status,
                         const char *notice)
{
    struct buf b = page_buf(req);
    ui_h1(&b, "Mot de passe oublié");
    ui_error_summary(&b, errs);
    ui_p(&b, "Saisissez l'adresse e-mail de votre compte : vous recevrez un lien valable une heure "
             "pour choisir un nouveau mot de passe.");
    ui_form_begin(&b, "/mot-de-passe-oublie", "post", auth_of(req)->csrf_token, false);
    ui_input(&b, &(struct ui_field){.name = "email", .label = "Adresse e-mail", .value = email,
                                    .error = ui_errors_for(errs, "email"), .type = UI_EMAIL,
                                    .autocomplete = "email", .required = true});
    ui_button(&b, "Recevoir le lien", UI_BUTTON_PRIMARY);
    ui_form_end(&b);
    return shell_render(req, resp, &(struct shell_page){.title = "Mot de passe oublié",
                                                        .status = status, .notice = notice},
                        buf_cstr(&b));
}

int page_forgot_form(struct http_request *req, struct http_response *resp)
{
    struct ui_errors errs = {0};
    return render_forgot(req, resp, &errs, NULL, 200, NULL);
}

int page_forgot(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const char *email = http_param(&req->form, "email");
    struct ui_errors errs = {0};
    if (!email_normalize(req->arena, email)) {
        ui_errors_add(&errs, "email",
                      "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.");
        return render_forgot(req, resp, &errs, email, 400, NULL);
    }
    const char *ip = arena_printf(req->arena, "ip:%s", req->remote_ip ? req->remote_ip : "?");
    int rc = throttle_check(ctx->db, ip, LIMIT_LOGIN_FAILURES_IP);
    if (rc == ERR_TOO_MANY) {
        ui_errors_add(&errs, "email", "Trop de demandes. Réessayez dans 15 minutes.");
        return render_forgot(req, resp, &errs, email, 429, NULL);
    }
    /* Each request counts, so that the form cannot be used to flood a mailbox. */
    throttle_record(ctx->db, ip);
    struct user u;
    rc = user_find_by_email(ctx->db, req->arena, email, &u);
    if (rc == 0 && !u.disabled) {
        char *token;
        if ((rc = link_create(ctx->db, req->arena, u.id, LINK_RESET, &token)))
            return rc;
        const char *link = mail_link(ctx->cfg, req->arena, "/reinitialiser/", token);
        const char *body = arena_printf(
            req->arena,
            "Bonjour %s,\n\nPour choisir un nouveau mot de passe Relais, ouvrez ce lien (valable "
            "une heure) :\n%s\n\nSi vous n'avez rien demandé, ignorez ce message : votre mot de "
            "passe ne change pas.\n",
            u.name, link);
        if (mail_send(ctx->cfg, u.email, "Relais : changer votre mot de passe", body))
            log_warn("password reset for user %lld: no mail sent (SMTP not configured or "
                     "failed); `relais user reset` prints a link",
                     (long long)u.id);
    } else if (rc && rc != ERR_NOT_FOUND) {
        return rc;
    }
    /* The same answer whether the account exists or not. */
    struct ui_errors none = {0};
    return render_forgot(req, resp, &none, NULL, 200,
                         "Si un compte existe avec cette adresse, un lien pour changer le mot de "
                         "passe vient d'y être envoyé.");
}

/* A new password, typed twice: the reset, invitation and account forms. */
static void new_password_fields(struct buf *b, const struct ui_errors *errs)
{
    ui_input(b, &(struct ui_field){.name = "password", .label = "Nouveau mot de passe",
                                   .hint = "Au moins 12 caractères. Une phrase facile à retenir "
                                           "convient très bien.",
                                   .error = ui_errors_for(errs, "password"), .type = UI_PASSWORD,
                                   .autocomplete = "new-password", .required = true});
    ui_input(b, &(struct ui_field){.name = "confirmation", .label = "Confirmez le mot de passe",
                                   .error = ui_errors_for(errs, "confirmation"),
                                   .type = UI_PASSWORD, .autocomplete = "new-password",
                                   .required = true});
}

/* Reset and invitation share one form: choose a password (twice). */
static int render_password_form(struct http_request *req, struct http_response *resp,
                                const char *title, const char *intro, const char *action,
                                const struct ui_errors *errs, int status)
{
    struct buf b = page_buf(req);
    ui_h1(&b, title);
    ui_error_summary(&b, errs);
    ui_p(&b, intro);
    ui_form_begin(&b, action, "post", auth_of(req)->csrf_token, false);
    new_password_fields(&b, errs);
    ui_button(&b, "Enregistrer le mot de passe", UI_BUTTON_PRIMARY);
    ui_form_end(&b);
    return shell_render(req, resp, &(struct shell_page){.title = title, .status = status},
                        buf_cstr(&b));
}

/* Checks the two password fields; true when they can be used. */
static bool new_password_ok(struct http_request *req, struct ui_errors *errs)
{
    const char *pw = http_param(&req->form, "password");
    const char *confirm = http_param(&req->form, "confirmation");
    const char *why = password_rule_violation(pw);
    if (why)
        ui_errors_add(errs, "password", why);
    else if (!confirm || strcmp(pw, confirm) != 0)
        ui_errors_add(errs, "confirmation", "Les deux mots de passe ne sont pas identiques.");
    return errs->n == 0;
}

static int link_page(struct http_request *req, struct http_response *resp, enum link_kind kind,
                     bool submit)
{
    const struct ctx *ctx = req->ctx;
    const char *token = http_path_param(req, "token");
    int64_t uid;
    int rc = link_lookup(ctx->db, req->arena, token, kind, &uid);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND,
                         "Ce lien n'est pas valide : il a peut-être expiré ou déjà servi. "
                         "Demandez-en un nouveau.",
                         NULL);
    if (rc)
        return rc;
    bool invitation = kind == LINK_INVITATION;
    const char *title = invitation ? "Activer votre compte" : "Choisir un nouveau mot de passe";
    const char *intro = invitation ? "Bienvenue sur Relais. Choisissez le mot de passe de votre "
                                     "compte pour l'activer."
                                   : "Choisissez votre nouveau mot de passe.";
    const char *action = arena_printf(req->arena, "%s%s",
                                      invitation ? "/invitation/" : "/reinitialiser/", token);
    struct ui_errors errs = {0};
    if (!submit)
        return render_password_form(req, resp, title, intro, action, &errs, 200);
    if (!new_password_ok(req, &errs))
        return render_password_form(req, resp, title, intro, action, &errs, 400);
    if ((rc = db_begin(ctx->db)))
        return rc;
    rc = link_use(ctx->db, req->arena, token);
    if (rc == 0)
        rc = user_set_password(ctx->db, req->arena, uid, http_param(&req->form, "password"));
    if (rc == 0)
        rc = sessions_destroy_user(ctx->db, uid);
    if (rc == 0)
        rc = db_commit(ctx->db);
    if (rc) {
        db_rollback(ctx->db);
        return rc == ERR_NOT_FOUND ? http_fail(req, ERR_NOT_FOUND, "Ce lien a déjà servi.", NULL)
                                   : rc;
    }
    audit_record(ctx->db, uid, NULL, invitation ? "invitation_acceptee" : "mot_de_passe_change",
                 arena_printf(req->arena, "user:%lld", (long long)uid), NULL);
    if (invitation) {
        if ((rc = sign_in(req, resp, uid)))
            return rc;
        http_redirect(resp, "/tableau-de-bord?ok=bienvenue");
    } else {
        set_session_cookie(req, resp, NULL);
        http_redirect(resp, "/connexion?ok=mot-de-passe");
    }
    return 0;
}

int page_reset_form(struct http_request *req, struct http_response *resp)
{
    return link_page(req, resp, LINK_RESET, false);
}

int page_reset(struct http_request *req, struct http_response *resp)
{
    return link_page(req, resp, LINK_RESET, true);
}

int page_invitation_form(struct http_request *req, struct http_response *resp)
{
    return link_page(req, resp, LINK_INVITATION, false);
}

int page_invitation(struct http_request *req, struct http_response *resp)
{
    return link_page(req, resp, LINK_INVITATION, true);
}

int page_dashboard(struct http_request *req, struct http_response *resp)
{
    const struct auth *a = auth_of(req);
    struct buf b = page_buf(req);
    ui_h1(&b, arena_printf(req->arena, "Bonjour %s", a->name));
    ui_p(&b, arena_printf(req->arena, "Vos rôles : %s.", auth_role_label(a, req->arena)));
    if (a->n_memberships) {
        ui_h2(&b, "Vos structures");
        static const char *const head[] = {"Structure", "Département", "Rôle"};
        struct ui_table t = {.caption = "Structures dont vous êtes membre", .head = head,
                             .n_cols = 3};
        ui_table_begin(&b, &t);
        for (size_t i = 0; i < a->n_memberships; i++) {
            const struct auth_membership *m = &a->memberships[i];
            const char *cells[] = {m->structure_nom, m->departement, role_label(m->role)};
            ui_table_row_link(&b, &t,
                              arena_printf(req->arena, "/structures/%lld",
                                           (long long)m->structure_id),
                              cells);
        }
        ui_table_end(&b);
    }
    if (a->n_departements) {
        ui_h2(&b, "Vos départements");
        ui_p(&b, "Vous coordonnez le réseau de ces départements : vous pouvez y créer des "
                 "structures et inviter leurs administrateurs.");
        for (size_t i = 0; i < a->n_departements; i++)
            ui_tag(&b, a->departements[i], UI_TAG_BLUE);
    }
    if (!a->n_memberships && !a->n_departements && !(a->roles & ROLE_ADMIN))
        ui_notice(&b, UI_NOTICE_INFO, "Aucun rôle pour l'instant",
                  "Votre compte n'est rattaché à aucune structure. Demandez à l'administrateur "
                  "de votre structure ou à votre coordinateur de vous y ajouter.");
    const char *ok = http_param(&req->query, "ok");
    const char *notice = (ok && strcmp(ok, "bienvenue") == 0)
                             ? "Votre compte est activé. Bienvenue sur Relais."
                             : NULL;
    return shell_render(req, resp, &(struct shell_page){.title = "Tableau de bord",
                                                        .notice = notice},
                        buf_cstr(&b));
}

static int render_account(struct http_request *req, struct http_response *resp,
                          const struct ui_errors *errs, int status, const char *notice)
{
    const struct auth *a = auth_of(req);
    struct buf b = page_buf(req);
    ui_h1(&b, "Mon compte");
    ui_error_summary(&b, errs);
    static const char *const head[] = {"Information", "Valeur"};
    struct ui_table t = {.caption = "Votre compte", .head = head, .n_cols = 2};
    ui_table_begin(&b, &t);
    ui_table_row(&b, &t, (const char *[]){"Nom", a->name});
    ui_table_row(&b, &t, (const char *[]){"Adresse e-mail", a->email});
    ui_table_row(&b, &t, (const char *[]){"Rôles", auth_role_label(a, req->arena)});
    ui_table_end(&b);
    ui_h2(&b, "Changer de mot de passe");
    ui_form_begin(&b, "/compte/mot-de-passe", "post", a->csrf_token, false);
    ui_input(&b, &(struct ui_field){.name = "actuel", .label = "Mot de passe actuel",
                                    .error = ui_errors_for(errs, "actuel"), .type = UI_PASSWORD,
                                    .autocomplete = "current-password", .required = true});
    new_password_fields(&b, errs);
    ui_button(&b, "Changer le mot de passe", UI_BUTTON_PRIMARY);
    ui_form_end(&b);
    return shell_render(req, resp, &(struct shell_page){.title = "Mon compte", .status = status,
                                                        .notice = notice},
                        buf_cstr(&b));
}

int page_account(struct http_request *req, struct http_response *resp)
{
    struct ui_errors errs = {0};
    const char *ok = http_param(&req->query, "ok");
    return render_account(req, resp, &errs, 200,
                          ok && strcmp(ok, "mot-de-passe") == 0 ? "Votre mot de passe a été changé."
                                                                : NULL);
}

int page_account_password(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *a = auth_of(req);
    struct ui_errors errs = {0};
    struct user u;
    int rc = user_get(ctx->db, req->arena, a->user_id, &u);
    if (rc)
        return rc;
    if (!password_verify(u.password_hash, http_param(&req->form, "actuel")))
        ui_errors_add(&errs, "actuel", "Le mot de passe actuel est incorrect.");
    if (errs.n || !new_password_ok(req, &errs))
        return render_account(req, resp, &errs, 400, NULL);
    if ((rc = user_set_password(ctx->db, req->arena, u.id, http_param(&req->form, "password"))))
        return rc;
    /* Other devices are signed out; this one gets a fresh session. */
    if ((rc = sessions_destroy_user(ctx->db, u.id)) || (rc = sign_in(req, resp, u.id)))
        return rc;
    audit_record(ctx->db, u.id, NULL, "mot_de_passe_change",
                 arena_printf(req->arena, "user:%lld", (long long)u.id), NULL);
    http_redirect(resp, "/compte?ok=mot-de-passe");
    return 0;
}
