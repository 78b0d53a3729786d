-- A coupon issued automatically to a member when their first order is paid (issue 17).
ALTER TABLE coupons ADD COLUMN issue_after_first_purchase INTEGER NOT NULL DEFAULT 0;
