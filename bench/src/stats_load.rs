//! Statistics benchmark: `stats-load ORDERS RUNS REQUESTS` on PostgreSQL (127.0.0.1:5432, or
//! `TEST_PG_URL`). Spawns the real app on a fresh database, loads the demo catalog (200 products),
//! generates ORDERS orders over three years (`jangteo_testkit::sales`), rolls the statistics up, logs
//! a staff member in (TOTP) and times every statistics page REQUESTS times per run, sequentially,
//! next to `/healthz` as the reference. Prints one line per page and run: p50, p99, max (ms).
//! Then one day is marked dirty (as a payment would): the page and the roll-up job are timed.

use chrono::{Duration, Utc};
use jangteo_app::demo::DemoOptions;
use jangteo_testkit::sales::{SalesSpec, generate};
use jangteo_testkit::shopper::{Shopper, staff_session};
use jangteo_testkit::{Backend, TestApp};
use std::time::Instant;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn time_page(s: &Shopper, path: &str, requests: usize) -> Vec<f64> {
    let mut ms = Vec::with_capacity(requests);
    for _ in 0..requests {
        let start = Instant::now();
        let page = s.get(path).await;
        ms.push(start.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(page.status, 200, "{path}");
    }
    ms.sort_by(|a, b| a.total_cmp(b));
    ms
}

fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command name.
    (ticks(11) + ticks(12)) / 100.0
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let orders: usize = args
        .get(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let runs: usize = args.get(2).and_then(|v| v.parse().ok()).unwrap_or(3);
    let requests: usize = args.get(3).and_then(|v| v.parse().ok()).unwrap_or(30);
    // SAFETY of intent: the benchmark must fail loudly without PostgreSQL.
    let t = TestApp::spawn(Backend::Postgres)
        .await
        .expect("PostgreSQL on 127.0.0.1:5432");
    load_demo_and_sales_history(&t, orders).await;
    let (staff, _) = staff_session(&t, "owner@example.com", "owner").await;
    time_statistics_pages(&staff, runs, requests).await;
    time_dirty_day(&t, &staff).await;
    time_stale_marks(&t, &staff).await;
    print_peak_rss();
}

/// Loads the demo catalog, generates the orders and rolls the statistics up, printing the times.
async fn load_demo_and_sales_history(t: &TestApp, orders: usize) {
    t.app
        .load_demo(&DemoOptions { bulk_products: 200 })
        .await
        .expect("demo catalog");
    let start = Instant::now();
    generate(
        &t.app.db,
        &SalesSpec {
            orders,
            members: orders / 5,
            days: 3 * 365,
            end: Utc::now() - Duration::hours(1),
            seed: 1,
        },
    )
    .await
    .expect("generating orders");
    println!(
        "generated {orders} orders, {} members in {:.1} s",
        orders / 5,
        start.elapsed().as_secs_f64()
    );
    // Bulk-loaded tables have no planner statistics until autovacuum gets to them.
    if let jangteo_db::Db::Postgres(pool) = &t.app.db {
        sqlx::query("ANALYZE").execute(pool).await.expect("analyze");
    }
    let start = Instant::now();
    let days = t.app.rebuild_statistics(Utc::now()).await.expect("rollup");
    println!(
        "rolled up {days} days in {:.1} s ({:.1} ms per day)",
        start.elapsed().as_secs_f64(),
        start.elapsed().as_secs_f64() * 1000.0 / days.max(1) as f64
    );
}

/// Times every statistics page (and `/healthz`) `requests` times per run.
async fn time_statistics_pages(staff: &Shopper, runs: usize, requests: usize) {
    let pages = [
        "/healthz",
        "/admin/stats",
        "/admin/stats?g=week",
        "/admin/stats?g=month",
        "/admin/stats?g=day&from=2025-11-24&to=2026-11-23",
        "/admin/stats/members",
        "/admin/stats/members?months=36",
        "/admin/stats/export?g=month&table=skus&format=xlsx",
    ];
    for run in 1..=runs {
        for path in pages {
            let cpu = cpu_seconds();
            let ms = time_page(staff, path, requests).await;
            let cpu_ms = (cpu_seconds() - cpu) * 1000.0 / requests as f64;
            println!(
                "run {run} {path}: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms, app+client CPU {:.2} ms/request",
                percentile(&ms, 0.5),
                percentile(&ms, 0.99),
                ms[ms.len() - 1],
                cpu_ms
            );
        }
    }
}

/// A payment marks today dirty: pages keep reading the roll-ups (showing the day as pending)
/// and the every-minute job recomputes the day and its month.
async fn time_dirty_day(t: &TestApp, staff: &Shopper) {
    for _ in 0..3 {
        let mut tx = t.app.db.begin().await.unwrap();
        jangteo_db::stats::mark_dirty(&mut tx, Utc::now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let start = Instant::now();
        let page = staff.get("/admin/stats").await;
        assert_eq!(page.status, 200);
        let page_ms = start.elapsed().as_secs_f64() * 1000.0;
        let start = Instant::now();
        let days = t.app.roll_up_statistics(Utc::now()).await.unwrap();
        println!(
            "dirty day: page {page_ms:.1} ms; roll-up job {:.1} ms for {days} day(s) and the month",
            start.elapsed().as_secs_f64() * 1000.0
        );
    }
}

/// Without a job worker the marks grow old and the page catches up itself.
async fn time_stale_marks(t: &TestApp, staff: &Shopper) {
    for _ in 0..3 {
        let mut tx = t.app.db.begin().await.unwrap();
        jangteo_db::stats::mark_dirty(&mut tx, Utc::now() - Duration::minutes(10))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let start = Instant::now();
        assert_eq!(staff.get("/admin/stats").await.status, 200);
        println!(
            "stale mark (no worker): page with its own catch-up {:.1} ms",
            start.elapsed().as_secs_f64() * 1000.0
        );
    }
}

/// Prints the process's peak resident memory.
fn print_peak_rss() {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM")) {
        println!("peak RSS (app + generator): {line}");
    }
}
