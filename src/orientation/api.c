/* The JSON API of referrals: create, read the status, answer. Attachments go through the pages. */
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/str.h"
#include "html/ui.h"
#include "orientation/destination.h"
#include "orientation/handlers.h"
#include "orientation/orientation.h"

#include <jansson.h>
#include <string.h>

#define LIST_MAX 64

static const char *jstr(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* An integer field as text, for the shared readers of the pages. */
static const char *jid(struct arena *a, json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    if (json_is_integer(v))
        return arena_printf(a, "%lld", (long long)json_integer_value(v));
    return jstr(o, k);
}

static int jlist(json_t *o, const char *k, const char **out, size_t max, size_t *n)
{
    json_t *v = json_object_get(o, k);
    *n = 0;
    if (!v)
        return 0;
    if (!json_is_array(v) || json_array_size(v) > max)
        return ERR_INVALID;
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *s = json_array_get(v, i);
        if (!json_is_string(s))
            return ERR_INVALID;
        out[(*n)++] = json_string_value(s);
    }
    return 0;
}

static int errors_json(struct http_request *req, const struct ui_errors *e)
{
    return http_fail(req, ERR_INVALID, e->items[0].message, e->items[0].field);
}

static json_t *status_json(struct arena *a, struct http_request *req, const struct orientation *o)
{
    const struct ctx *ctx = req->ctx;
    json_t *hist = json_array();
    struct orientation_event *ev;
    size_t n;
    if (orientation_events(ctx->db, a, o->id, &ev, &n) == 0)
        for (size_t i = 0; i < n; i++)
            if (ev[i].is_status)
                json_array_append_new(hist, json_pack("{s:I, s:s?, s:s?, s:s}", "date",
                                                      (json_int_t)ev[i].at, "de", ev[i].from_status,
                                                      "vers", ev[i].to_status, "par", ev[i].actor));
    json_t *motifs = json_array();
    const char *p = o->refus_motifs;
    while (p && *p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        json_array_append_new(motifs, json_stringn(p, len));
        p = bar ? bar + 1 : NULL;
    }
    json_t *out = json_pack(
        "{s:I, s:s, s:s, s:I, s:s, s:I, s:I, s:o, s:o, s:b}", "id", (json_int_t)o->id, "statut",
        orientation_status_value(o->status), "statut_libelle", orientation_status_label(o->status),
        "structure_emettrice", (json_int_t)o->from_structure_id, "destination", o->destination_nom,
        "cree_le", (json_int_t)o->created_at, "mis_a_jour_le", (json_int_t)o->updated_at,
        "motifs_refus", motifs, "historique", hist, "demo", o->demo);
    /* The record of the person's journey (/beneficiaires/{id}/parcours), or null. */
    json_object_set_new(out, "beneficiaire",
                        o->beneficiaire_id ? json_integer((json_int_t)o->beneficiaire_id)
                                           : json_null());
    return out;
}

int orientation_api_create(struct http_request *req, struct http_response *resp)
{
    json_t *j = req->json;
    if (!json_is_object(j))
        return http_fail(req, ERR_INVALID, "Corps attendu : un objet JSON.", NULL);
    struct arena *a = req->arena;
    struct orientation_destination d;
    int rc = orientation_destination_read(req, jid(a, j, "lieu"), jid(a, j, "structure"), &d);
    if (rc)
        return rc;
    int64_t from;
    const char *departement;
    if ((rc = orientation_sender(req, jid(a, j, "depuis"), &from, &departement)))
        return rc;
    const char *prefs[LIST_MAX], *besoins[LIST_MAX];
    size_t n_prefs, n_besoins;
    if (jlist(j, "preferences", prefs, LIST_MAX, &n_prefs))
        return http_fail(req, ERR_INVALID, "preferences : une liste de valeurs.", "preferences");
    if (jlist(j, "besoins", besoins, LIST_MAX, &n_besoins))
        return http_fail(req, ERR_INVALID, "besoins : une liste de services du standard.",
                         "besoins");
    struct ui_errors errs = {0};
    int64_t suivie;
    if (orientation_suivie_read(req, jid(a, j, "beneficiaire"), &errs, &suivie))
        return errors_json(req, &errs);
    const struct auth *au = auth_of(req);
    struct orientation_input in = {
        .from_structure_id = from,
        .from_user_id = au->user_id,
        .from_user_name = au->user_id ? au->name : "API",
        .to_structure_id = d.has_members || d.email ? d.structure_id : 0,
        .to_email = d.has_members ? NULL : d.email,
        .lieu_id = d.lieu_id,
        .destination_nom = d.nom,
        .personne = jstr(j, "personne"),
        .contact = jstr(j, "contact"),
        .preferences = prefs,
        .n_preferences = n_prefs,
        .besoins = besoins,
        .n_besoins = n_besoins,
        .motif = jstr(j, "motif"),
        .disponibilites = jstr(j, "disponibilites"),
        .interlocuteur = jstr(j, "interlocuteur"),
        .a_apporter = jstr(j, "a_apporter"),
        .engagement = json_is_true(json_object_get(j, "engagement")),
        .beneficiaire_id = suivie,
    };
    int64_t id;
    rc = orientation_send(req, &in, &d, departement, NULL, NULL, 0, &errs, &id);
    if (rc == ERR_INVALID && errs.n)
        return errors_json(req, &errs);
    if (rc)
        return rc;
    struct orientation o;
    if ((rc = orientation_get(((const struct ctx *)req->ctx)->db, a, id, &o)))
        return rc;
    http_json(resp, 201, status_json(a, req, &o));
    return 0;
}

static int load(struct http_request *req, struct orientation *o, unsigned *sides)
{
    const struct ctx *ctx = req->ctx;
    int64_t id;
    if (cstr_to_int64(http_path_param(req, "id"), &id) || id <= 0 ||
        orientation_get(ctx->db, req->arena, id, o) != 0)
        return http_fail(req, ERR_NOT_FOUND, "Cette orientation n'existe pas.", NULL);
    *sides = orientation_viewer_sides(auth_of(req), o);
    if (!*sides)
        return http_fail(req, ERR_FORBIDDEN, "Cette orientation concerne d'autres structures.",
                         NULL);
    return 0;
}

int orientation_api_get(struct http_request *req, struct http_response *resp)
{
    struct orientation o;
    unsigned sides;
    int rc = load(req, &o, &sides);
    if (rc)
        return rc;
    http_json(resp, 200, status_json(req->arena, req, &o));
    return 0;
}

int orientation_api_reponse(struct http_request *req, struct http_response *resp)
{
    json_t *j = req->json;
    if (!json_is_object(j))
        return http_fail(req, ERR_INVALID, "Corps attendu : un objet JSON.", NULL);
    struct orientation o;
    unsigned sides;
    int rc = load(req, &o, &sides);
    if (rc)
        return rc;
    const char *decision = jstr(j, "decision");
    bool is_message = decision && strcmp(decision, "message") == 0;
    const char *motifs[LIST_MAX];
    size_t n;
    if (jlist(j, "motifs", motifs, LIST_MAX, &n))
        return http_fail(req, ERR_INVALID, "motifs : une liste de motifs de refus.", "motifs");
    const struct auth *au = auth_of(req);
    enum orientation_side side =
        (sides & SIDE_BIT_RECEPTION) && (!is_message || !(sides & SIDE_BIT_ENVOI)) ? SIDE_RECEPTION
                                                                                   : SIDE_ENVOI;
    const struct orientation_actor who = {au->user_id, au->user_id ? au->name : "API", side};
    struct ui_errors errs = {0};
    rc = orientation_answer(req, &o, &who, decision, motifs, n, jstr(j, "message"), &errs);
    if (rc == ERR_INVALID && errs.n)
        return errors_json(req, &errs);
    if (rc)
        return rc;
    if ((rc = orientation_get(((const struct ctx *)req->ctx)->db, req->arena, o.id, &o)))
        return rc;
    http_json(resp, 200, status_json(req->arena, req, &o));
    return 0;
}
