//! Issue 18's scenario end to end, on SQLite and PostgreSQL, each outside party a fake: a
//! SmartStore order is imported with its stock reserved, handed to the 3PL in its outbound sheet,
//! the 3PL's waybill file is picked up and ships it, the waybill goes back to SmartStore, and the
//! tracker reports it delivered.

use crate::checkout::stock_of;
use crate::escrow_payments::run_jobs;
use jangteo_core::order::OrderStatus;
use jangteo_testkit::fake_smartstore::{FakeDispatch, FakeProductOrder, FakeSmartStore};
use jangteo_testkit::fake_tracker::FakeTracker;
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::shopper::staff_session;
use jangteo_testkit::{Backend, TestApp, on_both_backends};

/// One partner taking CSV with its own columns, its waybills dropped under the data folder.
pub(crate) fn with_a_3pl(config: &mut jangteo_app::Config) {
    config.logistics.partners = vec![jangteo_app::config::PartnerConfig {
        code: "fc".into(),
        name: "장터 풀필먼트".into(),
        format: "csv".into(),
        columns: vec![
            "주문번호=order_number".into(),
            "받는분=recipient_name".into(),
            "주소=address".into(),
            "품번=sku_code".into(),
            "수량=quantity".into(),
            "판매처=channel".into(),
        ],
        waybill_dir: Some(config.data_dir.join("3pl-waybills")),
    }];
}

async fn status_of(t: &TestApp, number: &str) -> OrderStatus {
    let order = jangteo_db::orders::find_by_number(&t.app.db, number)
        .await
        .unwrap();
    order.unwrap().status
}

async fn a_smartstore_order_goes_through_the_3pl_back_to_smartstore_and_is_delivered(
    backend: Backend,
) {
    let (store, tracker) = (FakeSmartStore::start().await, FakeTracker::start().await);
    let options = TestOptions {
        smartstore_base: Some(store.base_url.clone()),
        tracker_url: Some(tracker.api_url()),
        configure: Some(with_a_3pl),
        ..TestOptions::default()
    };
    let Some((t, tshirt)) = crate::checkout::shop_with(backend, options).await else {
        return;
    };
    let db = &t.app.db;
    let before = stock_of(&t, tshirt).await;
    store.pay(FakeProductOrder {
        product_order_id: "PO-77".into(),
        order_id: "2026120700077".into(),
        option_manage_code: "TSHIRT".into(),
        quantity: 3,
        total: 57_000,
        delivery_fee: 0,
    });

    // 1. Imported, the shared stock reserved.
    assert_eq!(t.app.import_channel_orders(t.app.now()).await.unwrap(), 1);
    let number = jangteo_db::channel_orders::recent(db, 1).await.unwrap()[0]
        .number
        .clone();
    assert_eq!(stock_of(&t, tshirt).await, before - 3);
    assert_eq!(status_of(&t, &number).await, OrderStatus::Paid);

    // 2. Handed to the 3PL: its sheet in its columns, the order preparing.
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let page = owner.get("/admin/logistics").await;
    assert!(page.body.contains("장터 풀필먼트") && page.body.contains("data-partner=\"fc\""));
    let sheet = owner.post("/admin/logistics/fc/handoff", &[]).await;
    assert_eq!(sheet.status, 200);
    let header = sheet
        .body
        .trim_start_matches('\u{feff}')
        .lines()
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(header, "주문번호,받는분,주소,품번,수량,판매처");
    let row = format!("{number},박받는,서울특별시 강남구 테헤란로 152 12층,TSHIRT,3,스마트스토어");
    assert!(sheet.body.contains(&row), "{}", sheet.body);
    assert_eq!(status_of(&t, &number).await, OrderStatus::Preparing);
    let again = owner.post("/admin/logistics/fc/handoff", &[]).await;
    assert_eq!(
        again.status, 303,
        "nothing left to hand off: no second sheet"
    );
    let page = owner.get("/admin/logistics").await;
    let batch = page
        .body
        .split("data-batch=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let copy = owner
        .get(&format!("/admin/logistics/fc/batches/{batch}"))
        .await;
    assert!(copy.body.contains(&row), "the sheet again, the same orders");

    // 3. The 3PL's waybill file ships it; the file is moved out of the way.
    let drop = t.app.config.data_dir.join("3pl-waybills");
    std::fs::create_dir_all(&drop).unwrap();
    let file = format!("주문번호,택배사,송장번호\n{number},CJ대한통운,123456789012\n");
    std::fs::write(drop.join("waybills-1.csv"), file).unwrap();
    assert_eq!(t.app.pull_partner_waybills(t.app.now()).await.unwrap(), 1);
    assert_eq!(status_of(&t, &number).await, OrderStatus::Shipped);
    assert!(drop.join("done").join("waybills-1.csv").exists());
    assert_eq!(
        t.app.pull_partner_waybills(t.app.now()).await.unwrap(),
        0,
        "once"
    );
    let page = owner.get("/admin/logistics").await;
    assert!(
        page.body.contains("발송 처리 1건"),
        "the page tells of the pickup"
    );

    // 4. SmartStore hears of the waybill.
    run_jobs(&t).await;
    let sent = FakeDispatch {
        product_order_id: "PO-77".into(),
        carrier: "CJGLS".into(),
        waybill: "123456789012".into(),
    };
    assert_eq!(store.dispatched(), [sent]);

    // 5. The tracker reports it delivered.
    tracker.set_status("kr.cjlogistics", "123456789012", "DELIVERED");
    assert_eq!(t.app.pull_tracking(t.app.now()).await.unwrap(), 1);
    assert_eq!(status_of(&t, &number).await, OrderStatus::Delivered);
}

on_both_backends!(a_smartstore_order_goes_through_the_3pl_back_to_smartstore_and_is_delivered);
