//! What the shop tells a Prometheus scraper besides the request counts the web layer keeps:
//! job queues and database pools (measured when scraped), messages and payments (counted as
//! they happen). Without an installed recorder every call here is a no-op.

use crate::{App, AppResult};

/// Messages handed to a provider or given up, by channel and outcome.
pub const MESSAGES: &str = "jangteo_messages_total";
/// Payment outcomes by gateway: `approved`, `declined` (refused, abandoned, wrong amount) or
/// `gateway_error` (the gateway could not be reached or answered nonsense).
pub const PAYMENTS: &str = "jangteo_payments_total";
/// Unfinished jobs by queue and state.
pub const JOBS: &str = "jangteo_jobs";
/// Ready jobs whose time has come, by queue.
pub const JOBS_DUE: &str = "jangteo_jobs_due";
/// Seconds the longest-waiting due job of a queue has waited.
pub const JOBS_OLDEST_DUE_SECONDS: &str = "jangteo_jobs_oldest_due_seconds";
/// Database connections by pool and state (`idle`, `in_use`).
pub const DB_CONNECTIONS: &str = "jangteo_db_connections";

/// Counts one message outcome: `sent` or `failed`.
pub(crate) fn count_message(channel: &str, outcome: &'static str) {
    metrics::counter!(MESSAGES, "channel" => channel.to_owned(), "outcome" => outcome).increment(1);
}

/// Counts one payment outcome.
pub(crate) fn count_payment(gateway: &str, outcome: &'static str) {
    metrics::counter!(PAYMENTS, "gateway" => gateway.to_owned(), "outcome" => outcome).increment(1);
}

impl App {
    /// Brings the scrape-time gauges up to date: unfinished jobs per queue and state, how long
    /// the oldest due job has waited, and the database pools.
    pub async fn measure_for_scrape(&self) -> AppResult<()> {
        let now = self.now();
        for pool in self.db.pool_usage() {
            let in_use = pool.open.saturating_sub(pool.idle);
            metrics::gauge!(DB_CONNECTIONS, "pool" => pool.name, "state" => "idle")
                .set(pool.idle as f64);
            metrics::gauge!(DB_CONNECTIONS, "pool" => pool.name, "state" => "in_use")
                .set(in_use as f64);
        }
        let depths = jangteo_db::jobs::queue_depths(&self.db, now).await?;
        // Every known queue and state gets a value, so an emptied queue reads 0, not its last count.
        for queue in queue_names(&depths) {
            let mut due = 0;
            let mut oldest = 0.0;
            for state in ["ready", "running", "dead"] {
                let row = depths.iter().find(|d| d.queue == queue && d.state == state);
                let jobs = row.map_or(0, |d| d.jobs);
                metrics::gauge!(JOBS, "queue" => queue.clone(), "state" => state).set(jobs as f64);
                if let Some(d) = row.filter(|d| d.state == "ready") {
                    due = d.due;
                    oldest = d
                        .oldest_due_at
                        .map_or(0.0, |t| (now - t).num_milliseconds().max(0) as f64 / 1000.0);
                }
            }
            metrics::gauge!(JOBS_DUE, "queue" => queue.clone()).set(due as f64);
            metrics::gauge!(JOBS_OLDEST_DUE_SECONDS, "queue" => queue).set(oldest);
        }
        Ok(())
    }
}

/// The queues to report: the default queue always, and any other that has unfinished jobs.
fn queue_names(depths: &[jangteo_db::jobs::QueueDepth]) -> Vec<String> {
    let mut names = vec!["default".to_owned()];
    for d in depths {
        if !names.contains(&d.queue) {
            names.push(d.queue.clone());
        }
    }
    names
}

impl App {
    /// Whether a scraper presented the configured metrics token (compared as digests, so the
    /// comparison's time says nothing about the token). Never true while no token is set.
    pub fn metrics_token_accepted(&self, presented: &str) -> bool {
        use sha2::{Digest, Sha256};
        let token = &self.config.metrics.token.0;
        !token.is_empty()
            && Sha256::digest(token.as_bytes()) == Sha256::digest(presented.as_bytes())
    }
}
