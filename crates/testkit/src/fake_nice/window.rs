//! The fake's API (tokens) and its window.

use super::crypto::{decrypt, encrypt, integrity_of, material};
use super::{Issued, NICE_CLIENT_ID, NICE_CLIENT_SECRET, NICE_SITE_CODE, State};
use axum::Form;
use axum::Json;
use axum::extract::{Path, Query, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

fn gateway_error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"dataHeader": {"GW_RSLT_CD": code, "GW_RSLT_MSG": message}});
    (status, Json(body)).into_response()
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// `POST /digital/niceid/oauth/oauth/token`: the institution token for the client's Basic
/// credentials and `grant_type=client_credentials&scope=default`.
pub(super) async fn access_token(
    AxState(s): AxState<Arc<State>>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let basic = STANDARD.encode(format!("{NICE_CLIENT_ID}:{NICE_CLIENT_SECRET}"));
    if header(&headers, "authorization") != format!("Basic {basic}") {
        return gateway_error(StatusCode::UNAUTHORIZED, "1800", "인증 실패");
    }
    let asked = |k: &str, v: &str| form.get(k).map(String::as_str) == Some(v);
    if !asked("grant_type", "client_credentials") || !asked("scope", "default") {
        return gateway_error(StatusCode::BAD_REQUEST, "1400", "요청 값 오류");
    }
    let token = format!("at-{}", s.next());
    s.access_tokens.lock().unwrap().push(token.clone());
    Json(json!({
        "dataHeader": {"GW_RSLT_CD": "1200", "GW_RSLT_MSG": "오류 없음"},
        "dataBody": {"access_token": token, "token_type": "bearer", "expires_in": 1_576_800_000_i64, "scope": "default"},
    }))
    .into_response()
}

/// Whether `bearer base64(token:timestamp:client_id)` names an issued token and a fresh time.
fn bearer_ok(s: &State, headers: &HeaderMap) -> bool {
    let Some(encoded) = header(headers, "authorization").strip_prefix("bearer ") else {
        return false;
    };
    let Some(text) = STANDARD
        .decode(encoded)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
    else {
        return false;
    };
    let parts: Vec<&str> = text.split(':').collect();
    let [token, timestamp, client] = parts.as_slice() else {
        return false;
    };
    let fresh = timestamp
        .parse::<i64>()
        .is_ok_and(|t| (chrono::Utc::now().timestamp() - t).abs() <= 300);
    fresh && *client == NICE_CLIENT_ID && s.access_tokens.lock().unwrap().iter().any(|t| t == token)
}

/// `POST /digital/niceid/api/v1.0/common/crypto/token`.
pub(super) async fn crypto_token(
    AxState(s): AxState<Arc<State>>,
    headers: HeaderMap,
    Json(v): Json<Value>,
) -> Response {
    if !bearer_ok(&s, &headers) {
        return gateway_error(StatusCode::UNAUTHORIZED, "1800", "인증 실패");
    }
    if header(&headers, "productid") != "2101979031" {
        return gateway_error(StatusCode::FORBIDDEN, "1700", "상품 권한 없음");
    }
    let body = &v["dataBody"];
    let req_dtim = body["req_dtim"].as_str().unwrap_or_default();
    let req_no = body["req_no"].as_str().unwrap_or_default();
    let well_formed = req_dtim.len() == 14
        && req_dtim.bytes().all(|b| b.is_ascii_digit())
        && !req_no.is_empty()
        && req_no.len() <= 30
        && body["enc_mode"] == "1";
    let header_ok = json!({"dataHeader": {"GW_RSLT_CD": "1200", "GW_RSLT_MSG": "오류 없음"}});
    if !well_formed {
        let mut answer = header_ok;
        answer["dataBody"] = json!({"rsp_cd": "P000", "result_cd": "0001"});
        return Json(answer).into_response();
    }
    let token_version_id = format!("tv{:018}", s.next());
    let token_val = format!("tokenval{:024}", s.next() * 7_919);
    let issued = Issued {
        req_dtim: req_dtim.to_owned(),
        req_no: req_no.to_owned(),
        token_val: token_val.clone(),
        return_url: None,
    };
    s.tokens
        .lock()
        .unwrap()
        .insert(token_version_id.clone(), issued);
    let mut answer = header_ok;
    answer["dataBody"] = json!({
        "rsp_cd": "P000", "result_cd": "0000", "site_code": NICE_SITE_CODE,
        "token_version_id": token_version_id, "token_val": token_val, "period": 3600,
    });
    Json(answer).into_response()
}

fn refusal(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Html(format!("<h1>오류</h1><p>{message}</p>")),
    )
        .into_response()
}

/// The window for a posted (or linked) request: refused unless it is the token's, untouched.
fn show(s: &State, q: &HashMap<String, String>) -> Response {
    let field = |k: &str| q.get(k).map(String::as_str).unwrap_or_default();
    if field("m") != "service" {
        return refusal("m 값이 올바르지 않습니다.");
    }
    let token = field("token_version_id");
    let mut tokens = s.tokens.lock().unwrap();
    let Some(issued) = tokens.get_mut(token) else {
        return refusal("토큰이 없습니다.");
    };
    let m = material(&issued.req_dtim, &issued.req_no, &issued.token_val);
    if integrity_of(&m, field("enc_data")) != field("integrity_value") {
        return refusal("무결성 값이 일치하지 않습니다.");
    }
    let Some(request) =
        decrypt(&m, field("enc_data")).and_then(|plain| serde_json::from_str::<Value>(&plain).ok())
    else {
        return refusal("요청을 복호화할 수 없습니다.");
    };
    let return_url = request["returnurl"].as_str().unwrap_or_default();
    if request["requestno"] != issued.req_no.as_str()
        || request["sitecode"] != NICE_SITE_CODE
        || request["methodtype"] != "get"
        || !return_url.starts_with("http")
    {
        return refusal("요청 값이 올바르지 않습니다.");
    }
    issued.return_url = Some(return_url.to_owned());
    Html(format!(
        r#"<!doctype html><html lang="ko"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>NICE 본인확인 (가짜 서버)</title></head>
<body><h1>NICE 휴대폰 본인확인 (가짜 서버)</h1>
<form method="post" action="/CheckPlusSafeModel/approve/{token}">
<label>이름 <input id="nice-name" name="name" value="홍길동"></label>
<label>생년월일 <input id="nice-birth" name="birthdate" value="19900517"></label>
<label>휴대폰 <input id="nice-phone" name="mobileno" value="01098765432"></label>
<button id="nice-approve">인증</button></form>
<form method="post" action="/CheckPlusSafeModel/close/{token}"><button id="nice-close">닫기</button></form>
</body></html>"#
    ))
    .into_response()
}

/// `GET /CheckPlusSafeModel/service.cb` (some integrations link instead of posting).
pub(super) async fn show_get(
    AxState(s): AxState<Arc<State>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    show(&s, &q)
}

/// `POST /CheckPlusSafeModel/service.cb`.
pub(super) async fn show_post(
    AxState(s): AxState<Arc<State>>,
    Form(q): Form<HashMap<String, String>>,
) -> Response {
    show(&s, &q)
}

/// Back to the shop with `pairs` in the query.
fn back(return_url: &str, pairs: &[(&str, &str)]) -> Response {
    match reqwest::Url::parse(return_url) {
        Ok(mut url) => {
            url.query_pairs_mut().extend_pairs(pairs);
            Redirect::to(url.as_str()).into_response()
        }
        Err(_) => refusal("returnurl이 올바르지 않습니다."),
    }
}

/// `POST /CheckPlusSafeModel/approve/{token}`: the person typed, sealed under the token's key.
pub(super) async fn approve(
    AxState(s): AxState<Arc<State>>,
    Path(token): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let Some(issued) = s.tokens.lock().unwrap().remove(&token) else {
        return refusal("토큰이 없습니다.");
    };
    let Some(return_url) = issued.return_url.clone() else {
        return refusal("요청을 먼저 보내야 합니다.");
    };
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    let name = field("name");
    let mut encoded = reqwest::Url::parse("http://n.invalid/").expect("url");
    encoded.query_pairs_mut().append_pair("v", &name);
    let utf8_name = encoded
        .query()
        .unwrap_or_default()
        .trim_start_matches("v=")
        .to_owned();
    let birth = field("birthdate");
    let mobile = field("mobileno");
    let result = json!({
        "resultcode": "0000", "requestno": issued.req_no, "enctime": issued.req_dtim,
        "sitecode": NICE_SITE_CODE, "responseno": format!("NICE{}", s.next()), "authtype": "M",
        "name": name, "utf8_name": utf8_name, "birthdate": birth, "gender": "1",
        "nationalinfo": "0", "mobileco": "1", "mobileno": mobile,
        "ci": format!("NICE-CI-{birth}-{mobile}"), "di": "NICE-DI", "receivedata": "",
    });
    let m = material(&issued.req_dtim, &issued.req_no, &issued.token_val);
    let enc_data = encrypt(&m, &result.to_string());
    let integrity = integrity_of(&m, &enc_data);
    back(
        &return_url,
        &[
            ("token_version_id", token.as_str()),
            ("enc_data", enc_data.as_str()),
            ("integrity_value", integrity.as_str()),
        ],
    )
}

/// `POST /CheckPlusSafeModel/close/{token}`: the buyer closed the window; back with nothing.
pub(super) async fn close(AxState(s): AxState<Arc<State>>, Path(token): Path<String>) -> Response {
    let Some(issued) = s.tokens.lock().unwrap().remove(&token) else {
        return refusal("토큰이 없습니다.");
    };
    match issued.return_url {
        Some(url) => back(&url, &[]),
        None => refusal("요청을 먼저 보내야 합니다."),
    }
}
