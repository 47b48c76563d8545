#include "html/html.h"
#include "core/arena.h"

#include <inttypes.h>
#include <string.h>

/* One escaping serves element text and quoted attribute values: the five characters that can end
 * either context, or start markup, become references. */
static void escape_into(struct buf *b, const char *s)
{
    if (!s)
        return;
    const char *run = s;
    for (; *s; s++) {
        const char *ref;
        switch (*s) {
        case '&':
            ref = "&amp;";
            break;
        case '<':
            ref = "&lt;";
            break;
        case '>':
            ref = "&gt;";
            break;
        case '"':
            ref = "&quot;";
            break;
        case '\'':
            ref = "&#39;";
            break;
        default:
            continue;
        }
        buf_add(b, run, (size_t)(s - run));
        buf_adds(b, ref);
        run = s + 1;
    }
    buf_add(b, run, (size_t)(s - run));
}

void html_text(struct buf *b, const char *s) { escape_into(b, s); }

void html_attr(struct buf *b, const char *s) { escape_into(b, s); }

static bool ascii_case_eq(const char *a, size_t n, const char *lower)
{
    if (strlen(lower) != n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (c != lower[i])
            return false;
    }
    return true;
}

bool html_url_is_safe(const char *s)
{
    if (!s)
        return false;
    /* Browsers drop tabs and newlines anywhere in a URL and spaces or controls around it, so that
     * "java\tscript:" is javascript:. Refuse controls anywhere and a leading space rather than
     * reproduce the URL parser; a space inside stays (the browser encodes it). */
    if (s[0] == ' ')
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            return false;
    /* "//host" and "/\host" (a backslash counts as a slash) leave the site. */
    if ((s[0] == '/' || s[0] == '\\') && (s[1] == '/' || s[1] == '\\'))
        return false;
    if (s[0] == '\\')
        return false;
    size_t scheme = strcspn(s, ":/?#");
    if (s[scheme] != ':')
        return true; /* a path, a query or a fragment, relative or from the root */
    static const char *const allowed[] = {"http", "https", "mailto", "tel"};
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
        if (ascii_case_eq(s, scheme, allowed[i]))
            return true;
    return false;
}

void html_url(struct buf *b, const char *s)
{
    if (!s)
        return;
    if (html_url_is_safe(s))
        escape_into(b, s);
    else
        buf_addlit(b, "#");
}

void html_url_part(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    if (!s)
        return;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char c = *p;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            buf_addch(b, (char)c);
        } else {
            char enc[3] = {'%', hex[c >> 4], hex[c & 15]};
            buf_add(b, enc, sizeof(enc));
        }
    }
}

void html_int(struct buf *b, int64_t v) { buf_addf(b, "%" PRId64, v); }

void html_uint(struct buf *b, uint64_t v) { buf_addf(b, "%" PRIu64, v); }

struct html_safe html_safe_buf(const struct buf *markup)
{
    return (struct html_safe){buf_cstr(markup), markup->len};
}

struct html_safe html_safe_trusted(const char *markup)
{
    return markup ? (struct html_safe){markup, strlen(markup)} : (struct html_safe){"", 0};
}

void html_safe(struct buf *b, struct html_safe markup) { buf_add(b, markup.p, markup.len); }

void html_safe_from_buf_(struct buf *b, const struct buf *markup)
{
    html_safe(b, html_safe_buf(markup));
}

const char *html_escape(struct arena *a, const char *s)
{
    struct buf b;
    buf_init(&b, a, SIZE_MAX / 4);
    escape_into(&b, s);
    return b.p ? b.p : arena_strdup(a, "");
}
