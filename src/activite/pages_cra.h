/*
 * pages_cra: the handlers of the CRA pages (record, list, read, edit, delete) and of the CRA API
 * (api.c), for the module's route table (routes.c).
 */
#ifndef RELAIS_ACTIVITE_PAGES_CRA_H
#define RELAIS_ACTIVITE_PAGES_CRA_H

#include "http/http.h"

int activite_page_list(struct http_request *req, struct http_response *resp);
int activite_page_new_form(struct http_request *req, struct http_response *resp);
int activite_page_new(struct http_request *req, struct http_response *resp);
int activite_page_show(struct http_request *req, struct http_response *resp);
int activite_page_edit_form(struct http_request *req, struct http_response *resp);
int activite_page_edit(struct http_request *req, struct http_response *resp);
int activite_page_delete_form(struct http_request *req, struct http_response *resp);
int activite_page_delete(struct http_request *req, struct http_response *resp);

int activite_api_list(struct http_request *req, struct http_response *resp);
int activite_api_create(struct http_request *req, struct http_response *resp);

#endif
