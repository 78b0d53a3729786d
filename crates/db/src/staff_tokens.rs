//! Staff API tokens (only their SHA-256 is stored).

use crate::error::Context;
use crate::staff::StaffRow;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};

/// A token as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TokenRow {
    /// Id.
    pub id: i64,
    /// Staff account.
    pub staff_id: i64,
    /// What it is for.
    pub name: String,
    /// First characters of the token.
    pub prefix: String,
    /// Who issued it.
    pub created_by: String,
    /// Issued.
    pub created_at: DateTime<Utc>,
    /// Last request made with it.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Revoked (none: valid).
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Stores a new token's hash.
pub async fn insert(
    tx: &mut Tx,
    staff_id: i64,
    name: &str,
    token_hash: &str,
    prefix: &str,
    created_by: &str,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    tx_scalar!(
        tx,
        i64,
        "INSERT INTO staff_api_tokens (staff_id, name, token_hash, prefix, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        staff_id,
        name,
        token_hash,
        prefix,
        created_by,
        now
    )
    .context("storing API token")
}

/// Every token of a staff account, newest first.
pub async fn of_staff(db: &Db, staff_id: i64) -> DbResult<Vec<TokenRow>> {
    read_all!(
        db,
        TokenRow,
        "SELECT id, staff_id, name, prefix, created_by, created_at, last_used_at, revoked_at
         FROM staff_api_tokens WHERE staff_id = $1 ORDER BY id DESC",
        staff_id
    )
    .context("listing API tokens")
}

/// Revokes a token of a staff account; false when there is no such valid token.
pub async fn revoke(tx: &mut Tx, staff_id: i64, id: i64, now: DateTime<Utc>) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE staff_api_tokens SET revoked_at = $3
         WHERE id = $1 AND staff_id = $2 AND revoked_at IS NULL",
        id,
        staff_id,
        now
    )
    .context("revoking API token")
    .map(|n| n == 1)
}

/// The active staff account a valid token belongs to.
pub async fn staff_by_hash(db: &Db, token_hash: &str) -> DbResult<Option<(i64, StaffRow)>> {
    let token: Option<(i64, i64)> = read_optional!(
        db,
        (i64, i64),
        "SELECT t.id, t.staff_id FROM staff_api_tokens t JOIN staff_users s ON s.id = t.staff_id
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND s.is_active = TRUE",
        token_hash
    )
    .context("looking up API token")?;
    let Some((token_id, staff_id)) = token else {
        return Ok(None);
    };
    Ok(crate::staff::find(db, staff_id)
        .await?
        .map(|staff| (token_id, staff)))
}

/// Records that a token was used (at most once a minute, to keep API calls read-mostly).
pub async fn touch(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE staff_api_tokens SET last_used_at = $2
         WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)",
        id,
        now,
        now - chrono::Duration::minutes(1)
    )
    .context("touching API token")
    .map(|_| ())
}
