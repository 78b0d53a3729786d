//! Back-office stock: adjustments with a reason (ledger, audit), and stock/price sheets that are
//! checked row by row and applied all or nothing; on SQLite and PostgreSQL.

use crate::checkout::{shop, stock_of};
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

async fn upload(t: &TestApp, staff: &Shopper, csv: &str) -> (u16, String) {
    crate::upload_as(t, staff, "/admin/stock/import", "stock.csv", csv.as_bytes()).await
}

/// The stock list finds the T-shirt by its code.
async fn stock_list_finds_the_sku(warehouse: &Shopper) {
    let list = warehouse.get("/admin/stock?q=TSHIRT").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("data-sku=\"TSHIRT\""));
}

/// An adjustment needs a reason and never takes stock below zero; marketing only reads stock.
async fn adjust_with_a_reason(
    t: &TestApp,
    (warehouse, marketer): (&Shopper, &Shopper),
    tshirt: i64,
    start: i64,
) {
    let path = format!("/admin/stock/{tshirt}");
    let no_reason = warehouse.post(&path, &[("delta", "5"), ("note", "")]).await;
    assert_eq!(no_reason.status, 422);
    let too_many = warehouse
        .post(&path, &[("delta", "-999999"), ("note", "파손")])
        .await;
    assert_eq!(too_many.status, 422);
    assert!(too_many.body.contains("재고가 0보다 적어질 수 없습니다"));
    let received = warehouse
        .post(&path, &[("delta", "+5"), ("note", "입고")])
        .await;
    assert_eq!(received.status, 303, "{}", received.body);
    assert_eq!(stock_of(t, tshirt).await, start + 5);
    let ledger = warehouse
        .get(&format!("/admin/stock?sku={tshirt}"))
        .await
        .body;
    assert!(ledger.contains("입고") && ledger.contains("wh@example.com"));
    assert_eq!(
        marketer
            .post(&path, &[("delta", "1"), ("note", "테스트")])
            .await
            .status,
        403,
        "marketing only reads stock"
    );
}

/// A sheet with any bad row changes nothing, even when applied.
async fn bad_sheet_changes_nothing(t: &TestApp, warehouse: &Shopper, tshirt: i64, start: i64) {
    let bad = "코드,재고\nTSHIRT,20\nNOPE-1,5\nTSHIRT,3\nJEANS,abc\n";
    let (status, page) = upload(t, warehouse, bad).await;
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("없는 옵션 코드입니다.")
            && page.contains("같은 옵션 코드가 위에 이미 있습니다.")
    );
    assert!(page.contains("재고는 0 이상의 숫자여야 합니다."));
    assert!(
        !page.contains("id=\"import-apply\""),
        "no apply button with errors"
    );
    let forced = warehouse
        .post(
            "/admin/stock/import/apply",
            &[(
                "rows",
                r#"[{"line":2,"code":"TSHIRT","stock":"20","price":"","sale_price":""},{"line":3,"code":"NOPE-1","stock":"5","price":"","sale_price":""}]"#,
            )],
        )
        .await;
    assert_eq!(forced.status, 422);
    assert_eq!(stock_of(t, tshirt).await, start + 5, "nothing written");
}

/// A clean sheet applies; each change is in the ledger.
async fn clean_sheet_applies(t: &TestApp, warehouse: &Shopper, tshirt: i64) {
    let (status, page) = upload(t, warehouse, "코드,재고\nTSHIRT,20\n").await;
    assert_eq!(status, 200);
    let applied = warehouse
        .post(
            "/admin/stock/import/apply",
            &[("rows", &crate::hidden_rows(&page))],
        )
        .await;
    assert_eq!(applied.status, 200, "{}", applied.body);
    assert_eq!(stock_of(t, tshirt).await, 20);
    assert!(
        warehouse
            .get(&format!("/admin/stock?sku={tshirt}"))
            .await
            .body
            .contains("엑셀 일괄 변경")
    );
}

/// Prices need catalog rights: the warehouse may not, a manager may.
async fn prices_need_catalog_rights(t: &TestApp, warehouse: &Shopper) {
    let priced = "코드,재고,정가\nTSHIRT,,15000\n";
    let (_, page) = upload(t, warehouse, priced).await;
    let refused = warehouse
        .post(
            "/admin/stock/import/apply",
            &[("rows", &crate::hidden_rows(&page))],
        )
        .await;
    assert_eq!(refused.status, 403);
    let (manager, _) = staff_session(t, "mgr@example.com", "manager").await;
    let (_, page) = upload(t, &manager, priced).await;
    let done = manager
        .post(
            "/admin/stock/import/apply",
            &[("rows", &crate::hidden_rows(&page))],
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    let product = t.app.product_detail("tshirt").await.unwrap().unwrap();
    assert_eq!(
        product.summary.price.list.get(),
        15_000,
        "the shop shows the new price at once"
    );
}

/// Adjustments and imports are both audited.
async fn stock_changes_audited(t: &TestApp) {
    let (entries, _) = jangteo_db::audit::search(
        &t.app.db,
        &jangteo_db::audit::AuditFilter {
            action_prefix: "stock.".into(),
            ..Default::default()
        },
        10,
        0,
    )
    .await
    .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"stock.adjust") && actions.contains(&"stock.import"),
        "{actions:?}"
    );
}

async fn stock_is_adjusted_with_reasons_and_sheets_apply_all_or_nothing(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let start = stock_of(&t, tshirt).await;
    let (warehouse, _) = staff_session(&t, "wh@example.com", "warehouse").await;
    let (marketer, _) = staff_session(&t, "mkt@example.com", "marketing").await;

    stock_list_finds_the_sku(&warehouse).await;
    adjust_with_a_reason(&t, (&warehouse, &marketer), tshirt, start).await;
    bad_sheet_changes_nothing(&t, &warehouse, tshirt, start).await;
    clean_sheet_applies(&t, &warehouse, tshirt).await;
    prices_need_catalog_rights(&t, &warehouse).await;
    stock_changes_audited(&t).await;
}

on_both_backends!(stock_is_adjusted_with_reasons_and_sheets_apply_all_or_nothing);
