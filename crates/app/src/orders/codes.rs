//! Gift-card orders: the paying transaction gives each unit its PIN and, as nothing ships,
//! delivers the order at once (issue 16).

use super::Actor;
use super::lifecycle::move_order;
use crate::AppResult;
use chrono::{DateTime, Utc};
use jangteo_core::order::{OrderEvent, OrderStatus};
use jangteo_db::Tx;
use jangteo_db::orders::{self, OrderRow};

/// Issues the PINs of `order`, just moved to paid in `tx`; an order of codes only is delivered
/// with them. Says whether codes were issued.
pub(crate) async fn issue_codes(
    tx: &mut Tx,
    order: &OrderRow,
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let pin_lines = crate::pins::allocate_for_order(tx, order.id, now).await?;
    if pin_lines == 0 {
        return Ok(false);
    }
    // Checkout refuses to mix codes with goods; should an order hold goods anyway, it ships as
    // usual and its codes wait on the order page.
    if orders::lines(&mut *tx, order.id).await?.len() == pin_lines {
        let paid = OrderRow {
            status: OrderStatus::Paid,
            ..order.clone()
        };
        move_order(tx, &paid, &OrderEvent::CodesIssued, &Actor::System, "", now).await?;
    }
    Ok(true)
}
