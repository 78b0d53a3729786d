//! Handing orders to logistics partners (3PL, issue 18): an outbound sheet of the paid orders
//! not yet handed off, in the partner's columns (each order moved to 상품준비중 through the same
//! use case as by hand, and recorded in its batch so the sheet can be downloaded again), and the
//! waybill files the partner drops in a folder, picked up every 10 minutes and applied as the
//! bulk waybill sheet is (shipping each order, which sends a marketplace's waybill back).

use crate::admin::order_files::read_waybill_sheet;
use crate::admin::orders::StaffOrderAction;
use crate::auth::StaffActor;
use crate::config::PartnerConfig;
use crate::sheets::{Cell, SheetFormat};
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::logistics::{OutboundField, parse_columns};
use jangteo_core::staff::{Access, Area};
use jangteo_db::logistics::{self as handoffs, BatchRow};
use jangteo_db::orders::{self, ExportLineRow, OrderRow};
use jangteo_db::settings;
use serde::{Deserialize, Serialize};

/// Orders one outbound sheet holds at most.
const MAX_PER_SHEET: i64 = 1_000;
/// Waybill rows with a problem kept for the page.
const PROBLEMS_KEPT: usize = 20;

/// An outbound sheet to download.
#[derive(Debug, Clone)]
pub struct OutboundSheet {
    /// File name.
    pub file_name: String,
    /// Its format.
    pub format: SheetFormat,
    /// The file.
    pub bytes: Vec<u8>,
    /// Orders in it.
    pub orders: usize,
}

/// What the last waybill pickup of a partner did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaybillPull {
    /// When.
    pub at: Option<DateTime<Utc>>,
    /// Files read.
    pub files: usize,
    /// Orders shipped.
    pub shipped: usize,
    /// Rows not applied: (file, row, order number, problem code).
    pub problems: Vec<(String, usize, String, String)>,
}

/// A partner as the 출고 연동 page shows it.
#[derive(Debug, Clone)]
pub struct PartnerView {
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The column map, or the entry that is wrong in it.
    pub columns: Result<Vec<String>, String>,
    /// Whether a waybill folder is watched.
    pub watches_folder: bool,
    /// Its latest sheets.
    pub batches: Vec<BatchRow>,
    /// Its last waybill pickup.
    pub last_pull: WaybillPull,
}

fn pull_key(code: &str) -> String {
    format!("logistics.{code}.last_pull")
}

fn format_of(partner: &PartnerConfig) -> SheetFormat {
    match partner.format.as_str() {
        "csv" => SheetFormat::Csv,
        _ => SheetFormat::Xlsx,
    }
}

impl App {
    fn partner(&self, code: &str) -> AppResult<&PartnerConfig> {
        self.config
            .logistics
            .partners
            .iter()
            .find(|p| p.code == code)
            .ok_or(AppError::NotFound)
    }

    /// The 출고 연동 page (orders, read): paid orders waiting, and each partner.
    pub async fn logistics_overview(
        &self,
        actor: &StaffActor,
    ) -> AppResult<(i64, Vec<PartnerView>)> {
        actor.require(Area::Orders, Access::Read)?;
        let ready = handoffs::count_ready(&self.db).await?;
        let mut views = Vec::new();
        for p in &self.config.logistics.partners {
            let last_pull = settings::get(&self.db, &pull_key(&p.code))
                .await?
                .and_then(|raw| serde_json::from_str(&raw).ok())
                .unwrap_or_default();
            views.push(PartnerView {
                code: p.code.clone(),
                name: p.name.clone(),
                columns: parse_columns(&p.columns).map(|c| c.into_iter().map(|(h, _)| h).collect()),
                watches_folder: p.waybill_dir.is_some(),
                batches: handoffs::batches(&self.db, &p.code, 10).await?,
                last_pull,
            });
        }
        Ok((ready, views))
    }

    /// Hands the paid orders not yet handed off to a partner (orders, write): each moves to
    /// 상품준비중 as by hand, goes in a new batch, and the sheet comes back; audited.
    pub async fn hand_off(&self, actor: &StaffActor, code: &str) -> AppResult<OutboundSheet> {
        actor.require(Area::Orders, Access::Write)?;
        let partner = self.partner(code)?;
        let columns = parse_columns(&partner.columns).map_err(|entry| {
            AppError::Invalid(format!("[[logistics.partners]] {code}: column {entry}"))
        })?;
        let now = self.now();
        let batch = jangteo_core::time::kst_stamp(now);
        let mut handed = Vec::new();
        for number in handoffs::ready_to_hand_off(&self.db, MAX_PER_SHEET).await? {
            match self
                .staff_order_action(actor, &number, StaffOrderAction::Prepare)
                .await
            {
                Ok(()) => {}
                // Cancelled or moved meanwhile: left out.
                Err(e) if e.conflict_code().is_some() => continue,
                Err(e) => return Err(e),
            }
            let order = self
                .order_for(&number, &crate::orders::Actor::System)
                .await?;
            let mut tx = self.db.begin().await?;
            if handoffs::record(&mut tx, order.id.get(), code, &batch, now).await? {
                handed.push(order);
            }
            tx.commit().await?;
        }
        if handed.is_empty() {
            return Err(AppError::Conflict("nothing_to_hand_off"));
        }
        let sheet = self
            .outbound_sheet(partner, &columns, &batch, &handed)
            .await?;
        let target = format!("{code}/{batch}");
        self.audit_event(
            actor,
            "logistics.handoff",
            "logistics",
            &target,
            &sheet.orders.to_string(),
        )
        .await?;
        Ok(sheet)
    }

    /// An earlier outbound sheet again (orders, write: it holds addresses).
    pub async fn outbound_sheet_again(
        &self,
        actor: &StaffActor,
        code: &str,
        batch: &str,
    ) -> AppResult<OutboundSheet> {
        actor.require(Area::Orders, Access::Write)?;
        let partner = self.partner(code)?;
        let columns = parse_columns(&partner.columns).map_err(AppError::Invalid)?;
        let mut handed = Vec::new();
        for number in handoffs::batch_orders(&self.db, code, batch).await? {
            handed.push(
                self.order_for(&number, &crate::orders::Actor::System)
                    .await?,
            );
        }
        if handed.is_empty() {
            return Err(AppError::NotFound);
        }
        self.outbound_sheet(partner, &columns, batch, &handed).await
    }

    async fn outbound_sheet(
        &self,
        partner: &PartnerConfig,
        columns: &[(String, OutboundField)],
        batch: &str,
        handed: &[OrderRow],
    ) -> AppResult<OutboundSheet> {
        let ids: Vec<_> = handed.iter().map(|o| o.id).collect();
        let lines = orders::export_lines(&self.db, &ids).await?;
        let mut rows = Vec::new();
        for order in handed {
            for line in lines.iter().filter(|l| l.order_id == order.id) {
                let left = line.quantity - line.quantity_cancelled - line.quantity_returned;
                if left > 0 {
                    rows.push(
                        columns
                            .iter()
                            .map(|(_, f)| cell(*f, order, line, left))
                            .collect(),
                    );
                }
            }
        }
        let headers: Vec<&str> = columns.iter().map(|(h, _)| h.as_str()).collect();
        let format = format_of(partner);
        let bytes = crate::sheets::write(format, "출고", &headers, &rows)?;
        Ok(OutboundSheet {
            file_name: format!("{}-{batch}.{}", partner.code, format.extension()),
            format,
            bytes,
            orders: handed.len(),
        })
    }
}

/// One cell of an outbound row.
fn cell(field: OutboundField, o: &OrderRow, l: &ExportLineRow, left: i64) -> Cell {
    use jangteo_core::member::format_mobile;
    let text = crate::sheets::text;
    match field {
        OutboundField::OrderNumber => text(&o.number),
        OutboundField::OrdererName => text(&o.orderer_name),
        OutboundField::OrdererMobile => Cell::Text(format_mobile(&o.orderer_mobile)),
        OutboundField::RecipientName => text(&o.recipient_name),
        OutboundField::RecipientMobile => Cell::Text(format_mobile(&o.recipient_mobile)),
        OutboundField::Postcode => text(&o.postcode),
        OutboundField::Address => {
            Cell::Text(format!("{} {}", o.address1, o.address2).trim().to_owned())
        }
        OutboundField::Address1 => text(&o.address1),
        OutboundField::Address2 => text(&o.address2),
        OutboundField::DeliveryMemo => text(&o.delivery_memo),
        OutboundField::SkuCode => text(&l.sku_code),
        OutboundField::ProductName => text(&l.product_name),
        OutboundField::OptionLabel => text(&l.option_label),
        OutboundField::Quantity => Cell::Number(left),
        OutboundField::Channel => text(
            o.marketplace
                .as_deref()
                .and_then(jangteo_core::channels::Marketplace::from_code)
                .map_or("자사몰", jangteo_core::channels::Marketplace::korean_name),
        ),
    }
}

impl App {
    /// Picks up the waybill files partners dropped (the `logistics.pull_waybills` chore); the
    /// orders shipped. A file read is moved to `done/` (or `failed/` when it is no sheet).
    pub async fn pull_partner_waybills(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let mut shipped = 0;
        for partner in &self.config.logistics.partners {
            let Some(dir) = &partner.waybill_dir else {
                continue;
            };
            let pull = self.pull_folder(&partner.code, dir, now).await?;
            shipped += pull.shipped;
            if pull.files > 0 {
                let mut tx = self.db.begin().await?;
                let raw =
                    serde_json::to_string(&pull).map_err(|e| AppError::Other(e.to_string()))?;
                settings::set(&mut tx, &pull_key(&partner.code), &raw, now).await?;
                tx.commit().await?;
            }
        }
        Ok(shipped)
    }

    async fn pull_folder(
        &self,
        code: &str,
        dir: &std::path::Path,
        now: DateTime<Utc>,
    ) -> AppResult<WaybillPull> {
        let io =
            |e: std::io::Error| AppError::Other(format!("waybill folder {}: {e}", dir.display()));
        let mut names = Vec::new();
        let mut entries = tokio::fs::read_dir(dir).await.map_err(io)?;
        while let Some(entry) = entries.next_entry().await.map_err(io)? {
            let name = entry.file_name().to_string_lossy().into_owned();
            let sheet = [".csv", ".xlsx", ".xls"]
                .iter()
                .any(|ext| name.to_lowercase().ends_with(ext));
            if sheet && entry.file_type().await.map_err(io)?.is_file() {
                names.push(name);
            }
        }
        names.sort();
        let actor = StaffActor::system(&format!("3pl:{code}"));
        let mut pull = WaybillPull {
            at: Some(now),
            ..WaybillPull::default()
        };
        for name in names {
            let path = dir.join(&name);
            let bytes = tokio::fs::read(&path).await.map_err(io)?;
            let done = match read_waybill_sheet(&name, &bytes) {
                Ok(rows) => {
                    for result in self.apply_waybills(&actor, &rows).await? {
                        match result.error {
                            None => pull.shipped += 1,
                            Some(problem) if pull.problems.len() < PROBLEMS_KEPT => {
                                let row = result.row;
                                pull.problems.push((
                                    name.clone(),
                                    row.line,
                                    row.number,
                                    problem.to_owned(),
                                ));
                            }
                            Some(_) => {}
                        }
                    }
                    "done"
                }
                Err(_) => "failed",
            };
            pull.files += 1;
            let to = dir.join(done);
            tokio::fs::create_dir_all(&to).await.map_err(io)?;
            tokio::fs::rename(&path, to.join(&name)).await.map_err(io)?;
        }
        Ok(pull)
    }
}
