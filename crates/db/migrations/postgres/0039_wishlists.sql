-- Wishlists (찜, issue 17): the products a member keeps for later.
CREATE TABLE wishlist_items (
    member_id BIGINT NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (member_id, product_id)
);
CREATE INDEX wishlist_items_member_idx ON wishlist_items (member_id, created_at);
