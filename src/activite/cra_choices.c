/* The lists of the CRA form: lieux, named beneficiaries and tags a médiateur may choose (cra.h). */
#include "activite/cra.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "db/db.h"

#include <string.h>

static const char SQL_LIEUX_STRUCTURE[] =
    "SELECT id, nom, commune FROM lieux WHERE structure_id = $1 ORDER BY nom, id LIMIT 300";
static const char SQL_LIEUX_DEPARTEMENT[] =
    "SELECT id, nom, commune FROM lieux WHERE departement = $1 AND published = 1 "
    "ORDER BY nom, id LIMIT 300";
static const char SQL_BENEFICIAIRES[] =
    "SELECT id, nom, prenom, annee_naissance FROM beneficiaires WHERE mediateur_id = $1 "
    "AND anonyme = 0 AND fusion_vers_id IS NULL AND anonymised_at IS NULL "
    "ORDER BY nom, prenom, id LIMIT 1000";
static const char SQL_TAGS[] =
    "SELECT id, nom, scope FROM tags WHERE (scope = 'personnel' AND owner_user_id = $1) "
    "OR (scope = 'structure' AND structure_id = $2) "
    "OR (scope = 'departement' AND departement = $3) ORDER BY nom, id LIMIT 500";
static const char SQL_TAG_FIND[] =
    "SELECT id FROM tags WHERE scope = 'personnel' AND owner_user_id = $1 AND nom = $2";
static const char SQL_TAG_INSERT[] =
    "INSERT INTO tags (scope, owner_user_id, departement, nom, created_at) "
    "VALUES ('personnel', $1, $2, $3, $4) RETURNING id";

static const char SQL_MEDIATEUR_OF[] =
    "SELECT u.id, s.departement FROM users u JOIN memberships m ON m.user_id = u.id "
    "JOIN structures s ON s.id = m.structure_id WHERE u.email = $1 AND m.structure_id = $2 "
    "AND m.role = 'mediateur' AND u.disabled = 0";

static int collect(struct db_stmt *st, struct arena *a, int kind, struct cra_choice **out,
                   size_t *n)
{
    size_t cap = 0;
    int rc;
    while ((rc = db_step(st)) == 1) {
        struct cra_choice c = {.id = db_col_int64(st, 0)};
        const char *one = db_col_text(st, 1), *two = db_col_text(st, 2);
        if (kind == 0)
            c.label = *two ? arena_printf(a, "%s (%s)", one, two) : arena_strdup(a, one);
        else if (kind == 1)
            c.label = db_col_is_null(st, 3) ? arena_printf(a, "%s %s", one, two)
                                            : arena_printf(a, "%s %s (%lld)", one, two,
                                                           (long long)db_col_int64(st, 3));
        else
            c.label = arena_printf(a, "%s (%s)", one,
                                   strcmp(two, "personnel") == 0   ? "personnel"
                                   : strcmp(two, "structure") == 0 ? "structure"
                                                                   : "département");
        *out = arena_push(a, *out, *n, &cap, sizeof(c));
        (*out)[(*n)++] = c;
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int cra_lieux_choices(struct db *db, struct arena *a, int64_t structure_id, const char *departement,
                      struct cra_choice **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_LIEUX_STRUCTURE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, structure_id);
    if ((rc = collect(st, a, 0, out, n)) || *n || !departement)
        return rc;
    if ((rc = db_prepare(db, SQL_LIEUX_DEPARTEMENT, &st)))
        return rc;
    db_bind_text(st, 1, departement);
    return collect(st, a, 0, out, n);
}

int cra_beneficiaires_choices(struct db *db, struct arena *a, int64_t mediateur_id,
                              struct cra_choice **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_BENEFICIAIRES, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, mediateur_id);
    return collect(st, a, 1, out, n);
}

int cra_tags_choices(struct db *db, struct arena *a, int64_t mediateur_id, int64_t structure_id,
                     const char *departement, struct cra_choice **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_TAGS, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, mediateur_id);
    db_bind_int64(st, 2, structure_id);
    db_bind_text(st, 3, departement ? departement : "");
    return collect(st, a, 2, out, n);
}

int cra_tag_personnel(struct db *db, int64_t mediateur_id, const char *departement, const char *nom,
                      int64_t now, int64_t *id)
{
    struct str t = str_trim(str_from(nom));
    if (t.len == 0 || t.len > 80)
        return ERR_INVALID;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_TAG_FIND, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, mediateur_id);
    db_bind_textn(st, 2, t.p, t.len);
    rc = db_step_one(st);
    if (rc == 0)
        *id = db_col_int64(st, 0);
    db_reset(st);
    if (rc != ERR_NOT_FOUND)
        return rc;
    if ((rc = db_prepare(db, SQL_TAG_INSERT, &st)))
        return rc;
    db_bind_int64(st, 1, mediateur_id);
    db_bind_text(st, 2, departement);
    db_bind_textn(st, 3, t.p, t.len);
    db_bind_int64(st, 4, now);
    if ((rc = db_step_one(st)))
        return rc;
    *id = db_col_int64(st, 0);
    db_reset(st);
    return 0;
}

int cra_mediateur_of_structure(struct db *db, struct arena *a, const char *email,
                               int64_t structure_id, int64_t *user_id, const char **departement)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_MEDIATEUR_OF, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, email);
    db_bind_int64(st, 2, structure_id);
    if ((rc = db_step_one(st)))
        return rc;
    *user_id = db_col_int64(st, 0);
    *departement = db_col_dup(st, 1, a);
    db_reset(st);
    return 0;
}
