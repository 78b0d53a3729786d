//! Staff pages before the back office: the jobs page (counts, latest jobs with payload and last
//! error, retry and discard, the schedule) and the outbox, behind HTTP Basic auth with a staff
//! login. The back office (`/admin`, TOTP) will adopt them.

use crate::context::Req;
use crate::errors::WebError;
use crate::forms::{page, see_other};
use crate::router::AppState;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jangteo_app::AppError;
use jangteo_db::staff::StaffRow;
use minijinja::context;
use serde::Deserialize;

/// A handler argument that requires staff credentials (HTTP Basic); others get the browser's
/// login prompt.
pub struct RequireStaff(pub String);

/// The realm of the staff login prompt.
pub(crate) const BASIC_REALM: &str = "Basic realm=\"jangteo staff\", charset=\"UTF-8\"";

/// The e-mail and password of an `Authorization: Basic` header.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    use base64::Engine;
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, pass) = text.split_once(':')?;
    Some((user.to_owned(), pass.to_owned()))
}

/// The active staff member whose credentials the request carries (`None`: missing or wrong).
pub(crate) async fn staff_from_headers(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<StaffRow>, AppError> {
    let Some((email, password)) = basic_credentials(headers) else {
        return Ok(None);
    };
    state.app.authenticate_staff(&email, &password).await
}

impl FromRequestParts<AppState> for RequireStaff {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match staff_from_headers(state, &parts.headers).await {
            Ok(Some(staff)) => Ok(RequireStaff(staff.email)),
            Ok(None) => Err((
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, BASIC_REALM)],
                "staff login required",
            )
                .into_response()),
            Err(e) => Err(WebError::Internal(e).into_response()),
        }
    }
}

/// `?state=dead`.
#[derive(Debug, Deserialize)]
pub struct JobsQuery {
    state: Option<String>,
}

/// GET /staff/jobs
pub async fn show_jobs(
    State(state): State<AppState>,
    req: Req,
    RequireStaff(_): RequireStaff,
    Query(q): Query<JobsQuery>,
) -> Result<Response, WebError> {
    let filter = q
        .state
        .as_deref()
        .filter(|s| matches!(*s, "ready" | "running" | "done" | "dead"));
    let overview = state.app.jobs_overview(filter, 100).await?;
    page(&state, &req, "staff/jobs.html", "staff.jobs_title", context! {
        counts => overview.counts.iter().map(|(s, n)| context! { state => s, count => n }).collect::<Vec<_>>(),
        filter => filter,
        jobs => overview.jobs.iter().map(|j| context! {
            id => j.id, kind => &j.kind, state => &j.state, attempts => j.attempts, run_at => j.run_at.to_rfc3339(),
            payload => &j.payload, last_error => &j.last_error, dedupe_key => &j.dedupe_key,
            retry_url => (j.state == "dead").then(|| format!("/staff/jobs/{}/retry", j.id)),
            discard_url => matches!(j.state.as_str(), "dead" | "ready").then(|| format!("/staff/jobs/{}/discard", j.id)),
        }).collect::<Vec<_>>(),
        schedules => overview.schedules.iter().map(|s| context! {
            name => &s.name, cron => &s.cron,
            last_run => s.last_fire_at.map(|d| d.to_rfc3339()), next_run => s.next_fire_at.map(|d| d.to_rfc3339()),
        }).collect::<Vec<_>>(),
    })
    .await
}

/// POST /staff/jobs/{id}/retry
pub async fn retry_job(
    State(state): State<AppState>,
    RequireStaff(who): RequireStaff,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    if state.app.retry_job(id).await? {
        tracing::info!(job.id = id, staff = %who, "job retried by staff");
    }
    Ok(see_other("/staff/jobs"))
}

/// POST /staff/jobs/{id}/discard
pub async fn discard_job(
    State(state): State<AppState>,
    RequireStaff(who): RequireStaff,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    if state.app.discard_job(id).await? {
        tracing::info!(job.id = id, staff = %who, "job discarded by staff");
    }
    Ok(see_other("/staff/jobs"))
}

/// GET /staff/outbox: every recorded message (the `test` adapter's outbox, and the log of what
/// real providers took).
pub async fn show_outbox(
    State(state): State<AppState>,
    req: Req,
    RequireStaff(_): RequireStaff,
) -> Result<Response, WebError> {
    outbox_page(&state, &req, 200).await
}

/// The outbox page with the latest `limit` messages (staff's and the demo's).
pub(crate) async fn outbox_page(
    state: &AppState,
    req: &Req,
    limit: i64,
) -> Result<Response, WebError> {
    let messages = state.app.recent_messages(limit).await?;
    let list: Vec<_> = messages.iter().map(|m| context! {
        id => m.id, at => m.created_at.to_rfc3339(), event => &m.event, channel => &m.channel,
        recipient => &m.recipient, subject => &m.subject, state => &m.state,
        body_text => &m.body_text, body_html => &m.body_html,
    }).collect();
    page(
        state,
        req,
        "dev/outbox.html",
        "outbox.title",
        context! { messages => list },
    )
    .await
}

/// GET /staff/templates
pub async fn list_templates(
    State(state): State<AppState>,
    req: Req,
    RequireStaff(_): RequireStaff,
) -> Result<Response, WebError> {
    let edited = state.app.edited_templates().await?;
    let events: Vec<_> = state
        .app
        .template_events()
        .into_iter()
        .map(|e| {
            let edit = edited.iter().find(|(ev, _, _)| *ev == e);
            context! {
                event => &e, url => format!("/staff/templates/{e}"),
                edited_by => edit.map(|(_, by, _)| by.clone()), edited_at => edit.map(|(_, _, at)| at.to_rfc3339()),
            }
        })
        .collect();
    page(
        &state,
        &req,
        "staff/templates.html",
        "staff.templates_title",
        context! { events => events },
    )
    .await
}

/// The template editor's form.
#[derive(Debug, Deserialize)]
pub struct TemplateForm {
    source: String,
    action: String,
}

async fn editor(
    state: &AppState,
    req: &Req,
    event: &str,
    source: &str,
    edited: bool,
    preview: Option<jangteo_app::notify::TemplatePreview>,
    error: Option<String>,
) -> Result<Response, WebError> {
    page(state, req, "staff/template_edit.html", "staff.templates_title", context! {
        event => event, source => source, edited => edited, error => error,
        action_url => format!("/staff/templates/{event}"),
        preview => preview.map(|p| context! { subject => p.subject, html => p.html, text => p.text, sms => p.sms }),
    })
    .await
}

/// GET /staff/templates/{event}
pub async fn edit_template(
    State(state): State<AppState>,
    req: Req,
    RequireStaff(_): RequireStaff,
    Path(event): Path<String>,
) -> Result<Response, WebError> {
    let (source, edited) = state.app.template_source(&event).await?;
    let preview = state.app.preview_template(&event, &source).ok();
    editor(&state, &req, &event, &source, edited, preview, None).await
}

/// POST /staff/templates/{event}: `action` = `preview`, `save` or `reset`.
pub async fn update_template(
    State(state): State<AppState>,
    req: Req,
    RequireStaff(who): RequireStaff,
    Path(event): Path<String>,
    axum::Form(form): axum::Form<TemplateForm>,
) -> Result<Response, WebError> {
    let (_, edited) = state.app.template_source(&event).await?;
    let result = match form.action.as_str() {
        "reset" => {
            state.app.reset_template(&event).await?;
            return Ok(see_other(&format!("/staff/templates/{event}")));
        }
        "save" => state
            .app
            .save_template(&event, &form.source, &who)
            .await
            .map(|()| None),
        _ => state.app.preview_template(&event, &form.source).map(Some),
    };
    match result {
        Ok(None) => Ok(see_other(&format!("/staff/templates/{event}"))),
        Ok(Some(preview)) => {
            editor(
                &state,
                &req,
                &event,
                &form.source,
                edited,
                Some(preview),
                None,
            )
            .await
        }
        Err(jangteo_app::AppError::Invalid(message)) => {
            let mut r = editor(
                &state,
                &req,
                &event,
                &form.source,
                edited,
                None,
                Some(message),
            )
            .await?;
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}
