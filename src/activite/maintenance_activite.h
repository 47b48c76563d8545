/*
 * maintenance_activite: the steps of `relais maintenance` that the activité module runs. Each step
 * works on an open database, with "now" given by the caller (so that a test can fix the date), and
 * writes one French summary line (arena) saying what it did.
 */
#ifndef RELAIS_ACTIVITE_MAINTENANCE_ACTIVITE_H
#define RELAIS_ACTIVITE_MAINTENANCE_ACTIVITE_H

#include <stdint.h>

struct arena;
struct config;
struct db;

/* Step « beneficiaires »: anonymises the named records without accompaniment for
 * cfg->anonymise_months months (RELAIS_ANONYMISE_MONTHS or --mois, 24 by default). ERR_INVALID
 * with a French summary when the period is not a whole number of months from 1 to 600. */
int maintenance_beneficiaires(struct db *db, const struct config *cfg, int64_t now, struct arena *a,
                              const char **summary);

#endif
