//! The owner reaches 판매 채널 and 출고 연동 from the menu (issue 18): imports the SmartStore
//! fake's paid order now, sees it listed, hands it to the 3PL (confirming) and finds it preparing;
//! desktop and phone (screenshots `admin-channels.png`, `admin-logistics.png` and
//! `admin-logistics-phone.png` are looked at).

use crate::browser_admin::owner_browser;
use crate::browser_catalog::{accept_the_confirmation, click};
use jangteo_core::order::OrderStatus;
use jangteo_testkit::fake_smartstore::{FakeProductOrder, FakeSmartStore};
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::{Backend, TestApp, fixtures};
use thirtyfour::prelude::*;

#[tokio::test]
async fn the_owner_imports_a_smartstore_order_and_hands_it_to_the_3pl() {
    let store = FakeSmartStore::start().await;
    let options = TestOptions {
        smartstore_base: Some(store.base_url.clone()),
        configure: Some(crate::channel_scenario::with_a_3pl),
        ..TestOptions::default()
    };
    let Some(t) = TestApp::spawn_with(Backend::Sqlite, options).await else {
        return;
    };
    fixtures::catalog(&t.app).await;
    store.pay(FakeProductOrder {
        product_order_id: "PO-5".into(),
        order_id: "2026120700005".into(),
        option_manage_code: "SS-BK-M".into(),
        quantity: 2,
        total: 50_000,
        delivery_fee: 3_000,
    });
    let Some(browser) = owner_browser(&t, 1280, 1000).await else {
        return;
    };
    let d = &browser.driver;
    d.goto(t.url("/admin")).await.unwrap();
    click(d, "nav.admin-nav a[href='/admin/channels']").await;
    click(d, "#channel-import button[type=submit]").await;
    d.find(By::Css(".flash")).await.unwrap();
    let row = d.find(By::Css("#imported-orders tbody tr")).await.unwrap();
    let number = row.attr("data-order").await.unwrap().unwrap();
    assert!(row.text().await.unwrap().contains("2026120700005"));
    browser.screenshot("admin-channels").await;

    click(d, "nav.admin-nav a[href='/admin/logistics']").await;
    let ready = d.find(By::Css("#ready-to-hand-off")).await.unwrap();
    assert!(ready.text().await.unwrap().contains('1'));
    browser.screenshot("admin-logistics").await;
    click(d, "[data-partner='fc'] form button[type=submit]").await;
    accept_the_confirmation(d).await;
    let mut status = OrderStatus::Paid;
    for _ in 0..50 {
        let order = jangteo_db::orders::find_by_number(&t.app.db, &number)
            .await
            .unwrap();
        status = order.unwrap().status;
        if status == OrderStatus::Preparing {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, OrderStatus::Preparing, "handed off: preparing");

    // On a phone-sized window, the page with its sheet ready to download again.
    d.set_window_rect(0, 0, 390, 844).await.unwrap();
    d.goto(t.url("/admin/logistics")).await.unwrap();
    d.find(By::Css("[data-batches]")).await.unwrap();
    browser.screenshot("admin-logistics-phone").await;
    browser.quit().await;
}
