-- An exchange's replacement ships with its own carrier and waybill (issue 18), which the buyer
-- is told and can track; an order's own shipment is left as it was.
ALTER TABLE claims ADD COLUMN reship_carrier TEXT;
ALTER TABLE claims ADD COLUMN reship_waybill TEXT;
