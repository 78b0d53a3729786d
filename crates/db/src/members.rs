//! Shop members: accounts, grades, password resets and dormancy (the address book is in
//! `member_addresses`, re-exported here).

use crate::error::Context;
use crate::{Db, DbResult, Tx};
use chrono::{DateTime, Utc};

pub use crate::member_addresses::*;

/// A membership grade.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct GradeRow {
    /// Id.
    pub id: i64,
    /// Stable code (`basic`, `silver`, …).
    pub code: String,
    /// Display name.
    pub name: String,
    /// Discount on every line, basis points.
    pub discount_bp: i64,
    /// Points earned, basis points.
    pub point_bp: i64,
    /// New members get the default grade.
    pub is_default: bool,
    /// Every parcel ships free.
    pub free_shipping: bool,
    /// Won paid over the evaluation window that earns it.
    pub min_spend: i64,
}

/// A member account.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MemberRow {
    /// Id.
    pub id: i64,
    /// Login e-mail (none once withdrawn).
    pub email: Option<String>,
    /// Argon2id PHC string (empty once withdrawn).
    pub password_hash: String,
    /// Name.
    pub name: String,
    /// Mobile number, digits only.
    pub mobile: Option<String>,
    /// Grade.
    pub grade_id: i64,
    /// Points balance.
    pub points_balance: i64,
    /// When marketing messages were agreed to (none: not agreed).
    pub marketing_agreed_at: Option<DateTime<Utc>>,
    /// `active` or `withdrawn`.
    pub status: String,
    /// Joined.
    pub created_at: DateTime<Utc>,
    /// Birth date (`YYYY-MM-DD`), when the member gave it.
    pub birth_date: Option<String>,
}

const MEMBER_COLUMNS: &str = "id, email, password_hash, name, mobile, grade_id, points_balance, \
     marketing_agreed_at, status, created_at, birth_date";

/// What sign-up stores.
#[derive(Debug, Clone)]
pub struct NewMember<'a> {
    /// Normalised e-mail.
    pub email: &'a str,
    /// Argon2id hash.
    pub password_hash: &'a str,
    /// Name.
    pub name: &'a str,
    /// Mobile digits.
    pub mobile: &'a str,
    /// Marketing consent given.
    pub marketing: bool,
}

/// Every grade, lowest first.
pub async fn grades(db: &Db) -> DbResult<Vec<GradeRow>> {
    read_all!(
        db,
        GradeRow,
        "SELECT id, code, name, discount_bp, point_bp, is_default, free_shipping, min_spend
         FROM grades ORDER BY position, id"
    )
    .context("listing grades")
}

/// Creates a member with the default grade; `None` when the e-mail is taken.
pub async fn insert(tx: &mut Tx, m: &NewMember<'_>, now: DateTime<Utc>) -> DbResult<Option<i64>> {
    let id = tx_scalar_optional!(
        tx,
        i64,
        "INSERT INTO members (email, password_hash, name, mobile, grade_id, points_balance,
             terms_agreed_at, privacy_agreed_at, marketing_agreed_at, status, created_at, updated_at)
         SELECT $1, $2, $3, $4, g.id, 0, $5, $5, $6, 'active', $5, $5
         FROM grades g WHERE g.is_default = TRUE
         ORDER BY g.position LIMIT 1
         ON CONFLICT (email) DO NOTHING
         RETURNING id",
        m.email,
        m.password_hash,
        m.name,
        m.mobile,
        now,
        m.marketing.then_some(now)
    )
    .context("creating member")?;
    if id.is_some() {
        crate::stats::mark_dirty(tx, now).await?;
    }
    Ok(id)
}

/// An active member by e-mail.
pub async fn find_by_email(db: &Db, email: &str) -> DbResult<Option<MemberRow>> {
    read_optional!(
        db,
        MemberRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {MEMBER_COLUMNS} FROM members WHERE email = $1 AND status = 'active'"
        )),
        email
    )
    .context("loading member by e-mail")
}

/// A member by id (any status).
pub async fn find(db: &Db, id: i64) -> DbResult<Option<MemberRow>> {
    read_optional!(
        db,
        MemberRow,
        sqlx::AssertSqlSafe(format!(
            "SELECT {MEMBER_COLUMNS} FROM members WHERE id = $1"
        )),
        id
    )
    .context("loading member")
}

/// Records a successful login.
pub async fn touch_login(db: &Db, id: i64, now: DateTime<Utc>) -> DbResult<()> {
    db_execute!(
        db,
        "UPDATE members SET last_login_at = $2 WHERE id = $1",
        id,
        now
    )
    .context("recording login")
    .map(|_| ())
}

/// Changes name, mobile and marketing consent (keeping the first consent time when unchanged).
pub async fn update_profile(
    tx: &mut Tx,
    id: i64,
    profile: &ProfileUpdate<'_>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE members SET name = $2, mobile = $3,
             marketing_agreed_at = CASE WHEN $4 THEN COALESCE(marketing_agreed_at, $5) ELSE NULL END,
             updated_at = $5, birth_date = $6
         WHERE id = $1 AND status = 'active'",
        id,
        profile.name,
        profile.mobile,
        profile.marketing,
        now,
        profile.birth_date
    )
    .context("updating profile")
    .map(|_| ())
}

/// What a member changes in their profile.
#[derive(Debug, Clone, Copy)]
pub struct ProfileUpdate<'a> {
    /// Name.
    pub name: &'a str,
    /// Mobile number, digits only.
    pub mobile: &'a str,
    /// Agrees to marketing messages.
    pub marketing: bool,
    /// Birth date (`YYYY-MM-DD`), none to leave it out.
    pub birth_date: Option<&'a str>,
}

/// Replaces the password hash.
pub async fn set_password(tx: &mut Tx, id: i64, hash: &str, now: DateTime<Utc>) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE members SET password_hash = $2, updated_at = $3 WHERE id = $1 AND status = 'active'",
        id,
        hash,
        now
    )
    .context("setting password")
    .map(|_| ())
}

/// Assigns a grade by code and records the change in the grade history (`source`: `monthly`,
/// `staff`, `api`, `demo`); false when no such grade or member.
pub async fn set_grade(
    tx: &mut Tx,
    id: i64,
    grade_code: &str,
    source: &str,
    changed_by: &str,
    now: DateTime<Utc>,
) -> DbResult<bool> {
    tx_execute!(
        tx,
        "INSERT INTO grade_changes (member_id, from_grade_id, to_grade_id, source, changed_by, created_at)
         SELECT m.id, m.grade_id, g.id, $3, $4, $5 FROM members m JOIN grades g ON g.code = $2
         WHERE m.id = $1 AND m.grade_id <> g.id",
        id,
        grade_code,
        source,
        changed_by,
        now
    )
    .context("recording grade change")?;
    tx_execute!(
        tx,
        "UPDATE members SET grade_id = (SELECT id FROM grades WHERE code = $2), updated_at = $3
         WHERE id = $1 AND EXISTS (SELECT 1 FROM grades WHERE code = $2)",
        id,
        grade_code,
        now
    )
    .context("assigning grade")
    .map(|n| n == 1)
}

/// Erases a member's personal data (withdrawal): the row stays, anonymised, for the orders that
/// point at it; addresses, cart, coupons, resets, 본인인증 records and sessions go.
pub async fn anonymise(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE members SET email = NULL, password_hash = '', name = '', mobile = NULL,
             marketing_agreed_at = NULL, points_balance = 0, status = 'withdrawn', withdrawn_at = $2,
             birth_date = NULL,
             updated_at = $2
         WHERE id = $1",
        id,
        now
    )
    .context("anonymising member")?;
    crate::stats::mark_dirty(tx, now).await?;
    for sql in [
        "DELETE FROM member_addresses WHERE member_id = $1",
        "DELETE FROM cart_items WHERE member_id = $1",
        "DELETE FROM member_coupons WHERE member_id = $1",
        "DELETE FROM password_resets WHERE member_id = $1",
        "DELETE FROM identity_verifications WHERE member_id = $1",
    ] {
        tx_execute!(tx, sql, id).context("erasing member data")?;
    }
    Ok(())
}

/// Stores a password-reset token hash.
pub async fn insert_reset(
    tx: &mut Tx,
    member_id: i64,
    token_hash: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> DbResult<()> {
    tx_execute!(
        tx,
        "INSERT INTO password_resets (token_hash, member_id, expires_at, created_at) VALUES ($1, $2, $3, $4)",
        token_hash,
        member_id,
        expires_at,
        now
    )
    .context("storing reset token")
    .map(|_| ())
}

/// When the member's newest reset link was made.
pub async fn latest_reset_at(db: &Db, member_id: i64) -> DbResult<Option<DateTime<Utc>>> {
    read_optional!(
        db,
        (DateTime<Utc>,),
        "SELECT created_at FROM password_resets WHERE member_id = $1 ORDER BY created_at DESC LIMIT 1",
        member_id
    )
    .context("reading the newest reset link")
    .map(|row| row.map(|(at,)| at))
}

/// The member a valid (unused, unexpired) reset token belongs to.
pub async fn reset_member(db: &Db, token_hash: &str, now: DateTime<Utc>) -> DbResult<Option<i64>> {
    read_optional!(
        db,
        (i64,),
        "SELECT member_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        token_hash,
        now
    )
    .context("checking reset token")
    .map(|r| r.map(|(id,)| id))
}

/// Uses a reset token: `Some(member)` once, `None` when invalid, used or expired. Every other
/// open token of the member is spent too.
pub async fn consume_reset(
    tx: &mut Tx,
    token_hash: &str,
    now: DateTime<Utc>,
) -> DbResult<Option<i64>> {
    let member = tx_scalar_optional!(
        tx,
        i64,
        "UPDATE password_resets SET used_at = $2
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING member_id",
        token_hash,
        now
    )
    .context("using reset token")?;
    if let Some(id) = member {
        tx_execute!(
            tx,
            "UPDATE password_resets SET used_at = $2 WHERE member_id = $1 AND used_at IS NULL",
            id,
            now
        )
        .context("spending other reset tokens")?;
    }
    Ok(member)
}

/// Active members who agreed to marketing at or before `before`: (id, e-mail, name, agreed at).
pub async fn consents_older_than(
    db: &Db,
    before: DateTime<Utc>,
) -> DbResult<Vec<(i64, String, String, DateTime<Utc>)>> {
    read_all!(
        db,
        (i64, String, String, DateTime<Utc>),
        "SELECT id, email, name, marketing_agreed_at FROM members
         WHERE status = 'active' AND email IS NOT NULL AND marketing_agreed_at IS NOT NULL
           AND marketing_agreed_at <= $1 ORDER BY id",
        before
    )
    .context("finding old marketing consents")
}

/// Sets when marketing was agreed to (imports; tests).
pub async fn set_marketing_agreed_at(tx: &mut Tx, id: i64, at: DateTime<Utc>) -> DbResult<()> {
    tx_execute!(
        tx,
        "UPDATE members SET marketing_agreed_at = $2 WHERE id = $1",
        id,
        at
    )
    .context("setting consent time")
    .map(|_| ())
}

/// Active, non-dormant members whose last activity (last login, else sign-up) is at or before
/// `before`: (id, e-mail, name, last activity).
pub async fn inactive_since(
    db: &Db,
    before: DateTime<Utc>,
) -> DbResult<Vec<(i64, String, String, DateTime<Utc>)>> {
    read_all!(
        db,
        (i64, String, String, DateTime<Utc>),
        "SELECT id, email, name, COALESCE(last_login_at, created_at) FROM members
         WHERE status = 'active' AND dormant_at IS NULL AND email IS NOT NULL
           AND COALESCE(last_login_at, created_at) <= $1
         ORDER BY id",
        before
    )
    .context("finding inactive members")
}

/// Moves a member's personal data to the dormant store; false if already dormant.
pub async fn make_dormant(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> DbResult<bool> {
    let moved = tx_execute!(
        tx,
        "INSERT INTO dormant_members (member_id, email, name, mobile, marketing_agreed_at, dormant_at, birth_date)
         SELECT id, email, name, mobile, marketing_agreed_at, $2, birth_date FROM members
         WHERE id = $1 AND dormant_at IS NULL AND email IS NOT NULL AND status = 'active'",
        id,
        now
    )
    .context("storing dormant member data")?;
    if moved == 0 {
        return Ok(false);
    }
    tx_execute!(
        tx,
        "UPDATE members SET email = NULL, name = '', mobile = NULL, marketing_agreed_at = NULL,
             birth_date = NULL, dormant_at = $2, updated_at = $2 WHERE id = $1",
        id,
        now
    )
    .context("separating dormant member")?;
    // A 본인인증 counts for one session only: after a year away the verified name, birth date,
    // mobile and CI hash serve nothing and are not kept.
    tx_execute!(
        tx,
        "DELETE FROM identity_verifications WHERE member_id = $1",
        id
    )
    .context("dropping a dormant member's identity verifications")?;
    Ok(true)
}

/// The dormant member with this e-mail and their password hash.
pub async fn find_dormant_by_email(db: &Db, email: &str) -> DbResult<Option<(i64, String)>> {
    read_optional!(
        db,
        (i64, String),
        "SELECT m.id, m.password_hash FROM dormant_members d JOIN members m ON m.id = d.member_id
         WHERE d.email = $1 AND m.status = 'active'",
        email
    )
    .context("finding dormant member")
}

/// Brings a dormant member's personal data back; false if not dormant.
pub async fn restore_dormant(tx: &mut Tx, id: i64, now: DateTime<Utc>) -> DbResult<bool> {
    let restored = tx_execute!(
        tx,
        "UPDATE members SET
             email = (SELECT email FROM dormant_members WHERE member_id = $1),
             name = (SELECT name FROM dormant_members WHERE member_id = $1),
             mobile = (SELECT mobile FROM dormant_members WHERE member_id = $1),
             marketing_agreed_at = (SELECT marketing_agreed_at FROM dormant_members WHERE member_id = $1),
             birth_date = (SELECT birth_date FROM dormant_members WHERE member_id = $1),
             dormant_at = NULL, updated_at = $2
         WHERE id = $1 AND EXISTS (SELECT 1 FROM dormant_members WHERE member_id = $1)",
        id,
        now
    )
    .context("restoring dormant member")?;
    tx_execute!(tx, "DELETE FROM dormant_members WHERE member_id = $1", id)
        .context("clearing dormant store")?;
    Ok(restored == 1)
}
