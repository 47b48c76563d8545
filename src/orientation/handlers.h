/*
 * handlers: the HTTP side of orientation, pages and API, exposed by routes.c. The route table
 * declares the roles; handlers check the object: only the sending and the receiving structures
 * (and platform administrators) see a referral, only the receiving side answers it, and a signed
 * link shows only its own referral.
 */
#ifndef RELAIS_ORIENTATION_HANDLERS_H
#define RELAIS_ORIENTATION_HANDLERS_H

#include "http/http.h"

struct router;

void orientation_add_routes(struct router *r);

/* pages_orienter.c: the orientation mode in four steps. */
int orientation_page_orienter(struct http_request *req, struct http_response *resp);

/* pages.c: the referral form, the lists, a referral's page, answers, sheet and attachments. */
int orientation_page_new(struct http_request *req, struct http_response *resp);
int orientation_page_create(struct http_request *req, struct http_response *resp);
int orientation_page_mine(struct http_request *req, struct http_response *resp);
int orientation_page_inbox(struct http_request *req, struct http_response *resp);
int orientation_page_export(struct http_request *req, struct http_response *resp);
int orientation_page_show(struct http_request *req, struct http_response *resp);
int orientation_page_reponse(struct http_request *req, struct http_response *resp);
int orientation_page_renew(struct http_request *req, struct http_response *resp);
int orientation_page_fiche(struct http_request *req, struct http_response *resp);
int orientation_page_piece(struct http_request *req, struct http_response *resp);
int orientation_page_link(struct http_request *req, struct http_response *resp);
int orientation_page_link_reponse(struct http_request *req, struct http_response *resp);
int orientation_page_link_piece(struct http_request *req, struct http_response *resp);
int orientation_page_notifications(struct http_request *req, struct http_response *resp);
int orientation_page_notifications_read(struct http_request *req, struct http_response *resp);

/* api.c */
int orientation_api_create(struct http_request *req, struct http_response *resp);
int orientation_api_get(struct http_request *req, struct http_response *resp);
int orientation_api_reponse(struct http_request *req, struct http_response *resp);

#endif
