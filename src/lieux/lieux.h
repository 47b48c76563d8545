/*
 * lieux: the module's process-wide state, set up once before serving: the table of French communes
 * (read-only, shared by every thread) and the first search index. Handlers reach them through
 * lieux_communes() and lieux_index_acquire() (search.h).
 */
#ifndef RELAIS_LIEUX_LIEUX_H
#define RELAIS_LIEUX_LIEUX_H

struct communes;
struct db;
struct router;

/* Loads the communes of dir (ref/data/communes by default) and builds the search index. */
int lieux_init(struct db *db, const char *communes_dir);
/* The communes table; NULL before lieux_init. Borrowed for the life of the process. */
const struct communes *lieux_communes(void);
/* Adds the routes of the module (pages and API). */
void lieux_add_routes(struct router *r);

#endif
