/*
 * stats_http: what the statistics pages, their exports and GET /api/v1/statistiques share: the
 * scope a request reads (a médiateur, a structure, a département, the platform) with its access
 * check, the filters of the query string with their French errors, the French labels of every
 * value, and the handlers of the route table.
 *
 * Everything returned lives in the request's arena.
 */
#ifndef RELAIS_ACTIVITE_STATS_HTTP_H
#define RELAIS_ACTIVITE_STATS_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include "activite/stats.h"
#include "html/ui.h"
#include "http/http.h"

enum stats_portee { STATS_MEDIATEUR, STATS_STRUCTURE, STATS_DEPARTEMENT, STATS_PLATEFORME };

struct stats_scope {
    enum stats_portee portee;
    const char *departement; /* the département of a structure or a médiateur too; NULL for the
                                platform */
    int64_t structure_id, mediateur_id;
    const char *title;     /* « Statistiques de Mayenne (53) » */
    const char *path;      /* the dashboard's path, e.g. "/departements/53/statistiques" */
    const char *portee_id; /* the id or code, as text ("" for the platform) */
};

/* The scope of the route (/statistiques, /structures/{id}/statistiques,
 * /departements/{code}/statistiques, /admin/statistiques) for the signed-in viewer; for an API
 * request, ?departement= / ?structure= / ?mediateur= choose among what the caller may read.
 * ERR_FORBIDDEN (with a French message) outside the viewer's scope, ERR_NOT_FOUND for an unknown
 * one. */
int stats_scope_of_request(struct http_request *req, struct stats_scope *out);
/* The scope a share link names (no viewer check: the link's creator was checked). */
int stats_scope_load(struct http_request *req, enum stats_portee portee, const char *id,
                     struct stats_scope *out);
const char *stats_portee_value(enum stats_portee p);
int stats_portee_parse(const char *s, enum stats_portee *out);

/* The filters of params (du, au, type, lieu, commune, mediateur, thematique, tag) within scope;
 * one French error per bad field in errs. Without du/au: the 12 months ending this month. */
void stats_filter_read(struct http_request *req, const struct http_params *params,
                       const struct stats_scope *scope, struct activite_stats_filter *f,
                       struct ui_errors *errs);
/* The filters as a query string (for links, share links and exports), "" when none. */
const char *stats_filter_query(struct arena *a, const struct activite_stats_filter *f);

/* The French label of a value of a dimension (a vocabulary label, a commune's name, a lieu's or a
 * tag's name); the value itself when unknown. */
const char *stats_label(struct http_request *req, int dim, const char *valeur);
/* The key of a dimension in the API and the exports ("canal", "thematiques_mediation", ...). */
const char *stats_dim_key(int dim);
/* The French title of a dimension's breakdown. */
const char *stats_dim_title(int dim);

/* Handlers (routes.c). */
int stats_page_mine(struct http_request *req, struct http_response *resp);
int stats_page_structure(struct http_request *req, struct http_response *resp);
int stats_page_departement(struct http_request *req, struct http_response *resp);
int stats_page_plateforme(struct http_request *req, struct http_response *resp);
int stats_page_partages(struct http_request *req, struct http_response *resp);
int stats_page_partage_create(struct http_request *req, struct http_response *resp);
int stats_page_partage_revoke(struct http_request *req, struct http_response *resp);
int stats_page_public(struct http_request *req, struct http_response *resp);
int stats_api(struct http_request *req, struct http_response *resp);

/* The exports of a dashboard (?format=csv|xlsx, &liste=activites for the CRA list), written to a
 * file of the data directory and sent from there (export_stats.c). */
int stats_export(struct http_request *req, struct http_response *resp,
                 const struct stats_scope *scope, const struct activite_stats_filter *f,
                 const char *format, bool liste);

#endif
