/*
 * fuzz_check: what every fuzz target checks of a parser's answer, whatever the input: an error is
 * one of the documented ones and comes with a French message in valid UTF-8 (it is sent back to
 * the person), and every name and value handed out is NUL-free valid UTF-8 within its limit.
 */
#ifndef RELAIS_FUZZ_CHECK_H
#define RELAIS_FUZZ_CHECK_H

#include <string.h>

#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "http/parse.h"

static inline void fuzz_check_error(int rc, const struct http_parse_error *perr)
{
    ASSERT(rc == ERR_INVALID || rc == ERR_TOO_BIG || rc == ERR_IO);
    ASSERT(perr->message && utf8_valid(perr->message, strlen(perr->message)));
    ASSERT(!perr->field || utf8_valid(perr->field, strlen(perr->field)));
}

static inline void fuzz_check_params(const struct http_params *ps,
                                     const struct http_parse_limits *lim)
{
    ASSERT(ps->n <= lim->fields);
    for (size_t i = 0; i < ps->n; i++) {
        const char *name = ps->items[i].name, *value = ps->items[i].value;
        ASSERT(name && value);
        ASSERT(strlen(name) <= lim->name_bytes && strlen(value) <= lim->value_bytes);
        ASSERT(utf8_valid(name, strlen(name)) && utf8_valid(value, strlen(value)));
    }
}

#endif
