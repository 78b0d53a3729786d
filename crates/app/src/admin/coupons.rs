//! Coupons in the back office (issue 17): the owner creates, edits, stops and resumes coupons,
//! issues one to a member, and sees how each is used. Marketing area; every change audited.

use crate::auth::StaffActor;
use crate::checkout::ids_in;
use crate::{App, AppError, AppResult};
use chrono::NaiveDate;
use jangteo_core::coupons::CouponDraft;
use jangteo_core::ids::ProductId;
use jangteo_core::paging::{PageRequest, Paged};
use jangteo_core::staff::{Access, Area};
use jangteo_core::time::start_of_business_day;
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::coupon_admin::{self, CouponInput, CouponUsageRow, RedemptionRow};
pub use jangteo_db::promotions::Segment;

/// Coupons per back-office page.
pub const COUPONS_PER_PAGE: u32 = 30;

/// A coupon as typed in the back office.
#[derive(Debug, Clone, Default)]
pub struct CouponForm {
    /// The code shoppers type (empty: only issued to members).
    pub code: String,
    /// Name shoppers see.
    pub name: String,
    /// `fixed` or `percent`.
    pub kind: String,
    /// Fixed amount ("5,000").
    pub amount: String,
    /// Percentage ("10").
    pub percent: String,
    /// Cap of a percentage (empty: none).
    pub max_discount: String,
    /// Minimum order (empty: none).
    pub min_order: String,
    /// `all`, `categories` or `products`.
    pub scope: String,
    /// The categories of a `categories` scope.
    pub category_ids: Vec<i64>,
    /// The products of a `products` scope, by number or address (slug), comma-separated.
    pub products: String,
    /// Products it never applies to, the same way.
    pub excluded: String,
    /// First day (KST).
    pub starts_on: Option<NaiveDate>,
    /// Last day (KST).
    pub ends_on: Option<NaiveDate>,
    /// Uses per member.
    pub per_member_limit: String,
    /// Issued to every new member at sign-up.
    pub issue_on_signup: bool,
    /// Issued to a member when their first order is paid.
    pub issue_after_first_purchase: bool,
    /// Issued every year on the member's birthday.
    pub issue_on_birthday: bool,
    /// Adds to the grade discount (otherwise replaces it).
    pub combines_with_grade: bool,
}

/// A checked coupon form, as it will be stored.
struct CheckedCoupon {
    code: Option<String>,
    name: String,
    kind: &'static str,
    amount: i64,
    rate_bp: i64,
    max_discount: Option<i64>,
    min_order: i64,
    scope: &'static str,
    scope_ids: String,
    excluded_product_ids: String,
    valid_from: chrono::DateTime<chrono::Utc>,
    valid_until: chrono::DateTime<chrono::Utc>,
    per_member_limit: i64,
    issue_on_signup: bool,
    issue_after_first_purchase: bool,
    issue_on_birthday: bool,
    combines_with_grade: bool,
}

/// A coupon with how it is used and its latest redemptions.
#[derive(Debug, Clone)]
pub struct CouponDetail {
    /// The coupon and its totals.
    pub usage: CouponUsageRow,
    /// The latest orders that used it.
    pub redemptions: Vec<RedemptionRow>,
    /// The names of its scope's and excluded products, as the form shows them back.
    pub product_refs: (String, String),
}

impl App {
    /// A page of coupons with their use, switched-on first (marketing, read).
    pub async fn admin_coupons(
        &self,
        actor: &StaffActor,
        page: u32,
    ) -> AppResult<Paged<CouponUsageRow>> {
        actor.require(Area::Marketing, Access::Read)?;
        let request = PageRequest::new(page, COUPONS_PER_PAGE);
        let (rows, total) = coupon_admin::list(&self.db, request.limit(), request.offset()).await?;
        Ok(Paged::counted(rows, total, request))
    }

    /// One coupon with its redemptions (marketing, read).
    pub async fn admin_coupon(&self, actor: &StaffActor, id: i64) -> AppResult<CouponDetail> {
        actor.require(Area::Marketing, Access::Read)?;
        let usage = coupon_admin::find(&self.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let redemptions = coupon_admin::redemptions(&self.db, id, 20).await?;
        let c = &usage.coupon;
        let scope = if c.scope == "products" {
            self.product_refs(&c.scope_ids).await?
        } else {
            String::new()
        };
        let excluded = self.product_refs(&c.excluded_product_ids).await?;
        Ok(CouponDetail {
            usage,
            redemptions,
            product_refs: (scope, excluded),
        })
    }

    /// Products stored as ids, as the form shows them: their addresses (slugs).
    async fn product_refs(&self, stored: &str) -> AppResult<String> {
        let mut refs = Vec::new();
        for id in ids_in(stored) {
            if let Some(p) =
                jangteo_db::catalog::products::find_by_id(&self.db, ProductId(id)).await?
            {
                refs.push(p.slug);
            }
        }
        Ok(refs.join(", "))
    }

    /// Products typed by number or address, comma-separated, as stored ids; `None` when one is
    /// not a product.
    pub(crate) async fn typed_products(&self, typed: &str) -> AppResult<Option<Vec<i64>>> {
        let mut ids = Vec::new();
        for part in typed
            .split([',', '\n'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let found = match part.parse::<i64>() {
                Ok(id) => {
                    jangteo_db::catalog::products::find_by_id(&self.db, ProductId(id)).await?
                }
                Err(_) => jangteo_db::catalog::products::find_by_slug(&self.db, part).await?,
            };
            match found {
                Some(p) if !ids.contains(&p.id) => ids.push(p.id),
                Some(_) => {}
                None => return Ok(None),
            }
        }
        Ok(Some(ids))
    }

    /// `form` checked (every problem at once), as it will be stored for coupon `id`.
    async fn checked_coupon(&self, id: Option<i64>, form: &CouponForm) -> AppResult<CheckedCoupon> {
        let mut errors = crate::field_errors::FieldErrors::default();
        let name = errors.check("name", jangteo_core::member::required_text(&form.name, 60));
        let code = form.code.trim().to_uppercase();
        let code_ok = code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !code_ok || code.len() > 30 {
            errors.add("code", "coupon_code");
        } else if !code.is_empty() && coupon_admin::code_taken(&self.db, &code, id).await? {
            errors.add("code", "coupon_code_taken");
        }
        let products = self.typed_products(&form.products).await?;
        let excluded = self.typed_products(&form.excluded).await?;
        if products.is_none() {
            errors.add("products", "coupon_unknown_product");
        }
        if excluded.is_none() {
            errors.add("excluded", "coupon_unknown_product");
        }
        let scope = match form.scope.as_str() {
            "categories" => "categories",
            "products" => "products",
            _ => "all",
        };
        let scope_ids: Vec<i64> = match scope {
            "categories" => form.category_ids.clone(),
            "products" => products.clone().unwrap_or_default(),
            _ => Vec::new(),
        };
        let draft = CouponDraft {
            kind: &form.kind,
            amount: &form.amount,
            percent: &form.percent,
            max_discount: &form.max_discount,
            min_order: &form.min_order,
            per_member_limit: &form.per_member_limit,
            starts_on: form.starts_on,
            ends_on: form.ends_on,
            scope,
            scope_count: scope_ids.len(),
        };
        let terms = draft.terms().map_err(|problems| {
            problems
                .iter()
                .for_each(|(field, code)| errors.add(field, code));
        });
        errors.finish()?;
        let (Ok(terms), Some(name)) = (terms, name) else {
            return Err(AppError::Invalid("coupon form".into()));
        };
        let join = |ids: &[i64]| ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let (scope_ids, excluded) = (join(&scope_ids), join(&excluded.unwrap_or_default()));
        Ok(CheckedCoupon {
            code: (!code.is_empty()).then_some(code),
            name,
            kind: terms.kind,
            amount: terms.amount,
            rate_bp: terms.rate_bp,
            max_discount: terms.max_discount,
            min_order: terms.min_order,
            scope,
            scope_ids,
            excluded_product_ids: excluded,
            valid_from: start_of_business_day(terms.starts_on),
            valid_until: start_of_business_day(terms.ends_on + chrono::Duration::days(1)),
            per_member_limit: terms.per_member_limit,
            issue_on_signup: form.issue_on_signup,
            issue_after_first_purchase: form.issue_after_first_purchase,
            issue_on_birthday: form.issue_on_birthday,
            combines_with_grade: form.combines_with_grade,
        })
    }

    /// Creates (`id` none) or changes a coupon (marketing, write); audited. Its id.
    pub async fn save_coupon(
        &self,
        actor: &StaffActor,
        id: Option<i64>,
        form: &CouponForm,
    ) -> AppResult<i64> {
        actor.require(Area::Marketing, Access::Write)?;
        let c = self.checked_coupon(id, form).await?;
        let input = CouponInput {
            code: c.code.as_deref(),
            name: &c.name,
            kind: c.kind,
            amount: c.amount,
            rate_bp: c.rate_bp,
            max_discount: c.max_discount,
            min_order: c.min_order,
            scope: c.scope,
            scope_ids: &c.scope_ids,
            excluded_product_ids: &c.excluded_product_ids,
            valid_from: c.valid_from,
            valid_until: c.valid_until,
            per_member_limit: c.per_member_limit,
            issue_on_signup: c.issue_on_signup,
            issue_after_first_purchase: c.issue_after_first_purchase,
            issue_on_birthday: c.issue_on_birthday,
            combines_with_grade: c.combines_with_grade,
        };
        let now = self.now();
        let mut tx = self.db.begin().await?;
        let saved = match id {
            Some(id) if coupon_admin::update(&mut tx, id, &input, now).await? => id,
            Some(_) => return Err(AppError::NotFound),
            None => coupon_admin::insert(&mut tx, &input, now).await?,
        };
        let after = serde_json::json!({
            "code": input.code, "name": input.name, "kind": input.kind, "amount": input.amount,
            "rate_bp": input.rate_bp, "max_discount": input.max_discount, "min_order": input.min_order,
            "scope": input.scope, "scope_ids": input.scope_ids, "excluded": input.excluded_product_ids,
            "from": input.valid_from, "to": input.valid_until, "per_member": input.per_member_limit,
            "signup": input.issue_on_signup, "first_purchase": input.issue_after_first_purchase,
            "birthday": input.issue_on_birthday,            "with_grade": input.combines_with_grade,
        });
        let target = saved.to_string();
        let entry = NewAudit {
            after: Some(after.to_string()),
            ..actor.entry("coupons.save", "coupon", &target)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Stops (`active` false: nobody can use it from now on) or resumes a coupon (marketing,
    /// write); audited.
    pub async fn set_coupon_active(
        &self,
        actor: &StaffActor,
        id: i64,
        active: bool,
    ) -> AppResult<()> {
        actor.require(Area::Marketing, Access::Write)?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        if !coupon_admin::set_active(&mut tx, id, active, now).await? {
            return Err(AppError::NotFound);
        }
        let action = if active {
            "coupons.resume"
        } else {
            "coupons.stop"
        };
        audit::record(
            &mut tx,
            &actor.entry(action, "coupon", &id.to_string()),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Issues coupon `id` to the member with `email`: the member page's use case (its
    /// permission check and audit entry), reached from the coupon's page.
    pub async fn issue_coupon_to_email(
        &self,
        actor: &StaffActor,
        id: i64,
        email: &str,
    ) -> AppResult<()> {
        actor.require(Area::Members, Access::Write)?;
        let email = email.trim().to_lowercase();
        let member = jangteo_db::members::find_by_email(&self.db, &email)
            .await?
            .filter(|m| m.status == "active")
            .ok_or(AppError::field("email", "member_not_found"))?;
        self.issue_coupon(actor, member.id, id).await
    }

    /// Issues coupon `id` at once to every active member of `segment` who does not have it
    /// (marketing, write); audited with the count. How many got it.
    pub async fn issue_coupon_to_segment(
        &self,
        actor: &StaffActor,
        id: i64,
        segment: Segment,
    ) -> AppResult<u64> {
        actor.require(Area::Marketing, Access::Write)?;
        let coupon = coupon_admin::find(&self.db, id)
            .await?
            .ok_or(AppError::NotFound)?
            .coupon;
        let now = self.now();
        if !coupon.is_active || coupon.valid_until <= now {
            return Err(AppError::Conflict("coupon_not_usable"));
        }
        let mut tx = self.db.begin().await?;
        let issued = jangteo_db::promotions::issue_to_segment(&mut tx, id, segment, now).await?;
        let segment_name = match segment {
            Segment::All => "all".to_owned(),
            Segment::MarketingAgreed => "marketing".to_owned(),
            Segment::Grade(grade) => format!("grade:{grade}"),
        };
        let target = id.to_string();
        let entry = NewAudit {
            after: Some(
                serde_json::json!({ "segment": segment_name, "issued": issued }).to_string(),
            ),
            ..actor.entry("coupons.issue_segment", "coupon", &target)
        };
        audit::record(&mut tx, &entry, now).await?;
        tx.commit().await?;
        Ok(issued)
    }
}
