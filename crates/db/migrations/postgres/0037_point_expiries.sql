-- Points expiry (적립금 소멸, issue 17): a credit of the points ledger is scheduled to expire when
-- the member is told (the day is a KST date, `YYYY-MM-DD`); `expired_at` closes the schedule.
CREATE TABLE point_expiries (
    entry_id BIGINT PRIMARY KEY REFERENCES point_entries (id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    expires_on TEXT NOT NULL,
    noticed_at TIMESTAMPTZ NOT NULL,
    expired_at TIMESTAMPTZ
);
CREATE INDEX point_expiries_open_idx ON point_expiries (member_id) WHERE expired_at IS NULL;
CREATE INDEX point_entries_credit_idx ON point_entries (created_at) WHERE amount > 0;
