//! Orders in the back office: search with filters, the detail view (logged: it shows personal
//! data), staff memos, and state changes through the order state machine, each audited.

use crate::auth::StaffActor;
use crate::orders::Actor;
use crate::{App, AppError, AppResult};
use chrono::NaiveDate;
use jangteo_core::ids::OrderId;
use jangteo_core::order::OrderEvent;
use jangteo_core::paging::{PageRequest, Paged};
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::orders::{self, OrderFilter, OrderMemoRow, OrderRow};

/// The order list's filters as typed (all optional).
#[derive(Debug, Clone, Default)]
pub struct OrderQuery {
    /// Order status code.
    pub status: String,
    /// Payment method code.
    pub method: String,
    /// Channel (`pc`, `mobile`, `api`).
    pub channel: String,
    /// First KST day (inclusive).
    pub from: Option<NaiveDate>,
    /// Last KST day (inclusive).
    pub to: Option<NaiveDate>,
    /// Order number, orderer or recipient name, or mobile number.
    pub keyword: String,
    /// Also orders cancelled before they were paid (failed payment attempts, deposits that never
    /// came); left out by default.
    pub with_unpaid_cancellations: bool,
}

/// A state change staff make on an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaffOrderAction {
    /// A bank deposit arrived.
    ConfirmDeposit,
    /// Start preparing the shipment.
    Prepare,
    /// Handed to the carrier.
    Ship {
        /// Carrier code (`core::carrier`).
        carrier: String,
        /// Waybill number.
        waybill: String,
        /// The order lines in this parcel; `None`: every line left to ship.
        lines: Option<Vec<i64>>,
    },
    /// The carrier delivered it.
    Deliver,
    /// Cancel the whole order (refund through the gateway).
    Cancel {
        /// Why (shown on the timeline and in the buyer's mail).
        reason: String,
    },
    /// Cancel some units of some lines (refund their share through the gateway).
    PartialCancel {
        /// Why (shown on the timeline).
        reason: String,
        /// (order line id, units).
        picks: Vec<(i64, i64)>,
    },
    /// The account a virtual-account or bank-deposit payment is refunded to, as the buyer told
    /// staff (the number is sealed; the audit keeps its last digits).
    RefundAccount(crate::orders::RefundAccountInput),
}

impl StaffOrderAction {
    /// The audit action name.
    pub fn name(&self) -> &'static str {
        match self {
            StaffOrderAction::ConfirmDeposit => "order.confirm_deposit",
            StaffOrderAction::Prepare => "order.prepare",
            StaffOrderAction::Ship { .. } => "order.ship",
            StaffOrderAction::Deliver => "order.deliver",
            StaffOrderAction::Cancel { .. } => "order.cancel",
            StaffOrderAction::PartialCancel { .. } => "order.partial_cancel",
            StaffOrderAction::RefundAccount(_) => "order.refund_account",
        }
    }
}

/// Digits of a waybill as carriers print them (10–14 digits, dashes and spaces ignored).
pub fn normalise_waybill(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(|c| !matches!(c, '-' | ' ')).collect();
    (digits.chars().all(|c| c.is_ascii_digit()) && (8..=20).contains(&digits.len()))
        .then_some(digits)
}

impl App {
    /// Orders matching `q`, newest first.
    pub async fn staff_orders(
        &self,
        actor: &StaffActor,
        q: &OrderQuery,
        page: u32,
        size: u32,
    ) -> AppResult<Paged<OrderRow>> {
        actor.require(Area::Orders, Access::Read)?;
        let filter = OrderFilter {
            // An unknown code (a hand-edited address) filters nothing out.
            status: q.status.parse().ok(),
            method: q.method.parse().ok(),
            channel: q.channel.clone(),
            from: q.from.map(jangteo_core::time::start_of_business_day),
            until: q
                .to
                .and_then(|d| d.succ_opt())
                .map(jangteo_core::time::start_of_business_day),
            keyword: q.keyword.trim().to_owned(),
            with_unpaid_cancellations: q.with_unpaid_cancellations,
        };
        let request = PageRequest::new(page, size);
        let (items, total) =
            orders::search(&self.db, &filter, request.limit(), request.offset()).await?;
        Ok(jangteo_core::paging::Paged::counted(items, total, request))
    }

    /// One order for staff; the view is logged (it shows the buyer's personal data).
    pub async fn staff_order(&self, actor: &StaffActor, number: &str) -> AppResult<OrderRow> {
        actor.require(Area::Orders, Access::Read)?;
        let order = self.order_for(number, &Actor::System).await?;
        self.audit_event(actor, "order.view", "order", number, "")
            .await?;
        Ok(order)
    }

    /// An order's refunds (full and partial), oldest first.
    pub async fn order_refunds(
        &self,
        actor: &StaffActor,
        order_id: OrderId,
    ) -> AppResult<Vec<jangteo_db::refunds::RefundRow>> {
        actor.require(Area::Orders, Access::Read)?;
        Ok(jangteo_db::refunds::of_order(&self.db, order_id).await?)
    }

    /// Staff memos on an order, oldest first.
    pub async fn order_memos(
        &self,
        actor: &StaffActor,
        order_id: OrderId,
    ) -> AppResult<Vec<OrderMemoRow>> {
        actor.require(Area::Orders, Access::Read)?;
        Ok(orders::memos(&self.db, order_id).await?)
    }

    /// Adds a staff memo (only staff see it).
    pub async fn add_order_memo(
        &self,
        actor: &StaffActor,
        number: &str,
        body: &str,
    ) -> AppResult<()> {
        actor.require(Area::Orders, Access::Write)?;
        let body = jangteo_core::member::required_text(&body.replace("\r\n", "\n"), 2_000)
            .map_err(|e| AppError::field("memo", e.code()))?;
        let order = self.order_for(number, &Actor::System).await?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        orders::add_memo(&mut tx, order.id, &actor.email, &body, now).await?;
        audit::record(
            &mut tx,
            &NewAudit {
                after: Some(serde_json::json!({ "memo": body }).to_string()),
                ..actor.entry("order.memo", "order", number)
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Moves an order through the state machine as staff; refused transitions change nothing.
    pub async fn staff_order_action(
        &self,
        actor: &StaffActor,
        number: &str,
        action: StaffOrderAction,
    ) -> AppResult<()> {
        actor.require(Area::Orders, Access::Write)?;
        let before = self.order_for(number, &Actor::System).await?;
        self.apply_staff_action(number, actor, &action).await?;
        let after = self.order_for(number, &Actor::System).await?;
        let mut tx = self.db.begin().await?;
        audit::record(
            &mut tx,
            &NewAudit {
                before: Some(serde_json::json!({ "status": before.status }).to_string()),
                after: Some(
                    serde_json::json!({
                        "status": after.status, "carrier": after.carrier, "waybill": after.waybill,
                        "cancelled_lines": match &action {
                            StaffOrderAction::PartialCancel { picks, .. } => picks.clone(),
                            _ => Vec::new(),
                        },
                        "shipped_lines": match &action {
                            StaffOrderAction::Ship { lines, .. } => lines.clone().unwrap_or_default(),
                            _ => Vec::new(),
                        },
                    })
                    .to_string(),
                ),
                reason: match &action {
                    StaffOrderAction::Cancel { reason }
                    | StaffOrderAction::PartialCancel { reason, .. } => reason,
                    _ => "",
                },
                ..actor.entry(action.name(), "order", number)
            },
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The move itself, through the use case each action has.
    async fn apply_staff_action(
        &self,
        number: &str,
        actor: &StaffActor,
        action: &StaffOrderAction,
    ) -> AppResult<()> {
        let by = Actor::Staff(actor.email.clone());
        match action {
            StaffOrderAction::ConfirmDeposit => {
                self.confirm_bank_deposit(number, &actor.email).await?;
            }
            StaffOrderAction::Prepare => {
                self.advance_order(number, OrderEvent::PreparationStarted, &by)
                    .await?;
            }
            StaffOrderAction::Ship {
                carrier,
                waybill,
                lines,
            } => {
                if jangteo_core::carrier::carrier(carrier).is_none() {
                    return Err(AppError::field("carrier", "required"));
                }
                let Some(waybill) = normalise_waybill(waybill) else {
                    return Err(AppError::field("waybill", "invalid_waybill"));
                };
                match lines {
                    None => {
                        let event = OrderEvent::Shipped {
                            carrier: carrier.clone(),
                            waybill,
                        };
                        self.advance_order(number, event, &by).await?;
                    }
                    Some(lines) => {
                        self.ship_lines(number, &by, (carrier, &waybill), lines)
                            .await?;
                    }
                }
            }
            StaffOrderAction::Deliver => {
                self.advance_order(number, OrderEvent::Delivered, &by)
                    .await?;
            }
            StaffOrderAction::Cancel { reason } => {
                let reason = reason.trim();
                self.cancel_order(
                    number,
                    &by,
                    if reason.is_empty() {
                        "판매자 취소"
                    } else {
                        reason
                    },
                )
                .await?;
            }
            StaffOrderAction::PartialCancel { reason, picks } => {
                let reason = reason.trim();
                if reason.is_empty() {
                    return Err(AppError::field("reason", "required"));
                }
                self.cancel_partially(number, &by, reason, picks).await?;
            }
            StaffOrderAction::RefundAccount(input) => {
                self.save_refund_account(number, &by, input).await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waybills_keep_their_digits() {
        assert_eq!(
            normalise_waybill("6543-2109-8765").as_deref(),
            Some("654321098765")
        );
        assert_eq!(normalise_waybill("12345"), None);
        assert_eq!(normalise_waybill("1234abcd5678"), None);
    }
}

/// What marking several orders delivered did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulkDelivered {
    /// Orders now delivered.
    pub done: usize,
    /// Orders that could not be (not shipped, or unknown).
    pub refused: Vec<String>,
}

/// Orders marked delivered at once at most.
pub const BULK_DELIVER_MAX: usize = 100;

impl App {
    /// Marks the shipped orders `numbers` delivered, each through [`App::staff_order_action`]
    /// (the same role check and audit entry as one by one); the others are named back.
    pub async fn staff_bulk_deliver(
        &self,
        actor: &StaffActor,
        numbers: &[String],
    ) -> AppResult<BulkDelivered> {
        actor.require(Area::Orders, Access::Write)?;
        if numbers.len() > BULK_DELIVER_MAX {
            return Err(AppError::field("number", "bulk_too_many"));
        }
        let mut outcome = BulkDelivered::default();
        for number in numbers {
            match self
                .staff_order_action(actor, number, StaffOrderAction::Deliver)
                .await
            {
                Ok(()) => outcome.done += 1,
                Err(AppError::NotFound | AppError::Conflict(_) | AppError::Refused { .. }) => {
                    outcome.refused.push(number.clone());
                }
                Err(e) => return Err(e),
            }
        }
        Ok(outcome)
    }
}
