//! Staff accounts page (owner): list, add (the first password shown once), role and access
//! changes, 2FA reset, unlocking after failed logins.

use super::BackOffice;
use crate::forms::{checked, refuse, see_other, t};
use crate::session::flash;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::Path;
use axum::response::Response;
use jangteo_core::staff::{Access, Area, Role};
use minijinja::{Value, context};
use serde::Deserialize;

/// The add form.
#[derive(Debug, Default, Deserialize)]
pub struct AddForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
}

/// The change form.
#[derive(Debug, Default, Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    role: String,
    active: Option<String>,
}

async fn staff_page(
    office: &BackOffice,
    form: Value,
    errors: Value,
    created: Option<(String, String)>,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = office;
    let accounts = state.app.staff_accounts(&admin.actor).await?;
    let locked = state.app.locked_staff_ids(&admin.actor).await?;
    let slack = state.app.staff_slack_users(&admin.actor).await?;
    let mut tokens = Vec::new();
    for a in &accounts {
        for tk in state.app.staff_api_tokens(&admin.actor, a.id).await? {
            tokens.push(context! {
                id => tk.id, staff_id => a.id, email => &a.email, name => &tk.name, prefix => &tk.prefix,
                created_by => &tk.created_by, created_at => tk.created_at.to_rfc3339(),
                last_used_at => tk.last_used_at.map(|d| d.to_rfc3339()),
                revoked => tk.revoked_at.is_some(),
            });
        }
    }
    let issued: Option<(String, String)> = form.get_attr("issued_token").ok().and_then(|v| {
        v.as_str().map(|t| {
            (
                form.get_attr("issued_for")
                    .ok()
                    .and_then(|e| e.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                t.to_owned(),
            )
        })
    });
    let roles: Vec<Value> = Role::ALL
        .iter()
        .map(|r| context! { code => r.as_str(), label => t(state, req, &format!("admin.role.{}", r.as_str())) })
        .collect();
    office.page("admin/staff.html", "admin.nav.staff", context! {
        accounts => accounts.iter().map(|a| context! {
            id => a.id, email => &a.email, name => &a.name, role => &a.role,
            role_label => t(state, req, &format!("admin.role.{}", a.role)),
            active => a.is_active, enrolled => a.totp_enabled_at.is_some(),
            last_login_at => a.last_login_at.map(|d| d.to_rfc3339()), last_login_ip => &a.last_login_ip,
            is_me => a.id == admin.row.id, locked => locked.contains(&a.id),
            slack_user_id => slack.get(&a.id),
        }).collect::<Vec<_>>(),
        roles => roles,
        can_write => admin.actor.can(Area::Staff, Access::Write),
        chatops_on => state.app.chatops_on(),
        form => form, errors => errors,
        created => created.map(|(email, password)| context! { email => email, password => password }),
        tokens => tokens,
        issued => issued.map(|(email, token)| context! { email => email, token => token }),
    })
    .await
}

/// GET /admin/staff
pub async fn list(office: BackOffice) -> Result<Response, WebError> {
    staff_page(&office, context! {}, context! {}, None).await
}

/// POST /admin/staff
pub async fn add(office: BackOffice, Form(form): Form<AddForm>) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = &office;
    match state
        .app
        .add_staff_account(&admin.actor, &form.email, &form.name, &form.role)
        .await
    {
        // The password is on this response only: never stored in the clear, never redirected.
        Ok(password) => {
            staff_page(
                &office,
                context! {},
                context! {},
                Some((form.email.trim().to_lowercase(), password)),
            )
            .await
        }
        Err(e) => {
            refuse(state, req, e, |errors| {
                staff_page(
                    &office,
                    context! { email => &form.email, name => &form.name, role => &form.role },
                    errors,
                    None,
                )
            })
            .await
        }
    }
}

/// A change to an account: back to the list with a notice, or the list with the refusal.
async fn changed(
    office: &BackOffice,
    result: Result<(), jangteo_app::AppError>,
) -> Result<Response, WebError> {
    match result {
        Ok(()) => {
            flash(&office.session, "success", "admin.flash.staff_changed").await;
            Ok(see_other("/admin/staff"))
        }
        Err(e) => {
            refuse(&office.state, &office.req, e, |errors| {
                staff_page(office, context! {}, errors, None)
            })
            .await
        }
    }
}

/// POST /admin/staff/{id}
pub async fn change(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(form): Form<ChangeForm>,
) -> Result<Response, WebError> {
    let actor = &office.admin.actor;
    let result = office
        .state
        .app
        .update_staff_account(actor, id, &form.role, checked(&form.active))
        .await;
    changed(&office, result).await
}

/// The Slack link form.
#[derive(Debug, Default, Deserialize)]
pub struct SlackForm {
    #[serde(default)]
    slack_user_id: String,
}

/// POST /admin/staff/{id}/slack: the Slack user whose `/장터` commands act as this account.
pub async fn link_slack(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(form): Form<SlackForm>,
) -> Result<Response, WebError> {
    let actor = &office.admin.actor;
    let result = office
        .state
        .app
        .link_staff_slack(actor, id, &form.slack_user_id)
        .await;
    changed(&office, result).await
}

/// POST /admin/staff/{id}/reset-2fa
pub async fn reset_2fa(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    let BackOffice {
        state,
        session,
        admin,
        ..
    } = &office;
    state.app.reset_staff_account_2fa(&admin.actor, id).await?;
    flash(session, "success", "admin.flash.staff_2fa_reset").await;
    Ok(see_other("/admin/staff"))
}

/// POST /admin/staff/{id}/unlock: clears the account's failed logins.
pub async fn unlock(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    let BackOffice {
        state,
        session,
        admin,
        ..
    } = &office;
    state.app.unlock_staff_account(&admin.actor, id).await?;
    flash(session, "success", "admin.flash.staff_unlocked").await;
    Ok(see_other("/admin/staff"))
}

/// The token form.
#[derive(Debug, Default, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    staff_id: i64,
    #[serde(default)]
    token_name: String,
}

/// POST /admin/staff/tokens: issues a staff API token, shown once on the page that answers.
pub async fn issue_token(
    office: BackOffice,
    Form(form): Form<TokenForm>,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = &office;
    match state
        .app
        .issue_staff_api_token(&admin.actor, form.staff_id, &form.token_name)
        .await
    {
        Ok(token) => {
            let email = state
                .app
                .staff_accounts(&admin.actor)
                .await?
                .into_iter()
                .find(|a| a.id == form.staff_id)
                .map(|a| a.email)
                .unwrap_or_default();
            staff_page(
                &office,
                context! { issued_token => token, issued_for => email },
                context! {},
                None,
            )
            .await
        }
        Err(e) => {
            refuse(state, req, e, |errors| {
                staff_page(
                    &office,
                    context! { token_name => &form.token_name },
                    errors,
                    None,
                )
            })
            .await
        }
    }
}

/// POST /admin/staff/{id}/tokens/{token}/revoke
pub async fn revoke_token(
    office: BackOffice,
    Path((id, token)): Path<(i64, i64)>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        session,
        admin,
        ..
    } = &office;
    state
        .app
        .revoke_staff_api_token(&admin.actor, id, token)
        .await?;
    flash(session, "success", "admin.flash.token_revoked").await;
    Ok(see_other("/admin/staff"))
}
