/*
 * flows: the referrals of a territory counted by the kinds of structures that send and receive
 * them (flows.h). The rows are read once, in the order of the département's index, and grouped
 * here: a kind is the first code of a '|'-list, which one SQL text for both drivers cannot cut.
 */
#include "orientation/flows.h"

#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "db/db.h"
#include "html/html.h"
#include "html/ui.h"
#include "lieux/pages_common.h"
#include "orientation/orientation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The typologie of a structure: that of its first lieu which has one. */
#define STRUCTURE_TYPOLOGIE(col)                                                                   \
    "(SELECT l.typologie FROM lieux l WHERE l.structure_id = " col " AND l.typologie IS NOT NULL " \
    "AND l.typologie <> '' ORDER BY l.id LIMIT 1)"

static const char SQL_FLOWS[] = "SELECT o.status, " STRUCTURE_TYPOLOGIE(
    "o.from_structure_id") ", dl.typologie, " STRUCTURE_TYPOLOGIE("o.to_structure_id") ", "
                                                                                       "o.to_"
                                                                                       "structure_"
                                                                                       "id FROM "
                                                                                       "orientation"
                                                                                       "s o LEFT "
                                                                                       "JOIN "
                                                                                       "lieux dl "
                                                                                       "ON dl.id = "
                                                                                       "o.lieu_id "
                                                                                       "WHERE ($1 "
                                                                                       "= '' OR "
                                                                                       "o."
                                                                                       "departement"
                                                                                       " = $1) AND "
                                                                                       "o.created_"
                                                                                       "at >= $2 "
                                                                                       "AND "
                                                                                       "o.created_"
                                                                                       "at < $3";

/* The first code of a '|'-list, or NULL when there is none. */
static const char *first_code(struct arena *a, const char *list)
{
    const char **items;
    return lieux_split(a, list, &items) ? items[0] : NULL;
}

/* The groups of one reading, searched linearly: there are at most a few thousand pairs of the
 * 92 kinds, usually a handful. */
struct groups {
    struct orientation_flow *items;
    size_t n, cap;
};

static struct orientation_flow *group_of(struct arena *a, struct groups *g, const char *from,
                                         const char *to)
{
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->items[i].from_kind, from) == 0 && strcmp(g->items[i].to_kind, to) == 0)
            return &g->items[i];
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 16;
        struct orientation_flow *items = arena_calloc(a, cap, sizeof(*items));
        if (g->n)
            memcpy(items, g->items, g->n * sizeof(*items));
        g->items = items;
        g->cap = cap;
    }
    struct orientation_flow *f = &g->items[g->n++];
    *f = (struct orientation_flow){.from_kind = from, .to_kind = to};
    return f;
}

static int by_size(const void *pa, const void *pb)
{
    const struct orientation_flow *x = pa, *y = pb;
    if (x->total != y->total)
        return x->total > y->total ? -1 : 1;
    int c = strcmp(x->from_kind, y->from_kind);
    return c ? c : strcmp(x->to_kind, y->to_kind);
}

int orientation_flows(struct db *db, struct arena *a, const char *departement, int64_t from,
                      int64_t to, struct orientation_flow **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_FLOWS, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, departement ? departement : "");
    db_bind_int64(st, 2, from);
    db_bind_int64(st, 3, to);
    struct groups g = {0};
    while ((rc = db_step(st)) == 1) {
        const char *sender = first_code(a, db_col_text(st, 1));
        const char *dest = first_code(a, db_col_text(st, 2));
        if (!dest)
            dest = first_code(a, db_col_text(st, 3));
        if (!dest)
            dest = db_col_int64(st, 4) ? ORIENTATION_KIND_NONE : ORIENTATION_KIND_EXTERNAL;
        struct orientation_flow *f = group_of(a, &g, sender ? sender : ORIENTATION_KIND_NONE, dest);
        int s = orientation_status_parse(db_col_text(st, 0));
        f->total++;
        f->accepted += s == OS_ACCEPTEE;
        f->refused += s == OS_REFUSEE;
        f->expired += s == OS_EXPIREE;
    }
    db_reset(st);
    if (rc < 0)
        return rc;
    if (g.n)
        qsort(g.items, g.n, sizeof(*g.items), by_size);
    *out = g.items;
    *n = g.n;
    return 0;
}

const char *orientation_kind_label(struct arena *a, const char *kind)
{
    if (strcmp(kind, ORIENTATION_KIND_NONE) == 0)
        return "Non précisée";
    if (strcmp(kind, ORIENTATION_KIND_EXTERNAL) == 0)
        return "Sans compte";
    const char *label = lieux_typologie_label(kind);
    return label ? arena_printf(a, "%s (%s)", label, kind) : kind;
}

/* Midnight in Paris of a day YYYY-MM-DD, as Unix seconds. */
static int paris_midnight(const char *day, int64_t *out)
{
    int y, m, d;
    char tail;
    if (!day || sscanf(day, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || m < 1 || m > 12 || d < 1 ||
        d > 31)
        return ERR_INVALID;
    struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
    time_t t = timegm(&tm) - 3600;
    struct tm local;
    lieux_paris_time(t, &local);
    if (local.tm_hour != 0) /* summer time: two hours ahead */
        t -= 3600;
    *out = (int64_t)t;
    return 0;
}

int orientation_period(const char *du, const char *au, int64_t *from, int64_t *to)
{
    int64_t last;
    if (paris_midnight(du, from) || paris_midnight(au, &last))
        return ERR_INVALID;
    /* The day after au: 25 hours later always lands on it, whatever the change of time. */
    struct tm next;
    lieux_paris_time((time_t)(last + 25 * 3600), &next);
    char day[48];
    snprintf(day, sizeof(day), "%04d-%02d-%02d", next.tm_year + 1900, next.tm_mon + 1,
             next.tm_mday);
    return paris_midnight(day, to);
}

static const char *figure(struct arena *a, int64_t part, int64_t whole)
{
    if (!part || !whole)
        return arena_printf(a, "%lld", (long long)part);
    return arena_printf(a, "%lld (%lld %%)", (long long)part,
                        (long long)((part * 100 + whole / 2) / whole));
}

int orientation_flows_section(struct buf *b, struct db *db, struct arena *a,
                              const char *departement, const char *du, const char *au)
{
    int64_t from, to;
    int rc = orientation_period(du, au, &from, &to);
    if (rc)
        return rc;
    struct orientation_flow *flows;
    size_t n;
    if ((rc = orientation_flows(db, a, departement, from, to, &flows, &n)))
        return rc;
    ui_h2(b, "Orientations entre types de structures");
    if (n == 0) {
        ui_p(b, "Aucune orientation envoyée depuis ce territoire sur la période.");
        return 0;
    }
    ui_p(b, "Qui oriente vers qui : les orientations envoyées sur la période, par type de la "
            "structure qui oriente et type de la destination (typologie de ses lieux ; « sans "
            "compte » pour une destination qui n'a pas de compte sur Relais).");
    static const char *const head[] = {"Type de la structure qui oriente",
                                       "Type de la destination",
                                       "Orientations",
                                       "Acceptées",
                                       "Refusées",
                                       "Expirées"};
    struct ui_table t = {.caption = "Orientations par type de structure, de l'émettrice à la "
                                    "destinataire",
                         .head = head,
                         .n_cols = 6};
    ui_table_begin(b, &t);
    for (size_t i = 0; i < n; i++) {
        const struct orientation_flow *f = &flows[i];
        ui_table_row(
            b, &t,
            (const char *[]){
                orientation_kind_label(a, f->from_kind), orientation_kind_label(a, f->to_kind),
                arena_printf(a, "%lld", (long long)f->total), figure(a, f->accepted, f->total),
                figure(a, f->refused, f->total), figure(a, f->expired, f->total)});
    }
    ui_table_end(b);
    return 0;
}
