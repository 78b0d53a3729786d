-- Claims after delivery (반품/교환): the buyer's request with the window computed when it was
-- filed, its lines and evidence; staff move it through core::claims::ClaimStatus. A refund made
-- for a claim points back at it. Windows and who pays the return: core::claims.
CREATE TABLE claims (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('change_of_mind', 'not_as_described', 'defect')),
    resolution TEXT NOT NULL CHECK (resolution IN ('return', 'exchange')),
    status TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'collected', 'refunded', 'exchanged', 'rejected')),
    -- The buyer's words.
    reason TEXT NOT NULL,
    -- When the buyer found (or could have found) the problem; none for a change of mind.
    discovered_at TIMESTAMPTZ,
    -- The filing window's end as computed when filed (shown to the buyer).
    deadline_at TIMESTAMPTZ NOT NULL,
    buyer_pays_return BOOLEAN NOT NULL,
    -- Set when staff accepted a claim outside its window: why (recorded, never empty then).
    override_reason TEXT,
    reject_reason TEXT,
    refund_id BIGINT REFERENCES refunds (id) ON DELETE SET NULL,
    filed_by TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX claims_order_idx ON claims (order_id);
CREATE INDEX claims_status_idx ON claims (status, created_at);

CREATE TABLE claim_lines (
    claim_id BIGINT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    order_line_id BIGINT NOT NULL REFERENCES order_lines (id) ON DELETE CASCADE,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (claim_id, order_line_id)
);
CREATE INDEX claim_lines_line_idx ON claim_lines (order_line_id);

-- Photos of the problem (a defect claim records its evidence).
CREATE TABLE claim_evidence (
    claim_id BIGINT NOT NULL REFERENCES claims (id) ON DELETE CASCADE,
    media_id BIGINT NOT NULL REFERENCES media_files (id) ON DELETE RESTRICT,
    PRIMARY KEY (claim_id, media_id)
);
