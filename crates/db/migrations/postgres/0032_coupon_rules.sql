-- Coupons the owner makes in the back office (issue 17): products a coupon never applies to
-- whatever its scope, and whether it adds to the member's grade discount or replaces it.
ALTER TABLE coupons ADD COLUMN excluded_product_ids TEXT NOT NULL DEFAULT '';
ALTER TABLE coupons ADD COLUMN combines_with_grade BOOLEAN NOT NULL DEFAULT TRUE;
