/*
 * ressources/pages: the handlers of the module's pages and API (routes.c lists them with their
 * access), and what they share: the worker's database, the id of a route, the loading of a base
 * or a resource with the access check, and the small pieces every page draws (a resource card,
 * the labels of states). Everything returned lives in the request's arena.
 */
#ifndef RELAIS_RESSOURCES_PAGES_H
#define RELAIS_RESSOURCES_PAGES_H

#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"
#include "ressources/store.h"

struct db;

/* Resources per page of a list. */
#define RESSOURCES_PER_PAGE 20

struct db *rs_db(const struct http_request *req);
const char *rs_data_dir(const struct http_request *req);
/* A page buffer in the request's arena, capped at LIMIT_PAGE_BYTES. */
struct buf rs_buf(struct http_request *req);
/* The positive integer of a path parameter, or 0. */
int64_t rs_path_id(const struct http_request *req, const char *name);
/* ?page=N (1 when absent or bad). */
int64_t rs_page_number(const struct http_request *req);

/* The base of the route's {id}, seen by the viewer (ERR_NOT_FOUND otherwise, with a message). */
int rs_load_base(struct http_request *req, struct base *out);
/* The resource of the route's {id} (a number or a slug); edit: the viewer must be allowed to
 * change it (ERR_FORBIDDEN), otherwise to see it (ERR_NOT_FOUND). */
int rs_load_ressource(struct http_request *req, bool edit, struct ressource *out);

/* A list of resource rows as cards, with their quality badge, and their state for those who see
 * drafts. marks: the search that found them, whose words are marked in titles and descriptions,
 * or NULL. */
struct search_result;
void rs_render_rows(struct buf *b, struct db *db, struct arena *a, const struct ressource_row *rows,
                    size_t n, const struct search_result *marks);
/* « 12 mars 2026 ». */
const char *rs_date(struct arena *a, int64_t t);

/* Checkboxes named name whose ids start with id_prefix (several fieldsets may share a name,
 * such as the themes of the four categories). */
struct ui_option;
void rs_checkboxes(struct buf *b, const char *name, const char *id_prefix, const char *legend,
                   const struct ui_option *opts, size_t n);
/* A submit button that sends action=value (forms with several actions). */
void rs_action_button(struct buf *b, const char *value, const char *label, bool primary);

/* After a committed write of a resource: refreshes its search document. */
void rs_after_write(struct http_request *req, int64_t ressource_id);

/* pages_bases.c */
int rs_page_bases(struct http_request *req, struct http_response *resp);
int rs_page_base_new_form(struct http_request *req, struct http_response *resp);
int rs_page_base_new(struct http_request *req, struct http_response *resp);
int rs_page_base(struct http_request *req, struct http_response *resp);
int rs_page_base_edit_form(struct http_request *req, struct http_response *resp);
int rs_page_base_edit(struct http_request *req, struct http_response *resp);
int rs_page_base_members(struct http_request *req, struct http_response *resp);
int rs_page_base_invite(struct http_request *req, struct http_response *resp);
int rs_page_base_member_change(struct http_request *req, struct http_response *resp);
int rs_page_base_join(struct http_request *req, struct http_response *resp);
int rs_page_base_join_decide(struct http_request *req, struct http_response *resp);
int rs_page_invitation_decide(struct http_request *req, struct http_response *resp);

/* pages_form.c */
int rs_page_new_form(struct http_request *req, struct http_response *resp);
int rs_page_new(struct http_request *req, struct http_response *resp);
int rs_page_edit_form(struct http_request *req, struct http_response *resp);
int rs_page_edit(struct http_request *req, struct http_response *resp);

/* pages_ressource.c */
int rs_page_ressource(struct http_request *req, struct http_response *resp);
int rs_page_publish(struct http_request *req, struct http_response *resp);
int rs_page_history(struct http_request *req, struct http_response *resp);
int rs_page_contributor_add(struct http_request *req, struct http_response *resp);
int rs_page_contributor_remove(struct http_request *req, struct http_response *resp);
int rs_page_file(struct http_request *req, struct http_response *resp);
int rs_page_mine(struct http_request *req, struct http_response *resp);

/* pages_search.c */
int rs_page_search(struct http_request *req, struct http_response *resp);
int rs_api_search(struct http_request *req, struct http_response *resp);

/* api.c */
int rs_api_get(struct http_request *req, struct http_response *resp);
int rs_api_export(struct http_request *req, struct http_response *resp);
int rs_api_import(struct http_request *req, struct http_response *resp);

#endif
