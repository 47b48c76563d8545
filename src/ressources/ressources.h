/*
 * ressources: bases of teaching resources for médiateurs, with their search. ressources_init
 * builds the search index from the database (and the text of PDF files under data_dir) before
 * serving; ressources_add_routes adds the pages
 * and the API (routes.c, with who may use each).
 */
#ifndef RELAIS_RESSOURCES_RESSOURCES_H
#define RELAIS_RESSOURCES_RESSOURCES_H

struct db;
struct router;

int ressources_init(struct db *db, const char *data_dir);
void ressources_add_routes(struct router *r);

/* `relais import ressources FICHIER.json` and `relais export ressources` (cli.c); argv[0] is the
 * command, argv[1] "ressources". */
int ressources_import_cli(int argc, char **argv);
int ressources_export_cli(int argc, char **argv);
/* relais demo: imports the invented resources of path (exchange format), marked demo, authored
 * by the account of email. */
int ressources_demo(struct db *db, const char *path, const char *email);

#endif
