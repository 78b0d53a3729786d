//! 배송완료 in bulk from the order list (shipped orders): each ticked order goes through the
//! same use case as one marked by hand; those that could not be are named in the notice.

use super::BackOffice;
use crate::forms::see_other;
use crate::session::flash_with_detail;
use crate::web_error::WebError;
use axum::Form;
use axum::response::Response;

/// POST /admin/orders/bulk-deliver (`number` for every ticked order)
pub async fn deliver(
    office: BackOffice,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let numbers: Vec<String> = fields
        .into_iter()
        .filter(|(k, _)| k == "number")
        .map(|(_, v)| v.trim().to_uppercase())
        .filter(|v| !v.is_empty())
        .collect();
    let back = "/admin/orders?status=shipped";
    if numbers.is_empty() {
        flash_with_detail(&office.session, "error", "admin.flash.bulk_none", None).await;
        return Ok(see_other(back));
    }
    let outcome = office
        .state
        .app
        .staff_bulk_deliver(&office.admin.actor, &numbers)
        .await?;
    let detail = format!("{}", outcome.done);
    flash_with_detail(
        &office.session,
        "success",
        "admin.flash.bulk_delivered",
        Some(&detail),
    )
    .await;
    if !outcome.refused.is_empty() {
        let refused = outcome.refused.join(", ");
        flash_with_detail(
            &office.session,
            "error",
            "admin.flash.bulk_refused",
            Some(&refused),
        )
        .await;
    }
    Ok(see_other(back))
}
