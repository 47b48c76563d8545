/*
 * test_html: escaping (html.h), the components and the layout of the default theme (ui.h, rendered
 * by the templates of html/theme) and the site pages. Each case renders into an arena buffer and looks for the
 * markup that matters: what is escaped, what is tied to what for assistive technologies, and what
 * the Content-Security-Policy forbids.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "assets.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "html/html.h"
#include "html/ui.h"
#include "site/site.h"

#include <regex.h>
#include <string.h>

struct fixture {
    struct arena arena;
    struct buf b;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    arena_init(&f->arena);
    buf_init(&f->b, &f->arena, 1 << 20);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    arena_release(&f->arena);
    free(f);
    return 0;
}

static struct buf *fresh(void **state)
{
    struct fixture *f = *state;
    buf_reset(&f->b);
    return &f->b;
}

#define assert_contains(hay, needle)                                                               \
    do {                                                                                           \
        if (!strstr((hay), (needle)))                                                              \
            fail_msg("expected to find\n  %s\nin\n%s", (needle), (hay));                           \
    } while (0)

#define assert_lacks(hay, needle)                                                                  \
    do {                                                                                           \
        if (strstr((hay), (needle)))                                                               \
            fail_msg("did not expect\n  %s\nin\n%s", (needle), (hay));                             \
    } while (0)

static bool matches(const char *s, const char *pattern)
{
    regex_t re;
    assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB), 0);
    bool hit = regexec(&re, s, 0, NULL, 0) == 0;
    regfree(&re);
    return hit;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* --- escaping --------------------------------------------------------------------------------- */

static void test_text_escapes_the_five(void **state)
{
    struct buf *b = fresh(state);
    html_text(b, "<a href=\"x\">Tom & Jerry's</a>");
    assert_string_equal(buf_cstr(b), "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
    html_text(b, NULL);
    assert_int_equal(b->len, strlen(buf_cstr(b)));
    b = fresh(state);
    html_attr(b, "\" onmouseover='alert(1)'");
    assert_string_equal(buf_cstr(b), "&quot; onmouseover=&#39;alert(1)&#39;");
    b = fresh(state);
    html_text(b, "Médiathèque — été");
    assert_string_equal(buf_cstr(b), "Médiathèque — été");
}

static void test_escape_into_arena(void **state)
{
    struct fixture *f = *state;
    assert_string_equal(html_escape(&f->arena, "a<b"), "a&lt;b");
    assert_string_equal(html_escape(&f->arena, ""), "");
}

static void test_url_allows_safe_schemes_and_paths(void **state)
{
    static const char *const safe[] = {
        "https://lieux.example.fr/a?b=1", "http://x.fr", "HTTPS://X.FR", "mailto:a@b.fr",
        "tel:+33243000000", "/lieux/12", "/", "?page=2", "#contenu", "lieux/12", "a/b:c",
        "fiche.html?x=y:z", "/lieux?q=Saint Berthevin",
    };
    for (size_t i = 0; i < sizeof(safe) / sizeof(safe[0]); i++) {
        struct buf *b = fresh(state);
        html_url(b, safe[i]);
        assert_string_equal(buf_cstr(b), html_escape(&((struct fixture *)*state)->arena, safe[i]));
        assert_true(html_url_is_safe(safe[i]));
    }
}

static void test_url_refuses_everything_else(void **state)
{
    static const char *const unsafe[] = {
        "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)",
        "java\tscript:alert(1)", "java\nscript:alert(1)", "\x01javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>", "vbscript:msgbox", "//evil.example",
        "/\\evil.example", "\\\\evil.example", "\\/evil.example", "file:///etc/passwd",
        "https ://x",
    };
    for (size_t i = 0; i < sizeof(unsafe) / sizeof(unsafe[0]); i++) {
        struct buf *b = fresh(state);
        html_url(b, unsafe[i]);
        if (strcmp(buf_cstr(b), "#") != 0)
            fail_msg("html_url let through: %s -> %s", unsafe[i], buf_cstr(b));
        assert_false(html_url_is_safe(unsafe[i]));
    }
}

static void test_url_escapes_for_the_attribute(void **state)
{
    struct buf *b = fresh(state);
    html_url(b, "/lieux?q=a&commune=\"Laval\"");
    assert_string_equal(buf_cstr(b), "/lieux?q=a&amp;commune=&quot;Laval&quot;");
}

static void test_url_part_percent_encodes(void **state)
{
    struct buf *b = fresh(state);
    html_url_part(b, "a b/é?&#\"<~-._");
    assert_string_equal(buf_cstr(b), "a%20b%2F%C3%A9%3F%26%23%22%3C~-._");
}

static void test_integers(void **state)
{
    struct buf *b = fresh(state);
    html_int(b, -42);
    html_lit(b, " ");
    html_int(b, INT64_MIN);
    html_lit(b, " ");
    html_uint(b, UINT64_MAX);
    assert_string_equal(buf_cstr(b), "-42 -9223372036854775808 18446744073709551615");
}

static void test_generic_macros_pick_by_type(void **state)
{
    struct buf *b = fresh(state);
    const char *s = "<x>";
    int i = 7;
    size_t n = 8;
    HTML_TEXT(b, s);
    HTML_TEXT(b, i);
    HTML_ATTR(b, n);
    HTML_URL(b, "javascript:x");
    HTML_URL_PART(b, "a b");
    assert_string_equal(buf_cstr(b), "&lt;x&gt;78#a%20b");
}

static void test_safe_markup_is_inserted_as_is(void **state)
{
    struct fixture *f = *state;
    struct buf inner;
    buf_init(&inner, &f->arena, 100);
    html_lit(&inner, "<em>");
    html_text(&inner, "a&b");
    html_lit(&inner, "</em>");
    struct buf *b = fresh(state);
    HTML_SAFE(b, &inner);
    HTML_SAFE(b, html_safe_trusted("<br>"));
    HTML_SAFE(b, html_safe_trusted(NULL));
    assert_string_equal(buf_cstr(b), "<em>a&amp;b</em><br>");
}

static void test_escaping_follows_the_sticky_error(void **state)
{
    struct fixture *f = *state;
    struct buf small;
    buf_init(&small, &f->arena, 8);
    html_text(&small, "<<<"); /* 12 bytes */
    assert_int_equal(buf_finish(&small), ERR_TOO_BIG);
    html_text(&small, "a");
    assert_int_equal(buf_finish(&small), ERR_TOO_BIG);
}

/* --- components ------------------------------------------------------------------------------- */

static void test_input_ties_label_hint_and_error(void **state)
{
    struct buf *b = fresh(state);
    ui_input(b, &(struct ui_field){.name = "email", .label = "Adresse e-mail",
                                   .hint = "Pour recevoir les orientations.",
                                   .value = "a\"b@x.fr", .error = "Saisissez une adresse valide.",
                                   .type = UI_EMAIL, .autocomplete = "email", .required = true});
    const char *s = buf_cstr(b);
    assert_contains(s, "govuk-form-group govuk-form-group--error");
    assert_contains(s, "<label class=\"govuk-label\" for=\"email\">Adresse e-mail</label>");
    assert_contains(s, "id=\"email-hint\"");
    assert_contains(s, "id=\"email-error\"");
    assert_contains(s, "<span class=\"govuk-visually-hidden\">Erreur\u00a0:</span>");
    assert_contains(s, "aria-describedby=\"email-hint email-error\"");
    assert_contains(s, "id=\"email\" name=\"email\" type=\"email\"");
    assert_contains(s, "value=\"a&quot;b@x.fr\"");
    assert_contains(s, "autocomplete=\"email\"");
    assert_contains(s, "govuk-input--error");
    assert_contains(s, "aria-required=\"true\"");
    assert_lacks(s, "facultatif");
}

static void test_input_optional_number_and_password(void **state)
{
    struct buf *b = fresh(state);
    ui_input(b, &(struct ui_field){.name = "cp", .label = "Code postal", .type = UI_NUMBER,
                                   .width_class = "short"});
    const char *s = buf_cstr(b);
    assert_contains(s, "Code postal (facultatif)</label>");
    assert_contains(s, "type=\"text\"");
    assert_contains(s, "inputmode=\"numeric\"");
    assert_contains(s, "govuk-input--width-10");
    assert_lacks(s, "aria-describedby");
    b = fresh(state);
    ui_input(b, &(struct ui_field){.name = "password", .label = "Mot de passe",
                                   .value = "secret", .type = UI_PASSWORD, .required = true});
    assert_lacks(buf_cstr(b), "secret");
    b = fresh(state);
    ui_input(b, &(struct ui_field){.name = "q", .label = "Rechercher", .type = UI_SEARCH});
    assert_lacks(buf_cstr(b), "facultatif");
}

static void test_textarea_escapes_its_content(void **state)
{
    struct buf *b = fresh(state);
    ui_textarea(b, &(struct ui_field){.name = "note", .label = "Note",
                                      .value = "</textarea><script>x</script>", .required = true},
                3);
    const char *s = buf_cstr(b);
    assert_contains(s, "rows=\"3\"");
    assert_contains(s, "&lt;/textarea&gt;&lt;script&gt;");
    assert_int_equal(count(s, "</textarea>"), 1);
}

static void test_select_marks_the_selected_option(void **state)
{
    struct buf *b = fresh(state);
    struct ui_option opts[] = {{"53", "Mayenne", false}, {"16", "Charente", true}};
    ui_select(b, &(struct ui_field){.name = "departement", .label = "Département", .required = true},
              opts, 2);
    const char *s = buf_cstr(b);
    assert_contains(s, "<select class=\"govuk-select\" id=\"departement\" name=\"departement\"");
    assert_contains(s, "<option value=\"53\">Mayenne</option>");
    assert_contains(s, "<option value=\"16\" selected>Charente</option>");
}

static void test_choices_use_a_fieldset(void **state)
{
    struct buf *b = fresh(state);
    struct ui_option opts[] = {{"seniors", "Seniors", true}, {"jeunes", "Jeunes", false}};
    ui_choices(b, &(struct ui_field){.name = "publics", .label = "Publics", .hint = "Plusieurs choix",
                                     .error = "Choisissez un public.", .required = true},
               opts, 2, true);
    const char *s = buf_cstr(b);
    assert_contains(s, "<fieldset class=\"govuk-fieldset\" aria-describedby=\"publics-hint publics-error\">");
    assert_contains(s, ">Publics</legend>");
    assert_contains(s, "data-module=\"govuk-checkboxes\"");
    assert_contains(s, "id=\"publics\" name=\"publics\" type=\"checkbox\" value=\"seniors\" checked>");
    assert_contains(s, "id=\"publics-2\" name=\"publics\" type=\"checkbox\" value=\"jeunes\">");
    assert_contains(s, "for=\"publics-2\"");
    b = fresh(state);
    ui_choices(b, &(struct ui_field){.name = "rdv", .label = "Sur rendez-vous", .required = true},
               opts, 2, false);
    assert_contains(buf_cstr(b), "type=\"radio\"");
    assert_contains(buf_cstr(b), "govuk-radios__item");
}

static void test_error_summary_links_to_fields(void **state)
{
    struct ui_errors e = {0};
    struct buf *b = fresh(state);
    ui_error_summary(b, &e);
    assert_int_equal(b->len, 0);
    ui_errors_add(&e, "email", "Saisissez l'adresse <e-mail>.");
    ui_errors_add(&e, NULL, "Le fichier est illisible.");
    assert_string_equal(ui_errors_for(&e, "email"), "Saisissez l'adresse <e-mail>.");
    assert_null(ui_errors_for(&e, "nom"));
    ui_error_summary(b, &e);
    const char *s = buf_cstr(b);
    assert_contains(s, "data-module=\"govuk-error-summary\"");
    assert_contains(s, "<div role=\"alert\">");
    assert_contains(s, "Il y a un problème");
    assert_contains(s, "<a href=\"#email\">Saisissez l&#39;adresse &lt;e-mail&gt;.</a>");
    assert_contains(s, "<li>Le fichier est illisible.</li>");
}

static void test_errors_keep_the_first_ones(void **state)
{
    (void)state;
    struct ui_errors e = {0};
    for (int i = 0; i < 40; i++)
        ui_errors_add(&e, "x", "m");
    assert_int_equal(e.n, sizeof(e.items) / sizeof(e.items[0]));
}

static void test_forms_and_buttons(void **state)
{
    struct buf *b = fresh(state);
    ui_form_begin(b, "/lieux", "POST", "tok<en>", true);
    ui_button(b, "Enregistrer", UI_BUTTON_PRIMARY);
    ui_button(b, "Supprimer", UI_BUTTON_WARNING);
    ui_form_end(b);
    const char *s = buf_cstr(b);
    assert_contains(s, "<form action=\"/lieux\" method=\"post\" enctype=\"multipart/form-data\" novalidate>");
    assert_contains(s, "<input type=\"hidden\" name=\"_csrf\" value=\"tok&lt;en&gt;\">");
    assert_contains(s, "<button type=\"submit\" class=\"govuk-button\" data-module=\"govuk-button\">Enregistrer</button>");
    assert_contains(s, "govuk-button govuk-button--warning");
    assert_contains(s, "</form>");
    b = fresh(state);
    ui_form_begin(b, "/lieux", "get", "tok", false);
    assert_lacks(buf_cstr(b), "_csrf");
    assert_lacks(buf_cstr(b), "enctype");
    b = fresh(state);
    ui_button_link(b, "Voir", "javascript:alert(1)", UI_BUTTON_SECONDARY);
    assert_contains(buf_cstr(b), "<a href=\"#\" role=\"button\" draggable=\"false\" class=\"govuk-button govuk-button--secondary\"");
}

static void test_table_has_caption_and_scopes(void **state)
{
    struct buf *b = fresh(state);
    static const char *const head[] = {"Lieu", "Commune", "Accompagnements"};
    struct ui_table t = {"Lieux & horaires", head, 3, true};
    ui_table_begin(b, &t);
    ui_table_row_link(b, &t, "/lieux/1", (const char *const[]){"France Services", "Laval", "12"});
    ui_table_row(b, &t, (const char *const[]){"<b>", "Mayenne", "3"});
    ui_table_end(b);
    const char *s = buf_cstr(b);
    assert_contains(s, "<caption class=\"govuk-table__caption govuk-table__caption--m\">Lieux &amp; horaires</caption>");
    assert_int_equal(count(s, "scope=\"col\""), 3);
    assert_int_equal(count(s, "scope=\"row\""), 2);
    assert_contains(s, "govuk-table__header govuk-table__header--numeric\">Accompagnements");
    assert_contains(s, "<a class=\"govuk-link\" href=\"/lieux/1\">France Services</a>");
    assert_contains(s, "&lt;b&gt;");
    assert_contains(s, "govuk-table__cell govuk-table__cell--numeric\">3</td>");
    assert_contains(s, "role=\"region\" aria-label=\"Lieux &amp; horaires\" tabindex=\"0\"");
    assert_true(matches(s, "</table>\\s*</div>\\s*$"));
}

static void test_card_tag_notice(void **state)
{
    struct buf *b = fresh(state);
    ui_card(b, "Lieux", "/lieux", "<p>Trouver un lieu</p>");
    ui_card_at(b, 3, "Sans lien", NULL, NULL);
    ui_tag(b, "Ouvert", UI_TAG_GREEN);
    ui_tag(b, "Neutre", UI_TAG_NEUTRAL);
    const char *s = buf_cstr(b);
    assert_contains(s, "<h2 class=\"relais-card__heading\">");
    assert_contains(s, "<a class=\"govuk-link relais-card__link\" href=\"/lieux\">Lieux</a>");
    assert_contains(s, "<div class=\"relais-card__body\"><p>Trouver un lieu</p></div>");
    assert_contains(s, "<h3 class=\"relais-card__heading\">");
    assert_contains(s, "</h3>");
    assert_contains(s, "<strong class=\"govuk-tag govuk-tag--green\">Ouvert</strong>");
    assert_contains(s, "<strong class=\"govuk-tag govuk-tag--grey\">Neutre</strong>");

    b = fresh(state);
    ui_notice(b, UI_NOTICE_SUCCESS, "Lieu enregistré", NULL);
    ui_notice(b, UI_NOTICE_INFO, "Horaires d'été", "Du 1er au 31 août.");
    ui_notice(b, UI_NOTICE_WARNING, NULL, "Lieu fermé.");
    s = buf_cstr(b);
    assert_contains(s, "govuk-notification-banner--success\" role=\"alert\"");
    assert_contains(s, "role=\"region\"");
    assert_contains(s, "Horaires d&#39;été");
    assert_contains(s, "govuk-warning-text");
    /* Each banner's title id is unique and labels its banner. */
    assert_true(matches(s, "aria-labelledby=\"notice-([0-9]+)\".*id=\"notice-\\1\""));
    assert_false(matches(s, "id=\"(notice-[0-9]+)\".*id=\"\\1\""));
}

static void test_pagination(void **state)
{
    struct buf *b = fresh(state);
    ui_pagination(b, "/lieux", 1, 1);
    assert_int_equal(b->len, 0);
    ui_pagination(b, "/lieux?q=a%20b&c", 5, 12);
    const char *s = buf_cstr(b);
    assert_contains(s, "<nav class=\"govuk-pagination\" aria-label=\"Pagination\">");
    assert_contains(s, "href=\"/lieux?q=a%20b&amp;c&amp;page=4\" rel=\"prev\"");
    assert_contains(s, "Page précédente");
    assert_contains(s, "href=\"/lieux?q=a%20b&amp;c&amp;page=6\" rel=\"next\"");
    assert_contains(s, "Page suivante");
    assert_contains(s, "aria-label=\"Page 5\" aria-current=\"page\">5</a>");
    assert_contains(s, "aria-label=\"Page 1\">1</a>");
    assert_contains(s, "aria-label=\"Page 12\">12</a>");
    assert_lacks(s, "aria-label=\"Page 3\"");
    assert_int_equal(count(s, "govuk-pagination__item--ellipsis"), 2);
    b = fresh(state);
    ui_pagination(b, "/lieux", 1, 2);
    assert_lacks(buf_cstr(b), "rel=\"prev\"");
    assert_contains(buf_cstr(b), "href=\"/lieux?page=2\" rel=\"next\"");
}

static void test_headings_and_text(void **state)
{
    struct buf *b = fresh(state);
    ui_h1(b, "Lieux <53>");
    ui_h2(b, "Horaires");
    ui_p(b, "Texte & suite");
    ui_link(b, "Voir", "/lieux/1");
    ui_prose_begin(b);
    ui_prose_end(b);
    assert_string_equal(buf_cstr(b), "<h1 class=\"govuk-heading-l\">Lieux &lt;53&gt;</h1>\n"
                                     "<h2 class=\"govuk-heading-m\">Horaires</h2>\n"
                                     "<p class=\"govuk-body\">Texte &amp; suite</p>\n"
                                     "<a class=\"govuk-link\" href=\"/lieux/1\">Voir</a>\n"
                                     "<div class=\"relais-prose\">\n</div>\n");
}

/* --- layout ----------------------------------------------------------------------------------- */

static const struct ui_nav_item nav[] = {{"Accueil", "/", false}, {"Lieux", "/lieux", true}};

static void assert_csp_clean(const char *s)
{
    /* No inline script (every <script> has a src), no style attribute or element, no handler. */
    assert_false(matches(s, "<script(>| [^>]*>)[^<]"));
    assert_false(matches(s, "<[^>]* style="));
    assert_false(matches(s, "<style"));
    assert_false(matches(s, "<[^>]* on[a-z]+="));
    assert_lacks(s, "javascript:");
}

static void test_layout_anonymous(void **state)
{
    struct buf *b = fresh(state);
    struct ui_page p = {.title = "Lieux <Mayenne>", .nav = nav, .n_nav = 2};
    ui_layout(b, &p, "<p>Contenu</p>");
    const char *s = buf_cstr(b);
    assert_true(matches(s, "^<!DOCTYPE html>\n<html lang=\"fr\" class=\"govuk-template\">"));
    assert_contains(s, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1");
    assert_contains(s, "<title>Lieux &lt;Mayenne&gt; – Relais</title>");
    assert_contains(s, asset_css);
    assert_contains(s, asset_js);
    assert_contains(s, "<body class=\"govuk-template__body\">");
    assert_contains(s, "<a href=\"#contenu\" class=\"govuk-skip-link\" data-module=\"govuk-skip-link\">Aller au contenu principal</a>");
    assert_contains(s, "<main class=\"govuk-main-wrapper\" id=\"contenu\">");
    assert_lacks(s, "<h1");
    assert_contains(s, "<p>Contenu</p>");
    assert_contains(s, "<a href=\"/\" class=\"govuk-generic-header__homepage-link relais-header__name\">");
    assert_contains(s, "Relais</a>");
    assert_contains(s, "href=\"/lieux\" aria-current=\"page\"");
    assert_contains(s, "govuk-js-service-navigation-toggle");
    assert_int_equal(count(s, "aria-current"), 1);
    assert_contains(s, "<a href=\"/connexion\" class=\"relais-header__link\">Se connecter</a>");
    assert_lacks(s, "/deconnexion");
    assert_lacks(s, "démo");
    assert_lacks(s, "govuk-notification-banner");
    assert_contains(s, "href=\"/accessibilite\">Accessibilité\u00a0: partiellement conforme</a>");
    assert_contains(s, "href=\"/donnees-personnelles\">Données personnelles</a>");
    assert_contains(s, "href=\"/api/v1/openapi.json\">API</a>");
    assert_contains(s, "Relais — plateforme libre des réseaux de médiation numérique");
    assert_contains(s, "pas un site officiel de l'État");
    assert_lacks(s, "govuk-logo");
    assert_lacks(s, "crest");
    assert_true(matches(s, "</html>\n$"));
    assert_csp_clean(s);
}

static void test_layout_signed_in_demo_notice(void **state)
{
    struct buf *b = fresh(state);
    struct ui_viewer v = {"Camille <Martin>", "Coordinatrice (53)", "tok123"};
    struct ui_page p = {.title = "Accueil", .nav = nav, .n_nav = 2, .viewer = &v,
                        .notice = "Lieu enregistré.", .demo = true,
                        .has_errors = true, .wide = true};
    ui_layout(b, &p, "<h1>Maison</h1>");
    const char *s = buf_cstr(b);
    assert_contains(s, "<title>Erreur\u00a0: Accueil – Relais</title>");
    assert_contains(s, "Camille &lt;Martin&gt;");
    assert_contains(s, "Coordinatrice (53)");
    assert_contains(s, "<form method=\"post\" action=\"/deconnexion\"");
    assert_contains(s, "name=\"_csrf\" value=\"tok123\"");
    assert_contains(s, "Se déconnecter");
    assert_lacks(s, "/connexion\"");
    assert_contains(s, "Instance de démonstration\u00a0: les comptes, l'activité et les orientations sont inventés.");
    assert_contains(s, "govuk-notification-banner--success\" role=\"alert\"");
    assert_contains(s, "Lieu enregistré.");
    assert_int_equal(count(s, "<h1"), 1);
    assert_contains(s, "relais-width-container--wide");
    assert_csp_clean(s);
}

static void test_layout_has_no_navigation_when_empty(void **state)
{
    struct buf *b = fresh(state);
    struct ui_page p = {.title = "Connexion"};
    ui_layout(b, &p, NULL);
    assert_lacks(buf_cstr(b), "govuk-service-navigation");
    b = fresh(state);
    p.nav = nav;
    p.n_nav = 1;
    ui_layout(b, &p, NULL);
    assert_contains(buf_cstr(b), "govuk-service-navigation__list");
    assert_lacks(buf_cstr(b), "govuk-js-service-navigation-toggle");
    assert_contains(buf_cstr(b), "<html lang=\"fr\"");
}

/* The test checker itself: a page with an inline script must be caught. */
static void test_csp_check_catches_inline_script(void **state)
{
    (void)state;
    assert_true(matches("<script>alert(1)</script>", "<script(>| [^>]*>)[^<]"));
    assert_true(matches("<p style=\"x\">", "<[^>]* style="));
    assert_true(matches("<a onclick=\"x\">", "<[^>]* on[a-z]+="));
}

/* --- site pages ------------------------------------------------------------------------------- */

static void test_site_pages(void **state)
{
    struct buf *b = fresh(state);
    site_home(b);
    const char *s = buf_cstr(b);
    assert_contains(s, "href=\"/lieux\"");
    assert_contains(s, "href=\"/connexion\"");
    assert_contains(s, "relais-cards");
    assert_contains(s, "feuille de route");
    assert_csp_clean(s);

    b = fresh(state);
    site_error(b, 404, "La fiche <12> n'existe pas.");
    s = buf_cstr(b);
    assert_contains(s, "<h1>Page introuvable</h1>");
    assert_string_equal(site_error_title(404), "Page introuvable");
    assert_string_equal(site_error_title(418), "Une erreur est survenue");
    assert_contains(s, "La fiche &lt;12&gt; n&#39;existe pas.");
    assert_contains(s, "vérifiez qu&#39;elle est correcte");
    assert_contains(s, "404");
    b = fresh(state);
    site_error(b, 403, NULL);
    assert_contains(buf_cstr(b), "/connexion");
    b = fresh(state);
    site_error(b, 599, NULL);
    assert_contains(buf_cstr(b), "Le problème vient de Relais");

    b = fresh(state);
    site_accessibility(b);
    assert_contains(buf_cstr(b), "partiellement conforme");
    assert_contains(buf_cstr(b), "axe-core");
    b = fresh(state);
    site_privacy(b);
    assert_contains(buf_cstr(b), "pseudonyme");
    assert_contains(buf_cstr(b), "consent");
    assert_contains(buf_cstr(b), "effac");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_text_escapes_the_five, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escape_into_arena, setup, teardown),
        cmocka_unit_test_setup_teardown(test_url_allows_safe_schemes_and_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_url_refuses_everything_else, setup, teardown),
        cmocka_unit_test_setup_teardown(test_url_escapes_for_the_attribute, setup, teardown),
        cmocka_unit_test_setup_teardown(test_url_part_percent_encodes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_integers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_generic_macros_pick_by_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_safe_markup_is_inserted_as_is, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escaping_follows_the_sticky_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_ties_label_hint_and_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_input_optional_number_and_password, setup, teardown),
        cmocka_unit_test_setup_teardown(test_textarea_escapes_its_content, setup, teardown),
        cmocka_unit_test_setup_teardown(test_select_marks_the_selected_option, setup, teardown),
        cmocka_unit_test_setup_teardown(test_choices_use_a_fieldset, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_summary_links_to_fields, setup, teardown),
        cmocka_unit_test(test_errors_keep_the_first_ones),
        cmocka_unit_test_setup_teardown(test_forms_and_buttons, setup, teardown),
        cmocka_unit_test_setup_teardown(test_table_has_caption_and_scopes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_card_tag_notice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pagination, setup, teardown),
        cmocka_unit_test_setup_teardown(test_headings_and_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layout_anonymous, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layout_signed_in_demo_notice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layout_has_no_navigation_when_empty, setup, teardown),
        cmocka_unit_test(test_csp_check_catches_inline_script),
        cmocka_unit_test_setup_teardown(test_site_pages, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
