/* Unit tests of the link checker against a small HTTP server run by the test on 127.0.0.1: 200,
 * permanent and temporary redirections (each hop recorded), 404, a server that refuses HEAD, a
 * redirection loop, a server that never answers (timeout), refused schemes and private addresses,
 * and the per-host politeness (never two requests at once to one host). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/arena.h"
#include "ressources/linkcheck.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct server {
    int fd;
    unsigned port;
    pthread_t thread;
    pthread_mutex_t lock;
    int active, max_active;
    int heads, gets; /* requests seen, by method */
    char paths[64][80];
    int n_paths;
};

static struct server srv;

struct conn {
    int fd;
};

static void reply(int fd, const char *status, const char *extra, bool head)
{
    char out[512];
    const char *body = "bonjour\n";
    int n = snprintf(out, sizeof(out),
                     "HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n%s"
                     "Connection: close\r\n\r\n%s",
                     status, strlen(body), extra, head ? "" : body);
    ssize_t w = write(fd, out, (size_t)n);
    (void)w;
}

static void *serve_conn(void *arg)
{
    struct conn *c = arg;
    char req[2048];
    size_t len = 0;
    while (len < sizeof(req) - 1) {
        ssize_t r = read(c->fd, req + len, sizeof(req) - 1 - len);
        if (r <= 0)
            break;
        len += (size_t)r;
        req[len] = '\0';
        if (strstr(req, "\r\n\r\n"))
            break;
    }
    req[len] = '\0';
    char method[8] = "", path[64] = "";
    sscanf(req, "%7s %63s", method, path);
    bool head = strcmp(method, "HEAD") == 0;
    pthread_mutex_lock(&srv.lock);
    if (head)
        srv.heads++;
    else
        srv.gets++;
    if (srv.n_paths < 64)
        snprintf(srv.paths[srv.n_paths++], sizeof(srv.paths[0]), "%s %s", method, path);
    pthread_mutex_unlock(&srv.lock);

    if (strcmp(path, "/lent") == 0) {
        /* Never answers: waits for the client to give up and close. */
        struct pollfd p = {c->fd, POLLIN, 0};
        poll(&p, 1, 10000);
    }
    /* The request is over for the server before its answer leaves: the client can only start
     * its next request after this. */
    pthread_mutex_lock(&srv.lock);
    srv.active--;
    pthread_mutex_unlock(&srv.lock);
    if (strcmp(path, "/ok") == 0)
        reply(c->fd, "200 OK", "", head);
    else if (strcmp(path, "/ancien") == 0)
        reply(c->fd, "301 Moved Permanently", "Location: /ok\r\n", head);
    else if (strcmp(path, "/temporaire") == 0)
        reply(c->fd, "302 Found", "Location: /ok\r\n", head);
    else if (strcmp(path, "/etape1") == 0)
        reply(c->fd, "308 Permanent Redirect", "Location: /etape2\r\n", head);
    else if (strcmp(path, "/etape2") == 0)
        reply(c->fd, "302 Found", "Location: /ok\r\n", head);
    else if (strcmp(path, "/boucle") == 0)
        reply(c->fd, "301 Moved Permanently", "Location: /boucle\r\n", head);
    else if (strcmp(path, "/sans-head") == 0)
        reply(c->fd, head ? "405 Method Not Allowed" : "200 OK", "", head);
    else if (strcmp(path, "/lent") != 0)
        reply(c->fd, "404 Not Found", "", head);
    close(c->fd);
    free(c);
    return NULL;
}

static void *accept_loop(void *arg)
{
    (void)arg;
    for (;;) {
        int fd = accept(srv.fd, NULL, NULL);
        if (fd < 0)
            return NULL;
        pthread_mutex_lock(&srv.lock);
        if (++srv.active > srv.max_active)
            srv.max_active = srv.active;
        pthread_mutex_unlock(&srv.lock);
        struct conn *c = malloc(sizeof(*c));
        c->fd = fd;
        pthread_t t;
        pthread_create(&t, NULL, serve_conn, c);
        pthread_detach(t);
    }
}

static int start_server(void **state)
{
    (void)state;
    memset(&srv, 0, sizeof(srv));
    pthread_mutex_init(&srv.lock, NULL);
    srv.fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof(addr);
    if (bind(srv.fd, (struct sockaddr *)&addr, sizeof(addr)) || listen(srv.fd, 64) ||
        getsockname(srv.fd, (struct sockaddr *)&addr, &alen))
        return -1;
    srv.port = ntohs(addr.sin_port);
    pthread_create(&srv.thread, NULL, accept_loop, NULL);
    return 0;
}

static void reset_counts(void)
{
    pthread_mutex_lock(&srv.lock);
    srv.max_active = srv.active;
    srv.heads = srv.gets = srv.n_paths = 0;
    pthread_mutex_unlock(&srv.lock);
}

static const char *url(struct arena *a, const char *path)
{
    return arena_printf(a, "http://127.0.0.1:%u%s", srv.port, path);
}

static struct linkcheck_opts test_opts(void)
{
    struct linkcheck_opts o;
    linkcheck_opts_default(&o);
    o.allow_private = true;
    o.host_delay_ms = 5;
    o.timeout_ms = 2000;
    return o;
}

static void test_statuses_and_redirections(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct linkcheck_opts o = test_opts();
    const char *urls[] = {url(&a, "/ok"),     url(&a, "/ancien"), url(&a, "/temporaire"),
                          url(&a, "/etape1"), url(&a, "/absent"), url(&a, "/boucle")};
    struct linkcheck_result res[6];
    reset_counts();
    assert_int_equal(linkcheck_run(&o, &a, urls, 6, res), 0);

    assert_int_equal(res[0].state, LINKCHECK_OK);
    assert_int_equal(res[0].status, 200);
    assert_int_equal(res[0].n_hops, 0);
    assert_string_equal(res[0].final_url, urls[0]);

    /* 301 → 200: moved for good, the final address and the hop are recorded. */
    assert_int_equal(res[1].state, LINKCHECK_REDIRECTED);
    assert_int_equal(res[1].status, 200);
    assert_string_equal(res[1].final_url, urls[0]);
    assert_int_equal(res[1].n_hops, 1);
    assert_string_equal(res[1].hops[0].url, urls[1]);
    assert_int_equal(res[1].hops[0].status, 301);

    /* A temporary redirection is how many sites work: the link is fine, the hop is kept. */
    assert_int_equal(res[2].state, LINKCHECK_OK);
    assert_int_equal(res[2].n_hops, 1);
    assert_int_equal(res[2].hops[0].status, 302);

    /* 308 → 302 → 200: two hops, in order. */
    assert_int_equal(res[3].state, LINKCHECK_REDIRECTED);
    assert_int_equal(res[3].n_hops, 2);
    assert_string_equal(res[3].hops[0].url, urls[3]);
    assert_int_equal(res[3].hops[0].status, 308);
    assert_string_equal(res[3].hops[1].url, url(&a, "/etape2"));
    assert_int_equal(res[3].hops[1].status, 302);
    assert_string_equal(res[3].final_url, urls[0]);
    assert_string_equal(linkcheck_hops_json(&a, &res[3]),
                        arena_printf(&a,
                                     "[{\"url\":\"%s\",\"statut\":308},{\"url\":\"%s\",\"statut\":"
                                     "302}]",
                                     urls[3], url(&a, "/etape2")));

    /* 404: dead with its status; HEAD was asked again with GET before concluding. */
    assert_int_equal(res[4].state, LINKCHECK_DEAD);
    assert_int_equal(res[4].status, 404);
    assert_true(res[4].used_get);
    assert_null(res[4].error);

    assert_int_equal(res[5].state, LINKCHECK_DEAD);
    assert_string_equal(res[5].error, "boucle de redirections");
    arena_release(&a);
}

static void test_head_refused_then_get(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct linkcheck_opts o = test_opts();
    const char *urls[] = {url(&a, "/sans-head")};
    struct linkcheck_result res[1];
    reset_counts();
    assert_int_equal(linkcheck_run(&o, &a, urls, 1, res), 0);
    assert_int_equal(res[0].state, LINKCHECK_OK);
    assert_int_equal(res[0].status, 200);
    assert_true(res[0].used_get);
    assert_int_equal(srv.heads, 1);
    assert_int_equal(srv.gets, 1);
    assert_string_equal(srv.paths[0], "HEAD /sans-head");
    assert_string_equal(srv.paths[1], "GET /sans-head");
    arena_release(&a);
}

static void test_timeout(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct linkcheck_opts o = test_opts();
    o.timeout_ms = 300;
    const char *urls[] = {url(&a, "/lent"), url(&a, "/ok")};
    struct linkcheck_result res[2];
    assert_int_equal(linkcheck_run(&o, &a, urls, 2, res), 0);
    assert_int_equal(res[0].state, LINKCHECK_DEAD);
    assert_int_equal(res[0].status, 0);
    assert_non_null(strstr(res[0].error, "délai dépassé"));
    /* A timeout is not asked again with GET: it would only wait as long a second time. */
    assert_false(res[0].used_get);
    assert_int_equal(res[1].state, LINKCHECK_OK);
    arena_release(&a);
}

static void test_refused_addresses(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct linkcheck_opts o = test_opts();
    o.allow_private = false;
    const char *urls[] = {url(&a, "/ok"), "ftp://example.org/fichier", "pas une adresse",
                          "javascript:alert(1)"};
    struct linkcheck_result res[4];
    reset_counts();
    assert_int_equal(linkcheck_run(&o, &a, urls, 4, res), 0);
    assert_int_equal(res[0].state, LINKCHECK_DEAD);
    assert_non_null(strstr(res[0].error, "réseau privé"));
    for (int i = 1; i < 4; i++) {
        assert_int_equal(res[i].state, LINKCHECK_DEAD);
        assert_non_null(strstr(res[i].error, "adresse invalide"));
    }
    /* Nothing reached the server. */
    assert_int_equal(srv.heads + srv.gets, 0);
    arena_release(&a);
}

static void test_one_request_at_a_time_per_host(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct linkcheck_opts o = test_opts();
    o.max_parallel = 8;
    o.per_host = 1;
    const char *urls[8];
    for (int i = 0; i < 8; i++)
        urls[i] = url(&a, i % 2 ? "/ok" : "/ancien");
    struct linkcheck_result res[8];
    reset_counts();
    assert_int_equal(linkcheck_run(&o, &a, urls, 8, res), 0);
    for (int i = 0; i < 8; i++)
        assert_int_equal(res[i].state, i % 2 ? LINKCHECK_OK : LINKCHECK_REDIRECTED);
    assert_int_equal(srv.max_active, 1);
    assert_int_equal(srv.heads, 12); /* 8 addresses and 4 redirections */
    arena_release(&a);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statuses_and_redirections),
        cmocka_unit_test(test_head_refused_then_get),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_refused_addresses),
        cmocka_unit_test(test_one_request_at_a_time_per_host),
    };
    int failed =
        cmocka_run_group_tests_name("ressources-qualite-linkcheck", tests, start_server, NULL);
    curl_global_cleanup();
    return failed;
}
