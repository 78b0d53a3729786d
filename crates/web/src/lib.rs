//! The HTTP face of Jangteo: storefront pages, SEO files, media and static files, health checks,
//! and the middleware every request passes (request ids, logs, limits, CSRF, error pages).

mod account;
mod addresses;
mod admin;
mod assets;
mod auth;
mod cart_pages;
mod checkout;
mod claims;
mod context;
mod device;
mod errors;
mod forms;
mod i18n;
mod identity_pages;
mod input_guard;
mod inquiries;
mod limits;
mod media;
mod my_page;
mod ops;
mod order_views;
mod orders;
mod outage;
mod page_cache;
mod payment_returns;
mod payment_window;
mod posts;
mod privacy;
mod refund_account_view;
mod reviews;
mod router;
mod seo;
mod server;
mod session;
mod shop;
mod staff;
mod staff_api;
mod state;
mod templates;
mod views;
mod web_error;
mod webhooks;

pub use router::router;
pub use server::{serve, shutdown_signal};
pub use state::{AppState, WebOptions};
