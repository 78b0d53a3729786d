-- Where an order came from (statistics by channel): the PC shop, the mobile shop, or the API and
-- external channels.

ALTER TABLE orders ADD COLUMN channel TEXT NOT NULL DEFAULT 'pc' CHECK (channel IN ('pc', 'mobile', 'api'));
