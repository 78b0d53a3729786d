//! The middleware that turns every error response (ours, the
//! router's 404/405, the body limit's 413, CSRF's 403, a caught panic) into a page in the shop's
//! look, or a JSON envelope for API clients.

use crate::context::{PageMeta, Req, render_error};
use crate::state::AppState;
use crate::web_error::{ErrorPage, WebError, error_chain, marked};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

/// The fallback route.
pub async fn not_found() -> WebError {
    WebError::NotFound
}

/// Response of [`tower_http::catch_panic::CatchPanicLayer`].
pub fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    tracing::error!("handler panicked");
    marked(StatusCode::INTERNAL_SERVER_ERROR)
}

fn is_bare(response: &Response) -> bool {
    match response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        None => true,
        Some(ct) => ct.starts_with("text/plain"),
    }
}

/// `20MB`, `1MB`, `512KB`: limits as people read them.
fn human_size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB && bytes.is_multiple_of(MB) {
        format!("{}MB", bytes / MB)
    } else if bytes >= MB {
        format!("{:.1}MB", bytes as f64 / MB as f64)
    } else {
        format!("{}KB", bytes.div_ceil(1024))
    }
}

/// Message key prefix for a status.
fn message_key(status: StatusCode) -> &'static str {
    match status.as_u16() {
        403 => "error.403",
        404 | 405 => "error.404",
        413 => "error.413",
        503 => "error.503",
        s if s >= 500 => "error.500",
        _ => "error.400",
    }
}

/// Replaces the body of error responses with a page (or JSON for API clients).
pub async fn render_error_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let req = Req::from_request(&request);
    let wants_json = request.uri().path().starts_with("/api/")
        || request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("application/json") && !a.contains("text/html"));
    let head_only = request.method() == axum::http::Method::HEAD;
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| "(no route)".to_owned(), |m| m.as_str().to_owned());
    let method = request.method().clone();
    let response = next.run(request).await;
    let status = response.status();
    let request_id = req.request_id.as_deref().unwrap_or_default();
    crate::observability::report_server_error(status, method.as_str(), &route, request_id);
    if status == axum::http::StatusCode::INTERNAL_SERVER_ERROR {
        // Staff hear of it (the route and the request id only: no personal data).
        let (app, id) = (
            state.app.clone(),
            req.request_id.clone().unwrap_or_default(),
        );
        tokio::spawn(async move { app.alert_server_error(&route, &id).await });
    }
    let is_error = status.is_client_error() || status.is_server_error();
    if !is_error || !(response.extensions().get::<ErrorPage>().is_some() || is_bare(&response)) {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let key = message_key(status);
    let messages = &state.inner.messages;
    let title = messages.get(req.locale, &format!("{key}.title")).to_owned();
    let limits = &state.app.config.limits;
    let message = messages.format(
        req.locale,
        &format!("{key}.message"),
        &[
            ("upload_limit", human_size(limits.upload_bytes)),
            ("body_limit", human_size(limits.body_bytes)),
        ],
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    let body = if wants_json {
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let code = key.trim_start_matches("error.");
        serde_json::json!({ "error": { "code": code, "message": message, "request_id": req.request_id } })
            .to_string()
    } else {
        parts.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        let meta = PageMeta::titled(format!("{title} - {}", state.app.config.shop.name));
        match render_error(&state, &req, meta, status, &title, &message).await {
            Ok(html) => html,
            Err(e) => {
                tracing::error!(error = %error_chain(&e), "error page failed to render");
                format!(
                    "<!doctype html><meta charset=utf-8><title>{status}</title><h1>{title}</h1><p>{message}</p>"
                )
            }
        }
    };
    if head_only {
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(20 * 1024 * 1024), "20MB");
        assert_eq!(human_size(1024 * 1024), "1MB");
        assert_eq!(human_size(1536 * 1024), "1.5MB");
        assert_eq!(human_size(1000), "1KB");
    }

    #[test]
    fn statuses_map_to_messages() {
        assert_eq!(message_key(StatusCode::FORBIDDEN), "error.403");
        assert_eq!(message_key(StatusCode::METHOD_NOT_ALLOWED), "error.404");
        assert_eq!(message_key(StatusCode::PAYLOAD_TOO_LARGE), "error.413");
        assert_eq!(message_key(StatusCode::BAD_GATEWAY), "error.500");
        assert_eq!(message_key(StatusCode::SERVICE_UNAVAILABLE), "error.503");
        assert_eq!(message_key(StatusCode::UNPROCESSABLE_ENTITY), "error.400");
    }
}
