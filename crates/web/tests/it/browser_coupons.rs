//! The owner makes a coupon in headless Chromium, from the menu: a refused form keeps what was
//! typed, the saved coupon is used by a member at checkout, its page shows the use, it is given
//! to every member at once, and it is stopped (screenshots `admin-coupon.png` and
//! `admin-coupon-used.png`, `admin-coupon-segment.png`, `admin-coupon-report.png` are looked at);
//! it makes unique codes; a member gives a birth date on a phone (`profile-birth-date-phone.png`).

use crate::browser_catalog::{accept_the_confirmation, click};
use crate::browser_checkout::fill;
use crate::checkout::{add, pay, place, sign_up};
use jangteo_core::Won;
use jangteo_testkit::shopper::Shopper;
use thirtyfour::prelude::*;

#[tokio::test]
async fn the_owner_makes_a_coupon_a_member_uses() {
    let Some((t, browser)) = crate::browser_admin::owner_on_the_dashboard().await else {
        return;
    };
    let d = &browser.driver;
    click(d, "nav.admin-nav a[href='/admin/coupons']").await;
    d.find(By::Css(".admin-card .muted")).await.unwrap();
    click(d, "#coupon-new").await;
    fill(d, "name", "겨울 세일 3,000원").await;
    fill(d, "code", "winter-26").await;
    fill(d, "amount", "3,000").await;
    fill(d, "min_order", "5,000").await;
    click(d, "#coupon-scope input[value=products]").await;
    click(d, "#coupon-form button[type=submit]").await;
    // No product named: refused, and what was typed is still there.
    let error = d
        .find(By::Css("#coupon-scope .field__error"))
        .await
        .unwrap();
    assert!(error.text().await.unwrap().contains("하나 이상"));
    let name = d.find(By::Name("name")).await.unwrap();
    assert_eq!(
        name.value().await.unwrap().as_deref(),
        Some("겨울 세일 3,000원")
    );
    fill(d, "products", "tshirt").await;
    click(d, "#coupon-form button[type=submit]").await;
    d.find(By::Css(".flash")).await.unwrap();
    d.find(By::Id("coupon-usage")).await.unwrap();
    browser.screenshot("admin-coupon").await;
    let coupon = jangteo_db::promotions::by_code(&t.app.db, "WINTER-26")
        .await
        .unwrap()
        .expect("saved in capitals");
    assert_eq!(
        (coupon.amount, coupon.min_order, coupon.scope.as_str()),
        (3_000, 5_000, "products")
    );

    // A member types the code at checkout.
    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "coupon@example.com").await;
    let tshirt = jangteo_db::catalog::stock::sku_id_by_code(&t.app.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    add(&buyer, tshirt, 1).await;
    let placed = place(
        &buyer,
        &[("payment_method", "card"), ("coupon_code", "winter-26")],
    )
    .await;
    let number = pay(&buyer, &placed).await;
    let order = jangteo_db::orders::find_by_number(&t.app.db, &number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.coupon_discount, Won(3_000));

    // Its page shows the use; the owner stops it.
    d.refresh().await.unwrap();
    let used = d.find(By::Css("#coupon-redemptions")).await.unwrap();
    assert!(used.text().await.unwrap().contains(&number));
    browser.screenshot("admin-coupon-used").await;
    // Given to every active member at once (the one member here).
    click(d, "#coupon-issue-segment button").await;
    accept_the_confirmation(d).await;
    let flash = d.find(By::Css(".flash")).await.unwrap();
    assert!(flash.text().await.unwrap().contains("새로 받은 회원 1명"));
    // A batch of unique codes, counted and ready to download.
    click(d, "#coupon-codes-form button").await;
    let count = d.find(By::Id("coupon-codes-count")).await.unwrap();
    assert!(count.text().await.unwrap().contains("100개"));
    d.find(By::Id("coupon-codes-download")).await.unwrap();
    let segment = d.find(By::Css("#coupon-issue-segment")).await.unwrap();
    segment.scroll_into_view().await.unwrap();
    browser.screenshot("admin-coupon-segment").await;
    click(d, "#coupon-switch button").await;
    accept_the_confirmation(d).await;
    d.find(By::Css(".flash")).await.unwrap();
    assert!(
        jangteo_db::promotions::by_code(&t.app.db, "WINTER-26")
            .await
            .unwrap()
            .is_none()
    );
    click(d, "a[href='/admin/coupons']").await;
    let row = d.find(By::Css("#coupons tr[data-coupon]")).await.unwrap();
    assert!(row.text().await.unwrap().contains("중지됨"));
    // The usage report, from the menu: the use and its discount over the last 30 days.
    click(d, "nav.admin-nav a[href='/admin/coupons/report']").await;
    let row = d
        .find(By::Css("#coupon-report tr[data-coupon]"))
        .await
        .unwrap();
    let row = row.text().await.unwrap();
    assert!(
        row.contains("겨울 세일") && row.contains("3,000원"),
        "{row}"
    );
    d.find(By::Id("coupon-report-csv")).await.unwrap();
    browser.screenshot("admin-coupon-report").await;
    browser.quit().await;
}

/// A member registers a unique code from My page on a phone: a wrong code is refused and kept
/// to correct, the right one puts the coupon in the box (screenshot
/// `coupon-register-phone.png` is looked at).
#[tokio::test]
async fn a_member_registers_a_unique_code_on_a_phone() {
    let Some(t) = jangteo_testkit::TestApp::spawn(jangteo_testkit::Backend::Sqlite).await else {
        return;
    };
    let owner = jangteo_app::auth::StaffActor::system("coupon-test");
    let today = jangteo_core::time::business_date(chrono::Utc::now());
    let partner = jangteo_app::admin::coupons::CouponForm {
        name: "제휴 5,000원".into(),
        kind: "fixed".into(),
        amount: "5,000".into(),
        scope: "all".into(),
        starts_on: Some(today),
        ends_on: Some(today + chrono::Duration::days(30)),
        per_member_limit: "1".into(),
        combines_with_grade: true,
        ..Default::default()
    };
    let id = t.app.save_coupon(&owner, None, &partner).await.unwrap();
    t.app.generate_coupon_codes(&owner, id, "3").await.unwrap();
    let sheet = t.app.coupon_codes_sheet(&owner, id).await.unwrap();
    let sheet = String::from_utf8(sheet).unwrap();
    let code = sheet
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap()
        .to_owned();
    let member = Shopper::new(&t.url(""));
    sign_up(&member, "code-phone@example.com").await;
    let Some(browser) = jangteo_testkit::browser::Browser::phone().await else {
        return;
    };
    let d = &browser.driver;
    crate::browser::as_shopper(d, &t, &member).await;
    d.goto(t.url("/account")).await.unwrap();
    fill(d, "code", "WRONG-CODE-1234").await;
    click(d, "#coupon-register button").await;
    // The page before the click may show a flash of its own: wait for the refusal's.
    let mut refused = String::new();
    for _ in 0..100 {
        if let Ok(flash) = d.find(By::Css(".flash")).await {
            refused = flash.text().await.unwrap_or_default();
            if refused.contains("등록할 수 없는") {
                break;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(refused.contains("등록할 수 없는"), "{refused}");
    let kept = d.find(By::Name("code")).await.unwrap();
    assert_eq!(
        kept.value().await.unwrap().as_deref(),
        Some("WRONG-CODE-1234")
    );
    fill(d, "code", &code.to_lowercase()).await;
    click(d, "#coupon-register button").await;
    let coupons = d.find(By::Css("#my-coupons .coupon__name")).await.unwrap();
    assert_eq!(coupons.text().await.unwrap(), "제휴 5,000원");
    d.find(By::Id("coupon-register"))
        .await
        .unwrap()
        .scroll_into_view()
        .await
        .unwrap();
    browser.screenshot("coupon-register-phone").await;
    // The birth date for birthday coupons, from the account menu; the date picker's value is
    // set as the phone's picker would.
    click(d, ".account-nav a[href='/account/profile']").await;
    let birth = d.find(By::Name("birth_date")).await.unwrap();
    d.execute(
        "arguments[0].value = '1990-05-17';",
        vec![birth.to_json().unwrap()],
    )
    .await
    .unwrap();
    click(d, "form[action='/account/profile'] button[type=submit]").await;
    d.find(By::Css(".flash")).await.unwrap();
    let kept = d.find(By::Name("birth_date")).await.unwrap();
    assert_eq!(kept.value().await.unwrap().as_deref(), Some("1990-05-17"));
    kept.scroll_into_view().await.unwrap();
    browser.screenshot("profile-birth-date-phone").await;
    browser.quit().await;
}

/// The owner adds a free-gift rule from the menu: a wrong SKU code is refused with what was
/// typed kept, the saved rule is listed with its gift's stock, and it is stopped after a
/// confirmation (screenshot `admin-gifts.png` is looked at).
#[tokio::test]
async fn the_owner_adds_and_stops_a_free_gift_rule() {
    let Some((_t, browser)) = crate::browser_admin::owner_on_the_dashboard().await else {
        return;
    };
    let d = &browser.driver;
    click(d, "nav.admin-nav a[href='/admin/gifts']").await;
    click(d, "#gift-new").await;
    fill(d, "name", "1만원 이상 감귤 증정").await;
    fill(d, "min_spend", "10,000").await;
    fill(d, "gift_sku", "NO-SUCH").await;
    click(d, "#gift-form button[type=submit]").await;
    let error = d.find(By::Css(".field__error")).await.unwrap();
    assert!(error.text().await.unwrap().contains("SKU"));
    let kept = d.find(By::Name("min_spend")).await.unwrap();
    assert_eq!(kept.value().await.unwrap().as_deref(), Some("10,000"));
    fill(d, "gift_sku", "tangerines").await;
    click(d, "#gift-form button[type=submit]").await;
    let row = d.find(By::Css("#gift-rules tr[data-gift]")).await.unwrap();
    assert!(row.text().await.unwrap().contains("10,000원 이상 구매"));
    browser.screenshot("admin-gifts").await;
    click(d, "#gift-rules tr[data-gift] form button").await;
    accept_the_confirmation(d).await;
    d.find(By::Css(".flash")).await.unwrap();
    let row = d.find(By::Css("#gift-rules tr[data-gift]")).await.unwrap();
    assert!(row.text().await.unwrap().contains("중지됨"));
    browser.quit().await;
}
