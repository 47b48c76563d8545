%include "activite/suivi_pages.h"
% /* The path to autonomy as an ordered list of visits: each with its date as a heading, what was
%  * worked on, the autonomy level in words (the stars are decoration, hidden from screen readers)
%  * and who accompanied; the person's referrals take their place in the same list by date. */

%% void suivi_timeline_html(struct buf *b, const struct suivi_etape_vue *v, size_t n)
<ol class="relais-parcours">
% for (size_t i = 0; i < n; i++) {
<li class="relais-parcours__etape">
% if (v[i].orientation_href) {
<h3>{{ v[i].date }} : <a href="{{ v[i].orientation_href }}">{{ v[i].type }}</a></h3>
<p>{{ v[i].trajet }}.</p>
<p>Besoin : {{ v[i].besoin[0] ? v[i].besoin : "non précisé" }}. Statut : <strong>{{ v[i].statut }}</strong>.</p>
% } else {
<h3>{{ v[i].date }} : {{ v[i].type }}</h3>
<p>Thématiques : {{ v[i].thematiques[0] ? v[i].thematiques : "non précisées" }}. Durée : {{ v[i].duree }}.</p>
% if (v[i].niveau) {
<p><strong>Niveau d'autonomie : {{ v[i].niveau }}</strong> <span aria-hidden="true">{{ v[i].etoiles >= 1 ? "★" : "☆" }}{{ v[i].etoiles >= 2 ? "★" : "☆" }}{{ v[i].etoiles >= 3 ? "★" : "☆" }}</span>{% if (v[i].evolution) { %} ({{ v[i].evolution }}){% } %}</p>
% } else {
<p>Niveau d'autonomie : non relevé lors de cette visite.</p>
% }
<p>Accompagnement par {{ v[i].qui }}.</p>
% }
</li>
% }
</ol>

%% void suivi_consent_html(struct buf *b, const char *text)
<p>{{ text }}</p>
