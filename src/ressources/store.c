/* Bases and resources in the database (see store.h). */
#include "ressources/store.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "comptes/comptes.h"
#include "db/db.h"
#include "html/ui.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const block_kind_values[BLOCK_N] = {"titre", "texte", "lien", "fichier", "image"};
const char *const block_kind_labels[BLOCK_N] = {"Titre de section", "Texte", "Lien", "Fichier",
                                                "Image"};

int block_kind_parse(const char *s)
{
    for (int i = 0; s && i < BLOCK_N; i++)
        if (strcmp(s, block_kind_values[i]) == 0)
            return i;
    return -1;
}

static int64_t now(void) { return (int64_t)time(NULL); }

/* ---------- statements ---------- */

static const char SQL_BASE_INSERT[] =
    "INSERT INTO bases (nom, slug, description, visibilite, structure_id, created_by, "
    "departement, demo, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) "
    "RETURNING id";
static const char SQL_BASE_UPDATE[] =
    "UPDATE bases SET nom = $2, description = $3, visibilite = $4, updated_at = $5, "
    "structure_id = $6, departement = $7 WHERE id = $1";
#define BASE_COLS                                                                                  \
    "b.id, b.nom, b.slug, b.description, b.visibilite, COALESCE(b.structure_id, 0), "              \
    "COALESCE(b.created_by, 0), b.departement, b.demo, b.created_at, b.updated_at, "               \
    "(SELECT COUNT(*) FROM base_members m WHERE m.base_id = b.id), "                               \
    "(SELECT COUNT(*) FROM ressources r WHERE r.base_id = b.id), "                                 \
    "(SELECT s.nom FROM structures s WHERE s.id = b.structure_id) "
static const char SQL_BASE_GET[] = "SELECT " BASE_COLS "FROM bases b WHERE b.id = $1";
static const char SQL_BASE_LIST[] =
    "SELECT " BASE_COLS "FROM bases b WHERE (($2 = 0 AND b.visibilite = 'public') OR EXISTS "
    "(SELECT 1 FROM base_members m WHERE m.base_id = b.id AND m.user_id = $1)) "
    "ORDER BY b.nom, b.id LIMIT $3 OFFSET $4";
static const char SQL_BASE_COUNT[] =
    "SELECT COUNT(*) FROM bases b WHERE (($2 = 0 AND b.visibilite = 'public') OR EXISTS "
    "(SELECT 1 FROM base_members m WHERE m.base_id = b.id AND m.user_id = $1))";
static const char SQL_MEMBER_UPSERT[] =
    "INSERT INTO base_members (base_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (base_id, user_id) DO UPDATE SET role = excluded.role";
static const char SQL_MEMBER_DELETE[] =
    "DELETE FROM base_members WHERE base_id = $1 AND user_id = $2";
static const char SQL_ADMIN_COUNT[] =
    "SELECT COUNT(*) FROM base_members WHERE base_id = $1 AND role = 'admin'";
static const char SQL_MEMBER_ROLE[] =
    "SELECT role FROM base_members WHERE base_id = $1 AND user_id = $2";
static const char SQL_MEMBERS[] =
    "SELECT m.user_id, u.name, u.email, m.role FROM base_members m JOIN users u ON u.id = "
    "m.user_id WHERE m.base_id = $1 ORDER BY m.role, u.name LIMIT 1000";
static const char SQL_INVITE_INSERT[] =
    "INSERT INTO base_invitations (base_id, user_id, invited_by, role, statut, created_at) "
    "VALUES ($1, $2, $3, $4, 'en_attente', $5) ON CONFLICT (base_id, user_id) DO UPDATE SET "
    "statut = 'en_attente', role = excluded.role, invited_by = excluded.invited_by, "
    "created_at = excluded.created_at, decided_at = NULL WHERE base_invitations.statut <> "
    "'en_attente'";
static const char SQL_INVITATIONS[] =
    "SELECT i.id, i.base_id, i.user_id, b.nom, u.name, u.email, i.role, i.created_at FROM "
    "base_invitations i JOIN bases b ON b.id = i.base_id JOIN users u ON u.id = i.user_id "
    "WHERE i.statut = 'en_attente' AND (i.user_id = $1 OR i.base_id = $2) "
    "ORDER BY i.created_at DESC, i.id DESC LIMIT 200";
static const char SQL_INVITATION_TAKE[] =
    "UPDATE base_invitations SET statut = $3, decided_at = $4 WHERE id = $1 AND user_id = $2 "
    "AND statut = 'en_attente' RETURNING base_id, role";
static const char SQL_JOIN_INSERT[] =
    "INSERT INTO base_join_requests (base_id, user_id, message, statut, created_at) "
    "VALUES ($1, $2, $3, 'en_attente', $4) ON CONFLICT (base_id, user_id) DO UPDATE SET "
    "statut = 'en_attente', message = excluded.message, created_at = excluded.created_at, "
    "decided_at = NULL, decided_by = NULL WHERE base_join_requests.statut <> 'en_attente'";
static const char SQL_JOIN_LIST[] =
    "SELECT j.id, j.base_id, j.user_id, b.nom, u.name, u.email, j.message, j.created_at FROM "
    "base_join_requests j JOIN bases b ON b.id = j.base_id JOIN users u ON u.id = j.user_id "
    "WHERE j.base_id = $1 AND j.statut = 'en_attente' ORDER BY j.created_at, j.id LIMIT 200";
static const char SQL_JOIN_PENDING[] =
    "SELECT 1 FROM base_join_requests WHERE base_id = $1 AND user_id = $2 AND statut = "
    "'en_attente'";
static const char SQL_JOIN_TAKE[] =
    "UPDATE base_join_requests SET statut = $3, decided_by = $4, decided_at = $5 WHERE id = $1 "
    "AND base_id = $2 AND statut = 'en_attente' RETURNING user_id";

static const char SQL_R_INSERT[] =
    "INSERT INTO ressources (base_id, created_by, ext_id, titre, slug, description, etat, "
    "visibilite, licence, departement, demo, published_at, created_at, updated_at) VALUES "
    "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id";
static const char SQL_R_UPDATE[] =
    "UPDATE ressources SET base_id = $2, titre = $3, description = $4, licence = $5, "
    "updated_at = $6, visibilite = $7 WHERE id = $1";
#define R_COLS                                                                                     \
    "r.id, COALESCE(r.base_id, 0), COALESCE(r.created_by, 0), r.ext_id, r.titre, r.slug, "         \
    "r.description, r.etat, r.visibilite, r.licence, r.departement, r.demo, r.views, "             \
    "COALESCE(r.published_at, 0), COALESCE(r.republished_at, 0), "                                 \
    "COALESCE(r.last_verified_at, 0), r.created_at, r.updated_at, b.nom, "                         \
    "COALESCE(b.visibilite, 'public'), u.name "
static const char SQL_R_GET[] =
    "SELECT " R_COLS "FROM ressources r LEFT JOIN bases b ON b.id = r.base_id LEFT JOIN users u "
    "ON u.id = r.created_by WHERE r.id = $1";
static const char SQL_R_IDS[] = "SELECT id FROM ressources WHERE id > $1 ORDER BY id LIMIT 200";
static const char SQL_R_BY_EXT[] = "SELECT id FROM ressources WHERE ext_id = $1";
static const char SQL_BLOCKS[] =
    "SELECT k.kind, k.texte, k.url, COALESCE(k.file_id, 0), k.filename, k.caption, f.sha256, "
    "f.mime, f.preview_sha256, COALESCE(f.size, 0) FROM ressource_blocks k LEFT JOIN "
    "ressource_files f ON f.id = k.file_id WHERE k.ressource_id = $1 ORDER BY k.position";
static const char SQL_BLOCKS_DELETE[] = "DELETE FROM ressource_blocks WHERE ressource_id = $1";
static const char SQL_BLOCK_INSERT[] =
    "INSERT INTO ressource_blocks (ressource_id, position, kind, texte, url, file_id, filename, "
    "caption) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
static const char SQL_INDEX[] =
    "SELECT vocab, valeur FROM ressource_indexation WHERE ressource_id = $1 ORDER BY vocab, "
    "valeur";
static const char SQL_INDEX_DELETE[] = "DELETE FROM ressource_indexation WHERE ressource_id = $1";
static const char SQL_INDEX_INSERT[] =
    "INSERT INTO ressource_indexation (ressource_id, vocab, valeur) VALUES ($1, $2, $3) "
    "ON CONFLICT DO NOTHING";
static const char SQL_HISTORY_INSERT[] =
    "INSERT INTO ressource_history (ressource_id, user_id, at, action, details) VALUES "
    "($1, $2, $3, $4, $5)";
static const char SQL_HISTORY[] =
    "SELECT h.at, u.name, h.action, h.details FROM ressource_history h LEFT JOIN users u ON "
    "u.id = h.user_id WHERE h.ressource_id = $1 ORDER BY h.at DESC, h.id DESC LIMIT 500";
static const char SQL_PUBLISH[] =
    "UPDATE ressources SET etat = 'publie', visibilite = $2, updated_at = $3, "
    "published_at = COALESCE(published_at, $3), "
    "republished_at = CASE WHEN published_at IS NULL THEN NULL ELSE $3 END "
    "WHERE id = $1 RETURNING republished_at";
static const char SQL_VIEW[] = "UPDATE ressources SET views = views + 1 WHERE id = $1";
static const char SQL_CONTRIBUTORS[] =
    "SELECT c.user_id, u.name, u.email FROM ressource_contributors c JOIN users u ON u.id = "
    "c.user_id WHERE c.ressource_id = $1 ORDER BY u.name LIMIT 200";
static const char SQL_CONTRIBUTOR_INSERT[] =
    "INSERT INTO ressource_contributors (ressource_id, user_id, added_at) VALUES ($1, $2, $3)";
static const char SQL_CONTRIBUTOR_DELETE[] =
    "DELETE FROM ressource_contributors WHERE ressource_id = $1 AND user_id = $2";
#define ROW_COLS "r.id, r.titre, r.description, b.nom, r.etat, r.visibilite, r.demo, r.updated_at "
static const char SQL_OF_BASE[] =
    "SELECT " ROW_COLS "FROM ressources r LEFT JOIN bases b ON b.id = r.base_id "
    "WHERE r.base_id = $1 AND ($2 = 1 OR (r.etat = 'publie' AND r.visibilite = 'public')) "
    "ORDER BY r.updated_at DESC, r.id DESC LIMIT $3 OFFSET $4";
static const char SQL_OF_BASE_COUNT[] =
    "SELECT COUNT(*) FROM ressources r WHERE r.base_id = $1 AND ($2 = 1 OR (r.etat = 'publie' "
    "AND r.visibilite = 'public'))";
static const char SQL_OF_USER[] =
    "SELECT " ROW_COLS "FROM ressources r LEFT JOIN bases b ON b.id = r.base_id "
    "WHERE r.created_by = $1 OR EXISTS (SELECT 1 FROM ressource_contributors c WHERE "
    "c.ressource_id = r.id AND c.user_id = $1) "
    "ORDER BY r.updated_at DESC, r.id DESC LIMIT $2 OFFSET $3";
static const char SQL_OF_USER_COUNT[] =
    "SELECT COUNT(*) FROM ressources r WHERE r.created_by = $1 OR EXISTS (SELECT 1 FROM "
    "ressource_contributors c WHERE c.ressource_id = r.id AND c.user_id = $1)";

/* ---------- helpers ---------- */

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static bool blank(const char *s) { return !s || str_trim(str_from(s)).len == 0; }

char *ressources_slugify(struct arena *a, const char *text, size_t max)
{
    /* Accented Latin letters keep their base letter; everything else becomes a separator. */
    static const struct {
        const char *utf8;
        char ascii;
    } folds[] = {{"à", 'a'}, {"â", 'a'}, {"ä", 'a'}, {"á", 'a'}, {"ç", 'c'}, {"é", 'e'}, {"è", 'e'},
                 {"ê", 'e'}, {"ë", 'e'}, {"î", 'i'}, {"ï", 'i'}, {"í", 'i'}, {"ô", 'o'}, {"ö", 'o'},
                 {"ó", 'o'}, {"ù", 'u'}, {"û", 'u'}, {"ü", 'u'}, {"ú", 'u'}, {"ÿ", 'y'}, {"œ", 'o'},
                 {"æ", 'a'}, {"À", 'a'}, {"Â", 'a'}, {"Ç", 'c'}, {"É", 'e'}, {"È", 'e'}, {"Ê", 'e'},
                 {"Î", 'i'}, {"Ô", 'o'}, {"Ù", 'u'}, {"Û", 'u'}, {"Œ", 'o'}};
    struct buf b;
    buf_init(&b, a, max + 8);
    bool sep = false;
    for (const char *p = text ? text : ""; *p && b.len < max;) {
        char c = *p;
        size_t adv = 1;
        if ((unsigned char)c >= 0x80) {
            c = 0;
            for (size_t i = 0; i < sizeof(folds) / sizeof(folds[0]); i++) {
                size_t n = strlen(folds[i].utf8);
                if (strncmp(p, folds[i].utf8, n) == 0) {
                    c = folds[i].ascii;
                    adv = n;
                    break;
                }
            }
            if (!c)
                while (((unsigned char)p[adv] & 0xC0) == 0x80)
                    adv++;
        }
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            if (sep && b.len)
                buf_addch(&b, '-');
            buf_addch(&b, c);
            sep = false;
        } else {
            sep = true;
        }
        p += adv;
    }
    if (!b.len)
        buf_adds(&b, "sans-titre");
    return (char *)buf_cstr(&b);
}

/* A slug no other row holds: the title's slug and a random suffix. */
static char *unique_slug(struct arena *a, const char *text)
{
    char *hex = crypto_sha256_hex(a, crypto_random_token(a));
    return arena_printf(a, "%s-%.8s", ressources_slugify(a, text, 80), hex);
}

/* A COUNT(*) with one ($1) or two ($1, $2) parameters. */
static int count_query(struct db *db, const char *sql, int64_t p1, int64_t p2, int64_t *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, p1);
    if (strstr(sql, "$2"))
        db_bind_int64(st, 2, p2);
    rc = db_step_one(st);
    if (rc == 0)
        *out = db_col_int64(st, 0);
    db_reset(st);
    return rc;
}

/* The active account of an address (comptes' rules for addresses), or ERR_NOT_FOUND. */
static int user_by_email(struct db *db, struct arena *a, const char *email, int64_t *id)
{
    struct user u;
    int rc = user_find_by_email(db, a, email, &u);
    if (rc == 0 && u.disabled)
        rc = ERR_NOT_FOUND;
    if (rc == 0)
        *id = u.id;
    return rc;
}

/* ---------- bases ---------- */

int base_validate(const struct base *b, struct ui_errors *errs)
{
    size_t before = errs->n;
    if (blank(b->nom))
        ui_errors_add(errs, "nom", "Saisissez le nom de la base.");
    else if (utf8_chars(b->nom) > BASE_NOM_MAX)
        ui_errors_add(errs, "nom", "Le nom de la base tient en 120 caractères au plus.");
    if (b->description && utf8_chars(b->description) > BASE_DESCRIPTION_MAX)
        ui_errors_add(errs, "description",
                      "La description de la base tient en 2 000 caractères au plus.");
    return errs->n > before ? ERR_INVALID : 0;
}

int base_create_in_tx(struct db *db, struct arena *a, struct base *b, int64_t user_id, int64_t *id)
{
    int64_t t = now();
    struct db_stmt *st;
    int rc;
    if ((rc = db_prepare(db, SQL_BASE_INSERT, &st)) == 0) {
        db_bind_text(st, 1, str_dup(str_trim(str_from(b->nom)), a));
        db_bind_text(st, 2, unique_slug(a, b->nom));
        db_bind_text(st, 3, b->description ? b->description : "");
        db_bind_text(st, 4, b->public_ ? "public" : "prive");
        if (b->structure_id)
            db_bind_int64(st, 5, b->structure_id);
        else
            db_bind_null(st, 5);
        if (user_id)
            db_bind_int64(st, 6, user_id);
        else
            db_bind_null(st, 6);
        db_bind_text(st, 7, b->departement);
        db_bind_int64(st, 8, b->demo);
        db_bind_int64(st, 9, t);
        rc = db_step_one(st);
        if (rc == 0)
            *id = b->id = db_col_int64(st, 0);
        db_reset(st);
    }
    if (rc == 0 && user_id && (rc = db_prepare(db, SQL_MEMBER_UPSERT, &st)) == 0) {
        db_bind_int64(st, 1, *id);
        db_bind_int64(st, 2, user_id);
        db_bind_text(st, 3, "admin");
        db_bind_int64(st, 4, t);
        rc = db_exec_stmt(st);
    }
    return rc;
}

int base_create(struct db *db, struct arena *a, struct base *b, int64_t user_id,
                struct ui_errors *errs, int64_t *id)
{
    int rc = base_validate(b, errs);
    if (rc)
        return rc;
    if ((rc = db_begin(db)) != 0)
        return rc;
    rc = base_create_in_tx(db, a, b, user_id, id);
    if (rc == 0)
        return db_commit(db);
    db_rollback(db);
    return rc;
}

int base_update(struct db *db, struct base *b, struct ui_errors *errs)
{
    int rc = base_validate(b, errs);
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, SQL_BASE_UPDATE, &st)) != 0)
        return rc;
    db_bind_int64(st, 1, b->id);
    db_bind_text(st, 2, b->nom);
    db_bind_text(st, 3, b->description ? b->description : "");
    db_bind_text(st, 4, b->public_ ? "public" : "prive");
    db_bind_int64(st, 5, now());
    if (b->structure_id)
        db_bind_int64(st, 6, b->structure_id);
    else
        db_bind_null(st, 6);
    db_bind_text(st, 7, b->departement);
    rc = db_exec_stmt(st);
    if (rc == 0 && db_changes(st) == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

static void base_read(struct db_stmt *st, struct arena *a, struct base *b)
{
    memset(b, 0, sizeof(*b));
    b->id = db_col_int64(st, 0);
    b->nom = db_col_dup(st, 1, a);
    b->slug = db_col_dup(st, 2, a);
    b->description = db_col_dup(st, 3, a);
    b->public_ = strcmp(db_col_text(st, 4), "public") == 0;
    b->structure_id = db_col_int64(st, 5);
    b->created_by = db_col_int64(st, 6);
    b->departement = db_col_dup(st, 7, a);
    b->demo = db_col_int64(st, 8) != 0;
    b->created_at = db_col_int64(st, 9);
    b->updated_at = db_col_int64(st, 10);
    b->n_members = db_col_int64(st, 11);
    b->n_ressources = db_col_int64(st, 12);
    b->structure_nom = db_col_dup(st, 13, a);
}

int base_get(struct db *db, struct arena *a, int64_t id, struct base *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_BASE_GET, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    rc = db_step_one(st);
    if (rc == 0)
        base_read(st, a, out);
    db_reset(st);
    return rc;
}

int base_list(struct db *db, struct arena *a, int64_t user_id, bool mine, int64_t offset,
              int64_t limit, struct base **out, size_t *n, int64_t *total)
{
    *out = NULL;
    *n = 0;
    int rc = count_query(db, SQL_BASE_COUNT, user_id, mine, total);
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, SQL_BASE_LIST, &st)) != 0)
        return rc;
    db_bind_int64(st, 1, user_id);
    db_bind_int64(st, 2, mine);
    db_bind_int64(st, 3, limit);
    db_bind_int64(st, 4, offset);
    size_t cap = 0;
    while ((rc = db_step(st)) == 1) {
        struct base b;
        base_read(st, a, &b);
        *out = arena_push(a, *out, *n, &cap, sizeof(**out));
        (*out)[(*n)++] = b;
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int base_members(struct db *db, struct arena *a, int64_t base_id, struct base_member **out,
                 size_t *n)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_MEMBERS, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, base_id);
    size_t cap = 0;
    while ((rc = db_step(st)) == 1) {
        *out = arena_push(a, *out, *n, &cap, sizeof(**out));
        (*out)[(*n)++] =
            (struct base_member){db_col_int64(st, 0), db_col_dup(st, 1, a), db_col_dup(st, 2, a),
                                 strcmp(db_col_text(st, 3), "admin") == 0};
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

/* Whether user_id is an administrator of base_id, and how many administrators it has. */
static int admins_of(struct db *db, int64_t base_id, int64_t user_id, bool *is_admin,
                     int64_t *count)
{
    struct db_stmt *st;
    int rc = count_query(db, SQL_ADMIN_COUNT, base_id, 0, count);
    if (rc)
        return rc;
    if ((rc = db_prepare(db, SQL_MEMBER_ROLE, &st)) != 0)
        return rc;
    db_bind_int64(st, 1, base_id);
    db_bind_int64(st, 2, user_id);
    rc = db_step_one(st);
    *is_admin = rc == 0 && strcmp(db_col_text(st, 0), "admin") == 0;
    db_reset(st);
    return rc == ERR_NOT_FOUND ? 0 : rc;
}

static int member_put(struct db *db, int64_t base_id, int64_t user_id, bool admin)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_MEMBER_UPSERT, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, base_id);
    db_bind_int64(st, 2, user_id);
    db_bind_text(st, 3, admin ? "admin" : "membre");
    db_bind_int64(st, 4, now());
    return db_exec_stmt(st);
}

int base_member_set(struct db *db, int64_t base_id, int64_t user_id, bool admin)
{
    int rc = db_begin(db);
    if (rc)
        return rc;
    bool was_admin = false;
    int64_t admins = 0;
    rc = admins_of(db, base_id, user_id, &was_admin, &admins);
    if (rc == 0 && was_admin && !admin && admins <= 1)
        rc = ERR_CONFLICT;
    if (rc == 0)
        rc = member_put(db, base_id, user_id, admin);
    if (rc == 0)
        return db_commit(db);
    db_rollback(db);
    return rc;
}

int base_member_remove(struct db *db, int64_t base_id, int64_t user_id)
{
    int rc = db_begin(db);
    if (rc)
        return rc;
    bool was_admin = false;
    int64_t admins = 0;
    rc = admins_of(db, base_id, user_id, &was_admin, &admins);
    if (rc == 0 && was_admin && admins <= 1)
        rc = ERR_CONFLICT;
    struct db_stmt *st;
    if (rc == 0 && (rc = db_prepare(db, SQL_MEMBER_DELETE, &st)) == 0) {
        db_bind_int64(st, 1, base_id);
        db_bind_int64(st, 2, user_id);
        rc = db_exec_stmt(st);
        if (rc == 0 && db_changes(st) == 0)
            rc = ERR_NOT_FOUND;
    }
    if (rc == 0)
        return db_commit(db);
    db_rollback(db);
    return rc;
}

int base_invite(struct db *db, struct arena *a, int64_t base_id, const char *email, bool admin,
                int64_t by)
{
    int64_t user_id = 0;
    int rc = user_by_email(db, a, email, &user_id);
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, SQL_MEMBER_ROLE, &st)) != 0)
        return rc;
    db_bind_int64(st, 1, base_id);
    db_bind_int64(st, 2, user_id);
    rc = db_step_one(st);
    db_reset(st);
    if (rc == 0)
        return ERR_CONFLICT; /* already a member */
    if (rc != ERR_NOT_FOUND)
        return rc;
    if ((rc = db_prepare(db, SQL_INVITE_INSERT, &st)) != 0)
        return rc;
    db_bind_int64(st, 1, base_id);
    db_bind_int64(st, 2, user_id);
    db_bind_int64(st, 3, by);
    db_bind_text(st, 4, admin ? "admin" : "membre");
    db_bind_int64(st, 5, now());
    rc = db_exec_stmt(st);
    /* The conflict clause leaves a pending invitation untouched: nothing changed means one is
     * already waiting. */
    if (rc == 0 && db_changes(st) == 0)
        rc = ERR_CONFLICT;
    return rc;
}

int base_invitations(struct db *db, struct arena *a, int64_t user_id, int64_t base_id,
                     struct base_invitation **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_INVITATIONS, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, user_id ? user_id : -1);
    db_bind_int64(st, 2, base_id ? base_id : -1);
    size_t cap = 0;
    while ((rc = db_step(st)) == 1) {
        *out = arena_push(a, *out, *n, &cap, sizeof(**out));
        (*out)[(*n)++] = (struct base_invitation){db_col_int64(st, 0),
                                                  db_col_int64(st, 1),
                                                  db_col_int64(st, 2),
                                                  db_col_dup(st, 3, a),
                                                  db_col_dup(st, 4, a),
                                                  db_col_dup(st, 5, a),
                                                  strcmp(db_col_text(st, 6), "admin") == 0,
                                                  db_col_int64(st, 7)};
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int base_invitation_decide(struct db *db, int64_t invitation_id, int64_t user_id, bool accept,
                           int64_t *base_id)
{
    int rc = db_begin(db);
    if (rc)
        return rc;
    struct db_stmt *st;
    bool admin = false;
    if ((rc = db_prepare(db, SQL_INVITATION_TAKE, &st)) == 0) {
        db_bind_int64(st, 1, invitation_id);
        db_bind_int64(st, 2, user_id);
        db_bind_text(st, 3, accept ? "acceptee" : "refusee");
        db_bind_int64(st, 4, now());
        rc = db_step_one(st);
        if (rc == 0) {
            *base_id = db_col_int64(st, 0);
            admin = strcmp(db_col_text(st, 1), "admin") == 0;
        }
        db_reset(st);
    }
    if (rc == 0 && accept)
        rc = member_put(db, *base_id, user_id, admin);
    if (rc == 0)
        return db_commit(db);
    db_rollback(db);
    return rc;
}

int base_join_request(struct db *db, int64_t base_id, int64_t user_id, const char *message)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_MEMBER_ROLE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, base_id);
    db_bind_int64(st, 2, user_id);
    rc = db_step_one(st);
    db_reset(st);
    if (rc == 0)
        return ERR_CONFLICT;
    if (rc != ERR_NOT_FOUND)
        return rc;
    if ((rc = db_prepare(db, SQL_JOIN_INSERT, &st)) != 0)
        return rc;
    db_bind_int64(st, 1, base_id);
    db_bind_int64(st, 2, user_id);
    db_bind_text(st, 3, message ? message : "");
    db_bind_int64(st, 4, now());
    rc = db_exec_stmt(st);
    if (rc == 0 && db_changes(st) == 0)
        rc = ERR_CONFLICT;
    return rc;
}

int base_join_requests(struct db *db, struct arena *a, int64_t base_id,
                       struct base_join_request **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_JOIN_LIST, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, base_id);
    size_t cap = 0;
    while ((rc = db_step(st)) == 1) {
        *out = arena_push(a, *out, *n, &cap, sizeof(**out));
        (*out)[(*n)++] = (struct base_join_request){
            db_col_int64(st, 0),  db_col_int64(st, 1),  db_col_int64(st, 2),  db_col_dup(st, 3, a),
            db_col_dup(st, 4, a), db_col_dup(st, 5, a), db_col_dup(st, 6, a), db_col_int64(st, 7)};
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

bool base_join_pending(struct db *db, int64_t base_id, int64_t user_id)
{
    struct db_stmt *st;
    if (db_prepare(db, SQL_JOIN_PENDING, &st))
        return false;
    db_bind_int64(st, 1, base_id);
    db_bind_int64(st, 2, user_id);
    bool yes = db_step_one(st) == 0;
    db_reset(st);
    return yes;
}

int base_join_decide(struct db *db, int64_t request_id, int64_t base_id, int64_t by, bool accept)
{
    int rc = db_begin(db);
    if (rc)
        return rc;
    struct db_stmt *st;
    int64_t user_id = 0;
    if ((rc = db_prepare(db, SQL_JOIN_TAKE, &st)) == 0) {
        db_bind_int64(st, 1, request_id);
        db_bind_int64(st, 2, base_id);
        db_bind_text(st, 3, accept ? "acceptee" : "refusee");
        db_bind_int64(st, 4, by);
        db_bind_int64(st, 5, now());
        rc = db_step_one(st);
        if (rc == 0)
            user_id = db_col_int64(st, 0);
        db_reset(st);
    }
    if (rc == 0 && accept)
        rc = member_put(db, base_id, user_id, false);
    if (rc == 0)
        return db_commit(db);
    db_rollback(db);
    return rc;
}

/* ---------- resources ---------- */

static bool url_http(const char *u)
{
    return u && (strncmp(u, "https://", 8) == 0 || strncmp(u, "http://", 7) == 0) &&
           !strpbrk(u, " \t\r\n<>\"") && strlen(u) < 2048;
}

int ressource_validate(struct arena *a, const struct ressource *r, struct ui_errors *errs)
{
    size_t before = errs->n;
    if (blank(r->titre))
        ui_errors_add(errs, "titre", "Saisissez le titre de la ressource.");
    else if (utf8_chars(r->titre) > RESSOURCE_TITRE_MAX)
        ui_errors_add(errs, "titre", "Le titre tient en 200 caractères au plus.");
    if (r->description && utf8_chars(r->description) > RESSOURCE_DESCRIPTION_MAX)
        ui_errors_add(errs, "description",
                      "La description courte tient en 2 000 caractères au plus.");
    if (r->licence && !ressources_vocab_licence(r->licence))
        ui_errors_add(errs, "licence",
                      "Licence : choisissez Etalab 2.0, CC BY-SA 4.0, CC BY-NC-SA 4.0 ou aucune.");
    for (int k = 0; k < VOCAB_N; k++)
        for (size_t i = 0; i < r->n_index[k]; i++)
            if (!ressources_vocab_find((enum vocab_kind)k, r->index[k][i])) {
                const struct vocab *v = ressources_vocab_get((enum vocab_kind)k);
                ui_errors_add(errs, v->column,
                              arena_printf(a,
                                           "%s : « %s » n'est pas une valeur du vocabulaire "
                                           "de La Base.",
                                           v->label, r->index[k][i]));
                break;
            }
    if (r->n_index[RESSOURCE_TAGS] > RESSOURCE_TAGS_MAX)
        ui_errors_add(errs, "tags", "Mots-clés : 20 au plus.");
    for (size_t i = 0; i < r->n_index[RESSOURCE_TAGS]; i++)
        if (utf8_chars(r->index[RESSOURCE_TAGS][i]) > RESSOURCE_TAG_MAX) {
            ui_errors_add(errs, "tags", "Mots-clés : 60 caractères au plus pour chacun.");
            break;
        }
    if (r->n_blocks > RESSOURCE_BLOCKS_MAX)
        ui_errors_add(errs, "blocs", "Une ressource tient en 25 blocs de contenu au plus.");
    for (size_t i = 0; i < r->n_blocks && i < RESSOURCE_BLOCKS_MAX; i++) {
        const struct ressource_block *k = &r->blocks[i];
        const char *field = NULL, *msg = NULL;
        switch (k->kind) {
        case BLOCK_TITRE:
            if (blank(k->texte))
                field = "texte", msg = "saisissez le titre de la section.";
            else if (utf8_chars(k->texte) > RESSOURCE_TITRE_MAX)
                field = "texte", msg = "un titre de section tient en 200 caractères au plus.";
            break;
        case BLOCK_TEXTE:
            if (blank(k->texte))
                field = "texte", msg = "saisissez le texte.";
            else if (strlen(k->texte) > RESSOURCE_BLOCK_TEXT_MAX)
                field = "texte", msg = "un bloc de texte tient en 60 000 octets au plus.";
            break;
        case BLOCK_LIEN:
            if (!url_http(k->url))
                field = "url",
                msg = "l'adresse du lien doit commencer par https:// ou http:// (sans espaces).";
            break;
        case BLOCK_FICHIER:
        case BLOCK_IMAGE:
            if (!k->file_id)
                field = "fichier", msg = "choisissez un fichier.";
            break;
        case BLOCK_N:
            break;
        }
        if (field)
            ui_errors_add(errs, arena_printf(a, "bloc-%zu-%s", i + 1, field),
                          arena_printf(a, "Bloc %zu : %s", i + 1, msg));
    }
    return errs->n > before ? ERR_INVALID : 0;
}

static int history_add(struct db *db, int64_t id, int64_t user_id, int64_t at, const char *action,
                       const char *details)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_HISTORY_INSERT, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    if (user_id)
        db_bind_int64(st, 2, user_id);
    else
        db_bind_null(st, 2);
    db_bind_int64(st, 3, at);
    db_bind_text(st, 4, action);
    db_bind_text(st, 5, details);
    return db_exec_stmt(st);
}

static bool same_text(const char *x, const char *y) { return strcmp(x ? x : "", y ? y : "") == 0; }

static bool same_blocks(const struct ressource *x, const struct ressource *y)
{
    if (x->n_blocks != y->n_blocks)
        return false;
    for (size_t i = 0; i < x->n_blocks; i++) {
        const struct ressource_block *p = &x->blocks[i], *q = &y->blocks[i];
        if (p->kind != q->kind || p->file_id != q->file_id || !same_text(p->texte, q->texte) ||
            !same_text(p->url, q->url) || !same_text(p->caption, q->caption))
            return false;
    }
    return true;
}

static bool same_index(const struct ressource *x, const struct ressource *y)
{
    for (int k = 0; k < RESSOURCE_N_INDEX; k++) {
        if (x->n_index[k] != y->n_index[k])
            return false;
        for (size_t i = 0; i < x->n_index[k]; i++) {
            bool found = false;
            for (size_t j = 0; j < y->n_index[k] && !found; j++)
                found = strcmp(x->index[k][i], y->index[k][j]) == 0;
            if (!found)
                return false;
        }
    }
    return true;
}

static const char *index_column(int k)
{
    return k == RESSOURCE_TAGS ? "tag" : ressources_vocab_get((enum vocab_kind)k)->column;
}

static int write_parts(struct db *db, const struct ressource *r)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_BLOCKS_DELETE, &st);
    if (rc == 0) {
        db_bind_int64(st, 1, r->id);
        rc = db_exec_stmt(st);
    }
    for (size_t i = 0; rc == 0 && i < r->n_blocks; i++) {
        const struct ressource_block *k = &r->blocks[i];
        if ((rc = db_prepare(db, SQL_BLOCK_INSERT, &st)) != 0)
            break;
        db_bind_int64(st, 1, r->id);
        db_bind_int64(st, 2, (int64_t)i);
        db_bind_text(st, 3, block_kind_values[k->kind]);
        db_bind_text(st, 4, k->texte);
        db_bind_text(st, 5, k->url);
        if (k->file_id)
            db_bind_int64(st, 6, k->file_id);
        else
            db_bind_null(st, 6);
        db_bind_text(st, 7, k->filename);
        db_bind_text(st, 8, k->caption);
        rc = db_exec_stmt(st);
    }
    if (rc == 0 && (rc = db_prepare(db, SQL_INDEX_DELETE, &st)) == 0) {
        db_bind_int64(st, 1, r->id);
        rc = db_exec_stmt(st);
    }
    for (int k = 0; rc == 0 && k < RESSOURCE_N_INDEX; k++)
        for (size_t i = 0; rc == 0 && i < r->n_index[k]; i++) {
            if ((rc = db_prepare(db, SQL_INDEX_INSERT, &st)) != 0)
                break;
            db_bind_int64(st, 1, r->id);
            db_bind_text(st, 2, index_column(k));
            db_bind_text(st, 3, r->index[k][i]);
            rc = db_exec_stmt(st);
        }
    return rc;
}

/* What changed, as the history keeps it: {"field": ["before", "after"]} for each of the (one or
 * two) fields that differ; NULL when none does. Arena. */
static const char *change_details(struct arena *a, const char *f1, const char *before1,
                                  const char *after1, const char *f2, const char *before2,
                                  const char *after2)
{
    json_t *o = json_object();
    if (!same_text(before1, after1))
        json_object_set_new(o, f1,
                            json_pack("[s, s]", before1 ? before1 : "", after1 ? after1 : ""));
    if (f2 && !same_text(before2, after2))
        json_object_set_new(o, f2,
                            json_pack("[s, s]", before2 ? before2 : "", after2 ? after2 : ""));
    char *text = json_object_size(o) ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!text)
        return NULL;
    const char *out = arena_strdup(a, text);
    free(text);
    return out;
}

int ressource_save_in_tx(struct db *db, struct arena *a, struct ressource *r, int64_t user_id,
                         const char *action)
{
    int64_t t = now();
    struct db_stmt *st;
    int rc;
    const char *licence = r->licence ? r->licence : "etalab_2_0";
    if (!r->id) {
        if ((rc = db_prepare(db, SQL_R_INSERT, &st)) != 0)
            return rc;
        if (r->base_id)
            db_bind_int64(st, 1, r->base_id);
        else
            db_bind_null(st, 1);
        if (r->created_by)
            db_bind_int64(st, 2, r->created_by);
        else
            db_bind_null(st, 2);
        db_bind_text(st, 3, r->ext_id);
        db_bind_text(st, 4, str_dup(str_trim(str_from(r->titre)), a));
        db_bind_text(st, 5, unique_slug(a, r->titre));
        db_bind_text(st, 6, r->description ? r->description : "");
        db_bind_text(st, 7, r->published ? "publie" : "brouillon");
        db_bind_text(st, 8, r->public_ ? "public" : "prive");
        db_bind_text(st, 9, licence);
        db_bind_text(st, 10, r->departement);
        db_bind_int64(st, 11, r->demo);
        if (r->published)
            db_bind_int64(st, 12, t);
        else
            db_bind_null(st, 12);
        db_bind_int64(st, 13, t);
        rc = db_step_one(st);
        if (rc == 0)
            r->id = db_col_int64(st, 0);
        db_reset(st);
        if (rc == 0)
            rc = write_parts(db, r);
        if (rc == 0)
            rc = history_add(db, r->id, user_id, t, action ? action : "created", NULL);
        if (rc == 0 && r->published)
            rc = history_add(db, r->id, user_id, t, "published", NULL);
        return rc;
    }
    struct ressource old;
    if ((rc = ressource_get(db, a, r->id, &old)) != 0)
        return rc;
    if ((rc = db_prepare(db, SQL_R_UPDATE, &st)) != 0)
        return rc;
    db_bind_int64(st, 1, r->id);
    if (r->base_id)
        db_bind_int64(st, 2, r->base_id);
    else
        db_bind_null(st, 2);
    db_bind_text(st, 3, str_dup(str_trim(str_from(r->titre)), a));
    db_bind_text(st, 4, r->description ? r->description : "");
    db_bind_text(st, 5, licence);
    db_bind_int64(st, 6, t);
    db_bind_text(st, 7, r->public_ ? "public" : "prive");
    if ((rc = db_exec_stmt(st)) != 0)
        return rc;
    if ((rc = write_parts(db, r)) != 0)
        return rc;
    const char *titre = str_dup(str_trim(str_from(r->titre)), a);
    struct {
        bool changed;
        const char *action;
        const char *details; /* {"field": ["before", "after"], ...} or NULL */
    } events[] = {
        {!same_text(old.titre, titre) || !same_text(old.description, r->description),
         "title_and_description_edited",
         change_details(a, "titre", old.titre, titre, "description", old.description,
                        r->description)},
        {!same_blocks(&old, r), "content_edited", NULL},
        {!same_index(&old, r), "indexation_changed", NULL},
        {!same_text(old.licence, licence), "licence_changed",
         change_details(a, "licence", old.licence, licence, NULL, NULL, NULL)},
        {old.base_id != r->base_id, "base_changed", NULL},
        {old.public_ != r->public_, "visibility_changed",
         change_details(a, "visibilite", old.public_ ? "public" : "prive",
                        r->public_ ? "public" : "prive", NULL, NULL, NULL)},
    };
    if (action)
        rc = history_add(db, r->id, user_id, t, action, NULL);
    for (size_t i = 0; rc == 0 && i < sizeof(events) / sizeof(events[0]); i++)
        if (events[i].changed)
            rc = history_add(db, r->id, user_id, t, events[i].action, events[i].details);
    return rc;
}

int ressource_save(struct db *db, struct arena *a, struct ressource *r, int64_t user_id,
                   struct ui_errors *errs)
{
    int rc = ressource_validate(a, r, errs);
    if (rc)
        return rc;
    if ((rc = db_begin(db)) != 0)
        return rc;
    rc = ressource_save_in_tx(db, a, r, user_id, NULL);
    if (rc == 0)
        return db_commit(db);
    db_rollback(db);
    return rc;
}

static int read_parts(struct db *db, struct arena *a, struct ressource *r)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_BLOCKS, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, r->id);
    size_t cap = 0;
    while ((rc = db_step(st)) == 1) {
        r->blocks = arena_push(a, r->blocks, r->n_blocks, &cap, sizeof(*r->blocks));
        struct ressource_block *k = &r->blocks[r->n_blocks++];
        memset(k, 0, sizeof(*k));
        int kind = block_kind_parse(db_col_text(st, 0));
        k->kind = kind < 0 ? BLOCK_TEXTE : (enum block_kind)kind;
        k->texte = db_col_dup(st, 1, a);
        k->url = db_col_dup(st, 2, a);
        k->file_id = db_col_int64(st, 3);
        k->filename = db_col_dup(st, 4, a);
        k->caption = db_col_dup(st, 5, a);
        k->sha256 = db_col_dup(st, 6, a);
        k->mime = db_col_dup(st, 7, a);
        k->preview_sha256 = db_col_dup(st, 8, a);
        k->size = db_col_int64(st, 9);
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    if ((rc = db_prepare(db, SQL_INDEX, &st)) != 0)
        return rc;
    db_bind_int64(st, 1, r->id);
    size_t caps[RESSOURCE_N_INDEX] = {0};
    while ((rc = db_step(st)) == 1) {
        const char *col = db_col_text(st, 0);
        for (int k = 0; k < RESSOURCE_N_INDEX; k++)
            if (strcmp(col, index_column(k)) == 0) {
                r->index[k] =
                    arena_push(a, r->index[k], r->n_index[k], &caps[k], sizeof(*r->index[k]));
                r->index[k][r->n_index[k]++] = db_col_dup(st, 1, a);
                break;
            }
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int ressource_get(struct db *db, struct arena *a, int64_t id, struct ressource *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_R_GET, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    rc = db_step_one(st);
    if (rc == 0) {
        struct ressource *r = out;
        memset(r, 0, sizeof(*r));
        r->id = db_col_int64(st, 0);
        r->base_id = db_col_int64(st, 1);
        r->created_by = db_col_int64(st, 2);
        r->ext_id = db_col_dup(st, 3, a);
        r->titre = db_col_dup(st, 4, a);
        r->slug = db_col_dup(st, 5, a);
        r->description = db_col_dup(st, 6, a);
        r->published = strcmp(db_col_text(st, 7), "publie") == 0;
        r->public_ = strcmp(db_col_text(st, 8), "public") == 0;
        r->licence = db_col_dup(st, 9, a);
        r->departement = db_col_dup(st, 10, a);
        r->demo = db_col_int64(st, 11) != 0;
        r->views = db_col_int64(st, 12);
        r->published_at = db_col_int64(st, 13);
        r->republished_at = db_col_int64(st, 14);
        r->last_verified_at = db_col_int64(st, 15);
        r->created_at = db_col_int64(st, 16);
        r->updated_at = db_col_int64(st, 17);
        r->base_nom = db_col_dup(st, 18, a);
        r->base_public = strcmp(db_col_text(st, 19), "public") == 0;
        r->auteur = db_col_dup(st, 20, a);
    }
    db_reset(st);
    if (rc == 0)
        rc = read_parts(db, a, out);
    return rc;
}

int ressource_find_ext(struct db *db, const char *ext_id, int64_t *id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_R_BY_EXT, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, ext_id);
    rc = db_step_one(st);
    if (rc == 0)
        *id = db_col_int64(st, 0);
    db_reset(st);
    return rc;
}

int ressource_publish(struct db *db, int64_t id, bool public_, int64_t user_id)
{
    int rc = db_begin(db);
    if (rc)
        return rc;
    struct db_stmt *st;
    int64_t t = now();
    bool again = false;
    if ((rc = db_prepare(db, SQL_PUBLISH, &st)) == 0) {
        db_bind_int64(st, 1, id);
        db_bind_text(st, 2, public_ ? "public" : "prive");
        db_bind_int64(st, 3, t);
        rc = db_step_one(st);
        if (rc == 0)
            again = !db_col_is_null(st, 0);
        db_reset(st);
    }
    if (rc == 0)
        rc = history_add(db, id, user_id, t, again ? "republished" : "published",
                         public_ ? "{\"visibilite\":\"public\"}" : "{\"visibilite\":\"prive\"}");
    if (rc == 0)
        return db_commit(db);
    db_rollback(db);
    return rc;
}

int ressource_count_view(struct db *db, int64_t id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_VIEW, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    return db_exec_stmt(st);
}

int ressource_history(struct db *db, struct arena *a, int64_t id,
                      struct ressource_history_entry **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_HISTORY, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    size_t cap = 0;
    while ((rc = db_step(st)) == 1) {
        *out = arena_push(a, *out, *n, &cap, sizeof(**out));
        (*out)[(*n)++] = (struct ressource_history_entry){
            db_col_int64(st, 0), db_col_dup(st, 1, a), db_col_dup(st, 2, a), db_col_dup(st, 3, a)};
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int ressource_contributors(struct db *db, struct arena *a, int64_t id,
                           struct ressource_contributor **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_CONTRIBUTORS, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    size_t cap = 0;
    while ((rc = db_step(st)) == 1) {
        *out = arena_push(a, *out, *n, &cap, sizeof(**out));
        (*out)[(*n)++] = (struct ressource_contributor){db_col_int64(st, 0), db_col_dup(st, 1, a),
                                                        db_col_dup(st, 2, a)};
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int ressource_contributor_add(struct db *db, struct arena *a, int64_t id, const char *email,
                              int64_t by)
{
    int64_t user_id = 0;
    int rc = user_by_email(db, a, email, &user_id);
    if (rc)
        return rc;
    if ((rc = db_begin(db)) != 0)
        return rc;
    struct db_stmt *st;
    int64_t t = now();
    if ((rc = db_prepare(db, SQL_CONTRIBUTOR_INSERT, &st)) == 0) {
        db_bind_int64(st, 1, id);
        db_bind_int64(st, 2, user_id);
        db_bind_int64(st, 3, t);
        rc = db_exec_stmt(st);
    }
    if (rc == 0)
        rc = history_add(db, id, by, t, "contributor_added",
                         arena_printf(a, "{\"user_id\":%lld}", (long long)user_id));
    if (rc == 0)
        return db_commit(db);
    db_rollback(db);
    return rc;
}

int ressource_contributor_remove(struct db *db, int64_t id, int64_t user_id, int64_t by)
{
    int rc = db_begin(db);
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, SQL_CONTRIBUTOR_DELETE, &st)) == 0) {
        db_bind_int64(st, 1, id);
        db_bind_int64(st, 2, user_id);
        rc = db_exec_stmt(st);
        if (rc == 0 && db_changes(st) == 0)
            rc = ERR_NOT_FOUND;
    }
    if (rc == 0)
        rc = history_add(db, id, by, now(), "contributor_removed", NULL);
    if (rc == 0)
        return db_commit(db);
    db_rollback(db);
    return rc;
}

static int rows_query(struct db *db, struct arena *a, const char *sql, const char *count_sql,
                      int64_t p1, int64_t p2, bool two, int64_t offset, int64_t limit,
                      struct ressource_row **out, size_t *n, int64_t *total)
{
    *out = NULL;
    *n = 0;
    int rc = count_query(db, count_sql, p1, p2, total);
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, sql, &st)) != 0)
        return rc;
    int i = 1;
    db_bind_int64(st, i++, p1);
    if (two)
        db_bind_int64(st, i++, p2);
    db_bind_int64(st, i++, limit);
    db_bind_int64(st, i, offset);
    size_t cap = 0;
    while ((rc = db_step(st)) == 1) {
        *out = arena_push(a, *out, *n, &cap, sizeof(**out));
        (*out)[(*n)++] = (struct ressource_row){
            db_col_int64(st, 0),
            db_col_dup(st, 1, a),
            db_col_dup(st, 2, a),
            db_col_dup(st, 3, a),
            strcmp(db_col_text(st, 4), "publie") == 0,
            strcmp(db_col_text(st, 5), "public") == 0,
            db_col_int64(st, 6) != 0,
            db_col_int64(st, 7),
        };
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int ressources_of_base(struct db *db, struct arena *a, int64_t base_id, bool show_all,
                       int64_t offset, int64_t limit, struct ressource_row **out, size_t *n,
                       int64_t *total)
{
    return rows_query(db, a, SQL_OF_BASE, SQL_OF_BASE_COUNT, base_id, show_all, true, offset, limit,
                      out, n, total);
}

int ressources_of_user(struct db *db, struct arena *a, int64_t user_id, int64_t offset,
                       int64_t limit, struct ressource_row **out, size_t *n, int64_t *total)
{
    return rows_query(db, a, SQL_OF_USER, SQL_OF_USER_COUNT, user_id, 0, false, offset, limit, out,
                      n, total);
}

int ressource_each(struct db *db, int (*fn)(const struct ressource *r, void *arg), void *arg)
{
    int64_t after = 0;
    for (;;) {
        int64_t ids[200];
        size_t n = 0;
        struct db_stmt *st;
        int rc = db_prepare(db, SQL_R_IDS, &st);
        if (rc)
            return rc;
        db_bind_int64(st, 1, after);
        while (n < 200 && (rc = db_step(st)) == 1)
            ids[n++] = db_col_int64(st, 0);
        db_reset(st);
        if (rc < 0)
            return rc;
        if (!n)
            return 0;
        for (size_t i = 0; i < n; i++) {
            struct arena a = ARENA_INIT;
            struct ressource r;
            rc = ressource_get(db, &a, ids[i], &r);
            if (rc == 0)
                rc = fn(&r, arg);
            arena_release(&a);
            if (rc == ERR_NOT_FOUND)
                continue; /* deleted meanwhile */
            if (rc)
                return rc;
        }
        after = ids[n - 1];
    }
}
