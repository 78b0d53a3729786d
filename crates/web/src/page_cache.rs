//! Rendered-page cache for anonymous visitors. Rendering a page through the template engine
//! costs a few hundred microseconds; serving the same bytes again costs a lookup. Pages are kept
//! per locale and URL until the catalog changes (every change invalidates them) or the cache TTL
//! passes. Requests that carry any cookie but `lang` (a future login or cart session), or query
//! parameters a page does not use, are always rendered.

use crate::i18n::Locale;
use crate::state::AppState;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Query parameters storefront pages understand; anything else bypasses the cache.
const KNOWN_PARAMS: [&str; 2] = ["sort", "page"];
/// Largest page worth keeping.
const MAX_PAGE_BYTES: usize = 1024 * 1024;

/// The cache key of a request, or `None` when it must be rendered.
pub fn cache_key(
    method: &Method,
    path: &str,
    query: Option<&str>,
    cookies: Option<&str>,
) -> Option<String> {
    if method != Method::GET {
        return None;
    }
    let personal = cookies
        .into_iter()
        .flat_map(|c| c.split(';'))
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .any(|c| !c.starts_with("lang="));
    if personal {
        return None;
    }
    let query = query.unwrap_or("");
    let known = query
        .split('&')
        .filter(|kv| !kv.is_empty())
        .all(|kv| KNOWN_PARAMS.contains(&kv.split('=').next().unwrap_or("")));
    if !known || query.len() > 64 {
        return None;
    }
    let locale = Locale::from_cookie_header(cookies);
    Some(format!("page:{}:{path}?{query}", locale.code()))
}

/// The cache key of the anonymous version of a request (its `lang` cookie kept, every other
/// cookie ignored): what a visitor is shown when their own page cannot be rendered.
pub fn anonymous_key(request: &Request) -> Option<String> {
    let lang = request
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .into_iter()
        .flat_map(|c| c.split(';'))
        .map(str::trim)
        .find(|c| c.starts_with("lang="));
    cache_key(
        request.method(),
        request.uri().path(),
        request.uri().query(),
        lang,
    )
}

/// A page kept by the cache, as served.
pub fn cached_page(body: bytes::Bytes) -> Response {
    html(body)
}

/// Middleware on cacheable storefront routes.
pub async fn serve_cached_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let key = cache_key(
        request.method(),
        request.uri().path(),
        request.uri().query(),
        request
            .headers()
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok()),
    );
    let Some(key) = key else {
        return next.run(request).await;
    };
    if let Some(body) = state.app.rendered_page(&key).await {
        return html(body);
    }
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    if response.status() != StatusCode::OK || !is_html {
        return response;
    }
    let (parts, body) = response.into_parts();
    match to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(bytes) => {
            state.app.keep_rendered_page(key, bytes.clone()).await;
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(e) => {
            tracing::warn!(error = %e, "page too large to cache");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn html(body: bytes::Bytes) -> Response {
    let mut response = Response::new(Body::from(body));
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_anonymous_gets_with_known_parameters_are_cached() {
        let get = Method::GET;
        assert_eq!(
            cache_key(&get, "/", None, None).as_deref(),
            Some("page:ko:/?")
        );
        assert_eq!(
            cache_key(
                &get,
                "/categories/a",
                Some("sort=new&page=2"),
                Some("lang=en")
            )
            .as_deref(),
            Some("page:en:/categories/a?sort=new&page=2")
        );
        assert_eq!(cache_key(&get, "/", Some("utm_source=x"), None), None);
        assert_eq!(
            cache_key(&get, "/", None, Some("lang=ko; jangteo_session=abc")),
            None
        );
        assert_eq!(cache_key(&Method::POST, "/", None, None), None);
        assert_eq!(
            cache_key(&get, "/", Some(&"page=1&".repeat(20)), None),
            None
        );
    }
}
