-- Every message sent to a person or to staff: the rendered content, the channel, what the provider
-- answered and where delivery stands. With the built-in `test` adapter this is the outbox.

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    event TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'alimtalk', 'slack')),
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    body_html TEXT NOT NULL DEFAULT '',
    body_text TEXT NOT NULL DEFAULT '',
    is_advertising INTEGER NOT NULL DEFAULT 0,
    state TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),
    provider TEXT,
    provider_id TEXT,
    provider_reply TEXT,
    last_error TEXT,
    dedupe_key TEXT,
    send_after TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE UNIQUE INDEX messages_dedupe_key ON messages (dedupe_key);
CREATE INDEX messages_state_idx ON messages (state, created_at);
