-- Sale price periods. `sale_price` stays the sale price in force now (what every listing, cart
-- and checkout reads); `planned_sale_price` with `sale_starts_at`/`sale_ends_at` is what staff set
-- up. The `sale-periods` schedule (every minute) and every save bring `sale_price` and
-- `effective_price` in line with the plan. An empty bound is open-ended.
ALTER TABLE products ADD COLUMN planned_sale_price BIGINT CHECK (planned_sale_price >= 0);
ALTER TABLE products ADD COLUMN sale_starts_at TIMESTAMPTZ;
ALTER TABLE products ADD COLUMN sale_ends_at TIMESTAMPTZ;
UPDATE products SET planned_sale_price = sale_price;
CREATE INDEX products_sale_plan_idx ON products (planned_sale_price) WHERE planned_sale_price IS NOT NULL;
