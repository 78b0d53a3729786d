//! The scheduled chores: jobs without a payload (the schedule's entry is `{}`), each running one
//! use case with the current time. Idempotent: running one twice changes nothing more.

use super::{Job, register};
use crate::App;
use chrono::Duration;
use jangteo_jobs::Handlers;
use serde::{Deserialize, Serialize};

/// Done jobs are kept this many days (for the staff jobs page).
const DONE_RETENTION_DAYS: i64 = 7;
/// Dead jobs are kept this many days (someone should look at them).
const DEAD_RETENTION_DAYS: i64 = 90;

/// Declares each chore as a job type running `App::$method(now)`, and `register_all`.
macro_rules! chores {
    ($($(#[$doc:meta])* $name:ident = $kind:literal => $method:ident;)*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, Default, Serialize, Deserialize)]
            pub(crate) struct $name {}

            impl Job for $name {
                const KIND: &'static str = $kind;

                async fn run(self, app: App, _last_attempt: bool) -> Result<(), String> {
                    let outcome = app.$method(app.now()).await.map_err(|e| e.to_string())?;
                    tracing::info!(chore = Self::KIND, outcome = ?outcome, "chore done");
                    Ok(())
                }
            }
        )*

        /// Registers every chore, pruning included.
        pub(super) fn register_all(handlers: &mut Handlers, app: &App) {
            register::<PruneJobs>(handlers, app);
            register::<PruneSessions>(handlers, app);
            $(register::<$name>(handlers, app);)*
        }
    };
}

chores! {
    /// Delivered orders confirm themselves after the shop's window.
    AutoConfirm = "orders.auto_confirm" => auto_confirm_purchases;
    /// Deposit orders near their deadline get a reminder.
    DepositReminders = "orders.deposit_reminders" => send_deposit_reminders;
    /// Carts left for a day get one reminder (members who agreed to marketing).
    AbandonedCarts = "members.abandoned_carts" => send_abandoned_cart_reminders;
    /// Members move to the grade their spending earns (on the owner's evaluation day).
    EvaluateGrades = "members.evaluate_grades" => evaluate_grades_when_due;
    /// Yesterday's figures to the owner.
    DailyReport = "reports.daily" => send_daily_report;
    /// Members inactive for a year are noticed, then separated.
    Dormancy = "members.dormancy" => apply_dormancy;
    /// Delivered orders ask for a review.
    ReviewRequests = "orders.review_requests" => send_review_requests;
    /// Marketing consent is reconfirmed every two years.
    MarketingReconfirm = "members.marketing_reconfirm" => send_marketing_reconfirmations;
    /// Parcels in transit are looked up at the carrier.
    TrackParcels = "orders.track_parcels" => pull_tracking;
    /// Dirty statistics days are recomputed.
    StatisticsRollup = "stats.rollup" => roll_up_statistics;
    /// Timed sales start and end.
    SalePeriods = "catalog.sale_periods" => apply_sale_periods;
    /// Orders whose payment window closed give back their stock, coupon and points.
    ExpirePayments = "orders.expire_payments" => expire_abandoned_payments;
    /// Members whose birthday it is get the birthday coupons.
    BirthdayCoupons = "members.birthday_coupons" => issue_birthday_coupons;
    /// Points are told 30 days before they expire, then expire.
    ExpirePoints = "members.expire_points" => expire_points;
    /// Review rewards are granted after their hold.
    ReviewRewards = "reviews.grant_rewards" => grant_review_rewards;
    /// Members are told when the sold-out SKU they asked about is back.
    RestockAlerts = "catalog.restock_alerts" => send_restock_alerts;
    /// Staff hear of SKUs running low and of jobs that gave up.
    StaffAlertSweep = "alerts.sweep" => send_staff_alert_sweep;
    /// Paid orders of the other sales channels are imported.
    ChannelOrders = "channels.import" => import_channel_orders;
    /// Stock changed in the shop is sent to the marketplaces' listings.
    ChannelStock = "channels.push_stock" => push_channel_stock;
    /// Waybill files logistics partners dropped are applied.
    PartnerWaybills = "logistics.pull_waybills" => pull_partner_waybills;
}

/// Deletes finished jobs past their retention so the table never bloats.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct PruneJobs {}

impl Job for PruneJobs {
    const KIND: &'static str = super::schedule::PRUNE_JOBS;

    async fn run(self, app: App, _last_attempt: bool) -> Result<(), String> {
        // Job times are the queue's own (system clock).
        let now = chrono::Utc::now();
        let removed = jangteo_db::jobs::prune(
            &app.db,
            now - Duration::days(DONE_RETENTION_DAYS),
            now - Duration::days(DEAD_RETENTION_DAYS),
        )
        .await
        .map_err(|e| e.to_string())?;
        tracing::info!(jobs.removed = removed, "pruned finished jobs");
        Ok(())
    }
}

/// Deletes expired sessions and old login attempts.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct PruneSessions {}

impl Job for PruneSessions {
    const KIND: &'static str = super::schedule::PRUNE_SESSIONS;

    async fn run(self, app: App, _last_attempt: bool) -> Result<(), String> {
        let removed = app.prune_sessions().await.map_err(|e| e.to_string())?;
        tracing::info!(sessions.removed = removed, "pruned expired sessions");
        Ok(())
    }
}
