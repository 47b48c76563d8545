-- Activité, the follow-up of people and the coordinators' work: what a named beneficiary's record
-- needs beyond 0003 (a folded search key, the trace of what was done to the record), and the
-- activities of coordinators (La Coop's ActiviteCoordination).

-- The folded "prénom nom" of a named record (lower case, no accents, single spaces), for the search
-- by name and the duplicate detection; NULL for an anonymous record.
ALTER TABLE beneficiaires ADD COLUMN nom_cle TEXT;
CREATE INDEX beneficiaires_structure_cle ON beneficiaires (structure_id, nom_cle);

-- What happened to a beneficiary's record and who did it: creation, modification, a merge (into or
-- from another record), an export of the person's data, an erasure on request, an anonymisation
-- after inactivity. details never holds the person's name or contact.
CREATE TABLE beneficiaires_history (
    id {{id}},
    beneficiaire_id BIGINT NOT NULL REFERENCES beneficiaires (id) ON DELETE CASCADE,
    departement TEXT NOT NULL,
    at BIGINT NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    action TEXT NOT NULL CHECK (action IN ('creation', 'modification', 'fusion', 'fusion_recue',
                                           'export', 'effacement', 'anonymisation')),
    details TEXT
);
CREATE INDEX beneficiaires_history_beneficiaire ON beneficiaires_history (beneficiaire_id, at);

-- A coordinator's activity: an animation, an événement or a partenariat, with the fields and
-- counts of its type (the others stay NULL or 0). Lists of values are joined with '|'.
CREATE TABLE activites_coordination (
    id {{id}},
    coordinateur_id BIGINT NOT NULL REFERENCES users (id),
    departement TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('animation', 'evenement', 'partenariat')),
    date TEXT NOT NULL,
    duree INTEGER NOT NULL DEFAULT 0 CHECK (duree >= 0 AND duree <= 720),
    nom TEXT,
    echelon_territorial TEXT CHECK (echelon_territorial IN ('communal', 'intercommunal',
        'departemental', 'regional', 'national')),
    type_animation TEXT CHECK (type_animation IN ('assemblee', 'comite', 'groupe_de_travail',
        'echange', 'reunion_coordination', 'webinaire', 'autre')),
    type_animation_autre TEXT,
    initiative TEXT CHECK (initiative IN ('initiative', 'demande')),
    thematiques_animation TEXT,
    thematique_animation_autre TEXT,
    type_evenement TEXT CHECK (type_evenement IN ('grand_public', 'national', 'inclusion_numerique',
        'nec_local', 'autre')),
    type_evenement_autre TEXT,
    organisateurs TEXT,
    organisateur_autre TEXT,
    natures_partenariat TEXT,
    nature_partenariat_autre TEXT,
    mediateurs INTEGER NOT NULL DEFAULT 0,
    structures INTEGER NOT NULL DEFAULT 0,
    autres_acteurs INTEGER NOT NULL DEFAULT 0,
    participants INTEGER NOT NULL DEFAULT 0,
    notes TEXT,
    demo INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX activites_coordination_coordinateur ON activites_coordination (coordinateur_id, date);
CREATE INDEX activites_coordination_departement ON activites_coordination (departement, date);
