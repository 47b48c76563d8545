-- Orientations: referrals of a person from one structure to another (or to a lieu's contact
-- address when the destination has no account), their log of status changes and messages, their
-- attachments, the signed links of destinations without an account, in-app notifications and the
-- outbox of e-mails. Personal fields (personne, contact, motif, disponibilites, a_apporter,
-- message bodies) are blanked after the anonymisation delay; `departement` is the sender's.

CREATE TABLE orientations (
    id {{id}},
    departement TEXT NOT NULL,
    from_structure_id BIGINT NOT NULL REFERENCES structures (id) ON DELETE CASCADE,
    from_user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    to_structure_id BIGINT REFERENCES structures (id) ON DELETE SET NULL,
    -- A destination without an account acts through a signed link sent to this address.
    to_email TEXT,
    lieu_id BIGINT REFERENCES lieux (id) ON DELETE SET NULL,
    destination_nom TEXT NOT NULL,
    personne TEXT NOT NULL,
    contact TEXT NOT NULL,
    preferences TEXT NOT NULL,
    besoins TEXT NOT NULL,
    motif TEXT NOT NULL,
    disponibilites TEXT,
    interlocuteur TEXT,
    a_apporter TEXT,
    engagement INTEGER NOT NULL CHECK (engagement = 1),
    status TEXT NOT NULL CHECK (status IN ('ouverte', 'en_cours', 'acceptee', 'refusee',
                                           'expiree')),
    refus_motifs TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    answered_at BIGINT,
    last_reminder_at BIGINT,
    anonymised INTEGER NOT NULL DEFAULT 0,
    demo INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX orientations_from ON orientations (from_structure_id, created_at);
CREATE INDEX orientations_to ON orientations (to_structure_id, created_at);
CREATE INDEX orientations_status ON orientations (status, created_at);

-- Every status change (kind 'statut', with from and to) and every message (kind 'message').
CREATE TABLE orientation_events (
    id {{id}},
    orientation_id BIGINT NOT NULL REFERENCES orientations (id) ON DELETE CASCADE,
    departement TEXT NOT NULL,
    at BIGINT NOT NULL,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    actor TEXT NOT NULL,
    side TEXT NOT NULL CHECK (side IN ('envoi', 'reception', 'systeme')),
    kind TEXT NOT NULL CHECK (kind IN ('statut', 'message')),
    from_status TEXT,
    to_status TEXT,
    body TEXT
);
CREATE INDEX orientation_events_orientation ON orientation_events (orientation_id, at);

-- Attachments live in the data directory under a random name; deleted_at marks a removed file.
CREATE TABLE orientation_pieces (
    id {{id}},
    orientation_id BIGINT NOT NULL REFERENCES orientations (id) ON DELETE CASCADE,
    departement TEXT NOT NULL,
    nom TEXT NOT NULL,
    stored TEXT NOT NULL,
    mime TEXT NOT NULL,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    deleted_at BIGINT
);
CREATE INDEX orientation_pieces_orientation ON orientation_pieces (orientation_id);

-- Signed links for a destination without an account: only the token's SHA-256 is stored.
CREATE TABLE orientation_links (
    token_hash TEXT PRIMARY KEY,
    orientation_id BIGINT NOT NULL REFERENCES orientations (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);
CREATE INDEX orientation_links_orientation ON orientation_links (orientation_id);

CREATE TABLE notifications (
    id {{id}},
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    at BIGINT NOT NULL,
    text TEXT NOT NULL,
    href TEXT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_user ON notifications (user_id, read_at);

-- E-mails waiting for the SMTP server: retried with a growing delay until delivered.
CREATE TABLE mail_outbox (
    id {{id}},
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_at BIGINT NOT NULL,
    sent_at BIGINT,
    last_error TEXT
);
CREATE INDEX mail_outbox_pending ON mail_outbox (sent_at, next_at);
