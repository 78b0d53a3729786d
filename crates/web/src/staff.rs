//! Staff pages before the back office: the jobs page (counts, latest jobs with payload and last
//! error, retry and discard, the schedule) and the outbox, behind HTTP Basic auth with a staff
//! login. The back office (`/admin`, TOTP) will adopt them.

use crate::context::Req;
use crate::errors::WebError;
use crate::forms::{page, see_other};
use crate::orders::basic_credentials;
use crate::router::AppState;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::context;
use serde::Deserialize;

/// A handler argument that requires staff credentials (HTTP Basic); others get the browser's
/// login prompt.
pub struct RequireStaff(pub String);

impl FromRequestParts<AppState> for RequireStaff {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let prompt = || {
            (
                StatusCode::UNAUTHORIZED,
                [(
                    header::WWW_AUTHENTICATE,
                    "Basic realm=\"jangteo staff\", charset=\"UTF-8\"",
                )],
                "staff login required",
            )
                .into_response()
        };
        let Some((email, password)) = basic_credentials(&parts.headers) else {
            return Err(prompt());
        };
        match state.app.authenticate_staff(&email, &password).await {
            Ok(Some(staff)) => Ok(RequireStaff(staff.email)),
            Ok(None) => Err(prompt()),
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
    let messages = state.app.recent_messages(200).await?;
    let list: Vec<_> = messages.iter().map(|m| context! {
        id => m.id, at => m.created_at.to_rfc3339(), event => &m.event, channel => &m.channel,
        recipient => &m.recipient, subject => &m.subject, state => &m.state,
        body_text => &m.body_text, body_html => &m.body_html,
    }).collect();
    page(
        &state,
        &req,
        "dev/outbox.html",
        "outbox.title",
        context! { messages => list },
    )
    .await
}
