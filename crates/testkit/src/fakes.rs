//! Fake provider servers on 127.0.0.1 that speak the documented contracts of
//! docs/PROVIDERS.md strictly where the docs are exact ([DOC]/[SDK]) and leniently
//! elsewhere. Each records what it received, and can be told to fail with a 503 (retry tests).

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

/// One request a fake received.
#[derive(Debug, Clone)]
pub struct Received {
    /// Request path.
    pub path: String,
    /// Headers (lower-case names).
    pub headers: HashMap<String, String>,
    /// Raw body.
    pub body: String,
}

impl Received {
    /// Form fields of a urlencoded body.
    pub fn form(&self) -> HashMap<String, String> {
        form_fields(&self.body)
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_default()
    }
}

fn form_fields(body: &str) -> HashMap<String, String> {
    body.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                if let Ok(b) = u8::from_str_radix(&s[i + 1..i + 3], 16) {
                    out.push(b);
                    i += 2;
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    fail_next: AtomicU32,
    seen_salts: Mutex<HashSet<String>>,
}

/// A running fake provider.
#[derive(Clone)]
pub struct Fake {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    shared: Arc<Shared>,
}

impl Fake {
    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// Answers the next `n` requests with 503 (then behaves again).
    pub fn fail_next(&self, n: u32) {
        self.shared.fail_next.store(n, Ordering::SeqCst);
    }
}

async fn spawn(router: Router<Arc<Shared>>) -> Fake {
    let shared = Arc::new(Shared::default());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binding a fake");
    let addr = listener.local_addr().expect("fake address");
    let app = router.with_state(shared.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Fake {
        base_url: format!("http://{addr}"),
        shared,
    }
}

/// Records the request; `Some(503)` when told to fail.
fn record(shared: &Shared, path: &str, headers: &HeaderMap, body: &Bytes) -> Option<Response> {
    shared.received.lock().unwrap().push(Received {
        path: path.to_owned(),
        headers: headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    v.to_str().unwrap_or_default().to_owned(),
                )
            })
            .collect(),
        body: String::from_utf8_lossy(body).into_owned(),
    });
    let left = shared.fail_next.load(Ordering::SeqCst);
    if left > 0 {
        shared.fail_next.store(left - 1, Ordering::SeqCst);
        return Some((StatusCode::SERVICE_UNAVAILABLE, "temporarily unavailable").into_response());
    }
    None
}

/// Slack incoming webhook at `/services/T000/B000/XXXX` (docs/PROVIDERS.md §9.4).
pub async fn slack() -> Fake {
    async fn hook(
        State(s): State<Arc<Shared>>,
        Path(rest): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Response {
        if let Some(r) = record(&s, &format!("/services/{rest}"), &headers, &body) {
            return r;
        }
        if rest != "T000/B000/XXXX" {
            return (StatusCode::NOT_FOUND, "no_service").into_response();
        }
        let Ok(value) = serde_json::from_slice::<Value>(&body) else {
            return (StatusCode::BAD_REQUEST, "invalid_payload").into_response();
        };
        if value["text"].as_str().is_none_or(str::is_empty) {
            return (StatusCode::BAD_REQUEST, "no_text").into_response();
        }
        (StatusCode::OK, "ok").into_response()
    }
    // A slash command's `response_url` (`/commands/T…/…/…`) takes the same JSON messages.
    async fn respond(
        State(s): State<Arc<Shared>>,
        Path(rest): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Response {
        if let Some(r) = record(&s, &format!("/commands/{rest}"), &headers, &body) {
            return r;
        }
        match serde_json::from_slice::<Value>(&body) {
            Ok(value) if value["text"].as_str().is_some_and(|t| !t.is_empty()) => {
                (StatusCode::OK, "ok").into_response()
            }
            _ => (StatusCode::BAD_REQUEST, "invalid_payload").into_response(),
        }
    }
    // The Web API's chat.postMessage: a Bearer bot token, a channel and a text.
    async fn post_message(
        State(s): State<Arc<Shared>>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Response {
        if let Some(r) = record(&s, "/api/chat.postMessage", &headers, &body) {
            return r;
        }
        let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
        let value = serde_json::from_slice::<Value>(&body).unwrap_or_default();
        let error = if auth != Some(&format!("Bearer {SLACK_BOT_TOKEN}")) {
            Some("invalid_auth")
        } else if value["channel"].as_str().is_none_or(str::is_empty) {
            Some("channel_not_found")
        } else if value["text"].as_str().is_none_or(str::is_empty) {
            Some("no_text")
        } else {
            None
        };
        let answer = match error {
            Some(error) => json!({"ok": false, "error": error}),
            None => json!({"ok": true, "channel": value["channel"], "ts": "1700000000.000100"}),
        };
        (StatusCode::OK, axum::Json(answer)).into_response()
    }
    spawn(
        Router::new()
            .route("/services/{*rest}", post(hook))
            .route("/commands/{*rest}", post(respond))
            .route("/api/chat.postMessage", post(post_message)),
    )
    .await
}

/// The bot token the [`slack`] fake's Web API accepts.
pub const SLACK_BOT_TOKEN: &str = "xoxb-test-bot-token";

/// Signs a request to the shop's Slack endpoint as Slack does (PROVIDERS.md §9.2):
/// `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` under the signing secret.
pub fn slack_signature(signing_secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(signing_secret.as_bytes()).expect("HMAC takes any key");
    mac.update(format!("v0:{timestamp}:{body}").as_bytes());
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

/// The Slack webhook URL of a [`slack`] fake.
pub fn slack_url(fake: &Fake) -> String {
    format!("{}/services/T000/B000/XXXX", fake.base_url)
}

/// Mailgun domain and key the [`mailgun`] fake accepts.
pub const MAILGUN_DOMAIN: &str = "mg.jangteo.example";
/// Mailgun API key the fake accepts.
pub const MAILGUN_KEY: &str = "key-test-123";

/// Mailgun `POST /v3/{domain}/messages` (docs/PROVIDERS.md §8.1).
pub async fn mailgun() -> Fake {
    async fn messages(
        State(s): State<Arc<Shared>>,
        Path(domain): Path<String>,
        headers: HeaderMap,
        body: Bytes,
    ) -> Response {
        if let Some(r) = record(&s, &format!("/v3/{domain}/messages"), &headers, &body) {
            return r;
        }
        let expected = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("api:{MAILGUN_KEY}"))
        );
        if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
            return (StatusCode::UNAUTHORIZED, "Forbidden").into_response();
        }
        if domain != MAILGUN_DOMAIN {
            return (
                StatusCode::NOT_FOUND,
                axum::Json(json!({"message": "Domain not found"})),
            )
                .into_response();
        }
        let form = form_fields(&String::from_utf8_lossy(&body));
        for field in ["from", "to", "subject"] {
            if form.get(field).is_none_or(String::is_empty) {
                return (
                    StatusCode::BAD_REQUEST,
                    axum::Json(json!({"message": format!("'{field}' parameter is missing")})),
                )
                    .into_response();
            }
        }
        if !["text", "html", "amp-html", "template"]
            .iter()
            .any(|f| form.contains_key(*f))
        {
            return (StatusCode::BAD_REQUEST, axum::Json(json!({"message": "Need at least one of 'text', 'html', 'amp-html' or 'template' parameters specified"}))).into_response();
        }
        let n = s.received.lock().unwrap().len();
        axum::Json(json!({"id": format!("<20261123.{n}@{MAILGUN_DOMAIN}>"), "message": "Queued. Thank you."})).into_response()
    }
    spawn(Router::new().route("/v3/{domain}/messages", post(messages))).await
}

/// Aligo account the [`aligo`] fake accepts.
pub const ALIGO_USER: &str = "jangteo";
/// Aligo key the fake accepts.
pub const ALIGO_KEY: &str = "aligo-key-123";

fn euc_kr_bytes(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// Aligo `POST /send/` (docs/PROVIDERS.md §7.1): HTTP 200 with `result_code` 1 or a negative code.
pub async fn aligo() -> Fake {
    async fn send(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
        if let Some(r) = record(&s, "/send/", &headers, &body) {
            return r;
        }
        let form = form_fields(&String::from_utf8_lossy(&body));
        let fail = |code: i64, message: &str| {
            axum::Json(json!({"result_code": code, "message": message})).into_response()
        };
        if form.get("key").map(String::as_str) != Some(ALIGO_KEY)
            || form.get("user_id").map(String::as_str) != Some(ALIGO_USER)
        {
            return fail(-101, "인증오류입니다.");
        }
        for field in ["sender", "receiver", "msg"] {
            if form.get(field).is_none_or(String::is_empty) {
                return fail(-105, &format!("{field} 값이 없습니다."));
            }
        }
        let msg = &form["msg"];
        let receivers = form["receiver"].split(',').count();
        if receivers > 1_000 || euc_kr_bytes(msg) > 2_000 {
            return fail(-109, "제한을 넘었습니다.");
        }
        let kind = form.get("msg_type").cloned().unwrap_or_else(|| {
            if euc_kr_bytes(msg) > 90 {
                "LMS".into()
            } else {
                "SMS".into()
            }
        });
        if kind == "SMS" && euc_kr_bytes(msg) > 90 {
            return fail(-110, "SMS는 90바이트까지입니다.");
        }
        // result_code as a string, as some Aligo replies have it: adapters must accept both.
        axum::Json(json!({"result_code": "1", "message": "success", "msg_id": "123456789", "success_cnt": receivers, "error_cnt": 0, "msg_type": kind})).into_response()
    }
    spawn(Router::new().route("/send/", post(send))).await
}

/// Solapi key and secret the [`solapi`] fake accepts.
pub const SOLAPI_KEY: &str = "NCSTESTKEY";
/// Solapi secret the fake accepts.
pub const SOLAPI_SECRET: &str = "solapi-secret";

/// Solapi `POST /messages/v4/send` (docs/PROVIDERS.md §7.2), verifying the HMAC authorization.
pub async fn solapi() -> Fake {
    async fn send(State(s): State<Arc<Shared>>, headers: HeaderMap, body: Bytes) -> Response {
        if let Some(r) = record(&s, "/messages/v4/send", &headers, &body) {
            return r;
        }
        if let Some(r) = solapi_authorization_refusal(&s, &headers) {
            return r;
        }
        let Ok(value) = serde_json::from_slice::<Value>(&body) else {
            return solapi_error(
                StatusCode::BAD_REQUEST,
                "ValidationError",
                "body is not JSON",
            );
        };
        let m = &value["message"];
        if let Some(r) = solapi_message_refusal(m) {
            return r;
        }
        let kind = m["type"].as_str().unwrap_or("SMS");
        let n = s.received.lock().unwrap().len();
        axum::Json(json!({
            "groupId": format!("G4V20261123{n:08}"), "messageId": format!("M4V20261123{n:08}"),
            "accountId": "12345678", "statusMessage": "정상 접수(이통사로 접수 예정) ", "statusCode": "2000",
            "to": m["to"], "from": m["from"], "type": kind, "country": "82",
        }))
        .into_response()
    }
    spawn(Router::new().route("/messages/v4/send", post(send))).await
}

/// A Solapi error reply.
fn solapi_error(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        axum::Json(json!({"errorCode": code, "errorMessage": message})),
    )
        .into_response()
}

/// The refusal of a request without a valid `HMAC-SHA256` authorization for the fake's key.
fn solapi_authorization_refusal(shared: &Shared, headers: &HeaderMap) -> Option<Response> {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let Some(params) = auth.strip_prefix("HMAC-SHA256 ") else {
        return Some(solapi_error(
            StatusCode::UNAUTHORIZED,
            "InvalidAPIKey",
            "unsupported authorization",
        ));
    };
    let fields: HashMap<&str, &str> = params
        .split(", ")
        .filter_map(|kv| kv.split_once('='))
        .collect();
    let (Some(key), Some(date), Some(salt), Some(signature)) = (
        fields.get("apiKey"),
        fields.get("date"),
        fields.get("salt"),
        fields.get("signature"),
    ) else {
        return Some(solapi_error(
            StatusCode::UNAUTHORIZED,
            "InvalidAuthorization",
            "missing fields",
        ));
    };
    if *key != SOLAPI_KEY {
        return Some(solapi_error(
            StatusCode::UNAUTHORIZED,
            "InvalidAPIKey",
            "unknown API key",
        ));
    }
    solapi_signature_refusal(shared, date, salt, signature)
}

/// The refusal of a skewed date, a wrong signature or a reused date and salt.
fn solapi_signature_refusal(
    shared: &Shared,
    date: &str,
    salt: &str,
    signature: &str,
) -> Option<Response> {
    let Ok(at) = chrono::DateTime::parse_from_rfc3339(date) else {
        return Some(solapi_error(
            StatusCode::UNAUTHORIZED,
            "InvalidDate",
            "date is not ISO 8601",
        ));
    };
    if (chrono::Utc::now() - at.with_timezone(&chrono::Utc))
        .num_minutes()
        .abs()
        > 15
    {
        return Some(solapi_error(
            StatusCode::UNAUTHORIZED,
            "RequestTimeTooSkewed",
            "date skew over 15 minutes",
        ));
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(SOLAPI_SECRET.as_bytes()).unwrap();
    mac.update(date.as_bytes());
    mac.update(salt.as_bytes());
    if hex::encode(mac.finalize().into_bytes()) != signature {
        return Some(solapi_error(
            StatusCode::UNAUTHORIZED,
            "SignatureDoesNotMatch",
            "signature does not match",
        ));
    }
    if !shared
        .seen_salts
        .lock()
        .unwrap()
        .insert(format!("{date}{salt}"))
    {
        return Some(solapi_error(
            StatusCode::UNAUTHORIZED,
            "DuplicatedSignature",
            "signature reused",
        ));
    }
    None
}

/// The refusal of a message without to, from and text, or an AlimTalk without its template.
fn solapi_message_refusal(m: &Value) -> Option<Response> {
    for field in ["to", "from", "text"] {
        if m[field].as_str().is_none_or(str::is_empty) {
            return Some(solapi_error(
                StatusCode::BAD_REQUEST,
                "ValidationError",
                &format!("message.{field} is required"),
            ));
        }
    }
    let kind = m["type"].as_str().unwrap_or("SMS");
    if kind == "ATA"
        && (m["kakaoOptions"]["pfId"].as_str().is_none()
            || m["kakaoOptions"]["templateId"].as_str().is_none())
    {
        return Some(solapi_error(
            StatusCode::BAD_REQUEST,
            "ValidationError",
            "kakaoOptions.pfId and templateId are required",
        ));
    }
    None
}
