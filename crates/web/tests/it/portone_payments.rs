//! Real payments through PortOne V2 (its fake follows docs/PROVIDERS.md §3.1): the owner enters
//! the store, channels and secrets in the back office; shoppers pay by card and NaverPay in
//! PortOne's window and by virtual account paid on a signed webhook; a tampered amount is given
//! back; forged, stale and replayed webhooks change nothing.

use crate::checkout::{add, status_of};
use crate::toss_payments::{guest_order, order_and_payment, window_params_of};
use jangteo_testkit::fake_portone::*;
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::shopper::{Page, Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, fixtures, on_both_backends};

/// A shop whose PortOne is the fake (no keys entered yet): the shop, the T-shirt SKU, the fake.
pub(crate) async fn portone_shop_without_keys(
    backend: Backend,
) -> Option<(TestApp, i64, FakePortOne)> {
    let fake = FakePortOne::start().await;
    let options = TestOptions {
        portone_base: Some(fake.base_url.clone()),
        ..Default::default()
    };
    let t = TestApp::spawn_with(backend, options).await?;
    fixtures::catalog(&t.app).await;
    let tshirt = jangteo_db::catalog::stock::sku_id_by_code(&t.app.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    Some((t, tshirt, fake))
}

/// A shop whose owner chose PortOne (the fake) with a NaverPay and a 본인인증 channel: the shop, the T-shirt
/// SKU, the fake, the owner's session.
pub(crate) async fn portone_shop(backend: Backend) -> Option<(TestApp, i64, FakePortOne, Shopper)> {
    let (t, tshirt, fake) = portone_shop_without_keys(backend).await?;
    let (owner, _) = staff_session(&t, "owner@shop.example.com", "owner").await;
    let mut fields = vec![
        ("provider", "portone"),
        ("portone_store_id", PORTONE_STORE_ID),
        ("portone_channel_key", PORTONE_CHANNEL_KEY),
        ("portone_naverpay_channel_key", PORTONE_NAVERPAY_CHANNEL_KEY),
        ("portone_identity_channel_key", PORTONE_IDENTITY_CHANNEL_KEY),
        ("portone_api_secret", "not-the-secret"),
        ("portone_webhook_secret", PORTONE_WEBHOOK_SECRET),
        ("portone_virtual_account_bank", "88"),
    ];
    let refused = owner.post("/admin/settings/payments", &fields).await;
    assert_eq!(refused.status, 422, "PortOne refuses a wrong secret");
    assert!(
        refused.body.contains("포트원이 API Secret을 거절"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains(PORTONE_CHANNEL_KEY),
        "what was typed stays"
    );
    fields[5] = ("portone_api_secret", PORTONE_API_SECRET);
    let saved = owner.post("/admin/settings/payments", &fields).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let page = owner.get("/admin/settings/payments").await;
    assert!(page.body.contains("포트원 (PortOne)"), "{}", page.body);
    assert!(
        !page.body.contains(PORTONE_API_SECRET) && !page.body.contains(PORTONE_WEBHOOK_SECRET),
        "secrets are never shown back"
    );
    assert!(page.body.contains("/webhooks/portone"));
    Some((t, tshirt, fake, owner))
}

/// The window parameters on the payment page of a placed order, and the order number.
async fn window_params(s: &Shopper, placed: &Page) -> (String, serde_json::Value) {
    assert_eq!(placed.status, 303, "{}", placed.body);
    let pay_url = placed.location.clone().unwrap();
    assert!(pay_url.starts_with("/checkout/pay/"), "{pay_url}");
    let number = pay_url.trim_start_matches("/checkout/pay/").to_owned();
    let page = s.get(&pay_url).await;
    assert!(page.body.contains("data-sdk=\"portone\""), "{}", page.body);
    assert!(!page.body.contains(PORTONE_API_SECRET));
    (number, window_params_of(&page.body))
}

/// Opens PortOne's window with `params` and presses 결제하기; returns the shop address it sends
/// the browser back to.
async fn approve_in_window(s: &Shopper, fake: &FakePortOne, params: &serde_json::Value) -> String {
    let query: String = url_query(&[("params", &params.to_string())]);
    let window = s.get(&format!("{}/window?{query}", fake.base_url)).await;
    assert_eq!(window.status, 200, "{}", window.body);
    let id = params["paymentId"].as_str().unwrap();
    let back = s
        .post(&format!("{}/window/{id}/approve", fake.base_url), &[])
        .await;
    back.location.unwrap()
}

/// A query string of `pairs`, form-encoded.
pub(crate) fn url_query(pairs: &[(&str, &str)]) -> String {
    let mut url = reqwest::Url::parse("http://x/").unwrap();
    url.query_pairs_mut().extend_pairs(pairs);
    url.query().unwrap_or_default().to_owned()
}

/// Posts a signed PortOne webhook to the shop; its answer's status.
pub(crate) async fn post_webhook(t: &TestApp, signed: &SignedWebhook) -> u16 {
    let mut request = jangteo_testkit::server::client()
        .post(t.url("/webhooks/portone"))
        .header("content-type", "application/json")
        .body(signed.body.clone());
    for (name, value) in &signed.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    request.send().await.unwrap().status().as_u16()
}

async fn naverpay_and_card_pay_through_portone(backend: Backend) {
    let Some((t, tshirt, fake, _)) = portone_shop(backend).await else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    add(&s, tshirt, 1).await;
    let checkout = s.get("/checkout?guest=1").await;
    assert!(
        checkout.body.contains("value=\"naver_pay\""),
        "checkout offers 네이버페이"
    );
    let placed = guest_order(&s, tshirt, "naver_pay").await;
    let (number, params) = window_params(&s, &placed).await;
    assert_eq!(params["channelKey"], PORTONE_NAVERPAY_CHANNEL_KEY);
    let back = approve_in_window(&s, &fake, &params).await;
    assert!(back.contains("/checkout/approve/"), "{back}");
    let done = s.get(&back).await;
    assert_eq!(
        done.location.as_deref(),
        Some(format!("/orders/{number}/complete").as_str())
    );
    assert_eq!(status_of(&t, &number).await, "paid");
    s.get(&back).await;
    assert_eq!(status_of(&t, &number).await, "paid", "a reload is harmless");

    // The buyer cancels: PortOne refunds the whole balance.
    let cancelled = s.post(&format!("/orders/{number}/cancel"), &[]).await;
    assert_eq!(cancelled.status, 303);
    assert_eq!(status_of(&t, &number).await, "cancelled");
    let id = params["paymentId"].as_str().unwrap();
    assert_eq!(fake.payment(id).unwrap().status, "CANCELLED");

    // The shopper closes the window: PortOne comes back with a code; the order is cancelled
    // and checkout says why.
    let placed = guest_order(&s, tshirt, "card").await;
    let (number, params) = window_params(&s, &placed).await;
    let query = url_query(&[("params", &params.to_string())]);
    s.get(&format!("{}/window?{query}", fake.base_url)).await;
    let id = params["paymentId"].as_str().unwrap();
    let quit = s
        .post(&format!("{}/window/{id}/cancel", fake.base_url), &[])
        .await;
    let back = quit.location.unwrap();
    assert!(back.contains("code=FAILURE_TYPE_PG"), "{back}");
    s.get(&back).await;
    assert_eq!(status_of(&t, &number).await, "cancelled");
    let told = s.get("/checkout?guest=1").await;
    assert!(
        told.body.contains("사용자가 결제를 취소하였습니다"),
        "{}",
        told.body
    );
}

async fn a_payment_for_another_amount_is_given_back(backend: Backend) {
    let Some((t, tshirt, fake, _)) = portone_shop(backend).await else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    let placed = guest_order(&s, tshirt, "card").await;
    let (number, mut params) = window_params(&s, &placed).await;
    // The page's parameters edited in the browser: PortOne approves a lower amount.
    params["totalAmount"] = serde_json::json!(1_000);
    let back = approve_in_window(&s, &fake, &params).await;
    s.get(&back).await;
    assert_eq!(status_of(&t, &number).await, "cancelled");
    let id = params["paymentId"].as_str().unwrap();
    assert_eq!(
        fake.payment(id).unwrap().status,
        "CANCELLED",
        "the approval for the wrong amount is cancelled at PortOne"
    );
    let told = s.get("/checkout?guest=1").await;
    assert!(
        told.body.contains("승인 금액이 주문 금액과 다릅니다"),
        "{}",
        told.body
    );
}

async fn a_virtual_account_is_paid_by_a_signed_webhook_once(backend: Backend) {
    let Some((t, tshirt, fake, _)) = portone_shop(backend).await else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    let placed = guest_order(&s, tshirt, "virtual_account").await;
    assert_eq!(placed.status, 303, "{}", placed.body);
    let number = placed
        .location
        .unwrap()
        .trim_start_matches("/orders/")
        .trim_end_matches("/complete")
        .to_owned();
    assert_eq!(status_of(&t, &number).await, "awaiting_deposit");
    let (_, payment) = order_and_payment(&t, &number).await;
    let complete = s.get(&format!("/orders/{number}/complete")).await;
    assert!(complete.body.contains("신한은행"), "{}", complete.body);

    // A forged notice (signed with another key) and a stale one are refused.
    let mut forged = fake.webhook(&payment.attempt_id, "Transaction.Paid");
    forged.headers[2].1 = "v1,Zm9yZ2VkLXNpZ25hdHVyZQ==".into();
    assert_eq!(post_webhook(&t, &forged).await, 401);
    let body = fake.webhook(&payment.attempt_id, "Transaction.Paid").body;
    let stale = sign_webhook("msg_stale", chrono::Utc::now().timestamp() - 600, &body);
    assert_eq!(post_webhook(&t, &stale).await, 401);
    // A genuine "paid" notice before any deposit: the lookup says otherwise, nothing moves.
    let early = fake.webhook(&payment.attempt_id, "Transaction.Paid");
    assert_ne!(post_webhook(&t, &early).await, 200);
    assert_eq!(status_of(&t, &number).await, "awaiting_deposit");

    let paid = fake.deposit(&payment.attempt_id).unwrap();
    assert_eq!(post_webhook(&t, &paid).await, 200);
    assert_eq!(status_of(&t, &number).await, "paid");
    assert_eq!(
        post_webhook(&t, &paid).await,
        200,
        "a retry is acknowledged"
    );
    let events = jangteo_db::orders::events(&t.app.db, payment.order_id)
        .await
        .unwrap();
    let deposits = events
        .iter()
        .filter(|e| e.to_status == jangteo_core::order::OrderStatus::Paid)
        .count();
    assert_eq!(deposits, 1, "one state change for a repeated notice");
}

/// The shop went down between PortOne's approval and the buyer's return: the reconciliation of
/// unfinished payments finds the approval and pays the order; one never paid is cancelled.
async fn an_approval_the_shop_missed_is_settled_by_reconciliation(backend: Backend) {
    let Some((t, tshirt, fake, _)) = portone_shop(backend).await else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    let placed = guest_order(&s, tshirt, "card").await;
    let (paid_number, params) = window_params(&s, &placed).await;
    let id = params["paymentId"].as_str().unwrap();
    fake.approve(id, params["totalAmount"].as_i64().unwrap(), "CARD", false);
    let other = Shopper::new(&t.base_url);
    let placed = guest_order(&other, tshirt, "card").await;
    let (abandoned_number, _) = window_params(&other, &placed).await;
    let later = chrono::Utc::now() + chrono::Duration::minutes(31);
    t.app.expire_abandoned_payments(later).await.unwrap();
    assert_eq!(status_of(&t, &paid_number).await, "paid");
    assert_eq!(status_of(&t, &abandoned_number).await, "cancelled");
}

on_both_backends!(
    an_approval_the_shop_missed_is_settled_by_reconciliation,
    naverpay_and_card_pay_through_portone,
    a_payment_for_another_amount_is_given_back,
    a_virtual_account_is_paid_by_a_signed_webhook_once,
);
