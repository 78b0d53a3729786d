//! Grades, free gifts, saved addresses and points from order to purchase confirmation.

use crate::checkout::*;
use chrono::Utc;
use jangteo_core::Won;
use jangteo_db::catalog::stock;
use jangteo_db::orders::OrderRow;
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, TestApp, on_both_backends};

async fn grades_gifts_addresses_and_points_on_confirmation(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let token = staff_token(&t).await;
    let tangerines = tangerines_given_from_10000_won(&t).await;
    let s = Shopper::new(&t.base_url);
    sign_up(&s, "grade@example.com").await;
    staff_api_sets_grades_and_bulk_sends(&t, &token).await;
    address_book_refuses_bad_postcodes_and_strangers(&t, &s).await;
    add(&s, tshirt, 2).await;
    let cart = s.get("/cart").await;
    assert!(
        cart.body.contains("제주 감귤"),
        "the gift is shown in the cart"
    );
    let (number, order) = jeju_order_gets_discount_gift_and_surcharge(&t, &s, tangerines).await;
    staff_api_delivers_the_order(&t, &token, &number).await;
    confirmation_grants_the_points(&t, &s, &number, &order).await;
}

/// A gift rule: a bag of tangerines with orders of 10,000 won or more. Returns the gift's SKU.
async fn tangerines_given_from_10000_won(t: &TestApp) -> i64 {
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
    tangerines
}

/// The staff API makes member 1 gold (an unknown grade is refused) and queues a bulk send
/// (an empty one is refused).
async fn staff_api_sets_grades_and_bulk_sends(t: &TestApp, token: &str) {
    assert_eq!(
        staff(
            t,
            token,
            "/api/v1/staff/members/1/grade",
            serde_json::json!({"grade": "gold"})
        )
        .await,
        200
    );
    assert_eq!(
        staff(
            t,
            token,
            "/api/v1/staff/members/1/grade",
            serde_json::json!({"grade": "nope"})
        )
        .await,
        422,
        "an unknown grade is refused like in the back office"
    );
    assert_eq!(
        staff(
            t,
            token,
            "/api/v1/staff/bulk-sends",
            serde_json::json!({"name": "세일", "title": "겨울 세일", "body": "10% 할인"})
        )
        .await,
        201
    );
    assert_eq!(
        staff(
            t,
            token,
            "/api/v1/staff/bulk-sends",
            serde_json::json!({"name": "x", "title": "", "body": ""})
        )
        .await,
        422
    );
}

/// Address book: a bad postcode is refused with the typed values kept; another member's
/// address cannot be deleted.
async fn address_book_refuses_bad_postcodes_and_strangers(t: &TestApp, s: &Shopper) {
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
}

/// The default (Jeju) address adds the remote-area surcharge; the gold grade discounts and the
/// gift line reserves its stock. Returns the order number and the order.
async fn jeju_order_gets_discount_gift_and_surcharge(
    t: &TestApp,
    s: &Shopper,
    tangerines: i64,
) -> (String, OrderRow) {
    let placed = place(
        s,
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
    assert!(order.grade_discount > Won::ZERO, "gold grade discount");
    assert_eq!(order.remote_surcharge, Won(3_000));
    let lines = jangteo_db::orders::lines(&t.app.db, order.id)
        .await
        .unwrap();
    assert!(
        lines.iter().any(|l| l.is_gift && l.total == Won::ZERO),
        "gift line"
    );
    assert_eq!(stock_of(t, tangerines).await, 9, "gift stock reserved");
    (number, order)
}

/// Staff move the order through the API to delivered; a second delivery is an illegal transition.
async fn staff_api_delivers_the_order(t: &TestApp, token: &str, number: &str) {
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
                t,
                token,
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
            t,
            token,
            &format!("/api/v1/staff/orders/{number}/deliver"),
            serde_json::json!({})
        )
        .await,
        409,
        "illegal transition"
    );
}

/// The buyer confirms the purchase: the points to earn are granted and listed.
async fn confirmation_grants_the_points(t: &TestApp, s: &Shopper, number: &str, order: &OrderRow) {
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
    assert!(s.get("/account/points").await.body.contains(number));
}

/// A manager account with a staff API token (what the back office's staff page issues).
pub(crate) async fn staff_token(t: &TestApp) -> String {
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
            &jangteo_app::auth::StaffActor::system("test"),
            account.id,
            "test",
        )
        .await
        .unwrap()
}

pub(crate) async fn staff(
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

on_both_backends!(grades_gifts_addresses_and_points_on_confirmation,);
