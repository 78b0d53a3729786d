//! The schedule of the chores and the worker that runs every job, started by `serve` (unless
//! `--no-worker`) and `worker`. Each chore is idempotent (the queue delivers at least once).

use super::Job;
use super::chores;
use crate::App;
use jangteo_jobs::{JobSpec, Schedule, Scheduler, Worker, WorkerConfig};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// Deletes finished jobs past their retention so the table never bloats.
pub const PRUNE_JOBS: &str = "jobs.prune";

/// Default cron expressions (Asia/Seoul) by schedule name; `schedules.NAME` in the configuration
/// overrides them.
const DEFAULT_SCHEDULES: [(&str, &str, &str); 22] = [
    // Orders whose payment window closed give back their stock, coupon and points.
    ("expire-payments", "* * * * *", chores::ExpirePayments::KIND),
    // Timed sales start and end on the minute they were set for.
    ("sale-periods", "* * * * *", chores::SalePeriods::KIND),
    // Dirty statistics days are recomputed every minute (pages also catch up before they read).
    (
        "statistics-rollup",
        "* * * * *",
        chores::StatisticsRollup::KIND,
    ),
    ("prune-finished-jobs", "30 4 * * *", PRUNE_JOBS),
    ("prune-sessions", "40 4 * * *", PRUNE_SESSIONS),
    ("daily-report", "0 0 * * *", chores::DailyReport::KIND),
    ("dormancy", "0 2 * * *", chores::Dormancy::KIND),
    (
        "auto-confirm-purchases",
        "0 3 * * *",
        chores::AutoConfirm::KIND,
    ),
    // Daily: the chore runs the evaluation on the owner's day (회원 등급 in the back office).
    ("evaluate-grades", "0 3 * * *", chores::EvaluateGrades::KIND),
    // Points expire at the start of their day; the notices go with the same run.
    ("expire-points", "30 0 * * *", chores::ExpirePoints::KIND),
    ("review-rewards", "45 * * * *", chores::ReviewRewards::KIND),
    // Marketplace orders reach the shop within five minutes (nothing runs without a channel).
    ("channel-orders", "*/5 * * * *", chores::ChannelOrders::KIND),
    // The marketplaces hear of stock changes within ten minutes.
    ("channel-stock", "*/10 * * * *", chores::ChannelStock::KIND),
    // Waybills partners drop are picked up within ten minutes.
    (
        "partner-waybills",
        "*/10 * * * *",
        chores::PartnerWaybills::KIND,
    ),
    // Restocked SKUs are told within five minutes.
    ("restock-alerts", "*/5 * * * *", chores::RestockAlerts::KIND),
    // Staff hear of low stock and dead jobs within ten minutes.
    (
        "staff-alerts",
        "*/10 * * * *",
        chores::StaffAlertSweep::KIND,
    ),
    // Birthday coupons in the morning (days the worker missed are caught up).
    (
        "birthday-coupons",
        "0 9 * * *",
        chores::BirthdayCoupons::KIND,
    ),
    (
        "deposit-reminders",
        "10 * * * *",
        chores::DepositReminders::KIND,
    ),
    ("track-parcels", "20 * * * *", chores::TrackParcels::KIND),
    (
        "marketing-reconfirm",
        "0 10 * * *",
        chores::MarketingReconfirm::KIND,
    ),
    (
        "review-requests",
        "0 11 * * *",
        chores::ReviewRequests::KIND,
    ),
    (
        "abandoned-carts",
        "0 19 * * *",
        chores::AbandonedCarts::KIND,
    ),
];

/// Deletes expired sessions and old login attempts.
pub const PRUNE_SESSIONS: &str = "sessions.prune";

impl App {
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
