//! Back-office claims (반품/교환): the queue, one claim with its lines and photos and the steps
//! the state machine allows, and filing a claim for a buyer (outside its window only with a
//! recorded reason).

use super::BackOffice;
use crate::claims::{
    claim_form, claim_form_view, last_open_minute, quote_fragment, quote_view, typed_values,
};
use crate::forms::{flash_conflict, read_multipart, refuse, see_other, t};
use crate::order_views::{claim_view, settled_view};
use crate::session::flash;
use crate::views::{PaginationView, media_url, val};
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Multipart, Path, Query};
use axum::response::Response;
use jangteo_app::AppError;
use jangteo_app::claims::ClaimAction;
use jangteo_core::Won;
use jangteo_core::claims::ClaimStatus;
use jangteo_core::staff::{Access, Area};
use jangteo_media::ThumbSize;
use minijinja::{Value, context};
use serde::Deserialize;

/// `?status=&page=`.
#[derive(Debug, Default, Deserialize)]
pub struct ClaimsQuery {
    status: Option<String>,
    page: Option<u32>,
}

/// GET /admin/claims
pub async fn list(office: BackOffice, Query(q): Query<ClaimsQuery>) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = &office;
    let status = q.status.unwrap_or_else(|| "waiting".to_owned());
    let (list, waiting) = state
        .app
        .admin_claims(&admin.actor, &status, q.page.unwrap_or(1))
        .await?;
    let pagination =
        PaginationView::new(&list, |n| format!("/admin/claims?status={status}&page={n}"));
    let tabs: Vec<Value> = std::iter::once("waiting")
        .chain(ClaimStatus::ALL.iter().map(|s| s.as_str()))
        .chain(std::iter::once("all"))
        .map(|code| {
            let label = match code {
                "waiting" | "all" => t(state, req, &format!("admin.claims_tab.{code}")),
                other => t(state, req, &format!("claim.status.{other}")),
            };
            context! { code => code, label => label, url => format!("/admin/claims?status={code}"), current => code == status }
        })
        .collect();
    office.page("admin/claims.html", "admin.nav.claims", context! {
        claims => list.items.iter().map(|(c, number)| context! {
            number => number, order_url => format!("/admin/orders/{number}"), ..claim_view(state, req, c)
        }).collect::<Vec<_>>(),
        tabs => tabs, waiting => waiting, pagination => val(pagination),
    })
    .await
}

async fn detail_page(office: &BackOffice, id: i64, errors: Value) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = office;
    let d = state.app.admin_claim(&admin.actor, id).await?;
    let can = |to: ClaimStatus| d.claim.status.can_become(to) && d.claim.resolution.allows(to);
    let media = state.app.config.media_url();
    office.page("admin/claim.html", "admin.nav.claims", context! {
        claim => claim_view(state, req, &d.claim),
        number => &d.order.number, order_url => format!("/admin/orders/{}", d.order.number),
        discovered_at => d.claim.discovered_at.map(|x| x.to_rfc3339()),
        deadline_at => last_open_minute(d.claim.deadline_at).to_rfc3339(),
        resolution => d.claim.resolution.as_str(),
        lines => d.lines.iter().map(|(l, units)| context! {
            name => &l.product_name, option_label => &l.option_label, units => units, unit_price => l.unit_price.get(),
        }).collect::<Vec<_>>(),
        photos => d.photos.iter().map(|h| context! {
            thumb => media_url(&media, h, ThumbSize::List), full => media_url(&media, h, ThumbSize::Zoom),
        }).collect::<Vec<_>>(),
        quote => quote_view(Some(&d.quote), Some(d.claim.kind), false),
        suggested_deduction => d.quote.return_fee.get(), max_deduction => d.quote.max_deduction().get(),
        settled => d.refund.as_ref().map(|r| settled_view(r, d.claim.restocked)),
        actions => context! {
            approve => can(ClaimStatus::Approved), reject => can(ClaimStatus::Rejected),
            collected => can(ClaimStatus::Collected),
            refund => can(ClaimStatus::Refunded), exchange => can(ClaimStatus::Exchanged),
        },
        can_write => admin.actor.can(Area::Orders, Access::Write),
        action_url => format!("/admin/claims/{id}"),
        carriers => jangteo_core::carrier::CARRIERS.iter().map(|c| context! {
            code => c.code, name => crate::order_views::carrier_label(state, req, c.code),
        }).collect::<Vec<_>>(),
        errors => errors,
    })
    .await
}

/// GET /admin/claims/{id}
pub async fn show(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    detail_page(&office, id, context! {}).await
}

/// The action form.
#[derive(Debug, Default, Deserialize)]
pub struct ActionFields {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reject_reason: String,
    #[serde(default)]
    deduction: String,
    restock: Option<String>,
    #[serde(default)]
    carrier: String,
    #[serde(default)]
    waybill: String,
}

/// POST /admin/claims/{id}
pub async fn act(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(f): Form<ActionFields>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    let restock = f.restock.is_some();
    let action = match f.action.as_str() {
        "approve" => ClaimAction::Approve,
        "reject" => ClaimAction::Reject(f.reject_reason.clone()),
        "collected" => ClaimAction::Collected,
        "refund" => match jangteo_core::money::parse_typed_amount(&f.deduction) {
            Ok(deduction) => ClaimAction::Refund {
                deduction: Won(deduction.unwrap_or(0)),
                restock,
            },
            Err(_) => {
                let e = AppError::field("deduction", "invalid_deduction");
                return refuse(state, req, e, |errors| detail_page(&office, id, errors)).await;
            }
        },
        "exchange" => ClaimAction::Exchange {
            restock,
            carrier: f.carrier.clone(),
            waybill: jangteo_app::admin::orders::normalise_waybill(&f.waybill)
                .unwrap_or_else(|| f.waybill.clone()),
        },
        _ => return Err(WebError::NotFound),
    };
    let done = state.app.claim_action(&admin.actor, id, &action).await;
    match flash_conflict(session, done).await {
        Ok(Some(())) => {
            let key = format!("admin.flash.claim_{}", f.action);
            flash(session, "success", &key).await;
        }
        Ok(None) => {}
        Err(e) => return refuse(state, req, e, |errors| detail_page(&office, id, errors)).await,
    }
    Ok(see_other(&format!("/admin/claims/{id}")))
}

async fn new_page(
    office: &BackOffice,
    number: &str,
    form: Value,
    errors: Value,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = office;
    let choices = state.app.staff_claim_choices(&admin.actor, number).await?;
    office.page("admin/claim_new.html", "admin.nav.claims", context! {
        claim => claim_form_view(state, req, &choices, &format!("/admin/orders/{number}/claims/quote")),
        delivered => choices.received_at.is_some(),
        number => number, order_url => format!("/admin/orders/{number}"),
        action_url => format!("/admin/orders/{number}/claims"), form => form, errors => errors,
    })
    .await
}

/// GET /admin/orders/{number}/claims/quote: the claim form's quote as typed so far.
pub async fn quote_for_order(
    office: BackOffice,
    Path(number): Path<String>,
    Query(fields): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = &office;
    let choices = state.app.staff_claim_choices(&admin.actor, &number).await?;
    quote_fragment(state, req, &choices, &fields)
}

/// GET /admin/orders/{number}/claims/new
pub async fn new_for_order(
    office: BackOffice,
    Path(number): Path<String>,
) -> Result<Response, WebError> {
    new_page(&office, &number, context! {}, context! {}).await
}

/// POST /admin/orders/{number}/claims (multipart)
pub async fn create_for_order(
    office: BackOffice,
    Path(number): Path<String>,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    let typed = match read_multipart(&mut multipart).await {
        Ok(form) => claim_form(&form),
        Err(response) => return Ok(response),
    };
    match state
        .app
        .staff_file_claim(&admin.actor, &number, &typed)
        .await
    {
        Ok(id) => {
            flash(session, "success", "flash.claim_filed").await;
            Ok(see_other(&format!("/admin/claims/{id}")))
        }
        Err(e) => {
            refuse(state, req, e, |errors| {
                new_page(&office, &number, typed_values(&typed), errors)
            })
            .await
        }
    }
}
