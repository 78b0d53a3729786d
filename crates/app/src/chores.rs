//! Routine chores: job handlers and the schedule that runs them, started by `serve` (unless
//! `--no-worker`) and `worker`. Each chore is idempotent (the queue delivers at least once).

use crate::{App, order_chores};
use chrono::{Duration, Utc};
use jangteo_jobs::{Handlers, JobSpec, Schedule, Scheduler, Worker, WorkerConfig};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Deletes finished jobs past their retention so the table never bloats.
pub const PRUNE_JOBS: &str = "jobs.prune";
/// Done jobs are kept this many days (for the staff jobs page).
const DONE_RETENTION_DAYS: i64 = 7;
/// Dead jobs are kept this many days (someone should look at them).
const DEAD_RETENTION_DAYS: i64 = 90;

/// Default cron expressions (Asia/Seoul) by schedule name; `schedules.NAME` in the configuration
/// overrides them.
const DEFAULT_SCHEDULES: [(&str, &str, &str); 14] = [
    // Orders whose payment window closed give back their stock, coupon and points.
    (
        "expire-payments",
        "* * * * *",
        crate::orders::pending_payments::EXPIRE_PAYMENTS,
    ),
    // Timed sales start and end on the minute they were set for.
    (
        "sale-periods",
        "* * * * *",
        crate::admin_products::SALE_PERIODS,
    ),
    // Dirty statistics days are recomputed every minute (pages also catch up before they read).
    ("statistics-rollup", "* * * * *", crate::statistics::ROLLUP),
    ("prune-finished-jobs", "30 4 * * *", PRUNE_JOBS),
    ("prune-sessions", "40 4 * * *", PRUNE_SESSIONS),
    ("daily-report", "0 0 * * *", order_chores::DAILY_REPORT),
    ("dormancy", "0 2 * * *", order_chores::DORMANCY),
    (
        "auto-confirm-purchases",
        "0 3 * * *",
        order_chores::AUTO_CONFIRM,
    ),
    (
        "evaluate-grades",
        "0 3 1 * *",
        order_chores::EVALUATE_GRADES,
    ),
    (
        "deposit-reminders",
        "10 * * * *",
        order_chores::DEPOSIT_REMINDERS,
    ),
    ("track-parcels", "20 * * * *", order_chores::TRACK_PARCELS),
    (
        "marketing-reconfirm",
        "0 10 * * *",
        order_chores::MARKETING_RECONFIRM,
    ),
    (
        "review-requests",
        "0 11 * * *",
        order_chores::REVIEW_REQUESTS,
    ),
    (
        "abandoned-carts",
        "0 19 * * *",
        order_chores::ABANDONED_CARTS,
    ),
];

/// Deletes expired sessions and old login attempts.
pub const PRUNE_SESSIONS: &str = "sessions.prune";

impl App {
    /// The handlers of every chore.
    pub fn job_handlers(&self) -> Handlers {
        let mut handlers = Handlers::new();
        let db = self.db.clone();
        handlers.register(PRUNE_JOBS, move |_job| {
            let db = db.clone();
            async move {
                let now = Utc::now();
                let removed = jangteo_db::jobs::prune(
                    &db,
                    now - Duration::days(DONE_RETENTION_DAYS),
                    now - Duration::days(DEAD_RETENTION_DAYS),
                )
                .await
                .map_err(|e| e.to_string())?;
                tracing::info!(jobs.removed = removed, "pruned finished jobs");
                Ok(())
            }
        });
        let app = self.clone();
        handlers.register(crate::notify::SEND_MESSAGE, move |job| {
            let app = app.clone();
            async move {
                let id = job.payload["message_id"]
                    .as_i64()
                    .ok_or("payload without message_id")?;
                app.deliver_message(id, job.is_last_attempt()).await
            }
        });
        let app = self.clone();
        handlers.register(crate::orders::EXPIRE_DEPOSIT, move |job| {
            let app = app.clone();
            async move {
                let number = job.payload["number"]
                    .as_str()
                    .ok_or("payload without number")?;
                app.expire_deposit(number)
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
        });
        let app = self.clone();
        handlers.register(PRUNE_SESSIONS, move |_job| {
            let app = app.clone();
            async move {
                let removed = app.prune_sessions().await.map_err(|e| e.to_string())?;
                tracing::info!(sessions.removed = removed, "pruned expired sessions");
                Ok(())
            }
        });
        macro_rules! chore {
            ($kind:expr, $method:ident) => {{
                let app = self.clone();
                handlers.register($kind, move |_job| {
                    let app = app.clone();
                    async move {
                        let outcome = app.$method(Utc::now()).await.map_err(|e| e.to_string())?;
                        tracing::info!(chore = $kind, outcome = ?outcome, "chore done");
                        Ok(())
                    }
                });
            }};
        }
        chore!(order_chores::AUTO_CONFIRM, auto_confirm_purchases);
        chore!(order_chores::DEPOSIT_REMINDERS, send_deposit_reminders);
        chore!(order_chores::ABANDONED_CARTS, send_abandoned_cart_reminders);
        chore!(order_chores::EVALUATE_GRADES, evaluate_grades);
        chore!(order_chores::DAILY_REPORT, send_daily_report);
        chore!(order_chores::DORMANCY, apply_dormancy);
        let app = self.clone();
        handlers.register(crate::bulk::BULK_CHUNK, move |job| {
            let app = app.clone();
            async move {
                let field = |name: &str| {
                    job.payload[name]
                        .as_i64()
                        .ok_or(format!("payload without {name}"))
                };
                app.process_bulk_chunk(field("bulk_id")?, field("after")?, field("index")?)
                    .await
                    .map_err(|e| e.to_string())
            }
        });
        chore!(order_chores::REVIEW_REQUESTS, send_review_requests);
        chore!(
            order_chores::MARKETING_RECONFIRM,
            send_marketing_reconfirmations
        );
        chore!(order_chores::TRACK_PARCELS, pull_tracking);
        chore!(crate::statistics::ROLLUP, roll_up_statistics);
        chore!(crate::admin_products::SALE_PERIODS, apply_sale_periods);
        chore!(
            crate::orders::pending_payments::EXPIRE_PAYMENTS,
            expire_abandoned_payments
        );
        handlers
    }

    /// The scheduled chores, with configured times applied.
    pub fn schedules(&self) -> Vec<Schedule> {
        DEFAULT_SCHEDULES
            .iter()
            .map(|(name, cron, kind)| Schedule {
                name: (*name).to_owned(),
                cron: self
                    .config
                    .schedules
                    .get(*name)
                    .cloned()
                    .unwrap_or_else(|| (*cron).to_owned()),
                job: JobSpec::new(*kind, serde_json::json!({})).max_attempts(3),
            })
            .collect()
    }

    /// Starts the job worker and the scheduler; they stop (finishing or releasing running jobs)
    /// when `stop` turns true.
    pub fn start_background_work(
        &self,
        stop: watch::Receiver<bool>,
    ) -> Result<Vec<JoinHandle<()>>, String> {
        let scheduler =
            Scheduler::new(self.db.clone(), self.schedules()).map_err(|e| e.to_string())?;
        let mut config = WorkerConfig::new("default");
        config.concurrency = self.config.worker_concurrency.max(1);
        let worker = Worker::new(self.db.clone(), self.job_handlers(), config);
        let grace = std::time::Duration::from_secs(self.config.shutdown_grace_seconds);
        let stopped = |mut rx: watch::Receiver<bool>| async move {
            let _ = rx.wait_for(|s| *s).await;
        };
        Ok(vec![
            tokio::spawn(worker.run(stopped(stop.clone()), grace)),
            tokio::spawn(scheduler.run(stopped(stop))),
        ])
    }
}
