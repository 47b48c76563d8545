/*
 * embedded: files compiled into the binary by tools/embed (the migrations of src/db/migrations/).
 * The generated C file owns the arrays; they are static, read-only data, borrowed by everyone. Each
 * data is NUL-terminated (data[len] == '\0') so it can be handed to C APIs as is.
 */
#ifndef RELAIS_DB_EMBEDDED_H
#define RELAIS_DB_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
    const char *name; /* the file's base name, e.g. "0001_foundation.sql" */
    const char *data;
    size_t len;
};

/* build/gen/migrations.c, in the order of the file names. */
extern const struct embedded_file migrations[];
extern const size_t migrations_count;

#endif
