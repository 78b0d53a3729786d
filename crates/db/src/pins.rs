//! The PIN pool of digital products (상품권): sealed PINs per SKU, found by keyed hash, matched
//! to order lines inside the paying transaction (core::pins owns the rules).

use crate::error::Context;
use crate::{Db, DbResult, Reader, SqlBuilder, Tx};
use chrono::{DateTime, NaiveDate, Utc};
use jangteo_core::pins::PinStatus;
use std::collections::HashSet;

/// Hashes looked up per statement.
const HASHES_PER_QUERY: usize = 500;

/// A PIN to add to a pool (already sealed and hashed by the app).
#[derive(Debug, Clone)]
pub struct NewPin<'a> {
    /// The PIN sealed with the shop key.
    pub sealed: &'a str,
    /// Its keyed hash.
    pub hash: &'a str,
    /// Its last four characters.
    pub hint: &'a str,
    /// 관리번호.
    pub serial: Option<&'a str>,
    /// Last day of use.
    pub expires_on: Option<NaiveDate>,
}

/// A PIN as staff lists and deliveries read it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PinRow {
    /// Id.
    pub id: i64,
    /// Its SKU.
    pub sku_id: i64,
    /// Sealed PIN (opened only to deliver or reveal it).
    pub pin_sealed: String,
    /// Its keyed hash (the sealing context).
    pub pin_hash: String,
    /// Last four characters.
    pub pin_hint: String,
    /// 관리번호.
    pub serial: Option<String>,
    /// Last day of use, `YYYY-MM-DD`.
    pub expires_on: Option<String>,
    /// `available`, `allocated`, `revealed`, `void`.
    pub status: String,
    /// The order line it was sold to.
    pub order_line_id: Option<i64>,
    /// Added at.
    pub created_at: DateTime<Utc>,
}

impl PinRow {
    /// Where it stands.
    pub fn status(&self) -> Option<PinStatus> {
        self.status.parse().ok()
    }
}

const PIN_COLUMNS: &str = "SELECT id, sku_id, pin_sealed, pin_hash, pin_hint, serial, \
                           expires_on, status, order_line_id, created_at FROM pins ";

/// Which of `hashes` are in some pool already (any status: a PIN sold once is never sold again).
pub async fn known_hashes(db: &Db, hashes: &[String]) -> DbResult<HashSet<String>> {
    let mut known = HashSet::new();
    for chunk in hashes.chunks(HASHES_PER_QUERY) {
        let mut q = SqlBuilder::new("SELECT pin_hash FROM pins WHERE pin_hash IN (");
        for (i, hash) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.bind_text(hash.clone());
        }
        q.push(")");
        let found: Vec<(String,)> =
            read_dynamic!(db, (String,), &q, fetch_all).context("looking up PIN hashes")?;
        known.extend(found.into_iter().map(|(h,)| h));
    }
    Ok(known)
}

/// Adds PINs to a SKU's pool as one upload `batch`; false when one of them is there already
/// (a concurrent upload of the same PIN): the caller rolls back.
pub async fn insert(
    tx: &mut Tx,
    sku_id: i64,
    batch: &str,
    pins: &[NewPin<'_>],
    now: DateTime<Utc>,
) -> DbResult<bool> {
    for pin in pins {
        let inserted = tx_execute!(
            tx,
            "INSERT INTO pins (sku_id, pin_sealed, pin_hash, pin_hint, serial, expires_on, status,
                 batch, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'available', $7, $8, $8)
             ON CONFLICT (pin_hash) DO NOTHING",
            sku_id,
            pin.sealed,
            pin.hash,
            pin.hint,
            pin.serial,
            pin.expires_on.map(|d| d.to_string()),
            batch,
            now
        )
        .context("adding a PIN")?;
        if inserted == 0 {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Sells `units` available PINs of `sku_id` to `order_line_id` (soonest expiry first); the PINs
/// taken. Fewer than `units` means the pool ran dry (the caller rolls back). On PostgreSQL
/// concurrent payers skip each other's rows instead of waiting for them.
pub async fn allocate(
    tx: &mut Tx,
    sku_id: i64,
    order_line_id: i64,
    units: i64,
    now: DateTime<Utc>,
) -> DbResult<Vec<i64>> {
    let sql = match tx {
        Tx::Sqlite(_) => {
            "UPDATE pins SET status = 'allocated', order_line_id = $1, allocated_at = $2,
                 updated_at = $2
             WHERE id IN (SELECT id FROM pins WHERE sku_id = $3 AND status = 'available'
                          ORDER BY expires_on IS NULL, expires_on, id LIMIT $4)
             RETURNING id"
        }
        Tx::Postgres(_) => {
            "UPDATE pins SET status = 'allocated', order_line_id = $1, allocated_at = $2,
                 updated_at = $2
             WHERE id IN (SELECT id FROM pins WHERE sku_id = $3 AND status = 'available'
                          ORDER BY expires_on IS NULL, expires_on, id LIMIT $4
                          FOR UPDATE SKIP LOCKED)
             RETURNING id"
        }
    };
    let taken: Vec<(i64,)> = tx_all!(
        tx,
        (i64,),
        sqlx::AssertSqlSafe(sql),
        order_line_id,
        now,
        sku_id,
        units
    )
    .context("allocating PINs")?;
    Ok(taken.into_iter().map(|(id,)| id).collect())
}

/// The PINs sold to an order line, oldest first.
pub async fn of_line(db: &Db, order_line_id: i64) -> DbResult<Vec<PinRow>> {
    read_all!(
        db,
        PinRow,
        sqlx::AssertSqlSafe(format!(
            "{PIN_COLUMNS} WHERE order_line_id = $1 ORDER BY id"
        )),
        order_line_id
    )
    .context("reading an order line's PINs")
}

/// A SKU's pool, newest first, one page: (rows, total).
pub async fn of_sku(db: &Db, sku_id: i64, limit: i64, offset: i64) -> DbResult<(Vec<PinRow>, i64)> {
    let rows = read_all!(
        db,
        PinRow,
        sqlx::AssertSqlSafe(format!(
            "{PIN_COLUMNS} WHERE sku_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3"
        )),
        sku_id,
        limit,
        offset
    )
    .context("listing a PIN pool")?;
    let total = read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM pins WHERE sku_id = $1",
        sku_id
    )
    .context("counting a PIN pool")?;
    Ok((rows, total))
}

/// PINs of a SKU per status: (status, count).
pub async fn counts(db: &Db, sku_id: i64) -> DbResult<Vec<(String, i64)>> {
    read_all!(
        db,
        (String, i64),
        "SELECT status, CAST(COUNT(*) AS BIGINT) FROM pins WHERE sku_id = $1
         GROUP BY status ORDER BY status",
        sku_id
    )
    .context("counting PINs by status")
}

/// A product's digital side: its kind, face value, PIN pattern and the SKU its pool belongs to
/// (the product's first SKU).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DigitalProductRow {
    /// `physical` or `digital_pin`.
    pub kind: String,
    /// 액면가.
    pub face_value: Option<i64>,
    /// PIN pattern (core::pins::PinFormat).
    pub pin_format: Option<String>,
    /// The SKU holding the pool.
    pub sku_id: Option<i64>,
}

impl DigitalProductRow {
    /// Whether the product sells PINs.
    pub fn sells_pins(&self) -> bool {
        self.kind == "digital_pin"
    }
}

/// The digital side of a product; none when it does not exist.
pub async fn digital_product(db: &Db, product_id: i64) -> DbResult<Option<DigitalProductRow>> {
    read_optional!(
        db,
        DigitalProductRow,
        "SELECT p.kind, p.face_value, p.pin_format,
             (SELECT s.id FROM skus s WHERE s.product_id = p.id ORDER BY s.position, s.id LIMIT 1)
                 AS sku_id
         FROM products p WHERE p.id = $1",
        product_id
    )
    .context("reading a product's digital side")
}

/// Makes a product a PIN product with its face value and pattern (or physical again: `None`).
pub async fn set_digital(
    tx: &mut Tx,
    product_id: i64,
    digital: Option<(i64, &str)>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    let (kind, face_value, pin_format) = match digital {
        Some((face, format)) => ("digital_pin", Some(face), Some(format)),
        None => ("physical", None, None),
    };
    tx_execute!(
        tx,
        // A product becoming a gift card becomes tax-free (the old `kind` is read here): selling
        // a 상품권 is not a supply of goods under the VAT act, so gateways and cash receipts must
        // carry no VAT on it; the owner may change it afterwards.
        "UPDATE products SET kind = $2, face_value = $3, pin_format = $4, updated_at = $5,
             is_tax_free = CASE WHEN $2 = 'digital_pin' AND kind <> 'digital_pin' THEN TRUE
                                ELSE is_tax_free END
         WHERE id = $1",
        product_id,
        kind,
        face_value,
        pin_format,
        now
    )
    .context("setting a product's kind")
    .map(|n| n == 1)
}

/// The lines of an order whose product sells PINs: (line id, SKU id, units bought).
pub async fn digital_lines(tx: &mut Tx, order_id: i64) -> DbResult<Vec<(i64, i64, i64)>> {
    tx_all!(
        tx,
        (i64, i64, i64),
        "SELECT l.id, l.sku_id, l.quantity FROM order_lines l
         JOIN products p ON p.id = l.product_id
         WHERE l.order_id = $1 AND p.kind = 'digital_pin' AND l.sku_id IS NOT NULL ORDER BY l.id",
        order_id
    )
    .context("finding an order's PIN lines")
}

/// The PINs sold to an order, by line then id.
pub async fn of_order(conn: impl Into<Reader<'_>>, order_id: i64) -> DbResult<Vec<PinRow>> {
    reader_all!(
        conn,
        PinRow,
        sqlx::AssertSqlSafe(format!(
            "{PIN_COLUMNS} WHERE order_line_id IN (SELECT id FROM order_lines WHERE order_id = $1)
             ORDER BY order_line_id, id"
        )),
        order_id
    )
    .context("reading an order's PINs")
}

/// Marks an order's sold PINs as shown to the buyer; how many were shown for the first time.
pub async fn reveal(tx: &mut Tx, order_id: i64, now: DateTime<Utc>) -> DbResult<u64> {
    tx_execute!(
        tx,
        "UPDATE pins SET status = 'revealed', revealed_at = $2, updated_at = $2
         WHERE status = 'allocated'
           AND order_line_id IN (SELECT id FROM order_lines WHERE order_id = $1)",
        order_id,
        now
    )
    .context("revealing PINs")
}

/// Marks an order's PINs unseen again (a notice carrying them failed for good); how many.
pub async fn unreveal(tx: &mut Tx, order_id: i64) -> DbResult<u64> {
    tx_execute!(
        tx,
        "UPDATE pins SET status = 'allocated', revealed_at = NULL
         WHERE status = 'revealed'
           AND order_line_id IN (SELECT id FROM order_lines WHERE order_id = $1)",
        order_id
    )
    .context("marking PINs unseen")
}

/// Puts an order's unseen PINs back in their pools (the order is cancelled); per line, the
/// PINs the buyer has seen, which stay sold: (line id, seen).
pub async fn release_unseen(
    tx: &mut Tx,
    order_id: i64,
    now: DateTime<Utc>,
) -> DbResult<Vec<(i64, i64)>> {
    tx_execute!(
        tx,
        "UPDATE pins SET status = 'available', order_line_id = NULL, allocated_at = NULL,
             updated_at = $2
         WHERE status = 'allocated'
           AND order_line_id IN (SELECT id FROM order_lines WHERE order_id = $1)",
        order_id,
        now
    )
    .context("returning PINs to the pool")?;
    tx_all!(
        tx,
        (i64, i64),
        "SELECT order_line_id, CAST(COUNT(*) AS BIGINT) FROM pins
         WHERE status = 'revealed'
           AND order_line_id IN (SELECT id FROM order_lines WHERE order_id = $1)
         GROUP BY order_line_id",
        order_id
    )
    .context("counting seen PINs")
}

/// The PIN pattern of the product a SKU belongs to.
pub async fn pattern_of_sku(db: &Db, sku_id: i64) -> DbResult<Option<String>> {
    read_scalar!(
        db,
        Option<String>,
        "SELECT p.pin_format FROM skus s JOIN products p ON p.id = s.product_id WHERE s.id = $1",
        sku_id
    )
    .context("reading a SKU's PIN pattern")
}

/// Whether a SKU's stock is a PIN pool (only PIN uploads and sales change it).
pub async fn is_pin_sku(tx: &mut Tx, sku_id: i64) -> DbResult<bool> {
    tx_scalar!(
        tx,
        i64,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM skus s JOIN products p ON p.id = s.product_id
         WHERE s.id = $1 AND p.kind = 'digital_pin'",
        sku_id
    )
    .context("checking for a PIN SKU")
    .map(|n| n > 0)
}

/// Puts back up to `units` unseen PINs of an order line (part of it is cancelled); (PINs the
/// line holds, PINs put back).
pub async fn release_line(
    tx: &mut Tx,
    order_line_id: i64,
    units: i64,
    now: DateTime<Utc>,
) -> DbResult<(i64, i64)> {
    let held = tx_scalar!(
        tx,
        i64,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM pins WHERE order_line_id = $1",
        order_line_id
    )
    .context("counting a line's PINs")?;
    let back: Vec<(i64,)> = tx_all!(
        tx,
        (i64,),
        "UPDATE pins SET status = 'available', order_line_id = NULL, allocated_at = NULL,
             updated_at = $3
         WHERE id IN (SELECT id FROM pins WHERE order_line_id = $1 AND status = 'allocated'
                      ORDER BY id DESC LIMIT $2)
         RETURNING id",
        order_line_id,
        units,
        now
    )
    .context("returning a line's PINs")?;
    Ok((held, i64::try_from(back.len()).unwrap_or(0)))
}

/// Takes an available PIN of `sku_id` out of the pool (staff found it wrong or used
/// elsewhere); false when it is not there or no longer available.
pub async fn void_available(
    tx: &mut Tx,
    sku_id: i64,
    pin_id: i64,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE pins SET status = 'void', updated_at = $3
         WHERE id = $1 AND sku_id = $2 AND status = 'available'",
        pin_id,
        sku_id,
        now
    )
    .context("voiding a PIN")
    .map(|n| n == 1)
}
