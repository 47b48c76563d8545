/*
 * pages_handlers: the HTTP handlers of the lieux module, pages and API, which routes.c exposes
 * (lieux_add_routes in lieux.h). Access: the route table declares the roles (comptes/auth.h); the
 * handlers check the object (this lieu's structure, this département) and refuse with a French
 * 403 message.
 */
#ifndef RELAIS_LIEUX_PAGES_HANDLERS_H
#define RELAIS_LIEUX_PAGES_HANDLERS_H

#include "http/http.h"

/* pages_search.c: the public search page and the commune autocompletion. */
int lieux_page_search(struct http_request *req, struct http_response *resp);
int lieux_api_communes(struct http_request *req, struct http_response *resp);

/* pages_lieu.c: a lieu's page and its printable fiche d'orientation. */
int lieux_page_lieu(struct http_request *req, struct http_response *resp);
int lieux_page_fiche(struct http_request *req, struct http_response *resp);

/* pages_signalement.c: « Signaler une erreur », for anyone who can see the lieu; and the list of
 * the reports on the lieu's editing page. */
int lieux_page_report_form(struct http_request *req, struct http_response *resp);
int lieux_page_report(struct http_request *req, struct http_response *resp);
struct lieu_record;
void lieux_reports_section(struct buf *b, struct http_request *req, const struct lieu_record *rec);

/* pages_edit.c: editing, publication and verification, for the lieu's managers. */
int lieux_page_edit_form(struct http_request *req, struct http_response *resp);
int lieux_page_edit(struct http_request *req, struct http_response *resp);
int lieux_page_publication(struct http_request *req, struct http_response *resp);
int lieux_page_verification(struct http_request *req, struct http_response *resp);

/* pages_departement.c: a département's lieux, its printed guide, and its coverage for its
 * coordinateurs. */
int lieux_page_departement(struct http_request *req, struct http_response *resp);
int lieux_page_couverture(struct http_request *req, struct http_response *resp);
int lieux_page_guide(struct http_request *req, struct http_response *resp);

/* api.c: the JSON API of lieux. */
int lieux_api_list(struct http_request *req, struct http_response *resp);
int lieux_api_get(struct http_request *req, struct http_response *resp);

int lieux_api_export(struct http_request *req, struct http_response *resp);

int lieux_page_import_form(struct http_request *req, struct http_response *resp);
int lieux_page_import(struct http_request *req, struct http_response *resp);
int lieux_page_import_rejects(struct http_request *req, struct http_response *resp);

/* Removes the export and rejected-rows files of dir older than an hour. */
void lieux_exports_cleanup(const char *dir);

#endif
