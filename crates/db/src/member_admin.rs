//! Members as the back office sees them: search, the detail with consents and activity, grade
//! history and issued coupons.

use crate::error::Context;
use crate::{Db, DbResult, SqlBuilder};
use chrono::{DateTime, Utc};

/// A member in the back-office list and detail.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberAdminRow {
    /// Id.
    pub id: i64,
    /// E-mail (none once withdrawn or dormant).
    pub email: Option<String>,
    /// Name (empty once withdrawn).
    pub name: String,
    /// Mobile digits.
    pub mobile: Option<String>,
    /// Grade code.
    pub grade_code: String,
    /// Grade name.
    pub grade_name: String,
    /// Points balance.
    pub points_balance: i64,
    /// Terms consent.
    pub terms_agreed_at: DateTime<Utc>,
    /// Privacy consent.
    pub privacy_agreed_at: DateTime<Utc>,
    /// Marketing consent (none: not agreed).
    pub marketing_agreed_at: Option<DateTime<Utc>>,
    /// `active` or `withdrawn`.
    pub status: String,
    /// When the personal data moved to the dormant store (none: not dormant).
    pub dormant_at: Option<DateTime<Utc>>,
    /// Last login.
    pub last_login_at: Option<DateTime<Utc>>,
    /// Joined.
    pub created_at: DateTime<Utc>,
}

const COLUMNS: &str = "SELECT m.id, m.email, m.name, m.mobile, g.code AS grade_code, g.name AS grade_name, \
     m.points_balance, m.terms_agreed_at, m.privacy_agreed_at, m.marketing_agreed_at, m.status, \
     m.dormant_at, m.last_login_at, m.created_at FROM members m JOIN grades g ON g.id = m.grade_id";

/// List filters (empty = any).
#[derive(Debug, Clone, Default)]
pub struct MemberFilter {
    /// Name or e-mail (part), or mobile digits (part, 4 or more).
    pub keyword: String,
    /// Grade code.
    pub grade: String,
    /// `active`, `dormant` or `withdrawn`.
    pub state: String,
    /// Only members who agreed to marketing.
    pub marketing_only: bool,
}

fn filtered(base: &'static str, f: &MemberFilter) -> SqlBuilder {
    let mut q = SqlBuilder::new(base);
    q.push(" WHERE 1 = 1");
    match f.state.as_str() {
        "active" => {
            q.push(" AND m.status = 'active' AND m.dormant_at IS NULL");
        }
        "dormant" => {
            q.push(" AND m.dormant_at IS NOT NULL");
        }
        "withdrawn" => {
            q.push(" AND m.status = 'withdrawn'");
        }
        _ => {}
    }
    if !f.grade.is_empty() {
        q.push(" AND g.code = ").bind_text(&f.grade);
    }
    if f.marketing_only {
        q.push(" AND m.marketing_agreed_at IS NOT NULL");
    }
    let keyword = f.keyword.trim();
    if !keyword.is_empty() {
        q.push(" AND (m.name LIKE ")
            .bind_text(crate::dynamic::like_contains(keyword))
            .push(" ESCAPE '\\' OR m.email LIKE ")
            .bind_text(crate::dynamic::like_contains(&keyword.to_lowercase()))
            .push(" ESCAPE '\\'");
        let digits: String = keyword.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 4 {
            q.push(" OR m.mobile LIKE ")
                .bind_text(crate::dynamic::like_contains(&digits))
                .push(" ESCAPE '\\'");
        }
        q.push(")");
    }
    q
}

/// Members matching `f`, newest first, and their number.
pub async fn search(
    db: &Db,
    f: &MemberFilter,
    limit: i64,
    offset: i64,
) -> DbResult<(Vec<MemberAdminRow>, i64)> {
    let mut q = filtered(COLUMNS, f);
    q.push(" ORDER BY m.id DESC LIMIT ")
        .bind_int(limit)
        .push(" OFFSET ")
        .bind_int(offset);
    let rows = read_dynamic!(db, MemberAdminRow, &q, fetch_all).context("searching members")?;
    let count = filtered(
        "SELECT COUNT(*) FROM members m JOIN grades g ON g.id = m.grade_id",
        f,
    );
    let total = read_dynamic_scalar!(db, i64, &count).context("counting members")?;
    Ok((rows, total))
}

/// One member.
pub async fn find(db: &Db, id: i64) -> DbResult<Option<MemberAdminRow>> {
    let mut q = SqlBuilder::new(COLUMNS);
    q.push(" WHERE m.id = ").bind_int(id);
    read_dynamic!(db, MemberAdminRow, &q, fetch_optional).context("loading member")
}

/// A grade change.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct GradeChangeRow {
    /// Previous grade name.
    pub from_grade: String,
    /// New grade name.
    pub to_grade: String,
    /// `monthly`, `staff` or `demo`.
    pub source: String,
    /// Staff e-mail when staff changed it.
    pub changed_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A member's grade changes, newest first.
pub async fn grade_changes(db: &Db, member_id: i64) -> DbResult<Vec<GradeChangeRow>> {
    read_all!(
        db,
        GradeChangeRow,
        "SELECT f.name AS from_grade, t.name AS to_grade, c.source, c.changed_by, c.created_at
         FROM grade_changes c JOIN grades f ON f.id = c.from_grade_id JOIN grades t ON t.id = c.to_grade_id
         WHERE c.member_id = $1 ORDER BY c.id DESC LIMIT 50",
        member_id
    )
    .context("listing grade changes")
}

/// A coupon issued to a member.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IssuedCouponRow {
    /// Coupon id.
    pub coupon_id: i64,
    /// Name.
    pub name: String,
    /// Valid until.
    pub valid_until: DateTime<Utc>,
    /// Issued.
    pub issued_at: DateTime<Utc>,
    /// Uses on orders that were not cancelled.
    pub uses: i64,
}

/// Coupons issued to a member, newest first.
pub async fn issued_coupons(db: &Db, member_id: i64) -> DbResult<Vec<IssuedCouponRow>> {
    read_all!(
        db,
        IssuedCouponRow,
        "SELECT c.id AS coupon_id, c.name, c.valid_until, mc.issued_at,
             (SELECT COUNT(*) FROM coupon_redemptions r
              WHERE r.coupon_id = c.id AND r.member_id = mc.member_id AND r.released_at IS NULL) AS uses
         FROM member_coupons mc JOIN coupons c ON c.id = mc.coupon_id
         WHERE mc.member_id = $1 ORDER BY mc.id DESC",
        member_id
    )
    .context("listing issued coupons")
}

/// Coupons staff may issue now: active and not expired, by name.
pub async fn issuable_coupons(db: &Db, now: DateTime<Utc>) -> DbResult<Vec<(i64, String)>> {
    read_all!(
        db,
        (i64, String),
        "SELECT id, name FROM coupons WHERE is_active = TRUE AND valid_until > $1 ORDER BY name",
        now
    )
    .context("listing issuable coupons")
}
