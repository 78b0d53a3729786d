//! The JSON shapes of PortOne V2 (docs/PROVIDERS.md §3.1): the Payment object, the error body,
//! the bank and carrier enums, and the Standard Webhooks signature every webhook carries.

use super::{GatewayPayment, GatewayStatus, NoticeKind, PaymentError, WebhookNotice};
use base64::Engine;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use jangteo_core::Won;
use reqwest::header::HeaderMap;
use serde_json::Value;

pub(super) const NAME: &str = "portone";

/// How far a webhook's timestamp may be from now (Standard Webhooks: five minutes).
const WEBHOOK_TOLERANCE_SECONDS: i64 = 5 * 60;

/// A PortOne payment status as ours (`PENDING`, `PAY_PENDING`: approval under way).
fn status_of(name: &str) -> Option<GatewayStatus> {
    Some(match name {
        "READY" | "PENDING" | "PAY_PENDING" => GatewayStatus::Ready,
        "VIRTUAL_ACCOUNT_ISSUED" => GatewayStatus::WaitingForDeposit,
        "PAID" => GatewayStatus::Done,
        "PARTIAL_CANCELLED" => GatewayStatus::PartiallyCancelled,
        "CANCELLED" => GatewayStatus::Cancelled,
        "FAILED" => GatewayStatus::Aborted,
        _ => return None,
    })
}

fn text<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get(name).and_then(Value::as_str)
}

fn time(v: &Value, name: &str) -> Option<DateTime<Utc>> {
    text(v, name)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// A reply that is not what the contract says: the gateway is treated as failing.
pub(super) fn unavailable(message: String) -> PaymentError {
    PaymentError::Unavailable {
        provider: NAME,
        message,
    }
}

/// A PortOne `Payment` object. The key of a PortOne payment is our own `paymentId`.
pub(super) fn payment(raw: String) -> Result<GatewayPayment, PaymentError> {
    let malformed = |what: &str| unavailable(format!("unexpected payment object: {what}"));
    let v: Value = serde_json::from_str(&raw).map_err(|e| malformed(&e.to_string()))?;
    let status = text(&v, "status")
        .and_then(status_of)
        .ok_or_else(|| malformed("status"))?;
    let amount = v.get("amount").ok_or_else(|| malformed("amount"))?;
    let total = amount["total"]
        .as_i64()
        .ok_or_else(|| malformed("amount.total"))?;
    let cancelled = amount["cancelled"].as_i64().unwrap_or(0);
    let id = text(&v, "id").ok_or_else(|| malformed("id"))?.to_owned();
    let method = v.get("method");
    Ok(GatewayPayment {
        payment_key: id.clone(),
        attempt_id: id,
        status,
        total_amount: Won(total),
        balance_amount: Won(total - cancelled),
        approved_at: time(&v, "paidAt"),
        card_company: method
            .and_then(|m| m.get("card"))
            .and_then(|c| text(c, "issuer").or_else(|| text(c, "name")))
            .map(str::to_owned),
        secret: None,
        raw,
    })
}

/// The virtual account of a payment (`method.type == "PaymentMethodVirtualAccount"`): bank enum,
/// account number, holder, deadline.
pub(super) fn virtual_account(
    raw: &str,
) -> Option<(String, String, String, Option<DateTime<Utc>>)> {
    let v: Value = serde_json::from_str(raw).ok()?;
    let method = v.get("method")?;
    if text(method, "type") != Some("PaymentMethodVirtualAccount") {
        return None;
    }
    Some((
        text(method, "bank").unwrap_or_default().to_owned(),
        text(method, "accountNumber")?.to_owned(),
        text(method, "remitteeName").unwrap_or_default().to_owned(),
        time(method, "expiredAt"),
    ))
}

/// A non-2xx reply: `{"type": "…", "message": "…"}`. A 5xx is the gateway failing; anything
/// else is a refusal with the gateway's own words.
pub(super) fn error(status: u16, raw: &str) -> PaymentError {
    let v: Value = serde_json::from_str(raw).unwrap_or_default();
    let code = text(&v, "type").unwrap_or("UNKNOWN").to_owned();
    let message = text(&v, "message").unwrap_or_default().to_owned();
    if status >= 500 {
        return unavailable(format!("HTTP {status}: {code}: {message}"));
    }
    PaymentError::Rejected {
        provider: NAME,
        code,
        message,
    }
}

/// PortOne's `Bank` enum for a Toss-style bank code (the shop stores refund accounts and the
/// virtual-account bank with the Toss codes it lists).
pub fn portone_bank(toss_code: &str) -> Option<&'static str> {
    Some(match toss_code {
        "88" => "SHINHAN",
        "06" => "KOOKMIN",
        "20" => "WOORI",
        "81" => "HANA",
        "11" => "NONGHYUP",
        "03" => "IBK",
        "90" => "KAKAO",
        "92" => "TOSS",
        "89" => "K_BANK",
        "32" => "BUSAN",
        "39" => "KYONGNAM",
        "34" => "KWANGJU",
        "31" => "DAEGU",
        "37" => "JEONBUK",
        "45" => "KFCC",
        "07" => "SUHYUP",
        "71" => "POST",
        _ => return None,
    })
}

/// The Toss-style code (and so the name the shop shows) of a PortOne `Bank`.
pub(super) fn toss_code_of_bank(bank: &str) -> Option<&'static str> {
    jangteo_core::gateway::TOSS_BANKS
        .iter()
        .map(|(code, _)| *code)
        .find(|code| portone_bank(code) == Some(bank))
}

/// PortOne's `PaymentLogisticsCompany` for our carrier code.
pub(super) fn logistics_company(carrier: &str) -> &'static str {
    match carrier {
        "cj" => "CJ",
        "hanjin" => "HANJIN",
        "lotte" => "LOTTE",
        "epost" => "POST",
        "logen" => "LOGEN",
        "kdexp" => "KYUNGDONG",
        _ => "ETC",
    }
}

/// Checks a webhook's Standard Webhooks signature: HMAC-SHA256 over
/// `"{webhook-id}.{webhook-timestamp}.{body}"` with the base64 key after `whsec_`, any `v1,`
/// entry matching, the timestamp within five minutes of `now`.
pub(super) fn verify_webhook(
    secret: &str,
    headers: &HeaderMap,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(), PaymentError> {
    let refused = |why: &str| PaymentError::Malformed(format!("webhook refused: {why}"));
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(id), Some(timestamp), Some(signatures)) = (
        header("webhook-id"),
        header("webhook-timestamp"),
        header("webhook-signature"),
    ) else {
        return Err(refused("MISSING_REQUIRED_HEADERS"));
    };
    let sent: i64 = timestamp
        .parse()
        .map_err(|_| refused("MISSING_REQUIRED_HEADERS"))?;
    let age = now.timestamp() - sent;
    if age > WEBHOOK_TOLERANCE_SECONDS {
        return Err(refused("TIMESTAMP_TOO_OLD"));
    }
    if age < -WEBHOOK_TOLERANCE_SECONDS {
        return Err(refused("TIMESTAMP_TOO_NEW"));
    }
    let key = base64::engine::general_purpose::STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .map_err(|_| unavailable("the webhook secret is not whsec_<base64>".into()))?;
    let signed_matches = |signature: &[u8]| {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key).expect("HMAC takes any key");
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.as_bytes());
        mac.update(b".");
        mac.update(body);
        // Constant time (`verify_slice`).
        mac.verify_slice(signature).is_ok()
    };
    let matched = signatures
        .split(' ')
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .filter_map(|sig| base64::engine::general_purpose::STANDARD.decode(sig).ok())
        .any(|sig| signed_matches(&sig));
    if matched {
        Ok(())
    } else {
        Err(refused("NO_MATCHING_SIGNATURE"))
    }
}

/// A verified webhook (version 2024-04-25): `{type, timestamp, data: {paymentId, …}}`. The id of
/// the delivery (`webhook-id`, the same on retries) makes replays count once.
pub(super) fn webhook(headers: &HeaderMap, body: &[u8]) -> Result<WebhookNotice, PaymentError> {
    let malformed = |what: &str| PaymentError::Malformed(format!("PortOne webhook: {what}"));
    let v: Value = serde_json::from_slice(body).map_err(|e| malformed(&e.to_string()))?;
    let kind = text(&v, "type").ok_or_else(|| malformed("type"))?;
    let status = match kind {
        "Transaction.Paid" => GatewayStatus::Done,
        "Transaction.VirtualAccountIssued" => GatewayStatus::WaitingForDeposit,
        "Transaction.PartialCancelled" => GatewayStatus::PartiallyCancelled,
        "Transaction.Cancelled" => GatewayStatus::Cancelled,
        "Transaction.Failed" => GatewayStatus::Aborted,
        _ => GatewayStatus::Ready,
    };
    let attempt_id = v
        .get("data")
        .and_then(|d| text(d, "paymentId"))
        .ok_or_else(|| malformed("data.paymentId"))?;
    let delivery = headers
        .get("webhook-id")
        .and_then(|h| h.to_str().ok())
        .ok_or_else(|| malformed("webhook-id"))?;
    Ok(WebhookNotice {
        kind: NoticeKind::StatusChanged,
        idempotency_key: format!("{kind}:{delivery}"),
        attempt_id: attempt_id.to_owned(),
        status,
        secret: None,
        raw: String::from_utf8_lossy(body).into_owned(),
    })
}
