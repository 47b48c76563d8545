/*
 * Creating and editing a resource in one form (multipart, works without JavaScript): title, short
 * description, base, ordered content blocks (a fixed number of rows, « Ajouter des blocs » adds
 * more), files uploaded in the same form, indexation with La Base's four vocabularies and free
 * tags (« Suggérer l'indexation » checks what the text suggests), licence and visibility, then
 * « Publier » or « Enregistrer le brouillon ».
 *
 * A file uploaded with a form that comes back (an error, more blocks, suggestions) is already
 * stored by its hash: the row carries the hash in a hidden field, so nothing is uploaded twice.
 */
#include "comptes/auth.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/str.h"
#include "html/html.h"
#include "html/ui.h"
#include "ressources/access.h"
#include "ressources/files.h"
#include "ressources/pages.h"
#include "ressources/suggest.h"
#include "site/shell.h"

#include <stdio.h>
#include <string.h>

#define FORM_ROWS_NEW 4   /* block rows of an empty form */
#define FORM_ROWS_MORE 3  /* rows added by « Ajouter des blocs » */
#define FORM_ROWS_SPARE 2 /* empty rows under the blocks of a resource being edited */

/* One block row as typed. */
struct row {
    const char *kind; /* "" (not chosen), or a block_kind_values entry */
    const char *texte, *url, *legende;
    const char *sha, *nom, *mime; /* a stored file */
    int64_t file_id;
};

struct form {
    int64_t id; /* 0: creation */
    const char *titre, *description, *tags, *licence, *visibilite;
    int64_t base_id;
    struct row *rows;
    size_t n_rows;
    const char **checked[VOCAB_N];
    size_t n_checked[VOCAB_N];
    bool published;     /* editing a published resource */
    const char *notice; /* after suggestions */
};

static bool checked(const struct form *f, int k, const char *value)
{
    for (size_t i = 0; i < f->n_checked[k]; i++)
        if (strcmp(f->checked[k][i], value) == 0)
            return true;
    return false;
}

static const char *row_field(struct arena *a, size_t i, const char *what)
{
    return arena_printf(a, "bloc-%zu-%s", i + 1, what);
}

static void render_row(struct buf *b, struct arena *a, const struct form *f, size_t i,
                       const struct ui_errors *errs)
{
    const struct row *r = &f->rows[i];
    html_lit(b, "<fieldset class=\"govuk-fieldset relais-bloc\"><legend class=\"govuk-fieldset__"
                "legend govuk-fieldset__legend--s\">");
    html_text(b, arena_printf(a, "Bloc %zu", i + 1));
    html_lit(b, "</legend>");
    struct ui_option kinds[BLOCK_N + 1];
    kinds[0] = (struct ui_option){"", "Selon ce qui est rempli", !r->kind || !*r->kind};
    for (int k = 0; k < BLOCK_N; k++)
        kinds[k + 1] = (struct ui_option){block_kind_values[k], block_kind_labels[k],
                                          r->kind && strcmp(r->kind, block_kind_values[k]) == 0};
    ui_select(b,
              &(struct ui_field){.name = row_field(a, i, "type"),
                                 .label = "Type de bloc",
                                 .error = ui_errors_for(errs, row_field(a, i, "type"))},
              kinds, BLOCK_N + 1);
    ui_textarea(b,
                &(struct ui_field){.name = row_field(a, i, "texte"),
                                   .label = "Texte",
                                   .hint = "Pour un titre de section : le titre. Pour un texte : "
                                           "du Markdown (**gras**, listes avec -, liens "
                                           "[texte](https://…)). Pour un lien : son titre.",
                                   .value = r->texte,
                                   .error = ui_errors_for(errs, row_field(a, i, "texte"))},
                3);
    ui_input(b, &(struct ui_field){.name = row_field(a, i, "url"),
                                   .label = "Adresse du lien",
                                   .value = r->url,
                                   .error = ui_errors_for(errs, row_field(a, i, "url")),
                                   .type = UI_URL});
    if (r->sha) {
        html_lit(b, "<p class=\"govuk-body-s\">Fichier joint : ");
        html_text(b, arena_printf(a, "%s (%s)", r->nom ? r->nom : "sans nom",
                                  ressource_file_label(r->mime)));
        /* One field for the hash and the name: a form holds at most LIMIT_FIELDS fields. */
        html_lit(b, ". Choisissez un autre fichier pour le remplacer.</p><input type=\"hidden\" "
                    "name=\"");
        html_attr(b, row_field(a, i, "joint"));
        html_lit(b, "\" value=\"");
        html_attr(b, arena_printf(a, "%s %s", r->sha, r->nom ? r->nom : ""));
        html_lit(b, "\">");
    }
    ui_file(b,
            &(struct ui_field){.name = row_field(a, i, "fichier"),
                               .label = "Fichier ou image",
                               .hint = "PDF, image (PNG, JPEG, GIF, WebP), document bureautique "
                                       "ou texte ; 20 Mo au plus.",
                               .error = ui_errors_for(errs, row_field(a, i, "fichier"))},
            ".pdf,.png,.jpg,.jpeg,.gif,.webp,.odt,.ods,.odp,.docx,.xlsx,.pptx,.doc,.xls,.ppt,"
            ".txt,.csv,.md");
    ui_input(b, &(struct ui_field){.name = row_field(a, i, "legende"),
                                   .label = "Légende du fichier ou de l'image",
                                   .hint = "Pour une image : ce qu'elle montre, lu à la place de "
                                           "l'image par les lecteurs d'écran.",
                                   .value = r->legende});
    html_lit(b, "</fieldset>");
}

static void render_form(struct http_request *req, struct buf *b, const struct form *f,
                        const struct ui_errors *errs)
{
    struct arena *a = req->arena;
    const struct auth *au = auth_of(req);
    ui_error_summary(b, errs);
    if (f->notice)
        ui_notice(b, UI_NOTICE_INFO, "Indexation suggérée", f->notice);
    const char *action = f->id ? arena_printf(a, "/ressources/%lld/modifier", (long long)f->id)
                               : "/ressources/nouvelle";
    ui_form_begin(b, action, "post", au->csrf_token, true);
    ui_input(b, &(struct ui_field){.name = "titre",
                                   .label = "Titre",
                                   .value = f->titre,
                                   .error = ui_errors_for(errs, "titre"),
                                   .required = true});
    ui_textarea(b,
                &(struct ui_field){.name = "description",
                                   .label = "Description courte",
                                   .hint = "Ce que la ressource apporte, pour qui, en 2 ou 3 "
                                           "phrases.",
                                   .value = f->description,
                                   .error = ui_errors_for(errs, "description")},
                3);
    struct base *bases;
    size_t nb = 0;
    int64_t total;
    base_list(rs_db(req), a, au->user_id, true, 0, 200, &bases, &nb, &total);
    struct ui_option *bopts = arena_calloc(a, nb + 2, sizeof(*bopts));
    size_t no = 0;
    bopts[no++] = (struct ui_option){"", "Aucune : une ressource personnelle", f->base_id == 0};
    bool listed = f->base_id == 0;
    for (size_t i = 0; i < nb; i++) {
        bopts[no++] = (struct ui_option){arena_printf(a, "%lld", (long long)bases[i].id),
                                         bases[i].nom, bases[i].id == f->base_id};
        listed |= bases[i].id == f->base_id;
    }
    if (!listed) /* a contributor editing a resource of a base they are not in */
        bopts[no++] = (struct ui_option){arena_printf(a, "%lld", (long long)f->base_id),
                                         "La base actuelle", true};
    ui_select(b,
              &(struct ui_field){.name = "base",
                                 .label = "Base",
                                 .hint = "Les membres de la base pourront modifier la ressource.",
                                 .error = ui_errors_for(errs, "base")},
              bopts, no);

    ui_h2(b, "Contenu");
    ui_p(b, "Les blocs s'affichent dans cet ordre. Les blocs laissés vides sont ignorés.");
    html_lit(b, "<input type=\"hidden\" name=\"blocs\" value=\"");
    html_uint(b, f->n_rows);
    html_lit(b, "\">");
    if (ui_errors_for(errs, "blocs"))
        ui_notice(b, UI_NOTICE_WARNING, NULL, ui_errors_for(errs, "blocs"));
    for (size_t i = 0; i < f->n_rows; i++)
        render_row(b, a, f, i, errs);
    rs_action_button(b, "blocs", "Ajouter des blocs", false);

    ui_h2(b, "Indexation");
    ui_p(b, "Cochez ce qui décrit la ressource : c'est ce qui permet de la trouver avec les "
            "filtres.");
    rs_action_button(b, "suggerer", "Suggérer l'indexation d'après le texte", false);
    for (int k = 0; k < VOCAB_N; k++) {
        const struct vocab *v = ressources_vocab_get((enum vocab_kind)k);
        size_t groups = k == VOCAB_THEME ? ressources_vocab_n_theme_categories : 1;
        for (size_t g = 0; g < groups; g++) {
            struct ui_option *opts = arena_calloc(a, v->n, sizeof(*opts));
            size_t n = 0;
            for (size_t i = 0; i < v->n; i++) {
                if (k == VOCAB_THEME &&
                    strcmp(v->values[i].category, ressources_vocab_theme_categories[g]))
                    continue;
                opts[n++] = (struct ui_option){v->values[i].value, v->values[i].label,
                                               checked(f, k, v->values[i].value)};
            }
            const char *legend =
                k == VOCAB_THEME
                    ? arena_printf(a, "%s : %s", v->label, ressources_vocab_theme_categories[g])
                    : v->label;
            const char *prefix =
                groups > 1 ? arena_printf(a, "%s-%zu", v->column, g + 1) : v->column;
            if (g == 0 && ui_errors_for(errs, v->column))
                ui_notice(b, UI_NOTICE_WARNING, NULL, ui_errors_for(errs, v->column));
            rs_checkboxes(b, v->column, prefix, legend, opts, n);
        }
    }
    ui_input(b, &(struct ui_field){.name = "tags",
                                   .label = "Mots-clés libres",
                                   .hint = "Séparés par des virgules, par exemple : arnaques, "
                                           "France Connect.",
                                   .value = f->tags,
                                   .error = ui_errors_for(errs, "tags")});

    ui_h2(b, "Diffusion");
    struct ui_option lic[8];
    size_t nl = 0;
    for (size_t i = 0; i < ressources_vocab_n_licences; i++)
        lic[nl++] = (struct ui_option){ressources_vocab_licences[i].value,
                                       ressources_vocab_licences[i].label,
                                       strcmp(f->licence, ressources_vocab_licences[i].value) == 0};
    ui_choices(b,
               &(struct ui_field){.name = "licence",
                                  .label = "Licence",
                                  .hint = "La Licence Ouverte Etalab 2.0 permet à tous de "
                                          "réutiliser la ressource en citant sa source.",
                                  .error = ui_errors_for(errs, "licence")},
               lic, nl, false);
    struct ui_option vis[] = {
        {"public", "Publique : tout le monde peut la trouver une fois publiée",
         strcmp(f->visibilite, "prive") != 0},
        {"prive", "Privée : seuls ses auteurs et les membres de sa base la voient",
         strcmp(f->visibilite, "prive") == 0},
    };
    ui_choices(b, &(struct ui_field){.name = "visibilite", .label = "Visibilité"}, vis, 2, false);
    if (f->id && f->published) {
        rs_action_button(b, "publier", "Enregistrer et republier", true);
    } else {
        rs_action_button(b, "publier", "Publier", true);
        rs_action_button(b, "brouillon",
                         f->id ? "Enregistrer le brouillon" : "Enregistrer comme brouillon", false);
    }
    if (f->id && f->published)
        rs_action_button(b, "enregistrer", "Enregistrer sans republier", false);
    ui_form_end(b);
}

static void form_from_ressource(struct arena *a, const struct ressource *r, struct form *f)
{
    memset(f, 0, sizeof(*f));
    f->id = r->id;
    f->titre = r->titre;
    f->description = r->description;
    f->licence = r->licence;
    f->visibilite = r->public_ ? "public" : "prive";
    f->base_id = r->base_id;
    f->published = r->published;
    /* Spare rows, within the number of rows a form may send back. */
    f->n_rows = r->n_blocks + FORM_ROWS_SPARE;
    if (f->n_rows > RESSOURCE_BLOCKS_MAX)
        f->n_rows = r->n_blocks > RESSOURCE_BLOCKS_MAX ? r->n_blocks : RESSOURCE_BLOCKS_MAX;
    f->rows = arena_calloc(a, f->n_rows, sizeof(*f->rows));
    for (size_t i = 0; i < r->n_blocks; i++) {
        const struct ressource_block *k = &r->blocks[i];
        f->rows[i] = (struct row){block_kind_values[k->kind],
                                  k->texte,
                                  k->url,
                                  k->caption,
                                  k->sha256,
                                  k->filename,
                                  k->mime,
                                  k->file_id};
    }
    for (int k = 0; k < VOCAB_N; k++) {
        f->checked[k] = r->index[k];
        f->n_checked[k] = r->n_index[k];
    }
    struct buf t;
    buf_init(&t, a, 1 << 16);
    for (size_t i = 0; i < r->n_index[RESSOURCE_TAGS]; i++) {
        if (i)
            buf_adds(&t, ", ");
        buf_adds(&t, r->index[RESSOURCE_TAGS][i]);
    }
    f->tags = buf_cstr(&t);
}

static const char *param_or_empty(struct http_request *req, const char *name)
{
    const char *v = http_param(&req->form, name);
    return v ? v : "";
}

static const struct http_upload *upload_for(struct http_request *req, const char *field)
{
    for (size_t i = 0; i < req->n_uploads; i++)
        if (strcmp(req->uploads[i].field, field) == 0 && req->uploads[i].size > 0)
            return &req->uploads[i];
    return NULL;
}

/* Reads the form, stores its new files (errors per row) and builds the resource. */
static void form_read(struct http_request *req, struct form *f, struct ressource *r,
                      struct ui_errors *errs)
{
    struct arena *a = req->arena;
    struct db *db = rs_db(req);
    f->titre = param_or_empty(req, "titre");
    f->description = param_or_empty(req, "description");
    f->tags = param_or_empty(req, "tags");
    f->licence = param_or_empty(req, "licence");
    if (!*f->licence)
        f->licence = "etalab_2_0";
    f->visibilite = param_or_empty(req, "visibilite");
    const char *base = http_param(&req->form, "base");
    int64_t base_id = 0;
    if (base && *base && (cstr_to_int64(base, &base_id) || base_id <= 0))
        ui_errors_add(errs, "base", "Base : choisissez une base de la liste.");
    f->base_id = base_id;
    int64_t rows = 0;
    const char *nrows = http_param(&req->form, "blocs");
    if (!nrows || cstr_to_int64(nrows, &rows) || rows < 0 || rows > RESSOURCE_BLOCKS_MAX)
        rows = FORM_ROWS_NEW;
    f->n_rows = (size_t)rows;
    f->rows = arena_calloc(a, f->n_rows + FORM_ROWS_MORE + 1, sizeof(*f->rows));
    memset(r, 0, sizeof(*r));
    r->blocks = arena_calloc(a, f->n_rows + 1, sizeof(*r->blocks));
    for (size_t i = 0; i < f->n_rows; i++) {
        struct row *w = &f->rows[i];
        w->kind = param_or_empty(req, row_field(a, i, "type"));
        w->texte = param_or_empty(req, row_field(a, i, "texte"));
        w->url = str_dup(str_trim(str_from(param_or_empty(req, row_field(a, i, "url")))), a);
        /* "HTTPS://…" as some phones type it: the scheme in lower case, like the pages expect. */
        for (char *c = (char *)w->url; *c && *c != ':' && c - w->url < 5; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
        w->legende = param_or_empty(req, row_field(a, i, "legende"));
        /* "SHA256 name" of a file uploaded with an earlier submission of the form. */
        const char *joint = http_param(&req->form, row_field(a, i, "joint"));
        w->sha = joint && strlen(joint) >= 64 ? arena_strndup(a, joint, 64) : NULL;
        w->nom = joint && strlen(joint) > 65 ? joint + 65 : NULL;
        int kind = *w->kind ? block_kind_parse(w->kind) : -1;
        if (*w->kind && kind < 0) {
            ui_errors_add(
                errs, row_field(a, i, "type"),
                arena_printf(a, "Bloc %zu : choisissez un type de bloc de la liste.", i + 1));
            continue;
        }
        const struct http_upload *up = upload_for(req, row_field(a, i, "fichier"));
        if (up) {
            struct ressource_file rf;
            const char *msg;
            int rc = ressource_file_store(db, a, rs_data_dir(req), up->path, up->filename, up->size,
                                          kind == BLOCK_IMAGE, &rf, &msg);
            if (rc) {
                ui_errors_add(errs, row_field(a, i, "fichier"),
                              msg ? arena_printf(a, "Bloc %zu : %s", i + 1, msg)
                                  : arena_printf(a,
                                                 "Bloc %zu : le fichier n'a pas pu être "
                                                 "enregistré, réessayez.",
                                                 i + 1));
                continue;
            }
            w->sha = rf.sha256;
            w->nom = up->filename;
            w->mime = rf.mime;
            w->file_id = rf.id;
        } else if (w->sha && *w->sha) {
            struct ressource_file rf;
            if (ressource_file_get(db, a, w->sha, &rf) == 0) {
                w->mime = rf.mime;
                w->file_id = rf.id;
            } else {
                w->sha = NULL;
            }
        } else {
            w->sha = NULL;
        }
        /* The type follows what is filled when it is not chosen. */
        if (kind < 0) {
            if (w->file_id)
                kind = strncmp(w->mime, "image/", 6) == 0 ? BLOCK_IMAGE : BLOCK_FICHIER;
            else if (*w->url)
                kind = BLOCK_LIEN;
            else if (str_trim(str_from(w->texte)).len)
                kind = BLOCK_TEXTE;
            else
                continue; /* an empty row */
        }
        if (kind == BLOCK_IMAGE && w->file_id && strncmp(w->mime, "image/", 6) != 0) {
            ui_errors_add(errs, row_field(a, i, "fichier"),
                          arena_printf(a,
                                       "Bloc %zu : un bloc image attend une image PNG, JPEG, "
                                       "GIF ou WebP.",
                                       i + 1));
            continue;
        }
        r->blocks[r->n_blocks++] = (struct ressource_block){
            .kind = (enum block_kind)kind,
            .texte = w->texte,
            .url = kind == BLOCK_LIEN ? w->url : NULL,
            .file_id = (kind == BLOCK_FICHIER || kind == BLOCK_IMAGE) ? w->file_id : 0,
            .filename = (kind == BLOCK_FICHIER || kind == BLOCK_IMAGE) ? w->nom : NULL,
            .caption = w->legende,
        };
    }
    for (int k = 0; k < VOCAB_N; k++) {
        const struct vocab *v = ressources_vocab_get((enum vocab_kind)k);
        const char **vals = arena_calloc(a, v->n + 8, sizeof(*vals));
        size_t n = http_param_all(&req->form, v->column, vals, v->n + 8);
        f->checked[k] = vals;
        f->n_checked[k] = n;
        r->index[k] = vals;
        r->n_index[k] = n;
    }
    /* Tags: comma-separated, trimmed, empty and repeated ones dropped. */
    const char **tags = arena_calloc(a, RESSOURCE_TAGS_MAX + 2, sizeof(*tags));
    size_t nt = 0;
    for (const char *p = f->tags; *p && nt <= RESSOURCE_TAGS_MAX;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        struct str t = str_trim((struct str){p, len});
        bool dup = false;
        for (size_t j = 0; j < nt; j++)
            dup |= str_eq_cstr(t, tags[j]);
        if (t.len && !dup)
            tags[nt++] = str_dup(t, a);
        p = c ? c + 1 : p + len;
    }
    r->index[RESSOURCE_TAGS] = tags;
    r->n_index[RESSOURCE_TAGS] = nt;
    r->titre = f->titre;
    r->description = f->description;
    r->licence = f->licence;
    r->public_ = strcmp(f->visibilite, "prive") != 0;
    r->base_id = f->base_id;
}

/* The rules of the blocks, with the row numbers of the form (ressource_validate counts the kept
 * blocks only, so its messages would name another row). */
static void validate_rows(struct arena *a, const struct form *f, struct ui_errors *errs)
{
    for (size_t i = 0; i < f->n_rows; i++) {
        const struct row *w = &f->rows[i];
        int kind = block_kind_parse(w->kind);
        const char *field = NULL, *msg = NULL;
        if (kind == BLOCK_TITRE && !str_trim(str_from(w->texte)).len)
            field = "texte", msg = "saisissez le titre de la section.";
        else if (kind == BLOCK_TEXTE && !str_trim(str_from(w->texte)).len)
            field = "texte", msg = "saisissez le texte.";
        else if ((kind == BLOCK_LIEN || (kind < 0 && *w->url)) &&
                 strncmp(w->url, "https://", 8) != 0 && strncmp(w->url, "http://", 7) != 0)
            field = "url", msg = "l'adresse du lien doit commencer par https:// ou http://.";
        else if ((kind == BLOCK_FICHIER || kind == BLOCK_IMAGE) && !w->file_id &&
                 !ui_errors_for(errs, row_field(a, i, "fichier")))
            field = "fichier", msg = "choisissez un fichier.";
        if (field)
            ui_errors_add(errs, row_field(a, i, field),
                          arena_printf(a, "Bloc %zu : %s", i + 1, msg));
    }
}

static int show(struct http_request *req, struct http_response *resp, const struct form *f,
                const struct ui_errors *errs, int status)
{
    struct buf b = rs_buf(req);
    const char *title = f->id ? "Modifier la ressource" : "Créer une ressource";
    ui_h1(&b, title);
    render_form(req, &b, f, errs);
    return shell_render(req, resp, &(struct shell_page){.title = title, .status = status},
                        buf_cstr(&b));
}

int rs_page_new_form(struct http_request *req, struct http_response *resp)
{
    struct form f = {0};
    f.titre = http_param(&req->query, "titre");
    f.licence = "etalab_2_0";
    f.visibilite = "public";
    const char *base = http_param(&req->query, "base");
    int64_t base_id = 0;
    if (base && cstr_to_int64(base, &base_id) == 0 &&
        bases_is_member(rs_db(req), auth_of(req), base_id))
        f.base_id = base_id;
    f.n_rows = FORM_ROWS_NEW;
    f.rows = arena_calloc(req->arena, f.n_rows, sizeof(*f.rows));
    struct ui_errors errs = {0};
    return show(req, resp, &f, &errs, 200);
}

/* Shared by creation and edition: old is the resource being edited, or NULL. */
static int submit(struct http_request *req, struct http_response *resp, const struct ressource *old)
{
    struct arena *a = req->arena;
    const struct auth *au = auth_of(req);
    struct db *db = rs_db(req);
    struct form f = {0};
    struct ressource r;
    struct ui_errors errs = {0};
    form_read(req, &f, &r, &errs);
    if (old) {
        f.id = old->id;
        f.published = old->published;
    }
    const char *action = param_or_empty(req, "action");
    if (strcmp(action, "blocs") == 0) {
        size_t n = f.n_rows + FORM_ROWS_MORE;
        f.n_rows = n > RESSOURCE_BLOCKS_MAX ? RESSOURCE_BLOCKS_MAX : n;
        return show(req, resp, &f, &errs, errs.n ? 400 : 200);
    }
    if (strcmp(action, "suggerer") == 0) {
        struct suggestion s;
        ressources_suggest(a, &r, &s);
        struct buf note;
        buf_init(&note, a, 16 * 1024);
        for (int k = 0; k < VOCAB_N; k++) {
            const char **merged = arena_calloc(a, f.n_checked[k] + s.n[k] + 1, sizeof(*merged));
            size_t n = 0;
            for (size_t i = 0; i < f.n_checked[k]; i++)
                merged[n++] = f.checked[k][i];
            for (size_t i = 0; i < s.n[k]; i++) {
                if (checked(&f, k, s.values[k][i]))
                    continue;
                merged[n++] = s.values[k][i];
                buf_adds(&note, note.len ? ", " : "");
                buf_adds(&note, ressources_vocab_find((enum vocab_kind)k, s.values[k][i])->label);
            }
            f.checked[k] = merged;
            f.n_checked[k] = n;
        }
        f.notice = note.len ? arena_printf(a,
                                           "Cochées d'après le texte : %s. Vérifiez-les avant "
                                           "d'enregistrer.",
                                           buf_cstr(&note))
                            : "Le texte ne suggère rien de plus : cochez ce qui convient.";
        return show(req, resp, &f, &errs, errs.n ? 400 : 200);
    }
    bool publish = strcmp(action, "publier") == 0;
    /* A base the author is not a member of is refused, except the one it already has. */
    if (r.base_id && !(old && old->base_id == r.base_id) && !bases_is_member(db, au, r.base_id))
        ui_errors_add(&errs, "base", "Base : vous n'êtes pas membre de cette base.");
    validate_rows(a, &f, &errs);
    if (!errs.n)
        ressource_validate(a, &r, &errs);
    if (errs.n)
        return show(req, resp, &f, &errs, 400);
    if (old) {
        r.id = old->id;
        r.created_by = old->created_by;
        r.ext_id = old->ext_id;
    } else {
        r.created_by = au->user_id;
    }
    int rc = ressource_save(db, a, &r, au->user_id, &errs);
    if (rc == ERR_INVALID)
        return show(req, resp, &f, &errs, 400);
    if (rc)
        return rc;
    if (publish && (rc = ressource_publish(db, r.id, r.public_, au->user_id)) != 0)
        return rc;
    rs_after_write(req, r.id);
    const char *note = publish ? (old && old->published ? "republiee" : "publiee")
                               : (old ? "enregistree" : "brouillon");
    http_redirect(resp, arena_printf(a, "/ressources/%lld?fait=%s", (long long)r.id, note));
    return 0;
}

int rs_page_new(struct http_request *req, struct http_response *resp)
{
    return submit(req, resp, NULL);
}

int rs_page_edit_form(struct http_request *req, struct http_response *resp)
{
    struct ressource r;
    int rc = rs_load_ressource(req, true, &r);
    if (rc)
        return rc;
    struct form f;
    form_from_ressource(req->arena, &r, &f);
    struct ui_errors errs = {0};
    return show(req, resp, &f, &errs, 200);
}

int rs_page_edit(struct http_request *req, struct http_response *resp)
{
    struct ressource r;
    int rc = rs_load_ressource(req, true, &r);
    if (rc)
        return rc;
    return submit(req, resp, &r);
}
