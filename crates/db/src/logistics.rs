//! Orders handed to logistics partners (issue 18), by outbound sheet.

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};

/// Paid orders with goods to ship not yet handed to any partner, oldest payment first.
pub async fn ready_to_hand_off(db: &Db, limit: i64) -> DbResult<Vec<String>> {
    read_all!(
        db,
        (String,),
        "SELECT o.number FROM orders o
         WHERE o.status = 'paid' AND o.postcode <> ''
           AND NOT EXISTS (SELECT 1 FROM logistics_handoffs h WHERE h.order_id = o.id)
         ORDER BY o.paid_at, o.id LIMIT $1",
        limit
    )
    .context("listing orders to hand off")
    .map(|rows| rows.into_iter().map(|(n,)| n).collect())
}

/// How many orders wait to be handed off.
pub async fn count_ready(db: &Db) -> DbResult<i64> {
    read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM orders o
         WHERE o.status = 'paid' AND o.postcode <> ''
           AND NOT EXISTS (SELECT 1 FROM logistics_handoffs h WHERE h.order_id = o.id)"
    )
    .context("counting orders to hand off")
}

/// Records an order as handed to `partner` in `batch`; false when it was handed before.
pub async fn record(
    tx: &mut Tx,
    order_id: i64,
    partner: &str,
    batch: &str,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    tx_execute!(
        tx,
        "INSERT INTO logistics_handoffs (order_id, partner, batch, handed_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (order_id) DO NOTHING",
        order_id,
        partner,
        batch,
        now
    )
    .context("recording a hand-off")
    .map(|n| n == 1)
}

/// The order numbers of one outbound sheet, in the order they went out.
pub async fn batch_orders(db: &Db, partner: &str, batch: &str) -> DbResult<Vec<String>> {
    read_all!(
        db,
        (String,),
        "SELECT o.number FROM logistics_handoffs h JOIN orders o ON o.id = h.order_id
         WHERE h.partner = $1 AND h.batch = $2 ORDER BY o.paid_at, o.id",
        partner,
        batch
    )
    .context("reading a hand-off batch")
    .map(|rows| rows.into_iter().map(|(n,)| n).collect())
}

/// One outbound sheet handed to a partner.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BatchRow {
    /// The batch.
    pub batch: String,
    /// When it went out.
    pub handed_at: DateTime<Utc>,
    /// Orders in it.
    pub orders: i64,
}

/// A partner's latest outbound sheets, newest first.
pub async fn batches(db: &Db, partner: &str, limit: i64) -> DbResult<Vec<BatchRow>> {
    read_all!(
        db,
        BatchRow,
        "SELECT batch, MIN(handed_at) AS handed_at, COUNT(*) AS orders FROM logistics_handoffs
         WHERE partner = $1 GROUP BY batch ORDER BY MIN(handed_at) DESC, batch DESC LIMIT $2",
        partner,
        limit
    )
    .context("listing hand-off batches")
}
