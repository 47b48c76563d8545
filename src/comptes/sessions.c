/* Sessions, one-time links, login throttling and API tokens: everything that stores a secret's hash. */
#include "comptes/comptes.h"
#include "core/arena.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/limits.h"
#include "db/db.h"

#include <string.h>
#include <time.h>

static const char SQL_SESSION_INSERT[] =
    "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) "
    "VALUES ($1, $2, $3, $3, $4)";
/* The session and its user in one round trip: every signed-in request starts with it. */
static const char SQL_SESSION_GET[] =
    "SELECT s.user_id, s.last_seen_at, s.expires_at, u.name, u.email, u.is_admin FROM sessions s "
    "JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND u.disabled = 0";
static const char SQL_SESSION_TOUCH[] = "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1";
static const char SQL_SESSION_DELETE[] = "DELETE FROM sessions WHERE token_hash = $1";
static const char SQL_SESSION_DELETE_USER[] = "DELETE FROM sessions WHERE user_id = $1";
static const char SQL_SESSION_PURGE[] =
    "DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2";
static const char SQL_LINK_INSERT[] =
    "INSERT INTO user_links (token_hash, user_id, kind, created_at, expires_at) "
    "VALUES ($1, $2, $3, $4, $5)";
static const char SQL_LINK_GET[] =
    "SELECT user_id FROM user_links WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL "
    "AND expires_at > $3";
static const char SQL_LINK_USE[] =
    "UPDATE user_links SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL";
static const char SQL_THROTTLE_COUNT[] =
    "SELECT count(*) FROM login_failures WHERE subject = $1 AND at > $2";
static const char SQL_THROTTLE_INSERT[] = "INSERT INTO login_failures (subject, at) VALUES ($1, $2)";
static const char SQL_THROTTLE_CLEAR[] = "DELETE FROM login_failures WHERE subject = $1 OR at < $2";
static const char SQL_TOKEN_INSERT[] =
    "INSERT INTO api_tokens (structure_id, departement, name, prefix, token_hash, scopes, "
    "created_by, created_at) SELECT id, departement, $2, $3, $4, $5, $6, $7 FROM structures "
    "WHERE id = $1 RETURNING id";
static const char SQL_TOKEN_GET[] =
    "SELECT id, structure_id, name, prefix, scopes, created_at, last_used_at, revoked_at "
    "FROM api_tokens WHERE token_hash = $1";
static const char SQL_TOKEN_TOUCH[] = "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1";
static const char SQL_TOKEN_REVOKE[] =
    "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND structure_id = $2 "
    "AND revoked_at IS NULL";
static const char SQL_TOKEN_LIST[] =
    "SELECT id, structure_id, name, prefix, scopes, created_at, last_used_at, revoked_at "
    "FROM api_tokens WHERE structure_id = $1 ORDER BY id DESC";

static int64_t now(void) { return (int64_t)time(NULL); }

int session_create(struct db *db, struct arena *a, int64_t user_id, char **token)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_SESSION_PURGE, &st);
    if (rc)
        return rc;
    int64_t t = now();
    db_bind_int64(st, 1, t);
    db_bind_int64(st, 2, t - SESSION_IDLE_S);
    if ((rc = db_exec_stmt(st)))
        return rc;
    char *tok = crypto_random_token(a);
    if ((rc = db_prepare(db, SQL_SESSION_INSERT, &st)))
        return rc;
    db_bind_text(st, 1, crypto_sha256_hex(a, tok));
    db_bind_int64(st, 2, user_id);
    db_bind_int64(st, 3, t);
    db_bind_int64(st, 4, t + SESSION_ABSOLUTE_S);
    rc = db_exec_stmt(st);
    if (rc == 0)
        *token = tok;
    return rc;
}

int session_lookup(struct db *db, struct arena *a, const char *token, struct session_user *out)
{
    if (!token || strlen(token) != 43)
        return ERR_NOT_FOUND;
    char *h = crypto_sha256_hex(a, token);
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_SESSION_GET, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, h);
    rc = db_step(st);
    if (rc <= 0) {
        db_reset(st);
        return rc == 0 ? ERR_NOT_FOUND : rc;
    }
    int64_t seen = db_col_int64(st, 1), expires = db_col_int64(st, 2);
    out->user_id = db_col_int64(st, 0);
    out->name = db_col_dup(st, 3, a);
    out->email = db_col_dup(st, 4, a);
    out->is_admin = db_col_int64(st, 5) != 0;
    db_reset(st);
    int64_t t = now();
    if (expires <= t || seen + SESSION_IDLE_S <= t) {
        session_destroy(db, h);
        return ERR_NOT_FOUND;
    }
    /* Writing last_seen on every request would turn every page view into a write; a minute of
     * precision is plenty for an idle timeout of hours. */
    if (t - seen >= 60) {
        if ((rc = db_prepare(db, SQL_SESSION_TOUCH, &st)))
            return rc;
        db_bind_text(st, 1, h);
        db_bind_int64(st, 2, t);
        if ((rc = db_exec_stmt(st)))
            return rc;
    }
    out->hash = h;
    return 0;
}

static int exec_text(struct db *db, const char *sql, const char *text)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, text);
    return db_exec_stmt(st);
}

int session_destroy(struct db *db, const char *hash)
{
    return exec_text(db, SQL_SESSION_DELETE, hash);
}

int sessions_destroy_user(struct db *db, int64_t user_id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_SESSION_DELETE_USER, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, user_id);
    return db_exec_stmt(st);
}

static const char *link_kind_value(enum link_kind kind)
{
    return kind == LINK_INVITATION ? "invitation" : "reinitialisation";
}

int link_create(struct db *db, struct arena *a, int64_t user_id, enum link_kind kind, char **token)
{
    char *tok = crypto_random_token(a);
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_LINK_INSERT, &st);
    if (rc)
        return rc;
    int64_t t = now();
    db_bind_text(st, 1, crypto_sha256_hex(a, tok));
    db_bind_int64(st, 2, user_id);
    db_bind_text(st, 3, link_kind_value(kind));
    db_bind_int64(st, 4, t);
    db_bind_int64(st, 5, t + (kind == LINK_INVITATION ? LINK_INVITATION_S : LINK_RESET_S));
    rc = db_exec_stmt(st);
    if (rc == 0)
        *token = tok;
    return rc;
}

int link_lookup(struct db *db, struct arena *a, const char *token, enum link_kind kind,
                int64_t *user_id)
{
    if (!token || strlen(token) != 43)
        return ERR_NOT_FOUND;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_LINK_GET, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, crypto_sha256_hex(a, token));
    db_bind_text(st, 2, link_kind_value(kind));
    db_bind_int64(st, 3, now());
    rc = db_step_one(st);
    if (rc == 0)
        *user_id = db_col_int64(st, 0);
    db_reset(st);
    return rc;
}

int link_use(struct db *db, struct arena *a, const char *token)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_LINK_USE, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, crypto_sha256_hex(a, token));
    db_bind_int64(st, 2, now());
    rc = db_exec_stmt(st);
    /* Two tabs submitting the same link: only the first one wins. */
    if (rc == 0 && db_changes(st) == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

int throttle_check(struct db *db, const char *subject, int64_t limit)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_THROTTLE_COUNT, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, subject);
    db_bind_int64(st, 2, now() - LIMIT_LOGIN_WINDOW_S);
    rc = db_step(st);
    int64_t count = rc == 1 ? db_col_int64(st, 0) : 0;
    db_reset(st);
    if (rc < 0)
        return rc;
    return count >= limit ? ERR_TOO_MANY : 0;
}

int throttle_record(struct db *db, const char *subject)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_THROTTLE_INSERT, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, subject);
    db_bind_int64(st, 2, now());
    return db_exec_stmt(st);
}

int throttle_clear(struct db *db, const char *subject)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_THROTTLE_CLEAR, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, subject);
    db_bind_int64(st, 2, now() - LIMIT_LOGIN_WINDOW_S);
    return db_exec_stmt(st);
}

static unsigned scopes_parse(const char *s)
{
    unsigned v = 0;
    if (strstr(s, "lecture"))
        v |= ACCESS_TOKEN_READ;
    if (strstr(s, "ecriture"))
        v |= ACCESS_TOKEN_WRITE;
    return v;
}

const char *api_scopes_label(unsigned scopes)
{
    if ((scopes & ACCESS_TOKEN_WRITE) && (scopes & ACCESS_TOKEN_READ))
        return "lecture ecriture";
    if (scopes & ACCESS_TOKEN_WRITE)
        return "ecriture";
    return "lecture";
}

static void read_token(struct db_stmt *st, struct arena *a, struct api_token *t)
{
    t->id = db_col_int64(st, 0);
    t->structure_id = db_col_int64(st, 1);
    t->name = db_col_dup(st, 2, a);
    t->prefix = db_col_dup(st, 3, a);
    t->scopes = scopes_parse(db_col_text(st, 4));
    t->created_at = db_col_int64(st, 5);
    t->last_used_at = db_col_is_null(st, 6) ? 0 : db_col_int64(st, 6);
    t->revoked_at = db_col_is_null(st, 7) ? 0 : db_col_int64(st, 7);
}

int api_token_create(struct db *db, struct arena *a, int64_t structure_id, const char *name,
                     unsigned scopes, int64_t created_by, char **secret, int64_t *id)
{
    /* "rls_" makes a leaked token recognisable by secret scanners. */
    char *tok = arena_printf(a, "rls_%s", crypto_random_token(a));
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_TOKEN_INSERT, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, structure_id);
    db_bind_text(st, 2, name);
    db_bind_textn(st, 3, tok, 12);
    db_bind_text(st, 4, crypto_sha256_hex(a, tok));
    db_bind_text(st, 5, api_scopes_label(scopes));
    if (created_by)
        db_bind_int64(st, 6, created_by);
    else
        db_bind_null(st, 6);
    db_bind_int64(st, 7, now());
    rc = db_step_one(st);
    if (rc == 0) {
        *id = db_col_int64(st, 0);
        *secret = tok;
    }
    db_reset(st);
    return rc;
}

int api_token_lookup(struct db *db, struct arena *a, const char *secret, struct api_token *out)
{
    if (!secret || strlen(secret) != 47 || strncmp(secret, "rls_", 4) != 0)
        return ERR_UNAUTHORIZED;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_TOKEN_GET, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, crypto_sha256_hex(a, secret));
    rc = db_step(st);
    if (rc == 1) {
        read_token(st, a, out);
        rc = out->revoked_at ? ERR_UNAUTHORIZED : 0;
    } else if (rc == 0) {
        rc = ERR_UNAUTHORIZED;
    }
    db_reset(st);
    if (rc == 0 && now() - out->last_used_at >= 60) {
        if ((rc = db_prepare(db, SQL_TOKEN_TOUCH, &st)))
            return rc;
        db_bind_int64(st, 1, out->id);
        db_bind_int64(st, 2, now());
        rc = db_exec_stmt(st);
    }
    return rc;
}

int api_token_revoke(struct db *db, int64_t structure_id, int64_t id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_TOKEN_REVOKE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    db_bind_int64(st, 2, structure_id);
    db_bind_int64(st, 3, now());
    rc = db_exec_stmt(st);
    if (rc == 0 && db_changes(st) == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

int api_token_list(struct db *db, struct arena *a, int64_t structure_id, struct api_token **out,
                   size_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_TOKEN_LIST, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, structure_id);
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    while ((rc = db_step(st)) == 1) {
        *out = arena_push(a, *out, *n, &cap, sizeof(**out));
        read_token(st, a, &(*out)[(*n)++]);
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}
