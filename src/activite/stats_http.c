/*
 * The scope and filters of a statistics request, and the French labels of the values (see
 * stats_http.h).
 */
#include "activite/stats_http.h"
#include "activite/vocab.h"
#include "comptes/auth.h"
#include "comptes/comptes.h"
#include "core/arena.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/str.h"
#include "core/url.h"
#include "db/db.h"
#include "lieux/communes.h"
#include "lieux/lieux.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char SQL_STRUCTURE[] = "SELECT departement, nom FROM structures WHERE id = $1";
static const char SQL_MEDIATEUR[] =
    "SELECT m.departement, m.structure_id, u.name FROM memberships m JOIN users u ON u.id = "
    "m.user_id WHERE m.user_id = $1 AND m.role = 'mediateur' ORDER BY m.id LIMIT 1";
static const char SQL_MEDIATEUR_IN_DEP[] =
    "SELECT 1 FROM memberships WHERE user_id = $1 AND departement = $2 AND role = 'mediateur'";
static const char SQL_MEDIATEUR_IN_STRUCTURE[] =
    "SELECT 1 FROM memberships WHERE user_id = $1 AND structure_id = $2 AND role = 'mediateur'";
static const char SQL_LIEU_NOM[] = "SELECT nom FROM lieux WHERE id = $1";
static const char SQL_TAG_NOM[] = "SELECT nom FROM tags WHERE id = $1";

static const char *const portee_values[] = {"mediateur", "structure", "departement", "plateforme"};

const char *stats_portee_value(enum stats_portee p) { return portee_values[p]; }

int stats_portee_parse(const char *s, enum stats_portee *out)
{
    for (int i = 0; i < 4; i++)
        if (s && strcmp(s, portee_values[i]) == 0) {
            *out = (enum stats_portee)i;
            return 0;
        }
    return ERR_INVALID;
}

static const char *departement_title(const char *code, struct arena *a)
{
    const struct communes *c = lieux_communes();
    const char *nom = c ? communes_departement_nom(c, code) : NULL;
    return nom ? arena_printf(a, "%s (%s)", nom, code) : arena_printf(a, "département %s", code);
}

static int load_structure(struct http_request *req, int64_t id, struct stats_scope *s)
{
    const struct ctx *ctx = req->ctx;
    struct db_stmt *st;
    int rc = db_prepare(ctx->db, SQL_STRUCTURE, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    rc = db_step_one(st);
    if (rc == 0) {
        s->departement = db_col_dup(st, 0, req->arena);
        s->title = arena_printf(req->arena, "Statistiques de %s", db_col_text(st, 1));
    }
    db_reset(st);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND, "Cette structure n’existe pas.", NULL);
    s->portee = STATS_STRUCTURE;
    s->structure_id = id;
    s->portee_id = arena_printf(req->arena, "%lld", (long long)id);
    s->path = arena_printf(req->arena, "/structures/%lld/statistiques", (long long)id);
    return rc;
}

static int load_mediateur(struct http_request *req, int64_t id, struct stats_scope *s)
{
    const struct ctx *ctx = req->ctx;
    struct db_stmt *st;
    int rc = db_prepare(ctx->db, SQL_MEDIATEUR, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, id);
    rc = db_step_one(st);
    if (rc == 0) {
        s->departement = db_col_dup(st, 0, req->arena);
        s->structure_id = db_col_int64(st, 1);
    }
    db_reset(st);
    if (rc == ERR_NOT_FOUND)
        return http_fail(req, ERR_NOT_FOUND, "Ce médiateur n’existe pas.", NULL);
    s->portee = STATS_MEDIATEUR;
    s->mediateur_id = id;
    s->title = "Mes statistiques";
    s->portee_id = arena_printf(req->arena, "%lld", (long long)id);
    s->path = "/statistiques";
    return rc;
}

static int load_departement(struct http_request *req, const char *code, struct stats_scope *s)
{
    if (!code || !departement_valid(code))
        return http_fail(req, ERR_NOT_FOUND, "Ce département n’existe pas.", NULL);
    s->portee = STATS_DEPARTEMENT;
    s->departement = code;
    s->portee_id = code;
    s->title = arena_printf(req->arena, "Statistiques de %s", departement_title(code, req->arena));
    s->path =
        arena_printf(req->arena, "/departements/%s/statistiques", url_encode(req->arena, code));
    return 0;
}

int stats_scope_load(struct http_request *req, enum stats_portee portee, const char *id,
                     struct stats_scope *out)
{
    memset(out, 0, sizeof(*out));
    int64_t n = 0;
    switch (portee) {
    case STATS_MEDIATEUR:
    case STATS_STRUCTURE:
        if (cstr_to_int64(id, &n) || n <= 0)
            return ERR_NOT_FOUND;
        return portee == STATS_MEDIATEUR ? load_mediateur(req, n, out)
                                         : load_structure(req, n, out);
    case STATS_DEPARTEMENT:
        return load_departement(req, id, out);
    case STATS_PLATEFORME:
        out->portee = STATS_PLATEFORME;
        out->title = "Statistiques de la plateforme";
        out->path = "/admin/statistiques";
        out->portee_id = "";
        return 0;
    }
    return ERR_NOT_FOUND;
}

static int forbidden(struct http_request *req)
{
    return http_fail(req, ERR_FORBIDDEN, "Ces statistiques ne sont pas dans votre périmètre.",
                     NULL);
}

static bool is_mediateur(const struct auth *a)
{
    for (size_t i = 0; i < a->n_memberships; i++)
        if (a->memberships[i].role == ROLE_MEDIATEUR)
            return true;
    return false;
}

/* The API's scope: what the query names, or the caller's widest one. */
static int api_scope(struct http_request *req, struct stats_scope *out)
{
    const struct auth *a = auth_of(req);
    const char *dep = http_param(&req->query, "departement");
    const char *structure = http_param(&req->query, "structure");
    const char *mediateur = http_param(&req->query, "mediateur");
    int rc;
    if (a->token_id) {
        /* A structure's token reads its structure. */
        if ((dep && *dep) || (mediateur && *mediateur))
            return forbidden(req);
        return load_structure(req, a->token_structure_id, out);
    }
    if (mediateur && *mediateur) {
        if ((rc = stats_scope_load(req, STATS_MEDIATEUR, mediateur, out)))
            return rc;
        if (out->mediateur_id != a->user_id &&
            !auth_can_manage_structure(a, out->structure_id, out->departement))
            return forbidden(req);
        return 0;
    }
    if (structure && *structure) {
        if ((rc = stats_scope_load(req, STATS_STRUCTURE, structure, out)))
            return rc;
        return auth_can_see_structure(a, out->structure_id, out->departement) ? 0 : forbidden(req);
    }
    if (dep && *dep) {
        if ((rc = stats_scope_load(req, STATS_DEPARTEMENT, dep, out)))
            return rc;
        return auth_has(a, ROLE_ADMIN) || auth_in_departement(a, dep) ? 0 : forbidden(req);
    }
    if (auth_has(a, ROLE_ADMIN))
        return stats_scope_load(req, STATS_PLATEFORME, "", out);
    if (auth_has(a, ROLE_COORDINATEUR) && a->n_departements)
        return stats_scope_load(req, STATS_DEPARTEMENT, a->departements[0], out);
    if (is_mediateur(a))
        return load_mediateur(req, a->user_id, out);
    if (a->n_memberships)
        return load_structure(req, a->memberships[0].structure_id, out);
    return forbidden(req);
}

int stats_scope_of_request(struct http_request *req, struct stats_scope *out)
{
    memset(out, 0, sizeof(*out));
    const struct auth *a = auth_of(req);
    if (req->is_api)
        return api_scope(req, out);
    const char *id = http_path_param(req, "id");
    const char *code = http_path_param(req, "code");
    int rc;
    if (code) {
        if ((rc = load_departement(req, code, out)))
            return rc;
        return auth_has(a, ROLE_ADMIN) || auth_in_departement(a, code) ? 0 : forbidden(req);
    }
    if (id) {
        int64_t n;
        if (cstr_to_int64(id, &n) || n <= 0)
            return http_fail(req, ERR_NOT_FOUND, "Cette structure n’existe pas.", NULL);
        if ((rc = load_structure(req, n, out)))
            return rc;
        return auth_can_see_structure(a, n, out->departement) ? 0 : forbidden(req);
    }
    if (strcmp(req->path, "/admin/statistiques") == 0)
        return auth_has(a, ROLE_ADMIN) ? stats_scope_load(req, STATS_PLATEFORME, "", out)
                                       : forbidden(req);
    if (!is_mediateur(a))
        return http_fail(req, ERR_NOT_FOUND, "Vous n’enregistrez pas d’activité.", NULL);
    return load_mediateur(req, a->user_id, out);
}

static bool exists(struct http_request *req, const char *sql, int64_t id, const char *text,
                   int64_t other)
{
    const struct ctx *ctx = req->ctx;
    struct db_stmt *st;
    if (db_prepare(ctx->db, sql, &st))
        return false;
    db_bind_int64(st, 1, id);
    if (text)
        db_bind_text(st, 2, text);
    else
        db_bind_int64(st, 2, other);
    int rc = db_step_one(st);
    db_reset(st);
    return rc == 0;
}

static bool id_param(const char *s, int64_t *out)
{
    return s && cstr_to_int64(s, out) == 0 && *out > 0;
}

void stats_filter_read(struct http_request *req, const struct http_params *params,
                       const struct stats_scope *scope, struct activite_stats_filter *f,
                       struct ui_errors *errs)
{
    memset(f, 0, sizeof(*f));
    f->departement = scope->departement;
    f->structure_id = scope->portee == STATS_MEDIATEUR || scope->portee == STATS_STRUCTURE
                          ? scope->structure_id
                          : 0;
    f->mediateur_id = scope->mediateur_id;
    if (scope->portee == STATS_PLATEFORME)
        f->departement = NULL;
    /* The default period: the 12 months that end with this one. */
    char today[11];
    activite_stats_today(today);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    tm.tm_mday = 1;
    tm.tm_mon -= 11;
    tm.tm_hour = 12;
    timegm(&tm);
    strftime(f->du, sizeof(f->du), "%Y-%m-%d", &tm);
    memcpy(f->au, today, sizeof(f->au));
    const char *du = http_param(params, "du"), *au = http_param(params, "au");
    if (du && *du)
        snprintf(f->du, sizeof(f->du), "%.10s", du);
    if (au && *au)
        snprintf(f->au, sizeof(f->au), "%.10s", au);
    bool du_ok = !du || !*du || strlen(du) == 10, au_ok = !au || !*au || strlen(au) == 10;
    if (!du_ok || !activite_stats_valid_day(f->du))
        ui_errors_add(errs, "du", "Du : une date réelle au format AAAA-MM-JJ.");
    if (!au_ok || !activite_stats_valid_day(f->au))
        ui_errors_add(errs, "au", "Au : une date réelle au format AAAA-MM-JJ.");
    else if (errs->n == 0 && strcmp(f->du, f->au) > 0)
        ui_errors_add(errs, "au", "Au : une date après celle du début (Du).");
    else if (errs->n == 0 && !activite_stats_period_ok(f))
        ui_errors_add(errs, "au", "Au : une période de cinq ans au plus.");

    const char *type = http_param(params, "type");
    if (type && *type) {
        if (vocab_find(&vocab_cra_type, type) < 0)
            ui_errors_add(errs, "type", "Type : individuel, collectif ou demarche.");
        else
            f->type = type;
    }
    const char *thematique = http_param(params, "thematique");
    if (thematique && *thematique) {
        if (vocab_find(&vocab_thematique, thematique) < 0)
            ui_errors_add(errs, "thematique", "Thématique : une des thématiques de la liste.");
        else
            f->thematique = thematique;
    }
    const char *commune = http_param(params, "commune");
    if (commune && *commune) {
        const struct communes *c = lieux_communes();
        if (strlen(commune) != 5 || (c && !communes_by_insee(c, commune)))
            ui_errors_add(errs, "commune", "Commune : un code INSEE de 5 caractères existant.");
        else
            f->commune = commune;
    }
    const char *lieu = http_param(params, "lieu");
    if (lieu && *lieu && !id_param(lieu, &f->lieu_id))
        ui_errors_add(errs, "lieu", "Lieu : un des lieux de la liste.");
    const char *tag = http_param(params, "tag");
    if (tag && *tag && !id_param(tag, &f->tag_id))
        ui_errors_add(errs, "tag", "Étiquette : une des étiquettes de la liste.");
    const char *mediateur = http_param(params, "mediateur");
    if (mediateur && *mediateur && scope->portee != STATS_MEDIATEUR) {
        int64_t m;
        bool ok = id_param(mediateur, &m);
        /* A médiateur of the scope only: the counters of a médiateur cross no département. */
        if (ok && scope->portee == STATS_STRUCTURE)
            ok = exists(req, SQL_MEDIATEUR_IN_STRUCTURE, m, NULL, scope->structure_id);
        else if (ok && scope->portee == STATS_DEPARTEMENT)
            ok = exists(req, SQL_MEDIATEUR_IN_DEP, m, scope->departement, 0);
        if (!ok)
            ui_errors_add(errs, "mediateur", "Médiateur : un des médiateurs de la liste.");
        else
            f->mediateur_id = m;
    }
}

const char *stats_filter_query(struct arena *a, const struct activite_stats_filter *f)
{
    struct buf b;
    buf_init(&b, a, 4096);
    buf_addf(&b, "du=%s&au=%s", url_encode(a, f->du), url_encode(a, f->au));
    if (f->type)
        buf_addf(&b, "&type=%s", url_encode(a, f->type));
    if (f->thematique)
        buf_addf(&b, "&thematique=%s", url_encode(a, f->thematique));
    if (f->commune)
        buf_addf(&b, "&commune=%s", url_encode(a, f->commune));
    if (f->lieu_id)
        buf_addf(&b, "&lieu=%lld", (long long)f->lieu_id);
    if (f->tag_id)
        buf_addf(&b, "&tag=%lld", (long long)f->tag_id);
    return buf_cstr(&b);
}

static const char *name_of(struct http_request *req, const char *sql, const char *id)
{
    const struct ctx *ctx = req->ctx;
    int64_t n;
    struct db_stmt *st;
    if (cstr_to_int64(id, &n) || db_prepare(ctx->db, sql, &st))
        return id;
    db_bind_int64(st, 1, n);
    const char *out = id;
    if (db_step_one(st) == 0)
        out = db_col_dup(st, 0, req->arena);
    db_reset(st);
    return out;
}

const char *stats_label(struct http_request *req, int dim, const char *valeur)
{
    const struct vocab *v = NULL;
    switch (dim) {
    case ACTIVITE_DIM_TYPE:
        v = &vocab_cra_type;
        break;
    case ACTIVITE_DIM_CANAL:
        v = &vocab_type_lieu;
        break;
    case ACTIVITE_DIM_THEMATIQUE:
    case ACTIVITE_DIM_DEMARCHE:
        v = &vocab_thematique;
        break;
    case ACTIVITE_DIM_MATERIEL:
        v = &vocab_materiel;
        break;
    case ACTIVITE_DIM_AUTONOMIE:
        v = &vocab_autonomie;
        break;
    case ACTIVITE_DIM_GENRE:
        v = &vocab_genre;
        break;
    case ACTIVITE_DIM_TRANCHE_AGE:
        v = &vocab_tranche_age;
        break;
    case ACTIVITE_DIM_STATUT:
        v = &vocab_statut_social;
        break;
    case ACTIVITE_DIM_DUREE:
        for (int i = 0; i < ACTIVITE_DUREE_COUNT; i++)
            if (strcmp(valeur, activite_duree_band_value((enum activite_duree_band)i)) == 0)
                return activite_duree_band_label((enum activite_duree_band)i);
        return valeur;
    case ACTIVITE_DIM_COMMUNE:
    case ACTIVITE_DIM_COMMUNE_BENEFICIAIRE: {
        const struct communes *c = lieux_communes();
        const struct commune *m = c ? communes_by_insee(c, valeur) : NULL;
        return m ? arena_printf(req->arena, "%s (%s)", m->nom, valeur) : valeur;
    }
    case ACTIVITE_DIM_LIEU:
        return name_of(req, SQL_LIEU_NOM, valeur);
    case ACTIVITE_DIM_TAG:
        return name_of(req, SQL_TAG_NOM, valeur);
    case ACTIVITE_DIM_BENEFICIAIRES:
        return strcmp(valeur, "nouveaux") == 0 ? "Nouveaux bénéficiaires"
                                               : "Participants anonymes des ateliers";
    default:
        return valeur;
    }
    const char *label = vocab_label(v, vocab_find(v, valeur));
    return label ? label : valeur;
}

const char *stats_dim_title(int dim)
{
    static const char *const titles[ACTIVITE_DIM_COUNT] = {
        [ACTIVITE_DIM_TOTAL] = "Total",
        [ACTIVITE_DIM_TYPE] = "Types d’activité",
        [ACTIVITE_DIM_CANAL] = "Canaux des accompagnements",
        [ACTIVITE_DIM_DUREE] = "Durées des accompagnements",
        [ACTIVITE_DIM_THEMATIQUE] = "Thématiques des accompagnements de médiation numérique",
        [ACTIVITE_DIM_DEMARCHE] = "Thématiques des accompagnements de démarches administratives",
        [ACTIVITE_DIM_MATERIEL] = "Matériel utilisé",
        [ACTIVITE_DIM_COMMUNE] = "Communes des activités",
        [ACTIVITE_DIM_LIEU] = "Lieux d’activité",
        [ACTIVITE_DIM_TAG] = "Étiquettes",
        [ACTIVITE_DIM_AUTONOMIE] = "Autonomie à la fin des accompagnements individuels",
        [ACTIVITE_DIM_GENRE] = "Genre des bénéficiaires",
        [ACTIVITE_DIM_TRANCHE_AGE] = "Tranches d’âge des bénéficiaires",
        [ACTIVITE_DIM_STATUT] = "Statut des bénéficiaires",
        [ACTIVITE_DIM_COMMUNE_BENEFICIAIRE] = "Communes de résidence des bénéficiaires",
        [ACTIVITE_DIM_BENEFICIAIRES] = "Bénéficiaires",
    };
    return dim >= 0 && dim < ACTIVITE_DIM_COUNT ? titles[dim] : "";
}

const char *stats_dim_key(int dim)
{
    static const char *const keys[ACTIVITE_DIM_COUNT] = {
        [ACTIVITE_DIM_TOTAL] = "total",
        [ACTIVITE_DIM_TYPE] = "type",
        [ACTIVITE_DIM_CANAL] = "canal",
        [ACTIVITE_DIM_DUREE] = "duree",
        [ACTIVITE_DIM_THEMATIQUE] = "thematiques_mediation",
        [ACTIVITE_DIM_DEMARCHE] = "thematiques_demarches",
        [ACTIVITE_DIM_MATERIEL] = "materiel",
        [ACTIVITE_DIM_COMMUNE] = "commune",
        [ACTIVITE_DIM_LIEU] = "lieu",
        [ACTIVITE_DIM_TAG] = "etiquette",
        [ACTIVITE_DIM_AUTONOMIE] = "autonomie",
        [ACTIVITE_DIM_GENRE] = "genre",
        [ACTIVITE_DIM_TRANCHE_AGE] = "tranche_age",
        [ACTIVITE_DIM_STATUT] = "statut",
        [ACTIVITE_DIM_COMMUNE_BENEFICIAIRE] = "commune_beneficiaire",
        [ACTIVITE_DIM_BENEFICIAIRES] = "beneficiaires",
    };
    return dim >= 0 && dim < ACTIVITE_DIM_COUNT ? keys[dim] : "";
}
