/* Users, their roles, and the process secret. */
#include "comptes/comptes.h"
#include "comptes/password.h"
#include "core/alloc.h"
#include "core/arena.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"
#include "html/ui.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

static const char SQL_SECRET_INSERT[] =
    "INSERT INTO settings (key, value) VALUES ('secret', $1) ON CONFLICT (key) DO NOTHING";
static const char SQL_SECRET_GET[] = "SELECT value FROM settings WHERE key = 'secret'";
static const char SQL_USER_INSERT[] =
    "INSERT INTO users (email, name, password_hash, demo, created_at) VALUES ($1, $2, $3, $4, $5) "
    "RETURNING id";
static const char SQL_USER_COLUMNS_BY_ID[] =
    "SELECT id, email, name, password_hash, is_admin, disabled, demo, created_at, last_login_at "
    "FROM users WHERE id = $1";
static const char SQL_USER_COLUMNS_BY_EMAIL[] =
    "SELECT id, email, name, password_hash, is_admin, disabled, demo, created_at, last_login_at "
    "FROM users WHERE email = $1";
static const char SQL_USER_LIST[] =
    "SELECT id, email, name, password_hash, is_admin, disabled, demo, created_at, last_login_at "
    "FROM users ORDER BY name, id LIMIT $1 OFFSET $2";
static const char SQL_USER_COUNT[] = "SELECT count(*) FROM users";
static const char SQL_USER_SET_PASSWORD[] = "UPDATE users SET password_hash = $2 WHERE id = $1";
static const char SQL_USER_SET_ADMIN[] = "UPDATE users SET is_admin = $2 WHERE id = $1";
static const char SQL_USER_SET_DISABLED[] = "UPDATE users SET disabled = $2 WHERE id = $1";
static const char SQL_USER_TOUCH_LOGIN[] = "UPDATE users SET last_login_at = $2 WHERE id = $1";
static const char SQL_MEMBERSHIP_INSERT[] =
    "INSERT INTO memberships (user_id, structure_id, role, departement, created_at) "
    "SELECT $1, id, $3, departement, $4 FROM structures WHERE id = $2 "
    "ON CONFLICT (user_id, structure_id, role) DO NOTHING";
static const char SQL_SCOPE_INSERT[] =
    "INSERT INTO coordinator_scopes (user_id, departement) VALUES ($1, $2) "
    "ON CONFLICT (user_id, departement) DO NOTHING";
/* Memberships and coordination scopes in one round trip (a scope is a row without structure). */
static const char SQL_ROLES[] =
    "SELECT m.structure_id, s.nom, s.departement, m.role FROM memberships m "
    "JOIN structures s ON s.id = m.structure_id WHERE m.user_id = $1 "
    "UNION ALL SELECT 0, CAST(NULL AS TEXT), departement, 'coordinateur' FROM coordinator_scopes "
    "WHERE user_id = $1 ORDER BY 2, 3, 1";
static const char SQL_AUDIT_INSERT[] =
    "INSERT INTO audit_log (at, user_id, departement, action, object, detail) "
    "VALUES ($1, $2, $3, $4, $5, $6)";

static char *process_secret;
static pthread_mutex_t secret_lock = PTHREAD_MUTEX_INITIALIZER;

int comptes_init(struct db *db)
{
    struct arena a = ARENA_INIT;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_SECRET_INSERT, &st);
    if (rc == 0) {
        db_bind_text(st, 1, crypto_random_token(&a));
        rc = db_exec_stmt(st);
    }
    if (rc == 0)
        rc = db_prepare(db, SQL_SECRET_GET, &st);
    if (rc == 0) {
        rc = db_step(st);
        if (rc == 1) {
            pthread_mutex_lock(&secret_lock);
            if (!process_secret)
                process_secret = xstrdup(db_col_text(st, 0));
            pthread_mutex_unlock(&secret_lock);
            rc = 0;
        } else if (rc == 0) {
            rc = ERR_DB;
        }
        db_reset(st);
    }
    arena_release(&a);
    return rc;
}

const char *comptes_secret(void)
{
    ASSERT(process_secret);
    return process_secret;
}

const char *email_normalize(struct arena *a, const char *email)
{
    if (!email)
        return NULL;
    struct str s = str_trim(str_from(email));
    if (s.len < 3 || s.len > 254 || !utf8_valid(s.p, s.len))
        return NULL;
    char *out = str_dup(s, a);
    size_t at = 0, ats = 0;
    for (size_t i = 0; i < s.len; i++) {
        unsigned char c = (unsigned char)out[i];
        if (c >= 'A' && c <= 'Z')
            out[i] = (char)(c + 32);
        if (c == '@') {
            at = i;
            ats++;
        }
        if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == ',' || c == ';')
            return NULL;
    }
    if (ats != 1 || at == 0 || at == s.len - 1 || !strchr(out + at, '.'))
        return NULL;
    if (out[s.len - 1] == '.')
        return NULL;
    return out;
}

static void read_user(struct db_stmt *st, struct arena *a, struct user *u)
{
    u->id = db_col_int64(st, 0);
    u->email = db_col_dup(st, 1, a);
    u->name = db_col_dup(st, 2, a);
    u->password_hash = db_col_dup(st, 3, a);
    u->is_admin = db_col_int64(st, 4) != 0;
    u->disabled = db_col_int64(st, 5) != 0;
    u->demo = db_col_int64(st, 6) != 0;
    u->created_at = db_col_int64(st, 7);
    u->last_login_at = db_col_is_null(st, 8) ? 0 : db_col_int64(st, 8);
}

int user_create(struct db *db, struct arena *a, const char *email, const char *name,
                const char *password, bool demo, struct ui_errors *errs, int64_t *id)
{
    const char *norm = email_normalize(a, email);
    if (!email || !*email)
        ui_errors_add(errs, "email", "Saisissez l'adresse e-mail.");
    else if (!norm)
        ui_errors_add(errs, "email",
                      "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.");
    struct str n = str_trim(str_from(name));
    if (n.len == 0)
        ui_errors_add(errs, "name", "Saisissez le nom.");
    else if (n.len > 200 || !utf8_valid(n.p, n.len))
        ui_errors_add(errs, "name", "Le nom doit contenir au plus 200 caractères.");
    const char *why = password ? password_rule_violation(password) : NULL;
    if (why)
        ui_errors_add(errs, "password", why);
    if (errs->n)
        return ERR_INVALID;

    char *hash = NULL;
    if (password) {
        int rc = password_hash(a, password, &hash);
        if (rc)
            return rc;
    }
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_USER_INSERT, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, norm);
    db_bind_textn(st, 2, n.p, n.len);
    db_bind_text(st, 3, hash);
    db_bind_int64(st, 4, demo);
    db_bind_int64(st, 5, (int64_t)time(NULL));
    rc = db_step_one(st);
    if (rc == 0)
        *id = db_col_int64(st, 0);
    else if (rc == ERR_CONFLICT)
        ui_errors_add(errs, "email", "Un compte existe déjà avec cette adresse e-mail.");
    else if (rc == ERR_NOT_FOUND)
        rc = ERR_DB; /* RETURNING gave no row */
    db_reset(st);
    return rc;
}

static int user_get_by(struct db *db, struct arena *a, const char *sql, const char *text,
                       int64_t id, struct user *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    if (text)
        db_bind_text(st, 1, text);
    else
        db_bind_int64(st, 1, id);
    rc = db_step_one(st);
    if (rc == 0)
        read_user(st, a, out);
    db_reset(st);
    return rc;
}

int user_get(struct db *db, struct arena *a, int64_t id, struct user *out)
{
    return user_get_by(db, a, SQL_USER_COLUMNS_BY_ID, NULL, id, out);
}

int user_find_by_email(struct db *db, struct arena *a, const char *email, struct user *out)
{
    const char *norm = email_normalize(a, email);
    if (!norm)
        return ERR_NOT_FOUND;
    return user_get_by(db, a, SQL_USER_COLUMNS_BY_EMAIL, norm, 0, out);
}

static int update_one(struct db *db, const char *sql, int64_t id, const char *text, int64_t v)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    if (text)
        db_bind_text(st, 2, text);
    else
        db_bind_int64(st, 2, v);
    rc = db_exec_stmt(st);
    if (rc == 0 && db_changes(st) == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

int user_set_password(struct db *db, struct arena *a, int64_t id, const char *password)
{
    char *hash;
    int rc = password_hash(a, password, &hash);
    return rc ? rc : update_one(db, SQL_USER_SET_PASSWORD, id, hash, 0);
}

int user_set_admin(struct db *db, int64_t id, bool admin)
{
    return update_one(db, SQL_USER_SET_ADMIN, id, NULL, admin);
}

int user_set_disabled(struct db *db, int64_t id, bool disabled)
{
    int rc = update_one(db, SQL_USER_SET_DISABLED, id, NULL, disabled);
    if (rc == 0 && disabled)
        rc = sessions_destroy_user(db, id);
    return rc;
}

int user_touch_login(struct db *db, int64_t id)
{
    return update_one(db, SQL_USER_TOUCH_LOGIN, id, NULL, (int64_t)time(NULL));
}

int user_list(struct db *db, struct arena *a, int64_t offset, int64_t limit, struct user **out,
              size_t *n, int64_t *total)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_USER_COUNT, &st);
    if (rc)
        return rc;
    rc = db_step(st);
    *total = rc == 1 ? db_col_int64(st, 0) : 0;
    db_reset(st);
    if (rc < 0)
        return rc;
    rc = db_prepare(db, SQL_USER_LIST, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, limit);
    db_bind_int64(st, 2, offset);
    *out = arena_calloc(a, (size_t)limit, sizeof(**out));
    *n = 0;
    while ((rc = db_step(st)) == 1 && *n < (size_t)limit)
        read_user(st, a, &(*out)[(*n)++]);
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int user_add_membership(struct db *db, int64_t user_id, int64_t structure_id, enum role role)
{
    ASSERT(role == ROLE_MEDIATEUR || role == ROLE_ADMIN_STRUCTURE);
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_MEMBERSHIP_INSERT, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, user_id);
    db_bind_int64(st, 2, structure_id);
    db_bind_text(st, 3, role_value(role));
    db_bind_int64(st, 4, (int64_t)time(NULL));
    return db_exec_stmt(st);
}

int user_add_coordinator_scope(struct db *db, int64_t user_id, const char *departement)
{
    if (!departement_valid(departement))
        return ERR_INVALID;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_SCOPE_INSERT, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, user_id);
    db_bind_text(st, 2, departement);
    return db_exec_stmt(st);
}

int auth_load_roles(struct db *db, struct arena *arena, struct auth *a)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_ROLES, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, a->user_id);
    size_t cap_m = 0, cap_d = 0;
    while ((rc = db_step(st)) == 1) {
        int64_t structure_id = db_col_int64(st, 0);
        if (structure_id == 0) {
            a->departements = arena_push(arena, a->departements, a->n_departements, &cap_d,
                                         sizeof(char *));
            a->departements[a->n_departements++] = db_col_dup(st, 2, arena);
            a->roles |= ROLE_COORDINATEUR;
            continue;
        }
        a->memberships = arena_push(arena, a->memberships, a->n_memberships, &cap_m,
                                    sizeof(*a->memberships));
        struct auth_membership *m = &a->memberships[a->n_memberships++];
        m->structure_id = structure_id;
        m->structure_nom = db_col_dup(st, 1, arena);
        m->departement = db_col_dup(st, 2, arena);
        m->role = role_parse(db_col_text(st, 3));
        a->roles |= m->role;
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

void audit_record(struct db *db, int64_t user_id, const char *departement, const char *action,
                  const char *object, const char *detail)
{
    struct db_stmt *st;
    if (db_prepare(db, SQL_AUDIT_INSERT, &st))
        return;
    db_bind_int64(st, 1, (int64_t)time(NULL));
    if (user_id)
        db_bind_int64(st, 2, user_id);
    else
        db_bind_null(st, 2);
    db_bind_text(st, 3, departement);
    db_bind_text(st, 4, action);
    db_bind_text(st, 5, object);
    db_bind_text(st, 6, detail);
    if (db_exec_stmt(st))
        log_warn("audit: could not record %s %s", action, object);
}
