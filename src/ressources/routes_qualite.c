/* The routes of collections, reviews, reports and quality signals, and who may use them. The
 * handlers check the object: a collection's owners, a resource's authors, a report's moderators. */
#include "comptes/auth.h"
#include "http/router.h"
#include "ressources/quality_handlers.h"

static const struct route qualite_routes[] = {
    {HTTP_GET, "/collections", collections_page_mine, ACCESS_AUTH, NULL},
    {HTTP_POST, "/collections", collections_page_create, ACCESS_AUTH, NULL},
    {HTTP_GET, "/collections/partage/{token}", collections_page_shared, ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/collections/{id}", collections_page_view, ACCESS_PUBLIC, NULL},
    {HTTP_GET, "/collections/{id}/modifier", collections_page_edit_form, ACCESS_AUTH, NULL},
    {HTTP_POST, "/collections/{id}/modifier", collections_page_edit, ACCESS_AUTH, NULL},
    {HTTP_POST, "/collections/{id}/supprimer", collections_page_delete, ACCESS_AUTH, NULL},
    {HTTP_POST, "/collections/{id}/ordre", collections_page_move, ACCESS_AUTH, NULL},
    {HTTP_POST, "/collections/{id}/retirer", collections_page_remove, ACCESS_AUTH, NULL},
    {HTTP_POST, "/collections/{id}/partage", collections_page_share, ACCESS_AUTH, NULL},
    {HTTP_POST, "/collections/{id}/partage/revoquer", collections_page_unshare, ACCESS_AUTH, NULL},
    {HTTP_POST, "/ressources/{id}/enregistrer", collections_page_save, ACCESS_AUTH, NULL},
    {HTTP_GET, "/ressources/{id}/avis", reviews_page_list, ACCESS_PUBLIC, NULL},
    {HTTP_POST, "/ressources/{id}/avis", reviews_page_save, ACCESS_AUTH, NULL},
    {HTTP_POST, "/ressources/{id}/avis/supprimer", reviews_page_delete, ACCESS_AUTH, NULL},
    {HTTP_POST, "/ressources/{id}/avis/{aid}/reponse", reviews_page_reply, ACCESS_AUTH, NULL},
    {HTTP_GET, "/ressources/{id}/signaler", reports_page_form, ACCESS_AUTH, NULL},
    {HTTP_POST, "/ressources/{id}/signaler", reports_page_create, ACCESS_AUTH, NULL},
    {HTTP_POST, "/ressources/{id}/verification", quality_page_verify, ACCESS_AUTH, NULL},
    {HTTP_GET, "/moderation", reports_page_queue, ACCESS_AUTH, NULL},
    {HTTP_POST, "/moderation/{id}", reports_page_decide, ACCESS_AUTH, NULL},
    {HTTP_GET, "/qualite", quality_page_author, ACCESS_AUTH, NULL},
};

void ressources_qualite_add_routes(struct router *r)
{
    for (size_t i = 0; i < sizeof(qualite_routes) / sizeof(qualite_routes[0]); i++)
        router_add(r, &qualite_routes[i]);
}
