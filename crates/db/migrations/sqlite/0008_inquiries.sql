-- Customer inquiries: product Q&A (shown on the product's Q&A page, optionally secret) and 1:1
-- inquiries (only the member and staff see them). Kept after withdrawal: consumer complaint and
-- dispute records are kept 3 years (전자상거래법 시행령 6조); the member row itself is anonymised.

CREATE TABLE inquiries (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('product', 'personal')),
    member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    product_id INTEGER REFERENCES products (id) ON DELETE SET NULL,
    order_id INTEGER REFERENCES orders (id) ON DELETE SET NULL,
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    is_secret INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered')),
    answer TEXT,
    answered_by TEXT,
    answered_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX inquiries_member_idx ON inquiries (member_id, id);
CREATE INDEX inquiries_product_idx ON inquiries (product_id, id);
CREATE INDEX inquiries_status_idx ON inquiries (status, kind, id);
