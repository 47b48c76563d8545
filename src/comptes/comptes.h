/*
 * comptes: users, structures, memberships and roles, sessions, one-time links (invitation, password
 * reset), login throttling, API tokens and the audit trail — the data side of accounts. Pages and
 * API handlers are in comptes_pages.c and comptes_api.c; the guard in guard.c.
 *
 * Every function takes the caller's connection and an arena: strings it returns live in that arena.
 * Validation functions report French messages per field into struct ui_errors.
 */
#ifndef RELAIS_COMPTES_COMPTES_H
#define RELAIS_COMPTES_COMPTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "comptes/auth.h"

struct arena;
struct db;
struct ui_errors;

/* Session lifetime: closed after SESSION_IDLE_S without a request, and SESSION_ABSOLUTE_S after
 * sign-in whatever happens. */
#define SESSION_IDLE_S (2 * 3600)
#define SESSION_ABSOLUTE_S (12 * 3600)
#define LINK_INVITATION_S (7 * 24 * 3600)
#define LINK_RESET_S 3600

/* The process-wide secret for CSRF tokens, created in the database at the first start so that every
 * process serving the same database shares it. Call comptes_init once before serving. */
int comptes_init(struct db *db);
const char *comptes_secret(void);

/* --- users --- */

struct user {
    int64_t id;
    const char *email;
    const char *name;
    const char *password_hash; /* NULL until the invitation is accepted */
    bool is_admin;
    bool disabled;
    bool demo;
    int64_t created_at;
    int64_t last_login_at;
};

/* Lower-cases and trims an e-mail address; NULL when it is not a plausible address. */
const char *email_normalize(struct arena *a, const char *email);

/* Creates a user. password may be NULL (an invitation will set it). Errors go to errs (fields
 * "email", "name", "password") with ERR_INVALID, or ERR_CONFLICT when the address is taken. */
int user_create(struct db *db, struct arena *a, const char *email, const char *name,
                const char *password, bool demo, struct ui_errors *errs, int64_t *id);
int user_get(struct db *db, struct arena *a, int64_t id, struct user *out);
int user_find_by_email(struct db *db, struct arena *a, const char *email, struct user *out);
int user_set_password(struct db *db, struct arena *a, int64_t id, const char *password);
int user_set_admin(struct db *db, int64_t id, bool admin);
int user_set_disabled(struct db *db, int64_t id, bool disabled);
int user_touch_login(struct db *db, int64_t id);
/* Users by name, page by page (offset); *total is the count of all users. */
int user_list(struct db *db, struct arena *a, int64_t offset, int64_t limit, struct user **out,
              size_t *n, int64_t *total);

/* Roles. role is ROLE_MEDIATEUR or ROLE_ADMIN_STRUCTURE for memberships. */
int user_add_membership(struct db *db, int64_t user_id, int64_t structure_id, enum role role);
int user_add_coordinator_scope(struct db *db, int64_t user_id, const char *departement);
/* Fills a->roles, departements and memberships for a->user_id. */
int auth_load_roles(struct db *db, struct arena *arena, struct auth *a);

/* --- structures --- */

struct structure {
    int64_t id;
    const char *nom;
    const char *siret;
    const char *rna;
    const char *adresse;
    const char *code_postal;
    const char *commune;
    const char *departement;
    bool demo;
    int64_t created_at;
};

/* True for the codes of the 101 départements (01…95, 2A, 2B, 971…976). */
bool departement_valid(const char *code);
/* True for a SIRET of 14 digits with a valid Luhn key (La Poste's 356000000 SIRETs included). */
bool siret_valid(const char *siret);
/* Validates (French messages per field into errs; fields trimmed, empty optional fields set to
 * NULL) and inserts; ERR_INVALID with errs filled, ERR_CONFLICT when the SIRET exists. */
int structure_create(struct db *db, struct arena *a, struct structure *s, struct ui_errors *errs);
/* Validates and stores every field of s but its département (which decides who manages it). */
int structure_update(struct db *db, struct arena *a, struct structure *s, struct ui_errors *errs);
int structure_get(struct db *db, struct arena *a, int64_t id, struct structure *out);
/* Structures with id > after (cursor), by id, optionally restricted to departements (NULL: all). */
int structure_list(struct db *db, struct arena *a, const char *const *departements,
                   size_t n_departements, int64_t after, int64_t limit, struct structure **out,
                   size_t *n);

struct member {
    int64_t user_id;
    const char *name;
    const char *email;
    enum role role;
    bool pending; /* invited, no password yet */
};
int structure_members(struct db *db, struct arena *a, int64_t structure_id, struct member **out,
                      size_t *n);

/* --- sessions, links, throttling --- */

/* Opens a session; *token is the cookie value (arena). */
int session_create(struct db *db, struct arena *a, int64_t user_id, char **token);
struct session_user {
    int64_t user_id;
    const char *name;
    const char *email;
    bool is_admin;
    const char *hash; /* the stored hash of the session's token */
};
/* The user of a live session, or ERR_NOT_FOUND when unknown, expired or the account disabled. */
int session_lookup(struct db *db, struct arena *a, const char *token, struct session_user *out);
int session_destroy(struct db *db, const char *hash);
int sessions_destroy_user(struct db *db, int64_t user_id);

enum link_kind { LINK_INVITATION, LINK_RESET };
int link_create(struct db *db, struct arena *a, int64_t user_id, enum link_kind kind, char **token);
/* The user of a valid, unused, unexpired link. */
int link_lookup(struct db *db, struct arena *a, const char *token, enum link_kind kind,
                int64_t *user_id);
int link_use(struct db *db, struct arena *a, const char *token);

/* ERR_TOO_MANY when subject has failed limit times within LIMIT_LOGIN_WINDOW_S. */
int throttle_check(struct db *db, const char *subject, int64_t limit);
int throttle_record(struct db *db, const char *subject);
int throttle_clear(struct db *db, const char *subject);

/* --- API tokens --- */

struct api_token {
    int64_t id;
    int64_t structure_id;
    const char *name;
    const char *prefix;
    unsigned scopes; /* ACCESS_TOKEN_READ | ACCESS_TOKEN_WRITE */
    int64_t created_at;
    int64_t last_used_at;
    int64_t revoked_at;
};

/* Creates a token; *secret is shown once to the user and never stored. */
int api_token_create(struct db *db, struct arena *a, int64_t structure_id, const char *name,
                     unsigned scopes, int64_t created_by, char **secret, int64_t *id);
/* The live token for a secret (ERR_UNAUTHORIZED when unknown or revoked). */
int api_token_lookup(struct db *db, struct arena *a, const char *secret, struct api_token *out);
int api_token_revoke(struct db *db, int64_t structure_id, int64_t id);
int api_token_list(struct db *db, struct arena *a, int64_t structure_id, struct api_token **out,
                   size_t *n);
const char *api_scopes_label(unsigned scopes);

/* --- audit --- */
void audit_record(struct db *db, int64_t user_id, const char *departement, const char *action,
                  const char *object, const char *detail);

#endif
