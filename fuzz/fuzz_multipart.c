/*
 * libFuzzer target: a multipart/form-data body. The first byte chooses a chunk size, the second
 * whether the Content-Type comes from the input (up to the first newline) or is fixed. The body is
 * parsed twice, in one piece and in chunks: both parses must agree on everything (result, message,
 * fields, files and their bytes), since a delimiter may straddle any two chunks on the wire.
 */
#include <stdint.h>

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FILES 4

struct result {
    int rc;
    struct http_parse_error perr;
    struct http_params form;
    size_t n_files;
    bool open;
    const char *field[MAX_FILES], *filename[MAX_FILES], *type[MAX_FILES];
    struct buf content[MAX_FILES];
    struct arena *arena;
};

static int sink_begin(void *ctx, const char *field, const char *filename, const char *type)
{
    struct result *r = ctx;
    ASSERT(!r->open && r->n_files < MAX_FILES);
    ASSERT(utf8_valid(field, strlen(field)) && *filename);
    ASSERT(utf8_valid(filename, strlen(filename)) && utf8_valid(type, strlen(type)));
    r->field[r->n_files] = field;
    r->filename[r->n_files] = filename;
    r->type[r->n_files] = type;
    buf_init(&r->content[r->n_files], r->arena, 1 << 20);
    r->open = true;
    return 0;
}

static int sink_data(void *ctx, const char *p, size_t n)
{
    struct result *r = ctx;
    ASSERT(r->open && n > 0);
    buf_add(&r->content[r->n_files], p, n);
    return 0;
}

static int sink_end(void *ctx)
{
    struct result *r = ctx;
    ASSERT(r->open);
    r->open = false;
    r->n_files++;
    return 0;
}

static const struct http_parse_limits lim = {
    .total_bytes = 1024,
    .fields = 6,
    .name_bytes = 24,
    .value_bytes = 64,
    .form_bytes = 200,
    .files = MAX_FILES,
    .header_bytes = 256,
};

static void parse(struct arena *a, const char *ct, const char *body, size_t len, size_t chunk,
                  struct result *r)
{
    memset(r, 0, sizeof(*r));
    r->arena = a;
    struct http_multipart_sink sink = {sink_begin, sink_data, sink_end, r};
    struct http_multipart *m;
    r->rc = http_multipart_begin(a, ct, &lim, &sink, &m, &r->perr);
    if (r->rc < 0)
        return;
    for (size_t i = 0; i < len; i += chunk) {
        r->rc = http_multipart_feed(m, body + i, len - i < chunk ? len - i : chunk, &r->perr);
        if (r->rc < 0)
            return;
    }
    r->rc = http_multipart_end(m, &r->form, &r->perr);
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t chunk = 1 + data[0] % 97;
    bool own_type = data[1] & 1;
    const char *body = (const char *)data + 2;
    size_t len = size - 2;
    struct arena a = ARENA_INIT;
    const char *ct = "multipart/form-data; boundary=XyZzy";
    if (own_type) {
        const char *nl = memchr(body, '\n', len);
        size_t n = nl ? (size_t)(nl - body) : len;
        ct = arena_strndup(&a, body, n);
        body += nl ? n + 1 : n;
        len -= nl ? n + 1 : n;
    }
    struct result whole, chunked;
    parse(&a, ct, body, len, len ? len : 1, &whole);
    parse(&a, ct, body, len, chunk, &chunked);
    ASSERT(whole.rc == chunked.rc);
    if (whole.rc < 0) {
        fuzz_check_error(whole.rc, &whole.perr);
        ASSERT(same_str(whole.perr.message, chunked.perr.message));
        ASSERT(same_str(whole.perr.field, chunked.perr.field));
    } else {
        fuzz_check_params(&whole.form, &lim);
        ASSERT(whole.form.n == chunked.form.n);
        for (size_t i = 0; i < whole.form.n; i++) {
            ASSERT(strcmp(whole.form.items[i].name, chunked.form.items[i].name) == 0);
            ASSERT(strcmp(whole.form.items[i].value, chunked.form.items[i].value) == 0);
        }
        ASSERT(!whole.open && !chunked.open);
        ASSERT(whole.n_files == chunked.n_files);
        for (size_t i = 0; i < whole.n_files; i++) {
            ASSERT(same_str(whole.field[i], chunked.field[i]));
            ASSERT(same_str(whole.filename[i], chunked.filename[i]));
            ASSERT(same_str(whole.type[i], chunked.type[i]));
            ASSERT(whole.content[i].len == chunked.content[i].len);
            ASSERT(memcmp(buf_cstr(&whole.content[i]), buf_cstr(&chunked.content[i]),
                          whole.content[i].len) == 0);
        }
    }
    arena_release(&a);
    return 0;
}
