-- no-transaction
-- A fully returned order ends in its own state (반품완료). SQLite cannot change a CHECK
-- constraint in place, so the table is rebuilt the documented way
-- (sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes"): with
-- foreign keys off, so that dropping the old table cascades nothing, inside one transaction.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE orders_new (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL,
    member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    guest_password_hash TEXT,
    -- One order per checkout form: a double submit finds the first order.
    checkout_token TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending_payment', 'awaiting_deposit', 'paid', 'preparing', 'shipped', 'delivered', 'completed', 'cancelled', 'returned')),
    payment_method TEXT NOT NULL,
    orderer_name TEXT NOT NULL,
    orderer_mobile TEXT NOT NULL,
    orderer_email TEXT NOT NULL,
    recipient_name TEXT NOT NULL,
    recipient_mobile TEXT NOT NULL,
    postcode TEXT NOT NULL,
    address1 TEXT NOT NULL,
    address2 TEXT NOT NULL DEFAULT '',
    delivery_memo TEXT NOT NULL DEFAULT '',
    depositor_name TEXT,
    items_subtotal INTEGER NOT NULL,
    grade_discount INTEGER NOT NULL DEFAULT 0,
    coupon_discount INTEGER NOT NULL DEFAULT 0,
    shipping_fee INTEGER NOT NULL DEFAULT 0,
    remote_surcharge INTEGER NOT NULL DEFAULT 0,
    points_used INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL CHECK (total >= 0),
    points_to_earn INTEGER NOT NULL DEFAULT 0,
    coupon_id INTEGER REFERENCES coupons (id) ON DELETE SET NULL,
    grade_code TEXT,
    carrier TEXT,
    waybill TEXT,
    deposit_deadline TEXT,
    placed_at TEXT NOT NULL,
    paid_at TEXT,
    cancelled_at TEXT,
    shipped_at TEXT,
    delivered_at TEXT,
    completed_at TEXT,
    updated_at TEXT NOT NULL,
    channel TEXT NOT NULL DEFAULT 'pc' CHECK (channel IN ('pc', 'mobile', 'api')),
    tax_free_amount INTEGER NOT NULL DEFAULT 0 CHECK (tax_free_amount >= 0)
);
INSERT INTO orders_new SELECT * FROM orders;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
CREATE UNIQUE INDEX orders_number_key ON orders (number);
CREATE UNIQUE INDEX orders_checkout_token_key ON orders (checkout_token);
CREATE INDEX orders_member_idx ON orders (member_id, placed_at);
CREATE INDEX orders_status_idx ON orders (status, placed_at);
CREATE INDEX orders_paid_idx ON orders (paid_at);
-- Whether a settled claim's units went back on sale (the claim page shows it).
ALTER TABLE claims ADD COLUMN restocked INTEGER;
-- Exchanged units stay with the buyer (a replacement was sent); earlier releases counted them
-- as returned, which hid them from later claims.
UPDATE order_lines SET quantity_returned = quantity_returned - (
    SELECT COALESCE(SUM(cl.quantity), 0) FROM claim_lines cl JOIN claims c ON c.id = cl.claim_id
    WHERE cl.order_line_id = order_lines.id AND c.status = 'exchanged')
WHERE id IN (SELECT cl.order_line_id FROM claim_lines cl JOIN claims c ON c.id = cl.claim_id
    WHERE c.status = 'exchanged');
-- Orders whose every unit was already returned reach the new state.
UPDATE orders SET status = 'returned'
WHERE status IN ('delivered', 'completed')
  AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = orders.id AND l.quantity_returned > 0)
  AND NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = orders.id AND l.is_gift = FALSE
      AND l.quantity - l.quantity_cancelled - l.quantity_returned > 0);
COMMIT;
PRAGMA foreign_keys = ON;
