/*
 * db: one interface over two drivers, SQLite (embedded default, WAL, foreign keys on) and PostgreSQL
 * (libpq). Domain code writes one SQL text for both, with $1..$n placeholders, and runs it only as a
 * prepared statement; no SQL text is ever built from input.
 *
 * A struct db is one connection, owned by one thread (each HTTP worker has its own). Statements are
 * prepared once per connection and cached, keyed by the address of their SQL text: declare each
 * statement as a static const char[] in the module's table and always pass the same pointer.
 *
 * Values: integers are int64, flags are integers 0/1, times are int64 Unix seconds (UTC) passed from
 * C (never now() in SQL), text is UTF-8. Column text returned by db_col_text is borrowed until the
 * next db_step or db_reset on that statement: copy it out first.
 */
#ifndef RELAIS_DB_DB_H
#define RELAIS_DB_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct embedded_file;

enum db_kind { DB_SQLITE, DB_POSTGRES };

struct db;
struct db_stmt;

/* url: "sqlite:PATH" (or a bare path), or "postgresql://..." / "postgres://...".
 * Caller frees with db_close. */
int db_open(const char *url, struct db **out);
void db_close(struct db *db);
/* Which driver a URL names, and what the driver receives (borrowed from url: the path for SQLite,
 * the whole URL for PostgreSQL). ERR_INVALID for an empty path or another scheme ("mysql://"). */
int db_parse_url(const char *url, enum db_kind *kind, const char **target);
enum db_kind db_kind(const struct db *db);
/* The last driver error message (English, for logs), borrowed. */
const char *db_errmsg(const struct db *db);

/* Applies the migrations not yet applied (in one transaction each); safe to call from several
 * processes at once. Writes what it did through log_info. */
int db_migrate(struct db *db);
/* The highest applied migration version (0 when none). */
int db_schema_version(struct db *db, int *version);
/* db_migrate over a given list instead of the embedded migrations: for tests. Names must be
 * NNNN_name.sql, versions strictly increasing. */
int db_migrate_from(struct db *db, const struct embedded_file *files, size_t count);
/* Runs a multi-statement SQL script with the migration substitution ({{id}} becomes the driver's
 * auto-increment primary key). For migrations and tests only: domain code uses prepared
 * statements. */
int db_exec_script(struct db *db, const char *sql);

/* The cached prepared statement for sql (see above). The statement is reset and its bindings
 * cleared. Borrowed from the connection. */
int db_prepare(struct db *db, const char *sql, struct db_stmt **out);

/* Bindings, 1-based like the $n placeholders. Text is copied. A NULL string binds SQL NULL. */
void db_bind_text(struct db_stmt *st, int idx, const char *s);
void db_bind_textn(struct db_stmt *st, int idx, const char *s, size_t len);
void db_bind_int64(struct db_stmt *st, int idx, int64_t v);
void db_bind_double(struct db_stmt *st, int idx, double v);
void db_bind_null(struct db_stmt *st, int idx);

/* Runs or advances the statement: 1 when a row is available, 0 when done, or a negative enum err
 * (ERR_CONFLICT for a unique or foreign-key violation, ERR_DB otherwise; ERR_INTERNAL or
 * ERR_INVALID for a bad binding: an index with no $n, non-UTF-8 text, a non-finite double).
 * Stepping a statement that is done or failed is ERR_INTERNAL: db_reset it first. */
int db_step(struct db_stmt *st);
/* Steps a statement that returns at most one row: 0 with the row available, ERR_NOT_FOUND when there
 * is none, or the error. The caller reads the columns, then calls db_reset. */
int db_step_one(struct db_stmt *st);
/* Convenience: steps until done, for statements that return no rows. */
int db_exec_stmt(struct db_stmt *st);
/* Runs sql with one int64 parameter ($1) and reads the first column of its one row into *out:
 * the common "count of / value for this id" query. ERR_NOT_FOUND without a row. */
int db_int64_by_id(struct db *db, const char *sql, int64_t id, int64_t *out);
void db_reset(struct db_stmt *st);
/* Resets every statement of the connection. Call it when a unit of work ends (the HTTP layer, after
 * each request): on SQLite a statement left on a row keeps its read snapshot open, so the
 * connection would keep seeing old data and the WAL could not be checkpointed. */
void db_reset_all(struct db *db);
/* Rows changed by the last completed INSERT/UPDATE/DELETE of this statement. */
int64_t db_changes(struct db_stmt *st);

/* Columns of the current row, 0-based. */
int db_col_count(struct db_stmt *st);
bool db_col_is_null(struct db_stmt *st, int col);
const char *db_col_text(struct db_stmt *st, int col); /* "" for NULL; borrowed, see above */
int64_t db_col_int64(struct db_stmt *st, int col);
double db_col_double(struct db_stmt *st, int col);
/* A copy of the column text in the arena (NULL for SQL NULL). */
char *db_col_dup(struct db_stmt *st, int col, struct arena *a);

/* Transactions. Nested begin is an error (ERR_INTERNAL). db_rollback is safe to call when no
 * transaction is open. Both drivers behave like PostgreSQL: once a statement fails inside a
 * transaction, later steps return that error without running, and db_commit rolls back and
 * returns it. db_begin takes the write lock at once on SQLite (BEGIN IMMEDIATE). */
int db_begin(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);

/* relais backup: SQLite's online backup API to path; on PostgreSQL, ERR_UNSUPPORTED (the caller
 * prints the pg_dump command from db_pg_dump_command). */
int db_backup(struct db *db, const char *path);
/* The pg_dump command line for the URL (arena memory; NULL when longer than 64 KiB). Both are
 * single-quoted for the shell; the URL may hold a password, so the caller decides where it goes. */
char *db_pg_dump_command(const char *url, const char *path, struct arena *a);

#endif
