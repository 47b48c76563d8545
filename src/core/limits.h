/*
 * limits: every size and count that bounds what a request, a file or a query may hold. Parsers take
 * their limit from here; nothing else in the tree hard-codes one.
 */
#ifndef RELAIS_CORE_LIMITS_H
#define RELAIS_CORE_LIMITS_H

#define LIMIT_URL_BYTES (8 * 1024)            /* request line and path */
#define LIMIT_HEADER_BYTES (16 * 1024)        /* all headers of one request */
#define LIMIT_BODY_BYTES (1024 * 1024)        /* urlencoded form or JSON body */
#define LIMIT_UPLOAD_BYTES (50 * 1024 * 1024) /* one multipart upload, summed over its files */
#define LIMIT_FIELDS 200                      /* fields in a query string or a form */
#define LIMIT_FIELD_NAME_BYTES 256
#define LIMIT_FIELD_VALUE_BYTES (64 * 1024)   /* one non-file field */
/* A refused body announced up to this size is read and dropped before the error is sent, so that
 * the client sees the error instead of a reset connection; a larger one closes the connection. */
#define LIMIT_DRAIN_BYTES (2 * LIMIT_UPLOAD_BYTES)
#define LIMIT_UPLOAD_FILES 8                  /* files in one multipart body */
#define LIMIT_COOKIES 50
#define LIMIT_JSON_DEPTH 32
#define LIMIT_QUERY_CHARS 500                 /* a search query typed by a person */
#define LIMIT_PAGE_SIZE 200                   /* rows in one page of a list or an API answer */
#define LIMIT_CSV_ROWS 1000000
#define LIMIT_CSV_COLUMNS 200

/* libmicrohttpd clears this pool for every request on a connection, so it is kept to what headers
 * (LIMIT_HEADER_BYTES) and the response head need: 256 KiB cost a third of the CPU at load. */
#define LIMIT_CONNECTION_MEMORY (32 * 1024)
#define LIMIT_CONNECTIONS 1024
#define LIMIT_CONNECTIONS_PER_IP 256
#define LIMIT_CONNECTION_TIMEOUT_S 30
#define LIMIT_SHUTDOWN_GRACE_S 10             /* wait for requests in flight on a graceful stop */
#define LIMIT_MULTIPART_HEADER_BYTES (8 * 1024) /* the headers of one part of a multipart body */

#define LIMIT_PAGE_BYTES (8 * 1024 * 1024)    /* one rendered page or JSON answer */

#define LIMIT_LOGIN_FAILURES_ACCOUNT 5        /* per account, per window */
#define LIMIT_LOGIN_FAILURES_IP 20            /* per IP, per window */
#define LIMIT_LOGIN_WINDOW_S (15 * 60)

/* Lieux in one printed guide: ten times the largest département of the national map, about
 * 2,000 pages. */
#define LIMIT_GUIDE_LIEUX 20000

/* Attachments of one referral (orientation): how many, and the size of each. */
#define LIMIT_ORIENTATION_PIECES 5
#define LIMIT_ORIENTATION_PIECE_BYTES (10 * 1024 * 1024)
/* One file of a resource (a PDF, an image, an office document); a resource form carries at most
 * LIMIT_UPLOAD_FILES of them within LIMIT_UPLOAD_BYTES. */
#define LIMIT_RESSOURCE_FILE_BYTES (20 * 1024 * 1024)
/* Resources in one JSON import (relais import ressources, POST /api/v1/ressources/import). */
#define LIMIT_RESSOURCES_IMPORT 100000
/* Opening hours (lieux/horaires.h): the longest value parsed (OSM caps tag values at 255
 * characters; imports carry longer free text), and the rules in one value and the ranges in one
 * selector, far above real values: they bound the work of an evaluation. */
#define LIMIT_HORAIRES_BYTES 2048
#define LIMIT_HORAIRES_RULES 64
#define LIMIT_HORAIRES_RANGES 32

/* One source file of the communes (lieux/communes.c): the three weigh 6 MB together; anything far
 * larger is not them. */
#define LIMIT_COMMUNES_FILE_BYTES (64 * 1024 * 1024)

/* « Signaler une erreur » on a lieu's page: the length of a report, and how many reports one IP
 * address may send per LIMIT_LOGIN_WINDOW_S (anonymous reports are allowed). */
#define LIMIT_SIGNALEMENT_CHARS 2000
#define LIMIT_SIGNALEMENTS_PER_IP 10

#define LIMIT_PASSWORD_MIN 12
#define LIMIT_PASSWORD_MAX 256

/* Search (src/search): what a query, a document and the synonym list may hold. A longer query is
 * cut, never refused; a document past a limit is refused with ERR_TOO_BIG. */
#define LIMIT_SEARCH_QUERY_BYTES 1000         /* of a query, the rest ignored (2 × LIMIT_QUERY_CHARS) */
#define LIMIT_SEARCH_QUERY_WORDS 16           /* words of a query that count, the rest ignored */
#define LIMIT_SEARCH_FIELD_BYTES (1024 * 1024) /* one text field of a document */
#define LIMIT_SEARCH_FIELD_WORDS 60000        /* indexed words of one field, the rest ignored */
#define LIMIT_SEARCH_DOC_FACETS 256           /* facet values of one document */
#define LIMIT_SEARCH_FACET_BYTES 200          /* a facet name or value */
#define LIMIT_SEARCH_FILTERS 64               /* facet values a query filters on */
#define LIMIT_SEARCH_SUGGESTIONS 20
#define LIMIT_SEARCH_EXPANSIONS 40            /* words a typo or a prefix may stand for */
#define LIMIT_SEARCH_SYNONYM_GROUPS 10000
#define LIMIT_SEARCH_SYNONYM_WORDS 6          /* words of one expression of the synonym list */
#define LIMIT_SEARCH_WORD_BYTES 64            /* a longer word is cut (it is not a word of French) */

/* The link checker of `relais maintenance` (ressources/linkcheck.h): transfers at once, per host,
 * the pause between two requests to one host, the time one request may take, redirections
 * followed, and the longest address checked. */
#define LIMIT_LINKCHECK_PARALLEL 8
#define LIMIT_LINKCHECK_PER_HOST 1
#define LIMIT_LINKCHECK_HOST_DELAY_MS 1000
#define LIMIT_LINKCHECK_TIMEOUT_MS 15000
#define LIMIT_LINKCHECK_CONNECT_TIMEOUT_MS 5000
#define LIMIT_LINKCHECK_REDIRECTS 10
#define LIMIT_LINKCHECK_URL_BYTES 2048

/* Collections, reviews and reports of resources (ressources/collections.h, reviews.h, reports.h). */
#define LIMIT_COLLECTION_TITLE_CHARS 120
#define LIMIT_COLLECTION_DESCRIPTION_CHARS 1000
#define LIMIT_COLLECTION_ITEMS 500
#define LIMIT_REVIEW_COMMENT_CHARS 2000
#define LIMIT_REPORT_COMMENT_CHARS 2000

#endif
