/*
 * ressources/access: who may see or change a base and a resource. Every handler of the ressources
 * module (and of collections, reviews and reports) asks here, after the route's own access bits.
 *
 * Rules. A platform admin may do everything. A base is seen by everyone when public, otherwise by
 * its members; its administrators (base_members.role = 'admin') manage it. A resource is seen by
 * everyone when it is published, public, and not in a private base; otherwise by its creator, its
 * contributors and the members of its base. Those same people may change it.
 *
 * The functions read the database with db (the caller's connection) and return false when the
 * object does not exist or the database fails (logged): callers answer 404 to "cannot see", so a
 * private object's existence is not revealed.
 */
#ifndef RELAIS_RESSOURCES_ACCESS_H
#define RELAIS_RESSOURCES_ACCESS_H

#include <stdbool.h>
#include <stdint.h>

struct auth;
struct db;

bool ressources_can_see(struct db *db, const struct auth *a, int64_t ressource_id);
bool ressources_can_edit(struct db *db, const struct auth *a, int64_t ressource_id);

bool bases_can_see(struct db *db, const struct auth *a, int64_t base_id);
/* A member of any role (administrators included), or a platform admin. */
bool bases_is_member(struct db *db, const struct auth *a, int64_t base_id);
/* An administrator of the base, or a platform admin. */
bool bases_is_admin(struct db *db, const struct auth *a, int64_t base_id);

#endif
