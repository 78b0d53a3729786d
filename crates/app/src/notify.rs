//! Notifications: render a message from its event template, record it in the message log, and
//! send it through a job with the configured provider (the `test` adapter only records it).
//! Advertising SMS/AlimTalk wait for the morning (정보통신망법 50조: not 21:00–08:00 KST).

use crate::config::ProviderChoice;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::notify::advertising_send_time;
use jangteo_db::{Tx, messages};
use jangteo_jobs::JobSpec;
use jangteo_providers::messaging::{
    Accepted, Aligo, AlimTalk, Email, Mailgun, SendError, SlackWebhook, Sms, Smtp, Solapi,
    http_client, inline_css,
};
use minijinja::{Environment, Value, context};
use std::sync::Arc;

/// The job that delivers one recorded message.
pub const SEND_MESSAGE: &str = "message.send";

#[derive(rust_embed::Embed)]
#[folder = "notifications/"]
struct Templates;

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

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_loader(|name| {
        Ok(Templates::get(name).and_then(|f| String::from_utf8(f.data.into_owned()).ok()))
    });
    env.add_filter("won", |v: i64| jangteo_core::Won(v).to_string());
    env.add_filter("number", |v: i64| jangteo_core::money::group_thousands(v));
    let instant = |v: &str| {
        DateTime::parse_from_rfc3339(v)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|e| {
                minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, e.to_string())
            })
    };
    env.add_filter("kst", move |v: &str| {
        instant(v).map(jangteo_core::time::format_kst)
    });
    env.add_filter("kst_date", move |v: &str| {
        instant(v).map(|t| jangteo_core::time::business_date(t).to_string())
    });
    env
}

impl Messenger {
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
            env: environment(),
            smtp,
            mailgun,
            aligo,
            solapi,
            slack,
        })
    }
}

/// The rendered parts of a message.
struct Rendered {
    subject: String,
    html: String,
    text: String,
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
    fn render(&self, n: &Notification, edited: Option<&str>) -> AppResult<Rendered> {
        let env = &self.messenger.env;
        let shop = &self.config.shop;
        let shop_value = context! {
            name => &shop.name,
            base_url => self.config.base_url(),
            phone => &shop.business.phone,
            email => &shop.business.email,
            hours => &shop.business.hours,
        };
        let ctx = context! {
            shop => shop_value.clone(),
            recipient => context! { name => &n.recipient_name },
            ..Value::from(minijinja::value::Serde(n.context.clone()))
        };
        let template = match edited {
            // A staff edit replaces the built-in template (it was checked when saved).
            Some(source) => env
                .template_from_str(source)
                .map_err(|e| AppError::Invalid(format!("edited template of {}: {e:#}", n.event)))?,
            None => env
                .get_template(&format!("{}.jinja", n.event))
                .map_err(|e| {
                    AppError::Invalid(format!("no template for event {}: {e}", n.event))
                })?,
        };
        let block = |name: &str| -> AppResult<String> {
            template
                .render_captured(ctx.clone())
                .and_then(|mut captured| captured.with_state_mut(|state| state.render_block(name)))
                .map(|s| s.trim().to_owned())
                .map_err(|e| AppError::Other(format!("rendering {}/{name}: {e:#}", n.event)))
        };
        Ok(match n.channel {
            Channel::Email => {
                let mut content = block("html")?;
                // A staff edit may drop the built-in escaping; its output is cleaned, so neither
                // the author nor a customer's name inside it can put script in a mail.
                if edited.is_some() {
                    content = crate::rich_text::clean_mail_html(&content);
                }
                let page = env
                    .get_template("_layout.html")
                    .and_then(|t| t.render(context! { shop => shop_value, content => content }))
                    .map_err(|e| AppError::Other(format!("rendering the mail layout: {e:#}")))?;
                Rendered {
                    subject: block("subject")?,
                    html: inline_css(&page).map_err(AppError::Other)?,
                    text: block("text")?,
                }
            }
            Channel::Sms | Channel::AlimTalk => Rendered {
                subject: String::new(),
                html: String::new(),
                text: block("sms")?,
            },
            Channel::Slack => Rendered {
                subject: String::new(),
                html: String::new(),
                text: block("slack")?,
            },
        })
    }

    /// Renders `n`, records it and enqueues its delivery inside `tx` (so nothing is sent for a
    /// change that does not commit). Returns the message id, or `None` for a duplicate.
    pub async fn notify(&self, tx: &mut Tx, n: &Notification) -> AppResult<Option<i64>> {
        self.notify_at(tx, n, Utc::now()).await
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
        let edited = jangteo_db::message_templates::get_in(tx, &n.event).await?;
        let rendered = self.render(n, edited.as_deref())?;
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
                channel: n.channel.as_str(),
                recipient: &n.to,
                subject: &rendered.subject,
                body_html: &rendered.html,
                body_text: &rendered.text,
                is_advertising: n.advertising,
                dedupe_key: n.dedupe_key.as_deref(),
                send_after,
            },
            now,
        )
        .await?
        else {
            return Ok(None);
        };
        let job = JobSpec::new(SEND_MESSAGE, serde_json::json!({ "message_id": id }))
            .at(send_after)
            .max_attempts(8)
            .dedupe(format!("message:{id}"));
        jangteo_jobs::enqueue(tx, &job).await?;
        Ok(Some(id))
    }

    async fn dispatch(
        &self,
        m: &messages::MessageRow,
    ) -> (&'static str, Result<Accepted, SendError>) {
        let config = &self.config.notifications;
        let messenger = &self.messenger;
        let sms = || Sms {
            from: config.sms_sender.clone(),
            to: m.recipient.clone(),
            title: None,
            text: m.body_text.clone(),
        };
        match m.channel.as_str() {
            "email" => {
                let email = Email {
                    from: config.from_email.clone(),
                    to: m.recipient.clone(),
                    subject: m.subject.clone(),
                    html: m.body_html.clone(),
                    text: m.body_text.clone(),
                };
                match (&messenger.smtp, &messenger.mailgun, config.email) {
                    (Some(smtp), _, ProviderChoice::Smtp) => ("smtp", smtp.send(&email).await),
                    (_, Some(mailgun), ProviderChoice::Mailgun) => {
                        ("mailgun", mailgun.send(&email).await)
                    }
                    _ => ("test", recorded_in_outbox()),
                }
            }
            "sms" => self.send_sms(&sms(), config.sms).await,
            "alimtalk" => match (
                &messenger.solapi,
                config.alimtalk,
                config.alimtalk_templates.get(&m.event),
            ) {
                (Some(solapi), ProviderChoice::Solapi, Some(template)) => {
                    let message = AlimTalk {
                        from: config.sms_sender.clone(),
                        to: m.recipient.clone(),
                        channel_id: config.kakao_channel_id.clone(),
                        template_id: template.clone(),
                        variables: Vec::new(),
                        text: m.body_text.clone(),
                    };
                    ("solapi", solapi.send_alimtalk(&message, true).await)
                }
                // No approved template for this event (or AlimTalk off): the same text by SMS.
                (_, ProviderChoice::Solapi, None) => self.send_sms(&sms(), config.sms).await,
                _ => ("test", recorded_in_outbox()),
            },
            "slack" => match (&messenger.slack, config.slack) {
                (Some(slack), ProviderChoice::Webhook) => {
                    ("slack", slack.post(&m.body_text, None).await)
                }
                _ => ("test", recorded_in_outbox()),
            },
            other => (
                "none",
                Err(SendError::Rejected {
                    provider: "none",
                    code: "channel".into(),
                    message: format!("unknown channel {other}"),
                }),
            ),
        }
    }

    async fn send_sms(
        &self,
        sms: &Sms,
        choice: ProviderChoice,
    ) -> (&'static str, Result<Accepted, SendError>) {
        match (choice, &self.messenger.aligo, &self.messenger.solapi) {
            (ProviderChoice::Aligo, Some(aligo), _) => ("aligo", aligo.send(sms).await),
            (ProviderChoice::Solapi, _, Some(solapi)) => ("solapi", solapi.send_sms(sms).await),
            _ => ("test", recorded_in_outbox()),
        }
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
        let (provider, result) = self.dispatch(&message).await;
        let now = Utc::now();
        match result {
            Ok(accepted) => messages::mark_sent(
                &self.db,
                id,
                accepted.provider,
                accepted.provider_id.as_deref(),
                &accepted.raw,
                now,
            )
            .await
            .map_err(|e| e.to_string()),
            Err(e) => {
                let retry = e.is_retryable();
                messages::mark_attempt_failed(
                    &self.db,
                    id,
                    provider,
                    &e.to_string(),
                    !retry || last_attempt,
                    now,
                )
                .await
                .map_err(|e| e.to_string())?;
                if retry { Err(e.to_string()) } else { Ok(()) }
            }
        }
    }
}

/// Shared handle type used by [`App`].
pub(crate) type SharedMessenger = Arc<Messenger>;

/// A rendered preview of a template.
#[derive(Debug, Clone)]
pub struct TemplatePreview {
    /// E-mail subject.
    pub subject: String,
    /// E-mail HTML (layout applied, CSS inlined).
    pub html: String,
    /// E-mail text part.
    pub text: String,
    /// SMS / AlimTalk text.
    pub sms: String,
}

/// Sample values for every variable the event templates use (previews and the save check).
pub fn sample_context() -> serde_json::Value {
    serde_json::json!({
        "order": {
            "number": "20261122-8F3K2Q", "url": "https://shop.example.com/orders/20261122-8F3K2Q",
            "placed_at": "2026-11-22T05:00:00Z",
            "items": [{"name": "반팔티셔츠 오버핏 코튼", "option": "블랙 / L", "quantity": 2, "total": 39_800}],
            "items_total": 39_800, "discount": 0, "shipping_fee": 3_000, "total": 42_800, "payment_method": "가상계좌"
        },
        "virtual_account": {"bank": "신한은행", "account": "562-112345-67890", "holder": "장터데모", "amount": 42_800, "deadline": "2026-11-25T14:59:59Z"},
        "member": {"name": "김구매", "email": "buyer@example.com"},
        "login_url": "https://shop.example.com/account/login", "reset_url": "https://shop.example.com/account/password-reset/abc",
        "expires_minutes": 30,
        "shipment": {"carrier_name": "CJ대한통운", "waybill": "123456789012", "tracking_url": "https://trace.cjlogistics.com/next/tracking.html?wblNo=123456789012"},
        "review_url": "https://shop.example.com/orders/20261122-8F3K2Q", "confirm_days": 7,
        "refund": {"amount": 42_800, "method": "가상계좌 환불", "expected": "영업일 기준 1~2일"},
        "inquiry": {"title": "배송 문의", "answer_excerpt": "내일 출고됩니다.", "url": "https://shop.example.com/inquiries/1"},
        "grade": {"old": "실버", "new": "골드", "discount_percent": 3, "point_percent": 3},
        "dormant_on": "2026-12-23T00:00:00Z", "consent": {"given_on": "2024-11-23T00:00:00Z"},
        "manage_url": "https://shop.example.com/unsubscribe?m=1&t=x", "cart_url": "https://shop.example.com/cart",
        "unsubscribe_url": "https://shop.example.com/unsubscribe?m=1&t=x",
        "items": [{"name": "제주 감귤 5kg", "price": 15_900}],
        "announcement": {"title": "겨울 세일", "body": "전 상품 10% 할인", "paragraphs": ["전 상품 10% 할인"]},
        "report": {"date": "2026-11-22", "sales": 1_234_000, "orders": 31, "average_order_value": 39_806,
            "sales_prev_day": 1_000_000, "sales_same_weekday_last_week": 1_500_000, "orders_prev_day": 25,
            "top_products": [{"name": "제주 감귤 5kg", "quantity": 12, "sales": 190_800}]}
    })
}

impl App {
    /// The events that have templates.
    pub fn template_events(&self) -> Vec<String> {
        let mut events: Vec<String> = Templates::iter()
            .filter_map(|name| name.strip_suffix(".jinja").map(str::to_owned))
            .collect();
        events.sort();
        events
    }

    /// An event's template source as in force, and whether staff edited it.
    pub async fn template_source(&self, event: &str) -> AppResult<(String, bool)> {
        if let Some(edited) = jangteo_db::message_templates::get(&self.db, event).await? {
            return Ok((edited, true));
        }
        let file = Templates::get(&format!("{event}.jinja")).ok_or(AppError::NotFound)?;
        Ok((String::from_utf8_lossy(&file.data).into_owned(), false))
    }

    /// Renders `source` as `event`'s template with sample values; a broken template is an
    /// `Invalid` error naming the problem.
    pub fn preview_template(&self, event: &str, source: &str) -> AppResult<TemplatePreview> {
        if !self.template_events().iter().any(|e| e == event) {
            return Err(AppError::NotFound);
        }
        let notification = |channel| Notification {
            event: event.to_owned(),
            channel,
            to: "buyer@example.com".into(),
            recipient_name: "김구매".into(),
            context: sample_context(),
            advertising: false,
            dedupe_key: None,
        };
        let check = |e: AppError| match e {
            AppError::Invalid(m) | AppError::Other(m) => AppError::Invalid(m),
            other => other,
        };
        let mail = self
            .render(&notification(Channel::Email), Some(source))
            .map_err(check)?;
        // Staff-only reports have no SMS block; check the channels the template has.
        let sms = if source.contains("block sms") {
            self.render(&notification(Channel::Sms), Some(source))
                .map_err(check)?
                .text
        } else {
            String::new()
        };
        if source.contains("block slack") {
            self.render(&notification(Channel::Slack), Some(source))
                .map_err(check)?;
        }
        Ok(TemplatePreview {
            subject: mail.subject,
            html: mail.html,
            text: mail.text,
            sms,
        })
    }

    /// Saves a staff edit after checking it renders.
    pub async fn save_template(
        &self,
        actor: &crate::staff::StaffActor,
        event: &str,
        source: &str,
    ) -> AppResult<()> {
        actor.require(
            jangteo_core::staff::Area::Notifications,
            jangteo_core::staff::Access::Write,
        )?;
        if crate::rich_text::has_active_content(source) {
            return Err(AppError::field("source", "template_active_content"));
        }
        self.preview_template(event, source)?;
        let before = jangteo_db::message_templates::get(&self.db, event).await?;
        let now = Utc::now();
        let mut tx = self.db.begin().await?;
        jangteo_db::message_templates::save_in(&mut tx, event, source, &actor.email, now).await?;
        jangteo_db::audit::record(
            &mut tx,
            &jangteo_db::audit::NewAudit {
                before: before.map(|b| serde_json::json!({ "source": b }).to_string()),
                after: Some(serde_json::json!({ "source": source }).to_string()),
                ..actor.entry("template.save", "template", event)
            },
            now,
        )
        .await?;
        tx.commit().await?;
        tracing::info!(
            template.event = event,
            staff = %actor.email,
            "notification template edited"
        );
        Ok(())
    }

    /// Events whose template staff edited: (event, who, when).
    pub async fn edited_templates(
        &self,
    ) -> AppResult<Vec<(String, String, chrono::DateTime<Utc>)>> {
        Ok(jangteo_db::message_templates::edited(&self.db).await?)
    }

    /// Restores the built-in template.
    pub async fn reset_template(
        &self,
        actor: &crate::staff::StaffActor,
        event: &str,
    ) -> AppResult<()> {
        actor.require(
            jangteo_core::staff::Area::Notifications,
            jangteo_core::staff::Access::Write,
        )?;
        jangteo_db::message_templates::reset(&self.db, event).await?;
        self.audit_event(actor, "template.reset", "template", event, "")
            .await
    }
}
