//! Staff login: password, then a TOTP code (or a recovery code); the first login enrols the
//! authenticator with a QR code and shows the recovery codes once.

use super::{StaffAuth, StaffUser, admin_page};
use crate::auth::ClientIp;
use crate::context::Req;
use crate::device::Device;
use crate::forms::{refuse, see_other};
use crate::session::flash;
use crate::state::AppState;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::Utc;
use jangteo_app::AppError;
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

/// Session key of a login that passed the password step.
const PENDING: &str = "admin.pending";
/// Minutes the second step may take.
const PENDING_MINUTES: i64 = 10;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    staff_id: i64,
    at: i64,
    next: String,
}

/// `?next=…`.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// The password form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// The code form.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

fn safe_admin_next(next: Option<&str>) -> String {
    let next = crate::forms::local_path_or(next, "/admin");
    if next.starts_with("/admin") {
        next.to_owned()
    } else {
        "/admin".to_owned()
    }
}

async fn pending(session: &Session) -> Option<Pending> {
    let p: Pending = session.get(PENDING).await.ok().flatten()?;
    (Utc::now().timestamp() - p.at <= PENDING_MINUTES * 60).then_some(p)
}

async fn login_page(
    state: &AppState,
    req: &Req,
    session: &Session,
    email: &str,
    next: &str,
    errors: Value,
) -> Result<Response, WebError> {
    admin_page(
        state,
        req,
        session,
        None,
        "admin/login.html",
        "admin.login_title",
        context! { form => context! { email => email }, next => next, errors => errors },
    )
    .await
}

/// GET /admin/login
pub async fn show_login(
    State(state): State<AppState>,
    req: Req,
    session: Session,
    auth: StaffAuth,
    Query(q): Query<NextQuery>,
) -> Result<Response, WebError> {
    let next = safe_admin_next(q.next.as_deref());
    if auth.user.is_some() {
        return Ok(see_other(&next));
    }
    login_page(&state, &req, &session, "", &next, context! {}).await
}

/// POST /admin/login
pub async fn submit_password(
    State(state): State<AppState>,
    req: Req,
    session: Session,
    device: Device,
    Form(form): Form<LoginForm>,
) -> Result<Response, WebError> {
    let next = safe_admin_next(form.next.as_deref());
    let result = match state
        .app
        .staff_password_step(&form.email, &form.password, &device.place)
        .await
    {
        Ok(staff) => {
            // A fresh id before the second step; the full login cycles it again.
            session
                .cycle_id()
                .await
                .map_err(|e| WebError::Internal(AppError::Other(format!("session: {e}"))))?;
            session
                .insert(
                    PENDING,
                    Pending {
                        staff_id: staff.id,
                        at: Utc::now().timestamp(),
                        next,
                    },
                )
                .await
                .map_err(|e| WebError::Internal(AppError::Other(format!("session: {e}"))))?;
            Ok(see_other(if staff.totp_enabled_at.is_some() {
                "/admin/login/code"
            } else {
                "/admin/login/enrol"
            }))
        }
        Err(e) => {
            refuse(&state, &req, e, |errors| {
                login_page(&state, &req, &session, &form.email, &next, errors)
            })
            .await
        }
    };
    result.map(|response| device.remember(&state, response))
}

async fn code_page(
    state: &AppState,
    req: &Req,
    session: &Session,
    errors: Value,
) -> Result<Response, WebError> {
    admin_page(
        state,
        req,
        session,
        None,
        "admin/login_code.html",
        "admin.code_title",
        context! { errors => errors },
    )
    .await
}

/// GET /admin/login/code
pub async fn show_code(
    State(state): State<AppState>,
    req: Req,
    session: Session,
) -> Result<Response, WebError> {
    if pending(&session).await.is_none() {
        return Ok(see_other("/admin/login"));
    }
    code_page(&state, &req, &session, context! {}).await
}

async fn finish_login(
    auth: &mut StaffAuth,
    session: &Session,
    staff: jangteo_app::read_models::StaffRow,
) -> Result<(), WebError> {
    let _ = session.remove::<Pending>(PENDING).await;
    auth.login(&StaffUser::from_row(staff))
        .await
        .map_err(|e| WebError::Internal(AppError::Other(format!("staff login: {e}"))))
}

/// POST /admin/login/code
pub async fn submit_code(
    State(state): State<AppState>,
    req: Req,
    session: Session,
    mut auth: StaffAuth,
    device: Device,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    let Some(p) = pending(&session).await else {
        return Ok(see_other("/admin/login"));
    };
    let result = match state
        .app
        .staff_second_factor(p.staff_id, &form.code, &device.place)
        .await
    {
        Ok(staff) => {
            let left = state.app.recovery_codes_left(staff.id).await?;
            finish_login(&mut auth, &session, staff).await?;
            if left <= 2 {
                flash(&session, "info", "admin.flash.few_recovery_codes").await;
            }
            Ok(see_other(&p.next))
        }
        Err(e) => {
            refuse(&state, &req, e, |errors| {
                code_page(&state, &req, &session, errors)
            })
            .await
        }
    };
    result.map(|response| device.remember(&state, response))
}

async fn enrol_page(
    state: &AppState,
    req: &Req,
    session: &Session,
    staff_id: i64,
    errors: Value,
) -> Result<Response, WebError> {
    let enrolment = state.app.begin_totp_enrolment(staff_id).await?;
    admin_page(
        state,
        req,
        session,
        None,
        "admin/login_enrol.html",
        "admin.enrol_title",
        context! {
            secret => in_groups_of_four(&enrolment.secret), otpauth_url => enrolment.url,
            qr => format!("data:image/png;base64,{}", enrolment.qr_png_base64),
            errors => errors,
        },
    )
    .await
}

/// GET /admin/login/enrol (the secret stays the same until it is confirmed or reset).
pub async fn show_enrol(
    State(state): State<AppState>,
    req: Req,
    session: Session,
) -> Result<Response, WebError> {
    let Some(p) = pending(&session).await else {
        return Ok(see_other("/admin/login"));
    };
    match enrol_page(&state, &req, &session, p.staff_id, context! {}).await {
        Err(WebError::Internal(AppError::Conflict("totp_already_enrolled"))) => {
            Ok(see_other("/admin/login/code"))
        }
        other => other,
    }
}

/// POST /admin/login/enrol: confirms the authenticator with its first code, logs in and shows
/// the recovery codes once.
pub async fn submit_enrol(
    State(state): State<AppState>,
    req: Req,
    session: Session,
    mut auth: StaffAuth,
    device: Device,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    let Some(p) = pending(&session).await else {
        return Ok(see_other("/admin/login"));
    };
    let result = match state
        .app
        .confirm_totp_enrolment(p.staff_id, &form.code, &device.place)
        .await
    {
        Ok(codes) => {
            let staff = state
                .app
                .staff_account(p.staff_id)
                .await?
                .ok_or(WebError::NotFound)?;
            finish_login(&mut auth, &session, staff).await?;
            admin_page(
                &state,
                &req,
                &session,
                None,
                "admin/recovery_codes.html",
                "admin.recovery_title",
                context! { codes => codes, next => &p.next },
            )
            .await
        }
        // A wrong first code: the same secret stays; show the page again with the error.
        Err(e) => {
            refuse(&state, &req, e, |errors| {
                enrol_page(&state, &req, &session, p.staff_id, errors)
            })
            .await
        }
    };
    result.map(|response| device.remember(&state, response))
}

/// POST /admin/logout
pub async fn logout(
    State(state): State<AppState>,
    mut auth: StaffAuth,
    ClientIp(ip): ClientIp,
) -> Result<Response, WebError> {
    if let Some(user) = auth.user.clone() {
        let actor = state.app.actor_of(&user.row, &ip)?;
        state.app.staff_logged_out(&actor).await?;
    }
    auth.logout()
        .await
        .map_err(|e| WebError::Internal(AppError::Other(format!("staff logout: {e}"))))?;
    Ok(see_other("/admin/login"))
}

/// "JBSW Y3DP EHPK 3PXP": the key in groups of four, as authenticator apps show and accept it
/// (they ignore the spaces), so the owner can type it without losing their place.
fn in_groups_of_four(secret: &str) -> String {
    secret
        .chars()
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}
