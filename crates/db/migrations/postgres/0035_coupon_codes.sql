-- Unique coupon codes (난수 쿠폰, issue 17): made in batches for one coupon, each registered by
-- one member, who then holds the coupon.
CREATE TABLE coupon_codes (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    coupon_id BIGINT NOT NULL REFERENCES coupons (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    member_id BIGINT REFERENCES members (id) ON DELETE SET NULL,
    claimed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX coupon_codes_code_key ON coupon_codes (code);
CREATE INDEX coupon_codes_coupon_idx ON coupon_codes (coupon_id, id);
