/*
 * The store of beneficiaries: validation of a named record, folding and duplicate detection, merge,
 * erasure on request and anonymisation after inactivity. See beneficiaires.h for who sees what.
 */
#include "activite/beneficiaires.h"
#include "activite/aggregates.h"
#include "activite/cra.h"
#include "activite/suivi.h"
#include "activite/vocab.h"
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"
#include "db/db.h"
#include "html/ui.h"
#include "lieux/communes.h"

#include <string.h>
#include <time.h>
#include <utf8proc.h>

#define MAX_NAME_CHARS 100
#define MAX_NOTES_BYTES 2000
#define MAX_EMAIL_BYTES 254

const char *beneficiaire_consent_text(struct arena *a, int months)
{
    return arena_printf(
        a,
        "La personne accepte que sa structure de médiation numérique enregistre son prénom, son "
        "nom, son année de naissance ou sa tranche d'âge, son genre, sa situation, sa commune et, "
        "si elle le souhaite, son téléphone, son e-mail et des notes, pour suivre ses "
        "accompagnements et ses progrès vers l'autonomie numérique. Seuls les médiateurs de la "
        "structure y ont accès ; les statistiques du territoire ne montrent jamais son nom. Ces "
        "données sont effacées après %d mois sans accompagnement. Elle peut à tout moment les "
        "consulter, les recevoir, les faire corriger ou les faire effacer en le demandant à son "
        "médiateur.",
        months);
}

int beneficiaire_months_setting(const char *text)
{
    int64_t m;
    if (!text || cstr_to_int64(text, &m) || m < 1 || m > BENEFICIAIRE_ANONYMISE_MONTHS_MAX)
        return BENEFICIAIRE_ANONYMISE_MONTHS_DEFAULT;
    return (int)m;
}

/* ---------- folding and likeness ---------- */

const char *beneficiaire_fold(struct arena *a, const char *s)
{
    if (!s || !*s)
        return "";
    utf8proc_uint8_t *mapped = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)s, 0, &mapped,
                                      UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
                                          UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
    if (n < 0)
        return "";
    struct buf b;
    buf_init(&b, a, (size_t)n + 1);
    bool space = false;
    for (utf8proc_ssize_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t used = utf8proc_iterate(mapped + i, n - i, &cp);
        if (used <= 0)
            break;
        utf8proc_category_t cat = utf8proc_category(cp);
        bool word = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                    cat == UTF8PROC_CATEGORY_ND;
        if (!word) {
            space = b.len > 0;
        } else {
            if (space)
                buf_addch(&b, ' ');
            space = false;
            buf_add(&b, mapped + i, (size_t)used);
        }
        i += used;
    }
    free(mapped);
    return buf_finish(&b) ? "" : buf_cstr(&b);
}

/* Optimal string alignment distance, stopped as soon as it exceeds 1. */
bool beneficiaire_keys_close(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > lb + 1 || lb > la + 1)
        return false;
    size_t i = 0;
    while (i < la && i < lb && a[i] == b[i])
        i++;
    if (i == la && i == lb)
        return true;
    /* After the first difference, the rest must match under one edit. */
    if (la == lb) {
        if (strcmp(a + i + 1, b + i + 1) == 0)
            return true; /* substitution */
        return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] &&
               strcmp(a + i + 2, b + i + 2) == 0; /* swap */
    }
    if (la > lb)
        return strcmp(a + i + 1, b + i) == 0; /* deletion */
    return strcmp(a + i, b + i + 1) == 0;     /* insertion */
}

/* ---------- validation ---------- */

static const char *clean(struct arena *a, const char *s)
{
    struct str t = str_trim(str_from(s));
    return t.len ? str_dup(t, a) : NULL;
}

static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static bool has_control(const char *s)
{
    for (; s && *s; s++)
        if ((unsigned char)*s < 0x20)
            return true;
    return false;
}

static const char *check_vocab(struct arena *a, struct ui_errors *errs, const struct vocab *v,
                               const char *field, const char *label, const char *value)
{
    const char *x = clean(a, value);
    if (!x)
        return NULL;
    if (vocab_find(v, x) < 0) {
        ui_errors_add(errs, field,
                      arena_printf(a, "%s : « %s » n'est pas une valeur de la liste.", label, x));
        return NULL;
    }
    return x;
}

static bool is_code(const char *s)
{
    if (!s || strlen(s) != 5)
        return false;
    for (int i = 0; i < 5; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (i == 1 && (c == 'A' || c == 'B' || c == 'a' || c == 'b'))))
            return false;
    }
    return true;
}

static void set_commune(struct arena *a, struct beneficiaire *out, const struct commune *m,
                        const char *code_postal)
{
    out->commune_code_insee = arena_strdup(a, m->code_insee);
    out->commune_nom = arena_strdup(a, m->nom);
    out->commune_code_postal = code_postal && *code_postal ? arena_strdup(a, code_postal) : NULL;
}

/* A commune from a name, a postcode or an INSEE code. */
static void check_commune(const struct beneficiaire_input *in, const struct communes *communes,
                          struct arena *a, struct beneficiaire *out, struct ui_errors *errs)
{
    const char *text = clean(a, in->commune);
    if (!text)
        return;
    if (!communes) {
        if (!is_code(text))
            ui_errors_add(errs, "commune", "Commune : saisissez un code postal ou un code INSEE.");
        else
            out->commune_code_postal = text;
        return;
    }
    const char *chosen = clean(a, in->code_insee);
    if (chosen) {
        const struct commune *m = communes_by_insee(communes, chosen);
        if (m && strcmp(beneficiaire_fold(a, m->nom), beneficiaire_fold(a, text)) == 0) {
            set_commune(a, out, m, NULL);
            return;
        }
    }
    if (is_code(text)) {
        const struct commune *found[8];
        size_t n = communes_by_postcode(communes, text, found, 8);
        if (n == 1) {
            set_commune(a, out, found[0], text);
            return;
        }
        if (n > 1) {
            struct buf b;
            buf_init(&b, a, 4096);
            for (size_t i = 0; i < n && i < 8; i++)
                buf_addf(&b, "%s%s (%s)", i ? ", " : "", found[i]->nom, found[i]->code_insee);
            ui_errors_add(errs, "commune",
                          arena_printf(a,
                                       "Commune : le code postal %s couvre plusieurs communes "
                                       "(%s) ; saisissez le nom ou le code INSEE.",
                                       text, buf_cstr(&b)));
            return;
        }
        const struct commune *m = communes_by_insee(communes, text);
        if (m) {
            set_commune(a, out, m, NULL);
            return;
        }
        ui_errors_add(errs, "commune",
                      arena_printf(a, "Commune : aucune commune n'a le code %s.", text));
        return;
    }
    struct communes_result r[5];
    size_t n = communes_search(communes, text, NULL, 5, r);
    size_t exact = 0;
    const struct commune *m = NULL;
    for (size_t i = 0; i < n; i++)
        if (r[i].rank == 0) {
            exact++;
            if (!m)
                m = r[i].commune;
        }
    if (exact == 1) {
        set_commune(a, out, m, NULL);
        return;
    }
    if (exact > 1) {
        ui_errors_add(errs, "commune",
                      arena_printf(a,
                                   "Commune : plusieurs communes s'appellent « %s » ; saisissez "
                                   "le code postal ou le code INSEE.",
                                   text));
        return;
    }
    ui_errors_add(errs, "commune",
                  n ? arena_printf(a,
                                   "Commune : « %s » est inconnue ; vouliez-vous dire « %s » ? "
                                   "Vous pouvez aussi saisir le code postal.",
                                   text, r[0].commune->nom)
                    : arena_printf(a,
                                   "Commune : « %s » est inconnue ; saisissez le code postal ou "
                                   "le code INSEE.",
                                   text));
}

static void check_name(struct arena *a, struct ui_errors *errs, const char *field,
                       const char *label, const char *value, const char **out)
{
    *out = clean(a, value);
    if (!*out)
        ui_errors_add(errs, field,
                      arena_printf(a, "%s : obligatoire pour une personne suivie.", label));
    else if (utf8_chars(*out) > MAX_NAME_CHARS || has_control(*out))
        ui_errors_add(errs, field,
                      arena_printf(a, "%s : 100 caractères au plus, sur une ligne.", label));
    else if (!*beneficiaire_fold(a, *out))
        ui_errors_add(errs, field, arena_printf(a, "%s : au moins une lettre.", label));
}

int beneficiaire_validate(const struct beneficiaire_input *in, const struct communes *communes,
                          int current_year, bool require_consent, struct arena *a,
                          struct beneficiaire *out, struct ui_errors *errs)
{
    out->anonyme = false;
    check_name(a, errs, "prenom", "Prénom", in->prenom, &out->prenom);
    check_name(a, errs, "nom", "Nom", in->nom, &out->nom);
    out->annee_naissance = 0;
    const char *annee = clean(a, in->annee_naissance);
    if (annee && (cstr_to_int64(annee, &out->annee_naissance) ||
                  out->annee_naissance < current_year - 120 || out->annee_naissance > current_year))
        ui_errors_add(errs, "annee_naissance",
                      arena_printf(a,
                                   "Année de naissance : une année sur 4 chiffres entre %d et %d.",
                                   current_year - 120, current_year));
    out->tranche_age =
        check_vocab(a, errs, &vocab_tranche_age, "tranche_age", "Tranche d'âge", in->tranche_age);
    /* The birth year says the age band; a band typed too must agree with it. */
    if (out->annee_naissance && !ui_errors_for(errs, "annee_naissance")) {
        const char *derived = vocab_value(
            &vocab_tranche_age, tranche_age_of_birth_year((int)out->annee_naissance, current_year));
        if (out->tranche_age && strcmp(out->tranche_age, "non_communique") != 0 && derived &&
            strcmp(out->tranche_age, derived) != 0)
            ui_errors_add(errs, "tranche_age",
                          "Tranche d'âge : elle ne correspond pas à l'année de naissance ; "
                          "laissez-la vide, elle en sera déduite.");
        else
            out->tranche_age = derived;
    }
    out->genre = check_vocab(a, errs, &vocab_genre, "genre", "Genre", in->genre);
    out->statut_social =
        check_vocab(a, errs, &vocab_statut_social, "statut_social", "Situation", in->statut_social);
    out->commune_code_insee = out->commune_code_postal = out->commune_nom = NULL;
    check_commune(in, communes, a, out, errs);
    out->telephone = clean(a, in->telephone);
    if (out->telephone) {
        size_t digits = 0;
        bool ok = true;
        for (const char *p = out->telephone; *p; p++) {
            if (*p >= '0' && *p <= '9')
                digits++;
            else if (!(*p == ' ' || *p == '.' || *p == '-' || (*p == '+' && p == out->telephone)))
                ok = false;
        }
        if (!ok || digits < 10 || digits > 15)
            ui_errors_add(errs, "telephone",
                          "Téléphone : 10 chiffres, par exemple 06 12 34 56 78 ou +33 6 12 34 56 "
                          "78.");
    }
    out->email = clean(a, in->email);
    if (out->email) {
        const char *at = strchr(out->email, '@');
        if (!at || at == out->email || !strchr(at, '.') || strchr(at + 1, '@') ||
            strchr(out->email, ' ') || strlen(out->email) > MAX_EMAIL_BYTES ||
            has_control(out->email))
            ui_errors_add(errs, "email", "E-mail : une adresse comme nom@exemple.fr.");
    }
    out->notes = clean(a, in->notes);
    if (out->notes && strlen(out->notes) > MAX_NOTES_BYTES)
        ui_errors_add(errs, "notes", "Notes : 2 000 caractères au plus.");
    if (require_consent && !(in->consentement && strcmp(in->consentement, "1") == 0))
        ui_errors_add(errs, "consentement",
                      "Consentement : cochez la case après avoir lu le texte à la personne et "
                      "recueilli son accord ; sans accord, enregistrez l'accompagnement sans "
                      "nom.");
    return errs->n ? ERR_INVALID : 0;
}

/* ---------- access ---------- */

bool beneficiaire_can_see(const struct auth *au, const struct beneficiaire *b)
{
    if (auth_has(au, ROLE_ADMIN))
        return true;
    return (au->user_id && au->user_id == b->mediateur_id) || auth_is_member(au, b->structure_id);
}

/* ---------- storage ---------- */

#define COLUMNS                                                                                    \
    "b.id, b.mediateur_id, b.structure_id, b.departement, b.anonyme, b.prenom, b.nom, "            \
    "b.annee_naissance, b.tranche_age, b.genre, b.statut_social, b.commune_code_insee, "           \
    "b.commune_code_postal, b.commune_nom, b.telephone, b.email, b.notes, b.consent_at, "          \
    "b.consent_by, b.fusion_vers_id, b.demo, b.last_activity_at, b.created_at, b.updated_at, "     \
    "b.anonymised_at, u.name, s.nom, (SELECT count(*) FROM accompagnements ac JOIN cra c ON "      \
    "c.id = ac.cra_id WHERE ac.beneficiaire_id = b.id AND c.deleted_at IS NULL), (SELECT cu.name " \
    "FROM users cu WHERE cu.id = b.consent_by)"
#define FROM                                                                                       \
    " FROM beneficiaires b JOIN users u ON u.id = b.mediateur_id JOIN structures s ON s.id = "     \
    "b.structure_id"

static const char SQL_INSERT[] =
    "INSERT INTO beneficiaires (mediateur_id, structure_id, departement, anonyme, prenom, nom, "
    "annee_naissance, tranche_age, genre, statut_social, commune_code_insee, commune_code_postal, "
    "commune_nom, telephone, email, notes, consent_at, consent_by, demo, nom_cle, created_at, "
    "updated_at) VALUES ($1, $2, $3, 0, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, "
    "$17, $18, $19, $16, $16) RETURNING id";
static const char SQL_UPDATE[] =
    "UPDATE beneficiaires SET prenom = $2, nom = $3, annee_naissance = $4, tranche_age = $5, "
    "genre = $6, statut_social = $7, commune_code_insee = $8, commune_code_postal = $9, "
    "commune_nom = $10, telephone = $11, email = $12, notes = $13, nom_cle = $14, updated_at = $15 "
    "WHERE id = $1 AND anonyme = 0";
static const char SQL_GET[] = "SELECT " COLUMNS FROM " WHERE b.id = $1";
/* $1 user, $2 all, $3 folded query or '' */
#define LIST_WHERE                                                                                 \
    " WHERE b.anonyme = 0 AND b.fusion_vers_id IS NULL AND ($2 = 1 OR b.mediateur_id = $1 OR "     \
    "b.structure_id IN (SELECT m.structure_id FROM memberships m WHERE m.user_id = $1)) AND ($3 "  \
    "= '' OR b.nom_cle LIKE '%' || $3 || '%')"
static const char SQL_LIST[] =
    "SELECT " COLUMNS FROM LIST_WHERE " ORDER BY b.nom, b.prenom, b.id LIMIT $4 OFFSET $5";
static const char SQL_LIST_COUNT[] = "SELECT count(*) FROM beneficiaires b" LIST_WHERE;
static const char SQL_SIMILAR[] =
    "SELECT " COLUMNS FROM " WHERE b.structure_id = $1 AND b.anonyme = 0 AND b.fusion_vers_id IS "
    "NULL AND b.id <> $2 ORDER BY b.id";
static const char SQL_TRACE[] =
    "INSERT INTO beneficiaires_history (beneficiaire_id, departement, at, user_id, action, "
    "details) VALUES ($1, $2, $3, $4, $5, $6)";

static void bind_identity(struct db_stmt *st, int first, const struct beneficiaire *b)
{
    int k = first;
    db_bind_text(st, k++, b->prenom);
    db_bind_text(st, k++, b->nom);
    if (b->annee_naissance)
        db_bind_int64(st, k++, b->annee_naissance);
    else
        db_bind_null(st, k++);
    db_bind_text(st, k++, b->tranche_age);
    db_bind_text(st, k++, b->genre);
    db_bind_text(st, k++, b->statut_social);
    db_bind_text(st, k++, b->commune_code_insee);
    db_bind_text(st, k++, b->commune_code_postal);
    db_bind_text(st, k++, b->commune_nom);
    db_bind_text(st, k++, b->telephone);
    db_bind_text(st, k++, b->email);
    db_bind_text(st, k++, b->notes);
}

static const char *name_key(struct arena *a, const char *prenom, const char *nom)
{
    return beneficiaire_fold(a, arena_printf(a, "%s %s", prenom ? prenom : "", nom ? nom : ""));
}

int beneficiaire_trace(struct db *db, int64_t id, const char *departement, int64_t user_id,
                       const char *action, const char *details, int64_t now)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_TRACE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    db_bind_text(st, 2, departement);
    db_bind_int64(st, 3, now);
    if (user_id)
        db_bind_int64(st, 4, user_id);
    else
        db_bind_null(st, 4);
    db_bind_text(st, 5, action);
    db_bind_text(st, 6, details);
    return db_exec_stmt(st);
}

/* The statistics count a person's profile as it is when a CRA is counted (aggregates.h): a change
 * of profile, a merge or an erasure takes the person's CRAs out of the counters before the change
 * (sign -1) and puts them back after (+1), in the caller's transaction. */
static const char SQL_CRAS_OF[] =
    "SELECT DISTINCT ac.cra_id FROM accompagnements ac JOIN cra c ON c.id = ac.cra_id WHERE "
    "ac.beneficiaire_id IN ($1, $2) AND c.deleted_at IS NULL ORDER BY ac.cra_id";

struct counted {
    int64_t *ids;
    size_t n;
};

static int cras_of(struct db *db, struct arena *a, int64_t x, int64_t y, struct counted *out)
{
    out->ids = NULL;
    out->n = 0;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_CRAS_OF, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, x);
    db_bind_int64(st, 2, y ? y : x);
    size_t cap = 0;
    while ((rc = db_step(st)) == 1) {
        out->ids = arena_push(a, out->ids, out->n, &cap, sizeof(*out->ids));
        out->ids[out->n++] = db_col_int64(st, 0);
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

static int recount(struct db *db, const struct counted *c, int sign)
{
    for (size_t i = 0; i < c->n; i++) {
        struct cra one;
        cra_init(&one);
        one.id = c->ids[i];
        int rc = activite_aggregates_apply(db, &one, sign);
        if (rc)
            return rc;
    }
    return 0;
}

/* The CRAs of x (and y) taken out of the counters, to be put back with recount(+1). */
static int take_out(struct db *db, struct arena *a, int64_t x, int64_t y, struct counted *out)
{
    int rc = cras_of(db, a, x, y, out);
    return rc ? rc : recount(db, out, -1);
}

int beneficiaire_create(struct db *db, struct arena *a, struct beneficiaire *b, int64_t user_id,
                        int64_t now)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_INSERT, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, b->mediateur_id);
    db_bind_int64(st, 2, b->structure_id);
    db_bind_text(st, 3, b->departement);
    bind_identity(st, 4, b);
    db_bind_int64(st, 16, now);
    db_bind_int64(st, 17, user_id);
    db_bind_int64(st, 18, b->demo);
    db_bind_text(st, 19, name_key(a, b->prenom, b->nom));
    rc = db_step_one(st);
    if (rc == 0)
        b->id = db_col_int64(st, 0);
    db_reset(st);
    if (rc)
        return rc;
    b->anonyme = false;
    b->consent_at = b->created_at = b->updated_at = now;
    b->consent_by = user_id;
    return beneficiaire_trace(db, b->id, b->departement, user_id, "creation",
                              "fiche nominative créée avec le consentement de la personne", now);
}

int beneficiaire_update(struct db *db, struct arena *a, const struct beneficiaire *b,
                        int64_t user_id, int64_t now)
{
    struct counted cras;
    int rc = take_out(db, a, b->id, 0, &cras);
    if (rc)
        return rc;
    struct db_stmt *st;
    if ((rc = db_prepare(db, SQL_UPDATE, &st)))
        return rc;
    db_bind_int64(st, 1, b->id);
    bind_identity(st, 2, b);
    db_bind_text(st, 14, name_key(a, b->prenom, b->nom));
    db_bind_int64(st, 15, now);
    rc = db_exec_stmt(st);
    if (rc == 0 && db_changes(st) == 0)
        rc = ERR_NOT_FOUND;
    if (rc == 0)
        rc = recount(db, &cras, +1);
    if (rc)
        return rc;
    return beneficiaire_trace(db, b->id, b->departement, user_id, "modification", NULL, now);
}

static void read_row(struct db_stmt *st, struct arena *a, struct beneficiaire *b)
{
    int k = 0;
    b->id = db_col_int64(st, k++);
    b->mediateur_id = db_col_int64(st, k++);
    b->structure_id = db_col_int64(st, k++);
    b->departement = db_col_dup(st, k++, a);
    b->anonyme = db_col_int64(st, k++) != 0;
    b->prenom = db_col_dup(st, k++, a);
    b->nom = db_col_dup(st, k++, a);
    b->annee_naissance = db_col_int64(st, k++);
    b->tranche_age = db_col_dup(st, k++, a);
    b->genre = db_col_dup(st, k++, a);
    b->statut_social = db_col_dup(st, k++, a);
    b->commune_code_insee = db_col_dup(st, k++, a);
    b->commune_code_postal = db_col_dup(st, k++, a);
    b->commune_nom = db_col_dup(st, k++, a);
    b->telephone = db_col_dup(st, k++, a);
    b->email = db_col_dup(st, k++, a);
    b->notes = db_col_dup(st, k++, a);
    b->consent_at = db_col_int64(st, k++);
    b->consent_by = db_col_int64(st, k++);
    b->fusion_vers_id = db_col_int64(st, k++);
    b->demo = db_col_int64(st, k++) != 0;
    b->last_activity_at = db_col_int64(st, k++);
    b->created_at = db_col_int64(st, k++);
    b->updated_at = db_col_int64(st, k++);
    b->anonymised_at = db_col_int64(st, k++);
    b->mediateur_nom = db_col_dup(st, k++, a);
    b->structure_nom = db_col_dup(st, k++, a);
    b->accompagnements = db_col_int64(st, k++);
    b->consent_by_nom = db_col_dup(st, k++, a);
}

int beneficiaire_get(struct db *db, struct arena *a, int64_t id, struct beneficiaire *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_GET, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    rc = db_step_one(st);
    if (rc == 0)
        read_row(st, a, out);
    db_reset(st);
    return rc;
}

int beneficiaire_list(struct db *db, struct arena *a, int64_t user_id, bool all, const char *query,
                      int64_t offset, int64_t limit, struct beneficiaire **out, size_t *n,
                      int64_t *total)
{
    *out = NULL;
    *n = 0;
    *total = 0;
    const char *key = beneficiaire_fold(a, query);
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_LIST_COUNT, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, user_id);
    db_bind_int64(st, 2, all);
    db_bind_text(st, 3, key);
    if ((rc = db_step_one(st)) == 0)
        *total = db_col_int64(st, 0);
    db_reset(st);
    if (rc)
        return rc;
    if ((rc = db_prepare(db, SQL_LIST, &st)))
        return rc;
    db_bind_int64(st, 1, user_id);
    db_bind_int64(st, 2, all);
    db_bind_text(st, 3, key);
    db_bind_int64(st, 4, limit);
    db_bind_int64(st, 5, offset);
    size_t cap = 0;
    while ((rc = db_step(st)) == 1) {
        struct beneficiaire b;
        read_row(st, a, &b);
        *out = arena_push(a, *out, *n, &cap, sizeof(b));
        (*out)[(*n)++] = b;
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int beneficiaire_find_similar(struct db *db, struct arena *a, int64_t structure_id,
                              const char *prenom, const char *nom, int64_t annee_naissance,
                              int64_t exclude_id, struct beneficiaire **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    const char *key = name_key(a, prenom, nom);
    const char *swapped = name_key(a, nom, prenom);
    if (!*key)
        return 0;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_SIMILAR, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, structure_id);
    db_bind_int64(st, 2, exclude_id);
    size_t cap = 0;
    while ((rc = db_step(st)) == 1) {
        struct beneficiaire b;
        read_row(st, a, &b);
        const char *other = name_key(a, b.prenom, b.nom);
        if (!beneficiaire_keys_close(key, other) && !beneficiaire_keys_close(swapped, other))
            continue;
        if (annee_naissance && b.annee_naissance && annee_naissance != b.annee_naissance)
            continue;
        *out = arena_push(a, *out, *n, &cap, sizeof(b));
        (*out)[(*n)++] = b;
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

/* ---------- merge ---------- */

/* An accompaniment of from moves to into, unless into already has one for that CRA (a person
 * counted twice in one workshop): then from's is dropped. */
static const char SQL_MERGE_DROP_TWINS[] =
    "DELETE FROM accompagnements WHERE beneficiaire_id = $2 AND cra_id IN (SELECT cra_id FROM "
    "accompagnements WHERE beneficiaire_id = $1)";
static const char SQL_MERGE_MOVE[] =
    "UPDATE accompagnements SET beneficiaire_id = $1 WHERE beneficiaire_id = $2";
/* The referrals of from join into's journey. */
static const char SQL_MERGE_ORIENTATIONS[] =
    "UPDATE orientations SET beneficiaire_id = $1 WHERE beneficiaire_id = $2";
/* The first accompaniment of the merged person is the earliest CRA of the two. */
static const char SQL_MERGE_FIRST_CLEAR[] =
    "UPDATE accompagnements SET premier_accompagnement = 0 WHERE beneficiaire_id = $1";
static const char SQL_MERGE_FIRST_SET[] =
    "UPDATE accompagnements SET premier_accompagnement = 1 WHERE id = (SELECT ac.id FROM "
    "accompagnements ac JOIN cra c ON c.id = ac.cra_id WHERE ac.beneficiaire_id = $1 ORDER BY "
    "c.date, c.id LIMIT 1)";
static const char SQL_MERGE_INTO[] =
    "UPDATE beneficiaires SET consent_at = $2, consent_by = $3, annee_naissance = $4, tranche_age "
    "= $5, genre = $6, statut_social = $7, commune_code_insee = $8, commune_code_postal = $9, "
    "commune_nom = $10, telephone = $11, email = $12, notes = $13, last_activity_at = $14, "
    "updated_at = $15 WHERE id = $1";
static const char SQL_MERGE_FROM[] =
    "UPDATE beneficiaires SET anonyme = 1, prenom = NULL, nom = NULL, nom_cle = NULL, "
    "annee_naissance = NULL, telephone = NULL, email = NULL, notes = NULL, consent_at = NULL, "
    "consent_by = NULL, fusion_vers_id = $2, anonymised_at = $3, updated_at = $3 WHERE id = $1";

static const char *first_of(const char *a, const char *b) { return a && *a ? a : b; }

static int exec_ids(struct db *db, const char *sql, int64_t x, int64_t y)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, x);
    if (y)
        db_bind_int64(st, 2, y);
    return db_exec_stmt(st);
}

static int merge_in(struct db *db, struct arena *a, const struct beneficiaire *to,
                    const struct beneficiaire *from, int64_t user_id, int64_t now)
{
    struct counted cras;
    int rc = take_out(db, a, to->id, from->id, &cras);
    if (rc == 0)
        rc = exec_ids(db, SQL_MERGE_DROP_TWINS, to->id, from->id);
    if (rc == 0)
        rc = exec_ids(db, SQL_MERGE_MOVE, to->id, from->id);
    if (rc == 0)
        rc = exec_ids(db, SQL_MERGE_ORIENTATIONS, to->id, from->id);
    if (rc == 0)
        rc = exec_ids(db, SQL_MERGE_FIRST_CLEAR, to->id, 0);
    if (rc == 0)
        rc = exec_ids(db, SQL_MERGE_FIRST_SET, to->id, 0);
    if (rc)
        return rc;
    /* The earliest consent stands: the person agreed then. */
    bool earlier = from->consent_at && from->consent_at < to->consent_at;
    struct db_stmt *st;
    if ((rc = db_prepare(db, SQL_MERGE_INTO, &st)))
        return rc;
    db_bind_int64(st, 1, to->id);
    db_bind_int64(st, 2, earlier ? from->consent_at : to->consent_at);
    int64_t by = earlier ? from->consent_by : to->consent_by;
    if (by)
        db_bind_int64(st, 3, by);
    else
        db_bind_null(st, 3);
    int64_t annee = to->annee_naissance ? to->annee_naissance : from->annee_naissance;
    if (annee)
        db_bind_int64(st, 4, annee);
    else
        db_bind_null(st, 4);
    db_bind_text(st, 5, first_of(to->tranche_age, from->tranche_age));
    db_bind_text(st, 6, first_of(to->genre, from->genre));
    db_bind_text(st, 7, first_of(to->statut_social, from->statut_social));
    bool commune = to->commune_code_insee || to->commune_code_postal;
    const struct beneficiaire *c = commune ? to : from;
    db_bind_text(st, 8, c->commune_code_insee);
    db_bind_text(st, 9, c->commune_code_postal);
    db_bind_text(st, 10, c->commune_nom);
    db_bind_text(st, 11, first_of(to->telephone, from->telephone));
    db_bind_text(st, 12, first_of(to->email, from->email));
    const char *notes = to->notes && *to->notes && from->notes && *from->notes
                            ? arena_printf(a, "%s\n\n%s", to->notes, from->notes)
                            : first_of(to->notes, from->notes);
    db_bind_text(st, 13, notes);
    int64_t last = to->last_activity_at > from->last_activity_at ? to->last_activity_at
                                                                 : from->last_activity_at;
    if (last)
        db_bind_int64(st, 14, last);
    else
        db_bind_null(st, 14);
    db_bind_int64(st, 15, now);
    if ((rc = db_exec_stmt(st)))
        return rc;
    if ((rc = db_prepare(db, SQL_MERGE_FROM, &st)))
        return rc;
    db_bind_int64(st, 1, from->id);
    db_bind_int64(st, 2, to->id);
    db_bind_int64(st, 3, now);
    if ((rc = db_exec_stmt(st)) || (rc = recount(db, &cras, +1)))
        return rc;
    rc = beneficiaire_trace(db, to->id, to->departement, user_id, "fusion_recue",
                            arena_printf(a,
                                         "fiche n° %lld fusionnée dans celle-ci (%lld "
                                         "accompagnement(s) repris)",
                                         (long long)from->id, (long long)from->accompagnements),
                            now);
    if (rc == 0)
        rc = beneficiaire_trace(
            db, from->id, from->departement, user_id, "fusion",
            arena_printf(a, "fusionnée dans la fiche n° %lld", (long long)to->id), now);
    return rc;
}

int beneficiaire_merge(struct db *db, struct arena *a, int64_t into, int64_t from, int64_t user_id,
                       int64_t now)
{
    if (into == from)
        return ERR_INVALID;
    struct beneficiaire to, fr;
    int rc = beneficiaire_get(db, a, into, &to);
    if (rc == 0)
        rc = beneficiaire_get(db, a, from, &fr);
    if (rc)
        return rc;
    if (to.anonyme || fr.anonyme || to.fusion_vers_id || fr.fusion_vers_id ||
        to.structure_id != fr.structure_id)
        return ERR_INVALID;
    if ((rc = db_begin(db)))
        return rc;
    rc = merge_in(db, a, &to, &fr, user_id, now);
    if (rc == 0)
        return db_commit(db);
    db_rollback(db);
    return rc;
}

/* ---------- erasure and anonymisation ---------- */

/* The age band is derived from the birth year before the year goes, so that the statistics keep
 * it. */
static const char SQL_ERASE[] =
    "UPDATE beneficiaires SET anonyme = 1, prenom = NULL, nom = NULL, nom_cle = NULL, "
    "annee_naissance = NULL, tranche_age = $2, telephone = NULL, email = NULL, notes = NULL, "
    "consent_at = NULL, consent_by = NULL, anonymised_at = $3, updated_at = $3 WHERE id = $1 AND "
    "anonyme = 0";
/* A referral keeps its own minimal fields (anonymised on their own delay) but no longer points to
 * the person's record: the journey across structures goes with the name. */
static const char SQL_UNLINK_ORIENTATIONS[] =
    "UPDATE orientations SET beneficiaire_id = NULL WHERE beneficiaire_id = $1";

static int erase_one(struct db *db, struct arena *a, const struct beneficiaire *b, int64_t now)
{
    struct counted cras;
    int rc = take_out(db, a, b->id, 0, &cras);
    if (rc)
        return rc;
    struct tm tm;
    time_t t = (time_t)now;
    gmtime_r(&t, &tm);
    const char *band = b->tranche_age;
    if (b->annee_naissance)
        band = vocab_value(&vocab_tranche_age,
                           tranche_age_of_birth_year((int)b->annee_naissance, tm.tm_year + 1900));
    struct db_stmt *st;
    if ((rc = db_prepare(db, SQL_ERASE, &st)))
        return rc;
    db_bind_int64(st, 1, b->id);
    db_bind_text(st, 2, band);
    db_bind_int64(st, 3, now);
    rc = db_exec_stmt(st);
    if (rc == 0 && db_changes(st) == 0)
        rc = ERR_NOT_FOUND;
    if (rc == 0)
        rc = recount(db, &cras, +1);
    if (rc == 0 && (rc = db_prepare(db, SQL_UNLINK_ORIENTATIONS, &st)) == 0) {
        db_bind_int64(st, 1, b->id);
        rc = db_exec_stmt(st);
    }
    return rc;
}

int beneficiaire_erase(struct db *db, struct arena *a, int64_t id, int64_t user_id, int64_t now)
{
    struct beneficiaire b;
    int rc = beneficiaire_get(db, a, id, &b);
    if (rc)
        return rc;
    if (b.anonyme)
        return ERR_INVALID;
    if ((rc = db_begin(db)))
        return rc;
    rc = erase_one(db, a, &b, now);
    if (rc == 0)
        rc = beneficiaire_trace(db, id, b.departement, user_id, "effacement",
                                "données nominatives effacées à la demande de la personne ; les "
                                "accompagnements restent, anonymes",
                                now);
    if (rc == 0)
        return db_commit(db);
    db_rollback(db);
    return rc;
}

/* Named records with no CRA dated on or after the cut-off day and no change since the cut-off. */
static const char SQL_INACTIVE[] =
    "SELECT b.id FROM beneficiaires b WHERE b.anonyme = 0 AND coalesce(b.last_activity_at, 0) < "
    "$1 AND b.updated_at < $1 AND NOT EXISTS (SELECT 1 FROM accompagnements ac JOIN cra c ON c.id "
    "= ac.cra_id WHERE ac.beneficiaire_id = b.id AND c.deleted_at IS NULL AND c.date >= $2) "
    "ORDER BY b.id";

int beneficiaire_anonymise_inactive(struct db *db, struct arena *a, int64_t now, int months,
                                    int64_t *count)
{
    *count = 0;
    if (months < 1)
        return ERR_INVALID;
    /* The cut-off is the same day months earlier (the 31st becomes the month's last day). */
    struct tm tm;
    time_t t = (time_t)now;
    gmtime_r(&t, &tm);
    int total = tm.tm_year * 12 + tm.tm_mon - months;
    tm.tm_year = total / 12;
    tm.tm_mon = total % 12;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = tm.tm_year + 1900;
    int last = days[tm.tm_mon] + (tm.tm_mon == 1 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    if (tm.tm_mday > last)
        tm.tm_mday = last;
    int64_t cutoff = (int64_t)timegm(&tm);
    const char *cutoff_day =
        arena_printf(a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);

    struct db_stmt *st;
    int rc = db_prepare(db, SQL_INACTIVE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, cutoff);
    db_bind_text(st, 2, cutoff_day);
    int64_t *ids = NULL;
    size_t n = 0, cap = 0;
    while ((rc = db_step(st)) == 1) {
        ids = arena_push(a, ids, n, &cap, sizeof(*ids));
        ids[n++] = db_col_int64(st, 0);
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        struct beneficiaire b;
        if ((rc = beneficiaire_get(db, a, ids[i], &b)))
            return rc;
        if ((rc = db_begin(db)))
            return rc;
        rc = erase_one(db, a, &b, now);
        if (rc == 0)
            rc = beneficiaire_trace(db, b.id, b.departement, 0, "anonymisation",
                                    arena_printf(a,
                                                 "données nominatives effacées après %d mois "
                                                 "sans accompagnement",
                                                 months),
                                    now);
        if (rc == 0)
            rc = db_commit(db);
        else
            db_rollback(db);
        if (rc)
            return rc;
        (*count)++;
    }
    return 0;
}

/* ---------- export ---------- */

static const char SQL_HISTORY[] =
    "SELECT h.at, h.action, h.details, u.name FROM beneficiaires_history h LEFT JOIN users u ON "
    "u.id = h.user_id WHERE h.beneficiaire_id = $1 ORDER BY h.at, h.id";

static json_t *text_or_null(const char *s) { return s && *s ? json_string(s) : json_null(); }

static const char *iso_time(struct arena *a, int64_t t)
{
    if (!t)
        return NULL;
    struct tm tm;
    time_t tt = (time_t)t;
    gmtime_r(&tt, &tm);
    return arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

int beneficiaire_export_json(struct db *db, struct arena *a, int64_t id, int months, json_t **out)
{
    *out = NULL;
    struct beneficiaire b;
    int rc = beneficiaire_get(db, a, id, &b);
    if (rc)
        return rc;
    struct suivi_etape *steps;
    size_t n;
    if ((rc = suivi_parcours(db, a, id, &steps, &n)))
        return rc;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(b.id));
    json_object_set_new(o, "anonyme", json_boolean(b.anonyme));
    json_object_set_new(o, "prenom", text_or_null(b.prenom));
    json_object_set_new(o, "nom", text_or_null(b.nom));
    json_object_set_new(o, "annee_naissance",
                        b.annee_naissance ? json_integer(b.annee_naissance) : json_null());
    json_object_set_new(o, "tranche_age", text_or_null(b.tranche_age));
    json_object_set_new(o, "genre", text_or_null(b.genre));
    json_object_set_new(o, "statut_social", text_or_null(b.statut_social));
    json_object_set_new(o, "commune", text_or_null(b.commune_nom));
    json_object_set_new(o, "commune_code_postal", text_or_null(b.commune_code_postal));
    json_object_set_new(o, "commune_code_insee", text_or_null(b.commune_code_insee));
    json_object_set_new(o, "telephone", text_or_null(b.telephone));
    json_object_set_new(o, "email", text_or_null(b.email));
    json_object_set_new(o, "notes", text_or_null(b.notes));
    json_object_set_new(o, "structure", text_or_null(b.structure_nom));
    json_object_set_new(o, "mediateur", text_or_null(b.mediateur_nom));
    json_object_set_new(o, "cree_le", text_or_null(iso_time(a, b.created_at)));
    json_object_set_new(o, "modifie_le", text_or_null(iso_time(a, b.updated_at)));
    json_object_set_new(o, "consentement_le", text_or_null(iso_time(a, b.consent_at)));
    json_object_set_new(o, "consentement",
                        text_or_null(b.anonyme ? NULL : beneficiaire_consent_text(a, months)));
    json_t *acc = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *t = json_array();
        const char *p = steps[i].thematiques;
        while (p && *p) {
            const char *bar = strchr(p, '|');
            size_t len = bar ? (size_t)(bar - p) : strlen(p);
            json_array_append_new(t, json_stringn(p, len));
            p = bar ? bar + 1 : NULL;
        }
        json_array_append_new(acc, json_pack("{s:I, s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:o}",
                                             "cra_id", (json_int_t)steps[i].cra_id, "date",
                                             steps[i].date, "type", steps[i].type, "duree",
                                             (json_int_t)steps[i].duree, "autonomie",
                                             text_or_null(steps[i].autonomie), "thematiques", t,
                                             "titre_atelier", text_or_null(steps[i].titre_atelier),
                                             "mediateur", text_or_null(steps[i].mediateur_nom),
                                             "structure", text_or_null(steps[i].structure_nom)));
    }
    json_object_set_new(o, "accompagnements", acc);
    json_t *hist = json_array();
    struct db_stmt *st;
    if ((rc = db_prepare(db, SQL_HISTORY, &st)) == 0) {
        db_bind_int64(st, 1, id);
        while ((rc = db_step(st)) == 1)
            json_array_append_new(hist, json_pack("{s:o, s:s, s:o, s:o}", "le",
                                                  text_or_null(iso_time(a, db_col_int64(st, 0))),
                                                  "action", db_col_text(st, 1), "details",
                                                  text_or_null(db_col_text(st, 2)), "par",
                                                  text_or_null(db_col_text(st, 3))));
        db_reset(st);
        rc = rc < 0 ? rc : 0;
    }
    json_object_set_new(o, "historique", hist);
    if (rc) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}
