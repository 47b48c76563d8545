/*
 * analyser: French text analysis for the search index (search.h), the same for documents and
 * queries.
 *
 * A text becomes words: Unicode compatibility forms, case and accents are folded with utf8proc
 * (NFKC + case folding + marks stripped; "œ" and "æ" become "oe" and "ae"), invalid UTF-8 and
 * control characters are spaces, letters and digits make words and everything else separates them,
 * except that an elided article or pronoun is dropped with its apostrophe (' or ’: l', d', qu', j',
 * m', n', s', t', c', jusqu', lorsqu', puisqu'). One-letter words and French stop words are
 * marked; the index skips them. Stems come from libstemmer's Snowball French stemmer.
 *
 * A synonym list holds groups of equivalent expressions, one group per line, '=' between them,
 * '#' starting a comment: "smartphone = téléphone portable". Each expression is analysed like a
 * query (so plurals, accents and elisions do not matter) into a sequence of stems.
 *
 * Ownership: a struct search_analyser holds one Snowball stemmer and belongs to one thread
 * (search_analyser_for_thread() gives the calling thread's own). Words and stems handed out live
 * in the caller's arena. A struct search_synonyms is immutable once parsed and may be shared by
 * threads; its owner frees it.
 */
#ifndef RELAIS_SEARCH_ANALYSER_H
#define RELAIS_SEARCH_ANALYSER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/str.h"

struct arena;

struct search_word {
    const char *folded; /* NUL-terminated, in the arena */
    size_t folded_len;
    size_t start, end;  /* bytes of the source text, the elided article left out */
    uint32_t letters;   /* code points of the folded word (the typo thresholds count these) */
    bool stop;          /* a stop word or a single letter: not indexed */
    bool quote_before;  /* an odd number of double quotes (" « » “ ” „) stands between this word
                           and the previous one: a phrase opens or closes here */
};

struct search_analyser;

/* The calling thread's analyser (borrowed; freed at thread exit or by search_thread_release). */
struct search_analyser *search_analyser_for_thread(void);
struct search_analyser *search_analyser_new(void); /* caller frees */
void search_analyser_free(struct search_analyser *an);

/* Splits and folds text, reading at most max_bytes of it (the rest is ignored, never an error) and
 * keeping at most max_words words. The words are in the arena. */
void search_analyse(struct str text, size_t max_bytes, size_t max_words, struct arena *a,
                    struct search_word **out, size_t *n);

/* Folds one piece of text (no splitting): "Œuvre Numérique" → "oeuvre numerique". In the arena. */
char *search_fold(struct str text, struct arena *a);

/* The Snowball French stem of a folded word, NUL-terminated, in the arena. */
const char *search_stem(struct search_analyser *an, const char *folded, size_t len,
                        struct arena *a);

/* True when a folded word is a French stop word. */
bool search_is_stop_word(const char *folded, size_t len);

/* --- synonyms --- */

struct search_synonyms;

/* Parses a synonym list; ERR_INVALID with the 1-based line in *bad_line for a line with fewer than
 * two expressions, an empty expression or more than LIMIT_SEARCH_SYNONYM_WORDS words in one, and
 * ERR_TOO_BIG past LIMIT_SEARCH_SYNONYM_GROUPS groups. Caller frees. */
int search_synonyms_parse(struct search_analyser *an, struct str text, struct search_synonyms **out,
                          size_t *bad_line);
void search_synonyms_free(struct search_synonyms *syn);
/* The list shipped with Relais (mail = courriel = e-mail, arnaque = escroquerie = fraude, ...). */
const char *search_synonyms_default_text(void);

/* The longest expression of the list that starts at stems[0] (of n); 0 when none. Its group's
 * expressions are given in *group (an index for search_synonyms_group). */
size_t search_synonyms_match(const struct search_synonyms *syn, const char *const *stems, size_t n,
                             size_t *group);
/* Expression `i` of group g as a sequence of stems (borrowed from syn); false past the last. */
bool search_synonyms_group(const struct search_synonyms *syn, size_t g, size_t i,
                           const char *const **stems, size_t *n);
/* The same expression as the folded words written in the list. */
bool search_synonyms_words(const struct search_synonyms *syn, size_t g, size_t i,
                           const char *const **words, size_t *n);

#endif
