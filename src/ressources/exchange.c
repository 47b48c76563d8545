/* Resources in the JSON exchange format (see exchange.h). */
#include "ressources/exchange.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "core/str.h"
#include "db/db.h"
#include "html/ui.h"
#include "ressources/store.h"
#include "ressources/vocab.h"

#include <string.h>
#include <strings.h>
#include <time.h>

static const char SQL_BASE_BY_KEY[] =
    "SELECT id, visibilite FROM bases WHERE slug = $1 OR nom = $1 ORDER BY (slug = $1) DESC, id "
    "LIMIT 1";
static const char SQL_BASE_KEYS[] = "SELECT slug, nom, visibilite FROM bases WHERE id = $1";

/* Usual spellings of the licences, as they appear in other tools' exports. */
static const struct {
    const char *alias, *value;
} licence_aliases[] = {
    {"etalab-2.0", "etalab_2_0"},
    {"etalab 2.0", "etalab_2_0"},
    {"licence ouverte", "etalab_2_0"},
    {"cc-by-sa-4.0", "cc_by_sa_4_0"},
    {"cc by-sa 4.0", "cc_by_sa_4_0"},
    {"cc-by-nc-sa-4.0", "cc_by_nc_sa_4_0"},
    {"cc by-nc-sa 4.0", "cc_by_nc_sa_4_0"},
    {"aucune", "no_licence"},
    {"none", "no_licence"},
};

static const char *licence_of(const char *s)
{
    if (ressources_vocab_licence(s))
        return ressources_vocab_licence(s)->value;
    for (size_t i = 0; i < sizeof(licence_aliases) / sizeof(licence_aliases[0]); i++)
        if (strcasecmp(s, licence_aliases[i].alias) == 0)
            return licence_aliases[i].value;
    return NULL;
}

/* A list of strings, or NULL with *reason set. */
static const char **string_list(struct arena *a, json_t *v, const char *key, size_t *n,
                                const char **reason)
{
    *n = 0;
    if (!v || json_is_null(v))
        return NULL;
    if (!json_is_array(v)) {
        *reason = arena_printf(a, "%s doit être une liste de chaînes.", key);
        return NULL;
    }
    const char **out = arena_calloc(a, json_array_size(v) + 1, sizeof(*out));
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item)
    {
        if (!json_is_string(item)) {
            *reason = arena_printf(a, "%s[%zu] doit être une chaîne.", key, i);
            return NULL;
        }
        out[(*n)++] = arena_strdup(a, json_string_value(item));
    }
    return out;
}

static const char *opt_string(struct arena *a, json_t *obj, const char *key, const char **reason)
{
    json_t *v = json_object_get(obj, key);
    if (!v || json_is_null(v))
        return NULL;
    if (json_is_string(v))
        return arena_strdup(a, json_string_value(v));
    if (json_is_integer(v) && strcmp(key, "id") == 0)
        return arena_printf(a, "%lld", (long long)json_integer_value(v));
    *reason = arena_printf(a, "%s doit être une chaîne de caractères.", key);
    return NULL;
}

struct base_ref {
    int64_t id;
    bool public_;
};

static int find_base(struct db *db, const char *key, struct base_ref *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_BASE_BY_KEY, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, key);
    rc = db_step_one(st);
    if (rc == 0) {
        out->id = db_col_int64(st, 0);
        out->public_ = strcmp(db_col_text(st, 1), "public") == 0;
    }
    db_reset(st);
    return rc;
}

/* Reads one object into r; NULL, or the French reason for rejecting it. */
static const char *read_object(struct arena *a, json_t *obj, struct ressource *r,
                               const char **base_key)
{
    const char *reason = NULL;
    memset(r, 0, sizeof(*r));
    if (!json_is_object(obj))
        return "l'élément n'est pas un objet JSON.";
    r->ext_id = opt_string(a, obj, "id", &reason);
    if (reason)
        return reason;
    if (r->ext_id && (!*r->ext_id || strlen(r->ext_id) > 200))
        return "id : de 1 à 200 caractères.";
    json_t *t = json_object_get(obj, "title");
    if (!t || json_is_null(t))
        return "title est obligatoire.";
    if (!json_is_string(t))
        return "title doit être une chaîne de caractères.";
    r->titre = arena_strdup(a, json_string_value(t));
    r->description = opt_string(a, obj, "description", &reason);
    const char *content = reason ? NULL : opt_string(a, obj, "content", &reason);
    const char *licence = reason ? NULL : opt_string(a, obj, "licence", &reason);
    *base_key = reason ? NULL : opt_string(a, obj, "base", &reason);
    if (reason)
        return reason;
    if (licence) {
        r->licence = licence_of(licence);
        if (!r->licence)
            return arena_printf(a,
                                "licence : « %s » n'est pas une licence connue (etalab_2_0, "
                                "cc_by_sa_4_0, cc_by_nc_sa_4_0, no_licence).",
                                licence);
    }
    if (content && str_trim(str_from(content)).len) {
        r->blocks = arena_calloc(a, 1, sizeof(*r->blocks));
        r->blocks[0] = (struct ressource_block){.kind = BLOCK_TEXTE, .texte = content};
        r->n_blocks = 1;
    }
    for (int k = 0; k < VOCAB_N; k++) {
        const struct vocab *v = ressources_vocab_get((enum vocab_kind)k);
        r->index[k] =
            string_list(a, json_object_get(obj, v->json_key), v->json_key, &r->n_index[k], &reason);
        if (reason)
            return reason;
        for (size_t i = 0; i < r->n_index[k]; i++)
            if (!ressources_vocab_find((enum vocab_kind)k, r->index[k][i]))
                return arena_printf(a,
                                    "%s : « %s » n'est pas une valeur du vocabulaire de La Base.",
                                    v->json_key, r->index[k][i]);
    }
    r->index[RESSOURCE_TAGS] =
        string_list(a, json_object_get(obj, "tags"), "tags", &r->n_index[RESSOURCE_TAGS], &reason);
    return reason;
}

static void reject(struct arena *a, struct exchange_report *out, size_t *cap, size_t index,
                   const char *reason)
{
    out->rejects = arena_push(a, out->rejects, out->n_rejects, cap, sizeof(*out->rejects));
    out->rejects[out->n_rejects++] = (struct exchange_reject){index, reason};
}

static bool same_list(const char **x, size_t nx, const char **y, size_t ny)
{
    if (nx != ny)
        return false;
    for (size_t i = 0; i < nx; i++) {
        bool found = false;
        for (size_t j = 0; j < ny && !found; j++)
            found = strcmp(x[i], y[j]) == 0;
        if (!found)
            return false;
    }
    return true;
}

static bool same_str(const char *x, const char *y) { return strcmp(x ? x : "", y ? y : "") == 0; }

/* Whether an import would change the stored resource. */
static bool import_changes(const struct ressource *old, const struct ressource *r)
{
    if (!same_str(old->titre, r->titre) || !same_str(old->description, r->description) ||
        !same_str(old->licence, r->licence) || old->base_id != r->base_id ||
        old->n_blocks != r->n_blocks)
        return true;
    for (size_t i = 0; i < r->n_blocks; i++)
        if (old->blocks[i].kind != r->blocks[i].kind ||
            !same_str(old->blocks[i].texte, r->blocks[i].texte))
            return true;
    for (int k = 0; k < RESSOURCE_N_INDEX; k++)
        if (!same_list(old->index[k], old->n_index[k], r->index[k], r->n_index[k]))
            return true;
    return false;
}

int exchange_import(struct db *db, struct arena *a, json_t *root, const struct exchange_options *o,
                    struct exchange_report *out)
{
    memset(out, 0, sizeof(*out));
    if (!json_is_array(root))
        return ERR_INVALID;
    if (json_array_size(root) > LIMIT_RESSOURCES_IMPORT)
        return ERR_TOO_BIG;
    size_t cap_rejects = 0, cap_ids = 0;
    struct base_ref fixed = {0};
    const char *fixed_slug = NULL, *fixed_nom = NULL;
    int rc;
    if (o->base_id) {
        struct db_stmt *st;
        if ((rc = db_prepare(db, SQL_BASE_KEYS, &st)) != 0)
            return rc;
        db_bind_int64(st, 1, o->base_id);
        if ((rc = db_step_one(st)) == 0) {
            fixed = (struct base_ref){o->base_id, strcmp(db_col_text(st, 2), "public") == 0};
            fixed_slug = db_col_dup(st, 0, a);
            fixed_nom = db_col_dup(st, 1, a);
        }
        db_reset(st);
        if (rc)
            return rc;
    }
    if (!o->dry_run && (rc = db_begin(db)) != 0)
        return rc;
    size_t i;
    json_t *obj;
    json_array_foreach(root, i, obj)
    {
        struct arena scratch = ARENA_INIT;
        struct ressource r;
        const char *base_key = NULL;
        const char *reason = read_object(a, obj, &r, &base_key);
        struct ui_errors errs = {0};
        if (!reason && ressource_validate(a, &r, &errs) != 0)
            reason = arena_printf(a, "%s", errs.items[0].message);
        /* Two objects with one id in the file would overwrite each other. */
        for (size_t j = 0; !reason && r.ext_id && j < i; j++) {
            json_t *prev = json_object_get(json_array_get(root, j), "id");
            if (prev && json_is_string(prev) && strcmp(json_string_value(prev), r.ext_id) == 0)
                reason = arena_printf(a, "id « %s » figure déjà à l'élément %zu.", r.ext_id, j);
        }
        struct base_ref base = fixed;
        if (!reason && o->base_id && base_key && !same_str(base_key, fixed_slug) &&
            !same_str(base_key, fixed_nom))
            reason = arena_printf(a, "base « %s » : cet import va dans la base « %s ».", base_key,
                                  fixed_nom);
        if (!reason && !o->base_id && base_key) {
            if (!str_trim(str_from(base_key)).len)
                reason = "base : le nom de la base est vide.";
            else if ((rc = find_base(db, base_key, &base)) == ERR_NOT_FOUND) {
                base = (struct base_ref){0, true};
                if (!o->dry_run) {
                    struct base nb = {.nom = base_key, .public_ = true, .demo = o->demo};
                    int64_t bid;
                    /* Inside the import's transaction: base_create's own would nest. */
                    rc = base_validate(&nb, &errs);
                    if (rc == 0)
                        rc = base_create_in_tx(db, a, &nb, o->user_id, &bid);
                    if (rc == ERR_INVALID)
                        reason = arena_printf(a, "base : %s", errs.items[0].message);
                    else if (rc)
                        goto fail;
                    base.id = bid;
                }
            } else if (rc) {
                goto fail;
            }
        }
        if (reason) {
            reject(a, out, &cap_rejects, i, reason);
            arena_release(&scratch);
            continue;
        }
        r.base_id = base.id;
        r.published = true;
        r.public_ = true;
        r.created_by = o->user_id;
        r.demo = o->demo;
        if (!r.licence)
            r.licence = "etalab_2_0";
        int64_t existing = 0;
        rc = r.ext_id ? ressource_find_ext(db, r.ext_id, &existing) : ERR_NOT_FOUND;
        if (rc && rc != ERR_NOT_FOUND)
            goto fail;
        if (existing) {
            struct ressource old;
            if ((rc = ressource_get(db, &scratch, existing, &old)) != 0)
                goto fail;
            if (!import_changes(&old, &r)) {
                out->unchanged++;
                arena_release(&scratch);
                continue;
            }
            r.id = existing;
            r.public_ = old.public_;
            out->updated++;
        } else {
            out->created++;
        }
        if (!o->dry_run) {
            if ((rc = ressource_save_in_tx(db, &scratch, &r, o->user_id, "imported")) != 0)
                goto fail;
            out->ids = arena_push(a, out->ids, out->n_ids, &cap_ids, sizeof(*out->ids));
            out->ids[out->n_ids++] = r.id;
        }
        arena_release(&scratch);
    }
    if (o->dry_run)
        return 0;
    return db_commit(db);
fail:
    db_rollback(db);
    return rc;
}

const char *exchange_content_markdown(struct arena *a, const struct ressource *r)
{
    struct buf b;
    buf_init(&b, a, 64 * 1024 * 1024);
    for (size_t i = 0; i < r->n_blocks; i++) {
        const struct ressource_block *k = &r->blocks[i];
        if (b.len)
            buf_adds(&b, "\n\n");
        switch (k->kind) {
        case BLOCK_TITRE:
            buf_addf(&b, "## %s", k->texte ? k->texte : "");
            break;
        case BLOCK_TEXTE:
            buf_adds(&b, k->texte);
            break;
        case BLOCK_LIEN:
            buf_addf(&b, "[%s](%s)", k->texte && *k->texte ? k->texte : k->url, k->url);
            break;
        case BLOCK_FICHIER:
        case BLOCK_IMAGE:
            buf_addf(&b, "%s[%s](/ressources/%lld/fichiers/%s)", k->kind == BLOCK_IMAGE ? "!" : "",
                     k->caption && *k->caption ? k->caption : (k->filename ? k->filename : ""),
                     (long long)r->id, k->sha256 ? k->sha256 : "");
            break;
        case BLOCK_N:
            break;
        }
    }
    return buf_cstr(&b);
}

static json_t *string_array(const char *const *items, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_string(items[i]));
    return arr;
}

static const char *iso_time(struct arena *a, int64_t t)
{
    if (!t)
        return NULL;
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    return arena_printf(a, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

json_t *exchange_to_json(struct arena *a, const struct ressource *r)
{
    json_t *o = json_object();
    json_object_set_new(
        o, "id", json_string(r->ext_id ? r->ext_id : arena_printf(a, "%lld", (long long)r->id)));
    json_object_set_new(o, "relais_id", json_integer(r->id));
    json_object_set_new(o, "url",
                        json_string(arena_printf(a, "/ressources/%lld", (long long)r->id)));
    json_object_set_new(o, "title", json_string(r->titre));
    json_object_set_new(o, "description", json_string(r->description ? r->description : ""));
    json_object_set_new(o, "content", json_string(exchange_content_markdown(a, r)));
    for (int k = 0; k < VOCAB_N; k++)
        json_object_set_new(o, ressources_vocab_get((enum vocab_kind)k)->json_key,
                            string_array(r->index[k], r->n_index[k]));
    json_object_set_new(o, "tags",
                        string_array(r->index[RESSOURCE_TAGS], r->n_index[RESSOURCE_TAGS]));
    json_object_set_new(o, "licence", json_string(r->licence));
    json_object_set_new(o, "base", r->base_nom ? json_string(r->base_nom) : json_null());
    json_object_set_new(o, "visibility", json_string(r->public_ ? "public" : "private"));
    const char *pub = iso_time(a, r->published_at);
    json_object_set_new(o, "published_at", pub ? json_string(pub) : json_null());
    json_object_set_new(o, "demo", json_boolean(r->demo));
    return o;
}

struct export_state {
    bool public_only;
    int (*fn)(json_t *obj, void *arg);
    void *arg;
};

static int export_one(const struct ressource *r, void *arg)
{
    struct export_state *es = arg;
    if (es->public_only && !(r->published && r->public_ && r->base_public))
        return 0;
    struct arena a = ARENA_INIT;
    json_t *o = exchange_to_json(&a, r);
    arena_release(&a);
    return es->fn(o, es->arg);
}

int exchange_export_each(struct db *db, bool public_only, int (*fn)(json_t *obj, void *arg),
                         void *arg)
{
    struct export_state es = {public_only, fn, arg};
    return ressource_each(db, export_one, &es);
}
