//! 판매 채널 (under 주문 관리): each marketplace's connection and last import, the orders
//! imported with their waybills' way back, the orders that could not be imported, and "지금
//! 가져오기".

use super::BackOffice;
use crate::forms::{see_other, t};
use crate::session::{flash, flash_with_detail};
use crate::web_error::WebError;
use axum::response::Response;
use jangteo_app::AppError;
use jangteo_core::channels::Marketplace;
use jangteo_core::staff::{Access, Area};
use minijinja::{Value, context};

fn channel_name(code: &str) -> &'static str {
    Marketplace::from_code(code).map_or("", Marketplace::korean_name)
}

/// GET /admin/channels
pub async fn show(office: BackOffice) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = &office;
    let overview = state.app.admin_channels(&admin.actor).await?;
    let channels: Vec<Value> = overview
        .channels
        .iter()
        .map(|c| {
            let run = &c.last_run;
            context! {
                code => c.marketplace.code(), name => c.marketplace.korean_name(),
                configured => c.configured, ran_at => run.at.map(|at| at.to_rfc3339()),
                imported => run.imported, refused => run.refused, error => &run.error,
            }
        })
        .collect();
    let recent: Vec<Value> = overview
        .recent
        .iter()
        .map(|o| {
            let link = &o.link;
            context! {
                number => &o.number, url => format!("/admin/orders/{}", o.number),
                channel => channel_name(&link.marketplace), external_id => &link.external_id,
                imported_at => link.imported_at.to_rfc3339(), stock_short => link.stock_short,
                status_label => t(state, req, &format!("order.status.{}", o.status)),
                dispatched_at => link.dispatched_at.map(|at| at.to_rfc3339()),
                dispatch_error => &link.dispatch_error,
            }
        })
        .collect();
    let problems: Vec<Value> = overview
        .problems
        .iter()
        .map(|p| {
            context! {
                channel => channel_name(&p.marketplace), external_id => &p.external_id,
                problem => &p.problem, seen_at => p.seen_at.to_rfc3339(),
            }
        })
        .collect();
    let stock_problems: Vec<Value> = overview
        .stock_problems
        .iter()
        .map(|p| {
            context! {
                channel => channel_name(&p.marketplace), listing => &p.item_id,
                sku_code => &p.sku_code, error => &p.push_error,
            }
        })
        .collect();
    office
        .page(
            "admin/channels.html",
            "admin.nav.channels",
            context! {
                channels => channels, recent => recent, problems => problems,
                stock_problems => stock_problems,
                can_import => admin.actor.can(Area::Orders, Access::Write)
                    && overview.channels.iter().any(|c| c.configured),
                can_upload => admin.actor.can(Area::Orders, Access::Write),
                sheet_columns => jangteo_app::channels::sheet::COLUMNS.join(", "),
            },
        )
        .await
}

/// POST /admin/channels/sheet (multipart `file`): another channel's orders from a sheet.
pub async fn import_sheet(
    office: BackOffice,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, WebError> {
    let Some((name, bytes)) = crate::forms::uploaded_file(&mut multipart).await? else {
        flash(&office.session, "error", "error.input.required").await;
        return Ok(see_other("/admin/channels"));
    };
    let app = &office.state.app;
    match app
        .staff_import_channel_sheet(&office.admin.actor, &name, &bytes)
        .await
    {
        Ok(done) => {
            let detail = format!("{} / {} / {}", done.imported, done.known, done.refused);
            let key = "admin.flash.channel_sheet_imported";
            flash_with_detail(&office.session, "success", key, Some(&detail)).await;
        }
        Err(AppError::Form(errors)) => {
            let code = errors.first().map_or("invalid", |(_, code)| *code);
            flash(&office.session, "error", &format!("error.input.{code}")).await;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(see_other("/admin/channels"))
}

/// POST /admin/channels/import
pub async fn import(office: BackOffice) -> Result<Response, WebError> {
    let imported = office
        .state
        .app
        .staff_import_channel_orders(&office.admin.actor)
        .await?;
    let detail = imported.to_string();
    flash_with_detail(
        &office.session,
        "success",
        "admin.flash.channel_imported",
        Some(&detail),
    )
    .await;
    Ok(see_other("/admin/channels"))
}
