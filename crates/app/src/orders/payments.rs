//! Payment flows over the gateway trait: start (redirect or virtual account), the browser's
//! return (amount checked against the order before and after confirm), failures, the test
//! gateway's window (deposits are in `deposits`). Every gateway message is stored with its
//! idempotency key in the transaction of the change it makes; a replay changes nothing.

use super::lifecycle::{move_order, move_payment};
use crate::orders::{Actor, NextStep, PaymentWindow, Placed};
use crate::{App, AppError, AppResult};
use jangteo_core::Won;
use jangteo_core::order::{OrderEvent, OrderStatus, PaymentEvent, PaymentStatus};
use jangteo_core::payment::PaymentMethod;
use jangteo_db::orders::{self, OrderRow};
use jangteo_db::payments::{self, PaymentRow, PaymentUpdate};
use jangteo_providers::payments::{
    CancelRequest, ConfirmRequest, GatewayPayment, GatewayStatus, PayMethod, PaymentError,
    PaymentGateway, PaymentRef, PaymentRequest, PaymentStart, VirtualAccount,
};

/// What a payment's deposit-notice secret is sealed for (the AEAD context).
pub(crate) const WEBHOOK_SECRET_CONTEXT: &str = "payment.webhook_secret";

/// A virtual account as the gateway issued it.
struct IssuedAccount<'a> {
    payment_key: &'a str,
    account: &'a VirtualAccount,
    webhook_secret: Option<&'a str>,
    raw: &'a str,
}

impl App {
    /// The payment as its own gateway reports it now (the outer error: the gateway is not
    /// configured; the inner one: the gateway's answer).
    pub(crate) async fn look_up_at_gateway(
        &self,
        payment: &PaymentRow,
    ) -> AppResult<Result<GatewayPayment, PaymentError>> {
        let gateway = self.gateway_named(&payment.provider).await?;
        Ok(gateway.lookup(&payment_ref(payment)).await)
    }
}

/// How the gateway finds a payment of ours.
pub(crate) fn payment_ref(payment: &PaymentRow) -> PaymentRef {
    PaymentRef {
        attempt_id: payment.attempt_id.clone(),
        payment_key: payment.payment_key.clone(),
    }
}

/// Confirms, or finds the payment approved already (an answer lost on the way, a return
/// reloaded): the gateway is asked before anything is retried or failed, so a buyer is never
/// charged twice nor a paid order cancelled.
async fn confirm_or_find(
    gateway: &dyn PaymentGateway,
    request: &ConfirmRequest,
    payment: &PaymentRow,
) -> Result<GatewayPayment, PaymentError> {
    let error = match gateway.confirm(request).await {
        Ok(confirmed) => return Ok(confirmed),
        Err(e) => e,
    };
    match gateway.lookup(&payment_ref(payment)).await {
        Ok(found) if found.is_paid(payment.amount) => {
            tracing::warn!(payment.attempt = %payment.attempt_id, error = %error, "confirm failed; the lookup shows it approved");
            Ok(found)
        }
        _ => Err(error),
    }
}

fn pay_method(method: PaymentMethod) -> PayMethod {
    match method {
        PaymentMethod::Transfer => PayMethod::Transfer,
        PaymentMethod::EasyPay => PayMethod::EasyPay,
        PaymentMethod::KakaoPay => PayMethod::KakaoPay,
        PaymentMethod::NaverPay => PayMethod::NaverPay,
        PaymentMethod::VirtualAccount => PayMethod::VirtualAccount,
        // A bank deposit or a marketplace's order never reaches a gateway.
        PaymentMethod::Card | PaymentMethod::BankDeposit | PaymentMethod::Marketplace => {
            PayMethod::Card
        }
    }
}

impl App {
    pub(crate) async fn order_and_payment(
        &self,
        number: &str,
    ) -> AppResult<(OrderRow, PaymentRow)> {
        let order = orders::find_by_number(&self.db, number)
            .await?
            .ok_or(AppError::NotFound)?;
        let payment = payments::latest_for_order(&self.db, order.id)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok((order, payment))
    }

    /// Starts (or restarts, after a reload) the payment of a `pending_payment` order.
    pub async fn start_payment(&self, number: &str) -> AppResult<Placed> {
        let (order, payment) = self.order_and_payment(number).await?;
        if order.status != OrderStatus::PendingPayment || payment.status != PaymentStatus::Ready {
            return Ok(Placed {
                number: order.number,
                next: NextStep::Complete,
            });
        }
        let request = self.payment_request(&order, &payment).await?;
        let gateway = self.gateway_named(&payment.provider).await?;
        match gateway.start(&request).await {
            Ok(PaymentStart::Redirect { url, payment_key }) => {
                if let Some(key) = payment_key {
                    let mut tx = self.db.begin().await?;
                    payments::set_started_key(&mut tx, payment.id, &key).await?;
                    tx.commit().await?;
                }
                Ok(Placed {
                    number: order.number,
                    next: NextStep::Pay(url),
                })
            }
            Ok(PaymentStart::Widget {
                sdk,
                sdk_url,
                client_key,
                method,
                params,
                origins,
            }) => Ok(Placed {
                number: order.number,
                next: NextStep::Window(PaymentWindow {
                    sdk: sdk.as_str(),
                    sdk_url,
                    client_key,
                    method,
                    params,
                    origins,
                }),
            }),
            Ok(PaymentStart::VirtualAccount {
                payment_key,
                account,
                webhook_secret,
                raw,
            }) => {
                let issued = IssuedAccount {
                    payment_key: &payment_key,
                    account: &account,
                    webhook_secret: webhook_secret.as_deref(),
                    raw: &raw,
                };
                self.record_virtual_account(&order, &payment, &issued)
                    .await?;
                self.after_order_settled(&order.number, "order_placed")
                    .await?;
                Ok(Placed {
                    number: order.number,
                    next: NextStep::Complete,
                })
            }
            Err(e) => {
                tracing::warn!(order.number = %order.number, error = %e, "payment could not start");
                self.fail_payment(&payment.attempt_id, "START_FAILED", &e.to_string())
                    .await?;
                Err(AppError::Conflict("payment_unavailable"))
            }
        }
    }

    /// What the gateway is asked to collect for an order: "첫 상품 외 N건", the amount, the
    /// buyer and the return addresses.
    async fn payment_request(
        &self,
        order: &OrderRow,
        payment: &PaymentRow,
    ) -> AppResult<PaymentRequest> {
        let lines = orders::lines(&self.db, order.id).await?;
        let first = lines.first().map_or("", |l| l.product_name.as_str());
        let paid_lines = lines.iter().filter(|l| !l.is_gift).count();
        let order_name = if paid_lines > 1 {
            format!("{first} 외 {}건", paid_lines - 1)
        } else {
            first.to_owned()
        };
        let base = self.config.base_url();
        Ok(PaymentRequest {
            attempt_id: payment.attempt_id.clone(),
            order_name,
            amount: payment.amount,
            method: pay_method(payment.method),
            customer_name: order.orderer_name.clone(),
            customer_email: order.orderer_email.clone(),
            customer_mobile: order.orderer_mobile.clone(),
            success_url: format!("{base}/checkout/success"),
            approval_url: format!("{base}/checkout/approve/{}", payment.attempt_id),
            fail_url: format!("{base}/checkout/fail"),
            deposit_deadline: self.deposit_deadline(self.now()),
            mobile: order.channel == "mobile",
            escrow: payment.escrow,
        })
    }

    /// Records a virtual account the gateway issued: the message, the payment's move with the
    /// account, the sealed notice secret, and the order waiting for the deposit.
    async fn record_virtual_account(
        &self,
        order: &OrderRow,
        payment: &PaymentRow,
        issued: &IssuedAccount<'_>,
    ) -> AppResult<()> {
        let now = self.now();
        let account = issued.account;
        let mut tx = self.db.begin().await?;
        let key = format!("issue:{}", payment.attempt_id);
        let (gateway, event) = (payment.provider.as_str(), "virtual_account_issued");
        payments::record_event(
            &mut tx,
            gateway,
            &key,
            Some(payment.id),
            event,
            issued.raw,
            now,
        )
        .await?;
        let update = PaymentUpdate {
            payment_key: Some(issued.payment_key),
            virtual_account: Some((
                &account.bank,
                &account.account,
                &account.holder,
                account.deadline,
            )),
            ..Default::default()
        };
        move_payment(
            &mut tx,
            payment,
            PaymentEvent::VirtualAccountIssued,
            update,
            now,
        )
        .await?;
        // Sealed: a copy of the database must not let anyone forge deposit notices.
        let sealed = issued
            .webhook_secret
            .map(|s| self.secrets.seal(s.as_bytes(), WEBHOOK_SECRET_CONTEXT))
            .transpose()?;
        payments::set_webhook_secret(&mut tx, payment.id, sealed.as_deref()).await?;
        let event = OrderEvent::DepositRequested;
        move_order(&mut tx, order, &event, &Actor::Gateway, "", now).await?;
        orders::set_deposit_deadline(&mut tx, order.id, account.deadline).await?;
        self.after_deposit_requested(&mut tx, &order.number, Some(account.deadline))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A gateway's success redirect that carries the payment key and amount (Toss): checks the
    /// amount, confirms, marks the order paid. Reloading it changes nothing. Returns the order
    /// number.
    pub async fn complete_payment(
        &self,
        attempt_id: &str,
        payment_key: &str,
        amount: Won,
    ) -> AppResult<String> {
        let request = ConfirmRequest {
            payment_key: payment_key.to_owned(),
            attempt_id: attempt_id.to_owned(),
            amount,
            approval_token: None,
        };
        self.complete_with(request).await
    }

    /// A gateway's success redirect that carries a one-time approval token (KakaoPay
    /// `pg_token`): the key kept from the start and the order's own amount are confirmed.
    pub async fn complete_token_payment(&self, attempt_id: &str, token: &str) -> AppResult<String> {
        let payment = payments::find_by_attempt(&self.db, attempt_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let request = ConfirmRequest {
            payment_key: payment.payment_key.clone().unwrap_or_default(),
            attempt_id: attempt_id.to_owned(),
            amount: payment.amount,
            approval_token: Some(token.to_owned()),
        };
        self.complete_with(request).await
    }

    async fn complete_with(&self, request: ConfirmRequest) -> AppResult<String> {
        let payment = payments::find_by_attempt(&self.db, &request.attempt_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let order = orders::find_by_id(&self.db, payment.order_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if payment.status == PaymentStatus::Done {
            return Ok(order.number);
        }
        if payment.status != PaymentStatus::Ready {
            return Err(AppError::Conflict("payment_failed"));
        }
        let confirmed = self.confirm_at_gateway(&order, &payment, &request).await?;
        if self.record_approval(&order, &payment, &confirmed).await? {
            tracing::info!(order.number = %order.number, "payment approved");
            crate::observability::count_payment(&payment.provider, "approved");
            self.after_order_settled(&order.number, "payment_completed")
                .await?;
        }
        Ok(order.number)
    }

    /// Confirms the payment at the gateway, the amount checked before (the query string can be
    /// tampered with) and after (an approval for another amount is given back). A refusal or
    /// a mismatch fails the attempt.
    async fn confirm_at_gateway(
        &self,
        order: &OrderRow,
        payment: &PaymentRow,
        request: &ConfirmRequest,
    ) -> AppResult<GatewayPayment> {
        let attempt_id = payment.attempt_id.as_str();
        let amount = request.amount;
        if amount != payment.amount || amount != order.total {
            tracing::warn!(order.number = %order.number, amount = amount.get(), expected = order.total.get(), "payment amount mismatch");
            let message = "결제 금액이 주문 금액과 다릅니다.";
            self.fail_payment(attempt_id, "AMOUNT_MISMATCH", message)
                .await?;
            return Err(AppError::Conflict("amount_mismatch"));
        }
        let gateway = self.gateway_named(&payment.provider).await?;
        let confirmed = match confirm_or_find(gateway.as_ref(), request, payment).await {
            Ok(c) => c,
            Err(PaymentError::Rejected { code, message, .. }) => {
                self.fail_payment(attempt_id, &code, &message).await?;
                return Err(AppError::Conflict("payment_failed"));
            }
            Err(e) => {
                crate::observability::count_payment(&payment.provider, "gateway_error");
                return Err(AppError::gateway("confirming a payment")(e));
            }
        };
        if confirmed.total_amount != order.total || confirmed.status != GatewayStatus::Done {
            // Approved for something else: give the money back and fail the order.
            let _ = gateway
                .cancel(&CancelRequest {
                    payment_key: confirmed.payment_key.clone(),
                    reason: "결제 금액 불일치".into(),
                    amount: None,
                    idempotency_key: format!("mismatch:{attempt_id}"),
                    refund_account: None,
                    captured: None,
                })
                .await;
            let message = "승인 금액이 주문 금액과 다릅니다.";
            self.fail_payment(attempt_id, "AMOUNT_MISMATCH", message)
                .await?;
            return Err(AppError::Conflict("amount_mismatch"));
        }
        Ok(confirmed)
    }

    /// Records a confirmed approval: the gateway's message (once per attempt), the payment's
    /// and the order's moves. False when it was recorded before (a reload).
    pub(super) async fn record_approval(
        &self,
        order: &OrderRow,
        payment: &PaymentRow,
        confirmed: &GatewayPayment,
    ) -> AppResult<bool> {
        let now = self.now();
        let attempt_id = payment.attempt_id.as_str();
        let mut tx = self.db.begin().await?;
        let key = format!("confirm:{attempt_id}");
        let gateway = payment.provider.as_str();
        let raw = confirmed.raw.as_str();
        if !payments::record_event(
            &mut tx,
            gateway,
            &key,
            Some(payment.id),
            "confirm",
            raw,
            now,
        )
        .await?
        {
            return Ok(false);
        }
        let update = PaymentUpdate {
            payment_key: Some(&confirmed.payment_key),
            approved_amount: Some(confirmed.total_amount),
            card_company: confirmed.card_company.as_deref(),
            approved_at: Some(confirmed.approved_at.unwrap_or(now)),
            ..Default::default()
        };
        if move_payment(&mut tx, payment, PaymentEvent::Approved, update, now)
            .await?
            .is_none()
        {
            // The attempt expired or was dropped while the buyer paid: the gateway took the
            // money for an order that no longer waits for it, so give it back.
            drop(tx);
            self.refund_orphaned_approval(payment, &confirmed.payment_key)
                .await;
            return Err(AppError::Conflict("payment_failed"));
        }
        let event = OrderEvent::PaymentApproved;
        move_order(&mut tx, order, &event, &Actor::Gateway, "", now).await?;
        super::codes::issue_codes(&mut tx, order, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Cancels an approval the shop cannot use (its order was cancelled meanwhile).
    async fn refund_orphaned_approval(&self, payment: &PaymentRow, payment_key: &str) {
        let attempt_id = payment.attempt_id.as_str();
        let Ok(gateway) = self.gateway_named(&payment.provider).await else {
            tracing::error!(
                payment.attempt = attempt_id,
                "approval for a cancelled order could not be refunded: its gateway is not configured"
            );
            return;
        };
        let refund = gateway
            .cancel(&CancelRequest {
                payment_key: payment_key.to_owned(),
                reason: "결제 시간이 지난 주문".into(),
                amount: None,
                idempotency_key: format!("orphaned:{attempt_id}"),
                refund_account: None,
                captured: None,
            })
            .await;
        match refund {
            Ok(_) => tracing::warn!(
                payment.attempt = attempt_id,
                "approval for a cancelled order refunded"
            ),
            Err(e) => {
                tracing::error!(payment.attempt = attempt_id, error = %e, "approval for a cancelled order could not be refunded: refund it at the gateway")
            }
        }
    }

    /// A failed or abandoned payment: the order is cancelled and everything it held released.
    /// Idempotent. Returns the order number.
    pub async fn fail_payment(
        &self,
        attempt_id: &str,
        code: &str,
        message: &str,
    ) -> AppResult<String> {
        let payment = payments::find_by_attempt(&self.db, attempt_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let order_number = orders::number_of(&mut tx, payment.order_id).await?;
        let Some(order) = orders::lock_by_number(&mut tx, &order_number).await? else {
            return Err(AppError::NotFound);
        };
        if payment.status != PaymentStatus::Ready || order.status != OrderStatus::PendingPayment {
            return Ok(order.number);
        }
        let message: String = message.chars().take(200).collect();
        let update = PaymentUpdate {
            failure: Some((code, &message)),
            ..Default::default()
        };
        move_payment(&mut tx, &payment, PaymentEvent::Declined, update, now).await?;
        let note = format!("{code}: {message}");
        let event = OrderEvent::PaymentFailed;
        move_order(&mut tx, &order, &event, &Actor::Gateway, &note, now).await?;
        self.release_holds(&mut tx, &order, now).await?;
        tx.commit().await?;
        crate::observability::count_payment(&payment.provider, "declined");
        tracing::info!(order.number = %order.number, payment.failure = code, "payment failed");
        Ok(order.number)
    }
}
