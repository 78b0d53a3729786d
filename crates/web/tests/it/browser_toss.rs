//! Toss Payments in headless Chromium (through its fake): the owner reaches 설정 → 결제 대행사 from
//! the menu and enters the keys; a guest pays by card through the payment window on a desktop
//! and by account transfer on a phone; a virtual account waits for its deposit callback.
//! Screenshots `admin-gateway.png`, `toss-window.png`, `toss-paid.png`, `toss-phone-window.png`
//! and `toss-virtual-account.png` are looked at.

use crate::browser_checkout::fill;
use crate::checkout::{ADDRESS, status_of};
use jangteo_testkit::Backend;
use jangteo_testkit::browser::Browser;
use jangteo_testkit::fake_toss::{TOSS_CLIENT_KEY, TOSS_SECRET_KEY};
use std::time::Duration;
use thirtyfour::prelude::*;

pub(crate) async fn click(d: &WebDriver, css: &str) {
    let e = d.find(By::Css(css)).await.unwrap();
    e.scroll_into_view().await.unwrap();
    e.click().await.unwrap();
}

/// The owner sets Toss from the dashboard's menu.
async fn owner_enters_the_keys(browser: &Browser, t: &jangteo_testkit::TestApp) {
    let d = &browser.driver;
    d.goto(t.url("/admin")).await.unwrap();
    click(d, "nav.admin-nav a[href='/admin/settings']").await;
    click(d, "#gateway-settings-link").await;
    click(d, "input[name='provider'][value='toss']").await;
    fill(d, "toss_client_key", TOSS_CLIENT_KEY).await;
    fill(d, "toss_secret_key", "test_sk_typo").await;
    click(d, "#gateway-save").await;
    // Refused by Toss: the typed client key stays, the secret is asked again.
    let error = d.find(By::Css(".field__error")).await.unwrap();
    assert!(
        error.text().await.unwrap().contains("거절"),
        "{}",
        error.text().await.unwrap()
    );
    let kept = d.find(By::Name("toss_client_key")).await.unwrap();
    assert_eq!(
        kept.value().await.unwrap().as_deref(),
        Some(TOSS_CLIENT_KEY)
    );
    fill(d, "toss_secret_key", TOSS_SECRET_KEY).await;
    click(d, "#gateway-save").await;
    d.find(By::Css("#toss-stored")).await.unwrap();
    let live = d
        .find(By::Css("#gateway-live [data-gateway-live]"))
        .await
        .unwrap();
    assert!(live.text().await.unwrap().contains("토스페이먼츠"));
    browser.screenshot("admin-gateway").await;
}

/// A guest puts the T-shirt in the cart and places the order paying with `method`.
pub(crate) async fn guest_places_an_order(
    d: &WebDriver,
    t: &jangteo_testkit::TestApp,
    method: &str,
) {
    guest_fills_the_checkout(d, t, method).await;
    click(d, "#place-order").await;
}

/// A guest puts the T-shirt in the cart and fills the checkout paying with `method`, agreed.
pub(crate) async fn guest_fills_the_checkout(
    d: &WebDriver,
    t: &jangteo_testkit::TestApp,
    method: &str,
) {
    d.goto(t.url("/products/tshirt")).await.unwrap();
    click(d, "#add-to-cart").await;
    d.find(By::Css(".cart-line")).await.unwrap();
    d.goto(t.url("/checkout?guest=1")).await.unwrap();
    for (name, value) in ADDRESS {
        fill(d, name, value).await;
    }
    fill(d, "guest_password", "guest1234").await;
    fill(d, "guest_password_confirm", "guest1234").await;
    click(
        d,
        &format!("input[name='payment_method'][value='{method}']"),
    )
    .await;
    tick_the_agreements(d).await;
}

/// Ticks a guest's two checkout agreements (left as they are when ticked).
pub(crate) async fn tick_the_agreements(d: &WebDriver) {
    for name in ["agree_guest_privacy", "agree"] {
        let agree = d.find(By::Name(name)).await.unwrap();
        agree.scroll_into_view().await.unwrap();
        if !agree.is_selected().await.unwrap() {
            agree.click().await.unwrap();
        }
    }
}

/// The window opens by itself from the payment page; approving returns to the shop paid.
async fn pays_in_the_window(browser: &Browser, shot: &str) -> String {
    let d = &browser.driver;
    d.find(By::Css("#toss-approve")).await.unwrap();
    browser.screenshot(shot).await;
    click(d, "#toss-approve").await;
    crate::browser_checkout::shown_order_number(d).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owner_sets_toss_and_shoppers_pay_through_its_window() {
    let Some((t, _, fake)) =
        crate::toss_payments::toss_shop_without_keys(Backend::Sqlite, None).await
    else {
        return;
    };
    let Some(owner) = crate::browser_admin::owner_browser(&t, 1280, 1000).await else {
        return;
    };
    owner_enters_the_keys(&owner, &t).await;

    let Some(desktop) = Browser::start(1280, 900, false).await else {
        return;
    };
    let d = &desktop.driver;
    d.set_implicit_wait_timeout(Duration::from_secs(10))
        .await
        .unwrap();
    guest_places_an_order(d, &t, "card").await;
    let number = pays_in_the_window(&desktop, "toss-window").await;
    desktop.screenshot("toss-paid").await;
    assert_eq!(status_of(&t, &number).await, "paid");

    // The owner reconciles the day's payments from the orders list.
    let o = &owner.driver;
    o.goto(t.url("/admin/orders")).await.unwrap();
    click(o, "#reconciliation-link").await;
    let today = jangteo_core::time::business_date(chrono::Utc::now()).format("%Y-%m-%d");
    o.goto(t.url(&format!("/admin/payments/reconciliation?date={today}")))
        .await
        .unwrap();
    o.find(By::Css("[data-reconciled='ok']")).await.unwrap();
    owner.screenshot("admin-reconciliation").await;
    owner.quit().await;

    // A virtual account is issued at once and waits for Toss's deposit callback.
    guest_places_an_order(d, &t, "virtual_account").await;
    let number = d
        .find(By::Css("#order-number"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(d.source().await.unwrap().contains("신한은행"));
    desktop.screenshot("toss-virtual-account").await;
    let sent = crate::toss_payments::deposit_arrives(&t, &fake, number.trim()).await;
    assert_eq!(sent, 200);
    assert_eq!(status_of(&t, number.trim()).await, "paid");
    desktop.quit().await;

    let Some(phone) = Browser::phone().await else {
        return;
    };
    let d = &phone.driver;
    guest_places_an_order(d, &t, "transfer").await;
    let number = pays_in_the_window(&phone, "toss-phone-window").await;
    phone.screenshot("toss-phone-paid").await;
    assert_eq!(status_of(&t, &number).await, "paid");
    phone.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_pays_with_kakaopay_in_its_window() {
    let Some((t, _, fake)) = crate::kakaopay_payments::kakaopay_shop(Backend::Sqlite).await else {
        return;
    };
    let Some(phone) = Browser::phone().await else {
        return;
    };
    let d = &phone.driver;
    guest_places_an_order(d, &t, "kakao_pay").await;
    d.find(By::Css("#kakaopay-approve")).await.unwrap();
    assert!(
        d.current_url()
            .await
            .unwrap()
            .as_str()
            .contains("device=mobile"),
        "a phone gets KakaoPay's mobile window"
    );
    phone.screenshot("kakaopay-phone-window").await;
    click(d, "#kakaopay-approve").await;
    let number = d
        .find(By::Css("#order-number"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    phone.screenshot("kakaopay-phone-paid").await;
    assert_eq!(status_of(&t, number.trim()).await, "paid");
    assert_eq!(fake.approvals(), 1);
    phone.quit().await;
}
