/*
 * ressources/exchange: resources in JSON, the shape of `relais import ressources`, `relais export
 * ressources` and the API. A file is an array of objects:
 *
 *   {"id": "…", "title": "…", "description": "…", "content": "Markdown",
 *    "themes": [...], "resource_types": [...], "beneficiaries": [...],
 *    "professional_sectors": [...], "tags": [...], "licence": "etalab_2_0", "base": "…"}
 *
 * Only title is required. id is kept as the external id: importing the same id again updates that
 * resource (and changes nothing when nothing differs), so an import can be run twice. The four
 * lists hold La Base's identifiers (vocab.h); licence is an identifier (etalab_2_0,
 * cc_by_sa_4_0, cc_by_nc_sa_4_0, no_licence) or its usual spelling ("etalab-2.0", "CC BY-SA
 * 4.0"); base names a base by its slug or its name. content becomes one text block. Imported
 * resources are published and public (unless their base is private). Objects that break a rule are
 * rejected with their index (0-based) and a French reason; the others are imported.
 *
 * Export writes the same keys (base: the base's name), with content as the Markdown of all the
 * blocks, plus relais_id, url, visibility, published_at and demo.
 */
#ifndef RELAIS_RESSOURCES_EXCHANGE_H
#define RELAIS_RESSOURCES_EXCHANGE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;
struct ressource;

struct exchange_reject {
    size_t index;
    const char *reason; /* French, arena */
};

struct exchange_report {
    size_t created, updated, unchanged;
    struct exchange_reject *rejects;
    size_t n_rejects;
    int64_t *ids; /* the resources created or updated, for the search index */
    size_t n_ids;
};

struct exchange_options {
    /* When set, every resource goes into this base, and an object naming another base is
     * rejected (the API: an administrator imports into their base). Otherwise "base" is looked up
     * by slug or name and a base that does not exist is created, public. */
    int64_t base_id;
    int64_t user_id; /* the author recorded (0: none, the command line) */
    bool dry_run;    /* validate only */
    bool demo;       /* mark what is created as demo data */
};

/* Imports the array. Everything valid is written in one transaction. ERR_INVALID when root is not
 * an array; ERR_TOO_BIG past LIMIT_RESSOURCES_IMPORT objects. */
int exchange_import(struct db *db, struct arena *a, json_t *root, const struct exchange_options *o,
                    struct exchange_report *out);

/* One resource as an object of the exchange format (caller owns the reference). */
json_t *exchange_to_json(struct arena *a, const struct ressource *r);
/* The Markdown of all the blocks of r (arena). */
const char *exchange_content_markdown(struct arena *a, const struct ressource *r);

/* Calls fn with each resource that public_only allows (published, public, in no private base)
 * or every resource, as an exchange object (the reference is fn's to release). */
int exchange_export_each(struct db *db, bool public_only, int (*fn)(json_t *obj, void *arg),
                         void *arg);

#endif
