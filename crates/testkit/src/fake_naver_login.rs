//! A fake Naver Login (네이버 아이디로 로그인) on 127.0.0.1. One server answers for both hosts:
//! nid.naver.com (`/oauth2.0/authorize`, `/oauth2.0/token` with its `authorization_code`,
//! `refresh_token` and `delete` grants) and openapi.naver.com (`/v1/nid/me`). The consent page
//! (`#naver-agree`, `#naver-cancel`) sends the browser back to `redirect_uri?code=…&state=…` (or
//! `?error=access_denied…`) with a 302.
//! Strict on the documented parts (client id and secret, the required `state` and its match at
//! the token endpoint, one-time codes, token errors answered with HTTP 200, `expires_in` as a
//! string, the profile's `resultcode`), lenient where the docs are inferred (messages of
//! authorize errors; any http(s) redirect URI counts as registered).

use crate::fake_oauth::{self, found, valid_redirect, with_query};
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// The fake app's client id.
pub const NAVER_CLIENT_ID: &str = "naver-client-id-test";
/// The fake app's client secret.
pub const NAVER_CLIENT_SECRET: &str = "naver-client-secret-test";

/// The Naver account that logs in through the fake (`None` fields: not agreed to or not set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NaverAccount {
    /// The app-scoped member id.
    pub id: String,
    /// The nickname.
    pub nickname: Option<String>,
    /// The real name.
    pub name: Option<String>,
    /// The email.
    pub email: Option<String>,
    /// The mobile number, `010-1234-5678`.
    pub mobile: Option<String>,
    /// The age band, e.g. `30-39`.
    pub age: Option<String>,
}

impl NaverAccount {
    /// 네이버회원 (이네이버), with an email and a mobile number, in their thirties. The fake's
    /// account until [`FakeNaverLogin::set_account`].
    pub fn sample() -> Self {
        Self {
            id: "naver-8f2b1c".into(),
            nickname: Some("네이버회원".into()),
            name: Some("이네이버".into()),
            email: Some("naver.member@example.com".into()),
            mobile: Some("010-3456-7890".into()),
            age: Some("30-39".into()),
        }
    }
}

/// What an authorization code was issued for.
struct Grant {
    state: String,
    account: NaverAccount,
}

struct Shared {
    account: Mutex<NaverAccount>,
    codes: Mutex<HashMap<String, Grant>>,
    /// Access tokens, to the account they were issued to.
    tokens: Mutex<HashMap<String, NaverAccount>>,
    /// Refresh tokens, to the account they were issued to.
    refresh_tokens: Mutex<HashMap<String, NaverAccount>>,
    unlinked: Mutex<Vec<String>>,
    auto_approve: AtomicBool,
    token_requests: AtomicUsize,
}

/// A running fake Naver Login.
#[derive(Clone)]
pub struct FakeNaverLogin {
    /// `http://127.0.0.1:PORT`: both the nid and the openapi base.
    pub base_url: String,
    shared: Arc<Shared>,
}

fn field<'a>(q: &'a HashMap<String, String>, name: &str) -> &'a str {
    q.get(name).map(String::as_str).unwrap_or_default()
}

fn check_authorize(q: &HashMap<String, String>) -> Result<(), Box<Response>> {
    let refusal = |m: &str| Box::new((StatusCode::BAD_REQUEST, m.to_owned()).into_response());
    if field(q, "client_id") != NAVER_CLIENT_ID {
        return Err(refusal("invalid_request: client_id is wrong"));
    }
    if field(q, "response_type") != "code" {
        return Err(refusal("invalid_request: response_type must be code"));
    }
    if field(q, "state").is_empty() {
        return Err(refusal("invalid_request: state is required"));
    }
    if !valid_redirect(field(q, "redirect_uri")) {
        return Err(refusal("invalid_request: redirect_uri is wrong"));
    }
    Ok(())
}

/// `GET /oauth2.0/authorize`: the consent page (or straight back with a code when auto-approving).
async fn authorize(
    State(s): State<Arc<Shared>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    if let Err(r) = check_authorize(&q) {
        return *r;
    }
    if s.auto_approve.load(Ordering::SeqCst) {
        return agree(&s, &q);
    }
    let who = {
        let a = s.account.lock().unwrap();
        (a.nickname.clone().or_else(|| a.name.clone())).unwrap_or_else(|| a.id.clone())
    };
    let carried = [
        "client_id",
        "redirect_uri",
        "response_type",
        "state",
        "auth_type",
    ];
    Html(format!(
        r#"<!doctype html><html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>네이버 로그인</title><style>body{{font-family:sans-serif;max-width:420px;margin:40px auto;padding:0 16px}}button{{width:100%;padding:14px;margin-top:10px;font-size:16px}}#naver-agree{{background:#03c75a;color:#fff;border:0}}</style></head>
<body><h1>네이버 로그인</h1><p id="naver-nickname">{who}</p><p>쇼핑몰이 네이버 회원 정보(이름, 이메일, 휴대전화번호)를 요청합니다.</p>
<form method="post" action="/oauth2.0/authorize/decide">{hidden}
<button id="naver-agree" name="decision" value="agree">동의하기</button>
<button id="naver-cancel" name="decision" value="cancel">취소</button></form></body></html>"#,
        who = fake_oauth::escape_html(&who),
        hidden = fake_oauth::hidden_inputs(&q, &carried),
    ))
    .into_response()
}

/// `GET|POST /oauth2.0/authorize/decide`: the consent form's answer.
async fn decide(State(s): State<Arc<Shared>>, Form(q): Form<HashMap<String, String>>) -> Response {
    if let Err(r) = check_authorize(&q) {
        return *r;
    }
    if field(&q, "decision") == "agree" {
        return agree(&s, &q);
    }
    let pairs = [
        ("error", "access_denied"),
        ("error_description", "Canceled By User"),
        ("state", field(&q, "state")),
    ];
    found(&with_query(field(&q, "redirect_uri"), &pairs))
}

/// Issues a one-time code bound to the request's state and sends the browser back with it.
fn agree(s: &Shared, q: &HashMap<String, String>) -> Response {
    let code = fake_oauth::random_token("ncode-");
    let grant = Grant {
        state: field(q, "state").to_owned(),
        account: s.account.lock().unwrap().clone(),
    };
    s.codes.lock().unwrap().insert(code.clone(), grant);
    let pairs = [("code", code.as_str()), ("state", field(q, "state"))];
    found(&with_query(field(q, "redirect_uri"), &pairs))
}

/// A token-endpoint error: Naver answers them with HTTP 200.
fn token_error(error: &str, description: &str) -> Response {
    Json(json!({"error": error, "error_description": description})).into_response()
}

/// `GET|POST /oauth2.0/token`: parameters in the query string, a form body, or both.
async fn token(
    State(s): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let mut p = query;
    if let Ok(Form(body)) = form {
        p.extend(body);
    }
    if field(&p, "client_id") != NAVER_CLIENT_ID {
        return token_error("invalid_client", "client_id is wrong");
    }
    if field(&p, "client_secret") != NAVER_CLIENT_SECRET {
        return token_error("invalid_client", "client_secret is wrong");
    }
    match field(&p, "grant_type") {
        "authorization_code" => exchange_code(&s, &p),
        "refresh_token" => refresh(&s, field(&p, "refresh_token")),
        "delete" => delete(&s, &p),
        _ => token_error("unsupported_grant_type", "grant_type is not supported"),
    }
}

/// `grant_type=authorization_code`: a code (and the state it was issued with) for tokens.
fn exchange_code(s: &Shared, p: &HashMap<String, String>) -> Response {
    let grant = s.codes.lock().unwrap().remove(field(p, "code"));
    let Some(grant) = grant.filter(|g| g.state == field(p, "state")) else {
        return token_error("invalid_request", "no valid data in session");
    };
    let access_token = fake_oauth::random_token("nat-");
    let refresh_token = fake_oauth::random_token("nrt-");
    s.tokens
        .lock()
        .unwrap()
        .insert(access_token.clone(), grant.account.clone());
    s.refresh_tokens
        .lock()
        .unwrap()
        .insert(refresh_token.clone(), grant.account);
    s.token_requests.fetch_add(1, Ordering::SeqCst);
    Json(json!({
        "access_token": access_token, "refresh_token": refresh_token,
        "token_type": "bearer", "expires_in": "3600",
    }))
    .into_response()
}

/// `grant_type=refresh_token`: a new access token (the refresh token stays valid).
fn refresh(s: &Shared, refresh_token: &str) -> Response {
    let Some(account) = s.refresh_tokens.lock().unwrap().get(refresh_token).cloned() else {
        return token_error("invalid_request", "invalid refresh_token");
    };
    let access_token = fake_oauth::random_token("nat-");
    s.tokens
        .lock()
        .unwrap()
        .insert(access_token.clone(), account);
    Json(json!({"access_token": access_token, "token_type": "bearer", "expires_in": "3600"}))
        .into_response()
}

/// `grant_type=delete`: unlinks the app; the account's tokens stop working.
fn delete(s: &Shared, p: &HashMap<String, String>) -> Response {
    if field(p, "service_provider") != "NAVER" {
        return token_error("invalid_request", "service_provider must be NAVER");
    }
    let access_token = field(p, "access_token");
    let Some(account) = s.tokens.lock().unwrap().get(access_token).cloned() else {
        return token_error("invalid_request", "invalid access_token");
    };
    s.tokens
        .lock()
        .unwrap()
        .retain(|_, owner| owner.id != account.id);
    s.refresh_tokens
        .lock()
        .unwrap()
        .retain(|_, owner| owner.id != account.id);
    s.unlinked.lock().unwrap().push(account.id);
    Json(json!({"access_token": access_token, "result": "success"})).into_response()
}

/// `GET /v1/nid/me`: the profile behind the Bearer token.
async fn me(State(s): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let account =
        fake_oauth::bearer(&headers).and_then(|t| s.tokens.lock().unwrap().get(t).cloned());
    let Some(a) = account else {
        let body =
            json!({"resultcode": "024", "message": "Authentication failed (인증 실패하였습니다.)"});
        return (StatusCode::UNAUTHORIZED, Json(body)).into_response();
    };
    let mut response = json!({"id": a.id});
    let optional = [
        ("nickname", &a.nickname),
        ("name", &a.name),
        ("email", &a.email),
        ("age", &a.age),
        ("mobile", &a.mobile),
    ];
    for (key, value) in optional {
        if let Some(value) = value {
            response[key] = json!(value);
        }
    }
    Json(json!({"resultcode": "00", "message": "success", "response": response})).into_response()
}

impl FakeNaverLogin {
    /// Starts the fake.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the fake Naver Login");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let shared = Arc::new(Shared {
            account: Mutex::new(NaverAccount::sample()),
            codes: Mutex::default(),
            tokens: Mutex::default(),
            refresh_tokens: Mutex::default(),
            unlinked: Mutex::default(),
            auto_approve: AtomicBool::new(false),
            token_requests: AtomicUsize::new(0),
        });
        let router = Router::new()
            .route("/oauth2.0/authorize", get(authorize))
            .route("/oauth2.0/authorize/decide", get(decide).post(decide))
            .route("/oauth2.0/token", get(token).post(token))
            .route("/v1/nid/me", get(me))
            .with_state(shared.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { base_url, shared }
    }

    /// Makes `account` the one that logs in from now on (tokens already issued keep theirs).
    pub fn set_account(&self, account: NaverAccount) {
        *self.shared.account.lock().unwrap() = account;
    }

    /// While `yes`, `GET /oauth2.0/authorize` skips the consent page and sends the browser
    /// straight back with a code, as if the person agreed (for plain-HTTP tests).
    pub fn approve_next_automatically(&self, yes: bool) {
        self.shared.auto_approve.store(yes, Ordering::SeqCst);
    }

    /// The member ids unlinked (`grant_type=delete`) so far, in order.
    pub fn unlinked(&self) -> Vec<String> {
        self.shared.unlinked.lock().unwrap().clone()
    }

    /// How many authorization codes were exchanged for tokens.
    pub fn token_requests(&self) -> usize {
        self.shared.token_requests.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests;
