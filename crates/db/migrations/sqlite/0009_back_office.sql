-- Back office: TOTP 2FA for staff (secret AES-GCM-encrypted with the shop's secret key), one-time
-- recovery codes (SHA-256 only), and the append-only audit log (개인정보의 안전성 확보조치 기준:
-- access records kept ≥ 1 year / 2 years past 50,000 members, permission changes 5 years; no UI or
-- API edits or deletes an entry and the database refuses it too).

ALTER TABLE staff_users ADD COLUMN totp_secret TEXT;
ALTER TABLE staff_users ADD COLUMN totp_enabled_at TEXT;
-- The last 30-second step a code was accepted for: a code works once (RFC 6238 §5.2).
ALTER TABLE staff_users ADD COLUMN totp_last_step INTEGER;
ALTER TABLE staff_users ADD COLUMN last_login_at TEXT;
ALTER TABLE staff_users ADD COLUMN last_login_ip TEXT;

CREATE TABLE staff_recovery_codes (
    id INTEGER PRIMARY KEY,
    staff_id INTEGER NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX staff_recovery_codes_staff_idx ON staff_recovery_codes (staff_id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    staff_id INTEGER,
    staff_email TEXT NOT NULL,
    ip TEXT NOT NULL,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    before_data TEXT,
    after_data TEXT,
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id);
CREATE INDEX audit_log_staff_idx ON audit_log (staff_id, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
