-- Statistics: refunds as dated records (partial and full), the category a line was sold in, and
-- roll-up tables the statistics pages read instead of scanning orders. A change that moves money
-- (payment, refund) marks its KST day dirty in the same transaction; the `stats.rollup` job (and a
-- statistics page before it reads) recomputes dirty days from the orders, so a recomputation is
-- idempotent and a lost run is repaired by the next.

-- The category of the product when it was sold, so sales by category keep their history.
ALTER TABLE order_lines ADD COLUMN category_id BIGINT;
UPDATE order_lines SET category_id = (SELECT p.category_id FROM products p WHERE p.id = order_lines.product_id);

-- Money given back for an order: a full cancellation or a partial one (some units of some lines).
CREATE TABLE refunds (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    amount BIGINT NOT NULL CHECK (amount >= 0),
    -- Part of `amount` that was shipping (a full cancellation returns it).
    shipping_amount BIGINT NOT NULL DEFAULT 0,
    points_restored BIGINT NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT '',
    actor TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX refunds_order_idx ON refunds (order_id);
CREATE INDEX refunds_created_idx ON refunds (created_at);

CREATE TABLE refund_lines (
    refund_id BIGINT NOT NULL REFERENCES refunds (id) ON DELETE CASCADE,
    order_line_id BIGINT NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    amount BIGINT NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (refund_id, order_line_id)
);

-- Refunds of orders cancelled before this migration: the whole payment, on the cancellation day.
INSERT INTO refunds (order_id, amount, shipping_amount, reason, actor, created_at)
SELECT o.id, p.cancelled_amount, o.shipping_fee + o.remote_surcharge, '', 'system', o.cancelled_at
FROM orders o JOIN payments p ON p.order_id = o.id
WHERE o.status = 'cancelled' AND o.paid_at IS NOT NULL AND o.cancelled_at IS NOT NULL AND p.cancelled_amount > 0;
INSERT INTO refund_lines (refund_id, order_line_id, quantity, amount)
SELECT r.id, l.id, l.quantity, l.total FROM refunds r JOIN order_lines l ON l.order_id = r.order_id;

CREATE INDEX orders_paid_idx ON orders (paid_at);
CREATE INDEX members_created_idx ON members (created_at);
CREATE INDEX members_withdrawn_idx ON members (withdrawn_at);

-- KST days whose roll-ups must be recomputed ('YYYY-MM-DD'), with the first mark's time (a mark
-- older than a couple of minutes means no job worker is running).
CREATE TABLE stats_dirty_days (
    day TEXT PRIMARY KEY NOT NULL,
    marked_at TIMESTAMPTZ NOT NULL
);

-- Per KST day and channel: orders paid, gross, discounts, refunds (won).
CREATE TABLE stats_sales_daily (
    day TEXT NOT NULL,
    channel TEXT NOT NULL,
    orders BIGINT NOT NULL,
    gross BIGINT NOT NULL,
    discounts BIGINT NOT NULL,
    refunds BIGINT NOT NULL,
    PRIMARY KEY (day, channel)
);

-- Per KST day and SKU code (gifts left out): units and money sold and refunded.
CREATE TABLE stats_items_daily (
    day TEXT NOT NULL,
    sku_code TEXT NOT NULL,
    product_id BIGINT,
    category_id BIGINT,
    product_name TEXT NOT NULL,
    option_label TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    gross BIGINT NOT NULL,
    discounts BIGINT NOT NULL,
    refunded_quantity BIGINT NOT NULL,
    refunds BIGINT NOT NULL,
    PRIMARY KEY (day, sku_code)
);

-- The same per month ('YYYY-MM'), summed from the daily rows when a month is recomputed: long
-- periods read whole months here and only their partial edge months from the daily table.
CREATE TABLE stats_items_monthly (
    month TEXT NOT NULL,
    sku_code TEXT NOT NULL,
    product_id BIGINT,
    category_id BIGINT,
    product_name TEXT NOT NULL,
    option_label TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    gross BIGINT NOT NULL,
    discounts BIGINT NOT NULL,
    refunded_quantity BIGINT NOT NULL,
    refunds BIGINT NOT NULL,
    PRIMARY KEY (month, sku_code)
);

-- Per month ('YYYY-MM'): sign-ups, distinct paying members, withdrawals.
CREATE TABLE stats_members_monthly (
    month TEXT PRIMARY KEY NOT NULL,
    signups BIGINT NOT NULL,
    buyers BIGINT NOT NULL,
    withdrawals BIGINT NOT NULL
);

-- Everything that happened before this migration is rolled up by the first job run.
INSERT INTO stats_dirty_days (day, marked_at)
SELECT DISTINCT to_char(paid_at AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD'), TIMESTAMPTZ '1970-01-01T00:00:00+00:00' FROM orders WHERE paid_at IS NOT NULL
ON CONFLICT DO NOTHING;
INSERT INTO stats_dirty_days (day, marked_at)
SELECT DISTINCT to_char(created_at AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD'), TIMESTAMPTZ '1970-01-01T00:00:00+00:00' FROM refunds
ON CONFLICT DO NOTHING;
INSERT INTO stats_dirty_days (day, marked_at)
SELECT DISTINCT to_char(created_at AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD'), TIMESTAMPTZ '1970-01-01T00:00:00+00:00' FROM members
ON CONFLICT DO NOTHING;
