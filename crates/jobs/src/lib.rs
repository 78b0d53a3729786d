//! Durable job queue mechanics over the shop's database: enqueue inside the caller's transaction,
//! claim with a lease, run with a heartbeat, retry with exponential backoff and jitter, bury as
//! `dead` after the last attempt, recover jobs of dead workers, prune finished jobs. Delivery is
//! at least once: handlers must be idempotent. Job handlers live with the use cases (`app`).

mod backoff;
mod scheduler;
mod worker;

pub use backoff::backoff;
pub use scheduler::{Fired, InvalidSchedule, Schedule, Scheduler};
pub use worker::{Handler, Handlers, Job, Worker, WorkerConfig};

use chrono::{DateTime, Utc};
use jangteo_db::{DbResult, Tx, jobs};

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct JobSpec {
    /// Queue (default `default`).
    pub queue: String,
    /// Handler name.
    pub kind: String,
    /// Payload handed to the handler.
    pub payload: serde_json::Value,
    /// Lower runs first.
    pub priority: i64,
    /// Not before (default: now).
    pub run_at: Option<DateTime<Utc>>,
    /// Attempts before it is declared dead.
    pub max_attempts: i64,
    /// At most one job ever exists with this key.
    pub dedupe_key: Option<String>,
}

impl JobSpec {
    /// A job of `kind` with `payload` on the default queue, five attempts.
    pub fn new(kind: impl Into<String>, payload: serde_json::Value) -> Self {
        Self {
            queue: "default".into(),
            kind: kind.into(),
            payload,
            priority: 0,
            run_at: None,
            max_attempts: 5,
            dedupe_key: None,
        }
    }

    /// De-duplicate on `key`.
    pub fn dedupe(mut self, key: impl Into<String>) -> Self {
        self.dedupe_key = Some(key.into());
        self
    }

    /// Run no earlier than `at`.
    pub fn at(mut self, at: DateTime<Utc>) -> Self {
        self.run_at = Some(at);
        self
    }

    /// Priority (lower first).
    pub fn priority(mut self, priority: i64) -> Self {
        self.priority = priority;
        self
    }

    /// Attempts allowed.
    pub fn max_attempts(mut self, n: i64) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// Queue.
    pub fn queue(mut self, queue: impl Into<String>) -> Self {
        self.queue = queue.into();
        self
    }
}

/// Enqueues `spec` in `tx`: the job exists only if the transaction commits. Returns the job id, or
/// `None` when its de-duplication key was already used.
pub async fn enqueue(tx: &mut Tx, spec: &JobSpec) -> DbResult<Option<i64>> {
    let now = Utc::now();
    let payload = spec.payload.to_string();
    jobs::enqueue(
        tx,
        &jobs::NewJob {
            queue: &spec.queue,
            kind: &spec.kind,
            payload: &payload,
            priority: spec.priority,
            run_at: spec.run_at.unwrap_or(now),
            max_attempts: spec.max_attempts,
            dedupe_key: spec.dedupe_key.as_deref(),
        },
        now,
    )
    .await
}
