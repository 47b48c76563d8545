/* Collections of resources in the database (see collections.h). */
#include "ressources/collections.h"
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "db/db.h"
#include "html/ui.h"
#include "ressources/quality.h"
#include "ressources/access.h"

#include <string.h>
#include <time.h>

static const char SQL_INSERT[] =
    "INSERT INTO collections (owner_id, base_id, created_by, titre, description, visibilite, "
    "favoris, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id";
static const char SQL_UPDATE[] = "UPDATE collections SET titre = $2, description = $3, "
                                 "visibilite = $4, updated_at = $5 WHERE id = $1";
static const char SQL_DELETE[] = "DELETE FROM collections WHERE id = $1 AND favoris = 0";
#define COLLECTION_SELECT                                                                          \
    "c.id, c.owner_id, c.base_id, c.created_by, c.titre, c.description, c.visibilite, "            \
    "c.favoris, c.share_token, COALESCE(u.name, b.nom), "                                          \
    "(SELECT count(*) FROM collection_items i WHERE i.collection_id = c.id), c.created_at, "       \
    "c.updated_at "
#define COLLECTION_FROM                                                                            \
    "FROM collections c LEFT JOIN users u ON u.id = c.owner_id "                                   \
    "LEFT JOIN bases b ON b.id = c.base_id "
#define COLLECTION_COLUMNS COLLECTION_SELECT COLLECTION_FROM
static const char SQL_GET[] = "SELECT " COLLECTION_COLUMNS "WHERE c.id = $1";
static const char SQL_GET_TOKEN[] = "SELECT " COLLECTION_COLUMNS "WHERE c.share_token = $1";
static const char SQL_FAVORIS[] = "SELECT id FROM collections WHERE owner_id = $1 AND favoris = 1";
static const char SQL_OF_USER_COUNT[] =
    "SELECT count(*) FROM collections c WHERE c.owner_id = $1 OR c.base_id IN "
    "(SELECT m.base_id FROM base_members m WHERE m.user_id = $1)";
static const char SQL_OF_USER[] =
    "SELECT " COLLECTION_SELECT ", (SELECT count(*) FROM collection_items i "
    "WHERE i.collection_id = c.id AND i.ressource_id = $2) " COLLECTION_FROM
    "WHERE c.owner_id = $1 OR c.base_id IN (SELECT m.base_id FROM base_members m "
    "WHERE m.user_id = $1) ORDER BY c.favoris DESC, c.updated_at DESC, c.id DESC "
    "LIMIT $3 OFFSET $4";
static const char SQL_OF_BASE[] =
    "SELECT " COLLECTION_COLUMNS "WHERE c.base_id = $1 AND ($2 = 1 OR c.visibilite = 'public') "
    "ORDER BY c.updated_at DESC, c.id DESC LIMIT 200";
static const char SQL_ITEM_COUNT[] =
    "SELECT count(*), COALESCE(max(position), 0) FROM collection_items WHERE collection_id = $1";
static const char SQL_ITEM_INSERT[] =
    "INSERT INTO collection_items (collection_id, ressource_id, position, added_by, added_at) "
    "VALUES ($1, $2, $3, $4, $5)";
static const char SQL_ITEM_DELETE[] =
    "DELETE FROM collection_items WHERE collection_id = $1 AND ressource_id = $2";
static const char SQL_TOUCH[] = "UPDATE collections SET updated_at = $2 WHERE id = $1";
static const char SQL_ITEM_POSITION[] =
    "SELECT position FROM collection_items WHERE collection_id = $1 AND ressource_id = $2";
static const char SQL_NEIGHBOUR_UP[] =
    "SELECT ressource_id, position FROM collection_items WHERE collection_id = $1 "
    "AND position < $2 ORDER BY position DESC LIMIT 1";
static const char SQL_NEIGHBOUR_DOWN[] =
    "SELECT ressource_id, position FROM collection_items WHERE collection_id = $1 "
    "AND position > $2 ORDER BY position LIMIT 1";
static const char SQL_SET_POSITION[] =
    "UPDATE collection_items SET position = $3 WHERE collection_id = $1 AND ressource_id = $2";
static const char SQL_ITEMS[] =
    "SELECT i.ressource_id, r.titre, r.slug, r.description, i.position FROM collection_items i "
    "JOIN ressources r ON r.id = i.ressource_id WHERE i.collection_id = $1 "
    "ORDER BY i.position, i.ressource_id";
static const char SQL_SAVE_COUNT[] =
    "SELECT count(*) FROM collection_items WHERE ressource_id = $1";
static const char SQL_SHARE[] =
    "UPDATE collections SET share_token = $2, share_created_at = $3 WHERE id = $1";

static const char *trimmed(struct arena *a, const char *s)
{
    struct str t = str_trim(str_from(s));
    return str_dup(t, a);
}

int collections_validate(struct arena *a, struct collection *c, struct ui_errors *errs)
{
    c->titre = trimmed(a, c->titre);
    c->description = trimmed(a, c->description);
    size_t n = quality_chars(c->titre);
    if (n == 0)
        ui_errors_add(errs, "titre", "Titre : donnez un titre à la collection.");
    else if (n > LIMIT_COLLECTION_TITLE_CHARS)
        ui_errors_add(
            errs, "titre",
            arena_printf(a, "Titre : %d caractères au plus.", LIMIT_COLLECTION_TITLE_CHARS));
    if (quality_chars(c->description) > LIMIT_COLLECTION_DESCRIPTION_CHARS)
        ui_errors_add(errs, "description",
                      arena_printf(a, "Description : %d caractères au plus.",
                                   LIMIT_COLLECTION_DESCRIPTION_CHARS));
    return errs->n ? ERR_INVALID : 0;
}

static void bind_id_or_null(struct db_stmt *st, int idx, int64_t id)
{
    if (id > 0)
        db_bind_int64(st, idx, id);
    else
        db_bind_null(st, idx);
}

static int insert(struct db *db, struct collection *c)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_INSERT, &st);
    if (rc)
        return rc;
    int64_t now = (int64_t)time(NULL);
    bind_id_or_null(st, 1, c->owner_id);
    bind_id_or_null(st, 2, c->base_id);
    bind_id_or_null(st, 3, c->created_by);
    db_bind_text(st, 4, c->titre);
    db_bind_text(st, 5, c->description ? c->description : "");
    db_bind_text(st, 6, c->public_ ? "public" : "prive");
    db_bind_int64(st, 7, c->favoris);
    db_bind_int64(st, 8, now);
    if ((rc = db_step_one(st)) == 0)
        c->id = db_col_int64(st, 0);
    db_reset(st);
    return rc;
}

int collections_create(struct db *db, struct arena *a, struct collection *c, struct ui_errors *errs)
{
    int rc = collections_validate(a, c, errs);
    if (rc)
        return rc;
    c->favoris = false;
    return insert(db, c);
}

int collections_update(struct db *db, struct arena *a, struct collection *c, struct ui_errors *errs)
{
    int rc = collections_validate(a, c, errs);
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, SQL_UPDATE, &st)))
        return rc;
    db_bind_int64(st, 1, c->id);
    db_bind_text(st, 2, c->titre);
    db_bind_text(st, 3, c->description);
    db_bind_text(st, 4, c->public_ ? "public" : "prive");
    db_bind_int64(st, 5, (int64_t)time(NULL));
    if ((rc = db_exec_stmt(st)))
        return rc;
    return db_changes(st) ? 0 : ERR_NOT_FOUND;
}

int collections_delete(struct db *db, int64_t id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_DELETE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    if ((rc = db_exec_stmt(st)))
        return rc;
    return db_changes(st) ? 0 : ERR_FORBIDDEN;
}

static void read_collection(struct db_stmt *st, struct arena *a, struct collection *c)
{
    c->id = db_col_int64(st, 0);
    c->owner_id = db_col_int64(st, 1);
    c->base_id = db_col_int64(st, 2);
    c->created_by = db_col_int64(st, 3);
    c->titre = db_col_dup(st, 4, a);
    c->description = db_col_dup(st, 5, a);
    c->public_ = strcmp(db_col_text(st, 6), "public") == 0;
    c->favoris = db_col_int64(st, 7) != 0;
    c->share_token = db_col_dup(st, 8, a);
    c->owner_name = db_col_dup(st, 9, a);
    c->n_items = db_col_int64(st, 10);
    c->created_at = db_col_int64(st, 11);
    c->updated_at = db_col_int64(st, 12);
}

static int get_with(struct db *db, struct arena *a, const char *sql, int64_t id, const char *token,
                    struct collection *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    if (token)
        db_bind_text(st, 1, token);
    else
        db_bind_int64(st, 1, id);
    if ((rc = db_step_one(st)) == 0)
        read_collection(st, a, out);
    db_reset(st);
    return rc;
}

int collections_get(struct db *db, struct arena *a, int64_t id, struct collection *out)
{
    return get_with(db, a, SQL_GET, id, NULL, out);
}

int collections_get_by_token(struct db *db, struct arena *a, const char *token,
                             struct collection *out)
{
    if (!token || !*token)
        return ERR_NOT_FOUND;
    return get_with(db, a, SQL_GET_TOKEN, 0, token, out);
}

int collections_favoris(struct db *db, int64_t user_id, int64_t *id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_FAVORIS, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, user_id);
    if ((rc = db_step_one(st)) == 0)
        *id = db_col_int64(st, 0);
    db_reset(st);
    if (rc != ERR_NOT_FOUND)
        return rc;
    struct collection c = {.owner_id = user_id,
                           .created_by = user_id,
                           .titre = "Favoris",
                           .description = "",
                           .favoris = true};
    rc = insert(db, &c);
    /* Two requests may create it at once: the unique index keeps one, which is then read. */
    if (rc == ERR_CONFLICT)
        return collections_favoris(db, user_id, id);
    *id = c.id;
    return rc;
}

bool collections_can_edit(struct db *db, const struct auth *a, const struct collection *c)
{
    if (!auth_signed_in(a))
        return false;
    if (c->owner_id)
        return c->owner_id == a->user_id;
    return bases_is_member(db, a, c->base_id);
}

bool collections_can_see(struct db *db, const struct auth *a, const struct collection *c)
{
    return c->public_ || auth_has(a, ROLE_ADMIN) || collections_can_edit(db, a, c);
}

int collections_of_user(struct db *db, struct arena *a, int64_t user_id, int64_t with_ressource,
                        int64_t offset, int64_t limit, struct collection **out, bool **contains,
                        size_t *n, int64_t *total)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_OF_USER_COUNT, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, user_id);
    if ((rc = db_step_one(st)) == 0)
        *total = db_col_int64(st, 0);
    db_reset(st);
    if (rc)
        return rc;
    if ((rc = db_prepare(db, SQL_OF_USER, &st)))
        return rc;
    db_bind_int64(st, 1, user_id);
    db_bind_int64(st, 2, with_ressource);
    db_bind_int64(st, 3, limit);
    db_bind_int64(st, 4, offset);
    size_t cap = 0, cap2 = 0;
    *out = NULL;
    *n = 0;
    bool *has = NULL;
    while ((rc = db_step(st)) == 1) {
        *out = arena_push(a, *out, *n, &cap, sizeof(**out));
        has = arena_push(a, has, *n, &cap2, sizeof(*has));
        read_collection(st, a, &(*out)[*n]);
        has[*n] = db_col_int64(st, 13) > 0;
        (*n)++;
    }
    db_reset(st);
    if (contains)
        *contains = has;
    return rc < 0 ? rc : 0;
}

int collections_of_base(struct db *db, struct arena *a, int64_t base_id, bool all,
                        struct collection **out, size_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_OF_BASE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, base_id);
    db_bind_int64(st, 2, all);
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    while ((rc = db_step(st)) == 1) {
        *out = arena_push(a, *out, *n, &cap, sizeof(**out));
        read_collection(st, a, &(*out)[(*n)++]);
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

static int touch(struct db *db, int64_t collection_id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_TOUCH, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, collection_id);
    db_bind_int64(st, 2, (int64_t)time(NULL));
    return db_exec_stmt(st);
}

int collections_add(struct db *db, int64_t collection_id, int64_t ressource_id, int64_t by)
{
    int rc = db_begin(db);
    if (rc)
        return rc;
    struct db_stmt *st;
    int64_t count = 0, last = 0;
    if ((rc = db_prepare(db, SQL_ITEM_COUNT, &st)) == 0) {
        db_bind_int64(st, 1, collection_id);
        if ((rc = db_step_one(st)) == 0) {
            count = db_col_int64(st, 0);
            last = db_col_int64(st, 1);
        }
        db_reset(st);
    }
    if (rc == 0 && count >= LIMIT_COLLECTION_ITEMS)
        rc = ERR_TOO_BIG;
    if (rc == 0 && (rc = db_prepare(db, SQL_ITEM_INSERT, &st)) == 0) {
        db_bind_int64(st, 1, collection_id);
        db_bind_int64(st, 2, ressource_id);
        db_bind_int64(st, 3, last + 1);
        bind_id_or_null(st, 4, by);
        db_bind_int64(st, 5, (int64_t)time(NULL));
        rc = db_exec_stmt(st);
    }
    if (rc == 0)
        rc = touch(db, collection_id);
    if (rc == 0)
        return db_commit(db);
    db_rollback(db);
    return rc;
}

int collections_remove(struct db *db, int64_t collection_id, int64_t ressource_id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_ITEM_DELETE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, collection_id);
    db_bind_int64(st, 2, ressource_id);
    if ((rc = db_exec_stmt(st)))
        return rc;
    if (!db_changes(st))
        return ERR_NOT_FOUND;
    return touch(db, collection_id);
}

static int set_position(struct db *db, int64_t collection_id, int64_t ressource_id, int64_t pos)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_SET_POSITION, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, collection_id);
    db_bind_int64(st, 2, ressource_id);
    db_bind_int64(st, 3, pos);
    return db_exec_stmt(st);
}

int collections_move(struct db *db, int64_t collection_id, int64_t ressource_id, bool up)
{
    int rc = db_begin(db);
    if (rc)
        return rc;
    struct db_stmt *st;
    int64_t pos = 0, other = 0, other_pos = 0;
    if ((rc = db_prepare(db, SQL_ITEM_POSITION, &st)) == 0) {
        db_bind_int64(st, 1, collection_id);
        db_bind_int64(st, 2, ressource_id);
        if ((rc = db_step_one(st)) == 0)
            pos = db_col_int64(st, 0);
        db_reset(st);
    }
    if (rc == 0 && (rc = db_prepare(db, up ? SQL_NEIGHBOUR_UP : SQL_NEIGHBOUR_DOWN, &st)) == 0) {
        db_bind_int64(st, 1, collection_id);
        db_bind_int64(st, 2, pos);
        rc = db_step_one(st);
        if (rc == 0) {
            other = db_col_int64(st, 0);
            other_pos = db_col_int64(st, 1);
        }
        db_reset(st);
        if (rc == ERR_NOT_FOUND) {
            /* Already first (or last): nothing to move. */
            db_rollback(db);
            return 0;
        }
    }
    if (rc == 0)
        rc = set_position(db, collection_id, ressource_id, other_pos);
    if (rc == 0)
        rc = set_position(db, collection_id, other, pos);
    if (rc == 0)
        rc = touch(db, collection_id);
    if (rc == 0)
        return db_commit(db);
    db_rollback(db);
    return rc;
}

int collections_items(struct db *db, struct arena *a, const struct auth *viewer,
                      int64_t collection_id, int64_t offset, int64_t limit,
                      struct collection_item **out, size_t *n, int64_t *total, int64_t *hidden)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_ITEMS, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, collection_id);
    struct collection_item *all = NULL;
    size_t n_all = 0, cap = 0;
    while ((rc = db_step(st)) == 1) {
        all = arena_push(a, all, n_all, &cap, sizeof(*all));
        all[n_all++] = (struct collection_item){
            .ressource_id = db_col_int64(st, 0),
            .titre = db_col_dup(st, 1, a),
            .slug = db_col_dup(st, 2, a),
            .description = db_col_dup(st, 3, a),
            .position = (int)db_col_int64(st, 4),
        };
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    /* A collection is at most LIMIT_COLLECTION_ITEMS long: each item is checked by the one rule
     * of access.h rather than by a copy of it in SQL. */
    *out = arena_calloc(a, limit > 0 ? (size_t)limit : 1, sizeof(**out));
    *n = 0;
    *total = 0;
    *hidden = 0;
    for (size_t i = 0; i < n_all; i++) {
        if (!ressources_can_see(db, viewer, all[i].ressource_id)) {
            (*hidden)++;
            continue;
        }
        if (*total >= offset && (int64_t)*n < limit)
            (*out)[(*n)++] = all[i];
        (*total)++;
    }
    return 0;
}

int collections_save_count(struct db *db, int64_t ressource_id, int64_t *n)
{
    return db_int64_by_id(db, SQL_SAVE_COUNT, ressource_id, n);
}

int collections_share(struct db *db, struct arena *a, int64_t collection_id, const char **token)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_SHARE, &st);
    if (rc)
        return rc;
    *token = crypto_random_token(a);
    db_bind_int64(st, 1, collection_id);
    db_bind_text(st, 2, *token);
    db_bind_int64(st, 3, (int64_t)time(NULL));
    if ((rc = db_exec_stmt(st)))
        return rc;
    return db_changes(st) ? 0 : ERR_NOT_FOUND;
}

int collections_unshare(struct db *db, int64_t collection_id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_SHARE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, collection_id);
    db_bind_null(st, 2);
    db_bind_null(st, 3);
    if ((rc = db_exec_stmt(st)))
        return rc;
    return db_changes(st) ? 0 : ERR_NOT_FOUND;
}
