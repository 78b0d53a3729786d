//! Gift-card PIN pools (issue 16): staff make a product a PIN product (face value, PIN pattern),
//! upload PINs by .xlsx/CSV with a dry run that refuses bad rows and duplicates (within the sheet
//! and against every PIN ever stored), and see the pool masked. PINs are sealed with the shop
//! key and found by keyed hash; the pool is the SKU's stock, so checkout reserves it like any
//! stock, and the paying transaction gives each unit its own PIN.

use crate::auth::StaffActor;
use crate::sheets::{cell, read_rows};
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::Won;
use jangteo_core::digital::IssuedCodes;
use jangteo_core::pins::{PinFormat, PinRowError, PinSheetRow, PinStatus, check_pin_sheet};
use jangteo_core::staff::{Access, Area};
use jangteo_db::Tx;
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::pins::{self, NewPin};
use jangteo_db::stock_ledger;

/// Sealing context and hash domain of PINs.
const PIN_CONTEXT: &str = "pin";

/// A product that sells PINs, as its pool pages need it.
#[derive(Debug, Clone)]
pub struct PinProduct {
    /// 액면가.
    pub face_value: Won,
    /// How its PINs are written.
    pub format: PinFormat,
    /// The SKU whose stock the pool is.
    pub sku_id: i64,
}

/// One row of an uploaded sheet and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinSheetLine {
    /// Spreadsheet row number.
    pub line: usize,
    /// The PIN masked (only its last four characters), or as typed when it does not fit.
    pub shown: String,
    /// The message code of the problem; none when the row is (or would be) stored.
    pub error: Option<&'static str>,
}

/// An upload's outcome: every row, and whether the PINs were stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinUpload {
    /// Each row.
    pub lines: Vec<PinSheetLine>,
    /// Rows that may be stored.
    pub accepted: usize,
    /// Whether they were stored (a real upload with no refused row).
    pub stored: bool,
}

impl PinUpload {
    /// Rows refused.
    pub fn refused(&self) -> usize {
        self.lines.len() - self.accepted
    }
}

impl App {
    /// Makes a product a PIN product with its face value and PIN pattern (Catalog write).
    pub async fn set_pin_product(
        &self,
        actor: &StaffActor,
        product_id: i64,
        face_value: Won,
        pattern: &str,
    ) -> AppResult<()> {
        actor.require(Area::Catalog, Access::Write)?;
        let format =
            PinFormat::parse(pattern).map_err(|e| AppError::field("pin_format", e.code()))?;
        if face_value <= Won::ZERO {
            return Err(AppError::field("face_value", "required"));
        }
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let digital = Some((face_value.get(), format.as_str()));
        if !pins::set_digital(&mut tx, product_id, digital, now).await? {
            return Err(AppError::NotFound);
        }
        let after = serde_json::json!({ "face_value": face_value, "pin_format": format.as_str() });
        let target = product_id.to_string();
        let entry = NewAudit {
            after: Some(after.to_string()),
            ..actor.entry("products.pin_product", "product", &target)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        self.catalog_changed().await;
        Ok(())
    }

    /// The PIN side of a product; `NotFound` unless it sells PINs.
    pub async fn pin_product(&self, product_id: i64) -> AppResult<PinProduct> {
        let row = pins::digital_product(&self.db, product_id)
            .await?
            .filter(pins::DigitalProductRow::sells_pins)
            .ok_or(AppError::NotFound)?;
        let format = row
            .pin_format
            .as_deref()
            .and_then(|f| PinFormat::parse(f).ok())
            .ok_or(AppError::NotFound)?;
        Ok(PinProduct {
            face_value: Won(row.face_value.unwrap_or(0)),
            format,
            sku_id: row.sku_id.ok_or(AppError::NotFound)?,
        })
    }

    /// Checks a sheet of PINs for a product and, when `store` is set and no row is refused,
    /// adds them to its pool (Stock write). Nothing is stored while any row is refused.
    pub async fn upload_pins(
        &self,
        actor: &StaffActor,
        product_id: i64,
        (file_name, bytes): (&str, &[u8]),
        store: bool,
    ) -> AppResult<PinUpload> {
        actor.require(Area::Stock, Access::Write)?;
        let product = self.pin_product(product_id).await?;
        let rows = read_pin_sheet(&product.format, file_name, bytes)?;
        let today = jangteo_core::time::business_date(self.now());
        let checked = check_pin_sheet(&rows, &product.format, today);
        let hashes: Vec<String> = checked
            .iter()
            .flatten()
            .map(|p| self.secrets.keyed_hash(PIN_CONTEXT, &p.canonical))
            .collect();
        let known = pins::known_hashes(&self.db, &hashes).await?;
        let mut lines = Vec::with_capacity(rows.len());
        let mut fresh = Vec::new();
        let mut hash_of = hashes.into_iter();
        for (row, result) in rows.iter().zip(checked) {
            let (shown, error) = match result {
                Ok(pin) => {
                    let hash = hash_of.next().unwrap_or_default();
                    let shown = product.format.masked(&pin.canonical);
                    if known.contains(&hash) {
                        (shown, Some(PinRowError::DuplicateInPool))
                    } else {
                        fresh.push((pin, hash));
                        (shown, None)
                    }
                }
                Err((_, e)) => (row.pin.chars().take(40).collect(), Some(e)),
            };
            let error = error.map(PinRowError::code);
            lines.push(PinSheetLine {
                line: row.line,
                shown,
                error,
            });
        }
        let accepted = fresh.len();
        let stored = store && accepted == lines.len();
        if stored {
            self.store_pins(actor, product_id, &product, &fresh).await?;
        }
        Ok(PinUpload {
            lines,
            accepted,
            stored,
        })
    }

    async fn store_pins(
        &self,
        actor: &StaffActor,
        product_id: i64,
        product: &PinProduct,
        fresh: &[(jangteo_core::pins::CheckedPin, String)],
    ) -> AppResult<()> {
        let now = self.now();
        let batch = format!("pins-{}", now.format("%Y%m%d%H%M%S%3f"));
        let mut sealed = Vec::with_capacity(fresh.len());
        for (pin, hash) in fresh {
            let context = format!("{PIN_CONTEXT}:{hash}");
            sealed.push((
                self.secrets.seal(pin.canonical.as_bytes(), &context)?,
                jangteo_core::pins::hint_of(&pin.canonical),
            ));
        }
        let new: Vec<NewPin<'_>> = fresh
            .iter()
            .zip(&sealed)
            .map(|((pin, hash), (seal, hint))| NewPin {
                sealed: seal,
                hash,
                hint,
                serial: pin.serial.as_deref(),
                expires_on: pin.expires_on,
            })
            .collect();
        let mut tx = self.db.begin().await?;
        if !pins::insert(&mut tx, product.sku_id, &batch, &new, now).await? {
            return Err(AppError::Conflict("pin_duplicate"));
        }
        let count = i64::try_from(new.len()).unwrap_or(i64::MAX);
        let email = actor.email.as_str();
        stock_ledger::adjust(&mut tx, product.sku_id, count, "pins", &batch, email, now).await?;
        let after = serde_json::json!({ "batch": batch, "pins": count, "sku": product.sku_id });
        let target = product_id.to_string();
        let entry = NewAudit {
            after: Some(after.to_string()),
            ..actor.entry("pins.upload", "product", &target)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        self.catalog_changed().await;
        tracing::info!(product = product_id, pins = count, batch = %batch, "PINs added");
        Ok(())
    }

    /// Takes an unsold PIN out of a product's pool (Stock write): it will never be sold, the
    /// stock drops by one in the ledger with the reason, and the change is audited (with the
    /// PIN's last four characters only).
    pub async fn void_pin(
        &self,
        actor: &StaffActor,
        product_id: i64,
        pin_id: i64,
        reason: &str,
    ) -> AppResult<()> {
        actor.require(Area::Stock, Access::Write)?;
        let mut errors = crate::field_errors::FieldErrors::default();
        let reason = errors.check("reason", jangteo_core::member::required_text(reason, 200));
        errors.finish()?;
        let reason = reason.unwrap_or_default();
        let product = self.pin_product(product_id).await?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        if !pins::void_available(&mut tx, product.sku_id, pin_id, now).await? {
            return Err(AppError::Conflict("pin_not_available"));
        }
        let email = &actor.email;
        stock_ledger::adjust(&mut tx, product.sku_id, -1, "pins", &reason, email, now)
            .await?
            .ok_or(AppError::Conflict("stock_changed"))?;
        let after = serde_json::json!({ "pin": pin_id, "reason": reason });
        let target = product_id.to_string();
        let entry = NewAudit {
            after: Some(after.to_string()),
            ..actor.entry("pins.void", "product", &target)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        self.catalog_changed().await;
        Ok(())
    }
}

/// Reads (PIN, serial, expiry) rows; a first row whose PIN does not fit the pattern is a header.
fn read_pin_sheet(
    format: &PinFormat,
    file_name: &str,
    bytes: &[u8],
) -> AppResult<Vec<PinSheetRow>> {
    read_rows(
        file_name,
        bytes,
        |cells| format.canonical(&cell(cells, 0)).is_none(),
        |line, cells| PinSheetRow {
            line,
            pin: cell(cells, 0),
            serial: cell(cells, 1),
            expires: cell(cells, 2),
        },
    )
}

/// Gives every unit of the order's PIN lines its own PIN, inside the transaction that records
/// the payment, and says how many lines got PINs. The units were reserved from the pool's stock
/// at checkout, so the pool holds them; a pool that ran dry anyway is a conflict and nothing is
/// recorded.
pub(crate) async fn allocate_for_order(
    tx: &mut Tx,
    order_id: jangteo_core::ids::OrderId,
    now: DateTime<Utc>,
) -> AppResult<usize> {
    let lines = pins::digital_lines(tx, order_id.get()).await?;
    for &(line, sku, units) in &lines {
        let taken = pins::allocate(tx, sku, line, units, now).await?;
        if i64::try_from(taken.len()).unwrap_or(0) < units {
            tracing::error!(
                order.line = line,
                sku,
                units,
                "PIN pool ran dry for a paid line"
            );
            return Err(AppError::Conflict("pin_pool_empty"));
        }
    }
    Ok(lines.len())
}

/// A PIN as staff lists show it: masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinView {
    /// Id (to void it).
    pub id: i64,
    /// Last four characters behind masks, grouped like the pattern.
    pub masked: String,
    /// 관리번호.
    pub serial: Option<String>,
    /// Last day of use.
    pub expires_on: Option<String>,
    /// `available`, `allocated`, `revealed`, `void`.
    pub status: String,
    /// Added at.
    pub created_at: DateTime<Utc>,
}

/// A product's PIN page: its PIN settings (none while it sells goods), the pool per status and
/// one page of masked PINs.
#[derive(Debug, Clone)]
pub struct PinPool {
    /// The product's name.
    pub name: String,
    /// Face value and pattern, when it sells PINs.
    pub product: Option<PinProduct>,
    /// (status, PINs).
    pub counts: Vec<(String, i64)>,
    /// The newest PINs first.
    pub pins: jangteo_core::paging::Paged<PinView>,
}

impl App {
    /// A product's PIN pool for staff (Stock read), masked.
    pub async fn pin_pool(
        &self,
        actor: &StaffActor,
        product_id: i64,
        page: u32,
    ) -> AppResult<PinPool> {
        actor.require(Area::Stock, Access::Read)?;
        let id = jangteo_core::ids::ProductId(product_id);
        let name = jangteo_db::catalog::products::find_by_id(&self.db, id)
            .await?
            .ok_or(AppError::NotFound)?
            .name;
        let request = jangteo_core::paging::PageRequest::new(page, 50);
        let Ok(product) = self.pin_product(product_id).await else {
            let none = jangteo_core::paging::Paged::counted(Vec::new(), 0, request);
            return Ok(PinPool {
                name,
                product: None,
                counts: Vec::new(),
                pins: none,
            });
        };
        let counts = pins::counts(&self.db, product.sku_id).await?;
        let (rows, total) =
            pins::of_sku(&self.db, product.sku_id, request.limit(), request.offset()).await?;
        let views = rows
            .into_iter()
            .map(|r| PinView {
                id: r.id,
                masked: product.format.masked_hint(&r.pin_hint),
                serial: r.serial,
                expires_on: r.expires_on,
                status: r.status,
                created_at: r.created_at,
            })
            .collect();
        Ok(PinPool {
            name,
            counts,
            pins: jangteo_core::paging::Paged::counted(views, total, request),
            product: Some(product),
        })
    }
}

/// Refuses a hand-made stock change on a PIN SKU (`field` carries the message): its stock is
/// its unsold PINs, changed only by uploads and sales.
pub(crate) async fn refuse_pin_stock(
    tx: &mut Tx,
    sku_id: i64,
    field: &'static str,
) -> AppResult<()> {
    if pins::is_pin_sku(tx, sku_id).await? {
        return Err(AppError::field(field, "pin_stock"));
    }
    Ok(())
}

impl App {
    /// How many PINs an order holds and how many the buyer has seen (the caller checked
    /// access; a seen PIN ends the buyer's cancellation).
    pub async fn pin_summary(
        &self,
        order: &jangteo_db::orders::OrderRow,
    ) -> AppResult<IssuedCodes> {
        let sold = pins::of_order(&self.db, order.id.get()).await?;
        Ok(issued_codes(&sold))
    }
}

/// How many of `sold` were issued and seen.
pub(crate) fn issued_codes(sold: &[pins::PinRow]) -> IssuedCodes {
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    IssuedCodes {
        issued: count(sold.len()),
        seen: count(
            sold.iter()
                .filter(|p| p.status() == Some(PinStatus::Revealed))
                .count(),
        ),
    }
}
