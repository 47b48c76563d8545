/*
 * The reviews of a resource: their page (summary, the form to give or change one's review, every
 * review with the authors' replies, page by page), saving and deleting one's review, and the
 * authors' reply. Saving a review refreshes the resource's search document, whose quality blending
 * and « plus recommandées » sort read the reviews.
 */
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "db/db.h"
#include "html/html.h"
#include "html/ui.h"
#include "ressources/access.h"
#include "ressources/pages.h"
#include "ressources/quality.h"
#include "ressources/quality_handlers.h"
#include "ressources/reviews.h"
#include "site/shell.h"

#include <string.h>

#define REVIEWS_PER_PAGE 10

static const char *answer_value(enum review_answer v)
{
    return v == REVIEW_OUI ? "oui" : v == REVIEW_NON ? "non" : "";
}

bool quality_may_review(struct http_request *req, const struct ressource *r, const char **why)
{
    const struct auth *au = auth_of(req);
    if (!auth_signed_in(au)) {
        *why = "Connectez-vous pour donner votre avis.";
        return false;
    }
    if (!r->published) {
        *why = "Une ressource en brouillon ne reçoit pas encore d'avis.";
        return false;
    }
    /* Authorship, not the admin's power to edit everything: an admin reviews like anyone. */
    struct auth plain = *au;
    plain.roles &= ~(unsigned)ROLE_ADMIN;
    if (ressources_can_edit(rs_db(req), &plain, r->id)) {
        *why = "Vous êtes l'un des auteurs de cette ressource (ou membre de sa base) : vous ne "
               "pouvez pas lui donner d'avis, mais vous pouvez répondre aux avis.";
        return false;
    }
    *why = NULL;
    return true;
}

bool quality_may_reply(struct http_request *req, const struct ressource *r)
{
    struct db *db = rs_db(req);
    const struct auth *au = auth_of(req);
    return auth_signed_in(au) && (ressources_can_edit(db, au, r->id) ||
                                  (r->base_id && bases_is_admin(db, au, r->base_id)));
}

static void answer_choices(struct buf *b, const char *name, const char *label, const char *value,
                           const struct ui_errors *errs)
{
    const char *v = value ? value : "";
    const struct ui_option opts[] = {
        {"oui", "Oui", strcmp(v, "oui") == 0},
        {"non", "Non", strcmp(v, "non") == 0},
        {"", "Sans réponse", strcmp(v, "oui") != 0 && strcmp(v, "non") != 0},
    };
    ui_choices(b,
               &(struct ui_field){.name = name, .label = label, .error = ui_errors_for(errs, name)},
               opts, 3, false);
}

void quality_render_review_form(struct buf *b, struct http_request *req, int64_t ressource_id,
                                const struct review_form *values, const struct ui_errors *errs)
{
    struct arena *a = req->arena;
    const struct auth *au = auth_of(req);
    struct review_form v = {0};
    struct review mine;
    bool has_mine = reviews_get_mine(rs_db(req), a, ressource_id, au->user_id, &mine) == 0;
    if (values) {
        v = *values;
    } else if (has_mine) {
        v.recommandation = arena_printf(a, "%d", mine.recommandation);
        v.a_jour = answer_value(mine.a_jour);
        v.facile_atelier = answer_value(mine.facile_atelier);
        v.commentaire = mine.commentaire;
    }
    ui_form_begin(b, arena_printf(a, "/ressources/%lld/avis", (long long)ressource_id), "post",
                  au->csrf_token, false);
    const char *r = v.recommandation ? v.recommandation : "";
    struct ui_option opts[4];
    for (int i = 0; i < 4; i++) {
        const char *val = arena_printf(a, "%d", i + 1);
        opts[i] = (struct ui_option){val, reviews_rating_label(i + 1), strcmp(r, val) == 0};
    }
    ui_choices(b,
               &(struct ui_field){.name = "recommandation",
                                  .label = "Recommandez-vous cette ressource ?",
                                  .error = ui_errors_for(errs, "recommandation"),
                                  .required = true},
               opts, 4, false);
    answer_choices(b, "a_jour", "Est-elle à jour ?", v.a_jour, errs);
    answer_choices(b, "facile_atelier", "Est-elle facile à utiliser en atelier ?", v.facile_atelier,
                   errs);
    ui_textarea(b,
                &(struct ui_field){.name = "commentaire",
                                   .label = "Commentaire",
                                   .hint = "Ce qui a marché, ce qui manque. 2 000 caractères au "
                                           "plus.",
                                   .value = v.commentaire,
                                   .error = ui_errors_for(errs, "commentaire")},
                4);
    ui_button(b, has_mine ? "Modifier mon avis" : "Publier mon avis", UI_BUTTON_PRIMARY);
    ui_form_end(b);
    if (has_mine) {
        ui_form_begin(b,
                      arena_printf(a, "/ressources/%lld/avis/supprimer", (long long)ressource_id),
                      "post", au->csrf_token, false);
        ui_button(b, "Supprimer mon avis", UI_BUTTON_WARNING);
        ui_form_end(b);
    }
}

static const char *answer_label(enum review_answer v)
{
    return v == REVIEW_OUI ? "oui" : v == REVIEW_NON ? "non" : NULL;
}

/* One review as a card: who, the answers, the comment, the reply (and its form for the
 * authors). */
static void review_item(struct buf *b, struct http_request *req, const struct ressource *r,
                        const struct review *rv, bool may_reply)
{
    struct arena *a = req->arena;
    struct buf body;
    buf_init(&body, a, 64 * 1024);
    ui_p(&body, arena_printf(a, "Recommande : %s.", reviews_rating_label(rv->recommandation)));
    const char *aj = answer_label(rv->a_jour), *fa = answer_label(rv->facile_atelier);
    if (aj || fa)
        ui_p(&body,
             arena_printf(a, "%s%s%s%s%s", aj ? "À jour : " : "", aj ? aj : "", aj ? "." : "",
                          aj && fa ? " " : "",
                          fa ? arena_printf(a, "Facile à utiliser en atelier : %s.", fa) : ""));
    if (rv->commentaire)
        ui_p(&body, rv->commentaire);
    ui_p(&body, arena_printf(a, "Le %s.", rs_date(a, rv->updated_at)));
    if (rv->reponse)
        ui_notice(&body, UI_NOTICE_INFO,
                  arena_printf(a, "Réponse de %s, le %s",
                               rv->reponse_par_nom ? rv->reponse_par_nom : "l'auteur",
                               rs_date(a, rv->reponse_at)),
                  rv->reponse);
    if (may_reply) {
        ui_form_begin(&body,
                      arena_printf(a, "/ressources/%lld/avis/%lld/reponse", (long long)r->id,
                                   (long long)rv->id),
                      "post", auth_of(req)->csrf_token, false);
        ui_textarea(
            &body,
            &(struct ui_field){.name = "reponse",
                               .label = arena_printf(a, "Votre réponse à %s", rv->user_name),
                               .hint = "Laissez vide et enregistrez pour retirer la réponse.",
                               .value = rv->reponse},
            2);
        ui_button(&body, rv->reponse ? "Modifier la réponse" : "Répondre", UI_BUTTON_SECONDARY);
        ui_form_end(&body);
    }
    ui_card_at(b, 3, arena_printf(a, "Avis de %s", rv->user_name), NULL, buf_cstr(&body));
}

static int render_page(struct http_request *req, struct http_response *resp,
                       const struct ressource *r, const struct review_form *values,
                       const struct ui_errors *errs, int status)
{
    struct arena *a = req->arena;
    struct db *db = rs_db(req);
    int64_t page = rs_page_number(req);
    struct review *list;
    size_t n;
    int64_t total;
    int rc = reviews_list(db, a, r->id, (page - 1) * REVIEWS_PER_PAGE, REVIEWS_PER_PAGE, &list, &n,
                          &total);
    if (rc)
        return rc;
    struct buf b = rs_buf(req);
    ui_h1(&b, arena_printf(a, "Avis sur « %s »", r->titre));
    ui_error_summary(&b, errs);
    quality_render_reviews_summary(&b, req, r->id);
    const char *why;
    if (quality_may_review(req, r, &why)) {
        ui_h2(&b, "Votre avis");
        quality_render_review_form(&b, req, r->id, values, errs);
    } else if (!auth_signed_in(auth_of(req))) {
        quality_link(&b, "Connectez-vous pour donner votre avis",
                     arena_printf(a, "/connexion?retour=/ressources/%lld/avis", (long long)r->id));
    } else {
        ui_p(&b, why);
    }
    bool may_reply = quality_may_reply(req, r);
    if (n) {
        ui_h2(&b, "Tous les avis");
        for (size_t i = 0; i < n; i++)
            review_item(&b, req, r, &list[i], may_reply);
        ui_pagination(&b, arena_printf(a, "/ressources/%lld/avis", (long long)r->id), page,
                      (total + REVIEWS_PER_PAGE - 1) / REVIEWS_PER_PAGE);
    }
    quality_link(&b, "Revenir à la ressource", quality_ressource_path(a, r->id));
    return shell_render(req, resp,
                        &(struct shell_page){.title = "Avis sur une ressource",
                                             .status = status,
                                             .notice = quality_notice(req)},
                        buf_cstr(&b));
}

int reviews_page_list(struct http_request *req, struct http_response *resp)
{
    struct ressource r;
    int rc = rs_load_ressource(req, false, &r);
    if (rc)
        return rc;
    return render_page(req, resp, &r, NULL, &(struct ui_errors){0}, 200);
}

int reviews_page_save(struct http_request *req, struct http_response *resp)
{
    struct ressource r;
    int rc = rs_load_ressource(req, false, &r);
    if (rc)
        return rc;
    const char *why;
    if (!quality_may_review(req, &r, &why))
        return http_fail(req, ERR_FORBIDDEN, why, NULL);
    struct review_form f = {
        http_param(&req->form, "recommandation"), http_param(&req->form, "a_jour"),
        http_param(&req->form, "facile_atelier"), http_param(&req->form, "commentaire")};
    struct ui_errors errs = {0};
    struct review rv;
    if (reviews_validate(req->arena, &f, &rv, &errs))
        return render_page(req, resp, &r, &f, &errs, 400);
    if ((rc = reviews_save(rs_db(req), r.id, auth_of(req)->user_id, &rv)))
        return rc;
    rs_after_write(req, r.id);
    http_redirect(resp, arena_printf(req->arena, "/ressources/%lld/avis?ok=avis", (long long)r.id));
    return 0;
}

int reviews_page_delete(struct http_request *req, struct http_response *resp)
{
    struct ressource r;
    int rc = rs_load_ressource(req, false, &r);
    if (rc)
        return rc;
    rc = reviews_delete(rs_db(req), r.id, auth_of(req)->user_id);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND, "Vous n'avez pas d'avis sur cette ressource.", NULL);
    if (rc)
        return rc;
    rs_after_write(req, r.id);
    http_redirect(
        resp, arena_printf(req->arena, "/ressources/%lld/avis?ok=avis-supprime", (long long)r.id));
    return 0;
}

int reviews_page_reply(struct http_request *req, struct http_response *resp)
{
    struct ressource r;
    int rc = rs_load_ressource(req, false, &r);
    if (rc)
        return rc;
    if (!quality_may_reply(req, &r))
        return http_fail(req, ERR_FORBIDDEN,
                         "Seuls les auteurs de la ressource et les administrateurs de sa base "
                         "répondent aux avis.",
                         NULL);
    struct review rv;
    int64_t aid = rs_path_id(req, "aid");
    rc = aid ? reviews_get(rs_db(req), req->arena, aid, &rv) : ERR_NOT_FOUND;
    if (rc == ERR_NOT_FOUND || (rc == 0 && rv.ressource_id != r.id))
        return http_fail(req, ERR_NOT_FOUND, "Cet avis n'existe pas.", NULL);
    if (rc)
        return rc;
    struct str text = str_trim(str_from(http_param(&req->form, "reponse")));
    const char *reponse = str_dup(text, req->arena);
    if (quality_chars(reponse) > LIMIT_REVIEW_COMMENT_CHARS)
        return http_fail(req, ERR_INVALID, "Réponse : 2 000 caractères au plus.", "reponse");
    if ((rc = reviews_reply(rs_db(req), rv.id, reponse, auth_of(req)->user_id)))
        return rc;
    http_redirect(resp,
                  arena_printf(req->arena, "/ressources/%lld/avis?ok=reponse", (long long)r.id));
    return 0;
}
