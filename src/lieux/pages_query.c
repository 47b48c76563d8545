#include "lieux/pages_query.h"
#include "comptes/comptes.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "core/url.h"
#include "lieux/lieux.h"
#include "lieux/pages_common.h"
#include "lieux/standard.h"

#include <string.h>
#include <time.h>

const char *lieux_dim_name(enum search_dim d) { return lieu_field_names[search_dim_field(d)]; }

static const char *const weekdays[] = {"dimanche", "lundi",    "mardi", "mercredi",
                                       "jeudi",    "vendredi", "samedi"};

/* A parameter, trimmed; NULL when absent or blank. */
static const char *param(struct http_request *req, const char *name)
{
    const char *v = http_param(&req->query, name);
    if (!v)
        return NULL;
    struct str s = str_trim(str_from(v));
    return s.len ? str_dup(s, req->arena) : NULL;
}

static int fail(struct http_request *req, const char *field, const char *message)
{
    return http_fail(req, ERR_INVALID, message, field);
}

/* "14:00", "14h", "14 h 30", "9" into minutes since midnight (0..1440); -1 when not a time. */
static int read_clock(const char *s)
{
    int h = 0, m = 0, i = 0, digits = 0;
    while (s[i] >= '0' && s[i] <= '9' && digits < 2)
        h = h * 10 + (s[i++] - '0'), digits++;
    if (!digits)
        return -1;
    while (s[i] == ' ')
        i++;
    if (s[i] == ':' || s[i] == 'h' || s[i] == 'H') {
        i++;
        while (s[i] == ' ')
            i++;
        digits = 0;
        while (s[i] >= '0' && s[i] <= '9' && digits < 2)
            m = m * 10 + (s[i++] - '0'), digits++;
        if (digits == 1)
            return -1;
    }
    if (s[i] != '\0' || m > 59 || h > 24 || (h == 24 && m > 0))
        return -1;
    return h * 60 + m;
}

static bool is_postcode(const char *s)
{
    if (strlen(s) != 5)
        return false;
    for (int i = 0; i < 5; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static void found(struct lieux_params *p, struct arena *a, const struct commune *m,
                  const char *code_postal)
{
    p->place = LIEUX_PLACE_FOUND;
    p->where = m;
    if (!code_postal || !*code_postal)
        code_postal = m->n_codes_postaux ? m->codes_postaux[0] : m->departement;
    p->where_label = arena_printf(a, "%s (%s)", m->nom, code_postal);
    p->q.has_center = true;
    p->q.center = m->centre;
    p->q.density = m->density_class;
}

/* Finds the commune of what was typed: one, a choice among several, or none (with suggestions). */
static int resolve_place(struct http_request *req, struct lieux_params *p)
{
    const struct communes *c = lieux_communes();
    if (p->code_insee) {
        const struct commune *m = c ? communes_by_insee(c, p->code_insee) : NULL;
        if (!m || !m->current || !m->has_centre)
            return fail(req, "code_insee", "code_insee : aucune commune n'a ce code INSEE.");
        if (!p->commune) {
            found(p, req->arena, m, NULL);
            return 0;
        }
        /* The code chosen in a list counts only while the typed name still designates it. */
        struct communes_result r[COMMUNES_RESULTS_MAX];
        size_t n = communes_search(c, p->commune, NULL, COMMUNES_RESULTS_MAX, r);
        for (size_t i = 0; i < n; i++)
            if (r[i].commune == m) {
                found(p, req->arena, m, r[i].code_postal);
                return 0;
            }
    }
    if (!p->commune)
        return 0;
    if (!c) {
        p->place = LIEUX_PLACE_UNKNOWN;
        return 0;
    }
    if (is_postcode(p->commune)) {
        const struct commune *list[LIEUX_CHOICES_MAX];
        size_t n = communes_by_postcode(c, p->commune, list, LIEUX_CHOICES_MAX);
        if (n > LIEUX_CHOICES_MAX)
            n = LIEUX_CHOICES_MAX;
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (list[i]->current && list[i]->has_centre)
                p->choices[k++] = (struct communes_result){list[i], p->commune, 0};
        if (k == 1) {
            found(p, req->arena, p->choices[0].commune, p->commune);
            p->n_choices = 0;
            return 0;
        }
        if (k > 1) {
            p->place = LIEUX_PLACE_CHOICE;
            p->n_choices = k;
            return 0;
        }
    } else {
        struct communes_result r[LIEUX_CHOICES_MAX];
        size_t n = communes_search(c, p->commune, NULL, LIEUX_CHOICES_MAX, r);
        size_t exact = 0, k = 0;
        for (size_t i = 0; i < n; i++)
            exact += r[i].rank == 0;
        for (size_t i = 0; i < n; i++)
            if ((exact == 0 || r[i].rank == 0) && r[i].commune->has_centre)
                p->choices[k++] = r[i];
        /* A match through a typo is proposed, never taken silently. */
        if (k == 1 && p->choices[0].rank < 4) {
            found(p, req->arena, p->choices[0].commune, p->choices[0].code_postal);
            return 0;
        }
        if (k >= 1) {
            p->place = LIEUX_PLACE_CHOICE;
            p->n_choices = k;
            return 0;
        }
    }
    p->place = LIEUX_PLACE_UNKNOWN;
    p->n_choices = communes_suggest(c, p->commune, NULL, LIEUX_CHOICES_MAX, p->choices);
    return 0;
}

static int read_dimensions(struct http_request *req, struct lieux_params *p)
{
    const char *values[SEARCH_MAX_VALUES + 1];
    for (int d = 0; d < SEARCH_N_DIMS; d++) {
        const char *name = lieux_dim_name((enum search_dim)d);
        size_t n = http_param_all(&req->query, name, values, SEARCH_MAX_VALUES + 1);
        if (n > SEARCH_MAX_VALUES)
            return fail(req, name,
                        arena_printf(req->arena, "%s : trop de valeurs choisies.", name));
        for (size_t i = 0; i < n; i++) {
            if (!*values[i])
                continue;
            int v = lieu_value_index(search_dim_field((enum search_dim)d), values[i],
                                     strlen(values[i]));
            if (v < 0)
                return fail(req, name,
                            arena_printf(req->arena,
                                         "%s : « %.80s » n'est pas une valeur du standard.", name,
                                         values[i]));
            lieux_query_select(&p->q, (enum search_dim)d, (unsigned)v);
            p->selected[d][p->n_selected[d]++] = values[i];
            p->any = true;
        }
    }
    return 0;
}

/* The next date (today included) that falls on weekday wday, at midnight, Paris time. */
static void next_weekday(int wday, struct tm *out)
{
    time_t now = time(NULL);
    struct tm today;
    lieux_paris_time(now, &today);
    int ahead = (wday - today.tm_wday + 7) % 7;
    lieux_paris_time(now + (time_t)ahead * 86400, out);
    out->tm_hour = out->tm_min = out->tm_sec = 0;
}

static int read_when(struct http_request *req, struct lieux_params *p)
{
    const char *ouvert = param(req, "ouvert_actuellement");
    if (ouvert && strcmp(ouvert, "1") != 0 && strcmp(ouvert, "0") != 0)
        return fail(req, "ouvert_actuellement", "ouvert_actuellement : 1 ou 0.");
    if (!p->quand && ouvert && strcmp(ouvert, "1") == 0)
        p->quand = "maintenant";
    /* Without an opening filter, the moment is still now: it gives every result its open status
     * and the count of the "open now" choice. */
    lieux_paris_time(time(NULL), &p->q.at);
    if (!p->quand)
        return 0;
    if (strcmp(p->quand, "maintenant") == 0) {
        p->q.open = SEARCH_OPEN_AT;
        p->any = true;
        return 0;
    }
    if (strcmp(p->quand, "creneau") != 0)
        return fail(req, "quand", "quand : choisissez « maintenant » ou « creneau ».");
    int wday = -1;
    for (int i = 0; p->jour && i < 7; i++)
        if (strcmp(p->jour, weekdays[i]) == 0)
            wday = i;
    if (wday < 0)
        return fail(req, "jour", "Jour : choisissez un jour de la semaine, du lundi au dimanche.");
    int from = p->de ? read_clock(p->de) : 0;
    int to = p->a ? read_clock(p->a) : 24 * 60;
    if (from < 0 || from >= 24 * 60)
        return fail(req, "de", "De : écrivez une heure comme 9:00 ou 14:30.");
    if (to < 0)
        return fail(req, "a", "À : écrivez une heure comme 12:00 ou 17:30.");
    if (to <= from)
        return fail(req, "a", "À : l'heure de fin doit venir après l'heure de début.");
    p->q.open = SEARCH_OPEN_WINDOW;
    next_weekday(wday, &p->q.at);
    p->q.window_from = from;
    p->q.window_to = to;
    p->any = true;
    return 0;
}

static int read_center(struct http_request *req, struct lieux_params *p)
{
    if (!p->latitude && !p->longitude)
        return 0;
    double lat, lon;
    if (!p->latitude || !lieu_parse_number(p->latitude, strlen(p->latitude), &lat) || lat < -90 ||
        lat > 90)
        return fail(req, "latitude", "latitude : un nombre entre -90 et 90, avec un point.");
    if (!p->longitude || !lieu_parse_number(p->longitude, strlen(p->longitude), &lon) ||
        lon < -180 || lon > 180)
        return fail(req, "longitude", "longitude : un nombre entre -180 et 180, avec un point.");
    p->place = LIEUX_PLACE_FOUND;
    p->where_label = arena_printf(req->arena, "%s, %s", p->latitude, p->longitude);
    p->q.has_center = true;
    p->q.center = (struct geo_point){lat, lon};
    p->q.density = GEO_INTERMEDIATE;
    p->any = true;
    return 0;
}

int lieux_params_read(struct http_request *req, struct lieux_params *p)
{
    memset(p, 0, sizeof(*p));
    p->commune = param(req, "commune");
    p->code_insee = param(req, "code_insee");
    p->latitude = param(req, "latitude");
    p->longitude = param(req, "longitude");
    p->rayon = param(req, "rayon");
    p->duree = param(req, "duree");
    p->quand = param(req, "quand");
    p->jour = param(req, "jour");
    p->de = param(req, "de");
    p->a = param(req, "a");
    p->departement = param(req, "departement");
    p->any = p->commune || p->code_insee || p->departement;
    if (p->commune && strlen(p->commune) > LIMIT_QUERY_CHARS)
        return fail(req, "commune", "Commune : 500 caractères au plus.");

    int64_t rayon = LIEUX_RADIUS_DEFAULT;
    if (p->rayon &&
        (cstr_to_int64(p->rayon, &rayon) || rayon < LIEUX_RADIUS_MIN || rayon > LIEUX_RADIUS_MAX))
        return fail(req, "rayon", "Rayon : un nombre entier de kilomètres, de 5 à 100.");
    p->q.radius_km = (double)rayon;
    if (p->duree) {
        int64_t minutes;
        if (cstr_to_int64(p->duree, &minutes) || (minutes != 15 && minutes != 30 && minutes != 45))
            return fail(req, "duree", "Durée : 15, 30 ou 45 minutes.");
        /* A time limit replaces the radius: the widest one, then the estimate decides. */
        p->q.max_minutes = (double)minutes;
        p->q.radius_km = LIEUX_RADIUS_MAX;
    }
    const char *rdv = param(req, "prise_rdv");
    if (rdv && strcmp(rdv, "1") != 0 && strcmp(rdv, "0") != 0)
        return fail(req, "prise_rdv",
                    "prise_rdv : 1 pour les lieux qui prennent rendez-vous en "
                    "ligne, ou 0.");
    p->prise_rdv = rdv && strcmp(rdv, "1") == 0;
    p->q.online_booking = p->prise_rdv;
    p->any = p->any || p->prise_rdv;
    if (p->departement) {
        if (!departement_valid(p->departement))
            return fail(req, "departement",
                        "departement : un code existant (01 à 95, 2A, 2B, 971 à 976).");
        p->q.departement = p->departement;
    }
    int rc;
    if ((rc = read_dimensions(req, p)) || (rc = read_when(req, p)) || (rc = read_center(req, p)))
        return rc;
    if (p->place == LIEUX_PLACE_NONE && (rc = resolve_place(req, p)))
        return rc;
    if (!p->q.has_center)
        p->q.radius_km = p->q.max_minutes = 0;
    return 0;
}

static void add_pair(struct buf *b, struct arena *a, const char *name, const char *value)
{
    if (!value)
        return;
    if (b->len)
        buf_addch(b, '&');
    buf_adds(b, name);
    buf_addch(b, '=');
    buf_adds(b, url_encode(a, value));
}

const char *lieux_params_query(struct arena *a, const struct lieux_params *p, bool with_place)
{
    struct buf b;
    buf_init(&b, a, LIMIT_URL_BYTES * 4);
    if (with_place) {
        add_pair(&b, a, "commune", p->commune);
        if (p->place == LIEUX_PLACE_FOUND && p->where)
            add_pair(&b, a, "code_insee", p->where->code_insee);
        add_pair(&b, a, "latitude", p->latitude);
        add_pair(&b, a, "longitude", p->longitude);
    }
    add_pair(&b, a, "rayon", p->rayon);
    add_pair(&b, a, "duree", p->duree);
    for (int d = 0; d < SEARCH_N_DIMS; d++)
        for (size_t i = 0; i < p->n_selected[d]; i++)
            add_pair(&b, a, lieux_dim_name((enum search_dim)d), p->selected[d][i]);
    if (p->prise_rdv)
        add_pair(&b, a, "prise_rdv", "1");
    add_pair(&b, a, "quand", p->quand);
    if (p->quand && strcmp(p->quand, "creneau") == 0) {
        add_pair(&b, a, "jour", p->jour);
        add_pair(&b, a, "de", p->de);
        add_pair(&b, a, "a", p->a);
    }
    add_pair(&b, a, "departement", p->departement);
    return buf_cstr(&b);
}
