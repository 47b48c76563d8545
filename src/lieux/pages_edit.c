/*
 * Editing a lieu (GET/POST /lieux/{id}/modifier), publishing it and marking it verified, for its
 * managers: the administrators of its structure, the coordinateurs of its département, the
 * platform's admins. The form holds every field of the standard: enumerations as checkboxes, lists
 * as one item per line; it is validated by validate.h and comes back with what was typed and a
 * French message per field. A save goes through lieu_store_upsert, which writes the history.
 */
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"
#include "html/html.h"
#include "html/ui.h"
#include "lieux/geo.h"
#include "lieux/horaires.h"
#include "lieux/lieux.h"
#include "lieux/pages_common.h"
#include "lieux/pages_handlers.h"
#include "lieux/search.h"
#include "lieux/standard.h"
#include "lieux/store.h"
#include "lieux/validate.h"
#include "site/shell.h"

#include <string.h>
#include <time.h>

enum form_kind {
    FK_INPUT,    /* one line */
    FK_URL,      /* one line, a web address */
    FK_TEXTAREA, /* free text on several lines */
    FK_LINES,    /* a '|'-list, one item per line */
    FK_CHECKS,   /* an enumeration, as checkboxes */
};

struct form_field {
    enum lieu_field field;
    enum form_kind kind;
    const char *label, *hint;
};

struct form_group {
    const char *title;
    struct form_field fields[12];
    size_t n;
};

static const struct form_group groups[] = {
    {"Identité",
     {{LF_NOM, FK_INPUT, "Nom du lieu", NULL},
      {LF_PIVOT, FK_INPUT, "SIRET, RNA ou RIDET",
       "SIRET de 14 chiffres, RNA (W suivi de 9 caractères) ou RIDET, sans espaces."},
      {LF_STRUCTURE_PARENTE, FK_INPUT, "Structure parente ou réseau", NULL},
      {LF_TYPOLOGIE, FK_LINES, "Type de structure",
       "Codes data·inclusion, un par ligne : ASSO, CCAS, MUNI, BIB, TIERS_LIEUX…"}},
     4},
    {"Adresse et position",
     {{LF_ADRESSE, FK_INPUT, "Adresse", "Numéro et voie, par exemple : 12 rue de la Paix."},
      {LF_COMPLEMENT_ADRESSE, FK_INPUT, "Complément d'adresse", NULL},
      {LF_CODE_POSTAL, FK_INPUT, "Code postal", "5 chiffres."},
      {LF_COMMUNE, FK_INPUT, "Commune", NULL},
      {LF_CODE_INSEE, FK_INPUT, "Code INSEE de la commune", "5 caractères : 53130, 2A004."},
      {LF_LATITUDE, FK_INPUT, "Latitude",
       "Nombre décimal avec un point, par exemple 48.0706. Laissez la latitude et la longitude "
       "vides pour placer le lieu au centre de sa commune."},
      {LF_LONGITUDE, FK_INPUT, "Longitude", "Nombre décimal avec un point, par exemple -0.7734."},
      {LF_ITINERANCE, FK_CHECKS, "Itinérance", NULL}},
     8},
    {"Contact et horaires",
     {{LF_TELEPHONE, FK_INPUT, "Téléphone",
       "Format international sans espaces, par exemple +33243000000."},
      {LF_COURRIELS, FK_LINES, "Adresses e-mail", "Une par ligne."},
      {LF_SITE_WEB, FK_LINES, "Sites web", "Une adresse par ligne, commençant par https://."},
      {LF_HORAIRES, FK_TEXTAREA, "Horaires",
       "Format OpenStreetMap, par exemple : Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; "
       "PH off"},
      {LF_PRISE_RDV, FK_URL, "Prise de rendez-vous en ligne", "Adresse de la page de réservation."},
      {LF_FICHE_ACCES_LIBRE, FK_URL, "Fiche acceslibre",
       "Adresse de la page du lieu sur acceslibre.beta.gouv.fr."}},
     6},
    {"Présentation",
     {{LF_PRESENTATION_RESUME, FK_TEXTAREA, "Présentation courte", "280 caractères au plus."},
      {LF_PRESENTATION_DETAIL, FK_TEXTAREA, "Présentation détaillée", NULL}},
     2},
    {"Offre",
     {{LF_SERVICES, FK_CHECKS, "Services", NULL},
      {LF_PUBLICS_SPECIFIQUEMENT_ADRESSES, FK_CHECKS, "Publics spécifiquement adressés", NULL},
      {LF_PRISE_EN_CHARGE_SPECIFIQUE, FK_CHECKS, "Prise en charge spécifique", NULL},
      {LF_FRAIS_A_CHARGE, FK_CHECKS, "Frais à charge", NULL},
      {LF_MODALITES_ACCES, FK_CHECKS, "Modalités d'accès", NULL},
      {LF_MODALITES_ACCOMPAGNEMENT, FK_CHECKS, "Modalités d'accompagnement", NULL},
      {LF_DISPOSITIF_PROGRAMMES_NATIONAUX, FK_CHECKS, "Dispositifs et programmes nationaux", NULL},
      {LF_FORMATIONS_LABELS, FK_CHECKS, "Formations et labels", NULL},
      {LF_AUTRES_FORMATIONS_LABELS, FK_LINES, "Autres formations et labels", "Un par ligne."}},
     9},
    {"Données",
     {{LF_SOURCE, FK_INPUT, "Source des données", "L'organisme qui a collecté ces informations."}},
     1},
};

/* What the form shows: per field, the text as typed (lists one item per line for FK_LINES,
 * '|'-joined for FK_CHECKS). */
struct form_values {
    const char *v[LIEU_N_FIELDS];
};

static int load_managed(struct http_request *req, struct lieu_record *rec)
{
    int rc = lieux_load(req, rec);
    if (rc)
        return rc;
    if (!lieux_can_manage(auth_of(req), rec))
        return http_fail(req, ERR_FORBIDDEN,
                         "Vous ne gérez pas ce lieu : seuls les administrateurs de sa structure, "
                         "les coordinateurs de son département et les administrateurs de la "
                         "plateforme peuvent le modifier.",
                         NULL);
    return 0;
}

static const char *lines_from_list(struct arena *a, const char *list)
{
    const char **items;
    size_t n = lieux_split(a, list, &items);
    struct buf b;
    buf_init(&b, a, 1 << 20);
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_addch(&b, '\n');
        buf_adds(&b, items[i]);
    }
    return buf_cstr(&b);
}

/* Lines (CR LF or LF) into a '|'-list, trimmed, empty lines dropped; NULL when nothing is left. */
static const char *list_from_lines(struct arena *a, const char *text)
{
    struct buf b;
    buf_init(&b, a, 1 << 20);
    const char *p = text;
    while (p && *p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        struct str s = str_trim((struct str){p, len});
        if (s.len) {
            if (b.len)
                buf_addch(&b, '|');
            buf_addstr(&b, s);
        }
        p = nl ? nl + 1 : NULL;
    }
    return b.len ? buf_cstr(&b) : NULL;
}

static const struct form_field *each_field(size_t i)
{
    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        if (i < groups[g].n)
            return &groups[g].fields[i];
        i -= groups[g].n;
    }
    return NULL;
}

/* The validation message with the field's label of the form in place of its standard name
 * ("code_postal : …" becomes "Code postal : …"). */
static const char *form_message(struct arena *a, const struct lieu_problem *p)
{
    const char *name = lieu_field_names[p->field];
    size_t n = strlen(name);
    for (size_t i = 0; each_field(i); i++) {
        const struct form_field *f = each_field(i);
        if ((int)f->field == p->field && strncmp(p->message, name, n) == 0 &&
            strncmp(p->message + n, " :", 2) == 0)
            return arena_printf(a, "%s%s", f->label, p->message + n);
    }
    return p->message;
}

static void values_from_record(struct arena *a, const struct lieu_record *rec,
                               struct form_values *fv)
{
    for (size_t i = 0; i < LIEU_N_FIELDS; i++)
        fv->v[i] = rec->row.v[i];
    for (size_t i = 0; each_field(i); i++) {
        const struct form_field *f = each_field(i);
        if (f->kind == FK_LINES)
            fv->v[f->field] = lines_from_list(a, rec->row.v[f->field]);
    }
}

static void values_from_form(struct http_request *req, struct form_values *fv)
{
    memset(fv, 0, sizeof(*fv));
    for (size_t i = 0; each_field(i); i++) {
        const struct form_field *f = each_field(i);
        const char *name = lieu_field_names[f->field];
        if (f->kind != FK_CHECKS) {
            fv->v[f->field] = http_param(&req->form, name);
            continue;
        }
        const char *values[128];
        size_t n = http_param_all(&req->form, name, values, 128);
        struct buf b;
        buf_init(&b, req->arena, 1 << 16);
        for (size_t k = 0; k < n; k++) {
            if (!*values[k] || strchr(values[k], '|'))
                continue;
            if (b.len)
                buf_addch(&b, '|');
            buf_adds(&b, values[k]);
        }
        fv->v[f->field] = b.len ? buf_cstr(&b) : NULL;
    }
}

static bool in_list(struct arena *a, const char *list, const char *value)
{
    const char **items;
    size_t n = lieux_split(a, list, &items);
    for (size_t i = 0; i < n; i++)
        if (strcmp(items[i], value) == 0)
            return true;
    return false;
}

/* Checkboxes of an enumeration: its vocabulary, then the values outside it that the lieu holds
 * (kept checked, so that nothing is lost by an edit; validation names them). */
static void checkboxes(struct buf *b, struct arena *a, const struct form_field *f,
                       const char *current, const char *error)
{
    unsigned n_vocab;
    const char *const *vocab = lieu_vocab(f->field, &n_vocab);
    const char **items;
    size_t n_items = lieux_split(a, current, &items);
    struct ui_option *opts = arena_calloc(a, n_vocab + n_items + 1, sizeof(*opts));
    size_t n = 0;
    for (unsigned v = 0; v < n_vocab; v++)
        opts[n++] = (struct ui_option){vocab[v], vocab[v], in_list(a, current, vocab[v])};
    for (size_t i = 0; i < n_items; i++)
        if (lieu_value_index(f->field, items[i], strlen(items[i])) < 0)
            opts[n++] = (struct ui_option){
                items[i], arena_printf(a, "%s (hors du standard)", items[i]), true};
    ui_choices(
        b,
        &(struct ui_field){
            .name = lieu_field_names[f->field], .label = f->label, .hint = f->hint, .error = error},
        opts, n, true);
}

/* The hint of the hours field: the French reading of what is written, or why it cannot be read
 * and a correction when one is known. */
static const char *hours_hint(struct arena *a, const struct form_field *f, const char *text)
{
    if (!text || !*text)
        return f->hint;
    struct horaires *h;
    struct horaires_error err;
    if (horaires_parse(a, text, strlen(text), &h, &err) == 0) {
        struct buf fr;
        buf_init(&fr, a, 4096);
        horaires_french(h, &fr);
        return arena_printf(a, "%s Lecture : %s.", f->hint, buf_cstr(&fr));
    }
    return arena_printf(a, "%s Ces horaires ne se lisent pas automatiquement (%s)%s%s%s", f->hint,
                        err.message ? err.message : "format non reconnu",
                        err.suggestion ? " ; proposition : " : ".",
                        err.suggestion ? err.suggestion : "", err.suggestion ? "." : "");
}

static int render_form(struct http_request *req, struct http_response *resp,
                       const struct lieu_record *rec, const struct form_values *fv,
                       const struct ui_errors *errs, int status)
{
    struct arena *a = req->arena;
    struct buf b = lieux_page_buf(req);
    ui_h1(&b, arena_printf(a, "Modifier « %s »", rec->row.v[LF_NOM] ? rec->row.v[LF_NOM] : ""));
    ui_p(&b, arena_printf(a,
                          "Identifiant chez la source : %s. La date de mise à jour des "
                          "données devient celle d'aujourd'hui à l'enregistrement.",
                          rec->row.v[LF_ID]));
    ui_error_summary(&b, errs);
    ui_form_begin(&b, arena_printf(a, "/lieux/%lld/modifier", (long long)rec->id), "post",
                  auth_of(req)->csrf_token, false);
    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        ui_h2(&b, groups[g].title);
        for (size_t i = 0; i < groups[g].n; i++) {
            const struct form_field *f = &groups[g].fields[i];
            const char *name = lieu_field_names[f->field];
            const char *error = ui_errors_for(errs, name);
            bool required = lieu_fields[f->field].required;
            switch (f->kind) {
            case FK_INPUT:
            case FK_URL:
                ui_input(&b,
                         &(struct ui_field){
                             .name = name,
                             .label = f->label,
                             .hint = f->hint,
                             .value = fv->v[f->field],
                             .error = error,
                             .required = required,
                             .type = f->kind == FK_URL          ? UI_URL
                                     : f->field == LF_TELEPHONE ? UI_TEL
                                                                : UI_TEXT,
                             .width_class = f->field == LF_CODE_POSTAL || f->field == LF_CODE_INSEE
                                                ? "short"
                                            : f->field == LF_LATITUDE || f->field == LF_LONGITUDE ||
                                                    f->field == LF_PIVOT || f->field == LF_TELEPHONE
                                                ? "medium"
                                                : NULL});
                break;
            case FK_TEXTAREA:
            case FK_LINES:
                ui_textarea(&b,
                            &(struct ui_field){.name = name,
                                               .label = f->label,
                                               .hint = f->field == LF_HORAIRES
                                                           ? hours_hint(a, f, fv->v[f->field])
                                                           : f->hint,
                                               .value = fv->v[f->field],
                                               .error = error,
                                               .required = required},
                            f->field == LF_PRESENTATION_DETAIL ? 6 : 3);
                break;
            case FK_CHECKS:
                checkboxes(&b, a, f, fv->v[f->field], error);
                break;
            }
        }
    }
    ui_button(&b, "Enregistrer", UI_BUTTON_PRIMARY);
    ui_form_end(&b);
    ui_link(&b, "Annuler et revenir au lieu", arena_printf(a, "/lieux/%lld", (long long)rec->id));
    lieux_reports_section(&b, req, rec);
    return shell_render(req, resp,
                        &(struct shell_page){.title = "Modifier un lieu", .status = status},
                        buf_cstr(&b));
}

int lieux_page_edit_form(struct http_request *req, struct http_response *resp)
{
    struct lieu_record rec;
    int rc = load_managed(req, &rec);
    if (rc)
        return rc;
    struct form_values fv;
    values_from_record(req->arena, &rec, &fv);
    struct ui_errors errs = {0};
    return render_form(req, resp, &rec, &fv, &errs, 200);
}

/* The row to save: the record's, with the form's fields over it. */
static void row_from_values(struct arena *a, const struct lieu_record *rec,
                            const struct form_values *fv, struct lieu_row *row)
{
    *row = rec->row;
    for (size_t i = 0; each_field(i); i++) {
        const struct form_field *f = each_field(i);
        const char *v = fv->v[f->field];
        if (f->kind == FK_LINES) {
            v = list_from_lines(a, v);
        } else if (v && f->kind != FK_TEXTAREA) {
            struct str s = str_trim(str_from(v));
            v = s.len ? str_dup(s, a) : NULL;
        } else if (v) {
            /* Free text keeps its line breaks, without the surrounding blanks. */
            struct str s = str_trim(str_from(v));
            v = s.len ? str_dup(s, a) : NULL;
        }
        row->v[f->field] = v;
    }
    struct tm today;
    lieux_paris_time(time(NULL), &today);
    row->v[LF_DATE_MAJ] =
        arena_printf(a, "%04d-%02d-%02d", today.tm_year + 1900, today.tm_mon + 1, today.tm_mday);
}

static bool same_text(const char *a, const char *b)
{
    return (!a || !*a) ? (!b || !*b) : (b && strcmp(a, b) == 0);
}

int lieux_page_edit(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    const struct auth *au = auth_of(req);
    struct arena *a = req->arena;
    struct lieu_record rec;
    int rc = load_managed(req, &rec);
    if (rc)
        return rc;
    struct form_values fv;
    values_from_form(req, &fv);
    struct lieu_row row;
    row_from_values(a, &rec, &fv, &row);

    struct ui_errors errs = {0};
    struct lieu_report report;
    lieu_report_init(&report, a);
    lieu_validate(&row, &report);
    for (size_t i = 0; i < report.n && errs.n < 32; i++) {
        const struct lieu_problem *p = &report.items[i];
        if (p->severity == LIEU_ERROR && p->field >= 0 &&
            !ui_errors_for(&errs, lieu_field_names[p->field]))
            ui_errors_add(&errs, lieu_field_names[p->field], form_message(a, p));
    }
    char dep[4] = "";
    if (errs.n == 0 && !lieu_departement_of(row.v[LF_CODE_INSEE], row.v[LF_CODE_POSTAL], dep))
        ui_errors_add(&errs, "code_postal", "Code postal : 5 chiffres, par exemple 53000.");
    if (errs.n == 0 && strcmp(dep, rec.departement) != 0 &&
        !auth_can_manage_structure(au, rec.structure_id, dep))
        ui_errors_add(&errs, "code_postal",
                      arena_printf(a,
                                   "Code postal : ce lieu passerait dans le département %s, "
                                   "que vous ne coordonnez pas.",
                                   dep));
    if (errs.n)
        return render_form(req, resp, &rec, &fv, &errs, 400);

    /* Coordinates typed are exact; none (or the commune's centre kept as it was) are computed
     * again from the commune, which may have changed. */
    bool approx = false;
    bool kept = same_text(row.v[LF_LATITUDE], rec.row.v[LF_LATITUDE]) &&
                same_text(row.v[LF_LONGITUDE], rec.row.v[LF_LONGITUDE]);
    if ((!row.v[LF_LATITUDE] && !row.v[LF_LONGITUDE]) || (kept && rec.coords_approx)) {
        double lat, lon;
        bool approximate;
        row.v[LF_LATITUDE] = row.v[LF_LONGITUDE] = NULL;
        if (lieux_communes() &&
            geo_locate_lieu(lieux_communes(), row.v[LF_CODE_INSEE], row.v[LF_CODE_POSTAL],
                            row.v[LF_COMMUNE], &lat, &lon, &approximate) == 0) {
            row.v[LF_LATITUDE] = lieu_format_coordinate(a, lat);
            row.v[LF_LONGITUDE] = lieu_format_coordinate(a, lon);
            approx = true;
        }
    }
    enum lieu_upsert_result result;
    int64_t id;
    if ((rc = db_begin(ctx->db)))
        return rc;
    rc = lieu_store_upsert(ctx->db, a, &row, rec.source_key, dep, approx, au->user_id, NULL,
                           &result, &id);
    if (rc == 0)
        rc = db_commit(ctx->db);
    if (rc) {
        db_rollback(ctx->db);
        return rc;
    }
    if (result != LIEU_UNCHANGED && (lieux_index_touch(ctx->db) == 0))
        lieux_index_refresh(ctx->db, 0);
    http_redirect(resp, arena_printf(a, "/lieux/%lld?ok=%s", (long long)rec.id,
                                     result == LIEU_UNCHANGED ? "inchange" : "modifie"));
    return 0;
}

int lieux_page_publication(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct lieu_record rec;
    int rc = load_managed(req, &rec);
    if (rc)
        return rc;
    const char *v = http_param(&req->form, "publie");
    if (!v || (strcmp(v, "1") != 0 && strcmp(v, "0") != 0))
        return http_fail(req, ERR_INVALID, "publie : 1 pour publier le lieu, 0 pour le retirer.",
                         "publie");
    bool publish = strcmp(v, "1") == 0;
    if (publish != rec.published) {
        if ((rc = lieu_store_set_published(ctx->db, rec.id, publish, auth_of(req)->user_id)))
            return rc;
        if (lieux_index_touch(ctx->db) == 0)
            lieux_index_refresh(ctx->db, 0);
    }
    http_redirect(resp, arena_printf(req->arena, "/lieux/%lld?ok=%s", (long long)rec.id,
                                     publish ? "publie" : "depublie"));
    return 0;
}

int lieux_page_verification(struct http_request *req, struct http_response *resp)
{
    const struct ctx *ctx = req->ctx;
    struct lieu_record rec;
    int rc = load_managed(req, &rec);
    if (rc)
        return rc;
    if ((rc = lieu_store_verify(ctx->db, rec.id, auth_of(req)->user_id)))
        return rc;
    http_redirect(resp, arena_printf(req->arena, "/lieux/%lld?ok=verifie", (long long)rec.id));
    return 0;
}
