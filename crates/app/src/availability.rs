//! Whether the database answers. A watch asks the server every second on a connection of its
//! own; while it does not answer, the web layer refuses requests that need it at once ("잠시 후
//! 다시") instead of letting each wait for a connection, and serves what it has cached. The
//! watch notices the server's return by itself.

use crate::App;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How often the watch asks while the database answers.
const WATCH_EVERY: Duration = Duration::from_secs(1);
/// How often it asks while it does not (recovery is noticed within this).
const RETRY_EVERY: Duration = Duration::from_millis(500);
/// How long an answer may take before the server counts as unreachable.
const PROBE_DEADLINE: Duration = Duration::from_secs(1);

/// The last thing the watch learned, and the probe it asks with.
#[derive(Debug)]
pub(crate) struct DatabaseHealth {
    down: AtomicBool,
    probe: jangteo_db::Probe,
}

impl DatabaseHealth {
    pub(crate) fn new(db: &jangteo_db::Db) -> Self {
        Self {
            down: AtomicBool::new(false),
            probe: db.probe(PROBE_DEADLINE),
        }
    }

    /// Asks the server, giving up after [`PROBE_DEADLINE`] (a partitioned network never
    /// refuses; it only stays silent).
    async fn answers(&self) -> bool {
        tokio::time::timeout(PROBE_DEADLINE, self.probe.answers())
            .await
            .unwrap_or(false)
    }
}

impl App {
    /// True while the database server does not answer (PostgreSQL only; a SQLite file is
    /// always there).
    pub fn database_down(&self) -> bool {
        self.database_health.down.load(Ordering::Relaxed)
    }

    /// Whether the database answers right now, within a second (`/readyz`).
    pub async fn database_ready(&self) -> bool {
        !self.database_down() && self.database_health.answers().await
    }

    /// Watches the database server until the process ends (PostgreSQL only), logging when it
    /// goes away and when it comes back.
    pub fn spawn_database_watch(&self) -> Option<tokio::task::JoinHandle<()>> {
        if self.db.backend() != jangteo_db::Backend::Postgres {
            return None;
        }
        let health = Arc::clone(&self.database_health);
        Some(tokio::spawn(async move {
            loop {
                let answers = health.answers().await;
                let was_down = health.down.swap(!answers, Ordering::Relaxed);
                match (was_down, answers) {
                    (false, false) => tracing::error!(
                        "the database does not answer: pages that need it say \"try again shortly\""
                    ),
                    (true, true) => tracing::info!("the database answers again"),
                    _ => {}
                }
                tokio::time::sleep(if answers { WATCH_EVERY } else { RETRY_EVERY }).await;
            }
        }))
    }
}
