/*
 * ressources/suggest: the indexation suggested from a resource's text. The title, description and
 * blocks go through the search analyser (folding, elision, stop words, French stems); a value of a
 * vocabulary is suggested when the text holds one of its keywords (vocab.h), or two words of its
 * label that few other labels share ("numérique" alone suggests nothing).
 */
#ifndef RELAIS_RESSOURCES_SUGGEST_H
#define RELAIS_RESSOURCES_SUGGEST_H

#include <stddef.h>

#include "ressources/vocab.h"

struct arena;
struct ressource;

struct suggestion {
    const char **values[VOCAB_N]; /* identifiers, in vocabulary order */
    size_t n[VOCAB_N];
};

/* Suggestions for r's text (arena). */
void ressources_suggest(struct arena *a, const struct ressource *r, struct suggestion *out);

#endif
