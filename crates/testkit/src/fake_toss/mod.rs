//! A fake Toss Payments (docs/PROVIDERS.md §1) on 127.0.0.1: the payment-window SDK and window
//! (the browser leg, `window`), and the API the shop calls, strict where the contract is exact —
//! Basic auth of the secret key with its trailing colon, paths, JSON field names, types and limits,
//! `{code, message}` error bodies with their HTTP statuses, the `Idempotency-Key` replay keyed on
//! (key, credentials, method, path), the one-second duplicate-cancel guard, the refund account a
//! virtual-account refund needs — and lenient where the docs are inferred.

mod api;
mod payment;
mod receipts;
mod window;

use axum::Router;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use payment::FakePayment;

/// The fake's test keys (the formats of §1.1).
pub const TOSS_CLIENT_KEY: &str = "test_ck_D5GePWvyJnrK0W0k6q8gLzN97Eoq";
/// Its secret key.
pub const TOSS_SECRET_KEY: &str = "test_sk_zXLkKEypNArWmo50nX3lmeaxYG5R";

/// A stored answer replayed for a repeated `Idempotency-Key`.
type Replay = (u16, String);

#[derive(Default)]
pub(crate) struct State {
    pub payments: Mutex<HashMap<String, FakePayment>>,
    pub replays: Mutex<HashMap<(String, String, String, String), Replay>>,
    pub last_cancel: Mutex<HashMap<String, std::time::Instant>>,
    pub confirms_executed: AtomicU64,
    pub confirm_delay: crate::delay::Delay,
    pub cancel_delay: crate::delay::Delay,
    /// Every cancel refused as the console would refuse a payment it cannot cancel.
    pub cancels_refused: std::sync::atomic::AtomicBool,
    pub requests: Mutex<Vec<TossRequest>>,
    pub serial: AtomicU64,
    /// Cash receipts by receipt key.
    pub receipts: Mutex<HashMap<String, Value>>,
}

impl State {
    pub(crate) fn next(&self) -> u64 {
        self.serial.fetch_add(1, Ordering::SeqCst) + 1
    }
}

/// A running fake Toss Payments.
#[derive(Clone)]
pub struct FakeToss {
    /// `http://127.0.0.1:PORT` (API base and SDK host).
    pub base_url: String,
    state: Arc<State>,
}

/// One API request the fake received: method, path, headers (lower-case), body.
pub type TossRequest = (String, String, HashMap<String, String>, String);

impl FakeToss {
    /// Starts the fake.
    pub async fn start() -> Self {
        let state = Arc::new(State::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the fake Toss");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let router = Router::new()
            .route("/v1/payments/confirm", post(api::confirm))
            .route("/v1/payments/orders/{order_id}", get(api::lookup_by_order))
            .route("/v1/payments/{payment_key}", get(api::lookup_by_key))
            .route("/v1/payments/{payment_key}/cancel", post(api::cancel))
            .route("/v1/virtual-accounts", post(api::issue_virtual_account))
            .route("/v1/cash-receipts", post(receipts::issue))
            .route(
                "/v1/cash-receipts/{receipt_key}/cancel",
                post(receipts::cancel),
            )
            .route("/v1/payment", get(window::sdk))
            .route("/window", get(window::show))
            .route("/window/approve", post(window::approve))
            .route("/window/cancel", post(window::cancel))
            .with_state(state.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { base_url, state }
    }

    /// The SDK address to configure (`toss.sdk_url`).
    pub fn sdk_url(&self) -> String {
        format!("{}/v1/payment", self.base_url)
    }

    /// Every API request received so far.
    pub fn requests(&self) -> Vec<TossRequest> {
        self.state.requests.lock().unwrap().clone()
    }

    /// How many confirms actually approved a payment (replays excluded).
    pub fn confirms_executed(&self) -> u64 {
        self.state.confirms_executed.load(Ordering::SeqCst)
    }

    /// Makes every confirm answer only after `delay` (timeouts, the 300 ms benchmark).
    pub fn delay_confirms(&self, delay: Duration) {
        self.state.confirm_delay.set(delay);
    }

    /// Makes every cancel answer only after `delay` (a refund in flight).
    pub fn delay_cancels(&self, delay: Duration) {
        self.state.cancel_delay.set(delay);
    }

    /// Refuses (`true`) or processes again every later cancel.
    pub fn refuse_cancels(&self, refuse: bool) {
        self.state.cancels_refused.store(refuse, Ordering::SeqCst);
    }

    /// The payment of an attempt, as the fake holds it.
    pub fn payment_of_order(&self, order_id: &str) -> Option<FakePayment> {
        let payments = self.state.payments.lock().unwrap();
        payments.values().find(|p| p.order_id == order_id).cloned()
    }

    /// The window's "approve" without a browser: the shopper authenticated `amount` for
    /// `order_id` with `method` ("카드", "계좌이체", "토스페이"); returns the payment key the
    /// success redirect carries.
    pub fn authenticate(
        &self,
        order_id: &str,
        order_name: &str,
        amount: i64,
        method: &str,
    ) -> String {
        window::authenticate(&self.state, order_id, order_name, amount, method)
    }

    /// The shopper deposits into the virtual account of `order_id`: the payment becomes `DONE`
    /// and this is the `DEPOSIT_CALLBACK` body Toss would send (flat shape).
    pub fn deposit(&self, order_id: &str, now: DateTime<Utc>) -> Option<String> {
        let mut payments = self.state.payments.lock().unwrap();
        let p = payments.values_mut().find(|p| p.order_id == order_id)?;
        p.deposit(now);
        let tx = p.last_transaction_key.clone();
        Some(
            serde_json::json!({
                "createdAt": payment::kst_naive(now),
                "secret": p.secret, "status": "DONE",
                "transactionKey": tx, "orderId": p.order_id,
            })
            .to_string(),
        )
    }

    /// A refund made in Toss's own console, outside the shop: the balance of `order_id`'s
    /// payment drops by `amount`.
    pub fn refund_in_console(&self, order_id: &str, amount: i64) {
        let mut payments = self.state.payments.lock().unwrap();
        if let Some(p) = payments.values_mut().find(|p| p.order_id == order_id) {
            p.balance -= amount;
            p.status = if p.balance == 0 {
                "CANCELED"
            } else {
                "PARTIAL_CANCELED"
            }
            .into();
        }
    }

    /// The cash receipt issued for `order_id` (its `CashReceipt` object as the fake holds it).
    pub fn cash_receipt(&self, order_id: &str) -> Option<Value> {
        let receipts = self.state.receipts.lock().unwrap();
        receipts
            .values()
            .find(|r| r["orderId"] == order_id)
            .cloned()
    }

    /// The `PAYMENT_STATUS_CHANGED` body for a payment as it stands (unsigned, §1.8).
    pub fn status_changed(&self, order_id: &str, now: DateTime<Utc>) -> Option<String> {
        let payments = self.state.payments.lock().unwrap();
        let p = payments.values().find(|p| p.order_id == order_id)?;
        Some(
            serde_json::json!({
                "eventType": "PAYMENT_STATUS_CHANGED",
                "createdAt": payment::kst_naive(now),
                "data": p.to_json(),
            })
            .to_string(),
        )
    }
}

/// A JSON field as text, for the strict checks.
pub(crate) fn text<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get(name).and_then(Value::as_str)
}
