/*
 * collections: resources gathered by a person or by a base, in an order its owners choose.
 *
 * A personal collection belongs to one account; a base's collection to the base, and every member
 * of the base may change it. A collection is public (anyone may read it) or private (its owners
 * only, and whoever holds its share link). Each person has one « Favoris » collection, private,
 * created the first time they save a resource there; it cannot be deleted.
 *
 * A share link carries an unguessable token (32 random bytes, base64url); making a new link
 * replaces the old one, and revoking it makes the old address answer « introuvable ». The
 * resources shown through a collection are only those the reader may see anyway: a share link
 * opens the collection, never a private resource.
 *
 * Strings returned live in the caller's arena; validation messages go to struct ui_errors.
 */
#ifndef RELAIS_RESSOURCES_COLLECTIONS_H
#define RELAIS_RESSOURCES_COLLECTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct auth;
struct db;
struct ui_errors;

struct collection {
    int64_t id;
    int64_t owner_id; /* personal collection: its owner; 0 for a base's */
    int64_t base_id;  /* a base's collection: the base; 0 for a personal one */
    int64_t created_by;
    const char *titre, *description;
    bool public_;
    bool favoris;
    const char *share_token; /* NULL: no share link */
    const char *owner_name;  /* the owner's name, or the base's name */
    int64_t n_items;
    int64_t created_at, updated_at;
};

/* Checks titre (1 to LIMIT_COLLECTION_TITLE_CHARS characters), description (up to
 * LIMIT_COLLECTION_DESCRIPTION_CHARS) and trims them in place. Fields "titre", "description". */
int collections_validate(struct arena *a, struct collection *c, struct ui_errors *errs);
/* Validates and creates c (owner_id or base_id set, created_by set); sets c->id. */
int collections_create(struct db *db, struct arena *a, struct collection *c,
                       struct ui_errors *errs);
/* Validates and stores titre, description and visibility. */
int collections_update(struct db *db, struct arena *a, struct collection *c,
                       struct ui_errors *errs);
/* ERR_FORBIDDEN for a « Favoris » collection. */
int collections_delete(struct db *db, int64_t id);
int collections_get(struct db *db, struct arena *a, int64_t id, struct collection *out);
/* The collection whose share link holds token, or ERR_NOT_FOUND (revoked or never made). */
int collections_get_by_token(struct db *db, struct arena *a, const char *token,
                             struct collection *out);
/* The user's « Favoris » collection, created when missing. */
int collections_favoris(struct db *db, int64_t user_id, int64_t *id);

/* Who may read and change a collection. Reading: public, or someone who may change it, or a
 * platform admin. Changing: its owner; for a base's collection, the members of the base. */
bool collections_can_see(struct db *db, const struct auth *a, const struct collection *c);
bool collections_can_edit(struct db *db, const struct auth *a, const struct collection *c);

/* The collections user_id may change (theirs and those of their bases), « Favoris » first then
 * the most recently changed; with_ressource (0: none) fills *contains[i] when collection i holds
 * it. Page by page; *total counts them all. */
int collections_of_user(struct db *db, struct arena *a, int64_t user_id, int64_t with_ressource,
                        int64_t offset, int64_t limit, struct collection **out, bool **contains,
                        size_t *n, int64_t *total);
/* A base's collections: all of them when all, the public ones otherwise. */
int collections_of_base(struct db *db, struct arena *a, int64_t base_id, bool all,
                        struct collection **out, size_t *n);

/* One resource in a collection, as the collection's page lists it. */
struct collection_item {
    int64_t ressource_id;
    const char *titre, *slug, *description;
    int position;
};

/* Adds a resource at the end. ERR_CONFLICT when it is there already, ERR_TOO_BIG when the
 * collection holds LIMIT_COLLECTION_ITEMS. */
int collections_add(struct db *db, int64_t collection_id, int64_t ressource_id, int64_t by);
int collections_remove(struct db *db, int64_t collection_id, int64_t ressource_id);
/* Swaps a resource with the one before it (up) or after it; nothing when it is first (last). */
int collections_move(struct db *db, int64_t collection_id, int64_t ressource_id, bool up);
/* The items of a collection in order, the resources a may not see left out (counted in
 * *hidden), page by page; *total counts the visible ones. */
int collections_items(struct db *db, struct arena *a, const struct auth *viewer,
                      int64_t collection_id, int64_t offset, int64_t limit,
                      struct collection_item **out, size_t *n, int64_t *total, int64_t *hidden);

/* How many collections hold a resource (La Base's « enregistrements »), whoever owns them. */
int collections_save_count(struct db *db, int64_t ressource_id, int64_t *n);

/* Makes a new share link (replacing any other); *token is arena memory. */
int collections_share(struct db *db, struct arena *a, int64_t collection_id, const char **token);
int collections_unshare(struct db *db, int64_t collection_id);

#endif
