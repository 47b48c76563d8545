/*
 * buf: a growable byte buffer with a size cap and a sticky error.
 *
 * buf_init(&b, arena, max): the bytes live in the arena (or on the heap when arena is NULL, and then
 * buf_release frees them). Once an append would pass max, the buffer records ERR_TOO_BIG and every
 * later append is a no-op; the caller checks once, with buf_finish(). The content is always
 * NUL-terminated (buf_cstr), so it can be handed to C APIs without a copy.
 */
#ifndef RELAIS_CORE_BUF_H
#define RELAIS_CORE_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "core/str.h"

struct arena;

struct buf {
    struct arena *arena; /* owner of p, or NULL for the heap */
    char *p;
    size_t len, cap, max;
    int err; /* 0, or the first error (ERR_TOO_BIG) */
};

void buf_init(struct buf *b, struct arena *arena, size_t max);
/* Frees heap memory (no-op for arena buffers) and resets to empty. */
void buf_release(struct buf *b);
void buf_reset(struct buf *b); /* empty again, error cleared, memory kept */

void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s); /* NULL appends nothing */
void buf_addstr(struct buf *b, struct str s);
void buf_addch(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap);
/* Appends a literal without strlen. */
#define buf_addlit(b, lit) buf_add((b), "" lit, sizeof(lit) - 1)

/* 0, or the sticky error. */
int buf_finish(const struct buf *b);
/* The content, NUL-terminated; borrowed from the buffer ("" when empty). */
const char *buf_cstr(const struct buf *b);
struct str buf_str(const struct buf *b);
/* Hands the heap content to the caller (caller-frees) and resets the buffer. */
char *buf_detach(struct buf *b, size_t *len);

#endif
