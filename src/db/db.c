/*
 * db: the driver-independent half of the interface. It parses the URL, owns the statement cache
 * (statements belong to their connection and are freed by db_close), checks bindings and column
 * indices, keeps the state of each statement, and runs transactions. See driver.h for what the
 * drivers do.
 */
#include "db/db.h"
#include "core/alloc.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "db/driver.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define DB_CACHE_INITIAL 64
#define DB_PG_DUMP_COMMAND_MAX (64 * 1024)

/* The first bytes of the SQL that go into a log line, on one line. */
#define DB_LOG_SQL_CHARS 80

static const char sql_commit[] = "COMMIT";
static const char sql_rollback[] = "ROLLBACK";

int db_parse_url(const char *url, enum db_kind *kind, const char **target)
{
    struct str u = str_from(url);
    if (str_starts_with(u, "postgresql://") || str_starts_with(u, "postgres://")) {
        *kind = DB_POSTGRES;
        *target = url;
        return 0;
    }
    const char *path = url;
    if (str_starts_with(u, "sqlite:"))
        path = url + strlen("sqlite:");
    else if (strstr(url, "://"))
        return ERR_INVALID; /* another scheme: never take it for a file name */
    if (!*path)
        return ERR_INVALID;
    *kind = DB_SQLITE;
    *target = path;
    return 0;
}

int db_open(const char *url, struct db **out)
{
    enum db_kind kind;
    const char *target;
    *out = NULL;
    if (!url || db_parse_url(url, &kind, &target) != 0) {
        log_error("db: unusable database URL (expected sqlite:PATH, a path or postgresql://...)");
        return ERR_INVALID;
    }
    return kind == DB_SQLITE ? sqlite_open(target, out) : pg_open(target, out);
}

void db_init_base(struct db *db, const struct db_driver *drv)
{
    db->drv = drv;
    db->cache_cap = DB_CACHE_INITIAL;
    db->cache_len = 0;
    db->cache = xcalloc(db->cache_cap, sizeof(*db->cache));
    db->in_tx = false;
    db->tx_err = 0;
    db->errmsg[0] = '\0';
}

void db_stmt_init_base(struct db_stmt *st, struct db *db, const char *sql)
{
    st->db = db;
    st->key = sql;
    st->sql = xstrdup(sql);
    st->nparams = 0;
    st->state = DB_STMT_READY;
    st->err = 0;
}

void db_stmt_release_base(struct db_stmt *st)
{
    free(st->sql);
    st->sql = NULL;
}

void db_close(struct db *db)
{
    if (!db)
        return;
    if (db->in_tx)
        log_warn("db: connection closed inside a transaction; it is rolled back");
    for (size_t i = 0; i < db->cache_cap; i++)
        if (db->cache[i])
            db->drv->stmt_free(db->cache[i]);
    free(db->cache);
    db->cache = NULL;
    db->drv->close(db);
}

enum db_kind db_kind(const struct db *db) { return db->drv->kind; }

const char *db_errmsg(const struct db *db) { return db->errmsg; }

int db_fail(struct db *db, const char *sql, int err, const char *msg)
{
    /* The message is copied: the driver's own buffer changes with the next call. Trailing new
     * lines (libpq ends its messages with one) would break the one-line log. */
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    if (n >= sizeof(db->errmsg))
        n = sizeof(db->errmsg) - 1;
    memcpy(db->errmsg, msg, n);
    db->errmsg[n] = '\0';

    char head[DB_LOG_SQL_CHARS + 1];
    size_t h = 0;
    for (const char *p = sql ? sql : ""; *p && h < DB_LOG_SQL_CHARS; p++)
        head[h++] = (*p == '\n' || *p == '\r' || *p == '\t') ? ' ' : *p;
    head[h] = '\0';

    if (err == ERR_CONFLICT)
        log_warn("db: conflict: %s [sql: %s]", db->errmsg, head);
    else
        log_error("db: %s: %s [sql: %s]", err_name(err), db->errmsg, head);
    if (db->in_tx && !db->tx_err)
        db->tx_err = err;
    return err;
}

/* Pointer hashing: the low bits of an address are alignment; multiplying spreads the rest. */
static size_t cache_slot(const struct db *db, const char *key)
{
    uint64_t h = ((uint64_t)(uintptr_t)key >> 3) * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h >> 32) & (db->cache_cap - 1);
}

static size_t cache_find(const struct db *db, const char *key)
{
    size_t i = cache_slot(db, key);
    while (db->cache[i] && db->cache[i]->key != key)
        i = (i + 1) & (db->cache_cap - 1);
    return i;
}

static void cache_grow(struct db *db)
{
    struct db_stmt **old = db->cache;
    size_t old_cap = db->cache_cap;
    db->cache_cap *= 2;
    db->cache = xcalloc(db->cache_cap, sizeof(*db->cache));
    for (size_t i = 0; i < old_cap; i++)
        if (old[i])
            db->cache[cache_find(db, old[i]->key)] = old[i];
    free(old);
}

int db_prepare(struct db *db, const char *sql, struct db_stmt **out)
{
    *out = NULL;
    int rc = db->drv->check_connection(db);
    if (rc != 0)
        return rc;
    size_t i = cache_find(db, sql);
    struct db_stmt *st = db->cache[i];
    if (st && strcmp(st->sql, sql) != 0) {
        /* The same address now holds another text (a buffer reused by a test or a tool): the
         * pointer key is only a fast path, the text decides. The new statement takes the slot in
         * place, as emptying a slot would cut the probe chains that run through it. */
        struct db_stmt *fresh;
        rc = db->drv->stmt_new(db, sql, &fresh);
        if (rc != 0)
            return rc;
        db->drv->stmt_free(st);
        db->cache[i] = fresh;
        st = fresh;
    } else if (st) {
        rc = db->drv->stmt_reuse(st);
        if (rc != 0)
            return rc;
    } else {
        rc = db->drv->stmt_new(db, sql, &st);
        if (rc != 0)
            return rc;
        db->cache[i] = st;
        db->cache_len++;
        if (db->cache_len * 4 >= db->cache_cap * 3)
            cache_grow(db);
    }
    st->state = DB_STMT_READY;
    st->err = 0;
    *out = st;
    return 0;
}

/* A binding to a $n the text does not have is a bug of the caller: recorded, reported by the next
 * step, so that a statement with a wrong binding never runs. */
static bool bind_index_ok(struct db_stmt *st, int idx)
{
    if (idx >= 1 && idx <= st->nparams)
        return true;
    if (!st->err) {
        log_error("db: binding $%d of a statement with %d parameters [sql: %.80s]", idx,
                  st->nparams, st->sql);
        st->err = ERR_INTERNAL;
    }
    return false;
}

void db_bind_text(struct db_stmt *st, int idx, const char *s)
{
    if (!s)
        db_bind_null(st, idx);
    else
        db_bind_textn(st, idx, s, strlen(s));
}

void db_bind_textn(struct db_stmt *st, int idx, const char *s, size_t len)
{
    if (!s) {
        db_bind_null(st, idx);
        return;
    }
    if (!bind_index_ok(st, idx))
        return;
    /* PostgreSQL refuses bytes that are not UTF-8 and NUL inside text, SQLite stores them: refuse
     * both here so that the drivers agree. */
    if (!utf8_valid(s, len) || memchr(s, '\0', len)) {
        if (!st->err) {
            log_error("db: text for $%d is not UTF-8 without NUL [sql: %.80s]", idx, st->sql);
            st->err = ERR_INVALID;
        }
        return;
    }
    st->db->drv->bind_text(st, idx, s, len);
}

void db_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
    if (bind_index_ok(st, idx))
        st->db->drv->bind_int64(st, idx, v);
}

void db_bind_double(struct db_stmt *st, int idx, double v)
{
    if (!bind_index_ok(st, idx))
        return;
    /* SQLite stores NaN as NULL, PostgreSQL as NaN: neither is a value Relais means to store. */
    if (!isfinite(v)) {
        if (!st->err) {
            log_error("db: non-finite double for $%d [sql: %.80s]", idx, st->sql);
            st->err = ERR_INVALID;
        }
        return;
    }
    st->db->drv->bind_double(st, idx, v);
}

void db_bind_null(struct db_stmt *st, int idx)
{
    if (bind_index_ok(st, idx))
        st->db->drv->bind_null(st, idx);
}

int db_step(struct db_stmt *st)
{
    struct db *db = st->db;
    if (st->state == DB_STMT_DONE || st->state == DB_STMT_FAILED) {
        log_error("db: step of a finished statement (db_reset it first) [sql: %.80s]", st->sql);
        return ERR_INTERNAL;
    }
    if (st->err) {
        st->state = DB_STMT_FAILED;
        if (db->in_tx && !db->tx_err)
            db->tx_err = st->err;
        return st->err;
    }
    if (db->in_tx && db->tx_err) {
        /* PostgreSQL refuses every statement of a failed transaction; SQLite is made to agree, so
         * that code which relies on going on after an error fails on both. */
        st->state = DB_STMT_FAILED;
        log_error("db: statement inside a failed transaction [sql: %.80s]", st->sql);
        return db->tx_err;
    }
    int rc = db->drv->step(st);
    st->state = rc == 1 ? DB_STMT_ROW : rc == 0 ? DB_STMT_DONE : DB_STMT_FAILED;
    return rc;
}

int db_step_one(struct db_stmt *st)
{
    int rc = db_step(st);
    return rc == 1 ? 0 : rc == 0 ? ERR_NOT_FOUND : rc;
}

int db_exec_stmt(struct db_stmt *st)
{
    int rc;
    while ((rc = db_step(st)) == 1)
        ;
    return rc;
}

void db_reset(struct db_stmt *st)
{
    st->db->drv->reset(st);
    st->state = DB_STMT_READY;
}

void db_reset_all(struct db *db)
{
    for (size_t i = 0; i < db->cache_cap; i++)
        if (db->cache[i] && db->cache[i]->state != DB_STMT_READY)
            db_reset(db->cache[i]);
}

int64_t db_changes(struct db_stmt *st) { return st->db->drv->changes(st); }

int db_col_count(struct db_stmt *st) { return st->db->drv->col_count(st); }

/* Reading a column off a row that is not there is a bug in the caller, never a data problem. */
static void check_column(struct db_stmt *st, int col)
{
    ASSERT(st->state == DB_STMT_ROW);
    ASSERT(col >= 0 && col < st->db->drv->col_count(st));
}

bool db_col_is_null(struct db_stmt *st, int col)
{
    check_column(st, col);
    return st->db->drv->col_is_null(st, col);
}

const char *db_col_text(struct db_stmt *st, int col)
{
    check_column(st, col);
    size_t len;
    const char *s = st->db->drv->col_text(st, col, &len);
    return s ? s : "";
}

int64_t db_col_int64(struct db_stmt *st, int col)
{
    check_column(st, col);
    return st->db->drv->col_int64(st, col);
}

double db_col_double(struct db_stmt *st, int col)
{
    check_column(st, col);
    return st->db->drv->col_double(st, col);
}

char *db_col_dup(struct db_stmt *st, int col, struct arena *a)
{
    check_column(st, col);
    size_t len;
    const char *s = st->db->drv->col_text(st, col, &len);
    return s ? arena_strndup(a, s, len) : NULL;
}

/* BEGIN, COMMIT and ROLLBACK go through the cache like any statement, but past the failed-
 * transaction gate of db_step, which must not stop them. */
static int tx_control(struct db *db, const char *sql)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc != 0)
        return rc;
    while ((rc = db->drv->step(st)) == 1)
        ;
    st->state = rc == 0 ? DB_STMT_DONE : DB_STMT_FAILED;
    db_reset(st);
    return rc;
}

int db_begin(struct db *db)
{
    if (db->in_tx) {
        log_error("db: nested transaction");
        return ERR_INTERNAL;
    }
    int rc = tx_control(db, db->drv->begin_sql);
    if (rc != 0)
        return rc;
    db->in_tx = true;
    db->tx_err = 0;
    return 0;
}

int db_rollback(struct db *db)
{
    int rc = 0;
    /* The library may already have ended the transaction (SQLite after some errors, PostgreSQL on
     * a lost connection): then there is nothing to roll back. */
    if (db->drv->in_transaction(db))
        rc = tx_control(db, sql_rollback);
    db->in_tx = false;
    db->tx_err = 0;
    return rc;
}

int db_commit(struct db *db)
{
    if (!db->in_tx) {
        log_error("db: commit without a transaction");
        return ERR_INTERNAL;
    }
    if (db->tx_err) {
        /* On PostgreSQL, COMMIT of a failed transaction answers ROLLBACK without an error: the
         * caller must not believe its writes were kept. */
        int err = db->tx_err;
        log_error("db: commit of a failed transaction: rolled back");
        db_rollback(db);
        return err;
    }
    int rc = tx_control(db, sql_commit);
    if (rc != 0) {
        db_rollback(db);
        return rc;
    }
    db->in_tx = false;
    db->tx_err = 0;
    return 0;
}

int db_backup(struct db *db, const char *path)
{
    if (db->drv->kind != DB_SQLITE)
        return ERR_UNSUPPORTED;
    return sqlite_backup(db, path);
}

/* 'it'\''s' : the only character a single-quoted shell word cannot hold is the quote itself. */
static void shell_quote(struct buf *b, const char *s)
{
    buf_addch(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            buf_addlit(b, "'\\''");
        else
            buf_addch(b, *s);
    }
    buf_addch(b, '\'');
}

char *db_pg_dump_command(const char *url, const char *path, struct arena *a)
{
    struct buf b;
    buf_init(&b, a, DB_PG_DUMP_COMMAND_MAX);
    buf_addlit(&b, "pg_dump --format=custom --file=");
    shell_quote(&b, path);
    buf_addch(&b, ' ');
    shell_quote(&b, url);
    if (buf_finish(&b) != 0)
        return NULL;
    return b.p;
}

int db_int64_by_id(struct db *db, const char *sql, int64_t id, int64_t *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    if ((rc = db_step_one(st)) == 0)
        *out = db_col_int64(st, 0);
    db_reset(st);
    return rc;
}
