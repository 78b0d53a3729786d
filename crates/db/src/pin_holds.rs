//! Holds on a gift-card order's PINs while a withdrawal refunds it (migration 0029): a reveal
//! and a second withdrawal are refused until the hold is lifted or lapses.

use crate::error::Context;
use crate::{DbResult, Tx};
use chrono::{DateTime, Utc};

/// Holds the order's PINs until `until`; false when a live hold is there already.
pub async fn hold(
    tx: &mut Tx,
    order_id: i64,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> DbResult<bool> {
    if is_held(tx, order_id, now).await? {
        return Ok(false);
    }
    tx_execute!(
        tx,
        "INSERT INTO pin_holds (order_id, held_until) VALUES ($1, $2)
         ON CONFLICT (order_id) DO UPDATE SET held_until = excluded.held_until",
        order_id,
        until
    )
    .context("holding an order's PINs")?;
    Ok(true)
}

/// Whether a live hold is on the order's PINs.
pub async fn is_held(tx: &mut Tx, order_id: i64, now: DateTime<Utc>) -> DbResult<bool> {
    let held = tx_scalar!(
        tx,
        i64,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM pin_holds WHERE order_id = $1 AND held_until > $2",
        order_id,
        now
    )
    .context("reading a PIN hold")?;
    Ok(held > 0)
}

/// Lifts the hold (the withdrawal finished or failed).
pub async fn release(tx: &mut Tx, order_id: i64) -> DbResult<()> {
    tx_execute!(tx, "DELETE FROM pin_holds WHERE order_id = $1", order_id)
        .context("lifting a PIN hold")?;
    Ok(())
}

/// Moves a hold's lapse to `until` (a refund that left: kept until staff settle the order).
pub async fn extend(tx: &mut Tx, order_id: i64, until: DateTime<Utc>) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE pin_holds SET held_until = $2 WHERE order_id = $1",
        order_id,
        until
    )
    .context("keeping a PIN hold")?;
    Ok(())
}
