#include "core/mail.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "core/log.h"

#include <curl/curl.h>
#include <string.h>
#include <time.h>

struct payload {
    const char *p;
    size_t left;
};

static size_t read_payload(char *dst, size_t size, size_t nmemb, void *userp)
{
    struct payload *pl = userp;
    size_t n = size * nmemb;
    if (n > pl->left)
        n = pl->left;
    memcpy(dst, pl->p, n);
    pl->p += n;
    pl->left -= n;
    return n;
}

/* Header values come from the configuration and from our own French subjects; a CR or LF in them
 * would allow header injection, so they are refused. */
static int header_safe(const char *s) { return s && !strpbrk(s, "\r\n"); }

int mail_send(const struct config *cfg, const char *to, const char *subject, const char *body)
{
    if (!cfg->smtp_url || !cfg->smtp_from)
        return ERR_UNSUPPORTED;
    if (!header_safe(to) || !header_safe(subject) || !header_safe(cfg->smtp_from))
        return ERR_INVALID;
    struct arena a = ARENA_INIT;
    struct buf msg;
    buf_init(&msg, &a, 1024 * 1024);
    char date[64];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
    buf_addf(&msg, "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: =?UTF-8?B?", date, cfg->smtp_from,
             to);
    /* RFC 2047 base64 for the accented subject. */
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *s = (const unsigned char *)subject;
    size_t n = strlen(subject);
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) |
                     (i + 2 < n ? s[i + 2] : 0);
        buf_addch(&msg, b64[(v >> 18) & 63]);
        buf_addch(&msg, b64[(v >> 12) & 63]);
        buf_addch(&msg, i + 1 < n ? b64[(v >> 6) & 63] : '=');
        buf_addch(&msg, i + 2 < n ? b64[v & 63] : '=');
    }
    buf_adds(&msg, "?=\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
                   "Content-Transfer-Encoding: 8bit\r\n\r\n");
    for (const char *p = body; *p; p++) {
        if (*p == '\n')
            buf_addch(&msg, '\r');
        buf_addch(&msg, *p);
    }
    int rc = buf_finish(&msg);
    if (rc) {
        arena_release(&a);
        return rc;
    }
    CURL *c = curl_easy_init();
    struct curl_slist *rcpt = curl_slist_append(NULL, to);
    struct payload pl = {buf_cstr(&msg), msg.len};
    curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, cfg->smtp_from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_payload);
    curl_easy_setopt(c, CURLOPT_READDATA, &pl);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    if (cfg->smtp_user)
        curl_easy_setopt(c, CURLOPT_USERNAME, cfg->smtp_user);
    if (cfg->smtp_password)
        curl_easy_setopt(c, CURLOPT_PASSWORD, cfg->smtp_password);
    CURLcode cc = curl_easy_perform(c);
    if (cc != CURLE_OK) {
        log_error("mail: sending to the SMTP server failed: %s", curl_easy_strerror(cc));
        rc = ERR_IO;
    }
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    arena_release(&a);
    return rc;
}

const char *mail_link(const struct config *cfg, struct arena *a, const char *path,
                      const char *token)
{
    if (cfg->base_url) {
        size_t n = strlen(cfg->base_url);
        const char *sep = (n && cfg->base_url[n - 1] == '/') ? "" : "/";
        return arena_printf(a, "%s%s%s%s", cfg->base_url, sep, path[0] == '/' ? path + 1 : path,
                            token);
    }
    return arena_printf(a, "http://%s:%s%s%s", cfg->bind, cfg->port, path, token);
}
