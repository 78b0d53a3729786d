-- What the owner missed in the product editor, and the law's product facts:
-- 상품정보제공고시 (a category code from core::product_notice and its facts as a JSON object),
-- tax-free goods (면세: their share of an order is reported to the gateway and on receipts),
-- a maximum quantity per order. Order lines remember whether they were tax-free.
ALTER TABLE products ADD COLUMN notice_category TEXT;
ALTER TABLE products ADD COLUMN notice_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE products ADD COLUMN is_tax_free BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE products ADD COLUMN max_per_order BIGINT CHECK (max_per_order > 0);
ALTER TABLE order_lines ADD COLUMN is_tax_free BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE orders ADD COLUMN tax_free_amount BIGINT NOT NULL DEFAULT 0 CHECK (tax_free_amount >= 0);
