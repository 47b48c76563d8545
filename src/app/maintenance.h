/*
 * maintenance: `relais maintenance`, the periodic work of every module, for cron. Each module
 * contributes steps to one table (maintenance.c); a step works on an open database with "now"
 * given by the caller (--date, so that a test or a late run can fix the day) and writes one French
 * summary line (arena). A failed step does not stop the next ones; the exit status says whether
 * one failed.
 */
#ifndef RELAIS_APP_MAINTENANCE_H
#define RELAIS_APP_MAINTENANCE_H

struct config;

int maintenance_cli(int argc, char **argv, struct config *cfg);

#endif
