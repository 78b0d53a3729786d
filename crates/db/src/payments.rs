//! Payment attempts and the raw log of every gateway message.

use crate::error::Context;
use crate::{Db, DbResult, Reader, Tx};
use chrono::{DateTime, Utc};
use jangteo_core::Won;
use jangteo_core::ids::OrderId;
use jangteo_core::payment::{PaymentMethod, PaymentStatus};

/// A payment attempt.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PaymentRow {
    /// Id.
    pub id: i64,
    /// Order.
    #[sqlx(try_from = "i64")]
    pub order_id: OrderId,
    /// Gateway name.
    pub provider: String,
    /// Method.
    #[sqlx(try_from = "String")]
    pub method: PaymentMethod,
    /// Our attempt id sent to the gateway.
    pub attempt_id: String,
    /// The gateway's key.
    pub payment_key: Option<String>,
    /// Status.
    #[sqlx(try_from = "String")]
    pub status: PaymentStatus,
    /// Amount asked.
    #[sqlx(try_from = "i64")]
    pub amount: Won,
    /// Amount approved.
    #[sqlx(try_from = "i64")]
    pub approved_amount: Won,
    /// Amount refunded.
    #[sqlx(try_from = "i64")]
    pub cancelled_amount: Won,
    /// Card issuer.
    pub card_company: Option<String>,
    /// Virtual account bank.
    pub va_bank: Option<String>,
    /// Virtual account number.
    pub va_account: Option<String>,
    /// Virtual account holder.
    pub va_holder: Option<String>,
    /// Virtual account deadline.
    pub va_deadline: Option<DateTime<Utc>>,
    /// Failure code.
    pub failure_code: Option<String>,
    /// Failure message.
    pub failure_message: Option<String>,
    /// Approved.
    pub approved_at: Option<DateTime<Utc>>,
    /// The buyer chose 구매안전서비스 (escrow).
    pub escrow: bool,
    /// When the shipment was registered with the gateway's escrow.
    pub escrow_shipped_at: Option<DateTime<Utc>>,
    /// When the escrow completed (purchase confirmed, money released to the shop).
    pub escrow_completed_at: Option<DateTime<Utc>>,
}

const PAYMENT_COLUMNS: &str = "id, order_id, provider, method, attempt_id, payment_key, status, amount, \
     approved_amount, cancelled_amount, card_company, va_bank, va_account, va_holder, va_deadline, \
     failure_code, failure_message, approved_at, escrow, escrow_shipped_at, escrow_completed_at";

/// What a new attempt is.
#[derive(Debug, Clone, Copy)]
pub struct NewPayment<'a> {
    /// Order.
    pub order_id: OrderId,
    /// Gateway name.
    pub provider: &'a str,
    /// Method.
    pub method: PaymentMethod,
    /// Our attempt id.
    pub attempt_id: &'a str,
    /// Amount asked.
    pub amount: Won,
    /// 구매안전서비스 chosen.
    pub escrow: bool,
}

/// Starts an attempt (`ready`).
pub async fn insert(tx: &mut Tx, new: &NewPayment<'_>, now: DateTime<Utc>) -> DbResult<i64> {
    tx_scalar!(
        tx,
        i64,
        "INSERT INTO payments (order_id, provider, method, attempt_id, status, amount, escrow, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'ready', $5, $6, $7, $7) RETURNING id",
        new.order_id.get(),
        new.provider,
        new.method.as_str(),
        new.attempt_id,
        new.amount.get(),
        new.escrow,
        now
    )
    .context("starting payment")
}

/// What changes on an attempt after a gateway message.
#[derive(Debug, Clone, Default)]
pub struct PaymentUpdate<'a> {
    /// Gateway key, when learnt.
    pub payment_key: Option<&'a str>,
    /// Approved amount, when approved.
    pub approved_amount: Option<Won>,
    /// Refunded amount so far.
    pub cancelled_amount: Option<Won>,
    /// Card issuer.
    pub card_company: Option<&'a str>,
    /// Virtual account (bank, number, holder, deadline).
    pub virtual_account: Option<(&'a str, &'a str, &'a str, DateTime<Utc>)>,
    /// Failure (code, message).
    pub failure: Option<(&'a str, &'a str)>,
    /// Approval time.
    pub approved_at: Option<DateTime<Utc>>,
}

/// Moves an attempt from `from` to `to` with what was learnt; false when it was not in `from`.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    (from, to): (PaymentStatus, PaymentStatus),
    u: &PaymentUpdate<'_>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let (bank, account, holder, deadline) = match u.virtual_account {
        Some((b, a, h, d)) => (Some(b), Some(a), Some(h), Some(d)),
        None => (None, None, None, None),
    };
    let (code, message) = match u.failure {
        Some((c, m)) => (Some(c), Some(m)),
        None => (None, None),
    };
    tx_execute!(
        tx,
        "UPDATE payments SET status = $3, payment_key = COALESCE($4, payment_key),
             approved_amount = COALESCE($5, approved_amount), cancelled_amount = COALESCE($6, cancelled_amount),
             card_company = COALESCE($7, card_company), va_bank = COALESCE($8, va_bank),
             va_account = COALESCE($9, va_account), va_holder = COALESCE($10, va_holder),
             va_deadline = COALESCE($11, va_deadline), failure_code = COALESCE($12, failure_code),
             failure_message = COALESCE($13, failure_message), approved_at = COALESCE($14, approved_at),
             updated_at = $15
         WHERE id = $1 AND status = $2",
        id,
        from.as_str(),
        to.as_str(),
        u.payment_key,
        u.approved_amount.map(Won::get),
        u.cancelled_amount.map(Won::get),
        u.card_company,
        bank,
        account,
        holder,
        deadline,
        code,
        message,
        u.approved_at,
        now
    )
    .context("updating payment")
    .map(|n| n == 1)
}

/// The latest attempt of an order.
pub async fn latest_for_order(
    conn: impl Into<Reader<'_>>,
    order_id: OrderId,
) -> DbResult<Option<PaymentRow>> {
    reader_optional!(
        conn,
        PaymentRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE order_id = $1 ORDER BY id DESC LIMIT 1"
        )),
        order_id.get()
    )
    .context("loading payment")
}

/// An attempt by our attempt id.
pub async fn find_by_attempt(db: &Db, attempt_id: &str) -> DbResult<Option<PaymentRow>> {
    read_optional!(
        db,
        PaymentRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE attempt_id = $1"
        )),
        attempt_id
    )
    .context("loading payment by attempt")
}

/// An attempt by the gateway's key.
pub async fn find_by_key(
    db: &Db,
    provider: &str,
    payment_key: &str,
) -> DbResult<Option<PaymentRow>> {
    read_optional!(
        db,
        PaymentRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments WHERE provider = $1 AND payment_key = $2"
        )),
        provider,
        payment_key
    )
    .context("loading payment by key")
}

/// Stores a gateway message before acting on it; false when its idempotency key was stored
/// before (a replay: act on nothing).
pub async fn record_event(
    tx: &mut Tx,
    provider: &str,
    idempotency_key: &str,
    payment_id: Option<i64>,
    kind: &str,
    raw: &str,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    tx_execute!(
        tx,
        "INSERT INTO payment_events (provider, idempotency_key, payment_id, kind, raw, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (provider, idempotency_key) DO NOTHING",
        provider,
        idempotency_key,
        payment_id,
        kind,
        raw,
        now
    )
    .context("recording gateway message")
    .map(|n| n == 1)
}

/// Number of stored gateway messages for a payment.
pub async fn count_events(db: &Db, payment_id: i64) -> DbResult<i64> {
    read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM payment_events WHERE payment_id = $1",
        payment_id
    )
    .context("counting gateway messages")
}

/// Stores the secret the gateway will repeat in its deposit notice.
pub async fn set_webhook_secret(tx: &mut Tx, id: i64, secret: Option<&str>) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE payments SET webhook_secret = $2 WHERE id = $1",
        id,
        secret
    )
    .context("storing webhook secret")
    .map(|_| ())
}

/// Payments through a gateway approved in `[from, to)` (bank deposits excluded: no gateway holds
/// them), oldest first: what a day's reconciliation compares.
pub async fn gateway_payments_approved_between(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DbResult<Vec<PaymentRow>> {
    read_all!(
        db,
        PaymentRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {PAYMENT_COLUMNS} FROM payments
             WHERE approved_at >= $1 AND approved_at < $2 AND method <> 'bank_deposit'
             ORDER BY approved_at, id"
        )),
        from,
        to
    )
    .context("listing the day's gateway payments")
}

/// Keeps the key a gateway gave when the payment started (KakaoPay's `tid`, needed to approve).
pub async fn set_started_key(tx: &mut Tx, id: i64, key: &str) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE payments SET payment_key = $2 WHERE id = $1 AND status = 'ready'",
        id,
        key
    )
    .context("storing the started payment's key")
    .map(|_| ())
}

/// The stored deposit-notice secret of a payment.
pub async fn webhook_secret(db: &Db, id: i64) -> DbResult<Option<String>> {
    read_optional!(
        db,
        (Option<String>,),
        "SELECT webhook_secret FROM payments WHERE id = $1",
        id
    )
    .context("loading webhook secret")
    .map(|r| r.and_then(|(s,)| s))
}

/// Records that an escrow payment's shipment was registered with the gateway; false when it was
/// recorded before.
pub async fn mark_escrow_shipped(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE payments SET escrow_shipped_at = $2, updated_at = $2
         WHERE id = $1 AND escrow AND escrow_shipped_at IS NULL",
        id,
        now
    )
    .context("recording an escrow shipment")
    .map(|n| n == 1)
}

/// Records that an escrow payment completed (the money released to the shop); false when it was
/// recorded before.
pub async fn mark_escrow_completed(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE payments SET escrow_completed_at = $2, updated_at = $2
         WHERE id = $1 AND escrow AND escrow_completed_at IS NULL",
        id,
        now
    )
    .context("recording an escrow completion")
    .map(|n| n == 1)
}
