/*
 * suivi_pages: the HTTP handlers of the follow-up of beneficiaries (list, record, consent, merge,
 * export, erasure, path to autonomy) and of the coordinators' activities, which routes.c lists.
 * Access: the route table lets médiateurs and structure administrators in for beneficiaries, and
 * coordinators for their activities (admins everywhere); the handlers check the record itself
 * (beneficiaire_can_see, the coordinator who owns an activity) and refuse with a French 403.
 */
#ifndef RELAIS_ACTIVITE_SUIVI_PAGES_H
#define RELAIS_ACTIVITE_SUIVI_PAGES_H

#include <stddef.h>

#include "http/http.h"

/* beneficiaires_pages.c */
int beneficiaires_page_list(struct http_request *req, struct http_response *resp);
int beneficiaires_page_new(struct http_request *req, struct http_response *resp);
int beneficiaires_page_create(struct http_request *req, struct http_response *resp);
int beneficiaires_page_show(struct http_request *req, struct http_response *resp);
int beneficiaires_page_edit_form(struct http_request *req, struct http_response *resp);
int beneficiaires_page_edit(struct http_request *req, struct http_response *resp);
int beneficiaires_page_merge_form(struct http_request *req, struct http_response *resp);
int beneficiaires_page_merge(struct http_request *req, struct http_response *resp);
int beneficiaires_page_erase_form(struct http_request *req, struct http_response *resp);
int beneficiaires_page_erase(struct http_request *req, struct http_response *resp);
int beneficiaires_export_json(struct http_request *req, struct http_response *resp);
int beneficiaires_export_csv(struct http_request *req, struct http_response *resp);

/* suivi_pages.c: the path to autonomy of one person. */
int suivi_page_parcours(struct http_request *req, struct http_response *resp);

/* coordination_pages.c */
int coordination_page_list(struct http_request *req, struct http_response *resp);
int coordination_page_new(struct http_request *req, struct http_response *resp);
int coordination_page_create(struct http_request *req, struct http_response *resp);
int coordination_page_edit_form(struct http_request *req, struct http_response *resp);
int coordination_page_edit(struct http_request *req, struct http_response *resp);
int coordination_page_delete_form(struct http_request *req, struct http_response *resp);
int coordination_page_delete(struct http_request *req, struct http_response *resp);

/* One step of the timeline as the page shows it: French text only. */
struct suivi_etape_vue {
    const char *date;        /* "3 février 2026" */
    const char *type;        /* "Accompagnement individuel" */
    const char *thematiques; /* "E-mail, Navigation sur internet" */
    const char *niveau;      /* "Autonome avec guidage en cas de besoin", or NULL */
    int etoiles;             /* 1 to 3, 0 without a level */
    const char *evolution;   /* "en progrès", "stable", "en recul", or NULL for the first level */
    const char *qui;         /* "Morgane Médiatrice, Espace numérique de Laval" */
    const char *duree;       /* "45 min" */
    /* A referral of the person instead of an accompaniment (orientation): its link, or NULL. */
    const char *orientation_href;
    const char *trajet; /* "Espace numérique de Laval → France Services de Laval" */
    const char *besoin; /* the needs, "a, b" */
    const char *statut; /* "Acceptée" */
};

/* The timeline (suivi.tpl). */
void suivi_timeline_html(struct buf *b, const struct suivi_etape_vue *v, size_t n);
/* The text of the consent and the person's rights (suivi.tpl), inside the form's fieldset. */
void suivi_consent_html(struct buf *b, const char *text);

#endif
