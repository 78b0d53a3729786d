//! Use cases: the one place each operation lives, called from the storefront, admin, API,
//! webhooks, Slack and jobs alike. Holds the application context ([`App`]) and its caches.

pub mod cache;
pub mod catalog;
pub mod config;
pub mod content;
pub mod demo;
mod error;
pub mod media;

pub use config::Config;
pub use error::AppError;

use cache::Caches;
use jangteo_db::Db;
use jangteo_providers::storage::Storage;
use std::sync::Arc;

/// Result type of the use cases.
pub type AppResult<T> = Result<T, AppError>;

/// Everything a use case needs: database, storage, configuration and per-instance caches.
/// Cheap to clone; one per process.
#[derive(Clone)]
pub struct App {
    /// The shop's database.
    pub db: Db,
    /// Object storage for media.
    pub storage: Storage,
    /// Loaded configuration.
    pub config: Arc<Config>,
    caches: Arc<Caches>,
}

impl App {
    /// Builds the context from an opened database.
    pub fn new(db: Db, config: Config) -> AppResult<Self> {
        let storage = Storage::local(&config.media_dir())?;
        Ok(Self {
            db,
            storage,
            caches: Arc::new(Caches::new(&config)),
            config: Arc::new(config),
        })
    }

    /// Drops every cached catalog entry and rendered page (call after any catalog or content
    /// change).
    pub fn invalidate_catalog(&self) {
        self.caches.invalidate_catalog();
    }

    /// A rendered page kept by [`App::keep_rendered_page`], if still current.
    pub async fn rendered_page(&self, key: &str) -> Option<bytes::Bytes> {
        self.caches.rendered.get(key).await
    }

    /// Keeps a rendered page until the catalog changes or the cache TTL passes.
    pub async fn keep_rendered_page(&self, key: String, body: bytes::Bytes) {
        self.caches.rendered.insert(key, body).await;
    }
}
