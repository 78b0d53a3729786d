//! Members' carts (a guest's cart lives in the session).

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};

/// One stored cart line.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CartItemRow {
    /// SKU.
    pub sku_id: i64,
    /// Units.
    pub quantity: i64,
    /// Unit price when added.
    pub seen_unit_price: i64,
}

/// The member's cart lines, oldest first.
pub async fn items(db: &Db, member_id: i64) -> DbResult<Vec<CartItemRow>> {
    read_all!(
        db,
        CartItemRow,
        "SELECT sku_id, quantity, seen_unit_price FROM cart_items WHERE member_id = $1 ORDER BY added_at, sku_id",
        member_id
    )
    .context("loading cart")
}

/// Number of lines in the member's cart.
pub async fn count(db: &Db, member_id: i64) -> DbResult<i64> {
    read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM cart_items WHERE member_id = $1",
        member_id
    )
    .context("counting cart lines")
}

/// Sets a line's quantity (inserting it when new); `seen_unit_price` is kept for an existing line
/// unless `reprice` is set.
pub async fn put(
    tx: &mut Tx,
    member_id: i64,
    sku_id: i64,
    quantity: i64,
    seen_unit_price: i64,
    reprice: bool,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO cart_items (member_id, sku_id, quantity, seen_unit_price, added_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (member_id, sku_id) DO UPDATE SET quantity = excluded.quantity,
             seen_unit_price = CASE WHEN $6 THEN excluded.seen_unit_price ELSE cart_items.seen_unit_price END",
        member_id,
        sku_id,
        quantity,
        seen_unit_price,
        now,
        reprice
    )
    .context("saving cart line")
    .map(|_| ())
}

/// Removes a line.
pub async fn remove(tx: &mut Tx, member_id: i64, sku_id: i64) -> DbResult<()> {
    tx_execute!(
        tx,
        "DELETE FROM cart_items WHERE member_id = $1 AND sku_id = $2",
        member_id,
        sku_id
    )
    .context("removing cart line")
    .map(|_| ())
}

/// A member with a cart left alone (abandoned-cart reminders go only to members who agreed to
/// marketing messages).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StaleCartRow {
    /// Member.
    pub member_id: i64,
    /// E-mail.
    pub email: String,
    /// Name.
    pub name: String,
}

/// Consenting active members whose newest cart line was added in `[from, to)`.
pub async fn stale_carts(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DbResult<Vec<StaleCartRow>> {
    read_all!(
        db,
        StaleCartRow,
        "SELECT m.id AS member_id, m.email, m.name FROM members m
         JOIN (SELECT member_id, MAX(added_at) AS last_added FROM cart_items GROUP BY member_id) c
             ON c.member_id = m.id
         WHERE m.status = 'active' AND m.email IS NOT NULL AND m.marketing_agreed_at IS NOT NULL
           AND c.last_added >= $1 AND c.last_added < $2
         ORDER BY m.id",
        from,
        to
    )
    .context("finding abandoned carts")
}

/// Backdates a member's cart lines (tests, imports).
pub async fn set_added_at(tx: &mut Tx, member_id: i64, at: DateTime<Utc>) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE cart_items SET added_at = $2 WHERE member_id = $1",
        member_id,
        at
    )
    .context("backdating cart")
    .map(|_| ())
}
