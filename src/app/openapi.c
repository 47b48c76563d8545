#include "app/openapi.h"
#include "comptes/auth.h"
#include "http/router.h"

#include <string.h>

static const char *method_key(unsigned m)
{
    switch (m) {
    case HTTP_GET: return "get";
    case HTTP_POST: return "post";
    case HTTP_PUT: return "put";
    case HTTP_PATCH: return "patch";
    case HTTP_DELETE: return "delete";
    default: return NULL;
    }
}

static json_t *error_response(const char *description)
{
    return json_pack("{s:s, s:{s:{s:{s:s}}}}", "description", description, "content",
                     "application/json", "schema", "$ref", "#/components/schemas/Erreur");
}

/* The {name} segments of a pattern as path parameters. */
static json_t *path_parameters(const char *pattern)
{
    json_t *params = json_array();
    for (const char *p = strchr(pattern, '{'); p; p = strchr(p + 1, '{')) {
        const char *end = strchr(p, '}');
        if (!end)
            break;
        json_array_append_new(params, json_pack("{s:s%, s:s, s:b, s:{s:s}}", "name", p + 1,
                                                (size_t)(end - p - 1), "in", "path", "required",
                                                1, "schema", "type", "string"));
    }
    return params;
}

static json_t *operation(const struct route *rt, unsigned method)
{
    json_t *op = json_object();
    json_object_set_new(op, "summary", json_string(rt->summary ? rt->summary : rt->pattern));
    json_object_set_new(op, "parameters", path_parameters(rt->pattern));
    json_t *responses = json_object();
    json_object_set_new(responses, method == HTTP_POST ? "201" : "200",
                        json_pack("{s:s}", "description", "Succès"));
    json_object_set_new(responses, "400", error_response("Demande invalide (le champ est nommé)"));
    if (rt->access & (ACCESS_AUTH | 0xFF)) {
        json_object_set_new(responses, "401", error_response("Authentification requise"));
        json_object_set_new(responses, "403", error_response("Rôle ou portée insuffisants"));
        json_object_set_new(op, "security",
                            json_pack("[{s:[]}, {s:[]}]", "jeton", "session"));
    } else {
        json_object_set_new(op, "security", json_array());
    }
    if (strchr(rt->pattern, '{'))
        json_object_set_new(responses, "404", error_response("Introuvable"));
    json_object_set_new(op, "responses", responses);
    if (strcmp(rt->pattern, "/api/v1/structures") == 0 && method == HTTP_GET) {
        json_t *params = json_object_get(op, "parameters");
        json_array_append_new(params, json_pack("{s:s, s:s, s:s, s:{s:s, s:i, s:i}}", "name",
                                                "limite", "in", "query", "description",
                                                "Nombre de résultats par page (50 par défaut).",
                                                "schema", "type", "integer", "minimum", 1,
                                                "maximum", 200));
        json_array_append_new(params, json_pack("{s:s, s:s, s:s, s:{s:s}}", "name", "apres", "in",
                                                "query", "description",
                                                "Curseur : la valeur « suivant » de la page "
                                                "précédente.",
                                                "schema", "type", "string"));
        json_array_append_new(params, json_pack("{s:s, s:s, s:s, s:{s:s}}", "name", "departement",
                                                "in", "query", "description",
                                                "Code du département (53, 2A, 974…).", "schema",
                                                "type", "string"));
    }
    return op;
}

json_t *openapi_document(const struct router *r)
{
    json_t *paths = json_object();
    for (size_t i = 0; i < router_count(r); i++) {
        const struct route *rt = router_at(r, i);
        if (!(rt->access & ACCESS_API))
            continue;
        json_t *item = json_object_get(paths, rt->pattern);
        if (!item) {
            item = json_object();
            json_object_set_new(paths, rt->pattern, item);
        }
        for (unsigned m = 1; m <= HTTP_DELETE; m <<= 1)
            if ((rt->methods & m) && method_key(m))
                json_object_set_new(item, method_key(m), operation(rt, m));
    }
    return json_pack(
        "{s:s, s:{s:s, s:s, s:s}, s:o, s:{s:{s:{s:s, s:{s:{s:s, s:{s:{s:s}, s:{s:s}, s:{s:s, s:b}}, "
        "s:[s,s]}}, s:[s]}}, s:{s:{s:s, s:s}, s:{s:s, s:s, s:s}}}}",
        "openapi", "3.0.3", "info", "title", "API de Relais", "version", RELAIS_VERSION,
        "description",
        "API JSON de Relais. Erreurs : {\"error\":{\"code\",\"message\",\"field\"}}. Listes "
        "paginées par curseur : {\"data\":[…],\"suivant\":curseur|null}.",
        "paths", paths, "components", "schemas", "Erreur", "type", "object", "properties",
        "error", "type", "object", "properties", "code", "type", "string", "message", "type",
        "string", "field", "type", "string", "nullable", 1, "required", "code", "message", "required",
        "error", "securitySchemes", "jeton", "type", "http", "scheme", "bearer", "session", "type",
        "apiKey", "in", "cookie", "name", "relais_session");
}
