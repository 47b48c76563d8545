/* Files of resources: checking, content-addressed storage and PDF previews (see files.h). */
#include "ressources/files.h"
#include "core/arena.h"
#include "core/err.h"
#include "core/limits.h"
#include "core/log.h"
#include "db/db.h"

#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <sodium.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static const char SQL_FILE_INSERT[] =
    "INSERT INTO ressource_files (sha256, mime, size, created_at) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (sha256) DO NOTHING";
static const char SQL_FILE_GET[] =
    "SELECT id, sha256, mime, size, preview_sha256 FROM ressource_files WHERE sha256 = $1";
static const char SQL_FILE_PREVIEW[] =
    "UPDATE ressource_files SET preview_sha256 = $2 WHERE sha256 = $1";

/* The accepted types, the extensions each may carry, and their French label. */
static const struct {
    const char *mime;
    const char *exts; /* space-separated, with the dot */
    const char *label;
} types[] = {
    {"application/pdf", ".pdf", "PDF"},
    {"image/png", ".png", "image PNG"},
    {"image/jpeg", ".jpg .jpeg", "image JPEG"},
    {"image/gif", ".gif", "image GIF"},
    {"image/webp", ".webp", "image WebP"},
    {"text/plain", ".txt .md .csv", "texte"},
    {"text/csv", ".csv", "tableau CSV"},
    {"application/vnd.oasis.opendocument.text", ".odt", "document texte (ODT)"},
    {"application/vnd.oasis.opendocument.spreadsheet", ".ods", "tableur (ODS)"},
    {"application/vnd.oasis.opendocument.presentation", ".odp", "présentation (ODP)"},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx",
     "document Word (DOCX)"},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx",
     "tableur Excel (XLSX)"},
    {"application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx",
     "présentation PowerPoint (PPTX)"},
    {"application/msword", ".doc", "document Word (DOC)"},
    {"application/vnd.ms-excel", ".xls", "tableur Excel (XLS)"},
    {"application/vnd.ms-powerpoint", ".ppt", "présentation PowerPoint (PPT)"},
};
#define N_TYPES (sizeof(types) / sizeof(types[0]))

/* What a refused type is, in words a person knows. */
static const char *refused_label(const char *mime)
{
    if (!mime)
        return "un contenu inconnu";
    if (strcmp(mime, "text/html") == 0 || strcmp(mime, "application/xhtml+xml") == 0)
        return "une page HTML";
    if (strstr(mime, "executable") || strstr(mime, "x-dosexec") || strstr(mime, "x-sharedlib") ||
        strstr(mime, "x-mach") || strstr(mime, "x-elf"))
        return "un programme";
    if (strstr(mime, "script") || strstr(mime, "javascript"))
        return "un script";
    if (strcmp(mime, "image/svg+xml") == 0)
        return "une image SVG (elle peut contenir du code)";
    if (strstr(mime, "zip") || strstr(mime, "x-rar") || strstr(mime, "x-7z") ||
        strstr(mime, "x-tar"))
        return "une archive";
    return mime;
}

const char *ressource_file_label(const char *mime)
{
    for (size_t i = 0; mime && i < N_TYPES; i++)
        if (strcmp(types[i].mime, mime) == 0)
            return types[i].label;
    return "fichier";
}

bool ressource_file_inline(const char *mime)
{
    return mime && (strncmp(mime, "image/", 6) == 0 || strcmp(mime, "application/pdf") == 0);
}

static int type_index(const char *mime)
{
    for (size_t i = 0; mime && i < N_TYPES; i++)
        if (strcmp(types[i].mime, mime) == 0)
            return (int)i;
    return -1;
}

/* The extension of name, lower case, with its dot, or "" (arena). */
static const char *extension_of(struct arena *a, const char *name)
{
    const char *dot = name ? strrchr(name, '.') : NULL;
    if (!dot || strchr(dot, '/') || strlen(dot) > 8)
        return "";
    char *e = arena_strdup(a, dot);
    for (char *p = e; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return e;
}

static bool ext_listed(const char *exts, const char *ext)
{
    size_t n = strlen(ext);
    for (const char *p = exts; n && (p = strstr(p, ext)) != NULL; p += n)
        if ((p == exts || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
            return true;
    return false;
}

/* The type whose extensions list ext, for a message ("se présente comme un PDF"). */
static const char *claimed_label(const char *ext)
{
    for (size_t i = 0; *ext && i < N_TYPES; i++)
        if (ext_listed(types[i].exts, ext))
            return types[i].label;
    return NULL;
}

const char *ressource_file_sniff(struct arena *a, const char *path)
{
    /* A cookie per call: libmagic's cookies are not thread-safe, and loading the compiled
     * database is cheap next to an upload. */
    magic_t m = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
    if (!m)
        return NULL;
    const char *out = NULL;
    if (magic_load(m, NULL) == 0) {
        const char *t = magic_file(m, path);
        if (t)
            out = arena_strdup(a, t);
        else
            log_warn("ressources: libmagic: %s", magic_error(m));
    } else {
        log_error("ressources: libmagic cannot load its database: %s", magic_error(m));
    }
    magic_close(m);
    return out;
}

static int sha256_file(struct arena *a, const char *path, char **hex)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ERR_IO;
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    unsigned char chunk[64 * 1024];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof(chunk))) > 0)
        crypto_hash_sha256_update(&st, chunk, (unsigned long long)n);
    close(fd);
    if (n < 0)
        return ERR_IO;
    unsigned char out[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&st, out);
    *hex = arena_alloc(a, 2 * sizeof(out) + 1);
    sodium_bin2hex(*hex, 2 * sizeof(out) + 1, out, sizeof(out));
    return 0;
}

static bool hex64(const char *s)
{
    size_t n = 0;
    for (; s && s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
            return false;
    return n == 64;
}

char *ressource_file_path(struct arena *a, const char *data_dir, const char *sha256)
{
    ASSERT(hex64(sha256));
    return arena_printf(a, "%s/ressources/%.2s/%s", data_dir, sha256, sha256);
}

static int mkdir_one(const char *path)
{
    if (mkdir(path, 0750) == 0 || errno == EEXIST)
        return 0;
    log_error("ressources: mkdir %s: %m", path);
    return ERR_IO;
}

static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return ERR_IO;
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
    if (out < 0) {
        close(in);
        return ERR_IO;
    }
    char chunk[64 * 1024];
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = read(in, chunk, sizeof(chunk))) != 0) {
        if (n < 0 || write(out, chunk, (size_t)n) != n)
            rc = ERR_IO;
    }
    if (fsync(out) < 0)
        rc = ERR_IO;
    close(in);
    if (close(out) < 0)
        rc = ERR_IO;
    return rc;
}

/* Puts the content at from into the store under its hash (kept as is when already there). copy:
 * the caller keeps from (an upload the server deletes); otherwise it is renamed. */
static int put_content(struct arena *a, const char *data_dir, const char *from, const char *sha256,
                       bool copy)
{
    char *dir = arena_printf(a, "%s/ressources", data_dir);
    int rc = mkdir_one(data_dir);
    if (rc == 0)
        rc = mkdir_one(dir);
    char *sub = arena_printf(a, "%s/%.2s", dir, sha256);
    if (rc == 0)
        rc = mkdir_one(sub);
    if (rc)
        return rc;
    char *dest = ressource_file_path(a, data_dir, sha256);
    struct stat sb;
    if (stat(dest, &sb) == 0)
        return 0;
    /* Written beside, then renamed: a crash never leaves half a file under a hash. */
    char *tmp = arena_printf(a, "%s.part-%d", dest, (int)getpid());
    if (!copy && rename(from, tmp) == 0) {
        /* moved */
    } else if ((rc = copy_file(from, tmp)) != 0) {
        unlink(tmp);
        log_error("ressources: cannot store %s: %m", dest);
        return rc;
    }
    if (rename(tmp, dest) < 0) {
        log_error("ressources: rename %s: %m", dest);
        unlink(tmp);
        return ERR_IO;
    }
    return 0;
}

static int record(struct db *db, const char *sha256, const char *mime, uint64_t size)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_FILE_INSERT, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, sha256);
    db_bind_text(st, 2, mime);
    db_bind_int64(st, 3, (int64_t)size);
    db_bind_int64(st, 4, (int64_t)time(NULL));
    return db_exec_stmt(st);
}

int ressource_file_get(struct db *db, struct arena *a, const char *sha256,
                       struct ressource_file *out)
{
    struct db_stmt *st;
    int rc = db_prepare(db, SQL_FILE_GET, &st);
    if (rc)
        return rc;
    db_bind_text(st, 1, sha256);
    rc = db_step_one(st);
    if (rc == 0) {
        out->id = db_col_int64(st, 0);
        out->sha256 = db_col_dup(st, 1, a);
        out->mime = db_col_dup(st, 2, a);
        out->size = db_col_int64(st, 3);
        out->preview_sha256 = db_col_dup(st, 4, a);
    }
    db_reset(st);
    return rc;
}

/* Runs argv (no shell) and waits; true when it exited with 0. */
static bool run(char *const argv[])
{
    pid_t pid;
    if (posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ) != 0)
        return false;
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return false;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* The first page of a stored PDF as a PNG 600 pixels wide, stored like any file. pdftoppm runs
 * under `timeout` so that a hostile PDF cannot hold a worker; no preview is not an error. */
static void make_preview(struct db *db, struct arena *a, const char *data_dir, const char *sha256)
{
    char *pdf = ressource_file_path(a, data_dir, sha256);
    char *prefix = arena_printf(a, "%s.preview-%d", pdf, (int)getpid());
    char *png = arena_printf(a, "%s.png", prefix);
    char *argv[] = {"timeout", "20", "pdftoppm",    "-png",        "-f",  "1",
                    "-l",      "1",  "-singlefile", "-scale-to-x", "600", "-scale-to-y",
                    "-1",      "-q", pdf,           prefix,        NULL};
    if (!run(argv)) {
        log_warn("ressources: no preview for %s (pdftoppm failed or is not installed)", sha256);
        unlink(png);
        return;
    }
    char *psha;
    struct stat sb;
    if (stat(png, &sb) == 0 && sha256_file(a, png, &psha) == 0 &&
        put_content(a, data_dir, png, psha, false) == 0 &&
        record(db, psha, "image/png", (uint64_t)sb.st_size) == 0) {
        struct db_stmt *st;
        if (db_prepare(db, SQL_FILE_PREVIEW, &st) == 0) {
            db_bind_text(st, 1, sha256);
            db_bind_text(st, 2, psha);
            db_exec_stmt(st);
        }
    }
    unlink(png);
}

/* The text of a stored PDF into DATA_DIR/ressources/HH/SHA256.txt (written beside, then renamed),
 * for the search; the first pages only, under `timeout` like the preview. No text is not an
 * error. */
static void make_text(struct arena *a, const char *data_dir, const char *sha256)
{
    char *pdf = ressource_file_path(a, data_dir, sha256);
    char *txt = arena_printf(a, "%s.txt", pdf);
    struct stat sb;
    if (stat(txt, &sb) == 0)
        return;
    char *part = arena_printf(a, "%s.part-%d", txt, (int)getpid());
    char *argv[] = {"timeout", "20",    "pdftotext", "-q", "-l", "50",
                    "-enc",    "UTF-8", pdf,         part, NULL};
    if (!run(argv) || rename(part, txt) < 0) {
        log_warn("ressources: no text for %s (pdftotext failed or is not installed)", sha256);
        unlink(part);
    }
}

char *ressource_file_text(struct arena *a, const char *data_dir, const char *sha256, size_t max)
{
    if (!sha256 || strlen(sha256) != 64)
        return NULL;
    char *txt = arena_printf(a, "%s.txt", ressource_file_path(a, data_dir, sha256));
    int fd = open(txt, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    char *out = arena_alloc(a, max + 1);
    size_t n = 0;
    ssize_t got;
    while (n < max && (got = read(fd, out + n, max - n)) > 0)
        n += (size_t)got;
    close(fd);
    out[n] = '\0';
    return out;
}

int ressource_file_store(struct db *db, struct arena *a, const char *data_dir, const char *tmp_path,
                         const char *filename, uint64_t size, bool image_only,
                         struct ressource_file *out, const char **message)
{
    const char *name = filename && *filename ? filename : "sans nom";
    *message = NULL;
    if (size > LIMIT_RESSOURCE_FILE_BYTES) {
        *message = arena_printf(a,
                                "Le fichier « %s » pèse %.1f Mo : la limite est de %d Mo par "
                                "fichier.",
                                name, (double)size / (1024.0 * 1024.0),
                                LIMIT_RESSOURCE_FILE_BYTES / (1024 * 1024));
        return ERR_TOO_BIG;
    }
    if (size == 0) {
        *message = arena_printf(a, "Le fichier « %s » est vide.", name);
        return ERR_UNSUPPORTED;
    }
    const char *mime = ressource_file_sniff(a, tmp_path);
    const char *ext = extension_of(a, filename);
    int t = type_index(mime);
    const char *claimed = claimed_label(ext);
    if (t < 0) {
        *message =
            claimed ? arena_printf(a,
                                   "Le fichier « %s » se présente comme un %s mais contient %s : "
                                   "ce type de fichier n'est pas accepté.",
                                   name, claimed, refused_label(mime))
                    : arena_printf(a,
                                   "Le fichier « %s » contient %s : sont acceptés les PDF, les "
                                   "images (PNG, JPEG, GIF, WebP), les documents bureautiques "
                                   "et le texte.",
                                   name, refused_label(mime));
        return ERR_UNSUPPORTED;
    }
    if (!ext_listed(types[t].exts, ext)) {
        *message = claimed ? arena_printf(a,
                                          "Le fichier « %s » se présente comme un %s mais "
                                          "contient un %s : renommez-le avec la bonne extension "
                                          "(%s).",
                                          name, claimed, types[t].label, types[t].exts)
                           : arena_printf(a,
                                          "Le fichier « %s » contient un %s : son nom doit finir "
                                          "par %s.",
                                          name, types[t].label, types[t].exts);
        return ERR_UNSUPPORTED;
    }
    if (image_only && strncmp(mime, "image/", 6) != 0) {
        *message = arena_printf(a,
                                "Le fichier « %s » est un %s : un bloc image attend une image "
                                "PNG, JPEG, GIF ou WebP.",
                                name, types[t].label);
        return ERR_UNSUPPORTED;
    }
    char *sha;
    int rc = sha256_file(a, tmp_path, &sha);
    if (rc == 0)
        rc = put_content(a, data_dir, tmp_path, sha, true);
    if (rc == 0)
        rc = record(db, sha, mime, size);
    if (rc == 0 && (rc = ressource_file_get(db, a, sha, out)) == 0 &&
        strcmp(mime, "application/pdf") == 0) {
        make_text(a, data_dir, sha);
        if (!out->preview_sha256) {
            make_preview(db, a, data_dir, sha);
            rc = ressource_file_get(db, a, sha, out);
        }
    }
    return rc;
}
