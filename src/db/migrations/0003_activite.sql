-- Activité: the records of accompaniments (compte rendu d'activité, CRA), the people accompanied
-- (beneficiaires), the join between them (accompagnements) and tags.
--
-- The vocabularies are La Coop de la médiation numérique's: every enumerated column stores La Coop's
-- database value (type_lieu 'lieu_activite', thematique 'aide_aux_demarches_administratives', ...),
-- and each CRA keeps the version of the vocabularies it was written with (vocab_version), because
-- they change. Dates of activity are ISO text 'YYYY-MM-DD' (they sort and compare as text on both
-- databases); other times are Unix seconds given by the application. Every table that grows with
-- activity carries `departement` (the département of the médiateur's structure).

-- One CRA. type: 'individuel' (one person), 'collectif' (a workshop), 'demarche' (an
-- administrative procedure with one person). La Coop merged 'demarche' into 'individuel' in 2025;
-- Relais keeps the three kinds the network asked for, and the export writes 'demarche' as La Coop's
-- 'individuel' (its thématiques already say it was a procedure).
CREATE TABLE cra (
    id {{id}},
    type TEXT NOT NULL CHECK (type IN ('individuel', 'collectif', 'demarche')),
    mediateur_id BIGINT NOT NULL REFERENCES users (id),
    -- The employing structure when the CRA was written (La Coop's structureEmployeuseId).
    structure_id BIGINT NOT NULL REFERENCES structures (id),
    -- The lieu d'activité when type_lieu = 'lieu_activite'.
    lieu_id BIGINT REFERENCES lieux (id) ON DELETE SET NULL,
    departement TEXT NOT NULL,
    date TEXT NOT NULL,
    duree INTEGER NOT NULL CHECK (duree > 0 AND duree <= 720),
    type_lieu TEXT NOT NULL CHECK (type_lieu IN ('lieu_activite', 'domicile', 'a_distance', 'autre')),
    -- The commune of the activity when it was not at a lieu (domicile, autre; the structure's
    -- commune for a_distance).
    commune_code_insee TEXT,
    commune_code_postal TEXT,
    commune_nom TEXT,
    -- La Coop's Materiel values joined with '|' (at most 5 values; match with
    -- ('|' || materiel || '|') LIKE '%|ordinateur|%'). The thématiques are rows of cra_thematiques.
    materiel TEXT NOT NULL DEFAULT '',
    -- individuel and demarche: the person's autonomy at the end of the accompaniment.
    autonomie TEXT CHECK (autonomie IN ('entierement_accompagne', 'partiellement_autonome',
                                        'autonome')),
    -- individuel and demarche: 1 oriented, 0 not, NULL not said; and to what kind of structure.
    oriente INTEGER,
    structure_de_redirection TEXT CHECK (structure_de_redirection IN (
        'administration', 'mediation_numerique', 'operateur_ou_organisme_en_charge', 'aide_sociale',
        'insertion_professionnelle', 'aide_aux_demarches_administratives', 'autre')),
    -- Only with the thématique aide_aux_demarches_administratives.
    precisions_demarche TEXT,
    -- collectif: the workshop.
    titre_atelier TEXT,
    niveau_atelier TEXT CHECK (niveau_atelier IN ('debutant', 'intermediaire', 'avance')),
    notes TEXT,
    -- collectif: La Coop's participantsAnonymes block, as counts (anonymous participants are not
    -- materialised as beneficiaires, so no genre or age is ever invented for a person).
    anon_total INTEGER NOT NULL DEFAULT 0,
    anon_deja_accompagne INTEGER NOT NULL DEFAULT 0,
    anon_genre_masculin INTEGER NOT NULL DEFAULT 0,
    anon_genre_feminin INTEGER NOT NULL DEFAULT 0,
    anon_genre_non_communique INTEGER NOT NULL DEFAULT 0,
    anon_tranche_moins_de_douze INTEGER NOT NULL DEFAULT 0,
    anon_tranche_douze_dix_huit INTEGER NOT NULL DEFAULT 0,
    anon_tranche_dix_huit_vingt_quatre INTEGER NOT NULL DEFAULT 0,
    anon_tranche_vingt_cinq_trente_neuf INTEGER NOT NULL DEFAULT 0,
    anon_tranche_quarante_cinquante_neuf INTEGER NOT NULL DEFAULT 0,
    anon_tranche_soixante_soixante_neuf INTEGER NOT NULL DEFAULT 0,
    anon_tranche_soixante_dix_plus INTEGER NOT NULL DEFAULT 0,
    anon_tranche_non_communique INTEGER NOT NULL DEFAULT 0,
    anon_statut_scolarise INTEGER NOT NULL DEFAULT 0,
    anon_statut_sans_emploi INTEGER NOT NULL DEFAULT 0,
    anon_statut_en_emploi INTEGER NOT NULL DEFAULT 0,
    anon_statut_retraite INTEGER NOT NULL DEFAULT 0,
    anon_statut_non_communique INTEGER NOT NULL DEFAULT 0,
    -- People accompanied: 1 for individuel and demarche; identified participants + anon_total for
    -- collectif.
    accompagnements_count INTEGER NOT NULL,
    vocab_version TEXT NOT NULL,
    -- How the row came in: typed in the form, sent through the API, imported from a file, or
    -- invented for the demo (shown as « démo »).
    origine TEXT NOT NULL DEFAULT 'saisie' CHECK (origine IN ('saisie', 'api', 'import', 'demo')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    -- Deletion keeps the row with who deleted it and when; every read filters deleted_at IS NULL.
    deleted_at BIGINT,
    deleted_by BIGINT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX cra_mediateur_date ON cra (mediateur_id, date, id);
CREATE INDEX cra_mediateur_created ON cra (mediateur_id, created_at, id);
CREATE INDEX cra_structure_date ON cra (structure_id, date);
CREATE INDEX cra_departement_date ON cra (departement, date);
CREATE INDEX cra_created ON cra (created_at, id);

-- The thématiques of a CRA, one row each (La Coop's Thematique values), so that a filter or a plain
-- GROUP BY on a thématique reads an index.
CREATE TABLE cra_thematiques (
    cra_id BIGINT NOT NULL REFERENCES cra (id) ON DELETE CASCADE,
    departement TEXT NOT NULL,
    thematique TEXT NOT NULL,
    PRIMARY KEY (cra_id, thematique)
);
CREATE INDEX cra_thematiques_thematique ON cra_thematiques (thematique, cra_id);

-- Who changed a CRA and when; changes is a JSON object {"field": ["before", "after"], ...}.
CREATE TABLE cra_history (
    id {{id}},
    cra_id BIGINT NOT NULL REFERENCES cra (id) ON DELETE CASCADE,
    departement TEXT NOT NULL,
    at BIGINT NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    action TEXT NOT NULL CHECK (action IN ('creation', 'modification', 'suppression', 'import')),
    changes TEXT
);
CREATE INDEX cra_history_cra ON cra_history (cra_id, at);

-- A person accompanied, owned by one médiateur. Anonymous by default (anonyme = 1: no name, no
-- contact); a named record (anonyme = 0) exists only with the person's consent, recorded in
-- consent_at and consent_by. fusion_vers_id points to the record this one was merged into.
-- anonymised_at: the named data was erased (on request or after inactivity).
CREATE TABLE beneficiaires (
    id {{id}},
    mediateur_id BIGINT NOT NULL REFERENCES users (id),
    structure_id BIGINT NOT NULL REFERENCES structures (id),
    departement TEXT NOT NULL,
    anonyme INTEGER NOT NULL DEFAULT 1,
    prenom TEXT,
    nom TEXT,
    annee_naissance INTEGER,
    tranche_age TEXT CHECK (tranche_age IN ('moins_de_douze', 'douze_dix_huit',
        'dix_huit_vingt_quatre', 'vingt_cinq_trente_neuf', 'quarante_cinquante_neuf',
        'soixante_soixante_neuf', 'soixante_dix_plus', 'non_communique')),
    genre TEXT CHECK (genre IN ('masculin', 'feminin', 'non_communique')),
    statut_social TEXT CHECK (statut_social IN ('scolarise', 'sans_emploi', 'en_emploi', 'retraite',
                                                'non_communique')),
    commune_code_insee TEXT,
    commune_code_postal TEXT,
    commune_nom TEXT,
    telephone TEXT,
    email TEXT,
    notes TEXT,
    consent_at BIGINT,
    consent_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    fusion_vers_id BIGINT REFERENCES beneficiaires (id) ON DELETE SET NULL,
    demo INTEGER NOT NULL DEFAULT 0,
    last_activity_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    anonymised_at BIGINT,
    CHECK (anonyme = 1 OR consent_at IS NOT NULL)
);
CREATE INDEX beneficiaires_mediateur ON beneficiaires (mediateur_id, anonyme, nom, prenom);
CREATE INDEX beneficiaires_departement ON beneficiaires (departement, last_activity_at);

-- One row per person accompanied in a CRA: one for individuel and demarche, one per identified
-- participant of a collectif. premier_accompagnement: the person's first CRA (a « nouveau
-- bénéficiaire »); autonomie is copied from the CRA for individual kinds, so that a person's path to
-- autonomy reads one table.
CREATE TABLE accompagnements (
    id {{id}},
    cra_id BIGINT NOT NULL REFERENCES cra (id) ON DELETE CASCADE,
    beneficiaire_id BIGINT NOT NULL REFERENCES beneficiaires (id),
    departement TEXT NOT NULL,
    premier_accompagnement INTEGER NOT NULL DEFAULT 0,
    autonomie TEXT CHECK (autonomie IN ('entierement_accompagne', 'partiellement_autonome',
                                        'autonome')),
    UNIQUE (cra_id, beneficiaire_id)
);
CREATE INDEX accompagnements_beneficiaire ON accompagnements (beneficiaire_id, cra_id);

-- Tags: personnel (owner_user_id), structure (structure_id) or departement (departement, made by a
-- coordinateur). Names are unique within their owner.
CREATE TABLE tags (
    id {{id}},
    scope TEXT NOT NULL CHECK (scope IN ('personnel', 'structure', 'departement')),
    owner_user_id BIGINT REFERENCES users (id) ON DELETE CASCADE,
    structure_id BIGINT REFERENCES structures (id) ON DELETE CASCADE,
    departement TEXT NOT NULL,
    nom TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX tags_owner ON tags (owner_user_id);
CREATE INDEX tags_structure ON tags (structure_id);
CREATE INDEX tags_departement ON tags (departement, scope);

CREATE TABLE cra_tags (
    cra_id BIGINT NOT NULL REFERENCES cra (id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    departement TEXT NOT NULL,
    PRIMARY KEY (cra_id, tag_id)
);
CREATE INDEX cra_tags_tag ON cra_tags (tag_id, cra_id);
