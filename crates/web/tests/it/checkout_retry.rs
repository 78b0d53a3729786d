//! A payment that does not go through: the guest comes back to a checkout filled in as typed
//! (the order password kept), and the failed attempt is not one of the owner's orders (the list
//! and the export leave it out unless asked); on SQLite and PostgreSQL.

use crate::checkout::{add, pay, place, shop};
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

/// Places a card order as a guest and declines it in the window; the failed order's number.
async fn declined_card(s: &Shopper) -> String {
    let placed = place(
        s,
        &[
            ("payment_method", "card"),
            ("delivery_memo", "문 앞에 놓아 주세요"),
            ("guest_password", "guest1234"),
            ("guest_password_confirm", "guest1234"),
        ],
    )
    .await;
    let window = placed.location.unwrap();
    let declined = s.post(&format!("{window}/decline"), &[]).await;
    let back = s.get(&declined.location.unwrap()).await;
    assert_eq!(back.location.as_deref(), Some("/checkout?guest=1"));
    window
        .trim_start_matches("/payments/test/")
        .split('/')
        .next()
        .unwrap()
        .to_owned()
}

/// The checkout the guest comes back to holds what they typed; the password may stay empty.
async fn checkout_filled_in_again(s: &Shopper) {
    let page = s.get("/checkout?guest=1").await;
    assert_eq!(page.status, 200);
    for (name, typed) in [
        ("orderer_name", "김장터"),
        ("recipient_mobile", "010-9876-5432"),
        ("address1", "서울 강남구 테헤란로 152"),
        ("delivery_memo", "문 앞에 놓아 주세요"),
    ] {
        assert_eq!(page.input_value(name).as_deref(), Some(typed), "{name}");
    }
    assert!(page.body.contains("id=\"checkout-retry\""));
    assert!(page.body.contains("앞서 정한 비밀번호를 그대로"));
}

/// The owner's list and export leave the declined attempt out unless asked for.
async fn failed_attempt_left_out(t: &TestApp, failed: &str, paid: &str) {
    let (owner, _) = staff_session(t, "owner@example.com", "owner").await;
    let list = owner.get("/admin/orders").await.body;
    assert!(
        list.contains(paid) && !list.contains(failed),
        "attempt left out"
    );
    assert!(list.contains("id=\"orders-unpaid-note\""));
    let all = owner.get("/admin/orders?unpaid=1").await.body;
    assert!(all.contains(failed) && all.contains(paid));
    let csv = jangteo_testkit::server::client()
        .get(t.url("/admin/orders.csv"))
        .header("cookie", owner.admin_cookie().unwrap())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(csv.contains(paid) && !csv.contains(failed), "export too");
}

async fn a_declined_card_keeps_what_the_guest_typed(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let s = Shopper::new(&t.base_url);
    add(&s, tshirt, 1).await;
    let attempt = declined_card(&s).await;
    let failed = t
        .app
        .order_number_of_attempt(&attempt)
        .await
        .unwrap()
        .unwrap();
    checkout_filled_in_again(&s).await;

    // Paid this time without typing the password again: the order keeps the first one.
    let paid = pay(&s, &place(&s, &[("payment_method", "card")]).await).await;
    let hash = |number: String| {
        let t = &t;
        async move {
            jangteo_db::orders::find_by_number(&t.app.db, &number)
                .await
                .unwrap()
                .unwrap()
                .guest_password_hash
        }
    };
    let kept = hash(paid.clone()).await;
    assert!(kept.is_some());
    assert_eq!(kept, hash(failed.clone()).await);
    let lookup = Shopper::new(&t.base_url)
        .post(
            "/orders/lookup",
            &[
                ("number", paid.as_str()),
                ("mobile", "010-1234-5678"),
                ("password", "guest1234"),
            ],
        )
        .await;
    assert_eq!(lookup.status, 303, "the first password opens the new order");

    // A fresh checkout is empty again once the order went through.
    add(&s, tshirt, 1).await;
    let fresh = s.get("/checkout?guest=1").await;
    assert_eq!(fresh.input_value("orderer_name").as_deref(), Some(""));
    assert!(!fresh.body.contains("id=\"checkout-retry\""));
    failed_attempt_left_out(&t, &failed, &paid).await;
}

on_both_backends!(a_declined_card_keeps_what_the_guest_typed);
