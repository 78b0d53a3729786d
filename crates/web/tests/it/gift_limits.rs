//! The owner's limits on gift-card purchases (issue 16), on SQLite and PostgreSQL: set in 상점
//! 설정 (a refused form keeps what was typed), checked as the order is placed (guests, daily
//! caps, deposits from an unverified name) with the checkout kept as typed, and every refusal
//! listed for staff with its reason.

use crate::checkout::{add, pay, shop, sign_up};
use crate::gift_checkout::{checkout_token, gift_card, place_codes, post_codes};
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, on_both_backends};

async fn limits_refuse_and_staff_see_why(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    gift_card(&t, tshirt).await;
    let (owner, _) = staff_session(&t, "owner@shop.example.com", "owner").await;
    let settings = owner.get("/admin/settings").await;
    assert!(settings.body.contains("id=\"gift-card-limits\""));
    assert!(settings.body.contains("id=\"gift-refusals-empty\""));
    let mut limits = vec![
        ("members_only", "on"),
        ("depositor_must_match", "on"),
        ("daily_unverified", "abc"),
        ("daily_verified", "500,000"),
        ("monthly_unverified", "300000"),
        ("monthly_verified", ""),
        ("first_purchase", "20000"),
        ("new_member_wait_hours", "0"),
    ];
    let refused = owner
        .post("/admin/settings/gift-card-limits", &limits)
        .await;
    assert_eq!(refused.status, 422);
    assert!(
        refused.body.contains("value=\"abc\""),
        "what was typed stays"
    );
    limits[2] = ("daily_unverified", "600,000");
    let contradicting = owner
        .post("/admin/settings/gift-card-limits", &limits)
        .await;
    assert_eq!(contradicting.status, 422);
    assert!(
        contradicting
            .body
            .contains("본인인증 전 한도는 본인인증 후 한도보다 클 수 없습니다")
    );
    limits[2] = ("daily_unverified", "15,000");
    let saved = owner
        .post("/admin/settings/gift-card-limits", &limits)
        .await;
    assert_eq!(saved.status, 303);
    let kept = t.app.gift_card_limits().await.unwrap();
    assert_eq!(kept.daily_unverified.get(), 15_000);
    assert_eq!(kept.monthly_verified.get(), 0, "empty: no cap");

    let guest = Shopper::new(&t.url(""));
    add(&guest, tshirt, 1).await;
    let guest_try = place_codes(&guest, &[("payment_method", "card")]).await;
    assert_eq!(guest_try.status, 409);
    assert!(
        guest_try
            .body
            .contains("상품권은 회원만 구매할 수 있습니다")
    );
    assert_eq!(
        guest_try.input_value("orderer_name").as_deref(),
        Some("김장터")
    );

    let member = Shopper::new(&t.url(""));
    sign_up(&member, "limits@example.com").await;
    add(&member, tshirt, 1).await;
    let deposit = [
        ("payment_method", "bank_deposit"),
        ("depositor_name", "박도용"),
    ];
    let unverified = place_codes(&member, &deposit).await;
    assert_eq!(unverified.status, 409);
    assert!(
        unverified
            .body
            .contains("무통장입금으로 사려면 먼저 휴대폰 본인인증")
    );
    let first = place_codes(&member, &[("payment_method", "card")]).await;
    pay(&member, &first).await;
    add(&member, tshirt, 1).await;
    let second = place_codes(&member, &[("payment_method", "card")]).await;
    assert_eq!(second.status, 409);
    assert!(second.body.contains("오늘의 상품권 구매 한도를 넘었습니다"));

    let listed = owner.get("/admin/settings").await.body;
    assert_eq!(listed.matches("data-refusal").count(), 3, "{listed}");
    assert!(listed.contains("limits@example.com") && listed.contains("비회원"));
}

on_both_backends!(limits_refuse_and_staff_see_why);

/// Two checkouts of one member at once, by bank deposit (an order awaiting its deposit is not
/// replaced by the next checkout): exactly one is placed under a cap meant for one, whichever
/// way the race goes (the second is counted after the first, inside its transaction).
async fn parallel_checkouts_share_one_cap(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    gift_card(&t, tshirt).await;
    let member = Shopper::new(&t.url(""));
    sign_up(&member, "racing@example.com").await;
    add(&member, tshirt, 1).await;
    let total: i64 = member
        .get("/checkout")
        .await
        .input_value("expected_total")
        .unwrap()
        .parse()
        .unwrap();
    let owner = jangteo_app::auth::StaffActor::system("limits-test");
    let one_only = jangteo_app::gift_limits::GiftCardLimitsInput {
        members_only: true,
        daily_unverified: (total + total / 2).to_string(),
        daily_verified: (total * 10).to_string(),
        first_purchase: (total * 10).to_string(),
        ..Default::default()
    };
    t.app.set_gift_card_limits(&owner, &one_only).await.unwrap();
    let deposit = [
        ("payment_method", "bank_deposit"),
        ("depositor_name", "김장터"),
    ];
    // Two tabs show the checkout, then both are submitted at once.
    let (first, second) = (checkout_token(&member).await, checkout_token(&member).await);
    let (a, b) = tokio::join!(
        post_codes(&member, &first, "limits@example.com", &deposit),
        post_codes(&member, &second, "limits@example.com", &deposit)
    );
    // The other is refused by the cap (409) or, when the first already took the cart's lines,
    // finds the cart empty: never a second order.
    let placed = [&a, &b]
        .iter()
        .filter(|p| {
            p.location
                .as_deref()
                .is_some_and(|l| l.ends_with("/complete"))
        })
        .count();
    assert_eq!(placed, 1, "{:?} {:?}", a.location, b.location);
    assert!([a.status, b.status].iter().all(|s| [303, 409].contains(s)));
    let id = jangteo_db::members::find_by_email(&t.app.db, "racing@example.com")
        .await
        .unwrap()
        .unwrap()
        .id;
    let long_ago = chrono::DateTime::UNIX_EPOCH;
    let (today, _, _) = jangteo_db::gift_limits::history(&t.app.db, id, (long_ago, long_ago), "")
        .await
        .unwrap();
    assert_eq!(today, total, "one order counts, never two");
}

on_both_backends!(parallel_checkouts_share_one_cap);
