/*
 * communes: the French communes, with their postcodes, centroid, population and a density proxy,
 * loaded once at start-up from the three open-data files of ref/data/communes/ and read-only
 * afterwards, so that every thread can use the table without a lock.
 *
 * Sources, joined on the INSEE code (kept as text: leading zeros, 2A/2B):
 *   - communes-france-2024-limite.csv (COG 2024): the current communes, their name, département and
 *     2024 population;
 *   - insee_populations_communales_2017.csv: the 2017 population where 2024 has none;
 *   - laposte_hexasmal.csv (2020): postcodes, the centroid, and the "ligne 5" locality names that
 *     search also knows (Azé finds Château-Gontier-sur-Mayenne). It also brings the overseas
 *     collectivities (975, 977, 978, 986, 987, 988), which have no population in the other files,
 *     and the communes merged since 2020 (kept, not current, so that old codes still geocode).
 *
 * Paris, Lyon and Marseille are there twice: the city (plm_city, centroid = mean of its
 * arrondissements, postcodes = theirs) and its arrondissements (plm_parent). A population total
 * counts the arrondissements only: use communes_counts().
 *
 * Ownership: communes_load returns a table that the caller frees with communes_free; every pointer
 * handed out by the functions below is borrowed from the table and lives as long as it.
 */
#ifndef RELAIS_LIEUX_COMMUNES_H
#define RELAIS_LIEUX_COMMUNES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lieux/geo.h"

struct communes;

struct commune {
    char code_insee[6];
    char departement[4];            /* "53", "2A", "974" */
    const char *nom;                /* "Château-Gontier-sur-Mayenne" */
    const char *nom_norm;           /* search key: "chateau gontier sur mayenne" */
    const char (*codes_postaux)[6]; /* the 2024 main postcode first, then ascending */
    size_t n_codes_postaux;
    struct geo_point centre;  /* valid when has_centre */
    bool has_centre;          /* false for 3 communes of metropolitan France and ~90 overseas */
    uint32_t population;      /* municipal population; 0 when unknown */
    uint16_t population_year; /* 2024, 2017 or 0 (unknown) */
    float density;            /* inhabitants per km² within 5 km (see communes.c) */
    enum geo_density density_class;
    int32_t plm_parent; /* for an arrondissement of Paris/Lyon/Marseille: the city's index */
    bool plm_city;      /* Paris, Lyon or Marseille as a whole */
    bool current;       /* false: merged into another commune since 2020 */
};

/* Loads the three files of dir. ERR_IO or ERR_INVALID (with a French message in the log) when a
 * file is missing or does not have the expected columns. *out is caller-frees (communes_free). */
int communes_load(const char *dir, struct communes **out);
void communes_free(struct communes *c);

/* Milliseconds that communes_load took, for the logs and the benchmark. */
double communes_load_ms(const struct communes *c);

/* Every commune, current or not, in no particular order. */
size_t communes_count(const struct communes *c);
const struct commune *communes_at(const struct communes *c, size_t i);

/* True when the commune's population belongs in a total: current and not the PLM city itself
 * (its arrondissements are counted instead). */
bool communes_counts(const struct commune *m);

/* The commune with this INSEE code (ASCII case-insensitive: "2a004" works), or NULL. */
const struct commune *communes_by_insee(const struct communes *c, const char *code_insee);
/* The communes served by a postcode, most populated first; returns how many there are (at most
 * max are written). */
size_t communes_by_postcode(const struct communes *c, const char *code_postal,
                            const struct commune **out, size_t max);

/* The name of a département ("Charente"), or NULL. */
const char *communes_departement_nom(const struct communes *c, const char *departement);
/* The population of a département, PLM cities counted once. */
uint64_t communes_departement_population(const struct communes *c, const char *departement);

/* One answer of communes_search or communes_suggest. */
struct communes_result {
    const struct commune *commune;
    const char *code_postal; /* the postcode that matched, else the main one ("" if none) */
    /* 0 exact, 1 name prefix, 2 word of the name, 3 locality or every word, 4 one typo at the
     * start of the name, 5 one typo in a word of it, 6 and more: suggestion (6 + edit distance) */
    int rank;
};

#define COMMUNES_RESULTS_MAX 50

/* Autocompletion of a commune name or a postcode, best first: accents, case, hyphens and
 * apostrophes do not matter, "st"/"ste" stand for "saint"/"sainte", the last word may be
 * incomplete, one typo is tolerated (queries of 4 characters or more), digits complete postcodes
 * and a full INSEE code finds its commune. Among equals, the most populated commune comes first.
 * dep_filter (NULL or "") keeps one département. Only current communes are returned. Writes at most
 * max (capped at COMMUNES_RESULTS_MAX) results and returns how many; a query longer than
 * LIMIT_QUERY_CHARS finds nothing. Thread-safe, no allocation. */
size_t communes_search(const struct communes *c, const char *query, const char *dep_filter,
                       size_t max, struct communes_result *results);

/* For « commune inconnue » : the closest names to one that matched nothing, by search and then by
 * edit distance on whole names. Same conventions as communes_search. */
size_t communes_suggest(const struct communes *c, const char *unknown_name, const char *dep_filter,
                        size_t max, struct communes_result *results);

#endif
