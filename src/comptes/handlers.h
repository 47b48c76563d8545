/*
 * handlers: the HTTP handlers of the accounts module (pages and API) and the routes that expose
 * them. comptes_add_routes is called once at start-up by the application.
 */
#ifndef RELAIS_COMPTES_HANDLERS_H
#define RELAIS_COMPTES_HANDLERS_H

#include "http/http.h"

struct router;

void comptes_add_routes(struct router *r);

int page_login_form(struct http_request *req, struct http_response *resp);
int page_login(struct http_request *req, struct http_response *resp);
int page_logout(struct http_request *req, struct http_response *resp);
int page_forgot_form(struct http_request *req, struct http_response *resp);
int page_forgot(struct http_request *req, struct http_response *resp);
int page_reset_form(struct http_request *req, struct http_response *resp);
int page_reset(struct http_request *req, struct http_response *resp);
int page_invitation_form(struct http_request *req, struct http_response *resp);
int page_invitation(struct http_request *req, struct http_response *resp);
int page_dashboard(struct http_request *req, struct http_response *resp);
int page_account(struct http_request *req, struct http_response *resp);
int page_account_password(struct http_request *req, struct http_response *resp);

int page_structures(struct http_request *req, struct http_response *resp);
int page_structure_new(struct http_request *req, struct http_response *resp);
int page_structure_create(struct http_request *req, struct http_response *resp);
int page_structure(struct http_request *req, struct http_response *resp);
int page_structure_invite(struct http_request *req, struct http_response *resp);
int page_structure_tokens(struct http_request *req, struct http_response *resp);
int page_structure_token_create(struct http_request *req, struct http_response *resp);
int page_structure_token_revoke(struct http_request *req, struct http_response *resp);
int page_admin_users(struct http_request *req, struct http_response *resp);
int page_admin_user_role(struct http_request *req, struct http_response *resp);
int page_admin_user_disable(struct http_request *req, struct http_response *resp);

int api_me(struct http_request *req, struct http_response *resp);
int api_structures_list(struct http_request *req, struct http_response *resp);
int api_structure_get(struct http_request *req, struct http_response *resp);
int api_structure_create(struct http_request *req, struct http_response *resp);
int api_structure_update(struct http_request *req, struct http_response *resp);

/* Invites name/email into a structure with a role: creates the account when it does not exist and
 * returns the invitation link (NULL when the account already had a password). Shared by the page
 * and `relais user invite`. Errors go to errs (fields "email", "name", "role"). */
struct db;
struct config;
struct ui_errors;
int comptes_invite(struct db *db, const struct config *cfg, struct arena *a, int64_t structure_id,
                   const char *email, const char *name, const char *role, int64_t invited_by,
                   struct ui_errors *errs, const char **link);

#endif
