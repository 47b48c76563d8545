/*
 * `relais import lieux FICHIER` and `relais export lieux`: the command-line side of import.h and
 * export.h, with French output: progress on standard error, a summary, every rejected row with its
 * line, field, value and rule.
 */
#include "app/cli.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/err.h"
#include "db/db.h"
#include "lieux/communes.h"
#include "lieux/export.h"
#include "lieux/import.h"
#include "lieux/store.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void progress(void *ctx, size_t rows, uint64_t done, uint64_t total)
{
    bool tty = ctx != NULL;
    unsigned pct = total ? (unsigned)(done * 100 / total) : 100;
    fprintf(stderr, "%simport : %u %% du fichier lu, %zu lignes%s", tty ? "\r" : "", pct, rows,
            tty ? "   " : "\n");
    if (tty && pct == 100)
        fputc('\n', stderr);
}

static void print_stats(const struct lieux_import_options *o, const struct lieux_import_stats *s)
{
    for (size_t i = 0; i < s->n_notes; i++)
        printf("note : %s\n", s->notes[i]);
    for (size_t i = 0; i < s->n_problems; i++) {
        const struct lieux_import_problem *p = &s->problems[i];
        printf("ligne %zu%s%s%s : %s%s (règle : %s)\n", p->line, p->id ? " (id " : "",
               p->id ? p->id : "", p->id ? ")" : "",
               p->rejected ? "" : "avertissement : ", p->message, p->rule);
    }
    printf("format : %s ; %zu lignes retenues, %zu rejetées, %zu avertissements\n",
           lieux_format_name(s->format), s->read, s->rejected, s->warnings);
    if (o->departement)
        printf("%zu lignes d'autres départements ignorées (--departement %s)\n", s->skipped,
               o->departement);
    printf("%s : %zu nouveaux lieux, %zu modifiés, %zu inchangés, %zu placés au centre de leur "
           "commune (position approximative)\n",
           s->applied ? "enregistré"
                      : (o->dry_run ? "essai, rien n'est enregistré" : "rien n'est enregistré"),
           s->inserted, s->updated, s->unchanged, s->geocoded);
    if (!s->applied && !o->dry_run && o->all_or_nothing && s->rejected)
        printf("tout ou rien : %zu ligne%s rejetée%s, le fichier n'est pas importé\n", s->rejected,
               s->rejected > 1 ? "s" : "", s->rejected > 1 ? "s" : "");
    if (o->rejects_path && s->rejected)
        printf("lignes rejetées écrites dans %s (colonnes « ligne » et « erreurs » en fin de "
               "ligne) : corrigez-les et importez ce fichier\n",
               o->rejects_path);
}

int lieux_import_cli(int argc, char **argv)
{
    struct config cfg;
    config_init(&cfg);
    const char *format = "auto", *dry = NULL, *all = NULL, *source = NULL, *rejects = NULL,
               *date_maj = NULL, *communes_dir = cfg.communes_dir, *departement = NULL;
    const struct cli_opt opts[] = {
        {"database", "URL",
         "base de données : sqlite:CHEMIN ou postgresql://… "
         "(RELAIS_DATABASE_URL)",
         &cfg.database_url},
        {"format", "FORMAT", "auto (par défaut), v1, v0 (brouillon 2022) ou france-services",
         &format},
        {"dry-run", NULL, "vérifie tout sans rien enregistrer", &dry},
        {"all-or-nothing", NULL, "n'importe rien si une seule ligne est rejetée", &all},
        {"source", "NOM",
         "source des lieux (clé de mise à jour avec l'id) quand les lignes "
         "n'en ont pas ; par défaut le nom du fichier",
         &source},
        {"rejects", "FICHIER.csv", "écrit les lignes rejetées dans ce fichier CSV", &rejects},
        {"date-maj", "AAAA-MM-JJ", "date des données pour les formats qui n'en ont pas", &date_maj},
        {"departement", "CODE", "n'importe que les lieux de ce département (53, 2A, 974…)",
         &departement},
        {"communes", "DOSSIER", "données des communes (ref/data/communes)", &communes_dir},
    };
    const struct cli_cmd cmd = {
        "relais import lieux FICHIER [options]",
        "Importe un fichier de lieux (CSV ou JSON du standard v1, brouillon 2022, liste France "
        "Services) : chaque ligne est validée ; les lignes valides sont enregistrées (mise à "
        "jour sur la source et l'id), les autres sont signalées avec leur numéro de ligne.",
        opts, N(opts)};
    const char *pos[2];
    int status;
    if (cli_stop(&cmd, argc, argv, pos, 2, &status))
        return status;
    if (strcmp(pos[0], "lieux") != 0) {
        cli_usage(&cmd);
        return 2;
    }
    struct lieux_import_options o = {.path = pos[1],
                                     .dry_run = dry != NULL,
                                     .all_or_nothing = all != NULL,
                                     .source = source,
                                     .rejects_path = rejects,
                                     .date_maj = date_maj,
                                     .departement = departement,
                                     .progress = progress,
                                     .progress_ctx = isatty(2) ? (void *)1 : NULL};
    if (lieux_format_from_name(format, &o.format)) {
        fprintf(stderr, "relais : --format : auto, v1, v0 ou france-services attendu\n");
        return 2;
    }
    struct communes *communes = NULL;
    if (communes_load(communes_dir, &communes))
        fprintf(stderr,
                "relais : communes introuvables dans %s : les lieux sans coordonnées ne "
                "seront pas placés\n",
                communes_dir);
    struct db *db;
    if (cli_open_db(cfg.database_url, &db)) {
        communes_free(communes);
        return 1;
    }
    struct arena a = ARENA_INIT;
    struct lieux_import_stats st;
    int rc = lieux_import(db, communes, &o, &a, &st);
    if (st.error)
        fprintf(stderr, "relais : %s%s\n", st.error,
                st.error_line ? arena_printf(&a, " (ligne %zu)", st.error_line) : "");
    else if (rc)
        fprintf(stderr, "relais : l'import a échoué (%s) : rien n'est enregistré\n", err_name(rc));
    print_stats(&o, &st);
    arena_release(&a);
    db_close(db);
    communes_free(communes);
    if (rc)
        return 2;
    return st.rejected ? 1 : 0;
}

struct export_run {
    struct lieux_export e;
    struct arena *a;
    const char **extra;
    size_t n_extra, cap_extra;
};

/* First pass: the names of the columns outside the standard, in the order they first appear, so
 * that the header announces them and the rows that have them give them back. */
static int collect_extra(const struct lieu_record *r, void *ctx)
{
    struct export_run *run = ctx;
    for (size_t i = 0; i < r->row.n_extra; i++) {
        size_t k = 0;
        while (k < run->n_extra && strcmp(run->extra[k], r->row.extra[i].name) != 0)
            k++;
        if (k < run->n_extra)
            continue;
        run->extra =
            arena_push(run->a, run->extra, run->n_extra, &run->cap_extra, sizeof(*run->extra));
        run->extra[run->n_extra++] = arena_strdup(run->a, r->row.extra[i].name);
    }
    return 0;
}

static int export_each(const struct lieu_record *r, void *ctx)
{
    struct export_run *run = ctx;
    return lieux_export_row(&run->e, &r->row);
}

int lieux_export_cli(int argc, char **argv)
{
    struct config cfg;
    config_init(&cfg);
    const char *format = "csv", *departement = NULL, *output = NULL, *all = NULL;
    const struct cli_opt opts[] = {
        {"database", "URL",
         "base de données : sqlite:CHEMIN ou postgresql://… "
         "(RELAIS_DATABASE_URL)",
         &cfg.database_url},
        {"format", "FORMAT", "csv (par défaut) ou json, au format exact du standard", &format},
        {"departement", "CODE", "seulement les lieux de ce département (53, 2A, 974…)",
         &departement},
        {"output", "FICHIER", "écrit dans ce fichier au lieu de la sortie standard", &output},
        {"all", NULL, "inclut les lieux non publiés", &all},
    };
    const struct cli_cmd cmd = {
        "relais export lieux [options]",
        "Exporte les lieux au format du standard des lieux de médiation numérique v1.0.2 (CSV ou "
        "JSON), colonnes hors standard comprises.",
        opts, N(opts)};
    const char *pos[1];
    int status;
    if (cli_stop(&cmd, argc, argv, pos, 1, &status))
        return status;
    if (strcmp(pos[0], "lieux") != 0) {
        cli_usage(&cmd);
        return 2;
    }
    enum lieux_export_format fmt;
    if (strcmp(format, "csv") == 0)
        fmt = LIEUX_EXPORT_CSV;
    else if (strcmp(format, "json") == 0)
        fmt = LIEUX_EXPORT_JSON;
    else {
        fprintf(stderr, "relais : --format : csv ou json attendu\n");
        return 2;
    }
    FILE *out = output ? fopen(output, "wb") : stdout;
    if (!out) {
        fprintf(stderr, "relais : impossible d'écrire « %s »\n", output);
        return 1;
    }
    struct db *db;
    if (cli_open_db(cfg.database_url, &db)) {
        if (output)
            fclose(out);
        return 1;
    }
    struct arena a = ARENA_INIT;
    struct export_run run = {.a = &a};
    int rc = lieu_store_each(db, departement, all == NULL, collect_extra, &run);
    if (rc == 0)
        rc = lieux_export_begin(&run.e, fmt, lieux_export_to_file, out, run.extra, run.n_extra);
    if (rc == 0)
        rc = lieu_store_each(db, departement, all == NULL, export_each, &run);
    int erc = lieux_export_end(&run.e);
    if (rc == 0)
        rc = erc;
    arena_release(&a);
    db_close(db);
    if (output && fclose(out) && rc == 0)
        rc = ERR_IO;
    if (rc)
        fprintf(stderr, "relais : l'export a échoué (%s)\n", err_name(rc));
    else if (output)
        fprintf(stderr, "%zu lieux exportés dans %s\n", run.e.rows, output);
    return rc ? 1 : 0;
}
