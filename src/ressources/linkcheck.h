/*
 * linkcheck: checks web addresses with libcurl and says, for each one, whether it works, moved for
 * good (with every redirection followed and recorded) or leads nowhere.
 *
 * One address is asked with HEAD; a server that refuses HEAD (any status from 400, or a reply
 * libcurl cannot read) is asked again with GET, whose body is dropped at its first byte: only the
 * status matters. Redirections are followed by hand, so that each hop is recorded, up to
 * max_redirects, and a loop is reported as such. Every request has a timeout.
 *
 * Many addresses are checked together through one curl multi handle, at most max_parallel at once,
 * and at most per_host at once to the same host, with host_delay_ms between two requests to the
 * same host, so that a base of resources pointing at one site does not hammer it. Only http and
 * https are asked, and loopback and private network addresses are refused unless allow_private is
 * set (the checker runs on the server, whose neighbours are not the resource authors' business).
 *
 * Results and their strings live in the caller's arena.
 */
#ifndef RELAIS_RESSOURCES_LINKCHECK_H
#define RELAIS_RESSOURCES_LINKCHECK_H

#include <stdbool.h>
#include <stddef.h>

struct arena;

struct linkcheck_opts {
    unsigned max_parallel; /* transfers at once, over all hosts */
    unsigned per_host;     /* transfers at once to one host */
    long host_delay_ms;    /* pause between two requests to one host */
    long timeout_ms;       /* one request, from start to last byte needed */
    long connect_timeout_ms;
    unsigned max_redirects;
    bool allow_private; /* loopback and private addresses are asked too (tests) */
    const char *user_agent;
};

/* The defaults of `relais maintenance` (LIMIT_LINKCHECK_* of core/limits.h). */
void linkcheck_opts_default(struct linkcheck_opts *o);

enum linkcheck_state {
    LINKCHECK_OK,         /* answered 2xx, directly or through temporary redirections */
    LINKCHECK_REDIRECTED, /* answered 2xx at another address after a permanent redirection */
    LINKCHECK_DEAD,       /* an HTTP error, a network error, or redirections that never end */
};

/* One response that redirected: the address asked and its status (301, 302, 303, 307, 308). */
struct linkcheck_hop {
    const char *url;
    long status;
};

struct linkcheck_result {
    const char *url; /* as given */
    enum linkcheck_state state;
    long status;           /* the last HTTP status, 0 when no response came */
    const char *final_url; /* the last address asked (the url itself without redirection) */
    const char *error;     /* a French reason when dead without an HTTP error status, or NULL */
    struct linkcheck_hop *hops;
    size_t n_hops;
    bool used_get; /* the final answer came from GET after HEAD failed */
};

/* Checks urls[0..n) and fills out[0..n) in the same order. Returns 0, or ERR_INTERNAL when libcurl
 * cannot be set up. */
int linkcheck_run(const struct linkcheck_opts *o, struct arena *a, const char *const *urls,
                  size_t n, struct linkcheck_result *out);

/* "ok", "redirige", "mort": the values stored in ressource_liens.etat. */
const char *linkcheck_state_value(enum linkcheck_state s);

/* The hops as a JSON array [{"url": ..., "statut": 301}, ...] (arena). */
const char *linkcheck_hops_json(struct arena *a, const struct linkcheck_result *r);

#endif
