//! Withdrawing gift cards while the gateway refunds (issue 16), on SQLite and PostgreSQL: the
//! PINs are held from the moment the refund is asked until the order moves, so a reveal or a
//! second withdrawal in between is refused; a refund the gateway refuses lifts the hold; staff
//! still withdraw codes after a confirmed purchase.

use crate::checkout::{PASSWORD, add, sign_up, status_of};
use crate::gift_checkout::gift_card;
use crate::toss_payments::{payment_page, toss_shop};
use jangteo_app::orders::Actor;
use jangteo_testkit::fake_toss::FakeToss;
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, TestApp, on_both_backends};
use std::time::Duration;

/// One gift card bought by card through Toss; its order number (delivered with its PIN).
async fn bought_by_card(t: &TestApp, fake: &FakeToss, buyer: &Shopper, sku: i64) -> String {
    add(buyer, sku, 1).await;
    let token = crate::gift_checkout::checkout_token(buyer).await;
    let card = [("payment_method", "card")];
    let placed = crate::gift_checkout::post_codes(buyer, &token, "hold@example.com", &card).await;
    let (number, attempt, amount) = payment_page(buyer, &placed).await;
    let key = fake.authenticate(&attempt, "상품권", amount, "카드");
    let done = buyer
        .get(&format!(
            "/checkout/success?paymentKey={key}&orderId={attempt}&amount={amount}&paymentType=NORMAL"
        ))
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(status_of(t, &number).await, "delivered");
    number
}

fn pins_of(number: &str) -> String {
    format!("/orders/{number}/pins")
}

async fn a_withdrawal_holds_the_pins_while_the_gateway_refunds(backend: Backend) {
    let Some((t, tshirt, fake, _owner)) = toss_shop(backend, None).await else {
        return;
    };
    gift_card(&t, tshirt).await;
    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "hold@example.com").await;

    // The gateway refuses the refund: nothing moved, and the PINs are the buyer's to see.
    let refused = bought_by_card(&t, &fake, &buyer, tshirt).await;
    fake.refuse_cancels(true);
    let cancel = buyer.post(&format!("/orders/{refused}/cancel"), &[]).await;
    assert_eq!(cancel.status, 303);
    assert_eq!(status_of(&t, &refused).await, "delivered");
    fake.refuse_cancels(false);
    let shown = buyer
        .post(&pins_of(&refused), &[("password", PASSWORD)])
        .await;
    assert_eq!(shown.status, 200, "the hold was lifted: {}", shown.body);

    // A slow refund: while the gateway works, no reveal and no second withdrawal.
    let slow = bought_by_card(&t, &fake, &buyer, tshirt).await;
    fake.delay_cancels(Duration::from_millis(1500));
    let cancels_before = cancel_requests(&fake);
    let cancel_path = format!("/orders/{slow}/cancel");
    let meanwhile = async {
        while cancel_requests(&fake) == cancels_before {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let peek = buyer.post(&pins_of(&slow), &[("password", PASSWORD)]).await;
        assert_eq!(peek.status, 422, "{}", peek.body);
        assert!(
            peek.body.contains("환불이 진행 중인 주문입니다") && !peek.body.contains("data-pin")
        );
        let again = buyer.post(&cancel_path, &[]).await;
        assert_eq!(again.status, 303);
        // Nor 구매확정: the order is about to be cancelled (checked below: it is).
        let confirm = buyer.post(&format!("/orders/{slow}/confirm"), &[]).await;
        assert_eq!(confirm.status, 303);
    };
    let (withdrawn, ()) = tokio::join!(buyer.post(&cancel_path, &[]), meanwhile);
    assert_eq!(withdrawn.status, 303);
    fake.delay_cancels(Duration::ZERO);
    assert_eq!(status_of(&t, &slow).await, "cancelled");
    assert_eq!(
        cancel_requests(&fake),
        cancels_before + 1,
        "one refund asked"
    );
    let late = buyer.post(&pins_of(&slow), &[("password", PASSWORD)]).await;
    assert_eq!(late.status, 404, "a withdrawn order shows no PIN");

    staff_withdraw_after_a_confirmed_purchase(&t, &fake, &buyer, tshirt).await;
}

/// Staff withdraw seen codes after 구매확정 (a PIN the issuer refuses): the order is cancelled
/// and refunded (gift cards earn no points, so none move); the buyer has no cancel left.
async fn staff_withdraw_after_a_confirmed_purchase(
    t: &TestApp,
    fake: &FakeToss,
    buyer: &Shopper,
    sku: i64,
) {
    let number = bought_by_card(t, fake, buyer, sku).await;
    let shown = buyer
        .post(&pins_of(&number), &[("password", PASSWORD)])
        .await;
    assert_eq!(shown.status, 200);
    let member = jangteo_db::orders::find_by_number(&t.app.db, &number)
        .await
        .unwrap()
        .unwrap()
        .member_id
        .unwrap();
    let before = jangteo_db::promotions::points_balance(&t.app.db, member)
        .await
        .unwrap();
    let confirmed = buyer.post(&format!("/orders/{number}/confirm"), &[]).await;
    assert_eq!(confirmed.status, 303);
    assert_eq!(status_of(t, &number).await, "completed");
    let granted = jangteo_db::promotions::points_balance(&t.app.db, member)
        .await
        .unwrap();
    assert_eq!(granted, before, "gift cards earn no points");
    let page = buyer.get(&format!("/orders/{number}")).await.body;
    assert!(!page.contains("class=\"order-cancel\""));
    let staff = Actor::Staff("owner@shop.example.com".into());
    t.app
        .cancel_order(&number, &staff, "발행처가 거절한 핀번호")
        .await
        .unwrap();
    assert_eq!(status_of(t, &number).await, "cancelled");
    let after = jangteo_db::promotions::points_balance(&t.app.db, member)
        .await
        .unwrap();
    assert_eq!(after, before, "and none are taken");
    let payment = fake.requests();
    assert!(payment.iter().any(|r| r.1.ends_with("/cancel")));
}

fn cancel_requests(fake: &FakeToss) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.1.ends_with("/cancel"))
        .count()
}

on_both_backends!(a_withdrawal_holds_the_pins_while_the_gateway_refunds);
