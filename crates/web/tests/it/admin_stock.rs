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

/// The list names each SKU's options, hides off-sale SKUs unless asked, and an adjustment
/// comes back to the same search (a refused one keeps what was typed).
async fn options_named_and_off_sale_hidden(t: &TestApp, warehouse: &Shopper) {
    let (manager, _) = staff_session(t, "mgr2@example.com", "manager").await;
    let white_m = jangteo_db::catalog::stock::sku_id_by_code(&t.app.db, "SS-WH-M")
        .await
        .unwrap()
        .unwrap();
    let product = crate::admin_products_steps::product_id(t, "short-sleeve").await;
    let off = manager
        .post_pairs(
            &format!("/admin/products/{product}/skus"),
            &[
                (format!("code_{white_m}"), "SS-WH-M".to_owned()),
                (format!("extra_{white_m}"), "0".to_owned()),
            ],
        )
        .await;
    assert_eq!(off.status, 303, "{}", off.body);
    let search = "/admin/stock?q=%EB%B0%98%ED%8C%94";
    let list = warehouse.get(search).await.body;
    assert!(list.contains("data-sku=\"SS-BK-L\"") && list.contains("블랙 / L"));
    assert!(!list.contains("data-sku=\"SS-WH-M\""), "off sale: hidden");
    let all = warehouse.get(&format!("{search}&off=1")).await.body;
    assert!(all.contains("data-sku=\"SS-WH-M\"") && all.contains("판매 중지"));

    let black_l = jangteo_db::catalog::stock::sku_id_by_code(&t.app.db, "SS-BK-L")
        .await
        .unwrap()
        .unwrap();
    let back = "q=%EB%B0%98%ED%8C%94&page=1";
    let path = format!("/admin/stock/{black_l}?{back}");
    let refused = warehouse
        .post(&path, &[("delta", "세 개"), ("note", "입고")])
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("value=\"세 개\"") && refused.body.contains("value=\"입고\""));
    let done = warehouse
        .post(&path, &[("delta", "3"), ("note", "입고")])
        .await;
    assert_eq!(done.status, 303);
    assert_eq!(
        done.location.as_deref(),
        Some(format!("/admin/stock?{back}&sku={black_l}#ledger").as_str())
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
    options_named_and_off_sale_hidden(&t, &warehouse).await;
    stock_changes_audited(&t).await;
}

on_both_backends!(stock_is_adjusted_with_reasons_and_sheets_apply_all_or_nothing);
