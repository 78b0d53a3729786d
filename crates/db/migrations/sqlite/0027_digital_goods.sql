-- Digital goods (상품권): a product kind with its face value and PIN pattern, and the PIN pool.
-- A PIN is stored sealed with the shop key (AES-256-GCM) and found by a keyed hash, never in
-- clear; its stock is the SKU's stock (unsold PINs), reserved at checkout like any stock and
-- matched to one order line inside the paying transaction.
ALTER TABLE products ADD COLUMN kind TEXT NOT NULL DEFAULT 'physical' CHECK (kind IN ('physical', 'digital_pin'));
ALTER TABLE products ADD COLUMN face_value INTEGER CHECK (face_value >= 0);
ALTER TABLE products ADD COLUMN pin_format TEXT;

CREATE TABLE pins (
    id INTEGER PRIMARY KEY,
    sku_id INTEGER NOT NULL REFERENCES skus (id) ON DELETE RESTRICT,
    pin_sealed TEXT NOT NULL,
    pin_hash TEXT NOT NULL,
    -- The last four characters, for staff lists.
    pin_hint TEXT NOT NULL,
    serial TEXT,
    -- Last day of use, 'YYYY-MM-DD' (Korean calendar).
    expires_on TEXT,
    status TEXT NOT NULL CHECK (status IN ('available', 'allocated', 'revealed', 'void')),
    order_line_id INTEGER REFERENCES order_lines (id) ON DELETE RESTRICT,
    -- The upload that brought it (the audit entry names it).
    batch TEXT NOT NULL,
    created_at TEXT NOT NULL,
    allocated_at TEXT,
    revealed_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX pins_hash_key ON pins (pin_hash);
CREATE INDEX pins_pool_idx ON pins (sku_id, status, id);
CREATE INDEX pins_line_idx ON pins (order_line_id);
