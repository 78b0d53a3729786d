//! The waybill's way back to the marketplace an order came from: queued in the shipment's
//! transaction, sent by a retried job that never holds the shipment up. An order shipped in
//! parts sends each part's waybill with the channel's ids of that part's lines.

use crate::{App, AppError, AppResult};
use jangteo_core::channels::{Marketplace, channel_carrier_code};
use jangteo_core::order::OrderStatus;
use jangteo_db::channel_orders::ChannelOrderRow;
use jangteo_db::{Tx, channel_orders, orders, shipments};
use jangteo_providers::channels::Dispatch;

/// What goes back: the waybill and the channel's ids of the lines it carries.
struct Parcel {
    carrier: String,
    waybill: String,
    line_ids: Vec<String>,
}

impl App {
    /// Queues the waybill's way back when an imported order ships, or part of it (`shipment`;
    /// orders of the shop itself queue nothing).
    pub(crate) async fn queue_channel_dispatch(
        &self,
        tx: &mut Tx,
        order_id: i64,
        shipment_id: Option<i64>,
    ) -> AppResult<()> {
        let link = channel_orders::find(&mut *tx, order_id).await?;
        // A sheet's channel has no address to send a waybill to.
        if link.is_some_and(|l| l.marketplace != Marketplace::Csv.code()) {
            let job = crate::jobs::ChannelDispatch {
                order_id,
                shipment_id,
            };
            jangteo_jobs::enqueue(tx, &crate::jobs::spec(&job)?.max_attempts(8)).await?;
        }
        Ok(())
    }

    /// Sends an imported order's waybill (or one shipment's) to its channel (the
    /// `channels.dispatch` job). The channel being away is retried; its refusal is recorded for
    /// staff and not retried.
    pub(crate) async fn dispatch_to_channel(
        &self,
        order_id: i64,
        shipment_id: Option<i64>,
    ) -> AppResult<()> {
        let Some(link) = channel_orders::find(&self.db, order_id).await? else {
            return Ok(());
        };
        let Some(parcel) = self.parcel_to_dispatch(&link, shipment_id).await? else {
            return Ok(());
        };
        let channel = Marketplace::from_code(&link.marketplace).and_then(|m| self.sales_channel(m));
        let Some(channel) = channel else {
            let error = "판매 채널 연동이 설정되지 않았거나 송장 정보가 없습니다";
            return self
                .record_channel_dispatch(&link, shipment_id, Some(error))
                .await;
        };
        let dispatch = Dispatch {
            order_id: link.external_id.clone(),
            line_ids: parcel.line_ids,
            carrier_code: channel_carrier_code(&parcel.carrier)
                .unwrap_or("ETC")
                .to_owned(),
            waybill: parcel.waybill,
            dispatched_at: self.now(),
        };
        match channel.dispatch(&dispatch).await {
            Ok(()) => self.record_channel_dispatch(&link, shipment_id, None).await,
            Err(e) if e.is_retryable() => Err(AppError::Other(e.to_string())),
            Err(e) => {
                tracing::warn!(order.id = order_id, error = %e, "channel refused the waybill");
                let error = e.to_string();
                self.record_channel_dispatch(&link, shipment_id, Some(&error))
                    .await
            }
        }
    }

    /// The waybill and lines to send, `None` once sent. Without a shipment: the order's own
    /// waybill and every line.
    async fn parcel_to_dispatch(
        &self,
        link: &ChannelOrderRow,
        shipment_id: Option<i64>,
    ) -> AppResult<Option<Parcel>> {
        let all_lines = channel_orders::line_skus(&self.db, link.order_id).await?;
        let Some(id) = shipment_id else {
            if link.dispatched_at.is_some() {
                return Ok(None);
            }
            let order = orders::find_by_id(&self.db, link.order_id.into())
                .await?
                .ok_or(AppError::NotFound)?;
            return Ok(Some(Parcel {
                carrier: order.carrier.unwrap_or_default(),
                waybill: order.waybill.unwrap_or_default(),
                line_ids: all_lines.into_iter().map(|(id, _)| id).collect(),
            }));
        };
        let Some(shipment) = shipments::find(&self.db, id).await? else {
            return Ok(None);
        };
        if shipment.dispatched_at.is_some() {
            return Ok(None);
        }
        let lines = orders::lines(&self.db, link.order_id.into()).await?;
        let shipped = shipments::shipped_lines(&self.db, link.order_id).await?;
        let skus: Vec<i64> = lines
            .iter()
            .filter(|l| shipped.contains(&(l.id, id)))
            .filter_map(|l| l.sku_id)
            .collect();
        Ok(Some(Parcel {
            carrier: shipment.carrier,
            waybill: shipment.waybill,
            line_ids: all_lines
                .into_iter()
                .filter(|(_, sku)| sku.is_some_and(|s| skus.contains(&s)))
                .map(|(id, _)| id)
                .collect(),
        }))
    }

    /// Whether the shipment carried the order's last lines (the order shipped with its waybill).
    async fn is_last_shipment(&self, order_id: i64, shipment_id: i64) -> AppResult<bool> {
        let order = orders::find_by_id(&self.db, order_id.into()).await?;
        let shipment = shipments::find(&self.db, shipment_id).await?;
        Ok(match (order, shipment) {
            (Some(o), Some(s)) => {
                !matches!(o.status, OrderStatus::Paid | OrderStatus::Preparing)
                    && o.waybill.as_deref() == Some(s.waybill.as_str())
            }
            _ => false,
        })
    }

    /// Records where a dispatch ended: on the shipment, and on the order once its last waybill
    /// went (a refusal always shows on the order, where staff look).
    async fn record_channel_dispatch(
        &self,
        link: &ChannelOrderRow,
        shipment_id: Option<i64>,
        error: Option<&str>,
    ) -> AppResult<()> {
        let now = self.now();
        let order_done = match shipment_id {
            Some(id) => {
                shipments::record_dispatch(&self.db, id, error, now).await?;
                error.is_some() || self.is_last_shipment(link.order_id, id).await?
            }
            None => true,
        };
        if order_done {
            channel_orders::record_dispatch(&self.db, link.order_id, error, now).await?;
        }
        Ok(())
    }
}
