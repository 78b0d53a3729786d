//! SKUs as the cart and checkout see them, and stock reservation (docs/ARCHITECTURE.md §3: one
//! conditional update per line inside the order transaction, so stock never goes below zero).

use crate::error::Context;
use crate::{Db, DbResult, SqlBuilder, Tx};
use jangteo_core::digital::ProductKind;

/// A SKU with what pricing and the cart need about it and its product.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SkuSnapshotRow {
    /// SKU id.
    pub sku_id: i64,
    /// SKU code.
    pub sku_code: String,
    /// Option extra.
    pub extra_price: i64,
    /// Units in stock.
    pub stock: i64,
    /// The SKU is still sold.
    pub sku_active: bool,
    /// Product id.
    pub product_id: i64,
    /// Product slug.
    pub slug: String,
    /// Product name.
    pub name: String,
    /// List price.
    pub price: i64,
    /// Sale price.
    pub sale_price: Option<i64>,
    /// `on_sale`, `sold_out` or `hidden`.
    pub display_state: String,
    /// Category.
    pub category_id: i64,
    /// `standard`, `free` or `separate`.
    pub shipping_policy: String,
    /// Fee of a separately shipped line.
    pub shipping_fee: i64,
    /// First image's content hash.
    pub thumb_hash: Option<String>,
    /// Tax-free goods.
    pub is_tax_free: bool,
    /// Most units of the product one order may hold.
    pub max_per_order: Option<i64>,
    /// Shipping profile (`None`: the default).
    pub shipping_profile_id: Option<i64>,
    /// What the product sells.
    #[sqlx(try_from = "String")]
    pub product_kind: ProductKind,
    /// Sold to verified adults only (19세 이상).
    pub adult_only: bool,
}

/// One option value of a SKU, in option-group order.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SkuLabelPart {
    /// SKU id.
    pub sku_id: i64,
    /// Value ("블랙").
    pub value: String,
}

/// The SKUs with these ids (missing ids are simply absent).
pub async fn snapshots(db: &Db, sku_ids: &[i64]) -> DbResult<Vec<SkuSnapshotRow>> {
    if sku_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = SqlBuilder::new(
        "SELECT s.id AS sku_id, s.code AS sku_code, s.extra_price, s.stock, s.is_active AS sku_active,
             p.id AS product_id, p.slug, p.name, p.price, p.sale_price, p.display_state, p.category_id,
             p.shipping_policy, p.shipping_fee, p.is_tax_free, p.max_per_order, p.shipping_profile_id,
             p.kind AS product_kind, p.adult_only,
             (SELECT m.content_hash FROM product_images pi JOIN media_files m ON m.id = pi.media_id
              WHERE pi.product_id = p.id ORDER BY pi.position, pi.id LIMIT 1) AS thumb_hash
         FROM skus s JOIN products p ON p.id = s.product_id WHERE s.id IN (",
    );
    sql.bind_int_list(sku_ids).push(")");
    read_dynamic!(db, SkuSnapshotRow, &sql, fetch_all).context("loading SKUs for the cart")
}

/// The option values of these SKUs, in group order (join them with " / " for a label).
pub async fn labels(db: &Db, sku_ids: &[i64]) -> DbResult<Vec<SkuLabelPart>> {
    if sku_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = SqlBuilder::new(
        "SELECT so.sku_id, v.value FROM sku_option_values so
         JOIN option_values v ON v.id = so.option_value_id
         JOIN option_groups g ON g.id = v.group_id
         WHERE so.sku_id IN (",
    );
    sql.bind_int_list(sku_ids)
        .push(") ORDER BY so.sku_id, g.position, g.id");
    read_dynamic!(db, SkuLabelPart, &sql, fetch_all).context("loading SKU labels")
}

/// Takes `quantity` units of a SKU if that many are in stock; false (nothing taken) otherwise.
pub async fn reserve(tx: &mut Tx, sku_id: i64, quantity: i64) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE skus SET stock = stock - $2 WHERE id = $1 AND is_active AND stock >= $2",
        sku_id,
        quantity
    )
    .context("reserving stock")
    .map(|n| n == 1)
}

/// Puts `quantity` units back.
pub async fn release(tx: &mut Tx, sku_id: i64, quantity: i64) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE skus SET stock = stock + $2 WHERE id = $1",
        sku_id,
        quantity
    )
    .context("releasing stock")
    .map(|_| ())
}

/// Units of a SKU in stock now.
pub async fn stock_of(db: &Db, sku_id: i64) -> DbResult<Option<i64>> {
    read_optional!(db, (i64,), "SELECT stock FROM skus WHERE id = $1", sku_id)
        .context("reading stock")
        .map(|r| r.map(|(s,)| s))
}

/// Sets a SKU's stock (staff correction, tests).
pub async fn set_stock(tx: &mut Tx, sku_id: i64, stock: i64) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE skus SET stock = $2 WHERE id = $1",
        sku_id,
        stock
    )
    .context("setting stock")
    .map(|_| ())
}

/// A SKU id by its code.
pub async fn sku_id_by_code(db: &Db, code: &str) -> DbResult<Option<i64>> {
    read_optional!(db, (i64,), "SELECT id FROM skus WHERE code = $1", code)
        .context("finding SKU by code")
        .map(|r| r.map(|(id,)| id))
}

/// Sets how a product ships (`standard`, `free`, `separate` with its own fee); false when no such
/// product.
pub async fn set_shipping(tx: &mut Tx, slug: &str, policy: &str, fee: i64) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE products SET shipping_policy = $2, shipping_fee = $3 WHERE slug = $1",
        slug,
        policy,
        fee
    )
    .context("setting shipping policy")
    .map(|n| n == 1)
}

/// The first active SKU of a product by slug.
pub async fn first_sku_of(db: &Db, slug: &str) -> DbResult<Option<i64>> {
    read_optional!(
        db,
        (i64,),
        "SELECT s.id FROM skus s JOIN products p ON p.id = s.product_id
         WHERE p.slug = $1 AND s.is_active ORDER BY s.position, s.id LIMIT 1",
        slug
    )
    .context("finding first SKU")
    .map(|r| r.map(|(id,)| id))
}

/// A SKU running low.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LowStockRow {
    /// SKU id.
    pub sku_id: i64,
    /// SKU code.
    pub code: String,
    /// Product name.
    pub product_name: String,
    /// Product slug.
    pub product_slug: String,
    /// Units left.
    pub stock: i64,
}

/// Active SKUs of products on sale with at most `threshold` units, fewest first.
pub async fn low_stock(db: &Db, threshold: i64, limit: i64) -> DbResult<Vec<LowStockRow>> {
    read_all!(
        db,
        LowStockRow,
        "SELECT s.id AS sku_id, s.code, p.name AS product_name, p.slug AS product_slug, s.stock
         FROM skus s JOIN products p ON p.id = s.product_id
         WHERE s.is_active = TRUE AND p.display_state = 'on_sale' AND s.stock <= $1
         ORDER BY s.stock, s.id LIMIT $2",
        threshold,
        limit
    )
    .context("listing low stock")
}
