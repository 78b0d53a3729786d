//! Cross-instance signals over PostgreSQL `LISTEN`/`NOTIFY`: when one instance changes the
//! catalog, the others drop their caches at once instead of waiting for the cache TTL. SQLite
//! databases are served by a single instance, so there is nothing to signal there.

use crate::error::Context;
use crate::{Db, DbResult};
use sqlx::postgres::PgListener;

/// The channel catalog changes are announced on.
pub const CACHE_CHANNEL: &str = "jangteo_cache";

/// Announces a catalog change; `origin` identifies the sending instance (its own notice is ignored).
pub async fn announce_cache_change(db: &Db, origin: &str) -> DbResult<()> {
    if let Db::Postgres(pool) = db {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CACHE_CHANNEL)
            .bind(origin)
            .execute(pool)
            .await
            .context("announcing a cache change")?;
    }
    Ok(())
}

/// A subscription to catalog-change announcements.
pub struct CacheChanges {
    listener: PgListener,
}

impl CacheChanges {
    /// Subscribes (PostgreSQL only; `None` on SQLite).
    pub async fn subscribe(db: &Db) -> DbResult<Option<CacheChanges>> {
        let Db::Postgres(pool) = db else {
            return Ok(None);
        };
        let mut listener = PgListener::connect_with(pool)
            .await
            .context("connecting the cache listener")?;
        listener
            .listen(CACHE_CHANNEL)
            .await
            .context("listening for cache changes")?;
        Ok(Some(CacheChanges { listener }))
    }

    /// The next announcement's origin. sqlx reconnects a dropped listener by itself; notices sent
    /// while it was away are lost, so callers should treat an error as "drop everything".
    pub async fn next(&mut self) -> DbResult<String> {
        self.listener
            .recv()
            .await
            .context("receiving a cache change")
            .map(|n| n.payload().to_owned())
    }
}
