/*
 * err: the one error type of Relais.
 *
 * Every fallible function returns int: 0 on success, or one negative value of enum err. The HTTP
 * layer maps these to statuses with err_http_status(); logs use err_name(). Nothing here allocates.
 */
#ifndef RELAIS_CORE_ERR_H
#define RELAIS_CORE_ERR_H

enum err {
    ERR_OK = 0,
    ERR_INVALID = -1,      /* input breaks a rule: 400 (or 422 for a form redisplayed) */
    ERR_NOT_FOUND = -2,    /* 404 */
    ERR_TOO_BIG = -3,      /* a limit was exceeded: 413 */
    ERR_FORBIDDEN = -4,    /* authenticated but not allowed, or bad CSRF token: 403 */
    ERR_UNAUTHORIZED = -5, /* not authenticated: 401 (API) or redirect to login (pages) */
    ERR_CONFLICT = -6,     /* unique constraint or stale state: 409 */
    ERR_DB = -7,           /* the database failed: 500 */
    ERR_IO = -8,           /* a file or socket failed: 500 */
    ERR_UNSUPPORTED = -9,  /* unsupported media type or method: 415 / 405 */
    ERR_TOO_MANY = -10,    /* throttled: 429 */
    ERR_INTERNAL = -11,    /* a bug or an unexpected state: 500 */
    ERR_METHOD = -12,      /* the path exists but not with this method: 405 */
};

/* The symbolic name, e.g. "invalid"; also the "code" of JSON API errors. Borrowed, static. */
const char *err_name(int err);

/* The HTTP status for an error (200 for ERR_OK). */
int err_http_status(int err);

#endif
