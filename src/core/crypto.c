#include "core/crypto.h"
#include "core/arena.h"
#include "core/err.h"

#include <sodium.h>
#include <string.h>

int crypto_init(void) { return sodium_init() < 0 ? ERR_INTERNAL : 0; }

static char *base64url(struct arena *a, const unsigned char *bin, size_t n)
{
    size_t len = sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = arena_alloc(a, len);
    sodium_bin2base64(out, len, bin, n, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

char *crypto_random_token(struct arena *a)
{
    unsigned char bin[CRYPTO_TOKEN_BYTES];
    randombytes_buf(bin, sizeof(bin));
    return base64url(a, bin, sizeof(bin));
}

char *crypto_sha256_hex(struct arena *a, const char *s)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
    char *out = arena_alloc(a, sizeof(h) * 2 + 1);
    sodium_bin2hex(out, sizeof(h) * 2 + 1, h, sizeof(h));
    return out;
}

char *crypto_hmac(struct arena *a, const char *key, const char *msg)
{
    unsigned char k[crypto_auth_hmacsha256_KEYBYTES];
    crypto_hash_sha256(k, (const unsigned char *)key, strlen(key));
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256(mac, (const unsigned char *)msg, strlen(msg), k);
    return base64url(a, mac, sizeof(mac));
}
