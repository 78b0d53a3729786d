//! The demo shop: a realistic Korean catalog with locally drawn pictures, banners, pages and a
//! staff login. Loading is idempotent: a marker setting records that the catalog is in place.

use crate::{App, AppError, AppResult};
use bytes::Bytes;
use chrono::Duration;
use jangteo_core::Won;
use jangteo_core::catalog::{DisplayState, Price, is_valid_slug};
use jangteo_core::ids::CategoryId;
use jangteo_core::search::SearchKeys;
use jangteo_db::catalog::{NewCategory, NewOptionGroup, NewProduct, NewSku, categories, products};
use jangteo_db::{content, settings, staff};
use jangteo_media::{Motif, demo_banner, demo_image, parse_hex_color};
use serde::Deserialize;
use std::collections::HashMap;

/// The demo catalog, embedded in the binary.
const CATALOG_JSON: &str = include_str!("../demo/catalog.json");
/// Setting that marks the demo catalog as loaded (its value is the catalog version).
const CATALOG_MARKER: &str = "demo.catalog_version";
const CATALOG_VERSION: &str = "1";
/// Setting that counts the synthetic benchmark products added so far.
pub(crate) const BULK_MARKER: &str = "demo.bulk_products";
/// E-mail of the demo staff login.
pub const DEMO_STAFF_EMAIL: &str = "owner@jangteo.example";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Catalog {
    categories: Vec<CategoryData>,
    pub(crate) products: Vec<ProductData>,
    banners: Vec<BannerData>,
    pages: Vec<PageData>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryData {
    slug: String,
    name: String,
    #[serde(default)]
    children: Vec<CategoryData>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProductData {
    pub(crate) slug: String,
    pub(crate) category: String,
    pub(crate) name: String,
    pub(crate) brand: Option<String>,
    pub(crate) summary: String,
    pub(crate) description: String,
    pub(crate) price: i64,
    pub(crate) sale_price: Option<i64>,
    pub(crate) state: DisplayState,
    pub(crate) featured: bool,
    pub(crate) popularity: i64,
    pub(crate) days_ago: i64,
    pub(crate) color: String,
    pub(crate) motif: String,
    pub(crate) stock: i64,
    options: Vec<OptionData>,
    pub(crate) extra_prices: HashMap<String, i64>,
    pub(crate) sold_out: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct OptionData {
    name: String,
    values: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BannerData {
    title: String,
    subtitle: String,
    link: String,
    color: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PageData {
    slug: String,
    title: String,
    body: String,
}

/// What loading the demo did.
#[derive(Debug, Clone)]
pub struct DemoReport {
    /// Whether the catalog was loaded now (false: it was already there).
    pub catalog_loaded: bool,
    /// Synthetic products added now.
    pub bulk_added: u64,
    /// Listed products in the shop.
    pub listed_products: u64,
    /// The staff login e-mail.
    pub staff_email: String,
    /// The staff password, newly set on every run (only its hash is stored).
    pub staff_password: String,
    /// The demo member's login e-mail.
    pub member_email: String,
    /// The demo member's password, newly set on every run.
    pub member_password: String,
}

/// Options of a demo load.
#[derive(Debug, Clone, Default)]
pub struct DemoOptions {
    /// Add synthetic products until at least this many products exist (benchmarks).
    pub bulk_products: u64,
}

/// Every SKU of a product: the cartesian product of its option values.
fn sku_combinations(options: &[OptionData]) -> Vec<Vec<usize>> {
    options.iter().fold(vec![Vec::new()], |acc, group| {
        acc.into_iter()
            .flat_map(|prefix| {
                (0..group.values.len()).map(move |i| {
                    let mut next = prefix.clone();
                    next.push(i);
                    next
                })
            })
            .collect()
    })
}

pub(crate) fn build_skus(p: &ProductData, code_prefix: &str) -> Vec<NewSku> {
    sku_combinations(&p.options)
        .into_iter()
        .enumerate()
        .map(|(n, idx)| {
            let values: Vec<&str> = idx
                .iter()
                .enumerate()
                .map(|(g, v)| p.options[g].values[*v].as_str())
                .collect();
            let extra: i64 = values.iter().filter_map(|v| p.extra_prices.get(*v)).sum();
            let combo = values.join("/");
            let stock = if p.sold_out.contains(&combo) {
                0
            } else {
                p.stock
            };
            NewSku {
                code: format!("{}-{:02}", code_prefix.to_ascii_uppercase(), n + 1),
                value_indexes: idx,
                extra: Won(extra),
                stock,
            }
        })
        .collect()
}

/// The option groups of a demo product, as the repository takes them.
pub(crate) fn option_groups(p: &ProductData) -> Vec<NewOptionGroup<'_>> {
    p.options
        .iter()
        .map(|o| NewOptionGroup {
            name: &o.name,
            values: o.values.iter().map(String::as_str).collect(),
        })
        .collect()
}

/// Random password for the demo staff login, without look-alike characters.
fn random_password() -> AppResult<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut raw = [0u8; 16];
    getrandom::fill(&mut raw).map_err(|e| AppError::Other(format!("random source: {e}")))?;
    Ok(raw
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect())
}

pub(crate) struct PreparedImage {
    pub(crate) stored: crate::media::StoredOriginal,
}

/// The demo categories (two levels), each with its id and its path of names.
async fn insert_demo_categories<'c>(
    tx: &mut jangteo_db::Tx,
    catalog: &'c Catalog,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<HashMap<&'c str, (CategoryId, Vec<String>)>> {
    let mut category_ids: HashMap<&str, (CategoryId, Vec<String>)> = HashMap::new();
    for (ci, top) in catalog.categories.iter().enumerate() {
        let new = NewCategory {
            parent_id: None,
            slug: &top.slug,
            name: &top.name,
            position: ci as i64,
        };
        let top_id = categories::upsert(tx, &new, now).await?;
        category_ids.insert(&top.slug, (top_id, vec![top.name.clone()]));
        for (si, child) in top.children.iter().enumerate() {
            let new = NewCategory {
                parent_id: Some(top_id),
                slug: &child.slug,
                name: &child.name,
                position: si as i64,
            };
            let id = categories::upsert(tx, &new, now).await?;
            let names = vec![top.name.clone(), child.name.clone()];
            category_ids.insert(&child.slug, (id, names));
        }
    }
    Ok(category_ids)
}

/// One demo product with its options and SKUs (its images are added by the caller).
pub(crate) async fn insert_demo_product(
    tx: &mut jangteo_db::Tx,
    p: &ProductData,
    category_ids: &HashMap<&str, (CategoryId, Vec<String>)>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<jangteo_core::ids::ProductId> {
    if !is_valid_slug(&p.slug) {
        let slug = &p.slug;
        return Err(AppError::Invalid(format!(
            "demo product slug {slug:?} is invalid"
        )));
    }
    let (category_id, category_names) = category_ids.get(p.category.as_str()).ok_or_else(|| {
        AppError::Invalid(format!(
            "demo product {} has unknown category {}",
            p.slug, p.category
        ))
    })?;
    let mut others: Vec<&str> = category_names.iter().map(String::as_str).collect();
    others.extend(p.brand.as_deref());
    others.push(&p.summary);
    let groups: Vec<NewOptionGroup> = option_groups(p);
    let product = NewProduct {
        category_id: *category_id,
        slug: &p.slug,
        name: &p.name,
        brand: p.brand.as_deref(),
        summary: &p.summary,
        description_html: &p.description,
        price: Price::new(Won(p.price), p.sale_price.map(Won)),
        state: p.state,
        is_featured: p.featured,
        popularity: p.popularity,
        search: SearchKeys::for_product(&p.name, others),
        created_at: now - Duration::days(p.days_ago) - Duration::minutes(p.popularity % 600),
    };
    Ok(products::insert(tx, &product, &groups, &build_skus(p, &p.slug)).await?)
}

impl App {
    /// Loads the demo shop (idempotent) and resets the demo staff password.
    pub async fn load_demo(&self, options: &DemoOptions) -> AppResult<DemoReport> {
        let catalog: Catalog = serde_json::from_str(CATALOG_JSON)
            .map_err(|e| AppError::Other(format!("embedded demo catalog is invalid: {e}")))?;
        let catalog_loaded = if settings::get(&self.db, CATALOG_MARKER).await?.is_none() {
            self.load_catalog(&catalog).await?;
            true
        } else {
            false
        };
        let bulk_added = self.load_bulk(&catalog, options.bulk_products).await?;
        self.fill_demo_notices().await?;
        self.load_demo_promotions().await?;
        self.load_demo_posts().await?;
        self.load_demo_gift_cards().await?;
        let member_password = self.ensure_demo_member().await?;

        let password = random_password()?;
        let hash = crate::auth::passwords::hash_password(password.clone()).await?;
        let mut tx = self.db.begin().await?;
        staff::upsert(
            &mut tx,
            DEMO_STAFF_EMAIL,
            "데모 관리자",
            &hash,
            "owner",
            self.now(),
        )
        .await?;
        tx.commit().await?;

        self.catalog_changed().await;
        Ok(DemoReport {
            catalog_loaded,
            bulk_added,
            listed_products: self.listed_product_count().await?,
            staff_email: DEMO_STAFF_EMAIL.into(),
            staff_password: password,
            member_email: crate::demo_shop::DEMO_MEMBER_EMAIL.into(),
            member_password,
        })
    }

    pub(crate) async fn demo_product_images(
        &self,
        index: usize,
        p: &ProductData,
    ) -> AppResult<Vec<PreparedImage>> {
        let color = parse_hex_color(&p.color);
        let motif = Motif::from_name(&p.motif);
        let count = if index.is_multiple_of(3) { 3 } else { 2 };
        let jpegs = tokio::task::spawn_blocking(move || {
            (0..count)
                .map(|variant| demo_image(index as u64, color, motif, variant))
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|e| AppError::Task(e.to_string()))?;
        let mut out = Vec::with_capacity(jpegs.len());
        for jpeg in jpegs {
            out.push(PreparedImage {
                stored: self.store_original(Bytes::from(jpeg)).await?,
            });
        }
        Ok(out)
    }

    async fn load_catalog(&self, catalog: &Catalog) -> AppResult<()> {
        // Pictures are drawn and stored before the transaction: storage is content-addressed,
        // so a failed load leaves only files a retry reuses.
        let mut product_images = Vec::with_capacity(catalog.products.len());
        for (i, p) in catalog.products.iter().enumerate() {
            product_images.push(self.demo_product_images(i, p).await?);
        }
        let mut banner_images = Vec::with_capacity(catalog.banners.len());
        for (i, b) in catalog.banners.iter().enumerate() {
            let color = parse_hex_color(&b.color);
            let variant = u32::try_from(i).unwrap_or(0);
            let jpeg = tokio::task::spawn_blocking(move || demo_banner(color, variant))
                .await
                .map_err(|e| AppError::Task(e.to_string()))?;
            banner_images.push(self.store_original(Bytes::from(jpeg)).await?);
        }

        let now = self.now();
        let mut tx = self.db.begin().await?;
        let category_ids = insert_demo_categories(&mut tx, catalog, now).await?;
        for (p, images) in catalog.products.iter().zip(&product_images) {
            let product_id = insert_demo_product(&mut tx, p, &category_ids, now).await?;
            for (position, image) in images.iter().enumerate() {
                let media_id = self.record_original(&mut tx, &image.stored).await?;
                products::add_image(&mut tx, product_id, media_id, position as i64, &p.name)
                    .await?;
            }
        }

        for (i, (b, stored)) in catalog.banners.iter().zip(&banner_images).enumerate() {
            let media_id = self.record_original(&mut tx, stored).await?;
            content::save_banner(
                &mut tx,
                None,
                &content::BannerInput {
                    title: &b.title,
                    subtitle: &b.subtitle,
                    link_url: &b.link,
                    media_id: Some(media_id),
                    position: i as i64,
                    is_active: true,
                    starts_at: None,
                    ends_at: None,
                },
                now,
            )
            .await?;
        }
        for page in &catalog.pages {
            content::upsert_page(&mut tx, &page.slug, &page.title, &page.body, now).await?;
        }
        settings::set(&mut tx, CATALOG_MARKER, CATALOG_VERSION, now).await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalog_is_complete() {
        let c: Catalog = serde_json::from_str(CATALOG_JSON).unwrap();
        assert!(c.categories.len() >= 8);
        assert!(c.categories.iter().all(|t| !t.children.is_empty()));
        assert!(c.products.len() >= 60);
        assert!(c.products.iter().filter(|p| !p.options.is_empty()).count() >= 30);
        for p in &c.products {
            assert!(is_valid_slug(&p.slug), "{}", p.slug);
            let skus = build_skus(p, &p.slug);
            let sold_out = skus.iter().filter(|s| s.stock == 0).count();
            // Every listed sold-out combination names a real SKU.
            assert!(p.stock == 0 || sold_out == p.sold_out.len(), "{}", p.slug);
        }
    }

    #[test]
    fn skus_cover_every_combination_with_extras() {
        let p = ProductData {
            slug: "t".into(),
            category: "c".into(),
            name: "티".into(),
            brand: None,
            summary: String::new(),
            description: String::new(),
            price: 10_000,
            sale_price: Some(9_000),
            state: DisplayState::OnSale,
            featured: false,
            popularity: 0,
            days_ago: 0,
            color: "#000000".into(),
            motif: "shirt".into(),
            stock: 5,
            options: vec![
                OptionData {
                    name: "색상".into(),
                    values: vec!["블랙".into(), "화이트".into()],
                },
                OptionData {
                    name: "사이즈".into(),
                    values: vec!["M".into(), "XL".into()],
                },
            ],
            extra_prices: HashMap::from([("XL".into(), 2_000)]),
            sold_out: vec!["화이트/XL".into()],
        };
        let skus = build_skus(&p, "t");
        assert_eq!(skus.len(), 4);
        assert_eq!(skus[1].extra, Won(2_000));
        assert_eq!(skus[0].extra, Won(0));
        assert_eq!(skus[3].stock, 0);
        assert_eq!(skus[0].stock, 5);
        assert_eq!(skus[0].code, "T-01");
    }
}
