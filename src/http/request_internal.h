/*
 * request_internal: the part of a request's private state that the accessors of request.c and the
 * server share (req->internal points to it). Private to src/http/. It lives in the request arena.
 */
#ifndef RELAIS_HTTP_REQUEST_INTERNAL_H
#define RELAIS_HTTP_REQUEST_INTERNAL_H

#include <stdbool.h>

#include "http/http.h"
#include "http/parse.h"

struct MHD_Connection;

struct http_request_internal {
    struct MHD_Connection *connection; /* NULL for a request made by http_request_init */
    struct http_params headers;        /* the headers of a request made by http_request_init */
    size_t headers_cap;
    struct http_params cookies;
    bool cookies_parsed;
    const char *fail_message, *fail_field; /* what http_fail recorded */
};

/* The method named name ("GET"...), or HTTP_OTHER. */
enum http_method http_method_parse(const char *name);

/* Parses the Cookie header once into the internal cache (the server calls it before the guard,
 * http_cookie on first use otherwise). */
int http_request_parse_cookies(struct http_request *req, struct http_parse_error *perr);

#endif
