#include "http/parse.h"

#include <stdint.h>
#include <string.h>

#include "core/err.h"
#include "core/limits.h"
#include "core/str.h"

const struct http_parse_limits http_parse_limits_query = {
    .total_bytes = LIMIT_URL_BYTES,
    .fields = LIMIT_FIELDS,
    .name_bytes = LIMIT_FIELD_NAME_BYTES,
    .value_bytes = LIMIT_FIELD_VALUE_BYTES,
};

const struct http_parse_limits http_parse_limits_form = {
    .total_bytes = LIMIT_BODY_BYTES,
    .fields = LIMIT_FIELDS,
    .name_bytes = LIMIT_FIELD_NAME_BYTES,
    .value_bytes = LIMIT_FIELD_VALUE_BYTES,
};

const struct http_parse_limits http_parse_limits_cookies = {
    .total_bytes = LIMIT_HEADER_BYTES,
    .fields = LIMIT_COOKIES,
    .name_bytes = LIMIT_FIELD_NAME_BYTES,
    .value_bytes = LIMIT_HEADER_BYTES,
};

const struct http_parse_limits http_parse_limits_multipart = {
    .total_bytes = LIMIT_UPLOAD_BYTES,
    .fields = LIMIT_FIELDS,
    .name_bytes = LIMIT_FIELD_NAME_BYTES,
    .value_bytes = LIMIT_FIELD_VALUE_BYTES,
    .form_bytes = LIMIT_BODY_BYTES,
    .files = LIMIT_UPLOAD_FILES,
    .header_bytes = LIMIT_MULTIPART_HEADER_BYTES,
};

const struct http_parse_limits http_parse_limits_json = {
    .total_bytes = LIMIT_BODY_BYTES,
    .json_depth = LIMIT_JSON_DEPTH,
};

static int fail(struct http_parse_error *perr, int err, const char *message, const char *field)
{
    if (perr) {
        perr->message = message;
        perr->field = field;
    }
    return err;
}

/* A field name fit to be quoted in a message and returned as perr->field: only valid UTF-8 is. */
static const char *printable_name(const char *name, size_t len)
{
    return utf8_valid(name, len) && !memchr(name, '\0', len) ? name : NULL;
}

static void params_push(struct arena *a, struct http_params *ps, size_t *cap, const char *name,
                        const char *value)
{
    if (ps->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        ps->items = arena_grow(a, ps->items, ps->n, ncap, sizeof(*ps->items));
        *cap = ncap;
    }
    ps->items[ps->n++] = (struct http_param){name, value};
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int http_percent_decode(struct arena *a, const char *p, size_t len, bool plus_is_space, char **out,
                        size_t *out_len)
{
    char *d = arena_alloc(a, len + 1);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (c == '%') {
            if (len - i < 3)
                return ERR_INVALID;
            int hi = hex_value(p[i + 1]);
            int lo = hex_value(p[i + 2]);
            if (hi < 0 || lo < 0)
                return ERR_INVALID;
            d[n++] = (char)(hi * 16 + lo);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            d[n++] = ' ';
        } else {
            d[n++] = c;
        }
    }
    d[n] = '\0';
    *out = d;
    *out_len = n;
    return 0;
}

/* Decodes one name or value of an urlencoded input and checks it: NUL-free valid UTF-8 within max.
 */
static int decode_component(struct arena *a, const char *p, size_t len, size_t max,
                            const char *field, bool is_name, char **out,
                            struct http_parse_error *perr)
{
    size_t n;
    if (http_percent_decode(a, p, len, true, out, &n) < 0) {
        if (!field)
            return fail(perr, ERR_INVALID, "Un nom de champ contient un encodage %XX invalide.",
                        NULL);
        return fail(perr, ERR_INVALID,
                    arena_printf(a, "Le champ « %s » contient un encodage %%XX invalide.", field),
                    field);
    }
    if (!utf8_valid(*out, n)) {
        if (is_name || !field)
            return fail(perr, ERR_INVALID, "Un nom de champ n'est pas en UTF-8 valide.", NULL);
        return fail(perr, ERR_INVALID,
                    arena_printf(a, "Le champ « %s » n'est pas en UTF-8 valide.", field), field);
    }
    if (memchr(*out, '\0', n)) {
        if (is_name)
            return fail(perr, ERR_INVALID, "Un nom de champ contient un caractère nul.", NULL);
        return fail(perr, ERR_INVALID,
                    arena_printf(a, "Le champ « %s » contient un caractère nul.", field), field);
    }
    if (n > max) {
        if (is_name)
            return fail(perr, ERR_TOO_BIG,
                        arena_printf(a, "Un nom de champ est trop long (%zu octets au plus).", max),
                        NULL);
        return fail(
            perr, ERR_TOO_BIG,
            arena_printf(a, "Le champ « %s » est trop long (%zu octets au plus).", field, max),
            field);
    }
    return 0;
}

int http_parse_urlencoded(struct arena *a, const char *p, size_t len,
                          const struct http_parse_limits *lim, struct http_params *out,
                          struct http_parse_error *perr)
{
    out->items = NULL;
    out->n = 0;
    if (len > lim->total_bytes)
        return fail(perr, ERR_TOO_BIG,
                    arena_printf(a, "Les données envoyées sont trop longues (%zu octets au plus).",
                                 lim->total_bytes),
                    NULL);
    size_t cap = 0;
    size_t i = 0;
    while (i < len) {
        const char *amp = memchr(p + i, '&', len - i);
        size_t end = amp ? (size_t)(amp - p) : len;
        if (end > i) {
            const char *eq = memchr(p + i, '=', end - i);
            size_t name_end = eq ? (size_t)(eq - p) : end;
            if (name_end > i) {
                if (out->n == lim->fields)
                    return fail(perr, ERR_TOO_BIG,
                                arena_printf(a, "Trop de champs (%zu au plus).", lim->fields),
                                NULL);
                char *name, *value;
                int rc = decode_component(a, p + i, name_end - i, lim->name_bytes, NULL, true,
                                          &name, perr);
                if (rc < 0)
                    return rc;
                size_t vstart = eq ? name_end + 1 : end;
                rc = decode_component(a, p + vstart, end - vstart, lim->value_bytes, name, false,
                                      &value, perr);
                if (rc < 0)
                    return rc;
                params_push(a, out, &cap, name, value);
            }
        }
        i = end + 1;
    }
    return 0;
}

static bool is_cookie_space(char c) { return c == ' ' || c == '\t'; }

/* RFC 6265 cookie-octet: US-ASCII except controls, whitespace, DQUOTE, comma, semicolon and
 * backslash. Browsers send more than that (UTF-8 bytes), so values are only required to be
 * control-free UTF-8. */
static bool is_cookie_value_byte(unsigned char c) { return c >= 0x20 && c != 0x7f && c != ';'; }

static bool is_token_char(unsigned char c)
{
    return c > 0x20 && c < 0x7f && !strchr("()<>@,;:\\\"/[]?={}", c);
}

int http_parse_cookies(struct arena *a, const char *p, size_t len,
                       const struct http_parse_limits *lim, struct http_params *out,
                       struct http_parse_error *perr)
{
    out->items = NULL;
    out->n = 0;
    if (len > lim->total_bytes)
        return fail(perr, ERR_TOO_BIG, "L'en-tête Cookie est trop long.", NULL);
    size_t cap = 0;
    size_t i = 0;
    while (i < len) {
        const char *semi = memchr(p + i, ';', len - i);
        size_t end = semi ? (size_t)(semi - p) : len;
        struct str pair = {p + i, end - i};
        while (pair.len && is_cookie_space(pair.p[0])) {
            pair.p++;
            pair.len--;
        }
        while (pair.len && is_cookie_space(pair.p[pair.len - 1]))
            pair.len--;
        i = end + 1;
        const char *eq = memchr(pair.p, '=', pair.len);
        if (!eq || eq == pair.p)
            continue;
        struct str name = {pair.p, (size_t)(eq - pair.p)};
        struct str value = {eq + 1, pair.len - name.len - 1};
        bool ok = name.len <= lim->name_bytes && value.len <= lim->value_bytes;
        for (size_t k = 0; ok && k < name.len; k++)
            ok = is_token_char((unsigned char)name.p[k]);
        if (value.len >= 2 && value.p[0] == '"' && value.p[value.len - 1] == '"') {
            value.p++;
            value.len -= 2;
        }
        for (size_t k = 0; ok && k < value.len; k++)
            ok = is_cookie_value_byte((unsigned char)value.p[k]);
        if (!ok || !utf8_valid(value.p, value.len))
            continue;
        if (out->n == lim->fields)
            return fail(perr, ERR_TOO_BIG,
                        arena_printf(a, "Trop de cookies (%zu au plus).", lim->fields), NULL);
        params_push(a, out, &cap, str_dup(name, a), str_dup(value, a));
    }
    return 0;
}

static char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c; }

static bool is_ows(char c) { return c == ' ' || c == '\t'; }

static struct str trim_ows(struct str s)
{
    while (s.len && is_ows(s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len && is_ows(s.p[s.len - 1]))
        s.len--;
    return s;
}

const char *http_media_type(struct arena *a, const char *content_type)
{
    if (!content_type)
        return NULL;
    const char *semi = strchr(content_type, ';');
    struct str t = {content_type, semi ? (size_t)(semi - content_type) : strlen(content_type)};
    t = trim_ows(t);
    if (!t.len)
        return NULL;
    char *d = str_dup(t, a);
    for (size_t i = 0; i < t.len; i++)
        d[i] = ascii_lower(d[i]);
    return d;
}

/*
 * Walks the "; name=value" parameters after the first ';' of a header value (Content-Type or a
 * part's Content-Disposition). A quoted value ends at the next '"': browsers percent-encode '"' in
 * names and filenames rather than backslash-escaping it, and keep backslashes of Windows paths
 * literally, so backslash is not an escape here.
 */
static const char *header_param(struct arena *a, struct str header, const char *name)
{
    const char *semi = memchr(header.p, ';', header.len);
    if (!semi)
        return NULL;
    size_t i = (size_t)(semi - header.p) + 1;
    while (i < header.len) {
        while (i < header.len && (is_ows(header.p[i]) || header.p[i] == ';'))
            i++;
        size_t key_start = i;
        while (i < header.len && header.p[i] != '=' && header.p[i] != ';')
            i++;
        struct str key = trim_ows((struct str){header.p + key_start, i - key_start});
        if (i >= header.len || header.p[i] == ';')
            continue;
        i++; /* '=' */
        while (i < header.len && is_ows(header.p[i]))
            i++;
        struct str value;
        if (i < header.len && header.p[i] == '"') {
            const char *q = memchr(header.p + i + 1, '"', header.len - i - 1);
            if (!q)
                return NULL; /* unterminated quote: the rest is unreadable */
            value = (struct str){header.p + i + 1, (size_t)(q - header.p) - i - 1};
            i = (size_t)(q - header.p) + 1;
            while (i < header.len && header.p[i] != ';')
                i++;
        } else {
            size_t v = i;
            while (i < header.len && header.p[i] != ';')
                i++;
            value = trim_ows((struct str){header.p + v, i - v});
        }
        if (str_case_eq_cstr(key, name))
            return str_dup(value, a);
    }
    return NULL;
}

const char *http_media_type_param(struct arena *a, const char *content_type, const char *name)
{
    if (!content_type)
        return NULL;
    return header_param(a, str_from(content_type), name);
}

/* ---- JSON ---- */

static const char *json_reason(const json_error_t *jerr)
{
    switch (json_error_code(jerr)) {
    case json_error_premature_end_of_input: return "le texte s'arrête avant la fin de la valeur";
    case json_error_end_of_input_expected: return "du texte suit la fin de la valeur";
    case json_error_invalid_utf8: return "le texte n'est pas en UTF-8 valide";
    case json_error_duplicate_key: return "une clé apparaît deux fois dans le même objet";
    case json_error_null_character:
    case json_error_null_byte_in_key: return "le caractère nul \\u0000 n'est pas accepté";
    case json_error_numeric_overflow: return "un nombre est trop grand";
    case json_error_stack_overflow: return "les valeurs sont trop imbriquées";
    default: return "erreur de syntaxe";
    }
}

/* True when v nests at most max levels of arrays and objects (v itself counts as one). The
 * recursion stops at max, and jansson has already bounded the nesting when parsing. */
static bool json_depth_ok(json_t *v, size_t max)
{
    if (!json_is_object(v) && !json_is_array(v))
        return true;
    if (max == 0)
        return false;
    if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item)
        {
            if (!json_depth_ok(item, max - 1))
                return false;
        }
    } else {
        const char *key;
        json_t *item;
        json_object_foreach(v, key, item)
        {
            if (!json_depth_ok(item, max - 1))
                return false;
        }
    }
    return true;
}

int http_parse_json(struct arena *a, const char *p, size_t len, const struct http_parse_limits *lim,
                    json_t **out, struct http_parse_error *perr)
{
    *out = NULL;
    if (len > lim->total_bytes)
        return fail(
            perr, ERR_TOO_BIG,
            arena_printf(a, "Le JSON envoyé est trop long (%zu octets au plus).", lim->total_bytes),
            NULL);
    json_error_t jerr;
    json_t *v = json_loadb(p, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &jerr);
    if (!v)
        return fail(perr, ERR_INVALID,
                    arena_printf(a, "JSON invalide à la ligne %d, colonne %d : %s.", jerr.line,
                                 jerr.column, json_reason(&jerr)),
                    NULL);
    if (!json_is_object(v) && !json_is_array(v)) {
        json_decref(v);
        return fail(perr, ERR_INVALID,
                    "JSON invalide à la ligne 1, colonne 1 : le corps doit être un objet ou un "
                    "tableau.",
                    NULL);
    }
    if (!json_depth_ok(v, lim->json_depth)) {
        json_decref(v);
        return fail(perr, ERR_INVALID,
                    arena_printf(a, "Le JSON envoyé est trop imbriqué (%zu niveaux au plus).",
                                 lim->json_depth),
                    NULL);
    }
    *out = v;
    return 0;
}

/* ---- multipart/form-data ---- */

#define MULTIPART_BOUNDARY_MAX 70 /* RFC 2046 */

enum mp_state {
    MP_PREAMBLE,    /* before the first delimiter: discarded */
    MP_AFTER_DELIM, /* right after a delimiter: "--" closes, otherwise padding and CRLF */
    MP_CLOSE_DASH,  /* saw one '-' after a delimiter */
    MP_PADDING,     /* transport padding (spaces, tabs) before the CRLF */
    MP_PADDING_CR,  /* saw the CR of that CRLF */
    MP_HEADERS,     /* the headers of a part */
    MP_BODY,        /* the content of a part */
    MP_EPILOGUE,    /* after the closing delimiter: discarded */
};

enum mp_part { PART_FIELD, PART_FILE, PART_SKIP };

struct http_multipart {
    struct arena *arena;
    const struct http_parse_limits *lim;
    struct http_multipart_sink sink;
    char delim[4 + MULTIPART_BOUNDARY_MAX]; /* "\r\n--" boundary */
    size_t delim_len;
    size_t matched; /* bytes of delim matched so far, not yet known to be data */
    enum mp_state state;
    int err;
    struct http_parse_error perr;
    size_t total, files, form_bytes;

    struct buf header_line; /* the header line being read */
    size_t header_bytes;    /* headers of the current part so far */
    const char *disposition, *part_type;

    enum mp_part part;
    const char *name, *filename;
    struct buf value; /* a non-file field's value */

    struct http_params form;
    size_t form_cap;
};

/* bchars of RFC 2046; notably no CR, which the delimiter search relies on. */
static bool is_boundary_char(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c != '\0' && strchr("'()+_,-./:=? ", c));
}

static int mp_fail(struct http_multipart *m, int err, const char *message, const char *field)
{
    m->err = err;
    m->perr.message = message;
    m->perr.field = field;
    return err;
}

int http_multipart_begin(struct arena *a, const char *content_type,
                         const struct http_parse_limits *lim,
                         const struct http_multipart_sink *sink, struct http_multipart **out,
                         struct http_parse_error *perr)
{
    *out = NULL;
    const char *boundary = http_media_type_param(a, content_type, "boundary");
    size_t blen = boundary ? strlen(boundary) : 0;
    bool ok = blen > 0 && blen <= MULTIPART_BOUNDARY_MAX && boundary[blen - 1] != ' ';
    for (size_t i = 0; ok && i < blen; i++)
        ok = is_boundary_char(boundary[i]);
    if (!ok)
        return fail(perr, ERR_INVALID,
                    "Le formulaire envoyé n'indique pas de délimiteur valide (boundary).", NULL);
    struct http_multipart *m = arena_calloc(a, 1, sizeof(*m));
    m->arena = a;
    m->lim = lim;
    m->sink = *sink;
    memcpy(m->delim, "\r\n--", 4);
    memcpy(m->delim + 4, boundary, blen);
    m->delim_len = 4 + blen;
    /* The first delimiter may open the body without a CRLF before it: pretend one was seen. */
    m->matched = 2;
    m->state = MP_PREAMBLE;
    buf_init(&m->header_line, a, lim->header_bytes);
    buf_init(&m->value, a, lim->value_bytes);
    *out = m;
    return 0;
}

/* Bytes of the current part's content. */
static int mp_emit(struct http_multipart *m, const char *p, size_t n)
{
    if (!n || m->state != MP_BODY)
        return 0;
    switch (m->part) {
    case PART_FIELD: {
        /* Of the two limits, report the one the bytes cross first, so that the answer does not
         * depend on how the body was cut into chunks on its way. */
        size_t field_room = m->lim->value_bytes - m->value.len;
        size_t form_room = m->lim->form_bytes - m->form_bytes;
        if (n > field_room && field_room <= form_room)
            return mp_fail(m, ERR_TOO_BIG,
                           arena_printf(m->arena,
                                        "Le champ « %s » est trop long (%zu octets au plus).",
                                        m->name, m->lim->value_bytes),
                           m->name);
        if (n > form_room)
            return mp_fail(m, ERR_TOO_BIG,
                           arena_printf(m->arena,
                                        "Les champs du formulaire sont trop longs "
                                        "(%zu octets au plus en tout).",
                                        m->lim->form_bytes),
                           m->name);
        buf_add(&m->value, p, n);
        m->form_bytes += n;
        return 0;
    }
    case PART_FILE: {
        int rc = m->sink.data(m->sink.ctx, p, n);
        if (rc < 0)
            return mp_fail(m, rc,
                           arena_printf(m->arena,
                                        "Le fichier du champ « %s » n'a pas pu être enregistré.",
                                        m->name),
                           m->name);
        return 0;
    }
    case PART_SKIP: return 0;
    }
    return 0;
}

static int mp_part_end(struct http_multipart *m)
{
    if (m->part == PART_FIELD) {
        const char *v = buf_cstr(&m->value);
        size_t n = m->value.len;
        if (!utf8_valid(v, n) || memchr(v, '\0', n))
            return mp_fail(
                m, ERR_INVALID,
                arena_printf(m->arena, "Le champ « %s » n'est pas en UTF-8 valide.", m->name),
                m->name);
        params_push(m->arena, &m->form, &m->form_cap, m->name, v);
        /* The value now belongs to the form; the next field gets a new buffer. */
        buf_init(&m->value, m->arena, m->lim->value_bytes);
    } else if (m->part == PART_FILE) {
        int rc = m->sink.end(m->sink.ctx);
        if (rc < 0)
            return mp_fail(m, rc,
                           arena_printf(m->arena,
                                        "Le fichier du champ « %s » n'a pas pu être enregistré.",
                                        m->name),
                           m->name);
    }
    return 0;
}

static int mp_header_line(struct http_multipart *m, struct str line)
{
    const char *colon = memchr(line.p, ':', line.len);
    if (!colon)
        return mp_fail(m, ERR_INVALID,
                       "Le formulaire envoyé est mal formé (en-tête de partie invalide).", NULL);
    struct str name = trim_ows((struct str){line.p, (size_t)(colon - line.p)});
    struct str value = trim_ows((struct str){colon + 1, (size_t)(line.p + line.len - colon - 1)});
    if (str_case_eq_cstr(name, "Content-Disposition") && !m->disposition)
        m->disposition = str_dup(value, m->arena);
    else if (str_case_eq_cstr(name, "Content-Type") && !m->part_type)
        m->part_type = str_dup(value, m->arena);
    return 0;
}

/* The blank line after a part's headers: decide what the part is. */
static int mp_part_begin(struct http_multipart *m)
{
    const char *d = m->disposition;
    const char *type = d ? http_media_type(m->arena, d) : NULL;
    if (!type || strcmp(type, "form-data") != 0)
        return mp_fail(m, ERR_INVALID,
                       "Le formulaire envoyé est mal formé (partie sans Content-Disposition "
                       "form-data).",
                       NULL);
    const char *name = header_param(m->arena, str_from(d), "name");
    if (!name || !*name)
        return mp_fail(m, ERR_INVALID,
                       "Le formulaire envoyé est mal formé (partie sans nom de champ).", NULL);
    size_t nlen = strlen(name);
    if (!printable_name(name, nlen))
        return mp_fail(m, ERR_INVALID, "Un nom de champ n'est pas en UTF-8 valide.", NULL);
    if (nlen > m->lim->name_bytes)
        return mp_fail(m, ERR_TOO_BIG,
                       arena_printf(m->arena, "Un nom de champ est trop long (%zu octets au plus).",
                                    m->lim->name_bytes),
                       NULL);
    m->name = name;
    const char *filename = header_param(m->arena, str_from(d), "filename");
    if (filename && !utf8_valid(filename, strlen(filename)))
        return mp_fail(m, ERR_INVALID,
                       arena_printf(m->arena,
                                    "Le nom du fichier du champ « %s » n'est pas en UTF-8 valide.",
                                    name),
                       name);
    if (m->part_type && !utf8_valid(m->part_type, strlen(m->part_type)))
        return mp_fail(m, ERR_INVALID,
                       arena_printf(m->arena,
                                    "Le type du fichier du champ « %s » n'est pas en UTF-8 valide.",
                                    name),
                       name);
    if (!filename) {
        if (m->form.n == m->lim->fields)
            return mp_fail(m, ERR_TOO_BIG,
                           arena_printf(m->arena, "Trop de champs (%zu au plus).", m->lim->fields),
                           NULL);
        m->part = PART_FIELD;
        buf_reset(&m->value);
        return 0;
    }
    if (!*filename) {
        m->part = PART_SKIP; /* a file input left empty */
        return 0;
    }
    if (m->files == m->lim->files)
        return mp_fail(
            m, ERR_TOO_BIG,
            arena_printf(m->arena, "Trop de fichiers envoyés (%zu au plus).", m->lim->files), name);
    m->files++;
    m->part = PART_FILE;
    m->filename = filename;
    const char *ptype = m->part_type ? m->part_type : "application/octet-stream";
    int rc = m->sink.begin(m->sink.ctx, name, filename, ptype);
    if (rc < 0)
        return mp_fail(
            m, rc,
            arena_printf(m->arena, "Le fichier du champ « %s » n'a pas pu être enregistré.", name),
            name);
    return 0;
}

/* A whole delimiter has been matched. */
static int mp_delimiter(struct http_multipart *m)
{
    if (m->state == MP_BODY) {
        int rc = mp_part_end(m);
        if (rc < 0)
            return rc;
    }
    m->state = MP_AFTER_DELIM;
    return 0;
}

/*
 * Scans p[0..n) for the delimiter while in MP_PREAMBLE or MP_BODY; returns how many bytes were
 * consumed (up to and including a complete delimiter). The delimiter starts with the only CR it
 * contains (bchars exclude CR), so no proper suffix of a partial match can start another match:
 * on a mismatch, the matched bytes are content and the search restarts at the current byte. The
 * partial match is remembered across chunks as a count, its bytes being those of m->delim.
 */
static size_t mp_scan(struct http_multipart *m, const char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (m->matched == 0) {
            const char *cr = memchr(p + i, '\r', n - i);
            if (!cr) {
                i = n;
                break;
            }
            i = (size_t)(cr - p) + 1;
            m->matched = 1;
            continue;
        }
        if (p[i] == m->delim[m->matched]) {
            m->matched++;
            i++;
            if (m->matched == m->delim_len) {
                /* The bytes of p before the delimiter are content. */
                size_t in_chunk = i < m->delim_len ? i : m->delim_len;
                size_t content_end = i - in_chunk;
                if (mp_emit(m, p, content_end) < 0)
                    return n;
                m->matched = 0;
                if (mp_delimiter(m) < 0)
                    return n;
                return i;
            }
            continue;
        }
        /* Mismatch: the partial match was content. Part of it may be in p (from the match's
         * start), part from an earlier chunk (then only its bytes in m->delim are known). */
        size_t in_chunk = i < m->matched ? i : m->matched;
        size_t from_before = m->matched - in_chunk;
        if (from_before) {
            if (mp_emit(m, m->delim, from_before) < 0)
                return n;
        }
        m->matched = 0;
        /* p[i] is examined again with no match in progress; p[0..i) stays content, emitted with
         * what follows it. */
    }
    /* Keep the partial match out of the content for now: it may be the delimiter's start. */
    size_t in_chunk = i < m->matched ? i : m->matched;
    size_t content_end = i - in_chunk;
    mp_emit(m, p, content_end);
    return n;
}

static size_t mp_headers(struct http_multipart *m, const char *p, size_t n)
{
    size_t i = 0;
    while (i < n && !m->err) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - p) : n;
        m->header_bytes += end - i + (nl ? 1 : 0);
        if (m->header_bytes > m->lim->header_bytes) {
            mp_fail(m, ERR_TOO_BIG, "Le formulaire envoyé est mal formé (en-têtes trop longs).",
                    NULL);
            return n;
        }
        buf_add(&m->header_line, p + i, end - i);
        if (!nl)
            return n;
        i = end + 1;
        struct str line = buf_str(&m->header_line);
        if (line.len && line.p[line.len - 1] == '\r')
            line.len--;
        if (line.len == 0) {
            if (mp_part_begin(m) < 0)
                return n;
            m->state = MP_BODY;
            m->matched = 0;
            return i;
        }
        if (mp_header_line(m, line) < 0)
            return n;
        buf_reset(&m->header_line);
    }
    return i;
}

static void mp_start_headers(struct http_multipart *m)
{
    m->state = MP_HEADERS;
    m->header_bytes = 0;
    buf_reset(&m->header_line);
    m->disposition = m->part_type = NULL;
    m->name = m->filename = NULL;
    m->part = PART_SKIP;
}

int http_multipart_feed(struct http_multipart *m, const char *p, size_t n,
                        struct http_parse_error *perr)
{
    /* Only the bytes within the limit are parsed, then the limit fails: an error earlier in the
     * body is found whatever the size of the chunks. */
    bool over = false;
    if (!m->err && n > m->lim->total_bytes - m->total) {
        n = m->lim->total_bytes - m->total;
        over = true;
    }
    m->total += n;
    size_t i = 0;
    while (i < n && !m->err) {
        char c = p[i];
        switch (m->state) {
        case MP_PREAMBLE:
        case MP_BODY: i += mp_scan(m, p + i, n - i); break;
        case MP_HEADERS: i += mp_headers(m, p + i, n - i); break;
        case MP_AFTER_DELIM:
            i++;
            if (c == '-')
                m->state = MP_CLOSE_DASH;
            else if (c == '\r')
                m->state = MP_PADDING_CR;
            else if (c == ' ' || c == '\t')
                m->state = MP_PADDING;
            else
                mp_fail(m, ERR_INVALID, "Le formulaire envoyé est mal formé (délimiteur).", NULL);
            break;
        case MP_CLOSE_DASH:
            i++;
            if (c == '-')
                m->state = MP_EPILOGUE;
            else
                mp_fail(m, ERR_INVALID, "Le formulaire envoyé est mal formé (délimiteur).", NULL);
            break;
        case MP_PADDING:
            i++;
            if (c == '\r')
                m->state = MP_PADDING_CR;
            else if (c != ' ' && c != '\t')
                mp_fail(m, ERR_INVALID, "Le formulaire envoyé est mal formé (délimiteur).", NULL);
            break;
        case MP_PADDING_CR:
            i++;
            if (c == '\n')
                mp_start_headers(m);
            else
                mp_fail(m, ERR_INVALID, "Le formulaire envoyé est mal formé (délimiteur).", NULL);
            break;
        case MP_EPILOGUE: i = n; break;
        }
    }
    if (over && !m->err) {
        size_t max = m->lim->total_bytes;
        mp_fail(m, ERR_TOO_BIG,
                max >= 1024 * 1024
                    ? arena_printf(m->arena,
                                   "Le formulaire envoyé est trop volumineux (%zu Mo au plus).",
                                   max / (1024 * 1024))
                    : arena_printf(m->arena,
                                   "Le formulaire envoyé est trop volumineux (%zu octets au plus).",
                                   max),
                NULL);
    }
    if (m->err) {
        if (perr)
            *perr = m->perr;
        return m->err;
    }
    return 0;
}

int http_multipart_end(struct http_multipart *m, struct http_params *form,
                       struct http_parse_error *perr)
{
    form->items = NULL;
    form->n = 0;
    if (!m->err && m->state != MP_EPILOGUE) {
        if (m->state == MP_BODY && m->name)
            mp_fail(m, ERR_INVALID,
                    arena_printf(m->arena,
                                 "Le formulaire envoyé est incomplet : le champ « %s » est "
                                 "tronqué.",
                                 m->name),
                    m->name);
        else
            mp_fail(m, ERR_INVALID, "Le formulaire envoyé est incomplet.", NULL);
    }
    if (m->err) {
        if (perr)
            *perr = m->perr;
        return m->err;
    }
    *form = m->form;
    return 0;
}
