//! Buying a gift card with 본인인증 in headless Chromium (PortOne's fake plays the carrier
//! window): the owner asks it from 상점 설정 on a desktop; a member on a phone goes from the
//! product to the checkout, is sent to verify, verifies in the window, pays by card in PortOne's
//! window and reveals the PIN. Screenshots `admin-gift-identity.png`, `identity-phone.png`,
//! `identity-window-phone.png`, `checkout-verified-phone.png` and `gift-pin-phone.png` are
//! looked at.

use crate::browser_catalog::click;
use crate::browser_checkout::fill;
use jangteo_testkit::Backend;
use jangteo_testkit::browser::Browser;
use jangteo_testkit::shopper::Shopper;
use thirtyfour::prelude::*;

/// The owner turns on 본인인증 before gift cards from the settings menu.
async fn owner_asks_identity(t: &jangteo_testkit::TestApp) {
    let Some(owner) = crate::browser_admin::owner_browser(t, 1280, 1000).await else {
        return;
    };
    let d = &owner.driver;
    d.goto(t.url("/admin")).await.unwrap();
    click(d, "nav.admin-nav a[href='/admin/settings']").await;
    let required = d
        .find(By::Css("#gift-card-identity input[name='required']"))
        .await
        .unwrap();
    required.scroll_into_view().await.unwrap();
    required.click().await.unwrap();
    click(d, "#gift-card-identity button[type='submit']").await;
    let saved = d
        .find(By::Css("#gift-card-identity input[name='required']"))
        .await
        .unwrap();
    saved.scroll_into_view().await.unwrap();
    assert!(saved.is_selected().await.unwrap());
    owner.screenshot("admin-gift-identity").await;
    owner.quit().await;
    assert!(t.app.gift_cards_need_identity().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_buys_a_gift_card_after_identity_verification() {
    let Some((t, tshirt, _fake, _)) = crate::portone_payments::portone_shop(Backend::Sqlite).await
    else {
        return;
    };
    crate::gift_checkout::gift_card(&t, tshirt).await;
    owner_asks_identity(&t).await;
    if !t.app.gift_cards_need_identity().await.unwrap() {
        return; // no browser
    }
    let buyer = Shopper::new(&t.url(""));
    crate::checkout::sign_up(&buyer, "phone-identity@example.com").await;
    let Some(browser) = Browser::phone().await else {
        return;
    };
    let d = &browser.driver;
    crate::browser::as_shopper(d, &t, &buyer).await;
    d.goto(t.url("/products/tshirt")).await.unwrap();
    click(d, "#add-to-cart").await;
    d.find(By::Css(".cart-line")).await.unwrap();
    d.goto(t.url("/checkout")).await.unwrap();
    // Sent to verify first, told why.
    d.find(By::Id("identity-start")).await.unwrap();
    assert!(
        d.current_url()
            .await
            .unwrap()
            .path()
            .starts_with("/identity")
    );
    browser.screenshot("identity-phone").await;
    click(d, "#identity-start").await;
    // The shop's page opens PortOne's window by itself.
    d.find(By::Id("identity-approve")).await.unwrap();
    browser.screenshot("identity-window-phone").await;
    click(d, "#identity-approve").await;
    // Back at the checkout, verified.
    d.find(By::Id("codes-delivery")).await.unwrap();
    let flash = d.find(By::Css(".flash--success")).await;
    assert!(flash.is_ok(), "the verification is acknowledged");
    click(d, "input[name='payment_method'][value='card']").await;
    let agree = d.find(By::Name("agree")).await.unwrap();
    agree.scroll_into_view().await.unwrap();
    if !agree.is_selected().await.unwrap() {
        agree.click().await.unwrap();
    }
    browser.screenshot("checkout-verified-phone").await;
    click(d, "#place-order").await;
    click(d, "#portone-approve").await;
    let number = crate::browser_checkout::shown_order_number(d).await;
    assert_eq!(crate::checkout::status_of(&t, &number).await, "delivered");
    d.goto(t.url(&format!("/orders/{number}"))).await.unwrap();
    fill(d, "password", crate::checkout::PASSWORD).await;
    click(d, "#pin-reveal-button").await;
    let pin = d.find(By::Css("#revealed-pins [data-pin]")).await.unwrap();
    assert_eq!(pin.text().await.unwrap(), "1111-2222-3333-4444");
    d.find(By::Id("pins"))
        .await
        .unwrap()
        .scroll_into_view()
        .await
        .unwrap();
    browser.screenshot("gift-pin-phone").await;
    browser.quit().await;
}
