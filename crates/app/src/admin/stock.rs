//! Stock in the back office: the SKU list, adjustments with a reason (stock ledger), and bulk
//! stock/price updates from a spreadsheet, checked row by row before anything is written and
//! then applied all together.

use crate::auth::StaffActor;
use crate::{App, AppError, AppResult};
use jangteo_core::catalog::Price;
use jangteo_core::digital::ProductKind;
use jangteo_core::ids::ProductId;
use jangteo_core::money::Won;
use jangteo_core::paging::{PageRequest, Paged};
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::stock_ledger::{self, SkuFilter, SkuStockRow, StockMovementRow};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One line of a stock/price sheet as read: SKU code, stock, and optionally the product's list
/// and sale price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockSheetRow {
    /// Spreadsheet line.
    pub line: usize,
    /// SKU code.
    pub code: String,
    /// Stock as typed (empty: unchanged).
    pub stock: String,
    /// List price as typed (empty: unchanged).
    pub price: String,
    /// Sale price as typed (empty: none; `-`: unchanged).
    pub sale_price: String,
}

/// A row's check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StockSheetResult {
    /// The row.
    pub row: StockSheetRow,
    /// Product name, when the SKU exists.
    pub product: Option<String>,
    /// Stock now → after.
    pub stock_change: Option<(i64, i64)>,
    /// List price now → after.
    pub price_change: Option<(i64, i64)>,
    /// Problem (message code), if any.
    pub error: Option<&'static str>,
}

/// Reads stock/price rows (SKU code, stock, price, sale price) from .xlsx/.xls or CSV; a first
/// row whose stock column is not a number is a header.
pub fn read_stock_sheet(file_name: &str, bytes: &[u8]) -> AppResult<Vec<StockSheetRow>> {
    use crate::sheets::cell;
    crate::sheets::read_rows(
        file_name,
        bytes,
        |cells| jangteo_core::money::parse_typed_amount(&cell(cells, 1)).is_err(),
        |line, cells| StockSheetRow {
            line,
            code: cell(cells, 0).to_uppercase(),
            stock: cell(cells, 1),
            price: cell(cells, 2),
            sale_price: cell(cells, 3),
        },
    )
}

/// The audit entry of a staff change to a SKU's stock (before, after), with the reason given.
pub(crate) async fn audit_stock_change(
    tx: &mut jangteo_db::Tx,
    actor: &StaffActor,
    sku_id: i64,
    (before, after): (i64, i64),
    reason: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    audit::record(
        tx,
        &NewAudit {
            before: Some(serde_json::json!({ "stock": before }).to_string()),
            after: Some(serde_json::json!({ "stock": after }).to_string()),
            reason,
            ..actor.entry("stock.adjust", "sku", &sku_id.to_string())
        },
        now,
    )
    .await?;
    Ok(())
}

/// What the stock screen lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StockFilter {
    /// Part of a SKU code or product name.
    pub keyword: String,
    /// Only SKUs at or below the low-stock level.
    pub low_only: bool,
    /// Off-sale SKUs too.
    pub with_off_sale: bool,
}

impl App {
    /// SKUs for the stock screen, each with its option label ("빨강 / L"; empty without
    /// options).
    pub async fn stock_list(
        &self,
        actor: &StaffActor,
        filter: &StockFilter,
        page: u32,
    ) -> AppResult<Paged<(SkuStockRow, String)>> {
        actor.require(Area::Stock, Access::Read)?;
        let request = PageRequest::new(page, 50);
        let (items, total) = stock_ledger::search_skus(
            &self.db,
            &SkuFilter {
                keyword: filter.keyword.clone(),
                low_only: filter
                    .low_only
                    .then_some(crate::back_office::LOW_STOCK_THRESHOLD),
                with_off_sale: filter.with_off_sale,
            },
            request.limit(),
            request.offset(),
        )
        .await?;
        let ids: Vec<i64> = items.iter().map(|s| s.sku_id).collect();
        let mut labels = crate::cart::sku_labels(self, &ids).await?;
        let items = items
            .into_iter()
            .map(|s| {
                let label = labels.remove(&s.sku_id).unwrap_or_default();
                (s, label)
            })
            .collect();
        Ok(jangteo_core::paging::Paged::counted(items, total, request))
    }

    /// A SKU's latest ledger entries.
    pub async fn stock_movements(
        &self,
        actor: &StaffActor,
        sku_id: i64,
    ) -> AppResult<Vec<StockMovementRow>> {
        actor.require(Area::Stock, Access::Read)?;
        Ok(stock_ledger::movements(&self.db, sku_id, 20).await?)
    }

    /// Adds (or with a negative `delta`, removes) units with a reason.
    pub async fn adjust_stock(
        &self,
        actor: &StaffActor,
        sku_id: i64,
        delta: i64,
        note: &str,
    ) -> AppResult<i64> {
        actor.require(Area::Stock, Access::Write)?;
        let note = note.trim();
        if note.chars().count() < 2 || note.chars().count() > 200 {
            return Err(AppError::field("note", "reason_required"));
        }
        if delta == 0 || delta.abs() > 1_000_000 {
            return Err(AppError::field("delta", "invalid_amount"));
        }
        let now = self.now();
        let mut tx = self.db.begin().await?;
        crate::pins::refuse_pin_stock(&mut tx, sku_id, "delta").await?;
        let Some(after) =
            stock_ledger::adjust(&mut tx, sku_id, delta, "adjust", note, &actor.email, now).await?
        else {
            return Err(AppError::field("delta", "stock_below_zero"));
        };
        audit_stock_change(&mut tx, actor, sku_id, (after - delta, after), note, now).await?;
        tx.commit().await?;
        self.catalog_changed().await;
        Ok(after)
    }

    /// Checks a stock/price sheet without writing.
    pub async fn check_stock_sheet(
        &self,
        actor: &StaffActor,
        rows: &[StockSheetRow],
    ) -> AppResult<Vec<StockSheetResult>> {
        actor.require(Area::Stock, Access::Write)?;
        let mut tx = self.db.begin().await?;
        let results = check_rows(&mut tx, rows).await?;
        drop(tx);
        Ok(results)
    }

    /// Applies a stock/price sheet: everything or, when any row has a problem, nothing (the
    /// results say which rows). Each stock change is in the ledger; the import is audited.
    pub async fn apply_stock_sheet(
        &self,
        actor: &StaffActor,
        rows: &[StockSheetRow],
    ) -> AppResult<(bool, Vec<StockSheetResult>)> {
        actor.require(Area::Stock, Access::Write)?;
        if rows
            .iter()
            .any(|r| !r.price.trim().is_empty() || !r.sale_price.trim().is_empty())
        {
            actor.require(Area::Catalog, Access::Write)?;
        }
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let results = check_rows(&mut tx, rows).await?;
        if results.iter().any(|r| r.error.is_some()) {
            return Ok((false, results));
        }
        let mut priced: HashMap<i64, Price> = HashMap::new();
        let skus = stock_ledger::skus_by_codes(
            &mut tx,
            &rows.iter().map(|r| r.code.clone()).collect::<Vec<_>>(),
        )
        .await?;
        let by_code: HashMap<&str, &SkuStockRow> =
            skus.iter().map(|s| (s.code.as_str(), s)).collect();
        for r in &results {
            let Some(sku) = by_code.get(r.row.code.as_str()) else {
                continue;
            };
            if let Some((before, after)) = r.stock_change
                && before != after
            {
                stock_ledger::adjust(
                    &mut tx,
                    sku.sku_id,
                    after - before,
                    "import",
                    "",
                    &actor.email,
                    now,
                )
                .await?
                .ok_or(AppError::Conflict("stock_changed"))?;
            }
            if let Some((_, list)) = r.price_change {
                let sale = match jangteo_core::money::parse_typed_amount(&r.row.sale_price) {
                    Ok(Some(s)) => Some(Won(s)),
                    _ if r.row.sale_price.trim() == "-" => sku.sale_price.map(Won),
                    _ => None,
                };
                priced.insert(sku.product_id, Price::new(Won(list), sale));
            }
        }
        for (product, price) in &priced {
            jangteo_db::catalog::products::update_price(&mut tx, ProductId(*product), *price, now)
                .await?;
        }
        audit::record(
            &mut tx,
            &NewAudit {
                after: Some(
                    serde_json::json!({ "rows": rows.len(), "prices": priced.len() }).to_string(),
                ),
                ..actor.entry("stock.import", "sku", "")
            },
            now,
        )
        .await?;
        tx.commit().await?;
        self.catalog_changed().await;
        Ok((true, results))
    }
}

fn check_row(
    row: &StockSheetRow,
    sku: &SkuStockRow,
    product_price: &mut HashMap<i64, i64>,
    stock_change: &mut Option<(i64, i64)>,
    price_change: &mut Option<(i64, i64)>,
) -> Option<&'static str> {
    match jangteo_core::money::parse_typed_amount(&row.stock) {
        // A gift card's stock is its PIN pool: only a PIN upload changes it.
        Ok(Some(n)) if n != sku.stock && sku.product_kind == ProductKind::PinCodes => {
            return Some("pin_stock");
        }
        Ok(Some(n)) if (0..=10_000_000).contains(&n) => *stock_change = Some((sku.stock, n)),
        Ok(None) => {}
        _ => return Some("invalid_stock"),
    }
    match jangteo_core::money::parse_typed_amount(&row.price) {
        Ok(Some(p)) if (0..=1_000_000_000).contains(&p) => {
            if product_price
                .insert(sku.product_id, p)
                .is_some_and(|other| other != p)
            {
                return Some("conflicting_price");
            }
            *price_change = Some((sku.price, p));
        }
        Ok(None) => {}
        _ => return Some("invalid_price"),
    }
    if row.sale_price.trim() != "-"
        && jangteo_core::money::parse_typed_amount(&row.sale_price).is_err()
    {
        return Some("invalid_price");
    }
    None
}

async fn check_rows(
    tx: &mut jangteo_db::Tx,
    rows: &[StockSheetRow],
) -> AppResult<Vec<StockSheetResult>> {
    let skus =
        stock_ledger::skus_by_codes(tx, &rows.iter().map(|r| r.code.clone()).collect::<Vec<_>>())
            .await?;
    let by_code: HashMap<&str, &SkuStockRow> = skus.iter().map(|s| (s.code.as_str(), s)).collect();
    let mut seen = std::collections::HashSet::new();
    let mut product_price: HashMap<i64, i64> = HashMap::new();
    let mut results = Vec::with_capacity(rows.len());
    for row in rows {
        let sku = by_code.get(row.code.as_str()).copied();
        let mut stock_change = None;
        let mut price_change = None;
        let error = if !seen.insert(row.code.clone()) {
            Some("duplicate_row")
        } else if let Some(sku) = sku {
            check_row(
                row,
                sku,
                &mut product_price,
                &mut stock_change,
                &mut price_change,
            )
        } else {
            Some("unknown_sku")
        };
        results.push(StockSheetResult {
            row: row.clone(),
            product: sku.map(|s| s.product_name.clone()),
            stock_change,
            price_change,
            error,
        });
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_sheets_skip_a_header() {
        let rows =
            read_stock_sheet("s.csv", "코드,재고,판매가\ntshirt-01,10,19900\n".as_bytes()).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].code, "TSHIRT-01");
        assert_eq!(rows[0].line, 2);
    }
}
