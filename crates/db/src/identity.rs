//! 본인인증 attempts and what they verified (the CI only as a keyed hash).

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};

/// An attempt as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IdentityRow {
    /// Row id.
    pub id: i64,
    /// The id the shop generated and the provider's window carried.
    pub verification_id: String,
    /// Provider.
    pub provider: String,
    /// The member it belongs to (`None`: a guest's, bound to their session).
    pub member_id: Option<i64>,
    /// `started`, `verified`, `failed`.
    pub status: String,
    /// Verified name.
    pub name: Option<String>,
    /// Verified birth date, `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// Verified mobile, digits.
    pub mobile: Option<String>,
    /// Keyed hash of the CI.
    pub ci_hash: Option<String>,
    /// Started at.
    pub created_at: DateTime<Utc>,
    /// Verified at.
    pub verified_at: Option<DateTime<Utc>>,
    /// Keyed hash of the secret the starting browser's session holds.
    pub session_hash: Option<String>,
    /// What the provider needs kept to read its answer, sealed.
    pub provider_state: Option<String>,
}

/// What a provider verified.
#[derive(Debug, Clone, Copy)]
pub struct Verified<'a> {
    /// Name.
    pub name: &'a str,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<&'a str>,
    /// Digits.
    pub mobile: Option<&'a str>,
    /// Keyed hash of the CI.
    pub ci_hash: Option<&'a str>,
}

const COLUMNS: &str = "SELECT id, verification_id, provider, member_id, status, name, birth_date, \
     mobile, ci_hash, created_at, verified_at, session_hash, provider_state FROM identity_verifications";

/// An attempt to record as started.
#[derive(Debug, Clone, Copy)]
pub struct Started<'a> {
    /// The id the provider's window carries.
    pub verification_id: &'a str,
    /// Provider.
    pub provider: &'a str,
    /// The member (`None`: a guest).
    pub member_id: Option<i64>,
    /// Keyed hash of the starting session's secret.
    pub session_hash: &'a str,
    /// What the provider needs kept, sealed.
    pub provider_state: Option<&'a str>,
}

/// Records a started attempt.
pub async fn start(tx: &mut Tx, attempt: Started<'_>, now: DateTime<Utc>) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO identity_verifications
             (verification_id, provider, member_id, status, created_at, session_hash, provider_state)
         VALUES ($1, $2, $3, 'started', $4, $5, $6)",
        attempt.verification_id,
        attempt.provider,
        attempt.member_id,
        now,
        attempt.session_hash,
        attempt.provider_state
    )
    .context("starting an identity verification")
    .map(|_| ())
}

/// The attempt with this id.
pub async fn find(db: &Db, verification_id: &str) -> DbResult<Option<IdentityRow>> {
    read_optional!(
        db,
        IdentityRow,
        sqlx::AssertSqlSafe(format!("{COLUMNS} WHERE verification_id = $1")),
        verification_id
    )
    .context("loading an identity verification")
}

/// Marks a started attempt verified with what was verified; false when it was not `started`
/// any more (a replay, or a concurrent completion).
pub async fn verify(
    tx: &mut Tx,
    verification_id: &str,
    person: Verified<'_>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE identity_verifications SET status = 'verified', name = $2, birth_date = $3,
             mobile = $4, ci_hash = $5, verified_at = $6
         WHERE verification_id = $1 AND status = 'started'",
        verification_id,
        person.name,
        person.birth_date,
        person.mobile,
        person.ci_hash,
        now
    )
    .context("recording an identity verification")
    .map(|n| n == 1)
}

/// Marks a started attempt failed.
pub async fn fail(tx: &mut Tx, verification_id: &str) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE identity_verifications SET status = 'failed'
         WHERE verification_id = $1 AND status = 'started'",
        verification_id
    )
    .context("recording a failed identity verification")
    .map(|_| ())
}

/// The member's latest verified identity.
pub async fn latest_of_member(db: &Db, member_id: i64) -> DbResult<Option<IdentityRow>> {
    read_optional!(
        db,
        IdentityRow,
        sqlx::AssertSqlSafe(format!(
            "{COLUMNS} WHERE member_id = $1 AND status = 'verified'
             ORDER BY verified_at DESC, id DESC LIMIT 1"
        )),
        member_id
    )
    .context("loading a member's identity")
}

/// Deletes attempts older than `before` that no member keeps: guests' (valid for their session
/// only) and any that never verified. Returns how many.
pub async fn prune(tx: &mut Tx, before: DateTime<Utc>) -> DbResult<u64> {
    tx_execute!(
        tx,
        "DELETE FROM identity_verifications
         WHERE created_at < $1 AND (member_id IS NULL OR status <> 'verified')",
        before
    )
    .context("pruning identity verifications")
}
