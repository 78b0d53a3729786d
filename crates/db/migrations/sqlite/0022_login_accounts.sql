-- Each login attempt names the account it was aimed at, so the owner can clear an account's
-- failures (its own, its known devices' and the IP counts they caused) in one statement.
ALTER TABLE login_attempts ADD COLUMN account TEXT;
CREATE INDEX login_attempts_account_idx ON login_attempts (account, succeeded);
