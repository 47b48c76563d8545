/* Unit tests of src/http/server.c: a server on a free port with a small router, driven by libcurl.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <curl/curl.h>

#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "http/router.h"

static struct http_server *server;
static struct router *router;
static char web_dir[] = "/tmp/relais-test-web-XXXXXX";
static char upload_dir[] = "/tmp/relais-test-up-XXXXXX";
static atomic_int thread_contexts, render_errors, handler_calls;
static int thread_context_token;
static char last_upload_path[4096];

/* ---- the application under test ---- */

static void *make_thread_context(void *app)
{
    (void)app;
    atomic_fetch_add(&thread_contexts, 1);
    return &thread_context_token;
}

static int guard(struct http_request *req, struct http_response *resp, void *app)
{
    (void)resp;
    (void)app;
    if (http_header(req, "X-Refuse"))
        return http_fail(req, ERR_FORBIDDEN, "Accès refusé.", NULL);
    return 0;
}

static void render_error(struct http_request *req, struct http_response *resp, int err,
                         const char *message, const char *field, void *app)
{
    (void)req;
    (void)app;
    atomic_fetch_add(&render_errors, 1);
    resp->content_type = "text/plain; charset=utf-8";
    buf_addf(&resp->body, "ERREUR %s|%s|%s", err_name(err), message ? message : "-",
             field ? field : "-");
}

static int h_bonjour(struct http_request *req, struct http_response *resp)
{
    atomic_fetch_add(&handler_calls, 1);
    if (req->ctx != &thread_context_token)
        return ERR_INTERNAL;
    buf_addlit(&resp->body, "bonjour");
    http_resp_cookie(resp, "session", "abc123", NULL);
    return 0;
}

static int h_lieu(struct http_request *req, struct http_response *resp)
{
    const char *q = http_param(&req->query, "q");
    buf_addf(&resp->body, "lieu %s q=%s", http_path_param(req, "id"), q ? q : "-");
    return 0;
}

static int h_formulaire(struct http_request *req, struct http_response *resp)
{
    const char *nom = http_param(&req->form, "nom");
    buf_addf(&resp->body, "nom=%s", nom ? nom : "-");
    resp->status = 201;
    return 0;
}

/* Checks each uploaded file on disk against the bytes the test sent (the form field "octets" holds
 * the expected size, the content is i*7 mod 251). */
static int h_envoi(struct http_request *req, struct http_response *resp)
{
    for (size_t i = 0; i < req->n_uploads; i++) {
        const struct http_upload *up = &req->uploads[i];
        FILE *f = fopen(up->path, "rb");
        if (!f)
            return ERR_IO;
        size_t n = 0;
        int c;
        bool same = true;
        while ((c = fgetc(f)) != EOF) {
            same = same && c == (int)((n * 7) % 251);
            n++;
        }
        fclose(f);
        snprintf(last_upload_path, sizeof(last_upload_path), "%s", up->path);
        buf_addf(&resp->body, "%s:%s:%s:%zu:%zu:%s;", up->field, up->filename, up->content_type,
                 up->size, n, same ? "ok" : "diff");
    }
    const char *nom = http_param(&req->form, "nom");
    buf_addf(&resp->body, "nom=%s", nom ? nom : "-");
    return 0;
}

static int h_json(struct http_request *req, struct http_response *resp)
{
    json_t *out = json_object();
    json_object_set_new(out, "type", json_string(json_is_object(req->json) ? "objet" : "tableau"));
    json_object_set_new(out, "taille", json_integer((json_int_t)json_object_size(req->json)));
    http_json(resp, 200, out);
    return 0;
}

static int h_texte(struct http_request *req, struct http_response *resp)
{
    buf_addf(&resp->body, "%zu:%s", req->body_len, req->body ? req->body : "(null)");
    return 0;
}

static int h_erreur(struct http_request *req, struct http_response *resp)
{
    buf_addlit(&resp->body, "ne doit pas être envoyé");
    return http_fail(req, ERR_INVALID, "L'adresse électronique est invalide.", "email");
}

static int h_cache(struct http_request *req, struct http_response *resp)
{
    (void)req;
    http_resp_header(resp, "Cache-Control", "private, max-age=60");
    buf_addlit(&resp->body, "ok");
    return 0;
}

static int h_redirect(struct http_request *req, struct http_response *resp)
{
    (void)req;
    http_redirect(resp, "/bonjour");
    return 0;
}

static void write_file(const char *dir, const char *name, const char *content)
{
    char path[4200];
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
}

static int start(bool https, bool access_log, struct http_server **out)
{
    struct http_server_opts opts = {
        .bind = "127.0.0.1",
        .port = 0,
        .threads = 2,
        .web_dir = web_dir,
        .upload_dir = upload_dir,
        .https = https,
        .access_log = access_log,
    };
    struct http_hooks hooks = {
        .thread_context = make_thread_context,
        .guard = guard,
        .render_error = render_error,
    };
    return http_server_start(&opts, router, &hooks, out);
}

static int group_setup(void **state)
{
    (void)state;
    log_set_level(LOG_WARN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    assert_non_null(mkdtemp(web_dir));
    assert_non_null(mkdtemp(upload_dir));
    write_file(web_dir, "relais.3fa2b91c.css", "body{color:#000}");
    write_file(web_dir, "app.js", "console.log(1);");
    write_file(web_dir, ".secret", "secret");
    char sub[4200];
    snprintf(sub, sizeof(sub), "%s/sub", web_dir);
    mkdir(sub, 0700);
    write_file(sub, "note.txt", "note");
    router = router_new();
    router_add(router, &(struct route){HTTP_GET, "/bonjour", h_bonjour, 0, NULL});
    router_add(router, &(struct route){HTTP_GET, "/lieux/{id}", h_lieu, 0, NULL});
    router_add(router, &(struct route){HTTP_POST, "/formulaire", h_formulaire, 0, NULL});
    router_add(router, &(struct route){HTTP_POST, "/envoi", h_envoi, 0, NULL});
    router_add(router, &(struct route){HTTP_POST, "/api/json", h_json, 0, NULL});
    router_add(router, &(struct route){HTTP_POST, "/texte", h_texte, 0, NULL});
    router_add(router, &(struct route){HTTP_GET, "/erreur", h_erreur, 0, NULL});
    router_add(router, &(struct route){HTTP_GET, "/cache", h_cache, 0, NULL});
    router_add(router, &(struct route){HTTP_POST, "/redirection", h_redirect, 0, NULL});
    assert_int_equal(start(false, false, &server), 0);
    assert_true(http_server_port(server) > 0);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    http_server_stop(server);
    router_free(router);
    curl_global_cleanup();
    char cmd[200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", web_dir, upload_dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* ---- the client ---- */

struct reply {
    long status;
    struct buf body, headers;
    long new_connections;
};

static size_t collect(char *p, size_t size, size_t n, void *data)
{
    buf_add(data, p, size * n);
    return size * n;
}

struct request {
    const char *method, *path, *content_type, *body;
    size_t body_len;
    const char *header; /* one extra request header */
    curl_mime *mime;
    CURL *handle; /* reuse a connection */
    struct http_server *srv;
};

static struct arena client_arena;

static void send_request(const struct request *r, struct reply *out)
{
    CURL *c = r->handle ? r->handle : curl_easy_init();
    char url[9000];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", http_server_port(r->srv ? r->srv : server),
             r->path);
    buf_init(&out->body, &client_arena, 1 << 24);
    buf_init(&out->headers, &client_arena, 1 << 20);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &out->body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &out->headers);
    struct curl_slist *hs = NULL;
    if (r->header)
        hs = curl_slist_append(hs, r->header);
    if (r->content_type) {
        char ct[300];
        snprintf(ct, sizeof(ct), "Content-Type: %s", r->content_type);
        hs = curl_slist_append(hs, ct);
    }
    hs = curl_slist_append(hs, "Expect: 100-continue");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hs);
    if (r->mime) {
        curl_easy_setopt(c, CURLOPT_MIMEPOST, r->mime);
    } else if (r->body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->body_len);
    }
    const char *method = r->method ? r->method : "GET";
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    CURLcode rc = curl_easy_perform(c);
    if (rc != CURLE_OK)
        fail_msg("%s %s: %s", method, r->path, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &out->new_connections);
    curl_slist_free_all(hs);
    if (!r->handle)
        curl_easy_cleanup(c);
}

static struct reply get(const char *path)
{
    struct reply out;
    send_request(&(struct request){.path = path}, &out);
    return out;
}

static struct reply post(const char *path, const char *content_type, const char *body)
{
    struct reply out;
    send_request(&(struct request){.method = "POST",
                                   .path = path,
                                   .content_type = content_type,
                                   .body = body,
                                   .body_len = strlen(body)},
                 &out);
    return out;
}

/* The value of the last header called name (case-insensitive), or NULL. */
static const char *header(const struct reply *r, const char *name)
{
    const char *found = NULL;
    size_t n = strlen(name);
    const char *p = buf_cstr(&r->headers);
    while (*p) {
        const char *eol = strstr(p, "\r\n");
        if (!eol)
            break;
        if ((size_t)(eol - p) > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1;
            while (*v == ' ')
                v++;
            found = arena_strndup(&client_arena, v, (size_t)(eol - v));
        }
        p = eol + 2;
    }
    return found;
}

static void assert_security_headers(const struct reply *r)
{
    assert_string_equal(header(r, "Content-Security-Policy"),
                        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' "
                        "data: https:; font-src 'self'; connect-src 'self'; object-src 'none'; "
                        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
    assert_string_equal(header(r, "X-Content-Type-Options"), "nosniff");
    assert_string_equal(header(r, "Referrer-Policy"), "strict-origin-when-cross-origin");
    assert_string_equal(header(r, "X-Frame-Options"), "DENY");
    assert_string_equal(header(r, "Permissions-Policy"),
                        "geolocation=(self), camera=(), microphone=()");
    assert_string_equal(header(r, "Cross-Origin-Opener-Policy"), "same-origin");
    const char *id = header(r, "X-Request-Id");
    assert_non_null(id);
    assert_int_equal(strlen(id), 16);
    assert_int_equal(strspn(id, "0123456789abcdef"), 16);
}

/* ---- tests ---- */

static void test_hello(void **state)
{
    (void)state;
    struct reply r = get("/bonjour");
    assert_int_equal(r.status, 200);
    assert_string_equal(buf_cstr(&r.body), "bonjour");
    assert_security_headers(&r);
    assert_null(header(&r, "Strict-Transport-Security"));
    assert_string_equal(header(&r, "Content-Type"), "text/html; charset=utf-8");
    assert_string_equal(header(&r, "Cache-Control"), "no-store");
    assert_string_equal(header(&r, "Set-Cookie"), "session=abc123; Path=/; HttpOnly; SameSite=Lax");
    struct reply r2 = get("/bonjour");
    assert_string_not_equal(header(&r, "X-Request-Id"), header(&r2, "X-Request-Id"));
}

static void test_keep_alive(void **state)
{
    (void)state;
    CURL *c = curl_easy_init();
    struct reply r;
    send_request(&(struct request){.path = "/bonjour", .handle = c}, &r);
    assert_int_equal(r.new_connections, 1);
    send_request(&(struct request){.path = "/lieux/1", .handle = c}, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.new_connections, 0); /* the connection was kept */
    send_request(&(struct request){.path = "/absent", .handle = c}, &r);
    assert_int_equal(r.status, 404);
    send_request(&(struct request){.path = "/bonjour", .handle = c}, &r);
    assert_int_equal(r.new_connections, 0); /* even after an error */
    curl_easy_cleanup(c);
    /* Two worker threads: at most two contexts, however many requests. */
    assert_in_range(atomic_load(&thread_contexts), 1, 2);
}

static void test_path_and_query(void **state)
{
    (void)state;
    struct reply r = get("/lieux/caf%C3%A9?q=m%C3%A9diath%C3%A8que+de+Laval&x");
    assert_int_equal(r.status, 200);
    assert_string_equal(buf_cstr(&r.body), "lieu café q=médiathèque de Laval");
}

static void test_not_found_and_method(void **state)
{
    (void)state;
    int before = atomic_load(&render_errors);
    struct reply r = get("/absent");
    assert_int_equal(r.status, 404);
    assert_string_equal(buf_cstr(&r.body), "ERREUR not_found|-|-");
    assert_security_headers(&r);
    assert_string_equal(header(&r, "Cache-Control"), "no-store");
    send_request(&(struct request){.method = "DELETE", .path = "/lieux/3"}, &r);
    assert_int_equal(r.status, 405);
    assert_string_equal(header(&r, "Allow"), "GET, HEAD");
    assert_string_equal(buf_cstr(&r.body), "ERREUR method_not_allowed|-|-");
    assert_int_equal(atomic_load(&render_errors), before + 2);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    struct reply r = get("/lieux/%FF");
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(buf_cstr(&r.body), "n'est pas en UTF-8 valide"));
    r = get("/bonjour?ville=Laval%E9");
    assert_int_equal(r.status, 400);
    assert_string_equal(buf_cstr(&r.body),
                        "ERREUR invalid|Le champ « ville » n'est pas en UTF-8 valide.|ville");
    r = get("/lieux/a%00b");
    assert_int_equal(r.status, 400);
    /* One field more than LIMIT_FIELDS in the query string. */
    struct buf url;
    buf_init(&url, &client_arena, LIMIT_URL_BYTES);
    buf_addlit(&url, "/bonjour?");
    for (int i = 0; i <= LIMIT_FIELDS; i++)
        buf_addlit(&url, "a=1&");
    r = get(buf_cstr(&url));
    assert_int_equal(r.status, 413);
    assert_non_null(strstr(buf_cstr(&r.body), "ERREUR too_big|Trop de champs"));
    const char body[] = "nom=Espace+num%E9rique";
    r = post("/formulaire", "application/x-www-form-urlencoded", body);
    assert_int_equal(r.status, 400);
    assert_string_equal(buf_cstr(&r.body),
                        "ERREUR invalid|Le champ « nom » n'est pas en UTF-8 valide.|nom");
    send_request(&(struct request){.method = "POST",
                                   .path = "/texte",
                                   .content_type = "text/plain",
                                   .body = "\xe9t\xe9",
                                   .body_len = 3},
                 &r);
    assert_int_equal(r.status, 400);
}

static void test_form_and_raw_body(void **state)
{
    (void)state;
    struct reply r;
    const char body[] = "nom=Espace+num%C3%A9rique&autre=1";
    r = post("/formulaire", "application/x-www-form-urlencoded", body);
    assert_int_equal(r.status, 201);
    assert_string_equal(buf_cstr(&r.body), "nom=Espace numérique");
    send_request(&(struct request){.method = "POST",
                                   .path = "/texte",
                                   .content_type = "text/csv; charset=utf-8",
                                   .body = "a;b\n1;2\n",
                                   .body_len = 8},
                 &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(buf_cstr(&r.body), "8:a;b\n1;2\n");
}

static void test_too_big(void **state)
{
    (void)state;
    size_t n = 2 * 1024 * 1024;
    char *big = calloc(1, n);
    memset(big, 'a', n);
    struct reply r;
    /* Refused on the Content-Length, before the body is read. */
    send_request(&(struct request){.method = "POST",
                                   .path = "/formulaire",
                                   .content_type = "application/x-www-form-urlencoded",
                                   .body = big,
                                   .body_len = n},
                 &r);
    assert_int_equal(r.status, 413);
    assert_non_null(strstr(buf_cstr(&r.body), "trop volumineuses (1 Mo au plus)"));
    assert_security_headers(&r);
    /* Without a Content-Length (chunked), refused once the limit is passed. */
    size_t chunked = LIMIT_BODY_BYTES + 1000;
    send_request(&(struct request){.method = "POST",
                                   .path = "/texte",
                                   .content_type = "text/plain",
                                   .body = big,
                                   .body_len = chunked,
                                   .header = "Transfer-Encoding: chunked"},
                 &r);
    assert_int_equal(r.status, 413);
    free(big);
}

static void test_handler_fail_and_guard(void **state)
{
    (void)state;
    struct reply r = get("/erreur");
    assert_int_equal(r.status, 400);
    assert_string_equal(buf_cstr(&r.body),
                        "ERREUR invalid|L'adresse électronique est invalide.|email");
    int calls = atomic_load(&handler_calls);
    send_request(&(struct request){.path = "/bonjour", .header = "X-Refuse: oui"}, &r);
    assert_int_equal(r.status, 403);
    assert_string_equal(buf_cstr(&r.body), "ERREUR forbidden|Accès refusé.|-");
    assert_int_equal(atomic_load(&handler_calls), calls);
}

static void test_head(void **state)
{
    (void)state;
    struct reply r;
    send_request(&(struct request){.method = "HEAD", .path = "/bonjour"}, &r);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.body.len, 0);
    assert_string_equal(header(&r, "Content-Length"), "7");
    assert_security_headers(&r);
}

static void test_cache_control_and_redirect(void **state)
{
    (void)state;
    struct reply r = get("/cache");
    assert_string_equal(header(&r, "Cache-Control"), "private, max-age=60");
    send_request(
        &(struct request){.method = "POST", .path = "/redirection", .body = "", .body_len = 0}, &r);
    assert_int_equal(r.status, 303);
    assert_string_equal(header(&r, "Location"), "/bonjour");
}

static void test_json_body(void **state)
{
    (void)state;
    struct reply r;
    const char *ok = "{\"a\": 1, \"b\": [true]}";
    r = post("/api/json", "application/json", ok);
    assert_int_equal(r.status, 200);
    assert_string_equal(header(&r, "Content-Type"), "application/json; charset=utf-8");
    assert_string_equal(buf_cstr(&r.body), "{\"type\":\"objet\",\"taille\":2}");
    const char *bad = "{\"a\": 1,\n\"a\": 2}";
    r = post("/api/json", "application/json", bad);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(buf_cstr(&r.body), "JSON invalide à la ligne 2, colonne"));
}

static void test_static(void **state)
{
    (void)state;
    struct reply r = get("/static/relais.3fa2b91c.css?v=2");
    assert_int_equal(r.status, 200);
    assert_string_equal(buf_cstr(&r.body), "body{color:#000}");
    assert_string_equal(header(&r, "Content-Type"), "text/css; charset=utf-8");
    assert_string_equal(header(&r, "Cache-Control"), "public, max-age=31536000, immutable");
    assert_security_headers(&r);
    const char *etag = header(&r, "ETag");
    assert_non_null(etag);
    assert_int_equal(etag[0], '"');
    char inm[300];
    snprintf(inm, sizeof(inm), "If-None-Match: W/\"autre\", %s", etag);
    send_request(&(struct request){.path = "/static/relais.3fa2b91c.css", .header = inm}, &r);
    assert_int_equal(r.status, 304);
    assert_int_equal(r.body.len, 0);
    assert_string_equal(header(&r, "ETag"), etag);
    assert_security_headers(&r);
    send_request(&(struct request){.path = "/static/relais.3fa2b91c.css",
                                   .header = "If-None-Match: \"autre\""},
                 &r);
    assert_int_equal(r.status, 200);

    r = get("/static/app.js");
    assert_int_equal(r.status, 200);
    assert_string_equal(header(&r, "Cache-Control"), "no-cache");
    assert_string_equal(header(&r, "Content-Type"), "text/javascript; charset=utf-8");
    r = get("/static/sub/note.txt");
    assert_string_equal(buf_cstr(&r.body), "note");

    static const char *refused[] = {"/static/.secret",
                                    "/static/../static/app.js",
                                    "/static/sub/../app.js",
                                    "/static/sub%2F..%2F.secret",
                                    "/static/sub%5Cnote.txt",
                                    "/static/absent.css",
                                    "/static/sub",
                                    "/static/"};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        r = get(refused[i]);
        if (r.status != 404)
            fail_msg("%s: %ld", refused[i], r.status);
        assert_security_headers(&r);
    }
    send_request(
        &(struct request){.method = "POST", .path = "/static/app.js", .body = "x", .body_len = 1},
        &r);
    assert_int_equal(r.status, 405);
    assert_string_equal(header(&r, "Allow"), "GET, HEAD");
}

static void test_static_names(void **state)
{
    (void)state;
    assert_true(http_static_fingerprinted("relais.3fa2b91c.css"));
    assert_true(http_static_fingerprinted("js/leaflet.0123456789abcdef.min.js"));
    assert_false(http_static_fingerprinted("relais.3fa2b91.css"));  /* 7 digits */
    assert_false(http_static_fingerprinted("relais.3fa2b91g.css")); /* not hex */
    assert_false(http_static_fingerprinted("3fa2b91c.css"));        /* no name before */
    assert_false(http_static_fingerprinted("relais.css"));
    assert_false(http_static_fingerprinted("relais.3fa2b91c")); /* it is the extension */
    assert_true(http_static_path_ok("a/b.css"));
    assert_false(http_static_path_ok("a/../b.css"));
    assert_false(http_static_path_ok("a//b.css"));
    assert_false(http_static_path_ok(".env"));
    assert_false(http_static_path_ok("a\\b"));
    assert_false(http_static_path_ok(""));
}

static void test_multipart_upload(void **state)
{
    (void)state;
    size_t n = 300 * 1000;
    char *data = malloc(n);
    for (size_t i = 0; i < n; i++)
        data[i] = (char)((i * 7) % 251);
    CURL *c = curl_easy_init();
    curl_mime *mime = curl_mime_init(c);
    curl_mimepart *part = curl_mime_addpart(mime);
    curl_mime_name(part, "nom");
    curl_mime_data(part, "Médiathèque", CURL_ZERO_TERMINATED);
    part = curl_mime_addpart(mime);
    curl_mime_name(part, "fichier");
    curl_mime_filename(part, "lieux é.csv");
    curl_mime_type(part, "text/csv");
    curl_mime_data(part, data, n);
    struct reply r;
    send_request(&(struct request){.method = "POST", .path = "/envoi", .mime = mime, .handle = c},
                 &r);
    assert_int_equal(r.status, 200);
    char expected[200];
    snprintf(expected, sizeof(expected), "fichier:lieux é.csv:text/csv:%zu:%zu:ok;nom=Médiathèque",
             n, n);
    assert_string_equal(buf_cstr(&r.body), expected);
    /* The temporary file was in upload_dir and is removed once the request completes. */
    assert_int_equal(strncmp(last_upload_path, upload_dir, strlen(upload_dir)), 0);
    for (int i = 0; i < 200 && access(last_upload_path, F_OK) == 0; i++)
        usleep(10000);
    assert_int_not_equal(access(last_upload_path, F_OK), 0);
    curl_mime_free(mime);
    curl_easy_cleanup(c);
    free(data);

    /* A truncated multipart body names nothing but is refused. */
    const char *bad = "--x\r\nContent-Disposition: form-data; name=\"nom\"\r\n\r\nabc";
    r = post("/envoi", "multipart/form-data; boundary=x", bad);
    assert_int_equal(r.status, 400);
    assert_non_null(strstr(buf_cstr(&r.body), "|nom"));
}

static void test_https_and_stop(void **state)
{
    (void)state;
    struct http_server *srv;
    assert_int_equal(start(true, true, &srv), 0);
    assert_int_not_equal(http_server_port(srv), http_server_port(server));
    struct reply r;
    send_request(&(struct request){.path = "/bonjour", .srv = srv}, &r);
    assert_int_equal(r.status, 200);
    assert_string_equal(header(&r, "Strict-Transport-Security"),
                        "max-age=63072000; includeSubDomains");
    unsigned port = http_server_port(srv);
    /* A client that leaves in the middle of its headers, and one in the middle of its body: both
     * requests must be completed and freed, or the stop below waits for them in vain. */
    static const char *partial[] = {
        "GET /bonjour HTTP/1.1\r\nHost: x\r\nX-A",
        "POST /formulaire HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded"
        "\r\nContent-Length: 100\r\n\r\nnom=abc",
    };
    for (size_t i = 0; i < 2; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
        assert_int_equal(write(fd, partial[i], strlen(partial[i])), (ssize_t)strlen(partial[i]));
        usleep(50000);
        close(fd);
    }
    usleep(50000);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    http_server_stop(srv);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    assert_true(t1.tv_sec - t0.tv_sec < 2);
    /* Nothing listens there any more. */
    CURL *c = curl_easy_init();
    char url[100];
    snprintf(url, sizeof(url), "http://127.0.0.1:%u/bonjour", port);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    struct buf sink;
    buf_init(&sink, &client_arena, 1 << 20);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    assert_int_equal(curl_easy_perform(c), CURLE_COULDNT_CONNECT);
    curl_easy_cleanup(c);
}

int main(void)
{
    arena_init(&client_arena);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hello),          cmocka_unit_test(test_keep_alive),
        cmocka_unit_test(test_path_and_query), cmocka_unit_test(test_not_found_and_method),
        cmocka_unit_test(test_invalid_utf8),   cmocka_unit_test(test_form_and_raw_body),
        cmocka_unit_test(test_too_big),        cmocka_unit_test(test_handler_fail_and_guard),
        cmocka_unit_test(test_head),           cmocka_unit_test(test_cache_control_and_redirect),
        cmocka_unit_test(test_json_body),      cmocka_unit_test(test_static),
        cmocka_unit_test(test_static_names),   cmocka_unit_test(test_multipart_upload),
        cmocka_unit_test(test_https_and_stop),
    };
    int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
    arena_release(&client_arena);
    return failed;
}
