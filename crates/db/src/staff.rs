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
}

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
        "SELECT id, email, name, password_hash, role, is_active FROM staff_users WHERE email = $1",
        email
    )
    .context("loading staff account")
}

/// Number of staff accounts.
pub async fn count(db: &Db) -> DbResult<i64> {
    read_scalar!(db, i64, "SELECT COUNT(*) FROM staff_users").context("counting staff accounts")
}
