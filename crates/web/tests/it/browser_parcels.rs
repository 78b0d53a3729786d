//! An order shipped in two parcels, in headless Chromium: the owner opens the paid order from the
//! order list, leaves the jeans out of the first parcel, ships the T-shirt with its waybill (the
//! order stays in preparation and lists the parcel), then ships the jeans with another; the
//! buyer sees both parcels with their tracking on a phone.

use crate::browser::as_shopper;
use crate::browser_admin::owner_browser;
use crate::browser_checkout::fill;
use crate::checkout::shop;
use jangteo_db::catalog::stock::sku_id_by_code;
use jangteo_testkit::browser::Browser;
use jangteo_testkit::{Backend, TestApp};
use thirtyfour::prelude::*;

async fn text_of(d: &WebDriver, id: &str) -> String {
    d.find(By::Id(id)).await.unwrap().text().await.unwrap()
}

/// Fills carrier and waybill and sends the parcel; waits for the page after it.
async fn ship(browser: &Browser, waybill: &str) {
    let d = &browser.driver;
    let form = d.find(By::Id("ship-form")).await.unwrap();
    fill(d, "waybill", waybill).await;
    d.find(By::Id("ship-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    form.wait_until().stale().await.unwrap();
}

/// The owner sends the T-shirt first, then the jeans.
async fn owner_ships_two_parcels(browser: &Browser, t: &TestApp, number: &str, jeans_line: i64) {
    let d = &browser.driver;
    d.goto(t.url("/admin/orders?status=paid")).await.unwrap();
    d.find(By::Css(format!("tr[data-order='{number}'] a")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let lines = text_of(d, "ship-lines").await;
    assert!(
        lines.contains("이번에 보낼 상품") && lines.contains("청바지"),
        "{lines}"
    );
    d.find(By::Css(format!("input[name='line.{jeans_line}']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.screenshot("admin-order-parcel-choice").await;
    ship(browser, "1111-2222-3333").await;
    let shipments = text_of(d, "shipments").await;
    assert!(
        shipments.contains("111122223333") && !shipments.contains("청바지"),
        "{shipments}"
    );
    assert_eq!(text_of(d, "order-status").await, "상품준비중");
    browser.screenshot("admin-order-first-parcel").await;

    // One line is left: no choice to make, the next waybill carries it.
    assert!(d.find_all(By::Id("ship-lines")).await.unwrap().is_empty());
    ship(browser, "4444-5555-6666").await;
    assert_eq!(text_of(d, "order-status").await, "배송중");
    let shipments = text_of(d, "shipments").await;
    assert!(
        shipments.contains("444455556666") && shipments.contains("청바지"),
        "{shipments}"
    );
}

#[tokio::test]
async fn an_order_leaves_in_two_parcels_in_a_browser() {
    let Some((t, tshirt)) = shop(Backend::Sqlite).await else {
        return;
    };
    let (buyer, number) =
        crate::partial_shipments::tshirt_and_jeans_paid(&t, tshirt, "two-parcels@example.com")
            .await;
    let jeans = sku_id_by_code(&t.app.db, "JEANS").await.unwrap().unwrap();
    let jeans_line = crate::partial_shipments::line_of(&t, &number, jeans).await;

    let Some(browser) = owner_browser(&t, 1280, 1000).await else {
        return;
    };
    owner_ships_two_parcels(&browser, &t, &number, jeans_line).await;
    browser.quit().await;

    let Some(phone) = Browser::start(390, 844, true).await else {
        return;
    };
    let d = &phone.driver;
    as_shopper(d, &t, &buyer).await;
    d.goto(t.url(&format!("/orders/{number}"))).await.unwrap();
    let parcels = text_of(d, "order-parcels").await;
    assert!(
        parcels.contains("1번째 상자") && parcels.contains("2번째 상자"),
        "{parcels}"
    );
    assert_eq!(
        d.find_all(By::Css(".order-parcel .order-track"))
            .await
            .unwrap()
            .len(),
        2
    );
    d.find(By::Id("order-parcels"))
        .await
        .unwrap()
        .scroll_into_view()
        .await
        .unwrap();
    phone.screenshot("order-parcels-phone").await;
    phone.quit().await;
}
