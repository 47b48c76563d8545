/*
 * The path to autonomy of one person (/beneficiaires/{id}/parcours): the progress from the first
 * level recorded to the latest, then every accompaniment in date order with its level, for the
 * médiateurs who may see the record (beneficiaires.h).
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

int suivi_page_parcours(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct arena *a = req->arena;
    int64_t id;
    if (cstr_to_int64(http_path_param(req, "id"), &id) || id <= 0)
        return http_fail(req, ERR_NOT_FOUND, "Cette personne n'existe pas.", NULL);
    struct beneficiaire x;
    int rc = beneficiaire_get(ctx->db, a, id, &x);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND, "Cette personne n'existe pas.", NULL);
    if (rc)
        return rc;
    if (!beneficiaire_can_see(auth_of(req), &x))
        return http_fail(req, ERR_FORBIDDEN,
                         "Cette personne est suivie par une autre structure : seuls les "
                         "médiateurs de sa structure voient son parcours.",
                         NULL);
    struct suivi_etape *steps;
    size_t n;
    if ((rc = suivi_parcours(ctx->db, a, x.id, &steps, &n)))
        return rc;
    const char *name = x.anonyme ? arena_printf(a, "la personne anonyme n° %lld", (long long)x.id)
                                 : arena_printf(a, "%s %s", x.prenom, x.nom);
    struct buf b;
    buf_init(&b, a, LIMIT_PAGE_BYTES);
    ui_h1(&b, arena_printf(a, "Parcours vers l'autonomie de %s", name));
    struct suivi_progression p;
    suivi_progression(steps, n, &p);
    if (n == 0) {
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
    struct suivi_etape_vue *v = arena_calloc(a, n + 1, sizeof(*v));
    int previous = 0;
    for (size_t i = 0; i < n; i++) {
        const struct suivi_etape *e = &steps[i];
        int level = suivi_niveau(e->autonomie);
        const char *type = vocab_label(&vocab_cra_type, vocab_find(&vocab_cra_type, e->type));
        v[i] = (struct suivi_etape_vue){
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
    if (n) {
        ui_h2(&b, "Accompagnements, du premier au dernier");
        ui_prose_begin(&b);
        suivi_timeline_html(&b, v, n);
        ui_prose_end(&b);
    }
    ui_link(&b, "Revenir à la fiche", arena_printf(a, "/beneficiaires/%lld", (long long)x.id));
    return shell_render(req, resp, &(struct shell_page){.title = "Parcours vers l'autonomie"},
                        buf_cstr(&b));
}
