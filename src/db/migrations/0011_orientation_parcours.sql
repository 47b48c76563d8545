-- The person's journey: a referral may be linked to the named beneficiary record of the sender's
-- structure that it concerns (only with the person's consent, which the record carries). Erasing
-- or anonymising the record unlinks its referrals (activite/beneficiaires.c).

ALTER TABLE orientations ADD COLUMN beneficiaire_id BIGINT REFERENCES beneficiaires (id) ON DELETE SET NULL;
CREATE INDEX orientations_beneficiaire ON orientations (beneficiaire_id, created_at);
