/*
 * `relais guide --departement NN -o FICHIER.pdf [--database URL]`: the printed guide of guide.h,
 * written to a file, with a French summary on standard output. The database is the one of the
 * configuration (RELAIS_DATABASE_URL), as for every other command.
 */
#include "core/limits.h"
#include "lieux/guide.h"

#include <stdio.h>

#include "app/cli.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/err.h"
#include "db/db.h"

int guide_cli(int argc, char **argv)
{
    struct config cfg;
    config_init(&cfg);
    const char *departement = NULL, *output = NULL;
    const struct cli_opt opts[] = {
        {"departement", "CODE", "département du guide : 53, 2A, 974…", &departement},
        {"output", "FICHIER", "fichier PDF à écrire (aussi -o)", &output},
        {"database", "URL",
         "base de données : sqlite:CHEMIN ou postgresql://… "
         "(RELAIS_DATABASE_URL)",
         &cfg.database_url},
    };
    const struct cli_cmd cmd = {
        "relais guide --departement CODE -o FICHIER.pdf [options]",
        "Produit le guide imprimable des lieux de médiation numérique publiés d'un département : "
        "les lieux par commune, un index par service et la date des données (PDF A4).",
        opts, sizeof(opts) / sizeof(opts[0])};
    /* -o is the usual short form of --output; cli.h knows long options only. */
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "-o") == 0)
            argv[i] = "--output";
    int rc;
    if (cli_stop(&cmd, argc, argv, NULL, 0, &rc))
        return rc;
    if (!departement || !guide_departement_nom(departement)) {
        fprintf(stderr, "relais : --departement : code de département attendu (53, 2A, 974…)\n");
        cli_usage(&cmd);
        return 2;
    }
    if (!output || !*output) {
        fprintf(stderr, "relais : -o : nom du fichier PDF attendu\n");
        cli_usage(&cmd);
        return 2;
    }

    struct db *db;
    if (cli_open_db(cfg.database_url, &db))
        return 1;
    struct arena a = ARENA_INIT;
    struct guide_stats st;
    struct guide_opts go = {.departement = departement, .font_dir = cfg.font_dir};
    rc = guide_write_pdf(db, &go, output, &a, &st);
    db_close(db);
    if (rc == ERR_IO)
        fprintf(stderr, "relais : impossible d'écrire « %s »\n", output);
    else if (rc == ERR_TOO_BIG)
        fprintf(stderr, "relais : plus de %d lieux, le guide serait trop long\n", LIMIT_GUIDE_LIEUX);
    else if (rc)
        fprintf(stderr, "relais : le guide n'a pas pu être produit (%s)\n", err_name(rc));
    else
        printf("%s : %d page%s, %zu lieu%s dans %zu commune%s (département %s%s%s), en %.0f ms\n",
               output, st.pages, st.pages > 1 ? "s" : "", st.n_lieux, st.n_lieux > 1 ? "x" : "",
               st.n_communes, st.n_communes > 1 ? "s" : "", departement,
               *st.date_maj_max ? ", données du " : "", st.date_maj_max, st.ms);
    arena_release(&a);
    return rc ? 1 : 0;
}
