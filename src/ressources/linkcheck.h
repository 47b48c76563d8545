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
#include <stdint.h>

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

/* The web addresses written in a text (Markdown or plain): each http:// or https:// up to a space,
 * a quote, an angle bracket or a closing bracket, without trailing punctuation; at most max, in
 * order of appearance, duplicates kept out. Returns the count; *out in the arena. */
size_t linkcheck_extract_urls(struct arena *a, const char *text, const char ***out, size_t max);

/* --- the findings stored per resource (ressource_liens) --- */

struct db;
struct config;

struct linkcheck_finding {
    int64_t id;
    int64_t ressource_id;
    const char *ressource_titre;
    const char *url;
    enum linkcheck_state state;
    long status;
    const char *final_url; /* NULL when it is the url */
    const char *error;
    const char *chaine; /* JSON, see linkcheck_hops_json */
    int64_t checked_at, depuis;
};

/* The findings of one resource, dead first, then redirected, then working. */
int linkcheck_findings_of(struct db *db, struct arena *a, int64_t ressource_id,
                          struct linkcheck_finding **out, size_t *n);
/* The dead and redirected links of the resources user_id created or contributes to, page by
 * page, dead first; *total counts them all. */
int linkcheck_problems_of_author(struct db *db, struct arena *a, int64_t user_id, int64_t offset,
                                 int64_t limit, struct linkcheck_finding **out, size_t *n,
                                 int64_t *total);

struct linkcheck_summary {
    size_t ressources, links, urls; /* resources with links, (resource, link) pairs, addresses */
    size_t ok, redirected, dead;    /* per pair */
    size_t mails;                   /* e-mails sent to authors */
};

/* The maintenance step: checks every link of every resource (link blocks and addresses written in
 * text blocks, each address once), stores the findings (a changed state restarts « depuis » and
 * the notification), forgets links no longer in their resource, and e-mails the authors (creator
 * and contributors) of resources with newly dead or redirected links when SMTP is configured; the
 * authors' page lists them in any case. */
int linkcheck_maintenance(struct db *db, const struct config *cfg, const struct linkcheck_opts *o,
                          struct linkcheck_summary *out);
/* `relais maintenance` step « liens »: linkcheck_maintenance with the default options, changed by
 * RELAIS_LINKCHECK_TIMEOUT_MS, RELAIS_LINKCHECK_HOST_DELAY_MS and RELAIS_LINKCHECK_PRIVATE=1
 * (check loopback and private addresses: tests, intranets); *line is the summary (arena). */
int linkcheck_maintenance_step(struct db *db, const struct config *cfg, struct arena *a,
                               const char **line);

#endif
