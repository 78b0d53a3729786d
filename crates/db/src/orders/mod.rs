//! Orders, their lines (snapshots of what was bought) and their timeline: writes and lookups.
//! Rows are in `rows`, the sales and export reads in `reports`, the back-office search in `search`.

mod reports;
mod rows;
mod search;

pub use reports::*;
pub use rows::*;
pub use search::*;

use crate::error::Context;
use crate::{Db, DbResult, Reader, Tx};
use chrono::{DateTime, Utc};
use jangteo_core::ids::OrderId;
use jangteo_core::order::OrderStatus;

/// Inserts an order; `None` when its checkout token was used already (a double submit).
pub async fn insert(
    tx: &mut Tx,
    o: &NewOrder<'_>,
    now: DateTime<Utc>,
) -> DbResult<Option<OrderId>> {
    let id = tx_scalar_optional!(
        tx,
        i64,
        "INSERT INTO orders (number, member_id, guest_password_hash, checkout_token, status, payment_method,
             orderer_name, orderer_mobile, orderer_email, recipient_name, recipient_mobile, postcode, address1,
             address2, delivery_memo, depositor_name, items_subtotal, grade_discount, coupon_discount,
             shipping_fee, remote_surcharge, points_used, total, points_to_earn, coupon_id, grade_code,
             deposit_deadline, placed_at, updated_at, channel, tax_free_amount)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
             $21, $22, $23, $24, $25, $26, $27, $28, $28, $29, $30)
         ON CONFLICT (checkout_token) DO NOTHING RETURNING id",
        o.number,
        o.member_id,
        o.guest_password_hash,
        o.checkout_token,
        o.status.as_str(),
        o.payment_method.as_str(),
        o.orderer_name,
        o.orderer_mobile,
        o.orderer_email,
        o.recipient_name,
        o.recipient_mobile,
        o.postcode,
        o.address1,
        o.address2,
        o.delivery_memo,
        o.depositor_name,
        o.items_subtotal.get(),
        o.grade_discount.get(),
        o.coupon_discount.get(),
        o.shipping_fee.get(),
        o.remote_surcharge.get(),
        o.points_used,
        o.total.get(),
        o.points_to_earn,
        o.coupon_id,
        o.grade_code,
        o.deposit_deadline,
        now,
        o.channel,
        o.tax_free_amount.get()
    )
    .context("inserting order")?;
    Ok(id.map(OrderId))
}

/// Inserts a line.
pub async fn insert_line(tx: &mut Tx, order_id: OrderId, l: &NewOrderLine<'_>) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO order_lines (order_id, sku_id, product_id, product_name, product_slug, option_label,
             sku_code, unit_price, quantity, subtotal, grade_discount, coupon_discount, points, total, is_gift,
             gift_rule_id, category_id, is_tax_free)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
             (SELECT category_id FROM products WHERE id = $3), $17)",
        order_id.get(),
        l.sku_id,
        l.product_id,
        l.product_name,
        l.product_slug,
        l.option_label,
        l.sku_code,
        l.unit_price.get(),
        l.quantity,
        l.subtotal.get(),
        l.grade_discount.get(),
        l.coupon_discount.get(),
        l.points,
        l.total.get(),
        l.is_gift,
        l.gift_rule_id,
        l.is_tax_free
    )
    .context("inserting order line")
    .map(|_| ())
}

/// Appends to the timeline.
pub async fn add_event(
    tx: &mut Tx,
    order_id: OrderId,
    e: &NewOrderEvent<'_>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO order_events (order_id, event, from_status, to_status, actor, note, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        order_id.get(),
        e.event,
        e.from.map(OrderStatus::as_str),
        e.to.as_str(),
        e.actor,
        e.note,
        now
    )
    .context("recording order event")
    .map(|_| ())
}

/// Moves an order from `from` to `to`, stamping the matching time column; false when the order is
/// no longer in `from` (someone else moved it first), so nothing changed.
pub async fn transition(
    tx: &mut Tx,
    order_id: OrderId,
    from: OrderStatus,
    to: OrderStatus,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let changed = tx_execute!(
        tx,
        "UPDATE orders SET status = $3, updated_at = $4,
             paid_at = CASE WHEN $3 = 'paid' THEN $4 ELSE paid_at END,
             cancelled_at = CASE WHEN $3 = 'cancelled' THEN $4 ELSE cancelled_at END,
             shipped_at = CASE WHEN $3 = 'shipped' THEN $4 ELSE shipped_at END,
             delivered_at = CASE WHEN $3 = 'delivered' THEN $4 ELSE delivered_at END,
             completed_at = CASE WHEN $3 = 'completed' THEN $4 ELSE completed_at END
         WHERE id = $1 AND status = $2",
        order_id.get(),
        from.as_str(),
        to.as_str(),
        now
    )
    .context("changing order status")?;
    if changed == 1 && to == OrderStatus::Paid {
        crate::stats::mark_dirty(tx, now).await?;
    }
    Ok(changed == 1)
}

/// Records the carrier and waybill.
pub async fn set_shipment(
    tx: &mut Tx,
    order_id: OrderId,
    carrier: &str,
    waybill: &str,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE orders SET carrier = $2, waybill = $3 WHERE id = $1",
        order_id.get(),
        carrier,
        waybill
    )
    .context("recording shipment")
    .map(|_| ())
}

/// Cancels `units` more units of a line; false when fewer units are left (nothing changed).
pub async fn cancel_units(tx: &mut Tx, line_id: i64, units: i64) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE order_lines SET quantity_cancelled = quantity_cancelled + $2
         WHERE id = $1 AND quantity - quantity_cancelled >= $2",
        line_id,
        units
    )
    .context("cancelling order line units")
    .map(|n| n == 1)
}

/// Marks `units` more units of a line returned (a claim refunded or exchanged); false when fewer
/// units are left (nothing changed).
pub async fn return_units(tx: &mut Tx, line_id: i64, units: i64) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE order_lines SET quantity_returned = quantity_returned + $2
         WHERE id = $1 AND quantity - quantity_cancelled - quantity_returned >= $2",
        line_id,
        units
    )
    .context("returning order line units")
    .map(|n| n == 1)
}

/// An order's number by id.
pub async fn number_by_id(db: &Db, id: OrderId) -> DbResult<String> {
    read_scalar!(
        db,
        String,
        "SELECT number FROM orders WHERE id = $1",
        id.get()
    )
    .context("loading order number")
}

/// When an order was delivered (the start of its claim windows).
pub async fn delivered_at(db: &Db, id: OrderId) -> DbResult<Option<DateTime<Utc>>> {
    read_scalar!(
        db,
        Option<DateTime<Utc>>,
        "SELECT COALESCE(delivered_at, completed_at) FROM orders WHERE id = $1",
        id.get()
    )
    .context("loading delivery time")
}

/// Marks every line's remaining units cancelled.
pub async fn cancel_lines(tx: &mut Tx, order_id: OrderId) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE order_lines SET quantity_cancelled = quantity WHERE order_id = $1",
        order_id.get()
    )
    .context("cancelling order lines")
    .map(|_| ())
}

/// An order by number, read inside a transaction (before changing it).
pub async fn lock_by_number(tx: &mut Tx, number: &str) -> DbResult<Option<OrderRow>> {
    let sql = match tx {
        Tx::Sqlite(_) => format!("SELECT {ORDER_COLUMNS} FROM orders WHERE number = $1"),
        // Row lock: two cancellations or a cancellation racing a deposit notice serialise here.
        Tx::Postgres(_) => {
            format!("SELECT {ORDER_COLUMNS} FROM orders WHERE number = $1 FOR UPDATE")
        }
    };
    tx_optional!(tx, OrderRow, sqlx::AssertSqlSafe(sql), number).context("locking order")
}

/// An order by number.
pub async fn find_by_number(db: &Db, number: &str) -> DbResult<Option<OrderRow>> {
    read_optional!(
        db,
        OrderRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE number = $1"
        )),
        number
    )
    .context("loading order")
}

/// The order placed with a checkout token.
pub async fn find_by_checkout_token(db: &Db, token: &str) -> DbResult<Option<OrderRow>> {
    read_optional!(
        db,
        OrderRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE checkout_token = $1"
        )),
        token
    )
    .context("loading order by checkout token")
}

/// A member's orders, newest first.
pub async fn list_for_member(
    db: &Db,
    member_id: i64,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<OrderRow>> {
    read_all!(
        db,
        OrderRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE member_id = $1 ORDER BY placed_at DESC, id DESC LIMIT $2 OFFSET $3"
        )),
        member_id,
        limit,
        offset
    )
    .context("listing member orders")
}

/// Number of a member's orders.
pub async fn count_for_member(db: &Db, member_id: i64) -> DbResult<i64> {
    read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM orders WHERE member_id = $1",
        member_id
    )
    .context("counting member orders")
}

/// An order's lines.
pub async fn lines(conn: impl Into<Reader<'_>>, order_id: OrderId) -> DbResult<Vec<OrderLineRow>> {
    reader_all!(
        conn,
        OrderLineRow,
        "SELECT l.id, l.sku_id, l.product_name, l.product_slug, l.option_label, l.unit_price, l.quantity,
             l.subtotal, l.total, l.is_gift, l.quantity_cancelled, l.points, l.quantity_returned,
             (SELECT m.content_hash FROM product_images pi JOIN media_files m ON m.id = pi.media_id
              WHERE pi.product_id = l.product_id ORDER BY pi.position, pi.id LIMIT 1) AS thumb_hash
         FROM order_lines l WHERE l.order_id = $1 ORDER BY l.is_gift, l.id",
        order_id.get()
    )
    .context("loading order lines")
}

/// How many of a member's orders were paid (cancelled ones included).
pub async fn paid_count(conn: impl Into<Reader<'_>>, member_id: i64) -> DbResult<i64> {
    reader_scalar!(
        conn,
        i64,
        "SELECT COUNT(*) FROM orders WHERE member_id = $1 AND paid_at IS NOT NULL",
        member_id
    )
    .context("counting paid orders")
}

/// An order's timeline, oldest first.
pub async fn events(
    conn: impl Into<Reader<'_>>,
    order_id: OrderId,
) -> DbResult<Vec<OrderEventRow>> {
    reader_all!(
        conn,
        OrderEventRow,
        "SELECT event, to_status, actor, note, created_at FROM order_events WHERE order_id = $1 ORDER BY id",
        order_id.get()
    )
    .context("loading order timeline")
}

/// Orders still waiting for an immediate payment that were placed before `placed_before` (the
/// payment window is long closed), oldest first.
pub async fn pending_payment_before(
    db: &Db,
    placed_before: DateTime<Utc>,
    limit: i64,
) -> DbResult<Vec<String>> {
    read_all!(
        db,
        (String,),
        "SELECT number FROM orders WHERE status = 'pending_payment' AND placed_at <= $1
         ORDER BY placed_at, id LIMIT $2",
        placed_before,
        limit
    )
    .context("finding abandoned payments")
    .map(|rows| rows.into_iter().map(|(n,)| n).collect())
}

/// A member's orders still waiting for an immediate payment.
pub async fn pending_payment_of_member(db: &Db, member_id: i64) -> DbResult<Vec<String>> {
    read_all!(
        db,
        (String,),
        "SELECT number FROM orders WHERE status = 'pending_payment' AND member_id = $1 ORDER BY id",
        member_id
    )
    .context("finding a member's unpaid orders")
    .map(|rows| rows.into_iter().map(|(n,)| n).collect())
}

/// Counts orders in a status.
pub async fn count_in_status(db: &Db, status: &str) -> DbResult<i64> {
    read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM orders WHERE status = $1",
        status
    )
    .context("counting orders")
}

/// An order by id.
pub async fn find_by_id(db: &Db, id: OrderId) -> DbResult<Option<OrderRow>> {
    read_optional!(
        db,
        OrderRow,
        sqlx::AssertSqlSafe(format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1")),
        id.get()
    )
    .context("loading order by id")
}

/// The number of an order, inside a transaction.
pub async fn number_of(tx: &mut Tx, id: OrderId) -> DbResult<String> {
    tx_scalar!(
        tx,
        String,
        "SELECT number FROM orders WHERE id = $1",
        id.get()
    )
    .context("loading order number")
}

/// Lowers the points an order earns at purchase confirmation (after a partial cancellation).
pub async fn set_points_to_earn(tx: &mut Tx, id: OrderId, points: i64) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE orders SET points_to_earn = $2 WHERE id = $1",
        id.get(),
        points
    )
    .context("setting points to earn")
    .map(|_| ())
}

/// Sets the deposit deadline (a virtual account issued after placement).
pub async fn set_deposit_deadline(
    tx: &mut Tx,
    id: OrderId,
    deadline: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE orders SET deposit_deadline = $2 WHERE id = $1",
        id.get(),
        deadline
    )
    .context("setting deposit deadline")
    .map(|_| ())
}

/// Numbers of orders delivered at or before `before` and not yet confirmed (automatic purchase
/// confirmation).
pub async fn delivered_before(db: &Db, before: DateTime<Utc>) -> DbResult<Vec<String>> {
    read_all!(
        db,
        (String,),
        "SELECT number FROM orders WHERE status = 'delivered' AND delivered_at <= $1 ORDER BY id",
        before
    )
    .context("finding delivered orders")
    .map(|rows| rows.into_iter().map(|(n,)| n).collect())
}

/// Numbers of orders awaiting a deposit whose deadline falls in `[from, to)`.
pub async fn deadlines_between(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DbResult<Vec<String>> {
    read_all!(
        db,
        (String,),
        "SELECT number FROM orders WHERE status = 'awaiting_deposit' AND deposit_deadline >= $1
             AND deposit_deadline < $2 ORDER BY id",
        from,
        to
    )
    .context("finding deposit deadlines")
    .map(|rows| rows.into_iter().map(|(n,)| n).collect())
}
