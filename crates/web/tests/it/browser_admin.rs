//! The back office in headless Chromium: a new staff member enrols TOTP by reading the secret off
//! the page, logs in with a code computed from it, finds a paid order and ships it.

use crate::browser_checkout::fill;
use crate::checkout::{add, pay, place, shop, sign_up};
use chrono::Utc;
use jangteo_testkit::browser::Browser;
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, TestApp};
use std::time::Duration;
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

async fn submit(d: &WebDriver, form: &str) {
    d.find(By::Css(format!("{form} button[type='submit']")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// A desktop browser logged in to the back office as an owner (the TOTP enrolment done over
/// HTTP), waiting up to 10 s for elements; `None` without a browser.
pub(crate) async fn owner_browser(t: &TestApp, width: u32, height: u32) -> Option<Browser> {
    let (staff, _) = jangteo_testkit::shopper::staff_session(t, "owner@example.com", "owner").await;
    let cookie = staff.admin_cookie().unwrap();
    let (name, value) = cookie.split_once('=').unwrap();
    let browser = Browser::start(width, height, false).await?;
    let d = &browser.driver;
    d.set_implicit_wait_timeout(Duration::from_secs(10))
        .await
        .unwrap();
    d.goto(t.url("/admin/login")).await.unwrap();
    d.add_cookie(thirtyfour::Cookie::new(name.to_owned(), value.to_owned()))
        .await
        .unwrap();
    Some(browser)
}

/// The test shop on SQLite and an owner's desktop browser on its dashboard; `None` without a
/// browser or a database.
pub(crate) async fn owner_on_the_dashboard() -> Option<(TestApp, Browser)> {
    let (t, _) = shop(Backend::Sqlite).await?;
    let browser = owner_browser(&t, 1280, 1000).await?;
    browser.driver.goto(t.url("/admin")).await.unwrap();
    Some((t, browser))
}

#[tokio::test]
async fn staff_enrols_totp_logs_in_and_ships_an_order() {
    let Some((t, tshirt)) = shop(Backend::Sqlite).await else {
        return;
    };
    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "buyer@example.com").await;
    add(&buyer, tshirt, 1).await;
    let number = pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;
    let password = t
        .app
        .create_staff("warehouse@example.com", "김물류", "warehouse")
        .await
        .unwrap();

    let Some(browser) = Browser::start(1280, 900, false).await else {
        return;
    };
    let d = &browser.driver;
    d.set_implicit_wait_timeout(Duration::from_secs(10))
        .await
        .unwrap();
    logs_in_with_the_password(&browser, &t, &password).await;
    enrols_totp_from_the_secret_on_the_page(&browser).await;
    dashboard_counts_the_paid_order(&browser).await;
    ships_the_order(&browser, &t, &number).await;
    browser.quit().await;
    shipment_is_recorded_and_audited(&t, &number).await;
}

/// The new staff member logs in with the password they were given.
async fn logs_in_with_the_password(browser: &Browser, t: &TestApp, password: &str) {
    let d = &browser.driver;
    d.goto(t.url("/admin")).await.unwrap();
    fill(d, "email", "warehouse@example.com").await;
    fill(d, "password", password).await;
    browser.screenshot("admin-login").await;
    submit(d, "form[action='/admin/login']").await;
}

/// Enrolment: the QR code and the same secret as text; the code comes from that text.
async fn enrols_totp_from_the_secret_on_the_page(browser: &Browser) {
    let d = &browser.driver;
    let qr = d.find(By::Css("img.admin-enrol__qr")).await.unwrap();
    assert!(
        qr.attr("src")
            .await
            .unwrap()
            .unwrap()
            .starts_with("data:image/png;base64,")
    );
    let secret = d
        .find(By::Id("totp-secret"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    browser.screenshot("admin-enrol").await;
    let code = jangteo_testkit::totp_code(&secret, Utc::now());
    fill(d, "code", &code).await;
    submit(d, "form[action='/admin/login/enrol']").await;
    let codes = d.find_all(By::Css("#recovery-codes code")).await.unwrap();
    assert_eq!(codes.len(), 10);
    browser.screenshot("admin-recovery-codes").await;
    d.find(By::Css("a.btn--primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// The dashboard counts the paid order as waiting to be prepared.
async fn dashboard_counts_the_paid_order(browser: &Browser) {
    let d = &browser.driver;
    d.find(By::Id("today-sales")).await.unwrap();
    let todo = d.find(By::Id("todo")).await.unwrap().text().await.unwrap();
    assert!(todo.contains("결제 완료"), "{todo}");
    browser.screenshot("admin-dashboard").await;
}

/// Orders → the order → ship it with a carrier and waybill.
async fn ships_the_order(browser: &Browser, t: &TestApp, number: &str) {
    let d = &browser.driver;
    d.goto(t.url("/admin/orders?status=paid")).await.unwrap();
    browser.screenshot("admin-orders").await;
    d.find(By::Css(format!("tr[data-order='{number}'] a")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let carrier = d.find(By::Id("f-carrier")).await.unwrap();
    SelectElement::new(&carrier)
        .await
        .unwrap()
        .select_by_value("hanjin")
        .await
        .unwrap();
    fill(d, "waybill", "5123-4567-8901").await;
    d.find(By::Id("ship-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The shipment row only exists on the page after the redirect.
    let shipment = d
        .find(By::Id("shipment"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        shipment.contains("한진택배") && shipment.contains("512345678901"),
        "{shipment}"
    );
    let status = d
        .find(By::Id("order-status"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(status, "배송중");
    browser.screenshot("admin-order-shipped").await;
}

/// The buyer got the shipping mail; the audit log names who shipped it.
async fn shipment_is_recorded_and_audited(t: &TestApp, number: &str) {
    let order = jangteo_db::orders::find_by_number(&t.app.db, number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.status.as_str(), "shipped");
    let (entries, _) = jangteo_db::audit::search(
        &t.app.db,
        &jangteo_db::audit::AuditFilter {
            action_prefix: "order.ship".into(),
            ..Default::default()
        },
        5,
        0,
    )
    .await
    .unwrap();
    assert_eq!(entries[0].staff_email, "warehouse@example.com");
    assert_eq!(entries[0].target_id, number);
}

/// The statistics pages in a real browser: the server-rendered SVG charts take the page's width,
/// and Korean labels render (screenshots `admin-stats*.png` are looked at before a release).
#[tokio::test]
async fn statistics_charts_render_in_a_browser() {
    let Some((t, _)) = crate::fixture_app(Backend::Sqlite).await else {
        return;
    };
    jangteo_testkit::sales::generate(
        &t.app.db,
        &jangteo_testkit::sales::SalesSpec {
            orders: 600,
            members: 120,
            days: 400,
            end: Utc::now(),
            seed: 3,
        },
    )
    .await
    .unwrap();
    t.app.rebuild_statistics(Utc::now()).await.unwrap();
    let Some(browser) = owner_browser(&t, 1440, 1800).await else {
        return;
    };
    let d = &browser.driver;
    for (path, shot, chart) in [
        ("/admin/stats", "admin-stats-daily", "#sales-chart svg"),
        (
            "/admin/stats?g=month",
            "admin-stats-monthly",
            "#sales-chart svg",
        ),
        (
            "/admin/stats/members",
            "admin-stats-members",
            "#members-chart svg",
        ),
    ] {
        d.goto(t.url(path)).await.unwrap();
        let svg = d.find(By::Css(chart)).await.unwrap();
        let rect = svg.rect().await.unwrap();
        assert!(
            rect.width > 600.0 && rect.height > 150.0,
            "{path}: {rect:?}"
        );
        browser.screenshot(shot).await;
    }
    // The product editor with options, SKUs and an (empty) gallery.
    let id = jangteo_db::catalog::products::find_by_slug(&t.app.db, "short-sleeve")
        .await
        .unwrap()
        .unwrap()
        .id;
    d.goto(t.url(&format!("/admin/products/{id}")))
        .await
        .unwrap();
    d.find(By::Css("#skus-form tr[data-sku]")).await.unwrap();
    browser.screenshot("admin-product-edit").await;
    d.goto(t.url(&format!("/admin/products/{id}#options")))
        .await
        .unwrap();
    browser.screenshot("admin-product-options").await;
    browser.quit().await;
}

/// The claim pages in a real browser: the buyer's form with its windows and the staff page with
/// the refund step (screenshots `claim-form.png` and `admin-claim.png` are looked at).
#[tokio::test]
async fn claim_pages_render_in_a_browser() {
    let Some((t, tshirt)) = shop(Backend::Sqlite).await else {
        return;
    };
    let (buyer, number, _order, line) =
        crate::claim_steps::bought(&t, tshirt, "claimer@example.com", 2).await;
    let (staff, _) =
        jangteo_testkit::shopper::staff_session(&t, "owner@example.com", "owner").await;
    crate::claim_steps::deliver(&staff, &number).await;
    let Some(browser) = Browser::start(1280, 1700, false).await else {
        return;
    };
    let d = &browser.driver;
    crate::browser::as_shopper(d, &t, &buyer).await;
    d.goto(t.url(&format!("/orders/{number}/claims/new")))
        .await
        .unwrap();
    d.find(By::Css("#claim-form input[value=defect]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    // The one line bought starts with both its units chosen, not at 0.
    let units = d
        .find(By::Css(format!("select[name='units_{}']", line.id)))
        .await
        .unwrap();
    assert_eq!(units.value().await.unwrap().as_deref(), Some("2"));
    browser.screenshot("claim-form").await;

    let id = crate::claim_steps::staff_files_a_defect(&t, &number, line.id, 1).await;
    crate::browser::as_staff(d, &t, &staff).await;
    d.goto(t.url(&format!("/admin/claims/{id}"))).await.unwrap();
    d.find(By::Css("#claim-actions")).await.unwrap();
    browser.screenshot("admin-claim").await;
    browser.quit().await;
}
