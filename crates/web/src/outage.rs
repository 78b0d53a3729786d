//! While the database does not answer, requests that need it are refused at once with the
//! "잠시 후 다시" page (503, `Retry-After`) instead of each waiting for a connection; storefront
//! pages the cache holds are still served (in their anonymous version), and static files, media
//! and the health endpoints pass. The app's watch notices the database's return by itself.

use crate::errors::marked;
use crate::page_cache;
use crate::router::AppState;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

/// Seconds a client is asked to wait before trying again.
const RETRY_AFTER_SECONDS: &str = "30";

/// The 503 answer (the error renderer fills in the page).
pub fn try_again_shortly() -> Response {
    let mut response = marked(StatusCode::SERVICE_UNAVAILABLE);
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from_static(RETRY_AFTER_SECONDS),
    );
    response
}

/// Paths that never touch the database.
fn needs_no_database(path: &str) -> bool {
    path.starts_with("/static/")
        || path.starts_with("/media/")
        || path == "/healthz"
        || path == "/readyz"
}

/// Middleware: refuse or serve from the cache while the database is down.
pub async fn refuse_while_database_down(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if !state.app.database_down() || needs_no_database(request.uri().path()) {
        return next.run(request).await;
    }
    if let Some(key) = page_cache::anonymous_key(&request)
        && let Some(body) = state.app.rendered_page(&key).await
    {
        return page_cache::cached_page(body);
    }
    try_again_shortly()
}
