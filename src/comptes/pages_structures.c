/* Pages of structures (list, creation, members, API tokens) and of the platform's users. */
#include "comptes/auth.h"
#include "comptes/comptes.h"
#include "comptes/handlers.h"
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

#define USERS_PER_PAGE 50
#define STRUCTURES_PER_PAGE 50

static struct buf page_buf(struct http_request *req)
{
    struct buf b;
    buf_init(&b, req->arena, LIMIT_PAGE_BYTES);
    return b;
}

/* The structure named by the {id} path parameter. */
static int load_structure(struct http_request *req, const char *param, struct structure *s)
{
    int64_t id;
    if (cstr_to_int64(http_path_param(req, param), &id) || id <= 0)
        return http_fail(req, ERR_NOT_FOUND, "Cette structure n'existe pas.", NULL);
    const struct ctx *ctx = req->ctx;
    int rc = structure_get(ctx->db, req->arena, id, s);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND, "Cette structure n'existe pas.", NULL);
    return rc;
}

static const char *structure_href(struct arena *a, int64_t id, const char *suffix)
{
    return arena_printf(a, "/structures/%lld%s", (long long)id, suffix ? suffix : "");
}

int page_structures(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *a = auth_of(req);
    int64_t after = 0;
    const char *apres = http_param(&req->query, "apres");
    if (apres && (cstr_to_int64(apres, &after) || after < 0))
        return http_fail(req, ERR_INVALID, "Le paramètre « apres » doit être un nombre entier.",
                         "apres");
    struct buf b = page_buf(req);
    ui_h1(&b, "Structures");
    if (auth_has(a, ROLE_ADMIN | ROLE_COORDINATEUR))
        ui_button_link(&b, "Créer une structure", "/structures/nouvelle", UI_BUTTON_SECONDARY);

    struct structure *list = NULL;
    size_t n = 0;
    int rc = 0;
    if (auth_has(a, ROLE_ADMIN)) {
        rc = structure_list(ctx->db, req->arena, NULL, 0, after, STRUCTURES_PER_PAGE + 1, &list,
                            &n);
    } else if (auth_has(a, ROLE_COORDINATEUR)) {
        rc = structure_list(ctx->db, req->arena, a->departements, a->n_departements, after,
                            STRUCTURES_PER_PAGE + 1, &list, &n);
    }
    if (rc)
        return rc;
    /* An administrator of structures sees their own, whatever their département. */
    if (!auth_has(a, ROLE_ADMIN | ROLE_COORDINATEUR)) {
        list = arena_calloc(req->arena, a->n_memberships + 1, sizeof(*list));
        for (size_t i = 0; i < a->n_memberships; i++) {
            const struct auth_membership *m = &a->memberships[i];
            if (m->role != ROLE_ADMIN_STRUCTURE || m->structure_id <= after)
                continue;
            if ((rc = structure_get(ctx->db, req->arena, m->structure_id, &list[n])))
                return rc;
            n++;
        }
    }
    bool more = n > STRUCTURES_PER_PAGE;
    if (more)
        n = STRUCTURES_PER_PAGE;
    if (n == 0) {
        ui_p(&b, "Aucune structure à afficher.");
    } else {
        static const char *const head[] = {"Nom", "Commune", "Département", "SIRET"};
        struct ui_table t = {.caption = "Structures que vous pouvez gérer", .head = head,
                             .n_cols = 4};
        ui_table_begin(&b, &t);
        for (size_t i = 0; i < n; i++) {
            const struct structure *s = &list[i];
            const char *cells[] = {s->nom, s->commune ? s->commune : "—", s->departement,
                                   s->siret ? s->siret : "—"};
            ui_table_row_link(&b, &t, structure_href(req->arena, s->id, NULL), cells);
        }
        ui_table_end(&b);
    }
    if (more)
        ui_link(&b, "Structures suivantes",
                arena_printf(req->arena, "/structures?apres=%lld", (long long)list[n - 1].id));
    return shell_render(req, resp, &(struct shell_page){.title = "Structures"}, buf_cstr(&b));
}

static int render_structure_form(struct http_request *req, struct http_response *resp,
                                 const struct structure *s, const struct ui_errors *errs,
                                 int status)
{
    struct buf b = page_buf(req);
    ui_h1(&b, "Créer une structure");
    ui_error_summary(&b, errs);
    ui_form_begin(&b, "/structures", "post", auth_of(req)->csrf_token, false);
    ui_input(&b, &(struct ui_field){.name = "nom", .label = "Nom de la structure", .value = s->nom,
                                    .error = ui_errors_for(errs, "nom"), .required = true,
                                    .autocomplete = "organization"});
    ui_input(&b, &(struct ui_field){.name = "siret", .label = "SIRET (facultatif)",
                                    .hint = "14 chiffres, sans espaces.", .value = s->siret,
                                    .error = ui_errors_for(errs, "siret"),
                                    .width_class = "medium"});
    ui_input(&b, &(struct ui_field){.name = "rna", .label = "Numéro RNA (facultatif)",
                                    .hint = "Pour une association : W suivi de 9 chiffres.",
                                    .value = s->rna, .error = ui_errors_for(errs, "rna"),
                                    .width_class = "medium"});
    ui_input(&b, &(struct ui_field){.name = "adresse", .label = "Adresse (facultatif)",
                                    .value = s->adresse, .error = ui_errors_for(errs, "adresse"),
                                    .autocomplete = "street-address"});
    ui_input(&b, &(struct ui_field){.name = "code_postal", .label = "Code postal (facultatif)",
                                    .value = s->code_postal,
                                    .error = ui_errors_for(errs, "code_postal"),
                                    .autocomplete = "postal-code", .width_class = "short"});
    ui_input(&b, &(struct ui_field){.name = "commune", .label = "Commune (facultatif)",
                                    .value = s->commune, .error = ui_errors_for(errs, "commune"),
                                    .autocomplete = "address-level2"});
    ui_input(&b, &(struct ui_field){.name = "departement", .label = "Département",
                                    .hint = "Son code : 53, 2A, 974…", .value = s->departement,
                                    .error = ui_errors_for(errs, "departement"),
                                    .required = true, .width_class = "short"});
    ui_button(&b, "Créer la structure", UI_BUTTON_PRIMARY);
    ui_form_end(&b);
    return shell_render(req, resp, &(struct shell_page){.title = "Créer une structure",
                                                        .status = status},
                        buf_cstr(&b));
}

int page_structure_new(struct http_request *req, struct http_response *resp)
{
    struct structure s = {0};
    const struct auth *a = auth_of(req);
    if (a->n_departements == 1)
        s.departement = a->departements[0];
    struct ui_errors errs = {0};
    return render_structure_form(req, resp, &s, &errs, 200);
}

/* Reads the structure fields of a form or a JSON object into s (strings borrowed). */
static void structure_from_form(const struct http_params *f, struct structure *s)
{
    s->nom = http_param(f, "nom");
    s->siret = http_param(f, "siret");
    s->rna = http_param(f, "rna");
    s->adresse = http_param(f, "adresse");
    s->code_postal = http_param(f, "code_postal");
    s->commune = http_param(f, "commune");
    s->departement = http_param(f, "departement");
}

/* Creates the structure if the viewer may create one in its département. */
static int create_checked(struct http_request *req, struct structure *s, struct ui_errors *errs)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *a = auth_of(req);
    struct structure typed = *s;
    int rc = structure_create(ctx->db, req->arena, s, errs);
    if (rc == 0 && !auth_in_departement(a, s->departement)) {
        /* Checked after validation so that the message is about a valid code; undone at once. */
        static const char SQL_UNDO[] = "DELETE FROM structures WHERE id = $1";
        struct db_stmt *st;
        if (db_prepare(ctx->db, SQL_UNDO, &st) == 0) {
            db_bind_int64(st, 1, s->id);
            db_exec_stmt(st);
        }
        *s = typed;
        ui_errors_add(errs, "departement",
                      "Vous ne coordonnez pas ce département : choisissez l'un des vôtres.");
        return ERR_INVALID;
    }
    if (rc == 0)
        audit_record(ctx->db, a->user_id, s->departement, "structure_creee",
                     arena_printf(req->arena, "structure:%lld", (long long)s->id), s->nom);
    if (rc == ERR_INVALID || rc == ERR_CONFLICT)
        *s = typed;
    return rc;
}

int page_structure_create(struct http_request *req, struct http_response *resp)
{
    struct structure s = {0};
    structure_from_form(&req->form, &s);
    struct ui_errors errs = {0};
    int rc = create_checked(req, &s, &errs);
    if (rc == ERR_INVALID || rc == ERR_CONFLICT)
        return render_structure_form(req, resp, &s, &errs, rc == ERR_CONFLICT ? 409 : 400);
    if (rc)
        return rc;
    http_redirect(resp, structure_href(req->arena, s.id, "?ok=creee"));
    return 0;
}

static int render_structure(struct http_request *req, struct http_response *resp,
                            const struct structure *s, const struct ui_errors *errs,
                            const char *notice, int status)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *a = auth_of(req);
    struct buf b = page_buf(req);
    ui_h1(&b, s->nom);
    if (s->demo)
        ui_tag(&b, "démo", UI_TAG_YELLOW);
    static const char *const head[] = {"Information", "Valeur"};
    struct ui_table t = {.caption = "Identité de la structure", .head = head, .n_cols = 2};
    ui_table_begin(&b, &t);
    ui_table_row(&b, &t, (const char *[]){"SIRET", s->siret ? s->siret : "Non renseigné"});
    ui_table_row(&b, &t, (const char *[]){"RNA", s->rna ? s->rna : "Non renseigné"});
    const char *addr = arena_printf(req->arena, "%s%s%s %s", s->adresse ? s->adresse : "",
                                    s->adresse ? ", " : "", s->code_postal ? s->code_postal : "",
                                    s->commune ? s->commune : "");
    ui_table_row(&b, &t, (const char *[]){"Adresse", str_trim(str_from(addr)).len ? addr
                                                                                : "Non renseignée"});
    ui_table_row(&b, &t, (const char *[]){"Département", s->departement});
    ui_table_end(&b);
    /* Members of another structure may refer a person here (orientation). */
    if (a->n_memberships > 0 && !auth_is_member(a, s->id))
        ui_button_link(
            &b, "Orienter vers cette structure",
            arena_printf(req->arena, "/orientations/nouvelle?structure=%lld", (long long)s->id),
            UI_BUTTON_SECONDARY);

    if (auth_can_see_structure(a, s->id, s->departement)) {
        struct member *members;
        size_t n;
        int rc = structure_members(ctx->db, req->arena, s->id, &members, &n);
        if (rc)
            return rc;
        ui_h2(&b, "Membres");
        if (n == 0) {
            ui_p(&b, "Aucun membre pour l'instant.");
        } else {
            static const char *const mhead[] = {"Nom", "Adresse e-mail", "Rôle", "État"};
            struct ui_table mt = {.caption = "Membres de la structure", .head = mhead,
                                  .n_cols = 4};
            ui_table_begin(&b, &mt);
            for (size_t i = 0; i < n; i++)
                ui_table_row(&b, &mt,
                             (const char *[]){members[i].name, members[i].email,
                                              role_label(members[i].role),
                                              members[i].pending ? "Invitation envoyée"
                                                                 : "Actif"});
            ui_table_end(&b);
        }
    }
    if (auth_can_manage_structure(a, s->id, s->departement)) {
        ui_h2(&b, "Inviter un membre");
        ui_error_summary(&b, errs);
        ui_form_begin(&b, structure_href(req->arena, s->id, "/membres"), "post", a->csrf_token,
                      false);
        ui_input(&b, &(struct ui_field){.name = "name", .label = "Nom",
                                        .value = http_param(&req->form, "name"),
                                        .error = ui_errors_for(errs, "name"), .required = true});
        ui_input(&b, &(struct ui_field){.name = "email", .label = "Adresse e-mail",
                                        .value = http_param(&req->form, "email"),
                                        .error = ui_errors_for(errs, "email"), .type = UI_EMAIL,
                                        .required = true});
        const char *role = http_param(&req->form, "role");
        struct ui_option opts[] = {
            {"mediateur", "Médiateur numérique ou conseiller numérique",
             !role || strcmp(role, "mediateur") == 0},
            {"admin_structure", "Administrateur de la structure",
             role && strcmp(role, "admin_structure") == 0},
        };
        ui_choices(&b, &(struct ui_field){.name = "role", .label = "Rôle",
                                          .error = ui_errors_for(errs, "role")},
                   opts, 2, false);
        ui_button(&b, "Inviter", UI_BUTTON_PRIMARY);
        ui_form_end(&b);
        ui_link(&b, "Jetons d'API de la structure",
                structure_href(req->arena, s->id, "/jetons"));
    }
    return shell_render(req, resp, &(struct shell_page){.title = s->nom, .notice = notice,
                                                        .status = status},
                        buf_cstr(&b));
}

int page_structure(struct http_request *req, struct http_response *resp)
{
    struct structure s;
    int rc = load_structure(req, "id", &s);
    if (rc)
        return rc;
    const char *ok = http_param(&req->query, "ok");
    struct ui_errors errs = {0};
    return render_structure(req, resp, &s, &errs,
                            ok && strcmp(ok, "creee") == 0 ? "La structure a été créée." : NULL,
                            200);
}

int comptes_invite(struct db *db, const struct config *cfg, struct arena *a, int64_t structure_id,
                   const char *email, const char *name, const char *role, int64_t invited_by,
                   struct ui_errors *errs, const char **link)
{
    *link = NULL;
    enum role r = role_parse(role);
    if (r != ROLE_MEDIATEUR && r != ROLE_ADMIN_STRUCTURE)
        ui_errors_add(errs, "role", "Choisissez le rôle : médiateur ou administrateur de la "
                                    "structure.");
    struct user u = {0};
    int rc = user_find_by_email(db, a, email, &u);
    if (rc && rc != ERR_NOT_FOUND)
        return rc;
    bool exists = rc == 0;
    if ((rc = db_begin(db)))
        return rc;
    if (!exists) {
        rc = user_create(db, a, email, name, NULL, false, errs, &u.id);
        u.password_hash = NULL;
    } else if (errs->n) {
        rc = ERR_INVALID;
    }
    if (rc == 0)
        rc = user_add_membership(db, u.id, structure_id, r);
    char *token = NULL;
    if (rc == 0 && !u.password_hash)
        rc = link_create(db, a, u.id, LINK_INVITATION, &token);
    if (rc == 0)
        rc = db_commit(db);
    if (rc) {
        db_rollback(db);
        return rc == ERR_CONFLICT ? ERR_INVALID : rc;
    }
    audit_record(db, invited_by, NULL, "membre_invite",
                 arena_printf(a, "structure:%lld", (long long)structure_id),
                 arena_printf(a, "user:%lld %s", (long long)u.id, role_value(r)));
    if (token) {
        *link = mail_link(cfg, a, "/invitation/", token);
        const char *body = arena_printf(
            a,
            "Bonjour,\n\nVous êtes invité à rejoindre Relais, la plateforme des réseaux de "
            "médiation numérique. Pour activer votre compte, ouvrez ce lien (valable 7 jours) "
            ":\n%s\n",
            *link);
        if (mail_send(cfg, u.email ? u.email : email, "Relais : activez votre compte", body) == 0)
            log_info("invitation mailed to user %lld", (long long)u.id);
    }
    return 0;
}

int page_structure_invite(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *a = auth_of(req);
    struct structure s;
    int rc = load_structure(req, "id", &s);
    if (rc)
        return rc;
    if (!auth_can_manage_structure(a, s.id, s.departement))
        return http_fail(req, ERR_FORBIDDEN, "Vous ne gérez pas cette structure.", NULL);
    struct ui_errors errs = {0};
    const char *link;
    rc = comptes_invite(ctx->db, ctx->cfg, req->arena, s.id, http_param(&req->form, "email"),
                        http_param(&req->form, "name"), http_param(&req->form, "role"),
                        a->user_id, &errs, &link);
    if (rc == ERR_INVALID)
        return render_structure(req, resp, &s, &errs, NULL, 400);
    if (rc)
        return rc;
    const char *notice =
        link ? arena_printf(req->arena,
                            "Invitation créée. Si le courriel n'arrive pas, transmettez ce lien "
                            "personnel (valable 7 jours) : %s",
                            link)
             : "Le compte existait déjà : il a été ajouté à la structure.";
    struct ui_errors none = {0};
    req->form.n = 0; /* the form is done: show it empty */
    return render_structure(req, resp, &s, &none, notice, 200);
}

static int render_tokens(struct http_request *req, struct http_response *resp,
                         const struct structure *s, const struct ui_errors *errs,
                         const char *notice, int status)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *a = auth_of(req);
    struct api_token *tokens;
    size_t n;
    int rc = api_token_list(ctx->db, req->arena, s->id, &tokens, &n);
    if (rc)
        return rc;
    struct buf b = page_buf(req);
    ui_h1(&b, arena_printf(req->arena, "Jetons d'API — %s", s->nom));
    ui_p(&b, "Un jeton permet à un logiciel de la structure d'utiliser l'API de Relais "
             "(en-tête Authorization: Bearer). Il n'est affiché qu'une fois, à sa création.");
    if (n) {
        static const char *const head[] = {"Nom", "Début du jeton", "Portée", "État"};
        struct ui_table t = {.caption = "Jetons de la structure", .head = head, .n_cols = 4};
        ui_table_begin(&b, &t);
        for (size_t i = 0; i < n; i++)
            ui_table_row(&b, &t,
                         (const char *[]){tokens[i].name, tokens[i].prefix,
                                          api_scopes_label(tokens[i].scopes),
                                          tokens[i].revoked_at ? "Révoqué" : "Actif"});
        ui_table_end(&b);
        for (size_t i = 0; i < n; i++) {
            if (tokens[i].revoked_at)
                continue;
            ui_form_begin(&b,
                          arena_printf(req->arena, "/structures/%lld/jetons/%lld/revoquer",
                                       (long long)s->id, (long long)tokens[i].id),
                          "post", a->csrf_token, false);
            ui_button(&b, arena_printf(req->arena, "Révoquer « %s »", tokens[i].name),
                      UI_BUTTON_WARNING);
            ui_form_end(&b);
        }
    }
    ui_h2(&b, "Créer un jeton");
    ui_error_summary(&b, errs);
    ui_form_begin(&b, structure_href(req->arena, s->id, "/jetons"), "post", a->csrf_token, false);
    ui_input(&b, &(struct ui_field){.name = "nom", .label = "Nom du jeton",
                                    .hint = "Par exemple : logiciel de prise de rendez-vous.",
                                    .value = http_param(&req->form, "nom"),
                                    .error = ui_errors_for(errs, "nom"), .required = true});
    const char *scope = http_param(&req->form, "portee");
    struct ui_option opts[] = {
        {"lecture", "Lecture seule", !scope || strcmp(scope, "lecture") == 0},
        {"ecriture", "Lecture et écriture", scope && strcmp(scope, "ecriture") == 0},
    };
    ui_choices(&b, &(struct ui_field){.name = "portee", .label = "Portée",
                                      .error = ui_errors_for(errs, "portee")},
               opts, 2, false);
    ui_button(&b, "Créer le jeton", UI_BUTTON_PRIMARY);
    ui_form_end(&b);
    return shell_render(req, resp, &(struct shell_page){.title = "Jetons d'API", .notice = notice,
                                                        .status = status},
                        buf_cstr(&b));
}

static int load_managed_structure(struct http_request *req, struct structure *s)
{
    int rc = load_structure(req, "id", s);
    if (rc)
        return rc;
    if (!auth_can_manage_structure(auth_of(req), s->id, s->departement))
        return http_fail(req, ERR_FORBIDDEN, "Vous ne gérez pas cette structure.", NULL);
    return 0;
}

int page_structure_tokens(struct http_request *req, struct http_response *resp)
{
    struct structure s;
    int rc = load_managed_structure(req, &s);
    if (rc)
        return rc;
    const char *ok = http_param(&req->query, "ok");
    struct ui_errors errs = {0};
    return render_tokens(req, resp, &s, &errs,
                         ok && strcmp(ok, "revoque") == 0 ? "Le jeton a été révoqué." : NULL, 200);
}

int page_structure_token_create(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct structure s;
    int rc = load_managed_structure(req, &s);
    if (rc)
        return rc;
    struct ui_errors errs = {0};
    struct str name = str_trim(str_from(http_param(&req->form, "nom")));
    if (name.len == 0)
        ui_errors_add(&errs, "nom", "Saisissez le nom du jeton.");
    else if (name.len > 100)
        ui_errors_add(&errs, "nom", "Le nom du jeton doit contenir au plus 100 caractères.");
    const char *scope = http_param(&req->form, "portee");
    unsigned scopes = 0;
    if (scope && strcmp(scope, "lecture") == 0)
        scopes = ACCESS_TOKEN_READ;
    else if (scope && strcmp(scope, "ecriture") == 0)
        scopes = ACCESS_TOKEN_READ | ACCESS_TOKEN_WRITE;
    else
        ui_errors_add(&errs, "portee", "Choisissez la portée du jeton : lecture ou écriture.");
    if (errs.n)
        return render_tokens(req, resp, &s, &errs, NULL, 400);
    char *secret;
    int64_t id;
    rc = api_token_create(ctx->db, req->arena, s.id, str_dup(name, req->arena), scopes,
                          auth_of(req)->user_id, &secret, &id);
    if (rc)
        return rc;
    audit_record(ctx->db, auth_of(req)->user_id, s.departement, "jeton_cree",
                 arena_printf(req->arena, "jeton:%lld", (long long)id), NULL);
    req->form.n = 0;
    return render_tokens(req, resp, &s, &errs,
                         arena_printf(req->arena,
                                      "Jeton créé. Copiez-le maintenant, il ne sera plus "
                                      "affiché : %s",
                                      secret),
                         200);
}

int page_structure_token_revoke(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct structure s;
    int rc = load_managed_structure(req, &s);
    if (rc)
        return rc;
    int64_t tid;
    if (cstr_to_int64(http_path_param(req, "tid"), &tid))
        return http_fail(req, ERR_NOT_FOUND, "Ce jeton n'existe pas.", NULL);
    rc = api_token_revoke(ctx->db, s.id, tid);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND, "Ce jeton n'existe pas ou est déjà révoqué.", NULL);
    if (rc)
        return rc;
    audit_record(ctx->db, auth_of(req)->user_id, s.departement, "jeton_revoque",
                 arena_printf(req->arena, "jeton:%lld", (long long)tid), NULL);
    http_redirect(resp, structure_href(req->arena, s.id, "/jetons?ok=revoque"));
    return 0;
}

/* The fields of the per-account role form. Ids carry the account's number so that every label of
 * the page points to its own input. */
static void role_form_fields(struct buf *b, struct arena *a, const char *sfx, const char *who)
{
    html_lit(b, "<div class=\"relais-inline-form\"><label class=\"govuk-label\" for=\"role");
    html_attr(b, sfx);
    html_lit(b, "\">Rôle à donner à ");
    html_text(b, who);
    html_lit(b, "</label><select class=\"govuk-select\" name=\"role\" id=\"role");
    html_attr(b, sfx);
    html_lit(b, "\"><option value=\"mediateur\">Médiateur</option>"
                "<option value=\"admin_structure\">Administrateur de structure</option>"
                "<option value=\"coordinateur\">Coordinateur</option>"
                "<option value=\"admin\">Administrateur de la plateforme</option></select>"
                "<label class=\"govuk-label\" for=\"departement");
    html_attr(b, sfx);
    html_lit(b, "\">Département (coordinateur)</label><input class=\"govuk-input "
                "govuk-input--width-3\" name=\"departement\" id=\"departement");
    html_attr(b, sfx);
    html_lit(b, "\"><label class=\"govuk-label\" for=\"structure");
    html_attr(b, sfx);
    html_lit(b, "\">N° de structure (médiateur, administrateur)</label><input class=\"govuk-input "
                "govuk-input--width-5\" inputmode=\"numeric\" name=\"structure\" id=\"structure");
    html_attr(b, sfx);
    html_lit(b, "\"></div>");
    ui_button(b, arena_printf(a, "Donner ce rôle à %s", who), UI_BUTTON_SECONDARY);
}

int page_admin_users(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *a = auth_of(req);
    int64_t page = 1;
    const char *p = http_param(&req->query, "page");
    if (p && (cstr_to_int64(p, &page) || page < 1))
        return http_fail(req, ERR_INVALID, "Le numéro de page doit être un entier positif.",
                         "page");
    struct user *users;
    size_t n;
    int64_t total;
    int rc = user_list(ctx->db, req->arena, (page - 1) * USERS_PER_PAGE, USERS_PER_PAGE, &users,
                       &n, &total);
    if (rc)
        return rc;
    struct buf b = page_buf(req);
    ui_h1(&b, "Utilisateurs");
    ui_p(&b, arena_printf(req->arena, "%lld comptes.", (long long)total));
    static const char *const head[] = {"Nom", "Adresse e-mail", "État", "Actions"};
    struct ui_table t = {.caption = "Comptes de la plateforme", .head = head, .n_cols = 4};
    ui_table_begin(&b, &t);
    for (size_t i = 0; i < n; i++) {
        const struct user *u = &users[i];
        const char *state = u->disabled ? "Désactivé" : u->password_hash ? "Actif" : "Invité";
        if (u->is_admin)
            state = arena_printf(req->arena, "%s, administrateur", state);
        /* The action cell is a small form; its markup is built here and passed as the cell's
         * text would be escaped, so the row is written by hand with the same table classes. */
        html_lit(&b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">");
        html_text(&b, u->name);
        html_lit(&b, "</td><td class=\"govuk-table__cell\">");
        html_text(&b, u->email);
        html_lit(&b, "</td><td class=\"govuk-table__cell\">");
        html_text(&b, state);
        html_lit(&b, "</td><td class=\"govuk-table__cell\">");
        if (u->id != a->user_id) {
            ui_form_begin(&b,
                          arena_printf(req->arena, "/admin/utilisateurs/%lld/desactiver",
                                       (long long)u->id),
                          "post", a->csrf_token, false);
            html_lit(&b, "<input type=\"hidden\" name=\"desactive\" value=\"");
            html_attr(&b, u->disabled ? "0" : "1");
            html_lit(&b, "\">");
            ui_button(&b,
                      arena_printf(req->arena, "%s %s", u->disabled ? "Réactiver" : "Désactiver",
                                   u->name),
                      u->disabled ? UI_BUTTON_SECONDARY : UI_BUTTON_WARNING);
            ui_form_end(&b);
        }
        ui_form_begin(&b,
                      arena_printf(req->arena, "/admin/utilisateurs/%lld/role", (long long)u->id),
                      "post", a->csrf_token, false);
        const char *sfx = arena_printf(req->arena, "-%lld", (long long)u->id);
        role_form_fields(&b, req->arena, sfx, u->name);
        ui_form_end(&b);
        html_lit(&b, "</td></tr>");
    }
    ui_table_end(&b);
    ui_pagination(&b, "/admin/utilisateurs", page, (total + USERS_PER_PAGE - 1) / USERS_PER_PAGE);

    const char *ok = http_param(&req->query, "ok");
    return shell_render(req, resp, &(struct shell_page){.title = "Utilisateurs", .wide = true,
                                                        .notice = ok ? "Modification enregistrée."
                                                                     : NULL},
                        buf_cstr(&b));
}

static int load_user_param(struct http_request *req, struct user *u)
{
    const struct ctx *ctx = req->ctx;
    int64_t id;
    if (cstr_to_int64(http_path_param(req, "id"), &id))
        return http_fail(req, ERR_NOT_FOUND, "Ce compte n'existe pas.", NULL);
    int rc = user_get(ctx->db, req->arena, id, u);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND, "Ce compte n'existe pas.", NULL);
    return rc;
}

int page_admin_user_role(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct user u;
    int rc = load_user_param(req, &u);
    if (rc)
        return rc;
    enum role r = role_parse(http_param(&req->form, "role"));
    const char *dep = http_param(&req->form, "departement");
    int64_t sid = 0;
    switch (r) {
    case ROLE_ADMIN:
        rc = user_set_admin(ctx->db, u.id, true);
        break;
    case ROLE_COORDINATEUR:
        if (!departement_valid(dep))
            return http_fail(req, ERR_INVALID,
                             "Département : saisissez un code existant (01 à 95, 2A, 2B, 971 à "
                             "976).",
                             "departement");
        rc = user_add_coordinator_scope(ctx->db, u.id, dep);
        break;
    case ROLE_MEDIATEUR:
    case ROLE_ADMIN_STRUCTURE:
        if (cstr_to_int64(http_param(&req->form, "structure"), &sid) || sid <= 0)
            return http_fail(req, ERR_INVALID, "Structure : saisissez le numéro de la structure.",
                             "structure");
        struct structure s;
        if (structure_get(ctx->db, req->arena, sid, &s))
            return http_fail(req, ERR_INVALID, "Structure : aucune structure n'a ce numéro.",
                             "structure");
        rc = user_add_membership(ctx->db, u.id, sid, r);
        break;
    default:
        return http_fail(req, ERR_INVALID,
                         "Rôle : choisissez mediateur, admin_structure, coordinateur ou admin.",
                         "role");
    }
    if (rc)
        return rc;
    audit_record(ctx->db, auth_of(req)->user_id, dep, "role_donne",
                 arena_printf(req->arena, "user:%lld", (long long)u.id), role_value(r));
    http_redirect(resp, "/admin/utilisateurs?ok=role");
    return 0;
}

int page_admin_user_disable(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct user u;
    int rc = load_user_param(req, &u);
    if (rc)
        return rc;
    if (u.id == auth_of(req)->user_id)
        return http_fail(req, ERR_INVALID, "Vous ne pouvez pas désactiver votre propre compte.",
                         NULL);
    const char *v = http_param(&req->form, "desactive");
    bool disable = !v || strcmp(v, "0") != 0;
    if ((rc = user_set_disabled(ctx->db, u.id, disable)))
        return rc;
    audit_record(ctx->db, auth_of(req)->user_id, NULL, disable ? "compte_desactive"
                                                               : "compte_reactive",
                 arena_printf(req->arena, "user:%lld", (long long)u.id), NULL);
    http_redirect(resp, "/admin/utilisateurs?ok=etat");
    return 0;
}
