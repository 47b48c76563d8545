/*
 * libFuzzer target: an urlencoded body. Besides the common checks, a round trip: the fields that
 * were parsed, encoded again, must parse to the same fields.
 */
#include <stdint.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void encode(struct buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
            buf_addch(b, (char)c);
        else if (c == ' ')
            buf_addch(b, '+');
        else
            buf_addf(b, "%%%02X", c);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Small limits, so that the fuzzer reaches them. */
    static const struct http_parse_limits lim = {
        .total_bytes = 2048, .fields = 16, .name_bytes = 32, .value_bytes = 128};
    struct arena a = ARENA_INIT;
    struct http_params ps;
    struct http_parse_error perr = {0};
    int rc = http_parse_urlencoded(&a, (const char *)data, size, &lim, &ps, &perr);
    if (rc == 0) {
        fuzz_check_params(&ps, &lim);
        struct buf b;
        buf_init(&b, &a, 1 << 20);
        for (size_t i = 0; i < ps.n; i++) {
            if (i)
                buf_addch(&b, '&');
            encode(&b, ps.items[i].name);
            buf_addch(&b, '=');
            encode(&b, ps.items[i].value);
        }
        ASSERT(buf_finish(&b) == 0);
        struct http_params again;
        struct http_parse_limits wide = lim;
        wide.total_bytes = b.len; /* encoding grows the input, not the fields */
        ASSERT(http_parse_urlencoded(&a, b.p, b.len, &wide, &again, &perr) == 0);
        ASSERT(again.n == ps.n);
        for (size_t i = 0; i < ps.n; i++) {
            ASSERT(strcmp(again.items[i].name, ps.items[i].name) == 0);
            ASSERT(strcmp(again.items[i].value, ps.items[i].value) == 0);
        }
    } else {
        fuzz_check_error(rc, &perr);
    }
    arena_release(&a);
    return 0;
}
