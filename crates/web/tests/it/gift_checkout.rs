//! Buying gift cards (issue 16), on SQLite and PostgreSQL: codes are bought on their own, need
//! no address, pay no shipping and take no escrow, and are delivered as they are paid; staff
//! cancel some unseen codes, the buyer withdraws the rest before seeing them; codes are never
//! returned.

use crate::checkout::{add, pay, set_stock, shop, sign_up, status_of, stock_of};
use jangteo_app::AppError;
use jangteo_app::auth::StaffActor;
use jangteo_app::orders::Actor;
use jangteo_core::Won;
use jangteo_db::catalog::stock;
use jangteo_testkit::shopper::{Page, Shopper};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

const PINS: &str = "1111-2222-3333-4444,,\n5555-6666-7777-8888,,\n9999-0000-1111-2222,,\n";

/// The T-shirt made a 10,000원 gift card with three PINs in its pool.
pub(crate) async fn gift_card(t: &TestApp, sku: i64) {
    let product = jangteo_db::catalog::products::find_by_slug(&t.app.db, "tshirt")
        .await
        .unwrap()
        .unwrap()
        .id;
    set_stock(t, sku, 0).await;
    let owner = StaffActor::system("gift-test");
    t.app
        .set_pin_product(&owner, product, Won(10_000), "9999-9999-9999-9999")
        .await
        .unwrap();
    let upload = t
        .app
        .upload_pins(&owner, product, ("pins.csv", PINS.as_bytes()), true)
        .await
        .unwrap();
    assert!(upload.stored);
}

/// The gift-card checkout's token (the form must show).
pub(crate) async fn checkout_token(buyer: &Shopper) -> String {
    let form = buyer.get("/checkout?guest=1").await;
    assert_eq!(form.status, 200, "{:?}", form.location);
    form.input_value("checkout_token").unwrap()
}

/// Posts the gift-card checkout of `token` for the orderer at `email` with `extra` (the
/// method, a depositor); the guest's fields are there too (a member's checkout ignores them).
pub(crate) async fn post_codes(
    buyer: &Shopper,
    token: &str,
    email: &str,
    extra: &[(&str, &str)],
) -> Page {
    let mut fields = vec![
        ("checkout_token", token),
        ("orderer_name", "김장터"),
        ("orderer_mobile", "010-1234-5678"),
        ("orderer_email", email),
        ("agree", "true"),
        ("agree_guest_privacy", "true"),
        ("guest_password", "guest1234"),
        ("guest_password_confirm", "guest1234"),
    ];
    fields.extend_from_slice(extra);
    buyer.post("/checkout", &fields).await
}

/// Opens and posts the gift-card checkout with `extra` (the method, a depositor).
pub(crate) async fn place_codes(buyer: &Shopper, extra: &[(&str, &str)]) -> Page {
    let token = checkout_token(buyer).await;
    post_codes(buyer, &token, "limits@example.com", extra).await
}

/// Checkout with the orderer's details only (no recipient, no address), by card.
async fn check_out_codes(buyer: &Shopper) -> String {
    let form = buyer.get("/checkout").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains("id=\"codes-delivery\""));
    assert!(
        form.body.contains("id=\"codes-no-discounts\"")
            && !form.body.contains("name=\"coupon_id\""),
        "no coupons or points on gift cards"
    );
    assert!(
        !form.body.contains("name=\"recipient_name\"")
            && !form.body.contains("name=\"postcode\"")
            && !form.body.contains("name=\"escrow\""),
        "no address and no escrow for codes"
    );
    let token = form.input_value("checkout_token").unwrap();
    let card = [("payment_method", "card"), ("escrow", "on")];
    let placed = post_codes(buyer, &token, "gift@example.com", &card).await;
    pay(buyer, &placed).await
}

async fn gift_cards_check_out_alone_and_arrive_at_once(backend: Backend) {
    let Some((t, sku)) = shop(backend).await else {
        return;
    };
    gift_card(&t, sku).await;
    let jeans = stock::sku_id_by_code(&t.app.db, "JEANS")
        .await
        .unwrap()
        .unwrap();
    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "gift@example.com").await;
    add(&buyer, sku, 2).await;
    let mixed = buyer
        .post(
            "/cart/items",
            &[("sku_id", &jeans.to_string()), ("quantity", "1")],
        )
        .await;
    assert_eq!(mixed.status, 303);
    let cart = buyer.get("/cart").await.body;
    assert!(cart.contains("상품권은 다른 상품과 함께 주문할 수 없습니다"));
    assert!(!cart.contains("/products/jeans"), "the jeans stayed out");

    let number = check_out_codes(&buyer).await;
    let order = jangteo_db::orders::find_by_number(&t.app.db, &number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            order.shipping_fee,
            order.remote_surcharge,
            order.postcode.as_str()
        ),
        (Won::ZERO, Won::ZERO, ""),
        "no shipping below the free-shipping threshold, no address"
    );
    assert_eq!(
        (order.total, order.grade_discount, order.points_to_earn),
        (order.items_subtotal, Won::ZERO, 0),
        "no member benefits on gift cards"
    );
    assert_eq!(order.recipient_name, "김장터", "codes go to the orderer");
    assert_eq!(status_of(&t, &number).await, "delivered");
    let timeline = jangteo_db::orders::events(&t.app.db, order.id)
        .await
        .unwrap();
    assert!(timeline.iter().any(|e| e.event == "codes_issued"));
    let page = buyer.get(&format!("/orders/{number}")).await.body;
    assert!(page.contains("발급완료") && page.contains("class=\"order-cancel\""));
    let listed = buyer.get("/account/orders").await.body;
    assert!(
        listed.contains("발급완료") && !listed.contains("배송완료"),
        "the list says it too"
    );
    the_notice_carries_the_link_never_a_pin(&t, &buyer, &number).await;
    // Two of three PINs sold: the pool is at the "품절 임박" line and staff hear of it once.
    let alerts: Vec<_> = jangteo_db::messages::recent(&t.app.db, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.event == "pin_pool_low")
        .collect();
    assert!(!alerts.is_empty(), "staff are told the pool runs low");
    assert!(
        alerts
            .iter()
            .all(|m| m.body_text.contains("판매 가능") && m.body_text.contains("1개"))
    );
    assert!(!page.contains("/claims/new"), "codes are not returned");
    let claim = t
        .app
        .claim_choices(&number, &Actor::Member(order.member_id.unwrap()))
        .await;
    assert!(matches!(claim, Err(AppError::Conflict("codes_no_claims"))));

    // Staff cancel one unseen code; the buyer withdraws the other before seeing it.
    let line = jangteo_db::orders::lines(&t.app.db, order.id)
        .await
        .unwrap()
        .remove(0);
    let staff = Actor::Staff("cs@example.com".into());
    let part = t
        .app
        .cancel_partially(&number, &staff, "고객 요청", &[(line.id, 1)])
        .await
        .unwrap();
    assert!(!part.whole_order && part.amount > Won::ZERO);
    assert_eq!(stock_of(&t, sku).await, 2);
    let cancel = buyer.post(&format!("/orders/{number}/cancel"), &[]).await;
    assert_eq!(cancel.status, 303);
    assert_eq!(status_of(&t, &number).await, "cancelled");
    let timeline = jangteo_db::orders::events(&t.app.db, order.id)
        .await
        .unwrap();
    assert!(timeline.iter().any(|e| e.event == "codes_withdrawn"));
    assert_eq!(stock_of(&t, sku).await, 3, "every PIN is for sale again");
    let counts = jangteo_db::pins::counts(&t.app.db, sku).await.unwrap();
    assert_eq!(counts, [("available".to_owned(), 3)]);
}

/// The notice goes by e-mail and AlimTalk with the order link and no PIN instead of "we will
/// ship it"; the buyer asks for it again three times at most.
async fn the_notice_carries_the_link_never_a_pin(t: &TestApp, buyer: &Shopper, number: &str) {
    let of_order = || async {
        jangteo_db::messages::recent(&t.app.db, 100)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.body_text.contains(number))
            .collect::<Vec<_>>()
    };
    let sent = of_order().await;
    let kinds: Vec<(&str, &str)> = sent
        .iter()
        .map(|m| (m.event.as_str(), m.channel.as_str()))
        .collect();
    assert!(
        kinds.contains(&("codes_issued", "email")) && kinds.contains(&("codes_issued", "alimtalk"))
    );
    assert!(
        !kinds.iter().any(|(e, _)| *e == "payment_completed"),
        "{kinds:?}"
    );
    for m in &sent {
        assert!(m.body_text.contains(&format!("/orders/{number}")));
        for pin in PINS.lines().map(|l| l.trim_end_matches(',')) {
            assert!(!m.body_text.contains(pin) && !m.body_html.contains(pin));
        }
    }
    let again = format!("/orders/{number}/pins/notice");
    for _ in 0..3 {
        assert_eq!(buyer.post(&again, &[]).await.status, 303);
    }
    let issued = |all: Vec<jangteo_db::messages::MessageRow>| {
        all.iter().filter(|m| m.event == "codes_issued").count()
    };
    assert_eq!(issued(of_order().await), 2 * 4);
    buyer.post(&again, &[]).await;
    let page = buyer.get(&format!("/orders/{number}")).await.body;
    assert!(page.contains("발급 안내는 주문당 3번까지"));
    assert_eq!(issued(of_order().await), 2 * 4);
}

on_both_backends!(gift_cards_check_out_alone_and_arrive_at_once);

/// The demo sells three gift cards below face value, each with a pool of PINs.
#[tokio::test]
async fn the_demo_has_a_gift_card_shop() {
    let Some(demo) = jangteo_testkit::shared_demo(Backend::Sqlite) else {
        return;
    };
    let visitor = Shopper::new(&demo.url(""));
    let list = visitor.get("/categories/gift-cards").await;
    assert_eq!(list.status, 200);
    for name in [
        "문화상품권 1만원권",
        "도서상품권 5천원권",
        "모바일 상품권 3만원권",
    ] {
        assert!(list.body.contains(name), "{name}");
    }
    let page = visitor.get("/products/culture-gift-card-10000").await.body;
    assert!(page.contains("id=\"gift-card-note\"") && page.contains("액면가 10,000원"));
    assert!(page.contains("schema.org/InStock"), "its pool is its stock");
}
