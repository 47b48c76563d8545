/*
 * GET /api/v1/statistiques: the figures of a dashboard as JSON, with the filters of the pages
 * (du, au, type, lieu, commune, mediateur, thematique, tag) and the scope in the query
 * (departement, structure or mediateur; by default the caller's widest). A structure's API token
 * reads its structure.
 */
#include "activite/stats_http.h"
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/err.h"

#include <jansson.h>
#include <stdio.h>

static json_t *value_json(struct http_request *req, int dim, const struct activite_stats_value *v)
{
    return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I}", "valeur", v->valeur, "libelle",
                     stats_label(req, dim, v->valeur), "activites", (json_int_t)v->activites,
                     "accompagnements", (json_int_t)v->accompagnements, "minutes",
                     (json_int_t)v->minutes, "participants", (json_int_t)v->participants);
}

int stats_api(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct stats_scope scope;
    int rc = stats_scope_of_request(req, &scope);
    if (rc)
        return rc;
    struct activite_stats_filter f;
    struct ui_errors errs = {0};
    stats_filter_read(req, &req->query, &scope, &f, &errs);
    if (errs.n)
        return http_fail(req, ERR_INVALID, errs.items[0].message, errs.items[0].field);
    struct activite_stats s;
    if ((rc = activite_stats_compute(ctx->db, req->arena, &f, &s)))
        return rc;
    json_t *mois = json_array(), *jours = json_array(), *dims = json_object();
    for (size_t i = 0; i < s.n_mois; i++) {
        char m[48];
        snprintf(m, sizeof(m), "%04lld-%02lld", (long long)(s.mois[i].periode / 100),
                 (long long)(s.mois[i].periode % 100));
        json_array_append_new(mois, json_pack("{s:s, s:I, s:I}", "mois", m, "activites",
                                              (json_int_t)s.mois[i].activites, "accompagnements",
                                              (json_int_t)s.mois[i].accompagnements));
    }
    for (size_t i = 0; i < s.n_jours; i++) {
        char d[64];
        int64_t p = s.jours[i].periode;
        snprintf(d, sizeof(d), "%04lld-%02lld-%02lld", (long long)(p / 10000),
                 (long long)(p / 100 % 100), (long long)(p % 100));
        json_array_append_new(jours, json_pack("{s:s, s:I, s:I}", "jour", d, "activites",
                                               (json_int_t)s.jours[i].activites, "accompagnements",
                                               (json_int_t)s.jours[i].accompagnements));
    }
    for (int d = 1; d < ACTIVITE_DIM_COUNT; d++) {
        if (d == ACTIVITE_DIM_BENEFICIAIRES)
            continue;
        json_t *arr = json_array();
        for (size_t i = 0; i < s.dims[d].n; i++)
            json_array_append_new(arr, value_json(req, d, &s.dims[d].items[i]));
        json_object_set_new(dims, stats_dim_key(d), arr);
    }
    json_t *out = json_pack(
        "{s:{s:s, s:s}, s:{s:s, s:s}, s:s, s:{s:I, s:I, s:I, s:I, s:{s:I, s:I, s:I, s:I}}, s:o, "
        "s:o, s:o}",
        "perimetre", "portee", stats_portee_value(scope.portee), "id", scope.portee_id, "periode",
        "du", f.du, "au", f.au, "calcul", s.from_raw ? "activites" : "compteurs", "chiffres_cles",
        "activites", (json_int_t)s.activites, "accompagnements", (json_int_t)s.accompagnements,
        "minutes", (json_int_t)s.minutes, "participants", (json_int_t)s.participants,
        "beneficiaires", "total", (json_int_t)s.beneficiaires, "nouveaux", (json_int_t)s.nouveaux,
        "suivis", (json_int_t)s.suivis, "anonymes", (json_int_t)s.anonymes, "par_mois", mois,
        "par_jour", jours, "repartitions", dims);
    if (!out)
        return ERR_INTERNAL;
    http_json(resp, 200, out);
    return 0;
}
