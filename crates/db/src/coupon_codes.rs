//! Unique coupon codes (난수 쿠폰, issue 17): batches made for one coupon, each code registered
//! by one member.

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};

/// One code with whether and when it was registered.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CouponCodeRow {
    /// The code, `XXXX-XXXX-XXXX`.
    pub code: String,
    /// When a member registered it.
    pub claimed_at: Option<DateTime<Utc>>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// Stores a code for coupon `coupon_id`; false when the code exists (a collision to retry).
pub async fn insert(tx: &mut Tx, coupon_id: i64, code: &str, now: DateTime<Utc>) -> DbResult<bool> {
    tx_execute!(
        tx,
        "INSERT INTO coupon_codes (coupon_id, code, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (code) DO NOTHING",
        coupon_id,
        code,
        now
    )
    .context("storing coupon code")
    .map(|n| n == 1)
}

/// How many codes coupon `coupon_id` has, and how many are registered.
pub async fn counts(db: &Db, coupon_id: i64) -> DbResult<(i64, i64)> {
    read_optional!(
        db,
        (i64, i64),
        "SELECT COUNT(*), COUNT(claimed_at) FROM coupon_codes WHERE coupon_id = $1",
        coupon_id
    )
    .context("counting coupon codes")
    .map(|row| row.unwrap_or((0, 0)))
}

/// Every code of coupon `coupon_id`, oldest first (the staff download).
pub async fn all(db: &Db, coupon_id: i64) -> DbResult<Vec<CouponCodeRow>> {
    read_all!(
        db,
        CouponCodeRow,
        "SELECT code, claimed_at, created_at FROM coupon_codes WHERE coupon_id = $1 ORDER BY id",
        coupon_id
    )
    .context("listing coupon codes")
}

/// The coupon of `code` and the member who registered it, if any.
pub async fn find(db: &Db, code: &str) -> DbResult<Option<(i64, Option<i64>)>> {
    read_optional!(
        db,
        (i64, Option<i64>),
        "SELECT coupon_id, member_id FROM coupon_codes WHERE code = $1",
        code
    )
    .context("finding coupon code")
}

/// Registers the free `code` to `member_id` inside `tx`; false when someone registered it
/// first.
pub async fn claim(tx: &mut Tx, code: &str, member_id: i64, now: DateTime<Utc>) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE coupon_codes SET member_id = $2, claimed_at = $3
         WHERE code = $1 AND claimed_at IS NULL",
        code,
        member_id,
        now
    )
    .context("registering coupon code")
    .map(|n| n == 1)
}
