-- Birthday coupons (issue 17): an optional birth date in the member's profile (moved to the
-- dormant store with the rest of the personal data), and coupons issued on it every year.
ALTER TABLE members ADD COLUMN birth_date TEXT;
ALTER TABLE dormant_members ADD COLUMN birth_date TEXT;
ALTER TABLE coupons ADD COLUMN issue_on_birthday BOOLEAN NOT NULL DEFAULT FALSE;
-- The year a birthday coupon was last issued for; the member's uses count from that issue on.
ALTER TABLE member_coupons ADD COLUMN birthday_year INTEGER;
CREATE INDEX members_birthday_idx ON members (substr(birth_date, 6, 5)) WHERE birth_date IS NOT NULL;
