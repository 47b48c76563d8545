/*
 * parse: the request parsers of the HTTP layer, kept pure (no socket, no libmicrohttpd) so that
 * they can be unit-tested and fuzzed alone: percent-decoding, query strings and urlencoded forms,
 * the Cookie header, Content-Type parameters, multipart/form-data (a streaming state machine fed
 * chunk by chunk) and JSON bodies.
 *
 * Every parser takes an arena and its limits, and returns 0 or a negative enum err. On error it
 * fills struct http_parse_error with a French message for the person who sent the request and the
 * name of the field concerned (or NULL). Everything a parser returns (names, values, messages)
 * lives in the arena it was given, except the json_t of http_parse_json, which the caller decrefs.
 */
#ifndef RELAIS_HTTP_PARSE_H
#define RELAIS_HTTP_PARSE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "http/http.h"

struct http_parse_error {
    const char *message; /* French, for the person; arena or static */
    const char *field;   /* the field concerned, or NULL */
};

struct http_parse_limits {
    size_t total_bytes;  /* the whole input (query string, header, body) */
    size_t fields;       /* name=value pairs; for multipart, the non-file fields */
    size_t name_bytes;   /* one decoded name */
    size_t value_bytes;  /* one decoded value */
    size_t form_bytes;   /* multipart: the sum of the non-file values */
    size_t files;        /* multipart: file parts */
    size_t header_bytes; /* multipart: the headers of one part */
    size_t json_depth;   /* JSON: nesting of arrays and objects */
};

/* The limits of core/limits.h for each kind of input. */
extern const struct http_parse_limits http_parse_limits_query;     /* query string */
extern const struct http_parse_limits http_parse_limits_form;      /* urlencoded body */
extern const struct http_parse_limits http_parse_limits_cookies;   /* Cookie header */
extern const struct http_parse_limits http_parse_limits_multipart; /* multipart/form-data body */
extern const struct http_parse_limits http_parse_limits_json;      /* JSON body */

/* Decodes %XX escapes (and '+' as a space when plus_is_space) of p[0..len) into a NUL-terminated
 * arena copy. ERR_INVALID on a malformed escape; the result may hold NUL bytes (check *out_len). */
int http_percent_decode(struct arena *a, const char *p, size_t len, bool plus_is_space, char **out,
                        size_t *out_len);

/* A query string (without '?') or an application/x-www-form-urlencoded body: '&'-separated pairs,
 * '+' and %XX decoded; empty pairs are skipped, a name without '=' gets "". Names and values must
 * be valid UTF-8 without NUL (ERR_INVALID); too many fields or too long ones give ERR_TOO_BIG. */
int http_parse_urlencoded(struct arena *a, const char *p, size_t len,
                          const struct http_parse_limits *lim, struct http_params *out,
                          struct http_parse_error *perr);

/* A Cookie header: "a=1; b=2". Values are not decoded (quotes around a value are removed). A pair
 * that is not name=value, or not UTF-8, is skipped as RFC 6265 asks; more than lim->fields cookies
 * or a header over lim->total_bytes give ERR_TOO_BIG. */
int http_parse_cookies(struct arena *a, const char *p, size_t len,
                       const struct http_parse_limits *lim, struct http_params *out,
                       struct http_parse_error *perr);

/* The media type of a Content-Type header, lower case, without parameters (arena), or NULL when the
 * header is NULL or empty. */
const char *http_media_type(struct arena *a, const char *content_type);
/* A parameter of a Content-Type header (name case-insensitive, quotes removed; arena), or NULL. */
const char *http_media_type_param(struct arena *a, const char *content_type, const char *name);

/* A JSON body: must be an object or an array, without duplicate keys, nested at most
 * lim->json_depth deep. *out is the caller's (json_decref). Errors name the line and column:
 * "JSON invalide à la ligne L, colonne C : …". */
int http_parse_json(struct arena *a, const char *p, size_t len, const struct http_parse_limits *lim,
                    json_t **out, struct http_parse_error *perr);

/*
 * multipart/form-data, streamed: http_multipart_begin, then http_multipart_feed for each chunk of
 * the body as it arrives, then http_multipart_end. Non-file fields are collected in the arena; the
 * bytes of each file part go to the sink as they arrive, so that a large upload never sits in
 * memory. A file part with an empty filename (a file input left empty) is skipped. Errors are
 * sticky: after one, feed and end return it again and call the sink no more (the owner of the sink
 * cleans up what begin opened, since end is then never called).
 */
struct http_multipart_sink {
    /* A file part starts. 0 to go on, or an error that stops the parse. Strings live in the arena.
     */
    int (*begin)(void *ctx, const char *field, const char *filename, const char *content_type);
    /* Some bytes of the current file part. */
    int (*data)(void *ctx, const char *p, size_t n);
    /* The current file part is complete. */
    int (*end)(void *ctx);
    void *ctx;
};

struct http_multipart;

/* Reads the boundary from content_type (the whole Content-Type header). The parser is arena memory;
 * the sink is copied; lim must outlive the parser. */
int http_multipart_begin(struct arena *a, const char *content_type,
                         const struct http_parse_limits *lim,
                         const struct http_multipart_sink *sink, struct http_multipart **out,
                         struct http_parse_error *perr);
int http_multipart_feed(struct http_multipart *m, const char *p, size_t n,
                        struct http_parse_error *perr);
/* The body is complete: checks that the closing boundary was seen and gives the non-file fields. */
int http_multipart_end(struct http_multipart *m, struct http_params *form,
                       struct http_parse_error *perr);

#endif
