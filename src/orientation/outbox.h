/*
 * outbox: e-mails written to a table in the same transaction as what they announce, then sent by
 * whoever comes next (the request that wrote them, right after its commit, and `relais
 * maintenance`). A message is claimed before it is sent, so that two processes never send it
 * twice; a failure schedules the next attempt later and later (1 min, 2, 4… up to 6 h), so that
 * nothing is lost while the SMTP server is down. Without an SMTP server configured, messages wait.
 */
#ifndef RELAIS_ORIENTATION_OUTBOX_H
#define RELAIS_ORIENTATION_OUTBOX_H

#include <stdint.h>

struct config;
struct db;

#define OUTBOX_FIRST_DELAY_S 60
#define OUTBOX_MAX_DELAY_S (6 * 3600)
#define OUTBOX_BATCH 100

int outbox_enqueue(struct db *db, const char *to, const char *subject, const char *body,
                   int64_t now);
/* The delay before attempt number attempts + 1, after attempts failures. */
int64_t outbox_backoff(int64_t attempts);

struct outbox_stats {
    int64_t sent, failed, waiting; /* waiting: left for later (not due, or no SMTP server) */
};
/* Sends the messages due at now (at most OUTBOX_BATCH). Outside any transaction. */
int outbox_send_due(struct db *db, const struct config *cfg, int64_t now,
                    struct outbox_stats *stats);

#endif
