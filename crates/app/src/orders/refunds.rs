//! The one refund path: full cancellation, partial cancellation and claims all refund through
//! [`App::refund_at_gateway`] (the gateway first, with an idempotency key; nothing is written if
//! it refuses) and record it with [`record_gateway_refund`] in the transaction of their change.
//! A bank deposit is refunded by staff to the buyer's account and only recorded. The points
//! that follow goods leaving an order are moved here too (the rule is core `loyalty`).

use super::lifecycle::move_payment;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::Won;
use jangteo_core::ids::OrderId;
use jangteo_core::loyalty::{GoodsLeaving, points_when_goods_leave};
use jangteo_core::order::{OrderStatus, PaymentEvent, PaymentStatus};
use jangteo_core::refund_account::refunds_to_an_account;
use jangteo_db::orders;
use jangteo_db::payments::{self, PaymentRow, PaymentUpdate};
use jangteo_db::promotions;
use jangteo_providers::payments::{CancelRequest, RefundAccount};

/// A refund the gateway has made (or, for a bank deposit, that staff make by hand), to be
/// recorded in the transaction of the change it belongs to.
#[derive(Debug, Clone)]
pub(crate) struct GatewayRefund {
    payment: PaymentRow,
    key: String,
    raw: String,
    /// Money refunded.
    pub amount: Won,
    /// The payment's move (`None`: nothing was refunded, 0 won).
    event: Option<PaymentEvent>,
}

/// Records a refund on its payment: the gateway's message under its key, the payment's move
/// and the amount cancelled so far. A refund of 0 won records nothing.
pub(crate) async fn record_gateway_refund(
    tx: &mut jangteo_db::Tx,
    refund: &GatewayRefund,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let Some(event) = refund.event else {
        return Ok(());
    };
    let payment = &refund.payment;
    payments::record_event(
        tx,
        &payment.provider,
        &refund.key,
        Some(payment.id),
        "cancel",
        &refund.raw,
        now,
    )
    .await?;
    let update = PaymentUpdate {
        cancelled_amount: Some(payment.cancelled_amount + refund.amount),
        ..Default::default()
    };
    move_payment(tx, payment, event, update, now).await?;
    // The 현금영수증 follows what is still paid.
    super::cash_receipts::queue_cash_receipt_sync(tx, payment.order_id).await?;
    Ok(())
}

impl App {
    /// Refunds `amount` won of an order's payment (`None`: everything still captured) through
    /// the gateway under the idempotency `key`; a bank deposit is refunded by staff and only
    /// recorded. Writes nothing: record the result with [`record_gateway_refund`] in the
    /// change's transaction, so that a refused refund changes nothing.
    pub(crate) async fn refund_at_gateway(
        &self,
        order_id: OrderId,
        amount: Option<Won>,
        reason: &str,
        key: &str,
    ) -> AppResult<GatewayRefund> {
        let payment = payments::latest_for_order(&self.db, order_id)
            .await?
            .ok_or(AppError::Conflict("cannot_cancel"))?;
        let status: PaymentStatus = payment.status;
        let captured = payment.approved_amount - payment.cancelled_amount;
        let amount = amount.unwrap_or(captured);
        if !matches!(
            status,
            PaymentStatus::Done | PaymentStatus::PartiallyCancelled
        ) || !(Won::ZERO..=captured).contains(&amount)
        {
            return Err(AppError::Conflict("cannot_cancel"));
        }
        // Cash goes back to an account the buyer named: none yet, no refund (staff see a to-do).
        let account = if amount > Won::ZERO && refunds_to_an_account(payment.method) {
            Some(
                self.refund_account(order_id)
                    .await?
                    .ok_or(AppError::Conflict("refund_account_missing"))?,
            )
        } else {
            None
        };
        let (raw, remaining_after) = if amount == Won::ZERO {
            ("{}".to_owned(), None)
        } else if payment.method.is_manual() {
            let raw = "{\"manual_refund\":true}".to_owned();
            (raw, Some((captured - amount).get()))
        } else {
            let payment_key = payment
                .payment_key
                .clone()
                .ok_or_else(|| AppError::Other("paid without a key".into()))?;
            let request = CancelRequest {
                payment_key,
                reason: reason.to_owned(),
                // The whole rest is asked for without an amount, as the gateways document.
                amount: (amount < captured).then_some(amount),
                idempotency_key: key.to_owned(),
                refund_account: account.map(|a| RefundAccount {
                    bank: a.bank,
                    number: a.number,
                    holder: a.holder,
                }),
                captured: Some(captured),
            };
            let gateway = self.gateway_named(&payment.provider).await?;
            let reply = gateway
                .cancel(&request)
                .await
                .map_err(AppError::gateway("refunding"))?;
            (reply.raw, Some(reply.balance_amount.get()))
        };
        Ok(GatewayRefund {
            payment,
            key: key.to_owned(),
            raw,
            amount,
            event: remaining_after
                .map(|remaining_after| PaymentEvent::Refunded { remaining_after }),
        })
    }
}

/// Moves the points when goods leave an order (core `loyalty::points_when_goods_leave`): the
/// points spent on them come back, the points the order earns shrink, and points already
/// granted are taken back as far as the member's balance goes, with the review rewards of lines
/// no unit is left of. `key` makes each movement happen once.
pub(crate) async fn points_follow_goods(
    tx: &mut jangteo_db::Tx,
    order: &jangteo_db::orders::OrderRow,
    status: OrderStatus,
    goods: &GoodsLeaving,
    key: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let moves = points_when_goods_leave(order.points_to_earn, status, goods);
    if moves.to_earn != order.points_to_earn {
        orders::set_points_to_earn(tx, order.id, moves.to_earn).await?;
    }
    let Some(member) = order.member_id else {
        return Ok(());
    };
    if moves.give_back > 0 {
        let dedupe = format!("refund:{key}");
        promotions::add_points(
            tx,
            member,
            moves.give_back,
            "order_refund",
            Some(order.id),
            Some(&dedupe),
            now,
        )
        .await?;
    }
    // A review reward of a line no unit is left of goes too.
    crate::reviews::take_back_review_rewards(tx, order.id.get(), now).await?;
    take_back_points(tx, order, moves.take_back, key, now).await
}

/// Takes back up to `take_back` points the order granted, as far as the member's balance goes;
/// `key` makes it happen once.
pub(crate) async fn take_back_points(
    tx: &mut jangteo_db::Tx,
    order: &jangteo_db::orders::OrderRow,
    take_back: i64,
    key: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let Some(member) = order.member_id else {
        return Ok(());
    };
    if take_back <= 0 {
        return Ok(());
    }
    let take = take_back.min(promotions::points_balance(&mut *tx, member).await?);
    if take > 0 {
        let dedupe = format!("return:{key}");
        promotions::add_points(
            tx,
            member,
            -take,
            "order_return",
            Some(order.id),
            Some(&dedupe),
            now,
        )
        .await?;
    }
    Ok(())
}
