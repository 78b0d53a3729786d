//! Consistent copies of a SQLite database (issue 19): `VACUUM INTO` writes one while the shop
//! runs (readers and the writer go on), and a copy is checked whole before it replaces a
//! database. PostgreSQL is copied by pg_dump and pg_restore, which the binary runs.

use crate::error::{Context, DbError};
use crate::{Db, DbResult};
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use std::path::Path;

impl Db {
    /// Writes a consistent copy of this SQLite database to `file`, which must not exist.
    pub async fn copy_sqlite_to(&self, file: &Path) -> DbResult<()> {
        let Db::Sqlite(s) = self else {
            return Err(DbError::InvalidUrl("not a SQLite database".into()));
        };
        sqlx::query("VACUUM INTO $1")
            .bind(file.to_string_lossy().into_owned())
            .execute(&s.write)
            .await
            .context("copying the SQLite database")?;
        Ok(())
    }
}

/// The schema version of the SQLite copy at `file`, once it reads whole (integrity check).
pub async fn check_sqlite_copy(file: &Path) -> DbResult<i64> {
    let options = SqliteConnectOptions::new().filename(file).read_only(true);
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .context("opening the SQLite copy")?;
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .context("checking the SQLite copy")?;
    if check != "ok" {
        return Err(DbError::Inconsistent(format!(
            "the copy is damaged: {check}"
        )));
    }
    let version: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations")
        .fetch_one(&mut conn)
        .await
        .context("reading the copy's schema version (not a Jangteo database?)")?;
    conn.close().await.context("closing the SQLite copy")?;
    Ok(version)
}
