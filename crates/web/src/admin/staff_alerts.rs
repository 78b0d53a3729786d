//! 직원 알림 (under 알림 템플릿): which staff alerts go to Slack and/or e-mail, the paid-order
//! minimum and the e-mail addresses; a form refused keeps what was typed.

use super::BackOffice;
use crate::forms::{refuse, see_other};
use crate::session::flash;
use crate::web_error::WebError;
use axum::Form;
use axum::response::Response;
use jangteo_core::alerts::{AlertRules, STAFF_ALERTS};
use jangteo_core::staff::{Access, Area};
use minijinja::{Value, context};

async fn alerts_page(
    office: &BackOffice,
    rules: &AlertRules,
    typed: Option<(&str, &str)>,
    errors: Value,
) -> Result<Response, WebError> {
    let BackOffice { state, admin, .. } = office;
    let rows: Vec<Value> = STAFF_ALERTS
        .iter()
        .map(|kind| {
            let route = rules.route(kind);
            context! {
                kind => *kind, slack => route.slack, email => route.email,
                channel => rules.slack_channel(kind),
            }
        })
        .collect();
    let (min, emails) = match typed {
        Some((min, emails)) => (min.to_owned(), emails.to_owned()),
        None => (rules.paid_order_min.to_string(), rules.emails.join(", ")),
    };
    office
        .page(
            "admin/staff_alerts.html",
            "admin.nav.staff_alerts",
            context! {
                rows => rows, paid_order_min => min, emails => emails, errors => errors,
                business_email => &state.app.config.shop.business.email,
                slack_live => state.app.config.notifications.slack_webhook_url.is_some(),
                slack_bot => !state.app.config.slack.bot_token.0.is_empty(),
                can_write => admin.actor.can(Area::Notifications, Access::Write),
            },
        )
        .await
}

/// GET /admin/alerts
pub async fn show(office: BackOffice) -> Result<Response, WebError> {
    let rules = office
        .state
        .app
        .admin_alert_rules(&office.admin.actor)
        .await?;
    alerts_page(&office, &rules, None, context! {}).await
}

/// POST /admin/alerts (`on=alert:channel` for every ticked box, `paid_order_min`, `emails`)
pub async fn save(
    office: BackOffice,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let value = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let ticked: Vec<(String, String)> = fields
        .iter()
        .filter(|(k, _)| k == "on")
        .filter_map(|(_, v)| v.split_once(':'))
        .map(|(k, c)| (k.to_owned(), c.to_owned()))
        .collect();
    let channels: Vec<(String, String)> = fields
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("channel.")?.to_owned(), v.clone())))
        .collect();
    let (min, emails) = (value("paid_order_min"), value("emails"));
    let BackOffice {
        state, req, admin, ..
    } = &office;
    match state
        .app
        .set_alert_rules(&admin.actor, &ticked, (min, emails), &channels)
        .await
    {
        Ok(()) => {
            flash(&office.session, "success", "admin.flash.saved").await;
            Ok(see_other("/admin/alerts"))
        }
        Err(e) => {
            let mut typed = AlertRules::ticked(
                ticked.iter().map(|(k, c)| (k.as_str(), c.as_str())),
                0,
                Vec::new(),
            );
            typed.slack_channels = channels.into_iter().collect();
            refuse(state, req, e, |errors| {
                alerts_page(&office, &typed, Some((min, emails)), errors)
            })
            .await
        }
    }
}
