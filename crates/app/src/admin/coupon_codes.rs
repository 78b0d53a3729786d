//! Unique coupon codes (난수 쿠폰, issue 17): staff make a batch of one-member codes for a
//! coupon and download them (to print or hand to a partner); a member registers a code on My
//! page or types it at checkout and then holds the coupon.

use crate::auth::StaffActor;
use crate::auth::tokens::random_bytes;
use crate::sheets::{self, Cell, SheetFormat};
use crate::{App, AppError, AppResult};
use jangteo_core::coupons::{MAX_CODES_PER_BATCH, typed_unique_code, unique_code};
use jangteo_core::staff::{Access, Area};
use jangteo_core::time::format_kst;
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::promotions::CouponRow;
use jangteo_db::{coupon_admin, coupon_codes, promotions};

impl App {
    /// Makes `count` (typed) new unique codes for coupon `id` (marketing, write); audited with
    /// the count. How many were made.
    pub async fn generate_coupon_codes(
        &self,
        actor: &StaffActor,
        id: i64,
        count: &str,
    ) -> AppResult<i64> {
        actor.require(Area::Marketing, Access::Write)?;
        let count = jangteo_core::money::parse_typed_amount(count)
            .ok()
            .flatten()
            .filter(|n| (1..=MAX_CODES_PER_BATCH).contains(n))
            .ok_or(AppError::field("count", "coupon_code_count"))?;
        let coupon = coupon_admin::find(&self.db, id)
            .await?
            .ok_or(AppError::NotFound)?
            .coupon;
        let now = self.now();
        if !coupon.is_active || coupon.valid_until <= now {
            return Err(AppError::Conflict("coupon_not_usable"));
        }
        let mut tx = self.db.begin().await?;
        let mut made = 0;
        // 60 random bits per code: a collision is rare; one is simply drawn again.
        while made < count {
            let code = unique_code(random_bytes::<12>()?);
            if coupon_codes::insert(&mut tx, id, &code, now).await? {
                made += 1;
            }
        }
        let target = id.to_string();
        let entry = NewAudit {
            after: Some(serde_json::json!({ "codes": made }).to_string()),
            ..actor.entry("coupons.generate_codes", "coupon", &target)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        Ok(made)
    }

    /// How many unique codes coupon `id` has and how many are registered (marketing, read).
    pub async fn coupon_code_counts(&self, actor: &StaffActor, id: i64) -> AppResult<(i64, i64)> {
        actor.require(Area::Marketing, Access::Read)?;
        Ok(coupon_codes::counts(&self.db, id).await?)
    }

    /// Every unique code of coupon `id` as a CSV sheet (marketing, write: the codes are worth
    /// money); audited.
    pub async fn coupon_codes_sheet(&self, actor: &StaffActor, id: i64) -> AppResult<Vec<u8>> {
        actor.require(Area::Marketing, Access::Write)?;
        let codes = coupon_codes::all(&self.db, id).await?;
        let rows: Vec<Vec<Cell>> = codes
            .iter()
            .map(|c| {
                let state = if c.claimed_at.is_some() {
                    "등록됨"
                } else {
                    "미등록"
                };
                let claimed = c.claimed_at.map(format_kst).unwrap_or_default();
                vec![
                    sheets::text(&c.code),
                    sheets::text(state),
                    Cell::Text(claimed),
                ]
            })
            .collect();
        let sheet = sheets::write(
            SheetFormat::Csv,
            "codes",
            &["쿠폰 코드", "상태", "등록 일시"],
            &rows,
        )?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let target = id.to_string();
        let entry = NewAudit {
            after: Some(serde_json::json!({ "codes": codes.len() }).to_string()),
            ..actor.entry("coupons.export_codes", "coupon", &target)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        Ok(sheet)
    }

    /// Registers a unique code typed by `member_id`: the member holds its coupon from now on.
    /// `None` when `typed` cannot be a unique code (it may be a shared code); a field error
    /// `coupon_code` when no free code matches, the coupon ended, or the member holds it.
    pub async fn register_coupon_code(
        &self,
        member_id: i64,
        typed: &str,
    ) -> AppResult<Option<CouponRow>> {
        let Some(code) = typed_unique_code(typed) else {
            return Ok(None);
        };
        let unknown = || AppError::field("coupon_code", "coupon_code_unknown");
        let (coupon_id, holder) = coupon_codes::find(&self.db, &code)
            .await?
            .ok_or_else(unknown)?;
        if holder.is_some_and(|h| h != member_id) {
            return Err(unknown());
        }
        let now = self.now();
        let coupon = promotions::by_id(&self.db, coupon_id).await?;
        let Some(coupon) = coupon.filter(|c| c.valid_from <= now && now < c.valid_until) else {
            return Err(AppError::field("coupon_code", "coupon_code_ended"));
        };
        if holder == Some(member_id) {
            return Ok(Some(coupon)); // registered before (typed again at checkout)
        }
        let held = promotions::issued_to(&self.db, member_id).await?;
        if held.iter().any(|c| c.id == coupon_id) {
            return Err(AppError::field("coupon_code", "coupon_code_held"));
        }
        let mut tx = self.db.begin().await?;
        if !coupon_codes::claim(&mut tx, &code, member_id, now).await? {
            return Err(unknown());
        }
        promotions::issue(&mut tx, member_id, coupon_id, now).await?;
        tx.commit().await?;
        Ok(Some(coupon))
    }
}
