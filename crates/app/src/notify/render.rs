//! Rendering notification templates within a budget. Fuel bounds the work a template can make
//! the engine do (instructions, bytes produced, items visited) and rendering runs on the blocking
//! pool under a time limit, so a staff edit with a runaway loop neither stalls the shop's requests
//! nor produces a mail no mailbox would show.

use crate::notify::{Channel, Notification};
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_providers::messaging::inline_css;
use minijinja::{Environment, ErrorKind, Value, context};
use std::time::Duration;

/// Fuel for one message (one fuel is one instruction or 64 bytes of output). The built-in
/// templates use a few thousand; a nested loop runs out in a fraction of a second.
pub(crate) const RENDER_FUEL: u64 = 400_000;

/// Wall-clock limit for rendering one message.
pub(crate) const RENDER_TIME: Duration = Duration::from_secs(3);

/// A mail body past this is refused (mail programs clip at ~100 KB; inlined CSS adds to it).
pub(crate) const MAX_MAIL_BYTES: usize = 512 * 1024;

#[derive(rust_embed::Embed)]
#[folder = "notifications/"]
pub(crate) struct Templates;

/// The template environment every message is rendered in.
pub(crate) fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_loader(|name| {
        Ok(Templates::get(name).and_then(|f| String::from_utf8(f.data.into_owned()).ok()))
    });
    env.set_fuel(Some(RENDER_FUEL));
    env.add_filter("won", |v: i64| jangteo_core::Won(v).to_string());
    env.add_filter("number", |v: i64| jangteo_core::money::group_thousands(v));
    // Slack mrkdwn's control characters (`<!channel>` in an inquiry title must stay text).
    env.add_filter("slack", jangteo_core::text::slack_escaped);
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

/// The shop's details every message may show.
#[derive(Debug, Clone)]
pub(crate) struct ShopHeader {
    name: String,
    base_url: String,
    phone: String,
    email: String,
    hours: String,
}

/// The rendered parts of a message.
pub(crate) struct Rendered {
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// A template that needs more work or room than a message is allowed.
fn too_heavy() -> AppError {
    AppError::field("source", "template_too_heavy")
}

fn render_error(event: &str, what: &str, e: minijinja::Error) -> AppError {
    if e.kind() == ErrorKind::OutOfFuel {
        return too_heavy();
    }
    AppError::Other(format!("rendering {event}/{what}: {e:#}"))
}

/// Renders `n` with its built-in template, or with `edited` (a staff edit replaces it).
fn render_with(
    env: &Environment<'static>,
    shop: &ShopHeader,
    n: &Notification,
    edited: Option<&str>,
) -> AppResult<Rendered> {
    let shop_value = context! {
        name => &shop.name,
        base_url => &shop.base_url,
        phone => &shop.phone,
        email => &shop.email,
        hours => &shop.hours,
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
            .map_err(|e| AppError::Invalid(format!("no template for event {}: {e}", n.event)))?,
    };
    let block = |name: &str| -> AppResult<String> {
        template
            .render_captured(ctx.clone())
            .and_then(|mut captured| captured.with_state_mut(|state| state.render_block(name)))
            .map(|s| s.trim().to_owned())
            .map_err(|e| render_error(&n.event, name, e))
    };
    Ok(match n.channel {
        Channel::Email => {
            let mut content = block("html")?;
            if content.len() > MAX_MAIL_BYTES {
                return Err(too_heavy());
            }
            // A staff edit may drop the built-in escaping; its output is cleaned, so neither
            // the author nor a customer's name inside it can put script in a mail.
            if edited.is_some() {
                content = crate::rich_text::clean_mail_html(&content);
            }
            let page = env
                .get_template("_layout.html")
                .and_then(|t| t.render(context! { shop => shop_value, content => content }))
                .map_err(|e| render_error(&n.event, "layout", e))?;
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

impl App {
    fn shop_header(&self) -> ShopHeader {
        let shop = &self.config.shop;
        ShopHeader {
            name: shop.name.clone(),
            base_url: self.config.base_url().to_string(),
            phone: shop.business.phone.clone(),
            email: shop.business.email.clone(),
            hours: shop.business.hours.clone(),
        }
    }

    /// Renders `n` on the blocking pool within [`RENDER_FUEL`] and [`RENDER_TIME`]; a template
    /// past either is `template_too_heavy`.
    pub(crate) async fn render_message(
        &self,
        n: &Notification,
        edited: Option<&str>,
    ) -> AppResult<Rendered> {
        let messenger = self.messenger.clone();
        let shop = self.shop_header();
        let owned = n.clone();
        let edited = edited.map(str::to_owned);
        let job = tokio::task::spawn_blocking(move || {
            render_with(messenger.env(), &shop, &owned, edited.as_deref())
        });
        match tokio::time::timeout(RENDER_TIME, job).await {
            Ok(Ok(rendered)) => rendered,
            Ok(Err(panicked)) => Err(AppError::Other(format!(
                "rendering {}: {panicked}",
                n.event
            ))),
            // The render stops by itself when its fuel runs out; nobody waits for it.
            Err(_) => Err(too_heavy()),
        }
    }
}
