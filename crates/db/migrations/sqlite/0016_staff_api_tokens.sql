-- Staff API tokens: the staff API (`/api/v1/staff/*`) authenticates with `Authorization: Bearer`
-- tokens issued in the back office instead of a password. Only a SHA-256 of the token is stored;
-- the token is shown once. A token acts with its staff member's current role and dies with the
-- account's deactivation or its own revocation.
CREATE TABLE staff_api_tokens (
    id INTEGER PRIMARY KEY,
    staff_id INTEGER NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    -- The first characters, to tell tokens apart in lists.
    prefix TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);
CREATE UNIQUE INDEX staff_api_tokens_hash_key ON staff_api_tokens (token_hash);
CREATE INDEX staff_api_tokens_staff_idx ON staff_api_tokens (staff_id);
