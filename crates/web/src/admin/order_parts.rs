//! The order page's per-line forms: shipping some lines in a parcel of their own, and cancelling
//! some units. Both name lines by `{kind}.{line id}` fields and go through the order's staff
//! action like the rest of the page.

use super::BackOffice;
use super::orders::detail_page;
use crate::forms::{refuse, see_other};
use crate::session::flash;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::Path;
use axum::response::Response;
use jangteo_app::admin::orders::StaffOrderAction;
use minijinja::context;

/// POST /admin/orders/{number}/ship: `carrier`, `waybill` and a `line.{line id}` box per line in
/// the parcel (every line left to ship ticked: the whole order).
pub async fn ship(
    office: BackOffice,
    Path(number): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (carrier, waybill) = (field("carrier"), field("waybill"));
    let lines: Vec<i64> = fields
        .iter()
        .filter_map(|(n, _)| n.strip_prefix("line.")?.parse().ok())
        .collect();
    let action = StaffOrderAction::Ship {
        carrier: carrier.clone(),
        waybill: waybill.clone(),
        // Nothing left to choose (the rest was cancelled): the order itself ships.
        lines: (!fields.iter().any(|(n, _)| n == "whole")).then(|| lines.clone()),
    };
    match state
        .app
        .staff_order_action(&admin.actor, &number, action)
        .await
    {
        Ok(()) => {
            let order = state.app.staff_order(&admin.actor, &number).await?;
            let message = match order.status.as_str() {
                "shipped" => "admin.flash.order_ship",
                _ => "admin.flash.order_ship_part",
            };
            flash(session, "success", message).await;
            Ok(see_other(&format!("/admin/orders/{number}")))
        }
        Err(e) => {
            refuse(state, req, e, |errors| {
                detail_page(
                    &office,
                    &number,
                    context! { carrier => &carrier, waybill => &waybill, ship_lines => &lines },
                    errors,
                )
            })
            .await
        }
    }
}

/// POST /admin/orders/{number}/partial-cancel: `reason` and `units.{line id}` fields.
pub async fn partial_cancel(
    office: BackOffice,
    Path(number): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    let mut reason = String::new();
    let mut picks = Vec::new();
    for (name, value) in &fields {
        if name == "reason" {
            reason = value.clone();
        } else if let Some(id) = name
            .strip_prefix("units.")
            .and_then(|i| i.parse::<i64>().ok())
        {
            let units = value.trim();
            if units.is_empty() {
                continue;
            }
            // An unreadable count is refused like an impossible one.
            picks.push((id, units.parse::<i64>().unwrap_or(-1)));
        }
    }
    let action = StaffOrderAction::PartialCancel {
        reason: reason.clone(),
        picks,
    };
    match state
        .app
        .staff_order_action(&admin.actor, &number, action)
        .await
    {
        Ok(()) => {
            flash(session, "success", "admin.flash.order_partial_cancel").await;
            Ok(see_other(&format!("/admin/orders/{number}")))
        }
        Err(e) => {
            refuse(state, req, e, |errors| {
                detail_page(
                    &office,
                    &number,
                    context! { partial_reason => &reason },
                    errors,
                )
            })
            .await
        }
    }
}
