/* url: percent-encoding of a query-string component (RFC 3986 unreserved characters kept). */
#ifndef RELAIS_CORE_URL_H
#define RELAIS_CORE_URL_H

struct arena;

/* The encoded string, in the arena. */
char *url_encode(struct arena *a, const char *s);

#endif
