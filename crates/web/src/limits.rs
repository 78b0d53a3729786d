//! Request body limits: uploads (`multipart/form-data`) may be larger than other bodies. A
//! declared `Content-Length` over the limit is refused before any byte is read; a streamed body
//! is cut off at the limit (extractors then answer 413).

use crate::state::AppState;
use crate::web_error::marked;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

/// The limit that applies to a request with this `Content-Type`.
pub fn limit_for(content_type: Option<&str>, upload_bytes: u64, body_bytes: u64) -> u64 {
    let is_upload = content_type
        .map(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
        .unwrap_or(false);
    if is_upload { upload_bytes } else { body_bytes }
}

/// Middleware enforcing the configured limits.
pub async fn limit_body(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limits = &state.app.config.limits;
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let limit = limit_for(content_type, limits.upload_bytes, limits.body_bytes);
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit) {
        tracing::info!(
            body.declared = declared,
            body.limit = limit,
            "request body too large"
        );
        let mut response = marked(StatusCode::PAYLOAD_TOO_LARGE);
        // The client may still be sending; tell it we will not read the rest.
        response.headers_mut().insert(
            header::CONNECTION,
            header::HeaderValue::from_static("close"),
        );
        return response;
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let request = request.map(|body| Body::new(http_body_util::Limited::new(body, limit)));
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::limit_for;

    #[test]
    fn uploads_get_the_upload_limit() {
        assert_eq!(
            limit_for(Some("multipart/form-data; boundary=x"), 20, 1),
            20
        );
        assert_eq!(
            limit_for(Some("Multipart/Form-Data; boundary=x"), 20, 1),
            20
        );
        assert_eq!(
            limit_for(Some("application/x-www-form-urlencoded"), 20, 1),
            1
        );
        assert_eq!(limit_for(None, 20, 1), 1);
    }
}
