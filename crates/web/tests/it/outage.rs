//! PostgreSQL gone: pages that need it answer 503 "잠시 후 다시" at once instead of hanging for a
//! connection, cached storefront pages and static files are still served, `/readyz` says 503,
//! and the shop recovers by itself when the server answers again. The database is reached
//! through a proxy the test cuts, so the server the other tests share keeps running.

use jangteo_testkit::tcp_proxy::CuttableProxy;
use jangteo_testkit::{Backend, TestApp, TestDb, fixtures};
use std::time::Duration;

/// Polls until `/readyz` answers `want` and the watch agrees (it asks every second).
async fn wait_for_readyz(t: &TestApp, want: u16) {
    for _ in 0..40 {
        if t.get("/readyz").await.0.as_u16() == want && t.app.database_down() == (want != 200) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("/readyz never answered {want}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_outage_answers_503_at_once_and_recovers() {
    let Some(db) = TestDb::migrated(Backend::Postgres).await else {
        return;
    };
    let server = jangteo_testkit::db::pg_admin_url();
    let host_port = server
        .split('@')
        .next_back()
        .and_then(|rest| rest.split('/').next())
        .expect("host:port in TEST_PG_URL")
        .to_owned();
    let proxy = CuttableProxy::start(&host_port).await;
    let through_proxy = db
        .url
        .replace(&host_port, &format!("127.0.0.1:{}", proxy.port()));
    // Each query would wait this long for a connection: only the outage gate answers quickly.
    let handle =
        jangteo_db::Db::connect_postgres_waiting(&through_proxy, 4, Duration::from_secs(60))
            .await
            .expect("connecting through the proxy");
    let t = TestApp::serve_on(db, handle, Default::default()).await;
    fixtures::catalog(&t.app).await;
    let _watch = t.app.spawn_database_watch().expect("a watch on PostgreSQL");
    let _listener = t.app.spawn_cache_listener();
    // Well under the connection wait above: a hanging request fails the test.
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();

    let (status, home) = t.get("/").await;
    assert_eq!(status, 200);
    assert_eq!(t.get("/readyz").await.0, 200);

    proxy.cut().await;
    wait_for_readyz(&t, 503).await;

    // The cached home page is still served, to visitors with a session cookie too.
    let cached = client
        .get(t.url("/"))
        .header("cookie", "jt_session=whoever")
        .send()
        .await
        .expect("the home page during the outage");
    assert_eq!(cached.status(), 200);
    assert_eq!(cached.text().await.unwrap(), home);
    let script = client
        .get(t.url("/static/js/shop.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), 200, "static files need no database");

    // Pages that need the database say so at once, in the shop's look.
    for path in ["/search?q=티셔츠", "/account/login", "/cart", "/admin"] {
        let r = client.get(t.url(path)).send().await.expect(path);
        assert_eq!(r.status(), 503, "{path}");
        assert_eq!(
            r.headers().get("retry-after").and_then(|v| v.to_str().ok()),
            Some("30"),
            "{path}"
        );
        let body = r.text().await.unwrap();
        assert!(
            body.contains("잠시 후 다시 시도해 주세요"),
            "{path}: {body}"
        );
    }
    let api = client
        .post(t.url("/api/v1/staff/bulk-sends"))
        .header("authorization", "Bearer whatever")
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 503);
    assert!(api.text().await.unwrap().contains("\"code\":\"503\""));

    proxy.restore().await;
    wait_for_readyz(&t, 200).await;
    let (status, _) = t.get("/search?q=%ED%8B%B0%EC%85%94%EC%B8%A0").await;
    assert_eq!(status, 200, "recovered by itself");
}
