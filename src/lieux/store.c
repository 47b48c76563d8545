#include "lieux/store.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char SQL_LIEU_INSERT[] =
    "INSERT INTO lieux (source_key, departement, coords_approx, created_at, "
    "updated_at, "
    "ext_id, pivot, nom, commune, code_postal, code_insee, adresse, "
    "complement_adresse, "
    "latitude, longitude, typologie, telephone, courriels, site_web, horaires, "
    "presentation_resume, presentation_detail, source, itinerance, "
    "structure_parente, "
    "date_maj, services, publics_specifiquement_adresses, "
    "prise_en_charge_specifique, "
    "frais_a_charge, dispositif_programmes_nationaux, formations_labels, "
    "autres_formations_labels, modalites_acces, modalites_accompagnement, "
    "fiche_acces_libre, "
    "prise_rdv, extra) VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9, $10, "
    "$11, $12, $13, "
    "$14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, "
    "$28, $29, $30, "
    "$31, $32, $33, $34, $35, $36, $37) RETURNING id";
static const char SQL_LIEU_UPDATE[] =
    "UPDATE lieux SET departement = $2, coords_approx = $3, updated_at = $4, "
    "pivot = $6, nom "
    "= $7, commune = $8, code_postal = $9, code_insee = $10, adresse = $11, "
    "complement_adresse = $12, latitude = $13, longitude = $14, typologie = "
    "$15, telephone = "
    "$16, courriels = $17, site_web = $18, horaires = $19, presentation_resume "
    "= $20, "
    "presentation_detail = $21, source = $22, itinerance = $23, "
    "structure_parente = $24, "
    "date_maj = $25, services = $26, publics_specifiquement_adresses = $27, "
    "prise_en_charge_specifique = $28, frais_a_charge = $29, "
    "dispositif_programmes_nationaux "
    "= $30, formations_labels = $31, autres_formations_labels = $32, "
    "modalites_acces = $33, "
    "modalites_accompagnement = $34, fiche_acces_libre = $35, prise_rdv = $36, "
    "extra = $37 "
    "WHERE source_key = $1 AND ext_id = $5";
#define LIEU_SELECT                                                                                \
    "SELECT id, source_key, structure_id, departement, published, "                                \
    "coords_approx, verified_at, "                                                                 \
    "created_at, updated_at, ext_id, pivot, nom, commune, code_postal, "                           \
    "code_insee, adresse, "                                                                        \
    "complement_adresse, latitude, longitude, typologie, telephone, courriels, "                   \
    "site_web, "                                                                                   \
    "horaires, presentation_resume, presentation_detail, source, itinerance, "                     \
    "structure_parente, date_maj, services, publics_specifiquement_adresses, "                     \
    "prise_en_charge_specifique, frais_a_charge, "                                                 \
    "dispositif_programmes_nationaux, "                                                            \
    "formations_labels, autres_formations_labels, modalites_acces, "                               \
    "modalites_accompagnement, "                                                                   \
    "fiche_acces_libre, prise_rdv, extra FROM lieux "

static const char SQL_LIEU_BY_KEY[] = LIEU_SELECT "WHERE source_key = $1 AND ext_id = $2";
static const char SQL_LIEU_BY_ID[] = LIEU_SELECT "WHERE id = $1";
/* Streaming by pages of ids keeps no statement open across callbacks. */
static const char SQL_LIEU_PAGE[] = LIEU_SELECT "WHERE id > $1 ORDER BY id LIMIT 500";
static const char SQL_LIEU_PAGE_DEP[] =
    LIEU_SELECT "WHERE id > $1 AND departement = $2 ORDER BY id LIMIT 500";
static const char SQL_HISTORY_INSERT[] =
    "INSERT INTO lieux_history (lieu_id, departement, at, user_id, action, "
    "origin, changes) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)";
static const char SQL_HISTORY_LIST[] =
    "SELECT h.at, h.user_id, u.name, h.action, h.origin, h.changes FROM "
    "lieux_history h "
    "LEFT JOIN users u ON u.id = h.user_id WHERE h.lieu_id = $1 ORDER BY h.at "
    "DESC, h.id DESC "
    "LIMIT $2";
static const char SQL_SET_PUBLISHED[] =
    "UPDATE lieux SET published = $2, updated_at = $3 WHERE id = $1 RETURNING "
    "departement";
static const char SQL_VERIFY[] =
    "UPDATE lieux SET verified_at = $2 WHERE id = $1 RETURNING departement";

/* Columns of LIEU_SELECT: the meta columns, then the 32 fields, then extra. */
enum {
    COL_ID,
    COL_SOURCE_KEY,
    COL_STRUCTURE,
    COL_DEP,
    COL_PUBLISHED,
    COL_APPROX,
    COL_VERIFIED,
    COL_CREATED,
    COL_UPDATED,
    COL_FIELDS,
    COL_EXTRA = COL_FIELDS + LIEU_N_FIELDS
};

static const char SQL_SIGNALEMENT_INSERT[] =
    "INSERT INTO lieux_signalements (lieu_id, departement, at, message, courriel, user_id) "
    "VALUES ($1, $2, $3, $4, $5, $6)";
static const char SQL_SIGNALEMENT_LIST[] =
    "SELECT id, at, message, courriel, user_id FROM lieux_signalements WHERE lieu_id = $1 "
    "ORDER BY at DESC, id DESC LIMIT $2 OFFSET $3";
static const char SQL_SIGNALEMENT_COUNT[] =
    "SELECT count(*) FROM lieux_signalements WHERE lieu_id = $1";

static int64_t now(void) { return (int64_t)time(NULL); }

bool lieu_departement_of(const char *code_insee, const char *code_postal, char out[4])
{
    const char *c = (code_insee && strlen(code_insee) == 5)     ? code_insee
                    : (code_postal && strlen(code_postal) == 5) ? code_postal
                                                                : NULL;
    if (!c)
        return false;
    if (c[0] == '9' && c[1] == '7') {
        out[0] = c[0], out[1] = c[1], out[2] = c[2], out[3] = '\0';
        return true;
    }
    if (c[0] == '9' && c[1] == '8') { /* collectivités d'outre-mer: 975, 986, 987, 988 */
        out[0] = c[0], out[1] = c[1], out[2] = c[2], out[3] = '\0';
        return true;
    }
    if (c == code_postal && c[0] == '2' && c[1] == '0') {
        /* Corsica's postcodes: 200xx and 201xx are Corse-du-Sud, 202xx and above
         * Haute-Corse. */
        out[0] = '2', out[1] = (c[2] <= '1') ? 'A' : 'B', out[2] = '\0';
        return true;
    }
    out[0] = c[0], out[1] = c[1], out[2] = '\0';
    return true;
}

const char *lieu_format_coordinate(struct arena *a, double v)
{
    char tmp[40];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(tmp, sizeof(tmp), "%.*g", prec, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    return arena_strdup(a, tmp);
}

/* A coordinate cell as a number; false when empty or not a finite number. */
static bool parse_coordinate(const char *s, double *out)
{
    if (!s || !*s)
        return false;
    char *end;
    double v = strtod(s, &end);
    if (*end != '\0' || !isfinite(v))
        return false;
    *out = v;
    return true;
}

static const char *extra_json(struct arena *a, const struct lieu_row *row)
{
    if (!row->n_extra)
        return NULL;
    json_t *o = json_object();
    for (size_t i = 0; i < row->n_extra; i++)
        json_object_set_new(o, row->extra[i].name,
                            json_string(row->extra[i].value ? row->extra[i].value : ""));
    char *s = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
    json_decref(o);
    const char *out = s ? arena_strdup(a, s) : NULL;
    free(s);
    return out;
}

static void read_extra(struct arena *a, const char *text, struct lieu_row *row)
{
    row->extra = NULL;
    row->n_extra = 0;
    if (!text || !*text)
        return;
    json_t *o = json_loads(text, 0, NULL);
    if (!json_is_object(o)) {
        json_decref(o);
        return;
    }
    row->extra = arena_calloc(a, json_object_size(o) + 1, sizeof(*row->extra));
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v)
    {
        row->extra[row->n_extra].name = arena_strdup(a, k);
        row->extra[row->n_extra].value =
            arena_strdup(a, json_is_string(v) ? json_string_value(v) : "");
        row->n_extra++;
    }
    json_decref(o);
}

static void read_record(struct db_stmt *st, struct arena *a, struct lieu_record *r)
{
    memset(r, 0, sizeof(*r));
    r->id = db_col_int64(st, COL_ID);
    r->source_key = db_col_dup(st, COL_SOURCE_KEY, a);
    r->structure_id = db_col_is_null(st, COL_STRUCTURE) ? 0 : db_col_int64(st, COL_STRUCTURE);
    r->departement = db_col_dup(st, COL_DEP, a);
    r->published = db_col_int64(st, COL_PUBLISHED) != 0;
    r->coords_approx = db_col_int64(st, COL_APPROX) != 0;
    r->verified_at = db_col_is_null(st, COL_VERIFIED) ? 0 : db_col_int64(st, COL_VERIFIED);
    r->created_at = db_col_int64(st, COL_CREATED);
    r->updated_at = db_col_int64(st, COL_UPDATED);
    for (int f = 0; f < LIEU_N_FIELDS; f++) {
        int col = COL_FIELDS + f;
        if (f == LF_LATITUDE || f == LF_LONGITUDE) {
            if (!db_col_is_null(st, col))
                r->row.v[f] = lieu_format_coordinate(a, db_col_double(st, col));
            continue;
        }
        r->row.v[f] = db_col_dup(st, col, a);
    }
    r->has_coords = !db_col_is_null(st, COL_FIELDS + LF_LATITUDE) &&
                    !db_col_is_null(st, COL_FIELDS + LF_LONGITUDE);
    if (r->has_coords) {
        r->latitude = db_col_double(st, COL_FIELDS + LF_LATITUDE);
        r->longitude = db_col_double(st, COL_FIELDS + LF_LONGITUDE);
    }
    read_extra(a, db_col_text(st, COL_EXTRA), &r->row);
}

static bool same(const char *a, const char *b)
{
    if (!a || !*a)
        return !b || !*b;
    return b && strcmp(a, b) == 0;
}

static int history_add(struct db *db, int64_t lieu_id, const char *departement, int64_t user_id,
                       const char *action, const char *origin, const char *changes)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_HISTORY_INSERT, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, lieu_id);
    db_bind_text(st, 2, departement);
    db_bind_int64(st, 3, now());
    if (user_id)
        db_bind_int64(st, 4, user_id);
    else
        db_bind_null(st, 4);
    db_bind_text(st, 5, action);
    db_bind_text(st, 6, origin);
    db_bind_text(st, 7, changes);
    return db_exec_stmt(st);
}

/* Binds $5..$36 (fields) and $37 (extra) of the insert and update statements.
 */
static int bind_fields(struct db_stmt *st, struct arena *a, const struct lieu_row *row)
{
    for (int f = 0; f < LIEU_N_FIELDS; f++) {
        const char *v = row->v[f] && *row->v[f] ? row->v[f] : NULL;
        if (f == LF_LATITUDE || f == LF_LONGITUDE) {
            double d;
            if (parse_coordinate(v, &d))
                db_bind_double(st, f + 5, d);
            else
                db_bind_null(st, f + 5);
            continue;
        }
        db_bind_text(st, f + 5, v);
    }
    db_bind_text(st, 37, extra_json(a, row));
    return 0;
}

int lieu_store_upsert(struct db *db, struct arena *a, const struct lieu_row *row,
                      const char *source_key, const char *departement, bool coords_approx,
                      int64_t user_id, const char *origin, enum lieu_upsert_result *result,
                      int64_t *id)
{
    ASSERT(row->v[LF_ID] && *row->v[LF_ID] && row->v[LF_NOM]);
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_LIEU_BY_KEY, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, source_key);
    db_bind_text(st, 2, row->v[LF_ID]);
    struct lieu_record old;
    rc = db_step_one(st);
    bool exists = rc == 0;
    if (exists)
        read_record(st, a, &old);
    db_reset(st);
    if (rc && rc != ERR_NOT_FOUND)
        return rc;

    /* What changed, field by field; numbers compared as the text they are written
     * back as. */
    json_t *changes = json_object();
    for (int f = 0; f < LIEU_N_FIELDS; f++) {
        const char *nv = row->v[f];
        double d;
        if ((f == LF_LATITUDE || f == LF_LONGITUDE) && parse_coordinate(nv, &d))
            nv = lieu_format_coordinate(a, d);
        const char *ov = exists ? old.row.v[f] : NULL;
        if (!same(ov, nv))
            json_object_set_new(
                changes, lieu_field_names[f],
                json_pack("[s?, s?]", ov && *ov ? ov : NULL, nv && *nv ? nv : NULL));
    }
    const char *new_extra = extra_json(a, row);
    const char *old_extra = exists ? extra_json(a, &old.row) : NULL;
    if (!same(old_extra, new_extra))
        json_object_set_new(changes, "extra", json_pack("[s?, s?]", old_extra, new_extra));
    bool changed =
        json_object_size(changes) > 0 ||
        (exists && (old.coords_approx != coords_approx || !same(old.departement, departement)));
    char *changes_text = json_dumps(changes, JSON_PRESERVE_ORDER | JSON_COMPACT);
    json_decref(changes);
    const char *changes_arena = arena_strdup(a, changes_text ? changes_text : "{}");
    free(changes_text);

    if (exists && !changed) {
        *result = LIEU_UNCHANGED;
        *id = old.id;
        return 0;
    }
    rc = db_prepare(db, exists ? SQL_LIEU_UPDATE : SQL_LIEU_INSERT, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, source_key);
    db_bind_text(st, 2, departement);
    db_bind_int64(st, 3, coords_approx);
    db_bind_int64(st, 4, now());
    bind_fields(st, a, row);
    if (exists) {
        rc = db_exec_stmt(st);
        *id = old.id;
    } else {
        rc = db_step_one(st);
        if (rc == 0)
            *id = db_col_int64(st, 0);
        db_reset(st);
    }
    if (rc)
        return rc == ERR_NOT_FOUND ? ERR_DB : rc;
    *result = exists ? LIEU_UPDATED : LIEU_INSERTED;
    return history_add(db, *id, departement, user_id,
                       origin ? "import" : (exists ? "modification" : "creation"), origin,
                       changes_arena);
}

int lieu_store_get(struct db *db, struct arena *a, int64_t id, struct lieu_record *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_LIEU_BY_ID, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    rc = db_step_one(st);
    if (rc == 0)
        read_record(st, a, out);
    db_reset(st);
    return rc;
}

int lieu_store_each(struct db *db, const char *departement, bool published_only,
                    int (*each)(const struct lieu_record *r, void *ctx), void *ctx)
{
    struct arena page = ARENA_INIT;
    int64_t after = 0;
    int rc = 0;
    for (;;) {
        struct db_stmt *st;
        if ((rc = db_prepare(db, departement ? SQL_LIEU_PAGE_DEP : SQL_LIEU_PAGE, &st)))
            break;
        db_bind_int64(st, 1, after);
        if (departement)
            db_bind_text(st, 2, departement);
        /* A page is copied out before the callbacks run, so that they may use the
         * database. */
        struct lieu_record *recs = arena_calloc(&page, 500, sizeof(*recs));
        size_t n = 0;
        while ((rc = db_step(st)) == 1 && n < 500)
            read_record(st, &page, &recs[n++]);
        db_reset(st);
        if (rc < 0)
            break;
        rc = 0;
        for (size_t i = 0; i < n && rc == 0; i++)
            if (!published_only || recs[i].published)
                rc = each(&recs[i], ctx);
        if (rc || n < 500)
            break;
        after = recs[n - 1].id;
        arena_release(&page);
    }
    arena_release(&page);
    return rc;
}

static int set_flag(struct db *db, const char *sql, int64_t id, int64_t value, int64_t user_id,
                    const char *action)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    db_bind_int64(st, 2, value);
    if (sql == SQL_SET_PUBLISHED)
        db_bind_int64(st, 3, now());
    rc = db_step_one(st);
    char dep[8] = "";
    if (rc == 0)
        snprintf(dep, sizeof(dep), "%s", db_col_text(st, 0));
    db_reset(st);
    if (rc)
        return rc;
    return history_add(db, id, dep, user_id, action, NULL, NULL);
}

int lieu_store_set_published(struct db *db, int64_t id, bool published, int64_t user_id)
{
    return set_flag(db, SQL_SET_PUBLISHED, id, published, user_id,
                    published ? "publication" : "depublication");
}

int lieu_store_verify(struct db *db, int64_t id, int64_t user_id)
{
    return set_flag(db, SQL_VERIFY, id, now(), user_id, "verification");
}

int lieu_store_history(struct db *db, struct arena *a, int64_t id, int64_t max,
                       struct lieu_change **out, size_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_HISTORY_LIST, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    db_bind_int64(st, 2, max);
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    while ((rc = db_step(st)) == 1) {
        *out = arena_push(a, *out, *n, &cap, sizeof(**out));
        struct lieu_change *c = &(*out)[(*n)++];
        c->at = db_col_int64(st, 0);
        c->user_id = db_col_is_null(st, 1) ? 0 : db_col_int64(st, 1);
        c->user_name = db_col_dup(st, 2, a);
        c->action = db_col_dup(st, 3, a);
        c->origin = db_col_dup(st, 4, a);
        c->changes = db_col_dup(st, 5, a);
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int lieu_signalement_add(struct db *db, const struct lieu_record *rec, const char *message,
                         const char *courriel, int64_t user_id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_SIGNALEMENT_INSERT, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, rec->id);
    db_bind_text(st, 2, rec->departement);
    db_bind_int64(st, 3, now());
    db_bind_text(st, 4, message);
    if (courriel && *courriel)
        db_bind_text(st, 5, courriel);
    else
        db_bind_null(st, 5);
    if (user_id)
        db_bind_int64(st, 6, user_id);
    else
        db_bind_null(st, 6);
    return db_exec_stmt(st);
}

int lieu_signalements(struct db *db, struct arena *a, int64_t lieu_id, int64_t limit,
                      int64_t offset, struct lieu_signalement **out, size_t *n, int64_t *total)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_SIGNALEMENT_COUNT, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, lieu_id);
    rc = db_step_one(st);
    *total = rc == 0 ? db_col_int64(st, 0) : 0;
    db_reset(st);
    if (rc)
        return rc;
    if ((rc = db_prepare(db, SQL_SIGNALEMENT_LIST, &st)))
        return rc;
    db_bind_int64(st, 1, lieu_id);
    db_bind_int64(st, 2, limit);
    db_bind_int64(st, 3, offset);
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    while ((rc = db_step(st)) == 1) {
        *out = arena_push(a, *out, *n, &cap, sizeof(**out));
        struct lieu_signalement *s = &(*out)[(*n)++];
        s->id = db_col_int64(st, 0);
        s->at = db_col_int64(st, 1);
        s->message = db_col_dup(st, 2, a);
        s->courriel = db_col_is_null(st, 3) ? NULL : db_col_dup(st, 3, a);
        s->user_id = db_col_is_null(st, 4) ? 0 : db_col_int64(st, 4);
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}
