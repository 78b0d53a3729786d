//! Thumbnails and static files, with validators and long-lived cache headers for hashed URLs.

use crate::state::AppState;
use crate::web_error::WebError;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jangteo_media::ThumbSize;

/// Cache header for content-addressed URLs: they never change.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Cache header for static files requested without their hash.
const SHORT: &str = "public, max-age=3600";

fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
}

fn cached_response(
    headers: &HeaderMap,
    etag: String,
    cache_control: &'static str,
    mime: &str,
    body: impl IntoResponse,
) -> Response {
    let mut response = if not_modified(headers, &etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut r = body.into_response();
        if let Ok(v) = HeaderValue::from_str(mime) {
            r.headers_mut().insert(header::CONTENT_TYPE, v);
        }
        r
    };
    let h = response.headers_mut();
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    response
}

/// `GET /media/{hash}/{size}.webp`.
pub async fn show_thumbnail(
    State(state): State<AppState>,
    Path((hash, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let size = file
        .strip_suffix(".webp")
        .and_then(ThumbSize::from_name)
        .ok_or(WebError::NotFound)?;
    let etag = format!("\"{hash}-{}\"", size.name());
    if not_modified(&headers, &etag) {
        return Ok(cached_response(&headers, etag, IMMUTABLE, "image/webp", ()));
    }
    let bytes = state
        .app
        .thumbnail(&hash, size)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(cached_response(
        &headers,
        etag,
        IMMUTABLE,
        "image/webp",
        bytes,
    ))
}

/// `GET /static/{path}` (theme file first, then the built-in one).
pub async fn show_static(
    State(state): State<AppState>,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let file = state
        .inner
        .theme
        .static_file(&path)
        .ok_or(WebError::NotFound)?;
    let versioned = query
        .as_deref()
        .is_some_and(|q| q.split('&').any(|kv| kv == format!("v={}", file.hash)));
    let etag = format!("\"{}\"", file.hash);
    let cache = if versioned { IMMUTABLE } else { SHORT };
    Ok(cached_response(
        &headers,
        etag,
        cache,
        &file.mime,
        file.bytes.into_owned(),
    ))
}
