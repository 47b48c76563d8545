/* The routes of orientation and who may use them. */
#include "comptes/auth.h"
#include "http/router.h"
#include "orientation/handlers.h"

/* Members of a structure send and answer referrals; the handler checks which structure. */
#define MEMBERS (ROLE_MEDIATEUR | ROLE_ADMIN_STRUCTURE)

static const struct route orientation_routes[] = {
    {HTTP_GET, "/orienter", orientation_page_orienter, ACCESS_AUTH, NULL},
    {HTTP_GET, "/orientations", orientation_page_mine, MEMBERS, NULL},
    {HTTP_GET, "/orientations/nouvelle", orientation_page_new, MEMBERS, NULL},
    {HTTP_POST, "/orientations", orientation_page_create, MEMBERS, NULL},
    {HTTP_GET, "/orientations/{id}", orientation_page_show, MEMBERS, NULL},
    {HTTP_POST, "/orientations/{id}/reponse", orientation_page_reponse, MEMBERS, NULL},
    {HTTP_POST, "/orientations/{id}/lien", orientation_page_renew, MEMBERS, NULL},
    {HTTP_GET, "/orientations/{id}/fiche", orientation_page_fiche, MEMBERS, NULL},
    {HTTP_GET, "/orientations/{id}/pieces/{pid}", orientation_page_piece, MEMBERS, NULL},
    {HTTP_GET, "/orientations/lien/{token}", orientation_page_link, ACCESS_PUBLIC, NULL},
    {HTTP_POST, "/orientations/lien/{token}", orientation_page_link_reponse, ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/orientations/lien/{token}/pieces/{pid}", orientation_page_link_piece,
     ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/structures/{id}/orientations", orientation_page_inbox, MEMBERS, NULL},
    {HTTP_GET, "/structures/{id}/orientations/export.csv", orientation_page_export, MEMBERS, NULL},
    {HTTP_GET, "/structures/{id}/orientations/export.xlsx", orientation_page_export, MEMBERS, NULL},
    {HTTP_GET, "/notifications", orientation_page_notifications, ACCESS_AUTH, NULL},
    {HTTP_POST, "/notifications/lues", orientation_page_notifications_read, ACCESS_AUTH, NULL},
    {HTTP_POST, "/api/v1/orientations", orientation_api_create,
     ACCESS_API | MEMBERS | ACCESS_TOKEN_WRITE,
     "Crée une orientation depuis une structure (membre connecté, ou jeton d'écriture de la "
     "structure) vers un lieu (lieu) ou une structure (structure) ; engagement obligatoire ; "
     "beneficiaire (facultatif) : la fiche nominative de la personne suivie, pour son parcours."},
    {HTTP_GET, "/api/v1/orientations/{id}", orientation_api_get,
     ACCESS_API | MEMBERS | ACCESS_TOKEN_READ,
     "Le statut d'une orientation et l'historique de ses changements (structures émettrice et "
     "destinataire seulement)."},
    {HTTP_POST, "/api/v1/orientations/{id}/reponse", orientation_api_reponse,
     ACCESS_API | MEMBERS | ACCESS_TOKEN_WRITE,
     "Répond à une orientation reçue : decision en_cours, acceptee, refusee (avec motifs) ou "
     "message."},
};

void orientation_add_routes(struct router *r)
{
    for (size_t i = 0; i < sizeof(orientation_routes) / sizeof(orientation_routes[0]); i++)
        router_add(r, &orientation_routes[i]);
}
