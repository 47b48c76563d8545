/*
 * The JSON API of resources besides the search (pages_search.c): one resource, the export of the
 * published public resources, and the import of a JSON array into a base by one of its
 * administrators (exchange.h for the format).
 */
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/str.h"
#include "ressources/access.h"
#include "ressources/exchange.h"
#include "ressources/index.h"
#include "ressources/pages.h"

#include <jansson.h>
#include <string.h>

int rs_api_get(struct http_request *req, struct http_response *resp)
{
    struct ressource r;
    int rc = rs_load_ressource(req, false, &r);
    if (rc)
        return rc;
    http_json(resp, 200, exchange_to_json(req->arena, &r));
    return 0;
}

static int append(json_t *obj, void *arg)
{
    json_array_append_new(arg, obj);
    return json_array_size(arg) > LIMIT_RESSOURCES_IMPORT ? ERR_TOO_BIG : 0;
}

int rs_api_export(struct http_request *req, struct http_response *resp)
{
    json_t *arr = json_array();
    int rc = exchange_export_each(rs_db(req), true, append, arr);
    if (rc) {
        json_decref(arr);
        return rc;
    }
    http_json(resp, 200, arr);
    if (buf_finish(&resp->body))
        return http_fail(req, ERR_TOO_BIG,
                         "L'export dépasse la taille d'une réponse : utilisez la commande « relais "
                         "export ressources ».",
                         NULL);
    return 0;
}

/* Resources of an import refreshed one by one in the search index; more reload it whole. */
#define RS_IMPORT_REFRESH_MAX 20

int rs_api_import(struct http_request *req, struct http_response *resp)
{
    struct arena *a = req->arena;
    const struct auth *au = auth_of(req);
    const char *b = http_param(&req->query, "base");
    int64_t base_id = 0;
    if (!b || cstr_to_int64(b, &base_id) || base_id <= 0)
        return http_fail(req, ERR_INVALID, "base : le numéro de la base où importer (?base=12).",
                         "base");
    if (!bases_can_see(rs_db(req), au, base_id))
        return http_fail(req, ERR_NOT_FOUND, "Cette base n'existe pas ou n'est pas visible.",
                         "base");
    if (!bases_is_admin(rs_db(req), au, base_id))
        return http_fail(req, ERR_FORBIDDEN,
                         "Seuls les administrateurs de la base peuvent y importer des ressources.",
                         "base");
    if (!req->json || !json_is_array(req->json))
        return http_fail(req, ERR_INVALID,
                         "Le corps doit être un tableau JSON d'objets ressource (title requis).",
                         NULL);
    const char *dry = http_param(&req->query, "essai");
    struct exchange_options o = {
        .base_id = base_id, .user_id = au->user_id, .dry_run = dry && strcmp(dry, "1") == 0};
    struct exchange_report rep;
    int rc = exchange_import(rs_db(req), a, req->json, &o, &rep);
    if (rc == ERR_TOO_BIG)
        return http_fail(
            req, rc,
            arena_printf(a, "Un import tient en %d ressources au plus.", LIMIT_RESSOURCES_IMPORT),
            NULL);
    if (rc)
        return rc;
    /* Each refresh publishes a new snapshot of the index: past a few resources, one reload of
     * the whole index costs less. */
    if (rep.n_ids > RS_IMPORT_REFRESH_MAX) {
        if (ressources_index_load(rs_db(req), rs_data_dir(req)) != 0)
            log_error("ressources: the search index was not reloaded after an import");
    } else {
        for (size_t i = 0; i < rep.n_ids; i++)
            rs_after_write(req, rep.ids[i]);
    }
    json_t *rejects = json_array();
    for (size_t i = 0; i < rep.n_rejects; i++)
        json_array_append_new(rejects,
                              json_pack("{s:I, s:s}", "index", (json_int_t)rep.rejects[i].index,
                                        "raison", rep.rejects[i].reason));
    http_json(resp, 200,
              json_pack("{s:b, s:I, s:I, s:I, s:o}", "essai", o.dry_run, "crees",
                        (json_int_t)rep.created, "modifiees", (json_int_t)rep.updated, "inchangees",
                        (json_int_t)rep.unchanged, "rejets", rejects));
    return 0;
}
