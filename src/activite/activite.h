/*
 * activite: the module of accompaniment records (CRA), beneficiaries and their statistics.
 *
 * activite_add_routes adds the module's pages and API routes to the application's route table;
 * each part of the module (CRA, suivi of beneficiaries, statistics) adds its rows in routes.c.
 */
#ifndef RELAIS_ACTIVITE_ACTIVITE_H
#define RELAIS_ACTIVITE_ACTIVITE_H

struct router;

void activite_add_routes(struct router *r);

#endif
