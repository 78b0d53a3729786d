//! The message log (and outbox of the `test` adapter).

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};

/// A rendered message to record before it is sent.
#[derive(Debug, Clone)]
pub struct NewMessage<'a> {
    /// Event name (`order_placed`, …).
    pub event: &'a str,
    /// `email`, `sms`, `alimtalk` or `slack`.
    pub channel: &'a str,
    /// Address, number or webhook label.
    pub recipient: &'a str,
    /// Subject (e-mail).
    pub subject: &'a str,
    /// HTML body (e-mail).
    pub body_html: &'a str,
    /// Text body.
    pub body_text: &'a str,
    /// Advertising (consent and quiet hours apply).
    pub is_advertising: bool,
    /// At most one message ever exists with this key.
    pub dedupe_key: Option<&'a str>,
    /// Not before.
    pub send_after: DateTime<Utc>,
    /// AlimTalk: the approved template's code.
    pub template_code: Option<&'a str>,
    /// AlimTalk: the variables it was filled with (JSON object).
    pub template_variables: Option<&'a str>,
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MessageRow {
    /// Id.
    pub id: i64,
    /// Event name.
    pub event: String,
    /// Channel.
    pub channel: String,
    /// Recipient.
    pub recipient: String,
    /// Subject.
    pub subject: String,
    /// HTML body.
    pub body_html: String,
    /// Text body.
    pub body_text: String,
    /// Advertising.
    pub is_advertising: bool,
    /// `queued`, `sent` or `failed`.
    pub state: String,
    /// Provider that took it.
    pub provider: Option<String>,
    /// The provider's id.
    pub provider_id: Option<String>,
    /// The provider's raw reply.
    pub provider_reply: Option<String>,
    /// Last error.
    pub last_error: Option<String>,
    /// Not before.
    pub send_after: DateTime<Utc>,
    /// Recorded at.
    pub created_at: DateTime<Utc>,
    /// At most one message per key (e.g. `order_placed:20261122-8F3K2Q:email`).
    pub dedupe_key: Option<String>,
    /// AlimTalk: the approved template's code (none: the configured one, or SMS).
    pub template_code: Option<String>,
    /// AlimTalk: the variables it was filled with (JSON object).
    pub template_variables: Option<String>,
}

/// Records a message (`queued`); `None` when its de-duplication key was already used.
pub async fn insert(tx: &mut Tx, m: &NewMessage<'_>, now: DateTime<Utc>) -> DbResult<Option<i64>> {
    tx_scalar_optional!(
        tx,
        i64,
        "INSERT INTO messages (event, channel, recipient, subject, body_html, body_text, is_advertising,
             state, dedupe_key, send_after, created_at, updated_at, template_code, template_variables)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $9, $10, $10, $11, $12)
         ON CONFLICT (dedupe_key) DO NOTHING
         RETURNING id",
        m.event,
        m.channel,
        m.recipient,
        m.subject,
        m.body_html,
        m.body_text,
        m.is_advertising,
        m.dedupe_key,
        m.send_after,
        now,
        m.template_code,
        m.template_variables
    )
    .context("recording a message")
}

/// A message by id.
pub async fn find(db: &Db, id: i64) -> DbResult<Option<MessageRow>> {
    read_optional!(
        db,
        MessageRow,
        "SELECT id, event, channel, recipient, subject, body_html, body_text, is_advertising, state, provider,
             provider_id, provider_reply, last_error, send_after, created_at, dedupe_key,
             template_code, template_variables FROM messages WHERE id = $1",
        id
    )
    .context("loading a message")
}

/// The messages a real provider took (not the `test` outbox) whose de-duplication key starts
/// with `key_prefix`.
pub async fn sent_by_provider(db: &Db, key_prefix: &str) -> DbResult<Vec<MessageRow>> {
    read_all!(
        db,
        MessageRow,
        "SELECT id, event, channel, recipient, subject, body_html, body_text, is_advertising, state, provider,
             provider_id, provider_reply, last_error, send_after, created_at, dedupe_key,
             template_code, template_variables FROM messages
         WHERE state = 'sent' AND provider <> 'test'
           AND substr(dedupe_key, 1, length($1)) = $1",
        key_prefix
    )
    .context("listing sent messages by key")
}

/// The latest messages, newest first (the outbox page).
pub async fn recent(db: &Db, limit: i64) -> DbResult<Vec<MessageRow>> {
    read_all!(
        db,
        MessageRow,
        "SELECT id, event, channel, recipient, subject, body_html, body_text, is_advertising, state, provider,
             provider_id, provider_reply, last_error, send_after, created_at, dedupe_key,
             template_code, template_variables FROM messages
         ORDER BY id DESC LIMIT $1",
        limit
    )
    .context("listing messages")
}

/// Records a delivery to the provider.
pub async fn mark_sent(
    db: &Db,
    id: i64,
    provider: &str,
    provider_id: Option<&str>,
    reply: &str,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let mut tx = db.begin().await?;
    tx_execute!(
        &mut tx,
        "UPDATE messages SET state = 'sent', provider = $1, provider_id = $2, provider_reply = $3,
             last_error = NULL, sent_at = $4, updated_at = $4
         WHERE id = $5",
        provider,
        provider_id,
        reply,
        now,
        id
    )
    .context("recording a sent message")?;
    tx.commit().await
}

/// Replaces a kept message's bodies (secrets redacted once it has been delivered).
pub async fn replace_bodies(db: &Db, id: i64, html: &str, text: &str) -> DbResult<()> {
    db_execute!(
        db,
        "UPDATE messages SET body_html = $1, body_text = $2 WHERE id = $3",
        html,
        text,
        id
    )
    .context("redacting a message")
    .map(|_| ())
}

/// Records a failed attempt; `final_failure` marks the message `failed` (no more retries).
pub async fn mark_attempt_failed(
    db: &Db,
    id: i64,
    provider: &str,
    error: &str,
    final_failure: bool,
    now: DateTime<Utc>,
) -> DbResult<()> {
    let mut tx = db.begin().await?;
    tx_execute!(
        &mut tx,
        "UPDATE messages SET provider = $1, last_error = $2, updated_at = $3,
             state = CASE WHEN $4 THEN 'failed' ELSE state END
         WHERE id = $5",
        provider,
        error,
        now,
        final_failure,
        id
    )
    .context("recording a failed message")?;
    tx.commit().await
}

/// Seconds between the earliest and the latest `send_after` of an event's messages (how a bulk
/// send is spread).
pub async fn send_after_span(db: &Db, event: &str) -> DbResult<i64> {
    let rows = read_all!(
        db,
        (DateTime<Utc>,),
        "SELECT send_after FROM messages WHERE event = $1 ORDER BY send_after",
        event
    )
    .context("reading send times")?;
    Ok(match (rows.first(), rows.last()) {
        (Some((first,)), Some((last,))) => (*last - *first).num_seconds(),
        _ => 0,
    })
}
