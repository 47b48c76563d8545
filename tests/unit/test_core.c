/* Unit tests of core: arena, buffers, strings, UTF-8, URL encoding, crypto helpers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/crypto.h"
#include "core/err.h"
#include "core/str.h"
#include "core/url.h"

#include <string.h>

static void test_arena_alignment_and_large_blocks(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    for (int i = 1; i < 200; i++) {
        void *p = arena_alloc(&a, (size_t)i);
        assert_int_equal((uintptr_t)p % 16, 0);
        memset(p, 0xAB, (size_t)i);
    }
    char *big = arena_alloc(&a, 1 << 20);
    memset(big, 1, 1 << 20);
    char *after = arena_strdup(&a, "encore");
    assert_string_equal(after, "encore");
    assert_true(a.total >= (1 << 20));
    arena_release(&a);
    assert_null(a.head);
}

static void test_arena_printf_and_grow(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    assert_string_equal(arena_printf(&a, "%s-%d", "lieu", 53), "lieu-53");
    int *v = arena_calloc(&a, 2, sizeof(int));
    v[0] = 1;
    v[1] = 2;
    v = arena_grow(&a, v, 2, 4, sizeof(int));
    assert_int_equal(v[1], 2);
    assert_int_equal(v[3], 0);
    arena_release(&a);
}

static void test_buf_cap_is_sticky(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct buf b;
    buf_init(&b, &a, 10);
    buf_adds(&b, "12345");
    buf_addf(&b, "%d", 678);
    assert_int_equal(buf_finish(&b), 0);
    assert_string_equal(buf_cstr(&b), "12345678");
    buf_adds(&b, "9AB"); /* would pass the cap */
    assert_int_equal(buf_finish(&b), ERR_TOO_BIG);
    buf_adds(&b, "C"); /* no-op after the error */
    assert_string_equal(buf_cstr(&b), "12345678");
    buf_reset(&b);
    assert_int_equal(buf_finish(&b), 0);
    assert_string_equal(buf_cstr(&b), "");
    arena_release(&a);
}

static void test_buf_heap_detach(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, NULL, 1 << 20);
    for (int i = 0; i < 1000; i++)
        buf_addch(&b, 'x');
    size_t n;
    char *p = buf_detach(&b, &n);
    assert_int_equal(n, 1000);
    assert_int_equal(strlen(p), 1000);
    free(p);
    assert_int_equal(b.len, 0);
}

static void test_str_to_int64(void **state)
{
    (void)state;
    int64_t v;
    assert_int_equal(cstr_to_int64("42", &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(cstr_to_int64("-9223372036854775808", &v), 0);
    assert_true(v == INT64_MIN);
    assert_int_equal(cstr_to_int64("9223372036854775807", &v), 0);
    assert_true(v == INT64_MAX);
    assert_int_equal(cstr_to_int64("9223372036854775808", &v), ERR_INVALID);
    assert_int_equal(cstr_to_int64("", &v), ERR_INVALID);
    assert_int_equal(cstr_to_int64("-", &v), ERR_INVALID);
    assert_int_equal(cstr_to_int64("12a", &v), ERR_INVALID);
    assert_int_equal(cstr_to_int64(" 1", &v), ERR_INVALID);
    assert_int_equal(cstr_to_int64(NULL, &v), ERR_INVALID);
}

static void test_str_helpers(void **state)
{
    (void)state;
    struct str s = str_trim(STR_LIT("  Laval \r\n"));
    assert_true(str_eq_cstr(s, "Laval"));
    assert_true(str_case_eq_cstr(STR_LIT("Content-Type"), "content-type"));
    assert_false(str_case_eq_cstr(STR_LIT("Content-Typ"), "content-type"));
    assert_true(str_starts_with(STR_LIT("/api/v1/lieux"), "/api/"));
    assert_true(str_secure_eq("abc", "abc", 3));
    assert_false(str_secure_eq("abc", "abd", 3));
}

static void test_utf8_validation(void **state)
{
    (void)state;
    const char *ok[] = {"", "Médiation numérique", "Œuvre", "𝄞 clef", "\xE2\x82\xAC"};
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        assert_true(utf8_valid(ok[i], strlen(ok[i])));
    const char *bad[] = {"\xC3",             /* truncated */
                         "\xC0\xAF",         /* overlong slash */
                         "\xE0\x80\xAF",     /* overlong */
                         "\xED\xA0\x80",     /* surrogate */
                         "\xF4\x90\x80\x80", /* above U+10FFFF */
                         "caf\xE9",          /* Latin-1 é */
                         "\x80"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(utf8_valid(bad[i], strlen(bad[i])));
}

static void test_url_encode(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    assert_string_equal(url_encode(&a, "/structures?x=1&y=é"), "%2Fstructures%3Fx%3D1%26y%3D%C3%A9");
    assert_string_equal(url_encode(&a, "a-b_c.d~"), "a-b_c.d~");
    arena_release(&a);
}

static void test_crypto_tokens(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    char *t1 = crypto_random_token(&a), *t2 = crypto_random_token(&a);
    assert_int_equal(strlen(t1), 43);
    assert_string_not_equal(t1, t2);
    for (const char *p = t1; *p; p++)
        assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", *p));
    /* SHA-256("abc") */
    assert_string_equal(crypto_sha256_hex(&a, "abc"),
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    char *m1 = crypto_hmac(&a, "secret", "s:1"), *m2 = crypto_hmac(&a, "secret", "s:2");
    assert_string_not_equal(m1, m2);
    assert_string_equal(m1, crypto_hmac(&a, "secret", "s:1"));
    assert_string_not_equal(m1, crypto_hmac(&a, "autre", "s:1"));
    arena_release(&a);
}

int main(void)
{
    crypto_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arena_alignment_and_large_blocks),
        cmocka_unit_test(test_arena_printf_and_grow),
        cmocka_unit_test(test_buf_cap_is_sticky),
        cmocka_unit_test(test_buf_heap_detach),
        cmocka_unit_test(test_str_to_int64),
        cmocka_unit_test(test_str_helpers),
        cmocka_unit_test(test_utf8_validation),
        cmocka_unit_test(test_url_encode),
        cmocka_unit_test(test_crypto_tokens),
    };
    return cmocka_run_group_tests_name("core", tests, NULL, NULL);
}
