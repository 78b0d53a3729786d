//! Telling the buyer their gift card is issued (issue 16): by e-mail and by AlimTalk (SMS when
//! no approved template) as the owner chooses. By default the message carries the order link,
//! and PINs leave sealed storage only on the order page, to the buyer who re-authenticated. The
//! owner may have the PINs go in the message too: the stored message then holds a placeholder
//! that is filled at sending (`pins_message`), so the message log never holds a PIN. The buyer
//! may ask for the notice again a few times per order. Staff hear when a sale leaves a pool low.

use crate::auth::StaffActor;
use crate::notify::{Channel, Notification};
use crate::{App, AppError, AppResult};
use jangteo_core::pins::PinStatus;
use jangteo_core::staff::{Access, Area};
use jangteo_db::Tx;
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::orders::OrderRow;
use jangteo_db::settings;

/// Settings key: the channels of the notice (`email`, `text`, comma-separated; empty: none),
/// and `pins` when the PINs go in the message.
const CHANNELS_KEY: &str = "pins.notice_channels";

/// The message event (template) of the notice.
const EVENT: &str = "codes_issued";

/// How many times a buyer may ask for the notice again per order.
pub const RESENDS_PER_ORDER: u32 = 3;

/// Where the notice goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoticeChannels {
    /// E-mail to the orderer.
    pub email: bool,
    /// AlimTalk (SMS fallback) to the orderer's mobile.
    pub text: bool,
    /// The PINs themselves go in the message (sending them provides them: the buyer's right
    /// to cancel ends as if they had looked).
    pub pins: bool,
}

impl NoticeChannels {
    fn parse(stored: &str) -> Self {
        let on = |name: &str| stored.split(',').any(|c| c.trim() == name);
        Self {
            email: on("email"),
            text: on("text"),
            pins: on("pins"),
        }
    }

    fn stored(self) -> String {
        [
            ("email", self.email),
            ("text", self.text),
            ("pins", self.pins),
        ]
        .iter()
        .filter(|(_, on)| *on)
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(",")
    }
}

impl App {
    /// The notice's channels: both, with the link only, until the owner chooses.
    pub async fn gift_card_notice(&self) -> AppResult<NoticeChannels> {
        Ok(settings::get(&self.db, CHANNELS_KEY).await?.map_or(
            NoticeChannels {
                email: true,
                text: true,
                pins: false,
            },
            |s| NoticeChannels::parse(&s),
        ))
    }

    /// The channels that carry paid PINs to the buyer: none unless the owner sends PINs in
    /// the notice, and only those a provider is configured for (the outbox sends nothing).
    pub async fn pins_sent_by(&self) -> AppResult<Vec<Channel>> {
        let notice = self.gift_card_notice().await?;
        if !notice.pins {
            return Ok(Vec::new());
        }
        let chosen = [
            (notice.email, Channel::Email),
            (notice.text, Channel::AlimTalk),
        ];
        Ok(chosen
            .into_iter()
            .filter(|(on, channel)| *on && self.really_sends(*channel, EVENT))
            .map(|(_, channel)| channel)
            .collect())
    }

    /// Sets the notice's channels (shop settings, write); audited.
    pub async fn set_gift_card_notice(
        &self,
        actor: &StaffActor,
        channels: NoticeChannels,
    ) -> AppResult<()> {
        actor.require(Area::Settings, Access::Write)?;
        let now = self.now();
        let after = channels.stored();
        let mut tx = self.db.begin().await?;
        settings::set(&mut tx, CHANNELS_KEY, &after, now).await?;
        let entry = NewAudit {
            after: Some(serde_json::json!({ "channels": after }).to_string()),
            ..actor.entry("settings.gift_card_notice", "settings", CHANNELS_KEY)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Queues the notice of `order`'s issued codes on the owner's `channels` (read before the
    /// transaction); `round` 0 is the first notice, 1.. the buyer's requests again. False when
    /// that round was sent already.
    pub(crate) async fn notify_codes_issued(
        &self,
        tx: &mut Tx,
        order: &OrderRow,
        channels: NoticeChannels,
        round: u32,
    ) -> AppResult<bool> {
        let mut context = self.order_message_context(tx, order, EVENT, None).await?;
        if channels.pins {
            // The placeholder is filled when the message leaves (pins_message), never stored.
            context["pins_in_message"] = true.into();
            context["pins_list"] = crate::pins_message::PINS_PLACEHOLDER.into();
        }
        let mut queued = false;
        let number = &order.number;
        if channels.email {
            let key = format!("{EVENT}:{number}:email:{round}");
            let email = (EVENT, Channel::Email);
            let context = context.clone();
            queued |= self.notify_orderer(tx, order, email, context, key).await?;
        }
        if channels.text && !order.orderer_mobile.is_empty() {
            let key = format!("{EVENT}:{number}:text:{round}");
            let text = (EVENT, Channel::AlimTalk);
            queued |= self.notify_orderer(tx, order, text, context, key).await?;
        }
        Ok(queued)
    }

    /// Tells staff (Slack and the shop's e-mail) which pools `order`'s sale left at or below the
    /// "품절 임박" threshold; once per pool size, so a refill arms the alert again.
    pub(crate) async fn alert_low_pools(&self, order: &OrderRow) -> AppResult<()> {
        let threshold = self.low_stock_threshold().await?;
        if threshold <= 0 {
            return Ok(());
        }
        let mut low = Vec::new();
        for line in jangteo_db::orders::lines(&self.db, order.id).await? {
            let Some(sku) = line.sku_id else { continue };
            let counts = jangteo_db::pins::counts(&self.db, sku).await?;
            let count = |s: PinStatus| {
                counts
                    .iter()
                    .filter(|(status, _)| *status == s.as_str())
                    .map(|(_, n)| *n)
                    .sum::<i64>()
            };
            let available = count(PinStatus::Available);
            let total: i64 = counts.iter().map(|(_, n)| n).sum();
            if total == 0 || available > threshold {
                continue;
            }
            let snapshot = jangteo_db::catalog::stock::snapshots(&self.db, &[sku]).await?;
            if let Some(product) = snapshot.first().map(|s| s.product_id) {
                low.push((sku, product, line.product_name, available, total));
            }
        }
        if low.is_empty() {
            return Ok(());
        }
        let mut tx = self.db.begin().await?;
        for (sku, product, name, available, total) in low {
            let context = serde_json::json!({ "pool": {
                "product": name, "available": available, "sold": total - available,
                "url": format!("{}/admin/products/{product}/pins", self.config.base_url()),
            }});
            for (channel, to) in [
                (Channel::Slack, "staff".to_owned()),
                (Channel::Email, self.config.shop.business.email.clone()),
            ] {
                if to.is_empty() {
                    continue;
                }
                let alert = Notification {
                    event: "pin_pool_low".into(),
                    channel,
                    to,
                    recipient_name: String::new(),
                    context: context.clone(),
                    advertising: false,
                    dedupe_key: Some(format!("pin_pool_low:{sku}:{total}:{}", channel.as_str())),
                };
                self.notify(&mut tx, &alert).await?;
            }
            tracing::warn!(sku, available, "gift-card PIN pool is running low");
        }
        tx.commit().await?;
        Ok(())
    }

    /// The buyer asks for the notice again (the caller checked the order is theirs): at most
    /// [`RESENDS_PER_ORDER`] times per order, then `resend_limit`.
    pub async fn resend_codes_notice(&self, order: &OrderRow) -> AppResult<()> {
        let issued = matches!(
            order.status,
            jangteo_core::order::OrderStatus::Delivered
                | jangteo_core::order::OrderStatus::Completed
        );
        if !issued || self.pin_summary(order).await?.issued == 0 {
            return Err(AppError::NotFound);
        }
        let channels = self.gift_card_notice().await?;
        if !channels.email && !channels.text {
            return Err(AppError::Conflict("notice_off"));
        }
        let mut tx = self.db.begin().await?;
        for round in 1..=RESENDS_PER_ORDER {
            if self
                .notify_codes_issued(&mut tx, order, channels, round)
                .await?
            {
                tx.commit().await?;
                return Ok(());
            }
        }
        Err(AppError::Conflict("resend_limit"))
    }
}
