/*
 * The CRA pages: « Enregistrer une activité » (/activites/nouvelle, one page for the three kinds,
 * with « Dupliquer la dernière activité »), « Mes activités » (/activites, filtered by period and
 * kind, newest first, by pages), one CRA (/activites/{id}), its edit and its deletion with a
 * confirmation.
 *
 * Who: a médiateur records CRAs for the first structure they are a médiateur of, and edits or
 * deletes only their own. The administrators of a structure, the coordinateurs of a département
 * and the platform's admins read the CRAs of their scope, never change them.
 *
 * The form works without JavaScript: every section is on the page, each says which kind it is
 * for, and what does not belong to the chosen kind is dropped on save (cra_normalise). The
 * thématiques and durations the médiateur uses most come first. A form with errors comes back with
 * what was typed and a French message per field; nothing is stored.
 */
#include "activite/cra.h"
#include "activite/pages_cra.h"
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "db/db.h"
#include "html/ui.h"
#include "lieux/communes.h"
#include "lieux/lieux.h"
#include "lieux/pages_common.h"
#include "site/shell.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LIST_PAGE_SIZE 30

static struct buf page_buf(struct http_request *req)
{
    struct buf b;
    buf_init(&b, req->arena, LIMIT_PAGE_BYTES);
    return b;
}

/* The structure a médiateur records for: their first membership as médiateur. */
static const struct auth_membership *mediateur_membership(const struct auth *au)
{
    for (size_t i = 0; i < au->n_memberships; i++)
        if (au->memberships[i].role == ROLE_MEDIATEUR)
            return &au->memberships[i];
    return NULL;
}

static int need_mediateur(struct http_request *req, const struct auth_membership **m)
{
    *m = mediateur_membership(auth_of(req));
    if (!*m)
        return http_fail(req, ERR_FORBIDDEN,
                         "Seuls les médiateurs d’une structure enregistrent des activités.", NULL);
    return 0;
}

static bool can_read(const struct auth *au, const struct cra *c)
{
    return c->mediateur_id == au->user_id ||
           auth_can_manage_structure(au, c->structure_id, c->departement);
}

/* The CRA of the route's {id}; own: only its médiateur may go on. */
static int load_cra(struct http_request *req, bool own, struct cra *c)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *au = auth_of(req);
    int64_t id;
    if (cstr_to_int64(http_path_param(req, "id"), &id) || id <= 0)
        return http_fail(req, ERR_NOT_FOUND, "Cette activité n’existe pas.", NULL);
    int rc = cra_get(ctx->db, req->arena, id, false, c);
    if (rc == ERR_NOT_FOUND || (rc == 0 && !can_read(au, c) && c->mediateur_id != au->user_id))
        return http_fail(req, ERR_NOT_FOUND, "Cette activité n’existe pas.", NULL);
    if (rc)
        return rc;
    if (own && c->mediateur_id != au->user_id)
        return http_fail(req, ERR_FORBIDDEN,
                         "Seul le médiateur qui a enregistré cette activité peut la modifier ou "
                         "la supprimer.",
                         NULL);
    return 0;
}

static const char *duree_fr(struct arena *a, int minutes)
{
    if (minutes < 60)
        return arena_printf(a, "%d min", minutes);
    if (minutes % 60 == 0)
        return arena_printf(a, "%d h", minutes / 60);
    return arena_printf(a, "%d h %02d", minutes / 60, minutes % 60);
}

static const char *thematiques_fr(struct arena *a, const struct cra *c)
{
    struct buf b;
    buf_init(&b, a, 4096);
    for (size_t i = 0; i < c->n_thematiques; i++)
        buf_addf(&b, "%s%s", i ? ", " : "", vocab_label(&vocab_thematique, (int)c->thematiques[i]));
    return buf_cstr(&b);
}

/* ---- the form's values, as text ---- */

static const char *int_text(struct arena *a, int64_t v)
{
    return arena_printf(a, "%lld", (long long)v);
}

static const char *count_text(struct arena *a, int v) { return v ? int_text(a, v) : NULL; }

static const char *commune_text(const char *nom, const char *insee)
{
    return nom && *nom ? nom : insee;
}

/* What a stored CRA puts into the form. */
static void input_from_cra(struct arena *a, const struct cra *c, struct cra_input *in)
{
    memset(in, 0, sizeof(*in));
    in->type = vocab_value(&vocab_cra_type, (int)c->type);
    in->date = c->date;
    bool preset = false;
    for (size_t i = 0; i < 6; i++)
        preset |= vocab_duree_presets[i] == c->duree;
    in->duree = c->duree ? (preset ? int_text(a, c->duree) : "autre") : NULL;
    in->duree_autre = c->duree && !preset ? int_text(a, c->duree) : NULL;
    in->type_lieu = vocab_value(&vocab_type_lieu, (int)c->type_lieu);
    in->lieu_id = c->lieu_id ? int_text(a, c->lieu_id) : NULL;
    in->commune = commune_text(c->commune_nom, c->commune_code_insee);
    in->autonomie = vocab_value(&vocab_autonomie, (int)c->autonomie);
    in->oriente = c->oriente < 0 ? NULL : c->oriente ? "oui" : "non";
    in->structure_de_redirection =
        vocab_value(&vocab_structure_redirection, (int)c->structure_de_redirection);
    in->precisions_demarche = c->precisions_demarche;
    in->titre_atelier = c->titre_atelier;
    in->niveau_atelier = vocab_value(&vocab_niveau_atelier, (int)c->niveau_atelier);
    in->notes = c->notes;
    const char **t = arena_calloc(a, THEMATIQUE_COUNT, sizeof(*t));
    for (size_t i = 0; i < c->n_thematiques; i++)
        t[i] = vocab_value(&vocab_thematique, (int)c->thematiques[i]);
    in->thematiques = t;
    in->n_thematiques = c->n_thematiques;
    const char **m = arena_calloc(a, MATERIEL_COUNT, sizeof(*m));
    for (size_t i = 0; i < c->n_materiel; i++)
        m[i] = vocab_value(&vocab_materiel, (int)c->materiel[i]);
    in->materiel = m;
    in->n_materiel = c->n_materiel;
    if (c->type == CRA_COLLECTIF) {
        const char **p = arena_calloc(a, c->n_participants + 1, sizeof(*p));
        for (size_t i = 0; i < c->n_participants; i++)
            p[i] = int_text(a, c->participants[i].beneficiaire_id);
        in->participants = p;
        in->n_participants = c->n_participants;
    } else if (c->n_participants && !c->participants[0].anonyme) {
        in->beneficiaire_id = int_text(a, c->participants[0].beneficiaire_id);
    }
    const char **tg = arena_calloc(a, c->n_tags + 1, sizeof(*tg));
    for (size_t i = 0; i < c->n_tags; i++)
        tg[i] = int_text(a, c->tags[i]);
    in->tags = tg;
    in->n_tags = c->n_tags;
    const struct cra_participants_anonymes *an = &c->anonymes;
    in->anon_total = count_text(a, an->total);
    in->anon_deja_accompagne = count_text(a, an->deja_accompagne);
    for (int i = 0; i < GENRE_COUNT; i++)
        in->anon_genre[i] = count_text(a, an->genre[i]);
    for (int i = 0; i < TRANCHE_AGE_COUNT; i++)
        in->anon_tranche_age[i] = count_text(a, an->tranche_age[i]);
    for (int i = 0; i < STATUT_SOCIAL_COUNT; i++)
        in->anon_statut_social[i] = count_text(a, an->statut_social[i]);
    in->nouveau_genre = vocab_value(&vocab_genre, (int)c->nouveau.genre);
    in->nouveau_tranche_age = vocab_value(&vocab_tranche_age, (int)c->nouveau.tranche_age);
    in->nouveau_statut_social = vocab_value(&vocab_statut_social, (int)c->nouveau.statut_social);
    in->nouveau_commune = commune_text(c->nouveau.commune_nom, c->nouveau.commune_code_insee);
}

static const char *const *all_of(struct http_request *req, const char *name, size_t max, size_t *n)
{
    const char **v = arena_calloc(req->arena, max, sizeof(*v));
    *n = http_param_all(&req->form, name, v, max);
    return v;
}

static const char *anon_name(struct arena *a, const char *group, const char *value)
{
    return arena_printf(a, "anon_%s_%s", group, value);
}

static void input_from_form(struct http_request *req, struct cra_input *in)
{
    const struct http_params *f = &req->form;
    struct arena *a = req->arena;
    memset(in, 0, sizeof(*in));
    in->type = http_param(f, "type");
    in->date = http_param(f, "date");
    in->duree = http_param(f, "duree");
    in->duree_autre = http_param(f, "duree_autre");
    in->type_lieu = http_param(f, "type_lieu");
    in->lieu_id = http_param(f, "lieu_id");
    in->commune = http_param(f, "commune");
    in->autonomie = http_param(f, "autonomie");
    in->oriente = http_param(f, "oriente");
    in->structure_de_redirection = http_param(f, "structure_de_redirection");
    in->precisions_demarche = http_param(f, "precisions_demarche");
    in->titre_atelier = http_param(f, "titre_atelier");
    in->niveau_atelier = http_param(f, "niveau_atelier");
    in->notes = http_param(f, "notes");
    in->beneficiaire_id = http_param(f, "beneficiaire_id");
    in->thematiques = all_of(req, "thematiques", THEMATIQUE_COUNT + 8, &in->n_thematiques);
    in->materiel = all_of(req, "materiel", MATERIEL_COUNT + 4, &in->n_materiel);
    in->participants = all_of(req, "participants", CRA_MAX_PARTICIPANTS + 1, &in->n_participants);
    in->tags = all_of(req, "tags", CRA_MAX_TAGS + 1, &in->n_tags);
    in->anon_total = http_param(f, "anon_total");
    in->anon_deja_accompagne = http_param(f, "anon_deja_accompagne");
    for (int i = 0; i < GENRE_COUNT; i++)
        in->anon_genre[i] = http_param(f, anon_name(a, "genre", vocab_genre.entries[i].value));
    for (int i = 0; i < TRANCHE_AGE_COUNT; i++)
        in->anon_tranche_age[i] =
            http_param(f, anon_name(a, "tranche", vocab_tranche_age.entries[i].value));
    for (int i = 0; i < STATUT_SOCIAL_COUNT; i++)
        in->anon_statut_social[i] =
            http_param(f, anon_name(a, "statut", vocab_statut_social.entries[i].value));
    in->nouveau_genre = http_param(f, "nouveau_genre");
    in->nouveau_tranche_age = http_param(f, "nouveau_tranche_age");
    in->nouveau_statut_social = http_param(f, "nouveau_statut_social");
    in->nouveau_commune = http_param(f, "nouveau_commune");
}

static bool listed(const char *const *values, size_t n, const char *v)
{
    for (size_t i = 0; i < n; i++)
        if (values[i] && v && strcmp(values[i], v) == 0)
            return true;
    return false;
}

static bool same(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* The errors of the store under the form's field names (anonymous breakdowns point at their
 * first input). */
static void ui_errors_from(const struct cra_errors *e, struct ui_errors *out)
{
    for (size_t i = 0; i < e->n; i++) {
        const char *field = e->items[i].field;
        if (strcmp(field, "anon_genre") == 0)
            field = "anon_genre_masculin";
        else if (strcmp(field, "anon_tranche_age") == 0)
            field = "anon_tranche_moins_de_douze";
        else if (strcmp(field, "anon_statut_social") == 0)
            field = "anon_statut_scolarise";
        if (!ui_errors_for(out, field))
            ui_errors_add(out, field, e->items[i].message);
    }
}

/* ---- the form ---- */

struct form_ctx {
    const struct cra_input *in;
    const struct ui_errors *errs;
    int64_t edit_id; /* 0: a new CRA */
    int usage[THEMATIQUE_COUNT];
    int durees[10], duree_counts[10];
    size_t n_durees;
    struct cra_choice *lieux, *beneficiaires, *tags;
    size_t n_lieux, n_beneficiaires, n_tags;
};

static void vocab_select(struct buf *b, struct arena *a, const struct vocab *v, const char *name,
                         const char *label, const char *hint, const char *value,
                         const char *none_label, const struct ui_errors *errs)
{
    struct ui_option *o = arena_calloc(a, (size_t)v->count + 1, sizeof(*o));
    o[0] = (struct ui_option){"", none_label, !value || !*value};
    for (int i = 0; i < v->count; i++)
        o[i + 1] = (struct ui_option){v->entries[i].value, v->entries[i].label,
                                      same(value, v->entries[i].value)};
    ui_select(b,
              &(struct ui_field){
                  .name = name, .label = label, .hint = hint, .error = ui_errors_for(errs, name)},
              o, (size_t)v->count + 1);
}

static void vocab_radios(struct buf *b, struct arena *a, const struct vocab *v, const char *name,
                         const char *label, const char *hint, const char *value, bool required,
                         const struct ui_errors *errs)
{
    struct ui_option *o = arena_calloc(a, (size_t)v->count, sizeof(*o));
    for (int i = 0; i < v->count; i++)
        o[i] = (struct ui_option){v->entries[i].value, v->entries[i].label,
                                  same(value, v->entries[i].value)};
    ui_choices(b,
               &(struct ui_field){.name = name,
                                  .label = label,
                                  .hint = hint,
                                  .error = ui_errors_for(errs, name),
                                  .required = required},
               o, (size_t)v->count, false);
}

/* The thématiques of one group (mediation or procedures), most used first. */
static void thematiques_group(struct buf *b, struct arena *a, const struct form_ctx *fc,
                              bool demarche, const char *name, const char *label, const char *hint,
                              const char *error)
{
    int order[THEMATIQUE_COUNT];
    int n = 0;
    for (int t = 0; t < THEMATIQUE_COUNT; t++)
        if (thematique_is_demarche((enum thematique)t) == demarche)
            order[n++] = t;
    /* Stable insertion sort by usage, most used first. */
    for (int i = 1; i < n; i++)
        for (int k = i; k > 0 && fc->usage[order[k]] > fc->usage[order[k - 1]]; k--) {
            int x = order[k];
            order[k] = order[k - 1];
            order[k - 1] = x;
        }
    struct ui_option *o = arena_calloc(a, (size_t)n, sizeof(*o));
    for (int i = 0; i < n; i++) {
        const struct vocab_entry *e = &vocab_thematique.entries[order[i]];
        o[i] = (struct ui_option){e->value, e->label,
                                  listed(fc->in->thematiques, fc->in->n_thematiques, e->value)};
    }
    ui_choices(
        b,
        &(struct ui_field){
            .name = name, .label = label, .hint = hint, .error = error, .required = !demarche},
        o, (size_t)n, true);
}

static void choice_select(struct buf *b, struct arena *a, const struct cra_choice *c, size_t n,
                          const char *name, const char *label, const char *hint,
                          const char *none_label, const char *value, const struct ui_errors *errs)
{
    struct ui_option *o = arena_calloc(a, n + 1, sizeof(*o));
    o[0] = (struct ui_option){"", none_label, !value || !*value};
    for (size_t i = 0; i < n; i++) {
        const char *id = int_text(a, c[i].id);
        o[i + 1] = (struct ui_option){id, c[i].label, same(value, id)};
    }
    ui_select(b,
              &(struct ui_field){
                  .name = name, .label = label, .hint = hint, .error = ui_errors_for(errs, name)},
              o, n + 1);
}

static void choice_checks(struct buf *b, struct arena *a, const struct cra_choice *c, size_t n,
                          const char *name, const char *label, const char *hint,
                          const char *const *values, size_t n_values, const struct ui_errors *errs)
{
    struct ui_option *o = arena_calloc(a, n + 1, sizeof(*o));
    for (size_t i = 0; i < n; i++) {
        const char *id = int_text(a, c[i].id);
        o[i] = (struct ui_option){id, c[i].label, listed(values, n_values, id)};
    }
    ui_choices(b,
               &(struct ui_field){
                   .name = name, .label = label, .hint = hint, .error = ui_errors_for(errs, name)},
               o, n, true);
}

static void durations(struct buf *b, struct arena *a, const struct form_ctx *fc)
{
    /* The presets and the médiateur's own durations used more than 5 times (La Coop's rule),
     * most used first, then in order. */
    int values[16], counts[16];
    size_t n = 0;
    for (size_t i = 0; i < 6; i++) {
        values[n] = vocab_duree_presets[i];
        counts[n++] = 0;
    }
    for (size_t k = 0; k < fc->n_durees; k++) {
        size_t i = 0;
        while (i < n && values[i] != fc->durees[k])
            i++;
        if (i == n && fc->duree_counts[k] > 5 && n < 14 &&
            fc->durees[k] <= VOCAB_DUREE_MAX_MINUTES && fc->durees[k] > 0)
            values[n] = fc->durees[k], counts[n++] = 0;
        if (i < n)
            counts[i] = fc->duree_counts[k];
    }
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && counts[k] > counts[k - 1]; k--) {
            int v = values[k], c = counts[k];
            values[k] = values[k - 1], counts[k] = counts[k - 1];
            values[k - 1] = v, counts[k - 1] = c;
        }
    struct ui_option *o = arena_calloc(a, n + 1, sizeof(*o));
    const char *cur = fc->in->duree;
    for (size_t i = 0; i < n; i++) {
        const char *v = int_text(a, values[i]);
        o[i] = (struct ui_option){v, duree_fr(a, values[i]), same(cur, v)};
    }
    o[n] = (struct ui_option){"autre", "Autre durée", same(cur, "autre")};
    ui_choices(b,
               &(struct ui_field){.name = "duree",
                                  .label = "Durée",
                                  .error = ui_errors_for(fc->errs, "duree"),
                                  .required = true},
               o, n + 1, false);
    ui_input(b, &(struct ui_field){.name = "duree_autre",
                                   .label = "Autre durée, en minutes",
                                   .hint = "Avec « Autre durée » : de 1 à 720 minutes.",
                                   .value = fc->in->duree_autre,
                                   .error = ui_errors_for(fc->errs, "duree_autre"),
                                   .type = UI_NUMBER,
                                   .width_class = "short"});
}

static void count_input(struct buf *b, const char *name, const char *label, const char *value,
                        const struct ui_errors *errs)
{
    ui_input(b, &(struct ui_field){.name = name,
                                   .label = label,
                                   .value = value,
                                   .error = ui_errors_for(errs, name),
                                   .type = UI_NUMBER,
                                   .width_class = "short"});
}

static int render_form(struct http_request *req, struct http_response *resp, struct form_ctx *fc,
                       int status)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *au = auth_of(req);
    const struct auth_membership *m = mediateur_membership(au);
    struct arena *a = req->arena;
    const struct cra_input *in = fc->in;
    int rc;
    if ((rc = cra_usage_of(ctx->db, au->user_id, fc->usage, fc->durees, fc->duree_counts, 10,
                           &fc->n_durees)) ||
        (rc = cra_lieux_choices(ctx->db, a, m->structure_id, m->departement, &fc->lieux,
                                &fc->n_lieux)) ||
        (rc = cra_beneficiaires_choices(ctx->db, a, au->user_id, &fc->beneficiaires,
                                        &fc->n_beneficiaires)) ||
        (rc = cra_tags_choices(ctx->db, a, au->user_id, m->structure_id, m->departement, &fc->tags,
                               &fc->n_tags)))
        return rc;
    /* Without named beneficiaries there is no list of participants: a workshop's « no
     * participant » message goes with the anonymous count. */
    struct ui_errors shown = *fc->errs;
    for (size_t i = 0; i < shown.n && !fc->n_beneficiaires; i++)
        if (strcmp(shown.items[i].field, "participants") == 0 &&
            !ui_errors_for(&shown, "anon_total"))
            shown.items[i].field = "anon_total";
    const struct ui_errors *errs = &shown;
    fc->errs = errs;

    struct buf b = page_buf(req);
    ui_h1(&b, fc->edit_id ? "Modifier une activité" : "Enregistrer une activité");
    if (!fc->edit_id) {
        ui_p(&b, arena_printf(a, "Pour %s. Les champs sans mention « facultatif » sont requis.",
                              m->structure_nom ? m->structure_nom : "votre structure"));
        ui_link(&b, "Dupliquer la dernière activité", "/activites/nouvelle?dupliquer=1");
    }
    ui_error_summary(&b, errs);
    ui_form_begin(&b,
                  fc->edit_id ? arena_printf(a, "/activites/%lld/modifier", (long long)fc->edit_id)
                              : "/activites/nouvelle",
                  "post", au->csrf_token, false);

    ui_h2(&b, "L’activité");
    vocab_radios(&b, a, &vocab_cra_type, "type", "Type d’activité", NULL,
                 in->type ? in->type : "individuel", true, errs);
    ui_input(&b, &(struct ui_field){.name = "date",
                                    .label = "Date",
                                    .value = in->date,
                                    .error = ui_errors_for(errs, "date"),
                                    .type = UI_DATE,
                                    .required = true,
                                    .width_class = "medium"});
    durations(&b, a, fc);
    vocab_radios(&b, a, &vocab_type_lieu, "type_lieu", "Canal", NULL,
                 in->type_lieu ? in->type_lieu : "lieu_activite", true, errs);
    const char *lieu = in->lieu_id;
    if ((!lieu || !*lieu) && fc->n_lieux == 1 && !fc->edit_id)
        lieu = int_text(a, fc->lieux[0].id);
    /* A structure whose place is not linked to it yet (an imported France Services): the lieu of
     * the département that bears its exact name, when there is one. */
    size_t named = 0, which = 0;
    size_t nom_len = m->structure_nom ? strlen(m->structure_nom) : 0;
    for (size_t i = 0; i < fc->n_lieux && nom_len && (!lieu || !*lieu) && !fc->edit_id; i++)
        if (strncmp(fc->lieux[i].label, m->structure_nom, nom_len) == 0 &&
            (fc->lieux[i].label[nom_len] == '\0' ||
             strncmp(fc->lieux[i].label + nom_len, " (", 2) == 0))
            named++, which = i;
    if (named == 1)
        lieu = int_text(a, fc->lieux[which].id);
    choice_select(&b, a, fc->lieux, fc->n_lieux, "lieu_id", "Lieu d’activité",
                  "Avec le canal « Lieu d’activité ».", "Choisir un lieu", lieu, errs);
    ui_input(&b, &(struct ui_field){.name = "commune",
                                    .label = "Commune de l’activité",
                                    .hint = "À domicile ou autre lieu : nom, code postal ou code "
                                            "INSEE de la commune.",
                                    .value = in->commune,
                                    .error = ui_errors_for(errs, "commune"),
                                    .width_class = "medium"});

    ui_h2(&b, "Thématiques");
    const char *them_error = ui_errors_for(errs, "thematiques");
    thematiques_group(&b, a, fc, false, "thematiques", "Thématiques de médiation numérique",
                      "Cochez au moins une thématique. Les plus utilisées viennent d’abord.",
                      them_error);
    thematiques_group(&b, a, fc, true, "thematiques", "Démarches administratives",
                      "Pour une démarche : au moins une. « Aide aux démarches administratives » "
                      "est alors ajoutée.",
                      NULL);
    ui_input(&b, &(struct ui_field){.name = "precisions_demarche",
                                    .label = "Précisions sur la démarche",
                                    .hint = "Par exemple : demande de carte grise. Seulement avec "
                                            "« Aide aux démarches administratives ».",
                                    .value = in->precisions_demarche,
                                    .error = ui_errors_for(errs, "precisions_demarche")});
    {
        struct ui_option o[MATERIEL_COUNT];
        for (int i = 0; i < MATERIEL_COUNT; i++)
            o[i] = (struct ui_option){
                vocab_materiel.entries[i].value, vocab_materiel.entries[i].label,
                listed(in->materiel, in->n_materiel, vocab_materiel.entries[i].value)};
        ui_choices(&b,
                   &(struct ui_field){.name = "materiel",
                                      .label = "Matériel utilisé",
                                      .error = ui_errors_for(errs, "materiel")},
                   o, MATERIEL_COUNT, true);
    }

    ui_h2(&b, "Accompagnement individuel ou démarche");
    choice_select(&b, a, fc->beneficiaires, fc->n_beneficiaires, "beneficiaire_id", "Bénéficiaire",
                  "Anonyme par défaut. Les bénéficiaires suivis ont donné leur accord.",
                  "Personne anonyme", in->beneficiaire_id, errs);
    vocab_select(&b, a, &vocab_genre, "nouveau_genre", "Genre (personne anonyme)", NULL,
                 in->nouveau_genre, "Non renseigné", errs);
    vocab_select(&b, a, &vocab_tranche_age, "nouveau_tranche_age",
                 "Tranche d’âge (personne anonyme)", NULL, in->nouveau_tranche_age,
                 "Non renseignée", errs);
    vocab_select(&b, a, &vocab_statut_social, "nouveau_statut_social", "Statut (personne anonyme)",
                 NULL, in->nouveau_statut_social, "Non renseigné", errs);
    ui_input(&b, &(struct ui_field){.name = "nouveau_commune",
                                    .label = "Commune de résidence (personne anonyme)",
                                    .value = in->nouveau_commune,
                                    .error = ui_errors_for(errs, "nouveau_commune"),
                                    .width_class = "medium"});
    vocab_radios(&b, a, &vocab_autonomie, "autonomie", "Niveau d’autonomie",
                 "À la fin de l’accompagnement.", in->autonomie, false, errs);
    {
        struct ui_option o[2] = {{"oui", "Oui", same(in->oriente, "oui")},
                                 {"non", "Non", same(in->oriente, "non")}};
        ui_choices(&b,
                   &(struct ui_field){.name = "oriente",
                                      .label = "Bénéficiaire orienté",
                                      .hint = "Vers une autre structure.",
                                      .error = ui_errors_for(errs, "oriente")},
                   o, 2, false);
    }
    vocab_select(&b, a, &vocab_structure_redirection, "structure_de_redirection",
                 "Structure de redirection", NULL, in->structure_de_redirection, "Aucune", errs);

    ui_h2(&b, "Atelier collectif");
    ui_input(&b, &(struct ui_field){.name = "titre_atelier",
                                    .label = "Titre de l’atelier",
                                    .value = in->titre_atelier,
                                    .error = ui_errors_for(errs, "titre_atelier")});
    vocab_radios(&b, a, &vocab_niveau_atelier, "niveau_atelier", "Niveau de l’atelier", NULL,
                 in->niveau_atelier, false, errs);
    if (fc->n_beneficiaires)
        choice_checks(&b, a, fc->beneficiaires, fc->n_beneficiaires, "participants",
                      "Participants identifiés", NULL, in->participants, in->n_participants, errs);
    count_input(&b, "anon_total", "Participants anonymes : nombre total", in->anon_total, errs);
    count_input(&b, "anon_deja_accompagne", "dont déjà accompagnés", in->anon_deja_accompagne,
                errs);
    for (int i = 0; i < GENRE_COUNT; i++)
        count_input(&b, anon_name(a, "genre", vocab_genre.entries[i].value),
                    arena_printf(a, "Genre : %s", vocab_genre.entries[i].label), in->anon_genre[i],
                    errs);
    for (int i = 0; i < TRANCHE_AGE_COUNT; i++)
        count_input(&b, anon_name(a, "tranche", vocab_tranche_age.entries[i].value),
                    arena_printf(a, "Âge : %s", vocab_tranche_age.entries[i].label),
                    in->anon_tranche_age[i], errs);
    for (int i = 0; i < STATUT_SOCIAL_COUNT; i++)
        count_input(&b, anon_name(a, "statut", vocab_statut_social.entries[i].value),
                    arena_printf(a, "Statut : %s", vocab_statut_social.entries[i].label),
                    in->anon_statut_social[i], errs);

    ui_h2(&b, "Tags et notes");
    if (fc->n_tags)
        choice_checks(&b, a, fc->tags, fc->n_tags, "tags", "Tags", NULL, in->tags, in->n_tags,
                      errs);
    ui_input(&b, &(struct ui_field){.name = "nouveau_tag",
                                    .label = "Nouveau tag personnel",
                                    .hint = "Créé et ajouté à cette activité.",
                                    .value = http_param(&req->form, "nouveau_tag"),
                                    .error = ui_errors_for(errs, "nouveau_tag"),
                                    .width_class = "medium"});
    ui_textarea(&b,
                &(struct ui_field){.name = "notes",
                                   .label = "Notes",
                                   .value = in->notes,
                                   .error = ui_errors_for(errs, "notes")},
                3);
    ui_button(&b, "Enregistrer l’activité", UI_BUTTON_PRIMARY);
    ui_form_end(&b);
    ui_link(&b, "Mes activités", "/activites");
    return shell_render(req, resp,
                        &(struct shell_page){.title = fc->edit_id ? "Modifier une activité"
                                                                  : "Enregistrer une activité",
                                             .status = status},
                        buf_cstr(&b));
}

int activite_page_new_form(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const struct auth_membership *m;
    int rc = need_mediateur(req, &m);
    if (rc)
        return rc;
    struct arena *a = req->arena;
    struct cra_input in;
    struct cra last;
    if (http_param(&req->query, "dupliquer") &&
        cra_last_of(ctx->db, a, auth_of(req)->user_id, &last) == 0) {
        input_from_cra(a, &last, &in);
    } else {
        memset(&in, 0, sizeof(in));
        const char *type = http_param(&req->query, "type");
        in.type = vocab_find(&vocab_cra_type, type) >= 0 ? type : "individuel";
        /* From a person's record: that person, chosen in the list (only the médiateur's own
         * beneficiaries are in it, so another id selects nothing). */
        int64_t person;
        const char *b = http_param(&req->query, "beneficiaire");
        if (b && cstr_to_int64(b, &person) == 0 && person > 0)
            in.beneficiaire_id = b;
    }
    char *today = arena_alloc(a, 11);
    cra_today(today);
    in.date = today;
    struct ui_errors errs = {0};
    struct form_ctx fc = {.in = &in, .errs = &errs};
    return render_form(req, resp, &fc, 200);
}

/* Reads, checks and writes the form; on errors shows it again with status 400. */
static int save(struct http_request *req, struct http_response *resp, int64_t edit_id)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *au = auth_of(req);
    struct arena *a = req->arena;
    const struct auth_membership *m;
    int rc = need_mediateur(req, &m);
    if (rc)
        return rc;
    struct cra_input in;
    input_from_form(req, &in);
    struct cra c;
    cra_init(&c);
    struct cra_errors ce = {0};
    struct ui_errors errs = {0};
    char today[11];
    cra_today(today);
    c.departement = m->departement; /* communes are looked for there first */
    rc = cra_from_input(&in, lieux_communes(), a, &c, &ce);
    c.id = edit_id;
    c.mediateur_id = au->user_id;
    c.structure_id = m->structure_id;
    c.departement = m->departement;
    if (edit_id) {
        struct cra old;
        if ((rc = load_cra(req, true, &old)))
            return rc;
        c.structure_id = old.structure_id;
        c.departement = old.departement;
    }
    /* Every rule runs, so that each field gets its message at once; a value that could not be
     * read keeps the reading's message (the first one for a field wins). */
    struct cra_errors rules = {0};
    cra_validate(&c, today, &rules);
    struct cra_errors refs = {0};
    if (ce.n == 0 && rules.n == 0 && (rc = cra_check_refs(ctx->db, &c, &refs)) && rc != ERR_INVALID)
        return rc;
    const char *nouveau_tag = http_param(&req->form, "nouveau_tag");
    struct str tag = str_trim(str_from(nouveau_tag));
    if (tag.len > 80)
        ui_errors_add(&errs, "nouveau_tag", "Nouveau tag personnel : 80 caractères au plus.");
    ui_errors_from(&ce, &errs);
    ui_errors_from(&rules, &errs);
    ui_errors_from(&refs, &errs);
    if (errs.n) {
        struct form_ctx fc = {.in = &in, .errs = &errs, .edit_id = edit_id};
        return render_form(req, resp, &fc, 400);
    }
    if (tag.len) {
        int64_t tag_id;
        if ((rc = cra_tag_personnel(ctx->db, au->user_id, c.departement, nouveau_tag,
                                    (int64_t)time(NULL), &tag_id)))
            return rc;
        int64_t *tags = arena_calloc(a, c.n_tags + 1, sizeof(*tags));
        if (c.n_tags)
            memcpy(tags, c.tags, c.n_tags * sizeof(*tags));
        tags[c.n_tags++] = tag_id;
        c.tags = tags;
    }
    rc = edit_id ? cra_update(ctx->db, a, &c, au->user_id, (int64_t)time(NULL))
                 : cra_create(ctx->db, a, &c, au->user_id, (int64_t)time(NULL));
    if (rc)
        return rc;
    http_redirect(resp,
                  edit_id ? arena_printf(a, "/activites/%lld?ok=modifiee", (long long)c.id)
                          : arena_printf(a, "/activites?ok=enregistree&id=%lld", (long long)c.id));
    return 0;
}

int activite_page_new(struct http_request *req, struct http_response *resp)
{
    return save(req, resp, 0);
}

int activite_page_edit_form(struct http_request *req, struct http_response *resp)
{
    struct cra c;
    int rc = load_cra(req, true, &c);
    if (rc)
        return rc;
    const struct auth_membership *m;
    if ((rc = need_mediateur(req, &m)))
        return rc;
    struct cra_input in;
    input_from_cra(req->arena, &c, &in);
    struct ui_errors errs = {0};
    struct form_ctx fc = {.in = &in, .errs = &errs, .edit_id = c.id};
    return render_form(req, resp, &fc, 200);
}

int activite_page_edit(struct http_request *req, struct http_response *resp)
{
    struct cra c;
    int rc = load_cra(req, true, &c);
    if (rc)
        return rc;
    return save(req, resp, c.id);
}

/* ---- reading ---- */

static void row(struct buf *b, const struct ui_table *t, const char *k, const char *v)
{
    if (!v || !*v)
        return;
    const char *cells[2] = {k, v};
    ui_table_row(b, t, cells);
}

static const char *people_fr(struct arena *a, const struct cra *c)
{
    struct buf b;
    buf_init(&b, a, 8192);
    for (size_t i = 0; i < c->n_participants; i++) {
        const struct cra_participant *p = &c->participants[i];
        if (b.len)
            buf_adds(&b, " ; ");
        if (p->anonyme) {
            buf_adds(&b, "Personne anonyme");
            const char *g = vocab_label(&vocab_genre, (int)p->genre);
            const char *t = vocab_label(&vocab_tranche_age, (int)p->tranche_age);
            if (g || t)
                buf_addf(&b, " (%s%s%s)", g ? g : "", g && t ? ", " : "", t ? t : "");
        } else {
            buf_addf(&b, "%s %s", p->prenom ? p->prenom : "", p->nom ? p->nom : "");
        }
        if (p->premier_accompagnement)
            buf_adds(&b, ", premier accompagnement");
    }
    if (c->type == CRA_COLLECTIF && c->anonymes.total)
        buf_addf(&b, "%s%d participant%s anonyme%s", b.len ? " ; " : "", c->anonymes.total,
                 c->anonymes.total > 1 ? "s" : "", c->anonymes.total > 1 ? "s" : "");
    return buf_cstr(&b);
}

int activite_page_show(struct http_request *req, struct http_response *resp)
{
    struct cra c;
    int rc = load_cra(req, false, &c);
    if (rc)
        return rc;
    const struct auth *au = auth_of(req);
    struct arena *a = req->arena;
    struct buf b = page_buf(req);
    ui_h1(&b, arena_printf(a, "%s du %s", vocab_label(&vocab_cra_type, (int)c.type),
                           lieux_date_fr(a, c.date)));
    if (c.origine == CRA_ORIGINE_DEMO)
        ui_tag(&b, "démo", UI_TAG_YELLOW);
    static const char *const head[] = {"Champ", "Valeur"};
    struct ui_table t = {.caption = "L’activité", .head = head, .n_cols = 2};
    ui_table_begin(&b, &t);
    row(&b, &t, "Médiateur", c.mediateur_nom);
    row(&b, &t, "Durée", duree_fr(a, c.duree));
    row(&b, &t, "Canal", vocab_label(&vocab_type_lieu, (int)c.type_lieu));
    row(&b, &t, "Lieu", c.lieu_nom);
    row(&b, &t, "Commune", c.commune_nom ? c.commune_nom : c.commune_code_insee);
    row(&b, &t, "Thématiques", thematiques_fr(a, &c));
    row(&b, &t, "Précisions sur la démarche", c.precisions_demarche);
    {
        struct buf mb;
        buf_init(&mb, a, 1024);
        for (size_t i = 0; i < c.n_materiel; i++)
            buf_addf(&mb, "%s%s", i ? ", " : "", vocab_label(&vocab_materiel, (int)c.materiel[i]));
        row(&b, &t, "Matériel", buf_cstr(&mb));
    }
    /* Coordinateurs read counts, never names (beneficiaires.h). */
    if (c.mediateur_id == au->user_id || auth_has(au, ROLE_ADMIN) ||
        auth_is_member(au, c.structure_id))
        row(&b, &t, c.type == CRA_COLLECTIF ? "Participants" : "Bénéficiaire", people_fr(a, &c));
    else
        row(&b, &t, "Personnes accompagnées", int_text(a, c.accompagnements_count));
    row(&b, &t, "Niveau d’autonomie", vocab_label(&vocab_autonomie, (int)c.autonomie));
    row(&b, &t, "Bénéficiaire orienté", c.oriente < 0 ? NULL : c.oriente ? "Oui" : "Non");
    row(&b, &t, "Structure de redirection",
        vocab_label(&vocab_structure_redirection, (int)c.structure_de_redirection));
    row(&b, &t, "Titre de l’atelier", c.titre_atelier);
    row(&b, &t, "Niveau de l’atelier", vocab_label(&vocab_niveau_atelier, (int)c.niveau_atelier));
    row(&b, &t, "Notes", c.notes);
    row(&b, &t, "Enregistrée le", lieux_time_fr(a, (time_t)c.created_at));
    if (c.updated_at != c.created_at)
        row(&b, &t, "Modifiée le", lieux_time_fr(a, (time_t)c.updated_at));
    ui_table_end(&b);
    if (c.mediateur_id == au->user_id) {
        ui_button_link(&b, "Modifier", arena_printf(a, "/activites/%lld/modifier", (long long)c.id),
                       UI_BUTTON_SECONDARY);
        ui_button_link(&b, "Supprimer",
                       arena_printf(a, "/activites/%lld/supprimer", (long long)c.id),
                       UI_BUTTON_WARNING);
    }
    ui_link(&b, "Retour à la liste des activités", "/activites");
    const char *ok = http_param(&req->query, "ok");
    return shell_render(
        req, resp,
        &(struct shell_page){.title = "Activité",
                             .notice = same(ok, "modifiee") ? "L’activité a été modifiée." : NULL},
        buf_cstr(&b));
}

int activite_page_delete_form(struct http_request *req, struct http_response *resp)
{
    struct cra c;
    int rc = load_cra(req, true, &c);
    if (rc)
        return rc;
    struct arena *a = req->arena;
    struct buf b = page_buf(req);
    ui_h1(&b, "Supprimer cette activité ?");
    ui_p(&b, arena_printf(a, "%s du %s, %s : %s.", vocab_label(&vocab_cra_type, (int)c.type),
                          lieux_date_fr(a, c.date), duree_fr(a, c.duree), thematiques_fr(a, &c)));
    ui_p(&b, "Elle disparaîtra de vos activités et des statistiques. La suppression est tracée "
             "(qui, quand).");
    ui_form_begin(&b, arena_printf(a, "/activites/%lld/supprimer", (long long)c.id), "post",
                  auth_of(req)->csrf_token, false);
    ui_button(&b, "Supprimer l’activité", UI_BUTTON_WARNING);
    ui_form_end(&b);
    ui_link(&b, "Annuler", arena_printf(a, "/activites/%lld", (long long)c.id));
    return shell_render(req, resp, &(struct shell_page){.title = "Supprimer une activité"},
                        buf_cstr(&b));
}

int activite_page_delete(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct cra c;
    int rc = load_cra(req, true, &c);
    if (rc)
        return rc;
    if ((rc = cra_delete(ctx->db, req->arena, c.id, auth_of(req)->user_id, (int64_t)time(NULL))))
        return rc;
    http_redirect(resp, "/activites?ok=supprimee");
    return 0;
}

/* ---- the list ---- */

/* A département code as it may go into a link unescaped: "53", "2A", "974". */
static bool departement_code(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || s[i] == 'A' || s[i] == 'B'))
            return false;
    return n >= 2 && n <= 3;
}

static bool iso_day(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    return true;
}

int activite_page_list(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *au = auth_of(req);
    struct arena *a = req->arena;
    const struct http_params *q = &req->query;
    struct cra_filter f = {.type = -1, .limit = LIST_PAGE_SIZE};
    const char *title = "Mes activités";
    const struct auth_membership *m = mediateur_membership(au);
    const char *dep = http_param(q, "departement");
    if (m) {
        f.mediateur_id = au->user_id;
    } else if (au->n_memberships && !auth_has(au, ROLE_COORDINATEUR)) {
        f.structure_id = au->memberships[0].structure_id;
        title = arena_printf(a, "Activités de %s", au->memberships[0].structure_nom);
    } else if (auth_has(au, ROLE_COORDINATEUR) && !auth_has(au, ROLE_ADMIN)) {
        f.departement = dep && auth_in_departement(au, dep) ? dep : au->departements[0];
        title = arena_printf(a, "Activités du département %s", f.departement);
    } else {
        f.departement = dep && *dep ? dep : NULL;
        title = f.departement ? arena_printf(a, "Activités du département %s", f.departement)
                              : "Toutes les activités";
    }
    struct ui_errors errs = {0};
    const char *du = http_param(q, "du"), *au_ = http_param(q, "au"), *type = http_param(q, "type");
    if (du && *du && !iso_day(du))
        ui_errors_add(&errs, "du", "Du : une date au format AAAA-MM-JJ.");
    else if (du && *du)
        f.du = du;
    if (au_ && *au_ && !iso_day(au_))
        ui_errors_add(&errs, "au", "Au : une date au format AAAA-MM-JJ.");
    else if (au_ && *au_)
        f.au = au_;
    if (type && *type) {
        f.type = vocab_find(&vocab_cra_type, type);
        if (f.type < 0)
            ui_errors_add(&errs, "type", "Type : individuel, collectif ou demarche.");
    }
    const char *apres = http_param(q, "apres");
    if (apres && *apres) {
        /* « date.id » of the last row of the previous page. */
        const char *dot = strchr(apres, '.');
        int64_t id;
        if (!dot || dot - apres != 10 || cstr_to_int64(dot + 1, &id) || id <= 0)
            return http_fail(req, ERR_INVALID, "apres : la valeur d’un lien « suivantes ».",
                             "apres");
        f.apres_id = id;
        f.apres_date = arena_strndup(a, apres, 10);
    }
    struct cra *rows = NULL;
    size_t n = 0;
    bool more = false;
    int rc;
    if (errs.n == 0 && (rc = cra_list(ctx->db, a, &f, &rows, &n, &more)))
        return rc;

    struct buf b = page_buf(req);
    ui_h1(&b, title);
    if (m)
        ui_button_link(&b, "Enregistrer une activité", "/activites/nouvelle", UI_BUTTON_PRIMARY);
    ui_error_summary(&b, &errs);
    ui_form_begin(&b, "/activites", "get", NULL, false);
    if (f.departement && !m)
        ui_input(&b, &(struct ui_field){.name = "departement",
                                        .label = "Département",
                                        .value = f.departement,
                                        .width_class = "short"});
    ui_input(&b, &(struct ui_field){.name = "du",
                                    .label = "Du",
                                    .value = du,
                                    .type = UI_DATE,
                                    .error = ui_errors_for(&errs, "du"),
                                    .width_class = "medium"});
    ui_input(&b, &(struct ui_field){.name = "au",
                                    .label = "Au",
                                    .value = au_,
                                    .type = UI_DATE,
                                    .error = ui_errors_for(&errs, "au"),
                                    .width_class = "medium"});
    {
        struct ui_option o[CRA_TYPE_COUNT + 1];
        o[0] = (struct ui_option){"", "Tous les types", !type || !*type};
        for (int i = 0; i < CRA_TYPE_COUNT; i++)
            o[i + 1] =
                (struct ui_option){vocab_cra_type.entries[i].value, vocab_cra_type.entries[i].label,
                                   same(type, vocab_cra_type.entries[i].value)};
        ui_select(&b,
                  &(struct ui_field){
                      .name = "type", .label = "Type", .error = ui_errors_for(&errs, "type")},
                  o, CRA_TYPE_COUNT + 1);
    }
    ui_button(&b, "Filtrer", UI_BUTTON_SECONDARY);
    ui_form_end(&b);

    if (n == 0) {
        ui_p(&b, apres ? "Pas d’autre activité." : "Aucune activité pour ces filtres.");
    } else {
        static const char *const head[] = {"Date",        "Type",      "Durée",
                                           "Thématiques", "Médiateur", "Personnes"};
        struct ui_table t = {.caption = "Activités, les plus récentes d’abord",
                             .head = head,
                             .n_cols = 6,
                             .numeric_last = true};
        ui_table_begin(&b, &t);
        for (size_t i = 0; i < n; i++) {
            const struct cra *c = &rows[i];
            const char *cells[6] = {
                arena_printf(a, "%s%s", lieux_date_fr(a, c->date),
                             c->origine == CRA_ORIGINE_DEMO ? " (démo)" : ""),
                vocab_label(&vocab_cra_type, (int)c->type),
                duree_fr(a, c->duree),
                thematiques_fr(a, c),
                c->mediateur_nom,
                int_text(a, c->accompagnements_count),
            };
            ui_table_row_link(&b, &t, arena_printf(a, "/activites/%lld", (long long)c->id), cells);
        }
        ui_table_end(&b);
    }
    if (more) {
        struct buf next;
        buf_init(&next, a, 1024);
        buf_addf(&next, "/activites?apres=%s.%lld", rows[n - 1].date, (long long)rows[n - 1].id);
        if (f.du)
            buf_addf(&next, "&du=%s", f.du);
        if (f.au)
            buf_addf(&next, "&au=%s", f.au);
        if (f.type >= 0)
            buf_addf(&next, "&type=%s", vocab_value(&vocab_cra_type, f.type));
        if (f.departement && !m && departement_code(f.departement))
            buf_addf(&next, "&departement=%s", f.departement);
        ui_link(&b, "Activités plus anciennes", buf_cstr(&next));
    }
    const char *ok = http_param(q, "ok");
    const char *notice = same(ok, "enregistree") ? "L’activité a été enregistrée."
                         : same(ok, "supprimee") ? "L’activité a été supprimée."
                                                 : NULL;
    return shell_render(
        req, resp,
        &(struct shell_page){
            .title = title, .status = errs.n ? 400 : 200, .notice = notice, .wide = true},
        buf_cstr(&b));
}
