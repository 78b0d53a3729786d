//! What the back office changes on a product beyond its details: sale plans, option groups and
//! the SKUs they make, SKU codes/extra prices/activity, and the image gallery.

pub use super::product_options::{OptionGroupInput, OptionsOutcome, replace_options};
use crate::DbResult;
use crate::error::Context;
use crate::{Db, Tx};
use chrono::{DateTime, Utc};
use jangteo_core::catalog::{Price, SalePlan};
use jangteo_core::ids::{MediaId, ProductId};
use jangteo_core::money::Won;

/// A product's sale plan as stored: (planned sale price, starts, ends).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SalePlanRow {
    /// Product.
    pub id: i64,
    /// List price.
    pub price: i64,
    /// Sale price in force now.
    pub sale_price: Option<i64>,
    /// The planned sale price.
    pub planned_sale_price: Option<i64>,
    /// Start of the sale (none: open).
    pub sale_starts_at: Option<DateTime<Utc>>,
    /// End of the sale, exclusive (none: open).
    pub sale_ends_at: Option<DateTime<Utc>>,
}

impl SalePlanRow {
    /// The plan, when there is one.
    pub fn plan(&self) -> Option<SalePlan> {
        self.planned_sale_price.map(|p| SalePlan {
            price: Won(p),
            starts_at: self.sale_starts_at,
            ends_at: self.sale_ends_at,
        })
    }
}

/// A product's sale plan.
pub async fn sale_plan(db: &Db, id: ProductId) -> DbResult<Option<SalePlanRow>> {
    read_optional!(
        db,
        SalePlanRow,
        "SELECT id, price, sale_price, planned_sale_price, sale_starts_at, sale_ends_at
         FROM products WHERE id = $1",
        id.get()
    )
    .context("loading sale plan")
}

/// Products whose sale plan has a start or an end (the ones whose price moves with time).
pub async fn timed_sale_plans(db: &Db) -> DbResult<Vec<SalePlanRow>> {
    read_all!(
        db,
        SalePlanRow,
        "SELECT id, price, sale_price, planned_sale_price, sale_starts_at, sale_ends_at
         FROM products WHERE planned_sale_price IS NOT NULL
             AND (sale_starts_at IS NOT NULL OR sale_ends_at IS NOT NULL)",
    )
    .context("listing timed sales")
}

/// Puts a price in force (a sale period started or ended), if the product still has the list
/// price and sale price it was computed from. Returns whether it changed.
pub async fn apply_price(
    tx: &mut Tx,
    row: &SalePlanRow,
    in_force: Price,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    // Compare-and-set: a staff save in between wins.
    tx_execute!(
        tx,
        "UPDATE products SET sale_price = $2, effective_price = $3, updated_at = $4
         WHERE id = $1 AND price = $5 AND planned_sale_price IS NOT DISTINCT FROM $6
             AND sale_price IS NOT DISTINCT FROM $7",
        row.id,
        in_force.sale.map(Won::get),
        in_force.effective().get(),
        now,
        row.price,
        row.planned_sale_price,
        row.sale_price
    )
    .context("putting a sale price in force")
    .map(|n| n == 1)
}

/// A SKU as the back office lists it (inactive ones too).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AdminSkuRow {
    /// Primary key.
    pub id: i64,
    /// Unique code.
    pub code: String,
    /// 옵션 추가금액.
    pub extra_price: i64,
    /// Units in stock.
    pub stock: i64,
    /// Sold in the shop.
    pub is_active: bool,
    /// Display order.
    pub position: i64,
}

/// Every SKU of a product, active first, in display order.
pub async fn admin_skus(db: &Db, id: ProductId) -> DbResult<Vec<AdminSkuRow>> {
    read_all!(
        db,
        AdminSkuRow,
        "SELECT id, code, extra_price, stock, is_active, position FROM skus
         WHERE product_id = $1 ORDER BY is_active DESC, position, id",
        id.get()
    )
    .context("listing SKUs for staff")
}

/// A SKU's editable fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkuInput {
    /// The SKU.
    pub id: i64,
    /// New code.
    pub code: String,
    /// New extra price.
    pub extra_price: i64,
    /// Sold or not.
    pub is_active: bool,
}

/// Whether another SKU than `except` already has this code.
pub async fn code_taken(tx: &mut Tx, code: &str, except: i64) -> DbResult<bool> {
    tx_scalar!(
        tx,
        i64,
        "SELECT COUNT(*) FROM skus WHERE code = $1 AND id <> $2",
        code,
        except
    )
    .context("checking SKU code")
    .map(|n| n > 0)
}

/// Saves one SKU of a product; false when the SKU is not the product's.
pub async fn update_sku(
    tx: &mut Tx,
    product: ProductId,
    sku: &SkuInput,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE skus SET code = $3, extra_price = $4, is_active = $5, updated_at = $6
         WHERE id = $1 AND product_id = $2",
        sku.id,
        product.get(),
        &sku.code,
        sku.extra_price,
        sku.is_active,
        now
    )
    .context("saving SKU")
    .map(|n| n == 1)
}

/// A product image as the back office lists it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AdminImageRow {
    /// `product_images` key.
    pub id: i64,
    /// Content hash of the original.
    pub content_hash: String,
    /// Alternative text.
    pub alt: String,
}

/// A product's images in display order.
pub async fn admin_images(db: &Db, id: ProductId) -> DbResult<Vec<AdminImageRow>> {
    read_all!(
        db,
        AdminImageRow,
        "SELECT pi.id, m.content_hash, pi.alt FROM product_images pi
         JOIN media_files m ON m.id = pi.media_id
         WHERE pi.product_id = $1 ORDER BY pi.position, pi.id",
        id.get()
    )
    .context("listing product images")
}

/// Image ids of a product in display order, read in the caller's transaction.
async fn image_order(tx: &mut Tx, product: ProductId) -> DbResult<Vec<i64>> {
    tx_all!(
        tx,
        (i64,),
        "SELECT id FROM product_images WHERE product_id = $1 ORDER BY position, id",
        product.get()
    )
    .context("ordering product images")
    .map(|rows| rows.into_iter().map(|(id,)| id).collect())
}

/// Adds an image at the end of the gallery; returns the new image count.
pub async fn append_image(
    tx: &mut Tx,
    product: ProductId,
    media: MediaId,
    alt: &str,
) -> DbResult<usize> {
    let order = image_order(tx, product).await?;
    crate::catalog::products::add_image(tx, product, media, order.len() as i64, alt).await?;
    Ok(order.len() + 1)
}

/// Moves an image one place earlier (`up`) or later; false when it is not the product's.
pub async fn move_image(tx: &mut Tx, product: ProductId, image: i64, up: bool) -> DbResult<bool> {
    let mut order = image_order(tx, product).await?;
    let Some(at) = order.iter().position(|i| *i == image) else {
        return Ok(false);
    };
    let to = if up {
        at.saturating_sub(1)
    } else {
        (at + 1).min(order.len() - 1)
    };
    order.swap(at, to);
    for (position, id) in order.iter().enumerate() {
        tx_execute!(
            tx,
            "UPDATE product_images SET position = $2 WHERE id = $1",
            id,
            position as i64
        )
        .context("reordering product image")?;
    }
    Ok(true)
}

/// Removes an image from a product's gallery (the stored original stays: other pages may use
/// it); false when it is not the product's.
pub async fn remove_image(tx: &mut Tx, product: ProductId, image: i64) -> DbResult<bool> {
    tx_execute!(
        tx,
        "DELETE FROM product_images WHERE id = $1 AND product_id = $2",
        image,
        product.get()
    )
    .context("removing product image")
    .map(|n| n == 1)
}

/// Products without a 상품정보제공고시 category: (id, category id, brand).
pub async fn without_notice(db: &Db) -> DbResult<Vec<(i64, i64, Option<String>)>> {
    read_all!(
        db,
        (i64, i64, Option<String>),
        "SELECT id, category_id, brand FROM products WHERE notice_category IS NULL ORDER BY id"
    )
    .context("listing products without a notice")
}

/// Sets a product's 상품정보제공고시 (category code and facts as a JSON object).
pub async fn set_notice(tx: &mut Tx, id: i64, category: &str, facts_json: &str) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE products SET notice_category = $2, notice_json = $3 WHERE id = $1",
        id,
        category,
        facts_json
    )
    .context("saving a product notice")
    .map(|_| ())
}
