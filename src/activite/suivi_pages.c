/*
 * The journey of one person (/beneficiaires/{id}/parcours): the progress from the first level
 * recorded to the latest, then every accompaniment in date order with its level, for the
 * médiateurs who may see the record (beneficiaires.h), and in the same list the referrals linked to
 * the record, each shown to the structures that sent or received it (orientation.h).
 */
#include "activite/beneficiaires.h"
#include "activite/suivi.h"
#include "activite/suivi_pages.h"
#include "activite/vocab.h"
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "html/html.h"
#include "html/ui.h"
#include "lieux/pages_common.h"
#include "orientation/orientation.h"
#include "site/shell.h"

#include <string.h>

static const char *labels_of(struct arena *a, const struct vocab *v, const char *list)
{
    const char **items;
    size_t n = lieux_split(a, list, &items);
    struct buf b;
    buf_init(&b, a, 4096);
    for (size_t i = 0; i < n; i++) {
        const char *l = vocab_label(v, vocab_find(v, items[i]));
        buf_adds(&b, i ? ", " : "");
        buf_adds(&b, l ? l : items[i]);
    }
    return buf_cstr(&b);
}

static const char *level_label(const char *autonomie)
{
    return vocab_label(&vocab_autonomie, vocab_find(&vocab_autonomie, autonomie));
}

/* A referral of the person as a step of the timeline. */
static struct suivi_etape_vue referral_vue(struct arena *a, const struct orientation *o)
{
    struct tm tm;
    lieux_paris_time((time_t)o->created_at, &tm);
    const char **items;
    size_t n = lieux_split(a, o->besoins, &items);
    struct buf need;
    buf_init(&need, a, 4096);
    for (size_t i = 0; i < n; i++) {
        buf_adds(&need, i ? ", " : "");
        buf_adds(&need, items[i]);
    }
    return (struct suivi_etape_vue){
        .date = lieux_date_fr(
            a, arena_printf(a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday)),
        .type = arena_printf(a, "Orientation n° %lld", (long long)o->id),
        .orientation_href = arena_printf(a, "/orientations/%lld", (long long)o->id),
        .trajet = arena_printf(a, "De %s vers %s", o->from_structure_nom,
                               o->to_structure_nom ? o->to_structure_nom : o->destination_nom),
        .besoin = buf_cstr(&need),
        .statut = orientation_status_label(o->status),
        .thematiques = "",
    };
}

/* The day of a referral (Paris), to place it among the accompaniments. */
static const char *referral_day(struct arena *a, const struct orientation *o)
{
    struct tm tm;
    lieux_paris_time((time_t)o->created_at, &tm);
    return arena_printf(a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int suivi_page_parcours(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct arena *a = req->arena;
    const struct auth *au = auth_of(req);
    int64_t id;
    if (cstr_to_int64(http_path_param(req, "id"), &id) || id <= 0)
        return http_fail(req, ERR_NOT_FOUND, "Cette personne n'existe pas.", NULL);
    struct beneficiaire x;
    int rc = beneficiaire_get(ctx->db, a, id, &x);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND, "Cette personne n'existe pas.", NULL);
    if (rc)
        return rc;
    /* The médiateurs of the person see the accompaniments; the sender and the receiver of a
     * referral see that referral, and nothing else of the record. */
    bool mediateur = beneficiaire_can_see(au, &x);
    struct orientation *refs;
    size_t n_refs;
    if ((rc = orientation_of_beneficiaire(ctx->db, a, x.id, au->user_id, auth_has(au, ROLE_ADMIN),
                                          &refs, &n_refs)))
        return rc;
    if (!mediateur && n_refs == 0)
        return http_fail(req, ERR_FORBIDDEN,
                         "Cette personne est suivie par une autre structure : seuls les "
                         "médiateurs de sa structure voient son parcours.",
                         NULL);
    struct suivi_etape *steps = NULL;
    size_t n = 0;
    if (mediateur && (rc = suivi_parcours(ctx->db, a, x.id, &steps, &n)))
        return rc;
    const char *name = x.anonyme ? arena_printf(a, "la personne anonyme n° %lld", (long long)x.id)
                                 : arena_printf(a, "%s %s", x.prenom, x.nom);
    struct buf b;
    buf_init(&b, a, LIMIT_PAGE_BYTES);
    ui_h1(&b, mediateur ? arena_printf(a, "Parcours vers l'autonomie de %s", name)
                        : "Parcours de la personne orientée");
    struct suivi_progression p;
    suivi_progression(steps, n, &p);
    if (!mediateur) {
        ui_p(&b, "Vous voyez les orientations de cette personne que votre structure a envoyées ou "
                 "reçues. Ses accompagnements ne sont visibles que des médiateurs qui la suivent.");
    } else if (n == 0) {
        ui_p(&b, "Aucun accompagnement n'est encore enregistré pour cette personne.");
    } else if (!p.premier) {
        ui_p(&b, arena_printf(a,
                              "%zu accompagnement%s, sans niveau d'autonomie relevé (les ateliers "
                              "collectifs n'en relèvent pas).",
                              n, n > 1 ? "s" : ""));
    } else {
        const char *trend =
            p.mesures < 2 ? "Un seul niveau relevé pour l'instant"
            : p.gain > 0
                ? arena_printf(a, "En progrès de %d niveau%s", p.gain, p.gain > 1 ? "x" : "")
            : p.gain < 0
                ? arena_printf(a, "En recul de %d niveau%s", -p.gain, p.gain < -1 ? "x" : "")
                : "Niveau stable";
        ui_notice(&b, UI_NOTICE_INFO, "Progression",
                  arena_printf(a,
                               "Premier niveau relevé : %s. Dernier niveau : %s. %s, sur %zu "
                               "accompagnement%s.",
                               level_label(p.premier), level_label(p.dernier), trend, n,
                               n > 1 ? "s" : ""));
    }
    /* One list by date: accompaniments and referrals merged (a referral after the accompaniments
     * of its day). */
    struct suivi_etape_vue *v = arena_calloc(a, n + n_refs + 1, sizeof(*v));
    size_t k = 0, r = 0;
    int previous = 0;
    for (size_t i = 0; i <= n; i++) {
        while (r < n_refs && (i == n || strcmp(referral_day(a, &refs[r]), steps[i].date) < 0))
            v[k++] = referral_vue(a, &refs[r++]);
        if (i == n)
            break;
        const struct suivi_etape *e = &steps[i];
        int level = suivi_niveau(e->autonomie);
        const char *type = vocab_label(&vocab_cra_type, vocab_find(&vocab_cra_type, e->type));
        v[k++] = (struct suivi_etape_vue){
            .date = lieux_date_fr(a, e->date),
            .type = e->titre_atelier && *e->titre_atelier
                        ? arena_printf(a, "%s « %s »", type ? type : e->type, e->titre_atelier)
                        : (type ? type : e->type),
            .thematiques = labels_of(a, &vocab_thematique, e->thematiques),
            .niveau = level ? level_label(e->autonomie) : NULL,
            .etoiles = level,
            .evolution = !level || !previous ? NULL
                         : level > previous  ? "en progrès"
                         : level < previous  ? "en recul"
                                             : "stable",
            .qui = arena_printf(a, "%s, %s", e->mediateur_nom, e->structure_nom),
            .duree = lieux_minutes_fr(a, (double)e->duree),
        };
        if (level)
            previous = level;
    }
    if (k) {
        ui_h2(&b, n_refs && n ? "Accompagnements et orientations, du premier au dernier"
                  : n_refs    ? "Orientations, de la première à la dernière"
                              : "Accompagnements, du premier au dernier");
        ui_prose_begin(&b);
        suivi_timeline_html(&b, v, k);
        ui_prose_end(&b);
    }
    if (mediateur)
        ui_link(&b, "Revenir à la fiche", arena_printf(a, "/beneficiaires/%lld", (long long)x.id));
    return shell_render(req, resp,
                        &(struct shell_page){.title = mediateur
                                                          ? "Parcours vers l'autonomie"
                                                          : "Parcours de la personne orientée"},
                        buf_cstr(&b));
}
