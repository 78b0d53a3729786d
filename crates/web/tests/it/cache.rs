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
