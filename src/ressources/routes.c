/* The routes of the ressources module and who may use them; handlers check the base or the
 * resource itself (access.h). */
#include "comptes/auth.h"
#include "http/router.h"
#include "ressources/index.h"
#include "ressources/pages.h"
#include "ressources/ressources.h"

static const struct route ressources_routes[] = {
    {HTTP_GET, "/ressources", rs_page_search, ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/ressources/nouvelle", rs_page_new_form, ACCESS_AUTH, NULL},
    {HTTP_POST, "/ressources/nouvelle", rs_page_new, ACCESS_AUTH, NULL},
    {HTTP_GET, "/ressources/{id}", rs_page_ressource, ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/ressources/{id}/modifier", rs_page_edit_form, ACCESS_AUTH, NULL},
    {HTTP_POST, "/ressources/{id}/modifier", rs_page_edit, ACCESS_AUTH, NULL},
    {HTTP_POST, "/ressources/{id}/publication", rs_page_publish, ACCESS_AUTH, NULL},
    {HTTP_GET, "/ressources/{id}/historique", rs_page_history, ACCESS_PUBLIC, NULL},
    {HTTP_POST, "/ressources/{id}/contributeurs", rs_page_contributor_add, ACCESS_AUTH, NULL},
    {HTTP_POST, "/ressources/{id}/contributeurs/{user}/retrait", rs_page_contributor_remove,
     ACCESS_AUTH, NULL},
    {HTTP_GET, "/ressources/{id}/fichiers/{sha}", rs_page_file, ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/mes-ressources", rs_page_mine, ACCESS_AUTH, NULL},
    {HTTP_GET, "/bases", rs_page_bases, ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/bases/nouvelle", rs_page_base_new_form, ACCESS_AUTH, NULL},
    {HTTP_POST, "/bases/nouvelle", rs_page_base_new, ACCESS_AUTH, NULL},
    {HTTP_POST, "/bases/invitations/{id}", rs_page_invitation_decide, ACCESS_AUTH, NULL},
    {HTTP_GET, "/bases/{id}", rs_page_base, ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/bases/{id}/modifier", rs_page_base_edit_form, ACCESS_AUTH, NULL},
    {HTTP_POST, "/bases/{id}/modifier", rs_page_base_edit, ACCESS_AUTH, NULL},
    {HTTP_GET, "/bases/{id}/membres", rs_page_base_members, ACCESS_AUTH, NULL},
    {HTTP_POST, "/bases/{id}/membres/{user}", rs_page_base_member_change, ACCESS_AUTH, NULL},
    {HTTP_POST, "/bases/{id}/invitations", rs_page_base_invite, ACCESS_AUTH, NULL},
    {HTTP_POST, "/bases/{id}/demandes", rs_page_base_join, ACCESS_AUTH, NULL},
    {HTTP_POST, "/bases/{id}/demandes/{demande}", rs_page_base_join_decide, ACCESS_AUTH, NULL},
    {HTTP_GET, "/api/v1/ressources", rs_api_search, ACCESS_API | ACCESS_PUBLIC,
     "Recherche de ressources pédagogiques (q=, analyse française : accents, pluriels, élisions, "
     "fautes de frappe, synonymes) avec filtres sur les vocabulaires de La Base (theme=, type=, "
     "public=, secteur=, répétables), dans une base (base=ID), tri "
     "(tri=pertinence|recentes|vues|recommandees|az), nombre "
     "de ressources par valeur de chaque vocabulaire (facettes) et pages par curseur (limite=, "
     "apres=). Chaque résultat porte son identifiant externe (id, celui de l'import) et "
     "relais_id. Les ressources privées ne sont données qu'à ceux qui peuvent les voir."},
    {HTTP_GET, "/api/v1/ressources/export", rs_api_export, ACCESS_API | ACCESS_PUBLIC,
     "Export JSON des ressources publiées et publiques, au format de « relais import ressources » "
     "(id, title, description, content en Markdown, themes, resource_types, beneficiaries, "
     "professional_sectors, tags, licence, base)."},
    {HTTP_POST, "/api/v1/ressources/import", rs_api_import, ACCESS_API | ACCESS_AUTH,
     "Import d'un tableau JSON de ressources (même format que l'export ; title seul requis, id "
     "gardé comme identifiant externe : un second import met à jour) dans la base ?base=ID, par un "
     "administrateur de cette base ; essai=1 valide sans enregistrer. Répond le nombre de "
     "ressources créées, modifiées, inchangées et les rejets avec leur index et leur raison."},
    {HTTP_GET, "/api/v1/ressources/{id}", rs_api_get, ACCESS_API | ACCESS_PUBLIC,
     "Une ressource visible, au format de l'export."},
};

void ressources_add_routes(struct router *r)
{
    for (size_t i = 0; i < sizeof(ressources_routes) / sizeof(ressources_routes[0]); i++)
        router_add(r, &ressources_routes[i]);
}

int ressources_init(struct db *db, const char *data_dir)
{
    return ressources_index_load(db, data_dir);
}
