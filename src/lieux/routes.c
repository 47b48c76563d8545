/* The routes of the lieux module and who may use them. */
#include "comptes/auth.h"
#include "http/router.h"
#include "lieux/lieux.h"
#include "lieux/pages_handlers.h"

/* Who may change a lieu: the route lets these roles in, the handler checks this lieu. */
#define EDITORS (ROLE_ADMIN_STRUCTURE | ROLE_COORDINATEUR)

static const struct route lieux_routes[] = {
    {HTTP_GET, "/lieux", lieux_page_search, ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/lieux/importer", lieux_page_import_form, ROLE_COORDINATEUR, NULL},
    {HTTP_POST, "/lieux/importer", lieux_page_import, ROLE_COORDINATEUR, NULL},
    {HTTP_GET, "/lieux/importer/rejets/{fichier}", lieux_page_import_rejects, ROLE_COORDINATEUR,
     NULL},
    {HTTP_GET, "/lieux/{id}", lieux_page_lieu, ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/lieux/{id}/fiche", lieux_page_fiche, ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/lieux/{id}/signaler", lieux_page_report_form, ACCESS_PUBLIC, NULL},
    {HTTP_POST, "/lieux/{id}/signaler", lieux_page_report, ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/lieux/{id}/modifier", lieux_page_edit_form, EDITORS, NULL},
    {HTTP_POST, "/lieux/{id}/modifier", lieux_page_edit, EDITORS, NULL},
    {HTTP_POST, "/lieux/{id}/publication", lieux_page_publication, EDITORS, NULL},
    {HTTP_POST, "/lieux/{id}/verification", lieux_page_verification, EDITORS, NULL},
    {HTTP_GET, "/departements/{code}", lieux_page_departement, ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/departements/{code}/guide.pdf", lieux_page_guide, ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/departements/{code}/couverture", lieux_page_couverture, ROLE_COORDINATEUR, NULL},
    {HTTP_GET, "/api/v1/lieux", lieux_api_list, ACCESS_API | ACCESS_PUBLIC,
     "Recherche de lieux de médiation numérique : les plus proches d'une commune (rayon ou durée "
     "estimée), filtrés sur les valeurs du standard, avec le nombre de lieux par valeur de filtre "
     "; "
     "pages par curseur « apres »."},
    {HTTP_GET, "/api/v1/lieux/export", lieux_api_export, ACCESS_API | ACCESS_PUBLIC,
     "Export des lieux publiés au format exact du standard v1.0.2 (format=csv ou json) : toute la "
     "base, un département (departement=53) ou une recherche (mêmes paramètres que /api/v1/lieux)."},
    {HTTP_GET, "/api/v1/lieux/{id}", lieux_api_get, ACCESS_API | ACCESS_PUBLIC,
     "Un lieu publié, avec les 32 champs du standard des lieux de médiation numérique v1."},
    {HTTP_GET, "/api/v1/communes", lieux_api_communes, ACCESS_API | ACCESS_PUBLIC,
     "Autocomplétion d'une commune ou d'un code postal (accents, traits d'union et une faute de "
     "frappe tolérés)."},
};

void lieux_add_routes(struct router *r)
{
    for (size_t i = 0; i < sizeof(lieux_routes) / sizeof(lieux_routes[0]); i++)
        router_add(r, &lieux_routes[i]);
}
