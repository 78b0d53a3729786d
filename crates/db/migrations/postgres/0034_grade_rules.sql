-- Grades set in the back office (issue 17): the spending over the evaluation window that earns
-- each grade (the old configuration defaults) and whether it ships free.
ALTER TABLE grades ADD COLUMN min_spend BIGINT NOT NULL DEFAULT 0;
ALTER TABLE grades ADD COLUMN free_shipping BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE grades SET min_spend = 100000 WHERE code = 'silver';
UPDATE grades SET min_spend = 300000 WHERE code = 'gold';
UPDATE grades SET min_spend = 1000000 WHERE code = 'vip';
