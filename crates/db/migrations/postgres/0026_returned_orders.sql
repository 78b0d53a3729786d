-- A fully returned order ends in its own state (반품완료).
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check CHECK (status IN ('pending_payment', 'awaiting_deposit', 'paid', 'preparing', 'shipped', 'delivered', 'completed', 'cancelled', 'returned'));
-- Exchanged units stay with the buyer (a replacement was sent); earlier releases counted them
-- as returned, which hid them from later claims.
UPDATE order_lines SET quantity_returned = quantity_returned - (
    SELECT COALESCE(SUM(cl.quantity), 0) FROM claim_lines cl JOIN claims c ON c.id = cl.claim_id
    WHERE cl.order_line_id = order_lines.id AND c.status = 'exchanged')
WHERE id IN (SELECT cl.order_line_id FROM claim_lines cl JOIN claims c ON c.id = cl.claim_id
    WHERE c.status = 'exchanged');
-- Orders whose every unit was already returned reach the new state.
UPDATE orders SET status = 'returned'
WHERE status IN ('delivered', 'completed')
  AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = orders.id AND l.quantity_returned > 0)
  AND NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = orders.id AND l.is_gift = FALSE
      AND l.quantity - l.quantity_cancelled - l.quantity_returned > 0);
-- Whether a settled claim's units went back on sale (the claim page shows it).
ALTER TABLE claims ADD COLUMN restocked BOOLEAN;
