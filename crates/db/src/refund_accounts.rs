//! The accounts virtual-account and bank-deposit payments are refunded to (환불 계좌), one per
//! order. The number arrives sealed; only its last digits are kept readable (to show).

use crate::error::Context;
use crate::{Db, DbResult, Reader, Tx};
use chrono::{DateTime, Utc};
use jangteo_core::ids::OrderId;

/// A stored refund account.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RefundAccountRow {
    /// Order.
    #[sqlx(try_from = "i64")]
    pub order_id: OrderId,
    /// Bank code.
    pub bank: String,
    /// The account number, sealed.
    pub number_sealed: String,
    /// Its last digits ("…6789").
    pub number_hint: String,
    /// Holder.
    pub holder: String,
    /// Who entered it ("buyer", or a staff e-mail).
    pub entered_by: String,
}

/// A refund account to store.
#[derive(Debug, Clone)]
pub struct NewRefundAccount<'a> {
    /// Bank code.
    pub bank: &'a str,
    /// The account number, sealed.
    pub number_sealed: &'a str,
    /// Its last digits.
    pub number_hint: &'a str,
    /// Holder.
    pub holder: &'a str,
    /// Who entered it.
    pub entered_by: &'a str,
}

/// The refund account of an order.
pub async fn of_order(
    conn: impl Into<Reader<'_>>,
    order_id: OrderId,
) -> DbResult<Option<RefundAccountRow>> {
    reader_optional!(
        conn,
        RefundAccountRow,
        "SELECT order_id, bank, number_sealed, number_hint, holder, entered_by FROM refund_accounts WHERE order_id = $1",
        order_id.get()
    )
    .context("loading refund account")
}

/// Stores (or replaces) the refund account of an order.
pub async fn save(
    tx: &mut Tx,
    order_id: OrderId,
    account: &NewRefundAccount<'_>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO refund_accounts (order_id, bank, number_sealed, number_hint, holder, entered_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (order_id) DO UPDATE SET bank = excluded.bank, number_sealed = excluded.number_sealed,
           number_hint = excluded.number_hint, holder = excluded.holder, entered_by = excluded.entered_by,
           updated_at = excluded.updated_at",
        order_id.get(),
        account.bank,
        account.number_sealed,
        account.number_hint,
        account.holder,
        account.entered_by,
        now
    )
    .context("saving refund account")
    .map(|_| ())
}

/// Orders with a return under way, paid by virtual account or bank deposit, whose refund account
/// nobody entered yet (the back office's to-do).
pub async fn missing_for_open_returns(db: &Db) -> DbResult<Vec<String>> {
    read_all!(
        db,
        (String,),
        "SELECT DISTINCT o.number FROM orders o
         JOIN claims c ON c.order_id = o.id
         WHERE c.resolution = 'return' AND c.status IN ('requested', 'approved', 'collected')
           AND o.payment_method IN ('virtual_account', 'bank_deposit')
           AND NOT EXISTS (SELECT 1 FROM refund_accounts r WHERE r.order_id = o.id)
         ORDER BY o.number"
    )
    .context("listing returns without a refund account")
    .map(|rows| rows.into_iter().map(|(n,)| n).collect())
}
