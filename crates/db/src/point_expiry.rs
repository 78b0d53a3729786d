//! Points expiry (적립금 소멸, issue 17): the members whose old points may need a notice or expire,
//! their ledger in order, and the schedule of credits told to expire (core::points_expiry plans).

use crate::error::Context;
use crate::{Db, DbResult, Reader, Tx};
use chrono::{DateTime, Utc};

/// Active, non-dormant members with points who earned some before `earned_before`.
pub async fn members_with_old_points(db: &Db, earned_before: DateTime<Utc>) -> DbResult<Vec<i64>> {
    let rows: Vec<(i64,)> = read_all!(
        db,
        (i64,),
        "SELECT m.id FROM members m
         WHERE m.points_balance > 0 AND m.status = 'active' AND m.dormant_at IS NULL
           AND EXISTS (SELECT 1 FROM point_entries e
                       WHERE e.member_id = m.id AND e.amount > 0 AND e.created_at < $1)
         ORDER BY m.id",
        earned_before
    )
    .context("finding members with old points")?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Holds the member's points still while the caller decides (PostgreSQL row lock; SQLite has one
/// writer anyway), so that a checkout spending them waits.
pub async fn lock_member(tx: &mut Tx, member_id: i64) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE members SET points_balance = points_balance WHERE id = $1",
        member_id
    )
    .context("locking member points")
    .map(|_| ())
}

/// The member's ledger in order: (entry id, amount, when).
pub async fn ledger(
    conn: impl Into<Reader<'_>>,
    member_id: i64,
) -> DbResult<Vec<(i64, i64, DateTime<Utc>)>> {
    reader_all!(
        conn,
        (i64, i64, DateTime<Utc>),
        "SELECT id, amount, created_at FROM point_entries WHERE member_id = $1 ORDER BY id",
        member_id
    )
    .context("loading points ledger")
}

/// The member's open schedule: (credit entry id, KST expiry day `YYYY-MM-DD`).
pub async fn scheduled(
    conn: impl Into<Reader<'_>>,
    member_id: i64,
) -> DbResult<Vec<(i64, String)>> {
    reader_all!(
        conn,
        (i64, String),
        "SELECT entry_id, expires_on FROM point_expiries
         WHERE member_id = $1 AND expired_at IS NULL ORDER BY expires_on, entry_id",
        member_id
    )
    .context("loading points expiry schedule")
}

/// Schedules credit `entry_id` to expire on `expires_on` (told now); once per credit.
pub async fn schedule(
    tx: &mut Tx,
    member_id: i64,
    entry_id: i64,
    expires_on: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO point_expiries (entry_id, member_id, expires_on, noticed_at)
         VALUES ($1, $2, $3, $4) ON CONFLICT (entry_id) DO NOTHING",
        entry_id,
        member_id,
        expires_on,
        now
    )
    .context("scheduling points expiry")
    .map(|_| ())
}

/// Closes the schedule of credit `entry_id` (its day came).
pub async fn close(tx: &mut Tx, entry_id: i64, now: DateTime<Utc>) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE point_expiries SET expired_at = $2 WHERE entry_id = $1 AND expired_at IS NULL",
        entry_id,
        now
    )
    .context("closing points expiry")
    .map(|_| ())
}
