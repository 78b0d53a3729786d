//! The API the shop calls: get, instant (virtual accounts), cancel, close, escrow logistics and
//! completion. Error bodies are `{type, message}` (§3.1); the HTTP status of each is inferred.

use super::{FakePortOnePayment, PORTONE_API_SECRET, PORTONE_CHANNEL_KEY, PORTONE_STORE_ID, State};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// A refusal, boxed (a response is large).
pub(super) type Refusal = Box<Response>;
pub(super) type Reply = Result<Response, Refusal>;

pub(super) fn error(status: StatusCode, kind: &str, message: &str) -> Refusal {
    Box::new((status, Json(json!({"type": kind, "message": message}))).into_response())
}

/// `Authorization: PortOne {secret}`.
pub(super) fn authorised(headers: &HeaderMap) -> Result<(), Refusal> {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if auth == format!("PortOne {PORTONE_API_SECRET}") {
        Ok(())
    } else {
        Err(error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED",
            "인증 정보가 올바르지 않습니다.",
        ))
    }
}

/// The store named as a query parameter (GET, and POST calls without a body).
pub(super) fn store_in_query(q: &HashMap<String, String>) -> Result<(), Refusal> {
    match q.get("storeId").map(String::as_str) {
        None | Some(PORTONE_STORE_ID) => Ok(()),
        Some(_) => Err(error(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "접근 권한이 없는 상점입니다.",
        )),
    }
}

/// A JSON object body naming the store (POST calls with a body).
pub(super) fn body(headers: &HeaderMap, raw: &Bytes) -> Result<Value, Refusal> {
    authorised(headers)?;
    let json_body = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let v: Value = serde_json::from_slice(raw).unwrap_or_default();
    if !json_body || !v.is_object() {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST",
            "JSON 본문이 필요합니다.",
        ));
    }
    match v.get("storeId").and_then(Value::as_str) {
        None | Some(PORTONE_STORE_ID) => Ok(v),
        Some(_) => Err(error(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "접근 권한이 없는 상점입니다.",
        )),
    }
}

fn not_found() -> Refusal {
    error(
        StatusCode::NOT_FOUND,
        "PAYMENT_NOT_FOUND",
        "결제 건이 존재하지 않습니다.",
    )
}

pub(super) fn invalid(message: &str) -> Refusal {
    error(StatusCode::BAD_REQUEST, "INVALID_REQUEST", message)
}

/// GET /payments/{id}?storeId=
pub(super) async fn get_payment(
    AxState(s): AxState<Arc<State>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    s.lookup_delay.wait().await;
    let reply = || -> Reply {
        authorised(&headers)?;
        store_in_query(&q)?;
        let payments = s.payments.lock().unwrap();
        let p = payments.get(&id).ok_or_else(not_found)?;
        Ok(Json(p.to_json()).into_response())
    };
    reply().unwrap_or_else(|e| *e)
}

/// POST /payments/{id}/instant: a virtual account issued server-side.
pub(super) async fn instant(
    AxState(s): AxState<Arc<State>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    raw: Bytes,
) -> Response {
    let reply = || -> Reply {
        let v = body(&headers, &raw)?;
        if v["channelKey"] != PORTONE_CHANNEL_KEY {
            return Err(error(
                StatusCode::NOT_FOUND,
                "CHANNEL_NOT_FOUND",
                "채널이 존재하지 않습니다.",
            ));
        }
        let va = &v["method"]["virtualAccount"];
        let total = v["amount"]["total"].as_i64();
        let well_formed = v["orderName"].as_str().is_some_and(|n| !n.is_empty())
            && total.is_some_and(|t| t > 0)
            && v["currency"] == "KRW"
            && va["bank"].is_string()
            && va["option"]["type"].is_string()
            && va["cashReceipt"]["type"].is_string()
            && va["cashReceipt"]["customerIdentityNumber"].is_string()
            && (va["expiry"]["dueDate"].is_string() || va["expiry"]["validHours"].is_i64());
        if !well_formed {
            return Err(invalid("가상계좌 발급 정보가 올바르지 않습니다."));
        }
        let mut payments = s.payments.lock().unwrap();
        if payments.contains_key(&id) {
            return Err(error(
                StatusCode::CONFLICT,
                "ALREADY_PAID",
                "이미 결제된 건입니다.",
            ));
        }
        let due = va["expiry"]["dueDate"]
            .as_str()
            .unwrap_or("2026-12-31T14:59:59Z");
        let number = format!("5630{:010}", s.next());
        let mut p = super::window::new_payment(
            &id,
            PORTONE_CHANNEL_KEY,
            v["orderName"].as_str().unwrap_or_default(),
            total.unwrap_or_default(),
            "VIRTUAL_ACCOUNT",
            "",
        );
        p.status = "VIRTUAL_ACCOUNT_ISSUED";
        p.is_escrow = v["isEscrow"].as_bool().unwrap_or(false);
        p.virtual_account = Some((
            va["bank"].as_str().unwrap_or_default().to_owned(),
            number,
            due.to_owned(),
        ));
        payments.insert(id.clone(), p);
        let summary =
            json!({"payment": {"pgTxId": format!("pg-{id}"), "paidAt": Utc::now().to_rfc3339()}});
        Ok(Json(summary).into_response())
    };
    reply().unwrap_or_else(|e| *e)
}

/// Checks a cancel against the payment; the cancelled amount on success.
fn cancellable(p: &FakePortOnePayment, v: &Value) -> Result<i64, Refusal> {
    let conflict = |kind: &str, message: &str| error(StatusCode::CONFLICT, kind, message);
    match p.status {
        "PAID" | "PARTIAL_CANCELLED" => {}
        "CANCELLED" => {
            return Err(conflict(
                "PAYMENT_ALREADY_CANCELLED",
                "이미 취소된 결제입니다.",
            ));
        }
        _ => return Err(conflict("PAYMENT_NOT_PAID", "결제가 완료되지 않았습니다.")),
    }
    let left = p.total - p.cancelled;
    if let Some(expected) = v.get("currentCancellableAmount")
        && expected.as_i64() != Some(left)
    {
        return Err(conflict(
            "CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN",
            "취소 가능 잔액 검증에 실패했습니다.",
        ));
    }
    let amount = match v.get("amount") {
        None => left,
        Some(a) => a
            .as_i64()
            .ok_or_else(|| invalid("amount는 정수여야 합니다."))?,
    };
    if amount < 1 || amount > left {
        return Err(conflict(
            "CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT",
            "취소 금액이 취소 가능 금액을 초과했습니다.",
        ));
    }
    if p.pay_method == "VIRTUAL_ACCOUNT" {
        let account = &v["refundAccount"];
        if !(account["bank"].is_string()
            && account["number"].as_str().is_some_and(|n| !n.is_empty())
            && account["holderName"]
                .as_str()
                .is_some_and(|n| !n.is_empty()))
        {
            return Err(invalid("가상계좌 환불에는 환불 계좌가 필요합니다."));
        }
    }
    Ok(amount)
}

/// POST /payments/{id}/cancel
pub(super) async fn cancel(
    AxState(s): AxState<Arc<State>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    raw: Bytes,
) -> Response {
    let reply = || -> Reply {
        let v = body(&headers, &raw)?;
        if v["reason"].as_str().is_none_or(str::is_empty) {
            return Err(invalid("reason은 필수입니다."));
        }
        let mut payments = s.payments.lock().unwrap();
        let p = payments.get_mut(&id).ok_or_else(not_found)?;
        let amount = cancellable(p, &v)?;
        p.cancelled += amount;
        p.status = if p.cancelled == p.total {
            "CANCELLED"
        } else {
            "PARTIAL_CANCELLED"
        };
        if v.get("refundAccount").is_some() {
            p.refund_accounts.push(v["refundAccount"].clone());
        }
        let cancellation = json!({"cancellation": {
            "status": "SUCCEEDED", "id": format!("cancel-{}", s.next()), "totalAmount": amount,
            "taxFreeAmount": 0, "vatAmount": amount / 11, "reason": v["reason"],
            "cancelledAt": Utc::now().to_rfc3339(), "requestedAt": Utc::now().to_rfc3339(),
        }});
        Ok(Json(cancellation).into_response())
    };
    reply().unwrap_or_else(|e| *e)
}

/// POST /payments/{id}/virtual-account/close?storeId=
pub(super) async fn close(
    AxState(s): AxState<Arc<State>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let reply = || -> Reply {
        authorised(&headers)?;
        store_in_query(&q)?;
        let mut payments = s.payments.lock().unwrap();
        let p = payments.get_mut(&id).ok_or_else(not_found)?;
        if p.status != "VIRTUAL_ACCOUNT_ISSUED" {
            return Err(error(
                StatusCode::CONFLICT,
                "PAYMENT_NOT_WAITING_FOR_DEPOSIT",
                "입금 대기 상태가 아닙니다.",
            ));
        }
        p.status = "CANCELLED";
        Ok(Json(json!({"closedAt": Utc::now().to_rfc3339()})).into_response())
    };
    reply().unwrap_or_else(|e| *e)
}

const COMPANIES: [&str; 8] = [
    "CJ",
    "HANJIN",
    "LOTTE",
    "POST",
    "LOGEN",
    "KYUNGDONG",
    "DAESIN",
    "ETC",
];

/// POST /payments/{id}/escrow/logistics
pub(super) async fn escrow_logistics(
    AxState(s): AxState<Arc<State>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    raw: Bytes,
) -> Response {
    let reply = || -> Reply {
        let v = body(&headers, &raw)?;
        let logistics = &v["logistics"];
        let company = logistics["company"].as_str().unwrap_or_default();
        let invoice = logistics["invoiceNumber"].as_str().unwrap_or_default();
        let sent_at_ok = logistics["sentAt"]
            .as_str()
            .is_some_and(|t| DateTime::parse_from_rfc3339(t).is_ok());
        if !COMPANIES.contains(&company) || invoice.is_empty() || !sent_at_ok {
            return Err(invalid("logistics 정보가 올바르지 않습니다."));
        }
        let mut payments = s.payments.lock().unwrap();
        let p = payments.get_mut(&id).ok_or_else(not_found)?;
        if p.status != "PAID" {
            return Err(error(
                StatusCode::CONFLICT,
                "PAYMENT_NOT_PAID",
                "결제가 완료되지 않았습니다.",
            ));
        }
        if !p.is_escrow {
            return Err(invalid("에스크로 결제가 아닙니다."));
        }
        p.escrow = Some(("REGISTERED".into(), company.to_owned(), invoice.to_owned()));
        let invoice = json!({"invoice": {"escrowProductId": null, "company": company,
            "invoiceNumber": invoice, "sentAt": logistics["sentAt"], "appliedAt": Utc::now().to_rfc3339()}});
        Ok(Json(invoice).into_response())
    };
    reply().unwrap_or_else(|e| *e)
}

/// POST /payments/{id}/escrow/complete
pub(super) async fn escrow_complete(
    AxState(s): AxState<Arc<State>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    raw: Bytes,
) -> Response {
    let reply = || -> Reply {
        body(&headers, &raw)?;
        let mut payments = s.payments.lock().unwrap();
        let p = payments.get_mut(&id).ok_or_else(not_found)?;
        match &mut p.escrow {
            // A repeated completion (an answer lost on the way) is lenient [INF].
            Some((status, _, _)) if status == "REGISTERED" || status == "CONFIRMED" => {
                *status = "CONFIRMED".into();
            }
            _ => return Err(invalid("배송 정보가 등록되지 않은 에스크로 결제입니다.")),
        }
        Ok(Json(json!({"completedAt": Utc::now().to_rfc3339()})).into_response())
    };
    reply().unwrap_or_else(|e| *e)
}
