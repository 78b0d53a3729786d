//! Orders whose immediate payment never finished (payment window closed, browser gone): they
//! hold stock, a coupon and points, so they expire after `checkout.payment_timeout_minutes`, and a
//! new order from the same buyer drops the earlier unpaid ones at once.

use crate::{App, AppResult};
use chrono::{DateTime, Duration, Utc};
use jangteo_core::order::{OrderStatus, PaymentStatus};
use jangteo_db::{orders, payments};
use jangteo_providers::payments::PaymentError;

/// Orders expired per chore run (the next minute takes the rest).
const EXPIRY_BATCH: i64 = 500;

impl App {
    /// How long an immediate payment may stay unfinished.
    pub fn payment_timeout(&self) -> Duration {
        Duration::minutes(self.config.checkout.payment_timeout_minutes.max(1))
    }

    /// Cancels every order whose payment window closed more than the timeout ago, releasing
    /// what it held. Returns how many expired.
    pub async fn expire_abandoned_payments(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let cutoff = now - self.payment_timeout();
        let numbers = orders::pending_payment_before(&self.db, cutoff, EXPIRY_BATCH).await?;
        let mut expired = 0;
        for number in numbers {
            if self
                .drop_unpaid(
                    &number,
                    "TIMEOUT",
                    "결제 시간이 지나 주문이 취소되었습니다.",
                )
                .await?
            {
                expired += 1;
            }
        }
        if expired > 0 {
            tracing::info!(orders.expired = expired, "abandoned payments expired");
        }
        Ok(expired)
    }

    /// Why a payment attempt failed, in the gateway's words (shown to the buyer who made it).
    pub async fn payment_failure_message(&self, attempt_id: &str) -> AppResult<Option<String>> {
        Ok(payments::find_by_attempt(&self.db, attempt_id)
            .await?
            .and_then(|p| p.failure_message))
    }

    /// The order a payment attempt belongs to.
    pub async fn order_number_of_attempt(&self, attempt_id: &str) -> AppResult<Option<String>> {
        match payments::find_by_attempt(&self.db, attempt_id).await? {
            Some(p) => Ok(Some(orders::number_by_id(&self.db, p.order_id).await?)),
            None => Ok(None),
        }
    }

    /// Before a buyer's new order: drops their earlier orders still waiting for an immediate
    /// payment (a member's by account, a guest's by the numbers their session started).
    pub(crate) async fn drop_superseded_payments(
        &self,
        member_id: Option<i64>,
        guest_numbers: &[String],
    ) -> AppResult<()> {
        let numbers = match member_id {
            Some(id) => orders::pending_payment_of_member(&self.db, id).await?,
            None => guest_numbers.to_vec(),
        };
        for number in numbers {
            let Some(order) = orders::find_by_number(&self.db, &number).await? else {
                continue;
            };
            if order.member_id != member_id {
                continue;
            }
            self.drop_unpaid(
                &number,
                "SUPERSEDED",
                "새 주문을 시작해 결제하지 않은 이전 주문을 취소했습니다.",
            )
            .await?;
        }
        Ok(())
    }

    /// Asks the gateway before an attempt is given up: a payment it approved (the shop went down
    /// between its approval and our record) is recorded as paid; an unreachable gateway leaves
    /// the order for the next run. True when the attempt may be failed.
    async fn gateway_says_unpaid(
        &self,
        order: &orders::OrderRow,
        payment: &payments::PaymentRow,
    ) -> AppResult<bool> {
        match self.look_up_at_gateway(payment).await? {
            Ok(found) if found.is_paid(payment.amount) => {
                tracing::warn!(order.number = %order.number, "an approval the shop had not recorded was found; the order is paid");
                if self.record_approval(order, payment, &found).await? {
                    self.after_order_settled(&order.number, "payment_completed")
                        .await?;
                }
                Ok(false)
            }
            Ok(_) | Err(PaymentError::Rejected { .. }) => Ok(true),
            Err(e) => {
                tracing::warn!(order.number = %order.number, error = %e, "the gateway cannot tell whether this payment went through; trying again later");
                Ok(false)
            }
        }
    }

    /// Fails the open payment attempt of an unpaid order (releasing its holds); false when the
    /// order is no longer waiting for payment.
    async fn drop_unpaid(&self, number: &str, code: &str, message: &str) -> AppResult<bool> {
        let Some(order) = orders::find_by_number(&self.db, number).await? else {
            return Ok(false);
        };
        if order.status != OrderStatus::PendingPayment {
            return Ok(false);
        }
        let Some(payment) = payments::latest_for_order(&self.db, order.id).await? else {
            return Ok(false);
        };
        if payment.status != PaymentStatus::Ready {
            return Ok(false);
        }
        if !self.gateway_says_unpaid(&order, &payment).await? {
            return Ok(false);
        }
        self.fail_payment(&payment.attempt_id, code, message)
            .await?;
        let after = orders::find_by_number(&self.db, number).await?;
        Ok(after.is_some_and(|o| o.status == OrderStatus::Cancelled))
    }
}
