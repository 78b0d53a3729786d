//! Product pages tell shoppers a stock level ("구매 가능", "품절 임박", "품절"), never the count;
//! the owner sets the "품절 임박" threshold on the settings page, and only the owner may.

use crate::checkout::shop;
use jangteo_db::catalog::stock;
use jangteo_testkit::shopper::staff_session;
use jangteo_testkit::{Backend, TestApp, on_both_backends};

async fn set_stock(t: &TestApp, sku: i64, n: i64) {
    let mut tx = t.app.db.begin().await.unwrap();
    stock::set_stock(&mut tx, sku, n).await.unwrap();
    tx.commit().await.unwrap();
    t.app.invalidate_catalog();
}

/// The text from `start` to the next `end` in `html`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let at = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} on the page"));
    let rest = &html[at..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// The single T-shirt's page: its stock as the buy box and the option table tell it, and the
/// quantity field.
async fn tshirt_page(t: &TestApp) -> (String, String) {
    let (status, html) = t.get("/products/tshirt").await;
    assert_eq!(status, 200);
    let data = between(&html, "id=\"sku-data\"", "</script>");
    assert!(!data.contains("\"stock\""), "no count in the data: {data}");
    let told = format!(
        "{} | {}",
        between(&html, "id=\"selected-stock\"", "</dd>"),
        between(&html, "class=\"sku-table__stock\"", "</td>")
    );
    let quantity = between(&html, "id=\"quantity\"", ">").to_owned();
    (told, quantity)
}

async fn pages_show_a_level_and_the_owner_sets_it(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    set_stock(&t, tshirt, 37).await;
    let (told, quantity) = tshirt_page(&t).await;
    assert!(told.contains("구매 가능") && !told.contains("37"), "{told}");
    assert!(quantity.contains("max=\"99\""), "no count: {quantity}");

    set_stock(&t, tshirt, 3).await;
    let (told, quantity) = tshirt_page(&t).await;
    assert!(
        told.contains("품절 임박") && !told.contains("구매 가능"),
        "{told}"
    );
    assert!(
        quantity.contains("max=\"3\""),
        "stops at what is left: {quantity}"
    );

    // The owner lowers the threshold; a mistyped number is refused with what was typed kept.
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let settings = owner.get("/admin/settings").await;
    assert!(settings.body.contains("name=\"low_stock_threshold\""));
    assert!(settings.body.contains("value=\"5\""));
    let refused = owner
        .post(
            "/admin/settings/stock-display",
            &[("low_stock_threshold", "-3")],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .body
            .contains("0에서 9,999 사이의 수량을 입력해 주세요")
    );
    assert!(refused.body.contains("value=\"-3\""), "kept as typed");
    let saved = owner
        .post(
            "/admin/settings/stock-display",
            &[("low_stock_threshold", "2")],
        )
        .await;
    assert_eq!(saved.status, 303);
    assert_eq!(t.app.low_stock_threshold().await.unwrap(), 2);
    let (told, _) = tshirt_page(&t).await;
    assert!(
        told.contains("구매 가능") && !told.contains("품절 임박"),
        "at once: {told}"
    );
    let audit = owner.get("/admin/audit").await.body;
    assert!(audit.contains("settings.low_stock_threshold"));

    // A role without settings access cannot change it.
    let (marketing, _) = staff_session(&t, "marketing@example.com", "marketing").await;
    let r = marketing
        .post(
            "/admin/settings/stock-display",
            &[("low_stock_threshold", "50")],
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(t.app.low_stock_threshold().await.unwrap(), 2);
}

on_both_backends!(pages_show_a_level_and_the_owner_sets_it);
