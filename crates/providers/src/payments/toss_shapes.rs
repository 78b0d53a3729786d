//! The JSON shapes of Toss Payments (docs/PROVIDERS.md §1.4–1.8), shared by the Toss adapter and
//! the built-in test gateway, which speaks the same shapes.

use super::{GatewayPayment, GatewayStatus, NoticeKind, PaymentError, WebhookNotice};
use chrono::{DateTime, Utc};
use jangteo_core::Won;
use serde_json::Value;

/// A Toss status literal as ours.
pub(super) fn status_of(name: &str) -> Option<GatewayStatus> {
    Some(match name {
        // IN_PROGRESS: authenticated, waiting for our confirm — not approved yet.
        "READY" | "IN_PROGRESS" => GatewayStatus::Ready,
        "WAITING_FOR_DEPOSIT" => GatewayStatus::WaitingForDeposit,
        "DONE" => GatewayStatus::Done,
        "CANCELED" => GatewayStatus::Cancelled,
        "PARTIAL_CANCELED" => GatewayStatus::PartiallyCancelled,
        "ABORTED" => GatewayStatus::Aborted,
        "EXPIRED" => GatewayStatus::Expired,
        _ => return None,
    })
}

/// Our status as the Toss literal.
pub(super) fn status_name(s: GatewayStatus) -> &'static str {
    match s {
        GatewayStatus::Ready => "READY",
        GatewayStatus::Done => "DONE",
        GatewayStatus::WaitingForDeposit => "WAITING_FOR_DEPOSIT",
        GatewayStatus::PartiallyCancelled => "PARTIAL_CANCELED",
        GatewayStatus::Cancelled => "CANCELED",
        GatewayStatus::Aborted => "ABORTED",
        GatewayStatus::Expired => "EXPIRED",
    }
}

/// An amount field: a JSON number in the real replies, although the spec types some as strings.
fn amount(v: &Value, name: &str) -> Option<i64> {
    match v.get(name)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn text<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get(name).and_then(Value::as_str)
}

fn time(v: &Value, name: &str) -> Option<DateTime<Utc>> {
    text(v, name)
        .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// A Toss `Payment` object (confirm, lookup, cancel, virtual-account issue).
pub(super) fn payment(provider: &'static str, raw: String) -> Result<GatewayPayment, PaymentError> {
    let malformed = |what: &str| PaymentError::Unavailable {
        provider,
        message: format!("unexpected payment object: {what}"),
    };
    let v: Value = serde_json::from_str(&raw).map_err(|e| malformed(&e.to_string()))?;
    let status = text(&v, "status")
        .and_then(status_of)
        .ok_or_else(|| malformed("status"))?;
    let total = amount(&v, "totalAmount").ok_or_else(|| malformed("totalAmount"))?;
    Ok(GatewayPayment {
        payment_key: text(&v, "paymentKey")
            .ok_or_else(|| malformed("paymentKey"))?
            .to_owned(),
        attempt_id: text(&v, "orderId")
            .ok_or_else(|| malformed("orderId"))?
            .to_owned(),
        status,
        total_amount: Won(total),
        balance_amount: Won(amount(&v, "balanceAmount").unwrap_or(total)),
        approved_at: time(&v, "approvedAt"),
        card_company: v
            .get("card")
            .and_then(|c| text(c, "issuerCode"))
            .map(card_company),
        secret: text(&v, "secret").map(str::to_owned),
        raw,
    })
}

/// A card issuer code as the name shoppers know (the common ones; others keep their code).
fn card_company(code: &str) -> String {
    let name = match code {
        "3K" => "기업BC",
        "46" => "광주",
        "71" => "롯데",
        "30" => "산업",
        "31" => "BC",
        "51" => "삼성",
        "38" => "새마을",
        "41" => "신한",
        "62" => "신협",
        "36" => "씨티",
        "33" => "우리",
        "W1" => "우리",
        "37" => "우체국",
        "39" => "저축",
        "35" => "전북",
        "42" => "제주",
        "15" => "카카오뱅크",
        "3A" => "케이뱅크",
        "24" => "토스뱅크",
        "21" => "하나",
        "61" => "현대",
        "11" => "국민",
        "91" => "농협",
        "34" => "수협",
        _ => return code.to_owned(),
    };
    format!("{name}카드")
}

/// A Toss webhook: `DEPOSIT_CALLBACK` (flat or `data`-wrapped; its fields carry the payment's
/// secret) or `PAYMENT_STATUS_CHANGED` (a whole, unsigned Payment object under `data`).
pub(super) fn webhook(body: &[u8]) -> Result<WebhookNotice, PaymentError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| PaymentError::Malformed(e.to_string()))?;
    let v = value
        .get("data")
        .filter(|d| d.is_object())
        .unwrap_or(&value);
    let field = |name: &str| text(v, name).map(str::to_owned);
    let attempt_id =
        field("orderId").ok_or_else(|| PaymentError::Malformed("no orderId".into()))?;
    let status = field("status")
        .as_deref()
        .and_then(status_of)
        .ok_or_else(|| PaymentError::Malformed("status".into()))?;
    let status_changed = text(&value, "eventType") == Some("PAYMENT_STATUS_CHANGED");
    let (kind, key) = if status_changed {
        // One delivery per change: the payment's last transaction and status name it.
        let tx = field("lastTransactionKey").unwrap_or_default();
        let key = format!("status:{tx}:{}", status_name(status));
        (NoticeKind::StatusChanged, key)
    } else {
        let key = field("transactionKey")
            .ok_or_else(|| PaymentError::Malformed("no transactionKey".into()))?;
        (NoticeKind::Deposit, key)
    };
    Ok(WebhookNotice {
        kind,
        idempotency_key: key,
        attempt_id,
        status,
        secret: field("secret"),
        raw: String::from_utf8_lossy(body).into_owned(),
    })
}

/// A Toss error body `{code, message}` (docs/PROVIDERS.md §1.6): 4xx refusals are final, 5xx
/// and anything unreadable may be retried.
pub(super) fn error(provider: &'static str, status: u16, raw: &str) -> PaymentError {
    let v: Value = serde_json::from_str(raw).unwrap_or_default();
    match (text(&v, "code"), text(&v, "message")) {
        (Some(code), Some(message)) if (400..500).contains(&status) => PaymentError::Rejected {
            provider,
            code: code.to_owned(),
            message: message.to_owned(),
        },
        (code, message) => PaymentError::Unavailable {
            provider,
            message: format!(
                "HTTP {status}: {} {}",
                code.unwrap_or(""),
                message.unwrap_or("")
            ),
        },
    }
}

/// A Toss `CashReceipt` object (issue reply): `receiptKey`, `issueNumber`, `receiptUrl`.
pub(super) fn cash_receipt(
    provider: &'static str,
    raw: &str,
) -> Result<super::IssuedReceipt, PaymentError> {
    let v: Value = serde_json::from_str(raw).unwrap_or_default();
    if text(&v, "issueStatus") == Some("FAILED") {
        return Err(PaymentError::Rejected {
            provider,
            code: "CASH_RECEIPT_FAILED".into(),
            message: v["failure"]["message"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        });
    }
    let key = text(&v, "receiptKey").ok_or_else(|| PaymentError::Unavailable {
        provider,
        message: "unexpected cash receipt: receiptKey".into(),
    })?;
    Ok(super::IssuedReceipt {
        receipt_key: key.to_owned(),
        issue_number: text(&v, "issueNumber").unwrap_or_default().to_owned(),
        receipt_url: text(&v, "receiptUrl").map(str::to_owned),
    })
}
