//! An integration receiving the shop's webhooks on 127.0.0.1, verifying each per Standard
//! Webhooks (standardwebhooks.com) on its own: the three `webhook-*` headers, a timestamp within
//! five minutes, and a `v1,` signature that is the HMAC-SHA256 of `id.timestamp.body` under the
//! base64 key after `whsec_`. It can be told to fail (500) a number of times first.

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use std::sync::{Arc, Mutex};

/// A delivery as received.
#[derive(Debug, Clone)]
pub struct Received {
    /// `webhook-id`.
    pub id: String,
    /// The body.
    pub body: Value,
    /// Whether the signature, timestamp and headers held under the secret set.
    pub verified: bool,
}

#[derive(Default)]
struct Shared {
    secret: Mutex<String>,
    received: Mutex<Vec<Received>>,
    failures_left: Mutex<usize>,
}

/// A running receiver.
#[derive(Clone)]
pub struct FakeWebhookReceiver {
    /// `http://127.0.0.1:PORT/hooks`.
    pub url: String,
    shared: Arc<Shared>,
}

fn verify(secret: &str, headers: &HeaderMap, body: &str) -> Option<()> {
    let header = |name: &str| headers.get(name)?.to_str().ok();
    let (id, timestamp, signatures) = (
        header("webhook-id")?,
        header("webhook-timestamp")?,
        header("webhook-signature")?,
    );
    let sent: i64 = timestamp.parse().ok()?;
    if (chrono::Utc::now().timestamp() - sent).abs() > 300 {
        return None;
    }
    let key = STANDARD.decode(secret.strip_prefix("whsec_")?).ok()?;
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).ok()?;
    mac.update(format!("{id}.{timestamp}.{body}").as_bytes());
    let expected = STANDARD.encode(mac.finalize().into_bytes());
    signatures
        .split(' ')
        .any(|s| s.strip_prefix("v1,") == Some(expected.as_str()))
        .then_some(())
}

async fn receive(State(s): State<Arc<Shared>>, headers: HeaderMap, body: String) -> StatusCode {
    let secret = s.secret.lock().map(|x| x.clone()).unwrap_or_default();
    let verified = verify(&secret, &headers, &body).is_some();
    let id = headers
        .get("webhook-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = serde_json::from_str(&body).unwrap_or(Value::Null);
    if let Ok(mut received) = s.received.lock() {
        received.push(Received { id, body, verified });
    }
    if let Ok(mut left) = s.failures_left.lock()
        && *left > 0
    {
        *left -= 1;
        return StatusCode::INTERNAL_SERVER_ERROR;
    }
    if verified {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::UNAUTHORIZED
    }
}

impl FakeWebhookReceiver {
    /// Starts the receiver.
    pub async fn start() -> Self {
        let shared = Arc::new(Shared::default());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding the fake webhook receiver");
        let url = format!("http://{}/hooks", listener.local_addr().expect("address"));
        let router = Router::new()
            .route("/hooks", post(receive))
            .with_state(shared.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Self { url, shared }
    }

    /// The endpoint's secret, as the shop showed it.
    pub fn set_secret(&self, secret: &str) {
        if let Ok(mut s) = self.shared.secret.lock() {
            *s = secret.to_owned();
        }
    }

    /// The next `n` deliveries are answered 500.
    pub fn fail_next(&self, n: usize) {
        if let Ok(mut left) = self.shared.failures_left.lock() {
            *left = n;
        }
    }

    /// Everything received, in order.
    pub fn received(&self) -> Vec<Received> {
        self.shared
            .received
            .lock()
            .map(|r| r.clone())
            .unwrap_or_default()
    }
}
