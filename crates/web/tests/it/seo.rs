//! Sitemaps parse as XML and every URL in them answers 200; robots.txt points at them.

use crate::fixture_app;
use jangteo_testkit::server::{TestOptions, client, get_text};
use jangteo_testkit::{Backend, TestApp, fixtures, on_both_backends, shared_demo};
use jangteo_web::WebOptions;
use reqwest::StatusCode;

fn locs(xml: &str, element: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).expect("sitemap parses as XML");
    assert_eq!(doc.root_element().tag_name().name(), element);
    assert_eq!(
        doc.root_element().tag_name().namespace(),
        Some("http://www.sitemaps.org/schemas/sitemap/0.9")
    );
    doc.descendants()
        .filter(|n| n.has_tag_name("loc"))
        .map(|n| n.text().unwrap_or_default().to_owned())
        .collect()
}

async fn every_sitemap_url_answers(backend: Backend) {
    let Some((t, _)) = fixture_app(backend).await else {
        return;
    };
    let (status, xml) = t.get("/sitemap.xml").await;
    assert_eq!(status, StatusCode::OK);
    let urls = locs(&xml, "urlset");
    // Home + 3 categories + 2 pages + 6 listed products.
    assert_eq!(urls.len(), 12, "{urls:#?}");
    assert!(xml.contains("<lastmod>"));
    assert!(!urls.iter().any(|u| u.contains("hidden-tee")));
    for url in urls {
        assert!(url.starts_with(&t.base_url), "{url}");
        assert_eq!(get_text(&t.client, &url).await.0, StatusCode::OK, "{url}");
    }
}

on_both_backends!(every_sitemap_url_answers);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_catalogs_get_a_sitemap_index() {
    let options = TestOptions {
        web: WebOptions {
            sitemap_max_urls: 4,
        },
        ..Default::default()
    };
    let Some(t) = TestApp::spawn_with(Backend::Sqlite, options).await else {
        return;
    };
    fixtures::catalog(&t.app).await;
    let (status, xml) = t.get("/sitemap.xml").await;
    assert_eq!(status, StatusCode::OK);
    let parts = locs(&xml, "sitemapindex");
    assert_eq!(
        parts.len(),
        1 + 2,
        "pages + 6 products in parts of 4: {parts:?}"
    );
    let mut products = 0;
    for part in parts {
        let (status, xml) = get_text(&t.client, &part).await;
        assert_eq!(status, StatusCode::OK, "{part}");
        for url in locs(&xml, "urlset") {
            products += usize::from(url.contains("/products/"));
            assert_eq!(get_text(&t.client, &url).await.0, StatusCode::OK, "{url}");
        }
    }
    assert_eq!(products, 6);
    assert_eq!(
        t.get("/sitemaps/products-3.xml").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get("/sitemaps/products-0.xml").await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_shop_sitemap_urls_all_answer() {
    let Some(demo) = shared_demo(Backend::Sqlite) else {
        return;
    };
    let client = client();
    let (status, xml) = get_text(&client, &demo.url("/sitemap.xml")).await;
    assert_eq!(status, StatusCode::OK);
    let urls = locs(&xml, "urlset");
    assert!(urls.len() > 60 + 8 + 3, "{}", urls.len());
    for url in urls {
        assert_eq!(get_text(&client, &url).await.0, StatusCode::OK, "{url}");
    }
    let (status, robots) = get_text(&client, &demo.url("/robots.txt")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(robots.contains(&format!("Sitemap: {}/sitemap.xml", demo.base_url)));
    assert!(robots.contains("Disallow: /search"));
}
