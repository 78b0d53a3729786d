//! Products with their option groups, SKUs and images: writes and single-product reads. Rows are
//! in `product_rows`, listings (storefront, sitemap, back office) in `product_lists`.

pub use super::product_lists::*;
pub use super::product_rows::*;
use crate::error::{Context, DbError};
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};
use jangteo_core::Won;
use jangteo_core::catalog::{DisplayState, Price, SalePlan};
use jangteo_core::ids::{MediaId, ProductId};
use jangteo_core::search::SearchKeys;

/// Columns of a product card; `has_stock` and `image_hash` come from correlated subqueries that
/// touch a handful of rows per product through their indexes.
macro_rules! card_columns {
    () => {
        "p.id, p.slug, p.name, p.brand, p.price, p.sale_price, p.display_state, p.created_at,
         p.adult_only, p.review_count, p.review_star_sum,
         EXISTS (SELECT 1 FROM skus s WHERE s.product_id = p.id AND s.is_active AND s.stock > 0) AS has_stock,
         (SELECT m.content_hash FROM product_images pi JOIN media_files m ON m.id = pi.media_id
          WHERE pi.product_id = p.id ORDER BY pi.position, pi.id LIMIT 1) AS image_hash"
    };
}
pub(super) use card_columns;

/// Inserts a product with its option groups and SKUs.
pub async fn insert(
    tx: &mut Tx,
    product: &NewProduct<'_>,
    groups: &[NewOptionGroup<'_>],
    skus: &[NewSku],
) -> DbResult<ProductId> {
    let id = tx_scalar!(
        tx,
        i64,
        "INSERT INTO products (category_id, slug, name, brand, summary, description_html, price,
             sale_price, planned_sale_price, effective_price, display_state, is_featured, popularity,
             search_name, search_text, search_initials, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)
         RETURNING id",
        product.category_id.get(),
        product.slug,
        product.name,
        product.brand,
        product.summary,
        product.description_html,
        product.price.list.get(),
        product.price.sale.map(Won::get),
        product.price.effective().get(),
        product.state.as_str(),
        product.is_featured,
        product.popularity,
        &product.search.name,
        &product.search.text,
        &product.search.initials,
        product.created_at
    )
    .context("inserting product")?;

    let named: Vec<(&str, Vec<&str>)> = groups.iter().map(|g| (g.name, g.values.clone())).collect();
    let value_ids = insert_option_groups(tx, id, &named).await?;

    for (si, sku) in skus.iter().enumerate() {
        if sku.value_indexes.len() != groups.len() {
            return Err(DbError::Inconsistent(format!(
                "SKU {} names {} option values for {} option groups",
                sku.code,
                sku.value_indexes.len(),
                groups.len()
            )));
        }
        let sku_id = tx_scalar!(
            tx,
            i64,
            "INSERT INTO skus (product_id, code, extra_price, stock, is_active, position, created_at, updated_at)
             VALUES ($1, $2, $3, $4, TRUE, $5, $6, $6) RETURNING id",
            id,
            &sku.code,
            sku.extra.get(),
            sku.stock,
            si as i64,
            product.created_at
        )
        .context("inserting SKU")?;
        for (gi, vi) in sku.value_indexes.iter().enumerate() {
            let value_id = *value_ids[gi].get(*vi).ok_or_else(|| {
                DbError::Inconsistent(format!("SKU {} names a missing option value", sku.code))
            })?;
            tx_execute!(
                tx,
                "INSERT INTO sku_option_values (sku_id, option_value_id) VALUES ($1, $2)",
                sku_id,
                value_id
            )
            .context("linking SKU to option value")?;
        }
    }
    Ok(ProductId(id))
}

/// Inserts option groups `(name, values)` of a product in order; returns each group's value ids.
pub(crate) async fn insert_option_groups(
    tx: &mut Tx,
    product_id: i64,
    groups: &[(&str, Vec<&str>)],
) -> DbResult<Vec<Vec<i64>>> {
    let mut value_ids: Vec<Vec<i64>> = Vec::with_capacity(groups.len());
    for (gi, (name, values)) in groups.iter().enumerate() {
        let group_id = tx_scalar!(
            tx,
            i64,
            "INSERT INTO option_groups (product_id, name, position) VALUES ($1, $2, $3) RETURNING id",
            product_id,
            *name,
            gi as i64
        )
        .context("inserting option group")?;
        let mut ids = Vec::with_capacity(values.len());
        for (vi, value) in values.iter().enumerate() {
            ids.push(
                tx_scalar!(
                    tx,
                    i64,
                    "INSERT INTO option_values (group_id, value, position) VALUES ($1, $2, $3) RETURNING id",
                    group_id,
                    *value,
                    vi as i64
                )
                .context("inserting option value")?,
            );
        }
        value_ids.push(ids);
    }
    Ok(value_ids)
}

/// Attaches an image to a product.
pub async fn add_image(
    tx: &mut Tx,
    product: ProductId,
    media: MediaId,
    position: i64,
    alt: &str,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO product_images (product_id, media_id, position, alt) VALUES ($1, $2, $3, $4)",
        product.get(),
        media.get(),
        position,
        alt
    )
    .context("adding product image")
    .map(|_| ())
}

/// Changes a product's price pair (and touches `updated_at`): the sale price becomes an
/// open-ended sale plan. Returns false if it does not exist.
pub async fn update_price(
    tx: &mut Tx,
    id: ProductId,
    price: Price,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE products SET price = $1, sale_price = $2, planned_sale_price = $2, sale_starts_at = NULL,
             sale_ends_at = NULL, effective_price = $3, updated_at = $4 WHERE id = $5",
        price.list.get(),
        price.sale.map(Won::get),
        price.effective().get(),
        now,
        id.get()
    )
    .context("updating product price")
    .map(|n| n == 1)
}

/// A product by slug, whatever its display state.
pub async fn find_by_slug(db: &Db, slug: &str) -> DbResult<Option<ProductRow>> {
    read_optional!(
        db,
        ProductRow,
        "SELECT id, category_id, slug, name, brand, summary, description_html, price, sale_price,
         display_state, is_featured, popularity, created_at, updated_at, notice_category,
         notice_json, is_tax_free, max_per_order, shipping_profile_id, adult_only FROM products WHERE slug = $1",
        slug
    )
    .context("loading product by slug")
}

/// Whether any 19세 product is shown in the shop.
pub async fn any_adult_only_on_sale(db: &Db) -> DbResult<bool> {
    read_scalar!(
        db,
        bool,
        "SELECT EXISTS (SELECT 1 FROM products WHERE adult_only AND display_state <> 'hidden')"
    )
    .context("looking for 19세 products")
}

/// A product by id, whatever its display state.
pub async fn find_by_id(db: &Db, id: ProductId) -> DbResult<Option<ProductRow>> {
    read_optional!(
        db,
        ProductRow,
        "SELECT id, category_id, slug, name, brand, summary, description_html, price, sale_price,
         display_state, is_featured, popularity, created_at, updated_at, notice_category,
         notice_json, is_tax_free, max_per_order, shipping_profile_id, adult_only FROM products WHERE id = $1",
        id.get()
    )
    .context("loading product by id")
}

/// The option groups of a product, in display order.
pub async fn option_groups(db: &Db, id: ProductId) -> DbResult<Vec<OptionGroupRow>> {
    read_all!(
        db,
        OptionGroupRow,
        "SELECT id, name FROM option_groups WHERE product_id = $1 ORDER BY position, id",
        id.get()
    )
    .context("loading option groups")
}

/// Every option value of a product, grouped and in display order.
pub async fn option_values(db: &Db, id: ProductId) -> DbResult<Vec<OptionValueRow>> {
    read_all!(
        db,
        OptionValueRow,
        "SELECT v.id, v.group_id, v.value FROM option_values v
         JOIN option_groups g ON g.id = v.group_id
         WHERE g.product_id = $1 ORDER BY g.position, g.id, v.position, v.id",
        id.get()
    )
    .context("loading option values")
}

/// The active SKUs of a product, in display order.
pub async fn skus(db: &Db, id: ProductId) -> DbResult<Vec<SkuRow>> {
    read_all!(
        db,
        SkuRow,
        "SELECT id, code, extra_price, stock FROM skus
         WHERE product_id = $1 AND is_active ORDER BY position, id",
        id.get()
    )
    .context("loading SKUs")
}

/// Which option values each active SKU of a product has.
pub async fn sku_options(db: &Db, id: ProductId) -> DbResult<Vec<SkuOptionRow>> {
    read_all!(
        db,
        SkuOptionRow,
        "SELECT so.sku_id, so.option_value_id FROM sku_option_values so
         JOIN skus s ON s.id = so.sku_id WHERE s.product_id = $1 AND s.is_active",
        id.get()
    )
    .context("loading SKU options")
}

/// The images of a product, in display order.
pub async fn images(db: &Db, id: ProductId) -> DbResult<Vec<ImageRow>> {
    read_all!(
        db,
        ImageRow,
        "SELECT m.content_hash, pi.alt, m.width, m.height FROM product_images pi
         JOIN media_files m ON m.id = pi.media_id
         WHERE pi.product_id = $1 ORDER BY pi.position, pi.id",
        id.get()
    )
    .context("loading product images")
}

/// A product's editable details.
#[derive(Debug, Clone)]
pub struct ProductDetails<'a> {
    /// Name.
    pub name: &'a str,
    /// One-line summary.
    pub summary: &'a str,
    /// Sanitised description.
    pub description_html: &'a str,
    /// The price in force now.
    pub price: Price,
    /// The sale plan (its price in force now is in `price`).
    pub sale_plan: Option<SalePlan>,
    /// Display state.
    pub state: DisplayState,
    /// Featured on the home page.
    pub is_featured: bool,
    /// Recomputed search keys.
    pub search: &'a SearchKeys,
    /// Category (moving the product).
    pub category_id: i64,
    /// Brand (empty: none).
    pub brand: &'a str,
    /// 상품정보제공고시 category and facts (JSON object).
    pub notice: (Option<&'a str>, &'a str),
    /// Tax-free goods.
    pub is_tax_free: bool,
    /// Most units per order.
    pub max_per_order: Option<i64>,
    /// Shipping profile (`None`: the default).
    pub shipping_profile_id: Option<i64>,
    /// Sold to verified adults only (19세 이상).
    pub adult_only: bool,
}

/// Saves a product's details; false when there is no such product.
pub async fn update_details(
    tx: &mut Tx,
    id: ProductId,
    d: &ProductDetails<'_>,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    tx_execute!(
        tx,
        "UPDATE products SET name = $2, summary = $3, description_html = $4, price = $5, sale_price = $6,
             effective_price = $7, display_state = $8, is_featured = $9, search_name = $10,
             search_text = $11, search_initials = $12, updated_at = $13, planned_sale_price = $14,
             sale_starts_at = $15, sale_ends_at = $16, category_id = $17, brand = $18,
             notice_category = $19, notice_json = $20, is_tax_free = $21, max_per_order = $22,
             shipping_profile_id = $23, adult_only = $24
         WHERE id = $1",
        id.get(),
        d.name,
        d.summary,
        d.description_html,
        d.price.list.get(),
        d.price.sale.map(Won::get),
        d.price.effective().get(),
        d.state.as_str(),
        d.is_featured,
        &d.search.name,
        &d.search.text,
        &d.search.initials,
        now,
        d.sale_plan.map(|p| p.price.get()),
        d.sale_plan.and_then(|p| p.starts_at),
        d.sale_plan.and_then(|p| p.ends_at),
        d.category_id,
        Some(d.brand).filter(|b| !b.is_empty()),
        d.notice.0,
        d.notice.1,
        d.is_tax_free,
        d.max_per_order,
        d.shipping_profile_id,
        d.adult_only
    )
    .context("updating product details")
    .map(|n| n == 1)
}

/// Products in any of these categories (id, category, name, brand, summary), read inside the
/// caller's transaction.
pub async fn in_categories(
    tx: &mut Tx,
    category_ids: &[i64],
) -> DbResult<Vec<(i64, i64, String, Option<String>, String)>> {
    let mut out = Vec::new();
    for id in category_ids {
        let rows = tx_all!(
            tx,
            (i64, i64, String, Option<String>, String),
            "SELECT id, category_id, name, brand, summary FROM products WHERE category_id = $1",
            id
        )
        .context("listing products of a category")?;
        out.extend(rows);
    }
    Ok(out)
}

/// Replaces a product's search keys (its category path changed).
pub async fn set_search_keys(tx: &mut Tx, id: i64, keys: &SearchKeys) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE products SET search_name = $2, search_text = $3, search_initials = $4 WHERE id = $1",
        id,
        &keys.name,
        &keys.text,
        &keys.initials
    )
    .context("updating search keys")
    .map(|_| ())
}
