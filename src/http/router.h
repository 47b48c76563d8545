/*
 * router: maps a method and a path to a route. Patterns are literal segments and {name} segments
 * ("/api/v1/lieux/{id}"), plus a final "{name*}" that takes the rest of the path. Literal segments win
 * over parameters. The route table is built at start-up and read-only afterwards (shared by all
 * worker threads). A route also carries what the OpenAPI document and the access guard need to know.
 */
#ifndef RELAIS_HTTP_ROUTER_H
#define RELAIS_HTTP_ROUTER_H

#include <stddef.h>

#include "http/http.h"

struct route {
    unsigned methods;    /* enum http_method bits */
    const char *pattern;
    http_handler handler;
    unsigned access;     /* application-defined access policy (opaque to http) */
    const char *summary; /* one French line, used by the OpenAPI document for /api/ routes */
};

struct router;

struct router *router_new(void); /* caller frees with router_free */
void router_free(struct router *r);
/* Adds a route; pattern and summary must outlive the router (string literals). */
void router_add(struct router *r, const struct route *route);

/* Finds the route for method and path; fills up to LIMIT_FIELDS path parameters into params (arena
 * memory). Returns the route, or NULL with *err set to ERR_NOT_FOUND (no pattern matches) or
 * ERR_METHOD (a pattern matches, with other methods). HEAD matches GET routes.
 * path is as received, without the query string: each segment is percent-decoded before it is
 * compared (so "%2F" stays inside its segment) and parameters are decoded; a bad escape, a NUL or
 * invalid UTF-8 in a segment gives NULL with *err = ERR_INVALID. When several patterns match, the
 * most specific wins: at the first segment where they differ, literal > {param} > {rest*}. */
const struct route *router_match(const struct router *r, enum http_method method, const char *path,
                                 struct arena *arena, struct http_params *params, int *err);
/* The methods of every pattern that matches path (HEAD added to GET), for the Allow header of a
 * 405; 0 when none does. */
unsigned router_methods(const struct router *r, const char *path, struct arena *arena);

/* Every route, in the order added (for the OpenAPI test and `relais routes`). */
size_t router_count(const struct router *r);
const struct route *router_at(const struct router *r, size_t i);

#endif
