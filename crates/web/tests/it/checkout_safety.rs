//! Checkout under pressure: bank deposits that wait and expire, tampered amounts, declines, double submits, CSRF and throttling, concurrent buyers, carts that change under the shopper.

use crate::checkout::*;
use crate::loyalty::staff_token;
use chrono::{Duration, Utc};
use jangteo_db::catalog::stock;
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, TestApp, fixtures, on_both_backends};
/// The checkout fields of a guest paying by bank deposit.
const BANK_DEPOSIT: [(&str, &str); 4] = [
    ("payment_method", "bank_deposit"),
    ("depositor_name", "김장터"),
    ("guest_password", "guest1234"),
    ("guest_password_confirm", "guest1234"),
];

async fn bank_deposit_waits_for_staff_and_expires(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let token = staff_token(&t).await;
    let s = Shopper::new(&t.base_url);
    add(&s, tshirt, 1).await;
    let number = bank_order_waits_for_its_deposit(&t, &s).await;
    staff_api_confirms_the_deposit(&t, &token, &number).await;
    shipped_and_delivered_then_confirmed(&t, &s, &token, &number).await;
    unpaid_order_expires_and_releases_stock(&t, &s, tshirt).await;
}

/// A bank-deposit order waits for its deposit; the order mail tells where to deposit.
/// Returns the order number.
async fn bank_order_waits_for_its_deposit(t: &TestApp, s: &Shopper) -> String {
    let number = place(s, &BANK_DEPOSIT)
        .await
        .location
        .map(|l| order_number_in(&l))
        .unwrap();
    assert_eq!(status_of(t, &number).await, "awaiting_deposit");
    let mail = t
        .app
        .recent_messages(10)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.event == "order_placed")
        .unwrap();
    assert!(
        mail.body_text.contains("123456-01-234567"),
        "the order mail tells where to deposit"
    );
    number
}

/// Confirming the deposit needs a valid staff API token.
async fn staff_api_confirms_the_deposit(t: &TestApp, token: &str, number: &str) {
    let client = jangteo_testkit::server::client();
    let url = t.url(&format!("/api/v1/staff/orders/{number}/confirm-deposit"));
    assert_eq!(client.post(&url).send().await.unwrap().status(), 401);
    assert_eq!(
        client
            .post(&url)
            .bearer_auth("jt_wrong")
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let ok = client.post(&url).bearer_auth(token).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(status_of(t, number).await, "paid");
    // The refund account of a paid bank deposit, entered over the API as on the order page.
    let account = t.url(&format!("/api/v1/staff/orders/{number}/refund-account"));
    let refused = client
        .post(&account)
        .bearer_auth(token)
        .json(&serde_json::json!({"bank": "88", "number": "12", "holder": "김장터"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let saved = client
        .post(&account)
        .bearer_auth(token)
        .json(&serde_json::json!({"bank": "88", "number": "110-123-456789", "holder": "김장터"}))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), 200);
    let order = jangteo_db::orders::find_by_number(&t.app.db, number)
        .await
        .unwrap()
        .unwrap();
    let stored = jangteo_db::refund_accounts::of_order(&t.app.db, order.id)
        .await
        .unwrap()
        .expect("stored");
    assert_eq!(stored.number_hint, "…6789");
}

/// Ship and deliver through the staff API; the buyer confirms the purchase.
async fn shipped_and_delivered_then_confirmed(t: &TestApp, s: &Shopper, token: &str, number: &str) {
    let client = jangteo_testkit::server::client();
    let ship = client
        .post(t.url(&format!("/api/v1/staff/orders/{number}/ship")))
        .bearer_auth(token)
        .json(&serde_json::json!({"carrier": "cj", "waybill": "6543-2109-8765"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ship.status(), 200);
    let page = s.get(&format!("/orders/{number}")).await;
    assert!(
        page.body.contains("trace.cjlogistics.com"),
        "tracking link shown"
    );
    let deliver = client
        .post(t.url(&format!("/api/v1/staff/orders/{number}/deliver")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(deliver.status(), 200);
    assert_eq!(
        s.post(&format!("/orders/{number}/cancel"), &[])
            .await
            .status,
        303
    );
    assert_eq!(
        status_of(t, number).await,
        "delivered",
        "no cancel after shipping"
    );
    s.post(&format!("/orders/{number}/confirm"), &[]).await;
    assert_eq!(status_of(t, number).await, "completed");
}

/// A second bank order whose deadline passes is cancelled and its stock released.
async fn unpaid_order_expires_and_releases_stock(t: &TestApp, s: &Shopper, tshirt: i64) {
    add(s, tshirt, 2).await;
    let second = place(s, &BANK_DEPOSIT)
        .await
        .location
        .map(|l| order_number_in(&l))
        .unwrap();
    assert_eq!(stock_of(t, tshirt).await, 7);
    assert!(
        !t.app.expire_deposit(&second).await.unwrap(),
        "not before the deadline"
    );
    let order = jangteo_db::orders::find_by_number(&t.app.db, &second)
        .await
        .unwrap()
        .unwrap();
    let mut tx = t.app.db.begin().await.unwrap();
    jangteo_db::orders::set_deposit_deadline(&mut tx, order.id, Utc::now() - Duration::minutes(1))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(t.app.expire_deposit(&second).await.unwrap());
    assert!(!t.app.expire_deposit(&second).await.unwrap(), "once");
    assert_eq!(status_of(t, &second).await, "cancelled");
    assert_eq!(stock_of(t, tshirt).await, 9);
}

async fn tampered_amounts_declines_and_double_submits_are_safe(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    add(&s, tshirt, 1).await;
    let form = s.get("/checkout?guest=1").await;
    let token = form.input_value("checkout_token").unwrap();
    let total = form.input_value("expected_total").unwrap();
    let mut fields: Vec<(&str, &str)> = ADDRESS.to_vec();
    fields.extend_from_slice(&[
        ("checkout_token", &token),
        ("expected_total", &total),
        ("agree", "true"),
        ("agree_guest_privacy", "true"),
        ("payment_method", "card"),
        ("guest_password", "guest1234"),
        ("guest_password_confirm", "guest1234"),
    ]);
    let first = s.post("/checkout", &fields).await;
    let second = s.post("/checkout", &fields).await;
    assert_eq!(
        first.location, second.location,
        "a double submit finds the same order"
    );
    assert_eq!(stock_of(&t, tshirt).await, 9, "reserved once");
    let window = first.location.unwrap();
    let attempt = window.trim_start_matches("/payments/test/").to_owned();
    let approved = s
        .post(&format!("{window}/approve"), &[])
        .await
        .location
        .unwrap();
    // The query string's amount is changed: the order is not paid and the stock comes back.
    let tampered = approved.replace(&format!("amount={total}"), "amount=100");
    assert_ne!(tampered, approved);
    let r = s.get(&tampered).await;
    assert_eq!(r.status, 303);
    assert!(r.location.unwrap().starts_with("/checkout"));
    let number = attempt[..15].to_owned();
    assert_eq!(status_of(&t, &number).await, "cancelled");
    assert_eq!(stock_of(&t, tshirt).await, 10);
    assert_eq!(
        s.get(&approved)
            .await
            .location
            .as_deref()
            .map(|l| l.starts_with("/checkout")),
        Some(true),
        "a late genuine return cannot revive it"
    );
    assert_eq!(status_of(&t, &number).await, "cancelled");

    // Declining in the payment window brings the shopper back with the cart intact.
    let placed = place(
        &s,
        &[
            ("payment_method", "card"),
            ("guest_password", "guest1234"),
            ("guest_password_confirm", "guest1234"),
        ],
    )
    .await;
    let window = placed.location.unwrap();
    let declined = s
        .post(&format!("{window}/decline"), &[])
        .await
        .location
        .unwrap();
    let back = s.get(&declined).await;
    assert!(back.location.unwrap().starts_with("/checkout"));
    assert_eq!(stock_of(&t, tshirt).await, 10);
    assert!(
        s.get("/cart").await.body.contains("data-sku-id"),
        "cart kept"
    );
}

async fn csrf_throttling_and_validation(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    cross_site_posts_are_refused(&s, tshirt).await;
    session_cookie_is_http_only_and_same_site(&t, tshirt).await;
    logins_are_throttled(&s).await;
    refused_sign_up_keeps_what_was_typed(&s).await;
}

/// Posts from another site (by Origin or Sec-Fetch-Site) are refused; nothing is added.
async fn cross_site_posts_are_refused(s: &Shopper, tshirt: i64) {
    for headers in [
        [("origin", "https://evil.example"), ("x", "y")],
        [("sec-fetch-site", "cross-site"), ("x", "y")],
    ] {
        let r = s
            .post_with(
                "/cart/items",
                &[("sku_id", &tshirt.to_string()), ("quantity", "1")],
                &headers,
            )
            .await;
        assert_eq!(r.status, 403);
    }
    assert!(
        !s.get("/cart").await.body.contains("data-sku-id"),
        "nothing was added"
    );
}

/// The session cookie is HttpOnly and SameSite=Lax (Secure only under an https base URL).
async fn session_cookie_is_http_only_and_same_site(t: &TestApp, tshirt: i64) {
    let r = jangteo_testkit::server::client()
        .post(t.url("/cart/items"))
        .form(&[("sku_id", tshirt.to_string()), ("quantity", "1".to_owned())])
        .send()
        .await
        .unwrap();
    let cookie = r
        .headers()
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.starts_with("jt_session=")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http in tests");
}

/// Five wrong passwords lock the login, even for the right password.
async fn logins_are_throttled(s: &Shopper) {
    sign_up(s, "throttle@example.com").await;
    let _ = s.post("/account/logout", &[]).await;
    for _ in 0..5 {
        let r = s
            .post(
                "/account/login",
                &[
                    ("email", "throttle@example.com"),
                    ("password", "wrong-password1"),
                ],
            )
            .await;
        assert_eq!(r.status, 422);
    }
    let r = s
        .post(
            "/account/login",
            &[("email", "throttle@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(r.status, 429, "locked even with the right password");
}

/// Refused input keeps what was typed and says what is wrong, in Korean.
async fn refused_sign_up_keeps_what_was_typed(s: &Shopper) {
    let r = s
        .post(
            "/account/signup",
            &[
                ("email", "not-an-email"),
                ("password", "short"),
                ("name", "홍길동"),
                ("mobile", "02-123"),
            ],
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("홍길동"));
    assert!(
        r.body.contains("이메일"),
        "a Korean message about the e-mail"
    );
}

async fn concurrent_checkouts_never_oversell(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    set_stock(&t, tshirt, 50).await;
    let shoppers: Vec<Shopper> = (0..200).map(|_| Shopper::new(&t.base_url)).collect();
    let mut prepared = Vec::new();
    for s in &shoppers {
        add(s, tshirt, 1).await;
        let form = s.get("/checkout?guest=1").await;
        prepared.push((
            form.input_value("checkout_token").unwrap(),
            form.input_value("expected_total").unwrap(),
        ));
    }
    let results = futures::future::join_all(shoppers.iter().zip(&prepared).map(
        |(s, (token, total))| async move {
            let mut fields: Vec<(&str, &str)> = ADDRESS.to_vec();
            fields.extend_from_slice(&[
                ("checkout_token", token.as_str()),
                ("expected_total", total.as_str()),
                ("agree", "true"),
                ("agree_guest_privacy", "true"),
                ("payment_method", "bank_deposit"),
                ("depositor_name", "김장터"),
                ("guest_password", "guest1234"),
                ("guest_password_confirm", "guest1234"),
            ]);
            s.post("/checkout", &fields).await
        },
    ))
    .await;
    let placed = results
        .iter()
        .filter(|r| {
            r.location
                .as_deref()
                .is_some_and(|l| l.ends_with("/complete"))
        })
        .count();
    let sold_out = results
        .iter()
        .filter(|r| r.location.as_deref() == Some("/cart"))
        .count();
    assert_eq!((placed, sold_out), (50, 150));
    assert_eq!(stock_of(&t, tshirt).await, 0);
    assert_eq!(
        jangteo_db::orders::count_in_status(&t.app.db, "awaiting_deposit")
            .await
            .unwrap(),
        50
    );
}

async fn cart_shows_price_changes_sold_out_and_removed_lines(backend: Backend) {
    let Some(t) = TestApp::spawn(backend).await else {
        return;
    };
    let c = fixtures::catalog(&t.app).await;
    let tshirt = stock::sku_id_by_code(&t.app.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    let jeans = stock::sku_id_by_code(&t.app.db, "JEANS")
        .await
        .unwrap()
        .unwrap();
    let s = Shopper::new(&t.base_url);
    add(&s, tshirt, 3).await;
    add(&s, jeans, 1).await;
    t.app
        .update_product_price(
            c.tshirt,
            jangteo_core::catalog::Price::new(jangteo_core::Won(7_000), None),
        )
        .await
        .unwrap();
    set_stock(&t, jeans, 0).await;
    let cart = s.get("/cart").await;
    assert!(
        cart.body.contains("7,000원으로 바뀌었습니다"),
        "the price change is shown"
    );
    assert!(
        cart.body.contains("품절되었습니다"),
        "the sold-out line is shown"
    );
    // Checkout charges the new price and only the orderable line.
    let form = s.get("/checkout?guest=1").await;
    assert!(form.body.contains("21,000원"), "3 × 7,000원");
    set_stock(&t, tshirt, 2).await;
    assert!(
        s.get("/cart").await.body.contains("재고가 2개 남아"),
        "quantity reduced to the stock"
    );
    set_stock(&t, tshirt, 0).await;
    let form = s.get("/checkout?guest=1").await;
    assert_eq!(
        form.location.as_deref(),
        Some("/cart"),
        "nothing orderable: back to the cart"
    );
}

on_both_backends!(
    bank_deposit_waits_for_staff_and_expires,
    tampered_amounts_declines_and_double_submits_are_safe,
    csrf_throttling_and_validation,
    concurrent_checkouts_never_oversell,
    cart_shows_price_changes_sold_out_and_removed_lines,
);
