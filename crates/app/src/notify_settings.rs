//! 알림 설정 (issue 17): the channels each customer event goes by — e-mail, AlimTalk (SMS when
//! KakaoTalk cannot deliver), SMS — chosen by the owner; the shop's flows send by them.

use crate::auth::StaffActor;
use crate::notify::Channel;
use crate::{App, AppError, AppResult};
use jangteo_core::notify::{CUSTOMER_CHANNELS, CUSTOMER_EVENTS, EventChannels};
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::{Reader, settings};

/// Where the choice is kept.
const CHANNELS_KEY: &str = "notify.channels";

/// One event's row on the settings page.
#[derive(Debug, Clone)]
pub struct EventChannelRow {
    /// The event (template name).
    pub event: &'static str,
    /// Each channel: (name, chosen, a provider really sends it).
    pub channels: Vec<(&'static str, bool, bool)>,
}

/// A channel by its stored name.
pub(crate) fn channel_named(name: &str) -> Channel {
    match name {
        "alimtalk" => Channel::AlimTalk,
        "sms" => Channel::Sms,
        _ => Channel::Email,
    }
}

/// Who a customer message is for: the e-mail address and mobile it may go to, and the name.
pub(crate) struct Addressee<'a> {
    pub(crate) email: Option<&'a str>,
    pub(crate) mobile: Option<&'a str>,
    pub(crate) name: &'a str,
}

impl App {
    /// Queues `event` to `to` by every channel the owner chose for it (e-mail to the address, a
    /// text to the mobile; a channel without one is skipped), each under `{key}:{channel}`;
    /// whether any was queued.
    pub(crate) async fn notify_by_chosen_channels(
        &self,
        tx: &mut jangteo_db::Tx,
        event: &str,
        to: &Addressee<'_>,
        context: &serde_json::Value,
        key: &str,
    ) -> AppResult<bool> {
        let channels = self.event_channels(&mut *tx).await?;
        let mut queued = false;
        for name in channels.of(event) {
            let channel = channel_named(name);
            let address = match channel {
                Channel::Email => to.email,
                _ => to.mobile,
            };
            let Some(address) = address else { continue };
            let notice = crate::notify::Notification {
                event: event.to_owned(),
                channel,
                to: address.to_owned(),
                recipient_name: to.name.to_owned(),
                context: context.clone(),
                advertising: false,
                dedupe_key: Some(format!("{key}:{name}")),
            };
            queued |= self.notify(tx, &notice).await?.is_some();
        }
        Ok(queued)
    }

    /// The owner's channels per customer event, read in `conn` (a transaction or the pool).
    pub(crate) async fn event_channels(
        &self,
        conn: impl Into<Reader<'_>>,
    ) -> AppResult<EventChannels> {
        Ok(settings::get(conn, CHANNELS_KEY)
            .await?
            .and_then(|stored| serde_json::from_str(&stored).ok())
            .unwrap_or_default())
    }

    /// Every customer event with its channels, chosen or not, and whether a provider really
    /// sends each (notifications, read).
    pub async fn admin_event_channels(
        &self,
        actor: &StaffActor,
    ) -> AppResult<Vec<EventChannelRow>> {
        actor.require(Area::Notifications, Access::Read)?;
        let chosen = self.event_channels(&self.db).await?;
        Ok(CUSTOMER_EVENTS
            .iter()
            .map(|event| {
                let on = chosen.of(event);
                EventChannelRow {
                    event,
                    channels: CUSTOMER_CHANNELS
                        .iter()
                        .map(|c| {
                            (
                                *c,
                                on.contains(c),
                                self.really_sends(channel_named(c), event),
                            )
                        })
                        .collect(),
                }
            })
            .collect())
    }

    /// Sets the channels from the ticked `(event, channel)` pairs (notifications, write);
    /// audited.
    pub async fn set_event_channels(
        &self,
        actor: &StaffActor,
        ticked: &[(String, String)],
    ) -> AppResult<()> {
        actor.require(Area::Notifications, Access::Write)?;
        let before = self.event_channels(&self.db).await?;
        let chosen = EventChannels::ticked(ticked.iter().map(|(e, c)| (e.as_str(), c.as_str())));
        let json = serde_json::to_string(&chosen).map_err(|e| AppError::Other(e.to_string()))?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        settings::set(&mut tx, CHANNELS_KEY, &json, now).await?;
        let entry = NewAudit {
            before: serde_json::to_string(&before).ok(),
            after: Some(json),
            ..actor.entry("notify.channels", "settings", CHANNELS_KEY)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
