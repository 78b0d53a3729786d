//! Orders from other sales channels (issue 18): the configured marketplaces, the chore that
//! imports their paid orders every few minutes (each once, its stock reserved from the shop's
//! own), and the waybill sent back when staff ship one, by a retried job that never holds up the
//! shipment itself.

pub mod admin;
mod dispatch;
mod import;
pub mod sheet;

use crate::{App, AppError, AppResult};
use chrono::{DateTime, Duration, Utc};
use jangteo_core::channels::Marketplace;
use jangteo_db::{channel_orders, settings};
use jangteo_providers::channels::coupang::{Coupang, CoupangConfig};
use jangteo_providers::channels::smartstore::{SmartStore, SmartStoreConfig};
use jangteo_providers::channels::{ChannelError, SalesChannel};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

pub use import::Imported;

/// How far back the first import looks.
const FIRST_LOOK_HOURS: i64 = 24;
/// Each run looks again at the last minutes before where the previous one stopped: a change
/// the channel recorded late is not missed (an order found twice is imported once).
const OVERLAP_MINUTES: i64 = 10;
/// Windows one run may walk through (a worker that was off for a while catches up over runs).
const MAX_WINDOWS: usize = 14;

/// The marketplaces whose credentials are configured.
pub(crate) fn configured(config: &crate::Config) -> Vec<Arc<dyn SalesChannel>> {
    let mut channels: Vec<Arc<dyn SalesChannel>> = Vec::new();
    // Order lists can be slow on large volumes (Coupang's docs warn of it).
    let http = || jangteo_providers::payments::http_client(std::time::Duration::from_secs(60));
    let s = &config.channels.smartstore;
    if s.enabled() {
        channels.push(Arc::new(SmartStore::new(
            http(),
            SmartStoreConfig {
                api_base: s.api_base.trim_end_matches('/').to_owned(),
                client_id: s.client_id.trim().to_owned(),
                client_secret: s.client_secret.0.trim().to_owned(),
            },
        )));
    }
    let c = &config.channels.coupang;
    if c.enabled() {
        channels.push(Arc::new(Coupang::new(
            http(),
            CoupangConfig {
                api_base: c.api_base.trim_end_matches('/').to_owned(),
                vendor_id: c.vendor_id.trim().to_owned(),
                access_key: c.access_key.trim().to_owned(),
                secret_key: c.secret_key.0.trim().to_owned(),
            },
        )));
    }
    channels
}

/// What the last import run of a channel did, for the channels page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRun {
    /// When it ran.
    pub at: Option<DateTime<Utc>>,
    /// Orders imported.
    pub imported: usize,
    /// Orders refused (an unknown SKU code, …).
    pub refused: usize,
    /// Why it stopped early, if it did.
    pub error: Option<String>,
}

/// A channel as the channels page shows it.
#[derive(Debug, Clone)]
pub struct ChannelStatus {
    /// Which.
    pub marketplace: Marketplace,
    /// Whether its credentials are configured.
    pub configured: bool,
    /// Its last import run.
    pub last_run: ImportRun,
}

fn cursor_key(m: Marketplace) -> String {
    format!("channels.{}.cursor", m.code())
}

fn run_key(m: Marketplace) -> String {
    format!("channels.{}.last_run", m.code())
}

impl App {
    /// Imports the paid orders of every configured channel; the orders imported.
    pub async fn import_channel_orders(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let mut imported = 0;
        for channel in self.sales_channels.iter() {
            let run = self.import_from(channel.as_ref(), now).await?;
            imported += run.imported;
        }
        Ok(imported)
    }

    /// One channel's run: window after window from where the last run stopped, each order
    /// imported and acknowledged; the cursor moves only past windows fully read.
    async fn import_from(
        &self,
        channel: &dyn SalesChannel,
        now: DateTime<Utc>,
    ) -> AppResult<ImportRun> {
        let m = channel.marketplace();
        let mut since = match settings::get(&self.db, &cursor_key(m)).await? {
            Some(raw) => DateTime::parse_from_rfc3339(&raw)
                .map_or(now, |t| t.to_utc() - Duration::minutes(OVERLAP_MINUTES)),
            None => now - Duration::hours(FIRST_LOOK_HOURS),
        };
        let mut run = ImportRun {
            at: Some(now),
            ..ImportRun::default()
        };
        for _ in 0..MAX_WINDOWS {
            if since >= now {
                break;
            }
            match self.import_window(channel, since, now, &mut run).await {
                Ok(until) => since = until,
                Err(e) => {
                    tracing::warn!(channel = m.code(), error = %e, "channel import stopped");
                    run.error = Some(e.to_string());
                    break;
                }
            }
        }
        let mut tx = self.db.begin().await?;
        settings::set(&mut tx, &cursor_key(m), &since.to_rfc3339(), now).await?;
        let summary = serde_json::to_string(&run).map_err(|e| AppError::Other(e.to_string()))?;
        settings::set(&mut tx, &run_key(m), &summary, now).await?;
        tx.commit().await?;
        Ok(run)
    }

    async fn import_window(
        &self,
        channel: &dyn SalesChannel,
        since: DateTime<Utc>,
        now: DateTime<Utc>,
        run: &mut ImportRun,
    ) -> Result<DateTime<Utc>, ChannelError> {
        let found = channel.paid_orders(since, now).await?;
        let mut taken = Vec::new();
        for order in &found.orders {
            match self.import_channel_order(order).await {
                Ok(Imported::New { .. }) => {
                    run.imported += 1;
                    taken.push(order);
                }
                Ok(Imported::Known) => {}
                Ok(Imported::Refused(_)) => run.refused += 1,
                Err(e) => return Err(ChannelError::Unavailable(format!("storing an order: {e}"))),
            }
        }
        if !taken.is_empty() {
            channel.acknowledge(&taken).await?;
        }
        Ok(found.looked_until)
    }

    /// The configured adapter of a marketplace.
    pub(crate) fn sales_channel(&self, m: Marketplace) -> Option<&Arc<dyn SalesChannel>> {
        self.sales_channels.iter().find(|c| c.marketplace() == m)
    }

    /// Sends the marketplaces the stock of every listing whose SKU's stock changed since it was
    /// last sent (the `channels.push_stock` chore); a failure is kept and tried again at the next
    /// run, never in the way of a sale. The listings updated.
    pub async fn push_channel_stock(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let mut pushed = 0;
        for (code, listing, stock) in channel_orders::stock_to_push(&self.db, 200).await? {
            let Some(channel) = Marketplace::from_code(&code).and_then(|m| self.sales_channel(m))
            else {
                continue;
            };
            let error = match channel.push_stock(&listing, stock).await {
                Ok(()) => None,
                Err(e) => {
                    tracing::warn!(channel = %code, listing = %listing, error = %e, "stock not sent");
                    Some(e.to_string())
                }
            };
            pushed += usize::from(error.is_none());
            let at = (code.as_str(), listing.as_str());
            channel_orders::record_push(&self.db, at, stock, error.as_deref(), now).await?;
        }
        Ok(pushed)
    }

    /// Every channel the shop knows, configured or not, with its last run.
    pub async fn channel_statuses(&self) -> AppResult<Vec<ChannelStatus>> {
        let mut statuses = Vec::new();
        for m in [Marketplace::SmartStore, Marketplace::Coupang] {
            let last_run = settings::get(&self.db, &run_key(m))
                .await?
                .and_then(|raw| serde_json::from_str(&raw).ok())
                .unwrap_or_default();
            statuses.push(ChannelStatus {
                marketplace: m,
                configured: self.sales_channel(m).is_some(),
                last_run,
            });
        }
        Ok(statuses)
    }
}
