/* libFuzzer target: a query string, with the query limits. */
#include <stdint.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena a = ARENA_INIT;
    struct http_params ps;
    struct http_parse_error perr = {0};
    int rc =
        http_parse_urlencoded(&a, (const char *)data, size, &http_parse_limits_query, &ps, &perr);
    if (rc == 0) {
        fuzz_check_params(&ps, &http_parse_limits_query);
        /* Every field comes from a non-empty '&'-separated piece. */
        size_t pieces = size > 0;
        for (size_t i = 0; i < size; i++)
            pieces += data[i] == '&';
        ASSERT(ps.n <= pieces);
    } else {
        fuzz_check_error(rc, &perr);
    }
    arena_release(&a);
    return 0;
}
