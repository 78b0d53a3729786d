//! Members in the back office: the masked list, the detail (its personal data shown in full only
//! after a permitted role gives a reason, which is logged), points adjustments, grade changes,
//! coupon issuing and the audited export.

use crate::auth::StaffActor;
use crate::members::member_login_scope;
use crate::{App, AppError, AppResult};
use jangteo_core::paging::{PageRequest, Paged};
use jangteo_core::staff::{Access, Area};
use jangteo_db::audit::{self, NewAudit};
use jangteo_db::member_admin::{
    self, GradeChangeRow, IssuedCouponRow, MemberAdminRow, MemberFilter,
};
use jangteo_db::orders::OrderRow;
use jangteo_db::promotions::{self, PointEntryRow};

/// Everything the member page shows.
#[derive(Debug, Clone)]
pub struct MemberDetail {
    /// The member.
    pub member: MemberAdminRow,
    /// Latest orders.
    pub orders: Vec<OrderRow>,
    /// Latest points entries.
    pub points: Vec<PointEntryRow>,
    /// Issued coupons.
    pub coupons: Vec<IssuedCouponRow>,
    /// Grade history.
    pub grades: Vec<GradeChangeRow>,
    /// Whether failed logins lock the account for unknown devices right now.
    pub login_locked: bool,
}

/// Shortest reason accepted for viewing or exporting personal data.
const MIN_REASON: usize = 2;

fn reason_of(raw: &str) -> AppResult<String> {
    let reason = raw.trim();
    if reason.chars().count() < MIN_REASON || reason.chars().count() > 200 {
        return Err(AppError::field("reason", "reason_required"));
    }
    Ok(reason.to_owned())
}

impl App {
    /// Members matching `filter`, newest first.
    pub async fn staff_members(
        &self,
        actor: &StaffActor,
        filter: &MemberFilter,
        page: u32,
        size: u32,
    ) -> AppResult<Paged<MemberAdminRow>> {
        actor.require(Area::Members, Access::Read)?;
        let request = PageRequest::new(page, size);
        let (items, total) =
            member_admin::search(&self.db, filter, request.limit(), request.offset()).await?;
        Ok(jangteo_core::paging::Paged::counted(items, total, request))
    }

    /// A member's page. With `reveal_reason` the caller asks to see the personal data in full:
    /// the role must allow it and the view is logged with the reason.
    pub async fn staff_member(
        &self,
        actor: &StaffActor,
        id: i64,
        reveal_reason: Option<&str>,
    ) -> AppResult<MemberDetail> {
        actor.require(Area::Members, Access::Read)?;
        let member = member_admin::find(&self.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        if let Some(raw) = reveal_reason {
            actor.require(Area::PersonalData, Access::Read)?;
            let reason = reason_of(raw)?;
            self.audit_event(
                actor,
                "member.view_personal",
                "member",
                &id.to_string(),
                &reason,
            )
            .await?;
        }
        Ok(MemberDetail {
            orders: jangteo_db::orders::list_for_member(&self.db, id, 20, 0).await?,
            points: promotions::point_entries(&self.db, id, 20, 0).await?,
            coupons: member_admin::issued_coupons(&self.db, id).await?,
            grades: member_admin::grade_changes(&self.db, id).await?,
            login_locked: match &member.email {
                Some(email) => {
                    self.login_locked(
                        &member_login_scope(email),
                        self.member_login_limits(),
                        self.config.members.throttle_minutes,
                    )
                    .await?
                }
                None => false,
            },
            member,
        })
    }

    /// Every membership grade.
    pub async fn grades(&self) -> AppResult<Vec<jangteo_db::members::GradeRow>> {
        Ok(jangteo_db::members::grades(&self.db).await?)
    }

    /// Coupons staff may issue now: (id, name).
    pub async fn issuable_coupons(&self) -> AppResult<Vec<(i64, String)>> {
        Ok(member_admin::issuable_coupons(&self.db, self.now()).await?)
    }

    /// Grants (positive) or takes back (negative) points with a reason.
    pub async fn adjust_points(
        &self,
        actor: &StaffActor,
        member_id: i64,
        amount: i64,
        reason: &str,
    ) -> AppResult<()> {
        actor.require(Area::Members, Access::Write)?;
        let reason = reason_of(reason)?;
        if amount == 0 || amount.abs() > 10_000_000 {
            return Err(AppError::field("amount", "invalid_amount"));
        }
        let member = self.active_member(member_id).await?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        if !promotions::add_points(&mut tx, member_id, amount, "manual", None, None, now).await? {
            return Err(AppError::field("amount", "points_insufficient"));
        }
        audit::record(
            &mut tx,
            &NewAudit {
                before: Some(serde_json::json!({ "points": member.points_balance }).to_string()),
                after: Some(
                    serde_json::json!({ "points": member.points_balance + amount, "amount": amount })
                        .to_string(),
                ),
                reason: &reason,
                ..actor.entry("member.points", "member", &member_id.to_string())
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes a member's grade (kept in the grade history).
    pub async fn change_grade(
        &self,
        actor: &StaffActor,
        member_id: i64,
        grade_code: &str,
    ) -> AppResult<()> {
        actor.require(Area::Members, Access::Write)?;
        let member = member_admin::find(&self.db, member_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        if !jangteo_db::members::set_grade(
            &mut tx,
            member_id,
            grade_code,
            "staff",
            &actor.email,
            now,
        )
        .await?
        {
            return Err(AppError::field("grade", "required"));
        }
        audit::record(
            &mut tx,
            &NewAudit {
                before: Some(serde_json::json!({ "grade": member.grade_code }).to_string()),
                after: Some(serde_json::json!({ "grade": grade_code }).to_string()),
                ..actor.entry("member.grade", "member", &member_id.to_string())
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Clears a member's failed logins (a member locked out by someone guessing). Members write;
    /// audited.
    pub async fn unlock_member_login(&self, actor: &StaffActor, member_id: i64) -> AppResult<()> {
        actor.require(Area::Members, Access::Write)?;
        let member = member_admin::find(&self.db, member_id)
            .await?
            .ok_or(AppError::NotFound)?;
        let email = member.email.ok_or(AppError::NotFound)?;
        let target = member_id.to_string();
        self.unlock_login(
            actor,
            &member_login_scope(&email),
            "member.login_unlocked",
            "member",
            &target,
        )
        .await
    }

    /// Issues a coupon to a member (once per coupon).
    pub async fn issue_coupon(
        &self,
        actor: &StaffActor,
        member_id: i64,
        coupon_id: i64,
    ) -> AppResult<()> {
        actor.require(Area::Members, Access::Write)?;
        self.active_member(member_id).await?;
        let coupon = promotions::by_id(&self.db, coupon_id)
            .await?
            .filter(|c| c.is_active && c.valid_until > self.now())
            .ok_or_else(|| AppError::field("coupon_id", "required"))?;
        let now = self.now();
        let mut tx = self.db.begin().await?;
        promotions::issue(&mut tx, member_id, coupon.id, now).await?;
        audit::record(
            &mut tx,
            &NewAudit {
                after: Some(
                    serde_json::json!({ "coupon": coupon.id, "name": coupon.name }).to_string(),
                ),
                ..actor.entry("member.coupon", "member", &member_id.to_string())
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The matching members with their personal data as .xlsx or CSV (UTF-8 with BOM), for a
    /// permitted role and with a reason; the export and its row count are logged.
    pub async fn export_members(
        &self,
        actor: &StaffActor,
        filter: &MemberFilter,
        reason: &str,
        format: crate::sheets::SheetFormat,
    ) -> AppResult<Vec<u8>> {
        use crate::sheets::{Cell, text};
        actor.require(Area::Members, Access::Read)?;
        actor.require(Area::PersonalData, Access::Read)?;
        let reason = reason_of(reason)?;
        let (rows, _) = member_admin::search(&self.db, filter, 1_000_000, 0).await?;
        let cells: Vec<Vec<Cell>> = rows
            .iter()
            .map(|m| {
                let status = match (m.dormant_at.is_some(), m.status.as_str()) {
                    (true, _) => "휴면",
                    (false, "active") => "정상",
                    (false, "withdrawn") => "탈퇴",
                    (false, other) => other,
                };
                vec![
                    Cell::Number(m.id),
                    text(&m.name),
                    text(m.email.as_deref().unwrap_or_default()),
                    Cell::Text(
                        m.mobile
                            .as_deref()
                            .map(jangteo_core::member::format_mobile)
                            .unwrap_or_default(),
                    ),
                    text(&m.grade_name),
                    Cell::Number(m.points_balance),
                    Cell::Text(
                        m.marketing_agreed_at
                            .map(jangteo_core::time::format_kst)
                            .unwrap_or_default(),
                    ),
                    text(status),
                    Cell::Text(jangteo_core::time::format_kst(m.created_at)),
                ]
            })
            .collect();
        let headers = [
            "회원번호",
            "이름",
            "이메일",
            "휴대폰",
            "등급",
            "적립금",
            "마케팅 수신 동의일시",
            "상태",
            "가입일시",
        ];
        let bytes = crate::sheets::write(format, "회원", &headers, &cells)?;
        let mut tx = self.db.begin().await?;
        audit::record(
            &mut tx,
            &NewAudit {
                after: Some(
                    serde_json::json!({
                        "keyword": filter.keyword, "grade": filter.grade, "state": filter.state,
                        "marketing_only": filter.marketing_only, "rows": rows.len(),
                        "format": format.extension(),
                    })
                    .to_string(),
                ),
                reason: &reason,
                ..actor.entry("member.export", "member", "")
            },
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(bytes)
    }
}
