//! What gift-card limits read (a member's gift-card orders) and the attempts they refused.

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};

/// An order holding gift cards: some line's product sells PINs.
const HOLDS_GIFT_CARDS: &str = "EXISTS (SELECT 1 FROM order_lines l JOIN skus s ON s.id = l.sku_id
     JOIN products p ON p.id = s.product_id WHERE l.order_id = o.id AND p.kind = 'digital_pin')";

/// A member's gift-card orders not cancelled, summed: the total placed since `$2` (today) and
/// since `$3` (this month), unpaid ones too so parallel attempts count, and how many were paid.
/// The order of checkout token `$4` is left out: a double-clicked submit is the same purchase.
fn history_sql() -> String {
    format!(
        "SELECT CAST(COALESCE(SUM(CASE WHEN o.placed_at >= $2 THEN o.total ELSE 0 END), 0) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN o.placed_at >= $3 THEN o.total ELSE 0 END), 0) AS BIGINT),
                CAST(COALESCE(SUM(CASE WHEN o.status IN ('pending_payment', 'awaiting_deposit')
                                  THEN 0 ELSE 1 END), 0) AS BIGINT)
         FROM orders o
         WHERE o.member_id = $1 AND o.status <> 'cancelled'
           AND o.checkout_token <> $4 AND {HOLDS_GIFT_CARDS}"
    )
}

/// A member's gift-card history in one read (see `history_sql`), for the early check.
pub async fn history(
    db: &Db,
    member_id: i64,
    (today, month): (DateTime<Utc>, DateTime<Utc>),
    checkout_token: &str,
) -> DbResult<(i64, i64, i64)> {
    read_optional!(
        db,
        (i64, i64, i64),
        sqlx::AssertSqlSafe(history_sql()),
        member_id,
        today,
        month,
        checkout_token
    )
    .context("summing a member's gift-card orders")
    .map(Option::unwrap_or_default)
}

/// The same history read inside the order's transaction after locking the member's row, so
/// two checkouts of one member at once are counted one after the other (SQLite's writer is
/// one already).
pub async fn history_locked(
    tx: &mut Tx,
    member_id: i64,
    (today, month): (DateTime<Utc>, DateTime<Utc>),
    checkout_token: &str,
) -> DbResult<(i64, i64, i64)> {
    if let Tx::Postgres(_) = tx {
        // NO KEY: rows that only point at the member (cart lines, attempts) are not held up.
        tx_optional!(
            tx,
            (i64,),
            "SELECT id FROM members WHERE id = $1 FOR NO KEY UPDATE",
            member_id
        )
        .context("locking the member for a gift-card order")?;
    }
    tx_optional!(
        tx,
        (i64, i64, i64),
        sqlx::AssertSqlSafe(history_sql()),
        member_id,
        today,
        month,
        checkout_token
    )
    .context("summing a member's gift-card orders")
    .map(Option::unwrap_or_default)
}

/// A refused attempt as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RefusalRow {
    /// Id.
    pub id: i64,
    /// The member (`None`: a guest, or a member since withdrawn).
    pub member_id: Option<i64>,
    /// Their e-mail.
    pub member_email: Option<String>,
    /// The order's amount.
    pub amount: i64,
    /// Why (`gift_limit_…`).
    pub reason: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Records a refused attempt.
pub async fn record_refusal(
    tx: &mut Tx,
    member_id: Option<i64>,
    amount: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO gift_card_refusals (member_id, amount, reason, created_at)
         VALUES ($1, $2, $3, $4)",
        member_id,
        amount,
        reason,
        now
    )
    .context("recording a refused gift-card purchase")
    .map(|_| ())
}

/// The latest refused attempts, newest first, and how many there are.
pub async fn refusals(db: &Db, limit: i64, offset: i64) -> DbResult<(Vec<RefusalRow>, i64)> {
    let rows = read_all!(
        db,
        RefusalRow,
        "SELECT r.id, r.member_id, m.email AS member_email, r.amount, r.reason, r.created_at
         FROM gift_card_refusals r LEFT JOIN members m ON m.id = r.member_id
         ORDER BY r.created_at DESC, r.id DESC LIMIT $1 OFFSET $2",
        limit,
        offset
    )
    .context("listing refused gift-card purchases")?;
    let total = read_scalar!(
        db,
        i64,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM gift_card_refusals"
    )
    .context("counting refused gift-card purchases")?;
    Ok((rows, total))
}
