//! While the database does not answer, requests that need it are refused at once with the
//! "잠시 후 다시" page (503, `Retry-After`) instead of each waiting for a connection; storefront
//! pages the cache holds are still served (in their anonymous version), and static files, media
//! and the health endpoints pass. The app's watch notices the database's return by itself.

use crate::page_cache;
use crate::state::AppState;
use crate::web_error::try_again_shortly;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

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
