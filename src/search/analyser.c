/*
 * analyser: French folding, splitting, elision, stop words, Snowball stems and synonyms. See
 * analyser.h.
 */
#include "search/analyser.h"

#include <libstemmer.h>
#include <pthread.h>
#include <utf8proc.h>

#include "core/alloc.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "search/snapshot.h"

struct search_analyser {
    struct sb_stemmer *stemmer;
};

struct search_analyser *search_analyser_new(void)
{
    struct search_analyser *an = xcalloc(1, sizeof(*an));
    an->stemmer = sb_stemmer_new("french", NULL);
    /* Debian's libstemmer always has French; without it nothing of search can work. */
    ASSERT(an->stemmer);
    return an;
}

void search_analyser_free(struct search_analyser *an)
{
    if (!an)
        return;
    sb_stemmer_delete(an->stemmer);
    free(an);
}

/* Each thread's analyser: a thread-local pointer for speed, a key so that it is freed when the
 * thread exits. */
static pthread_key_t analyser_key;
static pthread_once_t analyser_once = PTHREAD_ONCE_INIT;
static _Thread_local struct search_analyser *thread_analyser;

static void analyser_thread_exit(void *p)
{
    search_analyser_free(p);
}

static void analyser_key_create(void)
{
    ASSERT(pthread_key_create(&analyser_key, analyser_thread_exit) == 0);
}

struct search_analyser *search_analyser_for_thread(void)
{
    if (!thread_analyser) {
        pthread_once(&analyser_once, analyser_key_create);
        thread_analyser = search_analyser_new();
        pthread_setspecific(analyser_key, thread_analyser);
    }
    return thread_analyser;
}

void search_analyser_thread_release(void)
{
    if (!thread_analyser)
        return;
    pthread_setspecific(analyser_key, NULL);
    search_analyser_free(thread_analyser);
    thread_analyser = NULL;
}

/* --- folding --- */

/* Appends the folded form of one code point to out (at most cap bytes in all); returns the new
 * length. Compatibility decomposition, case folding and marks stripped in one step; the
 * ligatures that Unicode does not decompose are expanded by hand. */
static size_t fold_cp(int32_t cp, char *out, size_t len, size_t cap)
{
    if (cp < 0x80) {
        if (len < cap)
            out[len++] = (char)(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
        return len;
    }
    int32_t dec[16];
    int boundclass = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(
        cp, dec, 16,
        UTF8PROC_COMPAT | UTF8PROC_CASEFOLD | UTF8PROC_DECOMPOSE | UTF8PROC_STRIPMARK |
            UTF8PROC_IGNORE,
        &boundclass);
    if (n < 0 || n > 16)
        return len;
    for (utf8proc_ssize_t i = 0; i < n; i++) {
        const char *lig = NULL;
        switch (dec[i]) {
        case 0x153: lig = "oe"; break; /* œ */
        case 0xE6: lig = "ae"; break;  /* æ */
        case 0xF8: lig = "o"; break;   /* ø */
        case 0x142: lig = "l"; break;  /* ł */
        case 0x111: lig = "d"; break;  /* đ */
        case 0x131: lig = "i"; break;  /* ı */
        default: break;
        }
        if (lig) {
            for (; *lig && len < cap; lig++)
                out[len++] = *lig;
            continue;
        }
        uint8_t enc[4];
        utf8proc_ssize_t k = utf8proc_encode_char(dec[i], enc);
        if (len + (size_t)k > cap)
            return len;
        memcpy(out + len, enc, (size_t)k);
        len += (size_t)k;
    }
    return len;
}

static bool is_word_cp(int32_t cp)
{
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return true;
    default:
        return false;
    }
}

static bool is_apostrophe(int32_t cp)
{
    return cp == '\'' || cp == 0x2019 || cp == 0x2BC;
}

static bool is_double_quote(int32_t cp)
{
    return cp == '"' || cp == 0xAB || cp == 0xBB || cp == 0x201C || cp == 0x201D || cp == 0x201E;
}

/* Elided words: dropped with their apostrophe ("l'école" is "école"). */
static bool is_elision(const char *w, size_t n)
{
    static const char *const elided[] = {"l", "d", "j", "m", "n", "s", "t", "c", "qu",
                                         "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu"};
    for (size_t i = 0; i < sizeof(elided) / sizeof(elided[0]); i++)
        if (strlen(elided[i]) == n && memcmp(elided[i], w, n) == 0)
            return true;
    return false;
}

/* French function words, folded (no accents), sorted for bsearch. Words that carry meaning in
 * this field ("pas" of "mot de passe" is not here: it is "passe") are left out. */
static const char *const stop_words[] = {
    "a",     "ai",     "aie",    "aient",  "ainsi",  "as",    "au",    "aucun",  "aussi",
    "autre", "aux",    "avaient", "avais", "avait",  "avec",  "avez",  "avions", "avoir",
    "avons", "ayant",  "c",      "ca",     "car",    "ce",    "ceci",  "cela",   "celle",
    "celles", "celui", "ces",    "cet",    "cette",  "ceux",  "chaque", "chez",  "comme",
    "d",     "dans",   "de",     "des",    "donc",   "dont",  "du",    "elle",   "elles",
    "en",    "encore", "es",     "est",    "et",     "etaient", "etais", "etait", "etant",
    "ete",   "etes",   "etiez",  "etions", "etre",   "eu",    "eux",   "il",     "ils",
    "j",     "je",     "l",      "la",     "le",     "les",   "leur",  "leurs",  "lui",
    "m",     "ma",     "mais",   "me",     "meme",   "memes", "mes",   "moi",    "mon",
    "n",     "ne",     "ni",     "nos",    "notre",  "nous",  "on",    "ont",    "or",
    "ou",    "par",    "pas",    "peu",    "plus",   "pour",  "qu",    "que",    "quel",
    "quelle", "quelles", "quels", "qui",   "s",      "sa",    "sans",  "se",     "sera",
    "serait", "ses",   "si",     "soi",    "soit",   "son",   "sont",  "sous",   "suis",
    "sur",   "t",      "ta",     "te",     "tes",    "toi",   "ton",   "tous",   "tout",
    "toute", "toutes", "tres",   "tu",     "un",     "une",   "unes",  "uns",    "vers",
    "vos",   "votre",  "vous",   "y",
};

static int cmp_stop(const void *key, const void *elem)
{
    return strcmp(key, *(const char *const *)elem);
}

bool search_is_stop_word(const char *folded, size_t len)
{
    char w[16];
    if (len == 0 || len >= sizeof(w))
        return false;
    memcpy(w, folded, len);
    w[len] = 0;
    return bsearch(w, stop_words, sizeof(stop_words) / sizeof(stop_words[0]), sizeof(char *),
                   cmp_stop) != NULL;
}

char *search_fold(struct str text, struct arena *a)
{
    size_t cap = text.len * 3 + 1, len = 0;
    char *out = arena_alloc(a, cap + 1);
    size_t i = 0;
    while (i < text.len) {
        int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const uint8_t *)text.p + i, (utf8proc_ssize_t)(text.len - i), &cp);
        if (k <= 0) {
            k = 1;
            cp = ' ';
        } else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
            cp = ' ';
        }
        len = fold_cp(cp, out, len, cap);
        i += (size_t)k;
    }
    out[len] = 0;
    return out;
}

/* The word being read: folded bytes and where it started in the source. */
struct word_state {
    char buf[LIMIT_SEARCH_WORD_BYTES];
    size_t len;
    uint32_t letters;
    size_t start, end;
    bool active;
};

static uint32_t count_letters(const char *p, size_t n)
{
    uint32_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((uint8_t)p[i] & 0xC0) != 0x80;
    return c;
}

struct word_list {
    struct arena *a;
    struct search_word *items;
    size_t n, cap, max;
};

static void emit(struct word_list *wl, struct word_state *ws, bool *quote)
{
    if (!ws->active)
        return;
    ws->active = false;
    if (ws->len == 0 || wl->n >= wl->max)
        return;
    /* fold_cp never writes part of a code point, so a word cut at the byte limit stays valid. */
    size_t len = ws->len;
    wl->items = arena_push(wl->a, wl->items, wl->n, &wl->cap, sizeof(*wl->items));
    struct search_word *w = &wl->items[wl->n++];
    w->folded = arena_strndup(wl->a, ws->buf, len);
    w->folded_len = len;
    w->start = ws->start;
    w->end = ws->end;
    w->letters = count_letters(ws->buf, len);
    bool digit_only = len == 1 && ws->buf[0] >= '0' && ws->buf[0] <= '9';
    w->stop = (w->letters <= 1 && !digit_only) || search_is_stop_word(ws->buf, len);
    w->quote_before = *quote;
    *quote = false;
}

void search_analyse(struct str text, size_t max_bytes, size_t max_words, struct arena *a,
                    struct search_word **out, size_t *n)
{
    struct word_list wl = {.a = a, .max = max_words};
    struct word_state ws = {.active = false};
    bool quote = false;
    size_t end = text.len < max_bytes ? text.len : max_bytes;
    size_t i = 0;
    while (i < end) {
        int32_t cp;
        utf8proc_ssize_t k =
            utf8proc_iterate((const uint8_t *)text.p + i, (utf8proc_ssize_t)(end - i), &cp);
        if (k <= 0) {
            /* Invalid UTF-8 (or a sequence cut by max_bytes) separates words. */
            emit(&wl, &ws, &quote);
            i++;
            continue;
        }
        size_t next = i + (size_t)k;
        if (is_word_cp(cp)) {
            if (!ws.active) {
                ws.active = true;
                ws.len = 0;
                ws.start = i;
            }
            ws.len = fold_cp(cp, ws.buf, ws.len, sizeof(ws.buf));
            ws.end = next;
        } else if (is_apostrophe(cp) && ws.active && next < end) {
            /* An elided article or pronoun: forget it and go on with the word after. */
            int32_t after;
            utf8proc_ssize_t k2 = utf8proc_iterate((const uint8_t *)text.p + next,
                                                   (utf8proc_ssize_t)(end - next), &after);
            if (k2 > 0 && is_word_cp(after) && is_elision(ws.buf, ws.len)) {
                ws.active = false;
            } else if (k2 > 0 && is_word_cp(after) && ws.len == 7 &&
                       memcmp(ws.buf, "aujourd", 7) == 0) {
                /* "aujourd'hui" is one word. */
            } else {
                emit(&wl, &ws, &quote);
            }
        } else {
            emit(&wl, &ws, &quote);
            if (is_double_quote(cp))
                quote = !quote;
        }
        i = next;
    }
    emit(&wl, &ws, &quote);
    *out = wl.items;
    *n = wl.n;
}

const char *search_stem(struct search_analyser *an, const char *folded, size_t len,
                        struct arena *a)
{
    const sb_symbol *s = sb_stemmer_stem(an->stemmer, (const sb_symbol *)folded, (int)len);
    if (!s)
        return arena_strndup(a, folded, len);
    return arena_strndup(a, (const char *)s, (size_t)sb_stemmer_length(an->stemmer));
}

/* --- synonyms --- */

struct synonym_expr {
    const char **stems;
    const char **words; /* folded, for highlighting */
    size_t n;
    size_t group;
};

struct search_synonyms {
    struct arena arena;
    struct synonym_expr *exprs; /* sorted by first stem, then longer first */
    size_t n;
    size_t *group_first; /* per group, its expressions in group order (indices into by_group) */
    size_t *group_n;
    size_t n_groups;
    struct synonym_expr **by_group; /* expressions grouped, in the order of the text */
};

static int cmp_expr(const void *x, const void *y)
{
    const struct synonym_expr *a = x, *b = y;
    int c = strcmp(a->stems[0], b->stems[0]);
    if (c)
        return c;
    return a->n < b->n ? 1 : a->n > b->n ? -1 : 0;
}

int search_synonyms_parse(struct search_analyser *an, struct str text, struct search_synonyms **out,
                          size_t *bad_line)
{
    struct search_synonyms *syn = xcalloc(1, sizeof(*syn));
    arena_init(&syn->arena);
    struct arena *a = &syn->arena;
    struct synonym_expr *exprs = NULL;
    size_t n = 0, cap = 0;
    size_t *gn = NULL, gcap = 0, ng = 0;
    size_t line = 0, pos = 0;
    int rc = 0;
    while (pos < text.len && rc == 0) {
        line++;
        size_t eol = pos;
        while (eol < text.len && text.p[eol] != '\n')
            eol++;
        size_t stop = pos;
        while (stop < eol && text.p[stop] != '#')
            stop++;
        struct str l = str_trim((struct str){text.p + pos, stop - pos});
        pos = eol + 1;
        if (l.len == 0)
            continue;
        if (ng >= LIMIT_SEARCH_SYNONYM_GROUPS) {
            rc = ERR_TOO_BIG;
            break;
        }
        size_t in_group = 0, start = 0;
        for (size_t i = 0; i <= l.len && rc == 0; i++) {
            if (i < l.len && l.p[i] != '=')
                continue;
            struct search_word *w;
            size_t nw;
            search_analyse((struct str){l.p + start, i - start}, LIMIT_SEARCH_QUERY_BYTES,
                           LIMIT_SEARCH_SYNONYM_WORDS * 4, a, &w, &nw);
            start = i + 1;
            struct synonym_expr e = {.group = ng};
            e.stems = arena_alloc(a, sizeof(char *) * (nw + 1));
            e.words = arena_alloc(a, sizeof(char *) * (nw + 1));
            for (size_t j = 0; j < nw; j++) {
                if (w[j].stop)
                    continue;
                if (e.n >= LIMIT_SEARCH_SYNONYM_WORDS) {
                    rc = ERR_INVALID;
                    break;
                }
                e.words[e.n] = w[j].folded;
                e.stems[e.n++] = search_stem(an, w[j].folded, w[j].folded_len, a);
            }
            if (e.n == 0)
                rc = ERR_INVALID;
            if (rc)
                break;
            exprs = arena_push(a, exprs, n, &cap, sizeof(*exprs));
            exprs[n++] = e;
            in_group++;
        }
        if (rc == 0 && in_group < 2)
            rc = ERR_INVALID;
        if (rc == 0) {
            gn = arena_push(a, gn, ng, &gcap, sizeof(*gn));
            gn[ng++] = in_group;
        }
    }
    if (rc) {
        if (bad_line)
            *bad_line = line;
        search_synonyms_free(syn);
        *out = NULL;
        return rc;
    }
    syn->n_groups = ng;
    syn->group_n = gn;
    syn->group_first = arena_alloc(a, sizeof(size_t) * (ng + 1));
    syn->by_group = arena_alloc(a, sizeof(*syn->by_group) * (n + 1));
    syn->exprs = arena_alloc(a, sizeof(*exprs) * (n + 1));
    if (n)
        memcpy(syn->exprs, exprs, sizeof(*exprs) * n);
    syn->n = n;
    qsort(syn->exprs, n, sizeof(*exprs), cmp_expr);
    size_t acc = 0;
    for (size_t g = 0; g < ng; g++) {
        syn->group_first[g] = acc;
        acc += gn[g];
    }
    /* Expressions of a group, in the order written (the parse order is group order). */
    size_t *fill = arena_calloc(a, ng + 1, sizeof(size_t));
    for (size_t i = 0; i < n; i++) {
        size_t g = syn->exprs[i].group;
        syn->by_group[syn->group_first[g] + fill[g]++] = &syn->exprs[i];
    }
    *out = syn;
    return 0;
}

void search_synonyms_free(struct search_synonyms *syn)
{
    if (!syn)
        return;
    arena_release(&syn->arena);
    free(syn);
}

size_t search_synonyms_match(const struct search_synonyms *syn, const char *const *stems, size_t n,
                             size_t *group)
{
    if (!syn || n == 0 || syn->n == 0)
        return 0;
    /* First expression whose first stem is stems[0]. */
    size_t lo = 0, hi = syn->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(syn->exprs[mid].stems[0], stems[0]) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* Longer expressions come first among equal first stems. */
    for (size_t i = lo; i < syn->n && strcmp(syn->exprs[i].stems[0], stems[0]) == 0; i++) {
        const struct synonym_expr *e = &syn->exprs[i];
        if (e->n > n)
            continue;
        size_t j = 1;
        while (j < e->n && strcmp(e->stems[j], stems[j]) == 0)
            j++;
        if (j == e->n) {
            *group = e->group;
            return e->n;
        }
    }
    return 0;
}

bool search_synonyms_group(const struct search_synonyms *syn, size_t g, size_t i,
                           const char *const **stems, size_t *n)
{
    if (!syn || g >= syn->n_groups || i >= syn->group_n[g])
        return false;
    const struct synonym_expr *e = syn->by_group[syn->group_first[g] + i];
    *stems = e->stems;
    *n = e->n;
    return true;
}

bool search_synonyms_words(const struct search_synonyms *syn, size_t g, size_t i,
                           const char *const **words, size_t *n)
{
    if (!syn || g >= syn->n_groups || i >= syn->group_n[g])
        return false;
    const struct synonym_expr *e = syn->by_group[syn->group_first[g] + i];
    *words = e->words;
    *n = e->n;
    return true;
}

const char *search_synonyms_default_text(void)
{
    return "# Synonymes de la recherche : une ligne par groupe, des expressions équivalentes\n"
           "# séparées par « = ». Pluriels, accents et élisions ne comptent pas.\n"
           "mail = courriel = e-mail = mél = messagerie électronique\n"
           "arnaque = escroquerie = fraude\n"
           "hameçonnage = phishing\n"
           "smartphone = téléphone portable = téléphone mobile\n"
           "démarches = procédures\n"
           "ordinateur = pc\n"
           "identifiant = login\n"
           "mot de passe = password\n"
           "france connect = franceconnect\n"
           "wifi = wi-fi\n"
           "clé usb = clef usb\n"
           "pièce jointe = fichier joint\n"
           "cv = curriculum vitae\n"
           "visio = visioconférence\n"
           "appli = application mobile\n"
           "logiciel malveillant = malware\n"
           "pôle emploi = france travail\n"
           "ameli = assurance maladie\n"
           "caf = caisse d'allocations familiales\n"
           "rgpd = règlement général sur la protection des données\n";
}
