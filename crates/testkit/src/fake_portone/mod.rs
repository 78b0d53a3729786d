//! A fake PortOne V2 (docs/PROVIDERS.md §3.1) on 127.0.0.1: the browser SDK and the window it
//! opens (PortOne approves there and sends the browser to `redirectUrl?paymentId=…`), and the API
//! the shop calls — strict where the SDK is exact: `Authorization: PortOne {secret}`, `storeId`
//! as a query parameter on GET and a body field on POST, paths, JSON field names and types,
//! `{type, message}` error bodies, `currentCancellableAmount`, the refund account a
//! virtual-account refund needs, escrow logistics and completion; webhooks signed the Standard
//! Webhooks way. Lenient on the inferred HTTP status of each error type.

mod api;
mod identity;
mod identity_window;
mod receipts;
mod window;

use axum::Router;
use axum::routing::{get, post};
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub use identity::FakePerson;

/// The fake's store id.
pub const PORTONE_STORE_ID: &str = "store-4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
/// Its channel of cards, transfers and virtual accounts.
pub const PORTONE_CHANNEL_KEY: &str = "channel-key-1a2b3c4d-0000-4000-8000-00000000c0de";
/// Its NaverPay channel.
pub const PORTONE_NAVERPAY_CHANNEL_KEY: &str = "channel-key-9f8e7d6c-0000-4000-8000-0000000a7e40";
/// Its 본인인증 channel.
pub const PORTONE_IDENTITY_CHANNEL_KEY: &str = "channel-key-5e4d3c2b-0000-4000-8000-0000000001d0";
/// Its V2 API secret.
pub const PORTONE_API_SECRET: &str = "fakePortOneV2ApiSecret0123456789abcdefghijklmnopqrstuvwxyz";
/// Its webhook signing secret (`whsec_` + base64 of the key).
pub const PORTONE_WEBHOOK_SECRET: &str = "whsec_ZmFrZS1wb3J0b25lLXdlYmhvb2stc2lnbmluZy1rZXk=";

/// A payment as the fake holds it.
#[derive(Debug, Clone)]
pub struct FakePortOnePayment {
    /// Our `paymentId`.
    pub id: String,
    /// Channel it was made on.
    pub channel_key: String,
    /// Order name.
    pub order_name: String,
    /// Amount approved.
    pub total: i64,
    /// Amount cancelled.
    pub cancelled: i64,
    /// `READY`, `VIRTUAL_ACCOUNT_ISSUED`, `PAID`, `PARTIAL_CANCELLED`, `CANCELLED`, `FAILED`.
    pub status: &'static str,
    /// `CARD`, `TRANSFER`, `VIRTUAL_ACCOUNT`, `EASY_PAY`.
    pub pay_method: String,
    /// `NAVERPAY` for NaverPay.
    pub easy_pay_provider: Option<String>,
    /// Escrow payment.
    pub is_escrow: bool,
    /// Escrow state: `REGISTERED` (with company and waybill) or `CONFIRMED`.
    pub escrow: Option<(String, String, String)>,
    /// Virtual account: bank, number, deadline.
    pub virtual_account: Option<(String, String, String)>,
    /// Refund accounts named with cancels.
    pub refund_accounts: Vec<Value>,
    /// Where the window sends the browser.
    pub redirect_url: String,
    /// When it was paid.
    pub paid_at: Option<DateTime<Utc>>,
}

impl FakePortOnePayment {
    /// The `Payment` object of `GET /payments/{id}`.
    pub(crate) fn to_json(&self) -> Value {
        let method = match (self.pay_method.as_str(), &self.virtual_account) {
            ("VIRTUAL_ACCOUNT", Some((bank, number, due))) => json!({
                "type": "PaymentMethodVirtualAccount", "bank": bank, "accountNumber": number,
                "accountType": "NORMAL", "remitteeName": "장터", "expiredAt": due,
                "issuedAt": "2026-12-06T03:00:00Z",
            }),
            ("EASY_PAY", _) => json!({
                "type": "PaymentMethodEasyPay", "provider": self.easy_pay_provider,
            }),
            ("TRANSFER", _) => json!({"type": "PaymentMethodTransfer", "bank": "SHINHAN"}),
            _ => json!({"type": "PaymentMethodCard",
                "card": {"issuer": "SHINHAN_CARD", "name": "신한카드", "number": "53275099****123*"}}),
        };
        let mut v = json!({
            "status": self.status, "id": self.id, "transactionId": format!("tx-{}", self.id),
            "merchantId": "merchant-fake", "storeId": PORTONE_STORE_ID, "method": method,
            "channel": {"type": "TEST", "key": self.channel_key, "name": "fake", "pgProvider": "TOSSPAYMENTS",
                "pgMerchantId": "tosstest"},
            "version": "V2", "requestedAt": "2026-12-06T03:00:00Z", "updatedAt": "2026-12-06T03:00:00Z",
            "statusChangedAt": "2026-12-06T03:00:00Z", "orderName": self.order_name,
            "amount": {"total": self.total, "taxFree": 0, "vat": self.total / 11,
                "supply": self.total - self.total / 11, "discount": 0,
                "paid": if self.paid_at.is_some() { self.total } else { 0 },
                "cancelled": self.cancelled, "cancelledTaxFree": 0},
            "currency": "KRW", "customer": {}, "isCulturalExpense": false,
        });
        if let Some(at) = self.paid_at {
            v["paidAt"] = json!(at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
            v["pgTxId"] = json!(format!("pg-{}", self.id));
        }
        if let Some((status, company, invoice)) = &self.escrow {
            v["escrow"] = json!({"status": status, "company": company, "invoiceNumber": invoice});
        }
        if self.status == "FAILED" {
            v["failure"] = json!({"reason": "사용자가 결제를 취소하였습니다.", "pgCode": "PAY_PROCESS_CANCELED"});
        }
        v
    }
}

#[derive(Default)]
pub(crate) struct State {
    pub payments: Mutex<HashMap<String, FakePortOnePayment>>,
    pub serial: AtomicU64,
    /// Cash receipts by their payment id.
    pub receipts: Mutex<HashMap<String, Value>>,
    /// How long `GET /payments/{id}` (the shop's check after the window) takes.
    pub lookup_delay: crate::delay::Delay,
    /// 본인인증 records by their id.
    pub identities: Mutex<HashMap<String, Value>>,
    /// Where each open 본인인증 window sends the browser back.
    pub identity_redirects: Mutex<HashMap<String, String>>,
}

impl State {
    pub(crate) fn next(&self) -> u64 {
        self.serial.fetch_add(1, Ordering::SeqCst) + 1
    }
}

/// A running fake PortOne.
#[derive(Clone)]
pub struct FakePortOne {
    /// `http://127.0.0.1:PORT` (API base and SDK host).
    pub base_url: String,
    state: Arc<State>,
}

/// A signed webhook: its headers and body, ready to be posted to the shop.
#[derive(Debug, Clone)]
pub struct SignedWebhook {
    /// `webhook-id`, `webhook-timestamp`, `webhook-signature`.
    pub headers: Vec<(String, String)>,
    /// JSON body (version 2024-04-25).
    pub body: String,
}

/// Signs `body` the Standard Webhooks way with the fake's secret.
pub fn sign_webhook(id: &str, timestamp: i64, body: &str) -> SignedWebhook {
    let key = base64::engine::general_purpose::STANDARD
        .decode(PORTONE_WEBHOOK_SECRET.trim_start_matches("whsec_"))
        .expect("the fake's secret is base64");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).expect("any key");
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    SignedWebhook {
        headers: vec![
            ("webhook-id".into(), id.to_owned()),
            ("webhook-timestamp".into(), timestamp.to_string()),
            // A rotated-out secret's entry first: any matching entry counts.
            (
                "webhook-signature".into(),
                format!("v1,b2xkLXNlY3JldC1zaWduYXR1cmU= v1,{signature}"),
            ),
        ],
        body: body.to_owned(),
    }
}

impl FakePortOne {
    /// Starts the fake.
    pub async fn start() -> Self {
        let state = Arc::new(State::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the fake PortOne");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let router = Router::new()
            .route("/payments/{id}", get(api::get_payment))
            .route("/payments/{id}/instant", post(api::instant))
            .route("/payments/{id}/cancel", post(api::cancel))
            .route("/payments/{id}/virtual-account/close", post(api::close))
            .route(
                "/payments/{id}/escrow/logistics",
                post(api::escrow_logistics),
            )
            .route("/payments/{id}/escrow/complete", post(api::escrow_complete))
            .route("/identity-verifications/{id}", get(identity::get))
            .route("/cash-receipts", post(receipts::issue))
            .route("/payments/{id}/cash-receipt/cancel", post(receipts::cancel))
            .route("/v2/browser-sdk.js", get(window::sdk))
            .route("/window", get(window::show))
            .route("/window/{id}/approve", post(window::approve))
            .route("/window/{id}/cancel", post(window::cancel))
            .route("/identity-window", get(identity_window::show))
            .route(
                "/identity-window/{id}/approve",
                post(identity_window::approve),
            )
            .route(
                "/identity-window/{id}/cancel",
                post(identity_window::cancel),
            )
            .with_state(state.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { base_url, state }
    }

    /// The SDK address to configure (`portone.sdk_url`).
    pub fn sdk_url(&self) -> String {
        format!("{}/v2/browser-sdk.js", self.base_url)
    }

    /// Makes every payment lookup answer only after `delay`: the shop's confirm of a PortOne
    /// payment is that lookup (the 300 ms benchmark).
    pub fn delay_lookups(&self, delay: std::time::Duration) {
        self.state.lookup_delay.set(delay);
    }

    /// The payment `id` as the fake holds it.
    pub fn payment(&self, id: &str) -> Option<FakePortOnePayment> {
        self.state.payments.lock().unwrap().get(id).cloned()
    }

    /// The window's "결제하기" without a browser: `id` paid for `amount` with `pay_method`.
    pub fn approve(&self, id: &str, amount: i64, pay_method: &str, escrow: bool) {
        let payment = window::new_payment(id, PORTONE_CHANNEL_KEY, "상품", amount, pay_method, "");
        let mut payments = self.state.payments.lock().unwrap();
        let p = payments.entry(id.to_owned()).or_insert(payment);
        p.is_escrow = escrow;
        p.status = "PAID";
        p.paid_at = Some(Utc::now());
    }

    /// The 본인인증 window verified `person` under `id` (what the shop then reads back).
    pub fn verify_identity(&self, id: &str, person: &FakePerson) {
        let record = identity::verified(id, person);
        self.state
            .identities
            .lock()
            .unwrap()
            .insert(id.to_owned(), record);
    }

    /// The buyer gave up the 본인인증 window of `id`.
    pub fn fail_identity(&self, id: &str) {
        let record = identity::failed(id);
        self.state
            .identities
            .lock()
            .unwrap()
            .insert(id.to_owned(), record);
    }

    /// The cash receipt issued under `id` (the request as the fake holds it, with `status`).
    pub fn cash_receipt(&self, id: &str) -> Option<Value> {
        self.state.receipts.lock().unwrap().get(id).cloned()
    }

    /// The buyer deposits into the virtual account of `id`: it becomes `PAID` and this is the
    /// signed `Transaction.Paid` webhook PortOne sends.
    pub fn deposit(&self, id: &str) -> Option<SignedWebhook> {
        {
            let mut payments = self.state.payments.lock().unwrap();
            let p = payments.get_mut(id)?;
            p.status = "PAID";
            p.paid_at = Some(Utc::now());
        }
        Some(self.webhook(id, "Transaction.Paid"))
    }

    /// A signed webhook of `kind` about `id`, sent now.
    pub fn webhook(&self, id: &str, kind: &str) -> SignedWebhook {
        let body = json!({
            "type": kind, "timestamp": Utc::now().to_rfc3339(),
            "data": {"storeId": PORTONE_STORE_ID, "paymentId": id, "transactionId": format!("tx-{id}")},
        })
        .to_string();
        let delivery = format!("msg_{}", self.state.next());
        sign_webhook(&delivery, Utc::now().timestamp(), &body)
    }
}
