//! Bulk sends to a member segment (campaigns): chunked jobs, each chunk one transaction that
//! records its messages (one de-duplication key per member and campaign) and enqueues the next
//! chunk, so a worker killed half-way resumes where the last committed chunk ended and nobody gets
//! the message twice. Deliveries are spread to stay under the provider's rate.

use crate::notify::{Channel, Notification};
use crate::{App, AppError, AppResult};
use chrono::Duration;
use jangteo_db::bulk::{self, BulkSendRow, NewBulkSend};

/// Members per chunk (one transaction each).
pub const CHUNK: i64 = 500;

fn grade_of_segment(segment: &str) -> AppResult<Option<&str>> {
    match segment {
        "marketing" => Ok(None),
        s => s.strip_prefix("grade:").map(Some).ok_or_else(|| {
            AppError::Invalid(format!("unknown segment {s} (marketing, grade:CODE)"))
        }),
    }
}

impl App {
    /// Starts a campaign to the members of `segment` (`marketing`: everyone who agreed to
    /// marketing; `grade:gold`: those of one grade) over `channel` (`email` or `sms`).
    pub async fn start_bulk_send(
        &self,
        actor: &crate::auth::StaffActor,
        name: &str,
        channel: &str,
        segment: &str,
        title: &str,
        body: &str,
    ) -> AppResult<i64> {
        actor.require(
            jangteo_core::staff::Area::Marketing,
            jangteo_core::staff::Access::Write,
        )?;
        if !matches!(channel, "email" | "sms") {
            return Err(AppError::Invalid(format!(
                "bulk sends go by email or sms, not {channel}"
            )));
        }
        if title.trim().is_empty() || body.trim().is_empty() {
            return Err(AppError::field("title", "required"));
        }
        let total = bulk::count_marketing_recipients(&self.db, grade_of_segment(segment)?).await?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let id = bulk::insert(
            &mut tx,
            &NewBulkSend {
                name,
                channel,
                segment,
                title,
                body,
                total,
            },
            now,
        )
        .await?;
        jangteo_jobs::enqueue(
            &mut tx,
            &crate::jobs::spec(&crate::jobs::BulkChunk {
                bulk_id: id,
                after: 0,
                index: 0,
            })?
            .dedupe(format!("bulk:{id}:after:0")),
        )
        .await?;
        jangteo_db::audit::record(
            &mut tx,
            &jangteo_db::audit::NewAudit {
                after: Some(
                    serde_json::json!({
                        "name": name, "channel": channel, "segment": segment, "title": title,
                        "total": total,
                    })
                    .to_string(),
                ),
                ..actor.entry("marketing.bulk_send", "bulk_send", &id.to_string())
            },
            now,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(bulk.id = id, bulk.total = total, "bulk send started");
        Ok(id)
    }

    /// A campaign's state for staff (marketing, read).
    pub async fn staff_bulk_send(
        &self,
        actor: &crate::auth::StaffActor,
        id: i64,
    ) -> AppResult<BulkSendRow> {
        actor.require(
            jangteo_core::staff::Area::Marketing,
            jangteo_core::staff::Access::Read,
        )?;
        self.bulk_send(id).await
    }

    /// A campaign's state.
    pub async fn bulk_send(&self, id: i64) -> AppResult<BulkSendRow> {
        bulk::find(&self.db, id).await?.ok_or(AppError::NotFound)
    }

    /// Processes the chunk after member `after`; `index` is the position of its first message in
    /// the campaign (for spreading deliveries). Idempotent.
    pub async fn process_bulk_chunk(&self, id: i64, after: i64, index: i64) -> AppResult<()> {
        let campaign = self.bulk_send(id).await?;
        if campaign.status != "running" {
            return Ok(());
        }
        let grade = grade_of_segment(&campaign.segment)?;
        let rate = self.config.notifications.bulk_rate_per_second.max(1);
        let now = self.now();
        let paragraphs: Vec<&str> = campaign
            .body
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        // Loaded before the transaction: on SQLite it holds the only writer connection.
        let key = self.signing_key().await?;
        let mut tx = self.db.begin().await?;
        let recipients = bulk::marketing_recipients(&mut tx, grade, after, CHUNK).await?;
        let mut queued = 0;
        for (i, r) in recipients.iter().enumerate() {
            let (channel, to) = match campaign.channel.as_str() {
                "sms" => match &r.mobile {
                    Some(m) => (Channel::Sms, m.clone()),
                    None => continue,
                },
                _ => (Channel::Email, r.email.clone()),
            };
            let position = index + i64::try_from(i).unwrap_or(0);
            let not_before = now + Duration::milliseconds(position * 1000 / i64::from(rate));
            let recorded = self
                .notify_not_before(
                    &mut tx,
                    &Notification {
                        event: "announcement".into(),
                        channel,
                        to,
                        recipient_name: r.name.clone(),
                        context: serde_json::json!({
                            "announcement": {"title": campaign.title, "body": campaign.body, "paragraphs": paragraphs},
                            "unsubscribe_url": self.unsubscribe_url_with(&key, r.id)?,
                        }),
                        advertising: true,
                        dedupe_key: Some(format!("bulk:{id}:{}", r.id)),
                    },
                    now,
                    not_before,
                )
                .await?;
            queued += i64::from(recorded.is_some());
        }
        let last = recipients.last().map(|r| r.id);
        let done = i64::try_from(recipients.len()).unwrap_or(0) < CHUNK;
        bulk::progress(&mut tx, id, queued, done, now).await?;
        if let (false, Some(last)) = (done, last) {
            let next = index + i64::try_from(recipients.len()).unwrap_or(0);
            jangteo_jobs::enqueue(
                &mut tx,
                &crate::jobs::spec(&crate::jobs::BulkChunk {
                    bulk_id: id,
                    after: last,
                    index: next,
                })?
                .dedupe(format!("bulk:{id}:after:{last}")),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
