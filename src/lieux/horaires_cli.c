/*
 * horaires_cli: `relais horaires`, the opening-hours parser and evaluator from the command line,
 * for editors checking a value and for the conformance test against opening_hours.js (--json,
 * --batch). Everything it allocates lives in one arena per value, released after the value.
 *
 * Times are Europe/Paris: the process sets TZ=Europe/Paris unless TZ is already set (to check an
 * overseas value, run it with that TZ); --at is read as civil time of that zone.
 */
#include "app/cli.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/err.h"
#include "lieux/horaires.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const DAYS_FR[7] = {"dimanche", "lundi",    "mardi", "mercredi",
                                       "jeudi",    "vendredi", "samedi"};
static const char *const MONTHS_FR[12] = {"janvier",   "février", "mars",     "avril",
                                          "mai",       "juin",    "juillet",  "août",
                                          "septembre", "octobre", "novembre", "décembre"};
static const char *const STATES_FR[3] = {"fermé", "ouvert", "état incertain"};
static const char *const STATES_JSON[3] = {"closed", "open", "unknown"};

/* "YYYY-MM-DD HH:MM" (or with a T) as local civil time. */
static int parse_at(const char *s, struct tm *out)
{
    int y, mo, d, h, mi;
    char sep;
    int n = 0;
    if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &n) != 6 || s[n] != '\0' ||
        (sep != ' ' && sep != 'T') || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 ||
        mi < 0 || mi > 59)
        return ERR_INVALID;
    *out = (struct tm){.tm_year = y - 1900,
                       .tm_mon = mo - 1,
                       .tm_mday = d,
                       .tm_hour = h,
                       .tm_min = mi,
                       .tm_isdst = -1};
    struct tm check = *out;
    if (mktime(&check) == (time_t)-1 || check.tm_mday != d)
        return ERR_INVALID;
    return 0;
}

/* 2026-05-15T09:00:00+02:00 for a local civil time. */
static void iso_local(const struct tm *civil, char *out, size_t cap)
{
    struct tm t = *civil;
    t.tm_isdst = -1;
    time_t when = mktime(&t);
    struct tm lt;
    localtime_r(&when, &lt);
    char zone[8];
    strftime(zone, sizeof(zone), "%z", &lt);
    char date[32];
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &lt);
    snprintf(out, cap, "%s%.3s:%.2s", date, zone, zone + 3);
}

/* jeudi 14 mai 2026 à 10 h 00 */
static void french_moment(const struct tm *t, char *out, size_t cap)
{
    struct tm n = *t;
    n.tm_isdst = -1;
    mktime(&n);
    snprintf(out, cap, "%s %d%s %s %d à %d h %02d", DAYS_FR[n.tm_wday], n.tm_mday,
             n.tm_mday == 1 ? "er" : "", MONTHS_FR[n.tm_mon], n.tm_year + 1900, n.tm_hour,
             n.tm_min);
}

/* The caret under the value points at the character (not the byte) of the error. */
static size_t column_of(const char *s, size_t pos)
{
    size_t col = 0;
    for (size_t i = 0; i < pos && s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            col++;
    return col;
}

struct answer {
    int rc;
    struct horaires_error err;
    const char *normalized, *french;
    enum horaires_state state;
    bool has_next;
    struct tm next;
    enum horaires_state next_state;
    const char *holiday;
};

static void analyse(struct arena *a, const char *value, const struct tm *at,
                    enum horaires_calendar cal, struct answer *ans)
{
    struct horaires *h;
    *ans = (struct answer){0};
    ans->rc = horaires_parse(a, value, strlen(value), &h, &ans->err);
    if (ans->rc)
        return;
    horaires_set_calendar(h, cal);
    struct buf b;
    buf_init(&b, a, 64 * 1024);
    horaires_normalize(h, &b);
    ans->normalized = buf_cstr(&b);
    buf_init(&b, a, 64 * 1024);
    horaires_french(h, &b);
    ans->french = buf_cstr(&b);
    ans->state = horaires_state_at(h, at);
    ans->has_next = horaires_next_change(h, at, &ans->next, &ans->next_state);
    horaires_is_holiday(cal, at->tm_year + 1900, at->tm_mon + 1, at->tm_mday, &ans->holiday);
}

static char *answer_json(const char *value, const struct tm *at, const struct answer *ans)
{
    char iso[48];
    json_t *o = json_object();
    json_t *v = json_string(value); /* NULL for bytes that are not UTF-8 */
    json_object_set_new(o, "value", v ? v : json_null());
    json_object_set_new(o, "ok", json_boolean(ans->rc == 0));
    iso_local(at, iso, sizeof(iso));
    json_object_set_new(o, "at", json_string(iso));
    if (ans->rc == 0) {
        json_object_set_new(o, "normalized", json_string(ans->normalized));
        json_object_set_new(o, "french", json_string(ans->french));
        json_object_set_new(o, "state", json_string(STATES_JSON[ans->state]));
        json_object_set_new(o, "open", json_boolean(ans->state == HORAIRES_OPEN));
        if (ans->has_next) {
            iso_local(&ans->next, iso, sizeof(iso));
            json_object_set_new(o, "next_change", json_string(iso));
            json_object_set_new(o, "next_state", json_string(STATES_JSON[ans->next_state]));
        } else {
            json_object_set_new(o, "next_change", json_null());
            json_object_set_new(o, "next_state", json_null());
        }
    } else {
        json_t *e = json_object();
        json_object_set_new(e, "position", json_integer((json_int_t)ans->err.pos));
        json_object_set_new(e, "message", json_string(ans->err.message));
        json_object_set_new(e, "suggestion",
                            ans->err.suggestion ? json_string(ans->err.suggestion) : json_null());
        json_object_set_new(e, "unsupported", json_boolean(ans->rc == ERR_UNSUPPORTED));
        json_object_set_new(o, "error", e);
    }
    char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
    json_decref(o);
    return s;
}

static void print_text(const char *value, const struct tm *at, const struct answer *ans)
{
    char moment[96];
    if (ans->rc) {
        printf("Horaires illisibles%s :\n  %s\n  %*s^\n",
               ans->rc == ERR_UNSUPPORTED ? " (syntaxe non prise en charge)" : "", value,
               (int)column_of(value, ans->err.pos), "");
        printf("Position %zu : %s\n", ans->err.pos, ans->err.message);
        if (ans->err.suggestion)
            printf("Suggestion : %s\n", ans->err.suggestion);
        else
            printf("Pas de correction suggérée.\n");
        return;
    }
    printf("Valeur normalisée : %s\n", ans->normalized);
    printf("En français : %s\n", ans->french);
    french_moment(at, moment, sizeof(moment));
    printf("Le %s : %s", moment, STATES_FR[ans->state]);
    if (ans->holiday)
        printf(" (jour férié : %s)", ans->holiday);
    printf("\n");
    if (ans->has_next) {
        french_moment(&ans->next, moment, sizeof(moment));
        printf("Prochain changement : %s le %s\n", STATES_FR[ans->next_state], moment);
    } else {
        printf("Prochain changement : aucun dans les cinq ans\n");
    }
}

static int run_batch(const struct tm *at, enum horaires_calendar cal)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    struct arena a = ARENA_INIT;
    while ((n = getline(&line, &cap, stdin)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        struct answer ans;
        analyse(&a, line, at, cal, &ans);
        char *s = answer_json(line, at, &ans);
        if (s) {
            puts(s);
            free(s);
        } else {
            puts("{\"ok\":false,\"error\":{\"position\":0,\"message\":\"valeur illisible\"}}");
        }
        arena_release(&a);
    }
    free(line);
    return fflush(stdout) == 0 ? 0 : 1;
}

int horaires_cli(int argc, char **argv)
{
    const char *at_s = NULL, *json = NULL, *batch = NULL, *dep = NULL;
    const struct cli_opt opts[] = {
        {"at", "\"AAAA-MM-JJ HH:MM\"", "moment évalué, heure de Paris (par défaut : maintenant)",
         &at_s},
        {"departement", "NN",
         "calendrier des jours fériés du département (57, 67, 68 : "
         "Alsace-Moselle)",
         &dep},
        {"json", NULL, "réponse en JSON sur une ligne", &json},
        {"batch", NULL, "lit une valeur par ligne sur l'entrée, écrit un JSON par ligne", &batch},
    };
    const struct cli_cmd cmd = {
        "relais horaires VALEUR [--at \"AAAA-MM-JJ HH:MM\"] [--json] | relais horaires --batch",
        "Lit des horaires au format OpenStreetMap (opening_hours) : valeur normalisée, rendu en "
        "français, ouvert ou fermé au moment demandé et prochain changement ; pour une valeur "
        "illisible, la position de l'erreur et une correction suggérée. Sortie 0 si la valeur "
        "est lisible, 1 sinon, 2 pour une erreur d'usage.",
        opts, sizeof(opts) / sizeof(opts[0])};
    const char *pos[1];
    size_t n_pos;
    int rc = cli_parse(&cmd, argc, argv, pos, 1, &n_pos);
    if (rc)
        return rc > 0 ? 0 : 2;
    if (batch ? n_pos != 0 : n_pos != 1) {
        cli_usage(&cmd);
        return 2;
    }
    if (!getenv("TZ"))
        setenv("TZ", "Europe/Paris", 1);
    tzset();
    struct tm at;
    if (at_s) {
        if (parse_at(at_s, &at)) {
            fprintf(stderr, "relais : --at attend une date « AAAA-MM-JJ HH:MM » : %s\n", at_s);
            return 2;
        }
    } else {
        time_t now = time(NULL);
        localtime_r(&now, &at);
    }
    enum horaires_calendar cal = horaires_calendar_for_departement(dep);
    if (batch)
        return run_batch(&at, cal);
    struct arena a = ARENA_INIT;
    struct answer ans;
    analyse(&a, pos[0], &at, cal, &ans);
    if (json) {
        char *s = answer_json(pos[0], &at, &ans);
        puts(s ? s : "{\"ok\":false}");
        free(s);
    } else {
        print_text(pos[0], &at, &ans);
    }
    arena_release(&a);
    return ans.rc ? 1 : 0;
}
