//! Shipments of an order's lines (issue 18): parts of an order that left before the rest, each
//! with its own carrier and waybill, and the last one once there were parts.

use crate::error::Context;
use crate::{Db, DbResult, Reader, Tx};
use chrono::{DateTime, Utc};

/// A shipment.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ShipmentRow {
    /// Id.
    pub id: i64,
    /// The order.
    pub order_id: i64,
    /// Carrier code (`core::carrier`).
    pub carrier: String,
    /// Waybill.
    pub waybill: String,
    /// When it left.
    pub shipped_at: DateTime<Utc>,
    /// When the carrier delivered it.
    pub delivered_at: Option<DateTime<Utc>>,
    /// When the waybill reached the order's marketplace.
    pub dispatched_at: Option<DateTime<Utc>>,
    /// The marketplace's refusal.
    pub dispatch_error: Option<String>,
}

const COLUMNS: &str =
    "id, order_id, carrier, waybill, shipped_at, delivered_at, dispatched_at, dispatch_error";

/// Records a shipment of `lines` of an order; its id.
pub async fn insert(
    tx: &mut Tx,
    order_id: i64,
    (carrier, waybill): (&str, &str),
    lines: &[i64],
    now: DateTime<Utc>,
) -> DbResult<i64> {
    let id = tx_scalar!(
        tx,
        i64,
        "INSERT INTO shipments (order_id, carrier, waybill, shipped_at) VALUES ($1, $2, $3, $4)
         RETURNING id",
        order_id,
        carrier,
        waybill,
        now
    )
    .context("recording a shipment")?;
    for line in lines {
        tx_execute!(
            tx,
            "UPDATE order_lines SET shipment_id = $1 WHERE id = $2 AND order_id = $3",
            id,
            *line,
            order_id
        )
        .context("marking a line shipped")?;
    }
    Ok(id)
}

/// The order's lines that left, with their shipment: (line id, shipment id).
pub async fn shipped_lines(
    conn: impl Into<Reader<'_>>,
    order_id: i64,
) -> DbResult<Vec<(i64, i64)>> {
    reader_all!(
        conn,
        (i64, i64),
        "SELECT id, shipment_id FROM order_lines WHERE order_id = $1 AND shipment_id IS NOT NULL
         ORDER BY id",
        order_id
    )
    .context("reading shipped lines")
}

/// The order's shipments, first first.
pub async fn of_order(conn: impl Into<Reader<'_>>, order_id: i64) -> DbResult<Vec<ShipmentRow>> {
    reader_all!(
        conn,
        ShipmentRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM shipments WHERE order_id = $1 ORDER BY id"
        )),
        order_id
    )
    .context("reading an order's shipments")
}

/// One shipment.
pub async fn find(db: &Db, id: i64) -> DbResult<Option<ShipmentRow>> {
    read_optional!(
        db,
        ShipmentRow,
        sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM shipments WHERE id = $1")),
        id
    )
    .context("reading a shipment")
}

/// Shipments on their way ahead of their order's last (the order's own waybill is tracked with
/// the order): (shipment, order number).
pub async fn in_transit(db: &Db, limit: i64) -> DbResult<Vec<ShipmentRow>> {
    read_all!(
        db,
        ShipmentRow,
        "SELECT s.id, s.order_id, s.carrier, s.waybill, s.shipped_at, s.delivered_at,
             s.dispatched_at, s.dispatch_error
         FROM shipments s JOIN orders o ON o.id = s.order_id
         WHERE s.delivered_at IS NULL AND o.status IN ('paid', 'preparing', 'shipped')
           AND (o.waybill IS NULL OR o.waybill <> s.waybill)
         ORDER BY s.shipped_at, s.id LIMIT $1",
        limit
    )
    .context("listing shipments in transit")
}

/// The carrier delivered a shipment (`None`: every shipment of the order not marked yet).
pub async fn mark_delivered(
    tx: &mut Tx,
    order_id: i64,
    shipment: Option<i64>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE shipments SET delivered_at = $1
         WHERE order_id = $2 AND delivered_at IS NULL AND ($3 IS NULL OR id = $3)",
        now,
        order_id,
        shipment
    )
    .context("marking a shipment delivered")
    .map(|_| ())
}

/// The waybill reached the marketplace (or, with `error`, it refused it).
pub async fn record_dispatch(
    db: &Db,
    id: i64,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    db_execute!(
        db,
        "UPDATE shipments SET dispatched_at = CASE WHEN $1 IS NULL THEN $2 ELSE NULL END,
             dispatch_error = $1
         WHERE id = $3",
        error,
        now,
        id
    )
    .context("recording a shipment's dispatch")
    .map(|_| ())
}
