//! Small key/value settings the shop keeps in its database.

use crate::error::Context;
use crate::{DbResult, Reader, Tx};
use chrono::{DateTime, Utc};

/// Reads a setting.
pub async fn get(conn: impl Into<Reader<'_>>, key: &str) -> DbResult<Option<String>> {
    reader_optional!(
        conn,
        (String,),
        "SELECT value FROM app_settings WHERE key = $1",
        key
    )
    .context("reading setting")
    .map(|row| row.map(|(v,)| v))
}

/// Writes a setting.
pub async fn set(tx: &mut Tx, key: &str, value: &str, now: DateTime<Utc>) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO app_settings (key, value, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        key,
        value,
        now
    )
    .context("writing setting")
    .map(|_| ())
}

/// Stores `value` under `key` unless the key exists; returns the value in force (the first
/// writer wins when several instances race).
pub async fn get_or_insert(
    tx: &mut Tx,
    key: &str,
    value: &str,
    now: DateTime<Utc>,
) -> DbResult<String> {
    tx_execute!(
        tx,
        "INSERT INTO app_settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING",
        key,
        value,
        now
    )
    .context("storing setting")?;
    tx_scalar!(
        tx,
        String,
        "SELECT value FROM app_settings WHERE key = $1",
        key
    )
    .context("reading setting")
}
