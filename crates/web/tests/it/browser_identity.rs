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
use thirtyfour::components::SelectElement;
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
    let old_page = d.find(By::Css("#gift-card-identity")).await.unwrap();
    click(d, "#gift-card-identity button[type='submit']").await;
    // Read the saved page, not the one the click left.
    old_page.wait_until().stale().await.unwrap();
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

/// The owner caps unverified gift-card buyers at 50,000원 from 상점 설정 and marks the jeans
/// 19세 from the product list, clicking as they would.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_sets_limits_and_marks_adult_goods() {
    let Some((t, _, _fake, _)) = crate::portone_payments::portone_shop(Backend::Sqlite).await
    else {
        return;
    };
    let Some(owner) = crate::browser_admin::owner_browser(&t, 1280, 1000).await else {
        return;
    };
    let d = &owner.driver;
    d.goto(t.url("/admin")).await.unwrap();
    click(d, "nav.admin-nav a[href='/admin/settings']").await;
    let channel = d.find(By::Id("gift-card-identity-channel")).await.unwrap();
    assert!(channel.text().await.unwrap().contains("PortOne"));
    fill(d, "daily_unverified", "50,000").await;
    let form = d.find(By::Id("gift-limits-save")).await.unwrap();
    click(d, "#gift-limits-save").await;
    form.wait_until().stale().await.unwrap();
    d.find(By::Id("gift-card-limits")).await.unwrap();
    let limits = t.app.gift_card_limits().await.unwrap();
    assert_eq!(limits.daily_unverified.get(), 50_000);
    owner.screenshot("admin-gift-limits").await;

    click(d, "nav.admin-nav a[href='/admin/products']").await;
    click(d, "tr[data-product='jeans'] a").await;
    let adult = d.find(By::Id("adult-only")).await.unwrap();
    adult.scroll_into_view().await.unwrap();
    adult.click().await.unwrap();
    // The fixture's jeans lack the 상품정보제공고시 that a product on sale must show.
    let notice = d.find(By::Name("notice_category")).await.unwrap();
    notice.scroll_into_view().await.unwrap();
    SelectElement::new(&notice)
        .await
        .unwrap()
        .select_by_value("other")
        .await
        .unwrap();
    let other = jangteo_core::product_notice::category("other").unwrap();
    for field in other.fields {
        fill(
            d,
            &format!("notice__other__{}", field.key),
            "상세페이지 참조",
        )
        .await;
    }
    click(d, "#product-save").await;
    adult.wait_until().stale().await.unwrap();
    assert!(
        d.find(By::Id("adult-only"))
            .await
            .unwrap()
            .is_selected()
            .await
            .unwrap()
    );
    let jeans = jangteo_db::catalog::products::find_by_slug(&t.app.db, "jeans")
        .await
        .unwrap()
        .unwrap();
    assert!(jeans.adult_only, "saved as 19세");
    owner.quit().await;
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
    let pin = crate::browser_pins::shown_pin(&browser, "gift-pin-phone").await;
    assert_eq!(pin, "1111-2222-3333-4444");
    browser.quit().await;
}

/// The demo shop's 본인인증 on a phone: from My page to the shop's own window (which says it
/// checks nobody) and back, verified; then the gift card bought before shows its PIN after
/// that 본인인증 instead of the password. Screenshots `identity-demo-window-phone.png`,
/// `identity-demo-done-phone.png`, `pins-reveal-choices-phone.png` and `pins-by-identity-phone.png`
/// are looked at.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demo_visitor_verifies_from_my_page() {
    let options = jangteo_testkit::server::TestOptions {
        configure: Some(jangteo_app::Config::enter_demo_mode),
        ..Default::default()
    };
    let Some(t) = jangteo_testkit::TestApp::spawn_with(Backend::Sqlite, options).await else {
        return;
    };
    jangteo_testkit::fixtures::catalog(&t.app).await;
    let member = Shopper::new(&t.url(""));
    crate::checkout::sign_up(&member, "demo-phone@example.com").await;
    let tshirt = jangteo_db::catalog::stock::sku_id_by_code(&t.app.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    crate::gift_checkout::gift_card(&t, tshirt).await;
    crate::checkout::add(&member, tshirt, 1).await;
    let card = [("payment_method", "card")];
    let placed = crate::gift_checkout::place_codes(&member, &card).await;
    let number = crate::checkout::pay(&member, &placed).await;
    let Some(browser) = Browser::phone().await else {
        return;
    };
    let d = &browser.driver;
    crate::browser::as_shopper(d, &t, &member).await;
    d.goto(t.url("/account")).await.unwrap();
    click(d, "#account-identity a").await;
    click(d, "#identity-start").await;
    d.find(By::Id("demo-identity-form")).await.unwrap();
    browser.screenshot("identity-demo-window-phone").await;
    click(d, "#identity-approve").await;
    let done = d.find(By::Id("account-identity")).await.unwrap();
    assert!(done.text().await.unwrap().contains("인증 완료"));
    assert_eq!(d.current_url().await.unwrap().path(), "/account");
    browser.screenshot("identity-demo-done-phone").await;
    d.goto(t.url(&format!("/orders/{number}"))).await.unwrap();
    let choices = d.find(By::Id("pin-reveal-identity")).await.unwrap();
    choices.scroll_into_view().await.unwrap();
    browser.screenshot("pins-reveal-choices-phone").await;
    click(d, "#pin-reveal-identity-button").await;
    let pin = crate::browser_pins::shown_pin(&browser, "pins-by-identity-phone").await;
    assert_eq!(pin, "1111-2222-3333-4444");
    browser.quit().await;
}
