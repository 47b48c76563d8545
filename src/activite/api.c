/*
 * The CRA API: GET /api/v1/activites (a page of CRAs in the order they were recorded, cursor
 * « apres », filters du/au/type) and POST /api/v1/activites (records one CRA from a JSON object
 * with the same names and rules as the form; errors are French, one per field).
 *
 * Who: a signed-in médiateur writes their own CRAs and reads them; a structure's administrators,
 * a département's coordinateurs and admins read their scope. An API token of a structure reads its
 * structure's CRAs (scope lecture) and writes one for a médiateur of the structure named by
 * "mediateur" (an e-mail; scope ecriture). Answers never hold a beneficiary's name.
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
#include "lieux/lieux.h"

#include <jansson.h>
#include <string.h>
#include <time.h>

#define API_DEFAULT_LIMIT 50

/* A member of the body as text: strings as they are, integers in decimal, true/false as
 * "oui"/"non", null or absent as NULL. Another type sets *bad to the key. */
static const char *text_of(struct arena *a, json_t *o, const char *key, const char **bad)
{
    json_t *v = o ? json_object_get(o, key) : NULL;
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        return arena_printf(a, "%lld", (long long)json_integer_value(v));
    if (json_is_boolean(v))
        return json_is_true(v) ? "oui" : "non";
    if (!*bad)
        *bad = key;
    return NULL;
}

static const char *const *list_of(struct arena *a, json_t *o, const char *key, size_t max,
                                  size_t *n, const char **bad)
{
    *n = 0;
    json_t *v = json_object_get(o, key);
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_array(v) || json_array_size(v) > max) {
        if (!*bad)
            *bad = key;
        return NULL;
    }
    const char **out = arena_calloc(a, json_array_size(v) + 1, sizeof(*out));
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item)
    {
        if (json_is_string(item))
            out[(*n)++] = json_string_value(item);
        else if (json_is_integer(item))
            out[(*n)++] = arena_printf(a, "%lld", (long long)json_integer_value(item));
        else if (!*bad)
            *bad = key;
    }
    return out;
}

static void input_from_json(struct arena *a, json_t *o, struct cra_input *in, const char **bad)
{
    memset(in, 0, sizeof(*in));
    in->type = text_of(a, o, "type", bad);
    in->date = text_of(a, o, "date", bad);
    in->duree = text_of(a, o, "duree", bad);
    in->type_lieu = text_of(a, o, "type_lieu", bad);
    in->lieu_id = text_of(a, o, "lieu_id", bad);
    in->commune = text_of(a, o, "commune", bad);
    in->autonomie = text_of(a, o, "autonomie", bad);
    in->oriente = text_of(a, o, "oriente", bad);
    in->structure_de_redirection = text_of(a, o, "structure_de_redirection", bad);
    in->precisions_demarche = text_of(a, o, "precisions_demarche", bad);
    in->titre_atelier = text_of(a, o, "titre_atelier", bad);
    in->niveau_atelier = text_of(a, o, "niveau_atelier", bad);
    in->notes = text_of(a, o, "notes", bad);
    in->beneficiaire_id = text_of(a, o, "beneficiaire_id", bad);
    in->thematiques = list_of(a, o, "thematiques", THEMATIQUE_COUNT + 8, &in->n_thematiques, bad);
    in->materiel = list_of(a, o, "materiel", MATERIEL_COUNT + 4, &in->n_materiel, bad);
    in->participants =
        list_of(a, o, "participants", CRA_MAX_PARTICIPANTS + 1, &in->n_participants, bad);
    in->tags = list_of(a, o, "tags", CRA_MAX_TAGS + 1, &in->n_tags, bad);
    json_t *an = json_object_get(o, "participants_anonymes");
    if (an && !json_is_null(an)) {
        if (!json_is_object(an)) {
            if (!*bad)
                *bad = "participants_anonymes";
        } else {
            in->anon_total = text_of(a, an, "total", bad);
            in->anon_deja_accompagne = text_of(a, an, "deja_accompagne", bad);
            json_t *g = json_object_get(an, "genre"), *t = json_object_get(an, "tranche_age"),
                   *s = json_object_get(an, "statut_social");
            for (int i = 0; i < GENRE_COUNT; i++)
                in->anon_genre[i] = text_of(a, g, vocab_genre.entries[i].value, bad);
            for (int i = 0; i < TRANCHE_AGE_COUNT; i++)
                in->anon_tranche_age[i] = text_of(a, t, vocab_tranche_age.entries[i].value, bad);
            for (int i = 0; i < STATUT_SOCIAL_COUNT; i++)
                in->anon_statut_social[i] =
                    text_of(a, s, vocab_statut_social.entries[i].value, bad);
        }
    }
    json_t *p = json_object_get(o, "beneficiaire");
    if (p && !json_is_null(p)) {
        if (!json_is_object(p)) {
            if (!*bad)
                *bad = "beneficiaire";
        } else {
            in->nouveau_genre = text_of(a, p, "genre", bad);
            in->nouveau_tranche_age = text_of(a, p, "tranche_age", bad);
            in->nouveau_statut_social = text_of(a, p, "statut_social", bad);
            in->nouveau_commune = text_of(a, p, "commune", bad);
        }
    }
}

/* 422 with every field's message: {"error": {code, message, field}, "erreurs": [...]}. */
static int field_errors(struct http_response *resp, const struct cra_errors *e)
{
    json_t *list = json_array();
    for (size_t i = 0; i < e->n; i++)
        json_array_append_new(list, json_pack("{s:s, s:s}", "champ", e->items[i].field, "message",
                                              e->items[i].message));
    json_t *body = json_pack("{s:{s:s, s:s, s:s}, s:o}", "error", "code", "invalid", "message",
                             e->items[0].message, "field", e->items[0].field, "erreurs", list);
    http_json(resp, 422, body);
    return 0;
}

int activite_api_create(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *au = auth_of(req);
    struct arena *a = req->arena;
    if (!req->json || !json_is_object(req->json))
        return http_fail(req, ERR_INVALID,
                         "Le corps doit être un objet JSON (Content-Type: application/json).",
                         NULL);
    struct cra c;
    cra_init(&c);
    int64_t user_id = au->user_id;
    int rc;
    if (au->token_id) {
        const char *bad = NULL;
        const char *email = text_of(a, req->json, "mediateur", &bad);
        if (!email || bad)
            return http_fail(req, ERR_INVALID,
                             "mediateur : l’adresse e-mail d’un médiateur de la structure du "
                             "jeton.",
                             "mediateur");
        rc = cra_mediateur_of_structure(ctx->db, a, email, au->token_structure_id, &user_id,
                                        &c.departement);
        if (rc == ERR_NOT_FOUND)
            return http_fail(req, ERR_INVALID,
                             "mediateur : aucun médiateur de la structure du jeton n’a cette "
                             "adresse.",
                             "mediateur");
        if (rc)
            return rc;
        c.structure_id = au->token_structure_id;
    } else {
        const struct auth_membership *m = NULL;
        for (size_t i = 0; i < au->n_memberships && !m; i++)
            if (au->memberships[i].role == ROLE_MEDIATEUR)
                m = &au->memberships[i];
        if (!m)
            return http_fail(req, ERR_FORBIDDEN,
                             "Seuls les médiateurs d’une structure enregistrent des activités.",
                             NULL);
        c.structure_id = m->structure_id;
        c.departement = m->departement;
    }
    struct cra_input in;
    const char *bad = NULL;
    input_from_json(a, req->json, &in, &bad);
    if (bad)
        return http_fail(req, ERR_INVALID,
                         arena_printf(a,
                                      "%s : type de valeur inattendu (texte, nombre ou liste "
                                      "selon le champ).",
                                      bad),
                         bad);
    struct cra_errors e = {0};
    int64_t structure_id = c.structure_id;
    const char *departement = c.departement;
    cra_from_input(&in, lieux_communes(), a, &c, &e);
    c.mediateur_id = user_id;
    c.structure_id = structure_id;
    c.departement = departement;
    c.origine = CRA_ORIGINE_API;
    char today[11];
    cra_today(today);
    /* Every rule runs; a field that could not be read keeps that message only. */
    struct cra_errors rules = {0};
    cra_validate(&c, today, &rules);
    for (size_t i = 0; i < rules.n; i++)
        if (!cra_errors_for(&e, rules.items[i].field))
            cra_errors_add(&e, rules.items[i].field, rules.items[i].message);
    if (e.n)
        return field_errors(resp, &e);
    if ((rc = cra_check_refs(ctx->db, &c, &e)) == ERR_INVALID)
        return field_errors(resp, &e);
    if (rc)
        return rc;
    if ((rc = cra_create(ctx->db, a, &c, user_id, (int64_t)time(NULL))))
        return rc;
    /* The store filled what it computed (id, people, counts, times): the answer needs no read. */
    http_resp_header(resp, "Location", arena_printf(a, "/activites/%lld", (long long)c.id));
    http_json(resp, 201, cra_to_json(&c));
    return 0;
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

int activite_api_list(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *au = auth_of(req);
    struct arena *a = req->arena;
    const struct http_params *q = &req->query;
    struct cra_filter f = {.type = -1, .by_created = true, .limit = API_DEFAULT_LIMIT};
    const char *dep = http_param(q, "departement");
    bool mediateur = false;
    for (size_t i = 0; i < au->n_memberships; i++)
        mediateur |= au->memberships[i].role == ROLE_MEDIATEUR;
    if (au->token_id) {
        f.structure_id = au->token_structure_id;
    } else if (mediateur) {
        f.mediateur_id = au->user_id;
    } else if (au->n_memberships && !auth_has(au, ROLE_COORDINATEUR)) {
        f.structure_id = au->memberships[0].structure_id;
    } else if (!auth_has(au, ROLE_ADMIN)) {
        if (dep && *dep && !auth_in_departement(au, dep))
            return http_fail(req, ERR_FORBIDDEN,
                             "departement : vous ne coordonnez pas ce département.", "departement");
        f.departement = dep && *dep ? dep : au->departements[0];
    } else {
        f.departement = dep && *dep ? dep : NULL;
    }
    const char *du = http_param(q, "du"), *au_ = http_param(q, "au"), *type = http_param(q, "type");
    if (du && *du) {
        if (!iso_day(du))
            return http_fail(req, ERR_INVALID, "du : une date au format AAAA-MM-JJ.", "du");
        f.du = du;
    }
    if (au_ && *au_) {
        if (!iso_day(au_))
            return http_fail(req, ERR_INVALID, "au : une date au format AAAA-MM-JJ.", "au");
        f.au = au_;
    }
    if (type && *type && (f.type = vocab_find(&vocab_cra_type, type)) < 0)
        return http_fail(req, ERR_INVALID, "type : individuel, collectif ou demarche.", "type");
    const char *limite = http_param(q, "limite");
    if (limite && *limite) {
        int64_t l;
        if (cstr_to_int64(limite, &l) || l < 1 || l > LIMIT_PAGE_SIZE)
            return http_fail(req, ERR_INVALID, "limite : un nombre de 1 à 200.", "limite");
        f.limit = (size_t)l;
    }
    const char *apres = http_param(q, "apres");
    if (apres && *apres) {
        /* « created_at.id » of the last CRA of the previous page (its "suivant"). */
        const char *dot = strchr(apres, '.');
        int64_t t, id;
        if (!dot || cstr_to_int64(dot + 1, &id) || id <= 0 ||
            str_to_int64((struct str){apres, (size_t)(dot - apres)}, &t) || t < 0)
            return http_fail(req, ERR_INVALID,
                             "apres : la valeur « suivant » de la page précédente.", "apres");
        f.apres_created_at = t;
        f.apres_id = id;
    }
    struct cra *rows;
    size_t n;
    bool more;
    int rc = cra_list(ctx->db, a, &f, &rows, &n, &more);
    if (rc)
        return rc;
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, cra_to_json(&rows[i]));
    json_t *next = more
                       ? json_string(arena_printf(a, "%lld.%lld", (long long)rows[n - 1].created_at,
                                                  (long long)rows[n - 1].id))
                       : json_null();
    http_json(resp, 200,
              json_pack("{s:o, s:o, s:s}", "data", list, "suivant", next, "vocab_version",
                        VOCAB_VERSION));
    return 0;
}
