/*
 * store: lieux in the database. A lieu is written by upsert on its key (source_key, the standard's
 * id): a new key inserts, a known key updates only when a field changed, and every change leaves a
 * row in lieux_history with the fields before and after. Reading gives back the standard row
 * exactly as it was stored, plus what Relais knows about it (structure, publication, verification).
 *
 * Strings returned live in the caller's arena.
 */
#ifndef RELAIS_LIEUX_STORE_H
#define RELAIS_LIEUX_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "lieux/lieu.h"

struct arena;
struct db;

struct lieu_record {
    int64_t id;
    const char *source_key;
    int64_t structure_id; /* 0: none */
    const char *departement;
    bool published;
    bool coords_approx;
    bool has_coords;
    double latitude, longitude;
    int64_t verified_at; /* 0: never */
    int64_t created_at, updated_at;
    struct lieu_row row;
};

enum lieu_upsert_result { LIEU_INSERTED, LIEU_UPDATED, LIEU_UNCHANGED };

/* The département of a place from its INSEE code, else its postcode ("53", "2A", "974", "988");
 * writes up to 3 characters and a NUL into out[4]; false when neither gives one. */
bool lieu_departement_of(const char *code_insee, const char *code_postal, char out[4]);

/* Inserts or updates the row under (source_key, row->v[LF_ID]). Coordinates come from the row's
 * latitude/longitude text; coords_approx marks them as computed from the commune. user_id (0: none)
 * and origin (e.g. the imported file's name) go to the history. */
int lieu_store_upsert(struct db *db, struct arena *a, const struct lieu_row *row,
                      const char *source_key, const char *departement, bool coords_approx,
                      int64_t user_id, const char *origin, enum lieu_upsert_result *result,
                      int64_t *id);
int lieu_store_get(struct db *db, struct arena *a, int64_t id, struct lieu_record *out);
/* Calls each(record) for every lieu (of one département when departement is not NULL; published
 * ones only when published_only), in id order. Each record lives in a per-row arena that is reset
 * after the call, so a whole base can be streamed. Stops at the first non-zero return. */
int lieu_store_each(struct db *db, const char *departement, bool published_only,
                    int (*each)(const struct lieu_record *r, void *ctx), void *ctx);
int lieu_store_set_published(struct db *db, int64_t id, bool published, int64_t user_id);
int lieu_store_verify(struct db *db, int64_t id, int64_t user_id);

struct lieu_change {
    int64_t at;
    int64_t user_id;
    const char *user_name; /* NULL when none */
    const char *action;
    const char *origin;
    const char *changes; /* JSON {"field": [before, after]} */
};
/* The newest changes first, at most max. */
int lieu_store_history(struct db *db, struct arena *a, int64_t id, int64_t max,
                       struct lieu_change **out, size_t *n);

/* An error reported from the lieu's public page, for the people who manage it. */
struct lieu_signalement {
    int64_t id;
    int64_t at;
    const char *message;
    const char *courriel; /* the address left for an answer, or NULL */
    int64_t user_id;      /* 0: anonymous */
};
/* Records a report about rec (message required; courriel may be NULL; user_id 0: anonymous). */
int lieu_signalement_add(struct db *db, const struct lieu_record *rec, const char *message,
                         const char *courriel, int64_t user_id);
/* The reports of a lieu, newest first: at most limit from offset, and how many there are. */
int lieu_signalements(struct db *db, struct arena *a, int64_t lieu_id, int64_t limit,
                      int64_t offset, struct lieu_signalement **out, size_t *n, int64_t *total);

/* Shortest decimal text that reads back as the same double (for latitude and longitude). */
const char *lieu_format_coordinate(struct arena *a, double v);

#endif
