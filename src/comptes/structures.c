/* Structures: validation of their identifiers and their storage. */
#include "comptes/comptes.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "db/db.h"
#include "html/ui.h"

#include <string.h>
#include <time.h>

static const char SQL_STRUCTURE_INSERT[] =
    "INSERT INTO structures (nom, siret, rna, adresse, code_postal, commune, departement, demo, "
    "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id";
static const char SQL_STRUCTURE_UPDATE[] =
    "UPDATE structures SET nom = $1, siret = $2, rna = $3, adresse = $4, code_postal = $5, "
    "commune = $6, updated_at = $7 WHERE id = $8";
static const char SQL_STRUCTURE_GET[] =
    "SELECT id, nom, siret, rna, adresse, code_postal, commune, departement, demo, created_at "
    "FROM structures WHERE id = $1";
static const char SQL_STRUCTURE_LIST[] =
    "SELECT id, nom, siret, rna, adresse, code_postal, commune, departement, demo, created_at "
    "FROM structures WHERE id > $1 ORDER BY id LIMIT $2";
/* A coordinateur sees up to eight départements in one query; more scopes are queried in turns. */
static const char SQL_STRUCTURE_LIST_DEP[] =
    "SELECT id, nom, siret, rna, adresse, code_postal, commune, departement, demo, created_at "
    "FROM structures WHERE id > $1 AND departement IN ($3, $4, $5, $6, $7, $8, $9, $10) "
    "ORDER BY id LIMIT $2";
static const char SQL_STRUCTURE_MEMBERS[] =
    "SELECT u.id, u.name, u.email, m.role, u.password_hash IS NULL FROM memberships m "
    "JOIN users u ON u.id = m.user_id WHERE m.structure_id = $1 ORDER BY u.name, m.role";

bool departement_valid(const char *code)
{
    if (!code)
        return false;
    size_t n = strlen(code);
    if (n == 2) {
        if (strcmp(code, "2A") == 0 || strcmp(code, "2B") == 0)
            return true;
        if (code[0] < '0' || code[0] > '9' || code[1] < '0' || code[1] > '9')
            return false;
        int v = (code[0] - '0') * 10 + (code[1] - '0');
        return v >= 1 && v <= 95 && v != 20;
    }
    if (n == 3 && code[0] == '9' && code[1] == '7')
        return code[2] >= '1' && code[2] <= '6';
    return false;
}

static bool all_digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool siret_valid(const char *siret)
{
    if (!siret || !all_digits(siret, 14))
        return false;
    int sum = 0;
    for (int i = 0; i < 14; i++) {
        int d = siret[i] - '0';
        if (i % 2 == 0) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    if (sum % 10 == 0)
        return true;
    /* La Poste's establishments share the SIREN 356000000; their SIRETs follow a digit-sum rule
     * instead of the Luhn key. */
    if (strncmp(siret, "356000000", 9) != 0)
        return false;
    int digits = 0;
    for (int i = 0; i < 14; i++)
        digits += siret[i] - '0';
    return digits % 5 == 0;
}

/* Trims the field; NULL when empty; an error when it is longer than max or not UTF-8. */
static const char *clean(const char *v, size_t max, const char *field, const char *label,
                         struct ui_errors *errs, struct arena *a)
{
    struct str s = str_trim(str_from(v));
    if (s.len == 0)
        return NULL;
    if (!utf8_valid(s.p, s.len) || s.len > max) {
        ui_errors_add(errs, field,
                      arena_printf(a, "%s doit contenir au plus %zu caractères.", label, max));
        return NULL;
    }
    return str_dup(s, a);
}

static void structure_clean(struct structure *s, struct ui_errors *errs, struct arena *a)
{
    s->nom = clean(s->nom, 200, "nom", "Le nom", errs, a);
    if (!s->nom && !ui_errors_for(errs, "nom"))
        ui_errors_add(errs, "nom", "Saisissez le nom de la structure.");
    s->siret = clean(s->siret, 20, "siret", "Le SIRET", errs, a);
    if (s->siret && !siret_valid(s->siret))
        ui_errors_add(errs, "siret",
                      "Le SIRET doit compter 14 chiffres et avoir une clé valide (sans espaces).");
    s->rna = clean(s->rna, 20, "rna", "Le numéro RNA", errs, a);
    if (s->rna && !(s->rna[0] == 'W' && all_digits(s->rna + 1, 9)))
        ui_errors_add(errs, "rna", "Le numéro RNA s'écrit W suivi de 9 chiffres, par exemple "
                                   "W532001234.");
    s->adresse = clean(s->adresse, 300, "adresse", "L'adresse", errs, a);
    s->code_postal = clean(s->code_postal, 5, "code_postal", "Le code postal", errs, a);
    if (s->code_postal && !all_digits(s->code_postal, 5))
        ui_errors_add(errs, "code_postal", "Le code postal compte 5 chiffres.");
    s->commune = clean(s->commune, 150, "commune", "La commune", errs, a);
    s->departement = clean(s->departement, 3, "departement", "Le département", errs, a);
    if (!s->departement) {
        if (!ui_errors_for(errs, "departement"))
            ui_errors_add(errs, "departement", "Saisissez le numéro du département, par exemple 53.");
    } else if (!departement_valid(s->departement)) {
        ui_errors_add(errs, "departement",
                      "Le département doit être un code existant : 01 à 95, 2A, 2B ou 971 à 976.");
    }
}

/* Validates s and prepares the insert or update, with the identity fields bound to $1..$6. */
static int prepare_write(struct db *db, struct arena *a, struct structure *s,
                         struct ui_errors *errs, const char *sql, struct db_stmt **st)
{
    structure_clean(s, errs, a);
    if (errs->n)
        return ERR_INVALID;
    int rc = db_prepare(db, sql, st);
    if (rc)
        return rc;
    db_bind_text(*st, 1, s->nom);
    db_bind_text(*st, 2, s->siret);
    db_bind_text(*st, 3, s->rna);
    db_bind_text(*st, 4, s->adresse);
    db_bind_text(*st, 5, s->code_postal);
    db_bind_text(*st, 6, s->commune);
    return 0;
}

int structure_create(struct db *db, struct arena *a, struct structure *s, struct ui_errors *errs)
{
    struct db_stmt *st;
    int rc = prepare_write(db, a, s, errs, SQL_STRUCTURE_INSERT, &st);
    if (rc)
        return rc;
    db_bind_text(st, 7, s->departement);
    db_bind_int64(st, 8, s->demo);
    s->created_at = (int64_t)time(NULL);
    db_bind_int64(st, 9, s->created_at);
    rc = db_step_one(st);
    if (rc == 0)
        s->id = db_col_int64(st, 0);
    else if (rc == ERR_CONFLICT)
        ui_errors_add(errs, "siret", "Une structure existe déjà avec ce SIRET.");
    else if (rc == ERR_NOT_FOUND)
        rc = ERR_DB; /* RETURNING gave no row */
    db_reset(st);
    return rc;
}

int structure_update(struct db *db, struct arena *a, struct structure *s, struct ui_errors *errs)
{
    struct db_stmt *st;
    int rc = prepare_write(db, a, s, errs, SQL_STRUCTURE_UPDATE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 7, (int64_t)time(NULL));
    db_bind_int64(st, 8, s->id);
    rc = db_exec_stmt(st);
    if (rc == ERR_CONFLICT)
        ui_errors_add(errs, "siret", "Une structure existe déjà avec ce SIRET.");
    else if (rc == 0 && db_changes(st) == 0)
        rc = ERR_NOT_FOUND;
    return rc;
}

static void read_structure(struct db_stmt *st, struct arena *a, struct structure *s)
{
    s->id = db_col_int64(st, 0);
    s->nom = db_col_dup(st, 1, a);
    s->siret = db_col_dup(st, 2, a);
    s->rna = db_col_dup(st, 3, a);
    s->adresse = db_col_dup(st, 4, a);
    s->code_postal = db_col_dup(st, 5, a);
    s->commune = db_col_dup(st, 6, a);
    s->departement = db_col_dup(st, 7, a);
    s->demo = db_col_int64(st, 8) != 0;
    s->created_at = db_col_int64(st, 9);
}

int structure_get(struct db *db, struct arena *a, int64_t id, struct structure *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_STRUCTURE_GET, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    rc = db_step_one(st);
    if (rc == 0)
        read_structure(st, a, out);
    db_reset(st);
    return rc;
}

int structure_list(struct db *db, struct arena *a, const char *const *departements,
                   size_t n_departements, int64_t after, int64_t limit, struct structure **out,
                   size_t *n)
{
    *out = arena_calloc(a, (size_t)limit, sizeof(**out));
    *n = 0;
    /* Without a restriction one query; with one, eight départements per query, merged by id. */
    size_t groups = departements ? (n_departements + 7) / 8 : 1;
    for (size_t g = 0; g < groups; g++) {
        struct db_stmt *st;
        int rc = db_prepare(db, departements ? SQL_STRUCTURE_LIST_DEP : SQL_STRUCTURE_LIST, &st);
        if (rc)
            return rc;
        db_bind_int64(st, 1, after);
        db_bind_int64(st, 2, limit);
        if (departements)
            for (size_t k = 0; k < 8; k++) {
                size_t i = g * 8 + k;
                db_bind_text(st, (int)k + 3, departements[i < n_departements ? i : g * 8]);
            }
        while ((rc = db_step(st)) == 1) {
            struct structure s;
            read_structure(st, a, &s);
            /* insert in id order, keeping at most limit */
            size_t pos = *n;
            while (pos > 0 && (*out)[pos - 1].id > s.id)
                pos--;
            if (pos >= (size_t)limit)
                continue;
            size_t end = *n < (size_t)limit ? *n : (size_t)limit - 1;
            memmove(&(*out)[pos + 1], &(*out)[pos], (end - pos) * sizeof(**out));
            (*out)[pos] = s;
            if (*n < (size_t)limit)
                (*n)++;
        }
        db_reset(st);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int structure_members(struct db *db, struct arena *a, int64_t structure_id, struct member **out,
                      size_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_STRUCTURE_MEMBERS, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, structure_id);
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    while ((rc = db_step(st)) == 1) {
        *out = arena_push(a, *out, *n, &cap, sizeof(**out));
        struct member *m = &(*out)[(*n)++];
        m->user_id = db_col_int64(st, 0);
        m->name = db_col_dup(st, 1, a);
        m->email = db_col_dup(st, 2, a);
        m->role = role_parse(db_col_text(st, 3));
        m->pending = db_col_int64(st, 4) != 0;
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}
