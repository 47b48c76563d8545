/* The routes of the activité module and who may use them. Each part of the module (CRA, suivi of
 * beneficiaries, statistics) keeps its rows together in this table. */
#include "activite/activite.h"
#include "activite/pages_cra.h"
#include "activite/stats_http.h"
#include "activite/suivi_pages.h"
#include "comptes/auth.h"
#include "http/router.h"

/* Who reads CRAs: their médiateur, the structure's administrators, the département's
 * coordinateurs (handlers narrow to each one's scope). */
#define CRA_READERS (ROLE_MEDIATEUR | ROLE_ADMIN_STRUCTURE | ROLE_COORDINATEUR)

/* Who sees named beneficiaries: the médiateurs and administrators of their structure (handlers
 * check the record's structure). Coordinators never see names: they read counts only. */
#define SUIVI_READERS (ROLE_MEDIATEUR | ROLE_ADMIN_STRUCTURE)

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
    /* Suivi of beneficiaries */
    {HTTP_GET, "/beneficiaires", beneficiaires_page_list, SUIVI_READERS, NULL},
    {HTTP_GET, "/beneficiaires/nouveau", beneficiaires_page_new, SUIVI_READERS, NULL},
    {HTTP_POST, "/beneficiaires", beneficiaires_page_create, SUIVI_READERS, NULL},
    {HTTP_GET, "/beneficiaires/{id}", beneficiaires_page_show, SUIVI_READERS, NULL},
    {HTTP_GET, "/beneficiaires/{id}/modifier", beneficiaires_page_edit_form, SUIVI_READERS, NULL},
    {HTTP_POST, "/beneficiaires/{id}/modifier", beneficiaires_page_edit, SUIVI_READERS, NULL},
    {HTTP_GET, "/beneficiaires/{id}/parcours", suivi_page_parcours, SUIVI_READERS, NULL},
    {HTTP_GET, "/beneficiaires/{id}/fusionner", beneficiaires_page_merge_form, SUIVI_READERS,
     NULL},
    {HTTP_POST, "/beneficiaires/{id}/fusionner", beneficiaires_page_merge, SUIVI_READERS, NULL},
    {HTTP_GET, "/beneficiaires/{id}/effacer", beneficiaires_page_erase_form, SUIVI_READERS, NULL},
    {HTTP_POST, "/beneficiaires/{id}/effacer", beneficiaires_page_erase, SUIVI_READERS, NULL},
    {HTTP_GET, "/beneficiaires/{id}/donnees.json", beneficiaires_export_json, SUIVI_READERS, NULL},
    {HTTP_GET, "/beneficiaires/{id}/donnees.csv", beneficiaires_export_csv, SUIVI_READERS, NULL},
    /* Coordinators' activities */
    {HTTP_GET, "/coordination/activites", coordination_page_list, ROLE_COORDINATEUR, NULL},
    {HTTP_GET, "/coordination/activites/nouvelle", coordination_page_new, ROLE_COORDINATEUR,
     NULL},
    {HTTP_POST, "/coordination/activites", coordination_page_create, ROLE_COORDINATEUR, NULL},
    {HTTP_GET, "/coordination/activites/{id}/modifier", coordination_page_edit_form,
     ROLE_COORDINATEUR, NULL},
    {HTTP_POST, "/coordination/activites/{id}/modifier", coordination_page_edit,
     ROLE_COORDINATEUR, NULL},
    {HTTP_GET, "/coordination/activites/{id}/supprimer", coordination_page_delete_form,
     ROLE_COORDINATEUR, NULL},
    {HTTP_POST, "/coordination/activites/{id}/supprimer", coordination_page_delete,
     ROLE_COORDINATEUR, NULL},
    /* Statistics */
    {HTTP_GET, "/statistiques", stats_page_mine, ROLES_ALL, NULL},
    {HTTP_GET, "/structures/{id}/statistiques", stats_page_structure,
     ROLE_MEDIATEUR | ROLE_ADMIN_STRUCTURE | ROLE_COORDINATEUR, NULL},
    {HTTP_GET, "/departements/{code}/statistiques", stats_page_departement, ROLE_COORDINATEUR,
     NULL},
    {HTTP_GET, "/admin/statistiques", stats_page_plateforme, ROLE_ADMIN, NULL},
    {HTTP_GET, "/statistiques/partages", stats_page_partages, ROLES_ALL, NULL},
    {HTTP_POST, "/statistiques/partages", stats_page_partage_create, ROLES_ALL, NULL},
    {HTTP_POST, "/statistiques/partages/{id}/revoquer", stats_page_partage_revoke, ROLES_ALL,
     NULL},
    {HTTP_GET, "/statistiques/partage/{token}", stats_page_public, ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/api/v1/statistiques", stats_api, ACCESS_API | ROLES_ALL | ACCESS_TOKEN_READ,
     "Statistiques d'activité (chiffres clés, séries par mois et par jour, répartitions par "
     "type, canal, durée, thématiques, matériel, étiquette, lieu, commune, autonomie, genre, "
     "tranche d'âge, statut) d'un périmètre (departement, structure ou mediateur ; par défaut le "
     "plus large de l'appelant), filtrées par du, au, type, lieu, commune, mediateur, thematique "
     "et tag."},
};

void activite_add_routes(struct router *r)
{
    for (size_t i = 0; i < sizeof(activite_routes) / sizeof(activite_routes[0]); i++)
        router_add(r, &activite_routes[i]);
}
