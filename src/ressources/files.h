/*
 * ressources/files: the files of resources (PDF, images, office documents, text). An upload is
 * checked before anything is kept: its size (LIMIT_RESSOURCE_FILE_BYTES), its real type sniffed
 * from its content by libmagic (what the browser says is ignored), an allowlist of types, and the
 * agreement of its extension with that type (a ".pdf" that holds HTML or a program is refused).
 * Accepted files are stored once per content, at DATA_DIR/ressources/HH/SHA256 (outside the web
 * root), with a row in ressource_files. A PDF gets a PNG preview of its first page, made by
 * pdftoppm (poppler-utils) when it is installed, stored the same way, and its text, extracted by
 * pdftotext into a file beside it (DATA_DIR/ressources/HH/SHA256.txt), for the search.
 */
#ifndef RELAIS_RESSOURCES_FILES_H
#define RELAIS_RESSOURCES_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct db;

struct ressource_file {
    int64_t id;
    const char *sha256, *mime, *preview_sha256; /* preview: NULL when none */
    int64_t size;
};

/* Checks and stores the file at tmp_path (an upload's temporary file, moved into the store or
 * left for its owner to delete). filename is the name the person gave it; image_only refuses
 * anything but an image. On refusal: ERR_TOO_BIG or ERR_UNSUPPORTED, with a French sentence
 * naming the file in *message (arena). Other errors: ERR_IO, ERR_DB. */
int ressource_file_store(struct db *db, struct arena *a, const char *data_dir, const char *tmp_path,
                         const char *filename, uint64_t size, bool image_only,
                         struct ressource_file *out, const char **message);
/* The row of a stored content, or ERR_NOT_FOUND. */
int ressource_file_get(struct db *db, struct arena *a, const char *sha256,
                       struct ressource_file *out);
/* Where a content lives on disk (arena). sha256 must be 64 hex digits (ASSERT). */
char *ressource_file_path(struct arena *a, const char *data_dir, const char *sha256);
/* The text of a stored PDF (see above), at most max bytes, or NULL when there is none (arena). */
char *ressource_file_text(struct arena *a, const char *data_dir, const char *sha256, size_t max);
/* Whether a browser shows the type in the page (images, PDF) rather than downloading it. */
bool ressource_file_inline(const char *mime);
/* "PDF", "image PNG", "document texte (ODT)"... for the download links. */
const char *ressource_file_label(const char *mime);
/* The type libmagic finds in a file (MAGIC_MIME_TYPE), or NULL (arena). */
const char *ressource_file_sniff(struct arena *a, const char *path);

#endif
