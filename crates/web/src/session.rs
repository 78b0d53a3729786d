//! The session store (tower-sessions) on the shop's database, and the small typed values pages
//! keep in a session: the guest cart, flash notices, guest order access.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use jangteo_app::App;
use jangteo_app::cart::CartLine;
use jangteo_app::identity::IdentityProof;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, SessionStore};

/// Sessions stored through the app in the `sessions` table.
#[derive(Clone)]
pub struct DbSessionStore {
    app: App,
}

impl std::fmt::Debug for DbSessionStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbSessionStore")
    }
}

impl DbSessionStore {
    /// A store over the app's database.
    pub fn new(app: App) -> Self {
        Self { app }
    }
}

fn expiry(record: &Record) -> DateTime<Utc> {
    DateTime::from_timestamp(record.expiry_date.unix_timestamp(), 0).unwrap_or_else(Utc::now)
}

fn backend(e: impl std::fmt::Display) -> session_store::Error {
    session_store::Error::Backend(e.to_string())
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        // A fresh id on the (astronomically unlikely) collision.
        while !self
            .app
            .create_session(&record.id.to_string(), &data, expiry(record))
            .await
            .map_err(backend)?
        {
            record.id = Id::default();
        }
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        self.app
            .save_session(&record.id.to_string(), &data, expiry(record))
            .await
            .map_err(backend)
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        let Some(data) = self
            .app
            .load_session(&id.to_string())
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data =
            serde_json::from_str(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        // The stored expiry was checked by the query; the manager sets a new one on save.
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
        }))
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.app
            .delete_session(&id.to_string())
            .await
            .map_err(backend)
    }
}

const CART: &str = "cart";
const FLASH: &str = "flash";
const GUEST_ORDERS: &str = "guest_orders";
const FAILED_CHECKOUT: &str = "failed_checkout";

/// A one-time notice shown on the next page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Flash {
    /// `success`, `info` or `error`.
    pub kind: String,
    /// Message key (translated when shown).
    pub key: String,
    /// Words of someone else's shown after it as they are (a gateway's reason for a decline).
    #[serde(default)]
    pub detail: Option<String>,
}

impl Flash {
    /// The notice as shown: the translated message, then the detail.
    pub fn message(&self, translated: &str) -> String {
        match &self.detail {
            Some(detail) if !detail.trim().is_empty() => {
                format!("{translated} ({})", detail.trim())
            }
            _ => translated.to_owned(),
        }
    }
}

/// The guest cart kept in the session.
pub async fn guest_cart(session: &Session) -> Vec<CartLine> {
    session.get(CART).await.ok().flatten().unwrap_or_default()
}

/// Stores the guest cart.
pub async fn set_guest_cart(session: &Session, lines: &[CartLine]) {
    if let Err(e) = session.insert(CART, lines).await {
        tracing::warn!(error = %e, "could not keep the guest cart");
    }
}

/// Empties the guest cart.
pub async fn clear_guest_cart(session: &Session) {
    let _ = session.remove::<Vec<CartLine>>(CART).await;
}

/// Queues a notice for the next page.
pub async fn flash(session: &Session, kind: &str, key: &str) {
    flash_with_detail(session, kind, key, None).await;
}

/// Queues a notice with a detail shown as it is after the message (at most 200 characters).
pub async fn flash_with_detail(session: &Session, kind: &str, key: &str, detail: Option<&str>) {
    let mut list: Vec<Flash> = session.get(FLASH).await.ok().flatten().unwrap_or_default();
    list.push(Flash {
        kind: kind.to_owned(),
        key: key.to_owned(),
        detail: detail.map(|d| d.chars().take(200).collect()),
    });
    let _ = session.insert(FLASH, list).await;
}

/// Takes the queued notices.
pub async fn take_flash(session: &Session) -> Vec<Flash> {
    // Reading first avoids marking every session modified on every page.
    let has: Option<Vec<Flash>> = session.get(FLASH).await.ok().flatten();
    match has {
        Some(list) if !list.is_empty() => {
            let _ = session.remove::<Vec<Flash>>(FLASH).await;
            list
        }
        _ => Vec::new(),
    }
}

/// Remembers that this session proved access to a guest order.
pub async fn grant_guest_order(session: &Session, number: &str) {
    let mut list: Vec<String> = session
        .get(GUEST_ORDERS)
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    if !list.iter().any(|n| n == number) {
        list.push(number.to_owned());
        list.truncate(20);
        let _ = session.insert(GUEST_ORDERS, list).await;
    }
}

/// The guest orders this session proved access to (placed or looked up here).
pub async fn guest_orders(session: &Session) -> Vec<String> {
    session
        .get(GUEST_ORDERS)
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Whether this session may see a guest order.
pub async fn has_guest_order(session: &Session, number: &str) -> bool {
    guest_orders(session).await.iter().any(|n| n == number)
}

/// Remembers the buyer's order whose payment did not go through: checkout fills itself from it.
pub async fn remember_failed_checkout(session: &Session, number: &str) {
    let _ = session.insert(FAILED_CHECKOUT, number.to_owned()).await;
}

/// The buyer's order whose payment did not go through, until a new order is placed.
pub async fn failed_checkout(session: &Session) -> Option<String> {
    session.get(FAILED_CHECKOUT).await.ok().flatten()
}

/// Forgets the failed checkout (a new order was placed).
pub async fn forget_failed_checkout(session: &Session) {
    let _ = session.remove::<String>(FAILED_CHECKOUT).await;
}

const IDENTITY: &str = "identity";
const IDENTITY_ATTEMPT: &str = "identity_attempt";

/// The 본인인증 this session completed (the app checks it is still good).
pub async fn identity_proof(session: &Session) -> Option<IdentityProof> {
    session.get(IDENTITY).await.ok().flatten()
}

/// Keeps the 본인인증 this session completed.
pub async fn keep_identity_proof(session: &Session, proof: &IdentityProof) {
    if let Err(e) = session.insert(IDENTITY, proof).await {
        tracing::warn!(error = %e, "could not keep the identity verification");
    }
}

/// Keeps an attempt whose window is open, with where to go once it is done.
pub async fn keep_identity_attempt(session: &Session, proof: &IdentityProof, next: &str) {
    if let Err(e) = session.insert(IDENTITY_ATTEMPT, (proof, next)).await {
        tracing::warn!(error = %e, "could not keep the identity attempt");
    }
}

/// Takes the attempt whose window came back, and where to go next.
pub async fn take_identity_attempt(session: &Session) -> Option<(IdentityProof, String)> {
    session
        .remove::<(IdentityProof, String)>(IDENTITY_ATTEMPT)
        .await
        .ok()
        .flatten()
}
