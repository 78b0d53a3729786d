//! My page › 배송지: the member's address book (add, delete with confirmation, default), and the unsubscribe link that works without login.

use crate::auth::RequireMember;
use crate::context::Req;
use crate::forms::{checked, form_errors, page, refused_status, see_other, with_status};
use crate::session::flash;
use crate::state::AppState;
use crate::views::val;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use jangteo_app::members::AddressInput;
use jangteo_core::member::format_mobile;
use minijinja::context;
use serde::Deserialize;
use tower_sessions::Session;

/// Address form.
#[derive(Debug, Deserialize)]
pub struct AddressForm {
    #[serde(default)]
    label: String,
    #[serde(default)]
    recipient: String,
    #[serde(default)]
    mobile: String,
    #[serde(default)]
    postcode: String,
    #[serde(default)]
    address1: String,
    #[serde(default)]
    address2: String,
    is_default: Option<String>,
}

async fn addresses_page(
    state: &AppState,
    req: &Req,
    member: i64,
    form: Option<&AddressForm>,
    errors: minijinja::Value,
) -> Result<Response, WebError> {
    let rows = state.app.addresses(member).await?;
    let list: Vec<_> = rows.iter().map(|a| context! {
        id => a.id, label => &a.label, recipient => &a.recipient, mobile => format_mobile(&a.mobile),
        postcode => &a.postcode, address1 => &a.address1, address2 => &a.address2, is_default => a.is_default,
        delete_url => format!("/account/addresses/{}/delete", a.id), default_url => format!("/account/addresses/{}/default", a.id),
    }).collect();
    let form = form.map(|f| context! { label => &f.label, recipient => &f.recipient, mobile => &f.mobile,
        postcode => &f.postcode, address1 => &f.address1, address2 => &f.address2, is_default => checked(&f.is_default) });
    page(
        state,
        req,
        "account/addresses.html",
        "account.addresses_title",
        context! {
            addresses => list, form => form.unwrap_or_else(|| context! {}), errors => errors,
        },
    )
    .await
}

/// GET /account/addresses
pub async fn list_addresses(
    State(state): State<AppState>,
    req: Req,
    RequireMember(m): RequireMember,
) -> Result<Response, WebError> {
    addresses_page(&state, &req, m.id, None, context! {}).await
}

/// POST /account/addresses
pub async fn create_address(
    State(state): State<AppState>,
    req: Req,
    session: Session,
    RequireMember(m): RequireMember,
    Form(form): Form<AddressForm>,
) -> Result<Response, WebError> {
    let input = AddressInput {
        label: form.label.clone(),
        recipient: form.recipient.clone(),
        mobile: form.mobile.clone(),
        postcode: form.postcode.clone(),
        address1: form.address1.clone(),
        address2: form.address2.clone(),
        is_default: checked(&form.is_default),
    };
    match state.app.add_address(m.id, &input).await {
        Ok(_) => {
            flash(&session, "success", "flash.address_saved").await;
            Ok(see_other("/account/addresses"))
        }
        Err(e) => match form_errors(&state, &req, &e) {
            Some(errors) => Ok(with_status(
                addresses_page(&state, &req, m.id, Some(&form), val(errors)).await?,
                refused_status(&e),
            )),
            None => Err(e.into()),
        },
    }
}

/// POST /account/addresses/{id}/delete
pub async fn delete_address(
    State(state): State<AppState>,
    session: Session,
    RequireMember(m): RequireMember,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    state.app.delete_address(m.id, id).await?;
    flash(&session, "success", "flash.address_deleted").await;
    Ok(see_other("/account/addresses"))
}

/// POST /account/addresses/{id}/default
pub async fn set_default_address(
    State(state): State<AppState>,
    RequireMember(m): RequireMember,
    Path(id): Path<i64>,
) -> Result<Response, WebError> {
    state.app.set_default_address(m.id, id).await?;
    Ok(see_other("/account/addresses"))
}

/// `?m=…&t=…` of an unsubscribe link (also the confirmation form).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UnsubscribeParams {
    m: i64,
    t: String,
}

/// GET /unsubscribe: asks to confirm (mail clients prefetch links, so GET changes nothing).
pub async fn show_unsubscribe(
    State(state): State<AppState>,
    req: Req,
    Query(q): Query<UnsubscribeParams>,
) -> Result<Response, WebError> {
    let valid = q.m > 0 && q.t.len() == 32 && q.t.chars().all(|c| c.is_ascii_hexdigit());
    page(
        &state,
        &req,
        "account/unsubscribe.html",
        "account.unsubscribe_title",
        context! {
            valid => valid, done => false, member_id => q.m, token => &q.t,
        },
    )
    .await
}

/// POST /unsubscribe
pub async fn create_unsubscribe(
    State(state): State<AppState>,
    req: Req,
    Form(q): Form<UnsubscribeParams>,
) -> Result<Response, WebError> {
    let done = state.app.unsubscribe(q.m, &q.t).await?;
    page(
        &state,
        &req,
        "account/unsubscribe.html",
        "account.unsubscribe_title",
        context! {
            valid => done, done => done, member_id => q.m, token => &q.t,
        },
    )
    .await
}
