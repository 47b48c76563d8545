/*
 * openapi: the OpenAPI 3 document of the JSON API, built from the route table itself, so that every
 * /api/ route is documented and every documented path exists.
 */
#ifndef RELAIS_APP_OPENAPI_H
#define RELAIS_APP_OPENAPI_H

#include <jansson.h>

struct router;

#define RELAIS_VERSION "0.1.0"

/* A new JSON document (caller owns the reference). */
json_t *openapi_document(const struct router *r);

#endif
