%include "site/site.h"
%include "html/ui.h"
%include "core/limits.h"

%% static void person_body(struct buf *b)
<p>Pour une démarche en ligne, un téléphone, un ordinateur ou une messagerie : trouvez le lieu le plus proche de chez vous, ouvert quand vous pouvez y aller. L'aide y est le plus souvent gratuite.</p>
<p><a href="/lieux">Trouver un lieu près de chez moi</a></p>

%% static void mediator_body(struct buf *b)
<p>Pour les médiatrices, médiateurs et conseillers numériques :</p>
<ul>
<li>enregistrer un accompagnement en quelques secondes ;</li>
<li>suivre une personne jusqu'à ce qu'elle soit autonome ;</li>
<li>orienter vers la bonne structure, et savoir ce qu'il en est advenu ;</li>
<li>trouver, partager et noter des ressources pour les ateliers.</li>
</ul>

%% static void coordinator_body(struct buf *b)
<p>Pour le département, la métropole ou le hub qui anime le réseau :</p>
<ul>
<li>cartographier l'offre du territoire et la tenir à jour avec les structures ;</li>
<li>publier un guide imprimé pour les professionnels ;</li>
<li>lire les statistiques d'activité et repérer les zones sans aucun lieu, pour écrire la feuille de route France Numérique Ensemble.</li>
</ul>

%% void site_home(struct buf *b)
% struct buf body;
% buf_init(&body, b->arena, LIMIT_PAGE_BYTES);
% ui_prose_begin(b);
<h1>Se faire aider avec le numérique, près de chez soi</h1>
<p class="relais-lead">Relais rassemble les lieux où l'on vous aide avec le numérique, et les personnes qui y travaillent : conseillers numériques, médiateurs, associations, mairies, médiathèques, France Services.</p>
% ui_prose_end(b);
% ui_cards_begin(b);
% person_body(&body);
% ui_card_at(b, 2, "Vous cherchez de l'aide", "/lieux", buf_cstr(&body));
% buf_reset(&body);
% mediator_body(&body);
% ui_card_at(b, 2, "Vous accompagnez des personnes", "/connexion", buf_cstr(&body));
% buf_reset(&body);
% coordinator_body(&body);
% ui_card_at(b, 2, "Vous coordonnez un réseau", "/connexion", buf_cstr(&body));
% ui_cards_end(b);
% buf_release(&body);
% ui_prose_begin(b);
<h2>Ce qu'est Relais</h2>
<p>Relais est un logiciel libre, installé et tenu par le réseau de votre territoire. Les lieux suivent le standard national des lieux de médiation numérique et peuvent être réutilisés librement. Les personnes accompagnées sont enregistrées sous un pseudonyme, sauf si elles acceptent d'être nommées.</p>
<p>Les professionnels obtiennent un compte auprès de la personne qui coordonne leur réseau. <a href="/connexion">Se connecter</a></p>
% ui_prose_end(b);
