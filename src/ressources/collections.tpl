% /* Pieces of the collection pages that are markup rather than components: the controls of one
%  * resource of a collection (move up, move down, take out: each a small form, so that ordering
%  * works without JavaScript), whose buttons name the resource for screen readers, and the share
%  * link shown to a private collection's owners. */
%include "core/buf.h"

%% void collections_item_controls(struct buf *b, const char *ordre_action, const char *retirer_action, int64_t rid, const char *titre, const char *csrf, bool first, bool last)
<div class="govuk-button-group">
% if (!first) {
<form method="post" action="{{ ordre_action }}">
<input type="hidden" name="_csrf" value="{{ csrf }}">
<input type="hidden" name="ressource" value="{{ rid }}">
<input type="hidden" name="sens" value="haut">
<button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Monter<span class="govuk-visually-hidden"> « {{ titre }} »</span></button>
</form>
% }
% if (!last) {
<form method="post" action="{{ ordre_action }}">
<input type="hidden" name="_csrf" value="{{ csrf }}">
<input type="hidden" name="ressource" value="{{ rid }}">
<input type="hidden" name="sens" value="bas">
<button type="submit" class="govuk-button govuk-button--secondary" data-module="govuk-button">Descendre<span class="govuk-visually-hidden"> « {{ titre }} »</span></button>
</form>
% }
<form method="post" action="{{ retirer_action }}">
<input type="hidden" name="_csrf" value="{{ csrf }}">
<input type="hidden" name="ressource" value="{{ rid }}">
<button type="submit" class="govuk-button govuk-button--warning" data-module="govuk-button">Retirer<span class="govuk-visually-hidden"> « {{ titre }} » de la collection</span></button>
</form>
</div>

%% void collections_share_link(struct buf *b, const char *url)
<p>Toute personne qui a ce lien peut lire la collection, mais seulement les ressources qu'elle a déjà le droit de voir :</p>
<p><a href="{{ url }}">{{ url }}</a></p>
