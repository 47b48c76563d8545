/* Access rules for bases and resources (see access.h). */
#include "ressources/access.h"
#include "comptes/auth.h"
#include "core/err.h"
#include "core/log.h"
#include "db/db.h"

/* One row per resource with what the rules need: its state, its visibility, its base's visibility
 * and whether the asking user ($2, 0 when anonymous) created it, contributes or is a member of its
 * base. */
static const char SQL_RESSOURCE_ACCESS[] =
    "SELECT r.etat, r.visibilite, COALESCE(b.visibilite, 'public'), "
    "CASE WHEN r.created_by = $2 THEN 1 ELSE 0 END, "
    "(SELECT COUNT(*) FROM ressource_contributors c WHERE c.ressource_id = r.id "
    " AND c.user_id = $2), "
    "(SELECT COUNT(*) FROM base_members m WHERE m.base_id = r.base_id AND m.user_id = $2) "
    "FROM ressources r LEFT JOIN bases b ON b.id = r.base_id WHERE r.id = $1";

static const char SQL_BASE_ACCESS[] =
    "SELECT b.visibilite, (SELECT m.role FROM base_members m WHERE m.base_id = b.id "
    "AND m.user_id = $2) FROM bases b WHERE b.id = $1";

struct ressource_access {
    bool found, published, public_, base_public, author;
};

static bool is_admin(const struct auth *a) { return a && (a->roles & ROLE_ADMIN); }

static struct ressource_access ressource_access(struct db *db, const struct auth *a, int64_t id)
{
    struct ressource_access ra = {0};
    struct db_stmt *st;
    if (db_prepare(db, SQL_RESSOURCE_ACCESS, &st) != 0)
        return ra;
    db_bind_int64(st, 1, id);
    db_bind_int64(st, 2, a ? a->user_id : 0);
    int rc = db_step_one(st);
    if (rc == 0) {
        ra.found = true;
        ra.published = db_col_text(st, 0)[0] == 'p';
        ra.public_ = db_col_text(st, 1)[1] == 'u';
        ra.base_public = db_col_text(st, 2)[1] == 'u';
        /* user_id 0 is nobody: anonymous requests never count as author or member. */
        ra.author = a && a->user_id > 0 &&
                    (db_col_int64(st, 3) || db_col_int64(st, 4) > 0 || db_col_int64(st, 5) > 0);
    } else if (rc != ERR_NOT_FOUND) {
        log_error("ressources: access of %lld: %s", (long long)id, db_errmsg(db));
    }
    db_reset(st);
    return ra;
}

bool ressources_can_see(struct db *db, const struct auth *a, int64_t ressource_id)
{
    struct ressource_access ra = ressource_access(db, a, ressource_id);
    if (!ra.found)
        return false;
    if (ra.published && ra.public_ && ra.base_public)
        return true;
    return ra.author || is_admin(a);
}

bool ressources_can_edit(struct db *db, const struct auth *a, int64_t ressource_id)
{
    struct ressource_access ra = ressource_access(db, a, ressource_id);
    return ra.found && (ra.author || is_admin(a));
}

/* 0: not found; otherwise 1 plus *public_ and *role ('a' admin, 'm' member, 0 none). */
static bool base_access(struct db *db, const struct auth *a, int64_t base_id, bool *public_,
                        char *role)
{
    struct db_stmt *st;
    *public_ = false;
    *role = 0;
    if (db_prepare(db, SQL_BASE_ACCESS, &st) != 0)
        return false;
    db_bind_int64(st, 1, base_id);
    db_bind_int64(st, 2, a ? a->user_id : 0);
    int rc = db_step_one(st);
    bool found = rc == 0;
    if (found) {
        *public_ = db_col_text(st, 0)[1] == 'u';
        if (a && a->user_id > 0 && !db_col_is_null(st, 1))
            *role = db_col_text(st, 1)[0];
    } else if (rc != ERR_NOT_FOUND) {
        log_error("ressources: access of base %lld: %s", (long long)base_id, db_errmsg(db));
    }
    db_reset(st);
    return found;
}

bool bases_can_see(struct db *db, const struct auth *a, int64_t base_id)
{
    bool pub;
    char role;
    if (!base_access(db, a, base_id, &pub, &role))
        return false;
    return pub || role || is_admin(a);
}

bool bases_is_member(struct db *db, const struct auth *a, int64_t base_id)
{
    bool pub;
    char role;
    if (!base_access(db, a, base_id, &pub, &role))
        return false;
    return role || is_admin(a);
}

bool bases_is_admin(struct db *db, const struct auth *a, int64_t base_id)
{
    bool pub;
    char role;
    if (!base_access(db, a, base_id, &pub, &role))
        return false;
    return role == 'a' || is_admin(a);
}
