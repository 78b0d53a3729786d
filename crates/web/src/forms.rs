//! Helpers shared by the form pages: titles, translated field errors, redirects.

use crate::context::{PageMeta, Req, render};
use crate::session::flash;
use crate::state::AppState;
use crate::web_error::WebError;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jangteo_app::{AppError, AppResult};
use minijinja::Value;
use std::collections::BTreeMap;
use tower_sessions::Session;

/// A message in the visitor's language.
pub fn t(state: &AppState, req: &Req, key: &str) -> String {
    state.inner.messages.get(req.locale, key).to_owned()
}

/// Message key of an app error shown on a form.
pub fn error_key(err: &AppError) -> Option<String> {
    match err {
        AppError::Throttled => Some("error.conflict.throttled".into()),
        e => e
            .conflict_code()
            .map(|code| format!("error.conflict.{code}")),
    }
}

/// A use case's result where a conflict (a refused move, a state changed meanwhile) is told to
/// the user as a flash message on the page they return to: `Ok(None)` once it is flashed. Other
/// errors pass on.
pub async fn flash_conflict<T>(session: &Session, result: AppResult<T>) -> AppResult<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(e) => {
            let code = e.conflict_code().ok_or(e)?;
            flash(session, "error", &format!("error.conflict.{code}")).await;
            Ok(None)
        }
    }
}

/// `errors` for a template: field → message, `_form` for the whole form. `None` when the error
/// is not the user's to fix (the caller propagates it).
pub fn form_errors(
    state: &AppState,
    req: &Req,
    err: &AppError,
) -> Option<BTreeMap<String, String>> {
    let mut map = BTreeMap::new();
    match err {
        AppError::Form(fields) => {
            for (field, code) in fields {
                map.entry((*field).to_owned())
                    .or_insert_with(|| t(state, req, &format!("error.input.{code}")));
            }
        }
        other => {
            let key = error_key(other)?;
            map.insert("_form".to_owned(), t(state, req, &key));
        }
    }
    Some(map)
}

/// Renders a personal page (never indexed) titled with a message key.
pub async fn page(
    state: &AppState,
    req: &Req,
    template: &str,
    title_key: &str,
    extra: Value,
) -> Result<Response, WebError> {
    let mut meta = PageMeta::titled(format!(
        "{} - {}",
        t(state, req, title_key),
        state.app.config.shop.name
    ));
    meta.robots = Some("noindex,nofollow");
    let mut response = render(state, req, template, meta, "", extra).await?;
    // Personal pages must not be stored by shared caches or the browser's back-forward cache.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-store"),
    );
    Ok(response)
}

/// The same page with a status (422 for refused input, 429 when throttled).
pub fn with_status(mut response: Response, status: StatusCode) -> Response {
    *response.status_mut() = status;
    response
}

/// `303 See Other` to `url` (after a POST).
pub fn see_other(url: &str) -> Response {
    (
        StatusCode::SEE_OTHER,
        [(
            header::LOCATION,
            header::HeaderValue::from_str(url).unwrap_or(header::HeaderValue::from_static("/")),
        )],
    )
        .into_response()
}

/// The status for a refused form.
pub fn refused_status(err: &AppError) -> StatusCode {
    match err {
        AppError::Throttled => StatusCode::TOO_MANY_REQUESTS,
        e if e.conflict_code().is_some() => StatusCode::CONFLICT,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// A checkbox: present with any value but `0`/`false`/`off`.
pub fn checked(v: &Option<String>) -> bool {
    v.as_deref()
        .is_some_and(|s| !matches!(s, "" | "0" | "false" | "off"))
}

/// The form page again with each field's message (422, or 409/429 for conflicts and throttling)
/// when the error is the user's to fix; any other error fails the request.
pub async fn refuse<F, Fut>(
    state: &AppState,
    req: &Req,
    err: AppError,
    render: F,
) -> Result<Response, WebError>
where
    F: FnOnce(minijinja::Value) -> Fut,
    Fut: std::future::Future<Output = Result<Response, WebError>>,
{
    match form_errors(state, req, &err) {
        Some(errors) => Ok(with_status(
            render(crate::views::val(errors)).await?,
            refused_status(&err),
        )),
        None => Err(err.into()),
    }
}

/// A file download (attachment) that no cache keeps.
pub fn download(content_type: &str, file_name: &str, bytes: Vec<u8>) -> Response {
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// The multipart field `file`: (file name, bytes); `None` when it is missing or empty. A body
/// cut off at the upload limit (a chunked one, without `Content-Length`) is the 413 page.
pub async fn uploaded_file(
    multipart: &mut axum::extract::Multipart,
) -> Result<Option<(String, Vec<u8>)>, WebError> {
    let refused = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::TooLarge
        } else {
            WebError::Internal(AppError::Invalid(format!("upload: {e}")))
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(refused)? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("").to_owned();
        let bytes = field.bytes().await.map_err(refused)?;
        return Ok((!bytes.is_empty()).then(|| (name, bytes.to_vec())));
    }
    Ok(None)
}

/// A multipart form read whole: its text fields and its non-empty files.
#[derive(Debug, Default)]
pub struct MultipartForm {
    /// (name, value) of every text field.
    pub fields: Vec<(String, String)>,
    /// (field name, file name, bytes) of every non-empty file.
    pub files: Vec<(String, String, Vec<u8>)>,
}

impl MultipartForm {
    /// The first value of a text field.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The bytes of every file sent in field `name`.
    pub fn files_named(&self, name: &str) -> Vec<Vec<u8>> {
        self.files
            .iter()
            .filter(|(field, _, _)| field == name)
            .map(|(_, _, bytes)| bytes.clone())
            .collect()
    }
}

/// Reads a whole multipart form. A body cut off at the upload limit answers with the 413 page.
pub async fn read_multipart(
    multipart: &mut axum::extract::Multipart,
) -> Result<MultipartForm, Response> {
    let refused = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            crate::web_error::marked(e.status())
        } else {
            WebError::Internal(AppError::Invalid(format!("upload: {e}"))).into_response()
        }
    };
    let mut form = MultipartForm::default();
    while let Some(field) = multipart.next_field().await.map_err(refused)? {
        let name = field.name().unwrap_or("").to_owned();
        match field.file_name().map(str::to_owned) {
            Some(file_name) => {
                let bytes = field.bytes().await.map_err(refused)?;
                if !bytes.is_empty() {
                    form.files.push((name, file_name, bytes.to_vec()));
                }
            }
            None => {
                let text = field.text().await.map_err(refused)?;
                form.fields.push((name, text));
            }
        }
    }
    Ok(form)
}

/// Every non-empty file of the multipart field `name` (an `<input type="file" multiple>`).
pub async fn uploaded_files(
    multipart: &mut axum::extract::Multipart,
    name: &str,
) -> Result<Vec<Vec<u8>>, Response> {
    Ok(read_multipart(multipart).await?.files_named(name))
}

/// `next` when it is a local path (one leading `/`: no `//host` or `/\host` open redirects),
/// else `fallback`.
pub(crate) fn local_path_or<'a>(next: Option<&'a str>, fallback: &'a str) -> &'a str {
    match next {
        // No control characters, spaces or backslashes anywhere: browsers drop tabs and
        // newlines from a Location, which would turn `/\t/host` into `//host`.
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n
                    .chars()
                    .any(|c| c.is_control() || c.is_whitespace() || c == '\\') =>
        {
            n
        }
        _ => fallback,
    }
}
