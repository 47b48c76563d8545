#include "lieux/import.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"
#include "lieux/export.h"
#include "lieux/geo.h"
#include "lieux/search.h"
#include "lieux/store.h"
#include "lieux/validate.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#define IMPORT_PIECE (1024 * 1024)
#define IMPORT_PROGRESS_ROWS 2000

struct import_run {
    struct db *db;
    const struct communes *communes;
    const struct lieux_import_options *opt;
    struct arena *a;        /* problems and stats */
    struct arena row_arena; /* per row, reset after each */
    struct lieux_import_stats *st;
    struct lieu_unique unique;
    size_t cap_problems;
    const char *default_source;
    struct lieux_export rejects;
    FILE *rejects_file;
    uint64_t done, total;
    int db_err;
};

static void add_problem(struct import_run *run, size_t line, bool rejected, const char *id,
                        const struct lieu_problem *p)
{
    struct lieux_import_stats *st = run->st;
    st->problems =
        arena_push(run->a, st->problems, st->n_problems, &run->cap_problems, sizeof(*st->problems));
    struct lieux_import_problem *q = &st->problems[st->n_problems++];
    q->line = line;
    q->rejected = rejected;
    q->id = id ? arena_strdup(run->a, id) : NULL;
    q->field = p->field >= 0 ? lieu_field_names[p->field]
                             : (p->column ? arena_strdup(run->a, p->column) : NULL);
    q->value = p->value ? arena_strdup(run->a, p->value) : NULL;
    q->rule = lieu_rule_name(p->rule);
    q->message = arena_strdup(run->a, p->message);
}

/* The rejected row as it came, with its line and its errors, for the CSV to fix. */
static int write_reject(struct import_run *run, const struct lieu_row *row, size_t line,
                        const struct lieu_report *report)
{
    if (!run->rejects_file)
        return 0;
    struct buf errs;
    buf_init(&errs, &run->row_arena, 64 * 1024);
    for (size_t i = 0; i < report->n; i++)
        if (report->items[i].severity == LIEU_ERROR)
            buf_addf(&errs, "%s%s", errs.len ? " ; " : "", report->items[i].message);
    struct lieu_row copy = *row;
    struct lieu_extra extra[2] = {
        {"ligne", arena_printf(&run->row_arena, "%zu", line)},
        {"erreurs", buf_cstr(&errs)},
    };
    copy.extra = extra;
    copy.n_extra = 2;
    return lieux_export_row(&run->rejects, &copy);
}

static int on_row(void *ctx, const struct lieux_record *rec)
{
    struct import_run *run = ctx;
    struct lieux_import_stats *st = run->st;
    arena_release(&run->row_arena);
    const struct lieu_row *row = rec->row;
    struct lieu_report *report = rec->notes;
    char dep[4] = "";
    bool has_dep = lieu_departement_of(row->v[LF_CODE_INSEE], row->v[LF_CODE_POSTAL], dep);
    /* With a département filter, rows known to be elsewhere are skipped (and counted); a row
     * whose département cannot be told goes on, to be reported, never dropped silently. */
    if (run->opt->departement && has_dep && strcmp(dep, run->opt->departement) != 0) {
        st->skipped++;
        return 0;
    }
    st->read++;
    lieu_validate(row, report);
    size_t first;
    if (row->v[LF_ID] && *row->v[LF_ID] &&
        !lieu_unique_add(&run->unique, row->v[LF_ID], rec->line, &first))
        lieu_report_add(report, LF_ID, NULL, LIEU_ERROR, LR_UNIQUE, row->v[LF_ID],
                        strlen(row->v[LF_ID]),
                        "id : « %s » est déjà l'identifiant de la ligne %zu ; chaque lieu doit "
                        "avoir un id unique dans le fichier",
                        row->v[LF_ID], first);

    /* Place the row: coordinates from the commune when it has none, then its département. */
    struct lieu_row placed = *row;
    bool approx = false;
    if (report->n_errors == 0) {
        bool has = row->v[LF_LATITUDE] && *row->v[LF_LATITUDE] && row->v[LF_LONGITUDE] &&
                   *row->v[LF_LONGITUDE];
        if (!has && run->communes) {
            double lat, lon;
            if (geo_locate_lieu(run->communes, row->v[LF_CODE_INSEE], row->v[LF_CODE_POSTAL],
                                row->v[LF_COMMUNE], &lat, &lon, &approx) == 0) {
                placed.v[LF_LATITUDE] = lieu_format_coordinate(&run->row_arena, lat);
                placed.v[LF_LONGITUDE] = lieu_format_coordinate(&run->row_arena, lon);
                st->geocoded++;
            }
        }
        if (!has_dep)
            lieu_report_add(report, LF_CODE_POSTAL, NULL, LIEU_ERROR, LR_FORMAT,
                            row->v[LF_CODE_POSTAL],
                            row->v[LF_CODE_POSTAL] ? strlen(row->v[LF_CODE_POSTAL]) : 0,
                            "code_postal : le département du lieu ne peut pas en être déduit");
    }
    bool rejected = report->n_errors > 0;
    for (size_t i = 0; i < report->n; i++)
        if (report->items[i].severity == LIEU_ERROR || report->items[i].rule != LR_CONVERTED)
            add_problem(run, rec->line, report->items[i].severity == LIEU_ERROR, row->v[LF_ID],
                        &report->items[i]);
    st->warnings += report->n_warnings;
    if (rejected) {
        st->rejected++;
        return write_reject(run, row, rec->line, report);
    }
    const char *key = run->opt->source                            ? run->opt->source
                      : (row->v[LF_SOURCE] && *row->v[LF_SOURCE]) ? row->v[LF_SOURCE]
                                                                  : run->default_source;
    enum lieu_upsert_result res;
    int64_t id;
    int rc =
        lieu_store_upsert(run->db, &run->row_arena, &placed, key, dep, approx, run->opt->user_id,
                          run->opt->origin ? run->opt->origin : run->default_source, &res, &id);
    if (rc) {
        run->db_err = rc;
        return rc;
    }
    if (res == LIEU_INSERTED)
        st->inserted++;
    else if (res == LIEU_UPDATED)
        st->updated++;
    else
        st->unchanged++;
    if (run->opt->progress && st->read % IMPORT_PROGRESS_ROWS == 0)
        run->opt->progress(run->opt->progress_ctx, st->read, run->done, run->total);
    return 0;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int lieux_import(struct db *db, const struct communes *communes,
                 const struct lieux_import_options *opt, struct arena *a,
                 struct lieux_import_stats *st)
{
    memset(st, 0, sizeof(*st));
    struct import_run run = {.db = db, .communes = communes, .opt = opt, .a = a, .st = st};
    arena_init(&run.row_arena);
    lieu_unique_init(&run.unique);
    run.default_source = base_name(opt->path);
    FILE *f = fopen(opt->path, "rb");
    if (!f) {
        st->error =
            arena_printf(a, "impossible de lire le fichier %s : %s", opt->path, strerror(errno));
        lieu_unique_release(&run.unique);
        return ERR_IO;
    }
    struct stat sb;
    run.total = fstat(fileno(f), &sb) == 0 ? (uint64_t)sb.st_size : 0;
    int rc = 0;
    if (opt->rejects_path) {
        run.rejects_file = fopen(opt->rejects_path, "wb");
        if (!run.rejects_file) {
            st->error = arena_printf(a, "impossible d'écrire le fichier des rejets %s : %s",
                                     opt->rejects_path, strerror(errno));
            fclose(f);
            lieu_unique_release(&run.unique);
            return ERR_IO;
        }
        static const char *const extra_cols[] = {"ligne", "erreurs"};
        rc = lieux_export_begin(&run.rejects, LIEUX_EXPORT_CSV, lieux_export_to_file,
                                run.rejects_file, extra_cols, 2);
    }
    struct lieux_read_options ro = {
        .format = opt->format, .date_maj = opt->date_maj, .file_name = run.default_source};
    struct lieux_reader *reader = lieux_reader_new(&ro, a, on_row, &run);
    if (rc == 0)
        rc = db_begin(db);
    char *piece = malloc(IMPORT_PIECE);
    while (rc == 0 && piece) {
        size_t n = fread(piece, 1, IMPORT_PIECE, f);
        if (n == 0)
            break;
        run.done += n;
        rc = lieux_reader_feed(reader, piece, n);
    }
    free(piece);
    if (ferror(f) && rc == 0) {
        st->error = arena_printf(a, "erreur de lecture de %s", opt->path);
        rc = ERR_IO;
    }
    fclose(f);
    struct lieux_read_result res = {0};
    int frc = lieux_reader_finish(reader, &res);
    if (rc == 0)
        rc = frc;
    lieux_reader_free(reader);
    st->format = res.format;
    st->notes = res.notes;
    st->n_notes = res.n_notes;
    if (res.error) {
        st->error = res.error;
        st->error_line = res.error_line;
    }
    if (opt->progress)
        opt->progress(opt->progress_ctx, st->read, run.done, run.total);

    bool commit = rc == 0 && !opt->dry_run && !(opt->all_or_nothing && st->rejected);
    if (commit) {
        rc = lieux_index_touch(db);
        if (rc == 0)
            rc = db_commit(db);
        st->applied = rc == 0;
    }
    if (!st->applied)
        db_rollback(db);
    if (run.rejects_file) {
        lieux_export_end(&run.rejects);
        fclose(run.rejects_file);
    }
    arena_release(&run.row_arena);
    lieu_unique_release(&run.unique);
    if (run.db_err)
        return run.db_err;
    return rc;
}
