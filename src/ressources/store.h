/*
 * ressources/store: bases and resources in the database. Bases with their members, invitations and
 * join requests; resources with their ordered blocks, indexation (La Base's vocabularies plus free
 * tags), contributors and change history. Every write that changes a resource records who did what
 * in ressource_history, in the same transaction.
 *
 * Strings of the structs are arena memory (the arena passed in). Writers validate first: the
 * problems go to a struct ui_errors (field and French message) with ERR_INVALID, and nothing is
 * stored. Functions that write open their own transaction unless they say otherwise.
 */
#ifndef RELAIS_RESSOURCES_STORE_H
#define RELAIS_RESSOURCES_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ressources/vocab.h"

struct arena;
struct db;
struct ui_errors;

#define RESSOURCE_TITRE_MAX 200 /* characters of a title, bytes checked as 4x */
#define RESSOURCE_DESCRIPTION_MAX 2000
#define RESSOURCE_BLOCK_TEXT_MAX (60 * 1024)
/* Blocks of one resource: the form sends 4 or 5 fields per block and stays under LIMIT_FIELDS with
 * every checkbox of the indexation checked. */
#define RESSOURCE_BLOCKS_MAX 25
#define RESSOURCE_TAGS_MAX 20
#define RESSOURCE_TAG_MAX 60
#define BASE_NOM_MAX 120
#define BASE_DESCRIPTION_MAX 2000

/* The tags are the fifth indexation list, after the four vocabularies. */
#define RESSOURCE_TAGS VOCAB_N
#define RESSOURCE_N_INDEX (VOCAB_N + 1)

struct base {
    int64_t id;
    const char *nom, *slug, *description;
    bool public_;
    int64_t structure_id;      /* 0: none: the base of a team or a network */
    const char *structure_nom; /* read back, or NULL */
    int64_t created_by;
    const char *departement; /* or NULL */
    bool demo;
    int64_t created_at, updated_at;
    int64_t n_members, n_ressources; /* filled by base_get and the lists */
};

struct base_member {
    int64_t user_id;
    const char *name, *email;
    bool admin;
};

struct base_invitation {
    int64_t id, base_id, user_id;
    const char *base_nom, *user_name, *user_email;
    bool admin;
    int64_t created_at;
};

struct base_join_request {
    int64_t id, base_id, user_id;
    const char *base_nom, *user_name, *user_email, *message;
    int64_t created_at;
};

int base_validate(const struct base *b, struct ui_errors *errs);
/* Creates the base; the creator becomes its first administrator. */
int base_create(struct db *db, struct arena *a, struct base *b, int64_t user_id,
                struct ui_errors *errs, int64_t *id);
/* The same without validation, inside the caller's transaction (import). */
int base_create_in_tx(struct db *db, struct arena *a, struct base *b, int64_t user_id, int64_t *id);
/* Changes nom, description, visibility, structure and département. */
int base_update(struct db *db, struct base *b, struct ui_errors *errs);
int base_get(struct db *db, struct arena *a, int64_t id, struct base *out);
/* Bases that user_id (0: nobody) may see: the public ones and those they belong to, by name.
 * mine: only those they belong to. */
int base_list(struct db *db, struct arena *a, int64_t user_id, bool mine, int64_t offset,
              int64_t limit, struct base **out, size_t *n, int64_t *total);
int base_members(struct db *db, struct arena *a, int64_t base_id, struct base_member **out,
                 size_t *n);
/* Sets (adds or changes) a member's role. ERR_CONFLICT when it would leave no administrator. */
int base_member_set(struct db *db, int64_t base_id, int64_t user_id, bool admin);
/* Removes a member. ERR_CONFLICT when it is the last administrator. */
int base_member_remove(struct db *db, int64_t base_id, int64_t user_id);

/* Invites the account of email. ERR_NOT_FOUND: no such account; ERR_CONFLICT: already a member
 * or already invited. */
int base_invite(struct db *db, struct arena *a, int64_t base_id, const char *email, bool admin,
                int64_t by);
/* Pending invitations of a user, or of a base (the other id 0). */
int base_invitations(struct db *db, struct arena *a, int64_t user_id, int64_t base_id,
                     struct base_invitation **out, size_t *n);
/* The invited user accepts (becomes a member) or declines. ERR_NOT_FOUND when the invitation is
 * not theirs or not pending. *base_id: the invitation's base. */
int base_invitation_decide(struct db *db, int64_t invitation_id, int64_t user_id, bool accept,
                           int64_t *base_id);

/* ERR_CONFLICT: already a member, or a request already pending. */
int base_join_request(struct db *db, int64_t base_id, int64_t user_id, const char *message);
int base_join_requests(struct db *db, struct arena *a, int64_t base_id,
                       struct base_join_request **out, size_t *n);
/* Whether user_id has a pending request for base_id. */
bool base_join_pending(struct db *db, int64_t base_id, int64_t user_id);
/* An administrator accepts or refuses a pending request of base_id. */
int base_join_decide(struct db *db, int64_t request_id, int64_t base_id, int64_t by, bool accept);

enum block_kind { BLOCK_TITRE, BLOCK_TEXTE, BLOCK_LIEN, BLOCK_FICHIER, BLOCK_IMAGE, BLOCK_N };
extern const char *const block_kind_values[BLOCK_N]; /* "titre", "texte", ... */
extern const char *const block_kind_labels[BLOCK_N]; /* "Titre de section", ... */
/* -1 when unknown. */
int block_kind_parse(const char *s);

struct ressource_block {
    enum block_kind kind;
    const char *texte; /* titre: the title; texte: Markdown; lien: the link's title */
    const char *url;   /* lien */
    int64_t file_id;   /* fichier, image */
    const char *filename;
    const char *caption;
    /* Read back with the block: the file's content hash, type and size. */
    const char *sha256, *mime, *preview_sha256;
    int64_t size;
};

struct ressource {
    int64_t id;
    int64_t base_id;    /* 0: personal resource */
    int64_t created_by; /* 0: imported without an author */
    const char *ext_id; /* or NULL */
    const char *titre, *slug, *description;
    bool published;
    bool public_;
    const char *licence;
    const char *departement;
    bool demo;
    int64_t views, published_at, republished_at, last_verified_at, created_at, updated_at;
    /* Read back: the base's name and visibility, the author's name. */
    const char *base_nom, *auteur;
    bool base_public;
    struct ressource_block *blocks;
    size_t n_blocks;
    /* index[VOCAB_THEME..VOCAB_SECTEUR]: identifiers; index[RESSOURCE_TAGS]: free tags. */
    const char **index[RESSOURCE_N_INDEX];
    size_t n_index[RESSOURCE_N_INDEX];
};

struct ressource_history_entry {
    int64_t at;
    const char *who; /* the user's name, or NULL */
    const char *action;
    const char *details;
};

struct ressource_contributor {
    int64_t user_id;
    const char *name, *email;
};

/* Checks a resource before it is written: title, lengths, vocabularies, licence, blocks (a link
 * needs an http(s) address, a file block a file). */
int ressource_validate(struct arena *a, const struct ressource *r, struct ui_errors *errs);
/* Creates (r->id == 0) or replaces a resource's fields, blocks and indexation, recording what
 * changed in its history as user_id (0: the command line). Sets r->id. Does not change the state
 * (use ressource_publish) unless r->published is set on creation (import). */
int ressource_save(struct db *db, struct arena *a, struct ressource *r, int64_t user_id,
                   struct ui_errors *errs);
/* Same, inside the caller's transaction (import). */
int ressource_save_in_tx(struct db *db, struct arena *a, struct ressource *r, int64_t user_id,
                         const char *action);
int ressource_get(struct db *db, struct arena *a, int64_t id, struct ressource *out);
/* The id of the resource imported with ext_id, or ERR_NOT_FOUND. */
int ressource_find_ext(struct db *db, const char *ext_id, int64_t *id);
/* Publishes (first time: published; later: republished) with the given visibility. */
int ressource_publish(struct db *db, int64_t id, bool public_, int64_t user_id);
int ressource_count_view(struct db *db, int64_t id);
int ressource_history(struct db *db, struct arena *a, int64_t id,
                      struct ressource_history_entry **out, size_t *n);
int ressource_contributors(struct db *db, struct arena *a, int64_t id,
                           struct ressource_contributor **out, size_t *n);
/* ERR_NOT_FOUND: no account with that address; ERR_CONFLICT: already a contributor. */
int ressource_contributor_add(struct db *db, struct arena *a, int64_t id, const char *email,
                              int64_t by);
int ressource_contributor_remove(struct db *db, int64_t id, int64_t user_id, int64_t by);

/* Short rows for lists: what a card shows. */
struct ressource_row {
    int64_t id;
    const char *titre, *description, *base_nom;
    bool published, public_, demo;
    int64_t updated_at;
};
/* A base's resources: all of them for its members (show_all), the published public ones for
 * others. */
int ressources_of_base(struct db *db, struct arena *a, int64_t base_id, bool show_all,
                       int64_t offset, int64_t limit, struct ressource_row **out, size_t *n,
                       int64_t *total);
/* What user_id created or contributes to, drafts included, newest first. */
int ressources_of_user(struct db *db, struct arena *a, int64_t user_id, int64_t offset,
                       int64_t limit, struct ressource_row **out, size_t *n, int64_t *total);

/* Calls fn for every resource (full, with blocks and indexation) in id order, each in a fresh
 * arena scope the callback must not keep. Stops at the first non-zero return. */
int ressource_each(struct db *db, int (*fn)(const struct ressource *r, void *arg), void *arg);

/* A URL-friendly form of text: lower case ASCII letters and digits joined by '-' (arena). */
char *ressources_slugify(struct arena *a, const char *text, size_t max);

#endif
