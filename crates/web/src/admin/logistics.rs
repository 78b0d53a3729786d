//! 출고 연동 (under 주문 관리): the paid orders waiting, each logistics partner's outbound sheet
//! (handing them off downloads it), its earlier sheets, and what its waybill files did.

use super::BackOffice;
use crate::forms::{download, see_other};
use crate::session::flash;
use crate::web_error::WebError;
use axum::extract::Path;
use axum::response::Response;
use jangteo_app::AppError;
use jangteo_core::staff::{Access, Area};
use minijinja::{Value, context};

/// GET /admin/logistics
pub async fn show(office: BackOffice) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    let (ready, partners) = state.app.logistics_overview(&admin.actor).await?;
    let partners: Vec<Value> = partners
        .iter()
        .map(|p| {
            let pull = &p.last_pull;
            context! {
                code => &p.code, name => &p.name,
                columns => p.columns.as_ref().ok(), column_error => p.columns.as_ref().err(),
                watches_folder => p.watches_folder,
                handoff_url => format!("/admin/logistics/{}/handoff", p.code),
                batches => p.batches.iter().map(|b| context! {
                    batch => &b.batch, handed_at => b.handed_at.to_rfc3339(), orders => b.orders,
                    url => format!("/admin/logistics/{}/batches/{}", p.code, b.batch),
                }).collect::<Vec<_>>(),
                pulled_at => pull.at.map(|at| at.to_rfc3339()), files => pull.files,
                shipped => pull.shipped,
                problems => pull.problems.iter().map(|(file, line, number, problem)| context! {
                    file => file, line => line, number => number, problem => problem,
                }).collect::<Vec<_>>(),
            }
        })
        .collect();
    office
        .page(
            "admin/logistics.html",
            "admin.nav.logistics",
            context! {
                ready => ready, partners => partners,
                can_write => admin.actor.can(Area::Orders, Access::Write),
            },
        )
        .await
}

/// POST /admin/logistics/{code}/handoff: the outbound sheet of the orders handed off now.
pub async fn hand_off(office: BackOffice, Path(code): Path<String>) -> Result<Response, WebError> {
    match office.state.app.hand_off(&office.admin.actor, &code).await {
        Ok(sheet) => Ok(download(
            sheet.format.content_type(),
            &sheet.file_name,
            sheet.bytes,
        )),
        Err(AppError::Conflict("nothing_to_hand_off")) => {
            flash(&office.session, "error", "admin.flash.nothing_to_hand_off").await;
            Ok(see_other("/admin/logistics"))
        }
        Err(e) => Err(e.into()),
    }
}

/// GET /admin/logistics/{code}/batches/{batch}: an earlier outbound sheet again.
pub async fn batch(
    office: BackOffice,
    Path((code, batch)): Path<(String, String)>,
) -> Result<Response, WebError> {
    let sheet = office
        .state
        .app
        .outbound_sheet_again(&office.admin.actor, &code, &batch)
        .await?;
    Ok(download(
        sheet.format.content_type(),
        &sheet.file_name,
        sheet.bytes,
    ))
}
