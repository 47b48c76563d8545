-- Lieux: the errors that people report from a lieu's public page (« Signaler une erreur »), kept
-- for the people who manage the lieu (its structure's administrators, its département's
-- coordinateurs) and listed on its editing page. Anonymous reports are allowed: user_id is then
-- NULL, and courriel is the address the person chose to leave for an answer, if any.

CREATE TABLE lieux_signalements (
    id {{id}},
    lieu_id BIGINT NOT NULL REFERENCES lieux (id) ON DELETE CASCADE,
    departement TEXT NOT NULL,
    at BIGINT NOT NULL,
    message TEXT NOT NULL,
    courriel TEXT,
    user_id BIGINT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX lieux_signalements_lieu ON lieux_signalements (lieu_id, at);
