//! Thumbnails: WebP in fixed sizes, generated once, stored, served with immutable caching.

use crate::{attr_after, fixture_app};
use jangteo_testkit::{Backend, on_both_backends};
use reqwest::StatusCode;
use reqwest::header;

async fn thumbnails_are_webp_cached_and_content_addressed(backend: Backend) {
    let Some((t, _)) = fixture_app(backend).await else {
        return;
    };
    let (_, html) = t.get("/products/short-sleeve").await;
    // The main gallery image is the detail size (a single image has no thumbnail strip).
    let main = attr_after(&html, "gallery__main-img", "src").expect("the main product image");
    let hash = main.split('/').rev().nth(1).unwrap().to_owned();
    assert_eq!(hash.len(), 20);
    for size in ["list", "detail", "zoom"] {
        let url = t.url(&format!("/media/{hash}/{size}.webp"));
        let r = t.client.get(&url).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{size}");
        assert_eq!(r.headers()[header::CONTENT_TYPE], "image/webp");
        assert_eq!(
            r.headers()[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        let etag = r.headers()[header::ETAG].clone();
        let bytes = r.bytes().await.unwrap();
        assert_eq!(&bytes[8..12], b"WEBP");
        // Kept in storage: generated once.
        let stored = t
            .app
            .storage
            .get(&format!("thumbs/{hash}/{size}.webp"))
            .await
            .unwrap()
            .expect("stored thumbnail");
        assert_eq!(stored, bytes);
        let again = t
            .client
            .get(&url)
            .header(header::IF_NONE_MATCH, etag)
            .send()
            .await
            .unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    }
    assert_eq!(
        t.get(&format!("/media/{hash}/huge.webp")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get("/media/ffffffffffffffffffff/list.webp").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get("/media/..%2F..%2Fetc/list.webp").await.0,
        StatusCode::NOT_FOUND
    );
}

on_both_backends!(thumbnails_are_webp_cached_and_content_addressed);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn image_urls_use_the_configured_public_base() {
    use jangteo_testkit::server::TestOptions;
    let options = TestOptions {
        configure: Some(|c| c.media.public_url = Some("https://cdn.example.com/media/".into())),
        ..Default::default()
    };
    let Some(t) = jangteo_testkit::TestApp::spawn_with(Backend::Sqlite, options).await else {
        return;
    };
    jangteo_testkit::fixtures::catalog(&t.app).await;
    let (_, html) = t.get("/products/short-sleeve").await;
    assert!(
        html.contains("https://cdn.example.com/media/"),
        "CDN prefix in image URLs"
    );
    assert!(!html.contains("https://cdn.example.com/media//"));
}
