//! A fake tracker.delivery GraphQL API (PROVIDERS.md §5.2) on 127.0.0.1: `POST /graphql` with
//! `Authorization: TRACKQL-API-KEY {id}:{secret}` and the `track` query; a waybill's last event
//! is whatever the test set (`IN_TRANSIT`, `DELIVERED`, …); an unknown waybill answers the
//! GraphQL `NOT_FOUND` error.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The client id the fake accepts.
pub const TRACKER_CLIENT_ID: &str = "tracker-client-id";
/// The client secret the fake accepts.
pub const TRACKER_CLIENT_SECRET: &str = "tracker-client-secret";

#[derive(Default)]
struct Shared {
    /// (carrier id, waybill) → status code.
    parcels: Mutex<HashMap<(String, String), String>>,
    queries: Mutex<usize>,
}

/// A running fake tracker.delivery.
#[derive(Clone)]
pub struct FakeTracker {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    shared: Arc<Shared>,
}

async fn graphql(State(s): State<Arc<Shared>>, headers: HeaderMap, body: String) -> Response {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if auth != format!("TRACKQL-API-KEY {TRACKER_CLIENT_ID}:{TRACKER_CLIENT_SECRET}") {
        let error = json!({"errors": [{"message": "Unauthorized", "extensions": {"code": "UNAUTHENTICATED"}}]});
        return (StatusCode::UNAUTHORIZED, Json(error)).into_response();
    }
    let request: Value = serde_json::from_str(&body).unwrap_or_default();
    let query = request["query"].as_str().unwrap_or_default();
    let vars = &request["variables"];
    let (Some(carrier), Some(number)) =
        (vars["carrierId"].as_str(), vars["trackingNumber"].as_str())
    else {
        let error = json!({"errors": [{"message": "Variable \"$carrierId\" of required type \"ID!\" was not provided.", "extensions": {"code": "BAD_USER_INPUT"}}]});
        return (StatusCode::OK, Json(error)).into_response();
    };
    if !query.contains("track(") {
        let error = json!({"errors": [{"message": "unknown query", "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}]});
        return (StatusCode::OK, Json(error)).into_response();
    }
    if let Ok(mut n) = s.queries.lock() {
        *n += 1;
    }
    let status = s
        .parcels
        .lock()
        .ok()
        .and_then(|p| p.get(&(carrier.to_owned(), number.to_owned())).cloned());
    let Some(code) = status else {
        let error = json!({"data": {"track": null}, "errors": [{"message": "Not found", "extensions": {"code": "NOT_FOUND"}}]});
        return (StatusCode::OK, Json(error)).into_response();
    };
    let answer = json!({"data": {"track": {"lastEvent": {
        "time": "2026-12-07T15:00:00+09:00",
        "status": {"code": code, "name": code},
        "description": "",
    }}}});
    (StatusCode::OK, Json(answer)).into_response()
}

impl FakeTracker {
    /// Starts the fake.
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the fake tracker");
        let base_url = format!("http://{}", listener.local_addr().expect("address"));
        let router = Router::new()
            .route("/graphql", post(graphql))
            .with_state(shared.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { base_url, shared }
    }

    /// The GraphQL address.
    pub fn api_url(&self) -> String {
        format!("{}/graphql", self.base_url)
    }

    /// Sets a parcel's last status (`kr.cjlogistics`, `123456789012`, `DELIVERED`).
    pub fn set_status(&self, carrier_id: &str, waybill: &str, code: &str) {
        if let Ok(mut p) = self.shared.parcels.lock() {
            p.insert((carrier_id.to_owned(), waybill.to_owned()), code.to_owned());
        }
    }

    /// How many track queries were answered.
    pub fn queries(&self) -> usize {
        self.shared.queries.lock().map_or(0, |n| *n)
    }
}
