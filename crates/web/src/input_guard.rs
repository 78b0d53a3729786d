//! Refuses NUL characters at the edge: PostgreSQL cannot store U+0000 in text (the request would
//! end in a 500) and SQLite would store what PostgreSQL later refuses, so a `%00` in the address,
//! a form or a JSON body is a 400 on both backends, before any handler runs. Uploads
//! (`multipart/form-data`) carry binary files and are left to their readers.

use crate::web_error::marked;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

/// Whether a form or JSON body (or a query) spells a NUL character.
fn spells_nul(bytes: &[u8]) -> bool {
    bytes.windows(3).any(|w| w == b"%00")
        || bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000"))
        || bytes.contains(&0)
}

/// Middleware: 400 for a NUL in the URI or in a form/JSON body.
pub async fn refuse_nul(request: Request, next: Next) -> Response {
    let uri = request.uri();
    let in_uri =
        spells_nul(uri.path().as_bytes()) || uri.query().is_some_and(|q| spells_nul(q.as_bytes()));
    if in_uri {
        return marked(StatusCode::BAD_REQUEST);
    }
    let textual = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|ct| ct.trim_start().to_ascii_lowercase())
        .is_some_and(|ct| {
            ct.starts_with("application/x-www-form-urlencoded")
                || ct.starts_with("application/json")
        });
    if !textual {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    // The body is already cut off at the configured limit (limits.rs): over it, answer 413.
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return marked(StatusCode::PAYLOAD_TOO_LARGE);
    };
    if spells_nul(&bytes) {
        tracing::info!("request with a NUL character refused");
        return marked(StatusCode::BAD_REQUEST);
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::spells_nul;

    #[test]
    fn nul_in_every_spelling() {
        assert!(spells_nul(b"name=%00x"));
        assert!(spells_nul(br#"{"grade":"a\u0000"}"#));
        assert!(spells_nul(br#"{"grade":"a\U0000"}"#));
        assert!(spells_nul(b"raw\0"));
        assert!(!spells_nul(b"name=%EA%B9%80&price=100"));
        assert!(!spells_nul(b"amount=1000"));
    }
}
