//! Cash receipts (KOREAN-COMMERCE.md §1.5): `POST /v1/cash-receipts` issues one for an amount,
//! an `orderId`, an identity and a type (소득공제 or 지출증빙); `POST
//! /v1/cash-receipts/{receiptKey}/cancel` cancels it, all or `amount` of it.

use super::api::{Answer, error, invalid, serve, valid_order_id};
use super::{State, text};
use axum::body::Bytes;
use axum::extract::{Path, State as AxState};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use chrono::Utc;
use serde_json::{Value, json};
use std::sync::Arc;

/// `POST /v1/cash-receipts`.
pub(super) async fn issue(
    AxState(state): AxState<Arc<State>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    serve(
        &state,
        &Method::POST,
        "/v1/cash-receipts",
        &headers,
        &body,
        issue_op,
    )
}

fn issue_op(state: &State, v: &Value) -> Answer {
    let amount = v["amount"].as_i64().filter(|a| *a >= 1);
    let order_id = text(v, "orderId").filter(|id| valid_order_id(id));
    let identity = text(v, "customerIdentityNumber")
        .filter(|n| (10..=19).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()));
    let kind = text(v, "type").filter(|t| matches!(*t, "소득공제" | "지출증빙"));
    let (Some(amount), Some(order_id), Some(identity), Some(kind), Some(name)) =
        (amount, order_id, identity, kind, text(v, "orderName"))
    else {
        return invalid("현금영수증 발급 정보가 올바르지 않습니다.");
    };
    let mut receipts = state.receipts.lock().unwrap();
    if receipts
        .values()
        .any(|r| r["orderId"] == order_id && r["transactionType"] == "CONFIRM")
    {
        return error(
            StatusCode::BAD_REQUEST,
            "ALREADY_ISSUED_CASH_RECEIPT",
            "이미 발급된 현금영수증입니다.",
        );
    }
    let n = state.next();
    let key = format!("tcrk{n:016}");
    let receipt = json!({
        "receiptKey": key, "issueNumber": format!("{n:09}"), "issueStatus": "COMPLETED",
        "transactionType": "CONFIRM", "businessNumber": "1234567890",
        "customerIdentityNumber": identity, "amount": amount, "taxFreeAmount": v["taxFreeAmount"],
        "orderId": order_id, "orderName": name, "type": kind, "failure": null,
        "requestedAt": Utc::now().to_rfc3339(),
        "receiptUrl": format!("https://dashboard.tosspayments.com/receipt/cash?ref={key}"),
    });
    receipts.insert(key, receipt.clone());
    (StatusCode::OK, receipt)
}

/// `POST /v1/cash-receipts/{receiptKey}/cancel`.
pub(super) async fn cancel(
    AxState(state): AxState<Arc<State>>,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = format!("/v1/cash-receipts/{key}/cancel");
    serve(&state, &Method::POST, &path, &headers, &body, |s, v| {
        let mut receipts = s.receipts.lock().unwrap();
        let Some(receipt) = receipts.get_mut(&key) else {
            return error(
                StatusCode::NOT_FOUND,
                "NOT_FOUND_CASH_RECEIPT",
                "존재하지 않는 현금영수증입니다.",
            );
        };
        let issued = receipt["amount"].as_i64().unwrap_or_default();
        let amount = match v.get("amount") {
            None => issued,
            Some(a) => match a.as_i64() {
                Some(a) if (1..=issued).contains(&a) => a,
                _ => return invalid("취소 금액이 올바르지 않습니다."),
            },
        };
        if issued == 0 {
            return invalid("이미 취소된 현금영수증입니다.");
        }
        receipt["amount"] = json!(issued - amount);
        if issued == amount {
            receipt["transactionType"] = json!("CANCEL");
        }
        (StatusCode::OK, receipt.clone())
    })
}
