/*
 * postgres: the PostgreSQL driver, over libpq. One PGconn per struct db. Each statement is prepared
 * once per connection (PQprepare, named "s<N>", parameter types inferred by the server) and run
 * with PQexecPrepared, parameters and results as text. The whole result is fetched at the first
 * step; later steps walk its rows. A broken connection is re-established once, at the next db_prepare
 * outside a transaction, and its statements are prepared again on their next use.
 */
#include "core/alloc.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"
#include "db/driver.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

struct pg_db {
    struct db base;
    PGconn *conn;
    unsigned generation; /* incremented at each reconnection: server-side statements are gone */
    unsigned next_name;
};

struct pg_param {
    char *text; /* NULL for SQL NULL; heap, or points into num */
    int len;
    bool on_heap;
    char num[32];
};

struct pg_stmt {
    struct db_stmt base;
    char name[16];
    unsigned generation;
    struct pg_param *params; /* [0..nparams-1] for $1..$n */
    const char **values;
    int *lengths;
    PGresult *res;
    int row, nrows;
    int64_t changes;
};

static const char sql_begin[] = "BEGIN";

static struct pg_db *pdb(struct db *db) { return (struct pg_db *)db; }
static struct pg_stmt *pst(struct db_stmt *st) { return (struct pg_stmt *)st; }

struct pg_conn *pg_handle(struct db *db) { return pdb(db)->conn; }

int pg_fail(struct db *db, const char *sql, const struct pg_result *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    /* The primary message only: the DETAIL line quotes the values of the row (personal data). */
    const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!msg)
        msg = PQerrorMessage(pdb(db)->conn);
    bool conflict = state && (strcmp(state, "23505") == 0 || strcmp(state, "23503") == 0);
    return db_fail(db, sql, conflict ? ERR_CONFLICT : ERR_DB, msg);
}

/* Server notices ("table already exists, skipping") are not errors: debug lines, not stderr. */
static void pg_notice(void *arg, const char *message)
{
    (void)arg;
    /* The first line only: a log event is one line (the DETAIL lines may quote row values). */
    log_debug("db: postgres notice: %.*s", (int)strcspn(message, "\n"), message);
}

static const struct db_driver pg_driver;

int pg_open(const char *url, struct db **out)
{
    /* expand_dbname: the URL gives every setting; client_encoding is added so that it survives
     * PQreset, which a SET would not. */
    const char *keys[] = {"dbname", "client_encoding", "fallback_application_name", NULL};
    const char *values[] = {url, "UTF8", "relais", NULL};
    PGconn *conn = PQconnectdbParams(keys, values, 1);
    if (!conn || PQstatus(conn) != CONNECTION_OK) {
        log_error("db: cannot connect to PostgreSQL: %s",
                  conn ? PQerrorMessage(conn) : "out of memory");
        PQfinish(conn);
        return ERR_DB;
    }
    PQsetNoticeProcessor(conn, pg_notice, NULL);
    struct pg_db *db = xcalloc(1, sizeof(*db));
    db_init_base(&db->base, &pg_driver);
    db->conn = conn;
    *out = &db->base;
    return 0;
}

static void pg_close(struct db *db)
{
    PQfinish(pdb(db)->conn);
    free(db);
}

static int pg_check_connection(struct db *db)
{
    struct pg_db *p = pdb(db);
    if (PQstatus(p->conn) == CONNECTION_OK)
        return 0;
    if (db->in_tx)
        return db_fail(db, NULL, ERR_DB, "connection lost inside a transaction");
    log_warn("db: PostgreSQL connection lost, reconnecting");
    PQreset(p->conn);
    if (PQstatus(p->conn) != CONNECTION_OK)
        return db_fail(db, NULL, ERR_DB, PQerrorMessage(p->conn));
    p->generation++;
    return 0;
}

/* PQprepare, then PQdescribePrepared for the number of parameters the server found. */
static int pg_prepare_on_server(struct pg_stmt *s)
{
    struct db *db = s->base.db;
    struct pg_db *p = pdb(db);
    snprintf(s->name, sizeof(s->name), "s%u", p->next_name++);
    PGresult *res = PQprepare(p->conn, s->name, s->base.sql, 0, NULL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        int err = pg_fail(db, s->base.sql, res);
        PQclear(res);
        return err;
    }
    PQclear(res);
    res = PQdescribePrepared(p->conn, s->name);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        int err = pg_fail(db, s->base.sql, res);
        PQclear(res);
        return err;
    }
    int n = PQnparams(res);
    PQclear(res);
    s->generation = p->generation;
    if (n != s->base.nparams) {
        free(s->params);
        free(s->values);
        free(s->lengths);
        s->base.nparams = n;
        s->params = xcalloc((size_t)n + 1, sizeof(*s->params));
        s->values = xcalloc((size_t)n + 1, sizeof(*s->values));
        s->lengths = xcalloc((size_t)n + 1, sizeof(*s->lengths));
    }
    return 0;
}

static void param_clear(struct pg_param *q)
{
    if (q->on_heap)
        free(q->text);
    q->text = NULL;
    q->len = 0;
    q->on_heap = false;
}

static void pg_stmt_free(struct db_stmt *st)
{
    struct pg_stmt *s = pst(st);
    PQclear(s->res);
    for (int i = 0; i < st->nparams; i++)
        param_clear(&s->params[i]);
    free(s->params);
    free(s->values);
    free(s->lengths);
    /* The server-side statement goes with the connection; closing it one by one would cost a round
     * trip per statement at every db_close. */
    db_stmt_release_base(st);
    free(s);
}

static int pg_stmt_new(struct db *db, const char *sql, struct db_stmt **out)
{
    struct pg_stmt *s = xcalloc(1, sizeof(*s));
    db_stmt_init_base(&s->base, db, sql);
    int rc = pg_prepare_on_server(s);
    if (rc != 0) {
        pg_stmt_free(&s->base);
        return rc;
    }
    *out = &s->base;
    return 0;
}

static void pg_reset(struct db_stmt *st)
{
    struct pg_stmt *s = pst(st);
    PQclear(s->res);
    s->res = NULL;
    s->row = s->nrows = 0;
}

static int pg_stmt_reuse(struct db_stmt *st)
{
    struct pg_stmt *s = pst(st);
    pg_reset(st);
    for (int i = 0; i < st->nparams; i++)
        param_clear(&s->params[i]);
    s->changes = 0;
    if (s->generation != pdb(st->db)->generation)
        return pg_prepare_on_server(s);
    return 0;
}

static void pg_bind_text(struct db_stmt *st, int idx, const char *s, size_t len)
{
    struct pg_param *q = &pst(st)->params[idx - 1];
    param_clear(q);
    /* libpq takes text parameters as C strings: the copy adds the NUL (db.c refused NUL inside). */
    q->text = xstrndup(s, len);
    q->len = (int)len;
    q->on_heap = true;
}

static void pg_bind_int64(struct db_stmt *st, int idx, int64_t v)
{
    struct pg_param *q = &pst(st)->params[idx - 1];
    param_clear(q);
    q->len = snprintf(q->num, sizeof(q->num), "%lld", (long long)v);
    q->text = q->num;
}

static void pg_bind_double(struct db_stmt *st, int idx, double v)
{
    struct pg_param *q = &pst(st)->params[idx - 1];
    param_clear(q);
    /* 17 significant digits: the text reads back as the same double. */
    q->len = snprintf(q->num, sizeof(q->num), "%.17g", v);
    q->text = q->num;
}

static void pg_bind_null(struct db_stmt *st, int idx) { param_clear(&pst(st)->params[idx - 1]); }

/* Rows changed, from the command tag; SELECT and others count 0 as on SQLite. */
static int64_t changes_of(const PGresult *res)
{
    struct str tag = str_from(PQcmdStatus((PGresult *)res));
    if (!str_starts_with(tag, "INSERT") && !str_starts_with(tag, "UPDATE") &&
        !str_starts_with(tag, "DELETE") && !str_starts_with(tag, "MERGE"))
        return 0;
    int64_t n = 0;
    if (cstr_to_int64(PQcmdTuples((PGresult *)res), &n) != 0)
        return 0;
    return n;
}

static int pg_step(struct db_stmt *st)
{
    struct pg_stmt *s = pst(st);
    if (s->res) {
        if (++s->row < s->nrows)
            return 1;
        /* Done: the rows are no longer readable, their memory can go now. */
        PQclear(s->res);
        s->res = NULL;
        return 0;
    }
    for (int i = 0; i < st->nparams; i++) {
        s->values[i] = s->params[i].text;
        s->lengths[i] = s->params[i].len;
    }
    PGresult *res = PQexecPrepared(pdb(st->db)->conn, s->name, st->nparams, s->values, s->lengths,
                                   NULL, 0);
    ExecStatusType status = PQresultStatus(res);
    if (status == PGRES_COMMAND_OK) {
        s->changes = changes_of(res);
        PQclear(res);
        return 0;
    }
    if (status == PGRES_TUPLES_OK) {
        s->changes = changes_of(res);
        s->nrows = PQntuples(res);
        s->row = 0;
        if (s->nrows == 0) {
            PQclear(res);
            return 0;
        }
        s->res = res;
        return 1;
    }
    int err = pg_fail(st->db, st->sql, res);
    PQclear(res);
    return err;
}

static int64_t pg_changes(struct db_stmt *st) { return pst(st)->changes; }

static int pg_col_count(struct db_stmt *st)
{
    struct pg_stmt *s = pst(st);
    return s->res ? PQnfields(s->res) : 0;
}

static bool pg_col_is_null(struct db_stmt *st, int col)
{
    return PQgetisnull(pst(st)->res, pst(st)->row, col);
}

static const char *pg_col_text(struct db_stmt *st, int col, size_t *len)
{
    struct pg_stmt *s = pst(st);
    if (PQgetisnull(s->res, s->row, col)) {
        *len = 0;
        return NULL;
    }
    *len = (size_t)PQgetlength(s->res, s->row, col);
    return PQgetvalue(s->res, s->row, col);
}

static int64_t pg_col_int64(struct db_stmt *st, int col)
{
    struct pg_stmt *s = pst(st);
    return strtoll(PQgetvalue(s->res, s->row, col), NULL, 10);
}

static double pg_col_double(struct db_stmt *st, int col)
{
    struct pg_stmt *s = pst(st);
    return strtod(PQgetvalue(s->res, s->row, col), NULL);
}

static bool pg_in_transaction(struct db *db)
{
    PGTransactionStatusType t = PQtransactionStatus(pdb(db)->conn);
    return t == PQTRANS_INTRANS || t == PQTRANS_INERROR;
}

static const struct db_driver pg_driver = {
    .kind = DB_POSTGRES,
    .begin_sql = sql_begin,
    .close = pg_close,
    .check_connection = pg_check_connection,
    .stmt_new = pg_stmt_new,
    .stmt_reuse = pg_stmt_reuse,
    .stmt_free = pg_stmt_free,
    .reset = pg_reset,
    .bind_text = pg_bind_text,
    .bind_int64 = pg_bind_int64,
    .bind_double = pg_bind_double,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .changes = pg_changes,
    .col_count = pg_col_count,
    .col_is_null = pg_col_is_null,
    .col_text = pg_col_text,
    .col_int64 = pg_col_int64,
    .col_double = pg_col_double,
    .in_transaction = pg_in_transaction,
};
