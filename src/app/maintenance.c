#include "app/maintenance.h"
#include "activite/maintenance_activite.h"
#include "app/cli.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/err.h"
#include "db/db.h"
#include "orientation/orientation.h"
#include "orientation/outbox.h"
#include "ressources/linkcheck.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct maintenance_step {
    const char *name;
    const char *summary;
    int (*run)(struct db *db, const struct config *cfg, int64_t now, struct arena *a,
               const char **line);
};

static int step_orientations(struct db *db, const struct config *cfg, int64_t now, struct arena *a,
                             const char **line)
{
    struct orientation_settings s;
    orientation_settings_read(cfg, &s);
    struct orientation_maintenance_stats st;
    int rc = orientation_maintenance(db, cfg, &s, now, &st);
    *line =
        arena_printf(a,
                     "%lld rappel(s), %lld expirée(s), %lld pièce(s) jointe(s) supprimée(s), "
                     "%lld anonymisée(s)%s",
                     (long long)st.reminded, (long long)st.expired, (long long)st.pieces_deleted,
                     (long long)st.anonymised, rc ? " — interrompu par une erreur" : "");
    return rc;
}

static int step_outbox(struct db *db, const struct config *cfg, int64_t now, struct arena *a,
                       const char **line)
{
    struct outbox_stats st;
    int rc = outbox_send_due(db, cfg, now, &st);
    *line =
        arena_printf(a, "%lld envoyé(s), %lld en échec (nouvel essai plus tard), %lld en attente%s",
                     (long long)st.sent, (long long)st.failed, (long long)st.waiting,
                     cfg->smtp_url ? "" : " (RELAIS_SMTP_URL n'est pas défini)");
    return rc;
}

/* The link checker asks the web as it is now: the injected date does not apply to it. */
static int step_links(struct db *db, const struct config *cfg, int64_t now, struct arena *a,
                      const char **line)
{
    (void)now;
    return linkcheck_maintenance_step(db, cfg, a, line);
}

/* In this order: the outbox last, so that the mails the other steps queue leave in the same run. */
static const struct maintenance_step maintenance_steps[] = {
    {"beneficiaires", "anonymise les fiches nominatives restées sans accompagnement",
     maintenance_beneficiaires},
    {"orientations", "rappels, expiration, pièces jointes, anonymisation des orientations",
     step_orientations},
    {"liens", "vérifie les liens des ressources et prévient leurs auteurs", step_links},
    {"courriels", "envoi des courriels en attente", step_outbox},
};

/* "AAAA-MM-JJ" (noon UTC) or "AAAA-MM-JJTHH:MM" (UTC); false when it is neither. */
static bool parse_date(const char *s, int64_t *out)
{
    struct tm tm = {0};
    const char *end = strptime(s, "%Y-%m-%dT%H:%M", &tm);
    if (!end || *end) {
        memset(&tm, 0, sizeof(tm));
        end = strptime(s, "%Y-%m-%d", &tm);
        if (!end || *end)
            return false;
        tm.tm_hour = 12;
    }
    *out = (int64_t)timegm(&tm);
    return true;
}

int maintenance_cli(int argc, char **argv, struct config *cfg)
{
    const char *only = NULL, *date = NULL;
    const struct cli_opt opts[] = {
        {"database", "URL",
         "base de données : sqlite:CHEMIN ou postgresql://… (RELAIS_DATABASE_URL)",
         &cfg->database_url},
        {"only", "ÉTAPE",
         "n'exécute que cette étape (beneficiaires, orientations, liens, courriels)", &only},
        {"mois", "N",
         "beneficiaires : mois sans accompagnement avant l'anonymisation, 24 par défaut "
         "(RELAIS_ANONYMISE_MONTHS)",
         &cfg->anonymise_months},
        {"date", "DATE",
         "la date prise pour maintenant, AAAA-MM-JJ ou AAAA-MM-JJTHH:MM (UTC) ; maintenant par "
         "défaut",
         &date},
        {"data-dir", "DOSSIER", "dossier des fichiers envoyés (RELAIS_DATA_DIR)", &cfg->data_dir},
    };
    const struct cli_cmd cmd = {"relais maintenance [options]",
                                "Exécute les tâches périodiques de chaque module (à lancer chaque "
                                "heure par cron) et imprime une ligne par étape.",
                                opts, N(opts)};
    int rc;
    if (cli_stop(&cmd, argc, argv, NULL, 0, &rc))
        return rc;
    int64_t now = (int64_t)time(NULL);
    if (date && !parse_date(date, &now)) {
        fprintf(stderr, "relais : --date : une date AAAA-MM-JJ ou AAAA-MM-JJTHH:MM, par exemple "
                        "2026-12-01 ou 2026-12-01T10:00\n");
        return 2;
    }
    bool known = !only;
    for (size_t i = 0; i < N(maintenance_steps); i++)
        known = known || strcmp(only, maintenance_steps[i].name) == 0;
    if (!known) {
        fprintf(stderr, "relais : --only : étape inconnue « %s » ; étapes :", only);
        for (size_t i = 0; i < N(maintenance_steps); i++)
            fprintf(stderr, " %s", maintenance_steps[i].name);
        fprintf(stderr, "\n");
        return 2;
    }
    struct db *db;
    if (cli_open_db(cfg->database_url, &db))
        return 1;
    int failed = 0;
    for (size_t i = 0; i < N(maintenance_steps); i++) {
        const struct maintenance_step *s = &maintenance_steps[i];
        if (only && strcmp(only, s->name) != 0)
            continue;
        struct arena a = ARENA_INIT;
        const char *line = NULL;
        rc = s->run(db, cfg, now, &a, &line);
        if (rc) {
            failed++;
            fprintf(stderr, "relais : l'étape %s a échoué : %s\n", s->name, db_errmsg(db));
        }
        printf("%s : %s%s\n", s->name, rc ? "échec : " : "", line ? line : err_name(rc));
        fflush(stdout);
        arena_release(&a);
    }
    db_close(db);
    return failed ? 1 : 0;
}
