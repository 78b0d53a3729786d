//! 현금영수증 of orders, one per order: the buyer's request (the identity sealed, only its last
//! digits readable) and what the gateway issued.

use crate::error::Context;
use crate::{DbResult, Reader, Tx};
use chrono::{DateTime, Utc};
use jangteo_core::ids::OrderId;

/// A stored receipt (or request).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CashReceiptRow {
    /// Order.
    #[sqlx(try_from = "i64")]
    pub order_id: OrderId,
    /// `personal`, `business` or `self`.
    pub kind: String,
    /// The identity (mobile or business number), sealed; none for 자진발급.
    pub identity_sealed: Option<String>,
    /// Its last digits.
    pub identity_hint: String,
    /// `requested`, `issued`, `cancelled`, `failed`.
    pub status: String,
    /// Gateway that issued it.
    pub provider: Option<String>,
    /// The gateway's key of the receipt.
    pub receipt_key: Option<String>,
    /// 승인번호.
    pub issue_number: Option<String>,
    /// The receipt's page.
    pub receipt_url: Option<String>,
    /// Amount it covers now.
    pub amount: i64,
    /// How many receipts were issued for the order before this one.
    pub generation: i32,
    /// Why the last issue failed.
    pub failure: Option<String>,
}

const COLUMNS: &str = "order_id, kind, identity_sealed, identity_hint, status, provider, receipt_key, \
     issue_number, receipt_url, amount, generation, failure";

/// The receipt of an order.
pub async fn of_order(
    conn: impl Into<Reader<'_>>,
    order_id: OrderId,
) -> DbResult<Option<CashReceiptRow>> {
    reader_optional!(
        conn,
        CashReceiptRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM cash_receipts WHERE order_id = $1"
        )),
        order_id.get()
    )
    .context("loading cash receipt")
}

/// Stores the buyer's request (or a 자진발급 about to be issued): `requested`.
pub async fn request(
    tx: &mut Tx,
    order_id: OrderId,
    kind: &str,
    identity: Option<(&str, &str)>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let (sealed, hint) = identity.map_or((None, ""), |(s, h)| (Some(s), h));
    tx_execute!(
        tx,
        "INSERT INTO cash_receipts (order_id, kind, identity_sealed, identity_hint, status, updated_at)
         VALUES ($1, $2, $3, $4, 'requested', $5)
         ON CONFLICT (order_id) DO NOTHING",
        order_id.get(),
        kind,
        sealed,
        hint,
        now
    )
    .context("storing cash receipt request")
    .map(|_| ())
}

/// What the gateway issued.
#[derive(Debug, Clone)]
pub struct Issued<'a> {
    /// Gateway.
    pub provider: &'a str,
    /// Its key.
    pub receipt_key: &'a str,
    /// 승인번호.
    pub issue_number: &'a str,
    /// Receipt page.
    pub receipt_url: Option<&'a str>,
    /// Amount covered.
    pub amount: i64,
}

/// Records an issued receipt.
pub async fn set_issued(
    tx: &mut Tx,
    order_id: OrderId,
    issued: &Issued<'_>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE cash_receipts SET status = 'issued', provider = $2, receipt_key = $3, issue_number = $4,
             receipt_url = $5, amount = $6, failure = NULL, updated_at = $7
         WHERE order_id = $1",
        order_id.get(),
        issued.provider,
        issued.receipt_key,
        issued.issue_number,
        issued.receipt_url,
        issued.amount,
        now
    )
    .context("recording cash receipt")
    .map(|_| ())
}

/// Records a reduced amount (a partial cancel at the gateway).
pub async fn set_amount(
    tx: &mut Tx,
    order_id: OrderId,
    amount: i64,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE cash_receipts SET amount = $2, updated_at = $3 WHERE order_id = $1",
        order_id.get(),
        amount,
        now
    )
    .context("reducing cash receipt")
    .map(|_| ())
}

/// Records a cancelled receipt; `reissue` opens the next generation (`requested` again).
pub async fn set_cancelled(
    tx: &mut Tx,
    order_id: OrderId,
    reissue: bool,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let status = if reissue { "requested" } else { "cancelled" };
    tx_execute!(
        tx,
        "UPDATE cash_receipts SET status = $2, amount = 0, generation = generation + 1, updated_at = $3
         WHERE order_id = $1",
        order_id.get(),
        status,
        now
    )
    .context("cancelling cash receipt")
    .map(|_| ())
}

/// Records a refused issue with the gateway's words.
pub async fn set_failed(
    tx: &mut Tx,
    order_id: OrderId,
    failure: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE cash_receipts SET status = 'failed', failure = $2, updated_at = $3 WHERE order_id = $1",
        order_id.get(),
        failure,
        now
    )
    .context("recording a refused cash receipt")
    .map(|_| ())
}
