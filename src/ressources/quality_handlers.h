/*
 * quality_handlers: the HTTP handlers of collections, reviews, reports and quality signals, which
 * routes_qualite.c lists with their access (ressources_qualite_add_routes), and the few helpers
 * their pages share. The route table lets roles in; each handler checks the object (this
 * collection's owners, this resource's editors, this report's moderators) and refuses with a
 * French message. Everything returned lives in the request's arena.
 */
#ifndef RELAIS_RESSOURCES_QUALITY_HANDLERS_H
#define RELAIS_RESSOURCES_QUALITY_HANDLERS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "http/http.h"

struct router;
struct ressource;
struct ui_errors;

/* Adds the routes of collections, reviews, reports and quality (routes_qualite.c). */
void ressources_qualite_add_routes(struct router *r);

/* A link standing on its own line (a paragraph), where ui_link would run into what follows. */
void quality_link(struct buf *b, const char *label, const char *href);
/* The positive integer of a form field, or 0. */
int64_t quality_form_id(const struct http_request *req, const char *name);
/* « ?ok=… » notices shared by the pages: the French sentence for a code, or NULL. */
const char *quality_notice(const struct http_request *req);

/* The « Enregistrer » form of a resource: the viewer's collections (« Favoris » first, those that
 * hold it already said so), or a new one with its title; selected and titre are what was typed. */
void quality_render_save_form(struct buf *b, struct http_request *req, int64_t ressource_id,
                              const char *selected, const char *titre,
                              const struct ui_errors *errs);
/* The review form of a resource, with what was typed (values may be NULL: the viewer's saved
 * review, or nothing). */
struct review_form;
void quality_render_review_form(struct buf *b, struct http_request *req, int64_t ressource_id,
                                const struct review_form *values, const struct ui_errors *errs);
/* The summary of a resource's reviews: its badge, the count of each answer and of the criteria. */
void quality_render_reviews_summary(struct buf *b, struct http_request *req, int64_t ressource_id);
/* Whether the viewer may review the resource: signed in, published, and not one of its authors
 * (its creator, contributors, the members of its base). *why: the French reason when not. */
bool quality_may_review(struct http_request *req, const struct ressource *r, const char **why);
/* Whether the viewer may reply to reviews: one who may edit the resource or an administrator of
 * its base. */
bool quality_may_reply(struct http_request *req, const struct ressource *r);

/* collections_pages.c */
int collections_page_mine(struct http_request *req, struct http_response *resp);
int collections_page_create(struct http_request *req, struct http_response *resp);
int collections_page_view(struct http_request *req, struct http_response *resp);
int collections_page_shared(struct http_request *req, struct http_response *resp);
int collections_page_edit_form(struct http_request *req, struct http_response *resp);
int collections_page_edit(struct http_request *req, struct http_response *resp);
int collections_page_delete(struct http_request *req, struct http_response *resp);
int collections_page_move(struct http_request *req, struct http_response *resp);
int collections_page_remove(struct http_request *req, struct http_response *resp);
int collections_page_share(struct http_request *req, struct http_response *resp);
int collections_page_unshare(struct http_request *req, struct http_response *resp);
int collections_page_save(struct http_request *req, struct http_response *resp);

/* reviews_pages.c */
int reviews_page_list(struct http_request *req, struct http_response *resp);
int reviews_page_save(struct http_request *req, struct http_response *resp);
int reviews_page_delete(struct http_request *req, struct http_response *resp);
int reviews_page_reply(struct http_request *req, struct http_response *resp);

/* reports_pages.c */
int reports_page_form(struct http_request *req, struct http_response *resp);
int reports_page_create(struct http_request *req, struct http_response *resp);
int reports_page_queue(struct http_request *req, struct http_response *resp);
int reports_page_decide(struct http_request *req, struct http_response *resp);

/* quality_pages.c */
int quality_page_verify(struct http_request *req, struct http_response *resp);
int quality_page_author(struct http_request *req, struct http_response *resp);

#endif
