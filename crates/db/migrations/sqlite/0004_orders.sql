-- Members, sessions, carts, grades, coupons, points, free gifts, orders and payments.
-- (SQLite) Types as in 0001: INTEGER for i64 and flags, TEXT timestamps bound from Rust.

-- Membership grades (회원등급): discount and point rates in basis points (100 = 1 %).
CREATE TABLE grades (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    discount_bp INTEGER NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000),
    point_bp INTEGER NOT NULL DEFAULT 0 CHECK (point_bp BETWEEN 0 AND 10000),
    position INTEGER NOT NULL DEFAULT 0,
    is_default INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX grades_code_key ON grades (code);
INSERT INTO grades (code, name, discount_bp, point_bp, position, is_default, created_at, updated_at) VALUES
    ('basic', '일반', 0, 100, 1, 1, '2026-11-23T00:00:00+00:00', '2026-11-23T00:00:00+00:00'),
    ('silver', '실버', 100, 200, 2, 0, '2026-11-23T00:00:00+00:00', '2026-11-23T00:00:00+00:00'),
    ('gold', '골드', 300, 300, 3, 0, '2026-11-23T00:00:00+00:00', '2026-11-23T00:00:00+00:00'),
    ('vip', 'VIP', 500, 500, 4, 0, '2026-11-23T00:00:00+00:00', '2026-11-23T00:00:00+00:00');

CREATE TABLE members (
    id INTEGER PRIMARY KEY,
    -- NULL once the member withdrew (the row stays for the orders that reference it).
    email TEXT,
    password_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    mobile TEXT,
    grade_id INTEGER NOT NULL REFERENCES grades (id) ON DELETE RESTRICT,
    points_balance INTEGER NOT NULL DEFAULT 0 CHECK (points_balance >= 0),
    terms_agreed_at TEXT NOT NULL,
    privacy_agreed_at TEXT NOT NULL,
    marketing_agreed_at TEXT,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
    withdrawn_at TEXT,
    last_login_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX members_email_key ON members (email);

CREATE TABLE member_addresses (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    label TEXT NOT NULL DEFAULT '',
    recipient TEXT NOT NULL,
    mobile TEXT NOT NULL,
    postcode TEXT NOT NULL,
    address1 TEXT NOT NULL,
    address2 TEXT NOT NULL DEFAULT '',
    is_default INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX member_addresses_member_idx ON member_addresses (member_id);

-- One-time password-reset tokens; only a SHA-256 of the token is stored.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX password_resets_member_idx ON password_resets (member_id);

-- Failed and successful logins, counted per account and per IP for throttling.
CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    scope TEXT NOT NULL,
    succeeded INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX login_attempts_scope_idx ON login_attempts (scope, created_at);

-- Server-side sessions (tower-sessions records as JSON), shared by every instance.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    data TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE cart_items (
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    sku_id INTEGER NOT NULL REFERENCES skus (id) ON DELETE CASCADE,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    -- The unit price when added: a change since is shown to the shopper.
    seen_unit_price INTEGER NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (member_id, sku_id)
);

-- How a product ships: with the shop's standard parcel, always free, or separately for a fee.
ALTER TABLE products ADD COLUMN shipping_policy TEXT NOT NULL DEFAULT 'standard' CHECK (shipping_policy IN ('standard', 'free', 'separate'));
ALTER TABLE products ADD COLUMN shipping_fee INTEGER NOT NULL DEFAULT 0;

CREATE TABLE coupons (
    id INTEGER PRIMARY KEY,
    -- A code shoppers type in; NULL for coupons only issued to members.
    code TEXT,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('fixed', 'percent')),
    amount INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),
    rate_bp INTEGER NOT NULL DEFAULT 0 CHECK (rate_bp BETWEEN 0 AND 10000),
    max_discount INTEGER,
    min_order INTEGER NOT NULL DEFAULT 0,
    scope TEXT NOT NULL DEFAULT 'all' CHECK (scope IN ('all', 'products', 'categories')),
    -- Comma-separated product or category ids for the scope.
    scope_ids TEXT NOT NULL DEFAULT '',
    valid_from TEXT NOT NULL,
    valid_until TEXT NOT NULL,
    per_member_limit INTEGER NOT NULL DEFAULT 1 CHECK (per_member_limit > 0),
    -- Issued to every new member at sign-up.
    issue_on_signup INTEGER NOT NULL DEFAULT 0,
    is_active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX coupons_code_key ON coupons (code);

CREATE TABLE member_coupons (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    coupon_id INTEGER NOT NULL REFERENCES coupons (id) ON DELETE CASCADE,
    issued_at TEXT NOT NULL
);
CREATE UNIQUE INDEX member_coupons_key ON member_coupons (member_id, coupon_id);

-- Append-only points ledger (적립금); members.points_balance is its running sum.
CREATE TABLE point_entries (
    id INTEGER PRIMARY KEY,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    amount INTEGER NOT NULL,
    balance_after INTEGER NOT NULL CHECK (balance_after >= 0),
    reason TEXT NOT NULL,
    order_id INTEGER,
    dedupe_key TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX point_entries_member_idx ON point_entries (member_id, id);
CREATE UNIQUE INDEX point_entries_dedupe_key ON point_entries (dedupe_key);

CREATE TABLE gift_rules (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    gift_sku_id INTEGER NOT NULL REFERENCES skus (id) ON DELETE CASCADE,
    min_spend INTEGER,
    buy_product_id INTEGER REFERENCES products (id) ON DELETE CASCADE,
    is_active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    number TEXT NOT NULL,
    member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    guest_password_hash TEXT,
    -- One order per checkout form: a double submit finds the first order.
    checkout_token TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending_payment', 'awaiting_deposit', 'paid', 'preparing', 'shipped', 'delivered', 'completed', 'cancelled')),
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
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX orders_number_key ON orders (number);
CREATE UNIQUE INDEX orders_checkout_token_key ON orders (checkout_token);
CREATE INDEX orders_member_idx ON orders (member_id, placed_at);
CREATE INDEX orders_status_idx ON orders (status, placed_at);

-- What was bought, as it was when bought (names, options and prices are copied).
CREATE TABLE order_lines (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    sku_id INTEGER REFERENCES skus (id) ON DELETE SET NULL,
    product_id INTEGER REFERENCES products (id) ON DELETE SET NULL,
    product_name TEXT NOT NULL,
    product_slug TEXT NOT NULL DEFAULT '',
    option_label TEXT NOT NULL DEFAULT '',
    sku_code TEXT NOT NULL,
    unit_price INTEGER NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    subtotal INTEGER NOT NULL,
    grade_discount INTEGER NOT NULL DEFAULT 0,
    coupon_discount INTEGER NOT NULL DEFAULT 0,
    points INTEGER NOT NULL DEFAULT 0,
    total INTEGER NOT NULL,
    is_gift INTEGER NOT NULL DEFAULT 0,
    gift_rule_id INTEGER,
    quantity_cancelled INTEGER NOT NULL DEFAULT 0,
    quantity_returned INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX order_lines_order_idx ON order_lines (order_id);

-- The order's timeline: every state change with who made it.
CREATE TABLE order_events (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX order_events_order_idx ON order_events (order_id, id);

CREATE TABLE coupon_redemptions (
    id INTEGER PRIMARY KEY,
    coupon_id INTEGER NOT NULL REFERENCES coupons (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    amount INTEGER NOT NULL,
    -- Set when the order is cancelled: the use counts no longer.
    released_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX coupon_redemptions_member_idx ON coupon_redemptions (coupon_id, member_id);
CREATE UNIQUE INDEX coupon_redemptions_order_key ON coupon_redemptions (order_id);

-- Payment attempts of an order.
CREATE TABLE payments (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    method TEXT NOT NULL,
    -- Our id sent to the gateway (Toss orderId); unique per attempt.
    attempt_id TEXT NOT NULL,
    -- The gateway's id (Toss paymentKey, KakaoPay tid, PortOne paymentId).
    payment_key TEXT,
    status TEXT NOT NULL CHECK (status IN ('ready', 'done', 'waiting_for_deposit', 'expired', 'partially_cancelled', 'cancelled', 'failed')),
    amount INTEGER NOT NULL,
    approved_amount INTEGER NOT NULL DEFAULT 0,
    cancelled_amount INTEGER NOT NULL DEFAULT 0,
    card_company TEXT,
    va_bank TEXT,
    va_account TEXT,
    va_holder TEXT,
    va_deadline TEXT,
    -- Shared secret the gateway repeats in its deposit notice (Toss `secret`).
    webhook_secret TEXT,
    failure_code TEXT,
    failure_message TEXT,
    approved_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX payments_attempt_key ON payments (attempt_id);
CREATE UNIQUE INDEX payments_provider_key ON payments (provider, payment_key);
CREATE INDEX payments_order_idx ON payments (order_id);

-- Every gateway message (API reply or webhook), stored raw with its idempotency key before it
-- changes anything; a replay finds its key taken and changes nothing.
CREATE TABLE payment_events (
    id INTEGER PRIMARY KEY,
    provider TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    payment_id INTEGER REFERENCES payments (id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    raw TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX payment_events_key ON payment_events (provider, idempotency_key);
