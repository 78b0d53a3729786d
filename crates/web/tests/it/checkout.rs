//! Members, cart, checkout, payment and orders through HTTP, on SQLite and PostgreSQL.

use chrono::{Duration, Utc};
use jangteo_app::AppError;
use jangteo_db::catalog::stock;
use jangteo_testkit::shopper::{Page, Shopper};
use jangteo_testkit::{Backend, TestApp, fixtures, on_both_backends};

pub(crate) const PASSWORD: &str = "secret1234";

pub(crate) async fn shop(backend: Backend) -> Option<(TestApp, i64)> {
    let t = TestApp::spawn(backend).await?;
    fixtures::catalog(&t.app).await;
    let tshirt = stock::sku_id_by_code(&t.app.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    Some((t, tshirt))
}

pub(crate) async fn stock_of(t: &TestApp, sku: i64) -> i64 {
    stock::stock_of(&t.app.db, sku).await.unwrap().unwrap()
}

async fn set_stock(t: &TestApp, sku: i64, n: i64) {
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

const ADDRESS: [(&str, &str); 8] = [
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
fn order_number_in(location: &str) -> String {
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
    let now = Utc::now();
    let mut tx = t.app.db.begin().await.unwrap();
    jangteo_db::promotions::upsert_coupon(
        &mut tx,
        &jangteo_db::promotions::NewCoupon {
            code: Some("WELCOME10"),
            name: "10% 할인",
            kind: "percent",
            amount: 0,
            rate_bp: 1_000,
            max_discount: Some(5_000),
            min_order: 10_000,
            scope: "all",
            scope_ids: "",
            valid_from: now - Duration::days(1),
            valid_until: now + Duration::days(30),
            per_member_limit: 1,
            issue_on_signup: false,
        },
        now,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let s = Shopper::new(&t.base_url);
    sign_up(&s, "member@example.com").await;
    let _ = s.post("/account/logout", &[]).await;
    // A guest cart merges into the member's cart at login, quantities summed.
    add(&s, tshirt, 1).await;
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
    add(&s, tshirt, 2).await;
    assert_eq!(
        t.app
            .cart_lines(&jangteo_app::cart::CartOwner::Member(1))
            .await
            .unwrap()[0]
            .quantity,
        3
    );

    let placed = place(
        &s,
        &[
            ("payment_method", "card"),
            ("coupon_code", "welcome10"),
            ("points", "1000"),
        ],
    )
    .await;
    let number = pay(&s, &placed).await;
    let order = jangteo_db::orders::find_by_number(&t.app.db, &number)
        .await
        .unwrap()
        .unwrap();
    assert!(order.coupon_discount > 0, "coupon applied");
    assert_eq!(order.points_used, 1_000);
    assert_eq!(
        order.total,
        order.items_subtotal - order.grade_discount - order.coupon_discount - order.points_used
            + order.shipping_fee
            + order.remote_surcharge
    );
    let member = t.app.active_member(order.member_id.unwrap()).await.unwrap();
    assert_eq!(
        member.points_balance, 1_000,
        "2,000 sign-up points minus 1,000 used"
    );
    assert!(s.get("/account/orders").await.body.contains(&number));

    // Another member neither sees nor cancels it.
    let b = Shopper::new(&t.base_url);
    sign_up(&b, "other@example.com").await;
    assert_eq!(b.get(&format!("/orders/{number}")).await.status, 404);
    assert_eq!(
        b.post(&format!("/orders/{number}/cancel"), &[])
            .await
            .status,
        404
    );
    assert_eq!(status_of(&t, &number).await, "paid");

    // The coupon is used up; cancelling gives it and the points back.
    assert!(t.app.usable_coupons(member.id).await.unwrap().is_empty());
    assert_eq!(
        s.post(&format!("/orders/{number}/cancel"), &[])
            .await
            .status,
        303
    );
    assert_eq!(status_of(&t, &number).await, "cancelled");
    assert_eq!(
        t.app.active_member(member.id).await.unwrap().points_balance,
        2_000
    );
    assert_eq!(
        jangteo_db::promotions::uses(&t.app.db, 1, member.id)
            .await
            .unwrap(),
        0
    );
    assert_eq!(stock_of(&t, tshirt).await, 10);
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
        .test_gateway
        .as_ref()
        .unwrap()
        .simulate_deposit(&payment.attempt_id, Utc::now())
        .unwrap();
    // The gateway cannot be reached for the authoritative lookup: the notice is not taken as
    // processed, and the gateway's retry applies the deposit (it was lost before).
    t.app.test_gateway.as_ref().unwrap().fail_next_lookups(1);
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

async fn bank_deposit_waits_for_staff_and_expires(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let token = staff_token(&t).await;
    let s = Shopper::new(&t.base_url);
    add(&s, tshirt, 1).await;
    let fields = [
        ("payment_method", "bank_deposit"),
        ("depositor_name", "김장터"),
        ("guest_password", "guest1234"),
        ("guest_password_confirm", "guest1234"),
    ];
    let number = place(&s, &fields)
        .await
        .location
        .map(|l| order_number_in(&l))
        .unwrap();
    assert_eq!(status_of(&t, &number).await, "awaiting_deposit");
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
    let ok = client.post(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(status_of(&t, &number).await, "paid");

    // Ship and deliver through the staff API; the buyer confirms the purchase.
    let ship = client
        .post(t.url(&format!("/api/v1/staff/orders/{number}/ship")))
        .bearer_auth(&token)
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
        .bearer_auth(&token)
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
        status_of(&t, &number).await,
        "delivered",
        "no cancel after shipping"
    );
    s.post(&format!("/orders/{number}/confirm"), &[]).await;
    assert_eq!(status_of(&t, &number).await, "completed");

    // A second bank order whose deadline passes is cancelled and its stock released.
    add(&s, tshirt, 2).await;
    let second = place(&s, &fields)
        .await
        .location
        .map(|l| order_number_in(&l))
        .unwrap();
    assert_eq!(stock_of(&t, tshirt).await, 7);
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
    assert_eq!(status_of(&t, &second).await, "cancelled");
    assert_eq!(stock_of(&t, tshirt).await, 9);
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

    // The session cookie is HttpOnly and SameSite=Lax (Secure only under an https base URL).
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

    sign_up(&s, "throttle@example.com").await;
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

    // Refused input keeps what was typed and says what is wrong, in Korean.
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

async fn password_reset_and_withdrawal(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    sign_up(&s, "reset@example.com").await;
    add(&s, tshirt, 1).await;
    let number = pay(&s, &place(&s, &[("payment_method", "card")]).await).await;
    let _ = s.post("/account/logout", &[]).await;
    assert_eq!(
        s.post("/account/password-reset", &[("email", "reset@example.com")])
            .await
            .status,
        200
    );
    assert_eq!(
        s.post(
            "/account/password-reset",
            &[("email", "nobody@example.com")]
        )
        .await
        .status,
        200,
        "no hint"
    );
    // Asking again at once sends nothing more (no mailbox flooding), and says the same.
    for _ in 0..3 {
        assert_eq!(
            s.post("/account/password-reset", &[("email", "reset@example.com")])
                .await
                .status,
            200
        );
    }
    let resets = t
        .app
        .recent_messages(50)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.event == "password_reset")
        .count();
    assert_eq!(resets, 1, "one mail per address per few minutes");
    let mail = t
        .app
        .recent_messages(10)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.event == "password_reset")
        .unwrap();
    let at = mail.body_text.find("/account/password-reset/").unwrap();
    let link: String = mail.body_text[at..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    assert_eq!(s.get(&link).await.status, 200);
    let r = s
        .post(
            &link,
            &[
                ("password", "newsecret99"),
                ("password_confirm", "newsecret99"),
            ],
        )
        .await;
    assert_eq!(r.location.as_deref(), Some("/account/login"));
    let reused = s
        .post(
            &link,
            &[
                ("password", "another999"),
                ("password_confirm", "another999"),
            ],
        )
        .await;
    assert_eq!(reused.status, 200);
    assert!(
        s.post(
            "/account/login",
            &[("email", "reset@example.com"), ("password", PASSWORD)]
        )
        .await
        .status
            == 422
    );
    assert_eq!(
        s.post(
            "/account/login",
            &[("email", "reset@example.com"), ("password", "newsecret99")]
        )
        .await
        .status,
        303
    );

    // Withdrawal erases the personal data and keeps the order.
    let wrong = s
        .post(
            "/account/withdraw",
            &[("password", "bad-password1"), ("confirm", "true")],
        )
        .await;
    assert_eq!(wrong.status, 422);
    let r = s
        .post(
            "/account/withdraw",
            &[("password", "newsecret99"), ("confirm", "true")],
        )
        .await;
    assert_eq!(r.status, 303);
    let member = jangteo_db::members::find(&t.app.db, 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (member.email, member.mobile, member.status.as_str()),
        (None, None, "withdrawn")
    );
    assert!(member.name.is_empty());
    assert_eq!(status_of(&t, &number).await, "paid", "orders are kept");
    assert_eq!(
        s.post(
            "/account/login",
            &[("email", "reset@example.com"), ("password", "newsecret99")]
        )
        .await
        .status,
        422
    );
    assert!(matches!(
        t.app.active_member(1).await,
        Err(AppError::NotFound)
    ));
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

/// A manager account with a staff API token (what the back office's staff page issues).
async fn staff_token(t: &TestApp) -> String {
    t.app
        .create_staff("staff@example.com", "직원", "manager")
        .await
        .unwrap();
    let account = jangteo_db::staff::find_by_email(&t.app.db, "staff@example.com")
        .await
        .unwrap()
        .unwrap();
    t.app
        .issue_staff_api_token(
            &jangteo_app::staff::StaffActor::system("test"),
            account.id,
            "test",
        )
        .await
        .unwrap()
}

async fn staff(
    t: &TestApp,
    token: &str,
    path: &str,
    body: serde_json::Value,
) -> reqwest::StatusCode {
    jangteo_testkit::server::client()
        .post(t.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
        .status()
}

async fn grades_gifts_addresses_and_points_on_confirmation(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let token = staff_token(&t).await;
    let tangerines = stock::sku_id_by_code(&t.app.db, "TANGERINES")
        .await
        .unwrap()
        .unwrap();
    let mut tx = t.app.db.begin().await.unwrap();
    jangteo_db::promotions::insert_gift_rule(
        &mut tx,
        "1만원 이상 감귤 증정",
        tangerines,
        Some(10_000),
        None,
        Utc::now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let s = Shopper::new(&t.base_url);
    sign_up(&s, "grade@example.com").await;
    assert_eq!(
        staff(
            &t,
            &token,
            "/api/v1/staff/members/1/grade",
            serde_json::json!({"grade": "gold"})
        )
        .await,
        200
    );
    assert_eq!(
        staff(
            &t,
            &token,
            "/api/v1/staff/members/1/grade",
            serde_json::json!({"grade": "nope"})
        )
        .await,
        422,
        "an unknown grade is refused like in the back office"
    );
    assert_eq!(
        staff(
            &t,
            &token,
            "/api/v1/staff/bulk-sends",
            serde_json::json!({"name": "세일", "title": "겨울 세일", "body": "10% 할인"})
        )
        .await,
        201
    );
    assert_eq!(
        staff(
            &t,
            &token,
            "/api/v1/staff/bulk-sends",
            serde_json::json!({"name": "x", "title": "", "body": ""})
        )
        .await,
        422
    );

    // Address book: a bad postcode is refused with the typed values kept; another member's
    // address cannot be deleted.
    let bad = s
        .post(
            "/account/addresses",
            &[
                ("recipient", "이수령"),
                ("mobile", "010-9876-5432"),
                ("postcode", "123"),
                ("address1", "서울"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("이수령"));
    let ok = s
        .post(
            "/account/addresses",
            &[
                ("label", "집"),
                ("recipient", "이수령"),
                ("mobile", "010-9876-5432"),
                ("postcode", "63000"),
                ("address1", "제주시 연동"),
                ("address2", "1층"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303);
    assert_eq!(t.app.addresses(1).await.unwrap().len(), 1);
    let other = Shopper::new(&t.base_url);
    sign_up(&other, "other2@example.com").await;
    let address_id = t.app.addresses(1).await.unwrap()[0].id;
    assert_eq!(
        other
            .post(&format!("/account/addresses/{address_id}/delete"), &[])
            .await
            .status,
        404
    );
    assert_eq!(t.app.addresses(1).await.unwrap().len(), 1);

    add(&s, tshirt, 2).await;
    let cart = s.get("/cart").await;
    assert!(
        cart.body.contains("제주 감귤"),
        "the gift is shown in the cart"
    );
    // The default (Jeju) address adds the remote-area surcharge.
    let placed = place(
        &s,
        &[
            ("payment_method", "bank_deposit"),
            ("depositor_name", "김장터"),
            ("postcode", "63000"),
        ],
    )
    .await;
    assert_eq!(
        placed.status,
        303,
        "{}",
        placed.body.split("alert").nth(1).unwrap_or("")
    );
    let number = order_number_in(&placed.location.unwrap());
    let order = jangteo_db::orders::find_by_number(&t.app.db, &number)
        .await
        .unwrap()
        .unwrap();
    assert!(order.grade_discount > 0, "gold grade discount");
    assert_eq!(order.remote_surcharge, 3_000);
    let lines = jangteo_db::orders::lines(&t.app.db, order.id)
        .await
        .unwrap();
    assert!(lines.iter().any(|l| l.is_gift && l.total == 0), "gift line");
    assert_eq!(stock_of(&t, tangerines).await, 9, "gift stock reserved");

    for (action, body) in [
        ("confirm-deposit", serde_json::json!({})),
        (
            "ship",
            serde_json::json!({"carrier": "hanjin", "waybill": "123456789012"}),
        ),
        ("deliver", serde_json::json!({})),
    ] {
        assert_eq!(
            staff(
                &t,
                &token,
                &format!("/api/v1/staff/orders/{number}/{action}"),
                body
            )
            .await,
            200,
            "{action}"
        );
    }
    assert_eq!(
        staff(
            &t,
            &token,
            &format!("/api/v1/staff/orders/{number}/deliver"),
            serde_json::json!({})
        )
        .await,
        409,
        "illegal transition"
    );
    let before = t.app.active_member(1).await.unwrap().points_balance;
    assert_eq!(
        s.post(&format!("/orders/{number}/confirm"), &[])
            .await
            .status,
        303
    );
    let after = t.app.active_member(1).await.unwrap().points_balance;
    assert_eq!(after - before, order.points_to_earn);
    assert!(order.points_to_earn > 0);
    assert!(s.get("/account/points").await.body.contains(&number));
}

async fn profile_password_change_and_outbox(backend: Backend) {
    let Some((t, _)) = shop(backend).await else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    sign_up(&s, "profile@example.com").await;
    let r = s
        .post(
            "/account/profile",
            &[
                ("name", "김바뀜"),
                ("mobile", "010-5555-6666"),
                ("agree_marketing", "true"),
            ],
        )
        .await;
    assert_eq!(r.status, 303);
    let m = t.app.active_member(1).await.unwrap();
    assert_eq!(
        (m.name.as_str(), m.mobile.as_deref()),
        ("김바뀜", Some("01055556666"))
    );
    assert!(m.marketing_agreed_at.is_some());
    assert!(s.get("/account").await.body.contains("김바뀜"));

    // Another device stays logged in until the password changes.
    let other_device = Shopper::new(&t.base_url);
    assert_eq!(
        other_device
            .post(
                "/account/login",
                &[("email", "profile@example.com"), ("password", PASSWORD)]
            )
            .await
            .status,
        303
    );
    assert_eq!(other_device.get("/account").await.status, 200);
    let wrong = s
        .post(
            "/account/password",
            &[
                ("current_password", "nope12345"),
                ("password", "changed123"),
                ("password_confirm", "changed123"),
            ],
        )
        .await;
    assert_eq!(wrong.status, 422);
    let ok = s
        .post(
            "/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", "changed123"),
                ("password_confirm", "changed123"),
            ],
        )
        .await;
    assert_eq!(ok.location.as_deref(), Some("/account"));
    assert_eq!(
        s.get("/account").await.status,
        200,
        "this session continues"
    );
    assert_eq!(
        other_device
            .get("/account")
            .await
            .location
            .as_deref()
            .map(|l| l.starts_with("/account/login")),
        Some(true),
        "other sessions end"
    );

    // The test adapter recorded the mail; outside demo mode nobody but staff may read it.
    let recorded = t.app.recent_messages(50).await.unwrap();
    assert!(
        recorded
            .iter()
            .any(|m| m.recipient == "profile@example.com")
    );
    assert_eq!(s.get("/dev/outbox").await.status, 404);
    // An unsubscribe link needs no login; opening it changes nothing until confirmed.
    let link = t.app.unsubscribe_url(1).await.unwrap();
    let visitor = Shopper::new(&t.base_url);
    assert_eq!(visitor.get(&link).await.status, 200);
    assert!(
        t.app
            .active_member(1)
            .await
            .unwrap()
            .marketing_agreed_at
            .is_some()
    );
    let token = link.split("t=").nth(1).unwrap();
    let done = visitor
        .post("/unsubscribe", &[("m", "1"), ("t", token)])
        .await;
    assert!(done.body.contains("unsubscribe-done"));
    assert!(
        t.app
            .active_member(1)
            .await
            .unwrap()
            .marketing_agreed_at
            .is_none()
    );
    let forged = visitor
        .post("/unsubscribe", &[("m", "2"), ("t", token)])
        .await;
    assert!(!forged.body.contains("unsubscribe-done"));
    // English pages translate the payment method names too.
    assert!(s.get("/lang/en?next=/").await.status == 303);
}

async fn sessions_and_carts_are_shared_by_every_instance(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let second = t.second_instance().await;
    let s = Shopper::new(&t.base_url);
    add(&s, tshirt, 2).await;
    sign_up(&s, "multi@example.com").await;
    // The same browser behind a load balancer lands on the other instance.
    let elsewhere = s.at(&second.base_url);
    let account = elsewhere.get("/account").await;
    assert_eq!(account.status, 200, "logged in on the other instance");
    assert!(
        elsewhere.get("/cart").await.body.contains("data-sku-id"),
        "the merged cart is there too"
    );
    let number = pay(
        &elsewhere,
        &place(&elsewhere, &[("payment_method", "card")]).await,
    )
    .await;
    assert_eq!(s.get(&format!("/orders/{number}")).await.status, 200);
    assert_eq!(elsewhere.post("/account/logout", &[]).await.status, 303);
    assert_ne!(s.get("/account").await.status, 200, "logged out everywhere");
}

on_both_backends!(
    sessions_and_carts_are_shared_by_every_instance,
    profile_password_change_and_outbox,
    grades_gifts_addresses_and_points_on_confirmation,
    cart_shows_price_changes_sold_out_and_removed_lines,
    guest_pays_by_card_and_looks_the_order_up,
    member_cart_merges_and_coupon_and_points_apply,
    virtual_account_is_paid_by_a_verified_deposit_notice,
    bank_deposit_waits_for_staff_and_expires,
    tampered_amounts_declines_and_double_submits_are_safe,
    csrf_throttling_and_validation,
    password_reset_and_withdrawal,
    concurrent_checkouts_never_oversell,
);
