/*
 * The pages of bases: the list (/bases, with the viewer's invitations), creating and editing a
 * base, its page (its resources; a member sees the drafts), and for its administrators the members,
 * invitations by e-mail address of an existing account, and join requests. Every handler checks
 * the viewer against this base (access.h) after the route's own access.
 */
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "html/html.h"
#include "html/ui.h"
#include "ressources/access.h"
#include "core/limits.h"
#include "ressources/pages.h"
#include "ressources/quality.h"
#include "site/shell.h"

#include <string.h>

/* The structures a base may belong to: the viewer's, and the one it has. */
static void structure_select(struct buf *b, const struct auth *au, const struct base *v,
                             const struct ui_errors *errs)
{
    struct arena *a = b->arena;
    struct ui_option *opts = arena_calloc(a, au->n_memberships + 2, sizeof(*opts));
    size_t n = 0;
    opts[n++] = (struct ui_option){"", "Aucune : la base d'une équipe ou d'un réseau",
                                   v->structure_id == 0};
    bool listed = v->structure_id == 0;
    for (size_t i = 0; i < au->n_memberships; i++) {
        const struct auth_membership *m = &au->memberships[i];
        bool dup = false;
        for (size_t j = 0; j < i; j++)
            dup |= au->memberships[j].structure_id == m->structure_id;
        if (dup)
            continue;
        opts[n++] = (struct ui_option){arena_printf(a, "%lld", (long long)m->structure_id),
                                       m->structure_nom, m->structure_id == v->structure_id};
        listed |= m->structure_id == v->structure_id;
    }
    if (!listed)
        opts[n++] =
            (struct ui_option){arena_printf(a, "%lld", (long long)v->structure_id),
                               v->structure_nom ? v->structure_nom : "La structure actuelle", true};
    ui_select(b,
              &(struct ui_field){.name = "structure",
                                 .label = "Structure",
                                 .hint = "La structure dont c'est la base, s'il y en a une.",
                                 .error = ui_errors_for(errs, "structure")},
              opts, n);
}

/* Reads the structure of the form: one of the viewer's, or the one the base has (old, 0 for a
 * new base). Errors go to errs. */
static void structure_from_form(struct http_request *req, struct base *v, int64_t old,
                                struct ui_errors *errs)
{
    const struct auth *au = auth_of(req);
    const char *p = http_param(&req->form, "structure");
    int64_t id = 0;
    v->structure_id = 0;
    v->departement = NULL;
    if (!p || !*p)
        return;
    if (cstr_to_int64(p, &id) || id <= 0) {
        ui_errors_add(errs, "structure", "Structure : choisissez une structure de la liste.");
        return;
    }
    for (size_t i = 0; i < au->n_memberships; i++)
        if (au->memberships[i].structure_id == id) {
            v->structure_id = id;
            v->departement = au->memberships[i].departement;
            return;
        }
    if (id == old) {
        v->structure_id = id;
        return;
    }
    ui_errors_add(errs, "structure", "Structure : vous n'êtes pas membre de cette structure.");
}

static void base_form(struct buf *b, const struct auth *au, const char *action,
                      const struct base *v, const struct ui_errors *errs, const char *button)
{
    ui_error_summary(b, errs);
    ui_form_begin(b, action, "post", au->csrf_token, false);
    ui_input(b, &(struct ui_field){.name = "nom",
                                   .label = "Nom de la base",
                                   .hint = "L'équipe, la structure ou le réseau qui la tient, par "
                                           "exemple : Médiateurs numériques de Laval.",
                                   .value = v->nom,
                                   .error = ui_errors_for(errs, "nom"),
                                   .required = true});
    ui_textarea(
        b,
        &(struct ui_field){.name = "description",
                           .label = "Description",
                           .hint = "À quoi sert la base, pour qui. 2 000 caractères au plus.",
                           .value = v->description,
                           .error = ui_errors_for(errs, "description")},
        4);
    structure_select(b, au, v, errs);
    struct ui_option vis[] = {
        {"public", "Publique : tout le monde voit la base et ses ressources publiées", v->public_},
        {"prive", "Privée : seuls ses membres la voient", !v->public_},
    };
    ui_choices(b, &(struct ui_field){.name = "visibilite", .label = "Visibilité"}, vis, 2, false);
    ui_button(b, button, UI_BUTTON_PRIMARY);
    ui_form_end(b);
}

static void base_from_form(struct http_request *req, struct base *v)
{
    const char *nom = http_param(&req->form, "nom");
    const char *desc = http_param(&req->form, "description");
    const char *vis = http_param(&req->form, "visibilite");
    v->nom = nom ? nom : "";
    v->description = desc ? desc : "";
    v->public_ = !vis || strcmp(vis, "prive") != 0;
}

int rs_page_bases(struct http_request *req, struct http_response *resp)
{
    struct arena *a = req->arena;
    const struct auth *au = auth_of(req);
    int64_t page = rs_page_number(req);
    struct base *bases;
    size_t n;
    int64_t total;
    int rc = base_list(rs_db(req), a, au->user_id, false, (page - 1) * RESSOURCES_PER_PAGE,
                       RESSOURCES_PER_PAGE, &bases, &n, &total);
    if (rc)
        return rc;
    struct buf b = rs_buf(req);
    ui_h1(&b, "Bases de ressources");
    ui_p(&b, "Une base rassemble les ressources d'une équipe, d'une structure ou d'un réseau.");
    if (auth_signed_in(au)) {
        ui_button_link(&b, "Créer une base", "/bases/nouvelle", UI_BUTTON_PRIMARY);
        struct base_invitation *inv;
        size_t ni;
        if ((rc = base_invitations(rs_db(req), a, au->user_id, 0, &inv, &ni)) != 0)
            return rc;
        if (ni) {
            ui_h2(&b, "Vos invitations");
            for (size_t i = 0; i < ni; i++) {
                html_lit(&b, "<div class=\"relais-invitation\">");
                ui_p(&b,
                     arena_printf(a, "Invitation à rejoindre la base « %s »%s.", inv[i].base_nom,
                                  inv[i].admin ? " comme administrateur" : ""));
                ui_form_begin(&b, arena_printf(a, "/bases/invitations/%lld", (long long)inv[i].id),
                              "post", au->csrf_token, false);
                rs_action_button(&b, "accepter", "Accepter", true);
                rs_action_button(&b, "refuser", "Refuser", false);
                ui_form_end(&b);
                html_lit(&b, "</div>");
            }
        }
    }
    ui_h2(&b, total == 1 ? "1 base" : arena_printf(a, "%lld bases", (long long)total));
    if (!n)
        ui_p(&b, "Aucune base pour l'instant.");
    ui_cards_begin(&b);
    for (size_t i = 0; i < n; i++) {
        struct buf body;
        buf_init(&body, a, 8192);
        html_lit(&body, "<p class=\"govuk-body\">");
        html_text(&body, bases[i].description);
        html_lit(&body, "</p><p class=\"govuk-body-s\">");
        html_text(&body, arena_printf(
                             a, "%lld ressource%s · %lld membre%s%s%s",
                             (long long)bases[i].n_ressources, bases[i].n_ressources > 1 ? "s" : "",
                             (long long)bases[i].n_members, bases[i].n_members > 1 ? "s" : "",
                             bases[i].public_ ? "" : " · privée", bases[i].demo ? " · démo" : ""));
        html_lit(&body, "</p>");
        ui_card_at(&b, 3, bases[i].nom, arena_printf(a, "/bases/%lld", (long long)bases[i].id),
                   buf_cstr(&body));
    }
    ui_cards_end(&b);
    ui_pagination(&b, "/bases", page, (total + RESSOURCES_PER_PAGE - 1) / RESSOURCES_PER_PAGE);
    return shell_render(req, resp, &(struct shell_page){.title = "Bases de ressources"},
                        buf_cstr(&b));
}

int rs_page_base_new_form(struct http_request *req, struct http_response *resp)
{
    struct buf b = rs_buf(req);
    ui_h1(&b, "Créer une base");
    struct ui_errors errs = {0};
    base_form(&b, auth_of(req), "/bases/nouvelle", &(struct base){.public_ = true}, &errs,
              "Créer la base");
    return shell_render(req, resp, &(struct shell_page){.title = "Créer une base"}, buf_cstr(&b));
}

int rs_page_base_new(struct http_request *req, struct http_response *resp)
{
    const struct auth *au = auth_of(req);
    struct base v = {0};
    base_from_form(req, &v);
    struct ui_errors errs = {0};
    structure_from_form(req, &v, 0, &errs);
    int64_t id;
    int rc =
        errs.n ? ERR_INVALID : base_create(rs_db(req), req->arena, &v, au->user_id, &errs, &id);
    if (rc == ERR_INVALID) {
        struct buf b = rs_buf(req);
        ui_h1(&b, "Créer une base");
        base_form(&b, au, "/bases/nouvelle", &v, &errs, "Créer la base");
        return shell_render(req, resp,
                            &(struct shell_page){.title = "Créer une base", .status = 400},
                            buf_cstr(&b));
    }
    if (rc)
        return rc;
    http_redirect(resp, arena_printf(req->arena, "/bases/%lld?cree=1", (long long)id));
    return 0;
}

int rs_page_base(struct http_request *req, struct http_response *resp)
{
    struct arena *a = req->arena;
    const struct auth *au = auth_of(req);
    struct base base;
    int rc = rs_load_base(req, &base);
    if (rc)
        return rc;
    struct db *db = rs_db(req);
    bool member = bases_is_member(db, au, base.id);
    bool admin = bases_is_admin(db, au, base.id);
    int64_t page = rs_page_number(req);
    struct ressource_row *rows;
    size_t n;
    int64_t total;
    if ((rc = ressources_of_base(db, a, base.id, member, (page - 1) * RESSOURCES_PER_PAGE,
                                 RESSOURCES_PER_PAGE, &rows, &n, &total)) != 0)
        return rc;
    struct buf b = rs_buf(req);
    ui_h1(&b, base.nom);
    if (base.demo)
        ui_tag(&b, "démo", UI_TAG_NEUTRAL);
    if (!base.public_)
        ui_tag(&b, "Base privée", UI_TAG_BLUE);
    if (base.description && *base.description)
        ui_p(&b, base.description);
    ui_p(&b, arena_printf(a, "%s%s%lld membre%s · créée le %s",
                          base.structure_nom ? "Base de la structure " : "",
                          base.structure_nom ? arena_printf(a, "%s · ", base.structure_nom) : "",
                          (long long)base.n_members, base.n_members > 1 ? "s" : "",
                          rs_date(a, base.created_at)));
    if (member) {
        ui_button_link(&b, "Ajouter une ressource",
                       arena_printf(a, "/ressources/nouvelle?base=%lld", (long long)base.id),
                       UI_BUTTON_PRIMARY);
        ui_button_link(&b, admin ? "Membres, invitations et demandes" : "Membres",
                       arena_printf(a, "/bases/%lld/membres", (long long)base.id),
                       UI_BUTTON_SECONDARY);
        if (admin)
            ui_button_link(&b, "Modifier la base",
                           arena_printf(a, "/bases/%lld/modifier", (long long)base.id),
                           UI_BUTTON_SECONDARY);
    } else if (auth_signed_in(au)) {
        if (base_join_pending(db, base.id, au->user_id)) {
            ui_notice(&b, UI_NOTICE_INFO, NULL,
                      "Votre demande pour rejoindre cette base attend la réponse de ses "
                      "administrateurs.");
        } else {
            ui_form_begin(&b, arena_printf(a, "/bases/%lld/demandes", (long long)base.id), "post",
                          au->csrf_token, false);
            ui_textarea(&b,
                        &(struct ui_field){.name = "message",
                                           .label = "Message aux administrateurs",
                                           .hint = "Qui vous êtes, pourquoi rejoindre la base."},
                        2);
            ui_button(&b, "Demander à rejoindre la base", UI_BUTTON_SECONDARY);
            ui_form_end(&b);
        }
    }
    ui_h2(&b, total == 1 ? "1 ressource" : arena_printf(a, "%lld ressources", (long long)total));
    if (total > 0) {
        ui_form_begin(&b, "/ressources", "get", NULL, false);
        html_lit(&b, "<input type=\"hidden\" name=\"base\" value=\"");
        html_int(&b, base.id);
        html_lit(&b, "\">");
        ui_input(&b, &(struct ui_field){
                         .name = "q",
                         .label = "Chercher dans cette base",
                         .type = UI_SEARCH,
                         .max_chars = LIMIT_QUERY_CHARS});
        ui_button(&b, "Chercher", UI_BUTTON_SECONDARY);
        ui_form_end(&b);
    }
    rs_render_rows(&b, rs_db(req), a, rows, n, NULL);
    ui_pagination(&b, arena_printf(a, "/bases/%lld", (long long)base.id), page,
                  (total + RESSOURCES_PER_PAGE - 1) / RESSOURCES_PER_PAGE);
    if ((rc = quality_render_base_collections(&b, req, base.id)) != 0)
        return rc;
    const char *notice = NULL;
    if (http_param(&req->query, "cree"))
        notice = "La base est créée : vous en êtes l'administrateur.";
    else if (http_param(&req->query, "demande"))
        notice = "Votre demande est envoyée aux administrateurs de la base.";
    return shell_render(req, resp, &(struct shell_page){.title = base.nom, .notice = notice},
                        buf_cstr(&b));
}

/* The base of the route for its administrators only. */
static int load_admin(struct http_request *req, struct base *out)
{
    int rc = rs_load_base(req, out);
    if (rc)
        return rc;
    if (!bases_is_admin(rs_db(req), auth_of(req), out->id))
        return http_fail(req, ERR_FORBIDDEN,
                         "Seuls les administrateurs de la base peuvent faire cela.", NULL);
    return 0;
}

int rs_page_base_edit_form(struct http_request *req, struct http_response *resp)
{
    struct base base;
    int rc = load_admin(req, &base);
    if (rc)
        return rc;
    struct buf b = rs_buf(req);
    ui_h1(&b, "Modifier la base");
    struct ui_errors errs = {0};
    base_form(&b, auth_of(req),
              arena_printf(req->arena, "/bases/%lld/modifier", (long long)base.id), &base, &errs,
              "Enregistrer");
    return shell_render(req, resp, &(struct shell_page){.title = "Modifier la base"}, buf_cstr(&b));
}

int rs_page_base_edit(struct http_request *req, struct http_response *resp)
{
    struct base base;
    int rc = load_admin(req, &base);
    if (rc)
        return rc;
    int64_t old_structure = base.structure_id;
    const char *old_departement = base.departement;
    base_from_form(req, &base);
    struct ui_errors errs = {0};
    structure_from_form(req, &base, old_structure, &errs);
    if (base.structure_id && base.structure_id == old_structure && !base.departement)
        base.departement = old_departement;
    rc = errs.n ? ERR_INVALID : base_update(rs_db(req), &base, &errs);
    if (rc == ERR_INVALID) {
        struct buf b = rs_buf(req);
        ui_h1(&b, "Modifier la base");
        base_form(&b, auth_of(req),
                  arena_printf(req->arena, "/bases/%lld/modifier", (long long)base.id), &base,
                  &errs, "Enregistrer");
        return shell_render(req, resp,
                            &(struct shell_page){.title = "Modifier la base", .status = 400},
                            buf_cstr(&b));
    }
    if (rc)
        return rc;
    /* The visibility of a base changes who finds its resources. */
    struct ressource_row *rows;
    size_t n;
    int64_t total;
    for (int64_t off = 0;; off += 200) {
        if (ressources_of_base(rs_db(req), req->arena, base.id, true, off, 200, &rows, &n,
                               &total) != 0 ||
            !n)
            break;
        for (size_t i = 0; i < n; i++)
            rs_after_write(req, rows[i].id);
    }
    http_redirect(resp, arena_printf(req->arena, "/bases/%lld", (long long)base.id));
    return 0;
}

static void members_page(struct http_request *req, struct buf *b, const struct base *base,
                         bool admin, const struct ui_errors *errs, const char *email)
{
    struct arena *a = req->arena;
    const struct auth *au = auth_of(req);
    struct db *db = rs_db(req);
    ui_h1(b, arena_printf(a, "Membres de « %s »", base->nom));
    ui_error_summary(b, errs);
    struct base_member *m;
    size_t n = 0;
    base_members(db, a, base->id, &m, &n);
    static const char *const head[] = {"Nom", "Rôle", "Actions"};
    struct ui_table t = {"Membres", head, admin ? 3 : 2, false};
    ui_table_begin(b, &t);
    for (size_t i = 0; i < n; i++) {
        html_lit(b, "<tr class=\"govuk-table__row\"><td class=\"govuk-table__cell\">");
        html_text(b, m[i].name);
        html_lit(b, "</td><td class=\"govuk-table__cell\">");
        html_text(b, m[i].admin ? "Administrateur" : "Membre");
        html_lit(b, "</td>");
        if (admin) {
            html_lit(b, "<td class=\"govuk-table__cell\">");
            ui_form_begin(b,
                          arena_printf(a, "/bases/%lld/membres/%lld", (long long)base->id,
                                       (long long)m[i].user_id),
                          "post", au->csrf_token, false);
            if (m[i].admin)
                rs_action_button(b, "membre", arena_printf(a, "Rendre %s membre", m[i].name),
                                 false);
            else
                rs_action_button(b, "admin", arena_printf(a, "Rendre %s administrateur", m[i].name),
                                 false);
            rs_action_button(b, "retirer", arena_printf(a, "Retirer %s", m[i].name), false);
            ui_form_end(b);
            html_lit(b, "</td>");
        }
        html_lit(b, "</tr>");
    }
    ui_table_end(b);
    if (!admin)
        return;
    ui_h2(b, "Inviter une personne");
    ui_form_begin(b, arena_printf(a, "/bases/%lld/invitations", (long long)base->id), "post",
                  au->csrf_token, false);
    ui_input(b, &(struct ui_field){.name = "email",
                                   .label = "Adresse e-mail",
                                   .hint = "L'adresse de son compte Relais. La personne verra "
                                           "l'invitation sur la page des bases.",
                                   .value = email,
                                   .error = ui_errors_for(errs, "email"),
                                   .type = UI_EMAIL,
                                   .autocomplete = "off"});
    struct ui_option roles[] = {{"membre", "Membre", true}, {"admin", "Administrateur", false}};
    ui_choices(b, &(struct ui_field){.name = "role", .label = "Rôle"}, roles, 2, false);
    ui_button(b, "Inviter", UI_BUTTON_PRIMARY);
    ui_form_end(b);
    struct base_invitation *inv;
    size_t ni = 0;
    base_invitations(db, a, 0, base->id, &inv, &ni);
    if (ni) {
        ui_h2(b, "Invitations en attente");
        html_lit(b, "<ul class=\"govuk-list\">");
        for (size_t i = 0; i < ni; i++) {
            html_lit(b, "<li>");
            html_text(b, arena_printf(a, "%s (%s), le %s", inv[i].user_name, inv[i].user_email,
                                      rs_date(a, inv[i].created_at)));
            html_lit(b, "</li>");
        }
        html_lit(b, "</ul>");
    }
    struct base_join_request *jr;
    size_t nj = 0;
    base_join_requests(db, a, base->id, &jr, &nj);
    ui_h2(b, "Demandes pour rejoindre la base");
    if (!nj)
        ui_p(b, "Aucune demande en attente.");
    for (size_t i = 0; i < nj; i++) {
        html_lit(b, "<div class=\"relais-demande\">");
        ui_p(b, arena_printf(a, "%s (%s), le %s%s%s", jr[i].user_name, jr[i].user_email,
                             rs_date(a, jr[i].created_at), *jr[i].message ? " : " : "",
                             jr[i].message));
        ui_form_begin(
            b,
            arena_printf(a, "/bases/%lld/demandes/%lld", (long long)base->id, (long long)jr[i].id),
            "post", au->csrf_token, false);
        rs_action_button(b, "accepter", arena_printf(a, "Accepter %s", jr[i].user_name), true);
        rs_action_button(b, "refuser", arena_printf(a, "Refuser %s", jr[i].user_name), false);
        ui_form_end(b);
        html_lit(b, "</div>");
    }
}

int rs_page_base_members(struct http_request *req, struct http_response *resp)
{
    struct base base;
    int rc = rs_load_base(req, &base);
    if (rc)
        return rc;
    struct db *db = rs_db(req);
    const struct auth *au = auth_of(req);
    if (!bases_is_member(db, au, base.id))
        return http_fail(req, ERR_FORBIDDEN, "Seuls les membres de la base voient ses membres.",
                         NULL);
    struct buf b = rs_buf(req);
    struct ui_errors errs = {0};
    members_page(req, &b, &base, bases_is_admin(db, au, base.id), &errs, NULL);
    const char *notice = NULL;
    const char *ok = http_param(&req->query, "fait");
    if (ok && strcmp(ok, "invitation") == 0)
        notice = "L'invitation est envoyée : la personne la verra sur la page des bases.";
    else if (ok)
        notice = "C'est fait.";
    return shell_render(req, resp, &(struct shell_page){.title = "Membres", .notice = notice},
                        buf_cstr(&b));
}

int rs_page_base_invite(struct http_request *req, struct http_response *resp)
{
    struct base base;
    int rc = load_admin(req, &base);
    if (rc)
        return rc;
    const char *email = http_param(&req->form, "email");
    const char *role = http_param(&req->form, "role");
    struct ui_errors errs = {0};
    if (!email || !str_trim(str_from(email)).len || !strchr(email, '@')) {
        ui_errors_add(&errs, "email", "Saisissez l'adresse e-mail d'un compte, avec un @.");
    } else {
        rc = base_invite(rs_db(req), req->arena, base.id,
                         str_dup(str_trim(str_from(email)), req->arena),
                         role && strcmp(role, "admin") == 0, auth_of(req)->user_id);
        if (rc == ERR_NOT_FOUND)
            ui_errors_add(&errs, "email",
                          "Aucun compte actif n'a cette adresse : demandez à la personne "
                          "l'adresse de son compte, ou à son coordinateur de lui en créer un.");
        else if (rc == ERR_CONFLICT)
            ui_errors_add(&errs, "email",
                          "Cette personne est déjà membre de la base ou déjà invitée.");
        else if (rc)
            return rc;
    }
    if (errs.n) {
        struct buf b = rs_buf(req);
        members_page(req, &b, &base, true, &errs, email);
        return shell_render(req, resp, &(struct shell_page){.title = "Membres", .status = 400},
                            buf_cstr(&b));
    }
    http_redirect(
        resp, arena_printf(req->arena, "/bases/%lld/membres?fait=invitation", (long long)base.id));
    return 0;
}

int rs_page_base_member_change(struct http_request *req, struct http_response *resp)
{
    struct base base;
    int rc = load_admin(req, &base);
    if (rc)
        return rc;
    int64_t user_id = rs_path_id(req, "user");
    const char *action = http_param(&req->form, "action");
    if (!user_id || !action)
        return http_fail(req, ERR_INVALID, "Choisissez une action : admin, membre ou retirer.",
                         "action");
    if (strcmp(action, "retirer") == 0)
        rc = base_member_remove(rs_db(req), base.id, user_id);
    else if (strcmp(action, "admin") == 0 || strcmp(action, "membre") == 0)
        rc = base_member_set(rs_db(req), base.id, user_id, action[0] == 'a');
    else
        return http_fail(req, ERR_INVALID, "Choisissez une action : admin, membre ou retirer.",
                         "action");
    if (rc == ERR_CONFLICT)
        return http_fail(req, ERR_CONFLICT,
                         "Une base garde au moins un administrateur : nommez-en un autre "
                         "d'abord.",
                         NULL);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND, "Cette personne n'est pas membre de la base.", NULL);
    if (rc)
        return rc;
    http_redirect(resp, arena_printf(req->arena, "/bases/%lld/membres?fait=1", (long long)base.id));
    return 0;
}

int rs_page_base_join(struct http_request *req, struct http_response *resp)
{
    struct base base;
    int rc = rs_load_base(req, &base);
    if (rc)
        return rc;
    const char *message = http_param(&req->form, "message");
    if (message && strlen(message) > 2000)
        return http_fail(req, ERR_INVALID, "Le message tient en 2 000 caractères au plus.",
                         "message");
    rc = base_join_request(rs_db(req), base.id, auth_of(req)->user_id, message);
    if (rc == ERR_CONFLICT)
        return http_fail(req, ERR_CONFLICT,
                         "Vous êtes déjà membre de cette base, ou votre demande attend déjà une "
                         "réponse.",
                         NULL);
    if (rc)
        return rc;
    http_redirect(resp, arena_printf(req->arena, "/bases/%lld?demande=1", (long long)base.id));
    return 0;
}

static int decision(struct http_request *req, bool *accept)
{
    const char *action = http_param(&req->form, "action");
    if (action && strcmp(action, "accepter") == 0)
        *accept = true;
    else if (action && strcmp(action, "refuser") == 0)
        *accept = false;
    else
        return http_fail(req, ERR_INVALID, "Choisissez « accepter » ou « refuser ».", "action");
    return 0;
}

int rs_page_base_join_decide(struct http_request *req, struct http_response *resp)
{
    struct base base;
    int rc = load_admin(req, &base);
    if (rc)
        return rc;
    bool accept;
    if ((rc = decision(req, &accept)) != 0)
        return rc;
    rc = base_join_decide(rs_db(req), rs_path_id(req, "demande"), base.id, auth_of(req)->user_id,
                          accept);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND, "Cette demande n'existe pas ou a déjà une réponse.",
                         NULL);
    if (rc)
        return rc;
    http_redirect(resp, arena_printf(req->arena, "/bases/%lld/membres?fait=1", (long long)base.id));
    return 0;
}

int rs_page_invitation_decide(struct http_request *req, struct http_response *resp)
{
    bool accept;
    int rc = decision(req, &accept);
    if (rc)
        return rc;
    int64_t base_id = 0;
    rc = base_invitation_decide(rs_db(req), rs_path_id(req, "id"), auth_of(req)->user_id, accept,
                                &base_id);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND,
                         "Cette invitation n'existe pas, ne vous est pas adressée ou a déjà une "
                         "réponse.",
                         NULL);
    if (rc)
        return rc;
    http_redirect(resp,
                  accept ? arena_printf(req->arena, "/bases/%lld", (long long)base_id) : "/bases");
    return 0;
}
