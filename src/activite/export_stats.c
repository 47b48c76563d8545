/*
 * The exports of a dashboard (export_stats.h), written to a file of the data directory and sent
 * from there, so that a long list of CRAs is read page by page (LIMIT_PAGE_SIZE CRAs at a time)
 * and never sits in memory. Files are named with the day: relais_statistiques_2026-11-26.xlsx.
 */
#include "activite/cra.h"
#include "activite/export_stats.h"
#include "activite/stats_http.h"
#include "activite/vocab.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/crypto.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "db/db.h"
#include "lieux/communes.h"
#include "lieux/lieux.h"
#include "lieux/pages_handlers.h"
#include "orientation/flows.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xlsxwriter.h>

const char *const export_stats_cra_columns[] = {
    "ID CRA",
    "Date",
    "Type",
    "Médiateur",
    "Conseiller Numérique",
    "Nom du lieu",
    "Adresse",
    "Code postal",
    "Commune",
    "Code Insee",
    "Canaux d’accompagnement",
    "Durée (min)",
    "Thématique(s) d’accompagnement",
    "Nom de la démarche administrative",
    "Matériel numérique utilisé",
    "Niveau d’autonomie (ou de l’atelier)",
    "Nom de l’atelier",
    "Participants",
    "Tags",
    "Genre du bénéficiaire",
    "Tranche d’âge du bénéficiaire",
    "Statut du bénéficiaire",
    "Commune du bénéficiaire",
    "Code postal du bénéficiaire",
    "Code Insee du bénéficiaire",
    "Bénéficiaire réorienté",
    "Structure de redirection",
    "Notes supplémentaires",
    "Source de la donnée",
    "Enregistré le",
    "Dernière modification le",
};
const unsigned export_stats_cra_n_columns =
    sizeof(export_stats_cra_columns) / sizeof(export_stats_cra_columns[0]);

static const char SQL_LIEU[] =
    "SELECT nom, adresse, code_postal, commune, code_insee FROM lieux WHERE id = $1";
static const char SQL_TAG_NOM[] = "SELECT nom FROM tags WHERE id = $1";

bool export_stats_formula_risk(const char *s)
{
    return s && (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r');
}

void export_stats_csv_cell(struct buf *b, const char *s)
{
    if (!s)
        return;
    bool quote = strpbrk(s, ";\"\r\n") != NULL;
    if (quote)
        buf_addch(b, '"');
    if (export_stats_formula_risk(s))
        buf_addch(b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            buf_addch(b, '"');
        buf_addch(b, *p);
    }
    if (quote)
        buf_addch(b, '"');
}

/* One output, CSV or XLSX, row by row: cells are text or integers. */
struct sheet_out {
    FILE *csv;
    struct buf line;
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_row_t row;
    lxw_col_t col;
    int err;
};

static void cell_text(struct sheet_out *o, const char *s)
{
    if (o->csv) {
        if (o->col)
            buf_addch(&o->line, ';');
        export_stats_csv_cell(&o->line, s);
    } else if (s && *s) {
        /* always a string: never a formula, whatever it starts with */
        if (worksheet_write_string(o->ws, o->row, o->col, s, NULL) != LXW_NO_ERROR)
            o->err = ERR_IO;
    }
    o->col++;
}

static void cell_int(struct sheet_out *o, int64_t v)
{
    if (o->csv) {
        if (o->col)
            buf_addch(&o->line, ';');
        buf_addf(&o->line, "%lld", (long long)v);
    } else if (worksheet_write_number(o->ws, o->row, o->col, (double)v, NULL) != LXW_NO_ERROR) {
        o->err = ERR_IO;
    }
    o->col++;
}

static void row_end(struct sheet_out *o)
{
    if (o->csv) {
        buf_adds(&o->line, "\r\n");
        if (buf_finish(&o->line) || fwrite(o->line.p, 1, o->line.len, o->csv) != o->line.len)
            o->err = ERR_IO;
        buf_reset(&o->line);
    }
    o->row++;
    o->col = 0;
}

/* A new sheet (XLSX), or a blank line and a title line (CSV). */
static void sheet(struct sheet_out *o, const char *name)
{
    if (o->csv) {
        if (o->row)
            row_end(o);
        cell_text(o, name);
        row_end(o);
        return;
    }
    o->ws = workbook_add_worksheet(o->wb, name);
    if (!o->ws)
        o->err = ERR_IO;
    o->row = 0;
    o->col = 0;
}

static void header(struct sheet_out *o, const char *const *cols, size_t n)
{
    for (size_t i = 0; i < n; i++)
        cell_text(o, cols[i]);
    row_end(o);
}

static void write_stats(struct sheet_out *o, struct http_request *req,
                        const struct stats_scope *scope, const struct activite_stats_filter *f,
                        const struct activite_stats *s)
{
    struct arena *a = req->arena;
    sheet(o, "Chiffres clés");
    static const char *const kh[] = {"Chiffre", "Valeur"};
    header(o, kh, 2);
    const char *labels[] = {"Périmètre", "Du", "Au"};
    const char *values[] = {scope->title, f->du, f->au};
    for (int i = 0; i < 3; i++) {
        cell_text(o, labels[i]);
        cell_text(o, values[i]);
        row_end(o);
    }
    const struct {
        const char *label;
        int64_t v;
    } key[] = {
        {"Activités", s->activites},
        {"Accompagnements", s->accompagnements},
        {"Minutes", s->minutes},
        {"Participants aux ateliers", s->participants},
        {"Bénéficiaires", s->beneficiaires},
        {"Bénéficiaires nouveaux", s->nouveaux},
        {"Bénéficiaires suivis", s->suivis},
        {"Bénéficiaires anonymes", s->anonymes},
    };
    for (size_t i = 0; i < sizeof(key) / sizeof(key[0]); i++) {
        cell_text(o, key[i].label);
        cell_int(o, key[i].v);
        row_end(o);
    }
    sheet(o, "Par mois");
    static const char *const mh[] = {"Mois", "Activités", "Accompagnements"};
    header(o, mh, 3);
    for (size_t i = 0; i < s->n_mois; i++) {
        cell_text(o, arena_printf(a, "%04lld-%02lld", (long long)(s->mois[i].periode / 100),
                                  (long long)(s->mois[i].periode % 100)));
        cell_int(o, s->mois[i].activites);
        cell_int(o, s->mois[i].accompagnements);
        row_end(o);
    }
    sheet(o, "Par jour");
    static const char *const dh[] = {"Jour", "Activités", "Accompagnements"};
    header(o, dh, 3);
    for (size_t i = 0; i < s->n_jours; i++) {
        int64_t p = s->jours[i].periode;
        cell_text(o, arena_printf(a, "%04lld-%02lld-%02lld", (long long)(p / 10000),
                                  (long long)(p / 100 % 100), (long long)(p % 100)));
        cell_int(o, s->jours[i].activites);
        cell_int(o, s->jours[i].accompagnements);
        row_end(o);
    }
    sheet(o, "Répartitions");
    static const char *const rh[] = {"Répartition",     "Valeur",  "Libellé",     "Activités",
                                     "Accompagnements", "Minutes", "Participants"};
    header(o, rh, 7);
    for (int d = 1; d < ACTIVITE_DIM_COUNT; d++)
        for (size_t i = 0; i < s->dims[d].n; i++) {
            const struct activite_stats_value *v = &s->dims[d].items[i];
            cell_text(o, stats_dim_title(d));
            cell_text(o, v->valeur);
            cell_text(o, stats_label(req, d, v->valeur));
            cell_int(o, v->activites);
            cell_int(o, v->accompagnements);
            cell_int(o, v->minutes);
            cell_int(o, v->participants);
            row_end(o);
        }
    /* The territory's referrals between kinds of structures, as its dashboard shows them. */
    if (scope->portee != STATS_DEPARTEMENT && scope->portee != STATS_PLATEFORME)
        return;
    int64_t from, to;
    struct orientation_flow *flows;
    size_t n;
    const struct ctx *ctx = req->ctx;
    int rc = orientation_period(f->du, f->au, &from, &to);
    if (rc == 0)
        rc = orientation_flows(ctx->db, a, scope->departement, from, to, &flows, &n);
    if (rc) {
        o->err = rc;
        return;
    }
    sheet(o, "Orientations");
    static const char *const oh[] = {"Type de la structure qui oriente",
                                     "Type de la destination",
                                     "Orientations",
                                     "Acceptées",
                                     "Refusées",
                                     "Expirées"};
    header(o, oh, 6);
    for (size_t i = 0; i < n; i++) {
        cell_text(o, orientation_kind_label(a, flows[i].from_kind));
        cell_text(o, orientation_kind_label(a, flows[i].to_kind));
        cell_int(o, flows[i].total);
        cell_int(o, flows[i].accepted);
        cell_int(o, flows[i].refused);
        cell_int(o, flows[i].expired);
        row_end(o);
    }
}

struct lieu_info {
    int64_t id;
    const char *nom, *adresse, *code_postal, *commune, *code_insee;
};

static void lieu_of(struct http_request *req, int64_t id, struct lieu_info *cache)
{
    if (cache->id == id)
        return;
    const struct ctx *ctx = req->ctx;
    memset(cache, 0, sizeof(*cache));
    cache->id = id;
    struct db_stmt *st;
    if (!id || db_prepare(ctx->db, SQL_LIEU, &st))
        return;
    db_bind_int64(st, 1, id);
    if (db_step_one(st) == 0) {
        cache->nom = db_col_dup(st, 0, req->arena);
        cache->adresse = db_col_dup(st, 1, req->arena);
        cache->code_postal = db_col_dup(st, 2, req->arena);
        cache->commune = db_col_dup(st, 3, req->arena);
        cache->code_insee = db_col_dup(st, 4, req->arena);
    }
    db_reset(st);
}

static const char *joined(struct arena *a, const char *const *labels, size_t n)
{
    struct buf b;
    buf_init(&b, a, 16 * 1024);
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_adds(&b, ", ");
        buf_adds(&b, labels[i]);
    }
    return buf_cstr(&b);
}

static const char *stamp(struct arena *a, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    char out[32];
    strftime(out, sizeof(out), "%Y-%m-%d %H:%M", &tm);
    return arena_strdup(a, out);
}

/* The filters the CRA list cannot ask cra_list for. */
static bool keep(const struct cra *c, const struct activite_stats_filter *f,
                 const struct lieu_info *lieu)
{
    if (f->lieu_id && c->lieu_id != f->lieu_id)
        return false;
    if (f->commune) {
        const char *insee = c->commune_code_insee ? c->commune_code_insee : lieu->code_insee;
        if (!insee || strcmp(insee, f->commune) != 0)
            return false;
    }
    if (f->thematique) {
        bool found = false;
        for (size_t i = 0; i < c->n_thematiques; i++)
            found = found || strcmp(vocab_value(&vocab_thematique, (int)c->thematiques[i]),
                                    f->thematique) == 0;
        if (!found)
            return false;
    }
    if (f->tag_id) {
        bool found = false;
        for (size_t i = 0; i < c->n_tags; i++)
            found = found || c->tags[i] == f->tag_id;
        if (!found)
            return false;
    }
    return true;
}

static void write_cra(struct sheet_out *o, struct http_request *req, struct arena *a,
                      const struct cra *c, const struct lieu_info *lieu)
{
    const struct ctx *ctx = req->ctx;
    const char **them = arena_calloc(a, c->n_thematiques + 1, sizeof(*them));
    size_t nt = 0;
    for (size_t i = 0; i < c->n_thematiques; i++)
        them[nt++] = vocab_label(&vocab_thematique, (int)c->thematiques[i]);
    const char **mat = arena_calloc(a, c->n_materiel + 1, sizeof(*mat));
    for (size_t i = 0; i < c->n_materiel; i++)
        mat[i] = vocab_label(&vocab_materiel, (int)c->materiel[i]);
    const char **tags = arena_calloc(a, c->n_tags + 1, sizeof(*tags));
    for (size_t i = 0; i < c->n_tags; i++) {
        struct db_stmt *st;
        tags[i] = "";
        if (db_prepare(ctx->db, SQL_TAG_NOM, &st) == 0) {
            db_bind_int64(st, 1, c->tags[i]);
            if (db_step_one(st) == 0)
                tags[i] = db_col_dup(st, 0, a);
            db_reset(st);
        }
    }
    const struct cra_participant *p =
        c->type != CRA_COLLECTIF && c->n_participants ? &c->participants[0] : NULL;
    const struct communes *cs = lieux_communes();
    const struct commune *pc =
        p && p->commune_code_insee && cs ? communes_by_insee(cs, p->commune_code_insee) : NULL;
    const struct commune *ac =
        c->commune_code_insee && cs ? communes_by_insee(cs, c->commune_code_insee) : NULL;
    /* La Coop merged the procedure kind into « individuel » (its thématiques say it). */
    cell_int(o, c->id);
    cell_text(o, c->date);
    cell_text(o, c->type == CRA_COLLECTIF ? "Atelier collectif" : "Accompagnement individuel");
    cell_text(o, c->mediateur_nom);
    cell_text(o, NULL);
    cell_text(o, lieu->nom);
    cell_text(o, lieu->adresse);
    cell_text(o, c->commune_code_postal ? c->commune_code_postal : lieu->code_postal);
    cell_text(o, c->commune_nom ? c->commune_nom : ac ? ac->nom : lieu->commune);
    cell_text(o, c->commune_code_insee ? c->commune_code_insee : lieu->code_insee);
    cell_text(o, vocab_label(&vocab_type_lieu, (int)c->type_lieu));
    cell_int(o, c->duree);
    cell_text(o, joined(a, them, nt));
    cell_text(o, c->precisions_demarche);
    cell_text(o, joined(a, mat, c->n_materiel));
    cell_text(o, c->type == CRA_COLLECTIF ? vocab_label(&vocab_niveau_atelier, c->niveau_atelier)
                                          : vocab_label(&vocab_autonomie, c->autonomie));
    cell_text(o, c->titre_atelier);
    cell_int(o, c->accompagnements_count);
    cell_text(o, joined(a, tags, c->n_tags));
    cell_text(o, p ? vocab_label(&vocab_genre, p->genre) : NULL);
    cell_text(o, p ? vocab_label(&vocab_tranche_age, p->tranche_age) : NULL);
    cell_text(o, p ? vocab_label(&vocab_statut_social, p->statut_social) : NULL);
    cell_text(o, pc ? pc->nom : NULL);
    cell_text(o, pc && pc->n_codes_postaux ? pc->codes_postaux[0] : NULL);
    cell_text(o, p ? p->commune_code_insee : NULL);
    cell_text(o, c->oriente < 0 ? NULL : c->oriente ? "Oui" : "Non");
    cell_text(o, vocab_label(&vocab_structure_redirection, c->structure_de_redirection));
    cell_text(o, c->notes);
    cell_text(o, c->origine == CRA_ORIGINE_IMPORT ? "Import" : "Relais");
    cell_text(o, stamp(a, c->created_at));
    cell_text(o, stamp(a, c->updated_at));
    row_end(o);
}

static int write_cras(struct sheet_out *o, struct http_request *req,
                      const struct stats_scope *scope, const struct activite_stats_filter *f)
{
    const struct ctx *ctx = req->ctx;
    sheet(o, "Accompagnements");
    header(o, export_stats_cra_columns, export_stats_cra_n_columns);
    struct cra_filter cf = {.mediateur_id = f->mediateur_id,
                            .structure_id = f->structure_id,
                            .departement =
                                scope->portee == STATS_PLATEFORME ? NULL : f->departement,
                            .du = f->du,
                            .au = f->au,
                            .type = f->type ? vocab_find(&vocab_cra_type, f->type) : -1,
                            .limit = LIMIT_PAGE_SIZE};
    struct lieu_info lieu = {.id = -1};
    bool more = true;
    while (more && o->err == 0) {
        /* Each page in an arena of its own: memory stays that of one page. */
        struct arena page = ARENA_INIT;
        struct cra *rows;
        size_t n;
        int rc = cra_list(ctx->db, &page, &cf, &rows, &n, &more);
        if (rc) {
            arena_release(&page);
            return rc;
        }
        for (size_t i = 0; i < n && o->err == 0; i++) {
            struct cra c;
            if ((rc = cra_get(ctx->db, &page, rows[i].id, false, &c))) {
                arena_release(&page);
                return rc;
            }
            lieu_of(req, c.lieu_id, &lieu);
            if (keep(&c, f, &lieu))
                write_cra(o, req, &page, &c, &lieu);
        }
        if (n) {
            cf.apres_id = rows[n - 1].id;
            cf.apres_date = arena_strdup(req->arena, rows[n - 1].date);
        }
        /* the lieu cache's strings live in the request arena */
        arena_release(&page);
        if (n == 0)
            more = false;
    }
    return o->err;
}

int stats_export(struct http_request *req, struct http_response *resp,
                 const struct stats_scope *scope, const struct activite_stats_filter *f,
                 const char *format, bool liste)
{
    const struct ctx *ctx = req->ctx;
    bool xlsx = strcmp(format, "xlsx") == 0;
    if (!xlsx && strcmp(format, "csv") != 0)
        return http_fail(req, ERR_INVALID, "format : csv ou xlsx.", "format");
    struct activite_stats s;
    int rc = 0;
    if (!liste && (rc = activite_stats_compute(ctx->db, req->arena, f, &s)))
        return rc;
    const char *dir = arena_printf(req->arena, "%s/exports", ctx->cfg->data_dir);
    if (mkdir(ctx->cfg->data_dir, 0750) < 0 && errno != EEXIST)
        return http_fail(req, ERR_IO, "Le dossier des données n’est pas accessible.", NULL);
    if (mkdir(dir, 0750) < 0 && errno != EEXIST)
        return http_fail(req, ERR_IO, "Le dossier des exports n’est pas accessible.", NULL);
    lieux_exports_cleanup(dir);
    /* lieux_exports_cleanup removes the old "lieux-" files; these carry that prefix too so that
     * one clean-up serves every export. */
    const char *path = arena_printf(req->arena, "%s/lieux-activite-%s.%s", dir,
                                    crypto_random_token(req->arena), xlsx ? "xlsx" : "csv");
    struct sheet_out o = {0};
    if (xlsx) {
        lxw_workbook_options opts = {.constant_memory = LXW_TRUE, .tmpdir = (char *)dir};
        o.wb = workbook_new_opt(path, &opts);
        if (!o.wb)
            return http_fail(req, ERR_IO, "L’export n’a pas pu être écrit.", NULL);
    } else {
        o.csv = fopen(path, "wb");
        if (!o.csv)
            return http_fail(req, ERR_IO, "L’export n’a pas pu être écrit.", NULL);
        buf_init(&o.line, req->arena, LIMIT_PAGE_BYTES);
        fputs("\xEF\xBB\xBF", o.csv); /* BOM: Excel reads UTF-8 */
    }
    if (liste)
        rc = write_cras(&o, req, scope, f);
    else
        write_stats(&o, req, scope, f, &s);
    if (rc == 0)
        rc = o.err;
    if (xlsx) {
        if (workbook_close(o.wb) != LXW_NO_ERROR && rc == 0)
            rc = ERR_IO;
    } else if (fclose(o.csv) && rc == 0) {
        rc = ERR_IO;
    }
    if (rc) {
        unlink(path);
        log_error("activite: export failed: %s", err_name(rc));
        return http_fail(req, rc, "L’export n’a pas pu être produit.", NULL);
    }
    char day[16];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(day, sizeof(day), "%Y-%m-%d", &tm);
    resp->status = 200;
    resp->content_type = xlsx ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                              : "text/csv; charset=utf-8";
    resp->file_path = path;
    http_resp_header(resp, "Content-Disposition",
                     arena_printf(req->arena, "attachment; filename=\"relais_%s_%s.%s\"",
                                  liste ? "activites" : "statistiques", day,
                                  xlsx ? "xlsx" : "csv"));
    return 0;
}
