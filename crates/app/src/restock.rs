//! Restock alerts (재입고 알림, issue 17): a member asks on a sold-out SKU by e-mail or by text
//! (AlimTalk with SMS fallback, offered only when a provider really sends it); a chore tells each
//! once when the SKU is back on sale.

use crate::notify::{Channel, Notification};
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_db::restock_alerts;

/// The event (template) of the alert.
const EVENT: &str = "restock";
/// Alerts sent per run at most (the next run takes the rest).
const BATCH: i64 = 500;

impl App {
    /// The channels a member may choose for a restock alert: e-mail, and text when a provider
    /// really sends AlimTalk or SMS.
    pub fn restock_channels(&self) -> Vec<&'static str> {
        let mut channels = vec!["email"];
        if self.really_sends(Channel::AlimTalk, EVENT) {
            channels.push("text");
        }
        channels
    }

    /// Asks to be told when SKU `sku_id` is back (`channel`: `email` or `text`); refused while
    /// it is on sale, or by text without a mobile number or a provider.
    pub async fn ask_restock_alert(
        &self,
        member_id: i64,
        sku_id: i64,
        channel: &str,
    ) -> AppResult<()> {
        let member = self.active_member(member_id).await?;
        let Some((stock, active, display)) = restock_alerts::sku_state(&self.db, sku_id).await?
        else {
            return Err(AppError::NotFound);
        };
        if display == "hidden" || !active {
            return Err(AppError::NotFound);
        }
        if stock > 0 && display == "on_sale" {
            return Err(AppError::Conflict("restock_on_sale"));
        }
        if !self.restock_channels().contains(&channel) {
            return Err(AppError::Conflict("restock_channel"));
        }
        if channel == "text" && member.mobile.is_none() {
            return Err(AppError::Conflict("restock_no_mobile"));
        }
        restock_alerts::ask(&self.db, sku_id, member_id, channel, self.now()).await?;
        Ok(())
    }

    /// Tells every member whose SKU is back on sale, once; how many were told.
    pub async fn send_restock_alerts(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let mut told = 0;
        for alert in restock_alerts::due(&self.db, BATCH).await? {
            let option = match self.product_detail(&alert.product_slug).await? {
                Some(d) => d
                    .skus
                    .iter()
                    .find(|s| s.id == alert.sku_id)
                    .map(|s| s.label.clone())
                    .unwrap_or_default(),
                None => String::new(),
            };
            let to = match alert.channel.as_str() {
                "text" => alert.mobile.clone().map(|m| (Channel::AlimTalk, m)),
                _ => alert.email.clone().map(|e| (Channel::Email, e)),
            };
            let mut tx = self.db.begin().await?;
            if !restock_alerts::close(&mut tx, alert.id, now).await? {
                continue;
            }
            if let Some((channel, to)) = to {
                let notice = Notification {
                    event: EVENT.into(),
                    channel,
                    to,
                    recipient_name: alert.name.clone(),
                    context: serde_json::json!({ "product": {
                        "name": alert.product_name, "option": option,
                        "url": format!("{}/products/{}", self.config.base_url(), alert.product_slug),
                    }}),
                    advertising: false,
                    dedupe_key: Some(format!("restock:{}", alert.id)),
                };
                told += usize::from(self.notify(&mut tx, &notice).await?.is_some());
            }
            tx.commit().await?;
        }
        Ok(told)
    }
}
