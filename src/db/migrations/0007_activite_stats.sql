-- Statistics of activité: counters maintained on every CRA write (activite/aggregates.h explains
-- the design and the arithmetic), and the public share links of a dashboard.
--
-- niveau says which rows a dashboard reads: 0 the whole platform (departement '' and ids 0),
-- 1 one département (ids 0), 2 the finest rows (structure, médiateur and lieu of the CRA; lieu_id 0
-- when the CRA was not at a lieu). mois is YYYYMM, jour YYYYMMDD, as integers.

CREATE TABLE activite_stats (
    niveau INTEGER NOT NULL,
    departement TEXT NOT NULL,
    mois INTEGER NOT NULL,
    structure_id BIGINT NOT NULL,
    mediateur_id BIGINT NOT NULL,
    lieu_id BIGINT NOT NULL,
    dim INTEGER NOT NULL,
    valeur TEXT NOT NULL,
    activites BIGINT NOT NULL,
    accompagnements BIGINT NOT NULL,
    minutes BIGINT NOT NULL,
    participants BIGINT NOT NULL,
    PRIMARY KEY (niveau, departement, mois, structure_id, mediateur_id, lieu_id, dim, valeur)
);
CREATE INDEX activite_stats_structure ON activite_stats (structure_id, mois) WHERE niveau = 2;
CREATE INDEX activite_stats_mediateur ON activite_stats (mediateur_id, mois) WHERE niveau = 2;

-- The daily series: the totals only.
CREATE TABLE activite_stats_jours (
    niveau INTEGER NOT NULL,
    departement TEXT NOT NULL,
    jour INTEGER NOT NULL,
    structure_id BIGINT NOT NULL,
    mediateur_id BIGINT NOT NULL,
    lieu_id BIGINT NOT NULL,
    activites BIGINT NOT NULL,
    accompagnements BIGINT NOT NULL,
    minutes BIGINT NOT NULL,
    participants BIGINT NOT NULL,
    PRIMARY KEY (niveau, departement, jour, structure_id, mediateur_id, lieu_id)
);
CREATE INDEX activite_stats_jours_structure ON activite_stats_jours (structure_id, jour)
    WHERE niveau = 2;
CREATE INDEX activite_stats_jours_mediateur ON activite_stats_jours (mediateur_id, jour)
    WHERE niveau = 2;

-- The months in which each person was accompanied, per scope: niveau 0 platform, 1 département,
-- 2 structure (mediateur_id 0), 3 médiateur. anonyme is the person's state when the month was
-- first counted.
CREATE TABLE activite_stats_presences (
    beneficiaire_id BIGINT NOT NULL,
    niveau INTEGER NOT NULL,
    departement TEXT NOT NULL,
    structure_id BIGINT NOT NULL,
    mediateur_id BIGINT NOT NULL,
    mois INTEGER NOT NULL,
    anonyme INTEGER NOT NULL,
    accompagnements BIGINT NOT NULL,
    PRIMARY KEY (beneficiaire_id, niveau, departement, structure_id, mediateur_id, mois)
);

-- People counted by (month, the previous month they were accompanied in the same scope, 0 for
-- none): the people accompanied between months A and B are the rows of A..B whose previous month
-- is before A, so that distinct people are a sum.
CREATE TABLE activite_stats_personnes (
    niveau INTEGER NOT NULL,
    departement TEXT NOT NULL,
    mois INTEGER NOT NULL,
    structure_id BIGINT NOT NULL,
    mediateur_id BIGINT NOT NULL,
    mois_precedent INTEGER NOT NULL,
    anonyme INTEGER NOT NULL,
    personnes BIGINT NOT NULL,
    PRIMARY KEY (niveau, departement, mois, structure_id, mediateur_id, mois_precedent, anonyme)
);
CREATE INDEX activite_stats_personnes_structure ON activite_stats_personnes (structure_id, mois)
    WHERE niveau = 2;
CREATE INDEX activite_stats_personnes_mediateur ON activite_stats_personnes (mediateur_id, mois)
    WHERE niveau = 3;

-- Public share links of a dashboard: the token's SHA-256 only; the scope and the filters of the
-- shared dashboard as its query string.
CREATE TABLE activite_partages (
    id {{id}},
    token_hash TEXT NOT NULL UNIQUE,
    created_by BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    departement TEXT NOT NULL,
    portee TEXT NOT NULL CHECK (portee IN ('mediateur', 'structure', 'departement', 'plateforme')),
    portee_id TEXT NOT NULL,
    filtres TEXT NOT NULL,
    libelle TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX activite_partages_user ON activite_partages (created_by, created_at);
