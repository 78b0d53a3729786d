-- 구매안전서비스 (escrow): whether the buyer chose it for a cash payment, and when the shipment was
-- registered with the gateway and the escrow completed (the money released to the shop).
ALTER TABLE payments ADD COLUMN escrow BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE payments ADD COLUMN escrow_shipped_at TIMESTAMPTZ;
ALTER TABLE payments ADD COLUMN escrow_completed_at TIMESTAMPTZ;
