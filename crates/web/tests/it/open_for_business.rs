//! A shop started with `serve` (not `demo`): no demo aids, the test gateway announced, payment
//! methods chosen by the owner, unpaid orders releasing what they hold, the seller disclosure on
//! every page. SQLite and PostgreSQL.

use crate::checkout::{add, place, shop, status_of, stock_of};
use chrono::{Duration, Utc};
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

const GUEST: [(&str, &str); 2] = [
    ("guest_password", "guest1234"),
    ("guest_password_confirm", "guest1234"),
];

/// The order number of a checkout that went to the payment window and stayed there.
async fn abandon_payment(t: &TestApp, s: &Shopper, sku: i64, qty: u32) -> String {
    add(s, sku, qty).await;
    let mut fields = vec![("payment_method", "card")];
    fields.extend_from_slice(&GUEST);
    let placed = place(s, &fields).await;
    assert_eq!(placed.status, 303, "{}", placed.body);
    let window = placed.location.unwrap();
    assert!(window.starts_with("/payments/test/"), "{window}");
    let attempt = window.rsplit('/').next().unwrap();
    let payment = jangteo_db::payments::find_by_attempt(&t.app.db, attempt)
        .await
        .unwrap()
        .unwrap();
    let order = jangteo_db::orders::find_by_id(&t.app.db, payment.order_id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.status.as_str(), "pending_payment");
    order.number
}

async fn serve_hides_demo_aids_and_announces_test_payments(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    // The outbox (password-reset links) is not public outside demo mode.
    assert_eq!(t.get("/dev/outbox").await.0, 404);
    let (status, home) = t.get("/").await;
    assert_eq!(status, 200);
    assert!(
        home.contains("class=\"test-ribbon\""),
        "test-payment ribbon"
    );
    assert!(home.contains("테스트 결제 모드"));
    assert!(!home.contains("/dev/outbox"), "no outbox link");
    assert!(home.contains("data-legal-footer"), "seller disclosure");
    assert!(
        !home.contains("장터데모"),
        "no invented seller outside demo mode"
    );
    // Checkout says it again where the money would move.
    let guest = Shopper::new(&t.base_url);
    add(&guest, tshirt, 1).await;
    let checkout = guest.get("/checkout?guest=1").await;
    assert!(checkout.body.contains("data-test-payment-notice"));

    // The owner sees what keeps the shop from real business.
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let dashboard = owner.get("/admin").await.body;
    for key in ["test_payments", "missing_seller", "test_email"] {
        assert!(
            dashboard.contains(&format!("data-readiness=\"{key}\"")),
            "{key}"
        );
    }
    assert!(dashboard.contains("href=\"/admin/settings\""));
    let settings = owner.get("/admin/settings").await;
    assert_eq!(settings.status, 200);
    assert!(settings.body.contains("shop.business.hosting_provider"));
    // No shop account configured → no bank deposit to offer (testkit sets one; a bare config
    // does not).
    let bare = jangteo_app::config::CheckoutConfig::default();
    assert!(!bare.bank_account.is_set());
}

async fn demo_mode_keeps_its_outbox(backend: Backend) {
    let options = TestOptions {
        configure: Some(jangteo_app::Config::enter_demo_mode),
        ..TestOptions::default()
    };
    let Some(t) = TestApp::spawn_with(backend, options).await else {
        return;
    };
    assert_eq!(t.get("/dev/outbox").await.0, 200);
    let (_, home) = t.get("/").await;
    assert!(home.contains("데모 상점입니다"), "demo ribbon");
    assert!(home.contains("(주)장터데모"), "the demo's invented seller");
    assert!(home.contains("bizCommPop.do?wrkr_no=1234567890"));
}

async fn owner_turns_payment_methods_off(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let saved = owner
        .post(
            "/admin/settings/payment-methods",
            &[("method_transfer", "on"), ("method_bank_deposit", "on")],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(
        t.app.payment_methods().await.unwrap(),
        ["transfer", "bank_deposit"]
    );
    let audit = t
        .app
        .audit_log(
            &jangteo_app::auth::StaffActor::system("test"),
            &Default::default(),
            1,
            20,
        )
        .await
        .unwrap();
    assert!(
        audit
            .items
            .iter()
            .any(|a| a.action == "settings.payment_methods")
    );

    let guest = Shopper::new(&t.base_url);
    add(&guest, tshirt, 1).await;
    let checkout = guest.get("/checkout?guest=1").await.body;
    assert!(!checkout.contains("value=\"card\""), "card is off");
    assert!(checkout.contains("value=\"transfer\""));
    // A crafted form with a method that is off is refused and keeps what was typed.
    let mut fields = vec![("payment_method", "card")];
    fields.extend_from_slice(&GUEST);
    let refused = place(&guest, &fields).await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .body
            .contains("지금은 이 결제 수단을 사용할 수 없습니다")
    );
    assert!(refused.body.contains("테헤란로 152"), "the address stays");

    // A manager may look but not change; cs may not even look.
    let (manager, _) = staff_session(&t, "manager@example.com", "manager").await;
    assert_eq!(manager.get("/admin/settings").await.status, 200);
    let changed = manager
        .post("/admin/settings/payment-methods", &[("method_card", "on")])
        .await;
    assert_eq!(changed.status, 403);
    let (cs, _) = staff_session(&t, "cs@example.com", "cs").await;
    assert_eq!(cs.get("/admin/settings").await.status, 403);

    // Everything off: checkout says so instead of failing at the end.
    owner.post("/admin/settings/payment-methods", &[]).await;
    let empty = guest.get("/checkout?guest=1").await.body;
    assert!(empty.contains("data-no-payment-methods"));
}

async fn abandoned_payments_expire_and_release_stock(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let before = stock_of(&t, tshirt).await;
    let guest = Shopper::new(&t.base_url);
    let number = abandon_payment(&t, &guest, tshirt, 3).await;
    assert_eq!(stock_of(&t, tshirt).await, before - 3, "held while paying");
    let now = Utc::now();
    assert_eq!(
        t.app.expire_abandoned_payments(now).await.unwrap(),
        0,
        "the window is still open"
    );
    assert_eq!(
        t.app
            .expire_abandoned_payments(now + Duration::minutes(31))
            .await
            .unwrap(),
        1
    );
    assert_eq!(status_of(&t, &number).await, "cancelled");
    assert_eq!(stock_of(&t, tshirt).await, before, "stock released");
    assert_eq!(
        t.app
            .expire_abandoned_payments(now + Duration::minutes(62))
            .await
            .unwrap(),
        0,
        "idempotent"
    );
    // The chore is on the schedule, so it survives restarts like every job.
    assert!(
        t.app
            .schedules()
            .iter()
            .any(|s| s.name == "expire-payments" && s.cron == "* * * * *")
    );
    let page = guest.get(&format!("/orders/{number}")).await;
    assert!(
        page.body.contains("결제 시간이 지나"),
        "the timeline says why"
    );
}

async fn buyers_cancel_or_replace_an_unpaid_order(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let before = stock_of(&t, tshirt).await;
    // Cancel from the order page.
    let guest = Shopper::new(&t.base_url);
    let first = abandon_payment(&t, &guest, tshirt, 2).await;
    let page = guest.get(&format!("/orders/{first}")).await;
    assert!(page.body.contains(&format!("/orders/{first}/cancel")));
    let cancelled = guest.post(&format!("/orders/{first}/cancel"), &[]).await;
    assert_eq!(cancelled.status, 303);
    assert_eq!(status_of(&t, &first).await, "cancelled");
    assert_eq!(stock_of(&t, tshirt).await, before);

    // Start again, leave the window, order once more: the earlier unpaid order goes.
    let second = abandon_payment(&t, &guest, tshirt, 2).await;
    let third = abandon_payment(&t, &guest, tshirt, 1).await;
    assert_ne!(second, third);
    assert_eq!(status_of(&t, &second).await, "cancelled");
    assert_eq!(status_of(&t, &third).await, "pending_payment");
    let held = stock_of(&t, tshirt).await;
    assert!(held < before, "only the newest order holds stock");
    // Another shopper's unpaid order is never touched.
    let other = Shopper::new(&t.base_url);
    let theirs = abandon_payment(&t, &other, tshirt, 1).await;
    assert_eq!(status_of(&t, &third).await, "pending_payment");
    assert_eq!(status_of(&t, &theirs).await, "pending_payment");
}

async fn sign_up_asks_for_14_and_guests_consent_to_their_data(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let visitor = Shopper::new(&t.base_url);
    let form = visitor.get("/account/signup").await;
    assert!(form.body.contains("name=\"confirm_age\""));
    let refused = visitor
        .post(
            "/account/signup",
            &[
                ("email", "child@example.com"),
                ("password", "secret1234"),
                ("password_confirm", "secret1234"),
                ("name", "어린이"),
                ("mobile", "010-1111-2222"),
                ("agree_terms", "true"),
                ("agree_privacy", "true"),
            ],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused
            .body
            .contains("만 14세 이상만 회원가입할 수 있습니다")
    );
    assert!(
        refused.body.contains("child@example.com"),
        "what was typed stays"
    );
    assert!(
        jangteo_db::members::find_by_email(&t.app.db, "child@example.com")
            .await
            .unwrap()
            .is_none()
    );

    // A guest sees what is collected, why and for how long, and must agree.
    let guest = Shopper::new(&t.base_url);
    add(&guest, tshirt, 1).await;
    let checkout = guest.get("/checkout?guest=1").await;
    assert!(checkout.body.contains("id=\"guest-privacy\""));
    assert!(checkout.body.contains("5년") && checkout.body.contains("3년"));
    let token = checkout.input_value("checkout_token").unwrap();
    let total = checkout.input_value("expected_total").unwrap();
    let no_consent = guest
        .post(
            "/checkout",
            &[
                ("checkout_token", token.as_str()),
                ("expected_total", total.as_str()),
                ("orderer_name", "김장터"),
                ("orderer_mobile", "010-1234-5678"),
                ("orderer_email", "buyer@example.com"),
                ("recipient_name", "이수령"),
                ("recipient_mobile", "010-9876-5432"),
                ("postcode", "06236"),
                ("address1", "서울 강남구 테헤란로 152"),
                ("agree", "true"),
                ("payment_method", "card"),
                ("guest_password", "guest1234"),
                ("guest_password_confirm", "guest1234"),
            ],
        )
        .await;
    assert_eq!(no_consent.status, 422);
    assert!(
        no_consent
            .body
            .contains("id=\"f-agree_guest_privacy-error\"")
    );
    assert!(
        no_consent.body.contains("테헤란로 152"),
        "the form keeps its input"
    );
}

async fn the_privacy_policy_follows_the_shop_and_keeps_versions(backend: Backend) {
    let Some((t, _)) = shop(backend).await else {
        return;
    };
    let (status, first) = t.get("/pages/privacy").await;
    assert_eq!(status, 200);
    for said in [
        "개인정보 보호법",
        "이메일, 비밀번호(암호화 저장), 이름, 휴대폰 번호",
        "5년 (전자상거래법)",
        "3개월 (통신비밀보호법)",
        "테스트 결제",
        "365일 동안 로그인하지 않은",
        "개인정보 보호책임자",
    ] {
        assert!(first.contains(said), "{said}");
    }
    assert!(
        !first.contains("privacy-versions-title"),
        "one version so far"
    );
    let (_, again) = t.get("/pages/privacy").await;
    assert!(
        !again.contains("privacy-versions-title"),
        "unchanged: no new version"
    );

    // The owner adds text (the content page `privacy`): a new dated version, the old one kept.
    let mut tx = t.app.db.begin().await.unwrap();
    jangteo_db::content::upsert_page(
        &mut tx,
        "privacy",
        "개인정보처리방침",
        "<p>사은품 추첨 응모자 정보는 추첨 후 파기합니다.</p>",
        Utc::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    t.app.invalidate_catalog();
    let (_, changed) = t.get("/pages/privacy").await;
    assert!(changed.contains("사은품 추첨 응모자 정보는 추첨 후 파기합니다"));
    assert!(changed.contains("privacy-versions-title"));
    let old = changed
        .split("href=\"/pages/privacy/versions/")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a link to the earlier version")
        .to_owned();
    let (status, earlier) = t.get(&format!("/pages/privacy/versions/{old}")).await;
    assert_eq!(status, 200);
    assert!(earlier.contains("지난 버전입니다"));
    assert!(!earlier.contains("사은품 추첨"), "the old text as it was");
    assert_eq!(t.get("/pages/privacy/versions/999999").await.0, 404);
}

async fn only_the_buyer_may_end_a_payment_through_the_fail_link(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let guest = Shopper::new(&t.base_url);
    let number = abandon_payment(&t, &guest, tshirt, 1).await;
    let order = jangteo_db::orders::find_by_number(&t.app.db, &number)
        .await
        .unwrap()
        .unwrap();
    let attempt = jangteo_db::payments::latest_for_order(&t.app.db, order.id)
        .await
        .unwrap()
        .unwrap()
        .attempt_id;
    let link = format!("/checkout/fail?code=PAY_PROCESS_CANCELED&orderId={attempt}");
    let stranger = Shopper::new(&t.base_url);
    assert_eq!(stranger.get(&link).await.status, 303);
    assert_eq!(
        status_of(&t, &number).await,
        "pending_payment",
        "a stranger changes nothing"
    );
    assert_eq!(guest.get(&link).await.status, 303);
    assert_eq!(
        status_of(&t, &number).await,
        "cancelled",
        "the buyer's own window closes it"
    );
}

on_both_backends!(
    only_the_buyer_may_end_a_payment_through_the_fail_link,
    the_privacy_policy_follows_the_shop_and_keeps_versions,
    sign_up_asks_for_14_and_guests_consent_to_their_data,
    serve_hides_demo_aids_and_announces_test_payments,
    demo_mode_keeps_its_outbox,
    owner_turns_payment_methods_off,
    abandoned_payments_expire_and_release_stock,
    buyers_cancel_or_replace_an_unpaid_order,
);
