//! Product listings: pages of cards by category, the top cards, search, the sitemap's slices and
//! the back office's product list.

use super::product_rows::{ProductCardRow, ProductRow, SitemapRow};
use super::products::card_columns;
use super::search;
use crate::error::Context;
use crate::{Db, DbResult, SqlBuilder};
use jangteo_core::catalog::ProductSort;
use jangteo_core::ids::CategoryId;
use jangteo_core::paging::{PageRequest, Paged};
use jangteo_core::search::SearchQuery;

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
         notice_json, is_tax_free, max_per_order, shipping_profile_id, adult_only FROM products
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

/// The listed products among `ids` (any order; hidden or deleted ones left out).
pub async fn cards_by_ids(db: &Db, ids: &[i64]) -> DbResult<Vec<ProductCardRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = SqlBuilder::new(concat!("SELECT ", card_columns!()));
    push_filter(&mut q, &ProductFilter::default());
    q.push(" AND p.id IN (").bind_int_list(ids).push(")");
    read_dynamic!(db, ProductCardRow, &q, fetch_all).context("loading products by id")
}
