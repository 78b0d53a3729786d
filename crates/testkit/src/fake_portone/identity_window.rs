//! The browser leg of the fake's 본인인증 (docs/PROVIDERS.md §13.1): the SDK's
//! `PortOne.requestIdentityVerification(params)` opens this window, where the buyer "proves"
//! who they are (the fake lets the test type the person), and the window sends the browser to
//! `redirectUrl?identityVerificationId=…` (with `code` and `message` when given up). The record
//! is then `VERIFIED` or `FAILED` for the shop's server-to-server lookup.

use super::identity::{FakePerson, failed, ready, verified};
use super::window::{escape, redirect, refusal};
use super::{PORTONE_IDENTITY_CHANNEL_KEY, PORTONE_STORE_ID, State};
use axum::Form;
use axum::extract::{Path, Query, State as AxState};
use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// The call's parameters, checked as the SDK does.
fn params(q: &HashMap<String, String>) -> Result<Value, &'static str> {
    let p: Value = q
        .get("params")
        .and_then(|p| serde_json::from_str(p).ok())
        .unwrap_or_default();
    if p["storeId"] != PORTONE_STORE_ID {
        return Err("상점 아이디가 올바르지 않습니다.");
    }
    if p["channelKey"] != PORTONE_IDENTITY_CHANNEL_KEY {
        return Err("채널 키가 올바르지 않습니다.");
    }
    let complete = ["identityVerificationId", "redirectUrl"]
        .iter()
        .all(|f| p[*f].as_str().is_some_and(|v| !v.is_empty()));
    if !complete {
        return Err("본인인증 요청 값이 올바르지 않습니다.");
    }
    Ok(p)
}

/// The person the window offers first (tests may type another).
pub(super) fn default_person() -> FakePerson {
    FakePerson {
        name: "김장터".into(),
        birth_date: "1990-05-17".into(),
        phone: "01012345678".into(),
        ci: String::new(),
    }
}

/// `GET /identity-window`: the carrier-verification window; the record exists from here on,
/// `READY`.
pub(super) async fn show(
    AxState(s): AxState<Arc<State>>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let p = match params(&q) {
        Ok(p) => p,
        Err(message) => return refusal(message),
    };
    let id = p["identityVerificationId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    {
        let mut records = s.identities.lock().unwrap();
        if records.get(&id).is_some_and(|r| r["status"] != "READY") {
            return refusal("이미 처리된 본인인증 건입니다.");
        }
        records.insert(id.clone(), ready(&id));
    }
    let redirect = p["redirectUrl"].as_str().unwrap_or_default().to_owned();
    s.identity_redirects
        .lock()
        .unwrap()
        .insert(id.clone(), redirect);
    let person = default_person();
    let page = format!(
        r#"<!doctype html><html lang="ko"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>휴대폰 본인인증 (가짜 서버)</title>
<style>body{{font-family:sans-serif;max-width:420px;margin:40px auto;padding:0 16px;background:#f4f6fb}}
label{{display:block;margin-top:10px}}input{{width:100%;padding:10px;font-size:16px;box-sizing:border-box}}
button{{width:100%;padding:14px;margin-top:14px;font-size:16px}}</style></head>
<body><h1>휴대폰 본인인증 (가짜 서버)</h1>
<form method="post" action="/identity-window/{id}/approve">
<label>이름 <input id="iv-name" name="name" value="{name}"></label>
<label>생년월일 <input id="iv-birth" name="birth_date" value="{birth}"></label>
<label>휴대폰 번호 <input id="iv-phone" name="phone" value="{phone}"></label>
<button id="identity-approve">인증하기</button></form>
<form method="post" action="/identity-window/{id}/cancel"><button id="identity-cancel">취소</button></form>
</body></html>"#,
        id = escape(&id),
        name = escape(&person.name),
        birth = escape(&person.birth_date),
        phone = escape(&person.phone),
    );
    Html(page).into_response()
}

fn back_to_shop(s: &State, id: &str, pairs: &[(&str, &str)]) -> Response {
    let Some(base) = s.identity_redirects.lock().unwrap().remove(id) else {
        return refusal("본인인증 건이 존재하지 않습니다.");
    };
    let mut query = vec![("identityVerificationId", id)];
    query.extend_from_slice(pairs);
    redirect(&base, &query)
}

/// `POST /identity-window/{id}/approve`: the carrier verified the person typed; back to the shop.
pub(super) async fn approve(
    AxState(s): AxState<Arc<State>>,
    Path(id): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let field = |name: &str| {
        form.get(name)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let mut person = FakePerson {
        name: field("name"),
        birth_date: field("birth_date"),
        phone: field("phone")
            .chars()
            .filter(char::is_ascii_digit)
            .collect(),
        ci: String::new(),
    };
    if person.name.is_empty() || person.birth_date.len() != 10 || person.phone.len() < 10 {
        return refusal("이름, 생년월일(YYYY-MM-DD), 휴대폰 번호를 확인해 주세요.");
    }
    // One person, one CI at every shop: made from what identifies them here.
    person.ci = format!("CI-{}-{}", person.birth_date, person.phone);
    let known = s.identities.lock().unwrap().contains_key(&id);
    if !known {
        return refusal("본인인증 건이 존재하지 않습니다.");
    }
    s.identities
        .lock()
        .unwrap()
        .insert(id.clone(), verified(&id, &person));
    back_to_shop(&s, &id, &[])
}

/// `POST /identity-window/{id}/cancel`: the buyer gave up; back with `code` and `message`.
pub(super) async fn cancel(AxState(s): AxState<Arc<State>>, Path(id): Path<String>) -> Response {
    s.identities.lock().unwrap().insert(id.clone(), failed(&id));
    back_to_shop(
        &s,
        &id,
        &[
            ("code", "FAILURE_TYPE_PG"),
            ("message", "본인인증을 취소했습니다."),
        ],
    )
}
