//! Server-side session records (the web layer's session store), shared by every instance.

use crate::error::Context;
use crate::{Db, DbResult};
use chrono::{DateTime, Utc};

/// Inserts a record; false when the id is already taken (the caller draws a new id).
pub async fn create(db: &Db, id: &str, data: &str, expires_at: DateTime<Utc>) -> DbResult<bool> {
    db_execute!(
        db,
        "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
        id,
        data,
        expires_at
    )
    .context("creating session")
    .map(|n| n == 1)
}

/// Inserts or replaces a record.
pub async fn save(db: &Db, id: &str, data: &str, expires_at: DateTime<Utc>) -> DbResult<()> {
    db_execute!(
        db,
        "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
        id,
        data,
        expires_at
    )
    .context("saving session")
    .map(|_| ())
}

/// The record's data, when it exists and has not expired.
pub async fn load(db: &Db, id: &str, now: DateTime<Utc>) -> DbResult<Option<String>> {
    read_optional!(
        db,
        (String,),
        "SELECT data FROM sessions WHERE id = $1 AND expires_at > $2",
        id,
        now
    )
    .context("loading session")
    .map(|r| r.map(|(d,)| d))
}

/// Deletes a record.
pub async fn delete(db: &Db, id: &str) -> DbResult<()> {
    db_execute!(db, "DELETE FROM sessions WHERE id = $1", id)
        .context("deleting session")
        .map(|_| ())
}

/// Deletes expired records (a nightly chore).
pub async fn delete_expired(db: &Db, now: DateTime<Utc>) -> DbResult<u64> {
    db_execute!(db, "DELETE FROM sessions WHERE expires_at <= $1", now).context("pruning sessions")
}
