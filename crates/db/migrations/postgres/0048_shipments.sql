-- Partial shipments (issue 18): lines of an order that leave with their own carrier and waybill
-- before the rest. Once an order has one, its last shipment is recorded here too; the order's
-- own carrier and waybill stay those of its last shipment.
CREATE TABLE shipments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    carrier TEXT NOT NULL,
    waybill TEXT NOT NULL,
    shipped_at TIMESTAMPTZ NOT NULL,
    delivered_at TIMESTAMPTZ,
    -- The waybill reached the marketplace the order came from (or, with the error, was refused).
    dispatched_at TIMESTAMPTZ,
    dispatch_error TEXT
);
CREATE INDEX shipments_by_order ON shipments (order_id);
ALTER TABLE order_lines ADD COLUMN shipment_id BIGINT REFERENCES shipments (id);
