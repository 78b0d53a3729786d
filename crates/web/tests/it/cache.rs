//! Cached catalog data is invalidated when it changes.

use crate::fixture_app;
use jangteo_core::Won;
use jangteo_core::catalog::Price;
use jangteo_testkit::{Backend, on_both_backends};

async fn price_changes_show_at_once(backend: Backend) {
    let Some((t, c)) = fixture_app(backend).await else {
        return;
    };
    let (_, before) = t.get("/products/jeans").await;
    assert!(before.contains("59,000원"));
    let (_, listing) = t.get("/categories/clothes").await;
    assert!(listing.contains("59,000원"));
    // Served from cache now; a change through the use case must still show immediately.
    t.app
        .update_product_price(c.jeans, Price::new(Won(64_000), Some(Won(48_000))))
        .await
        .unwrap();
    let (_, after) = t.get("/products/jeans").await;
    assert!(
        after.contains("48,000원") && after.contains("64,000원"),
        "product page refreshed"
    );
    assert!(!after.contains("59,000원"));
    let (_, listing) = t.get("/categories/clothes").await;
    assert!(
        listing.contains("48,000원") && !listing.contains("59,000원"),
        "listing refreshed"
    );
    let (_, home) = t.get("/").await;
    assert!(!home.contains("59,000원"), "home refreshed");
}

on_both_backends!(price_changes_show_at_once);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_instances_drop_their_caches_at_once_on_postgres() {
    let Some((t, c)) = fixture_app(Backend::Postgres).await else {
        return;
    };
    // A second instance of the shop on the same database, with a long cache TTL.
    let mut config = (*t.app.config).clone();
    config.cache_ttl_seconds = 3_600;
    let other = jangteo_app::App::new(t.app.db.clone(), config).unwrap();
    let _listening = other
        .spawn_cache_listener()
        .expect("PostgreSQL instances listen");
    let cached = other.product_detail("jeans").await.unwrap().unwrap();
    assert_eq!(cached.summary.price.effective(), Won(59_000));
    // Give the listener a moment to subscribe, then change the price on the first instance.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    t.app
        .update_product_price(c.jeans, Price::new(Won(70_000), None))
        .await
        .unwrap();
    let mut seen = Won(0);
    for _ in 0..50 {
        seen = other
            .product_detail("jeans")
            .await
            .unwrap()
            .unwrap()
            .summary
            .price
            .effective();
        if seen == Won(70_000) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        seen,
        Won(70_000),
        "the second instance saw the change well before its TTL"
    );
}
