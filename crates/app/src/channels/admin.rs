//! 판매 채널 in the back office: each marketplace's state and last import, the orders imported
//! with the way their waybills went back, the orders that could not be imported, and an import
//! on demand (orders, write; audited).

use super::ChannelStatus;
use crate::auth::StaffActor;
use crate::{App, AppError, AppResult};
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::channel_orders::{self, ImportProblemRow, ImportedOrderRow, PushProblemRow};

/// How many imported orders and problems the page lists.
const LISTED: i64 = 50;

/// What the channels page shows.
#[derive(Debug, Clone)]
pub struct ChannelsOverview {
    /// Every channel with its last run.
    pub channels: Vec<ChannelStatus>,
    /// Orders imported lately, newest first.
    pub recent: Vec<ImportedOrderRow>,
    /// Orders not imported, newest first.
    pub problems: Vec<ImportProblemRow>,
    /// Listings whose stock could not be sent.
    pub stock_problems: Vec<PushProblemRow>,
}

impl App {
    /// The channels page (orders, read).
    pub async fn admin_channels(&self, actor: &StaffActor) -> AppResult<ChannelsOverview> {
        actor.require(Area::Orders, Access::Read)?;
        Ok(ChannelsOverview {
            channels: self.channel_statuses().await?,
            recent: channel_orders::recent(&self.db, LISTED).await?,
            problems: channel_orders::problems(&self.db, LISTED).await?,
            stock_problems: channel_orders::push_problems(&self.db, LISTED).await?,
        })
    }

    /// The order's link to the marketplace it was imported from (orders, read).
    pub async fn channel_order_of(
        &self,
        actor: &StaffActor,
        order_id: i64,
    ) -> AppResult<Option<jangteo_db::channel_orders::ChannelOrderRow>> {
        actor.require(Area::Orders, Access::Read)?;
        Ok(channel_orders::find(&self.db, order_id).await?)
    }

    /// Imports the channels' paid orders now instead of at the next run (orders, write);
    /// audited with the number imported.
    pub async fn staff_import_channel_orders(&self, actor: &StaffActor) -> AppResult<usize> {
        actor.require(Area::Orders, Access::Write)?;
        if self.sales_channels.is_empty() {
            return Err(AppError::Conflict("no_channel"));
        }
        let now = self.now();
        let imported = self.import_channel_orders(now).await?;
        let mut tx = self.db.begin().await?;
        let target = "import";
        let entry = NewAudit {
            after: Some(serde_json::json!({ "imported": imported }).to_string()),
            ..actor.entry("channels.import", "channel", target)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        Ok(imported)
    }
}
