-- Catalog, media, content and staff accounts (PostgreSQL).
-- Types follow shared/design/STACK.md §2.4: BIGINT for every i64 (sqlx refuses INT4 → i64),
-- TIMESTAMPTZ for instants, BOOLEAN for flags.

CREATE TABLE app_settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE categories (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    parent_id BIGINT REFERENCES categories (id) ON DELETE RESTRICT,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    position BIGINT NOT NULL DEFAULT 0,
    is_visible BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX categories_slug_key ON categories (slug);
CREATE INDEX categories_parent_idx ON categories (parent_id, position);

CREATE TABLE media_files (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    content_hash TEXT NOT NULL,
    storage_key TEXT NOT NULL,
    mime TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    byte_size BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX media_files_hash_key ON media_files (content_hash);

CREATE TABLE products (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    category_id BIGINT NOT NULL REFERENCES categories (id) ON DELETE RESTRICT,
    slug TEXT NOT NULL,
    name TEXT NOT NULL,
    brand TEXT,
    summary TEXT NOT NULL DEFAULT '',
    description_html TEXT NOT NULL DEFAULT '',
    price BIGINT NOT NULL CHECK (price >= 0),
    sale_price BIGINT CHECK (sale_price >= 0),
    effective_price BIGINT NOT NULL CHECK (effective_price >= 0),
    display_state TEXT NOT NULL CHECK (display_state IN ('on_sale', 'sold_out', 'hidden')),
    is_featured BOOLEAN NOT NULL DEFAULT FALSE,
    popularity BIGINT NOT NULL DEFAULT 0,
    search_name TEXT NOT NULL,
    search_text TEXT NOT NULL,
    search_initials TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX products_slug_key ON products (slug);
CREATE INDEX products_category_idx ON products (category_id, display_state);
CREATE INDEX products_created_idx ON products (created_at);
CREATE INDEX products_featured_idx ON products (is_featured, display_state);

CREATE TABLE product_images (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    media_id BIGINT NOT NULL REFERENCES media_files (id) ON DELETE RESTRICT,
    position BIGINT NOT NULL DEFAULT 0,
    alt TEXT NOT NULL DEFAULT ''
);
CREATE INDEX product_images_product_idx ON product_images (product_id, position);

CREATE TABLE option_groups (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    position BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX option_groups_product_idx ON option_groups (product_id, position);

CREATE TABLE option_values (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES option_groups (id) ON DELETE CASCADE,
    value TEXT NOT NULL,
    position BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX option_values_group_idx ON option_values (group_id, position);

CREATE TABLE skus (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    -- Added to the product's list and sale price (옵션 추가금액); may be negative.
    extra_price BIGINT NOT NULL DEFAULT 0,
    stock BIGINT NOT NULL DEFAULT 0 CHECK (stock >= 0),
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    position BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX skus_code_key ON skus (code);
CREATE INDEX skus_product_idx ON skus (product_id, position);

CREATE TABLE sku_option_values (
    sku_id BIGINT NOT NULL REFERENCES skus (id) ON DELETE CASCADE,
    option_value_id BIGINT NOT NULL REFERENCES option_values (id) ON DELETE CASCADE,
    PRIMARY KEY (sku_id, option_value_id)
);
CREATE INDEX sku_option_values_value_idx ON sku_option_values (option_value_id);

CREATE TABLE banners (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    title TEXT NOT NULL,
    subtitle TEXT NOT NULL DEFAULT '',
    link_url TEXT NOT NULL DEFAULT '',
    media_id BIGINT REFERENCES media_files (id) ON DELETE SET NULL,
    position BIGINT NOT NULL DEFAULT 0,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    starts_at TIMESTAMPTZ,
    ends_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX banners_position_idx ON banners (is_active, position);

CREATE TABLE pages (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    body_html TEXT NOT NULL DEFAULT '',
    is_published BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX pages_slug_key ON pages (slug);

CREATE TABLE staff_users (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('owner', 'manager', 'cs', 'warehouse', 'marketing')),
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX staff_users_email_key ON staff_users (email);
