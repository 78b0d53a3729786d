//! Deposits (가상계좌, 무통장입금): the gateway's deposit notice (verified by its secret and an
//! authoritative lookup, recorded only together with its effect), staff-confirmed bank deposits,
//! and the deadline that cancels an unpaid deposit order.

use super::lifecycle::{move_order, move_payment};
use crate::orders::Actor;
use crate::{App, AppError, AppResult};
use jangteo_core::Won;
use jangteo_core::ids::OrderId;
use jangteo_core::order::{OrderEvent, OrderStatus, PaymentEvent};
use jangteo_db::orders;
use jangteo_db::payments::{self, PaymentUpdate};
use jangteo_providers::payments::{
    GatewayStatus, HeaderMap, NoticeKind, PaymentError, WebhookNotice, secrets_match,
};

/// A gateway notice to store with its idempotency key.
struct StoredNotice<'a> {
    provider: &'a str,
    key: &'a str,
    payment_id: i64,
    raw: &'a str,
}

impl StoredNotice<'_> {
    /// Stores it; false when it was stored before (a replay).
    async fn record(
        &self,
        tx: &mut jangteo_db::Tx,
        now: chrono::DateTime<chrono::Utc>,
    ) -> AppResult<bool> {
        Ok(payments::record_event(
            tx,
            self.provider,
            self.key,
            Some(self.payment_id),
            "deposit_notice",
            self.raw,
            now,
        )
        .await?)
    }
}

impl App {
    /// A gateway's notice (`provider` names the gateway): a deposit verified by its secret, or
    /// a status change (signed or not); either is applied only after an authoritative lookup,
    /// and once. Returns whether anything changed.
    pub async fn handle_payment_webhook(
        &self,
        provider: &str,
        headers: &HeaderMap,
        body: &[u8],
    ) -> AppResult<bool> {
        let gateway = self
            .gateway_named(provider)
            .await
            .map_err(|_| AppError::NotFound)?;
        let notice = gateway.parse_webhook(headers, body).map_err(|e| {
            tracing::warn!(gateway = provider, error = %e, "webhook refused");
            AppError::Invalid(e.to_string())
        })?;
        let payment = payments::find_by_attempt(&self.db, &notice.attempt_id)
            .await?
            .filter(|p| p.provider == provider)
            .ok_or(AppError::NotFound)?;
        // A deposit notice proves itself with the payment's secret; a status change is unsigned
        // and only a lookup below can make it count.
        if notice.kind == NoticeKind::Deposit
            && !self.deposit_secret_matches(&payment, &notice).await?
        {
            tracing::warn!(payment.attempt = %notice.attempt_id, "deposit notice with a wrong secret refused");
            return Err(AppError::Conflict("webhook_unverified"));
        }
        if notice.kind == NoticeKind::StatusChanged && notice.status != GatewayStatus::Done {
            // Our own cancels and expiries come back this way: nothing to apply.
            return Ok(false);
        }
        let stored = StoredNotice {
            provider,
            key: &notice.idempotency_key,
            payment_id: payment.id,
            raw: &notice.raw,
        };
        if notice.status != GatewayStatus::Done {
            // Nothing to apply: keep it for the record (a replay stays a replay).
            let mut tx = self.db.begin().await?;
            stored.record(&mut tx, self.now()).await?;
            tx.commit().await?;
            return Ok(false);
        }
        // Authoritative state from the gateway itself, before anything is recorded: a failed
        // lookup answers non-200 and the gateway's retry is processed anew, never taken for a
        // replay of a notice whose deposit was not applied.
        let looked_up = gateway
            .lookup(&crate::orders::payments::payment_ref(&payment))
            .await
            .map_err(AppError::gateway("looking up a deposit"))?;
        if !looked_up.is_paid(payment.amount) {
            return Err(AppError::Conflict("webhook_unverified"));
        }
        self.settle_deposit(payment.order_id, &Actor::Gateway, Some(stored))
            .await
    }

    /// Whether a deposit notice carries the secret the gateway gave with the account.
    async fn deposit_secret_matches(
        &self,
        payment: &payments::PaymentRow,
        notice: &WebhookNotice,
    ) -> AppResult<bool> {
        let stored_secret = match payments::webhook_secret(&self.db, payment.id).await? {
            Some(sealed) if sealed.starts_with("v1.") => Some(
                String::from_utf8(
                    self.secrets
                        .open(&sealed, crate::orders::payments::WEBHOOK_SECRET_CONTEXT)?,
                )
                .map_err(|e| AppError::Other(format!("deposit secret: {e}")))?,
            ),
            // Stored in plain by an earlier version (still compared, never shown).
            plain => plain,
        };
        Ok(matches!((&stored_secret, &notice.secret), (Some(a), Some(b)) if secrets_match(a, b)))
    }

    /// Staff confirm a bank deposit (무통장입금) arrived.
    pub async fn confirm_bank_deposit(&self, number: &str, staff_email: &str) -> AppResult<bool> {
        let (order, payment) = self.order_and_payment(number).await?;
        if !payment.method.is_manual() {
            return Err(AppError::Conflict("not_bank_deposit"));
        }
        self.settle_deposit(order.id, &Actor::Staff(staff_email.to_owned()), None)
            .await
    }

    /// Marks the deposit of an order awaiting it as received; a gateway's notice is recorded in
    /// the same transaction, so it counts as processed only together with its effect.
    async fn settle_deposit(
        &self,
        order_id: OrderId,
        actor: &Actor,
        notice: Option<StoredNotice<'_>>,
    ) -> AppResult<bool> {
        let now = self.now();
        let mut tx = self.db.begin().await?;
        if let Some(n) = &notice
            && !n.record(&mut tx, self.now()).await?
        {
            return Ok(false);
        }
        let number = orders::number_of(&mut tx, order_id).await?;
        let Some(order) = orders::lock_by_number(&mut tx, &number).await? else {
            return Err(AppError::NotFound);
        };
        let Some(payment) = payments::latest_for_order(&mut tx, order.id).await? else {
            return Err(AppError::NotFound);
        };
        if order.status != OrderStatus::AwaitingDeposit {
            if notice.is_some() && order.status == OrderStatus::Cancelled {
                tracing::error!(order.number = %order.number, "a deposit arrived for a cancelled order: refund it or reopen the order");
            }
            // Keep the notice: the money's arrival is a fact even when the order moved on.
            tx.commit().await?;
            return Ok(false);
        }
        let update = PaymentUpdate {
            approved_amount: Some(payment.amount),
            approved_at: Some(now),
            ..Default::default()
        };
        move_payment(&mut tx, &payment, PaymentEvent::Deposited, update, now).await?;
        move_order(
            &mut tx,
            &order,
            &OrderEvent::DepositReceived,
            actor,
            "",
            now,
        )
        .await?;
        super::codes::issue_codes(&mut tx, &order, now).await?;
        tx.commit().await?;
        tracing::info!(order.number = %order.number, "deposit received");
        self.after_order_settled(&order.number, "payment_completed")
            .await?;
        Ok(true)
    }

    /// At the deadline, asks the gateway about a virtual account first: a deposit whose notice
    /// never arrived pays the order instead of cancelling it.
    async fn deposit_arrived_unnoticed(
        &self,
        order: &orders::OrderRow,
        payment: &payments::PaymentRow,
    ) -> AppResult<bool> {
        if order.status != OrderStatus::AwaitingDeposit || payment.method.is_manual() {
            return Ok(false);
        }
        match self.look_up_at_gateway(payment).await? {
            Ok(found) if found.is_paid(payment.amount) => {
                tracing::warn!(order.number = %order.number, "a deposit whose notice never arrived was found at the deadline");
                self.settle_deposit(order.id, &Actor::Gateway, None).await
            }
            // Unreachable: the job tries again rather than cancel a deposit it cannot see.
            Err(e @ PaymentError::Unavailable { .. }) => {
                Err(AppError::gateway("looking up a deposit at its deadline")(e))
            }
            _ => Ok(false),
        }
    }

    /// The deposit deadline passed: cancel the order and release what it held (a job runs this
    /// at the deadline; a late run after a deposit does nothing).
    pub async fn expire_deposit(&self, number: &str) -> AppResult<bool> {
        // Read once for both: the lookup of a lost deposit and the account's closing.
        if let Ok((order, payment)) = self.order_and_payment(number).await {
            if self.deposit_arrived_unnoticed(&order, &payment).await? {
                return Ok(false);
            }
            if order.deposit_deadline.is_none_or(|d| d <= self.now()) {
                self.close_virtual_account(&payment, "입금 기한 만료")
                    .await?;
            }
        }
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let Some(order) = orders::lock_by_number(&mut tx, number).await? else {
            return Ok(false);
        };
        if order.status != OrderStatus::AwaitingDeposit
            || order.deposit_deadline.is_some_and(|d| d > now)
        {
            return Ok(false);
        }
        if let Some(payment) = payments::latest_for_order(&mut tx, order.id).await?
            && payment.status.apply(PaymentEvent::DepositExpired).is_ok()
        {
            let update = PaymentUpdate::default();
            move_payment(&mut tx, &payment, PaymentEvent::DepositExpired, update, now).await?;
        }
        let event = OrderEvent::DepositExpired;
        move_order(&mut tx, &order, &event, &Actor::System, "", now).await?;
        self.release_holds(&mut tx, &order, now).await?;
        self.notify_order(&mut tx, &order, "cancelled", Some(Won::ZERO))
            .await?;
        tx.commit().await?;
        tracing::info!(order.number = %number, "deposit deadline passed; order cancelled");
        Ok(true)
    }
}
