//! 웹훅 (under 설정): integrations' endpoints with the events they take, the secret shown once
//! when one is added, stop/resume, and the latest deliveries with redelivery.

use super::BackOffice;
use crate::forms::{refuse, see_other};
use crate::session::flash;
use crate::web_error::WebError;
use axum::Form;
use axum::extract::Path;
use axum::response::Response;
use jangteo_core::staff::{Access, Area};
use jangteo_core::webhooks::WEBHOOK_EVENTS;
use minijinja::{Value, context};

async fn webhooks_page(
    office: &BackOffice,
    typed: Value,
    secret: Option<String>,
    errors: Value,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = office;
    let (endpoints, deliveries) = state.app.webhooks_page(&admin.actor).await?;
    let url_of = |id: i64| {
        endpoints
            .iter()
            .find(|e| e.id == id)
            .map_or(String::new(), |e| e.url.clone())
    };
    office
        .page(
            "admin/webhooks.html",
            "admin.nav.webhooks",
            context! {
                events => WEBHOOK_EVENTS, typed => typed, secret => secret, errors => errors,
                can_write => admin.actor.can(Area::Settings, Access::Write),
                endpoints => endpoints.iter().map(|e| context! {
                    id => e.id, url => &e.url, active => e.active, created_at => e.created_at.to_rfc3339(),
                    events => e.events.split(',').map(str::to_owned).collect::<Vec<_>>(), created_by => &e.created_by,
                }).collect::<Vec<_>>(),
                deliveries => deliveries.iter().map(|d| context! {
                    id => d.id, event => &d.event, url => url_of(d.endpoint_id), state => &d.state,
                    attempts => d.attempts, last_status => d.last_status, last_error => &d.last_error,
                    created_at => d.created_at.to_rfc3339(), message_id => &d.message_id,
                }).collect::<Vec<_>>(),
            },
        )
        .await
}

/// GET /admin/webhooks
pub async fn show(office: BackOffice) -> Result<Response, WebError> {
    let secret = office
        .session
        .remove::<String>("webhook_secret")
        .await
        .ok()
        .flatten();
    webhooks_page(&office, context! {}, secret, context! {}).await
}

/// POST /admin/webhooks (`url`, an `event` per ticked event)
pub async fn add(
    office: BackOffice,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let url = fields
        .iter()
        .find(|(k, _)| k == "url")
        .map_or("", |(_, v)| v.as_str());
    let ticked: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| k == "event")
        .map(|(_, v)| v.as_str())
        .collect();
    let BackOffice {
        state,
        req,
        session,
        admin,
    } = &office;
    match state
        .app
        .add_webhook_endpoint(&admin.actor, url, &ticked)
        .await
    {
        Ok(secret) => {
            // Shown once, on the next page, then gone from the session.
            let _ = session.insert("webhook_secret", secret).await;
            flash(session, "success", "admin.flash.webhook_added").await;
            Ok(see_other("/admin/webhooks"))
        }
        Err(e) => {
            let events: Vec<String> = ticked.iter().map(|e| (*e).to_owned()).collect();
            let typed = context! { url => url, events => events };
            refuse(state, req, e, |errors| {
                webhooks_page(&office, typed, None, errors)
            })
            .await
        }
    }
}

/// POST /admin/webhooks/{id}/{stop|resume}
pub async fn switch(
    office: BackOffice,
    Path((id, to)): Path<(i64, String)>,
) -> Result<Response, WebError> {
    let active = super::resume_or_stop(&to)?;
    office
        .state
        .app
        .switch_webhook_endpoint(&office.admin.actor, id, active)
        .await?;
    flash(&office.session, "success", "admin.flash.saved").await;
    Ok(see_other("/admin/webhooks"))
}

/// POST /admin/webhooks/deliveries/{id}/redeliver
pub async fn redeliver(office: BackOffice, Path(id): Path<i64>) -> Result<Response, WebError> {
    office
        .state
        .app
        .redeliver_webhook(&office.admin.actor, id)
        .await?;
    flash(
        &office.session,
        "success",
        "admin.flash.webhook_redelivered",
    )
    .await;
    Ok(see_other("/admin/webhooks"))
}
