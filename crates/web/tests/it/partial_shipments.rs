//! Partial shipments (issue 18), on SQLite and PostgreSQL: staff send some lines of an order in
//! a parcel of their own from the order page; the buyer is told what left and sees each parcel;
//! the order cannot be cancelled whole meanwhile; the rest leaves through a waybill sheet naming
//! its SKU code, which ships the order; the tracker marks each parcel delivered. A marketplace
//! order split over two waybills by the 3PL sends each parcel's waybill with its own lines.

use crate::checkout::{add, pay, place, sign_up};
use crate::escrow_payments::run_jobs;
use jangteo_core::order::OrderStatus;
use jangteo_db::catalog::stock::sku_id_by_code;
use jangteo_testkit::fake_smartstore::{FakeDispatch, FakeProductOrder, FakeSmartStore};
use jangteo_testkit::fake_tracker::FakeTracker;
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

async fn status_of(t: &TestApp, number: &str) -> OrderStatus {
    let order = jangteo_db::orders::find_by_number(&t.app.db, number)
        .await
        .unwrap();
    order.unwrap().status
}

/// The order's line of SKU `sku`.
pub(crate) async fn line_of(t: &TestApp, number: &str, sku: i64) -> i64 {
    let order = jangteo_db::orders::find_by_number(&t.app.db, number)
        .await
        .unwrap()
        .unwrap();
    let lines = jangteo_db::orders::lines(&t.app.db, order.id)
        .await
        .unwrap();
    lines.iter().find(|l| l.sku_id == Some(sku)).unwrap().id
}

/// The "shipped" messages the buyer got, oldest first.
async fn shipped_messages(t: &TestApp) -> Vec<jangteo_db::messages::MessageRow> {
    let mut all = jangteo_db::messages::recent(&t.app.db, 100).await.unwrap();
    all.retain(|m| m.event == "shipped" && m.channel == "email");
    all.reverse();
    all
}

/// The T-shirt leaves first, from the order page: the order stays in preparation.
async fn the_tshirt_leaves_first(t: &TestApp, owner: &Shopper, buyer: &Shopper, number: &str) {
    let tshirt_line = line_of(
        t,
        number,
        sku_id_by_code(&t.app.db, "TSHIRT").await.unwrap().unwrap(),
    )
    .await;
    let page = owner.get(&format!("/admin/orders/{number}")).await.body;
    assert!(page.contains("id=\"ship-lines\""), "{page}");
    let ship = format!("/admin/orders/{number}/ship");
    let none = owner
        .post(&ship, &[("carrier", "cj"), ("waybill", "111122223333")])
        .await;
    assert_eq!(none.status, 422, "{}", none.body);
    assert!(none.body.contains("이번에 보낼 상품을 하나 이상"));
    assert_eq!(none.input_value("waybill").as_deref(), Some("111122223333"));

    let line = format!("line.{tshirt_line}");
    let part = owner
        .post(
            &ship,
            &[("carrier", "cj"), ("waybill", "111122223333"), (&line, "1")],
        )
        .await;
    assert_eq!(part.status, 303, "{}", part.body);
    assert_eq!(status_of(t, number).await, OrderStatus::Preparing);
    let told = shipped_messages(t).await;
    assert_eq!(told.len(), 1);
    assert!(
        told[0].body_text.contains("일부가 먼저 출발"),
        "{}",
        told[0].body_text
    );
    assert!(told[0].body_text.contains("111122223333"));
    assert!(
        !told[0].body_text.contains("청바지"),
        "only what left is listed"
    );
    let mine = buyer.get(&format!("/orders/{number}")).await.body;
    assert!(
        mine.contains("id=\"order-parcels\"") && mine.contains("1번째 상자"),
        "{mine}"
    );
    assert!(mine.contains("111122223333"));

    // Sent already: not again, and not cancelled (the whole order neither).
    let again = owner
        .post(
            &ship,
            &[("carrier", "cj"), ("waybill", "999988887777"), (&line, "1")],
        )
        .await;
    assert_eq!(again.status, 422);
    assert!(again.body.contains("이미 발송된 상품"));
    let cancel = owner
        .post(
            &format!("/admin/orders/{number}/action"),
            &[("action", "cancel")],
        )
        .await;
    assert_eq!(cancel.status, 409, "{}", cancel.body);
    let units = format!("units.{tshirt_line}");
    let partial = owner
        .post(
            &format!("/admin/orders/{number}/partial-cancel"),
            &[(&units, "1"), ("reason", "고객 요청")],
        )
        .await;
    assert_eq!(partial.status, 422);
}

/// The jeans leave through a waybill sheet naming their SKU code: the order ships.
async fn the_jeans_follow_by_sheet(t: &TestApp, owner: &Shopper, number: &str) {
    let sheet =
        format!("주문번호,택배사,송장번호,옵션코드\n{number},CJ대한통운,444455556666,JEANS\n");
    let (status, page) = crate::upload_as(
        t,
        owner,
        "/admin/orders/waybills",
        "w.csv",
        sheet.as_bytes(),
    )
    .await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("처리 가능 1건"), "{page}");
    let rows = crate::hidden_rows(&page);
    let applied = owner
        .post("/admin/orders/waybills/apply", &[("rows", &rows)])
        .await;
    assert_eq!(applied.status, 200, "{}", applied.body);
    assert_eq!(status_of(t, number).await, OrderStatus::Shipped);
    let told = shipped_messages(t).await;
    assert_eq!(told.len(), 2);
    assert!(told[1].body_text.contains("444455556666") && told[1].body_text.contains("청바지"));
    assert!(!told[1].body_text.contains("일부가 먼저"));
    let page = owner.get(&format!("/admin/orders/{number}")).await.body;
    assert!(
        page.contains("id=\"shipments\"") && page.contains("444455556666"),
        "{page}"
    );
}

/// A member who paid for a T-shirt and jeans by card: (the buyer, the order number).
pub(crate) async fn tshirt_and_jeans_paid(
    t: &TestApp,
    tshirt: i64,
    email: &str,
) -> (Shopper, String) {
    let jeans = sku_id_by_code(&t.app.db, "JEANS").await.unwrap().unwrap();
    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, email).await;
    add(&buyer, tshirt, 1).await;
    add(&buyer, jeans, 1).await;
    let number = pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;
    (buyer, number)
}

async fn an_order_ships_in_two_parcels(backend: Backend) {
    let tracker = FakeTracker::start().await;
    let options = TestOptions {
        tracker_url: Some(tracker.api_url()),
        ..TestOptions::default()
    };
    let Some((t, tshirt)) = crate::checkout::shop_with(backend, options).await else {
        return;
    };
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let (buyer, number) = tshirt_and_jeans_paid(&t, tshirt, "parcels@example.com").await;

    the_tshirt_leaves_first(&t, &owner, &buyer, &number).await;
    the_jeans_follow_by_sheet(&t, &owner, &number).await;

    // The first parcel arrives: recorded, the order still on its way.
    tracker.set_status("kr.cjlogistics", "111122223333", "DELIVERED");
    assert_eq!(t.app.pull_tracking(t.app.now()).await.unwrap(), 1);
    assert_eq!(status_of(&t, &number).await, OrderStatus::Shipped);
    let mine = buyer.get(&format!("/orders/{number}")).await.body;
    assert!(mine.contains("배송 완료"), "{mine}");
    // The last arrives: the order is delivered.
    tracker.set_status("kr.cjlogistics", "444455556666", "DELIVERED");
    assert_eq!(t.app.pull_tracking(t.app.now()).await.unwrap(), 1);
    assert_eq!(status_of(&t, &number).await, OrderStatus::Delivered);
}

/// The T-shirt leaves, the jeans are cancelled: nothing is left to choose and the order ships
/// with the form's waybill alone.
async fn an_order_whose_rest_was_cancelled_still_ships(backend: Backend) {
    let Some((t, tshirt)) = crate::checkout::shop(backend).await else {
        return;
    };
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let (_, number) = tshirt_and_jeans_paid(&t, tshirt, "cancelled-rest@example.com").await;
    let jeans = sku_id_by_code(&t.app.db, "JEANS").await.unwrap().unwrap();
    let (tshirt_line, jeans_line) = (
        line_of(&t, &number, tshirt).await,
        line_of(&t, &number, jeans).await,
    );
    let ship = format!("/admin/orders/{number}/ship");
    let line = format!("line.{tshirt_line}");
    let part = [
        ("carrier", "cj"),
        ("waybill", "777788889999"),
        (line.as_str(), "1"),
    ];
    assert_eq!(owner.post(&ship, &part).await.status, 303);
    let units = format!("units.{jeans_line}");
    let cancel = owner
        .post(
            &format!("/admin/orders/{number}/partial-cancel"),
            &[(units.as_str(), "1"), ("reason", "품절")],
        )
        .await;
    assert_eq!(cancel.status, 303, "{}", cancel.body);
    let page = owner.get(&format!("/admin/orders/{number}")).await.body;
    assert!(page.contains("name=\"whole\""), "{page}");
    let whole = [
        ("carrier", "cj"),
        ("waybill", "777788889999"),
        ("whole", "1"),
    ];
    assert_eq!(owner.post(&ship, &whole).await.status, 303);
    assert_eq!(status_of(&t, &number).await, OrderStatus::Shipped);
}

/// Two SmartStore product orders of one order, split by the 3PL over two waybills: each
/// waybill goes back with its own product order.
async fn a_marketplace_order_in_two_parcels_sends_two_waybills(backend: Backend) {
    let store = FakeSmartStore::start().await;
    let options = TestOptions {
        smartstore_base: Some(store.base_url.clone()),
        configure: Some(crate::channel_scenario::with_a_3pl),
        ..TestOptions::default()
    };
    let Some((t, _)) = crate::checkout::shop_with(backend, options).await else {
        return;
    };
    for (id, code) in [("PO-1", "TSHIRT"), ("PO-2", "JEANS")] {
        store.pay(FakeProductOrder {
            product_order_id: id.into(),
            order_id: "2026120700088".into(),
            option_manage_code: code.into(),
            quantity: 1,
            total: 19_000,
            delivery_fee: 0,
        });
    }
    assert_eq!(t.app.import_channel_orders(t.app.now()).await.unwrap(), 1);
    let number = jangteo_db::channel_orders::recent(&t.app.db, 1)
        .await
        .unwrap()[0]
        .number
        .clone();
    let drop = t.app.config.data_dir.join("3pl-waybills");
    std::fs::create_dir_all(&drop).unwrap();
    let file = format!(
        "주문번호,택배사,송장번호,품번\n{number},CJ대한통운,123400000001,TSHIRT\n{number},CJ대한통운,123400000002,JEANS\n"
    );
    std::fs::write(drop.join("split.csv"), file).unwrap();
    assert_eq!(t.app.pull_partner_waybills(t.app.now()).await.unwrap(), 2);
    assert_eq!(status_of(&t, &number).await, OrderStatus::Shipped);
    run_jobs(&t).await;
    let mut sent = store.dispatched();
    sent.sort_by(|a, b| a.product_order_id.cmp(&b.product_order_id));
    let parcel = |id: &str, waybill: &str| FakeDispatch {
        product_order_id: id.into(),
        carrier: "CJGLS".into(),
        waybill: waybill.into(),
    };
    assert_eq!(
        sent,
        [
            parcel("PO-1", "123400000001"),
            parcel("PO-2", "123400000002")
        ]
    );
    let link = jangteo_db::channel_orders::recent(&t.app.db, 1)
        .await
        .unwrap();
    assert!(link[0].link.dispatch_error.is_none());
}

on_both_backends!(
    an_order_ships_in_two_parcels,
    an_order_whose_rest_was_cancelled_still_ships,
    a_marketplace_order_in_two_parcels_sends_two_waybills
);
