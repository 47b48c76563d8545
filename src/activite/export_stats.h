/*
 * export_stats: the exports of a statistics dashboard, as CSV (UTF-8 with a BOM, ';', for Excel in
 * French) or XLSX (libxlsxwriter): the figures (key figures, months, days, every breakdown) or the
 * list of CRAs with La Coop's accompagnement export columns. The handler is stats_export
 * (stats_http.h); this header holds what the unit tests check.
 *
 * Formula injection: a text cell that starts with '=', '+', '-', '@', a tab or a CR is written
 * with a leading "'" in CSV, and always as a string (never a formula) in XLSX.
 */
#ifndef RELAIS_ACTIVITE_EXPORT_STATS_H
#define RELAIS_ACTIVITE_EXPORT_STATS_H

#include <stdbool.h>

struct buf;

/* La Coop's accompagnement export columns, in order (buildAccompagnementsWorksheet.ts). */
extern const char *const export_stats_cra_columns[];
extern const unsigned export_stats_cra_n_columns;

/* True when a spreadsheet would read s as a formula. */
bool export_stats_formula_risk(const char *s);
/* One CSV cell (no separator): quoted when it holds ';', '"', CR or LF, "'"-prefixed when
 * export_stats_formula_risk. NULL writes an empty cell. */
void export_stats_csv_cell(struct buf *b, const char *s);

#endif
