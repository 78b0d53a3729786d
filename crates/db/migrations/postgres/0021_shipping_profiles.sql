-- The owner's shipping rules, edited in the back office (묶음배송): each product belongs to one
-- shipping profile (none: the default one), the lines of one profile ship as one parcel with
-- one fee. Remote-area (제주/도서산간) surcharges by postcode range, per parcel. The first start
-- seeds both from the configuration (shop.shipping_fee, shop.free_shipping_threshold,
-- checkout.remote_areas) and maps the old per-product shipping policy onto profiles; the old
-- columns stay for instances of the previous version during a rolling deploy.
CREATE TABLE shipping_profiles (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('free', 'fixed', 'free_over', 'per_quantity')),
    fee BIGINT NOT NULL DEFAULT 0 CHECK (fee >= 0),
    free_over BIGINT CHECK (free_over > 0),
    per_units BIGINT CHECK (per_units > 0),
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX shipping_profiles_default_idx ON shipping_profiles (is_default);
ALTER TABLE products ADD COLUMN shipping_profile_id BIGINT REFERENCES shipping_profiles (id) ON DELETE SET NULL;
CREATE INDEX products_shipping_profile_idx ON products (shipping_profile_id);

CREATE TABLE remote_areas (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    postcode_from BIGINT NOT NULL,
    postcode_to BIGINT NOT NULL,
    surcharge BIGINT NOT NULL CHECK (surcharge >= 0),
    label TEXT NOT NULL DEFAULT '',
    CHECK (postcode_from <= postcode_to)
);
CREATE INDEX remote_areas_range_idx ON remote_areas (postcode_from, postcode_to);
