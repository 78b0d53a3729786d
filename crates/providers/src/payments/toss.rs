//! Toss Payments (API v1, docs/PROVIDERS.md §1): the payment window opened by its browser SDK
//! with our client key, server-side confirm and cancel with Basic auth of the secret key and an
//! `Idempotency-Key`, lookup by `orderId`, virtual accounts issued server-side, and webhooks
//! (deposit callbacks carrying the payment's `secret`, unsigned status changes).

use super::truncate;
use super::{
    CancelRequest, ConfirmRequest, GatewayPayment, PayMethod, PaymentError, PaymentGateway,
    PaymentRef, PaymentRequest, PaymentStart, VirtualAccount, WebhookNotice, toss_shapes,
};
use base64::Engine;
use chrono::Utc;
use futures::FutureExt;
use futures::future::BoxFuture;
use jangteo_core::gateway::toss_bank_name;
use serde_json::json;

const NAME: &str = "toss";

/// Toss Payments settings.
#[derive(Clone)]
pub struct TossConfig {
    /// `https://api.tosspayments.com` (a fake server's address in tests).
    pub api_base: String,
    /// The payment-window SDK, `https://js.tosspayments.com/v1/payment`.
    pub sdk_url: String,
    /// Client key (`test_ck_…`/`live_ck_…`), shown in the page.
    pub client_key: String,
    /// Secret key (`test_sk_…`/`live_sk_…`), never leaves the server.
    pub secret_key: String,
    /// Bank (Toss code) of the virtual accounts issued for this shop.
    pub virtual_account_bank: String,
    /// Holder shown with an issued virtual account (the shop).
    pub account_holder: String,
}

impl std::fmt::Debug for TossConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TossConfig")
            .field("api_base", &self.api_base)
            .field("client_key", &self.client_key)
            .field("secret_key", &"***")
            .finish_non_exhaustive()
    }
}

/// The Toss Payments gateway.
#[derive(Debug, Clone)]
pub struct TossPayments {
    client: reqwest::Client,
    config: TossConfig,
    authorization: String,
}

/// The method as the payment-window SDK names it (Korean literals, §1.4).
fn window_method(method: PayMethod) -> &'static str {
    match method {
        PayMethod::Card => "카드",
        PayMethod::Transfer => "계좌이체",
        PayMethod::VirtualAccount => "가상계좌",
        // Toss's own easy pay in its window [INF: the v1 window takes "토스페이"].
        PayMethod::EasyPay | PayMethod::KakaoPay | PayMethod::NaverPay => "토스페이",
    }
}

impl TossPayments {
    /// An adapter with its settings.
    pub fn new(client: reqwest::Client, config: TossConfig) -> Self {
        // The secret key is the user name, the password empty; the colon is mandatory (§1.1).
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("{}:", config.secret_key));
        Self {
            client,
            authorization: format!("Basic {token}"),
            config,
        }
    }

    /// The API address of these path segments.
    fn url(&self, segments: &[&str]) -> Result<reqwest::Url, PaymentError> {
        super::endpoint(NAME, &self.config.api_base, segments)
    }

    /// Sends a request and reads a Payment object (or the error body).
    async fn call(&self, request: reqwest::RequestBuilder) -> Result<GatewayPayment, PaymentError> {
        toss_shapes::payment(NAME, self.send(request).await?)
    }

    /// Sends a request: the reply body, or the error body as a refusal.
    async fn send(&self, request: reqwest::RequestBuilder) -> Result<String, PaymentError> {
        let response = request
            .header(reqwest::header::AUTHORIZATION, &self.authorization)
            .send()
            .await
            .map_err(|e| PaymentError::Unavailable {
                provider: NAME,
                message: e.without_url().to_string(),
            })?;
        let status = response.status();
        let raw = response
            .text()
            .await
            .map_err(|e| PaymentError::Unavailable {
                provider: NAME,
                message: e.without_url().to_string(),
            })?;
        if !status.is_success() {
            return Err(toss_shapes::error(NAME, status.as_u16(), &raw));
        }
        Ok(raw)
    }

    async fn issue_virtual_account(
        &self,
        req: &PaymentRequest,
    ) -> Result<PaymentStart, PaymentError> {
        let hours = ((req.deposit_deadline - Utc::now()).num_minutes() + 59) / 60;
        let mut body = json!({
            "amount": req.amount.get(),
            "orderId": req.attempt_id,
            "orderName": truncate(&req.order_name, 100),
            "customerName": truncate(&req.customer_name, 100),
            "bank": self.config.virtual_account_bank,
            // Default 168, at most 720 (§1.3).
            "validHours": hours.clamp(1, 720),
        });
        if !req.customer_email.is_empty() {
            body["customerEmail"] = json!(req.customer_email);
        }
        if !req.customer_mobile.is_empty() {
            body["customerMobilePhone"] = json!(req.customer_mobile);
        }
        let request = self
            .client
            .post(self.url(&["v1", "virtual-accounts"])?)
            .header("Idempotency-Key", format!("issue-{}", req.attempt_id))
            .json(&body);
        let issued = self.call(request).await?;
        let raw: serde_json::Value = serde_json::from_str(&issued.raw).unwrap_or_default();
        let account = &raw["virtualAccount"];
        let bank_code = account["bankCode"]
            .as_str()
            .unwrap_or(&self.config.virtual_account_bank);
        let deadline = account["dueDate"]
            .as_str()
            .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok())
            .map_or(req.deposit_deadline, |d| d.with_timezone(&Utc));
        Ok(PaymentStart::VirtualAccount {
            payment_key: issued.payment_key,
            account: VirtualAccount {
                bank: toss_bank_name(bank_code).unwrap_or(bank_code).to_owned(),
                account: account["accountNumber"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                holder: self.config.account_holder.clone(),
                deadline,
            },
            webhook_secret: issued.secret,
            raw: issued.raw,
        })
    }
}

impl PaymentGateway for TossPayments {
    fn name(&self) -> &'static str {
        NAME
    }

    fn start<'a>(
        &'a self,
        req: &'a PaymentRequest,
    ) -> BoxFuture<'a, Result<PaymentStart, PaymentError>> {
        async move {
            if req.method == PayMethod::VirtualAccount {
                return self.issue_virtual_account(req).await;
            }
            let mut params = json!({
                "amount": req.amount.get(),
                "orderId": req.attempt_id,
                "orderName": truncate(&req.order_name, 100),
                "customerName": truncate(&req.customer_name, 100),
                "successUrl": req.success_url,
                "failUrl": req.fail_url,
            });
            if !req.customer_email.is_empty() {
                params["customerEmail"] = json!(req.customer_email);
            }
            let sdk_origin = reqwest::Url::parse(&self.config.sdk_url)
                .map(|u| u.origin().ascii_serialization())
                .unwrap_or_default();
            Ok(PaymentStart::Widget {
                sdk: super::WindowSdk::Toss,
                // The window itself is served from Toss's domains [DOC: js.tosspayments.com].
                origins: vec![
                    sdk_origin,
                    "https://*.tosspayments.com".into(),
                    "https://*.toss.im".into(),
                ],
                sdk_url: self.config.sdk_url.clone(),
                client_key: self.config.client_key.clone(),
                method: window_method(req.method).to_owned(),
                params,
            })
        }
        .boxed()
    }

    fn confirm<'a>(
        &'a self,
        req: &'a ConfirmRequest,
    ) -> BoxFuture<'a, Result<GatewayPayment, PaymentError>> {
        let (payment_key, attempt_id, amount) = (&req.payment_key, &req.attempt_id, req.amount);
        async move {
            // One key per attempt: a retry after a timeout replays the first answer instead of
            // confirming twice (§1.7).
            let request = self
                .client
                .post(self.url(&["v1", "payments", "confirm"])?)
                .header("Idempotency-Key", format!("confirm-{attempt_id}"))
                .json(&json!({
                    "paymentKey": payment_key,
                    "orderId": attempt_id,
                    "amount": amount.get(),
                }));
            self.call(request).await
        }
        .boxed()
    }

    fn cancel<'a>(
        &'a self,
        req: &'a CancelRequest,
    ) -> BoxFuture<'a, Result<GatewayPayment, PaymentError>> {
        async move {
            let mut body = json!({ "cancelReason": truncate(&req.reason, 200) });
            if let Some(amount) = req.amount {
                body["cancelAmount"] = json!(amount.get());
            }
            if let Some(account) = &req.refund_account {
                body["refundReceiveAccount"] = json!({
                    "bank": account.bank,
                    "accountNumber": account.number,
                    "holderName": truncate(&account.holder, 60),
                });
            }
            let key: String = req.idempotency_key.chars().take(300).collect();
            let url = self.url(&["v1", "payments", &req.payment_key, "cancel"])?;
            let request = self
                .client
                .post(url)
                .header("Idempotency-Key", key)
                .json(&body);
            self.call(request).await
        }
        .boxed()
    }

    fn lookup<'a>(
        &'a self,
        payment: &'a PaymentRef,
    ) -> BoxFuture<'a, Result<GatewayPayment, PaymentError>> {
        async move {
            let url = self.url(&["v1", "payments", "orders", &payment.attempt_id])?;
            self.call(self.client.get(url)).await
        }
        .boxed()
    }

    fn issue_cash_receipt<'a>(
        &'a self,
        request: &'a super::CashReceiptRequest,
    ) -> BoxFuture<'a, Result<super::IssuedReceipt, PaymentError>> {
        async move {
            let body = json!({
                "amount": request.amount.get(),
                "orderId": request.receipt_id,
                "orderName": truncate(&request.order_name, 100),
                "customerIdentityNumber": request.identity,
                "type": if request.business { "지출증빙" } else { "소득공제" },
                "taxFreeAmount": 0,
            });
            let request = self
                .client
                .post(self.url(&["v1", "cash-receipts"])?)
                .header("Idempotency-Key", format!("receipt-{}", request.receipt_id))
                .json(&body);
            let raw = self.send(request).await?;
            toss_shapes::cash_receipt(NAME, &raw)
        }
        .boxed()
    }

    fn cancel_cash_receipt<'a>(
        &'a self,
        receipt_key: &'a str,
        amount: Option<jangteo_core::Won>,
    ) -> BoxFuture<'a, Result<(), PaymentError>> {
        async move {
            let body = match amount {
                Some(a) => json!({ "amount": a.get() }),
                None => json!({}),
            };
            let url = self.url(&["v1", "cash-receipts", receipt_key, "cancel"])?;
            let key = format!(
                "receipt-cancel-{receipt_key}-{}",
                amount.map_or(0, |a| a.get())
            );
            let request = self
                .client
                .post(url)
                .header("Idempotency-Key", key)
                .json(&body);
            self.send(request).await.map(|_| ())
        }
        .boxed()
    }

    fn parse_webhook(
        &self,
        _headers: &super::HeaderMap,
        body: &[u8],
    ) -> Result<WebhookNotice, PaymentError> {
        toss_shapes::webhook(body)
    }
}
