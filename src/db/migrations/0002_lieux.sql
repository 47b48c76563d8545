-- Lieux: the places of the national standard (schéma des lieux de médiation numérique v1.0.2), their
-- history of changes, publication and verification. The 32 standard fields are stored as the
-- standard's text (lists joined with '|'), so that an export gives back exactly what came in;
-- columns outside the standard are kept as a JSON object in `extra`.

CREATE TABLE lieux (
    id {{id}},
    -- Upsert key: where the row comes from (the standard's `source`, or the import's name) and the
    -- producer's own id (the standard's `id`).
    source_key TEXT NOT NULL,
    ext_id TEXT NOT NULL,
    structure_id BIGINT REFERENCES structures (id) ON DELETE SET NULL,
    departement TEXT NOT NULL,
    pivot TEXT,
    nom TEXT NOT NULL,
    commune TEXT,
    code_postal TEXT,
    code_insee TEXT,
    adresse TEXT,
    complement_adresse TEXT,
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    typologie TEXT,
    telephone TEXT,
    courriels TEXT,
    site_web TEXT,
    horaires TEXT,
    presentation_resume TEXT,
    presentation_detail TEXT,
    source TEXT,
    itinerance TEXT,
    structure_parente TEXT,
    date_maj TEXT,
    services TEXT,
    publics_specifiquement_adresses TEXT,
    prise_en_charge_specifique TEXT,
    frais_a_charge TEXT,
    dispositif_programmes_nationaux TEXT,
    formations_labels TEXT,
    autres_formations_labels TEXT,
    modalites_acces TEXT,
    modalites_accompagnement TEXT,
    fiche_acces_libre TEXT,
    prise_rdv TEXT,
    extra TEXT,
    -- Coordinates computed from the commune (no coordinates in the source): shown as approximate.
    coords_approx INTEGER NOT NULL DEFAULT 0,
    published INTEGER NOT NULL DEFAULT 1,
    verified_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (source_key, ext_id)
);
CREATE INDEX lieux_departement ON lieux (departement, nom);
CREATE INDEX lieux_structure ON lieux (structure_id);

-- Who changed what and when: one row per change, with the fields changed as a JSON object
-- {"field": ["before", "after"], ...}.
CREATE TABLE lieux_history (
    id {{id}},
    lieu_id BIGINT NOT NULL REFERENCES lieux (id) ON DELETE CASCADE,
    departement TEXT NOT NULL,
    at BIGINT NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    action TEXT NOT NULL CHECK (action IN ('import', 'creation', 'modification', 'publication',
                                           'depublication', 'verification')),
    origin TEXT,
    changes TEXT
);
CREATE INDEX lieux_history_lieu ON lieux_history (lieu_id, at);
