/* The link checker's findings in the database, and its maintenance step (see linkcheck.h). */
#include "core/arena.h"
#include "core/buf.h"
#include "core/config.h"
#include "core/err.h"
#include "core/log.h"
#include "core/mail.h"
#include "core/str.h"
#include "db/db.h"
#include "ressources/linkcheck.h"
#include "ressources/quality.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char SQL_LINK_BLOCKS[] =
    "SELECT ressource_id, kind, url, texte FROM ressource_blocks "
    "WHERE (kind = 'lien' AND url IS NOT NULL) OR (kind = 'texte' AND texte IS NOT NULL) "
    "ORDER BY ressource_id, position";
static const char SQL_UPSERT[] =
    "INSERT INTO ressource_liens (ressource_id, url, etat, http_status, final_url, erreur, chaine, "
    "checked_at, depuis) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) "
    "ON CONFLICT (ressource_id, url) DO UPDATE SET "
    "depuis = CASE WHEN ressource_liens.etat = excluded.etat THEN ressource_liens.depuis "
    "ELSE excluded.depuis END, "
    "notified_at = CASE WHEN ressource_liens.etat = excluded.etat "
    "THEN ressource_liens.notified_at ELSE NULL END, "
    "etat = excluded.etat, http_status = excluded.http_status, final_url = excluded.final_url, "
    "erreur = excluded.erreur, chaine = excluded.chaine, checked_at = excluded.checked_at";
static const char SQL_ALL_ROWS[] = "SELECT id, ressource_id, url FROM ressource_liens";
static const char SQL_DELETE_ROW[] = "DELETE FROM ressource_liens WHERE id = $1";
#define FINDING_COLUMNS                                                                            \
    "l.id, l.ressource_id, r.titre, l.url, l.etat, l.http_status, l.final_url, l.erreur, "         \
    "l.chaine, l.checked_at, l.depuis FROM ressource_liens l "                                     \
    "JOIN ressources r ON r.id = l.ressource_id "
#define FINDING_ORDER                                                                              \
    "ORDER BY CASE l.etat WHEN 'mort' THEN 0 WHEN 'redirige' THEN 1 ELSE 2 END, l.ressource_id, "  \
    "l.url "
static const char SQL_FINDINGS_OF[] =
    "SELECT " FINDING_COLUMNS "WHERE l.ressource_id = $1 " FINDING_ORDER;
#define AUTHOR_WHERE                                                                               \
    "WHERE l.etat <> 'ok' AND (r.created_by = $1 OR r.id IN (SELECT c.ressource_id FROM "          \
    "ressource_contributors c WHERE c.user_id = $1)) "
static const char SQL_PROBLEMS_COUNT[] = "SELECT count(*) FROM ressource_liens l JOIN ressources r "
                                         "ON r.id = l.ressource_id " AUTHOR_WHERE;
static const char SQL_PROBLEMS[] =
    "SELECT " FINDING_COLUMNS AUTHOR_WHERE FINDING_ORDER "LIMIT $2 OFFSET $3";
static const char SQL_TO_NOTIFY[] =
    "SELECT " FINDING_COLUMNS "WHERE l.etat <> 'ok' AND l.notified_at IS NULL "
    "ORDER BY l.ressource_id, l.url";
static const char SQL_AUTHORS[] =
    "SELECT u.email FROM users u WHERE u.disabled = 0 AND (u.id = (SELECT created_by FROM "
    "ressources WHERE id = $1) OR u.id IN (SELECT c.user_id FROM ressource_contributors c "
    "WHERE c.ressource_id = $1)) ORDER BY u.id";
static const char SQL_NOTIFIED[] =
    "UPDATE ressource_liens SET notified_at = $2 WHERE ressource_id = $1 AND etat <> 'ok' "
    "AND notified_at IS NULL";

static enum linkcheck_state state_parse(const char *s)
{
    return strcmp(s, "ok") == 0         ? LINKCHECK_OK
           : strcmp(s, "redirige") == 0 ? LINKCHECK_REDIRECTED
                                        : LINKCHECK_DEAD;
}

static void read_finding(struct db_stmt *st, struct arena *a, struct linkcheck_finding *f)
{
    f->id = db_col_int64(st, 0);
    f->ressource_id = db_col_int64(st, 1);
    f->ressource_titre = db_col_dup(st, 2, a);
    f->url = db_col_dup(st, 3, a);
    f->state = state_parse(db_col_text(st, 4));
    f->status = (long)db_col_int64(st, 5);
    f->final_url = db_col_dup(st, 6, a);
    f->error = db_col_dup(st, 7, a);
    f->chaine = db_col_dup(st, 8, a);
    f->checked_at = db_col_int64(st, 9);
    f->depuis = db_col_int64(st, 10);
}

static int read_findings(struct db_stmt *st, struct arena *a, struct linkcheck_finding **out,
                         size_t *n)
{
    size_t cap = 0;
    int rc;
    *out = NULL;
    *n = 0;
    while ((rc = db_step(st)) == 1) {
        *out = arena_push(a, *out, *n, &cap, sizeof(**out));
        read_finding(st, a, &(*out)[(*n)++]);
    }
    db_reset(st);
    return rc < 0 ? rc : 0;
}

int linkcheck_findings_of(struct db *db, struct arena *a, int64_t ressource_id,
                          struct linkcheck_finding **out, size_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_FINDINGS_OF, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, ressource_id);
    return read_findings(st, a, out, n);
}

int linkcheck_problems_of_author(struct db *db, struct arena *a, int64_t user_id, int64_t offset,
                                 int64_t limit, struct linkcheck_finding **out, size_t *n,
                                 int64_t *total)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_PROBLEMS_COUNT, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, user_id);
    if ((rc = db_step_one(st)) == 0)
        *total = db_col_int64(st, 0);
    db_reset(st);
    if (rc)
        return rc;
    if ((rc = db_prepare(db, SQL_PROBLEMS, &st)))
        return rc;
    db_bind_int64(st, 1, user_id);
    db_bind_int64(st, 2, limit);
    db_bind_int64(st, 3, offset);
    return read_findings(st, a, out, n);
}

/* One link of one resource. */
struct pair {
    int64_t ressource_id;
    const char *url;
    size_t result; /* index in the unique addresses */
};

static int pair_cmp(const void *x, const void *y)
{
    const struct pair *a = x, *b = y;
    if (a->ressource_id != b->ressource_id)
        return a->ressource_id < b->ressource_id ? -1 : 1;
    return strcmp(a->url, b->url);
}

static int str_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int collect_pairs(struct db *db, struct arena *a, struct pair **out, size_t *n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_LINK_BLOCKS, &st);
    if (rc)
        return rc;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    while ((rc = db_step(st)) == 1) {
        int64_t rid = db_col_int64(st, 0);
        const char **urls;
        size_t k;
        if (strcmp(db_col_text(st, 1), "lien") == 0) {
            urls = arena_calloc(a, 1, sizeof(*urls));
            urls[0] = str_dup(str_trim(str_from(db_col_text(st, 2))), a);
            k = urls[0][0] ? 1 : 0;
        } else {
            k = linkcheck_extract_urls(a, db_col_text(st, 3), &urls, 200);
        }
        for (size_t i = 0; i < k; i++) {
            *out = arena_push(a, *out, *n, &cap, sizeof(**out));
            (*out)[(*n)++] = (struct pair){rid, urls[i], 0};
        }
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    /* One finding per (resource, address): duplicates within a resource go. */
    if (*n)
        qsort(*out, *n, sizeof(**out), pair_cmp);
    size_t w = 0;
    for (size_t i = 0; i < *n; i++)
        if (w == 0 || pair_cmp(&(*out)[w - 1], &(*out)[i]) != 0)
            (*out)[w++] = (*out)[i];
    *n = w;
    return 0;
}

static int store_finding(struct db *db, struct arena *a, const struct pair *p,
                         const struct linkcheck_result *r, int64_t now)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_UPSERT, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, p->ressource_id);
    db_bind_text(st, 2, p->url);
    db_bind_text(st, 3, linkcheck_state_value(r->state));
    if (r->status)
        db_bind_int64(st, 4, r->status);
    else
        db_bind_null(st, 4);
    db_bind_text(st, 5, strcmp(r->final_url, r->url) != 0 ? r->final_url : NULL);
    db_bind_text(st, 6, r->error);
    db_bind_text(st, 7, r->n_hops ? linkcheck_hops_json(a, r) : NULL);
    db_bind_int64(st, 8, now);
    return db_exec_stmt(st);
}

/* Deletes the findings of links that are no longer in their resource. */
static int forget_gone(struct db *db, struct arena *a, const struct pair *pairs, size_t n)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_ALL_ROWS, &st);
    if (rc)
        return rc;
    int64_t *gone = NULL;
    size_t n_gone = 0, cap = 0;
    while ((rc = db_step(st)) == 1) {
        struct pair key = {db_col_int64(st, 1), db_col_text(st, 2), 0};
        if (!n || !bsearch(&key, pairs, n, sizeof(*pairs), pair_cmp)) {
            gone = arena_push(a, gone, n_gone, &cap, sizeof(*gone));
            gone[n_gone++] = db_col_int64(st, 0);
        }
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < n_gone && rc == 0; i++) {
        if ((rc = db_prepare(db, SQL_DELETE_ROW, &st)) == 0) {
            db_bind_int64(st, 1, gone[i]);
            rc = db_exec_stmt(st);
        }
    }
    return rc;
}

static const char *describe(struct arena *a, const struct linkcheck_finding *f)
{
    if (f->state == LINKCHECK_REDIRECTED)
        return arena_printf(a, "redirigé vers %s", f->final_url ? f->final_url : "?");
    if (f->status)
        return arena_printf(a, "ne répond plus (erreur HTTP %ld)", f->status);
    return arena_printf(a, "ne répond plus (%s)", f->error ? f->error : "erreur");
}

/* E-mails the authors of each resource with links that became dead or redirected since the last
 * notice, then marks those links notified. Without SMTP nothing is marked: the authors' page
 * lists the links all the same. */
static int notify_authors(struct db *db, const struct config *cfg, struct arena *a, size_t *mails)
{
    *mails = 0;
    if (!cfg->smtp_url)
        return 0;
    struct db_stmt *st;
    struct linkcheck_finding *f;
    size_t n;
    int rc = db_prepare(db, SQL_TO_NOTIFY, &st);
    if (rc || (rc = read_findings(st, a, &f, &n)))
        return rc;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        struct buf body;
        buf_init(&body, a, 256 * 1024);
        buf_addf(&body,
                 "Bonjour,\n\nLa vérification des liens de Relais a trouvé des liens à corriger "
                 "dans la ressource « %s » :\n\n",
                 f[i].ressource_titre);
        for (; j < n && f[j].ressource_id == f[i].ressource_id; j++)
            buf_addf(&body, "- %s : %s\n", f[j].url, describe(a, &f[j]));
        const char *path = quality_ressource_path(a, f[i].ressource_id);
        buf_addf(&body,
                 "\nLa ressource : %s\nTous vos liens à corriger : %s\n\nCe message est envoyé "
                 "une fois par lien, quand son état change.\n",
                 mail_link(cfg, a, path, ""), mail_link(cfg, a, "/qualite", ""));
        bool sent = false;
        if ((rc = db_prepare(db, SQL_AUTHORS, &st)))
            return rc;
        db_bind_int64(st, 1, f[i].ressource_id);
        const char **to = NULL;
        size_t n_to = 0, cap = 0;
        while ((rc = db_step(st)) == 1) {
            to = arena_push(a, to, n_to, &cap, sizeof(*to));
            to[n_to++] = db_col_dup(st, 0, a);
        }
        db_reset(st);
        if (rc < 0)
            return rc;
        for (size_t k = 0; k < n_to && buf_finish(&body) == 0; k++) {
            int m = mail_send(cfg, to[k], "Relais : des liens de votre ressource sont à corriger",
                              buf_cstr(&body));
            if (m == 0) {
                sent = true;
                (*mails)++;
            } else {
                log_warn("liens: the e-mail to the authors of ressource %lld failed (%s)",
                         (long long)f[i].ressource_id, err_name(m));
            }
        }
        if (sent && (rc = db_prepare(db, SQL_NOTIFIED, &st)) == 0) {
            db_bind_int64(st, 1, f[i].ressource_id);
            db_bind_int64(st, 2, (int64_t)time(NULL));
            rc = db_exec_stmt(st);
        }
        if (rc)
            return rc;
        i = j;
    }
    return 0;
}

int linkcheck_maintenance(struct db *db, const struct config *cfg, const struct linkcheck_opts *o,
                          struct linkcheck_summary *out)
{
    struct arena a = ARENA_INIT;
    memset(out, 0, sizeof(*out));
    struct pair *pairs = NULL;
    size_t n = 0;
    int rc = collect_pairs(db, &a, &pairs, &n);
    /* The reading is over: no snapshot stays open while the network is slow. */
    db_reset_all(db);
    const char **urls = arena_calloc(&a, n ? n : 1, sizeof(*urls));
    size_t n_urls = 0;
    if (rc == 0) {
        for (size_t i = 0; i < n; i++)
            urls[i] = pairs[i].url;
        if (n)
            qsort(urls, n, sizeof(*urls), str_cmp);
        for (size_t i = 0; i < n; i++)
            if (n_urls == 0 || strcmp(urls[n_urls - 1], urls[i]) != 0)
                urls[n_urls++] = urls[i];
        for (size_t i = 0; i < n; i++) {
            const char **hit = bsearch(&pairs[i].url, urls, n_urls, sizeof(*urls), str_cmp);
            pairs[i].result = (size_t)(hit - urls);
            if (i == 0 || pairs[i].ressource_id != pairs[i - 1].ressource_id)
                out->ressources++;
        }
    }
    struct linkcheck_result *res = arena_calloc(&a, n_urls ? n_urls : 1, sizeof(*res));
    if (rc == 0)
        rc = linkcheck_run(o, &a, urls, n_urls, res);
    int64_t now = (int64_t)time(NULL);
    if (rc == 0)
        rc = db_begin(db);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct linkcheck_result *r = &res[pairs[i].result];
        rc = store_finding(db, &a, &pairs[i], r, now);
        out->ok += r->state == LINKCHECK_OK;
        out->redirected += r->state == LINKCHECK_REDIRECTED;
        out->dead += r->state == LINKCHECK_DEAD;
    }
    if (rc == 0)
        rc = forget_gone(db, &a, pairs, n);
    if (rc == 0)
        rc = db_commit(db);
    else
        db_rollback(db);
    out->links = n;
    out->urls = n_urls;
    if (rc == 0)
        rc = notify_authors(db, cfg, &a, &out->mails);
    arena_release(&a);
    return rc;
}

static long env_ms(const char *name, long def)
{
    const char *v = getenv(name);
    int64_t x;
    if (!v || !*v || cstr_to_int64(v, &x) || x < 0 || x > 600000)
        return def;
    return (long)x;
}

int linkcheck_maintenance_step(struct db *db, const struct config *cfg, struct arena *a,
                               const char **line)
{
    struct linkcheck_opts o;
    linkcheck_opts_default(&o);
    o.timeout_ms = env_ms("RELAIS_LINKCHECK_TIMEOUT_MS", o.timeout_ms);
    o.host_delay_ms = env_ms("RELAIS_LINKCHECK_HOST_DELAY_MS", o.host_delay_ms);
    if (o.connect_timeout_ms > o.timeout_ms)
        o.connect_timeout_ms = o.timeout_ms;
    const char *priv = getenv("RELAIS_LINKCHECK_PRIVATE");
    o.allow_private = priv && strcmp(priv, "1") == 0;
    struct linkcheck_summary s;
    int rc = linkcheck_maintenance(db, cfg, &o, &s);
    if (rc) {
        *line = arena_printf(a, "échec (%s)", err_name(rc));
        return rc;
    }
    *line = arena_printf(a,
                         "%zu liens vérifiés dans %zu ressources (%zu adresses) : %zu valides, "
                         "%zu redirigés, %zu morts ; %zu courriels envoyés",
                         s.links, s.ressources, s.urls, s.ok, s.redirected, s.dead, s.mails);
    return 0;
}
