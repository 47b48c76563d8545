#include "core/buf.h"
#include "core/alloc.h"
#include "core/arena.h"
#include "core/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b, struct arena *arena, size_t max)
{
    b->arena = arena;
    b->p = NULL;
    b->len = b->cap = 0;
    b->max = max;
    b->err = 0;
}

void buf_release(struct buf *b)
{
    if (!b->arena)
        free(b->p);
    buf_init(b, b->arena, b->max);
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    b->err = 0;
    if (b->p)
        b->p[0] = '\0';
}

/* Makes room for n more bytes plus the terminating NUL; false (and the sticky error) past max. */
static int reserve(struct buf *b, size_t n)
{
    if (b->err)
        return 0;
    if (n > b->max || b->len > b->max - n) {
        b->err = ERR_TOO_BIG;
        return 0;
    }
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return 1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    if (b->arena) {
        char *p = arena_alloc(b->arena, cap);
        if (b->len)
            memcpy(p, b->p, b->len);
        b->p = p;
    } else {
        b->p = xrealloc(b->p, cap);
    }
    b->cap = cap;
    return 1;
}

void buf_add(struct buf *b, const void *p, size_t n)
{
    if (!reserve(b, n))
        return;
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
    if (s)
        buf_add(b, s, strlen(s));
}

void buf_addstr(struct buf *b, struct str s) { buf_add(b, s.p, s.len); }

void buf_addch(struct buf *b, char c) { buf_add(b, &c, 1); }

void buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0 || !reserve(b, (size_t)n)) {
        va_end(ap2);
        return;
    }
    vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    b->len += (size_t)n;
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vaddf(b, fmt, ap);
    va_end(ap);
}

int buf_finish(const struct buf *b) { return b->err; }

const char *buf_cstr(const struct buf *b) { return b->p ? b->p : ""; }

struct str buf_str(const struct buf *b) { return (struct str){buf_cstr(b), b->len}; }

char *buf_detach(struct buf *b, size_t *len)
{
    char *p = b->p;
    if (!p) {
        p = b->arena ? arena_strdup(b->arena, "") : xstrdup("");
    }
    if (len)
        *len = b->len;
    buf_init(b, b->arena, b->max);
    return p;
}
