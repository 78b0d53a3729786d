//! Gift-card PINs in the issue notice, when the owner chooses (issue 16). The stored message
//! holds a placeholder, filled from sealed storage only as the message leaves for a real
//! provider, so the message log, the demo's outbox and a database copy never hold a PIN.
//! Sending provides the codes (전자상거래법 제17조②5호): they are marked seen under the order's
//! lock before they are opened, as on the order page, and a withdrawn order sends none.

use crate::orders::{Actor, record_event};
use crate::pins_reveal::RevealedPin;
use crate::{App, AppResult};
use jangteo_core::order::OrderStatus;
use jangteo_core::pins::PinStatus;
use jangteo_db::messages::MessageRow;
use jangteo_db::{orders, pins};
use minijinja::HtmlEscape;

/// What a stored message holds where the PINs go (readable in the message log).
pub(crate) const PINS_PLACEHOLDER: &str = "[[핀번호]]";

/// The event whose messages may carry PINs.
const EVENT: &str = "codes_issued";

/// What takes the placeholder's place when no PIN may go (the owner turned the setting off,
/// the buyer withdrew the order).
const NOT_SENT: &str = "핀번호는 주문 상세에서 확인해 주세요.";

impl App {
    /// `message` as it leaves, when it holds the PIN placeholder: filled with its order's PINs,
    /// or with a pointer to the order page when none may go.
    pub(crate) async fn with_pins(&self, message: &MessageRow) -> AppResult<Option<MessageRow>> {
        let holds = |body: &str| body.contains(PINS_PLACEHOLDER);
        if message.event != EVENT || !(holds(&message.body_text) || holds(&message.body_html)) {
            return Ok(None);
        }
        let (text, html) = match self.provide_pins(message).await? {
            Some(shown) => (pins_text(&shown), pins_html(&shown)),
            None => (NOT_SENT.to_owned(), NOT_SENT.to_owned()),
        };
        Ok(Some(MessageRow {
            body_text: message.body_text.replace(PINS_PLACEHOLDER, &text),
            body_html: message.body_html.replace(PINS_PLACEHOLDER, &html),
            ..message.clone()
        }))
    }

    /// The PINs of the order `message` tells its orderer about, marked provided and opened;
    /// `None` when none may go.
    async fn provide_pins(&self, message: &MessageRow) -> AppResult<Option<Vec<RevealedPin>>> {
        // The order comes from the key the shop set, never from the (editable) template.
        let number = message
            .dedupe_key
            .as_deref()
            .and_then(|key| key.strip_prefix("codes_issued:"))
            .and_then(|rest| rest.split(':').next());
        let Some(number) = number else {
            return Ok(None);
        };
        if !self.gift_card_notice().await?.sends_pins() {
            return Ok(None);
        }
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let order = orders::lock_by_number(&mut tx, number)
            .await?
            .filter(|o| o.status != OrderStatus::Cancelled);
        let Some(order) = order else {
            return Ok(None);
        };
        let to_orderer =
            message.recipient == order.orderer_email || message.recipient == order.orderer_mobile;
        if !to_orderer || jangteo_db::pin_holds::is_held(&mut tx, order.id.get(), now).await? {
            return Ok(None);
        }
        pins::reveal(&mut tx, order.id.get(), now).await?;
        let sold: Vec<_> = pins::of_order(&mut tx, order.id.get())
            .await?
            .into_iter()
            .filter(|p| p.status() == Some(PinStatus::Revealed))
            .collect();
        if sold.is_empty() {
            return Ok(None);
        }
        let channel = if message.channel == "email" {
            "이메일"
        } else {
            "문자"
        };
        let note = format!("{}개 · {channel}", sold.len());
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
        tx.commit().await?;
        let lines = orders::lines(&self.db, order.id).await?;
        let shown = self.open_pins(&sold, &lines).await?;
        tracing::info!(order.number = %order.number, pins = shown.len(), "PINs sent to the buyer");
        Ok(Some(shown))
    }
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
