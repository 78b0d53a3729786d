//! Persistence for Jangteo: one codebase over SQLite (embedded default) and PostgreSQL.
//!
//! Static SQL is written once with `$N` placeholders, which both drivers accept; the small macros
//! in `macros` run a statement on whichever backend is configured. Row structs derive
//! `sqlx::FromRow` once. Every repository function is tested on both backends.

#[macro_use]
mod macros;
#[macro_use]
mod dynamic;

pub mod audit;
pub mod backup;
pub mod bulk;
pub mod carts;
pub mod cash_receipts;
pub mod catalog;
pub mod channel_orders;
pub mod claims;
pub mod content;
pub mod coupon_admin;
pub mod coupon_codes;
mod error;
pub mod gift_admin;
pub mod gift_limits;
pub mod grade_admin;
pub mod identity;
pub mod inquiries;
pub mod jobs;
pub mod login_attempts;
pub mod logistics;
pub mod media;
pub mod member_addresses;
pub mod member_admin;
pub mod members;
pub mod message_templates;
pub mod messages;
pub mod notify;
pub mod orders;
pub mod payments;
pub mod pin_holds;
pub mod pins;
pub mod point_expiry;
mod pool;
pub mod privacy;
mod probe;
pub mod promotions;
pub mod refund_accounts;
pub mod refunds;
pub mod restock_alerts;
pub mod review_admin;
pub mod reviews;
pub mod sessions;
pub mod settings;
pub mod shipments;
pub mod shipping;
pub mod social_links;
pub mod staff;
pub mod staff_tokens;
pub mod stats;
pub mod stock_ledger;
pub mod webhooks;
pub mod wishlists;

pub use dynamic::{Bind, SqlBuilder};
pub use error::DbError;
pub use pool::{
    ACQUIRE_TIMEOUT, Backend, Db, MigrationStatus, Reader, SqlitePools, Tx, is_postgres_url,
    redact_url, sqlite_path,
};
pub use probe::Probe;

/// Result type of this crate.
pub type DbResult<T> = Result<T, DbError>;
