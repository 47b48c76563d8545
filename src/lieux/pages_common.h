/*
 * pages_common: what the pages and the API of lieux share: loading a lieu from the {id} of a route
 * and deciding who manages it, the French formatting of distances, durations and dates, the opening
 * hours as a person reads them (French rendering, open or closed now), the labels of typologie
 * codes, and the Leaflet map that enhances a list.
 *
 * Everything returned lives in the request's arena (or is static where said); nothing here keeps
 * state between requests.
 */
#ifndef RELAIS_LIEUX_PAGES_COMMON_H
#define RELAIS_LIEUX_PAGES_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "http/http.h"
#include "lieux/store.h"

struct auth;

/* How often a request checks whether another process changed the lieux (search.h). */
#define LIEUX_INDEX_MAX_AGE_S 5

/* A page buffer in the request's arena, capped at LIMIT_PAGE_BYTES. */
struct buf lieux_page_buf(struct http_request *req);

/* The lieu of the route's {id}. ERR_NOT_FOUND (with a French message) when there is none, or when
 * it is not published and the viewer does not manage it. */
int lieux_load(struct http_request *req, struct lieu_record *rec);
/* Admin, coordinateur of the lieu's département, or administrator of its structure. */
bool lieux_can_manage(const struct auth *a, const struct lieu_record *rec);

/* "3,2 km" (one decimal below 10 km, none above), "environ 9 min", "1 h 05": arena. */
const char *lieux_km_fr(struct arena *a, double km);
const char *lieux_minutes_fr(struct arena *a, double minutes);
/* "306 538", grouped by a narrow no-break space. */
const char *lieux_count_fr(struct arena *a, uint64_t n);
/* "2 avril 2024" from "2024-04-02" (the text itself when it is not such a date); from a time. */
const char *lieux_date_fr(struct arena *a, const char *iso);
const char *lieux_time_fr(struct arena *a, time_t t);

/* The items of a '|'-list, trimmed, empty ones left out; *out in the arena. */
size_t lieux_split(struct arena *a, const char *list, const char ***out);

/* The civil time in metropolitan France (Europe/Paris rules, whatever the server's zone). */
void lieux_paris_time(time_t t, struct tm *out);

/* Opening hours as shown to a person. */
struct lieux_hours {
    const char *raw;    /* the text as written; NULL when the lieu has none */
    const char *french; /* "du lundi au vendredi, 9 h – 12 h…", or NULL when not parsed */
    int open;           /* 1 open now, 0 closed now, -1 unknown or not given */
    const char *next;   /* "ouvre mardi à 9 h", "ferme à 12 h", or NULL */
};
void lieux_hours_read(struct arena *a, const char *text, const char *departement, time_t now,
                      struct lieux_hours *out);
/* The same for a lieu of the search index, whose hours are already parsed and rendered. */
struct lieux_entry;
void lieux_hours_of_entry(struct arena *a, const struct lieux_entry *e, time_t now,
                          struct lieux_hours *out);
/* The status tag: "Ouvert maintenant" (green), "Fermé maintenant" (grey) or "Horaires non
 * renseignés" / "Horaires à vérifier". */
void lieux_status_tag(struct buf *b, const struct lieux_hours *h);

/* The French meaning of a typologie code of the standard's list ("CCAS" → "Centre communal d'action
 * sociale"; every code of lieu_vocab(LF_TYPOLOGIE) has one), or NULL for a code outside the list.
 * Static. */
const char *lieux_typologie_label(const char *code);

/* The script of the lieux pages (web/js/carte.js: commune autocompletion, maps). A module runs
 * once however many times a page names it. */
void lieux_script(struct buf *b);

/* One point of a map. */
struct lieux_marker {
    int64_t id;
    const char *nom, *adresse;
    double lat, lon;
    bool approx;
};
/* The map below a list: a hidden element that web/js/carte.js shows and fills with Leaflet, its
 * markers in a data attribute (the CSP forbids inline scripts), the tile server of the
 * configuration, and the script (which loads Leaflet only then). Nothing when there is no marker or
 * no tile server. geojson (or NULL) is a layer drawn under the markers (coverage). */
void lieux_map(struct buf *b, struct http_request *req, const char *label,
               const struct lieux_marker *m, size_t n, const char *geojson);

#endif
