//! The browser leg (docs/PROVIDERS.md §1.2): the SDK script defining
//! `TossPayments(clientKey).requestPayment(method, params)`, the payment window it opens, and the
//! success/fail redirects with `paymentKey`, `orderId`, `amount` or `code`, `message`, `orderId`.

use super::payment::FakePayment;
use super::{State, TOSS_CLIENT_KEY, text};
use axum::Form;
use axum::extract::{Query, State as AxState};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// `GET /v1/payment`: the SDK. `requestPayment` hands the parameters to the window.
pub(super) async fn sdk(headers: HeaderMap) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let script = format!(
        r#"window.TossPayments = function (clientKey) {{
  return {{
    requestPayment: function (method, params) {{
      var q = new URLSearchParams({{ clientKey: clientKey, method: method, params: JSON.stringify(params) }});
      window.location.href = "http://{host}/window?" + q.toString();
      return new Promise(function () {{}});
    }}
  }};
}};
"#
    );
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        script,
    )
        .into_response()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The window's error page.
fn refusal((code, message): (&str, &str)) -> Response {
    let page = Html(format!("<h1>{code}</h1><p>{message}</p>"));
    (StatusCode::BAD_REQUEST, page).into_response()
}

/// The window's request, parsed and checked like the SDK does; `Err` is the error code and text.
fn request(q: &HashMap<String, String>) -> Result<(String, Value), (&'static str, &'static str)> {
    let refuse = |code, message| (code, message);
    if q.get("clientKey").map(String::as_str) != Some(TOSS_CLIENT_KEY) {
        return Err(refuse("INVALID_API_KEY", "잘못된 클라이언트 키입니다."));
    }
    let method = q.get("method").cloned().unwrap_or_default();
    if !matches!(method.as_str(), "카드" | "계좌이체" | "토스페이") {
        return Err(refuse("INVALID_METHOD", "지원하지 않는 결제수단입니다."));
    }
    let params: Value = q
        .get("params")
        .and_then(|p| serde_json::from_str(p).ok())
        .unwrap_or_default();
    let complete = params
        .get("amount")
        .and_then(Value::as_i64)
        .is_some_and(|a| a >= 1)
        && ["orderId", "orderName", "successUrl", "failUrl"]
            .iter()
            .all(|f| text(&params, f).is_some_and(|v| !v.is_empty()));
    if !complete {
        return Err(refuse(
            "INVALID_PARAMETERS",
            "결제 요청 값이 올바르지 않습니다.",
        ));
    }
    Ok((method, params))
}

/// `GET /window`: the payment window.
pub(super) async fn show(Query(q): Query<HashMap<String, String>>) -> Response {
    let (method, params) = match request(&q) {
        Ok(r) => r,
        Err(refused) => return refusal(refused),
    };
    let hidden = |name: &str, value: &str| {
        format!(
            r#"<input type="hidden" name="{name}" value="{}">"#,
            escape(value)
        )
    };
    let fields = [
        hidden("clientKey", TOSS_CLIENT_KEY),
        hidden("method", &method),
        hidden("params", &params.to_string()),
    ]
    .concat();
    Html(format!(
        r#"<!doctype html><html lang="ko"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>토스페이먼츠 (테스트)</title>
<style>body{{font-family:sans-serif;max-width:420px;margin:40px auto;padding:0 16px}}
button{{width:100%;padding:14px;margin-top:10px;font-size:16px}}</style></head>
<body><h1>토스페이먼츠 결제창 (가짜 서버)</h1>
<p id="order-name">{name}</p><p id="method">{method}</p><p id="amount">{amount}원</p>
<form method="post" action="/window/approve">{fields}<button id="toss-approve">결제하기</button></form>
<form method="post" action="/window/cancel">{fields}<button id="toss-cancel">취소</button></form>
</body></html>"#,
        name = escape(text(&params, "orderName").unwrap_or_default()),
        amount = params["amount"],
    ))
    .into_response()
}

/// Creates the authenticated (`IN_PROGRESS`) payment the shop must confirm within 10 minutes.
pub(super) fn authenticate(
    state: &State,
    order_id: &str,
    order_name: &str,
    amount: i64,
    method: &str,
) -> String {
    let n = state.next();
    let key = format!("tviva{n:012}");
    let now = Utc::now();
    let method = if method == "토스페이" {
        "간편결제"
    } else {
        method
    };
    state.payments.lock().unwrap().insert(
        key.clone(),
        FakePayment {
            payment_key: key.clone(),
            order_id: order_id.to_owned(),
            order_name: order_name.to_owned(),
            method: method.to_owned(),
            status: "IN_PROGRESS".into(),
            total: amount,
            balance: amount,
            secret: None,
            virtual_account: None,
            cancels: Vec::new(),
            last_transaction_key: format!("txauth{n}"),
            requested_at: now,
            approved_at: None,
            authenticated_at: now,
        },
    );
    key
}

fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    match reqwest::Url::parse(base) {
        Ok(mut url) => {
            url.query_pairs_mut().extend_pairs(pairs);
            url.to_string()
        }
        Err(_) => base.to_owned(),
    }
}

/// `POST /window/approve`: the shopper pays; back to `successUrl`.
pub(super) async fn approve(
    AxState(state): AxState<Arc<State>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let (method, params) = match request(&form) {
        Ok(r) => r,
        Err(refused) => return refusal(refused),
    };
    let order_id = text(&params, "orderId").unwrap_or_default();
    let amount = params["amount"].as_i64().unwrap_or_default();
    let name = text(&params, "orderName").unwrap_or_default();
    let key = authenticate(&state, order_id, name, amount, &method);
    let success = text(&params, "successUrl").unwrap_or_default();
    let amount = amount.to_string();
    let pairs = [
        ("paymentKey", key.as_str()),
        ("orderId", order_id),
        ("amount", &amount),
        ("paymentType", "NORMAL"),
    ];
    Redirect::to(&with_query(success, &pairs)).into_response()
}

/// `POST /window/cancel`: the shopper closes the window; back to `failUrl`.
pub(super) async fn cancel(Form(form): Form<HashMap<String, String>>) -> Response {
    let (_, params) = match request(&form) {
        Ok(r) => r,
        Err(refused) => return refusal(refused),
    };
    let order_id = text(&params, "orderId").unwrap_or_default();
    let fail = text(&params, "failUrl").unwrap_or_default();
    let pairs = [
        ("code", "PAY_PROCESS_CANCELED"),
        ("message", "사용자에 의해 결제가 취소되었습니다."),
        ("orderId", order_id),
    ];
    Redirect::to(&with_query(fail, &pairs)).into_response()
}
