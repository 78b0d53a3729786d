//! 구매안전서비스 (escrow, 전자상거래법 제13조②10호, 제24조): a cash payment the buyer chose to
//! hold in the gateway's escrow. Shipping queues the registration of the carrier and waybill with
//! the gateway; the purchase confirmation queues the escrow's completion, which releases the money
//! to the shop. Both run as jobs (queued in the transaction of the order's move, retried while the
//! gateway is unreachable), and each is recorded once.

use crate::jobs::EscrowStep;
use crate::{App, AppError, AppResult};
use jangteo_db::payments::{self, PaymentRow};
use jangteo_db::{Tx, orders};
use jangteo_providers::payments::{EscrowShipment, PaymentError};

impl App {
    /// Queues `step` for order `number` when its payment is held in escrow (inside the
    /// transaction that ships or confirms the order).
    pub(crate) async fn queue_escrow_step(
        &self,
        tx: &mut Tx,
        order_id: jangteo_core::ids::OrderId,
        number: &str,
        step: EscrowStep,
    ) -> AppResult<()> {
        let Some(payment) = payments::latest_for_order(&mut *tx, order_id).await? else {
            return Ok(());
        };
        if !payment.escrow {
            return Ok(());
        }
        let job = crate::jobs::EscrowJob {
            number: number.to_owned(),
            step,
        };
        jangteo_jobs::enqueue(
            tx,
            &crate::jobs::spec(&job)?.dedupe(format!("escrow:{}:{number}", step.as_str())),
        )
        .await?;
        Ok(())
    }

    /// Runs an escrow step at the gateway and records it. A refusal is final (logged for staff);
    /// an unreachable gateway is an error, so the job tries again.
    pub(crate) async fn run_escrow_step(&self, number: &str, step: EscrowStep) -> AppResult<()> {
        let (order, payment) = self.order_and_payment(number).await?;
        let done = match step {
            EscrowStep::Shipment => payment.escrow_shipped_at.is_some(),
            EscrowStep::Completion => payment.escrow_completed_at.is_some(),
        };
        if !payment.escrow || done {
            return Ok(());
        }
        let gateway = self.gateway_named(&payment.provider).await?;
        let result = match step {
            EscrowStep::Shipment => {
                let shipment = shipment_of(&order, &payment, self.now())?;
                gateway.register_escrow_shipment(&shipment).await
            }
            EscrowStep::Completion => {
                if payment.escrow_shipped_at.is_none() {
                    // Completion waits for the shipment's registration (its own job).
                    return Err(AppError::Conflict("escrow_not_shipped"));
                }
                let reference = crate::orders::payments::payment_ref(&payment);
                gateway.complete_escrow(&reference).await
            }
        };
        match result {
            Ok(()) => {}
            Err(PaymentError::Rejected { code, message, .. }) => {
                tracing::error!(order.number = %number, step = step.as_str(), code = %code, message = %message, "the gateway refused an escrow step: settle it in the gateway's console");
                return Ok(());
            }
            Err(e) => return Err(AppError::gateway("an escrow step")(e)),
        }
        let now = self.now();
        let mut tx = self.db.begin().await?;
        match step {
            EscrowStep::Shipment => payments::mark_escrow_shipped(&mut tx, payment.id, now).await?,
            EscrowStep::Completion => {
                payments::mark_escrow_completed(&mut tx, payment.id, now).await?
            }
        };
        tx.commit().await?;
        tracing::info!(order.number = %number, step = step.as_str(), "escrow step done at the gateway");
        Ok(())
    }
}

/// The shipment of an order as the gateway's escrow takes it.
fn shipment_of(
    order: &orders::OrderRow,
    payment: &PaymentRow,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<EscrowShipment> {
    let (Some(carrier), Some(waybill)) = (&order.carrier, &order.waybill) else {
        return Err(AppError::Conflict("escrow_not_shipped"));
    };
    Ok(EscrowShipment {
        payment_key: payment
            .payment_key
            .clone()
            .unwrap_or_else(|| payment.attempt_id.clone()),
        attempt_id: payment.attempt_id.clone(),
        carrier: carrier.clone(),
        waybill: waybill.clone(),
        sent_at: now,
        receiver_name: order.recipient_name.clone(),
        receiver_mobile: order.recipient_mobile.clone(),
    })
}

/// Where an escrow payment stands (`held`, `shipped`, `completed`); `None` without escrow.
pub fn escrow_state(p: &PaymentRow) -> Option<&'static str> {
    if !p.escrow {
        return None;
    }
    Some(if p.escrow_completed_at.is_some() {
        "completed"
    } else if p.escrow_shipped_at.is_some() {
        "shipped"
    } else {
        "held"
    })
}
