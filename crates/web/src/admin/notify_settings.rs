//! 알림 설정 (under 알림 템플릿): the channels each customer event goes by, with a warning where no
//! provider really sends a channel.

use super::BackOffice;
use crate::forms::see_other;
use crate::session::flash;
use crate::web_error::WebError;
use axum::Form;
use axum::response::Response;
use jangteo_core::staff::{Access, Area};
use minijinja::context;

/// GET /admin/notifications
pub async fn show(office: BackOffice) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = &office;
    let rows = state.app.admin_event_channels(&admin.actor).await?;
    let views: Vec<_> = rows
        .iter()
        .map(|r| {
            context! {
                event => r.event, template_url => format!("/admin/templates/{}", r.event),
                channels => r.channels.iter().map(|(name, on, live)| context! {
                    name => *name, on => *on, live => *live, value => format!("{}:{name}", r.event),
                }).collect::<Vec<_>>(),
            }
        })
        .collect();
    // A channel no provider sends for any event is said once, in its column's head.
    let heads: Vec<_> = jangteo_core::notify::CUSTOMER_CHANNELS
        .iter()
        .map(|c| {
            let live = rows
                .iter()
                .any(|r| r.channels.iter().any(|(n, _, l)| n == c && *l));
            context! { name => *c, live => live }
        })
        .collect();
    office
        .page(
            "admin/notify_settings.html",
            "admin.nav.notify_settings",
            context! { rows => views, heads => heads, can_write => admin.actor.can(Area::Notifications, Access::Write) },
        )
        .await
}

/// POST /admin/notifications (`ch=event:channel` for every ticked box)
pub async fn save(
    office: BackOffice,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let ticked: Vec<(String, String)> = fields
        .iter()
        .filter(|(k, _)| k == "ch")
        .filter_map(|(_, v)| v.split_once(':'))
        .map(|(e, c)| (e.to_owned(), c.to_owned()))
        .collect();
    office
        .state
        .app
        .set_event_channels(&office.admin.actor, &ticked)
        .await?;
    flash(&office.session, "success", "admin.flash.saved").await;
    Ok(see_other("/admin/notifications"))
}
