/* Checking web addresses with a curl multi handle (see linkcheck.h). */
#include "ressources/linkcheck.h"
#include "app/openapi.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

void linkcheck_opts_default(struct linkcheck_opts *o)
{
    *o = (struct linkcheck_opts){
        .max_parallel = LIMIT_LINKCHECK_PARALLEL,
        .per_host = LIMIT_LINKCHECK_PER_HOST,
        .host_delay_ms = LIMIT_LINKCHECK_HOST_DELAY_MS,
        .timeout_ms = LIMIT_LINKCHECK_TIMEOUT_MS,
        .connect_timeout_ms = LIMIT_LINKCHECK_CONNECT_TIMEOUT_MS,
        .max_redirects = LIMIT_LINKCHECK_REDIRECTS,
        .allow_private = false,
        .user_agent = "Relais/" RELAIS_VERSION " (verification des liens des ressources)",
    };
}

const char *linkcheck_state_value(enum linkcheck_state s)
{
    switch (s) {
    case LINKCHECK_OK:
        return "ok";
    case LINKCHECK_REDIRECTED:
        return "redirige";
    case LINKCHECK_DEAD:
        break;
    }
    return "mort";
}

struct host {
    char *name;
    unsigned active;
    long long next_at_ms; /* no new request to this host before this time */
};

enum job_phase { JOB_WAITING, JOB_RUNNING, JOB_DONE };

struct job {
    struct linkcheck_result *res;
    const char *current; /* the address asked now (arena) */
    size_t host;         /* index in the host table */
    bool use_get;
    bool permanent; /* one of the hops was 301 or 308 */
    bool blocked;   /* the address resolved to a refused (private) network */
    bool got_body;  /* GET: the first body byte came, the transfer was stopped on purpose */
    size_t cap_hops;
    enum job_phase phase;
    CURL *easy;
};

struct run {
    const struct linkcheck_opts *o;
    struct arena *a;
    CURLM *multi;
    struct job *jobs;
    size_t n_jobs;
    struct host *hosts;
    size_t n_hosts, cap_hosts;
    unsigned active;
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void finish(struct job *j, enum linkcheck_state state, long status, const char *error)
{
    j->res->state = state;
    j->res->status = status;
    j->res->final_url = j->current;
    j->res->error = error;
    j->res->used_get = j->use_get;
    j->phase = JOB_DONE;
}

/* The lower-cased host of an http(s) address, or NULL when the address is not one (arena). */
static char *host_of(struct arena *a, const char *url)
{
    if (strlen(url) > LIMIT_LINKCHECK_URL_BYTES)
        return NULL;
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL, *out = NULL;
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0) &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host[0]) {
        out = arena_strdup(a, host);
        for (char *p = out; *p; p++)
            if (*p >= 'A' && *p <= 'Z')
                *p = (char)(*p - 'A' + 'a');
    }
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return out;
}

static size_t host_index(struct run *r, const char *name)
{
    for (size_t i = 0; i < r->n_hosts; i++)
        if (strcmp(r->hosts[i].name, name) == 0)
            return i;
    r->hosts = arena_push(r->a, r->hosts, r->n_hosts, &r->cap_hosts, sizeof(*r->hosts));
    r->hosts[r->n_hosts] = (struct host){.name = arena_strdup(r->a, name)};
    return r->n_hosts++;
}

/* Points a job at a new address: its host, or dead when it is not an http(s) address. */
static void aim(struct run *r, struct job *j, const char *url)
{
    j->current = arena_strdup(r->a, url);
    char *host = host_of(r->a, url);
    if (!host) {
        finish(j, LINKCHECK_DEAD, 0,
               "adresse invalide : seules les adresses http:// et https:// sont vérifiées");
        return;
    }
    j->host = host_index(r, host);
    j->phase = JOB_WAITING;
}

static bool v4_private(uint32_t ip)
{
    uint32_t a = ip >> 24, b = (ip >> 16) & 0xff;
    return a == 0 || a == 10 || a == 127 || (a == 169 && b == 254) ||
           (a == 172 && b >= 16 && b <= 31) || (a == 192 && b == 168) ||
           (a == 100 && b >= 64 && b <= 127) || a >= 224;
}

static bool address_private(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return v4_private(ntohl(in->sin_addr.s_addr));
    }
    if (sa->sa_family == AF_INET6) {
        const unsigned char *b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (memcmp(b, mapped, 12) == 0)
            return v4_private((uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 |
                              b[15]);
        bool zero_prefix = true;
        for (int i = 0; i < 15; i++)
            zero_prefix = zero_prefix && b[i] == 0;
        return zero_prefix                                /* :: and ::1 */
               || (b[0] & 0xfe) == 0xfc                   /* fc00::/7, unique local */
               || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) /* fe80::/10, link-local */
               || b[0] == 0xff;                           /* multicast */
    }
    return true;
}

/* Refuses a connection to a private address: libcurl then reports CURLE_COULDNT_CONNECT. The
 * check is on the address actually connected, so a name that resolves differently later (DNS
 * rebinding) is caught too. */
static curl_socket_t open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *addr)
{
    struct job *j = clientp;
    (void)purpose;
    if (address_private(&addr->addr)) {
        j->blocked = true;
        return CURL_SOCKET_BAD;
    }
    return socket(addr->family, addr->socktype, addr->protocol);
}

/* Only the status matters: the body is refused at its first byte (the transfer then ends with
 * CURLE_WRITE_ERROR, which got_body tells apart from a real failure). */
static size_t drop_body(char *ptr, size_t size, size_t nmemb, void *userp)
{
    (void)ptr;
    struct job *j = userp;
    if (size * nmemb == 0)
        return 0;
    j->got_body = true;
    return 0;
}

static int start(struct run *r, struct job *j)
{
    CURL *e = curl_easy_init();
    if (!e)
        return ERR_INTERNAL;
    const struct linkcheck_opts *o = r->o;
    j->got_body = false;
    j->blocked = false;
    curl_easy_setopt(e, CURLOPT_URL, j->current);
    curl_easy_setopt(e, CURLOPT_PRIVATE, j);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, o->timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_USERAGENT, o->user_agent);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, drop_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, j);
    /* Each request stands alone: a kept connection would let two requests to one host overlap
     * with the politeness rule none the wiser. */
    curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
    if (!o->allow_private) {
        curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket);
        curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, j);
    }
    if (j->use_get)
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    else
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    if (curl_multi_add_handle(r->multi, e) != CURLM_OK) {
        curl_easy_cleanup(e);
        return ERR_INTERNAL;
    }
    j->easy = e;
    j->phase = JOB_RUNNING;
    r->hosts[j->host].active++;
    r->active++;
    return 0;
}

static const char *curl_reason(CURLcode c)
{
    switch (c) {
    case CURLE_OPERATION_TIMEDOUT:
        return "délai dépassé : le site n'a pas répondu à temps";
    case CURLE_COULDNT_RESOLVE_HOST:
        return "nom de domaine introuvable";
    case CURLE_COULDNT_CONNECT:
        return "connexion impossible au site";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
        return "connexion sécurisée impossible (certificat refusé)";
    case CURLE_UNSUPPORTED_PROTOCOL:
        return "adresse invalide : seules les adresses http:// et https:// sont vérifiées";
    case CURLE_URL_MALFORMAT:
        return "adresse mal formée";
    case CURLE_TOO_MANY_REDIRECTS:
        return "trop de redirections";
    default:
        return "le site a fermé la connexion ou répondu de façon illisible";
    }
}

static bool already_visited(const struct job *j, const char *url)
{
    if (strcmp(j->res->url, url) == 0)
        return true;
    for (size_t i = 0; i < j->res->n_hops; i++)
        if (strcmp(j->res->hops[i].url, url) == 0)
            return true;
    return false;
}

/* What one finished transfer means for its job: done, asked again with GET, or aimed at the
 * address it redirects to. */
static void settle(struct run *r, struct job *j, CURLcode code)
{
    long status = 0;
    char *location = NULL;
    curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_getinfo(j->easy, CURLINFO_REDIRECT_URL, &location);
    bool answered = code == CURLE_OK || (code == CURLE_WRITE_ERROR && j->got_body);
    if (!answered) {
        bool network = code == CURLE_OPERATION_TIMEDOUT || code == CURLE_COULDNT_RESOLVE_HOST ||
                       code == CURLE_COULDNT_CONNECT || code == CURLE_UNSUPPORTED_PROTOCOL ||
                       code == CURLE_URL_MALFORMAT || j->blocked;
        /* Servers that cannot read HEAD may drop it; a timeout or an unknown host would only
         * fail again. */
        if (!j->use_get && !network) {
            j->use_get = true;
            j->phase = JOB_WAITING;
            return;
        }
        finish(j, LINKCHECK_DEAD, status,
               j->blocked ? "adresse d'un réseau privé : elle n'est pas vérifiée"
                          : curl_reason(code));
        return;
    }
    if (status >= 300 && status < 400 && status != 304) {
        if (!location || !*location) {
            finish(j, LINKCHECK_DEAD, status, "redirection sans adresse de destination");
            return;
        }
        struct linkcheck_result *res = j->res;
        res->hops = arena_push(r->a, res->hops, res->n_hops, &j->cap_hops, sizeof(*res->hops));
        res->hops[res->n_hops++] = (struct linkcheck_hop){j->current, status};
        if (status == 301 || status == 308)
            j->permanent = true;
        if (already_visited(j, location)) {
            j->current = arena_strdup(r->a, location);
            finish(j, LINKCHECK_DEAD, status, "boucle de redirections");
            return;
        }
        if (res->n_hops >= r->o->max_redirects) {
            j->current = arena_strdup(r->a, location);
            finish(j, LINKCHECK_DEAD, status, "trop de redirections");
            return;
        }
        j->use_get = false;
        aim(r, j, location);
        return;
    }
    if (status >= 400 && !j->use_get) {
        /* Many servers answer HEAD with 403, 404 or 405 while GET works. */
        j->use_get = true;
        j->phase = JOB_WAITING;
        return;
    }
    /* 304 answers a conditional request we never make; a server that sends it has the page. */
    if ((status >= 200 && status < 300) || status == 304)
        finish(j, j->permanent ? LINKCHECK_REDIRECTED : LINKCHECK_OK, status, NULL);
    else
        finish(j, LINKCHECK_DEAD, status, NULL);
}

static void collect(struct run *r, long long now)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(r->multi, &left))) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        struct job *j = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
        CURLcode code = msg->data.result;
        struct host *h = &r->hosts[j->host];
        h->active--;
        h->next_at_ms = now + r->o->host_delay_ms;
        r->active--;
        settle(r, j, code);
        curl_multi_remove_handle(r->multi, j->easy);
        curl_easy_cleanup(j->easy);
        j->easy = NULL;
    }
}

/* Starts what the limits allow; returns how long to wait before a waiting job's host is free
 * again (or 1000 ms when nothing waits on a pause). */
static long launch(struct run *r, long long now, size_t *done)
{
    long wait = 1000;
    *done = 0;
    for (size_t i = 0; i < r->n_jobs; i++) {
        struct job *j = &r->jobs[i];
        if (j->phase == JOB_DONE) {
            (*done)++;
            continue;
        }
        if (j->phase != JOB_WAITING || r->active >= r->o->max_parallel)
            continue;
        struct host *h = &r->hosts[j->host];
        if (h->active >= r->o->per_host)
            continue;
        if (h->next_at_ms > now) {
            if (h->next_at_ms - now < wait)
                wait = (long)(h->next_at_ms - now);
            continue;
        }
        if (start(r, j) != 0)
            finish(j, LINKCHECK_DEAD, 0, "vérification impossible (erreur interne)");
    }
    return wait;
}

int linkcheck_run(const struct linkcheck_opts *o, struct arena *a, const char *const *urls,
                  size_t n, struct linkcheck_result *out)
{
    struct run r = {.o = o, .a = a, .n_jobs = n};
    if (n == 0)
        return 0;
    r.multi = curl_multi_init();
    if (!r.multi)
        return ERR_INTERNAL;
    r.jobs = arena_calloc(a, n, sizeof(*r.jobs));
    for (size_t i = 0; i < n; i++) {
        out[i] = (struct linkcheck_result){.url = urls[i], .final_url = urls[i]};
        r.jobs[i].res = &out[i];
        aim(&r, &r.jobs[i], urls[i]);
    }
    for (;;) {
        size_t done;
        launch(&r, now_ms(), &done);
        if (done == n)
            break;
        int running;
        curl_multi_perform(r.multi, &running);
        collect(&r, now_ms());
        /* What finished may free a host or send a job back to wait: start what can start, then
         * sleep until a transfer moves or the next host's pause ends (curl_multi_poll waits the
         * whole timeout when nothing is in flight). */
        long wait = launch(&r, now_ms(), &done);
        if (done == n)
            break;
        curl_multi_poll(r.multi, NULL, 0, (int)(wait > 0 ? wait : 1), NULL);
    }
    curl_multi_cleanup(r.multi);
    return 0;
}

const char *linkcheck_hops_json(struct arena *a, const struct linkcheck_result *r)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < r->n_hops; i++)
        json_array_append_new(arr, json_pack("{s:s, s:I}", "url", r->hops[i].url, "statut",
                                             (json_int_t)r->hops[i].status));
    char *text = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    const char *out = text ? arena_strdup(a, text) : "[]";
    free(text);
    return out;
}

/* A URL in running text ends at white space, a quote, an angle bracket or a closing bracket;
 * punctuation that ends a sentence is not part of it. */
static bool url_end(char c)
{
    return c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' ||
           c == '<' || c == '>' || c == ')' || c == ']' || c == '}' || c == '`';
}

size_t linkcheck_extract_urls(struct arena *a, const char *text, const char ***out, size_t max)
{
    *out = arena_calloc(a, max ? max : 1, sizeof(**out));
    size_t n = 0;
    for (const char *p = text; p && *p && n < max;) {
        const char *h = strstr(p, "http");
        if (!h)
            break;
        size_t skip = strncmp(h, "https://", 8) == 0 ? 8 : strncmp(h, "http://", 7) == 0 ? 7 : 0;
        /* "http" inside a word (« xhttp://») is not the start of an address. */
        bool starts =
            h == text || !((h[-1] >= 'a' && h[-1] <= 'z') || (h[-1] >= 'A' && h[-1] <= 'Z') ||
                           (h[-1] >= '0' && h[-1] <= '9'));
        if (!skip || !starts) {
            p = h + 4;
            continue;
        }
        const char *e = h + skip;
        while (!url_end(*e))
            e++;
        while (e > h + skip && strchr(".,;:!?", e[-1]))
            e--;
        p = e;
        if (e == h + skip)
            continue;
        char *url = arena_strndup(a, h, (size_t)(e - h));
        bool seen = false;
        for (size_t i = 0; i < n && !seen; i++)
            seen = strcmp((*out)[i], url) == 0;
        if (!seen)
            (*out)[n++] = url;
    }
    return n;
}
