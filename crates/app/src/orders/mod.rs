//! Orders: placing one ([`place`]), paying for it ([`payments`], [`deposits`]), and every later
//! change of state through the one transition helper ([`lifecycle`]): cancellation in full or in
//! part with the one refund path ([`refunds`]), shipping, delivery, purchase confirmation with
//! points granted. Messages to the orderer are in [`messages`].

mod cancel;
pub mod cash_receipts;
mod checkout_form;
mod codes;
pub mod deposits;
pub mod escrow;
pub(crate) mod lifecycle;
mod messages;
pub mod partial_cancel;
pub mod payments;
pub mod pending_payments;
mod place;
mod refund_accounts;
pub(crate) mod refunds;
pub mod shipments;
mod test_gateway_aids;

pub use checkout_form::{PAYMENT_METHODS, PlaceOrderInput, escrow_applies};
pub(crate) use lifecycle::record_event;
pub(crate) use messages::ClaimNews;
pub use refund_accounts::{RefundAccountInput, RefundAccountView};

use crate::auth::tokens::random_bytes;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::order::{OrderEvent, OrderStatus};
use jangteo_db::orders::{self, OrderRow};
use jangteo_db::payments as payment_rows;
use jangteo_db::{Tx, promotions};

/// Who acts on an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// The member who placed it.
    Member(i64),
    /// A guest who proved the order number, mobile and password.
    Guest,
    /// Staff (e-mail).
    Staff(String),
    /// The gateway (deposit notice).
    Gateway,
    /// A chore (deadline).
    System,
}

impl Actor {
    pub(crate) fn label(&self) -> String {
        match self {
            Actor::Member(_) | Actor::Guest => "buyer".into(),
            Actor::Staff(email) => format!("staff:{email}"),
            Actor::Gateway => "gateway".into(),
            Actor::System => "system".into(),
        }
    }
}

/// Where checkout continues after the order is placed.
#[derive(Debug, Clone, PartialEq)]
pub enum NextStep {
    /// Send the browser to the gateway's payment window.
    Pay(String),
    /// Open the gateway's window from our payment page (its SDK, with these parameters).
    Window(PaymentWindow),
    /// Show the completion page (deposit orders, or an order already paid).
    Complete,
}

/// What the payment page needs to open a gateway's window (Toss `requestPayment`).
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentWindow {
    /// Which SDK call opens it (`toss`, `portone`).
    pub sdk: &'static str,
    /// The gateway's browser SDK.
    pub sdk_url: String,
    /// Public client key.
    pub client_key: String,
    /// Method as the SDK names it.
    pub method: String,
    /// Parameters of `requestPayment`.
    pub params: serde_json::Value,
    /// Origins the page must allow script and frames from.
    pub origins: Vec<String>,
}

/// A placed order.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// Number.
    pub number: String,
    /// Next step.
    pub next: NextStep,
}

/// An attempt id for the gateway (Toss `orderId`: 6–64 of `[A-Za-z0-9-_]`).
fn attempt_id(number: &str) -> AppResult<String> {
    Ok(format!("{number}-{}", hex::encode(random_bytes::<4>()?)))
}

/// Units an order still holds, gifts aside, once cancellations and returns left it: with none
/// there is nothing to confirm (the order page asks the same).
pub fn units_left(lines: &[orders::OrderLineRow]) -> i64 {
    jangteo_core::refund::units_left_after(&orders::line_units(lines), &[])
}

impl App {
    /// Schedules the deadline and sends the order-placed message for a deposit order.
    pub(crate) async fn after_deposit_requested(
        &self,
        tx: &mut Tx,
        number: &str,
        deadline: Option<DateTime<Utc>>,
    ) -> AppResult<()> {
        if let Some(deadline) = deadline {
            jangteo_jobs::enqueue(
                tx,
                &crate::jobs::spec(&crate::jobs::ExpireDeposit {
                    number: number.to_owned(),
                })?
                .dedupe(format!("expire:{number}"))
                .at(deadline),
            )
            .await?;
        }
        Ok(())
    }

    /// Where an existing order's checkout continues.
    async fn placed_state(&self, order: &OrderRow) -> AppResult<Placed> {
        if order.status == OrderStatus::PendingPayment {
            return self.start_payment(&order.number).await;
        }
        Ok(Placed {
            number: order.number.clone(),
            next: NextStep::Complete,
        })
    }

    /// Applies a staff/system event without money moving (preparing, shipped, delivered).
    pub async fn advance_order(
        &self,
        number: &str,
        event: OrderEvent,
        actor: &Actor,
    ) -> AppResult<()> {
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let Some(order) = orders::lock_by_number(&mut tx, number).await? else {
            return Err(AppError::NotFound);
        };
        lifecycle::move_order(&mut tx, &order, &event, actor, "", now).await?;
        if let OrderEvent::Shipped { carrier, waybill } = &event {
            orders::set_shipment(&mut tx, order.id, carrier, waybill).await?;
            let last = self
                .record_last_shipment(&mut tx, &order, (carrier, waybill), now)
                .await?;
            self.queue_escrow_step(&mut tx, order.id, number, crate::jobs::EscrowStep::Shipment)
                .await?;
            self.queue_channel_dispatch(&mut tx, order.id.get(), last)
                .await?;
            if let Some(shipped) = orders::lock_by_number(&mut tx, number).await? {
                let data = crate::webhooks::order_data(&shipped, "shipped");
                self.emit_webhook(&mut tx, "order.shipped", number, data)
                    .await?;
                match last {
                    // Parts left before: the buyer hears of what leaves now.
                    Some(id) => {
                        let lines = orders::lines(&mut tx, order.id).await?;
                        self.notify_shipment(&mut tx, &shipped, &lines, (id, false))
                            .await?;
                    }
                    None => {
                        self.notify_order(&mut tx, &shipped, "shipped", None)
                            .await?
                    }
                }
            }
        }
        if matches!(event, OrderEvent::Delivered) {
            jangteo_db::shipments::mark_delivered(&mut tx, order.id.get(), None, now).await?;
            let data = crate::webhooks::order_data(&order, "delivered");
            self.emit_webhook(&mut tx, "order.delivered", number, data)
                .await?;
            self.notify_order(&mut tx, &order, "delivered", None)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The buyer confirms the purchase (구매확정): points are granted now; the points granted.
    /// Nothing is left to confirm once every unit was cancelled or returned.
    pub async fn confirm_purchase(&self, number: &str, actor: &Actor) -> AppResult<i64> {
        let order = self.order_for(number, actor).await?;
        if units_left(&orders::lines(&self.db, order.id).await?) <= 0 {
            return Err(AppError::Conflict("nothing_to_confirm"));
        }
        let now = self.now();
        let mut tx = self.db.begin().await?;
        // Not while a withdrawal's refund is at the gateway: the order is about to be cancelled.
        if jangteo_db::pin_holds::is_held(&mut tx, order.id.get(), now).await? {
            return Err(AppError::Conflict("codes_withdrawing"));
        }
        let event = OrderEvent::PurchaseConfirmed;
        lifecycle::move_order(&mut tx, &order, &event, actor, "", now).await?;
        self.queue_escrow_step(
            &mut tx,
            order.id,
            number,
            crate::jobs::EscrowStep::Completion,
        )
        .await?;
        let mut granted = 0;
        if let Some(member) = order.member_id
            && order.points_to_earn > 0
        {
            promotions::add_points(
                &mut tx,
                member,
                order.points_to_earn,
                "purchase_confirmed",
                Some(order.id),
                Some(&format!("earn:{number}")),
                now,
            )
            .await?;
            granted = order.points_to_earn;
        }
        tx.commit().await?;
        Ok(granted)
    }

    /// The order, for a cancellation, a partial cancellation or a claim: as [`App::order_for`],
    /// but a marketplace's order is refused (the marketplace holds the money, and cancels and
    /// returns it there).
    pub(crate) async fn order_to_refund(&self, number: &str, actor: &Actor) -> AppResult<OrderRow> {
        let order = self.order_for(number, actor).await?;
        if order.payment_method == jangteo_core::payment::PaymentMethod::Marketplace {
            return Err(AppError::Conflict("marketplace_order"));
        }
        Ok(order)
    }

    /// The order, if `actor` may see it: its member, a guest who proved access (the caller checks
    /// the proof), staff and the system. Anyone else gets `NotFound` (no hint it exists).
    pub async fn order_for(&self, number: &str, actor: &Actor) -> AppResult<OrderRow> {
        if !jangteo_core::member::looks_like_order_number(number) {
            return Err(AppError::NotFound);
        }
        let order = orders::find_by_number(&self.db, number)
            .await?
            .ok_or(AppError::NotFound)?;
        let allowed = match actor {
            Actor::Member(id) => order.member_id == Some(*id),
            Actor::Guest => order.member_id.is_none(),
            Actor::Staff(_) | Actor::Gateway | Actor::System => true,
        };
        if allowed {
            Ok(order)
        } else {
            Err(AppError::NotFound)
        }
    }

    /// A member's orders, newest first.
    pub async fn member_orders(
        &self,
        member_id: i64,
        page: u32,
        size: u32,
    ) -> AppResult<jangteo_core::paging::Paged<OrderRow>> {
        let request = jangteo_core::paging::PageRequest::new(page, size);
        let items =
            orders::list_for_member(&self.db, member_id, request.limit(), request.offset()).await?;
        let total = orders::count_for_member(&self.db, member_id).await?;
        Ok(jangteo_core::paging::Paged {
            items,
            total: u64::try_from(total).unwrap_or(0),
            page: page.max(1),
            size,
        })
    }

    /// A member's points balance and ledger page.
    pub async fn points_history(
        &self,
        member_id: i64,
        page: u32,
        size: u32,
    ) -> AppResult<(i64, jangteo_core::paging::Paged<promotions::PointEntryRow>)> {
        let member = self.active_member(member_id).await?;
        let request = jangteo_core::paging::PageRequest::new(page, size);
        let items =
            promotions::point_entries(&self.db, member_id, request.limit(), request.offset())
                .await?;
        let total = promotions::count_point_entries(&self.db, member_id).await?;
        Ok((
            member.points_balance,
            jangteo_core::paging::Paged {
                items,
                total: u64::try_from(total).unwrap_or(0),
                page: page.max(1),
                size,
            },
        ))
    }

    /// An order's lines, timeline and latest payment.
    pub async fn order_details(
        &self,
        order: &OrderRow,
    ) -> AppResult<(
        Vec<orders::OrderLineRow>,
        Vec<orders::OrderEventRow>,
        Option<payment_rows::PaymentRow>,
    )> {
        Ok((
            orders::lines(&self.db, order.id).await?,
            orders::events(&self.db, order.id).await?,
            payment_rows::latest_for_order(&self.db, order.id).await?,
        ))
    }
}
