//! Back-office stock: adjustments with a reason (ledger, audit), and stock/price sheets that are
//! checked row by row and applied all or nothing; on SQLite and PostgreSQL.

use crate::checkout::shop;
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

async fn upload(t: &TestApp, staff: &Shopper, csv: &str) -> (u16, String) {
    crate::upload_as(t, staff, "/admin/stock/import", "stock.csv", csv.as_bytes()).await
}

async fn stock_is_adjusted_with_reasons_and_sheets_apply_all_or_nothing(backend: Backend) {
    let Some((t, tshirt)) = shop(backend).await else {
        return;
    };
    let stock = |t: &TestApp| {
        let db = t.app.db.clone();
        async move {
            jangteo_db::catalog::stock::stock_of(&db, tshirt)
                .await
                .unwrap()
                .unwrap()
        }
    };
    let start = stock(&t).await;
    let (warehouse, _) = staff_session(&t, "wh@example.com", "warehouse").await;
    let (marketer, _) = staff_session(&t, "mkt@example.com", "marketing").await;

    let list = warehouse.get("/admin/stock?q=TSHIRT").await;
    assert_eq!(list.status, 200);
    assert!(list.body.contains("data-sku=\"TSHIRT\""));

    // An adjustment needs a reason and never takes stock below zero.
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
    assert_eq!(stock(&t).await, start + 5);
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

    // A sheet with any bad row changes nothing, even when applied.
    let bad = "코드,재고\nTSHIRT,20\nNOPE-1,5\nTSHIRT,3\nJEANS,abc\n";
    let (status, page) = upload(&t, &warehouse, bad).await;
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
    assert_eq!(stock(&t).await, start + 5, "nothing written");

    // A clean sheet applies; each change is in the ledger.
    let (status, page) = upload(&t, &warehouse, "코드,재고\nTSHIRT,20\n").await;
    assert_eq!(status, 200);
    let applied = warehouse
        .post(
            "/admin/stock/import/apply",
            &[("rows", &crate::hidden_rows(&page))],
        )
        .await;
    assert_eq!(applied.status, 200, "{}", applied.body);
    assert_eq!(stock(&t).await, 20);
    assert!(
        warehouse
            .get(&format!("/admin/stock?sku={tshirt}"))
            .await
            .body
            .contains("엑셀 일괄 변경")
    );

    // Prices need catalog rights: the warehouse may not, a manager may.
    let priced = "코드,재고,정가\nTSHIRT,,15000\n";
    let (_, page) = upload(&t, &warehouse, priced).await;
    let refused = warehouse
        .post(
            "/admin/stock/import/apply",
            &[("rows", &crate::hidden_rows(&page))],
        )
        .await;
    assert_eq!(refused.status, 403);
    let (manager, _) = staff_session(&t, "mgr@example.com", "manager").await;
    let (_, page) = upload(&t, &manager, priced).await;
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

on_both_backends!(stock_is_adjusted_with_reasons_and_sheets_apply_all_or_nothing);
