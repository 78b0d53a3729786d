//! The owner turns a product into a gift card and registers its PINs in headless Chromium,
//! clicked from the product editor: settings saved, a sheet checked and stored, the pool shown
//! masked (screenshot `admin-pins.png` is looked at).

use crate::browser_catalog::click;
use crate::browser_checkout::fill;
use jangteo_testkit::browser::Browser;
use thirtyfour::prelude::*;

#[tokio::test]
async fn the_owner_registers_gift_card_pins() {
    let Some((t, browser)) = crate::browser_admin::owner_on_the_dashboard().await else {
        return;
    };
    let d = &browser.driver;
    let product = jangteo_db::catalog::products::find_by_slug(&t.app.db, "tshirt")
        .await
        .unwrap()
        .unwrap();
    let sku = jangteo_db::catalog::stock::sku_id_by_code(&t.app.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    crate::checkout::set_stock(&t, sku, 0).await;
    d.goto(t.url(&format!("/admin/products/{}", product.id)))
        .await
        .unwrap();
    click(d, "#pins-link").await;
    fill(d, "face_value", "10,000").await;
    click(d, "#pin-settings-form button[type=submit]").await;
    let kind = d.find(By::Css("#pin-kind .badge")).await.unwrap();
    assert_eq!(kind.text().await.unwrap(), "디지털 상품권");

    let dir = tempfile::tempdir().unwrap();
    let sheet = dir.path().join("pins.csv");
    std::fs::write(
        &sheet,
        "핀번호,관리번호,유효기간\n1111-2222-3333-4444,A-1,2099-12-31\n5555-6666-7777-8888,,\n",
    )
    .unwrap();
    let file = d
        .find(By::Css("#pin-upload input[type=file]"))
        .await
        .unwrap();
    file.send_keys(sheet.display().to_string()).await.unwrap();
    click(d, "#pin-store").await;
    let summary = d.find(By::Id("pin-upload-summary")).await.unwrap();
    assert_eq!(summary.text().await.unwrap(), "핀번호 2개를 등록했습니다.");
    let listed = d.find_all(By::Css("#pin-list code")).await.unwrap();
    let mut shown = Vec::new();
    for code in &listed {
        shown.push(code.text().await.unwrap());
    }
    assert!(
        shown.contains(&"****-****-****-4444".to_owned()),
        "{shown:?}"
    );
    assert!(
        !d.source().await.unwrap().contains("1111-2222"),
        "never in clear"
    );
    assert_eq!(crate::checkout::stock_of(&t, sku).await, 2);
    // One turns out used elsewhere: voided with a reason, after the confirmation.
    let reason = d
        .find(By::Css("#pin-list .pin-void input[name=reason]"))
        .await
        .unwrap();
    reason.send_keys("다른 채널에서 판매됨").await.unwrap();
    click(d, "#pin-list .pin-void button").await;
    crate::browser_catalog::accept_the_confirmation(d).await;
    d.find(By::Css(".flash, [role=status]")).await.unwrap();
    assert_eq!(crate::checkout::stock_of(&t, sku).await, 1);
    assert_eq!(
        d.find_all(By::Css("#pin-list .pin-void"))
            .await
            .unwrap()
            .len(),
        1,
        "only the unsold one can still be voided"
    );
    browser.screenshot("admin-pins").await;
    // Its stock is the pool: neither the editor's SKU table nor the stock page types it.
    d.goto(t.url(&format!("/admin/products/{}", product.id)))
        .await
        .unwrap();
    assert!(
        d.find_all(By::Css("#skus-form .admin-sku-stock"))
            .await
            .unwrap()
            .is_empty()
    );
    d.goto(t.url("/admin/stock?q=TSHIRT")).await.unwrap();
    let row = d.find(By::Css("#stock tr[data-sku=TSHIRT]")).await.unwrap();
    assert!(row.find_all(By::Name("delta")).await.unwrap().is_empty());
    assert!(
        row.text()
            .await
            .unwrap()
            .contains("재고 = 판매 가능한 핀번호 수")
    );
    // The issue notice goes by e-mail only from now on, with the PINs in it (shop settings,
    // from the menu).
    click(d, "nav.admin-nav a[href='/admin/settings']").await;
    click(d, "#gift-card-notice input[name=text]").await;
    click(d, "#gift-card-notice input[name=pins]").await;
    click(d, "#gift-card-notice button[type=submit]").await;
    d.find(By::Css(".flash")).await.unwrap();
    let notice = t.app.gift_card_notice().await.unwrap();
    assert!(notice.email && !notice.text && notice.pins);
    d.goto(t.url("/admin/settings#gift-card-notice"))
        .await
        .unwrap();
    let pins_box = d.find(By::Css("#gift-card-notice input[name=pins]")).await;
    assert!(
        pins_box.unwrap().is_selected().await.unwrap(),
        "shown as saved"
    );
    // This shop has no mail provider: the settings say so and the page promises no message.
    d.find(By::Css("#gift-card-notice-unsent")).await.unwrap();
    browser.screenshot("admin-gift-card-notice").await;
    d.goto(t.url("/products/tshirt")).await.unwrap();
    let note = d.find(By::Css("#gift-card-note")).await.unwrap();
    let promised = note.text().await.unwrap();
    assert!(promised.contains("주문 상세에서 바로 핀번호를 확인할 수 있습니다"));
    browser.quit().await;
}

/// A member on a phone opens a paid gift-card order, confirms the password and sees the PINs
/// (screenshot `order-pins.png` is looked at).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_sees_the_pins_after_the_password() {
    let Some((t, sku)) = crate::checkout::shop(jangteo_testkit::Backend::Sqlite).await else {
        return;
    };
    let product = jangteo_db::catalog::products::find_by_slug(&t.app.db, "tshirt")
        .await
        .unwrap()
        .unwrap();
    crate::checkout::set_stock(&t, sku, 0).await;
    let owner = jangteo_app::auth::StaffActor::system("pins-test");
    let face = jangteo_core::Won(10_000);
    t.app
        .set_pin_product(&owner, product.id, face, "9999-9999-9999-9999")
        .await
        .unwrap();
    let sheet = b"1234-5678-9012-3456,GC-7,2099-12-31\n";
    let upload = t
        .app
        .upload_pins(&owner, product.id, ("p.csv", sheet), true);
    assert!(upload.await.unwrap().stored);
    let (buyer, number, _, _) =
        crate::claim_steps::bought(&t, sku, "phone-gift@example.com", 1).await;
    let Some(browser) = Browser::phone().await else {
        return;
    };
    let d = &browser.driver;
    crate::browser::as_shopper(d, &t, &buyer).await;
    d.goto(t.url(&format!("/orders/{number}"))).await.unwrap();
    let status = d.find(By::Id("order-status")).await.unwrap();
    assert_eq!(status.text().await.unwrap(), "발급완료");
    d.find(By::Id("pin-notice"))
        .await
        .unwrap()
        .scroll_into_view()
        .await
        .unwrap();
    browser.screenshot("order-pins-hidden").await;
    fill(d, "password", crate::checkout::PASSWORD).await;
    click(d, "#pin-reveal-button").await;
    assert_eq!(
        shown_pin(&browser, "order-pins").await,
        "1234-5678-9012-3456"
    );
    browser.quit().await;
}

/// The first PIN the order page shows, after a screenshot `name` of the PIN panel.
pub(crate) async fn shown_pin(browser: &Browser, name: &str) -> String {
    let d = &browser.driver;
    let pin = d.find(By::Css("#revealed-pins [data-pin]")).await.unwrap();
    d.find(By::Id("pins"))
        .await
        .unwrap()
        .scroll_into_view()
        .await
        .unwrap();
    browser.screenshot(name).await;
    pin.text().await.unwrap()
}
