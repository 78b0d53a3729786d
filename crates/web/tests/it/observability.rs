//! Metrics and error reporting (issue 18): `/metrics` only with its token, counting requests by
//! route pattern, payments and messages, with the job queues and database pools measured when
//! scraped; server errors reported to a fake Sentry with the request id and nothing personal.

use crate::checkout::{add, pay, place, shop, sign_up};
use crate::escrow_payments::run_jobs;
use jangteo_testkit::fake_sentry::FakeSentry;
use jangteo_testkit::server::TestOptions;
use jangteo_testkit::shopper::Shopper;
use jangteo_testkit::{Backend, TestApp, on_both_backends};
use std::time::{Duration, Instant};

const TOKEN: &str = "scrape-me-7c1d";

/// The value of the series `series` (name and labels exactly as rendered), if present.
fn value_of(metrics: &str, series: &str) -> Option<f64> {
    metrics
        .lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

async fn scrape(t: &TestApp, authorization: Option<&str>) -> (u16, String) {
    let mut request = t.client.get(t.url("/metrics"));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let r = request.send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn metrics_count_requests_payments_messages_and_jobs(backend: Backend) {
    let options = TestOptions {
        configure: Some(|c| c.metrics.token = jangteo_app::config::Secret(TOKEN.into())),
        ..TestOptions::default()
    };
    let Some((t, tshirt)) = crate::checkout::shop_with(backend, options).await else {
        return;
    };
    assert_eq!(scrape(&t, None).await.0, 401, "no token, no metrics");
    assert_eq!(scrape(&t, Some("Bearer guess")).await.0, 401);
    assert_eq!(scrape(&t, Some(TOKEN)).await.0, 401, "a bearer token only");

    let buyer = Shopper::new(&t.url(""));
    sign_up(&buyer, "metrics@example.com").await;
    add(&buyer, tshirt, 1).await;
    let number = pay(&buyer, &place(&buyer, &[("payment_method", "card")]).await).await;
    assert_eq!(buyer.get(&format!("/orders/{number}")).await.status, 200);
    run_jobs(&t).await;

    let (status, metrics) = scrape(&t, Some(&format!("Bearer {TOKEN}"))).await;
    assert_eq!(status, 200);
    let order_page =
        r#"jangteo_http_requests_total{method="GET",route="/orders/{number}",status="200"}"#;
    assert!(
        value_of(&metrics, order_page).unwrap_or(0.0) >= 1.0,
        "{metrics}"
    );
    assert!(
        metrics.contains(r#"jangteo_http_request_duration_seconds_bucket{method="GET",route="/orders/{number}",le="0.005"}"#),
        "latency as a histogram: {metrics}"
    );
    let approved = r#"jangteo_payments_total{gateway="test",outcome="approved"}"#;
    assert!(
        value_of(&metrics, approved).unwrap_or(0.0) >= 1.0,
        "{metrics}"
    );
    let mailed = r#"jangteo_messages_total{channel="email",outcome="sent"}"#;
    assert!(
        value_of(&metrics, mailed).unwrap_or(0.0) >= 1.0,
        "{metrics}"
    );
    for gauge in [
        r#"jangteo_jobs{queue="default",state="ready"}"#,
        r#"jangteo_jobs{queue="default",state="dead"}"#,
        r#"jangteo_jobs_due{queue="default"}"#,
        r#"jangteo_jobs_oldest_due_seconds{queue="default"}"#,
    ] {
        assert!(value_of(&metrics, gauge).is_some(), "{gauge} in {metrics}");
    }
    let pool = match backend {
        Backend::Sqlite => r#"jangteo_db_connections{pool="write",state="idle"}"#,
        Backend::Postgres => r#"jangteo_db_connections{pool="main",state="in_use"}"#,
    };
    assert!(value_of(&metrics, pool).is_some(), "{pool} in {metrics}");
    assert!(
        !metrics.contains(&number) && !metrics.contains("metrics@example.com"),
        "route patterns, never order numbers or addresses"
    );
    the_dashboard_reads_only_series_we_serve(&metrics);
}

/// Every series `docs/grafana-dashboard.json` queries is one `/metrics` serves.
fn the_dashboard_reads_only_series_we_serve(metrics: &str) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/grafana-dashboard.json"
    );
    let dashboard: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut queried = 0;
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap();
            for (at, _) in expr.match_indices("jangteo_") {
                let name: String = expr[at..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                assert!(
                    metrics.contains(&format!("{name}{{")),
                    "{name} is not served"
                );
                queried += 1;
            }
        }
    }
    assert!(queried >= 9, "the dashboard queries the shop's series");
}

on_both_backends!(metrics_count_requests_payments_messages_and_jobs);

/// Without a token `/metrics` is not there at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_off_until_a_token_is_set() {
    let Some(t) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    assert_eq!(scrape(&t, Some("Bearer anything")).await.0, 404);
}

/// A server error reaches Sentry with its route pattern, status and request id; no address or
/// query string goes with it; a deliberate 503 (readiness) is not reported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_reach_sentry_with_the_request_id_and_nothing_personal() {
    let sentry = FakeSentry::start().await;
    let mut config = jangteo_app::Config::default();
    config.sentry.dsn = jangteo_app::config::Secret(sentry.dsn());
    config.sentry.environment = "test".into();
    let guard = jangteo_web::init_sentry(&config).expect("a DSN starts Sentry");
    let Some((t, _)) = shop(Backend::Sqlite).await else {
        return;
    };
    t.app.db.close().await;
    // Nothing is cached yet; with the database gone the home page cannot be built.
    let path = "/?from=private%40example.com";
    let r = t.client.get(t.url(path)).send().await.unwrap();
    assert_eq!(r.status(), 500);
    let request_id = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_eq!(t.get("/readyz").await.0, 503);

    let deadline = Instant::now() + Duration::from_secs(10);
    let event = loop {
        let found = sentry
            .events()
            .into_iter()
            .find(|e| e["tags"]["request_id"] == request_id.as_str());
        if let Some(event) = found {
            break event;
        }
        assert!(Instant::now() < deadline, "no event: {:?}", sentry.events());
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(event["tags"]["route"], "/");
    assert_eq!(event["tags"]["status"], "500");
    // Sentry's default level (error) is left out of the event.
    assert!(
        event["level"].is_null() || event["level"] == "error",
        "{event}"
    );
    assert!(event.to_string().contains("500 on GET /"), "{event}");
    assert_eq!(event["environment"], "test");
    let sent = event.to_string();
    for private in ["private", "example.com", "from="] {
        assert!(!sent.contains(private), "{private} in {sent}");
    }
    drop(guard);
    assert!(
        !sentry
            .events()
            .iter()
            .any(|e| e["tags"]["route"] == "/readyz"),
        "a deliberate 503 is not an error"
    );
}
