//! Cron entries evaluated in Asia/Seoul. Each tick fires once with any number of workers: the
//! entry's `last_fire_at` is advanced with a conditional update in the same transaction as the
//! enqueue (a concurrent scheduler's update finds nothing to change), and the job carries the
//! de-duplication key `cron:{name}:{tick}` as a second guard. After downtime only the latest
//! missed tick fires, once.

use crate::{JobSpec, enqueue};
use chrono::{DateTime, Utc};
use chrono_tz::Asia::Seoul;
use croner::Cron;
use jangteo_db::{Db, DbResult, jobs};
use std::future::Future;
use std::time::Duration;

/// One cron entry.
#[derive(Debug, Clone)]
pub struct Schedule {
    /// Unique name (also the staff-visible label).
    pub name: String,
    /// Cron expression in Korean time, e.g. `0 0 * * *` for midnight KST.
    pub cron: String,
    /// The job enqueued at each tick; its object payload gains `scheduled_for`.
    pub job: JobSpec,
}

/// A cron expression that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("schedule {name}: invalid cron expression {cron:?}: {reason}")]
pub struct InvalidSchedule {
    /// Entry name.
    pub name: String,
    /// The expression.
    pub cron: String,
    /// Why.
    pub reason: String,
}

/// A tick that fired.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fired {
    /// Entry name.
    pub name: String,
    /// The tick (UTC).
    pub tick: DateTime<Utc>,
    /// The enqueued job.
    pub job_id: Option<i64>,
}

/// The scheduler of one process.
#[derive(Clone)]
pub struct Scheduler {
    db: Db,
    entries: Vec<(Schedule, Cron)>,
}

fn latest_tick(cron: &Cron, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    cron.find_previous_occurrence(&now.with_timezone(&Seoul), true)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn next_tick(cron: &Cron, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    cron.find_next_occurrence(&now.with_timezone(&Seoul), false)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

impl Scheduler {
    /// Parses every entry.
    pub fn new(db: Db, schedules: Vec<Schedule>) -> Result<Self, InvalidSchedule> {
        let entries = schedules
            .into_iter()
            .map(|s| match s.cron.parse::<Cron>() {
                Ok(cron) => Ok((s, cron)),
                Err(e) => Err(InvalidSchedule {
                    name: s.name.clone(),
                    cron: s.cron.clone(),
                    reason: e.to_string(),
                }),
            })
            .collect::<Result<_, _>>()?;
        Ok(Self { db, entries })
    }

    /// Records the entries; a new entry starts as if its latest past tick had fired (adding a
    /// nightly chore in the afternoon does not run it at once).
    pub async fn register(&self, now: DateTime<Utc>) -> DbResult<()> {
        let mut tx = self.db.begin().await?;
        for (schedule, cron) in &self.entries {
            let last = latest_tick(cron, now).unwrap_or(now);
            let next = next_tick(cron, now).unwrap_or(now);
            jobs::register_schedule(&mut tx, &schedule.name, &schedule.cron, last, next, now)
                .await?;
        }
        tx.commit().await
    }

    /// Fires every entry whose latest tick at `now` has not fired yet.
    pub async fn tick(&self, now: DateTime<Utc>) -> DbResult<Vec<Fired>> {
        let mut fired = Vec::new();
        for (schedule, cron) in &self.entries {
            let Some(tick) = latest_tick(cron, now) else {
                continue;
            };
            let next = next_tick(cron, now).unwrap_or(tick);
            let mut tx = self.db.begin().await?;
            if !jobs::advance_schedule(&mut tx, &schedule.name, tick, next, now).await? {
                continue;
            }
            let mut spec = schedule.job.clone().dedupe(format!(
                "cron:{}:{}",
                schedule.name,
                tick.to_rfc3339()
            ));
            if let Some(object) = spec.payload.as_object_mut() {
                object.insert("scheduled_for".into(), tick.to_rfc3339().into());
            }
            let job_id = enqueue(&mut tx, &spec).await?;
            tx.commit().await?;
            tracing::info!(schedule = %schedule.name, tick = %tick, job.id = ?job_id, "scheduled job enqueued");
            fired.push(Fired {
                name: schedule.name.clone(),
                tick,
                job_id,
            });
        }
        Ok(fired)
    }

    /// When the next entry is due.
    pub fn next_due(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.entries
            .iter()
            .filter_map(|(_, cron)| next_tick(cron, now))
            .min()
    }

    /// Registers the entries and fires ticks as they come until `shutdown` resolves (checking
    /// at least every minute, so clock jumps and other instances' changes are noticed).
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) {
        if let Err(e) = self.register(Utc::now()).await {
            tracing::error!(error = %e, "registering schedules failed");
        }
        tokio::pin!(shutdown);
        loop {
            if let Err(e) = self.tick(Utc::now()).await {
                tracing::error!(error = %e, "scheduler tick failed");
            }
            let now = Utc::now();
            let wait = self
                .next_due(now)
                .and_then(|at| (at - now).to_std().ok())
                .unwrap_or(Duration::from_secs(60))
                .min(Duration::from_secs(60))
                + Duration::from_millis(50);
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(wait) => {}
            }
        }
    }
}
