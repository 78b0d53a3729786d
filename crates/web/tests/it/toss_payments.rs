//! Real payments through Toss Payments (its fake, which follows docs/PROVIDERS.md §1): the owner
//! enters the keys in the back office, shoppers pay by card through the window and by virtual
//! account with the deposit callback; tampered returns, timeouts and forged notices change
//! nothing they should not.

use crate::checkout::{add, order_number_in, place, status_of};
use jangteo_testkit::fake_toss::{FakeToss, TOSS_CLIENT_KEY, TOSS_SECRET_KEY};
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::shopper::{Page, Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, fixtures, on_both_backends};

const GUEST: [(&str, &str); 2] = [
    ("guest_password", "guest1234"),
    ("guest_password_confirm", "guest1234"),
];

/// A shop whose Toss Payments is the fake (no keys entered yet). Returns the shop, the T-shirt
/// SKU and the fake.
pub(crate) async fn toss_shop_without_keys(
    backend: Backend,
    configure: Option<fn(&mut jangteo_app::Config)>,
) -> Option<(TestApp, i64, FakeToss)> {
    let fake = FakeToss::start().await;
    let options = TestOptions {
        toss_base: Some(fake.base_url.clone()),
        configure,
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

/// A shop whose owner chose Toss with the fake's test keys. Returns the shop, the T-shirt SKU,
/// the fake and the owner's session.
pub(crate) async fn toss_shop(
    backend: Backend,
    configure: Option<fn(&mut jangteo_app::Config)>,
) -> Option<(TestApp, i64, FakeToss, Shopper)> {
    let (t, tshirt, fake) = toss_shop_without_keys(backend, configure).await?;
    let (owner, _) = staff_session(&t, "owner@shop.example.com", "owner").await;
    let saved = owner
        .post(
            "/admin/settings/payments",
            &[
                ("provider", "toss"),
                ("toss_client_key", TOSS_CLIENT_KEY),
                ("toss_secret_key", TOSS_SECRET_KEY),
                ("toss_virtual_account_bank", "88"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    Some((t, tshirt, fake, owner))
}

/// Places a guest order paid with `method`; returns the placed answer.
pub(crate) async fn guest_order(s: &Shopper, tshirt: i64, method: &str) -> Page {
    add(s, tshirt, 1).await;
    let mut fields = vec![("payment_method", method)];
    fields.extend_from_slice(&GUEST);
    place(s, &fields).await
}

/// An order and its latest payment attempt.
pub(crate) async fn order_and_payment(
    t: &TestApp,
    number: &str,
) -> (
    jangteo_db::orders::OrderRow,
    jangteo_db::payments::PaymentRow,
) {
    let order = jangteo_db::orders::find_by_number(&t.app.db, number)
        .await
        .unwrap()
        .unwrap();
    let payment = jangteo_db::payments::latest_for_order(&t.app.db, order.id)
        .await
        .unwrap()
        .unwrap();
    (order, payment)
}

/// The buyer deposits into the virtual account of order `number` and Toss sends its deposit
/// callback to the shop; returns the shop's answer status.
pub(crate) async fn deposit_arrives(t: &TestApp, fake: &FakeToss, number: &str) -> u16 {
    let (_, payment) = order_and_payment(t, number).await;
    let body = fake
        .deposit(&payment.attempt_id, chrono::Utc::now())
        .unwrap();
    jangteo_testkit::server::client()
        .post(t.url("/webhooks/toss"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The parameters a payment page hands the gateway's window (its `data-params`).
pub(crate) fn window_params_of(body: &str) -> serde_json::Value {
    let escaped = body
        .split("data-params=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    let json = escaped
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#x22;", "\"");
    serde_json::from_str(&json).unwrap()
}

/// The payment page of a placed order: its number, and the attempt id and amount it asks the
/// window for.
pub(crate) async fn payment_page(s: &Shopper, placed: &Page) -> (String, String, i64) {
    assert_eq!(placed.status, 303, "{}", placed.body);
    let pay_url = placed.location.clone().unwrap();
    assert!(pay_url.starts_with("/checkout/pay/"), "{pay_url}");
    let number = pay_url.trim_start_matches("/checkout/pay/").to_owned();
    let page = s.get(&pay_url).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains(TOSS_CLIENT_KEY),
        "the client key is in the page"
    );
    assert!(!page.body.contains(TOSS_SECRET_KEY), "never the secret key");
    let params = window_params_of(&page.body);
    let attempt = params["orderId"].as_str().unwrap().to_owned();
    (number, attempt, params["amount"].as_i64().unwrap())
}

async fn owner_sets_toss_and_a_card_payment_is_confirmed_once(backend: Backend) {
    let Some((t, tshirt, fake, owner)) = toss_shop(backend, None).await else {
        return;
    };
    // What the owner sees: Toss in test mode, everywhere the live gateway is shown.
    let settings = owner.get("/admin/settings/payments").await;
    assert!(settings.body.contains("토스페이먼츠"), "{}", settings.body);
    assert!(settings.body.contains("data-gateway-live=\"test\""));
    assert!(
        !settings.body.contains(TOSS_SECRET_KEY),
        "a secret is never shown again"
    );
    assert!(settings.body.contains("…YG5R"), "only its last characters");
    let dashboard = owner.get("/admin").await;
    assert!(
        dashboard
            .body
            .contains("data-readiness=\"sandbox_payments\"")
    );
    let stored = jangteo_db::settings::get(&t.app.db, "payments.gateway")
        .await
        .unwrap()
        .unwrap();
    assert!(
        !stored.contains(TOSS_SECRET_KEY),
        "sealed at rest: {stored}"
    );
    let audit = jangteo_db::audit::search(&t.app.db, &Default::default(), 50, 0)
        .await
        .unwrap();
    let entry = format!("{audit:?}");
    assert!(entry.contains("settings.payment_gateway"), "{entry}");
    assert!(
        !entry.contains(TOSS_SECRET_KEY),
        "the audit keeps no secret"
    );

    let s = Shopper::new(&t.base_url);
    let placed = guest_order(&s, tshirt, "card").await;
    let (number, attempt, amount) = payment_page(&s, &placed).await;
    let key = fake.authenticate(&attempt, "티셔츠", amount, "카드");
    let success = format!(
        "/checkout/success?paymentKey={key}&orderId={attempt}&amount={amount}&paymentType=NORMAL"
    );
    let done = s.get(&success).await;
    assert_eq!(
        done.location.as_deref(),
        Some(format!("/orders/{number}/complete").as_str())
    );
    assert_eq!(status_of(&t, &number).await, "paid");
    // The return reloaded changes nothing; the gateway confirmed once.
    s.get(&success).await;
    assert_eq!(fake.confirms_executed(), 1);
    let order = s.get(&format!("/orders/{number}")).await;
    assert!(
        order.body.contains("신한카드"),
        "the card company from the reply"
    );
}

async fn a_tampered_return_amount_fails_the_order_without_a_confirm(backend: Backend) {
    let Some((t, tshirt, fake, _)) = toss_shop(backend, None).await else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    let placed = guest_order(&s, tshirt, "card").await;
    let (number, attempt, amount) = payment_page(&s, &placed).await;
    let key = fake.authenticate(&attempt, "티셔츠", amount, "카드");
    let cheaper = amount - 1000;
    s.get(&format!(
        "/checkout/success?paymentKey={key}&orderId={attempt}&amount={cheaper}"
    ))
    .await;
    assert_eq!(status_of(&t, &number).await, "cancelled");
    let told = s.get("/checkout?guest=1").await;
    assert!(
        told.body.contains("결제 금액이 주문 금액과 다릅니다"),
        "the reason, in Korean: {}",
        told.body
    );
    assert_eq!(
        fake.confirms_executed(),
        0,
        "nothing confirmed for a tampered amount"
    );
}

async fn a_confirm_timeout_is_settled_by_a_lookup_never_twice(backend: Backend) {
    let Some((t, tshirt, fake, _)) =
        toss_shop(backend, Some(|c| c.checkout.gateway_timeout_seconds = 1)).await
    else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    let placed = guest_order(&s, tshirt, "card").await;
    let (number, attempt, amount) = payment_page(&s, &placed).await;
    let key = fake.authenticate(&attempt, "티셔츠", amount, "카드");
    fake.delay_confirms(std::time::Duration::from_secs(3));
    let done = s
        .get(&format!(
            "/checkout/success?paymentKey={key}&orderId={attempt}&amount={amount}"
        ))
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(
        status_of(&t, &number).await,
        "paid",
        "the lookup found it approved"
    );
    assert_eq!(fake.confirms_executed(), 1);
}

async fn virtual_account_is_paid_by_the_deposit_callback_once(backend: Backend) {
    let Some((t, tshirt, fake, _)) = toss_shop(backend, None).await else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    let placed = guest_order(&s, tshirt, "virtual_account").await;
    let number = order_number_in(&placed.location.clone().unwrap());
    assert_eq!(status_of(&t, &number).await, "awaiting_deposit");
    let complete = s.get(&format!("/orders/{number}/complete")).await;
    assert!(
        complete.body.contains("신한은행"),
        "the issued account is shown"
    );
    let payment = jangteo_db::payments::latest_for_order(
        &t.app.db,
        jangteo_db::orders::find_by_number(&t.app.db, &number)
            .await
            .unwrap()
            .unwrap()
            .id,
    )
    .await
    .unwrap()
    .unwrap();
    let client = jangteo_testkit::server::client();
    let post = |body: String| {
        client
            .post(t.url("/webhooks/toss"))
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    // A forged callback (wrong secret) is refused and changes nothing.
    let forged = format!(
        r#"{{"createdAt":"2026-12-06T10:00:00.000000","secret":"ps_forged","status":"DONE","transactionKey":"txf","orderId":"{}"}}"#,
        payment.attempt_id
    );
    assert_eq!(post(forged).await.unwrap().status(), 401);
    assert_eq!(status_of(&t, &number).await, "awaiting_deposit");
    let body = fake
        .deposit(&payment.attempt_id, chrono::Utc::now())
        .unwrap();
    assert_eq!(post(body.clone()).await.unwrap().status(), 200);
    assert_eq!(status_of(&t, &number).await, "paid");
    // Replayed, then the status-change event for the same deposit: one change in all.
    assert_eq!(post(body).await.unwrap().status(), 200);
    let changed = fake
        .status_changed(&payment.attempt_id, chrono::Utc::now())
        .unwrap();
    assert_eq!(post(changed).await.unwrap().status(), 200);
    let notices = jangteo_db::payments::count_events(&t.app.db, payment.id)
        .await
        .unwrap();
    assert_eq!(status_of(&t, &number).await, "paid");
    assert_eq!(
        notices, 3,
        "the issue, the deposit and the status change, each once"
    );
}

on_both_backends!(
    owner_sets_toss_and_a_card_payment_is_confirmed_once,
    a_tampered_return_amount_fails_the_order_without_a_confirm,
    a_confirm_timeout_is_settled_by_a_lookup_never_twice,
    virtual_account_is_paid_by_the_deposit_callback_once,
);

/// A paid virtual-account order: its refund needs the buyer's account, which is sealed at rest
/// and handed to Toss with the cancel; an unpaid one is closed at Toss when cancelled.
async fn virtual_account_refunds_need_the_buyers_account(backend: Backend) {
    let Some((t, tshirt, fake, _)) = toss_shop(backend, None).await else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    let placed = guest_order(&s, tshirt, "virtual_account").await;
    let number = order_number_in(&placed.location.clone().unwrap());
    let (order, payment) = order_and_payment(&t, &number).await;
    assert_eq!(deposit_arrives(&t, &fake, &number).await, 200);
    let page = s.get(&format!("/orders/{number}")).await;
    assert!(
        page.body.contains("id=\"refund-account-missing\""),
        "the page asks for it"
    );

    // No account yet: the cancel refunds nothing and says why.
    let refused = s.post(&format!("/orders/{number}/cancel"), &[]).await;
    assert_eq!(refused.status, 303);
    let page = s.get(&format!("/orders/{number}")).await;
    assert!(page.body.contains("환불 받을 계좌가 없어"), "{}", page.body);
    assert_eq!(status_of(&t, &number).await, "paid");

    // A wrong account is refused field by field and what was typed stays.
    let url = format!("/orders/{number}/refund-account");
    let wrong = s
        .post(
            &url,
            &[
                ("refund_bank", "20"),
                ("refund_number", "12-3"),
                ("refund_holder", "김장터"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.body.contains("6~20자리"));
    assert!(wrong.body.contains("value=\"김장터\""));
    let saved = s
        .post(
            &url,
            &[
                ("refund_bank", "20"),
                ("refund_number", "1002-123-456789"),
                ("refund_holder", "김장터"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);
    let stored = jangteo_db::refund_accounts::of_order(&t.app.db, order.id)
        .await
        .unwrap()
        .unwrap();
    assert!(
        !stored.number_sealed.contains("1002123456789"),
        "sealed at rest"
    );
    assert!(
        s.get(&format!("/orders/{number}"))
            .await
            .body
            .contains("…6789")
    );

    let cancelled = s.post(&format!("/orders/{number}/cancel"), &[]).await;
    assert_eq!(cancelled.status, 303);
    assert_eq!(status_of(&t, &number).await, "cancelled");
    let (_, path, _, body) = fake
        .requests()
        .into_iter()
        .rev()
        .find(|r| r.1.ends_with("/cancel"))
        .unwrap();
    assert_eq!(
        path,
        format!("/v1/payments/{}/cancel", payment.payment_key.unwrap())
    );
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        body["refundReceiveAccount"]["accountNumber"],
        "1002123456789"
    );
    assert_eq!(body["refundReceiveAccount"]["bank"], "20");

    // An unpaid virtual account is closed at Toss when its order is cancelled.
    let placed = guest_order(&s, tshirt, "virtual_account").await;
    let unpaid = order_number_in(&placed.location.clone().unwrap());
    s.post(&format!("/orders/{unpaid}/cancel"), &[]).await;
    assert_eq!(status_of(&t, &unpaid).await, "cancelled");
    let order = jangteo_db::orders::find_by_number(&t.app.db, &unpaid)
        .await
        .unwrap()
        .unwrap();
    let payment = jangteo_db::payments::latest_for_order(&t.app.db, order.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        fake.payment_of_order(&payment.attempt_id).unwrap().status,
        "CANCELED"
    );
}

on_both_backends!(virtual_account_refunds_need_the_buyers_account);
