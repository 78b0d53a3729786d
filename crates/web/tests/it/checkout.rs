//! Members, cart, checkout, payment and orders through HTTP, on SQLite and PostgreSQL.

use chrono::{Duration, Utc};
use jangteo_core::Won;
use jangteo_db::catalog::stock;
use jangteo_testkit::shopper::{Page, Shopper};
use jangteo_testkit::{Backend, TestApp, fixtures, on_both_backends};

pub(crate) const PASSWORD: &str = "secret1234";

pub(crate) async fn shop(backend: Backend) -> Option<(TestApp, i64)> {
    shop_with(backend, jangteo_testkit::server::TestOptions::default()).await
}

/// The fixture shop started with `options` (fakes, configuration), and its T-shirt SKU.
pub(crate) async fn shop_with(
    backend: Backend,
    options: jangteo_testkit::server::TestOptions,
) -> Option<(TestApp, i64)> {
    let t = TestApp::spawn_with(backend, options).await?;
    fixtures::catalog(&t.app).await;
    let tshirt = stock::sku_id_by_code(&t.app.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    Some((t, tshirt))
}

/// The events on order `number`'s timeline, oldest first.
pub(crate) async fn timeline_of(t: &TestApp, number: &str) -> Vec<String> {
    let order = jangteo_db::orders::find_by_number(&t.app.db, number)
        .await
        .unwrap()
        .expect("the order");
    let events = jangteo_db::orders::events(&t.app.db, order.id).await;
    events.unwrap().into_iter().map(|e| e.event).collect()
}

pub(crate) async fn stock_of(t: &TestApp, sku: i64) -> i64 {
    stock::stock_of(&t.app.db, sku).await.unwrap().unwrap()
}

pub(crate) async fn set_stock(t: &TestApp, sku: i64, n: i64) {
    let mut tx = t.app.db.begin().await.unwrap();
    stock::set_stock(&mut tx, sku, n).await.unwrap();
    tx.commit().await.unwrap();
}

pub(crate) async fn sign_up(s: &Shopper, email: &str) {
    let page = s
        .post(
            "/account/signup",
            &[
                ("email", email),
                ("password", PASSWORD),
                ("password_confirm", PASSWORD),
                ("name", "김장터"),
                ("mobile", "010-1234-5678"),
                ("confirm_age", "true"),
                ("agree_terms", "true"),
                ("agree_privacy", "true"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
}

pub(crate) async fn add(s: &Shopper, sku: i64, qty: u32) {
    let page = s
        .post(
            "/cart/items",
            &[
                ("sku_id", &sku.to_string()),
                ("quantity", &qty.to_string()),
                ("action", "cart"),
            ],
        )
        .await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location.as_deref(), Some("/cart"));
}

pub(crate) const ADDRESS: [(&str, &str); 8] = [
    ("orderer_name", "김장터"),
    ("orderer_mobile", "010-1234-5678"),
    ("orderer_email", "buyer@example.com"),
    ("recipient_name", "이수령"),
    ("recipient_mobile", "010-9876-5432"),
    ("postcode", "06236"),
    ("address1", "서울 강남구 테헤란로 152"),
    ("address2", "12층"),
];

/// Opens checkout, applies `extra` (the 적용 button: the shopper sees the new total), and places
/// the order; returns the response of the submit.
pub(crate) async fn place(s: &Shopper, extra: &[(&str, &str)]) -> Page {
    let form = s.get("/checkout?guest=1").await;
    assert_eq!(form.status, 200, "{}", form.location.unwrap_or_default());
    let token = form.input_value("checkout_token").expect("checkout token");
    let overridden = |k: &&str| extra.iter().any(|(e, _)| e == k);
    let mut recalc: Vec<(&str, &str)> = ADDRESS
        .iter()
        .copied()
        .filter(|(k, _)| !overridden(k))
        .collect();
    recalc.push(("checkout_token", &token));
    recalc.push(("recalculate", "1"));
    recalc.extend_from_slice(extra);
    let form = s.post("/checkout", &recalc).await;
    assert_eq!(form.status, 200);
    let total = form.input_value("expected_total").expect("expected total");
    let mut fields: Vec<(&str, &str)> = ADDRESS
        .iter()
        .copied()
        .filter(|(k, _)| !overridden(k))
        .collect();
    fields.push(("checkout_token", &token));
    fields.push(("expected_total", &total));
    fields.push(("agree", "true"));
    fields.push(("agree_guest_privacy", "true"));
    fields.extend_from_slice(extra);
    s.post("/checkout", &fields).await
}

/// Approves the test gateway's window; returns the order number.
pub(crate) async fn pay(s: &Shopper, placed: &Page) -> String {
    assert_eq!(placed.status, 303, "{}", placed.body);
    let window = placed.location.clone().unwrap();
    assert!(window.starts_with("/payments/test/"), "{window}");
    assert_eq!(s.get(&window).await.status, 200);
    let approved = s.post(&format!("{window}/approve"), &[]).await;
    let success = approved.location.unwrap();
    let done = s.get(&success).await;
    assert_eq!(done.status, 303);
    let complete = done.location.unwrap();
    assert!(complete.ends_with("/complete"), "{complete}");
    // Reloading the return URL changes nothing and lands on the same order.
    assert_eq!(
        s.get(&success).await.location.as_deref(),
        Some(complete.as_str())
    );
    order_number_in(&complete)
}

/// The order number in a `/orders/{number}/complete` location.
pub(crate) fn order_number_in(location: &str) -> String {
    location
        .trim_start_matches("/orders/")
        .trim_end_matches("/complete")
        .to_owned()
}

pub(crate) async fn status_of(t: &TestApp, number: &str) -> String {
    jangteo_db::orders::find_by_number(&t.app.db, number)
        .await
        .unwrap()
        .unwrap()
        .status
        .as_str()
        .to_owned()
}

async fn guest_pays_by_card_and_looks_the_order_up(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let guest = Shopper::new(&t.base_url);
    add(&guest, tshirt, 2).await;
    let cart = guest.get("/cart").await;
    assert!(cart.body.contains("cart-line"), "cart shows the line");
    let placed = place(
        &guest,
        &[
            ("payment_method", "card"),
            ("guest_password", "guest1234"),
            ("guest_password_confirm", "guest1234"),
        ],
    )
    .await;
    let number = pay(&guest, &placed).await;
    assert_eq!(status_of(&t, &number).await, "paid");
    assert_eq!(stock_of(&t, tshirt).await, 8);
    let page = guest.get(&format!("/orders/{number}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("결제완료"));
    assert!(
        guest.get("/cart").await.body.contains("cart-empty")
            || !guest.get("/cart").await.body.contains("data-sku-id"),
        "cart emptied after payment"
    );

    // Another visitor needs the number, the mobile and the password.
    let other = Shopper::new(&t.base_url);
    assert_eq!(other.get(&format!("/orders/{number}")).await.status, 404);
    let wrong = other
        .post(
            "/orders/lookup",
            &[
                ("number", &number),
                ("mobile", "010-1234-5678"),
                ("password", "nope12345"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    let wrong_mobile = other
        .post(
            "/orders/lookup",
            &[
                ("number", &number),
                ("mobile", "010-0000-0000"),
                ("password", "guest1234"),
            ],
        )
        .await;
    assert_eq!(wrong_mobile.status, 422);
    let right = other
        .post(
            "/orders/lookup",
            &[
                ("number", &number),
                ("mobile", "01012345678"),
                ("password", "guest1234"),
            ],
        )
        .await;
    assert_eq!(right.location, Some(format!("/orders/{number}")));
    assert_eq!(other.get(&format!("/orders/{number}")).await.status, 200);

    // The buyer cancels: refunded through the gateway, stock back.
    let cancelled = guest.post(&format!("/orders/{number}/cancel"), &[]).await;
    assert_eq!(cancelled.status, 303);
    assert_eq!(status_of(&t, &number).await, "cancelled");
    assert_eq!(stock_of(&t, tshirt).await, 10);
    let messages = t.app.recent_messages(20).await.unwrap();
    let events: Vec<&str> = messages.iter().map(|m| m.event.as_str()).collect();
    assert!(
        events.contains(&"payment_completed") && events.contains(&"cancelled"),
        "{events:?}"
    );
}

async fn member_cart_merges_and_coupon_and_points_apply(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    welcome10_coupon_is_on_offer(&t).await;
    let s = Shopper::new(&t.base_url);
    sign_up(&s, "member@example.com").await;
    let _ = s.post("/account/logout", &[]).await;
    guest_cart_merges_at_login(&t, &s, tshirt).await;
    let (number, member_id) = coupon_and_points_lower_the_total(&t, &s).await;
    other_members_neither_see_nor_cancel(&t, &number).await;
    cancelling_gives_coupon_and_points_back(&t, &s, &number, member_id, tshirt).await;
}

/// The code coupon WELCOME10: 10% off orders from 10,000 won, at most 5,000 won, once a member.
async fn welcome10_coupon_is_on_offer(t: &TestApp) {
    let now = Utc::now();
    let mut tx = t.app.db.begin().await.unwrap();
    jangteo_db::promotions::upsert_coupon(
        &mut tx,
        &jangteo_db::promotions::CouponInput {
            code: Some("WELCOME10"),
            name: "10% 할인",
            kind: "percent",
            amount: 0,
            rate_bp: 1_000,
            max_discount: Some(5_000),
            min_order: 10_000,
            scope: "all",
            scope_ids: "",
            excluded_product_ids: "",
            valid_from: now - Duration::days(1),
            valid_until: now + Duration::days(30),
            per_member_limit: 1,
            issue_on_signup: false,
            combines_with_grade: true,
            issue_after_first_purchase: false,
            issue_on_birthday: false,
        },
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// A guest cart merges into the member's cart at login, quantities summed.
async fn guest_cart_merges_at_login(t: &TestApp, s: &Shopper, tshirt: i64) {
    add(s, tshirt, 1).await;
    let login = s
        .post(
            "/account/login",
            &[
                ("email", "member@example.com"),
                ("password", PASSWORD),
                ("next", "/cart"),
            ],
        )
        .await;
    assert_eq!(login.location.as_deref(), Some("/cart"));
    add(s, tshirt, 2).await;
    assert_eq!(
        t.app
            .cart_lines(&jangteo_app::cart::CartOwner::Member(1))
            .await
            .unwrap()[0]
            .quantity,
        3
    );
}

/// The coupon and 1,000 points lower the paid total; the order is in the member's list.
/// Returns the order number and the member id.
async fn coupon_and_points_lower_the_total(t: &TestApp, s: &Shopper) -> (String, i64) {
    let placed = place(
        s,
        &[
            ("payment_method", "card"),
            ("coupon_code", "welcome10"),
            ("points", "1000"),
        ],
    )
    .await;
    let number = pay(s, &placed).await;
    let order = jangteo_db::orders::find_by_number(&t.app.db, &number)
        .await
        .unwrap()
        .unwrap();
    assert!(order.coupon_discount > Won::ZERO, "coupon applied");
    assert_eq!(order.points_used, 1_000);
    assert_eq!(
        order.total,
        order.items_subtotal
            - order.grade_discount
            - order.coupon_discount
            - Won(order.points_used)
            + order.shipping_fee
            + order.remote_surcharge
    );
    let member = t.app.active_member(order.member_id.unwrap()).await.unwrap();
    assert_eq!(
        member.points_balance, 1_000,
        "2,000 sign-up points minus 1,000 used"
    );
    assert!(s.get("/account/orders").await.body.contains(&number));
    (number, member.id)
}

/// Another member neither sees nor cancels it.
async fn other_members_neither_see_nor_cancel(t: &TestApp, number: &str) {
    let b = Shopper::new(&t.base_url);
    sign_up(&b, "other@example.com").await;
    assert_eq!(b.get(&format!("/orders/{number}")).await.status, 404);
    assert_eq!(
        b.post(&format!("/orders/{number}/cancel"), &[])
            .await
            .status,
        404
    );
    assert_eq!(status_of(t, number).await, "paid");
}

/// The coupon is used up; cancelling gives it and the points back.
async fn cancelling_gives_coupon_and_points_back(
    t: &TestApp,
    s: &Shopper,
    number: &str,
    member_id: i64,
    tshirt: i64,
) {
    assert!(t.app.usable_coupons(member_id).await.unwrap().is_empty());
    assert_eq!(
        s.post(&format!("/orders/{number}/cancel"), &[])
            .await
            .status,
        303
    );
    assert_eq!(status_of(t, number).await, "cancelled");
    assert_eq!(
        t.app.active_member(member_id).await.unwrap().points_balance,
        2_000
    );
    assert_eq!(
        jangteo_db::promotions::uses(&t.app.db, 1, member_id)
            .await
            .unwrap(),
        0
    );
    assert_eq!(stock_of(t, tshirt).await, 10);
}

async fn virtual_account_is_paid_by_a_verified_deposit_notice(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    sign_up(&s, "va@example.com").await;
    add(&s, tshirt, 1).await;
    let placed = place(&s, &[("payment_method", "virtual_account")]).await;
    let complete = placed.location.clone().unwrap();
    let number = order_number_in(&complete);
    assert_eq!(status_of(&t, &number).await, "awaiting_deposit");
    let page = s.get(&complete).await;
    assert!(page.body.contains("테스트은행"), "the account is shown");
    assert_eq!(stock_of(&t, tshirt).await, 9, "stock held while waiting");

    // A forged notice is refused.
    let order = jangteo_db::orders::find_by_number(&t.app.db, &number)
        .await
        .unwrap()
        .unwrap();
    let payment = jangteo_db::payments::latest_for_order(&t.app.db, order.id)
        .await
        .unwrap()
        .unwrap();
    let forged = serde_json::json!({"createdAt": "2026-11-23T10:00:00.000000", "secret": "ps_forged", "status": "DONE",
        "transactionKey": "tx1", "orderId": payment.attempt_id}).to_string();
    let client = jangteo_testkit::server::client();
    let r = client
        .post(t.url("/webhooks/test"))
        .header("content-type", "application/json")
        .body(forged)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(status_of(&t, &number).await, "awaiting_deposit");
    // The notice secret is kept sealed (a database copy cannot forge notices).
    let kept = jangteo_db::payments::webhook_secret(&t.app.db, payment.id)
        .await
        .unwrap()
        .unwrap();
    assert!(kept.starts_with("v1."), "{kept}");

    // The gateway's own notice makes it paid; replaying it changes nothing.
    let notice = t
        .app
        .test_gateway()
        .simulate_deposit(&payment.attempt_id, Utc::now())
        .unwrap();
    // The gateway cannot be reached for the authoritative lookup: the notice is not taken as
    // processed, and the gateway's retry applies the deposit (it was lost before).
    t.app.test_gateway().fail_next_lookups(1);
    let failed = client
        .post(t.url("/webhooks/test"))
        .header("content-type", "application/json")
        .body(notice.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(failed.status(), 500, "the gateway retries later");
    assert_eq!(status_of(&t, &number).await, "awaiting_deposit");
    for _ in 0..2 {
        let r = client
            .post(t.url("/webhooks/test"))
            .header("content-type", "application/json")
            .body(notice.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    assert_eq!(status_of(&t, &number).await, "paid");
    let events = jangteo_db::orders::events(&t.app.db, order.id)
        .await
        .unwrap();
    assert_eq!(
        events
            .iter()
            .filter(|e| e.event == "deposit_received")
            .count(),
        1,
        "one state change"
    );
}

on_both_backends!(
    guest_pays_by_card_and_looks_the_order_up,
    member_cart_merges_and_coupon_and_points_apply,
    virtual_account_is_paid_by_a_verified_deposit_notice,
);
