//! A fake Kakao Login (REST API) on 127.0.0.1, with its OpenID Connect layer and the Kakao Sync
//! extras. One server answers for both hosts: kauth.kakao.com (`/oauth/authorize`, `/oauth/token`,
//! the OIDC discovery document and the JWKS) and kapi.kakao.com (`/v2/user/me`, service terms,
//! shipping addresses, unlink). The consent page (`#kakao-agree`, `#kakao-cancel`) sends the
//! browser back to `redirect_uri?code=…&state=…` (or `?error=access_denied…`) with a 302. ID
//! tokens are RS256 JWS under a per-process key published at `/.well-known/jwks.json`; their
//! `iss` is the fake's base URL (standing in for `https://kauth.kakao.com`).
//! Strict on the documented parts (REST API key and client secret, one-time codes bound to the
//! redirect URI, the `KOE` codes of the token errors, Bearer tokens, the user-info fields), lenient
//! where the docs are inferred (messages of authorize errors; any http(s) redirect URI counts as
//! registered).

use crate::fake_oauth::{self, found, valid_redirect, with_query};
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

mod kapi;

/// The fake app's REST API key (the `client_id`).
pub const KAKAO_REST_KEY: &str = "kakao-rest-key-test";
/// The fake app's client secret (required at the token endpoint).
pub const KAKAO_CLIENT_SECRET: &str = "kakao-client-secret-test";

/// When every consent and agreement of the fake happened.
const AGREED_AT: &str = "2026-12-07T08:00:00Z";

/// A shipping address saved in a Kakao account (Kakao Sync).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KakaoShippingAddress {
    /// Who receives the parcel.
    pub receiver_name: String,
    /// The receiver's phone, `010-1234-5678`.
    pub receiver_phone_number1: String,
    /// The 5-digit postcode.
    pub zone_number: String,
    /// The road-name address.
    pub base_address: String,
    /// Apartment, floor, unit.
    pub detail_address: String,
}

/// The Kakao account that logs in through the fake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KakaoAccount {
    /// The member number (`id`, the OIDC `sub`).
    pub id: i64,
    /// The profile nickname.
    pub nickname: String,
    /// The account email, when the account has one.
    pub email: Option<String>,
    /// Whether the email is verified.
    pub email_verified: bool,
    /// The real name.
    pub name: Option<String>,
    /// The phone number in Kakao's format, `+82 10-1234-5678`.
    pub phone_number: Option<String>,
    /// The age range, e.g. `20~29`.
    pub age_range: Option<String>,
    /// The Kakao Sync service-term tags agreed, e.g. `["terms", "privacy"]`.
    pub agreed_terms: Vec<String>,
    /// The default shipping address, if saved.
    pub shipping_address: Option<KakaoShippingAddress>,
}

impl KakaoAccount {
    /// 카카오회원 (김카카오): a verified email, a phone, in their twenties, no terms agreed, no
    /// shipping address. The fake's account until [`FakeKakaoLogin::set_account`].
    pub fn sample() -> Self {
        Self {
            id: 4_200_000_001,
            nickname: "카카오회원".into(),
            email: Some("kakao.member@example.com".into()),
            email_verified: true,
            name: Some("김카카오".into()),
            phone_number: Some("+82 10-2345-6789".into()),
            age_range: Some("20~29".into()),
            agreed_terms: Vec::new(),
            shipping_address: None,
        }
    }
}

/// What an authorization code was issued for.
struct Grant {
    redirect_uri: String,
    nonce: Option<String>,
    oidc: bool,
    auth_time: i64,
    account: KakaoAccount,
}

struct Shared {
    base_url: String,
    account: Mutex<KakaoAccount>,
    codes: Mutex<HashMap<String, Grant>>,
    /// Access tokens, to the account they were issued to.
    tokens: Mutex<HashMap<String, KakaoAccount>>,
    /// Refresh tokens, to the account they were issued to.
    refresh_tokens: Mutex<HashMap<String, KakaoAccount>>,
    unlinked: Mutex<Vec<i64>>,
    forged_nonce: Mutex<Option<String>>,
    auto_approve: AtomicBool,
    token_requests: AtomicUsize,
    key_requests: AtomicUsize,
}

/// A running fake Kakao Login.
#[derive(Clone)]
pub struct FakeKakaoLogin {
    /// `http://127.0.0.1:PORT`: both the auth base (kauth) and the API base (kapi).
    pub base_url: String,
    shared: Arc<Shared>,
}

fn field<'a>(q: &'a HashMap<String, String>, name: &str) -> &'a str {
    q.get(name).map(String::as_str).unwrap_or_default()
}

/// An authorize request Kakao refuses outright: a plain-text 400, no redirect.
fn refusal(message: &str) -> Box<Response> {
    Box::new((StatusCode::BAD_REQUEST, message.to_owned()).into_response())
}

fn check_authorize(q: &HashMap<String, String>) -> Result<(), Box<Response>> {
    if field(q, "client_id") != KAKAO_REST_KEY {
        return Err(refusal("KOE101 invalid client_id"));
    }
    if field(q, "response_type") != "code" {
        return Err(refusal("KOE004 response_type must be code"));
    }
    if !valid_redirect(field(q, "redirect_uri")) {
        return Err(refusal("KOE006 invalid redirect_uri"));
    }
    Ok(())
}

/// The authorize parameters carried through the consent form.
const CARRIED: [&str; 8] = [
    "client_id",
    "redirect_uri",
    "response_type",
    "state",
    "nonce",
    "scope",
    "prompt",
    "auto_login",
];

/// `GET /oauth/authorize`: the consent page (or straight back with a code when auto-approving).
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
    let nickname = s.account.lock().unwrap().nickname.clone();
    Html(format!(
        r#"<!doctype html><html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>카카오계정으로 로그인</title><style>body{{font-family:sans-serif;max-width:420px;margin:40px auto;padding:0 16px;background:#fee500}}button{{width:100%;padding:14px;margin-top:10px;font-size:16px}}</style></head>
<body><h1>카카오계정으로 로그인</h1><p id="kakao-nickname">{nickname}</p><p>쇼핑몰이 카카오계정 정보(닉네임, 이메일)를 요청합니다.</p>
<form method="post" action="/oauth/authorize/decide">{hidden}
<button id="kakao-agree" name="decision" value="agree">동의하고 계속하기</button>
<button id="kakao-cancel" name="decision" value="cancel">취소</button></form></body></html>"#,
        nickname = fake_oauth::escape_html(&nickname),
        hidden = fake_oauth::hidden_inputs(&q, &CARRIED),
    ))
    .into_response()
}

/// `GET|POST /oauth/authorize/decide`: the consent form's answer.
async fn decide(State(s): State<Arc<Shared>>, Form(q): Form<HashMap<String, String>>) -> Response {
    if let Err(r) = check_authorize(&q) {
        return *r;
    }
    if field(&q, "decision") == "agree" {
        return agree(&s, &q);
    }
    let mut pairs = vec![
        ("error", "access_denied"),
        ("error_description", "User denied access"),
    ];
    if let Some(state) = q.get("state") {
        pairs.push(("state", state));
    }
    found(&with_query(field(&q, "redirect_uri"), &pairs))
}

/// Issues a one-time code and sends the browser back with it.
fn agree(s: &Shared, q: &HashMap<String, String>) -> Response {
    let nonce = q.get("nonce").filter(|n| !n.is_empty()).cloned();
    let openid = field(q, "scope")
        .split([',', ' '])
        .any(|scope| scope == "openid");
    let code = fake_oauth::random_token("kcode-");
    let grant = Grant {
        redirect_uri: field(q, "redirect_uri").to_owned(),
        oidc: openid || nonce.is_some(),
        nonce,
        auth_time: fake_oauth::now(),
        account: s.account.lock().unwrap().clone(),
    };
    s.codes.lock().unwrap().insert(code.clone(), grant);
    let mut pairs = vec![("code", code.as_str())];
    if let Some(state) = q.get("state") {
        pairs.push(("state", state));
    }
    found(&with_query(field(q, "redirect_uri"), &pairs))
}

fn token_error(status: StatusCode, error: &str, description: &str, code: Option<&str>) -> Response {
    let mut body = json!({"error": error, "error_description": description});
    if let Some(code) = code {
        body["error_code"] = json!(code);
    }
    (status, Json(body)).into_response()
}

/// Kakao's `invalid_grant` (KOE320 for codes, KOE322 for refresh tokens).
fn invalid_grant(why: &str, code: &str) -> Response {
    token_error(StatusCode::BAD_REQUEST, "invalid_grant", why, Some(code))
}

/// `POST /oauth/token`: codes and refresh tokens for tokens.
async fn token(
    State(s): State<Arc<Shared>>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let Ok(Form(f)) = form else {
        let why = "Content-Type must be application/x-www-form-urlencoded";
        return token_error(StatusCode::BAD_REQUEST, "invalid_request", why, None);
    };
    let grant_type = field(&f, "grant_type");
    if !matches!(grant_type, "authorization_code" | "refresh_token") {
        let why = format!("unsupported grant_type: {grant_type}");
        let error = "unsupported_grant_type";
        return token_error(StatusCode::BAD_REQUEST, error, &why, None);
    }
    let client_ok = field(&f, "client_id") == KAKAO_REST_KEY
        && field(&f, "client_secret") == KAKAO_CLIENT_SECRET;
    if !client_ok {
        let (status, why) = (StatusCode::UNAUTHORIZED, "Bad client credentials");
        return token_error(status, "invalid_client", why, Some("KOE010"));
    }
    if grant_type == "refresh_token" {
        refresh(&s, field(&f, "refresh_token"))
    } else {
        exchange_code(&s, &f)
    }
}

/// `grant_type=authorization_code`: a one-time code, with its redirect URI, for tokens.
fn exchange_code(s: &Shared, f: &HashMap<String, String>) -> Response {
    let code = field(f, "code");
    let Some(grant) = s.codes.lock().unwrap().remove(code) else {
        return invalid_grant(
            &format!("authorization code not found for code={code}"),
            "KOE320",
        );
    };
    if grant.redirect_uri != field(f, "redirect_uri") {
        return invalid_grant(&format!("redirect_uri mismatch for code={code}"), "KOE320");
    }
    let access_token = fake_oauth::random_token("kat-");
    let refresh_token = fake_oauth::random_token("krt-");
    let account = grant.account.clone();
    s.tokens
        .lock()
        .unwrap()
        .insert(access_token.clone(), account.clone());
    s.refresh_tokens
        .lock()
        .unwrap()
        .insert(refresh_token.clone(), account);
    s.token_requests.fetch_add(1, Ordering::SeqCst);
    let scope = if grant.oidc {
        "account_email profile openid"
    } else {
        "account_email profile"
    };
    let mut body = json!({
        "access_token": access_token, "token_type": "bearer", "refresh_token": refresh_token,
        "expires_in": 21599, "scope": scope, "refresh_token_expires_in": 5_183_999,
    });
    if grant.oidc {
        body["id_token"] = json!(id_token(s, &grant));
    }
    Json(body).into_response()
}

/// `grant_type=refresh_token`: a new access token (the refresh token stays valid).
fn refresh(s: &Shared, refresh_token: &str) -> Response {
    let Some(account) = s.refresh_tokens.lock().unwrap().get(refresh_token).cloned() else {
        let why = format!("refresh token not found for refresh_token={refresh_token}");
        return token_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            &why,
            Some("KOE322"),
        );
    };
    let access_token = fake_oauth::random_token("kat-");
    s.tokens
        .lock()
        .unwrap()
        .insert(access_token.clone(), account);
    Json(json!({"access_token": access_token, "token_type": "bearer", "expires_in": 21599}))
        .into_response()
}

fn id_token(s: &Shared, grant: &Grant) -> String {
    let iat = fake_oauth::now();
    let forged = s.forged_nonce.lock().unwrap().take();
    let mut claims = json!({
        "iss": s.base_url, "aud": KAKAO_REST_KEY, "sub": grant.account.id.to_string(),
        "iat": iat, "auth_time": grant.auth_time, "exp": iat + 21599,
    });
    if let Some(nonce) = forged.or_else(|| grant.nonce.clone()) {
        claims["nonce"] = json!(nonce);
    }
    claims["nickname"] = json!(grant.account.nickname);
    if let Some(email) = &grant.account.email {
        claims["email"] = json!(email);
    }
    fake_oauth::sign_jwt(&claims)
}

async fn openid_configuration(State(s): State<Arc<Shared>>) -> Json<Value> {
    let base = &s.base_url;
    Json(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/oauth/authorize"),
        "token_endpoint": format!("{base}/oauth/token"),
        "userinfo_endpoint": format!("{base}/v1/oidc/userinfo"),
        "jwks_uri": format!("{base}/.well-known/jwks.json"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }))
}

async fn jwks(State(s): State<Arc<Shared>>) -> Json<Value> {
    s.key_requests.fetch_add(1, Ordering::SeqCst);
    Json(fake_oauth::jwks())
}

impl FakeKakaoLogin {
    /// Starts the fake (and, once per process, generates its RSA signing key).
    pub async fn start() -> Self {
        fake_oauth::warm_up_key().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the fake Kakao Login");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let shared = Arc::new(Shared {
            base_url: base_url.clone(),
            account: Mutex::new(KakaoAccount::sample()),
            codes: Mutex::default(),
            tokens: Mutex::default(),
            refresh_tokens: Mutex::default(),
            unlinked: Mutex::default(),
            forged_nonce: Mutex::default(),
            auto_approve: AtomicBool::new(false),
            token_requests: AtomicUsize::new(0),
            key_requests: AtomicUsize::new(0),
        });
        let router = Router::new()
            .route("/oauth/authorize", get(authorize))
            .route("/oauth/authorize/decide", get(decide).post(decide))
            .route("/oauth/token", post(token))
            .route(
                "/.well-known/openid-configuration",
                get(openid_configuration),
            )
            .route("/.well-known/jwks.json", get(jwks))
            .route("/v2/user/me", get(kapi::me).post(kapi::me))
            .route(
                "/v1/oidc/userinfo",
                get(kapi::oidc_userinfo).post(kapi::oidc_userinfo),
            )
            .route("/v1/user/service/terms", get(kapi::service_terms))
            .route("/v1/user/shipping_address", get(kapi::shipping_address))
            .route("/v1/user/unlink", post(kapi::unlink))
            .with_state(shared.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { base_url, shared }
    }

    /// Makes `account` the one that logs in from now on (tokens already issued keep theirs).
    pub fn set_account(&self, account: KakaoAccount) {
        *self.shared.account.lock().unwrap() = account;
    }

    /// While `yes`, `GET /oauth/authorize` skips the consent page and sends the browser straight
    /// back with a code, as if the person agreed (for plain-HTTP tests).
    pub fn approve_next_automatically(&self, yes: bool) {
        self.shared.auto_approve.store(yes, Ordering::SeqCst);
    }

    /// Makes the next ID token issued carry `nonce` instead of the one of its authorize request.
    pub fn forge_id_token_nonce(&self, nonce: &str) {
        *self.shared.forged_nonce.lock().unwrap() = Some(nonce.to_owned());
    }

    /// How many times the public keys were fetched.
    pub fn key_requests(&self) -> usize {
        self.shared.key_requests.load(Ordering::SeqCst)
    }

    /// The member ids unlinked so far, in order.
    pub fn unlinked(&self) -> Vec<i64> {
        self.shared.unlinked.lock().unwrap().clone()
    }

    /// How many authorization codes were exchanged for tokens.
    pub fn token_requests(&self) -> usize {
        self.shared.token_requests.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests;
