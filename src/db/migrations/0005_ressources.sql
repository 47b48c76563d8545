-- Ressources: bases (spaces of a team, a structure or a network), their members, invitations and
-- join requests; resources made of ordered content blocks, their files (stored on disk by content
-- hash), contributors, change history and indexation. The enumerated values are La Base's exchange
-- identifiers (reference/anchors.md, section 1), listed once in src/ressources/vocab.c.

CREATE TABLE bases (
    id {{id}},
    nom TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    visibilite TEXT NOT NULL DEFAULT 'public' CHECK (visibilite IN ('public', 'prive')),
    structure_id BIGINT REFERENCES structures (id) ON DELETE SET NULL,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    departement TEXT,
    demo INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX bases_nom ON bases (nom);

CREATE TABLE base_members (
    base_id BIGINT NOT NULL REFERENCES bases (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'membre')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (base_id, user_id)
);
CREATE INDEX base_members_user ON base_members (user_id);

-- An administrator invites an existing account; the invited person accepts or declines.
CREATE TABLE base_invitations (
    id {{id}},
    base_id BIGINT NOT NULL REFERENCES bases (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    invited_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    role TEXT NOT NULL DEFAULT 'membre' CHECK (role IN ('admin', 'membre')),
    statut TEXT NOT NULL DEFAULT 'en_attente'
        CHECK (statut IN ('en_attente', 'acceptee', 'refusee')),
    created_at BIGINT NOT NULL,
    decided_at BIGINT,
    UNIQUE (base_id, user_id)
);
CREATE INDEX base_invitations_user ON base_invitations (user_id, statut);

-- A signed-in person asks to join; an administrator of the base accepts or refuses.
CREATE TABLE base_join_requests (
    id {{id}},
    base_id BIGINT NOT NULL REFERENCES bases (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message TEXT NOT NULL DEFAULT '',
    statut TEXT NOT NULL DEFAULT 'en_attente'
        CHECK (statut IN ('en_attente', 'acceptee', 'refusee')),
    decided_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    decided_at BIGINT,
    UNIQUE (base_id, user_id)
);
CREATE INDEX base_join_requests_base ON base_join_requests (base_id, statut);

-- A resource. etat: 'brouillon' until first published; republished_at is set by each later
-- publication. licence: etalab_2_0 | cc_by_sa_4_0 | cc_by_nc_sa_4_0 | no_licence.
CREATE TABLE ressources (
    id {{id}},
    base_id BIGINT REFERENCES bases (id) ON DELETE SET NULL,
    created_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    -- The identifier in the system it was imported from (relais import ressources).
    ext_id TEXT,
    titre TEXT NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    etat TEXT NOT NULL DEFAULT 'brouillon' CHECK (etat IN ('brouillon', 'publie')),
    visibilite TEXT NOT NULL DEFAULT 'public' CHECK (visibilite IN ('public', 'prive')),
    licence TEXT NOT NULL DEFAULT 'etalab_2_0'
        CHECK (licence IN ('etalab_2_0', 'cc_by_sa_4_0', 'cc_by_nc_sa_4_0', 'no_licence')),
    departement TEXT,
    demo INTEGER NOT NULL DEFAULT 0,
    views BIGINT NOT NULL DEFAULT 0,
    published_at BIGINT,
    republished_at BIGINT,
    last_verified_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX ressources_ext_id ON ressources (ext_id) WHERE ext_id IS NOT NULL;
CREATE INDEX ressources_base ON ressources (base_id);
CREATE INDEX ressources_created_by ON ressources (created_by);

-- Uploaded files, one row per distinct content: the file lives at
-- DATA_DIR/ressources/HH/SHA256 (HH: the first two hex digits), outside the web root. mime is what
-- libmagic found, never what the browser said. preview_sha256: a PNG of a PDF's first page.
CREATE TABLE ressource_files (
    id {{id}},
    sha256 TEXT NOT NULL UNIQUE,
    mime TEXT NOT NULL,
    size BIGINT NOT NULL,
    preview_sha256 TEXT,
    created_at BIGINT NOT NULL
);

-- Ordered content blocks. kind: 'titre' (section title in texte), 'texte' (Markdown in texte),
-- 'lien' (url, texte = its title), 'fichier' and 'image' (file_id, filename as uploaded).
CREATE TABLE ressource_blocks (
    id {{id}},
    ressource_id BIGINT NOT NULL REFERENCES ressources (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('titre', 'texte', 'lien', 'fichier', 'image')),
    texte TEXT,
    url TEXT,
    file_id BIGINT REFERENCES ressource_files (id),
    filename TEXT,
    caption TEXT
);
CREATE INDEX ressource_blocks_ressource ON ressource_blocks (ressource_id, position);
CREATE INDEX ressource_blocks_file ON ressource_blocks (file_id);

CREATE TABLE ressource_contributors (
    ressource_id BIGINT NOT NULL REFERENCES ressources (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (ressource_id, user_id)
);
CREATE INDEX ressource_contributors_user ON ressource_contributors (user_id);

-- Who changed what and when. action: La Base's event names (created, published, republished,
-- title_and_description_edited, content_edited, indexation_changed, visibility_changed,
-- licence_changed, base_changed, contributor_added, contributor_removed, imported);
-- details: a JSON object describing the change.
CREATE TABLE ressource_history (
    id {{id}},
    ressource_id BIGINT NOT NULL REFERENCES ressources (id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    at BIGINT NOT NULL,
    action TEXT NOT NULL,
    details TEXT
);
CREATE INDEX ressource_history_ressource ON ressource_history (ressource_id, at);

-- Indexation: vocab is 'theme' (Theme), 'type' (ResourceType), 'public' (Beneficiary), 'secteur'
-- (ProfessionalSector) or 'tag' (free tag, stored as typed).
CREATE TABLE ressource_indexation (
    ressource_id BIGINT NOT NULL REFERENCES ressources (id) ON DELETE CASCADE,
    vocab TEXT NOT NULL CHECK (vocab IN ('theme', 'type', 'public', 'secteur', 'tag')),
    valeur TEXT NOT NULL,
    PRIMARY KEY (ressource_id, vocab, valeur)
);
CREATE INDEX ressource_indexation_valeur ON ressource_indexation (vocab, valeur);
