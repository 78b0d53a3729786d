//! Order spreadsheets in: bulk waybill registration from .xlsx or CSV (order number, carrier,
//! waybill, and optionally the SKU code of the goods in that parcel) with a dry run that checks
//! every row before anything is written and a per-row result after (`sheets` reads and writes
//! the files). Rows naming SKU codes ship those lines only, the rows of one order and waybill
//! together as one parcel: an order split over several waybills ships in parts.

use crate::admin::orders::{StaffOrderAction, normalise_waybill};
use crate::auth::StaffActor;
use crate::orders::Actor;
use crate::sheets::{cell, read_rows};
use crate::{App, AppError, AppResult};
use jangteo_core::order::OrderStatus;
use jangteo_core::staff::{Access, Area};
use serde::{Deserialize, Serialize};

/// One line of a waybill sheet as read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaybillRow {
    /// Spreadsheet row number (1-based, as the spreadsheet shows it).
    pub line: usize,
    /// Order number as typed.
    pub number: String,
    /// Carrier as typed.
    pub carrier: String,
    /// Waybill as typed.
    pub waybill: String,
    /// The SKU code of the goods in this parcel, as typed (empty: the whole order).
    #[serde(default)]
    pub sku: String,
}

/// What happened (or would happen) to a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WaybillResult {
    /// The row.
    pub row: WaybillRow,
    /// `None`: fine (shipped, or would be); otherwise the message code of the problem.
    pub error: Option<&'static str>,
}

/// Reads (number, carrier, waybill, SKU code) rows from a sheet ([`read_rows`]). A first row that is not
/// an order number is a header.
pub fn read_waybill_sheet(file_name: &str, bytes: &[u8]) -> AppResult<Vec<WaybillRow>> {
    read_rows(
        file_name,
        bytes,
        |cells| !jangteo_core::member::looks_like_order_number(&cell(cells, 0).to_uppercase()),
        |line, cells| WaybillRow {
            line,
            number: cell(cells, 0),
            carrier: cell(cells, 1),
            waybill: cell(cells, 2),
            sku: cell(cells, 3),
        },
    )
}

impl App {
    /// Ships one parcel of a waybill sheet: the lines its rows name (none: the whole order).
    async fn ship_parcel(
        &self,
        actor: &StaffActor,
        number: &str,
        checked: &[WaybillResult],
        rows: &[usize],
    ) -> AppResult<Option<&'static str>> {
        let first = &checked[rows[0]].row;
        let carrier = jangteo_core::carrier::carrier_named(&first.carrier)
            .map(|c| c.code.to_owned())
            .unwrap_or_default();
        let mut lines = None;
        if rows.iter().any(|i| !checked[*i].row.sku.trim().is_empty()) {
            let order = self.order_for(number, &Actor::System).await?;
            let mut named = Vec::new();
            for i in rows {
                let sku = checked[*i].row.sku.trim();
                named.extend(self.lines_of_sku(&order, sku).await?);
            }
            if named.is_empty() {
                return Ok(Some("unknown_line"));
            }
            lines = Some(named);
        }
        let action = StaffOrderAction::Ship {
            carrier,
            waybill: first.waybill.clone(),
            lines,
        };
        Ok(match self.staff_order_action(actor, number, action).await {
            Ok(()) => None,
            Err(e) if e.conflict_code().is_some() => Some("not_shippable"),
            Err(AppError::Form(_)) => Some("invalid_waybill"),
            Err(e) => return Err(e),
        })
    }

    /// Checks every row of a waybill sheet without writing anything.
    pub async fn check_waybills(
        &self,
        actor: &StaffActor,
        rows: &[WaybillRow],
    ) -> AppResult<Vec<WaybillResult>> {
        actor.require(Area::Orders, Access::Write)?;
        let mut seen = std::collections::HashSet::new();
        let mut results = Vec::with_capacity(rows.len());
        for row in rows {
            let error = self.waybill_problem(row, &mut seen).await?;
            results.push(WaybillResult {
                row: row.clone(),
                error,
            });
        }
        Ok(results)
    }

    async fn waybill_problem(
        &self,
        row: &WaybillRow,
        seen: &mut std::collections::HashSet<String>,
    ) -> AppResult<Option<&'static str>> {
        let number = row.number.trim().to_uppercase();
        let sku = row.sku.trim().to_owned();
        if !seen.insert(format!("{number}\t{sku}")) {
            return Ok(Some("duplicate_row"));
        }
        if jangteo_core::carrier::carrier_named(&row.carrier).is_none() {
            return Ok(Some("unknown_carrier"));
        }
        if normalise_waybill(&row.waybill).is_none() {
            return Ok(Some("invalid_waybill"));
        }
        let order = match self.order_for(&number, &Actor::System).await {
            Ok(o) => o,
            Err(AppError::NotFound) => return Ok(Some("unknown_order")),
            Err(e) => return Err(e),
        };
        let status: OrderStatus = order.status;
        if !status.can_ship() {
            return Ok(Some("not_shippable"));
        }
        if !sku.is_empty() && self.lines_of_sku(&order, &sku).await?.is_empty() {
            return Ok(Some("unknown_line"));
        }
        Ok(None)
    }

    /// The order's lines of SKU `code` still to ship.
    async fn lines_of_sku(
        &self,
        order: &jangteo_db::orders::OrderRow,
        code: &str,
    ) -> AppResult<Vec<i64>> {
        let Some(sku) = jangteo_db::catalog::stock::sku_id_by_code(&self.db, code).await? else {
            return Ok(Vec::new());
        };
        let lines = jangteo_db::orders::lines(&self.db, order.id).await?;
        let waiting = self.lines_waiting(order.id, &lines).await?;
        Ok(lines
            .iter()
            .filter(|l| l.sku_id == Some(sku) && waiting.contains(&l.id))
            .map(|l| l.id)
            .collect())
    }

    /// Ships every row that checks out, each order on its own (one bad row stops nothing else);
    /// returns each row's result. The import and each shipment are audited.
    pub async fn apply_waybills(
        &self,
        actor: &StaffActor,
        rows: &[WaybillRow],
    ) -> AppResult<Vec<WaybillResult>> {
        let checked = self.check_waybills(actor, rows).await?;
        // One parcel per order and waybill: the rows naming its goods, or the whole order.
        let mut parcels: Vec<(String, String, Vec<usize>)> = Vec::new();
        for (i, result) in checked.iter().enumerate() {
            if result.error.is_some() {
                continue;
            }
            let number = result.row.number.trim().to_uppercase();
            let waybill = normalise_waybill(&result.row.waybill).unwrap_or_default();
            match parcels
                .iter_mut()
                .find(|(n, w, _)| *n == number && *w == waybill)
            {
                Some((_, _, members)) => members.push(i),
                None => parcels.push((number, waybill, vec![i])),
            }
        }
        let mut outcomes: Vec<Option<&'static str>> = checked.iter().map(|r| r.error).collect();
        for (number, _, members) in &parcels {
            let error = self.ship_parcel(actor, number, &checked, members).await?;
            for i in members {
                outcomes[*i] = error;
            }
        }
        let results: Vec<WaybillResult> = checked
            .into_iter()
            .zip(outcomes)
            .map(|(result, error)| WaybillResult {
                row: result.row,
                error,
            })
            .collect();
        let shipped = results.iter().filter(|r| r.error.is_none()).count();
        self.audit_event(
            actor,
            "order.waybill_import",
            "order",
            &format!("{shipped}/{}", results.len()),
            "",
        )
        .await?;
        Ok(results)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::Workbook;

    #[test]
    fn csv_sheets_skip_headers_and_blank_lines() {
        let csv = "\u{feff}주문번호,택배사,송장번호\n20261123-8F3K2Q,CJ대한통운,6543-2109-8765\n\n20261123-AAAAAA,한진,512345678901\n";
        let rows = read_waybill_sheet("waybills.csv", csv.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].carrier, "CJ대한통운");
        assert_eq!(rows[1].line, 4);
        assert!(read_waybill_sheet("x.csv", b"").is_err());
    }

    #[test]
    fn cp949_sheets_from_korean_excel_are_read() {
        let csv = "주문번호,택배사,송장번호\n20261123-8F3K2Q,CJ대한통운,654321098765\n";
        let (cp949, _, unmappable) = encoding_rs::EUC_KR.encode(csv);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&cp949).is_err(), "really not UTF-8");
        let rows = read_waybill_sheet("송장.csv", &cp949).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].carrier, "CJ대한통운");
        // UTF-8 without a BOM works as before; bytes that are neither are refused.
        assert_eq!(read_waybill_sheet("w.csv", csv.as_bytes()).unwrap(), rows);
        assert!(crate::sheets::read_cells("w.csv", &[0x80, 0xff, 0xfe, 0x41]).is_err());
    }

    #[test]
    fn xlsx_sheets_are_read_with_numeric_waybills() {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "주문번호").unwrap();
        sheet.write_string(1, 0, "20261123-8F3K2Q").unwrap();
        sheet.write_string(1, 1, "cj").unwrap();
        sheet.write_number(1, 2, 654_321_098_765.0).unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let rows = read_waybill_sheet("w.xlsx", &bytes).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].waybill, "654321098765");
        assert!(read_waybill_sheet("w.xlsx", b"not a zip").is_err());
    }
}
