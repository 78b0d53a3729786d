//! Back-office orders: filters and paging, masked lists, the audited detail view, state changes
//! (and refused ones), staff memos and the packing slip; on SQLite and PostgreSQL.

use crate::checkout::{add, pay, place, shop, sign_up, status_of, stock_of};
use jangteo_core::Won;
use jangteo_db::audit::AuditFilter;
use jangteo_db::orders::{OrderLineRow, OrderRow};
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

async fn audited(t: &TestApp, action: &str, target: &str) -> Vec<jangteo_db::audit::AuditRow> {
    jangteo_db::audit::search(
        &t.app.db,
        &AuditFilter {
            action_prefix: action.into(),
            target_id: target.into(),
            ..Default::default()
        },
        20,
        0,
    )
    .await
    .unwrap()
    .0
}

/// A member with two paid card orders (one T-shirt, then two): (the buyer, the first order
/// number, the second).
async fn two_paid_orders(t: &TestApp, tshirt: i64) -> (Shopper, String, String) {
    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "buyer@example.com").await;
    add(&buyer, tshirt, 1).await;
    let paid = pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;
    add(&buyer, tshirt, 2).await;
    let second = pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;
    (buyer, paid, second)
}

/// The list: both orders, personal data masked; filters narrow it.
async fn list_masked_and_filtered(cs: &Shopper, paid: &str, second: &str) {
    let list = cs.get("/admin/orders").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains(paid) && list.body.contains(second));
    assert!(list.body.contains("김*터") && list.body.contains("010-****-5678"));
    assert!(
        !list.body.contains("010-1234-5678"),
        "no full phone in lists"
    );
    let by_number = cs
        .get(&format!("/admin/orders?q={}", &paid[..12]))
        .await
        .body;
    assert!(by_number.contains(paid) && !by_number.contains(second));
    let by_phone = cs.get("/admin/orders?q=5678").await.body;
    assert!(by_phone.contains(paid) && by_phone.contains(second));
    let by_name = cs.get("/admin/orders?q=%EC%9D%B4%EC%88%98").await.body; // "이수": recipient
    assert!(by_name.contains(paid));
    let nobody = cs.get("/admin/orders?q=%25").await.body;
    assert!(
        nobody.contains("조건에 맞는 주문이 없습니다"),
        "% is not a wildcard"
    );
    let cancelled = cs.get("/admin/orders?status=cancelled").await.body;
    assert!(!cancelled.contains(paid));
    let future = cs.get("/admin/orders?from=2099-01-01").await.body;
    assert!(!future.contains(paid));
    // Orders placed from a browser without a phone's user agent count as the PC shop.
    let pc = cs.get("/admin/orders?channel=pc").await.body;
    assert!(pc.contains(paid) && pc.contains("PC 웹"));
    let mobile = cs.get("/admin/orders?channel=mobile").await.body;
    assert!(!mobile.contains(paid));
    let paged = cs.get("/admin/orders?page=2").await;
    assert_eq!(paged.status, 200);
}

/// The detail view shows the buyer in full to CS and is logged; marketing reads orders masked
/// and cannot change them.
async fn detail_full_for_cs_masked_for_marketing(
    t: &TestApp,
    cs: &Shopper,
    marketer: &Shopper,
    paid: &str,
) {
    let detail = cs.get(&format!("/admin/orders/{paid}")).await;
    assert_eq!(detail.status, 200);
    assert!(detail.body.contains("010-1234-5678") && detail.body.contains("buyer@example.com"));
    assert_eq!(audited(t, "order.view", paid).await.len(), 1);
    // Marketing reads orders masked and cannot change them.
    let masked = marketer.get(&format!("/admin/orders/{paid}")).await;
    assert_eq!(masked.status, 200);
    assert!(!masked.body.contains("010-1234-5678") && !masked.body.contains("ship-form"));
    let refused = marketer
        .post(
            &format!("/admin/orders/{paid}/action"),
            &[("action", "prepare")],
        )
        .await;
    assert_eq!(refused.status, 403);
}

/// State changes: an illegal one is refused; a bad waybill names the field.
async fn bad_state_changes_refused(cs: &Shopper, paid: &str) {
    let early = cs
        .post(
            &format!("/admin/orders/{paid}/action"),
            &[("action", "deliver")],
        )
        .await;
    assert_eq!(early.status, 409);
    let bad = cs
        .post(
            &format!("/admin/orders/{paid}/action"),
            &[("action", "ship"), ("carrier", "cj"), ("waybill", "abc")],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("송장번호는 숫자"));
    assert!(bad.body.contains("value=\"abc\""), "typed waybill kept");
}

/// Preparing, shipping and delivering work; the shipment is audited with its waybill.
async fn prepare_ship_and_deliver(t: &TestApp, cs: &Shopper, paid: &str) {
    for (action, extra) in [
        ("prepare", vec![]),
        (
            "ship",
            vec![("carrier", "cj"), ("waybill", "6543 2109 8765")],
        ),
        ("deliver", vec![]),
    ] {
        let mut form = vec![("action", action)];
        form.extend(extra);
        let done = cs
            .post(&format!("/admin/orders/{paid}/action"), &form)
            .await;
        assert_eq!(done.status, 303, "{action}: {}", done.body);
    }
    let order = jangteo_db::orders::find_by_number(&t.app.db, paid)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.status.as_str(), "delivered");
    assert_eq!(order.waybill.as_deref(), Some("654321098765"));
    let ship = audited(t, "order.ship", paid).await;
    assert_eq!(ship.len(), 1);
    assert!(
        ship[0]
            .before_data
            .as_deref()
            .unwrap()
            .contains("preparing")
    );
    assert!(
        ship[0]
            .after_data
            .as_deref()
            .unwrap()
            .contains("654321098765")
    );
}

/// Cancelling the other order refunds it and releases the stock.
async fn cancel_the_other_order(t: &TestApp, cs: &Shopper, second: &str) {
    let cancel = cs
        .post(
            &format!("/admin/orders/{second}/action"),
            &[("action", "cancel"), ("reason", "재고 부족")],
        )
        .await;
    assert_eq!(cancel.status, 303, "{}", cancel.body);
    let cancelled = audited(t, "order.cancel", second).await;
    assert_eq!(cancelled[0].reason, "재고 부족");
    let page = cs.get(&format!("/admin/orders/{second}")).await.body;
    assert!(page.contains("취소"));
}

/// Memos: only staff see them; each is audited.
async fn memos_for_staff_only(t: &TestApp, cs: &Shopper, buyer: &Shopper, paid: &str) {
    let empty = cs
        .post(&format!("/admin/orders/{paid}/memos"), &[("memo", " ")])
        .await;
    assert_eq!(empty.status, 422);
    let memo = cs
        .post(
            &format!("/admin/orders/{paid}/memos"),
            &[("memo", "고객 요청: 문 앞에 놓아 주세요")],
        )
        .await;
    assert_eq!(memo.status, 303);
    assert!(
        cs.get(&format!("/admin/orders/{paid}"))
            .await
            .body
            .contains("고객 요청: 문 앞에 놓아 주세요")
    );
    assert!(
        !buyer
            .get(&format!("/orders/{paid}"))
            .await
            .body
            .contains("문 앞에 놓아"),
        "the buyer never sees staff memos"
    );
    assert_eq!(audited(t, "order.memo", paid).await.len(), 1);
}

/// The packing slip: recipient, items, no prices.
async fn packing_slip(cs: &Shopper, paid: &str) {
    let slip = cs.get(&format!("/admin/orders/{paid}/slip")).await;
    assert_eq!(slip.status, 200);
    assert!(slip.body.contains("이수령") && slip.body.contains("티셔츠"));
    assert!(!slip.body.contains("9,900원"), "no prices on the slip");
    assert_eq!(cs.get("/admin/orders/20200101-AAAAAA").await.status, 404);
}

async fn staff_find_process_and_annotate_orders(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let (buyer, paid, second) = two_paid_orders(&t, tshirt).await;
    let (cs, _) = staff_session(&t, "cs@example.com", "cs").await;
    let (marketer, _) = staff_session(&t, "mkt@example.com", "marketing").await;

    list_masked_and_filtered(&cs, &paid, &second).await;
    detail_full_for_cs_masked_for_marketing(&t, &cs, &marketer, &paid).await;
    bad_state_changes_refused(&cs, &paid).await;
    prepare_ship_and_deliver(&t, &cs, &paid).await;
    cancel_the_other_order(&t, &cs, &second).await;
    memos_for_staff_only(&t, &cs, &buyer, &paid).await;
    packing_slip(&cs, &paid).await;
}

async fn upload(t: &TestApp, staff: &Shopper, name: &str, body: &[u8]) -> (u16, String) {
    crate::upload_as(t, staff, "/admin/orders/waybills", name, body).await
}

/// The dry run checks every row and writes nothing; returns the dry-run page.
async fn waybill_dry_run_writes_nothing(
    t: &TestApp,
    warehouse: &Shopper,
    sheet: &str,
    a: &str,
) -> String {
    let (status, page) = upload(t, warehouse, "waybills.csv", sheet.as_bytes()).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("처리 가능 1건") && page.contains("오류 4건"),
        "{page}"
    );
    for message in [
        "송장번호는 숫자 8~20자리여야 합니다.",
        "없는 주문번호입니다.",
        "같은 주문번호(와 옵션 코드)가 위에 이미 있습니다.",
        "알 수 없는 택배사입니다.",
    ] {
        assert!(page.contains(message), "{message}");
    }
    assert_eq!(
        status_of(t, a).await,
        "paid",
        "nothing written by the dry run"
    );
    page
}

/// Applying ships the good row only and reports each row; a file that is not a sheet is
/// refused with a reason.
async fn applying_ships_the_good_row(
    t: &TestApp,
    warehouse: &Shopper,
    page: &str,
    a: &str,
    b: &str,
) {
    let rows = crate::hidden_rows(page);
    let applied = warehouse
        .post("/admin/orders/waybills/apply", &[("rows", &rows)])
        .await;
    assert_eq!(applied.status, 200, "{}", applied.body);
    assert!(applied.body.contains("발송 처리됨"));
    assert_eq!(status_of(t, a).await, "shipped");
    assert_eq!(status_of(t, b).await, "paid");
    let shipped = jangteo_db::orders::find_by_number(&t.app.db, a)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(shipped.waybill.as_deref(), Some("654321098765"));
    assert_eq!(shipped.carrier.as_deref(), Some("cj"));
    assert_eq!(audited(t, "order.waybill_import", "").await.len(), 1);
    // A file that is not a sheet is refused with a reason.
    let (status, page) = upload(t, warehouse, "w.xlsx", b"not a spreadsheet").await;
    assert_eq!(status, 422);
    assert!(page.contains("파일을 읽을 수 없습니다"));
}

/// The filtered orders as .xlsx (a zip), logged with the row count.
async fn orders_out_as_xlsx(t: &TestApp, warehouse: &Shopper) {
    let xlsx = jangteo_testkit::server::client()
        .get(t.url("/admin/orders.xlsx?status=paid"))
        .header("cookie", warehouse.admin_cookie().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    assert!(
        xlsx.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));
    let export = &audited(t, "order.export", "").await[0];
    assert!(export.after_data.as_deref().unwrap().contains("\"rows\":2"));
}

/// The same as CSV with a BOM: one row per line, Korean labels, SKU code, units left.
async fn orders_out_as_csv(t: &TestApp, warehouse: &Shopper) {
    let csv = jangteo_testkit::server::client()
        .get(t.url("/admin/orders.csv?status=paid"))
        .header("cookie", warehouse.admin_cookie().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    let body = csv.bytes().await.unwrap();
    assert!(body.starts_with(b"\xEF\xBB\xBF"), "BOM for Excel");
    let text = String::from_utf8(body[3..].to_vec()).unwrap();
    let mut rows = text.lines();
    let header = rows.next().unwrap();
    for column in [
        "주문번호",
        "옵션",
        "SKU 코드",
        "취소 수량",
        "반품 수량",
        "남은 수량",
    ] {
        assert!(header.contains(column), "{column}");
    }
    let data: Vec<&str> = rows.collect();
    assert!(data.len() >= 2, "{text}");
    assert!(data.iter().all(|r| r.contains("결제완료")), "{text}");
    assert!(!text.contains(",paid,"), "no raw status codes");
    assert!(data.iter().any(|r| r.contains("TSHIRT")), "{text}");
}

async fn waybills_in_bulk_and_orders_out_to_excel(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "buyer@example.com").await;
    let mut numbers = Vec::new();
    for _ in 0..3 {
        add(&buyer, tshirt, 1).await;
        numbers.push(pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await);
    }
    let (warehouse, _) = staff_session(&t, "wh@example.com", "warehouse").await;
    let (a, b, c) = (&numbers[0], &numbers[1], &numbers[2]);
    let sheet = format!(
        "주문번호,택배사,송장번호\n{a},CJ대한통운,6543-2109-8765\n{b},한진,abc\n20200101-AAAAAA,cj,123456789012\n{a},cj,123456789012\n{c},DHL,123456789012\n"
    );

    let page = waybill_dry_run_writes_nothing(&t, &warehouse, &sheet, a).await;
    applying_ships_the_good_row(&t, &warehouse, &page, a, b).await;
    orders_out_as_xlsx(&t, &warehouse).await;
    orders_out_as_csv(&t, &warehouse).await;
    let (marketer, _) = staff_session(&t, "mkt@example.com", "marketing").await;
    assert_eq!(marketer.get("/admin/orders.xlsx").await.status, 403);
}

on_both_backends!(
    staff_find_process_and_annotate_orders,
    waybills_in_bulk_and_orders_out_to_excel
);

/// Refused partial cancellations: more units than are left, none, or no reason.
async fn partial_cancel_refusals(cs: &Shopper, path: &str, field: &str) {
    let too_many = cs.post(path, &[(field, "4"), ("reason", "불량")]).await;
    assert_eq!(too_many.status, 422);
    assert!(too_many.body.contains("남은 수량까지"));
    let none = cs.post(path, &[(field, "0"), ("reason", "불량")]).await;
    assert_eq!(none.status, 422);
    let no_reason = cs.post(path, &[(field, "1"), ("reason", " ")]).await;
    assert_eq!(no_reason.status, 422);
}

/// One unit cancelled: its share refunded through the gateway, the stock back, the points to
/// earn reduced, the refund listed and audited.
async fn cancel_one_unit(
    t: &TestApp,
    cs: &Shopper,
    number: &str,
    (order, line): (&OrderRow, &OrderLineRow),
    tshirt: i64,
    before: i64,
) {
    let path = format!("/admin/orders/{number}/partial-cancel");
    let field = format!("units.{}", line.id);
    let one = cs.post(&path, &[(&field, "1"), ("reason", "불량")]).await;
    assert_eq!(one.status, 303, "{}", one.body);
    let share = Won(jangteo_core::refund::share_of_units(
        line.total.get(),
        3,
        0,
        1,
    ));
    let refunds = jangteo_db::refunds::of_order(&t.app.db, order.id)
        .await
        .unwrap();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].amount, share);
    assert_eq!(stock_of(t, tshirt).await, before + 1);
    let earns = jangteo_db::orders::find_by_id(&t.app.db, order.id)
        .await
        .unwrap()
        .unwrap()
        .points_to_earn;
    assert_eq!(
        earns,
        order.points_to_earn * (line.total - share).get() / line.total.get(),
        "points earned at confirmation follow the goods kept"
    );
    let payment = jangteo_db::payments::latest_for_order(&t.app.db, order.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(payment.status.as_str(), "partially_cancelled");
    assert_eq!(payment.cancelled_amount, share);
    let detail = cs.get(&format!("/admin/orders/{number}")).await.body;
    assert!(detail.contains("id=\"order-refunds\"") && detail.contains("부분 취소"));
    let audit = audited(t, "order.partial_cancel", number).await;
    assert_eq!(audit[0].reason, "불량");
    let mut told = jangteo_db::messages::recent(&t.app.db, 50).await.unwrap();
    told.retain(|m| m.event == "refunded");
    assert_eq!(told.len(), 1, "the buyer is told of the refund once");
    let share = format!("환불 금액: {share}");
    assert!(told[0].body_text.contains(&share) && told[0].subject.contains(number));
}

/// The two units left: a full cancellation; everything paid has come back.
async fn cancel_the_two_left(
    t: &TestApp,
    cs: &Shopper,
    number: &str,
    (order, line): (&OrderRow, &OrderLineRow),
    tshirt: i64,
    before: i64,
) {
    let path = format!("/admin/orders/{number}/partial-cancel");
    let field = format!("units.{}", line.id);
    let rest = cs
        .post(&path, &[(&field, "2"), ("reason", "고객 요청")])
        .await;
    assert_eq!(rest.status, 303, "{}", rest.body);
    let order = jangteo_db::orders::find_by_id(&t.app.db, order.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(order.status.as_str(), "cancelled");
    let refunded: Won = jangteo_db::refunds::of_order(&t.app.db, order.id)
        .await
        .unwrap()
        .iter()
        .map(|r| r.amount)
        .sum();
    assert_eq!(refunded, order.total);
    assert_eq!(stock_of(t, tshirt).await, before + 3);
    assert_eq!(
        cs.post(&path, &[(&field, "1"), ("reason", "x")])
            .await
            .status,
        409
    );
}

/// Staff cancel some units of a paid card order: their share is refunded through the gateway,
/// the stock comes back, the refund is listed and audited; cancelling the rest is a full
/// cancellation and the refunds add up to what was paid.
async fn staff_cancel_part_of_an_order(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let (_buyer, number, order, line) =
        crate::claim_steps::bought(&t, tshirt, "buyer@example.com", 3).await;
    let before = stock_of(&t, tshirt).await;
    let (cs, _) = staff_session(&t, "cs@example.com", "cs").await;
    let path = format!("/admin/orders/{number}/partial-cancel");
    let field = format!("units.{}", line.id);
    let page = cs.get(&format!("/admin/orders/{number}")).await.body;
    assert!(page.contains(&format!("name=\"{field}\"")));

    partial_cancel_refusals(&cs, &path, &field).await;
    cancel_one_unit(&t, &cs, &number, (&order, &line), tshirt, before).await;
    cancel_the_two_left(&t, &cs, &number, (&order, &line), tshirt, before).await;
}

on_both_backends!(staff_cancel_part_of_an_order);
