-- Members, sessions, carts, grades, coupons, points, free gifts, orders and payments.
-- (PostgreSQL) Types as in 0001: BIGINT for i64, BOOLEAN flags, TIMESTAMPTZ instants.

-- Membership grades (회원등급): discount and point rates in basis points (100 = 1 %).
CREATE TABLE grades (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    discount_bp BIGINT NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000),
    point_bp BIGINT NOT NULL DEFAULT 0 CHECK (point_bp BETWEEN 0 AND 10000),
    position BIGINT NOT NULL DEFAULT 0,
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX grades_code_key ON grades (code);
INSERT INTO grades (code, name, discount_bp, point_bp, position, is_default, created_at, updated_at) VALUES
    ('basic', '일반', 0, 100, 1, TRUE, '2026-11-23T00:00:00+00:00', '2026-11-23T00:00:00+00:00'),
    ('silver', '실버', 100, 200, 2, FALSE, '2026-11-23T00:00:00+00:00', '2026-11-23T00:00:00+00:00'),
    ('gold', '골드', 300, 300, 3, FALSE, '2026-11-23T00:00:00+00:00', '2026-11-23T00:00:00+00:00'),
    ('vip', 'VIP', 500, 500, 4, FALSE, '2026-11-23T00:00:00+00:00', '2026-11-23T00:00:00+00:00');

CREATE TABLE members (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- NULL once the member withdrew (the row stays for the orders that reference it).
    email TEXT,
    password_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    mobile TEXT,
    grade_id BIGINT NOT NULL REFERENCES grades (id) ON DELETE RESTRICT,
    points_balance BIGINT NOT NULL DEFAULT 0 CHECK (points_balance >= 0),
    terms_agreed_at TIMESTAMPTZ NOT NULL,
    privacy_agreed_at TIMESTAMPTZ NOT NULL,
    marketing_agreed_at TIMESTAMPTZ,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
    withdrawn_at TIMESTAMPTZ,
    last_login_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX members_email_key ON members (email);

CREATE TABLE member_addresses (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    label TEXT NOT NULL DEFAULT '',
    recipient TEXT NOT NULL,
    mobile TEXT NOT NULL,
    postcode TEXT NOT NULL,
    address1 TEXT NOT NULL,
    address2 TEXT NOT NULL DEFAULT '',
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX member_addresses_member_idx ON member_addresses (member_id);

-- One-time password-reset tokens; only a SHA-256 of the token is stored.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY NOT NULL,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX password_resets_member_idx ON password_resets (member_id);

-- Failed and successful logins, counted per account and per IP for throttling.
CREATE TABLE login_attempts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scope TEXT NOT NULL,
    succeeded BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_attempts_scope_idx ON login_attempts (scope, created_at);

-- Server-side sessions (tower-sessions records as JSON), shared by every instance.
CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    data TEXT NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE cart_items (
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    sku_id BIGINT NOT NULL REFERENCES skus (id) ON DELETE CASCADE,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    -- The unit price when added: a change since is shown to the shopper.
    seen_unit_price BIGINT NOT NULL,
    added_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (member_id, sku_id)
);

-- How a product ships: with the shop's standard parcel, always free, or separately for a fee.
ALTER TABLE products ADD COLUMN shipping_policy TEXT NOT NULL DEFAULT 'standard' CHECK (shipping_policy IN ('standard', 'free', 'separate'));
ALTER TABLE products ADD COLUMN shipping_fee BIGINT NOT NULL DEFAULT 0;

CREATE TABLE coupons (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- A code shoppers type in; NULL for coupons only issued to members.
    code TEXT,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('fixed', 'percent')),
    amount BIGINT NOT NULL DEFAULT 0 CHECK (amount >= 0),
    rate_bp BIGINT NOT NULL DEFAULT 0 CHECK (rate_bp BETWEEN 0 AND 10000),
    max_discount BIGINT,
    min_order BIGINT NOT NULL DEFAULT 0,
    scope TEXT NOT NULL DEFAULT 'all' CHECK (scope IN ('all', 'products', 'categories')),
    -- Comma-separated product or category ids for the scope.
    scope_ids TEXT NOT NULL DEFAULT '',
    valid_from TIMESTAMPTZ NOT NULL,
    valid_until TIMESTAMPTZ NOT NULL,
    per_member_limit BIGINT NOT NULL DEFAULT 1 CHECK (per_member_limit > 0),
    -- Issued to every new member at sign-up.
    issue_on_signup BOOLEAN NOT NULL DEFAULT FALSE,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX coupons_code_key ON coupons (code);

CREATE TABLE member_coupons (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    coupon_id BIGINT NOT NULL REFERENCES coupons (id) ON DELETE CASCADE,
    issued_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX member_coupons_key ON member_coupons (member_id, coupon_id);

-- Append-only points ledger (적립금); members.points_balance is its running sum.
CREATE TABLE point_entries (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    amount BIGINT NOT NULL,
    balance_after BIGINT NOT NULL CHECK (balance_after >= 0),
    reason TEXT NOT NULL,
    order_id BIGINT,
    dedupe_key TEXT,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX point_entries_member_idx ON point_entries (member_id, id);
CREATE UNIQUE INDEX point_entries_dedupe_key ON point_entries (dedupe_key);

CREATE TABLE gift_rules (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    gift_sku_id BIGINT NOT NULL REFERENCES skus (id) ON DELETE CASCADE,
    min_spend BIGINT,
    buy_product_id BIGINT REFERENCES products (id) ON DELETE CASCADE,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE orders (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    number TEXT NOT NULL,
    member_id BIGINT REFERENCES members (id) ON DELETE SET NULL,
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
    items_subtotal BIGINT NOT NULL,
    grade_discount BIGINT NOT NULL DEFAULT 0,
    coupon_discount BIGINT NOT NULL DEFAULT 0,
    shipping_fee BIGINT NOT NULL DEFAULT 0,
    remote_surcharge BIGINT NOT NULL DEFAULT 0,
    points_used BIGINT NOT NULL DEFAULT 0,
    total BIGINT NOT NULL CHECK (total >= 0),
    points_to_earn BIGINT NOT NULL DEFAULT 0,
    coupon_id BIGINT REFERENCES coupons (id) ON DELETE SET NULL,
    grade_code TEXT,
    carrier TEXT,
    waybill TEXT,
    deposit_deadline TIMESTAMPTZ,
    placed_at TIMESTAMPTZ NOT NULL,
    paid_at TIMESTAMPTZ,
    cancelled_at TIMESTAMPTZ,
    shipped_at TIMESTAMPTZ,
    delivered_at TIMESTAMPTZ,
    completed_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX orders_number_key ON orders (number);
CREATE UNIQUE INDEX orders_checkout_token_key ON orders (checkout_token);
CREATE INDEX orders_member_idx ON orders (member_id, placed_at);
CREATE INDEX orders_status_idx ON orders (status, placed_at);

-- What was bought, as it was when bought (names, options and prices are copied).
CREATE TABLE order_lines (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    sku_id BIGINT REFERENCES skus (id) ON DELETE SET NULL,
    product_id BIGINT REFERENCES products (id) ON DELETE SET NULL,
    product_name TEXT NOT NULL,
    product_slug TEXT NOT NULL DEFAULT '',
    option_label TEXT NOT NULL DEFAULT '',
    sku_code TEXT NOT NULL,
    unit_price BIGINT NOT NULL,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    subtotal BIGINT NOT NULL,
    grade_discount BIGINT NOT NULL DEFAULT 0,
    coupon_discount BIGINT NOT NULL DEFAULT 0,
    points BIGINT NOT NULL DEFAULT 0,
    total BIGINT NOT NULL,
    is_gift BOOLEAN NOT NULL DEFAULT FALSE,
    gift_rule_id BIGINT,
    quantity_cancelled BIGINT NOT NULL DEFAULT 0,
    quantity_returned BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX order_lines_order_idx ON order_lines (order_id);

-- The order's timeline: every state change with who made it.
CREATE TABLE order_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    event TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT NOT NULL,
    actor TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX order_events_order_idx ON order_events (order_id, id);

CREATE TABLE coupon_redemptions (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    coupon_id BIGINT NOT NULL REFERENCES coupons (id) ON DELETE CASCADE,
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    amount BIGINT NOT NULL,
    -- Set when the order is cancelled: the use counts no longer.
    released_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX coupon_redemptions_member_idx ON coupon_redemptions (coupon_id, member_id);
CREATE UNIQUE INDEX coupon_redemptions_order_key ON coupon_redemptions (order_id);

-- Payment attempts of an order.
CREATE TABLE payments (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    method TEXT NOT NULL,
    -- Our id sent to the gateway (Toss orderId); unique per attempt.
    attempt_id TEXT NOT NULL,
    -- The gateway's id (Toss paymentKey, KakaoPay tid, PortOne paymentId).
    payment_key TEXT,
    status TEXT NOT NULL CHECK (status IN ('ready', 'done', 'waiting_for_deposit', 'expired', 'partially_cancelled', 'cancelled', 'failed')),
    amount BIGINT NOT NULL,
    approved_amount BIGINT NOT NULL DEFAULT 0,
    cancelled_amount BIGINT NOT NULL DEFAULT 0,
    card_company TEXT,
    va_bank TEXT,
    va_account TEXT,
    va_holder TEXT,
    va_deadline TIMESTAMPTZ,
    -- Shared secret the gateway repeats in its deposit notice (Toss `secret`).
    webhook_secret TEXT,
    failure_code TEXT,
    failure_message TEXT,
    approved_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX payments_attempt_key ON payments (attempt_id);
CREATE UNIQUE INDEX payments_provider_key ON payments (provider, payment_key);
CREATE INDEX payments_order_idx ON payments (order_id);

-- Every gateway message (API reply or webhook), stored raw with its idempotency key before it
-- changes anything; a replay finds its key taken and changes nothing.
CREATE TABLE payment_events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    payment_id BIGINT REFERENCES payments (id) ON DELETE SET NULL,
    kind TEXT NOT NULL,
    raw TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX payment_events_key ON payment_events (provider, idempotency_key);
