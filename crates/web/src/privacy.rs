//! The generated privacy policy (개인정보처리방침) and its past versions.

use crate::context::{PageMeta, Req, render};
use crate::state::AppState;
use crate::web_error::WebError;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Utc;
use jangteo_app::privacy_policy::PolicyVersion;
use minijinja::context;

async fn policy_page(
    state: &AppState,
    req: &Req,
    shown: &PolicyVersion,
    current_id: i64,
    versions: &[(i64, chrono::DateTime<Utc>)],
) -> Result<Response, WebError> {
    let mut meta = PageMeta::titled(format!("개인정보처리방침 - {}", state.app.config.shop.name));
    if shown.id != current_id {
        meta.robots = Some("noindex");
    }
    render(
        state,
        req,
        "shop/privacy.html",
        meta,
        "",
        context! {
            policy => crate::views::val(&shown.policy),
            effective_at => shown.effective_at.to_rfc3339(),
            is_current => shown.id == current_id,
            versions => versions.iter().map(|(id, at)| context! {
                id => id, effective_at => at.to_rfc3339(), current => *id == current_id,
                shown => *id == shown.id,
                url => if *id == current_id { "/pages/privacy".to_owned() } else { format!("/pages/privacy/versions/{id}") },
            }).collect::<Vec<_>>(),
        },
    )
    .await
}

/// GET /pages/privacy: the policy in force (a change of configuration or of the owner's text is
/// recorded as a new version the first time it is shown).
pub async fn show_policy(State(state): State<AppState>, req: Req) -> Result<Response, WebError> {
    let (current, versions) = state.app.privacy_policy(state.app.now()).await?;
    policy_page(&state, &req, &current, current.id, &versions).await
}

/// GET /pages/privacy/versions/{id}: an earlier version.
pub async fn show_version(
    State(state): State<AppState>,
    req: Req,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    let (current, versions) = state.app.privacy_policy(state.app.now()).await?;
    let shown = state
        .app
        .privacy_policy_version(id)
        .await?
        .ok_or(WebError::NotFound)?;
    policy_page(&state, &req, &shown, current.id, &versions).await
}
