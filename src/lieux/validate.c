/*
 * Validation of a row against the standard v1.0.2. Every check is hand-written (no regex engine):
 * a valid row costs one pass over its bytes and a hash lookup per list item, and allocates nothing.
 * The comment above each check quotes the schema's constraint it implements.
 */
#include "lieux/validate.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#include "core/alloc.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "lieux/geo.h"
#include "lieux/standard.h"

/* Values quoted in messages are cut here (at a character boundary), so that a 3,000-character
 * presentation does not flood the report. */
#define QUOTE_MAX_BYTES 120

static const char *const rule_names[LR_N_RULES] = {
    [LR_REQUIRED] = "obligatoire",
    [LR_FORMAT] = "format",
    [LR_VALUE] = "valeur_admise",
    [LR_LIST] = "liste",
    [LR_MAX_LENGTH] = "longueur_max",
    [LR_NUMBER] = "nombre",
    [LR_RANGE] = "plage",
    [LR_DATE] = "date",
    [LR_UNIQUE] = "unique",
    [LR_COLUMNS] = "colonnes",
    [LR_JSON] = "json",
    [LR_OUTSIDE_FRANCE] = "hors_france",
    [LR_COORDINATES] = "coordonnees_incompletes",
    [LR_PHONE_SUSPECT] = "telephone_suspect",
    [LR_EMAIL_SUSPECT] = "courriel_suspect",
    [LR_URL_SUSPECT] = "url_suspecte",
    [LR_TYPOLOGIE] = "typologie_inconnue",
    [LR_PIVOT_PLACEHOLDER] = "pivot_fictif",
    [LR_LIST_EDGE] = "liste_debut",
    [LR_CONVERTED] = "converti",
    [LR_DROPPED] = "abandonne",
};

const char *lieu_rule_name(enum lieu_rule rule)
{
    return (unsigned)rule < LR_N_RULES ? rule_names[rule] : "inconnue";
}

void lieu_report_init(struct lieu_report *r, struct arena *a)
{
    memset(r, 0, sizeof(*r));
    r->arena = a;
}

void lieu_report_clear(struct lieu_report *r) { r->n = r->n_errors = r->n_warnings = 0; }

/* A copy of at most QUOTE_MAX_BYTES of value for a message, cut before a UTF-8 continuation byte
 * and marked with "…" when cut. */
static const char *quoted(struct arena *a, const char *p, size_t len)
{
    if (len <= QUOTE_MAX_BYTES)
        return arena_strndup(a, p, len);
    size_t cut = QUOTE_MAX_BYTES;
    while (cut > 0 && ((unsigned char)p[cut] & 0xC0) == 0x80)
        cut--;
    return arena_printf(a, "%.*s…", (int)cut, p);
}

static struct lieu_problem *report_push(struct lieu_report *r, int field, const char *column,
                                        enum lieu_severity severity, enum lieu_rule rule,
                                        const char *value, size_t len)
{
    r->items = arena_push(r->arena, r->items, r->n, &r->cap, sizeof(*r->items));
    struct lieu_problem *p = &r->items[r->n++];
    p->field = field;
    p->severity = severity;
    p->rule = rule;
    p->column = column ? arena_strdup(r->arena, column) : NULL;
    p->value = value ? arena_strndup(r->arena, value, len) : NULL;
    if (severity == LIEU_ERROR)
        r->n_errors++;
    else
        r->n_warnings++;
    return p;
}

void lieu_report_add(struct lieu_report *r, int field, const char *column,
                     enum lieu_severity severity, enum lieu_rule rule, const char *value,
                     size_t len, const char *fmt, ...)
{
    struct lieu_problem *p = report_push(r, field, column, severity, rule, value, len);
    va_list ap;
    va_start(ap, fmt);
    struct buf b;
    buf_init(&b, r->arena, 4096);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    p->message = buf_cstr(&b);
}

/* "field : « value » tail", built without printf: warnings are common in real files (the
 * placeholder pivot) and the message is on the hot path of their rows. */
static void report_quoted(struct lieu_report *r, enum lieu_field f, enum lieu_severity severity,
                          enum lieu_rule rule, const char *value, size_t len, const char *tail)
{
    struct lieu_problem *p = report_push(r, (int)f, NULL, severity, rule, value, len);
    size_t cut = len;
    if (cut > QUOTE_MAX_BYTES) {
        cut = QUOTE_MAX_BYTES;
        while (cut > 0 && ((unsigned char)value[cut] & 0xC0) == 0x80)
            cut--;
    }
    struct buf b;
    buf_init(&b, r->arena, 4096);
    buf_adds(&b, lieu_field_names[f]);
    buf_addlit(&b, " : « ");
    buf_add(&b, value, cut);
    if (cut < len)
        buf_addlit(&b, "…");
    buf_addlit(&b, " » ");
    buf_adds(&b, tail);
    p->message = buf_cstr(&b);
}

#define NAME(f) lieu_field_names[f]

/* Adds a problem about field f whose message starts with "field : « value » ". */
#define PROBLEM(r, f, sev, rule, p, len, fmt, ...)                                                 \
    lieu_report_add((r), (f), NULL, (sev), (rule), (p), (len), "%s : « %s » " fmt, NAME(f),        \
                    quoted((r)->arena, (p), (len)), ##__VA_ARGS__)

static void report_missing(struct lieu_report *r, enum lieu_field f)
{
    struct lieu_problem *p = report_push(r, (int)f, NULL, LIEU_ERROR, LR_REQUIRED, NULL, 0);
    p->message = arena_printf(r->arena, "%s : champ obligatoire manquant", NAME(f));
}

static inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

static inline bool is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* pivot: ^[a-zA-Z0-9]{9,14}$ (SIRET 14 digits, SIREN 9, RNA W + 9, RIDET of Nouvelle-Calédonie). */
static void check_pivot(struct lieu_report *r, const char *s, size_t len)
{
    bool ok = len >= 9 && len <= 14;
    for (size_t i = 0; ok && i < len; i++)
        ok = is_alnum(s[i]);
    if (!ok) {
        report_quoted(
            r, LF_PIVOT, LIEU_ERROR, LR_FORMAT, s, len,
            "doit compter 9 à 14 lettres ou chiffres sans espace ni ponctuation (SIRET, RNA "
            "ou RIDET)");
        return;
    }
    if (len == 14 && memcmp(s, "00000000000000", 14) == 0)
        report_quoted(r, LF_PIVOT, LIEU_WARNING, LR_PIVOT_PLACEHOLDER, s, len,
                      "est un pivot fictif : indiquez le SIRET de la structure (ou son RNA)");
}

/* code_postal: ^\d{5}$ */
static void check_code_postal(struct lieu_report *r, const char *s, size_t len)
{
    bool ok = len == 5;
    for (size_t i = 0; ok && i < len; i++)
        ok = is_digit(s[i]);
    if (!ok)
        report_quoted(r, LF_CODE_POSTAL, LIEU_ERROR, LR_FORMAT, s, len, "doit compter 5 chiffres");
}

/* code_insee: ^([013-9]\d|2[AB1-9])\d{3}$ */
static void check_code_insee(struct lieu_report *r, const char *s, size_t len)
{
    bool ok = len == 5 && is_digit(s[2]) && is_digit(s[3]) && is_digit(s[4]);
    if (ok) {
        if (s[0] == '2')
            ok = s[1] == 'A' || s[1] == 'B' || (s[1] >= '1' && s[1] <= '9');
        else
            ok = is_digit(s[0]) && is_digit(s[1]);
    }
    if (!ok)
        report_quoted(r, LF_CODE_INSEE, LIEU_ERROR, LR_FORMAT, s, len,
                      "n'est pas un code INSEE de commune : 5 caractères, le département (01 à 19, "
                      "2A, 2B, 21 à 95, 971 à 988…) puis des chiffres");
}

/* latitude, longitude: type number (dot decimal); WGS84 degrees, so within their ranges. */
static bool check_coordinate(struct lieu_report *r, enum lieu_field f, const char *s, size_t len,
                             double *out)
{
    double limit = f == LF_LATITUDE ? 90 : 180;
    if (!lieu_parse_number(s, len, out)) {
        bool comma = memchr(s, ',', len) != NULL;
        PROBLEM(r, f, LIEU_ERROR, LR_NUMBER, s, len, "n'est pas un nombre%s",
                comma ? " : le séparateur décimal est le point, pas la virgule" : "");
        return false;
    }
    if (*out < -limit || *out > limit) {
        PROBLEM(r, f, LIEU_ERROR, LR_RANGE, s, len,
                "doit être comprise entre %g et %g (degrés "
                "WGS84)",
                -limit, limit);
        return false;
    }
    return true;
}

static void check_coordinates(struct lieu_report *r, const struct lieu_row *row,
                              const size_t lens[LIEU_N_FIELDS])
{
    const char *lat = row->v[LF_LATITUDE], *lon = row->v[LF_LONGITUDE];
    bool has_lat = lat && lens[LF_LATITUDE], has_lon = lon && lens[LF_LONGITUDE];
    double y = 0, x = 0;
    bool ok_lat = has_lat && check_coordinate(r, LF_LATITUDE, lat, lens[LF_LATITUDE], &y);
    bool ok_lon = has_lon && check_coordinate(r, LF_LONGITUDE, lon, lens[LF_LONGITUDE], &x);
    if (has_lat != has_lon) {
        enum lieu_field missing = has_lat ? LF_LONGITUDE : LF_LATITUDE;
        lieu_report_add(r, missing, NULL, LIEU_WARNING, LR_COORDINATES, NULL, 0,
                        "%s : manquante alors que %s est remplie ; la position sera ignorée",
                        NAME(missing), NAME(has_lat ? LF_LATITUDE : LF_LONGITUDE));
        return;
    }
    if (ok_lat && ok_lon && !geo_in_france(y, x)) {
        bool swapped = geo_in_france(x, y);
        lieu_report_add(r, LF_LATITUDE, NULL, LIEU_WARNING, LR_OUTSIDE_FRANCE, lat, strlen(lat),
                        "latitude, longitude : (%s, %s) est hors de France (métropole et "
                        "outre-mer)%s",
                        quoted(r->arena, lat, strlen(lat)), quoted(r->arena, lon, strlen(lon)),
                        swapped ? " ; latitude et longitude semblent inversées" : "");
    }
}

/* telephone: ^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$ */
static const char *const phone_prefixes[] = {"33",  "590", "594", "262", "596",
                                             "269", "687", "689", "508", "681"};

static void check_phone(struct lieu_report *r, const char *s, size_t len)
{
    size_t digits = 0;
    bool plus_digits = len > 1 && s[0] == '+';
    for (size_t i = 1; plus_digits && i < len; i++)
        plus_digits = is_digit(s[i]);
    const char *prefix = NULL;
    if (plus_digits) {
        digits = len - 1;
        for (size_t k = 0; k < sizeof(phone_prefixes) / sizeof(phone_prefixes[0]); k++) {
            size_t pl = strlen(phone_prefixes[k]);
            if (digits >= pl + 6 && digits <= pl + 9 && memcmp(s + 1, phone_prefixes[k], pl) == 0) {
                prefix = phone_prefixes[k];
                break;
            }
        }
    }
    if (!prefix) {
        if (memchr(s, '|', len) || memchr(s, ';', len) || memchr(s, '/', len)) {
            report_quoted(r, LF_TELEPHONE, LIEU_ERROR, LR_FORMAT, s, len,
                          "ne doit contenir qu'un seul numéro, au format international sans espace "
                          "(+33123456789)");
            return;
        }
        /* A national number written with separators: say what it should be. */
        char national[16];
        size_t n = 0;
        for (size_t i = 0; i < len && n < sizeof(national) - 1; i++)
            if (is_digit(s[i]))
                national[n++] = s[i];
            else if (s[i] != ' ' && s[i] != '.' && s[i] != '-')
                n = sizeof(national); /* not a plain number */
        if (n == 10 && national[0] == '0' && s[0] == '0')
            PROBLEM(r, LF_TELEPHONE, LIEU_ERROR, LR_FORMAT, s, len,
                    "doit être au format international sans espace : +33%.9s", national + 1);
        else
            report_quoted(
                r, LF_TELEPHONE, LIEU_ERROR, LR_FORMAT, s, len,
                "doit être au format international sans espace : +33 (ou +262, +269, +508, "
                "+590, +594, +596, +681, +687, +689) suivi de 6 à 9 chiffres");
        return;
    }
    /* The pattern holds; now the numbering plans it is meant for. Metropolitan and DROM numbers
     * have 9 digits after the country code and never keep the trunk 0. */
    size_t rest = digits - strlen(prefix);
    const char *first = s + 1 + strlen(prefix);
    bool nine = strcmp(prefix, "33") == 0 || strcmp(prefix, "262") == 0 ||
                strcmp(prefix, "590") == 0 || strcmp(prefix, "594") == 0 ||
                strcmp(prefix, "596") == 0;
    if (nine && (rest != 9 || *first == '0'))
        PROBLEM(r, LF_TELEPHONE, LIEU_WARNING, LR_PHONE_SUSPECT, s, len,
                "semble incomplet ou faux : après +%s viennent 9 chiffres, sans le 0 initial",
                prefix);
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* date_maj: type date, format default = ISO 8601 YYYY-MM-DD, a real calendar day. */
static void check_date(struct lieu_report *r, const char *s, size_t len)
{
    bool ok = len == 10 && s[4] == '-' && s[7] == '-';
    for (size_t i = 0; ok && i < 10; i++)
        ok = i == 4 || i == 7 || is_digit(s[i]);
    if (ok) {
        int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        int m = (s[5] - '0') * 10 + (s[6] - '0');
        int d = (s[8] - '0') * 10 + (s[9] - '0');
        static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        ok =
            y >= 1 && m >= 1 && m <= 12 && d >= 1 && d <= days[m - 1] + (m == 2 && leap(y) ? 1 : 0);
    }
    if (!ok)
        report_quoted(r, LF_DATE_MAJ, LIEU_ERROR, LR_DATE, s, len,
                      "n'est pas une date au format AAAA-MM-JJ (par exemple 2024-04-02)");
}

/* Lower-case ASCII, spaces dropped: the key under which a near miss finds its value. */
static size_t loose_key(const char *p, size_t len, char *out, size_t cap)
{
    size_t n = 0;
    for (size_t i = 0; i < len && n < cap; i++) {
        char c = p[i];
        if (c == ' ' || c == '\t')
            continue;
        out[n++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    return n;
}

/* The allowed value that item nearly is (case, spaces), or NULL. Only on the error path. */
static const char *near_value(enum lieu_field f, const char *item, size_t len)
{
    unsigned n;
    const char *const *vals = lieu_vocab(f, &n);
    char a[128], b[128];
    size_t la = loose_key(item, len, a, sizeof(a));
    for (unsigned i = 0; i < n; i++) {
        size_t lb = loose_key(vals[i], strlen(vals[i]), b, sizeof(b));
        if (la == lb && memcmp(a, b, la) == 0)
            return vals[i];
    }
    return NULL;
}

static void add_value_problem(struct lieu_report *r, enum lieu_field f, const char *item,
                              size_t len)
{
    unsigned n;
    const char *const *vals = lieu_vocab(f, &n);
    const char *near = near_value(f, item, len);
    if (memchr(item, ';', len)) {
        report_quoted(
            r, f, LIEU_ERROR, LR_VALUE, item, len,
            "n'est pas une valeur admise : les valeurs d'une liste se séparent par | et non par "
            "un point-virgule");
        return;
    }
    if (near) {
        PROBLEM(r, f, LIEU_ERROR, LR_VALUE, item, len,
                "n'est pas une valeur admise ; vouliez-vous dire « %s » ?", near);
        return;
    }
    struct buf all;
    buf_init(&all, r->arena, 4096);
    for (unsigned i = 0; i < n; i++) {
        if (i)
            buf_addlit(&all, ", ");
        buf_adds(&all, vals[i]);
    }
    PROBLEM(r, f, LIEU_ERROR, LR_VALUE, item, len,
            "n'est pas une valeur admise ; valeurs possibles : %s", buf_cstr(&all));
}

/*
 * An enumerated column: pattern (?:(?:^|\|)(V1|V2|…))+$, a non-empty '|'-list of allowed values,
 * duplicates allowed, no spaces around '|'. The pattern also admits one leading '|' (the
 * alternative \| can open the list): that passes with a warning. typologie (no pattern in the
 * schema) gets warnings only.
 */
static void check_enum_list(struct lieu_report *r, enum lieu_field f, const char *s, size_t len)
{
    bool strict = lieu_fields[f].kind == LK_ENUM_LIST;
    enum lieu_severity sev = strict ? LIEU_ERROR : LIEU_WARNING;
    const char *p = s, *end = s + len;
    if (len > 1 && *p == '|') {
        report_quoted(r, f, LIEU_WARNING, LR_LIST_EDGE, s, len, "commence par un | superflu");
        p++;
    }
    for (;;) {
        const char *bar = memchr(p, '|', (size_t)(end - p));
        const char *item_end = bar ? bar : end;
        size_t n = (size_t)(item_end - p);
        if (n == 0)
            report_quoted(r, f, sev, LR_LIST, s, len,
                          "contient un élément vide : séparez les valeurs par un seul |, sans | au "
                          "début ni à la fin");
        else if (lieu_value_index(f, p, n) < 0) {
            if (strict)
                add_value_problem(r, f, p, n);
            else
                report_quoted(r, f, LIEU_WARNING, LR_TYPOLOGIE, p, n,
                              "n'est pas un code de la liste des typologies de data·inclusion ; la "
                              "cartographie nationale le refusera");
        }
        if (!bar)
            break;
        p = bar + 1;
    }
}

static size_t utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static bool looks_like_email(const char *p, size_t n)
{
    const char *at = memchr(p, '@', n);
    if (!at || at == p || memchr(at + 1, '@', n - (size_t)(at + 1 - p)))
        return false;
    const char *domain = at + 1, *end = p + n;
    const char *dot = memchr(domain, '.', (size_t)(end - domain));
    if (!dot || dot == domain || end[-1] == '.')
        return false;
    for (const char *c = p; c < end; c++)
        if (*c == ' ' || *c == ',' || *c == ';' || *c == '<' || *c == '>' ||
            (unsigned char)*c < 0x20)
            return false;
    return true;
}

static bool looks_like_url(const char *p, size_t n)
{
    size_t skip;
    if (n > 8 && strncasecmp(p, "https://", 8) == 0)
        skip = 8;
    else if (n > 7 && strncasecmp(p, "http://", 7) == 0)
        skip = 7;
    else
        return false;
    if (p[skip] == '/' || p[skip] == '.')
        return false;
    for (size_t i = skip; i < n; i++)
        if (p[i] == ' ' || (unsigned char)p[i] < 0x20)
            return false;
    return true;
}

/* courriels, site_web, fiche_acces_libre, prise_rdv: no pattern in the schema, so a value that does
 * not look like an address is a warning. */
static void check_contact_list(struct lieu_report *r, enum lieu_field f, const char *s, size_t len,
                               bool list)
{
    bool email = f == LF_COURRIELS;
    const char *p = s, *end = s + len;
    for (;;) {
        const char *bar = list ? memchr(p, '|', (size_t)(end - p)) : NULL;
        const char *item_end = bar ? bar : end;
        size_t n = (size_t)(item_end - p);
        if (email ? !looks_like_email(p, n) : !looks_like_url(p, n))
            report_quoted(r, f, LIEU_WARNING, email ? LR_EMAIL_SUSPECT : LR_URL_SUSPECT, p, n,
                          email ? "ne ressemble pas à une adresse électronique (une seule par "
                                  "élément, séparées par |)"
                                : "ne ressemble pas à une adresse web commençant par https:// "
                                  "ou http://");
        if (!bar)
            break;
        p = bar + 1;
    }
}

/*
 * The last value of each enumerated field that passed without a problem, per thread: files repeat
 * the same lists row after row (services, frais_a_charge, typologie…), and check_enum_list is a
 * function of the field and the text alone, so a value equal to the last clean one is clean again
 * at the cost of one comparison. Longer values are not kept.
 */
#define CLEAN_MEMO_BYTES 480

struct clean_memo {
    size_t len; /* 0: nothing kept (a checked value is never empty) */
    char text[CLEAN_MEMO_BYTES];
};

static _Thread_local struct clean_memo clean_memos[LIEU_N_FIELDS];

static void check_enum_list_memo(struct lieu_report *r, enum lieu_field f, const char *s,
                                 size_t len)
{
    struct clean_memo *m = &clean_memos[f];
    if (m->len == len && memcmp(m->text, s, len) == 0)
        return;
    size_t before = r->n;
    check_enum_list(r, f, s, len);
    if (r->n == before && len <= CLEAN_MEMO_BYTES) {
        memcpy(m->text, s, len);
        m->len = len;
    }
}

int lieu_validate(const struct lieu_row *row, struct lieu_report *r)
{
    size_t len[LIEU_N_FIELDS];
    for (unsigned f = 0; f < LIEU_N_FIELDS; f++)
        len[f] = row->v[f] ? strlen(row->v[f]) : 0;
    return lieu_validate_lengths(row, len, r);
}

int lieu_validate_lengths(const struct lieu_row *row, const size_t lens[LIEU_N_FIELDS],
                          struct lieu_report *r)
{
    size_t errors_before = r->n_errors;
    for (unsigned f = 0; f < LIEU_N_FIELDS; f++) {
        const struct lieu_field_def *d = &lieu_fields[f];
        const char *s = row->v[f];
        size_t len = lens[f];
        if (!s || !len) {
            if (d->required)
                report_missing(r, (enum lieu_field)f);
            continue;
        }
        switch (d->kind) {
        case LK_PIVOT:
            check_pivot(r, s, len);
            break;
        case LK_CODE_POSTAL:
            check_code_postal(r, s, len);
            break;
        case LK_CODE_INSEE:
            check_code_insee(r, s, len);
            break;
        case LK_NUMBER: /* both at once, below */
            break;
        case LK_PHONE:
            check_phone(r, s, len);
            break;
        case LK_DATE:
            check_date(r, s, len);
            break;
        case LK_ENUM_LIST:
        case LK_CODE_LIST:
            check_enum_list_memo(r, (enum lieu_field)f, s, len);
            break;
        case LK_EMAIL_LIST:
        case LK_URL_LIST:
            check_contact_list(r, (enum lieu_field)f, s, len, true);
            break;
        case LK_URL:
            check_contact_list(r, (enum lieu_field)f, s, len, false);
            break;
        case LK_TEXT:
        case LK_ID:
        case LK_OPENING_HOURS:
        case LK_FREE_LIST:
            break;
        }
        if (d->max_chars && len > d->max_chars) {
            size_t chars = utf8_chars(s, len);
            if (chars > d->max_chars)
                lieu_report_add(r, (int)f, NULL, LIEU_ERROR, LR_MAX_LENGTH, s, len,
                                "%s : %zu caractères, %u au plus", NAME(f), chars, d->max_chars);
        }
    }
    check_coordinates(r, row, lens);
    return r->n_errors > errors_before ? ERR_INVALID : 0;
}

/* The set of ids seen in a file: open addressing over heap copies. */
struct lieu_unique_slot {
    char *id;
    size_t line;
    uint64_t hash;
};

void lieu_unique_init(struct lieu_unique *u) { memset(u, 0, sizeof(*u)); }

void lieu_unique_release(struct lieu_unique *u)
{
    for (size_t i = 0; i < u->cap; i++)
        free(u->slots[i].id);
    free(u->slots);
    lieu_unique_init(u);
}

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return h;
}

static struct lieu_unique_slot *unique_find(struct lieu_unique_slot *slots, size_t cap,
                                            const char *id, uint64_t h)
{
    size_t i = (size_t)h & (cap - 1);
    while (slots[i].id && !(slots[i].hash == h && strcmp(slots[i].id, id) == 0))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

bool lieu_unique_add(struct lieu_unique *u, const char *id, size_t line, size_t *first_line)
{
    if (!id || !*id)
        return true; /* a missing id is the required rule's business */
    if ((u->n + 1) * 2 > u->cap) {
        size_t cap = u->cap ? u->cap * 2 : 1024;
        struct lieu_unique_slot *slots = xcalloc(cap, sizeof(*slots));
        for (size_t i = 0; i < u->cap; i++)
            if (u->slots[i].id)
                *unique_find(slots, cap, u->slots[i].id, u->slots[i].hash) = u->slots[i];
        free(u->slots);
        u->slots = slots;
        u->cap = cap;
    }
    uint64_t h = fnv1a(id);
    struct lieu_unique_slot *s = unique_find(u->slots, u->cap, id, h);
    if (s->id) {
        *first_line = s->line;
        return false;
    }
    *s = (struct lieu_unique_slot){xstrdup(id), line, h};
    u->n++;
    return true;
}
