//! Buying in headless Chromium on the demo shop: sign up → two products with options → coupon +
//! points → pay with the test card → the paid order; then a virtual account through its deposit.

use jangteo_app::demo::DemoOptions;
use jangteo_core::Won;
use jangteo_testkit::browser::Browser;
use jangteo_testkit::{Backend, TestApp};
use std::time::Duration;
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

/// Picks option values until the chosen SKU is in stock, then adds it to the cart.
async fn add_with_options(d: &WebDriver, url: &str) {
    d.goto(url).await.unwrap();
    let selects = d.find_all(By::Css("select.option-select")).await.unwrap();
    assert!(!selects.is_empty(), "{url} has options");
    let counts = {
        let mut v = Vec::new();
        for s in &selects {
            v.push(s.find_all(By::Css("option")).await.unwrap().len() - 1);
        }
        v
    };
    'combos: for first in 0..counts[0] {
        for second in 0..counts.get(1).copied().unwrap_or(1) {
            for (i, pick) in [first, second].iter().enumerate().take(selects.len()) {
                SelectElement::new(&selects[i])
                    .await
                    .unwrap()
                    .select_by_index(u32::try_from(pick + 1).unwrap())
                    .await
                    .unwrap();
            }
            let stock = d
                .find(By::Css("#selected-stock"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            if stock.trim() != "품절" {
                break 'combos;
            }
        }
    }
    d.find(By::Css("#add-to-cart"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    d.find(By::Css(".cart-line")).await.unwrap();
}

/// The order number the completion page shows.
pub(crate) async fn shown_order_number(d: &WebDriver) -> String {
    d.find(By::Css("#order-number"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .trim()
        .to_owned()
}

pub(crate) async fn fill(d: &WebDriver, name: &str, value: &str) {
    let input = d.find(By::Name(name)).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(value).await.unwrap();
}

async fn fill_address(d: &WebDriver) {
    fill(d, "recipient_name", "이수령").await;
    fill(d, "recipient_mobile", "010-9876-5432").await;
    fill(d, "postcode", "06236").await;
    fill(d, "address1", "서울 강남구 테헤란로 152").await;
    fill(d, "address2", "12층").await;
}

async fn place_and_wait(d: &WebDriver) {
    // Guests also consent to the order's personal data (members did at sign-up).
    for name in ["agree_guest_privacy", "agree"] {
        let Ok(agree) = d.find(By::Name(name)).await else {
            continue;
        };
        agree.scroll_into_view().await.unwrap();
        if !agree.is_selected().await.unwrap() {
            agree.click().await.unwrap();
        }
    }
    let button = d.find(By::Css("#place-order")).await.unwrap();
    button.scroll_into_view().await.unwrap();
    button.click().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn member_buys_with_coupon_points_card_and_virtual_account() {
    let Some(t) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    t.app.load_demo(&DemoOptions::default()).await.unwrap();
    let Some(browser) = Browser::start(1280, 900, false).await else {
        return;
    };
    let d = &browser.driver;
    d.set_implicit_wait_timeout(Duration::from_secs(10))
        .await
        .unwrap();
    signs_up(&browser, &t).await;
    two_products_with_options_to_checkout(&browser, &t).await;
    coupon_and_points_in_the_summary(&browser).await;
    pays_with_the_test_card(&browser, &t).await;
    virtual_account_waits_for_deposit(&browser, &t).await;
    demo_deposit_pays_the_order(&browser).await;
    browser.quit().await;
}

/// Sign up.
async fn signs_up(browser: &Browser, t: &TestApp) {
    let d = &browser.driver;
    d.goto(t.url("/account/signup")).await.unwrap();
    fill(d, "email", "browser@example.com").await;
    fill(d, "password", "secret1234").await;
    fill(d, "password_confirm", "secret1234").await;
    fill(d, "name", "박구매").await;
    fill(d, "mobile", "010-2222-3333").await;
    for name in ["confirm_age", "agree_terms", "agree_privacy"] {
        let cb = d.find(By::Name(name)).await.unwrap();
        cb.scroll_into_view().await.unwrap();
        cb.click().await.unwrap();
    }
    browser.screenshot("signup-filled").await;
    d.find(By::Css(
        "form[action='/account/signup'] button[type='submit']",
    ))
    .await
    .unwrap()
    .click()
    .await
    .unwrap();
    d.find(By::Css("a.header-account")).await.unwrap();
}

/// Two products with options, then on to checkout.
async fn two_products_with_options_to_checkout(browser: &Browser, t: &TestApp) {
    let d = &browser.driver;
    add_with_options(d, &t.url("/products/overfit-cotton-tshirt")).await;
    add_with_options(d, &t.url("/products/wide-cotton-pants")).await;
    assert_eq!(d.find_all(By::Css(".cart-line")).await.unwrap().len(), 2);
    browser.screenshot("cart").await;
    d.find(By::Css("a.checkout-button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Checkout with a coupon code and points: the summary shows them.
async fn coupon_and_points_in_the_summary(browser: &Browser) {
    let d = &browser.driver;
    d.find(By::Css("#checkout-form")).await.unwrap();
    fill_address(d).await;
    fill(d, "coupon_code", "WELCOME10").await;
    fill(d, "points", "1000").await;
    let apply = d.find(By::Css("button[name='recalculate']")).await.unwrap();
    apply.scroll_into_view().await.unwrap();
    apply.click().await.unwrap();
    // Back at the discounts, saying so, not at the top of the page.
    let applied = d.find(By::Id("discount-applied")).await.unwrap();
    assert!(
        applied
            .text()
            .await
            .unwrap()
            .contains("할인을 적용했습니다")
    );
    assert_eq!(d.current_url().await.unwrap().fragment(), Some("discounts"));
    assert!(crate::browser::in_view(d, "discount-applied").await);
    let summary = d
        .find(By::Css("#checkout-total"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(summary.contains('원'), "{summary}");
    let page = d.source().await.unwrap();
    assert!(
        page.contains("-1,000원") || page.contains("1,000원"),
        "points shown in the summary"
    );
    browser.screenshot("checkout").await;
}

/// The test card pays the order, which then shows as paid with the coupon and points.
async fn pays_with_the_test_card(browser: &Browser, t: &TestApp) {
    let d = &browser.driver;
    place_and_wait(d).await;
    d.find(By::Css("#test-approve")).await.unwrap();
    browser.screenshot("test-gateway").await;
    d.find(By::Css("#test-approve"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let number = shown_order_number(d).await;
    browser.screenshot("order-complete").await;
    d.goto(t.url(&format!("/orders/{}", number.trim())))
        .await
        .unwrap();
    let status = d
        .find(By::Css("#order-status"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(status.trim(), "결제완료");
    browser.screenshot("order-paid").await;
    let order = jangteo_db::orders::find_by_number(&t.app.db, number.trim())
        .await
        .unwrap()
        .unwrap();
    assert!(
        order.coupon_discount > Won::ZERO && order.points_used == 1_000,
        "{order:?}"
    );
}

/// A virtual account waits for its deposit on the order page.
async fn virtual_account_waits_for_deposit(browser: &Browser, t: &TestApp) {
    let d = &browser.driver;
    add_with_options(d, &t.url("/products/stripe-shirt")).await;
    d.goto(t.url("/checkout")).await.unwrap();
    fill_address(d).await;
    let va = d
        .find(By::Css(
            "input[name='payment_method'][value='virtual_account']",
        ))
        .await
        .unwrap();
    va.scroll_into_view().await.unwrap();
    va.click().await.unwrap();
    place_and_wait(d).await;
    let number = shown_order_number(d).await;
    assert!(d.source().await.unwrap().contains("테스트은행"));
    let copy = d.find(By::Css(".deposit-box__copy")).await.unwrap();
    copy.click().await.unwrap();
    copy.wait_until().has_text("복사했습니다").await.unwrap();
    browser.screenshot("virtual-account").await;
    d.goto(t.url(&format!("/orders/{}", number.trim())))
        .await
        .unwrap();
    assert_eq!(
        d.find(By::Css("#order-status"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
            .trim(),
        "입금대기"
    );
}

/// The demo's deposit button pays the virtual account.
async fn demo_deposit_pays_the_order(browser: &Browser) {
    let d = &browser.driver;
    let deposit = d.find(By::Css("form.demo-deposit button")).await.unwrap();
    deposit.scroll_into_view().await.unwrap();
    deposit.click().await.unwrap();
    // The button posts and the page reloads: wait for the new page's status.
    let mut status = String::new();
    for _ in 0..30 {
        if let Ok(el) = d.find(By::Css("#order-status")).await
            && let Ok(text) = el.text().await
        {
            status = text.trim().to_owned();
            if status == "결제완료" {
                break;
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(status, "결제완료");
    browser.screenshot("virtual-account-paid").await;
}
