//! The `jangteo` binary as an operator uses it.

use jangteo_testkit::{Backend, TestDb};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_jangteo");

fn jangteo(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.current_dir(dir)
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .env("RUST_LOG", "warn");
    // Only the test decides the configuration.
    for (key, _) in std::env::vars() {
        if key.starts_with("JANGTEO_") {
            cmd.env_remove(key);
        }
    }
    cmd
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("running jangteo")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn help_lists_exactly_the_working_commands() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(jangteo(dir.path(), &["--help"]).stdout(Stdio::piped()));
    assert!(out.status.success());
    let help = text(&out);
    let commands: Vec<&str> = help
        .split("Commands:")
        .nth(1)
        .unwrap()
        .split("Options:")
        .next()
        .unwrap()
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        commands,
        ["serve", "worker", "migrate", "demo", "admin", "help"]
    );
    let serve = text(&run(
        jangteo(dir.path(), &["serve", "--help"]).stdout(Stdio::piped())
    ));
    for flag in [
        "--no-worker",
        "--listen",
        "--data-dir",
        "--database-url",
        "JANGTEO_LISTEN",
        "JANGTEO_DATA_DIR",
        "JANGTEO_DATABASE_URL",
    ] {
        assert!(serve.contains(flag), "serve --help mentions {flag}");
    }
    assert!(
        !serve.contains("--with-worker"),
        "the worker runs by default"
    );
    // The demo always runs its worker: no flag that would change nothing.
    let demo = text(&run(
        jangteo(dir.path(), &["demo", "--help"]).stdout(Stdio::piped())
    ));
    assert!(demo.contains("--listen") && demo.contains("--no-serve"));
    assert!(
        !demo.contains("--with-worker") && !demo.contains("--no-worker"),
        "{demo}"
    );
}

#[test]
fn unknown_variables_are_named_but_unknown_keys_stay_errors() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    // A user's own JANGTEO_* variable does not stop the shop.
    let out = run(jangteo(root, &["migrate"])
        .env("JANGTEO_BIN", "/usr/local/bin/jangteo")
        .env("JANGTEO_DEMO_MODE", "true")
        .env("JANGTEO_SHOP__NAME", "환경샵"));
    assert!(out.status.success(), "{}", text(&out));
    let said = text(&out);
    assert!(
        said.contains("JANGTEO_BIN") && said.contains("JANGTEO_DEMO_MODE"),
        "{said}"
    );
    assert!(
        !said.contains("JANGTEO_SHOP__NAME"),
        "a real setting is no warning"
    );
    // A real setting with a bad value still stops it, by name.
    let bad = run(jangteo(root, &["migrate"]).env("JANGTEO_WORKER_CONCURRENCY", "many"));
    assert!(!bad.status.success());
}

#[test]
fn configuration_layers_file_then_environment_then_flags() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("jangteo.toml"),
        "data_dir = \"from-toml\"\n[shop]\nname = \"테스트샵\"\n",
    )
    .unwrap();
    assert!(run(&mut jangteo(root, &["migrate"])).status.success());
    assert!(
        root.join("from-toml/jangteo.db").exists(),
        "jangteo.toml is read"
    );

    assert!(
        run(jangteo(root, &["migrate"]).env("JANGTEO_DATA_DIR", "from-env"))
            .status
            .success()
    );
    assert!(
        root.join("from-env/jangteo.db").exists(),
        "environment beats the file"
    );

    let out =
        run(jangteo(root, &["migrate", "--data-dir", "from-flag"])
            .env("JANGTEO_DATA_DIR", "from-env2"));
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        root.join("from-flag/jangteo.db").exists(),
        "flags beat the environment"
    );
    assert!(!root.join("from-env2").exists());
    assert!(
        text(&out).contains("Database schema is at version"),
        "{}",
        text(&out)
    );

    std::fs::write(root.join("jangteo.toml"), "data_dri = \"typo\"\n").unwrap();
    let out = run(&mut jangteo(root, &["migrate"]));
    assert!(!out.status.success());
    assert!(
        text(&out).contains("data_dri"),
        "a typo is named: {}",
        text(&out)
    );
}

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
    let log = root.join("serve.log");
    let mut child = jangteo(root, &["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_healthy(port, &mut child);
    let outbox = raw_http::blocking_get(port, "/dev/outbox");
    let home = raw_http::blocking_get(port, "/");
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        outbox.starts_with("HTTP/1.1 404"),
        "{}",
        &outbox[..60.min(outbox.len())]
    );
    assert!(home.contains("테스트 결제 모드"));
    let said = std::fs::read_to_string(&log).unwrap();
    for warning in [
        "checkout.gateway = \"test\"",
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

    let counts = |root: &Path| {
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
                let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT COUNT(*) FROM {table}"
                )))
                .fetch_one(&pools.read)
                .await
                .unwrap();
                out.push((table, n));
            }
            db.close().await;
            out
        })
    };
    let after_first = counts(root);
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
        counts(root),
        after_first,
        "running the demo twice duplicates nothing"
    );

    // Synthetic products for load tests top the catalog up to a listed count, once.
    let bulk = run(&mut jangteo(
        root,
        &["demo", "--no-serve", "--bulk-products", "300"],
    ));
    assert!(bulk.status.success(), "{}", text(&bulk));
    assert!(text(&bulk).contains("300"), "{}", text(&bulk));
    let after_bulk = counts(root);
    let bulk_products = after_bulk.iter().find(|(t, _)| *t == "products").unwrap().1;
    assert!(bulk_products > products + 200, "{bulk_products}");
    let again = run(&mut jangteo(
        root,
        &["demo", "--no-serve", "--bulk-products", "300"],
    ));
    assert!(again.status.success());
    assert_eq!(counts(root), after_bulk, "bulk loading is idempotent too");

    // Serve, answer, then stop on SIGTERM while a slow request (a first zoom thumbnail) runs.
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_url_switches_to_postgresql() {
    let Some(t) = TestDb::empty(Backend::Postgres).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = jangteo(dir.path(), &["migrate", "--database-url", &t.url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let status = t.db.migration_status().await.unwrap();
    assert_eq!(status.applied, status.known);
    assert!(
        !dir.path().join("data/jangteo.db").exists(),
        "no SQLite file was made"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_to_serve_a_newer_schema() {
    let Some(t) = TestDb::migrated(Backend::Sqlite).await else {
        return;
    };
    let jangteo_db::Db::Sqlite(pools) = &t.db else {
        unreachable!()
    };
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, installed_on, success, checksum, execution_time)
         VALUES (29991231000000, 'future', CURRENT_TIMESTAMP, TRUE, x'00', 0)",
    )
    .execute(&pools.write)
    .await
    .unwrap();
    let port = free_port();
    let out = jangteo(
        t.dir.path(),
        &[
            "serve",
            "--database-url",
            &t.url,
            "--listen",
            &format!("127.0.0.1:{port}"),
        ],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out).contains("newer than this jangteo knows"),
        "{}",
        text(&out)
    );
}

#[test]
fn admin_creates_staff_accounts_and_resets_their_2fa() {
    let dir = tempfile::tempdir().unwrap();
    let create = run(jangteo(
        dir.path(),
        &[
            "admin",
            "create-user",
            "--email",
            "Boss@Example.com",
            "--role",
            "owner",
        ],
    )
    .stdout(Stdio::piped()));
    let out = text(&create);
    assert!(create.status.success(), "{out}");
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("password:"))
        .map(str::trim)
        .expect("password printed");
    assert_eq!(password.len(), 16);
    assert!(
        dir.path().join("data/secret.key").exists(),
        "key file created"
    );
    let wrong_role = run(&mut jangteo(
        dir.path(),
        &[
            "admin",
            "create-user",
            "--email",
            "x@example.com",
            "--role",
            "root",
        ],
    ));
    assert!(!wrong_role.status.success());
    assert!(text(&wrong_role).contains("unknown role"));
    let reset = run(&mut jangteo(
        dir.path(),
        &["admin", "reset-2fa", "--email", "boss@example.com"],
    ));
    assert!(reset.status.success(), "{}", text(&reset));
    let unknown = run(&mut jangteo(
        dir.path(),
        &["admin", "reset-2fa", "--email", "nobody@example.com"],
    ));
    assert!(!unknown.status.success());
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
