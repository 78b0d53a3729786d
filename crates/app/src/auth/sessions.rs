//! Session records for the web layer's session store (kept in the shop's database so every
//! instance sees every session). Records are keyed by the SHA-256 of the cookie's id, so a copy
//! of the database (a backup, a leaked dump) holds no id that would ride a session.

use crate::auth::tokens::token_hash;
use crate::{App, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::staff::{Access, Area};
use jangteo_db::sessions;

impl App {
    /// Inserts a new session record; false when the id is taken.
    pub async fn create_session(
        &self,
        id: &str,
        data: &str,
        expires_at: DateTime<Utc>,
    ) -> AppResult<bool> {
        Ok(sessions::create(&self.db, &token_hash(id), data, expires_at).await?)
    }

    /// Saves a session record.
    pub async fn save_session(
        &self,
        id: &str,
        data: &str,
        expires_at: DateTime<Utc>,
    ) -> AppResult<()> {
        Ok(sessions::save(&self.db, &token_hash(id), data, expires_at).await?)
    }

    /// Loads a live session record's data. Session expiry is set by tower-sessions from the
    /// system clock, so it is checked against the system clock, not the shop's.
    pub async fn load_session(&self, id: &str) -> AppResult<Option<String>> {
        Ok(sessions::load(&self.db, &token_hash(id), Utc::now()).await?)
    }

    /// Deletes a session record.
    pub async fn delete_session(&self, id: &str) -> AppResult<()> {
        Ok(sessions::delete(&self.db, &token_hash(id)).await?)
    }

    /// Deletes expired sessions and old login attempts (nightly).
    pub async fn prune_sessions(&self) -> AppResult<u64> {
        self.prune_login_attempts(self.now()).await?;
        self.prune_identity_attempts().await?;
        // Expiry is tower-sessions' own (system clock), as in `load_session`.
        Ok(sessions::delete_expired(&self.db, Utc::now()).await?)
    }
}

impl App {
    /// Whether the public demo outbox page exists: in demo mode only. Elsewhere messages (which
    /// carry password-reset links) are shown to staff with the notifications area alone.
    pub fn outbox_visible(&self) -> bool {
        self.config.demo_mode
    }

    /// The latest recorded messages (the outbox page).
    pub async fn recent_messages(
        &self,
        limit: i64,
    ) -> AppResult<Vec<jangteo_db::messages::MessageRow>> {
        Ok(jangteo_db::messages::recent(&self.db, limit).await?)
    }
}

/// What the staff jobs page shows.
#[derive(Debug, Clone)]
pub struct JobsOverview {
    /// Jobs per state.
    pub counts: Vec<(String, i64)>,
    /// The listed jobs.
    pub jobs: Vec<jangteo_db::jobs::JobRow>,
    /// Scheduler entries with their last and next run.
    pub schedules: Vec<jangteo_db::jobs::ScheduleRow>,
}

impl App {
    /// Counts, the latest jobs (of one state when given) and the schedule, for staff.
    pub async fn jobs_overview(&self, state: Option<&str>, limit: i64) -> AppResult<JobsOverview> {
        Ok(JobsOverview {
            counts: jangteo_db::jobs::count_by_state(&self.db).await?,
            jobs: jangteo_db::jobs::list(&self.db, state, limit, 0).await?,
            schedules: jangteo_db::jobs::list_schedules(&self.db).await?,
        })
    }

    /// Staff retry a dead job.
    pub async fn retry_job(&self, actor: &crate::auth::StaffActor, id: i64) -> AppResult<bool> {
        actor.require(Area::Jobs, Access::Write)?;
        let done = jangteo_db::jobs::retry(&self.db, id, self.now()).await?;
        if done {
            self.audit_event(actor, "job.retry", "job", &id.to_string(), "")
                .await?;
        }
        Ok(done)
    }

    /// Staff discard a dead or waiting job.
    pub async fn discard_job(&self, actor: &crate::auth::StaffActor, id: i64) -> AppResult<bool> {
        actor.require(Area::Jobs, Access::Write)?;
        let done = jangteo_db::jobs::discard(&self.db, id).await?;
        if done {
            self.audit_event(actor, "job.discard", "job", &id.to_string(), "")
                .await?;
        }
        Ok(done)
    }
}
