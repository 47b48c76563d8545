%include "site/site.h"
%include "html/ui.h"

%% void site_accessibility(struct buf *b)
% ui_prose_begin(b);
<h1>Accessibilité</h1>
<p class="relais-lead">Relais est partiellement conforme au Référentiel général d'amélioration de l'accessibilité (RGAA 4.1), qui reprend le niveau AA des règles internationales WCAG 2.1.</p>
<h2>Ce qui est fait</h2>
<ul>
<li>Les pages sont construites avec des composants éprouvés auprès de personnes handicapées (GOV.UK Frontend), dans une police conçue pour les personnes malvoyantes (Atkinson Hyperlegible).</li>
<li>Toutes les pages fonctionnent sans JavaScript, au clavier, et se lisent sur un téléphone de 360 pixels de large.</li>
<li>Chaque page est vérifiée automatiquement avec axe-core à chaque modification du logiciel.</li>
<li>Les couleurs du texte et des liens respectent un contraste d'au moins 4,5:1.</li>
</ul>
<h2>Ce qui ne l'est pas encore</h2>
<ul>
<li>Aucun audit complet du RGAA n'a encore été réalisé par un organisme indépendant : la conformité n'est donc pas déclarée totale.</li>
<li>La carte des lieux n'est pas accessible à toutes et tous : la liste des lieux, qui donne les mêmes informations, l'est.</li>
<li>Les guides imprimés au format PDF ne sont pas encore balisés pour les lecteurs d'écran.</li>
</ul>
<h2>Signaler un problème</h2>
<p>Si vous ne parvenez pas à utiliser une page ou un service, écrivez à la structure qui gère ce site (ses coordonnées figurent dans les mentions de votre territoire) : nous vous répondrons et vous donnerons l'information sous une autre forme.</p>
<p>Si vous n'obtenez pas de réponse satisfaisante, vous pouvez saisir le Défenseur des droits : <a href="https://www.defenseurdesdroits.fr">defenseurdesdroits.fr</a>.</p>
% ui_prose_end(b);

%% void site_privacy(struct buf *b)
% ui_prose_begin(b);
<h1>Données personnelles</h1>
<p class="relais-lead">Relais enregistre le moins possible sur les personnes accompagnées, qui sont souvent dans des situations fragiles.</p>
<h2>Ce qui est enregistré sur une personne accompagnée</h2>
<ul>
<li>Par défaut, un pseudonyme et quelques éléments utiles au suivi : la commune, la tranche d'âge, les thèmes des accompagnements et leur date.</li>
<li>Son nom et ses coordonnées seulement si elle y consent, pour être recontactée ou orientée vers une autre structure. Ce consentement est noté, et elle peut le retirer.</li>
<li>Jamais ses mots de passe ni le contenu de ses démarches.</li>
</ul>
<h2>Combien de temps</h2>
<p>Les données qui permettent de reconnaître une personne sont effacées ou rendues anonymes automatiquement après une durée sans accompagnement fixée par le réseau. Les statistiques ne contiennent que des nombres.</p>
<h2>Vos droits</h2>
<p>Une personne accompagnée, comme un professionnel qui utilise Relais, peut demander à voir ses données, à les recevoir dans un fichier, à les corriger ou à les faire effacer. Adressez la demande au lieu qui vous a accompagné, ou à la structure qui gère ce site : elle y répond dans un délai d'un mois.</p>
<p>Vous pouvez aussi adresser une réclamation à la CNIL : <a href="https://www.cnil.fr">cnil.fr</a>.</p>
<h2>Ce que le site garde de votre visite</h2>
<p>Un cookie de session, seulement si vous vous connectez, et un cookie de sécurité pour les formulaires. Aucun outil de mesure d'audience ni de publicité.</p>
% ui_prose_end(b);
