//! Delivery tracking through tracker.delivery (issue 18) against its fake, on SQLite and
//! PostgreSQL: a shipped order stays shipped while the parcel moves, and becomes delivered on its
//! own once the carrier's last event is DELIVERED (which starts the purchase-confirmation and
//! review clocks); an unknown waybill changes nothing.

use crate::checkout::{add, pay, place, sign_up};
use jangteo_core::order::OrderStatus;
use jangteo_testkit::fake_tracker::FakeTracker;
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, fixtures, on_both_backends};

async fn status_of(t: &TestApp, number: &str) -> OrderStatus {
    jangteo_db::orders::find_by_number(&t.app.db, number)
        .await
        .unwrap()
        .unwrap()
        .status
}

async fn shipped_orders_become_delivered_by_the_tracker(backend: Backend) {
    let tracker = FakeTracker::start().await;
    let options = TestOptions {
        tracker_url: Some(tracker.api_url()),
        ..TestOptions::default()
    };
    let Some(t) = TestApp::spawn_with(backend, options).await else {
        return;
    };
    fixtures::catalog(&t.app).await;
    let tshirt = jangteo_db::catalog::stock::sku_id_by_code(&t.app.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    let (staff, _) = staff_session(&t, "owner@example.com", "owner").await;
    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "tracked@example.com").await;
    let mut numbers = Vec::new();
    for waybill in ["111122223333", "444455556666"] {
        add(&buyer, tshirt, 1).await;
        let number = pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;
        let action = format!("/admin/orders/{number}/action");
        assert_eq!(
            staff.post(&action, &[("action", "prepare")]).await.status,
            303
        );
        let shipped = staff
            .post(
                &action,
                &[("action", "ship"), ("carrier", "cj"), ("waybill", waybill)],
            )
            .await;
        assert_eq!(shipped.status, 303);
        numbers.push(number);
    }
    tracker.set_status("kr.cjlogistics", "111122223333", "IN_TRANSIT");
    assert_eq!(t.app.pull_tracking(t.app.now()).await.unwrap(), 0);
    assert_eq!(status_of(&t, &numbers[0]).await, OrderStatus::Shipped);
    assert!(tracker.queries() >= 1);

    tracker.set_status("kr.cjlogistics", "111122223333", "DELIVERED");
    assert_eq!(t.app.pull_tracking(t.app.now()).await.unwrap(), 1);
    assert_eq!(status_of(&t, &numbers[0]).await, OrderStatus::Delivered);
    // The second waybill is unknown to the carrier yet: still shipped.
    assert_eq!(status_of(&t, &numbers[1]).await, OrderStatus::Shipped);
    let timeline = crate::checkout::timeline_of(&t, &numbers[0]).await;
    assert!(timeline.iter().any(|e| e == "delivered"), "{timeline:?}");
}

on_both_backends!(shipped_orders_become_delivered_by_the_tracker);
