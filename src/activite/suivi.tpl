%include "activite/suivi_pages.h"
% /* The path to autonomy as an ordered list of visits: each with its date as a heading, what was
%  * worked on, the autonomy level in words (the stars are decoration, hidden from screen readers)
%  * and who accompanied. */

%% void suivi_timeline_html(struct buf *b, const struct suivi_etape_vue *v, size_t n)
<ol class="relais-parcours">
% for (size_t i = 0; i < n; i++) {
<li class="relais-parcours__etape">
<h3>{{ v[i].date }} : {{ v[i].type }}</h3>
<p>Thématiques : {{ v[i].thematiques[0] ? v[i].thematiques : "non précisées" }}. Durée : {{ v[i].duree }}.</p>
% if (v[i].niveau) {
<p><strong>Niveau d'autonomie : {{ v[i].niveau }}</strong> <span aria-hidden="true">{{ v[i].etoiles >= 1 ? "★" : "☆" }}{{ v[i].etoiles >= 2 ? "★" : "☆" }}{{ v[i].etoiles >= 3 ? "★" : "☆" }}</span>{% if (v[i].evolution) { %} ({{ v[i].evolution }}){% } %}</p>
% } else {
<p>Niveau d'autonomie : non relevé lors de cette visite.</p>
% }
<p>Accompagnement par {{ v[i].qui }}.</p>
</li>
% }
</ol>

%% void suivi_consent_html(struct buf *b, const char *text)
<p>{{ text }}</p>
