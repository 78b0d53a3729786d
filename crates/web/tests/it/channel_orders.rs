//! Orders from Naver SmartStore (issue 18) against its fake, on SQLite and PostgreSQL: paid
//! orders imported once (a throttled channel retried on the next run), matched to the shop's
//! SKUs by code with their stock reserved, acknowledged at SmartStore, listed and reported under
//! their channel, and their waybill sent back when staff ship them; an order with an unknown
//! code is kept aside for staff. The channels page is reached from the menu.

use crate::checkout::stock_of;
use crate::escrow_payments::run_jobs;
use jangteo_core::order::OrderStatus;
use jangteo_core::payment::PaymentMethod;
use jangteo_testkit::fake_smartstore::{FakeDispatch, FakeProductOrder, FakeSmartStore};
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::shopper::staff_session;
use jangteo_testkit::{Backend, TestApp, fixtures, on_both_backends};

fn line(
    id: &str,
    order: &str,
    code: &str,
    quantity: i64,
    total: i64,
    fee: i64,
) -> FakeProductOrder {
    FakeProductOrder {
        product_order_id: id.into(),
        order_id: order.into(),
        option_manage_code: code.into(),
        quantity,
        total,
        delivery_fee: fee,
    }
}

async fn smartstore_orders_are_imported_once_and_their_waybills_go_back(backend: Backend) {
    let store = FakeSmartStore::start().await;
    let options = TestOptions {
        smartstore_base: Some(store.base_url.clone()),
        ..TestOptions::default()
    };
    let Some(t) = TestApp::spawn_with(backend, options).await else {
        return;
    };
    fixtures::catalog(&t.app).await;
    let sku = |code: &'static str| {
        let db = t.app.db.clone();
        async move {
            jangteo_db::catalog::stock::sku_id_by_code(&db, code)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let (tshirt, black_m) = (sku("TSHIRT").await, sku("SS-BK-M").await);
    let (tshirts_before, black_before) = (stock_of(&t, tshirt).await, stock_of(&t, black_m).await);
    store.pay(line("PO-1", "2026120700001", "TSHIRT", 2, 38_000, 3_000));
    store.pay(line("PO-2", "2026120700001", "SS-BK-M", 1, 25_000, 0));
    store.pay(line(
        "PO-3",
        "2026120700002",
        "NO-SUCH-CODE",
        1,
        9_900,
        3_000,
    ));

    // SmartStore throttles the first run: nothing is imported, and the next run finds it all.
    store.throttle(1);
    assert_eq!(t.app.import_channel_orders(t.app.now()).await.unwrap(), 0);
    assert_eq!(t.app.import_channel_orders(t.app.now()).await.unwrap(), 1);
    assert_eq!(
        t.app.import_channel_orders(t.app.now()).await.unwrap(),
        0,
        "once"
    );
    let mut confirmed = store.confirmed();
    confirmed.sort();
    assert_eq!(
        confirmed,
        ["PO-1", "PO-2"],
        "발주확인 for what was imported"
    );
    assert_eq!(stock_of(&t, tshirt).await, tshirts_before - 2);
    assert_eq!(stock_of(&t, black_m).await, black_before - 1);

    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let list = owner.get("/admin/orders?channel=smartstore").await;
    assert_eq!(list.status, 200);
    let imported = jangteo_db::channel_orders::recent(&t.app.db, 10)
        .await
        .unwrap();
    assert_eq!(imported.len(), 1);
    let number = imported[0].number.clone();
    assert!(list.body.contains(&format!("data-order=\"{number}\"")) || list.body.contains(&number));
    assert!(
        list.body.contains("스마트스토어"),
        "listed under its channel"
    );
    let order = jangteo_db::orders::find_by_number(&t.app.db, &number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.status, OrderStatus::Paid);
    assert_eq!(order.payment_method, PaymentMethod::Marketplace);
    assert_eq!(order.marketplace.as_deref(), Some("smartstore"));
    assert_eq!(order.total.get(), 38_000 + 25_000 + 3_000);
    assert_eq!(order.recipient_name, "박받는");

    // The channels page, from the menu: the order, and the one kept aside with its reason.
    let dashboard = owner.get("/admin").await;
    assert!(
        dashboard.body.contains("href=\"/admin/channels\""),
        "in the menu"
    );
    let page = owner.get("/admin/channels").await;
    assert!(page.body.contains(&number) && page.body.contains("2026120700001"));
    assert!(
        page.body.contains("data-problem=\"2026120700002\"") && page.body.contains("NO-SUCH-CODE")
    );

    // Its page names the channel; money moves at the marketplace, so the shop will not cancel.
    let detail = owner.get(&format!("/admin/orders/{number}")).await;
    assert!(detail.body.contains("id=\"order-channel\"") && detail.body.contains("2026120700001"));
    let action = format!("/admin/orders/{number}/action");
    let cancel = owner
        .post(&action, &[("action", "cancel"), ("reason", "품절")])
        .await;
    assert!(cancel.body.contains("해당 채널에서"), "{}", cancel.status);
    let still = jangteo_db::orders::find_by_number(&t.app.db, &number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(still.status, OrderStatus::Paid);

    // Shipping it by hand sends the waybill back (the same use case every way in takes).
    assert_eq!(
        owner.post(&action, &[("action", "prepare")]).await.status,
        303
    );
    let shipped = owner
        .post(
            &action,
            &[
                ("action", "ship"),
                ("carrier", "cj"),
                ("waybill", "123456789012"),
            ],
        )
        .await;
    assert_eq!(shipped.status, 303);
    run_jobs(&t).await;
    let mut dispatched = store.dispatched();
    dispatched.sort_by(|a, b| a.product_order_id.cmp(&b.product_order_id));
    let expected = |id: &str| FakeDispatch {
        product_order_id: id.into(),
        carrier: "CJGLS".into(),
        waybill: "123456789012".into(),
    };
    assert_eq!(dispatched, [expected("PO-1"), expected("PO-2")]);
    let page = owner.get("/admin/channels").await;
    assert!(
        page.body.contains("data-dispatched"),
        "the page says the waybill went"
    );

    // Exported with its channel.
    let csv = owner.get("/admin/orders.csv?channel=smartstore").await.body;
    let row = csv.lines().find(|l| l.contains(&number)).expect("exported");
    assert!(row.contains("판매 채널 결제,스마트스토어"), "{row}");

    // Its sales are reported under SmartStore.
    let stats = owner.get("/admin/stats").await;
    assert_eq!(stats.status, 200);
    assert!(
        stats.body.contains("스마트스토어"),
        "a SmartStore row in the statistics"
    );
}

on_both_backends!(smartstore_orders_are_imported_once_and_their_waybills_go_back);

/// "지금 가져오기" is the owner's (orders, write) and audited; a marketer only reads the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn importing_on_demand_is_for_order_writers_and_audited() {
    let store = FakeSmartStore::start().await;
    let options = TestOptions {
        smartstore_base: Some(store.base_url.clone()),
        ..TestOptions::default()
    };
    let Some(t) = TestApp::spawn_with(Backend::Sqlite, options).await else {
        return;
    };
    fixtures::catalog(&t.app).await;
    store.pay(line("PO-9", "2026120700009", "TSHIRT", 1, 19_000, 0));
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let imported = owner.post("/admin/channels/import", &[]).await;
    assert_eq!(imported.status, 303);
    let page = owner.get("/admin/channels").await;
    assert!(page.body.contains("2026120700009"));
    let audit = owner.get("/admin/audit").await;
    assert!(audit.body.contains("channels.import"), "audited");
    let (marketer, _) = staff_session(&t, "marketer@example.com", "marketing").await;
    assert_eq!(marketer.get("/admin/channels").await.status, 200);
    assert_eq!(
        marketer.post("/admin/channels/import", &[]).await.status,
        403
    );
}

/// Coupang: a paid shipment box imported (signed calls), acknowledged to 상품준비중, and its
/// invoice uploaded when staff ship it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn coupang_orders_are_imported_acknowledged_and_get_their_invoice() {
    use jangteo_testkit::fake_coupang::{FakeCoupang, FakeInvoice, FakeOrderSheet};
    let wing = FakeCoupang::start().await;
    let options = TestOptions {
        coupang_base: Some(wing.base_url.clone()),
        ..TestOptions::default()
    };
    let Some(t) = TestApp::spawn_with(Backend::Sqlite, options).await else {
        return;
    };
    fixtures::catalog(&t.app).await;
    wing.pay(FakeOrderSheet {
        shipment_box_id: 642_538_970_006_401_429,
        order_id: 500_004_398,
        vendor_item_id: 3_000_000_000,
        external_vendor_sku: "TSHIRT".into(),
        count: 1,
        order_price: 19_000,
    });
    assert_eq!(t.app.import_channel_orders(t.app.now()).await.unwrap(), 1);
    assert_eq!(
        wing.status(642_538_970_006_401_429).as_deref(),
        Some("INSTRUCT")
    );
    let imported = jangteo_db::channel_orders::recent(&t.app.db, 1)
        .await
        .unwrap();
    let number = imported[0].number.clone();
    assert_eq!(imported[0].link.marketplace, "coupang");
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let list = owner.get("/admin/orders?channel=coupang").await;
    assert!(list.body.contains(&number) && list.body.contains("쿠팡"));
    let action = format!("/admin/orders/{number}/action");
    assert_eq!(
        owner.post(&action, &[("action", "prepare")]).await.status,
        303
    );
    let ship = [
        ("action", "ship"),
        ("carrier", "hanjin"),
        ("waybill", "420012345678"),
    ];
    assert_eq!(owner.post(&action, &ship).await.status, 303);
    run_jobs(&t).await;
    let invoice = FakeInvoice {
        shipment_box_id: 642_538_970_006_401_429,
        order_id: 500_004_398,
        vendor_item_id: 3_000_000_000,
        carrier: "HANJIN".into(),
        waybill: "420012345678".into(),
    };
    assert_eq!(wing.invoices(), [invoice]);
    assert_eq!(
        wing.status(642_538_970_006_401_429).as_deref(),
        Some("DEPARTURE")
    );

    // The shop's stock goes back to the listing the order sold, again only when it changes.
    let tshirt = jangteo_db::catalog::stock::sku_id_by_code(&t.app.db, "TSHIRT")
        .await
        .unwrap()
        .unwrap();
    let now = t.app.now();
    assert_eq!(t.app.push_channel_stock(now).await.unwrap(), 1);
    assert_eq!(
        wing.quantity(3_000_000_000),
        Some(stock_of(&t, tshirt).await)
    );
    assert_eq!(t.app.push_channel_stock(now).await.unwrap(), 0, "unchanged");
    crate::checkout::set_stock(&t, tshirt, 42).await;
    assert_eq!(t.app.push_channel_stock(now).await.unwrap(), 1);
    assert_eq!(wing.quantity(3_000_000_000), Some(42));
    // A listing Coupang does not know: refused, kept, and shown on the channels page.
    let mut tx = t.app.db.begin().await.unwrap();
    jangteo_db::channel_orders::remember_item(&mut tx, "coupang", "999", tshirt)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(t.app.push_channel_stock(now).await.unwrap(), 0);
    let page = owner.get("/admin/channels").await;
    assert!(
        page.body.contains("id=\"stock-problems\"") && page.body.contains("존재하지 않는 옵션ID")
    );
}

/// Another channel's orders from a sheet (CSV, rows of one order grouped): imported once with
/// their stock, an unknown code kept aside, nothing sent back on shipping.
async fn another_channels_orders_come_from_a_sheet(backend: Backend) {
    let Some((t, tshirt)) = crate::checkout::shop(backend).await else {
        return;
    };
    let before = stock_of(&t, tshirt).await;
    let (owner, _) = staff_session(&t, "owner@example.com", "owner").await;
    let page = owner.get("/admin/channels").await;
    assert!(
        page.body.contains("id=\"channel-sheet\""),
        "the upload form"
    );
    let sheet = "채널 주문번호,주문자,주문자 연락처,수취인,수취인 연락처,우편번호,주소,상세주소,배송메모,SKU 코드,수량,결제금액,배송비\n\
        ETC-1,홍길동,010-1111-2222,홍길동,010-1111-2222,04524,서울특별시 중구 세종대로 110,3층,,TSHIRT,2,\"38,000\",3000\n\
        ETC-1,홍길동,010-1111-2222,홍길동,010-1111-2222,04524,서울특별시 중구 세종대로 110,3층,,SS-BK-M,1,25000,0\n\
        ETC-2,김철수,010-3333-4444,김철수,010-3333-4444,04524,서울특별시 중구 세종대로 110,,,NOPE,1,1000,0\n";
    let path = "/admin/channels/sheet";
    let (status, _) = crate::upload_as(&t, &owner, path, "orders.csv", sheet.as_bytes()).await;
    assert_eq!(status, 303);
    let (again, _) = crate::upload_as(&t, &owner, path, "orders.csv", sheet.as_bytes()).await;
    assert_eq!(again, 303);
    let imported = jangteo_db::channel_orders::recent(&t.app.db, 10)
        .await
        .unwrap();
    assert_eq!(imported.len(), 1, "ETC-1 once; ETC-2 kept aside");
    assert_eq!(imported[0].link.marketplace, "csv");
    assert_eq!(stock_of(&t, tshirt).await, before - 2);
    let order = jangteo_db::orders::find_by_number(&t.app.db, &imported[0].number)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.total.get(), 38_000 + 25_000 + 3_000);
    let page = owner.get("/admin/channels").await;
    assert!(page.body.contains("data-problem=\"ETC-2\""));
    let audit = owner.get("/admin/audit").await;
    assert!(audit.body.contains("channels.import_sheet"));
}

on_both_backends!(another_channels_orders_come_from_a_sheet);
