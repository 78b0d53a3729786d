//! The built-in `test` gateway for the demo and development: a payment window served by the shop
//! itself (`/payments/test/{attempt}`) where a button approves or declines, virtual accounts that a
//! button "deposits", and server-side confirm/cancel/lookup that behave like Toss Payments
//! (confirm checks the amount; the deposit notice carries a secret). Nothing leaves the process.
//!
//! Payment keys are HMACs of the attempt and amount, so any instance sharing the secret can
//! confirm them; lookups and cancellations are remembered in memory (good enough for a demo).

use super::{
    CancelRequest, ConfirmRequest, GatewayPayment, GatewayStatus, PayMethod, PaymentError,
    PaymentGateway, PaymentRef, PaymentRequest, PaymentStart, VirtualAccount, WebhookNotice,
};
use chrono::{DateTime, Utc};
use futures::FutureExt;
use futures::future::BoxFuture;
use hmac::{Hmac, Mac};
use jangteo_core::Won;
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const NAME: &str = "test";

#[derive(Debug, Clone)]
struct Remembered {
    payment_key: String,
    status: GatewayStatus,
    total: i64,
    balance: i64,
    approved_at: Option<DateTime<Utc>>,
}

/// The test gateway.
#[derive(Clone)]
pub struct TestGateway {
    secret: Arc<[u8]>,
    holder: String,
    payments: Arc<Mutex<HashMap<String, Remembered>>>,
    /// Lookups still to fail as if the gateway were unreachable (fault injection in tests).
    failing_lookups: Arc<std::sync::atomic::AtomicUsize>,
}

impl std::fmt::Debug for TestGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestGateway").finish_non_exhaustive()
    }
}

fn rejected(code: &str, message: &str) -> PaymentError {
    PaymentError::Rejected {
        provider: NAME,
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

impl TestGateway {
    /// A gateway signing with `secret`; virtual accounts are held by `holder` (the shop).
    pub fn new(secret: &[u8], holder: &str) -> Self {
        Self {
            secret: secret.into(),
            holder: holder.to_owned(),
            payments: Arc::default(),
            failing_lookups: Arc::default(),
        }
    }

    /// Makes the next `n` lookups fail as if the gateway were unreachable (tests of what a
    /// timeout does to a deposit notice).
    pub fn fail_next_lookups(&self, n: usize) {
        self.failing_lookups
            .store(n, std::sync::atomic::Ordering::SeqCst);
    }

    fn mac(&self, parts: &[&str]) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes any key length");
        for p in parts {
            mac.update(p.as_bytes());
            mac.update(b"\x1f");
        }
        hex::encode(&mac.finalize().into_bytes()[..12])
    }

    /// The payment window's "pay" button: approves `amount` for the attempt and returns the
    /// payment key the browser carries back to the shop.
    pub fn authorize(&self, attempt_id: &str, amount: Won) -> String {
        format!(
            "tpk_{}",
            self.mac(&["pay", attempt_id, &amount.get().to_string()])
        )
    }

    /// The secret of an attempt's virtual account.
    fn va_secret(&self, attempt_id: &str) -> String {
        format!("ps_{}", self.mac(&["va-secret", attempt_id]))
    }

    /// Simulates the shopper's deposit into the virtual account of `attempt_id`: the gateway now
    /// reports it paid, and this is the deposit notice (Toss `DEPOSIT_CALLBACK` shape) it sends.
    pub fn simulate_deposit(
        &self,
        attempt_id: &str,
        now: DateTime<Utc>,
    ) -> Result<String, PaymentError> {
        let mut map = self.payments.lock().expect("test gateway state");
        let Some(p) = map.get_mut(attempt_id) else {
            return Err(rejected("NOT_FOUND_PAYMENT", "존재하지 않는 결제 입니다."));
        };
        if p.status == GatewayStatus::WaitingForDeposit {
            p.status = GatewayStatus::Done;
            p.approved_at = Some(now);
        }
        Ok(serde_json::json!({
            "createdAt": now.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
            "secret": self.va_secret(attempt_id),
            "status": "DONE",
            "transactionKey": format!("ttx_{}", self.mac(&["deposit", attempt_id])),
            "orderId": attempt_id,
        })
        .to_string())
    }

    fn snapshot(&self, attempt_id: &str, r: &Remembered, raw: String) -> GatewayPayment {
        GatewayPayment {
            payment_key: r.payment_key.clone(),
            attempt_id: attempt_id.to_owned(),
            status: r.status,
            total_amount: Won(r.total),
            balance_amount: Won(r.balance),
            approved_at: r.approved_at,
            card_company: Some("테스트카드".to_owned()),
            secret: None,
            raw,
        }
    }
}

fn raw_of(attempt_id: &str, r: &Remembered) -> String {
    serde_json::json!({
        "paymentKey": r.payment_key, "orderId": attempt_id, "status": super::toss_shapes::status_name(r.status),
        "totalAmount": r.total, "balanceAmount": r.balance, "currency": "KRW",
    })
    .to_string()
}

impl PaymentGateway for TestGateway {
    fn name(&self) -> &'static str {
        NAME
    }

    fn start<'a>(
        &'a self,
        req: &'a PaymentRequest,
    ) -> BoxFuture<'a, Result<PaymentStart, PaymentError>> {
        async move {
            if req.amount.get() < 1 {
                return Err(rejected(
                    "BELOW_MINIMUM_AMOUNT",
                    "결제 금액이 너무 적습니다.",
                ));
            }
            if req.method != PayMethod::VirtualAccount {
                return Ok(PaymentStart::Redirect {
                    url: format!("/payments/test/{}", req.attempt_id),
                    payment_key: None,
                });
            }
            let digits: String = self
                .mac(&["va", &req.attempt_id])
                .bytes()
                .map(|b| char::from(b'0' + b % 10))
                .take(12)
                .collect();
            let payment_key = format!("tva_{}", self.mac(&["va-key", &req.attempt_id]));
            let remembered = Remembered {
                payment_key: payment_key.clone(),
                status: GatewayStatus::WaitingForDeposit,
                total: req.amount.get(),
                balance: req.amount.get(),
                approved_at: None,
            };
            let raw = raw_of(&req.attempt_id, &remembered);
            self.payments
                .lock()
                .expect("test gateway state")
                .insert(req.attempt_id.clone(), remembered);
            Ok(PaymentStart::VirtualAccount {
                payment_key,
                account: VirtualAccount {
                    bank: "테스트은행".to_owned(),
                    account: format!("{}-{}-{}", &digits[..3], &digits[3..9], &digits[9..]),
                    holder: self.holder.clone(),
                    deadline: req.deposit_deadline,
                },
                webhook_secret: Some(self.va_secret(&req.attempt_id)),
                raw,
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
            // Like Toss: the key was issued for one attempt and amount; anything else is refused.
            if !super::secrets_match(payment_key, &self.authorize(attempt_id, amount)) {
                return Err(rejected(
                    "INVALID_REQUEST",
                    "결제 정보가 일치하지 않습니다.",
                ));
            }
            let mut map = self.payments.lock().expect("test gateway state");
            let r = map
                .entry(attempt_id.to_owned())
                .or_insert_with(|| Remembered {
                    payment_key: payment_key.to_owned(),
                    status: GatewayStatus::Done,
                    total: amount.get(),
                    balance: amount.get(),
                    approved_at: Some(Utc::now()),
                });
            let raw = raw_of(attempt_id, r);
            Ok(self.snapshot(attempt_id, r, raw))
        }
        .boxed()
    }

    fn cancel<'a>(
        &'a self,
        req: &'a CancelRequest,
    ) -> BoxFuture<'a, Result<GatewayPayment, PaymentError>> {
        async move {
            let mut map = self.payments.lock().expect("test gateway state");
            let Some((attempt_id, r)) = map
                .iter_mut()
                .find(|(_, r)| r.payment_key == req.payment_key)
            else {
                return Err(rejected("NOT_FOUND_PAYMENT", "존재하지 않는 결제 입니다."));
            };
            let refund = req.amount.map_or(r.balance, Won::get);
            if refund <= 0 || refund > r.balance {
                return Err(rejected(
                    "NOT_CANCELABLE_AMOUNT",
                    "취소할 수 없는 금액입니다.",
                ));
            }
            r.balance -= refund;
            r.status = if r.balance == 0 {
                GatewayStatus::Cancelled
            } else {
                GatewayStatus::PartiallyCancelled
            };
            let raw = raw_of(attempt_id, r);
            Ok(self.snapshot(attempt_id, r, raw))
        }
        .boxed()
    }

    fn lookup<'a>(
        &'a self,
        payment: &'a PaymentRef,
    ) -> BoxFuture<'a, Result<GatewayPayment, PaymentError>> {
        let attempt_id = payment.attempt_id.as_str();
        async move {
            let failing = self
                .failing_lookups
                .fetch_update(
                    std::sync::atomic::Ordering::SeqCst,
                    std::sync::atomic::Ordering::SeqCst,
                    |n| n.checked_sub(1),
                )
                .is_ok();
            if failing {
                return Err(PaymentError::Unavailable {
                    provider: NAME,
                    message: "lookup timed out (injected)".into(),
                });
            }
            let map = self.payments.lock().expect("test gateway state");
            match map.get(attempt_id) {
                Some(r) => Ok(self.snapshot(attempt_id, r, raw_of(attempt_id, r))),
                None => Err(rejected("NOT_FOUND_PAYMENT", "존재하지 않는 결제 입니다.")),
            }
        }
        .boxed()
    }

    fn parse_webhook(
        &self,
        _headers: &super::HeaderMap,
        body: &[u8],
    ) -> Result<WebhookNotice, PaymentError> {
        // The test gateway's notices have Toss's shapes.
        super::toss_shapes::webhook(body)
    }

    fn supports_escrow(&self) -> bool {
        true
    }

    fn register_escrow_shipment<'a>(
        &'a self,
        shipment: &'a super::EscrowShipment,
    ) -> BoxFuture<'a, Result<(), PaymentError>> {
        // The demo's escrow accepts every shipment (it remembers payments in memory only).
        let _ = shipment;
        async { Ok(()) }.boxed()
    }

    fn complete_escrow<'a>(
        &'a self,
        _payment: &'a PaymentRef,
    ) -> BoxFuture<'a, Result<(), PaymentError>> {
        async { Ok(()) }.boxed()
    }

    fn issue_cash_receipt<'a>(
        &'a self,
        request: &'a super::CashReceiptRequest,
    ) -> BoxFuture<'a, Result<super::IssuedReceipt, PaymentError>> {
        // The demo issues at once; the number is derived from the receipt id.
        let digits: String = self
            .mac(&["receipt", &request.receipt_id])
            .bytes()
            .map(|b| char::from(b'0' + b % 10))
            .take(9)
            .collect();
        let receipt = super::IssuedReceipt {
            receipt_key: format!("tcr_{}", request.receipt_id),
            issue_number: digits,
            receipt_url: None,
        };
        async move { Ok(receipt) }.boxed()
    }

    fn cancel_cash_receipt<'a>(
        &'a self,
        _receipt_key: &'a str,
        _amount: Option<Won>,
    ) -> BoxFuture<'a, Result<(), PaymentError>> {
        async { Ok(()) }.boxed()
    }
}
