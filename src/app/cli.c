#include "app/cli.h"
#include "core/err.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

void cli_usage(const struct cli_cmd *cmd)
{
    printf("Usage : %s\n\n%s\n", cmd->usage, cmd->summary);
    if (cmd->n_opts)
        printf("\nOptions :\n");
    for (size_t i = 0; i < cmd->n_opts; i++) {
        const struct cli_opt *o = &cmd->opts[i];
        char left[64];
        snprintf(left, sizeof(left), "--%s%s%s", o->name, o->metavar ? " " : "",
                 o->metavar ? o->metavar : "");
        printf("  %-28s %s\n", left, o->help);
    }
    printf("  %-28s %s\n", "--help", "affiche cette aide");
}

static const struct cli_opt *find_opt(const struct cli_cmd *cmd, const char *name, size_t len)
{
    for (size_t i = 0; i < cmd->n_opts; i++)
        if (strlen(cmd->opts[i].name) == len && strncmp(cmd->opts[i].name, name, len) == 0)
            return &cmd->opts[i];
    return NULL;
}

int cli_parse(const struct cli_cmd *cmd, int argc, char **argv, const char **pos, size_t max_pos,
              size_t *n_pos)
{
    *n_pos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            cli_usage(cmd);
            return 1;
        }
        /* The one short option, as in cc and curl: -o FILE is --output FILE. */
        if (strcmp(a, "-o") == 0 && find_opt(cmd, "output", 6))
            a = "--output";
        if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
            if (*n_pos >= max_pos) {
                fprintf(stderr, "relais : argument en trop : « %s » (voir --help)\n", a);
                return ERR_INVALID;
            }
            pos[(*n_pos)++] = a;
            continue;
        }
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const struct cli_opt *o = find_opt(cmd, name, len);
        if (!o) {
            fprintf(stderr, "relais : option inconnue : %s (voir %s --help)\n", a, cmd->usage);
            return ERR_INVALID;
        }
        if (!o->metavar) {
            if (eq) {
                fprintf(stderr, "relais : l'option --%s ne prend pas de valeur\n", o->name);
                return ERR_INVALID;
            }
            *o->value = "1";
            continue;
        }
        if (eq) {
            *o->value = eq + 1;
        } else if (i + 1 < argc) {
            *o->value = argv[++i];
        } else {
            fprintf(stderr, "relais : l'option --%s attend une valeur (%s)\n", o->name, o->metavar);
            return ERR_INVALID;
        }
    }
    return 0;
}

bool cli_stop(const struct cli_cmd *cmd, int argc, char **argv, const char **pos, size_t n_pos,
              int *status)
{
    size_t got;
    int rc = cli_parse(cmd, argc, argv, pos, n_pos, &got);
    if (rc == 0 && got != n_pos) {
        cli_usage(cmd);
        rc = ERR_INVALID;
    }
    *status = rc > 0 ? 0 : 2;
    return rc != 0;
}

int cli_open_db(const char *url, struct db **out)
{
    int rc = db_open(url, out);
    if (rc) {
        fprintf(stderr, "relais : impossible d'ouvrir la base de données « %s »\n", url);
        return rc;
    }
    if ((rc = db_migrate(*out))) {
        fprintf(stderr, "relais : la migration de la base a échoué : %s\n", db_errmsg(*out));
        db_close(*out);
        *out = NULL;
    }
    return rc;
}
