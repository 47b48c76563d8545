/*
 * `relais import ressources FICHIER.json` and `relais export ressources`: the command-line side
 * of exchange.h. The import prints every rejected object with its index and reason, then a
 * summary; the export writes the JSON array to standard output or to a file.
 */
#include "app/cli.h"
#include "comptes/comptes.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/err.h"
#include "db/db.h"
#include "ressources/exchange.h"
#include "ressources/index.h"
#include "ressources/ressources.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

int ressources_import_cli(int argc, char **argv)
{
    struct config cfg;
    config_init(&cfg);
    const char *dry = NULL, *demo = NULL;
    const struct cli_opt opts[] = {
        {"database", "URL",
         "base de données : sqlite:CHEMIN ou postgresql://… (RELAIS_DATABASE_URL)",
         &cfg.database_url},
        {"dry-run", NULL, "vérifie tout sans rien enregistrer", &dry},
        {"demo", NULL, "marque les ressources et bases créées comme données de démonstration",
         &demo},
    };
    const struct cli_cmd cmd = {
        "relais import ressources FICHIER.json [options]",
        "Importe un tableau JSON de ressources (id, title, description, content en Markdown, "
        "themes, resource_types, beneficiaries, professional_sectors, tags, licence, base ; seul "
        "title est requis). id est gardé comme identifiant externe : importer deux fois met à "
        "jour sans doublon. Une base nommée qui n'existe pas est créée, publique. Les objets "
        "rejetés sont signalés avec leur index (à partir de 0) et la raison.",
        opts, N(opts)};
    const char *pos[2];
    int status;
    if (cli_stop(&cmd, argc, argv, pos, 2, &status))
        return status;
    if (strcmp(pos[0], "ressources") != 0) {
        cli_usage(&cmd);
        return 2;
    }
    json_error_t jerr;
    json_t *root = json_load_file(pos[1], JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        fprintf(stderr, "relais : %s : JSON illisible, ligne %d colonne %d : %s\n", pos[1],
                jerr.line, jerr.column, jerr.text);
        return 1;
    }
    if (!json_is_array(root)) {
        fprintf(stderr, "relais : %s : un tableau JSON d'objets est attendu\n", pos[1]);
        json_decref(root);
        return 1;
    }
    struct db *db;
    if (cli_open_db(cfg.database_url, &db)) {
        json_decref(root);
        return 1;
    }
    struct arena a = ARENA_INIT;
    struct exchange_options o = {.dry_run = dry != NULL, .demo = demo != NULL};
    struct exchange_report rep;
    int rc = exchange_import(db, &a, root, &o, &rep);
    if (rc == 0) {
        for (size_t i = 0; i < rep.n_rejects; i++)
            printf("élément %zu rejeté : %s\n", rep.rejects[i].index, rep.rejects[i].reason);
        printf("%s : %zu ressources créées, %zu modifiées, %zu inchangées, %zu rejetées\n",
               o.dry_run ? "essai, rien n'est enregistré" : "enregistré", rep.created, rep.updated,
               rep.unchanged, rep.n_rejects);
        if (!o.dry_run && rep.n_ids)
            printf("un serveur déjà lancé les trouvera par la recherche dans les %d secondes\n",
                   RESSOURCES_INDEX_MAX_AGE_S);
    } else if (rc == ERR_TOO_BIG) {
        fprintf(stderr, "relais : trop d'objets dans le fichier\n");
    } else {
        fprintf(stderr, "relais : l'import a échoué (%s) : %s\n", err_name(rc), db_errmsg(db));
    }
    arena_release(&a);
    json_decref(root);
    db_close(db);
    return rc ? 1 : 0;
}

struct writer {
    FILE *f;
    size_t n;
};

static int write_one(json_t *obj, void *arg)
{
    struct writer *w = arg;
    fputs(w->n++ ? ",\n" : "[\n", w->f);
    int rc = json_dumpf(obj, w->f, JSON_COMPACT);
    json_decref(obj);
    return rc == 0 && !ferror(w->f) ? 0 : ERR_IO;
}

int ressources_export_cli(int argc, char **argv)
{
    struct config cfg;
    config_init(&cfg);
    const char *out = NULL, *all = NULL;
    const struct cli_opt opts[] = {
        {"database", "URL",
         "base de données : sqlite:CHEMIN ou postgresql://… (RELAIS_DATABASE_URL)",
         &cfg.database_url},
        {"output", "FICHIER", "écrit dans ce fichier au lieu de la sortie standard", &out},
        {"all", NULL, "toutes les ressources, brouillons et privées compris", &all},
    };
    const struct cli_cmd cmd = {
        "relais export ressources [options]",
        "Exporte les ressources publiées et publiques en JSON, au format de « relais import "
        "ressources ».",
        opts, N(opts)};
    const char *pos[1];
    int status;
    if (cli_stop(&cmd, argc, argv, pos, 1, &status))
        return status;
    if (strcmp(pos[0], "ressources") != 0) {
        cli_usage(&cmd);
        return 2;
    }
    struct db *db;
    if (cli_open_db(cfg.database_url, &db))
        return 1;
    struct writer w = {out ? fopen(out, "w") : stdout, 0};
    if (!w.f) {
        fprintf(stderr, "relais : impossible d'écrire %s\n", out);
        db_close(db);
        return 1;
    }
    int rc = exchange_export_each(db, all == NULL, write_one, &w);
    fputs(w.n ? "\n]\n" : "[]\n", w.f);
    if (out && fclose(w.f) != 0)
        rc = ERR_IO;
    if (rc)
        fprintf(stderr, "relais : l'export a échoué (%s)\n", err_name(rc));
    else if (out)
        fprintf(stderr, "%zu ressources écrites dans %s\n", w.n, out);
    db_close(db);
    return rc ? 1 : 0;
}

int ressources_demo(struct db *db, const char *path, const char *email)
{
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        fprintf(stderr, "relais : %s : JSON illisible, ligne %d : %s\n", path, jerr.line,
                jerr.text);
        return ERR_INVALID;
    }
    struct arena a = ARENA_INIT;
    struct user u;
    int rc = user_find_by_email(db, &a, email, &u);
    struct exchange_options o = {.user_id = rc == 0 ? u.id : 0, .demo = true};
    struct exchange_report rep;
    if (rc == 0)
        rc = exchange_import(db, &a, root, &o, &rep);
    if (rc == 0 && rep.n_rejects)
        fprintf(stderr, "relais : %s : élément %zu rejeté : %s\n", path, rep.rejects[0].index,
                rep.rejects[0].reason);
    if (rc == 0)
        printf("ressources de démonstration : %zu créées\n", rep.created);
    arena_release(&a);
    json_decref(root);
    return rc;
}
