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

enum db_kind { DB_SQLITE, DB_POSTGRES };

struct db;
struct db_stmt;

/* url: "sqlite:PATH" (or a bare path), or "postgresql://..." / "postgres://...".
 * Caller frees with db_close. */
int db_open(const char *url, struct db **out);
void db_close(struct db *db);
enum db_kind db_kind(const struct db *db);
/* The last driver error message (English, for logs), borrowed. */
const char *db_errmsg(const struct db *db);

/* Applies the migrations not yet applied (in one transaction each); safe to call from several
 * processes at once. Writes what it did through log_info. */
int db_migrate(struct db *db);
/* The highest applied migration version (0 when none). */
int db_schema_version(struct db *db, int *version);

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
 * (ERR_CONFLICT for a unique or foreign-key violation, ERR_DB otherwise). */
int db_step(struct db_stmt *st);
/* Convenience: steps until done, for statements that return no rows. */
int db_exec_stmt(struct db_stmt *st);
void db_reset(struct db_stmt *st);
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
 * transaction is open. */
int db_begin(struct db *db);
int db_commit(struct db *db);
int db_rollback(struct db *db);

/* relais backup: SQLite's online backup API to path; on PostgreSQL, ERR_UNSUPPORTED (the caller
 * prints the pg_dump command from db_pg_dump_command). */
int db_backup(struct db *db, const char *path);
/* The pg_dump command line for the URL (arena memory). */
char *db_pg_dump_command(const char *url, const char *path, struct arena *a);

#endif
