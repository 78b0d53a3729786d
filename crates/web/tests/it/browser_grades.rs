//! The owner sets membership grades in headless Chromium, from the menu: a refused form keeps
//! what was typed, 골드 gets a lower threshold and free shipping, the preview shows the member
//! who would move, and the evaluation day is saved (screenshots `admin-grade-edit.png` and
//! `admin-grades.png` are looked at).

use crate::browser_catalog::click;
use crate::browser_checkout::fill;
use crate::checkout::{add, pay, place, sign_up};
use jangteo_testkit::shopper::Shopper;
use thirtyfour::prelude::*;

#[tokio::test]
async fn the_owner_sets_grades_and_previews_who_moves() {
    let Some((t, browser)) = crate::browser_admin::owner_on_the_dashboard().await else {
        return;
    };
    // A member who paid for one T-shirt: 일반 today.
    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "grades@example.com").await;
    let tshirt = jangteo_db::catalog::stock::sku_id_by_code(&t.app.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    add(&buyer, tshirt, 1).await;
    pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;

    let d = &browser.driver;
    click(d, "nav.admin-nav a[href='/admin/grades']").await;
    let gold = d
        .find(By::XPath("//table[@id='grades']//a[text()='골드']"))
        .await
        .unwrap();
    gold.click().await.unwrap();
    fill(d, "discount_percent", "세 퍼센트").await;
    fill(d, "min_spend", "10,000").await;
    click(d, "#grade-form input[name=free_shipping]").await;
    click(d, "#grade-form button[type=submit]").await;
    let error = d.find(By::Css(".field__error")).await.unwrap();
    assert!(error.text().await.unwrap().contains("0~50%"));
    let typed = d.find(By::Name("min_spend")).await.unwrap();
    assert_eq!(typed.value().await.unwrap().as_deref(), Some("10,000"));
    let free = d.find(By::Name("free_shipping")).await.unwrap();
    assert!(free.is_selected().await.unwrap(), "the checkbox is kept");
    browser.screenshot("admin-grade-edit").await;
    fill(d, "discount_percent", "4").await;
    click(d, "#grade-form button[type=submit]").await;
    d.find(By::Css(".flash")).await.unwrap();
    let row = d
        .find(By::XPath("//table[@id='grades']//tr[.//a[text()='골드']]"))
        .await
        .unwrap();
    let row = row.text().await.unwrap();
    assert!(
        row.contains("10,000") && row.contains("4%") && row.contains("무료배송"),
        "{row}"
    );

    // The preview names the move; nothing changes until the evaluation day.
    click(d, "#grade-preview-run").await;
    let moves = d.find(By::Id("grade-moves")).await.unwrap();
    let moves = moves.text().await.unwrap();
    assert!(moves.contains("일반") && moves.contains("골드"), "{moves}");
    fill(d, "window_months", "6").await;
    fill(d, "evaluation_day", "15").await;
    click(d, "#grade-schedule button[type=submit]").await;
    d.find(By::Css(".flash")).await.unwrap();
    let window = d.find(By::Name("window_months")).await.unwrap();
    assert_eq!(window.value().await.unwrap().as_deref(), Some("6"));
    click(d, "#grade-preview-run").await;
    d.find(By::Id("grade-moves")).await.unwrap();
    browser.screenshot("admin-grades").await;
    browser.quit().await;
}

/// The owner sets points to last 12 months from the menu (적립금 설정): a wrong number is refused
/// with what was typed kept, then saved (screenshot `admin-points.png` is looked at).
#[tokio::test]
async fn the_owner_sets_how_long_points_last() {
    let Some((t, browser)) = crate::browser_admin::owner_on_the_dashboard().await else {
        return;
    };
    let d = &browser.driver;
    click(d, "nav.admin-nav a[href='/admin/points']").await;
    let state = d.find(By::Id("points-expiry-state")).await.unwrap();
    assert!(state.text().await.unwrap().contains("소멸하지 않습니다"));
    fill(d, "expiry_months", "120").await;
    click(d, "#points-form button[type=submit]").await;
    let error = d.find(By::Css(".field__error")).await.unwrap();
    assert!(error.text().await.unwrap().contains("0에서 60"));
    let kept = d.find(By::Name("expiry_months")).await.unwrap();
    assert_eq!(kept.value().await.unwrap().as_deref(), Some("120"));
    fill(d, "expiry_months", "12").await;
    click(d, "#points-form button[type=submit]").await;
    d.find(By::Css(".flash")).await.unwrap();
    let state = d.find(By::Id("points-expiry-state")).await.unwrap();
    assert!(state.text().await.unwrap().contains("12개월"));
    assert_eq!(t.app.points_terms().await.unwrap().expiry_months, 12);
    browser.screenshot("admin-points").await;
    browser.quit().await;
}

/// The owner opens 알림 설정 from the menu, ticks AlimTalk for shipping news and saves
/// (screenshot `admin-notify-settings.png` is looked at).
#[tokio::test]
async fn the_owner_chooses_message_channels() {
    let Some((t, browser)) = crate::browser_admin::owner_on_the_dashboard().await else {
        return;
    };
    let d = &browser.driver;
    click(d, "nav.admin-nav a[href='/admin/notifications']").await;
    click(d, "input[value='shipped:alimtalk']").await;
    click(d, "#notify-settings button[type=submit]").await;
    d.find(By::Css(".flash")).await.unwrap();
    let ticked = d
        .find(By::Css("input[value='shipped:alimtalk']"))
        .await
        .unwrap();
    assert!(ticked.is_selected().await.unwrap());
    let rows = t
        .app
        .admin_event_channels(&jangteo_app::auth::StaffActor::system("check"))
        .await
        .unwrap();
    let shipped = rows.iter().find(|r| r.event == "shipped").unwrap();
    assert!(
        shipped
            .channels
            .iter()
            .any(|(c, on, _)| *c == "alimtalk" && *on)
    );
    browser.screenshot("admin-notify-settings").await;

    // The shipping message's template page takes the approved AlimTalk template.
    click(d, "a[href='/admin/templates/shipped']").await;
    fill(d, "alimtalk_code", "SHIPPED_01").await;
    fill(
        d,
        "alimtalk_text",
        "#{고객명}님, 주문 #{주문번호}이 출발했습니다. #{쿠폰}",
    )
    .await;
    click(d, "#alimtalk button[value=save]").await;
    let refused = d.find(By::Id("alimtalk-error")).await.unwrap();
    assert!(refused.text().await.unwrap().contains("채울 수 없는 변수"));
    let typed = d.find(By::Name("alimtalk_code")).await.unwrap();
    assert_eq!(typed.value().await.unwrap().as_deref(), Some("SHIPPED_01"));
    fill(
        d,
        "alimtalk_text",
        "#{고객명}님, 주문 #{주문번호}이 출발했습니다.\n#{택배사} #{송장번호}",
    )
    .await;
    click(d, "#alimtalk button[value=preview]").await;
    let preview = d.find(By::Id("alimtalk-preview")).await.unwrap();
    assert!(
        preview
            .text()
            .await
            .unwrap()
            .contains("CJ대한통운 123456789012")
    );
    click(d, "#alimtalk button[value=save]").await;
    d.find(By::Css(".flash")).await.unwrap();
    let saved = t
        .app
        .alimtalk_for_editing(&jangteo_app::auth::StaffActor::system("check"), "shipped")
        .await
        .unwrap();
    assert_eq!(saved.code, "SHIPPED_01");
    d.find(By::Id("alimtalk"))
        .await
        .unwrap()
        .scroll_into_view()
        .await
        .unwrap();
    browser.screenshot("admin-alimtalk-template").await;
    browser.quit().await;
}

/// The owner opens 직원 알림 from the menu, sends paid orders over 50,000원 by e-mail too and
/// saves (screenshot `admin-staff-alerts.png` is looked at).
#[tokio::test]
async fn the_owner_routes_staff_alerts() {
    let Some((t, browser)) = crate::browser_admin::owner_on_the_dashboard().await else {
        return;
    };
    let d = &browser.driver;
    click(d, "nav.admin-nav a[href='/admin/alerts']").await;
    click(d, "input[value='paid_order:email']").await;
    fill(d, "paid_order_min", "50,000").await;
    click(d, "#staff-alerts button[type=submit]").await;
    d.find(By::Css(".flash")).await.unwrap();
    let rules = t
        .app
        .admin_alert_rules(&jangteo_app::auth::StaffActor::system("check"))
        .await
        .unwrap();
    assert!(rules.route("paid_order").email && rules.paid_order_min == 50_000);
    browser.screenshot("admin-staff-alerts").await;
    browser.quit().await;
}
