//! Catalog use cases: the category tree, listings, product pages, search, sitemap data.

mod detail;
pub mod edit;
pub mod facts;
pub(crate) mod product_form;
mod tree;

use crate::{App, AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use jangteo_core::catalog::{Price, ProductSort, StockLevel, is_sold_out};
use jangteo_core::ids::{CategoryId, ProductId};
use jangteo_core::paging::{PageRequest, Paged};
use jangteo_core::search::SearchQuery;
use jangteo_db::catalog::{self as repo, ProductCardRow, ProductFilter, products};
use jangteo_db::content::BannerRow;
use std::sync::Arc;
pub use tree::{CategoryNode, CategoryTree};

/// Products created this recently carry a "NEW" badge.
const NEW_FOR_DAYS: i64 = 14;
/// Products per home section.
const HOME_SECTION_SIZE: u32 = 8;
/// Related products on a product page.
const RELATED_SIZE: u32 = 8;
/// Products per listing page.
pub const LISTING_PAGE_SIZE: u32 = 24;

/// A product as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductSummary {
    /// Id.
    pub id: ProductId,
    /// URL slug.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Brand.
    pub brand: Option<String>,
    /// Prices.
    pub price: Price,
    /// Whether it cannot be bought now.
    pub is_sold_out: bool,
    /// Added in the last two weeks.
    pub is_new: bool,
    /// First image.
    pub image_hash: Option<String>,
    /// Sold to verified adults only (19세 이상): marked, its image hidden in lists.
    pub adult_only: bool,
    /// Its reviews' count and average.
    pub rating: jangteo_core::reviews::Rating,
}

impl ProductSummary {
    fn from_row(row: ProductCardRow, now: DateTime<Utc>) -> AppResult<Self> {
        let state = row.state()?;
        Ok(Self {
            id: ProductId(row.id),
            price: row.price(),
            is_sold_out: is_sold_out(state, i64::from(row.has_stock)),
            is_new: now - row.created_at < Duration::days(NEW_FOR_DAYS),
            slug: row.slug,
            name: row.name,
            brand: row.brand,
            image_hash: row.image_hash,
            adult_only: row.adult_only,
            rating: jangteo_core::reviews::Rating::new(row.review_count, row.review_star_sum),
        })
    }
}

fn summaries(rows: Vec<ProductCardRow>, now: DateTime<Utc>) -> AppResult<Vec<ProductSummary>> {
    rows.into_iter()
        .map(|r| ProductSummary::from_row(r, now))
        .collect()
}

fn paged_summaries(
    page: Paged<ProductCardRow>,
    now: DateTime<Utc>,
) -> AppResult<Paged<ProductSummary>> {
    let Paged {
        items,
        total,
        page,
        size,
    } = page;
    Ok(Paged {
        items: summaries(items, now)?,
        total,
        page,
        size,
    })
}

/// The home page's sections.
#[derive(Debug, Clone)]
pub struct HomeSections {
    /// Active banners.
    pub banners: Vec<BannerRow>,
    /// Newest products.
    pub new: Vec<ProductSummary>,
    /// Featured products.
    pub featured: Vec<ProductSummary>,
    /// Best sellers.
    pub best: Vec<ProductSummary>,
}

/// Cache key of a category listing page.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListingKey {
    /// Category.
    pub category: CategoryId,
    /// Sort order.
    pub sort: ProductSort,
    /// Page number.
    pub page: u32,
}

/// A category page's data.
#[derive(Debug, Clone)]
pub struct CategoryListing {
    /// The category.
    pub category: CategoryNode,
    /// Root-to-category path.
    pub path: Vec<CategoryNode>,
    /// Children of the top-level ancestor (the sub-navigation).
    pub siblings: Vec<CategoryNode>,
    /// The page of products.
    pub products: Arc<Paged<ProductSummary>>,
}

/// One option group with its values.
#[derive(Debug, Clone)]
pub struct OptionGroup {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// `(value id, value)` in order.
    pub values: Vec<(i64, String)>,
}

/// A purchasable SKU.
#[derive(Debug, Clone)]
pub struct Sku {
    /// Id.
    pub id: i64,
    /// Code.
    pub code: String,
    /// "블랙 / M".
    pub label: String,
    /// Its option values, one per group in group order.
    pub option_value_ids: Vec<i64>,
    /// Prices.
    pub price: Price,
    /// Units in stock (for the cart's limits; pages show [`Sku::level`]).
    pub stock: i64,
    /// Whether it cannot be bought now.
    pub is_sold_out: bool,
    /// What shoppers are told about its stock.
    pub level: StockLevel,
}

/// A product image.
#[derive(Debug, Clone)]
pub struct ProductImage {
    /// Content hash.
    pub hash: String,
    /// Alt text.
    pub alt: String,
    /// Original width.
    pub width: i64,
    /// Original height.
    pub height: i64,
}

/// Everything the product page shows.
#[derive(Debug, Clone)]
pub struct ProductDetail {
    /// The product as lists show it.
    pub summary: ProductSummary,
    /// One-line selling point.
    pub tagline: String,
    /// Sanitised description.
    pub description_html: String,
    /// Root-to-category path.
    pub category_path: Vec<CategoryNode>,
    /// Gallery.
    pub images: Vec<ProductImage>,
    /// Option groups.
    pub option_groups: Vec<OptionGroup>,
    /// SKUs.
    pub skus: Vec<Sku>,
    /// Same-category products.
    pub related: Vec<ProductSummary>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// 상품정보제공고시 as (item, fact) rows in the notice's order (empty: none recorded).
    pub notice: Vec<(&'static str, String)>,
    /// Most units one order may hold.
    pub max_per_order: Option<i64>,
    /// How the product ships (its shipping profile's rule).
    pub shipping_rule: jangteo_core::pricing::ShippingRule,
    /// The face value, when the product is a gift card sold as PINs (nothing ships).
    pub gift_card: Option<jangteo_core::Won>,
}

impl App {
    /// The visible category tree (cached).
    pub async fn category_tree(&self) -> AppResult<Arc<CategoryTree>> {
        if self.database_down() {
            return self.caches.tree.get(&()).await.ok_or(AppError::Unavailable);
        }
        let db = self.db.clone();
        self.caches
            .tree
            .try_get_with((), async move {
                let rows = repo::categories::list_all(&db).await?;
                Ok::<_, AppError>(Arc::new(CategoryTree::from_rows(rows)))
            })
            .await
            .map_err(AppError::from)
    }

    /// The home page sections (cached).
    pub async fn home(&self) -> AppResult<Arc<HomeSections>> {
        let db = self.db.clone();
        self.caches
            .home
            .try_get_with((), async move {
                let now = self.now();
                let all = ProductFilter::default();
                let featured = ProductFilter {
                    featured_only: true,
                    ..Default::default()
                };
                Ok::<_, AppError>(Arc::new(HomeSections {
                    banners: jangteo_db::content::active_banners(&db, now).await?,
                    new: summaries(
                        products::top_cards(&db, &all, ProductSort::New, HOME_SECTION_SIZE).await?,
                        now,
                    )?,
                    featured: summaries(
                        products::top_cards(
                            &db,
                            &featured,
                            ProductSort::Popular,
                            HOME_SECTION_SIZE,
                        )
                        .await?,
                        now,
                    )?,
                    best: summaries(
                        products::top_cards(&db, &all, ProductSort::Popular, HOME_SECTION_SIZE)
                            .await?,
                        now,
                    )?,
                }))
            })
            .await
            .map_err(AppError::from)
    }

    /// A category page, or `None` when the category does not exist or is hidden.
    pub async fn category_listing(
        &self,
        slug: &str,
        sort: ProductSort,
        page: u32,
    ) -> AppResult<Option<CategoryListing>> {
        let tree = self.category_tree().await?;
        let Some(category) = tree.by_slug(slug) else {
            return Ok(None);
        };
        let page = PageRequest::new(page, LISTING_PAGE_SIZE);
        let key = ListingKey {
            category: category.id,
            sort,
            page: page.number,
        };
        let ids = tree.subtree_ids(category.id);
        let db = self.db.clone();
        let products = self
            .caches
            .listings
            .try_get_with(key, async move {
                let filter = ProductFilter {
                    category_ids: Some(ids),
                    featured_only: false,
                };
                let rows = products::list_cards(&db, &filter, sort, page).await?;
                Ok::<_, AppError>(Arc::new(paged_summaries(rows, self.now())?))
            })
            .await?;
        let path: Vec<CategoryNode> = tree.path(category.id).into_iter().cloned().collect();
        let siblings = path
            .first()
            .map(|root| tree.children(root.id).cloned().collect())
            .unwrap_or_default();
        Ok(Some(CategoryListing {
            category: category.clone(),
            path,
            siblings,
            products,
        }))
    }

    /// A product page, or `None` when it does not exist, is hidden, or its category is hidden.
    pub async fn product_detail(&self, slug: &str) -> AppResult<Option<Arc<ProductDetail>>> {
        if let Some(hit) = self.caches.products.get(slug).await {
            return Ok(Some(hit));
        }
        let Some(detail) = self.load_product_detail(slug).await? else {
            return Ok(None);
        };
        let detail = Arc::new(detail);
        self.caches
            .products
            .insert(slug.to_owned(), detail.clone())
            .await;
        Ok(Some(detail))
    }

    /// The listed products among `ids`, in that order (hidden or deleted ones left out).
    pub async fn product_cards(&self, ids: &[i64]) -> AppResult<Vec<ProductSummary>> {
        let rows = products::cards_by_ids(&self.db, ids).await?;
        let mut cards = summaries(rows, self.now())?;
        cards.sort_by_key(|c| ids.iter().position(|id| *id == c.id.get()));
        Ok(cards)
    }

    /// Search results, best matches first (not cached: queries are too varied to pay off).
    pub async fn search(&self, raw_query: &str, page: u32) -> AppResult<Paged<ProductSummary>> {
        let query = SearchQuery::parse(raw_query);
        let rows =
            products::search_cards(&self.db, &query, PageRequest::new(page, LISTING_PAGE_SIZE))
                .await?;
        paged_summaries(rows, self.now())
    }

    /// Changes a product's prices and refreshes the caches.
    pub async fn update_product_price(&self, id: ProductId, price: Price) -> AppResult<()> {
        let mut tx = self.db.begin().await?;
        if !products::update_price(&mut tx, id, price, self.now()).await? {
            return Err(AppError::Invalid(format!(
                "상품 {id}을(를) 찾을 수 없습니다"
            )));
        }
        tx.commit().await?;
        self.catalog_changed().await;
        Ok(())
    }

    /// Number of listed products (sizes the sitemap).
    pub async fn listed_product_count(&self) -> AppResult<u64> {
        Ok(products::count_listed(&self.db).await?)
    }

    /// A slice of listed products for the sitemap.
    pub async fn sitemap_products(
        &self,
        offset: u64,
        limit: u64,
    ) -> AppResult<Vec<jangteo_db::catalog::SitemapRow>> {
        let offset = i64::try_from(offset).map_err(|_| AppError::Invalid("offset".into()))?;
        let limit = i64::try_from(limit).map_err(|_| AppError::Invalid("limit".into()))?;
        Ok(products::sitemap_slice(&self.db, offset, limit).await?)
    }
}

/// The product's notice facts as (item, fact) rows in the notice's order.
fn notice_rows(row: &products::ProductRow) -> Vec<(&'static str, String)> {
    let Some(category) = row
        .notice_category
        .as_deref()
        .and_then(jangteo_core::product_notice::category)
    else {
        return Vec::new();
    };
    let values = crate::catalog::facts::notice_values(row);
    category
        .fields
        .iter()
        .filter_map(|f| values.get(f.key).map(|v| (f.label, v.clone())))
        .collect()
}
