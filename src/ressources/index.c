/* The resources in the search engine (see index.h). */
#include "ressources/index.h"
#include "core/arena.h"
#include "core/alloc.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "db/db.h"
#include "ressources/files.h"
#include "ressources/markdown.h"
#include "ressources/quality.h"
#include "ressources/store.h"
#include "search/search.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

static struct search_engine *engine;
static char *data_dir; /* set once by the first load, read-only afterwards */
static pthread_once_t engine_once = PTHREAD_ONCE_INIT;

static void engine_create(void) { engine = search_engine_new(NULL); }

struct search_engine *ressources_index(void) { return engine; }

/* What tells that another process (a second server, `relais import ressources`) changed the
 * resources: their count and their latest change. */
static const char SQL_SIGNATURE[] =
    "SELECT COUNT(*), COALESCE(MAX(updated_at), 0), COALESCE(MAX(id), 0) FROM ressources";

static pthread_mutex_t signature_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t signature[3];
static _Atomic int64_t last_check;

static int read_signature(struct db *db, int64_t out[3])
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_SIGNATURE, &st);
    if (rc)
        return rc;
    rc = db_step_one(st);
    if (rc == 0)
        for (int i = 0; i < 3; i++)
            out[i] = db_col_int64(st, i);
    db_reset(st);
    return rc;
}

/* Remembers the database as the index now reflects it. */
static void note_signature(struct db *db)
{
    int64_t now_sig[3];
    if (read_signature(db, now_sig) != 0)
        return;
    pthread_mutex_lock(&signature_lock);
    memcpy(signature, now_sig, sizeof(signature));
    pthread_mutex_unlock(&signature_lock);
}

/* The quality blended into relevance: the reviews first, then how complete and how fresh the
 * resource is (see index.h). */
#define RS_WEIGHT_RECOMMENDATION 0.6
#define RS_WEIGHT_COMPLETENESS 0.25
#define RS_WEIGHT_FRESHNESS 0.15
#define RS_YEAR_S (365.0 * 24 * 3600)

/* Text of one PDF that goes into the index: the first pages say what it is about. */
#define RS_PDF_TEXT_MAX (256 * 1024)

static const char SQL_CONTRIBUTORS_OF[] =
    "SELECT user_id FROM ressource_contributors WHERE ressource_id = $1";

static void add_facet(struct arena *a, struct search_facet_value **fv, size_t *n, size_t *cap,
                      const char *facet, const char *value)
{
    *fv = arena_push(a, *fv, *n, cap, sizeof(**fv));
    (*fv)[(*n)++] = (struct search_facet_value){facet, value};
}

/* Who may find r besides everyone: its creator, its contributors, its base (the members of a
 * base are matched through "base:ID", so a new member finds its resources at once). */
static int access_facets(struct db *db, struct arena *a, const struct ressource *r,
                         struct search_facet_value **fv, size_t *n, size_t *cap)
{
    if (r->published && r->public_ && r->base_public)
        add_facet(a, fv, n, cap, "_acces", "public");
    if (r->created_by)
        add_facet(a, fv, n, cap, "_acces", arena_printf(a, "user:%lld", (long long)r->created_by));
    if (r->base_id) {
        const char *base = arena_printf(a, "%lld", (long long)r->base_id);
        add_facet(a, fv, n, cap, "_acces", arena_printf(a, "base:%s", base));
        /* Searching within one base (its page's search box). */
        add_facet(a, fv, n, cap, "_base", base);
    }
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_CONTRIBUTORS_OF, &st);
    if (rc)
        return rc;
    db_bind_int64(st, 1, r->id);
    while ((rc = db_step(st)) == 1)
        add_facet(a, fv, n, cap, "_acces",
                  arena_printf(a, "user:%lld", (long long)db_col_int64(st, 0)));
    db_reset(st);
    return rc < 0 ? rc : 0;
}

double ressources_quality_blend(const struct ressource *r, double recommendation, int64_t now)
{
    struct quality_facts facts;
    struct quality_criterion criteria[QUALITY_N_CRITERIA];
    quality_facts_of(r, &facts);
    double completeness = quality_completeness(&facts, criteria) / 100.0;
    /* Fresh for a year after its last change, then less and less for two more years. */
    int64_t last = r->updated_at > r->last_verified_at ? r->updated_at : r->last_verified_at;
    double age = (double)(now - last) / RS_YEAR_S;
    double freshness = age <= 1 ? 1 : age >= 3 ? 0 : (3 - age) / 2;
    return RS_WEIGHT_RECOMMENDATION * recommendation + RS_WEIGHT_COMPLETENESS * completeness +
           RS_WEIGHT_FRESHNESS * freshness;
}

static int make_doc(struct db *db, struct arena *a, const struct ressource *r,
                    struct search_doc *doc)
{
    memset(doc, 0, sizeof(*doc));
    doc->id = r->id;
    struct buf tags, content;
    buf_init(&tags, a, LIMIT_SEARCH_FIELD_BYTES);
    buf_init(&content, a, LIMIT_SEARCH_FIELD_BYTES);
    struct search_facet_value *fv = NULL;
    size_t n = 0, cap = 0;
    for (size_t i = 0; i < r->n_index[RESSOURCE_TAGS]; i++) {
        buf_adds(&tags, r->index[RESSOURCE_TAGS][i]);
        buf_adds(&tags, ", ");
    }
    for (int k = 0; k < VOCAB_N; k++) {
        const struct vocab *v = ressources_vocab_get((enum vocab_kind)k);
        for (size_t i = 0; i < r->n_index[k]; i++) {
            const struct vocab_value *vv =
                ressources_vocab_find((enum vocab_kind)k, r->index[k][i]);
            if (!vv)
                continue;
            add_facet(a, &fv, &n, &cap, v->json_key, vv->value);
            /* The labels count as tags: "parentalité" finds what is indexed so. */
            if (k != VOCAB_SECTEUR) {
                buf_adds(&tags, vv->label);
                buf_adds(&tags, ", ");
            }
        }
    }
    if (r->base_nom) {
        buf_adds(&content, r->base_nom);
        buf_addch(&content, '\n');
    }
    for (size_t i = 0; i < r->n_blocks; i++) {
        const struct ressource_block *k = &r->blocks[i];
        if (k->kind == BLOCK_TEXTE)
            ressources_markdown_text(&content, k->texte);
        else
            buf_adds(&content, k->texte);
        buf_addch(&content, ' ');
        buf_adds(&content, k->caption);
        buf_addch(&content, ' ');
        buf_adds(&content, k->filename);
        buf_addch(&content, '\n');
        if (k->kind == BLOCK_FICHIER && data_dir && k->mime &&
            strcmp(k->mime, "application/pdf") == 0)
            buf_adds(&content, ressource_file_text(a, data_dir, k->sha256, RS_PDF_TEXT_MAX));
    }
    /* A field over the engine's limit is cut rather than the resource left out. */
    int rc = access_facets(db, a, r, &fv, &n, &cap);
    if (rc)
        return rc;
    doc->fields[SEARCH_FIELD_TITLE] = str_from(r->titre);
    doc->fields[SEARCH_FIELD_TAGS] = buf_str(&tags);
    doc->fields[SEARCH_FIELD_DESCRIPTION] = str_from(r->description);
    doc->fields[SEARCH_FIELD_CONTENT] = buf_str(&content);
    doc->facets = fv;
    doc->n_facets = n;
    doc->created =
        r->published_at ? (r->republished_at ? r->republished_at : r->published_at) : r->created_at;
    doc->views = r->views;
    double score = 0.5;
    if (quality_score_for(db, r->id, &score) != 0)
        score = 0.5;
    doc->recommendation = score;
    doc->quality = ressources_quality_blend(r, score, (int64_t)time(NULL));
    return 0;
}

struct load_state {
    struct db *db;
    struct search_batch *batch;
    size_t n, failed;
};

static int load_one(const struct ressource *r, void *arg)
{
    struct load_state *ls = arg;
    struct arena a = ARENA_INIT;
    struct search_doc doc;
    int rc = make_doc(ls->db, &a, r, &doc);
    if (rc == 0)
        rc = search_batch_put(ls->batch, &doc);
    arena_release(&a);
    if (rc == ERR_DB)
        return rc;
    if (rc) {
        log_warn("ressources: resource %lld left out of the index (%s)", (long long)r->id,
                 err_name(rc));
        ls->failed++;
    } else {
        ls->n++;
    }
    return 0;
}

int ressources_index_load(struct db *db, const char *dir)
{
    pthread_once(&engine_once, engine_create);
    if (!data_dir && dir)
        data_dir = xstrdup(dir);
    if (!engine)
        return ERR_INTERNAL;
    int64_t before[3] = {0};
    read_signature(db, before);
    struct load_state ls = {db, search_batch_begin(engine), 0, 0};
    int rc = ressource_each(db, load_one, &ls);
    search_batch_commit(ls.batch);
    if (rc == 0) {
        log_info("ressources: %zu resources in the search index", ls.n);
        /* The signature read before the load: a write during the load shows as a change. */
        pthread_mutex_lock(&signature_lock);
        memcpy(signature, before, sizeof(signature));
        pthread_mutex_unlock(&signature_lock);
        atomic_store(&last_check, (int64_t)time(NULL));
    }
    return rc;
}

void ressources_index_sync(struct db *db, int max_age_s)
{
    if (!engine)
        return;
    int64_t t = (int64_t)time(NULL), seen = atomic_load(&last_check);
    /* One request per period checks; the others go on with the index as it is. */
    if (t - seen < max_age_s || !atomic_compare_exchange_strong(&last_check, &seen, t))
        return;
    int64_t now_sig[3];
    if (read_signature(db, now_sig) != 0)
        return;
    pthread_mutex_lock(&signature_lock);
    bool changed = memcmp(now_sig, signature, sizeof(signature)) != 0;
    pthread_mutex_unlock(&signature_lock);
    if (changed) {
        log_info("ressources: changed by another process, reloading the search index");
        if (ressources_index_load(db, NULL) != 0)
            log_error("ressources: the search index was not reloaded");
    }
}

void ressources_index_refresh(struct db *db, int64_t ressource_id)
{
    if (!engine)
        return;
    struct arena a = ARENA_INIT;
    struct ressource r;
    int rc = ressource_get(db, &a, ressource_id, &r);
    if (rc == ERR_NOT_FOUND) {
        search_remove(engine, ressource_id);
    } else if (rc == 0) {
        struct search_doc doc;
        if ((rc = make_doc(db, &a, &r, &doc)) == 0)
            rc = search_put(engine, &doc);
    }
    if (rc && rc != ERR_NOT_FOUND)
        log_error("ressources: the search document of %lld was not refreshed (%s)",
                  (long long)ressource_id, err_name(rc));
    arena_release(&a);
    /* This process's own write is not a change by another one. */
    note_signature(db);
}
