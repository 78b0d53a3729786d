//! The fake's server API: confirm, lookups, cancel, virtual-account issue (docs/PROVIDERS.md
//! §1.3, §1.6, §1.7).

use super::payment::FakePayment;
use super::{State, TOSS_SECRET_KEY, text};
use axum::body::Bytes;
use axum::extract::{Path, State as AxState};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use chrono::Utc;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::Ordering;

pub(super) type Answer = (StatusCode, Value);

pub(super) fn error(status: StatusCode, code: &str, message: &str) -> Answer {
    (status, json!({"code": code, "message": message}))
}

pub(super) fn invalid(message: &str) -> Answer {
    error(StatusCode::BAD_REQUEST, "INVALID_REQUEST", message)
}

fn not_found() -> Answer {
    error(
        StatusCode::NOT_FOUND,
        "NOT_FOUND_PAYMENT",
        "존재하지 않는 결제 입니다.",
    )
}

/// Records, authenticates, replays a repeated `Idempotency-Key`, else runs `op` and stores its
/// answer under the key.
pub(super) fn serve(
    state: &State,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: &Bytes,
    op: impl FnOnce(&State, &Value) -> Answer,
) -> Response {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let lower = headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                v.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let raw = String::from_utf8_lossy(body).into_owned();
    state
        .requests
        .lock()
        .unwrap()
        .push((method.to_string(), path.to_owned(), lower, raw));
    let auth = header("authorization");
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{TOSS_SECRET_KEY}:"))
    );
    if auth != expected {
        let (s, v) = error(
            StatusCode::UNAUTHORIZED,
            "UNAUTHORIZED_KEY",
            "인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다.",
        );
        return (s, axum::Json(v)).into_response();
    }
    let key = header("idempotency-key");
    if key.chars().count() > 300 {
        let (s, v) = invalid("Idempotency-Key는 300자 이하여야 합니다.");
        return (s, axum::Json(v)).into_response();
    }
    let slot = (key.clone(), auth, method.to_string(), path.to_owned());
    if !key.is_empty()
        && let Some((status, body)) = state.replays.lock().unwrap().get(&slot).cloned()
    {
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
        return (status, [("content-type", "application/json")], body).into_response();
    }
    let (status, value) = if *method == Method::POST {
        let is_json = header("content-type").starts_with("application/json");
        match serde_json::from_slice::<Value>(body) {
            Ok(v) if is_json && v.is_object() => op(state, &v),
            _ => invalid("요청 본문이 올바른 JSON이 아닙니다."),
        }
    } else {
        op(state, &Value::Null)
    };
    let text = value.to_string();
    if !key.is_empty() {
        state
            .replays
            .lock()
            .unwrap()
            .insert(slot, (status.as_u16(), text.clone()));
    }
    (status, [("content-type", "application/json")], text).into_response()
}

pub(super) fn valid_order_id(id: &str) -> bool {
    (6..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// `POST /v1/payments/confirm`.
pub(super) async fn confirm(
    AxState(state): AxState<Arc<State>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let answer = serve(
        &state,
        &Method::POST,
        "/v1/payments/confirm",
        &headers,
        &body,
        confirm_op,
    );
    // Slow after the work: a shop that times out has been charged all the same.
    state.confirm_delay.wait().await;
    answer
}

fn confirm_op(state: &State, v: &Value) -> Answer {
    let (Some(key), Some(order_id), Some(amount)) = (
        text(v, "paymentKey"),
        text(v, "orderId"),
        v.get("amount").and_then(Value::as_i64),
    ) else {
        return invalid("paymentKey, orderId, amount는 필수입니다.");
    };
    if key.chars().count() > 200 || !valid_order_id(order_id) || amount < 1 {
        return invalid("요청 값이 올바르지 않습니다.");
    }
    let mut payments = state.payments.lock().unwrap();
    let Some(p) = payments.get_mut(key) else {
        return not_found();
    };
    if p.status == "DONE" {
        return error(
            StatusCode::BAD_REQUEST,
            "ALREADY_PROCESSED_PAYMENT",
            "이미 처리된 결제 입니다.",
        );
    }
    if p.status != "IN_PROGRESS" || Utc::now() - p.authenticated_at > chrono::Duration::minutes(10)
    {
        return error(
            StatusCode::NOT_FOUND,
            "NOT_FOUND_PAYMENT_SESSION",
            "결제 시간이 만료되어 결제 진행 데이터가 존재하지 않습니다.",
        );
    }
    if p.order_id != order_id || p.total != amount {
        return invalid("결제 정보가 일치하지 않습니다.");
    }
    p.status = "DONE".into();
    p.approved_at = Some(Utc::now());
    p.last_transaction_key = format!("txconf{}", state.next());
    state.confirms_executed.fetch_add(1, Ordering::SeqCst);
    (StatusCode::OK, p.to_json())
}

/// `GET /v1/payments/{paymentKey}`.
pub(super) async fn lookup_by_key(
    AxState(state): AxState<Arc<State>>,
    Path(key): Path<String>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/v1/payments/{key}");
    serve(
        &state,
        &Method::GET,
        &path,
        &headers,
        &Bytes::new(),
        |s, _| match s.payments.lock().unwrap().get(&key) {
            Some(p) => (StatusCode::OK, p.to_json()),
            None => not_found(),
        },
    )
}

/// `GET /v1/payments/orders/{orderId}`.
pub(super) async fn lookup_by_order(
    AxState(state): AxState<Arc<State>>,
    Path(order_id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/v1/payments/orders/{order_id}");
    serve(
        &state,
        &Method::GET,
        &path,
        &headers,
        &Bytes::new(),
        |s, _| {
            let payments = s.payments.lock().unwrap();
            match payments.values().find(|p| p.order_id == order_id) {
                Some(p) => (StatusCode::OK, p.to_json()),
                None => not_found(),
            }
        },
    )
}

/// `POST /v1/payments/{paymentKey}/cancel`.
pub(super) async fn cancel(
    AxState(state): AxState<Arc<State>>,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = format!("/v1/payments/{key}/cancel");
    let answer = serve(&state, &Method::POST, &path, &headers, &body, |s, v| {
        cancel_op(s, &key, v)
    });
    state.cancel_delay.wait().await;
    answer
}

fn refund_account_refusal(v: &Value) -> Option<Answer> {
    let Some(account) = v.get("refundReceiveAccount").filter(|a| a.is_object()) else {
        return Some(invalid(
            "가상계좌 결제 환불에는 환불 계좌(refundReceiveAccount)가 필요합니다.",
        ));
    };
    let (Some(bank), Some(number), Some(holder)) = (
        text(account, "bank"),
        text(account, "accountNumber"),
        text(account, "holderName"),
    ) else {
        return Some(invalid(
            "환불 계좌의 bank, accountNumber, holderName은 필수입니다.",
        ));
    };
    let digits =
        !number.is_empty() && number.len() <= 20 && number.bytes().all(|b| b.is_ascii_digit());
    (bank.is_empty() || !digits || holder.is_empty() || holder.chars().count() > 60)
        .then(|| invalid("환불 계좌 정보가 올바르지 않습니다."))
}

fn cancel_op(state: &State, key: &str, v: &Value) -> Answer {
    if state.cancels_refused.load(Ordering::SeqCst) {
        return error(
            StatusCode::BAD_REQUEST,
            "NOT_CANCELABLE_PAYMENT",
            "취소 할 수 없는 결제 입니다.",
        );
    }
    let Some(reason) =
        text(v, "cancelReason").filter(|r| !r.is_empty() && r.chars().count() <= 200)
    else {
        return invalid("cancelReason은 필수이며 200자 이하입니다.");
    };
    let mut payments = state.payments.lock().unwrap();
    let Some(p) = payments.get_mut(key) else {
        return not_found();
    };
    // Two cancels of one payment within a second: only the first is processed (§1.3).
    let mut last = state.last_cancel.lock().unwrap();
    if last
        .get(key)
        .is_some_and(|t| t.elapsed() < std::time::Duration::from_secs(1))
    {
        return error(
            StatusCode::BAD_REQUEST,
            "ALREADY_PROCESSED_PAYMENT",
            "이미 처리된 결제 입니다.",
        );
    }
    let waiting = p.status == "WAITING_FOR_DEPOSIT";
    if !(matches!(p.status.as_str(), "DONE" | "PARTIAL_CANCELED") || waiting) {
        return error(
            StatusCode::BAD_REQUEST,
            "NOT_CANCELABLE_PAYMENT",
            "취소 할 수 없는 결제 입니다.",
        );
    }
    let amount = match v.get("cancelAmount") {
        None | Some(Value::Null) => p.balance,
        Some(a) => match a.as_i64() {
            Some(a) if a >= 1 => a,
            _ => return invalid("cancelAmount가 올바르지 않습니다."),
        },
    };
    if amount > p.balance || (waiting && amount != p.balance) {
        return error(
            StatusCode::BAD_REQUEST,
            "NOT_CANCELABLE_AMOUNT",
            "취소 할 수 없는 금액 입니다.",
        );
    }
    if p.method == "가상계좌"
        && !waiting
        && let Some(refusal) = refund_account_refusal(v)
    {
        return refusal;
    }
    last.insert(key.to_owned(), std::time::Instant::now());
    p.balance -= amount;
    p.status = if p.balance == 0 {
        "CANCELED"
    } else {
        "PARTIAL_CANCELED"
    }
    .into();
    let tx = format!("txcan{}", state.next());
    p.last_transaction_key = tx.clone();
    p.cancels.push(json!({
        "cancelAmount": amount, "cancelReason": reason, "taxFreeAmount": 0,
        "taxExemptionAmount": 0, "refundableAmount": p.balance, "easyPayDiscountAmount": 0,
        "canceledAt": super::payment::kst(Utc::now()), "transactionKey": tx,
        "receiptKey": Value::Null, "cancelStatus": "DONE",
    }));
    (StatusCode::OK, p.to_json())
}

/// `POST /v1/virtual-accounts`.
pub(super) async fn issue_virtual_account(
    AxState(state): AxState<Arc<State>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    serve(
        &state,
        &Method::POST,
        "/v1/virtual-accounts",
        &headers,
        &body,
        issue_op,
    )
}

fn issue_op(state: &State, v: &Value) -> Answer {
    let (Some(amount), Some(order_id), Some(name), Some(customer), Some(bank)) = (
        v.get("amount").and_then(Value::as_i64),
        text(v, "orderId"),
        text(v, "orderName"),
        text(v, "customerName"),
        text(v, "bank"),
    ) else {
        return invalid("amount, orderId, orderName, customerName, bank는 필수입니다.");
    };
    let hours = v.get("validHours").map(Value::as_i64);
    let hours_ok = match hours {
        None => true,
        Some(Some(h)) => (1..=720).contains(&h) && v.get("dueDate").is_none(),
        Some(None) => false,
    };
    if amount < 1
        || !valid_order_id(order_id)
        || name.chars().count() > 100
        || customer.chars().count() > 100
        || !hours_ok
    {
        return invalid("요청 값이 올바르지 않습니다.");
    }
    let mut payments = state.payments.lock().unwrap();
    if payments.values().any(|p| p.order_id == order_id) {
        return error(
            StatusCode::BAD_REQUEST,
            "DUPLICATED_ORDER_ID",
            "이미 승인 및 취소가 진행된 중복된 주문번호 입니다.",
        );
    }
    let n = state.next();
    let now = Utc::now();
    let due = now + chrono::Duration::hours(hours.flatten().unwrap_or(168));
    let key = format!("tvivarepublica4va{n:08}");
    let payment = FakePayment {
        payment_key: key.clone(),
        order_id: order_id.to_owned(),
        order_name: name.to_owned(),
        method: "가상계좌".into(),
        status: "WAITING_FOR_DEPOSIT".into(),
        total: amount,
        balance: amount,
        secret: Some(format!("ps_fakeSecret{n:08}")),
        virtual_account: Some(json!({
            "accountType": "일반", "accountNumber": format!("X{n:013}").replace('X', "5"),
            "bankCode": bank, "customerName": customer, "dueDate": super::payment::kst(due),
            "refundStatus": "NONE", "expired": false, "settlementStatus": "INCOMPLETED",
            "refundReceiveAccount": Value::Null,
        })),
        cancels: Vec::new(),
        last_transaction_key: format!("txva{n}"),
        requested_at: now,
        approved_at: None,
        authenticated_at: now,
    };
    let json = payment.to_json();
    payments.insert(key, payment);
    (StatusCode::OK, json)
}
