/*
 * horaires: the opening hours of a lieu, in the OpenStreetMap `opening_hours` syntax that the
 * national standard (schéma des lieux de médiation numérique, field `horaires`) prescribes.
 *
 * horaires_parse() reads a value into a compact struct horaires allocated in the caller's arena
 * (lifetime: arena); everything else reads that struct and never allocates except where a buf or an
 * arena is passed. An unparsable value is not an error of the lieu: the caller keeps the raw text,
 * shows it as written, and flags it to the editors with the position, the French message and,
 * for the common mistakes, a suggested correction (itself a value that parses).
 *
 * Supported: weekday lists and ranges (Mo-We,Fr, Sa-Mo, We[1,3], Su[-1]), time ranges and lists,
 * times past midnight (22:00-02:00), open end (13:30+), 24/7, open / off / closed / unknown,
 * comments ("sur rendez-vous"), rule separators `;` (a later rule replaces the day), `,`
 * (additional rule) and `||` (fallback), years, months and dates (Jan-Jun, Dec 24-26, Jul 14,
 * Dec 24,26), ISO weeks with steps (week 1-53/2), and public holidays `PH` with the French ones
 * computed. Reported as unsupported (parse error with its own message, ERR_UNSUPPORTED): school
 * holidays `SH`, solar times (sunrise…), `easter` dates, holiday offsets (PH +1 day) and points in
 * time. The semantics follow the reference implementation opening_hours.js 3.15 (see
 * tests/conformance/horaires.test.js for the comparison and the documented differences).
 *
 * Times are civil times of the place: the caller passes local broken-down time (for metropolitan
 * France, Europe/Paris); only tm_year, tm_mon, tm_mday, tm_hour and tm_min are read, the weekday
 * is recomputed. Overseas départements are the caller's concern (their own time zone, and the
 * calendar of holidays below).
 */
#ifndef RELAIS_LIEUX_HORAIRES_H
#define RELAIS_LIEUX_HORAIRES_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "core/limits.h" /* LIMIT_HORAIRES_*: what a value may hold */

struct arena;
struct buf;

/* How far horaires_next_change() looks, like opening_hours.js (5 × 366 days). */
#define HORAIRES_HORIZON_DAYS (5 * 366)

struct horaires; /* opaque; lifetime of the arena it was parsed into */

enum horaires_state {
    HORAIRES_CLOSED = 0,
    HORAIRES_OPEN = 1,
    HORAIRES_UNKNOWN = 2, /* a comment without `open`, `unknown`, or an open end (13:30+) */
};

/* Which public holidays `PH` means. */
enum horaires_calendar {
    HORAIRES_CAL_FRANCE = 0,     /* the 11 national holidays */
    HORAIRES_CAL_ALSACE_MOSELLE, /* plus Good Friday and 26 December (départements 57, 67, 68) */
};

struct horaires_error {
    size_t pos;             /* byte offset in the value where the fault starts */
    const char *message;    /* French, one sentence; static or arena */
    const char *suggestion; /* a corrected value that parses, or NULL; arena */
};

/* Parses len bytes of text (need not be NUL-terminated). Returns 0 and *out, or ERR_INVALID,
 * ERR_UNSUPPORTED (valid OSM syntax that Relais does not evaluate: SH, sunrise…) or ERR_TOO_BIG
 * (over LIMIT_HORAIRES_BYTES), with *err filled. Surrounding white space is ignored. */
int horaires_parse(struct arena *a, const char *text, size_t len, struct horaires **out,
                   struct horaires_error *err);

/* A correction of a value written with a common mistake (chained ranges 08:30-12:00-13:30-17:00,
 * a lone time, French day names, 9h30, 9:00, en dash, "à", missing minutes…), or NULL when none
 * is found. The result always parses. Lifetime: arena. horaires_parse() calls it on failure. */
const char *horaires_suggest(struct arena *a, const char *text, size_t len);

void horaires_set_calendar(struct horaires *h, enum horaires_calendar cal);
/* The calendar of a département code ("57" → Alsace-Moselle), HORAIRES_CAL_FRANCE otherwise. */
enum horaires_calendar horaires_calendar_for_departement(const char *code);

/* The state at a local time. */
enum horaires_state horaires_state_at(const struct horaires *h, const struct tm *local);
/* True when surely open (HORAIRES_OPEN; unknown counts as not open, as in opening_hours.js). */
bool horaires_is_open(const struct horaires *h, const struct tm *local);

enum horaires_window {
    HORAIRES_WINDOW_ANY,   /* open at some minute of the window */
    HORAIRES_WINDOW_WHOLE, /* open for every minute of the window */
};
/* Open in [from_minute, to_minute) of the date of `day` (its time of day is ignored); to_minute may
 * pass 1440 to run into the next day (up to 2880). "Tuesday afternoon" is the caller's choice of a
 * concrete Tuesday: the answer depends on the date (holidays, weeks, months). An empty or reversed
 * window is never open. */
bool horaires_open_in_window(const struct horaires *h, const struct tm *day, int from_minute,
                             int to_minute, enum horaires_window mode);

/* The next time after `local` when the state changes (open, closed or unknown; a change of
 * comment alone does not count). Returns true with *when (local civil time, normalised, tm_wday
 * and tm_yday set, tm_isdst -1) and *state (the state from then on), or false when nothing
 * changes within HORAIRES_HORIZON_DAYS (24/7, off). */
bool horaires_next_change(const struct horaires *h, const struct tm *local, struct tm *when,
                          enum horaires_state *state);

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12; day may run past the month's
 * end, as in mktime). */
int64_t horaires_days_from_civil(int y, int m, int d);

/* True when the local date is a public holiday of the calendar; *name (static, French) if asked. */
bool horaires_is_holiday(enum horaires_calendar cal, int year, int month, int day,
                         const char **name);

/* The canonical OSM text: one space between selectors, "; " between rules, two-digit hours, weeks
 * and days, as opening_hours.js prettifies. Appends to out. */
void horaires_normalize(const struct horaires *h, struct buf *out);
/* The French rendering, e.g. "du lundi au vendredi, 9 h – 12 h et 14 h – 17 h ; samedi,
 * 8 h 30 – 12 h ; fermé les jours fériés". Appends to out. */
void horaires_french(const struct horaires *h, struct buf *out);

/* Converts the six cells h_lundi … h_samedi of the France Services list ("09:00 - 12:00 /
 * 13:30 - 17:00", "-" or "" for closed) into an OSM value, days with the same hours grouped
 * (Mo-Th 09:00-12:00,13:30-17:00; Fr 09:00-12:00). Returns 0 with the value appended to out
 * (empty when every day is empty), or ERR_INVALID with err (pos is the offset in the cell, message
 * names the day) when a cell cannot be read even with the common corrections. */
int horaires_from_france_services(struct arena *a, const char *const days[6], struct buf *out,
                                  struct horaires_error *err);

/* `relais horaires VALUE [--at "YYYY-MM-DD HH:MM"] [--json] [--batch]`: 0 valid, 1 invalid,
 * 2 usage. Defined in horaires_cli.c. */
int horaires_cli(int argc, char **argv);

#endif
