/* JSON API of accounts: who am I, and structures (public directory data). */
#include "comptes/auth.h"
#include "comptes/comptes.h"
#include "comptes/handlers.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/limits.h"
#include "db/db.h"
#include "http/http.h"
#include "html/ui.h"

#include <jansson.h>
#include <string.h>

#define API_DEFAULT_LIMIT 50

static json_t *json_str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *structure_json(const struct structure *s)
{
    return json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:s, s:b}", "id", (json_int_t)s->id,
                     "nom", s->nom, "siret", json_str_or_null(s->siret), "rna",
                     json_str_or_null(s->rna), "adresse", json_str_or_null(s->adresse),
                     "code_postal", json_str_or_null(s->code_postal), "commune",
                     json_str_or_null(s->commune), "departement", s->departement, "demo",
                     s->demo);
}

int api_me(struct http_request *req, struct http_response *resp)
{
    const struct auth *a = auth_of(req);
    if (a->token_id) {
        http_json(resp, 200,
                  json_pack("{s:s, s:I, s:I, s:s}", "type", "jeton", "jeton", (json_int_t)a->token_id,
                            "structure", (json_int_t)a->token_structure_id, "portee",
                            api_scopes_label(a->token_scopes)));
        return 0;
    }
    json_t *roles = json_array();
    static const enum role all[] = {ROLE_MEDIATEUR, ROLE_ADMIN_STRUCTURE, ROLE_COORDINATEUR,
                                    ROLE_ADMIN};
    for (size_t i = 0; i < 4; i++)
        if (a->roles & all[i])
            json_array_append_new(roles, json_string(role_value(all[i])));
    json_t *deps = json_array();
    for (size_t i = 0; i < a->n_departements; i++)
        json_array_append_new(deps, json_string(a->departements[i]));
    json_t *members = json_array();
    for (size_t i = 0; i < a->n_memberships; i++)
        json_array_append_new(members,
                              json_pack("{s:I, s:s, s:s}", "structure",
                                        (json_int_t)a->memberships[i].structure_id, "nom",
                                        a->memberships[i].structure_nom, "role",
                                        role_value(a->memberships[i].role)));
    http_json(resp, 200,
              json_pack("{s:s, s:I, s:s, s:s, s:o, s:o, s:o, s:s}", "type", "utilisateur", "id",
                        (json_int_t)a->user_id, "nom", a->name, "email", a->email, "roles", roles,
                        "departements", deps, "structures", members, "csrf", a->csrf_token));
    return 0;
}

/* ?limite=N (1..LIMIT_PAGE_SIZE) and ?apres=CURSOR, the id of the last row of the previous page. */
static int read_cursor(struct http_request *req, int64_t *limit, int64_t *after)
{
    *limit = API_DEFAULT_LIMIT;
    *after = 0;
    const char *l = http_param(&req->query, "limite");
    if (l && (cstr_to_int64(l, limit) || *limit < 1 || *limit > LIMIT_PAGE_SIZE))
        return http_fail(req, ERR_INVALID, "limite doit être un entier entre 1 et 200.", "limite");
    const char *c = http_param(&req->query, "apres");
    if (c && (cstr_to_int64(c, after) || *after < 0))
        return http_fail(req, ERR_INVALID, "apres doit être le curseur « suivant » d'une page "
                                           "précédente.",
                         "apres");
    return 0;
}

int api_structures_list(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    int64_t limit, after;
    int rc = read_cursor(req, &limit, &after);
    if (rc)
        return rc;
    const char *dep = http_param(&req->query, "departement");
    if (dep && !departement_valid(dep))
        return http_fail(req, ERR_INVALID,
                         "departement doit être un code existant (01 à 95, 2A, 2B, 971 à 976).",
                         "departement");
    struct structure *list;
    size_t n;
    rc = structure_list(ctx->db, req->arena, dep ? &dep : NULL, dep ? 1 : 0, after, limit + 1,
                        &list, &n);
    if (rc)
        return rc;
    json_t *data = json_array();
    size_t shown = n > (size_t)limit ? (size_t)limit : n;
    for (size_t i = 0; i < shown; i++)
        json_array_append_new(data, structure_json(&list[i]));
    json_t *next = n > (size_t)limit
                       ? json_string(arena_printf(req->arena, "%lld", (long long)list[shown - 1].id))
                       : json_null();
    http_json(resp, 200, json_pack("{s:o, s:o}", "data", data, "suivant", next));
    return 0;
}

int api_structure_get(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    int64_t id;
    if (cstr_to_int64(http_path_param(req, "id"), &id))
        return http_fail(req, ERR_NOT_FOUND, "Aucune structure n'a cet identifiant.", "id");
    struct structure s;
    int rc = structure_get(ctx->db, req->arena, id, &s);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND, "Aucune structure n'a cet identifiant.", "id");
    if (rc)
        return rc;
    http_json(resp, 200, structure_json(&s));
    return 0;
}

/* Copies the members of the JSON body that are present into s; unknown members are refused, so
 * that a misspelt field is not silently ignored. */
static int structure_from_json(struct http_request *req, struct structure *s, bool with_departement)
{
    if (!req->json || !json_is_object(req->json))
        return http_fail(req, ERR_INVALID,
                         "Le corps doit être un objet JSON (Content-Type: application/json).",
                         NULL);
    struct {
        const char *name;
        const char **dst;
    } fields[] = {{"nom", &s->nom},
                  {"siret", &s->siret},
                  {"rna", &s->rna},
                  {"adresse", &s->adresse},
                  {"code_postal", &s->code_postal},
                  {"commune", &s->commune},
                  {"departement", &s->departement}};
    size_t n_fields = sizeof(fields) / sizeof(fields[0]) - (with_departement ? 0 : 1);
    const char *key;
    json_t *value;
    json_object_foreach(req->json, key, value) {
        size_t i = 0;
        while (i < n_fields && strcmp(fields[i].name, key) != 0)
            i++;
        if (i == n_fields)
            return http_fail(req, ERR_INVALID,
                             arena_printf(req->arena, "Le champ « %s » n'est pas modifiable ici.",
                                          key),
                             arena_strdup(req->arena, key));
        if (!json_is_string(value) && !json_is_null(value))
            return http_fail(req, ERR_INVALID,
                             arena_printf(req->arena, "%s doit être une chaîne de caractères.",
                                          key),
                             fields[i].name);
        *fields[i].dst = json_is_null(value) ? NULL : json_string_value(value);
    }
    return 0;
}

int api_structure_update(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *a = auth_of(req);
    int64_t id;
    struct structure s;
    if (cstr_to_int64(http_path_param(req, "id"), &id))
        return http_fail(req, ERR_NOT_FOUND, "Aucune structure n'a cet identifiant.", "id");
    int rc = structure_get(ctx->db, req->arena, id, &s);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND, "Aucune structure n'a cet identifiant.", "id");
    if (rc)
        return rc;
    bool allowed = a->token_id ? a->token_structure_id == id
                               : auth_can_manage_structure(a, s.id, s.departement);
    if (!allowed)
        return http_fail(req, ERR_FORBIDDEN, "Vous ne gérez pas cette structure.", NULL);
    if ((rc = structure_from_json(req, &s, false)))
        return rc;
    struct ui_errors errs = {0};
    rc = structure_update(ctx->db, req->arena, &s, &errs);
    if (rc == ERR_INVALID || rc == ERR_CONFLICT)
        return http_fail(req, rc, errs.items[0].message, errs.items[0].field);
    if (rc)
        return rc;
    audit_record(ctx->db, a->user_id, s.departement, "structure_modifiee",
                 arena_printf(req->arena, "structure:%lld", (long long)s.id),
                 a->token_id ? arena_printf(req->arena, "jeton:%lld", (long long)a->token_id)
                             : NULL);
    http_json(resp, 200, structure_json(&s));
    return 0;
}

int api_structure_create(struct http_request *req, struct http_response *resp)
{
    struct structure s = {0};
    int rc = structure_from_json(req, &s, true);
    if (rc)
        return rc;
    const struct ctx *ctx = req->ctx;
    const struct auth *a = auth_of(req);
    if (s.departement && !auth_in_departement(a, s.departement) && departement_valid(s.departement))
        return http_fail(req, ERR_FORBIDDEN, "Vous ne coordonnez pas ce département.",
                         "departement");
    struct ui_errors errs = {0};
    rc = structure_create(ctx->db, req->arena, &s, &errs);
    if (rc == ERR_INVALID || rc == ERR_CONFLICT)
        return http_fail(req, rc, errs.items[0].message, errs.items[0].field);
    if (rc)
        return rc;
    audit_record(ctx->db, a->user_id, s.departement, "structure_creee",
                 arena_printf(req->arena, "structure:%lld", (long long)s.id), s.nom);
    http_resp_header(resp, "Location", arena_printf(req->arena, "/api/v1/structures/%lld",
                                                    (long long)s.id));
    http_json(resp, 201, structure_json(&s));
    return 0;
}
