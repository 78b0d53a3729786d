//! Refunds: money given back for an order, in full or for some units of some lines, each with the
//! day it happened (statistics count refunds on that day).

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};
use jangteo_core::Won;
use jangteo_core::ids::OrderId;

/// A refund to record.
#[derive(Debug, Clone)]
pub struct NewRefund<'a> {
    /// Order.
    pub order_id: OrderId,
    /// Money returned, shipping included.
    pub amount: Won,
    /// Part of `amount` that was shipping.
    pub shipping_amount: Won,
    /// Points given back.
    pub points_restored: i64,
    /// Why.
    pub reason: &'a str,
    /// Who (`buyer`, `staff:…`, `system`).
    pub actor: &'a str,
    /// Lines: (order line id, units, won).
    pub lines: &'a [(i64, i64, Won)],
}

/// Records a refund with its lines and marks its day for the statistics.
pub async fn insert(tx: &mut Tx, r: &NewRefund<'_>, now: DateTime<Utc>) -> DbResult<i64> {
    let id = tx_scalar!(
        tx,
        i64,
        "INSERT INTO refunds (order_id, amount, shipping_amount, points_restored, reason, actor, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        r.order_id.get(),
        r.amount.get(),
        r.shipping_amount.get(),
        r.points_restored,
        r.reason,
        r.actor,
        now
    )
    .context("recording refund")?;
    for &(line_id, quantity, amount) in r.lines.iter().filter(|l| l.1 > 0) {
        tx_execute!(
            tx,
            "INSERT INTO refund_lines (refund_id, order_line_id, quantity, amount) VALUES ($1, $2, $3, $4)",
            id,
            line_id,
            quantity,
            amount.get()
        )
        .context("recording refund line")?;
    }
    crate::stats::mark_dirty(tx, now).await?;
    Ok(id)
}

/// A recorded refund.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RefundRow {
    /// Id.
    pub id: i64,
    /// Money returned.
    #[sqlx(try_from = "i64")]
    pub amount: Won,
    /// Of which shipping.
    #[sqlx(try_from = "i64")]
    pub shipping_amount: Won,
    /// Points given back.
    pub points_restored: i64,
    /// Why.
    pub reason: String,
    /// Who.
    pub actor: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// An order's refunds, oldest first.
pub async fn of_order(db: &Db, order_id: OrderId) -> DbResult<Vec<RefundRow>> {
    read_all!(
        db,
        RefundRow,
        "SELECT id, amount, shipping_amount, points_restored, reason, actor, created_at FROM refunds
         WHERE order_id = $1 ORDER BY id",
        order_id.get()
    )
    .context("reading refunds")
}
