//! Products with their option groups, SKUs and images.

use super::search;
use crate::error::{Context, DbError};
use crate::{Db, DbResult, SqlBuilder, Tx};
use chrono::{DateTime, Utc};
use jangteo_core::Won;
use jangteo_core::catalog::{DisplayState, Price, ProductSort, SalePlan};
use jangteo_core::ids::{CategoryId, MediaId, ProductId};
use jangteo_core::paging::{PageRequest, Paged};
use jangteo_core::search::{SearchKeys, SearchQuery};

/// Columns of a product card; `has_stock` and `image_hash` come from correlated subqueries that
/// touch a handful of rows per product through their indexes.
macro_rules! card_columns {
    () => {
        "p.id, p.slug, p.name, p.brand, p.price, p.sale_price, p.display_state, p.created_at,
         EXISTS (SELECT 1 FROM skus s WHERE s.product_id = p.id AND s.is_active AND s.stock > 0) AS has_stock,
         (SELECT m.content_hash FROM product_images pi JOIN media_files m ON m.id = pi.media_id
          WHERE pi.product_id = p.id ORDER BY pi.position, pi.id LIMIT 1) AS image_hash"
    };
}
pub(super) use card_columns;

/// What a product list shows per product.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProductCardRow {
    /// Primary key.
    pub id: i64,
    /// URL slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Brand, if any.
    pub brand: Option<String>,
    /// List price.
    pub price: i64,
    /// Sale price, if set.
    pub sale_price: Option<i64>,
    /// Stored display state (see [`ProductCardRow::state`]).
    pub display_state: String,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// Whether any active SKU has stock.
    pub has_stock: bool,
    /// Content hash of the first image.
    pub image_hash: Option<String>,
}

impl ProductCardRow {
    /// The parsed display state.
    pub fn state(&self) -> DbResult<DisplayState> {
        parse_state(&self.display_state)
    }

    /// The price pair.
    pub fn price(&self) -> Price {
        Price::new(Won(self.price), self.sale_price.map(Won))
    }
}

fn parse_state(s: &str) -> DbResult<DisplayState> {
    s.parse()
        .map_err(|e: jangteo_core::catalog::UnknownDisplayState| {
            DbError::Inconsistent(e.to_string())
        })
}

/// A whole product row.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProductRow {
    /// Primary key.
    pub id: i64,
    /// Category.
    pub category_id: i64,
    /// URL slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Brand.
    pub brand: Option<String>,
    /// One-line selling point.
    pub summary: String,
    /// Sanitised rich description.
    pub description_html: String,
    /// List price.
    pub price: i64,
    /// Sale price.
    pub sale_price: Option<i64>,
    /// Stored display state.
    pub display_state: String,
    /// Featured on the home page.
    pub is_featured: bool,
    /// Sales rank input.
    pub popularity: i64,
    /// Added at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// 상품정보제공고시 category code (`core::product_notice`).
    pub notice_category: Option<String>,
    /// The notice's facts, a JSON object of field key → text.
    pub notice_json: String,
    /// Tax-free goods (면세).
    pub is_tax_free: bool,
    /// Most units one order may hold.
    pub max_per_order: Option<i64>,
    /// Shipping profile (`None`: the default).
    pub shipping_profile_id: Option<i64>,
}

impl ProductRow {
    /// The parsed display state.
    pub fn state(&self) -> DbResult<DisplayState> {
        parse_state(&self.display_state)
    }

    /// The price pair.
    pub fn price(&self) -> Price {
        Price::new(Won(self.price), self.sale_price.map(Won))
    }
}

/// An option group of a product.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OptionGroupRow {
    /// Primary key.
    pub id: i64,
    /// Name ("색상").
    pub name: String,
}

/// A value of an option group.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OptionValueRow {
    /// Primary key.
    pub id: i64,
    /// The group it belongs to.
    pub group_id: i64,
    /// The value ("블랙").
    pub value: String,
}

/// A SKU of a product.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SkuRow {
    /// Primary key.
    pub id: i64,
    /// Unique SKU code.
    pub code: String,
    /// Amount added to the product's prices for this combination.
    pub extra_price: i64,
    /// Units in stock.
    pub stock: i64,
}

/// Which option value a SKU has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct SkuOptionRow {
    /// The SKU.
    pub sku_id: i64,
    /// One of its option values.
    pub option_value_id: i64,
}

/// A product image with its stored original.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ImageRow {
    /// Content hash of the original (the public image id).
    pub content_hash: String,
    /// Alternative text.
    pub alt: String,
    /// Original width in pixels.
    pub width: i64,
    /// Original height in pixels.
    pub height: i64,
}

/// A sitemap entry.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SitemapRow {
    /// URL slug.
    pub slug: String,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A product to create.
#[derive(Debug, Clone)]
pub struct NewProduct<'a> {
    /// Its category.
    pub category_id: CategoryId,
    /// URL slug (validated by the caller).
    pub slug: &'a str,
    /// Name.
    pub name: &'a str,
    /// Brand.
    pub brand: Option<&'a str>,
    /// One-line selling point.
    pub summary: &'a str,
    /// Description, already sanitised by the caller.
    pub description_html: &'a str,
    /// Price pair.
    pub price: Price,
    /// Display state.
    pub state: DisplayState,
    /// Featured on the home page.
    pub is_featured: bool,
    /// Sales rank input.
    pub popularity: i64,
    /// Search keys (name, other fields, initials).
    pub search: SearchKeys,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// An option group to create with its values.
#[derive(Debug, Clone)]
pub struct NewOptionGroup<'a> {
    /// Group name.
    pub name: &'a str,
    /// Values in display order.
    pub values: Vec<&'a str>,
}

/// A SKU to create.
#[derive(Debug, Clone)]
pub struct NewSku {
    /// Unique code.
    pub code: String,
    /// For each option group (by index), the index of this SKU's value.
    pub value_indexes: Vec<usize>,
    /// Amount added to the product's prices (옵션 추가금액).
    pub extra: Won,
    /// Units in stock.
    pub stock: i64,
}

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

/// Which products a listing covers.
#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    /// Only these categories (`None`: all).
    pub category_ids: Option<Vec<CategoryId>>,
    /// Only featured products.
    pub featured_only: bool,
}

fn push_filter(b: &mut SqlBuilder, filter: &ProductFilter) {
    b.push(" FROM products p WHERE p.display_state <> 'hidden'");
    if let Some(ids) = &filter.category_ids {
        if ids.is_empty() {
            b.push(" AND 1 = 0");
        } else {
            let raw: Vec<i64> = ids.iter().map(|c| c.get()).collect();
            b.push(" AND p.category_id IN (")
                .bind_int_list(&raw)
                .push(")");
        }
    }
    if filter.featured_only {
        b.push(" AND p.is_featured");
    }
}

fn order_by(sort: ProductSort) -> &'static str {
    match sort {
        ProductSort::New => " ORDER BY p.created_at DESC, p.id DESC",
        ProductSort::PriceAsc => " ORDER BY p.effective_price ASC, p.id DESC",
        ProductSort::PriceDesc => " ORDER BY p.effective_price DESC, p.id DESC",
        ProductSort::Popular => " ORDER BY p.popularity DESC, p.id DESC",
    }
}

/// One page of listed (not hidden) products.
pub async fn list_cards(
    db: &Db,
    filter: &ProductFilter,
    sort: ProductSort,
    page: PageRequest,
) -> DbResult<Paged<ProductCardRow>> {
    let mut count = SqlBuilder::new("SELECT COUNT(*)");
    push_filter(&mut count, filter);
    let total = read_dynamic_scalar!(db, i64, &count).context("counting products")?;

    let mut q = SqlBuilder::new(concat!("SELECT ", card_columns!()));
    push_filter(&mut q, filter);
    q.push(order_by(sort));
    q.push(" LIMIT ")
        .bind_int(page.limit())
        .push(" OFFSET ")
        .bind_int(page.offset());
    let items = read_dynamic!(db, ProductCardRow, &q, fetch_all).context("listing products")?;
    Ok(Paged {
        items,
        total: u64::try_from(total).unwrap_or(0),
        page: page.number,
        size: page.size,
    })
}

/// The first `limit` listed products in `sort` order (home page sections).
pub async fn top_cards(
    db: &Db,
    filter: &ProductFilter,
    sort: ProductSort,
    limit: u32,
) -> DbResult<Vec<ProductCardRow>> {
    let mut q = SqlBuilder::new(concat!("SELECT ", card_columns!()));
    push_filter(&mut q, filter);
    q.push(order_by(sort));
    q.push(" LIMIT ").bind_int(i64::from(limit));
    read_dynamic!(db, ProductCardRow, &q, fetch_all).context("listing top products")
}

/// One page of search results, best matches first (see `jangteo_core::search::rank`).
pub async fn search_cards(
    db: &Db,
    query: &SearchQuery,
    page: PageRequest,
) -> DbResult<Paged<ProductCardRow>> {
    if query.is_empty() {
        return Ok(Paged {
            items: Vec::new(),
            total: 0,
            page: page.number,
            size: page.size,
        });
    }
    let count = search::count_sql(query);
    let total = read_dynamic_scalar!(db, i64, &count).context("counting search results")?;
    let q = search::page_sql(query, page);
    let items = read_dynamic!(db, ProductCardRow, &q, fetch_all).context("searching products")?;
    Ok(Paged {
        items,
        total: u64::try_from(total).unwrap_or(0),
        page: page.number,
        size: page.size,
    })
}

/// A product by slug, whatever its display state.
pub async fn find_by_slug(db: &Db, slug: &str) -> DbResult<Option<ProductRow>> {
    read_optional!(
        db,
        ProductRow,
        "SELECT id, category_id, slug, name, brand, summary, description_html, price, sale_price,
         display_state, is_featured, popularity, created_at, updated_at, notice_category,
         notice_json, is_tax_free, max_per_order, shipping_profile_id FROM products WHERE slug = $1",
        slug
    )
    .context("loading product by slug")
}

/// A product by id, whatever its display state.
pub async fn find_by_id(db: &Db, id: ProductId) -> DbResult<Option<ProductRow>> {
    read_optional!(
        db,
        ProductRow,
        "SELECT id, category_id, slug, name, brand, summary, description_html, price, sale_price,
         display_state, is_featured, popularity, created_at, updated_at, notice_category,
         notice_json, is_tax_free, max_per_order, shipping_profile_id FROM products WHERE id = $1",
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

/// Number of listed products (sizes the sitemap).
pub async fn count_listed(db: &Db) -> DbResult<u64> {
    read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM products WHERE display_state <> 'hidden'"
    )
    .context("counting listed products")
    .map(|n| u64::try_from(n).unwrap_or(0))
}

/// Listed products for the sitemap, by id, `limit` from `offset`.
pub async fn sitemap_slice(db: &Db, offset: i64, limit: i64) -> DbResult<Vec<SitemapRow>> {
    read_all!(
        db,
        SitemapRow,
        "SELECT slug, updated_at FROM products WHERE display_state <> 'hidden'
         ORDER BY id LIMIT $1 OFFSET $2",
        limit,
        offset
    )
    .context("listing products for the sitemap")
}

/// Products for the back office (every display state) whose name or slug contains `keyword`,
/// newest first, with their number.
pub async fn admin_list(
    db: &Db,
    keyword: &str,
    limit: i64,
    offset: i64,
) -> DbResult<(Vec<ProductRow>, i64)> {
    let pattern = crate::dynamic::like_contains(keyword.trim());
    let rows = read_all!(
        db,
        ProductRow,
        "SELECT id, category_id, slug, name, brand, summary, description_html, price, sale_price,
         display_state, is_featured, popularity, created_at, updated_at, notice_category,
         notice_json, is_tax_free, max_per_order, shipping_profile_id FROM products
         WHERE name LIKE $1 ESCAPE '\\' OR slug LIKE $1 ESCAPE '\\'
         ORDER BY id DESC LIMIT $2 OFFSET $3",
        &pattern,
        limit,
        offset
    )
    .context("listing products for staff")?;
    let total = read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM products WHERE name LIKE $1 ESCAPE '\\' OR slug LIKE $1 ESCAPE '\\'",
        &pattern
    )
    .context("counting products for staff")?;
    Ok((rows, total))
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
             shipping_profile_id = $23
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
        d.shipping_profile_id
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
