//! Test support: a fresh database per test (SQLite file or PostgreSQL database), the real app on
//! a random 127.0.0.1 port, small catalog fixtures, and a headless-Chromium driver.
//!
//! With `CI=true`, a missing PostgreSQL or browser is a failure, never a silent skip.

pub mod browser;
pub mod db;
mod delay;
pub mod fake_coupang;
pub mod fake_kakao_login;
pub mod fake_kakaopay;
pub mod fake_naver_login;
pub mod fake_nice;
mod fake_oauth;
pub mod fake_portone;
pub mod fake_sentry;
pub mod fake_smartstore;
mod fake_smartstore_products;
pub mod fake_toss;
pub mod fake_tracker;
pub mod fake_webhook_receiver;
pub mod fakes;
pub mod fixtures;
pub mod sales;
mod sales_draw;
pub mod server;
pub mod shopper;
pub mod smtp_sink;
pub mod tcp_proxy;

pub use db::{Backend, TestDb};
pub use server::{SharedServer, TestApp, shared_demo};

/// True when running in CI (`CI=true`): prerequisites must be present.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Reports a skipped test, or fails it under CI.
pub fn skip_or_fail(what: &str) {
    assert!(!in_ci(), "{what} (required when CI=true)");
    eprintln!("SKIPPED: {what}");
}

/// Declares `mod NAME { sqlite(), postgres() }` tests that call `async fn NAME(Backend)`, so each
/// repository test runs on both backends as separate, parallel tests.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::Backend::Postgres).await
                }
            }
        )*
    };
}

/// An [`jangteo_app::App`] over a test database, with media under the test's directory.
pub fn app_on(db: &TestDb) -> jangteo_app::App {
    let config = server::test_config(db.dir.path(), "127.0.0.1:0", &db.url);
    jangteo_app::App::new(db.db.clone(), config).expect("building the app")
}

/// The RFC 6238 code an authenticator app shows at `at` for a base32 secret (what a person reads
/// off the enrolment page and types into their phone).
pub fn totp_code(secret_base32: &str, at: chrono::DateTime<chrono::Utc>) -> String {
    // Typed as shown, in groups of four: an authenticator app drops the spaces.
    let typed: String = secret_base32.split_whitespace().collect();
    let secret = totp_rs::Secret::try_from_base32(&typed).expect("a base32 secret");
    let totp = totp_rs::Builder::new()
        .with_secret(secret)
        .build_noncompliant();
    totp.generate(u64::try_from(at.timestamp()).unwrap_or(0))
        .to_string()
}
