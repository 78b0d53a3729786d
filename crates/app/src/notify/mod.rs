//! Notifications: render a message from its event template, record it in the message log, and
//! send it through a job with the configured provider (the `test` adapter only records it).
//! Advertising SMS/AlimTalk wait for the morning (정보통신망법 50조: not 21:00–08:00 KST).

pub(crate) mod alimtalk;
mod dispatch;
pub(crate) mod render;
pub(crate) mod templates;
use crate::config::ProviderChoice;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::notify::{advertising_send_time, redact_secret_links};
use jangteo_db::{Tx, messages};
use jangteo_providers::messaging::{
    Accepted, Aligo, Mailgun, SendError, SlackWebhook, Smtp, Solapi, http_client,
};
use minijinja::Environment;
use std::sync::Arc;

pub use templates::{TemplatePreview, sample_context};

/// How a message reaches its recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// E-mail (HTML + text).
    Email,
    /// SMS/LMS.
    Sms,
    /// KakaoTalk AlimTalk (SMS fallback).
    AlimTalk,
    /// Staff Slack channel.
    Slack,
}

impl Channel {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::AlimTalk => "alimtalk",
            Channel::Slack => "slack",
        }
    }
}

/// A message to send.
#[derive(Debug, Clone)]
pub struct Notification {
    /// Event (template name): `order_placed`, `welcome`, …
    pub event: String,
    /// Channel.
    pub channel: Channel,
    /// E-mail address, mobile number, or a label for Slack.
    pub to: String,
    /// The recipient's name (may be empty).
    pub recipient_name: String,
    /// Template variables for the event.
    pub context: serde_json::Value,
    /// Advertising: quiet hours apply (consent is the caller's check).
    pub advertising: bool,
    /// At most one message per key (e.g. `order_placed:20261122-8F3K2Q:email`).
    pub dedupe_key: Option<String>,
}

/// The rendering environment and the configured adapters.
pub(crate) struct Messenger {
    env: Environment<'static>,
    smtp: Option<Smtp>,
    mailgun: Option<Mailgun>,
    aligo: Option<Aligo>,
    solapi: Option<Solapi>,
    slack: Option<SlackWebhook>,
}

impl Messenger {
    pub(crate) fn env(&self) -> &Environment<'static> {
        &self.env
    }

    pub fn new(config: &crate::config::NotificationsConfig) -> AppResult<Self> {
        let missing = |what: &str| {
            AppError::Invalid(format!(
                "notifications: {what} is selected but not configured"
            ))
        };
        let client = http_client();
        let smtp = match (config.email, &config.smtp) {
            (ProviderChoice::Smtp, Some(c)) => {
                Some(Smtp::new(c).map_err(|e| AppError::Invalid(e.to_string()))?)
            }
            (ProviderChoice::Smtp, None) => return Err(missing("smtp")),
            _ => None,
        };
        let uses =
            |choice: ProviderChoice| [config.email, config.sms, config.alimtalk].contains(&choice);
        let mailgun = match (uses(ProviderChoice::Mailgun), &config.mailgun) {
            (true, Some(c)) => Some(Mailgun::new(client.clone(), c.clone())),
            (true, None) => return Err(missing("mailgun")),
            _ => None,
        };
        let aligo = match (uses(ProviderChoice::Aligo), &config.aligo) {
            (true, Some(c)) => Some(Aligo::new(client.clone(), c.clone())),
            (true, None) => return Err(missing("aligo")),
            _ => None,
        };
        let solapi = match (uses(ProviderChoice::Solapi), &config.solapi) {
            (true, Some(c)) => Some(Solapi::new(client.clone(), c.clone())),
            (true, None) => return Err(missing("solapi")),
            _ => None,
        };
        let slack = match (config.slack, &config.slack_webhook_url) {
            (ProviderChoice::Webhook, Some(url)) => Some(SlackWebhook::new(client, url.0.clone())),
            (ProviderChoice::Webhook, None) => return Err(missing("slack_webhook_url")),
            _ => None,
        };
        Ok(Self {
            env: crate::notify::render::environment(),
            smtp,
            mailgun,
            aligo,
            solapi,
            slack,
        })
    }
}

/// A message as it may leave (a gift card's notice may carry PINs, see `pins_message`).
pub(crate) enum Outgoing {
    /// As stored (it carries no PIN).
    AsStored,
    /// With its order's PINs in place of the placeholder.
    Filled(Box<messages::MessageRow>),
    /// Not to be sent (why, for the message log).
    Withheld(&'static str),
    /// Not yet: the order's withdrawal is being refunded.
    NotYet,
}

/// Which provider takes a message.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Route {
    Smtp,
    Mailgun,
    AligoSms,
    SolapiSms,
    /// Solapi's AlimTalk with the event's approved template.
    AlimTalk(String),
    Slack,
    /// A staff alert to a channel of its own, posted by the app's bot.
    SlackChannel(String),
    /// The `test` adapter: the message log is the outbox, nothing leaves.
    Outbox,
    Unknown,
}

/// What the `test` adapter answers: the message log is its outbox.
fn recorded_in_outbox() -> Result<Accepted, SendError> {
    Ok(Accepted {
        provider: "test",
        provider_id: None,
        raw: "recorded in the outbox".into(),
    })
}

impl App {
    /// Renders `n`, records it and enqueues its delivery inside `tx` (so nothing is sent for a
    /// change that does not commit). Returns the message id, or `None` for a duplicate.
    pub async fn notify(&self, tx: &mut Tx, n: &Notification) -> AppResult<Option<i64>> {
        self.notify_at(tx, n, self.now()).await
    }

    /// [`App::notify`] at a given time (tests use it to be at night).
    pub async fn notify_at(
        &self,
        tx: &mut Tx,
        n: &Notification,
        now: DateTime<Utc>,
    ) -> AppResult<Option<i64>> {
        self.notify_not_before(tx, n, now, now).await
    }

    /// Like [`App::notify_at`], delivered no earlier than `not_before` (bulk sends spread their
    /// messages to stay under the provider's rate limit).
    pub async fn notify_not_before(
        &self,
        tx: &mut Tx,
        n: &Notification,
        now: DateTime<Utc>,
        not_before: DateTime<Utc>,
    ) -> AppResult<Option<i64>> {
        let edited = jangteo_db::message_templates::get(&mut *tx, &n.event).await?;
        let rendered = match self.render_message(n, edited.as_deref()).await {
            // A staff edit that fails on real data must not cost the order or the sign-up that
            // sends it: the built-in template goes instead.
            Err(e) if edited.is_some() => {
                tracing::warn!(event = %n.event, error = %e, "edited template failed; built-in sent");
                self.render_message(n, None).await?
            }
            rendered => rendered?,
        };
        let kakao = self.as_alimtalk(tx, n).await?;
        let text_channel = matches!(n.channel, Channel::Sms | Channel::AlimTalk);
        let at = not_before.max(now);
        let send_after = if n.advertising && text_channel {
            advertising_send_time(at)
        } else {
            at
        };
        let Some(id) = messages::insert(
            tx,
            &messages::NewMessage {
                event: &n.event,
                channel: kakao.channel,
                recipient: &n.to,
                subject: &rendered.subject,
                body_html: &rendered.html,
                body_text: kakao.text.as_deref().unwrap_or(&rendered.text),
                is_advertising: n.advertising,
                dedupe_key: n.dedupe_key.as_deref(),
                send_after,
                template_code: kakao.code.as_deref(),
                template_variables: kakao.variables.as_deref(),
            },
            now,
        )
        .await?
        else {
            return Ok(None);
        };
        let job = crate::jobs::spec(&crate::jobs::SendMessage { message_id: id })?
            .at(send_after)
            .max_attempts(8)
            .dedupe(format!("message:{id}"));
        jangteo_jobs::enqueue(tx, &job).await?;
        Ok(Some(id))
    }

    /// Whether a message of `event` on `channel` leaves the shop (a provider is configured for
    /// it), rather than staying in the outbox.
    pub(crate) fn really_sends(&self, channel: Channel, event: &str) -> bool {
        !matches!(
            self.route(channel.as_str(), event),
            Route::Outbox | Route::Unknown
        )
    }

    /// Where a recorded message goes: an AlimTalk filled from an approved template by that
    /// template when AlimTalk is on, else as its channel and event say.
    fn route_of(&self, m: &messages::MessageRow) -> Route {
        let alimtalk_on = self.messenger.solapi.is_some()
            && self.config.notifications.alimtalk == ProviderChoice::Solapi;
        let bot = !self.config.slack.bot_token.0.is_empty();
        match &m.template_code {
            Some(code) if m.channel == "alimtalk" && alimtalk_on => Route::AlimTalk(code.clone()),
            // "staff" is the webhook's own channel; any other names one the bot posts to.
            None if m.channel == "slack" && m.recipient != "staff" && bot => {
                Route::SlackChannel(m.recipient.clone())
            }
            _ => self.route(&m.channel, &m.event),
        }
    }

    /// Where a message of `event` on `channel` goes with the configured providers.
    fn route(&self, channel: &str, event: &str) -> Route {
        let config = &self.config.notifications;
        let messenger = &self.messenger;
        let sms = match (config.sms, &messenger.aligo, &messenger.solapi) {
            (ProviderChoice::Aligo, Some(_), _) => Route::AligoSms,
            (ProviderChoice::Solapi, _, Some(_)) => Route::SolapiSms,
            _ => Route::Outbox,
        };
        match channel {
            "email" => match (&messenger.smtp, &messenger.mailgun, config.email) {
                (Some(_), _, ProviderChoice::Smtp) => Route::Smtp,
                (_, Some(_), ProviderChoice::Mailgun) => Route::Mailgun,
                _ => Route::Outbox,
            },
            "sms" => sms,
            "alimtalk" => match (
                &messenger.solapi,
                config.alimtalk,
                config.alimtalk_templates.get(event),
            ) {
                (Some(_), ProviderChoice::Solapi, Some(template)) => {
                    Route::AlimTalk(template.clone())
                }
                // No approved template for this event (or AlimTalk off): the same text by SMS.
                (_, ProviderChoice::Solapi, None) => sms,
                _ => Route::Outbox,
            },
            "slack" => match (&messenger.slack, config.slack) {
                (Some(_), ProviderChoice::Webhook) => Route::Slack,
                _ => Route::Outbox,
            },
            _ => Route::Unknown,
        }
    }

    /// Sends `message` by `route`, filling in a gift card's PINs when it carries them; also
    /// whether PINs were provided for it (a failure for good gives them back).
    async fn send_routed(
        &self,
        route: Route,
        message: &messages::MessageRow,
    ) -> (&'static str, Result<Accepted, SendError>, bool) {
        // Only a message that really leaves may carry the gift card's PINs.
        let outgoing = match route {
            Route::Outbox | Route::Unknown => Ok(Outgoing::AsStored),
            _ => self.with_pins(message).await,
        };
        let provided = matches!(outgoing, Ok(Outgoing::Filled(_)) | Err(_));
        let (provider, result) = match outgoing {
            Ok(Outgoing::AsStored) => self.dispatch(route, message).await,
            Ok(Outgoing::Filled(filled)) => self.dispatch(route, &filled).await,
            Ok(Outgoing::Withheld(why)) => {
                let (code, message) = ("withheld".to_owned(), why.to_owned());
                (
                    "none",
                    Err(SendError::Rejected {
                        provider: "none",
                        code,
                        message,
                    }),
                )
            }
            Ok(Outgoing::NotYet) => {
                let message = "the order's withdrawal is being refunded".to_owned();
                (
                    "none",
                    Err(SendError::Unavailable {
                        provider: "none",
                        message,
                    }),
                )
            }
            Err(e) => {
                let message = format!("preparing the message: {e}");
                (
                    "none",
                    Err(SendError::Unavailable {
                        provider: "none",
                        message,
                    }),
                )
            }
        };
        (provider, result, provided)
    }

    /// Delivers a recorded message (the `message.send` job). A refusal is final; unavailability
    /// is returned as an error so the job retries with backoff, unless `last_attempt`, when the
    /// message is marked failed too.
    pub async fn deliver_message(&self, id: i64, last_attempt: bool) -> Result<(), String> {
        let Some(message) = messages::find(&self.db, id)
            .await
            .map_err(|e| e.to_string())?
        else {
            return Ok(());
        };
        if message.state != "queued" {
            return Ok(()); // Already delivered or given up: a replayed job changes nothing.
        }
        let route = self.route_of(&message);
        let (provider, result, provided) = self.send_routed(route, &message).await;
        let now = self.now();
        let e = match result {
            Ok(accepted) => {
                let reply = (accepted.provider_id.as_deref(), accepted.raw.as_str());
                messages::mark_sent(&self.db, id, accepted.provider, reply.0, reply.1, now)
                    .await
                    .map_err(|e| e.to_string())?;
                crate::observability::count_message(&message.channel, "sent");
                return self
                    .redact_kept_message(&message)
                    .await
                    .map_err(|e| e.to_string());
            }
            Err(e) => e,
        };
        let retry = e.is_retryable();
        let given_up = !retry || last_attempt;
        let error = e.to_string();
        messages::mark_attempt_failed(&self.db, id, provider, &error, given_up, now)
            .await
            .map_err(|e| e.to_string())?;
        if given_up {
            crate::observability::count_message(&message.channel, "failed");
            if provided {
                self.pins_not_delivered(&message)
                    .await
                    .map_err(|e| e.to_string())?;
            }
            self.redact_kept_message(&message)
                .await
                .map_err(|e| e.to_string())?;
        }
        if retry { Err(error) } else { Ok(()) }
    }

    /// Once a message has left the queue, the record keeps no live sign-in link (staff read the
    /// log; a database copy travels). The demo's outbox is its mailbox, so it keeps them.
    async fn redact_kept_message(&self, m: &messages::MessageRow) -> AppResult<()> {
        if self.config.demo_mode {
            return Ok(());
        }
        let html = redact_secret_links(&m.body_html);
        let text = redact_secret_links(&m.body_text);
        if html.is_none() && text.is_none() {
            return Ok(());
        }
        messages::replace_bodies(
            &self.db,
            m.id,
            html.as_deref().unwrap_or(&m.body_html),
            text.as_deref().unwrap_or(&m.body_text),
        )
        .await?;
        Ok(())
    }
}

/// Shared handle type used by [`App`].
pub(crate) type SharedMessenger = Arc<Messenger>;
