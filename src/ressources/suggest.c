/* Indexation suggested from the text (see suggest.h). */
#include "ressources/suggest.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/str.h"
#include "ressources/markdown.h"
#include "ressources/store.h"
#include "search/analyser.h"

#include <string.h>

/* A label word shared by more labels than this says nothing about one value. */
#define SUGGEST_MAX_LABEL_SHARE 2

struct stems {
    const char **items;
    size_t n, cap;
};

static bool has(const struct stems *s, const char *stem)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->items[i], stem) == 0)
            return true;
    return false;
}

static void stems_of(struct arena *a, const char *text, struct stems *out, size_t max_words)
{
    struct search_analyser *an = search_analyser_for_thread();
    struct search_word *w;
    size_t n;
    search_analyse(str_from(text), 1 << 20, max_words, a, &w, &n);
    for (size_t i = 0; i < n; i++) {
        if (w[i].stop)
            continue;
        const char *st = search_stem(an, w[i].folded, w[i].folded_len, a);
        if (has(out, st))
            continue;
        out->items = arena_push(a, out->items, out->n, &out->cap, sizeof(*out->items));
        out->items[out->n++] = st;
    }
}

/* In how many labels of all the vocabularies the stem appears. */
static size_t label_share(struct arena *a, const char *stem)
{
    size_t count = 0;
    for (int k = 0; k < VOCAB_N; k++) {
        const struct vocab *v = ressources_vocab_get((enum vocab_kind)k);
        for (size_t i = 0; i < v->n; i++) {
            struct stems s = {0};
            stems_of(a, v->values[i].label, &s, 32);
            count += has(&s, stem);
        }
    }
    return count;
}

void ressources_suggest(struct arena *a, const struct ressource *r, struct suggestion *out)
{
    memset(out, 0, sizeof(*out));
    struct buf text;
    buf_init(&text, a, 1 << 20);
    buf_adds(&text, r->titre);
    buf_addch(&text, '\n');
    buf_adds(&text, r->description);
    buf_addch(&text, '\n');
    for (size_t i = 0; i < r->n_index[RESSOURCE_TAGS]; i++) {
        buf_adds(&text, r->index[RESSOURCE_TAGS][i]);
        buf_addch(&text, ' ');
    }
    for (size_t i = 0; i < r->n_blocks; i++) {
        if (r->blocks[i].kind == BLOCK_TEXTE)
            ressources_markdown_text(&text, r->blocks[i].texte);
        else
            buf_adds(&text, r->blocks[i].texte);
        buf_addch(&text, ' ');
        buf_adds(&text, r->blocks[i].caption);
        buf_addch(&text, '\n');
    }
    struct stems doc = {0};
    stems_of(a, buf_cstr(&text), &doc, 20000);
    for (int k = 0; k < VOCAB_N; k++) {
        const struct vocab *v = ressources_vocab_get((enum vocab_kind)k);
        size_t cap = 0;
        for (size_t i = 0; i < v->n; i++) {
            const struct vocab_value *vv = &v->values[i];
            struct stems kw = {0}, label = {0};
            stems_of(a, vv->keywords, &kw, 64);
            stems_of(a, vv->label, &label, 32);
            bool hit = false;
            for (size_t j = 0; j < kw.n && !hit; j++)
                hit = has(&doc, kw.items[j]);
            /* A one-word label ("Adultes") suggests its value only when no other label has
             * the word. */
            size_t specific = 0, unique = 0;
            for (size_t j = 0; j < label.n && !hit; j++) {
                if (!has(&doc, label.items[j]))
                    continue;
                size_t share = label_share(a, label.items[j]);
                specific += share <= SUGGEST_MAX_LABEL_SHARE;
                unique += share == 1;
            }
            if (hit || specific >= 2 || (unique == 1 && label.n == 1)) {
                out->values[k] =
                    arena_push(a, out->values[k], out->n[k], &cap, sizeof(*out->values[k]));
                out->values[k][out->n[k]++] = vv->value;
            }
        }
    }
}
