//! 결제 대사: a refund made in Toss's console, outside the shop, shows as a difference on the
//! reconciliation page (reached from the orders list) and in the daily report; payments that
//! agree do not.

use crate::toss_payments::guest_order;
use crate::toss_payments::toss_shop;
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, on_both_backends};

/// A guest pays by card through Toss's window; returns the order number and the attempt id.
async fn paid_by_card(
    t: &jangteo_testkit::TestApp,
    fake: &jangteo_testkit::fake_toss::FakeToss,
    tshirt: i64,
) -> (String, String) {
    let s = Shopper::new(&t.base_url);
    let placed = guest_order(&s, tshirt, "card").await;
    let number = placed
        .location
        .unwrap()
        .trim_start_matches("/checkout/pay/")
        .to_owned();
    let order = jangteo_db::orders::find_by_number(&t.app.db, &number)
        .await
        .unwrap()
        .unwrap();
    let payment = jangteo_db::payments::latest_for_order(&t.app.db, order.id)
        .await
        .unwrap()
        .unwrap();
    let amount = order.total.get();
    let key = fake.authenticate(&payment.attempt_id, "티셔츠", amount, "카드");
    let attempt = payment.attempt_id;
    s.get(&format!(
        "/checkout/success?paymentKey={key}&orderId={attempt}&amount={amount}"
    ))
    .await;
    (number, attempt)
}

async fn a_console_refund_shows_as_a_difference(backend: Backend) {
    let Some((t, tshirt, fake, owner)) = toss_shop(backend, None).await else {
        return;
    };
    let (agreeing, _) = paid_by_card(&t, &fake, tshirt).await;
    let (refunded, attempt) = paid_by_card(&t, &fake, tshirt).await;
    fake.refund_in_console(&attempt, 5_000);

    let orders = owner.get("/admin/orders").await;
    assert!(
        orders
            .body
            .contains("href=\"/admin/payments/reconciliation\""),
        "reached from the orders list"
    );
    let today = jangteo_core::time::business_date(chrono::Utc::now())
        .format("%Y-%m-%d")
        .to_string();
    let page = owner
        .get(&format!("/admin/payments/reconciliation?date={today}"))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .contains(&format!("data-difference=\"{refunded}\"")),
        "{}",
        page.body
    );
    assert!(
        !page
            .body
            .contains(&format!("data-difference=\"{agreeing}\""))
    );
    assert!(page.body.contains("(1 / 2)"), "one of two differs");
    assert!(
        page.body.contains("부분 취소 · 7,900원"),
        "what Toss says, in Korean"
    );

    // The daily report of that day says so too.
    t.app
        .send_daily_report(chrono::Utc::now() + chrono::Duration::days(1))
        .await
        .unwrap();
    let report = t
        .app
        .recent_messages(20)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.event == "daily_report")
        .expect("the daily report");
    assert!(
        report.body_text.contains("결제 대사: 2건 확인, 차이 1건"),
        "{}",
        report.body_text
    );
}

on_both_backends!(a_console_refund_shows_as_a_difference);
