/*
 * test_db: the storage layer on both drivers. Every case of the driver group runs on SQLite (a
 * fresh file in a temporary directory per test) and, when RELAIS_TEST_PG_URL is set, on PostgreSQL
 * (a fresh schema per test, selected through the URL's options so that a second connection sees it
 * too).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "db/db.h"
#include "db/embedded.h"

#include <ftw.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEST_URL_MAX 2048

/* The group: which driver, and where its databases go. */
struct env {
    enum db_kind kind;
    char base[TEST_URL_MAX]; /* PostgreSQL: the server's URL; SQLite: a temporary directory */
    int counter;
};

/* One test: its own database (file or schema) and an open connection to it. */
struct fixture {
    struct env *env;
    struct arena arena; /* url, name and what the test needs */
    const char *url;
    const char *name;
    struct db *db;
};

/* ---- scratch tables, created by each test that needs them ---- */

static const char scratch_schema[] =
    "CREATE TABLE parent (id {{id}}, email TEXT NOT NULL UNIQUE, n BIGINT, x DOUBLE PRECISION);\n"
    "CREATE TABLE child (id {{id}}, parent_id BIGINT NOT NULL REFERENCES parent (id),\n"
    "                    note TEXT);\n";

static const char sql_insert_parent[] =
    "INSERT INTO parent (email, n, x) VALUES ($1, $2, $3) RETURNING id";
static const char sql_insert_child[] = "INSERT INTO child (parent_id, note) VALUES ($1, $2)";
static const char sql_count_parent[] = "SELECT count(*) FROM parent";
static const char sql_parent_by_email[] = "SELECT id, n, x, email FROM parent WHERE email = $1";
static const char sql_parents[] = "SELECT email FROM parent ORDER BY id";

/* ---- helpers ---- */

static int64_t query_int(struct db *db, const char *sql)
{
    struct db_stmt *st;
    assert_int_equal(db_prepare(db, sql, &st), 0);
    assert_int_equal(db_step(st), 1);
    int64_t v = db_col_int64(st, 0);
    assert_int_equal(db_step(st), 0);
    db_reset(st);
    return v;
}

static int64_t insert_parent(struct db *db, const char *email, int64_t n)
{
    struct db_stmt *st;
    assert_int_equal(db_prepare(db, sql_insert_parent, &st), 0);
    db_bind_text(st, 1, email);
    db_bind_int64(st, 2, n);
    db_bind_double(st, 3, 0.5);
    int rc = db_step(st);
    int64_t id = rc == 1 ? db_col_int64(st, 0) : rc;
    db_reset(st);
    return id;
}

static void scratch(struct fixture *f)
{
    assert_int_equal(db_exec_script(f->db, scratch_schema), 0);
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* ---- group and test set-up ---- */

static int group_setup_sqlite(void **state)
{
    struct env *env = calloc(1, sizeof(*env));
    env->kind = DB_SQLITE;
    snprintf(env->base, sizeof(env->base), "/tmp/relais-test-db-XXXXXX");
    if (!mkdtemp(env->base)) {
        free(env);
        return -1;
    }
    *state = env;
    return 0;
}

static int group_setup_pg(void **state)
{
    const char *url = getenv("RELAIS_TEST_PG_URL");
    if (!url || !*url)
        return -1;
    struct env *env = calloc(1, sizeof(*env));
    env->kind = DB_POSTGRES;
    snprintf(env->base, sizeof(env->base), "%s", url);
    *state = env;
    return 0;
}

static int group_teardown(void **state)
{
    struct env *env = *state;
    if (env->kind == DB_SQLITE)
        nftw(env->base, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(env);
    return 0;
}

/* A schema name made of the pid and a counter cannot collide with a parallel run's. */
static int setup(void **state)
{
    struct env *env = *state;
    struct fixture *f = calloc(1, sizeof(*f));
    f->env = env;
    arena_init(&f->arena);
    env->counter++;
    if (env->kind == DB_SQLITE) {
        f->name = arena_printf(&f->arena, "t%d.db", env->counter);
        f->url = arena_printf(&f->arena, "sqlite:%s/%s", env->base, f->name);
    } else {
        f->name = arena_printf(&f->arena, "t_%ld_%d", (long)getpid(), env->counter);
        struct db *admin;
        int rc = db_open(env->base, &admin);
        if (rc == 0) {
            rc = db_exec_script(admin, arena_printf(&f->arena, "CREATE SCHEMA %s", f->name));
            db_close(admin);
        }
        if (rc != 0) {
            arena_release(&f->arena);
            free(f);
            return -1;
        }
        f->url = arena_printf(&f->arena, "%s%soptions=-csearch_path%%3D%s", env->base,
                              strchr(env->base, '?') ? "&" : "?", f->name);
    }
    if (db_open(f->url, &f->db) != 0) {
        arena_release(&f->arena);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    db_close(f->db);
    if (f->env->kind == DB_POSTGRES) {
        struct db *admin;
        if (db_open(f->env->base, &admin) == 0) {
            db_exec_script(admin, arena_printf(&f->arena, "DROP SCHEMA %s CASCADE", f->name));
            db_close(admin);
        }
    }
    *state = f->env;
    arena_release(&f->arena);
    free(f);
    return 0;
}

/* ---- driver-independent ---- */

static void test_url_parsing(void **state)
{
    (void)state;
    enum db_kind kind;
    const char *target;
    assert_int_equal(db_parse_url("sqlite:/var/lib/relais.db", &kind, &target), 0);
    assert_int_equal(kind, DB_SQLITE);
    assert_string_equal(target, "/var/lib/relais.db");
    assert_int_equal(db_parse_url("relais.db", &kind, &target), 0);
    assert_int_equal(kind, DB_SQLITE);
    assert_string_equal(target, "relais.db");
    assert_int_equal(db_parse_url("postgresql:///relais?host=/tmp", &kind, &target), 0);
    assert_int_equal(kind, DB_POSTGRES);
    assert_string_equal(target, "postgresql:///relais?host=/tmp");
    assert_int_equal(db_parse_url("postgres://u@h/db", &kind, &target), 0);
    assert_int_equal(kind, DB_POSTGRES);
    assert_int_equal(db_parse_url("mysql://u@h/db", &kind, &target), ERR_INVALID);
    assert_int_equal(db_parse_url("sqlite:", &kind, &target), ERR_INVALID);
    assert_int_equal(db_parse_url("", &kind, &target), ERR_INVALID);

    struct db *db = (struct db *)1;
    assert_int_equal(db_open("mysql://u@h/db", &db), ERR_INVALID);
    assert_null(db);
    assert_int_equal(db_open("sqlite:/nonexistent-dir-relais/x.db", &db), ERR_DB);
}

static void test_pg_dump_command(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    char *cmd = db_pg_dump_command("postgresql://u:p'w@h/db", "/backups/it's.dump", &a);
    assert_string_equal(cmd, "pg_dump --format=custom --file='/backups/it'\\''s.dump' "
                             "'postgresql://u:p'\\''w@h/db'");
    arena_release(&a);
}

static void test_embed_list(void **state)
{
    (void)state;
    /* The embedded migrations are well named, NUL-terminated, in order. */
    int last = 0;
    for (size_t i = 0; i < migrations_count; i++) {
        const struct embedded_file *m = &migrations[i];
        assert_int_equal(strlen(m->data), m->len);
        int64_t v;
        char digits[5] = {0};
        memcpy(digits, m->name, 4);
        assert_int_equal(cstr_to_int64(digits, &v), 0);
        assert_true(v > last);
        last = (int)v;
    }
}

/* ---- both drivers ---- */

static void test_open_close(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(db_kind(f->db), f->env->kind);
    struct db *second;
    assert_int_equal(db_open(f->url, &second), 0);
    assert_int_equal(db_kind(second), f->env->kind);
    assert_int_equal(query_int(second, "SELECT 1 + 1"), 2);
    db_close(second);
    db_close(NULL);
}

static void test_placeholders(void **state)
{
    struct fixture *f = *state;
    struct db_stmt *st;
    /* $1 twice, and out of order. */
    assert_int_equal(db_prepare(f->db, "SELECT $2 || '-' || $1 || '-' || $1", &st), 0);
    db_bind_text(st, 1, "a");
    db_bind_text(st, 2, "b");
    assert_int_equal(db_step(st), 1);
    assert_string_equal(db_col_text(st, 0), "b-a-a");
    db_reset(st);

    /* Twelve: $1 must not be taken for the start of $10, $11, $12. */
    static const char sql12[] = "SELECT CAST($1 AS BIGINT) + $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9"
                                " + $10 + $11 + 100 * CAST($12 AS BIGINT), CAST($10 AS BIGINT)";
    assert_int_equal(db_prepare(f->db, sql12, &st), 0);
    for (int i = 1; i <= 12; i++)
        db_bind_int64(st, i, i);
    assert_int_equal(db_step(st), 1);
    assert_int_equal(db_col_int64(st, 0), 66 + 1200);
    assert_int_equal(db_col_int64(st, 1), 10);
    db_reset(st);

    /* A binding to a $n the statement does not have never runs the statement. */
    assert_int_equal(db_prepare(f->db, "SELECT CAST($1 AS BIGINT)", &st), 0);
    db_bind_int64(st, 1, 1);
    db_bind_int64(st, 2, 2);
    assert_int_equal(db_step(st), ERR_INTERNAL);
    /* db_prepare clears the error with the bindings. */
    assert_int_equal(db_prepare(f->db, "SELECT CAST($1 AS BIGINT)", &st), 0);
    db_bind_int64(st, 1, 7);
    assert_int_equal(db_step(st), 1);
    assert_int_equal(db_col_int64(st, 0), 7);
    db_reset(st);
}

static void test_placeholders_refused(void **state)
{
    struct fixture *f = *state;
    struct db_stmt *st;
    /* One dialect: no "?", no ":name", no gap; one statement per text. */
    assert_int_not_equal(db_prepare(f->db, "SELECT CAST(? AS BIGINT)", &st), 0);
    assert_int_not_equal(db_prepare(f->db, "SELECT CAST($2 AS BIGINT)", &st), 0);
    assert_int_not_equal(db_prepare(f->db, "SELECT 1; SELECT 2", &st), 0);
    assert_int_not_equal(db_prepare(f->db, "SELEC 1", &st), 0);
    assert_true(strlen(db_errmsg(f->db)) > 0);
    /* The connection is still good. */
    assert_int_equal(query_int(f->db, "SELECT 3"), 3);
}

static void test_null_binds(void **state)
{
    struct fixture *f = *state;
    scratch(f);
    static const char sql[] = "INSERT INTO child (parent_id, note) VALUES ($1, $2)";
    static const char sql_select[] = "SELECT n, x, email FROM parent WHERE id = $1";
    int64_t id = insert_parent(f->db, "a@example.org", 1);
    assert_true(id > 0);
    struct db_stmt *st;
    assert_int_equal(db_prepare(f->db, "UPDATE parent SET n = $1, x = $2 WHERE id = $3", &st), 0);
    db_bind_null(st, 1);
    db_bind_text(st, 2, NULL);
    db_bind_int64(st, 3, id);
    assert_int_equal(db_exec_stmt(st), 0);
    assert_int_equal(db_changes(st), 1);

    assert_int_equal(db_prepare(f->db, sql_select, &st), 0);
    db_bind_int64(st, 1, id);
    assert_int_equal(db_step(st), 1);
    assert_true(db_col_is_null(st, 0));
    assert_true(db_col_is_null(st, 1));
    assert_false(db_col_is_null(st, 2));
    assert_string_equal(db_col_text(st, 0), "");
    struct arena a = ARENA_INIT;
    assert_null(db_col_dup(st, 0, &a));
    assert_string_equal(db_col_dup(st, 2, &a), "a@example.org");
    arena_release(&a);
    db_reset(st);

    /* NULL into NOT NULL is an error, not a conflict. */
    assert_int_equal(db_prepare(f->db, sql, &st), 0);
    db_bind_null(st, 1);
    db_bind_text(st, 2, "x");
    assert_int_equal(db_step(st), ERR_DB);
}

static void test_int64_extremes(void **state)
{
    struct fixture *f = *state;
    scratch(f);
    const int64_t values[] = {INT64_MIN, INT64_MIN + 1, -1, 0, 1, INT64_MAX - 1, INT64_MAX};
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        char email[32];
        snprintf(email, sizeof(email), "v%zu@example.org", i);
        assert_true(insert_parent(f->db, email, values[i]) > 0);
        struct db_stmt *st;
        assert_int_equal(db_prepare(f->db, sql_parent_by_email, &st), 0);
        db_bind_text(st, 1, email);
        assert_int_equal(db_step(st), 1);
        assert_true(db_col_int64(st, 1) == values[i]);
        assert_true(db_col_double(st, 2) == 0.5);
        db_reset(st);
    }
    /* Doubles keep every bit through text on PostgreSQL. */
    struct db_stmt *st;
    const double d = 0.1 + 0.2;
    assert_int_equal(db_prepare(f->db, "SELECT CAST($1 AS DOUBLE PRECISION)", &st), 0);
    db_bind_double(st, 1, d);
    assert_int_equal(db_step(st), 1);
    assert_true(db_col_double(st, 0) == d);
    db_reset(st);
    /* Non-finite doubles are refused on both. */
    assert_int_equal(db_prepare(f->db, "SELECT CAST($1 AS DOUBLE PRECISION)", &st), 0);
    db_bind_double(st, 1, NAN);
    assert_int_equal(db_step(st), ERR_INVALID);
}

static void test_utf8_round_trip(void **state)
{
    struct fixture *f = *state;
    scratch(f);
    const char *text = "Médiatrices numériques : l'ÉCOLE accueille les élèves — ñ 中文 🏫";
    assert_true(insert_parent(f->db, text, 1) > 0);
    struct db_stmt *st;
    assert_int_equal(db_prepare(f->db, sql_parent_by_email, &st), 0);
    db_bind_textn(st, 1, text, strlen(text)); /* the same text, bound with its length */
    assert_int_equal(db_step(st), 1);
    assert_string_equal(db_col_text(st, 3), text);
    assert_int_equal(db_step(st), 0);
    db_reset(st);

    /* textn takes exactly len bytes. */
    assert_int_equal(db_prepare(f->db, "SELECT $1", &st), 0);
    db_bind_textn(st, 1, "abcdef", 3);
    assert_int_equal(db_step(st), 1);
    assert_string_equal(db_col_text(st, 0), "abc");
    db_reset(st);

    /* Bytes that are not UTF-8 are refused on both drivers alike. */
    assert_int_equal(db_prepare(f->db, "SELECT $1", &st), 0);
    db_bind_text(st, 1, "caf\xe9");
    assert_int_equal(db_step(st), ERR_INVALID);
}

static void test_unique_violation(void **state)
{
    struct fixture *f = *state;
    scratch(f);
    assert_true(insert_parent(f->db, "a@example.org", 1) > 0);
    assert_int_equal(insert_parent(f->db, "a@example.org", 2), ERR_CONFLICT);
    assert_true(strlen(db_errmsg(f->db)) > 0);
    /* The cached statement works after the error. */
    assert_true(insert_parent(f->db, "b@example.org", 3) > 0);
    assert_int_equal(query_int(f->db, sql_count_parent), 2);
}

static void test_fk_violation(void **state)
{
    struct fixture *f = *state;
    scratch(f);
    int64_t id = insert_parent(f->db, "a@example.org", 1);
    struct db_stmt *st;
    assert_int_equal(db_prepare(f->db, sql_insert_child, &st), 0);
    db_bind_int64(st, 1, id + 1000);
    db_bind_text(st, 2, "orphan");
    assert_int_equal(db_exec_stmt(st), ERR_CONFLICT);
    assert_int_equal(db_prepare(f->db, sql_insert_child, &st), 0);
    db_bind_int64(st, 1, id);
    db_bind_text(st, 2, "child");
    assert_int_equal(db_exec_stmt(st), 0);
    assert_int_equal(db_changes(st), 1);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM child"), 1);
}

static void test_transactions(void **state)
{
    struct fixture *f = *state;
    scratch(f);
    struct db *other;
    assert_int_equal(db_open(f->url, &other), 0);

    assert_int_equal(db_begin(f->db), 0);
    assert_int_equal(db_begin(f->db), ERR_INTERNAL);
    assert_true(insert_parent(f->db, "a@example.org", 1) > 0);
    /* Not visible to another connection before the commit... */
    assert_int_equal(query_int(other, sql_count_parent), 0);
    assert_int_equal(db_commit(f->db), 0);
    /* ...visible after. */
    assert_int_equal(query_int(other, sql_count_parent), 1);

    assert_int_equal(db_begin(f->db), 0);
    assert_true(insert_parent(f->db, "b@example.org", 2) > 0);
    assert_int_equal(query_int(f->db, sql_count_parent), 2);
    assert_int_equal(db_rollback(f->db), 0);
    assert_int_equal(query_int(f->db, sql_count_parent), 1);
    assert_int_equal(query_int(other, sql_count_parent), 1);

    /* Rollback and commit without a transaction. */
    assert_int_equal(db_rollback(f->db), 0);
    assert_int_equal(db_commit(f->db), ERR_INTERNAL);
    db_close(other);
}

static void test_failed_transaction(void **state)
{
    struct fixture *f = *state;
    scratch(f);
    assert_true(insert_parent(f->db, "a@example.org", 1) > 0);
    assert_int_equal(db_begin(f->db), 0);
    assert_true(insert_parent(f->db, "b@example.org", 2) > 0);
    assert_int_equal(insert_parent(f->db, "a@example.org", 3), ERR_CONFLICT);
    /* Both drivers refuse to go on, and the commit reports the failure and keeps nothing. */
    assert_int_equal(insert_parent(f->db, "c@example.org", 4), ERR_CONFLICT);
    assert_int_equal(db_commit(f->db), ERR_CONFLICT);
    assert_int_equal(query_int(f->db, sql_count_parent), 1);
    /* The connection is usable again. */
    assert_int_equal(db_begin(f->db), 0);
    assert_true(insert_parent(f->db, "d@example.org", 5) > 0);
    assert_int_equal(db_commit(f->db), 0);
    assert_int_equal(query_int(f->db, sql_count_parent), 2);
}

static void test_statement_cache(void **state)
{
    struct fixture *f = *state;
    scratch(f);
    for (int i = 0; i < 3; i++) {
        char email[32];
        snprintf(email, sizeof(email), "p%d@example.org", i);
        assert_true(insert_parent(f->db, email, i) > 0);
    }
    struct db_stmt *st1, *st2;
    assert_int_equal(db_prepare(f->db, sql_parents, &st1), 0);
    assert_int_equal(db_step(st1), 1);
    assert_string_equal(db_col_text(st1, 0), "p0@example.org");
    assert_int_equal(db_step(st1), 1);
    /* The same pointer gives the same statement, reset to its start. */
    assert_int_equal(db_prepare(f->db, sql_parents, &st2), 0);
    assert_ptr_equal(st1, st2);
    assert_int_equal(db_step(st2), 1);
    assert_string_equal(db_col_text(st2, 0), "p0@example.org");
    /* db_reset starts again too. */
    db_reset(st2);
    int rows = 0;
    while (db_step(st2) == 1)
        rows++;
    assert_int_equal(rows, 3);
    /* Stepping past the end without a reset is a caller's bug, reported. */
    assert_int_equal(db_step(st2), ERR_INTERNAL);
    db_reset(st2);
    assert_int_equal(db_step(st2), 1);

    /* The same text at another address is another statement, and both work. */
    static const char copy[] = "SELECT email FROM parent ORDER BY id";
    struct db_stmt *st3;
    assert_int_equal(db_prepare(f->db, copy, &st3), 0);
    assert_ptr_not_equal(st3, st1);
    assert_int_equal(db_step(st3), 1);
    assert_string_equal(db_col_text(st3, 0), "p0@example.org");
    assert_int_equal(db_step(st1), 1);
    assert_string_equal(db_col_text(st1, 0), "p1@example.org");

    /* A buffer reused with another text is prepared again, not served the old statement. */
    char sql[64];
    snprintf(sql, sizeof(sql), "SELECT 41");
    assert_int_equal(query_int(f->db, sql), 41);
    snprintf(sql, sizeof(sql), "SELECT 42");
    assert_int_equal(query_int(f->db, sql), 42);
    snprintf(sql, sizeof(sql), "SELEC 43");
    assert_int_not_equal(db_prepare(f->db, sql, &st3), 0);
    snprintf(sql, sizeof(sql), "SELECT 44");
    assert_int_equal(query_int(f->db, sql), 44);

    /* Many statements: the cache grows without losing any. */
    static char texts[200][32];
    for (int round = 0; round < 2; round++)
        for (int i = 0; i < 200; i++) {
            snprintf(texts[i], sizeof(texts[i]), "SELECT %d", i);
            assert_int_equal(query_int(f->db, texts[i]), i);
        }
    db_reset_all(f->db);
    assert_int_equal(db_step(st1), 1);
    assert_string_equal(db_col_text(st1, 0), "p0@example.org");
}

static void test_returning_id(void **state)
{
    struct fixture *f = *state;
    scratch(f);
    int64_t a = insert_parent(f->db, "a@example.org", 1);
    int64_t b = insert_parent(f->db, "b@example.org", 1);
    assert_true(a > 0);
    assert_true(b > a);
    struct db_stmt *st;
    assert_int_equal(db_prepare(f->db, sql_parent_by_email, &st), 0);
    db_bind_text(st, 1, "b@example.org");
    assert_int_equal(db_step(st), 1);
    assert_int_equal(db_col_int64(st, 0), b);
    assert_int_equal(db_col_count(st), 4);
    db_reset(st);

    /* db_changes of an INSERT ... RETURNING, once completed. */
    assert_int_equal(db_prepare(f->db, "UPDATE parent SET n = 5", &st), 0);
    assert_int_equal(db_exec_stmt(st), 0);
    assert_int_equal(db_changes(st), 2);
    assert_int_equal(db_prepare(f->db, sql_insert_parent, &st), 0);
    db_bind_text(st, 1, "c@example.org");
    assert_int_equal(db_step(st), 1);
    assert_int_equal(db_step(st), 0);
    assert_int_equal(db_changes(st), 1);
    db_reset(st);
    assert_int_equal(db_prepare(f->db, "DELETE FROM parent WHERE email = $1", &st), 0);
    db_bind_text(st, 1, "c@example.org");
    assert_int_equal(db_exec_stmt(st), 0);
    assert_int_equal(db_changes(st), 1);
    assert_int_equal(db_prepare(f->db, "UPDATE parent SET n = 1", &st), 0);
    assert_int_equal(db_exec_stmt(st), 0);

    /* db_changes counts rows of UPDATE and DELETE, and not of SELECT. */
    assert_int_equal(db_prepare(f->db, "UPDATE parent SET n = n + 1 WHERE n = $1", &st), 0);
    db_bind_int64(st, 1, 1);
    assert_int_equal(db_exec_stmt(st), 0);
    assert_int_equal(db_changes(st), 2);
    assert_int_equal(db_prepare(f->db, "UPDATE parent SET n = 0 WHERE n = $1", &st), 0);
    db_bind_int64(st, 1, 99);
    assert_int_equal(db_exec_stmt(st), 0);
    assert_int_equal(db_changes(st), 0);
    assert_int_equal(db_prepare(f->db, sql_parents, &st), 0);
    assert_int_equal(db_exec_stmt(st), 0);
    assert_int_equal(db_changes(st), 0);
}

/* Synthetic migrations: 0002 fails if it ever runs twice (no IF NOT EXISTS). */
static const struct embedded_file test_migrations[] = {
    {"0001_first.sql", "CREATE TABLE m_one (id {{id}}, v TEXT);\n", 0},
    {"0002_second.sql",
     "CREATE TABLE m_once (id {{id}});\nINSERT INTO m_once DEFAULT VALUES;\n", 0},
    {"0007_gap.sql", "INSERT INTO m_one (v) VALUES ('seven');\n", 0},
};

static void test_migrate_idempotent(void **state)
{
    struct fixture *f = *state;
    int version = -1;
    assert_int_equal(db_schema_version(f->db, &version), 0);
    assert_int_equal(version, 0);
    assert_int_equal(db_migrate_from(f->db, test_migrations, 3), 0);
    assert_int_equal(db_schema_version(f->db, &version), 0);
    assert_int_equal(version, 7);
    assert_int_equal(db_migrate_from(f->db, test_migrations, 3), 0);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM schema_migrations"), 3);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM m_once"), 1);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM m_one"), 1);
    static const char sql_applied_at[] =
        "SELECT applied_at FROM schema_migrations WHERE version = 1";
    assert_true(query_int(f->db, sql_applied_at) > 1700000000);
}

static void test_migrate_embedded(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(db_migrate(f->db), 0);
    assert_int_equal(db_migrate(f->db), 0);
    int version = -1;
    assert_int_equal(db_schema_version(f->db, &version), 0);
    int last = 0;
    if (migrations_count > 0) {
        char digits[5] = {0};
        memcpy(digits, migrations[migrations_count - 1].name, 4);
        int64_t v;
        assert_int_equal(cstr_to_int64(digits, &v), 0);
        last = (int)v;
    }
    assert_int_equal(version, last);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM schema_migrations"),
                     (int64_t)migrations_count);
}

static void test_migrate_failure_rolls_back(void **state)
{
    struct fixture *f = *state;
    const struct embedded_file broken[] = {
        {"0001_first.sql", "CREATE TABLE m_one (id {{id}}, v TEXT);\n", 0},
        {"0002_broken.sql", "CREATE TABLE m_half (id {{id}});\nCREATE TABLE oops (;\n", 0},
    };
    assert_int_equal(db_migrate_from(f->db, broken, 2), ERR_DB);
    int version = -1;
    assert_int_equal(db_schema_version(f->db, &version), 0);
    assert_int_equal(version, 1);
    /* Nothing of 0002 remains: the table it created went with its transaction. */
    struct db_stmt *st;
    assert_int_not_equal(db_prepare(f->db, "SELECT count(*) FROM m_half", &st), 0);

    const struct embedded_file bad_names[] = {
        {"0002_b.sql", "SELECT 1;", 0},
        {"0001_a.sql", "SELECT 1;", 0},
    };
    assert_int_equal(db_migrate_from(f->db, bad_names, 2), ERR_INTERNAL);
    const struct embedded_file bad_token[] = {{"0003_t.sql", "CREATE TABLE t (id {{idd}});", 0}};
    assert_int_equal(db_migrate_from(f->db, bad_token, 1), ERR_INVALID);
}

struct migrate_thread {
    const char *url;
    int rc;
};

static void *migrate_thread_main(void *arg)
{
    struct migrate_thread *t = arg;
    struct db *db;
    t->rc = db_open(t->url, &db);
    if (t->rc == 0) {
        t->rc = db_migrate_from(db, test_migrations, 3);
        db_close(db);
    }
    return NULL;
}

static void test_migrate_concurrent(void **state)
{
    struct fixture *f = *state;
    enum { THREADS = 4 };
    pthread_t th[THREADS];
    struct migrate_thread args[THREADS];
    for (int i = 0; i < THREADS; i++) {
        args[i] = (struct migrate_thread){f->url, -100};
        assert_int_equal(pthread_create(&th[i], NULL, migrate_thread_main, &args[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].rc, 0);
    }
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM schema_migrations"), 3);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM m_once"), 1);
    assert_int_equal(query_int(f->db, "SELECT count(*) FROM m_one"), 1);
}

static void test_backup(void **state)
{
    struct fixture *f = *state;
    scratch(f);
    assert_true(insert_parent(f->db, "é@example.org", 42) > 0);
    if (f->env->kind == DB_POSTGRES) {
        assert_int_equal(db_backup(f->db, "/tmp/never-written.db"), ERR_UNSUPPORTED);
        return;
    }
    const char *path = arena_printf(&f->arena, "%s/backup-%s", f->env->base, f->name);
    assert_int_equal(db_backup(f->db, path), 0);
    /* Never over an existing file. */
    assert_int_equal(db_backup(f->db, path), ERR_CONFLICT);

    struct db *copy;
    assert_int_equal(db_open(arena_printf(&f->arena, "sqlite:%s", path), &copy), 0);
    struct db_stmt *st;
    assert_int_equal(db_prepare(copy, sql_parent_by_email, &st), 0);
    db_bind_text(st, 1, "é@example.org");
    assert_int_equal(db_step(st), 1);
    assert_int_equal(db_col_int64(st, 1), 42);
    db_reset(st);
    db_close(copy);
}

static void test_pg_reconnect(void **state)
{
    struct fixture *f = *state;
    if (f->env->kind != DB_POSTGRES)
        skip();
    static const char sql_pid[] = "SELECT pg_backend_pid()";
    int64_t pid = query_int(f->db, sql_pid);
    struct db *killer;
    assert_int_equal(db_open(f->env->base, &killer), 0);
    struct db_stmt *st;
    /* The timeout makes the call wait until the backend is gone (PostgreSQL 14 and later). */
    assert_int_equal(db_prepare(killer, "SELECT pg_terminate_backend($1, 10000)", &st), 0);
    db_bind_int64(st, 1, pid);
    assert_int_equal(db_step(st), 1);
    assert_string_equal(db_col_text(st, 0), "t");
    db_reset(st);
    db_close(killer);

    /* The first use finds the connection dead... */
    int rc = db_prepare(f->db, sql_pid, &st);
    if (rc == 0)
        rc = db_step(st);
    assert_int_equal(rc, ERR_DB);
    /* ...the next one reconnects, and the cached statement is prepared again. */
    int64_t pid2 = query_int(f->db, sql_pid);
    assert_true(pid2 != pid);
}

#define DB_TESTS                                                                                   \
    cmocka_unit_test_setup_teardown(test_open_close, setup, teardown),                             \
        cmocka_unit_test_setup_teardown(test_placeholders, setup, teardown),                       \
        cmocka_unit_test_setup_teardown(test_placeholders_refused, setup, teardown),               \
        cmocka_unit_test_setup_teardown(test_null_binds, setup, teardown),                         \
        cmocka_unit_test_setup_teardown(test_int64_extremes, setup, teardown),                     \
        cmocka_unit_test_setup_teardown(test_utf8_round_trip, setup, teardown),                    \
        cmocka_unit_test_setup_teardown(test_unique_violation, setup, teardown),                   \
        cmocka_unit_test_setup_teardown(test_fk_violation, setup, teardown),                       \
        cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),                       \
        cmocka_unit_test_setup_teardown(test_failed_transaction, setup, teardown),                 \
        cmocka_unit_test_setup_teardown(test_statement_cache, setup, teardown),                    \
        cmocka_unit_test_setup_teardown(test_returning_id, setup, teardown),                       \
        cmocka_unit_test_setup_teardown(test_migrate_idempotent, setup, teardown),                 \
        cmocka_unit_test_setup_teardown(test_migrate_embedded, setup, teardown),                   \
        cmocka_unit_test_setup_teardown(test_migrate_failure_rolls_back, setup, teardown),         \
        cmocka_unit_test_setup_teardown(test_migrate_concurrent, setup, teardown),                 \
        cmocka_unit_test_setup_teardown(test_backup, setup, teardown),                             \
        cmocka_unit_test_setup_teardown(test_pg_reconnect, setup, teardown)

int main(void)
{
    /* Driver errors are expected by many cases: keep the output to the test results. */
    log_set_level(getenv("RELAIS_TEST_VERBOSE") ? LOG_DEBUG : LOG_ERROR + 1);

    const struct CMUnitTest common[] = {
        cmocka_unit_test(test_url_parsing),
        cmocka_unit_test(test_pg_dump_command),
        cmocka_unit_test(test_embed_list),
    };
    const struct CMUnitTest drivers[] = {DB_TESTS};

    int failed = cmocka_run_group_tests_name("db_common", common, NULL, NULL);
    failed += cmocka_run_group_tests_name("db_sqlite", drivers, group_setup_sqlite, group_teardown);
    const char *pg = getenv("RELAIS_TEST_PG_URL");
    if (pg && *pg)
        failed += cmocka_run_group_tests_name("db_postgres", drivers, group_setup_pg,
                                              group_teardown);
    else
        fprintf(stderr, "test_db: RELAIS_TEST_PG_URL is not set: the PostgreSQL group is SKIPPED "
                        "(start a server with tests/pg.sh start DIR)\n");
    return failed ? 1 : 0;
}
