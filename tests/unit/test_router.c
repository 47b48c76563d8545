/* Unit tests of src/http/router.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/err.h"
#include "http/router.h"

/* Handlers are told apart by address only. */
static int h_list(struct http_request *req, struct http_response *resp)
{
    (void)req;
    (void)resp;
    return 0;
}
static int h_new(struct http_request *req, struct http_response *resp)
{
    (void)req;
    (void)resp;
    return 1;
}
static int h_show(struct http_request *req, struct http_response *resp)
{
    (void)req;
    (void)resp;
    return 2;
}
static int h_update(struct http_request *req, struct http_response *resp)
{
    (void)req;
    (void)resp;
    return 3;
}
static int h_files(struct http_request *req, struct http_response *resp)
{
    (void)req;
    (void)resp;
    return 4;
}
static int h_root(struct http_request *req, struct http_response *resp)
{
    (void)req;
    (void)resp;
    return 5;
}

struct fixture {
    struct router *router;
    struct arena arena;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->router = router_new();
    arena_init(&f->arena);
    /* The parameter route comes first: specificity, not order, must decide. */
    router_add(f->router, &(struct route){HTTP_GET | HTTP_POST, "/lieux/{id}", h_show, 0, NULL});
    router_add(f->router, &(struct route){HTTP_GET, "/lieux/nouveau", h_new, 0, NULL});
    router_add(f->router, &(struct route){HTTP_GET, "/lieux", h_list, 0, NULL});
    router_add(f->router,
               &(struct route){HTTP_PUT, "/lieux/{id}/horaires/{jour}", h_update, 0, NULL});
    router_add(f->router, &(struct route){HTTP_GET, "/fichiers/{chemin*}", h_files, 0, NULL});
    router_add(f->router, &(struct route){HTTP_GET, "/café", h_root, 0, NULL});
    router_add(f->router, &(struct route){HTTP_GET, "/", h_root, 0, NULL});
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    router_free(f->router);
    arena_release(&f->arena);
    free(f);
    return 0;
}

static const struct route *match(struct fixture *f, enum http_method m, const char *path,
                                 struct http_params *params, int *err)
{
    return router_match(f->router, m, path, &f->arena, params, err);
}

static void test_literal_beats_param(void **state)
{
    struct fixture *f = *state;
    struct http_params ps;
    int err = 1;
    const struct route *r = match(f, HTTP_GET, "/lieux/nouveau", &ps, &err);
    assert_non_null(r);
    assert_ptr_equal(r->handler, h_new);
    assert_int_equal(err, 0);
    assert_int_equal(ps.n, 0);

    r = match(f, HTTP_GET, "/lieux/42", &ps, &err);
    assert_non_null(r);
    assert_ptr_equal(r->handler, h_show);
    assert_int_equal(ps.n, 1);
    assert_string_equal(ps.items[0].name, "id");
    assert_string_equal(ps.items[0].value, "42");
}

static void test_method_chooses_among_matches(void **state)
{
    struct fixture *f = *state;
    struct http_params ps;
    int err;
    /* The literal route has no POST; the parameter route has. */
    const struct route *r = match(f, HTTP_POST, "/lieux/nouveau", &ps, &err);
    assert_non_null(r);
    assert_ptr_equal(r->handler, h_show);
    assert_string_equal(ps.items[0].value, "nouveau");
}

static void test_two_params(void **state)
{
    struct fixture *f = *state;
    struct http_params ps;
    int err;
    const struct route *r = match(f, HTTP_PUT, "/lieux/7/horaires/lundi", &ps, &err);
    assert_non_null(r);
    assert_ptr_equal(r->handler, h_update);
    assert_int_equal(ps.n, 2);
    assert_string_equal(ps.items[0].value, "7");
    assert_string_equal(ps.items[1].name, "jour");
    assert_string_equal(ps.items[1].value, "lundi");
}

static void test_rest_param(void **state)
{
    struct fixture *f = *state;
    struct http_params ps;
    int err;
    const struct route *r = match(f, HTTP_GET, "/fichiers/a/b%20c/d.txt", &ps, &err);
    assert_non_null(r);
    assert_ptr_equal(r->handler, h_files);
    assert_string_equal(ps.items[0].name, "chemin");
    assert_string_equal(ps.items[0].value, "a/b c/d.txt");
}

static void test_head_matches_get(void **state)
{
    struct fixture *f = *state;
    struct http_params ps;
    int err;
    const struct route *r = match(f, HTTP_HEAD, "/lieux", &ps, &err);
    assert_non_null(r);
    assert_ptr_equal(r->handler, h_list);
    /* But HEAD does not match a route without GET. */
    assert_null(match(f, HTTP_HEAD, "/lieux/1/horaires/mardi", &ps, &err));
    assert_int_equal(err, ERR_METHOD);
}

static void test_method_vs_not_found(void **state)
{
    struct fixture *f = *state;
    struct http_params ps;
    int err = 0;
    assert_null(match(f, HTTP_DELETE, "/lieux/3", &ps, &err));
    assert_int_equal(err, ERR_METHOD);
    unsigned allowed = router_methods(f->router, "/lieux/3", &f->arena);
    assert_int_equal(allowed, HTTP_GET | HTTP_HEAD | HTTP_POST);

    assert_null(match(f, HTTP_GET, "/structures", &ps, &err));
    assert_int_equal(err, ERR_NOT_FOUND);
    assert_int_equal(router_methods(f->router, "/structures", &f->arena), 0);

    /* A trailing slash or an empty segment is another path. */
    assert_null(match(f, HTTP_GET, "/lieux/", &ps, &err));
    assert_int_equal(err, ERR_NOT_FOUND);
    assert_null(match(f, HTTP_GET, "/lieux//horaires/x", &ps, &err));
    assert_int_equal(err, ERR_NOT_FOUND);
}

static void test_percent_decoding(void **state)
{
    struct fixture *f = *state;
    struct http_params ps;
    int err;
    const struct route *r = match(f, HTTP_GET, "/caf%C3%A9", &ps, &err);
    assert_non_null(r);
    assert_ptr_equal(r->handler, h_root);
    /* An encoded slash stays inside its segment. */
    r = match(f, HTTP_GET, "/lieux/a%2Fb", &ps, &err);
    assert_non_null(r);
    assert_ptr_equal(r->handler, h_show);
    assert_string_equal(ps.items[0].value, "a/b");
    /* Encoded literal text matches the literal. */
    r = match(f, HTTP_GET, "/lieux/nouv%65au", &ps, &err);
    assert_ptr_equal(r->handler, h_new);
}

static void test_invalid_paths(void **state)
{
    struct fixture *f = *state;
    struct http_params ps;
    int err;
    assert_null(match(f, HTTP_GET, "/lieux/%zz", &ps, &err));
    assert_int_equal(err, ERR_INVALID);
    assert_null(match(f, HTTP_GET, "/lieux/%C3", &ps, &err));
    assert_int_equal(err, ERR_INVALID);
    assert_null(match(f, HTTP_GET, "/lieux/a%00b", &ps, &err));
    assert_int_equal(err, ERR_INVALID);
    assert_null(match(f, HTTP_GET, "lieux", &ps, &err));
    assert_int_equal(err, ERR_INVALID);
}

static void test_root_and_listing(void **state)
{
    struct fixture *f = *state;
    struct http_params ps;
    int err;
    const struct route *r = match(f, HTTP_GET, "/", &ps, &err);
    assert_non_null(r);
    assert_string_equal(r->pattern, "/");
    assert_int_equal(router_count(f->router), 7);
    assert_string_equal(router_at(f->router, 0)->pattern, "/lieux/{id}");
    assert_string_equal(router_at(f->router, 6)->pattern, "/");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_literal_beats_param, setup, teardown),
        cmocka_unit_test_setup_teardown(test_method_chooses_among_matches, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_params, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rest_param, setup, teardown),
        cmocka_unit_test_setup_teardown(test_head_matches_get, setup, teardown),
        cmocka_unit_test_setup_teardown(test_method_vs_not_found, setup, teardown),
        cmocka_unit_test_setup_teardown(test_percent_decoding, setup, teardown),
        cmocka_unit_test_setup_teardown(test_invalid_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_root_and_listing, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
