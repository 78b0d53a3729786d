//! PortOne in headless Chromium (through its fake): the owner enters PortOne's keys and the
//! 구매안전서비스 settings from the menu; a guest pays an escrow transfer with a 현금영수증 on a
//! desktop, the owner ships it and the waybill goes to PortOne's escrow; a phone pays with
//! NaverPay; a buyer and the staff enter the refund account of a virtual-account order.
//! Screenshots `admin-portone.png`, `checkout-escrow.png`, `portone-escrow-window.png`,
//! `admin-escrow-shipped.png`, `naverpay-phone-window.png`, `refund-account-phone.png` and
//! `admin-refund-account.png` are looked at.

use crate::browser_checkout::fill;
use crate::browser_toss::{click, guest_fills_the_checkout, guest_places_an_order};
use crate::checkout::status_of;
use crate::escrow_payments::run_jobs;
use jangteo_testkit::Backend;
use jangteo_testkit::browser::Browser;
use jangteo_testkit::fake_portone::*;
use std::time::Duration;
use thirtyfour::prelude::*;

const CERTIFICATE: &str = "https://pg.example.com/escrow/certificate?mid=jangteo";

async fn tick(d: &WebDriver, css: &str) {
    let e = d.find(By::Css(css)).await.unwrap();
    e.scroll_into_view().await.unwrap();
    if !e.is_selected().await.unwrap() {
        e.click().await.unwrap();
    }
}

/// The owner sets PortOne and escrow from the dashboard's menu.
async fn owner_enters_portone(browser: &Browser, t: &jangteo_testkit::TestApp) {
    let d = &browser.driver;
    d.goto(t.url("/admin")).await.unwrap();
    click(d, "nav.admin-nav a[href='/admin/settings']").await;
    click(d, "#gateway-settings-link").await;
    click(d, "input[name='provider'][value='portone']").await;
    fill(d, "portone_store_id", PORTONE_STORE_ID).await;
    fill(d, "portone_channel_key", PORTONE_CHANNEL_KEY).await;
    fill(
        d,
        "portone_naverpay_channel_key",
        PORTONE_NAVERPAY_CHANNEL_KEY,
    )
    .await;
    fill(
        d,
        "portone_identity_channel_key",
        PORTONE_IDENTITY_CHANNEL_KEY,
    )
    .await;
    fill(d, "portone_api_secret", PORTONE_API_SECRET).await;
    fill(d, "portone_webhook_secret", PORTONE_WEBHOOK_SECRET).await;
    tick(d, "#escrow-default").await;
    fill(d, "escrow_certificate_url", CERTIFICATE).await;
    click(d, "#gateway-save").await;
    d.find(By::Css("#portone-stored")).await.unwrap();
    let live = d
        .find(By::Css("#gateway-live [data-gateway-live]"))
        .await
        .unwrap();
    assert!(live.text().await.unwrap().contains("포트원"));
    assert_eq!(t.app.identity_channel().await.unwrap(), Some("portone"));
    browser.screenshot("admin-portone").await;
}

/// The owner prepares and ships order `number` with a CJ waybill from its page.
async fn owner_ships(browser: &Browser, t: &jangteo_testkit::TestApp, number: &str) {
    let d = &browser.driver;
    d.goto(t.url(&format!("/admin/orders/{number}")))
        .await
        .unwrap();
    let prepare = d
        .find(By::Css(
            "#order-actions form input[value='prepare'] ~ button",
        ))
        .await
        .unwrap();
    prepare.scroll_into_view().await.unwrap();
    prepare.click().await.unwrap();
    // The prepared page has the waybill form too: type into that one, not the old page's.
    prepare.wait_until().stale().await.unwrap();
    fill(d, "waybill", "654321098765").await;
    click(d, "#ship-submit").await;
    d.find(By::Css("#shipment")).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_escrow_transfer_is_paid_shipped_and_registered_with_portone() {
    let Some((t, _, fake)) =
        crate::portone_payments::portone_shop_without_keys(Backend::Sqlite).await
    else {
        return;
    };
    let Some(owner) = crate::browser_admin::owner_browser(&t, 1280, 1000).await else {
        return;
    };
    owner_enters_portone(&owner, &t).await;

    let Some(desktop) = Browser::start(1280, 900, false).await else {
        return;
    };
    let d = &desktop.driver;
    d.set_implicit_wait_timeout(Duration::from_secs(10))
        .await
        .unwrap();
    guest_fills_the_checkout(d, &t, "transfer").await;
    let escrow = d.find(By::Css("#escrow")).await.unwrap();
    assert!(escrow.is_displayed().await.unwrap(), "shown for a transfer");
    assert!(
        escrow.is_selected().await.unwrap(),
        "ticked by the owner's default"
    );
    click(d, "input[name='cash_receipt'][value='personal']").await;
    fill(d, "cash_receipt_number", "010-1234-5678").await;
    d.find(By::Css("[data-escrow-choice]"))
        .await
        .unwrap()
        .scroll_into_view()
        .await
        .unwrap();
    desktop.screenshot("checkout-escrow").await;
    click(d, "#place-order").await;
    d.find(By::Css("#portone-approve")).await.unwrap();
    d.find(By::Css("#escrow")).await.unwrap();
    desktop.screenshot("portone-escrow-window").await;
    click(d, "#portone-approve").await;
    let number = crate::browser_checkout::shown_order_number(d).await;
    assert_eq!(status_of(&t, &number).await, "paid");
    d.goto(t.url("/")).await.unwrap();
    let certificate = d.find(By::Css("#footer-escrow a")).await.unwrap();
    assert_eq!(
        certificate.attr("href").await.unwrap().as_deref(),
        Some(CERTIFICATE)
    );
    desktop.quit().await;

    owner_ships(&owner, &t, &number).await;
    run_jobs(&t).await;
    let o = &owner.driver;
    o.refresh().await.unwrap();
    o.find(By::Css("#order-escrow[data-escrow='shipped']"))
        .await
        .unwrap();
    o.find(By::Css("#order-cash-receipt[data-cash-receipt='issued']"))
        .await
        .unwrap();
    owner.screenshot("admin-escrow-shipped").await;
    let (_, payment) = crate::toss_payments::order_and_payment(&t, &number).await;
    let held = fake.payment(&payment.attempt_id).unwrap().escrow.unwrap();
    assert_eq!(held.0, "REGISTERED");
    assert_eq!(held.2, "654321098765");
    owner.quit().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_pays_with_naverpay_and_a_buyer_enters_the_refund_account() {
    let Some((t, _, fake, _)) = crate::portone_payments::portone_shop(Backend::Sqlite).await else {
        return;
    };
    let Some(phone) = Browser::phone().await else {
        return;
    };
    let d = &phone.driver;
    guest_places_an_order(d, &t, "naver_pay").await;
    let title = d.find(By::Css("h1")).await.unwrap().text().await.unwrap();
    assert!(title.contains("네이버페이"), "{title}");
    phone.screenshot("naverpay-phone-window").await;
    click(d, "#portone-approve").await;
    let number = d.find(By::Css("#order-number")).await.unwrap();
    assert_eq!(
        status_of(&t, number.text().await.unwrap().trim()).await,
        "paid"
    );

    // A virtual account paid by PortOne's signed notice; the buyer then names the account a
    // refund would go to, from the order page.
    guest_places_an_order(d, &t, "virtual_account").await;
    let number = crate::browser_checkout::shown_order_number(d).await;
    let (_, payment) = crate::toss_payments::order_and_payment(&t, &number).await;
    let paid = fake.deposit(&payment.attempt_id).unwrap();
    assert_eq!(crate::portone_payments::post_webhook(&t, &paid).await, 200);
    d.goto(t.url(&format!("/orders/{number}"))).await.unwrap();
    d.find(By::Css("#refund-account-missing")).await.unwrap();
    click(d, "#f-refund_bank option[value='90']").await;
    fill(d, "refund_number", "3333-01-2345678").await;
    fill(d, "refund_holder", "김장터").await;
    click(d, "#refund-account-save").await;
    let stored = d.find(By::Css("#refund-account-stored")).await.unwrap();
    assert!(stored.text().await.unwrap().contains("카카오뱅크"));
    phone.screenshot("refund-account-phone").await;
    phone.quit().await;

    // Staff see it on the order and may correct it there.
    let Some(owner) = crate::browser_admin::owner_browser(&t, 1280, 1000).await else {
        return;
    };
    let o = &owner.driver;
    o.goto(t.url(&format!("/admin/orders/{number}")))
        .await
        .unwrap();
    let before = o.find(By::Css("#refund-account-stored")).await.unwrap();
    fill(o, "refund_number", "3333-01-7654321").await;
    click(o, "#refund-account-save").await;
    // The saved page replaces this one: read the new one, not the old.
    before.wait_until().stale().await.unwrap();
    let stored = o.find(By::Css("#refund-account-stored")).await.unwrap();
    assert!(stored.text().await.unwrap().contains("4321"));
    owner.screenshot("admin-refund-account").await;
    owner.quit().await;
}
