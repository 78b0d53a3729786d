//! 본인인증 pages (issue 16): what this session has verified and the button to verify, the page
//! that opens the provider's window, and the return from it, where the shop asks the provider
//! server to server what was verified. The browser's word (`code`, `message`) is never taken.

use crate::auth::AuthSession;
use crate::context::Req;
use crate::forms::{local_path_or, page, see_other};
use crate::session::{
    flash, identity_proof, keep_identity_attempt, keep_identity_proof, take_identity_attempt,
};
use crate::state::AppState;
use crate::views::encode_component;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use jangteo_app::AppError;
use jangteo_app::identity::IdentityWindow;
use jangteo_core::identity::IdentityNeeds;
use minijinja::context;
use serde::Deserialize;
use tower_sessions::Session;

/// Where to go once verified; `again` asks a new verification even when this session has one
/// (seeing PINs needs a fresh one, perhaps of another mobile).
#[derive(Debug, Default, Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    again: Option<String>,
}

/// A field of the provider's return.
fn returned<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// GET /identity: this session's 본인인증, or the button to verify.
pub async fn show(
    State(state): State<AppState>,
    req: Req,
    auth: AuthSession,
    session: Session,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    let member_id = auth.user.as_ref().map(|m| m.id);
    let proof = identity_proof(&session).await.filter(|_| q.again.is_none());
    let verified = state
        .app
        .session_identity(proof.as_ref(), member_id)
        .await?
        .map(|v| {
            context! {
                name => jangteo_core::member::mask_name(&v.name),
                birth_year => v.birth_date.map(|b| b.format("%Y").to_string()),
                at => jangteo_core::time::format_kst(v.verified_at),
            }
        });
    let next = local_path_or(q.next.as_deref(), "/").to_owned();
    page(
        &state,
        &req,
        "identity/verify.html",
        "identity.title",
        context! {
            verified => verified,
            available => state.app.identity_available().await?,
            next => next,
        },
    )
    .await
}

/// POST /identity: starts an attempt and opens the provider's window from our page.
pub async fn start(
    State(state): State<AppState>,
    req: Req,
    auth: AuthSession,
    session: Session,
    Form(q): Form<NextQuery>,
) -> Result<Response, WebError> {
    let member_id = auth.user.as_ref().map(|m| m.id);
    let next = local_path_or(q.next.as_deref(), "/").to_owned();
    let return_url = format!("{}/identity/return", state.app.config.base_url());
    let started = match state
        .app
        .start_identity_verification(member_id, &return_url)
        .await
    {
        Ok(started) => started,
        Err(AppError::Conflict(code)) => {
            flash(&session, "error", &format!("error.conflict.{code}")).await;
            return Ok(see_other(&format!(
                "/identity?next={}",
                encode_component(&next)
            )));
        }
        Err(e) => return Err(e.into()),
    };
    keep_identity_attempt(&session, &started.proof, &next).await;
    let back = format!("/identity?next={}", encode_component(&next));
    let (window, origins) = match started.window {
        IdentityWindow::PortOneSdk {
            sdk_url,
            params,
            origins,
        } => (
            context! { sdk_url => sdk_url, params => params.to_string() },
            origins,
        ),
        IdentityWindow::FormPost { action, fields } => {
            let fields: Vec<_> = fields
                .iter()
                .map(|(name, value)| context! { name => name, value => value })
                .collect();
            (context! { action => action, fields => fields }, Vec::new())
        }
    };
    let context = context! { window => window, back => back };
    let mut response = page(
        &state,
        &req,
        "identity/window.html",
        "identity.title",
        context,
    )
    .await?;
    crate::payment_window::let_in_origins(&mut response, &origins);
    Ok(response)
}

/// POST /identity/demo-window: the demo shop's 본인인증 window, where any person may be typed
/// (demo mode only: a shop started with `serve` answers 404).
pub async fn demo_window(State(state): State<AppState>, req: Req) -> Result<Response, WebError> {
    if !state.app.config.demo_mode {
        return Err(WebError::NotFound);
    }
    page(
        &state,
        &req,
        "payments/identity_demo.html",
        "identity.demo_title",
        context! {},
    )
    .await
}

/// GET /identity/return: the window came back; what the provider verified is read and kept
/// for this session.
pub async fn finish(
    State(state): State<AppState>,
    auth: AuthSession,
    session: Session,
    // The attempt it names (PortOne) and everything it brought (NICE's sealed answer, read by
    // the provider's adapter, never taken at its word).
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let member_id = auth.user.as_ref().map(|m| m.id);
    // PortOne names the attempt; NICE's window names nothing readable, so the session's
    // attempt is the one (its sealed answer is checked against that attempt's key).
    let named = returned(&q, "identityVerificationId");
    let Some((proof, next)) = take_identity_attempt(&session)
        .await
        .filter(|(p, _)| named.is_none_or(|id| p.verification_id == id))
    else {
        flash(&session, "error", "error.conflict.identity_lost").await;
        return Ok(see_other("/identity"));
    };
    match state
        .app
        .complete_identity_verification(&proof, member_id, &q)
        .await
    {
        Ok(_) => {
            keep_identity_proof(&session, &proof).await;
            flash(&session, "success", "flash.identity_verified").await;
            Ok(see_other(&next))
        }
        Err(AppError::Conflict(code)) => {
            if code == "identity_pending" {
                // Not finished at the provider yet: the same attempt may still complete.
                keep_identity_attempt(&session, &proof, &next).await;
            }
            flash(&session, "error", &format!("error.conflict.{code}")).await;
            Ok(see_other(&format!(
                "/identity?next={}",
                encode_component(&next)
            )))
        }
        Err(AppError::NotFound) => {
            flash(&session, "error", "error.conflict.identity_lost").await;
            Ok(see_other("/identity"))
        }
        Err(e) => Err(e.into()),
    }
}

/// Whether the 본인인증 this session completed meets `needs` (the app's one rule).
async fn this_session_meets(
    state: &AppState,
    auth: &AuthSession,
    session: &Session,
    needs: IdentityNeeds,
) -> Result<(), AppError> {
    let proof = identity_proof(session).await;
    let member_id = auth.user.as_ref().map(|m| m.id);
    state
        .app
        .check_buyer_identity(needs, proof.as_ref(), member_id)
        .await
}

/// Where a buyer goes first when the cart asks a 본인인증 this session lacks: to verify, or
/// back to the cart when verified but too young (`None`: on to checkout).
pub(crate) async fn identity_detour(
    state: &AppState,
    auth: &AuthSession,
    session: &Session,
    lines: &[jangteo_app::cart::CartLineView],
) -> Result<Option<Response>, WebError> {
    let needs = state.app.identity_needs(lines).await?;
    match this_session_meets(state, auth, session, needs).await {
        Ok(()) => Ok(None),
        Err(AppError::Conflict("identity_required")) => {
            flash(session, "info", "error.conflict.identity_required").await;
            Ok(Some(see_other("/identity?next=%2Fcheckout")))
        }
        Err(AppError::Conflict(code)) => {
            flash(session, "error", &format!("error.conflict.{code}")).await;
            Ok(Some(see_other("/cart")))
        }
        Err(e) => Err(e.into()),
    }
}

/// The page a 19세 product shows instead of itself until this session verified an adult
/// (`None`: show the product).
pub(crate) async fn adult_gate(
    state: &AppState,
    req: &Req,
    auth: &AuthSession,
    session: &Session,
    here: &str,
) -> Result<Option<Response>, WebError> {
    let needs = IdentityNeeds {
        adults_only: true,
        ..IdentityNeeds::default()
    };
    let refused = match this_session_meets(state, auth, session, needs).await {
        Ok(()) => return Ok(None),
        Err(AppError::Conflict("identity_required")) => false,
        Err(AppError::Conflict(_)) => true,
        Err(e) => return Err(e.into()),
    };
    let context = context! {
        refused => refused,
        available => state.app.identity_available().await?,
        next => here,
    };
    let gate = page(
        state,
        req,
        "identity/adult_gate.html",
        "identity.adult_title",
        context,
    );
    Ok(Some(gate.await?))
}
