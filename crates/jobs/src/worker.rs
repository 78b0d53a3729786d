//! Workers: claim due jobs, run their handlers with a heartbeat, record the outcome.

use crate::backoff;
use chrono::{Duration as ChronoDuration, Utc};
use futures::future::BoxFuture;
use jangteo_db::{Db, DbResult, jobs};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::task::JoinSet;

/// A claimed job as a handler sees it.
#[derive(Debug, Clone)]
pub struct Job {
    /// Id.
    pub id: i64,
    /// Handler name.
    pub kind: String,
    /// Payload.
    pub payload: serde_json::Value,
    /// This attempt's number (1 for the first run).
    pub attempt: i64,
    /// Attempts allowed: when `attempt == max_attempts`, a failure buries the job.
    pub max_attempts: i64,
}

impl Job {
    /// Whether a failure now is final (no retry follows).
    pub fn is_last_attempt(&self) -> bool {
        self.attempt >= self.max_attempts
    }
}

/// A job handler: `Ok` completes the job, `Err(reason)` schedules a retry (or buries it).
pub type Handler = Arc<dyn Fn(Job) -> BoxFuture<'static, Result<(), String>> + Send + Sync>;

/// Handlers by job kind.
#[derive(Clone, Default)]
pub struct Handlers(HashMap<String, Handler>);

impl Handlers {
    /// No handlers yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers the handler of `kind`.
    pub fn register<F, Fut>(&mut self, kind: impl Into<String>, handler: F) -> &mut Self
    where
        F: Fn(Job) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), String>> + Send + 'static,
    {
        self.0
            .insert(kind.into(), Arc::new(move |job| Box::pin(handler(job))));
        self
    }
}

/// How a worker behaves.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// The queue it serves.
    pub queue: String,
    /// Its name in leases (unique per process and worker).
    pub worker_id: String,
    /// Jobs run at once.
    pub concurrency: usize,
    /// How long a claim lasts without a heartbeat.
    pub lease: Duration,
    /// How often to look for due jobs when nothing wakes the worker.
    pub poll_interval: Duration,
}

impl WorkerConfig {
    /// Defaults for `queue`: 4 at once, 60 s leases renewed every 20 s, polling every second.
    pub fn new(queue: impl Into<String>) -> Self {
        let mut raw = [0u8; 6];
        let _ = getrandom::fill(&mut raw);
        let suffix: String = raw.iter().map(|b| format!("{b:02x}")).collect();
        Self {
            queue: queue.into(),
            worker_id: format!("{}-{}-{suffix}", hostname(), std::process::id()),
            concurrency: 4,
            lease: Duration::from_secs(60),
            poll_interval: Duration::from_secs(1),
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .map(|h| h.trim().to_owned())
        .ok()
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "worker".into())
}

fn jitter() -> f64 {
    let mut raw = [0u8; 2];
    let _ = getrandom::fill(&mut raw);
    f64::from(u16::from_le_bytes(raw)) / 65_536.0
}

fn chrono(d: Duration) -> ChronoDuration {
    ChronoDuration::from_std(d).unwrap_or(ChronoDuration::MAX)
}

/// A worker over one queue.
#[derive(Clone)]
pub struct Worker {
    db: Db,
    handlers: Arc<Handlers>,
    config: WorkerConfig,
    wake: Arc<Notify>,
}

impl Worker {
    /// A worker with its handlers.
    pub fn new(db: Db, handlers: Handlers, config: WorkerConfig) -> Self {
        Self {
            db,
            handlers: Arc::new(handlers),
            config,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Wakes the worker now (call after enqueueing in this process).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// This worker's lease name.
    pub fn id(&self) -> &str {
        &self.config.worker_id
    }

    /// Claims up to `limit` due jobs (also recovering jobs whose worker died).
    async fn claim(&self, limit: usize) -> DbResult<Vec<jobs::ClaimedJob>> {
        let now = Utc::now();
        jobs::reap_expired(&self.db, now).await?;
        jobs::claim(
            &self.db,
            &self.config.queue,
            &self.config.worker_id,
            i64::try_from(limit).unwrap_or(i64::MAX),
            now,
            now + chrono(self.config.lease),
        )
        .await
    }

    /// Runs one claimed job and records the outcome.
    async fn execute(&self, claimed: jobs::ClaimedJob) {
        let worker = self.config.worker_id.clone();
        let outcome = match self.handlers.0.get(&claimed.kind) {
            None => Err((format!("no handler for job kind {:?}", claimed.kind), true)),
            Some(handler) => {
                let payload =
                    serde_json::from_str(&claimed.payload).unwrap_or(serde_json::Value::Null);
                let job = Job {
                    id: claimed.id,
                    kind: claimed.kind.clone(),
                    payload,
                    attempt: claimed.attempts,
                    max_attempts: claimed.max_attempts,
                };
                // A panicking handler is a failed attempt, not a dead worker.
                match tokio::spawn(handler(job)).await {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(reason)) => Err((reason, false)),
                    Err(e) => Err((format!("handler panicked: {e}"), false)),
                }
            }
        };
        let now = Utc::now();
        let recorded = match outcome {
            Ok(()) => jobs::complete(&self.db, claimed.id, &worker, now).await,
            Err((reason, fatal)) => {
                let retry_at = (!fatal && claimed.attempts < claimed.max_attempts)
                    .then(|| now + chrono(backoff(claimed.attempts, jitter())));
                tracing::warn!(job.id = claimed.id, job.kind = %claimed.kind, job.attempt = claimed.attempts,
                    retry = retry_at.is_some(), error = %reason, "job failed");
                jobs::fail(&self.db, claimed.id, &worker, &reason, retry_at, now).await
            }
        };
        match recorded {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(job.id = claimed.id, "job lease was lost before it finished")
            }
            Err(e) => {
                tracing::error!(job.id = claimed.id, error = %e, "recording a job outcome failed")
            }
        }
    }

    /// Runs every due job once, one after the other; returns how many ran (tests, CLI chores).
    pub async fn run_due(&self) -> DbResult<usize> {
        let mut ran = 0;
        loop {
            let batch = self.claim(self.config.concurrency.max(1)).await?;
            if batch.is_empty() {
                return Ok(ran);
            }
            for job in batch {
                self.execute(job).await;
                ran += 1;
            }
        }
    }

    /// Serves the queue until `shutdown` resolves; then stops claiming, lets running jobs finish
    /// for up to `grace`, and returns the rest to the queue.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send, grace: Duration) {
        let mut running: JoinSet<()> = JoinSet::new();
        let mut heartbeat = tokio::time::interval(self.config.lease / 3);
        tokio::pin!(shutdown);
        loop {
            let free = self.config.concurrency.max(1).saturating_sub(running.len());
            if free > 0 {
                match self.claim(free).await {
                    Ok(batch) => {
                        for job in batch {
                            let worker = self.clone();
                            running.spawn(async move { worker.execute(job).await });
                        }
                    }
                    Err(e) => tracing::error!(error = %e, "claiming jobs failed"),
                }
            }
            tokio::select! {
                () = &mut shutdown => break,
                _ = heartbeat.tick() => {
                    let until = Utc::now() + chrono(self.config.lease);
                    if let Err(e) = jobs::extend_leases(&self.db, &self.config.worker_id, until).await {
                        tracing::error!(error = %e, "renewing job leases failed");
                    }
                }
                Some(_) = running.join_next(), if !running.is_empty() => {}
                () = self.wake.notified() => {}
                () = tokio::time::sleep(self.config.poll_interval) => {}
            }
        }
        let _ = tokio::time::timeout(grace, async {
            while running.join_next().await.is_some() {}
        })
        .await;
        running.abort_all();
        match jobs::release(&self.db, &self.config.worker_id, Utc::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(jobs = n, "returned unfinished jobs to the queue"),
            Err(e) => {
                tracing::error!(error = %e, "releasing jobs failed; their leases will expire")
            }
        }
    }
}
