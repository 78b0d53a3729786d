//! Placing an order: the checkout form is parsed at the edge ([`parse_checkout`]), then one
//! transaction snapshots the lines, reserves stock,
//! redeems the coupon and points, opens the payment attempt and, for a bank deposit, hands out
//! the shop's account. Idempotent per checkout token.

use super::checkout_form::{
    Buyer, CheckoutForm, GuestSecret, PlaceOrderInput, ShipTo, parse_checkout,
};
use super::{NextStep, Placed, attempt_id, lifecycle};
use crate::auth::tokens::random_bytes;
use crate::checkout::Quote;
use crate::gift_limits::GiftCardRecheck;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::Won;
use jangteo_core::digital::Contents;
use jangteo_core::ids::OrderId;
use jangteo_core::member::order_number;
use jangteo_core::order::{OrderStatus, PaymentEvent};
use jangteo_core::pricing::Breakdown;
use jangteo_core::time::business_date;
use jangteo_db::catalog::stock;
use jangteo_db::orders::{self, NewOrder, NewOrderEvent, NewOrderLine};
use jangteo_db::payments::{self, PaymentUpdate};
use jangteo_db::{Tx, members, promotions};

/// What the order is opened with, decided before the transaction.
struct Opening<'a> {
    number: String,
    /// The gateway the payment goes through (read before the transaction: reading it needs a
    /// connection of its own).
    gateway: &'static str,
    /// The payment goes into the gateway's escrow (asked for, and the gateway can).
    escrow: bool,
    status: OrderStatus,
    deadline: Option<DateTime<Utc>>,
    guest_hash: Option<String>,
    checkout_token: &'a str,
}

impl App {
    /// Places an order from the cart lines. Idempotent per `checkout_token`.
    pub async fn place_order(
        &self,
        member_id: Option<i64>,
        lines: &[crate::cart::CartLine],
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
        let enabled = self.payment_methods().await?;
        let buyer = self
            .buyer(member_id, lines, input.identity.as_ref())
            .await?;
        let form = parse_checkout(input, buyer, &enabled)?;
        // The buyer left an earlier payment window: its stock comes back before this order
        // reserves its own.
        self.drop_superseded_payments(member_id, &input.earlier_guest_orders)
            .await?;
        let now = self.now();
        let quote = self
            .quote(
                member.as_ref(),
                lines,
                &input.discounts,
                form.ship_to.as_ref().map(|t| t.postcode.as_str()),
                now,
            )
            .await?;
        let (breakdown, recheck) = self
            .agreed_breakdown(&quote, input, &form, member_id)
            .await?;
        let opening = self
            .opening(
                &form,
                &input.checkout_token,
                &input.earlier_guest_orders,
                now,
            )
            .await?;
        let tx = self.db.begin().await?;
        let mut tx = self.still_within_limits(tx, recheck.as_ref(), now).await?;
        let Some(order_id) =
            insert_order(&mut tx, &form, &opening, member_id, &quote, &breakdown, now).await?
        else {
            // A concurrent submit of the same form won: show its order.
            drop(tx);
            let existing = orders::find_by_checkout_token(&self.db, &input.checkout_token)
                .await?
                .ok_or(AppError::Conflict("checkout_expired"))?;
            return self.placed_state(&existing).await;
        };
        reserve_lines(&mut tx, order_id, &quote, &breakdown).await?;
        if let Some(m) = &member {
            redeem_discounts(&mut tx, order_id, m.id, &quote, &breakdown, &opening, now).await?;
        }
        self.open_payment(&mut tx, order_id, &form, &opening, breakdown.total, now)
            .await?;
        if input.save_address
            && let (Some(m), Some(ship_to)) = (&member, &form.ship_to)
        {
            save_address(&mut tx, m.id, ship_to, now).await?;
        }
        tx.commit().await?;
        let number = opening.number;
        tracing::info!(order.number = %number, order.total = breakdown.total.get(), payment.method = form.method.as_str(), "order placed");
        if opening.status == OrderStatus::AwaitingDeposit {
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

    /// The quote's breakdown, when it is the total the shopper saw and, for gift cards, within
    /// the owner's limits (checked before anything is reserved; a member's purchase is checked
    /// again inside the order's transaction with what it returns).
    async fn agreed_breakdown(
        &self,
        quote: &Quote,
        input: &PlaceOrderInput,
        form: &CheckoutForm,
        member_id: Option<i64>,
    ) -> AppResult<(Breakdown, Option<GiftCardRecheck>)> {
        let breakdown = quote
            .breakdown
            .clone()
            .ok_or(AppError::Conflict("cart_empty"))?;
        if input
            .expected_total
            .is_some_and(|seen| seen != breakdown.total.get())
        {
            return Err(AppError::Conflict("total_changed"));
        }
        if form.ship_to.is_none() {
            let purchase = crate::gift_limits::GiftCardPurchase {
                member_id,
                amount: breakdown.total,
                depositor: form.depositor.as_deref(),
                identity: input.identity.as_ref(),
                checkout_token: &input.checkout_token,
            };
            let recheck = self.check_gift_card_purchase(purchase).await?;
            return Ok((breakdown, recheck));
        }
        Ok((breakdown, None))
    }

    /// Who buys and whether anything ships; gift cards mixed with goods are refused, and so is
    /// a buyer whose 본인인증 in this session (`identity`) does not meet what the lines ask.
    async fn buyer(
        &self,
        member_id: Option<i64>,
        lines: &[crate::cart::CartLine],
        identity: Option<&crate::identity::IdentityProof>,
    ) -> AppResult<Buyer> {
        let views = self.view_cart_lines(lines).await?;
        let contents = crate::checkout::ordered_contents(&views);
        if contents == Contents::Mixed {
            return Err(AppError::Conflict("gift_cards_alone"));
        }
        let needs = self.identity_needs(&views).await?;
        self.check_buyer_identity(needs, identity, member_id)
            .await?;
        Ok(Buyer {
            is_member: member_id.is_some(),
            ships: contents.ships(),
        })
    }

    /// The password hash of the guest's latest earlier order in this session (`earlier`, granted
    /// to the session), for a guest who left the password empty after a payment that did not go
    /// through; without one the password is required.
    async fn earlier_guest_hash(&self, earlier: &[String]) -> AppResult<String> {
        for number in earlier.iter().rev() {
            if let Some(order) = orders::find_by_number(&self.db, number).await?
                && order.member_id.is_none()
                && let Some(hash) = order.guest_password_hash
            {
                return Ok(hash);
            }
        }
        Err(AppError::field("guest_password", "required"))
    }

    /// The number, first status, deposit deadline and guest password hash of a new order.
    async fn opening<'a>(
        &self,
        form: &CheckoutForm,
        checkout_token: &'a str,
        earlier: &[String],
        now: DateTime<Utc>,
    ) -> AppResult<Opening<'a>> {
        let guest_hash = match &form.guest_password {
            Some(GuestSecret::Typed(p)) => {
                Some(crate::auth::passwords::hash_password(p.expose().to_owned()).await?)
            }
            Some(GuestSecret::AsBefore) => Some(self.earlier_guest_hash(earlier).await?),
            None => None,
        };
        let gateway = self.gateway_for_method(form.method).await?;
        Ok(Opening {
            number: order_number(business_date(now), random_bytes::<6>()?),
            gateway: gateway.name(),
            escrow: form.escrow && gateway.supports_escrow(),
            status: if form.method.is_manual() {
                OrderStatus::AwaitingDeposit
            } else {
                OrderStatus::PendingPayment
            },
            deadline: form
                .method
                .is_deferred()
                .then(|| self.deposit_deadline(now)),
            guest_hash,
            checkout_token,
        })
    }

    /// Opens the payment attempt; a bank deposit waits at once on the shop's own account (its
    /// deadline job is scheduled in the same transaction).
    async fn open_payment(
        &self,
        tx: &mut Tx,
        order_id: OrderId,
        form: &CheckoutForm,
        opening: &Opening<'_>,
        total: Won,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        let attempt = attempt_id(&opening.number)?;
        let new = payments::NewPayment {
            order_id,
            provider: opening.gateway,
            method: form.method,
            attempt_id: &attempt,
            amount: total,
            escrow: opening.escrow,
        };
        payments::insert(tx, &new, now).await?;
        if let Some((kind, digits)) = &form.cash_receipt {
            let (sealed, hint) = self.seal_receipt_identity(digits)?;
            let identity = Some((sealed.as_str(), hint.as_str()));
            jangteo_db::cash_receipts::request(tx, order_id, kind.as_str(), identity, now).await?;
        }
        if opening.status != OrderStatus::AwaitingDeposit {
            return Ok(());
        }
        let payment = payments::latest_for_order(&mut *tx, order_id)
            .await?
            .ok_or(AppError::Other("payment attempt went missing".into()))?;
        let bank = &self.config.checkout.bank_account;
        let account = opening.deadline.map(|d| {
            (
                bank.bank.as_str(),
                bank.account.as_str(),
                bank.holder.as_str(),
                d,
            )
        });
        let update = PaymentUpdate {
            virtual_account: account,
            ..Default::default()
        };
        lifecycle::move_payment(
            tx,
            &payment,
            PaymentEvent::VirtualAccountIssued,
            update,
            now,
        )
        .await?;
        self.after_deposit_requested(tx, &opening.number, opening.deadline)
            .await
    }
}

/// Inserts the order row and its "placed" timeline entry; `None` when a concurrent submit of
/// the same checkout token inserted it first.
async fn insert_order(
    tx: &mut Tx,
    form: &CheckoutForm,
    opening: &Opening<'_>,
    member_id: Option<i64>,
    quote: &Quote,
    breakdown: &Breakdown,
    now: DateTime<Utc>,
) -> AppResult<Option<OrderId>> {
    let coupon_id = quote
        .coupon
        .as_ref()
        .filter(|_| breakdown.coupon_discount.get() > 0)
        .map(|c| c.id);
    let new = NewOrder {
        number: &opening.number,
        member_id,
        guest_password_hash: opening.guest_hash.as_deref(),
        checkout_token: opening.checkout_token,
        status: opening.status,
        payment_method: form.method,
        orderer_name: &form.orderer_name,
        orderer_mobile: form.orderer_mobile.digits(),
        orderer_email: form.orderer_email.as_str(),
        // Gift-card codes go to the orderer: no recipient, no address.
        recipient_name: form
            .ship_to
            .as_ref()
            .map_or(&form.orderer_name, |t| &t.recipient_name),
        recipient_mobile: form
            .ship_to
            .as_ref()
            .map_or(&form.orderer_mobile, |t| &t.recipient_mobile)
            .digits(),
        postcode: form.ship_to.as_ref().map_or("", |t| t.postcode.as_str()),
        address1: form.ship_to.as_ref().map_or("", |t| &t.address1),
        address2: form.ship_to.as_ref().map_or("", |t| &t.address2),
        delivery_memo: form.ship_to.as_ref().map_or("", |t| &t.delivery_memo),
        depositor_name: form.depositor.as_deref(),
        items_subtotal: breakdown.items_subtotal,
        grade_discount: breakdown.grade_discount,
        coupon_discount: breakdown.coupon_discount,
        shipping_fee: breakdown.shipping_fee,
        remote_surcharge: breakdown.remote_surcharge,
        points_used: breakdown.points_used.get(),
        total: breakdown.total,
        tax_free_amount: breakdown.tax_free_amount,
        points_to_earn: breakdown.points_to_earn.get(),
        coupon_id,
        grade_code: quote.grade.as_ref().map(|g| g.code.as_str()),
        deposit_deadline: opening.deadline,
        channel: form.channel,
    };
    let Some(order_id) = orders::insert(tx, &new, now).await? else {
        return Ok(None);
    };
    let placed = NewOrderEvent {
        event: "placed",
        from: None,
        to: opening.status,
        actor: "buyer",
        note: "",
    };
    orders::add_event(tx, order_id, &placed, now).await?;
    Ok(Some(order_id))
}

/// Snapshots the orderable lines and reserves their stock (all or nothing), then the gifts
/// (a gift that ran out meanwhile is simply left out).
async fn reserve_lines(
    tx: &mut Tx,
    order_id: OrderId,
    quote: &Quote,
    breakdown: &Breakdown,
) -> AppResult<()> {
    let ordered = quote
        .lines
        .iter()
        .filter(|l| l.orderable && l.order_quantity > 0);
    for (view, total) in ordered.zip(&breakdown.lines) {
        if !stock::reserve(tx, view.sku_id, view.order_quantity).await? {
            // Rolled back with the transaction: nothing was taken.
            return Err(AppError::Conflict("sold_out"));
        }
        let line = NewOrderLine {
            sku_id: view.sku_id,
            product_id: view.product_id,
            product_name: &view.product_name,
            product_slug: &view.product_slug,
            option_label: &view.option_label,
            sku_code: &view.sku_code,
            unit_price: Won(view.unit_price),
            quantity: view.order_quantity,
            subtotal: total.subtotal,
            grade_discount: total.grade_discount,
            coupon_discount: total.coupon_discount,
            points: total.points.get(),
            total: total.total,
            is_gift: false,
            gift_rule_id: None,
            is_tax_free: view.is_tax_free,
        };
        orders::insert_line(tx, order_id, &line).await?;
    }
    for gift in &quote.gifts {
        if !stock::reserve(tx, gift.sku_id, 1).await? {
            continue;
        }
        let line = NewOrderLine {
            sku_id: gift.sku_id,
            product_id: gift.product_id,
            product_name: &gift.name,
            product_slug: &gift.product_slug,
            option_label: &gift.option_label,
            sku_code: &gift.sku_code,
            unit_price: Won::ZERO,
            quantity: 1,
            subtotal: Won::ZERO,
            grade_discount: Won::ZERO,
            coupon_discount: Won::ZERO,
            points: 0,
            total: Won::ZERO,
            is_gift: true,
            gift_rule_id: Some(gift.rule_id),
            is_tax_free: false,
        };
        orders::insert_line(tx, order_id, &line).await?;
    }
    Ok(())
}

/// Redeems a member's coupon and takes the points spent (either refused: the whole order is).
async fn redeem_discounts(
    tx: &mut Tx,
    order_id: OrderId,
    member_id: i64,
    quote: &Quote,
    breakdown: &Breakdown,
    opening: &Opening<'_>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let coupon_discount = breakdown.coupon_discount;
    if let Some(coupon) = &quote.coupon
        && coupon_discount > Won::ZERO
        && !promotions::redeem(
            tx,
            coupon.id,
            member_id,
            order_id,
            coupon_discount,
            coupon.per_member_limit,
            now,
        )
        .await?
    {
        return Err(AppError::Conflict("coupon_used_up"));
    }
    let points = breakdown.points_used.get();
    if points > 0
        && !promotions::add_points(
            tx,
            member_id,
            -points,
            "order_use",
            Some(order_id),
            Some(&format!("use:{}", opening.number)),
            now,
        )
        .await?
    {
        return Err(AppError::Conflict("points_insufficient"));
    }
    Ok(())
}

/// Adds the recipient's address to the member's book.
async fn save_address(
    tx: &mut Tx,
    member_id: i64,
    to: &ShipTo,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let address = members::NewAddress {
        label: "",
        recipient: &to.recipient_name,
        mobile: to.recipient_mobile.digits(),
        postcode: to.postcode.as_str(),
        address1: &to.address1,
        address2: &to.address2,
        is_default: false,
    };
    members::add_address(tx, member_id, &address, now).await?;
    Ok(())
}
