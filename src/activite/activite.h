/*
 * activite: the module of accompaniment records (CRA), beneficiaries and their statistics.
 *
 * activite_add_routes adds the module's pages and API routes to the application's route table;
 * each part of the module (CRA, suivi of beneficiaries, statistics) adds its rows in routes.c.
 * activite_demo fills the demo with twelve months of invented CRAs (origine 'demo') for each demo
 * médiateur.
 */
#ifndef RELAIS_ACTIVITE_ACTIVITE_H
#define RELAIS_ACTIVITE_ACTIVITE_H

#include <stdint.h>

struct arena;
struct db;
struct router;

void activite_add_routes(struct router *r);
/* In one transaction; *count receives the number of CRAs written. */
int activite_demo(struct db *db, struct arena *a, int64_t now, int *count);

#endif
