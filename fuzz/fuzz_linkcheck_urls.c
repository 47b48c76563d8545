/* libFuzzer target: the web addresses the link checker finds in a resource's text
 * (linkcheck_extract_urls). Whatever the bytes: each address found starts with http:// or
 * https:// and has something after it, is a piece of the text, holds no white space, quote or
 * angle bracket, does not end with a sentence's punctuation, and is found once; no more than the
 * maximum asked are returned. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/log.h"
#include "ressources/linkcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    struct arena a = ARENA_INIT;
    const char **urls;
    size_t max = size % 7 + 1;
    size_t n = linkcheck_extract_urls(&a, text, &urls, max);
    ASSERT(n <= max);
    for (size_t i = 0; i < n; i++) {
        const char *u = urls[i];
        size_t scheme = strncmp(u, "https://", 8) == 0 ? 8 : strncmp(u, "http://", 7) == 0 ? 7 : 0;
        ASSERT(scheme && strlen(u) > scheme);
        ASSERT(strstr(text, u) != NULL);
        ASSERT(!strpbrk(u, " \t\r\n\"'<>"));
        ASSERT(!strchr(".,;:!?", u[strlen(u) - 1]));
        for (size_t j = 0; j < i; j++)
            ASSERT(strcmp(urls[j], u) != 0);
    }
    arena_release(&a);
    free(text);
    return 0;
}
