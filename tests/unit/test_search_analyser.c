/* Unit tests of search/analyser: folding, elision, stop words, stems, synonyms, bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"
#include "search/analyser.h"
#include "search/search.h"

/* The indexed words of text, folded, space-separated (stop words left out). */
static const char *indexed(struct arena *a, const char *text)
{
    struct search_word *w;
    size_t n;
    search_analyse(str_from(text), LIMIT_SEARCH_FIELD_BYTES, 1000, a, &w, &n);
    char *out = arena_alloc(a, strlen(text) * 3 + 2);
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        if (w[i].stop)
            continue;
        if (len)
            out[len++] = ' ';
        memcpy(out + len, w[i].folded, w[i].folded_len);
        len += w[i].folded_len;
    }
    out[len] = 0;
    return out;
}

/* Stems of the indexed words, space-separated. */
static const char *stems(struct arena *a, const char *text)
{
    struct search_word *w;
    size_t n;
    search_analyse(str_from(text), LIMIT_SEARCH_FIELD_BYTES, 1000, a, &w, &n);
    char *out = arena_alloc(a, strlen(text) * 3 + 2);
    size_t len = 0;
    struct search_analyser *an = search_analyser_for_thread();
    for (size_t i = 0; i < n; i++) {
        if (w[i].stop)
            continue;
        const char *s = search_stem(an, w[i].folded, w[i].folded_len, a);
        if (len)
            out[len++] = ' ';
        memcpy(out + len, s, strlen(s));
        len += strlen(s);
    }
    out[len] = 0;
    return out;
}

static void test_folding(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    assert_string_equal(indexed(&a, "ÉCOLE Numérique"), "ecole numerique");
    assert_string_equal(indexed(&a, "Œuvre cœur ÆSOPE"), "oeuvre coeur aesope");
    assert_string_equal(indexed(&a, "ﬁchier ＭＡＩＬ"), "fichier mail"); /* NFKC ligature, fullwidth */
    assert_string_equal(search_fold(str_from("Ça Déçoit"), &a), "ca decoit");
    assert_string_equal(indexed(&a, "Straße"), "strasse");
    arena_release(&a);
}

static void test_elision(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    assert_string_equal(indexed(&a, "l'école d'informatique"), "ecole informatique");
    assert_string_equal(indexed(&a, "L’ordinateur qu’il utilise"), "ordinateur utilise");
    assert_string_equal(indexed(&a, "jusqu'aux démarches, lorsqu'elle puisqu'on"), "demarches");
    assert_string_equal(indexed(&a, "j'imprime m'inscrire n'oublie s'identifier t'aider c'était"),
                        "imprime inscrire oublie identifier aider");
    assert_string_equal(indexed(&a, "aujourd'hui"), "aujourdhui");
    /* An apostrophe that is no elision separates words. */
    assert_string_equal(indexed(&a, "rock'n'roll"), "rock roll");
    /* The byte offsets leave the article out. */
    struct search_word *w;
    size_t n;
    search_analyse(str_from("l'école"), 100, 10, &a, &w, &n);
    assert_int_equal(n, 1);
    assert_int_equal(w[0].start, 2);
    assert_int_equal(w[0].end, strlen("l'école"));
    arena_release(&a);
}

static void test_stop_words_and_stems(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    assert_string_equal(indexed(&a, "le la les de des et un une pour avec"), "");
    assert_true(search_is_stop_word("les", 3));
    assert_false(search_is_stop_word("passe", 5));
    /* Plurals and feminines meet on one stem; the same stems as PostgreSQL's french config. */
    assert_string_equal(stems(&a, "Médiatrices numériques : l'ÉCOLE accueille les élèves"),
                        "mediatric numer ecol accueil elev");
    assert_string_equal(stems(&a, "arnaque arnaques"), "arnaqu arnaqu");
    assert_string_equal(stems(&a, "ordinateurs ordinateur"), "ordin ordin");
    assert_string_equal(stems(&a, "démarches démarche"), "demarch demarch");
    arena_release(&a);
}

static void test_bad_input(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    /* Control characters and invalid UTF-8 separate words; nothing fails. */
    assert_string_equal(indexed(&a, "mot\x01\x1b[31mpasse\x7f\xff\xfe"
                                    "courriel\xc3"),
                        "mot 31mpasse courriel");
    /* A huge input is read up to the limit, in time proportional to it. */
    size_t big = 10 * 1000 * 1000;
    char *huge = malloc(big + 1);
    for (size_t i = 0; i < big; i++)
        huge[i] = "abcdefghij "[i % 11];
    huge[big] = 0;
    struct search_word *w;
    size_t n;
    search_analyse((struct str){huge, big}, LIMIT_SEARCH_QUERY_BYTES, LIMIT_SEARCH_QUERY_WORDS, &a,
                   &w, &n);
    assert_int_equal(n, LIMIT_SEARCH_QUERY_WORDS);
    /* One endless word is cut at the word limit, on a code point boundary. */
    char *one = malloc(3001);
    for (size_t i = 0; i < 3000; i += 2)
        memcpy(one + i, "é", 2);
    one[3000] = 0;
    search_analyse(str_from(one), 3000, 10, &a, &w, &n);
    assert_int_equal(n, 1);
    assert_true(w[0].folded_len <= LIMIT_SEARCH_WORD_BYTES);
    assert_true(utf8_valid(w[0].folded, w[0].folded_len));
    free(one);
    free(huge);
    /* Quotes mark phrases: one flag per opening or closing. */
    search_analyse(str_from("« mot de passe » oublié \"x"), 100, 10, &a, &w, &n);
    assert_int_equal(n, 5);
    assert_true(w[0].quote_before);  /* mot */
    assert_false(w[2].quote_before); /* passe */
    assert_true(w[3].quote_before);  /* oublié */
    assert_true(w[4].quote_before);  /* x */
    arena_release(&a);
}

static void test_synonyms(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct search_analyser *an = search_analyser_for_thread();
    struct search_synonyms *syn;
    size_t bad = 0;
    assert_int_equal(
        search_synonyms_parse(an, str_from(search_synonyms_default_text()), &syn, &bad), 0);
    /* "Téléphones portables" (plural, capitals) finds the smartphone group. */
    const char *q[] = {search_stem(an, "telephones", 10, &a), search_stem(an, "portables", 9, &a),
                       "x"};
    size_t g, g2;
    assert_int_equal(search_synonyms_match(syn, q, 3, &g), 2);
    const char *sm[] = {search_stem(an, "smartphone", 10, &a)};
    assert_int_equal(search_synonyms_match(syn, sm, 1, &g2), 1);
    assert_int_equal(g, g2);
    /* "e-mail" is "mail"; arnaque = escroquerie = fraude. */
    const char *m[] = {search_stem(an, "courriels", 9, &a)};
    assert_int_equal(search_synonyms_match(syn, m, 1, &g), 1);
    const char *const *st;
    size_t n;
    bool has_mail = false;
    for (size_t i = 0; search_synonyms_group(syn, g, i, &st, &n); i++)
        has_mail |= n == 1 && strcmp(st[0], "mail") == 0;
    assert_true(has_mail);
    const char *none[] = {"xyz"};
    assert_int_equal(search_synonyms_match(syn, none, 1, &g), 0);
    search_synonyms_free(syn);

    /* Bad lists name their line. */
    assert_int_equal(search_synonyms_parse(an, str_from("# ok\nmail = courriel\nseul\n"), &syn,
                                           &bad),
                     ERR_INVALID);
    assert_int_equal(bad, 3);
    assert_int_equal(search_synonyms_parse(an, str_from("a = le = x\n"), &syn, &bad), ERR_INVALID);
    assert_int_equal(bad, 1);
    assert_int_equal(search_synonyms_parse(an, str_from("\n\n# rien\n"), &syn, &bad), 0);
    search_synonyms_free(syn);
    arena_release(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_folding),
        cmocka_unit_test(test_elision),
        cmocka_unit_test(test_stop_words_and_stems),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_synonyms),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    search_thread_release();
    return rc;
}
