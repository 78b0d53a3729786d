-- Social login (issue 17): a member's Kakao or Naver account, one per provider; the provider's
-- refresh token is kept sealed (AES-GCM by the app) only to unlink the account later.
CREATE TABLE member_social_links (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    provider TEXT NOT NULL CHECK (provider IN ('kakao', 'naver')),
    subject TEXT NOT NULL,
    refresh_token_sealed TEXT,
    linked_at TEXT NOT NULL,
    last_login_at TEXT
);
CREATE UNIQUE INDEX member_social_links_subject_key ON member_social_links (provider, subject);
CREATE UNIQUE INDEX member_social_links_member_key ON member_social_links (member_id, provider);
