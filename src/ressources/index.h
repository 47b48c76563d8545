/*
 * ressources/index: the resources in the search engine (search/search.h). At start the visible
 * and private resources are all loaded (one batch); after every committed write of a resource the
 * handler calls ressources_index_refresh, which reads it back and puts (or removes) its document.
 *
 * A document carries the resource's text (title; tags and the labels of its indexation; short
 * description; the text of its blocks, of its PDF files and its base's name), the facets of the
 * four vocabularies under their exchange keys (themes, resource_types, beneficiaries,
 * professional_sectors) and an access facet "_acces" that the query filters on: "public" for a
 * published, public resource outside a private base, and "user:ID" / "base:ID" for its authors and
 * its base's members; and
 * "_base" (its base's id) for a search within one base.
 *
 * Other processes (a second server on the same PostgreSQL, `relais import ressources` while the
 * server runs) are noticed by ressources_index_sync: at most every max_age_s seconds, one request
 * compares the count and latest change of the resources with what the index was built from, and
 * reloads it when they differ.
 *
 * The engine is process-wide, created by ressources_index_load and kept until exit.
 */
#ifndef RELAIS_RESSOURCES_INDEX_H
#define RELAIS_RESSOURCES_INDEX_H

#include <stdint.h>

struct db;
struct search_engine;
struct ressource;

/* data_dir: where the files are (the text of PDFs is searched); copied, kept for the reloads. */
int ressources_index_load(struct db *db, const char *data_dir);
/* The quality of a resource for the ranking, 0..1: 0.6 × its recommendation score (quality.h, 0.5
 * without reviews) + 0.25 × its completeness + 0.15 × its freshness (1 for a year after its last
 * change or verification, down to 0 two years later). now: Unix seconds. */
double ressources_quality_blend(const struct ressource *r, double recommendation, int64_t now);
/* The engine, or NULL before ressources_index_load. Borrowed. */
struct search_engine *ressources_index(void);
/* Re-reads one resource and updates its document (removes it when the resource is gone). Logs
 * failures: the database is already committed, and the next start rebuilds the index. */
void ressources_index_refresh(struct db *db, int64_t ressource_id);
/* Reloads the index when another process changed the resources (see above). */
#define RESSOURCES_INDEX_MAX_AGE_S 5
void ressources_index_sync(struct db *db, int max_age_s);

#endif
