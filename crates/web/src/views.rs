//! View models: app data turned into the shapes TEMPLATES.md promises, with URLs.

use crate::i18n::Locale;
use jangteo_app::catalog::{CategoryTree, ProductDetail, ProductSummary};
use jangteo_core::catalog::{Price, StockLevel};
use jangteo_core::paging::{Paged, page_window};
use jangteo_media::ThumbSize;
use serde::Serialize;

/// A serialisable view as a template value.
pub fn val<T: Serialize>(view: T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(view))
}

/// Percent-encodes a query component (everything but RFC 3986 unreserved characters).
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// JSON safe to place inside a `<script>` element: `<`, `>` and `&` are escaped, so no string
/// in it can close the element.
pub fn json_for_script<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value)
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// URL of a thumbnail under the configured media prefix.
pub fn media_url(prefix: &str, hash: &str, size: ThumbSize) -> String {
    format!("{prefix}/{hash}/{}.webp", size.name())
}

/// `/products/{slug}`.
pub fn product_path(slug: &str) -> String {
    format!("/products/{slug}")
}

/// `/categories/{slug}`.
pub fn category_path(slug: &str) -> String {
    format!("/categories/{slug}")
}

/// A header menu entry.
#[derive(Debug, Serialize)]
pub struct MenuItem {
    id: i64,
    name: String,
    url: String,
    children: Vec<MenuItem>,
}

impl MenuItem {
    /// Two levels of the visible tree.
    pub fn from_tree(tree: &CategoryTree) -> Vec<MenuItem> {
        tree.roots()
            .map(|root| MenuItem {
                id: root.id.get(),
                name: root.name.clone(),
                url: category_path(&root.slug),
                children: tree
                    .children(root.id)
                    .map(|c| MenuItem {
                        id: c.id.get(),
                        name: c.name.clone(),
                        url: category_path(&c.slug),
                        children: Vec::new(),
                    })
                    .collect(),
            })
            .collect()
    }
}

/// Prices as templates show them.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct PriceView {
    price: i64,
    sale_price: Option<i64>,
    final_price: i64,
    discount_rate: Option<u8>,
}

impl From<Price> for PriceView {
    fn from(p: Price) -> Self {
        Self {
            price: p.list.get(),
            sale_price: p.sale.map(|s| s.get()),
            final_price: p.effective().get(),
            discount_rate: p.discount_percent(),
        }
    }
}

/// ProductCard of TEMPLATES.md.
#[derive(Debug, Serialize)]
pub struct ProductCardView {
    id: i64,
    name: String,
    url: String,
    brand: Option<String>,
    #[serde(flatten)]
    price: PriceView,
    thumb_url: Option<String>,
    thumb_url_2x: Option<String>,
    is_sold_out: bool,
    is_new: bool,
    adult_only: bool,
    review_count: i64,
    review_average: String,
}

impl ProductCardView {
    /// A card for a product summary.
    pub fn new(p: &ProductSummary, media_prefix: &str) -> Self {
        Self {
            id: p.id.get(),
            name: p.name.clone(),
            url: product_path(&p.slug),
            brand: p.brand.clone(),
            price: p.price.into(),
            thumb_url: p
                .image_hash
                .as_deref()
                .map(|h| media_url(media_prefix, h, ThumbSize::List)),
            thumb_url_2x: p
                .image_hash
                .as_deref()
                .map(|h| media_url(media_prefix, h, ThumbSize::Detail)),
            is_sold_out: p.is_sold_out,
            is_new: p.is_new,
            adult_only: p.adult_only,
            review_count: p.rating.count,
            review_average: p.rating.average_label(),
        }
    }

    /// Cards for a list.
    pub fn list(items: &[ProductSummary], media_prefix: &str) -> Vec<Self> {
        items.iter().map(|p| Self::new(p, media_prefix)).collect()
    }
}

#[derive(Debug, Serialize)]
struct PageLink {
    number: Option<u32>,
    url: Option<String>,
    current: bool,
}

/// Pagination of TEMPLATES.md.
#[derive(Debug, Serialize)]
pub struct PaginationView {
    page: u32,
    total_pages: u32,
    total_items: u64,
    prev_url: Option<String>,
    next_url: Option<String>,
    pages: Vec<PageLink>,
}

impl PaginationView {
    /// Links for `paged`, each made by `url_for(page number)`.
    pub fn new<T>(paged: &Paged<T>, url_for: impl Fn(u32) -> String) -> Self {
        let total_pages = paged.total_pages();
        let page = paged.page;
        Self {
            page,
            total_pages,
            total_items: paged.total,
            prev_url: (page > 1).then(|| url_for(page - 1)),
            next_url: (page < total_pages).then(|| url_for(page + 1)),
            pages: page_window(page, total_pages, 2)
                .into_iter()
                .map(|n| PageLink {
                    number: n,
                    url: n.map(&url_for),
                    current: n == Some(page),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Serialize)]
struct ImageView {
    list_url: String,
    detail_url: String,
    zoom_url: String,
    alt: String,
    width: i64,
    height: i64,
}

#[derive(Debug, Serialize)]
struct OptionValueView {
    id: i64,
    value: String,
}

#[derive(Debug, Serialize)]
struct OptionGroupView {
    id: i64,
    name: String,
    values: Vec<OptionValueView>,
}

/// A SKU for the page and its script.
#[derive(Debug, Serialize)]
pub struct SkuView {
    id: i64,
    code: String,
    label: String,
    option_value_ids: Vec<i64>,
    #[serde(flatten)]
    price: PriceView,
    /// `sold_out`, `low` ("품절 임박") or `available`: never the count.
    level: &'static str,
    /// The most one may pick: the stock when it is low (what the cart would allow anyway),
    /// otherwise the page's cap, so the count cannot be read off the quantity field.
    max_quantity: i64,
    is_sold_out: bool,
}

/// The quantity field's cap when nothing smaller applies.
pub const QTY_CAP: i64 = 99;

#[derive(Debug, Serialize)]
struct NamedLink {
    name: String,
    url: String,
}

/// `product` on the detail page.
#[derive(Debug, Serialize)]
pub struct ProductView {
    id: i64,
    name: String,
    url: String,
    brand: Option<String>,
    summary: String,
    description_html: String,
    #[serde(flatten)]
    price: PriceView,
    is_sold_out: bool,
    is_new: bool,
    adult_only: bool,
    category: Option<NamedLink>,
    images: Vec<ImageView>,
    option_groups: Vec<OptionGroupView>,
    skus: Vec<SkuView>,
    skus_json: String,
    shipping_note: String,
}

impl ProductView {
    /// The detail view of a product.
    pub fn new(d: &ProductDetail, media_prefix: &str, shipping_note: String) -> Self {
        let skus: Vec<SkuView> = d
            .skus
            .iter()
            .map(|s| SkuView {
                id: s.id,
                code: s.code.clone(),
                label: s.label.clone(),
                option_value_ids: s.option_value_ids.clone(),
                price: s.price.into(),
                level: s.level.as_str(),
                max_quantity: match s.level {
                    StockLevel::SoldOut => 0,
                    StockLevel::Low => s.stock.min(QTY_CAP),
                    StockLevel::Available => QTY_CAP,
                },
                is_sold_out: s.is_sold_out,
            })
            .collect();
        Self {
            id: d.summary.id.get(),
            name: d.summary.name.clone(),
            url: product_path(&d.summary.slug),
            brand: d.summary.brand.clone(),
            summary: d.tagline.clone(),
            description_html: d.description_html.clone(),
            price: d.summary.price.into(),
            is_sold_out: d.summary.is_sold_out,
            is_new: d.summary.is_new,
            adult_only: d.summary.adult_only,
            category: d.category_path.last().map(|c| NamedLink {
                name: c.name.clone(),
                url: category_path(&c.slug),
            }),
            images: d
                .images
                .iter()
                .map(|i| ImageView {
                    list_url: media_url(media_prefix, &i.hash, ThumbSize::List),
                    detail_url: media_url(media_prefix, &i.hash, ThumbSize::Detail),
                    zoom_url: media_url(media_prefix, &i.hash, ThumbSize::Zoom),
                    alt: i.alt.clone(),
                    width: i.width,
                    height: i.height,
                })
                .collect(),
            option_groups: d
                .option_groups
                .iter()
                .map(|g| OptionGroupView {
                    id: g.id,
                    name: g.name.clone(),
                    values: g
                        .values
                        .iter()
                        .map(|(id, value)| OptionValueView {
                            id: *id,
                            value: value.clone(),
                        })
                        .collect(),
                })
                .collect(),
            skus_json: json_for_script(&skus),
            skus,
            shipping_note,
        }
    }
}

/// A breadcrumb entry.
#[derive(Debug, Serialize)]
pub struct Crumb {
    name: String,
    url: String,
}

impl Crumb {
    /// A crumb.
    pub fn new(name: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            url: url.into(),
        }
    }
}

/// A home banner.
#[derive(Debug, Serialize)]
pub struct BannerView {
    title: String,
    subtitle: String,
    link_url: String,
    image_url: Option<String>,
    image_url_mobile: Option<String>,
}

impl BannerView {
    /// A banner with its image URLs.
    pub fn new(b: &jangteo_app::read_models::BannerRow, media_prefix: &str) -> Self {
        Self {
            title: b.title.clone(),
            subtitle: b.subtitle.clone(),
            link_url: b.link_url.clone(),
            image_url: b
                .image_hash
                .as_deref()
                .map(|h| media_url(media_prefix, h, ThumbSize::Zoom)),
            image_url_mobile: b
                .image_hash
                .as_deref()
                .map(|h| media_url(media_prefix, h, ThumbSize::Detail)),
        }
    }
}

/// Makes a possibly relative URL absolute against `base`.
pub fn absolute(base: &str, url: &str) -> String {
    if url.starts_with("http://") || url.starts_with("https://") {
        url.to_owned()
    } else if let Some(rest) = url.strip_prefix("//") {
        format!("https://{rest}")
    } else {
        format!("{base}{url}")
    }
}

/// A value for a sort tab label lookup.
pub fn sort_label_key(key: &str) -> String {
    format!("sort.{key}")
}

/// The shipping note under the price: what the product's shipping profile charges.
pub fn shipping_note(
    messages: &crate::i18n::Messages,
    locale: Locale,
    rule: jangteo_core::pricing::ShippingRule,
) -> String {
    use jangteo_core::pricing::ShippingRule;
    let won = |w: jangteo_core::Won| crate::i18n::format_won(locale, w.get());
    match rule {
        ShippingRule::Free => messages.get(locale, "shipping.note_free").to_owned(),
        ShippingRule::Fixed { fee } => {
            messages.format(locale, "shipping.note_fixed", &[("fee", won(fee))])
        }
        ShippingRule::FreeOver { fee, threshold } => messages.format(
            locale,
            "shipping.note",
            &[("threshold", won(threshold)), ("fee", won(fee))],
        ),
        ShippingRule::PerQuantity { fee, units } => messages.format(
            locale,
            "shipping.note_per_quantity",
            &[("fee", won(fee)), ("units", units.to_string())],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_json_cannot_close_the_element() {
        let s = json_for_script(&vec!["</script><script>alert(1)</script>"]);
        assert!(!s.contains("</script"));
        assert!(!s.contains('<'));
        let back: Vec<String> = serde_json::from_str(&s).unwrap();
        assert_eq!(back[0], "</script><script>alert(1)</script>");
    }

    #[test]
    fn encodes_components() {
        assert_eq!(
            encode_component("/search?q=티 셔츠&a=1"),
            "%2Fsearch%3Fq%3D%ED%8B%B0%20%EC%85%94%EC%B8%A0%26a%3D1"
        );
    }

    #[test]
    fn absolutises() {
        assert_eq!(absolute("http://x", "/media/a"), "http://x/media/a");
        assert_eq!(absolute("http://x", "https://cdn/a"), "https://cdn/a");
        assert_eq!(absolute("http://x", "//cdn/a"), "https://cdn/a");
    }
}
