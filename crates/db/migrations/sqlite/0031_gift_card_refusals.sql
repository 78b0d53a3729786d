-- Gift-card purchases the owner's limits refused (issue 16), listed for staff with the reason:
-- a run of them is how a voice-phishing or stolen-card attempt shows.
CREATE TABLE gift_card_refusals (
    id INTEGER PRIMARY KEY,
    member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    amount INTEGER NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX gift_card_refusals_created_idx ON gift_card_refusals (created_at);
