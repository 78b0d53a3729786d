-- Where a virtual-account or bank-deposit payment is refunded to (환불 계좌): entered by the buyer or
-- by staff before the refund; the account number is sealed (AES-GCM) by the app.
CREATE TABLE refund_accounts (
    order_id BIGINT PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    bank TEXT NOT NULL,
    number_sealed TEXT NOT NULL,
    number_hint TEXT NOT NULL,
    holder TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
