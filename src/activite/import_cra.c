/* Past CRAs from a CSV file in La Coop's export layout (import_cra.h). */
#include "activite/import_cra.h"
#include "activite/cra.h"
#include "app/cli.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "db/db.h"
#include "lieux/communes.h"
#include "lieux/csvread.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define READ_PIECE (64 * 1024)

enum col {
    C_ID,
    C_DATE,
    C_TYPE,
    C_CANAL,
    C_NOM_LIEU,
    C_CODE_INSEE,
    C_COMMUNE,
    C_DUREE,
    C_TITRE,
    C_MATERIEL,
    C_THEMATIQUES,
    C_TAGS,
    C_DEMARCHE,
    C_AUTONOMIE,
    C_ORIENTE,
    C_REDIRECTION,
    C_B_COMMUNE,
    C_B_INSEE,
    C_GENRE,
    C_TRANCHE,
    C_STATUT,
    C_NOTES,
    C_COUNT
};

/* La Coop's headers (buildAccompagnementsWorksheet), with ’ written as '. */
static const char *const col_names[C_COUNT] = {
    "ID CRA",
    "Date",
    "Type",
    "Canaux d'accompagnement",
    "Nom du lieu",
    "Code Insee",
    "Commune",
    "Durée (min)",
    "Nom de l'atelier",
    "Matériel numérique utilisé",
    "Thématique(s) d'accompagnement",
    "Tags",
    "Nom de la démarche administrative",
    "Niveau d'autonomie (ou de l'atelier)",
    "Bénéficiaire réorienté",
    "Structure de redirection",
    "Commune du bénéficiaire",
    "Code Insee du bénéficiaire",
    "Genre du bénéficiaire",
    "Tranche d'âge du bénéficiaire",
    "Statut du bénéficiaire",
    "Notes supplémentaires",
};
static const bool col_required[C_COUNT] = {
    [C_DATE] = true, [C_TYPE] = true, [C_CANAL] = true, [C_DUREE] = true, [C_THEMATIQUES] = true,
};

static const char SQL_LIEU_BY_NAME[] =
    "SELECT id FROM lieux WHERE nom = $1 AND (code_insee = $2 OR $2 = '') "
    "ORDER BY CASE WHEN structure_id = $3 THEN 0 ELSE 1 END, id LIMIT 1";

struct row {
    size_t line;
    const char *cell[C_COUNT]; /* "" when the column is absent */
};

struct reader {
    struct arena *a;
    int index[C_COUNT]; /* column of each field in the file, -1 absent */
    bool header_seen;
    struct row *rows;
    size_t n_rows, cap_rows;
    const char *error;
};

/* A header or a label compared as people write it: ’ and ' alike, case and blanks around not
 * counted. */
static bool same_words(const char *a, const char *b)
{
    struct str x = str_trim(str_from(a)), y = str_trim(str_from(b));
    size_t i = 0, k = 0;
    while (i < x.len && k < y.len) {
        bool qa = (unsigned char)x.p[i] == 0xE2 && i + 2 < x.len &&
                  (unsigned char)x.p[i + 1] == 0x80 && (unsigned char)x.p[i + 2] == 0x99;
        bool qb = (unsigned char)y.p[k] == 0xE2 && k + 2 < y.len &&
                  (unsigned char)y.p[k + 1] == 0x80 && (unsigned char)y.p[k + 2] == 0x99;
        char ca = qa ? '\'' : (char)tolower((unsigned char)x.p[i]);
        char cb = qb ? '\'' : (char)tolower((unsigned char)y.p[k]);
        if (ca != cb)
            return false;
        i += qa ? 3 : 1;
        k += qb ? 3 : 1;
    }
    return i == x.len && k == y.len;
}

static int on_record(void *ctx, size_t line, char *const *cells, const size_t *lens, size_t n)
{
    struct reader *r = ctx;
    (void)lens;
    if (!r->header_seen) {
        r->header_seen = true;
        for (int c = 0; c < C_COUNT; c++) {
            r->index[c] = -1;
            for (size_t i = 0; i < n && r->index[c] < 0; i++)
                if (same_words(cells[i], col_names[c]))
                    r->index[c] = (int)i;
        }
        struct buf missing;
        buf_init(&missing, r->a, 4096);
        for (int c = 0; c < C_COUNT; c++)
            if (col_required[c] && r->index[c] < 0)
                buf_addf(&missing, "%s« %s »", missing.len ? ", " : "", col_names[c]);
        if (missing.len) {
            r->error = arena_printf(r->a,
                                    "colonnes manquantes : %s (la première ligne doit porter "
                                    "les en-têtes de l’export de La Coop)",
                                    buf_cstr(&missing));
            return ERR_INVALID;
        }
        return 0;
    }
    struct row row = {.line = line};
    for (int c = 0; c < C_COUNT; c++)
        row.cell[c] = r->index[c] >= 0 && (size_t)r->index[c] < n
                          ? arena_strdup(r->a, cells[r->index[c]])
                          : "";
    r->rows = arena_push(r->a, r->rows, r->n_rows, &r->cap_rows, sizeof(row));
    r->rows[r->n_rows++] = row;
    return 0;
}

/* The vocabulary value of a cell: a value as is, or the value of a label; anything else is given
 * back unchanged, so that cra_from_input names it. */
static const char *value_of(const struct vocab *v, const char *cell)
{
    struct str t = str_trim(str_from(cell));
    for (int i = 0; i < v->count; i++)
        if (str_eq_cstr(t, v->entries[i].value) || same_words(cell, v->entries[i].label))
            return v->entries[i].value;
    return cell;
}

/* The values of a multi-valued cell (line breaks, ';' or '|'), each through value_of. */
static const char *const *values_of(struct arena *a, const struct vocab *v, const char *cell,
                                    size_t *n)
{
    *n = 0;
    size_t cap = 1;
    for (const char *p = cell; *p; p++)
        cap += *p == '\n' || *p == ';' || *p == '|';
    const char **out = arena_calloc(a, cap, sizeof(*out));
    const char *p = cell;
    while (*p) {
        size_t len = strcspn(p, "\n;|");
        struct str t = str_trim((struct str){p, len});
        if (t.len)
            out[(*n)++] = v ? value_of(v, str_dup(t, a)) : str_dup(t, a);
        p += len;
        if (*p)
            p++;
    }
    return out;
}

/* "14/03/2026" → "2026-03-14"; other text as is (cra_validate names it). */
static const char *iso_date(struct arena *a, const char *cell)
{
    struct str t = str_trim(str_from(cell));
    if (t.len == 10 && t.p[2] == '/' && t.p[5] == '/')
        return arena_printf(a, "%.4s-%.2s-%.2s", t.p + 6, t.p + 3, t.p);
    /* A spreadsheet may add a time: "2026-03-14 00:00:00". */
    if (t.len > 10 && t.p[4] == '-' && t.p[10] == ' ')
        return str_dup((struct str){t.p, 10}, a);
    return str_dup(t, a);
}

/* La Coop writes the autonomy and the workshop's level as stars: "2/3". */
static const char *stars_or_value(const struct vocab *v, const char *cell)
{
    struct str t = str_trim(str_from(cell));
    if (t.len == 3 && t.p[1] == '/' && t.p[2] == '3' && t.p[0] >= '1' && t.p[0] <= '3')
        return v->entries[t.p[0] - '1'].value;
    return value_of(v, cell);
}

static const char *count_text(struct arena *a, int n)
{
    return n ? arena_printf(a, "%d", n) : NULL;
}

/* The column of the file where a CRA field comes from, to name it in the report. */
static enum col column_of(const char *field)
{
    static const struct {
        const char *field;
        enum col col;
    } map[] = {
        {"type", C_TYPE},
        {"date", C_DATE},
        {"duree", C_DUREE},
        {"type_lieu", C_CANAL},
        {"lieu_id", C_NOM_LIEU},
        {"commune", C_CODE_INSEE},
        {"thematiques", C_THEMATIQUES},
        {"materiel", C_MATERIEL},
        {"autonomie", C_AUTONOMIE},
        {"niveau_atelier", C_AUTONOMIE},
        {"oriente", C_ORIENTE},
        {"structure_de_redirection", C_REDIRECTION},
        {"precisions_demarche", C_DEMARCHE},
        {"titre_atelier", C_TITRE},
        {"notes", C_NOTES},
        {"nouveau_genre", C_GENRE},
        {"nouveau_tranche_age", C_TRANCHE},
        {"nouveau_statut_social", C_STATUT},
        {"nouveau_commune", C_B_INSEE},
        {"tags", C_TAGS},
    };
    for (size_t i = 0; i < N(map); i++)
        if (strcmp(map[i].field, field) == 0)
            return map[i].col;
    return C_COUNT;
}

static void add_problem(struct cra_import_report *rep, struct arena *a, const struct row *first,
                        enum col c, const char *rule)
{
    rep->problems =
        arena_push(a, rep->problems, rep->n_problems, &rep->cap_problems, sizeof(*rep->problems));
    rep->problems[rep->n_problems++] = (struct cra_import_problem){
        .line = first->line,
        .column = c < C_COUNT ? col_names[c] : "Participants",
        .value = c < C_COUNT ? first->cell[c] : NULL,
        .rule = rule,
    };
}

static int find_lieu(struct db *db, const struct cra_import_options *o, const struct row *r,
                     int64_t *id)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_LIEU_BY_NAME, &st);
    if (rc)
        return rc;
    struct str nom = str_trim(str_from(r->cell[C_NOM_LIEU]));
    db_bind_textn(st, 1, nom.p, nom.len);
    db_bind_text(st, 2, r->cell[C_CODE_INSEE]);
    db_bind_int64(st, 3, o->structure_id);
    rc = db_step_one(st);
    if (rc == 0)
        *id = db_col_int64(st, 0);
    db_reset(st);
    return rc;
}

struct parsed {
    struct cra c;
    const char *const *tags;
    size_t n_tags;
    bool ok;
};

/* One CRA from rows [first, first + n): its fields, then the rules. Problems go to the report. */
static int parse_group(struct db *db, const struct communes *communes,
                       const struct cra_import_options *o, struct arena *a, const struct row *rows,
                       size_t n, struct cra_import_report *rep, struct parsed *out)
{
    const struct row *r = &rows[0];
    struct cra_input in = {0};
    in.type = value_of(&vocab_cra_type, r->cell[C_TYPE]);
    in.date = iso_date(a, r->cell[C_DATE]);
    in.duree = r->cell[C_DUREE];
    in.type_lieu = value_of(&vocab_type_lieu, r->cell[C_CANAL]);
    in.commune = *r->cell[C_CODE_INSEE] ? r->cell[C_CODE_INSEE] : r->cell[C_COMMUNE];
    in.thematiques = values_of(a, &vocab_thematique, r->cell[C_THEMATIQUES], &in.n_thematiques);
    in.materiel = values_of(a, &vocab_materiel, r->cell[C_MATERIEL], &in.n_materiel);
    bool collectif = strcmp(in.type, "collectif") == 0;
    if (collectif)
        in.niveau_atelier = stars_or_value(&vocab_niveau_atelier, r->cell[C_AUTONOMIE]);
    else
        in.autonomie = stars_or_value(&vocab_autonomie, r->cell[C_AUTONOMIE]);
    struct str oriente = str_trim(str_from(r->cell[C_ORIENTE]));
    in.oriente = same_words(r->cell[C_ORIENTE], "Oui")   ? "oui"
                 : same_words(r->cell[C_ORIENTE], "Non") ? "non"
                                                         : str_dup(oriente, a);
    in.structure_de_redirection = value_of(&vocab_structure_redirection, r->cell[C_REDIRECTION]);
    in.precisions_demarche = r->cell[C_DEMARCHE];
    in.titre_atelier = r->cell[C_TITRE];
    in.notes = r->cell[C_NOTES];
    if (collectif) {
        /* One row per participant: their profiles become the anonymous counts. */
        int genre[GENRE_COUNT] = {0}, tranche[TRANCHE_AGE_COUNT] = {0},
            statut[STATUT_SOCIAL_COUNT] = {0};
        for (size_t i = 0; i < n; i++) {
            int g = vocab_find(&vocab_genre, value_of(&vocab_genre, rows[i].cell[C_GENRE]));
            int t = vocab_find(&vocab_tranche_age,
                               value_of(&vocab_tranche_age, rows[i].cell[C_TRANCHE]));
            int s = vocab_find(&vocab_statut_social,
                               value_of(&vocab_statut_social, rows[i].cell[C_STATUT]));
            genre[g < 0 ? GENRE_NON_COMMUNIQUE : g]++;
            tranche[t < 0 ? TRANCHE_AGE_NON_COMMUNIQUE : t]++;
            statut[s < 0 ? STATUT_SOCIAL_NON_COMMUNIQUE : s]++;
        }
        in.anon_total = count_text(a, (int)n);
        for (int i = 0; i < GENRE_COUNT; i++)
            in.anon_genre[i] = count_text(a, genre[i]);
        for (int i = 0; i < TRANCHE_AGE_COUNT; i++)
            in.anon_tranche_age[i] = count_text(a, tranche[i]);
        for (int i = 0; i < STATUT_SOCIAL_COUNT; i++)
            in.anon_statut_social[i] = count_text(a, statut[i]);
    } else {
        in.nouveau_genre = value_of(&vocab_genre, r->cell[C_GENRE]);
        in.nouveau_tranche_age = value_of(&vocab_tranche_age, r->cell[C_TRANCHE]);
        in.nouveau_statut_social = value_of(&vocab_statut_social, r->cell[C_STATUT]);
        in.nouveau_commune = *r->cell[C_B_INSEE] ? r->cell[C_B_INSEE] : r->cell[C_B_COMMUNE];
    }

    struct cra *c = &out->c;
    cra_init(c);
    c->departement = o->departement; /* communes are looked for there first */
    struct cra_errors e = {0}, rules = {0};
    cra_from_input(&in, communes, a, c, &e);
    c->mediateur_id = o->mediateur_id;
    c->structure_id = o->structure_id;
    c->departement = o->departement;
    c->origine = CRA_ORIGINE_IMPORT;
    if (c->type_lieu == TYPE_LIEU_LIEU_ACTIVITE && *r->cell[C_NOM_LIEU]) {
        int64_t id = 0;
        int rc = find_lieu(db, o, r, &id);
        if (rc && rc != ERR_NOT_FOUND)
            return rc;
        if (rc == ERR_NOT_FOUND)
            cra_errors_add(&e, "lieu_id",
                           "aucun lieu de ce nom (et de ce code INSEE) dans Relais : importez "
                           "d’abord les lieux, ou corrigez le nom");
        c->lieu_id = id;
    }
    cra_validate(c, o->today, &rules);
    for (size_t i = 0; i < rules.n; i++)
        if (!cra_errors_for(&e, rules.items[i].field))
            cra_errors_add(&e, rules.items[i].field, rules.items[i].message);
    if (e.n == 0) {
        int rc = cra_check_refs(db, c, &e);
        if (rc && rc != ERR_INVALID)
            return rc;
    }
    out->tags = values_of(a, NULL, r->cell[C_TAGS], &out->n_tags);
    for (size_t i = 0; i < out->n_tags; i++)
        if (strlen(out->tags[i]) > 80)
            cra_errors_add(&e, "tags", "Tags : 80 caractères au plus par tag.");
    for (size_t i = 0; i < e.n; i++) {
        enum col col = column_of(e.items[i].field);
        add_problem(rep, a, r, col, e.items[i].message);
    }
    out->ok = e.n == 0;
    return 0;
}

static int store_one(struct db *db, const struct cra_import_options *o, struct arena *a,
                     struct parsed *p)
{
    int64_t *tags = arena_calloc(a, p->n_tags + 1, sizeof(*tags));
    for (size_t i = 0; i < p->n_tags; i++) {
        int rc =
            cra_tag_personnel(db, o->mediateur_id, o->departement, p->tags[i], o->now, &tags[i]);
        if (rc)
            return rc;
    }
    p->c.tags = tags;
    p->c.n_tags = p->n_tags;
    return cra_insert(db, a, &p->c, o->mediateur_id, o->now);
}

static int read_file(const char *path, struct reader *r, struct cra_import_report *rep)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        rep->error = arena_printf(r->a, "impossible de lire « %s » : %s", path, strerror(errno));
        return ERR_IO;
    }
    struct csvread csv;
    csvread_init(&csv, &(struct csvread_options){0}, on_record, r);
    char piece[READ_PIECE];
    size_t n;
    int rc = 0;
    while (rc == 0 && (n = fread(piece, 1, sizeof(piece), f)) > 0)
        rc = csvread_feed(&csv, piece, n);
    if (rc == 0 && ferror(f))
        rc = ERR_IO;
    if (rc == 0)
        rc = csvread_finish(&csv);
    if (rc) {
        size_t line = 0;
        const char *m = csvread_error(&csv, &line);
        rep->error = r->error ? r->error : *m ? arena_strdup(r->a, m) : "lecture impossible";
        rep->error_line = line;
    } else if (!r->header_seen) {
        rep->error = "le fichier est vide";
        rc = ERR_INVALID;
    }
    csvread_release(&csv);
    fclose(f);
    return rc;
}

int cra_import_csv(struct db *db, const struct communes *communes,
                   const struct cra_import_options *o, struct arena *a,
                   struct cra_import_report *rep)
{
    memset(rep, 0, sizeof(*rep));
    struct reader r = {.a = a};
    int rc = read_file(o->path, &r, rep);
    if (rc)
        return rc;
    rep->rows = r.n_rows;
    struct parsed *all = arena_calloc(a, r.n_rows + 1, sizeof(*all));
    size_t n = 0;
    for (size_t i = 0; i < r.n_rows;) {
        /* The rows of one workshop follow each other under the same « ID CRA ». */
        size_t k = i + 1;
        while (k < r.n_rows && *r.rows[i].cell[C_ID] &&
               strcmp(r.rows[k].cell[C_ID], r.rows[i].cell[C_ID]) == 0)
            k++;
        if ((rc = parse_group(db, communes, o, a, &r.rows[i], k - i, rep, &all[n])))
            return rc;
        n++;
        i = k;
    }
    rep->cras = n;
    for (size_t i = 0; i < n; i++)
        rep->rejected += !all[i].ok;
    bool one_transaction = o->dry_run || o->all_or_nothing;
    if (one_transaction && (rc = db_begin(db)))
        return rc;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (!all[i].ok)
            continue;
        if (one_transaction) {
            rc = store_one(db, o, a, &all[i]);
        } else if ((rc = db_begin(db)) == 0) {
            rc = store_one(db, o, a, &all[i]);
            rc = rc ? rc : db_commit(db);
            if (rc)
                db_rollback(db);
        }
        if (rc == 0)
            rep->stored++;
    }
    if (one_transaction) {
        bool keep = rc == 0 && !o->dry_run && !(o->all_or_nothing && rep->rejected);
        if (keep)
            rc = db_commit(db);
        else
            db_rollback(db);
        if (!keep || rc)
            rep->stored = 0;
    }
    return rc;
}

/* ---- relais import activites ---- */

int activite_import_cli(int argc, char **argv)
{
    struct config cfg;
    config_init(&cfg);
    const char *structure = NULL, *mediateur = NULL, *dry = NULL, *all = NULL,
               *communes_dir = cfg.communes_dir;
    const struct cli_opt opts[] = {
        {"database", "URL",
         "base de données : sqlite:CHEMIN ou postgresql://… (RELAIS_DATABASE_URL)",
         &cfg.database_url},
        {"structure", "ID", "la structure employeuse des CRA (obligatoire)", &structure},
        {"mediateur", "EMAIL", "le médiateur de la structure qui les a faits (obligatoire)",
         &mediateur},
        {"dry-run", NULL, "vérifie tout sans rien enregistrer", &dry},
        {"all-or-nothing", NULL, "n'importe rien si un seul CRA est rejeté", &all},
        {"communes", "DOSSIER", "données des communes (ref/data/communes)", &communes_dir},
    };
    const struct cli_cmd cmd = {
        "relais import activites FICHIER --structure ID --mediateur EMAIL [options]",
        "Importe des CRA passés depuis un CSV aux colonnes de l'export de La Coop de la "
        "médiation numérique (une ligne par personne accompagnée, les lignes d'un atelier "
        "partagent son « ID CRA ») ; chaque CRA refusé est signalé avec sa ligne, sa colonne, "
        "sa valeur et la règle.",
        opts, N(opts)};
    const char *pos[2];
    int status;
    if (cli_stop(&cmd, argc, argv, pos, 2, &status))
        return status;
    if (strcmp(pos[0], "activites") != 0 || !structure || !mediateur) {
        if (!structure || !mediateur)
            fprintf(stderr, "relais : --structure et --mediateur sont obligatoires\n");
        cli_usage(&cmd);
        return 2;
    }
    int64_t sid;
    if (cstr_to_int64(structure, &sid) || sid <= 0) {
        fprintf(stderr, "relais : --structure : l'identifiant (nombre) d'une structure\n");
        return 2;
    }
    struct communes *communes = NULL;
    if (communes_load(communes_dir, &communes))
        fprintf(stderr,
                "relais : communes introuvables dans %s : seules les communes données par leur "
                "code INSEE seront lues\n",
                communes_dir);
    struct db *db;
    if (cli_open_db(cfg.database_url, &db)) {
        communes_free(communes);
        return 2;
    }
    struct arena a = ARENA_INIT;
    struct cra_import_options o = {.path = pos[1],
                                   .structure_id = sid,
                                   .dry_run = dry != NULL,
                                   .all_or_nothing = all != NULL,
                                   .now = (int64_t)time(NULL)};
    char today[11];
    cra_today(today);
    o.today = today;
    int rc = cra_mediateur_of_structure(db, &a, mediateur, sid, &o.mediateur_id, &o.departement);
    if (rc == ERR_NOT_FOUND) {
        fprintf(stderr, "relais : --mediateur : %s n'est pas médiateur de la structure %lld\n",
                mediateur, (long long)sid);
        rc = 2;
        goto out;
    }
    struct cra_import_report rep = {0};
    if (rc == 0)
        rc = cra_import_csv(db, communes, &o, &a, &rep);
    if (rc) {
        if (rc != ERR_DB && rep.error)
            fprintf(stderr, "relais : %s%s\n", rep.error,
                    rep.error_line ? arena_printf(&a, " (ligne %zu)", rep.error_line) : "");
        else
            fprintf(stderr, "relais : l'import a échoué (%s) : rien n'est enregistré\n",
                    err_name(rc));
        rc = 2;
        goto out;
    }
    for (size_t i = 0; i < rep.n_problems; i++) {
        const struct cra_import_problem *p = &rep.problems[i];
        printf("ligne %zu, colonne « %s »%s%s%s : %s\n", p->line, p->column,
               p->value ? ", valeur « " : "", p->value ? p->value : "", p->value ? " »" : "",
               p->rule);
    }
    if (o.dry_run)
        printf("%zu lignes, %zu CRA : %zu valides, %zu refusé%s (essai, rien n'est enregistré)\n",
               rep.rows, rep.cras, rep.cras - rep.rejected, rep.rejected,
               rep.rejected > 1 ? "s" : "");
    else
        printf("%zu lignes, %zu CRA : %zu enregistrés, %zu refusé%s\n", rep.rows, rep.cras,
               rep.stored, rep.rejected, rep.rejected > 1 ? "s" : "");
    if (o.all_or_nothing && rep.rejected && !o.dry_run)
        printf("tout ou rien : %zu CRA refusé%s, le fichier n'est pas importé\n", rep.rejected,
               rep.rejected > 1 ? "s" : "");
    rc = rep.rejected ? 1 : 0;
out:
    arena_release(&a);
    db_close(db);
    communes_free(communes);
    return rc;
}
