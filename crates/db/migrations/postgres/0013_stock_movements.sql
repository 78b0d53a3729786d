-- The stock ledger: every staff adjustment and spreadsheet import of a SKU's stock, with the
-- reason and who made it (orders reserve and release through their own timeline).

CREATE TABLE stock_movements (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sku_id BIGINT NOT NULL REFERENCES skus (id) ON DELETE CASCADE,
    delta BIGINT NOT NULL,
    stock_after BIGINT NOT NULL,
    reason TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    staff_email TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX stock_movements_sku_idx ON stock_movements (sku_id, id);
