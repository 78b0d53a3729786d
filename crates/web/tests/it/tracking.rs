//! Delivery tracking through tracker.delivery (issue 18) against its fake, on SQLite and
//! PostgreSQL: a shipped order stays shipped while the parcel moves, and becomes delivered on its
//! own once the carrier's last event is DELIVERED (which starts the purchase-confirmation and
//! review clocks); an unknown waybill changes nothing.

use crate::checkout::{add, pay, place, sign_up};
use jangteo_core::order::OrderStatus;
use jangteo_testkit::fake_tracker::FakeTracker;
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

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
    let Some((t, tshirt)) = crate::checkout::shop_with(backend, options).await else {
        return;
    };
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

/// Staff mark shipped orders delivered in bulk from the order list; an order not shipped is
/// named back and left as it was; each change is audited like one made by hand.
async fn staff_mark_shipped_orders_delivered_in_bulk(backend: Backend) {
    let Some((t, tshirt)) = crate::checkout::shop(backend).await else {
        return;
    };
    let (staff, _) = staff_session(&t, "owner@example.com", "owner").await;
    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "bulk@example.com").await;
    let mut numbers = Vec::new();
    for ship in [true, true, false] {
        add(&buyer, tshirt, 1).await;
        let number = pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;
        if ship {
            let action = format!("/admin/orders/{number}/action");
            staff.post(&action, &[("action", "prepare")]).await;
            let form = [
                ("action", "ship"),
                ("carrier", "cj"),
                ("waybill", "777788889999"),
            ];
            assert_eq!(staff.post(&action, &form).await.status, 303);
        }
        numbers.push(number);
    }
    let list = staff.get("/admin/orders?status=shipped").await;
    assert!(list.body.contains("id=\"bulk-deliver\""), "{}", list.body);
    let picked: Vec<(&str, &str)> = numbers.iter().map(|n| ("number", n.as_str())).collect();
    let done = staff.post("/admin/orders/bulk-deliver", &picked).await;
    assert_eq!(done.status, 303);
    assert_eq!(status_of(&t, &numbers[0]).await, OrderStatus::Delivered);
    assert_eq!(status_of(&t, &numbers[1]).await, OrderStatus::Delivered);
    assert_eq!(status_of(&t, &numbers[2]).await, OrderStatus::Paid);
    let notice = staff.get("/admin/orders?status=shipped").await.body;
    assert!(notice.contains(&numbers[2]), "the refused one is named");
    let (entries, _) = jangteo_db::audit::search(&t.app.db, &Default::default(), 100, 0)
        .await
        .unwrap();
    let delivered = entries
        .iter()
        .filter(|e| {
            e.action.starts_with("order.")
                && e.after_data
                    .as_deref()
                    .is_some_and(|a| a.contains("delivered"))
        })
        .count();
    assert_eq!(delivered, 2);
}

on_both_backends!(staff_mark_shipped_orders_delivered_in_bulk);

/// In a browser: 주문 관리 › 배송중 filter › tick › 배송완료 처리 › confirm (screenshot
/// `admin-bulk-delivered.png` is looked at).
#[tokio::test]
async fn staff_mark_orders_delivered_from_the_list_in_a_browser() {
    use crate::browser_catalog::{accept_the_confirmation, click};
    use thirtyfour::prelude::*;
    let Some((t, browser)) = crate::browser_admin::owner_on_the_dashboard().await else {
        return;
    };
    let tshirt = jangteo_db::catalog::stock::sku_id_by_code(&t.app.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "bulk-browser@example.com").await;
    add(&buyer, tshirt, 1).await;
    let number = pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;
    let system = jangteo_app::auth::StaffActor::system("bulk-test");
    use jangteo_app::admin::orders::StaffOrderAction;
    let ship = StaffOrderAction::Ship {
        carrier: "cj".into(),
        waybill: "123412341234".into(),
        lines: None,
    };
    for action in [StaffOrderAction::Prepare, ship] {
        t.app
            .staff_order_action(&system, &number, action)
            .await
            .unwrap();
    }
    let d = &browser.driver;
    click(d, "nav.admin-nav a[href='/admin/orders']").await;
    click(
        d,
        "#order-filters select[name=status] option[value='shipped']",
    )
    .await;
    click(d, "#order-filters button[type=submit]").await;
    click(d, &format!("#bulk-deliver input[value='{number}']")).await;
    click(d, "#bulk-deliver button[type=submit]").await;
    accept_the_confirmation(d).await;
    let flash = d.find(By::Css(".flash")).await.unwrap();
    assert!(
        flash
            .text()
            .await
            .unwrap()
            .contains("배송완료로 처리했습니다")
    );
    assert_eq!(status_of(&t, &number).await, OrderStatus::Delivered);
    browser.screenshot("admin-bulk-delivered").await;
    browser.quit().await;
}
