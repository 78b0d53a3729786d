//! Versions of the generated privacy policy (개인정보처리방침).

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};

/// A stored version.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PolicyVersionRow {
    /// Id.
    pub id: i64,
    /// The policy as JSON.
    pub content_json: String,
    /// SHA-256 of `content_json` (hex).
    pub content_hash: String,
    /// In force from.
    pub effective_at: DateTime<Utc>,
}

/// The newest version.
pub async fn latest(db: &Db) -> DbResult<Option<PolicyVersionRow>> {
    read_optional!(
        db,
        PolicyVersionRow,
        "SELECT id, content_json, content_hash, effective_at FROM privacy_policy_versions
         ORDER BY id DESC LIMIT 1"
    )
    .context("loading the privacy policy")
}

/// One version.
pub async fn find(db: &Db, id: i64) -> DbResult<Option<PolicyVersionRow>> {
    read_optional!(
        db,
        PolicyVersionRow,
        "SELECT id, content_json, content_hash, effective_at FROM privacy_policy_versions WHERE id = $1",
        id
    )
    .context("loading a privacy policy version")
}

/// Every version (id, in force from), newest first.
pub async fn list(db: &Db) -> DbResult<Vec<(i64, DateTime<Utc>)>> {
    read_all!(
        db,
        (i64, DateTime<Utc>),
        "SELECT id, effective_at FROM privacy_policy_versions ORDER BY id DESC"
    )
    .context("listing privacy policy versions")
}

/// Records a new version; returns its id.
pub async fn insert(tx: &mut Tx, json: &str, hash: &str, now: DateTime<Utc>) -> DbResult<i64> {
    tx_scalar!(
        tx,
        i64,
        "INSERT INTO privacy_policy_versions (content_json, content_hash, effective_at)
         VALUES ($1, $2, $3) RETURNING id",
        json,
        hash,
        now
    )
    .context("recording a privacy policy version")
}
