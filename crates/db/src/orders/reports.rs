//! Reads over many orders: sales roll-ups, delivery lists and the export sheet's lines.

use crate::error::Context;
use crate::{Db, DbResult};
use chrono::{DateTime, Utc};
use jangteo_core::Won;
use jangteo_core::ids::OrderId;
use jangteo_core::order::OrderStatus;

/// The statuses in which money was taken (core's rule), bound into the sales queries.
const PAID: [&str; 5] = OrderStatus::PAID;

/// An order line as an export sheet shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ExportLineRow {
    /// Order.
    #[sqlx(try_from = "i64")]
    pub order_id: OrderId,
    /// Product name then.
    pub product_name: String,
    /// Option label then ("블랙 / M").
    pub option_label: String,
    /// SKU code then.
    pub sku_code: String,
    /// Unit price.
    #[sqlx(try_from = "i64")]
    pub unit_price: Won,
    /// Units ordered.
    pub quantity: i64,
    /// Units cancelled.
    pub quantity_cancelled: i64,
    /// Units returned.
    pub quantity_returned: i64,
    /// What the buyer paid for the line.
    #[sqlx(try_from = "i64")]
    pub total: Won,
    /// A free gift.
    pub is_gift: bool,
    /// Tax-free goods.
    pub is_tax_free: bool,
}

/// The lines of these orders, in order and line order (one query per 500 orders).
pub async fn export_lines(db: &Db, order_ids: &[OrderId]) -> DbResult<Vec<ExportLineRow>> {
    let order_ids: Vec<i64> = order_ids.iter().map(|id| id.get()).collect();
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
pub async fn tax_free_amount(db: &Db, order_id: OrderId) -> DbResult<i64> {
    read_scalar!(
        db,
        i64,
        "SELECT tax_free_amount FROM orders WHERE id = $1",
        order_id.get()
    )
    .context("reading the tax-free amount")
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
         WHERE placed_at >= $1 AND placed_at < $2 AND status IN ($3, $4, $5, $6, $7)",
        from,
        to,
        PAID[0],
        PAID[1],
        PAID[2],
        PAID[3],
        PAID[4]
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
           AND o.status IN ($4, $5, $6, $7, $8)
         GROUP BY l.product_name ORDER BY 3 DESC, 1 LIMIT $3",
        from,
        to,
        limit,
        PAID[0],
        PAID[1],
        PAID[2],
        PAID[3],
        PAID[4]
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
             AND o.status IN ($2, $3, $4, $5, $6)
         WHERE m.status = 'active' GROUP BY m.id, m.grade_id ORDER BY m.id",
        since,
        PAID[0],
        PAID[1],
        PAID[2],
        PAID[3],
        PAID[4]
    )
    .context("summing member spend")
}

/// Numbers of orders delivered in `[from, to)` (delivered or already confirmed); gift-card
/// orders are left out (codes were issued, there is nothing to review).
pub async fn delivered_between(
    db: &Db,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DbResult<Vec<String>> {
    read_all!(
        db,
        (String,),
        "SELECT number FROM orders o WHERE status IN ('delivered', 'completed')
             AND delivered_at >= $1 AND delivered_at < $2
             AND NOT EXISTS (SELECT 1 FROM order_lines l JOIN pins p ON p.order_line_id = l.id
                             WHERE l.order_id = o.id)
             ORDER BY id",
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
