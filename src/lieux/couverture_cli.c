/*
 * `relais couverture --departement NN`: the coverage report of couverture.h, in French, on standard
 * output. The points are the published lieux of the database, or those of a file of the standard
 * v1 in JSON (--lieux, read by couverture_lieux_from_json).
 */
#include "lieux/couverture.h"
#include "lieux/search.h"
#include "db/db.h"
#include "core/config.h"

#include <math.h>

#include "app/cli.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "lieux/communes.h"

#define TOP_COMMUNES 10   /* communes listed for "any service" */
#define TOP_PER_SERVICE 5 /* communes listed for each service */
#define N_ITEMS(a) (sizeof(a) / sizeof((a)[0]))

/* 352015 as "352 015" (narrow no-break space, as French typography wants). */
static const char *fr_int(struct arena *a, uint64_t v)
{
    char digits[32];
    int n = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)v);
    struct buf b;
    buf_init(&b, a, 64);
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            buf_addlit(&b, "\u202f");
        buf_addch(&b, digits[i]);
    }
    return buf_cstr(&b);
}

/* 0.1234 as "12,3 %". */
static const char *fr_percent(struct arena *a, double share)
{
    char *s = arena_printf(a, "%.1f\u00a0%%", share * 100.0);
    char *dot = strchr(s, '.');
    if (dot)
        *dot = ',';
    return s;
}

static const char *fr_minutes(struct arena *a, const struct couverture_commune *cc, int k)
{
    if (isinf(cc->minutes[k]))
        return "aucun lieu";
    char *s = arena_printf(a, "≈ %.0f min (%.1f km à vol d'oiseau)", cc->minutes[k], cc->km[k]);
    for (char *p = strchr(s, '('); p && *p; p++)
        if (*p == '.')
            *p = ',';
    return s;
}

/* "0 commune", "1 commune", "2 communes": French keeps the singular below 2. */
static const char *plural(size_t n, const char *one, const char *many, struct arena *a)
{
    return arena_printf(a, "%zu %s", n, n >= 2 ? many : one);
}

static void print_communes(struct arena *a, const struct couverture_commune *const *list, size_t n,
                           size_t max, int k)
{
    if (!n)
        printf("    aucune\n");
    for (size_t i = 0; i < n && i < max; i++)
        printf("    %s (%s) : %s hab., %s\n", list[i]->zone->nom, list[i]->zone->code_insee,
               fr_int(a, list[i]->zone->population), fr_minutes(a, list[i], k));
    if (n > max)
        printf("    … et %s\n", plural(n - max, "autre", "autres", a));
}

static void print_report(struct arena *a, const struct communes *c, const char *dep,
                         const struct couverture *cv, const struct couverture_lieux *pr)
{
    printf("Couverture de %s (%s) — temps de trajet estimés en voiture\n\n",
           communes_departement_nom(c, dep), dep);
    printf("Population : %s habitants dans %zu communes", fr_int(a, cv->population),
           cv->n_communes);
    if (cv->n_without_centre)
        printf(" (%zu communes sans coordonnées laissées de côté, %s habitants)",
               cv->n_without_centre, fr_int(a, cv->population_without_centre));
    printf(".\nLieux pris en compte : %zu", cv->n_points);
    if (pr->located)
        printf(", dont %zu placés au centre de leur commune", pr->located);
    printf(".");
    if (pr->without_place)
        printf(" %zu lieux sans coordonnées ni commune connue ignorés.", pr->without_place);
    if (pr->outside)
        printf(" %zu lieux aux coordonnées hors de France ignorés.", pr->outside);
    printf("\n\n%s\n\n", geo_travel_model_fr);

    printf("Part de la population à plus de 15 et de 30 minutes du lieu le plus proche :\n");
    for (int k = 0; k < COUVERTURE_N_CATEGORIES; k++) {
        const struct couverture_service *s = &cv->services[k];
        printf("  %s (%s) :\n", couverture_category_label(k),
               plural(s->n_points, "lieu", "lieux", a));
        if (!s->n_points) {
            printf("    aucun lieu ne le propose : toute la population est concernée\n");
            continue;
        }
        printf("    plus de 15 min : %s (%s) ; plus de 30 min : %s (%s)\n",
               fr_percent(a, s->share_over_near), plural(s->n_over_near, "commune", "communes", a),
               fr_percent(a, s->share_over_far), plural(s->n_over_far, "commune", "communes", a));
    }

    const struct couverture_service *any = &cv->services[COUVERTURE_ANY];
    printf("\nCommunes les plus peuplées à plus de 30 minutes de tout lieu :\n");
    print_communes(a, any->over_far, any->n_over_far, TOP_COMMUNES, COUVERTURE_ANY);
    printf("\nCommunes les plus peuplées à plus de 15 minutes de tout lieu :\n");
    print_communes(a, any->over_near, any->n_over_near, TOP_COMMUNES, COUVERTURE_ANY);

    for (int k = 0; k < COUVERTURE_N_SERVICES; k++) {
        const struct couverture_service *s = &cv->services[k];
        if (!s->n_over_far || !s->n_points)
            continue;
        printf("\n%s — communes les plus peuplées à plus de 30 minutes :\n",
               couverture_category_label(k));
        print_communes(a, s->over_far, s->n_over_far, TOP_PER_SERVICE, k);
    }
}

static int write_geojson(const char *path, const struct couverture *cv)
{
    json_t *layer = couverture_geojson(cv, COUVERTURE_ANY, COUVERTURE_NEAR_MINUTES);
    int rc = layer ? json_dump_file(layer, path, JSON_COMPACT) : -1;
    json_decref(layer);
    if (rc) {
        fprintf(stderr, "relais : impossible d'écrire %s\n", path);
        return 1;
    }
    return 0;
}

/* The published lieux of the database, through a search index built for the occasion. */
static int points_from_database(const char *url, const struct communes *c, const char *dep,
                                struct arena *a, struct couverture_lieux *pr)
{
    struct db *db;
    if (cli_open_db(url, &db))
        return ERR_DB;
    struct lieux_index *idx;
    int rc = lieux_index_build(db, &idx);
    db_close(db);
    if (rc) {
        fprintf(stderr, "relais : les lieux de la base n'ont pas pu être lus\n");
        return rc;
    }
    struct couverture_point *pts;
    pr->n = couverture_points_from_index(a, idx, c, dep, &pts);
    pr->items = pts;
    lieux_index_release(idx);
    return 0;
}

int couverture_cli(int argc, char **argv)
{
    struct config cfg;
    config_init(&cfg);
    const char *dep = NULL, *dir = cfg.communes_dir, *lieux = NULL, *geojson = NULL;
    const struct cli_opt opts[] = {
        {"database", "URL", "base de données des lieux : sqlite:CHEMIN ou postgresql://… "
                            "(RELAIS_DATABASE_URL)", &cfg.database_url},
        {"departement", "NN", "code du département (16, 2A, 974…)", &dep},
        {"communes", "DOSSIER", "dossier des fichiers de communes (ref/data/communes)", &dir},
        {"lieux", "FICHIER", "prend les lieux de ce fichier JSON du standard v1 au lieu de la base",
         &lieux},
        {"geojson", "FICHIER", "écrit aussi les communes à plus de 15 minutes en GeoJSON",
         &geojson},
    };
    const struct cli_cmd cmd = {
        "relais couverture --departement NN [options]",
        "Part de la population d'un département à plus de 15 et 30 minutes (estimées) d'un lieu, "
        "par service, et communes les moins bien desservies.",
        opts, N_ITEMS(opts)};
    int status;
    if (cli_stop(&cmd, argc, argv, NULL, 0, &status))
        return status;
    if (!dep) {
        fprintf(stderr, "relais : --departement est obligatoire\n");
        cli_usage(&cmd);
        return 2;
    }
    struct communes *c;
    if (communes_load(dir, &c)) {
        fprintf(stderr, "relais : impossible de charger les communes depuis %s\n", dir);
        return 1;
    }
    struct arena a = ARENA_INIT;
    struct couverture_lieux pr;
    struct couverture cv;
    int rc = 0;
    memset(&pr, 0, sizeof(pr));
    if (lieux && couverture_lieux_from_json(lieux, c, &a, &pr) != 0) {
        fprintf(stderr, "relais : impossible de lire les lieux de %s\n", lieux);
        rc = 1;
    } else if (!lieux && (rc = points_from_database(cfg.database_url, c, dep, &a, &pr)) != 0) {
        rc = 1;
    } else if ((rc = couverture_departement(c, dep, pr.items, pr.n, &a, &cv)) != 0) {
        if (rc == ERR_NOT_FOUND)
            fprintf(stderr, "relais : département inconnu : %s\n", dep);
        else
            fprintf(stderr,
                    "relais : aucune commune du département %s n'a de coordonnées dans les "
                    "fichiers de communes\n",
                    dep);
        rc = 1;
    }
    if (!rc) {
        print_report(&a, c, dep, &cv, &pr);
        if (geojson)
            rc = write_geojson(geojson, &cv);
    }
    arena_release(&a);
    communes_free(c);
    return rc;
}
