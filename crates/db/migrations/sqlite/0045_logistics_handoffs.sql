-- Orders handed to a logistics partner (issue 18): each order once, in the batch (one outbound
-- sheet) it went out with, so the sheet can be downloaded again and no order goes out twice.
CREATE TABLE logistics_handoffs (
    order_id INTEGER PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    partner TEXT NOT NULL,
    batch TEXT NOT NULL,
    handed_at TEXT NOT NULL
);
CREATE INDEX logistics_handoffs_batch ON logistics_handoffs (partner, batch);
