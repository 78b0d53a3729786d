//! Products in the back office beyond the editor's fields: creating a product, its option
//! groups and the SKUs they make, each SKU's code/extra price/activity, the image gallery
//! (several uploads at once, reorder, remove) and the sale periods that start and end by
//! themselves. Every change is audited and shows in the shop at once.

use crate::auth::StaffActor;
use crate::field_errors::FieldErrors;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::catalog::{
    DisplayState, Price, option_combinations, parse_option_groups, price_at,
};
use jangteo_core::ids::{CategoryId, ProductId};
use jangteo_core::member::required_text;
use jangteo_core::money::Won;
use jangteo_core::search::SearchKeys;
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::catalog::product_admin::{
    self, AdminImageRow, AdminSkuRow, OptionGroupInput, OptionsOutcome, SalePlanRow, SkuInput,
};
use jangteo_db::catalog::products::{self, NewProduct, NewSku};
use jangteo_db::stock_ledger;

/// Most images one product may have.
pub const MAX_IMAGES: usize = 20;
/// Option group rows the editor offers.
pub const OPTION_ROWS: usize = jangteo_core::catalog::MAX_OPTION_GROUPS;
/// Field names of the option rows, for per-row errors.
const OPTION_FIELDS: [&str; OPTION_ROWS] = ["option_0", "option_1", "option_2"];

/// A new product as typed.
#[derive(Debug, Clone, Default)]
pub struct NewProductForm {
    /// Category id as chosen.
    pub category_id: Option<i64>,
    /// Name.
    pub name: String,
    /// URL slug (empty: made up from the id).
    pub slug: String,
    /// List price as typed.
    pub price: String,
}

/// A SKU row as typed in the SKU table.
#[derive(Debug, Clone, Default)]
pub struct SkuEdit {
    /// The SKU.
    pub id: i64,
    /// Code.
    pub code: String,
    /// Extra price as typed (may be negative).
    pub extra_price: String,
    /// Sold in the shop.
    pub active: bool,
    /// Stock as typed (empty: unchanged).
    pub stock: String,
    /// Stock as the page showed it: typed the same, it is left alone (orders may have taken
    /// units since).
    pub stock_shown: String,
}

/// A SKU with its option label, for the editor.
#[derive(Debug, Clone)]
pub struct SkuView {
    /// The row.
    pub row: AdminSkuRow,
    /// "블랙 / M" (empty without options).
    pub label: String,
}

/// What the product editor shows besides the product row.
#[derive(Debug, Clone)]
pub struct ProductExtras {
    /// Sale plan and price in force.
    pub sale: SalePlanRow,
    /// Option groups with their values.
    pub option_groups: Vec<(String, Vec<String>)>,
    /// Every SKU, active first.
    pub skus: Vec<SkuView>,
    /// The gallery in order.
    pub images: Vec<AdminImageRow>,
    /// It sells gift-card PINs: its stock is the pool, never typed.
    pub sells_pins: bool,
}

/// A SKU code as typed: 1–40 letters, digits, `-` or `_`.
fn valid_sku_code(code: &str) -> bool {
    (1..=40).contains(&code.len())
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A slug for a product whose slug was left empty: `p-` and eight random letters or digits.
fn random_product_slug() -> AppResult<String> {
    let random: String = crate::auth::tokens::random_token()?
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect();
    Ok(format!("p-{}", random.to_lowercase()))
}

/// The stock a row asks for: none when the field is empty or unchanged from what was shown.
fn typed_stock(row: &SkuEdit, errors: &mut FieldErrors) -> Option<i64> {
    let typed = row.stock.trim();
    if typed.is_empty() || typed == row.stock_shown.trim() {
        return None;
    }
    match jangteo_core::money::parse_typed_amount(typed) {
        Ok(Some(n)) if (0..=10_000_000).contains(&n) => Some(n),
        _ => {
            errors.add("skus", "invalid_stock");
            None
        }
    }
}

/// A checked SKU row: as stored, as typed, and the stock to set (if changed).
type CheckedSku = (AdminSkuRow, SkuInput, Option<i64>);

/// Checks the SKU table as typed against the product's SKUs (every problem at once): codes
/// plain and unique in the table, extra prices within bounds and never below zero in all,
/// stock a whole number of units.
fn check_sku_rows(
    rows: &[SkuEdit],
    before: &[AdminSkuRow],
    list_price: i64,
) -> AppResult<Vec<CheckedSku>> {
    let mut errors = FieldErrors::default();
    let mut inputs = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(old) = before.iter().find(|b| b.id == r.id) else {
            return Err(AppError::NotFound);
        };
        let code = r.code.trim().to_uppercase();
        if !valid_sku_code(&code) {
            errors.add("skus", "invalid_sku_code");
        }
        if rows
            .iter()
            .filter(|o| o.code.trim().eq_ignore_ascii_case(&code))
            .count()
            > 1
        {
            errors.add("skus", "sku_code_taken");
        }
        let extra = match jangteo_core::money::parse_typed_amount(&r.extra_price) {
            Ok(v) => v.unwrap_or(0),
            Err(_) => {
                errors.add("skus", "invalid_price");
                0
            }
        };
        if !(-10_000_000..=10_000_000).contains(&extra) || list_price + extra < 0 {
            errors.add("skus", "invalid_extra_price");
        }
        let stock = typed_stock(r, &mut errors);
        inputs.push((
            old.clone(),
            SkuInput {
                id: r.id,
                code,
                extra_price: extra,
                is_active: r.active,
            },
            stock,
        ));
    }
    errors.finish()?;
    Ok(inputs)
}

impl App {
    /// Everything the product editor shows below the product's fields.
    pub async fn admin_product_extras(
        &self,
        actor: &StaffActor,
        id: i64,
    ) -> AppResult<ProductExtras> {
        actor.require(Area::Catalog, Access::Read)?;
        let pid = ProductId(id);
        let sale = product_admin::sale_plan(&self.db, pid)
            .await?
            .ok_or(AppError::NotFound)?;
        let groups = products::option_groups(&self.db, pid).await?;
        let values = products::option_values(&self.db, pid).await?;
        let option_groups = groups
            .iter()
            .map(|g| {
                let vs = values
                    .iter()
                    .filter(|v| v.group_id == g.id)
                    .map(|v| v.value.clone())
                    .collect();
                (g.name.clone(), vs)
            })
            .collect();
        let rows = product_admin::admin_skus(&self.db, pid).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut labels = crate::cart::sku_labels(self, &ids).await?;
        let skus = rows
            .into_iter()
            .map(|row| {
                let label = labels.remove(&row.id).unwrap_or_default();
                SkuView { row, label }
            })
            .collect();
        let images = product_admin::admin_images(&self.db, pid).await?;
        let sells_pins = jangteo_db::pins::digital_product(&self.db, id)
            .await?
            .is_some_and(|p| p.sells_pins());
        Ok(ProductExtras {
            sale,
            option_groups,
            skus,
            images,
            sells_pins,
        })
    }

    /// Creates a product (hidden until staff show it) with one SKU and no stock; returns its id.
    pub async fn create_product(
        &self,
        actor: &StaffActor,
        form: &NewProductForm,
    ) -> AppResult<i64> {
        actor.require(Area::Catalog, Access::Write)?;
        let mut errors = FieldErrors::default();
        let name = errors.check("name", required_text(&form.name, 100));
        // Hidden categories too: a product may be prepared before its category opens.
        let categories = jangteo_db::catalog::categories::list_all(&self.db).await?;
        let category = form
            .category_id
            .filter(|c| categories.iter().any(|r| r.id == *c))
            .map(CategoryId);
        if category.is_none() {
            errors.add("category_id", "required");
        }
        let price = crate::catalog::product_form::typed_won(&form.price)
            .ok()
            .flatten();
        if price.is_none() {
            errors.add("price", "invalid_price");
        }
        let typed_slug = form.slug.trim().to_lowercase();
        if !typed_slug.is_empty() && !crate::admin::content::valid_slug(&typed_slug) {
            errors.add("slug", "invalid_slug");
        }
        if !typed_slug.is_empty()
            && products::find_by_slug(&self.db, &typed_slug)
                .await?
                .is_some()
        {
            errors.add("slug", "slug_taken");
        }
        errors.finish()?;
        let (Some(name), Some(category), Some(price)) = (name, category, price) else {
            return Err(AppError::Other("validated product went missing".into()));
        };
        let slug = Some(typed_slug)
            .filter(|s| !s.is_empty())
            .map_or_else(random_product_slug, Ok)?;
        let names = crate::catalog::edit::category_path_names(&categories, category.get());
        let search = SearchKeys::for_product(&name, names.iter().map(String::as_str));
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let id = products::insert(
            &mut tx,
            &NewProduct {
                category_id: category,
                slug: &slug,
                name: &name,
                brand: None,
                summary: "",
                description_html: "",
                price: Price::new(Won(price), None),
                state: DisplayState::Hidden,
                is_featured: false,
                popularity: 0,
                search,
                created_at: now,
            },
            &[],
            &[NewSku {
                code: format!("{}-1", slug.to_uppercase()),
                value_indexes: vec![],
                extra: Won(0),
                stock: 0,
            }],
        )
        .await
        .map_err(|e| match e {
            e if e.is_unique_violation() => AppError::field("slug", "slug_taken"),
            e => e.into(),
        })?;
        let after = serde_json::json!({ "name": name, "slug": slug, "category": category.get(), "price": price });
        let target = id.get().to_string();
        let entry = NewAudit {
            after: Some(after.to_string()),
            ..actor.entry("catalog.product_create", "product", &target)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        self.catalog_changed().await;
        Ok(id.get())
    }

    /// Replaces a product's option groups (rows of name + comma-separated values) and makes
    /// one SKU per combination: surviving combinations keep their SKU (code, stock, price), new
    /// ones get a SKU with no stock, vanished ones are taken off sale (kept for orders).
    pub async fn save_product_options(
        &self,
        actor: &StaffActor,
        id: i64,
        rows: &[(String, String)],
    ) -> AppResult<OptionsOutcome> {
        actor.require(Area::Catalog, Access::Write)?;
        let product = products::find_by_id(&self.db, ProductId(id))
            .await?
            .ok_or(AppError::NotFound)?;
        let groups = parse_option_groups(rows).map_err(|problems| {
            let mut errors = FieldErrors::default();
            for (row, key) in problems {
                errors.add(OPTION_FIELDS[row.min(OPTION_ROWS - 1)], key);
            }
            errors.finish().err().unwrap_or(AppError::NotFound)
        })?;
        let counts: Vec<usize> = groups.iter().map(|(_, v)| v.len()).collect();
        let combinations = option_combinations(&counts);
        let inputs: Vec<OptionGroupInput> = groups
            .iter()
            .map(|(name, values)| OptionGroupInput {
                name: name.clone(),
                values: values.clone(),
            })
            .collect();
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let outcome = product_admin::replace_options(
            &mut tx,
            ProductId(id),
            &inputs,
            &combinations,
            &product.slug.to_uppercase(),
            now,
        )
        .await?;
        audit::record(
            &mut tx,
            &NewAudit {
                after: Some(
                    serde_json::json!({
                        "groups": groups, "created": outcome.created,
                        "deactivated": outcome.deactivated, "kept": outcome.kept,
                    })
                    .to_string(),
                ),
                ..actor.entry("catalog.options", "product", &id.to_string())
            },
            now,
        )
        .await?;
        tx.commit().await?;
        self.catalog_changed().await;
        Ok(outcome)
    }

    /// Saves the SKU table: codes (unique), extra prices, whether each SKU is sold and, for
    /// staff who may change stock, each SKU's stock (in the stock ledger as "product editor").
    /// All rows or none.
    pub async fn save_skus(&self, actor: &StaffActor, id: i64, rows: &[SkuEdit]) -> AppResult<()> {
        actor.require(Area::Catalog, Access::Write)?;
        let pid = ProductId(id);
        let before = product_admin::admin_skus(&self.db, pid).await?;
        let sale = product_admin::sale_plan(&self.db, pid)
            .await?
            .ok_or(AppError::NotFound)?;
        let inputs = check_sku_rows(rows, &before, sale.price)?;
        if inputs.iter().any(|(_, _, stock)| stock.is_some()) {
            actor.require(Area::Stock, Access::Write)?;
        }
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let mut changes = Vec::new();
        for (old, input, stock) in &inputs {
            if let Some(target) = stock {
                self.set_stock_in_editor(&mut tx, actor, input.id, *target, now)
                    .await?;
            }
            if old.code == input.code
                && old.extra_price == input.extra_price
                && old.is_active == input.is_active
            {
                continue;
            }
            if product_admin::code_taken(&mut tx, &input.code, input.id).await? {
                return Err(AppError::field("skus", "sku_code_taken"));
            }
            if !product_admin::update_sku(&mut tx, pid, input, now).await? {
                return Err(AppError::NotFound);
            }
            changes.push(serde_json::json!({
                "sku": input.id,
                "before": { "code": old.code, "extra": old.extra_price, "active": old.is_active },
                "after": { "code": input.code, "extra": input.extra_price, "active": input.is_active },
            }));
        }
        if !changes.is_empty() {
            let target = id.to_string();
            let entry = NewAudit {
                after: Some(serde_json::Value::Array(changes).to_string()),
                ..actor.entry("catalog.skus", "product", &target)
            };
            audit::record(&mut tx, &entry, now).await?;
        }
        tx.commit().await?;
        self.catalog_changed().await;
        Ok(())
    }

    /// Sets one SKU's stock from the editor: in the ledger and audited like an adjustment.
    async fn set_stock_in_editor(
        &self,
        tx: &mut jangteo_db::Tx,
        actor: &StaffActor,
        sku: i64,
        target: i64,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        crate::pins::refuse_pin_stock(tx, sku, "skus").await?;
        let (before, after) = stock_ledger::set(tx, sku, target, "editor", &actor.email, now)
            .await?
            .ok_or(AppError::NotFound)?;
        if before == after {
            return Ok(());
        }
        crate::admin::stock::audit_stock_change(tx, actor, sku, (before, after), "", now).await
    }

    /// Starts and ends timed sales: puts each product's price in force for `now` (the
    /// `sale-periods` schedule runs it every minute). Returns how many prices changed.
    pub async fn apply_sale_periods(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let mut changed = 0;
        for row in product_admin::timed_sale_plans(&self.db).await? {
            let in_force = price_at(Won(row.price), row.plan().as_ref(), now);
            if in_force.sale.map(Won::get) == row.sale_price {
                continue;
            }
            let mut tx = self.db.begin().await?;
            if product_admin::apply_price(&mut tx, &row, in_force, now).await? {
                changed += 1;
            }
            tx.commit().await?;
        }
        if changed > 0 {
            self.catalog_changed().await;
        }
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use super::valid_sku_code;

    #[test]
    fn sku_codes_are_plain() {
        assert!(valid_sku_code("TSHIRT-BLK-M"));
        assert!(valid_sku_code("A_1"));
        assert!(!valid_sku_code(""));
        assert!(!valid_sku_code("블랙"));
        assert!(!valid_sku_code("A B"));
        assert!(!valid_sku_code(&"A".repeat(41)));
    }
}
