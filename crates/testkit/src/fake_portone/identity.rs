//! The fake's 본인인증 records (docs/PROVIDERS.md §13.1): `GET /identity-verifications/{id}`,
//! strict on `Authorization` and `storeId`, answering the `IdentityVerification` object by its
//! status (`READY`, `VERIFIED`, `FAILED`) or `IDENTITY_VERIFICATION_NOT_FOUND`.

use super::State;
use super::api::{Reply, authorised, error, store_in_query};
use axum::Json;
use axum::extract::{Path, Query, State as AxState};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// A person the fake's 본인인증 window verifies.
#[derive(Debug, Clone)]
pub struct FakePerson {
    /// Name.
    pub name: String,
    /// `yyyy-MM-dd`.
    pub birth_date: String,
    /// Digits only.
    pub phone: String,
    /// 연계정보.
    pub ci: String,
}

const AT: &str = "2026-12-06T03:00:00Z";

/// A `VERIFIED` record of `person` under `id`.
pub(crate) fn verified(id: &str, person: &FakePerson) -> Value {
    json!({
        "status": "VERIFIED", "id": id,
        "channel": {"type": "TEST", "id": "ch-iv", "key": "channel-key-iv", "name": "danal-test",
            "pgProvider": "DANAL", "pgMerchantId": "A010002002"},
        "verifiedCustomer": {"name": person.name, "operator": "SKT", "phoneNumber": person.phone,
            "birthDate": person.birth_date, "gender": "MALE", "isForeigner": false, "ci": person.ci,
            "di": null},
        "requestedAt": AT, "updatedAt": AT, "statusChangedAt": AT, "verifiedAt": AT,
        "pgTxId": format!("pg-{id}"), "pgRawResponse": "{}", "version": "V2",
    })
}

/// A `READY` record under `id` (the window is open).
pub(crate) fn ready(id: &str) -> Value {
    json!({
        "status": "READY", "id": id, "requestedCustomer": {},
        "requestedAt": AT, "updatedAt": AT, "statusChangedAt": AT, "version": "V2",
    })
}

/// A `FAILED` record under `id`.
pub(crate) fn failed(id: &str) -> Value {
    json!({
        "status": "FAILED", "id": id, "requestedCustomer": {},
        "requestedAt": AT, "updatedAt": AT, "statusChangedAt": AT,
        "failure": {"reason": "본인인증을 취소했습니다.", "pgCode": "USER_CANCEL"}, "version": "V2",
    })
}

/// `GET /identity-verifications/{id}`.
pub(super) async fn get(
    AxState(state): AxState<Arc<State>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let reply = || -> Reply {
        authorised(&headers)?;
        store_in_query(&q)?;
        let record = state.identities.lock().unwrap().get(&id).cloned();
        record.map(|v| Json(v).into_response()).ok_or_else(|| {
            error(
                StatusCode::NOT_FOUND,
                "IDENTITY_VERIFICATION_NOT_FOUND",
                "요청된 본인인증 건이 존재하지 않습니다.",
            )
        })
    };
    reply().unwrap_or_else(|refusal| *refusal)
}
