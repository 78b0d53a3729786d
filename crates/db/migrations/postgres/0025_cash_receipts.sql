-- 현금영수증 of an order: the buyer's request (소득공제 by mobile, 지출증빙 by business number; the
-- number sealed by the app) or 자진발급, and what the gateway issued. `generation` numbers the
-- receipts issued for the order (a reduced receipt some gateways cannot cancel in part is issued
-- anew), so that each issue has its own idempotent id.
CREATE TABLE cash_receipts (
    order_id BIGINT PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('personal', 'business', 'self')),
    identity_sealed TEXT,
    identity_hint TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('requested', 'issued', 'cancelled', 'failed')),
    provider TEXT,
    receipt_key TEXT,
    issue_number TEXT,
    receipt_url TEXT,
    amount BIGINT NOT NULL DEFAULT 0,
    generation INTEGER NOT NULL DEFAULT 0,
    failure TEXT,
    updated_at TIMESTAMPTZ NOT NULL
);
