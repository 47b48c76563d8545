/* Unit tests of the printed guide: the Charente guide built from the real file
 * ref/data/lieux/charente-2023-v1.json (188 lieux) stored in a temporary SQLite database, plus a
 * few lieux that exercise what the real file lacks (every printed field, a commune with É, an
 * unpublished lieu, another département, a lieu taller than a column). Set GUIDE_KEEP=FILE.pdf to
 * keep the Charente guide for a look. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "db/db.h"
#include "lieux/guide.h"
#include "lieux/lieu.h"
#include "lieux/standard.h"
#include "lieux/store.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>

#define CHARENTE "ref/data/lieux/charente-2023-v1.json"

/* The build's TrueType fonts ($(B)/fonts, next to $(B)/tests where this binary lives): set by
 * main from argv[0]. */
static char font_dir[4096];
#define MAX_LIEUX 256

struct fixture {
    struct db *db;
    struct arena a;
    char db_path[64], pdf_path[64];
    /* What the guide must hold: the published lieux of 16, with their services. */
    int64_t ids[MAX_LIEUX];
    const char *services[MAX_LIEUX];
    size_t n;
    int64_t hidden_id, other_dep_id, tall_id;
    struct guide_stats stats;
    int rc;
};

/* The 2022 names that the file still carries, mapped to their v1 field and values. */
static const char *v1_list(struct arena *a, const char *v0, const char *const map[][2], size_t n)
{
    struct buf b;
    buf_init(&b, a, 4096);
    const char *p = v0;
    while (*p) {
        const char *e = strchr(p, ';');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        for (size_t i = 0; i < n; i++)
            if (strlen(map[i][0]) == len && memcmp(map[i][0], p, len) == 0 && map[i][1]) {
                if (b.len)
                    buf_addch(&b, '|');
                buf_adds(&b, map[i][1]);
            }
        if (!e)
            break;
        p = e + 1;
    }
    return b.len ? buf_cstr(&b) : NULL;
}

static const char *const LABELS[][2] = {
    {"CNFS", "Conseillers numériques"},
    {"France Services", "France Services"},
    {"Aidants Connect", "Aidants Connect"},
};
static const char *const PUBLICS[][2] = {
    {"Adultes", NULL},
    {"Jeunes (16-26 ans)", "Jeunes"},
    {"Familles/enfants", "Familles et/ou enfants"},
    {"Seniors (+ 65 ans)", "Seniors"},
};

static void row_from_json(struct arena *a, json_t *o, struct lieu_row *r)
{
    memset(r, 0, sizeof(*r));
    const char *key;
    json_t *val;
    json_object_foreach(o, key, val)
    {
        const char *s = json_is_string(val)   ? arena_strdup(a, json_string_value(val))
                        : json_is_number(val) ? lieu_format_coordinate(a, json_number_value(val))
                                              : NULL;
        if (!s)
            continue;
        int f = lieu_field_by_name(key, strlen(key));
        if (f >= 0)
            r->v[f] = s;
        else if (strcmp(key, "courriel") == 0)
            r->v[LF_COURRIELS] = s;
        else if (strcmp(key, "accessibilite") == 0)
            r->v[LF_FICHE_ACCES_LIBRE] = s;
        else if (strcmp(key, "labels_nationaux") == 0)
            r->v[LF_DISPOSITIF_PROGRAMMES_NATIONAUX] = v1_list(a, s, LABELS, 3);
        else if (strcmp(key, "publics_accueillis") == 0)
            r->v[LF_PUBLICS_SPECIFIQUEMENT_ADRESSES] = v1_list(a, s, PUBLICS, 4);
    }
}

static void add(struct fixture *f, const struct lieu_row *r, const char *dep, bool expected,
                int64_t *id_out)
{
    enum lieu_upsert_result res;
    int64_t id;
    assert_int_equal(
        lieu_store_upsert(f->db, &f->a, r, "test-guide", dep, false, 0, "test_guide.c", &res, &id),
        0);
    if (expected) {
        assert_true(f->n < MAX_LIEUX);
        f->ids[f->n] = id;
        f->services[f->n] = r->v[LF_SERVICES];
        f->n++;
    }
    if (id_out)
        *id_out = id;
}

static struct lieu_row synthetic(const char *id, const char *nom, const char *commune)
{
    struct lieu_row r = {0};
    r.v[LF_ID] = id;
    r.v[LF_PIVOT] = "21160125700011";
    r.v[LF_NOM] = nom;
    r.v[LF_COMMUNE] = commune;
    r.v[LF_CODE_POSTAL] = "16220";
    r.v[LF_ADRESSE] = "1 place de la Mairie";
    r.v[LF_DATE_MAJ] = "2024-03-01";
    return r;
}

static int file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (int)st.st_size : -1;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    arena_init(&f->a);
    snprintf(f->db_path, sizeof(f->db_path), "/tmp/relais-test-guide-%d.db", (int)getpid());
    snprintf(f->pdf_path, sizeof(f->pdf_path), "/tmp/relais-test-guide-%d.pdf", (int)getpid());
    unlink(f->db_path);
    char url[96];
    snprintf(url, sizeof(url), "sqlite:%s", f->db_path);
    if (db_open(url, &f->db) || db_migrate(f->db))
        return -1;

    json_error_t jerr;
    json_t *all = json_load_file(CHARENTE, 0, &jerr);
    if (!json_is_array(all))
        return -1;
    size_t i;
    json_t *o;
    json_array_foreach(all, i, o)
    {
        struct lieu_row r;
        row_from_json(&f->a, o, &r);
        add(f, &r, "16", true, NULL);
    }
    json_decref(all);

    /* Every printed field, in a commune whose initial is accented. */
    struct lieu_row r = synthetic("test-ecuras", "Espace numérique d'Écuras", "ÉCURAS");
    r.v[LF_COMPLEMENT_ADRESSE] = "Bâtiment B, rez-de-chaussée";
    r.v[LF_TELEPHONE] = "+33545123456";
    r.v[LF_COURRIELS] = "accueil@ecuras.example|numerique@ecuras.example";
    r.v[LF_SITE_WEB] = "https://www.ecuras.example/numerique/";
    r.v[LF_HORAIRES] = "Mo-Fr 09:00-12:00,14:00-17:00; PH off";
    r.v[LF_SERVICES] = "Aide aux démarches administratives|Acquisition de matériel informatique à "
                       "prix solidaire|Utilisation sécurisée du numérique";
    r.v[LF_PUBLICS_SPECIFIQUEMENT_ADRESSES] = "Seniors|Familles et/ou enfants";
    r.v[LF_PRISE_EN_CHARGE_SPECIFIQUE] = "Surdité|Langues étrangères (anglais)";
    r.v[LF_FRAIS_A_CHARGE] = "Gratuit sous condition";
    r.v[LF_MODALITES_ACCES] = "Se présenter|Téléphoner|Prendre un RDV en ligne";
    r.v[LF_PRISE_RDV] = "https://www.rdv-solidarites.fr/";
    r.v[LF_ITINERANCE] = "Itinérant";
    add(f, &r, "16", true, NULL);
    r = synthetic("test-exideuil", "Médiathèque d'Exideuil", "Exideuil-sur-Vienne");
    r.v[LF_SERVICES] = "Parentalité et éducation avec le numérique";
    add(f, &r, "16", true, NULL);
    /* Taller than a column: must be split rather than lost. */
    struct buf tall;
    buf_init(&tall, &f->a, 64 * 1024);
    for (int k = 0; k < 60; k++)
        buf_addf(&tall, "Atelier numéro %d du programme de la semaine, sur inscription ; ", k);
    r = synthetic("test-tall", "Tiers-lieu aux mille ateliers", "Dignac");
    r.v[LF_COMPLEMENT_ADRESSE] = buf_cstr(&tall);
    add(f, &r, "16", true, &f->tall_id);
    /* Not in the guide: unpublished, or in another département. */
    r = synthetic("test-hidden", "Lieu dépublié", "Angoulême");
    add(f, &r, "16", false, &f->hidden_id);
    assert_int_equal(lieu_store_set_published(f->db, f->hidden_id, false, 0), 0);
    r = synthetic("test-17", "Lieu de Charente-Maritime", "Saintes");
    add(f, &r, "17", false, &f->other_dep_id);

    struct guide_opts opts = {
        .departement = "16", .generated_at = 1795690800, .font_dir = font_dir};
    const char *keep = getenv("GUIDE_KEEP");
    f->rc = guide_write_pdf(f->db, &opts, keep ? keep : f->pdf_path, &f->a, &f->stats);
    if (keep)
        snprintf(f->pdf_path, sizeof(f->pdf_path), "%s", keep);
    fprintf(stderr, "guide: %d pages, %zu lieux, %zu communes, %.0f ms, font %s\n", f->stats.pages,
            f->stats.n_lieux, f->stats.n_communes, f->stats.ms,
            f->stats.font ? f->stats.font : "?");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    db_close(f->db);
    if (!getenv("GUIDE_KEEP")) {
        unlink(f->pdf_path);
        unlink(f->db_path);
    } else {
        fprintf(stderr, "guide: kept %s and %s\n", f->pdf_path, f->db_path);
    }
    arena_release(&f->a);
    free(f);
    return 0;
}

/* Counts the page objects of the PDF ("/Type /Page", not "/Pages"): cairo writes them in clear. */
static int pdf_pages(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return -1;
    static char data[16 * 1024 * 1024];
    size_t n = fread(data, 1, sizeof(data) - 1, fp);
    fclose(fp);
    data[n] = '\0';
    int pages = 0;
    const char *needle = "/Type /Page";
    for (size_t i = 0; i + 11 < n; i++)
        if (memcmp(data + i, needle, 11) == 0 && data[i + 11] != 's')
            pages++;
    return pages;
}

static void test_valid_pdf(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(f->rc, 0);
    FILE *fp = fopen(f->pdf_path, "rb");
    assert_non_null(fp);
    char head[5] = {0};
    assert_int_equal(fread(head, 1, 5, fp), 5);
    fclose(fp);
    assert_memory_equal(head, "%PDF-", 5);
    assert_true(file_size(f->pdf_path) > 50 * 1024);
    /* 191 lieux on two columns need well over ten pages; cover, index and sources add three. */
    assert_true(f->stats.pages > 12);
    assert_int_equal(pdf_pages(f->pdf_path), f->stats.pages);
    assert_int_equal(f->stats.lieux_first_page, 2);
    assert_true(f->stats.index_first_page > f->stats.lieux_first_page);
    assert_int_equal(f->stats.sources_page, f->stats.pages);
    assert_true(f->stats.sources_page > f->stats.index_first_page);
    assert_string_equal(f->stats.date_maj_max, "2024-03-01");
    assert_string_equal(f->stats.date_maj_min, "2020-02-01");
    assert_non_null(f->stats.font);
    /* No half file left behind. */
    char part[80];
    snprintf(part, sizeof(part), "%s.part", f->pdf_path);
    assert_int_equal(access(part, F_OK), -1);
}

static void test_every_lieu_once_in_order(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(f->stats.n_lieux, f->n);
    for (size_t k = 0; k < f->n; k++) {
        size_t seen = 0;
        for (size_t i = 0; i < f->stats.n_lieux; i++)
            seen += f->stats.lieux[i].id == f->ids[k];
        assert_int_equal(seen, 1);
    }
    int last = 0;
    size_t last_commune = 0;
    for (size_t i = 0; i < f->stats.n_lieux; i++) {
        const struct guide_lieu_page *l = &f->stats.lieux[i];
        assert_int_not_equal(l->id, f->hidden_id);
        assert_int_not_equal(l->id, f->other_dep_id);
        assert_true(l->page >= f->stats.lieux_first_page);
        assert_true(l->page < f->stats.index_first_page);
        assert_true(l->page >= last); /* the guide's order is the page order */
        assert_true(l->commune >= last_commune);
        assert_true(l->commune < f->stats.n_communes);
        last = l->page;
        last_commune = l->commune;
    }
}

/* A key for French order written independently of the guide's: utf8proc without marks, lower
 * case, letters and digits only ("Saint-Même" -> "saintmeme"). */
static char *order_key(const char *s)
{
    utf8proc_uint8_t *m = NULL;
    utf8proc_map((const utf8proc_uint8_t *)s, 0, &m,
                 UTF8PROC_NULLTERM | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);
    char *o = (char *)m, *w = o;
    for (char *p = o; *p; p++) {
        if ((unsigned char)p[0] == 0xC5 && (unsigned char)p[1] == 0x93) {
            *w++ = 'o', *w++ = 'e', p++;
        } else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')) {
            *w++ = *p;
        }
    }
    *w = '\0';
    return o;
}

static long commune_index(const struct guide_stats *s, const char *nom)
{
    long found = -1;
    for (size_t i = 0; i < s->n_communes; i++)
        if (strcmp(s->communes[i], nom) == 0) {
            assert_int_equal(found, -1); /* shown once */
            found = (long)i;
        }
    return found;
}

static void test_communes_french_order(void **state)
{
    struct fixture *f = *state;
    const struct guide_stats *s = &f->stats;
    for (size_t i = 1; i < s->n_communes; i++) {
        char *a = order_key(s->communes[i - 1]), *b = order_key(s->communes[i]);
        if (strcmp(a, b) > 0)
            fail_msg("« %s » before « %s »", s->communes[i - 1], s->communes[i]);
        free(a);
        free(b);
    }
    long dignac = commune_index(s, "Dignac"), ecuras = commune_index(s, "Écuras");
    long exideuil = commune_index(s, "Exideuil-sur-Vienne");
    assert_true(dignac >= 0 && ecuras >= 0 && exideuil >= 0);
    assert_true(dignac < ecuras && ecuras < exideuil); /* É sorts with E */
    long chasseneuil = commune_index(s, "Chasseneuil-sur-Bonnieure");
    long chateaubernard = commune_index(s, "Châteaubernard");
    long cognac = commune_index(s, "Cognac");
    assert_true(chasseneuil >= 0 && chateaubernard >= 0 && cognac >= 0);
    assert_true(chasseneuil < chateaubernard && chateaubernard < cognac);
    /* One commune, one heading, whatever the spelling in the data. */
    assert_true(commune_index(s, "Angoulême") >= 0);
    assert_int_equal(commune_index(s, "ANGOULEME"), -1);
    assert_int_equal(commune_index(s, "Angouleme"), -1);
    assert_true(commune_index(s, "Barbezieux-Saint-Hilaire") >= 0);
    assert_int_equal(commune_index(s, "Barbezieux St Hilaire"), -1);
    /* Capitals put back into the usual form of French place names. */
    assert_true(commune_index(s, "Saint-Même-les-Carrières") >= 0);
    assert_true(commune_index(s, "Salles-d'Angles") >= 0);
    assert_true(commune_index(s, "La Forêt-de-Tessé") >= 0);
}

static bool list_has(const char *list, const char *item)
{
    size_t n = strlen(item);
    for (const char *p = list; p && *p;) {
        const char *e = strchr(p, '|');
        size_t m = e ? (size_t)(e - p) : strlen(p);
        if (m == n && memcmp(p, item, n) == 0)
            return true;
        p = e ? e + 1 : NULL;
    }
    return false;
}

static void test_index_by_service(void **state)
{
    struct fixture *f = *state;
    const struct guide_stats *s = &f->stats;
    unsigned nv;
    const char *const *vocab = lieu_vocab(LF_SERVICES, &nv);
    assert_int_equal(nv, GUIDE_N_SERVICES);
    size_t total = 0;
    for (unsigned v = 0; v < nv; v++) {
        const struct guide_service_index *ix = &s->services[v];
        assert_string_equal(ix->service, vocab[v]);
        size_t expected = 0;
        for (size_t k = 0; k < f->n; k++) {
            if (!list_has(f->services[k], vocab[v]))
                continue;
            expected++;
            size_t seen = 0;
            for (size_t j = 0; j < ix->n; j++)
                seen += s->lieux[ix->lieux[j]].id == f->ids[k];
            assert_int_equal(seen, 1);
        }
        assert_int_equal(ix->n, expected);
        for (size_t j = 1; j < ix->n; j++)
            assert_true(ix->lieux[j - 1] < ix->lieux[j]); /* guide order */
        total += ix->n;
    }
    /* The real file: 111 lieux for "Maîtrise des outils numériques du quotidien", 80 for
     * "Aide aux démarches administratives" (+1 synthetic); none buys equipment but Écuras. */
    assert_int_equal(s->services[1].n, 111);
    assert_int_equal(s->services[0].n, 81);
    assert_int_equal(s->services[8].n, 1);
    assert_true(total > f->n);
}

/* The text of the PDF, page by page, through poppler's pdftotext when it is installed: each lieu's
 * name is on the page the stats give, and the index and the last page say what they must. */
static void test_text_on_pages(void **state)
{
    struct fixture *f = *state;
    if (system("command -v pdftotext >/dev/null 2>&1") != 0)
        skip();
    char cmd[256], txt[96];
    snprintf(txt, sizeof(txt), "%s.txt", f->pdf_path);
    snprintf(cmd, sizeof(cmd), "pdftotext -enc UTF-8 %s %s", f->pdf_path, txt);
    assert_int_equal(system(cmd), 0);
    FILE *fp = fopen(txt, "rb");
    assert_non_null(fp);
    static char data[4 * 1024 * 1024];
    size_t n = fread(data, 1, sizeof(data) - 1, fp);
    fclose(fp);
    unlink(txt);
    data[n] = '\0';
    /* Pages are separated by form feeds; white space is collapsed so that wrapped names match. */
    static char *pages[1024];
    int np = 0;
    pages[np++] = data;
    for (size_t i = 0; i < n && np < 1024; i++)
        if (data[i] == '\f') {
            data[i] = '\0';
            pages[np++] = data + i + 1;
        }
    for (int p = 0; p < np; p++) {
        char *w = pages[p];
        bool sp = false;
        for (char *q = pages[p]; *q; q++) {
            if ((unsigned char)q[0] == 0xC2 && (unsigned char)q[1] == 0xA0)
                *++q = ' '; /* a no-break space is a space */
            bool ws = *q == ' ' || *q == '\n' || *q == '\t';
            if (ws && sp)
                continue;
            *w++ = ws ? ' ' : *q;
            sp = ws;
        }
        *w = '\0';
    }
    assert_true(np >= f->stats.pages);
    assert_non_null(strstr(pages[0], "Guide des lieux de médiation numérique"));
    assert_non_null(strstr(pages[0], "Charente (16)"));
    assert_non_null(strstr(pages[0], "1er mars 2024")); /* newest date_maj */
    assert_non_null(strstr(pages[0], "Licence Ouverte"));
    for (size_t i = 0; i < f->stats.n_lieux; i++) {
        const struct guide_lieu_page *l = &f->stats.lieux[i];
        char name[256];
        /* The first 20 bytes, white space collapsed: long names may wrap inside a word. */
        size_t w = 0;
        for (const char *q = l->nom; *q && w < 20; q++)
            if (*q != ' ' || (w > 0 && name[w - 1] != ' '))
                name[w++] = *q;
        name[w] = '\0';
        while (strlen(name) && ((unsigned char)name[strlen(name) - 1] & 0xC0) == 0x80)
            name[strlen(name) - 1] = '\0'; /* never cut inside a character */
        if (strlen(name) && (unsigned char)name[strlen(name) - 1] >= 0xC0)
            name[strlen(name) - 1] = '\0';
        if (!strstr(pages[l->page - 1], name))
            fail_msg("« %s » is not on page %d", l->nom, l->page);
    }
    const char *last = pages[f->stats.pages - 1];
    assert_non_null(strstr(last, "Sources et date des données"));
    assert_non_null(strstr(last, "conseiller-numerique"));
    assert_non_null(strstr(last, "1er février 2020"));
    assert_non_null(strstr(pages[f->stats.index_first_page - 1], "Index par service"));
    assert_non_null(strstr(pages[1], "page 2 /"));
    int ecuras = -1;
    for (size_t i = 0; i < f->stats.n_lieux; i++)
        if (strcmp(f->stats.lieux[i].nom, "Espace numérique d'Écuras") == 0)
            ecuras = f->stats.lieux[i].page - 1;
    assert_true(ecuras >= 0);
    assert_non_null(strstr(pages[ecuras], "05 45 12 34 56"));
    assert_non_null(strstr(pages[ecuras], "Prise de RDV en ligne"));
    assert_non_null(strstr(pages[ecuras], "Langues étrangères (anglais)"));
    assert_non_null(strstr(pages[ecuras], "Gratuit sous condition"));
    /* Hours in French (horaires_french), not in the OSM syntax. */
    assert_non_null(strstr(pages[ecuras], "du lundi au vendredi, 9 h – 12 h et 14 h – 17 h"));
    assert_null(strstr(pages[ecuras], "Mo-Fr 09:00"));
    for (int p = 0; p < np; p++) {
        assert_null(strstr(pages[p], "Lieu dépublié"));
        assert_null(strstr(pages[p], "Charente-Maritime"));
    }
}

static int failing_write(void *ctx, const unsigned char *data, size_t len)
{
    (void)data;
    size_t *written = ctx;
    *written += len;
    return *written > 4096 ? -1 : 0;
}

static int to_buf(void *ctx, const unsigned char *data, size_t len)
{
    buf_add(ctx, data, len);
    return ((struct buf *)ctx)->err;
}

static void test_empty_invalid_and_write_errors(void **state)
{
    struct fixture *f = *state;
    struct arena a = ARENA_INIT;
    struct guide_stats st;
    struct buf b;
    buf_init(&b, &a, 8 * 1024 * 1024);
    struct guide_opts opts = {.departement = "53", .generated_at = 1795690800};
    assert_int_equal(guide_write(f->db, &opts, to_buf, &b, &a, &st), 0);
    assert_int_equal(buf_finish(&b), 0);
    assert_true(b.len > 1000);
    assert_memory_equal(b.p, "%PDF-", 5);
    assert_int_equal(st.n_lieux, 0);
    assert_int_equal(st.pages, 4); /* cover, an empty page of lieux, the index, the sources */

    opts.departement = "99";
    assert_int_equal(guide_write(f->db, &opts, to_buf, &b, &a, &st), ERR_INVALID);
    opts.departement = NULL;
    assert_int_equal(guide_write(f->db, &opts, to_buf, &b, &a, &st), ERR_INVALID);

    size_t written = 0;
    opts.departement = "16";
    assert_int_equal(guide_write(f->db, &opts, failing_write, &written, &a, &st), ERR_IO);
    assert_int_equal(guide_write_pdf(f->db, &opts, "/nonexistent/dir/guide.pdf", &a, &st), ERR_IO);
    arena_release(&a);
}

static void test_departement_nom(void **state)
{
    (void)state;
    assert_string_equal(guide_departement_nom("16"), "Charente");
    assert_string_equal(guide_departement_nom("2a"), "Corse-du-Sud");
    assert_string_equal(guide_departement_nom("974"), "La Réunion");
    assert_string_equal(guide_departement_nom("988"), "Nouvelle-Calédonie");
    assert_null(guide_departement_nom("20"));
    assert_null(guide_departement_nom(NULL));
}

/* Under LeakSanitizer (make test-asan): fontconfig keeps its font patterns in process-wide caches
 * that LeakSanitizer cannot follow, and reports them as leaked after pango matched fonts. The
 * guide's own allocations are still checked. Unused in ordinary builds. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }

/* The guide is set in Atkinson Hyperlegible, from the TrueType files the build converted: the
 * stats say so, and the PDF embeds it (its font names are written in clear, as pdffonts lists
 * them: "/FontName /ABCDEF+AtkinsonHyperlegible-Regular"), regular and bold, and nothing else. */
static void test_atkinson_embedded(void **state)
{
    struct fixture *f = *state;
    assert_string_equal(f->stats.font, "Atkinson Hyperlegible");
    FILE *fp = fopen(f->pdf_path, "rb");
    assert_non_null(fp);
    static char data[16 * 1024 * 1024];
    size_t n = fread(data, 1, sizeof(data) - 1, fp);
    fclose(fp);
    data[n] = '\0';
    assert_non_null(memmem(data, n, "+AtkinsonHyperlegible-Regular", 29));
    assert_non_null(memmem(data, n, "+AtkinsonHyperlegible-Bold", 26));
    assert_null(memmem(data, n, "DejaVu", 6)); /* no character fell back */
    /* Registering the same directory again adds nothing; a directory without the fonts adds
     * nothing either (the guide then falls back to DejaVu Sans, with a log line). */
    assert_int_equal(guide_fonts_register(font_dir), 0);
    assert_int_equal(guide_fonts_register("tests/unit"), 0);
    assert_int_equal(guide_fonts_register(NULL), 0);
}

int main(int argc, char **argv)
{
    (void)argc;
    /* build/tests/test_guide -> build/fonts */
    snprintf(font_dir, sizeof(font_dir), "%s", argv[0]);
    for (int up = 0; up < 2; up++) {
        char *slash = strrchr(font_dir, '/');
        if (slash)
            *slash = '\0';
        else
            snprintf(font_dir, sizeof(font_dir), "%s", up ? "." : "..");
    }
    size_t used = strlen(font_dir);
    snprintf(font_dir + used, sizeof(font_dir) - used, "/fonts");
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(test_departement_nom),
    };
    const struct CMUnitTest charente[] = {
        cmocka_unit_test(test_valid_pdf),
        cmocka_unit_test(test_atkinson_embedded),
        cmocka_unit_test(test_every_lieu_once_in_order),
        cmocka_unit_test(test_communes_french_order),
        cmocka_unit_test(test_index_by_service),
        cmocka_unit_test(test_text_on_pages),
        cmocka_unit_test(test_empty_invalid_and_write_errors),
    };
    int failed = cmocka_run_group_tests_name("guide", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("guide-charente", charente, setup, teardown);
    return failed;
}
