-- Identity verification (본인인증): each attempt under an id the shop generates (bound to the
-- member or, for a guest, to the session that started it), and what the provider verified. The
-- CI (연계정보) is kept only as a keyed hash: enough to tell one person across accounts, useless
-- to anyone who copies the database.
CREATE TABLE identity_verifications (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    verification_id TEXT NOT NULL,
    provider TEXT NOT NULL,
    member_id BIGINT REFERENCES members (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('started', 'verified', 'failed')),
    name TEXT,
    -- 'YYYY-MM-DD'.
    birth_date TEXT,
    mobile TEXT,
    ci_hash TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    verified_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX identity_verifications_key ON identity_verifications (verification_id);
CREATE INDEX identity_verifications_member_idx ON identity_verifications (member_id, verified_at);
CREATE INDEX identity_verifications_ci_idx ON identity_verifications (ci_hash);
