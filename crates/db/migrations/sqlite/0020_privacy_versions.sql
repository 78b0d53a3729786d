-- Every version of the generated 개인정보처리방침 (PIPA 제30조) with the day it took effect: a new
-- row whenever the configuration or the owner's text changes what the policy says.
CREATE TABLE privacy_policy_versions (
    id INTEGER PRIMARY KEY,
    content_json TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    effective_at TEXT NOT NULL
);
CREATE INDEX privacy_policy_versions_effective_idx ON privacy_policy_versions (effective_at);
