//! KakaoPay beside Toss (their fakes follow docs/PROVIDERS.md §1–2): the owner connects it in
//! 설정 → 결제 대행사, checkout offers 카카오페이, the shopper approves in KakaoPay's window and
//! comes back with a `pg_token`; a refund names its amount and the balance it expects; a window
//! closed without paying cancels the order.

use crate::checkout::{add, status_of};
use crate::toss_payments::guest_order;
use jangteo_testkit::fake_kakaopay::{FakeKakaoPay, KAKAOPAY_CID, KAKAOPAY_SECRET};
use jangteo_testkit::fake_toss::{FakeToss, TOSS_CLIENT_KEY, TOSS_SECRET_KEY};
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, fixtures, on_both_backends};

/// A shop on Toss with KakaoPay connected: the shop, the T-shirt SKU, the KakaoPay fake.
pub(crate) async fn kakaopay_shop(backend: Backend) -> Option<(TestApp, i64, FakeKakaoPay)> {
    let (toss, kakaopay) = (FakeToss::start().await, FakeKakaoPay::start().await);
    let options = TestOptions {
        toss_base: Some(toss.base_url.clone()),
        kakaopay_base: Some(kakaopay.base_url.clone()),
        ..Default::default()
    };
    let t = TestApp::spawn_with(backend, options).await?;
    fixtures::catalog(&t.app).await;
    let tshirt = jangteo_db::catalog::stock::sku_id_by_code(&t.app.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    let (owner, _) = staff_session(&t, "owner@shop.example.com", "owner").await;
    let mut fields = vec![
        ("provider", "toss"),
        ("toss_client_key", TOSS_CLIENT_KEY),
        ("toss_secret_key", TOSS_SECRET_KEY),
        ("kakaopay_on", "on"),
        ("kakaopay_cid", KAKAOPAY_CID),
        ("kakaopay_secret_key", "DEV0000WRONG0000"),
    ];
    let refused = owner.post("/admin/settings/payments", &fields).await;
    assert_eq!(refused.status, 422, "KakaoPay refuses a wrong key");
    assert!(
        refused.body.contains("카카오페이가 이 키를 거절"),
        "{}",
        refused.body
    );
    fields[5] = ("kakaopay_secret_key", KAKAOPAY_SECRET);
    let saved = owner.post("/admin/settings/payments", &fields).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    Some((t, tshirt, kakaopay))
}

async fn kakaopay_pays_refunds_and_quits(backend: Backend) {
    let Some((t, tshirt, fake)) = kakaopay_shop(backend).await else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    add(&s, tshirt, 1).await;
    let checkout = s.get("/checkout?guest=1").await;
    assert!(
        checkout.body.contains("value=\"kakao_pay\""),
        "checkout offers 카카오페이"
    );
    let placed = guest_order(&s, tshirt, "kakao_pay").await;
    assert_eq!(placed.status, 303, "{}", placed.body);
    let window = placed.location.clone().unwrap();
    assert!(
        window.starts_with(&fake.base_url) && window.contains("device=pc"),
        "{window}"
    );
    let tid = window
        .split("/window/")
        .nth(1)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let approved = s
        .post(&format!("{}/window/{tid}/approve", fake.base_url), &[])
        .await;
    let back = approved.location.unwrap();
    assert!(
        back.contains("/checkout/approve/") && back.contains("pg_token="),
        "{back}"
    );
    let done = s.get(&back).await;
    let complete = done.location.unwrap();
    let number = complete
        .trim_start_matches("/orders/")
        .trim_end_matches("/complete")
        .to_owned();
    assert_eq!(status_of(&t, &number).await, "paid");
    s.get(&back).await;
    assert_eq!(
        fake.approvals(),
        1,
        "a reloaded return approves nothing again"
    );

    let cancelled = s.post(&format!("/orders/{number}/cancel"), &[]).await;
    assert_eq!(cancelled.status, 303);
    assert_eq!(status_of(&t, &number).await, "cancelled");
    let order = jangteo_db::orders::find_by_number(&t.app.db, &number)
        .await
        .unwrap()
        .unwrap();
    let payment = jangteo_db::payments::latest_for_order(&t.app.db, order.id)
        .await
        .unwrap()
        .unwrap();
    let (state, refunded) = fake.state_of(&payment.attempt_id).unwrap();
    assert_eq!(
        (state.as_str(), refunded),
        ("CANCEL_PAYMENT", order.total.get())
    );

    // The shopper closes KakaoPay's window: back at checkout, the order cancelled.
    let placed = guest_order(&s, tshirt, "kakao_pay").await;
    let window = placed.location.clone().unwrap();
    let tid = window
        .split("/window/")
        .nth(1)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let quit = s
        .post(&format!("{}/window/{tid}/cancel", fake.base_url), &[])
        .await;
    let back = quit.location.unwrap();
    assert!(back.contains("/checkout/fail?orderId="), "{back}");
    s.get(&back).await;
    let order = jangteo_db::payments::find_by_attempt(
        &t.app.db,
        back.split("orderId=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap(),
    )
    .await
    .unwrap()
    .unwrap();
    let number = jangteo_db::orders::number_by_id(&t.app.db, order.order_id)
        .await
        .unwrap();
    assert_eq!(status_of(&t, &number).await, "cancelled");
}

on_both_backends!(kakaopay_pays_refunds_and_quits);
