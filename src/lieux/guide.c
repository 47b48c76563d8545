/*
 * The printed guide: read the published lieux, group and sort them, turn each into a pango layout,
 * flow the layouts into two columns per page, lay out the index from the pages found, then draw
 * every page once into a cairo PDF surface. Units are PostScript points (1/72 in), the PDF's own.
 */
#include "core/limits.h"
#include "lieux/guide.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/log.h"
#include "lieux/horaires.h"
#include "lieux/lieu.h"
#include "lieux/standard.h"
#include "lieux/store.h"

#include <cairo-pdf.h>
#include <dirent.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>

/* A4 portrait, margins of about 15 mm; the running header sits in the top margin. */
#define PAGE_W 595.276
#define PAGE_H 841.890
#define MARGIN_X 42.0
#define BODY_TOP 64.0
#define BODY_BOTTOM (PAGE_H - 50.0)
#define GUTTER 20.0
#define COL_W ((PAGE_W - 2 * MARGIN_X - GUTTER) / 2)
#define FULL_W (PAGE_W - 2 * MARGIN_X)
#define INDEX_PAGE_W 22.0 /* the page number column of an index entry */

/* Atkinson Hyperlegible is Relais's typeface (the web pages use it); fontconfig falls back to the
 * condensed DejaVu, which keeps two columns of 9 pt text readable. */
#define FONT_FAMILY "Atkinson Hyperlegible,DejaVu Sans Condensed,DejaVu Sans"
#define SIZE_BODY 9.0
#define SIZE_NAME 10.5
#define SIZE_COMMUNE 13.0
#define SIZE_SMALL 7.5
#define LINE_SPACING 1.12f

/* The palette of the web theme (web/scss/relais.scss): a deep teal, no State marks. */
struct rgb {
    double r, g, b;
};
static const struct rgb C_TEXT = {0x0b / 255.0, 0x0c / 255.0, 0x0c / 255.0};
static const struct rgb C_BRAND = {0x00 / 255.0, 0x69 / 255.0, 0x5c / 255.0};
static const struct rgb C_HEADER = {0x0b / 255.0, 0x4f / 255.0, 0x4a / 255.0};
static const struct rgb C_SURFACE = {0xf2 / 255.0, 0xf7 / 255.0, 0xf6 / 255.0};
static const struct rgb C_BORDER = {0x8b / 255.0, 0xba / 255.0, 0xb4 / 255.0};
static const struct rgb C_MUTED = {0x4a / 255.0, 0x55 / 255.0, 0x54 / 255.0};

#define LAYOUT_TEXT_MAX (64 * 1024) /* one lieu's text; far above any real row */

/* ---- Names and dates ------------------------------------------------------------------------ */

/* clang-format off */
static const struct {
    const char *code, *nom;
} DEPARTEMENTS[] = {
    {"01", "Ain"}, {"02", "Aisne"}, {"03", "Allier"}, {"04", "Alpes-de-Haute-Provence"},
    {"05", "Hautes-Alpes"}, {"06", "Alpes-Maritimes"}, {"07", "Ardèche"}, {"08", "Ardennes"},
    {"09", "Ariège"}, {"10", "Aube"}, {"11", "Aude"}, {"12", "Aveyron"},
    {"13", "Bouches-du-Rhône"}, {"14", "Calvados"}, {"15", "Cantal"}, {"16", "Charente"},
    {"17", "Charente-Maritime"}, {"18", "Cher"}, {"19", "Corrèze"}, {"2A", "Corse-du-Sud"},
    {"2B", "Haute-Corse"}, {"21", "Côte-d'Or"}, {"22", "Côtes-d'Armor"}, {"23", "Creuse"},
    {"24", "Dordogne"}, {"25", "Doubs"}, {"26", "Drôme"}, {"27", "Eure"},
    {"28", "Eure-et-Loir"}, {"29", "Finistère"}, {"30", "Gard"}, {"31", "Haute-Garonne"},
    {"32", "Gers"}, {"33", "Gironde"}, {"34", "Hérault"}, {"35", "Ille-et-Vilaine"},
    {"36", "Indre"}, {"37", "Indre-et-Loire"}, {"38", "Isère"}, {"39", "Jura"},
    {"40", "Landes"}, {"41", "Loir-et-Cher"}, {"42", "Loire"}, {"43", "Haute-Loire"},
    {"44", "Loire-Atlantique"}, {"45", "Loiret"}, {"46", "Lot"}, {"47", "Lot-et-Garonne"},
    {"48", "Lozère"}, {"49", "Maine-et-Loire"}, {"50", "Manche"}, {"51", "Marne"},
    {"52", "Haute-Marne"}, {"53", "Mayenne"}, {"54", "Meurthe-et-Moselle"}, {"55", "Meuse"},
    {"56", "Morbihan"}, {"57", "Moselle"}, {"58", "Nièvre"}, {"59", "Nord"},
    {"60", "Oise"}, {"61", "Orne"}, {"62", "Pas-de-Calais"}, {"63", "Puy-de-Dôme"},
    {"64", "Pyrénées-Atlantiques"}, {"65", "Hautes-Pyrénées"}, {"66", "Pyrénées-Orientales"},
    {"67", "Bas-Rhin"}, {"68", "Haut-Rhin"}, {"69", "Rhône"}, {"70", "Haute-Saône"},
    {"71", "Saône-et-Loire"}, {"72", "Sarthe"}, {"73", "Savoie"}, {"74", "Haute-Savoie"},
    {"75", "Paris"}, {"76", "Seine-Maritime"}, {"77", "Seine-et-Marne"}, {"78", "Yvelines"},
    {"79", "Deux-Sèvres"}, {"80", "Somme"}, {"81", "Tarn"}, {"82", "Tarn-et-Garonne"},
    {"83", "Var"}, {"84", "Vaucluse"}, {"85", "Vendée"}, {"86", "Vienne"},
    {"87", "Haute-Vienne"}, {"88", "Vosges"}, {"89", "Yonne"}, {"90", "Territoire de Belfort"},
    {"91", "Essonne"}, {"92", "Hauts-de-Seine"}, {"93", "Seine-Saint-Denis"},
    {"94", "Val-de-Marne"}, {"95", "Val-d'Oise"}, {"971", "Guadeloupe"}, {"972", "Martinique"},
    {"973", "Guyane"}, {"974", "La Réunion"}, {"975", "Saint-Pierre-et-Miquelon"},
    {"976", "Mayotte"}, {"977", "Saint-Barthélemy"}, {"978", "Saint-Martin"},
    {"986", "Wallis-et-Futuna"}, {"987", "Polynésie française"}, {"988", "Nouvelle-Calédonie"},
};
/* clang-format on */

const char *guide_departement_nom(const char *code)
{
    if (!code)
        return NULL;
    for (size_t i = 0; i < sizeof(DEPARTEMENTS) / sizeof(DEPARTEMENTS[0]); i++)
        if (strcasecmp(DEPARTEMENTS[i].code, code) == 0)
            return DEPARTEMENTS[i].nom;
    return NULL;
}

static const char *const MOIS[12] = {"janvier",   "février", "mars",     "avril",
                                     "mai",       "juin",    "juillet",  "août",
                                     "septembre", "octobre", "novembre", "décembre"};

/* "26 novembre 2026", "1er mars 2024". Lifetime: arena. */
static const char *date_french(struct arena *a, int year, int month, int day)
{
    if (month < 1 || month > 12)
        return "";
    /* No-break spaces: a date is never split across two lines. */
    return arena_printf(a, "%d%s\u00a0%s\u00a0%d", day, day == 1 ? "er" : "", MOIS[month - 1],
                        year);
}

/* The date of an ISO "YYYY-MM-DD" (what date_maj holds), in French; "" when it is not one. */
static const char *iso_date_french(struct arena *a, const char *iso)
{
    int y, m, d;
    if (!iso || strlen(iso) != 10 || sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return "";
    return date_french(a, y, m, d);
}

/* A date_maj worth printing as the date of the data: ISO, and not before 2000, because exports
 * write 1970-01-01 (time zero) where they had no date. */
static bool iso_date_valid(const char *s)
{
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || strcmp(s, "2000") < 0)
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    return true;
}

/* ---- French ordering ------------------------------------------------------------------------ */

/* The sort key of a name: case and accents folded by utf8proc, œ/æ spelled out, hyphens and
 * apostrophes read as spaces, runs of spaces collapsed. "Saint-Même" and "SAINT MEME" give the same
 * key, and "Écuras" sorts between "Dignac" and "Exideuil" as a French reader expects. Arena. */
static char *fold(struct arena *a, const char *s)
{
    utf8proc_uint8_t *m = NULL;
    utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)(s ? s : ""), 0, &m,
                                      UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                          UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK);
    const char *src = n >= 0 ? (const char *)m : (s ? s : "");
    size_t len = strlen(src);
    char *out = arena_alloc(a, 2 * len + 1);
    size_t o = 0;
    bool space = true; /* drops leading spaces and collapses runs */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)src[i];
        const char *rep = NULL;
        size_t skip = 0;
        if (c == 0xC5 && (unsigned char)src[i + 1] == 0x93)
            rep = "oe", skip = 1;
        else if (c == 0xC3 && (unsigned char)src[i + 1] == 0xA6)
            rep = "ae", skip = 1;
        else if (c == 0xE2 && (unsigned char)src[i + 1] == 0x80 &&
                 ((unsigned char)src[i + 2] == 0x99 || (unsigned char)src[i + 2] == 0x93))
            rep = " ", skip = 2; /* ’ and – */
        else if (c == '-' || c == '\'' || c == '_' || c == ',' || c == '.' || c == '/' ||
                 c == ' ' || c < 0x20)
            rep = " ";
        else if (n < 0 && c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        i += skip;
        if (rep && rep[0] == ' ') {
            if (!space)
                out[o++] = ' ';
            space = true;
            continue;
        }
        if (rep) {
            out[o++] = rep[0];
            out[o++] = rep[1];
        } else {
            out[o++] = (char)c;
        }
        space = false;
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
    free(m); /* utf8proc_map allocates with malloc */
    return out;
}

/* The grouping key of a commune: the folded name with the abbreviations "st" and "ste" spelled
 * out, so that "BARBEZIEUX ST HILAIRE" joins "Barbezieux-Saint-Hilaire". Arena. */
static char *commune_key(struct arena *a, const char *nom)
{
    const char *f = fold(a, nom);
    struct buf b;
    buf_init(&b, a, 4 * strlen(f) + 16);
    const char *p = f;
    while (*p) {
        const char *e = strchr(p, ' ');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 2 && memcmp(p, "st", 2) == 0)
            buf_addlit(&b, "saint");
        else if (n == 3 && memcmp(p, "ste", 3) == 0)
            buf_addlit(&b, "sainte");
        else
            buf_add(&b, p, n);
        p += n;
        if (*p == ' ') {
            buf_addch(&b, ' ');
            p++;
        }
    }
    return (char *)buf_cstr(&b);
}

static bool has_lowercase(const char *s)
{
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_int32_t cp;
    utf8proc_ssize_t n;
    while (*p && (n = utf8proc_iterate(p, -1, &cp)) > 0) {
        if (utf8proc_islower(cp))
            return true;
        p += n;
    }
    return false;
}

static bool is_particle(const char *w, size_t n)
{
    static const char *const PARTICLES[] = {"le", "la",  "les",  "de",  "du", "des", "d",   "l",
                                            "en", "sur", "sous", "aux", "au", "et",  "lès", "lez"};
    for (size_t i = 0; i < sizeof(PARTICLES) / sizeof(PARTICLES[0]); i++)
        if (strlen(PARTICLES[i]) == n && memcmp(PARTICLES[i], w, n) == 0)
            return true;
    return false;
}

/* A commune written in capitals, in the usual form of French place names: "SAINT-MÊME-LES-
 * CARRIÈRES" -> "Saint-Même-les-Carrières", "L'ISLE-D'ESPAGNAC" -> "L'Isle-d'Espagnac". Arena. */
static char *title_case(struct arena *a, const char *s)
{
    size_t len = strlen(s);
    char *lower = arena_alloc(a, 4 * len + 1);
    size_t o = 0;
    const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
    utf8proc_int32_t cp;
    utf8proc_ssize_t n;
    while (*p && (n = utf8proc_iterate(p, -1, &cp)) > 0) {
        o += (size_t)utf8proc_encode_char(utf8proc_tolower(cp), (utf8proc_uint8_t *)lower + o);
        p += n;
    }
    lower[o] = '\0';
    char *out = arena_alloc(a, 4 * o + 1);
    size_t w = 0;
    bool first_word = true;
    for (size_t i = 0; i < o;) {
        size_t j = i;
        while (j < o && lower[j] != ' ' && lower[j] != '-' && lower[j] != '\'')
            j++;
        if (j > i) {
            bool cap = first_word || !is_particle(lower + i, j - i);
            utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)lower + i,
                                                  (utf8proc_ssize_t)(j - i), &cp);
            if (cap && k > 0) {
                w +=
                    (size_t)utf8proc_encode_char(utf8proc_toupper(cp), (utf8proc_uint8_t *)out + w);
                memcpy(out + w, lower + i + k, j - i - (size_t)k);
                w += j - i - (size_t)k;
            } else {
                memcpy(out + w, lower + i, j - i);
                w += j - i;
            }
            first_word = false;
        }
        if (j < o)
            out[w++] = lower[j];
        i = j + 1;
    }
    out[w] = '\0';
    return out;
}

/* How well a spelling of a commune is written: mixed case beats capitals, accents beat none,
 * hyphens (the official form) beat spaces. */
static int spelling_score(const char *s)
{
    int score = has_lowercase(s) ? 4 : 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p >= 0x80) {
            score += 2;
            break;
        }
    if (strchr(s, '-'))
        score += 1;
    return score;
}

/* ---- The lieux ------------------------------------------------------------------------------ */

/* The fields that the guide prints; the others are not copied out of the store's row arena. */
static const enum lieu_field PRINTED[] = {
    LF_NOM,
    LF_COMMUNE,
    LF_CODE_POSTAL,
    LF_ADRESSE,
    LF_COMPLEMENT_ADRESSE,
    LF_TELEPHONE,
    LF_COURRIELS,
    LF_SITE_WEB,
    LF_HORAIRES,
    LF_SOURCE,
    LF_ITINERANCE,
    LF_DATE_MAJ,
    LF_SERVICES,
    LF_PUBLICS_SPECIFIQUEMENT_ADRESSES,
    LF_PRISE_EN_CHARGE_SPECIFIQUE,
    LF_FRAIS_A_CHARGE,
    LF_MODALITES_ACCES,
    LF_PRISE_RDV,
};

struct block;

struct lieu {
    int64_t id;
    const char *v[LIEU_N_FIELDS];
    const char *commune_key, *name_key;
    size_t commune;
    struct block *block;
    int page, col; /* where its first line landed */
    double y;
};

struct commune {
    const char *nom;
    size_t first, n; /* range in the sorted lieux */
};

struct collect {
    struct arena *a;
    struct lieu *lieux;
    size_t n, cap;
    int err;
};

static int collect_one(const struct lieu_record *r, void *ctx)
{
    struct collect *c = ctx;
    if (c->n >= LIMIT_GUIDE_LIEUX) {
        c->err = ERR_TOO_BIG;
        return 1;
    }
    c->lieux = arena_push(c->a, c->lieux, c->n, &c->cap, sizeof(*c->lieux));
    struct lieu *l = &c->lieux[c->n++];
    memset(l, 0, sizeof(*l));
    l->id = r->id;
    for (size_t i = 0; i < sizeof(PRINTED) / sizeof(PRINTED[0]); i++) {
        const char *v = r->row.v[PRINTED[i]];
        l->v[PRINTED[i]] = v && *v ? arena_strdup(c->a, v) : NULL;
    }
    l->commune_key = commune_key(c->a, l->v[LF_COMMUNE] ? l->v[LF_COMMUNE] : "");
    l->name_key = fold(c->a, l->v[LF_NOM] ? l->v[LF_NOM] : "");
    return 0;
}

/* Compares two folded keys on their letters and digits first, as French dictionaries do
 * ("La Couronne" before "L'Isle-d'Espagnac"), then on the whole key. */
static int key_cmp(const char *a, const char *b)
{
    const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
    for (;;) {
        while (*p == ' ')
            p++;
        while (*q == ' ')
            q++;
        if (*p != *q || !*p)
            break;
        p++, q++;
    }
    if (*p != *q)
        return *p < *q ? -1 : 1;
    return strcmp(a, b);
}

static int lieu_order(const void *pa, const void *pb)
{
    const struct lieu *x = pa, *y = pb;
    int c = key_cmp(x->commune_key, y->commune_key);
    if (c == 0)
        c = key_cmp(x->name_key, y->name_key);
    if (c == 0 && x->v[LF_NOM] && y->v[LF_NOM])
        c = strcmp(x->v[LF_NOM], y->v[LF_NOM]);
    if (c == 0)
        c = x->id < y->id ? -1 : x->id > y->id;
    return c;
}

/* Groups the sorted lieux by commune key and picks each group's best spelling. Arena. */
static struct commune *group_communes(struct arena *a, struct lieu *lieux, size_t n, size_t *n_out)
{
    struct commune *cs = NULL;
    size_t nc = 0, cap = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        const char *best = lieux[i].v[LF_COMMUNE] ? lieux[i].v[LF_COMMUNE] : "";
        int best_score = spelling_score(best);
        while (j < n && strcmp(lieux[j].commune_key, lieux[i].commune_key) == 0) {
            const char *s = lieux[j].v[LF_COMMUNE] ? lieux[j].v[LF_COMMUNE] : "";
            int sc = spelling_score(s);
            if (sc > best_score)
                best = s, best_score = sc;
            lieux[j].commune = nc;
            j++;
        }
        cs = arena_push(a, cs, nc, &cap, sizeof(*cs));
        cs[nc].nom = !*best                ? "Commune non renseignée"
                     : has_lowercase(best) ? best
                                           : title_case(a, best);
        cs[nc].first = i;
        cs[nc].n = j - i;
        nc++;
        i = j;
    }
    *n_out = nc;
    return cs;
}

/* ---- Rich text: the text of a layout and its attributes, built together ---------------------- */

enum style { ST_PLAIN, ST_NAME, ST_LABEL, ST_MUTED, ST_LINK, ST_COMMUNE, ST_BOLD };

struct link {
    unsigned start, end; /* byte range in the layout's text */
    const char *uri;     /* external target; NULL for an internal one */
    int page;            /* internal target */
    double x, y;
};

struct rich {
    struct arena *a;
    struct buf text;
    PangoAttrList *attrs;
    struct link *links;
    size_t n_links, cap_links;
};

static void rich_init(struct rich *r, struct arena *a)
{
    memset(r, 0, sizeof(*r));
    r->a = a;
    buf_init(&r->text, a, LAYOUT_TEXT_MAX);
    r->attrs = pango_attr_list_new();
}

static void attr_add(struct rich *r, PangoAttribute *at, size_t start, size_t end)
{
    at->start_index = (guint)start;
    at->end_index = (guint)end;
    pango_attr_list_insert(r->attrs, at);
}

static void attr_color(struct rich *r, struct rgb c, size_t start, size_t end)
{
    attr_add(r,
             pango_attr_foreground_new((guint16)(c.r * 65535), (guint16)(c.g * 65535),
                                       (guint16)(c.b * 65535)),
             start, end);
}

/* Appends n bytes in a style. Control characters (tabs, stray newlines of a field) become spaces
 * so that a field never breaks the layout of the block; rich_nl ends a line. */
static void rich_add(struct rich *r, enum style st, const char *s, size_t n)
{
    size_t start = r->text.len;
    for (size_t i = 0; i < n; i++) {
        char c = (unsigned char)s[i] < 0x20 ? ' ' : s[i];
        if (c == ' ' && r->text.len && r->text.p[r->text.len - 1] == ' ')
            continue; /* "Commune de  Ligné": runs of spaces print as one */
        buf_addch(&r->text, c);
    }
    size_t end = r->text.len;
    if (end == start)
        return;
    switch (st) {
    case ST_PLAIN:
        break;
    case ST_NAME:
        attr_add(r, pango_attr_weight_new(PANGO_WEIGHT_BOLD), start, end);
        attr_add(r, pango_attr_size_new((int)(SIZE_NAME * PANGO_SCALE)), start, end);
        attr_color(r, C_HEADER, start, end);
        break;
    case ST_COMMUNE:
        attr_add(r, pango_attr_weight_new(PANGO_WEIGHT_BOLD), start, end);
        attr_add(r, pango_attr_size_new((int)(SIZE_COMMUNE * PANGO_SCALE)), start, end);
        attr_color(r, C_HEADER, start, end);
        break;
    case ST_LABEL:
        attr_add(r, pango_attr_weight_new(PANGO_WEIGHT_BOLD), start, end);
        attr_color(r, C_HEADER, start, end);
        break;
    case ST_BOLD:
        attr_add(r, pango_attr_weight_new(PANGO_WEIGHT_BOLD), start, end);
        break;
    case ST_MUTED:
        attr_color(r, C_MUTED, start, end);
        break;
    case ST_LINK:
        attr_color(r, C_BRAND, start, end);
        break;
    }
}

/* Ends a line of the block (a paragraph for pango). */
static void rich_nl(struct rich *r) { buf_addch(&r->text, '\n'); }

static void rich_adds(struct rich *r, enum style st, const char *s)
{
    if (s)
        rich_add(r, st, s, strlen(s));
}

/* Appends the text of a link and records its target (external uri, or an internal page). */
static void rich_link(struct rich *r, enum style st, const char *text, const char *uri, int page,
                      double x, double y)
{
    unsigned start = (unsigned)r->text.len;
    rich_adds(r, st, text);
    r->links = arena_push(r->a, r->links, r->n_links, &r->cap_links, sizeof(*r->links));
    r->links[r->n_links++] = (struct link){
        start, (unsigned)r->text.len, uri ? arena_strdup(r->a, uri) : NULL, page, x, y};
}

/* ---- Blocks and the column flow ------------------------------------------------------------- */

enum block_kind { BK_COMMUNE, BK_LIEU, BK_SERVICE, BK_ENTRY, BK_NOTE, BK_CONTINUED };

struct line_pos {
    double top, bottom, baseline, x; /* from the top-left of the layout */
};

struct block {
    enum block_kind kind;
    PangoLayout *layout;
    struct line_pos *lines;
    int n_lines;
    double pad_top, pad_bottom; /* inside the block, around the text */
    double space_before;        /* dropped at the top of a column */
    double height;
    bool keep_with_next;
    size_t ref; /* commune, lieu or service index */
    struct link *links;
    size_t n_links;
    int page_ref;      /* BK_ENTRY: the page printed at its right */
    const char *group; /* BK_LIEU: its commune; BK_ENTRY: its service (for "(suite)") */
};

struct placement {
    struct block *block;
    int from, to; /* lines [from, to) */
    int page, col;
    double y;        /* top of this part, pad included */
    bool rule_above; /* a hairline between two lieux */
};

struct guide {
    struct arena *a;
    PangoContext *pango;
    PangoFontDescription *font;
    struct lieu *lieux;
    size_t n_lieux;
    struct commune *communes;
    size_t n_communes;
    struct block **blocks;
    size_t n_blocks, cap_blocks;
    struct placement *places;
    size_t n_places, cap_places;
    struct block **continued; /* "Angoulême (suite)" labels made by the flow */
    size_t n_continued, cap_continued;
    const char *dep_code, *dep_nom, *title, *generated, *date_max, *date_min;
    const char *services[GUIDE_N_SERVICES];
    size_t *service_lieux[GUIDE_N_SERVICES];
    size_t n_service_lieux[GUIDE_N_SERVICES];
    int lieux_first, index_first, sources_page, pages;
    /* for the running header: the first and last commune on each page (-1: none) */
    long *page_first_commune, *page_last_commune;
};

static PangoLayout *layout_new(struct guide *g, double width, double size)
{
    PangoLayout *l = pango_layout_new(g->pango);
    PangoFontDescription *d = pango_font_description_copy(g->font);
    pango_font_description_set_size(d, (gint)(size * PANGO_SCALE));
    pango_layout_set_font_description(l, d);
    pango_font_description_free(d);
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_line_spacing(l, LINE_SPACING);
    return l;
}

/* Measures a layout's lines (for drawing them one by one and splitting a block across columns). */
static void block_measure(struct guide *g, struct block *b)
{
    int n = pango_layout_get_line_count(b->layout);
    b->lines = arena_calloc(g->a, (size_t)(n > 0 ? n : 1), sizeof(*b->lines));
    PangoLayoutIter *it = pango_layout_get_iter(b->layout);
    int i = 0;
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        b->lines[i].top = (double)logical.y / PANGO_SCALE;
        b->lines[i].x = (double)logical.x / PANGO_SCALE;
        b->lines[i].baseline = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
        i++;
    } while (i < n && pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    b->n_lines = i;
    int w, h;
    pango_layout_get_size(b->layout, &w, &h);
    for (int k = 0; k < i; k++)
        b->lines[k].bottom = k + 1 < i ? b->lines[k + 1].top : (double)h / PANGO_SCALE;
    b->height = b->pad_top + (double)h / PANGO_SCALE + b->pad_bottom;
}

static struct block *block_add(struct guide *g, enum block_kind kind, struct rich *r, double width,
                               double size)
{
    struct block *b = arena_calloc(g->a, 1, sizeof(*b));
    b->kind = kind;
    b->layout = layout_new(g, width, size);
    pango_layout_set_text(b->layout, buf_cstr(&r->text), (int)r->text.len);
    pango_layout_set_attributes(b->layout, r->attrs);
    pango_attr_list_unref(r->attrs);
    r->attrs = NULL;
    b->links = r->links;
    b->n_links = r->n_links;
    g->blocks = arena_push(g->a, g->blocks, g->n_blocks, &g->cap_blocks, sizeof(*g->blocks));
    g->blocks[g->n_blocks++] = b;
    return b;
}

struct flow {
    int page, col;
    double y;
    bool empty; /* nothing yet in this column */
    double top; /* top of the columns on the current page */
};

static void flow_next_column(struct flow *f)
{
    if (f->col == 0) {
        f->col = 1;
    } else {
        f->page++;
        f->col = 0;
        f->top = BODY_TOP;
    }
    f->y = f->top;
    f->empty = true;
}

static void place(struct guide *g, struct block *b, int from, int to, struct flow *f, bool rule)
{
    g->places = arena_push(g->a, g->places, g->n_places, &g->cap_places, sizeof(*g->places));
    g->places[g->n_places++] = (struct placement){b, from, to, f->page, f->col, f->y, rule};
}

/* At the top of a column that goes on with the lieux of a commune (or the entries of a service),
 * a small reminder of which one: "Angoulême (suite)". */
static void place_continued(struct guide *g, const struct block *b, struct flow *f)
{
    struct rich r;
    rich_init(&r, g->a);
    rich_adds(&r, ST_BOLD, b->group);
    rich_adds(&r, ST_PLAIN, " (suite)");
    attr_color(&r, C_MUTED, 0, r.text.len);
    struct block *c = arena_calloc(g->a, 1, sizeof(*c));
    c->kind = BK_CONTINUED;
    c->layout = layout_new(g, COL_W, SIZE_SMALL + 0.5);
    pango_layout_set_text(c->layout, buf_cstr(&r.text), (int)r.text.len);
    pango_layout_set_attributes(c->layout, r.attrs);
    pango_attr_list_unref(r.attrs);
    c->pad_bottom = 4;
    block_measure(g, c);
    g->continued =
        arena_push(g->a, g->continued, g->n_continued, &g->cap_continued, sizeof(*g->continued));
    g->continued[g->n_continued++] = c;
    place(g, c, 0, c->n_lines, f, false);
    f->y += c->height;
}

/* The height a block needs before the next one may start: all of it when it fits in a column,
 * else its first three lines (the rest goes on). */
static double height_to_keep(const struct block *b)
{
    if (b->height <= BODY_BOTTOM - BODY_TOP)
        return b->height;
    int k = b->n_lines < 3 ? b->n_lines : 3;
    return b->pad_top + (k > 0 ? b->lines[k - 1].bottom : 0);
}

/* Flows blocks [first, last) into the columns. A block goes whole into the first column that
 * holds it; only a block taller than a whole column is split, at line boundaries. A block that
 * keeps with the next one (a heading) moves on unless the next one fits beside it. */
static void flow_blocks(struct guide *g, size_t first, size_t last, struct flow *f)
{
    for (size_t i = first; i < last; i++) {
        struct block *b = g->blocks[i];
        double need = b->height;
        if (b->keep_with_next && i + 1 < last)
            need += g->blocks[i + 1]->space_before + height_to_keep(g->blocks[i + 1]);
        double space = f->empty ? 0 : b->space_before;
        if (i > first && g->blocks[i - 1]->keep_with_next && space > 6)
            space = 6; /* closer to its heading than to its neighbours */
        if (!f->empty && f->y + space + need > BODY_BOTTOM) {
            flow_next_column(f);
            space = 0;
        }
        if (f->empty && i > first && b->kind == g->blocks[i - 1]->kind &&
            (b->kind == BK_LIEU || b->kind == BK_ENTRY))
            place_continued(g, b, f);
        bool rule = b->kind == BK_LIEU && !f->empty && i > 0 && g->blocks[i - 1]->kind == BK_LIEU;
        f->y += space;
        if (f->y + b->height <= BODY_BOTTOM) {
            place(g, b, 0, b->n_lines, f, rule);
            f->y += b->height;
            f->empty = false;
            continue;
        }
        /* Taller than what is left of an empty column: split at line boundaries. */
        int from = 0;
        while (from < b->n_lines) {
            double base = from == 0 ? -b->pad_top : b->lines[from].top;
            int to = from;
            while (to < b->n_lines && f->y + (b->lines[to].bottom - base) +
                                              (to + 1 == b->n_lines ? b->pad_bottom : 0) <=
                                          BODY_BOTTOM)
                to++;
            if (to == from)
                to = from + 1; /* a line taller than a column: drawn anyway */
            place(g, b, from, to, f, rule && from == 0);
            f->y += b->lines[to - 1].bottom - base + (to == b->n_lines ? b->pad_bottom : 0);
            f->empty = false;
            from = to;
            if (from < b->n_lines)
                flow_next_column(f);
        }
    }
}

/* ---- Content of the blocks ------------------------------------------------------------------ */

/* A French number written the way people dial it: "+33545123456" -> "05 45 12 34 56", with
 * no-break spaces so that it stays on one line. Other forms are printed as they are. Arena. */
static const char *phone_french(struct arena *a, const char *t)
{
    if (strncmp(t, "+33", 3) == 0 && strlen(t) == 12 && strspn(t + 3, "0123456789") == 9)
        return arena_printf(a, "0%c\u00a0%.2s\u00a0%.2s\u00a0%.2s\u00a0%.2s", t[3], t + 4, t + 6,
                            t + 8, t + 10);
    return t;
}

/* An address as printed: without the scheme, without the final slash. Borrowed from url or arena.
 */
static const char *url_shown(struct arena *a, const char *url)
{
    const char *s = url;
    if (strncasecmp(s, "https://", 8) == 0)
        s += 8;
    else if (strncasecmp(s, "http://", 7) == 0)
        s += 7;
    size_t n = strlen(s);
    if (n > 1 && s[n - 1] == '/')
        return arena_strndup(a, s, n - 1);
    return s;
}

/* A '|'-list, items joined with ", ". */
static void add_list(struct rich *r, const char *list)
{
    const char *p = list;
    bool first = true;
    while (p && *p) {
        const char *e = strchr(p, '|');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n) {
            if (!first)
                rich_add(r, ST_PLAIN, ", ", 2);
            rich_add(r, ST_PLAIN, p, n);
            first = false;
        }
        p = e ? e + 1 : NULL;
    }
}

static void add_field(struct rich *r, const char *label, const char *list)
{
    if (!list)
        return;
    rich_nl(r);
    rich_adds(r, ST_LABEL, label);
    rich_add(r, ST_PLAIN, " ", 1);
    add_list(r, list);
}

/* A '|'-list of links (sites, e-mails), each a link to scheme + item. */
static void add_links(struct rich *r, const char *label, const char *list, const char *scheme)
{
    if (!list)
        return;
    rich_nl(r);
    rich_adds(r, ST_LABEL, label);
    rich_add(r, ST_PLAIN, " ", 1);
    const char *p = list;
    bool first = true;
    while (*p) {
        const char *e = strchr(p, '|');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n) {
            char *item = arena_strndup(r->a, p, n);
            if (!first)
                rich_add(r, ST_PLAIN, ", ", 2);
            const char *uri = item;
            if (scheme)
                uri = arena_printf(r->a, "%s%s", scheme, item);
            else if (strncasecmp(item, "http://", 7) != 0 && strncasecmp(item, "https://", 8) != 0)
                uri = arena_printf(r->a, "https://%s", item);
            rich_link(r, ST_LINK, scheme ? item : url_shown(r->a, item), uri, 0, 0, 0);
            first = false;
        }
        if (!e)
            break;
        p = e + 1;
    }
}

static bool list_has(const char *list, const char *item)
{
    size_t n = strlen(item);
    const char *p = list;
    while (p && *p) {
        const char *e = strchr(p, '|');
        size_t m = e ? (size_t)(e - p) : strlen(p);
        if (m == n && memcmp(p, item, n) == 0)
            return true;
        p = e ? e + 1 : NULL;
    }
    return false;
}

/* The French rendering of the hours, one rule per line ("du lundi au jeudi, …" then "vendredi,
 * …"), with no-break spaces where French typography wants them, so that a line never ends inside
 * "12 h 30". */
static void add_hours(struct rich *r, const char *s, size_t n)
{
    size_t done = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != ' ')
            continue;
        if (i + 2 < n && s[i + 1] == ';' && s[i + 2] == ' ') {
            rich_add(r, ST_PLAIN, s + done, i - done);
            rich_nl(r);
            rich_adds(r, ST_PLAIN, "\u2003"); /* under the hanging indent of the field */
            i += 2;
            done = i + 1;
            continue;
        }
        char prev = i > 0 ? s[i - 1] : '\0', next = i + 1 < n ? s[i + 1] : '\0';
        char after = i + 2 < n ? s[i + 2] : ' ';
        bool digit_h = prev >= '0' && prev <= '9' && next == 'h' &&
                       (after == ' ' || after == ',' || after == ';');
        bool h_digit = prev == 'h' && i >= 2 && s[i - 2] == ' ' && next >= '0' && next <= '9';
        if (digit_h || h_digit || next == ';' || next == ':') {
            rich_add(r, ST_PLAIN, s + done, i - done);
            rich_adds(r, ST_PLAIN, "\u00a0");
            done = i + 1;
        }
    }
    rich_add(r, ST_PLAIN, s + done, n - done);
}

static void lieu_block(struct guide *g, struct lieu *l)
{
    struct rich r;
    rich_init(&r, g->a);
    const char *const *v = l->v;
    rich_adds(&r, ST_NAME, v[LF_NOM] ? v[LF_NOM] : "Lieu sans nom");
    if (v[LF_ITINERANCE] && list_has(v[LF_ITINERANCE], "Itinérant")) {
        rich_nl(&r);
        rich_adds(&r, ST_MUTED, "Lieu itinérant : appelez pour connaître ses passages");
    }
    if (v[LF_ADRESSE] || v[LF_COMPLEMENT_ADRESSE]) {
        rich_nl(&r);
        rich_adds(&r, ST_PLAIN, v[LF_ADRESSE]);
        if (v[LF_ADRESSE] && v[LF_COMPLEMENT_ADRESSE])
            rich_add(&r, ST_PLAIN, ", ", 2);
        rich_adds(&r, ST_PLAIN, v[LF_COMPLEMENT_ADRESSE]);
    }
    rich_nl(&r);
    if (v[LF_CODE_POSTAL]) {
        rich_adds(&r, ST_PLAIN, v[LF_CODE_POSTAL]);
        rich_add(&r, ST_PLAIN, " ", 1);
    }
    rich_adds(&r, ST_PLAIN, g->communes[l->commune].nom);
    if (v[LF_TELEPHONE]) {
        rich_nl(&r);
        rich_adds(&r, ST_LABEL, "Tél.");
        rich_add(&r, ST_PLAIN, " ", 1);
        rich_link(&r, ST_LINK, phone_french(g->a, v[LF_TELEPHONE]),
                  arena_printf(g->a, "tel:%s", v[LF_TELEPHONE]), 0, 0, 0);
    }
    add_links(&r, "Courriel :", v[LF_COURRIELS], "mailto:");
    add_links(&r, "Site :", v[LF_SITE_WEB], NULL);
    if (v[LF_HORAIRES]) {
        /* In French when the value parses; otherwise as written, as the standard asks. */
        struct horaires *h;
        struct horaires_error herr;
        struct buf fr;
        buf_init(&fr, g->a, LIMIT_HORAIRES_BYTES * 4);
        if (horaires_parse(g->a, v[LF_HORAIRES], strlen(v[LF_HORAIRES]), &h, &herr) == 0) {
            horaires_set_calendar(h, horaires_calendar_for_departement(g->dep_code));
            horaires_french(h, &fr);
        }
        rich_nl(&r);
        rich_adds(&r, ST_LABEL, "Horaires :");
        rich_add(&r, ST_PLAIN, " ", 1);
        if (fr.len && buf_finish(&fr) == 0)
            add_hours(&r, fr.p, fr.len);
        else
            rich_adds(&r, ST_PLAIN, v[LF_HORAIRES]);
    }
    if (v[LF_SERVICES]) {
        rich_nl(&r);
        rich_adds(&r, ST_LABEL, "Services :");
        const char *p = v[LF_SERVICES];
        while (*p) {
            const char *e = strchr(p, '|');
            size_t n = e ? (size_t)(e - p) : strlen(p);
            if (n) {
                rich_nl(&r);
                rich_adds(&r, ST_PLAIN, "•\u2002");
                rich_add(&r, ST_PLAIN, p, n);
            }
            if (!e)
                break;
            p = e + 1;
        }
    }
    add_field(&r, "Publics :", v[LF_PUBLICS_SPECIFIQUEMENT_ADRESSES]);
    add_field(&r, "Prise en charge :", v[LF_PRISE_EN_CHARGE_SPECIFIQUE]);
    add_field(&r, "Frais :", v[LF_FRAIS_A_CHARGE]);
    add_field(&r, "Accès :", v[LF_MODALITES_ACCES]);
    if (v[LF_PRISE_RDV]) {
        rich_nl(&r);
        rich_adds(&r, ST_LABEL, "Prise de RDV en ligne :");
        rich_add(&r, ST_PLAIN, " ", 1);
        const char *u = v[LF_PRISE_RDV];
        bool web = strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0;
        rich_link(&r, ST_LINK, url_shown(g->a, u), web ? u : arena_printf(g->a, "https://%s", u), 0,
                  0, 0);
    }
    struct block *b = block_add(g, BK_LIEU, &r, COL_W, SIZE_BODY);
    /* Wrapped lines hang under the first word, so each field stands out from the next. */
    pango_layout_set_indent(b->layout, (int)(-10 * PANGO_SCALE));
    b->space_before = 11;
    b->ref = (size_t)(l - g->lieux);
    b->group = g->communes[l->commune].nom;
    l->block = b;
    block_measure(g, b);
}

static void commune_block(struct guide *g, size_t c)
{
    struct rich r;
    rich_init(&r, g->a);
    rich_adds(&r, ST_COMMUNE, g->communes[c].nom);
    struct block *b = block_add(g, BK_COMMUNE, &r, COL_W - 12, SIZE_BODY);
    b->pad_top = 4;
    b->pad_bottom = 4;
    b->space_before = 16;
    b->keep_with_next = true;
    b->ref = c;
    block_measure(g, b);
}

static void note_block(struct guide *g, const char *text, double width)
{
    struct rich r;
    rich_init(&r, g->a);
    rich_adds(&r, ST_MUTED, text);
    struct block *b = block_add(g, BK_NOTE, &r, width, SIZE_BODY);
    b->space_before = 4;
    block_measure(g, b);
}

/* ---- Drawing -------------------------------------------------------------------------------- */

static void set_color(cairo_t *cr, struct rgb c) { cairo_set_source_rgb(cr, c.r, c.g, c.b); }

static double col_x(int col) { return MARGIN_X + col * (COL_W + GUTTER); }

/* Writes an attribute string value for cairo's tag syntax: in single quotes, \ and ' escaped. */
static const char *tag_quote(struct arena *a, const char *s)
{
    struct buf b;
    buf_init(&b, a, 4 * strlen(s) + 8);
    buf_addch(&b, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '\\' || *p == '\'')
            buf_addch(&b, '\\');
        buf_addch(&b, *p);
    }
    buf_addch(&b, '\'');
    return buf_cstr(&b);
}

static void link_rect(struct guide *g, cairo_t *cr, const struct link *k, double x, double y,
                      double w, double h)
{
    const char *attrs =
        k->uri ? arena_printf(g->a, "rect=[%.2f %.2f %.2f %.2f] uri=%s", x, y, w, h,
                              tag_quote(g->a, k->uri))
               : arena_printf(g->a, "rect=[%.2f %.2f %.2f %.2f] page=%d pos=[%.2f %.2f]", x, y, w,
                              h, k->page, k->x, k->y);
    cairo_tag_begin(cr, CAIRO_TAG_LINK, attrs);
    cairo_tag_end(cr, CAIRO_TAG_LINK);
}

/* Draws lines [from, to) of a block with the top of line `from` at y; the links of those lines
 * become clickable areas. */
static void draw_lines(struct guide *g, cairo_t *cr, struct block *b, int from, int to, double x,
                       double y)
{
    double base = b->lines[from].top;
    for (int i = from; i < to; i++) {
        PangoLayoutLine *line = pango_layout_get_line_readonly(b->layout, i);
        cairo_move_to(cr, x + b->lines[i].x, y + b->lines[i].baseline - base);
        pango_cairo_show_layout_line(cr, line);
        for (size_t k = 0; k < b->n_links; k++) {
            const struct link *lk = &b->links[k];
            int ls = line->start_index, le = line->start_index + line->length;
            int s = (int)lk->start > ls ? (int)lk->start : ls;
            int e = (int)lk->end < le ? (int)lk->end : le;
            if (s >= e)
                continue;
            int x0, x1;
            pango_layout_line_index_to_x(line, s, 0, &x0);
            pango_layout_line_index_to_x(line, e, 0, &x1);
            if (x1 <= x0)
                continue;
            link_rect(g, cr, lk, x + b->lines[i].x + (double)x0 / PANGO_SCALE,
                      y + b->lines[i].top - base, (double)(x1 - x0) / PANGO_SCALE,
                      b->lines[i].bottom - b->lines[i].top);
        }
    }
}

/* Draws a whole layout at (x, y), top-left; returns its height. */
static double draw_layout(cairo_t *cr, PangoLayout *l, double x, double y)
{
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, l);
    int w, h;
    pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE;
}

/* A one-off layout of markup-free text in a style, for the fixed parts of the pages. */
static PangoLayout *simple_layout(struct guide *g, const char *text, double width, double size,
                                  bool bold)
{
    PangoLayout *l = layout_new(g, width, size);
    pango_layout_set_text(l, text, -1);
    if (bold) {
        PangoAttrList *at = pango_attr_list_new();
        pango_attr_list_insert(at, pango_attr_weight_new(PANGO_WEIGHT_BOLD));
        pango_layout_set_attributes(l, at);
        pango_attr_list_unref(at);
    }
    return l;
}

static double draw_text(struct guide *g, cairo_t *cr, const char *text, double x, double y,
                        double width, double size, bool bold, struct rgb c, PangoAlignment align)
{
    PangoLayout *l = simple_layout(g, text, width, size, bold);
    pango_layout_set_alignment(l, align);
    set_color(cr, c);
    double h = draw_layout(cr, l, x, y);
    g_object_unref(l);
    return h;
}

static void draw_header_footer(struct guide *g, cairo_t *cr, int page, const char *right)
{
    draw_text(g, cr, g->title, MARGIN_X, 26, FULL_W * 0.62, SIZE_SMALL, false, C_MUTED,
              PANGO_ALIGN_LEFT);
    if (right)
        draw_text(g, cr, right, MARGIN_X + FULL_W * 0.4, 26, FULL_W * 0.6, SIZE_SMALL, true,
                  C_HEADER, PANGO_ALIGN_RIGHT);
    set_color(cr, C_BRAND);
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, MARGIN_X, 42);
    cairo_line_to(cr, PAGE_W - MARGIN_X, 42);
    cairo_stroke(cr);
    const char *n = arena_printf(g->a, "page %d / %d", page, g->pages);
    draw_text(g, cr, n, MARGIN_X, PAGE_H - 34, FULL_W, SIZE_SMALL, false, C_MUTED,
              PANGO_ALIGN_CENTER);
}

static void draw_placement(struct guide *g, cairo_t *cr, const struct placement *p)
{
    struct block *b = p->block;
    double x = col_x(p->col);
    double y = p->y;
    if (p->from == 0)
        y += b->pad_top;
    if (p->rule_above) {
        set_color(cr, C_BORDER);
        cairo_set_line_width(cr, 0.4);
        cairo_move_to(cr, x, p->y - b->space_before / 2);
        cairo_line_to(cr, x + COL_W, p->y - b->space_before / 2);
        cairo_stroke(cr);
    }
    switch (b->kind) {
    case BK_COMMUNE: {
        double h = b->height;
        set_color(cr, C_SURFACE);
        cairo_rectangle(cr, x, p->y, COL_W, h);
        cairo_fill(cr);
        set_color(cr, C_BRAND);
        cairo_rectangle(cr, x, p->y, 3, h);
        cairo_fill(cr);
        x += 9;
        break;
    }
    case BK_SERVICE: {
        set_color(cr, C_BRAND);
        cairo_set_line_width(cr, 0.8);
        double yb = p->y + b->height - 1;
        cairo_move_to(cr, x, yb);
        cairo_line_to(cr, x + COL_W, yb);
        cairo_stroke(cr);
        break;
    }
    case BK_ENTRY:
        if (p->from == 0) {
            const char *n = arena_printf(g->a, "%d", b->page_ref);
            PangoLayout *l = simple_layout(g, n, INDEX_PAGE_W, SIZE_BODY, false);
            pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
            set_color(cr, C_TEXT);
            draw_layout(cr, l, x + COL_W - INDEX_PAGE_W, y);
            g_object_unref(l);
        }
        break;
    case BK_LIEU:
    case BK_NOTE:
    case BK_CONTINUED:
        break;
    }
    set_color(cr, C_TEXT);
    draw_lines(g, cr, b, p->from, p->to, x, y);
}

/* The title over the columns on the first page of a section; returns where the columns start. */
static double section_title_height(struct guide *g, const char *title, const char *intro)
{
    PangoLayout *t = simple_layout(g, title, FULL_W, 18, true);
    PangoLayout *i = simple_layout(g, intro, FULL_W, SIZE_BODY, false);
    int w, h1, h2;
    pango_layout_get_size(t, &w, &h1);
    pango_layout_get_size(i, &w, &h2);
    g_object_unref(t);
    g_object_unref(i);
    return BODY_TOP + (double)(h1 + h2) / PANGO_SCALE + 16;
}

static void draw_section_title(struct guide *g, cairo_t *cr, const char *title, const char *intro)
{
    double y = BODY_TOP;
    y += draw_text(g, cr, title, MARGIN_X, y, FULL_W, 18, true, C_HEADER, PANGO_ALIGN_LEFT);
    y += 2;
    draw_text(g, cr, intro, MARGIN_X, y, FULL_W, SIZE_BODY, false, C_MUTED, PANGO_ALIGN_LEFT);
}

static const char *const LIEUX_TITLE = "Les lieux, commune par commune";
static const char *const LIEUX_INTRO =
    "Communes dans l'ordre alphabétique ; dans chaque commune, les lieux dans l'ordre "
    "alphabétique de leur nom.";
static const char *const INDEX_TITLE = "Index par service";
static const char *const INDEX_INTRO =
    "Pour chacun des neuf services du référentiel national, les lieux qui le proposent, par "
    "commune, et la page où les trouver.";

static void draw_cover(struct guide *g, cairo_t *cr, size_t n_lieux)
{
    set_color(cr, C_HEADER);
    cairo_rectangle(cr, 0, 0, PAGE_W, 250);
    cairo_fill(cr);
    set_color(cr, C_BRAND);
    cairo_rectangle(cr, 0, 250, PAGE_W, 6);
    cairo_fill(cr);
    struct rgb white = {1, 1, 1};
    double y = 60;
    y += draw_text(g, cr, "Guide des lieux de médiation numérique", MARGIN_X, y, FULL_W, 26, true,
                   white, PANGO_ALIGN_LEFT);
    y += 10;
    draw_text(g, cr, arena_printf(g->a, "%s (%s)", g->dep_nom, g->dep_code), MARGIN_X, y, FULL_W,
              34, true, white, PANGO_ALIGN_LEFT);
    draw_text(g, cr, "Pour les professionnels qui orientent les habitants", MARGIN_X, 212, FULL_W,
              12, false, white, PANGO_ALIGN_LEFT);

    y = 280;
    const char *count =
        arena_printf(g->a, "%zu lieu%s dans %zu commune%s", n_lieux, n_lieux > 1 ? "x" : "",
                     g->n_communes, g->n_communes > 1 ? "s" : "");
    y += draw_text(g, cr, count, MARGIN_X, y, FULL_W, 16, true, C_HEADER, PANGO_ALIGN_LEFT);
    y += 4;
    if (*g->date_max)
        y += draw_text(g, cr, arena_printf(g->a, "Données mises à jour jusqu'au %s", g->date_max),
                       MARGIN_X, y, FULL_W, 11, false, C_TEXT, PANGO_ALIGN_LEFT);
    y += draw_text(g, cr, arena_printf(g->a, "Guide produit le %s", g->generated), MARGIN_X, y,
                   FULL_W, 11, false, C_TEXT, PANGO_ALIGN_LEFT);

    y += 22;
    y += draw_text(g, cr, "Comment utiliser ce guide", MARGIN_X, y, FULL_W, 13, true, C_HEADER,
                   PANGO_ALIGN_LEFT);
    y += 6;
    static const char *const FOREWORD[] = {
        "Ce guide recense les lieux du département où chacun peut se faire accompagner dans ses "
        "usages du numérique : démarches administratives en ligne, prise en main d'un "
        "ordinateur ou d'un téléphone, accès à internet, insertion professionnelle… Il "
        "s'adresse aux professionnels qui orientent les personnes : travailleurs sociaux, agents "
        "d'accueil, secrétaires de mairie, médiateurs.",
        "Les lieux sont classés par commune, dans l'ordre alphabétique. Pour chacun figurent son "
        "adresse, ses contacts, ses horaires, les services proposés, les publics accueillis en "
        "priorité et les conditions d'accès. L'index par service, en fin de guide, donne pour "
        "chaque besoin les lieux qui y répondent et la page où les trouver.",
        "Avant d'orienter une personne, appelez le lieu quand c'est possible : horaires et "
        "modalités changent, et un rendez-vous évite un déplacement inutile.",
        "Ce guide est produit par Relais à partir des données ouvertes des lieux de médiation "
        "numérique, décrites selon le schéma national des lieux de médiation numérique et "
        "publiées sous Licence Ouverte 2.0 (Etalab). Les informations sont celles que les lieux "
        "et leurs réseaux ont déclarées.",
    };
    for (size_t i = 0; i < sizeof(FOREWORD) / sizeof(FOREWORD[0]); i++)
        y += draw_text(g, cr, FOREWORD[i], MARGIN_X, y, FULL_W, 10.5, false, C_TEXT,
                       PANGO_ALIGN_LEFT) +
             6;

    y += 14;
    y += draw_text(g, cr, "Sommaire", MARGIN_X, y, FULL_W, 13, true, C_HEADER, PANGO_ALIGN_LEFT);
    y += 6;
    const struct {
        const char *title;
        int page;
    } toc[] = {
        {LIEUX_TITLE, g->lieux_first},
        {INDEX_TITLE, g->index_first},
        {"Sources et date des données", g->sources_page},
    };
    for (size_t i = 0; i < sizeof(toc) / sizeof(toc[0]); i++) {
        double h = draw_text(g, cr, toc[i].title, MARGIN_X, y, FULL_W - 40, 10.5, false, C_TEXT,
                             PANGO_ALIGN_LEFT);
        draw_text(g, cr, arena_printf(g->a, "page %d", toc[i].page), MARGIN_X + FULL_W - 80, y, 80,
                  10.5, false, C_TEXT, PANGO_ALIGN_RIGHT);
        struct link k = {0, 0, NULL, toc[i].page, MARGIN_X, BODY_TOP};
        link_rect(g, cr, &k, MARGIN_X, y, FULL_W, h);
        y += h + 3;
    }
}

struct source_count {
    const char *name;
    size_t n;
};

static int source_count_order(const void *pa, const void *pb)
{
    const struct source_count *x = pa, *y = pb;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->name, y->name);
}

static void draw_sources(struct guide *g, cairo_t *cr)
{
    /* Who collected the data: the `source` field, most frequent first. */
    struct source_count *sc = NULL;
    size_t ns = 0, cap = 0;
    for (size_t i = 0; i < g->n_lieux; i++) {
        const char *s = g->lieux[i].v[LF_SOURCE] ? g->lieux[i].v[LF_SOURCE] : "non précisée";
        size_t k = 0;
        while (k < ns && strcmp(sc[k].name, s) != 0)
            k++;
        if (k == ns) {
            sc = arena_push(g->a, sc, ns, &cap, sizeof(*sc));
            sc[ns++] = (struct source_count){s, 0};
        }
        sc[k].n++;
    }
    if (ns)
        qsort(sc, ns, sizeof(*sc), source_count_order);
    struct buf producers;
    buf_init(&producers, g->a, 64 * 1024);
    for (size_t k = 0; k < ns; k++)
        buf_addf(&producers, "%s%s (%zu)", k ? ", " : "", sc[k].name, sc[k].n);

    double y = BODY_TOP;
    y += draw_text(g, cr, "Sources et date des données", MARGIN_X, y, FULL_W, 18, true, C_HEADER,
                   PANGO_ALIGN_LEFT);
    y += 12;
    struct labelled {
        const char *label, *text;
    } paras[6];
    size_t np = 0;
    paras[np++] = (struct labelled){
        "Données",
        arena_printf(g->a,
                     "les lieux de médiation numérique publiés dans Relais pour le département "
                     "%s (%s), décrits selon le schéma national des lieux de médiation numérique "
                     "(version %s) : %zu lieu%s dans %zu commune%s.",
                     g->dep_nom, g->dep_code, LIEU_STANDARD_VERSION, g->n_lieux,
                     g->n_lieux > 1 ? "x" : "", g->n_communes, g->n_communes > 1 ? "s" : "")};
    if (*g->date_max)
        paras[np++] = (struct labelled){
            "Date des données",
            arena_printf(g->a,
                         "chaque lieu porte la date de sa dernière mise à jour déclarée ; la plus "
                         "ancienne est du %s, la plus récente du %s.",
                         g->date_min, g->date_max)};
    if (ns)
        paras[np++] =
            (struct labelled){"Producteurs des données (nombre de lieux)",
                              arena_printf(g->a, "%s.",
                                           buf_finish(&producers) ? "trop nombreux pour être cités"
                                                                  : buf_cstr(&producers))};
    paras[np++] = (struct labelled){
        "Licence", "Licence Ouverte / Open Licence 2.0 (Etalab). Ces données peuvent être "
                   "réutilisées librement, en mentionnant leur source et leur date."};
    paras[np++] = (struct labelled){
        "Édition", arena_printf(g->a, "guide produit par Relais le %s.", g->generated)};
    paras[np++] = (struct labelled){
        "Une information est inexacte ?",
        "Signalez-la à la structure qui gère le lieu ou à la coordination départementale de la "
        "médiation numérique, qui la corrigera dans Relais pour la prochaine édition."};
    for (size_t i = 0; i < np; i++) {
        struct rich r;
        rich_init(&r, g->a);
        rich_adds(&r, ST_LABEL, paras[i].label);
        rich_adds(&r, ST_LABEL, i + 1 == np ? " " : " : ");
        rich_adds(&r, ST_PLAIN, paras[i].text);
        PangoLayout *l = layout_new(g, FULL_W, 10.5);
        pango_layout_set_text(l, buf_cstr(&r.text), (int)r.text.len);
        pango_layout_set_attributes(l, r.attrs);
        pango_attr_list_unref(r.attrs);
        set_color(cr, C_TEXT);
        y += draw_layout(cr, l, MARGIN_X, y) + 9;
        g_object_unref(l);
    }
}

/* ---- The document --------------------------------------------------------------------------- */

struct sink {
    int (*write)(void *ctx, const unsigned char *data, size_t len);
    void *ctx;
    bool failed;
};

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int len)
{
    struct sink *s = closure;
    if (s->failed || s->write(s->ctx, data, len) != 0) {
        s->failed = true;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    return CAIRO_STATUS_SUCCESS;
}

static void build_index(struct guide *g)
{
    unsigned nv = 0;
    const char *const *vocab = lieu_vocab(LF_SERVICES, &nv);
    ASSERT(nv == GUIDE_N_SERVICES);
    for (size_t s = 0; s < GUIDE_N_SERVICES; s++) {
        g->services[s] = vocab[s];
        size_t cap = 0;
        for (size_t i = 0; i < g->n_lieux; i++)
            if (list_has(g->lieux[i].v[LF_SERVICES], vocab[s])) {
                g->service_lieux[s] = arena_push(g->a, g->service_lieux[s], g->n_service_lieux[s],
                                                 &cap, sizeof(size_t));
                g->service_lieux[s][g->n_service_lieux[s]++] = i;
            }
        struct rich r;
        rich_init(&r, g->a);
        rich_adds(&r, ST_NAME, vocab[s]);
        size_t n = g->n_service_lieux[s];
        rich_nl(&r);
        rich_adds(&r, ST_MUTED, arena_printf(g->a, "%zu lieu%s", n, n > 1 ? "x" : ""));
        struct block *b = block_add(g, BK_SERVICE, &r, COL_W, SIZE_BODY);
        b->space_before = 16;
        b->pad_bottom = 5;
        b->keep_with_next = true;
        b->ref = s;
        block_measure(g, b);
        if (n == 0) {
            note_block(g, "Aucun lieu du département ne déclare ce service.", COL_W);
            continue;
        }
        for (size_t k = 0; k < n; k++) {
            const struct lieu *l = &g->lieux[g->service_lieux[s][k]];
            ASSERT(l->page > 0);
            struct rich e;
            rich_init(&e, g->a);
            /* Printed in black: on paper the name matters, on screen it is still a link. */
            rich_link(&e, ST_PLAIN, l->v[LF_NOM] ? l->v[LF_NOM] : "Lieu sans nom", NULL, l->page,
                      col_x(l->col), l->y);
            rich_adds(&e, ST_MUTED, ", ");
            rich_adds(&e, ST_MUTED, g->communes[l->commune].nom);
            struct block *eb = block_add(g, BK_ENTRY, &e, COL_W - INDEX_PAGE_W - 4, SIZE_BODY);
            pango_layout_set_indent(eb->layout, (int)(-10 * PANGO_SCALE));
            eb->space_before = 2.5;
            eb->ref = g->service_lieux[s][k];
            eb->page_ref = l->page;
            eb->group = vocab[s];
            block_measure(g, eb);
        }
    }
}

/* The file names of Atkinson Hyperlegible as the build writes them (woff2_decompress of the
 * @fontsource files): latin and latin-ext, 400 and 700 (the guide sets no italics). */
#define FONT_FILE_PREFIX "atkinson-hyperlegible-"
#define FONT_FILE_SUFFIX ".ttf"

static pthread_mutex_t fonts_lock = PTHREAD_MUTEX_INITIALIZER;
static char fonts_dir_done[4096]; /* the directory already registered ("" when none) */

int guide_fonts_register(const char *dir)
{
    if (!dir || !*dir)
        return 0;
    pthread_mutex_lock(&fonts_lock);
    int n = 0;
    if (strcmp(fonts_dir_done, dir) == 0) {
        n = -1; /* registered before: fontconfig keeps them for the process */
        goto done;
    }
    DIR *d = opendir(dir);
    if (!d)
        goto done;
    const struct dirent *e;
    size_t pre = strlen(FONT_FILE_PREFIX), suf = strlen(FONT_FILE_SUFFIX);
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len <= pre + suf || strncmp(e->d_name, FONT_FILE_PREFIX, pre) != 0 ||
            strcmp(e->d_name + len - suf, FONT_FILE_SUFFIX) != 0)
            continue;
        char path[4096 + 256];
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (FcConfigAppFontAddFile(NULL, (const FcChar8 *)path))
            n++;
        else
            log_error("guide: fontconfig refused %s", path);
    }
    closedir(d);
    if (n)
        snprintf(fonts_dir_done, sizeof(fonts_dir_done), "%s", dir);
done:
    pthread_mutex_unlock(&fonts_lock);
    if (n == 0)
        log_info("guide: no Atkinson Hyperlegible font in %s (make builds it with woff2_decompress):"
                 " the guide falls back to DejaVu Sans",
                 dir);
    return n < 0 ? 0 : n;
}

/* The font that pango picked for the body text (fontconfig may have substituted). Arena. */
static const char *font_used(struct guide *g)
{
    PangoFont *f = pango_context_load_font(g->pango, g->font);
    if (!f)
        return "?";
    PangoFontDescription *d = pango_font_describe(f);
    bool condensed = pango_font_description_get_stretch(d) < PANGO_STRETCH_NORMAL;
    const char *fam = arena_printf(g->a, "%s%s", pango_font_description_get_family(d),
                                   condensed ? " Condensed" : "");
    pango_font_description_free(d);
    g_object_unref(f);
    return fam;
}

static double elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

int guide_write(struct db *db, const struct guide_opts *opts,
                int (*write)(void *ctx, const unsigned char *data, size_t len), void *ctx,
                struct arena *a, struct guide_stats *out)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(out, 0, sizeof(*out));
    const char *nom =
        opts->departement_nom ? opts->departement_nom : guide_departement_nom(opts->departement);
    if (!opts->departement || !guide_departement_nom(opts->departement) || !nom)
        return ERR_INVALID;

    guide_fonts_register(opts->font_dir);

    /* Read everything first: a database failure must not leave half a PDF with the caller. */
    struct collect c = {.a = a};
    int rc = lieu_store_each(db, opts->departement, true, collect_one, &c);
    if (c.err)
        return c.err;
    if (rc)
        return rc;
    if (c.n)
        qsort(c.lieux, c.n, sizeof(*c.lieux), lieu_order);

    struct guide g = {.a = a, .lieux = c.lieux, .n_lieux = c.n, .dep_nom = nom};
    g.dep_code = opts->departement;
    g.communes = group_communes(a, g.lieux, g.n_lieux, &g.n_communes);
    g.title =
        arena_printf(a, "Guide des lieux de médiation numérique — %s (%s)", nom, opts->departement);
    time_t when = opts->generated_at ? opts->generated_at : time(NULL);
    struct tm tm;
    localtime_r(&when, &tm);
    g.generated = date_french(a, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    for (size_t i = 0; i < g.n_lieux; i++) {
        const char *d = g.lieux[i].v[LF_DATE_MAJ];
        if (!iso_date_valid(d))
            continue;
        if (!*out->date_maj_max || strcmp(d, out->date_maj_max) > 0)
            memcpy(out->date_maj_max, d, 11);
        if (!*out->date_maj_min || strcmp(d, out->date_maj_min) < 0)
            memcpy(out->date_maj_min, d, 11);
    }
    g.date_max = iso_date_french(a, out->date_maj_max);
    g.date_min = iso_date_french(a, out->date_maj_min);

    struct sink sink = {write, ctx, false};
    cairo_surface_t *surface =
        cairo_pdf_surface_create_for_stream(sink_write, &sink, PAGE_W, PAGE_H);
    cairo_t *cr = cairo_create(surface);
    /* Layouts are measured with the context of the PDF surface itself, so that what the flow
     * measures is exactly what is drawn (no hinting of metrics on PDF). */
    g.pango = pango_cairo_create_context(cr);
    pango_context_set_round_glyph_positions(g.pango, FALSE);
    /* Set, not parsed: from_string would read "Condensed" as a stretch for the whole list. */
    g.font = pango_font_description_new();
    pango_font_description_set_family_static(g.font, FONT_FAMILY);
    pango_font_description_set_size(g.font, (gint)(SIZE_BODY * PANGO_SCALE));

    /* The lieux, commune by commune, from page 2. */
    for (size_t k = 0; k < g.n_communes; k++) {
        commune_block(&g, k);
        for (size_t i = g.communes[k].first; i < g.communes[k].first + g.communes[k].n; i++)
            lieu_block(&g, &g.lieux[i]);
    }
    if (g.n_lieux == 0)
        note_block(&g,
                   "Aucun lieu de médiation numérique n'est publié pour ce département dans "
                   "Relais.",
                   COL_W);
    g.lieux_first = 2;
    double top = section_title_height(&g, LIEUX_TITLE, LIEUX_INTRO);
    struct flow f = {.page = g.lieux_first, .col = 0, .y = top, .empty = true, .top = top};
    flow_blocks(&g, 0, g.n_blocks, &f);
    size_t main_places = g.n_places;
    for (size_t i = 0; i < main_places; i++) {
        const struct placement *p = &g.places[i];
        if (p->block->kind == BK_LIEU && p->from == 0) {
            struct lieu *l = &g.lieux[p->block->ref];
            l->page = p->page, l->col = p->col, l->y = p->y;
        }
    }

    /* The index, from the page after the last lieu. */
    g.index_first = f.page + 1;
    size_t index_blocks = g.n_blocks;
    build_index(&g);
    top = section_title_height(&g, INDEX_TITLE, INDEX_INTRO);
    f = (struct flow){.page = g.index_first, .col = 0, .y = top, .empty = true, .top = top};
    flow_blocks(&g, index_blocks, g.n_blocks, &f);
    g.sources_page = f.page + 1;
    g.pages = g.sources_page;

    /* The running header of the lieux pages names the communes on the page, as a dictionary does.
     */
    g.page_first_commune = arena_calloc(a, (size_t)g.pages + 1, sizeof(long));
    g.page_last_commune = arena_calloc(a, (size_t)g.pages + 1, sizeof(long));
    for (int p = 0; p <= g.pages; p++)
        g.page_first_commune[p] = g.page_last_commune[p] = -1;
    for (size_t i = 0; i < main_places; i++) {
        const struct placement *p = &g.places[i];
        long cm = p->block->kind == BK_COMMUNE ? (long)p->block->ref
                  : p->block->kind == BK_LIEU  ? (long)g.lieux[p->block->ref].commune
                                               : -1;
        if (cm < 0)
            continue;
        if (g.page_first_commune[p->page] < 0)
            g.page_first_commune[p->page] = cm;
        g.page_last_commune[p->page] = cm;
    }

    /* Draw. */
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, g.title);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "Relais");
    char iso[32];
    strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%S", &tm);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, iso);
    draw_cover(&g, cr, g.n_lieux);
    cairo_show_page(cr);
    size_t next = 0;
    int outline_lieux = cairo_pdf_surface_add_outline(surface, CAIRO_PDF_OUTLINE_ROOT, LIEUX_TITLE,
                                                      arena_printf(a, "page=%d", g.lieux_first), 0);
    for (int page = 2; page <= g.pages; page++) {
        const char *right = NULL;
        if (page == g.sources_page) {
            right = "Sources";
        } else if (page >= g.index_first) {
            right = INDEX_TITLE;
        } else if (g.page_first_commune[page] >= 0) {
            long a0 = g.page_first_commune[page], a1 = g.page_last_commune[page];
            right = a0 == a1 ? g.communes[a0].nom
                             : arena_printf(a, "%s – %s", g.communes[a0].nom, g.communes[a1].nom);
        }
        draw_header_footer(&g, cr, page, right);
        if (page == g.lieux_first)
            draw_section_title(&g, cr, LIEUX_TITLE, LIEUX_INTRO);
        if (page == g.index_first) {
            draw_section_title(&g, cr, INDEX_TITLE, INDEX_INTRO);
            cairo_pdf_surface_add_outline(surface, CAIRO_PDF_OUTLINE_ROOT, INDEX_TITLE,
                                          arena_printf(a, "page=%d", page), 0);
        }
        if (page == g.sources_page) {
            draw_sources(&g, cr);
            cairo_pdf_surface_add_outline(surface, CAIRO_PDF_OUTLINE_ROOT,
                                          "Sources et date des données",
                                          arena_printf(a, "page=%d", page), 0);
        }
        for (; next < g.n_places && g.places[next].page == page; next++) {
            const struct placement *p = &g.places[next];
            if (p->block->kind == BK_COMMUNE && p->from == 0)
                cairo_pdf_surface_add_outline(
                    surface, outline_lieux, g.communes[p->block->ref].nom,
                    arena_printf(a, "page=%d pos=[%.2f %.2f]", page, col_x(p->col), p->y), 0);
            draw_placement(&g, cr, p);
        }
        cairo_show_page(cr);
    }
    ASSERT(next == g.n_places);

    /* The stats, before the layouts go. */
    out->pages = g.pages;
    out->lieux_first_page = g.lieux_first;
    out->index_first_page = g.index_first;
    out->sources_page = g.sources_page;
    out->n_lieux = g.n_lieux;
    out->lieux = arena_calloc(a, g.n_lieux ? g.n_lieux : 1, sizeof(*out->lieux));
    for (size_t i = 0; i < g.n_lieux; i++) {
        out->lieux[i].id = g.lieux[i].id;
        out->lieux[i].nom = g.lieux[i].v[LF_NOM] ? g.lieux[i].v[LF_NOM] : "";
        out->lieux[i].commune = g.lieux[i].commune;
        out->lieux[i].page = g.lieux[i].page;
    }
    out->n_communes = g.n_communes;
    out->communes = arena_calloc(a, g.n_communes ? g.n_communes : 1, sizeof(*out->communes));
    for (size_t k = 0; k < g.n_communes; k++)
        out->communes[k] = g.communes[k].nom;
    for (size_t s = 0; s < GUIDE_N_SERVICES; s++) {
        out->services[s].service = g.services[s];
        out->services[s].lieux = g.service_lieux[s];
        out->services[s].n = g.n_service_lieux[s];
    }
    out->font = font_used(&g);

    for (size_t i = 0; i < g.n_blocks; i++)
        g_object_unref(g.blocks[i]->layout);
    for (size_t i = 0; i < g.n_continued; i++)
        g_object_unref(g.continued[i]->layout);
    pango_font_description_free(g.font);
    g_object_unref(g.pango);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    cairo_status_t st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    out->ms = elapsed_ms(&t0);
    if (sink.failed)
        return ERR_IO;
    if (st != CAIRO_STATUS_SUCCESS) {
        log_error("guide: cairo: %s", cairo_status_to_string(st));
        return ERR_INTERNAL;
    }
    return 0;
}

static int file_write(void *ctx, const unsigned char *data, size_t len)
{
    return fwrite(data, 1, len, ctx) == len ? 0 : -1;
}

int guide_write_pdf(struct db *db, const struct guide_opts *opts, const char *path, struct arena *a,
                    struct guide_stats *out)
{
    const char *part = arena_printf(a, "%s.part", path);
    FILE *fp = fopen(part, "wb");
    if (!fp) {
        log_error("guide: %s: %s", part, strerror(errno));
        return ERR_IO;
    }
    int rc = guide_write(db, opts, file_write, fp, a, out);
    if (fclose(fp) != 0 && rc == 0)
        rc = ERR_IO;
    if (rc == 0 && rename(part, path) != 0) {
        log_error("guide: %s: %s", path, strerror(errno));
        rc = ERR_IO;
    }
    if (rc)
        unlink(part);
    return rc;
}
