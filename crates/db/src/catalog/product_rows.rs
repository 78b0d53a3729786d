//! What a product, its options, SKUs and images look like, stored and to be stored.

use crate::DbResult;
use crate::error::DbError;
use chrono::{DateTime, Utc};
use jangteo_core::Won;
use jangteo_core::catalog::{DisplayState, Price};
use jangteo_core::ids::CategoryId;
use jangteo_core::search::SearchKeys;

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
    /// Sold to verified adults only (19세 이상).
    pub adult_only: bool,
    /// Visible reviews.
    pub review_count: i64,
    /// Their stars added up.
    pub review_star_sum: i64,
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
    /// Sold to verified adults only (19세 이상).
    pub adult_only: bool,
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
