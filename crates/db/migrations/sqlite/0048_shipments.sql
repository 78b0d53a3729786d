-- Partial shipments (issue 18): lines of an order that leave with their own carrier and waybill
-- before the rest. Once an order has one, its last shipment is recorded here too; the order's
-- own carrier and waybill stay those of its last shipment.
CREATE TABLE shipments (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    carrier TEXT NOT NULL,
    waybill TEXT NOT NULL,
    shipped_at TEXT NOT NULL,
    delivered_at TEXT,
    -- The waybill reached the marketplace the order came from (or, with the error, was refused).
    dispatched_at TEXT,
    dispatch_error TEXT
);
CREATE INDEX shipments_by_order ON shipments (order_id);
ALTER TABLE order_lines ADD COLUMN shipment_id INTEGER REFERENCES shipments (id);
