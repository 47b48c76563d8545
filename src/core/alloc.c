#include "core/alloc.h"
#include "core/log.h"

#include <stdlib.h>
#include <string.h>

static void *check(void *p, size_t n)
{
    if (!p && n)
        log_fatal("out of memory allocating %zu bytes", n);
    return p;
}

void *xmalloc(size_t n) { return check(malloc(n ? n : 1), n ? n : 1); }

void *xcalloc(size_t count, size_t size)
{
    return check(calloc(count ? count : 1, size ? size : 1), count * size + 1);
}

void *xrealloc(void *p, size_t n) { return check(realloc(p, n ? n : 1), n ? n : 1); }

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}
