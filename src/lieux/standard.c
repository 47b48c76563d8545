/*
 * The field table and vocabularies of the standard v1.0.2. The values are copied from the patterns
 * of schema.json (ref/data/schema/schema-v1.0.2.json) and checked against the npm library's enums
 * by tests/conformance/lieux.test.js; keep them byte for byte.
 */
#include "lieux/standard.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"

static const char *const services[] = {
    "Aide aux démarches administratives",
    "Maîtrise des outils numériques du quotidien",
    "Insertion professionnelle via le numérique",
    "Utilisation sécurisée du numérique",
    "Parentalité et éducation avec le numérique",
    "Loisirs et créations numériques",
    "Compréhension du monde numérique",
    "Accès internet et matériel informatique",
    "Acquisition de matériel informatique à prix solidaire",
};

static const char *const publics[] = {
    "Jeunes", "Étudiants", "Familles et/ou enfants", "Seniors", "Femmes",
};

static const char *const prises_en_charge[] = {
    "Surdité",
    "Handicaps moteurs",
    "Handicaps mentaux",
    "Illettrisme",
    "Langues étrangères (anglais)",
    "Langues étrangères (autres)",
    "Déficience visuelle",
};

static const char *const frais[] = {"Gratuit", "Gratuit sous condition", "Payant"};

static const char *const dispositifs[] = {
    "Aidants Connect",
    "Bibliothèques numérique de référence",
    "Certification PIX",
    "Conseillers numériques",
    "Emmaüs Connect",
    "France Services",
    "Grande école du numérique",
    "La Croix Rouge",
    "Point d'accès numérique CAF",
    "Promeneurs du net",
    "Relais numérique (Emmaüs Connect)",
};

/* « and » are U+00AB and U+00BB with ordinary spaces inside. */
static const char *const formations_labels[] = {
    "Formé à « Mon Espace Santé »",
    "Formé à « DUPLEX » (illettrisme)",
    "Arnia/MedNum BFC (Bourgogne-Franche-Comté)",
    "Collectif ressources et acteurs réemploi (Normandie)",
    "Étapes numériques (La Poste)",
    "Fabriques de Territoire",
    "Les Éclaireurs du numérique (Drôme)",
    "Mes Papiers (Métropole de Lyon)",
    "ORDI 3.0",
    "SUD LABS (PACA)",
};

static const char *const modalites_acces[] = {
    "Se présenter",
    "Téléphoner",
    "Contacter par mail",
    "Prendre un RDV en ligne",
    "Ce lieu n'accueille pas de public",
    "Envoyer un mail avec une fiche de prescription",
};

static const char *const itinerance[] = {"Itinérant", "Fixe"};

static const char *const modalites_accompagnement[] = {
    "En autonomie",
    "Accompagnement individuel",
    "Dans un atelier collectif",
    "À distance",
};

/* data·inclusion "typologies de structure", as the npm library 2.3.0 enforces them. The schema
 * only points to the list: an unknown code is a warning, not an error (validate.c). */
static const char *const typologies[] = {
    "ACI",          "ACIPHC",       "AFPA",       "AI",         "ASE",
    "ASSO",         "ASSO_CHOMEUR", "Autre",      "AVIP",       "BIB",
    "CAARUD",       "CADA",         "CAF",        "CAP_EMPLOI", "CAVA",
    "CC",           "CCAS",         "CCONS",      "CD",         "CDAS",
    "CFP",          "CHRS",         "CHU",        "CIAS",       "CIDFF",
    "CITMET",       "CMP",          "CMS",        "CPAM",       "CPH",
    "CS",           "CSAPA",        "CSC",        "DEETS",      "DEPT",
    "DIPLP",        "E2C",          "EA",         "EATT",       "EI",
    "EITI",         "ENM",          "EPCI",       "EPI",        "EPIDE",
    "EPN",          "ES",           "ESAT",       "ESS",        "ETTI",
    "EVS",          "FABLAB",       "FABRIQUE",   "FAIS",       "FT",
    "GEIQ",         "HUDA",         "LA_POSTE",   "MDE",        "MDH",
    "MDEF",         "MDPH",         "MDS",        "MJC",        "ML",
    "MQ",           "MSA",          "MSAP",       "MUNI",       "OACAS",
    "ODC",          "OF",           "OIL",        "OPCS",       "PAD",
    "PENSION",      "PI",           "PIJ_BIJ",    "PIMMS",      "PJJ",
    "PLIE",         "PREF",         "PREVENTION", "REG",        "RELAIS_LECTURE",
    "RESSOURCERIE", "RFS",          "RS_FJT",     "SCP",        "SPIP",
    "TIERS_LIEUX",  "UDAF",
};

#define N(a) (unsigned)(sizeof(a) / sizeof((a)[0]))
#define FIELD(f, req, kind, max) [f] = {f, req, kind, max, NULL, 0}
#define ENUM(f, kind, vals) [f] = {f, false, kind, 0, vals, N(vals)}

const struct lieu_field_def lieu_fields[LIEU_N_FIELDS] = {
    FIELD(LF_ID, true, LK_ID, 0),
    FIELD(LF_PIVOT, true, LK_PIVOT, 0),
    FIELD(LF_NOM, true, LK_TEXT, 0),
    FIELD(LF_COMMUNE, true, LK_TEXT, 0),
    FIELD(LF_CODE_POSTAL, true, LK_CODE_POSTAL, 0),
    FIELD(LF_CODE_INSEE, false, LK_CODE_INSEE, 0),
    FIELD(LF_ADRESSE, true, LK_TEXT, 0),
    FIELD(LF_COMPLEMENT_ADRESSE, false, LK_TEXT, 0),
    FIELD(LF_LATITUDE, false, LK_NUMBER, 0),
    FIELD(LF_LONGITUDE, false, LK_NUMBER, 0),
    ENUM(LF_TYPOLOGIE, LK_CODE_LIST, typologies),
    FIELD(LF_TELEPHONE, false, LK_PHONE, 0),
    FIELD(LF_COURRIELS, false, LK_EMAIL_LIST, 0),
    FIELD(LF_SITE_WEB, false, LK_URL_LIST, 0),
    FIELD(LF_HORAIRES, false, LK_OPENING_HOURS, 0),
    FIELD(LF_PRESENTATION_RESUME, false, LK_TEXT, 280),
    FIELD(LF_PRESENTATION_DETAIL, false, LK_TEXT, 0),
    FIELD(LF_SOURCE, false, LK_TEXT, 0),
    ENUM(LF_ITINERANCE, LK_ENUM_LIST, itinerance),
    FIELD(LF_STRUCTURE_PARENTE, false, LK_TEXT, 0),
    FIELD(LF_DATE_MAJ, true, LK_DATE, 0),
    ENUM(LF_SERVICES, LK_ENUM_LIST, services),
    ENUM(LF_PUBLICS_SPECIFIQUEMENT_ADRESSES, LK_ENUM_LIST, publics),
    ENUM(LF_PRISE_EN_CHARGE_SPECIFIQUE, LK_ENUM_LIST, prises_en_charge),
    ENUM(LF_FRAIS_A_CHARGE, LK_ENUM_LIST, frais),
    ENUM(LF_DISPOSITIF_PROGRAMMES_NATIONAUX, LK_ENUM_LIST, dispositifs),
    ENUM(LF_FORMATIONS_LABELS, LK_ENUM_LIST, formations_labels),
    FIELD(LF_AUTRES_FORMATIONS_LABELS, false, LK_FREE_LIST, 0),
    ENUM(LF_MODALITES_ACCES, LK_ENUM_LIST, modalites_acces),
    ENUM(LF_MODALITES_ACCOMPAGNEMENT, LK_ENUM_LIST, modalites_accompagnement),
    FIELD(LF_FICHE_ACCES_LIBRE, false, LK_URL, 0),
    FIELD(LF_PRISE_RDV, false, LK_URL, 0),
};

/*
 * One open-addressed table for both lookups (column names and vocabulary items), filled once when
 * the library is loaded. The hash reads the length and three bytes only, so that a lookup costs a
 * few instructions and one comparison whatever the length of the value; the table is kept sparse
 * (about 200 entries in 512 slots) so that a miss, frequent for the columns outside the standard,
 * stops at once. Chains stay short (checked by an ASSERT at fill).
 */
#define TABLE_SIZE 512
#define NAMES_KEY 0xFF /* the "field" of column-name entries */

struct slot {
    const char *s;
    uint16_t len;
    uint8_t key;   /* field, or NAMES_KEY */
    uint8_t index; /* position in the vocabulary, or the field of a name */
};

static struct slot table[TABLE_SIZE];

static inline uint32_t slot_hash(unsigned key, const char *p, size_t len)
{
    const unsigned char *u = (const unsigned char *)p;
    uint32_t k = (uint32_t)len & 0xFF;
    if (len)
        k |= (uint32_t)u[0] << 8 | (uint32_t)u[len - 1] << 16 | (uint32_t)u[len / 2] << 24;
    /* one multiplication, the high bits kept: the key's bytes and the field mix in them */
    return ((k ^ (uint32_t)key * 0x9E3779B1u) * 0x85EBCA6Bu) >> (32 - 9);
}

static void table_put(unsigned key, const char *s, unsigned index)
{
    size_t len = strlen(s);
    uint32_t h = slot_hash(key, s, len);
    unsigned probes = 0;
    while (table[h].s) {
        h = (h + 1) & (TABLE_SIZE - 1);
        probes++;
    }
    ASSERT(probes < 8);
    table[h] = (struct slot){s, (uint16_t)len, (uint8_t)key, (uint8_t)index};
}

__attribute__((constructor)) static void table_fill(void)
{
    for (unsigned f = 0; f < LIEU_N_FIELDS; f++) {
        table_put(NAMES_KEY, lieu_field_names[f], f);
        for (unsigned i = 0; i < lieu_fields[f].n_values; i++)
            table_put(f, lieu_fields[f].values[i], i);
    }
}

/* Equal bytes, eight at a time: the names and values are short and a call to memcmp costs more
 * than the comparison. */
static inline bool same_bytes(const char *a, const char *b, size_t len)
{
    while (len >= 8) {
        uint64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y)
            return false;
        a += 8, b += 8, len -= 8;
    }
    while (len--)
        if (*a++ != *b++)
            return false;
    return true;
}

static int table_get(unsigned key, const char *p, size_t len)
{
    uint32_t h = slot_hash(key, p, len);
    for (;;) {
        const struct slot *s = &table[h];
        if (!s->s)
            return -1;
        if (s->key == key && s->len == len && same_bytes(s->s, p, len))
            return s->index;
        h = (h + 1) & (TABLE_SIZE - 1);
    }
}

int lieu_field_by_name(const char *name, size_t len) { return table_get(NAMES_KEY, name, len); }

int lieu_value_index(enum lieu_field f, const char *item, size_t len)
{
    if ((unsigned)f >= LIEU_N_FIELDS || !lieu_fields[f].values)
        return -1;
    return table_get(f, item, len);
}

const char *const *lieu_vocab(enum lieu_field f, unsigned *n)
{
    if ((unsigned)f >= LIEU_N_FIELDS) {
        *n = 0;
        return NULL;
    }
    *n = lieu_fields[f].n_values;
    return lieu_fields[f].values;
}

/* Sets in set (words × 64 bits) the bits of the items of a '|'-list; returns how many items are
 * unknown. */
static unsigned list_scan(enum lieu_field f, const char *list, uint64_t *set, size_t words)
{
    unsigned unknown = 0;
    if (!list || !*list)
        return 0;
    const char *p = list;
    for (;;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        int i = lieu_value_index(f, p, len);
        if (i < 0 || (size_t)i / 64 >= words)
            unknown++;
        else
            set[i / 64] |= (uint64_t)1 << (i % 64);
        if (!bar)
            break;
        p = bar + 1;
    }
    return unknown;
}

uint64_t lieu_list_bits(enum lieu_field f, const char *list, unsigned *unknown)
{
    uint64_t set = 0;
    unsigned u = list_scan(f, list, &set, 1);
    if (unknown)
        *unknown = u;
    return set;
}

bool lieu_parse_number(const char *s, size_t len, double *out)
{
    size_t i = 0, digits = 0;
    if (!s || len == 0 || len > 64)
        return false;
    if (s[i] == '-' || s[i] == '+')
        i++;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++, digits++;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++, digits++;
    }
    if (digits == 0)
        return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '-' || s[i] == '+'))
            i++;
        size_t exp = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++, exp++;
        if (exp == 0)
            return false;
    }
    if (i != len)
        return false;
    /* Up to 15 significant digits and no exponent (every coordinate in practice): the integer
     * of the digits and a power of ten are exact doubles, so one division is correctly rounded,
     * the same as strtod. */
    if (len <= 17 && !memchr(s, 'e', len) && !memchr(s, 'E', len)) {
        static const double pow10[] = {1,   1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
        uint64_t m = 0;
        unsigned frac = 0, n = 0;
        bool dot = false;
        for (size_t k = (s[0] == '-' || s[0] == '+'); k < len; k++) {
            if (s[k] == '.') {
                dot = true;
                continue;
            }
            m = m * 10 + (uint64_t)(s[k] - '0');
            n++;
            frac += dot;
        }
        if (n <= 15) {
            double v = (double)m / pow10[frac];
            *out = s[0] == '-' ? -v : v;
            return true;
        }
    }
    char tmp[65];
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    double v = strtod(tmp, NULL);
    if (!isfinite(v))
        return false;
    *out = v;
    return true;
}

void lieu_facts_from_row(const struct lieu_row *row, struct lieu_facts *facts)
{
    memset(facts, 0, sizeof(*facts));
    facts->services = (uint16_t)lieu_list_bits(LF_SERVICES, row->v[LF_SERVICES], NULL);
    facts->publics_specifiquement_adresses = (uint8_t)lieu_list_bits(
        LF_PUBLICS_SPECIFIQUEMENT_ADRESSES, row->v[LF_PUBLICS_SPECIFIQUEMENT_ADRESSES], NULL);
    facts->prise_en_charge_specifique = (uint8_t)lieu_list_bits(
        LF_PRISE_EN_CHARGE_SPECIFIQUE, row->v[LF_PRISE_EN_CHARGE_SPECIFIQUE], NULL);
    facts->frais_a_charge =
        (uint8_t)lieu_list_bits(LF_FRAIS_A_CHARGE, row->v[LF_FRAIS_A_CHARGE], NULL);
    facts->itinerance = (uint8_t)lieu_list_bits(LF_ITINERANCE, row->v[LF_ITINERANCE], NULL);
    facts->dispositif_programmes_nationaux = (uint16_t)lieu_list_bits(
        LF_DISPOSITIF_PROGRAMMES_NATIONAUX, row->v[LF_DISPOSITIF_PROGRAMMES_NATIONAUX], NULL);
    facts->formations_labels =
        (uint16_t)lieu_list_bits(LF_FORMATIONS_LABELS, row->v[LF_FORMATIONS_LABELS], NULL);
    facts->modalites_acces =
        (uint8_t)lieu_list_bits(LF_MODALITES_ACCES, row->v[LF_MODALITES_ACCES], NULL);
    facts->modalites_accompagnement = (uint8_t)lieu_list_bits(
        LF_MODALITES_ACCOMPAGNEMENT, row->v[LF_MODALITES_ACCOMPAGNEMENT], NULL);
    list_scan(LF_TYPOLOGIE, row->v[LF_TYPOLOGIE], facts->typologie, 2);

    const char *lat = row->v[LF_LATITUDE], *lon = row->v[LF_LONGITUDE];
    double y, x;
    if (lat && lon && lieu_parse_number(lat, strlen(lat), &y) &&
        lieu_parse_number(lon, strlen(lon), &x) && y >= -90 && y <= 90 && x >= -180 && x <= 180) {
        facts->has_coordinates = true;
        facts->latitude = y;
        facts->longitude = x;
    }
}

uint32_t lieu_facts_set(const struct lieu_facts *facts, enum lieu_field f)
{
    switch (f) {
    case LF_SERVICES:
        return facts->services;
    case LF_PUBLICS_SPECIFIQUEMENT_ADRESSES:
        return facts->publics_specifiquement_adresses;
    case LF_PRISE_EN_CHARGE_SPECIFIQUE:
        return facts->prise_en_charge_specifique;
    case LF_FRAIS_A_CHARGE:
        return facts->frais_a_charge;
    case LF_ITINERANCE:
        return facts->itinerance;
    case LF_DISPOSITIF_PROGRAMMES_NATIONAUX:
        return facts->dispositif_programmes_nationaux;
    case LF_FORMATIONS_LABELS:
        return facts->formations_labels;
    case LF_MODALITES_ACCES:
        return facts->modalites_acces;
    case LF_MODALITES_ACCOMPAGNEMENT:
        return facts->modalites_accompagnement;
    default:
        return 0;
    }
}

bool lieu_facts_has_typologie(const struct lieu_facts *facts, unsigned index)
{
    return index < 128 && (facts->typologie[index / 64] >> (index % 64) & 1);
}
