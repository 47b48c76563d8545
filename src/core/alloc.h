/*
 * alloc: heap allocation that never returns NULL. On exhaustion the process logs and aborts: limits,
 * not NULL checks, protect Relais. Whatever these return is caller-frees (free()).
 */
#ifndef RELAIS_CORE_ALLOC_H
#define RELAIS_CORE_ALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
