//! `/sitemap.xml` (a sitemap index beyond the protocol's URL limit) and `/robots.txt`.

use crate::state::AppState;
use crate::views::{category_path, product_path};
use crate::web_error::WebError;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};
use std::fmt::Write;

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

fn xml(body: String) -> Response {
    let mut r = body.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml; charset=utf-8"),
    );
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

struct UrlSet(String);

impl UrlSet {
    fn new() -> Self {
        Self(String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        ))
    }

    fn push(&mut self, loc: &str, lastmod: Option<DateTime<Utc>>) {
        let _ = write!(self.0, "  <url><loc>{}</loc>", xml_escape(loc));
        if let Some(at) = lastmod {
            let _ = write!(
                self.0,
                "<lastmod>{}</lastmod>",
                at.to_rfc3339_opts(SecondsFormat::Secs, true)
            );
        }
        self.0.push_str("</url>\n");
    }

    fn finish(mut self) -> String {
        self.0.push_str("</urlset>\n");
        self.0
    }
}

/// Home, categories and pages.
async fn static_urls(state: &AppState, set: &mut UrlSet) -> Result<usize, WebError> {
    let base = state.app.config.base_url();
    set.push(&format!("{base}/"), None);
    let tree = state.app.category_tree().await?;
    for c in tree.all() {
        set.push(
            &format!("{base}{}", category_path(&c.slug)),
            Some(c.updated_at),
        );
    }
    let pages = state.app.published_pages().await?;
    for p in pages.iter() {
        set.push(&format!("{base}/pages/{}", p.slug), Some(p.updated_at));
    }
    Ok(1 + tree.all().len() + pages.len())
}

async fn product_urls(
    state: &AppState,
    set: &mut UrlSet,
    offset: u64,
    limit: u64,
) -> Result<(), WebError> {
    let base = state.app.config.base_url();
    // Read in slices so a huge catalog never sits in memory at once.
    let mut done = 0;
    while done < limit {
        let slice = state
            .app
            .sitemap_products(offset + done, (limit - done).min(5_000))
            .await?;
        if slice.is_empty() {
            break;
        }
        done += slice.len() as u64;
        for p in slice {
            set.push(
                &format!("{base}{}", product_path(&p.slug)),
                Some(p.updated_at),
            );
        }
    }
    Ok(())
}

/// `GET /sitemap.xml`.
pub async fn show_sitemap(State(state): State<AppState>) -> Result<Response, WebError> {
    let max = state.inner.options.sitemap_max_urls.max(1) as u64;
    let products = state.app.listed_product_count().await?;
    let mut set = UrlSet::new();
    let static_count = static_urls(&state, &mut set).await? as u64;
    if static_count + products <= max {
        product_urls(&state, &mut set, 0, products).await?;
        return Ok(xml(set.finish()));
    }
    let base = xml_escape(&state.app.config.base_url());
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let _ = writeln!(
        index,
        "  <sitemap><loc>{base}/sitemaps/pages.xml</loc></sitemap>"
    );
    for n in 1..=products.div_ceil(max) {
        let _ = writeln!(
            index,
            "  <sitemap><loc>{base}/sitemaps/products-{n}.xml</loc></sitemap>"
        );
    }
    index.push_str("</sitemapindex>\n");
    Ok(xml(index))
}

/// `GET /sitemaps/pages.xml` and `GET /sitemaps/products-{n}.xml` (parts of the index).
pub async fn show_sitemap_part(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response, WebError> {
    let max = state.inner.options.sitemap_max_urls.max(1) as u64;
    let mut set = UrlSet::new();
    if file == "pages.xml" {
        static_urls(&state, &mut set).await?;
        return Ok(xml(set.finish()));
    }
    let n: u64 = file
        .strip_prefix("products-")
        .and_then(|f| f.strip_suffix(".xml"))
        .and_then(|n| n.parse().ok())
        .filter(|n| *n >= 1)
        .ok_or(WebError::NotFound)?;
    let products = state.app.listed_product_count().await?;
    if (n - 1) * max >= products {
        return Err(WebError::NotFound);
    }
    product_urls(&state, &mut set, (n - 1) * max, max).await?;
    Ok(xml(set.finish()))
}

/// `GET /robots.txt`.
pub async fn show_robots(State(state): State<AppState>) -> Response {
    let base = state.app.config.base_url();
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /search\nDisallow: /admin\nDisallow: /lang/\n\nSitemap: {base}/sitemap.xml\n"
    );
    let mut r = body.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}
