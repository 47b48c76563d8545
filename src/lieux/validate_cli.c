/*
 * `relais lieux-valider FICHIER [--format v1|v0|france-services] [--json] [--export csv|json]`:
 * reads a file of lieux (formats.c), converts it to the standard, validates every row and prints
 * the verdicts. Nothing is stored. The JSON lines are what tests/conformance/lieux.test.js compares
 * with the npm library; --export writes the converted rows in the standard on standard output
 * (verdicts then go to standard error as a summary).
 */
#include "lieux/validate.h"

#include <jansson.h>
#include <string.h>

#include "app/cli.h"
#include "core/arena.h"
#include "core/err.h"
#include "lieux/export.h"
#include "lieux/formats.h"
#include "lieux/standard.h"

struct cli_run {
    bool json;
    bool export_rows;
    struct lieux_export ex;
    struct arena arena; /* per row: the validation report */
    struct lieu_unique ids;
    size_t rows, valid, warnings;
    /* --export csv: the extra column names, gathered by a first pass */
    const char **extras;
    size_t n_extras, extras_cap;
    struct arena extras_arena;
};

static json_t *problems_json(const struct lieu_report *r, enum lieu_severity sev, bool notes)
{
    json_t *a = json_array();
    for (size_t i = 0; i < r->n; i++) {
        const struct lieu_problem *p = &r->items[i];
        bool is_note = p->rule == LR_CONVERTED || p->rule == LR_DROPPED;
        if (p->severity != sev || is_note != notes)
            continue;
        json_t *o = json_object();
        json_object_set_new(o, "field",
                            json_string(p->field >= 0 ? lieu_field_names[p->field]
                                        : p->column   ? p->column
                                                      : ""));
        json_object_set_new(o, "value", p->value ? json_string(p->value) : json_null());
        json_object_set_new(o, "rule", json_string(lieu_rule_name(p->rule)));
        json_object_set_new(o, "message", json_string(p->message));
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *row_json(const struct lieu_row *row)
{
    json_t *o = json_object();
    for (unsigned f = 0; f < LIEU_N_FIELDS; f++)
        if (row->v[f] && *row->v[f])
            json_object_set_new(o, lieu_field_names[f], json_string(row->v[f]));
    json_t *extra = json_object();
    for (size_t i = 0; i < row->n_extra; i++)
        json_object_set_new(extra, row->extra[i].name, json_string(row->extra[i].value));
    json_object_set_new(o, "_extra", extra);
    return o;
}

static int on_row(void *ctx, const struct lieux_record *rec)
{
    struct cli_run *run = ctx;
    struct lieu_report report;
    lieu_report_init(&report, &run->arena);
    /* the reader's notes first (row-level read errors, dropped values), then the standard's */
    for (size_t i = 0; i < rec->notes->n; i++) {
        const struct lieu_problem *p = &rec->notes->items[i];
        lieu_report_add(&report, p->field, p->column, p->severity, p->rule, p->value,
                        p->value ? strlen(p->value) : 0, "%s", p->message);
    }
    lieu_validate_lengths(rec->row, rec->lens, &report);
    size_t first;
    const char *id = rec->row->v[LF_ID];
    if (!lieu_unique_add(&run->ids, id, rec->line, &first))
        lieu_report_add(&report, LF_ID, NULL, LIEU_ERROR, LR_UNIQUE, id, strlen(id),
                        "id : « %s » est déjà celui de la ligne %zu (l'id doit être unique)", id,
                        first);
    run->rows++;
    run->valid += report.n_errors == 0;
    run->warnings += report.n_warnings;
    if (run->export_rows) {
        lieux_export_row(&run->ex, rec->row);
    } else if (run->json) {
        json_t *o = json_object();
        json_object_set_new(o, "line", json_integer((json_int_t)rec->line));
        json_object_set_new(o, "index", json_integer((json_int_t)rec->index));
        json_object_set_new(o, "id", id ? json_string(id) : json_null());
        json_object_set_new(o, "valid", json_boolean(report.n_errors == 0));
        json_object_set_new(o, "errors", problems_json(&report, LIEU_ERROR, false));
        json_object_set_new(o, "warnings", problems_json(&report, LIEU_WARNING, false));
        json_object_set_new(o, "notes", problems_json(&report, LIEU_WARNING, true));
        json_object_set_new(o, "row", row_json(rec->row));
        char *s = json_dumps(o, JSON_COMPACT);
        puts(s);
        free(s);
        json_decref(o);
    } else if (report.n) {
        for (size_t i = 0; i < report.n; i++) {
            const struct lieu_problem *p = &report.items[i];
            printf("ligne %zu%s%s%s : %s%s\n", rec->line, id ? " (id " : "", id ? id : "",
                   id ? ")" : "", p->severity == LIEU_ERROR ? "" : "avertissement : ", p->message);
        }
    }
    if (run->arena.total > 256 * 1024)
        arena_release(&run->arena);
    return 0;
}

/* First pass of --export csv: the names of the extra columns, in order of appearance. */
static int gather_extras(void *ctx, const struct lieux_record *rec)
{
    struct cli_run *run = ctx;
    for (size_t i = 0; i < rec->row->n_extra; i++) {
        const char *name = rec->row->extra[i].name;
        bool known = false;
        for (size_t k = 0; k < run->n_extras && !known; k++)
            known = strcmp(run->extras[k], name) == 0;
        if (!known) {
            run->extras = arena_push(&run->extras_arena, run->extras, run->n_extras,
                                     &run->extras_cap, sizeof(*run->extras));
            run->extras[run->n_extras++] = arena_strdup(&run->extras_arena, name);
        }
    }
    return 0;
}

static void print_result(const struct cli_run *run, const struct lieux_read_result *res, int rc,
                         FILE *out)
{
    if (run->json && !run->export_rows) {
        json_t *o = json_object();
        if (rc) {
            json_t *e = json_object();
            json_object_set_new(e, "line", json_integer((json_int_t)res->error_line));
            json_object_set_new(e, "message", json_string(res->error ? res->error : err_name(rc)));
            json_object_set_new(o, "error", e);
        }
        json_t *s = json_object();
        json_object_set_new(s, "format", json_string(lieux_format_name(res->format)));
        json_object_set_new(s, "container", json_string(res->json ? "json" : "csv"));
        json_object_set_new(s, "rows", json_integer((json_int_t)run->rows));
        json_object_set_new(s, "valid", json_integer((json_int_t)run->valid));
        json_object_set_new(s, "rejected", json_integer((json_int_t)(run->rows - run->valid)));
        json_object_set_new(s, "warnings", json_integer((json_int_t)run->warnings));
        json_t *notes = json_array();
        for (size_t i = 0; i < res->n_notes; i++)
            json_array_append_new(notes, json_string(res->notes[i]));
        json_object_set_new(s, "notes", notes);
        json_object_set_new(o, "summary", s);
        char *txt = json_dumps(o, JSON_COMPACT);
        fprintf(out, "%s\n", txt);
        free(txt);
        json_decref(o);
        return;
    }
    for (size_t i = 0; i < res->n_notes; i++)
        fprintf(out, "note : %s\n", res->notes[i]);
    if (rc)
        fprintf(out, "erreur : %s\n", res->error ? res->error : err_name(rc));
    fprintf(out,
            "%zu ligne%s lue%s (format %s, %s) : %zu valide%s, %zu rejetée%s, %zu "
            "avertissement%s\n",
            run->rows, run->rows > 1 ? "s" : "", run->rows > 1 ? "s" : "",
            lieux_format_name(res->format), res->json ? "JSON" : "CSV", run->valid,
            run->valid > 1 ? "s" : "", run->rows - run->valid,
            run->rows - run->valid > 1 ? "s" : "", run->warnings, run->warnings > 1 ? "s" : "");
}

static void print_vocabularies(void)
{
    json_t *o = json_object();
    json_t *fields = json_array();
    for (unsigned f = 0; f < LIEU_N_FIELDS; f++) {
        const struct lieu_field_def *d = &lieu_fields[f];
        json_t *fo = json_object();
        json_object_set_new(fo, "name", json_string(lieu_field_names[f]));
        json_object_set_new(fo, "required", json_boolean(d->required));
        if (d->max_chars)
            json_object_set_new(fo, "max_chars", json_integer(d->max_chars));
        if (d->values) {
            json_t *vals = json_array();
            for (unsigned i = 0; i < d->n_values; i++)
                json_array_append_new(vals, json_string(d->values[i]));
            json_object_set_new(fo, "values", vals);
        }
        json_array_append_new(fields, fo);
    }
    json_object_set_new(o, "version", json_string(LIEU_STANDARD_VERSION));
    json_object_set_new(o, "fields", fields);
    char *s = json_dumps(o, JSON_COMPACT);
    puts(s);
    free(s);
    json_decref(o);
}

int lieux_validate_cli(int argc, char **argv)
{
    const char *format = NULL, *json = NULL, *export_format = NULL, *vocab = NULL, *strict = NULL,
               *date = NULL;
    const struct cli_opt opts[] = {
        {"format", "v1|v0|france-services", "format du fichier (reconnu seul par défaut)", &format},
        {"json", NULL, "un verdict JSON par ligne (avec la ligne convertie)", &json},
        {"export", "csv|json", "écrire les lignes converties au standard sur la sortie",
         &export_format},
        {"separateur-strict", NULL, "refuser un fichier v1 séparé par des points-virgules",
         &strict},
        {"date-maj", "AAAA-MM-JJ", "date des données d'une liste France Services", &date},
        {"vocabulaires", NULL, "afficher les champs et les valeurs admises du standard (JSON)",
         &vocab},
    };
    const struct cli_cmd cmd = {
        "relais lieux-valider FICHIER [options]",
        "Lit un fichier de lieux (standard v1, brouillon 2022, liste France Services), le "
        "convertit et vérifie chaque ligne au standard 1.0.2, sans rien enregistrer.",
        opts, sizeof(opts) / sizeof(opts[0])};
    const char *path = NULL;
    size_t n_pos = 0;
    int rc = cli_parse(&cmd, argc, argv, &path, 1, &n_pos);
    if (rc == 1)
        return 0;
    if (rc != 0)
        return 2;
    if (vocab) {
        print_vocabularies();
        return 0;
    }
    if (n_pos != 1) {
        fprintf(stderr, "relais : un FICHIER est attendu\n");
        cli_usage(&cmd);
        return 2;
    }
    struct lieux_read_options opt = {0};
    opt.strict_separator = strict != NULL;
    opt.date_maj = date;
    if (format && lieux_format_from_name(format, &opt.format) != 0) {
        fprintf(stderr, "relais : format inconnu « %s » (v1, v0 ou france-services)\n", format);
        return 2;
    }
    enum lieux_export_format ef = LIEUX_EXPORT_CSV;
    if (export_format) {
        if (strcmp(export_format, "json") == 0)
            ef = LIEUX_EXPORT_JSON;
        else if (strcmp(export_format, "csv") != 0) {
            fprintf(stderr, "relais : --export csv ou json\n");
            return 2;
        }
    }
    struct cli_run run = {0};
    run.json = json != NULL;
    run.export_rows = export_format != NULL;
    arena_init(&run.arena);
    arena_init(&run.extras_arena);
    lieu_unique_init(&run.ids);
    struct arena a = ARENA_INIT;
    struct lieux_read_result res;
    if (run.export_rows && ef == LIEUX_EXPORT_CSV) {
        rc = lieux_read_file(path, &opt, &a, gather_extras, &run, &res);
        if (rc) {
            print_result(&run, &res, rc, stderr);
            goto done;
        }
    }
    if (run.export_rows)
        lieux_export_begin(&run.ex, ef, lieux_export_to_file, stdout, run.extras, run.n_extras);
    rc = lieux_read_file(path, &opt, &a, on_row, &run, &res);
    if (run.export_rows && lieux_export_end(&run.ex) != 0 && !rc)
        rc = ERR_IO;
    print_result(&run, &res, rc, run.export_rows ? stderr : stdout);
done:
    fflush(stdout);
    lieu_unique_release(&run.ids);
    arena_release(&run.arena);
    arena_release(&run.extras_arena);
    arena_release(&a);
    if (rc)
        return 2;
    return run.valid == run.rows ? 0 : 1;
}
