/*
 * driver: the private contract between db.c (dispatch, statement cache, transactions, the state of
 * a statement) and its two drivers, sqlite.c and postgres.c; plus the raw handles that migrate.c
 * needs for multi-statement scripts. Only files in src/db/ include this header.
 *
 * A driver embeds struct db and struct db_stmt as the first member of its own structs and
 * allocates them; db.c owns the statement cache and frees statements through the driver.
 */
#ifndef RELAIS_DB_DRIVER_H
#define RELAIS_DB_DRIVER_H

#include "db/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The handles of the C libraries, by their struct tags, so that this header needs neither. */
struct sqlite3;
struct pg_conn;
struct pg_result;

enum db_stmt_state {
    DB_STMT_READY,  /* prepared or reset: the next step executes it */
    DB_STMT_ROW,    /* a row is available */
    DB_STMT_DONE,   /* finished; db_reset or db_prepare before stepping again */
    DB_STMT_FAILED, /* the last step failed; same */
};

struct db_driver {
    enum db_kind kind;
    const char *begin_sql; /* the statement that opens a write transaction */
    void (*close)(struct db *db);
    /* Called by db_prepare before anything else: the place to reconnect a broken connection. */
    int (*check_connection)(struct db *db);
    /* A new prepared statement for sql (not yet in the cache). */
    int (*stmt_new)(struct db *db, const char *sql, struct db_stmt **out);
    /* A cached statement is handed out again: reset it, clear its bindings, re-prepare if the
     * connection was re-established. */
    int (*stmt_reuse)(struct db_stmt *st);
    void (*stmt_free)(struct db_stmt *st);
    void (*reset)(struct db_stmt *st);
    /* Bindings: idx is already checked against stmt->nparams; s is never NULL. */
    void (*bind_text)(struct db_stmt *st, int idx, const char *s, size_t len);
    void (*bind_int64)(struct db_stmt *st, int idx, int64_t v);
    void (*bind_double)(struct db_stmt *st, int idx, double v);
    void (*bind_null)(struct db_stmt *st, int idx);
    /* 1 (row), 0 (done) or a negative enum err, already logged through db_fail. */
    int (*step)(struct db_stmt *st);
    int64_t (*changes)(struct db_stmt *st);
    /* Columns: col is already checked against col_count and the statement is on a row. */
    int (*col_count)(struct db_stmt *st);
    bool (*col_is_null)(struct db_stmt *st, int col);
    const char *(*col_text)(struct db_stmt *st, int col, size_t *len); /* NULL for SQL NULL */
    int64_t (*col_int64)(struct db_stmt *st, int col);
    double (*col_double)(struct db_stmt *st, int col);
    /* Whether the server or library still has a transaction open on this connection. */
    bool (*in_transaction)(struct db *db);
};

#define DB_ERRMSG_BYTES 512

struct db {
    const struct db_driver *drv;
    /* The statement cache: open addressing on the address of the SQL text. */
    struct db_stmt **cache;
    size_t cache_cap, cache_len;
    bool in_tx;
    int tx_err; /* the first error inside the open transaction: the transaction is doomed */
    char errmsg[DB_ERRMSG_BYTES];
};

struct db_stmt {
    struct db *db;
    const char *key; /* the caller's pointer, the cache key */
    char *sql;       /* a heap copy, to notice a different text at a reused address */
    int nparams;     /* the highest $n of the text */
    enum db_stmt_state state;
    int err; /* a sticky binding error, reported by the next step */
};

/* For drivers: fill the common parts. sql is copied (freed by db_stmt_release_base). */
void db_init_base(struct db *db, const struct db_driver *drv);
void db_stmt_init_base(struct db_stmt *st, struct db *db, const char *sql);
void db_stmt_release_base(struct db_stmt *st);

/* Records a driver error: copies msg for db_errmsg, logs it with the start of the SQL (conflicts
 * as warnings: they are expected answers, not failures), and dooms an open transaction.
 * Returns err. */
int db_fail(struct db *db, const char *sql, int err, const char *msg);

/* The open drivers, chosen by db_open from the URL. */
int sqlite_open(const char *path, struct db **out);
int pg_open(const char *url, struct db **out);

/* For migrate.c and backups: the library handles, and the drivers' error reporting. */
struct sqlite3 *sqlite_handle(struct db *db);
int sqlite_fail(struct db *db, const char *sql);
int sqlite_backup(struct db *db, const char *path);
struct pg_conn *pg_handle(struct db *db);
int pg_fail(struct db *db, const char *sql, const struct pg_result *res);

#endif
