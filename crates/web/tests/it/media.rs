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

/// One request renders every size from a single decode; an original past the pixel budget
/// (stored before the limit, say) is answered 404 instead of being decoded.
async fn one_decode_serves_every_size_and_bombs_are_not_decoded(backend: Backend) {
    let Some((t, _)) = fixture_app(backend).await else {
        return;
    };
    let (_, html) = t.get("/products/short-sleeve").await;
    let main = attr_after(&html, "gallery__main-img", "src").expect("the main product image");
    let hash = main.split('/').rev().nth(1).unwrap().to_owned();
    assert_eq!(
        t.get(&format!("/media/{hash}/list.webp")).await.0,
        StatusCode::OK
    );
    for size in ["list", "detail", "zoom"] {
        let key = format!("thumbs/{hash}/{size}.webp");
        assert!(
            t.app.storage.get(&key).await.unwrap().is_some(),
            "{size} rendered together"
        );
    }

    let bomb = bytes::Bytes::from(jangteo_testkit::fixtures::png_bomb(10_841, 10_841));
    let bomb_hash = jangteo_media::content_hash(&bomb);
    let key = format!("originals/{bomb_hash}.png");
    t.app.storage.put(&key, bomb).await.unwrap();
    let mut tx = t.app.db.begin().await.unwrap();
    jangteo_db::media::upsert(
        &mut tx,
        &jangteo_db::media::NewMedia {
            content_hash: &bomb_hash,
            storage_key: &key,
            mime: "image/png",
            width: 10_841,
            height: 10_841,
            byte_size: 1,
        },
        chrono::Utc::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    for size in ["list", "detail", "zoom"] {
        let status = t.get(&format!("/media/{bomb_hash}/{size}.webp")).await.0;
        assert_eq!(status, StatusCode::NOT_FOUND, "{size}");
    }
}

on_both_backends!(
    thumbnails_are_webp_cached_and_content_addressed,
    one_decode_serves_every_size_and_bombs_are_not_decoded
);

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
