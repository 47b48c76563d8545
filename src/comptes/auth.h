/*
 * auth: who is asking, and what they may do.
 *
 * Roles: a user may be a platform admin (users.is_admin), a coordinateur of one or several
 * départements (coordinator_scopes), and a mediateur or admin_structure of structures (memberships).
 * A route declares its access as a bit set (struct route.access): ACCESS_PUBLIC, or ACCESS_AUTH (any
 * signed-in user), or the roles that may use it; an admin may use every route. Object-level scope
 * (this structure, this département) is checked by the handler with auth_can_manage_structure and
 * friends. ACCESS_API marks /api/ routes, which also accept "Authorization: Bearer" tokens.
 *
 * auth_guard is the http guard hook: it finds the session (cookie) or the API token, loads the roles,
 * checks the route's access and the CSRF token of state-changing requests. Everything it allocates
 * lives in the request arena; req->auth points to a struct auth (never NULL after the guard).
 */
#ifndef RELAIS_COMPTES_AUTH_H
#define RELAIS_COMPTES_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/http.h"

enum role {
    ROLE_MEDIATEUR = 1 << 0,
    ROLE_ADMIN_STRUCTURE = 1 << 1,
    ROLE_COORDINATEUR = 1 << 2,
    ROLE_ADMIN = 1 << 3,
};

#define ROLES_ALL (ROLE_MEDIATEUR | ROLE_ADMIN_STRUCTURE | ROLE_COORDINATEUR | ROLE_ADMIN)

enum access {
    ACCESS_PUBLIC = 0,
    /* role bits (enum role) in the low byte */
    ACCESS_AUTH = 1 << 8, /* any signed-in user */
    ACCESS_API = 1 << 9,  /* JSON API route: bearer tokens accepted, JSON errors */
    ACCESS_TOKEN_READ = 1 << 10,  /* an API token with scope "lecture" may use it */
    ACCESS_TOKEN_WRITE = 1 << 11, /* an API token with scope "ecriture" may use it */
};

struct auth_membership {
    int64_t structure_id;
    const char *structure_nom;
    const char *departement;
    enum role role; /* ROLE_MEDIATEUR or ROLE_ADMIN_STRUCTURE */
};

struct auth {
    int64_t user_id;      /* 0: anonymous (or an API token) */
    const char *name;
    const char *email;
    unsigned roles;       /* enum role bits */
    const char **departements; /* coordinateur scope */
    size_t n_departements;
    struct auth_membership *memberships;
    size_t n_memberships;
    const char *session_hash; /* the current session, or NULL */
    const char *csrf_token;   /* for forms: bound to the session, or to the anonymous cookie */
    int64_t token_id;         /* API token, or 0 */
    int64_t token_structure_id;
    unsigned token_scopes;    /* ACCESS_TOKEN_READ | ACCESS_TOKEN_WRITE */
};

/* The http guard hook (see http_hooks.guard). */
int auth_guard(struct http_request *req, struct http_response *resp, void *app);

/* req->auth, or a static anonymous auth when the guard did not run (static files, errors). */
const struct auth *auth_of(const struct http_request *req);
bool auth_signed_in(const struct auth *a);
bool auth_has(const struct auth *a, unsigned roles);
bool auth_in_departement(const struct auth *a, const char *departement);
/* A mediateur or admin_structure of the structure (coordinateurs are not members). */
bool auth_is_member(const struct auth *a, int64_t structure_id);
/* Admin, coordinateur of the structure's département, or admin_structure of the structure. */
bool auth_can_manage_structure(const struct auth *a, int64_t structure_id,
                               const char *departement);
/* The above, or a member of the structure. */
bool auth_can_see_structure(const struct auth *a, int64_t structure_id, const char *departement);

/* A short French description of the roles, e.g. "Coordinateur (53, 72)" (arena). */
const char *auth_role_label(const struct auth *a, struct arena *arena);
/* The French name of a role value ("mediateur" → "Médiateur"), and the value of a role bit. */
const char *role_label(enum role r);
const char *role_value(enum role r);
/* Parses "mediateur" | "admin_structure" | "coordinateur" | "admin"; 0 when unknown. */
enum role role_parse(const char *s);

/* Access of a route, as text for `relais routes` ("public", "auth", "coordinateur,admin", ...). */
const char *access_describe(unsigned access, struct arena *arena);

#endif
