-- An exchange's replacement tracked like any parcel (issue 18): when the carrier delivered it.
ALTER TABLE claims ADD COLUMN reship_delivered_at TIMESTAMPTZ;
