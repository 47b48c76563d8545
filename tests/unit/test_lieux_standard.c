/* Unit tests of the standard of the lieux: vocabularies, validation rules, the CSV reader's edge
 * cases, the mapping of each input format, the export (golden files) and the round trip on the
 * real v1 files. Run from the top of the tree (the tests read ref/data and tests/fixtures). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "lieux/csvread.h"
#include "lieux/export.h"
#include "lieux/formats.h"
#include "lieux/pages_common.h"
#include "lieux/standard.h"
#include "lieux/validate.h"

#define EXAMPLE_V1 "ref/data/schema/exemple-valide-v1.csv"
#define EXAMPLE_V0 "ref/data/schema/exemple-valide-v0.1.1.csv"
#define CHARENTE "ref/data/lieux/charente-2023-v1.json"
#define CALEDONIE "ref/data/lieux/nouvelle-caledonie-2023-v1.json"
#define FIXTURES "tests/fixtures/lieux/"

/* ---- helpers ---- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    p[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return p;
}

/* Rows read from a text, copied into an arena, with their lines and notes. */
struct collected {
    struct arena *a;
    struct lieu_row rows[64];
    size_t lines[64];
    char notes[64][2048]; /* the row's notes, one per line: "rule field|message" */
    size_t n;
};

static int collect(void *ctx, const struct lieux_record *rec)
{
    struct collected *c = ctx;
    if (c->n == 64)
        return 0;
    lieu_row_copy(&c->rows[c->n], rec->row, c->a);
    c->lines[c->n] = rec->line;
    char *out = c->notes[c->n];
    out[0] = '\0';
    for (size_t i = 0; i < rec->notes->n; i++) {
        const struct lieu_problem *p = &rec->notes->items[i];
        size_t used = strlen(out);
        snprintf(out + used, 2048 - used, "%s %s|%s\n", lieu_rule_name(p->rule),
                 p->field >= 0 ? lieu_field_names[p->field] : (p->column ? p->column : "-"),
                 p->message);
    }
    c->n++;
    return 0;
}

static int read_text(const char *text, enum lieux_format format, struct collected *c,
                     struct lieux_read_result *res, struct arena *a)
{
    memset(c, 0, sizeof(*c));
    c->a = a;
    struct lieux_read_options o = {0};
    o.format = format;
    return lieux_read_mem(text, strlen(text), &o, a, collect, c, res);
}

static const char *extra_of(const struct lieu_row *r, const char *name)
{
    for (size_t i = 0; i < r->n_extra; i++)
        if (strcmp(r->extra[i].name, name) == 0)
            return r->extra[i].value;
    return NULL;
}

static bool has_note(const struct lieux_read_result *res, const char *needle)
{
    for (size_t i = 0; i < res->n_notes; i++)
        if (strstr(res->notes[i], needle))
            return true;
    return false;
}

/* The official example as a row (read through the CSV reader). */
static void example_row(struct arena *a, struct lieu_row *row)
{
    char *text = slurp(EXAMPLE_V1, NULL);
    struct collected c;
    struct lieux_read_result res;
    assert_int_equal(read_text(text, LIEUX_FORMAT_AUTO, &c, &res, a), 0);
    assert_int_equal(c.n, 1);
    *row = c.rows[0];
    free(text);
}

/* Validates the example with one field replaced; returns the report's first problem of the field
 * (or NULL) and the verdict. */
static const struct lieu_problem *validate_with(struct arena *a, enum lieu_field f,
                                                const char *value, struct lieu_report *r, int *rc)
{
    struct lieu_row row;
    example_row(a, &row);
    row.v[f] = value;
    lieu_report_init(r, a);
    *rc = lieu_validate(&row, r);
    for (size_t i = 0; i < r->n; i++)
        if (r->items[i].field == (int)f)
            return &r->items[i];
    return NULL;
}

/* ---- vocabularies ---- */

static void test_vocabularies_exact(void **state)
{
    (void)state;
    unsigned n;
    const char *const *v = lieu_vocab(LF_SERVICES, &n);
    assert_int_equal(n, 9);
    assert_string_equal(v[6], "Compréhension du monde numérique");
    lieu_vocab(LF_PUBLICS_SPECIFIQUEMENT_ADRESSES, &n);
    assert_int_equal(n, 5);
    lieu_vocab(LF_PRISE_EN_CHARGE_SPECIFIQUE, &n);
    assert_int_equal(n, 7);
    lieu_vocab(LF_FRAIS_A_CHARGE, &n);
    assert_int_equal(n, 3);
    v = lieu_vocab(LF_DISPOSITIF_PROGRAMMES_NATIONAUX, &n);
    assert_int_equal(n, 11);
    assert_memory_equal(v[8], "Point d'acc\xC3\xA8s num\xC3\xA9rique CAF", 29); /* ASCII ' */
    v = lieu_vocab(LF_FORMATIONS_LABELS, &n);
    assert_int_equal(n, 10);
    /* « » are U+00AB and U+00BB with ordinary spaces */
    assert_string_equal(v[0], "Form\xC3\xA9 \xC3\xA0 \xC2\xAB Mon Espace Sant\xC3\xA9 \xC2\xBB");
    assert_string_equal(v[4], "\xC3\x89tapes num\xC3\xA9riques (La Poste)");
    lieu_vocab(LF_MODALITES_ACCES, &n);
    assert_int_equal(n, 6);
    lieu_vocab(LF_ITINERANCE, &n);
    assert_int_equal(n, 2);
    v = lieu_vocab(LF_MODALITES_ACCOMPAGNEMENT, &n);
    assert_int_equal(n, 4);
    assert_string_equal(v[3], "À distance");
    v = lieu_vocab(LF_TYPOLOGIE, &n);
    assert_int_equal(n, 92);
    assert_null(lieu_vocab(LF_NOM, &n));
    assert_int_equal(n, 0);

    /* every value finds its own index, and nothing else does */
    for (unsigned f = 0; f < LIEU_N_FIELDS; f++) {
        v = lieu_vocab((enum lieu_field)f, &n);
        for (unsigned i = 0; i < n; i++)
            assert_int_equal(lieu_value_index((enum lieu_field)f, v[i], strlen(v[i])), (int)i);
    }
    assert_int_equal(lieu_value_index(LF_SERVICES, "Numérique", strlen("Numérique")), -1);
    assert_int_equal(lieu_value_index(LF_TYPOLOGIE, "Autre", 5), 7);
    assert_int_equal(lieu_value_index(LF_TYPOLOGIE, "AUTRE", 5), -1);
    assert_int_equal(lieu_value_index(LF_FRAIS_A_CHARGE, "Gratuit", 7), 0);
    assert_int_equal(lieu_value_index(LF_SERVICES, "Gratuit", 7), -1); /* per field */
    assert_int_equal(lieu_value_index(LF_FORMATIONS_LABELS, "Étapes numériques(La Poste)",
                                      strlen("Étapes numériques(La Poste)")),
                     -1);

    assert_int_equal(lieu_field_by_name("code_postal", 11), LF_CODE_POSTAL);
    assert_int_equal(lieu_field_by_name("prise_rdv", 9), LF_PRISE_RDV);
    assert_int_equal(lieu_field_by_name("courriel", 8), -1);
    assert_int_equal(lieu_field_by_name("ID", 2), -1);
    int required = 0;
    for (unsigned f = 0; f < LIEU_N_FIELDS; f++)
        required += lieu_fields[f].required;
    assert_int_equal(required, 7);
    assert_false(lieu_fields[LF_SERVICES].required); /* since v1.0.1 */
    assert_int_equal(lieu_fields[LF_PRESENTATION_RESUME].max_chars, 280);
}

/* Every typologie code of the standard's list has its French label; a code outside it has none. */
static void test_typologie_labels(void **state)
{
    (void)state;
    unsigned n;
    const char *const *codes = lieu_vocab(LF_TYPOLOGIE, &n);
    assert_int_equal(n, 92);
    for (unsigned i = 0; i < n; i++) {
        const char *label = lieux_typologie_label(codes[i]);
        if (!label)
            print_error("typologie %s has no label\n", codes[i]);
        assert_non_null(label);
        assert_true(strlen(label) > 3);
    }
    assert_string_equal(lieux_typologie_label("RFS"), "Réseau France Services");
    assert_string_equal(lieux_typologie_label("CCAS"), "Centre communal d'action sociale");
    assert_null(lieux_typologie_label("COMMUNE"));
    assert_null(lieux_typologie_label("ccas"));
    assert_null(lieux_typologie_label(NULL));
}

static void test_facts_of_the_example(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct lieu_row row;
    example_row(&a, &row);
    struct lieu_facts f;
    lieu_facts_from_row(&row, &f);
    /* Maîtrise (1), Insertion (2), Loisirs (5) */
    assert_int_equal(f.services, (1 << 1) | (1 << 2) | (1 << 5));
    assert_int_equal(lieu_facts_set(&f, LF_PUBLICS_SPECIFIQUEMENT_ADRESSES), (1 << 0) | (1 << 4));
    assert_int_equal(f.frais_a_charge, (1 << 1) | (1 << 2));
    assert_int_equal(f.itinerance, 1);
    assert_int_equal(f.modalites_accompagnement, 0xF);
    assert_true(lieu_facts_has_typologie(&f, 90)); /* TIERS_LIEUX */
    assert_true(lieu_facts_has_typologie(&f, 5));  /* ASSO */
    assert_false(lieu_facts_has_typologie(&f, 7));
    assert_true(f.has_coordinates);
    assert_true(f.latitude > 43.52 && f.latitude < 43.53);
    row.v[LF_LONGITUDE] = "5,41";
    lieu_facts_from_row(&row, &f);
    assert_false(f.has_coordinates);
    arena_release(&a);
}

static void test_parse_number(void **state)
{
    (void)state;
    double v;
    assert_true(lieu_parse_number("43.52609", 8, &v));
    assert_true(lieu_parse_number("-0.5", 4, &v));
    assert_true(lieu_parse_number(".5", 2, &v));
    assert_true(lieu_parse_number("5.", 2, &v));
    assert_true(lieu_parse_number("1e1", 3, &v) && v == 10);
    assert_false(lieu_parse_number("43,5", 4, &v));
    assert_false(lieu_parse_number(" 43.5", 5, &v));
    assert_false(lieu_parse_number("nan", 3, &v));
    assert_false(lieu_parse_number("1e999", 5, &v));
    assert_false(lieu_parse_number("-", 1, &v));
    assert_false(lieu_parse_number("", 0, &v));
}

/* ---- validation ---- */

static void test_validate_example_is_valid(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct lieu_row row;
    example_row(&a, &row);
    struct lieu_report r;
    lieu_report_init(&r, &a);
    assert_int_equal(lieu_validate(&row, &r), 0);
    assert_int_equal(r.n, 0);
    arena_release(&a);
}

static void test_validate_messages(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct lieu_report r;
    int rc;
    const struct lieu_problem *p = validate_with(&a, LF_CODE_POSTAL, "5300", &r, &rc);
    assert_int_equal(rc, ERR_INVALID);
    assert_non_null(p);
    assert_string_equal(p->message, "code_postal : « 5300 » doit compter 5 chiffres");
    assert_string_equal(p->value, "5300");
    assert_int_equal(p->rule, LR_FORMAT);
    assert_string_equal(lieu_rule_name(p->rule), "format");

    p = validate_with(&a, LF_SERVICES, "Numérique", &r, &rc);
    assert_int_equal(rc, ERR_INVALID);
    assert_int_equal(p->rule, LR_VALUE);
    assert_non_null(strstr(p->message, "services : « Numérique » n'est pas une valeur admise ; "
                                       "valeurs possibles : Aide aux démarches administratives, "));
    assert_non_null(strstr(p->message, "Acquisition de matériel informatique à prix solidaire"));

    p = validate_with(&a, LF_SERVICES, "aide aux démarches administratives", &r, &rc);
    assert_non_null(
        strstr(p->message, "vouliez-vous dire « Aide aux démarches administratives » ?"));
    p = validate_with(&a, LF_SERVICES,
                      "Aide aux démarches administratives;Loisirs et créations "
                      "numériques",
                      &r, &rc);
    assert_non_null(strstr(p->message, "se séparent par |"));

    /* several problems in one row, each reported */
    struct lieu_row row;
    example_row(&a, &row);
    row.v[LF_NOM] = NULL;
    row.v[LF_CODE_POSTAL] = "AB123";
    row.v[LF_FRAIS_A_CHARGE] = "Gratuit|Cher|Payant|Très cher";
    lieu_report_init(&r, &a);
    assert_int_equal(lieu_validate(&row, &r), ERR_INVALID);
    assert_int_equal(r.n_errors, 4);
    assert_string_equal(r.items[0].message, "nom : champ obligatoire manquant");
    assert_int_equal(r.items[0].rule, LR_REQUIRED);
    assert_null(r.items[0].value);
    assert_string_equal(r.items[2].value, "Cher");
    assert_string_equal(r.items[3].value, "Très cher");
    arena_release(&a);
}

struct rule_case {
    enum lieu_field field;
    const char *value;
    int rc;              /* 0 or ERR_INVALID */
    enum lieu_rule rule; /* of the field's first problem, when any */
    bool has_problem;
};

static void test_validate_rules(void **state)
{
    (void)state;
    static const struct rule_case cases[] = {
        {LF_ID, NULL, ERR_INVALID, LR_REQUIRED, true},
        {LF_PIVOT, "434933123", 0, 0, false}, /* SIREN: the schema takes 9 to 14 */
        {LF_PIVOT, "W123456789", 0, 0, false},
        {LF_PIVOT, "12345678", ERR_INVALID, LR_FORMAT, true},
        {LF_PIVOT, "434933123000291", ERR_INVALID, LR_FORMAT, true},
        {LF_PIVOT, "4349 331230002", ERR_INVALID, LR_FORMAT, true},
        {LF_PIVOT, "00000000000000", 0, LR_PIVOT_PLACEHOLDER, true},
        {LF_CODE_INSEE, "2A004", 0, 0, false},
        {LF_CODE_INSEE, "97411", 0, 0, false},
        {LF_CODE_INSEE, "010001", ERR_INVALID, LR_FORMAT, true},
        {LF_CODE_INSEE, "20004", ERR_INVALID, LR_FORMAT, true},
        {LF_CODE_INSEE, "2C004", ERR_INVALID, LR_FORMAT, true},
        {LF_LATITUDE, "abc", ERR_INVALID, LR_NUMBER, true},
        {LF_LATITUDE, "43,52", ERR_INVALID, LR_NUMBER, true},
        {LF_LATITUDE, "95", ERR_INVALID, LR_RANGE, true},
        {LF_LATITUDE, "40.7", 0, LR_OUTSIDE_FRANCE, true}, /* New York latitude with Reims' lon */
        {LF_LATITUDE, NULL, 0, LR_COORDINATES, true},      /* longitude alone */
        {LF_LONGITUDE, "-181", ERR_INVALID, LR_RANGE, true},
        {LF_TELEPHONE, "+33180059880", 0, 0, false},
        {LF_TELEPHONE, "+687445728", 0, 0, false},
        {LF_TELEPHONE, "+590590123456", 0, 0, false},
        {LF_TELEPHONE, "01 80 05 98 80", ERR_INVALID, LR_FORMAT, true},
        {LF_TELEPHONE, "+33180059880|+33180059881", ERR_INVALID, LR_FORMAT, true},
        {LF_TELEPHONE, "+331800598", 0, LR_PHONE_SUSPECT, true},
        {LF_TELEPHONE, "+33018005988", 0, LR_PHONE_SUSPECT, true},
        {LF_TELEPHONE, "+4412345678", ERR_INVALID, LR_FORMAT, true},
        {LF_COURRIELS, "contact@x.fr|pas-un-courriel", 0, LR_EMAIL_SUSPECT, true},
        {LF_SITE_WEB, "www.x.fr", 0, LR_URL_SUSPECT, true},
        {LF_FICHE_ACCES_LIBRE, "acceslibre", 0, LR_URL_SUSPECT, true},
        {LF_HORAIRES, "n'importe quoi", 0, 0, false},
        {LF_DATE_MAJ, "2024-02-29", 0, 0, false},
        {LF_DATE_MAJ, "2023-02-29", ERR_INVALID, LR_DATE, true},
        {LF_DATE_MAJ, "2024-13-01", ERR_INVALID, LR_DATE, true},
        {LF_DATE_MAJ, "02/04/2024", ERR_INVALID, LR_DATE, true},
        {LF_DATE_MAJ, NULL, ERR_INVALID, LR_REQUIRED, true},
        {LF_DATE_MAJ, "", ERR_INVALID, LR_REQUIRED, true},
        {LF_SERVICES, NULL, 0, 0, false}, /* optional since v1.0.1 */
        {LF_SERVICES, "Aide aux démarches administratives|", ERR_INVALID, LR_LIST, true},
        {LF_SERVICES, "Aide aux démarches administratives||Loisirs et créations numériques",
         ERR_INVALID, LR_LIST, true},
        {LF_SERVICES, "|Aide aux démarches administratives", 0, LR_LIST_EDGE, true},
        {LF_SERVICES, "Aide aux démarches administratives | Loisirs et créations numériques",
         ERR_INVALID, LR_VALUE, true},
        {LF_SERVICES, "Aide aux démarches administratives|Aide aux démarches administratives", 0, 0,
         false},
        {LF_FORMATIONS_LABELS, "Étapes numériques (La Poste)", 0, 0, false},
        {LF_FORMATIONS_LABELS, "Étapes numériques(La Poste)", ERR_INVALID, LR_VALUE, true},
        {LF_DISPOSITIF_PROGRAMMES_NATIONAUX, "Point d’accès numérique CAF", ERR_INVALID, LR_VALUE,
         true},
        {LF_ITINERANCE, "Mobile", ERR_INVALID, LR_VALUE, true},
        {LF_TYPOLOGIE, "COMMUNE", 0, LR_TYPOLOGIE, true},
        {LF_TYPOLOGIE, "ASSO||MUNI", 0, LR_LIST, true},
        {LF_AUTRES_FORMATIONS_LABELS, "n'importe|quoi", 0, 0, false},
        {LF_COMMUNE, "Saint/Ville", 0, 0, false},
        {LF_ADRESSE, "12 rue # 3", 0, 0, false},
    };
    struct arena a = ARENA_INIT;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct rule_case *c = &cases[i];
        struct lieu_report r;
        int rc;
        const struct lieu_problem *p = validate_with(&a, c->field, c->value, &r, &rc);
        if (rc != c->rc || (p != NULL) != c->has_problem || (p && p->rule != c->rule))
            fail_msg("case %zu (%s « %s »): rc %d, problem %s", i, lieu_field_names[c->field],
                     c->value ? c->value : "(vide)", rc, p ? p->message : "none");
        if (p)
            assert_non_null(strstr(p->message, lieu_field_names[c->field]));
    }
    arena_release(&a);
}

static void test_validate_max_length_counts_characters(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    char text[600];
    for (int i = 0; i < 280; i++)
        memcpy(text + 2 * i, "\xC3\xA9", 2); /* é: 560 bytes, 280 characters */
    text[560] = '\0';
    struct lieu_report r;
    int rc;
    assert_null(validate_with(&a, LF_PRESENTATION_RESUME, text, &r, &rc));
    assert_int_equal(rc, 0);
    memcpy(text + 560, "x", 2);
    const struct lieu_problem *p = validate_with(&a, LF_PRESENTATION_RESUME, text, &r, &rc);
    assert_int_equal(rc, ERR_INVALID);
    assert_int_equal(p->rule, LR_MAX_LENGTH);
    assert_non_null(strstr(p->message, "281 caractères, 280 au plus"));
    arena_release(&a);
}

static void test_unique_ids(void **state)
{
    (void)state;
    struct lieu_unique u;
    lieu_unique_init(&u);
    char id[32];
    size_t first = 0;
    for (size_t i = 0; i < 5000; i++) {
        snprintf(id, sizeof(id), "lieu-%zu", i);
        assert_true(lieu_unique_add(&u, id, i + 2, &first));
    }
    assert_false(lieu_unique_add(&u, "lieu-1234", 9999, &first));
    assert_int_equal(first, 1236);
    assert_true(lieu_unique_add(&u, NULL, 1, &first));
    lieu_unique_release(&u);
}

/* ---- the CSV reader ---- */

struct csv_seen {
    size_t n;
    size_t lines[16];
    char cells[16][8][64];
    size_t counts[16];
};

static int csv_collect(void *ctx, size_t line, char *const *cells, const size_t *lens, size_t n)
{
    struct csv_seen *s = ctx;
    if (s->n < 16) {
        s->lines[s->n] = line;
        s->counts[s->n] = n;
        for (size_t i = 0; i < n && i < 8; i++)
            snprintf(s->cells[s->n][i], 64, "%.*s", (int)lens[i], cells[i]);
    }
    s->n++;
    return 0;
}

static int csv_run(const char *text, size_t len, struct csv_seen *s, struct csvread *r,
                   size_t piece)
{
    memset(s, 0, sizeof(*s));
    csvread_init(r, NULL, csv_collect, s);
    int rc = 0;
    for (size_t off = 0; off < len && !rc; off += piece)
        rc = csvread_feed(r, text + off, len - off < piece ? len - off : piece);
    if (!rc)
        rc = csvread_finish(r);
    return rc;
}

static void test_csv_lines_quotes_crlf_bom(void **state)
{
    (void)state;
    const char text[] = "\xEF\xBB\xBF"
                        "a,b,c\r\n"
                        "1,\"deux, et \"\"trois\"\"\",3\r\n"
                        "\r\n"
                        "\"multi\nligne\",x,\"\"\r\n"
                        " espace ,y,z\n"
                        "4,5,6";
    for (size_t piece = 1; piece <= sizeof(text); piece *= 3) {
        struct csv_seen s;
        struct csvread r;
        assert_int_equal(csv_run(text, sizeof(text) - 1, &s, &r, piece), 0);
        assert_int_equal(r.separator, ',');
        assert_int_equal(s.n, 5);
        assert_string_equal(s.cells[0][0], "a"); /* BOM gone */
        assert_string_equal(s.cells[1][1], "deux, et \"trois\"");
        assert_int_equal(s.lines[1], 2);
        assert_string_equal(s.cells[2][0], "multi\nligne");
        assert_int_equal(s.lines[2], 4);                /* after a blank line */
        assert_int_equal(s.lines[3], 6);                /* the record of line 4 spans two lines */
        assert_string_equal(s.cells[3][0], " espace "); /* spaces kept */
        assert_string_equal(s.cells[4][2], "6");        /* last line without newline */
        assert_int_equal(s.lines[4], 7);
        csvread_release(&r);
    }
}

static void test_csv_latin1_is_refused_with_its_line(void **state)
{
    (void)state;
    const char text[] = "id,nom\n1,Ch\xE2teau-Gontier\n"; /* â in Latin-1 */
    struct csv_seen s;
    struct csvread r;
    assert_int_equal(csv_run(text, sizeof(text) - 1, &s, &r, 4096), ERR_INVALID);
    size_t line;
    const char *msg = csvread_error(&r, &line);
    assert_int_equal(line, 2);
    assert_non_null(strstr(msg, "ligne 2 : le fichier n'est pas en UTF-8"));
    assert_non_null(strstr(msg, "Enregistrez-le en UTF-8"));
    assert_non_null(strstr(msg, "0xE2"));
    csvread_release(&r);

    const char utf16[] = "\xFF\xFEi\0d\0";
    assert_int_equal(csv_run(utf16, sizeof(utf16) - 1, &s, &r, 4096), ERR_INVALID);
    assert_non_null(strstr(csvread_error(&r, NULL), "UTF-16"));
    csvread_release(&r);
}

static void test_csv_bad_quoting(void **state)
{
    (void)state;
    struct csv_seen s;
    struct csvread r;
    const char stray[] = "a,b\n1,2\n3,ab\"c\n";
    assert_int_equal(csv_run(stray, sizeof(stray) - 1, &s, &r, 4096), ERR_INVALID);
    size_t line;
    assert_non_null(strstr(csvread_error(&r, &line), "guillemets mal placés"));
    assert_int_equal(line, 3);
    csvread_release(&r);

    const char unclosed[] = "a,b\n1,\"2\n3,4\n";
    assert_int_equal(csv_run(unclosed, sizeof(unclosed) - 1, &s, &r, 4096), ERR_INVALID);
    assert_non_null(strstr(csvread_error(&r, &line), "jamais fermé"));
    assert_int_equal(line, 2);
    csvread_release(&r);
}

static void test_csv_hundred_thousand_columns(void **state)
{
    (void)state;
    size_t n = 100000;
    struct buf b;
    buf_init(&b, NULL, 16 * 1024 * 1024);
    for (size_t i = 0; i < n; i++)
        buf_addf(&b, i ? ",c%zu" : "c%zu", i);
    buf_addch(&b, '\n');
    struct csv_seen s;
    struct csvread r;
    assert_int_equal(csv_run(b.p, b.len, &s, &r, 65536), ERR_TOO_BIG);
    assert_int_equal(s.n, 0);
    assert_non_null(strstr(csvread_error(&r, NULL), "ligne 1 : plus de 200 colonnes"));
    csvread_release(&r);

    /* the same through the lieux reader: a French error, nothing read */
    struct arena a = ARENA_INIT;
    struct collected c;
    struct lieux_read_result res;
    assert_int_equal(read_text(buf_cstr(&b), LIEUX_FORMAT_AUTO, &c, &res, &a), ERR_TOO_BIG);
    assert_int_equal(c.n, 0);
    assert_non_null(strstr(res.error, "plus de 200 colonnes"));
    buf_release(&b);
    arena_release(&a);
}

static void test_csv_separator(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    char *text = slurp(EXAMPLE_V1, NULL);
    /* the example with ';' (cells are quoted, so replacing the separators is safe outside them) */
    struct buf b;
    buf_init(&b, &a, 1 << 20);
    bool quoted = false;
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            quoted = !quoted;
        buf_addch(&b, !quoted && *p == ',' ? ';' : *p);
    }
    struct collected c;
    struct lieux_read_result res;
    assert_int_equal(read_text(buf_cstr(&b), LIEUX_FORMAT_AUTO, &c, &res, &a), 0);
    assert_int_equal(res.separator, ';');
    assert_true(has_note(&res, "mauvais séparateur"));
    assert_int_equal(c.n, 1);
    assert_string_equal(c.rows[0].v[LF_CODE_POSTAL], "51100");

    struct lieux_read_options o = {0};
    o.strict_separator = true;
    memset(&c, 0, sizeof(c));
    c.a = &a;
    assert_int_equal(lieux_read_mem(buf_cstr(&b), b.len, &o, &a, collect, &c, &res), ERR_INVALID);
    assert_non_null(strstr(res.error, "mauvais séparateur (point-virgule)"));
    assert_int_equal(c.n, 0);
    free(text);
    arena_release(&a);
}

static void test_csv_header_checks(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct collected c;
    struct lieux_read_result res;
    assert_int_equal(read_text("id,nom,commune,code_postal,adresse\n1,a,b,53000,c\n",
                               LIEUX_FORMAT_V1, &c, &res, &a),
                     ERR_INVALID);
    assert_string_equal(res.error,
                        "ligne 1 : colonnes obligatoires absentes de l'en-tête : pivot, date_maj");
    assert_int_equal(c.n, 0);

    assert_int_equal(read_text("id,pivot,nom,nom\n", LIEUX_FORMAT_V1, &c, &res, &a), ERR_INVALID);
    assert_non_null(strstr(res.error, "la colonne « nom » apparaît deux fois (colonnes 3 et 4)"));

    /* unknown columns kept as extra, absent optional columns noted, short rows rejected */
    const char *t = "date_maj,id,pivot,nom,commune,code_postal,adresse,ma_colonne\n"
                    "2024-01-01,1,43493312300029,Lieu,Laval,53000,1 rue,valeur\n"
                    "2024-01-01,2,43493312300029,Lieu,Laval\n";
    assert_int_equal(read_text(t, LIEUX_FORMAT_AUTO, &c, &res, &a), 0);
    assert_true(has_note(&res, "colonnes hors du standard, gardées telles quelles : ma_colonne"));
    assert_true(has_note(&res, "colonnes absentes (le standard demande les 32, même vides) : "
                               "code_insee"));
    assert_int_equal(c.n, 2);
    assert_string_equal(extra_of(&c.rows[0], "ma_colonne"), "valeur");
    assert_string_equal(c.notes[0], "");
    assert_non_null(strstr(c.notes[1], "colonnes -|la ligne compte 5 cellules alors que "
                                       "l'en-tête en compte 8"));
    assert_int_equal(c.lines[1], 3);

    assert_int_equal(read_text("", LIEUX_FORMAT_AUTO, &c, &res, &a), ERR_INVALID);
    assert_string_equal(res.error, "le fichier est vide");
    arena_release(&a);
}

static void test_csv_mixed_quoting_official_example(void **state)
{
    (void)state;
    /* the official example leaves 4 header names unquoted */
    struct arena a = ARENA_INIT;
    struct lieu_row row;
    example_row(&a, &row);
    assert_string_equal(row.v[LF_FORMATIONS_LABELS],
                        "Formé à « Mon Espace Santé »|Arnia/MedNum BFC (Bourgogne-Franche-Comté)");
    assert_string_equal(
        row.v[LF_MODALITES_ACCOMPAGNEMENT],
        "Dans un atelier collectif|À distance|En autonomie|Accompagnement individuel");
    assert_string_equal(row.v[LF_PRISE_RDV], "https://www.rdv-solidarites.fr/");
    assert_int_equal(row.n_extra, 0);
    arena_release(&a);
}

/* ---- formats ---- */

static void test_json_reader(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    const char *t =
        "\xEF\xBB\xBF [\n"
        " {\"id\": \"a\\u00e9\\\"\\n\", \"latitude\": 45.681367, \"longitude\": -0.33,\n"
        "  \"services\": [\"Aide aux démarches administratives\", \"Loisirs et créations "
        "numériques\"], \"nom\": null, \"ok\": true, \"\\ud83d\\ude00\": \"emoji\"},\n"
        " {\"id\": \"b\", \"objet\": {\"x\": [1, {\"y\": 2}]}}\n"
        "]\n";
    struct collected c;
    struct lieux_read_result res;
    /* whole, then one byte at a time: same rows */
    for (int pass = 0; pass < 2; pass++) {
        memset(&c, 0, sizeof(c));
        c.a = &a;
        struct lieux_reader *r = lieux_reader_new(NULL, &a, collect, &c);
        size_t len = strlen(t);
        for (size_t i = 0; i < len; i += pass ? 1 : len)
            assert_int_equal(lieux_reader_feed(r, t + i, pass ? 1 : len), 0);
        assert_int_equal(lieux_reader_finish(r, &res), 0);
        lieux_reader_free(r);
        assert_true(res.json);
        assert_int_equal(c.n, 2);
        assert_string_equal(c.rows[0].v[LF_ID], "aé\"\n");
        assert_string_equal(c.rows[0].v[LF_LATITUDE], "45.681367"); /* as written */
        assert_string_equal(c.rows[0].v[LF_LONGITUDE], "-0.33");
        assert_string_equal(c.rows[0].v[LF_SERVICES],
                            "Aide aux démarches administratives|Loisirs et créations numériques");
        assert_null(c.rows[0].v[LF_NOM]);
        assert_string_equal(extra_of(&c.rows[0], "ok"), "true");
        assert_string_equal(extra_of(&c.rows[0], "\xF0\x9F\x98\x80"), "emoji");
        assert_int_equal(c.lines[0], 2);
        assert_int_equal(c.lines[1], 4);
        assert_non_null(strstr(c.notes[1], "json objet|objet : la valeur doit être un texte"));
    }
    static const struct {
        const char *text, *error;
    } bad[] = {
        {"{\"id\": \"a\"}", "ligne 1 : le fichier JSON doit être une liste d'objets"},
        {"[\n{\"id\": \"a\"\n", "ligne 2 : le fichier JSON s'arrête au milieu d'un objet"},
        {"[{\"id\": \"a\"} {\"id\": \"b\"}]", "« , » ou « ] » attendu"},
        {"[{\"id\": \"a\",}]", "nom de clé entre guillemets attendu"},
        {"[\n\n{\"nom\": \"Ch\xE2teau\"}]",
         "ligne 3 : JSON mal formé : le fichier n'est pas en UTF-8"},
        {"[{\"id\": 01}]", "nombre mal formé"},
        {"[{\"id\": \"a\\u0000\"}]", "caractère nul"},
        {"[{\"id\": \"a\"}] x", "contenu après la fin de la liste JSON"},
        {"[{\"id\": \"a\"}", "« ] » manquant"},
        {"[1]", "chaque élément de la liste doit être un objet"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = read_text(bad[i].text, LIEUX_FORMAT_AUTO, &c, &res, &a);
        if (rc != ERR_INVALID || !res.error || !strstr(res.error, bad[i].error))
            fail_msg("%s: %d %s", bad[i].text, rc, res.error ? res.error : "(none)");
    }
    arena_release(&a);
}

static void test_v1_json_leftovers(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    const char *t =
        "[{\"id\": \"1\", \"services\": \"Aide aux démarches administratives\", "
        "\"courriel\": \"a@b.fr\", \"accessibilite\": \"https://acceslibre.beta.gouv.fr/x/\", "
        "\"labels_nationaux\": \"CNFS;France Services;APTIC;Fabriques de Territoire\", "
        "\"publics_accueillis\": \"Adultes;Familles/enfants;Jeunes (16-26 ans);Surdité\", "
        "\"labels_autres\": \"ZRR;Case numérique\"},\n"
        " {\"id\": \"2\", \"services\": \"Aide aux démarches administratives\", "
        "\"dispositif_programmes_nationaux\": \"Aidants Connect\", \"labels_nationaux\": "
        "\"CNFS\"}]";
    struct collected c;
    struct lieux_read_result res;
    assert_int_equal(read_text(t, LIEUX_FORMAT_AUTO, &c, &res, &a), 0);
    assert_int_equal(res.format, LIEUX_FORMAT_V1);
    const struct lieu_row *r = &c.rows[0];
    assert_string_equal(r->v[LF_COURRIELS], "a@b.fr");
    assert_string_equal(r->v[LF_FICHE_ACCES_LIBRE], "https://acceslibre.beta.gouv.fr/x/");
    assert_string_equal(r->v[LF_DISPOSITIF_PROGRAMMES_NATIONAUX],
                        "Conseillers numériques|France Services");
    assert_string_equal(r->v[LF_FORMATIONS_LABELS], "Fabriques de Territoire");
    assert_string_equal(r->v[LF_AUTRES_FORMATIONS_LABELS], "ZRR|Case numérique|APTIC");
    assert_string_equal(r->v[LF_PUBLICS_SPECIFIQUEMENT_ADRESSES], "Jeunes|Familles et/ou enfants");
    assert_string_equal(r->v[LF_PRISE_EN_CHARGE_SPECIFIQUE], "Surdité");
    assert_string_equal(extra_of(r, "publics_accueillis"), "Adultes");
    assert_null(extra_of(r, "labels_nationaux"));
    assert_non_null(strstr(c.notes[0],
                           "abandonne publics_accueillis|publics_accueillis : « Adultes » "
                           "n'a pas d'équivalent"));
    /* the v1 field is filled: the leftover stays as it is, as an extra column */
    assert_string_equal(c.rows[1].v[LF_DISPOSITIF_PROGRAMMES_NATIONAUX], "Aidants Connect");
    assert_string_equal(extra_of(&c.rows[1], "labels_nationaux"), "CNFS");
    assert_true(has_note(&res, "colonne du brouillon 2022 convertie : labels_nationaux"));
    arena_release(&a);
}

static void test_v0_csv_official_example(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    char *text = slurp(EXAMPLE_V0, NULL);
    struct collected c;
    struct lieux_read_result res;
    assert_int_equal(read_text(text, LIEUX_FORMAT_AUTO, &c, &res, &a), 0);
    assert_int_equal(res.format, LIEUX_FORMAT_V0);
    assert_int_equal(c.n, 1);
    const struct lieu_row *r = &c.rows[0];
    assert_string_equal(r->v[LF_SERVICES],
                        "Aide aux démarches administratives|Maîtrise des outils numériques du "
                        "quotidien");
    assert_string_equal(r->v[LF_TYPOLOGIE], "TIERS_LIEUX|ASSO");
    assert_string_equal(r->v[LF_COURRIELS], "contact@laquincaillerie.tl");
    assert_string_equal(r->v[LF_SITE_WEB], "https://www.laquincaillerie.tl/|"
                                           "https://m.facebook.com/laquincaillerienumerique/");
    assert_string_equal(r->v[LF_FRAIS_A_CHARGE], "Gratuit sous condition|Payant");
    assert_string_equal(r->v[LF_PUBLICS_SPECIFIQUEMENT_ADRESSES], "Familles et/ou enfants");
    assert_string_equal(r->v[LF_PRISE_EN_CHARGE_SPECIFIQUE], "Déficience visuelle");
    assert_string_equal(r->v[LF_DISPOSITIF_PROGRAMMES_NATIONAUX], "France Services");
    assert_string_equal(r->v[LF_AUTRES_FORMATIONS_LABELS],
                        "SudLabs|Nièvre médiation numérique|APTIC|Point relais CAF");
    assert_string_equal(r->v[LF_MODALITES_ACCOMPAGNEMENT],
                        "En autonomie|Accompagnement individuel");
    assert_string_equal(r->v[LF_FICHE_ACCES_LIBRE],
                        "https://acceslibre.beta.gouv.fr/app/29-lampaul-plouarzel/a/"
                        "bibliotheque-mediatheque/erp/mediatheque-13/");
    assert_string_equal(extra_of(r, "publics_accueillis"), "Adultes");
    assert_string_equal(extra_of(r, "cle_ban"), "13001_3079_00001");
    struct lieu_report rep;
    lieu_report_init(&rep, &a);
    assert_int_equal(lieu_validate(r, &rep), 0);
    free(text);
    arena_release(&a);
}

static void test_v0_cnfs_json(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    const char *t =
        "[{\"id\": \"62592a\", \"nom\": \"Maison\", \"commune\": \"GAP\", \"code_postal\": "
        "\"05000\", "
        "\"adresse\": \"Rue Pasteur\", \"latitude\": 44.5, \"longitude\": 6.07, "
        "\"telephone\": \"04 92 53 22 77\", \"courriel\": \"a@b.fr\", \"date_maj\": "
        "\"2022-06-21\", "
        "\"services\": \"Prendre en main un smartphone ou une tablette, Prendre en main un "
        "ordinateur, Utiliser le numérique au quotidien, Approfondir ma culture numérique, "
        "Inventer un service\", \"conditions_access\": \"Gratuit\", "
        "\"labels_nationaux\": \"CNFS, Aidants Connect, France Services\"}]";
    struct collected c;
    struct lieux_read_result res;
    assert_int_equal(read_text(t, LIEUX_FORMAT_AUTO, &c, &res, &a), 0);
    assert_int_equal(res.format, LIEUX_FORMAT_V0);
    const struct lieu_row *r = &c.rows[0];
    assert_string_equal(r->v[LF_SERVICES], "Maîtrise des outils numériques du quotidien|"
                                           "Compréhension du monde numérique");
    assert_string_equal(extra_of(r, "services_v0"), "Inventer un service");
    assert_string_equal(r->v[LF_FRAIS_A_CHARGE], "Gratuit");
    assert_string_equal(r->v[LF_DISPOSITIF_PROGRAMMES_NATIONAUX],
                        "Aidants Connect|Conseillers numériques|France Services");
    assert_string_equal(r->v[LF_TELEPHONE], "+33492532277");
    assert_string_equal(r->v[LF_COURRIELS], "a@b.fr");
    assert_null(r->v[LF_PIVOT]); /* never invented: the row is rejected for it */
    assert_non_null(strstr(c.notes[0], "abandonne services|services_v0 : « Inventer un service »"));
    arena_release(&a);
}

static void test_france_services_row(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    const char *t =
        "\"id_fs\",\"insee_dep\",\"lib_fs\",\"adresse\",\"complement_adresse\",\"insee_com\","
        "\"code_postal\",\"lib_com\",\"latitude\",\"longitude\",\"mail\",\"telephone\",\"h_lundi\","
        "\"h_mardi\",\"h_mercredi\",\"h_jeudi\",\"h_vendredi\",\"h_samedi\",\"commentaire\","
        "\"itinerance\",\"format_fs\",\"groupe\",\"labellisation\"\n"
        "\"7\",\"02\",\"France services Saint-Erme\",\"2 bis Route de Montaigu\",,\"02676\","
        "\"02820\",\"Saint-Erme-Outre-et-Ramecourt\",49.52833,3.855111,\"f@cc.fr\","
        "\"03 23 22 31 90\",\"09:00 - 12:00 / 13:00 - 17:30\",\"09:00 - 12:00 / 13:00 - 17:30\","
        "\"09:00 - 12:00 / 13:00 - 17:30\",\"09:00 - 12:00 / 13:00 - 17:30\","
        "\"09:00 - 12:00 / 13:00 - 16:00\",\"09:00 - 12:00\",,\"Oui\",\"Site principal\",,"
        "\"Espace labellisé 01/01/2020\"\n"
        "\"8\",\"971\",\"France services des Abymes\",\"1 rue\",,\"97101\",\"97139\",\"Les "
        "Abymes\","
        "16.27,-61.5,,\"0590 12 34 56\",\"n'importe quoi\",,,,,,,\"Non\",\"Antenne\",,\n";
    struct collected c;
    struct lieux_read_result res;
    struct lieux_read_options o = {0};
    o.file_name = "ref/data/lieux/france-services-liste-fs-20221201.csv";
    memset(&c, 0, sizeof(c));
    c.a = &a;
    assert_int_equal(lieux_read_mem(t, strlen(t), &o, &a, collect, &c, &res), 0);
    assert_int_equal(res.format, LIEUX_FORMAT_FRANCE_SERVICES);
    assert_int_equal(c.n, 2);
    const struct lieu_row *r = &c.rows[0];
    assert_string_equal(r->v[LF_ID], "7");
    assert_string_equal(r->v[LF_NOM], "France services Saint-Erme");
    assert_string_equal(r->v[LF_CODE_INSEE], "02676");
    assert_string_equal(r->v[LF_COMMUNE], "Saint-Erme-Outre-et-Ramecourt");
    assert_string_equal(r->v[LF_COURRIELS], "f@cc.fr");
    assert_string_equal(r->v[LF_TELEPHONE], "+33323223190");
    assert_string_equal(r->v[LF_ITINERANCE], "Itinérant");
    assert_string_equal(r->v[LF_SOURCE], "France Services (ANCT)");
    assert_string_equal(r->v[LF_TYPOLOGIE], "RFS");
    assert_string_equal(r->v[LF_DISPOSITIF_PROGRAMMES_NATIONAUX], "France Services");
    assert_string_equal(r->v[LF_PIVOT], "00000000000000");
    assert_string_equal(r->v[LF_DATE_MAJ], "2022-12-01");
    assert_string_equal(r->v[LF_HORAIRES],
                        "Mo-Th 09:00-12:00,13:00-17:30; Fr 09:00-12:00,13:00-16:00; "
                        "Sa 09:00-12:00");
    assert_string_equal(extra_of(r, "format_fs"), "Site principal");
    assert_null(extra_of(r, "h_lundi"));
    struct lieu_report rep;
    lieu_report_init(&rep, &a);
    assert_int_equal(lieu_validate(r, &rep), 0);
    /* overseas number, unreadable hours kept as extra columns */
    r = &c.rows[1];
    assert_string_equal(r->v[LF_TELEPHONE], "+590590123456");
    assert_string_equal(r->v[LF_ITINERANCE], "Fixe");
    assert_null(r->v[LF_HORAIRES]);
    assert_string_equal(extra_of(r, "h_lundi"), "n'importe quoi");
    assert_non_null(strstr(c.notes[1], "abandonne horaires|horaires : les horaires par jour n'ont "
                                       "pas pu être convertis"));
    arena_release(&a);
}

static void test_phone_international(void **state)
{
    (void)state;
    char out[16];
    assert_true(lieux_phone_international("04 50 56 87 49", out));
    assert_string_equal(out, "+33450568749");
    assert_true(lieux_phone_international("06.12.34.56.78", out));
    assert_string_equal(out, "+33612345678");
    assert_true(lieux_phone_international("0692 12 34 56", out));
    assert_string_equal(out, "+262692123456");
    assert_true(lieux_phone_international("0269 61 12 34", out));
    assert_string_equal(out, "+262269611234");
    assert_true(lieux_phone_international("0594 12 34 56", out));
    assert_string_equal(out, "+594594123456");
    assert_false(lieux_phone_international("3939", out));
    assert_false(lieux_phone_international("+33 4 50 56 87 49", out));
    assert_false(lieux_phone_international("04 50 56 87 49 / 06 12 34 56 78", out));
}

/* ---- export ---- */

static int to_buf(void *ctx, const char *p, size_t len)
{
    buf_add(ctx, p, len);
    return 0;
}

static void export_rows(const struct lieu_row *rows, size_t n, enum lieux_export_format f,
                        const char *const *extras, size_t n_extras, struct buf *out)
{
    struct lieux_export e;
    assert_int_equal(lieux_export_begin(&e, f, to_buf, out, extras, n_extras), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(lieux_export_row(&e, &rows[i]), 0);
    assert_int_equal(lieux_export_end(&e), 0);
    assert_int_equal(buf_finish(out), 0);
}

static void test_export_golden(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct lieu_row rows[2];
    example_row(&a, &rows[0]);
    rows[1] = rows[0];
    rows[1].v[LF_ID] = "structure-2";
    rows[1].v[LF_NOM] = "Guillemets \"doubles\", virgule\net ligne";
    rows[1].v[LF_LATITUDE] = ".5";
    rows[1].v[LF_SERVICES] = NULL;
    struct lieu_extra x = {"ma_colonne", "valeur gardée"};
    rows[1].extra = &x;
    rows[1].n_extra = 1;
    static const char *const extras[] = {"ma_colonne"};
    for (int f = 0; f < 2; f++) {
        struct buf out;
        buf_init(&out, &a, 1 << 20);
        export_rows(rows, 2, f ? LIEUX_EXPORT_JSON : LIEUX_EXPORT_CSV, extras, 1, &out);
        const char *path = f ? FIXTURES "export.golden.json" : FIXTURES "export.golden.csv";
        if (getenv("RELAIS_UPDATE_GOLDEN")) { /* review the diff before committing it */
            FILE *g = fopen(path, "wb");
            fwrite(out.p, 1, out.len, g);
            fclose(g);
        }
        char *golden = slurp(path, NULL);
        assert_string_equal(buf_cstr(&out), golden);
        free(golden);
    }
    /* the CSV export reads back to the same rows, extras included */
    struct buf out;
    buf_init(&out, &a, 1 << 20);
    export_rows(rows, 2, LIEUX_EXPORT_CSV, extras, 1, &out);
    struct collected c;
    struct lieux_read_result res;
    assert_int_equal(read_text(buf_cstr(&out), LIEUX_FORMAT_AUTO, &c, &res, &a), 0);
    assert_int_equal(c.n, 2);
    for (size_t i = 0; i < 2; i++)
        for (unsigned f = 0; f < LIEU_N_FIELDS; f++) {
            if (rows[i].v[f])
                assert_string_equal(c.rows[i].v[f], rows[i].v[f]);
            else
                assert_null(c.rows[i].v[f]);
        }
    assert_string_equal(extra_of(&c.rows[1], "ma_colonne"), "valeur gardée");

    /* empty JSON export */
    buf_init(&out, &a, 1024);
    export_rows(rows, 0, LIEUX_EXPORT_JSON, NULL, 0, &out);
    assert_string_equal(buf_cstr(&out), "[]\n");
    arena_release(&a);
}

/* Rows of a file, copied; many. */
struct all_rows {
    struct arena *a;
    struct lieu_row *rows;
    size_t n, cap;
};

static int keep_all(void *ctx, const struct lieux_record *rec)
{
    struct all_rows *all = ctx;
    all->rows = arena_push(all->a, all->rows, all->n, &all->cap, sizeof(*all->rows));
    lieu_row_copy(&all->rows[all->n++], rec->row, all->a);
    return 0;
}

static void read_all(const char *text, size_t len, struct all_rows *all, struct arena *a)
{
    memset(all, 0, sizeof(*all));
    all->a = a;
    struct lieux_read_result res;
    assert_int_equal(lieux_read_mem(text, len, NULL, a, keep_all, all, &res), 0);
}

static void test_round_trip_real_v1_files(void **state)
{
    (void)state;
    const char *files[] = {CHARENTE, CALEDONIE};
    for (size_t k = 0; k < 2; k++) {
        struct arena a = ARENA_INIT;
        size_t len;
        char *text = slurp(files[k], &len);
        struct all_rows first, again;
        read_all(text, len, &first, &a);
        assert_int_equal(first.n, k == 0 ? 188 : 90);

        /* every v1 key of the file comes back with its value, through the JSON export */
        struct buf out;
        buf_init(&out, &a, 64 << 20);
        export_rows(first.rows, first.n, LIEUX_EXPORT_JSON, NULL, 0, &out);
        struct arena b = ARENA_INIT;
        read_all(out.p, out.len, &again, &b);
        assert_int_equal(again.n, first.n);
        for (size_t i = 0; i < first.n; i++) {
            for (unsigned f = 0; f < LIEU_N_FIELDS; f++) {
                const char *x = first.rows[i].v[f], *y = again.rows[i].v[f];
                if (!x || !y) {
                    if (x != y)
                        fail_msg("%s row %zu %s: %s / %s", files[k], i, lieu_field_names[f],
                                 x ? x : "(null)", y ? y : "(null)");
                    continue;
                }
                assert_string_equal(x, y);
            }
            assert_int_equal(again.rows[i].n_extra, first.rows[i].n_extra);
        }
        /* the original file's own values, key by key (numbers as JSON numbers) */
        for (size_t i = 0; i < first.n; i++)
            assert_non_null(strstr(text, first.rows[i].v[LF_ID]));
        assert_non_null(strstr(out.p, "\"latitude\":45.681367,\"longitude\":-0.331217") || k == 1);

        /* and a second export is byte for byte the first: a fixed point */
        struct buf out2;
        buf_init(&out2, &b, 64 << 20);
        export_rows(again.rows, again.n, LIEUX_EXPORT_JSON, NULL, 0, &out2);
        assert_int_equal(out2.len, out.len);
        assert_memory_equal(out2.p, out.p, out.len);

        /* through CSV too */
        struct buf csv;
        buf_init(&csv, &b, 64 << 20);
        static const char *const extras[] = {"publics_accueillis", "labels_nationaux"};
        export_rows(first.rows, first.n, LIEUX_EXPORT_CSV, extras, 2, &csv);
        struct all_rows from_csv;
        read_all(csv.p, csv.len, &from_csv, &b);
        assert_int_equal(from_csv.n, first.n);
        for (size_t i = 0; i < first.n; i++)
            for (unsigned f = 0; f < LIEU_N_FIELDS; f++)
                if (first.rows[i].v[f])
                    assert_string_equal(from_csv.rows[i].v[f], first.rows[i].v[f]);
        free(text);
        arena_release(&b);
        arena_release(&a);
    }
}

/* The source file's own values: each v1 key's value equals the row's text (numbers as written). */
static void test_round_trip_keeps_source_values(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    size_t len;
    char *text = slurp(CHARENTE, &len);
    struct all_rows all;
    read_all(text, len, &all, &a);
    /* spot checks against the file: first row */
    assert_string_equal(all.rows[0].v[LF_ID], "mediation-numerique-conseiller-numerique-"
                                              "63d29db4e6d6a806f256459a-mediation-numerique");
    assert_string_equal(all.rows[0].v[LF_COMMUNE], "CHÂTEAUBERNARD");
    assert_string_equal(all.rows[0].v[LF_LATITUDE], "45.681367");
    assert_string_equal(all.rows[0].v[LF_LONGITUDE], "-0.331217");
    assert_string_equal(all.rows[0].v[LF_SERVICES], "Maîtrise des outils numériques du quotidien|"
                                                    "Compréhension du monde numérique");
    assert_string_equal(all.rows[0].v[LF_DISPOSITIF_PROGRAMMES_NATIONAUX],
                        "Conseillers numériques|France Services");
    assert_string_equal(all.rows[0].v[LF_FICHE_ACCES_LIBRE],
                        "https://acceslibre.beta.gouv.fr/app/16-chateaubernard/a/mairie/erp/"
                        "mairie-chateaubernard/");
    free(text);
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vocabularies_exact),
        cmocka_unit_test(test_typologie_labels),
        cmocka_unit_test(test_facts_of_the_example),
        cmocka_unit_test(test_parse_number),
        cmocka_unit_test(test_validate_example_is_valid),
        cmocka_unit_test(test_validate_messages),
        cmocka_unit_test(test_validate_rules),
        cmocka_unit_test(test_validate_max_length_counts_characters),
        cmocka_unit_test(test_unique_ids),
        cmocka_unit_test(test_csv_lines_quotes_crlf_bom),
        cmocka_unit_test(test_csv_latin1_is_refused_with_its_line),
        cmocka_unit_test(test_csv_bad_quoting),
        cmocka_unit_test(test_csv_hundred_thousand_columns),
        cmocka_unit_test(test_csv_separator),
        cmocka_unit_test(test_csv_header_checks),
        cmocka_unit_test(test_csv_mixed_quoting_official_example),
        cmocka_unit_test(test_json_reader),
        cmocka_unit_test(test_v1_json_leftovers),
        cmocka_unit_test(test_v0_csv_official_example),
        cmocka_unit_test(test_v0_cnfs_json),
        cmocka_unit_test(test_france_services_row),
        cmocka_unit_test(test_phone_international),
        cmocka_unit_test(test_export_golden),
        cmocka_unit_test(test_round_trip_real_v1_files),
        cmocka_unit_test(test_round_trip_keeps_source_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
