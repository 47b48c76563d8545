-- Quality of the resource base: collections (personal or of a base, ordered, public or private,
-- favourites, share links), reviews with the authors' replies, the link checker's findings, and
-- reports of resources with their moderation. Times are Unix seconds given by the application.

-- A collection belongs to a person (owner_id) or to a base (base_id), never both. favoris marks
-- each person's default « Favoris » collection (at most one, created on first use). share_token is
-- the unguessable part of the share link of a private collection (NULL: no link); it is kept in
-- clear so that its owners can copy the link again, and revoking it sets it back to NULL.
CREATE TABLE collections (
    id {{id}},
    owner_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    base_id BIGINT REFERENCES bases (id) ON DELETE CASCADE,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    titre TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    visibilite TEXT NOT NULL DEFAULT 'prive' CHECK (visibilite IN ('public', 'prive')),
    favoris INTEGER NOT NULL DEFAULT 0,
    share_token TEXT UNIQUE,
    share_created_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK ((owner_id IS NULL AND base_id IS NOT NULL) OR (owner_id IS NOT NULL AND base_id IS NULL))
);
CREATE UNIQUE INDEX collections_favoris ON collections (owner_id) WHERE favoris = 1;
CREATE INDEX collections_owner ON collections (owner_id, updated_at);
CREATE INDEX collections_base ON collections (base_id, updated_at);

-- The resources of a collection, in the order its owners chose (position 1, 2, ...).
CREATE TABLE collection_items (
    collection_id BIGINT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    ressource_id BIGINT NOT NULL REFERENCES ressources (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    added_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (collection_id, ressource_id)
);
CREATE INDEX collection_items_ressource ON collection_items (ressource_id);

-- One review per person and resource. recommandation answers « Recommandez-vous cette
-- ressource ? »: 1 Non, 2 Moyen, 3 Oui, 4 Beaucoup (La Base's scale). a_jour and facile_atelier
-- are the two optional criteria: NULL not answered, 0 non, 1 oui. reponse is the reply of the
-- resource's authors or of its base's administrators.
CREATE TABLE ressource_avis (
    id {{id}},
    ressource_id BIGINT NOT NULL REFERENCES ressources (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    recommandation INTEGER NOT NULL CHECK (recommandation BETWEEN 1 AND 4),
    a_jour INTEGER CHECK (a_jour IN (0, 1)),
    facile_atelier INTEGER CHECK (facile_atelier IN (0, 1)),
    commentaire TEXT,
    reponse TEXT,
    reponse_par BIGINT REFERENCES users (id) ON DELETE SET NULL,
    reponse_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (ressource_id, user_id)
);
CREATE INDEX ressource_avis_user ON ressource_avis (user_id);

-- The link checker's last finding for each web address of a resource (its link blocks and the
-- addresses written in its text). etat: 'ok', 'redirige' (a permanent redirection: the final
-- address is in final_url) or 'mort' (an HTTP error in http_status, or a network error in erreur).
-- chaine: the redirections followed, as a JSON array [{"url": ..., "statut": 301}, ...].
-- depuis: when the link entered its state; notified_at: when the authors were told of it.
CREATE TABLE ressource_liens (
    id {{id}},
    ressource_id BIGINT NOT NULL REFERENCES ressources (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    etat TEXT NOT NULL CHECK (etat IN ('ok', 'redirige', 'mort')),
    http_status INTEGER,
    final_url TEXT,
    erreur TEXT,
    chaine TEXT,
    checked_at BIGINT NOT NULL,
    depuis BIGINT NOT NULL,
    notified_at BIGINT,
    UNIQUE (ressource_id, url)
);
CREATE INDEX ressource_liens_etat ON ressource_liens (etat, ressource_id);

-- Reports of a resource by a signed-in person. motif: La Base's ResourceReportReason values.
-- Moderators (platform admins, and the administrators of the resource's base) resolve or dismiss
-- them; traite_par, traite_at and note keep the trace of the decision.
CREATE TABLE ressource_signalements (
    id {{id}},
    ressource_id BIGINT NOT NULL REFERENCES ressources (id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    motif TEXT NOT NULL CHECK (motif IN ('inappropriate', 'outdated', 'errors', 'duplicate')),
    commentaire TEXT NOT NULL DEFAULT '',
    statut TEXT NOT NULL DEFAULT 'ouvert' CHECK (statut IN ('ouvert', 'resolu', 'rejete')),
    traite_par BIGINT REFERENCES users (id) ON DELETE SET NULL,
    traite_at BIGINT,
    note TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX ressource_signalements_statut ON ressource_signalements (statut, created_at);
CREATE INDEX ressource_signalements_ressource ON ressource_signalements (ressource_id);
