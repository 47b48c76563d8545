/*
 * pages_query: the search parameters shared by the public page GET /lieux and GET /api/v1/lieux,
 * read from the query string into a struct lieux_query, with what was typed kept so that the form
 * shows it again and links can be rebuilt.
 *
 * Names and values are the national standard's, so that a link is shareable and reads like the
 * national map's: services=Aide aux démarches administratives&frais_a_charge=Gratuit. The others:
 *   commune      a commune name or a postcode, as typed; code_insee chooses among homonyms
 *   latitude, longitude   a centre given directly (API, or a map)
 *   rayon        5 to 100 km (30 by default, as on the national map)
 *   duree        15, 30 or 45: a maximum estimated travel time by car (it replaces the radius)
 *   prise_rdv    1: online booking
 *   quand        maintenant | creneau (ouvert_actuellement=1 is read as quand=maintenant)
 *   jour, de, a  the day (lundi … dimanche, the next one from today) and time window of a creneau
 *   departement  one département
 *
 * Ownership: every string is borrowed from the request's arena.
 */
#ifndef RELAIS_LIEUX_PAGES_QUERY_H
#define RELAIS_LIEUX_PAGES_QUERY_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"
#include "lieux/communes.h"
#include "lieux/search.h"

#define LIEUX_RADIUS_DEFAULT 30
#define LIEUX_RADIUS_MIN 5
#define LIEUX_RADIUS_MAX 100
#define LIEUX_CHOICES_MAX 10

enum lieux_place {
    LIEUX_PLACE_NONE,    /* no commune given: results by name */
    LIEUX_PLACE_FOUND,   /* one commune (or coordinates): nearest first */
    LIEUX_PLACE_CHOICE,  /* several communes match: the person chooses */
    LIEUX_PLACE_UNKNOWN, /* nothing matches: « commune inconnue », with suggestions */
};

struct lieux_params {
    /* As typed (NULL when absent). */
    const char *commune, *code_insee, *latitude, *longitude;
    const char *rayon, *duree, *quand, *jour, *de, *a, *departement;
    bool prise_rdv;
    const char *selected[SEARCH_N_DIMS][SEARCH_MAX_VALUES];
    size_t n_selected[SEARCH_N_DIMS];
    bool any; /* some search parameter was given */

    enum lieux_place place;
    const struct commune *where; /* LIEUX_PLACE_FOUND from a commune */
    const char *where_label;     /* "Laval (53000)" */
    struct communes_result choices[LIEUX_CHOICES_MAX];
    size_t n_choices;

    struct lieux_query q; /* ready for lieux_search, but for offset and limit */
};

/* The query-string name of a dimension: the standard's field name ("services"). Static. */
const char *lieux_dim_name(enum search_dim d);

/* Reads req->query into p. Returns 0, or ERR_INVALID after http_fail with a French message naming
 * the parameter. An unknown or ambiguous commune is not an error here: p->place says so. */
int lieux_params_read(struct http_request *req, struct lieux_params *p);

/* The parameters of p as a percent-encoded query string without the page ("commune=Laval&…"),
 * for links; without the place when with_place is false (arena). */
const char *lieux_params_query(struct arena *a, const struct lieux_params *p, bool with_place);

#endif
