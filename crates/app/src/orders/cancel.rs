//! Cancelling a whole order: the refund first (nothing changes if the gateway refuses), then in
//! one transaction the order's move, the payment's, the refund record, and everything the order
//! held given back (stock, coupon, points).

use super::Actor;
use super::lifecycle::{self, move_order};
use super::refunds::{GatewayRefund, record_gateway_refund, take_back_points};
use crate::pins::issued_codes;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::Won;
use jangteo_core::digital::cancel_event;
use jangteo_core::order::{OrderStatus, PaymentEvent, PaymentStatus};
use jangteo_db::catalog::stock;
use jangteo_db::orders::{self, OrderRow};
use jangteo_db::payments::{self as payment_rows, PaymentRow, PaymentUpdate};
use jangteo_db::{Tx, promotions};
use jangteo_providers::payments::{CancelRequest, PaymentError};

impl App {
    /// Cancels an order (buyer while awaiting deposit or paid; staff until shipped): refunds the
    /// payment through the gateway, releases stock, restores coupon and points.
    pub async fn cancel_order(&self, number: &str, actor: &Actor, reason: &str) -> AppResult<()> {
        let order = self.order_to_refund(number, actor).await?;
        // Goods already on their way cannot be cancelled: the rest can, in part.
        if !jangteo_db::shipments::shipped_lines(&self.db, order.id.get())
            .await?
            .is_empty()
        {
            return Err(AppError::Conflict("partly_shipped"));
        }
        let by_staff = matches!(actor, Actor::Staff(_) | Actor::System);
        // Asked before any money moves: a refused cancellation refunds nothing. An order whose
        // gift-card codes were issued is withdrawn, by the buyer only before seeing a code.
        let event = cancel_event(order.status, by_staff, self.pin_summary(&order).await?)
            .map_err(|refusal| AppError::Conflict(refusal.code()))?;
        order.status.apply(&event)?;
        let payment = payment_rows::latest_for_order(&self.db, order.id).await?;
        // Asked again under the lock for PINs, which stay held until the order moves: a reveal
        // while the gateway refunds would leave a refunded buyer holding seen codes. Nothing
        // that can fail stands between the hold and the refund, which lifts or keeps it.
        let held = self
            .hold_codes(number, |locked, sold| {
                if locked.status != order.status {
                    return Err(AppError::Conflict("cannot_cancel"));
                }
                cancel_event(locked.status, by_staff, issued_codes(sold))
                    .map(drop)
                    .map_err(|refusal| AppError::Conflict(refusal.code()))
            })
            .await?;
        let refund = self.money_back(&order, payment.as_ref(), reason);
        let refund = self
            .refund_while_held(&order, held, refund, Option::is_some)
            .await?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let Some(locked) = orders::lock_by_number(&mut tx, number).await? else {
            return Err(AppError::NotFound);
        };
        if locked.status != order.status {
            return Err(AppError::Conflict("cannot_cancel"));
        }
        move_order(&mut tx, &locked, &event, actor, reason, now).await?;
        let data = crate::webhooks::order_data(&locked, "cancelled");
        self.emit_webhook(&mut tx, "order.cancelled", &locked.number, data)
            .await?;
        let refunded = match (&refund, &payment) {
            (Some(refund), _) => {
                record_gateway_refund(&mut tx, refund, now).await?;
                refund.amount
            }
            (None, Some(p)) => {
                void_unpaid(&mut tx, p, &order.number, now).await?;
                Won::ZERO
            }
            (None, None) => Won::ZERO,
        };
        if refunded > Won::ZERO {
            self.record_full_refund(&mut tx, &locked, refunded, actor, reason, now)
                .await?;
        }
        self.release_holds(&mut tx, &locked, now).await?;
        if locked.status == OrderStatus::Completed {
            // Codes withdrawn after a confirmed purchase: the points it granted go back (after
            // the points it spent came back, so the balance covers them).
            let key = format!("cancel:{number}");
            take_back_points(&mut tx, &locked, locked.points_to_earn, &key, now).await?;
        }
        self.notify_order(&mut tx, &locked, "cancelled", Some(refunded))
            .await?;
        tx.commit().await?;
        tracing::info!(order.number = %number, refund = refunded.get(), "order cancelled");
        Ok(())
    }

    /// Gives the buyer's money back at the gateway: a captured payment is refunded, a virtual
    /// account still waiting is closed. Nothing has changed here when it fails.
    async fn money_back(
        &self,
        order: &OrderRow,
        payment: Option<&PaymentRow>,
        reason: &str,
    ) -> AppResult<Option<GatewayRefund>> {
        match payment {
            Some(p) if is_captured(p)? => {
                let key = format!("cancel:{}", order.number);
                Ok(Some(
                    self.refund_at_gateway(order.id, None, reason, &key).await?,
                ))
            }
            Some(p) => {
                self.close_virtual_account(p, reason).await?;
                Ok(None)
            }
            None => Ok(None),
        }
    }

    /// Closes a virtual account still waiting for its deposit at the gateway, so no deposit can
    /// arrive for an order that no longer wants it (one already closed there is fine).
    pub(crate) async fn close_virtual_account(
        &self,
        payment: &PaymentRow,
        reason: &str,
    ) -> AppResult<()> {
        let (PaymentStatus::WaitingForDeposit, Some(key)) = (payment.status, &payment.payment_key)
        else {
            return Ok(());
        };
        let gateway = self.gateway_named(&payment.provider).await?;
        let request = CancelRequest {
            payment_key: key.clone(),
            reason: reason.to_owned(),
            amount: None,
            idempotency_key: format!("close:{}", payment.attempt_id),
            refund_account: None,
            captured: None,
        };
        match gateway.cancel(&request).await {
            Ok(_) => Ok(()),
            Err(PaymentError::Rejected { code, .. }) => {
                tracing::info!(payment.attempt = %payment.attempt_id, code = %code, "the virtual account was already closed at the gateway");
                Ok(())
            }
            Err(e) => Err(AppError::gateway("closing a virtual account")(e)),
        }
    }

    /// Gives back what a cancelled order held: stock of lines not yet cancelled, the coupon use,
    /// the points spent. Runs inside the transaction that cancels.
    pub(crate) async fn release_holds(
        &self,
        tx: &mut Tx,
        order: &OrderRow,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        // Unseen PINs go back to their pools; seen ones stay sold, and so out of stock.
        let seen = jangteo_db::pins::release_unseen(tx, order.id.get(), now).await?;
        jangteo_db::pin_holds::release(tx, order.id.get()).await?;
        for line in orders::lines(&mut *tx, order.id).await? {
            let kept = seen
                .iter()
                .find(|(l, _)| *l == line.id)
                .map_or(0, |(_, n)| *n);
            let left = line.quantity - line.quantity_cancelled - kept;
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
        refunded: Won,
        actor: &Actor,
        reason: &str,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        let lines: Vec<(i64, i64, Won)> = orders::lines(&mut *tx, order.id)
            .await?
            .iter()
            .map(|l| {
                let units = l.units();
                let refund = units.refund_of(units.left());
                (refund.line_id, refund.units, refund.amount)
            })
            .collect();
        let goods: Won = lines.iter().map(|l| l.2).sum();
        jangteo_db::refunds::insert(
            tx,
            &jangteo_db::refunds::NewRefund {
                order_id: order.id,
                amount: refunded,
                shipping_amount: (refunded - goods).max(Won::ZERO),
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
}

/// Whether the attempt holds money that a cancellation must give back.
fn is_captured(payment: &PaymentRow) -> AppResult<bool> {
    let status: PaymentStatus = payment.status;
    Ok(matches!(
        status,
        PaymentStatus::Done | PaymentStatus::PartiallyCancelled
    ))
}

/// Gives up an attempt no money reached (a payment window or deposit still awaited).
async fn void_unpaid(
    tx: &mut Tx,
    payment: &PaymentRow,
    number: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let status: PaymentStatus = payment.status;
    if !matches!(
        status,
        PaymentStatus::Ready | PaymentStatus::WaitingForDeposit
    ) {
        return Ok(());
    }
    let key = format!("cancel:{number}");
    payment_rows::record_event(
        tx,
        &payment.provider,
        &key,
        Some(payment.id),
        "cancel",
        "{}",
        now,
    )
    .await?;
    lifecycle::move_payment(
        tx,
        payment,
        PaymentEvent::Voided,
        PaymentUpdate::default(),
        now,
    )
    .await?;
    Ok(())
}
