/* libFuzzer target: a JSON body. What is accepted is an object or an array within the depth limit,
 * and survives a dump and a reload. */
#include <stdint.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t depth(json_t *v)
{
    size_t max = 0, i;
    const char *key;
    json_t *item;
    if (json_is_array(v)) {
        json_array_foreach(v, i, item)
        {
            size_t d = depth(item);
            max = d > max ? d : max;
        }
        return max + 1;
    }
    if (json_is_object(v)) {
        json_object_foreach(v, key, item)
        {
            size_t d = depth(item);
            max = d > max ? d : max;
        }
        return max + 1;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct http_parse_limits lim = http_parse_limits_json;
    lim.json_depth = 8;
    struct arena a = ARENA_INIT;
    json_t *v;
    struct http_parse_error perr = {0};
    int rc = http_parse_json(&a, (const char *)data, size, &lim, &v, &perr);
    if (rc == 0) {
        ASSERT(json_is_object(v) || json_is_array(v));
        ASSERT(depth(v) <= lim.json_depth);
        char *dumped = json_dumps(v, JSON_COMPACT);
        ASSERT(dumped);
        json_error_t jerr;
        json_t *again = json_loads(dumped, JSON_REJECT_DUPLICATES, &jerr);
        ASSERT(again && json_equal(v, again));
        json_decref(again);
        free(dumped);
        json_decref(v);
    } else {
        ASSERT(v == NULL);
        fuzz_check_error(rc, &perr);
    }
    arena_release(&a);
    return 0;
}
