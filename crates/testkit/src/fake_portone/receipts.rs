//! Cash receipts issued by hand (`POST /cash-receipts` with a `paymentId` of the shop's own) and
//! cancelled whole (`POST /payments/{paymentId}/cash-receipt/cancel?storeId=`), per the SDK's
//! `IssueCashReceiptBody` and `CancelCashReceiptResponse`.

use super::api::{Reply, authorised, body, error, invalid, store_in_query};
use super::{PORTONE_CHANNEL_KEY, State};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// POST /cash-receipts
pub(super) async fn issue(
    AxState(s): AxState<Arc<State>>,
    headers: HeaderMap,
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
        let identity = v["customer"]["identityNumber"].as_str().unwrap_or_default();
        let well_formed = v["paymentId"].as_str().is_some_and(|id| !id.is_empty())
            && matches!(v["type"].as_str(), Some("PERSONAL" | "CORPORATE"))
            && v["orderName"].as_str().is_some_and(|n| !n.is_empty())
            && v["currency"] == "KRW"
            && v["amount"]["total"].as_i64().is_some_and(|a| a >= 1)
            && (10..=19).contains(&identity.len())
            && identity.bytes().all(|b| b.is_ascii_digit());
        if !well_formed {
            return Err(invalid("현금영수증 발급 정보가 올바르지 않습니다."));
        }
        let id = v["paymentId"].as_str().unwrap_or_default().to_owned();
        let mut receipts = s.receipts.lock().unwrap();
        if receipts.get(&id).is_some_and(|r| r["status"] == "ISSUED") {
            return Err(error(
                StatusCode::CONFLICT,
                "CASH_RECEIPT_ALREADY_ISSUED",
                "이미 발급된 현금영수증입니다.",
            ));
        }
        let n = s.next();
        let mut stored = v.clone();
        stored["status"] = json!("ISSUED");
        receipts.insert(id.clone(), stored);
        let summary = json!({"cashReceipt": {"issueNumber": format!("{n:09}"),
            "url": format!("https://receipt.example.portone.io/cash/{id}"), "pgReceiptId": format!("pgcr-{n}")}});
        Ok(Json(summary).into_response())
    };
    reply().unwrap_or_else(|e| *e)
}

/// POST /payments/{paymentId}/cash-receipt/cancel?storeId=
pub(super) async fn cancel(
    AxState(s): AxState<Arc<State>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let reply = || -> Reply {
        authorised(&headers)?;
        store_in_query(&q)?;
        let mut receipts = s.receipts.lock().unwrap();
        let Some(receipt) = receipts.get_mut(&id) else {
            return Err(error(
                StatusCode::NOT_FOUND,
                "CASH_RECEIPT_NOT_FOUND",
                "현금영수증이 존재하지 않습니다.",
            ));
        };
        if receipt["status"] != "ISSUED" {
            return Err(error(
                StatusCode::CONFLICT,
                "CASH_RECEIPT_NOT_ISSUED",
                "발급되지 않은 현금영수증입니다.",
            ));
        }
        receipt["status"] = json!("CANCELLED");
        let cancelled: Value = receipt["amount"]["total"].clone();
        Ok(
            Json(json!({"cancelledAmount": cancelled, "cancelledAt": Utc::now().to_rfc3339()}))
                .into_response(),
        )
    };
    reply().unwrap_or_else(|e| *e)
}
