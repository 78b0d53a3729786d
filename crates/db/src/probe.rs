//! A reachability probe on a connection of its own: whether the database server answers at all,
//! apart from whether the shop's pool has a free connection (a busy pool is not an outage).

use crate::Db;
use sqlx::postgres::{PgPool, PgPoolOptions};
use std::time::Duration;

/// Asks the database whether it answers.
#[derive(Debug, Clone)]
pub enum Probe {
    /// A SQLite file has no server to lose: its own pool is asked.
    Sqlite(Db),
    /// A single PostgreSQL connection of the probe's own, opened on first use.
    Postgres(PgPool),
}

impl Db {
    /// A probe that waits up to `deadline` for its connection.
    pub fn probe(&self, deadline: Duration) -> Probe {
        match self {
            Db::Sqlite(_) => Probe::Sqlite(self.clone()),
            Db::Postgres(pool) => Probe::Postgres(
                PgPoolOptions::new()
                    .max_connections(1)
                    .min_connections(0)
                    .acquire_timeout(deadline)
                    .connect_lazy_with((*pool.connect_options()).clone()),
            ),
        }
    }
}

impl Probe {
    /// True when the database answered `SELECT 1` (the caller bounds the whole exchange).
    pub async fn answers(&self) -> bool {
        match self {
            Probe::Sqlite(db) => db.ping().await.is_ok(),
            Probe::Postgres(pool) => matches!(
                sqlx::query_scalar::<_, i32>("SELECT 1")
                    .fetch_one(pool)
                    .await,
                Ok(1)
            ),
        }
    }
}
