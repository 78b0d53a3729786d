-- Staff memos on orders: notes only staff see (a customer's call, a packing remark), kept as a
-- history with who wrote each one and when.

CREATE TABLE order_memos (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    staff_email TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX order_memos_order_idx ON order_memos (order_id, id);
