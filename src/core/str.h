/*
 * str: a non-owning slice of bytes. A struct str borrows its bytes from whoever owns them (an arena,
 * a static literal, a parser's input); it never frees anything and is not NUL-terminated.
 */
#ifndef RELAIS_CORE_STR_H
#define RELAIS_CORE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

struct str {
    const char *p;
    size_t len;
};

#define STR_LIT(s) ((struct str){"" s, sizeof(s) - 1})
#define STR_NULL ((struct str){NULL, 0})

struct str str_from(const char *s); /* NULL gives an empty slice */
bool str_eq(struct str a, struct str b);
bool str_eq_cstr(struct str a, const char *b);
bool str_case_eq_cstr(struct str a, const char *b); /* ASCII case-insensitive */
bool str_starts_with(struct str s, const char *prefix);
struct str str_trim(struct str s); /* ASCII white space at both ends */
/* A NUL-terminated copy in the arena. */
char *str_dup(struct str s, struct arena *a);

/* Strict decimal parse of the whole slice (optional leading '-'): ERR_INVALID on anything else,
 * including empty input and overflow. */
int str_to_int64(struct str s, int64_t *out);
int cstr_to_int64(const char *s, int64_t *out);

/* True when the bytes are well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF). */
bool utf8_valid(const char *p, size_t len);

/* Constant-time comparison of two byte strings of equal length (for tokens). */
bool str_secure_eq(const char *a, const char *b, size_t len);

#endif
