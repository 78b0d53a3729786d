//! A fake Sentry ingest on 127.0.0.1: `POST /api/{project}/envelope/` with the `X-Sentry-Auth`
//! header naming the DSN's public key, the body a Sentry envelope (a header line, then for each
//! item a header line and its JSON payload). Events are kept for the test to read; a wrong key
//! or project is refused with 401/404 as Sentry does.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

/// The DSN's public key the fake accepts.
pub const SENTRY_PUBLIC_KEY: &str = "f00dfeedf00dfeedf00dfeedf00dfeed";
/// The project the fake accepts.
pub const SENTRY_PROJECT: &str = "42";

/// A running fake Sentry.
#[derive(Clone)]
pub struct FakeSentry {
    /// `127.0.0.1:PORT`.
    pub address: String,
    events: Arc<Mutex<Vec<Value>>>,
}

async fn envelope(
    State(events): State<Arc<Mutex<Vec<Value>>>>,
    Path(project): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    let auth = headers
        .get("x-sentry-auth")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !auth.starts_with("Sentry ") || !auth.contains(&format!("sentry_key={SENTRY_PUBLIC_KEY}")) {
        let error = json!({"detail": "Unauthorized: missing or invalid sentry_key"});
        return (StatusCode::UNAUTHORIZED, Json(error)).into_response();
    }
    if project != SENTRY_PROJECT {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"detail": "project not found"})),
        )
            .into_response();
    }
    let mut lines = body.lines();
    let Some(Ok(header)) = lines.next().map(serde_json::from_str::<Value>) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"detail": "invalid envelope header"})),
        )
            .into_response();
    };
    while let Some(item_header) = lines.next() {
        let item: Value = serde_json::from_str(item_header).unwrap_or_default();
        let payload = lines.next().unwrap_or_default();
        if item["type"] == "event" {
            let Ok(event) = serde_json::from_str::<Value>(payload) else {
                return (
                    StatusCode::BAD_REQUEST,
                    Json(json!({"detail": "invalid event"})),
                )
                    .into_response();
            };
            if let Ok(mut e) = events.lock() {
                e.push(event);
            }
        }
    }
    Json(json!({"id": header["event_id"]})).into_response()
}

impl FakeSentry {
    /// Starts the fake.
    pub async fn start() -> Self {
        let events = Arc::new(Mutex::new(Vec::new()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the fake Sentry");
        let address = listener.local_addr().expect("address").to_string();
        let router = Router::new()
            .route("/api/{project}/envelope/", post(envelope))
            .with_state(events.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { address, events }
    }

    /// The DSN to configure.
    pub fn dsn(&self) -> String {
        format!(
            "http://{SENTRY_PUBLIC_KEY}@{}/{SENTRY_PROJECT}",
            self.address
        )
    }

    /// The events received so far.
    pub fn events(&self) -> Vec<Value> {
        self.events.lock().map(|e| e.clone()).unwrap_or_default()
    }
}
