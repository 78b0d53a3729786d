//! An order's shipments as the buyer's and the staff order pages show them: each parcel's
//! carrier, waybill, tracking link and goods, and the lines still to ship.

use crate::context::Req;
use crate::state::AppState;
use jangteo_app::read_models::{OrderLineRow, OrderRow};
use minijinja::{Value, context};

/// A carrier's name in the page's language; an unknown code as stored.
pub fn carrier_label(state: &AppState, req: &Req, code: &str) -> String {
    match jangteo_core::carrier::carrier(code) {
        Some(c) => crate::forms::t(state, req, &format!("carrier.{}", c.code)),
        None => code.to_owned(),
    }
}

/// `{waiting, shipped_lines, list}`; `list` is empty unless the order shipped in parts.
pub(crate) async fn shipments_view(
    state: &AppState,
    req: &Req,
    order: &OrderRow,
    lines: &[OrderLineRow],
) -> Result<Value, jangteo_app::AppError> {
    let shipments = state.app.order_shipments(order.id).await?;
    let shipped: Vec<i64> = shipments.iter().flat_map(|s| s.line_ids.clone()).collect();
    let waiting = state.app.lines_waiting(order.id, lines).await?;
    let items = |ids: &[i64]| -> Vec<String> {
        lines
            .iter()
            .filter(|l| ids.contains(&l.id))
            .map(|l| match l.option_label.as_str() {
                "" => l.product_name.clone(),
                option => format!("{} ({option})", l.product_name),
            })
            .collect()
    };
    Ok(context! {
        waiting => waiting,
        shipped_lines => shipped,
        list => shipments.iter().map(|s| context! {
            carrier => carrier_label(state, req, &s.carrier),
            waybill => &s.waybill,
            tracking_url => jangteo_core::carrier::tracking_url(&s.carrier, &s.waybill),
            shipped_at => s.shipped_at.to_rfc3339(),
            delivered_at => s.delivered_at.map(|d| d.to_rfc3339()),
            line_ids => &s.line_ids,
            items => items(&s.line_ids),
            dispatch_error => &s.dispatch_error,
        }).collect::<Vec<_>>(),
    })
}
