//! The server and the worker as processes: start-up warnings, the demo, graceful shutdown.

use super::{free_port, jangteo, run, text};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn wait_healthy(port: u16, child: &mut Child) -> Duration {
    let started = Instant::now();
    loop {
        if let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            let _ = s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            let mut reply = String::new();
            let _ = s.read_to_string(&mut reply);
            if reply.starts_with("HTTP/1.1 200") {
                return started.elapsed();
            }
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("jangteo exited early: {status}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "server did not come up"
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// A plain `serve` (no demo) says in its log what keeps the shop from real business, runs its
/// worker, and hides the demo outbox.
#[test]
fn a_plain_serve_warns_about_test_payments_and_missing_seller_information() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let port = free_port();
    let metrics_port = free_port();
    let log = root.join("serve.log");
    let mut child = jangteo(root, &["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env(
            "JANGTEO_METRICS__LISTEN",
            format!("127.0.0.1:{metrics_port}"),
        )
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_healthy(port, &mut child);
    let outbox = raw_http::blocking_get(port, "/dev/outbox");
    let home = raw_http::blocking_get(port, "/");
    // Metrics on their own address without a token; the shop's address has none without one.
    let metrics = raw_http::blocking_get(metrics_port, "/metrics");
    let public_metrics = raw_http::blocking_get(port, "/metrics");
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        outbox.starts_with("HTTP/1.1 404"),
        "{}",
        &outbox[..60.min(outbox.len())]
    );
    assert!(home.contains("테스트 결제 모드"));
    assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
    assert!(
        metrics.contains(r#"jangteo_http_requests_total{method="GET",route="/",status="200"} 1"#),
        "{metrics}"
    );
    assert!(public_metrics.starts_with("HTTP/1.1 404"));
    let said = std::fs::read_to_string(&log).unwrap();
    for warning in [
        "the built-in test gateway is live",
        "notifications.email = \"test\"",
        "registration_no",
        "hosting_provider",
    ] {
        assert!(said.contains(warning), "{warning} in: {said}");
    }
    assert!(
        !said.contains("no job worker"),
        "the worker runs by default: {said}"
    );
}

#[test]
fn demo_is_idempotent_and_the_server_shuts_down_gracefully() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let products = load_the_demo_twice(root);
    bulk_load_products_once(root, products);
    serve_and_stop_gracefully_on_sigterm(root);
}

/// Counts the rows of the tables the demo fills.
fn demo_table_counts(root: &Path) -> Vec<(&'static str, i64)> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let db = jangteo_db::Db::connect(&format!(
            "sqlite:{}",
            root.join("data/jangteo.db").display()
        ))
        .await
        .unwrap();
        let jangteo_db::Db::Sqlite(pools) = &db else {
            unreachable!()
        };
        let mut out = Vec::new();
        for table in [
            "categories",
            "products",
            "skus",
            "product_images",
            "media_files",
            "banners",
            "pages",
            "staff_users",
        ] {
            let n: i64 =
                sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                    .fetch_one(&pools.read)
                    .await
                    .unwrap();
            out.push((table, n));
        }
        db.close().await;
        out
    })
}

/// Loads the demo (printing the staff login), then again without duplicating anything; returns the
/// number of products.
fn load_the_demo_twice(root: &Path) -> i64 {
    let first = run(&mut jangteo(root, &["demo", "--no-serve"]));
    assert!(first.status.success(), "{}", text(&first));
    let first_text = text(&first);
    assert!(
        first_text.contains("owner@jangteo.example"),
        "prints the staff login"
    );
    let password = first_text
        .lines()
        .find(|l| l.contains("비밀번호 (password)"))
        .and_then(|l| l.split_whitespace().last())
        .unwrap()
        .to_owned();
    assert!(password.len() >= 12);
    let after_first = demo_table_counts(root);
    let products = after_first
        .iter()
        .find(|(t, _)| *t == "products")
        .unwrap()
        .1;
    assert!(products >= 60);
    assert!(
        after_first
            .iter()
            .find(|(t, _)| *t == "categories")
            .unwrap()
            .1
            >= 8 + 8
    );

    let second = run(&mut jangteo(root, &["demo", "--no-serve"]));
    assert!(second.status.success(), "{}", text(&second));
    assert!(text(&second).contains("already loaded"));
    assert_eq!(
        demo_table_counts(root),
        after_first,
        "running the demo twice duplicates nothing"
    );
    products
}

/// Synthetic products for load tests top the catalog up to a listed count, once.
fn bulk_load_products_once(root: &Path, products: i64) {
    let bulk = run(&mut jangteo(
        root,
        &["demo", "--no-serve", "--bulk-products", "300"],
    ));
    assert!(bulk.status.success(), "{}", text(&bulk));
    assert!(text(&bulk).contains("300"), "{}", text(&bulk));
    let after_bulk = demo_table_counts(root);
    let bulk_products = after_bulk.iter().find(|(t, _)| *t == "products").unwrap().1;
    assert!(bulk_products > products + 200, "{bulk_products}");
    let again = run(&mut jangteo(
        root,
        &["demo", "--no-serve", "--bulk-products", "300"],
    ));
    assert!(again.status.success());
    assert_eq!(
        demo_table_counts(root),
        after_bulk,
        "bulk loading is idempotent too"
    );
}

/// Serve, answer, then stop on SIGTERM while a slow request (a first zoom thumbnail) runs.
fn serve_and_stop_gracefully_on_sigterm(root: &Path) {
    let port = free_port();
    let mut child = jangteo(root, &["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let ready_in = wait_healthy(port, &mut child);
    eprintln!("first answer after {ready_in:?}");
    let page = raw_http::blocking_get(port, "/products/overfit-cotton-tshirt");
    let zoom = page
        .split("data-zoom=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("a zoom image URL")
        .to_owned();
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .write_all(
            format!("GET {zoom} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(30));
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let mut reply = Vec::new();
    stream.read_to_end(&mut reply).unwrap();
    let head = String::from_utf8_lossy(&reply[..reply.len().min(200)]).into_owned();
    assert!(
        head.starts_with("HTTP/1.1 200"),
        "the in-flight request finished: {head}"
    );
    assert!(
        reply.windows(4).any(|w| w == b"WEBP"),
        "with its whole body"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "server did not stop");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "clean exit after SIGTERM: {status}");
}

/// A tiny blocking GET over a raw socket (no extra client features needed).
mod raw_http {
    use std::io::{Read, Write};

    pub fn blocking_get(port: u16, path: &str) -> String {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        s.write_all(
            format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").as_bytes(),
        )
        .unwrap();
        let mut out = Vec::new();
        s.read_to_end(&mut out).unwrap();
        String::from_utf8_lossy(&out).into_owned()
    }
}

#[test]
fn the_worker_registers_its_chores_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut child = jangteo(root, &["worker"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let schedules = loop {
        let found = rt.block_on(async {
            let path = root.join("data/jangteo.db");
            if !path.exists() {
                return Vec::new();
            }
            let Ok(db) = jangteo_db::Db::connect(&format!("sqlite:{}", path.display())).await
            else {
                return Vec::new();
            };
            let rows = jangteo_db::jobs::list_schedules(&db)
                .await
                .unwrap_or_default();
            db.close().await;
            rows
        });
        if !found.is_empty() {
            break found;
        }
        assert!(
            Instant::now() < deadline,
            "the worker did not register its schedules"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(
        schedules
            .iter()
            .any(|s| s.name == "prune-finished-jobs" && s.next_fire_at.is_some())
    );
    assert!(
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the worker did not stop");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
}
