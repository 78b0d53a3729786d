-- A withdrawal of a gift-card order in progress: from the moment its refund is asked of the
-- gateway until the order moves, the buyer cannot open its PINs (a reveal in between would leave
-- a refunded buyer holding seen codes), and no second withdrawal starts. A hold a crash left
-- behind lapses at held_until.
CREATE TABLE pin_holds (
    order_id BIGINT PRIMARY KEY REFERENCES orders (id) ON DELETE CASCADE,
    held_until TIMESTAMPTZ NOT NULL
);
