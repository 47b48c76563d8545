#include "lieux/communes.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <time.h>
#include <utf8proc.h>

#include "core/alloc.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/str.h"

/* A normalised commune or locality name (the longest real one is under 60 bytes). */
#define NORM_MAX 256
/* A normalised query: folding can triple a character ("ǆ" gives "dz", "st" gives "saint"). */
#define QUERY_NORM_MAX (4 * LIMIT_QUERY_CHARS + 8)
/* Radius of the density proxy; see compute_density. */
#define DENSITY_RADIUS_KM 5.0
#define HASH_BITS 17

enum name_kind {
    NAME_START, /* the whole name */
    NAME_WORD,  /* the name from one of its words on ("etienne" in "saint etienne") */
    NAME_ALIAS, /* a La Poste locality ("ligne 5"), from its start or a word */
};

/* One entry of the sorted search index: key points into a normalised name, up to its end. */
struct name_entry {
    const char *key;
    uint32_t commune;
    uint8_t kind;
};

struct postcode_entry {
    char cp[6];
    uint32_t commune;
};

struct departement {
    char code[4];
    const char *nom;
};

struct communes {
    struct arena arena; /* every string of the table */
    struct commune *items;
    size_t n;
    uint32_t *slots;                  /* open addressing on the INSEE code: index + 1, 0 = empty */
    struct postcode_entry *postcodes; /* sorted by postcode, then population */
    size_t n_postcodes;
    struct name_entry *names; /* sorted by key */
    size_t n_names;
    /* The first 4 bytes of each key (zero-padded), beside names: the typo scan reads this compact
     * array and follows a key pointer only when its head could match (see head_may_match). */
    char (*heads)[4];
    struct departement *deps;
    size_t n_deps;
    double load_ms;
};

/* ------------------------------------------------------------------------------------------ */
/* Normalisation: what makes "Saint-Étienne", "ST ETIENNE" and "st etienne" the same key.       */

static size_t put_byte(char *out, size_t n, size_t cap, char ch)
{
    if (n + 1 < cap)
        out[n++] = ch;
    return n;
}

static size_t put_sep(char *out, size_t n, size_t cap)
{
    return (n > 0 && out[n - 1] != ' ') ? put_byte(out, n, cap, ' ') : n;
}

static size_t put_codepoint(char *out, size_t n, size_t cap, utf8proc_int32_t cp)
{
    if (cp < 128) {
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
            return put_byte(out, n, cap, (char)cp);
        if (cp >= 'A' && cp <= 'Z')
            return put_byte(out, n, cap, (char)(cp + 32));
        return put_sep(out, n, cap);
    }
    /* Ligatures are letters of their own in Unicode, but "Œ" is "oe" to anyone typing. */
    if (cp == 0x153)
        return put_byte(out, put_byte(out, n, cap, 'o'), cap, 'e');
    if (cp == 0xE6)
        return put_byte(out, put_byte(out, n, cap, 'a'), cap, 'e');
    utf8proc_category_t cat = utf8proc_category(cp);
    if (cat < UTF8PROC_CATEGORY_LU || cat > UTF8PROC_CATEGORY_NO)
        return put_sep(out, n, cap);
    utf8proc_uint8_t enc[4];
    utf8proc_ssize_t k = utf8proc_encode_char(cp, enc);
    if (n + (size_t)k + 1 > cap)
        return n;
    memcpy(out + n, enc, (size_t)k);
    return n + (size_t)k;
}

/* Folds case, strips accents, turns every run of non-letters into one space. */
static size_t fold(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = 0, i = 0;
    while (i < len) {
        unsigned char b = (unsigned char)s[i];
        if (b < 128) {
            n = put_codepoint(out, n, cap, b);
            i++;
            continue;
        }
        utf8proc_int32_t cp;
        utf8proc_ssize_t used =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);
        if (used <= 0) {
            n = put_sep(out, n, cap);
            i++;
            continue;
        }
        i += (size_t)used;
        utf8proc_int32_t parts[8];
        int boundclass = 0;
        utf8proc_ssize_t np = utf8proc_decompose_char(cp, parts, 8,
                                                      UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT |
                                                          UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK,
                                                      &boundclass);
        for (utf8proc_ssize_t k = 0; k < np && k < 8; k++)
            n = put_codepoint(out, n, cap, parts[k]);
    }
    if (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return n;
}

/* "st"/"ste" (and "sts"/"stes") are how La Poste and people write "saint"/"sainte". */
static const char *saint_form(const char *w, size_t len)
{
    static const struct {
        const char *abbr, *full;
    } forms[] = {{"st", "saint"}, {"ste", "sainte"}, {"sts", "saints"}, {"stes", "saintes"}};
    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
        if (strlen(forms[i].abbr) == len && memcmp(w, forms[i].abbr, len) == 0)
            return forms[i].full;
    return NULL;
}

/* Expands every "st" word; the last one is left alone when keep_last is set, since a query's
 * last word may be the start of a name ("st" for "Stains"). */
static size_t expand_saints(const char *in, size_t len, char *out, size_t cap, bool keep_last)
{
    size_t n = 0, i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && in[j] != ' ')
            j++;
        const char *full = (keep_last && j == len) ? NULL : saint_form(in + i, j - i);
        const char *w = full ? full : in + i;
        size_t wl = full ? strlen(full) : j - i;
        if (n + wl + 2 > cap)
            break;
        if (n)
            out[n++] = ' ';
        memcpy(out + n, w, wl);
        n += wl;
        i = j + 1;
    }
    out[n] = '\0';
    return n;
}

/* The search key of a name: folded, with every "st" expanded. */
static size_t normalise_name(const char *s, size_t len, char *out)
{
    char tmp[NORM_MAX];
    size_t n = fold(s, len, tmp, sizeof(tmp));
    return expand_saints(tmp, n, out, NORM_MAX, false);
}

/* ------------------------------------------------------------------------------------------ */
/* Reading the ';' files. They have no quoting (checked: not one '"'), so a line splits on ';'.   */

struct csv_file {
    char *data; /* heap, NUL-terminated */
    const char *p, *end;
    const char *path;
    size_t line;
};

static int csv_open(struct csv_file *f, const char *dir, const char *name, struct arena *a)
{
    memset(f, 0, sizeof(*f));
    f->path = arena_printf(a, "%s/%s", dir, name);
    FILE *fp = fopen(f->path, "rb");
    if (!fp) {
        log_error("communes : impossible d'ouvrir %s (%s)", f->path, strerror(errno));
        return ERR_IO;
    }
    size_t cap = 1 << 20, n = 0;
    f->data = xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            if (cap >= LIMIT_COMMUNES_FILE_BYTES) {
                log_error("communes : %s dépasse %d Mo", f->path, LIMIT_COMMUNES_FILE_BYTES >> 20);
                fclose(fp);
                free(f->data);
                f->data = NULL;
                return ERR_TOO_BIG;
            }
            cap *= 2;
            f->data = xrealloc(f->data, cap);
        }
        size_t got = fread(f->data + n, 1, cap - n - 1, fp);
        if (got == 0)
            break;
        n += got;
    }
    int bad = ferror(fp);
    fclose(fp);
    if (bad) {
        log_error("communes : lecture de %s impossible", f->path);
        free(f->data);
        f->data = NULL;
        return ERR_IO;
    }
    f->data[n] = '\0';
    f->p = f->data;
    f->end = f->data + n;
    if (n >= 3 && memcmp(f->p, "\xEF\xBB\xBF", 3) == 0)
        f->p += 3;
    return 0;
}

static void csv_close(struct csv_file *f)
{
    free(f->data);
    f->data = NULL;
}

/* Splits the next non-empty line into at most max fields; returns the count, or -1 at the end. */
static int csv_next(struct csv_file *f, struct str *fields, int max)
{
    for (;;) {
        if (f->p >= f->end)
            return -1;
        const char *eol = memchr(f->p, '\n', (size_t)(f->end - f->p));
        const char *line = f->p, *stop = eol ? eol : f->end;
        f->p = eol ? eol + 1 : f->end;
        f->line++;
        if (stop > line && stop[-1] == '\r')
            stop--;
        if (stop == line)
            continue;
        int n = 0;
        const char *q = line;
        while (n < max) {
            const char *semi = memchr(q, ';', (size_t)(stop - q));
            const char *fe = semi ? semi : stop;
            fields[n++] = (struct str){q, (size_t)(fe - q)};
            if (!semi)
                break;
            q = semi + 1;
        }
        return n;
    }
}

/* Finds each wanted column in the header line: ERR_INVALID, with the missing name, otherwise. */
static int csv_columns(struct csv_file *f, const char *const *wanted, int *idx, int n_wanted)
{
    struct str h[64];
    int n = csv_next(f, h, 64);
    for (int w = 0; w < n_wanted; w++) {
        idx[w] = -1;
        for (int i = 0; i < n; i++)
            if (str_eq_cstr(str_trim(h[i]), wanted[w]))
                idx[w] = i;
        if (idx[w] < 0) {
            log_error("communes : la colonne « %s » manque dans %s", wanted[w], f->path);
            return ERR_INVALID;
        }
    }
    return 0;
}

static struct str field(const struct str *fields, int n, int i)
{
    return i < n ? str_trim(fields[i]) : STR_NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Building the table.                                                                          */

struct postcode_pair {
    uint32_t commune;
    char cp[6];
    uint8_t main; /* the 2024 file's postcode, listed first */
};

struct alias_pair {
    uint32_t commune;
    const char *norm;
};

struct build {
    struct communes *c;
    size_t cap_items;
    struct postcode_pair *pairs;
    size_t n_pairs, cap_pairs;
    struct alias_pair *aliases;
    size_t n_aliases, cap_aliases;
};

static bool valid_insee(struct str s)
{
    if (s.len != 5)
        return false;
    for (size_t i = 0; i < 5; i++) {
        char ch = (char)toupper((unsigned char)s.p[i]);
        bool ok = (ch >= '0' && ch <= '9') || (i == 1 && (ch == 'A' || ch == 'B'));
        if (!ok)
            return false;
    }
    return true;
}

static bool valid_postcode(struct str s)
{
    if (s.len != 5)
        return false;
    for (size_t i = 0; i < 5; i++)
        if (s.p[i] < '0' || s.p[i] > '9')
            return false;
    return true;
}

static uint32_t hash_code(const char *code)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < 5; i++)
        h = (h ^ (unsigned char)toupper((unsigned char)code[i])) * 16777619u;
    return h;
}

static size_t slot_of(const struct communes *c, const char *code)
{
    size_t mask = ((size_t)1 << HASH_BITS) - 1, s = hash_code(code) & mask;
    while (c->slots[s] && strncasecmp(c->items[c->slots[s] - 1].code_insee, code, 5) != 0)
        s = (s + 1) & mask;
    return s;
}

/* The département of a code not in the 2024 file: three characters overseas, two elsewhere. */
static void departement_of(const char *code, char *dep)
{
    size_t n = (code[0] == '9' && (code[1] == '7' || code[1] == '8')) ? 3 : 2;
    memcpy(dep, code, n);
    dep[n] = '\0';
}

/* The commune with this code, created when absent; its index. */
static uint32_t find_or_add(struct build *b, struct str code, bool *created)
{
    struct communes *c = b->c;
    char key[6];
    for (int i = 0; i < 5; i++)
        key[i] = (char)toupper((unsigned char)code.p[i]);
    key[5] = '\0';
    size_t s = slot_of(c, key);
    *created = !c->slots[s];
    if (!*created)
        return c->slots[s] - 1;
    /* Half full at most, so that probes stay short. */
    ASSERT(c->n < ((size_t)1 << (HASH_BITS - 1)));
    if (c->n == b->cap_items) {
        b->cap_items = b->cap_items ? 2 * b->cap_items : 40000;
        c->items = xrealloc(c->items, b->cap_items * sizeof(*c->items));
    }
    struct commune *m = &c->items[c->n];
    memset(m, 0, sizeof(*m));
    memcpy(m->code_insee, key, 6);
    departement_of(key, m->departement);
    m->nom = "";
    m->nom_norm = "";
    m->plm_parent = -1;
    m->density_class = GEO_RURAL;
    c->slots[s] = (uint32_t)(++c->n);
    return (uint32_t)(c->n - 1);
}

static void add_postcode(struct build *b, uint32_t commune, const char *cp, bool main)
{
    if (b->n_pairs == b->cap_pairs) {
        b->cap_pairs = b->cap_pairs ? 2 * b->cap_pairs : 50000;
        b->pairs = xrealloc(b->pairs, b->cap_pairs * sizeof(*b->pairs));
    }
    struct postcode_pair *p = &b->pairs[b->n_pairs++];
    p->commune = commune;
    memcpy(p->cp, cp, 5);
    p->cp[5] = '\0';
    p->main = main;
}

static void add_alias(struct build *b, uint32_t commune, const char *norm)
{
    if (b->n_aliases == b->cap_aliases) {
        b->cap_aliases = b->cap_aliases ? 2 * b->cap_aliases : 8192;
        b->aliases = xrealloc(b->aliases, b->cap_aliases * sizeof(*b->aliases));
    }
    b->aliases[b->n_aliases++] = (struct alias_pair){commune, norm};
}

static uint32_t parse_population(struct str s, bool *ok)
{
    int64_t v;
    *ok = str_to_int64(s, &v) == 0 && v >= 0 && v <= UINT32_MAX;
    return *ok ? (uint32_t)v : 0;
}

static void add_departement(struct communes *c, size_t *cap, struct str code, struct str nom)
{
    if (code.len == 0 || code.len > 3)
        return;
    for (size_t i = 0; i < c->n_deps; i++)
        if (str_eq_cstr(code, c->deps[i].code))
            return;
    c->deps = arena_push(&c->arena, c->deps, c->n_deps, cap, sizeof(*c->deps));
    struct departement *d = &c->deps[c->n_deps++];
    memcpy(d->code, code.p, code.len);
    d->code[code.len] = '\0';
    d->nom = str_dup(nom, &c->arena);
}

static int load_2024(struct build *b, const char *dir, size_t *dep_cap)
{
    struct communes *c = b->c;
    struct csv_file f;
    int rc = csv_open(&f, dir, "communes-france-2024-limite.csv", &c->arena);
    if (rc)
        return rc;
    static const char *const cols[] = {"code_insee", "nom_standard", "dep_code",
                                       "dep_nom",    "code_postal",  "population"};
    int ix[6];
    if ((rc = csv_columns(&f, cols, ix, 6))) {
        csv_close(&f);
        return rc;
    }
    struct str fl[16];
    int n;
    while ((n = csv_next(&f, fl, 16)) >= 0) {
        struct str code = field(fl, n, ix[0]), dep = field(fl, n, ix[2]);
        if (!valid_insee(code) || dep.len == 0 || dep.len > 3)
            continue;
        bool created, ok;
        uint32_t i = find_or_add(b, code, &created);
        struct commune *m = &c->items[i];
        m->nom = str_dup(field(fl, n, ix[1]), &c->arena);
        memcpy(m->departement, dep.p, dep.len);
        m->departement[dep.len] = '\0';
        m->current = true;
        uint32_t pop = parse_population(field(fl, n, ix[5]), &ok);
        if (ok) {
            m->population = pop;
            m->population_year = 2024;
        }
        struct str cp = field(fl, n, ix[4]);
        /* PLM cities carry a made-up "75000": their postcodes are their arrondissements'. */
        if (valid_postcode(cp) && !str_eq_cstr(cp, "75000") && !str_eq_cstr(cp, "69000") &&
            !str_eq_cstr(cp, "13000"))
            add_postcode(b, i, cp.p, true);
        add_departement(c, dep_cap, dep, field(fl, n, ix[3]));
    }
    csv_close(&f);
    return 0;
}

static int load_2017(struct build *b, const char *dir)
{
    struct communes *c = b->c;
    struct csv_file f;
    int rc = csv_open(&f, dir, "insee_populations_communales_2017.csv", &c->arena);
    if (rc)
        return rc;
    static const char *const cols[] = {"DEPCOM", "COM", "PMUN"};
    int ix[3];
    if ((rc = csv_columns(&f, cols, ix, 3))) {
        csv_close(&f);
        return rc;
    }
    struct str fl[8];
    int n;
    while ((n = csv_next(&f, fl, 8)) >= 0) {
        struct str code = field(fl, n, ix[0]);
        if (!valid_insee(code))
            continue;
        bool created, ok;
        uint32_t i = find_or_add(b, code, &created);
        struct commune *m = &c->items[i];
        if (created)
            m->nom = str_dup(field(fl, n, ix[1]), &c->arena);
        uint32_t pop = parse_population(field(fl, n, ix[2]), &ok);
        if (ok && m->population_year == 0) {
            m->population = pop;
            m->population_year = 2017;
        }
    }
    csv_close(&f);
    return 0;
}

/* "NOUMEA" as "Noumea": only for the overseas collectivities, which no other file names.
 * NEEDSWORK: their accents ("Nouméa") are lost; La Poste writes names in capitals without them. */
static char *title_case(struct str s, struct arena *a)
{
    char *t = str_dup(s, a);
    bool start = true;
    for (char *p = t; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch < 128 && isalpha(ch)) {
            *p = (char)(start ? toupper(ch) : tolower(ch));
            start = false;
        } else {
            start = ch == ' ' || ch == '-' || ch == '\'';
        }
    }
    return t;
}

/* Overseas collectivities: current communes that the COG file leaves out. */
static bool is_overseas_collectivity(const char *code)
{
    return code[0] == '9' && ((code[1] == '7' && code[2] >= '5') || code[1] == '8');
}

static bool parse_coordinates(struct str s, struct geo_point *pt)
{
    const char *comma = memchr(s.p, ',', s.len);
    if (!comma || s.len >= 64)
        return false;
    char tmp[64];
    memcpy(tmp, s.p, s.len);
    tmp[s.len] = '\0';
    tmp[comma - s.p] = '\0';
    char *e1, *e2;
    errno = 0;
    double lat = strtod(tmp, &e1), lon = strtod(tmp + (comma - s.p) + 1, &e2);
    if (errno || e1 == tmp || *e1 || *e2 || lat < -90 || lat > 90 || lon < -180 || lon > 180)
        return false;
    *pt = (struct geo_point){lat, lon};
    return true;
}

static int load_laposte(struct build *b, const char *dir)
{
    struct communes *c = b->c;
    struct csv_file f;
    int rc = csv_open(&f, dir, "laposte_hexasmal.csv", &c->arena);
    if (rc)
        return rc;
    static const char *const cols[] = {"Code_commune_INSEE", "Nom_commune", "Code_postal",
                                       "Ligne_5", "coordonnees_gps"};
    int ix[5];
    if ((rc = csv_columns(&f, cols, ix, 5))) {
        csv_close(&f);
        return rc;
    }
    struct str fl[16];
    int n;
    char norm[NORM_MAX];
    while ((n = csv_next(&f, fl, 16)) >= 0) {
        struct str code = field(fl, n, ix[0]);
        /* 99xxx is abroad (Monaco has a French postcode). */
        if (!valid_insee(code) || (code.p[0] == '9' && code.p[1] == '9'))
            continue;
        bool created;
        uint32_t i = find_or_add(b, code, &created);
        struct commune *m = &c->items[i];
        if (created) {
            m->nom = title_case(field(fl, n, ix[1]), &c->arena);
            m->current = is_overseas_collectivity(m->code_insee);
        }
        struct str cp = field(fl, n, ix[2]);
        if (valid_postcode(cp))
            add_postcode(b, i, cp.p, false);
        if (!m->has_centre && parse_coordinates(field(fl, n, ix[4]), &m->centre))
            m->has_centre = true;
        struct str l5 = field(fl, n, ix[3]);
        if (l5.len && normalise_name(l5.p, l5.len, norm))
            add_alias(b, i, arena_strdup(&c->arena, norm));
    }
    csv_close(&f);
    return 0;
}

/* Paris, Lyon and Marseille: the arrondissements point to their city, which takes their mean
 * centroid and their postcodes. */
static void link_plm(struct build *b)
{
    static const struct {
        const char *prefix, *city;
    } plm[] = {{"751", "75056"}, {"6938", "69123"}, {"132", "13055"}};
    struct communes *c = b->c;
    for (size_t k = 0; k < sizeof(plm) / sizeof(plm[0]); k++) {
        const struct commune *city = communes_by_insee(c, plm[k].city);
        if (!city)
            continue;
        uint32_t ci = (uint32_t)(city - c->items);
        double lat = 0, lon = 0;
        int with_centre = 0;
        size_t plen = strlen(plm[k].prefix), n_pairs = b->n_pairs;
        for (size_t i = 0; i < c->n; i++) {
            struct commune *m = &c->items[i];
            if (i == ci || strncmp(m->code_insee, plm[k].prefix, plen) != 0)
                continue;
            m->plm_parent = (int32_t)ci;
            if (m->has_centre) {
                lat += m->centre.lat;
                lon += m->centre.lon;
                with_centre++;
            }
            for (size_t p = 0; p < n_pairs; p++)
                if (b->pairs[p].commune == i)
                    add_postcode(b, ci, b->pairs[p].cp, false);
        }
        c->items[ci].plm_city = true;
        if (with_centre && !c->items[ci].has_centre) {
            c->items[ci].centre = (struct geo_point){lat / with_centre, lon / with_centre};
            c->items[ci].has_centre = true;
        }
    }
}

static int cmp_pairs(const void *x, const void *y)
{
    const struct postcode_pair *a = x, *b = y;
    if (a->commune != b->commune)
        return a->commune < b->commune ? -1 : 1;
    if (a->main != b->main)
        return a->main ? -1 : 1;
    return strcmp(a->cp, b->cp);
}

static int cmp_postcode_entries(const void *x, const void *y, void *ctx)
{
    const struct postcode_entry *a = x, *b = y;
    const struct communes *c = ctx;
    int d = strcmp(a->cp, b->cp);
    if (d)
        return d;
    uint32_t pa = c->items[a->commune].population, pb = c->items[b->commune].population;
    return pa != pb ? (pa > pb ? -1 : 1) : (a->commune < b->commune ? -1 : 1);
}

static void build_postcodes(struct build *b)
{
    struct communes *c = b->c;
    qsort(b->pairs, b->n_pairs, sizeof(*b->pairs), cmp_pairs);
    char(*codes)[6] = arena_alloc(&c->arena, (b->n_pairs + 1) * sizeof(*codes));
    c->postcodes = xmalloc((b->n_pairs + 1) * sizeof(*c->postcodes));
    size_t n = 0;
    for (size_t i = 0; i < b->n_pairs; i++) {
        struct postcode_pair *p = &b->pairs[i];
        struct commune *m = &c->items[p->commune];
        bool dup = false;
        for (size_t k = 0; k < m->n_codes_postaux && !dup; k++)
            dup = strcmp(m->codes_postaux[k], p->cp) == 0;
        if (dup)
            continue;
        /* Pairs are sorted by commune, so a commune's postcodes are contiguous in codes. */
        if (!m->n_codes_postaux)
            m->codes_postaux = (const char(*)[6]) & codes[n];
        memcpy(codes[n], p->cp, 6);
        c->postcodes[n].commune = p->commune;
        memcpy(c->postcodes[n].cp, p->cp, 6);
        m->n_codes_postaux++;
        n++;
    }
    c->n_postcodes = n;
    qsort_r(c->postcodes, n, sizeof(*c->postcodes), cmp_postcode_entries, c);
}

/* Short words that nobody starts a search with: no index entry begins at them. */
static bool is_stop_word(const char *w, size_t len)
{
    static const char *const stops[] = {"l",   "d",   "de",   "du", "des", "la",  "le",
                                        "les", "sur", "sous", "en", "et",  "aux", "au"};
    for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
        if (strlen(stops[i]) == len && memcmp(w, stops[i], len) == 0)
            return true;
    return false;
}

static void index_name(struct communes *c, size_t *cap, const char *norm, uint32_t commune,
                       bool alias)
{
    for (const char *w = norm; *w;) {
        const char *end = strchr(w, ' ');
        size_t len = end ? (size_t)(end - w) : strlen(w);
        if (w == norm || !is_stop_word(w, len)) {
            if (c->n_names == *cap) {
                *cap = *cap ? 2 * *cap : 100000;
                c->names = xrealloc(c->names, *cap * sizeof(*c->names));
            }
            uint8_t kind = alias ? NAME_ALIAS : w == norm ? NAME_START : NAME_WORD;
            c->names[c->n_names++] = (struct name_entry){w, commune, kind};
        }
        if (!end)
            break;
        w = end + 1;
    }
}

static int cmp_names(const void *x, const void *y)
{
    const struct name_entry *a = x, *b = y;
    int d = strcmp(a->key, b->key);
    return d ? d : (a->commune < b->commune ? -1 : a->commune > b->commune);
}

static int cmp_aliases(const void *x, const void *y)
{
    const struct alias_pair *a = x, *b = y;
    if (a->commune != b->commune)
        return a->commune < b->commune ? -1 : 1;
    return strcmp(a->norm, b->norm);
}

static void build_names(struct build *b)
{
    struct communes *c = b->c;
    size_t cap = 0;
    char norm[NORM_MAX];
    for (size_t i = 0; i < c->n; i++) {
        struct commune *m = &c->items[i];
        normalise_name(m->nom, strlen(m->nom), norm);
        m->nom_norm = arena_strdup(&c->arena, norm);
        if (m->current)
            index_name(c, &cap, m->nom_norm, (uint32_t)i, false);
    }
    qsort(b->aliases, b->n_aliases, sizeof(*b->aliases), cmp_aliases);
    for (size_t i = 0; i < b->n_aliases; i++) {
        const struct alias_pair *p = &b->aliases[i];
        const struct commune *m = &c->items[p->commune];
        if (!m->current || strcmp(p->norm, m->nom_norm) == 0 ||
            (i > 0 && cmp_aliases(p, p - 1) == 0))
            continue;
        index_name(c, &cap, p->norm, p->commune, true);
    }
    qsort(c->names, c->n_names, sizeof(*c->names), cmp_names);
    c->heads = xcalloc(c->n_names + 1, sizeof(*c->heads));
    for (size_t i = 0; i < c->n_names; i++)
        for (size_t k = 0; k < 4 && c->names[i].key[k]; k++)
            c->heads[i][k] = c->names[i].key[k];
}

/*
 * The density proxy. We have populations and centroids but no areas, so a commune's density is
 * the population living in the communes whose centroid lies within DENSITY_RADIUS_KM of its own
 * (itself included), divided by the disc's area. A 5 km disc holds a handful of rural communes and
 * a whole town with its first ring, which is the scale at which a car trip is slow or fast; a
 * commune's own area would say more about its borders than about its traffic. Communes are put in
 * a grid of cells at least 5 km wide, so each one looks at its 3 × 3 neighbouring cells only.
 */
struct grid_cell {
    int64_t key;
    uint32_t commune;
};

static int64_t cell_key(int64_t lat_cell, int64_t lon_cell)
{
    return (lat_cell + 4000) * 10000 + (lon_cell + 5000);
}

/* 0.05° of latitude is 5.6 km; 0.1° of longitude is at least 5.6 km below 59° of latitude, which
 * covers every French territory. */
static int64_t lat_cell_of(double lat) { return (int64_t)floor(lat / 0.05); }
static int64_t lon_cell_of(double lon) { return (int64_t)floor(lon / 0.1); }

static int cmp_cells(const void *x, const void *y)
{
    const struct grid_cell *a = x, *b = y;
    return a->key < b->key ? -1 : a->key > b->key;
}

static void compute_density(struct communes *c)
{
    struct grid_cell *cells = xmalloc((c->n + 1) * sizeof(*cells));
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++) {
        const struct commune *m = &c->items[i];
        if (m->has_centre && communes_counts(m) && m->population)
            cells[n++] = (struct grid_cell){
                cell_key(lat_cell_of(m->centre.lat), lon_cell_of(m->centre.lon)), (uint32_t)i};
    }
    qsort(cells, n, sizeof(*cells), cmp_cells);
    const double area = 3.14159265358979323846 * DENSITY_RADIUS_KM * DENSITY_RADIUS_KM;
    for (size_t i = 0; i < c->n; i++) {
        struct commune *m = &c->items[i];
        if (!m->has_centre) {
            m->density = 0;
            m->density_class = GEO_RURAL;
            continue;
        }
        int64_t la = lat_cell_of(m->centre.lat), lo = lon_cell_of(m->centre.lon);
        double pop = 0;
        for (int64_t dla = -1; dla <= 1; dla++)
            for (int64_t dlo = -1; dlo <= 1; dlo++) {
                int64_t key = cell_key(la + dla, lo + dlo);
                size_t lo_i = 0, hi_i = n;
                while (lo_i < hi_i) {
                    size_t mid = (lo_i + hi_i) / 2;
                    if (cells[mid].key < key)
                        lo_i = mid + 1;
                    else
                        hi_i = mid;
                }
                for (size_t k = lo_i; k < n && cells[k].key == key; k++) {
                    const struct commune *o = &c->items[cells[k].commune];
                    if (geo_distance_km(m->centre, o->centre) <= DENSITY_RADIUS_KM)
                        pop += o->population;
                }
            }
        m->density = (float)(pop / area);
        m->density_class = geo_density_class(m->density);
    }
    free(cells);
}

static void add_overseas_collectivities(struct communes *c, size_t *cap)
{
    static const struct {
        const char *code, *nom;
    } com[] = {{"975", "Saint-Pierre-et-Miquelon"},
               {"977", "Saint-Barthélemy"},
               {"978", "Saint-Martin"},
               {"986", "Wallis-et-Futuna"},
               {"987", "Polynésie française"},
               {"988", "Nouvelle-Calédonie"}};
    for (size_t i = 0; i < sizeof(com) / sizeof(com[0]); i++)
        add_departement(c, cap, str_from(com[i].code), str_from(com[i].nom));
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int communes_load(const char *dir, struct communes **out)
{
    double t0 = now_ms();
    struct communes *c = xcalloc(1, sizeof(*c));
    arena_init(&c->arena);
    c->slots = xcalloc((size_t)1 << HASH_BITS, sizeof(*c->slots));
    struct build b = {.c = c};
    size_t dep_cap = 0;
    int rc = load_2024(&b, dir, &dep_cap);
    if (!rc)
        rc = load_2017(&b, dir);
    if (!rc)
        rc = load_laposte(&b, dir);
    if (!rc) {
        add_overseas_collectivities(c, &dep_cap);
        link_plm(&b);
        build_postcodes(&b);
        build_names(&b);
        compute_density(c);
    }
    free(b.pairs);
    free(b.aliases);
    if (rc) {
        communes_free(c);
        return rc;
    }
    c->load_ms = now_ms() - t0;
    log_debug("communes : %zu communes, %zu codes postaux, %zu clés de recherche en %.1f ms", c->n,
              c->n_postcodes, c->n_names, c->load_ms);
    *out = c;
    return 0;
}

void communes_free(struct communes *c)
{
    if (!c)
        return;
    arena_release(&c->arena);
    free(c->items);
    free(c->slots);
    free(c->postcodes);
    free(c->names);
    free(c->heads);
    free(c);
}

double communes_load_ms(const struct communes *c) { return c->load_ms; }
size_t communes_count(const struct communes *c) { return c->n; }

const struct commune *communes_at(const struct communes *c, size_t i)
{
    return i < c->n ? &c->items[i] : NULL;
}

bool communes_counts(const struct commune *m) { return m->current && !m->plm_city; }

const struct commune *communes_by_insee(const struct communes *c, const char *code_insee)
{
    if (!code_insee || !valid_insee(str_from(code_insee)))
        return NULL;
    size_t s = slot_of(c, code_insee);
    return c->slots[s] ? &c->items[c->slots[s] - 1] : NULL;
}

/* First postcode entry not below prefix (compared on its length). */
static size_t postcode_lower_bound(const struct communes *c, const char *prefix, size_t len)
{
    size_t lo = 0, hi = c->n_postcodes;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strncmp(c->postcodes[mid].cp, prefix, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t communes_by_postcode(const struct communes *c, const char *code_postal,
                            const struct commune **out, size_t max)
{
    if (!code_postal)
        return 0;
    struct str cp = str_trim(str_from(code_postal));
    if (!valid_postcode(cp))
        return 0;
    size_t n = 0;
    for (size_t i = postcode_lower_bound(c, cp.p, 5);
         i < c->n_postcodes && strncmp(c->postcodes[i].cp, cp.p, 5) == 0; i++) {
        if (n < max)
            out[n] = &c->items[c->postcodes[i].commune];
        n++;
    }
    return n;
}

const char *communes_departement_nom(const struct communes *c, const char *departement)
{
    if (!departement)
        return NULL;
    for (size_t i = 0; i < c->n_deps; i++)
        if (strcasecmp(c->deps[i].code, departement) == 0)
            return c->deps[i].nom;
    return NULL;
}

uint64_t communes_departement_population(const struct communes *c, const char *departement)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < c->n; i++)
        if (communes_counts(&c->items[i]) && strcasecmp(c->items[i].departement, departement) == 0)
            sum += c->items[i].population;
    return sum;
}

/* ------------------------------------------------------------------------------------------ */
/* Search.                                                                                      */

/* The best max answers so far, sorted, one per commune. */
struct topk {
    const struct communes *c;
    struct communes_result *r;
    size_t n, max;
    char dep[4]; /* "" for every département */
};

static bool better(const struct communes_result *a, const struct communes_result *b)
{
    if (a->rank != b->rank)
        return a->rank < b->rank;
    if (a->commune->population != b->commune->population)
        return a->commune->population > b->commune->population;
    int d = strcmp(a->commune->nom_norm, b->commune->nom_norm);
    if (d)
        return d < 0;
    return strcmp(a->commune->code_insee, b->commune->code_insee) < 0;
}

static const char *main_postcode(const struct commune *m)
{
    return m->n_codes_postaux ? m->codes_postaux[0] : "";
}

static void offer(struct topk *t, const struct commune *m, int rank, const char *cp)
{
    if (!m->current || (t->dep[0] && strcmp(m->departement, t->dep) != 0))
        return;
    /* Everything kept is at least as good as the worst entry: a worse rank changes nothing. */
    if (t->n == t->max && rank > t->r[t->n - 1].rank)
        return;
    struct communes_result cand = {m, cp ? cp : main_postcode(m), rank};
    size_t pos = t->n;
    for (size_t i = 0; i < t->n; i++)
        if (t->r[i].commune == m) {
            if (!better(&cand, &t->r[i]))
                return;
            pos = i; /* replaced, moved up below */
            break;
        }
    if (pos == t->n) {
        if (t->n < t->max)
            t->n++;
        else if (!better(&cand, &t->r[t->n - 1]))
            return;
        pos = t->n - 1;
    }
    while (pos > 0 && better(&cand, &t->r[pos - 1])) {
        t->r[pos] = t->r[pos - 1];
        pos--;
    }
    t->r[pos] = cand;
}

static bool in_results(const struct topk *t, const struct commune *m)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->r[i].commune == m)
            return true;
    return false;
}

static size_t names_lower_bound(const struct communes *c, const char *q)
{
    size_t lo = 0, hi = c->n_names;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(c->names[mid].key, q) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static void search_prefix(struct topk *t, const char *q, size_t qlen)
{
    const struct communes *c = t->c;
    for (size_t i = names_lower_bound(c, q);
         i < c->n_names && strncmp(c->names[i].key, q, qlen) == 0; i++) {
        const struct name_entry *e = &c->names[i];
        int rank = e->kind == NAME_ALIAS  ? 3
                   : e->kind == NAME_WORD ? 2
                   : e->key[qlen] == '\0' ? 0
                                          : 1;
        offer(t, &c->items[e->commune], rank, NULL);
    }
}

static bool starts_with(const char *s, const char *prefix)
{
    while (*prefix)
        if (*s++ != *prefix++)
            return false;
    return true;
}

/* True when some prefix of s is at most one edit (substitution, insertion, deletion or swap of
 * two neighbours) away from q: the query may stop anywhere in the name. */
static bool prefix_within_one_edit(const char *q, const char *s)
{
    size_t i = 0;
    while (q[i] && q[i] == s[i])
        i++;
    if (!q[i])
        return true;
    if (!q[i + 1])
        return true; /* the last character typed is the wrong one */
    if (s[i] && starts_with(s + i + 1, q + i + 1))
        return true; /* substitution */
    if (starts_with(s + i, q + i + 1))
        return true; /* one character too many in q */
    if (s[i] && starts_with(s + i + 1, q + i))
        return true; /* one character missing from q */
    return s[i] && q[i] == s[i + 1] && q[i + 1] == s[i] && starts_with(s + i + 2, q + i + 2);
}

/* Every word of q is a word of the name (the last one may be incomplete), in any order. */
static bool all_words_match(const char *q, const char *name)
{
    for (const char *w = q; *w;) {
        const char *end = strchr(w, ' ');
        size_t len = end ? (size_t)(end - w) : strlen(w);
        bool found = false;
        for (const char *nw = name; *nw && !found;) {
            const char *nend = strchr(nw, ' ');
            size_t nlen = nend ? (size_t)(nend - nw) : strlen(nw);
            found = end ? (nlen == len && memcmp(nw, w, len) == 0)
                        : (nlen >= len && memcmp(nw, w, len) == 0);
            nw = nend ? nend + 1 : nw + nlen;
        }
        if (!found)
            return false;
        w = end ? end + 1 : w + len;
    }
    return true;
}

/* A necessary condition for prefix_within_one_edit(q, key) read from the key's first 4 bytes h,
 * for a query of 4 characters or more: where the first difference is (position 0, 1, 2 or later),
 * each kind of edit requires some of these bytes to be equal. */
static bool head_may_match(const char *h, const char *q)
{
    if (h[0] != q[0])
        return (h[1] == q[1] && h[2] == q[2]) || (h[0] == q[1] && h[1] == q[2]) ||
               (h[1] == q[0] && h[2] == q[1]);
    if (h[1] != q[1])
        return h[2] == q[2] || h[1] == q[2] || h[2] == q[1];
    return h[2] == q[2] || h[3] == q[3] || h[2] == q[3] || h[3] == q[2];
}

/* The longest word of q that an index entry can start with (not the last, which may be
 * incomplete, and not a stop word); its length, 0 when there is none. */
static size_t anchor_word(const char *q, const char **word)
{
    size_t best = 0;
    for (const char *w = q; *w;) {
        const char *end = strchr(w, ' ');
        if (!end)
            break;
        size_t len = (size_t)(end - w);
        if (len > best && !is_stop_word(w, len)) {
            best = len;
            *word = w;
        }
        w = end + 1;
    }
    return best;
}

static void search_tolerant(struct topk *t, const char *q)
{
    const struct communes *c = t->c;
    /* Every word, in any order: the names holding the query's longest complete word are the only
     * candidates, and the index lists them together. */
    const char *anchor = NULL;
    size_t alen = anchor_word(q, &anchor);
    if (alen && alen < NORM_MAX) {
        char word[NORM_MAX];
        memcpy(word, anchor, alen);
        word[alen] = '\0';
        for (size_t i = names_lower_bound(c, word);
             i < c->n_names && strncmp(c->names[i].key, word, alen) == 0; i++) {
            const struct name_entry *e = &c->names[i];
            const struct commune *m = &c->items[e->commune];
            if ((e->key[alen] == ' ' || e->key[alen] == '\0') && e->kind != NAME_ALIAS &&
                all_words_match(q, m->nom_norm))
                offer(t, m, 3, NULL);
        }
    }
    if (t->n == t->max && t->r[t->n - 1].rank <= 3)
        return;
    for (size_t i = 0; i < c->n_names; i++) {
        if (!head_may_match(c->heads[i], q))
            continue;
        const struct name_entry *e = &c->names[i];
        if (e->kind != NAME_ALIAS && prefix_within_one_edit(q, e->key))
            offer(t, &c->items[e->commune], e->kind == NAME_START ? 4 : 5, NULL);
    }
}

static bool all_digits(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static void search_codes(struct topk *t, const char *q, size_t qlen)
{
    const struct communes *c = t->c;
    if (qlen == 5) {
        const struct commune *m = communes_by_insee(c, q);
        if (m)
            offer(t, m, 0, NULL);
    }
    if (!all_digits(q) || qlen > 5)
        return;
    for (size_t i = postcode_lower_bound(c, q, qlen);
         i < c->n_postcodes && strncmp(c->postcodes[i].cp, q, qlen) == 0; i++)
        offer(t, &c->items[c->postcodes[i].commune], qlen == 5 ? 0 : 1, c->postcodes[i].cp);
}

static void topk_init(struct topk *t, const struct communes *c, const char *dep_filter, size_t max,
                      struct communes_result *results)
{
    *t = (struct topk){.c = c, .r = results};
    t->max = max > COMMUNES_RESULTS_MAX ? COMMUNES_RESULTS_MAX : max;
    if (dep_filter) {
        struct str d = str_trim(str_from(dep_filter));
        if (d.len <= 3) {
            for (size_t i = 0; i < d.len; i++)
                t->dep[i] = (char)toupper((unsigned char)d.p[i]);
            t->dep[d.len] = '\0';
        }
    }
}

/* Normalises a query twice: with every "st" expanded (q) and, when its last word is a bare "st"
 * that may be the start of a name, with that word as typed (q_raw, else ""). */
static size_t normalise_query(const char *query, char *q, char *q_raw, size_t *raw_len)
{
    char folded[QUERY_NORM_MAX];
    size_t len = strlen(query);
    size_t n = fold(query, len, folded, sizeof(folded));
    bool open_end = len > 0 && n > 0 && (unsigned char)query[len - 1] > ' ' &&
                    query[len - 1] != '-' && query[len - 1] != '\'';
    size_t qn = expand_saints(folded, n, q, QUERY_NORM_MAX, false);
    *raw_len = 0;
    q_raw[0] = '\0';
    if (open_end) {
        size_t rn = expand_saints(folded, n, q_raw, QUERY_NORM_MAX, true);
        if (strcmp(q_raw, q) != 0)
            *raw_len = rn;
        else
            q_raw[0] = '\0';
    }
    return qn;
}

size_t communes_search(const struct communes *c, const char *query, const char *dep_filter,
                       size_t max, struct communes_result *results)
{
    struct topk t;
    topk_init(&t, c, dep_filter, max, results);
    if (!query || !t.max || strlen(query) > LIMIT_QUERY_CHARS)
        return 0;
    char q[QUERY_NORM_MAX], q_raw[QUERY_NORM_MAX];
    size_t raw_len, qlen = normalise_query(query, q, q_raw, &raw_len);
    if (!qlen)
        return 0;
    search_codes(&t, q, qlen);
    if (!all_digits(q)) {
        search_prefix(&t, q, qlen);
        if (raw_len)
            search_prefix(&t, q_raw, raw_len);
        /* Tolerance only when the query is the start of no name: a person typing a real name
         * wants its completions, not its misspellings. */
        if (t.n < t.max && qlen >= 4 && (t.n == 0 || t.r[0].rank > 1))
            search_tolerant(&t, q);
    }
    return t.n;
}

/* Levenshtein distance of a and b, or limit + 1 when it is larger. */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb, size_t limit)
{
    if ((la > lb ? la - lb : lb - la) > limit || la >= NORM_MAX || lb >= NORM_MAX)
        return limit + 1;
    size_t row[NORM_MAX], prev[NORM_MAX];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        row[0] = i;
        size_t best = row[0];
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = row[j - 1] + 1;
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            if (row[j] < best)
                best = row[j];
        }
        if (best > limit)
            return limit + 1;
        memcpy(prev, row, (lb + 1) * sizeof(*row));
    }
    return prev[lb];
}

size_t communes_suggest(const struct communes *c, const char *unknown_name, const char *dep_filter,
                        size_t max, struct communes_result *results)
{
    size_t n = communes_search(c, unknown_name, dep_filter, max, results);
    struct topk t;
    topk_init(&t, c, dep_filter, max, results);
    t.n = n;
    if (t.n == t.max || !unknown_name || strlen(unknown_name) > LIMIT_QUERY_CHARS)
        return t.n;
    char q[QUERY_NORM_MAX], q_raw[QUERY_NORM_MAX];
    size_t raw_len, qlen = normalise_query(unknown_name, q, q_raw, &raw_len);
    if (!qlen || qlen >= NORM_MAX)
        return t.n;
    /* Whole names a few edits away: about one per four characters, at least two (a person who
     * writes a name as it sounds, "Angoulaimme", is three edits from Angoulême). */
    size_t limit = (qlen + 2) / 4 < 2 ? 2 : (qlen + 2) / 4;
    for (size_t i = 0; i < c->n; i++) {
        const struct commune *m = &c->items[i];
        if (!m->current || in_results(&t, m))
            continue;
        size_t d = edit_distance(q, qlen, m->nom_norm, strlen(m->nom_norm), limit);
        if (d <= limit)
            offer(&t, m, 6 + (int)d, NULL);
    }
    /* Then communes named after any long word of the query ("Angoulême-sur-Charente"). */
    for (const char *w = q; *w && t.n < t.max;) {
        const char *end = strchr(w, ' ');
        size_t len = end ? (size_t)(end - w) : strlen(w);
        if (len >= 4) {
            char word[NORM_MAX];
            memcpy(word, w, len);
            word[len] = '\0';
            struct communes_result r[COMMUNES_RESULTS_MAX];
            size_t nr = communes_search(c, word, dep_filter, t.max, r);
            for (size_t k = 0; k < nr; k++)
                offer(&t, r[k].commune, 6 + (int)limit + 1 + r[k].rank, NULL);
        }
        w = end ? end + 1 : w + len;
    }
    return t.n;
}
