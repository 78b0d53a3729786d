//! The owner reaches the shop settings and the shipping settings from the back-office menu in a
//! real browser, turns a payment method off, sets the "품절 임박" threshold and sees the island
//! table (screenshots `admin-settings.png`, `product-low-stock.png` and `admin-shipping.png` are
//! looked at).

use thirtyfour::prelude::*;

#[tokio::test]
async fn the_owner_clicks_through_shop_and_shipping_settings() {
    let Some((t, browser)) = crate::browser_admin::owner_on_the_dashboard().await else {
        return;
    };
    let d = &browser.driver;
    // The dashboard says what is missing and leads to the settings.
    d.find(By::Css("#readiness [data-readiness='test_payments']"))
        .await
        .unwrap();
    d.find(By::Css("nav.admin-nav a[href='/admin/settings']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let card = d.find(By::Css("input[name='method_card']")).await.unwrap();
    assert!(card.is_selected().await.unwrap(), "every method starts on");
    card.click().await.unwrap();
    d.find(By::Css("#payment-methods button[type='submit']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The old page's checkbox goes stale once the saved page replaces it.
    card.wait_until().stale().await.unwrap();
    let card = d.find(By::Css("input[name='method_card']")).await.unwrap();
    assert!(!card.is_selected().await.unwrap(), "saved off");
    browser.screenshot("admin-settings").await;
    assert_eq!(
        t.app.payment_methods().await.unwrap(),
        [
            "transfer",
            "kakao_pay",
            "naver_pay",
            "easy_pay",
            "virtual_account",
            "bank_deposit"
        ]
    );

    // The "품절 임박" threshold: the T-shirt's 10 units are "almost gone" below 50.
    let threshold = d
        .find(By::Css("#stock-display input[name='low_stock_threshold']"))
        .await
        .unwrap();
    threshold.clear().await.unwrap();
    threshold.send_keys("50").await.unwrap();
    d.find(By::Css("#stock-display button[type='submit']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    threshold.wait_until().stale().await.unwrap();
    assert_eq!(t.app.low_stock_threshold().await.unwrap(), 50);
    d.goto(t.url("/products/tshirt")).await.unwrap();
    let told = d
        .find(By::Id("selected-stock"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(told.trim(), "품절 임박");
    browser.screenshot("product-low-stock").await;
    d.back().await.unwrap();
    // Back restores the scroll position; the menu sits under the sticky top bar from there.
    d.execute("window.scrollTo(0, 0)", Vec::new())
        .await
        .unwrap();

    d.find(By::Css("nav.admin-nav a[href='/admin/shipping']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    d.find(By::Css("#profiles tr[data-profile]")).await.unwrap();
    let areas = d
        .find(By::Css("textarea[name='remote_areas']"))
        .await
        .unwrap();
    let text = areas.prop("value").await.unwrap().unwrap_or_default();
    assert!(text.contains("63000-63644 3000 제주") && text.contains("울릉"));
    browser.screenshot("admin-shipping").await;
    browser.quit().await;
}
