-- Restock alerts (재입고 알림, issue 17): a member asks on a sold-out SKU and is told once, by the
-- channel they chose (`email` or `text`), when it is back; notified_at closes the request.
CREATE TABLE restock_alerts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku_id BIGINT NOT NULL REFERENCES skus (id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'text')),
    created_at TIMESTAMPTZ NOT NULL,
    notified_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX restock_alerts_open_key ON restock_alerts (sku_id, member_id) WHERE notified_at IS NULL;
CREATE INDEX restock_alerts_sku_idx ON restock_alerts (sku_id) WHERE notified_at IS NULL;
