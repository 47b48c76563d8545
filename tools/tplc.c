/*
 * tplc: the Relais template compiler. It turns one page template (src/X/Y.tpl) into C
 * (Y.tpl.c and Y.tpl.h) at build time, so that no template is parsed at run time and every
 * expression of a template is type-checked by the C compiler.
 *
 *     tplc src/X/Y.tpl build/gen/X/Y.tpl.c build/gen/X/Y.tpl.h
 *
 * Syntax (src/html/TEMPLATES.md has examples):
 *
 *   %include "lieux/lieu.h"     before the first function: an #include for the types the template
 *                               needs; it goes into the generated header.
 *   % C code                    before the first function: file-scope C (static tables, helpers).
 *   %% void f(struct buf *b, const struct foo *v)
 *                               starts a function; one file may hold several. The buffer that the
 *                               function writes to is its "struct buf *" parameter. A "static"
 *                               function stays in the .c; the others are declared in the header.
 *   % for (size_t i = 0; i < v->n; i++) {
 *   % }                         a line whose first non-blank character is % is a C statement.
 *   {{ expr }}                  a C expression, escaped by the HTML context in which it stands:
 *                                 element text               -> html_text
 *                                 quoted attribute value     -> html_attr
 *                                 href, src, action, formaction, poster, cite value, at its start
 *                                                            -> html_url (unsafe schemes become #)
 *                                 the same attributes, after the start (/lieux/{{ id }})
 *                                                            -> html_url_part (percent-encoded)
 *                               The expression may be a string (char *, const char *) or an integer;
 *                               anything else does not compile (html.h, HTML_TEXT and friends).
 *                               In a tag name, between attributes, in an unquoted attribute value,
 *                               in an event-handler or style attribute, in <script> or <style>, or in
 *                               a comment, an expression is a tplc error with file:line.
 *   {{{ expr }}}                markup already built, in element text only: expr must be a
 *                               struct html_safe or a struct buf * (never a plain char *).
 *   {% statement %}             C code inside a line, where a whole % line would add a newline:
 *                               <option{% if (o->selected) { %} selected{% } %}>
 *                               or a call to a helper that writes through html.h itself.
 *
 * Everything else is literal HTML, copied as is (newlines included; a % line disappears whole).
 * The generated code carries #line directives, so C compiler errors point into the template.
 *
 * tplc follows the HTML tokenizer only as far as it needs to know the context: it reads tags,
 * attributes, quotes, comments and the raw text of <script> and <style>. The context runs straight
 * through % lines, so the branches of an if must leave it as they found it (each branch closing
 * the tags and quotes it opens).
 *
 * This is a build tool: it uses only the C library and no project header, and it still avoids the
 * functions that src/core/banned.h forbids.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TEMPLATE_BYTES (4 * 1024 * 1024)
#define MAX_FUNCTIONS 64
#define NAME_MAX_CHARS 32

/* A growable output string; allocation failure ends the tool. */
struct out {
    char *p;
    size_t len, cap;
};

static void die_oom(void)
{
    fputs("tplc: out of memory\n", stderr);
    exit(2);
}

static void out_add(struct out *o, const char *p, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 1024;
        while (cap < o->len + n + 1)
            cap *= 2;
        char *np = realloc(o->p, cap);
        if (!np)
            die_oom();
        o->p = np;
        o->cap = cap;
    }
    memcpy(o->p + o->len, p, n);
    o->len += n;
    o->p[o->len] = '\0';
}

static void out_adds(struct out *o, const char *s) { out_add(o, s, strlen(s)); }

static void out_addf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_addf(struct out *o, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        die_oom();
    char *tmp = malloc((size_t)n + 1);
    if (!tmp)
        die_oom();
    vsnprintf(tmp, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    out_add(o, tmp, (size_t)n);
    free(tmp);
}

/* Where the HTML tokenizer stands, as far as escaping is concerned. */
enum ctx {
    CTX_TEXT,
    CTX_TAG_OPEN,   /* just after '<' */
    CTX_TAG_NAME,
    CTX_END_TAG,
    CTX_IN_TAG,     /* between attributes */
    CTX_ATTR_NAME,
    CTX_AFTER_ATTR_NAME,
    CTX_BEFORE_VALUE, /* after '=' */
    CTX_VALUE_DQ,
    CTX_VALUE_SQ,
    CTX_VALUE_UNQUOTED,
    CTX_DECL,       /* <!DOCTYPE ...> or <!-- before we know */
    CTX_COMMENT,
    CTX_RAWTEXT,    /* the body of <script> or <style> */
};

struct tpl {
    const char *src_path;
    int line; /* current line, 1-based */

    enum ctx ctx;
    char tag[NAME_MAX_CHARS];  /* current tag name, lower case, truncated */
    size_t tag_len;
    char attr[NAME_MAX_CHARS]; /* current attribute name, lower case, truncated */
    size_t attr_len;
    size_t value_len;          /* bytes of the current attribute value so far */
    char raw_end[NAME_MAX_CHARS]; /* "script" or "style" while in CTX_RAWTEXT */
    size_t raw_match;          /* how much of "</" raw_end has just been seen */
    size_t decl_len;           /* characters after "<!" */
    int dashes;                /* consecutive '-' seen in a comment */

    struct out lit;            /* literal HTML not yet emitted */
    int lit_line;

    struct out includes;       /* #include lines for the header */
    struct out file_scope;     /* file-scope C */
    struct out protos;         /* prototypes for the header */
    struct out static_protos;  /* prototypes of static functions, at the top of the .c */
    struct out body;           /* the functions */
    bool in_function;
    int function_line;
    char buf_name[64];         /* the struct buf * parameter of the current function */
};

_Noreturn static void fail(const struct tpl *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
_Noreturn static void fail(const struct tpl *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%d: error: ", t->src_path, t->line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void line_directive(struct tpl *t, struct out *o, int line)
{
    out_addf(o, "#line %d \"", line);
    for (const char *s = t->src_path; *s; s++) {
        if (*s == '"' || *s == '\\')
            out_add(o, "\\", 1);
        out_add(o, s, 1);
    }
    out_adds(o, "\"\n");
}

/* Appends bytes as the inside of a C string literal. */
static void c_string(struct out *o, const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        switch (c) {
        case '\n':
            out_adds(o, "\\n");
            break;
        case '\t':
            out_adds(o, "\\t");
            break;
        case '"':
        case '\\':
            out_add(o, "\\", 1);
            out_add(o, p + i, 1);
            break;
        case '?': /* -std=c17 has trigraphs: never let two '?' meet */
            out_adds(o, i + 1 < n && p[i + 1] == '?' ? "\\?" : "?");
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                out_addf(o, "\\%03o", c);
            else
                out_add(o, p + i, 1);
        }
    }
}

static void flush_literal(struct tpl *t)
{
    if (t->lit.len == 0)
        return;
    line_directive(t, &t->body, t->lit_line);
    out_addf(&t->body, "    html_lit(%s, \"", t->buf_name);
    c_string(&t->body, t->lit.p, t->lit.len);
    out_adds(&t->body, "\");\n");
    t->lit.len = 0;
}

static bool is_space(int c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

static void name_add(char *name, size_t *len, int c)
{
    if (*len + 1 < NAME_MAX_CHARS) {
        name[(*len)++] = (char)tolower(c);
        name[*len] = '\0';
    }
}

static void start_tag_done(struct tpl *t)
{
    if (strcmp(t->tag, "script") == 0 || strcmp(t->tag, "style") == 0) {
        memcpy(t->raw_end, t->tag, t->tag_len + 1);
        t->raw_match = 0;
        t->ctx = CTX_RAWTEXT;
    } else {
        t->ctx = CTX_TEXT;
    }
}

static void begin_attr(struct tpl *t, int c)
{
    t->attr_len = 0;
    t->attr[0] = '\0';
    name_add(t->attr, &t->attr_len, c);
    t->ctx = CTX_ATTR_NAME;
}

/* Moves the tokenizer over one literal byte. */
static void feed(struct tpl *t, int c)
{
    switch (t->ctx) {
    case CTX_TEXT:
        if (c == '<')
            t->ctx = CTX_TAG_OPEN;
        break;
    case CTX_TAG_OPEN:
        if (isalpha(c)) {
            t->tag_len = 0;
            t->tag[0] = '\0';
            name_add(t->tag, &t->tag_len, c);
            t->ctx = CTX_TAG_NAME;
        } else if (c == '/') {
            t->ctx = CTX_END_TAG;
        } else if (c == '!' || c == '?') {
            t->decl_len = 0;
            t->ctx = CTX_DECL;
        } else {
            t->ctx = CTX_TEXT; /* a lone '<' in text */
        }
        break;
    case CTX_TAG_NAME:
        if (is_space(c) || c == '/')
            t->ctx = CTX_IN_TAG;
        else if (c == '>')
            start_tag_done(t);
        else
            name_add(t->tag, &t->tag_len, c);
        break;
    case CTX_END_TAG:
        if (c == '>')
            t->ctx = CTX_TEXT;
        break;
    case CTX_IN_TAG:
        if (c == '>')
            start_tag_done(t);
        else if (!is_space(c) && c != '/')
            begin_attr(t, c);
        break;
    case CTX_ATTR_NAME:
        if (is_space(c))
            t->ctx = CTX_AFTER_ATTR_NAME;
        else if (c == '=')
            t->ctx = CTX_BEFORE_VALUE;
        else if (c == '>')
            start_tag_done(t);
        else if (c == '/')
            t->ctx = CTX_IN_TAG;
        else
            name_add(t->attr, &t->attr_len, c);
        break;
    case CTX_AFTER_ATTR_NAME:
        if (c == '=')
            t->ctx = CTX_BEFORE_VALUE;
        else if (c == '>')
            start_tag_done(t);
        else if (c == '/')
            t->ctx = CTX_IN_TAG;
        else if (!is_space(c))
            begin_attr(t, c);
        break;
    case CTX_BEFORE_VALUE:
        t->value_len = 0;
        if (c == '"')
            t->ctx = CTX_VALUE_DQ;
        else if (c == '\'')
            t->ctx = CTX_VALUE_SQ;
        else if (c == '>')
            start_tag_done(t);
        else if (!is_space(c))
            t->ctx = CTX_VALUE_UNQUOTED;
        break;
    case CTX_VALUE_DQ:
    case CTX_VALUE_SQ:
        if (c == (t->ctx == CTX_VALUE_DQ ? '"' : '\''))
            t->ctx = CTX_IN_TAG;
        else
            t->value_len++;
        break;
    case CTX_VALUE_UNQUOTED:
        if (is_space(c))
            t->ctx = CTX_IN_TAG;
        else if (c == '>')
            start_tag_done(t);
        break;
    case CTX_DECL:
        if (c == '>') {
            t->ctx = CTX_TEXT;
        } else if (c == '-' && t->decl_len < 2) {
            if (++t->decl_len == 2) {
                t->dashes = 0;
                t->ctx = CTX_COMMENT;
            }
        } else {
            t->decl_len = 2; /* not a comment: wait for '>' */
        }
        break;
    case CTX_COMMENT:
        if (c == '>' && t->dashes >= 2)
            t->ctx = CTX_TEXT;
        t->dashes = c == '-' ? t->dashes + 1 : 0;
        break;
    case CTX_RAWTEXT: {
        /* Looks for "</script" or "</style", in any case. */
        size_t n = strlen(t->raw_end);
        if (t->raw_match == 0) {
            t->raw_match = c == '<' ? 1 : 0;
        } else if (t->raw_match == 1) {
            t->raw_match = c == '/' ? 2 : (c == '<' ? 1 : 0);
        } else if (tolower(c) == t->raw_end[t->raw_match - 2]) {
            if (++t->raw_match == n + 2) {
                t->ctx = CTX_END_TAG;
                t->raw_match = 0;
            }
        } else {
            t->raw_match = c == '<' ? 1 : 0;
        }
        break;
    }
    }
}

static bool is_url_attr(const char *name)
{
    static const char *const url_attrs[] = {"href", "src",    "action", "formaction",
                                            "poster", "cite", "xlink:href"};
    for (size_t i = 0; i < sizeof(url_attrs) / sizeof(url_attrs[0]); i++)
        if (strcmp(name, url_attrs[i]) == 0)
            return true;
    return false;
}

/* The html.h macro that an expression needs where the tokenizer stands; fails when none is safe. */
static const char *escaper_for(const struct tpl *t, bool raw)
{
    switch (t->ctx) {
    case CTX_TEXT:
        return raw ? "HTML_SAFE" : "HTML_TEXT";
    case CTX_VALUE_DQ:
    case CTX_VALUE_SQ:
        if (raw)
            fail(t, "{{{ }}} inserts markup and cannot stand in an attribute value; use {{ }}");
        if (strncmp(t->attr, "on", 2) == 0)
            fail(t, "expression in the event-handler attribute %s (JavaScript is not allowed in "
                    "pages)", t->attr);
        if (strcmp(t->attr, "style") == 0 || strcmp(t->attr, "srcdoc") == 0)
            fail(t, "expression in the %s attribute (CSS or nested HTML is not escaped by tplc)",
                 t->attr);
        if (is_url_attr(t->attr))
            return t->value_len == 0 ? "HTML_URL" : "HTML_URL_PART";
        return "HTML_ATTR";
    case CTX_BEFORE_VALUE:
    case CTX_VALUE_UNQUOTED:
        fail(t, "expression in an unquoted value of attribute %s: put the value in quotes",
             t->attr);
    case CTX_TAG_OPEN:
    case CTX_TAG_NAME:
    case CTX_END_TAG:
        fail(t, "expression in a tag name");
    case CTX_IN_TAG:
    case CTX_ATTR_NAME:
    case CTX_AFTER_ATTR_NAME:
        fail(t, "expression inside tag <%s> outside an attribute value", t->tag);
    case CTX_DECL:
    case CTX_COMMENT:
        fail(t, "expression inside an HTML comment or declaration");
    case CTX_RAWTEXT:
        fail(t, "expression inside <%s>: tplc does not escape for JavaScript or CSS; pass data "
                "through a data- attribute instead", t->raw_end);
    }
    fail(t, "internal error: unknown context");
}

/* Reads "{{ expr }}" or "{{{ expr }}}" starting at p (which points at "{{"); returns the length
 * consumed. */
static size_t expression(struct tpl *t, const char *p, size_t n)
{
    bool raw = n >= 3 && p[2] == '{';
    size_t open = raw ? 3 : 2;
    const char *close = raw ? "}}}" : "}}";
    size_t i = open;
    while (i < n && strncmp(p + i, close, open) != 0) {
        if (p[i] == '\n')
            fail(t, "unterminated %s: an expression must end on its line", raw ? "{{{" : "{{");
        i++;
    }
    if (i >= n)
        fail(t, "unterminated %s", raw ? "{{{" : "{{");
    const char *e = p + open;
    size_t elen = i - open;
    while (elen && is_space((unsigned char)*e)) {
        e++;
        elen--;
    }
    while (elen && is_space((unsigned char)e[elen - 1]))
        elen--;
    if (elen == 0)
        fail(t, "empty expression");
    const char *macro = escaper_for(t, raw);
    flush_literal(t);
    line_directive(t, &t->body, t->line);
    out_addf(&t->body, "    %s(%s, (%.*s));\n", macro, t->buf_name, (int)elen, e);
    if (t->ctx == CTX_VALUE_DQ || t->ctx == CTX_VALUE_SQ)
        t->value_len++;
    return i + open;
}

/* C code may stand between markup, between attributes and inside a quoted value; code right after
 * a tag or attribute name ends that name. */
static void check_statement_context(struct tpl *t)
{
    switch (t->ctx) {
    case CTX_TAG_NAME:
        t->ctx = CTX_IN_TAG;
        return;
    case CTX_ATTR_NAME:
        t->ctx = CTX_AFTER_ATTR_NAME;
        return;
    case CTX_TEXT:
    case CTX_IN_TAG:
    case CTX_AFTER_ATTR_NAME:
    case CTX_VALUE_DQ:
    case CTX_VALUE_SQ:
        return;
    default:
        fail(t, "C code cannot stand inside a tag name, an unfinished attribute or a comment");
    }
}

/* Reads "{% statement %}" starting at p; returns the length consumed. */
static size_t inline_statement(struct tpl *t, const char *p, size_t n)
{
    size_t i = 2;
    while (i + 1 < n && !(p[i] == '%' && p[i + 1] == '}')) {
        if (p[i] == '\n')
            break;
        i++;
    }
    if (i + 1 >= n || p[i] != '%')
        fail(t, "unterminated {%%: an inline statement must end on its line");
    check_statement_context(t);
    flush_literal(t);
    line_directive(t, &t->body, t->line);
    out_adds(&t->body, "    ");
    out_add(&t->body, p + 2, i - 2);
    out_adds(&t->body, "\n");
    return i + 2;
}

static void literal_line(struct tpl *t, const char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (p[i] == '{' && i + 1 < n && p[i + 1] == '{') {
            i += expression(t, p + i, n - i);
            continue;
        }
        if (p[i] == '{' && i + 1 < n && p[i + 1] == '%') {
            i += inline_statement(t, p + i, n - i);
            continue;
        }
        if (t->lit.len == 0)
            t->lit_line = t->line;
        out_add(&t->lit, p + i, 1);
        feed(t, (unsigned char)p[i]);
        i++;
    }
}

static bool is_ident(int c) { return isalnum(c) || c == '_'; }

/* The blank lines that separate two functions in the template belong to neither: a function's
 * output ends with its last line of markup and that line's newline. */
static void trim_trailing_blank_lines(struct tpl *t)
{
    size_t n = t->lit.len;
    while (n && (t->lit.p[n - 1] == '\n' || t->lit.p[n - 1] == '\r'))
        n--;
    if (n == 0) {
        t->lit.len = 0;
        return;
    }
    if (n < t->lit.len)
        n += t->lit.p[n] == '\r' && n + 1 < t->lit.len ? 2 : 1;
    t->lit.len = n;
}

static void end_function(struct tpl *t)
{
    if (!t->in_function)
        return;
    trim_trailing_blank_lines(t);
    flush_literal(t);
    if (t->ctx != CTX_TEXT)
        fail(t, "the function that starts on line %d ends inside a tag, an attribute or a comment",
             t->function_line);
    out_adds(&t->body, "}\n\n");
    t->in_function = false;
}

static void begin_function(struct tpl *t, const char *p, size_t n)
{
    end_function(t);
    while (n && is_space((unsigned char)*p)) {
        p++;
        n--;
    }
    while (n && is_space((unsigned char)p[n - 1]))
        n--;
    const char *open = memchr(p, '(', n);
    if (!open || n == 0 || p[n - 1] != ')')
        fail(t, "%%%% must be followed by a C function signature, e.g. "
                "%%%% void page(struct buf *b, const struct foo *v)");
    /* The buffer parameter: "struct buf *NAME". */
    const char *s = open;
    const char *end = p + n;
    t->buf_name[0] = '\0';
    while (s < end) {
        const char *hit = strstr(s, "struct buf");
        if (!hit || hit >= end)
            break;
        const char *q = hit + strlen("struct buf");
        while (q < end && (is_space((unsigned char)*q) || *q == '*'))
            q++;
        size_t k = 0;
        while (q + k < end && is_ident((unsigned char)q[k]))
            k++;
        if (k && k < sizeof(t->buf_name)) {
            memcpy(t->buf_name, q, k);
            t->buf_name[k] = '\0';
            break;
        }
        s = q;
    }
    if (!t->buf_name[0])
        fail(t, "the function has no \"struct buf *\" parameter to write the page into");
    bool is_static = n > 7 && strncmp(p, "static", 6) == 0 && is_space((unsigned char)p[6]);
    struct out *protos = is_static ? &t->static_protos : &t->protos;
    out_add(protos, p, n);
    out_adds(protos, ";\n");
    line_directive(t, &t->body, t->line);
    out_add(&t->body, p, n);
    out_adds(&t->body, "\n{\n");
    t->in_function = true;
    t->function_line = t->line;
    t->ctx = CTX_TEXT;
}

static void statement_line(struct tpl *t, const char *p, size_t n)
{
    if (!t->in_function) {
        line_directive(t, &t->file_scope, t->line);
        out_add(&t->file_scope, p, n);
        out_adds(&t->file_scope, "\n");
        return;
    }
    check_statement_context(t);
    flush_literal(t);
    line_directive(t, &t->body, t->line);
    out_adds(&t->body, "    ");
    out_add(&t->body, p, n);
    out_adds(&t->body, "\n");
}

static void include_line(struct tpl *t, const char *p, size_t n)
{
    if (t->in_function)
        fail(t, "%%include must come before the first %%%% function");
    while (n && is_space((unsigned char)*p)) {
        p++;
        n--;
    }
    while (n && is_space((unsigned char)p[n - 1]))
        n--;
    if (n < 3 || !((p[0] == '"' && p[n - 1] == '"') || (p[0] == '<' && p[n - 1] == '>')))
        fail(t, "%%include takes a header name in quotes or angle brackets");
    out_adds(&t->includes, "#include ");
    out_add(&t->includes, p, n);
    out_adds(&t->includes, "\n");
}

static void compile(struct tpl *t, const char *src, size_t len)
{
    size_t pos = 0;
    t->line = 0;
    while (pos < len) {
        const char *line = src + pos;
        const char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos; /* without the newline */
        size_t with_nl = nl ? n + 1 : n;
        pos += with_nl;
        t->line++;

        size_t k = 0;
        while (k < n && (line[k] == ' ' || line[k] == '\t'))
            k++;
        size_t code_len = n;
        if (code_len && line[code_len - 1] == '\r')
            code_len--;
        if (k < n && line[k] == '%') {
            const char *rest = line + k + 1;
            size_t rest_len = code_len - k - 1;
            if (rest_len && rest[0] == '%')
                begin_function(t, rest + 1, rest_len - 1);
            else if (rest_len >= 8 && strncmp(rest, "include", 7) == 0 && is_space(rest[7]))
                include_line(t, rest + 7, rest_len - 7);
            else
                statement_line(t, rest, rest_len);
            continue;
        }
        if (!t->in_function) {
            if (k == code_len)
                continue; /* blank lines before the first function */
            fail(t, "text before the first %%%% function line");
        }
        literal_line(t, line, with_nl);
    }
    t->line++;
    if (!t->in_function)
        fail(t, "no %%%% function in the template");
    end_function(t);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "tplc: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    struct out o = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        out_add(&o, chunk, n);
        if (o.len > MAX_TEMPLATE_BYTES) {
            fprintf(stderr, "tplc: %s: larger than %d bytes\n", path, MAX_TEMPLATE_BYTES);
            exit(1);
        }
    }
    if (ferror(f)) {
        fprintf(stderr, "tplc: %s: read error\n", path);
        exit(1);
    }
    fclose(f);
    if (!o.p)
        out_add(&o, "", 0);
    *len = o.len;
    return o.p;
}

/* Writes through a temporary file and a rename, so that a failed run leaves no half file. */
static void write_file(const char *path, const struct out *o)
{
    struct out tmp = {0};
    out_addf(&tmp, "%s.tmp", path);
    FILE *f = fopen(tmp.p, "wb");
    if (!f || fwrite(o->p, 1, o->len, f) != o->len || fclose(f) != 0 ||
        rename(tmp.p, path) != 0) {
        fprintf(stderr, "tplc: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    free(tmp.p);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fputs("usage: tplc TEMPLATE.tpl OUT.c OUT.h\n", stderr);
        return 2;
    }
    struct tpl t = {.src_path = argv[1]};
    size_t len;
    char *src = read_file(argv[1], &len);
    compile(&t, src, len);

    struct out guard = {0};
    out_adds(&guard, "RELAIS_TPL_");
    for (const char *s = argv[1]; *s; s++) {
        char c = isalnum((unsigned char)*s) ? (char)toupper((unsigned char)*s) : '_';
        out_add(&guard, &c, 1);
    }
    out_adds(&guard, "_H");

    struct out h = {0};
    out_addf(&h, "/* Generated by tools/tplc from %s: edit the template, not this file. */\n",
             argv[1]);
    out_addf(&h, "#ifndef %s\n#define %s\n\n", guard.p, guard.p);
    out_adds(&h, "#include \"core/buf.h\"\n#include \"html/html.h\"\n");
    if (t.includes.len)
        out_add(&h, t.includes.p, t.includes.len);
    out_adds(&h, "\n");
    if (t.protos.len)
        out_add(&h, t.protos.p, t.protos.len);
    out_addf(&h, "\n#endif\n");

    struct out c = {0};
    out_addf(&c, "/* Generated by tools/tplc from %s: edit the template, not this file. */\n",
             argv[1]);
    out_addf(&c, "#include \"%s\"\n\n", base_name(argv[3]));
    if (t.file_scope.len) {
        out_add(&c, t.file_scope.p, t.file_scope.len);
        out_adds(&c, "\n");
    }
    if (t.static_protos.len) {
        out_add(&c, t.static_protos.p, t.static_protos.len);
        out_adds(&c, "\n");
    }
    out_add(&c, t.body.p, t.body.len);

    write_file(argv[3], &h);
    write_file(argv[2], &c);
    return 0;
}
