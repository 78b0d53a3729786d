//! Outgoing webhook endpoints and their deliveries (issue 19).

use crate::error::Context;
use crate::{Db, DbResult, Reader, Tx};
use chrono::{DateTime, Utc};

/// An endpoint.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EndpointRow {
    /// Id.
    pub id: i64,
    /// Where deliveries go.
    pub url: String,
    /// The signing secret, sealed.
    pub secret_sealed: String,
    /// Subscribed events, comma-separated.
    pub events: String,
    /// Whether it receives deliveries.
    pub active: bool,
    /// Who added it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl EndpointRow {
    /// Whether it takes `event`.
    pub fn takes(&self, event: &str) -> bool {
        self.active && self.events.split(',').any(|e| e == event)
    }
}

/// A delivery.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DeliveryRow {
    /// Id.
    pub id: i64,
    /// The endpoint.
    pub endpoint_id: i64,
    /// `webhook-id` (the same on every attempt and redelivery).
    pub message_id: String,
    /// The event.
    pub event: String,
    /// The JSON body.
    pub payload: String,
    /// `pending`, `delivered` or `failed`.
    pub state: String,
    /// Attempts so far.
    pub attempts: i64,
    /// The receiver's last HTTP status.
    pub last_status: Option<i64>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When the event happened.
    pub created_at: DateTime<Utc>,
    /// When it was delivered.
    pub delivered_at: Option<DateTime<Utc>>,
}

const ENDPOINT: &str = "id, url, secret_sealed, events, active, created_by, created_at";
const DELIVERY: &str = "id, endpoint_id, message_id, event, payload, state, attempts, last_status,
     last_error, created_at, delivered_at";

/// Adds an endpoint; its id.
pub async fn insert_endpoint(
    tx: &mut Tx,
    (url, secret_sealed, events): (&str, &str, &str),
    created_by: &str,
    now: DateTime<Utc>,
) -> DbResult<i64> {
    tx_scalar!(
        tx,
        i64,
        "INSERT INTO webhook_endpoints (url, secret_sealed, events, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        url,
        secret_sealed,
        events,
        created_by,
        now
    )
    .context("adding a webhook endpoint")
}

/// Every endpoint, newest first.
pub async fn endpoints(conn: impl Into<Reader<'_>>) -> DbResult<Vec<EndpointRow>> {
    reader_all!(
        conn,
        EndpointRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {ENDPOINT} FROM webhook_endpoints ORDER BY id DESC"
        ))
    )
    .context("listing webhook endpoints")
}

/// Turns an endpoint on or off; false when there is none.
pub async fn set_active(tx: &mut Tx, id: i64, active: bool) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE webhook_endpoints SET active = $1 WHERE id = $2",
        active,
        id
    )
    .context("switching a webhook endpoint")
    .map(|n| n == 1)
}

/// Records a delivery to make; its id, `None` when that message went to that endpoint before.
pub async fn insert_delivery(
    tx: &mut Tx,
    endpoint_id: i64,
    (message_id, event, payload): (&str, &str, &str),
    now: DateTime<Utc>,
) -> DbResult<Option<i64>> {
    tx_scalar_optional!(
        tx,
        i64,
        "INSERT INTO webhook_deliveries (endpoint_id, message_id, event, payload, created_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (endpoint_id, message_id) DO NOTHING RETURNING id",
        endpoint_id,
        message_id,
        event,
        payload,
        now
    )
    .context("recording a webhook delivery")
}

/// A delivery with its endpoint.
pub async fn delivery(db: &Db, id: i64) -> DbResult<Option<(DeliveryRow, EndpointRow)>> {
    let Some(delivery) = read_optional!(
        db,
        DeliveryRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {DELIVERY} FROM webhook_deliveries WHERE id = $1"
        )),
        id
    )
    .context("reading a webhook delivery")?
    else {
        return Ok(None);
    };
    let endpoint = read_optional!(
        db,
        EndpointRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {ENDPOINT} FROM webhook_endpoints WHERE id = $1"
        )),
        delivery.endpoint_id
    )
    .context("reading a webhook endpoint")?;
    Ok(endpoint.map(|e| (delivery, e)))
}

/// The last `limit` deliveries, newest first.
pub async fn recent_deliveries(db: &Db, limit: i64) -> DbResult<Vec<DeliveryRow>> {
    read_all!(
        db,
        DeliveryRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {DELIVERY} FROM webhook_deliveries ORDER BY created_at DESC, id DESC LIMIT $1"
        )),
        limit
    )
    .context("listing webhook deliveries")
}

/// Records an attempt: `delivered` (2xx), else its status or error, `failed` once given up.
pub async fn record_attempt(
    db: &Db,
    id: i64,
    (status, error): (Option<i64>, Option<&str>),
    (state, now): (&str, DateTime<Utc>),
) -> DbResult<()> {
    db_execute!(
        db,
        "UPDATE webhook_deliveries SET attempts = attempts + 1, last_status = $1, last_error = $2,
             state = $3, delivered_at = CASE WHEN $3 = 'delivered' THEN $4 ELSE delivered_at END
         WHERE id = $5",
        status,
        error,
        state,
        now,
        id
    )
    .context("recording a webhook attempt")
    .map(|_| ())
}

/// Sends a delivery again from the start (staff's redelivery): pending, attempts kept.
pub async fn reopen(tx: &mut Tx, id: i64) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE webhook_deliveries SET state = 'pending' WHERE id = $1",
        id
    )
    .context("reopening a webhook delivery")
    .map(|n| n == 1)
}
