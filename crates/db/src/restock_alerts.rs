//! Restock alerts (재입고 알림, issue 17): a member's open request on a sold-out SKU, and the
//! requests whose SKU is back on sale.

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};

/// Opens (or re-channels) the member's request on SKU `sku_id`.
pub async fn ask(
    db: &Db,
    sku_id: i64,
    member_id: i64,
    channel: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    db_execute!(
        db,
        "INSERT INTO restock_alerts (sku_id, member_id, channel, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (sku_id, member_id) WHERE notified_at IS NULL DO UPDATE SET channel = excluded.channel",
        sku_id,
        member_id,
        channel,
        now
    )
    .context("asking for a restock alert")
    .map(|_| ())
}

/// The SKU's stock, whether it is active, and its product's display state (`on_sale`,
/// `sold_out`, `hidden`); none when there is no such SKU.
pub async fn sku_state(db: &Db, sku_id: i64) -> DbResult<Option<(i64, bool, String)>> {
    read_optional!(
        db,
        (i64, bool, String),
        "SELECT s.stock, s.is_active, p.display_state
         FROM skus s JOIN products p ON p.id = s.product_id WHERE s.id = $1",
        sku_id
    )
    .context("loading SKU for a restock alert")
}

/// An open request whose SKU is back on sale.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DueAlert {
    /// Request id.
    pub id: i64,
    /// The SKU.
    pub sku_id: i64,
    /// `email` or `text`.
    pub channel: String,
    /// The member's e-mail (none once dormant or withdrawn).
    pub email: Option<String>,
    /// The member's mobile number.
    pub mobile: Option<String>,
    /// The member's name.
    pub name: String,
    /// The product's address.
    pub product_slug: String,
    /// The product's name.
    pub product_name: String,
}

/// Open requests whose SKU has stock and is on sale again, oldest first.
pub async fn due(db: &Db, limit: i64) -> DbResult<Vec<DueAlert>> {
    read_all!(
        db,
        DueAlert,
        "SELECT a.id, a.sku_id, a.channel, m.email, m.mobile, m.name,
                p.slug AS product_slug, p.name AS product_name
         FROM restock_alerts a JOIN skus s ON s.id = a.sku_id
         JOIN products p ON p.id = s.product_id JOIN members m ON m.id = a.member_id
         WHERE a.notified_at IS NULL AND s.stock > 0 AND s.is_active
           AND p.display_state = 'on_sale' AND m.status = 'active'
         ORDER BY a.id LIMIT $1",
        limit
    )
    .context("finding due restock alerts")
}

/// Closes request `id` (told, or nobody to tell); false when it was closed already.
pub async fn close(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE restock_alerts SET notified_at = $2 WHERE id = $1 AND notified_at IS NULL",
        id,
        now
    )
    .context("closing restock alert")
    .map(|n| n == 1)
}

/// The member's open requests: (SKU id, channel).
pub async fn open_of_member(db: &Db, member_id: i64) -> DbResult<Vec<(i64, String)>> {
    read_all!(
        db,
        (i64, String),
        "SELECT sku_id, channel FROM restock_alerts WHERE member_id = $1 AND notified_at IS NULL
         ORDER BY id",
        member_id
    )
    .context("listing open restock alerts")
}
