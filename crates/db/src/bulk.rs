//! Bulk sends (campaigns to a member segment) and the segment queries.

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};

/// A campaign.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BulkSendRow {
    /// Id.
    pub id: i64,
    /// Staff's name for it.
    pub name: String,
    /// `email` or `sms`.
    pub channel: String,
    /// Segment code (`marketing`, `grade:gold`, …).
    pub segment: String,
    /// Title (subject).
    pub title: String,
    /// Body text.
    pub body: String,
    /// `running`, `done` or `cancelled`.
    pub status: String,
    /// Members in the segment when it started.
    pub total: i64,
    /// Messages queued so far.
    pub queued: i64,
}

/// A recipient.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RecipientRow {
    /// Member.
    pub id: i64,
    /// E-mail.
    pub email: String,
    /// Mobile digits.
    pub mobile: Option<String>,
    /// Name.
    pub name: String,
}

/// A campaign to start.
#[derive(Debug, Clone, Copy)]
pub struct NewBulkSend<'a> {
    /// Staff's name for it.
    pub name: &'a str,
    /// `email` or `sms`.
    pub channel: &'a str,
    /// Segment code.
    pub segment: &'a str,
    /// Title.
    pub title: &'a str,
    /// Body.
    pub body: &'a str,
    /// Members in the segment.
    pub total: i64,
}

/// Starts a campaign.
pub async fn insert(tx: &mut Tx, b: &NewBulkSend<'_>, now: DateTime<Utc>) -> DbResult<i64> {
    let NewBulkSend {
        name,
        channel,
        segment,
        title,
        body,
        total,
    } = *b;
    tx_scalar!(
        tx,
        i64,
        "INSERT INTO bulk_sends (name, channel, segment, title, body, status, total, queued, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'running', $6, 0, $7, $7) RETURNING id",
        name,
        channel,
        segment,
        title,
        body,
        total,
        now
    )
    .context("starting bulk send")
}

/// A campaign by id.
pub async fn find(db: &Db, id: i64) -> DbResult<Option<BulkSendRow>> {
    read_optional!(
        db,
        BulkSendRow,
        "SELECT id, name, channel, segment, title, body, status, total, queued FROM bulk_sends WHERE id = $1",
        id
    )
    .context("loading bulk send")
}

/// Adds to the queued count; `done` marks it finished.
pub async fn progress(
    tx: &mut Tx,
    id: i64,
    queued: i64,
    done: bool,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE bulk_sends SET queued = queued + $2, updated_at = $3,
             status = CASE WHEN $4 THEN 'done' ELSE status END,
             finished_at = CASE WHEN $4 THEN $3 ELSE finished_at END
         WHERE id = $1",
        id,
        queued,
        now,
        done
    )
    .context("recording bulk progress")
    .map(|_| ())
}

/// Members who agreed to marketing, optionally of one grade, after `after_id`, in id order.
pub async fn marketing_recipients(
    tx: &mut Tx,
    grade: Option<&str>,
    after_id: i64,
    limit: i64,
) -> DbResult<Vec<RecipientRow>> {
    tx_all!(
        tx,
        RecipientRow,
        "SELECT m.id, m.email, m.mobile, m.name FROM members m JOIN grades g ON g.id = m.grade_id
         WHERE m.status = 'active' AND m.email IS NOT NULL AND m.marketing_agreed_at IS NOT NULL
           AND ($1 IS NULL OR g.code = $1) AND m.id > $2
         ORDER BY m.id LIMIT $3",
        grade,
        after_id,
        limit
    )
    .context("listing campaign recipients")
}

/// Size of the segment.
pub async fn count_marketing_recipients(db: &Db, grade: Option<&str>) -> DbResult<i64> {
    read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM members m JOIN grades g ON g.id = m.grade_id
         WHERE m.status = 'active' AND m.email IS NOT NULL AND m.marketing_agreed_at IS NOT NULL
           AND ($1 IS NULL OR g.code = $1)",
        grade
    )
    .context("counting campaign recipients")
}

/// Messages recorded for a campaign (their de-duplication keys start with `bulk:{id}:`).
pub async fn messages_recorded(db: &Db, id: i64) -> DbResult<i64> {
    let prefix = format!("bulk:{id}:%");
    read_scalar!(
        db,
        i64,
        "SELECT COUNT(*) FROM messages WHERE dedupe_key LIKE $1",
        prefix
    )
    .context("counting campaign messages")
}
