/*
 * relais: the command line. Each subcommand parses its own options (app/cli.h) and works on the
 * database named by --database or RELAIS_DATABASE_URL.
 */
#include "app/app.h"
#include "app/cli.h"
#include "app/openapi.h"
#include "comptes/auth.h"
#include "comptes/comptes.h"
#include "comptes/handlers.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/log.h"
#include "core/mail.h"
#include "db/db.h"
#include "html/ui.h"
#include "http/router.h"
#include "lieux/couverture.h"
#include "lieux/guide.h"
#include "lieux/horaires.h"
#include "lieux/communes.h"
#include "lieux/import.h"
#include "activite/activite.h"
#include "activite/import_cra.h"
#include "lieux/lieux.h"
#include "lieux/validate.h"
#include "activite/suivi.h"
#include "app/maintenance.h"
#include "orientation/orientation.h"
#include "ressources/ressources.h"

#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define OPT_DATABASE {"database", "URL", "base de données : sqlite:CHEMIN ou postgresql://… (RELAIS_DATABASE_URL)", &cfg->database_url}
#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char SQL_DEMO_SET[] =
    "INSERT INTO settings (key, value) VALUES ('demo', '1') ON CONFLICT (key) DO NOTHING";
static const char SQL_DEMO_GET[] = "SELECT value FROM settings WHERE key = 'demo'";
static const char SQL_STRUCTURE_COUNT[] = "SELECT count(*) FROM structures";

static int query_int(struct db *db, const char *sql, int64_t *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, sql, &st);
    if (rc)
        return rc;
    rc = db_step(st);
    *out = rc == 1 ? db_col_int64(st, 0) : 0;
    db_reset(st);
    return rc < 0 ? rc : 0;
}

static int cmd_serve(int argc, char **argv, struct config *cfg)
{
    const char *no_log = NULL;
    const struct cli_opt opts[] = {
        OPT_DATABASE,
        {"bind", "ADRESSE", "adresse d'écoute, 127.0.0.1 par défaut (RELAIS_BIND)", &cfg->bind},
        {"port", "PORT", "port d'écoute, 8080 par défaut ; 0 en choisit un libre (RELAIS_PORT)",
         &cfg->port},
        {"data-dir", "DOSSIER", "dossier des fichiers envoyés (RELAIS_DATA_DIR)", &cfg->data_dir},
        {"web-dir", "DOSSIER", "dossier des fichiers statiques compilés (RELAIS_WEB_DIR)",
         &cfg->web_dir},
        {"base-url", "URL", "adresse publique, pour les liens des courriels (RELAIS_BASE_URL)",
         &cfg->base_url},
        {"threads", "N", "nombre de fils de travail, 0 = un par cœur (RELAIS_THREADS)",
         &cfg->threads},
        {"no-access-log", NULL, "n'écrit pas le journal des requêtes", &no_log},
        {"communes", "DOSSIER", "données des communes, ref/data/communes par défaut "
                                "(RELAIS_COMMUNES_DIR)", &cfg->communes_dir},
    };
    const struct cli_cmd cmd = {"relais serve [options]",
                                "Sert l'interface web et l'API JSON de Relais.", opts, N(opts)};
    int rc;
    if (cli_stop(&cmd, argc, argv, NULL, 0, &rc))
        return rc;
    int64_t port, threads;
    if (cstr_to_int64(cfg->port, &port) || port < 0 || port > 65535) {
        fprintf(stderr, "relais : --port doit être un entier entre 0 et 65535\n");
        return 2;
    }
    if (cstr_to_int64(cfg->threads, &threads) || threads < 0 || threads > 256) {
        fprintf(stderr, "relais : --threads doit être un entier entre 0 et 256\n");
        return 2;
    }
    struct db *db;
    if (cli_open_db(cfg->database_url, &db))
        return 1;
    int64_t demo = 0;
    struct db_stmt *st;
    if ((rc = comptes_init(db)) == 0 && (rc = db_prepare(db, SQL_DEMO_GET, &st)) == 0) {
        demo = db_step(st) == 1;
        db_reset(st);
    }
    if (rc == 0 && (rc = lieux_init(db, cfg->communes_dir)))
        fprintf(stderr, "relais : les communes de %s n'ont pas pu être chargées\n",
                cfg->communes_dir);
    if (rc == 0 && (rc = ressources_init(db, cfg->data_dir)))
        fprintf(stderr, "relais : les ressources n'ont pas pu être chargées dans la recherche\n");
    db_close(db);
    if (rc) {
        fprintf(stderr, "relais : la base de données ne répond pas\n");
        return 1;
    }
    cfg->demo = demo;

    /* The signals that stop the server are blocked in every thread and awaited here. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct router *router = app_router();
    struct http_hooks hooks = app_hooks(cfg);
    struct http_server_opts so = {
        .bind = cfg->bind,
        .port = (unsigned)port,
        .threads = (unsigned)threads,
        .web_dir = cfg->web_dir,
        .upload_dir = cfg->data_dir,
        .https = config_https(cfg),
        .access_log = !no_log,
    };
    struct http_server *srv;
    if ((rc = http_server_start(&so, router, &hooks, &srv))) {
        fprintf(stderr, "relais : impossible d'écouter sur %s:%s (%s)\n", cfg->bind, cfg->port,
                err_name(rc));
        return 1;
    }
    printf("relais: listening on http://%s:%u\n", cfg->bind, http_server_port(srv));
    fflush(stdout);
    int sig;
    while (sigwait(&stop, &sig) != 0)
        ;
    log_info("signal %d: finishing the requests in flight", sig);
    http_server_stop(srv);
    router_free(router);
    log_info("stopped");
    return 0;
}

static int cmd_migrate(int argc, char **argv, struct config *cfg)
{
    const struct cli_opt opts[] = {OPT_DATABASE};
    const struct cli_cmd cmd = {"relais migrate [options]",
                                "Applique les migrations de schéma qui manquent.", opts, N(opts)};
    int rc;
    if (cli_stop(&cmd, argc, argv, NULL, 0, &rc))
        return rc;
    struct db *db;
    if (cli_open_db(cfg->database_url, &db))
        return 1;
    int version = 0;
    db_schema_version(db, &version);
    printf("schéma à jour (version %d)\n", version);
    db_close(db);
    return 0;
}

static void print_errors(const struct ui_errors *errs)
{
    for (size_t i = 0; i < errs->n; i++)
        fprintf(stderr, "relais : %s : %s\n", errs->items[i].field, errs->items[i].message);
}

/* Reads one line from standard input (for --password-stdin), without its newline. */
static const char *read_password(struct arena *a)
{
    char line[512];
    if (!fgets(line, sizeof(line), stdin))
        return NULL;
    line[strcspn(line, "\r\n")] = '\0';
    return arena_strdup(a, line);
}

/* Gives role to a user: departement for coordinateur, structure for the structure roles. */
static int grant_role(struct db *db, int64_t uid, const char *role, const char *departement,
                      const char *structure)
{
    enum role r = role_parse(role);
    int64_t sid = 0;
    switch (r) {
    case ROLE_ADMIN:
        return user_set_admin(db, uid, true);
    case ROLE_COORDINATEUR:
        if (!departement_valid(departement)) {
            fprintf(stderr, "relais : --departement : code de département inconnu\n");
            return ERR_INVALID;
        }
        return user_add_coordinator_scope(db, uid, departement);
    case ROLE_MEDIATEUR:
    case ROLE_ADMIN_STRUCTURE:
        if (cstr_to_int64(structure, &sid) || sid <= 0) {
            fprintf(stderr, "relais : --structure : numéro de structure attendu\n");
            return ERR_INVALID;
        }
        return user_add_membership(db, uid, sid, r);
    }
    fprintf(stderr,
            "relais : --role : mediateur, admin_structure, coordinateur ou admin attendu\n");
    return ERR_INVALID;
}

static int cmd_user(int argc, char **argv, struct config *cfg)
{
    const char *email = NULL, *name = NULL, *pw_stdin = NULL, *role = NULL, *structure = NULL,
               *departement = NULL, *id = NULL;
    const struct cli_opt opts[] = {
        OPT_DATABASE,
        {"email", "ADRESSE", "adresse e-mail du compte", &email},
        {"name", "NOM", "nom affiché (create, invite)", &name},
        {"password-stdin", NULL, "lit le mot de passe sur l'entrée standard (create)", &pw_stdin},
        {"role", "RÔLE", "mediateur, admin_structure, coordinateur ou admin", &role},
        {"structure", "N", "numéro de la structure (mediateur, admin_structure)", &structure},
        {"departement", "CODE", "département du coordinateur (53, 2A, 974…)", &departement},
        {"id", "N", "numéro du compte (disable, enable)", &id},
    };
    const struct cli_cmd cmd = {
        "relais user create|invite|set-role|reset|disable|enable|list [options]",
        "Gère les comptes : création, invitation (imprime le lien), rôle, lien de changement de "
        "mot de passe, désactivation.",
        opts, N(opts)};
    const char *pos[1];
    int rc;
    if (cli_stop(&cmd, argc, argv, pos, 1, &rc))
        return rc;
    const char *action = pos[0];
    struct db *db;
    if (cli_open_db(cfg->database_url, &db))
        return 1;
    struct arena a = ARENA_INIT;
    struct ui_errors errs = {0};
    struct user u = {0};
    int status = 0;
    if (strcmp(action, "create") == 0) {
        const char *pw = pw_stdin ? read_password(&a) : NULL;
        if (pw_stdin && !pw) {
            fprintf(stderr, "relais : aucun mot de passe lu sur l'entrée standard\n");
            status = 2;
        } else if ((rc = db_begin(db)) == 0) {
            int64_t uid = 0;
            rc = user_create(db, &a, email, name, pw, false, &errs, &uid);
            if (rc == 0 && role)
                rc = grant_role(db, uid, role, departement, structure);
            if (rc == 0)
                rc = db_commit(db);
            if (rc) {
                db_rollback(db);
                print_errors(&errs);
                status = 1;
            } else {
                printf("%lld\n", (long long)uid);
            }
        }
    } else if (strcmp(action, "invite") == 0) {
        int64_t sid;
        const char *link = NULL;
        if (cstr_to_int64(structure, &sid)) {
            fprintf(stderr, "relais : --structure : numéro de structure attendu\n");
            status = 2;
        } else if ((rc = comptes_invite(db, cfg, &a, sid, email, name, role ? role : "mediateur",
                                        0, &errs, &link))) {
            print_errors(&errs);
            status = 1;
        } else {
            printf("%s\n", link ? link : "le compte existait déjà : rôle ajouté");
        }
    } else if (strcmp(action, "set-role") == 0 || strcmp(action, "reset") == 0) {
        if (user_find_by_email(db, &a, email, &u)) {
            fprintf(stderr, "relais : --email : aucun compte avec cette adresse\n");
            status = 1;
        } else if (strcmp(action, "set-role") == 0) {
            status = grant_role(db, u.id, role, departement, structure) ? 1 : 0;
        } else {
            char *token;
            if (link_create(db, &a, u.id, LINK_RESET, &token))
                status = 1;
            else
                printf("%s\n", mail_link(cfg, &a, "/reinitialiser/", token));
        }
    } else if (strcmp(action, "disable") == 0 || strcmp(action, "enable") == 0) {
        int64_t uid = 0;
        if (id)
            rc = cstr_to_int64(id, &uid);
        else if ((rc = user_find_by_email(db, &a, email, &u)) == 0)
            uid = u.id;
        if (rc || user_set_disabled(db, uid, strcmp(action, "disable") == 0)) {
            fprintf(stderr, "relais : compte introuvable (--id ou --email)\n");
            status = 1;
        }
    } else if (strcmp(action, "list") == 0) {
        struct user *list;
        size_t n;
        int64_t total;
        if (user_list(db, &a, 0, 10000, &list, &n, &total) == 0)
            for (size_t i = 0; i < n; i++)
                printf("%lld\t%s\t%s\t%s%s\n", (long long)list[i].id, list[i].email, list[i].name,
                       list[i].is_admin ? "admin" : "-", list[i].disabled ? " (désactivé)" : "");
    } else {
        cli_usage(&cmd);
        status = 2;
    }
    arena_release(&a);
    db_close(db);
    return status;
}

static int cmd_structure(int argc, char **argv, struct config *cfg)
{
    struct structure s = {0};
    const struct cli_opt opts[] = {
        OPT_DATABASE,
        {"name", "NOM", "nom de la structure", &s.nom},
        {"siret", "SIRET", "SIRET (14 chiffres)", &s.siret},
        {"rna", "RNA", "numéro RNA d'une association", &s.rna},
        {"adresse", "ADRESSE", "adresse", &s.adresse},
        {"code-postal", "CP", "code postal", &s.code_postal},
        {"commune", "COMMUNE", "commune", &s.commune},
        {"departement", "CODE", "département (53, 2A, 974…)", &s.departement},
    };
    const struct cli_cmd cmd = {"relais structure create [options]",
                                "Crée une structure et imprime son numéro.", opts, N(opts)};
    const char *pos[1];
    int rc;
    if (cli_stop(&cmd, argc, argv, pos, 1, &rc))
        return rc;
    if (strcmp(pos[0], "create") != 0) {
        cli_usage(&cmd);
        return 2;
    }
    struct db *db;
    if (cli_open_db(cfg->database_url, &db))
        return 1;
    struct arena a = ARENA_INIT;
    struct ui_errors errs = {0};
    rc = structure_create(db, &a, &s, &errs);
    if (rc)
        print_errors(&errs);
    else
        printf("%lld\n", (long long)s.id);
    arena_release(&a);
    db_close(db);
    return rc ? 1 : 0;
}

/* Demo accounts: invented people, marked as demo; their shared password is in the README. */
#define DEMO_PASSWORD "relais-demo-2026"

static int demo_user(struct db *db, struct arena *a, const char *email, const char *name,
                     const char *role, const char *departement, const char *structure)
{
    struct ui_errors errs = {0};
    int64_t uid;
    int rc = user_create(db, a, email, name, DEMO_PASSWORD, true, &errs, &uid);
    if (rc) {
        print_errors(&errs);
        return rc;
    }
    return grant_role(db, uid, role, departement, structure);
}

/* The real places of the demo: Charente's v1 file, and Mayenne's places in the 2022
 * conseiller-numérique list and the France Services list. Rows that the standard rejects stay out,
 * as they would in a real import. */
static int demo_lieux(struct db *db, const struct config *cfg, const char *dir)
{
    static const struct {
        const char *file, *departement;
    } files[] = {
        {"charente-2023-v1.json", NULL},
        {"lieux-cnfs-national-2022-07.json", "53"},
        {"france-services-liste-fs-20221201.csv", "53"},
    };
    struct communes *communes = NULL;
    if (communes_load(cfg->communes_dir, &communes))
        fprintf(stderr, "relais : communes introuvables dans %s\n", cfg->communes_dir);
    int rc = 0;
    for (size_t i = 0; i < N(files) && rc == 0; i++) {
        struct arena a = ARENA_INIT;
        struct lieux_import_options o = {
            .path = arena_printf(&a, "%s/%s", dir, files[i].file),
            .departement = files[i].departement,
        };
        struct lieux_import_stats st;
        rc = lieux_import(db, communes, &o, &a, &st);
        if (rc)
            fprintf(stderr, "relais : %s : %s\n", o.path, st.error ? st.error : err_name(rc));
        else
            printf("%s : %zu lieux importés, %zu lignes rejetées par le standard\n", files[i].file,
                   st.inserted + st.updated, st.rejected);
        arena_release(&a);
    }
    communes_free(communes);
    return rc;
}

static int cmd_demo(int argc, char **argv, struct config *cfg)
{
    const char *file = "demo/structures.csv";
    const char *lieux_dir = "ref/data/lieux";
    const char *ressources_file = "demo/ressources.json";
    const struct cli_opt opts[] = {
        OPT_DATABASE,
        {"structures", "FICHIER", "structures réelles à charger (demo/structures.csv)", &file},
        {"lieux", "DOSSIER", "fichiers réels des lieux (ref/data/lieux)", &lieux_dir},
        {"ressources", "FICHIER", "ressources inventées, marquées « démo » (demo/ressources.json)",
         &ressources_file},
        {"communes", "DOSSIER", "données des communes (ref/data/communes)", &cfg->communes_dir},
    };
    const struct cli_cmd cmd = {
        "relais demo [options]",
        "Remplit une base vide avec la démonstration : les structures réelles du fichier et des "
        "comptes inventés, marqués « démo ». Ne fait rien si la base contient déjà des "
        "structures.",
        opts, N(opts)};
    int rc;
    if (cli_stop(&cmd, argc, argv, NULL, 0, &rc))
        return rc;
    struct db *db;
    if (cli_open_db(cfg->database_url, &db))
        return 1;
    int64_t count = 0;
    if ((rc = query_int(db, SQL_STRUCTURE_COUNT, &count)) || count > 0) {
        if (!rc)
            printf("la base contient déjà %lld structures : rien à faire\n", (long long)count);
        db_close(db);
        return rc ? 1 : 0;
    }
    FILE *f = fopen(file, "r");
    if (!f) {
        fprintf(stderr, "relais : --structures : impossible de lire %s : %s\n", file,
                strerror(errno));
        db_close(db);
        return 1;
    }
    struct arena a = ARENA_INIT;
    char line[2048];
    int lineno = 0, loaded = 0;
    int64_t first = 0;
    rc = db_begin(db);
    while (rc == 0 && fgets(line, sizeof(line), f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *fields[5] = {0};
        char *p = line;
        for (int k = 0; k < 5 && p; k++) {
            fields[k] = p;
            p = strchr(p, ';');
            if (p)
                *p++ = '\0';
        }
        struct structure s = {.nom = fields[0], .adresse = fields[1], .code_postal = fields[2],
                              .commune = fields[3], .departement = fields[4]};
        struct ui_errors errs = {0};
        if ((rc = structure_create(db, &a, &s, &errs))) {
            fprintf(stderr, "relais : %s ligne %d :\n", file, lineno);
            print_errors(&errs);
            break;
        }
        if (!first)
            first = s.id;
        loaded++;
    }
    fclose(f);
    const char *sid = arena_printf(&a, "%lld", (long long)first);
    if (rc == 0)
        rc = demo_user(db, &a, "admin@demo.relais.invalid", "Alex Admin (démo)", "admin", NULL,
                       NULL);
    if (rc == 0)
        rc = demo_user(db, &a, "coordination53@demo.relais.invalid", "Camille Coordination (démo)",
                       "coordinateur", "53", NULL);
    if (rc == 0)
        rc = demo_user(db, &a, "structure@demo.relais.invalid", "Sacha Structure (démo)",
                       "admin_structure", NULL, sid);
    if (rc == 0)
        rc = demo_user(db, &a, "mediatrice@demo.relais.invalid", "Morgane Médiatrice (démo)",
                       "mediateur", NULL, sid);
    if (rc == 0 && first)
        rc = orientation_demo(db, &a, first, "mediatrice@demo.relais.invalid", (int64_t)time(NULL));
    struct db_stmt *st;
    if (rc == 0 && (rc = db_prepare(db, SQL_DEMO_SET, &st)) == 0)
        rc = db_exec_stmt(st);
    if (rc == 0)
        rc = db_commit(db);
    else
        db_rollback(db);
    if (rc == 0)
        printf("démonstration créée : %d structures, 4 comptes (mot de passe : %s)\n", loaded,
               DEMO_PASSWORD);
    if (rc == 0)
        rc = demo_lieux(db, cfg, lieux_dir);
    if (rc == 0)
        rc = suivi_demo(db, &a, "mediatrice@demo.relais.invalid",
                        "coordination53@demo.relais.invalid", (int64_t)time(NULL));
    if (rc == 0)
        rc = orientation_demo_link_person(db);
    int demo_cras = 0;
    if (rc == 0 && (rc = activite_demo(db, &a, (int64_t)time(NULL), &demo_cras)) == 0)
        printf("démonstration des activités : %d CRA inventés sur les 12 derniers mois\n",
               demo_cras);
    if (rc == 0)
        rc = ressources_demo(db, ressources_file, "mediatrice@demo.relais.invalid");
    arena_release(&a);
    db_close(db);
    return rc ? 1 : 0;
}

static int cmd_backup(int argc, char **argv, struct config *cfg)
{
    const struct cli_opt opts[] = {OPT_DATABASE};
    const struct cli_cmd cmd = {"relais backup FICHIER [options]",
                                "Copie la base SQLite en service dans FICHIER (sauvegarde à "
                                "chaud) ; avec PostgreSQL, imprime la commande pg_dump.",
                                opts, N(opts)};
    const char *pos[1];
    int rc;
    if (cli_stop(&cmd, argc, argv, pos, 1, &rc))
        return rc;
    struct db *db;
    if (cli_open_db(cfg->database_url, &db))
        return 1;
    rc = db_backup(db, pos[0]);
    if (rc == ERR_UNSUPPORTED) {
        struct arena a = ARENA_INIT;
        printf("%s\n", db_pg_dump_command(cfg->database_url, pos[0], &a));
        arena_release(&a);
        rc = 0;
    } else if (rc == ERR_CONFLICT) {
        fprintf(stderr, "relais : %s existe déjà : choisissez un autre fichier\n", pos[0]);
    } else if (rc) {
        fprintf(stderr, "relais : la sauvegarde a échoué : %s\n", db_errmsg(db));
    } else {
        printf("sauvegarde écrite dans %s\n", pos[0]);
    }
    db_close(db);
    return rc ? 1 : 0;
}

static int cmd_routes(int argc, char **argv, struct config *cfg)
{
    (void)cfg;
    const struct cli_cmd cmd = {"relais routes",
                                "Imprime chaque route : méthode, chemin et accès.", NULL, 0};
    int rc;
    if (cli_stop(&cmd, argc, argv, NULL, 0, &rc))
        return rc;
    struct router *r = app_router();
    struct arena a = ARENA_INIT;
    for (size_t i = 0; i < router_count(r); i++) {
        const struct route *rt = router_at(r, i);
        for (unsigned m = 1; m <= HTTP_OPTIONS; m <<= 1)
            if (rt->methods & m)
                printf("%s %s %s\n", http_method_name(m), rt->pattern,
                       access_describe(rt->access, &a));
    }
    arena_release(&a);
    router_free(r);
    return 0;
}

static int cmd_version(int argc, char **argv, struct config *cfg)
{
    (void)cfg;
    const struct cli_cmd cmd = {"relais version", "Imprime la version de Relais.", NULL, 0};
    int rc;
    if (cli_stop(&cmd, argc, argv, NULL, 0, &rc))
        return rc;
    printf("relais %s\n", RELAIS_VERSION);
    return 0;
}

/* `relais import KIND FILE …` and `relais export KIND …`: one module per kind of data, each with its
 * own options. Without a kind (or with an option first) the lieux commands answer, as before there
 * were kinds. */
struct exchange_kind {
    const char *name;
    int (*import)(int argc, char **argv);
    int (*export)(int argc, char **argv); /* NULL: no export of this kind */
};

static const struct exchange_kind exchange_kinds[] = {
    {"lieux", lieux_import_cli, lieux_export_cli},
    {"activites", activite_import_cli, NULL},
    {"ressources", ressources_import_cli, ressources_export_cli},
};

static int exchange_dispatch(const char *verb, int argc, char **argv, bool import)
{
    if (argc < 2 || argv[1][0] == '-')
        return import ? lieux_import_cli(argc, argv) : lieux_export_cli(argc, argv);
    for (size_t i = 0; i < N(exchange_kinds); i++) {
        const struct exchange_kind *k = &exchange_kinds[i];
        if (strcmp(argv[1], k->name) != 0)
            continue;
        if (import)
            return k->import(argc, argv);
        if (k->export)
            return k->export(argc, argv);
        break;
    }
    fprintf(stderr, "relais %s : « %s » inconnu ; types possibles :", verb, argv[1]);
    for (size_t i = 0; i < N(exchange_kinds); i++)
        if (import || exchange_kinds[i].export)
            fprintf(stderr, " %s", exchange_kinds[i].name);
    fprintf(stderr, "\n");
    return 2;
}

static int cmd_import(int argc, char **argv) { return exchange_dispatch("import", argc, argv, true); }

static int cmd_export(int argc, char **argv)
{
    return exchange_dispatch("export", argc, argv, false);
}

struct command {
    const char *name;
    int (*run)(int argc, char **argv, struct config *cfg);
    int (*run_alone)(int argc, char **argv); /* commands that read their own configuration */
    const char *summary;
};

static const struct command commands[] = {
    {"serve", cmd_serve, NULL, "sert l'interface web et l'API"},
    {"migrate", cmd_migrate, NULL, "met le schéma de la base à jour"},
    {"user", cmd_user, NULL, "gère les comptes et leurs rôles"},
    {"structure", cmd_structure, NULL, "crée une structure"},
    {"import", NULL, cmd_import,
     "importe un fichier (import lieux|activites|ressources FICHIER)"},
    {"export", NULL, cmd_export, "exporte les lieux ou les ressources (export lieux|ressources)"},
    {"lieux-valider", NULL, lieux_validate_cli, "valide un fichier de lieux sans l'importer"},
    {"horaires", NULL, horaires_cli, "lit et explique une valeur d'horaires d'ouverture"},
    {"guide", NULL, guide_cli, "imprime le guide des lieux d'un département (PDF)"},
    {"couverture", NULL, couverture_cli, "population éloignée des lieux, par service"},
    {"demo", cmd_demo, NULL, "remplit une base vide avec la démonstration"},
    {"backup", cmd_backup, NULL, "sauvegarde la base"},
    {"maintenance", maintenance_cli, NULL, "tâches périodiques de chaque module, pour cron"},
    {"routes", cmd_routes, NULL, "liste les routes et leurs accès"},
    {"version", cmd_version, NULL, "imprime la version"},
};

static void usage(FILE *out)
{
    fprintf(out, "Usage : relais COMMANDE [options]\n\nRelais, la plateforme des réseaux de "
                 "médiation numérique.\n\nCommandes :\n");
    for (size_t i = 0; i < N(commands); i++)
        fprintf(out, "  %-14s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n« relais COMMANDE --help » décrit les options de chaque commande.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    const char *lvl = getenv("RELAIS_LOG");
    if (lvl && strcmp(lvl, "debug") == 0)
        log_set_level(LOG_DEBUG);
    else if (lvl && strcmp(lvl, "warn") == 0)
        log_set_level(LOG_WARN);
    if (crypto_init()) {
        fprintf(stderr, "relais : libsodium n'a pas pu s'initialiser\n");
        return 1;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    struct config cfg;
    config_init(&cfg);
    for (size_t i = 0; i < N(commands); i++)
        if (strcmp(argv[1], commands[i].name) == 0) {
            int rc = commands[i].run ? commands[i].run(argc - 1, argv + 1, &cfg)
                                     : commands[i].run_alone(argc - 1, argv + 1);
            curl_global_cleanup();
            return rc;
        }
    fprintf(stderr, "relais : commande inconnue « %s »\n\n", argv[1]);
    usage(stderr);
    return 2;
}
