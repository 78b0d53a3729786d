//! Back-office statistics pages on SQLite and PostgreSQL: a generated history shown by day, week
//! and month with SVG charts, refused periods explained, every table downloadable as .xlsx and
//! CSV, member statistics, and the statistics permission.

use jangteo_testkit::sales::{SalesSpec, generate};
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp, on_both_backends};

async fn fetch(t: &TestApp, staff: &Shopper, path: &str) -> (u16, String, Vec<u8>) {
    let r = jangteo_testkit::server::client()
        .get(t.url(path))
        .header("cookie", staff.admin_cookie().unwrap())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let kind = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, r.bytes().await.unwrap().to_vec())
}

/// A generated sales history of 300 orders over 400 days, with the statistics rebuilt.
async fn generated_history(t: &TestApp) {
    let now = chrono::Utc::now();
    generate(
        &t.app.db,
        &SalesSpec {
            orders: 300,
            members: 40,
            days: 400,
            end: now,
            seed: 11,
        },
    )
    .await
    .unwrap();
    // Generated rows bypass the transactional marks, as a restored backup would: rebuild.
    t.app.rebuild_statistics(now).await.unwrap();
}

/// The sales page by day, week and month with its charts; reversed or too long periods are
/// explained.
async fn sales_pages_and_refused_periods(marketer: &Shopper) {
    let page = marketer.get("/admin/stats").await;
    assert_eq!(page.status, 200);
    for part in [
        "id=\"sales-chart\"",
        "<svg",
        "data-total=\"net\"",
        "id=\"stats-channels\"",
        "모바일 웹",
        "id=\"stats-skus\"",
        "순매출",
    ] {
        assert!(page.body.contains(part), "{part}");
    }
    assert!(!page.body.contains("id=\"stats-pending\""));
    for g in ["week", "month"] {
        let page = marketer.get(&format!("/admin/stats?g={g}")).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains("<svg"));
    }
    let reversed = marketer
        .get("/admin/stats?g=day&from=2026-03-10&to=2026-03-01")
        .await;
    assert_eq!(reversed.status, 200);
    assert!(
        reversed
            .body
            .contains("종료일이 시작일보다 앞설 수 없습니다")
    );
    let too_long = marketer
        .get("/admin/stats?g=day&from=2020-01-01&to=2026-03-01")
        .await;
    assert!(too_long.body.contains("기간이 너무 깁니다"));
}

/// Every sales table downloads as .xlsx and as CSV with rows; an unknown table is not found.
async fn every_table_downloads(t: &TestApp, marketer: &Shopper) {
    for table in ["periods", "channels", "categories", "skus"] {
        let (status, kind, body) = fetch(
            t,
            marketer,
            &format!("/admin/stats/export?g=month&table={table}&format=xlsx"),
        )
        .await;
        assert_eq!(status, 200, "{table}");
        assert!(kind.contains("spreadsheetml"));
        assert!(body.starts_with(b"PK"));
        let (status, kind, body) = fetch(
            t,
            marketer,
            &format!("/admin/stats/export?g=month&table={table}&format=csv"),
        )
        .await;
        assert_eq!(status, 200);
        assert!(kind.starts_with("text/csv"));
        let text = String::from_utf8(body).unwrap();
        assert!(text.starts_with('\u{feff}'), "Excel-friendly BOM");
        assert!(text.lines().count() > 1, "{table} has rows");
    }
    assert_eq!(
        fetch(t, marketer, "/admin/stats/export?table=nope").await.0,
        404
    );
}

/// Member statistics: the page with its chart and grades, and a month per CSV row.
async fn member_statistics(t: &TestApp, marketer: &Shopper) {
    let members = marketer.get("/admin/stats/members?months=12").await;
    assert_eq!(members.status, 200);
    for part in [
        "id=\"members-chart\"",
        "<svg",
        "id=\"members-grades\"",
        "골드",
        "data-total=\"dormant\"",
    ] {
        assert!(members.body.contains(part), "{part}");
    }
    let (status, _, body) = fetch(
        t,
        marketer,
        "/admin/stats/members/export?table=months&format=csv&months=12",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(String::from_utf8(body).unwrap().lines().count(), 13);
}

async fn statistics_pages_show_and_download_every_table(backend: Backend) {
    let Some((t, _)) = crate::fixture_app(backend).await else {
        return;
    };
    generated_history(&t).await;
    let (marketer, _) = staff_session(&t, "mkt@example.com", "marketing").await;

    sales_pages_and_refused_periods(&marketer).await;
    every_table_downloads(&t, &marketer).await;
    member_statistics(&t, &marketer).await;

    // Warehouse staff have no statistics.
    let (warehouse, _) = staff_session(&t, "wh@example.com", "warehouse").await;
    assert_eq!(warehouse.get("/admin/stats").await.status, 403);
    assert_eq!(
        fetch(&t, &warehouse, "/admin/stats/export?table=skus&format=csv")
            .await
            .0,
        403
    );
}

on_both_backends!(statistics_pages_show_and_download_every_table);
