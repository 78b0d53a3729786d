//! A member keeps a product with 찜하기 on a phone, finds it under My page › 찜한 상품 and sees
//! it among 최근 본 상품, and asks for a restock alert on a sold-out SKU (screenshots
//! `wishlist-phone.png`, `recently-viewed-phone.png` and `restock-phone.png` are looked at).

use crate::browser_catalog::click;
use crate::checkout::{shop, sign_up};
use jangteo_testkit::Backend;
use jangteo_testkit::shopper::Shopper;
use thirtyfour::prelude::*;

#[tokio::test]
async fn a_member_keeps_a_product_and_finds_it_again() {
    let Some((t, _)) = shop(Backend::Sqlite).await else {
        return;
    };
    let member = Shopper::new(&t.url(""));
    sign_up(&member, "wish-phone@example.com").await;
    let Some(browser) = jangteo_testkit::browser::Browser::phone().await else {
        return;
    };
    let d = &browser.driver;
    crate::browser::as_shopper(d, &t, &member).await;
    d.goto(t.url("/products/tshirt")).await.unwrap();
    click(d, "#wishlist-keep button").await;
    let flash = d.find(By::Css(".flash")).await.unwrap();
    assert!(
        flash
            .text()
            .await
            .unwrap()
            .contains("찜한 상품에 담았습니다")
    );
    d.goto(t.url("/account")).await.unwrap();
    click(d, ".account-nav a[href='/account/wishlist']").await;
    let kept = d
        .find(By::Css("#wishlist .product-grid__item"))
        .await
        .unwrap();
    assert!(kept.text().await.unwrap().contains("티셔츠"));
    browser.screenshot("wishlist-phone").await;
    click(d, ".account-nav a[href='/account']").await;
    let recent = d.find(By::Id("recently-viewed")).await.unwrap();
    recent.scroll_into_view().await.unwrap();
    assert!(recent.text().await.unwrap().contains("티셔츠"));
    browser.screenshot("recently-viewed-phone").await;

    // Sold out: the SKU's row takes a restock alert.
    let tshirt = jangteo_db::catalog::stock::sku_id_by_code(&t.app.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    let staff = jangteo_app::auth::StaffActor::system("restock-test");
    let stock = jangteo_db::catalog::stock::stock_of(&t.app.db, tshirt)
        .await
        .unwrap()
        .unwrap();
    t.app
        .adjust_stock(&staff, tshirt, -stock, "품절")
        .await
        .unwrap();
    d.goto(t.url("/products/tshirt")).await.unwrap();
    click(d, "[data-restock] button").await;
    let flash = d.find(By::Css(".flash")).await.unwrap();
    assert!(
        flash
            .text()
            .await
            .unwrap()
            .contains("재입고 알림을 신청했습니다")
    );
    browser.screenshot("restock-phone").await;
    browser.quit().await;
}
