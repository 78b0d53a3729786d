-- The marketplace's listing of each SKU (issue 18), learnt from the orders imported (Coupang's
-- vendorItemId), and the stock last sent to it: a chore sends the stock again whenever the
-- shop's has changed, retrying what failed, never in the way of a sale.
CREATE TABLE channel_items (
    marketplace TEXT NOT NULL,
    item_id TEXT NOT NULL,
    sku_id INTEGER NOT NULL REFERENCES skus (id) ON DELETE CASCADE,
    pushed_stock INTEGER,
    pushed_at TEXT,
    push_error TEXT,
    PRIMARY KEY (marketplace, item_id)
);
