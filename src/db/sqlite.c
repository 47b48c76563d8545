/*
 * sqlite: the SQLite driver. One sqlite3 handle per struct db, opened without SQLite's own mutex
 * (SQLITE_OPEN_NOMUTEX): a connection belongs to one thread. WAL journal, synchronous=FULL (an
 * acknowledged commit is in the WAL on disk: it survives kill -9 and a power cut), foreign keys on,
 * a 5 s busy timeout. Placeholders $1..$n are SQLite named parameters "$1".."$n"; each statement
 * maps n to SQLite's parameter index once, at prepare time.
 */
#include "core/alloc.h"
#include "core/err.h"
#include "core/log.h"
#include "db/db.h"
#include "db/driver.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#define SQLITE_BUSY_TIMEOUT_MS 5000
#define SQLITE_BACKUP_RETRIES 200 /* 50 ms apart: 10 s of a busy source at most */

struct sqlite_db {
    struct db base;
    sqlite3 *h;
};

struct sqlite_stmt {
    struct db_stmt base;
    sqlite3_stmt *st;
    int *param_index; /* [n] = SQLite's index of "$n", 1..nparams */
    int64_t total_before;
    int64_t changes;
};

static const char sql_begin_immediate[] = "BEGIN IMMEDIATE";

static struct sqlite_db *sdb(struct db *db) { return (struct sqlite_db *)db; }
static struct sqlite_stmt *sst(struct db_stmt *st) { return (struct sqlite_stmt *)st; }

struct sqlite3 *sqlite_handle(struct db *db) { return sdb(db)->h; }

static bool is_conflict(int extended)
{
    return extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY ||
           extended == SQLITE_CONSTRAINT_ROWID || extended == SQLITE_CONSTRAINT_FOREIGNKEY;
}

int sqlite_fail(struct db *db, const char *sql)
{
    sqlite3 *h = sdb(db)->h;
    int extended = sqlite3_extended_errcode(h);
    return db_fail(db, sql, is_conflict(extended) ? ERR_CONFLICT : ERR_DB, sqlite3_errmsg(h));
}

/* Runs one PRAGMA and copies the first column of its answer (if any) into out. */
static int run_pragma(sqlite3 *h, const char *sql, char *out, size_t out_size)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    if (out_size)
        out[0] = '\0';
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(st, 0);
        if (out_size && t && !out[0])
            snprintf(out, out_size, "%s", (const char *)t);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static const struct db_driver sqlite_driver;

int sqlite_open(const char *path, struct db **out)
{
    /* NOMUTEX leaves the locking to us (one thread per connection); a library built without any
     * thread support would corrupt memory instead. */
    if (!sqlite3_threadsafe()) {
        log_error("db: this SQLite library is built without thread support");
        return ERR_DB;
    }
    sqlite3 *h = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path, &h, flags, NULL);
    if (rc != SQLITE_OK) {
        log_error("db: cannot open SQLite database %s: %s", path,
                  h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close(h);
        return ERR_DB;
    }
    sqlite3_extended_result_codes(h, 1);
    /* Before the pragmas: switching a new file to WAL takes a write lock that another process
     * opening the same file may hold. */
    sqlite3_busy_timeout(h, SQLITE_BUSY_TIMEOUT_MS);

    char answer[32];
    const char *failed = NULL;
    if (run_pragma(h, "PRAGMA journal_mode=WAL", answer, sizeof(answer)) != SQLITE_OK ||
        (strcmp(answer, "wal") != 0 && strcmp(answer, "memory") != 0))
        failed = "PRAGMA journal_mode=WAL";
    else if (run_pragma(h, "PRAGMA synchronous=FULL", NULL, 0) != SQLITE_OK)
        failed = "PRAGMA synchronous=FULL";
    else if (run_pragma(h, "PRAGMA foreign_keys=ON", NULL, 0) != SQLITE_OK ||
             run_pragma(h, "PRAGMA foreign_keys", answer, sizeof(answer)) != SQLITE_OK ||
             strcmp(answer, "1") != 0)
        failed = "PRAGMA foreign_keys=ON"; /* a library built without them answers nothing */
    if (failed) {
        log_error("db: %s: %s failed: %s", path, failed, sqlite3_errmsg(h));
        sqlite3_close(h);
        return ERR_DB;
    }

    struct sqlite_db *db = xcalloc(1, sizeof(*db));
    db_init_base(&db->base, &sqlite_driver);
    db->h = h;
    *out = &db->base;
    return 0;
}

static void sqlite_close(struct db *db)
{
    /* Statements were finalized by db_close, so sqlite3_close cannot be refused. */
    if (sqlite3_close(sdb(db)->h) != SQLITE_OK)
        log_error("db: sqlite3_close: %s", sqlite3_errmsg(sdb(db)->h));
    free(db);
}

static int sqlite_check_connection(struct db *db)
{
    (void)db;
    return 0;
}

/* "$7" gives 7; anything else (":name", "?", "$x", "$07") gives 0. */
static int placeholder_number(const char *name)
{
    if (!name || name[0] != '$' || name[1] < '1' || name[1] > '9')
        return 0;
    long n = 0;
    for (const char *p = name + 1; *p; p++) {
        if (*p < '0' || *p > '9' || n > 100000)
            return 0;
        n = n * 10 + (*p - '0');
    }
    return (int)n;
}

static bool only_space_or_semicolons(const char *p)
{
    for (; *p; p++)
        if (!(*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r' || *p == ';'))
            return false;
    return true;
}

static int sqlite_stmt_new(struct db *db, const char *sql, struct db_stmt **out)
{
    sqlite3 *h = sdb(db)->h;
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    int rc = sqlite3_prepare_v3(h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, &tail);
    if (rc != SQLITE_OK)
        return sqlite_fail(db, sql);
    if (!st || (tail && !only_space_or_semicolons(tail))) {
        sqlite3_finalize(st);
        /* PostgreSQL prepares one statement at a time: so does Relais on SQLite. */
        return db_fail(db, sql, ERR_INTERNAL, "not exactly one SQL statement");
    }

    /* The same $n may appear several times (one SQLite parameter); the numbers must be 1..count
     * with no gap, as PostgreSQL needs every $k up to the highest to infer its type. */
    int count = sqlite3_bind_parameter_count(st);
    int *index = xcalloc((size_t)count + 1, sizeof(*index));
    for (int i = 1; i <= count; i++) {
        int n = placeholder_number(sqlite3_bind_parameter_name(st, i));
        if (n < 1 || n > count || index[n]) {
            free(index);
            sqlite3_finalize(st);
            return db_fail(db, sql, ERR_INTERNAL, "placeholders must be $1..$n without gaps");
        }
        index[n] = i;
    }

    struct sqlite_stmt *s = xcalloc(1, sizeof(*s));
    db_stmt_init_base(&s->base, db, sql);
    s->base.nparams = count;
    s->st = st;
    s->param_index = index;
    s->total_before = -1;
    *out = &s->base;
    return 0;
}

static void sqlite_reset(struct db_stmt *st)
{
    /* sqlite3_reset repeats the last step's error, already reported by db_step. */
    sqlite3_reset(sst(st)->st);
    sst(st)->total_before = -1;
}

static int sqlite_stmt_reuse(struct db_stmt *st)
{
    sqlite_reset(st);
    sqlite3_clear_bindings(sst(st)->st);
    sst(st)->changes = 0;
    return 0;
}

static void sqlite_stmt_free(struct db_stmt *st)
{
    sqlite3_finalize(sst(st)->st);
    free(sst(st)->param_index);
    db_stmt_release_base(st);
    free(st);
}

static void sqlite_bind_text(struct db_stmt *st, int idx, const char *s, size_t len)
{
    struct sqlite_stmt *q = sst(st);
    sqlite3_bind_text64(q->st, q->param_index[idx], s, len, SQLITE_TRANSIENT, SQLITE_UTF8);
}

static void sqlite_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
    sqlite3_bind_int64(sst(st)->st, sst(st)->param_index[idx], v);
}

static void sqlite_bind_double(struct db_stmt *st, int idx, double v)
{
    sqlite3_bind_double(sst(st)->st, sst(st)->param_index[idx], v);
}

static void sqlite_bind_null(struct db_stmt *st, int idx)
{
    sqlite3_bind_null(sst(st)->st, sst(st)->param_index[idx]);
}

static int sqlite_step(struct db_stmt *st)
{
    struct sqlite_stmt *q = sst(st);
    sqlite3 *h = sdb(st->db)->h;
    /* sqlite3_changes keeps the count of the last INSERT/UPDATE/DELETE of the connection, whatever
     * ran since: it is ours only if this statement changed the total. */
    if (q->total_before < 0)
        q->total_before = sqlite3_total_changes64(h);
    int rc = sqlite3_step(q->st);
    if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
        q->changes = sqlite3_total_changes64(h) != q->total_before ? sqlite3_changes64(h) : 0;
        return rc == SQLITE_ROW ? 1 : 0;
    }
    int err = sqlite_fail(st->db, st->sql);
    sqlite3_reset(q->st);
    return err;
}

static int64_t sqlite_changes(struct db_stmt *st) { return sst(st)->changes; }

static int sqlite_col_count(struct db_stmt *st) { return sqlite3_column_count(sst(st)->st); }

static bool sqlite_col_is_null(struct db_stmt *st, int col)
{
    return sqlite3_column_type(sst(st)->st, col) == SQLITE_NULL;
}

static const char *sqlite_col_text(struct db_stmt *st, int col, size_t *len)
{
    /* Text first, then its length: the documented order, as the conversion may reallocate. */
    const char *s = (const char *)sqlite3_column_text(sst(st)->st, col);
    *len = s ? (size_t)sqlite3_column_bytes(sst(st)->st, col) : 0;
    return s;
}

static int64_t sqlite_col_int64(struct db_stmt *st, int col)
{
    return sqlite3_column_int64(sst(st)->st, col);
}

static double sqlite_col_double(struct db_stmt *st, int col)
{
    return sqlite3_column_double(sst(st)->st, col);
}

static bool sqlite_in_transaction(struct db *db) { return !sqlite3_get_autocommit(sdb(db)->h); }

int sqlite_backup(struct db *db, const char *path)
{
    /* O_EXCL claims the name atomically: an existing file (an older backup, the database itself)
     * is never overwritten. SQLite takes the empty file as an empty database. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        int e = errno;
        log_error("db: backup to %s: %s", path, strerror(e));
        return e == EEXIST ? ERR_CONFLICT : ERR_IO;
    }
    close(fd);

    sqlite3 *dest = NULL;
    int rc = sqlite3_open_v2(path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_backup *b = sqlite3_backup_init(dest, "main", sdb(db)->h, "main");
        if (!b) {
            rc = sqlite3_errcode(dest);
        } else {
            /* All pages in one step, under one read snapshot; a writer of another process can
             * hold the source busy for a moment. */
            for (int tries = 0; tries < SQLITE_BACKUP_RETRIES; tries++) {
                rc = sqlite3_backup_step(b, -1);
                if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
                    break;
                sqlite3_sleep(50);
            }
            int finish = sqlite3_backup_finish(b);
            rc = rc == SQLITE_DONE ? finish : rc;
        }
    }
    if (rc != SQLITE_OK) {
        log_error("db: backup to %s: %s", path, dest ? sqlite3_errmsg(dest) : sqlite3_errstr(rc));
        sqlite3_close(dest);
        unlink(path);
        return ERR_DB;
    }
    if (sqlite3_close(dest) != SQLITE_OK) {
        log_error("db: backup to %s: close failed", path);
        unlink(path);
        return ERR_IO;
    }
    log_info("db: backup written to %s", path);
    return 0;
}

static const struct db_driver sqlite_driver = {
    .kind = DB_SQLITE,
    .begin_sql = sql_begin_immediate,
    .close = sqlite_close,
    .check_connection = sqlite_check_connection,
    .stmt_new = sqlite_stmt_new,
    .stmt_reuse = sqlite_stmt_reuse,
    .stmt_free = sqlite_stmt_free,
    .reset = sqlite_reset,
    .bind_text = sqlite_bind_text,
    .bind_int64 = sqlite_bind_int64,
    .bind_double = sqlite_bind_double,
    .bind_null = sqlite_bind_null,
    .step = sqlite_step,
    .changes = sqlite_changes,
    .col_count = sqlite_col_count,
    .col_is_null = sqlite_col_is_null,
    .col_text = sqlite_col_text,
    .col_int64 = sqlite_col_int64,
    .col_double = sqlite_col_double,
    .in_transaction = sqlite_in_transaction,
};
