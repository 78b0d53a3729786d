//! The back office's order search and the staff memos on an order.

use super::{ORDER_COLUMNS, OrderRow};
use crate::error::Context;
use crate::{Db, DbResult, SqlBuilder, Tx};
use chrono::{DateTime, Utc};
use jangteo_core::ids::OrderId;
use jangteo_core::order::OrderStatus;
use jangteo_core::payment::PaymentMethod;

/// Back-office order filters (empty / none = any).
#[derive(Debug, Clone, Default)]
pub struct OrderFilter {
    /// Status.
    pub status: Option<OrderStatus>,
    /// Payment method.
    pub method: Option<PaymentMethod>,
    /// Channel (`pc`, `mobile`, `api`).
    pub channel: String,
    /// Placed at or after.
    pub from: Option<DateTime<Utc>>,
    /// Placed before.
    pub until: Option<DateTime<Utc>>,
    /// Order number (prefix), orderer or recipient name (part), or mobile digits (part).
    pub keyword: String,
    /// Also orders cancelled before any payment arrived (a declined or abandoned card, a deposit
    /// that never came): attempts, not sales, left out unless asked for.
    pub with_unpaid_cancellations: bool,
}

fn order_filter_sql(base: String, f: &OrderFilter) -> SqlBuilder {
    let mut q = SqlBuilder::from_fixed(base);
    q.push(" WHERE 1 = 1");
    if let Some(status) = f.status {
        q.push(" AND status = ").bind_text(status.as_str());
    }
    if let Some(method) = f.method {
        q.push(" AND payment_method = ").bind_text(method.as_str());
    }
    if !f.with_unpaid_cancellations {
        q.push(" AND NOT (status = ")
            .bind_text(OrderStatus::Cancelled.as_str())
            .push(" AND paid_at IS NULL)");
    }
    if jangteo_core::channels::Marketplace::from_code(&f.channel).is_some() {
        q.push(" AND id IN (SELECT order_id FROM channel_orders WHERE marketplace = ")
            .bind_text(&f.channel)
            .push(")");
    } else if !f.channel.is_empty() {
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
    order_id: OrderId,
    staff_email: &str,
    body: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO order_memos (order_id, staff_email, body, created_at) VALUES ($1, $2, $3, $4)",
        order_id.get(),
        staff_email,
        body,
        now
    )
    .context("adding order memo")
    .map(|_| ())
}

/// An order's staff memos, oldest first.
pub async fn memos(db: &Db, order_id: OrderId) -> DbResult<Vec<OrderMemoRow>> {
    read_all!(
        db,
        OrderMemoRow,
        "SELECT id, staff_email, body, created_at FROM order_memos WHERE order_id = $1 ORDER BY id",
        order_id.get()
    )
    .context("listing order memos")
}
