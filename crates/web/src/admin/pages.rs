//! Back-office pages: dashboard, inquiries, notification templates and outbox, the job queue
//! (the audit log is `audit_log`). Every handler checks the role's permission for its area; every change goes
//! through an app function that checks it again and writes the audit entry.

use super::BackOffice;
use crate::forms::with_status;
use crate::forms::{refuse, see_other, t};
use crate::views::{PaginationView, val};
use crate::web_error::WebError;
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::Response;
use jangteo_app::AppError;
use jangteo_core::staff::{Access, Area};
use minijinja::{Value, context};
use serde::Deserialize;

fn change(now: i64, before: i64) -> Value {
    let delta = now - before;
    let percent = (before != 0).then(|| (delta as f64 * 100.0 / before as f64).round() as i64);
    context! { delta => delta, percent => percent, up => delta > 0, down => delta < 0 }
}

/// GET /admin
pub async fn dashboard(office: BackOffice) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = &office;
    let d = state.app.dashboard(&admin.actor, state.app.now()).await?;
    // The demo is a test shop by design: its dashboard does not nag.
    let readiness = if state.app.config.demo_mode {
        Vec::new()
    } else {
        super::settings::readiness_view(state, req, &state.app.readiness().await?)
    };
    let avg = |sales: i64, orders: i64| if orders > 0 { sales / orders } else { 0 };
    let can_see_orders = admin.actor.can(Area::Orders, Access::Read);
    let orders_url =
        |status: &str| can_see_orders.then(|| format!("/admin/orders?status={status}"));
    let gateway = super::settings::gateway_view(state, req, state.app.live_gateway());
    office.page("admin/dashboard.html", "admin.nav.dashboard", context! {
        gateway => gateway,
        today => context! {
            sales => d.today.sales, orders => d.today.orders, average => avg(d.today.sales, d.today.orders),
            sales_change => change(d.today.sales, d.yesterday_same_time.sales),
            orders_change => change(d.today.orders, d.yesterday_same_time.orders),
        },
        yesterday => context! {
            sales => d.yesterday.sales, orders => d.yesterday.orders,
            same_time_sales => d.yesterday_same_time.sales, same_time_orders => d.yesterday_same_time.orders,
        },
        todo => vec![
            context! { label => t(state, req, "admin.todo.awaiting_deposit"), count => d.awaiting_deposit,
                url => orders_url("awaiting_deposit") },
            context! { label => t(state, req, "admin.todo.to_prepare"), count => d.to_prepare, url => orders_url("paid") },
            context! { label => t(state, req, "admin.todo.to_ship"), count => d.to_ship, url => orders_url("preparing") },
            context! { label => t(state, req, "admin.todo.claims"), count => d.open_claims,
                url => can_see_orders.then_some("/admin/claims?status=waiting") },
            context! { label => t(state, req, "admin.todo.refund_accounts"), count => d.missing_refund_accounts.len(),
                url => d.missing_refund_accounts.first().filter(|_| can_see_orders).map(|n| format!("/admin/orders/{n}#refund-account")) },
            context! { label => t(state, req, "admin.todo.inquiries"), count => d.open_inquiries,
                url => admin.actor.can(Area::Inquiries, Access::Read).then_some("/admin/inquiries?status=open") },
        ],
        low_stock => d.low_stock.iter().map(|s| context! {
            code => &s.code, product => &s.product_name, stock => s.stock, url => format!("/products/{}", s.product_slug),
        }).collect::<Vec<_>>(),
        low_stock_threshold => jangteo_app::back_office::LOW_STOCK_THRESHOLD,
        readiness => readiness,
        settings_url => admin.actor.can(Area::Settings, Access::Read).then_some("/admin/settings"),
    })
    .await
}

/// `?status=…&kind=…&page=…`.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    kind: Option<String>,
    pub(super) page: Option<u32>,
    state: Option<String>,
    pub(super) staff: Option<String>,
    pub(super) action: Option<String>,
    pub(super) target: Option<String>,
}

/// GET /admin/inquiries
pub async fn inquiries(
    office: BackOffice,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = &office;
    let status = match q.status.as_deref() {
        Some(s @ ("open" | "answered")) => s,
        Some("all") => "",
        _ => "open",
    };
    let kind = q
        .kind
        .as_deref()
        .filter(|k| matches!(*k, "product" | "personal"))
        .unwrap_or("");
    let list = state
        .app
        .staff_inquiries(&admin.actor, status, kind, q.page.unwrap_or(1), 30)
        .await?;
    let status_param = if status.is_empty() { "all" } else { status };
    let pagination = PaginationView::new(&list, |n| {
        format!("/admin/inquiries?status={status_param}&kind={kind}&page={n}")
    });
    let items: Vec<_> = list
        .items
        .iter()
        .map(|r| crate::inquiries::inquiry_view(state, req, r, true))
        .collect();
    office.page("admin/inquiries.html",
        "inquiry.staff_title",
        context! {
            inquiries => items, pagination => val(pagination), status => status_param, kind => kind,
            open_count => state.app.open_inquiry_count().await?,
        },
    )
    .await
}

async fn inquiry_page(
    office: &BackOffice,
    id: i64,
    draft: Option<&str>,
    errors: Value,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = office;
    let row = state.app.staff_inquiry(&admin.actor, id).await?;
    let draft = draft
        .map(str::to_owned)
        .or_else(|| row.answer.clone())
        .unwrap_or_default();
    let mut view = crate::inquiries::inquiry_view(state, req, &row, true);
    if !admin.actor.can(Area::PersonalData, Access::Read) {
        // Roles without personal-data access see the asker masked.
        view = context! {
            member_email => row.member_email.as_deref().map(jangteo_core::member::mask_email),
            member_name => row.member_name.as_deref().map(jangteo_core::member::mask_name),
            ..view
        };
    }
    office
        .page(
            "admin/inquiry.html",
            "inquiry.staff_title",
            context! {
                inquiry => view, draft => draft, errors => errors,
                can_answer => admin.actor.can(Area::Inquiries, Access::Write),
                action_url => format!("/admin/inquiries/{id}/answer"),
            },
        )
        .await
}

/// GET /admin/inquiries/{id}
pub async fn inquiry(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    inquiry_page(&office, id, None, context! {}).await
}

/// The answer form.
#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
}

/// POST /admin/inquiries/{id}/answer
pub async fn answer_inquiry(
    office: BackOffice,
    Path(id): Path<i64>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, WebError> {
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    match state
        .app
        .answer_inquiry(&admin.actor, id, &form.answer)
        .await
    {
        Ok(first) => {
            let key = if first {
                "admin.flash.answer_sent"
            } else {
                "admin.flash.answer_updated"
            };
            crate::session::flash(session, "success", key).await;
            Ok(see_other(&format!("/admin/inquiries/{id}")))
        }
        Err(e) => {
            refuse(state, req, e, |errors| {
                inquiry_page(&office, id, Some(&form.answer), errors)
            })
            .await
        }
    }
}

/// GET /admin/jobs
pub async fn jobs(office: BackOffice, Query(q): Query<ListQuery>) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    admin.require(Area::Jobs, Access::Read)?;
    let filter = q
        .state
        .as_deref()
        .filter(|s| matches!(*s, "ready" | "running" | "done" | "dead"));
    let overview = state.app.jobs_overview(filter, 100).await?;
    let can_write = admin.actor.can(Area::Jobs, Access::Write);
    office.page("admin/jobs.html", "staff.jobs_title", context! {
        counts => overview.counts.iter().map(|(s, n)| context! { state => s, count => n }).collect::<Vec<_>>(),
        filter => filter,
        jobs => overview.jobs.iter().map(|j| context! {
            id => j.id, kind => &j.kind, state => &j.state, attempts => j.attempts, run_at => j.run_at.to_rfc3339(),
            payload => &j.payload, last_error => &j.last_error, dedupe_key => &j.dedupe_key,
            retry_url => (can_write && j.state == "dead").then(|| format!("/admin/jobs/{}/retry", j.id)),
            discard_url => (can_write && matches!(j.state.as_str(), "dead" | "ready")).then(|| format!("/admin/jobs/{}/discard", j.id)),
        }).collect::<Vec<_>>(),
        schedules => overview.schedules.iter().map(|s| context! {
            name => &s.name, cron => &s.cron,
            last_run => s.last_fire_at.map(|d| d.to_rfc3339()), next_run => s.next_fire_at.map(|d| d.to_rfc3339()),
        }).collect::<Vec<_>>(),
    })
    .await
}

/// POST /admin/jobs/{id}/retry
pub async fn retry_job(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    state.app.retry_job(&admin.actor, id).await?;
    Ok(see_other("/admin/jobs"))
}

/// POST /admin/jobs/{id}/discard
pub async fn discard_job(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    state.app.discard_job(&admin.actor, id).await?;
    Ok(see_other("/admin/jobs"))
}

/// GET /admin/outbox: every recorded message (the `test` adapter's outbox and the log of what
/// real providers took).
pub async fn outbox(office: BackOffice) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    admin.require(Area::Notifications, Access::Read)?;
    let messages = crate::staff::outbox_list(state, 200).await?;
    office
        .page(
            "admin/outbox.html",
            "outbox.title",
            context! { messages => messages },
        )
        .await
}

/// GET /admin/templates
pub async fn templates(office: BackOffice) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    admin.require(Area::Notifications, Access::Read)?;
    let edited = state.app.edited_templates().await?;
    let events: Vec<_> = state
        .app
        .template_events()
        .into_iter()
        .map(|e| {
            let edit = edited.iter().find(|(ev, _, _)| *ev == e);
            context! {
                event => &e, url => format!("/admin/templates/{e}"),
                edited_by => edit.map(|(_, by, _)| by.clone()), edited_at => edit.map(|(_, _, at)| at.to_rfc3339()),
            }
        })
        .collect();
    office
        .page(
            "admin/templates.html",
            "staff.templates_title",
            context! { events => events },
        )
        .await
}

/// The template editor's form.
#[derive(Debug, Deserialize)]
pub struct TemplateForm {
    source: String,
    action: String,
}

#[allow(clippy::too_many_arguments)]
async fn editor(
    office: &BackOffice,
    event: &str,
    source: &str,
    edited: bool,
    preview: Option<jangteo_app::notify::TemplatePreview>,
    error: Option<String>,
    alimtalk: Option<Value>,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = office;
    // Texted events also take an approved AlimTalk template.
    let alimtalk = match alimtalk {
        Some(typed) => Some(typed),
        None if source.contains("block sms") => {
            let registered = state.app.alimtalk_for_editing(&admin.actor, event).await?;
            Some(super::alimtalk::view(&registered, context! {}))
        }
        None => None,
    };
    office.page("admin/template_edit.html", "staff.templates_title", context! {
        event => event, source => source, edited => edited, error => error, alimtalk => alimtalk,
        can_edit => admin.actor.can(Area::Notifications, Access::Write),
        action_url => format!("/admin/templates/{event}"),
        preview => preview.map(|p| context! { subject => p.subject, html => p.html, text => p.text, sms => p.sms }),
    })
    .await
}

/// GET /admin/templates/{event}
pub async fn edit_template(
    office: BackOffice,
    Path(event): Path<String>,
) -> Result<Response, WebError> {
    template_page(&office, &event, None).await
}

/// The template page as stored, with `alimtalk` (what was typed there) when given.
pub(super) async fn template_page(
    office: &BackOffice,
    event: &str,
    alimtalk: Option<Value>,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = office;
    let (source, edited, preview) = state.app.template_for_editing(&admin.actor, event).await?;
    editor(office, event, &source, edited, preview, None, alimtalk).await
}

/// POST /admin/templates/{event}: `action` = `preview`, `save` or `reset`.
pub async fn update_template(
    office: BackOffice,
    Path(event): Path<String>,
    Form(form): Form<TemplateForm>,
) -> Result<Response, WebError> {
    let BackOffice {
        state, req, admin, ..
    } = &office;
    let (_, edited) = state.app.template_source(&event).await?;
    let result = match form.action.as_str() {
        "reset" => {
            state.app.reset_template(&admin.actor, &event).await?;
            return Ok(see_other(&format!("/admin/templates/{event}")));
        }
        "save" => state
            .app
            .save_template(&admin.actor, &event, &form.source)
            .await
            .map(|()| None),
        _ => state
            .app
            .preview_template(&admin.actor, &event, &form.source)
            .await
            .map(Some),
    };
    match result {
        Ok(None) => Ok(see_other(&format!("/admin/templates/{event}"))),
        Ok(Some(preview)) => {
            editor(
                &office,
                &event,
                &form.source,
                edited,
                Some(preview),
                None,
                None,
            )
            .await
        }
        Err(error @ (AppError::Invalid(_) | AppError::Form(_))) => Ok(with_status(
            editor(
                &office,
                &event,
                &form.source,
                edited,
                None,
                Some(match error {
                    AppError::Invalid(message) => message,
                    other => crate::forms::form_errors(state, req, &other)
                        .and_then(|errors| errors.into_values().next())
                        .unwrap_or_default(),
                }),
                None,
            )
            .await?,
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(e.into()),
    }
}
