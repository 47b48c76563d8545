/*
 * password: argon2id hashing (libsodium crypto_pwhash_str, interactive limits) and the password rule.
 */
#ifndef RELAIS_COMPTES_PASSWORD_H
#define RELAIS_COMPTES_PASSWORD_H

#include <stdbool.h>

struct arena;

/* The encoded argon2id hash of password (arena). ERR_INTERNAL if hashing failed (memory). */
int password_hash(struct arena *a, const char *password, char **out);
/* True when password matches the encoded hash. A NULL hash never matches but costs the same time. */
bool password_verify(const char *hash, const char *password);
/* NULL when the password is acceptable, or the French reason it is not. */
const char *password_rule_violation(const char *password);

#endif
