//! Kakao and Naver login pages (issue 17): the start (a fresh `state` and `nonce` kept in the
//! session), the provider's return (the `state` must be this session's, used once), the
//! first-login form for the consents and details the provider did not give, the password step
//! that links an e-mail already in use, and My page › SNS 연결.

use crate::auth::{AuthSession, RequireMember, safe_next};
use crate::context::Req;
use crate::device::Device;
use crate::forms::{checked, form_errors, page, refused_status, see_other, with_status};
use crate::session::flash;
use crate::state::AppState;
use crate::views::val;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use jangteo_app::AppError;
use jangteo_app::social_login::{PendingSocial, SocialJoinInput, SocialOutcome};
use jangteo_core::social::{SocialConsents, SocialProvider};
use minijinja::context;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

const ATTEMPT: &str = "social_attempt";
const PENDING: &str = "social_pending";

/// What the session keeps while the browser is at the provider.
#[derive(Serialize, Deserialize)]
struct Attempt {
    provider: SocialProvider,
    state: String,
    nonce: String,
    /// Linking to the logged-in member (My page) rather than logging in.
    link: bool,
    next: String,
}

fn provider_of(slug: &str) -> Result<SocialProvider, WebError> {
    SocialProvider::parse(slug).ok_or(WebError::NotFound)
}

async fn go_to_provider(
    state: &AppState,
    session: &Session,
    provider: SocialProvider,
    link: bool,
    next: &str,
) -> Result<Response, WebError> {
    let start = state.app.start_social_login(provider)?;
    let attempt = Attempt {
        provider,
        state: start.state,
        nonce: start.nonce,
        link,
        next: next.to_owned(),
    };
    session
        .insert(ATTEMPT, &attempt)
        .await
        .map_err(|e| WebError::Internal(AppError::Other(format!("session: {e}"))))?;
    Ok(see_other(&start.url))
}

/// `?next=`.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// GET /account/login/{provider}: off to Kakao or Naver.
pub async fn start_login(
    State(state): State<AppState>,
    session: Session,
    Path(slug): Path<String>,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    let next = safe_next(q.next.as_deref()).to_owned();
    go_to_provider(&state, &session, provider_of(&slug)?, false, &next).await
}

/// POST /account/social/{provider}/link: a logged-in member links an account.
pub async fn start_link(
    State(state): State<AppState>,
    session: Session,
    RequireMember(_): RequireMember,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    go_to_provider(
        &state,
        &session,
        provider_of(&slug)?,
        true,
        "/account/social",
    )
    .await
}

/// What the provider sends the browser back with.
#[derive(Debug, Deserialize)]
pub struct Returned {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// GET /account/login/{provider}/callback
pub async fn callback(
    State(state): State<AppState>,
    mut auth: AuthSession,
    session: Session,
    Path(slug): Path<String>,
    Query(back): Query<Returned>,
) -> Result<Response, WebError> {
    let provider = provider_of(&slug)?;
    let attempt = session.remove::<Attempt>(ATTEMPT).await.ok().flatten();
    let fail_to = if attempt.as_ref().is_some_and(|a| a.link) {
        "/account/social"
    } else {
        "/account/login"
    };
    // One attempt per start, for this provider, with the state it was sent with.
    let Some(attempt) = attempt
        .filter(|a| a.provider == provider && back.state.as_deref() == Some(a.state.as_str()))
    else {
        flash(&session, "error", "error.conflict.social_lost").await;
        return Ok(see_other(fail_to));
    };
    let Some(code) = back.code.filter(|_| back.error.is_none()) else {
        flash(&session, "info", "flash.social_cancelled").await;
        return Ok(see_other(fail_to));
    };
    let pending = match state
        .app
        .finish_social_login(provider, &code, &attempt.state, &attempt.nonce)
        .await
    {
        Ok(pending) => pending,
        Err(AppError::Conflict(code)) => {
            flash(&session, "error", &format!("error.conflict.{code}")).await;
            return Ok(see_other(fail_to));
        }
        Err(e) => return Err(e.into()),
    };
    if attempt.link {
        return link_to_member(&state, &auth, &session, &pending).await;
    }
    match state.app.social_entry(pending).await? {
        SocialOutcome::LoggedIn(member) => {
            crate::account::log_in_member(&state, &mut auth, &session, &member).await?;
            Ok(see_other(safe_next(Some(&attempt.next))))
        }
        SocialOutcome::Join(pending) => {
            keep_pending(&session, &pending, &attempt.next).await?;
            Ok(see_other("/account/social/join"))
        }
        SocialOutcome::ProvePassword(pending) => {
            keep_pending(&session, &pending, &attempt.next).await?;
            Ok(see_other("/account/social/connect"))
        }
    }
}

async fn link_to_member(
    state: &AppState,
    auth: &AuthSession,
    session: &Session,
    pending: &PendingSocial,
) -> Result<Response, WebError> {
    let Some(member) = &auth.user else {
        return Ok(see_other("/account/login?next=/account/social"));
    };
    match state.app.link_social(member.id, pending).await {
        Ok(()) => flash(session, "success", "flash.social_linked").await,
        Err(AppError::Conflict(code)) => {
            flash(session, "error", &format!("error.conflict.{code}")).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(see_other("/account/social"))
}

async fn keep_pending(
    session: &Session,
    pending: &PendingSocial,
    next: &str,
) -> Result<(), WebError> {
    session
        .insert(PENDING, (pending, next))
        .await
        .map_err(|e| WebError::Internal(AppError::Other(format!("session: {e}"))))
}

async fn pending_login(session: &Session) -> Option<(PendingSocial, String)> {
    session.get(PENDING).await.ok().flatten()
}

/// The first-login form.
#[derive(Debug, Default, Deserialize)]
pub struct JoinForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    mobile: String,
    confirm_age: Option<String>,
    agree_terms: Option<String>,
    agree_privacy: Option<String>,
    agree_marketing: Option<String>,
}

async fn join_page(
    state: &AppState,
    req: &Req,
    pending: &PendingSocial,
    form: &JoinForm,
    errors: minijinja::Value,
) -> Result<Response, WebError> {
    let given = pending.profile.given_consents();
    page(
        state,
        req,
        "account/social_join.html",
        "account.social_join_title",
        context! {
            provider => pending.profile.provider.slug(),
            form => context! { email => &form.email, name => &form.name, mobile => &form.mobile,
                confirm_age => checked(&form.confirm_age), agree_terms => checked(&form.agree_terms),
                agree_privacy => checked(&form.agree_privacy), agree_marketing => checked(&form.agree_marketing) },
            given => context! { terms => given.terms, privacy => given.privacy, over_14 => given.over_14 },
            address => pending.profile.address.as_ref().map(|a| format!("{} {}", a.address1, a.address2)),
            errors => errors,
            privacy_url => "/pages/privacy",
        },
    )
    .await
}

/// GET /account/social/join
pub async fn new_join(
    State(state): State<AppState>,
    req: Req,
    session: Session,
) -> Result<Response, WebError> {
    let Some((pending, _)) = pending_login(&session).await else {
        return Ok(see_other("/account/login"));
    };
    let p = &pending.profile;
    let form = JoinForm {
        email: p.email.clone().unwrap_or_default(),
        name: p.display_name().unwrap_or_default().to_owned(),
        mobile: p.mobile.clone().unwrap_or_default(),
        ..JoinForm::default()
    };
    join_page(&state, &req, &pending, &form, context! {}).await
}

/// POST /account/social/join
pub async fn create_join(
    State(state): State<AppState>,
    req: Req,
    mut auth: AuthSession,
    session: Session,
    Form(form): Form<JoinForm>,
) -> Result<Response, WebError> {
    let Some((pending, next)) = pending_login(&session).await else {
        return Ok(see_other("/account/login"));
    };
    let input = SocialJoinInput {
        email: form.email.clone(),
        name: form.name.clone(),
        mobile: form.mobile.clone(),
        consents: SocialConsents {
            terms: checked(&form.agree_terms),
            privacy: checked(&form.agree_privacy),
            over_14: checked(&form.confirm_age),
        },
        agree_marketing: checked(&form.agree_marketing),
    };
    match state.app.join_with_social(&pending, &input).await {
        Ok(member) => {
            let _ = session.remove::<serde_json::Value>(PENDING).await;
            crate::account::log_in_member(&state, &mut auth, &session, &member).await?;
            flash(&session, "success", "flash.signed_up").await;
            Ok(see_other(safe_next(Some(&next))))
        }
        Err(e) => match form_errors(&state, &req, &e) {
            Some(errors) => Ok(with_status(
                join_page(&state, &req, &pending, &form, val(errors)).await?,
                refused_status(&e),
            )),
            None => Err(e.into()),
        },
    }
}

/// The password step's form.
#[derive(Debug, Deserialize)]
pub struct ConnectForm {
    #[serde(default)]
    password: String,
}

async fn connect_page(
    state: &AppState,
    req: &Req,
    pending: &PendingSocial,
    errors: minijinja::Value,
) -> Result<Response, WebError> {
    page(
        state,
        req,
        "account/social_connect.html",
        "account.social_connect_title",
        context! {
            provider => pending.profile.provider.slug(),
            email => pending.profile.email.as_deref().unwrap_or_default(),
            errors => errors,
        },
    )
    .await
}

/// GET /account/social/connect
pub async fn new_connect(
    State(state): State<AppState>,
    req: Req,
    session: Session,
) -> Result<Response, WebError> {
    match pending_login(&session).await {
        Some((pending, _)) if pending.profile.email.is_some() => {
            connect_page(&state, &req, &pending, context! {}).await
        }
        _ => Ok(see_other("/account/login")),
    }
}

/// POST /account/social/connect
pub async fn create_connect(
    State(state): State<AppState>,
    req: Req,
    mut auth: AuthSession,
    session: Session,
    device: Device,
    Form(form): Form<ConnectForm>,
) -> Result<Response, WebError> {
    let Some((pending, next)) = pending_login(&session).await else {
        return Ok(see_other("/account/login"));
    };
    let linked = state
        .app
        .link_social_with_password(&pending, &form.password, &device.place)
        .await;
    let result = match linked {
        Ok(member) => {
            let _ = session.remove::<serde_json::Value>(PENDING).await;
            crate::account::log_in_member(&state, &mut auth, &session, &member).await?;
            flash(&session, "success", "flash.social_linked").await;
            Ok(see_other(safe_next(Some(&next))))
        }
        Err(e) => match form_errors(&state, &req, &e) {
            Some(errors) => Ok(with_status(
                connect_page(&state, &req, &pending, val(errors)).await?,
                refused_status(&e),
            )),
            None => Err(e.into()),
        },
    };
    result.map(|response| device.remember(&state, response))
}

/// GET /account/social: the member's linked accounts.
pub async fn list(
    State(state): State<AppState>,
    req: Req,
    RequireMember(m): RequireMember,
) -> Result<Response, WebError> {
    let links: Vec<minijinja::Value> = state
        .app
        .social_links(m.id)
        .await?
        .into_iter()
        .map(|l| {
            context! {
                provider => l.provider,
                linked_at => l.linked_at.map(jangteo_core::time::format_kst),
            }
        })
        .collect();
    page(
        &state,
        &req,
        "account/social.html",
        "account.nav_social",
        context! { links => links },
    )
    .await
}

/// POST /account/social/{provider}/unlink
pub async fn unlink(
    State(state): State<AppState>,
    session: Session,
    RequireMember(m): RequireMember,
    Path(slug): Path<String>,
) -> Result<Response, WebError> {
    match state.app.unlink_social(m.id, provider_of(&slug)?).await {
        Ok(()) => flash(&session, "success", "flash.social_unlinked").await,
        Err(AppError::Conflict(code)) => {
            flash(&session, "error", &format!("error.conflict.{code}")).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(see_other("/account/social"))
}
