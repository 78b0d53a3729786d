//! Gift-card PINs in the issue notice, when the owner chooses (issue 16). The stored message
//! holds a placeholder, filled from sealed storage only as the message leaves for a real
//! provider, so the message log, the demo's outbox and a database copy never hold a PIN.
//!
//! Sending provides the codes (전자상거래법 제17조②5호): they are marked seen under the order's
//! lock before they are opened, as on the order page, so a withdrawal racing the send finds
//! them seen. A send that fails for good gives that back unless the buyer got the PINs another
//! way (another channel's notice, the order page). A withdrawn order's notice is not sent; one
//! whose withdrawal is being refunded waits.

use crate::notify::Outgoing;
use crate::orders::{Actor, record_event};
use crate::pins_reveal::RevealedPin;
use crate::{App, AppResult};
use jangteo_core::order::OrderStatus;
use jangteo_core::pins::PinStatus;
use jangteo_db::messages::{self, MessageRow};
use jangteo_db::{orders, pins};
use minijinja::HtmlEscape;

/// What a stored message holds where the PINs go (readable in the message log).
pub(crate) const PINS_PLACEHOLDER: &str = "[[핀번호]]";

/// The event whose messages may carry PINs.
const EVENT: &str = "codes_issued";

impl App {
    /// Whether `message` carries the PIN placeholder.
    pub(crate) fn carries_pins(message: &MessageRow) -> bool {
        let holds = |body: &str| body.contains(PINS_PLACEHOLDER);
        message.event == EVENT && (holds(&message.body_text) || holds(&message.body_html))
    }

    /// `message` as it leaves: with its order's PINs when it carries the placeholder.
    pub(crate) async fn with_pins(&self, message: &MessageRow) -> AppResult<Outgoing> {
        if !Self::carries_pins(message) {
            return Ok(Outgoing::AsStored);
        }
        let shown = match self.provide_pins(message).await? {
            Ok(shown) => shown,
            Err(not_sent) => return Ok(not_sent),
        };
        let (text, html) = (pins_text(&shown), pins_html(&shown));
        Ok(Outgoing::Filled(Box::new(MessageRow {
            body_text: message.body_text.replace(PINS_PLACEHOLDER, &text),
            body_html: message.body_html.replace(PINS_PLACEHOLDER, &html),
            ..message.clone()
        })))
    }

    /// The PINs of the order `message` tells its orderer about, marked provided and opened; or
    /// why the message does not leave now.
    async fn provide_pins(
        &self,
        message: &MessageRow,
    ) -> AppResult<Result<Vec<RevealedPin>, Outgoing>> {
        let Some(number) = order_of(message) else {
            return Ok(Err(Outgoing::Withheld("no order")));
        };
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let order = orders::lock_by_number(&mut tx, number).await?;
        let Some(order) = order.filter(|o| o.status != OrderStatus::Cancelled) else {
            return Ok(Err(Outgoing::Withheld("the order was withdrawn")));
        };
        if message.recipient != order.orderer_email && message.recipient != order.orderer_mobile {
            return Ok(Err(Outgoing::Withheld("not the orderer")));
        }
        if jangteo_db::pin_holds::is_held(&mut tx, order.id.get(), now).await? {
            return Ok(Err(Outgoing::NotYet));
        }
        let first_time = pins::reveal(&mut tx, order.id.get(), now).await?;
        let sold: Vec<_> = pins::of_order(&mut tx, order.id.get())
            .await?
            .into_iter()
            .filter(|p| p.status() == Some(PinStatus::Revealed))
            .collect();
        if sold.is_empty() {
            return Ok(Err(Outgoing::Withheld("no PIN left on the order")));
        }
        if first_time > 0 {
            let note = format!("{}개", sold.len());
            let system = Actor::System;
            record_event(
                &mut tx,
                &order,
                "pins_sent",
                order.status,
                &system,
                &note,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        let lines = orders::lines(&self.db, order.id).await?;
        let shown = self.open_pins(&sold, &lines).await?;
        tracing::info!(order.number = %order.number, pins = shown.len(), "PINs sent to the buyer");
        Ok(Ok(shown))
    }

    /// `message` carrying PINs failed for good: its order's PINs count as not provided again,
    /// unless the buyer saw them on the order page or another notice with them left.
    pub(crate) async fn pins_not_delivered(&self, message: &MessageRow) -> AppResult<()> {
        let Some(number) = order_of(message) else {
            return Ok(());
        };
        let delivered = messages::sent_by_provider(&self.db, &format!("{EVENT}:{number}:"))
            .await?
            .into_iter()
            .any(|m| m.id != message.id && Self::carries_pins(&m));
        if delivered {
            return Ok(());
        }
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let Some(order) = orders::lock_by_number(&mut tx, number).await? else {
            return Ok(());
        };
        let timeline = orders::events(&mut tx, order.id).await?;
        let seen = |e: &str| matches!(e, "pins_revealed" | "pins_viewed");
        if timeline.iter().any(|e| seen(&e.event)) {
            return Ok(());
        }
        let returned = pins::unreveal(&mut tx, order.id.get()).await?;
        if returned > 0 {
            let system = Actor::System;
            let note = format!("{returned}개");
            let event = "pins_send_failed";
            record_event(&mut tx, &order, event, order.status, &system, &note, now).await?;
        }
        tx.commit().await?;
        tracing::warn!(order.number = %order.number, "a notice with PINs failed; PINs unseen again");
        Ok(())
    }
}

/// The order number in a PIN notice's de-duplication key: the key the shop set, never the
/// (editable) template.
fn order_of(message: &MessageRow) -> Option<&str> {
    let key = message.dedupe_key.as_deref()?;
    key.strip_prefix("codes_issued:")?.split(':').next()
}

/// A PIN's 관리번호 and last day, as the message shows them.
fn details(pin: &RevealedPin) -> Vec<String> {
    let serial = pin.serial.as_ref().map(|s| format!("관리번호 {s}"));
    let expires = pin.expires_on.as_ref().map(|d| format!("{d}까지"));
    serial.into_iter().chain(expires).collect()
}

/// The PINs as text lines (SMS, the mail's text part).
fn pins_text(shown: &[RevealedPin]) -> String {
    shown
        .iter()
        .map(|pin| {
            let details = details(pin);
            let mut line = format!("- {}: {}", pin.product_name, pin.pin);
            if !details.is_empty() {
                line.push_str(&format!(" ({})", details.join(", ")));
            }
            line
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The PINs as an HTML table with its styles inline (the mail's CSS was inlined already).
fn pins_html(shown: &[RevealedPin]) -> String {
    let cell = "padding:8px 4px;border-bottom:1px solid #e5e7eb;text-align:left";
    let mut html = format!(
        "<table style=\"width:100%;border-collapse:collapse;margin:12px 0\">\
         <tr><th style=\"{cell}\">상품권</th><th style=\"{cell}\">핀번호</th></tr>"
    );
    for pin in shown {
        let details = details(pin).join(" · ");
        let details = if details.is_empty() {
            String::new()
        } else {
            let style = "font-size:12px;color:#6b7280";
            format!(
                "<br><span style=\"{style}\">{}</span>",
                HtmlEscape(&details)
            )
        };
        html.push_str(&format!(
            "<tr><td style=\"{cell}\">{}{details}</td><td style=\"{cell}\">\
             <strong style=\"font-family:monospace;font-size:16px;letter-spacing:1px\">{}</strong>\
             </td></tr>",
            HtmlEscape(&pin.product_name),
            HtmlEscape(&pin.pin),
        ));
    }
    html.push_str("</table>");
    html
}
