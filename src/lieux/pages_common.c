#include "lieux/pages_common.h"
#include "assets.h"
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/ctx.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "html/html.h"
#include "html/ui.h"
#include "lieux/horaires.h"
#include "lieux/search.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

struct buf lieux_page_buf(struct http_request *req)
{
    struct buf b;
    buf_init(&b, req->arena, LIMIT_PAGE_BYTES);
    return b;
}

bool lieux_can_manage(const struct auth *a, const struct lieu_record *rec)
{
    return auth_can_manage_structure(a, rec->structure_id, rec->departement);
}

int lieux_load(struct http_request *req, struct lieu_record *rec)
{
    static const char NOT_FOUND[] = "Ce lieu n'existe pas, ou il n'est plus publié.";
    int64_t id;
    if (cstr_to_int64(http_path_param(req, "id"), &id) || id <= 0)
        return http_fail(req, ERR_NOT_FOUND, NOT_FOUND, NULL);
    const struct ctx *ctx = req->ctx;
    int rc = lieu_store_get(ctx->db, req->arena, id, rec);
    if (rc == ERR_NOT_FOUND || (rc == 0 && !rec->published && !lieux_can_manage(auth_of(req), rec)))
        return http_fail(req, ERR_NOT_FOUND, NOT_FOUND, NULL);
    return rc;
}

/* A decimal number with a French comma. */
static const char *decimal_fr(struct arena *a, double v, int decimals)
{
    char *s = arena_printf(a, "%.*f", decimals, v);
    char *dot = strchr(s, '.');
    if (dot)
        *dot = ',';
    return s;
}

const char *lieux_km_fr(struct arena *a, double km)
{
    if (!isfinite(km) || km < 0)
        return "";
    if (km < 9.95)
        return arena_printf(a, "%s km", decimal_fr(a, km, 1));
    return arena_printf(a, "%.0f km", km);
}

const char *lieux_count_fr(struct arena *a, uint64_t n)
{
    char digits[24];
    int len = snprintf(digits, sizeof(digits), "%llu", (unsigned long long)n);
    struct buf b;
    buf_init(&b, a, 64);
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf_addlit(&b, "\u202f"); /* narrow no-break space, as French typography groups */
        buf_addch(&b, digits[i]);
    }
    return buf_cstr(&b);
}

const char *lieux_minutes_fr(struct arena *a, double minutes)
{
    if (!isfinite(minutes) || minutes < 0)
        return "";
    long m = lround(minutes);
    if (m < 1)
        m = 1;
    if (m < 60)
        return arena_printf(a, "%ld min", m);
    return arena_printf(a, "%ld h %02ld", m / 60, m % 60);
}

static const char *const months_fr[] = {"janvier",   "février", "mars",     "avril",
                                        "mai",       "juin",    "juillet",  "août",
                                        "septembre", "octobre", "novembre", "décembre"};

const char *lieux_date_fr(struct arena *a, const char *iso)
{
    if (!iso)
        return NULL;
    int y, m, d;
    char tail;
    if (strlen(iso) != 10 || sscanf(iso, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 ||
        m > 12 || d < 1 || d > 31)
        return iso;
    return arena_printf(a, "%d%s %s %d", d, d == 1 ? "er" : "", months_fr[m - 1], y);
}

const char *lieux_time_fr(struct arena *a, time_t t)
{
    struct tm tm;
    lieux_paris_time(t, &tm);
    return arena_printf(a, "%d%s %s %d", tm.tm_mday, tm.tm_mday == 1 ? "er" : "",
                        months_fr[tm.tm_mon], tm.tm_year + 1900);
}

size_t lieux_split(struct arena *a, const char *list, const char ***out)
{
    *out = NULL;
    if (!list || !*list)
        return 0;
    size_t cap = 1;
    for (const char *p = list; *p; p++)
        cap += *p == '|';
    const char **items = arena_calloc(a, cap, sizeof(*items));
    size_t n = 0;
    const char *start = list;
    for (const char *p = list;; p++) {
        if (*p == '|' || *p == '\0') {
            struct str s = str_trim((struct str){start, (size_t)(p - start)});
            if (s.len)
                items[n++] = str_dup(s, a);
            if (*p == '\0')
                break;
            start = p + 1;
        }
    }
    *out = items;
    return n;
}

/* The UTC instant of 01:00 on the last Sunday of a month: when European summer time starts
 * (March) and ends (October). */
static time_t last_sunday_0100_utc(int year, int month)
{
    int64_t last = horaires_days_from_civil(year, month + 1, 1) - 1;
    int64_t wday = ((last % 7) + 7 + 4) % 7; /* 1970-01-01 was a Thursday */
    return (time_t)((last - wday) * 86400 + 3600);
}

void lieux_paris_time(time_t t, struct tm *out)
{
    struct tm utc;
    gmtime_r(&t, &utc);
    int year = utc.tm_year + 1900;
    bool summer = t >= last_sunday_0100_utc(year, 3) && t < last_sunday_0100_utc(year, 10);
    time_t local = t + (summer ? 7200 : 3600);
    gmtime_r(&local, out);
    out->tm_isdst = summer;
}

static const char *const weekdays_fr[] = {"dimanche", "lundi",    "mardi", "mercredi",
                                          "jeudi",    "vendredi", "samedi"};

/* "9 h", "9 h 30". */
static const char *clock_fr(struct arena *a, const struct tm *t)
{
    return t->tm_min ? arena_printf(a, "%d h %02d", t->tm_hour, t->tm_min)
                     : arena_printf(a, "%d h", t->tm_hour);
}

/* The open status and the next change of parsed hours at now. */
static void hours_describe(struct arena *a, const struct horaires *h, time_t now,
                           struct lieux_hours *out)
{
    struct tm local;
    lieux_paris_time(now, &local);
    enum horaires_state st = horaires_state_at(h, &local);
    out->open = st == HORAIRES_OPEN ? 1 : st == HORAIRES_CLOSED ? 0 : -1;
    struct tm when;
    enum horaires_state next;
    if (out->open >= 0 && horaires_next_change(h, &local, &when, &next)) {
        bool same_day = when.tm_year == local.tm_year && when.tm_yday == local.tm_yday;
        bool tomorrow =
            !same_day &&
            horaires_days_from_civil(when.tm_year + 1900, when.tm_mon + 1, when.tm_mday) ==
                horaires_days_from_civil(local.tm_year + 1900, local.tm_mon + 1, local.tm_mday) + 1;
        const char *verb = next == HORAIRES_OPEN ? "ouvre" : "ferme";
        const char *day = same_day ? ""
                          : tomorrow
                              ? "demain "
                              : arena_printf(a, "%s %d ", weekdays_fr[when.tm_wday], when.tm_mday);
        if (next != HORAIRES_UNKNOWN)
            out->next = arena_printf(a, "%s %sà %s", verb, day, clock_fr(a, &when));
    }
}

void lieux_hours_read(struct arena *a, const char *text, const char *departement, time_t now,
                      struct lieux_hours *out)
{
    memset(out, 0, sizeof(*out));
    out->open = -1;
    if (!text || !*text)
        return;
    out->raw = text;
    struct horaires *h;
    struct horaires_error err;
    if (horaires_parse(a, text, strlen(text), &h, &err) != 0)
        return;
    horaires_set_calendar(h, horaires_calendar_for_departement(departement));
    struct buf fr;
    buf_init(&fr, a, 4096);
    horaires_french(h, &fr);
    if (buf_finish(&fr) == 0 && fr.len)
        out->french = buf_cstr(&fr);
    hours_describe(a, h, now, out);
}

void lieux_hours_of_entry(struct arena *a, const struct lieux_entry *e, time_t now,
                          struct lieux_hours *out)
{
    memset(out, 0, sizeof(*out));
    out->open = -1;
    out->raw = e->horaires_text && *e->horaires_text ? e->horaires_text : NULL;
    if (!e->horaires)
        return;
    out->french = e->horaires_fr;
    hours_describe(a, e->horaires, now, out);
}

void lieux_status_tag(struct buf *b, const struct lieux_hours *h)
{
    if (h->open == 1)
        ui_tag(b, "Ouvert maintenant", UI_TAG_GREEN);
    else if (h->open == 0)
        ui_tag(b, "Fermé maintenant", UI_TAG_NEUTRAL);
    else if (h->raw)
        ui_tag(b, "Horaires à vérifier", UI_TAG_YELLOW);
    else
        ui_tag(b, "Horaires non renseignés", UI_TAG_NEUTRAL);
}

/* The French label of every typologie code of the standard's list (lieu_vocab(LF_TYPOLOGIE):
 * data·inclusion's "typologies de structure"), in its order. */
static const struct {
    const char *code, *label;
} typologies[] = {
    {"ACI", "Atelier chantier d'insertion"},
    {"ACIPHC", "Atelier chantier d'insertion premières heures en chantier"},
    {"AFPA", "Agence nationale pour la formation professionnelle des adultes"},
    {"AI", "Association intermédiaire"},
    {"ASE", "Aide sociale à l'enfance"},
    {"ASSO", "Association"},
    {"ASSO_CHOMEUR", "Association de chômeurs"},
    {"Autre", "Autre"},
    {"AVIP", "Crèche à vocation d'insertion professionnelle"},
    {"BIB", "Bibliothèque, médiathèque"},
    {"CAARUD",
     "Centre d'accueil et d'accompagnement à la réduction des risques pour usagers de drogues"},
    {"CADA", "Centre d'accueil de demandeurs d'asile"},
    {"CAF", "Caisse d'allocations familiales"},
    {"CAP_EMPLOI", "Cap emploi"},
    {"CAVA", "Centre d'adaptation à la vie active"},
    {"CC", "Communauté de communes"},
    {"CCAS", "Centre communal d'action sociale"},
    {"CCONS", "Chambre consulaire"},
    {"CD", "Conseil départemental"},
    {"CDAS", "Centre départemental d'action sociale"},
    {"CFP", "Centre des finances publiques"},
    {"CHRS", "Centre d'hébergement et de réinsertion sociale"},
    {"CHU", "Centre d'hébergement d'urgence"},
    {"CIAS", "Centre intercommunal d'action sociale"},
    {"CIDFF", "Centre d'information sur les droits des femmes et des familles"},
    {"CITMET", "Cité des métiers"},
    {"CMP", "Centre médico-psychologique"},
    {"CMS", "Centre médico-social"},
    {"CPAM", "Caisse primaire d'assurance maladie"},
    {"CPH", "Centre provisoire d'hébergement"},
    {"CS", "Centre social"},
    {"CSAPA", "Centre de soins, d'accompagnement et de prévention en addictologie"},
    {"CSC", "Centre socioculturel"},
    {"DEETS", "Direction de l'économie, de l'emploi, du travail et des solidarités"},
    {"DEPT", "Services sociaux du conseil départemental"},
    {"DIPLP", "Délégation interministérielle à la prévention et à la lutte contre la pauvreté"},
    {"E2C", "École de la deuxième chance"},
    {"EA", "Entreprise adaptée"},
    {"EATT", "Entreprise adaptée de travail temporaire"},
    {"EI", "Entreprise d'insertion"},
    {"EITI", "Entreprise d'insertion par le travail indépendant"},
    {"ENM", "Espace numérique mobile"},
    {"EPCI", "Intercommunalité (EPCI)"},
    {"EPI", "Espace public internet"},
    {"EPIDE", "Établissement pour l'insertion dans l'emploi"},
    {"EPN", "Espace public numérique"},
    {"ES", "Épicerie solidaire"},
    {"ESAT", "Établissement et service d'aide par le travail"},
    {"ESS", "Entreprise de l'économie sociale et solidaire"},
    {"ETTI", "Entreprise de travail temporaire d'insertion"},
    {"EVS", "Espace de vie sociale"},
    {"FABLAB", "Fablab"},
    {"FABRIQUE", "Fabrique de territoire"},
    {"FAIS", "Fédération d'acteurs de l'insertion et de la solidarité"},
    {"FT", "France Travail"},
    {"GEIQ", "Groupement d'employeurs pour l'insertion et la qualification"},
    {"HUDA", "Hébergement d'urgence pour demandeurs d'asile"},
    {"LA_POSTE", "La Poste"},
    {"MDE", "Maison de l'emploi"},
    {"MDH", "Maison des habitants"},
    {"MDEF", "Maison de l'emploi et de la formation"},
    {"MDPH", "Maison départementale des personnes handicapées"},
    {"MDS", "Maison départementale des solidarités"},
    {"MJC", "Maison des jeunes et de la culture"},
    {"ML", "Mission locale"},
    {"MQ", "Maison de quartier"},
    {"MSA", "Mutualité sociale agricole"},
    {"MSAP", "Maison de services au public"},
    {"MUNI", "Mairie"},
    {"OACAS", "Organisme d'accueil communautaire et d'activité solidaire"},
    {"ODC", "Organisation délégataire d'un conseil départemental"},
    {"OF", "Organisme de formation"},
    {"OIL", "Opérateur d'intermédiation locative"},
    {"OPCS", "Organisation porteuse de la clause sociale"},
    {"PAD", "Point d'accès au droit"},
    {"PENSION", "Pension de famille"},
    {"PI", "Point info"},
    {"PIJ_BIJ", "Point ou bureau information jeunesse"},
    {"PIMMS", "Point information médiation multi-services"},
    {"PJJ", "Protection judiciaire de la jeunesse"},
    {"PLIE", "Plan local pour l'insertion et l'emploi"},
    {"PREF", "Préfecture, sous-préfecture"},
    {"PREVENTION", "Service ou club de prévention"},
    {"REG", "Région"},
    {"RELAIS_LECTURE", "Relais lecture"},
    {"RESSOURCERIE", "Ressourcerie"},
    {"RFS", "Réseau France Services"},
    {"RS_FJT", "Résidence sociale, foyer de jeunes travailleurs"},
    {"SCP", "Services et clubs de prévention"},
    {"SPIP", "Service pénitentiaire d'insertion et de probation"},
    {"TIERS_LIEUX", "Tiers-lieu"},
    {"UDAF", "Union départementale des associations familiales"},
};

const char *lieux_typologie_label(const char *code)
{
    for (size_t i = 0; code && i < sizeof(typologies) / sizeof(typologies[0]); i++)
        if (strcmp(typologies[i].code, code) == 0)
            return typologies[i].label;
    return NULL;
}

void lieux_script(struct buf *b)
{
    html_lit(b, "<script type=\"module\" src=\"");
    html_url(b, asset_carte_js);
    html_lit(b, "\"></script>\n");
}

void lieux_map(struct buf *b, struct http_request *req, const char *label,
               const struct lieux_marker *m, size_t n, const char *geojson)
{
    const struct ctx *ctx = req->ctx;
    const char *tiles = ctx && ctx->cfg ? ctx->cfg->tile_url : NULL;
    if ((n == 0 && !geojson) || !tiles || !*tiles)
        return;
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:I, s:s, s:s, s:f, s:f, s:b}", "id",
                                              (json_int_t)m[i].id, "nom", m[i].nom ? m[i].nom : "",
                                              "adresse", m[i].adresse ? m[i].adresse : "", "lat",
                                              m[i].lat, "lon", m[i].lon, "approx", m[i].approx));
    char *text = json_dumps(list, JSON_COMPACT);
    json_decref(list);
    /* The map repeats the list above it: screen readers are told so and may skip it. */
    html_lit(b, "<section class=\"relais-carte\" aria-label=\"");
    html_attr(b, label);
    html_lit(b, "\"><div class=\"relais-carte__map\" id=\"carte\" hidden data-tuiles=\"");
    html_attr(b, tiles);
    html_lit(b, "\" data-attribution=\"");
    html_attr(b, ctx->cfg->tile_attribution ? ctx->cfg->tile_attribution : "");
    html_lit(b, "\" data-marqueurs=\"");
    html_attr(b, text ? text : "[]");
    if (geojson) {
        html_lit(b, "\" data-zones=\"");
        html_attr(b, geojson);
    }
    html_lit(b, "\" data-leaflet-js=\"");
    html_attr(b, asset_leaflet_js);
    html_lit(b, "\" data-leaflet-css=\"");
    html_attr(b, asset_leaflet_css);
    html_lit(b, "\"></div></section>\n");
    lieux_script(b);
    free(text);
}
