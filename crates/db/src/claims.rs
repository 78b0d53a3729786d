//! Claims after delivery (반품/교환): filed with their lines and evidence, moved by staff through
//! `core::claims::ClaimStatus` with conditional updates (a state changes once).

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};
use jangteo_core::claims::{ClaimKind, ClaimResolution, ClaimStatus};
use jangteo_core::ids::OrderId;

/// A claim to file.
#[derive(Debug, Clone)]
pub struct NewClaim<'a> {
    /// Order.
    pub order_id: OrderId,
    /// Why.
    pub kind: ClaimKind,
    /// Refund or replacement.
    pub resolution: ClaimResolution,
    /// The buyer's words.
    pub reason: &'a str,
    /// When the buyer found the problem.
    pub discovered_at: Option<DateTime<Utc>>,
    /// The window's end as computed now.
    pub deadline_at: DateTime<Utc>,
    /// Staff accepted it outside the window: why.
    pub override_reason: Option<&'a str>,
    /// Who filed it (`buyer`, `staff:…`).
    pub filed_by: &'a str,
    /// (order line id, units).
    pub lines: &'a [(i64, i64)],
}

/// A stored claim.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClaimRow {
    /// Primary key.
    pub id: i64,
    /// Order.
    #[sqlx(try_from = "i64")]
    pub order_id: OrderId,
    /// Why the buyer claims.
    #[sqlx(try_from = "String")]
    pub kind: ClaimKind,
    /// Refund or replacement.
    #[sqlx(try_from = "String")]
    pub resolution: ClaimResolution,
    /// Where it stands.
    #[sqlx(try_from = "String")]
    pub status: ClaimStatus,
    /// The buyer's words.
    pub reason: String,
    /// When the buyer found the problem.
    pub discovered_at: Option<DateTime<Utc>>,
    /// The filing window's end.
    pub deadline_at: DateTime<Utc>,
    /// Who pays the return shipping.
    pub buyer_pays_return: bool,
    /// Why it was accepted outside its window.
    pub override_reason: Option<String>,
    /// Why it was rejected.
    pub reject_reason: Option<String>,
    /// The refund made for it.
    pub refund_id: Option<i64>,
    /// Whether the returned units went back on sale (set when settled by refund or exchange).
    pub restocked: Option<bool>,
    /// Who filed it.
    pub filed_by: String,
    /// Filed at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// The carrier an exchange's replacement went with.
    pub reship_carrier: Option<String>,
    /// The replacement's waybill.
    pub reship_waybill: Option<String>,
    /// When the carrier delivered the replacement.
    pub reship_delivered_at: Option<DateTime<Utc>>,
}

/// `SELECT` of every claim column followed by `$rest` (one column list, static SQL).
macro_rules! select_claims {
    ($rest:literal) => {
        concat!(
            "SELECT id, order_id, kind, resolution, status, reason, discovered_at, deadline_at,
                 buyer_pays_return, override_reason, reject_reason, refund_id, restocked, filed_by,
                 created_at, updated_at, reship_carrier, reship_waybill, reship_delivered_at
             FROM claims ",
            $rest
        )
    };
}

/// Files a claim with its lines; returns its id.
pub async fn insert(tx: &mut Tx, c: &NewClaim<'_>, now: DateTime<Utc>) -> DbResult<i64> {
    let id = tx_scalar!(
        tx,
        i64,
        "INSERT INTO claims (order_id, kind, resolution, status, reason, discovered_at, deadline_at,
             buyer_pays_return, override_reason, filed_by, created_at, updated_at)
         VALUES ($1, $2, $3, 'requested', $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
        c.order_id.get(),
        c.kind.as_str(),
        c.resolution.as_str(),
        c.reason,
        c.discovered_at,
        c.deadline_at,
        c.kind.buyer_pays_return(),
        c.override_reason,
        c.filed_by,
        now
    )
    .context("filing claim")?;
    for &(line, quantity) in c.lines {
        tx_execute!(
            tx,
            "INSERT INTO claim_lines (claim_id, order_line_id, quantity) VALUES ($1, $2, $3)",
            id,
            line,
            quantity
        )
        .context("recording claim line")?;
    }
    Ok(id)
}

/// Attaches a stored picture as evidence.
pub async fn add_evidence(tx: &mut Tx, claim: i64, media: i64) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO claim_evidence (claim_id, media_id) VALUES ($1, $2)",
        claim,
        media
    )
    .context("attaching claim evidence")
    .map(|_| ())
}

/// One claim.
pub async fn find(db: &Db, id: i64) -> DbResult<Option<ClaimRow>> {
    read_optional!(db, ClaimRow, select_claims!("WHERE id = $1"), id).context("loading claim")
}

/// The claims of an order, newest first.
pub async fn for_order(db: &Db, order_id: OrderId) -> DbResult<Vec<ClaimRow>> {
    read_all!(
        db,
        ClaimRow,
        select_claims!("WHERE order_id = $1 ORDER BY id DESC"),
        order_id.get()
    )
    .context("loading an order's claims")
}

/// A claim's lines: (order line id, units).
pub async fn lines(db: &Db, claim: i64) -> DbResult<Vec<(i64, i64)>> {
    read_all!(
        db,
        (i64, i64),
        "SELECT order_line_id, quantity FROM claim_lines WHERE claim_id = $1 ORDER BY order_line_id",
        claim
    )
    .context("loading claim lines")
}

/// Units of an order line held by open claims (finished ones count in `quantity_returned`).
pub async fn claimed_units(tx: &mut Tx, order_line: i64) -> DbResult<i64> {
    tx_scalar!(
        tx,
        i64,
        "SELECT CAST(COALESCE(SUM(cl.quantity), 0) AS BIGINT) FROM claim_lines cl
         JOIN claims c ON c.id = cl.claim_id
         WHERE cl.order_line_id = $1 AND c.status IN ('requested', 'approved', 'collected')",
        order_line
    )
    .context("counting claimed units")
}

/// Claims in a status (all: none), newest first, with the total count.
pub async fn list(
    db: &Db,
    status: Option<ClaimStatus>,
    limit: i64,
    offset: i64,
) -> DbResult<(Vec<ClaimRow>, i64)> {
    let filter = status.map(ClaimStatus::as_str).unwrap_or("");
    let rows = read_all!(
        db,
        ClaimRow,
        select_claims!("WHERE ($1 = '' OR status = $1) ORDER BY id DESC LIMIT $2 OFFSET $3"),
        filter,
        limit,
        offset
    )
    .context("listing claims")?;
    let total = read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM claims WHERE ($1 = '' OR status = $1)",
        filter
    )
    .context("counting claims")?;
    Ok((rows, total))
}

/// Claims staff still have to act on (requested, approved, collected).
pub async fn count_waiting(db: &Db) -> DbResult<i64> {
    read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM claims WHERE status IN ('requested', 'approved', 'collected')"
    )
    .context("counting waiting claims")
}

/// What a claim's move stores besides its status.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClaimFacts<'a> {
    /// Why staff refused it (the buyer sees this).
    pub reject_reason: Option<&'a str>,
    /// The refund that settled it.
    pub refund_id: Option<i64>,
    /// Whether the returned units went back on sale.
    pub restocked: Option<bool>,
    /// The replacement's (carrier, waybill), for an exchange.
    pub reship: Option<(&'a str, &'a str)>,
}

/// Moves a claim from `from` to `to` (refused by the state machine: false; already moved by
/// someone else: false), recording the facts given.
pub async fn transition(
    tx: &mut Tx,
    id: i64,
    (from, to): (ClaimStatus, ClaimStatus),
    facts: ClaimFacts<'_>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    if !from.can_become(to) {
        return Ok(false);
    }
    tx_execute!(
        tx,
        "UPDATE claims SET status = $3, updated_at = $4,
             reject_reason = COALESCE($5, reject_reason), refund_id = COALESCE($6, refund_id),
             restocked = COALESCE($7, restocked), reship_carrier = COALESCE($8, reship_carrier),
             reship_waybill = COALESCE($9, reship_waybill)
         WHERE id = $1 AND status = $2",
        id,
        from.as_str(),
        to.as_str(),
        now,
        facts.reject_reason,
        facts.refund_id,
        facts.restocked,
        facts.reship.map(|(carrier, _)| carrier),
        facts.reship.map(|(_, waybill)| waybill)
    )
    .context("moving claim")
    .map(|n| n == 1)
}

/// Units of an order's lines held by open claims: (order line id, units).
pub async fn open_units(db: &Db, order_id: OrderId) -> DbResult<Vec<(i64, i64)>> {
    read_all!(
        db,
        (i64, i64),
        "SELECT cl.order_line_id, cl.quantity FROM claim_lines cl
         JOIN claims c ON c.id = cl.claim_id
         WHERE c.order_id = $1 AND c.status IN ('requested', 'approved', 'collected')",
        order_id.get()
    )
    .context("loading an order's claimed units")
}

/// Claims staff still act on, oldest first (the queue), with their count.
pub async fn list_waiting(db: &Db, limit: i64, offset: i64) -> DbResult<(Vec<ClaimRow>, i64)> {
    let rows = read_all!(
        db,
        ClaimRow,
        select_claims!(
            "WHERE status IN ('requested', 'approved', 'collected') ORDER BY id LIMIT $1 OFFSET $2"
        ),
        limit,
        offset
    )
    .context("listing waiting claims")?;
    Ok((rows, count_waiting(db).await?))
}

/// Content hashes of a claim's photos.
pub async fn evidence(db: &Db, claim: i64) -> DbResult<Vec<String>> {
    read_all!(
        db,
        (String,),
        "SELECT m.content_hash FROM claim_evidence e JOIN media_files m ON m.id = e.media_id
         WHERE e.claim_id = $1 ORDER BY m.id",
        claim
    )
    .context("loading claim evidence")
    .map(|rows| rows.into_iter().map(|(h,)| h).collect())
}

/// Exchanges whose replacement is on its way: (claim id, order id, carrier, waybill).
pub async fn replacements_in_transit(
    db: &Db,
    limit: i64,
) -> DbResult<Vec<(i64, i64, String, String)>> {
    read_all!(
        db,
        (i64, i64, String, String),
        "SELECT id, order_id, reship_carrier, reship_waybill FROM claims
         WHERE status = 'exchanged' AND reship_carrier IS NOT NULL AND reship_waybill IS NOT NULL
           AND reship_delivered_at IS NULL
         ORDER BY updated_at, id LIMIT $1",
        limit
    )
    .context("listing replacements in transit")
}

/// The carrier delivered an exchange's replacement; false when it was recorded before.
pub async fn mark_replacement_delivered(
    tx: &mut Tx,
    claim_id: i64,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE claims SET reship_delivered_at = $1 WHERE id = $2 AND reship_delivered_at IS NULL",
        now,
        claim_id
    )
    .context("recording a replacement delivered")
    .map(|n| n == 1)
}
