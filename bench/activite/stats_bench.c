/*
 * stats_bench: generates CRAs with realistic mixes in set-based SQL (one text for both databases: a
 * recursive series joined to small tables of médiateurs, days and vocabularies), counts them with
 * activite_aggregates_rebuild, then times the dashboard of one département over 12 months with
 * every breakdown, from the counters and by plain GROUP BY on the raw rows.
 *
 *   stats_bench URL generate CRAS DEPARTEMENTS MEDIATEURS
 *   stats_bench URL measure RUNS [raw|plain] (prints p50 / p99 in ms)
 *
 * The shape of the issue is 10,000,000 CRAs, 100 départements, 4,000 médiateurs, 36 months: one
 * département holds 40 médiateurs and ~2,800 CRAs a month. A smaller run keeps that density per
 * département (CRAS / DEPARTEMENTS and MEDIATEURS / DEPARTEMENTS), so that the dashboard of one
 * département reads the same number of rows.
 *
 * Generated ids start at ID_BASE, so that the ids the databases hand out to later writes (the
 * HTTP part of the benchmark) never collide with them.
 */
#include "activite/aggregates.h"
#include "activite/stats.h"
#include "activite/vocab.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ID_BASE 1000000000LL
#define PEOPLE_PER_MEDIATEUR 30
#define DAYS 1096 /* 2023-01-01 .. 2025-12-31 */
#define CHUNK 100000

static const char SQL_DAYS_TABLE[] =
    "CREATE TABLE IF NOT EXISTS bench_days (d INTEGER PRIMARY KEY, date TEXT NOT NULL)";
static const char SQL_DAY[] = "INSERT INTO bench_days (d, date) VALUES ($1, $2)";
static const char SQL_MED_TABLE[] =
    "CREATE TABLE IF NOT EXISTS bench_med (k INTEGER PRIMARY KEY, user_id BIGINT NOT NULL, "
    "structure_id BIGINT NOT NULL, departement TEXT NOT NULL, lieu_id BIGINT NOT NULL, commune "
    "TEXT NOT NULL, tag_id BIGINT NOT NULL)";
static const char SQL_MED[] =
    "INSERT INTO bench_med (k, user_id, structure_id, departement, lieu_id, commune, tag_id) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)";
static const char SQL_THEM_TABLE[] =
    "CREATE TABLE IF NOT EXISTS bench_them (k INTEGER PRIMARY KEY, value TEXT NOT NULL)";
static const char SQL_THEM[] = "INSERT INTO bench_them (k, value) VALUES ($1, $2)";
static const char SQL_STRUCTURE[] =
    "INSERT INTO structures (nom, departement, created_at, updated_at) VALUES ($1, $2, 0, 0) "
    "RETURNING id";
static const char SQL_USER[] =
    "INSERT INTO users (email, name, created_at) VALUES ($1, $2, 0) RETURNING id";
static const char SQL_LIEU[] =
    "INSERT INTO lieux (source_key, ext_id, structure_id, departement, nom, code_insee, "
    "created_at, updated_at) VALUES ('bench', $1, $2, $3, $1, $4, 0, 0) RETURNING id";
static const char SQL_TAG[] =
    "INSERT INTO tags (scope, departement, nom, created_at) VALUES ('departement', $1, $2, 0) "
    "RETURNING id";

/* The followed (named) people: PEOPLE_PER_MEDIATEUR per médiateur. */
static const char SQL_GEN_PEOPLE[] =
    "INSERT INTO beneficiaires (id, mediateur_id, structure_id, departement, anonyme, prenom, "
    "nom, genre, tranche_age, statut_social, commune_code_insee, consent_at, created_at, "
    "updated_at) "
    "WITH RECURSIVE n(i) AS (SELECT CAST(0 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < "
    "CAST($1 AS BIGINT) - 1) SELECT CAST($2 AS BIGINT) + n.i, m.user_id, m.structure_id, m.departement, 0, 'Prénom', 'Nom', "
    "CASE n.i % 3 WHEN 0 THEN 'feminin' WHEN 1 THEN 'masculin' ELSE 'non_communique' END, "
    "CASE n.i % 7 WHEN 0 THEN 'dix_huit_vingt_quatre' WHEN 1 THEN 'vingt_cinq_trente_neuf' WHEN 2 "
    "THEN 'quarante_cinquante_neuf' WHEN 3 THEN 'soixante_soixante_neuf' WHEN 4 THEN "
    "'soixante_dix_plus' WHEN 5 THEN 'soixante_dix_plus' ELSE 'non_communique' END, "
    "CASE n.i % 5 WHEN 0 THEN 'retraite' WHEN 1 THEN 'sans_emploi' WHEN 2 THEN 'en_emploi' WHEN 3 "
    "THEN 'retraite' ELSE 'non_communique' END, m.commune, 1, 0, 0 "
    "FROM n JOIN bench_med m ON m.k = n.i / 30";

/* CRAs i in [$1, $2): médiateur i % M, day (i * 389) % DAYS, kinds 70 % individuel, 10 % démarche,
 * 20 % collectif; 75 % at the lieu. */
#define GEN_SERIES                                                                                 \
    "WITH RECURSIVE n(i) AS (SELECT CAST($1 AS BIGINT) UNION ALL SELECT i + 1 FROM n WHERE i < "   \
    "CAST($2 AS BIGINT) - 1) "
#define GEN_KIND "CASE WHEN (n.i * 13) % 100 < 70 THEN 'individuel' WHEN (n.i * 13) % 100 < 80 THEN 'demarche' ELSE 'collectif' END"
static const char SQL_GEN_CRA[] =
    "INSERT INTO cra (id, type, mediateur_id, structure_id, lieu_id, departement, date, duree, "
    "type_lieu, commune_code_insee, materiel, autonomie, anon_total, anon_deja_accompagne, "
    "anon_genre_feminin, anon_tranche_soixante_dix_plus, anon_statut_retraite, "
    "accompagnements_count, vocab_version, origine, created_at, updated_at) " GEN_SERIES
    "SELECT CAST($4 AS BIGINT) + n.i, " GEN_KIND ", m.user_id, m.structure_id, "
    "CASE WHEN (n.i * 19) % 100 < 75 THEN m.lieu_id ELSE NULL END, m.departement, d.date, "
    "CASE (n.i * 17) % 10 WHEN 0 THEN 15 WHEN 1 THEN 30 WHEN 2 THEN 30 WHEN 3 THEN 45 WHEN 4 THEN "
    "45 WHEN 5 THEN 60 WHEN 6 THEN 60 WHEN 7 THEN 90 WHEN 8 THEN 120 ELSE 150 END, "
    "CASE WHEN (n.i * 19) % 100 < 75 THEN 'lieu_activite' WHEN (n.i * 19) % 100 < 87 THEN "
    "'a_distance' WHEN (n.i * 19) % 100 < 95 THEN 'domicile' ELSE 'autre' END, "
    "CASE WHEN (n.i * 19) % 100 < 75 THEN NULL ELSE m.commune END, "
    "CASE (n.i * 23) % 6 WHEN 0 THEN 'ordinateur' WHEN 1 THEN 'telephone' WHEN 2 THEN "
    "'ordinateur|telephone' WHEN 3 THEN 'tablette' WHEN 4 THEN 'ordinateur' ELSE 'aucun' END, "
    "CASE WHEN (n.i * 13) % 100 >= 80 THEN NULL WHEN (n.i * 29) % 3 = 0 THEN "
    "'entierement_accompagne' WHEN (n.i * 29) % 3 = 1 THEN 'partiellement_autonome' ELSE "
    "'autonome' END, "
    "CASE WHEN (n.i * 13) % 100 >= 80 THEN 3 + n.i % 6 ELSE 0 END, "
    "CASE WHEN (n.i * 13) % 100 >= 80 THEN 1 ELSE 0 END, "
    "CASE WHEN (n.i * 13) % 100 >= 80 THEN 2 ELSE 0 END, "
    "CASE WHEN (n.i * 13) % 100 >= 80 THEN 1 ELSE 0 END, "
    "CASE WHEN (n.i * 13) % 100 >= 80 THEN 1 ELSE 0 END, "
    "CASE WHEN (n.i * 13) % 100 >= 80 THEN 5 + n.i % 6 ELSE 1 END, 'bench', 'demo', $4 + n.i, "
    "$4 + n.i "
    "FROM n JOIN bench_med m ON m.k = n.i % $3 JOIN bench_days d ON d.d = (n.i * 389) % 1096";
/* One or two thématiques: a procedure's, or one or two of the mediation ones. */
static const char SQL_GEN_THEM1[] =
    "INSERT INTO cra_thematiques (cra_id, departement, thematique) "
    "SELECT c.id, c.departement, CASE WHEN c.type = 'demarche' THEN "
    "'aide_aux_demarches_administratives' ELSE t.value END FROM cra c JOIN bench_them t ON t.k = "
    "(c.id * 31) % 18 WHERE c.id >= $1 AND c.id < $2";
static const char SQL_GEN_THEM2[] =
    "INSERT INTO cra_thematiques (cra_id, departement, thematique) "
    "SELECT c.id, c.departement, t.value FROM cra c JOIN bench_them t ON t.k = CASE WHEN c.type = "
    "'demarche' THEN 19 + (c.id * 7) % 11 ELSE ((c.id * 31) % 18 + 1 + (c.id * 11) % 17) % 18 END "
    "WHERE c.id >= $1 AND c.id < $2 AND (c.type = 'demarche' OR (c.id * 37) % 10 < 4)";
static const char SQL_GEN_TAGS[] =
    "INSERT INTO cra_tags (cra_id, tag_id, departement) SELECT c.id, m.tag_id, c.departement "
    "FROM cra c JOIN bench_med m ON m.k = (c.id - $3) % $4 WHERE c.id >= $1 AND c.id < $2 AND "
    "(c.id * 41) % 10 = 0";
/* Individual kinds: half a followed person of the médiateur, half a new anonymous person (as the
 * CRA form does), with ids ID_BASE * 2 + the CRA's number. */
static const char SQL_GEN_ANON[] =
    "INSERT INTO beneficiaires (id, mediateur_id, structure_id, departement, anonyme, genre, "
    "tranche_age, statut_social, created_at, updated_at) SELECT c.id + $3, c.mediateur_id, "
    "c.structure_id, c.departement, 1, CASE c.id % 3 WHEN 0 THEN 'feminin' WHEN 1 THEN "
    "'masculin' ELSE 'non_communique' END, CASE c.id % 4 WHEN 0 THEN 'soixante_dix_plus' WHEN 1 "
    "THEN 'quarante_cinquante_neuf' ELSE 'non_communique' END, 'non_communique', 0, 0 FROM cra c "
    "WHERE c.id >= $1 AND c.id < $2 AND c.type <> 'collectif' AND (c.id * 43) % 2 = 0";
static const char SQL_GEN_ACC_ANON[] =
    "INSERT INTO accompagnements (cra_id, beneficiaire_id, departement, premier_accompagnement, "
    "autonomie) SELECT c.id, c.id + $3, c.departement, 1, c.autonomie FROM cra c WHERE c.id >= "
    "$1 AND c.id < $2 AND c.type <> 'collectif' AND (c.id * 43) % 2 = 0";
static const char SQL_GEN_ACC_NAMED[] =
    "INSERT INTO accompagnements (cra_id, beneficiaire_id, departement, premier_accompagnement, "
    "autonomie) SELECT c.id, $3 + ((c.id - $5) % $4) * 30 + ((c.id - $5) / $4) % 30, "
    "c.departement, 0, c.autonomie FROM cra c WHERE c.id >= $1 AND c.id < $2 AND (c.type = "
    "'collectif' OR (c.id * 43) % 2 = 1)";
static const char SQL_GEN_ACC_SECOND[] =
    "INSERT INTO accompagnements (cra_id, beneficiaire_id, departement, premier_accompagnement, "
    "autonomie) SELECT c.id, $3 + ((c.id - $5) % $4) * 30 + ((c.id - $5) / $4 + 1) % 30, "
    "c.departement, 0, NULL FROM cra c WHERE c.id >= $1 AND c.id < $2 AND c.type = 'collectif'";
static const char SQL_GEN_PREMIER[] =
    "UPDATE accompagnements SET premier_accompagnement = 1 WHERE id IN (SELECT MIN(a.id) FROM "
    "accompagnements a WHERE a.beneficiaire_id < $1 GROUP BY a.beneficiaire_id)";

/*
 * The peer of the benchmark: the dashboard by plain GROUP BY on the raw rows, the simplest SQL
 * (département and dates only, no optional filter), one query per figure, as a reporting tool
 * would send it.
 */
#define PLAIN_FROM " FROM cra c "
#define PLAIN_WHERE                                                                                \
    " WHERE c.departement = $1 AND c.deleted_at IS NULL AND c.date BETWEEN $2 AND $3 "
#define PLAIN_SUMS "COUNT(*), SUM(c.accompagnements_count), SUM(c.duree)"
static const char *const sql_plain[] = {
    "SELECT c.type, " PLAIN_SUMS PLAIN_FROM PLAIN_WHERE "GROUP BY c.type",
    "SELECT c.type_lieu, " PLAIN_SUMS PLAIN_FROM PLAIN_WHERE "GROUP BY c.type_lieu",
    "SELECT CASE WHEN c.duree < 30 THEN 'a' WHEN c.duree < 60 THEN 'b' WHEN c.duree < 120 THEN "
    "'c' ELSE 'd' END, " PLAIN_SUMS PLAIN_FROM PLAIN_WHERE "GROUP BY 1",
    "SELECT COALESCE(c.commune_code_insee, l.code_insee), " PLAIN_SUMS
    " FROM cra c LEFT JOIN lieux l ON l.id = c.lieu_id " PLAIN_WHERE "GROUP BY 1",
    "SELECT c.lieu_id, " PLAIN_SUMS PLAIN_FROM PLAIN_WHERE "GROUP BY c.lieu_id",
    "SELECT c.autonomie, " PLAIN_SUMS PLAIN_FROM PLAIN_WHERE "GROUP BY c.autonomie",
    "SELECT t.thematique, " PLAIN_SUMS
    " FROM cra c JOIN cra_thematiques t ON t.cra_id = c.id " PLAIN_WHERE "GROUP BY t.thematique",
    "SELECT g.tag_id, " PLAIN_SUMS " FROM cra c JOIN cra_tags g ON g.cra_id = c.id " PLAIN_WHERE
    "GROUP BY g.tag_id",
    "SELECT mm.m, " PLAIN_SUMS
    " FROM cra c JOIN (SELECT 'ordinateur' AS m UNION ALL SELECT 'telephone' UNION ALL SELECT "
    "'tablette' UNION ALL SELECT 'autre' UNION ALL SELECT 'aucun') mm ON ('|' || c.materiel || "
    "'|') LIKE ('%|' || mm.m || '|%') " PLAIN_WHERE "GROUP BY mm.m",
    "SELECT substr(c.date, 1, 7), " PLAIN_SUMS PLAIN_FROM PLAIN_WHERE "GROUP BY 1",
    "SELECT c.date, " PLAIN_SUMS PLAIN_FROM PLAIN_WHERE "GROUP BY c.date",
    "SELECT b.genre, b.tranche_age, b.statut_social, b.commune_code_insee, "
    "a.premier_accompagnement, COUNT(*) FROM cra c JOIN accompagnements a ON a.cra_id = c.id "
    "JOIN beneficiaires b ON b.id = a.beneficiaire_id " PLAIN_WHERE "GROUP BY 1, 2, 3, 4, 5",
    "SELECT SUM(c.anon_total), SUM(c.anon_deja_accompagne), SUM(c.anon_genre_feminin), "
    "SUM(c.anon_tranche_soixante_dix_plus), SUM(c.anon_statut_retraite)" PLAIN_FROM PLAIN_WHERE,
    "SELECT b.anonyme, COUNT(DISTINCT a.beneficiaire_id) FROM cra c JOIN accompagnements a ON "
    "a.cra_id = c.id JOIN beneficiaires b ON b.id = a.beneficiaire_id " PLAIN_WHERE
    "GROUP BY b.anonyme",
};

static int plain_dashboard(struct db *db, const struct activite_stats_filter *f, int64_t *rows)
{
    *rows = 0;
    for (size_t q = 0; q < sizeof(sql_plain) / sizeof(sql_plain[0]); q++) {
        struct db_stmt *st;
        int rc = db_prepare(db, sql_plain[q], &st);
        if (rc)
            return rc;
        db_bind_text(st, 1, f->departement);
        db_bind_text(st, 2, f->du);
        db_bind_text(st, 3, f->au);
        while ((rc = db_step(st)) == 1)
            (*rows)++;
        db_reset(st);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(struct db *db, const char *what, int rc)
{
    fprintf(stderr, "stats_bench: %s: %s (%s)\n", what, err_name(rc), db_errmsg(db));
    exit(1);
}

static int64_t insert_id(struct db *db, const char *sql, const char *t1, const char *t2,
                         int64_t i3, const char *t4)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        die(db, "prepare", rc);
    db_bind_text(st, 1, t1);
    if (t2 && sql != SQL_LIEU)
        db_bind_text(st, 2, t2);
    if (sql == SQL_LIEU) {
        db_bind_int64(st, 2, i3);
        db_bind_text(st, 3, t2);
        db_bind_text(st, 4, t4);
    }
    if ((rc = db_step_one(st)))
        die(db, sql, rc);
    int64_t id = db_col_int64(st, 0);
    db_reset(st);
    return id;
}

static void exec_ints(struct db *db, const char *sql, int n, const int64_t *v, const char *what)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        die(db, what, rc);
    for (int i = 0; i < n; i++)
        db_bind_int64(st, i + 1, v[i]);
    if ((rc = db_exec_stmt(st)))
        die(db, what, rc);
}

static void exec_plain(struct db *db, const char *sql)
{
    int rc = db_exec_script(db, sql);
    if (rc)
        die(db, sql, rc);
}

static void generate(struct db *db, int64_t cras, int deps, int meds)
{
    double t0 = now_ms();
    exec_plain(db, SQL_DAYS_TABLE);
    exec_plain(db, SQL_MED_TABLE);
    exec_plain(db, SQL_THEM_TABLE);
    int rc = db_begin(db);
    if (rc)
        die(db, "begin", rc);
    for (int d = 0; d < DAYS; d++) {
        struct tm tm = {.tm_year = 123, .tm_mon = 0, .tm_mday = 1 + d, .tm_hour = 12};
        timegm(&tm);
        char date[11];
        strftime(date, sizeof(date), "%Y-%m-%d", &tm);
        struct db_stmt *st;
        if ((rc = db_prepare(db, SQL_DAY, &st)))
            die(db, "day", rc);
        db_bind_int64(st, 1, d);
        db_bind_text(st, 2, date);
        if ((rc = db_exec_stmt(st)))
            die(db, "day", rc);
    }
    /* 18 mediation thématiques (diagnostic .. intelligence artificielle), then the 11 procedure
     * ones at 19.. */
    for (int t = 0; t < THEMATIQUE_COUNT; t++) {
        if (t == THEMATIQUE_AIDE_AUX_DEMARCHES_ADMINISTRATIVES)
            continue;
        struct db_stmt *st;
        if ((rc = db_prepare(db, SQL_THEM, &st)))
            die(db, "them", rc);
        db_bind_int64(st, 1, t);
        db_bind_text(st, 2, vocab_value(&vocab_thematique, t));
        if ((rc = db_exec_stmt(st)))
            die(db, "them", rc);
    }
    int per_dep = meds / deps;
    for (int k = 0; k < meds; k++) {
        int dep = k % deps;
        char dcode[16], name[64], commune[16], email[64];
        snprintf(dcode, sizeof(dcode), "%02d", 1 + dep);
        int local = k / deps;
        snprintf(commune, sizeof(commune), "%02d%03d", 1 + dep, 1 + local % 12);
        static int64_t structure = 0, lieu = 0, tag[1000];
        if (local % 4 == 0) {
            snprintf(name, sizeof(name), "Structure %d", k);
            structure = insert_id(db, SQL_STRUCTURE, name, dcode, 0, NULL);
            snprintf(name, sizeof(name), "bench-lieu-%d", k);
            lieu = insert_id(db, SQL_LIEU, name, dcode, structure, commune);
        }
        if (local == 0 && dep < 1000)
            tag[dep] = insert_id(db, SQL_TAG, dcode, "Numérique en Commun[s]", 0, NULL);
        snprintf(email, sizeof(email), "mediateur%d@bench.relais.invalid", k);
        int64_t user = insert_id(db, SQL_USER, email, "Médiateur", 0, NULL);
        struct db_stmt *st;
        if ((rc = db_prepare(db, SQL_MED, &st)))
            die(db, "med", rc);
        db_bind_int64(st, 1, k);
        db_bind_int64(st, 2, user);
        db_bind_int64(st, 3, structure);
        db_bind_text(st, 4, dcode);
        db_bind_int64(st, 5, lieu);
        db_bind_text(st, 6, commune);
        db_bind_int64(st, 7, tag[dep % 1000]);
        if ((rc = db_exec_stmt(st)))
            die(db, "med", rc);
    }
    (void)per_dep;
    exec_ints(db, SQL_GEN_PEOPLE, 2, (int64_t[]){(int64_t)meds * PEOPLE_PER_MEDIATEUR, ID_BASE},
              "people");
    if ((rc = db_commit(db)))
        die(db, "commit", rc);
    fprintf(stderr, "set-up: %.0f ms\n", now_ms() - t0);
    for (int64_t from = 0; from < cras; from += CHUNK) {
        int64_t to = from + CHUNK < cras ? from + CHUNK : cras;
        double t1 = now_ms();
        if ((rc = db_begin(db)))
            die(db, "begin", rc);
        exec_ints(db, SQL_GEN_CRA, 4, (int64_t[]){from, to, meds, ID_BASE}, "cra");
        int64_t lo = ID_BASE + from, hi = ID_BASE + to;
        exec_ints(db, SQL_GEN_THEM1, 2, (int64_t[]){lo, hi}, "them1");
        exec_ints(db, SQL_GEN_THEM2, 2, (int64_t[]){lo, hi}, "them2");
        exec_ints(db, SQL_GEN_TAGS, 4, (int64_t[]){lo, hi, ID_BASE, meds}, "tags");
        exec_ints(db, SQL_GEN_ANON, 3, (int64_t[]){lo, hi, ID_BASE}, "anon");
        exec_ints(db, SQL_GEN_ACC_ANON, 3, (int64_t[]){lo, hi, ID_BASE}, "acc anon");
        exec_ints(db, SQL_GEN_ACC_NAMED, 5, (int64_t[]){lo, hi, ID_BASE, meds, ID_BASE},
                  "acc named");
        exec_ints(db, SQL_GEN_ACC_SECOND, 5, (int64_t[]){lo, hi, ID_BASE, meds, ID_BASE},
                  "acc second");
        if ((rc = db_commit(db)))
            die(db, "commit", rc);
        fprintf(stderr, "CRAs %lld..%lld: %.0f ms\n", (long long)from, (long long)to,
                now_ms() - t1);
    }
    double t2 = now_ms();
    if ((rc = db_begin(db)))
        die(db, "begin", rc);
    exec_ints(db, SQL_GEN_PREMIER, 1, (int64_t[]){ID_BASE * 2}, "premier");
    if ((rc = db_commit(db)))
        die(db, "commit", rc);
    fprintf(stderr, "premier accompagnement: %.0f ms\n", now_ms() - t2);
    exec_plain(db, "ANALYZE");
    double t3 = now_ms();
    int64_t counted = 0;
    if ((rc = activite_aggregates_rebuild(db, &counted)))
        die(db, "rebuild", rc);
    fprintf(stderr, "rebuild of the counters: %lld CRAs in %.0f ms\n", (long long)counted,
            now_ms() - t3);
    exec_plain(db, "ANALYZE");
    printf("generated %lld CRAs, %d départements, %d médiateurs in %.1f s\n", (long long)cras,
           deps, meds, (now_ms() - t0) / 1e3);
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The dashboard of département 01 over the last 12 whole months of the data (2025). */
static void measure(struct db *db, int runs, int mode)
{
    double *t = calloc((size_t)runs, sizeof(*t));
    struct activite_stats_filter f = {.departement = "01", .du = "2025-01-01",
                                      .au = "2025-12-31"};
    int64_t activites = 0;
    for (int i = 0; i < runs + 2; i++) {
        struct arena a = ARENA_INIT;
        struct activite_stats s;
        double t0 = now_ms();
        int64_t rows = 0;
        int rc = mode == 2   ? plain_dashboard(db, &f, &rows)
                 : mode == 1 ? activite_stats_from_raw(db, &a, &f, &s)
                             : activite_stats_from_aggregates(db, &a, &f, &s);
        double dt = now_ms() - t0;
        if (rc)
            die(db, "stats", rc);
        activites = mode == 2 ? rows : s.activites;
        arena_release(&a);
        if (i >= 2) /* two warm-up runs */
            t[i - 2] = dt;
    }
    qsort(t, (size_t)runs, sizeof(*t), compare_double);
    static const char *const modes[] = {"counters", "raw engine (every filter)",
                                        "plain GROUP BY"};
    printf("%s %s: %lld %s, p50 %.2f ms, p99 %.2f ms (%d runs)\n",
           db_kind(db) == DB_POSTGRES ? "postgres" : "sqlite", modes[mode], (long long)activites,
           mode == 2 ? "result rows" : "activités",
           t[runs / 2], t[(runs * 99) / 100 < runs ? (runs * 99) / 100 : runs - 1],
           runs);
    free(t);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: stats_bench URL generate CRAS DEPS MEDS | URL measure RUNS [raw]\n");
        return 2;
    }
    struct db *db;
    int rc = db_open(argv[1], &db);
    if (rc || (rc = db_migrate(db)))
        die(db, "open", rc);
    int64_t n[3] = {0, 0, 0};
    for (int i = 3; i < argc && i < 6; i++)
        if (cstr_to_int64(argv[i], &n[i - 3]) && i < 5 - (strcmp(argv[2], "measure") == 0) * 1)
            if (strcmp(argv[2], "generate") == 0)
                return 2;
    if (strcmp(argv[2], "generate") == 0 && argc == 6 && n[0] > 0 && n[1] > 0 && n[2] >= n[1])
        generate(db, n[0], (int)n[1], (int)n[2]);
    else if (strcmp(argv[2], "measure") == 0 && n[0] > 0)
        measure(db, (int)n[0],
                argc > 4 && strcmp(argv[4], "plain") == 0 ? 2
                : argc > 4 && strcmp(argv[4], "raw") == 0 ? 1
                                                          : 0);
    else
        return 2;
    db_close(db);
    return 0;
}
