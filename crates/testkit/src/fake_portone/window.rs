//! The browser leg: the SDK script defining `PortOne.requestPayment(params)`, the window it
//! opens (card, transfer or NaverPay on its own channel), and the redirect to
//! `redirectUrl?paymentId=…` (with `code` and `message` when the payment failed).

use super::{
    FakePortOnePayment, PORTONE_CHANNEL_KEY, PORTONE_NAVERPAY_CHANNEL_KEY, PORTONE_STORE_ID, State,
};
use axum::Form;
use axum::extract::{Path, Query, State as AxState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// A new payment as the window creates it (`READY`).
pub(super) fn new_payment(
    id: &str,
    channel_key: &str,
    order_name: &str,
    total: i64,
    pay_method: &str,
    redirect_url: &str,
) -> FakePortOnePayment {
    FakePortOnePayment {
        id: id.to_owned(),
        channel_key: channel_key.to_owned(),
        order_name: order_name.to_owned(),
        total,
        cancelled: 0,
        status: "READY",
        pay_method: pay_method.to_owned(),
        easy_pay_provider: None,
        is_escrow: false,
        escrow: None,
        virtual_account: None,
        refund_accounts: Vec::new(),
        redirect_url: redirect_url.to_owned(),
        paid_at: None,
    }
}

/// `GET /v2/browser-sdk.js`: `requestPayment` hands the parameters to the window.
pub(super) async fn sdk(headers: HeaderMap) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let script = format!(
        r#"window.PortOne = {{
  requestPayment: function (params) {{
    var q = new URLSearchParams({{ params: JSON.stringify(params) }});
    window.location.href = "http://{host}/window?" + q.toString();
    return new Promise(function () {{}});
  }},
  requestIdentityVerification: function (params) {{
    var q = new URLSearchParams({{ params: JSON.stringify(params) }});
    window.location.href = "http://{host}/identity-window?" + q.toString();
    return new Promise(function () {{}});
  }}
}};
"#
    );
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        script,
    )
        .into_response()
}

pub(super) fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

pub(super) fn refusal(message: &str) -> Response {
    let page = Html(format!(
        "<h1>INVALID_REQUEST</h1><p>{}</p>",
        escape(message)
    ));
    (StatusCode::BAD_REQUEST, page).into_response()
}

/// The window's parameters, checked as the SDK does.
fn params(q: &HashMap<String, String>) -> Result<Value, &'static str> {
    let p: Value = q
        .get("params")
        .and_then(|p| serde_json::from_str(p).ok())
        .unwrap_or_default();
    if p["storeId"] != PORTONE_STORE_ID {
        return Err("상점 아이디가 올바르지 않습니다.");
    }
    let naverpay = p["easyPay"]["easyPayProvider"] == "NAVERPAY";
    let channel_ok = match p["channelKey"].as_str() {
        Some(PORTONE_CHANNEL_KEY) => !naverpay,
        Some(PORTONE_NAVERPAY_CHANNEL_KEY) => naverpay && p["payMethod"] == "EASY_PAY",
        _ => false,
    };
    if !channel_ok {
        return Err("채널 키가 올바르지 않습니다.");
    }
    let complete = p["totalAmount"].as_i64().is_some_and(|a| a >= 1)
        && p["currency"] == "KRW"
        && ["CARD", "TRANSFER", "EASY_PAY"].contains(&p["payMethod"].as_str().unwrap_or(""))
        && ["paymentId", "orderName", "redirectUrl"]
            .iter()
            .all(|f| p[*f].as_str().is_some_and(|v| !v.is_empty()));
    if !complete {
        return Err("결제 요청 값이 올바르지 않습니다.");
    }
    Ok(p)
}

/// `GET /window`: the payment window; the payment exists from here on, `READY`.
pub(super) async fn show(
    AxState(s): AxState<Arc<State>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let p = match params(&q) {
        Ok(p) => p,
        Err(message) => return refusal(message),
    };
    let id = p["paymentId"].as_str().unwrap_or_default().to_owned();
    let mut payment = new_payment(
        &id,
        p["channelKey"].as_str().unwrap_or_default(),
        p["orderName"].as_str().unwrap_or_default(),
        p["totalAmount"].as_i64().unwrap_or_default(),
        p["payMethod"].as_str().unwrap_or_default(),
        p["redirectUrl"].as_str().unwrap_or_default(),
    );
    payment.is_escrow = p["isEscrow"].as_bool().unwrap_or(false);
    payment.easy_pay_provider = p["easyPay"]["easyPayProvider"].as_str().map(str::to_owned);
    let title = match payment.easy_pay_provider.as_deref() {
        Some("NAVERPAY") => "네이버페이",
        _ => "PortOne",
    };
    let escrow = if payment.is_escrow {
        "<p id=\"escrow\">에스크로(구매안전) 결제</p>"
    } else {
        ""
    };
    let page = format!(
        r#"<!doctype html><html lang="ko"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} (가짜 서버)</title>
<style>body{{font-family:sans-serif;max-width:420px;margin:40px auto;padding:0 16px;background:#f4fbf6}}
button{{width:100%;padding:14px;margin-top:10px;font-size:16px}}</style></head>
<body><h1>{title} 결제창 (가짜 서버)</h1><p id="method">{method}</p>{escrow}
<p id="order-name">{name}</p><p id="amount">{amount}원</p>
<form method="post" action="/window/{id}/approve"><button id="portone-approve">결제하기</button></form>
<form method="post" action="/window/{id}/cancel"><button id="portone-cancel">취소</button></form>
</body></html>"#,
        method = escape(&payment.pay_method),
        name = escape(&payment.order_name),
        amount = payment.total,
        id = escape(&id),
    );
    let mut payments = s.payments.lock().unwrap();
    // A payment id that was paid before cannot be paid again (ALREADY_PAID).
    if payments
        .get(&id)
        .is_some_and(|existing| existing.status != "READY")
    {
        return refusal("이미 처리된 결제 건입니다.");
    }
    payments.insert(id, payment);
    Html(page).into_response()
}

/// Back to the shop's `base` address with `pairs` added to its query.
pub(super) fn redirect(base: &str, pairs: &[(&str, &str)]) -> Response {
    let url = match reqwest::Url::parse(base) {
        Ok(mut url) => {
            url.query_pairs_mut().extend_pairs(pairs);
            url.to_string()
        }
        Err(_) => base.to_owned(),
    };
    Redirect::to(&url).into_response()
}

/// `POST /window/{id}/approve`: PortOne approves the payment itself; back to `redirectUrl`.
pub(super) async fn approve(
    AxState(s): AxState<Arc<State>>,
    Path(id): Path<String>,
    Form(_): Form<HashMap<String, String>>,
) -> Response {
    let mut payments = s.payments.lock().unwrap();
    let Some(p) = payments.get_mut(&id).filter(|p| p.status == "READY") else {
        return refusal("결제 건이 존재하지 않습니다.");
    };
    p.status = "PAID";
    p.paid_at = Some(Utc::now());
    let tx = format!("tx-{id}");
    redirect(
        &p.redirect_url,
        &[
            ("paymentId", id.as_str()),
            ("transactionType", "PAYMENT"),
            ("txId", &tx),
        ],
    )
}

/// `POST /window/{id}/cancel`: the shopper gives up; back with `code` and `message`.
pub(super) async fn cancel(AxState(s): AxState<Arc<State>>, Path(id): Path<String>) -> Response {
    let mut payments = s.payments.lock().unwrap();
    let Some(p) = payments.get_mut(&id).filter(|p| p.status == "READY") else {
        return refusal("결제 건이 존재하지 않습니다.");
    };
    p.status = "FAILED";
    redirect(
        &p.redirect_url,
        &[
            ("paymentId", id.as_str()),
            ("code", "FAILURE_TYPE_PG"),
            ("message", "사용자가 결제를 취소하였습니다."),
        ],
    )
}
