//! The kapi.kakao.com side of the fake: the user info (`/v2/user/me`, `/v1/oidc/userinfo`), the
//! Kakao Sync service terms and shipping addresses, and unlink, all behind a Bearer token.

use super::{AGREED_AT, KakaoAccount, Shared};
use crate::fake_oauth;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::Arc;

/// The account behind the request's Bearer token, or Kakao's 401.
fn user(s: &Shared, headers: &HeaderMap) -> Result<KakaoAccount, Box<Response>> {
    let account =
        fake_oauth::bearer(headers).and_then(|t| s.tokens.lock().unwrap().get(t).cloned());
    account.ok_or_else(|| {
        let body = json!({"msg": "this access token does not exist", "code": -401});
        Box::new((StatusCode::UNAUTHORIZED, Json(body)).into_response())
    })
}

fn kakao_account_json(a: &KakaoAccount) -> Value {
    let mut k = json!({
        "profile_nickname_needs_agreement": false,
        "profile": {"nickname": a.nickname, "is_default_image": true},
        "has_email": a.email.is_some(),
    });
    if let Some(email) = &a.email {
        k["email_needs_agreement"] = json!(false);
        k["is_email_valid"] = json!(true);
        k["is_email_verified"] = json!(a.email_verified);
        k["email"] = json!(email);
    }
    if let Some(name) = &a.name {
        k["name_needs_agreement"] = json!(false);
        k["name"] = json!(name);
    }
    k["has_phone_number"] = json!(a.phone_number.is_some());
    if let Some(phone) = &a.phone_number {
        k["phone_number_needs_agreement"] = json!(false);
        k["phone_number"] = json!(phone);
    }
    k["has_age_range"] = json!(a.age_range.is_some());
    if let Some(age_range) = &a.age_range {
        k["age_range_needs_agreement"] = json!(false);
        k["age_range"] = json!(age_range);
    }
    k
}

/// `GET|POST /v2/user/me`.
pub(super) async fn me(State(s): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    match user(&s, &headers) {
        Ok(a) => Json(json!({
            "id": a.id, "connected_at": AGREED_AT,
            "properties": {"nickname": a.nickname},
            "kakao_account": kakao_account_json(&a),
        }))
        .into_response(),
        Err(r) => *r,
    }
}

/// `GET|POST /v1/oidc/userinfo`: the OIDC view of the account.
pub(super) async fn oidc_userinfo(State(s): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    match user(&s, &headers) {
        Ok(a) => {
            let mut body = json!({"sub": a.id.to_string(), "nickname": a.nickname});
            if let Some(email) = &a.email {
                body["email"] = json!(email);
                body["email_verified"] = json!(a.email_verified);
            }
            Json(body).into_response()
        }
        Err(r) => *r,
    }
}

/// `GET /v1/user/service/terms`: the Kakao Sync terms the account agreed to.
pub(super) async fn service_terms(State(s): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    match user(&s, &headers) {
        Ok(a) => {
            let terms: Vec<Value> = (a.agreed_terms.iter())
                .map(|tag| json!({"tag": tag, "agreed_at": AGREED_AT}))
                .collect();
            Json(json!({"user_id": a.id, "allowed_service_terms": terms})).into_response()
        }
        Err(r) => *r,
    }
}

/// `GET /v1/user/shipping_address`: the account's saved address, if any.
pub(super) async fn shipping_address(State(s): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let a = match user(&s, &headers) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    let addresses: Vec<Value> = (a.shipping_address.iter())
        .map(|addr| {
            json!({
                "id": 1, "name": "집", "is_default": true, "updated_at": 1_733_558_400, "type": "NEW",
                "base_address": addr.base_address, "detail_address": addr.detail_address,
                "receiver_name": addr.receiver_name,
                "receiver_phone_number1": addr.receiver_phone_number1,
                "zone_number": addr.zone_number,
            })
        })
        .collect();
    Json(json!({
        "user_id": a.id, "shipping_addresses_needs_agreement": false,
        "shipping_addresses": addresses,
    }))
    .into_response()
}

/// `POST /v1/user/unlink`: disconnects the app; the account's tokens stop working.
pub(super) async fn unlink(State(s): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    let a = match user(&s, &headers) {
        Ok(a) => a,
        Err(r) => return *r,
    };
    s.tokens.lock().unwrap().retain(|_, owner| owner.id != a.id);
    s.refresh_tokens
        .lock()
        .unwrap()
        .retain(|_, owner| owner.id != a.id);
    s.unlinked.lock().unwrap().push(a.id);
    Json(json!({"id": a.id})).into_response()
}
