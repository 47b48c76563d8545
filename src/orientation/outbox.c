#include "orientation/outbox.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/err.h"
#include "core/log.h"
#include "core/mail.h"
#include "db/db.h"

static const char SQL_ENQUEUE[] = "INSERT INTO mail_outbox (to_addr, subject, body, created_at, "
                                  "next_at) VALUES ($1, $2, $3, $4, $4)";
static const char SQL_DUE[] = "SELECT id, attempts FROM mail_outbox WHERE sent_at IS NULL AND "
                              "next_at <= $1 ORDER BY id LIMIT $2";
static const char SQL_WAITING[] = "SELECT count(*) FROM mail_outbox WHERE sent_at IS NULL";
/* The claim: whoever moves next_at first owns the attempt. */
static const char SQL_CLAIM[] = "UPDATE mail_outbox SET next_at = $3 WHERE id = $1 AND sent_at IS "
                                "NULL AND next_at <= $2";
static const char SQL_READ[] = "SELECT to_addr, subject, body FROM mail_outbox WHERE id = $1";
static const char SQL_SENT[] = "UPDATE mail_outbox SET sent_at = $2, attempts = attempts + 1, "
                               "last_error = NULL WHERE id = $1";
static const char SQL_FAILED[] = "UPDATE mail_outbox SET attempts = attempts + 1, next_at = $2, "
                                 "last_error = $3 WHERE id = $1";
static const char SQL_RELEASE[] = "UPDATE mail_outbox SET next_at = $2 WHERE id = $1";

int outbox_enqueue(struct db *db, const char *to, const char *subject, const char *body,
                   int64_t now)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_ENQUEUE, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, to);
    db_bind_text(st, 2, subject);
    db_bind_text(st, 3, body);
    db_bind_int64(st, 4, now);
    return db_exec_stmt(st);
}

int64_t outbox_backoff(int64_t attempts)
{
    int64_t d = OUTBOX_FIRST_DELAY_S;
    for (int64_t i = 0; i < attempts && d < OUTBOX_MAX_DELAY_S; i++)
        d *= 2;
    return d < OUTBOX_MAX_DELAY_S ? d : OUTBOX_MAX_DELAY_S;
}

static int exec_2(struct db *db, const char *sql, int64_t a, int64_t b, int64_t *changes)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, a);
    db_bind_int64(st, 2, b);
    rc = db_exec_stmt(st);
    if (changes)
        *changes = rc ? 0 : db_changes(st);
    return rc;
}

static int send_one(struct db *db, const struct config *cfg, int64_t id, int64_t attempts,
                    int64_t now, struct outbox_stats *stats)
{
    /* Held for as long as a send may take (curl's timeout), then released or rescheduled. */
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_CLAIM, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    db_bind_int64(st, 2, now);
    db_bind_int64(st, 3, now + 120);
    if ((rc = db_exec_stmt(st)))
        return rc;
    if (db_changes(st) != 1)
        return 0;
    struct arena a = ARENA_INIT;
    if ((rc = db_prepare(db, SQL_READ, &st)))
        goto out;
    db_bind_int64(st, 1, id);
    if ((rc = db_step_one(st)))
        goto out;
    const char *to = db_col_dup(st, 0, &a), *subject = db_col_dup(st, 1, &a),
               *body = db_col_dup(st, 2, &a);
    db_reset(st);
    int sent = mail_send(cfg, to, subject, body);
    if (sent == 0) {
        rc = exec_2(db, SQL_SENT, id, now, NULL);
        stats->sent++;
    } else if (sent == ERR_UNSUPPORTED) {
        rc = exec_2(db, SQL_RELEASE, id, now, NULL);
        stats->waiting++;
    } else {
        if ((rc = db_prepare(db, SQL_FAILED, &st)) == 0) {
            db_bind_int64(st, 1, id);
            db_bind_int64(st, 2, now + outbox_backoff(attempts));
            db_bind_text(st, 3, err_name(sent));
            rc = db_exec_stmt(st);
        }
        stats->failed++;
        log_warn("outbox: message %lld not delivered (attempt %lld), next try later", (long long)id,
                 (long long)attempts + 1);
    }
out:
    arena_release(&a);
    return rc;
}

int outbox_send_due(struct db *db, const struct config *cfg, int64_t now,
                    struct outbox_stats *stats)
{
    *stats = (struct outbox_stats){0};
    int64_t ids[OUTBOX_BATCH], attempts[OUTBOX_BATCH];
    size_t n = 0;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_DUE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, now);
    db_bind_int64(st, 2, OUTBOX_BATCH);
    while ((rc = db_step(st)) == 1 && n < OUTBOX_BATCH) {
        ids[n] = db_col_int64(st, 0);
        attempts[n++] = db_col_int64(st, 1);
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++)
        if ((rc = send_one(db, cfg, ids[i], attempts[i], now, stats)))
            return rc;
    if ((rc = db_prepare(db, SQL_WAITING, &st)))
        return rc;
    if ((rc = db_step(st)) == 1)
        stats->waiting = db_col_int64(st, 0);
    db_reset(st);
    return rc < 0 ? rc : 0;
}
