//! Orders imported from other sales channels (issue 18): the shop order each became, the
//! channel's line ids, the waybill's way back, and the orders that could not be imported.

use crate::error::Context;
use crate::{Db, DbResult, Reader, Tx};
use chrono::{DateTime, Utc};

/// An imported order's link to its channel.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ChannelOrderRow {
    /// The shop order.
    pub order_id: i64,
    /// `smartstore`, `coupang` or `csv`.
    pub marketplace: String,
    /// The channel's order id.
    pub external_id: String,
    /// Imported.
    pub imported_at: DateTime<Utc>,
    /// The stock was short on import.
    pub stock_short: bool,
    /// The waybill reached the channel.
    pub dispatched_at: Option<DateTime<Utc>>,
    /// The channel's last refusal of the waybill.
    pub dispatch_error: Option<String>,
}

/// Whether the channel's order was imported before.
pub async fn exists(tx: &mut Tx, marketplace: &str, external_id: &str) -> DbResult<bool> {
    tx_scalar_optional!(
        tx,
        i64,
        "SELECT order_id FROM channel_orders WHERE marketplace = $1 AND external_id = $2",
        marketplace,
        external_id
    )
    .context("finding an imported order")
    .map(|id| id.is_some())
}

/// Links a new shop order to the channel's order.
pub async fn insert(
    tx: &mut Tx,
    order_id: i64,
    marketplace: &str,
    external_id: &str,
    stock_short: bool,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO channel_orders (order_id, marketplace, external_id, imported_at, stock_short)
         VALUES ($1, $2, $3, $4, $5)",
        order_id,
        marketplace,
        external_id,
        now,
        stock_short
    )
    .context("linking an imported order")
    .map(|_| ())
}

/// Records a line's id at the channel.
pub async fn insert_line(
    tx: &mut Tx,
    order_id: i64,
    external_line_id: &str,
    sku_id: i64,
    quantity: i64,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO channel_order_lines (order_id, external_line_id, sku_id, quantity)
         VALUES ($1, $2, $3, $4)",
        order_id,
        external_line_id,
        sku_id,
        quantity
    )
    .context("recording an imported line")
    .map(|_| ())
}

/// The order's link to its channel, if it was imported.
pub async fn find<'a>(
    reader: impl Into<Reader<'a>>,
    order_id: i64,
) -> DbResult<Option<ChannelOrderRow>> {
    reader_optional!(
        reader,
        ChannelOrderRow,
        "SELECT order_id, marketplace, external_id, imported_at, stock_short, dispatched_at,
                dispatch_error
         FROM channel_orders WHERE order_id = $1",
        order_id
    )
    .context("reading an imported order")
}

/// The channel's ids of the order's lines, with the SKU each became.
pub async fn line_skus(db: &Db, order_id: i64) -> DbResult<Vec<(String, Option<i64>)>> {
    read_all!(
        db,
        (String, Option<i64>),
        "SELECT external_line_id, sku_id FROM channel_order_lines WHERE order_id = $1
         ORDER BY external_line_id",
        order_id
    )
    .context("reading imported lines")
}

/// The waybill reached the channel (or, with `error`, the channel refused it).
pub async fn record_dispatch(
    db: &Db,
    order_id: i64,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    db_execute!(
        db,
        "UPDATE channel_orders SET dispatch_error = $1,
             dispatched_at = CASE WHEN $1 IS NULL THEN $2 ELSE dispatched_at END
         WHERE order_id = $3",
        error,
        now,
        order_id
    )
    .context("recording a dispatch")
    .map(|_| ())
}

/// An order a channel sent that could not be imported.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ImportProblemRow {
    /// The channel.
    pub marketplace: String,
    /// The channel's order id.
    pub external_id: String,
    /// Why, for staff.
    pub problem: String,
    /// Last seen.
    pub seen_at: DateTime<Utc>,
}

/// Remembers why an order could not be imported (the latest reason wins).
pub async fn record_problem(
    tx: &mut Tx,
    marketplace: &str,
    external_id: &str,
    problem: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO channel_import_problems (marketplace, external_id, problem, seen_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (marketplace, external_id) DO UPDATE SET problem = $3, seen_at = $4",
        marketplace,
        external_id,
        problem,
        now
    )
    .context("recording an import problem")
    .map(|_| ())
}

/// The order was imported after all.
pub async fn clear_problem(tx: &mut Tx, marketplace: &str, external_id: &str) -> DbResult<()> {
    tx_execute!(
        tx,
        "DELETE FROM channel_import_problems WHERE marketplace = $1 AND external_id = $2",
        marketplace,
        external_id
    )
    .context("clearing an import problem")
    .map(|_| ())
}

/// Orders not imported, newest first.
pub async fn problems(db: &Db, limit: i64) -> DbResult<Vec<ImportProblemRow>> {
    read_all!(
        db,
        ImportProblemRow,
        "SELECT marketplace, external_id, problem, seen_at FROM channel_import_problems
         ORDER BY seen_at DESC, external_id LIMIT $1",
        limit
    )
    .context("listing import problems")
}

/// An imported order as the channels page lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ImportedOrderRow {
    /// The shop's order number.
    pub number: String,
    /// Its status.
    pub status: String,
    /// Its link to the channel.
    #[sqlx(flatten)]
    pub link: ChannelOrderRow,
}

/// Imported orders, newest first.
pub async fn recent(db: &Db, limit: i64) -> DbResult<Vec<ImportedOrderRow>> {
    read_all!(
        db,
        ImportedOrderRow,
        "SELECT o.number, o.status, c.order_id, c.marketplace, c.external_id, c.imported_at,
                c.stock_short, c.dispatched_at, c.dispatch_error
         FROM channel_orders c JOIN orders o ON o.id = c.order_id
         ORDER BY c.imported_at DESC, o.id DESC LIMIT $1",
        limit
    )
    .context("listing imported orders")
}

/// Remembers which shop SKU a marketplace listing sells.
pub async fn remember_item(
    tx: &mut Tx,
    marketplace: &str,
    item_id: &str,
    sku_id: i64,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO channel_items (marketplace, item_id, sku_id) VALUES ($1, $2, $3)
         ON CONFLICT (marketplace, item_id) DO UPDATE SET sku_id = $3",
        marketplace,
        item_id,
        sku_id
    )
    .context("remembering a channel item")
    .map(|_| ())
}

/// Listings whose stock at the marketplace is not the shop's: (marketplace, item id, stock).
pub async fn stock_to_push(db: &Db, limit: i64) -> DbResult<Vec<(String, String, i64)>> {
    read_all!(
        db,
        (String, String, i64),
        "SELECT ci.marketplace, ci.item_id, s.stock FROM channel_items ci JOIN skus s ON s.id = ci.sku_id
         WHERE ci.pushed_stock IS NULL OR ci.pushed_stock <> s.stock
         ORDER BY ci.pushed_at IS NOT NULL, ci.pushed_at, ci.item_id LIMIT $1",
        limit
    )
    .context("listing stock to push")
}

/// The marketplace took `stock` for the listing (or, with `error`, refused or was away).
pub async fn record_push(
    db: &Db,
    (marketplace, item_id): (&str, &str),
    stock: i64,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    db_execute!(
        db,
        "UPDATE channel_items SET push_error = $1, pushed_at = $2,
             pushed_stock = CASE WHEN $1 IS NULL THEN $3 ELSE pushed_stock END
         WHERE marketplace = $4 AND item_id = $5",
        error,
        now,
        stock,
        marketplace,
        item_id
    )
    .context("recording a stock push")
    .map(|_| ())
}

/// A listing whose last stock push failed.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PushProblemRow {
    /// The channel.
    pub marketplace: String,
    /// The listing.
    pub item_id: String,
    /// The shop's SKU code.
    pub sku_code: String,
    /// What the channel said.
    pub push_error: String,
}

/// Listings whose last stock push failed.
pub async fn push_problems(db: &Db, limit: i64) -> DbResult<Vec<PushProblemRow>> {
    read_all!(
        db,
        PushProblemRow,
        "SELECT ci.marketplace, ci.item_id, s.code AS sku_code, ci.push_error
         FROM channel_items ci JOIN skus s ON s.id = ci.sku_id
         WHERE ci.push_error IS NOT NULL ORDER BY ci.pushed_at DESC, ci.item_id LIMIT $1",
        limit
    )
    .context("listing stock push problems")
}
