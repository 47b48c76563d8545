/* The routes of the accounts module and who may use them. */
#include "comptes/auth.h"
#include "comptes/handlers.h"
#include "http/router.h"

#define MANAGERS (ROLE_ADMIN_STRUCTURE | ROLE_COORDINATEUR)

static const struct route comptes_routes[] = {
    {HTTP_GET, "/connexion", page_login_form, ACCESS_PUBLIC, NULL},
    {HTTP_POST, "/connexion", page_login, ACCESS_PUBLIC, NULL},
    {HTTP_POST, "/deconnexion", page_logout, ACCESS_AUTH, NULL},
    {HTTP_GET, "/mot-de-passe-oublie", page_forgot_form, ACCESS_PUBLIC, NULL},
    {HTTP_POST, "/mot-de-passe-oublie", page_forgot, ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/reinitialiser/{token}", page_reset_form, ACCESS_PUBLIC, NULL},
    {HTTP_POST, "/reinitialiser/{token}", page_reset, ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/invitation/{token}", page_invitation_form, ACCESS_PUBLIC, NULL},
    {HTTP_POST, "/invitation/{token}", page_invitation, ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/tableau-de-bord", page_dashboard, ACCESS_AUTH, NULL},
    {HTTP_GET, "/compte", page_account, ACCESS_AUTH, NULL},
    {HTTP_POST, "/compte/mot-de-passe", page_account_password, ACCESS_AUTH, NULL},
    {HTTP_GET, "/structures", page_structures, MANAGERS, NULL},
    {HTTP_GET, "/structures/nouvelle", page_structure_new, ROLE_COORDINATEUR, NULL},
    {HTTP_POST, "/structures", page_structure_create, ROLE_COORDINATEUR, NULL},
    {HTTP_GET, "/structures/{id}", page_structure, ACCESS_PUBLIC, NULL},
    {HTTP_POST, "/structures/{id}/membres", page_structure_invite, MANAGERS, NULL},
    {HTTP_GET, "/structures/{id}/jetons", page_structure_tokens, MANAGERS, NULL},
    {HTTP_POST, "/structures/{id}/jetons", page_structure_token_create, MANAGERS, NULL},
    {HTTP_POST, "/structures/{id}/jetons/{tid}/revoquer", page_structure_token_revoke, MANAGERS,
     NULL},
    {HTTP_GET, "/admin/utilisateurs", page_admin_users, ROLE_ADMIN, NULL},
    {HTTP_POST, "/admin/utilisateurs/{id}/role", page_admin_user_role, ROLE_ADMIN, NULL},
    {HTTP_POST, "/admin/utilisateurs/{id}/desactiver", page_admin_user_disable, ROLE_ADMIN, NULL},
    {HTTP_GET, "/api/v1/moi", api_me, ACCESS_API | ACCESS_AUTH | ACCESS_TOKEN_READ,
     "Le compte ou le jeton qui appelle l'API, avec ses rôles."},
    {HTTP_GET, "/api/v1/structures", api_structures_list, ACCESS_API | ACCESS_PUBLIC,
     "Liste des structures, par pages (curseur « apres »), filtrable par département."},
    {HTTP_GET, "/api/v1/structures/{id}", api_structure_get, ACCESS_API | ACCESS_PUBLIC,
     "Une structure par son identifiant."},
    {HTTP_POST, "/api/v1/structures", api_structure_create, ACCESS_API | ROLE_COORDINATEUR,
     "Crée une structure (coordinateur du département ou administrateur)."},
    {HTTP_PATCH, "/api/v1/structures/{id}", api_structure_update,
     ACCESS_API | MANAGERS | ACCESS_TOKEN_WRITE,
     "Modifie une structure : ses gestionnaires, ou un jeton d'écriture de cette structure."},
};

void comptes_add_routes(struct router *r)
{
    for (size_t i = 0; i < sizeof(comptes_routes) / sizeof(comptes_routes[0]); i++)
        router_add(r, &comptes_routes[i]);
}
