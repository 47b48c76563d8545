/* Unit tests of lieux/communes, lieux/geo and lieux/couverture, on the real communes files of
 * ref/data/communes (the tests run from the repository root) and on a small synthetic département
 * whose answers are computed by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/arena.h"
#include "core/err.h"
#include "lieux/communes.h"
#include "lieux/couverture.h"
#include "lieux/geo.h"

#define COMMUNES_DIR "ref/data/communes"

static struct communes *table;

static int load_table(void **state)
{
    (void)state;
    return communes_load(COMMUNES_DIR, &table);
}

static int free_table(void **state)
{
    (void)state;
    communes_free(table);
    table = NULL;
    return 0;
}

static size_t search(const char *q, const char *dep, struct communes_result *r)
{
    return communes_search(table, q, dep, 10, r);
}

/* The position of a commune in the results, or -1. */
static int position(const struct communes_result *r, size_t n, const char *code_insee)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(r[i].commune->code_insee, code_insee) == 0)
            return (int)i;
    return -1;
}

static void test_load_counts(void **state)
{
    (void)state;
    /* 34,990 of the 2024 file, minus nothing, plus the overseas collectivities and the communes
     * merged since 2020 that the older files still list. */
    assert_true(communes_count(table) > 35000 && communes_count(table) < 35200);
    const struct commune *m = communes_by_insee(table, "53062");
    assert_non_null(m);
    assert_string_equal(m->nom, "Château-Gontier-sur-Mayenne");
    assert_string_equal(m->departement, "53");
    assert_int_equal(m->population_year, 2024);
    assert_int_equal(m->population, 16845);
    assert_true(m->has_centre && fabs(m->centre.lat - 47.829) < 0.01);
    /* Corsica keeps its letters, and the code is matched without regard to case. */
    m = communes_by_insee(table, "2a004");
    assert_non_null(m);
    assert_string_equal(m->nom, "Ajaccio");
    assert_string_equal(m->departement, "2A");
    assert_null(communes_by_insee(table, "99999"));
    assert_null(communes_by_insee(table, "530"));
    /* A commune merged since 2020 is still there for its old code, but not current. */
    m = communes_by_insee(table, "16010");
    assert_non_null(m);
    assert_false(m->current);
    assert_int_equal(m->population_year, 2017);
    /* New Caledonia comes from La Poste only: current, no population. */
    m = communes_by_insee(table, "98818");
    assert_non_null(m);
    assert_true(m->current);
    assert_string_equal(communes_departement_nom(table, "988"), "Nouvelle-Calédonie");
    assert_string_equal(communes_departement_nom(table, "16"), "Charente");
    assert_null(communes_departement_nom(table, "00"));
    /* Loading is fast enough to do at every start. */
    assert_true(communes_load_ms(table) < 1000);
}

static void test_load_missing_dir(void **state)
{
    (void)state;
    struct communes *c = NULL;
    assert_int_equal(communes_load("/nonexistent-relais-dir", &c), ERR_IO);
    assert_null(c);
}

static void test_plm_counted_once(void **state)
{
    (void)state;
    const struct commune *paris = communes_by_insee(table, "75056");
    const struct commune *p11 = communes_by_insee(table, "75111");
    assert_non_null(paris);
    assert_non_null(p11);
    assert_true(paris->plm_city);
    assert_false(communes_counts(paris));
    assert_true(communes_counts(p11));
    assert_ptr_equal(communes_at(table, (size_t)p11->plm_parent), paris);
    /* The département of Paris is the city once, not city plus arrondissements. */
    uint64_t dep75 = communes_departement_population(table, "75");
    assert_true(dep75 > paris->population * 99 / 100 && dep75 < paris->population * 101 / 100);
    /* Same for Lyon inside the Rhône and Marseille inside the Bouches-du-Rhône. */
    const struct commune *lyon = communes_by_insee(table, "69123");
    uint64_t sum69 = 0;
    for (size_t i = 0; i < communes_count(table); i++) {
        const struct commune *m = communes_at(table, i);
        if (m->current && strcmp(m->departement, "69") == 0)
            sum69 += m->population;
    }
    assert_int_equal(communes_departement_population(table, "69") + lyon->population, sum69);
    assert_true(communes_by_insee(table, "13055")->plm_city);
    /* The city has a centroid (its arrondissements' mean) near the Île de la Cité. */
    assert_true(paris->has_centre);
    assert_true(geo_distance_km(paris->centre, (struct geo_point){48.8566, 2.3522}) < 3);
    /* Postcodes go to the arrondissement, and the city knows them all. */
    const struct commune *found[8];
    size_t n = communes_by_postcode(table, "75011", found, 8);
    assert_int_equal(n, 2);
    assert_true((found[0] == paris && found[1] == p11) || (found[0] == p11 && found[1] == paris));
    assert_true(paris->n_codes_postaux >= 20);
}

static void test_postcode_lookup(void **state)
{
    (void)state;
    const struct commune *found[16];
    size_t n = communes_by_postcode(table, "16100", found, 16);
    /* Cognac, Châteaubernard, Boutiers-Saint-Trojan, … : most populated first. */
    assert_true(n >= 8);
    assert_string_equal(found[0]->code_insee, "16102");
    for (size_t i = 1; i < n && i < 16; i++)
        assert_true(found[i - 1]->population >= found[i]->population);
    assert_int_equal(communes_by_postcode(table, "00000", found, 16), 0);
    assert_int_equal(communes_by_postcode(table, "1610", found, 16), 0);
    assert_int_equal(communes_by_postcode(table, NULL, found, 16), 0);
    /* Château-Gontier-sur-Mayenne has one postcode; Ajaccio several, the 2024 one first. */
    const struct commune *aj = communes_by_insee(table, "2A004");
    assert_true(aj->n_codes_postaux >= 3);
    assert_string_equal(aj->codes_postaux[0], "20000");
}

static void test_autocomplete_saint(void **state)
{
    (void)state;
    struct communes_result r[10];
    size_t n = search("st etienne", NULL, r);
    assert_true(n >= 2);
    assert_string_equal(r[0].commune->code_insee, "42218");
    assert_int_equal(r[0].rank, 0);
    assert_true(position(r, n, "76575") > 0); /* Saint-Étienne-du-Rouvray */
    /* Accents, case, hyphens and the long form give the same answer. */
    n = search("SAINT-ÉTIENNE", NULL, r);
    assert_string_equal(r[0].commune->code_insee, "42218");
    n = search("ste-", NULL, r);
    assert_true(n > 0);
    assert_true(strncmp(r[0].commune->nom_norm, "sainte", 6) == 0);
    /* A bare "st" may also begin a name: Strasbourg is there beside the saints. */
    n = search("st", NULL, r);
    assert_true(position(r, n, "67482") >= 0);
    assert_true(position(r, n, "42218") >= 0);
    /* A word inside the name, and every word in any order. */
    n = search("etienne rouvray", NULL, r);
    assert_true(position(r, n, "76575") == 0);
}

static void test_autocomplete_prefix_and_rank(void **state)
{
    (void)state;
    struct communes_result r[10];
    size_t n = search("chateau gontier", NULL, r);
    assert_true(n >= 1);
    assert_string_equal(r[0].commune->code_insee, "53062");
    n = search("laval", NULL, r);
    assert_string_equal(r[0].commune->code_insee, "53130");
    assert_int_equal(r[0].rank, 0);
    assert_true(n > 3 && r[1].rank == 1); /* Lavalette, Laval-Pradel… after the exact name */
    /* Equal names: the most populated first (Saint-Denis of La Réunion, then of the 93). */
    n = search("saint denis", NULL, r);
    assert_string_equal(r[0].commune->code_insee, "97411");
    assert_string_equal(r[1].commune->code_insee, "93066");
    /* The département filter. */
    n = search("saint", "2a", r);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(r[i].commune->departement, "2A");
    n = search("laval", "38", r);
    assert_true(n > 0 && position(r, n, "53130") < 0);
    /* Only current communes: the old code of a merged commune is not proposed. */
    n = search("16010", NULL, r);
    assert_int_equal(n, 0);
    /* A La Poste locality finds its commune. */
    n = communes_search(table, "aze", "53", 10, r);
    assert_true(position(r, n, "53062") >= 0);
}

static void test_autocomplete_postcodes(void **state)
{
    (void)state;
    struct communes_result r[10];
    size_t n = search("5300", NULL, r);
    assert_true(n >= 1);
    assert_string_equal(r[0].commune->code_insee, "53130");
    assert_string_equal(r[0].code_postal, "53000");
    n = search("1610", NULL, r);
    assert_true(n >= 8);
    for (size_t i = 0; i < n; i++)
        assert_true(strncmp(r[i].code_postal, "1610", 4) == 0);
    assert_string_equal(r[0].commune->code_insee, "16102"); /* Cognac */
    /* An INSEE code finds its commune. */
    n = search("16015", NULL, r);
    assert_true(position(r, n, "16015") == 0);
}

static void test_autocomplete_typos(void **state)
{
    (void)state;
    struct communes_result r[10];
    size_t n = search("chateau gontiere", NULL, r);
    assert_true(n >= 1);
    assert_string_equal(r[0].commune->code_insee, "53062");
    n = search("mayene", NULL, r);
    assert_string_equal(r[0].commune->code_insee, "53147"); /* Mayenne before …-sur-Mayenne */
    assert_int_equal(r[0].rank, 4);
    assert_true(position(r, n, "53062") > 0);
    n = search("angoulme", NULL, r); /* a letter missing */
    assert_true(position(r, n, "16015") >= 0);
    n = search("cgonac", NULL, r); /* two letters swapped */
    assert_true(position(r, n, "16102") >= 0);
    /* Short queries get no tolerance: "lzv" is no commune. */
    assert_int_equal(search("lzv", NULL, r), 0);
    /* Nothing, or too long. */
    assert_int_equal(search("", NULL, r), 0);
    assert_int_equal(search(" - ' ", NULL, r), 0);
    char longq[800];
    memset(longq, 'a', sizeof(longq) - 1);
    longq[sizeof(longq) - 1] = '\0';
    assert_int_equal(search(longq, NULL, r), 0);
}

static void test_unknown_commune_suggestions(void **state)
{
    (void)state;
    struct communes_result r[5];
    /* Matches nothing as typed, but is close to Angoulême. */
    assert_int_equal(communes_search(table, "Angoulême-sur-Charente", NULL, 5, r), 0);
    size_t n = communes_suggest(table, "Angoulême-sur-Charente", NULL, 5, r);
    assert_true(n > 0);
    assert_true(position(r, n, "16015") >= 0);
    /* Two mistakes: not found by the search, suggested by edit distance. */
    assert_int_equal(communes_search(table, "Angoulaimme", "16", 5, r), 0);
    n = communes_suggest(table, "Angoulaimme", "16", 5, r);
    assert_true(n > 0);
    assert_string_equal(r[0].commune->code_insee, "16015");
    assert_true(r[0].rank >= 6);
}

static void test_distance(void **state)
{
    (void)state;
    struct geo_point paris = {48.8566, 2.3522}, lyon = {45.7640, 4.8357};
    double d = geo_distance_km(paris, lyon);
    assert_true(d > 389 && d < 395);
    assert_true(geo_distance_km(paris, paris) == 0);
    assert_true(fabs(geo_distance_km(lyon, paris) - d) < 1e-9);
    /* A quarter of the equator. */
    assert_true(
        fabs(geo_distance_km((struct geo_point){0, 0}, (struct geo_point){0, 90}) - 10007.5) < 1);
}

static void test_travel_time_model(void **state)
{
    (void)state;
    /* The model's values: 2 min + km × 1.3 at 25 / 45 / 65 km/h. */
    assert_true(fabs(geo_travel_minutes_km(0, GEO_RURAL) - 2.0) < 1e-9);
    assert_true(fabs(geo_travel_minutes_km(10, GEO_RURAL) - 14.0) < 1e-9);
    assert_true(fabs(geo_travel_minutes_km(10, GEO_INTERMEDIATE) - (2 + 13.0 / 45 * 60)) < 1e-9);
    assert_true(fabs(geo_travel_minutes_km(10, GEO_DENSE) - 33.2) < 1e-9);
    assert_true(fabs(geo_travel_minutes_km(-3, GEO_DENSE) - 2.0) < 1e-9);
    /* Longer is never quicker; denser is slower. */
    for (int k = 0; k < GEO_N_DENSITIES; k++)
        for (double km = 0; km < 100; km += 0.5)
            assert_true(geo_travel_minutes_km(km + 0.5, (enum geo_density)k) >
                        geo_travel_minutes_km(km, (enum geo_density)k));
    assert_true(geo_travel_minutes_km(5, GEO_DENSE) > geo_travel_minutes_km(5, GEO_INTERMEDIATE));
    assert_true(geo_travel_minutes_km(5, GEO_INTERMEDIATE) > geo_travel_minutes_km(5, GEO_RURAL));
    struct geo_point a = {45.0, 0.0}, b = {45.0, 0.1};
    assert_true(fabs(geo_travel_minutes(a, b, GEO_RURAL) -
                     geo_travel_minutes_km(geo_distance_km(a, b), GEO_RURAL)) < 1e-9);
    /* The page explains it, and says it is an estimate. */
    assert_non_null(strstr(geo_travel_model_fr, "Estimation"));
    assert_non_null(strstr(geo_travel_model_fr, "1,3"));
    assert_non_null(strstr(geo_travel_model_fr, "65 km/h"));
    /* Density classes. */
    assert_int_equal(geo_density_class(20000), GEO_DENSE);
    assert_int_equal(geo_density_class(400), GEO_INTERMEDIATE);
    assert_int_equal(geo_density_class(20), GEO_RURAL);
    assert_int_equal(communes_by_insee(table, "75111")->density_class, GEO_DENSE);
    assert_int_equal(communes_by_insee(table, "16064")->density_class, GEO_RURAL); /* Brigueuil */
}

static void test_in_france(void **state)
{
    (void)state;
    assert_true(geo_in_france(-22.2758, 166.4580));  /* Nouméa */
    assert_true(geo_in_france(4.9224, -52.3135));    /* Cayenne */
    assert_true(geo_in_france(-20.8821, 55.4504));   /* Saint-Denis, La Réunion */
    assert_true(geo_in_france(48.8566, 2.3522));     /* Paris */
    assert_true(geo_in_france(41.9192, 8.7386));     /* Ajaccio */
    assert_true(geo_in_france(-17.5516, -149.5585)); /* Papeete */
    assert_false(geo_in_france(40.0, -30.0));        /* the middle of the Atlantic */
    assert_false(geo_in_france(2.3522, 48.8566));    /* Paris with latitude and longitude swapped */
    assert_false(geo_in_france(0, 0));
    assert_false(geo_in_france(52.52, 13.405)); /* Berlin */
}

static void test_locate_lieu(void **state)
{
    (void)state;
    double lat = 0, lon = 0;
    bool approximate = false;
    assert_int_equal(geo_locate_lieu(table, "53062", NULL, NULL, &lat, &lon, &approximate), 0);
    assert_true(approximate);
    assert_true(fabs(lat - 47.829) < 0.01 && fabs(lon + 0.7387) < 0.01);
    /* The postcode with the name chooses among the communes that share it. */
    approximate = false;
    assert_int_equal(
        geo_locate_lieu(table, "", "16100", "CHÂTEAUBERNARD", &lat, &lon, &approximate), 0);
    const struct commune *cb = communes_by_insee(table, "16089");
    assert_true(approximate && lat == cb->centre.lat && lon == cb->centre.lon);
    /* Without a name, the most populated commune of the postcode. */
    assert_int_equal(geo_locate_lieu(table, NULL, "16100", NULL, &lat, &lon, &approximate), 0);
    assert_true(lat == communes_by_insee(table, "16102")->centre.lat);
    /* Paris and a postcode: the arrondissement. */
    assert_int_equal(geo_locate_lieu(table, "75056", "75011", "Paris", &lat, &lon, &approximate),
                     0);
    assert_true(lat == communes_by_insee(table, "75111")->centre.lat);
    /* A unique name alone is enough; an ambiguous one is not. */
    assert_int_equal(
        geo_locate_lieu(table, NULL, NULL, "Château-Gontier-sur-Mayenne", &lat, &lon, &approximate),
        0);
    assert_int_equal(geo_locate_lieu(table, NULL, NULL, "Saint-Denis", &lat, &lon, &approximate),
                     ERR_NOT_FOUND);
    assert_int_equal(
        geo_locate_lieu(table, "00000", "00000", "Nulle-Part", &lat, &lon, &approximate),
        ERR_NOT_FOUND);
    assert_int_equal(geo_locate_lieu(table, NULL, NULL, NULL, &lat, &lon, &approximate),
                     ERR_NOT_FOUND);
}

/*
 * A synthetic département on the 45th parallel (1° of longitude = 78.6 km), all rural but C:
 *   A (1,000 inhabitants) at 0.00°E, B (3,000) at 0.15°E, C (6,000, dense) at 0.50°E;
 *   point P1 at A offers service 0, point P2 at C offers service 1.
 * Service 0: B is 11.8 km from P1, 2 + 11.8 × 1.3 / 65 × 60 = 16.2 min; C is 39.3 km away at
 * 25 km/h, 125 min. Service 1: B is 27.5 km from P2, 35.0 min; A 39.3 km, 49.2 min.
 */
static const struct couverture_zone synthetic[] = {
    {"00001", "A", 1000, {45.0, 0.00}, GEO_RURAL},
    {"00002", "B", 3000, {45.0, 0.15}, GEO_RURAL},
    {"00003", "C", 6000, {45.0, 0.50}, GEO_DENSE},
};
static const struct couverture_point synthetic_points[] = {
    {45.0, 0.00, 1u << 0},
    {45.0, 0.50, 1u << 1},
};

static void test_coverage_synthetic(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct couverture cv;
    assert_int_equal(couverture_compute(synthetic, 3, synthetic_points, 2, &a, &cv), 0);
    assert_int_equal(cv.population, 10000);
    assert_int_equal(cv.n_points, 2);

    const struct couverture_service *s0 = &cv.services[0];
    assert_int_equal(s0->n_points, 1);
    assert_true(fabs(cv.communes[0].minutes[0] - 2.0) < 1e-9);
    assert_true(fabs(cv.communes[1].minutes[0] - 16.15) < 0.1);
    assert_true(fabs(cv.communes[2].minutes[0] - 124.7) < 0.5);
    assert_int_equal(s0->population_over_near, 9000);
    assert_int_equal(s0->population_over_far, 6000);
    assert_true(fabs(s0->share_over_near - 0.9) < 1e-9);
    assert_true(fabs(s0->share_over_far - 0.6) < 1e-9);
    assert_int_equal(s0->n_over_near, 2);
    assert_string_equal(s0->over_near[0]->zone->nom, "C"); /* most populated first */
    assert_string_equal(s0->over_near[1]->zone->nom, "B");
    assert_int_equal(s0->n_over_far, 1);
    assert_string_equal(s0->over_far[0]->zone->nom, "C");

    const struct couverture_service *s1 = &cv.services[1];
    assert_true(fabs(cv.communes[1].minutes[1] - 35.0) < 0.2);
    assert_int_equal(s1->population_over_near, 4000);
    assert_int_equal(s1->population_over_far, 4000);
    assert_string_equal(s1->over_far[0]->zone->nom, "B");
    assert_string_equal(s1->over_far[1]->zone->nom, "A");

    /* Any service: only B, at 16 minutes of P1. */
    const struct couverture_service *any = &cv.services[COUVERTURE_ANY];
    assert_int_equal(any->n_points, 2);
    assert_int_equal(any->population_over_near, 3000);
    assert_int_equal(any->population_over_far, 0);
    assert_int_equal(any->n_over_far, 0);

    /* A service nobody offers: everyone is beyond both thresholds. */
    assert_int_equal(cv.services[2].n_points, 0);
    assert_true(isinf(cv.communes[0].minutes[2]));
    assert_true(fabs(cv.services[2].share_over_far - 1.0) < 1e-9);

    /* The map layer. */
    json_t *layer = couverture_geojson(&cv, 0, COUVERTURE_NEAR_MINUTES);
    assert_non_null(layer);
    assert_string_equal(json_string_value(json_object_get(layer, "type")), "FeatureCollection");
    json_t *features = json_object_get(layer, "features");
    assert_int_equal(json_array_size(features), 2);
    json_t *c = json_array_get(features, 1);
    json_t *props = json_object_get(c, "properties");
    assert_string_equal(json_string_value(json_object_get(props, "nom")), "C");
    assert_int_equal(json_integer_value(json_object_get(props, "population")), 6000);
    assert_int_equal(json_integer_value(json_object_get(props, "minutes")), 125);
    json_t *coords = json_object_get(json_object_get(c, "geometry"), "coordinates");
    assert_true(fabs(json_real_value(json_array_get(coords, 0)) - 0.5) < 1e-9); /* lon first */
    json_decref(layer);
    layer = couverture_geojson(&cv, 2, COUVERTURE_FAR_MINUTES);
    features = json_object_get(layer, "features");
    assert_int_equal(json_array_size(features), 3);
    assert_true(json_is_null(
        json_object_get(json_object_get(json_array_get(features, 0), "properties"), "minutes")));
    json_decref(layer);
    assert_null(couverture_geojson(&cv, COUVERTURE_N_CATEGORIES, 15));

    /* Without any point, every share is 1; without any zone, an error. */
    assert_int_equal(couverture_compute(synthetic, 3, NULL, 0, &a, &cv), 0);
    assert_true(fabs(cv.services[COUVERTURE_ANY].share_over_near - 1.0) < 1e-9);
    assert_int_equal(couverture_compute(synthetic, 0, synthetic_points, 2, &a, &cv), ERR_INVALID);
    arena_release(&a);
}

static void test_coverage_departement(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct couverture cv;
    /* One lieu in Angoulême offering everything. */
    const struct commune *ang = communes_by_insee(table, "16015");
    struct couverture_point p = {ang->centre.lat, ang->centre.lon, 0x1FF};
    assert_int_equal(couverture_departement(table, "16", &p, 1, &a, &cv), 0);
    assert_int_equal(cv.population, communes_departement_population(table, "16"));
    assert_true(cv.n_communes > 300);
    assert_true(cv.services[0].share_over_near > 0.2 && cv.services[0].share_over_near < 0.9);
    for (size_t i = 0; i < cv.n_communes; i++)
        if (strcmp(cv.communes[i].zone->code_insee, "16015") == 0)
            assert_true(cv.communes[i].minutes[0] < 3);
    assert_int_equal(couverture_departement(table, "00", &p, 1, &a, &cv), ERR_NOT_FOUND);
    /* Paris is covered through its arrondissements, never the city on top of them. */
    assert_int_equal(couverture_departement(table, "75", &p, 1, &a, &cv), 0);
    assert_int_equal(cv.n_communes, 20);
    arena_release(&a);
}

static void test_lieux_from_json(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct couverture_lieux l;
    assert_int_equal(
        couverture_lieux_from_json("ref/data/lieux/charente-2023-v1.json", table, &a, &l), 0);
    assert_int_equal(l.n, 188);
    assert_int_equal(l.outside + l.without_place + l.located, 0);
    const char *mdq = "Maîtrise des outils numériques du quotidien";
    uint32_t bit = couverture_service_bit(mdq, strlen(mdq));
    size_t with_bit = 0;
    for (size_t i = 0; i < l.n; i++)
        with_bit += (l.items[i].services & bit) != 0;
    assert_int_equal(with_bit, 111);

    /* One lieu placed by its commune, one with swapped coordinates, one nowhere. */
    char path[] = "/tmp/relais-test-lieux-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("[{\"code_postal\": \"53200\", \"commune\": \"Château-Gontier-sur-Mayenne\", "
          "\"services\": \"Aide aux démarches administratives|Inconnu\"},"
          " {\"latitude\": \"-0.74\", \"longitude\": \"47.83\"},"
          " {\"commune\": \"Nulle-Part\"}, 3]",
          f);
    fclose(f);
    assert_int_equal(couverture_lieux_from_json(path, table, &a, &l), 0);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.located, 1);
    assert_int_equal(l.outside, 1);
    assert_int_equal(l.without_place, 1);
    assert_int_equal(l.items[0].services, 1u << 0);
    assert_true(fabs(l.items[0].lat - 47.829) < 0.01);
    f = fopen(path, "w");
    fputs("{\"pas\": \"un tableau\"}", f);
    fclose(f);
    assert_int_equal(couverture_lieux_from_json(path, table, &a, &l), ERR_INVALID);
    unlink(path);
    assert_int_equal(couverture_lieux_from_json(path, table, &a, &l), ERR_IO);
    arena_release(&a);
}

static void test_service_bits(void **state)
{
    (void)state;
    const char *label = "Compréhension du monde numérique";
    assert_int_equal(couverture_service_bit(label, strlen(label)), 1u << 6);
    label = "Aide aux démarches administratives";
    assert_int_equal(couverture_service_bit(label, strlen(label)), 1u << 0);
    label = "Acquisition de matériel informatique à prix solidaire";
    assert_int_equal(couverture_service_bit(label, strlen(label)), 1u << 8);
    assert_int_equal(couverture_service_bit("Comprehension du monde numérique", 33), 0);
    assert_int_equal(couverture_service_bit(label, 10), 0);
}

int main(void)
{
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_load_missing_dir), cmocka_unit_test(test_distance),
        cmocka_unit_test(test_in_france),        cmocka_unit_test(test_coverage_synthetic),
        cmocka_unit_test(test_service_bits),
    };
    const struct CMUnitTest with_table[] = {
        cmocka_unit_test(test_load_counts),
        cmocka_unit_test(test_plm_counted_once),
        cmocka_unit_test(test_postcode_lookup),
        cmocka_unit_test(test_autocomplete_saint),
        cmocka_unit_test(test_autocomplete_prefix_and_rank),
        cmocka_unit_test(test_autocomplete_postcodes),
        cmocka_unit_test(test_autocomplete_typos),
        cmocka_unit_test(test_unknown_commune_suggestions),
        cmocka_unit_test(test_travel_time_model),
        cmocka_unit_test(test_locate_lieu),
        cmocka_unit_test(test_coverage_departement),
        cmocka_unit_test(test_lieux_from_json),
    };
    int failed = cmocka_run_group_tests_name("communes", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("communes-table", with_table, load_table, free_table);
    return failed;
}
