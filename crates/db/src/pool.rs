//! Connection pools, transactions and migrations for both backends.

use crate::DbResult;
use crate::error::{Context, DbError};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Postgres, Sqlite};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// How long a query waits for a PostgreSQL connection. A busy pool frees one in milliseconds;
/// past this the server is gone or overloaded, and the visitor is better served by "try again".
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// SQLite pools: one writer connection (writers queue in-process instead of fighting over the
/// database lock) and a pool of readers (WAL lets them read while the writer writes).
#[derive(Debug, Clone)]
pub struct SqlitePools {
    /// The single writer connection; every write transaction starts with `BEGIN IMMEDIATE`.
    pub write: SqlitePool,
    /// Read-only connections.
    pub read: SqlitePool,
}

/// How busy one connection pool is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolUsage {
    /// The pool's name.
    pub name: &'static str,
    /// Connections open.
    pub open: u64,
    /// Of those, waiting for work.
    pub idle: u64,
}

/// A handle on the shop's database, cheap to clone.
#[derive(Debug, Clone)]
pub enum Db {
    /// SQLite (WAL).
    Sqlite(SqlitePools),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// Where a read runs: the read side of the pool, or inside a transaction (to see its writes, hold
/// its locks, or not take a second connection while holding one). A read function takes
/// `impl Into<Reader>`, so one function serves both (`&db` or `&mut tx`).
#[derive(Debug)]
pub enum Reader<'a> {
    /// The pool (SQLite: the read pool).
    Db(&'a Db),
    /// An open transaction.
    Tx(&'a mut Tx),
}

impl<'a> From<&'a Db> for Reader<'a> {
    fn from(db: &'a Db) -> Self {
        Reader::Db(db)
    }
}

impl<'a> From<&'a mut Tx> for Reader<'a> {
    fn from(tx: &'a mut Tx) -> Self {
        Reader::Tx(tx)
    }
}

/// A write transaction on either backend. Dropping it without [`Tx::commit`] rolls back.
#[derive(Debug)]
pub enum Tx {
    /// SQLite transaction, begun with `BEGIN IMMEDIATE`.
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    /// PostgreSQL transaction (READ COMMITTED).
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl Tx {
    /// Commits the transaction.
    pub async fn commit(self) -> DbResult<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
        .context("committing transaction")
    }
}

/// Where the schema stands compared to this binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    /// Highest applied version (0 for an empty database).
    pub applied: i64,
    /// Highest version this binary knows.
    pub known: i64,
}

/// Redacts the password of a connection URL for logs: `postgres://shop:***@db/shop`.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &creds[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The database file is readable by the shop's user only: it holds members' personal data and
/// password hashes. Created 0600 when missing (SQLite gives its -wal and -shm files the same
/// mode), and narrowed to 0600 when an older file is open to others.
fn keep_private(path: &Path) -> DbResult<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let failed = |e: std::io::Error| {
            DbError::InvalidUrl(format!("cannot secure {}: {e}", path.display()))
        };
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)
            .map_err(failed)?;
        for file in ["", "-wal", "-shm"].map(|suffix| {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            std::path::PathBuf::from(name)
        }) {
            let Ok(meta) = std::fs::metadata(&file) else {
                continue;
            };
            if meta.permissions().mode() & 0o077 != 0 {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                    .map_err(failed)?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Whether `url` names PostgreSQL (`postgres://…` or `postgresql://…`).
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The file a `sqlite:PATH` (or `sqlite://PATH`) URL names; `None` for other URLs.
pub fn sqlite_path(url: &str) -> Option<&Path> {
    url.strip_prefix("sqlite://")
        .or(url.strip_prefix("sqlite:"))
        .map(Path::new)
}

impl Db {
    /// Connects to `url`: `postgres://…`/`postgresql://…` selects PostgreSQL, `sqlite:…` a SQLite
    /// file (created when missing).
    pub async fn connect(url: &str) -> DbResult<Db> {
        if is_postgres_url(url) {
            Self::connect_postgres(url, 16).await
        } else if let Some(path) = sqlite_path(url) {
            Self::open_sqlite(path).await
        } else {
            Err(DbError::InvalidUrl(format!(
                "{} (expected postgres://… or sqlite:PATH)",
                redact_url(url)
            )))
        }
    }

    /// Connects to PostgreSQL with up to `max_connections` connections.
    pub async fn connect_postgres(url: &str, max_connections: u32) -> DbResult<Db> {
        Self::connect_postgres_waiting(url, max_connections, ACQUIRE_TIMEOUT).await
    }

    /// Like [`Db::connect_postgres`], waiting up to `acquire_timeout` for a connection.
    pub async fn connect_postgres_waiting(
        url: &str,
        max_connections: u32,
        acquire_timeout: Duration,
    ) -> DbResult<Db> {
        let options = PgConnectOptions::from_str(url).context("parsing PostgreSQL URL")?;
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(acquire_timeout)
            .connect_with(options)
            .await
            .context("connecting to PostgreSQL")?;
        Ok(Db::Postgres(pool))
    }

    /// Opens (creating if needed) a SQLite database file with WAL and the settings of docs/STACK.md §2.5.
    pub async fn open_sqlite(path: &Path) -> DbResult<Db> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                DbError::InvalidUrl(format!("cannot create {}: {e}", dir.display()))
            })?;
        }
        keep_private(path)?;
        let base = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(base.clone())
            .await
            .context("opening SQLite database (writer)")?;
        let readers = std::thread::available_parallelism().map_or(4, |n| n.get().max(2) * 2);
        let read = SqlitePoolOptions::new()
            .max_connections(u32::try_from(readers).unwrap_or(4))
            .connect_with(base.read_only(true))
            .await
            .context("opening SQLite database (readers)")?;
        Ok(Db::Sqlite(SqlitePools { write, read }))
    }

    /// The engine behind this handle.
    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Each pool's open and idle connections (`write`/`read` on SQLite, `main` on PostgreSQL).
    pub fn pool_usage(&self) -> Vec<PoolUsage> {
        let usage = |name, size: u32, idle: usize| PoolUsage {
            name,
            open: u64::from(size),
            idle: idle as u64,
        };
        match self {
            Db::Sqlite(s) => vec![
                usage("write", s.write.size(), s.write.num_idle()),
                usage("read", s.read.size(), s.read.num_idle()),
            ],
            Db::Postgres(p) => vec![usage("main", p.size(), p.num_idle())],
        }
    }

    fn migrator(&self) -> &'static Migrator {
        match self {
            Db::Sqlite(_) => &SQLITE_MIGRATIONS,
            Db::Postgres(_) => &POSTGRES_MIGRATIONS,
        }
    }

    /// Applied and known schema versions.
    pub async fn migration_status(&self) -> DbResult<MigrationStatus> {
        let known = self.migrator().iter().map(|m| m.version).max().unwrap_or(0);
        let table_exists: bool = match self {
            Db::Sqlite(s) => sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations')",
            )
            .fetch_one(&s.read)
            .await,
            Db::Postgres(p) => sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations')",
            )
            .fetch_one(p)
            .await,
        }
        .context("checking for the migrations table")?;
        let applied = if table_exists {
            read_scalar!(
                self,
                i64,
                "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success"
            )
            .context("reading the schema version")?
        } else {
            0
        };
        Ok(MigrationStatus { applied, known })
    }

    /// Refuses to run against a schema newer than this binary (a newer release migrated it).
    pub async fn ensure_schema_not_newer(&self) -> DbResult<MigrationStatus> {
        let status = self.migration_status().await?;
        if status.applied > status.known {
            return Err(DbError::SchemaTooNew {
                found: status.applied,
                known: status.known,
            });
        }
        Ok(status)
    }

    /// Applies pending migrations. On PostgreSQL sqlx holds an advisory lock meanwhile, so several
    /// instances may start at once.
    pub async fn migrate(&self) -> DbResult<MigrationStatus> {
        self.ensure_schema_not_newer().await?;
        match self {
            Db::Sqlite(s) => SQLITE_MIGRATIONS.run(&s.write).await?,
            Db::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        self.migration_status().await
    }

    /// Begins a write transaction (`BEGIN IMMEDIATE` on SQLite: see docs/STACK.md §2.5).
    pub async fn begin(&self) -> DbResult<Tx> {
        match self {
            Db::Sqlite(s) => s.write.begin_with("BEGIN IMMEDIATE").await.map(Tx::Sqlite),
            Db::Postgres(p) => p.begin().await.map(Tx::Postgres),
        }
        .context("beginning transaction")
    }

    /// Checks that the database answers (for `/readyz`).
    pub async fn ping(&self) -> DbResult<()> {
        read_scalar!(self, i32, "SELECT 1")
            .map(|_| ())
            .context("pinging the database")
    }

    /// Closes every connection (graceful shutdown).
    pub async fn close(&self) {
        match self {
            Db::Sqlite(s) => {
                s.read.close().await;
                s.write.close().await;
            }
            Db::Postgres(p) => p.close().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(
            redact_url("postgres://shop:s3cret@db:5432/shop"),
            "postgres://shop:***@db:5432/shop"
        );
        assert_eq!(
            redact_url("postgres://shop@db/shop"),
            "postgres://shop@db/shop"
        );
        assert_eq!(
            redact_url("sqlite:data/jangteo.db"),
            "sqlite:data/jangteo.db"
        );
    }
}
