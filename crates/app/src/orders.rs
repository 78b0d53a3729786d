//! Orders: placing one (stock reserved atomically, lines snapshotted), and every later change of
//! state through `core::order` (cancel with stock/coupon/points restored and the payment
//! refunded, shipping, delivery, purchase confirmation with points granted).

use crate::cart::CartLine;
use crate::checkout::DiscountChoice;
use crate::notify::{Channel, Notification};
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::member::{Email, MobileKr, Password, Postcode, order_number, required_text};
use jangteo_core::order::{OrderEvent, OrderStatus, PaymentEvent, PaymentStatus};
use jangteo_core::time::business_date;
use jangteo_db::catalog::stock;
use jangteo_db::orders::{self, NewOrder, NewOrderEvent, NewOrderLine, OrderRow};
use jangteo_db::payments::{self, PaymentUpdate};
use jangteo_db::{Tx, promotions};
use jangteo_jobs::JobSpec;

/// The job that cancels an unpaid deposit order at its deadline.
pub const EXPIRE_DEPOSIT: &str = "orders.expire_deposit";

/// Payment methods offered at checkout.
pub const PAYMENT_METHODS: [&str; 5] = [
    "card",
    "transfer",
    "easy_pay",
    "virtual_account",
    "bank_deposit",
];

/// What the checkout form sends.
#[derive(Debug, Clone, Default)]
pub struct PlaceOrderInput {
    /// One order per token (double submits find the first order).
    pub checkout_token: String,
    /// Orderer.
    pub orderer_name: String,
    /// Orderer mobile.
    pub orderer_mobile: String,
    /// Orderer e-mail.
    pub orderer_email: String,
    /// Recipient.
    pub recipient_name: String,
    /// Recipient mobile.
    pub recipient_mobile: String,
    /// Postcode.
    pub postcode: String,
    /// Road address.
    pub address1: String,
    /// Detail.
    pub address2: String,
    /// Memo.
    pub delivery_memo: String,
    /// Method code.
    pub payment_method: String,
    /// Depositor (bank deposit).
    pub depositor_name: String,
    /// Discounts.
    pub discounts: DiscountChoice,
    /// Guest order password.
    pub guest_password: String,
    /// Again.
    pub guest_password_confirm: String,
    /// Agreement ticked.
    pub agree: bool,
    /// A guest's consent to the collection and use of the order's personal data (required
    /// without an account, whose sign-up consent covers it).
    pub agree_guest_privacy: bool,
    /// Save the address to the book.
    pub save_address: bool,
    /// The total the shopper saw; a different total now means something changed.
    pub expected_total: Option<i64>,
    /// Where the order comes from: `pc`, `mobile` (from the browser) or `api`.
    pub channel: String,
    /// Orders this guest's session started before: unpaid ones are dropped by the new order.
    pub earlier_guest_orders: Vec<String>,
}

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NextStep {
    /// Send the browser to the gateway's payment window.
    Pay(String),
    /// Show the completion page (deposit orders, or an order already paid).
    Complete,
}

/// A placed order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// Number.
    pub number: String,
    /// Next step.
    pub next: NextStep,
}

fn random_bytes<const N: usize>() -> AppResult<[u8; N]> {
    let mut raw = [0u8; N];
    getrandom::fill(&mut raw).map_err(|e| AppError::Other(format!("randomness: {e}")))?;
    Ok(raw)
}

/// An attempt id for the gateway (Toss `orderId`: 6–64 of `[A-Za-z0-9-_]`).
fn attempt_id(number: &str) -> AppResult<String> {
    Ok(format!("{number}-{}", hex::encode(random_bytes::<4>()?)))
}

pub(crate) async fn record_event(
    tx: &mut Tx,
    order: &OrderRow,
    event: &str,
    to: OrderStatus,
    actor: &Actor,
    note: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    orders::add_event(
        tx,
        order.id,
        &NewOrderEvent {
            event,
            from: Some(&order.status),
            to: to.as_str(),
            actor: &actor.label(),
            note,
        },
        now,
    )
    .await?;
    Ok(())
}

impl App {
    /// Places an order from the cart lines. Idempotent per `checkout_token`.
    pub async fn place_order(
        &self,
        member_id: Option<i64>,
        lines: &[CartLine],
        input: &PlaceOrderInput,
    ) -> AppResult<Placed> {
        if let Some(existing) =
            orders::find_by_checkout_token(&self.db, &input.checkout_token).await?
        {
            return self.placed_state(&existing).await;
        }
        let member = match member_id {
            Some(id) => Some(self.active_member(id).await?),
            None => None,
        };
        // Parse everything at the edge; collect every field's error at once.
        let mut errors = crate::members::FieldErrors::default();
        let orderer_name = errors.check("orderer_name", required_text(&input.orderer_name, 40));
        let orderer_mobile = errors.check("orderer_mobile", MobileKr::parse(&input.orderer_mobile));
        let orderer_email = errors.check("orderer_email", Email::parse(&input.orderer_email));
        let recipient_name =
            errors.check("recipient_name", required_text(&input.recipient_name, 40));
        let recipient_mobile =
            errors.check("recipient_mobile", MobileKr::parse(&input.recipient_mobile));
        let postcode = errors.check("postcode", Postcode::parse(&input.postcode));
        let address1 = errors.check("address1", required_text(&input.address1, 200));
        if input.address2.chars().count() > 200 {
            errors.add("address2", "too_long");
        }
        if input.delivery_memo.chars().count() > 100 {
            errors.add("delivery_memo", "too_long");
        }
        if !PAYMENT_METHODS.contains(&input.payment_method.as_str()) {
            errors.add("payment_method", "required");
        } else if !self
            .payment_methods()
            .await?
            .contains(&input.payment_method.as_str())
        {
            errors.add("payment_method", "method_unavailable");
        }
        let depositor = if input.payment_method == "bank_deposit" {
            errors.check("depositor_name", required_text(&input.depositor_name, 40))
        } else {
            None
        };
        let guest_password = if member.is_none() {
            let p = errors.check("guest_password", Password::parse(&input.guest_password));
            if p.is_some() && input.guest_password != input.guest_password_confirm {
                errors.add("guest_password_confirm", "password_mismatch");
            }
            p
        } else {
            None
        };
        if !input.agree {
            errors.add("agree", "consent_required");
        }
        if member.is_none() && !input.agree_guest_privacy {
            errors.add("agree_guest_privacy", "consent_required");
        }
        if input.checkout_token.len() < 16 || input.checkout_token.len() > 64 {
            errors.add("_form", "checkout_expired");
        }
        errors.finish()?;
        // The buyer left an earlier payment window: its stock comes back before this order
        // reserves its own.
        self.drop_superseded_payments(member_id, &input.earlier_guest_orders)
            .await?;
        let (Some(orderer_name), Some(orderer_mobile), Some(orderer_email), Some(recipient_name)) =
            (orderer_name, orderer_mobile, orderer_email, recipient_name)
        else {
            return Err(AppError::Other("validated checkout went missing".into()));
        };
        let (Some(recipient_mobile), Some(postcode), Some(address1)) =
            (recipient_mobile, postcode, address1)
        else {
            return Err(AppError::Other("validated address went missing".into()));
        };

        let now = Utc::now();
        let quote = self
            .quote(
                member.as_ref(),
                lines,
                &input.discounts,
                Some(postcode.as_str()),
                now,
            )
            .await?;
        let Some(breakdown) = quote.breakdown.clone() else {
            return Err(AppError::Conflict("cart_empty"));
        };
        if let Some(expected) = input.expected_total
            && expected != breakdown.total.get()
        {
            return Err(AppError::Conflict("total_changed"));
        }
        let guest_hash = match guest_password {
            Some(p) => Some(crate::demo::hash_password(p.expose().to_owned()).await?),
            None => None,
        };
        let method = input.payment_method.as_str();
        let is_bank = method == "bank_deposit";
        let deadline = matches!(method, "bank_deposit" | "virtual_account")
            .then(|| self.deposit_deadline(now));
        let number = order_number(business_date(now), random_bytes::<6>()?);
        let status = if is_bank {
            OrderStatus::AwaitingDeposit
        } else {
            OrderStatus::PendingPayment
        };
        let ordered: Vec<&crate::cart::CartLineView> = quote
            .lines
            .iter()
            .filter(|l| l.orderable && l.order_quantity > 0)
            .collect();

        let mut tx = self.db.begin().await?;
        let Some(order_id) = orders::insert(
            &mut tx,
            &NewOrder {
                number: &number,
                member_id,
                guest_password_hash: guest_hash.as_deref(),
                checkout_token: &input.checkout_token,
                status: status.as_str(),
                payment_method: method,
                orderer_name: &orderer_name,
                orderer_mobile: orderer_mobile.digits(),
                orderer_email: orderer_email.as_str(),
                recipient_name: &recipient_name,
                recipient_mobile: recipient_mobile.digits(),
                postcode: postcode.as_str(),
                address1: &address1,
                address2: input.address2.trim(),
                delivery_memo: input.delivery_memo.trim(),
                depositor_name: depositor.as_deref(),
                items_subtotal: breakdown.items_subtotal.get(),
                grade_discount: breakdown.grade_discount.get(),
                coupon_discount: breakdown.coupon_discount.get(),
                shipping_fee: breakdown.shipping_fee.get(),
                remote_surcharge: breakdown.remote_surcharge.get(),
                points_used: breakdown.points_used.get(),
                total: breakdown.total.get(),
                tax_free_amount: breakdown.tax_free_amount.get(),
                points_to_earn: breakdown.points_to_earn.get(),
                coupon_id: quote
                    .coupon
                    .as_ref()
                    .filter(|_| breakdown.coupon_discount.get() > 0)
                    .map(|c| c.id),
                grade_code: quote.grade.as_ref().map(|g| g.code.as_str()),
                deposit_deadline: deadline,
                channel: if jangteo_core::order::CHANNELS.contains(&input.channel.as_str()) {
                    input.channel.as_str()
                } else {
                    "pc"
                },
            },
            now,
        )
        .await?
        else {
            // A concurrent submit of the same form won: show its order.
            drop(tx);
            let existing = orders::find_by_checkout_token(&self.db, &input.checkout_token)
                .await?
                .ok_or(AppError::Conflict("checkout_expired"))?;
            return self.placed_state(&existing).await;
        };
        for (view, total) in ordered.iter().zip(&breakdown.lines) {
            if !stock::reserve(&mut tx, view.sku_id, view.order_quantity).await? {
                // Rolled back with the transaction: nothing was taken.
                return Err(AppError::Conflict("sold_out"));
            }
            orders::insert_line(
                &mut tx,
                order_id,
                &NewOrderLine {
                    sku_id: view.sku_id,
                    product_id: view.product_id,
                    product_name: &view.product_name,
                    product_slug: &view.product_slug,
                    option_label: &view.option_label,
                    sku_code: &view.sku_code,
                    unit_price: view.unit_price,
                    quantity: view.order_quantity,
                    subtotal: total.subtotal.get(),
                    grade_discount: total.grade_discount.get(),
                    coupon_discount: total.coupon_discount.get(),
                    points: total.points.get(),
                    total: total.total.get(),
                    is_gift: false,
                    gift_rule_id: None,
                    is_tax_free: view.is_tax_free,
                },
            )
            .await?;
        }
        for gift in &quote.gifts {
            // A gift that ran out meanwhile is simply not added; the order stands.
            if stock::reserve(&mut tx, gift.sku_id, 1).await? {
                orders::insert_line(
                    &mut tx,
                    order_id,
                    &NewOrderLine {
                        sku_id: gift.sku_id,
                        product_id: gift.product_id,
                        product_name: &gift.name,
                        product_slug: &gift.product_slug,
                        option_label: &gift.option_label,
                        sku_code: &gift.sku_code,
                        unit_price: 0,
                        quantity: 1,
                        subtotal: 0,
                        grade_discount: 0,
                        coupon_discount: 0,
                        points: 0,
                        total: 0,
                        is_gift: true,
                        gift_rule_id: Some(gift.rule_id),
                        is_tax_free: false,
                    },
                )
                .await?;
            }
        }
        if let (Some(coupon), Some(m)) = (&quote.coupon, &member)
            && breakdown.coupon_discount.get() > 0
            && !promotions::redeem(
                &mut tx,
                coupon.id,
                m.id,
                order_id,
                breakdown.coupon_discount.get(),
                coupon.per_member_limit,
                now,
            )
            .await?
        {
            return Err(AppError::Conflict("coupon_used_up"));
        }
        if let Some(m) = &member
            && breakdown.points_used.get() > 0
            && !promotions::add_points(
                &mut tx,
                m.id,
                -breakdown.points_used.get(),
                "order_use",
                Some(order_id),
                Some(&format!("use:{number}")),
                now,
            )
            .await?
        {
            return Err(AppError::Conflict("points_insufficient"));
        }
        orders::add_event(
            &mut tx,
            order_id,
            &NewOrderEvent {
                event: "placed",
                from: None,
                to: status.as_str(),
                actor: "buyer",
                note: "",
            },
            now,
        )
        .await?;
        let attempt = attempt_id(&number)?;
        let payment_id = payments::insert(
            &mut tx,
            order_id,
            self.gateway.name(),
            method,
            &attempt,
            breakdown.total.get(),
            now,
        )
        .await?;
        if is_bank {
            let bank = &self.config.checkout.bank_account;
            payments::update(
                &mut tx,
                payment_id,
                PaymentStatus::Ready.as_str(),
                &PaymentUpdate {
                    status: PaymentStatus::WaitingForDeposit.as_str(),
                    virtual_account: deadline.map(|d| {
                        (
                            bank.bank.as_str(),
                            bank.account.as_str(),
                            bank.holder.as_str(),
                            d,
                        )
                    }),
                    ..Default::default()
                },
                now,
            )
            .await?;
            self.after_deposit_requested(&mut tx, order_id, &number, deadline)
                .await?;
        }
        if input.save_address
            && let Some(m) = &member
        {
            jangteo_db::members::add_address(
                &mut tx,
                m.id,
                &jangteo_db::members::NewAddress {
                    label: "",
                    recipient: &recipient_name,
                    mobile: recipient_mobile.digits(),
                    postcode: postcode.as_str(),
                    address1: &address1,
                    address2: input.address2.trim(),
                    is_default: false,
                },
                now,
            )
            .await?;
        }
        tx.commit().await?;
        tracing::info!(order.number = %number, order.total = breakdown.total.get(), payment.method = method, "order placed");

        if is_bank {
            // The order mail carries the shop's account and the deadline; the member's cart
            // lines are taken out as for a paid order.
            self.after_order_settled(&number, "order_placed").await?;
            return Ok(Placed {
                number,
                next: NextStep::Complete,
            });
        }
        self.start_payment(&number).await
    }

    /// Schedules the deadline and sends the order-placed message for a deposit order.
    pub(crate) async fn after_deposit_requested(
        &self,
        tx: &mut Tx,
        _order_id: i64,
        number: &str,
        deadline: Option<DateTime<Utc>>,
    ) -> AppResult<()> {
        if let Some(deadline) = deadline {
            jangteo_jobs::enqueue(
                tx,
                &JobSpec::new(EXPIRE_DEPOSIT, serde_json::json!({ "number": number }))
                    .dedupe(format!("expire:{number}"))
                    .at(deadline),
            )
            .await?;
        }
        Ok(())
    }

    /// Where an existing order's checkout continues.
    async fn placed_state(&self, order: &OrderRow) -> AppResult<Placed> {
        if order.status == OrderStatus::PendingPayment.as_str() {
            return self.start_payment(&order.number).await;
        }
        Ok(Placed {
            number: order.number.clone(),
            next: NextStep::Complete,
        })
    }

    /// Gives back what a cancelled order held: stock of lines not yet cancelled, the coupon use,
    /// the points spent. Runs inside the transaction that cancels.
    pub(crate) async fn release_holds(
        &self,
        tx: &mut Tx,
        order: &OrderRow,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        for line in orders::lines_in(tx, order.id).await? {
            let left = line.quantity - line.quantity_cancelled;
            if let Some(sku) = line.sku_id
                && left > 0
            {
                stock::release(tx, sku, left).await?;
            }
        }
        orders::cancel_lines(tx, order.id).await?;
        promotions::release_redemption(tx, order.id, now).await?;
        if let Some(member) = order.member_id
            && order.points_used > 0
        {
            promotions::add_points(
                tx,
                member,
                order.points_used,
                "order_refund",
                Some(order.id),
                Some(&format!("refund:{}", order.number)),
                now,
            )
            .await?;
        }
        Ok(())
    }

    /// Records the refund of everything still paid for (the statistics count it on this day):
    /// each line's units not cancelled yet, and the rest (shipping) as shipping.
    async fn record_full_refund(
        &self,
        tx: &mut Tx,
        order: &OrderRow,
        refunded: i64,
        actor: &Actor,
        reason: &str,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        let lines: Vec<(i64, i64, i64)> = orders::lines_in(tx, order.id)
            .await?
            .iter()
            .map(|l| {
                let left = l.quantity - l.quantity_cancelled;
                let amount = jangteo_core::stats::share_of_units(
                    l.total,
                    l.quantity,
                    l.quantity_cancelled,
                    left,
                );
                (l.id, left, amount)
            })
            .collect();
        let goods: i64 = lines.iter().map(|l| l.2).sum();
        jangteo_db::refunds::insert(
            tx,
            &jangteo_db::refunds::NewRefund {
                order_id: order.id,
                amount: refunded,
                shipping_amount: (refunded - goods).max(0),
                points_restored: order.points_used,
                reason,
                actor: &actor.label(),
                lines: &lines,
            },
            now,
        )
        .await?;
        Ok(())
    }

    /// Cancels an order (buyer while awaiting deposit or paid; staff until shipped): refunds the
    /// payment through the gateway, releases stock, restores coupon and points.
    pub async fn cancel_order(&self, number: &str, actor: &Actor, reason: &str) -> AppResult<()> {
        let order = self.order_for(number, actor).await?;
        let status: OrderStatus = order.status.parse()?;
        let event = match actor {
            Actor::Staff(_) | Actor::System => OrderEvent::CancelledByStaff,
            _ => OrderEvent::CancelledByBuyer,
        };
        let next = status
            .apply(&event)
            .map_err(|_| AppError::Conflict("cannot_cancel"))?;
        let payment = payments::latest_for_order(&self.db, order.id).await?;
        let now = Utc::now();
        // Refund first: if the gateway refuses, nothing else changes.
        let mut refunded = 0;
        let mut payment_update: Option<(String, PaymentStatus)> = None;
        if let Some(p) = &payment {
            let p_status: PaymentStatus = p.status.parse()?;
            match p_status {
                PaymentStatus::Done | PaymentStatus::PartiallyCancelled
                    if p.method != "bank_deposit" =>
                {
                    let key = p
                        .payment_key
                        .clone()
                        .ok_or_else(|| AppError::Other("paid without a key".into()))?;
                    let remaining = p.approved_amount - p.cancelled_amount;
                    let reply = self
                        .gateway
                        .cancel(&jangteo_providers::payments::CancelRequest {
                            payment_key: key,
                            reason: reason.to_owned(),
                            amount: None,
                            idempotency_key: format!("cancel:{}", order.number),
                        })
                        .await
                        .map_err(|e| AppError::Other(format!("refund failed: {e}")))?;
                    refunded = remaining;
                    let next = p_status
                        .apply(PaymentEvent::Refunded {
                            remaining_after: reply.balance_amount.get(),
                        })
                        .map_err(|e| AppError::Other(e.to_string()))?;
                    payment_update = Some((reply.raw, next));
                }
                PaymentStatus::Done | PaymentStatus::PartiallyCancelled => {
                    // A bank deposit is refunded by staff to the buyer's account; record it.
                    refunded = p.approved_amount - p.cancelled_amount;
                    payment_update =
                        Some(("{\"manual_refund\":true}".into(), PaymentStatus::Cancelled));
                }
                PaymentStatus::Ready | PaymentStatus::WaitingForDeposit => {
                    payment_update = Some((
                        "{}".into(),
                        p_status
                            .apply(PaymentEvent::Voided)
                            .map_err(|e| AppError::Other(e.to_string()))?,
                    ));
                }
                _ => {}
            }
        }
        let mut tx = self.db.begin().await?;
        let Some(locked) = orders::lock_by_number(&mut tx, number).await? else {
            return Err(AppError::NotFound);
        };
        if !orders::transition(&mut tx, locked.id, status.as_str(), next.as_str(), now).await? {
            return Err(AppError::Conflict("cannot_cancel"));
        }
        if let (Some(p), Some((raw, p_next))) = (&payment, payment_update) {
            payments::record_event(
                &mut tx,
                &p.provider,
                &format!("cancel:{}", order.number),
                Some(p.id),
                "cancel",
                &raw,
                now,
            )
            .await?;
            payments::update(
                &mut tx,
                p.id,
                &p.status,
                &PaymentUpdate {
                    status: p_next.as_str(),
                    cancelled_amount: Some(p.cancelled_amount + refunded),
                    ..Default::default()
                },
                now,
            )
            .await?;
        }
        if refunded > 0 {
            self.record_full_refund(&mut tx, &locked, refunded, actor, reason, now)
                .await?;
        }
        self.release_holds(&mut tx, &locked, now).await?;
        record_event(&mut tx, &locked, event.name(), next, actor, reason, now).await?;
        self.notify_order(&mut tx, &locked, "cancelled", Some(refunded))
            .await?;
        tx.commit().await?;
        tracing::info!(order.number = %number, refund = refunded, "order cancelled");
        Ok(())
    }

    /// Applies a staff/system event without money moving (preparing, shipped, delivered).
    pub async fn advance_order(
        &self,
        number: &str,
        event: OrderEvent,
        actor: &Actor,
    ) -> AppResult<()> {
        let now = Utc::now();
        let mut tx = self.db.begin().await?;
        let Some(order) = orders::lock_by_number(&mut tx, number).await? else {
            return Err(AppError::NotFound);
        };
        let status: OrderStatus = order.status.parse()?;
        let next = status
            .apply(&event)
            .map_err(|_| AppError::Conflict("illegal_transition"))?;
        if !orders::transition(&mut tx, order.id, status.as_str(), next.as_str(), now).await? {
            return Err(AppError::Conflict("illegal_transition"));
        }
        if let OrderEvent::Shipped { carrier, waybill } = &event {
            orders::set_shipment(&mut tx, order.id, carrier, waybill).await?;
        }
        record_event(&mut tx, &order, event.name(), next, actor, "", now).await?;
        if matches!(event, OrderEvent::Delivered) {
            self.notify_order(&mut tx, &order, "delivered", None)
                .await?;
        }
        if matches!(event, OrderEvent::Shipped { .. })
            && let Some(shipped) = orders::lock_by_number(&mut tx, number).await?
        {
            self.notify_order(&mut tx, &shipped, "shipped", None)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The buyer confirms the purchase (구매확정): points are granted now.
    pub async fn confirm_purchase(&self, number: &str, actor: &Actor) -> AppResult<()> {
        let order = self.order_for(number, actor).await?;
        let now = Utc::now();
        let mut tx = self.db.begin().await?;
        let status: OrderStatus = order.status.parse()?;
        let next = status
            .apply(&OrderEvent::PurchaseConfirmed)
            .map_err(|_| AppError::Conflict("cannot_confirm"))?;
        if !orders::transition(&mut tx, order.id, status.as_str(), next.as_str(), now).await? {
            return Err(AppError::Conflict("cannot_confirm"));
        }
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
        }
        record_event(
            &mut tx,
            &order,
            OrderEvent::PurchaseConfirmed.name(),
            next,
            actor,
            "",
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
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

    /// Records an order message for the orderer.
    pub(crate) async fn notify_order(
        &self,
        tx: &mut Tx,
        order: &OrderRow,
        event: &str,
        refund: Option<i64>,
    ) -> AppResult<()> {
        let lines = orders::lines_in(tx, order.id).await?;
        let payment = payments::latest_for_order_in(tx, order.id).await?;
        let discount = order.grade_discount + order.coupon_discount + order.points_used;
        let mut context = serde_json::json!({
            "order": {
                "number": order.number,
                "url": format!("{}/orders/{}", self.config.base_url(), order.number),
                "placed_at": order.placed_at.to_rfc3339(),
                "items": lines.iter().map(|l| serde_json::json!({
                    "name": l.product_name, "option": l.option_label, "quantity": l.quantity, "total": l.total,
                })).collect::<Vec<_>>(),
                "items_total": order.items_subtotal,
                "discount": discount,
                "shipping_fee": order.shipping_fee + order.remote_surcharge,
                "total": order.total,
                "payment_method": payment_method_label(&order.payment_method),
                "carrier": order.carrier.as_deref().and_then(jangteo_core::carrier::carrier).map(|c| c.name),
                "waybill": order.waybill,
                "tracking_url": match (&order.carrier, &order.waybill) {
                    (Some(c), Some(w)) => jangteo_core::carrier::tracking_url(c, w),
                    _ => None,
                },
            },
        });
        if let (Some(c), Some(w)) = (&order.carrier, &order.waybill) {
            context["shipment"] = serde_json::json!({
                "carrier_name": jangteo_core::carrier::carrier(c).map_or(c.as_str(), |x| x.name),
                "waybill": w,
                "tracking_url": jangteo_core::carrier::tracking_url(c, w),
            });
        }
        if let Some(p) = &payment
            && let (Some(bank), Some(account), Some(holder), Some(deadline)) =
                (&p.va_bank, &p.va_account, &p.va_holder, p.va_deadline)
        {
            context["virtual_account"] = serde_json::json!({
                "bank": bank, "account": account, "holder": holder, "amount": p.amount, "deadline": deadline.to_rfc3339(),
            });
        }
        if matches!(event, "delivered" | "review_request") {
            // Reviews come later: the order page is where the buyer confirms and will review.
            context["review_url"] = serde_json::json!(format!(
                "{}/orders/{}",
                self.config.base_url(),
                order.number
            ));
            context["confirm_days"] = serde_json::json!(self.config.checkout.auto_confirm_days);
        }
        if let Some(amount) = refund {
            context["refund"] = serde_json::json!({
                "amount": amount,
                "method": payment_method_label(&order.payment_method),
                "expected": if order.payment_method == "card" { "카드사 사정에 따라 3~7 영업일" } else { "영업일 기준 1~3일" },
            });
        }
        self.notify(
            tx,
            &Notification {
                event: event.to_owned(),
                channel: Channel::Email,
                to: order.orderer_email.clone(),
                recipient_name: order.orderer_name.clone(),
                context,
                advertising: false,
                dedupe_key: Some(format!("{event}:{}:email", order.number)),
            },
        )
        .await?;
        Ok(())
    }
}

/// The Korean name of a payment method code.
pub fn payment_method_label(code: &str) -> &'static str {
    match code {
        "card" => "신용/체크카드",
        "transfer" => "실시간 계좌이체",
        "easy_pay" => "간편결제",
        "virtual_account" => "가상계좌",
        "bank_deposit" => "무통장입금",
        _ => "기타",
    }
}

impl App {
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
        Option<payments::PaymentRow>,
    )> {
        Ok((
            orders::lines(&self.db, order.id).await?,
            orders::events(&self.db, order.id).await?,
            payments::latest_for_order(&self.db, order.id).await?,
        ))
    }
}
