//! A fake KakaoPay open API (docs/PROVIDERS.md §2) on 127.0.0.1: `ready`, `approve`, `order` and
//! `cancel`, all POST with JSON and `Authorization: SECRET_KEY …`; the PC and mobile windows the
//! shopper approves in, sending the browser to `approval_url?pg_token=…` (or `cancel_url`).
//! Strict on the documented parts (fields, partner ids repeated in approve, the error codes of
//! §2.7), lenient where the docs are inferred (HTTP statuses of errors).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The fake's test merchant id.
pub const KAKAOPAY_CID: &str = "TC0ONETIME";
/// The fake's test secret key.
pub const KAKAOPAY_SECRET: &str = "DEV7A0F1C2D3E4B5A6978";

#[derive(Debug, Clone)]
struct Payment {
    partner_order_id: String,
    partner_user_id: String,
    item_name: String,
    total: i64,
    cancelled: i64,
    status: &'static str,
    pg_token: Option<String>,
    approval_url: String,
    cancel_url: String,
}

#[derive(Default)]
struct Shared {
    payments: Mutex<HashMap<String, Payment>>,
    serial: AtomicU64,
    approvals: AtomicU64,
    /// How long an approve takes (the 300 ms benchmark).
    approve_delay: crate::delay::Delay,
}

/// A running fake KakaoPay.
#[derive(Clone)]
pub struct FakeKakaoPay {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    shared: Arc<Shared>,
}

fn error(code: i64, message: &str) -> Response {
    let body = json!({"error_code": code, "error_message": message,
        "extras": {"method_result_code": Value::Null, "method_result_message": Value::Null}});
    (StatusCode::BAD_REQUEST, Json(body)).into_response()
}

/// The checks every API call passes: the secret-key header, a JSON body, the merchant's CID.
fn request(headers: &HeaderMap, body: &Bytes) -> Result<Value, Box<Response>> {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if auth != format!("SECRET_KEY {KAKAOPAY_SECRET}") {
        let body = json!({"error_code": -401, "error_message": "invalid secret key"});
        return Err(Box::new(
            (StatusCode::UNAUTHORIZED, Json(body)).into_response(),
        ));
    }
    let json_body = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let value: Value = serde_json::from_slice(body).unwrap_or_default();
    if !json_body || !value.is_object() {
        return Err(Box::new(error(-726, "wrong order information")));
    }
    if value["cid"] != KAKAOPAY_CID {
        return Err(Box::new(error(-731, "wrong cid")));
    }
    Ok(value)
}

fn text(v: &Value, name: &str) -> String {
    v[name].as_str().unwrap_or_default().to_owned()
}

impl Payment {
    fn order_json(&self, tid: &str) -> Value {
        let left = self.total - self.cancelled;
        json!({
            "tid": tid, "cid": KAKAOPAY_CID, "status": self.status,
            "partner_order_id": self.partner_order_id, "partner_user_id": self.partner_user_id,
            "payment_method_type": "MONEY", "item_name": self.item_name, "quantity": 1,
            "amount": {"total": self.total, "tax_free": 0, "vat": self.total / 11, "point": 0, "discount": 0, "green_deposit": 0},
            "canceled_amount": {"total": self.cancelled},
            "cancel_available_amount": {"total": left},
            "created_at": "2026-12-06T12:00:00", "approved_at": "2026-12-06T12:01:00",
        })
    }
}

async fn ready(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let v = match request(&headers, &body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let required = [
        "partner_order_id",
        "partner_user_id",
        "item_name",
        "approval_url",
        "cancel_url",
        "fail_url",
    ];
    let ints = ["quantity", "total_amount", "tax_free_amount"];
    if required.iter().any(|f| text(&v, f).is_empty())
        || ints.iter().any(|f| v[f].as_i64().is_none())
    {
        return error(-726, "wrong order information");
    }
    if required.iter().any(|f| text(&v, f).chars().count() > 255)
        || v["total_amount"].as_i64() < Some(1)
    {
        return error(-722, "wrong amount information");
    }
    let n = s.serial.fetch_add(1, Ordering::SeqCst) + 1;
    let tid = format!("T{n:019}");
    s.payments.lock().unwrap().insert(
        tid.clone(),
        Payment {
            partner_order_id: text(&v, "partner_order_id"),
            partner_user_id: text(&v, "partner_user_id"),
            item_name: text(&v, "item_name"),
            total: v["total_amount"].as_i64().unwrap_or_default(),
            cancelled: 0,
            status: "READY",
            pg_token: None,
            approval_url: text(&v, "approval_url"),
            cancel_url: text(&v, "cancel_url"),
        },
    );
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    Json(json!({
        "tid": tid,
        "next_redirect_pc_url": format!("http://{host}/window/{tid}?device=pc"),
        "next_redirect_mobile_url": format!("http://{host}/window/{tid}?device=mobile"),
        "next_redirect_app_url": format!("http://{host}/window/{tid}?device=app"),
        "android_app_scheme": "kakaotalk://kakaopay/pg?url=…", "ios_app_scheme": "kakaotalk://kakaopay/pg?url=…",
        "created_at": "2026-12-06T12:00:00",
    }))
    .into_response()
}

async fn approve(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let v = match request(&headers, &body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    s.approve_delay.wait().await;
    let tid = text(&v, "tid");
    let mut payments = s.payments.lock().unwrap();
    let Some(p) = payments.get_mut(&tid) else {
        return error(-721, "TID does not exist");
    };
    if p.status == "SUCCESS_PAYMENT" {
        return error(-702, "already approved");
    }
    if p.partner_order_id != text(&v, "partner_order_id") {
        return error(-706, "partner_order_id differs");
    }
    if p.partner_user_id != text(&v, "partner_user_id") {
        return error(-707, "partner_user_id differs");
    }
    if p.status != "AUTH_PASSWORD" {
        return error(-701, "not authenticated yet");
    }
    if p.pg_token.as_deref() != Some(text(&v, "pg_token").as_str()) {
        return error(-708, "invalid pg_token");
    }
    p.status = "SUCCESS_PAYMENT";
    s.approvals.fetch_add(1, Ordering::SeqCst);
    let mut reply = p.order_json(&tid);
    reply["aid"] = json!(format!("A{tid}"));
    reply["card_info"] = Value::Null;
    Json(reply).into_response()
}

async fn order(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let v = match request(&headers, &body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let tid = text(&v, "tid");
    match s.payments.lock().unwrap().get(&tid) {
        Some(p) => Json(p.order_json(&tid)).into_response(),
        None => error(-721, "TID does not exist"),
    }
}

async fn cancel(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
    let v = match request(&headers, &body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let tid = text(&v, "tid");
    let mut payments = s.payments.lock().unwrap();
    let Some(p) = payments.get_mut(&tid) else {
        return error(-721, "TID does not exist");
    };
    let (Some(amount), Some(_)) = (
        v["cancel_amount"].as_i64(),
        v["cancel_tax_free_amount"].as_i64(),
    ) else {
        return error(-722, "wrong amount information");
    };
    if !matches!(p.status, "SUCCESS_PAYMENT" | "PART_CANCEL_PAYMENT") {
        return error(-784, "cancel not allowed in the current state");
    }
    let left = p.total - p.cancelled;
    if v.get("cancel_available_amount")
        .and_then(Value::as_i64)
        .is_some_and(|a| a != left)
    {
        return error(-722, "wrong amount information");
    }
    if amount < 1 || amount > left {
        return error(-710, "cancel amount exceeds the cancellable amount");
    }
    p.cancelled += amount;
    p.status = if p.cancelled == p.total {
        "CANCEL_PAYMENT"
    } else {
        "PART_CANCEL_PAYMENT"
    };
    let mut reply = p.order_json(&tid);
    reply["approved_cancel_amount"] = json!({"total": amount});
    Json(reply).into_response()
}

async fn window(State(s): State<Arc<Shared>>, Path(tid): Path<String>) -> Response {
    let payments = s.payments.lock().unwrap();
    let Some(p) = payments.get(&tid) else {
        return (StatusCode::NOT_FOUND, "no such payment").into_response();
    };
    Html(format!(
        r#"<!doctype html><html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>카카오페이 (가짜 서버)</title><style>body{{font-family:sans-serif;max-width:420px;margin:40px auto;padding:0 16px;background:#ffeb00}}button{{width:100%;padding:14px;margin-top:10px;font-size:16px}}</style></head>
<body><h1>카카오페이 결제 (가짜 서버)</h1><p id="item">{item}</p><p id="amount">{total}원</p>
<form method="post" action="/window/{tid}/approve"><button id="kakaopay-approve">결제하기</button></form>
<form method="post" action="/window/{tid}/cancel"><button id="kakaopay-cancel">취소</button></form></body></html>"#,
        item = p.item_name.replace('<', "&lt;"),
        total = p.total,
    ))
    .into_response()
}

async fn window_approve(State(s): State<Arc<Shared>>, Path(tid): Path<String>) -> Response {
    let mut payments = s.payments.lock().unwrap();
    let Some(p) = payments.get_mut(&tid) else {
        return (StatusCode::NOT_FOUND, "no such payment").into_response();
    };
    let token = format!("pgt{}", s.serial.fetch_add(1, Ordering::SeqCst) + 1);
    p.status = "AUTH_PASSWORD";
    p.pg_token = Some(token.clone());
    let sep = if p.approval_url.contains('?') {
        '&'
    } else {
        '?'
    };
    Redirect::to(&format!("{}{sep}pg_token={token}", p.approval_url)).into_response()
}

async fn window_cancel(State(s): State<Arc<Shared>>, Path(tid): Path<String>) -> Response {
    let mut payments = s.payments.lock().unwrap();
    let Some(p) = payments.get_mut(&tid) else {
        return (StatusCode::NOT_FOUND, "no such payment").into_response();
    };
    p.status = "QUIT_PAYMENT";
    Redirect::to(&p.cancel_url).into_response()
}

impl FakeKakaoPay {
    /// Starts the fake.
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the fake KakaoPay");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let router = Router::new()
            .route("/online/v1/payment/ready", post(ready))
            .route("/online/v1/payment/approve", post(approve))
            .route("/online/v1/payment/order", post(order))
            .route("/online/v1/payment/cancel", post(cancel))
            .route("/window/{tid}", get(window))
            .route("/window/{tid}/approve", post(window_approve))
            .route("/window/{tid}/cancel", post(window_cancel))
            .with_state(shared.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { base_url, shared }
    }

    /// Makes every approve answer only after `delay` (the 300 ms benchmark).
    pub fn delay_approvals(&self, delay: std::time::Duration) {
        self.shared.approve_delay.set(delay);
    }

    /// How many approvals went through.
    pub fn approvals(&self) -> u64 {
        self.shared.approvals.load(Ordering::SeqCst)
    }

    /// The status and cancelled amount of the payment of `partner_order_id`.
    pub fn state_of(&self, partner_order_id: &str) -> Option<(String, i64)> {
        let payments = self.shared.payments.lock().unwrap();
        payments
            .values()
            .find(|p| p.partner_order_id == partner_order_id)
            .map(|p| (p.status.to_owned(), p.cancelled))
    }
}
