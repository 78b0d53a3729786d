//! One database per test.

use jangteo_db::Db;
use std::sync::atomic::{AtomicU64, Ordering};

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in a temporary directory.
    Sqlite,
    /// A new database on the local PostgreSQL server.
    Postgres,
}

impl Backend {
    /// Both backends.
    pub const ALL: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];
}

/// Where the PostgreSQL server for tests is (`TEST_PG_URL`, default the local `test` database).
pub fn pg_admin_url() -> String {
    std::env::var("TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A migrated, empty database that is removed when dropped.
pub struct TestDb {
    /// The handle.
    pub db: Db,
    /// Its URL.
    pub url: String,
    /// Scratch directory of the test (SQLite file, media).
    pub dir: tempfile::TempDir,
    pg_name: Option<String>,
}

impl TestDb {
    /// A fresh, unmigrated database; `None` when PostgreSQL is unavailable outside CI.
    pub async fn empty(backend: Backend) -> Option<TestDb> {
        let dir = tempfile::tempdir().expect("creating a temporary directory");
        match backend {
            Backend::Sqlite => {
                let url = format!("sqlite:{}", dir.path().join("test.db").display());
                let db = Db::connect(&url).await.expect("opening SQLite");
                Some(TestDb {
                    db,
                    url,
                    dir,
                    pg_name: None,
                })
            }
            Backend::Postgres => {
                let admin_url = pg_admin_url();
                let admin = match Db::connect_postgres(&admin_url, 1).await {
                    Ok(db) => db,
                    Err(e) => {
                        crate::skip_or_fail(&format!(
                            "PostgreSQL is not reachable at {admin_url}: {e}"
                        ));
                        return None;
                    }
                };
                let name = format!(
                    "jt_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed),
                    chrono::Utc::now().timestamp_micros() % 1_000_000
                );
                let jangteo_db::Db::Postgres(pool) = &admin else {
                    unreachable!()
                };
                // The name is made of ASCII letters, digits and underscores only.
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0"
                )))
                .execute(pool)
                .await
                .expect("creating a test database");
                admin.close().await;
                let url = match admin_url.rfind('/') {
                    Some(i) => format!("{}/{name}", &admin_url[..i]),
                    None => panic!("TEST_PG_URL must end with /DATABASE"),
                };
                let db = Db::connect_postgres(&url, 8)
                    .await
                    .expect("connecting to the test database");
                Some(TestDb {
                    db,
                    url,
                    dir,
                    pg_name: Some(name),
                })
            }
        }
    }

    /// A fresh database with every migration applied.
    pub async fn migrated(backend: Backend) -> Option<TestDb> {
        let db = Self::empty(backend).await?;
        db.db.migrate().await.expect("migrating the test database");
        Some(db)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else {
            return;
        };
        // Drop runs outside any runtime guarantee: use a thread with its own small runtime.
        let admin_url = pg_admin_url();
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(jangteo_db::Db::Postgres(pool)) =
                    Db::connect_postgres(&admin_url, 1).await
                {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&pool)
                    .await;
                    pool.close().await;
                }
            });
        })
        .join();
    }
}
