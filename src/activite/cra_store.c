/*
 * The rows of a CRA (see cra.h): cra, cra_thematiques, accompagnements (with the anonymous
 * beneficiary of an individual CRA), cra_tags and cra_history, written in one transaction.
 */
#include "activite/cra.h"
#include "activite/aggregates.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "db/db.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The columns every write sets, in the order of bind_fields ($1..$35). */
#define CRA_FIELDS                                                                                 \
    "type, lieu_id, date, duree, type_lieu, commune_code_insee, commune_code_postal, "             \
    "commune_nom, "                                                                                \
    "materiel, autonomie, oriente, structure_de_redirection, precisions_demarche, titre_atelier, " \
    "niveau_atelier, notes, anon_total, anon_deja_accompagne, anon_genre_masculin, "               \
    "anon_genre_feminin, anon_genre_non_communique, anon_tranche_moins_de_douze, "                 \
    "anon_tranche_douze_dix_huit, anon_tranche_dix_huit_vingt_quatre, "                            \
    "anon_tranche_vingt_cinq_trente_neuf, anon_tranche_quarante_cinquante_neuf, "                  \
    "anon_tranche_soixante_soixante_neuf, anon_tranche_soixante_dix_plus, "                        \
    "anon_tranche_non_communique, anon_statut_scolarise, anon_statut_sans_emploi, "                \
    "anon_statut_en_emploi, anon_statut_retraite, anon_statut_non_communique, "                    \
    "accompagnements_count"
#define CRA_N_FIELDS 35

static const char SQL_INSERT[] =
    "INSERT INTO cra (" CRA_FIELDS ", mediateur_id, structure_id, departement, origine, "
    "vocab_version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
    "$12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, "
    "$30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $41) RETURNING id";
static const char SQL_UPDATE[] =
    "UPDATE cra SET type = $1, lieu_id = $2, date = $3, duree = $4, type_lieu = $5, "
    "commune_code_insee = $6, commune_code_postal = $7, commune_nom = $8, materiel = $9, "
    "autonomie = $10, oriente = $11, structure_de_redirection = $12, precisions_demarche = $13, "
    "titre_atelier = $14, niveau_atelier = $15, notes = $16, anon_total = $17, "
    "anon_deja_accompagne = $18, anon_genre_masculin = $19, anon_genre_feminin = $20, "
    "anon_genre_non_communique = $21, anon_tranche_moins_de_douze = $22, "
    "anon_tranche_douze_dix_huit = $23, anon_tranche_dix_huit_vingt_quatre = $24, "
    "anon_tranche_vingt_cinq_trente_neuf = $25, anon_tranche_quarante_cinquante_neuf = $26, "
    "anon_tranche_soixante_soixante_neuf = $27, anon_tranche_soixante_dix_plus = $28, "
    "anon_tranche_non_communique = $29, anon_statut_scolarise = $30, anon_statut_sans_emploi = "
    "$31, anon_statut_en_emploi = $32, anon_statut_retraite = $33, anon_statut_non_communique = "
    "$34, accompagnements_count = $35, vocab_version = $36, updated_at = $37 "
    "WHERE id = $38 AND deleted_at IS NULL";
static const char SQL_DELETE[] = "UPDATE cra SET deleted_at = $2, deleted_by = $3, updated_at = $2 "
                                 "WHERE id = $1 AND deleted_at IS NULL";
#define CRA_SELECT                                                                                 \
    "SELECT c.id, c.mediateur_id, c.structure_id, c.departement, c.origine, c.vocab_version, "     \
    "c.created_at, c.updated_at, c.deleted_at, c.deleted_by, u.name, l.nom, "                      \
    "c.type, c.lieu_id, c.date, c.duree, c.type_lieu, c.commune_code_insee, "                      \
    "c.commune_code_postal, c.commune_nom, c.materiel, c.autonomie, c.oriente, "                   \
    "c.structure_de_redirection, c.precisions_demarche, c.titre_atelier, c.niveau_atelier, "       \
    "c.notes, c.anon_total, c.anon_deja_accompagne, c.anon_genre_masculin, "                       \
    "c.anon_genre_feminin, c.anon_genre_non_communique, c.anon_tranche_moins_de_douze, "           \
    "c.anon_tranche_douze_dix_huit, c.anon_tranche_dix_huit_vingt_quatre, "                        \
    "c.anon_tranche_vingt_cinq_trente_neuf, c.anon_tranche_quarante_cinquante_neuf, "              \
    "c.anon_tranche_soixante_soixante_neuf, c.anon_tranche_soixante_dix_plus, "                    \
    "c.anon_tranche_non_communique, c.anon_statut_scolarise, c.anon_statut_sans_emploi, "          \
    "c.anon_statut_en_emploi, c.anon_statut_retraite, c.anon_statut_non_communique, "              \
    "c.accompagnements_count "                                                                     \
    "FROM cra c JOIN users u ON u.id = c.mediateur_id LEFT JOIN lieux l ON l.id = c.lieu_id "
static const char SQL_GET[] = CRA_SELECT "WHERE c.id = $1";
static const char SQL_LAST_OF[] =
    "SELECT id FROM cra WHERE mediateur_id = $1 AND deleted_at IS NULL "
    "ORDER BY created_at DESC, id DESC LIMIT 1";
/* Optional filters are written column-first, so that PostgreSQL infers each parameter's type from
 * its column. */
#define LIST_FILTERS                                                                               \
    "WHERE c.deleted_at IS NULL AND (c.mediateur_id = $1 OR $1 = 0) "                              \
    "AND (c.structure_id = $2 OR $2 = 0) AND (c.departement = $3 OR $3 = '') "                     \
    "AND (c.date >= $4 OR $4 = '') AND (c.date <= $5 OR $5 = '') "                                 \
    "AND (c.type = $6 OR $6 = '') "
static const char SQL_LIST_BY_DATE[] =
    CRA_SELECT LIST_FILTERS "AND (c.date < $8 OR (c.date = $8 AND c.id < $7) OR $7 = 0) "
                            "ORDER BY c.date DESC, c.id DESC LIMIT $9";
static const char SQL_LIST_BY_CREATED[] = CRA_SELECT LIST_FILTERS
    "AND (c.created_at > $8 OR (c.created_at = $8 AND c.id > $7) OR $7 = 0) "
    "ORDER BY c.created_at, c.id LIMIT $9";
static const char SQL_THEMATIQUES_OF[] = "SELECT thematique FROM cra_thematiques WHERE cra_id = $1";
static const char SQL_PARTICIPANTS_OF[] =
    "SELECT b.id, a.premier_accompagnement, b.anonyme, b.prenom, b.nom, b.genre, b.tranche_age, "
    "b.statut_social, b.commune_code_insee, b.commune_code_postal, b.commune_nom "
    "FROM accompagnements a JOIN beneficiaires b ON b.id = a.beneficiaire_id "
    "WHERE a.cra_id = $1 ORDER BY a.id";
static const char SQL_TAGS_OF[] = "SELECT tag_id FROM cra_tags WHERE cra_id = $1 ORDER BY tag_id";
static const char SQL_THEMATIQUE_INSERT[] =
    "INSERT INTO cra_thematiques (cra_id, departement, thematique) VALUES ($1, $2, $3)";
static const char SQL_THEMATIQUES_DELETE[] = "DELETE FROM cra_thematiques WHERE cra_id = $1";
static const char SQL_TAG_INSERT[] =
    "INSERT INTO cra_tags (cra_id, tag_id, departement) VALUES ($1, $2, $3)";
static const char SQL_TAGS_DELETE[] = "DELETE FROM cra_tags WHERE cra_id = $1";
static const char SQL_ACCOMPAGNEMENT_INSERT[] =
    "INSERT INTO accompagnements (cra_id, beneficiaire_id, departement, premier_accompagnement, "
    "autonomie) VALUES ($1, $2, $3, $4, $5)";
static const char SQL_ACCOMPAGNEMENTS_DELETE[] = "DELETE FROM accompagnements WHERE cra_id = $1";
static const char SQL_SEEN_BEFORE[] =
    "SELECT 1 FROM accompagnements a JOIN cra c ON c.id = a.cra_id "
    "WHERE a.beneficiaire_id = $1 AND c.id <> $2 AND c.deleted_at IS NULL LIMIT 1";
static const char SQL_ANONYME_INSERT[] =
    "INSERT INTO beneficiaires (mediateur_id, structure_id, departement, anonyme, genre, "
    "tranche_age, statut_social, commune_code_insee, commune_code_postal, commune_nom, demo, "
    "last_activity_at, created_at, updated_at) "
    "VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $8, $9, $10, $11, $11, $11) RETURNING id";
static const char SQL_ANONYME_UPDATE[] =
    "UPDATE beneficiaires SET genre = $2, tranche_age = $3, statut_social = $4, "
    "commune_code_insee = $5, commune_code_postal = $6, commune_nom = $7, updated_at = $8 "
    "WHERE id = $1 AND anonyme = 1";
static const char SQL_TOUCH_BENEFICIAIRE[] =
    "UPDATE beneficiaires SET last_activity_at = $2 "
    "WHERE id = $1 AND (last_activity_at IS NULL OR last_activity_at < $2)";
static const char SQL_HISTORY_INSERT[] =
    "INSERT INTO cra_history (cra_id, departement, at, user_id, action, changes) "
    "VALUES ($1, $2, $3, $4, $5, $6)";
static const char SQL_BENEFICIAIRE_REF[] =
    "SELECT mediateur_id, fusion_vers_id, anonymised_at FROM beneficiaires WHERE id = $1";
static const char SQL_LIEU_REF[] = "SELECT structure_id, departement FROM lieux WHERE id = $1";
static const char SQL_TAG_REF[] =
    "SELECT scope, owner_user_id, structure_id, departement FROM tags WHERE id = $1";
static const char SQL_USAGE_THEMATIQUES[] =
    "SELECT t.thematique, COUNT(*) FROM cra_thematiques t JOIN cra c ON c.id = t.cra_id "
    "WHERE c.mediateur_id = $1 AND c.deleted_at IS NULL GROUP BY t.thematique";
static const char SQL_USAGE_DUREES[] =
    "SELECT duree, COUNT(*) AS n FROM cra WHERE mediateur_id = $1 AND deleted_at IS NULL "
    "GROUP BY duree ORDER BY n DESC, duree LIMIT $2";

static const char *const origine_values[] = {"saisie", "api", "import", "demo"};

static void bind_opt_text(struct db_stmt *st, int i, const char *s)
{
    if (s && *s)
        db_bind_text(st, i, s);
    else
        db_bind_null(st, i);
}

static const char *materiel_text(struct arena *a, const struct cra *c)
{
    struct buf b;
    buf_init(&b, a, 256);
    for (size_t i = 0; i < c->n_materiel; i++) {
        if (i)
            buf_addch(&b, '|');
        buf_adds(&b, vocab_value(&vocab_materiel, (int)c->materiel[i]));
    }
    return buf_cstr(&b);
}

/* Binds the CRA_FIELDS at $1..$35. */
static void bind_fields(struct db_stmt *st, struct arena *a, const struct cra *c)
{
    db_bind_text(st, 1, vocab_value(&vocab_cra_type, (int)c->type));
    if (c->lieu_id)
        db_bind_int64(st, 2, c->lieu_id);
    else
        db_bind_null(st, 2);
    db_bind_text(st, 3, c->date);
    db_bind_int64(st, 4, c->duree);
    db_bind_text(st, 5, vocab_value(&vocab_type_lieu, (int)c->type_lieu));
    bind_opt_text(st, 6, c->commune_code_insee);
    bind_opt_text(st, 7, c->commune_code_postal);
    bind_opt_text(st, 8, c->commune_nom);
    db_bind_text(st, 9, materiel_text(a, c));
    bind_opt_text(st, 10, vocab_value(&vocab_autonomie, (int)c->autonomie));
    if (c->oriente >= 0)
        db_bind_int64(st, 11, c->oriente);
    else
        db_bind_null(st, 11);
    bind_opt_text(st, 12,
                  vocab_value(&vocab_structure_redirection, (int)c->structure_de_redirection));
    bind_opt_text(st, 13, c->precisions_demarche);
    bind_opt_text(st, 14, c->titre_atelier);
    bind_opt_text(st, 15, vocab_value(&vocab_niveau_atelier, (int)c->niveau_atelier));
    bind_opt_text(st, 16, c->notes);
    const struct cra_participants_anonymes *an = &c->anonymes;
    int i = 17;
    db_bind_int64(st, i++, an->total);
    db_bind_int64(st, i++, an->deja_accompagne);
    for (int k = 0; k < GENRE_COUNT; k++)
        db_bind_int64(st, i++, an->genre[k]);
    for (int k = 0; k < TRANCHE_AGE_COUNT; k++)
        db_bind_int64(st, i++, an->tranche_age[k]);
    for (int k = 0; k < STATUT_SOCIAL_COUNT; k++)
        db_bind_int64(st, i++, an->statut_social[k]);
    db_bind_int64(st, i, c->accompagnements_count);
}

static int enum_col(struct db_stmt *st, int col, const struct vocab *v)
{
    return db_col_is_null(st, col) ? -1 : vocab_find(v, db_col_text(st, col));
}

/* Reads a row of CRA_SELECT into out (lists not read). */
static void read_row(struct db_stmt *st, struct arena *a, struct cra *c)
{
    cra_init(c);
    c->id = db_col_int64(st, 0);
    c->mediateur_id = db_col_int64(st, 1);
    c->structure_id = db_col_int64(st, 2);
    c->departement = db_col_dup(st, 3, a);
    const char *origine = db_col_text(st, 4);
    for (int i = 0; i < 4; i++)
        if (strcmp(origine, origine_values[i]) == 0)
            c->origine = (enum cra_origine)i;
    c->vocab_version = db_col_dup(st, 5, a);
    c->created_at = db_col_int64(st, 6);
    c->updated_at = db_col_int64(st, 7);
    c->deleted_at = db_col_int64(st, 8);
    c->deleted_by = db_col_int64(st, 9);
    c->mediateur_nom = db_col_dup(st, 10, a);
    c->lieu_nom = db_col_dup(st, 11, a);
    int v = vocab_find(&vocab_cra_type, db_col_text(st, 12));
    c->type = v < 0 ? CRA_INDIVIDUEL : (enum cra_type)v;
    c->lieu_id = db_col_int64(st, 13);
    snprintf(c->date, sizeof(c->date), "%s", db_col_text(st, 14));
    c->duree = (int)db_col_int64(st, 15);
    v = vocab_find(&vocab_type_lieu, db_col_text(st, 16));
    c->type_lieu = v < 0 ? TYPE_LIEU_LIEU_ACTIVITE : (enum type_lieu)v;
    c->commune_code_insee = db_col_dup(st, 17, a);
    c->commune_code_postal = db_col_dup(st, 18, a);
    c->commune_nom = db_col_dup(st, 19, a);
    const char *m = db_col_text(st, 20);
    while (*m && c->n_materiel < MATERIEL_COUNT) {
        const char *end = strchr(m, '|');
        size_t len = end ? (size_t)(end - m) : strlen(m);
        for (int k = 0; k < MATERIEL_COUNT; k++)
            if (strlen(vocab_materiel.entries[k].value) == len &&
                memcmp(vocab_materiel.entries[k].value, m, len) == 0)
                c->materiel[c->n_materiel++] = (enum materiel)k;
        m = end ? end + 1 : m + len;
    }
    c->autonomie = (enum autonomie)enum_col(st, 21, &vocab_autonomie);
    c->oriente = db_col_is_null(st, 22) ? -1 : (int)db_col_int64(st, 22);
    c->structure_de_redirection =
        (enum structure_redirection)enum_col(st, 23, &vocab_structure_redirection);
    c->precisions_demarche = db_col_dup(st, 24, a);
    c->titre_atelier = db_col_dup(st, 25, a);
    c->niveau_atelier = (enum niveau_atelier)enum_col(st, 26, &vocab_niveau_atelier);
    c->notes = db_col_dup(st, 27, a);
    int col = 28;
    c->anonymes.total = (int)db_col_int64(st, col++);
    c->anonymes.deja_accompagne = (int)db_col_int64(st, col++);
    for (int k = 0; k < GENRE_COUNT; k++)
        c->anonymes.genre[k] = (int)db_col_int64(st, col++);
    for (int k = 0; k < TRANCHE_AGE_COUNT; k++)
        c->anonymes.tranche_age[k] = (int)db_col_int64(st, col++);
    for (int k = 0; k < STATUT_SOCIAL_COUNT; k++)
        c->anonymes.statut_social[k] = (int)db_col_int64(st, col++);
    c->accompagnements_count = (int)db_col_int64(st, col);
}

static int read_thematiques(struct db *db, struct cra *c)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_THEMATIQUES_OF, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, c->id);
    bool seen[THEMATIQUE_COUNT] = {0};
    while ((rc = db_step(st)) == 1) {
        int t = vocab_find(&vocab_thematique, db_col_text(st, 0));
        if (t >= 0)
            seen[t] = true;
    }
    db_reset(st);
    c->n_thematiques = 0;
    for (int t = 0; t < THEMATIQUE_COUNT; t++)
        if (seen[t])
            c->thematiques[c->n_thematiques++] = (enum thematique)t;
    return rc < 0 ? rc : 0;
}

static int read_lists(struct db *db, struct arena *a, struct cra *c)
{
    int rc = read_thematiques(db, c);
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, SQL_PARTICIPANTS_OF, &st)))
        return rc;
    db_bind_int64(st, 1, c->id);
    size_t cap = 0;
    c->participants = NULL;
    c->n_participants = 0;
    while ((rc = db_step(st)) == 1) {
        struct cra_participant p = {
            .beneficiaire_id = db_col_int64(st, 0),
            .premier_accompagnement = db_col_int64(st, 1) != 0,
            .anonyme = db_col_int64(st, 2) != 0,
            .prenom = db_col_dup(st, 3, a),
            .nom = db_col_dup(st, 4, a),
            .genre = (enum genre)enum_col(st, 5, &vocab_genre),
            .tranche_age = (enum tranche_age)enum_col(st, 6, &vocab_tranche_age),
            .statut_social = (enum statut_social)enum_col(st, 7, &vocab_statut_social),
            .commune_code_insee = db_col_dup(st, 8, a),
        };
        /* The profile of an individual CRA's anonymous person, for the edit form. */
        if (c->type != CRA_COLLECTIF && p.anonyme) {
            c->nouveau.genre = p.genre;
            c->nouveau.tranche_age = p.tranche_age;
            c->nouveau.statut_social = p.statut_social;
            c->nouveau.commune_code_insee = p.commune_code_insee;
            c->nouveau.commune_code_postal = db_col_dup(st, 9, a);
            c->nouveau.commune_nom = db_col_dup(st, 10, a);
        }
        c->participants = arena_push(a, c->participants, c->n_participants, &cap, sizeof(p));
        c->participants[c->n_participants++] = p;
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    if ((rc = db_prepare(db, SQL_TAGS_OF, &st)))
        return rc;
    db_bind_int64(st, 1, c->id);
    cap = 0;
    c->tags = NULL;
    c->n_tags = 0;
    while ((rc = db_step(st)) == 1) {
        int64_t id = db_col_int64(st, 0);
        c->tags = arena_push(a, c->tags, c->n_tags, &cap, sizeof(id));
        c->tags[c->n_tags++] = id;
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int cra_get(struct db *db, struct arena *a, int64_t id, bool with_deleted, struct cra *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_GET, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    if ((rc = db_step_one(st)))
        return rc;
    read_row(st, a, out);
    db_reset(st);
    if (out->deleted_at && !with_deleted)
        return ERR_NOT_FOUND;
    return read_lists(db, a, out);
}

int cra_last_of(struct db *db, struct arena *a, int64_t mediateur_id, struct cra *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_LAST_OF, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, mediateur_id);
    if ((rc = db_step_one(st)))
        return rc;
    int64_t id = db_col_int64(st, 0);
    db_reset(st);
    return cra_get(db, a, id, false, out);
}

int cra_list(struct db *db, struct arena *a, const struct cra_filter *f, struct cra **out,
             size_t *n, bool *more)
{
    *out = NULL;
    *n = 0;
    *more = false;
    size_t limit = f->limit ? f->limit : 50;
    if (limit > LIMIT_PAGE_SIZE)
        limit = LIMIT_PAGE_SIZE;
    struct db_stmt *st;
    int rc = db_prepare(db, f->by_created ? SQL_LIST_BY_CREATED : SQL_LIST_BY_DATE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, f->mediateur_id);
    db_bind_int64(st, 2, f->structure_id);
    db_bind_text(st, 3, f->departement ? f->departement : "");
    db_bind_text(st, 4, f->du ? f->du : "");
    db_bind_text(st, 5, f->au ? f->au : "");
    db_bind_text(st, 6, f->type >= 0 ? vocab_value(&vocab_cra_type, f->type) : "");
    db_bind_int64(st, 7, f->apres_id);
    if (f->by_created)
        db_bind_int64(st, 8, f->apres_created_at);
    else
        db_bind_text(st, 8, f->apres_date ? f->apres_date : "");
    db_bind_int64(st, 9, (int64_t)limit + 1);
    struct cra *rows = arena_calloc(a, limit + 1, sizeof(*rows));
    size_t k = 0;
    while ((rc = db_step(st)) == 1) {
        if (k == limit) {
            *more = true;
            break;
        }
        read_row(st, a, &rows[k++]);
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < k; i++)
        if ((rc = read_thematiques(db, &rows[i])))
            return rc;
    *out = rows;
    *n = k;
    return 0;
}

int cra_usage_of(struct db *db, int64_t mediateur_id, int counts_thematique[THEMATIQUE_COUNT],
                 int *durees, int *duree_counts, size_t max_durees, size_t *n_durees)
{
    memset(counts_thematique, 0, sizeof(int) * THEMATIQUE_COUNT);
    *n_durees = 0;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_USAGE_THEMATIQUES, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, mediateur_id);
    while ((rc = db_step(st)) == 1) {
        int t = vocab_find(&vocab_thematique, db_col_text(st, 0));
        if (t >= 0)
            counts_thematique[t] = (int)db_col_int64(st, 1);
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    if ((rc = db_prepare(db, SQL_USAGE_DUREES, &st)))
        return rc;
    db_bind_int64(st, 1, mediateur_id);
    db_bind_int64(st, 2, (int64_t)max_durees);
    while ((rc = db_step(st)) == 1 && *n_durees < max_durees) {
        durees[*n_durees] = (int)db_col_int64(st, 0);
        duree_counts[(*n_durees)++] = (int)db_col_int64(st, 1);
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int cra_check_refs(struct db *db, const struct cra *c, struct cra_errors *errs)
{
    struct db_stmt *st;
    int rc;
    size_t before = errs->n;
    for (size_t i = 0; i < c->n_participants; i++) {
        if ((rc = db_prepare(db, SQL_BENEFICIAIRE_REF, &st)))
            return rc;
        db_bind_int64(st, 1, c->participants[i].beneficiaire_id);
        rc = db_step_one(st);
        bool ok = rc == 0 && db_col_int64(st, 0) == c->mediateur_id && db_col_is_null(st, 1) &&
                  db_col_is_null(st, 2);
        db_reset(st);
        if (rc && rc != ERR_NOT_FOUND)
            return rc;
        if (!ok) {
            cra_errors_add(errs, c->type == CRA_COLLECTIF ? "participants" : "beneficiaire_id",
                           "Bénéficiaire : cette personne n’est pas dans votre liste de "
                           "bénéficiaires.");
            break;
        }
    }
    if (c->lieu_id) {
        if ((rc = db_prepare(db, SQL_LIEU_REF, &st)))
            return rc;
        db_bind_int64(st, 1, c->lieu_id);
        rc = db_step_one(st);
        /* A médiateur works at the lieux of their structure, or at others of its département
         * (itinerant sessions, partner places). */
        bool ok = rc == 0 && (db_col_int64(st, 0) == c->structure_id ||
                              (c->departement && strcmp(db_col_text(st, 1), c->departement) == 0));
        db_reset(st);
        if (rc && rc != ERR_NOT_FOUND)
            return rc;
        if (!ok)
            cra_errors_add(errs, "lieu_id",
                           "Lieu d’activité : choisissez un lieu de votre structure ou de votre "
                           "département.");
    }
    for (size_t i = 0; i < c->n_tags; i++) {
        if ((rc = db_prepare(db, SQL_TAG_REF, &st)))
            return rc;
        db_bind_int64(st, 1, c->tags[i]);
        rc = db_step_one(st);
        bool ok = false;
        if (rc == 0) {
            const char *scope = db_col_text(st, 0);
            if (strcmp(scope, "personnel") == 0)
                ok = db_col_int64(st, 1) == c->mediateur_id;
            else if (strcmp(scope, "structure") == 0)
                ok = db_col_int64(st, 2) == c->structure_id;
            else
                ok = c->departement && strcmp(db_col_text(st, 3), c->departement) == 0;
        }
        db_reset(st);
        if (rc && rc != ERR_NOT_FOUND)
            return rc;
        if (!ok) {
            cra_errors_add(errs, "tags",
                           "Tags : ce tag n’est ni à vous, ni à votre structure, ni "
                           "à votre département.");
            break;
        }
    }
    return errs->n > before ? ERR_INVALID : 0;
}

/* ---- JSON ---- */

static json_t *str_or_null(const char *s) { return s && *s ? json_string(s) : json_null(); }

static json_t *iso_time(int64_t t)
{
    if (!t)
        return json_null();
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    char out[32];
    strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(out);
}

json_t *cra_to_json(const struct cra *c)
{
    json_t *o = json_object();
    if (c->id)
        json_object_set_new(o, "id", json_integer(c->id));
    json_object_set_new(o, "type", json_string(vocab_value(&vocab_cra_type, (int)c->type)));
    json_object_set_new(o, "date", json_string(c->date));
    json_object_set_new(o, "duree", json_integer(c->duree));
    json_object_set_new(o, "type_lieu",
                        json_string(vocab_value(&vocab_type_lieu, (int)c->type_lieu)));
    json_object_set_new(o, "lieu_id", c->lieu_id ? json_integer(c->lieu_id) : json_null());
    json_object_set_new(o, "commune_code_insee", str_or_null(c->commune_code_insee));
    json_object_set_new(o, "commune_code_postal", str_or_null(c->commune_code_postal));
    json_object_set_new(o, "commune", str_or_null(c->commune_nom));
    json_t *t = json_array();
    for (size_t i = 0; i < c->n_thematiques; i++)
        json_array_append_new(t,
                              json_string(vocab_value(&vocab_thematique, (int)c->thematiques[i])));
    json_object_set_new(o, "thematiques", t);
    json_t *m = json_array();
    for (size_t i = 0; i < c->n_materiel; i++)
        json_array_append_new(m, json_string(vocab_value(&vocab_materiel, (int)c->materiel[i])));
    json_object_set_new(o, "materiel", m);
    json_object_set_new(o, "autonomie",
                        str_or_null(vocab_value(&vocab_autonomie, (int)c->autonomie)));
    json_object_set_new(o, "oriente", c->oriente < 0 ? json_null() : json_boolean(c->oriente));
    json_object_set_new(
        o, "structure_de_redirection",
        str_or_null(vocab_value(&vocab_structure_redirection, (int)c->structure_de_redirection)));
    json_object_set_new(o, "precisions_demarche", str_or_null(c->precisions_demarche));
    json_object_set_new(o, "titre_atelier", str_or_null(c->titre_atelier));
    json_object_set_new(o, "niveau_atelier",
                        str_or_null(vocab_value(&vocab_niveau_atelier, (int)c->niveau_atelier)));
    json_object_set_new(o, "notes", str_or_null(c->notes));
    if (c->type == CRA_COLLECTIF) {
        const struct cra_participants_anonymes *an = &c->anonymes;
        json_t *p = json_object();
        json_t *ta = json_object();
        for (int k = 0; k < TRANCHE_AGE_COUNT; k++)
            json_object_set_new(ta, vocab_tranche_age.entries[k].value,
                                json_integer(an->tranche_age[k]));
        json_t *ss = json_object();
        for (int k = 0; k < STATUT_SOCIAL_COUNT; k++)
            json_object_set_new(ss, vocab_statut_social.entries[k].value,
                                json_integer(an->statut_social[k]));
        json_t *g = json_object();
        for (int k = 0; k < GENRE_COUNT; k++)
            json_object_set_new(g, vocab_genre.entries[k].value, json_integer(an->genre[k]));
        json_object_set_new(p, "total", json_integer(an->total));
        json_object_set_new(p, "deja_accompagne", json_integer(an->deja_accompagne));
        json_object_set_new(p, "genre", g);
        json_object_set_new(p, "tranche_age", ta);
        json_object_set_new(p, "statut_social", ss);
        json_object_set_new(o, "participants_anonymes", p);
    }
    json_t *b = json_array();
    for (size_t i = 0; i < c->n_participants; i++)
        json_array_append_new(b, json_integer(c->participants[i].beneficiaire_id));
    json_object_set_new(o, "beneficiaires", b);
    json_t *tg = json_array();
    for (size_t i = 0; i < c->n_tags; i++)
        json_array_append_new(tg, json_integer(c->tags[i]));
    json_object_set_new(o, "tags", tg);
    json_object_set_new(o, "accompagnements_count", json_integer(c->accompagnements_count));
    if (c->mediateur_id)
        json_object_set_new(o, "mediateur_id", json_integer(c->mediateur_id));
    if (c->structure_id)
        json_object_set_new(o, "structure_id", json_integer(c->structure_id));
    json_object_set_new(o, "departement", str_or_null(c->departement));
    json_object_set_new(o, "vocab_version", str_or_null(c->vocab_version));
    json_object_set_new(o, "origine", json_string(origine_values[c->origine]));
    json_object_set_new(o, "cree_le", iso_time(c->created_at));
    json_object_set_new(o, "modifie_le", iso_time(c->updated_at));
    return o;
}

/* ---- writes ---- */

static int exec_history(struct db *db, const struct cra *c, int64_t user_id, int64_t now,
                        const char *action, const char *changes)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_HISTORY_INSERT, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, c->id);
    db_bind_text(st, 2, c->departement);
    db_bind_int64(st, 3, now);
    if (user_id)
        db_bind_int64(st, 4, user_id);
    else
        db_bind_null(st, 4);
    db_bind_text(st, 5, action);
    bind_opt_text(st, 6, changes);
    return db_exec_stmt(st);
}

/* {"field": [before, after]} for the fields that differ; NULL when none. */
static const char *diff_text(struct arena *a, const struct cra *before, const struct cra *after)
{
    json_t *x = cra_to_json(before), *y = cra_to_json(after);
    json_t *d = json_object();
    const char *key;
    json_t *vy;
    json_object_foreach(y, key, vy)
    {
        if (strcmp(key, "modifie_le") == 0 || strcmp(key, "cree_le") == 0 ||
            strcmp(key, "vocab_version") == 0)
            continue;
        json_t *vx = json_object_get(x, key);
        if (!vx || !json_equal(vx, vy))
            json_object_set_new(d, key, json_pack("[OO]", vx ? vx : json_null(), vy));
    }
    const char *out = NULL;
    if (json_object_size(d)) {
        char *s = json_dumps(d, JSON_PRESERVE_ORDER | JSON_COMPACT);
        out = arena_strdup(a, s);
        free(s);
    }
    json_decref(x);
    json_decref(y);
    json_decref(d);
    return out;
}

static int insert_lists(struct db *db, const struct cra *c)
{
    struct db_stmt *st;
    int rc = 0;
    for (size_t i = 0; i < c->n_thematiques && !rc; i++) {
        if ((rc = db_prepare(db, SQL_THEMATIQUE_INSERT, &st)))
            break;
        db_bind_int64(st, 1, c->id);
        db_bind_text(st, 2, c->departement);
        db_bind_text(st, 3, vocab_value(&vocab_thematique, (int)c->thematiques[i]));
        rc = db_exec_stmt(st);
    }
    for (size_t i = 0; i < c->n_tags && !rc; i++) {
        bool dup = false;
        for (size_t k = 0; k < i; k++)
            dup |= c->tags[k] == c->tags[i];
        if (dup)
            continue;
        if ((rc = db_prepare(db, SQL_TAG_INSERT, &st)))
            break;
        db_bind_int64(st, 1, c->id);
        db_bind_int64(st, 2, c->tags[i]);
        db_bind_text(st, 3, c->departement);
        rc = db_exec_stmt(st);
    }
    return rc;
}

static int create_anonyme(struct db *db, struct cra *c, int64_t now, int64_t *id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_ANONYME_INSERT, &st);
    if (rc)
        return rc;
    const struct cra_beneficiaire_nouveau *nv = &c->nouveau;
    db_bind_int64(st, 1, c->mediateur_id);
    db_bind_int64(st, 2, c->structure_id);
    db_bind_text(st, 3, c->departement);
    bind_opt_text(st, 4, vocab_value(&vocab_genre, (int)nv->genre));
    bind_opt_text(st, 5, vocab_value(&vocab_tranche_age, (int)nv->tranche_age));
    bind_opt_text(st, 6, vocab_value(&vocab_statut_social, (int)nv->statut_social));
    bind_opt_text(st, 7, nv->commune_code_insee);
    bind_opt_text(st, 8, nv->commune_code_postal);
    bind_opt_text(st, 9, nv->commune_nom);
    db_bind_int64(st, 10, c->origine == CRA_ORIGINE_DEMO);
    db_bind_int64(st, 11, now);
    if ((rc = db_step_one(st)))
        return rc;
    *id = db_col_int64(st, 0);
    db_reset(st);
    return 0;
}

static int update_anonyme(struct db *db, const struct cra *c, int64_t id, int64_t now)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_ANONYME_UPDATE, &st);
    if (rc)
        return rc;
    const struct cra_beneficiaire_nouveau *nv = &c->nouveau;
    db_bind_int64(st, 1, id);
    bind_opt_text(st, 2, vocab_value(&vocab_genre, (int)nv->genre));
    bind_opt_text(st, 3, vocab_value(&vocab_tranche_age, (int)nv->tranche_age));
    bind_opt_text(st, 4, vocab_value(&vocab_statut_social, (int)nv->statut_social));
    bind_opt_text(st, 5, nv->commune_code_insee);
    bind_opt_text(st, 6, nv->commune_code_postal);
    bind_opt_text(st, 7, nv->commune_nom);
    db_bind_int64(st, 8, now);
    return db_exec_stmt(st);
}

/* Writes the accompagnements of c. previous (NULL on creation) gives the flags to keep for the
 * people already in the CRA. */
static int insert_accompagnements(struct db *db, struct cra *c, const struct cra *previous,
                                  int64_t now)
{
    struct db_stmt *st;
    int rc = 0;
    for (size_t i = 0; i < c->n_participants && !rc; i++) {
        struct cra_participant *p = &c->participants[i];
        int kept = -1;
        for (size_t k = 0; previous && k < previous->n_participants; k++)
            if (previous->participants[k].beneficiaire_id == p->beneficiaire_id)
                kept = previous->participants[k].premier_accompagnement;
        if (kept >= 0) {
            p->premier_accompagnement = kept;
        } else {
            if ((rc = db_prepare(db, SQL_SEEN_BEFORE, &st)))
                break;
            db_bind_int64(st, 1, p->beneficiaire_id);
            db_bind_int64(st, 2, c->id);
            rc = db_step_one(st);
            db_reset(st);
            if (rc && rc != ERR_NOT_FOUND)
                break;
            p->premier_accompagnement = rc == ERR_NOT_FOUND;
            rc = 0;
        }
        if ((rc = db_prepare(db, SQL_ACCOMPAGNEMENT_INSERT, &st)))
            break;
        db_bind_int64(st, 1, c->id);
        db_bind_int64(st, 2, p->beneficiaire_id);
        db_bind_text(st, 3, c->departement);
        db_bind_int64(st, 4, p->premier_accompagnement);
        bind_opt_text(st, 5, vocab_value(&vocab_autonomie, (int)c->autonomie));
        if ((rc = db_exec_stmt(st)))
            break;
        if ((rc = db_prepare(db, SQL_TOUCH_BENEFICIAIRE, &st)))
            break;
        db_bind_int64(st, 1, p->beneficiaire_id);
        db_bind_int64(st, 2, now);
        rc = db_exec_stmt(st);
    }
    return rc;
}

static void count_accompagnements(struct cra *c)
{
    c->accompagnements_count =
        c->type == CRA_COLLECTIF ? (int)c->n_participants + c->anonymes.total : 1;
}

/* The anonymous person of an individual CRA without a beneficiary: the one it had (edit), or a
 * new one. */
static int ensure_person(struct db *db, struct arena *a, struct cra *c, const struct cra *previous,
                         int64_t now)
{
    if (c->type == CRA_COLLECTIF || c->n_participants)
        return 0;
    int64_t id = 0;
    int rc;
    if (previous && previous->type != CRA_COLLECTIF && previous->n_participants == 1 &&
        previous->participants[0].anonyme) {
        id = previous->participants[0].beneficiaire_id;
        rc = update_anonyme(db, c, id, now);
    } else {
        rc = create_anonyme(db, c, now, &id);
    }
    if (rc)
        return rc;
    c->participants = arena_calloc(a, 1, sizeof(*c->participants));
    c->participants[0] = (struct cra_participant){
        .beneficiaire_id = id,
        .anonyme = true,
        .genre = c->nouveau.genre,
        .tranche_age = c->nouveau.tranche_age,
        .statut_social = c->nouveau.statut_social,
        .commune_code_insee = c->nouveau.commune_code_insee,
    };
    c->n_participants = 1;
    return 0;
}

int cra_insert(struct db *db, struct arena *a, struct cra *c, int64_t user_id, int64_t now)
{
    cra_normalise(c);
    count_accompagnements(c);
    c->vocab_version = VOCAB_VERSION;
    c->created_at = c->updated_at = now;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_INSERT, &st);
    if (rc)
        return rc;
    bind_fields(st, a, c);
    db_bind_int64(st, CRA_N_FIELDS + 1, c->mediateur_id);
    db_bind_int64(st, CRA_N_FIELDS + 2, c->structure_id);
    db_bind_text(st, CRA_N_FIELDS + 3, c->departement);
    db_bind_text(st, CRA_N_FIELDS + 4, origine_values[c->origine]);
    db_bind_text(st, CRA_N_FIELDS + 5, VOCAB_VERSION);
    db_bind_int64(st, CRA_N_FIELDS + 6, now);
    if ((rc = db_step_one(st)))
        return rc;
    c->id = db_col_int64(st, 0);
    db_reset(st);
    if ((rc = ensure_person(db, a, c, NULL, now)) || (rc = insert_lists(db, c)) ||
        (rc = insert_accompagnements(db, c, NULL, now)) ||
        (rc = activite_aggregates_apply(db, c, +1)))
        return rc;
    return exec_history(db, c, user_id, now,
                        c->origine == CRA_ORIGINE_IMPORT ? "import" : "creation", NULL);
}

int cra_create(struct db *db, struct arena *a, struct cra *c, int64_t user_id, int64_t now)
{
    int rc = db_begin(db);
    if (rc)
        return rc;
    rc = cra_insert(db, a, c, user_id, now);
    if (rc == 0)
        rc = db_commit(db);
    if (rc) {
        db_rollback(db);
        c->id = 0;
    }
    return rc;
}

static int update_in_tx(struct db *db, struct arena *a, struct cra *c, int64_t user_id, int64_t now)
{
    struct cra old;
    int rc = cra_get(db, a, c->id, false, &old);
    if (rc)
        return rc;
    /* The statistics forget the old CRA before any of its rows change. */
    if ((rc = activite_aggregates_apply(db, &old, -1)))
        return rc;
    c->mediateur_id = old.mediateur_id;
    c->structure_id = old.structure_id;
    c->departement = old.departement;
    c->origine = old.origine;
    c->created_at = old.created_at;
    c->updated_at = now;
    c->vocab_version = VOCAB_VERSION;
    cra_normalise(c);
    count_accompagnements(c);
    struct db_stmt *st;
    if ((rc = db_prepare(db, SQL_UPDATE, &st)))
        return rc;
    bind_fields(st, a, c);
    db_bind_text(st, CRA_N_FIELDS + 1, VOCAB_VERSION);
    db_bind_int64(st, CRA_N_FIELDS + 2, now);
    db_bind_int64(st, CRA_N_FIELDS + 3, c->id);
    if ((rc = db_exec_stmt(st)))
        return rc;
    if (db_changes(st) != 1)
        return ERR_NOT_FOUND;
    static const char *const deletes[] = {SQL_THEMATIQUES_DELETE, SQL_TAGS_DELETE,
                                          SQL_ACCOMPAGNEMENTS_DELETE};
    for (size_t i = 0; i < 3; i++) {
        if ((rc = db_prepare(db, deletes[i], &st)))
            return rc;
        db_bind_int64(st, 1, c->id);
        if ((rc = db_exec_stmt(st)))
            return rc;
    }
    if ((rc = ensure_person(db, a, c, &old, now)) || (rc = insert_lists(db, c)) ||
        (rc = insert_accompagnements(db, c, &old, now)) ||
        (rc = activite_aggregates_apply(db, c, +1)))
        return rc;
    return exec_history(db, c, user_id, now, "modification", diff_text(a, &old, c));
}

int cra_update(struct db *db, struct arena *a, struct cra *c, int64_t user_id, int64_t now)
{
    int rc = db_begin(db);
    if (rc)
        return rc;
    rc = update_in_tx(db, a, c, user_id, now);
    if (rc == 0)
        rc = db_commit(db);
    if (rc)
        db_rollback(db);
    return rc;
}

static int delete_in_tx(struct db *db, struct arena *a, int64_t id, int64_t user_id, int64_t now)
{
    struct cra old;
    int rc = cra_get(db, a, id, false, &old);
    if (rc)
        return rc;
    if ((rc = activite_aggregates_apply(db, &old, -1)))
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, SQL_DELETE, &st)))
        return rc;
    db_bind_int64(st, 1, id);
    db_bind_int64(st, 2, now);
    if (user_id)
        db_bind_int64(st, 3, user_id);
    else
        db_bind_null(st, 3);
    if ((rc = db_exec_stmt(st)))
        return rc;
    if (db_changes(st) != 1)
        return ERR_NOT_FOUND;
    return exec_history(db, &old, user_id, now, "suppression", NULL);
}

int cra_delete(struct db *db, struct arena *a, int64_t id, int64_t user_id, int64_t now)
{
    int rc = db_begin(db);
    if (rc)
        return rc;
    rc = delete_in_tx(db, a, id, user_id, now);
    if (rc == 0)
        rc = db_commit(db);
    if (rc)
        db_rollback(db);
    return rc;
}
