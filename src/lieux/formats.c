/*
 * Reading the input formats into rows of the standard. Three layers:
 *  1. the containers: CSV through csvread.c, JSON through a reader of arrays of flat objects
 * written here (a general JSON library would build a tree per object and cost more than the
 * validation itself: see bench/lieux);
 *  2. a raw record (column names and values) from either container;
 *  3. the mapping of a raw record into a struct lieu_row for the format (v1, v0, France Services).
 * Per row nothing is allocated for a v1 row without notes: values are copied into a scratch buffer
 * that the next row reuses; conversions and notes use a row arena emptied after each callback.
 * The JSON reader has a fast path for the plain objects of real files (jp_object_fast: one copy
 * per object, keys resolved as they are found) in front of the careful one (jp_object), which
 * reads anything else and names every fault; both give the same raw record, which
 * tests/unit/test_lieux_formats.c and fuzz/fuzz_lieux_csv.c check (lieux_read_options.careful).
 */
#include "lieux/formats.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alloc.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/str.h"
#include "lieux/csvread.h"
#include "lieux/horaires.h"
#include "lieux/standard.h"

#define READ_CHUNK (1024 * 1024)
/* One JSON object may not exceed this (a real one is about 1 KB). */
#define MAX_OBJECT_BYTES (16 * 1024 * 1024)
#define FS_SOURCE "France Services (ANCT)"
#define ROW_ARENA_KEEP (256 * 1024)
#define FS_PIVOT "00000000000000"

/* What a column is, beyond the 32 fields (codes 0 … LIEU_N_FIELDS - 1). */
enum column_code {
    COL_EXTRA = -1,
    COL_LEGACY = 64, /* columns of the 2022 draft */
    LEG_COURRIEL = COL_LEGACY,
    LEG_ACCESSIBILITE,
    LEG_LABELS_AUTRES, /* before labels_nationaux, whose unknown labels join its list */
    LEG_LABELS_NATIONAUX,
    LEG_PUBLICS_ACCUEILLIS,
    LEG_CONDITIONS_ACCES,
    LEG_END,
    COL_FS = 96, /* columns of the France Services list */
    FS_ID = COL_FS,
    FS_NOM,
    FS_INSEE,
    FS_COMMUNE,
    FS_MAIL,
    FS_TELEPHONE,
    FS_ITINERANCE,
    FS_DAY0, /* h_lundi … h_samedi */
    FS_DAY5 = FS_DAY0 + 5,
};
#define N_LEGACY (LEG_END - COL_LEGACY)

#define LEGACY(name, code)                                                                         \
    {                                                                                              \
        name, sizeof(name) - 1, code                                                               \
    }
static const struct {
    const char *name;
    size_t len;
    int code;
} legacy_columns[] = {
    LEGACY("courriel", LEG_COURRIEL),
    LEGACY("accessibilite", LEG_ACCESSIBILITE),
    LEGACY("labels_nationaux", LEG_LABELS_NATIONAUX),
    LEGACY("labels_autres", LEG_LABELS_AUTRES),
    LEGACY("publics_accueillis", LEG_PUBLICS_ACCUEILLIS),
    LEGACY("conditions_acces", LEG_CONDITIONS_ACCES),
    LEGACY("conditions_access", LEG_CONDITIONS_ACCES), /* sic, the CNFS file of 2022 */
};

static const struct {
    const char *name;
    int code;
} fs_columns[] = {
    {"id_fs", FS_ID},
    {"lib_fs", FS_NOM},
    {"adresse", LF_ADRESSE},
    {"complement_adresse", LF_COMPLEMENT_ADRESSE},
    {"insee_com", FS_INSEE},
    {"code_postal", LF_CODE_POSTAL},
    {"lib_com", FS_COMMUNE},
    {"latitude", LF_LATITUDE},
    {"longitude", LF_LONGITUDE},
    {"mail", FS_MAIL},
    {"telephone", FS_TELEPHONE},
    {"h_lundi", FS_DAY0},
    {"h_mardi", FS_DAY0 + 1},
    {"h_mercredi", FS_DAY0 + 2},
    {"h_jeudi", FS_DAY0 + 3},
    {"h_vendredi", FS_DAY0 + 4},
    {"h_samedi", FS_DAY0 + 5},
    {"itinerance", FS_ITINERANCE},
};

/* Columns that only v1 has, and only the draft has: format detection. */
static const char *const v1_only[] = {
    "courriels",
    "frais_a_charge",
    "dispositif_programmes_nationaux",
    "formations_labels",
    "autres_formations_labels",
    "publics_specifiquement_adresses",
    "prise_en_charge_specifique",
    "modalites_acces",
    "itinerance",
};
static const char *const v0_only[] = {
    "cle_ban",           "courriel",           "conditions_acces",
    "conditions_access", "publics_accueillis", "labels_nationaux",
    "labels_autres",     "accessibilite",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool name_in(const char *name, size_t len, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && memcmp(list[i], name, len) == 0)
            return true;
    return false;
}

/*
 * Every column name that a format gives a meaning to (the 32 fields, the draft's columns, the
 * France Services list's), with its code for a v1 or v0 file and for a France Services list, in
 * one table reached with one multiplication: the JSON reader resolves each key of each object
 * here, so that a lookup costs a hash of four bytes and one comparison. The multiplier was chosen
 * so that the 50 names fall in distinct slots (a later name that collides takes the next free
 * slot; names_fill checks that every name is found again).
 */
#define NAME_SLOTS 128
#define NAME_MAX_BYTES 31
#define NAME_HASH_MULTIPLIER 0x9E38EE0Bu
#define NAME_UNRESOLVED (-2) /* not looked up yet (JSON objects read by the careful path) */

struct name_slot {
    char name[NAME_MAX_BYTES + 1];
    uint8_t len; /* 0: empty slot */
    int8_t code_v1, code_fs;
};

static struct name_slot name_slots[NAME_SLOTS];

static inline unsigned name_hash(const char *name, size_t len)
{
    const unsigned char *u = (const unsigned char *)name;
    uint32_t key = (uint32_t)len | (uint32_t)u[0] << 8 | (uint32_t)u[len - 1] << 16 |
                   (uint32_t)u[len / 2] << 24;
    return (key * NAME_HASH_MULTIPLIER) >> (32 - 7);
}

/* Equal bytes, eight at a time: a call to memcmp costs more than the comparison of a name. */
static inline bool name_equal(const char *a, const char *b, size_t len)
{
    for (; len >= 8; a += 8, b += 8, len -= 8) {
        uint64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y)
            return false;
    }
    for (; len; a++, b++, len--)
        if (*a != *b)
            return false;
    return true;
}

/* The slot of a known column name, or -1. */
static inline int name_lookup(const char *name, size_t len)
{
    if (len == 0 || len > NAME_MAX_BYTES)
        return -1;
    for (unsigned h = name_hash(name, len);; h = (h + 1) & (NAME_SLOTS - 1)) {
        const struct name_slot *s = &name_slots[h];
        if (!s->len)
            return -1;
        if (s->len == len && name_equal(s->name, name, len))
            return (int)h;
    }
}

static inline int name_code(enum lieux_format format, int slot)
{
    if (slot < 0)
        return COL_EXTRA;
    return format == LIEUX_FORMAT_FRANCE_SERVICES ? name_slots[slot].code_fs
                                                  : name_slots[slot].code_v1;
}

static int classify(enum lieux_format format, const char *name, size_t len)
{
    return name_code(format, name_lookup(name, len));
}

/* The meaning of a name as the column lists above give it: what the table is filled from. */
static int classify_by_lists(enum lieux_format format, const char *name, size_t len)
{
    /* A France Services list with other columns reads them as a v1 file would. */
    if (format == LIEUX_FORMAT_FRANCE_SERVICES)
        for (size_t i = 0; i < COUNT(fs_columns); i++)
            if (strlen(fs_columns[i].name) == len && memcmp(fs_columns[i].name, name, len) == 0)
                return fs_columns[i].code;
    for (unsigned f = 0; f < LIEU_N_FIELDS; f++)
        if (strlen(lieu_field_names[f]) == len && memcmp(lieu_field_names[f], name, len) == 0)
            return (int)f;
    for (size_t i = 0; i < COUNT(legacy_columns); i++)
        if (legacy_columns[i].len == len && memcmp(legacy_columns[i].name, name, len) == 0)
            return legacy_columns[i].code;
    return COL_EXTRA;
}

static void name_put(const char *name)
{
    size_t len = strlen(name);
    ASSERT(len > 0 && len <= NAME_MAX_BYTES);
    if (name_lookup(name, len) >= 0)
        return; /* a name of several lists (adresse, latitude…) */
    unsigned h = name_hash(name, len);
    while (name_slots[h].len)
        h = (h + 1) & (NAME_SLOTS - 1);
    struct name_slot *s = &name_slots[h];
    memcpy(s->name, name, len);
    s->len = (uint8_t)len;
    s->code_v1 = (int8_t)classify_by_lists(LIEUX_FORMAT_V1, name, len);
    s->code_fs = (int8_t)classify_by_lists(LIEUX_FORMAT_FRANCE_SERVICES, name, len);
}

__attribute__((constructor)) static void names_fill(void)
{
    for (unsigned f = 0; f < LIEU_N_FIELDS; f++)
        name_put(lieu_field_names[f]);
    for (size_t i = 0; i < COUNT(legacy_columns); i++)
        name_put(legacy_columns[i].name);
    for (size_t i = 0; i < COUNT(fs_columns); i++)
        name_put(fs_columns[i].name);
    for (unsigned f = 0; f < LIEU_N_FIELDS; f++)
        ASSERT(classify(LIEUX_FORMAT_V1, lieu_field_names[f], strlen(lieu_field_names[f])) ==
               (int)f);
}

/* ---- The 2022 vocabularies and their v1 equivalents (reference §1.6) ---- */

struct old_value {
    const char *text; /* the label, or the part before " :" of labels with an explanation */
    int8_t field;     /* target field; -1: no equivalent (dropped) */
    int8_t index;     /* in the target's vocabulary; -1: keep the text (autres_formations_labels) */
};

static const struct old_value old_services[] = {
    {"Devenir autonome dans les démarches administratives", LF_SERVICES, 0},
    {"Réaliser des démarches administratives avec un accompagnement", LF_SERVICES, 0},
    {"Accompagner les démarches de santé", LF_SERVICES, 0},
    {"Prendre en main un smartphone ou une tablette", LF_SERVICES, 1},
    {"Prendre en main un ordinateur", LF_SERVICES, 1},
    {"Utiliser le numérique au quotidien", LF_SERVICES, 1},
    {"Favoriser mon insertion professionnelle", LF_SERVICES, 2},
    {"Créer et développer mon entreprise", LF_SERVICES, 2},
    {"Soutenir la parentalité et l'éducation avec le numérique", LF_SERVICES, 4},
    {"Créer avec le numérique", LF_SERVICES, 5},
    {"Approfondir ma culture numérique", LF_SERVICES, 6},
    {"Promouvoir la citoyenneté numérique", LF_SERVICES, 6},
    {"Accéder à une connexion internet", LF_SERVICES, 7},
    {"Accéder à du matériel", LF_SERVICES, 7},
    {"S'équiper en matériel informatique", LF_SERVICES, 8},
};

static const struct old_value old_frais[] = {
    {"Gratuit", LF_FRAIS_A_CHARGE, 0},
    {"Gratuit sous condition", LF_FRAIS_A_CHARGE, 1},
    {"Accepte le Pass numérique", LF_FRAIS_A_CHARGE, 1},
    {"Payant", LF_FRAIS_A_CHARGE, 2},
    {"Adhésion", LF_FRAIS_A_CHARGE, 2},
};

static const struct old_value old_publics[] = {
    {"Seniors (+ 65 ans)", LF_PUBLICS_SPECIFIQUEMENT_ADRESSES, 3},
    {"Familles/enfants", LF_PUBLICS_SPECIFIQUEMENT_ADRESSES, 2},
    {"Jeunes (16-26 ans)", LF_PUBLICS_SPECIFIQUEMENT_ADRESSES, 0},
    {"Uniquement femmes", LF_PUBLICS_SPECIFIQUEMENT_ADRESSES, 4},
    {"Public langues étrangères", LF_PRISE_EN_CHARGE_SPECIFIQUE, 5},
    {"Déficience visuelle", LF_PRISE_EN_CHARGE_SPECIFIQUE, 6},
    {"Surdité", LF_PRISE_EN_CHARGE_SPECIFIQUE, 0},
    {"Handicaps mentaux", LF_PRISE_EN_CHARGE_SPECIFIQUE, 2},
    {"Personnes en situation d'illettrisme", LF_PRISE_EN_CHARGE_SPECIFIQUE, 3},
    {"Adultes", -1, -1},
    {"Handicaps psychiques", -1, -1},
};

/* Labels not listed go to autres_formations_labels as written. */
static const struct old_value old_labels[] = {
    {"CNFS", LF_DISPOSITIF_PROGRAMMES_NATIONAUX, 3},
    {"France Services", LF_DISPOSITIF_PROGRAMMES_NATIONAUX, 5},
    {"Aidants Connect", LF_DISPOSITIF_PROGRAMMES_NATIONAUX, 0},
    {"Grandes écoles du numérique", LF_DISPOSITIF_PROGRAMMES_NATIONAUX, 6},
    {"Point numérique CAF", LF_DISPOSITIF_PROGRAMMES_NATIONAUX, 8},
    {"Fabriques de Territoire", LF_FORMATIONS_LABELS, 5},
};

static const struct old_value old_accompagnement[] = {
    {"Seul", LF_MODALITES_ACCOMPAGNEMENT, 0},
    {"Avec de l'aide", LF_MODALITES_ACCOMPAGNEMENT, 1},
    {"A ma place", LF_MODALITES_ACCOMPAGNEMENT, 1},
    {"À ma place", LF_MODALITES_ACCOMPAGNEMENT, 1},
    {"Dans un atelier", LF_MODALITES_ACCOMPAGNEMENT, 2},
};

struct vocab_map {
    const struct old_value *old;
    size_t n_old;
    enum lieu_field v1[2]; /* v1 fields whose values are taken as they are */
    size_t n_v1;
    bool comma_lists; /* the CNFS file joins these with ", " */
    bool others_free; /* unknown items go to autres_formations_labels (labels) */
};

static const struct vocab_map map_services = {
    old_services, COUNT(old_services), {LF_SERVICES}, 1, true, false};
static const struct vocab_map map_frais = {
    old_frais, COUNT(old_frais), {LF_FRAIS_A_CHARGE}, 1, false, false};
static const struct vocab_map map_publics = {
    old_publics,
    COUNT(old_publics),
    {LF_PUBLICS_SPECIFIQUEMENT_ADRESSES, LF_PRISE_EN_CHARGE_SPECIFIQUE},
    2,
    false,
    false};
static const struct vocab_map map_labels = {
    old_labels,
    COUNT(old_labels),
    {LF_DISPOSITIF_PROGRAMMES_NATIONAUX, LF_FORMATIONS_LABELS},
    2,
    true,
    true};
static const struct vocab_map map_accompagnement = {
    old_accompagnement, COUNT(old_accompagnement), {LF_MODALITES_ACCOMPAGNEMENT}, 1, false, false};

/* ---- The reader ---- */

struct pair {
    const char *name;
    size_t name_len;
    const char *value; /* NUL-terminated; NULL for JSON null */
    size_t len;
    bool nested; /* JSON: an object or an array of non-scalars */
};

struct lieux_reader {
    struct lieux_read_options opt;
    struct arena *arena; /* the caller's: result strings */
    lieux_row_fn fn;
    void *ctx;
    enum lieux_format format;
    bool decided; /* container (and format, for CSV) known */
    bool json;
    int err;
    size_t err_line;
    const char *error;
    const char **notes;
    size_t n_notes, notes_cap;
    size_t rows;
    const char *date_maj; /* France Services */
    unsigned used_legacy; /* bit per legacy column converted, for the file note */
    size_t n_dropped;     /* rows with a dropped value */
    bool fs_horaires_missing;

    /* per row */
    struct arena row_arena;
    struct lieu_report notes_report;
    struct lieu_row row;
    struct lieu_extra *extras;
    size_t extras_cap;

    /* CSV */
    struct csvread csv;
    bool have_header;
    size_t n_columns;
    char **column_names; /* heap copies */
    int *column_codes;
    struct pair *pairs;
    size_t pairs_cap;

    /* JSON */
    char *buf; /* unparsed bytes kept across feeds */
    size_t buf_len, buf_cap;
    size_t line;    /* of the first byte of buf */
    int json_state; /* 0 before '[', 1 in the array, 2 after ']' */
    char *scratch;  /* decoded names and values of the object being read */
    size_t scratch_len, scratch_cap;
    struct raw *raws; /* where each name and value of the object is in scratch */
    int *raw_codes;   /* the column code of each, for emit_row */
    size_t raws_cap;
    bool json_comma; /* an object was read: ',' or ']' comes next */
};

static void note(struct lieux_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void note(struct lieux_reader *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct buf b;
    buf_init(&b, r->arena, 8192);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    r->notes = arena_push(r->arena, r->notes, r->n_notes, &r->notes_cap, sizeof(*r->notes));
    r->notes[r->n_notes++] = buf_cstr(&b);
}

static void fail(struct lieux_reader *r, int err, size_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void fail(struct lieux_reader *r, int err, size_t line, const char *fmt, ...)
{
    if (r->err)
        return;
    va_list ap;
    va_start(ap, fmt);
    struct buf b;
    buf_init(&b, r->arena, 8192);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    r->err = err;
    r->err_line = line;
    r->error = buf_cstr(&b);
}

const char *lieux_format_name(enum lieux_format f)
{
    switch (f) {
    case LIEUX_FORMAT_V1:
        return "v1";
    case LIEUX_FORMAT_V0:
        return "v0";
    case LIEUX_FORMAT_FRANCE_SERVICES:
        return "france-services";
    case LIEUX_FORMAT_AUTO:
        break;
    }
    return "auto";
}

int lieux_format_from_name(const char *name, enum lieux_format *out)
{
    static const enum lieux_format all[] = {LIEUX_FORMAT_AUTO, LIEUX_FORMAT_V1, LIEUX_FORMAT_V0,
                                            LIEUX_FORMAT_FRANCE_SERVICES};
    for (size_t i = 0; i < COUNT(all); i++)
        if (name && strcmp(name, lieux_format_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    return ERR_INVALID;
}

bool lieux_phone_international(const char *s, char out[16])
{
    char d[11];
    size_t n = 0;
    if (!s)
        return false;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9') {
            if (n == 10)
                return false;
            d[n++] = *s;
        } else if (*s != ' ' && *s != '.' && *s != '-') {
            return false;
        }
    }
    if (n != 10 || d[0] != '0')
        return false;
    d[10] = '\0';
    /* Overseas départements keep their own country codes; 0269 and 0639 are Mayotte, +262. */
    static const struct {
        const char *start, *code;
    } dom[] = {{"0590", "590"}, {"0690", "590"}, {"0691", "590"}, {"0596", "596"}, {"0696", "596"},
               {"0697", "596"}, {"0594", "594"}, {"0694", "594"}, {"0262", "262"}, {"0263", "262"},
               {"0692", "262"}, {"0693", "262"}, {"0269", "262"}, {"0639", "262"}};
    const char *code = "33";
    for (size_t i = 0; i < COUNT(dom); i++)
        if (memcmp(d, dom[i].start, 4) == 0)
            code = dom[i].code;
    snprintf(out, 16, "+%s%s", code, d + 1);
    return true;
}

/* ---- Row assembly ---- */

static void row_reset(struct lieux_reader *r)
{
    memset(&r->row, 0, sizeof(r->row));
    lieu_report_clear(&r->notes_report);
}

static void add_extra(struct lieux_reader *r, const char *name, const char *value)
{
    /* A column named like a field of the standard but not read as that field (a France Services
     * list with its own "id" column): renamed, so that an export does not write the name twice. */
    if (lieu_field_by_name(name, strlen(name)) >= 0)
        name = arena_printf(&r->row_arena, "%s_origine", name);
    if (r->row.n_extra == r->extras_cap) {
        r->extras_cap = r->extras_cap ? r->extras_cap * 2 : 16;
        r->extras = xrealloc(r->extras, r->extras_cap * sizeof(*r->extras));
    }
    r->extras[r->row.n_extra++] = (struct lieu_extra){name, value};
    r->row.extra = r->extras;
}

static bool is_blank_value(const char *s, size_t len) { return !s || len == 0; }

/* Bits of v1 values per target field, the texts that go to autres_formations_labels and those
 * dropped, gathered over the items of one old list. */
struct conversion {
    uint64_t bits[LIEU_N_FIELDS];
    struct buf autres;
    struct buf dropped;
};

static void trim(const char **p, size_t *len)
{
    while (*len && (**p == ' ' || **p == '\t'))
        (*p)++, (*len)--;
    while (*len && ((*p)[*len - 1] == ' ' || (*p)[*len - 1] == '\t'))
        (*len)--;
}

/* One item of an old list: a v1 value, an old one (matched on the part before " :", ASCII case
 * ignored), or nothing. Returns false when not recognised. */
static bool convert_item(const struct vocab_map *m, const char *p, size_t len, struct conversion *c)
{
    trim(&p, &len);
    if (len == 0)
        return true;
    for (size_t k = 0; k < m->n_v1; k++) {
        int i = lieu_value_index(m->v1[k], p, len);
        if (i >= 0) {
            c->bits[m->v1[k]] |= (uint64_t)1 << i;
            return true;
        }
    }
    size_t key = len;
    for (size_t i = 0; i + 1 < len; i++)
        if (p[i] == ' ' && p[i + 1] == ':') {
            key = i;
            break;
        }
    for (size_t i = 0; i < m->n_old; i++) {
        const struct old_value *o = &m->old[i];
        /* the comparison stops at the first different letter; no strlen of every label */
        if (strncasecmp(o->text, p, key) == 0 && o->text[key] == '\0') {
            if (o->field < 0) {
                if (c->dropped.len)
                    buf_addch(&c->dropped, '|');
                buf_add(&c->dropped, p, len);
            } else {
                c->bits[o->field] |= (uint64_t)1 << o->index;
            }
            return true;
        }
    }
    return false;
}

static void unknown_item(const struct vocab_map *m, const char *p, size_t len, struct conversion *c)
{
    trim(&p, &len);
    struct buf *to = m->others_free ? &c->autres : &c->dropped;
    if (to->len)
        buf_addch(to, '|');
    buf_add(to, p, len);
}

/* Converts an old list (';'-separated; for comma_lists maps, a ';'-item not recognised is tried
 * again split on ','). */
static void convert_list(const struct vocab_map *m, const char *s, struct conversion *c)
{
    const char *p = s;
    for (;;) {
        const char *semi = strchr(p, ';');
        size_t len = semi ? (size_t)(semi - p) : strlen(p);
        if (!convert_item(m, p, len, c)) {
            if (m->comma_lists && memchr(p, ',', len)) {
                const char *q = p, *end = p + len;
                for (;;) {
                    const char *comma = memchr(q, ',', (size_t)(end - q));
                    size_t n = comma ? (size_t)(comma - q) : (size_t)(end - q);
                    if (!convert_item(m, q, n, c))
                        unknown_item(m, q, n, c);
                    if (!comma)
                        break;
                    q = comma + 1;
                }
            } else {
                unknown_item(m, p, len, c);
            }
        }
        if (!semi)
            break;
        p = semi + 1;
    }
}

/* "A|B" from bits, in the vocabulary's order. */
static const char *list_from_bits(struct arena *a, enum lieu_field f, uint64_t bits)
{
    unsigned n;
    const char *const *vals = lieu_vocab(f, &n);
    struct buf b;
    buf_init(&b, a, 4096);
    for (unsigned i = 0; i < n; i++)
        if (bits >> i & 1) {
            if (b.len)
                buf_addch(&b, '|');
            buf_adds(&b, vals[i]);
        }
    return b.len ? buf_cstr(&b) : NULL;
}

/* s with ';' (and the spaces around) turned into '|'; s itself when it has none. */
static const char *semicolons_to_bars(struct arena *a, const char *s)
{
    if (!strchr(s, ';'))
        return s;
    struct buf b;
    buf_init(&b, a, LIMIT_FIELD_VALUE_BYTES * 2);
    const char *p = s;
    for (;;) {
        const char *semi = strchr(p, ';');
        size_t len = semi ? (size_t)(semi - p) : strlen(p);
        const char *q = p;
        trim(&q, &len);
        if (len) {
            if (b.len)
                buf_addch(&b, '|');
            buf_add(&b, q, len);
        }
        if (!semi)
            break;
        p = semi + 1;
    }
    return buf_cstr(&b);
}

static void drop_note(struct lieux_reader *r, int field, const char *column, const char *dropped)
{
    lieu_report_add(&r->notes_report, field, column, LIEU_WARNING, LR_DROPPED, dropped,
                    strlen(dropped),
                    "%s : « %s » n'a pas d'équivalent dans le standard v1 ; la valeur est gardée "
                    "dans la colonne supplémentaire « %s »",
                    column, dropped, column);
}

/* Applies an old list to the row. When one of the targets is already filled (a v1 file that has
 * both), the old column is kept as it is, as an extra column. */
static void apply_old_list(struct lieux_reader *r, const struct vocab_map *m, const char *column,
                           const char *extra_name, const char *value, bool in_place_field)
{
    struct arena *a = &r->row_arena;
    if (!in_place_field) {
        bool busy = false;
        for (size_t k = 0; k < m->n_v1; k++)
            busy |= r->row.v[m->v1[k]] != NULL;
        for (size_t i = 0; i < m->n_old; i++)
            if (m->old[i].field >= 0)
                busy |= r->row.v[m->old[i].field] != NULL;
        if (busy) {
            add_extra(r, column, value);
            return;
        }
    }
    struct conversion c;
    memset(c.bits, 0, sizeof(c.bits));
    buf_init(&c.autres, a, LIMIT_FIELD_VALUE_BYTES * 2);
    buf_init(&c.dropped, a, LIMIT_FIELD_VALUE_BYTES * 2);
    convert_list(m, value, &c);
    for (unsigned f = 0; f < LIEU_N_FIELDS; f++)
        if (c.bits[f])
            r->row.v[f] = list_from_bits(a, (enum lieu_field)f, c.bits[f]);
    if (in_place_field && m->n_v1 == 1 && !c.bits[m->v1[0]])
        r->row.v[m->v1[0]] = NULL;
    if (c.autres.len) {
        const char *had = r->row.v[LF_AUTRES_FORMATIONS_LABELS];
        r->row.v[LF_AUTRES_FORMATIONS_LABELS] =
            had ? arena_printf(a, "%s|%s", had, buf_cstr(&c.autres)) : buf_cstr(&c.autres);
    }
    if (c.dropped.len) {
        const char *dropped = buf_cstr(&c.dropped);
        add_extra(r, extra_name, dropped);
        drop_note(r, in_place_field ? (int)m->v1[0] : -1, extra_name, dropped);
    }
}

/* Leftover or v0 columns, applied after the row's own fields are known. */
static void apply_legacy(struct lieux_reader *r, const char *legacy[N_LEGACY],
                         const char *names[N_LEGACY])
{
    struct arena *a = &r->row_arena;
    for (int k = 0; k < N_LEGACY; k++) {
        const char *v = legacy[k];
        if (!v)
            continue;
        r->used_legacy |= 1u << k;
        switch (k + COL_LEGACY) {
        case LEG_COURRIEL:
            if (r->row.v[LF_COURRIELS])
                add_extra(r, names[k], v);
            else
                r->row.v[LF_COURRIELS] = semicolons_to_bars(a, v);
            break;
        case LEG_ACCESSIBILITE:
            if (r->row.v[LF_FICHE_ACCES_LIBRE])
                add_extra(r, names[k], v);
            else
                r->row.v[LF_FICHE_ACCES_LIBRE] = v;
            break;
        case LEG_LABELS_AUTRES:
            if (r->row.v[LF_AUTRES_FORMATIONS_LABELS])
                add_extra(r, names[k], v);
            else
                r->row.v[LF_AUTRES_FORMATIONS_LABELS] = semicolons_to_bars(a, v);
            break;
        case LEG_LABELS_NATIONAUX:
            apply_old_list(r, &map_labels, names[k], names[k], v, false);
            break;
        case LEG_PUBLICS_ACCUEILLIS:
            apply_old_list(r, &map_publics, names[k], names[k], v, false);
            break;
        case LEG_CONDITIONS_ACCES:
            apply_old_list(r, &map_frais, names[k], names[k], v, false);
            break;
        }
    }
}

/* The v0 fields that keep their name but change their content. */
static void convert_v0_fields(struct lieux_reader *r)
{
    struct arena *a = &r->row_arena;
    const char *v;
    if ((v = r->row.v[LF_SERVICES]))
        apply_old_list(r, &map_services, "services", "services_v0", v, true);
    if ((v = r->row.v[LF_MODALITES_ACCOMPAGNEMENT]))
        apply_old_list(r, &map_accompagnement, "modalites_accompagnement",
                       "modalites_accompagnement_v0", v, true);
    if ((v = r->row.v[LF_TYPOLOGIE]))
        r->row.v[LF_TYPOLOGIE] = semicolons_to_bars(a, v);
    if ((v = r->row.v[LF_SITE_WEB]))
        r->row.v[LF_SITE_WEB] = semicolons_to_bars(a, v);
    char phone[16];
    if ((v = r->row.v[LF_TELEPHONE]) && lieux_phone_international(v, phone))
        r->row.v[LF_TELEPHONE] = arena_strdup(a, phone);
}

static void map_france_services(struct lieux_reader *r, const char *days[6], const char *tel,
                                const char *itinerance)
{
    struct arena *a = &r->row_arena;
    struct lieu_row *row = &r->row;
    /* What every France Services place is, unless the file says otherwise in v1 columns. */
    static const struct {
        enum lieu_field field;
        const char *value;
    } defaults[] = {
        {LF_PIVOT, FS_PIVOT},
        {LF_SOURCE, FS_SOURCE},
        {LF_TYPOLOGIE, "RFS"},
        {LF_DISPOSITIF_PROGRAMMES_NATIONAUX, "France Services"},
        {LF_SERVICES, "Aide aux démarches administratives|Accès internet et matériel informatique"},
        {LF_FRAIS_A_CHARGE, "Gratuit"},
        {LF_MODALITES_ACCOMPAGNEMENT, "Accompagnement individuel"},
    };
    for (size_t i = 0; i < COUNT(defaults); i++)
        if (!row->v[defaults[i].field])
            row->v[defaults[i].field] = defaults[i].value;
    if (!row->v[LF_DATE_MAJ])
        row->v[LF_DATE_MAJ] = r->date_maj;
    if (itinerance) {
        if (strcasecmp(itinerance, "Oui") == 0)
            row->v[LF_ITINERANCE] = "Itinérant";
        else if (strcasecmp(itinerance, "Non") == 0)
            row->v[LF_ITINERANCE] = "Fixe";
        else
            row->v[LF_ITINERANCE] = itinerance;
    }
    if (tel) {
        char phone[16];
        row->v[LF_TELEPHONE] = lieux_phone_international(tel, phone) ? arena_strdup(a, phone) : tel;
    }
    bool any_day = false;
    for (int i = 0; i < 6; i++)
        any_day |= days[i] != NULL;
    if (!any_day)
        return;
    static const char *const columns[6] = {"h_lundi", "h_mardi",    "h_mercredi",
                                           "h_jeudi", "h_vendredi", "h_samedi"};
    const char *cells[6];
    for (int i = 0; i < 6; i++)
        cells[i] = days[i] ? days[i] : "";
    struct buf out;
    buf_init(&out, a, 4096);
    struct horaires_error herr = {0};
    if (horaires_from_france_services(a, cells, &out, &herr) == 0 && buf_finish(&out) == 0) {
        if (out.len)
            row->v[LF_HORAIRES] = buf_cstr(&out);
        return;
    }
    for (int i = 0; i < 6; i++)
        if (days[i])
            add_extra(r, columns[i], days[i]);
    lieu_report_add(&r->notes_report, LF_HORAIRES, NULL, LIEU_WARNING, LR_DROPPED, NULL, 0,
                    "horaires : les horaires par jour n'ont pas pu être convertis (%s) ; ils "
                    "sont gardés dans les colonnes h_lundi … h_samedi",
                    herr.message ? herr.message : "format inconnu");
}

/* The row of a raw record, handed to the callback. codes: the column codes (CSV), or NULL to
 * classify each name (JSON). The caller has called row_reset (and may have added notes). */
static void emit_row(struct lieux_reader *r, const struct pair *pairs, const int *codes, size_t n,
                     size_t line)
{
    const char *legacy[N_LEGACY] = {0}, *legacy_names[N_LEGACY] = {0};
    const char *taken[LIEU_N_FIELDS] = {0};
    size_t taken_len[LIEU_N_FIELDS] = {0};
    const char *days[6] = {0}, *fs_tel = NULL, *fs_itin = NULL;
    const char *fs_fields[FS_MAIL - FS_ID + 1] = {0};
    static const enum lieu_field fs_targets[FS_MAIL - FS_ID + 1] = {LF_ID, LF_NOM, LF_CODE_INSEE,
                                                                    LF_COMMUNE, LF_COURRIELS};
    for (size_t i = 0; i < n; i++) {
        const struct pair *p = &pairs[i];
        if (p->nested) {
            lieu_report_add(&r->notes_report, -1, p->name, LIEU_ERROR, LR_JSON, NULL, 0,
                            "%s : la valeur doit être un texte, un nombre ou une liste de textes, "
                            "pas un objet",
                            p->name);
            continue;
        }
        if (is_blank_value(p->value, p->len))
            continue;
        int code = codes ? codes[i] : classify(r->format, p->name, p->name_len);
        if (code >= 0 && code < LIEU_N_FIELDS) {
            r->row.v[code] = taken[code] = p->value;
            taken_len[code] = p->len;
        } else if (code >= COL_LEGACY && code < LEG_END) {
            legacy[code - COL_LEGACY] = p->value;
            legacy_names[code - COL_LEGACY] = p->name;
        } else if (code >= FS_DAY0 && code <= FS_DAY5)
            days[code - FS_DAY0] = p->value;
        else if (code >= FS_ID && code <= FS_MAIL)
            fs_fields[code - FS_ID] = p->value;
        else if (code == FS_TELEPHONE)
            fs_tel = p->value;
        else if (code == FS_ITINERANCE)
            fs_itin = p->value;
        else
            add_extra(r, p->name, p->value);
    }
    switch (r->format) {
    case LIEUX_FORMAT_V0:
        convert_v0_fields(r);
        apply_legacy(r, legacy, legacy_names);
        break;
    case LIEUX_FORMAT_FRANCE_SERVICES:
        /* the list's own columns win over same-meaning v1 columns a producer may have added */
        for (int k = 0; k <= FS_MAIL - FS_ID; k++)
            if (fs_fields[k])
                r->row.v[fs_targets[k]] = fs_fields[k];
        map_france_services(r, days, fs_tel, fs_itin);
        apply_legacy(r, legacy, legacy_names);
        break;
    default:
        apply_legacy(r, legacy, legacy_names);
        break;
    }
    r->rows++;
    if (r->notes_report.n)
        for (size_t i = 0; i < r->notes_report.n; i++)
            if (r->notes_report.items[i].rule == LR_DROPPED) {
                r->n_dropped++;
                break;
            }
    /* the lengths: known for values taken as they came, measured for converted ones */
    size_t lens[LIEU_N_FIELDS];
    for (unsigned f = 0; f < LIEU_N_FIELDS; f++) {
        const char *v = r->row.v[f];
        lens[f] = v == taken[f] ? taken_len[f] : v ? strlen(v) : 0;
    }
    struct lieux_record rec = {&r->row, line, r->rows, &r->notes_report, lens};
    int rc = r->fn(r->ctx, &rec);
    if (rc && !r->err) {
        r->err = rc;
        r->err_line = line;
    }
    /* What the row used stays in the arena until it passes ROW_ARENA_KEEP: emptying it after each
     * row would cost a malloc and a free per row with a conversion or a note. */
    if (r->row_arena.total > ROW_ARENA_KEEP) {
        arena_release(&r->row_arena);
        lieu_report_init(&r->notes_report, &r->row_arena);
    }
}

/* ---- Format detection ---- */

/* From the names of the first record: France Services, the draft, or v1. services_v1 tells
 * whether the first services value reads as v1 (-1: no services). */
static enum lieux_format detect(const struct pair *pairs, size_t n, int services_v1)
{
    bool fs = false, v0 = false, v1 = false;
    for (size_t i = 0; i < n; i++) {
        const char *name = pairs[i].name;
        size_t len = pairs[i].name_len;
        fs |= (len == 5 && memcmp(name, "id_fs", 5) == 0) ||
              (len == 6 && memcmp(name, "lib_fs", 6) == 0);
        v0 |= name_in(name, len, v0_only, COUNT(v0_only));
        v1 |= name_in(name, len, v1_only, COUNT(v1_only));
    }
    if (fs)
        return LIEUX_FORMAT_FRANCE_SERVICES;
    if (v0 && !v1 && services_v1 != 1)
        return LIEUX_FORMAT_V0;
    return LIEUX_FORMAT_V1;
}

static int services_read_as_v1(const struct pair *pairs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (pairs[i].name_len == 8 && memcmp(pairs[i].name, "services", 8) == 0 && pairs[i].value) {
            const char *v = pairs[i].value;
            const char *bar = strchr(v, '|');
            size_t len = bar ? (size_t)(bar - v) : strlen(v);
            return lieu_value_index(LF_SERVICES, v, len) >= 0 ? 1 : 0;
        }
    return -1;
}

static void decide_format(struct lieux_reader *r, const struct pair *pairs, size_t n)
{
    if (r->opt.format != LIEUX_FORMAT_AUTO) {
        r->format = r->opt.format;
        return;
    }
    r->format = detect(pairs, n, r->json ? services_read_as_v1(pairs, n) : -1);
    if (r->format != LIEUX_FORMAT_V1)
        note(r, "format reconnu : %s",
             r->format == LIEUX_FORMAT_V0 ? "brouillon 2022 du standard (v0.1), converti en v1"
                                          : "liste France Services de l'ANCT, convertie en v1");
}

/* ---- CSV ---- */

static bool header_has(struct lieux_reader *r, const char *name)
{
    for (size_t i = 0; i < r->n_columns; i++)
        if (strcmp(r->column_names[i], name) == 0)
            return true;
    return false;
}

static int csv_header(struct lieux_reader *r, size_t line, char *const *cells, const size_t *lens,
                      size_t n)
{
    r->n_columns = n;
    r->column_names = xcalloc(n, sizeof(*r->column_names));
    r->column_codes = xcalloc(n, sizeof(*r->column_codes));
    r->pairs = xcalloc(n, sizeof(*r->pairs));
    r->pairs_cap = n;
    for (size_t i = 0; i < n; i++) {
        r->column_names[i] = lens[i] ? xstrdup(cells[i]) : xstrdup("");
        r->pairs[i] = (struct pair){r->column_names[i], lens[i], NULL, 0, false};
    }
    for (size_t i = 0; i < n; i++) {
        if (!lens[i]) {
            char *name = xmalloc(32);
            snprintf(name, 32, "colonne_%zu", i + 1);
            free(r->column_names[i]);
            r->column_names[i] = name;
            r->pairs[i].name = name;
            r->pairs[i].name_len = strlen(name);
            note(r, "la colonne %zu n'a pas de nom : elle est gardée sous le nom « %s »", i + 1,
                 name);
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(r->column_names[i], r->column_names[j]) == 0) {
                fail(r, ERR_INVALID, line,
                     "ligne %zu : la colonne « %s » apparaît deux fois "
                     "(colonnes %zu et %zu)",
                     line, r->column_names[i], j + 1, i + 1);
                return ERR_INVALID;
            }
    }
    decide_format(r, r->pairs, n);
    char sep = r->csv.separator;
    if (sep != ',' && r->format != LIEUX_FORMAT_FRANCE_SERVICES) {
        const char *name = sep == ';' ? "point-virgule" : "tabulation";
        if (r->opt.strict_separator) {
            fail(r, ERR_INVALID, line,
                 "ligne %zu : mauvais séparateur (%s) : le standard demande "
                 "la virgule",
                 line, name);
            return ERR_INVALID;
        }
        note(r,
             "mauvais séparateur : le fichier utilise le %s au lieu de la virgule que "
             "demande le standard ; il a été lu avec le %s",
             name, name);
    }
    struct buf missing, absent, unknown;
    buf_init(&missing, r->arena, 8192);
    buf_init(&absent, r->arena, 8192);
    buf_init(&unknown, r->arena, 8192);
    for (size_t i = 0; i < n; i++) {
        int code = classify(r->format, r->column_names[i], strlen(r->column_names[i]));
        r->column_codes[i] = code;
        if (code == COL_EXTRA &&
            !(r->format == LIEUX_FORMAT_V0 && strcmp(r->column_names[i], "cle_ban") == 0)) {
            if (unknown.len)
                buf_addlit(&unknown, ", ");
            buf_adds(&unknown, r->column_names[i]);
        }
    }
    if (r->format == LIEUX_FORMAT_FRANCE_SERVICES) {
        static const char *const required[] = {"id_fs", "lib_fs", "adresse", "code_postal",
                                               "lib_com"};
        for (size_t k = 0; k < COUNT(required); k++)
            if (!header_has(r, required[k])) {
                if (missing.len)
                    buf_addlit(&missing, ", ");
                buf_adds(&missing, required[k]);
            }
    } else {
        bool in_order = n >= LIEU_N_FIELDS;
        for (unsigned f = 0; f < LIEU_N_FIELDS; f++) {
            if (in_order && strcmp(r->column_names[f], lieu_field_names[f]) != 0)
                in_order = false;
            if (header_has(r, lieu_field_names[f]))
                continue;
            if (r->format == LIEUX_FORMAT_V0)
                continue; /* the draft had other columns: what matters is what rows hold */
            struct buf *to = lieu_fields[f].required ? &missing : &absent;
            if (to->len)
                buf_addlit(to, ", ");
            buf_adds(to, lieu_field_names[f]);
        }
        if (r->format == LIEUX_FORMAT_V0) {
            static const char *const required[] = {"id", "nom", "commune", "code_postal",
                                                   "adresse"};
            for (size_t k = 0; k < COUNT(required); k++)
                if (!header_has(r, required[k])) {
                    if (missing.len)
                        buf_addlit(&missing, ", ");
                    buf_adds(&missing, required[k]);
                }
        } else if (!in_order && !absent.len && !missing.len) {
            note(r, "les colonnes ne sont pas dans l'ordre du standard ; elles ont été lues par "
                    "leur nom");
        }
    }
    if (missing.len) {
        fail(r, ERR_INVALID, line,
             "ligne %zu : colonne%s obligatoire%s absente%s de l'en-tête : "
             "%s",
             line, strchr(buf_cstr(&missing), ',') ? "s" : "",
             strchr(buf_cstr(&missing), ',') ? "s" : "", strchr(buf_cstr(&missing), ',') ? "s" : "",
             buf_cstr(&missing));
        return ERR_INVALID;
    }
    if (absent.len)
        note(r, "colonnes absentes (le standard demande les 32, même vides) : %s",
             buf_cstr(&absent));
    if (unknown.len)
        note(r, "colonnes hors du standard, gardées telles quelles : %s", buf_cstr(&unknown));
    r->have_header = true;
    return 0;
}

static int csv_record(void *ctx, size_t line, char *const *cells, const size_t *lens, size_t n)
{
    struct lieux_reader *r = ctx;
    if (!r->have_header)
        return csv_header(r, line, cells, lens, n);
    size_t m = n < r->n_columns ? n : r->n_columns;
    for (size_t i = 0; i < r->n_columns; i++) {
        r->pairs[i].value = i < m ? cells[i] : NULL;
        r->pairs[i].len = i < m ? lens[i] : 0;
    }
    row_reset(r);
    if (n != r->n_columns)
        lieu_report_add(&r->notes_report, -1, NULL, LIEU_ERROR, LR_COLUMNS, NULL, 0,
                        "la ligne compte %zu cellule%s alors que l'en-tête en compte %zu : "
                        "vérifiez les guillemets et le séparateur",
                        n, n > 1 ? "s" : "", r->n_columns);
    emit_row(r, r->pairs, r->column_codes, r->n_columns, line);
    return r->err;
}

/* ---- JSON: an array of flat objects ---- */

enum { JP_OK, JP_MORE, JP_BAD };

struct raw {
    size_t name_off, name_len, val_off, val_len;
    int name_slot; /* name_lookup's answer, or NAME_UNRESOLVED */
    bool is_null, nested;
};

struct jp {
    struct lieux_reader *r;
    const char *p, *end;
    size_t line;
    const char *what; /* French, on JP_BAD */
    size_t n_raws;    /* in r->raws */
};

#define STRINGIFY2(x) #x
#define STRINGIFY(x) STRINGIFY2(x)

/* Room for n more bytes and a NUL. */
static inline void scratch_reserve(struct lieux_reader *r, size_t n)
{
    if (r->scratch_len + n + 1 > r->scratch_cap) {
        size_t cap = r->scratch_cap ? r->scratch_cap : 16384;
        while (cap < r->scratch_len + n + 1)
            cap *= 2;
        r->scratch = xrealloc(r->scratch, cap);
        r->scratch_cap = cap;
    }
}

static void scratch_add(struct lieux_reader *r, const char *p, size_t n)
{
    scratch_reserve(r, n);
    memcpy(r->scratch + r->scratch_len, p, n);
    r->scratch_len += n;
}

static void scratch_addch(struct lieux_reader *r, char c) { scratch_add(r, &c, 1); }

static inline void skip_ws(struct jp *j)
{
    const char *p = j->p, *end = j->end;
    size_t lines = 0;
    for (; p < end; p++) {
        char c = *p;
        if (c == '\n')
            lines++;
        else if (c != ' ' && c != '\t' && c != '\r')
            break;
    }
    j->p = p;
    j->line += lines;
}

#define ONES 0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

static inline uint64_t zero_byte(uint64_t v) { return (v - ONES) & ~v & HIGHS; }

/* Any byte of w that a string scan must stop at: '"', '\\', a control or a non-ASCII byte. */
static inline bool special_byte(uint64_t w)
{
    return ((w & HIGHS) | zero_byte(w ^ (ONES * '"')) | zero_byte(w ^ (ONES * '\\')) |
            ((w - ONES * 0x20) & ~w & HIGHS)) != 0;
}

/* The first byte at or after p that a string scan must look at ('"', '\\', a control or a
 * non-ASCII byte), or end. */
#if defined(__SSE2__)
#include <emmintrin.h>
static inline const char *skip_plain(const char *p, const char *end)
{
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'),
                  space = _mm_set1_epi8(0x20);
    while (end - p >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        /* signed: bytes >= 0x80 are negative, so "< 0x20" also catches them */
        __m128i hit =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                         _mm_cmplt_epi8(v, space));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        if (mask)
            return p + __builtin_ctz(mask);
        p += 16;
    }
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        if (special_byte(w))
            break;
        p += 8;
    }
    return p;
}
#else
static inline const char *skip_plain(const char *p, const char *end)
{
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        if (special_byte(w))
            break;
        p += 8;
    }
    return p;
}
#endif

static int hex4(const char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static void add_utf8(struct lieux_reader *r, uint32_t cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | cp >> 6);
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | cp >> 12);
        b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | cp >> 18);
        b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    scratch_add(r, b, n);
}

static int jp_string_escaped(struct jp *j, size_t *off, size_t *len);
static void raws_grow(struct lieux_reader *r);

/* A string at j->p (the opening quote), copied into the scratch buffer and NUL-terminated. The
 * common case, a string without escapes, is scanned eight bytes at a time and copied once. */
static int jp_string(struct jp *j, size_t *off, size_t *len)
{
    struct lieux_reader *r = j->r;
    const char *start = j->p + 1, *q = start, *end = j->end;
    for (;;) {
        q = skip_plain(q, end);
        if (q >= end)
            return JP_MORE;
        unsigned char c = (unsigned char)*q;
        if (c == '"')
            break;
        if (c == '\\' || c < 0x20)
            return jp_string_escaped(j, off, len);
        if (c < 0x80) {
            q++;
            continue;
        }
        /* the accents of French: two-byte sequences, checked here without a call */
        if (c >= 0xC2 && c <= 0xDF && end - q >= 2 && ((unsigned char)q[1] & 0xC0) == 0x80) {
            q += 2;
            continue;
        }
        size_t n = c >= 0xC2 && c <= 0xDF   ? 2
                   : c >= 0xE0 && c <= 0xEF ? 3
                   : c >= 0xF0 && c <= 0xF4 ? 4
                                            : 1;
        if ((size_t)(end - q) < n)
            return JP_MORE;
        if (n == 1 || !utf8_valid(q, n))
            return jp_string_escaped(j, off, len); /* which names the fault */
        q += n;
    }
    size_t n = (size_t)(q - start);
    scratch_reserve(r, n + 16);
    *off = r->scratch_len;
    *len = n;
#if defined(__SSE2__)
    if (n <= 16 && end - start >= 16) /* one unaligned move instead of a call */
        _mm_storeu_si128((__m128i *)(void *)(r->scratch + r->scratch_len),
                         _mm_loadu_si128((const __m128i *)(const void *)start));
    else
#endif
        memcpy(r->scratch + r->scratch_len, start, n);
    r->scratch[r->scratch_len + n] = '\0';
    r->scratch_len += n + 1;
    j->p = q + 1;
    return JP_OK;
}

/* The same, decoding escapes (and reporting bad bytes) on the way. */
static int jp_string_escaped(struct jp *j, size_t *off, size_t *len)
{
    struct lieux_reader *r = j->r;
    const char *p = j->p + 1, *end = j->end;
    size_t start = r->scratch_len;
    for (;;) {
        const char *q = p;
        while (end - q >= 8) {
            uint64_t w;
            memcpy(&w, q, 8);
            if (special_byte(w))
                break;
            q += 8;
        }
        while (q < end) {
            unsigned char c = (unsigned char)*q;
            if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
                break;
            q++;
        }
        scratch_add(r, p, (size_t)(q - p));
        if (q >= end)
            return JP_MORE;
        unsigned char c = (unsigned char)*q;
        if (c == '"') {
            j->p = q + 1;
            *off = start;
            *len = r->scratch_len - start;
            scratch_addch(r, '\0');
            return JP_OK;
        }
        if (c < 0x20) {
            j->what = "caractère de contrôle dans un texte (un retour à la ligne s'écrit \\n)";
            return JP_BAD;
        }
        if (c >= 0x80) {
            size_t n = c >= 0xC2 && c <= 0xDF   ? 2
                       : c >= 0xE0 && c <= 0xEF ? 3
                       : c >= 0xF0 && c <= 0xF4 ? 4
                                                : 1;
            if ((size_t)(end - q) < n)
                return JP_MORE;
            if (n == 1 || !utf8_valid(q, n)) {
                j->what = "le fichier n'est pas en UTF-8 (il semble enregistré en Latin-1 ou "
                          "Windows-1252) : enregistrez-le en UTF-8 puis importez-le à nouveau";
                return JP_BAD;
            }
            scratch_add(r, q, n);
            p = q + n;
            continue;
        }
        /* an escape */
        if (end - q < 2)
            return JP_MORE;
        char e = q[1];
        p = q + 2;
        switch (e) {
        case '"':
        case '\\':
        case '/':
            scratch_addch(r, e);
            break;
        case 'b':
            scratch_addch(r, '\b');
            break;
        case 'f':
            scratch_addch(r, '\f');
            break;
        case 'n':
            scratch_addch(r, '\n');
            break;
        case 'r':
            scratch_addch(r, '\r');
            break;
        case 't':
            scratch_addch(r, '\t');
            break;
        case 'u': {
            uint32_t cp, lo;
            if (end - q < 6)
                return JP_MORE;
            if (hex4(q + 2, &cp) != 0) {
                j->what = "échappement \\u mal formé";
                return JP_BAD;
            }
            p = q + 6;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (end - p < 6)
                    return JP_MORE;
                if (p[0] != '\\' || p[1] != 'u' || hex4(p + 2, &lo) != 0 || lo < 0xDC00 ||
                    lo > 0xDFFF) {
                    j->what = "échappement \\u d'un caractère hors du plan de base incomplet";
                    return JP_BAD;
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                p += 6;
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                j->what = "échappement \\u isolé d'une moitié de caractère";
                return JP_BAD;
            }
            if (cp == 0) {
                j->what = "caractère nul (\\u0000) dans un texte";
                return JP_BAD;
            }
            add_utf8(r, cp);
            break;
        }
        default:
            j->what = "échappement inconnu après \\";
            return JP_BAD;
        }
    }
}

/* A number, kept as written (the text of the row is the text of the file). */
static int jp_number(struct jp *j, size_t *off, size_t *len)
{
    const char *p = j->p, *end = j->end, *start = p;
    if (p < end && *p == '-')
        p++;
    if (p < end && *p == '0') {
        p++;
        if (p < end && *p >= '0' && *p <= '9')
            goto bad; /* no leading zeros in JSON */
    } else if (p < end && *p >= '1' && *p <= '9')
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    else
        goto bad;
    if (p < end && *p == '.') {
        p++;
        const char *d = p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (p == d)
            goto bad;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        const char *d = p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (p == d)
            goto bad;
    }
    if (p >= end)
        return JP_MORE;
    *off = j->r->scratch_len;
    *len = (size_t)(p - start);
    scratch_add(j->r, start, *len);
    scratch_addch(j->r, '\0');
    j->p = p;
    return JP_OK;
bad:
    if (p >= end)
        return JP_MORE;
    j->what = "nombre mal formé";
    return JP_BAD;
}

static int jp_literal(struct jp *j, const char *word, size_t *off, size_t *len)
{
    size_t n = strlen(word);
    if ((size_t)(j->end - j->p) < n)
        return JP_MORE;
    if (memcmp(j->p, word, n) != 0) {
        j->what = "valeur inconnue (attendu : texte, nombre, true, false, null, liste)";
        return JP_BAD;
    }
    j->p += n;
    *off = j->r->scratch_len;
    *len = n;
    scratch_add(j->r, word, n);
    scratch_addch(j->r, '\0');
    return JP_OK;
}

/* Skips any value (for nested objects and arrays), within the depth limit. */
static int jp_skip(struct jp *j, int depth)
{
    if (depth > LIMIT_JSON_DEPTH) {
        j->what = "imbrication trop profonde";
        return JP_BAD;
    }
    skip_ws(j);
    if (j->p >= j->end)
        return JP_MORE;
    char c = *j->p;
    size_t off, len, keep = j->r->scratch_len;
    int rc;
    if (c == '"') {
        rc = jp_string(j, &off, &len);
    } else if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        j->p++;
        skip_ws(j);
        if (j->p < j->end && *j->p == close) {
            j->p++;
            return JP_OK;
        }
        for (;;) {
            if (c == '{') {
                skip_ws(j);
                if (j->p >= j->end)
                    return JP_MORE;
                if (*j->p != '"') {
                    j->what = "nom de clé attendu";
                    return JP_BAD;
                }
                if ((rc = jp_string(j, &off, &len)) != JP_OK)
                    return rc;
                skip_ws(j);
                if (j->p >= j->end)
                    return JP_MORE;
                if (*j->p != ':') {
                    j->what = "« : » attendu après une clé";
                    return JP_BAD;
                }
                j->p++;
            }
            if ((rc = jp_skip(j, depth + 1)) != JP_OK)
                return rc;
            skip_ws(j);
            if (j->p >= j->end)
                return JP_MORE;
            if (*j->p == close) {
                j->p++;
                break;
            }
            if (*j->p != ',') {
                j->what = "« , » ou fin de liste attendue";
                return JP_BAD;
            }
            j->p++;
        }
        rc = JP_OK;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        rc = jp_number(j, &off, &len);
    } else {
        rc = jp_literal(j, c == 't' ? "true" : c == 'f' ? "false" : "null", &off, &len);
    }
    j->r->scratch_len = keep;
    return rc;
}

/* One scalar into the scratch buffer (appended, not terminated when joined is set). */
static int jp_scalar(struct jp *j, size_t *off, size_t *len, bool *is_null)
{
    char c = *j->p;
    *is_null = false;
    if (c == '"')
        return jp_string(j, off, len);
    if (c == '-' || (c >= '0' && c <= '9'))
        return jp_number(j, off, len);
    if (c == 'n') {
        int rc = jp_literal(j, "null", off, len);
        *is_null = true;
        *len = 0;
        return rc;
    }
    return jp_literal(j, c == 't' ? "true" : "false", off, len);
}

/* A value of an object: a scalar, or an array of scalars joined with '|'; anything else nested. */
static int jp_value(struct jp *j, struct raw *v)
{
    struct lieux_reader *r = j->r;
    skip_ws(j);
    if (j->p >= j->end)
        return JP_MORE;
    char c = *j->p;
    if (c == '{')
        return (v->nested = true, jp_skip(j, 1));
    if (c != '[')
        return jp_scalar(j, &v->val_off, &v->val_len, &v->is_null);
    /* an array: items copied one after the other, separated by '|' */
    const char *start = j->p;
    size_t begin = r->scratch_len;
    j->p++;
    skip_ws(j);
    if (j->p >= j->end)
        return JP_MORE;
    if (*j->p == ']') {
        j->p++;
        v->is_null = true;
        return JP_OK;
    }
    for (;;) {
        skip_ws(j);
        if (j->p >= j->end)
            return JP_MORE;
        if (*j->p == '[' || *j->p == '{') {
            j->p = start;
            r->scratch_len = begin;
            return (v->nested = true, jp_skip(j, 1));
        }
        size_t off, len;
        bool is_null;
        int rc = jp_scalar(j, &off, &len, &is_null);
        if (rc != JP_OK)
            return rc;
        /* drop the NUL the scalar added, and join */
        r->scratch_len = off + len;
        skip_ws(j);
        if (j->p >= j->end)
            return JP_MORE;
        if (*j->p == ']') {
            j->p++;
            break;
        }
        if (*j->p != ',') {
            j->what = "« , » ou « ] » attendu dans une liste";
            return JP_BAD;
        }
        j->p++;
        scratch_addch(r, '|');
    }
    v->val_off = begin;
    v->val_len = r->scratch_len - begin;
    scratch_addch(r, '\0');
    return JP_OK;
}

static int jp_object(struct jp *j)
{
    struct lieux_reader *r = j->r;
    j->n_raws = 0;
    r->scratch_len = 0;
    j->p++; /* '{' */
    skip_ws(j);
    if (j->p >= j->end)
        return JP_MORE;
    if (*j->p == '}') {
        j->p++;
        return JP_OK;
    }
    for (;;) {
        skip_ws(j);
        if (j->p >= j->end)
            return JP_MORE;
        if (*j->p != '"') {
            j->what = "nom de clé entre guillemets attendu";
            return JP_BAD;
        }
        if (j->n_raws == LIMIT_CSV_COLUMNS) {
            j->what = "plus de " STRINGIFY(LIMIT_CSV_COLUMNS) " clés dans un objet";
            return JP_BAD;
        }
        if (j->n_raws == r->raws_cap)
            raws_grow(r);
        struct raw *v = &r->raws[j->n_raws];
        memset(v, 0, sizeof(*v));
        v->name_slot = NAME_UNRESOLVED;
        int rc = jp_string(j, &v->name_off, &v->name_len);
        if (rc != JP_OK)
            return rc;
        skip_ws(j);
        if (j->p >= j->end)
            return JP_MORE;
        if (*j->p != ':') {
            j->what = "« : » attendu après une clé";
            return JP_BAD;
        }
        j->p++;
        if ((rc = jp_value(j, v)) != JP_OK)
            return rc;
        j->n_raws++;
        skip_ws(j);
        if (j->p >= j->end)
            return JP_MORE;
        if (*j->p == '}') {
            j->p++;
            return JP_OK;
        }
        if (*j->p != ',') {
            j->what = "« , » ou « } » attendu entre deux clés";
            return JP_BAD;
        }
        j->p++;
    }
}

/*
 * The fast path for the objects that real files hold: keys and values without escapes, values
 * that are strings, numbers, true, false or null. It reads the object where it lies, resolves each
 * key in the table of names, then copies the object's bytes into the scratch buffer at once and
 * ends each name and value there with a NUL (where its closing quote or delimiter was). Anything
 * else (an escape, a list, a nested object, a control byte, bad UTF-8, a malformed token, the end
 * of the bytes at hand) answers JP_SLOW, and jp_object reads the object again from its start with
 * the careful path, which also names the fault: both paths give the same raws.
 */
enum { JP_SLOW = JP_BAD + 1 };

static void raws_grow(struct lieux_reader *r)
{
    r->raws_cap = r->raws_cap ? r->raws_cap * 2 : 64;
    r->raws = xrealloc(r->raws, r->raws_cap * sizeof(*r->raws));
    r->raw_codes = xrealloc(r->raw_codes, r->raws_cap * sizeof(*r->raw_codes));
}

/* White space, counting its newlines. */
static inline const char *ws_skip(const char *p, const char *end, size_t *lines)
{
    for (; p < end; p++) {
        char c = *p;
        if (c == '\n')
            ++*lines;
        else if (c != ' ' && c != '\t' && c != '\r')
            break;
    }
    return p;
}

/* The closing quote of a string whose text starts at s, or NULL when the text holds an escape, a
 * control byte or bad UTF-8, or goes past end. The quote is searched 16 bytes at a time without
 * stopping at accents; the UTF-8 of a text that has some non-ASCII byte is checked afterwards. */
static inline const char *plain_string_end(const char *s, const char *end)
{
    const char *q = s;
    unsigned high = 0;
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'),
                  control = _mm_set1_epi8(0x1F);
    while (end - q >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)q);
        /* unsigned v <= 0x1F: v equals min(v, 0x1F) */
        __m128i stop =
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                         _mm_cmpeq_epi8(_mm_min_epu8(v, control), v));
        unsigned mask = (unsigned)_mm_movemask_epi8(stop), hi = (unsigned)_mm_movemask_epi8(v);
        if (mask) {
            unsigned at = (unsigned)__builtin_ctz(mask);
            high |= hi & ((1u << at) - 1);
            q += at;
            goto found;
        }
        high |= hi;
        q += 16;
    }
#endif
    for (; q < end; q++) {
        unsigned char c = (unsigned char)*q;
        if (c == '"' || c == '\\' || c < 0x20)
            goto found;
        high |= c & 0x80;
    }
    return NULL;
found:
    if (*q != '"')
        return NULL;
    if (high && !csvread_text_valid(s, (size_t)(q - s))) /* no zero byte: stopped above */
        return NULL;
    return q;
}

/* The end of a JSON number starting at p, or NULL when it is malformed or may go on past end. */
static inline const char *number_end(const char *p, const char *end)
{
    if (p < end && *p == '-')
        p++;
    if (p < end && *p == '0') {
        p++;
        if (p < end && *p >= '0' && *p <= '9')
            return NULL;
    } else if (p < end && *p >= '1' && *p <= '9') {
        while (p < end && *p >= '0' && *p <= '9')
            p++;
    } else {
        return NULL;
    }
    if (p < end && *p == '.') {
        const char *d = ++p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (p == d)
            return NULL;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-'))
            p++;
        const char *d = p;
        while (p < end && *p >= '0' && *p <= '9')
            p++;
        if (p == d)
            return NULL;
    }
    return p < end ? p : NULL;
}

/* A key of plain ASCII bytes found and resolved within the 32 bytes at name, without a loop: its
 * closing quote, with its slot in the table of names (-1 for an unknown name). NULL when the key
 * is longer, holds another byte, or the 32 bytes are not there: plain_string_end then reads it. */
static inline const char *key_window(const char *name, const char *end, int *slot)
{
#if defined(__SSE2__)
    if (end - name < 32)
        return NULL;
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'),
                  control = _mm_set1_epi8(0x1F);
    __m128i a = _mm_loadu_si128((const __m128i *)(const void *)name),
            b = _mm_loadu_si128((const __m128i *)(const void *)(name + 16));
    uint32_t quotes = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a, quote)) |
                      (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, quote)) << 16;
    if (!quotes)
        return NULL;
    unsigned len = (unsigned)__builtin_ctz(quotes);
    uint32_t before = (1u << len) - 1;
    __m128i odd_a = _mm_or_si128(_mm_cmpeq_epi8(a, backslash),
                                 _mm_cmpeq_epi8(_mm_min_epu8(a, control), a)),
            odd_b = _mm_or_si128(_mm_cmpeq_epi8(b, backslash),
                                 _mm_cmpeq_epi8(_mm_min_epu8(b, control), b));
    uint32_t odd = (uint32_t)(_mm_movemask_epi8(odd_a) | _mm_movemask_epi8(a)) |
                   (uint32_t)(_mm_movemask_epi8(odd_b) | _mm_movemask_epi8(b)) << 16;
    if (odd & before)
        return NULL;
    *slot = -1;
    if (len == 0)
        return name;
    for (unsigned h = name_hash(name, len);; h = (h + 1) & (NAME_SLOTS - 1)) {
        const struct name_slot *s = &name_slots[h];
        if (!s->len)
            break;
        if (s->len != len)
            continue;
        __m128i sa = _mm_loadu_si128((const __m128i *)(const void *)s->name),
                sb = _mm_loadu_si128((const __m128i *)(const void *)(s->name + 16));
        uint32_t eq = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a, sa)) |
                      (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, sb)) << 16;
        if ((eq & before) == before) {
            *slot = (int)h;
            break;
        }
    }
    return name + len;
#else
    (void)name, (void)end, (void)slot;
    return NULL;
#endif
}

static int jp_object_fast(struct jp *j)
{
    struct lieux_reader *r = j->r;
    const char *obj = j->p, *end = j->end, *p;
    size_t lines = 0, n = 0;
    p = ws_skip(obj + 1, end, &lines);
    if (p >= end || *p != '"')
        return JP_SLOW; /* {} included: rare, the careful path has it */
    for (;;) {
        if (p >= end || *p != '"' || n == LIMIT_CSV_COLUMNS)
            return JP_SLOW;
        if (n == r->raws_cap)
            raws_grow(r);
        struct raw *v = &r->raws[n];
        const char *name = p + 1, *q = key_window(name, end, &v->name_slot);
        if (!q) {
            if (!(q = plain_string_end(name, end)))
                return JP_SLOW;
            v->name_slot = name_lookup(name, (size_t)(q - name));
        }
        v->name_off = (size_t)(name - obj);
        v->name_len = (size_t)(q - name);
        v->is_null = v->nested = false;
        p = ws_skip(q + 1, end, &lines);
        if (p >= end || *p != ':')
            return JP_SLOW;
        p = ws_skip(p + 1, end, &lines);
        if (p >= end)
            return JP_SLOW;
        char c = *p;
        if (c == '"') {
            const char *s = p + 1;
            if (!(q = plain_string_end(s, end)))
                return JP_SLOW;
            v->val_off = (size_t)(s - obj);
            v->val_len = (size_t)(q - s);
            p = q + 1;
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            if (!(q = number_end(p, end)))
                return JP_SLOW;
            v->val_off = (size_t)(p - obj);
            v->val_len = (size_t)(q - p);
            p = q;
        } else if (end - p >= 4 && memcmp(p, "null", 4) == 0) {
            v->is_null = true;
            v->val_off = v->val_len = 0;
            p += 4;
        } else if (end - p >= 4 && memcmp(p, "true", 4) == 0) {
            v->val_off = (size_t)(p - obj);
            v->val_len = 4;
            p += 4;
        } else if (end - p >= 5 && memcmp(p, "false", 5) == 0) {
            v->val_off = (size_t)(p - obj);
            v->val_len = 5;
            p += 5;
        } else {
            return JP_SLOW; /* a list, an object, or something the careful path will name */
        }
        n++;
        p = ws_skip(p, end, &lines);
        if (p >= end)
            return JP_SLOW;
        if (*p == '}') {
            p++;
            break;
        }
        if (*p != ',')
            return JP_SLOW;
        p = ws_skip(p + 1, end, &lines);
    }
    /* The bytes of the object, once; each name and value ends where its delimiter was. */
    size_t span = (size_t)(p - obj);
    r->scratch_len = 0;
    scratch_reserve(r, span);
    memcpy(r->scratch, obj, span);
    for (size_t i = 0; i < n; i++) {
        const struct raw *v = &r->raws[i];
        r->scratch[v->name_off + v->name_len] = '\0';
        if (!v->is_null)
            r->scratch[v->val_off + v->val_len] = '\0';
    }
    r->scratch_len = span;
    j->n_raws = n;
    j->p = p;
    j->line += lines;
    return JP_OK;
}

static void json_emit(struct lieux_reader *r, const struct jp *j, size_t line)
{
    if (j->n_raws > r->pairs_cap) {
        r->pairs_cap = j->n_raws;
        r->pairs = xrealloc(r->pairs, r->pairs_cap * sizeof(*r->pairs));
    }
    for (size_t i = 0; i < j->n_raws; i++) {
        const struct raw *w = &r->raws[i];
        r->pairs[i] = (struct pair){r->scratch + w->name_off, w->name_len,
                                    w->is_null || w->nested ? NULL : r->scratch + w->val_off,
                                    w->is_null ? 0 : w->val_len, w->nested};
    }
    if (!r->decided) {
        decide_format(r, r->pairs, j->n_raws);
        r->decided = true;
    }
    for (size_t i = 0; i < j->n_raws; i++) {
        const struct raw *w = &r->raws[i];
        r->raw_codes[i] = w->name_slot == NAME_UNRESOLVED
                              ? classify(r->format, r->pairs[i].name, w->name_len)
                              : name_code(r->format, w->name_slot);
    }
    row_reset(r);
    emit_row(r, r->pairs, r->raw_codes, j->n_raws, line);
}

/* Reads what it can of [p, end); returns the number of bytes consumed (the rest is an incomplete
 * object or token, kept for the next feed). */
static size_t json_parse(struct lieux_reader *r, const char *data, size_t len, bool final)
{
    if (!data)
        data = ""; /* nothing kept: no pointer arithmetic on NULL */
    struct jp j = {r, data, data + len, r->line, NULL, 0};
    const char *consumed = data;
    while (!r->err) {
        skip_ws(&j);
        consumed = j.p;
        r->line = j.line;
        if (j.p >= j.end)
            break;
        char c = *j.p;
        if (r->json_state == 0) {
            if (c != '[') {
                fail(r, ERR_INVALID, j.line,
                     "ligne %zu : le fichier JSON doit être une liste d'objets : [ {…}, {…} ]",
                     j.line);
                break;
            }
            j.p++;
            r->json_state = 1;
            continue;
        }
        if (r->json_state == 2) {
            fail(r, ERR_INVALID, j.line, "ligne %zu : contenu après la fin de la liste JSON",
                 j.line);
            break;
        }
        if (c == ']') {
            j.p++;
            r->json_state = 2;
            continue;
        }
        if (r->json_comma) {
            if (c != ',') {
                fail(r, ERR_INVALID, j.line,
                     "ligne %zu : JSON mal formé : « , » ou « ] » attendu "
                     "après un objet",
                     j.line);
                break;
            }
            j.p++;
            r->json_comma = false;
            continue;
        }
        if (c != '{') {
            fail(r, ERR_INVALID, j.line,
                 "ligne %zu : JSON mal formé : chaque élément de la liste "
                 "doit être un objet { … }",
                 j.line);
            break;
        }
        size_t line = j.line;
        int rc = r->opt.careful ? JP_SLOW : jp_object_fast(&j);
        if (rc == JP_SLOW)
            rc = jp_object(&j);
        if (rc == JP_MORE) {
            j.line = line;
            if (final)
                fail(r, ERR_INVALID, line,
                     "ligne %zu : le fichier JSON s'arrête au milieu d'un "
                     "objet",
                     line);
            break;
        }
        if (rc == JP_BAD) {
            fail(r, ERR_INVALID, j.line, "ligne %zu : JSON mal formé : %s", j.line, j.what);
            break;
        }
        r->json_comma = true;
        if (r->rows >= (r->opt.max_rows ? r->opt.max_rows : LIMIT_CSV_ROWS)) {
            fail(r, ERR_TOO_BIG, line, "ligne %zu : le fichier dépasse %zu lieux", line,
                 r->opt.max_rows ? r->opt.max_rows : (size_t)LIMIT_CSV_ROWS);
            break;
        }
        json_emit(r, &j, line);
    }
    return (size_t)(consumed - data);
}

static void buf_keep(struct lieux_reader *r, const char *p, size_t n)
{
    if (r->buf_len + n > r->buf_cap) {
        size_t cap = r->buf_cap ? r->buf_cap : 65536;
        while (cap < r->buf_len + n)
            cap *= 2;
        r->buf = xrealloc(r->buf, cap);
        r->buf_cap = cap;
    }
    if (n) /* an empty piece may come with a NULL pointer */
        memmove(r->buf + r->buf_len, p, n);
    r->buf_len += n;
}

static void json_feed(struct lieux_reader *r, const char *data, size_t len, bool final)
{
    if (r->buf_len == 0 && data) {
        size_t used = json_parse(r, data, len, final);
        if (!r->err && used < len)
            buf_keep(r, data + used, len - used);
    } else {
        if (data)
            buf_keep(r, data, len);
        size_t used = json_parse(r, r->buf, r->buf_len, final);
        if (used) {
            memmove(r->buf, r->buf + used, r->buf_len - used);
            r->buf_len -= used;
        }
    }
    if (!r->err && r->buf_len > MAX_OBJECT_BYTES)
        fail(r, ERR_TOO_BIG, r->line, "ligne %zu : un objet JSON dépasse %d Mo", r->line,
             MAX_OBJECT_BYTES / (1024 * 1024));
}

/* ---- The reader ---- */

struct lieux_reader *lieux_reader_new(const struct lieux_read_options *opt, struct arena *a,
                                      lieux_row_fn fn, void *ctx)
{
    struct lieux_reader *r = xcalloc(1, sizeof(*r));
    if (opt)
        r->opt = *opt;
    r->arena = a;
    r->fn = fn;
    r->ctx = ctx;
    r->line = 1;
    arena_init(&r->row_arena);
    lieu_report_init(&r->notes_report, &r->row_arena);
    struct csvread_options co = {0};
    co.max_records = (r->opt.max_rows ? r->opt.max_rows : LIMIT_CSV_ROWS) + 1;
    co.careful = r->opt.careful;
    csvread_init(&r->csv, &co, csv_record, r);
    /* The date of a France Services list: given, else a YYYYMMDD in the file name. */
    r->date_maj = r->opt.date_maj ? arena_strdup(a, r->opt.date_maj) : NULL;
    const char *name = r->opt.file_name ? strrchr(r->opt.file_name, '/') : NULL;
    name = name ? name + 1 : r->opt.file_name;
    for (const char *p = name; !r->date_maj && p && *p; p++) {
        size_t k = 0;
        while (k < 8 && p[k] >= '0' && p[k] <= '9')
            k++;
        if (k == 8 && !(p[8] >= '0' && p[8] <= '9') &&
            (p == name || !(p[-1] >= '0' && p[-1] <= '9')) && (p[0] == '2') &&
            (p[4] == '0' || p[4] == '1') && (p[6] >= '0' && p[6] <= '3'))
            r->date_maj = arena_printf(a, "%.4s-%.2s-%.2s", p, p + 4, p + 6);
    }
    return r;
}

void lieux_reader_free(struct lieux_reader *r)
{
    if (!r)
        return;
    csvread_release(&r->csv);
    for (size_t i = 0; i < r->n_columns; i++)
        free(r->column_names[i]);
    free(r->column_names);
    free(r->column_codes);
    free(r->pairs);
    free(r->extras);
    free(r->buf);
    free(r->scratch);
    free(r->raws);
    free(r->raw_codes);
    arena_release(&r->row_arena);
    free(r);
}

static int csv_feed(struct lieux_reader *r, const char *data, size_t len)
{
    int rc = csvread_feed(&r->csv, data, len);
    if (rc && !r->err) {
        size_t line;
        const char *msg = csvread_error(&r->csv, &line);
        if (*msg)
            fail(r, rc, line, "%s", msg);
        else
            r->err = rc;
    }
    return r->err;
}

int lieux_reader_feed(struct lieux_reader *r, const char *data, size_t len)
{
    if (r->err)
        return r->err;
    if (!r->json && r->decided)
        return csv_feed(r, data, len);
    if (r->json)
        return json_feed(r, data, len, false), r->err;
    /* The container is decided by the first byte that is not white space or a byte-order mark;
     * bytes are kept only while undecided, so that a whole file fed at once is not copied. */
    if (r->buf_len == 0) {
        size_t i = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        while (i < len && (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n'))
            i++;
        if (i < len && (i > 0 || len >= 3 || memcmp(data, "\xEF\xBB\xBF", len) != 0)) {
            if (data[i] == '[' || data[i] == '{') {
                r->json = true;
                size_t bom = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
                json_feed(r, data + bom, len - bom, false);
                return r->err;
            }
            r->decided = true;
            return csv_feed(r, data, len);
        }
    }
    buf_keep(r, data, len);
    if (r->buf_len < 3 && (r->buf_len == 0 || memcmp(r->buf, "\xEF\xBB\xBF", r->buf_len) == 0))
        return 0; /* nothing yet, or perhaps a byte-order mark, cut */
    size_t i = 0;
    if (r->buf_len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < r->buf_len &&
           (r->buf[i] == ' ' || r->buf[i] == '\t' || r->buf[i] == '\r' || r->buf[i] == '\n'))
        i++;
    if (i == r->buf_len)
        return 0;
    if (r->buf[i] == '[' || r->buf[i] == '{') {
        r->json = true;
        /* BOM dropped; JSON lines are counted from the buffer's start */
        size_t bom = r->buf_len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        memmove(r->buf, r->buf + bom, r->buf_len - bom);
        r->buf_len -= bom;
        json_feed(r, NULL, 0, false);
        return r->err;
    }
    r->decided = true;
    size_t n = r->buf_len;
    r->buf_len = 0;
    return csv_feed(r, r->buf, n);
}

int lieux_reader_finish(struct lieux_reader *r, struct lieux_read_result *res)
{
    if (!r->err && !r->json && !r->decided && r->buf_len) {
        r->decided = true; /* a few bytes that looked like the start of a byte-order mark */
        size_t n = r->buf_len;
        r->buf_len = 0;
        csv_feed(r, r->buf, n);
    }
    if (!r->err && r->json) {
        json_feed(r, NULL, 0, true);
        if (!r->err && r->json_state != 2)
            fail(r, ERR_INVALID, r->line,
                 "ligne %zu : le fichier JSON n'est pas terminé "
                 "(« ] » manquant)",
                 r->line);
    } else if (!r->err && !r->decided) {
        fail(r, ERR_INVALID, 0, "le fichier est vide");
    } else if (!r->err) {
        int rc = csvread_finish(&r->csv);
        if (rc && !r->err) {
            size_t line;
            const char *msg = csvread_error(&r->csv, &line);
            if (*msg)
                fail(r, rc, line, "%s", msg);
            else
                r->err = rc;
        }
        if (!r->err && !r->have_header)
            fail(r, ERR_INVALID, 0, "le fichier est vide");
    }
    if (!r->err) {
        static const char *const leg_names[N_LEGACY] = {
            "courriel -> courriels",
            "accessibilite -> fiche_acces_libre",
            "labels_autres -> autres_formations_labels",
            ("labels_nationaux -> dispositif_programmes_nationaux, formations_labels, "
             "autres_formations_labels"),
            "publics_accueillis -> publics_specifiquement_adresses, prise_en_charge_specifique",
            "conditions_acces -> frais_a_charge"};
        for (int k = 0; k < N_LEGACY; k++)
            if (r->used_legacy & 1u << k)
                note(r, "colonne du brouillon 2022 convertie : %s", leg_names[k]);
        if (r->n_dropped)
            note(r,
                 "%zu ligne%s des valeurs sans équivalent v1, gardées en colonnes "
                 "supplémentaires",
                 r->n_dropped, r->n_dropped > 1 ? "s ont" : " a");
        if (r->format == LIEUX_FORMAT_FRANCE_SERVICES && !r->date_maj)
            note(r, "date_maj inconnue : la liste France Services n'a pas de date (donnez-la, ou "
                    "gardez la date AAAAMMJJ dans le nom du fichier)");
    }
    if (res) {
        memset(res, 0, sizeof(*res));
        res->format = r->format != LIEUX_FORMAT_AUTO       ? r->format
                      : r->opt.format != LIEUX_FORMAT_AUTO ? r->opt.format
                                                           : LIEUX_FORMAT_V1;
        res->json = r->json;
        res->separator = r->json ? 0 : r->csv.separator;
        res->rows = r->rows;
        res->error = r->error;
        res->error_line = r->err_line;
        res->notes = r->notes;
        res->n_notes = r->n_notes;
    }
    return r->err;
}

int lieux_read_mem(const char *data, size_t len, const struct lieux_read_options *opt,
                   struct arena *a, lieux_row_fn fn, void *ctx, struct lieux_read_result *res)
{
    struct lieux_reader *r = lieux_reader_new(opt, a, fn, ctx);
    lieux_reader_feed(r, data, len);
    int rc = lieux_reader_finish(r, res);
    lieux_reader_free(r);
    return rc;
}

int lieux_read_file(const char *path, const struct lieux_read_options *opt, struct arena *a,
                    lieux_row_fn fn, void *ctx, struct lieux_read_result *res)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (res) {
            memset(res, 0, sizeof(*res));
            res->error = arena_printf(a, "impossible d'ouvrir le fichier « %s »", path);
        }
        return ERR_IO;
    }
    struct lieux_read_options o = opt ? *opt : (struct lieux_read_options){0};
    if (!o.file_name)
        o.file_name = path;
    struct lieux_reader *r = lieux_reader_new(&o, a, fn, ctx);
    char *chunk = xmalloc(READ_CHUNK);
    size_t n;
    while ((n = fread(chunk, 1, READ_CHUNK, f)) > 0)
        if (lieux_reader_feed(r, chunk, n) != 0)
            break;
    bool io = ferror(f);
    fclose(f);
    free(chunk);
    if (io && !r->err)
        fail(r, ERR_IO, 0, "erreur de lecture du fichier « %s »", path);
    int rc = lieux_reader_finish(r, res);
    lieux_reader_free(r);
    return rc;
}

void lieu_row_copy(struct lieu_row *dst, const struct lieu_row *src, struct arena *a)
{
    for (unsigned f = 0; f < LIEU_N_FIELDS; f++)
        dst->v[f] = src->v[f] ? arena_strdup(a, src->v[f]) : NULL;
    dst->n_extra = src->n_extra;
    dst->extra = src->n_extra ? arena_alloc(a, src->n_extra * sizeof(*dst->extra)) : NULL;
    for (size_t i = 0; i < src->n_extra; i++)
        dst->extra[i] = (struct lieu_extra){arena_strdup(a, src->extra[i].name),
                                            arena_strdup(a, src->extra[i].value)};
}
