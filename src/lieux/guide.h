/*
 * guide: the printed guide of a département's lieux for the professionals who orient people, as a
 * PDF (A4 portrait, cairo + pango). It holds a cover page (title, date of the data, number of
 * lieux, how to use the guide, contents), the published lieux grouped by commune in French
 * alphabetical order on two columns (each lieu kept whole on one column when it fits), an index by
 * service (the 9 services of the standard, each lieu with its commune and page), and a last page
 * with the sources and the date of the data. Every page but the cover has a running header and
 * "page N / M".
 *
 * The whole document is laid out before the first page is drawn, so page numbers (the index, the
 * contents, "N / M") are exact in one drawing pass. The PDF is produced through a write callback,
 * so a caller can stream it, fill a struct buf, or use guide_write_pdf to write a file.
 *
 * Spelling of communes: the data writes the same commune several ways ("ANGOULEME", "ANGOULÊME",
 * "Angoulême", "BARBEZIEUX ST HILAIRE"); lieux are grouped on a folded key (no case, no accents,
 * hyphens as spaces, "st" as "saint") and the group is shown under its best-written spelling.
 *
 * Fonts: the family is Atkinson Hyperlegible, Relais's typeface. npm's @fontsource ships it as
 * WOFF/WOFF2 only, which harfbuzz (and so pango) cannot read: the build converts the WOFF2 files
 * to TrueType with woff2_decompress (Debian package woff2) into $(B)/fonts, and the guide registers
 * that directory with fontconfig for the process (guide_opts.font_dir, RELAIS_FONT_DIR). Without
 * it (or when Atkinson is missing there) fontconfig falls back to DejaVu Sans Condensed
 * (fonts-dejavu-core) and a log line says so; the font actually used is reported in the stats.
 *
 * Threads: one guide per call; pango's font map is per thread, so worker threads may each build a
 * guide at the same time. Ownership: everything in struct guide_stats lives in the caller's arena.
 */
#ifndef RELAIS_LIEUX_GUIDE_H
#define RELAIS_LIEUX_GUIDE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct arena;
struct db;

/* The services of the standard, in its order (lieu_vocab(LF_SERVICES)). */
#define GUIDE_N_SERVICES 9

struct guide_opts {
    const char *departement;     /* "16", "2A", "974": required */
    const char *departement_nom; /* "Charente"; NULL: Relais's own table of names */
    time_t generated_at;         /* the date printed as the generation date; 0: now */
    const char *font_dir;        /* Atkinson Hyperlegible as .ttf (RELAIS_FONT_DIR); NULL: none */
};

/* Registers with fontconfig, for the whole process, the files atkinson-hyperlegible-*.ttf of dir
 * (guide_write calls it with opts->font_dir). Returns how many were added: 0 when dir holds none,
 * or was registered before; logs a line when the guide will fall back to DejaVu Sans. */
int guide_fonts_register(const char *dir);

/* Where one lieu landed. */
struct guide_lieu_page {
    int64_t id;      /* lieux.id */
    const char *nom; /* arena */
    size_t commune;  /* index in guide_stats.communes */
    int page;        /* 1-based page of the first line of the lieu */
};

struct guide_service_index {
    const char *service; /* the standard's label; static */
    size_t *lieux;       /* indexes in guide_stats.lieux, in guide order; arena */
    size_t n;
};

struct guide_stats {
    int pages; /* total, cover included */
    int lieux_first_page, index_first_page, sources_page;
    struct guide_lieu_page *lieux; /* in the order of the guide; arena */
    size_t n_lieux;
    const char **communes; /* shown names, in the order of the guide; arena */
    size_t n_communes;
    struct guide_service_index services[GUIDE_N_SERVICES];
    char date_maj_max[11]; /* newest date_maj of the lieux, "YYYY-MM-DD" ("" when none) */
    char date_maj_min[11];
    const char *font; /* family used for the text; arena */
    double ms;        /* time to read, lay out and write */
};

/* Builds the guide of opts->departement from its published lieux (lieu_store_each) and hands the
 * PDF to write(ctx, data, len) as it is produced (write returns 0, or non-zero to fail the guide
 * with ERR_IO); nothing is written when reading the lieux fails. Returns 0 with *out filled (arena
 * a), ERR_INVALID for a département code that is not one, ERR_TOO_BIG past LIMIT_GUIDE_LIEUX lieux,
 * ERR_DB, or ERR_IO when write failed. A département without published lieux still gives a guide
 * (its pages say so). */
int guide_write(struct db *db, const struct guide_opts *opts,
                int (*write)(void *ctx, const unsigned char *data, size_t len), void *ctx,
                struct arena *a, struct guide_stats *out);

/* guide_write into a file: written as path + ".part" and renamed over path when complete, so a
 * reader never sees half a guide. ERR_IO when the file cannot be written. */
int guide_write_pdf(struct db *db, const struct guide_opts *opts, const char *path, struct arena *a,
                    struct guide_stats *out);

/* The name of a département ("16" -> "Charente"), static, or NULL for an unknown code. */
const char *guide_departement_nom(const char *code);

/* `relais guide --departement NN -o FICHIER.pdf [--database URL]`: 0 done, 1 failure, 2 usage.
 * Defined in guide_cli.c. */
int guide_cli(int argc, char **argv);

#endif
