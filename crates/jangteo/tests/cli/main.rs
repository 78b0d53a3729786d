//! The `jangteo` binary as an operator uses it.

mod backup;
mod serve;

use jangteo_testkit::{Backend, TestDb};
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_jangteo");

pub(crate) fn jangteo(dir: &Path, args: &[&str]) -> Command {
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

pub(crate) fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("running jangteo")
}

pub(crate) fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub(crate) fn free_port() -> u16 {
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
        [
            "serve", "worker", "migrate", "demo", "admin", "backup", "restore", "help"
        ]
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
