/* The routes of the activité module and who may use them. Each part of the module (CRA, suivi of
 * beneficiaries, statistics) keeps its rows together in this table. */
#include "activite/activite.h"
#include "activite/pages_cra.h"
#include "comptes/auth.h"
#include "http/router.h"

/* Who reads CRAs: their médiateur, the structure's administrators, the département's
 * coordinateurs (handlers narrow to each one's scope). */
#define CRA_READERS (ROLE_MEDIATEUR | ROLE_ADMIN_STRUCTURE | ROLE_COORDINATEUR)

static const struct route activite_routes[] = {
    /* CRA */
    {HTTP_GET, "/activites", activite_page_list, CRA_READERS, NULL},
    {HTTP_GET, "/activites/nouvelle", activite_page_new_form, ROLE_MEDIATEUR, NULL},
    {HTTP_POST, "/activites/nouvelle", activite_page_new, ROLE_MEDIATEUR, NULL},
    {HTTP_GET, "/activites/{id}", activite_page_show, CRA_READERS, NULL},
    {HTTP_GET, "/activites/{id}/modifier", activite_page_edit_form, ROLE_MEDIATEUR, NULL},
    {HTTP_POST, "/activites/{id}/modifier", activite_page_edit, ROLE_MEDIATEUR, NULL},
    {HTTP_GET, "/activites/{id}/supprimer", activite_page_delete_form, ROLE_MEDIATEUR, NULL},
    {HTTP_POST, "/activites/{id}/supprimer", activite_page_delete, ROLE_MEDIATEUR, NULL},
    {HTTP_GET, "/api/v1/activites", activite_api_list, ACCESS_API | CRA_READERS | ACCESS_TOKEN_READ,
     "Comptes rendus d'activité (CRA) dans l'ordre de leur enregistrement, par pages (curseur "
     "« apres » : le « suivant » de la page précédente), filtrés par période (du, au) et type "
     "(individuel, collectif, demarche) ; valeurs de La Coop de la médiation numérique, sans nom "
     "de bénéficiaire."},
    {HTTP_POST, "/api/v1/activites", activite_api_create,
     ACCESS_API | ROLE_MEDIATEUR | ACCESS_TOKEN_WRITE,
     "Enregistre un CRA (mêmes champs et mêmes règles que le formulaire) pour le médiateur "
     "connecté, ou, avec un jeton d'écriture, pour le médiateur de la structure nommé par "
     "« mediateur » (e-mail). Erreurs en français, une par champ (422)."},
};

void activite_add_routes(struct router *r)
{
    for (size_t i = 0; i < sizeof(activite_routes) / sizeof(activite_routes[0]); i++)
        router_add(r, &activite_routes[i]);
}
