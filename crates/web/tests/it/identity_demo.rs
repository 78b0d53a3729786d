//! The demo shop's 본인인증 (issue 16), on SQLite and PostgreSQL: in demo mode a member verifies
//! through the shop's own window (anyone may be typed; it says it checks nobody) and My page
//! shows it; on a shop started with `serve` that window does not exist, 본인인증 is unavailable
//! until a channel is connected, and the owner is warned once 19세 goods are on sale without one.
//! A fresh 본인인증 of the orderer's mobile shows a gift-card order's PINs instead of the password.

use crate::checkout::{add, pay, shop, sign_up};
use crate::gift_checkout::place_codes;
use crate::identity_gate::make_adult_only;
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, fixtures, on_both_backends};

async fn demo_mode_verifies_through_its_own_window(backend: Backend) {
    let options = TestOptions {
        configure: Some(jangteo_app::Config::enter_demo_mode),
        ..TestOptions::default()
    };
    let Some(t) = TestApp::spawn_with(backend, options).await else {
        return;
    };
    fixtures::catalog(&t.app).await;
    assert_eq!(t.app.identity_channel().await.unwrap(), Some("demo"));
    let member = Shopper::new(&t.url(""));
    sign_up(&member, "demo-identity@example.com").await;
    let home = member.get("/account").await.body;
    assert!(
        home.contains("id=\"account-identity\""),
        "My page offers it"
    );
    assert!(home.contains("href=\"/identity?next=/account\""));

    let opened = member.post("/identity", &[("next", "/account")]).await;
    assert_eq!(opened.status, 200, "{}", opened.body);
    assert!(opened.body.contains("action=\"/identity/demo-window\""));
    let window = member.post("/identity/demo-window", &[]).await;
    assert_eq!(window.status, 200);
    assert!(window.body.contains("실제로 본인을 확인하지 않으며"));
    assert!(window.body.contains("id=\"identity-approve\""));
    // An empty name verifies nobody; the attempt is spent.
    let empty = member
        .get("/identity/return?name=&birth_date=1990-01-01")
        .await;
    assert_eq!(empty.location.as_deref(), Some("/identity?next=%2Faccount"));
    assert!(
        member.get("/account").await.body.contains("인증하기"),
        "not verified"
    );
    member.post("/identity", &[("next", "/account")]).await;
    let back = member
        .get("/identity/return?name=%EA%B9%80%EB%8D%B0%EB%AA%A8&birth_date=1990-01-01&mobile=010-1234-5678")
        .await;
    assert_eq!(back.status, 303, "{}", back.body);
    assert_eq!(back.location.as_deref(), Some("/account"));
    let home = member.get("/account").await.body;
    assert!(home.contains("인증 완료"), "{home}");
    let status = member.get("/identity").await.body;
    assert!(status.contains("id=\"identity-verified\"") && status.contains("김*모"));

    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let settings = owner.get("/admin/settings").await.body;
    assert!(settings.contains("id=\"gift-card-identity-channel\""));
    assert!(settings.contains("데모용 시험 인증"));
    pins_shown_after_identity(&t, &member).await;
}

/// Verifies `member` in the demo window as the person with `mobile`.
async fn verify_in_demo_window(member: &Shopper, next: &str, mobile: &str) {
    let opened = member.post("/identity", &[("next", next)]).await;
    assert_eq!(opened.status, 200);
    let back = member
        .get(&format!(
            "/identity/return?name=%EA%B9%80%EB%8D%B0%EB%AA%A8&birth_date=1990-01-01&mobile={mobile}"
        ))
        .await;
    assert_eq!(back.status, 303, "{}", back.body);
}

/// A gift card's PINs behind a fresh 본인인증 of the orderer's mobile (010-1234-5678).
async fn pins_shown_after_identity(t: &TestApp, member: &Shopper) {
    let tshirt = jangteo_db::catalog::stock::sku_id_by_code(&t.app.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    crate::gift_checkout::gift_card(t, tshirt).await;
    add(member, tshirt, 1).await;
    let number = pay(
        member,
        &place_codes(member, &[("payment_method", "card")]).await,
    )
    .await;
    let pins = format!("/orders/{number}/pins");
    let page = member.get(&format!("/orders/{number}")).await.body;
    assert!(page.contains("id=\"pin-reveal-identity\""));
    // The verification above is older than ten minutes: verify again first.
    t.app.clock.travel(chrono::Duration::minutes(11));
    let again = format!("/identity?again=1&next=%2Forders%2F{number}%23pins");
    let asked = member.post(&pins, &[("by", "identity")]).await;
    assert_eq!(asked.location.as_deref(), Some(again.as_str()));
    // The session's older verification does not hide the button.
    let page = member.get(&again).await.body;
    assert!(page.contains("id=\"identity-start\"") && !page.contains("id=\"identity-verified\""));
    verify_in_demo_window(member, &format!("/orders/{number}"), "010-9999-0000").await;
    let someone_else = member.post(&pins, &[("by", "identity")]).await;
    assert_eq!(someone_else.location.as_deref(), Some(again.as_str()));
    let told = member.get(&again).await.body;
    assert!(told.contains("주문자 휴대폰 번호와 다릅니다"));
    verify_in_demo_window(member, &format!("/orders/{number}"), "010-1234-5678").await;
    let shown = member.post(&pins, &[("by", "identity")]).await;
    assert_eq!(shown.status, 200, "{}", shown.body);
    assert!(shown.body.contains("id=\"revealed-pins\"") && shown.body.contains("data-pin"));
}

on_both_backends!(demo_mode_verifies_through_its_own_window);

async fn serve_has_no_demo_window_and_warns_of_a_missing_channel(backend: Backend) {
    let Some((t, _)) = shop(backend).await else {
        return;
    };
    assert_eq!(t.app.identity_channel().await.unwrap(), None);
    let visitor = Shopper::new(&t.url(""));
    assert_eq!(visitor.post("/identity/demo-window", &[]).await.status, 404);
    let started = visitor.post("/identity", &[("next", "/")]).await;
    assert_eq!(started.status, 303, "no window without a channel");
    let member = Shopper::new(&t.url(""));
    sign_up(&member, "no-channel@example.com").await;
    assert!(
        !member
            .get("/account")
            .await
            .body
            .contains("id=\"account-identity\"")
    );

    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let ready = "data-readiness=\"no_identity_channel\"";
    assert!(!owner.get("/admin").await.body.contains(ready));
    make_adult_only(&t, &owner, "jeans").await;
    assert!(owner.get("/admin").await.body.contains(ready), "warned");
    let settings = owner.get("/admin/settings").await.body;
    assert!(settings.contains(ready) && settings.contains("id=\"gift-card-identity-unavailable\""));
}

on_both_backends!(serve_has_no_demo_window_and_warns_of_a_missing_channel);
