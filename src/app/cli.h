/*
 * cli: option parsing for the subcommands of `relais`. Each subcommand declares a table of options;
 * cli_parse fills the string pointers (borrowed from argv) and collects positional arguments.
 * `--help` anywhere prints the subcommand's usage and its options, and cli_parse returns 1.
 */
#ifndef RELAIS_APP_CLI_H
#define RELAIS_APP_CLI_H

#include <stdbool.h>
#include <stddef.h>

struct cli_opt {
    const char *name;    /* "database" for --database */
    const char *metavar; /* "URL"; NULL for a flag without value */
    const char *help;    /* one French line */
    const char **value;  /* receives the value (or "1" for a flag) */
};

struct cli_cmd {
    const char *usage;   /* "relais serve [options]" */
    const char *summary; /* one French line */
    const struct cli_opt *opts;
    size_t n_opts;
};

/* Parses argv (argv[0] is the subcommand itself). Positional arguments go to pos (up to max_pos).
 * Returns 0, 1 when --help was printed, or ERR_INVALID after printing a French message. */
int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, const char **pos, size_t max_pos,
              size_t *n_pos);
void cli_usage(const struct cli_cmd *cmd);
/* cli_parse with exactly n_pos positional arguments. Returns true when the command must stop now,
 * with *status its exit status (0 after --help, 2 after a usage error, usage printed). */
/* Opens the database at url and brings its schema up to date; on failure prints a French message
 * and returns the error. *out is caller-frees (db_close). */
struct db;
int cli_open_db(const char *url, struct db **out);
bool cli_stop(const struct cli_cmd *cmd, int argc, char **argv, const char **pos, size_t n_pos,
              int *status);

#endif
