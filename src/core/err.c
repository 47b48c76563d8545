#include "core/err.h"

const char *err_name(int err)
{
    switch (err) {
    case ERR_OK: return "ok";
    case ERR_INVALID: return "invalid";
    case ERR_NOT_FOUND: return "not_found";
    case ERR_TOO_BIG: return "too_big";
    case ERR_FORBIDDEN: return "forbidden";
    case ERR_UNAUTHORIZED: return "unauthorized";
    case ERR_CONFLICT: return "conflict";
    case ERR_DB: return "database";
    case ERR_IO: return "io";
    case ERR_UNSUPPORTED: return "unsupported";
    case ERR_TOO_MANY: return "too_many_requests";
    case ERR_METHOD: return "method_not_allowed";
    default: return "internal";
    }
}

int err_http_status(int err)
{
    switch (err) {
    case ERR_OK: return 200;
    case ERR_INVALID: return 400;
    case ERR_NOT_FOUND: return 404;
    case ERR_TOO_BIG: return 413;
    case ERR_FORBIDDEN: return 403;
    case ERR_UNAUTHORIZED: return 401;
    case ERR_CONFLICT: return 409;
    case ERR_UNSUPPORTED: return 415;
    case ERR_TOO_MANY: return 429;
    case ERR_METHOD: return 405;
    default: return 500;
    }
}
