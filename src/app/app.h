/*
 * app: puts Relais together. It builds the route table from every module, and provides the http
 * hooks: one database connection per worker thread, the access guard, the error pages. The
 * configuration passed to app_init must outlive the server.
 */
#ifndef RELAIS_APP_APP_H
#define RELAIS_APP_APP_H

#include "http/http.h"

struct config;
struct router;

/* The full route table (caller frees with router_free). */
struct router *app_router(void);
/* Hooks for http_server_start; cfg is borrowed for the life of the server. */
struct http_hooks app_hooks(const struct config *cfg);
/* The first router built by app_router (for the OpenAPI document). */
const struct router *app_router_shared(void);

#endif
