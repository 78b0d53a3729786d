//! Staff edits of the notification templates (the built-in ones stay in the binary).

use crate::error::Context;
use crate::{Db, DbResult, Reader};
use chrono::{DateTime, Utc};

/// The edited source of an event's template, if staff replaced it.
pub async fn get(conn: impl Into<Reader<'_>>, event: &str) -> DbResult<Option<String>> {
    reader_optional!(
        conn,
        (String,),
        "SELECT source FROM message_templates WHERE event = $1",
        event
    )
    .context("loading template edit")
    .map(|r| r.map(|(s,)| s))
}

/// Events with edits: (event, who, when).
pub async fn edited(db: &Db) -> DbResult<Vec<(String, String, DateTime<Utc>)>> {
    read_all!(
        db,
        (String, String, DateTime<Utc>),
        "SELECT event, updated_by, updated_at FROM message_templates ORDER BY event"
    )
    .context("listing template edits")
}

/// Stores an edit inside the caller's transaction (with its audit entry).
pub async fn save(
    tx: &mut crate::Tx,
    event: &str,
    source: &str,
    by: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO message_templates (event, source, updated_by, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (event) DO UPDATE SET source = excluded.source, updated_by = excluded.updated_by,
             updated_at = excluded.updated_at",
        event,
        source,
        by,
        now
    )
    .context("saving template edit")
    .map(|_| ())
}

/// Drops an edit (the built-in template applies again).
pub async fn reset(db: &Db, event: &str) -> DbResult<()> {
    db_execute!(db, "DELETE FROM message_templates WHERE event = $1", event)
        .context("resetting template")
        .map(|_| ())
}
