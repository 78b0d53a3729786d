//! The stock ledger and the SKU list staff manage stock from.

use crate::error::Context;
use crate::{Db, DbResult, SqlBuilder, Tx};
use chrono::{DateTime, Utc};
use jangteo_core::digital::ProductKind;

/// A SKU as the stock screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SkuStockRow {
    /// SKU id.
    pub sku_id: i64,
    /// SKU code.
    pub code: String,
    /// Units in stock.
    pub stock: i64,
    /// Option surcharge.
    pub extra_price: i64,
    /// Product id.
    pub product_id: i64,
    /// Product name.
    pub product_name: String,
    /// Product slug.
    pub product_slug: String,
    /// Product list price.
    pub price: i64,
    /// Product sale price.
    pub sale_price: Option<i64>,
    /// `on_sale`, `sold_out`, `hidden`.
    pub display_state: String,
    /// Sold or taken off sale (a combination that vanished, or switched off).
    pub is_active: bool,
    /// What the product sells (a gift card's stock is its PIN pool, never typed).
    #[sqlx(try_from = "String")]
    pub product_kind: ProductKind,
}

/// Which SKUs the stock screen lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkuFilter {
    /// Part of a SKU code or product name.
    pub keyword: String,
    /// Only those at or below this stock.
    pub low_only: Option<i64>,
    /// Off-sale SKUs too (hidden unless asked: they cannot be bought).
    pub with_off_sale: bool,
}

const SKU_COLUMNS: &str = "SELECT s.id AS sku_id, s.code, s.stock, s.extra_price, p.id AS product_id, \
     p.name AS product_name, p.slug AS product_slug, p.price, p.sale_price, p.display_state, \
     s.is_active, p.kind AS product_kind FROM skus s JOIN products p ON p.id = s.product_id";

fn filtered(base: &'static str, filter: &SkuFilter) -> SqlBuilder {
    let mut q = SqlBuilder::new(base);
    q.push(" WHERE 1 = 1");
    if !filter.with_off_sale {
        q.push(" AND s.is_active = TRUE");
    }
    let keyword = filter.keyword.trim();
    if !keyword.is_empty() {
        q.push(" AND (s.code LIKE ")
            .bind_text(crate::dynamic::like_contains(&keyword.to_uppercase()))
            .push(" ESCAPE '\\' OR p.name LIKE ")
            .bind_text(crate::dynamic::like_contains(keyword))
            .push(" ESCAPE '\\')");
    }
    if let Some(limit) = filter.low_only {
        q.push(" AND s.stock <= ").bind_int(limit);
    }
    q
}

/// SKUs matching the filter; by product, sold ones first, then position; with their number.
pub async fn search_skus(
    db: &Db,
    filter: &SkuFilter,
    limit: i64,
    offset: i64,
) -> DbResult<(Vec<SkuStockRow>, i64)> {
    let mut q = filtered(SKU_COLUMNS, filter);
    q.push(" ORDER BY p.id, s.is_active DESC, s.position, s.id LIMIT ")
        .bind_int(limit)
        .push(" OFFSET ")
        .bind_int(offset);
    let rows = read_dynamic!(db, SkuStockRow, &q, fetch_all).context("searching SKUs")?;
    let count = filtered(
        "SELECT COUNT(*) FROM skus s JOIN products p ON p.id = s.product_id",
        filter,
    );
    let total = read_dynamic_scalar!(db, i64, &count).context("counting SKUs")?;
    Ok((rows, total))
}

/// SKUs by code (the codes of a spreadsheet), read inside the importing transaction.
pub async fn skus_by_codes(tx: &mut Tx, codes: &[String]) -> DbResult<Vec<SkuStockRow>> {
    let mut found = Vec::new();
    for chunk in codes.chunks(500) {
        let mut sql = format!("{SKU_COLUMNS} WHERE s.code IN (");
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${}", i + 1));
        }
        sql.push(')');
        let rows = match tx {
            Tx::Sqlite(t) => {
                let mut q = sqlx::query_as::<_, SkuStockRow>(sqlx::AssertSqlSafe(sql.clone()));
                for c in chunk {
                    q = q.bind(c.clone());
                }
                q.fetch_all(&mut **t).await
            }
            Tx::Postgres(t) => {
                let mut q = sqlx::query_as::<_, SkuStockRow>(sqlx::AssertSqlSafe(sql.clone()));
                for c in chunk {
                    q = q.bind(c.clone());
                }
                q.fetch_all(&mut **t).await
            }
        }
        .context("loading SKUs by code")?;
        found.extend(rows);
    }
    Ok(found)
}

/// Changes a SKU's stock by `delta` (never below zero) and records it; the new stock, or none
/// when the change would go below zero or the SKU does not exist.
pub async fn adjust(
    tx: &mut Tx,
    sku_id: i64,
    delta: i64,
    reason: &str,
    note: &str,
    staff_email: &str,
    now: DateTime<Utc>,
) -> DbResult<Option<i64>> {
    let Some(after) = tx_scalar_optional!(
        tx,
        i64,
        "UPDATE skus SET stock = stock + $2, updated_at = $3 WHERE id = $1 AND stock + $2 >= 0
         RETURNING stock",
        sku_id,
        delta,
        now
    )
    .context("adjusting stock")?
    else {
        return Ok(None);
    };
    tx_execute!(
        tx,
        "INSERT INTO stock_movements (sku_id, delta, stock_after, reason, note, staff_email, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        sku_id,
        delta,
        after,
        reason,
        note,
        staff_email,
        now
    )
    .context("recording stock movement")?;
    Ok(Some(after))
}

/// Sets a SKU's stock to `target` and records the change; (before, after), or none when the
/// SKU does not exist. Reads the stock inside the transaction, so orders placed meanwhile are
/// not counted twice.
pub async fn set(
    tx: &mut Tx,
    sku_id: i64,
    target: i64,
    reason: &str,
    staff_email: &str,
    now: DateTime<Utc>,
) -> DbResult<Option<(i64, i64)>> {
    let Some(before) = tx_scalar_optional!(tx, i64, "SELECT stock FROM skus WHERE id = $1", sku_id)
        .context("reading stock")?
    else {
        return Ok(None);
    };
    if before == target {
        return Ok(Some((before, before)));
    }
    let after = adjust(tx, sku_id, target - before, reason, "", staff_email, now).await?;
    Ok(after.map(|after| (before, after)))
}

/// A ledger entry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StockMovementRow {
    /// Change.
    pub delta: i64,
    /// Stock after it.
    pub stock_after: i64,
    /// `adjust`, `import`, …
    pub reason: String,
    /// Why, as staff wrote it.
    pub note: String,
    /// Who.
    pub staff_email: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A SKU's latest ledger entries, newest first.
pub async fn movements(db: &Db, sku_id: i64, limit: i64) -> DbResult<Vec<StockMovementRow>> {
    read_all!(
        db,
        StockMovementRow,
        "SELECT delta, stock_after, reason, note, staff_email, created_at FROM stock_movements
         WHERE sku_id = $1 ORDER BY id DESC LIMIT $2",
        sku_id,
        limit
    )
    .context("listing stock movements")
}
