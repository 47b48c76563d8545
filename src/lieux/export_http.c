/*
 * GET /api/v1/lieux/export: the published lieux in the exact standard (CSV or JSON), for the whole
 * base, a département, or any search of /lieux (the same parameters). The export is written to a
 * file of the data directory and sent from there, so that a national export never sits in memory;
 * export files older than EXPORT_KEEP_S are removed at the next export.
 */
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/log.h"
#include "db/db.h"
#include "lieux/export.h"
#include "lieux/pages_handlers.h"
#include "lieux/pages_query.h"
#include "lieux/search.h"
#include "lieux/store.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Long enough for a coordinator to download the rejected rows of an import and fix them. */
#define EXPORT_KEEP_S 3600

/* Removes the export files of earlier requests (sent long ago: libmicrohttpd keeps its own open
 * descriptor while sending, so a late removal never cuts a download). */
void lieux_exports_cleanup(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    time_t now = time(NULL);
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strncmp(de->d_name, "lieux-", 6) != 0)
            continue;
        char path[4096];
        struct stat sb;
        snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
        if (stat(path, &sb) == 0 && now - sb.st_mtime > EXPORT_KEEP_S)
            unlink(path);
    }
    closedir(d);
}

struct export_ctx {
    struct lieux_export e;
    struct arena *a;
    const char **extra;
    size_t n_extra, cap_extra;
};

static int collect_extra(const struct lieu_record *r, void *ctx)
{
    struct export_ctx *x = ctx;
    for (size_t i = 0; i < r->row.n_extra; i++) {
        size_t k = 0;
        while (k < x->n_extra && strcmp(x->extra[k], r->row.extra[i].name) != 0)
            k++;
        if (k == x->n_extra) {
            x->extra = arena_push(x->a, x->extra, x->n_extra, &x->cap_extra, sizeof(*x->extra));
            x->extra[x->n_extra++] = arena_strdup(x->a, r->row.extra[i].name);
        }
    }
    return 0;
}

static int write_row(const struct lieu_record *r, void *ctx)
{
    struct export_ctx *x = ctx;
    return lieux_export_row(&x->e, &r->row);
}

int lieux_api_export(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const char *format = http_param(&req->query, "format");
    enum lieux_export_format fmt;
    if (!format || strcmp(format, "csv") == 0)
        fmt = LIEUX_EXPORT_CSV;
    else if (strcmp(format, "json") == 0)
        fmt = LIEUX_EXPORT_JSON;
    else
        return http_fail(req, ERR_INVALID, "format : csv ou json.", "format");
    struct lieux_params p;
    int rc = lieux_params_read(req, &p);
    if (rc)
        return rc;
    if (p.place == LIEUX_PLACE_UNKNOWN || p.place == LIEUX_PLACE_CHOICE)
        return http_fail(req, ERR_INVALID,
                         "commune : choisissez une seule commune existante (code_insee).",
                         "commune");
    /* A search (a place, a filter, a time) exports its matches; the département alone, or
     * nothing, exports the département or the whole base with every column. */
    bool filtered = p.q.online_booking || p.q.open != SEARCH_OPEN_ANY;
    for (int d = 0; d < SEARCH_N_DIMS; d++)
        filtered = filtered || p.n_selected[d] > 0;
    bool search = p.place == LIEUX_PLACE_FOUND || filtered;
    const char *dir = arena_printf(req->arena, "%s/exports", ctx->cfg->data_dir);
    if (mkdir(ctx->cfg->data_dir, 0750) < 0 && errno != EEXIST)
        return http_fail(req, ERR_IO, "Le dossier des données n'est pas accessible.", NULL);
    if (mkdir(dir, 0750) < 0 && errno != EEXIST)
        return http_fail(req, ERR_IO, "Le dossier des exports n'est pas accessible.", NULL);
    lieux_exports_cleanup(dir);
    const char *ext = fmt == LIEUX_EXPORT_CSV ? "csv" : "json";
    const char *path =
        arena_printf(req->arena, "%s/lieux-%s.%s", dir, crypto_random_token(req->arena), ext);
    FILE *f = fopen(path, "wb");
    if (!f)
        return http_fail(req, ERR_IO, "L'export n'a pas pu être écrit.", NULL);

    struct export_ctx x = {.a = req->arena};
    const char *dep = p.departement && *p.departement ? p.departement : NULL;
    if (!search) {
        rc = lieu_store_each(ctx->db, dep, true, collect_extra, &x);
        if (rc == 0)
            rc = lieux_export_begin(&x.e, fmt, lieux_export_to_file, f, x.extra, x.n_extra);
        if (rc == 0)
            rc = lieu_store_each(ctx->db, dep, true, write_row, &x);
    } else {
        struct lieux_index *idx = lieux_index_acquire();
        struct lieux_result r = {0};
        if (!idx)
            rc = ERR_INTERNAL;
        else
            rc = lieux_search(idx, &p.q, req->arena, &r);
        /* Extra columns of a search's lieux are not collected: a search export is for reading,
         * the département export for round trips. */
        if (rc == 0)
            rc = lieux_export_begin(&x.e, fmt, lieux_export_to_file, f, NULL, 0);
        for (size_t i = 0; rc == 0 && i < r.n_hits; i++) {
            struct lieu_record rec;
            rc = lieu_store_get(ctx->db, req->arena, r.hits[i].e->id, &rec);
            if (rc == 0)
                rc = lieux_export_row(&x.e, &rec.row);
        }
        lieux_index_release(idx);
    }
    int erc = lieux_export_end(&x.e);
    if (rc == 0)
        rc = erc;
    if (fclose(f) && rc == 0)
        rc = ERR_IO;
    if (rc) {
        unlink(path);
        log_error("lieux: export failed: %s", err_name(rc));
        return http_fail(req, rc, "L'export n'a pas pu être produit.", NULL);
    }
    char day[16];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(day, sizeof(day), "%Y-%m-%d", &tm);
    resp->status = 200;
    resp->content_type =
        fmt == LIEUX_EXPORT_CSV ? "text/csv; charset=utf-8" : "application/json; charset=utf-8";
    resp->file_path = path;
    http_resp_header(resp, "Content-Disposition",
                     arena_printf(req->arena,
                                  "attachment; filename=\"%s_lieux-de-mediation-numerique_%s.%s\"",
                                  day, search ? "recherche" : dep ? dep : "france", ext));
    return 0;
}
