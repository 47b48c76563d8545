/*
 * horaires: parser, evaluator and renderings of OSM opening_hours values (see horaires.h).
 *
 * The parsed form keeps what the text said (ranges as written, so that normalisation gives the
 * text back) and precomputed masks for evaluation. Evaluation follows opening_hours.js: for one
 * day, the rules whose date selectors match are taken in order; a matching normal rule that opens
 * (or is unknown) and has date selectors drops the rules before it for that day; `off` rules,
 * additional (`,`) and fallback (`||`) rules never drop anything; the part of a time range after
 * midnight is an extra rule evaluated with the previous day's date. The rules then paint the
 * minutes of the day in order (a fallback rule only paints where the day is still closed).
 */
#include "lieux/horaires.h"
#include "core/alloc.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/str.h"

#include <stdint.h>
#include <string.h>

#define MINUTES_PER_DAY 1440
#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

enum sep { SEP_NORMAL, SEP_ADDITIONAL, SEP_FALLBACK };
enum modifier { MOD_NONE, MOD_OPEN, MOD_CLOSED, MOD_OFF, MOD_UNKNOWN };
enum day_kind { DAY_RANGE, DAY_PH };

/* A time range as written: from-end, or from+ (lone open end), or from-end+ (range then open
 * end). `to` is the effective end: past 1440 when the range runs past midnight. */
struct span {
    uint16_t from, end, to;
    bool plus, lone;
};

/* Weeks and years: from-to/step. */
struct numrange {
    uint16_t from, to, step;
};

/* A month range (d1 == 0: whole months) or a date range; `short_form` prints only the day, after
 * a previous item of the same month (Dec 24,26). */
struct mdrange {
    uint8_t m1, d1, m2, d2;
    bool short_form;
};

/* A weekday item: from-to (0 = Monday; to < from wraps over the week end) with nth constraints
 * (bit n-1 for the nth weekday of the month, bit 4+n for -n, 0 = every), or PH. */
struct dayitem {
    uint8_t kind, from, to;
    uint16_t nth;
};

struct rule {
    uint8_t sep, modifier, state;
    bool always, colon, ph_and, ph_and_first;
    uint8_t n_years, n_dates, n_weeks, n_days, n_spans;
    struct numrange *years, *weeks;
    struct mdrange *dates;
    struct dayitem *days;
    struct span *spans;
    const char *comment; /* arena, NUL-terminated, or NULL */
    /* Precomputed for evaluation. */
    uint16_t nth[7]; /* 0 = weekday not selected; NTH_ALL = every one */
    bool ph_or, has_date, wraps;
};

#define NTH_ALL 0x3FF

struct horaires {
    struct rule *rules;
    size_t n_rules;
    enum horaires_calendar calendar;
};

static const char *const DAY_OSM[7] = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};
static const char *const MONTH_OSM[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
static const char *const DAY_FR[7] = {"lundi",    "mardi",  "mercredi", "jeudi",
                                      "vendredi", "samedi", "dimanche"};
static const char *const MONTH_FR[12] = {"janvier",   "février", "mars",     "avril",
                                         "mai",       "juin",    "juillet",  "août",
                                         "septembre", "octobre", "novembre", "décembre"};

/* ---- Calendar ------------------------------------------------------------------------------ */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm): exact for any
 * year, no time zone, no table. */
int64_t horaires_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int days_in_month(int y, int m)
{
    static const int n[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : n[m - 1];
}

/* 0 = Monday. */
static int weekday_of_days(int64_t z) { return (int)(((z % 7) + 7 + 3) % 7); }

/* ISO 8601 week number: week 1 holds the year's first Thursday. */
static int iso_week(int64_t z)
{
    int wd = weekday_of_days(z);
    int64_t thursday = z - wd + 3;
    int y, m, d;
    civil_from_days(thursday, &y, &m, &d);
    return (int)((thursday - horaires_days_from_civil(y, 1, 1)) / 7 + 1);
}

/* Easter Sunday, anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
static void easter(int y, int *month, int *day)
{
    int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
    int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    *month = (h + l - 7 * m + 114) / 31;
    *day = (h + l - 7 * m + 114) % 31 + 1;
}

bool horaires_is_holiday(enum horaires_calendar cal, int year, int month, int day,
                         const char **name)
{
    static const struct {
        int m, d;
        const char *name;
    } fixed[] = {{1, 1, "jour de l'An"},     {5, 1, "fête du Travail"}, {5, 8, "Victoire 1945"},
                 {7, 14, "fête nationale"},  {8, 15, "Assomption"},     {11, 1, "Toussaint"},
                 {11, 11, "Armistice 1918"}, {12, 25, "Noël"}};
    const char *found = NULL;
    for (size_t i = 0; i < N_ELEMS(fixed) && !found; i++)
        if (fixed[i].m == month && fixed[i].d == day)
            found = fixed[i].name;
    if (!found && cal == HORAIRES_CAL_ALSACE_MOSELLE && month == 12 && day == 26)
        found = "Saint-Étienne";
    if (!found && month >= 3 && month <= 6) {
        int em, ed;
        easter(year, &em, &ed);
        int64_t offset = horaires_days_from_civil(year, month, day) - horaires_days_from_civil(year, em, ed);
        if (offset == 1)
            found = "lundi de Pâques";
        else if (offset == 39)
            found = "Ascension";
        else if (offset == 50)
            found = "lundi de Pentecôte";
        else if (offset == -2 && cal == HORAIRES_CAL_ALSACE_MOSELLE)
            found = "Vendredi saint";
    }
    if (found && name)
        *name = found;
    return found != NULL;
}

void horaires_set_calendar(struct horaires *h, enum horaires_calendar cal) { h->calendar = cal; }

enum horaires_calendar horaires_calendar_for_departement(const char *code)
{
    if (code && (strcmp(code, "57") == 0 || strcmp(code, "67") == 0 || strcmp(code, "68") == 0))
        return HORAIRES_CAL_ALSACE_MOSELLE;
    return HORAIRES_CAL_FRANCE;
}

/* ---- Parser -------------------------------------------------------------------------------- */

struct parser {
    struct arena *a;
    const char *s;
    size_t len, p;
    int rc; /* 0 or the first error */
    size_t err_pos;
    const char *err_msg;
};

static bool at_end(const struct parser *ps) { return ps->p >= ps->len; }
static char cur(const struct parser *ps) { return ps->p < ps->len ? ps->s[ps->p] : '\0'; }
static char ahead(const struct parser *ps, size_t k)
{
    return ps->p + k < ps->len ? ps->s[ps->p + k] : '\0';
}
static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

/* Records the first error only: later steps see ps->rc and stop. */
static void fail_at(struct parser *ps, size_t pos, int rc, const char *msg)
{
    if (ps->rc)
        return;
    ps->rc = rc;
    ps->err_pos = pos;
    ps->err_msg = msg;
}

static void fail(struct parser *ps, const char *msg) { fail_at(ps, ps->p, ERR_INVALID, msg); }

static void skip_ws(struct parser *ps)
{
    while (!at_end(ps) && (cur(ps) == ' ' || cur(ps) == '\t'))
        ps->p++;
}

/* The ASCII letters of a word at p (not consumed). */
static struct str word_at(const struct parser *ps)
{
    size_t q = ps->p;
    while (q < ps->len && is_alpha(ps->s[q]))
        q++;
    return (struct str){ps->s + ps->p, q - ps->p};
}

static int index_of(struct str w, const char *const *names, int n)
{
    for (int i = 0; i < n; i++)
        if (str_eq_cstr(w, names[i]))
            return i;
    return -1;
}

/* An unsigned decimal of at most max_digits digits; -1 when there is none. */
static int read_uint(struct parser *ps, int max_digits, int *ndigits)
{
    int v = 0, n = 0;
    while (!at_end(ps) && is_digit(cur(ps)) && n < max_digits + 1) {
        v = v * 10 + (cur(ps) - '0');
        ps->p++;
        n++;
    }
    if (ndigits)
        *ndigits = n;
    return n ? v : -1;
}

/* Words of other languages and common mistakes, for a precise message. */
static const char *message_for_word(struct str w)
{
    static const char *const fr_days[] = {
        "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "lu",  "ma", "me",
        "je",    "ve",    "di",       "lun",   "mer",      "jeu",    "ven",      "sam", "dim"};
    for (size_t i = 0; i < N_ELEMS(fr_days); i++)
        if (str_case_eq_cstr(w, fr_days[i]))
            return "jour en français : utilisez les abréviations anglaises Mo, Tu, We, Th, Fr, "
                   "Sa, Su (par exemple Mo-Fr pour « du lundi au vendredi »)";
    static const char *const en_days[] = {"mo", "tu", "we", "th", "fr", "sa", "su", "ph"};
    for (size_t i = 0; i < N_ELEMS(en_days); i++)
        if (str_case_eq_cstr(w, en_days[i]))
            return "jour mal écrit : les abréviations s'écrivent Mo, Tu, We, Th, Fr, Sa, Su, PH "
                   "(une majuscule puis une minuscule)";
    if (str_case_eq_cstr(w, "du") || str_case_eq_cstr(w, "de") || str_case_eq_cstr(w, "le"))
        return "phrase en français : « du lundi au vendredi de 9 h à 12 h » s'écrit Mo-Fr "
               "09:00-12:00";
    if (str_case_eq_cstr(w, "h"))
        return "« h » n'est pas accepté dans une heure : écrivez 09:30 et non 9h30";
    if (str_case_eq_cstr(w, "ferme") || str_case_eq_cstr(w, "closed") || str_case_eq_cstr(w, "off"))
        return "mot réservé mal écrit : utilisez off (ou closed) en minuscules";
    return "mot inconnu : les jours s'écrivent Mo, Tu, We, Th, Fr, Sa, Su et PH (jours fériés), "
           "les mois Jan … Dec, les commentaires entre guillemets droits";
}

static void add_daymask(struct rule *r, int from, int to, uint16_t nth)
{
    for (int d = from;; d = (d + 1) % 7) {
        r->nth[d] |= nth ? nth : NTH_ALL;
        if (d == to)
            break;
    }
}

/* Mo[1,-1] after the weekday: the bits of struct dayitem.nth. */
static uint16_t parse_nth(struct parser *ps)
{
    uint16_t mask = 0;
    ps->p++; /* '[' */
    for (;;) {
        bool neg = cur(ps) == '-';
        if (neg)
            ps->p++;
        size_t start = ps->p;
        int a = read_uint(ps, 1, NULL), b = a;
        if (!neg && cur(ps) == '-' && is_digit(ahead(ps, 1))) {
            ps->p++;
            b = read_uint(ps, 1, NULL);
        }
        if (a < 1 || a > 5 || b < a || b > 5) {
            fail_at(ps, start, ERR_INVALID,
                    "rang du jour dans le mois attendu entre 1 et 5 ou -1 et -5, par exemple Sa[1] "
                    "ou Su[-1]");
            return 0;
        }
        for (int n = a; n <= b; n++)
            mask |= (uint16_t)(neg ? 1u << (4 + n) : 1u << (n - 1));
        if (cur(ps) == ',') {
            ps->p++;
            continue;
        }
        if (cur(ps) != ']') {
            fail(ps, "« ] » attendu pour fermer le rang du jour, par exemple We[1,3]");
            return 0;
        }
        ps->p++;
        return mask;
    }
}

/* A list of weekdays and PH separated by commas (Mo-We,Fr,PH). Stops before a comma that does
 * not continue the list: it separates an additional rule. */
static void parse_days(struct parser *ps, struct rule *r, struct dayitem *items, size_t *n,
                       bool *is_lone_ph)
{
    size_t n0 = *n;
    bool had_comma = false;
    for (;;) {
        struct str w = word_at(ps);
        size_t start = ps->p;
        if (*n >= LIMIT_HORAIRES_RANGES) {
            fail(ps, "trop de jours dans une règle");
            return;
        }
        if (str_eq_cstr(w, "PH")) {
            ps->p += 2;
            size_t q = ps->p;
            skip_ws(ps);
            if ((cur(ps) == '+' || cur(ps) == '-') && is_digit(ahead(ps, 1))) {
                fail_at(ps, q, ERR_UNSUPPORTED,
                        "les décalages de jours fériés (PH +1 day) ne sont pas pris en charge");
                return;
            }
            ps->p = q;
            items[(*n)++] = (struct dayitem){DAY_PH, 0, 0, 0};
            r->ph_or = true;
        } else if (str_eq_cstr(w, "SH")) {
            fail_at(ps, start, ERR_UNSUPPORTED,
                    "les vacances scolaires (SH) ne sont pas prises en charge : indiquez les "
                    "dates, par exemple Jul 08-Aug 31 off");
            return;
        } else {
            int from = index_of(w, DAY_OSM, 7);
            if (from < 0) {
                fail(ps, message_for_word(w));
                return;
            }
            ps->p += 2;
            int to = from;
            uint16_t nth = 0;
            if (cur(ps) == '-' && is_alpha(ahead(ps, 1))) {
                ps->p++;
                struct str w2 = word_at(ps);
                to = index_of(w2, DAY_OSM, 7);
                if (to < 0) {
                    fail(ps, message_for_word(w2));
                    return;
                }
                ps->p += 2;
            } else if (cur(ps) == '[') {
                nth = parse_nth(ps);
                if (ps->rc)
                    return;
            }
            if (is_alpha(cur(ps))) {
                fail(ps, "caractère inattendu après le jour");
                return;
            }
            items[(*n)++] = (struct dayitem){DAY_RANGE, (uint8_t)from, (uint8_t)to, nth};
            add_daymask(r, from, to, nth);
        }
        /* A comma continues the list only when a day or PH follows. */
        size_t q = ps->p;
        skip_ws(ps);
        if (cur(ps) == ',') {
            ps->p++;
            skip_ws(ps);
            struct str next = word_at(ps);
            if (index_of(next, DAY_OSM, 7) >= 0 || str_eq_cstr(next, "PH") ||
                str_eq_cstr(next, "SH")) {
                had_comma = true;
                continue;
            }
        }
        ps->p = q;
        break;
    }
    *is_lone_ph = !had_comma && *n == n0 + 1 && items[n0].kind == DAY_PH;
}

/* hh:mm with two-digit hours; max_hour is 24 for a start, 48 for an end. Returns minutes or -1
 * after recording an error that names the mistake. */
static int parse_time(struct parser *ps, int max_hour)
{
    size_t start = ps->p;
    int nd;
    int h = read_uint(ps, 2, &nd);
    if (h < 0) {
        fail(ps, "heure attendue, au format hh:mm (par exemple 09:00)");
        return -1;
    }
    if (nd > 2) {
        fail_at(ps, start, ERR_INVALID, "heure attendue au format hh:mm (par exemple 09:00)");
        return -1;
    }
    size_t after_hour = ps->p;
    skip_ws(ps);
    if (cur(ps) == 'h' || cur(ps) == 'H') {
        fail_at(ps, after_hour, ERR_INVALID,
                "« h » n'est pas accepté dans une heure : écrivez 09:30 et non 9h30");
        return -1;
    }
    ps->p = after_hour;
    if (cur(ps) != ':') {
        fail_at(ps, after_hour, ERR_INVALID,
                "minutes manquantes : écrivez l'heure au format hh:mm (par exemple 09:00 et non "
                "9)");
        return -1;
    }
    if (nd == 1) {
        fail_at(ps, start, ERR_INVALID, "l'heure s'écrit avec deux chiffres : 09:00 et non 9:00");
        return -1;
    }
    ps->p++;
    size_t mpos = ps->p;
    int m = read_uint(ps, 2, &nd);
    if (m < 0 || nd != 2) {
        fail_at(ps, mpos, ERR_INVALID, "minutes attendues sur deux chiffres (par exemple 09:00)");
        return -1;
    }
    if (m > 59) {
        fail_at(ps, mpos, ERR_INVALID, "les minutes vont de 00 à 59");
        return -1;
    }
    if (h > max_hour || h * 60 + m > max_hour * 60 ||
        (max_hour == 24 && h * 60 + m >= MINUTES_PER_DAY)) {
        fail_at(ps, start, ERR_INVALID,
                max_hour == 24 ? "une plage horaire commence avant 24:00"
                               : "une plage horaire ne dépasse pas le lendemain 24:00 (48:00)");
        return -1;
    }
    return h * 60 + m;
}

static bool is_dash_at(const struct parser *ps, size_t *dash_len)
{
    if (cur(ps) == '-') {
        *dash_len = 1;
        return true;
    }
    /* U+2013 en dash, U+2014 em dash, U+2212 minus: the typographer's dash, not the syntax's. */
    if ((unsigned char)cur(ps) == 0xE2 && ps->p + 2 < ps->len) {
        unsigned char b1 = (unsigned char)ahead(ps, 1), b2 = (unsigned char)ahead(ps, 2);
        if ((b1 == 0x80 && (b2 == 0x93 || b2 == 0x94)) || (b1 == 0x88 && b2 == 0x92)) {
            *dash_len = 3;
            return false;
        }
    }
    *dash_len = 0;
    return false;
}

static void parse_times(struct parser *ps, struct span *spans, size_t *n)
{
    for (;;) {
        if (*n >= LIMIT_HORAIRES_RANGES) {
            fail(ps, "trop de plages horaires dans une règle");
            return;
        }
        size_t start = ps->p;
        int from = parse_time(ps, 24);
        if (from < 0)
            return;
        struct span sp = {(uint16_t)from, (uint16_t)from, (uint16_t)from, false, false};
        size_t dl;
        skip_ws(ps);
        if (is_dash_at(ps, &dl)) {
            ps->p++;
            skip_ws(ps);
            if (cur(ps) == 's' || cur(ps) == 'd' || cur(ps) == '(') {
                fail_at(ps, ps->p, ERR_UNSUPPORTED,
                        "les heures solaires (sunrise, sunset, dawn, dusk) ne sont pas prises en "
                        "charge");
                return;
            }
            int end = parse_time(ps, 48);
            if (end < 0)
                return;
            sp.end = (uint16_t)end;
            sp.to = (uint16_t)(end <= from ? end + MINUTES_PER_DAY : end);
            if (sp.to > 2 * MINUTES_PER_DAY) {
                fail_at(ps, start, ERR_INVALID,
                        "une plage horaire ne dépasse pas le lendemain 24:00 (48:00)");
                return;
            }
            size_t q = ps->p;
            skip_ws(ps);
            if (is_dash_at(ps, &dl) || dl) {
                fail(ps, "plages horaires enchaînées : séparez les plages par une virgule, par "
                         "exemple 08:30-12:00,13:30-17:00");
                return;
            }
            ps->p = q;
            if (cur(ps) == '+') {
                ps->p++;
                sp.plus = true;
                if (sp.to >= MINUTES_PER_DAY) {
                    fail_at(
                        ps, start, ERR_UNSUPPORTED,
                        "une fin ouverte après minuit (22:00-02:00+) n'est pas prise en charge");
                    return;
                }
            } else if (cur(ps) == '/') {
                fail(ps, "les périodes répétées (/01:00) ne s'appliquent pas à des horaires "
                         "d'ouverture");
                return;
            }
        } else if (dl) {
            fail(ps, "tiret long « – » : séparez les heures par un tiret simple « - »");
            return;
        } else if (cur(ps) == '+') {
            ps->p++;
            sp.plus = sp.lone = true;
        } else if ((unsigned char)cur(ps) == 0xC3 || cur(ps) == 'a') {
            fail(ps, "« à » entre deux heures : écrivez la plage avec un tiret, 09:00-12:00");
            return;
        } else {
            fail_at(ps, start, ERR_INVALID,
                    "heure isolée : indiquez une plage (09:00-12:00), ou 09:00+ si l'heure de "
                    "fermeture n'est pas connue");
            return;
        }
        spans[(*n)++] = sp;
        size_t q = ps->p;
        skip_ws(ps);
        if (cur(ps) == ',') {
            ps->p++;
            skip_ws(ps);
            if (is_digit(cur(ps)))
                continue;
        }
        ps->p = q;
        return;
    }
}

/* week 01-53/2,05: numbers within [lo, hi]. */
static void parse_numranges(struct parser *ps, struct numrange *out, size_t *n, int lo, int hi,
                            int digits, const char *what)
{
    for (;;) {
        if (*n >= LIMIT_HORAIRES_RANGES) {
            fail(ps, "trop de plages dans un sélecteur");
            return;
        }
        size_t start = ps->p;
        int nd;
        int a = read_uint(ps, digits, &nd), b = a, step = 1;
        if (a < lo || a > hi || nd > digits) {
            fail_at(ps, start, ERR_INVALID, what);
            return;
        }
        if (cur(ps) == '-' && is_digit(ahead(ps, 1))) {
            ps->p++;
            b = read_uint(ps, digits, &nd);
            if (b < a || b > hi || nd > digits) {
                fail_at(ps, start, ERR_INVALID, what);
                return;
            }
            if (cur(ps) == '/') {
                ps->p++;
                step = read_uint(ps, 2, &nd);
                if (step < 1 || nd > 2) {
                    fail(ps, "pas attendu après « / », par exemple week 01-53/2");
                    return;
                }
            }
        }
        if (a == b)
            step = 1; /* week 05-05/2 is week 05 */
        out[(*n)++] = (struct numrange){(uint16_t)a, (uint16_t)b, (uint16_t)step};
        if (cur(ps) == ',' && is_digit(ahead(ps, 1))) {
            ps->p++;
            continue;
        }
        return;
    }
}

static int parse_month_word(struct parser *ps)
{
    int m = index_of(word_at(ps), MONTH_OSM, 12);
    if (m >= 0)
        ps->p += 3;
    return m + 1;
}

/* A day of month after a month name, when one follows (not an hour: 10:00). */
static int maybe_day(struct parser *ps, int month)
{
    size_t q = ps->p;
    skip_ws(ps);
    if (!is_digit(cur(ps))) {
        ps->p = q;
        return 0;
    }
    size_t d0 = ps->p;
    int nd;
    int d = read_uint(ps, 2, &nd);
    if ((cur(ps) == ':' && is_digit(ahead(ps, 1))) || nd > 2) { /* Jan 10:00, not Jan 02: */
        ps->p = q;
        return 0;
    }
    if (d < 1 || d > days_in_month(2000, month)) {
        fail_at(ps, d0, ERR_INVALID, "jour du mois impossible");
        return -1;
    }
    return d;
}

/* Jan-Jun, Dec 24-26, Dec 24-Jan 02, Jul 14, Dec 24,26 (comma lists). */
static void parse_dates(struct parser *ps, struct mdrange *out, size_t *n)
{
    int last_month = 0;
    for (;;) {
        if (*n >= LIMIT_HORAIRES_RANGES) {
            fail(ps, "trop de dates dans une règle");
            return;
        }
        struct mdrange r = {0};
        if (is_digit(cur(ps))) {
            /* Dec 24,26: a day of the previous item's month. */
            size_t d0 = ps->p;
            int d = read_uint(ps, 2, NULL);
            if (d < 1 || d > days_in_month(2000, last_month)) {
                fail_at(ps, d0, ERR_INVALID, "jour du mois impossible");
                return;
            }
            r = (struct mdrange){(uint8_t)last_month, (uint8_t)d, (uint8_t)last_month, (uint8_t)d,
                                 true};
            if (cur(ps) == '-' && is_digit(ahead(ps, 1))) {
                ps->p++;
                int d2 = read_uint(ps, 2, NULL);
                if (d2 < d || d2 > days_in_month(2000, last_month)) {
                    fail_at(ps, d0, ERR_INVALID, "jour du mois impossible");
                    return;
                }
                r.d2 = (uint8_t)d2;
            }
        } else {
            size_t m0 = ps->p;
            int m1 = parse_month_word(ps);
            if (m1 <= 0) {
                fail(ps, "mois attendu (Jan, Feb, … Dec)");
                return;
            }
            int d1 = maybe_day(ps, m1);
            if (d1 < 0)
                return;
            r.m1 = r.m2 = (uint8_t)m1;
            r.d1 = r.d2 = (uint8_t)d1;
            if (cur(ps) == '-') {
                ps->p++;
                if (is_digit(cur(ps)) && d1) {
                    size_t d0 = ps->p;
                    int d2 = read_uint(ps, 2, NULL);
                    if (d2 < 1 || d2 > days_in_month(2000, m1)) {
                        fail_at(ps, d0, ERR_INVALID, "jour du mois impossible");
                        return;
                    }
                    r.d2 = (uint8_t)d2;
                    if (d2 < d1) {
                        fail_at(ps, m0, ERR_INVALID,
                                "plage de dates inversée : écrivez Dec 24-Jan 02 pour passer "
                                "d'un mois à l'autre");
                        return;
                    }
                } else {
                    int m2 = parse_month_word(ps);
                    if (m2 <= 0) {
                        fail(ps, "mois attendu après « - » (Jan, Feb, … Dec)");
                        return;
                    }
                    int d2 = maybe_day(ps, m2);
                    if (d2 < 0)
                        return;
                    if ((d1 == 0) != (d2 == 0)) {
                        fail_at(ps, m0, ERR_INVALID,
                                "une plage de dates a un jour aux deux bouts (Jan 01-Feb 15) ou à "
                                "aucun (Jan-Feb)");
                        return;
                    }
                    r.m2 = (uint8_t)m2;
                    r.d2 = (uint8_t)d2;
                }
            }
            last_month = r.m2;
        }
        out[(*n)++] = r;
        if (cur(ps) == ',' && (is_digit(ahead(ps, 1)) || is_alpha(ahead(ps, 1)))) {
            size_t q = ps->p;
            ps->p++;
            if (is_digit(cur(ps)) && last_month && out[*n - 1].d1)
                continue;
            if (index_of(word_at(ps), MONTH_OSM, 12) >= 0)
                continue;
            ps->p = q;
        }
        return;
    }
}

static void *dup_items(struct arena *a, const void *items, size_t n, size_t size)
{
    if (!n)
        return NULL;
    void *p = arena_alloc(a, n * size);
    memcpy(p, items, n * size);
    return p;
}

static bool is_solar(struct str w)
{
    return str_eq_cstr(w, "sunrise") || str_eq_cstr(w, "sunset") || str_eq_cstr(w, "dawn") ||
           str_eq_cstr(w, "dusk");
}

/* One rule: selectors, then an optional modifier and comment. */
static void parse_rule(struct parser *ps, struct rule *r)
{
    struct numrange years[LIMIT_HORAIRES_RANGES], weeks[LIMIT_HORAIRES_RANGES];
    struct mdrange dates[LIMIT_HORAIRES_RANGES];
    struct dayitem days[LIMIT_HORAIRES_RANGES];
    struct span spans[LIMIT_HORAIRES_RANGES];
    size_t ny = 0, nw = 0, nd = 0, ndays = 0, ns = 0;
    bool any = false, have_days = false, have_ph_and = false, have_times = false;

    r->state = HORAIRES_OPEN;
    skip_ws(ps);
    if (ps->len - ps->p >= 4 && memcmp(ps->s + ps->p, "24/7", 4) == 0) {
        ps->p += 4;
        r->always = any = true;
    }
    while (!ps->rc && !r->always) {
        skip_ws(ps);
        char c = cur(ps);
        size_t start = ps->p;
        if (at_end(ps) || c == ';' || c == ',' || c == '|' || c == '"')
            break;
        struct str w = word_at(ps);
        if (is_digit(c)) {
            size_t q = ps->p;
            int ndig;
            read_uint(ps, 4, &ndig);
            bool year = ndig == 4 && !(cur(ps) == ':' && is_digit(ahead(ps, 1)));
            ps->p = q;
            if (year) {
                if (ny || nd || nw || have_days || have_times) {
                    fail(ps, "l'année se place en tête de la règle");
                    break;
                }
                parse_numranges(ps, years, &ny, 1900, 9999, 4,
                                "année attendue entre 1900 et 9999, par exemple 2025 ou "
                                "2025-2027");
            } else {
                if (have_times) {
                    fail(ps, "plages horaires en double dans une règle : séparez-les par une "
                             "virgule");
                    break;
                }
                parse_times(ps, spans, &ns);
                have_times = true;
            }
        } else if (index_of(w, DAY_OSM, 7) >= 0 || str_eq_cstr(w, "PH") || str_eq_cstr(w, "SH")) {
            if (have_times) {
                fail(ps, "les jours se placent avant les heures (Mo-Fr 09:00-12:00) ; pour une "
                         "autre règle, séparez par « ; »");
                break;
            }
            size_t n0 = ndays;
            bool lone_ph = false;
            parse_days(ps, r, days, &ndays, &lone_ph);
            if (ps->rc)
                break;
            if (lone_ph && !have_ph_and) {
                /* PH apart from the weekdays (PH Mo-Fr, Mo-Fr PH): both must hold. */
                ndays = n0;
                r->ph_or = false;
                for (size_t i = 0; i < ndays; i++)
                    if (days[i].kind == DAY_PH)
                        r->ph_or = true;
                have_ph_and = r->ph_and = true;
                r->ph_and_first = !have_days;
            } else {
                if (have_days) {
                    fail_at(ps, start, ERR_INVALID,
                            "jours en double dans une règle : séparez-les par une virgule "
                            "(Mo,We) ou écrivez une autre règle après « ; »");
                    break;
                }
                have_days = true;
            }
        } else if (index_of(w, MONTH_OSM, 12) >= 0) {
            if (nd || nw || have_days || have_times || have_ph_and) {
                fail(ps, "les mois et les dates se placent en tête de la règle");
                break;
            }
            parse_dates(ps, dates, &nd);
        } else if (str_eq_cstr(w, "week")) {
            if (nw || have_days || have_times || have_ph_and) {
                fail(ps, "les semaines se placent avant les jours et les heures");
                break;
            }
            ps->p += 4;
            skip_ws(ps);
            parse_numranges(ps, weeks, &nw, 1, 53, 2,
                            "numéro de semaine attendu entre 01 et 53, par exemple week 01-53/2");
        } else if (c == ':' && (ny || nd || nw) && !have_days && !have_times && !r->colon) {
            ps->p++;
            r->colon = true;
        } else if (str_eq_cstr(w, "open") || str_eq_cstr(w, "closed") || str_eq_cstr(w, "off") ||
                   str_eq_cstr(w, "unknown")) {
            break;
        } else if (str_eq_cstr(w, "easter")) {
            fail_at(ps, start, ERR_UNSUPPORTED,
                    "les dates relatives à Pâques (easter) ne sont pas prises en charge");
        } else if (is_solar(w) || (c == '(' && is_solar(word_at(&(struct parser){
                                                   .s = ps->s, .len = ps->len, .p = ps->p + 1})))) {
            fail_at(ps, start, ERR_UNSUPPORTED,
                    "les heures solaires (sunrise, sunset, dawn, dusk) ne sont pas prises en "
                    "charge");
        } else if (w.len) {
            fail(ps, message_for_word(w));
        } else if ((unsigned char)c == 0xE2) {
            fail(ps, "tiret long « – » : séparez les jours et les heures par un tiret simple "
                     "« - »");
        } else {
            fail(ps, "caractère inattendu");
        }
        any = true;
    }
    if (ps->rc)
        return;
    /* The rule modifier, then the comment. */
    skip_ws(ps);
    struct str w = word_at(ps);
    static const char *const mods[] = {"open", "closed", "off", "unknown"};
    int mod = index_of(w, mods, 4);
    if (mod >= 0) {
        ps->p += w.len;
        r->modifier = (uint8_t)(MOD_OPEN + mod);
        r->state = mod == 0 ? HORAIRES_OPEN : mod == 3 ? HORAIRES_UNKNOWN : HORAIRES_CLOSED;
        any = true;
        skip_ws(ps);
    }
    if (cur(ps) == '"') {
        size_t q0 = ++ps->p;
        while (!at_end(ps) && cur(ps) != '"')
            ps->p++;
        if (at_end(ps)) {
            fail_at(ps, q0 - 1, ERR_INVALID, "commentaire sans guillemet fermant");
            return;
        }
        if (!utf8_valid(ps->s + q0, ps->p - q0)) {
            fail_at(ps, q0 - 1, ERR_INVALID, "commentaire qui n'est pas du texte UTF-8 valide");
            return;
        }
        r->comment = arena_strndup(ps->a, ps->s + q0, ps->p - q0);
        ps->p++;
        if (!r->modifier)
            r->state = HORAIRES_UNKNOWN;
        any = true;
    }
    if (!any) {
        fail(ps, "règle vide : jours, heures ou mot-clé attendus (par exemple Mo-Fr 09:00-17:00)");
        return;
    }
    r->n_years = (uint8_t)ny;
    r->n_weeks = (uint8_t)nw;
    r->n_dates = (uint8_t)nd;
    r->n_days = (uint8_t)ndays;
    r->n_spans = (uint8_t)ns;
    r->years = dup_items(ps->a, years, ny, sizeof(*years));
    r->weeks = dup_items(ps->a, weeks, nw, sizeof(*weeks));
    r->dates = dup_items(ps->a, dates, nd, sizeof(*dates));
    r->days = dup_items(ps->a, days, ndays, sizeof(*days));
    r->spans = dup_items(ps->a, spans, ns, sizeof(*spans));
    r->has_date = ny || nw || nd || ndays || r->ph_and;
    for (size_t i = 0; i < ns; i++)
        if (spans[i].to > MINUTES_PER_DAY ||
            (spans[i].plus && (spans[i].lone ? spans[i].from : spans[i].to) >= 17 * 60))
            r->wraps = true;
}

static int parse_value(struct parser *ps, struct horaires *h)
{
    size_t cap = 0;
    uint8_t sep = SEP_NORMAL;
    skip_ws(ps);
    if (at_end(ps)) {
        fail(ps, "valeur vide");
        return ps->rc;
    }
    for (;;) {
        skip_ws(ps);
        if (at_end(ps))
            break; /* a trailing separator adds nothing (opening_hours.js warns only) */
        if (cur(ps) == ';') {
            ps->p++; /* an empty rule: likewise; what follows is a normal rule */
            sep = SEP_NORMAL;
            continue;
        }
        if (h->n_rules >= LIMIT_HORAIRES_RULES) {
            fail(ps, "trop de règles dans la valeur");
            break;
        }
        struct rule r = {0};
        r.sep = sep;
        parse_rule(ps, &r);
        if (ps->rc)
            break;
        h->rules = arena_push(ps->a, h->rules, h->n_rules, &cap, sizeof(*h->rules));
        h->rules[h->n_rules++] = r;
        skip_ws(ps);
        if (at_end(ps))
            break;
        if (cur(ps) == ';') {
            sep = SEP_NORMAL;
            ps->p++;
        } else if (cur(ps) == '|' && ahead(ps, 1) == '|') {
            sep = SEP_FALLBACK;
            ps->p += 2;
        } else if (cur(ps) == ',') {
            sep = SEP_ADDITIONAL;
            ps->p++;
        } else if (is_digit(cur(ps)) || is_alpha(cur(ps))) {
            fail(ps, "séparateur « ; » attendu entre deux règles");
            break;
        } else {
            size_t dl;
            is_dash_at(ps, &dl);
            fail(ps, dl               ? "tiret long « – » : utilisez un tiret simple « - »"
                     : cur(ps) == '-' ? "plages horaires enchaînées : séparez les plages par "
                                        "une virgule, par exemple 08:30-12:00,13:30-17:00"
                                      : "caractère inattendu");
            break;
        }
    }
    if (!ps->rc && h->n_rules == 0)
        fail_at(ps, 0, ERR_INVALID, "valeur vide");
    return ps->rc;
}

int horaires_parse(struct arena *a, const char *text, size_t len, struct horaires **out,
                   struct horaires_error *err)
{
    *err = (struct horaires_error){0};
    *out = NULL;
    if (len > LIMIT_HORAIRES_BYTES) {
        err->pos = LIMIT_HORAIRES_BYTES;
        err->message = "valeur trop longue pour des horaires";
        return ERR_TOO_BIG;
    }
    struct parser ps = {.a = a, .s = text, .len = len};
    struct horaires *h = arena_calloc(a, 1, sizeof(*h));
    if (!utf8_valid(text, len)) {
        size_t i = 0;
        while (i < len) {
            unsigned char c = (unsigned char)text[i];
            size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            if (i + n > len || !utf8_valid(text + i, n))
                break;
            i += n;
        }
        fail_at(&ps, i, ERR_INVALID, "la valeur n'est pas du texte UTF-8 valide");
    } else {
        parse_value(&ps, h);
    }
    if (ps.rc) {
        err->pos = ps.err_pos > len ? len : ps.err_pos;
        err->message = ps.err_msg;
        if (ps.rc == ERR_INVALID)
            err->suggestion = horaires_suggest(a, text, len);
        return ps.rc;
    }
    *out = h;
    return 0;
}

/* ---- Evaluation ---------------------------------------------------------------------------- */

/* What the date selectors look at, for one date. */
struct civil {
    int64_t z; /* days since 1970-01-01 */
    int y, m, d, wday, week;
    bool ph;
};

static struct civil civil_at(int64_t z, enum horaires_calendar cal)
{
    struct civil c = {.z = z};
    civil_from_days(z, &c.y, &c.m, &c.d);
    c.wday = weekday_of_days(z);
    c.week = iso_week(z);
    c.ph = horaires_is_holiday(cal, c.y, c.m, c.d, NULL);
    return c;
}

static bool numranges_match(const struct numrange *r, size_t n, int v)
{
    for (size_t i = 0; i < n; i++)
        if (v >= r[i].from && v <= r[i].to && (v - r[i].from) % r[i].step == 0)
            return true;
    return false;
}

static bool dates_match(const struct mdrange *r, size_t n, int m, int d)
{
    int v = m * 100 + d;
    for (size_t i = 0; i < n; i++) {
        int a = r[i].m1 * 100 + (r[i].d1 ? r[i].d1 : 1);
        int b = r[i].m2 * 100 + (r[i].d2 ? r[i].d2 : 31);
        if (a <= b ? (v >= a && v <= b) : (v >= a || v <= b))
            return true;
    }
    return false;
}

static bool nth_match(uint16_t nth, const struct civil *c)
{
    if (nth == NTH_ALL)
        return true;
    int n = (c->d - 1) / 7 + 1;
    int back = (days_in_month(c->y, c->m) - c->d) / 7 + 1;
    return (nth & (1u << (n - 1))) || (nth & (1u << (4 + back)));
}

static bool rule_matches(const struct rule *r, const struct civil *c)
{
    if (r->n_years && !numranges_match(r->years, r->n_years, c->y))
        return false;
    if (r->n_dates && !dates_match(r->dates, r->n_dates, c->m, c->d))
        return false;
    if (r->n_weeks && !numranges_match(r->weeks, r->n_weeks, c->week))
        return false;
    if (r->ph_and && !c->ph)
        return false;
    if (r->n_days) {
        uint16_t nth = r->nth[c->wday];
        if (!(r->ph_or && c->ph) && !(nth && nth_match(nth, c)))
            return false;
    }
    return true;
}

/* Where an open end stops, as opening_hours.js guesses it. */
static int open_end_stop(int start)
{
    return start >= 22 * 60 ? start + 8 * 60 : start >= 17 * 60 ? start + 10 * 60 : MINUTES_PER_DAY;
}

/* Where the open end of span i of a rule stops. A later range of the same rule that the open end
 * would cover cuts it at its own end: "07:00+,12:00-16:00" is unknown from 7 h, open from 12 h to
 * 16 h, then closed (the rule of opening_hours.js's README; see the conformance test). */
static int span_open_end_stop(const struct rule *r, size_t i)
{
    const struct span *sp = &r->spans[i];
    int start = sp->lone ? sp->from : sp->to;
    int stop = open_end_stop(start);
    for (size_t k = i + 1; k < r->n_spans; k++)
        if (!r->spans[k].lone && r->spans[k].from >= start && r->spans[k].to <= stop)
            stop = r->spans[k].to;
    return stop;
}

/* The state of every minute of a day. */
struct day {
    uint8_t minute[MINUTES_PER_DAY];
};

static void paint(struct day *day, int from, int to, uint8_t state, bool fallback)
{
    if (from < 0)
        from = 0;
    if (to > MINUTES_PER_DAY)
        to = MINUTES_PER_DAY;
    for (int m = from; m < to; m++)
        if (!fallback || day->minute[m] == HORAIRES_CLOSED)
            day->minute[m] = state;
}

/* Paints one internal rule: the rule's own day (wrapped false) or the part of its ranges past
 * midnight, on the next day (wrapped true). */
static void paint_rule(struct day *day, const struct rule *r, bool wrapped)
{
    bool fallback = r->sep == SEP_FALLBACK;
    uint8_t open_end_state = r->state == HORAIRES_CLOSED ? HORAIRES_CLOSED : HORAIRES_UNKNOWN;
    int shift = wrapped ? MINUTES_PER_DAY : 0;
    if (!wrapped && (r->always || r->n_spans == 0)) {
        paint(day, 0, MINUTES_PER_DAY, r->state, fallback);
        return;
    }
    for (size_t i = 0; i < r->n_spans; i++) {
        const struct span *sp = &r->spans[i];
        if (!sp->lone)
            paint(day, sp->from - shift, sp->to - shift, r->state, fallback);
        if (sp->plus) {
            int start = sp->lone ? sp->from : sp->to;
            paint(day, start - shift, span_open_end_stop(r, i) - shift, open_end_state, fallback);
        }
    }
}

/* Which internal rules apply on a day: bit i of base for rule i, bit i of wrap for the part past
 * midnight of rule i from the day before. Two days with the same masks have the same minutes. */
struct day_rules {
    uint64_t base, wrap;
};

static struct day_rules day_rules_for(const struct horaires *h, const struct civil *today,
                                      const struct civil *yesterday)
{
    struct day_rules dr = {0, 0};
    for (size_t i = 0; i < h->n_rules; i++) {
        const struct rule *r = &h->rules[i];
        if (rule_matches(r, today)) {
            bool drops = (r->has_date ||
                          (i > 0 && r->state == HORAIRES_OPEN && !h->rules[i - 1].has_date)) &&
                         r->state != HORAIRES_CLOSED && r->sep == SEP_NORMAL;
            if (drops)
                dr.base = dr.wrap = 0;
            dr.base |= 1ull << i;
        }
        if (r->wraps && rule_matches(r, yesterday))
            dr.wrap |= 1ull << i;
    }
    return dr;
}

static void day_paint(const struct horaires *h, struct day_rules dr, struct day *day)
{
    memset(day->minute, HORAIRES_CLOSED, sizeof(day->minute));
    for (size_t i = 0; i < h->n_rules; i++) {
        if (dr.base & (1ull << i))
            paint_rule(day, &h->rules[i], false);
        if (dr.wrap & (1ull << i))
            paint_rule(day, &h->rules[i], true);
    }
}

static int64_t tm_days(const struct tm *t)
{
    /* Normalise out-of-range fields the way mktime would, without a time zone. */
    int64_t months = (int64_t)t->tm_year * 12 + t->tm_mon;
    int y = (int)((months >= 0 ? months : months - 11) / 12) + 1900;
    int m = (int)(months - (int64_t)(y - 1900) * 12) + 1;
    return horaires_days_from_civil(y, m, 1) + t->tm_mday - 1;
}

static int tm_minute(const struct tm *t) { return t->tm_hour * 60 + t->tm_min; }

/* A day's minutes, with a one-entry cache keyed by its rules (next_change walks many days). */
struct evaluator {
    const struct horaires *h;
    bool cached;
    struct day_rules key;
    struct day day;
};

static const struct day *evaluate_day(struct evaluator *ev, int64_t z)
{
    struct civil today = civil_at(z, ev->h->calendar);
    struct civil yesterday = civil_at(z - 1, ev->h->calendar);
    struct day_rules dr = day_rules_for(ev->h, &today, &yesterday);
    if (!ev->cached || dr.base != ev->key.base || dr.wrap != ev->key.wrap) {
        day_paint(ev->h, dr, &ev->day);
        ev->key = dr;
        ev->cached = true;
    }
    return &ev->day;
}

enum horaires_state horaires_state_at(const struct horaires *h, const struct tm *local)
{
    int64_t z = tm_days(local);
    int minute = tm_minute(local);
    z += minute >= 0 ? minute / MINUTES_PER_DAY : (minute - MINUTES_PER_DAY + 1) / MINUTES_PER_DAY;
    minute = ((minute % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
    struct evaluator ev = {.h = h};
    return (enum horaires_state)evaluate_day(&ev, z)->minute[minute];
}

bool horaires_is_open(const struct horaires *h, const struct tm *local)
{
    return horaires_state_at(h, local) == HORAIRES_OPEN;
}

bool horaires_open_in_window(const struct horaires *h, const struct tm *day, int from_minute,
                             int to_minute, enum horaires_window mode)
{
    if (from_minute < 0)
        from_minute = 0;
    if (to_minute > 2 * MINUTES_PER_DAY)
        to_minute = 2 * MINUTES_PER_DAY;
    if (from_minute >= to_minute)
        return false;
    struct evaluator ev = {.h = h};
    int64_t z = tm_days(day);
    for (int k = from_minute / MINUTES_PER_DAY; k * MINUTES_PER_DAY < to_minute; k++) {
        const struct day *d = evaluate_day(&ev, z + k);
        int lo = from_minute - k * MINUTES_PER_DAY, hi = to_minute - k * MINUTES_PER_DAY;
        if (lo < 0)
            lo = 0;
        if (hi > MINUTES_PER_DAY)
            hi = MINUTES_PER_DAY;
        for (int m = lo; m < hi; m++) {
            bool open = d->minute[m] == HORAIRES_OPEN;
            if (open && mode == HORAIRES_WINDOW_ANY)
                return true;
            if (!open && mode == HORAIRES_WINDOW_WHOLE)
                return false;
        }
    }
    return mode == HORAIRES_WINDOW_WHOLE;
}

static void tm_from(int64_t z, int minute, struct tm *out)
{
    int y, m, d;
    civil_from_days(z, &y, &m, &d);
    *out = (struct tm){0};
    out->tm_year = y - 1900;
    out->tm_mon = m - 1;
    out->tm_mday = d;
    out->tm_hour = minute / 60;
    out->tm_min = minute % 60;
    out->tm_wday = (weekday_of_days(z) + 1) % 7;
    out->tm_yday = (int)(z - horaires_days_from_civil(y, 1, 1));
    out->tm_isdst = -1;
}

bool horaires_next_change(const struct horaires *h, const struct tm *local, struct tm *when,
                          enum horaires_state *state)
{
    struct evaluator ev = {.h = h};
    int64_t z = tm_days(local);
    int minute = tm_minute(local);
    if (minute < 0 || minute >= MINUTES_PER_DAY)
        minute = 0;
    const struct day *d = evaluate_day(&ev, z);
    uint8_t s0 = d->minute[minute];
    for (int64_t k = 0; k <= HORAIRES_HORIZON_DAYS; k++) {
        d = evaluate_day(&ev, z + k);
        for (int m = k ? 0 : minute + 1; m < MINUTES_PER_DAY; m++) {
            if (d->minute[m] != s0) {
                tm_from(z + k, m, when);
                *state = (enum horaires_state)d->minute[m];
                return true;
            }
        }
    }
    return false;
}

/* ---- Normalised OSM text ------------------------------------------------------------------- */

static void add_hhmm(struct buf *b, int minutes)
{
    buf_addf(b, "%02d:%02d", minutes / 60, minutes % 60);
}

static void add_nth(struct buf *b, uint16_t nth)
{
    const char *sep = "[";
    for (int n = 1; n <= 5; n++)
        if (nth & (1u << (n - 1))) {
            buf_addf(b, "%s%d", sep, n);
            sep = ",";
        }
    for (int n = 1; n <= 5; n++)
        if (nth & (1u << (4 + n))) {
            buf_addf(b, "%s-%d", sep, n);
            sep = ",";
        }
    buf_addch(b, ']');
}

static void normalize_rule(const struct rule *r, struct buf *b)
{
    size_t start = b->len;
#define SPACE()                                                                                    \
    do {                                                                                           \
        if (b->len > start)                                                                        \
            buf_addch(b, ' ');                                                                     \
    } while (0)
    if (r->always)
        buf_addlit(b, "24/7");
    for (size_t i = 0; i < r->n_years; i++) {
        if (i == 0)
            SPACE();
        else
            buf_addch(b, ',');
        buf_addf(b, "%d", r->years[i].from);
        if (r->years[i].to != r->years[i].from)
            buf_addf(b, "-%d", r->years[i].to);
        if (r->years[i].step > 1)
            buf_addf(b, "/%d", r->years[i].step);
    }
    for (size_t i = 0; i < r->n_dates; i++) {
        const struct mdrange *d = &r->dates[i];
        if (i == 0)
            SPACE();
        else
            buf_addch(b, ',');
        if (d->short_form)
            buf_addf(b, "%02d", d->d1);
        else if (d->d1)
            buf_addf(b, "%s %02d", MONTH_OSM[d->m1 - 1], d->d1);
        else
            buf_adds(b, MONTH_OSM[d->m1 - 1]);
        if (d->m2 != d->m1 || d->d2 < d->d1) /* Dec 24-Dec 02 wraps over the year */
            d->d2 ? buf_addf(b, "-%s %02d", MONTH_OSM[d->m2 - 1], d->d2)
                  : buf_addf(b, "-%s", MONTH_OSM[d->m2 - 1]);
        else if (d->d2 != d->d1)
            buf_addf(b, "-%02d", d->d2);
    }
    for (size_t i = 0; i < r->n_weeks; i++) {
        if (i == 0) {
            SPACE();
            buf_addlit(b, "week ");
        } else {
            buf_addch(b, ',');
        }
        buf_addf(b, "%02d", r->weeks[i].from);
        if (r->weeks[i].to != r->weeks[i].from)
            buf_addf(b, "-%02d", r->weeks[i].to);
        if (r->weeks[i].step > 1)
            buf_addf(b, "/%d", r->weeks[i].step);
    }
    if (r->colon)
        buf_addch(b, ':');
    if (r->ph_and && r->ph_and_first) {
        SPACE();
        buf_addlit(b, "PH");
    }
    for (size_t i = 0; i < r->n_days; i++) {
        const struct dayitem *d = &r->days[i];
        if (i == 0)
            SPACE();
        else
            buf_addch(b, ',');
        if (d->kind == DAY_PH) {
            buf_addlit(b, "PH");
            continue;
        }
        buf_adds(b, DAY_OSM[d->from]);
        if (d->to != d->from)
            buf_addf(b, "-%s", DAY_OSM[d->to]);
        if (d->nth)
            add_nth(b, d->nth);
    }
    if (r->ph_and && !r->ph_and_first) {
        SPACE();
        buf_addlit(b, "PH");
    }
    for (size_t i = 0; i < r->n_spans; i++) {
        const struct span *sp = &r->spans[i];
        if (i == 0)
            SPACE();
        else
            buf_addch(b, ',');
        add_hhmm(b, sp->from);
        if (!sp->lone) {
            buf_addch(b, '-');
            add_hhmm(b, sp->end);
        }
        if (sp->plus)
            buf_addch(b, '+');
    }
    static const char *const mods[] = {"", "open", "closed", "off", "unknown"};
    if (r->modifier) {
        SPACE();
        buf_adds(b, mods[r->modifier]);
    }
    if (r->comment) {
        SPACE();
        buf_addf(b, "\"%s\"", r->comment);
    }
#undef SPACE
}

void horaires_normalize(const struct horaires *h, struct buf *out)
{
    static const char *const seps[] = {"; ", ", ", " || "};
    for (size_t i = 0; i < h->n_rules; i++) {
        if (i)
            buf_adds(out, seps[h->rules[i].sep]);
        normalize_rule(&h->rules[i], out);
    }
}

/* ---- French rendering ---------------------------------------------------------------------- */

/* Items separated by LIST_SEP in a scratch buffer become "a, b et c" in the output. */
#define LIST_SEP '\x01'

static void list_item(struct buf *scratch)
{
    if (scratch->len)
        buf_addch(scratch, LIST_SEP);
}

static void list_flush(struct buf *scratch, struct buf *out)
{
    const char *s = buf_cstr(scratch);
    const char *last = strrchr(s, LIST_SEP);
    for (const char *p = s; *p; p++) {
        if (*p != LIST_SEP)
            buf_addch(out, *p);
        else if (p == last)
            buf_addlit(out, " et ");
        else
            buf_addlit(out, ", ");
    }
    buf_reset(scratch);
}

/* 9 h, 8 h 30, 0 h; past midnight as the clock shows it (22 h – 2 h). */
static void add_time_fr(struct buf *b, int minutes)
{
    if (minutes > MINUTES_PER_DAY)
        minutes -= MINUTES_PER_DAY;
    int h = minutes / 60, m = minutes % 60;
    if (m)
        buf_addf(b, "%d h %02d", h, m);
    else
        buf_addf(b, "%d h", h);
}

static void add_range_fr(struct buf *b, int from, int to)
{
    add_time_fr(b, from);
    buf_addlit(b, " – ");
    add_time_fr(b, to);
}

/* lundi; lundi et mardi; du lundi au vendredi; du lundi au mercredi et vendredi. */
static void add_days_fr(struct buf *out, unsigned mask, bool article)
{
    if ((mask & 0x7F) == 0x7F) {
        buf_addlit(out, "tous les jours");
        return;
    }
    int start = 0;
    while (!((mask >> start) & 1) || ((mask >> ((start + 6) % 7)) & 1))
        start++;
    struct buf scratch;
    buf_init(&scratch, NULL, 1024);
    int n_items = 0;
    for (int k = 0; k < 7;) {
        int d = (start + k) % 7;
        if (!((mask >> d) & 1)) {
            k++;
            continue;
        }
        int len = 1;
        while (k + len < 7 && ((mask >> ((start + k + len) % 7)) & 1))
            len++;
        if (len >= 3) {
            list_item(&scratch);
            buf_addf(&scratch, "du %s au %s", DAY_FR[d], DAY_FR[(d + len - 1) % 7]);
            n_items++;
        } else {
            for (int i = 0; i < len; i++) {
                list_item(&scratch);
                buf_adds(&scratch, DAY_FR[(d + i) % 7]);
                n_items++;
            }
        }
        k += len;
    }
    if (article && n_items == 1 && scratch.p[0] != 'd')
        buf_addlit(out, "le ");
    list_flush(&scratch, out);
    buf_release(&scratch);
}

/* A segment of a day as the weekly table sees it: [from, to) with a state and a comment. */
struct seg {
    int from, to;
    uint8_t state;
    bool open_end;
    const char *comment;
};

#define MAX_SEGS 64

struct week_day {
    struct seg segs[MAX_SEGS];
    size_t n;
};

static bool same_comment(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static bool segs_equal(const struct week_day *a, const struct week_day *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        const struct seg *x = &a->segs[i], *y = &b->segs[i];
        if (x->from != y->from || x->to != y->to || x->state != y->state ||
            x->open_end != y->open_end || !same_comment(x->comment, y->comment))
            return false;
    }
    return true;
}

/* An empty comment ("") says nothing to a reader. */
static const char *comment_fr(const struct rule *r)
{
    return r->comment && r->comment[0] ? r->comment : NULL;
}

/* A rule the weekly table can hold: weekdays (or none), times, a state. */
static bool rule_is_weekly(const struct rule *r)
{
    if (r->n_years || r->n_dates || r->n_weeks || r->ph_and || r->ph_or || r->sep == SEP_FALLBACK)
        return false;
    if (r->state == HORAIRES_CLOSED && r->comment)
        return false;
    for (size_t i = 0; i < r->n_days; i++)
        if (r->days[i].nth)
            return false;
    return true;
}

/* The weekly table of the first n rules, painted on two days of minutes per weekday so that a
 * range past midnight stays whole (22 h – 2 h) on the day it starts. Each minute holds 0 (closed)
 * or 1 + 2 × rule + open end. */
static void week_table(const struct horaires *h, size_t n, struct week_day week[7])
{
    static const int span = 2 * MINUTES_PER_DAY;
    uint8_t *m = xcalloc(7, (size_t)span);
    for (int d = 0; d < 7; d++) {
        uint8_t *day = m + d * span;
        for (size_t i = 0; i < n; i++) {
            const struct rule *r = &h->rules[i];
            if (r->n_days && !r->nth[d])
                continue;
            bool drops = (r->has_date ||
                          (i > 0 && r->state == HORAIRES_OPEN && !h->rules[i - 1].has_date)) &&
                         r->state != HORAIRES_CLOSED && r->sep == SEP_NORMAL;
            if (drops)
                memset(day, 0, (size_t)span);
            uint8_t code = r->state == HORAIRES_CLOSED ? 0 : (uint8_t)(1 + 2 * i);
            if (r->always || !r->n_spans)
                memset(day, code, MINUTES_PER_DAY);
            for (size_t k = 0; k < r->n_spans; k++) {
                const struct span *sp = &r->spans[k];
                if (!sp->lone)
                    memset(day + sp->from, code, (size_t)(sp->to - sp->from));
                if (sp->plus) {
                    int start = sp->lone ? sp->from : sp->to;
                    /* Only the start of an open end is shown ("à partir de"). */
                    memset(day + start, code ? code + 1 : 0,
                           (size_t)(span_open_end_stop(r, k) - start));
                }
            }
        }
        week[d].n = 0;
        for (int x = 0; x < span;) {
            int y = x;
            while (y < span && day[y] == day[x])
                y++;
            if (day[x] && week[d].n < MAX_SEGS) {
                const struct rule *r = &h->rules[(day[x] - 1) / 2];
                struct seg s = {x, y, r->state, (day[x] - 1) % 2 == 1, comment_fr(r)};
                struct seg *prev = week[d].n ? &week[d].segs[week[d].n - 1] : NULL;
                if (prev && prev->to == x && prev->state == s.state && !prev->open_end &&
                    !s.open_end && same_comment(prev->comment, s.comment))
                    prev->to = y;
                else
                    week[d].segs[week[d].n++] = s;
            }
            x = y;
        }
    }
    free(m);
}

static void add_annotation(struct buf *b, uint8_t state, const char *comment)
{
    if (comment)
        buf_addf(b, " (%s)", comment);
    else if (state == HORAIRES_UNKNOWN)
        buf_addlit(b, " (à confirmer)");
}

/* 9 h – 12 h et 14 h – 17 h (sur rendez-vous). */
static void add_segs_fr(struct buf *out, const struct seg *segs, size_t n)
{
    bool shared = true;
    for (size_t i = 1; i < n; i++)
        if (segs[i].state != segs[0].state || !same_comment(segs[i].comment, segs[0].comment))
            shared = false;
    if (n == 1 && segs[0].from == 0 && segs[0].to == MINUTES_PER_DAY && !segs[0].open_end) {
        if (segs[0].comment)
            buf_adds(out, segs[0].comment);
        else if (segs[0].state == HORAIRES_UNKNOWN)
            buf_addlit(out, "horaires à confirmer");
        else
            buf_addlit(out, "24 h sur 24");
        return;
    }
    struct buf scratch;
    buf_init(&scratch, NULL, 4096);
    for (size_t i = 0; i < n; i++) {
        list_item(&scratch);
        if (segs[i].open_end) {
            buf_addlit(&scratch, "à partir de ");
            add_time_fr(&scratch, segs[i].from);
        } else {
            add_range_fr(&scratch, segs[i].from, segs[i].to);
        }
        if (!shared &&
            (segs[i].comment || (segs[i].state == HORAIRES_UNKNOWN && !segs[i].open_end)))
            add_annotation(&scratch, segs[i].state, segs[i].comment);
    }
    list_flush(&scratch, out);
    buf_release(&scratch);
    if (shared && (segs[0].comment || (segs[0].state == HORAIRES_UNKNOWN && !segs[0].open_end)))
        add_annotation(out, segs[0].state, segs[0].comment);
}

static void add_weekly_fr(const struct horaires *h, size_t n, struct buf *out, bool *wrote)
{
    struct week_day *week = xcalloc(7, sizeof(*week));
    week_table(h, n, week);
    unsigned done = 0;
    for (int d = 0; d < 7; d++) {
        if ((done >> d) & 1 || week[d].n == 0)
            continue;
        unsigned mask = 0;
        for (int e = d; e < 7; e++)
            if (!((done >> e) & 1) && segs_equal(&week[d], &week[e]))
                mask |= 1u << e;
        done |= mask;
        if (*wrote)
            buf_addlit(out, " ; ");
        add_days_fr(out, mask, false);
        buf_addlit(out, ", ");
        add_segs_fr(out, week[d].segs, week[d].n);
        *wrote = true;
    }
    free(week);
}

static const char *ordinal_fr(int n)
{
    static const char *const pos[] = {"premier", "deuxième", "troisième", "quatrième", "cinquième"};
    static const char *const neg[] = {"dernier", "avant-dernier", "antépénultième",
                                      "quatrième avant la fin", "cinquième avant la fin"};
    return n > 0 ? pos[n - 1] : neg[-n - 1];
}

static void add_day_of_month_fr(struct buf *b, int d)
{
    if (d == 1)
        buf_addlit(b, "1er");
    else
        buf_addf(b, "%d", d);
}

static void add_dates_fr(struct buf *b, const struct rule *r)
{
    struct buf scratch;
    buf_init(&scratch, NULL, 4096);
    for (size_t i = 0; i < r->n_dates; i++) {
        const struct mdrange *d = &r->dates[i];
        list_item(&scratch);
        if (!d->d1) {
            if (d->m1 == d->m2)
                buf_addf(&scratch, "en %s", MONTH_FR[d->m1 - 1]);
            else
                buf_addf(&scratch, "de %s à %s", MONTH_FR[d->m1 - 1], MONTH_FR[d->m2 - 1]);
        } else if (d->m1 == d->m2 && d->d1 == d->d2) {
            buf_addlit(&scratch, "le ");
            add_day_of_month_fr(&scratch, d->d1);
            buf_addf(&scratch, " %s", MONTH_FR[d->m1 - 1]);
        } else if (d->m1 == d->m2) {
            buf_addlit(&scratch, "du ");
            add_day_of_month_fr(&scratch, d->d1);
            buf_addf(&scratch, " au %d %s", d->d2, MONTH_FR[d->m1 - 1]);
        } else {
            buf_addlit(&scratch, "du ");
            add_day_of_month_fr(&scratch, d->d1);
            buf_addf(&scratch, " %s au ", MONTH_FR[d->m1 - 1]);
            add_day_of_month_fr(&scratch, d->d2);
            buf_addf(&scratch, " %s", MONTH_FR[d->m2 - 1]);
        }
    }
    list_flush(&scratch, b);
    buf_release(&scratch);
}

static void add_numranges_fr(struct buf *b, const struct numrange *r, size_t n, bool weeks)
{
    struct buf scratch;
    buf_init(&scratch, NULL, 4096);
    for (size_t i = 0; i < n; i++) {
        list_item(&scratch);
        const struct numrange *x = &r[i];
        if (weeks && x->step == 2 && x->to >= 52 && x->from <= 2)
            buf_adds(&scratch, x->from == 1 ? "les semaines impaires" : "les semaines paires");
        else if (x->from == x->to)
            buf_addf(&scratch, weeks ? "la semaine %d" : "en %d", x->from);
        else if (x->step > 1)
            buf_addf(&scratch,
                     weeks ? "une semaine sur %d, de la semaine %d à la semaine %d"
                           : "une année sur %d, de %d à %d",
                     x->step, x->from, x->to);
        else
            buf_addf(&scratch, weeks ? "de la semaine %d à la semaine %d" : "de %d à %d", x->from,
                     x->to);
    }
    list_flush(&scratch, b);
    buf_release(&scratch);
}

/* The weekdays and PH of a rule, with nth constraints in words. */
static void add_rule_days_fr(struct buf *b, const struct rule *r)
{
    unsigned plain = 0;
    bool ph = false;
    for (size_t i = 0; i < r->n_days; i++) {
        const struct dayitem *d = &r->days[i];
        if (d->kind == DAY_PH)
            ph = true;
        else if (!d->nth)
            for (int k = d->from;; k = (k + 1) % 7) {
                plain |= 1u << k;
                if (k == d->to)
                    break;
            }
    }
    struct buf scratch;
    buf_init(&scratch, NULL, 4096);
    if (plain) {
        list_item(&scratch);
        add_days_fr(&scratch, plain, false);
    }
    for (size_t i = 0; i < r->n_days; i++) {
        const struct dayitem *d = &r->days[i];
        if (d->kind != DAY_RANGE || !d->nth)
            continue;
        list_item(&scratch);
        buf_addlit(&scratch, "le ");
        bool first = true;
        for (int n = -5; n <= 5; n++) {
            if (!n || !(d->nth & (n > 0 ? 1u << (n - 1) : 1u << (4 - n))))
                continue;
            if (!first)
                buf_addlit(&scratch, " et le ");
            buf_adds(&scratch, ordinal_fr(n));
            first = false;
        }
        buf_addf(&scratch, " %s du mois", DAY_FR[d->from]);
    }
    if (ph) {
        list_item(&scratch);
        buf_addlit(&scratch, "les jours fériés");
    }
    list_flush(&scratch, b);
    buf_release(&scratch);
}

static void add_rule_fr(struct buf *out, const struct rule *r)
{
    struct buf when;
    buf_init(&when, NULL, 8192);
    if (r->n_years)
        add_numranges_fr(&when, r->years, r->n_years, false);
    if (r->n_dates) {
        if (when.len)
            buf_addch(&when, ' ');
        add_dates_fr(&when, r);
    }
    if (r->n_weeks) {
        if (when.len)
            buf_addlit(&when, ", ");
        add_numranges_fr(&when, r->weeks, r->n_weeks, true);
    }
    if (r->ph_and) {
        if (when.len)
            buf_addlit(&when, ", ");
        buf_addlit(&when, "les jours fériés");
    }
    if (r->n_days) {
        if (when.len)
            buf_adds(&when, r->ph_and ? " tombant " : ", ");
        size_t before = when.len;
        add_rule_days_fr(&when, r);
        /* One weekday alone reads "le lundi" in a sentence. */
        if (r->n_days == 1 && r->days[0].kind == DAY_RANGE && !r->days[0].nth &&
            r->days[0].from == r->days[0].to && before == 0 && r->state == HORAIRES_CLOSED &&
            !r->n_spans) {
            buf_reset(&when);
            add_days_fr(&when, 1u << r->days[0].from, true);
        }
    }
    const char *comment = comment_fr(r);
    if (r->sep == SEP_FALLBACK)
        buf_addlit(out, "sinon, ");
    struct seg segs[LIMIT_HORAIRES_RANGES * 2];
    size_t n = 0;
    for (size_t i = 0; i < r->n_spans; i++) {
        const struct span *sp = &r->spans[i];
        if (!sp->lone)
            segs[n++] = (struct seg){sp->from, sp->to, r->state, false, comment};
        if (sp->plus)
            segs[n++] = (struct seg){sp->lone ? sp->from : sp->to, 0, r->state, true, comment};
    }
    if (r->always)
        segs[n++] = (struct seg){0, MINUTES_PER_DAY, r->state, false, comment};
    if (r->state == HORAIRES_CLOSED) {
        if (n) {
            if (when.len) {
                buf_addstr(out, buf_str(&when));
                buf_addlit(out, ", ");
            }
            buf_addlit(out, "fermé ");
            add_segs_fr(out, segs, n);
        } else {
            buf_addlit(out, "fermé");
            if (when.len) {
                buf_addch(out, ' ');
                buf_addstr(out, buf_str(&when));
            }
        }
    } else {
        if (when.len) {
            buf_addstr(out, buf_str(&when));
            buf_addlit(out, ", ");
        }
        if (n)
            add_segs_fr(out, segs, n);
        else if (comment)
            buf_adds(out, comment);
        else if (r->state == HORAIRES_UNKNOWN)
            buf_addlit(out, "horaires à confirmer");
        else
            buf_addlit(out, "24 h sur 24");
    }
    buf_release(&when);
}

void horaires_french(const struct horaires *h, struct buf *out)
{
    size_t n_weekly = 0;
    while (n_weekly < h->n_rules && rule_is_weekly(&h->rules[n_weekly]))
        n_weekly++;
    bool wrote = false;
    if (n_weekly)
        add_weekly_fr(h, n_weekly, out, &wrote);
    for (size_t i = n_weekly; i < h->n_rules; i++) {
        if (wrote)
            buf_addlit(out, " ; ");
        add_rule_fr(out, &h->rules[i]);
        wrote = true;
    }
    if (!wrote)
        buf_addlit(out, "fermé");
}

/* ---- Suggestions: a tolerant reading of common mistakes ------------------------------------ */

/* The tolerant reader turns text into tokens whatever the language or the typography (Lundi,
 * lu., 9h30, 9:00, –, à, « et »), then writes them back in the OSM syntax; the result counts only
 * if the strict parser accepts it. */
enum lkind {
    LK_DAY,
    LK_ALLDAYS,
    LK_MONTH,
    LK_TIME,
    LK_NUM,
    LK_DASH,
    LK_LIST,
    LK_STEP,
    LK_SEMI,
    LK_FALLBACK,
    LK_MOD,
    LK_PH,
    LK_WEEK,
    LK_PLUS,
    LK_ALWAYS,
    LK_COMMENT,
    LK_WORD,
};

struct ltok {
    uint8_t kind;
    int val;
    size_t start, end; /* bytes of the source */
};

#define MAX_LTOKS 512

struct lexer {
    const char *s;
    size_t len, p;
    struct ltok toks[MAX_LTOKS];
    size_t n;
    bool numeric; /* numbers are days of month, weeks or years, not hours */
};

static bool lex_push(struct lexer *lx, uint8_t kind, int val, size_t start)
{
    if (lx->n >= MAX_LTOKS)
        return false;
    lx->toks[lx->n++] = (struct ltok){kind, val, start, lx->p};
    if (kind == LK_MONTH || kind == LK_WEEK)
        lx->numeric = true;
    else if (kind != LK_NUM && kind != LK_DASH && kind != LK_LIST && kind != LK_STEP)
        lx->numeric = false;
    return true;
}

/* Folds a word to lower-case ASCII without accents ("Fériés" → "feries"); false if too long. */
static bool fold_word(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char f;
        if (c < 0x80) {
            f = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        } else if ((c == 0xC3) && i + 1 < n) {
            unsigned char d = (unsigned char)s[++i];
            /* Latin-1 supplement letters, upper case first (0x80-0x9F), then lower case. */
            static const char map[] = "aaaaaaaceeeeiiiidnooooo/ouuuuyps"
                                      "aaaaaaaceeeeiiiidnooooo/ouuuuypy";
            f = d >= 0x80 && d <= 0xBF ? map[d - 0x80] : '?';
        } else {
            f = '?';
        }
        if (k + 1 >= cap)
            return false;
        out[k++] = f;
    }
    out[k] = '\0';
    return true;
}

static int lookup(const char *w, const char *const *table, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(w, table[i]) == 0)
            return (int)i;
    return -1;
}

/* Words of a weekday, index / 4 is the day (0 = Monday). */
static const char *const DAY_WORDS[] = {
    "lundi",    "lun", "lu",       "mo", "mardi",     "mar", "ma",        "tu",
    "mercredi", "mer", "me",       "we", "jeudi",     "jeu", "je",        "th",
    "vendredi", "ven", "ve",       "fr", "samedi",    "sam", "sa",        "sa",
    "dimanche", "dim", "di",       "su", "lundis",    "mon", "monday",    "mo",
    "mardis",   "tue", "tuesday",  "tu", "mercredis", "wed", "wednesday", "we",
    "jeudis",   "thu", "thursday", "th", "vendredis", "fri", "friday",    "fr",
    "samedis",  "sat", "saturday", "sa", "dimanches", "sun", "sunday",    "su",
};

static const char *const MONTH_WORDS[] = {
    "janvier",   "janv", "jan", "january",   "fevrier",  "fev",  "feb", "february",
    "mars",      "mars", "mar", "march",     "avril",    "avr",  "apr", "april",
    "mai",       "mai",  "may", "may",       "juin",     "juin", "jun", "june",
    "juillet",   "juil", "jul", "july",      "aout",     "aout", "aug", "august",
    "septembre", "sept", "sep", "september", "octobre",  "oct",  "oct", "october",
    "novembre",  "nov",  "nov", "november",  "decembre", "dec",  "dec", "december",
};

static bool lex_word(struct lexer *lx)
{
    size_t start = lx->p;
    while (lx->p < lx->len) {
        unsigned char c = (unsigned char)lx->s[lx->p];
        if (is_alpha((char)c) || c == 0xC3)
            lx->p += c == 0xC3 ? 2 : 1;
        else
            break;
    }
    if (lx->p > lx->len)
        return false;
    size_t end = lx->p;
    if (lx->p < lx->len && lx->s[lx->p] == '.')
        lx->p++; /* lun., sept. */
    if (lx->p < lx->len && lx->s[lx->p] == '\'')
        lx->p++; /* l', d', jusqu' */
    char w[32];
    if (!fold_word(lx->s + start, end - start, w, sizeof(w)))
        return lex_push(lx, LK_WORD, 0, start);
    static const char *const skip[] = {"du",  "de",    "des",  "le",  "les",    "la",
                                       "l",   "d",     "from", "h",   "heures", "heure",
                                       "hrs", "jours", "jour", "the", "on",     "en"};
    static const char *const dash[] = {"a", "au", "to", "jusqu", "till", "until"};
    static const char *const list[] = {"et", "and", "puis"};
    static const char *const off[] = {"off", "closed", "ferme", "fermee", "fermes", "close"};
    int k;
    /* Mar alone, as OSM writes March, is the month; mar., mardi… are the day. */
    if (end - start == 3 && memcmp(lx->s + start, "Mar", 3) == 0)
        return lex_push(lx, LK_MONTH, 3, start);
    if ((k = lookup(w, DAY_WORDS, N_ELEMS(DAY_WORDS))) >= 0)
        return lex_push(lx, LK_DAY, (k / 4) % 7, start);
    if ((k = lookup(w, MONTH_WORDS, N_ELEMS(MONTH_WORDS))) >= 0)
        return lex_push(lx, LK_MONTH, k / 4 + 1, start);
    if (lookup(w, skip, N_ELEMS(skip)) >= 0)
        return true;
    if (lookup(w, dash, N_ELEMS(dash)) >= 0)
        return lex_push(lx, LK_DASH, 0, start);
    if (lookup(w, list, N_ELEMS(list)) >= 0)
        return lex_push(lx, LK_LIST, 0, start);
    if (lookup(w, off, N_ELEMS(off)) >= 0)
        return lex_push(lx, LK_MOD, MOD_OFF, start);
    if (strcmp(w, "open") == 0 || strcmp(w, "ouvert") == 0 || strcmp(w, "ouverte") == 0)
        return lex_push(lx, LK_MOD, MOD_OPEN, start);
    if (strcmp(w, "unknown") == 0)
        return lex_push(lx, LK_MOD, MOD_UNKNOWN, start);
    if (strcmp(w, "ph") == 0 || strcmp(w, "ferie") == 0 || strcmp(w, "feries") == 0)
        return lex_push(lx, LK_PH, 0, start);
    if (strcmp(w, "week") == 0 || strcmp(w, "semaine") == 0 || strcmp(w, "semaines") == 0)
        return lex_push(lx, LK_WEEK, 0, start);
    if (strcmp(w, "tous") == 0)
        return lex_push(lx, LK_ALLDAYS, 0, start);
    if (strcmp(w, "midi") == 0)
        return lex_push(lx, LK_TIME, 12 * 60, start);
    if (strcmp(w, "minuit") == 0)
        return lex_push(lx, LK_TIME, lx->n && lx->toks[lx->n - 1].kind == LK_DASH ? 1440 : 0,
                        start);
    return lex_push(lx, LK_WORD, 0, start);
}

static bool lex_number(struct lexer *lx)
{
    size_t start = lx->p;
    int v = 0, nd = 0;
    while (lx->p < lx->len && is_digit(lx->s[lx->p]) && nd < 5) {
        v = v * 10 + (lx->s[lx->p++] - '0');
        nd++;
    }
    size_t q = lx->p;
    while (q < lx->len && lx->s[q] == ' ')
        q++;
    char c = q < lx->len ? lx->s[q] : '\0';
    if (nd <= 2 && (c == ':' || c == 'h' || c == 'H') &&
        !(c != ':' && q + 1 < lx->len && is_alpha(lx->s[q + 1]) && lx->s[q + 1] != 'h')) {
        /* 9h, 9 h 30, 09h00, 9:00, 13 :30 */
        q++;
        while (q < lx->len && lx->s[q] == ' ')
            q++;
        int m = 0;
        if (q + 1 < lx->len && is_digit(lx->s[q]) && is_digit(lx->s[q + 1]) &&
            !(q + 2 < lx->len && is_digit(lx->s[q + 2]))) {
            m = (lx->s[q] - '0') * 10 + (lx->s[q + 1] - '0');
            q += 2;
        }
        lx->p = q;
        if (m > 59 || v > 48)
            return false; /* no reading of 09:61 is a guess worth suggesting */
        return lex_push(lx, LK_TIME, v * 60 + m, start);
    }
    if (lx->numeric || nd > 2)
        return lex_push(lx, LK_NUM, v, start);
    return lex_push(lx, LK_TIME, v * 60, start); /* 9-12: hours without minutes */
}

/* Byte length of a typographic dash or space at p, 0 if none. */
static size_t utf8_dash(const char *s, size_t n)
{
    if (n >= 3 && (unsigned char)s[0] == 0xE2 &&
        (((unsigned char)s[1] == 0x80 &&
          ((unsigned char)s[2] == 0x93 || (unsigned char)s[2] == 0x94 ||
           (unsigned char)s[2] == 0x90 || (unsigned char)s[2] == 0x91)) ||
         ((unsigned char)s[1] == 0x88 && (unsigned char)s[2] == 0x92)))
        return 3;
    return 0;
}

static size_t utf8_space(const char *s, size_t n)
{
    if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
        return 2;
    if (n >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
        ((unsigned char)s[2] == 0xAF || (unsigned char)s[2] == 0x89))
        return 3;
    return 0;
}

/* Opening and closing quotes: " “ ” « »; returns the length of an opening one. */
static size_t quote_open(const char *s, size_t n)
{
    if (n >= 1 && s[0] == '"')
        return 1;
    if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xAB)
        return 2;
    if (n >= 3 && (unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
        ((unsigned char)s[2] == 0x9C || (unsigned char)s[2] == 0x9D))
        return 3;
    return 0;
}

static bool lex(struct lexer *lx)
{
    while (lx->p < lx->len) {
        const char *s = lx->s + lx->p;
        size_t rest = lx->len - lx->p, k;
        size_t start = lx->p;
        char c = *s;
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            lx->p++;
        } else if ((k = utf8_space(s, rest))) {
            lx->p += k;
        } else if ((k = quote_open(s, rest))) {
            lx->p += k;
            size_t body = lx->p;
            while (lx->p < lx->len && lx->s[lx->p] != '"' &&
                   !((unsigned char)lx->s[lx->p] == 0xC2 && lx->p + 1 < lx->len &&
                     (unsigned char)lx->s[lx->p + 1] == 0xBB) &&
                   !((unsigned char)lx->s[lx->p] == 0xE2 && lx->p + 2 < lx->len &&
                     (unsigned char)lx->s[lx->p + 1] == 0x80 &&
                     ((unsigned char)lx->s[lx->p + 2] == 0x9D ||
                      (unsigned char)lx->s[lx->p + 2] == 0x9C)))
                lx->p++;
            if (lx->p >= lx->len)
                return false;
            size_t body_end = lx->p;
            lx->p += lx->s[lx->p] == '"' ? 1 : (unsigned char)lx->s[lx->p] == 0xC2 ? 2 : 3;
            if (!lex_push(lx, LK_COMMENT, 0, body))
                return false;
            lx->toks[lx->n - 1].end = body_end;
        } else if (c == '(' && memchr(s, ')', rest) &&
                   !memchr(s, ':', (size_t)((const char *)memchr(s, ')', rest) - s))) {
            /* "(sur RDV)": a remark in brackets, read as a comment (not a solar time). */
            const char *close = memchr(s, ')', rest);
            lx->p++;
            if (!lex_push(lx, LK_COMMENT, 0, lx->p))
                return false;
            lx->toks[lx->n - 1].end = (size_t)(close - lx->s);
            lx->p = lx->toks[lx->n - 1].end + 1;
        } else if (c == ';') {
            lx->p++;
            if (!lex_push(lx, LK_SEMI, 0, start))
                return false;
        } else if (c == '|') {
            bool two = rest > 1 && s[1] == '|';
            lx->p += two ? 2 : 1;
            if (!lex_push(lx, two ? LK_FALLBACK : LK_SEMI, 0, start))
                return false;
        } else if (c == ',' || c == '&') {
            lx->p++;
            if (!lex_push(lx, LK_LIST, 0, start))
                return false;
        } else if (c == '/') {
            lx->p++;
            bool step = lx->numeric && lx->n && lx->toks[lx->n - 1].kind == LK_NUM;
            if (!lex_push(lx, step ? LK_STEP : LK_LIST, 0, start))
                return false;
        } else if (c == '+') {
            lx->p++;
            if (!lex_push(lx, LK_PLUS, 0, start))
                return false;
        } else if (c == '-') {
            lx->p++;
            if (!lex_push(lx, LK_DASH, 0, start))
                return false;
        } else if ((k = utf8_dash(s, rest))) {
            lx->p += k;
            if (!lex_push(lx, LK_DASH, 0, start))
                return false;
        } else if (c == ':') {
            lx->p++; /* "Lundi : 9h-12h", "Jan-Jun:" */
        } else if (rest >= 4 && memcmp(s, "24/7", 4) == 0) {
            lx->p += 4;
            if (!lex_push(lx, LK_ALWAYS, 0, start))
                return false;
        } else if (is_digit(c)) {
            if (!lex_number(lx))
                return false;
        } else if (is_alpha(c) || (unsigned char)c == 0xC3) {
            if (!lex_word(lx))
                return false;
        } else {
            return false;
        }
    }
    return true;
}

/* Writes the time ranges that start at token i: chains of times joined by dashes become pairs
 * (08:30-12:00-13:30-17:00 → 08:30-12:00,13:30-17:00), a time left alone an open end (12:30+).
 * With strict, a lone time or a dangling dash fails (France Services cells). Returns the index
 * after the group, or 0 on failure. */
static size_t write_times(const struct lexer *lx, size_t i, struct buf *out, bool strict)
{
    bool first = true;
    while (i < lx->n && lx->toks[i].kind == LK_TIME) {
        int chain[LIMIT_HORAIRES_RANGES * 2];
        size_t n = 0;
        bool plus = false;
        chain[n++] = lx->toks[i++].val;
        while (i < lx->n) {
            if (lx->toks[i].kind == LK_DASH && i + 1 < lx->n && lx->toks[i + 1].kind == LK_TIME) {
                if (n >= N_ELEMS(chain))
                    return 0;
                chain[n++] = lx->toks[i + 1].val;
                i += 2;
            } else if (lx->toks[i].kind == LK_DASH || lx->toks[i].kind == LK_PLUS) {
                plus = true;
                i++;
                break;
            } else {
                break;
            }
        }
        if (strict && (n % 2 || plus))
            return 0;
        for (size_t k = 0; k < n; k += 2) {
            if (!first)
                buf_addch(out, ',');
            first = false;
            add_hhmm(out, chain[k]);
            if (k + 1 < n) {
                buf_addch(out, '-');
                add_hhmm(out, chain[k + 1] == 0 && chain[k] > 0 ? 1440 : chain[k + 1]);
                if (plus && k + 2 >= n)
                    buf_addch(out, '+');
            } else {
                buf_addch(out, '+');
            }
        }
        /* The next range: after a comma, slash, "et", or nothing (09:00-12:00 14:00-17:00). */
        if (i + 1 < lx->n && lx->toks[i].kind == LK_LIST && lx->toks[i + 1].kind == LK_TIME)
            i++;
    }
    return i;
}

/* Days and PH joined by commas, dashes, "et", "au": Mo-Fr, Sa,Su,PH. Returns the next index. */
static size_t write_days(const struct lexer *lx, size_t i, struct buf *out)
{
    bool first = true;
    while (i < lx->n) {
        const struct ltok *t = &lx->toks[i];
        if (t->kind == LK_ALLDAYS) {
            if (!first)
                buf_addch(out, ',');
            buf_addlit(out, "Mo-Su");
            i++;
        } else if (t->kind == LK_PH) {
            if (!first)
                buf_addch(out, ',');
            buf_addlit(out, "PH");
            i++;
        } else if (t->kind == LK_DAY) {
            if (!first)
                buf_addch(out, ',');
            buf_adds(out, DAY_OSM[t->val]);
            i++;
            if (i + 1 < lx->n && lx->toks[i].kind == LK_DASH && lx->toks[i + 1].kind == LK_DAY) {
                buf_addf(out, "-%s", DAY_OSM[lx->toks[i + 1].val]);
                i += 2;
            }
        } else {
            break;
        }
        first = false;
        if (i + 1 < lx->n && lx->toks[i].kind == LK_LIST &&
            (lx->toks[i + 1].kind == LK_DAY || lx->toks[i + 1].kind == LK_PH))
            i++;
    }
    return i;
}

/* Month, date, week and year selectors: Dec 24-26, Jan-Jun, week 01-53/2. */
static size_t write_wide(const struct lexer *lx, size_t i, struct buf *out)
{
    uint8_t prev = LK_SEMI;
    while (i < lx->n) {
        const struct ltok *t = &lx->toks[i];
        if (t->kind == LK_MONTH) {
            if (prev == LK_NUM || prev == LK_MONTH)
                buf_addch(out, ',');
            buf_adds(out, MONTH_OSM[t->val - 1]);
        } else if (t->kind == LK_WEEK) {
            buf_addlit(out, "week ");
        } else if (t->kind == LK_NUM) {
            if (prev == LK_MONTH)
                buf_addch(out, ' ');
            else if (prev == LK_NUM)
                buf_addch(out, ',');
            buf_addf(out, prev == LK_STEP || t->val > 99 ? "%d" : "%02d", t->val);
        } else if (t->kind == LK_DASH && prev != LK_SEMI && prev != LK_WEEK) {
            buf_addch(out, '-');
        } else if (t->kind == LK_LIST && (prev == LK_NUM || prev == LK_MONTH)) {
            buf_addch(out, ',');
        } else if (t->kind == LK_STEP) {
            buf_addch(out, '/');
        } else {
            break;
        }
        prev = t->kind == LK_LIST ? LK_DASH : t->kind;
        i++;
    }
    return i;
}

static void write_comment(const struct lexer *lx, size_t from, size_t to, struct buf *out)
{
    buf_addch(out, '"');
    for (size_t p = from; p < to; p++)
        if (lx->s[p] != '"')
            buf_addch(out, lx->s[p]);
    buf_addch(out, '"');
}

static int parse_strict(struct arena *a, const char *text, size_t len, struct horaires **out)
{
    struct parser ps = {.a = a, .s = text, .len = len};
    struct horaires *h = arena_calloc(a, 1, sizeof(*h));
    if (len > LIMIT_HORAIRES_BYTES || !utf8_valid(text, len) || parse_value(&ps, h))
        return ERR_INVALID;
    *out = h;
    return 0;
}

const char *horaires_suggest(struct arena *a, const char *text, size_t len)
{
    if (len > LIMIT_HORAIRES_BYTES || !utf8_valid(text, len))
        return NULL;
    struct lexer *lx = xcalloc(1, sizeof(*lx));
    lx->s = text;
    lx->len = len;
    const char *result = NULL;
    struct buf out;
    buf_init(&out, a, 2 * LIMIT_HORAIRES_BYTES);
    if (!lex(lx))
        goto done;
    /* What was written last decides the separator before days and times. */
    enum { W_NONE, W_SEL, W_TIMES, W_END, W_SEP } last = W_NONE;
    for (size_t i = 0; i < lx->n;) {
        const struct ltok *t = &lx->toks[i];
        bool new_rule = last == W_TIMES || last == W_END;
        switch (t->kind) {
        case LK_DAY:
        case LK_ALLDAYS:
        case LK_PH:
            if (new_rule)
                buf_addlit(&out, "; ");
            else if (last == W_SEL)
                buf_addch(&out, ' ');
            i = write_days(lx, i, &out);
            last = W_SEL;
            break;
        case LK_MONTH:
        case LK_WEEK:
        case LK_NUM:
            if (new_rule)
                buf_addlit(&out, "; ");
            else if (last == W_SEL)
                buf_addch(&out, ' ');
            i = write_wide(lx, i, &out);
            last = W_SEL;
            break;
        case LK_TIME: {
            if (last == W_TIMES)
                buf_addch(&out, ',');
            else if (last == W_END)
                buf_addlit(&out, "; ");
            else if (last == W_SEL)
                buf_addch(&out, ' ');
            size_t next = write_times(lx, i, &out, false);
            if (!next)
                goto done;
            i = next;
            last = W_TIMES;
            break;
        }
        case LK_ALWAYS:
            if (new_rule)
                buf_addlit(&out, "; ");
            buf_addlit(&out, "24/7");
            last = W_SEL;
            i++;
            break;
        case LK_MOD: {
            static const char *const mods[] = {"", "open", "closed", "off", "unknown"};
            size_t next = i + 1;
            uint8_t k = next < lx->n ? lx->toks[next].kind : LK_SEMI;
            /* "fermé le lundi", "fermé en août": the days come first in OSM (Mo off). */
            if (k == LK_DAY || k == LK_ALLDAYS || k == LK_PH || k == LK_MONTH) {
                if (new_rule || last == W_SEL)
                    buf_addlit(&out, "; ");
                next = k == LK_MONTH ? write_wide(lx, next, &out) : write_days(lx, next, &out);
            }
            if (out.len && out.p[out.len - 1] != ' ')
                buf_addch(&out, ' ');
            buf_adds(&out, mods[t->val]);
            last = W_END;
            i = next;
            break;
        }
        case LK_COMMENT:
        case LK_WORD: {
            /* Free words up to the end of the rule become its comment (sur rendez-vous). */
            size_t j = i, end = t->end;
            while (j < lx->n && (lx->toks[j].kind == LK_WORD || lx->toks[j].kind == LK_COMMENT ||
                                 (lx->toks[j].kind == LK_DASH && j > i))) {
                end = lx->toks[j].end;
                j++;
            }
            if (j < lx->n && lx->toks[j].kind != LK_SEMI && lx->toks[j].kind != LK_FALLBACK)
                goto done;
            if (t->kind == LK_WORD && j == i + 1 && i == 0)
                goto done; /* one unknown word alone is no opening hours */
            if (last != W_NONE && last != W_SEP)
                buf_addch(&out, ' ');
            write_comment(lx, t->start, end, &out);
            last = W_END;
            i = j;
            break;
        }
        case LK_SEMI:
            if (last != W_NONE && last != W_SEP)
                buf_addlit(&out, "; ");
            last = W_SEP;
            i++;
            break;
        case LK_FALLBACK:
            if (last == W_NONE || last == W_SEP)
                goto done;
            buf_addlit(&out, " || ");
            last = W_SEP;
            i++;
            break;
        case LK_LIST:
            i++; /* "Lundi, 9h-12h": a comma between days and hours */
            break;
        default:
            goto done;
        }
    }
    if (buf_finish(&out) || out.len == 0)
        goto done;
    /* Drop a trailing separator. */
    while (out.len && (out.p[out.len - 1] == ' ' || out.p[out.len - 1] == ';'))
        out.len--;
    out.p[out.len] = '\0';
    struct horaires *h;
    struct str candidate = buf_str(&out);
    if (!(candidate.len == len && memcmp(candidate.p, text, len) == 0) &&
        parse_strict(a, candidate.p, candidate.len, &h) == 0) {
        struct buf norm;
        buf_init(&norm, a, 4 * LIMIT_HORAIRES_BYTES);
        horaires_normalize(h, &norm);
        if (!buf_finish(&norm))
            result = buf_cstr(&norm);
    }
done:
    free(lx);
    return result;
}

/* ---- France Services cells ----------------------------------------------------------------- */

int horaires_from_france_services(struct arena *a, const char *const days[6], struct buf *out,
                                  struct horaires_error *err)
{
    *err = (struct horaires_error){0};
    char spans[6][512];
    struct lexer *lx = xcalloc(1, sizeof(*lx));
    int rc = 0;
    for (int d = 0; d < 6 && !rc; d++) {
        spans[d][0] = '\0';
        struct str cell = str_trim(str_from(days[d]));
        bool empty = true;
        for (size_t i = 0; i < cell.len; i++)
            if (cell.p[i] != '-' && cell.p[i] != ' ')
                empty = false;
        if (empty)
            continue;
        *lx = (struct lexer){.s = cell.p, .len = cell.len};
        struct buf b;
        buf_init(&b, a, sizeof(spans[d]) - 1);
        size_t next = 0;
        if (lex(lx) && lx->n && lx->toks[0].kind == LK_TIME)
            next = write_times(lx, 0, &b, true);
        struct horaires *h;
        struct buf check;
        buf_init(&check, a, 1024);
        buf_addlit(&check, "Mo ");
        buf_addstr(&check, buf_str(&b));
        if (!next || next != lx->n || buf_finish(&b) || buf_finish(&check) ||
            parse_strict(a, check.p, check.len, &h)) {
            err->pos = next && next < lx->n ? lx->toks[next].start : 0;
            err->message = arena_printf(a,
                                        "horaires du %s illisibles : écrivez les plages sous la "
                                        "forme 09:00 - 12:00 / 13:30 - 17:00",
                                        DAY_FR[d]);
            rc = ERR_INVALID;
            break;
        }
        memcpy(spans[d], b.p, b.len + 1);
    }
    free(lx);
    if (rc)
        return rc;
    /* Days with the same hours share one rule, in the order of their first day. */
    unsigned done = 0;
    bool first = true;
    for (int d = 0; d < 6; d++) {
        if ((done >> d) & 1 || !spans[d][0])
            continue;
        unsigned mask = 0;
        for (int e = d; e < 6; e++)
            if (strcmp(spans[d], spans[e]) == 0)
                mask |= 1u << e;
        done |= mask;
        if (!first)
            buf_addlit(out, "; ");
        first = false;
        bool first_day = true;
        for (int e = 0; e < 6;) {
            if (!((mask >> e) & 1)) {
                e++;
                continue;
            }
            int run = 1;
            while (e + run < 6 && ((mask >> (e + run)) & 1))
                run++;
            if (!first_day)
                buf_addch(out, ',');
            first_day = false;
            buf_adds(out, DAY_OSM[e]);
            if (run >= 3)
                buf_addf(out, "-%s", DAY_OSM[e + run - 1]);
            else if (run == 2)
                buf_addf(out, ",%s", DAY_OSM[e + 1]);
            e += run;
        }
        buf_addch(out, ' ');
        buf_adds(out, spans[d]);
    }
    return 0;
}
