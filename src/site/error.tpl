%include "site/site.h"
%include "html/ui.h"

% struct site_error_text {
%     int status;
%     const char *title;
%     const char *explanation;
% };
%
% static const struct site_error_text error_texts[] = {
%     {400, "La demande est incorrecte",
%      "La page n'a pas pu comprendre ce qui lui a été envoyé. Vérifiez l'adresse ou le formulaire, puis réessayez."},
%     {401, "Connexion nécessaire",
%      "Cette page est réservée aux personnes connectées."},
%     {403, "Accès refusé",
%      "Votre compte ne permet pas d'ouvrir cette page. Si un formulaire a expiré, revenez en arrière, rechargez la page et recommencez. Si vous pensez devoir y accéder, demandez-le à la personne qui coordonne votre réseau."},
%     {404, "Page introuvable",
%      "Si vous avez saisi l'adresse, vérifiez qu'elle est correcte. Si vous l'avez copiée, vérifiez qu'elle est complète. La page a peut-être été supprimée."},
%     {405, "Action impossible sur cette page",
%      "Cette adresse existe, mais pas pour ce que le navigateur a demandé. Revenez en arrière et utilisez les boutons de la page."},
%     {409, "Modification impossible",
%      "Quelqu'un a modifié ces données en même temps que vous, ou elles existent déjà. Rechargez la page et vérifiez avant de recommencer."},
%     {413, "Envoi trop volumineux",
%      "Le fichier ou le formulaire dépasse la taille permise. Réduisez-le ou découpez-le, puis réessayez."},
%     {415, "Format non pris en charge",
%      "Ce type de fichier ou de contenu n'est pas accepté ici. Vérifiez le format demandé, puis réessayez."},
%     {429, "Trop de tentatives",
%      "Trop de demandes sont arrivées en peu de temps. Attendez quelques minutes avant de réessayer."},
%     {500, "Une erreur est survenue",
%      "Le problème vient de Relais, pas de vous. Réessayez dans quelques instants : ce que vous veniez d'envoyer n'a peut-être pas été enregistré."},
% };
%
% static const struct site_error_text *error_text(int status)
% {
%     size_t n = sizeof(error_texts) / sizeof(error_texts[0]);
%     for (size_t i = 0; i < n; i++)
%         if (error_texts[i].status == status)
%             return &error_texts[i];
%     return &error_texts[n - 1];
% }
%
% const char *site_error_title(int status)
% {
%     return error_text(status)->title;
% }

%% void site_error(struct buf *b, int status, const char *message)
% const struct site_error_text *t = error_text(status);
% ui_prose_begin(b);
<h1>{{ t->title }}</h1>
% if (message && message[0]) {
<p class="relais-lead">{{ message }}</p>
% }
<p>{{ t->explanation }}</p>
<h2>Et maintenant ?</h2>
<ul>
% if (status == 401 || status == 403) {
<li><a href="/connexion">Se connecter avec un autre compte</a></li>
% }
<li><a href="/lieux">Trouver un lieu d'aide au numérique</a></li>
<li><a href="/">Revenir à l'accueil</a></li>
</ul>
<p>Code de l'erreur : {{ status }}</p>
% ui_prose_end(b);
