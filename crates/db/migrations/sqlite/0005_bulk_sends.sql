-- Bulk sends to a member segment: one row per campaign with its progress; the messages
-- themselves are rows of `messages` with a de-duplication key per member, so a resumed send
-- never reaches anyone twice.

CREATE TABLE bulk_sends (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    segment TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('running', 'done', 'cancelled')),
    total INTEGER NOT NULL DEFAULT 0,
    queued INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX bulk_sends_status_idx ON bulk_sends (status, created_at);
