//! Payment gateways behind one trait. The shapes follow what Toss Payments, KakaoPay and PortOne
//! need (docs/PROVIDERS.md §1–3): a start step that either redirects the browser, hands parameters to
//! a widget or issues a virtual account; a server-side confirm with the amount; full and partial
//! cancels with an idempotency key; status lookup; and webhook parsing (authenticity is then
//! established by the caller comparing the shared secret and looking the payment up again).

mod aftercare;
mod kakaopay;
mod portone;
mod portone_shapes;
mod test_gateway;
mod toss;
mod toss_shapes;

pub use aftercare::{CashReceiptRequest, EscrowShipment, IssuedReceipt};
use aftercare::{escrow_unsupported, receipts_unsupported};
pub use kakaopay::{KakaoPay, KakaoPayConfig};
pub use portone::{PortOne, PortOneConfig};
pub use portone_shapes::portone_bank;
pub use reqwest::Client as HttpClient;
pub use reqwest::header::HeaderMap;
pub use test_gateway::TestGateway;
pub use toss::{TossConfig, TossPayments};

use chrono::{DateTime, Utc};
use futures::future::BoxFuture;
use jangteo_core::Won;
use serde::Serialize;

/// How the shopper pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PayMethod {
    /// Credit/debit card.
    Card,
    /// Real-time account transfer.
    Transfer,
    /// Easy pay (KakaoPay, NaverPay, Toss Pay …).
    EasyPay,
    /// KakaoPay.
    KakaoPay,
    /// NaverPay (through PortOne's NaverPay channel).
    NaverPay,
    /// A virtual account issued by the gateway (가상계좌).
    VirtualAccount,
}

impl PayMethod {
    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            PayMethod::Card => "card",
            PayMethod::Transfer => "transfer",
            PayMethod::EasyPay => "easy_pay",
            PayMethod::KakaoPay => "kakao_pay",
            PayMethod::NaverPay => "naver_pay",
            PayMethod::VirtualAccount => "virtual_account",
        }
    }
}

/// What the gateway needs to start a payment.
#[derive(Debug, Clone)]
pub struct PaymentRequest {
    /// Our id of this attempt (Toss `orderId`, 6–64 chars of `[A-Za-z0-9-_.]`).
    pub attempt_id: String,
    /// Shown to the shopper ("니트 카디건 외 2건").
    pub order_name: String,
    /// Amount to charge.
    pub amount: Won,
    /// Method.
    pub method: PayMethod,
    /// Buyer.
    pub customer_name: String,
    /// Buyer e-mail.
    pub customer_email: String,
    /// Buyer mobile digits.
    pub customer_mobile: String,
    /// Where the gateway sends the browser after approval (with its parameters added).
    pub success_url: String,
    /// The shop's return address for gateways that add only a one-time token (KakaoPay
    /// `approval_url`, which names the attempt itself).
    pub approval_url: String,
    /// Where it sends the browser after failure or abandonment.
    pub fail_url: String,
    /// Deadline of a virtual account.
    pub deposit_deadline: DateTime<Utc>,
    /// The buyer is on a phone (gateways redirect phones to their mobile window).
    pub mobile: bool,
    /// The buyer chose 구매안전서비스: the gateway holds the money until the purchase is
    /// confirmed (cash-type methods).
    pub escrow: bool,
}

/// Which browser SDK opens a gateway's window from the shop's payment page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowSdk {
    /// Toss Payments: `TossPayments(clientKey).requestPayment(method, params)`.
    Toss,
    /// PortOne V2: `PortOne.requestPayment(params)`.
    PortOne,
}

impl WindowSdk {
    /// Stored code (the page's `data-sdk`).
    pub fn as_str(self) -> &'static str {
        match self {
            WindowSdk::Toss => "toss",
            WindowSdk::PortOne => "portone",
        }
    }
}

/// A virtual account to show the shopper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VirtualAccount {
    /// Bank name.
    pub bank: String,
    /// Account number.
    pub account: String,
    /// Holder shown by the bank.
    pub holder: String,
    /// Deposit deadline.
    pub deadline: DateTime<Utc>,
}

/// How a started payment continues.
#[derive(Debug, Clone)]
pub enum PaymentStart {
    /// Send the browser to the gateway's payment window.
    Redirect {
        /// Absolute or site-relative URL.
        url: String,
        /// The gateway's key of the started payment, when it gives one now (KakaoPay `tid`).
        payment_key: Option<String>,
    },
    /// Open the gateway's payment window from a page of ours: load `sdk_url`, then call
    /// `requestPayment(method, params)` with `client_key` (Toss payment window).
    Widget {
        /// Which SDK's call opens the window.
        sdk: WindowSdk,
        /// The gateway's browser SDK.
        sdk_url: String,
        /// Public client key.
        client_key: String,
        /// The method as the SDK names it ("카드", "계좌이체" …).
        method: String,
        /// Parameters for `requestPayment`.
        params: serde_json::Value,
        /// Origins the page must let load script and frames (the SDK's, the window's).
        origins: Vec<String>,
    },
    /// A virtual account was issued; the payment waits for the deposit.
    VirtualAccount {
        /// The gateway's payment key.
        payment_key: String,
        /// The account.
        account: VirtualAccount,
        /// Secret the gateway repeats in its deposit notice.
        webhook_secret: Option<String>,
        /// Raw reply.
        raw: String,
    },
}

/// Where a payment stands at the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum GatewayStatus {
    /// Not yet approved.
    Ready,
    /// Approved / deposited.
    Done,
    /// Virtual account waiting for the deposit.
    WaitingForDeposit,
    /// Partly refunded.
    PartiallyCancelled,
    /// Fully refunded or voided.
    Cancelled,
    /// Approval failed.
    Aborted,
    /// Validity window passed.
    Expired,
}

impl GatewayStatus {
    /// Stable code (message keys, logs).
    pub fn as_str(self) -> &'static str {
        match self {
            GatewayStatus::Ready => "ready",
            GatewayStatus::Done => "done",
            GatewayStatus::WaitingForDeposit => "waiting_for_deposit",
            GatewayStatus::PartiallyCancelled => "partially_cancelled",
            GatewayStatus::Cancelled => "cancelled",
            GatewayStatus::Aborted => "aborted",
            GatewayStatus::Expired => "expired",
        }
    }
}

/// A payment as the gateway reports it.
#[derive(Debug, Clone)]
pub struct GatewayPayment {
    /// Gateway key.
    pub payment_key: String,
    /// Our attempt id.
    pub attempt_id: String,
    /// Status.
    pub status: GatewayStatus,
    /// Amount approved.
    pub total_amount: Won,
    /// Amount still captured after refunds.
    pub balance_amount: Won,
    /// Approval time.
    pub approved_at: Option<DateTime<Utc>>,
    /// Card issuer, for card payments.
    pub card_company: Option<String>,
    /// The secret the gateway repeats in deposit notices (virtual accounts).
    pub secret: Option<String>,
    /// The raw reply, stored before acting on it.
    pub raw: String,
}

/// A confirm: the browser came back from the gateway's window.
#[derive(Debug, Clone)]
pub struct ConfirmRequest {
    /// The gateway's key (Toss `paymentKey` from the return; KakaoPay `tid` kept from `ready`).
    pub payment_key: String,
    /// Our attempt id.
    pub attempt_id: String,
    /// The amount the shop expects.
    pub amount: Won,
    /// A one-time token the return carried (KakaoPay `pg_token`).
    pub approval_token: Option<String>,
}

/// Which payment to look up.
#[derive(Debug, Clone)]
pub struct PaymentRef {
    /// Our attempt id.
    pub attempt_id: String,
    /// The gateway's key, when known.
    pub payment_key: Option<String>,
}

impl PaymentRef {
    /// A payment known by our attempt id only.
    pub fn attempt(attempt_id: &str) -> Self {
        Self {
            attempt_id: attempt_id.to_owned(),
            payment_key: None,
        }
    }
}

/// The buyer's account a virtual-account refund is paid into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundAccount {
    /// Bank code (Toss: two-digit code such as "88").
    pub bank: String,
    /// Account number, digits only.
    pub number: String,
    /// Holder's name.
    pub holder: String,
}

impl GatewayPayment {
    /// Whether the gateway holds it as paid, for exactly `amount`.
    pub fn is_paid(&self, amount: Won) -> bool {
        self.status == GatewayStatus::Done && self.total_amount == amount
    }
}

/// A cancel (refund) request.
#[derive(Debug, Clone)]
pub struct CancelRequest {
    /// Gateway key.
    pub payment_key: String,
    /// Reason shown in the gateway's records.
    pub reason: String,
    /// Amount to refund; `None` refunds everything left.
    pub amount: Option<Won>,
    /// One key per logical cancel (Toss `Idempotency-Key`).
    pub idempotency_key: String,
    /// Where the money goes back to (virtual-account payments only).
    pub refund_account: Option<RefundAccount>,
    /// What the shop holds as still captured before this cancel: gateways that guard by the
    /// balance (PortOne `currentCancellableAmount`) refuse a repeat of a refund already made.
    pub captured: Option<Won>,
}

/// What a webhook says happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// A virtual-account deposit (or its cancellation); carries the payment's secret.
    Deposit,
    /// A payment's status changed; unsigned, so only a lookup tells what is true.
    StatusChanged,
}

/// A parsed webhook. Not trusted until the caller verified `secret` and looked the payment up.
#[derive(Debug, Clone)]
pub struct WebhookNotice {
    /// Kind.
    pub kind: NoticeKind,
    /// Unique per delivery content (the gateway's transaction key): replays repeat it.
    pub idempotency_key: String,
    /// Our attempt id.
    pub attempt_id: String,
    /// Status the notice claims.
    pub status: GatewayStatus,
    /// The secret it carries (virtual-account notices).
    pub secret: Option<String>,
    /// Raw body.
    pub raw: String,
}

/// What can go wrong talking to a gateway.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    /// The gateway refused (declined card, amount mismatch, not found …). Final.
    #[error("{provider} refused: {code}: {message}")]
    Rejected {
        /// Gateway.
        provider: &'static str,
        /// Gateway's code.
        code: String,
        /// Gateway's message (shown to the shopper when it is about their payment).
        message: String,
    },
    /// The gateway could not be reached or failed; may be retried.
    #[error("{provider} unavailable: {message}")]
    Unavailable {
        /// Gateway.
        provider: &'static str,
        /// What happened.
        message: String,
    },
    /// A webhook that is not well-formed.
    #[error("malformed notice: {0}")]
    Malformed(String),
}

/// A payment gateway (Toss Payments, KakaoPay, PortOne, or the built-in test gateway).
pub trait PaymentGateway: Send + Sync {
    /// Stored provider name.
    fn name(&self) -> &'static str;

    /// Starts a payment: redirect, widget, or an issued virtual account.
    fn start<'a>(
        &'a self,
        req: &'a PaymentRequest,
    ) -> BoxFuture<'a, Result<PaymentStart, PaymentError>>;

    /// Confirms (captures) an approved payment for exactly its amount.
    fn confirm<'a>(
        &'a self,
        req: &'a ConfirmRequest,
    ) -> BoxFuture<'a, Result<GatewayPayment, PaymentError>>;

    /// Refunds all or part of a payment.
    fn cancel<'a>(
        &'a self,
        req: &'a CancelRequest,
    ) -> BoxFuture<'a, Result<GatewayPayment, PaymentError>>;

    /// The payment's authoritative state, by our attempt id (and the gateway's key, which some
    /// gateways need: KakaoPay looks up by `tid`).
    fn lookup<'a>(
        &'a self,
        payment: &'a PaymentRef,
    ) -> BoxFuture<'a, Result<GatewayPayment, PaymentError>>;

    /// Parses a webhook (a signed one is verified here, with its headers).
    fn parse_webhook(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<WebhookNotice, PaymentError>;

    /// Whether this gateway can hold a payment in escrow and take its shipments.
    fn supports_escrow(&self) -> bool {
        false
    }

    /// Registers the carrier and waybill of an escrow payment's shipment.
    fn register_escrow_shipment<'a>(
        &'a self,
        shipment: &'a EscrowShipment,
    ) -> BoxFuture<'a, Result<(), PaymentError>> {
        let provider = self.name();
        let _ = shipment;
        Box::pin(async move { Err(escrow_unsupported(provider)) })
    }

    /// Issues a 현금영수증 for a cash payment.
    fn issue_cash_receipt<'a>(
        &'a self,
        request: &'a CashReceiptRequest,
    ) -> BoxFuture<'a, Result<IssuedReceipt, PaymentError>> {
        let provider = self.name();
        let _ = request;
        Box::pin(async move { Err(receipts_unsupported(provider)) })
    }

    /// Cancels a receipt: all of it (`None`) or `amount` of it. A gateway that cannot cancel
    /// in part refuses with `PARTIAL_CANCEL_UNSUPPORTED` (the caller then reissues).
    fn cancel_cash_receipt<'a>(
        &'a self,
        receipt_key: &'a str,
        amount: Option<Won>,
    ) -> BoxFuture<'a, Result<(), PaymentError>> {
        let provider = self.name();
        let _ = (receipt_key, amount);
        Box::pin(async move { Err(receipts_unsupported(provider)) })
    }

    /// Completes an escrow payment: the buyer confirmed the purchase, the money goes to the shop.
    fn complete_escrow<'a>(
        &'a self,
        payment: &'a PaymentRef,
    ) -> BoxFuture<'a, Result<(), PaymentError>> {
        let provider = self.name();
        let _ = payment;
        Box::pin(async move { Err(escrow_unsupported(provider)) })
    }
}

/// [`crate::endpoint`] for a gateway.
fn endpoint(
    provider: &'static str,
    base: &str,
    segments: &[&str],
) -> Result<reqwest::Url, PaymentError> {
    crate::endpoint(base, segments)
        .map_err(|message| PaymentError::Unavailable { provider, message })
}

/// The HTTP client gateways are called with: rustls, no redirects, `timeout` per request (after
/// it the shop looks the payment up rather than retrying blindly).
pub fn http_client(timeout: std::time::Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(std::time::Duration::from_secs(5).min(timeout))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("the HTTP client configuration is static and valid")
}

/// `text` cut to at most `chars` characters (gateways bound their text fields in characters).
fn truncate(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

/// Compares two secrets in time independent of where they differ.
pub fn secrets_match(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
