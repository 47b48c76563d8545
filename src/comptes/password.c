#include "comptes/password.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy_hash(void)
{
    if (crypto_pwhash_str_alg(dummy_hash, "relais", 6, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        dummy_hash[0] = '\0';
}

int password_hash(struct arena *a, const char *password, char **out)
{
    char *h = arena_alloc(a, crypto_pwhash_STRBYTES);
    if (crypto_pwhash_str_alg(h, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return ERR_INTERNAL;
    *out = h;
    return 0;
}

bool password_verify(const char *hash, const char *password)
{
    /* An unknown account is checked against a fixed hash, so that the answer takes the same time
     * whether the account exists or not. */
    if (!hash || !*hash) {
        pthread_once(&dummy_once, make_dummy_hash);
        /* The result is meaningless; only the time spent matters. */
        if (dummy_hash[0] && crypto_pwhash_str_verify(dummy_hash, password, strlen(password)) == 0)
            return false;
        return false;
    }
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

const char *password_rule_violation(const char *password)
{
    size_t n = password ? strlen(password) : 0;
    if (n == 0)
        return "Saisissez un mot de passe.";
    if (!utf8_valid(password, n))
        return "Le mot de passe contient des caractères invalides.";
    /* Length counted in characters, not bytes, so that accented passwords are not favoured. */
    size_t chars = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)password[i] & 0xC0) != 0x80)
            chars++;
    if (chars < LIMIT_PASSWORD_MIN)
        return "Le mot de passe doit contenir au moins 12 caractères.";
    if (n > LIMIT_PASSWORD_MAX)
        return "Le mot de passe doit contenir au plus 256 octets.";
    return NULL;
}
