//! Partial shipments (issue 18): some lines of an order leave now with their own carrier and
//! waybill, the rest later. The part with the last lines ships the order itself (through
//! `advance_order`, with everything shipping does); earlier parts keep it in preparation, tell
//! the buyer what left and send their waybill to the order's marketplace.

use super::lifecycle::{move_order, record_event};
use super::messages::orderer;
use crate::orders::Actor;
use crate::{App, AppError, AppResult};
use chrono::{DateTime, Utc};
use jangteo_core::ids::OrderId;
use jangteo_core::order::{OrderEvent, OrderStatus};
use jangteo_core::shipments::{LineToShip, ShipmentPlan, plan_shipment};
use jangteo_db::orders::{self, OrderLineRow, OrderRow};
use jangteo_db::{Reader, Tx, shipments};

/// A shipment as order pages show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderShipment {
    /// Carrier code.
    pub carrier: String,
    /// Waybill.
    pub waybill: String,
    /// When it left.
    pub shipped_at: DateTime<Utc>,
    /// When the carrier delivered it.
    pub delivered_at: Option<DateTime<Utc>>,
    /// The order lines it carried.
    pub line_ids: Vec<i64>,
    /// The marketplace refused its waybill.
    pub dispatch_error: Option<String>,
}

/// The order's lines as shipping sees them.
pub(crate) async fn lines_to_ship(
    conn: impl Into<Reader<'_>>,
    lines: &[OrderLineRow],
    order_id: i64,
) -> AppResult<Vec<LineToShip>> {
    let shipped = shipments::shipped_lines(conn, order_id).await?;
    Ok(lines
        .iter()
        .map(|l| LineToShip {
            id: l.id,
            units_left: l.quantity - l.quantity_cancelled,
            shipped: shipped.iter().any(|(line, _)| *line == l.id),
            is_gift: l.is_gift,
        })
        .collect())
}

impl App {
    /// The lines of an order (its `lines`) still to ship, by the rule the ship form follows.
    pub async fn lines_waiting(
        &self,
        order_id: OrderId,
        lines: &[OrderLineRow],
    ) -> AppResult<Vec<i64>> {
        let shipping = lines_to_ship(&self.db, lines, order_id.get()).await?;
        Ok(jangteo_core::shipments::lines_to_ship(&shipping))
    }

    /// An order's shipments, first first; empty unless it was shipped in parts.
    pub async fn order_shipments(&self, order_id: OrderId) -> AppResult<Vec<OrderShipment>> {
        let shipped = shipments::shipped_lines(&self.db, order_id.get()).await?;
        Ok(shipments::of_order(&self.db, order_id.get())
            .await?
            .into_iter()
            .map(|s| OrderShipment {
                line_ids: shipped
                    .iter()
                    .filter(|(_, shipment)| *shipment == s.id)
                    .map(|(line, _)| *line)
                    .collect(),
                carrier: s.carrier,
                waybill: s.waybill,
                shipped_at: s.shipped_at,
                delivered_at: s.delivered_at,
                dispatch_error: s.dispatch_error,
            })
            .collect())
    }

    /// Ships `chosen` lines of an order with their own carrier and waybill (already checked):
    /// the last lines ship the order, others leave as a part of it.
    pub async fn ship_lines(
        &self,
        number: &str,
        actor: &Actor,
        (carrier, waybill): (&str, &str),
        chosen: &[i64],
    ) -> AppResult<()> {
        let order = orders::find_by_number(&self.db, number)
            .await?
            .ok_or(AppError::NotFound)?;
        let lines = orders::lines(&self.db, order.id).await?;
        let shipping = lines_to_ship(&self.db, &lines, order.id.get()).await?;
        let plan =
            plan_shipment(&shipping, chosen).map_err(|e| AppError::field("lines", e.code()))?;
        let event = OrderEvent::Shipped {
            carrier: carrier.to_owned(),
            waybill: waybill.to_owned(),
        };
        match plan {
            ShipmentPlan::Last { .. } => self.advance_order(number, event, actor).await,
            ShipmentPlan::Part { lines: leaving } => {
                self.ship_part(number, actor, &event, &leaving).await
            }
        }
    }

    async fn ship_part(
        &self,
        number: &str,
        actor: &Actor,
        event: &OrderEvent,
        leaving: &[i64],
    ) -> AppResult<()> {
        let OrderEvent::Shipped { carrier, waybill } = event else {
            return Err(AppError::Other("a shipment without a waybill".into()));
        };
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let Some(mut order) = orders::lock_by_number(&mut tx, number).await? else {
            return Err(AppError::NotFound);
        };
        // The order could ship now (else the same refusal as shipping all of it).
        order.status.apply(event)?;
        let lines = orders::lines(&mut tx, order.id).await?;
        let shipping = lines_to_ship(&mut tx, &lines, order.id.get()).await?;
        // Planned again under the lock: another part may have left meanwhile.
        if !matches!(
            plan_shipment(&shipping, leaving),
            Ok(ShipmentPlan::Part { .. })
        ) {
            return Err(AppError::Conflict("shipment_changed"));
        }
        if order.status == OrderStatus::Paid {
            move_order(
                &mut tx,
                &order,
                &OrderEvent::PreparationStarted,
                actor,
                "",
                now,
            )
            .await?;
            order.status = OrderStatus::Preparing;
        }
        let id =
            shipments::insert(&mut tx, order.id.get(), (carrier, waybill), leaving, now).await?;
        let names: Vec<&str> = lines
            .iter()
            .filter(|l| leaving.contains(&l.id))
            .map(|l| l.product_name.as_str())
            .collect();
        let carrier_name =
            jangteo_core::carrier::carrier(carrier).map_or(carrier.as_str(), |c| c.name);
        let note = format!("{carrier_name} {waybill} · {}", names.join(", "));
        record_event(
            &mut tx,
            &order,
            "partially_shipped",
            order.status,
            actor,
            &note,
            now,
        )
        .await?;
        self.notify_shipment(&mut tx, &order, &lines, (id, true))
            .await?;
        self.queue_channel_dispatch(&mut tx, order.id.get(), Some(id))
            .await?;
        tx.commit().await?;
        tracing::info!(order.number = %number, shipment = id, "part of an order shipped");
        Ok(())
    }

    /// When the order ships after parts of it left: its last lines as a shipment of their own;
    /// `None` when no part left before (the order's waybill is the only one).
    pub(crate) async fn record_last_shipment(
        &self,
        tx: &mut Tx,
        order: &OrderRow,
        (carrier, waybill): (&str, &str),
        now: DateTime<Utc>,
    ) -> AppResult<Option<i64>> {
        if shipments::of_order(&mut *tx, order.id.get())
            .await?
            .is_empty()
        {
            return Ok(None);
        }
        let lines = orders::lines(&mut *tx, order.id).await?;
        let shipping = lines_to_ship(&mut *tx, &lines, order.id.get()).await?;
        let rest = jangteo_core::shipments::lines_to_ship(&shipping);
        if rest.is_empty() {
            // Everything left was cancelled after the parts went: no parcel of its own.
            return Ok(None);
        }
        let id = shipments::insert(tx, order.id.get(), (carrier, waybill), &rest, now).await?;
        Ok(Some(id))
    }

    /// Asks the tracker about parts of orders on their way ahead of the rest and records those
    /// delivered (the order itself is delivered with its last waybill); how many were.
    pub(crate) async fn pull_part_tracking(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let mut delivered = 0;
        for part in shipments::in_transit(&self.db, 500).await? {
            match self.tracker.status(&part.carrier, &part.waybill).await {
                Ok(jangteo_providers::logistics::ParcelStatus::Delivered) => {
                    let mut tx = self.db.begin().await?;
                    shipments::mark_delivered(&mut tx, part.order_id, Some(part.id), now).await?;
                    tx.commit().await?;
                    delivered += 1;
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(shipment = part.id, error = %e, "tracking unavailable");
                }
            }
        }
        Ok(delivered)
    }

    /// Asks the tracker about exchanges' replacements on their way and records those delivered
    /// (on the claim and the order's timeline); how many were.
    pub(crate) async fn pull_replacement_tracking(&self, now: DateTime<Utc>) -> AppResult<usize> {
        let mut delivered = 0;
        for (claim, order_id, carrier, waybill) in
            jangteo_db::claims::replacements_in_transit(&self.db, 500).await?
        {
            match self.tracker.status(&carrier, &waybill).await {
                Ok(jangteo_providers::logistics::ParcelStatus::Delivered) => {
                    let Some(order) = orders::find_by_id(&self.db, order_id.into()).await? else {
                        continue;
                    };
                    let mut tx = self.db.begin().await?;
                    if jangteo_db::claims::mark_replacement_delivered(&mut tx, claim, now).await? {
                        let name = jangteo_core::carrier::carrier(&carrier).map_or("", |c| c.name);
                        let note = format!("{name} {waybill}");
                        let event = "replacement_delivered";
                        record_event(
                            &mut tx,
                            &order,
                            event,
                            order.status,
                            &Actor::System,
                            &note,
                            now,
                        )
                        .await?;
                        delivered += 1;
                    }
                    tx.commit().await?;
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(claim, error = %e, "tracking unavailable"),
            }
        }
        Ok(delivered)
    }

    /// Tells the orderer a shipment left, naming its lines (`part`: the rest follows later).
    pub(crate) async fn notify_shipment(
        &self,
        tx: &mut Tx,
        order: &OrderRow,
        lines: &[OrderLineRow],
        (shipment_id, part): (i64, bool),
    ) -> AppResult<()> {
        if order.payment_method == jangteo_core::payment::PaymentMethod::Marketplace {
            return Ok(());
        }
        let shipment = shipments::of_order(&mut *tx, order.id.get())
            .await?
            .into_iter()
            .find(|s| s.id == shipment_id)
            .ok_or(AppError::NotFound)?;
        let shipped = shipments::shipped_lines(&mut *tx, order.id.get()).await?;
        let event = "shipped";
        let mut context = self.order_message_context(tx, order, event, None).await?;
        context["order"]["items"] = lines
            .iter()
            .filter(|l| shipped.contains(&(l.id, shipment_id)))
            .map(|l| {
                serde_json::json!({
                    "name": l.product_name, "option": l.option_label,
                    "quantity": l.quantity - l.quantity_cancelled,
                })
            })
            .collect();
        let (carrier, waybill) = (&shipment.carrier, &shipment.waybill);
        context["shipment"] = serde_json::json!({
            "carrier_name": jangteo_core::carrier::carrier(carrier).map_or(carrier.as_str(), |c| c.name),
            "waybill": waybill,
            "tracking_url": jangteo_core::carrier::tracking_url(carrier, waybill),
            "part": part,
        });
        let key = format!("{event}:{}:{shipment_id}", order.number);
        self.notify_by_chosen_channels(tx, event, &orderer(order), &context, &key)
            .await?;
        Ok(())
    }
}
