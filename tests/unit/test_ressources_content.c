/* Unit tests of what a resource holds: Markdown rendered without any way to inject markup or
 * script (a list of XSS payloads), and uploaded files checked by their content (lying extensions,
 * programs, HTML, sizes), stored once per content, on SQLite and (when RELAIS_TEST_PG_URL is set)
 * PostgreSQL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/limits.h"
#include "db/db.h"
#include "ressources/files.h"
#include "ressources/markdown.h"
#include "store_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *render(struct arena *a, const char *md)
{
    struct buf b;
    buf_init(&b, a, 1 << 20);
    ressources_markdown(&b, md);
    return buf_cstr(&b);
}

/* Every tag of html is one of the tags CommonMark produces, with only href, src, alt and title
 * attributes, double-quoted, and no link or image address other than http(s), mailto, a local path
 * or empty. Fails the test otherwise. */
static void assert_harmless(const char *payload, const char *html)
{
    static const char *const tags[] = {"p",  "em",         "strong", "a",  "code", "pre", "h1",
                                       "h2", "h3",         "h4",     "h5", "h6",   "ul",  "ol",
                                       "li", "blockquote", "hr",     "br", "img"};
    for (const char *p = strchr(html, '<'); p; p = strchr(p + 1, '<')) {
        if (strncmp(p, "<!-- raw HTML omitted -->", 25) == 0)
            continue;
        const char *q = p + 1 + (p[1] == '/');
        size_t n = strcspn(q, " />");
        bool known = false;
        for (size_t i = 0; i < sizeof(tags) / sizeof(tags[0]) && !known; i++)
            known = strlen(tags[i]) == n && strncmp(q, tags[i], n) == 0;
        if (!known)
            fail_msg("payload %s gave the tag %.20s", payload, p);
        const char *end = strchr(q, '>');
        assert_non_null(end);
        const char *at = q + n;
        while (at < end) {
            while (*at == ' ' || *at == '/')
                at++;
            if (at >= end)
                break;
            size_t an = strcspn(at, "=");
            char name[16] = {0};
            if (an >= sizeof(name))
                fail_msg("payload %s gave an attribute %.20s", payload, at);
            memcpy(name, at, an);
            if (strcmp(name, "href") && strcmp(name, "src") && strcmp(name, "alt") &&
                strcmp(name, "title"))
                fail_msg("payload %s gave the attribute %s", payload, name);
            if (at[an + 1] != '"')
                fail_msg("payload %s gave an unquoted attribute", payload);
            const char *v = at + an + 2;
            const char *vend = strchr(v, '"');
            assert_non_null(vend);
            if (!strcmp(name, "href") || !strcmp(name, "src")) {
                bool ok = v == vend || strncasecmp(v, "http://", 7) == 0 ||
                          strncasecmp(v, "https://", 8) == 0 || strncasecmp(v, "mailto:", 7) == 0 ||
                          (v[0] == '/' && v[1] != '/') || v[0] == '#';
                if (!ok)
                    fail_msg("payload %s gave the address %.30s", payload, v);
            }
            at = vend + 1;
        }
    }
}

static void test_markdown_xss(void **state)
{
    (void)state;
    static const char *const payloads[] = {
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<svg/onload=alert(1)>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "[clic](javascript:alert(1))",
        "[clic](JaVaScRiPt:alert(1))",
        "[clic](java&#x73;cript:alert(1))",
        "[clic](&#106;avascript:alert(1))",
        "[clic]( javascript:alert(1) )",
        "[clic](<javascript:alert(1)>)",
        "[clic](vbscript:msgbox(1))",
        "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "[clic](file:///etc/passwd)",
        "![x](javascript:alert(1))",
        "![x\" onerror=\"alert(1)](https://example.org/a.png)",
        "[x](https://example.org \"t\\\" onmouseover=\\\"alert(1)\")",
        "<a href=\"https://example.org\" onclick=\"alert(1)\">x</a>",
        "<details open ontoggle=alert(1)>",
        "<style>body{display:none}</style>",
        "<object data=\"x.swf\"></object>",
        "<embed src=\"x.swf\">",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
        "[a]: javascript:alert(1)\n\n[clic][a]",
        "<javascript:alert(1)>",
        "<https://example.org/\" onmouseover=\"alert(1)>",
        "```\n<script>alert(1)</script>\n```",
        "`<script>alert(1)</script>`",
        "> <img src=x onerror=alert(1)>",
        "* <b onmouseover=alert(1)>x</b>",
        "<!-- --><script>alert(1)</script>",
        "<![CDATA[<script>alert(1)</script>]]>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "<scr<script>ipt>alert(1)</script>",
        "[clic](\x01javascript:alert(1))",
        "[clic](//evil.example/x)",
    };
    struct arena a = ARENA_INIT;
    for (size_t i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
        const char *html = render(&a, payloads[i]);
        assert_harmless(payloads[i], html);
        assert_null(strcasestr(html, "<script"));
    }
    /* What a resource needs still renders. */
    const char *html = render(&a, "## Étapes\n\n1. Ouvrir **le navigateur**\n2. Aller sur "
                                  "[le site](https://www.service-public.fr/)\n\n> Astuce");
    assert_non_null(strstr(html, "<h2>Étapes</h2>"));
    assert_non_null(strstr(html, "<strong>le navigateur</strong>"));
    assert_non_null(strstr(html, "<a href=\"https://www.service-public.fr/\">le site</a>"));
    assert_non_null(strstr(html, "<blockquote>"));
    struct buf b;
    buf_init(&b, &a, 4096);
    ressources_markdown_text(&b, "# Titre\n\nUn **mot** et <b>rien</b>");
    assert_non_null(strstr(buf_cstr(&b), "Titre"));
    assert_non_null(strstr(buf_cstr(&b), "mot"));
    assert_null(strchr(buf_cstr(&b), '<'));
    arena_release(&a);
}

/* ---------- files ---------- */

struct fixture {
    struct store_fixture store;
    char dir[64];
};

static int open_store(void **state, const char *url)
{
    struct fixture *f = calloc(1, sizeof(*f));
    snprintf(f->dir, sizeof(f->dir), "/tmp/relais-test-files-%d-%s", (int)getpid(),
             url ? "pg" : "sqlite");
    mkdir(f->dir, 0750);
    if (store_fixture_open(&f->store, url, "ressources-files"))
        return -1;
    *state = f;
    return 0;
}
static int setup_sqlite(void **state) { return open_store(state, NULL); }
static int setup_pg(void **state) { return open_store(state, getenv("RELAIS_TEST_PG_URL")); }
static int teardown(void **state)
{
    struct fixture *f = *state;
    store_fixture_close(&f->store);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static const char *write_tmp(struct fixture *f, struct arena *a, const void *data, size_t n)
{
    static int counter;
    const char *p = arena_printf(a, "%s/upload-%d", f->dir, counter++);
    FILE *fp = fopen(p, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, n, fp), n);
    fclose(fp);
    return p;
}

/* A one-page PDF, enough for libmagic (and for pdftoppm to draw a blank page). */
static const char pdf[] =
    "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
    "/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    "trailer<</Root 1 0 R>>\n%%EOF\n";

static void test_files_checked_and_stored(void **state)
{
    struct fixture *f = *state;
    struct arena a = ARENA_INIT;
    struct ressource_file rf;
    const char *msg;
    /* A real PDF is kept, under its hash, once. */
    const char *p = write_tmp(f, &a, pdf, sizeof(pdf) - 1);
    assert_int_equal(ressource_file_store(f->store.db, &a, f->dir, p, "Guide.PDF", sizeof(pdf) - 1,
                                          false, &rf, &msg),
                     0);
    assert_string_equal(rf.mime, "application/pdf");
    assert_int_equal(strlen(rf.sha256), 64);
    struct stat sb;
    assert_int_equal(stat(ressource_file_path(&a, f->dir, rf.sha256), &sb), 0);
    assert_int_equal(sb.st_size, (off_t)(sizeof(pdf) - 1));
    int64_t first = rf.id;
    assert_int_equal(ressource_file_store(f->store.db, &a, f->dir, p, "copie.pdf", sizeof(pdf) - 1,
                                          false, &rf, &msg),
                     0);
    assert_int_equal(rf.id, first);
    assert_true(ressource_file_inline(rf.mime));

    /* HTML that calls itself a PDF. */
    static const char html[] =
        "<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n";
    p = write_tmp(f, &a, html, sizeof(html) - 1);
    assert_int_equal(ressource_file_store(f->store.db, &a, f->dir, p, "guide.pdf", sizeof(html) - 1,
                                          false, &rf, &msg),
                     ERR_UNSUPPORTED);
    assert_non_null(
        strstr(msg, "« guide.pdf » se présente comme un PDF mais contient une page HTML"));
    /* A program that calls itself a PDF. */
    static const unsigned char elf[64] = {0x7f, 'E', 'L', 'F', 2, 1, 1,    0, 0, 0, 0, 0,
                                          0,    0,   0,   0,   2, 0, 0x3e, 0, 1, 0, 0, 0};
    p = write_tmp(f, &a, elf, sizeof(elf));
    assert_int_equal(ressource_file_store(f->store.db, &a, f->dir, p, "fiche.pdf", sizeof(elf),
                                          false, &rf, &msg),
                     ERR_UNSUPPORTED);
    assert_non_null(strstr(msg, "se présente comme un PDF mais contient"));
    /* A PDF named like an image; a PDF in an image block. */
    p = write_tmp(f, &a, pdf, sizeof(pdf) - 1);
    assert_int_equal(ressource_file_store(f->store.db, &a, f->dir, p, "photo.png", sizeof(pdf) - 1,
                                          false, &rf, &msg),
                     ERR_UNSUPPORTED);
    assert_non_null(strstr(msg, "se présente comme un image PNG mais contient un PDF"));
    assert_int_equal(ressource_file_store(f->store.db, &a, f->dir, p, "guide.pdf", sizeof(pdf) - 1,
                                          true, &rf, &msg),
                     ERR_UNSUPPORTED);
    assert_non_null(strstr(msg, "un bloc image attend une image"));
    /* Over the limit: refused before anything is read. */
    assert_int_equal(ressource_file_store(f->store.db, &a, f->dir, p, "gros.pdf",
                                          (uint64_t)LIMIT_RESSOURCE_FILE_BYTES + 1, false, &rf,
                                          &msg),
                     ERR_TOO_BIG);
    assert_non_null(strstr(msg, "la limite est de 20 Mo"));
    /* The text of a PDF is kept beside it for the search. */
    static const char text_pdf[] =
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
        "/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 100]/Contents 4 0 R"
        "/Resources<</Font<</F1 5 0 R>>>>>>endobj\n4 0 obj<</Length 44>>stream\nBT /F1 18 Tf 10 50 "
        "Td (Fiche tournesol) Tj ET\nendstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/"
        "Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";
    p = write_tmp(f, &a, text_pdf, sizeof(text_pdf) - 1);
    assert_int_equal(ressource_file_store(f->store.db, &a, f->dir, p, "support.pdf",
                                          sizeof(text_pdf) - 1, false, &rf, &msg),
                     0);
    const char *text = ressource_file_text(&a, f->dir, rf.sha256, 4096);
    assert_non_null(text);
    assert_non_null(strstr(text, "Fiche tournesol"));
    /* A content that is not a stored PDF has no text. */
    assert_null(ressource_file_text(
        &a, f->dir, "0000000000000000000000000000000000000000000000000000000000000000", 4096));
    /* Plain text is fine as .txt. */
    static const char txt[] = "Fiche d'atelier : créer une adresse e-mail.\n";
    p = write_tmp(f, &a, txt, sizeof(txt) - 1);
    assert_int_equal(ressource_file_store(f->store.db, &a, f->dir, p, "fiche.txt", sizeof(txt) - 1,
                                          false, &rf, &msg),
                     0);
    assert_string_equal(rf.mime, "text/plain");
    assert_false(ressource_file_inline(rf.mime));
    arena_release(&a);
}

int main(void)
{
    crypto_init();
    const struct CMUnitTest pure[] = {cmocka_unit_test(test_markdown_xss)};
    const struct CMUnitTest stored[] = {cmocka_unit_test(test_files_checked_and_stored)};
    int failed = cmocka_run_group_tests_name("ressources-markdown", pure, NULL, NULL);
    failed += STORE_FIXTURE_RUN("ressources-files", stored, setup_sqlite, setup_pg, teardown);
    return failed;
}
