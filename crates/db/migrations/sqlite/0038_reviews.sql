-- Product reviews (상품 후기, issue 17): one per order line, by its member after delivery. A
-- rewarded review's points wait until reward_due_at (held), then are granted; a line returned
-- first voids them, one returned later takes them back. Staff hide a review with a reason and
-- reply. products.review_count/review_star_sum cover the visible reviews (cards, product page).
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    order_line_id INTEGER NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
    member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    author TEXT NOT NULL,
    option_label TEXT NOT NULL DEFAULT '',
    stars INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    body TEXT NOT NULL,
    photo_count INTEGER NOT NULL DEFAULT 0,
    reward INTEGER NOT NULL DEFAULT 0,
    reward_state TEXT NOT NULL DEFAULT 'none'
        CHECK (reward_state IN ('none', 'held', 'granted', 'void', 'taken_back')),
    reward_due_at TEXT,
    hidden_at TEXT,
    hidden_reason TEXT,
    reply TEXT,
    replied_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX reviews_line_key ON reviews (order_line_id);
CREATE INDEX reviews_product_idx ON reviews (product_id, id);
CREATE INDEX reviews_member_idx ON reviews (member_id);
CREATE INDEX reviews_reward_due_idx ON reviews (reward_due_at) WHERE reward_state = 'held';

CREATE TABLE review_photos (
    id INTEGER PRIMARY KEY,
    review_id INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    media_id INTEGER NOT NULL REFERENCES media_files (id),
    position INTEGER NOT NULL
);
CREATE INDEX review_photos_review_idx ON review_photos (review_id, position);

ALTER TABLE products ADD COLUMN review_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE products ADD COLUMN review_star_sum INTEGER NOT NULL DEFAULT 0;
