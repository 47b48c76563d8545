/*
 * arena: a region allocator. Every request gets one; everything allocated for the request comes from
 * it and is freed at once by arena_release() when the response completes. Request code never calls
 * free(). Memory returned by arena_* functions has lifetime "arena": valid until the arena is reset
 * or released. Allocation aborts on exhaustion (see alloc.h); limits are checked by the callers.
 */
#ifndef RELAIS_CORE_ARENA_H
#define RELAIS_CORE_ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
    struct arena_block *head;
    size_t total; /* bytes handed out, for logs and tests */
};

#define ARENA_INIT {NULL, 0}

void arena_init(struct arena *a);
/* Frees every block; the arena can be used again. */
void arena_release(struct arena *a);

/* n bytes aligned for any type; never NULL. */
void *arena_alloc(struct arena *a, size_t n);
/* n zeroed bytes. */
void *arena_calloc(struct arena *a, size_t count, size_t size);
/* Copies of strings, NUL-terminated. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Grows an array allocated in the arena: returns a new block of new_n * size with the old content. */
void *arena_grow(struct arena *a, void *old, size_t old_n, size_t new_n, size_t size);
/* Makes room for one more element in an array of n elements with capacity *cap (both 0 for a new
 * array): returns the array, moved when it had to grow. Append with: list = arena_push(a, list, n,
 * &cap, sizeof(*list)); list[n++] = item; */
void *arena_push(struct arena *a, void *items, size_t n, size_t *cap, size_t size);

#endif
