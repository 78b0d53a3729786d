-- Orders imported from other sales channels (issue 18: SmartStore, Coupang, a CSV file): the shop
-- order each became, so that an order is imported once and its waybill goes back to its channel.
CREATE TABLE channel_orders (
    order_id BIGINT PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    marketplace TEXT NOT NULL CHECK (marketplace IN ('smartstore', 'coupang', 'csv')),
    external_id TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL,
    -- The stock was short when the paid order arrived: staff must find the pieces.
    stock_short BOOLEAN NOT NULL DEFAULT FALSE,
    dispatched_at TIMESTAMPTZ,
    dispatch_error TEXT
);
CREATE UNIQUE INDEX channel_orders_external_key ON channel_orders (marketplace, external_id);

-- The channel's own ids of the lines (SmartStore productOrderId, Coupang vendorItemId), which
-- dispatching names.
CREATE TABLE channel_order_lines (
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    external_line_id TEXT NOT NULL,
    sku_id BIGINT,
    quantity BIGINT NOT NULL,
    PRIMARY KEY (order_id, external_line_id)
);

-- Orders a channel sent that could not be imported (a SKU code the shop does not know), until
-- a later import succeeds.
CREATE TABLE channel_import_problems (
    marketplace TEXT NOT NULL,
    external_id TEXT NOT NULL,
    problem TEXT NOT NULL,
    seen_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (marketplace, external_id)
);
