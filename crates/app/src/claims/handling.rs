//! Staff handling of claims: the list and one claim with its refund figures (the moves are in
//! `action.rs`).

use crate::auth::StaffActor;
use crate::{App, AppError, AppResult};
use jangteo_core::Won;
use jangteo_core::paging::{PageRequest, Paged};
use jangteo_core::refund::{PickError, ReturnQuote, quote_return};

/// What returning `picks` (line id, units) of `order` would give back (`buyer_pays`: a change
/// of mind, whose return shipping `fee` the buyer pays).
pub(crate) fn quote_for(
    order: &OrderRow,
    lines: &[OrderLineRow],
    picks: &[(i64, i64)],
    buyer_pays: bool,
    fee: Won,
) -> Result<ReturnQuote, PickError> {
    quote_return(
        &orders::line_units(lines),
        picks,
        order.shipping_fee + order.remote_surcharge,
        buyer_pays,
        fee,
    )
}
use jangteo_core::staff::{Access, Area};
use jangteo_db::claims::{self, ClaimRow};
use jangteo_db::orders::{self, OrderLineRow, OrderRow};
use jangteo_db::refunds::{self, RefundRow};

/// A claim with what the staff page shows.
#[derive(Debug, Clone)]
pub struct ClaimDetail {
    /// The claim.
    pub claim: ClaimRow,
    /// Its order.
    pub order: OrderRow,
    /// (order line, units claimed).
    pub lines: Vec<(OrderLineRow, i64)>,
    /// Content hashes of the photos.
    pub photos: Vec<String>,
    /// What refunding the claimed units would give back now, with the return shipping the
    /// buyer pays suggested as the deduction.
    pub quote: ReturnQuote,
    /// The refund that settled it.
    pub refund: Option<RefundRow>,
}

impl App {
    /// Claims for staff: `waiting` (what staff still act on), one status, or all.
    pub async fn admin_claims(
        &self,
        actor: &StaffActor,
        status: &str,
        page: u32,
    ) -> AppResult<(Paged<(ClaimRow, String)>, i64)> {
        actor.require(Area::Orders, Access::Read)?;
        let request = PageRequest::new(page, 30);
        let (rows, total) = if status == "waiting" {
            claims::list_waiting(&self.db, request.limit(), request.offset()).await?
        } else {
            claims::list(
                &self.db,
                status.parse().ok(),
                request.limit(),
                request.offset(),
            )
            .await?
        };
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let number = orders::number_by_id(&self.db, row.order_id).await?;
            items.push((row, number));
        }
        let waiting = claims::count_waiting(&self.db).await?;
        Ok((Paged::counted(items, total, request), waiting))
    }

    /// One claim for staff.
    pub async fn admin_claim(&self, actor: &StaffActor, id: i64) -> AppResult<ClaimDetail> {
        actor.require(Area::Orders, Access::Read)?;
        let claim = claims::find(&self.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let order = orders::find_by_id(&self.db, claim.order_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let all = orders::lines(&self.db, order.id).await?;
        let lines: Vec<(OrderLineRow, i64)> = claims::lines(&self.db, id)
            .await?
            .into_iter()
            .filter_map(|(line, units)| {
                all.iter()
                    .find(|l| l.id == line)
                    .map(|l| (l.clone(), units))
            })
            .collect();
        let picks: Vec<(i64, i64)> = lines.iter().map(|(l, units)| (l.id, *units)).collect();
        // A settled claim's units are no longer in the order: nothing is quoted then.
        let fee = Won(self.config.checkout.return_shipping_fee);
        let quote =
            quote_for(&order, &all, &picks, claim.buyer_pays_return, fee).unwrap_or_default();
        let refund = match claim.refund_id {
            Some(refund_id) => refunds::of_order(&self.db, order.id)
                .await?
                .into_iter()
                .find(|r| r.id == refund_id),
            None => None,
        };
        Ok(ClaimDetail {
            refund,
            photos: claims::evidence(&self.db, id).await?,
            quote,
            lines,
            order,
            claim,
        })
    }
}
