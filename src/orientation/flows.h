/*
 * flows: who sends to whom on a territory. The referrals sent from a département in a period,
 * counted by the kind of the sending structure and the kind of the destination, with how many
 * were accepted, refused and expired. A kind is the first typologie code (data·inclusion's list)
 * of the destination lieu, else of the first lieu of the structure that has one; a destination
 * without an account and without a typologie is « sans compte », a structure whose lieux say
 * nothing is « non précisée ».
 */
#ifndef RELAIS_ORIENTATION_FLOWS_H
#define RELAIS_ORIENTATION_FLOWS_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct buf;
struct db;

/* The kind values that are not typologie codes. */
#define ORIENTATION_KIND_NONE "non_precisee"
#define ORIENTATION_KIND_EXTERNAL "sans_compte"

struct orientation_flow {
    const char *from_kind, *to_kind; /* typologie codes or the values above */
    int64_t total, accepted, refused, expired;
};

/* The flows of the referrals sent from departement (NULL or "": every one) created in [from,
 * to) (Unix seconds), the biggest first (then by kinds). The array is arena memory. */
int orientation_flows(struct db *db, struct arena *a, const char *departement, int64_t from,
                      int64_t to, struct orientation_flow **out, size_t *n);

/* The French label of a kind ("CCAS" → "Centre communal d'action sociale (CCAS)"). */
const char *orientation_kind_label(struct arena *a, const char *kind);

/* The section of a statistics dashboard: a heading and the table of flows for the period du..au
 * (YYYY-MM-DD, inclusive, days in Paris time), or a sentence when there was no referral. */
int orientation_flows_section(struct buf *b, struct db *db, struct arena *a,
                              const char *departement, const char *du, const char *au);

/* The period du..au as Unix seconds [from, to) with days in Paris time. ERR_INVALID when a day
 * is not YYYY-MM-DD. */
int orientation_period(const char *du, const char *au, int64_t *from, int64_t *to);

#endif
