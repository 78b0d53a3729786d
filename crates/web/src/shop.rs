//! Storefront pages: home, category listing, product, search, CMS page, language switch.

use crate::context::{PageMeta, Req, render};
use crate::forms::t;
use crate::i18n::Locale;
use crate::state::AppState;
use crate::views::{
    BannerView, Crumb, PaginationView, ProductCardView, ProductView, absolute, category_path,
    encode_component, json_for_script, media_url, product_path, shipping_note, sort_label_key, val,
};
use crate::web_error::WebError;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jangteo_app::catalog::ProductDetail;
use jangteo_app::notify::Channel;
use jangteo_core::catalog::ProductSort;
use jangteo_media::ThumbSize;
use minijinja::context;
use serde::{Deserialize, Serialize};

/// `?sort=…&page=…` of listings; lenient: junk falls back to defaults.
#[derive(Debug, Deserialize)]
pub struct ListQuery {
    sort: Option<String>,
    page: Option<String>,
}

/// `?q=…&page=…` of search.
#[derive(Debug, Deserialize)]
pub struct SearchQueryParams {
    q: Option<String>,
    page: Option<String>,
}

/// `?next=…` of the language switch.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn page_number(raw: Option<&str>) -> u32 {
    raw.and_then(|p| p.trim().parse::<u32>().ok())
        .unwrap_or(1)
        .max(1)
}

/// `GET /`.
pub async fn show_home(State(state): State<AppState>, req: Req) -> Result<Response, WebError> {
    let home = state.app.home().await?;
    let media = state.app.config.media_url();
    let messages = &state.inner.messages;
    let shop = &state.app.config.shop;
    let meta = PageMeta {
        title: format!(
            "{} - {}",
            shop.name,
            messages.get(req.locale, "home.title_suffix")
        ),
        og_image: home
            .banners
            .iter()
            .find_map(|b| b.image_hash.as_deref())
            .map(|h| {
                absolute(
                    &state.app.config.base_url(),
                    &media_url(&media, h, ThumbSize::Detail),
                )
            }),
        ..PageMeta::titled(String::new())
    };
    let banners: Vec<BannerView> = home
        .banners
        .iter()
        .map(|b| BannerView::new(b, &media))
        .collect();
    render(
        &state,
        &req,
        "shop/home.html",
        meta,
        "",
        context! {
            banners => val(banners),
            new_products => val(ProductCardView::list(&home.new, &media)),
            featured_products => val(ProductCardView::list(&home.featured, &media)),
            best_products => val(ProductCardView::list(&home.best, &media)),
        },
    )
    .await
}

#[derive(Serialize)]
struct SortTab {
    key: &'static str,
    label: String,
    url: String,
    active: bool,
}

fn listing_url(slug: &str, sort: ProductSort, page: u32) -> String {
    let mut url = category_path(slug);
    let mut sep = '?';
    if sort != ProductSort::default() {
        url.push_str(&format!("{sep}sort={}", sort.key()));
        sep = '&';
    }
    if page > 1 {
        url.push_str(&format!("{sep}page={page}"));
    }
    url
}

/// `GET /categories/{slug}`.
pub async fn list_category(
    State(state): State<AppState>,
    req: Req,
    Path(slug): Path<String>,
    Query(query): Query<ListQuery>,
) -> Result<Response, WebError> {
    let sort = ProductSort::from_key(query.sort.as_deref());
    let page = page_number(query.page.as_deref());
    let listing = state
        .app
        .category_listing(&slug, sort, page)
        .await?
        .ok_or(WebError::NotFound)?;
    let products = &listing.products;
    if page > 1 && page > products.total_pages() {
        return Err(WebError::NotFound);
    }
    let media = state.app.config.media_url();
    let messages = &state.inner.messages;
    let category = &listing.category;
    let mut breadcrumb = vec![Crumb::new(messages.get(req.locale, "nav.home"), "/")];
    breadcrumb.extend(
        listing
            .path
            .iter()
            .map(|c| Crumb::new(c.name.clone(), category_path(&c.slug))),
    );
    let sorts: Vec<SortTab> = ProductSort::ALL
        .into_iter()
        .map(|s| SortTab {
            key: s.key(),
            label: messages
                .get(req.locale, &sort_label_key(s.key()))
                .to_owned(),
            url: listing_url(&category.slug, s, 1),
            active: s == sort,
        })
        .collect();
    let subcategories: Vec<_> = listing
        .siblings
        .iter()
        .map(|c| context! { name => c.name.clone(), url => category_path(&c.slug), active => c.id == category.id })
        .collect();
    let base_url = state.app.config.base_url();
    let meta = PageMeta {
        title: format!("{} - {}", category.name, state.app.config.shop.name),
        // Canonical: sort orders show the same products, so they point at the default order.
        canonical_url: format!(
            "{base_url}{}",
            listing_url(&category.slug, ProductSort::default(), page)
        ),
        ..PageMeta::titled(String::new())
    };
    let pagination = PaginationView::new(products, |n| listing_url(&category.slug, sort, n));
    render(
        &state,
        &req,
        "shop/category.html",
        meta,
        "",
        context! {
            category => context! { id => category.id.get(), name => category.name.clone(), url => category_path(&category.slug) },
            breadcrumb => val(breadcrumb),
            subcategories => subcategories,
            sort => sort.key(),
            sorts => val(sorts),
            products => val(ProductCardView::list(&products.items, &media)),
            pagination => val(pagination),
        },
    )
    .await
}

/// schema.org `Product` with KRW offers.
fn product_json_ld(d: &ProductDetail, base_url: &str, media: &str) -> String {
    let url = format!("{base_url}{}", product_path(&d.summary.slug));
    let availability = |sold_out: bool| {
        if sold_out {
            "https://schema.org/OutOfStock"
        } else {
            "https://schema.org/InStock"
        }
    };
    let prices: Vec<i64> = d.skus.iter().map(|s| s.price.effective().get()).collect();
    let low = prices
        .iter()
        .copied()
        .min()
        .unwrap_or(d.summary.price.effective().get());
    let high = prices.iter().copied().max().unwrap_or(low);
    let offers = if low == high {
        serde_json::json!({
            "@type": "Offer", "url": url, "priceCurrency": "KRW", "price": low,
            "availability": availability(d.summary.is_sold_out),
        })
    } else {
        serde_json::json!({
            "@type": "AggregateOffer", "url": url, "priceCurrency": "KRW", "lowPrice": low,
            "highPrice": high, "offerCount": d.skus.len(),
            "availability": availability(d.summary.is_sold_out),
        })
    };
    let mut ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": d.summary.name,
        "description": d.tagline,
        "url": url,
        "image": d.images.iter().map(|i| absolute(base_url, &media_url(media, &i.hash, ThumbSize::Zoom))).collect::<Vec<_>>(),
        "offers": offers,
    });
    if let Some(sku) = d.skus.first() {
        ld["sku"] = sku.code.clone().into();
    }
    if let Some(brand) = &d.summary.brand {
        ld["brand"] = serde_json::json!({ "@type": "Brand", "name": brand });
    }
    if d.summary.rating.count > 0 {
        ld["aggregateRating"] = serde_json::json!({
            "@type": "AggregateRating", "ratingValue": d.summary.rating.average_label(),
            "reviewCount": d.summary.rating.count,
        });
    }
    json_for_script(&ld)
}

/// `GET /products/{slug}`.
pub async fn show_product(
    State(state): State<AppState>,
    req: Req,
    auth: crate::auth::AuthSession,
    session: tower_sessions::Session,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let detail = state
        .app
        .product_detail(&slug)
        .await?
        .ok_or(WebError::NotFound)?;
    if detail.summary.adult_only {
        let here = product_path(&detail.summary.slug);
        let gate = crate::identity_pages::adult_gate(&state, &req, &auth, &session, &here).await?;
        if let Some(gate) = gate {
            return Ok(gate);
        }
    }
    let reviews = state
        .app
        .product_reviews(detail.summary.id.get(), 1)
        .await?;
    crate::wishlist::remember(&session, detail.summary.id.get()).await;
    let config = &state.app.config;
    let media = config.media_url();
    let base_url = config.base_url();
    let messages = &state.inner.messages;
    let note = shipping_note(messages, req.locale, detail.shipping_rule);
    let mut breadcrumb = vec![Crumb::new(messages.get(req.locale, "nav.home"), "/")];
    breadcrumb.extend(
        detail
            .category_path
            .iter()
            .map(|c| Crumb::new(c.name.clone(), category_path(&c.slug))),
    );
    let description = if detail.tagline.is_empty() {
        String::new()
    } else {
        detail.tagline.clone()
    };
    let meta = PageMeta {
        title: format!("{} - {}", detail.summary.name, config.shop.name),
        description,
        canonical_url: format!("{base_url}{}", product_path(&detail.summary.slug)),
        og_type: "product",
        og_image: detail
            .images
            .first()
            .map(|i| absolute(&base_url, &media_url(&media, &i.hash, ThumbSize::Detail))),
        json_ld: Some(product_json_ld(&detail, &base_url, &media)),
        robots: None,
    };
    render(
        &state,
        &req,
        "shop/product.html",
        meta,
        "",
        context! {
            product => val(ProductView::new(&detail, &media, note)),
            breadcrumb => val(breadcrumb),
            related_products => val(ProductCardView::list(&detail.related, &media)),
            questions_url => format!("{}/questions", product_path(&detail.summary.slug)),
            reviews => crate::reviews::reviews_view(&state, &reviews, &format!("{}/reviews", product_path(&detail.summary.slug))),
            rules => crate::reviews::rules_view(&state.app.review_policy().await?),
            restock_channels => state.app.restock_channels(),
            notice => detail.notice.iter().map(|(label, value)| context! { label => *label, value => value }).collect::<Vec<_>>(),
            trade_terms => val(state.app.trade_terms().await?),
            max_per_order => detail.max_per_order,
            gift_card => match detail.gift_card {
                Some(face) => Some(context! {
                    face_value => face.get(), sent_to => pins_sent_to(&state, &req).await?,
                }),
                None => None,
            },
        },
    )
    .await
}

/// `GET /search?q=…`.
pub async fn search_products(
    State(state): State<AppState>,
    req: Req,
    Query(params): Query<SearchQueryParams>,
) -> Result<Response, WebError> {
    let query = params.q.unwrap_or_default();
    let query = query.trim();
    let page = page_number(params.page.as_deref());
    let results = state.app.search(query, page).await?;
    let media = state.app.config.media_url();
    let messages = &state.inner.messages;
    let encoded = encode_component(query);
    let pagination = PaginationView::new(&results, |n| {
        if n > 1 {
            format!("/search?q={encoded}&page={n}")
        } else {
            format!("/search?q={encoded}")
        }
    });
    let title = if query.is_empty() {
        messages.get(req.locale, "search.title").to_owned()
    } else {
        format!("{query} - {}", messages.get(req.locale, "search.title"))
    };
    let meta = PageMeta {
        title: format!("{title} - {}", state.app.config.shop.name),
        robots: Some("noindex,follow"),
        ..PageMeta::titled(String::new())
    };
    render(
        &state,
        &req,
        "shop/search.html",
        meta,
        query,
        context! {
            query => query,
            total => results.total,
            products => val(ProductCardView::list(&results.items, &media)),
            pagination => val(pagination),
        },
    )
    .await
}

/// `GET /pages/{slug}`.
pub async fn show_page(
    State(state): State<AppState>,
    req: Req,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    let page = state.app.page(&slug).await?.ok_or(WebError::NotFound)?;
    let meta = PageMeta::titled(format!("{} - {}", page.title, state.app.config.shop.name));
    render(
        &state,
        &req,
        "shop/page.html",
        meta,
        "",
        context! {
            cms_page => context! {
                title => page.title.clone(),
                body_html => page.body_html.clone(),
                updated_at => page.updated_at.to_rfc3339(),
            },
        },
    )
    .await
}

/// A local path to return to: must start with one `/` (no `//host` or `/\host` open redirects).
fn safe_next(next: Option<&str>) -> &str {
    crate::forms::local_path_or(next, "/")
}

/// `GET /lang/{code}?next=/path`: remembers the UI language in a cookie and goes back.
pub async fn switch_locale(
    Path(code): Path<String>,
    Query(query): Query<NextQuery>,
) -> Result<Response, WebError> {
    let locale = Locale::from_code(&code).ok_or(WebError::NotFound)?;
    let target = safe_next(query.next.as_deref());
    let mut response = (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, target.to_owned())],
    )
        .into_response();
    let cookie = format!(
        "lang={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
        locale.code()
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// How paid PINs reach the buyer when the owner sends them in the notice ("이메일·알림톡·문자");
/// `None` when they are shown on the order page only.
pub(crate) async fn pins_sent_to(state: &AppState, req: &Req) -> Result<Option<String>, WebError> {
    let channels: Vec<String> = state
        .app
        .pins_sent_by()
        .await?
        .into_iter()
        .map(|channel| {
            let by = if channel == Channel::Email {
                "email"
            } else {
                "text"
            };
            t(state, req, &format!("product.gift_card.by_{by}"))
        })
        .collect();
    Ok((!channels.is_empty()).then(|| channels.join("·")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_be_local() {
        assert_eq!(safe_next(Some("/products/a?x=1")), "/products/a?x=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn listing_urls_omit_defaults() {
        assert_eq!(
            listing_url("tshirts", ProductSort::New, 1),
            "/categories/tshirts"
        );
        assert_eq!(
            listing_url("tshirts", ProductSort::PriceAsc, 2),
            "/categories/tshirts?sort=price_asc&page=2"
        );
        assert_eq!(
            listing_url("tshirts", ProductSort::New, 3),
            "/categories/tshirts?page=3"
        );
    }
}
