//! Staff handling of claims: the list and one claim with its refund figures (the moves are in
//! `action.rs`).

use crate::auth::StaffActor;
use crate::{App, AppError, AppResult};
use jangteo_core::Won;
use jangteo_core::paging::{PageRequest, Paged};
use jangteo_core::staff::{Access, Area};
use jangteo_db::claims::{self, ClaimRow};
use jangteo_db::orders::{self, OrderLineRow, OrderRow};

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
    /// The refund the goods would get now (before return shipping).
    pub refundable: Won,
    /// Return shipping suggested for the refund.
    pub suggested_deduction: Won,
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
        let refundable = lines
            .iter()
            .map(|(l, units)| l.units().refund_of(*units).amount)
            .sum();
        let buyer_pays = claim.buyer_pays_return;
        Ok(ClaimDetail {
            photos: claims::evidence(&self.db, id).await?,
            suggested_deduction: if buyer_pays {
                Won(self.config.checkout.return_shipping_fee.max(0))
            } else {
                Won::ZERO
            },
            refundable,
            lines,
            order,
            claim,
        })
    }
}
