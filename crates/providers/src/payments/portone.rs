//! PortOne V2 (docs/PROVIDERS.md §3.1): the window opened by PortOne's browser SDK with our
//! `paymentId` (the attempt id), which PortOne completes itself; the shop then reads the payment
//! (`GET /payments/{id}`) and accepts it only when paid for exactly the order's amount. Virtual
//! accounts are issued server-side (`/instant`); cancels are guarded by the balance the shop
//! expects (`currentCancellableAmount`); escrow shipments are registered and completed; every
//! webhook is verified by its Standard Webhooks signature. NaverPay goes through its own PortOne
//! channel. Auth: `Authorization: PortOne {API secret}`.

use super::portone_shapes::{self, NAME, unavailable};
use super::truncate;
use super::{
    CancelRequest, ConfirmRequest, EscrowShipment, GatewayPayment, GatewayStatus, HeaderMap,
    PayMethod, PaymentError, PaymentGateway, PaymentRef, PaymentRequest, PaymentStart,
    VirtualAccount, WebhookNotice, WindowSdk,
};
use chrono::Utc;
use futures::FutureExt;
use futures::future::BoxFuture;
use jangteo_core::gateway::toss_bank_name;
use serde_json::{Value, json};

/// PortOne settings.
#[derive(Clone)]
pub struct PortOneConfig {
    /// `https://api.portone.io` (a fake server's address in tests).
    pub api_base: String,
    /// The browser SDK, `https://cdn.portone.io/v2/browser-sdk.js`.
    pub sdk_url: String,
    /// Store id (`store-…`), public.
    pub store_id: String,
    /// Channel of cards, transfers and virtual accounts (`channel-key-…`), public.
    pub channel_key: String,
    /// NaverPay's channel, when the owner connected one.
    pub naverpay_channel_key: Option<String>,
    /// The 본인인증 channel, when the owner connected one.
    pub identity_channel_key: Option<String>,
    /// V2 API secret, never leaves the server.
    pub api_secret: String,
    /// Webhook signing secret (`whsec_…`).
    pub webhook_secret: String,
    /// Bank (Toss-style code) of issued virtual accounts.
    pub virtual_account_bank: String,
    /// Holder shown with an issued virtual account (the shop).
    pub account_holder: String,
}

impl std::fmt::Debug for PortOneConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PortOneConfig")
            .field("api_base", &self.api_base)
            .field("store_id", &self.store_id)
            .field("api_secret", &"***")
            .field("webhook_secret", &"***")
            .finish_non_exhaustive()
    }
}

/// The PortOne gateway.
#[derive(Debug, Clone)]
pub struct PortOne {
    client: reqwest::Client,
    config: PortOneConfig,
}

impl PortOne {
    /// An adapter with its settings.
    pub fn new(client: reqwest::Client, config: PortOneConfig) -> Self {
        Self { client, config }
    }

    /// 본인인증 through the same store, secret and client, when the owner connected its channel.
    pub fn identity(&self) -> Option<crate::identity::portone::PortOneIdentity> {
        let channel_key = self.config.identity_channel_key.clone()?;
        Some(crate::identity::portone::PortOneIdentity::new(
            self.client.clone(),
            crate::identity::portone::PortOneIdentityConfig {
                api_base: self.config.api_base.clone(),
                store_id: self.config.store_id.clone(),
                api_secret: self.config.api_secret.clone(),
                sdk_url: self.config.sdk_url.clone(),
                channel_key,
            },
        ))
    }

    /// `/payments/{id}/…` with the store named as the query parameter GET calls take.
    fn url(&self, segments: &[&str]) -> Result<reqwest::Url, PaymentError> {
        let mut url = super::endpoint(NAME, &self.config.api_base, segments)?;
        url.query_pairs_mut()
            .append_pair("storeId", &self.config.store_id);
        Ok(url)
    }

    /// Sends a request; the reply body on success, the error body as a refusal otherwise.
    async fn send(&self, request: reqwest::RequestBuilder) -> Result<String, PaymentError> {
        let response = request
            .header(
                reqwest::header::AUTHORIZATION,
                format!("PortOne {}", self.config.api_secret),
            )
            .send()
            .await
            .map_err(|e| unavailable(e.without_url().to_string()))?;
        let status = response.status();
        let raw = response
            .text()
            .await
            .map_err(|e| unavailable(e.without_url().to_string()))?;
        if status.is_success() {
            Ok(raw)
        } else {
            Err(portone_shapes::error(status.as_u16(), &raw))
        }
    }

    async fn get_payment(&self, payment_id: &str) -> Result<GatewayPayment, PaymentError> {
        let url = self.url(&["payments", payment_id])?;
        portone_shapes::payment(self.send(self.client.get(url)).await?)
    }

    fn customer(req: &PaymentRequest) -> Value {
        let mut customer = json!({ "name": { "full": truncate(&req.customer_name, 50) } });
        if !req.customer_email.is_empty() {
            customer["email"] = json!(req.customer_email);
        }
        if !req.customer_mobile.is_empty() {
            customer["phoneNumber"] = json!(req.customer_mobile);
        }
        customer
    }

    /// A virtual account issued server-side (`POST /payments/{id}/instant`), then read back for
    /// its number and deadline.
    async fn issue_virtual_account(
        &self,
        req: &PaymentRequest,
    ) -> Result<PaymentStart, PaymentError> {
        let bank = super::portone_bank(&self.config.virtual_account_bank)
            .ok_or_else(|| unavailable("virtual-account bank unknown to PortOne".into()))?;
        let body = json!({
            "storeId": self.config.store_id,
            "channelKey": self.config.channel_key,
            "orderName": truncate(&req.order_name, 100),
            "amount": { "total": req.amount.get() },
            "currency": "KRW",
            "isEscrow": req.escrow,
            "customer": Self::customer(req),
            "method": { "virtualAccount": {
                "bank": bank,
                "expiry": { "dueDate": req.deposit_deadline.to_rfc3339() },
                "option": { "type": "NORMAL" },
                // Receipts are issued once paid, from the buyer's choice at checkout.
                "cashReceipt": { "type": "NO_RECEIPT", "customerIdentityNumber": "" },
                "remitteeName": truncate(&self.config.account_holder, 30),
            }},
        });
        let url = super::endpoint(
            NAME,
            &self.config.api_base,
            &["payments", &req.attempt_id, "instant"],
        )?;
        self.send(self.client.post(url).json(&body)).await?;
        let issued = self.get_payment(&req.attempt_id).await?;
        let (bank, number, holder, deadline) = portone_shapes::virtual_account(&issued.raw)
            .ok_or_else(|| unavailable("the issued payment carries no virtual account".into()))?;
        let bank_name = portone_shapes::toss_code_of_bank(&bank)
            .and_then(toss_bank_name)
            .map_or(bank, str::to_owned);
        Ok(PaymentStart::VirtualAccount {
            payment_key: issued.payment_key,
            account: VirtualAccount {
                bank: bank_name,
                account: number,
                holder: if holder.is_empty() {
                    self.config.account_holder.clone()
                } else {
                    holder
                },
                deadline: deadline.unwrap_or(req.deposit_deadline),
            },
            webhook_secret: None,
            raw: issued.raw,
        })
    }

    /// The browser SDK's `requestPayment` parameters [INF for the enum spellings, which the
    /// current SDK takes in their short form].
    fn window_params(&self, req: &PaymentRequest) -> Result<Value, PaymentError> {
        let (pay_method, channel_key) = match req.method {
            PayMethod::Card => ("CARD", &self.config.channel_key),
            PayMethod::Transfer => ("TRANSFER", &self.config.channel_key),
            PayMethod::NaverPay => match &self.config.naverpay_channel_key {
                Some(channel) => ("EASY_PAY", channel),
                None => return Err(unavailable("no NaverPay channel connected".into())),
            },
            PayMethod::EasyPay | PayMethod::KakaoPay | PayMethod::VirtualAccount => {
                ("EASY_PAY", &self.config.channel_key)
            }
        };
        let mut params = json!({
            "storeId": self.config.store_id,
            "channelKey": channel_key,
            "paymentId": req.attempt_id,
            "orderName": truncate(&req.order_name, 100),
            "totalAmount": req.amount.get(),
            "currency": "KRW",
            "payMethod": pay_method,
            // PortOne adds paymentId (and code/message on failure) to it.
            "redirectUrl": req.approval_url,
            "customer": {
                "fullName": truncate(&req.customer_name, 50),
                "phoneNumber": req.customer_mobile,
                "email": req.customer_email,
            },
            "isEscrow": req.escrow,
        });
        if req.method == PayMethod::NaverPay {
            params["easyPay"] = json!({ "easyPayProvider": "NAVERPAY" });
        }
        Ok(params)
    }
}

impl PaymentGateway for PortOne {
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
            let sdk_origin = reqwest::Url::parse(&self.config.sdk_url)
                .map(|u| u.origin().ascii_serialization())
                .unwrap_or_default();
            let params = self.window_params(req)?;
            Ok(PaymentStart::Widget {
                sdk: WindowSdk::PortOne,
                // The SDK opens windows of PortOne's and the PGs' domains [INF].
                origins: vec![sdk_origin, "https://*.portone.io".into(), "https:".into()],
                sdk_url: self.config.sdk_url.clone(),
                client_key: self.config.store_id.clone(),
                method: params["payMethod"].as_str().unwrap_or_default().to_owned(),
                params,
            })
        }
        .boxed()
    }

    fn confirm<'a>(
        &'a self,
        req: &'a ConfirmRequest,
    ) -> BoxFuture<'a, Result<GatewayPayment, PaymentError>> {
        async move {
            // PortOne approves in its window; what counts is what its API says now.
            let found = self.get_payment(&req.attempt_id).await?;
            match found.status {
                GatewayStatus::Done | GatewayStatus::WaitingForDeposit => Ok(found),
                GatewayStatus::Ready => Err(unavailable("the payment is not settled yet".into())),
                GatewayStatus::Aborted => {
                    let v: Value = serde_json::from_str(&found.raw).unwrap_or_default();
                    let failure = &v["failure"];
                    Err(PaymentError::Rejected {
                        provider: NAME,
                        code: failure["pgCode"].as_str().unwrap_or("FAILED").to_owned(),
                        message: failure["reason"].as_str().unwrap_or_default().to_owned(),
                    })
                }
                _ => Err(PaymentError::Rejected {
                    provider: NAME,
                    code: "PAYMENT_ALREADY_CANCELLED".into(),
                    message: String::new(),
                }),
            }
        }
        .boxed()
    }

    fn cancel<'a>(
        &'a self,
        req: &'a CancelRequest,
    ) -> BoxFuture<'a, Result<GatewayPayment, PaymentError>> {
        async move {
            let current = self.get_payment(&req.payment_key).await?;
            if current.status == GatewayStatus::WaitingForDeposit {
                // Nothing was paid: the account is closed instead.
                let url = self.url(&["payments", &req.payment_key, "virtual-account", "close"])?;
                self.send(self.client.post(url)).await?;
                return self.get_payment(&req.payment_key).await;
            }
            let mut body = json!({
                "storeId": self.config.store_id,
                "reason": truncate(&req.reason, 200),
                "requester": "ADMIN",
                // Refused when a refund already took the balance below what the shop holds,
                // so a retried refund cannot be paid twice.
                "currentCancellableAmount": req.captured.unwrap_or(current.balance_amount).get(),
            });
            if let Some(amount) = req.amount {
                body["amount"] = json!(amount.get());
            }
            if let Some(account) = &req.refund_account {
                body["refundAccount"] = json!({
                    "bank": super::portone_bank(&account.bank).unwrap_or(&account.bank),
                    "number": account.number,
                    "holderName": truncate(&account.holder, 60),
                });
            }
            let url = super::endpoint(
                NAME,
                &self.config.api_base,
                &["payments", &req.payment_key, "cancel"],
            )?;
            let request = self
                .client
                .post(url)
                // Not documented for V2 [INF]; harmless where ignored.
                .header("Idempotency-Key", truncate(&req.idempotency_key, 300))
                .json(&body);
            self.send(request).await?;
            self.get_payment(&req.payment_key).await
        }
        .boxed()
    }

    fn lookup<'a>(
        &'a self,
        payment: &'a PaymentRef,
    ) -> BoxFuture<'a, Result<GatewayPayment, PaymentError>> {
        async move { self.get_payment(&payment.attempt_id).await }.boxed()
    }

    fn parse_webhook(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<WebhookNotice, PaymentError> {
        portone_shapes::verify_webhook(&self.config.webhook_secret, headers, body, Utc::now())?;
        portone_shapes::webhook(headers, body)
    }

    fn issue_cash_receipt<'a>(
        &'a self,
        request: &'a super::CashReceiptRequest,
    ) -> BoxFuture<'a, Result<super::IssuedReceipt, PaymentError>> {
        async move {
            let body = json!({
                "storeId": self.config.store_id,
                // A receipt issued by hand carries an id of our own [SDK].
                "paymentId": request.receipt_id,
                "channelKey": self.config.channel_key,
                "type": if request.business { "CORPORATE" } else { "PERSONAL" },
                "orderName": truncate(&request.order_name, 100),
                "currency": "KRW",
                "amount": { "total": request.amount.get() },
                "customer": { "identityNumber": request.identity },
            });
            let url = super::endpoint(NAME, &self.config.api_base, &["cash-receipts"])?;
            let raw = self.send(self.client.post(url).json(&body)).await?;
            let v: Value = serde_json::from_str(&raw).unwrap_or_default();
            let receipt = &v["cashReceipt"];
            Ok(super::IssuedReceipt {
                receipt_key: request.receipt_id.clone(),
                issue_number: receipt["issueNumber"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                receipt_url: receipt["url"].as_str().map(str::to_owned),
            })
        }
        .boxed()
    }

    fn cancel_cash_receipt<'a>(
        &'a self,
        receipt_key: &'a str,
        amount: Option<jangteo_core::Won>,
    ) -> BoxFuture<'a, Result<(), PaymentError>> {
        async move {
            if amount.is_some() {
                // PortOne cancels a receipt whole [SDK: no amount on the cancel call].
                return Err(PaymentError::Rejected {
                    provider: NAME,
                    code: "PARTIAL_CANCEL_UNSUPPORTED".into(),
                    message: String::new(),
                });
            }
            let url = self.url(&["payments", receipt_key, "cash-receipt", "cancel"])?;
            self.send(self.client.post(url)).await.map(|_| ())
        }
        .boxed()
    }

    fn supports_escrow(&self) -> bool {
        true
    }

    fn register_escrow_shipment<'a>(
        &'a self,
        shipment: &'a EscrowShipment,
    ) -> BoxFuture<'a, Result<(), PaymentError>> {
        async move {
            let body = json!({
                "storeId": self.config.store_id,
                "receiver": {
                    "name": truncate(&shipment.receiver_name, 50),
                    "phoneNumber": shipment.receiver_mobile,
                },
                "logistics": {
                    "company": portone_shapes::logistics_company(&shipment.carrier),
                    "invoiceNumber": shipment.waybill,
                    "sentAt": shipment.sent_at.to_rfc3339(),
                },
            });
            let url = super::endpoint(
                NAME,
                &self.config.api_base,
                &["payments", &shipment.payment_key, "escrow", "logistics"],
            )?;
            self.send(self.client.post(url).json(&body)).await?;
            Ok(())
        }
        .boxed()
    }

    fn complete_escrow<'a>(
        &'a self,
        payment: &'a PaymentRef,
    ) -> BoxFuture<'a, Result<(), PaymentError>> {
        async move {
            let key = payment
                .payment_key
                .as_deref()
                .unwrap_or(&payment.attempt_id);
            let url = super::endpoint(
                NAME,
                &self.config.api_base,
                &["payments", key, "escrow", "complete"],
            )?;
            let body = json!({ "storeId": self.config.store_id, "fromStore": true });
            self.send(self.client.post(url).json(&body)).await?;
            Ok(())
        }
        .boxed()
    }
}
