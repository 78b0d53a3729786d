//! Staff (back-office) accounts, separate from shop members.

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};
use jangteo_core::ids::StaffId;

/// A stored staff account.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StaffRow {
    /// Primary key.
    pub id: i64,
    /// Login e-mail.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Role (owner, manager, cs, warehouse, marketing).
    pub role: String,
    /// Whether the account may log in.
    pub is_active: bool,
    /// The TOTP seed, AES-GCM-encrypted (set at enrolment, before it is confirmed).
    pub totp_secret: Option<String>,
    /// When enrolment was confirmed with a first code (none: not enrolled yet).
    pub totp_enabled_at: Option<DateTime<Utc>>,
    /// Last successful login.
    pub last_login_at: Option<DateTime<Utc>>,
    /// Address of the last successful login.
    pub last_login_ip: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

const STAFF_COLUMNS: &str = "id, email, name, password_hash, role, is_active, totp_secret, \
     totp_enabled_at, last_login_at, last_login_ip, created_at";

/// Creates a staff account, or resets the name, role and password of the one with that e-mail.
pub async fn upsert(
    tx: &mut Tx,
    email: &str,
    name: &str,
    password_hash: &str,
    role: &str,
    now: DateTime<Utc>,
) -> DbResult<StaffId> {
    tx_scalar!(
        tx,
        i64,
        "INSERT INTO staff_users (email, name, password_hash, role, is_active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, TRUE, $5, $5)
         ON CONFLICT (email) DO UPDATE SET name = excluded.name, password_hash = excluded.password_hash,
             role = excluded.role, is_active = TRUE, updated_at = excluded.updated_at
         RETURNING id",
        email,
        name,
        password_hash,
        role,
        now
    )
    .context("upserting staff account")
    .map(StaffId)
}

/// A staff account by e-mail.
pub async fn find_by_email(db: &Db, email: &str) -> DbResult<Option<StaffRow>> {
    read_optional!(
        db,
        StaffRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {STAFF_COLUMNS} FROM staff_users WHERE email = $1"
        )),
        email
    )
    .context("loading staff account")
}

/// A staff account by id.
pub async fn find(db: &Db, id: i64) -> DbResult<Option<StaffRow>> {
    read_optional!(
        db,
        StaffRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {STAFF_COLUMNS} FROM staff_users WHERE id = $1"
        )),
        id
    )
    .context("loading staff account")
}

/// Every staff account, by e-mail.
pub async fn list(db: &Db) -> DbResult<Vec<StaffRow>> {
    read_all!(
        db,
        StaffRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {STAFF_COLUMNS} FROM staff_users ORDER BY email"
        ))
    )
    .context("listing staff accounts")
}

/// Stores a new (unconfirmed) encrypted TOTP seed; clears any confirmed enrolment.
pub async fn set_totp_secret(
    tx: &mut Tx,
    id: i64,
    encrypted: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE staff_users SET totp_secret = $2, totp_enabled_at = NULL, updated_at = $3 WHERE id = $1",
        id,
        encrypted,
        now
    )
    .context("storing TOTP secret")
    .map(|_| ())
}

/// Marks enrolment confirmed and replaces the recovery codes (SHA-256 hex of each).
pub async fn enable_totp(
    tx: &mut Tx,
    id: i64,
    recovery_code_hashes: &[String],
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE staff_users SET totp_enabled_at = $2, updated_at = $2 WHERE id = $1",
        id,
        now
    )
    .context("enabling TOTP")?;
    tx_execute!(
        tx,
        "DELETE FROM staff_recovery_codes WHERE staff_id = $1",
        id
    )
    .context("dropping old recovery codes")?;
    for hash in recovery_code_hashes {
        tx_execute!(
            tx,
            "INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES ($1, $2)",
            id,
            hash
        )
        .context("storing recovery code")?;
    }
    Ok(())
}

/// Spends an unused recovery code; returns whether one matched.
pub async fn use_recovery_code(
    tx: &mut Tx,
    id: i64,
    code_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE staff_recovery_codes SET used_at = $3
         WHERE staff_id = $1 AND code_hash = $2 AND used_at IS NULL",
        id,
        code_hash,
        now
    )
    .context("using recovery code")
    .map(|n| n == 1)
}

/// Unused recovery codes left.
pub async fn recovery_codes_left(db: &Db, id: i64) -> DbResult<i64> {
    read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM staff_recovery_codes WHERE staff_id = $1 AND used_at IS NULL",
        id
    )
    .context("counting recovery codes")
}

/// Accepts a TOTP step once: true when `step` is newer than the last accepted one.
pub async fn accept_totp_step(tx: &mut Tx, id: i64, step: i64) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE staff_users SET totp_last_step = $2
         WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
        id,
        step
    )
    .context("accepting TOTP step")
    .map(|n| n == 1)
}

/// Records a successful login.
pub async fn touch_login(tx: &mut Tx, id: i64, ip: &str, now: DateTime<Utc>) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE staff_users SET last_login_at = $2, last_login_ip = $3 WHERE id = $1",
        id,
        now,
        ip
    )
    .context("recording staff login")
    .map(|_| ())
}

/// Changes a staff member's role and whether the account may log in.
pub async fn set_role(
    tx: &mut Tx,
    id: i64,
    role: &str,
    is_active: bool,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE staff_users SET role = $2, is_active = $3, updated_at = $4 WHERE id = $1",
        id,
        role,
        is_active,
        now
    )
    .context("changing staff role")
    .map(|_| ())
}

/// Number of staff accounts.
pub async fn count(db: &Db) -> DbResult<i64> {
    read_scalar!(db, i64, "SELECT COUNT(*) FROM staff_users").context("counting staff accounts")
}

/// Active owner accounts, read inside the changing transaction (the last one must stay).
pub async fn active_owner_count(tx: &mut Tx) -> DbResult<i64> {
    tx_scalar!(
        tx,
        i64,
        "SELECT COUNT(*) FROM staff_users WHERE role = 'owner' AND is_active = TRUE"
    )
    .context("counting owners")
}

/// The active staff account linked to a Slack user.
pub async fn find_by_slack_user(db: &Db, slack_user_id: &str) -> DbResult<Option<StaffRow>> {
    read_optional!(
        db,
        StaffRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {STAFF_COLUMNS} FROM staff_users WHERE slack_user_id = $1 AND is_active = TRUE"
        )),
        slack_user_id
    )
    .context("loading staff account by Slack user")
}

/// Every staff account's Slack user, by staff id.
pub async fn slack_users(db: &Db) -> DbResult<Vec<(i64, String)>> {
    read_all!(
        db,
        (i64, String),
        "SELECT id, slack_user_id FROM staff_users WHERE slack_user_id IS NOT NULL"
    )
    .context("listing Slack links")
}

/// Links (or with `None` unlinks) a staff account's Slack user; false when another account
/// has that Slack user.
pub async fn set_slack_user(tx: &mut Tx, id: i64, slack_user_id: Option<&str>) -> DbResult<bool> {
    if let Some(slack) = slack_user_id {
        let taken = tx_scalar_optional!(
            tx,
            i64,
            "SELECT id FROM staff_users WHERE slack_user_id = $1 AND id <> $2",
            slack,
            id
        )
        .context("checking a Slack link")?;
        if taken.is_some() {
            return Ok(false);
        }
    }
    tx_execute!(
        tx,
        "UPDATE staff_users SET slack_user_id = $2 WHERE id = $1",
        id,
        slack_user_id
    )
    .context("linking a Slack user")
    .map(|_| true)
}
