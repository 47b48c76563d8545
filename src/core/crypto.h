/*
 * crypto: random tokens, hashes and MACs through libsodium. crypto_init must run once at start-up,
 * before threads. Strings returned are in the given arena.
 */
#ifndef RELAIS_CORE_CRYPTO_H
#define RELAIS_CORE_CRYPTO_H

#include <stddef.h>

struct arena;

#define CRYPTO_TOKEN_BYTES 32 /* random bytes in a session, link or API token */

int crypto_init(void);
/* CRYPTO_TOKEN_BYTES random bytes as unpadded base64url (43 characters, cookie- and URL-safe). */
char *crypto_random_token(struct arena *a);
/* Lower-case hex SHA-256 of s (64 characters). */
char *crypto_sha256_hex(struct arena *a, const char *s);
/* base64url HMAC-SHA-256 of msg under key (the key is any string; it is hashed to 32 bytes). */
char *crypto_hmac(struct arena *a, const char *key, const char *msg);

#endif
