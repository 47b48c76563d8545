/* libFuzzer target: a Cookie header. */
#include <stdint.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct http_parse_limits lim = {
        .total_bytes = 4096, .fields = 8, .name_bytes = 32, .value_bytes = 256};
    struct arena a = ARENA_INIT;
    struct http_params ps;
    struct http_parse_error perr = {0};
    int rc = http_parse_cookies(&a, (const char *)data, size, &lim, &ps, &perr);
    if (rc == 0) {
        fuzz_check_params(&ps, &lim);
        for (size_t i = 0; i < ps.n; i++) {
            const char *name = ps.items[i].name, *value = ps.items[i].value;
            ASSERT(*name && !strpbrk(name, "=; \t\"\r\n"));
            ASSERT(!strchr(value, ';'));
            for (const char *c = value; *c; c++)
                ASSERT((unsigned char)*c >= 0x20 && *c != 0x7f);
        }
    } else {
        fuzz_check_error(rc, &perr);
    }
    arena_release(&a);
    return 0;
}
