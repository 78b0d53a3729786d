//! Orders, their lines (snapshots of what was bought) and their timeline.

use crate::error::Context;
use crate::{Db, DbResult, SqlBuilder, Tx};
use chrono::{DateTime, Utc};

/// An order as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderRow {
    /// Id.
    pub id: i64,
    /// Public number.
    pub number: String,
    /// Member (none for guests).
    pub member_id: Option<i64>,
    /// Guest order password hash.
    pub guest_password_hash: Option<String>,
    /// Status (core `OrderStatus` name).
    pub status: String,
    /// Payment method code.
    pub payment_method: String,
    /// Orderer.
    pub orderer_name: String,
    /// Orderer mobile.
    pub orderer_mobile: String,
    /// Orderer e-mail.
    pub orderer_email: String,
    /// Recipient.
    pub recipient_name: String,
    /// Recipient mobile.
    pub recipient_mobile: String,
    /// Postcode.
    pub postcode: String,
    /// Road address.
    pub address1: String,
    /// Detail.
    pub address2: String,
    /// Delivery memo.
    pub delivery_memo: String,
    /// Depositor name (bank deposit).
    pub depositor_name: Option<String>,
    /// Σ line subtotals.
    pub items_subtotal: i64,
    /// Grade discount.
    pub grade_discount: i64,
    /// Coupon discount.
    pub coupon_discount: i64,
    /// Shipping fee.
    pub shipping_fee: i64,
    /// Remote-area surcharge.
    pub remote_surcharge: i64,
    /// Points used.
    pub points_used: i64,
    /// Amount to pay.
    pub total: i64,
    /// Points granted at purchase confirmation.
    pub points_to_earn: i64,
    /// Coupon used.
    pub coupon_id: Option<i64>,
    /// Carrier code.
    pub carrier: Option<String>,
    /// Waybill.
    pub waybill: Option<String>,
    /// Deposit deadline.
    pub deposit_deadline: Option<DateTime<Utc>>,
    /// Placed.
    pub placed_at: DateTime<Utc>,
    /// Paid.
    pub paid_at: Option<DateTime<Utc>>,
    /// `pc`, `mobile` or `api`.
    pub channel: String,
}

const ORDER_COLUMNS: &str = "id, number, member_id, guest_password_hash, status, payment_method, \
     orderer_name, orderer_mobile, orderer_email, recipient_name, recipient_mobile, postcode, address1, \
     address2, delivery_memo, depositor_name, items_subtotal, grade_discount, coupon_discount, shipping_fee, \
     remote_surcharge, points_used, total, points_to_earn, coupon_id, carrier, waybill, deposit_deadline, \
     placed_at, paid_at, channel";

/// An order to insert.
#[derive(Debug, Clone)]
pub struct NewOrder<'a> {
    /// Public number.
    pub number: &'a str,
    /// Member.
    pub member_id: Option<i64>,
    /// Guest password hash.
    pub guest_password_hash: Option<&'a str>,
    /// Idempotency token of the checkout form.
    pub checkout_token: &'a str,
    /// Initial status.
    pub status: &'a str,
    /// Payment method code.
    pub payment_method: &'a str,
    /// Orderer name.
    pub orderer_name: &'a str,
    /// Orderer mobile.
    pub orderer_mobile: &'a str,
    /// Orderer e-mail.
    pub orderer_email: &'a str,
    /// Recipient.
    pub recipient_name: &'a str,
    /// Recipient mobile.
    pub recipient_mobile: &'a str,
    /// Postcode.
    pub postcode: &'a str,
    /// Road address.
    pub address1: &'a str,
    /// Detail.
    pub address2: &'a str,
    /// Memo.
    pub delivery_memo: &'a str,
    /// Depositor.
    pub depositor_name: Option<&'a str>,
    /// Amounts: items subtotal.
    pub items_subtotal: i64,
    /// Grade discount.
    pub grade_discount: i64,
    /// Coupon discount.
    pub coupon_discount: i64,
    /// Shipping.
    pub shipping_fee: i64,
    /// Surcharge.
    pub remote_surcharge: i64,
    /// Points used.
    pub points_used: i64,
    /// Total.
    pub total: i64,
    /// Points to earn.
    pub points_to_earn: i64,
    /// Coupon.
    pub coupon_id: Option<i64>,
    /// Grade code at the time.
    pub grade_code: Option<&'a str>,
    /// Deposit deadline.
    pub deposit_deadline: Option<DateTime<Utc>>,
    /// `pc`, `mobile` or `api`.
    pub channel: &'a str,
    /// The tax-free part of the total (면세).
    pub tax_free_amount: i64,
}

/// An order line to insert.
#[derive(Debug, Clone)]
pub struct NewOrderLine<'a> {
    /// SKU.
    pub sku_id: i64,
    /// Product.
    pub product_id: i64,
    /// Product name then.
    pub product_name: &'a str,
    /// Product slug then.
    pub product_slug: &'a str,
    /// Option label then.
    pub option_label: &'a str,
    /// SKU code.
    pub sku_code: &'a str,
    /// Unit price.
    pub unit_price: i64,
    /// Units.
    pub quantity: i64,
    /// Subtotal.
    pub subtotal: i64,
    /// Grade discount share.
    pub grade_discount: i64,
    /// Coupon share.
    pub coupon_discount: i64,
    /// Points share.
    pub points: i64,
    /// Line total.
    pub total: i64,
    /// A free gift.
    pub is_gift: bool,
    /// Gift rule.
    pub gift_rule_id: Option<i64>,
    /// Tax-free goods (면세) at the time of the order.
    pub is_tax_free: bool,
}

/// A stored order line.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderLineRow {
    /// Id.
    pub id: i64,
    /// SKU (none if deleted since).
    pub sku_id: Option<i64>,
    /// Product name.
    pub product_name: String,
    /// Product slug.
    pub product_slug: String,
    /// Option label.
    pub option_label: String,
    /// Unit price.
    pub unit_price: i64,
    /// Units.
    pub quantity: i64,
    /// Subtotal.
    pub subtotal: i64,
    /// Line total.
    pub total: i64,
    /// Gift.
    pub is_gift: bool,
    /// Units cancelled.
    pub quantity_cancelled: i64,
    /// Points spent on this line (its share of the order's points).
    pub points: i64,
    /// Units returned through claims.
    pub quantity_returned: i64,
}

/// A timeline entry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderEventRow {
    /// Event name.
    pub event: String,
    /// Status after it.
    pub to_status: String,
    /// Who (`buyer`, `staff:…`, `gateway`, `system`).
    pub actor: String,
    /// Note.
    pub note: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Inserts an order; `None` when its checkout token was used already (a double submit).
pub async fn insert(tx: &mut Tx, o: &NewOrder<'_>, now: DateTime<Utc>) -> DbResult<Option<i64>> {
    tx_scalar_optional!(
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
        o.status,
        o.payment_method,
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
        o.items_subtotal,
        o.grade_discount,
        o.coupon_discount,
        o.shipping_fee,
        o.remote_surcharge,
        o.points_used,
        o.total,
        o.points_to_earn,
        o.coupon_id,
        o.grade_code,
        o.deposit_deadline,
        now,
        o.channel,
        o.tax_free_amount
    )
    .context("inserting order")
}

/// Inserts a line.
pub async fn insert_line(tx: &mut Tx, order_id: i64, l: &NewOrderLine<'_>) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO order_lines (order_id, sku_id, product_id, product_name, product_slug, option_label,
             sku_code, unit_price, quantity, subtotal, grade_discount, coupon_discount, points, total, is_gift,
             gift_rule_id, category_id, is_tax_free)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
             (SELECT category_id FROM products WHERE id = $3), $17)",
        order_id,
        l.sku_id,
        l.product_id,
        l.product_name,
        l.product_slug,
        l.option_label,
        l.sku_code,
        l.unit_price,
        l.quantity,
        l.subtotal,
        l.grade_discount,
        l.coupon_discount,
        l.points,
        l.total,
        l.is_gift,
        l.gift_rule_id,
        l.is_tax_free
    )
    .context("inserting order line")
    .map(|_| ())
}

/// A timeline entry to append.
#[derive(Debug, Clone, Copy)]
pub struct NewOrderEvent<'a> {
    /// Event name (core `OrderEvent::name`, or `placed`).
    pub event: &'a str,
    /// Status before (none when placed).
    pub from: Option<&'a str>,
    /// Status after.
    pub to: &'a str,
    /// Who (`buyer`, `staff:…`, `gateway`, `system`).
    pub actor: &'a str,
    /// Free text.
    pub note: &'a str,
}

/// Appends to the timeline.
pub async fn add_event(
    tx: &mut Tx,
    order_id: i64,
    e: &NewOrderEvent<'_>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO order_events (order_id, event, from_status, to_status, actor, note, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        order_id,
        e.event,
        e.from,
        e.to,
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
    order_id: i64,
    from: &str,
    to: &str,
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
        order_id,
        from,
        to,
        now
    )
    .context("changing order status")?;
    if changed == 1 && to == "paid" {
        crate::stats::mark_dirty(tx, now).await?;
    }
    Ok(changed == 1)
}

/// Records the carrier and waybill.
pub async fn set_shipment(
    tx: &mut Tx,
    order_id: i64,
    carrier: &str,
    waybill: &str,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE orders SET carrier = $2, waybill = $3 WHERE id = $1",
        order_id,
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
pub async fn number_by_id(db: &Db, id: i64) -> DbResult<String> {
    read_scalar!(db, String, "SELECT number FROM orders WHERE id = $1", id)
        .context("loading order number")
}

/// When an order was delivered (the start of its claim windows).
pub async fn delivered_at(db: &Db, id: i64) -> DbResult<Option<DateTime<Utc>>> {
    read_scalar!(
        db,
        Option<DateTime<Utc>>,
        "SELECT COALESCE(delivered_at, completed_at) FROM orders WHERE id = $1",
        id
    )
    .context("loading delivery time")
}

/// Marks every line's remaining units cancelled.
pub async fn cancel_lines(tx: &mut Tx, order_id: i64) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE order_lines SET quantity_cancelled = quantity WHERE order_id = $1",
        order_id
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
pub async fn lines(db: &Db, order_id: i64) -> DbResult<Vec<OrderLineRow>> {
    read_all!(
        db,
        OrderLineRow,
        "SELECT id, sku_id, product_name, product_slug, option_label, unit_price, quantity, subtotal, total,
             is_gift, quantity_cancelled, points, quantity_returned FROM order_lines WHERE order_id = $1
             ORDER BY is_gift, id",
        order_id
    )
    .context("loading order lines")
}

/// An order's lines inside a transaction.
pub async fn lines_in(tx: &mut Tx, order_id: i64) -> DbResult<Vec<OrderLineRow>> {
    tx_all!(
        tx,
        OrderLineRow,
        "SELECT id, sku_id, product_name, product_slug, option_label, unit_price, quantity, subtotal, total,
             is_gift, quantity_cancelled, points, quantity_returned FROM order_lines WHERE order_id = $1
             ORDER BY is_gift, id",
        order_id
    )
    .context("loading order lines")
}

/// An order's timeline, oldest first.
pub async fn events(db: &Db, order_id: i64) -> DbResult<Vec<OrderEventRow>> {
    read_all!(
        db,
        OrderEventRow,
        "SELECT event, to_status, actor, note, created_at FROM order_events WHERE order_id = $1 ORDER BY id",
        order_id
    )
    .context("loading order timeline")
}

/// Orders in `status` placed before `before` (e.g. deposits past their deadline).
pub async fn numbers_in_status_before(
    db: &Db,
    status: &str,
    deadline_before: DateTime<Utc>,
) -> DbResult<Vec<String>> {
    read_all!(
        db,
        (String,),
        "SELECT number FROM orders WHERE status = $1 AND deposit_deadline IS NOT NULL AND deposit_deadline <= $2
         ORDER BY id",
        status,
        deadline_before
    )
    .context("finding overdue orders")
    .map(|rows| rows.into_iter().map(|(n,)| n).collect())
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

/// An order line as an export sheet shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExportLineRow {
    /// Order.
    pub order_id: i64,
    /// Product name then.
    pub product_name: String,
    /// Option label then ("블랙 / M").
    pub option_label: String,
    /// SKU code then.
    pub sku_code: String,
    /// Unit price.
    pub unit_price: i64,
    /// Units ordered.
    pub quantity: i64,
    /// Units cancelled.
    pub quantity_cancelled: i64,
    /// Units returned.
    pub quantity_returned: i64,
    /// What the buyer paid for the line.
    pub total: i64,
    /// A free gift.
    pub is_gift: bool,
    /// Tax-free goods.
    pub is_tax_free: bool,
}

/// The lines of these orders, in order and line order (one query per 500 orders).
pub async fn export_lines(db: &Db, order_ids: &[i64]) -> DbResult<Vec<ExportLineRow>> {
    let mut out = Vec::with_capacity(order_ids.len());
    for chunk in order_ids.chunks(500) {
        let mut sql = crate::SqlBuilder::new(
            "SELECT order_id, product_name, option_label, sku_code, unit_price, quantity,
                 quantity_cancelled, quantity_returned, total, is_gift, is_tax_free
             FROM order_lines WHERE order_id IN (",
        );
        sql.bind_int_list(chunk).push(") ORDER BY order_id, id");
        out.extend(
            read_dynamic!(db, ExportLineRow, &sql, fetch_all).context("loading lines to export")?,
        );
    }
    Ok(out)
}

/// The tax-free part of an order's total (면세).
pub async fn tax_free_amount(db: &Db, order_id: i64) -> DbResult<i64> {
    read_scalar!(
        db,
        i64,
        "SELECT tax_free_amount FROM orders WHERE id = $1",
        order_id
    )
    .context("reading the tax-free amount")
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
pub async fn find_by_id(db: &Db, id: i64) -> DbResult<Option<OrderRow>> {
    read_optional!(
        db,
        OrderRow,
        sqlx::AssertSqlSafe(format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1")),
        id
    )
    .context("loading order by id")
}

/// The number of an order, inside a transaction.
pub async fn number_of(tx: &mut Tx, id: i64) -> DbResult<String> {
    tx_scalar!(tx, String, "SELECT number FROM orders WHERE id = $1", id)
        .context("loading order number")
}

/// Lowers the points an order earns at purchase confirmation (after a partial cancellation).
pub async fn set_points_to_earn(tx: &mut Tx, id: i64, points: i64) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE orders SET points_to_earn = $2 WHERE id = $1",
        id,
        points
    )
    .context("setting points to earn")
    .map(|_| ())
}

/// Sets the deposit deadline (a virtual account issued after placement).
pub async fn set_deposit_deadline(tx: &mut Tx, id: i64, deadline: DateTime<Utc>) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE orders SET deposit_deadline = $2 WHERE id = $1",
        id,
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

/// Sets when an order was delivered (carrier data imported late; tests).
pub async fn set_delivered_at(tx: &mut Tx, id: i64, at: DateTime<Utc>) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE orders SET delivered_at = $2 WHERE id = $1",
        id,
        at
    )
    .context("setting delivery time")
    .map(|_| ())
}

/// Sets when an order was placed (imports; tests).
pub async fn set_placed_at(tx: &mut Tx, id: i64, at: DateTime<Utc>) -> DbResult<()> {
    tx_execute!(tx, "UPDATE orders SET placed_at = $2 WHERE id = $1", id, at)
        .context("setting placement time")
        .map(|_| ())
}

/// Sales of orders placed in `[from, to)` that were paid (not cancelled, not awaiting payment):
/// (orders, won).
pub async fn sales_between(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DbResult<(i64, i64)> {
    read_optional!(
        db,
        (i64, i64),
        "SELECT COUNT(*), CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM orders
         WHERE placed_at >= $1 AND placed_at < $2
           AND status IN ('paid', 'preparing', 'shipped', 'delivered', 'completed')",
        from,
        to
    )
    .context("summing sales")
    .map(|r| r.unwrap_or((0, 0)))
}

/// Best sellers among paid orders placed in `[from, to)`: (name, units, won).
pub async fn top_products_between(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    limit: i64,
) -> DbResult<Vec<(String, i64, i64)>> {
    read_all!(
        db,
        (String, i64, i64),
        "SELECT l.product_name, CAST(SUM(l.quantity) AS BIGINT), CAST(SUM(l.total) AS BIGINT)
         FROM order_lines l JOIN orders o ON o.id = l.order_id
         WHERE o.placed_at >= $1 AND o.placed_at < $2 AND l.is_gift = FALSE
           AND o.status IN ('paid', 'preparing', 'shipped', 'delivered', 'completed')
         GROUP BY l.product_name ORDER BY 3 DESC, 1 LIMIT $3",
        from,
        to,
        limit
    )
    .context("finding best sellers")
}

/// Every active member with their grade and what they paid for orders placed since `since`.
pub async fn member_spend_since(db: &Db, since: DateTime<Utc>) -> DbResult<Vec<(i64, i64, i64)>> {
    read_all!(
        db,
        (i64, i64, i64),
        "SELECT m.id, m.grade_id, CAST(COALESCE(SUM(o.total), 0) AS BIGINT)
         FROM members m LEFT JOIN orders o ON o.member_id = m.id AND o.placed_at >= $1
             AND o.status IN ('paid', 'preparing', 'shipped', 'delivered', 'completed')
         WHERE m.status = 'active' GROUP BY m.id, m.grade_id ORDER BY m.id",
        since
    )
    .context("summing member spend")
}

/// Numbers of orders delivered in `[from, to)` (delivered or already confirmed).
pub async fn delivered_between(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DbResult<Vec<String>> {
    read_all!(
        db,
        (String,),
        "SELECT number FROM orders WHERE status IN ('delivered', 'completed')
             AND delivered_at >= $1 AND delivered_at < $2 ORDER BY id",
        from,
        to
    )
    .context("finding recent deliveries")
    .map(|rows| rows.into_iter().map(|(n,)| n).collect())
}

/// Shipped orders with their carrier and waybill (tracking pull).
pub async fn in_transit(db: &Db) -> DbResult<Vec<(String, String, String)>> {
    read_all!(
        db,
        (String, String, String),
        "SELECT number, carrier, waybill FROM orders
         WHERE status = 'shipped' AND carrier IS NOT NULL AND waybill IS NOT NULL ORDER BY id"
    )
    .context("finding parcels in transit")
}

/// Back-office order filters (empty / none = any).
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    /// Status code.
    pub status: String,
    /// Payment method code.
    pub method: String,
    /// Channel (`pc`, `mobile`, `api`).
    pub channel: String,
    /// Placed at or after.
    pub from: Option<DateTime<Utc>>,
    /// Placed before.
    pub until: Option<DateTime<Utc>>,
    /// Order number (prefix), orderer or recipient name (part), or mobile digits (part).
    pub keyword: String,
}

fn order_filter_sql(base: String, f: &OrderFilter) -> SqlBuilder {
    let mut q = SqlBuilder::from_fixed(base);
    q.push(" WHERE 1 = 1");
    if !f.status.is_empty() {
        q.push(" AND status = ").bind_text(&f.status);
    }
    if !f.method.is_empty() {
        q.push(" AND payment_method = ").bind_text(&f.method);
    }
    if !f.channel.is_empty() {
        q.push(" AND channel = ").bind_text(&f.channel);
    }
    if let Some(from) = f.from {
        q.push(" AND placed_at >= ").bind_time(from);
    }
    if let Some(until) = f.until {
        q.push(" AND placed_at < ").bind_time(until);
    }
    let keyword = f.keyword.trim();
    if !keyword.is_empty() {
        let upper = keyword.to_uppercase();
        let digits: String = keyword.chars().filter(char::is_ascii_digit).collect();
        q.push(" AND (number LIKE ")
            .bind_text(format!(
                "{}%",
                crate::dynamic::like_contains(&upper).trim_matches('%')
            ))
            .push(" ESCAPE '\\' OR orderer_name LIKE ")
            .bind_text(crate::dynamic::like_contains(keyword))
            .push(" ESCAPE '\\' OR recipient_name LIKE ")
            .bind_text(crate::dynamic::like_contains(keyword))
            .push(" ESCAPE '\\'");
        if digits.len() >= 4 {
            q.push(" OR orderer_mobile LIKE ")
                .bind_text(crate::dynamic::like_contains(&digits))
                .push(" ESCAPE '\\' OR recipient_mobile LIKE ")
                .bind_text(crate::dynamic::like_contains(&digits))
                .push(" ESCAPE '\\'");
        }
        q.push(")");
    }
    q
}

/// Orders matching `f`, newest first, and their number.
pub async fn search(
    db: &Db,
    f: &OrderFilter,
    limit: i64,
    offset: i64,
) -> DbResult<(Vec<OrderRow>, i64)> {
    let mut q = order_filter_sql(format!("SELECT {ORDER_COLUMNS} FROM orders"), f);
    q.push(" ORDER BY placed_at DESC, id DESC LIMIT ")
        .bind_int(limit)
        .push(" OFFSET ")
        .bind_int(offset);
    let rows = read_dynamic!(db, OrderRow, &q, fetch_all).context("searching orders")?;
    let count = order_filter_sql("SELECT COUNT(*) FROM orders".to_owned(), f);
    let total = read_dynamic_scalar!(db, i64, &count).context("counting orders")?;
    Ok((rows, total))
}

/// A staff memo on an order.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OrderMemoRow {
    /// Id.
    pub id: i64,
    /// Who wrote it.
    pub staff_email: String,
    /// The note.
    pub body: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Adds a staff memo.
pub async fn add_memo(
    tx: &mut Tx,
    order_id: i64,
    staff_email: &str,
    body: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO order_memos (order_id, staff_email, body, created_at) VALUES ($1, $2, $3, $4)",
        order_id,
        staff_email,
        body,
        now
    )
    .context("adding order memo")
    .map(|_| ())
}

/// An order's staff memos, oldest first.
pub async fn memos(db: &Db, order_id: i64) -> DbResult<Vec<OrderMemoRow>> {
    read_all!(
        db,
        OrderMemoRow,
        "SELECT id, staff_email, body, created_at FROM order_memos WHERE order_id = $1 ORDER BY id",
        order_id
    )
    .context("listing order memos")
}
