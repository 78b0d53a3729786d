//! Outgoing webhooks (issue 19): integrations subscribe endpoints to shop events (core
//! `webhooks::WEBHOOK_EVENTS`); each event is recorded as a delivery in the transaction that
//! made it happen and sent by a retried job, signed per Standard Webhooks with the endpoint's
//! secret (shown once, sealed at rest). The delivery log and redelivery are in 설정 › 웹훅.

use crate::auth::StaffActor;
use crate::{App, AppError, AppResult};
use jangteo_core::staff::{Access, Area};
use jangteo_db::webhooks::{self, DeliveryRow, EndpointRow};
use jangteo_db::{Reader, Tx};
use jangteo_providers::webhooks::Delivered;
use serde_json::{Value, json};

const SEAL_CONTEXT: &str = "webhook-endpoint-secret";

/// An order event's data: what an integration needs to look the order up, nothing personal.
pub(crate) fn order_data(order: &jangteo_db::orders::OrderRow, status: &str) -> Value {
    json!({"order": {
        "number": order.number, "status": status, "total": order.total,
        "payment_method": order.payment_method.as_str(), "channel": order.marketplace,
        "carrier": order.carrier, "waybill": order.waybill,
        "placed_at": order.placed_at.to_rfc3339(), "paid_at": order.paid_at.map(|d| d.to_rfc3339()),
    }})
}
/// Deliveries the back office lists.
const LOG_SIZE: i64 = 50;

impl App {
    /// Records `event` for every endpoint that takes it, inside the event's transaction; `key`
    /// names the happening (the same key is sent once per endpoint).
    pub(crate) async fn emit_webhook(
        &self,
        tx: &mut Tx,
        event: &'static str,
        key: &str,
        data: Value,
    ) -> AppResult<()> {
        let takers: Vec<EndpointRow> = webhooks::endpoints(&mut *tx)
            .await?
            .into_iter()
            .filter(|e| e.takes(event))
            .collect();
        if takers.is_empty() {
            return Ok(());
        }
        let now = self.now();
        let message_id = format!("msg_{}_{key}", event.replace('.', "_"));
        let body = json!({"type": event, "timestamp": now.to_rfc3339(), "data": data}).to_string();
        for endpoint in takers {
            let message = (message_id.as_str(), event, body.as_str());
            if let Some(id) = webhooks::insert_delivery(tx, endpoint.id, message, now).await? {
                self.queue_webhook(tx, id).await?;
            }
        }
        Ok(())
    }

    /// [`App::emit_webhook`] in a transaction of its own (events raised outside one).
    pub(crate) async fn emit_webhook_now(&self, event: &'static str, key: &str, data: Value) {
        let emitted = async {
            let mut tx = self.db.begin().await?;
            self.emit_webhook(&mut tx, event, key, data).await?;
            tx.commit().await?;
            Ok::<(), AppError>(())
        };
        if let Err(e) = emitted.await {
            tracing::error!(event, error = %e, "webhook not recorded");
        }
    }

    async fn queue_webhook(&self, tx: &mut Tx, delivery_id: i64) -> AppResult<()> {
        let job = crate::jobs::WebhookDelivery { delivery_id };
        jangteo_jobs::enqueue(tx, &crate::jobs::spec(&job)?.max_attempts(8)).await?;
        Ok(())
    }

    /// One attempt at delivery `id` (the `webhooks.deliver` job): a 2xx answer delivers it;
    /// anything else is retried with backoff, and the last attempt marks it failed.
    pub(crate) async fn deliver_webhook(&self, id: i64, last_attempt: bool) -> AppResult<()> {
        let Some((delivery, endpoint)) = webhooks::delivery(&self.db, id).await? else {
            return Ok(());
        };
        if delivery.state != "pending" || !endpoint.active {
            return Ok(());
        }
        let secret = self.secrets.open(&endpoint.secret_sealed, SEAL_CONTEXT)?;
        let secret = String::from_utf8_lossy(&secret).into_owned();
        let http = jangteo_providers::payments::http_client(std::time::Duration::from_secs(10));
        let now = self.now();
        let sent = jangteo_providers::webhooks::deliver(
            &http,
            (&endpoint.url, &secret),
            (&delivery.message_id, now.timestamp()),
            &delivery.payload,
        )
        .await;
        let (status, error) = match &sent {
            Delivered::Status(code) if (200..300).contains(code) => {
                let attempt = (Some(i64::from(*code)), None);
                webhooks::record_attempt(&self.db, id, attempt, ("delivered", now)).await?;
                return Ok(());
            }
            Delivered::Status(code) => (Some(i64::from(*code)), format!("HTTP {code}")),
            Delivered::NoAnswer(why) => (None, why.clone()),
        };
        let state = if last_attempt { "failed" } else { "pending" };
        webhooks::record_attempt(&self.db, id, (status, Some(&error)), (state, now)).await?;
        if last_attempt {
            return Ok(());
        }
        Err(AppError::Other(format!(
            "webhook {id} not delivered: {error}"
        )))
    }

    /// The endpoints and the latest deliveries (settings read).
    pub async fn webhooks_page(
        &self,
        actor: &StaffActor,
    ) -> AppResult<(Vec<EndpointRow>, Vec<DeliveryRow>)> {
        actor.require(Area::Settings, Access::Read)?;
        let endpoints = webhooks::endpoints(Reader::from(&self.db)).await?;
        let deliveries = webhooks::recent_deliveries(&self.db, LOG_SIZE).await?;
        Ok((endpoints, deliveries))
    }

    /// Adds an endpoint taking `ticked` events (settings write, audited); its secret, shown to
    /// the owner this once.
    pub async fn add_webhook_endpoint(
        &self,
        actor: &StaffActor,
        url: &str,
        ticked: &[&str],
    ) -> AppResult<String> {
        actor.require(Area::Settings, Access::Write)?;
        let (url, events) = jangteo_core::webhooks::endpoint(url, ticked).map_err(|e| {
            let field = if e == jangteo_core::webhooks::EndpointRefusal::BadUrl {
                "url"
            } else {
                "events"
            };
            AppError::field(field, e.code())
        })?;
        let secret = jangteo_providers::webhooks::new_secret().map_err(AppError::Other)?;
        let sealed = self.secrets.seal(secret.as_bytes(), SEAL_CONTEXT)?;
        let mut tx = self.db.begin().await?;
        let events = events.join(",");
        let parts = (url.as_str(), sealed.as_str(), events.as_str());
        let id = webhooks::insert_endpoint(&mut tx, parts, &actor.email, self.now()).await?;
        let target = id.to_string();
        let entry = actor.entry("webhooks.add", "webhook_endpoint", &target);
        let after = json!({"url": url, "events": events}).to_string();
        let entry = jangteo_db::audit::NewAudit {
            after: Some(after),
            ..entry
        };
        jangteo_db::audit::record(&mut tx, &entry, self.now()).await?;
        tx.commit().await?;
        Ok(secret)
    }

    /// Stops or resumes an endpoint (settings write, audited).
    pub async fn switch_webhook_endpoint(
        &self,
        actor: &StaffActor,
        id: i64,
        active: bool,
    ) -> AppResult<()> {
        actor.require(Area::Settings, Access::Write)?;
        let mut tx = self.db.begin().await?;
        if !webhooks::set_active(&mut tx, id, active).await? {
            return Err(AppError::NotFound);
        }
        let action = if active {
            "webhooks.resume"
        } else {
            "webhooks.stop"
        };
        let target = id.to_string();
        let entry = actor.entry(action, "webhook_endpoint", &target);
        jangteo_db::audit::record(&mut tx, &entry, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sends a delivery again, with the same `webhook-id` (settings write, audited).
    pub async fn redeliver_webhook(&self, actor: &StaffActor, id: i64) -> AppResult<()> {
        actor.require(Area::Settings, Access::Write)?;
        let mut tx = self.db.begin().await?;
        if !webhooks::reopen(&mut tx, id).await? {
            return Err(AppError::NotFound);
        }
        self.queue_webhook(&mut tx, id).await?;
        let target = id.to_string();
        let entry = actor.entry("webhooks.redeliver", "webhook_delivery", &target);
        jangteo_db::audit::record(&mut tx, &entry, self.now()).await?;
        tx.commit().await?;
        Ok(())
    }
}
