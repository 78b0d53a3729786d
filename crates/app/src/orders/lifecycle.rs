//! The one way an order, its payment or a claim changes state. Core's machine decides the next
//! state; the write is conditional on the state that was read, so a concurrent change makes this
//! one fail instead of overwriting it; an order's move joins its timeline. A refused move is a
//! conflict, mapped to its message code once, here.

use crate::orders::Actor;
use crate::{AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::claims::ClaimStatus;
use jangteo_core::order::{
    IllegalTransition, OrderEvent, OrderStatus, PaymentEvent, PaymentStatus,
};
use jangteo_db::Tx;
use jangteo_db::claims::{self as claim_rows, ClaimFacts};
use jangteo_db::orders::{self as order_rows, NewOrderEvent, OrderRow};
use jangteo_db::payments::{self as payment_rows, PaymentRow, PaymentUpdate};

impl From<IllegalTransition> for AppError {
    fn from(refused: IllegalTransition) -> Self {
        let code = match (refused.machine, refused.event) {
            ("order", "cancelled_by_buyer" | "cancelled_by_staff" | "codes_withdrawn")
            | ("payment", "refunded") => "cannot_cancel",
            ("order", "purchase_confirmed") => "cannot_confirm",
            ("claim", _) => "claim_state",
            _ => "illegal_transition",
        };
        AppError::Refused { code, refused }
    }
}

/// Adds an entry to an order's timeline (`to`: the status after it; the same status for
/// entries that do not move the order, such as a claim or a partial cancellation).
pub(crate) async fn record_event(
    tx: &mut Tx,
    order: &OrderRow,
    event: &str,
    to: OrderStatus,
    actor: &Actor,
    note: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    order_rows::add_event(
        tx,
        order.id,
        &NewOrderEvent {
            event,
            from: Some(order.status),
            to,
            actor: &actor.label(),
            note,
        },
        now,
    )
    .await?;
    Ok(())
}

/// Moves `order` (as read, ideally locked, in this transaction) by `event` and records it on the
/// timeline. Refused by core, or moved meanwhile by someone else: a conflict.
pub(crate) async fn move_order(
    tx: &mut Tx,
    order: &OrderRow,
    event: &OrderEvent,
    actor: &Actor,
    note: &str,
    now: DateTime<Utc>,
) -> AppResult<OrderStatus> {
    let from: OrderStatus = order.status;
    let to = from.apply(event)?;
    if !order_rows::transition(tx, order.id, from, to, now).await? {
        return Err(IllegalTransition {
            machine: "order",
            from: from.as_str(),
            event: event.name(),
        }
        .into());
    }
    record_event(tx, order, event.name(), to, actor, note, now).await?;
    Ok(to)
}

/// Moves `payment` (as read) by `event`, storing the facts learnt with it (`update`). Refused by core: a conflict. `None`: the attempt had already moved (a
/// concurrent change won); the caller decides what that means for the money.
pub(crate) async fn move_payment(
    tx: &mut Tx,
    payment: &PaymentRow,
    event: PaymentEvent,
    update: PaymentUpdate<'_>,
    now: DateTime<Utc>,
) -> AppResult<Option<PaymentStatus>> {
    let from: PaymentStatus = payment.status;
    let to = from.apply(event)?;
    let moved = payment_rows::update(tx, payment.id, (from, to), &update, now).await?;
    Ok(moved.then_some(to))
}

/// Moves a claim from `from` to `to`. Not a move core allows, or moved meanwhile: a conflict.
pub(crate) async fn move_claim(
    tx: &mut Tx,
    claim_id: i64,
    from: ClaimStatus,
    to: ClaimStatus,
    facts: ClaimFacts<'_>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let moved =
        from.can_become(to) && claim_rows::transition(tx, claim_id, (from, to), facts, now).await?;
    if !moved {
        return Err(IllegalTransition {
            machine: "claim",
            from: from.as_str(),
            event: to.as_str(),
        }
        .into());
    }
    Ok(())
}
