-- Dormant accounts (shop policy since the 2023 PIPA amendment): the personal data of a member
-- inactive past the policy's period moves to a separate table and comes back at the next login.

ALTER TABLE members ADD COLUMN dormant_at TEXT;

CREATE TABLE dormant_members (
    member_id INTEGER PRIMARY KEY NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    mobile TEXT,
    marketing_agreed_at TEXT,
    dormant_at TEXT NOT NULL
);
CREATE UNIQUE INDEX dormant_members_email_key ON dormant_members (email);
